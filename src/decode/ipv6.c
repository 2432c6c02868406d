/* ipv6.c: the IPv6 header and its extension header chain (hop-by-hop, routing, fragment,
 * destination options, AH, mobility, HIP, shim6, none), then the transport or a tunnel (IPv4 or
 * IPv6 in IPv6). The anomalies are Suricata's: duplicated headers are skipped with an event,
 * options are walked for padding-only and unknown-option covert channels, routing type 0
 * (RFC 5095) is flagged. ESP ends the walk (it is decoded as a transport). A fragment header
 * with an offset or more-fragments stops decoding: the rest comes after reassembly. The payload
 * length bounds the packet, so link padding is not read as data. */
#include "decode/decode-int.h"

#include <string.h>

#define IPV6_OPT_PAD1 0x00
#define IPV6_OPT_PADN 0x01
#define IPV6_OPT_RA 0x05
#define IPV6_OPT_JUMBO 0xc2
#define IPV6_OPT_HAO 0xc9
#define IPV6_FRAG_HDR_LEN 8
#define IPV6_AH_HDR_LEN 12

/* State of one walk over the extension headers. */
typedef struct {
    bool hh, rh, ah, fh;
    uint8_t dstopts; /* destination options headers seen: two are legal (RFC 8200 4.1) */
} ExtSeen;

static void
ipv6_tunnel(DecodeThread *dt, Packet *p, Cursor c, bool inner_v4)
{
    uint8_t vhl = 0;
    p->l4_off = decode_off(p, &c);
    p->l4_len = (uint32_t)c.left;
    if (inner_v4) {
        if (c.left < IPV4_HDR_LEN || !cur_peek_u8(&c, 0, &vhl)) {
            decode_event_set(p, DECODE_IPV4_IN_IPV6_PKT_TOO_SMALL);
            return;
        }
        if ((vhl >> 4) != 4) {
            decode_event_set(p, DECODE_IPV4_IN_IPV6_WRONG_IP_VER);
            return;
        }
        if (decode_tunnel(dt, p, c, TUNNEL_IPIP, TUN_ENTRY_IPV4, 0) != NULL) {
            dctr_inc(dt, DCTR_IPV4_IN_IPV6);
        }
        return;
    }
    if (c.left < IPV6_HDR_LEN || !cur_peek_u8(&c, 0, &vhl)) {
        decode_event_set(p, DECODE_IPV6_IN_IPV6_PKT_TOO_SMALL);
        return;
    }
    if ((vhl >> 4) != 6) {
        decode_event_set(p, DECODE_IPV6_IN_IPV6_WRONG_IP_VER);
        return;
    }
    if (decode_tunnel(dt, p, c, TUNNEL_IPIP, TUN_ENTRY_IPV6, 0) != NULL) {
        dctr_inc(dt, DCTR_IPV6_IN_IPV6);
    }
}

/* The options of a hop-by-hop or destination options header (RFC 8200 4.2). A length that
 * runs past the header ends the walk with exthdr_invalid_optlen; the header is still skipped
 * whole by the caller. */
