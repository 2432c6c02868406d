/* parse.c: rule text to Signature, and rule files to a rule set. It owns Suricata's rule
 * grammar above the keywords: the header (action, protocol, addresses, ports, direction), the
 * option list "(key:value; key;)" with Suricata's escaping (a backslash keeps the next
 * character, so "\;" does not end a value), continuation lines (a trailing backslash) and
 * comments. Keywords parse their own values (keywords/, listed in keywords.def). Load counts
 * follow Suricata's summary: a rule is loaded, or failed (logged once as "file:line: sid N:
 * reason"); a rule using a keyword sekimori lacks also counts failed, as Suricata counts an
 * unknown keyword, and its keywords are tallied for the summary's second line. */
#include "detect/detect.h"
#include "detect/detect_int.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <strings.h>

#include "core/log.h"

#define RULE_FILE_MAX ((size_t)1 << 30) /* bytes of one rule file */
#define UNSUP_NAMES_MAX 1024            /* distinct unsupported names tallied */
#define SID_TABLE_MIN 1024

const DetectKeyword detect_keywords[DETECT_KW_MAX] = {
#define KEYWORD(id, kwname, kwflags, kwsetup)                                                      \
    [id] = {.name = kwname, .flags = kwflags, .setup = kwsetup},
#include "detect/keywords.def"
#undef KEYWORD
};

const DetectBuffer detect_buffers[DETECT_LIST_MAX] = {
#define BUFFER(id, bname, bflags, bget) [id] = {.name = bname, .flags = bflags, .get = bget},
#define TX_BUFFER(id, bname, bproto, bdir, bget)                                                   \
    [id] = {.name = bname, .flags = DETECT_BUF_TX, .alproto = bproto, .dir = bdir, .get_tx = bget},
#include "detect/buffers.def"
#undef TX_BUFFER
#undef BUFFER
};

static void fail(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
fail(char *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, DETECT_ERR_MAX, fmt, ap);
    va_end(ap);
}

static bool
is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static const DetectKeyword *
keyword_find(const char *name, DetectKeywordId *id)
{
    for (int i = 0; i < DETECT_KW_MAX; i++) {
        if (strcmp(detect_keywords[i].name, name) == 0) {
            if (!detect_keyword_available((DetectKeywordId)i)) {
                return NULL;
            }
            *id = (DetectKeywordId)i;
            return &detect_keywords[i];
        }
    }
    return NULL;
}

int
detect_buffer_find(const char *name)
{
    name = detect_buffer_alias(name);
    for (int i = DETECT_LIST_FIRST_BUFFER; i < DETECT_LIST_MAX; i++) {
        if (strcmp(detect_buffers[i].name, name) == 0) {
            return i;
        }
    }
    return -1;
}

void
detect_keywords_print(FILE *out)
{
    for (int i = 0; i < DETECT_KW_MAX; i++) {
        if (!detect_keyword_available((DetectKeywordId)i)) {
            continue;
        }
        fprintf(out, "%s\n", detect_keywords[i].name);
    }
    for (int i = DETECT_LIST_FIRST_BUFFER; i < DETECT_LIST_MAX; i++) {
        fprintf(out, "%s\n", detect_buffers[i].name);
    }
    detect_buffer_aliases_print(out);
}

SkResult
detect_err(char *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, DETECT_ERR_MAX, fmt, ap);
    va_end(ap);
    return SK_ERR_CONFIG;
}

SkResult
detect_nomem(char *err)
{
    snprintf(err, DETECT_ERR_MAX, "out of memory");
    return SK_ERR_NOMEM;
}

static void
sm_ctx_free(const SigMatch *sm)
{
    if (sm->ops != NULL && sm->ops->free != NULL) {
        sm->ops->free(sm->ctx);
    } else {
        free(sm->ctx);
    }
}

SkResult
sig_match_append(Signature *s, unsigned list, DetectKeywordId kw, const DetectSmOps *ops, void *ctx,
                 char *err)
{
    SigMatchList *l = &s->lists[list];
    SigMatch sm = {.kw = kw, .ops = ops, .ctx = ctx};
    if (l->cnt == l->cap) {
        uint32_t cap = l->cap == 0 ? 4 : l->cap * 2;
        SigMatch *n = NULL;
        if (l->cnt < DETECT_OPTS_MAX) {
            n = realloc(l->sm, cap * sizeof(*n));
        }
        if (n == NULL) {
            sm_ctx_free(&sm);
            return l->cnt >= DETECT_OPTS_MAX ? detect_err(err, "too many matches in one rule")
                                             : detect_nomem(err);
        }
        l->sm = n;
        l->cap = (uint16_t)cap;
    }
    l->sm[l->cnt++] = sm;
    return SK_OK;
}

