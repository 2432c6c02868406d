/* header_l4.c: the transport header keywords (flags, seq, ack, window, tcp.mss, itype,
 * icode, icmp_id, icmp_seq), dsize, and the tcp.hdr, udp.hdr, icmpv4.hdr and icmpv6.hdr
 * buffers. As in header.c: Suricata 8.0.7's values and errors; fields decode keeps are read
 * from the Packet, the others from the raw header through cursors. */
#include "detect/keywords/header_int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/proto.h"

/* ---- the raw headers ---- */

/* A decoded TCP header (decode_set_transport ran: ports are set), options included. */
static bool
hdr_tcp(const Packet *p, Cursor *out)
{
    Cursor c = packet_l4(p);
    uint8_t doff;
    if (p->proto != SK_IPPROTO_TCP || !(p->flags & PKT_F_HAS_PORTS) || !cur_peek_u8(&c, 12, &doff)
        || (doff >> 4) * 4u < TCP_HDR_MIN) {
        return false;
    }
    return cur_take(&c, (doff >> 4) * 4u, out);
}

static bool
hdr_udp(const Packet *p, Cursor *out)
{
    Cursor c = packet_l4(p);
    return p->proto == SK_IPPROTO_UDP && (p->flags & PKT_F_HAS_PORTS)
           && cur_take(&c, UDP_HDR_LEN, out);
}

/* ICMPv4's header is 8 bytes but for two messages, as Suricata counts it: a timestamp
 * (request or reply) has its three timestamps in it (20 bytes), a router advertisement its
 * address list (count times entry size words), when that was captured. ICMPv6's is 8. */
static bool
hdr_icmp(const Packet *p, uint8_t proto, Cursor *out)
{
    Cursor c = packet_l4(p);
    size_t len = ICMP_HDR_LEN;
    uint8_t naddr;
    uint8_t addr_sz;
    if (p->proto != proto || !(p->flags & PKT_F_HAS_ICMP)) {
        return false;
    }
    if (proto == SK_IPPROTO_ICMP && (p->icmp_type == 13 || p->icmp_type == 14)
        && c.left >= ICMPV4_TS_HDR_LEN) {
        len = ICMPV4_TS_HDR_LEN;
    } else if (proto == SK_IPPROTO_ICMP && p->icmp_type == 9 && cur_peek_u8(&c, 4, &naddr)
               && cur_peek_u8(&c, 5, &addr_sz) && c.left >= ICMP_HDR_LEN + naddr * addr_sz * 4u) {
        len = ICMP_HDR_LEN + naddr * addr_sz * 4u;
    }
    return cur_take(&c, len, out);
}

/* ---- header buffers (header_buffers.def) ---- */

bool
detect_buf_tcp_hdr(struct DetectThread *dt, const Packet *p, Cursor *out)
{
    (void)dt;
    return hdr_tcp(p, out);
}

bool
detect_buf_udp_hdr(struct DetectThread *dt, const Packet *p, Cursor *out)
{
    (void)dt;
    return hdr_udp(p, out);
}

bool
detect_buf_icmpv4_hdr(struct DetectThread *dt, const Packet *p, Cursor *out)
{
    (void)dt;
    return hdr_icmp(p, SK_IPPROTO_ICMP, out);
}

bool
detect_buf_icmpv6_hdr(struct DetectThread *dt, const Packet *p, Cursor *out)
{
    (void)dt;
    return hdr_icmp(p, SK_IPPROTO_ICMPV6, out);
}

/* ---- flags: TCP flags with modifiers and an ignore mask ---- */

static int
tcp_flag_bit(char c)
{
    switch (c) {
    case 'F':
        return SK_TH_FIN;
    case 'S':
        return SK_TH_SYN;
    case 'R':
        return SK_TH_RST;
    case 'P':
        return SK_TH_PUSH;
    case 'A':
        return SK_TH_ACK;
    case 'U':
        return SK_TH_URG;
    case 'C':
    case '1':
        return SK_TH_CWR; /* '1' and '2': Snort's names for the then reserved bits */
    case 'E':
    case '2':
        return SK_TH_ECE;
    default:
        return -1;
    }
}

static bool
flags_match(struct DetectThread *dt, const Packet *p, const Signature *s, const void *ctx)
{
    const BitsCtx *b = ctx;
    (void)dt, (void)s;
    if (p->proto != SK_IPPROTO_TCP || !(p->flags & PKT_F_HAS_PORTS)) {
        return false;
    }
    return detect_hdr_bits_match((uint8_t)(p->tcp_flags & ~b->ignore), b->bits, b->mod);
}

