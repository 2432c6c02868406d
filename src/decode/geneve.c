/* geneve.c: Geneve (RFC 8926) on its configured UDP destination port: version 0, options of
 * the announced length that parse as whole TLVs, then IPv4, IPv6 or a bridged Ethernet frame
 * named by the protocol type. Anything that does not look like Geneve is left as plain UDP. */
#include "decode/decode-int.h"

#define GENEVE_HDR_LEN 8
#define GENEVE_OPT_HDR_LEN 4

/* Options are TLVs: class 2, type 1, reserved 3 bits + length 5 bits (in 4-byte words). */
static bool
geneve_options_ok(Cursor opts)
{
    while (opts.left > 0) {
        uint8_t rlen = 0;
        if (opts.left < GENEVE_OPT_HDR_LEN || !cur_peek_u8(&opts, 3, &rlen)
            || !cur_skip(&opts, GENEVE_OPT_HDR_LEN) || !cur_skip(&opts, (rlen & 0x1fu) * 4u)) {
            return false;
        }
    }
    return true;
}

DecodeStatus
decode_geneve(DecodeThread *dt, Packet *p, Cursor c)
{
    Cursor hdr = c;
    uint8_t ver_optlen = 0;
    uint8_t flags = 0;
    uint16_t proto = 0;

    if (!cur_u8(&hdr, &ver_optlen) || !cur_u8(&hdr, &flags) || !cur_be16(&hdr, &proto)
        || !cur_skip(&hdr, 4)) { /* VNI 3, reserved 1 */
        return DECODE_INVALID;
    }
    if (!decode_layer_enter(dt, p)) {
        return DECODE_INVALID;
    }
    Cursor opts;
    if (!cur_take(&hdr, (ver_optlen & 0x3fu) * 4u, &opts)) {
        return DECODE_INVALID;
    }
    if ((ver_optlen >> 6) != 0 || !geneve_options_ok(opts)) {
        return DECODE_INVALID;
    }
    dctr_inc(dt, DCTR_GENEVE);
    switch (proto) {
    case SK_ETHERTYPE_IPV4:
        (void)decode_tunnel(dt, p, hdr, TUNNEL_GENEVE, TUN_ENTRY_IPV4, 0);
        break;
    case SK_ETHERTYPE_IPV6:
        (void)decode_tunnel(dt, p, hdr, TUNNEL_GENEVE, TUN_ENTRY_IPV6, 0);
        break;
    case SK_ETHERTYPE_BRIDGE:
        (void)decode_tunnel(dt, p, hdr, TUNNEL_GENEVE, TUN_ENTRY_ETHERNET, 0);
        break;
    case SK_ETHERTYPE_ARP:
        break;
    default:
        decode_event_set(p, DECODE_GENEVE_UNKNOWN_PAYLOAD_TYPE);
        break;
    }
    return DECODE_OK;
}