SkResult
detect_tx_keyword_add(Signature *s, DetectKeywordId kw, const DetectSmOps *ops, void *ctx,
                      unsigned alproto, uint8_t dirs, char *err)
{
    SkResult r = sig_match_append(s, DETECT_LIST_TXMATCH, kw, ops, ctx, err);
    if (r != SK_OK) {
        return r;
    }
    if (s->txkw_alproto == 0) {
        s->txkw_alproto = (int16_t)alproto;
    } else if (s->txkw_alproto != (int16_t)alproto) {
        s->txkw_alproto = -1;
    }
    s->txkw_dirs |= dirs;
    return SK_OK;
}

SigMatch *
sig_match_last(Signature *s, unsigned list, DetectKeywordId kw)
{
    SigMatchList *l = &s->lists[list];
    for (uint32_t i = l->cnt; i-- > 0;) {
        if (kw == DETECT_KW_MAX || l->sm[i].kw == kw) {
            return &l->sm[i];
        }
    }
    return NULL;
}

int
sig_var_find(const Signature *s, const char *name)
{
    for (int i = 0; i < s->var_cnt; i++) {
        if (strcmp(s->var_names[i], name) == 0) {
            return i;
        }
    }
    return -1;
}

/* ---- helpers the keywords share ---- */

bool
detect_parse_int(const char *arg, int64_t min, int64_t max, int64_t *out)
{
    return cfg_parse_int(arg, min, max, out); /* the config's rule: sign and digits only */
}

bool
detect_unquote(const char *arg, const char *kw, char **out, char *err)
{
    size_t len = strlen(arg);
    size_t o = 0;
    char *s;

    if (len == 0 || arg[0] != '"') {
        fail(err, "invalid formatting to %s keyword: value must be double quoted", kw);
        return false;
    }
    if (len < 2 || arg[len - 1] != '"'
        || (len >= 3 && arg[len - 2] == '\\' && (len < 4 || arg[len - 3] != '\\'))) {
        fail(err, "bad option value formatting (possible missing semicolon) for keyword %s", kw);
        return false;
    }
    if (len == 2) {
        fail(err, "bad input for keyword %s: '\"\"'", kw);
        return false;
    }
    s = malloc(len);
    if (s == NULL) {
        fail(err, "out of memory");
        return false;
    }
    for (size_t i = 1; i + 1 < len; i++) {
        if (arg[i] == '\\' && i + 2 < len) {
            i++;
        }
        s[o++] = arg[i];
    }
    s[o] = '\0';
    *out = s;
    return true;
}

/* ---- Signature ---- */

void
sig_free(Signature *s)
{
    if (s == NULL) {
        return;
    }
    detect_addr_fini(&s->src);
    detect_addr_fini(&s->dst);
    detect_ports_fini(&s->sp);
    detect_ports_fini(&s->dp);
    free(s->msg);
    free(s->raw);
    free(s->classtype);
    for (uint32_t i = 0; i < s->ref_cnt; i++) {
        free(s->refs[i]);
    }
    free(s->refs);
    for (uint32_t i = 0; i < s->meta_cnt; i++) {
        free(s->metadata[i]);
    }
    free(s->metadata);
    for (int l = 0; l < DETECT_LIST_MAX; l++) {
        for (uint32_t i = 0; i < s->lists[l].cnt; i++) {
            sm_ctx_free(&s->lists[l].sm[i]);
        }
        free(s->lists[l].sm);
        for (uint32_t i = 0; i < s->lists[l].xform_cnt; i++) {
            detect_transform_free(s->lists[l].xform[i].id, s->lists[l].xform[i].ctx);
        }
        free(s->lists[l].xform);
    }
    for (uint32_t i = 0; i < s->var_cnt; i++) {
        free(s->var_names[i]);
    }
    detect_threshold_free(s->threshold);
    detect_threshold_free(s->detection_filter);
    free(s);
}

void
sig_parse_info_fini(SigParseInfo *info)
{
    free(info->copy);
    info->copy = NULL;
}

