/* ipv4.c: the IPv4 header, its options, fragments, and the hand-off to the transport or to a
 * tunnel (IPv4-in-IPv4, IPv6-in-IPv4). Checks run in Suricata's order, because for a broken
 * header the order decides which event fires: too small, version, header length, total length
 * below header length, truncation, then options. The header checksum is not checked here
 * (Suricata raises no event for it): decode_ipv4_checksum_ok() computes it when asked. The
 * total length bounds the datagram, so Ethernet padding never reaches the transport. */
#include "decode/decode-int.h"

#include <string.h>

#define IPV4_OPT_EOL 0x00
#define IPV4_OPT_NOP 0x01

/* How an option's body is checked once its length fits the options area. */
typedef enum {
    OPT_CHECK_MIN,   /* length at least len */
    OPT_CHECK_EXACT, /* length exactly len */
    OPT_CHECK_ROUTE, /* record route and source routes: pointer rules of RFC 791 */
    OPT_CHECK_TS,    /* timestamp: pointer by record size (RFC 791) */
    OPT_CHECK_CIPSO, /* commercial IP security option: tags (FIPS 188 / draft-ietf-cipso) */
} OptCheck;

typedef struct {
    uint8_t type;
    uint8_t check; /* OptCheck */
    uint8_t len;   /* minimum or exact length, type and length bytes included */
} Ipv4OptSpec;

/* The options Suricata knows, one line each; any other type is ipv4.opt_invalid (a warning).
 * An option counts as seen only once it validated, so a second copy of a broken one is not a
 * duplicate: Suricata's behaviour, kept. */
static const Ipv4OptSpec ipv4_opt_specs[] = {
    {0x07, OPT_CHECK_ROUTE, 3},  /* RR, record route */
    {0x19, OPT_CHECK_MIN, 8},    /* QS, quick-start (RFC 4782) */
    {0x44, OPT_CHECK_TS, 5},     /* TS, timestamp */
    {0x82, OPT_CHECK_MIN, 3},    /* SEC, security (RFC 1108: variable length) */
    {0x83, OPT_CHECK_ROUTE, 3},  /* LSRR, loose source route */
    {0x85, OPT_CHECK_MIN, 3},    /* ESEC, extended security */
    {0x86, OPT_CHECK_CIPSO, 10}, /* CIPSO */
    {0x88, OPT_CHECK_EXACT, 4},  /* SID, stream identifier */
    {0x89, OPT_CHECK_ROUTE, 3},  /* SSRR, strict source route */
    {0x94, OPT_CHECK_EXACT, 4},  /* RTRALT, router alert (RFC 2113) */
};

static const Ipv4OptSpec *
opt_spec_find(uint8_t type)
{
    for (size_t i = 0; i < sizeof(ipv4_opt_specs) / sizeof(ipv4_opt_specs[0]); i++) {
        if (ipv4_opt_specs[i].type == type) {
            return &ipv4_opt_specs[i];
        }
    }
    return NULL;
}

/* Route options: the pointer is 1-based, points past type, length and itself (>= 4), moves in
 * 4-byte addresses and may point one past the end (the route is full). */
static bool
opt_route_ok(Packet *p, uint8_t len, Cursor body)
{
    uint8_t ptr = 0;
    if (!cur_u8(&body, &ptr) || ptr < 4 || ptr % 4 != 0 || ptr > len + 1) {
        decode_event_set(p, DECODE_IPV4_OPT_MALFORMED);
        return false;
    }
    return true;
}

/* Timestamp: pointer >= 5 (past type, length, pointer, overflow/flag), records of 4 bytes, or
 * 8 when flag 1 or 3 pairs an address with each timestamp. */
static bool
opt_ts_ok(Packet *p, uint8_t len, Cursor body)
{
    uint8_t ptr = 0;
    uint8_t oflw_flag = 0;
    if (!cur_u8(&body, &ptr) || ptr < 5 || !cur_u8(&body, &oflw_flag)) {
        decode_event_set(p, DECODE_IPV4_OPT_MALFORMED);
        return false;
    }
    uint8_t flag = oflw_flag & 0x0f;
    unsigned rec = (flag == 1 || flag == 3) ? 8 : 4;
    if ((ptr - 5u) % rec != 0 || ptr > len + 1) {
        decode_event_set(p, DECODE_IPV4_OPT_MALFORMED);
        return false;
    }
    return true;
}

/* CIPSO: a 4-byte domain of interpretation, then tags. Known tag types (1, 2, 5, 6, 7) are at
 * least 4 bytes and, except type 7, have a zero alignment byte; type 0 is reserved and others
 * unknown, both malformed. */
