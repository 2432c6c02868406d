/* vars.c: a rule's address and port expressions as sets of ranges. It owns the grammar Suricata
 * documents: any, IPv4 and IPv6 addresses, CIDR ("10.0.0.0/8", a v4 netmask "/255.0.0.0"),
 * ranges ("1.2.3.4-1.2.3.9", ports "80:90", "1024:", ":1023"), groups "[..]" nested, negation
 * "!" of any element, and $VARIABLES from vars.address-groups / vars.port-groups. A group is the
 * union of its plain elements (all values when it has none) minus the union of its negated
 * ones; an expression that leaves nothing is an error, as in Suricata ("!any", "[80,!80]").
 * Every text is walked by index against its length; recursion is bounded by DETECT_VAR_DEPTH
 * and DETECT_GROUP_DEPTH, set sizes by DETECT_RANGES_MAX. */
#include "detect/detect_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const U128 U128_ZERO = {0, 0};

static int
u128_cmp(U128 a, U128 b)
{
    if (a.hi != b.hi) {
        return a.hi < b.hi ? -1 : 1;
    }
    return a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0;
}

static U128
u128_inc(U128 a)
{
    a.lo++;
    if (a.lo == 0) {
        a.hi++;
    }
    return a;
}

static U128
u128_dec(U128 a)
{
    if (a.lo == 0) {
        a.hi--;
    }
    a.lo--;
    return a;
}

/* ---- range sets ---- */

static void
rs_fini(RangeSet *s)
{
    free(s->r);
    memset(s, 0, sizeof(*s));
}

static bool
rs_push(RangeSet *s, U128 lo, U128 hi)
{
    if (s->cnt == s->cap) {
        uint32_t cap = s->cap == 0 ? 4 : s->cap * 2;
        DetectRange *r;
        if (s->cnt >= DETECT_RANGES_MAX) {
            return false;
        }
        r = realloc(s->r, (size_t)cap * sizeof(*r));
        if (r == NULL) {
            return false;
        }
        s->r = r;
        s->cap = cap;
    }
    s->r[s->cnt].lo = lo;
    s->r[s->cnt].hi = hi;
    s->cnt++;
    return true;
}

static int
range_cmp(const void *a, const void *b)
{
    return u128_cmp(((const DetectRange *)a)->lo, ((const DetectRange *)b)->lo);
}

/* Sorts and merges overlapping or adjacent ranges. */
static void
rs_normalize(RangeSet *s)
{
    uint32_t o = 0;
    if (s->cnt == 0) {
        return;
    }
    if (s->cnt > 1) {
        qsort(s->r, s->cnt, sizeof(s->r[0]), range_cmp);
    }
    for (uint32_t i = 1; i < s->cnt; i++) {
        DetectRange *cur = &s->r[o];
        /* adjacent when next.lo == cur.hi + 1; cur.hi + 1 wraps only at the top, where
         * nothing can follow */
        if (u128_cmp(s->r[i].lo, cur->hi) <= 0 || u128_cmp(s->r[i].lo, u128_inc(cur->hi)) == 0) {
            if (u128_cmp(s->r[i].hi, cur->hi) > 0) {
                cur->hi = s->r[i].hi;
            }
        } else {
            s->r[++o] = s->r[i];
        }
    }
    s->cnt = o + 1;
}

static bool
rs_union(RangeSet *a, const RangeSet *b)
{
    for (uint32_t i = 0; i < b->cnt; i++) {
        if (!rs_push(a, b->r[i].lo, b->r[i].hi)) {
            return false;
        }
    }
    rs_normalize(a);
    return true;
}

