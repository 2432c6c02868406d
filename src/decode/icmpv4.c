/* icmpv4.c: ICMP for IPv4. Known types have their codes checked (unknown_code, a warning);
 * error messages (unreachable, source quench, redirect, time exceeded, parameter problem)
 * quote the offending datagram's IP header and first bytes (RFC 792), which fill Packet.emb_*
 * so the flow stage can tie the error to the flow it is about. A quote too short for an IP
 * header, or not IPv4, makes the packet invalid, as in Suricata. */
#include "decode/decode-int.h"

#include <string.h>

#define ICMPV4_HDR_LEN 8

/* The error types (unreachable, quench, redirect, time exceeded, parameter problem) are in
 * core/proto.h: the flow table and the shard hash test them too. */
#define ICMP_ECHOREPLY 0
#define ICMP_ECHO 8
#define ICMP_TIMESTAMP 13
#define ICMP_TIMESTAMPREPLY 14
#define ICMP_INFO_REQUEST 15
#define ICMP_INFO_REPLY 16
#define ICMP_ADDRESS 17
#define ICMP_ADDRESSREPLY 18

#define ICMP_UNREACH_CODE_MAX 15 /* communication administratively prohibited ... precedence */
#define ICMP_REDIRECT_CODE_MAX 3 /* redirect for TOS and host */
#define ICMP_EXCEEDED_CODE_MAX 1 /* fragment reassembly time exceeded */

/* The quoted datagram. Ports are taken when the whole TCP (20) or UDP (8) header is quoted,
 * Suricata's condition; only then, or for a quoted ICMP header, is emb_proto set. */
static void
icmpv4_quote(Packet *p, Cursor q)
{
    Cursor hdr = q;
    uint8_t vhl = 0;
    uint8_t proto = 0;
    uint8_t src[4];
    uint8_t dst[4];

    if (q.left < IPV4_HDR_LEN) {
        decode_event_set(p, DECODE_ICMPV4_IPV4_TRUNC_PKT);
        return;
    }
    if (!cur_u8(&hdr, &vhl) || (vhl >> 4) != 4) {
        decode_event_set(p, DECODE_ICMPV4_IPV4_UNKNOWN_VER);
        return;
    }
    if (!cur_skip(&hdr, 8) || !cur_u8(&hdr, &proto) || !cur_skip(&hdr, 2)
        || !cur_bytes(&hdr, src, 4) || !cur_bytes(&hdr, dst, 4)) {
        decode_event_set(p, DECODE_ICMPV4_IPV4_TRUNC_PKT);
        return;
    }
    memset(&p->emb_src, 0, sizeof(p->emb_src));
    memset(&p->emb_dst, 0, sizeof(p->emb_dst));
    memcpy(p->emb_src.b, src, 4);
    memcpy(p->emb_dst.b, dst, 4);
    p->emb_proto = 0;
    p->emb_sp = 0;
    p->emb_dp = 0;

    /* The quoted transport header starts after the quoted IP header, options included. */
    unsigned hlen = (vhl & 0x0fu) * 4u;
    Cursor l4 = q;
    if (hlen < IPV4_HDR_LEN || !cur_skip(&l4, hlen)) {
        p->flags |= PKT_F_ICMP_ERR_EMB;
        return;
    }
    uint16_t sp = 0;
    uint16_t dp = 0;
    switch (proto) {
    case SK_IPPROTO_TCP:
    case SK_IPPROTO_UDP:
        if (l4.left < (proto == SK_IPPROTO_TCP ? 20u : 8u) || !cur_be16(&l4, &sp)
            || !cur_be16(&l4, &dp)) {
            return; /* the quote names a flow but not which: nothing to key on */
        }
        p->emb_proto = proto;
        p->emb_sp = sp;
        p->emb_dp = dp;
        break;
    case SK_IPPROTO_ICMP:
        if (l4.left >= ICMPV4_HDR_LEN) {
            p->emb_proto = proto;
        }
        break;
    default:
        break;
    }
    p->flags |= PKT_F_ICMP_ERR_EMB;
}

DecodeStatus
decode_icmpv4(DecodeThread *dt, Packet *p, Cursor c)
{
    Cursor body = c;
    uint8_t type = 0;
    uint8_t code = 0;

    dctr_inc(dt, DCTR_ICMPV4);
    if (c.left < ICMPV4_HDR_LEN || !cur_u8(&body, &type) || !cur_u8(&body, &code)
        || !cur_skip(&body, 6)) { /* checksum, then 4 bytes that depend on the type */
        return decode_fail(p, DECODE_ICMPV4_PKT_TOO_SMALL);
    }
    p->proto = SK_IPPROTO_ICMP;
    p->icmp_type = type;
    p->icmp_code = code;
    p->flags |= PKT_F_HAS_ICMP;
    p->l4_off = decode_off(p, &c);
    p->l4_len = (uint32_t)c.left;
    p->payload_off = decode_off(p, &body);
    p->payload_len = (uint32_t)body.left;

    bool quotes = false;
    switch (type) {
    case ICMP_ECHOREPLY:
    case ICMP_ECHO:
    case ICMP_TIMESTAMP:
    case ICMP_TIMESTAMPREPLY:
    case ICMP_INFO_REQUEST:
    case ICMP_INFO_REPLY:
    case ICMP_ADDRESS:
    case ICMP_ADDRESSREPLY:
        if (code != 0) {
            decode_event_set(p, DECODE_ICMPV4_UNKNOWN_CODE);
        }
        break;
    case SK_ICMP_DEST_UNREACH:
        if (code > ICMP_UNREACH_CODE_MAX) {
            decode_event_set(p, DECODE_ICMPV4_UNKNOWN_CODE);
        } else {
            /* Suricata reads the quote only when something follows the header. */
            quotes = body.left > 0;
        }
        break;
    case SK_ICMP_SOURCE_QUENCH:
    case SK_ICMP_PARAMETERPROB:
        if (code != 0) {
            decode_event_set(p, DECODE_ICMPV4_UNKNOWN_CODE);
        } else {
            quotes = true;
        }
        break;
    case SK_ICMP_REDIRECT:
        if (code > ICMP_REDIRECT_CODE_MAX) {
            decode_event_set(p, DECODE_ICMPV4_UNKNOWN_CODE);
        } else {
            quotes = true;
        }
        break;
    case SK_ICMP_TIME_EXCEEDED:
        if (code > ICMP_EXCEEDED_CODE_MAX) {
            decode_event_set(p, DECODE_ICMPV4_UNKNOWN_CODE);
        } else {
            quotes = true;
        }
        break;
    default:
        decode_event_set(p, DECODE_ICMPV4_UNKNOWN_TYPE);
        break;
    }
    if (quotes) {
        icmpv4_quote(p, body);
    }
    return DECODE_OK;
}
