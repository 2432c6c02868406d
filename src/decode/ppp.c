/* ppp.c: PPP frames (DLT_PPP, GRE version 1, PPPoE sessions share the protocol switch). The
 * HDLC address and control bytes (0xff 0x03) are optional and the protocol field may be
 * compressed to one byte (RFC 1661 section 6.5: an odd first byte), as Suricata accepts since
 * its PPP-in-GRE fixes. */
#include "decode/decode-int.h"

/* Protocols PPP carries that Suricata names and does not decode: control protocols (LCP, IPCP,
 * CHAP ...) and other network layers. Anything else is not PPP at all. */
bool
decode_ppp_proto_known(uint16_t proto)
{
    switch (proto) {
    case SK_PPP_VJ_COMP:
    case 0x002b: /* IPX */
    case 0x0023: /* OSI */
    case 0x0025: /* XNS IDP */
    case 0x0027: /* DECnet */
    case 0x0029: /* AppleTalk */
    case 0x0031: /* bridging PDU */
    case 0x0033: /* Stream protocol */
    case 0x0035: /* Banyan VINES */
    case 0x0201: /* 802.1d hello */
    case 0x0231: /* Luxcom */
    case 0x0233: /* Sigma Network Systems */
    case 0x0281: /* MPLS unicast */
    case 0x0283: /* MPLS multicast */
    case 0x8021: /* IPCP */
    case 0x8023: /* OSICP */
    case 0x8025: /* NSCP */
    case 0x8027: /* DECnet CP */
    case 0x8029: /* AppleTalk CP */
    case 0x802b: /* IPXCP */
    case 0x8033: /* STIICP */
    case 0x8035: /* VINESCP */
    case 0x8057: /* IPV6CP */
    case 0x8281: /* MPLSCP */
    case 0xc021: /* LCP */
    case 0xc023: /* PAP */
    case 0xc025: /* LQM */
    case 0xc223: /* CHAP */
    case 0x80fd: /* CCP */
    case 0xc029: /* CBCP */
    case 0x00fd: /* compressed datagram */
        return true;
    default:
        return false;
    }
}

/* The PPP payload after the protocol field; shared with PPPoE sessions. */
DecodeStatus
decode_ppp_payload(DecodeThread *dt, Packet *p, uint16_t proto, Cursor c)
{
    switch (proto) {
    case SK_PPP_VJ_UCOMP:
        if (c.left < IPV4_HDR_LEN) {
            return decode_fail(p, DECODE_PPP_VJU_PKT_TOO_SMALL);
        }
        uint8_t vhl = 0;
        if (!cur_peek_u8(&c, 0, &vhl) || (vhl >> 4) != 4) {
            return DECODE_INVALID;
        }
        /* VJ uncompressed frames carry a TCP connection number in the IP protocol field. */
        dt->ppp_vj_ucomp = true;
        cur_truncate(&c, UINT16_MAX);
        return decode_ipv4(dt, p, c);
    case SK_PPP_IP:
        if (c.left < IPV4_HDR_LEN) {
            return decode_fail(p, DECODE_PPP_IP4_PKT_TOO_SMALL);
        }
        cur_truncate(&c, UINT16_MAX);
        return decode_ipv4(dt, p, c);
    case SK_PPP_IPV6:
        if (c.left < IPV6_HDR_LEN) {
            return decode_fail(p, DECODE_PPP_IP6_PKT_TOO_SMALL);
        }
        cur_truncate(&c, UINT16_MAX);
        return decode_ipv6(dt, p, c);
    default:
        if (decode_ppp_proto_known(proto)) {
            decode_event_set(p, DECODE_PPP_UNSUP_PROTO);
            return DECODE_OK;
        }
        decode_event_set(p, DECODE_PPP_WRONG_TYPE);
        return DECODE_OK;
    }
}

DecodeStatus
decode_ppp(DecodeThread *dt, Packet *p, Cursor c)
{
    uint8_t first = 0;
    uint8_t proto_hi = 0;
    uint16_t proto = 0;

    dctr_inc(dt, DCTR_PPP);
    if (!cur_peek_u8(&c, 0, &first)) {
        return decode_fail(p, DECODE_PPP_PKT_TOO_SMALL);
    }
    if (first == 0xff) { /* HDLC address and control: the protocol starts at byte 2 */
        if (c.left < 3 || !cur_skip(&c, 2)) {
            return decode_fail(p, DECODE_PPP_PKT_TOO_SMALL);
        }
    }
    if (!cur_u8(&c, &proto_hi)) {
        return decode_fail(p, DECODE_PPP_PKT_TOO_SMALL);
    }
    if (proto_hi & 0x01) {
        proto = proto_hi; /* compressed, one byte */
    } else {
        uint8_t proto_lo = 0;
        if (!cur_u8(&c, &proto_lo)) {
            return decode_fail(p, DECODE_PPP_PKT_TOO_SMALL);
        }
        proto = (uint16_t)(proto_hi << 8 | proto_lo);
    }
    return decode_ppp_payload(dt, p, proto, c);
}