/* a := a minus b; both normalized. */
static bool
rs_subtract(RangeSet *a, const RangeSet *b)
{
    RangeSet out = {0};
    uint32_t j = 0;
    for (uint32_t i = 0; i < a->cnt; i++) {
        U128 lo = a->r[i].lo;
        U128 hi = a->r[i].hi;
        bool open = true;
        while (j < b->cnt && u128_cmp(b->r[j].hi, lo) < 0) {
            j++;
        }
        for (uint32_t k = j; k < b->cnt && u128_cmp(b->r[k].lo, hi) <= 0; k++) {
            if (u128_cmp(b->r[k].lo, lo) > 0 && !rs_push(&out, lo, u128_dec(b->r[k].lo))) {
                rs_fini(&out);
                return false;
            }
            if (u128_cmp(b->r[k].hi, hi) >= 0) {
                open = false;
                break;
            }
            lo = u128_inc(b->r[k].hi);
        }
        if (open && !rs_push(&out, lo, hi)) {
            rs_fini(&out);
            return false;
        }
    }
    rs_fini(a);
    *a = out;
    return true;
}

static bool
rs_has(const RangeSet *s, U128 v)
{
    uint32_t lo = 0, hi = s->cnt;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (u128_cmp(s->r[mid].hi, v) < 0) {
            lo = mid + 1;
        } else if (u128_cmp(s->r[mid].lo, v) > 0) {
            hi = mid;
        } else {
            return true;
        }
    }
    return false;
}

/* ---- shared expression walk ---- */

/* What differs between addresses and ports: the families and how one element parses. */
typedef struct {
    const CfgNode *cfg;
    const char *var_key; /* "vars.address-groups.*" */
    const char *what;    /* "address", "port" */
    const char *whats;   /* "addresses", "ports" */
    unsigned sets;       /* 2 (v4, v6) or 1 */
    /* Parses one plain element (no "!", "[", "$") into sets[]. */
    bool (*element)(const char *s, size_t len, RangeSet *sets, char *err);
    bool (*all)(RangeSet *set, unsigned family); /* the whole family into set */
    char *err;
} Expr;

static bool expr_add(const Expr *x, const char *s, size_t len, bool negate, int depth,
                     RangeSet *pos, RangeSet *neg);

static void
sets_fini(const Expr *x, RangeSet *sets)
{
    for (unsigned i = 0; i < x->sets; i++) {
        rs_fini(&sets[i]);
    }
}

static void
trim(const char **s, size_t *len)
{
    while (*len > 0 && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t')) {
        (*len)--;
    }
}

static bool
nomem(const Expr *x)
{
    snprintf(x->err, DETECT_ERR_MAX, "out of memory (or more than %d ranges) in a %s",
             DETECT_RANGES_MAX, x->what);
    return false;
}

/* Suricata's merge of a group's plain and negated parts: a family with negated values and no
 * plain ones starts from the whole family (so "[!1.1.1.1]" is every IPv4 address but one, and
 * no IPv6 one, and "!$HOME_NET" holds no IPv6 address when HOME_NET has none); then the
 * negated values are removed. Nothing left is an error. The result is in pos. */
static bool
merge_not(const Expr *x, RangeSet *pos, RangeSet *neg)
{
    unsigned left = 0;
    bool filled = true;
    for (unsigned k = 0; k < x->sets; k++) {
        rs_normalize(&pos[k]);
        rs_normalize(&neg[k]);
        if (pos[k].cnt == 0 && neg[k].cnt > 0) {
            if (!x->all(&pos[k], k)) {
                return nomem(x);
            }
        } else if (pos[k].cnt > 0) {
            filled = false;
        }
        if (!rs_subtract(&pos[k], &neg[k])) {
            return nomem(x);
        }
        left += pos[k].cnt;
    }
    if (left == 0) {
        if (filled) {
            snprintf(x->err, DETECT_ERR_MAX, "complete %s space negated: nothing left", x->what);
        } else {
            snprintf(x->err, DETECT_ERR_MAX, "no %s left after merging %s and negated %s", x->whats,
                     x->whats, x->whats);
        }
        return false;
    }
    return true;
}

