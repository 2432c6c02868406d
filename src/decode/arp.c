/* arp.c: ARP is counted (decoder.arp), not parsed: no rule or later stage reads its fields.
 * The frame stays a valid non-IP packet. */
#include "decode/decode-int.h"

DecodeStatus
decode_arp(DecodeThread *dt, Packet *p, Cursor c)
{
    dctr_inc(dt, DCTR_ARP);
    p->l3_off = decode_off(p, &c);
    p->l3_len = (uint32_t)c.left;
    return DECODE_OK;
}
