/* shard.c: the shard hash. It runs on every packet in every worker in the workers run mode,
 * so it decodes only what the hash needs; anything it cannot parse hashes as far as it got
 * (the full decoder, in the worker that gets the packet, raises the events). */
#include "runtime/shard.h"

#include <string.h>

#include "core/cursor.h"
#include "core/hash.h"
#include "core/proto.h"

#define ETH_HDR_LEN 14
#define SLL_HDR_LEN 16
#define SLL2_HDR_LEN 20
#define PPPOE_HDR_LEN 6
#define ICMP_HDR_LEN 8   /* an error's quote follows the first 8 bytes */
#define SHARD_VLAN_MAX 8 /* tags followed; more than the decoder accepts */

typedef struct {
    uint64_t vlans;
    SkAddr a, b;
    bool ip;
    bool complex;
    const DecodeConfig *dc;
} ShardKey;

static bool
is_tunnel_port(const DecodeConfig *dc, uint16_t sp, uint16_t dp)
{
    /* Conservative: any port a UDP tunnel may use sends the packet to the full decoder. */
    static const uint16_t well_known[] = {SK_PORT_TEREDO, SK_PORT_VXLAN, SK_PORT_GENEVE};
    for (size_t i = 0; i < sizeof(well_known) / sizeof(well_known[0]); i++) {
        if (sp == well_known[i] || dp == well_known[i]) {
            return true;
        }
    }
    if (dc->teredo_enabled
        && (dc->teredo_port == 0 || sp == dc->teredo_port || dp == dc->teredo_port)) {
        return true;
    }
    return (dc->vxlan_enabled && dp == dc->vxlan_port)
           || (dc->geneve_enabled && dp == dc->geneve_port);
}

static void
check_udp(Cursor l4, ShardKey *k)
{
    uint16_t sp, dp;
    if (cur_be16(&l4, &sp) && cur_be16(&l4, &dp) && is_tunnel_port(k->dc, sp, dp)) {
        k->complex = true;
    }
}

static void
key_ipv4(Cursor c, ShardKey *k)
{
    uint8_t vhl, proto;
    if (!cur_peek_u8(&c, 0, &vhl) || (vhl >> 4) != 4 || !cur_peek_u8(&c, 9, &proto)) {
        return;
    }
    Cursor h = c;
    if (!cur_skip(&h, 12) || !cur_bytes(&h, k->a.b, 4) || !cur_bytes(&h, k->b.b, 4)) {
        return;
    }
    k->ip = true;
    size_t hlen = (size_t)(vhl & 15) * 4;
    uint16_t frag;
    if (hlen < SK_IPV4_HDR_MIN || !cur_peek_be16(&c, 6, &frag)) {
        return;
    }
    if ((frag & (SK_IPV4_F_MF | SK_IPV4_OFF_MASK)) != 0) {
        /* A fragment: what its datagram carries (a tunnel's inner flow, another worker's) is
         * known only once it is put together, so every worker sees it (worker.c). */
        k->complex = true;
        return;
    }
    if (proto == SK_IPPROTO_IPIP || proto == SK_IPPROTO_IPV6 || proto == SK_IPPROTO_GRE) {
        k->complex = true;
        return;
    }
    if (!cur_skip(&c, hlen)) {
        return;
    }
    if (proto == SK_IPPROTO_UDP) {
        check_udp(c, k);
        return;
    }
    if (proto != SK_IPPROTO_ICMP) {
        return;
    }
    /* An ICMP error quotes the datagram it reports on after its 8-byte header. */
    uint8_t type;
    if (!cur_peek_u8(&c, 0, &type) || !proto_icmpv4_is_error(type) || !cur_skip(&c, ICMP_HDR_LEN)) {
        return;
    }
    SkAddr ea, eb;
    memset(&ea, 0, sizeof(ea));
    memset(&eb, 0, sizeof(eb));
    if (cur_peek_u8(&c, 0, &vhl) && (vhl >> 4) == 4 && cur_skip(&c, 12) && cur_bytes(&c, ea.b, 4)
        && cur_bytes(&c, eb.b, 4)) {
        k->a = ea;
        k->b = eb;
    }
}

static void
key_ipv6(Cursor c, ShardKey *k)
{
    uint8_t v, nh;
    if (!cur_peek_u8(&c, 0, &v) || (v >> 4) != 6 || !cur_peek_u8(&c, 6, &nh) || !cur_skip(&c, 8)) {
        return;
    }
    if (!cur_bytes(&c, k->a.b, 16) || !cur_bytes(&c, k->b.b, 16)) {
        return;
    }
    k->ip = true;
    /* Extension headers may lead to a tunnel: only plain transports stay simple. */
    if (nh == SK_IPPROTO_UDP) {
        check_udp(c, k);
    } else if (nh != SK_IPPROTO_TCP && nh != SK_IPPROTO_ICMPV6 && nh != SK_IPPROTO_SCTP) {
        k->complex = true;
    }
}