static void
ipv6_options(Packet *p, Cursor opts, bool hop)
{
    unsigned pad_cnt = 0;
    unsigned other_cnt = 0;

    while (opts.left > 0) {
        uint8_t type = 0;
        uint8_t len = 0;
        Cursor body;
        if (!cur_u8(&opts, &type)) {
            break;
        }
        if (type == IPV6_OPT_PAD1) {
            pad_cnt++;
            continue;
        }
        /* Suricata lets an option run one byte past the header (its bound is off by one);
         * the same packets raise the same events here, the extra byte is not read. */
        if (!cur_u8(&opts, &len) || len > opts.left + 1) {
            decode_event_set(p, DECODE_IPV6_EXTHDR_INVALID_OPTLEN);
            break;
        }
        if (!cur_take(&opts, len <= opts.left ? len : opts.left, &body)) {
            break;
        }
        if (type == IPV6_OPT_PADN) {
            pad_cnt++;
            if (len == 0) {
                decode_event_set(p, DECODE_IPV6_ZERO_LEN_PADN);
            }
        } else if (type == IPV6_OPT_RA) {
            if (len < 2) { /* a 16-bit value */
                decode_event_set(p, DECODE_IPV6_EXTHDR_INVALID_OPTLEN);
                break;
            }
            other_cnt++;
        } else if (type == IPV6_OPT_JUMBO) {
            /* Counted as neither padding nor other, as Suricata does. */
            if (len < 4) { /* a 32-bit payload length */
                decode_event_set(p, DECODE_IPV6_EXTHDR_INVALID_OPTLEN);
                break;
            }
        } else if (type == IPV6_OPT_HAO) {
            if (len < 16) { /* the home address */
                decode_event_set(p, DECODE_IPV6_EXTHDR_INVALID_OPTLEN);
                break;
            }
            other_cnt++;
        } else {
            decode_event_set(p, hop ? DECODE_IPV6_HOPOPTS_UNKNOWN_OPT
                                    : DECODE_IPV6_DSTOPTS_UNKNOWN_OPT);
            other_cnt++;
        }
    }
    /* Only padding: no use but to carry hidden bytes. */
    if (pad_cnt > 0 && other_cnt == 0) {
        decode_event_set(p,
                         hop ? DECODE_IPV6_HOPOPTS_ONLY_PADDING : DECODE_IPV6_DSTOPTS_ONLY_PADDING);
    }
}

static void
ipv6_l4_span(Packet *p, const Cursor *c)
{
    p->l4_off = decode_off(p, c);
    p->l4_len = (uint32_t)c->left;
}

/* The headers the walk steps over (ESP and none end it, but belong to the walk). */
static bool
ipv6_is_ext(uint8_t nh)
{
    switch (nh) {
    case SK_IPPROTO_HOPOPTS:
    case SK_IPPROTO_ROUTING:
    case SK_IPPROTO_FRAGMENT:
    case SK_IPPROTO_DSTOPTS:
    case SK_IPPROTO_AH:
    case SK_IPPROTO_ESP:
    case SK_IPPROTO_NONE:
    case SK_IPPROTO_MH:
    case SK_IPPROTO_HIP:
    case SK_IPPROTO_SHIM6:
        return true;
    default:
        return false;
    }
}

/* Walks from the first next-header value to the transport. Each header is read through a
 * cursor bounded by the payload; every step consumes at least 8 bytes (or ends the walk), so
 * the loop is bounded by the packet. */
