/* sll.c: Linux cooked captures, version 1 (DLT 113, 16-byte header) and 2 (DLT 276, 20 bytes).
 * Both carry the ethertype-like protocol of the frame, which decode_network_layer() takes. */
#include "decode/decode-int.h"

#define SLL_HDR_LEN 16
#define SLL2_HDR_LEN 20

DecodeStatus
decode_sll(DecodeThread *dt, Packet *p, Cursor c)
{
    uint16_t proto = 0;

    dctr_inc(dt, DCTR_SLL);
    /* packet type 2, ARPHRD type 2, address length 2, address 8, then the protocol */
    if (c.left < SLL_HDR_LEN || !cur_skip(&c, 14) || !cur_be16(&c, &proto)) {
        return decode_fail(p, DECODE_SLL_PKT_TOO_SMALL);
    }
    (void)decode_network_layer(dt, p, proto, c);
    return DECODE_OK;
}

DecodeStatus
decode_sll2(DecodeThread *dt, Packet *p, Cursor c)
{
    uint16_t proto = 0;

    dctr_inc(dt, DCTR_SLL2);
    /* protocol first, then reserved 2, ifindex 4, ARPHRD 2, packet type 1, address len 1,
     * address 8 */
    if (c.left < SLL2_HDR_LEN || !cur_be16(&c, &proto) || !cur_skip(&c, 18)) {
        return decode_fail(p, DECODE_SLL2_PKT_TOO_SMALL);
    }
    (void)decode_network_layer(dt, p, proto, c);
    return DECODE_OK;
}
