/* header.c: the IP header keywords (ttl, tos, ipopts, fragbits, fragoffset, id, ip_proto,
 * sameip) and buffers (ipv4.hdr, ipv6.hdr); header_l4.c has the TCP, UDP and ICMP ones and
 * dsize. Values and
 * errors as Suricata 8.0.7 takes them (checked against its -T), which is not always what its
 * documentation says: fragoffset refuses '!', window and seq refuse hex, icmp_id takes a plain
 * number only. What decode keeps on the Packet (ttl, proto, tcp_flags, icmp type and code,
 * payload length) is read from there; the rest (tos, IP id, options, fragment bits, TCP
 * sequence numbers, window, MSS, ICMP id and sequence) from the raw headers through cursors:
 * decode already checked the lengths these reads rely on, the cursors still bound them. All are
 * packet tests on DETECT_LIST_MATCH. */
#include "detect/keywords/header_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/proto.h"

/* ---- the raw headers ---- */

/* p's IPv4 header with its options; false when p is not IPv4. */
static bool
hdr_ipv4(const Packet *p, Cursor *out)
{
    Cursor c = cur_init(p->data + p->l3_off, p->l3_len);
    uint8_t vhl;
    if (p->ip_ver != 4 || !cur_peek_u8(&c, 0, &vhl) || (vhl & 0x0fu) * 4u < IPV4_HDR_MIN) {
        return false;
    }
    return cur_take(&c, (vhl & 0x0fu) * 4u, out);
}

/* The fixed 40 bytes and the extension headers after them, up to the transport header (or a
 * fragment's data), as Suricata 8.0.7 gives ipv6.hdr (checked: suricata-verify
 * ipv6-hdr-keyword-02 matches a hop-by-hop header at offset 40). */
static bool
hdr_ipv6(const Packet *p, Cursor *out)
{
    Cursor c = cur_init(p->data + p->l3_off, p->l3_len);
    uint32_t end = (p->flags & PKT_F_FRAGMENT) ? p->frag.data_off
                   : p->l4_len > 0             ? p->l4_off
                                               : p->l3_off + IPV6_HDR_LEN;
    uint32_t len = end > p->l3_off + IPV6_HDR_LEN ? end - p->l3_off : IPV6_HDR_LEN;
    return p->ip_ver == 6 && cur_take(&c, len, out);
}

/* ---- header buffers (header_buffers.def) ---- */

bool
detect_buf_ipv4_hdr(struct DetectThread *dt, const Packet *p, Cursor *out)
{
    (void)dt;
    return hdr_ipv4(p, out);
}

bool
detect_buf_ipv6_hdr(struct DetectThread *dt, const Packet *p, Cursor *out)
{
    (void)dt;
    return hdr_ipv6(p, out);
}

/* ---- shared parsing (header_int.h) ---- */

const char *
detect_hdr_skip_blanks(const char *p)
{
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    return p;
}

bool
detect_hdr_parse_dec(const char *arg, uint64_t max, uint64_t *out)
{
    const char *p = detect_hdr_skip_blanks(arg);
    char *end;
    unsigned long long v;
    if (!isdigit((unsigned char)*p)) {
        return false;
    }
    errno = 0;
    v = strtoull(p, &end, 10);
    if (errno != 0 || v > max || *detect_hdr_skip_blanks(end) != '\0') {
        return false;
    }
    *out = v;
    return true;
}

SkResult
detect_hdr_attach(Signature *s, DetectKeywordId kw, const DetectSmOps *ops, const void *val,
                  size_t size, char *err)
{
    void *ctx = malloc(size);
    if (ctx == NULL) {
        return detect_nomem(err);
    }
    memcpy(ctx, val, size);
    return sig_match_append(s, DETECT_LIST_MATCH, kw, ops, ctx, err);
}

SkResult
detect_hdr_uint_setup(Signature *s, DetectKeywordId kw, const char *name, const DetectSmOps *ops,
                      const char *arg, uint64_t max, char *err)
{
    DetectUint u;
    if (!detect_uint_parse(arg, max, &u, err)) {
        char why[DETECT_ERR_MAX];
        snprintf(why, sizeof(why), "%s", err);
        return detect_err(err, "%s: %s", name, why);
    }
    return detect_hdr_attach(s, kw, ops, &u, sizeof(u), err);
}

/* ---- ttl: IPv4 TTL or IPv6 hop limit ---- */