static void
key_ip_any(Cursor c, ShardKey *k)
{
    uint8_t v;
    if (!cur_peek_u8(&c, 0, &v)) {
        return;
    }
    if ((v >> 4) == 4) {
        key_ipv4(c, k);
    } else if ((v >> 4) == 6) {
        key_ipv6(c, k);
    }
}

static void
key_ethertype(Cursor c, uint16_t type, ShardKey *k)
{
    for (int layer = 0; layer < SHARD_VLAN_MAX; layer++) {
        switch (type) {
        case SK_ETHERTYPE_IPV4:
            key_ipv4(c, k);
            return;
        case SK_ETHERTYPE_IPV6:
            key_ipv6(c, k);
            return;
        case SK_ETHERTYPE_VLAN:
        case SK_ETHERTYPE_8021AD:
        case SK_ETHERTYPE_8021QINQ: {
            uint16_t tci;
            if (!cur_be16(&c, &tci) || !cur_be16(&c, &type)) {
                return;
            }
            k->vlans = k->vlans << 12 | (tci & 0x0fff);
            break;
        }
        case SK_ETHERTYPE_PPPOE_SESS: {
            /* PPP protocol: two bytes, or one when compressed (RFC 1661 PFC: an odd first
             * byte). Anything but IP goes to the decoder. */
            uint8_t b0, b1;
            uint16_t proto;
            if (!cur_skip(&c, PPPOE_HDR_LEN) || !cur_u8(&c, &b0)) {
                k->complex = true;
                return;
            }
            if (b0 & 1) {
                proto = b0;
            } else if (cur_u8(&c, &b1)) {
                proto = (uint16_t)(b0 << 8 | b1);
            } else {
                k->complex = true;
                return;
            }
            if (proto == SK_PPP_IP) {
                key_ipv4(c, k);
            } else if (proto == SK_PPP_IPV6) {
                key_ipv6(c, k);
            } else {
                k->complex = true;
            }
            return;
        }
        case SK_ETHERTYPE_MPLS_UC:
        case SK_ETHERTYPE_MPLS_MC: {
            uint32_t label;
            do {
                if (!cur_be32(&c, &label)) {
                    return;
                }
            } while (!(label & 0x100));
            uint8_t first;
            if (!cur_peek_u8(&c, 0, &first) || ((first >> 4) != 4 && (first >> 4) != 6)) {
                k->complex = true; /* an Ethernet pseudowire, or nothing: decoder's call */
                return;
            }
            key_ip_any(c, k);
            return;
        }
        case SK_ETHERTYPE_ARP: /* no IP layer, hashed on its VLANs */
            return;
        default:
            /* 802.1ah, VN-Tag, E-Tag, FabricPath, ...: the decoder knows them, we do not. */
            k->complex = true;
            return;
        }
    }
    k->complex = true; /* more tags than the decoder accepts */
}

static uint64_t
key_hash(ShardKey *k, uint64_t seed)
{
    if (!k->ip) {
        return hash_splitmix64(seed ^ k->vlans);
    }
    /* Symmetric: the smaller address first (as two 64-bit words: any total order will do). */
    uint64_t a0 = hash_load64(k->a.b), a1 = hash_load64(k->a.b + 8);
    uint64_t b0 = hash_load64(k->b.b), b1 = hash_load64(k->b.b + 8);
    if (a0 > b0 || (a0 == b0 && a1 > b1)) {
        SkAddr t = k->a;
        k->a = k->b;
        k->b = t;
    }
    return hash_addr_pair(seed, k->a.b, k->b.b, k->vlans);
}

/* Offsets in the fast path's frame: Ethernet, then IPv4 without options, then the ports. */
#define FAST_ETHERTYPE 12
#define FAST_VHL (ETH_HDR_LEN + 0)
#define FAST_FRAG (ETH_HDR_LEN + 6)
#define FAST_PROTO (ETH_HDR_LEN + 9)
#define FAST_ADDRS (ETH_HDR_LEN + 12)
#define FAST_PORTS (ETH_HDR_LEN + SK_IPV4_HDR_MIN)
#define FAST_LEN (FAST_PORTS + 4)
#define IPV4_VHL_PLAIN 0x45 /* version 4, 20-byte header */

