/* pppoe.c: PPP over Ethernet (RFC 2516). Discovery frames are checked for a known code and a
 * length that fits; their tags are not parsed (nothing reads them). Session frames carry one PPP
 * protocol field (one or two bytes) and then the PPP payload. */
#include "decode/decode-int.h"

#define PPPOE_DISCOVERY_HDR_LEN 6 /* ver/type, code, session id, length */
#define PPPOE_SESSION_HDR_LEN 8   /* the same six, then a two-byte PPP protocol */

#define PPPOE_CODE_PADI 0x09
#define PPPOE_CODE_PADO 0x07
#define PPPOE_CODE_PADR 0x19
#define PPPOE_CODE_PADS 0x65
#define PPPOE_CODE_PADT 0xa7

DecodeStatus
decode_pppoe_discovery(DecodeThread *dt, Packet *p, Cursor c)
{
    uint8_t vt = 0;
    uint8_t code = 0;
    uint16_t session = 0;
    uint16_t len = 0;

    dctr_inc(dt, DCTR_PPPOE);
    if (c.left < PPPOE_DISCOVERY_HDR_LEN || !cur_u8(&c, &vt) || !cur_u8(&c, &code)
        || !cur_be16(&c, &session) || !cur_be16(&c, &len)) {
        return decode_fail(p, DECODE_PPPOE_PKT_TOO_SMALL);
    }
    switch (code) {
    case PPPOE_CODE_PADI:
    case PPPOE_CODE_PADO:
    case PPPOE_CODE_PADR:
    case PPPOE_CODE_PADS:
    case PPPOE_CODE_PADT:
        break;
    default:
        decode_event_set(p, DECODE_PPPOE_WRONG_CODE);
        return DECODE_OK;
    }
    if (len > c.left) {
        decode_event_set(p, DECODE_PPPOE_MALFORMED_TAGS);
        return DECODE_OK;
    }
    return DECODE_OK;
}

DecodeStatus
decode_pppoe_session(DecodeThread *dt, Packet *p, Cursor c)
{
    uint8_t vt = 0;
    uint8_t code = 0;
    uint16_t session = 0;
    uint16_t len = 0;
    uint8_t proto_hi = 0;
    uint16_t proto = 0;

    dctr_inc(dt, DCTR_PPPOE);
    /* Suricata wants the two-byte protocol even when the frame uses the one-byte form. */
    if (c.left < PPPOE_SESSION_HDR_LEN || !cur_u8(&c, &vt) || !cur_u8(&c, &code)
        || !cur_be16(&c, &session) || !cur_be16(&c, &len) || !cur_u8(&c, &proto_hi)) {
        return decode_fail(p, DECODE_PPPOE_PKT_TOO_SMALL);
    }
    if (len == 0) {
        return DECODE_OK; /* no PPP payload announced */
    }
    if (proto_hi & 0x01) {
        proto = proto_hi; /* RFC 1661 6.5: an odd first byte is a one-byte protocol */
    } else {
        uint8_t proto_lo = 0;
        if (!cur_u8(&c, &proto_lo)) {
            return decode_fail(p, DECODE_PPPOE_PKT_TOO_SMALL);
        }
        proto = (uint16_t)(proto_hi << 8 | proto_lo);
    }
    /* Suricata 8 (since 7.0.12) raises no event for the control protocols a PPPoE session
     * carries (LCP, IPCP, CHAP ...): they are the session's normal traffic, not an anomaly. */
    if (proto != SK_PPP_IP && proto != SK_PPP_IPV6 && proto != SK_PPP_VJ_UCOMP
        && decode_ppp_proto_known(proto)) {
        return DECODE_OK;
    }
    (void)decode_ppp_payload(dt, p, proto, c);
    return DECODE_OK;
}
