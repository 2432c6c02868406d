/* vlan.c: 802.1Q tags (also 802.1ad QinQ 0x88a8 and the older 0x9100), up to three deep
 * (Packet.vlan_id), and 802.1ah provider backbone bridging, whose I-tag is followed by a
 * customer Ethernet header. */
#include "decode/decode-int.h"

#define VLAN_HDR_LEN 4
#define IEEE8021AH_HDR_LEN 18 /* I-TAG 4, customer destination 6, source 6, ethertype 2 */

DecodeStatus
decode_vlan(DecodeThread *dt, Packet *p, Cursor c)
{
    uint16_t tci = 0;
    uint16_t ethertype = 0;

    /* The counter follows the depth: decoder.vlan, vlan_qinq, vlan_qinqinq. */
    switch (p->vlan_cnt) {
    case 0:
        dctr_inc(dt, DCTR_VLAN);
        break;
    case 1:
        dctr_inc(dt, DCTR_VLAN_QINQ);
        break;
    case 2:
        dctr_inc(dt, DCTR_VLAN_QINQINQ);
        break;
    default:
        break;
    }
    if (c.left < VLAN_HDR_LEN) {
        return decode_fail(p, DECODE_VLAN_HEADER_TOO_SMALL);
    }
    if (!decode_layer_enter(dt, p)) {
        return DECODE_INVALID;
    }
    if (p->vlan_cnt >= PKT_VLAN_MAX) {
        decode_event_set(p, DECODE_VLAN_HEADER_TOO_MANY_LAYERS);
        return DECODE_INVALID;
    }
    if (!cur_be16(&c, &tci) || !cur_be16(&c, &ethertype)) {
        return decode_fail(p, DECODE_VLAN_HEADER_TOO_SMALL);
    }
    p->vlan_id[p->vlan_cnt++] = tci & 0x0fff;
    if (!decode_network_layer(dt, p, ethertype, c)) {
        return decode_fail(p, DECODE_VLAN_UNKNOWN_TYPE);
    }
    return DECODE_OK;
}

DecodeStatus
decode_ieee8021ah(DecodeThread *dt, Packet *p, Cursor c)
{
    uint16_t ethertype = 0;

    dctr_inc(dt, DCTR_IEEE8021AH);
    if (c.left < IEEE8021AH_HDR_LEN) {
        return decode_fail(p, DECODE_IEEE8021AH_HEADER_TOO_SMALL);
    }
    if (!decode_layer_enter(dt, p)) {
        return DECODE_INVALID;
    }
    if (!cur_skip(&c, 16) || !cur_be16(&c, &ethertype)) { /* I-TAG, customer MACs */
        return decode_fail(p, DECODE_IEEE8021AH_HEADER_TOO_SMALL);
    }
    (void)decode_network_layer(dt, p, ethertype, c);
    return DECODE_OK;
}