static const DetectSmOps flags_ops = {.match = flags_match};

/* "[+*!]FSRPAUCE120[+*!][,mask]": one modifier at most, anywhere among the flags; '0' means
 * no flag (it clears what came before it); the mask after the comma lists flags to ignore.
 * Upper case only, as Suricata. */
SkResult
kw_flags_setup(Signature *s, const char *arg, char *err)
{
    BitsCtx b = {0};
    bool have_mod = false;
    bool any = false;
    const char *p = detect_hdr_skip_blanks(arg);
    for (; *p != '\0' && *p != ',' && *p != ' ' && *p != '\t'; p++) {
        int bit = tcp_flag_bit(*p);
        if (detect_hdr_modifier(*p) >= 0) {
            if (have_mod) {
                return detect_err(err, "\"flags\" supports only one modifier at a time");
            }
            have_mod = true;
            b.mod = (uint8_t)detect_hdr_modifier(*p);
        } else if (*p == '0') {
            b.bits = 0;
            any = true;
        } else if (bit >= 0) {
            b.bits |= (uint8_t)bit;
            any = true;
        } else {
            return detect_err(err, "invalid flags value \"%.40s\"", arg);
        }
    }
    p = detect_hdr_skip_blanks(p);
    if (!any) {
        return detect_err(err, "invalid flags value \"%.40s\"", arg);
    }
    if (*p == ',') {
        p = detect_hdr_skip_blanks(p + 1);
        if (*p == '\0') {
            return detect_err(err, "invalid flags mask in \"%.40s\"", arg);
        }
        for (; *p != '\0' && *p != ' ' && *p != '\t'; p++) {
            int bit = tcp_flag_bit(*p);
            if (bit < 0) {
                return detect_err(err, "invalid flags mask in \"%.40s\"", arg);
            }
            b.ignore |= (uint8_t)bit;
        }
        p = detect_hdr_skip_blanks(p);
    }
    if (*p != '\0') {
        return detect_err(err, "invalid flags value \"%.40s\"", arg);
    }
    return detect_hdr_attach(s, DETECT_KW_FLAGS, &flags_ops, &b, sizeof(b), err);
}

/* ---- seq, ack, window ---- */

typedef struct {
    uint32_t v;
    uint8_t off;  /* where the field starts in the TCP header */
    uint8_t size; /* 4 or 2 */
    bool negated; /* window only */
} TcpFieldCtx;

static bool
tcp_field_match(struct DetectThread *dt, const Packet *p, const Signature *s, const void *ctx)
{
    const TcpFieldCtx *f = ctx;
    Cursor tcp;
    uint32_t v;
    uint16_t v16;
    (void)dt, (void)s;
    if (!hdr_tcp(p, &tcp) || !cur_skip(&tcp, f->off)) {
        return false;
    }
    if (f->size == 4) {
        if (!cur_be32(&tcp, &v)) {
            return false;
        }
    } else {
        if (!cur_be16(&tcp, &v16)) {
            return false;
        }
        v = v16;
    }
    return (v == f->v) != f->negated;
}

static void tcp_field_describe(JsonBuf *jb, const void *ctx);
static const DetectSmOps tcp_field_ops = {.match = tcp_field_match, .describe = tcp_field_describe};

static SkResult
tcp_u32_setup(Signature *s, DetectKeywordId kw, const char *name, uint8_t off, const char *arg,
              char *err)
{
    TcpFieldCtx f = {.off = off, .size = 4};
    uint64_t v;
    if (!detect_hdr_parse_dec(arg, UINT32_MAX, &v)) {
        return detect_err(err, "invalid %s value \"%.40s\"", name, arg);
    }
    f.v = (uint32_t)v;
    return detect_hdr_attach(s, kw, &tcp_field_ops, &f, sizeof(f), err);
}

SkResult
kw_seq_setup(Signature *s, const char *arg, char *err)
{
    return tcp_u32_setup(s, DETECT_KW_SEQ, "seq", 4, arg, err);
}

SkResult
kw_ack_setup(Signature *s, const char *arg, char *err)
{
    return tcp_u32_setup(s, DETECT_KW_ACK, "ack", 8, arg, err);
}

SkResult
kw_window_setup(Signature *s, const char *arg, char *err)
{
    TcpFieldCtx f = {.off = 14, .size = 2};
    const char *p = detect_hdr_skip_blanks(arg);
    uint64_t v;
    if (*p == '!') {
        f.negated = true;
        p++;
    }
    if (!detect_hdr_parse_dec(p, UINT16_MAX, &v)) {
        return detect_err(err, "invalid window value \"%.40s\"", arg);
    }
    f.v = (uint32_t)v;
    return detect_hdr_attach(s, DETECT_KW_WINDOW, &tcp_field_ops, &f, sizeof(f), err);
}