static const struct {
    const char *name;
    SigAction act;
} actions[] = {
    {"alert", SIG_ACT_ALERT},
    {"pass", SIG_ACT_PASS},
    {"drop", SIG_ACT_DROP},
    {"reject", SIG_ACT_REJECT},
    {"rejectsrc", SIG_ACT_REJECTSRC},
    {"rejectdst", SIG_ACT_REJECTDST},
    {"rejectboth", SIG_ACT_REJECTBOTH},
};

static const struct {
    const char *name;
    SigProto proto;
} protos[] = {
    {"ip", SIG_PROTO_IP},           {"pkthdr", SIG_PROTO_IP},
    {"tcp", SIG_PROTO_TCP},         {"udp", SIG_PROTO_UDP},
    {"icmp", SIG_PROTO_ICMP},       {"icmpv4", SIG_PROTO_ICMPV4},
    {"icmpv6", SIG_PROTO_ICMPV6},   {"sctp", SIG_PROTO_SCTP},
    {"tcp-pkt", SIG_PROTO_TCP_PKT}, {"tcp-stream", SIG_PROTO_TCP_STREAM},
    {"ipv4", SIG_PROTO_IPV4},       {"ipv6", SIG_PROTO_IPV6},
};

/* Suricata 8's application protocols as rule headers name them (its app-layer registry); they
 * are accepted now and matched once the app layer exists. */
static const char *const app_protos[] = {
    "http",     "http1",    "http2",  "ftp",  "ftp-data",  "smtp", "tls",  "ssh",  "imap",
    "pop3",     "smb",      "dcerpc", "dns",  "modbus",    "enip", "dnp3", "nfs",  "ntp",
    "tftp",     "ikev2",    "ike",    "krb5", "dhcp",      "snmp", "sip",  "rfb",  "mqtt",
    "pgsql",    "telnet",   "rdp",    "quic", "websocket", "ldap", "doh2", "mdns", "bittorrent-dht",
    "template", "http-any", "failed", "cip",  "pop",       "ssl",
};

static bool
proto_parse(const char *name, Signature *s)
{
    for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
        if (strcasecmp(protos[i].name, name) == 0) { /* Suricata: "IP" is "ip" */
            s->proto = protos[i].proto;
            return true;
        }
    }
    for (size_t i = 0; i < sizeof(app_protos) / sizeof(app_protos[0]); i++) {
        if (strcmp(app_protos[i], name) == 0) {
            s->proto = SIG_PROTO_APP;
            snprintf(s->app_proto, sizeof(s->app_proto), "%s", name);
            return true;
        }
    }
    return false;
}

/* Copies the next header token into *out (NUL-terminated; the caller sized it): blanks or
 * "(" end it, except inside [ ]. NULL at the options or the end. */
static char *
next_token(const char **pp, const char *end, char **out)
{
    const char *p = *pp;
    char *t = *out;
    int nest = 0;
    while (p < end && is_blank(*p)) {
        p++;
    }
    if (p == end || *p == '(') {
        *pp = p;
        return NULL;
    }
    while (p < end && (nest > 0 || (!is_blank(*p) && *p != '('))) {
        if (*p == '[') {
            nest++;
        } else if (*p == ']' && nest > 0) {
            nest--;
        }
        *(*out)++ = *p++;
    }
    *(*out)++ = '\0';
    *pp = p;
    return t;
}

typedef struct {
    char *name;
    char *value; /* NULL: none given */
} SigOpt;