static void
ipv6_walk(DecodeThread *dt, Packet *p, uint8_t nh, Cursor c)
{
    ExtSeen seen = {0};
    /* Suricata decodes a transport right after the fixed header directly, but once inside the
     * extension header walk it first wants two bytes of whatever comes next. */
    bool walking = ipv6_is_ext(nh);

    for (;;) {
        if (nh == SK_IPPROTO_NONE) {
            p->proto = nh;
            if (c.left > 0) {
                decode_event_set(p, DECODE_IPV6_DATA_AFTER_NONE_HEADER);
            }
            return;
        }
        if (walking && c.left < 2) {
            decode_event_set(p, DECODE_IPV6_TRUNC_EXTHDR);
            return;
        }
        walking = true;
        switch (nh) {
        case SK_IPPROTO_TCP:
            p->proto = nh;
            (void)decode_tcp(dt, p, c);
            return;
        case SK_IPPROTO_UDP:
            p->proto = nh;
            (void)decode_udp(dt, p, c);
            return;
        case SK_IPPROTO_ICMPV6:
            p->proto = nh;
            (void)decode_icmpv6(dt, p, c);
            return;
        case SK_IPPROTO_SCTP:
            p->proto = nh;
            (void)decode_sctp(dt, p, c);
            return;
        case SK_IPPROTO_GRE:
            p->proto = nh;
            (void)decode_gre(dt, p, c);
            return;
        case SK_IPPROTO_ESP:
            p->proto = nh;
            (void)decode_esp(dt, p, c);
            return;
        case SK_IPPROTO_IPIP:
            p->proto = nh;
            ipv6_tunnel(dt, p, c, true);
            return;
        case SK_IPPROTO_IPV6:
            p->proto = nh;
            ipv6_tunnel(dt, p, c, false);
            return;
        case SK_IPPROTO_ICMP:
            p->proto = nh;
            decode_event_set(p, DECODE_IPV6_WITH_ICMPV4);
            return;
        default:
            break;
        }

        if (!ipv6_is_ext(nh)) {
            p->proto = nh;
            ipv6_l4_span(p, &c);
            decode_event_set(p, DECODE_IPV6_UNKNOWN_NEXT_HEADER);
            return;
        }
        /* An extension header: at least next header and length. */
        uint8_t next = 0;
        uint8_t hlen8 = 0;
        if (!cur_peek_u8(&c, 0, &next) || !cur_peek_u8(&c, 1, &hlen8)) {
            decode_event_set(p, DECODE_IPV6_TRUNC_EXTHDR);
            return;
        }
        Cursor hdr;
        switch (nh) {
        case SK_IPPROTO_ROUTING: {
            p->proto = nh;
            uint8_t rh_type = 0;
            if (!cur_take(&c, 8u + hlen8 * 8u, &hdr)) {
                decode_event_set(p, DECODE_IPV6_TRUNC_EXTHDR);
                return;
            }
            if (seen.rh) {
                decode_event_set(p, DECODE_IPV6_EXTHDR_DUPL_RH);
                break;
            }
            seen.rh = true;
            if (cur_peek_u8(&hdr, 2, &rh_type) && rh_type == 0) {
                decode_event_set(p, DECODE_IPV6_RH_TYPE_0);
            }
            break;
        }
        case SK_IPPROTO_HOPOPTS:
        case SK_IPPROTO_DSTOPTS: {
            p->proto = nh;
            bool hop = nh == SK_IPPROTO_HOPOPTS;
            if (!cur_take(&c, (hlen8 + 1u) * 8u, &hdr)) {
                decode_event_set(p, DECODE_IPV6_TRUNC_EXTHDR);
                return;
            }
            if (hop) {
                if (seen.hh) {
                    decode_event_set(p, DECODE_IPV6_EXTHDR_DUPL_HH);
                    break;
                }
                seen.hh = true;
            } else {
                if (seen.dstopts >= 2) {
                    decode_event_set(p, DECODE_IPV6_EXTHDR_DUPL_DH);
                    break;
                }
                seen.dstopts++;
            }
            Cursor opts = hdr;
            if (cur_skip(&opts, 2)) {
                ipv6_options(p, opts, hop);
            }
            break;
        }
        case SK_IPPROTO_FRAGMENT: {
            p->proto = nh;
            Cursor fh = c;
            uint8_t fh_reserved = hlen8; /* the length byte is reserved in a fragment header */
            uint16_t off_flags = 0;
            uint32_t id = 0;
            if (!cur_take(&c, IPV6_FRAG_HDR_LEN, &hdr)) {
                decode_event_set(p, DECODE_IPV6_TRUNC_EXTHDR);
                return;
            }
            if (fh_reserved != 0) {
                decode_event_set(p, DECODE_IPV6_FH_NON_ZERO_RES_FIELD);
            }
            if (seen.fh) {
                decode_event_set(p, DECODE_IPV6_EXTHDR_DUPL_FH);
                break;
            }
            seen.fh = true;
            if (!cur_skip(&hdr, 2) || !cur_be16(&hdr, &off_flags) || !cur_be32(&hdr, &id)) {
                decode_event_set(p, DECODE_IPV6_TRUNC_EXTHDR);
                return;
            }
            uint16_t frag_off = off_flags & 0xfff8;
            bool more = (off_flags & 0x0001) != 0;
            if (frag_off == 0 && !more) {
                /* An atomic fragment (RFC 6946): nothing to reassemble, decode on. */
                decode_event_set(p, DECODE_IPV6_EXTHDR_USELESS_FH);
                break;
            }
            /* RFC 8200 4.5: every fragment but the last is a multiple of 8 bytes long. */
            if (more && fh.left % 8 != 0) {
                decode_event_set(p, DECODE_IPV6_FRAG_INVALID_LENGTH);
            }
            /* The data follows the fragment header, whose next header is the fragmented
             * protocol; what precedes the header is the part that is not fragmented. */
            p->flags |= PKT_F_FRAGMENT;
            p->frag.id = id;
            p->frag.off = frag_off;
            p->frag.more = more;
            p->frag.proto = next;
            p->frag.data_off = decode_off(p, &c);
            p->frag.data_len = (uint32_t)c.left;
            dctr_inc(dt, DCTR_DEFRAG_IPV6_FRAGMENTS);
            return;
        }
        case SK_IPPROTO_AH: {
            p->proto = nh;
            uint16_t reserved = 0;
            /* Length in 4-byte words minus 2 (RFC 4302 2.2). */
            unsigned ah_len = IPV6_AH_HDR_LEN;
            if (hlen8 > 0) {
                ah_len += (hlen8 - 1u) * 4u;
            }
            if (!cur_take(&c, ah_len, &hdr)) {
                decode_event_set(p, DECODE_IPV6_TRUNC_EXTHDR);
                return;
            }
            if (cur_skip(&hdr, 2) && cur_be16(&hdr, &reserved) && reserved != 0) {
                decode_event_set(p, DECODE_IPV6_EXTHDR_AH_RES_NOT_NULL);
            }
            if (seen.ah) {
                decode_event_set(p, DECODE_IPV6_EXTHDR_DUPL_AH);
                break;
            }
            seen.ah = true;
            break;
        }
        case SK_IPPROTO_MH:
        case SK_IPPROTO_HIP:
        case SK_IPPROTO_SHIM6:
            /* Skipped, not parsed: same length rule as routing headers. */
            if (!cur_take(&c, 8u + hlen8 * 8u, &hdr)) {
                decode_event_set(p, DECODE_IPV6_TRUNC_EXTHDR);
                return;
            }
            break;
        default:
            p->proto = nh;
            ipv6_l4_span(p, &c);
            decode_event_set(p, DECODE_IPV6_UNKNOWN_NEXT_HEADER);
            return;
        }
        nh = next;
    }
}

