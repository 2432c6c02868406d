/* gre.c: GRE version 0 (RFC 1701/2784/2890: optional checksum, key, sequence, source routes)
 * and version 1 (RFC 2637, PPTP's enhanced GRE: key required, PPP only, optional ack), with
 * Suricata's events for every flag a version does not allow. The payload type picks the inner
 * packet: IPv4, IPv6, PPP, a VLAN-tagged or bridged Ethernet frame, or ERSPAN. */
#include "decode/decode-int.h"

#define GRE_HDR_LEN 4
#define GRE_OPT_LEN 4 /* checksum+offset, key, sequence and ack fields are 4 bytes each */
#define GRE_SRE_HDR_LEN 4

#define GRE_F_CHKSUM 0x8000
#define GRE_F_ROUTE 0x4000
#define GRE_F_KEY 0x2000
#define GRE_F_SEQ 0x1000
#define GRE_F_SSR 0x0800
#define GRE_F_RECUR 0x0700
#define GRE_F_ACK 0x0080   /* version 1 only */
#define GRE_F_FLAGS 0x0078 /* reserved flag bits */
#define GRE_VERSION_MASK 0x0007

/* Version 0 source route entries (RFC 1701): address family 2, offset 1, length 1, then
 * length bytes; a zero family and length ends the list. */
static bool
gre_v0_routes_ok(Packet *p, Cursor *c)
{
    for (;;) {
        uint16_t af = 0;
        uint8_t sre_off = 0;
        uint8_t sre_len = 0;
        if (c->left < GRE_SRE_HDR_LEN || !cur_be16(c, &af) || !cur_u8(c, &sre_off)
            || !cur_u8(c, &sre_len)) {
            decode_event_set(p, DECODE_GRE_VERSION0_MALFORMED_SRE_HDR);
            return false;
        }
        if (af == 0 && sre_len == 0) {
            return true;
        }
        if (!cur_skip(c, sre_len)) {
            decode_event_set(p, DECODE_GRE_VERSION0_MALFORMED_SRE_HDR);
            return false;
        }
    }
}

DecodeStatus
decode_gre(DecodeThread *dt, Packet *p, Cursor c)
{
    Cursor rest = c;
    uint16_t flags = 0;
    uint16_t proto = 0;

    dctr_inc(dt, DCTR_GRE);
    if (c.left < GRE_HDR_LEN || !cur_be16(&rest, &flags) || !cur_be16(&rest, &proto)) {
        return decode_fail(p, DECODE_GRE_PKT_TOO_SMALL);
    }
    if (!decode_layer_enter(dt, p)) {
        return DECODE_INVALID;
    }
    size_t hdr_len = GRE_HDR_LEN;
    switch (flags & GRE_VERSION_MASK) {
    case 0:
        if (flags & GRE_F_RECUR) {
            return decode_fail(p, DECODE_GRE_VERSION0_RECUR);
        }
        if (flags & GRE_F_FLAGS) {
            return decode_fail(p, DECODE_GRE_VERSION0_FLAGS);
        }
        if (flags & GRE_F_KEY) {
            hdr_len += GRE_OPT_LEN;
        }
        if (flags & GRE_F_SEQ) {
            hdr_len += GRE_OPT_LEN;
        }
        if (flags & (GRE_F_CHKSUM | GRE_F_ROUTE)) {
            hdr_len += GRE_OPT_LEN;
        }
        if (hdr_len > c.left) {
            return decode_fail(p, DECODE_GRE_VERSION0_HDR_TOO_BIG);
        }
        if (!cur_skip(&rest, hdr_len - GRE_HDR_LEN)) {
            return decode_fail(p, DECODE_GRE_VERSION0_HDR_TOO_BIG);
        }
        if ((flags & GRE_F_ROUTE) && !gre_v0_routes_ok(p, &rest)) {
            return DECODE_INVALID;
        }
        break;
    case 1:
        if (flags & GRE_F_CHKSUM) {
            return decode_fail(p, DECODE_GRE_VERSION1_CHKSUM);
        }
        if (flags & GRE_F_ROUTE) {
            return decode_fail(p, DECODE_GRE_VERSION1_ROUTE);
        }
        if (flags & GRE_F_SSR) {
            return decode_fail(p, DECODE_GRE_VERSION1_SSR);
        }
        if (flags & GRE_F_RECUR) {
            return decode_fail(p, DECODE_GRE_VERSION1_RECUR);
        }
        if (flags & GRE_F_FLAGS) {
            return decode_fail(p, DECODE_GRE_VERSION1_FLAGS);
        }
        if (proto != SK_ETHERTYPE_PPP) {
            return decode_fail(p, DECODE_GRE_VERSION1_WRONG_PROTOCOL);
        }
        if (!(flags & GRE_F_KEY)) {
            return decode_fail(p, DECODE_GRE_VERSION1_NO_KEY);
        }
        hdr_len += GRE_OPT_LEN; /* payload length and call id */
        if (flags & GRE_F_SEQ) {
            hdr_len += GRE_OPT_LEN;
        }
        if (flags & GRE_F_ACK) {
            hdr_len += GRE_OPT_LEN;
        }
        if (hdr_len > c.left || !cur_skip(&rest, hdr_len - GRE_HDR_LEN)) {
            return decode_fail(p, DECODE_GRE_VERSION1_HDR_TOO_BIG);
        }
        break;
    default:
        return decode_fail(p, DECODE_GRE_WRONG_VERSION);
    }

    p->l4_off = decode_off(p, &c);
    p->l4_len = (uint32_t)c.left;
    p->payload_off = decode_off(p, &rest);
    p->payload_len = (uint32_t)rest.left;

    switch (proto) {
    case SK_ETHERTYPE_IPV4:
        (void)decode_tunnel(dt, p, rest, TUNNEL_GRE, TUN_ENTRY_IPV4, 0);
        break;
    case SK_ETHERTYPE_IPV6:
        (void)decode_tunnel(dt, p, rest, TUNNEL_GRE, TUN_ENTRY_IPV6, 0);
        break;
    case SK_ETHERTYPE_PPP:
        (void)decode_tunnel(dt, p, rest, TUNNEL_GRE, TUN_ENTRY_PPP, 0);
        break;
    case SK_ETHERTYPE_VLAN:
        (void)decode_tunnel(dt, p, rest, TUNNEL_GRE, TUN_ENTRY_VLAN, 0);
        break;
    case SK_ETHERTYPE_BRIDGE:
        (void)decode_tunnel(dt, p, rest, TUNNEL_GRE, TUN_ENTRY_ETHERNET, 0);
        break;
    case SK_ETHERTYPE_ERSPAN:
        /* Type I has no header and no sequence number; type II sets the sequence flag. */
        (void)decode_erspan(dt, p, rest, (flags & GRE_F_SEQ) ? 2 : 1);
        break;
    case SK_ETHERTYPE_ERSPAN3:
        (void)decode_erspan(dt, p, rest, 3);
        break;
    default:
        break;
    }
    return DECODE_OK;
}