/* Splits "(k:v; k; ...)" in place. The value runs to the first ';' not escaped by '\'. */
static bool
options_split(char *p, char *end, SigOpt *opts, unsigned *cnt, char *err)
{
    while (end > p && is_blank(end[-1])) {
        end--;
    }
    while (p < end && is_blank(*p)) {
        p++;
    }
    if (p == end || *p != '(') {
        fail(err, "no rule options: expected '(' after the header");
        return false;
    }
    p++;
    if (end > p && end[-1] == ')') {
        end--;
    }
    *cnt = 0;
    for (;;) {
        char *name, *q;
        while (p < end && is_blank(*p)) {
            p++;
        }
        if (p == end) {
            return true;
        }
        if (*cnt == DETECT_OPTS_MAX) {
            fail(err, "more than %d options", DETECT_OPTS_MAX);
            return false;
        }
        name = p;
        while (p < end && *p != ':' && *p != ';') {
            p++;
        }
        if (p == end) {
            fail(err, "no terminating \";\" found");
            return false;
        }
        q = p;
        while (q > name && is_blank(q[-1])) {
            q--;
        }
        opts[*cnt].value = NULL;
        if (*p == ':') {
            char *v = p + 1;
            bool esc = false;
            *q = '\0';
            for (p = v; p < end; p++) {
                if (esc) {
                    esc = false;
                } else if (*p == '\\') {
                    esc = true;
                } else if (*p == ';') {
                    break;
                }
            }
            if (p == end) {
                fail(err, "no terminating \";\" found");
                return false;
            }
            q = p;
            while (v < q && is_blank(*v)) {
                v++;
            }
            while (q > v && is_blank(q[-1])) {
                q--;
            }
            *q = '\0';
            opts[*cnt].value = v;
        } else {
            *q = '\0';
        }
        p++; /* past ';' */
        if (name[0] == '\0') {
            fail(err, "unknown rule keyword ''.");
            return false;
        }
        opts[*cnt].name = name;
        (*cnt)++;
    }
}

static bool
kw_seen(Signature *s, DetectKeywordId id)
{
    uint32_t bit = 1u << (id % 32);
    bool seen = (s->seen_kw[id / 32] & bit) != 0;
    s->seen_kw[id / 32] |= bit;
    return seen;
}