DecodeStatus
decode_ipv6(DecodeThread *dt, Packet *p, Cursor c)
{
    Cursor hdr = c;
    uint32_t vtf = 0;
    uint16_t plen = 0;
    uint8_t nh = 0;
    uint8_t hlim = 0;
    uint8_t src[16];
    uint8_t dst[16];

    dctr_inc(dt, DCTR_IPV6);
    if (!cur_be32(&hdr, &vtf) || !cur_be16(&hdr, &plen) || !cur_u8(&hdr, &nh)
        || !cur_u8(&hdr, &hlim) || !cur_bytes(&hdr, src, 16) || !cur_bytes(&hdr, dst, 16)) {
        return decode_fail(p, DECODE_IPV6_PKT_TOO_SMALL);
    }
    if ((vtf >> 28) != 6) {
        return decode_fail(p, DECODE_IPV6_WRONG_IP_VERSION);
    }
    Cursor pkt;
    if (!cur_take(&c, IPV6_HDR_LEN + (size_t)plen, &pkt)) {
        return decode_fail(p, DECODE_IPV6_TRUNC_PKT);
    }
    p->ip_ver = 6;
    p->proto = nh;
    p->ttl = hlim;
    memcpy(p->src.b, src, 16);
    memcpy(p->dst.b, dst, 16);
    p->l3_off = decode_off(p, &pkt);
    p->l3_len = (uint32_t)pkt.left;
    if (!cur_skip(&pkt, IPV6_HDR_LEN)) {
        return decode_fail(p, DECODE_IPV6_PKT_TOO_SMALL);
    }
    ipv6_walk(dt, p, nh, pkt);
    return DECODE_OK;
}
