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
    decode_set_transport(p, SK_IPPROTO_SCTP, sp, dp, &c, &payload);
    return DECODE_OK;
}