SigParseStatus
sig_parse(const CfgNode *cfg, const char *text, size_t len, Signature **out, SigParseInfo *info)
{
    SigOpt *opts = NULL;
    unsigned opt_cnt = 0;
    Signature *s = NULL;
    char *p, *end, *tok[7];
    SigParseStatus st = SIG_PARSE_FAILED;
    DetectKeywordId ids[DETECT_OPTS_MAX];

    memset(info, 0, sizeof(*info));
    *out = NULL;
    if (len > DETECT_RULE_MAX) {
        fail(info->err, "rule longer than %d bytes", DETECT_RULE_MAX);
        return SIG_PARSE_FAILED;
    }
    info->copy = malloc(2 * len + 16); /* the rule, then its header tokens */
    opts = calloc(DETECT_OPTS_MAX, sizeof(*opts));
    s = calloc(1, sizeof(*s));
    if (info->copy == NULL || opts == NULL || s == NULL) {
        st = SIG_PARSE_NOMEM;
        fail(info->err, "out of memory");
        goto done;
    }
    memcpy(info->copy, text, len);
    info->copy[len] = '\0';
    p = info->copy;
    end = p + len;
    s->priority = -1;
    s->gid = 1;
    s->cur_list = DETECT_LIST_PMATCH;
    s->mod_list = DETECT_LIST_PMATCH;
    {
        const char *hp = p;
        char *tp = info->copy + len + 1;
        for (int i = 0; i < 7; i++) {
            tok[i] = next_token(&hp, end, &tp);
            if (tok[i] == NULL) {
                fail(info->err, "incomplete rule header (action proto src sport -> dst dport)");
                goto done;
            }
        }
        p += hp - info->copy;
    }
    if (!options_split(p, end, opts, &opt_cnt, info->err)) {
        goto done;
    }
    /* The sid first, for messages about everything else. */
    for (unsigned i = 0; i < opt_cnt; i++) {
        int64_t v;
        if (strcmp(opts[i].name, "sid") == 0 && opts[i].value != NULL
            && detect_parse_int(opts[i].value, 0, UINT32_MAX, &v)) {
            info->sid = (uint32_t)v;
        }
    }

    /* Header */
    {
        size_t a;
        for (a = 0; a < sizeof(actions) / sizeof(actions[0]); a++) {
            if (strcmp(actions[a].name, tok[0]) == 0) {
                s->action = actions[a].act;
                break;
            }
        }
        if (a == sizeof(actions) / sizeof(actions[0])) {
            fail(info->err, "action \"%.40s\" not supported", tok[0]);
            goto done;
        }
    }
    if (!proto_parse(tok[1], s)) {
        fail(info->err, "protocol \"%.40s\" cannot be used in a signature", tok[1]);
        goto done;
    }
    if (strcmp(tok[4], "<>") == 0) {
        s->flags |= SIG_F_BIDIR;
    } else if (strcmp(tok[4], "->") != 0) {
        fail(info->err,
             "\"%.16s\" is not a valid direction modifier, \"->\" and \"<>\" are "
             "supported",
             tok[4]);
        goto done;
    }
    if (detect_addr_parse(cfg, tok[2], &s->src, info->err) != SK_OK
        || detect_ports_parse(cfg, tok[3], &s->sp, info->err) != SK_OK
        || detect_addr_parse(cfg, tok[5], &s->dst, info->err) != SK_OK
        || detect_ports_parse(cfg, tok[6], &s->dp, info->err) != SK_OK) {
        goto done;
    }
    /* Suricata: "<>" with the same source and destination is one direction. */
    if ((s->flags & SIG_F_BIDIR) && strcmp(tok[2], tok[5]) == 0 && strcmp(tok[3], tok[6]) == 0) {
        s->flags &= (uint8_t)~SIG_F_BIDIR;
    }

    /* In order, as Suricata: a bad value before the first keyword sekimori lacks fails the
     * rule as bad; from that keyword on, the rest is only scanned for more unknown names, so
     * the summary can tally every keyword the rule is waiting for. */
    for (unsigned i = 0; i < opt_cnt; i++) {
        int buf = detect_buffer_find(opts[i].name);
        if (buf >= 0) {
            /* A sticky buffer: what follows inspects it. */
            if (opts[i].value != NULL) {
                fail(info->err, "unexpected option to %s keyword: '%.60s'", opts[i].name,
                     opts[i].value);
                goto done;
            }
            s->cur_list = (uint8_t)buf;
            s->mod_list = (uint8_t)buf;
            continue;
        }
        if (keyword_find(opts[i].name, &ids[i]) == NULL) {
            for (unsigned j = i; j < opt_cnt; j++) {
                bool dup = false;
                if (detect_buffer_find(opts[j].name) >= 0
                    || keyword_find(opts[j].name, &ids[j]) != NULL) {
                    continue;
                }
                for (unsigned k = 0; k < info->unsupported_cnt; k++) {
                    dup |= strcmp(info->unsupported[k], opts[j].name) == 0;
                }
                if (!dup && info->unsupported_cnt < SIG_UNSUPPORTED_MAX) {
                    info->unsupported[info->unsupported_cnt++] = opts[j].name;
                }
            }
            fail(info->err, "unsupported rule keyword '%.60s'", info->unsupported[0]);
            st = SIG_PARSE_UNSUPPORTED;
            goto done;
        }
        const DetectKeyword *kw = &detect_keywords[ids[i]];
        SkResult r;
        if ((kw->flags & KW_NOOPT) && opts[i].value != NULL) {
            fail(info->err, "unexpected option to %s keyword: '%.60s'", kw->name, opts[i].value);
            goto done;
        }
        if ((kw->flags & KW_OPT_NEEDED) && (opts[i].value == NULL || opts[i].value[0] == '\0')) {
            fail(info->err, "keyword %s needs a value", kw->name);
            goto done;
        }
        if (kw_seen(s, ids[i])
            && (ids[i] == DETECT_KW_SID || ids[i] == DETECT_KW_MSG || ids[i] == DETECT_KW_REV
                || ids[i] == DETECT_KW_GID || ids[i] == DETECT_KW_CLASSTYPE
                || ids[i] == DETECT_KW_PRIORITY)) {
            fail(info->err, "duplicated '%s' keyword detected", kw->name);
            goto done;
        }
        r = kw->setup(s, opts[i].value, info->err);
        if (r == SK_ERR_NOMEM) {
            st = SIG_PARSE_NOMEM;
            goto done;
        }
        if (r != SK_OK) {
            info->kw = kw->name;
            goto done;
        }
    }
    if (s->sid == 0) {
        fail(info->err, "signature missing required value \"sid\"");
        goto done;
    }
    if (sig_validate_dsize(s, info->err) != SK_OK) {
        info->kw = "content";
        goto done;
    }
    if (sig_validate_tx_dirs(s, info->err) != SK_OK) {
        goto done;
    }
    s->raw = strndup(text, len);
    if (s->raw == NULL) {
        st = SIG_PARSE_NOMEM;
        fail(info->err, "out of memory");
        goto done;
    }
    st = SIG_PARSE_OK;
    *out = s;
    s = NULL;
done:
    free(opts);
    sig_free(s);
    return st;
}

/* ---- rule sets ---- */

typedef struct {
    char name[40];
    unsigned cnt;
} UnsupCount;