/* Most packets are Ethernet, IPv4 without options, unfragmented TCP or UDP: their key read at
 * fixed offsets of one FAST_LEN-byte cursor. After the one cur_take the compiler knows the
 * cursor's length, so the reads below check nothing more at run time (callgrind counts the
 * same instructions as raw indexing, docs/architecture.md). The same key as the general path
 * (tests/unit/runtime and fuzz/fuzz_shard.c check both against the decoder); false: not such
 * a packet, take the general path. */
static bool
fast_ipv4(const Packet *p, const DecodeConfig *dc, ShardKey *k)
{
    Cursor all = cur_init(p->data, p->len);
    Cursor f;
    uint16_t type, frag, sp, dp;
    uint8_t vhl, proto;

    if (p->linktype != LINKTYPE_ETHERNET || !cur_take(&all, FAST_LEN, &f)
        || !cur_peek_be16(&f, FAST_ETHERTYPE, &type) || type != SK_ETHERTYPE_IPV4
        || !cur_peek_u8(&f, FAST_VHL, &vhl) || vhl != IPV4_VHL_PLAIN
        || !cur_peek_be16(&f, FAST_FRAG, &frag) || (frag & (SK_IPV4_F_MF | SK_IPV4_OFF_MASK)) != 0
        || !cur_peek_u8(&f, FAST_PROTO, &proto)
        || (proto != SK_IPPROTO_TCP && proto != SK_IPPROTO_UDP)) {
        return false;
    }
    if (proto == SK_IPPROTO_UDP
        && (!cur_peek_be16(&f, FAST_PORTS, &sp) || !cur_peek_be16(&f, FAST_PORTS + 2, &dp)
            || is_tunnel_port(dc, sp, dp))) {
        return false;
    }
    memset(k, 0, sizeof(*k));
    k->ip = true;
    if (!cur_skip(&f, FAST_ADDRS) || !cur_bytes(&f, k->a.b, 4) || !cur_bytes(&f, k->b.b, 4)) {
        return false;
    }
    return true;
}

ShardClass
shard_classify(const Packet *p, uint64_t seed, const DecodeConfig *dc, bool use_vlan,
               uint64_t *hash)
{
    ShardKey k;
    Cursor c = cur_init(p->data, p->len);
    uint16_t type;
    uint32_t fam;

    if (fast_ipv4(p, dc, &k)) {
        *hash = key_hash(&k, seed);
        return SHARD_SIMPLE;
    }
    memset(&k, 0, sizeof(k));
    k.dc = dc;
    switch (p->linktype) {
    case LINKTYPE_ETHERNET: /* destination, source, ethertype */
        if (cur_skip(&c, ETH_HDR_LEN - 2) && cur_be16(&c, &type)) {
            key_ethertype(c, type, &k);
        }
        break;
    case LINKTYPE_LINUX_SLL: /* the protocol is the header's last field */
        if (cur_skip(&c, SLL_HDR_LEN - 2) && cur_be16(&c, &type)) {
            key_ethertype(c, type, &k);
        }
        break;
    case LINKTYPE_LINUX_SLL2: /* the protocol is the header's first field */
        if (cur_be16(&c, &type) && cur_skip(&c, SLL2_HDR_LEN - 2)) {
            key_ethertype(c, type, &k);
        }
        break;
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP:
        if (cur_le32(&c, &fam)) {
            key_ip_any(c, &k);
        }
        break;
    case LINKTYPE_RAW_OPENBSD:
    case LINKTYPE_RAW_BSDOS:
    case LINKTYPE_RAW:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
        key_ip_any(c, &k);
        break;
    default: /* PPP and anything else: let the decoder say */
        k.complex = true;
        break;
    }
    if (!use_vlan) {
        k.vlans = 0;
    }
    *hash = key_hash(&k, seed);
    return k.complex ? SHARD_COMPLEX : SHARD_SIMPLE;
}

uint64_t
shard_hash_layer(const Packet *q, uint64_t seed, bool use_vlan)
{
    ShardKey k;

    memset(&k, 0, sizeof(k));
    for (unsigned i = 0; use_vlan && i < q->vlan_cnt; i++) {
        k.vlans = k.vlans << 12 | (q->vlan_id[i] & 0x0fff);
    }
    if (q->ip_ver != 0) {
        k.ip = true;
        if (q->proto == SK_IPPROTO_ICMP && (q->flags & PKT_F_ICMP_ERR_EMB)) {
            k.a = q->emb_src;
            k.b = q->emb_dst;
        } else {
            k.a = q->src;
            k.b = q->dst;
        }
    }
    return key_hash(&k, seed);
}