static bool
ttl_match(struct DetectThread *dt, const Packet *p, const Signature *s, const void *ctx)
{
    (void)dt, (void)s;
    return p->ip_ver != 0 && detect_uint_match(ctx, p->ttl);
}

static const DetectSmOps ttl_ops = {.match = ttl_match};

SkResult
kw_ttl_setup(Signature *s, const char *arg, char *err)
{
    return detect_hdr_uint_setup(s, DETECT_KW_TTL, "ttl", &ttl_ops, arg, UINT8_MAX, err);
}

/* ---- tos: [!]N or [!]xHH, IPv4 only ---- */

typedef struct {
    uint8_t tos;
    bool negated;
} TosCtx;

static bool
tos_match(struct DetectThread *dt, const Packet *p, const Signature *s, const void *ctx)
{
    const TosCtx *t = ctx;
    Cursor ip;
    uint8_t tos;
    (void)dt, (void)s;
    if (!hdr_ipv4(p, &ip) || !cur_peek_u8(&ip, 1, &tos)) {
        return false;
    }
    return (tos == t->tos) != t->negated;
}

static const DetectSmOps tos_ops = {.match = tos_match};

SkResult
kw_tos_setup(Signature *s, const char *arg, char *err)
{
    TosCtx t = {0};
    const char *p = detect_hdr_skip_blanks(arg);
    const char *digits;
    size_t n;
    unsigned long v;
    if (*p == '!') {
        t.negated = true;
        p = detect_hdr_skip_blanks(p + 1);
    }
    /* Suricata's forms: 1 to 3 decimal digits, or 'x' and 1 or 2 hex digits ("0x10" fails). */
    if (*p == 'x' || *p == 'X') {
        digits = p + 1;
        n = strspn(digits, "0123456789abcdefABCDEF");
        v = n >= 1 && n <= 2 ? strtoul(digits, NULL, 16) : 256;
    } else {
        digits = p;
        n = strspn(digits, "0123456789");
        v = n >= 1 && n <= 3 ? strtoul(digits, NULL, 10) : 256;
    }
    if (v > 255 || *detect_hdr_skip_blanks(digits + n) != '\0') {
        return detect_err(err,
                          "invalid tos option - %.40s. The tos option value must be in the "
                          "range 0 - 255",
                          arg);
    }
    t.tos = (uint8_t)v;
    return detect_hdr_attach(s, DETECT_KW_TOS, &tos_ops, &t, sizeof(t), err);
}

/* ---- ipopts: one IPv4 option by name, or any ---- */

enum {
    IPOPT_EOL = 0x0001,
    IPOPT_NOP = 0x0002,
    IPOPT_RR = 0x0004,
    IPOPT_TS = 0x0008,
    IPOPT_SEC = 0x0010,
    IPOPT_ESEC = 0x0020,
    IPOPT_LSRR = 0x0040,
    IPOPT_SSRR = 0x0080,
    IPOPT_SATID = 0x0100,
    IPOPT_OTHER = 0x0200, /* a known option with no ipopts name (QS, CIPSO, router alert) */
    IPOPT_ANY = 0x03ff,   /* every bit above */
};

static const struct {
    const char *name;
    uint16_t bit;
} ipopt_names[] = {
    {"rr", IPOPT_RR},       {"eol", IPOPT_EOL},   {"nop", IPOPT_NOP},   {"ts", IPOPT_TS},
    {"sec", IPOPT_SEC},     {"esec", IPOPT_ESEC}, {"lsrr", IPOPT_LSRR}, {"ssrr", IPOPT_SSRR},
    {"satid", IPOPT_SATID}, {"any", IPOPT_ANY},
};

static uint16_t
ipopt_bit(uint8_t type)
{
    switch (type) {
    case 0:
        return IPOPT_EOL;
    case 1:
        return IPOPT_NOP;
    case 7:
        return IPOPT_RR;
    case 68:
        return IPOPT_TS;
    case 130:
        return IPOPT_SEC;
    case 133:
        return IPOPT_ESEC;
    case 131:
        return IPOPT_LSRR;
    case 137:
        return IPOPT_SSRR;
    case 136:
        return IPOPT_SATID;
    default:
        return IPOPT_OTHER;
    }
}

/* The options present in p's IPv4 header, as IPOPT_ bits. Decode refused headers whose
 * options it could not walk, so a malformed length here only ends the walk. */
