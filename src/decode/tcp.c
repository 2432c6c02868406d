/* tcp.c: the TCP header and its options. Suricata's checks, in its order: fewer than 20 bytes,
 * a data offset past the bytes we have, a data offset below 5 (read as an impossible options
 * length: tcp.invalid_optlen). Options are walked for their lengths only; the stream stage
 * reads MSS, window scale, SACK and timestamps again from the l4 span when it needs them.
 * Per-option checks are warnings that leave the header usable. */
#include "decode/decode-int.h"

#define TCP_HDR_LEN 20
#define TCP_OPTLEN_MAX 40

#define TCP_OPT_EOL 0
#define TCP_OPT_NOP 1
#define TCP_OPT_MSS 2
#define TCP_OPT_WS 3
#define TCP_OPT_SACKOK 4
#define TCP_OPT_SACK 5
#define TCP_OPT_TS 8
#define TCP_OPT_MD5 19
#define TCP_OPT_AO 29
#define TCP_OPT_TFO 34
#define TCP_OPT_EXP1 253 /* RFC 6994 experimental: TFO used it before its own number */
#define TCP_OPT_EXP2 254
#define TCP_OPT_TFO_MAGIC 0xf989

/* Option kinds whose lengths and duplicates Suricata checks: bit positions in `seen`. */
enum { SEEN_WS, SEEN_MSS, SEEN_SACKOK, SEEN_TS, SEEN_SACK, SEEN_TFO, SEEN_MD5, SEEN_AO };

static void
tcp_opt_once(Packet *p, uint32_t *seen, unsigned which, bool len_ok)
{
    if (!len_ok) {
        decode_event_set_plain(p, DECODE_TCP_OPT_INVALID_LEN);
        return;
    }
    if (*seen & (1u << which)) {
        decode_event_set(p, DECODE_TCP_OPT_DUPLICATE);
        return;
    }
    *seen |= 1u << which;
}

static void
tcp_options(Packet *p, Cursor opts)
{
    uint32_t seen = 0;

    while (opts.left > 0) {
        uint8_t type = 0;
        uint8_t len = 0;
        Cursor opt;
        if (!cur_peek_u8(&opts, 0, &type) || type == TCP_OPT_EOL) {
            break;
        }
        if (type == TCP_OPT_NOP) {
            if (!cur_skip(&opts, 1)) {
                break;
            }
            continue;
        }
        if (!cur_peek_u8(&opts, 1, &len)) {
            break; /* a lone kind byte at the end: ignored, as Suricata does */
        }
        if (len > opts.left || len < 2 || !cur_take(&opts, len, &opt)) {
            decode_event_set(p, DECODE_TCP_OPT_INVALID_LEN);
            return;
        }
        switch (type) {
        case TCP_OPT_WS:
            tcp_opt_once(p, &seen, SEEN_WS, len == 3);
            break;
        case TCP_OPT_MSS:
            tcp_opt_once(p, &seen, SEEN_MSS, len == 4);
            break;
        case TCP_OPT_SACKOK:
            tcp_opt_once(p, &seen, SEEN_SACKOK, len == 2);
            break;
        case TCP_OPT_TS:
            tcp_opt_once(p, &seen, SEEN_TS, len == 10);
            break;
        case TCP_OPT_SACK:
            /* 2 plus 1 to 4 blocks of 8 (RFC 2018); a bare 2 is tolerated. */
            tcp_opt_once(p, &seen, SEEN_SACK,
                         len == 2 || (len >= 10 && len <= 34 && (len - 2) % 8 == 0));
            break;
        case TCP_OPT_TFO:
            /* A cookie request (2) or a 4 to 16-byte even cookie (RFC 7413). */
            tcp_opt_once(p, &seen, SEEN_TFO,
                         len == 2 || (len >= 6 && len <= 18 && (len - 2) % 2 == 0));
            break;
        case TCP_OPT_EXP1:
        case TCP_OPT_EXP2: {
            uint16_t magic = 0;
            Cursor body = opt;
            if (len >= 4 && cur_skip(&body, 2) && cur_be16(&body, &magic)
                && magic == TCP_OPT_TFO_MAGIC) {
                tcp_opt_once(p, &seen, SEEN_TFO,
                             len == 4 || (len >= 8 && len <= 20 && (len - 4) % 2 == 0));
            }
            break;
        }
        case TCP_OPT_MD5:
            tcp_opt_once(p, &seen, SEEN_MD5, len == 18);
            break;
        case TCP_OPT_AO:
            tcp_opt_once(p, &seen, SEEN_AO, len >= 4);
            break;
        default:
            break;
        }
    }
}

DecodeStatus
decode_tcp(DecodeThread *dt, Packet *p, Cursor c)
{
    Cursor hdr = c;
    uint16_t sp = 0;
    uint16_t dp = 0;
    uint8_t doff = 0;
    uint8_t flags = 0;

    dctr_inc(dt, DCTR_TCP);
    if (c.left < TCP_HDR_LEN || !cur_be16(&hdr, &sp) || !cur_be16(&hdr, &dp) || !cur_skip(&hdr, 8)
        || !cur_u8(&hdr, &doff) || !cur_u8(&hdr, &flags)) {
        return decode_fail(p, DECODE_TCP_PKT_TOO_SMALL);
    }
    unsigned hlen = (doff >> 4) * 4u;
    if (c.left < hlen) {
        return decode_fail(p, DECODE_TCP_HLEN_TOO_SMALL);
    }
    /* Suricata computes the options length as an unsigned byte: an offset below 5 wraps. */
    if (hlen < TCP_HDR_LEN || hlen - TCP_HDR_LEN > TCP_OPTLEN_MAX) {
        return decode_fail(p, DECODE_TCP_INVALID_OPTLEN);
    }
    Cursor payload = c;
    Cursor opts;
    if (!cur_skip(&payload, TCP_HDR_LEN) || !cur_take(&payload, hlen - TCP_HDR_LEN, &opts)) {
        return decode_fail(p, DECODE_TCP_HLEN_TOO_SMALL);
    }
    if (opts.left > 0) {
        tcp_options(p, opts);
    }
    p->tcp_flags = flags;
    decode_set_transport(p, SK_IPPROTO_TCP, sp, dp, &c, &payload);
    return DECODE_OK;
}
