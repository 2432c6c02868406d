/* mpls.c: an MPLS label stack, walked to the bottom-of-stack entry. The payload has no type
 * field: labels 0 and 2 (IPv4 and IPv6 explicit null) say it; otherwise, like Suricata, we guess
 * from the first nibble (4, 6) and take 0 for an Ethernet pseudowire behind a 4-byte control
 * word. Reserved labels at the bottom of the stack are anomalies and end decoding. */
#include "decode/decode-int.h"

#define MPLS_HDR_LEN 4
#define MPLS_PW_LEN 4 /* pseudowire control word */
#define MPLS_LABEL_IPV4 0
#define MPLS_LABEL_ROUTER_ALERT 1
#define MPLS_LABEL_IPV6 2
#define MPLS_LABEL_NULL 3
#define MPLS_MAX_RESERVED_LABEL 15

DecodeStatus
decode_mpls(DecodeThread *dt, Packet *p, Cursor c)
{
    uint32_t shim = 0;
    uint8_t nibble = 0;

    dctr_inc(dt, DCTR_MPLS);
    if (!decode_layer_enter(dt, p)) {
        return DECODE_INVALID;
    }
    /* Bounded by the bytes: every entry consumes four. */
    do {
        if (!cur_be32(&c, &shim)) {
            return decode_fail(p, DECODE_MPLS_HEADER_TOO_SMALL);
        }
    } while ((shim & 0x100) == 0);

    uint32_t label = shim >> 12;
    DecodeEvent ev = DECODE_EVENT_MAX;
    if (label == MPLS_LABEL_IPV4) {
        cur_truncate(&c, UINT16_MAX);
        return decode_ipv4(dt, p, c);
    } else if (label == MPLS_LABEL_ROUTER_ALERT) {
        ev = DECODE_MPLS_BAD_LABEL_ROUTER_ALERT; /* not valid at the bottom of the stack */
    } else if (label == MPLS_LABEL_IPV6) {
        cur_truncate(&c, UINT16_MAX);
        return decode_ipv6(dt, p, c);
    } else if (label == MPLS_LABEL_NULL) {
        ev = DECODE_MPLS_BAD_LABEL_IMPLICIT_NULL; /* implicit null never appears on the wire */
    } else if (label < MPLS_MAX_RESERVED_LABEL) {
        ev = DECODE_MPLS_BAD_LABEL_RESERVED;
    }
    if (ev != DECODE_EVENT_MAX) {
        decode_event_set(p, ev);
        return DECODE_OK;
    }

    /* One byte tells IPv4 from IPv6, but a pseudowire needs its control word. */
    if (c.left < MPLS_PW_LEN || !cur_peek_u8(&c, 0, &nibble)) {
        return decode_fail(p, DECODE_MPLS_PKT_TOO_SMALL);
    }
    switch (nibble >> 4) {
    case 4:
        cur_truncate(&c, UINT16_MAX);
        (void)decode_ipv4(dt, p, c);
        break;
    case 6:
        cur_truncate(&c, UINT16_MAX);
        (void)decode_ipv6(dt, p, c);
        break;
    case 0:
        if (!cur_skip(&c, MPLS_PW_LEN)) {
            return decode_fail(p, DECODE_MPLS_PKT_TOO_SMALL);
        }
        (void)decode_ethernet(dt, p, c);
        break;
    default:
        return decode_fail(p, DECODE_MPLS_UNKNOWN_PAYLOAD_TYPE);
    }
    return DECODE_OK;
}
