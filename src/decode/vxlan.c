/* vxlan.c: VXLAN (RFC 7348) on its configured UDP destination port: an 8-byte header with the
 * I flag set and the last reserved byte zero, then an Ethernet frame. Suricata decodes the
 * inner frame only for IPv4, IPv6 and VLAN-tagged payloads; ARP is recognised and left alone;
 * anything else is vxlan.unknown_payload_type on the outer packet. */
#include "decode/decode-int.h"

#define VXLAN_HDR_LEN 8
#define ETHERNET_HDR_LEN 14

DecodeStatus
decode_vxlan(DecodeThread *dt, Packet *p, Cursor c)
{
    Cursor hdr = c;
    uint8_t flags = 0;
    uint8_t reserved = 0;
    uint16_t ethertype = 0;

    if (c.left < VXLAN_HDR_LEN + ETHERNET_HDR_LEN || !cur_u8(&hdr, &flags)
        || !cur_peek_u8(&hdr, 6, &reserved)) {
        return DECODE_INVALID;
    }
    if ((flags & 0x08) == 0 || reserved != 0) {
        return DECODE_INVALID;
    }
    Cursor frame = c;
    if (!cur_skip(&frame, VXLAN_HDR_LEN) || !cur_peek_be16(&frame, 12, &ethertype)) {
        return DECODE_INVALID;
    }
    dctr_inc(dt, DCTR_VXLAN);
    switch (ethertype) {
    case SK_ETHERTYPE_ARP:
        break;
    case SK_ETHERTYPE_IPV4:
    case SK_ETHERTYPE_IPV6:
    case SK_ETHERTYPE_VLAN:
    case SK_ETHERTYPE_8021AD:
    case SK_ETHERTYPE_8021QINQ:
        (void)decode_tunnel(dt, p, frame, TUNNEL_VXLAN, TUN_ENTRY_ETHERNET, 0);
        break;
    default:
        decode_event_set(p, DECODE_VXLAN_UNKNOWN_PAYLOAD_TYPE);
        break;
    }
    return DECODE_OK;
}
