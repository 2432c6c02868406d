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
    qsort(s->r, s->cnt, sizeof(s->r[0]), range_cmp);
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

/* What differs between addresses and ports: the universe and how one element parses. */
typedef struct {
    const CfgNode *cfg;
    const char *var_key; /* "vars.address-groups.*" */
    const char *what;    /* "address", "port" */
    const char *whats;   /* "addresses", "ports" */
    unsigned sets;       /* 2 (v4, v6) or 1 */
    /* Parses one plain element (no "!", "[", "$") into sets[]. */
    bool (*element)(const char *s, size_t len, RangeSet *sets, char *err);
    void (*all)(RangeSet *sets, bool *ok);
    char *err;
} Expr;

static bool expr_parse(const Expr *x, const char *s, size_t len, int depth, RangeSet *out);

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
expr_var(const Expr *x, const char *name, size_t len, int depth, RangeSet *out)
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
    return expr_parse(x, val, strlen(val), depth + 1, out);
}

/* One element, perhaps negated: the caller unions or subtracts it. */
static bool
expr_parse(const Expr *x, const char *s, size_t len, int depth, RangeSet *out)
{
    bool neg = false;

    trim(&s, &len);
    if (depth > DETECT_GROUP_DEPTH + DETECT_VAR_DEPTH) {
        snprintf(x->err, DETECT_ERR_MAX, "%s expression nests too deep", x->what);
        return false;
    }
    if (len > 0 && s[0] == '!') {
        neg = true;
        s++;
        len--;
        trim(&s, &len);
    }
    if (len == 0) {
        snprintf(x->err, DETECT_ERR_MAX, "empty %s", x->what);
        return false;
    }
    if (s[0] == '[') {
        RangeSet pos[2] = {{0}}, negs[2] = {{0}};
        bool have_pos = false;
        size_t i = 1;
        int nest = 0;
        size_t start = 1;
        bool ok = true;

        if (s[len - 1] != ']') {
            snprintf(x->err, DETECT_ERR_MAX, "%s group without its closing ]", x->what);
            return false;
        }
        for (; ok && i < len; i++) {
            if (s[i] == '[') {
                nest++;
            } else if (s[i] == ']' && nest > 0) {
                nest--;
            } else if ((s[i] == ',' && nest == 0) || i == len - 1) {
                const char *e = s + start;
                size_t elen = i - start;
                RangeSet tmp[2] = {{0}};
                bool eneg;
                trim(&e, &elen);
                if (elen == 0) {
                    snprintf(x->err, DETECT_ERR_MAX, "empty element in %s group", x->what);
                    ok = false;
                    break;
                }
                eneg = e[0] == '!';
                ok = expr_parse(x, eneg ? e + 1 : e, eneg ? elen - 1 : elen, depth + 1, tmp);
                for (unsigned k = 0; ok && k < x->sets; k++) {
                    ok = rs_union(eneg ? &negs[k] : &pos[k], &tmp[k]);
                }
                have_pos |= !eneg;
                sets_fini(x, tmp);
                start = i + 1;
            }
        }
        if (ok && nest != 0) {
            snprintf(x->err, DETECT_ERR_MAX, "unbalanced [ ] in %s", x->what);
            ok = false;
        }
        if (ok && !have_pos) {
            x->all(pos, &ok);
        }
        for (unsigned k = 0; ok && k < x->sets; k++) {
            ok = rs_subtract(&pos[k], &negs[k]);
        }
        sets_fini(x, negs);
        if (ok) {
            unsigned n = 0;
            for (unsigned k = 0; k < x->sets; k++) {
                n += pos[k].cnt;
            }
            if (n == 0) {
                snprintf(x->err, DETECT_ERR_MAX, "no %s left after merging %s and negated %s",
                         x->whats, x->whats, x->whats);
                ok = false;
            }
        }
        if (!ok) {
            if (x->err[0] == '\0') {
                snprintf(x->err, DETECT_ERR_MAX, "%s group too large", x->what);
            }
            sets_fini(x, pos);
            return false;
        }
        memcpy(out, pos, sizeof(RangeSet) * x->sets);
    } else if (s[0] == '$') {
        if (!expr_var(x, s + 1, len - 1, depth, out)) {
            return false;
        }
    } else if (len == 3 && memcmp(s, "any", 3) == 0) {
        bool ok = true;
        x->all(out, &ok);
        if (!ok) {
            sets_fini(x, out);
            snprintf(x->err, DETECT_ERR_MAX, "out of memory");
            return false;
        }
    } else if (!x->element(s, len, out, x->err)) {
        sets_fini(x, out);
        return false;
    }
    if (neg) {
        RangeSet all[2] = {{0}};
        bool ok = true;
        unsigned n = 0;
        x->all(all, &ok);
        for (unsigned k = 0; ok && k < x->sets; k++) {
            ok = rs_subtract(&all[k], &out[k]);
            n += all[k].cnt;
        }
        sets_fini(x, out);
        if (!ok || n == 0) {
            sets_fini(x, all);
            snprintf(x->err, DETECT_ERR_MAX,
                     ok ? "complete %s space negated: nothing left" : "out of memory", x->what);
            return false;
        }
        memcpy(out, all, sizeof(RangeSet) * x->sets);
    }
    return true;
}

/* ---- addresses ---- */

static void
addr_all(RangeSet *sets, bool *ok)
{
    U128 v4max = {0, 0xffffffffu};
    U128 v6max = {UINT64_MAX, UINT64_MAX};
    *ok = *ok && rs_push(&sets[0], U128_ZERO, v4max) && rs_push(&sets[1], U128_ZERO, v6max);
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

SkResult
detect_addr_parse(const CfgNode *cfg, const char *text, DetectAddr *out, char *err)
{
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
    if (!expr_parse(&x, text, strlen(text), 0, sets)) {
        return SK_ERR_CONFIG;
    }
    rs_normalize(&sets[0]);
    rs_normalize(&sets[1]);
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

static void
port_all(RangeSet *sets, bool *ok)
{
    U128 max = {0, 65535};
    *ok = *ok && rs_push(&sets[0], U128_ZERO, max);
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
        if ((buf[0] == '\0' && colon[0] == '\0')
            || (buf[0] != '\0' && !cfg_parse_uint(buf, 65535, &lo))
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
    if (!expr_parse(&x, text, strlen(text), 0, &set)) {
        return SK_ERR_CONFIG;
    }
    rs_normalize(&set);
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
