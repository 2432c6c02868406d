/* vntag.c: Cisco VN-Tag (0x8926), 4 bytes of tag then the next ethertype. */
#include "decode/decode-int.h"

#define VNTAG_HDR_LEN 6

DecodeStatus
decode_vntag(DecodeThread *dt, Packet *p, Cursor c)
{
    uint16_t ethertype = 0;

    dctr_inc(dt, DCTR_VNTAG);
    if (c.left < VNTAG_HDR_LEN) {
        return decode_fail(p, DECODE_VNTAG_HEADER_TOO_SMALL);
    }
    if (!decode_layer_enter(dt, p)) {
        return DECODE_INVALID;
    }
    if (!cur_skip(&c, 4) || !cur_be16(&c, &ethertype)) { /* D, P, dvif, L, R, svif */
        return decode_fail(p, DECODE_VNTAG_HEADER_TOO_SMALL);
    }
    if (!decode_network_layer(dt, p, ethertype, c)) {
        return decode_fail(p, DECODE_VNTAG_UNKNOWN_TYPE);
    }
    return DECODE_OK;
}
