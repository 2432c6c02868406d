/* esp.c: the ESP header (RFC 4303): SPI and sequence number; the rest is ciphertext. */
#include "decode/decode-int.h"

#define ESP_HDR_LEN 8

DecodeStatus
decode_esp(DecodeThread *dt, Packet *p, Cursor c)
{
    Cursor payload = c;

    dctr_inc(dt, DCTR_ESP);
    if (!cur_skip(&payload, ESP_HDR_LEN)) {
        return decode_fail(p, DECODE_ESP_PKT_TOO_SMALL);
    }
    p->proto = SK_IPPROTO_ESP;
    p->l4_off = decode_off(p, &c);
    p->l4_len = (uint32_t)c.left;
    p->payload_off = decode_off(p, &payload);
    p->payload_len = (uint32_t)payload.left;
    return DECODE_OK;
}
