/* nsh.c: Network Service Header (RFC 8300), ethertype 0x894F. A 4-byte base header (version,
 * O/U bits, TTL, length in 4-byte words, MD type, next protocol), a 4-byte service path header,
 * then context headers up to the length; the next protocol says what follows. Checked in
 * Suricata 8.0.7's order: version, length against the bytes, MD type (0 and 15 reserved; type 1
 * is always 6 words; only types 1 and 2 exist), next protocol. An unsupported version, MD type
 * or payload is an anomaly on a valid packet; a short or inconsistent header makes it invalid. */
#include "decode/decode-int.h"

#define NSH_HDR_LEN 8  /* base header and service path header */
#define NSH_MD1_LEN 24 /* MD type 1: fixed-length context, 6 words in all */
#define NSH_MD_TYPE1 1
#define NSH_MD_TYPE2 2
#define NSH_MD_RESERVED 0x0f
#define NSH_NEXT_IPV4 1
#define NSH_NEXT_IPV6 2
#define NSH_NEXT_ETHERNET 3
#define NSH_NEXT_MPLS 5 /* 4, NSH in NSH, is not decoded: unknown_payload */

DecodeStatus
decode_nsh(DecodeThread *dt, Packet *p, Cursor c)
{
    uint8_t ver_ttl = 0, ttl_len = 0, md = 0, next = 0;

    dctr_inc(dt, DCTR_NSH);
    if (c.left < NSH_HDR_LEN) {
        return decode_fail(p, DECODE_NSH_HEADER_TOO_SMALL);
    }
    if (!decode_layer_enter(dt, p)) {
        return DECODE_INVALID;
    }
    if (!cur_peek_u8(&c, 0, &ver_ttl) || !cur_peek_u8(&c, 1, &ttl_len) || !cur_peek_u8(&c, 2, &md)
        || !cur_peek_u8(&c, 3, &next)) {
        return decode_fail(p, DECODE_NSH_HEADER_TOO_SMALL);
    }
    if (ver_ttl >> 6 != 0) {
        decode_event_set(p, DECODE_NSH_UNSUPPORTED_VERSION);
        return DECODE_OK;
    }
    size_t len = (size_t)(ttl_len & 0x3f) * 4;
    if (len > c.left) {
        return decode_fail(p, DECODE_NSH_BAD_HEADER_LENGTH);
    }
    uint8_t md_type = md & 0x0f;
    if (md_type == 0 || md_type == NSH_MD_RESERVED) {
        decode_event_set(p, DECODE_NSH_RESERVED_TYPE);
        return DECODE_OK;
    }
    if (md_type == NSH_MD_TYPE1 && len != NSH_MD1_LEN) {
        return decode_fail(p, DECODE_NSH_BAD_HEADER_LENGTH);
    }
    if (md_type != NSH_MD_TYPE1 && md_type != NSH_MD_TYPE2) {
        decode_event_set(p, DECODE_NSH_UNSUPPORTED_TYPE);
        return DECODE_OK;
    }
    /* Suricata takes the length as written for MD type 2, even below the 8 fixed bytes: what
     * follows is decoded from there. */
    if (!cur_skip(&c, len)) {
        return decode_fail(p, DECODE_NSH_BAD_HEADER_LENGTH);
    }
    switch (next) {
    case NSH_NEXT_IPV4:
        cur_truncate(&c, UINT16_MAX);
        return decode_ipv4(dt, p, c);
    case NSH_NEXT_IPV6:
        cur_truncate(&c, UINT16_MAX);
        return decode_ipv6(dt, p, c);
    case NSH_NEXT_ETHERNET:
        return decode_ethernet(dt, p, c);
    case NSH_NEXT_MPLS:
        return decode_mpls(dt, p, c);
    default:
        decode_event_set(p, DECODE_NSH_UNKNOWN_PAYLOAD);
        return DECODE_OK;
    }
}