struct DetectRules {
    const CfgNode *cfg;
    DetectLoadStats stats;
    Signature **sigs;
    size_t sig_cnt, sig_cap;
    uint64_t *sid_table; /* (gid << 32 | sid) + 1, open addressing; 0 empty */
    size_t *sid_index;   /* the slot's Signature in sigs */
    size_t sid_cap;
    UnsupCount *unsup;
    size_t unsup_cnt;
    unsigned unsup_other; /* rules whose unsupported names did not fit the tally */
};

DetectRules *
detect_rules_new(const CfgNode *cfg)
{
    DetectRules *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        log_error("detect: out of memory");
        return NULL;
    }
    r->cfg = cfg;
    return r;
}

void
detect_rules_free(DetectRules *r)
{
    if (r == NULL) {
        return;
    }
    for (size_t i = 0; i < r->sig_cnt; i++) {
        sig_free(r->sigs[i]);
    }
    free(r->sigs);
    free(r->sid_table);
    free(r->sid_index);
    free(r->unsup);
    free(r);
}

const DetectLoadStats *
detect_rules_stats(const DetectRules *r)
{
    return &r->stats;
}

Signature **
detect_rules_sigs(DetectRules *r, size_t *cnt)
{
    *cnt = r->sig_cnt;
    return r->sigs;
}

static size_t
sid_slot(const DetectRules *r, uint64_t key)
{
    uint64_t h = key * 0x9e3779b97f4a7c15ull;
    size_t i = (size_t)(h >> 20) & (r->sid_cap - 1);
    while (r->sid_table[i] != 0 && r->sid_table[i] != key) {
        i = (i + 1) & (r->sid_cap - 1);
    }
    return i;
}

/* Finds or adds (gid, sid); *slot is its place. SK_ERR_CONFIG: already loaded (its index in
 * r->sid_index[*slot]); SK_OK: added, the caller sets the index. */
static SkResult
sid_insert(DetectRules *r, uint32_t gid, uint32_t sid, size_t *slot)
{
    uint64_t key = ((uint64_t)gid << 32 | sid) + 1;
    size_t i;
    if ((r->sig_cnt + 1) * 2 > r->sid_cap) {
        size_t cap = r->sid_cap == 0 ? SID_TABLE_MIN : r->sid_cap * 2;
        uint64_t *old = r->sid_table;
        size_t *old_index = r->sid_index;
        size_t old_cap = r->sid_cap;
        uint64_t *t = calloc(cap, sizeof(*t));
        size_t *x = calloc(cap, sizeof(*x));
        if (t == NULL || x == NULL) {
            free(t);
            free(x);
            return SK_ERR_NOMEM;
        }
        r->sid_table = t;
        r->sid_index = x;
        r->sid_cap = cap;
        for (size_t k = 0; k < old_cap; k++) {
            if (old[k] != 0) {
                size_t j = sid_slot(r, old[k]);
                r->sid_table[j] = old[k];
                r->sid_index[j] = old_index[k];
            }
        }
        free(old);
        free(old_index);
    }
    i = sid_slot(r, key);
    *slot = i;
    if (r->sid_table[i] == key) {
        return SK_ERR_CONFIG;
    }
    r->sid_table[i] = key;
    return SK_OK;
}

static void
tally_unsupported(DetectRules *r, const SigParseInfo *info)
{
    bool other = false;
    for (unsigned k = 0; k < info->unsupported_cnt; k++) {
        const char *n = info->unsupported[k];
        size_t i;
        for (i = 0; i < r->unsup_cnt; i++) {
            if (strcmp(r->unsup[i].name, n) == 0) {
                break;
            }
        }
        if (i == r->unsup_cnt) {
            UnsupCount *u;
            if (strlen(n) >= sizeof(u->name) || r->unsup_cnt == UNSUP_NAMES_MAX) {
                other = true;
                continue;
            }
            u = realloc(r->unsup, (r->unsup_cnt + 1) * sizeof(*u));
            if (u == NULL) {
                other = true;
                continue;
            }
            r->unsup = u;
            snprintf(u[i].name, sizeof(u[i].name), "%s", n);
            u[i].cnt = 0;
            r->unsup_cnt++;
        }
        r->unsup[i].cnt++;
    }
    r->unsup_other += other;
}

/* A bad rule as Suricata 8.0.7 reports it: the reason under its keyword's module
 * ("detect-depth": Suricata's source file names, which the keyword names follow), then the
 * rule and where it is under "detect". */