static uint16_t
ipopts_present(const Packet *p)
{
    Cursor ip;
    uint16_t set = 0;
    uint8_t type;
    uint8_t len;
    if (!hdr_ipv4(p, &ip) || !cur_skip(&ip, IPV4_HDR_MIN)) {
        return 0;
    }
    while (cur_u8(&ip, &type)) {
        set |= ipopt_bit(type);
        if (type == 0) {
            break;
        }
        if (type == 1) {
            continue;
        }
        if (!cur_u8(&ip, &len) || len < 2 || !cur_skip(&ip, len - 2u)) {
            break;
        }
    }
    return set;
}

static bool
ipopts_match(struct DetectThread *dt, const Packet *p, const Signature *s, const void *ctx)
{
    uint16_t want = *(const uint16_t *)ctx;
    uint16_t set = ipopts_present(p);
    (void)dt, (void)s;
    /* Every wanted bit: for "any" that means every option at once, so in Suricata 8.0.7
     * (checked on packets with RR, EOL, NOPs) ipopts:any matches nothing; so here. */
    return (set & want) == want;
}

static void ipopts_describe(JsonBuf *jb, const void *ctx);
static const DetectSmOps ipopts_ops = {.match = ipopts_match, .describe = ipopts_describe};

SkResult
kw_ipopts_setup(Signature *s, const char *arg, char *err)
{
    const char *p = detect_hdr_skip_blanks(arg);
    for (size_t i = 0; i < sizeof(ipopt_names) / sizeof(ipopt_names[0]); i++) {
        size_t n = strlen(ipopt_names[i].name);
        if (strncasecmp(p, ipopt_names[i].name, n) == 0 && *detect_hdr_skip_blanks(p + n) == '\0') {
            return detect_hdr_attach(s, DETECT_KW_IPOPTS, &ipopts_ops, &ipopt_names[i].bit,
                                     sizeof(uint16_t), err);
        }
    }
    return detect_err(err, "unknown IP option specified \"%.40s\"", arg);
}

/* ---- fragbits: M (more fragments), D (don't fragment), R (reserved), IPv4 only ---- */

#define FRAG_M 0x01 /* the flags field's bits, shifted down by 13 */
#define FRAG_D 0x02
#define FRAG_R 0x04

static bool
fragbits_match(struct DetectThread *dt, const Packet *p, const Signature *s, const void *ctx)
{
    const BitsCtx *b = ctx;
    Cursor ip;
    uint16_t frag;
    (void)dt, (void)s;
    if (!hdr_ipv4(p, &ip) || !cur_peek_be16(&ip, 6, &frag)) {
        return false;
    }
    return detect_hdr_bits_match((uint8_t)(frag >> 13), b->bits, b->mod);
}

static const DetectSmOps fragbits_ops = {.match = fragbits_match};

/* "[+*!]MDR[+*!]": one modifier, before or after. Like Suricata's expression, which is not
 * anchored at the end, anything after the bits is ignored ("M,X" loads). */
SkResult
kw_fragbits_setup(Signature *s, const char *arg, char *err)
{
    BitsCtx b = {0};
    const char *p = detect_hdr_skip_blanks(arg);
    int m = detect_hdr_modifier(*p);
    if (m >= 0) {
        b.mod = (uint8_t)m;
        p = detect_hdr_skip_blanks(p + 1);
    }
    for (; *p == 'M' || *p == 'D' || *p == 'R'; p++) {
        b.bits |= *p == 'M' ? FRAG_M : *p == 'D' ? FRAG_D : FRAG_R;
    }
    if (b.bits == 0) {
        return detect_err(err, "invalid fragbits value \"%.40s\"", arg);
    }
    if (m < 0 && detect_hdr_modifier(*p) >= 0) {
        b.mod = (uint8_t)detect_hdr_modifier(*p);
    }
    return detect_hdr_attach(s, DETECT_KW_FRAGBITS, &fragbits_ops, &b, sizeof(b), err);
}

/* ---- fragoffset: [<>]N ---- */

typedef struct {
    uint16_t off;
    uint8_t mode; /* DU_EQ, DU_LT, DU_GT */
} FragOffCtx;

/* IPv4: the header's 13-bit field as written (units of 8 bytes); IPv6: the fragment header's
 * offset in bytes. The two differ, as in Suricata, which reads the IPv6 field with its low
 * three bits masked rather than shifted. */
