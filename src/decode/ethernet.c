/* ethernet.c: Ethernet II frames and Cisco FabricPath (DCE), which wraps a second Ethernet
 * frame. The ethertype goes to decode_network_layer(); 802.3 length fields (below 0x0600) are
 * not ethertypes and end up counted as unknown, as in Suricata. */
#include "decode/decode-int.h"

#define ETHERNET_HDR_LEN 14
#define DCE_HDR_LEN 16 /* Suricata's check: the FabricPath tag plus an inner Ethernet header */
#define DCE_TAG_LEN 2  /* FTag and TTL between the outer ethertype and the inner frame */

DecodeStatus
decode_ethernet(DecodeThread *dt, Packet *p, Cursor c)
{
    uint16_t ethertype = 0;

    dctr_inc(dt, DCTR_ETHERNET);
    if (c.left < ETHERNET_HDR_LEN) {
        return decode_fail(p, DECODE_ETHERNET_PKT_TOO_SMALL);
    }
    if (!decode_layer_enter(dt, p)) {
        return DECODE_INVALID;
    }
    if (!(p->flags & PKT_F_ETH)) { /* the outer one, for FabricPath: the MACs on the wire */
        p->flags |= PKT_F_ETH;
        p->eth_off = (uint32_t)(c.p - p->data);
    }
    if (!cur_skip(&c, 12) || !cur_be16(&c, &ethertype)) { /* destination, source MAC */
        return decode_fail(p, DECODE_ETHERNET_PKT_TOO_SMALL);
    }
    (void)decode_network_layer(dt, p, ethertype, c);
    return DECODE_OK;
}

DecodeStatus
decode_dce(DecodeThread *dt, Packet *p, Cursor c)
{
    if (c.left < DCE_HDR_LEN) {
        return decode_fail(p, DECODE_DCE_PKT_TOO_SMALL);
    }
    if (!cur_skip(&c, DCE_TAG_LEN)) {
        return decode_fail(p, DECODE_DCE_PKT_TOO_SMALL);
    }
    return decode_ethernet(dt, p, c);
}
