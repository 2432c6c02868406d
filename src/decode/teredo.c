/* teredo.c: Teredo (RFC 4380), IPv6 in UDP. Nothing in the packet says "Teredo", so like
 * Suricata we only accept what looks exactly like an IPv6 packet: after an optional origin
 * indication (8 bytes starting 00 00; an authentication header 00 01 means a qualification
 * exchange, not data), version 6, hop limit not 0, a hop-by-hop header only with room for it,
 * and a payload length that accounts for every remaining byte. The inner packet must then
 * decode without any invalid event, or the UDP packet stays plain UDP. */
#include "decode/decode-int.h"

#define TEREDO_ORIGIN_LEN 8

DecodeStatus
decode_teredo(DecodeThread *dt, Packet *p, Cursor c)
{
    uint8_t b0 = 0;
    uint8_t b1 = 0;
    uint8_t vtf = 0;
    uint16_t plen = 0;
    uint8_t nh = 0;
    uint8_t hlim = 0;

    if (c.left < IPV6_HDR_LEN || !cur_peek_u8(&c, 0, &b0) || !cur_peek_u8(&c, 1, &b1)) {
        return DECODE_INVALID;
    }
    if (b0 == 0) {
        if (b1 != 0 || c.left < TEREDO_ORIGIN_LEN + IPV6_HDR_LEN
            || !cur_skip(&c, TEREDO_ORIGIN_LEN)) {
            return DECODE_INVALID;
        }
    }
    if (!cur_peek_u8(&c, 0, &vtf) || (vtf >> 4) != 6 || !cur_peek_be16(&c, 4, &plen)
        || !cur_peek_u8(&c, 6, &nh) || !cur_peek_u8(&c, 7, &hlim)) {
        return DECODE_INVALID;
    }
    if (hlim == 0) {
        return DECODE_INVALID; /* most likely not Teredo at all */
    }
    if (nh == SK_IPPROTO_HOPOPTS && plen < 8) {
        return DECODE_INVALID;
    }
    if (c.left != IPV6_HDR_LEN + (size_t)plen) {
        return DECODE_INVALID;
    }
    if (decode_tunnel(dt, p, c, TUNNEL_TEREDO, TUN_ENTRY_IPV6, 0) == NULL) {
        return DECODE_INVALID;
    }
    dctr_inc(dt, DCTR_TEREDO);
    return DECODE_OK;
}
