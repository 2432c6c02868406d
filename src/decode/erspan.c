/* erspan.c: Cisco's Encapsulated Remote SPAN inside GRE. Type I is a bare Ethernet frame;
 * type II (version 1) has an 8-byte header and type III (version 2) a 12-byte one, plus an
 * 8-byte platform sub-header when its O flag is set. The mirrored frame's VLAN, when not 0, is
 * added to the inner packet's VLAN ids.
 *
 * Suricata decodes the ERSPAN header as the inner packet's first layer, so when it fails the
 * inner packet, events and all, is dropped and nothing is ever seen. Here the header is read
 * as part of the GRE payload and its events stay on the outer packet, where a decode-event
 * rule can see them; the counters are the same. Suricata 8 does not decode type III (GRE
 * protocol 0x22eb) at all; we do. */
#include "decode/decode-int.h"

#define ERSPAN_II_HDR_LEN 8
#define ERSPAN_III_HDR_LEN 12
#define ERSPAN_III_PLATFORM_LEN 8

DecodeStatus
decode_erspan(DecodeThread *dt, Packet *p, Cursor c, int type)
{
    uint16_t ver_vlan = 0;

    dctr_inc(dt, DCTR_ERSPAN);
    if (type == 1) {
        (void)decode_tunnel(dt, p, c, TUNNEL_ERSPAN, TUN_ENTRY_ETHERNET, 0);
        return DECODE_OK;
    }
    size_t hdr_len = type == 2 ? ERSPAN_II_HDR_LEN : ERSPAN_III_HDR_LEN;
    Cursor hdr;
    if (!cur_take(&c, hdr_len, &hdr)) {
        decode_event_set(p, DECODE_ERSPAN_HEADER_TOO_SMALL);
        return DECODE_INVALID;
    }
    if (!decode_layer_enter(dt, p)) {
        return DECODE_INVALID;
    }
    if (!cur_be16(&hdr, &ver_vlan)) {
        decode_event_set(p, DECODE_ERSPAN_HEADER_TOO_SMALL);
        return DECODE_INVALID;
    }
    unsigned version = ver_vlan >> 12;
    uint16_t vlan = ver_vlan & 0x0fff;
    if (version != (unsigned)(type - 1)) {
        decode_event_set(p, DECODE_ERSPAN_UNSUPPORTED_VERSION);
        return DECODE_INVALID;
    }
    if (type == 3) {
        uint8_t last = 0;
        if (cur_peek_u8(&hdr, hdr.left - 1, &last) && (last & 0x01)) {
            if (!cur_skip(&c, ERSPAN_III_PLATFORM_LEN)) {
                decode_event_set(p, DECODE_ERSPAN_HEADER_TOO_SMALL);
                return DECODE_INVALID;
            }
        }
    }
    /* Suricata keeps at most two VLAN ids before adding ERSPAN's. */
    if (vlan > 0 && p->vlan_cnt >= 2) {
        decode_event_set(p, DECODE_ERSPAN_TOO_MANY_VLAN_LAYERS);
        return DECODE_INVALID;
    }
    (void)decode_tunnel(dt, p, c, TUNNEL_ERSPAN, TUN_ENTRY_ETHERNET, vlan);
    return DECODE_OK;
}