/* ---- tcp.mss: the MSS option's value; no option, no match ---- */

static bool
tcp_mss_match(struct DetectThread *dt, const Packet *p, const Signature *s, const void *ctx)
{
    Cursor tcp;
    uint8_t kind;
    uint8_t len;
    uint16_t mss;
    (void)dt, (void)s;
    if (!hdr_tcp(p, &tcp) || !cur_skip(&tcp, TCP_HDR_MIN)) {
        return false;
    }
    while (cur_u8(&tcp, &kind) && kind != 0) { /* 0: end of options */
        if (kind == 1) {                       /* no-op */
            continue;
        }
        if (!cur_u8(&tcp, &len) || len < 2) {
            return false;
        }
        if (kind == 2 && len == 4) {
            return cur_be16(&tcp, &mss) && detect_uint_match(ctx, mss);
        }
        if (!cur_skip(&tcp, len - 2u)) {
            return false;
        }
    }
    return false;
}

static const DetectSmOps tcp_mss_ops = {.match = tcp_mss_match};

SkResult
kw_tcp_mss_setup(Signature *s, const char *arg, char *err)
{
    return detect_hdr_uint_setup(s, DETECT_KW_TCP_MSS, "tcp.mss", &tcp_mss_ops, arg, UINT16_MAX,
                                 err);
}

/* ---- itype, icode: ICMPv4 and ICMPv6 ---- */

static bool
is_icmp(const Packet *p)
{
    return (p->flags & PKT_F_HAS_ICMP)
           && (p->proto == SK_IPPROTO_ICMP || p->proto == SK_IPPROTO_ICMPV6);
}

static bool
itype_match(struct DetectThread *dt, const Packet *p, const Signature *s, const void *ctx)
{
    (void)dt, (void)s;
    return is_icmp(p) && detect_uint_match(ctx, p->icmp_type);
}

static bool
icode_match(struct DetectThread *dt, const Packet *p, const Signature *s, const void *ctx)
{
    (void)dt, (void)s;
    return is_icmp(p) && detect_uint_match(ctx, p->icmp_code);
}

static const DetectSmOps itype_ops = {.match = itype_match};
static void icode_describe(JsonBuf *jb, const void *ctx);
static const DetectSmOps icode_ops = {.match = icode_match, .describe = icode_describe};

SkResult
kw_itype_setup(Signature *s, const char *arg, char *err)
{
    return detect_hdr_uint_setup(s, DETECT_KW_ITYPE, "itype", &itype_ops, arg, UINT8_MAX, err);
}

SkResult
kw_icode_setup(Signature *s, const char *arg, char *err)
{
    return detect_hdr_uint_setup(s, DETECT_KW_ICODE, "icode", &icode_ops, arg, UINT8_MAX, err);
}

/* ---- icmp_id, icmp_seq: the echo-style header's id (bytes 4-5) and sequence (6-7) ---- */

/* Suricata reads them only for the messages that carry them: ICMPv4 echo and echo reply,
 * timestamp, information and address mask requests and replies; ICMPv6 echo request and
 * reply. */
static bool
icmp_has_id(const Packet *p)
{
    if (p->proto == SK_IPPROTO_ICMP) {
        switch (p->icmp_type) {
        case 0:  /* echo reply */
        case 8:  /* echo */
        case 13: /* timestamp */
        case 14:
        case 15: /* information */
        case 16:
        case 17: /* address mask */
        case 18:
            return true;
        default:
            return false;
        }
    }
    return p->proto == SK_IPPROTO_ICMPV6 && (p->icmp_type == 128 || p->icmp_type == 129);
}

typedef struct {
    uint16_t v;
    uint8_t off; /* 4: id, 6: sequence */
} IcmpFieldCtx;

static bool
icmp_field_match(struct DetectThread *dt, const Packet *p, const Signature *s, const void *ctx)
{
    const IcmpFieldCtx *f = ctx;
    Cursor icmp = packet_l4(p);
    uint16_t v;
    (void)dt, (void)s;
    return is_icmp(p) && icmp_has_id(p) && cur_peek_be16(&icmp, f->off, &v) && v == f->v;
}

static void icmp_field_describe(JsonBuf *jb, const void *ctx);
static const DetectSmOps icmp_field_ops = {.match = icmp_field_match,
                                           .describe = icmp_field_describe};

