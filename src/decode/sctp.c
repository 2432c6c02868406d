/* sctp.c: the SCTP common header (RFC 9260 3.1): ports, verification tag, checksum. Chunks are
 * left to whoever needs them. */
#include "decode/decode-int.h"

#define SCTP_HDR_LEN 12

DecodeStatus
decode_sctp(DecodeThread *dt, Packet *p, Cursor c)
{
    Cursor payload = c;
    uint16_t sp = 0;
    uint16_t dp = 0;

    dctr_inc(dt, DCTR_SCTP);
    if (c.left < SCTP_HDR_LEN || !cur_be16(&payload, &sp) || !cur_be16(&payload, &dp)
        || !cur_skip(&payload, 8)) {
        return decode_fail(p, DECODE_SCTP_PKT_TOO_SMALL);
    }
    p->proto = IPPROTO_NUM_SCTP;
    p->sp = sp;
    p->dp = dp;
    p->flags |= PKT_F_HAS_PORTS;
    p->l4_off = decode_off(p, &c);
    p->l4_len = (uint32_t)c.left;
    p->payload_off = decode_off(p, &payload);
    p->payload_len = (uint32_t)payload.left;
    return DECODE_OK;
}