static bool
opt_cipso_ok(Packet *p, Cursor body)
{
    if (!cur_skip(&body, 4)) {
        decode_event_set(p, DECODE_IPV4_OPT_MALFORMED);
        return false;
    }
    while (body.left > 0) {
        uint8_t ttype = 0;
        uint8_t tlen = 0;
        uint8_t align = 0;
        Cursor tag;
        if (body.left < 2 || !cur_peek_u8(&body, 0, &ttype) || !cur_peek_u8(&body, 1, &tlen)
            || tlen > body.left) {
            decode_event_set(p, DECODE_IPV4_OPT_MALFORMED);
            return false;
        }
        switch (ttype) {
        case 1:
        case 2:
        case 5:
        case 6:
        case 7:
            if (tlen < 4 || !cur_take(&body, tlen, &tag) || !cur_peek_u8(&tag, 2, &align)
                || (ttype != 7 && align != 0)) {
                decode_event_set(p, DECODE_IPV4_OPT_MALFORMED);
                return false;
            }
            break;
        default:
            decode_event_set(p, DECODE_IPV4_OPT_MALFORMED);
            return false;
        }
    }
    return true;
}

static bool
opt_valid(Packet *p, const Ipv4OptSpec *spec, uint8_t len, Cursor body)
{
    switch ((OptCheck)spec->check) {
    case OPT_CHECK_MIN:
        if (len < spec->len) {
            decode_event_set(p, DECODE_IPV4_OPT_INVALID_LEN);
            return false;
        }
        return true;
    case OPT_CHECK_EXACT:
        if (len != spec->len) {
            decode_event_set(p, DECODE_IPV4_OPT_INVALID_LEN);
            return false;
        }
        return true;
    case OPT_CHECK_ROUTE:
    case OPT_CHECK_TS:
    case OPT_CHECK_CIPSO:
        if (len < spec->len) {
            decode_event_set(p, DECODE_IPV4_OPT_INVALID_LEN);
            return false;
        }
        if (spec->check == OPT_CHECK_ROUTE) {
            return opt_route_ok(p, len, body);
        }
        if (spec->check == OPT_CHECK_TS) {
            return opt_ts_ok(p, len, body);
        }
        return opt_cipso_ok(p, body);
    }
    decode_event_set(p, DECODE_IPV4_OPT_UNKNOWN);
    return false;
}

/* Walks the options area. A bad option body is an event and the walk goes on (Suricata's);
 * an option whose length does not fit, or a lone byte where an option needs two, ends the
 * IPv4 layer. */
static DecodeStatus
ipv4_options(Packet *p, Cursor opts)
{
    uint32_t seen = 0; /* bit i: ipv4_opt_specs[i] seen and valid */

    /* Suricata wants the options padded to 8 bytes; a warning only (its rule is disabled). */
    if (opts.left % 8 != 0) {
        decode_event_set(p, DECODE_IPV4_OPT_PAD_REQUIRED);
    }
    while (opts.left > 0) {
        uint8_t type = 0;
        uint8_t len = 0;
        Cursor opt;
        if (!cur_peek_u8(&opts, 0, &type) || type == IPV4_OPT_EOL) {
            break;
        }
        if (type == IPV4_OPT_NOP) {
            if (!cur_skip(&opts, 1)) {
                break;
            }
            continue;
        }
        if (!cur_peek_u8(&opts, 1, &len)) {
            decode_event_set(p, DECODE_IPV4_OPT_EOL_REQUIRED);
            return DECODE_INVALID;
        }
        if (len > opts.left || len < 2 || !cur_take(&opts, len, &opt)) {
            return decode_fail(p, DECODE_IPV4_OPT_INVALID_LEN);
        }
        const Ipv4OptSpec *spec = opt_spec_find(type);
        if (spec == NULL) {
            decode_event_set(p, DECODE_IPV4_OPT_INVALID);
            continue;
        }
        uint32_t bit = 1u << (spec - ipv4_opt_specs);
        if (seen & bit) {
            decode_event_set(p, DECODE_IPV4_OPT_DUPLICATE);
            continue;
        }
        if (!cur_skip(&opt, 2)) { /* type and length: the body follows */
            continue;
        }
        if (opt_valid(p, spec, len, opt)) {
            seen |= bit;
        }
    }
    return DECODE_OK;
}