static bool
expr_var(const Expr *x, const char *name, size_t len, bool negate, int depth, RangeSet *pos,
         RangeSet *neg)
{
    char nm[128];
    char key[CFG_PATH_MAX];
    const char *fill[1];
    const char *val;

    if (len == 0 || len >= sizeof(nm)) {
        snprintf(x->err, DETECT_ERR_MAX, "bad variable name in %s", x->what);
        return false;
    }
    memcpy(nm, name, len);
    nm[len] = '\0';
    fill[0] = nm;
    if (depth >= DETECT_VAR_DEPTH) {
        snprintf(x->err, DETECT_ERR_MAX, "variable \"%s\" nests too deep (a loop?)", nm);
        return false;
    }
    val = cfg_path_fill(key, x->var_key, fill, 1) ? cfg_scalar(cfg_find(x->cfg, key)) : NULL;
    if (val == NULL) {
        snprintf(x->err, DETECT_ERR_MAX, "variable \"%s\" is not defined in the configuration", nm);
        return false;
    }
    /* As Suricata: the value stands in for the name, so a "!" in it negates in place. */
    return expr_add(x, val, strlen(val), negate, depth + 1, pos, neg);
}

/* Each element of "[a,b,...]" (s: inside the brackets) into pos/neg. */
static bool
group_items(const Expr *x, const char *s, size_t len, int depth, RangeSet *pos, RangeSet *neg)
{
    int nest = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] == '[') {
            nest++;
        } else if (i < len && s[i] == ']') {
            if (nest == 0) {
                snprintf(x->err, DETECT_ERR_MAX, "unbalanced [ ] in %s", x->what);
                return false;
            }
            nest--;
        } else if (i == len || (s[i] == ',' && nest == 0)) {
            const char *e = s + start;
            size_t elen = i - start;
            trim(&e, &elen);
            if (elen == 0) {
                snprintf(x->err, DETECT_ERR_MAX, "empty element in %s group", x->what);
                return false;
            }
            if (!expr_add(x, e, elen, false, depth + 1, pos, neg)) {
                return false;
            }
            start = i + 1;
        }
    }
    if (nest != 0) {
        snprintf(x->err, DETECT_ERR_MAX, "unbalanced [ ] in %s", x->what);
        return false;
    }
    return true;
}

/* Adds one expression to pos, or to neg when negated. Plain groups are flattened into their
 * parent, as in Suricata; a negated group is merged on its own first and its result negated. */
static bool
expr_add(const Expr *x, const char *s, size_t len, bool negate, int depth, RangeSet *pos,
         RangeSet *neg)
{
    RangeSet *to;

    trim(&s, &len);
    if (depth > DETECT_GROUP_DEPTH + DETECT_VAR_DEPTH) {
        snprintf(x->err, DETECT_ERR_MAX, "%s expression nests too deep", x->what);
        return false;
    }
    while (len > 0 && s[0] == '!') {
        negate = !negate;
        s++;
        len--;
        trim(&s, &len);
    }
    if (len == 0) {
        snprintf(x->err, DETECT_ERR_MAX, "empty %s", x->what);
        return false;
    }
    to = negate ? neg : pos;
    if (s[0] == '[') {
        RangeSet tp[2] = {{0}}, tn[2] = {{0}};
        bool ok;
        if (s[len - 1] != ']' || len < 2) {
            snprintf(x->err, DETECT_ERR_MAX, "%s group without its closing ]", x->what);
            return false;
        }
        if (!negate) {
            return group_items(x, s + 1, len - 2, depth, pos, neg);
        }
        ok = group_items(x, s + 1, len - 2, depth, tp, tn) && merge_not(x, tp, tn);
        for (unsigned k = 0; ok && k < x->sets; k++) {
            ok = rs_union(&neg[k], &tp[k]) || nomem(x);
        }
        sets_fini(x, tp);
        sets_fini(x, tn);
        return ok;
    }
    if (s[0] == '$') {
        return expr_var(x, s + 1, len - 1, negate, depth, pos, neg);
    }
    if (len == 3 && memcmp(s, "any", 3) == 0) {
        for (unsigned k = 0; k < x->sets; k++) {
            if (!x->all(&to[k], k)) {
                return nomem(x);
            }
        }
        return true;
    }
    return x->element(s, len, to, x->err);
}

static bool
expr_parse(const Expr *x, const char *text, RangeSet *out)
{
    RangeSet neg[2] = {{0}};
    bool ok = expr_add(x, text, strlen(text), false, 0, out, neg) && merge_not(x, out, neg);
    sets_fini(x, neg);
    if (!ok) {
        sets_fini(x, out);
    }
    return ok;
}