static void
log_rule_error(const SigParseInfo *info, const char *text, size_t len, const char *name,
               unsigned line)
{
    char mod[48] = "detect-parse";

    if (info->kw != NULL) {
        size_t o = snprintf(mod, sizeof(mod), "detect-");
        for (const char *k = info->kw; *k != '\0' && o < sizeof(mod) - 1; k++) {
            if (*k != '_') {
                mod[o++] = *k == '.' ? '-' : *k;
            }
        }
        mod[o] = '\0';
    }
    log_module_msg(LOG_LEVEL_ERROR, mod, "%s", info->err);
    log_error("detect: error parsing signature \"%.*s\" from file %s at line %u",
              (int)(len > 900 ? 900 : len), text, name, line);
}

/* One rule's text: parse, check its sid is new, keep it. */
static SkResult
load_rule(DetectRules *r, const char *text, size_t len, const char *name, unsigned line)
{
    Signature *s = NULL;
    SigParseInfo info;
    SigParseStatus st = sig_parse(r->cfg, text, len, &s, &info);
    SkResult res = SK_OK;

    if (st == SIG_PARSE_OK) {
        size_t slot = 0;
        SkResult ins = sid_insert(r, s->gid, s->sid, &slot);
        if (ins == SK_ERR_CONFIG && s->rev > r->sigs[r->sid_index[slot]]->rev) {
            /* Suricata: a newer revision replaces the loaded rule, and both count loaded */
            log_warn("%s:%u: sid %u: rev %u replaces the loaded rev %u", name, line, s->sid, s->rev,
                     r->sigs[r->sid_index[slot]]->rev);
            sig_free(r->sigs[r->sid_index[slot]]);
            r->sigs[r->sid_index[slot]] = s;
            r->stats.loaded++;
            sig_parse_info_fini(&info);
            return SK_OK;
        }
        if (ins == SK_OK && r->sig_cnt == r->sig_cap) {
            size_t cap = r->sig_cap == 0 ? 256 : r->sig_cap * 2;
            Signature **v = realloc(r->sigs, cap * sizeof(*v));
            if (v == NULL) {
                ins = SK_ERR_NOMEM;
            } else {
                r->sigs = v;
                r->sig_cap = cap;
            }
        }
        if (ins == SK_OK) {
            r->sid_index[slot] = r->sig_cnt;
            r->sigs[r->sig_cnt++] = s;
            r->stats.loaded++;
            sig_parse_info_fini(&info);
            return SK_OK;
        }
        sig_free(s);
        if (ins == SK_ERR_NOMEM) {
            st = SIG_PARSE_NOMEM;
        } else {
            fail(info.err, "duplicate signature: sid %u is already loaded", info.sid);
        }
    }
    if (st == SIG_PARSE_NOMEM) {
        log_error("detect: out of memory loading %s", name);
        res = SK_ERR_NOMEM;
    } else {
        log_rule_error(&info, text, len, name, line);
        if (st == SIG_PARSE_UNSUPPORTED) {
            r->stats.unsupported++;
            tally_unsupported(r, &info);
        }
    }
    r->stats.failed++;
    sig_parse_info_fini(&info);
    return res;
}

SkResult
detect_rules_load_text(DetectRules *r, const char *text, size_t len, const char *name)
{
    size_t pos = 0;
    unsigned line = 0;
    char *rule = NULL;
    size_t rule_len = 0;
    unsigned rule_line = 0;
    bool too_long = false;
    SkResult res = SK_OK;

    rule = malloc(DETECT_RULE_MAX + 1);
    if (rule == NULL) {
        log_error("detect: out of memory loading %s", name);
        return SK_ERR_NOMEM;
    }
    while (pos < len && res == SK_OK) {
        const char *l = text + pos;
        const char *nl = memchr(l, '\n', len - pos);
        size_t ll = nl != NULL ? (size_t)(nl - l) : len - pos;
        bool cont;

        pos += ll + (nl != NULL ? 1 : 0);
        line++;
        if (ll > 0 && l[ll - 1] == '\r') {
            ll--;
        }
        if (rule_len == 0 && !too_long) {
            size_t k = 0;
            while (k < ll && is_blank(l[k])) {
                k++;
            }
            if (k == ll || l[k] == '#') {
                continue; /* blank line or comment */
            }
            rule_line = line;
        }
        cont = ll > 0 && l[ll - 1] == '\\';
        if (cont) {
            ll--;
        }
        if (too_long || rule_len + ll > DETECT_RULE_MAX) {
            too_long = true;
        } else {
            memcpy(rule + rule_len, l, ll);
            rule_len += ll;
        }
        if (cont && pos < len) {
            continue;
        }
        if (too_long) {
            log_error("%s:%u: sid 0: rule longer than %d bytes", name, rule_line, DETECT_RULE_MAX);
            r->stats.failed++;
        } else {
            res = load_rule(r, rule, rule_len, name, rule_line);
        }
        rule_len = 0;
        too_long = false;
    }
    free(rule);
    return res;
}

