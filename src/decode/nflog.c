/* nflog.c: Linux NFLOG captures (DLT 239: tcpdump -i nflog:N). A 4-byte header (address family,
 * version, resource id) and then type-length-value attributes as the kernel's netlink log
 * messages carry them; the one of type 9 (NFULA_PAYLOAD) holds the logged packet from its IP
 * header on, and the family says which IP.
 *
 * Suricata 8 refuses this link type in pcap files (it reads NFLOG only live, through
 * libnetfilter_log), so the event names here are ours, in its style.
 *
 * Attribute lengths and types are in the capturing host's byte order, which the file does not
 * record. Types are small numbers (1 to about 20), so the first attribute's type tells which
 * byte of it is zero. A length counts the 4-byte attribute header but not the padding to 4 that
 * follows. */
#include "decode/decode-int.h"

#define NFLOG_HDR_LEN 4
#define NFLOG_TLV_HDR_LEN 4
#define NFLOG_AF_INET 2
#define NFLOG_AF_INET6 10
#define NFULA_PAYLOAD 9

static bool
tlv_u16(Cursor *c, bool be, uint16_t *v)
{
    return be ? cur_be16(c, v) : cur_le16(c, v);
}

DecodeStatus
decode_nflog(DecodeThread *dt, Packet *p, Cursor c)
{
    uint8_t family = 0, type_byte1 = 0;
    bool be;

    dctr_own_inc(dt, DCTR_NFLOG);
    if (!cur_u8(&c, &family) || !cur_skip(&c, NFLOG_HDR_LEN - 1)) {
        return decode_fail(p, DECODE_NFLOG_PKT_TOO_SMALL);
    }
    if (!decode_layer_enter(dt, p)) {
        return DECODE_INVALID;
    }
    if (c.left == 0) {
        return DECODE_OK; /* no attributes: a log message without the packet */
    }
    /* The byte order, from the first attribute's type (see above): stored little-endian, a
     * type below 256 has a zero second byte; big-endian, its second byte is the type. */
    if (!cur_peek_u8(&c, 3, &type_byte1)) {
        return decode_fail(p, DECODE_NFLOG_MALFORMED_TLV);
    }
    be = type_byte1 != 0;

    while (c.left > 0) {
        uint16_t tlv_len = 0, type = 0;
        Cursor val;

        if (!tlv_u16(&c, be, &tlv_len) || !tlv_u16(&c, be, &type) || tlv_len < NFLOG_TLV_HDR_LEN
            || !cur_take(&c, (size_t)tlv_len - NFLOG_TLV_HDR_LEN, &val)) {
            return decode_fail(p, DECODE_NFLOG_MALFORMED_TLV);
        }
        if (type == NFULA_PAYLOAD) {
            cur_truncate(&val, UINT16_MAX);
            switch (family) {
            case NFLOG_AF_INET:
                return decode_ipv4(dt, p, val);
            case NFLOG_AF_INET6:
                return decode_ipv6(dt, p, val);
            default:
                decode_event_set(p, DECODE_NFLOG_UNSUPPORTED_FAMILY);
                return DECODE_OK;
            }
        }
        /* Padding to 4; the last attribute may go without it. */
        if (!cur_skip(&c, (4u - tlv_len % 4u) % 4u)) {
            break;
        }
    }
    return DECODE_OK; /* no payload attribute: nothing past the link layer */
}
