/* chdlc.c: Cisco HDLC (DLT 104): address, control, then an ethertype. */
#include "decode/decode-int.h"

#define CHDLC_HDR_LEN 4

DecodeStatus
decode_chdlc(DecodeThread *dt, Packet *p, Cursor c)
{
    uint16_t ethertype = 0;

    dctr_inc(dt, DCTR_CHDLC);
    if (c.left < CHDLC_HDR_LEN || !cur_skip(&c, 2) || !cur_be16(&c, &ethertype)) {
        return decode_fail(p, DECODE_CHDLC_PKT_TOO_SMALL);
    }
    (void)decode_network_layer(dt, p, ethertype, c);
    return DECODE_OK;
}