/* ---- addresses ---- */

static bool
addr_all(RangeSet *set, unsigned family)
{
    U128 v4max = {0, 0xffffffffu};
    U128 v6max = {UINT64_MAX, UINT64_MAX};
    return rs_push(set, U128_ZERO, family == 0 ? v4max : v6max);
}

static U128
v6_u128(const uint8_t b[16])
{
    U128 v = {0, 0};
    for (int i = 0; i < 8; i++) {
        v.hi = v.hi << 8 | b[i];
        v.lo = v.lo << 8 | b[8 + i];
    }
    return v;
}

/* One address, CIDR or range, into sets[0] (v4) or sets[1] (v6). */
static bool
addr_element(const char *s, size_t len, RangeSet *sets, char *err)
{
    char buf[128];
    char *slash, *dash;
    uint8_t a6[16], b6[16];
    struct in_addr a4, b4;

    if (len >= sizeof(buf)) {
        snprintf(err, DETECT_ERR_MAX, "failed to parse address (too long)");
        return false;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    slash = strchr(buf, '/');
    dash = strchr(buf, '-');
    if (slash != NULL) {
        *slash++ = '\0';
    } else if (dash != NULL) {
        *dash++ = '\0';
    }
    if (inet_pton(AF_INET, buf, &a4) == 1) {
        U128 lo = {0, ntohl(a4.s_addr)};
        U128 hi = lo;
        if (slash != NULL) {
            uint64_t bits;
            uint32_t mask;
            if (cfg_parse_uint(slash, 32, &bits)) {
                mask = bits == 0 ? 0 : 0xffffffffu << (32 - bits);
            } else if (inet_pton(AF_INET, slash, &b4) == 1) {
                mask = ntohl(b4.s_addr);
                if ((uint32_t)(~mask & (~mask + 1)) != 0) { /* not 1...10...0 */
                    goto bad;
                }
            } else {
                goto bad;
            }
            lo.lo &= mask;
            hi.lo = lo.lo | (~mask & 0xffffffffu);
        } else if (dash != NULL) {
            if (inet_pton(AF_INET, dash, &b4) != 1) {
                goto bad;
            }
            hi.lo = ntohl(b4.s_addr);
            if (hi.lo < lo.lo) {
                goto bad;
            }
        }
        return rs_push(&sets[0], lo, hi) || (snprintf(err, DETECT_ERR_MAX, "out of memory"), 0);
    }
    if (inet_pton(AF_INET6, buf, a6) == 1) {
        U128 lo = v6_u128(a6);
        U128 hi = lo;
        if (slash != NULL) {
            uint64_t bits;
            if (!cfg_parse_uint(slash, 128, &bits)) {
                goto bad;
            }
            for (unsigned i = (unsigned)bits; i < 128; i++) {
                uint64_t bit = (uint64_t)1 << (i < 64 ? 63 - i : 127 - i);
                if (i < 64) {
                    lo.hi &= ~bit;
                    hi.hi |= bit;
                } else {
                    lo.lo &= ~bit;
                    hi.lo |= bit;
                }
            }
        } else if (dash != NULL) {
            if (inet_pton(AF_INET6, dash, b6) != 1) {
                goto bad;
            }
            hi = v6_u128(b6);
            if (u128_cmp(hi, lo) < 0) {
                goto bad;
            }
        }
        return rs_push(&sets[1], lo, hi) || (snprintf(err, DETECT_ERR_MAX, "out of memory"), 0);
    }
bad:
    snprintf(err, DETECT_ERR_MAX, "failed to parse address \"%.*s\"", (int)len, s);
    return false;
}

/* Suricata takes a bare list in a rule header ("10.0.0.0/8,172.16.0.0/12") as the group it
 * would be in brackets: the text to parse, bracketed when it is such a list, in buf. */
static const char *
bare_list_bracket(const char *text, char *buf, size_t len)
{
    size_t n = strlen(text);
    if (text[0] == '[' || strchr(text, ',') == NULL || n + 3 > len) {
        return text;
    }
    snprintf(buf, len, "[%s]", text);
    return buf;
}

SkResult
detect_addr_parse(const CfgNode *cfg, const char *text, DetectAddr *out, char *err)
{
    char wrapped[4096];
    RangeSet sets[2] = {{0}};
    Expr x = {.cfg = cfg,
              .var_key = "vars.address-groups.*",
              .what = "address",
              .whats = "addresses",
              .sets = 2,
              .element = addr_element,
              .all = addr_all,
              .err = err};
    err[0] = '\0';
    text = bare_list_bracket(text, wrapped, sizeof(wrapped));
    if (!expr_parse(&x, text, sets)) {
        return SK_ERR_CONFIG;
    }
    out->v4 = sets[0];
    out->v6 = sets[1];
    return SK_OK;
}

void
detect_addr_fini(DetectAddr *a)
{
    rs_fini(&a->v4);
    rs_fini(&a->v6);
}

bool
detect_addr_has_v4(const DetectAddr *a, uint32_t ip)
{
    U128 v = {0, ip};
    return rs_has(&a->v4, v);
}

bool
detect_addr_has_v6(const DetectAddr *a, const uint8_t ip[16])
{
    return rs_has(&a->v6, v6_u128(ip));
}

/* ---- ports ---- */

static bool
port_all(RangeSet *set, unsigned family)
{
    U128 max = {0, 65535};
    (void)family;
    return rs_push(set, U128_ZERO, max);
}

/* "80", "80:90", "1024:", ":1023". */
static bool
port_element(const char *s, size_t len, RangeSet *sets, char *err)
{
    char buf[16];
    char *colon;
    uint64_t lo = 0, hi = 65535;

    if (len >= sizeof(buf)) {
        goto bad;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    colon = strchr(buf, ':');
    if (colon != NULL) {
        *colon++ = '\0';
        /* ":" alone is every port, as Suricata reads it */
        if ((buf[0] != '\0' && !cfg_parse_uint(buf, 65535, &lo))
            || (colon[0] != '\0' && !cfg_parse_uint(colon, 65535, &hi)) || hi < lo) {
            goto bad;
        }
    } else if (cfg_parse_uint(buf, 65535, &lo)) {
        hi = lo;
    } else {
        goto bad;
    }
    {
        U128 a = {0, lo}, b = {0, hi};
        if (!rs_push(&sets[0], a, b)) {
            snprintf(err, DETECT_ERR_MAX, "out of memory");
            return false;
        }
    }
    return true;
bad:
    snprintf(err, DETECT_ERR_MAX, "failed to parse port \"%.*s\"", (int)len, s);
    return false;
}

SkResult
detect_ports_parse(const CfgNode *cfg, const char *text, DetectPorts *out, char *err)
{
    char wrapped[4096];
    RangeSet set = {0};
    Expr x = {.cfg = cfg,
              .var_key = "vars.port-groups.*",
              .what = "port",
              .whats = "ports",
              .sets = 1,
              .element = port_element,
              .all = port_all,
              .err = err};
    err[0] = '\0';
    text = bare_list_bracket(text, wrapped, sizeof(wrapped));
    if (!expr_parse(&x, text, &set)) {
        return SK_ERR_CONFIG;
    }
    out->set = set;
    return SK_OK;
}

void
detect_ports_fini(DetectPorts *p)
{
    rs_fini(&p->set);
}

bool
detect_ports_has(const DetectPorts *p, uint16_t port)
{
    U128 v = {0, port};
    return rs_has(&p->set, v);
}

bool
detect_addr_has_pkt(const DetectAddr *a, uint8_t ip_ver, const SkAddr *x)
{
    if (ip_ver == 4) {
        uint32_t v =
            (uint32_t)x->b[0] << 24 | (uint32_t)x->b[1] << 16 | (uint32_t)x->b[2] << 8 | x->b[3];
        return detect_addr_has_v4(a, v);
    }
    if (ip_ver == 6) {
        return detect_addr_has_v6(a, x->b);
    }
    return a->v4.cnt > 0 && a->v6.cnt > 0 && detect_addr_has_v4(a, 0)
           && detect_addr_has_v4(a, UINT32_MAX);
}