SkResult
detect_rules_load_file(DetectRules *r, const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0;
    SkResult res;

    if (f == NULL) {
        log_error("detect: cannot open rule file %s: %s", path, strerror(errno));
        return SK_ERR_IO;
    }
    /* A regular file is read into a buffer of its size (ET Open is 16 MB: doubling from 64 KiB
     * would take 32 MB at the peak of the start-up); a pipe grows its buffer as it comes. */
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0
        && (uint64_t)sb.st_size < RULE_FILE_MAX) {
        cap = (size_t)sb.st_size + 1;
        if ((buf = malloc(cap)) == NULL) {
            cap = 0;
        }
    }
    for (;;) {
        size_t n;
        if (len == cap) {
            char *b;
            cap = cap == 0 ? 65536 : cap * 2;
            if (cap > RULE_FILE_MAX || (b = realloc(buf, cap)) == NULL) {
                log_error("detect: rule file %s: %s", path,
                          cap > RULE_FILE_MAX ? "larger than 1 GiB" : "out of memory");
                free(buf);
                fclose(f);
                return cap > RULE_FILE_MAX ? SK_ERR_IO : SK_ERR_NOMEM;
            }
            buf = b;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0) {
            break;
        }
    }
    if (ferror(f)) {
        log_error("detect: cannot read rule file %s: %s", path, strerror(errno));
        free(buf);
        fclose(f);
        return SK_ERR_IO;
    }
    fclose(f);
    r->stats.files++;
    res = detect_rules_load_text(r, buf, len, path);
    free(buf);
    return res;
}

static int
unsup_cmp(const void *a, const void *b)
{
    const UnsupCount *x = a, *y = b;
    if (x->cnt != y->cnt) {
        return x->cnt < y->cnt ? 1 : -1;
    }
    return strcmp(x->name, y->name);
}

void
detect_rules_print_unsupported(const DetectRules *r, FILE *out)
{
    if (r->unsup_cnt > 1) {
        qsort(r->unsup, r->unsup_cnt, sizeof(r->unsup[0]), unsup_cmp);
    }
    for (size_t i = 0; i < r->unsup_cnt; i++) {
        fprintf(out, "%s %u\n", r->unsup[i].name, r->unsup[i].cnt);
    }
}

void
detect_rules_log_summary(const DetectRules *r)
{
    const DetectLoadStats *st = &r->stats;
    char line[900];
    size_t o = 0;
    size_t i;

    /* Suricata's wording, plural forms included, so scripts that parse it keep working. */
    if (st->files > 0 && st->loaded == 0) {
        log_warn("detect: %u rule files specified, but no rules were loaded!", st->files);
    } else
        log_info("detect: %u rule files processed. %u rules successfully loaded, %u rules failed, "
                 "%u rules skipped",
                 st->files, st->loaded, st->failed, st->skipped);
    if (r->unsup_cnt == 0 && r->unsup_other == 0) {
        return;
    }
    if (r->unsup_cnt > 1) {
        qsort(r->unsup, r->unsup_cnt, sizeof(r->unsup[0]), unsup_cmp);
    }
    for (i = 0; i < r->unsup_cnt; i++) {
        int n = snprintf(line + o, sizeof(line) - o, "%s%s %u", i == 0 ? "" : ", ",
                         r->unsup[i].name, r->unsup[i].cnt);
        if (n < 0 || (size_t)n >= sizeof(line) - o - 32) {
            line[o] = '\0';
            break;
        }
        o += (size_t)n;
    }
    if (i < r->unsup_cnt || r->unsup_other > 0) {
        snprintf(line + o, sizeof(line) - o, ", and %zu more",
                 r->unsup_cnt - i + (r->unsup_other > 0));
    }
    log_warn("detect: %u rules use unsupported keywords (rules per keyword): %s", st->unsupported,
             line);
}
