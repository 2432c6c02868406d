/* shard.c: the shard hash. It runs on every packet in every worker in the workers run mode,
 * so it decodes only what the hash needs; anything it cannot parse hashes as far as it got
 * (the full decoder, in the worker that gets the packet, raises the events). */
#include "runtime/shard.h"

#include <string.h>

#include "core/cursor.h"
#include "core/hash.h"

#define ETH_IPV4 0x0800
#define ETH_IPV6 0x86dd
#define ETH_VLAN 0x8100
#define ETH_QINQ 0x88a8
#define ETH_QINQ_OLD 0x9100
#define ETH_PPPOE_SESS 0x8864
#define ETH_MPLS_UC 0x8847
#define ETH_MPLS_MC 0x8848

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
    static const uint16_t well_known[] = {3544, 4789, 6081};
    for (size_t i = 0; i < sizeof(well_known) / sizeof(well_known[0]); i++) {
        if (sp == well_known[i] || dp == well_known[i]) {
            return true;
        }
    }
    if (dc->teredo_enabled && (dc->teredo_port == 0 || sp == dc->teredo_port
                               || dp == dc->teredo_port)) {
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
    if (hlen < 20 || !cur_peek_be16(&c, 6, &frag) || (frag & 0x3fff) != 0) {
        return; /* fragments: the decoder does not look past IP until defrag */
    }
    if (proto == 4 || proto == 41 || proto == 47) {
        k->complex = true; /* IP-in-IP, 6in4, GRE */
        return;
    }
    if (!cur_skip(&c, hlen)) {
        return;
    }
    if (proto == 17) {
        check_udp(c, k);
        return;
    }
    if (proto != 1) {
        return;
    }
    /* ICMP error (unreach, source quench, redirect, time exceeded, param problem): quoted
     * header at offset 8. */
    uint8_t type;
    if (!cur_peek_u8(&c, 0, &type)
        || !(type == 3 || type == 4 || type == 5 || type == 11 || type == 12)
        || !cur_skip(&c, 8)) {
        return;
    }
    SkAddr ea, eb;
    memset(&ea, 0, sizeof(ea));
    memset(&eb, 0, sizeof(eb));
    if (cur_peek_u8(&c, 0, &vhl) && (vhl >> 4) == 4 && cur_skip(&c, 12)
        && cur_bytes(&c, ea.b, 4) && cur_bytes(&c, eb.b, 4)) {
        k->a = ea;
        k->b = eb;
    }
}

static void
key_ipv6(Cursor c, ShardKey *k)
{
    uint8_t v, nh;
    if (!cur_peek_u8(&c, 0, &v) || (v >> 4) != 6 || !cur_peek_u8(&c, 6, &nh)
        || !cur_skip(&c, 8)) {
        return;
    }
    if (!cur_bytes(&c, k->a.b, 16) || !cur_bytes(&c, k->b.b, 16)) {
        return;
    }
    k->ip = true;
    /* Extension headers may lead to a tunnel: only plain transports stay simple. */
    if (nh == 17) {
        check_udp(c, k);
    } else if (nh != 6 && nh != 58 && nh != 132) {
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
    for (int layer = 0; layer < 8; layer++) {
        switch (type) {
        case ETH_IPV4:
            key_ipv4(c, k);
            return;
        case ETH_IPV6:
            key_ipv6(c, k);
            return;
        case ETH_VLAN:
        case ETH_QINQ:
        case ETH_QINQ_OLD: {
            uint16_t tci;
            if (!cur_be16(&c, &tci) || !cur_be16(&c, &type)) {
                return;
            }
            k->vlans = k->vlans << 12 | (tci & 0x0fff);
            break;
        }
        case ETH_PPPOE_SESS: {
            /* PPP protocol: two bytes, or one when compressed (RFC 1661 PFC: an odd first
             * byte). Anything but IP goes to the decoder. */
            uint8_t b0, b1;
            uint16_t proto;
            if (!cur_skip(&c, 6) || !cur_u8(&c, &b0)) {
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
            if (proto == 0x0021) {
                key_ipv4(c, k);
            } else if (proto == 0x0057) {
                key_ipv6(c, k);
            } else {
                k->complex = true;
            }
            return;
        }
        case ETH_MPLS_UC:
        case ETH_MPLS_MC: {
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
        case 0x0806: /* ARP: no IP layer, hashed on its VLANs */
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

/* Most packets are Ethernet, IPv4 without options, unfragmented TCP or UDP: their key read
 * straight from fixed offsets, one length check for all. The same key as the general path
 * (tests/unit/runtime checks the two against the decoder on real captures); false: not such a
 * packet, take the general path. */
static bool
fast_ipv4(const Packet *p, const DecodeConfig *dc, ShardKey *k)
{
    const uint8_t *d = p->data;

    if (p->linktype != LINKTYPE_ETHERNET || p->len < 14 + 20 + 4 || d[12] != 0x08 || d[13] != 0
        || d[14] != 0x45 || (d[20] & 0x3f) != 0 || d[21] != 0 || (d[23] != 6 && d[23] != 17)) {
        return false;
    }
    if (d[23] == 17 && is_tunnel_port(dc, (uint16_t)(d[34] << 8 | d[35]),
                                      (uint16_t)(d[36] << 8 | d[37]))) {
        return false;
    }
    memset(k, 0, sizeof(*k));
    k->ip = true;
    memcpy(k->a.b, d + 26, 4);
    memcpy(k->b.b, d + 30, 4);
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
    case LINKTYPE_ETHERNET:
        if (cur_skip(&c, 12) && cur_be16(&c, &type)) {
            key_ethertype(c, type, &k);
        }
        break;
    case LINKTYPE_LINUX_SLL:
        if (cur_skip(&c, 14) && cur_be16(&c, &type)) {
            key_ethertype(c, type, &k);
        }
        break;
    case LINKTYPE_LINUX_SLL2:
        if (cur_be16(&c, &type) && cur_skip(&c, 18)) {
            key_ethertype(c, type, &k);
        }
        break;
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP:
        if (cur_le32(&c, &fam)) {
            key_ip_any(c, &k);
        }
        break;
    case 12:
    case 14:
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
        if (q->proto == 1 && (q->flags & PKT_F_ICMP_ERR_EMB)) {
            k.a = q->emb_src;
            k.b = q->emb_dst;
        } else {
            k.a = q->src;
            k.b = q->dst;
        }
    }
    return key_hash(&k, seed);
}