static bool
fragoffset_match(struct DetectThread *dt, const Packet *p, const Signature *s, const void *ctx)
{
    const FragOffCtx *f = ctx;
    Cursor ip;
    uint16_t frag;
    (void)dt, (void)s;
    if (hdr_ipv4(p, &ip)) {
        if (!cur_peek_be16(&ip, 6, &frag)) {
            return false;
        }
        frag &= 0x1fff;
    } else if (p->ip_ver == 6 && (p->flags & PKT_F_FRAGMENT)) {
        frag = p->frag.off;
    } else {
        return false;
    }
    return f->mode == DU_LT ? frag < f->off : f->mode == DU_GT ? frag > f->off : frag == f->off;
}

static const DetectSmOps fragoffset_ops = {.match = fragoffset_match};

SkResult
kw_fragoffset_setup(Signature *s, const char *arg, char *err)
{
    FragOffCtx f = {.mode = DU_EQ};
    const char *p = detect_hdr_skip_blanks(arg);
    uint64_t v;
    if (*p == '<' || *p == '>') {
        f.mode = *p == '<' ? DU_LT : DU_GT;
        p++;
    }
    if (!isdigit(
            (unsigned char)*detect_hdr_skip_blanks(p))) { /* '!' too: Suricata 8.0.7 refuses it */
        return detect_err(err, "fragoffset: parse error %.40s", arg);
    }
    if (!detect_hdr_parse_dec(p, UINT16_MAX, &v)) {
        return detect_err(err, "specified frag offset %.40s is not valid",
                          detect_hdr_skip_blanks(p));
    }
    f.off = (uint16_t)v;
    return detect_hdr_attach(s, DETECT_KW_FRAGOFFSET, &fragoffset_ops, &f, sizeof(f), err);
}

/* ---- id: the IPv4 identification ---- */

static bool
id_match(struct DetectThread *dt, const Packet *p, const Signature *s, const void *ctx)
{
    Cursor ip;
    uint16_t id;
    (void)dt, (void)s;
    return hdr_ipv4(p, &ip) && cur_peek_be16(&ip, 4, &id) && id == *(const uint16_t *)ctx;
}

static const DetectSmOps id_ops = {.match = id_match};

SkResult
kw_id_setup(Signature *s, const char *arg, char *err)
{
    uint64_t v;
    uint16_t id;
    if (!detect_hdr_parse_dec(arg, UINT16_MAX, &v)) {
        return detect_err(err,
                          "invalid id option '%.40s'. The id option value must be in the range "
                          "0 - 65535",
                          arg);
    }
    id = (uint16_t)v;
    return detect_hdr_attach(s, DETECT_KW_ID, &id_ops, &id, sizeof(id), err);
}

/* ---- ip_proto: [!<>] number or name ---- */

/* Suricata asks getprotobyname(), that is /etc/protocols: Debian's (netbase) names and
 * aliases, kept here so a rule means the same on every host. */
static const struct {
    const char *name, *alias;
    uint8_t num;
} ip_protos[] = {
    {"ip", "IP", 0},
    {"hopopt", "HOPOPT", 0},
    {"icmp", "ICMP", 1},
    {"igmp", "IGMP", 2},
    {"ggp", "GGP", 3},
    {"ipencap", "IP-ENCAP", 4},
    {"st", "ST", 5},
    {"tcp", "TCP", 6},
    {"egp", "EGP", 8},
    {"igp", "IGP", 9},
    {"pup", "PUP", 12},
    {"udp", "UDP", 17},
    {"hmp", "HMP", 20},
    {"xns-idp", "XNS-IDP", 22},
    {"rdp", "RDP", 27},
    {"iso-tp4", "ISO-TP4", 29},
    {"dccp", "DCCP", 33},
    {"xtp", "XTP", 36},
    {"ddp", "DDP", 37},
    {"idpr-cmtp", "IDPR-CMTP", 38},
    {"ipv6", "IPv6", 41},
    {"ipv6-route", "IPv6-Route", 43},
    {"ipv6-frag", "IPv6-Frag", 44},
    {"idrp", "IDRP", 45},
    {"rsvp", "RSVP", 46},
    {"gre", "GRE", 47},
    {"esp", "IPSEC-ESP", 50},
    {"ah", "IPSEC-AH", 51},
    {"skip", "SKIP", 57},
    {"ipv6-icmp", "IPv6-ICMP", 58},
    {"ipv6-nonxt", "IPv6-NoNxt", 59},
    {"ipv6-opts", "IPv6-Opts", 60},
    {"rspf", "RSPF", 73},
    {"vmtp", "VMTP", 81},
    {"eigrp", "EIGRP", 88},
    {"ospf", "OSPFIGP", 89},
    {"ax.25", "AX.25", 93},
    {"ipip", "IPIP", 94},
    {"etherip", "ETHERIP", 97},
    {"encap", "ENCAP", 98},
    {"pim", "PIM", 103},
    {"ipcomp", "IPCOMP", 108},
    {"vrrp", "VRRP", 112},
    {"l2tp", "L2TP", 115},
    {"isis", "ISIS", 124},
    {"sctp", "SCTP", 132},
    {"fc", "FC", 133},
    {"mobility-header", "Mobility-Header", 135},
    {"udplite", "UDPLite", 136},
    {"mpls-in-ip", "MPLS-in-IP", 137},
    {"manet", NULL, 138},
    {"hip", "HIP", 139},
    {"shim6", "Shim6", 140},
    {"wesp", "WESP", 141},
    {"rohc", "ROHC", 142},
    {"ethernet", "Ethernet", 143},
};

