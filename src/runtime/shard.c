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
} ShardKey;

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
    if (proto != 1 || hlen < 20 || !cur_peek_be16(&c, 6, &frag) || (frag & 0x1fff) != 0
        || !cur_skip(&c, hlen)) {
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
    uint8_t v;
    if (!cur_peek_u8(&c, 0, &v) || (v >> 4) != 6 || !cur_skip(&c, 8)) {
        return;
    }
    if (cur_bytes(&c, k->a.b, 16) && cur_bytes(&c, k->b.b, 16)) {
        k->ip = true;
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
            uint16_t proto;
            if (!cur_skip(&c, 6) || !cur_be16(&c, &proto)) {
                return;
            }
            if (proto == 0x0021) {
                key_ipv4(c, k);
            } else if (proto == 0x0057) {
                key_ipv6(c, k);
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
            key_ip_any(c, k);
            return;
        }
        default:
            return;
        }
    }
}

uint64_t
shard_hash(const Packet *p, uint64_t seed)
{
    ShardKey k;
    Cursor c = cur_init(p->data, p->len);
    uint16_t type;
    uint32_t fam;

    memset(&k, 0, sizeof(k));
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
    case LINKTYPE_PPP:
        if (cur_skip(&c, 2) && cur_be16(&c, &type)) {
            if (type == 0x0021) {
                key_ipv4(c, &k);
            } else if (type == 0x0057) {
                key_ipv6(c, &k);
            }
        }
        break;
    default: /* raw IP: 12, 14, 101, 228, 229 */
        key_ip_any(c, &k);
        break;
    }
    if (!k.ip) {
        return hash_splitmix64(seed ^ k.vlans);
    }
    /* Symmetric: the smaller address first. */
    if (memcmp(k.a.b, k.b.b, sizeof(k.a.b)) > 0) {
        SkAddr t = k.a;
        k.a = k.b;
        k.b = t;
    }
    return hash_addr_pair(seed, k.a.b, k.b.b, k.vlans);
}