static SkResult
icmp_field_setup(Signature *s, DetectKeywordId kw, const char *what, uint8_t off, const char *arg,
                 char *err)
{
    IcmpFieldCtx f = {.off = off};
    const char *p = detect_hdr_skip_blanks(arg);
    uint64_t v;
    if (!isdigit((unsigned char)*p)) {
        return detect_err(err, "icmp_%s: parse error %.40s", what, arg);
    }
    if (!detect_hdr_parse_dec(p, UINT16_MAX, &v)) {
        return detect_err(err, "specified icmp %s %.40s is not valid", what, arg);
    }
    f.v = (uint16_t)v;
    return detect_hdr_attach(s, kw, &icmp_field_ops, &f, sizeof(f), err);
}

SkResult
kw_icmp_id_setup(Signature *s, const char *arg, char *err)
{
    return icmp_field_setup(s, DETECT_KW_ICMP_ID, "id", 4, arg, err);
}

SkResult
kw_icmp_seq_setup(Signature *s, const char *arg, char *err)
{
    return icmp_field_setup(s, DETECT_KW_ICMP_SEQ, "seq", 6, arg, err);
}

/* ---- dsize: the payload's length ----
 * A rule with dsize tests single packets: Suricata does not inspect it against the reassembled
 * stream (the engine's grouping reads the keyword for that; nothing to do here). */

static bool
dsize_match(struct DetectThread *dt, const Packet *p, const Signature *s, const void *ctx)
{
    (void)dt, (void)s;
    return detect_uint_match(ctx, p->payload_len);
}

static void dsize_describe(JsonBuf *jb, const void *ctx);
static const DetectSmOps dsize_ops = {.match = dsize_match, .describe = dsize_describe};

SkResult
kw_dsize_setup(Signature *s, const char *arg, char *err)
{
    return detect_hdr_uint_setup(s, DETECT_KW_DSIZE, "dsize", &dsize_ops, arg, UINT16_MAX, err);
}

/* ---- --engine-analysis details (analysis.c), in Suricata 8's rules.json names ---- */

/* The shared numeric form as Suricata's JSON spells it: {"equal": 2}, {"range": {...}}. */
static void
uint_describe(JsonBuf *jb, const char *key, const DetectUint *u)
{
    static const char *const mode_key[] = {
        [DU_EQ] = "equal", [DU_LT] = "lt",   [DU_GT] = "gt",       [DU_LE] = "lte",
        [DU_GE] = "gte",   [DU_NE] = "diff", [DU_RANGE] = "range", [DU_NOT_RANGE] = "negated_range",
    };
    json_open_obj(jb, key);
    if (u->mode == DU_RANGE || u->mode == DU_NOT_RANGE) {
        json_open_obj(jb, mode_key[u->mode]);
        json_u64(jb, "min", u->a);
        json_u64(jb, "max", u->b);
        json_close_obj(jb);
    } else if (u->mode < sizeof(mode_key) / sizeof(mode_key[0])) {
        json_u64(jb, mode_key[u->mode], u->a);
    }
    json_close_obj(jb);
}

static void
icode_describe(JsonBuf *jb, const void *ctx)
{
    uint_describe(jb, "code", ctx);
}

static void
dsize_describe(JsonBuf *jb, const void *ctx)
{
    uint_describe(jb, "dsize", ctx);
}

/* seq and ack: {"seq": {"number": N}}; Suricata 8.0.7 writes no details for window. */
static void
tcp_field_describe(JsonBuf *jb, const void *ctx)
{
    const TcpFieldCtx *f = ctx;
    if (f->size != 4) {
        return;
    }
    json_open_obj(jb, f->off == 4 ? "seq" : "ack");
    json_u64(jb, "number", f->v);
    json_close_obj(jb);
}

/* icmp_id only: Suricata 8.0.7 writes no details for icmp_seq. */
static void
icmp_field_describe(JsonBuf *jb, const void *ctx)
{
    const IcmpFieldCtx *f = ctx;
    if (f->off != 4) {
        return;
    }
    json_open_obj(jb, "id");
    json_u64(jb, "number", f->v);
    json_close_obj(jb);
}

bool
detect_flags_needs_syn(const void *ctx, bool *syn_only)
{
    const BitsCtx *b = ctx;
    bool syn = (b->mod == MOD_EXACT || b->mod == MOD_PLUS) && (b->bits & SK_TH_SYN);
    *syn_only = b->mod == MOD_EXACT && b->bits == SK_TH_SYN;
    return syn;
}