typedef struct {
    uint8_t proto;
    uint8_t mode; /* DU_EQ, DU_NE, DU_LT, DU_GT */
} IpProtoCtx;

/* A fragment's protocol is the fragmented one (IPv6's p->proto says "fragment header"). */
static bool
ip_proto_match(struct DetectThread *dt, const Packet *p, const Signature *s, const void *ctx)
{
    const IpProtoCtx *c = ctx;
    uint8_t proto = (p->flags & PKT_F_FRAGMENT) ? p->frag.proto : p->proto;
    (void)dt, (void)s;
    if (p->ip_ver == 0) {
        return false;
    }
    switch (c->mode) {
    case DU_NE:
        return proto != c->proto;
    case DU_LT:
        return proto < c->proto;
    case DU_GT:
        return proto > c->proto;
    default:
        return proto == c->proto;
    }
}

static const DetectSmOps ip_proto_ops = {.match = ip_proto_match};

SkResult
kw_ip_proto_setup(Signature *s, const char *arg, char *err)
{
    IpProtoCtx c = {.mode = DU_EQ};
    const char *p = detect_hdr_skip_blanks(arg);
    uint64_t v;
    if (*p == '!' || *p == '<' || *p == '>') {
        c.mode = *p == '!' ? DU_NE : *p == '<' ? DU_LT : DU_GT;
        p = detect_hdr_skip_blanks(p + 1);
    }
    if (isdigit((unsigned char)*p)) {
        if (!detect_hdr_parse_dec(p, UINT8_MAX, &v)) {
            return detect_err(err, "Malformed protocol number: %.40s", p);
        }
        c.proto = (uint8_t)v;
    } else {
        size_t i;
        size_t n = sizeof(ip_protos) / sizeof(ip_protos[0]);
        for (i = 0; i < n; i++) {
            if (strcmp(ip_protos[i].name, p) == 0
                || (ip_protos[i].alias != NULL && strcmp(ip_protos[i].alias, p) == 0)) {
                break;
            }
        }
        if (i == n) {
            return detect_err(err, "Unknown protocol name: \"%.40s\"", p);
        }
        c.proto = ip_protos[i].num;
    }
    return detect_hdr_attach(s, DETECT_KW_IP_PROTO, &ip_proto_ops, &c, sizeof(c), err);
}

/* ---- sameip ---- */

static bool
sameip_match(struct DetectThread *dt, const Packet *p, const Signature *s, const void *ctx)
{
    (void)dt, (void)s, (void)ctx;
    return p->ip_ver != 0 && memcmp(p->src.b, p->dst.b, sizeof(p->src.b)) == 0;
}

static const DetectSmOps sameip_ops = {.match = sameip_match};

SkResult
kw_sameip_setup(Signature *s, const char *arg, char *err)
{
    (void)arg;
    return sig_match_append(s, DETECT_LIST_MATCH, DETECT_KW_SAMEIP, &sameip_ops, NULL, err);
}

/* ---- --engine-analysis details (analysis.c) ---- */

static void
ipopts_describe(JsonBuf *jb, const void *ctx)
{
    uint16_t bit = *(const uint16_t *)ctx;
    for (size_t i = 0; i < sizeof(ipopt_names) / sizeof(ipopt_names[0]); i++) {
        if (ipopt_names[i].bit == bit) {
            json_open_obj(jb, "ipopts");
            json_str_plain(jb, "option", ipopt_names[i].name, strlen(ipopt_names[i].name));
            json_close_obj(jb);
            return;
        }
    }
}