static void
ipv4_transport(DecodeThread *dt, Packet *p, Cursor l4)
{
    switch (p->proto) {
    case SK_IPPROTO_TCP:
        (void)decode_tcp(dt, p, l4);
        break;
    case SK_IPPROTO_UDP:
        (void)decode_udp(dt, p, l4);
        break;
    case SK_IPPROTO_ICMP:
        (void)decode_icmpv4(dt, p, l4);
        break;
    case SK_IPPROTO_GRE:
        (void)decode_gre(dt, p, l4);
        break;
    case SK_IPPROTO_SCTP:
        (void)decode_sctp(dt, p, l4);
        break;
    case SK_IPPROTO_ESP:
        (void)decode_esp(dt, p, l4);
        break;
    case SK_IPPROTO_IPV6:
        p->l4_off = decode_off(p, &l4);
        p->l4_len = (uint32_t)l4.left;
        if (decode_tunnel(dt, p, l4, TUNNEL_IPIP, TUN_ENTRY_IPV6, 0) != NULL) {
            dctr_inc(dt, DCTR_IPV6_IN_IPV4);
        }
        break;
    case SK_IPPROTO_IPIP:
        p->l4_off = decode_off(p, &l4);
        p->l4_len = (uint32_t)l4.left;
        if (decode_tunnel(dt, p, l4, TUNNEL_IPIP, TUN_ENTRY_IPV4, 0) != NULL) {
            dctr_inc(dt, DCTR_IPV4_IN_IPV4);
        }
        break;
    case SK_IPPROTO_HOPOPTS:
        /* PPP Van Jacobson uncompressed: the protocol byte held a connection number and a
         * TCP header follows. */
        if (dt->ppp_vj_ucomp) {
            (void)decode_tcp(dt, p, l4);
        }
        break;
    case SK_IPPROTO_ICMPV6:
        decode_event_set(p, DECODE_IPV4_WITH_ICMPV6);
        break;
    default:
        p->l4_off = decode_off(p, &l4);
        p->l4_len = (uint32_t)l4.left;
        break;
    }
}

DecodeStatus
decode_ipv4(DecodeThread *dt, Packet *p, Cursor c)
{
    Cursor hdr = c;
    uint8_t vhl = 0;
    uint8_t tos = 0;
    uint16_t total_len = 0;
    uint16_t id = 0;
    uint16_t frag = 0;
    uint8_t ttl = 0;
    uint8_t proto = 0;
    uint16_t csum = 0;
    uint8_t src[4];
    uint8_t dst[4];

    dctr_inc(dt, DCTR_IPV4);
    if (!cur_u8(&hdr, &vhl) || !cur_u8(&hdr, &tos) || !cur_be16(&hdr, &total_len)
        || !cur_be16(&hdr, &id) || !cur_be16(&hdr, &frag) || !cur_u8(&hdr, &ttl)
        || !cur_u8(&hdr, &proto) || !cur_be16(&hdr, &csum) || !cur_bytes(&hdr, src, 4)
        || !cur_bytes(&hdr, dst, 4)) {
        return decode_fail(p, DECODE_IPV4_PKT_TOO_SMALL);
    }
    if ((vhl >> 4) != 4) {
        return decode_fail(p, DECODE_IPV4_WRONG_IP_VERSION);
    }
    unsigned hlen = (vhl & 0x0fu) * 4u;
    if (hlen < IPV4_HDR_LEN) {
        return decode_fail(p, DECODE_IPV4_HLEN_TOO_SMALL);
    }
    if (total_len < hlen) {
        return decode_fail(p, DECODE_IPV4_IPLEN_SMALLER_THAN_HLEN);
    }
    Cursor dgram;
    if (!cur_take(&c, total_len, &dgram)) { /* snaplen, or a header that lies */
        return decode_fail(p, DECODE_IPV4_TRUNC_PKT);
    }
    Cursor l4 = dgram;
    Cursor opts;
    if (!cur_skip(&l4, IPV4_HDR_LEN) || !cur_take(&l4, hlen - IPV4_HDR_LEN, &opts)) {
        return decode_fail(p, DECODE_IPV4_TRUNC_PKT);
    }
    if (opts.left > 0 && ipv4_options(p, opts) != DECODE_OK) {
        return DECODE_INVALID;
    }

    p->ip_ver = 4;
    p->proto = proto;
    p->ttl = ttl;
    memset(&p->src, 0, sizeof(p->src));
    memset(&p->dst, 0, sizeof(p->dst));
    memcpy(p->src.b, src, 4);
    memcpy(p->dst.b, dst, 4);
    p->l3_off = decode_off(p, &dgram);
    p->l3_len = total_len;

    uint16_t frag_off = (uint16_t)((frag & 0x1fff) * 8u);
    bool more = (frag & 0x2000) != 0;
    if (frag_off > 0 || more) {
        /* The transport is decoded after reassembly, never from a fragment: not even the
         * first one's ports (Suricata's rule). What follows the header is the data. */
        p->flags |= PKT_F_FRAGMENT;
        p->frag.id = id;
        p->frag.off = frag_off;
        p->frag.more = more;
        p->frag.proto = proto;
        p->frag.data_off = decode_off(p, &l4);
        p->frag.data_len = (uint32_t)l4.left;
        dctr_inc(dt, DCTR_DEFRAG_IPV4_FRAGMENTS);
        return DECODE_OK;
    }
    ipv4_transport(dt, p, l4);
    return DECODE_OK;
}
