/* flowbits.c: the variables rules keep between packets: flowbits and flowints on the flow,
 * xbits on a host or an IP pair.
 *
 * Names become dense ids once, at engine build (detect_flowvars_build), one id space per kind,
 * so a flow's state is a bitmap and an array indexed by id: struct DetectFlow, hung on
 * Flow.det on the first set and freed at flow end. A flow belongs to one worker: nothing here
 * locks for it. Its size is fixed by the rules (every name they use, no more), which bounds it.
 *
 * xbits outlive flows and are seen by every worker: a table shared through the engine, of
 * fixed size (XB_BUCKETS x XB_WAYS entries), striped mutexes, entries expiring by packet time.
 *
 * Syntax, semantics and errors are Suricata 8.0.7's, including its odd corners: in flowbits
 * names, "|" separates alternatives for isset/isnotset (any of them), while a set, unset or
 * toggle of an "a|b" name changes nothing (8.0.7 keeps no bit for it); "&" is an ordinary name
 * character ("set,a&b" sets the one bit "a&b"). */
#include "detect/detect_int.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "flow/flow.h"

enum { VAR_BIT = 0, VAR_INT, VAR_XBIT, VAR_KINDS };

#define VARS_MAX 65536 /* names of one kind the engine resolves: a DetectFlow stays small */
#define ID_NONE UINT32_MAX

/* ---- per-flow state ---- */

struct DetectFlow {
    DetectTagState tag;        /* tag:session (tag.c) */
    uint32_t bit_cnt, int_cnt; /* sizes at allocation (the engine's counts then) */
    uint32_t *int_val;         /* [int_cnt] */
    uint32_t *int_set;         /* bitmap [int_cnt] */
    const void *vars;          /* the engine's FlowVars: names for detect_flow_flowbits */
    uint32_t bits[];           /* bitmap [bit_cnt], then int_set, then int_val */
};

/* ---- the engine's name table ---- */

typedef struct {
    char *name; /* NULL: empty slot */
    uint8_t kind;
    uint32_t id;
} VarSlot;

typedef struct XbitsTable XbitsTable;

typedef struct {
    VarSlot *slot;
    uint32_t cap; /* power of two */
    uint32_t cnt[VAR_KINDS];
    XbitsTable *xbits;
} FlowVars;

static uint32_t
name_hash(const char *n, uint8_t kind)
{
    uint32_t h = 2166136261u ^ kind;
    for (; *n; n++) {
        h = (h ^ (uint8_t)*n) * 16777619u;
    }
    return h;
}

/* The id of (kind, name), new if unseen; ID_NONE past VARS_MAX or without memory. */
static uint32_t
vars_intern(FlowVars *fv, uint8_t kind, const char *name)
{
    uint32_t i = name_hash(name, kind) & (fv->cap - 1);
    for (; fv->slot[i].name != NULL; i = (i + 1) & (fv->cap - 1)) {
        if (fv->slot[i].kind == kind && strcmp(fv->slot[i].name, name) == 0) {
            return fv->slot[i].id;
        }
    }
    if (fv->cnt[kind] >= VARS_MAX) {
        return ID_NONE;
    }
    fv->slot[i].name = strdup(name);
    if (fv->slot[i].name == NULL) {
        return ID_NONE;
    }
    fv->slot[i].kind = kind;
    fv->slot[i].id = fv->cnt[kind]++;
    return fv->slot[i].id;
}

static const FlowVars *
vars_of(const struct DetectThread *dt)
{
    return dt != NULL && dt->de != NULL ? dt->de->flowvars : NULL;
}

static struct DetectFlow *
flow_state_get(struct DetectThread *dt, Flow *f)
{
    if (f->det != NULL) {
        return f->det;
    }
    const FlowVars *fv = vars_of(dt);
    uint32_t nb = fv != NULL ? fv->cnt[VAR_BIT] : 0, ni = fv != NULL ? fv->cnt[VAR_INT] : 0;
    uint32_t bw = (nb + 31) / 32, iw = (ni + 31) / 32;
    struct DetectFlow *d = calloc(1, sizeof(*d) + (bw + iw + ni) * sizeof(uint32_t));
    if (d == NULL) {
        return NULL; /* the set is lost, as under Suricata's flow memcap */
    }
    d->bit_cnt = nb;
    d->int_cnt = ni;
    d->int_set = d->bits + bw;
    d->int_val = d->int_set + iw;
    d->vars = fv;
    f->det = d;
    return d;
}

DetectTagState *
detect_flow_tag(struct DetectThread *dt, Flow *f, bool create)
{
    struct DetectFlow *d = f->det;
    if (d == NULL && create) {
        d = flow_state_get(dt, f);
    }
    return d != NULL ? &d->tag : NULL;
}

void
detect_flow_free(struct Flow *f)
{
    if (f != NULL) {
        free(f->det);
        f->det = NULL;
    }
}

static bool
bit_get(const uint32_t *map, uint32_t cnt, uint32_t id)
{
    return id < cnt && (map[id / 32] >> (id % 32) & 1);
}

static void
bit_put(uint32_t *map, uint32_t cnt, uint32_t id, bool on)
{
    if (id >= cnt) {
        return;
    }
    if (on) {
        map[id / 32] |= 1u << (id % 32);
    } else {
        map[id / 32] &= ~(1u << (id % 32));
    }
}

/* ---- flowbits ---- */

enum { FB_SET, FB_UNSET, FB_TOGGLE, FB_ISSET, FB_ISNOTSET };

typedef struct {
    uint8_t cmd;
    bool or_form; /* "a|b" */
    uint32_t cnt;
    char **names;
    uint32_t *id;
} FbCtx;

static void
fb_free(void *ctx)
{
    FbCtx *c = ctx;
    if (c == NULL) {
        return;
    }
    for (uint32_t i = 0; i < c->cnt; i++) {
        free(c->names[i]);
    }
    free(c->names);
    free(c->id);
    free(c);
}

static bool
fb_match(struct DetectThread *dt, const Packet *p, const Signature *s, const void *ctx)
{
    const FbCtx *c = ctx;
    (void)dt, (void)s;
    if (p->flow == NULL) {
        return false;
    }
    const struct DetectFlow *d = p->flow->det;
    for (uint32_t i = 0; i < c->cnt; i++) {
        bool set = d != NULL && bit_get(d->bits, d->bit_cnt, c->id[i]);
        if (set == (c->cmd == FB_ISSET)) {
            return true; /* isset: any is set; isnotset: any is not */
        }
    }
    return false;
}

static void
fb_postmatch(struct DetectThread *dt, Packet *p, const Signature *s, const void *ctx)
{
    const FbCtx *c = ctx;
    (void)s;
    if (p->flow == NULL || c->or_form) {
        return;
    }
    if (c->cmd == FB_UNSET && p->flow->det == NULL) {
        return; /* nothing to clear: no allocation for it */
    }
    struct DetectFlow *d = flow_state_get(dt, p->flow);
    if (d == NULL) {
        return;
    }
    uint32_t id = c->id[0];
    switch (c->cmd) {
    case FB_SET:
        bit_put(d->bits, d->bit_cnt, id, true);
        break;
    case FB_UNSET:
        bit_put(d->bits, d->bit_cnt, id, false);
        break;
    case FB_TOGGLE:
        bit_put(d->bits, d->bit_cnt, id, !bit_get(d->bits, d->bit_cnt, id));
        break;
    }
}

static void fb_describe(JsonBuf *jb, const void *ctx);
static const DetectSmOps fb_match_ops = {
    .match = fb_match, .free = fb_free, .describe = fb_describe};
static const DetectSmOps fb_post_ops = {
    .postmatch = fb_postmatch, .free = fb_free, .describe = fb_describe};

static char *
trim(char *p)
{
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    size_t n = strlen(p);
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t')) {
        p[--n] = '\0';
    }
    return p;
}

SkResult
kw_flowbits_setup(Signature *s, const char *arg, char *err)
{
    static const struct {
        const char *name;
        uint8_t cmd;
    } cmds[] = {{"set", FB_SET},
                {"unset", FB_UNSET},
                {"toggle", FB_TOGGLE},
                {"isset", FB_ISSET},
                {"isnotset", FB_ISNOTSET}};
    char cmd[16];
    size_t n = 0;
    const char *name = "";

    /* Suricata's "^([a-z]+)(?:,\s*(.*))?": the command, then the name after a comma. */
    while (arg[n] >= 'a' && arg[n] <= 'z') {
        n++;
    }
    if (n == 0) {
        return detect_err(err, "\"%.80s\" is not a valid setting for flowbits.", arg);
    }
    if (n >= sizeof(cmd)) {
        return detect_err(err, "ERROR: flowbits action \"%.40s\" is not supported.", arg);
    }
    memcpy(cmd, arg, n);
    cmd[n] = '\0';
    if (arg[n] == ',') {
        name = arg + n + 1;
    }
    char *copy = strdup(name);
    if (copy == NULL) {
        return detect_nomem(err);
    }
    char *nm = trim(copy);
    bool or_form = strchr(nm, '|') != NULL;
    if (!or_form && strpbrk(nm, " \t") != NULL) {
        free(copy);
        return detect_err(err, "spaces not allowed in flowbit names");
    }
    if (strcmp(cmd, "noalert") == 0) {
        bool named = *nm != '\0' || arg[n] != '\0';
        free(copy);
        if (named) {
            return detect_err(err, "flowbits noalert takes no name");
        }
        s->flags |= SIG_F_NOALERT;
        return SK_OK;
    }
    size_t c;
    for (c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++) {
        if (strcmp(cmds[c].name, cmd) == 0) {
            break;
        }
    }
    if (c == sizeof(cmds) / sizeof(cmds[0])) {
        free(copy);
        return detect_err(err, "ERROR: flowbits action \"%.40s\" is not supported.", cmd);
    }
    if (*nm == '\0') {
        free(copy);
        return detect_err(err, "flowbits %s needs a name", cmd);
    }
    if (cmds[c].cmd == FB_TOGGLE) {
        log_warn("detect-flowbits: flowbits \"toggle\" command is deprecated and will be "
                 "removed in Suricata 9");
    }

    FbCtx *fc = calloc(1, sizeof(*fc));
    uint32_t parts = 1;
    for (const char *q = nm; *q; q++) {
        parts += *q == '|';
    }
    if (fc == NULL || (fc->names = calloc(parts, sizeof(char *))) == NULL
        || (fc->id = calloc(parts, sizeof(uint32_t))) == NULL) {
        free(copy);
        fb_free(fc);
        return detect_nomem(err);
    }
    fc->cmd = cmds[c].cmd;
    fc->or_form = or_form;
    char *save = NULL;
    for (char *t = strtok_r(nm, "|", &save); t != NULL; t = strtok_r(NULL, "|", &save)) {
        t = trim(t);
        if (*t == '\0') {
            continue; /* "a|" is "a", as Suricata's tokenizer reads it */
        }
        fc->names[fc->cnt] = strdup(t);
        if (fc->names[fc->cnt] == NULL) {
            free(copy);
            fb_free(fc);
            return detect_nomem(err);
        }
        fc->id[fc->cnt++] = ID_NONE;
    }
    free(copy);
    if (fc->cnt == 0) {
        fb_free(fc);
        return detect_err(err, "flowbits %s needs a name", cmd);
    }
    if (fc->cmd == FB_ISSET || fc->cmd == FB_ISNOTSET) {
        return sig_match_append(s, DETECT_LIST_MATCH, DETECT_KW_FLOWBITS, &fb_match_ops, fc, err);
    }
    return sig_match_append(s, DETECT_LIST_POSTMATCH, DETECT_KW_FLOWBITS, &fb_post_ops, fc, err);
}

/* ---- flowint ---- */

enum {
    FI_SET, /* = */
    FI_ADD, /* + */
    FI_SUB, /* - */
    FI_EQ,
    FI_NE,
    FI_LT,
    FI_LE,
    FI_GT,
    FI_GE,
    FI_ISSET,
    FI_NOTSET, /* notset, isnotset */
};

typedef struct {
    uint8_t op;
    bool target_var; /* the value is another flowint */
    uint32_t val;
    char *name, *tname;
    uint32_t id, tid;
} FiCtx;

static void
fi_free(void *ctx)
{
    FiCtx *c = ctx;
    if (c != NULL) {
        free(c->name);
        free(c->tname);
        free(c);
    }
}

static bool
fi_get(const struct DetectFlow *d, uint32_t id, uint32_t *v)
{
    if (d == NULL || !bit_get(d->int_set, d->int_cnt, id)) {
        return false;
    }
    *v = d->int_val[id];
    return true;
}

/* The value to compare or apply: the number, or the other flowint (false when it is unset). */
static bool
fi_target(const FiCtx *c, const struct DetectFlow *d, uint32_t *v)
{
    if (!c->target_var) {
        *v = c->val;
        return true;
    }
    return fi_get(d, c->tid, v);
}

static bool
fi_match(struct DetectThread *dt, const Packet *p, const Signature *s, const void *ctx)
{
    const FiCtx *c = ctx;
    uint32_t cur, want;
    (void)dt, (void)s;
    if (p->flow == NULL) {
        return false;
    }
    const struct DetectFlow *d = p->flow->det;
    bool set = fi_get(d, c->id, &cur);
    if (c->op == FI_ISSET) {
        return set;
    }
    if (c->op == FI_NOTSET) {
        return !set;
    }
    if (!set || !fi_target(c, d, &want)) {
        return false;
    }
    switch (c->op) {
    case FI_EQ:
        return cur == want;
    case FI_NE:
        return cur != want;
    case FI_LT:
        return cur < want;
    case FI_LE:
        return cur <= want;
    case FI_GT:
        return cur > want;
    case FI_GE:
        return cur >= want;
    }
    return false;
}

static void
fi_postmatch(struct DetectThread *dt, Packet *p, const Signature *s, const void *ctx)
{
    const FiCtx *c = ctx;
    uint32_t cur, v;
    (void)s;
    if (p->flow == NULL) {
        return;
    }
    struct DetectFlow *d = flow_state_get(dt, p->flow);
    if (d == NULL || c->id >= d->int_cnt || !fi_target(c, d, &v)) {
        return; /* a variable operand that is unset: nothing happens */
    }
    bool set = fi_get(d, c->id, &cur);
    switch (c->op) {
    case FI_SET:
        cur = v;
        break;
    case FI_ADD:
        cur = set ? cur + v : v;
        break; /* an unset counter starts at the operand */
    case FI_SUB:
        cur = set ? cur - v : 0;
        break; /* ... or at 0 when subtracting */
    default:
        return;
    }
    d->int_val[c->id] = cur; /* 32-bit unsigned, wrapping as Suricata's */
    bit_put(d->int_set, d->int_cnt, c->id, true);
}

static const DetectSmOps fi_match_ops = {.match = fi_match, .free = fi_free};
static const DetectSmOps fi_post_ops = {.postmatch = fi_postmatch, .free = fi_free};

/* Suricata's flowint names: a letter, then at least one of letters, digits, _ . / */
static bool
fi_name_ok(const char *n, bool target)
{
    if (!isalpha((unsigned char)n[0]) || n[1] == '\0') {
        return false;
    }
    for (const char *q = n + 1; *q; q++) {
        if (!isalnum((unsigned char)*q) && *q != '_' && (target || (*q != '.' && *q != '/'))) {
            return false;
        }
    }
    return true;
}

SkResult
kw_flowint_setup(Signature *s, const char *arg, char *err)
{
    static const struct {
        const char *op;
        uint8_t id;
    } ops[] = {{"=", FI_SET}, {"+", FI_ADD},       {"-", FI_SUB},         {"==", FI_EQ},
               {"!=", FI_NE}, {"<", FI_LT},        {"<=", FI_LE},         {">", FI_GT},
               {">=", FI_GE}, {"isset", FI_ISSET}, {"notset", FI_NOTSET}, {"isnotset", FI_NOTSET}};
    char *copy = strdup(arg);
    char *part[3] = {NULL, NULL, NULL};
    unsigned cnt = 0;
    FiCtx *fc = NULL;
    size_t o;

    if (copy == NULL) {
        return detect_nomem(err);
    }
    char *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
        if (cnt == 3) {
            goto bad;
        }
        part[cnt++] = trim(t);
    }
    if (cnt < 2 || !fi_name_ok(part[0], false)) {
        goto bad;
    }
    for (o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
        if (strcmp(ops[o].op, part[1]) == 0) {
            break;
        }
    }
    if (o == sizeof(ops) / sizeof(ops[0])) {
        goto bad;
    }
    fc = calloc(1, sizeof(*fc));
    if (fc == NULL || (fc->name = strdup(part[0])) == NULL) {
        free(copy);
        fi_free(fc);
        return detect_nomem(err);
    }
    fc->op = ops[o].id;
    fc->id = fc->tid = ID_NONE;
    if (cnt == 3) {
        const char *v = part[2];
        if (isdigit((unsigned char)v[0])) {
            size_t n = strspn(v, "0123456789");
            int64_t num;
            if (v[n] != '\0' || n > 10) {
                goto bad;
            }
            if (!detect_parse_int(v, 0, UINT32_MAX, &num)) {
                fi_free(fc);
                detect_err(err, "flowint value %.20s out of range", v);
                free(copy);
                return SK_ERR_CONFIG;
            }
            fc->val = (uint32_t)num;
        } else if (fi_name_ok(v, true)) {
            fc->target_var = true;
            fc->tname = strdup(v);
            if (fc->tname == NULL) {
                free(copy);
                fi_free(fc);
                return detect_nomem(err);
            }
        } else {
            goto bad;
        }
    } else if (fc->op != FI_ISSET && fc->op != FI_NOTSET) {
        fi_free(fc);
        free(copy);
        return detect_err(err, "flowint %s needs a value", ops[o].op);
    }
    free(copy);
    if (fc->op <= FI_SUB) {
        return sig_match_append(s, DETECT_LIST_POSTMATCH, DETECT_KW_FLOWINT, &fi_post_ops, fc, err);
    }
    return sig_match_append(s, DETECT_LIST_MATCH, DETECT_KW_FLOWINT, &fi_match_ops, fc, err);
bad:
    free(copy);
    fi_free(fc);
    return detect_err(err, "\"%.80s\" is not a valid setting for flowint(ret = -1).", arg);
}

/* ---- xbits: a shared table of (host or pair, bit) -> expiry ---- */

#define XB_BUCKETS 4096 /* power of two */
#define XB_WAYS 8
#define XB_LOCKS 64 /* bucket b is under lock b % XB_LOCKS */
#define XB_EXPIRE_DEFAULT 30

enum { XB_TRACK_SRC, XB_TRACK_DST, XB_TRACK_PAIR };
enum { XB_SET, XB_UNSET, XB_TOGGLE, XB_ISSET, XB_ISNOTSET };

typedef struct {
    SkAddr a, b;   /* a host: a (b zero); a pair: the lower address in a, so both ways meet */
    uint32_t id;   /* xbit id */
    uint8_t kind;  /* 0 empty, 1 host, 2 pair */
    SkTime expire; /* valid while packet time < expire */
} XEntry;

struct XbitsTable {
    pthread_mutex_t lock[XB_LOCKS];
    uint32_t seed;
    XEntry e[XB_BUCKETS][XB_WAYS];
};

typedef struct {
    uint8_t cmd, track;
    uint32_t expire_s;
    char *name;
    uint32_t id;
} XbCtx;

static XbitsTable *
xbits_new(void)
{
    XbitsTable *t = calloc(1, sizeof(*t));
    if (t == NULL) {
        return NULL;
    }
    for (int i = 0; i < XB_LOCKS; i++) {
        pthread_mutex_init(&t->lock[i], NULL);
    }
    /* Seeded: addresses are chosen by whoever sends packets; no one should aim them all at one
     * bucket. */
    t->seed = (uint32_t)((uintptr_t)t >> 4) ^ (uint32_t)time_wall_now();
    return t;
}

static void
xbits_free(XbitsTable *t)
{
    if (t == NULL) {
        return;
    }
    for (int i = 0; i < XB_LOCKS; i++) {
        pthread_mutex_destroy(&t->lock[i]);
    }
    free(t);
}

static void
xb_key(const XbCtx *c, const Packet *p, XEntry *k)
{
    memset(k, 0, sizeof(*k));
    k->id = c->id;
    if (c->track == XB_TRACK_PAIR) {
        bool lo = memcmp(&p->src, &p->dst, sizeof(SkAddr)) <= 0;
        k->a = lo ? p->src : p->dst;
        k->b = lo ? p->dst : p->src;
        k->kind = 2;
    } else {
        k->a = c->track == XB_TRACK_SRC ? p->src : p->dst;
        k->kind = 1;
    }
}

static uint32_t
xb_bucket(const XbitsTable *t, const XEntry *k)
{
    uint32_t h = t->seed ^ k->id * 2654435761u ^ k->kind;
    const uint8_t *b = (const uint8_t *)&k->a;
    for (size_t i = 0; i < 2 * sizeof(SkAddr); i++) {
        h = (h ^ b[i]) * 16777619u;
    }
    return h & (XB_BUCKETS - 1);
}

static bool
xb_same(const XEntry *e, const XEntry *k)
{
    return e->kind == k->kind && e->id == k->id && memcmp(&e->a, &k->a, sizeof(SkAddr)) == 0
           && memcmp(&e->b, &k->b, sizeof(SkAddr)) == 0;
}

/* Applies cmd for key k at time now; for the tests, returns whether the bit is set. */
static bool
xb_apply(XbitsTable *t, const XEntry *k, uint8_t cmd, SkTime now, uint32_t expire_s)
{
    uint32_t b = xb_bucket(t, k);
    XEntry *row = t->e[b];
    XEntry *hit = NULL, *free_slot = NULL, *oldest = &row[0];
    bool valid;

    pthread_mutex_lock(&t->lock[b % XB_LOCKS]);
    for (int i = 0; i < XB_WAYS; i++) {
        XEntry *e = &row[i];
        if (e->kind != 0 && e->expire <= now) {
            e->kind = 0; /* expired: the slot is free again */
        }
        if (e->kind == 0) {
            free_slot = free_slot != NULL ? free_slot : e;
        } else if (xb_same(e, k)) {
            hit = e;
        } else if (e->expire < oldest->expire || oldest->kind == 0) {
            oldest = e;
        }
    }
    valid = hit != NULL;
    if (cmd == XB_TOGGLE) {
        cmd = valid ? XB_UNSET : XB_SET;
    }
    if (cmd == XB_SET) {
        if (hit == NULL) {
            /* A full bucket loses the entry closest to expiry: bounded memory, like a memcap. */
            hit = free_slot != NULL ? free_slot : oldest;
            *hit = *k;
        }
        hit->expire = now + SK_TIME_FROM_SEC(expire_s);
        valid = true;
    } else if (cmd == XB_UNSET && hit != NULL) {
        hit->kind = 0;
        valid = false;
    }
    pthread_mutex_unlock(&t->lock[b % XB_LOCKS]);
    return valid;
}

static XbitsTable *
xb_table(const struct DetectThread *dt)
{
    const FlowVars *fv = vars_of(dt);
    return fv != NULL ? fv->xbits : NULL;
}

static bool
xb_match(struct DetectThread *dt, const Packet *p, const Signature *s, const void *ctx)
{
    const XbCtx *c = ctx;
    XbitsTable *t = xb_table(dt);
    XEntry k;
    (void)s;
    if (p->ip_ver == 0) {
        return false;
    }
    bool set = false;
    if (t != NULL && c->id != ID_NONE) {
        xb_key(c, p, &k);
        set = xb_apply(t, &k, c->cmd, p->ts, c->expire_s);
    }
    return c->cmd == XB_ISSET ? set : !set;
}

static void
xb_postmatch(struct DetectThread *dt, Packet *p, const Signature *s, const void *ctx)
{
    const XbCtx *c = ctx;
    XbitsTable *t = xb_table(dt);
    XEntry k;
    (void)s;
    if (t == NULL || c->id == ID_NONE || p->ip_ver == 0) {
        return;
    }
    xb_key(c, p, &k);
    xb_apply(t, &k, c->cmd, p->ts, c->expire_s);
}

static void
xb_free(void *ctx)
{
    XbCtx *c = ctx;
    if (c != NULL) {
        free(c->name);
        free(c);
    }
}

static const DetectSmOps xb_match_ops = {.match = xb_match, .free = xb_free};
static const DetectSmOps xb_post_ops = {.postmatch = xb_postmatch, .free = xb_free};

SkResult
kw_xbits_setup(Signature *s, const char *arg, char *err)
{
    static const char *const cmds[] = {"set", "unset", "toggle", "isset", "isnotset"};
    char *copy = strdup(arg);
    char *part[4] = {NULL, NULL, NULL, NULL};
    unsigned cnt = 0;
    XbCtx *xc;
    size_t c;

    if (copy == NULL) {
        return detect_nomem(err);
    }
    char *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
        if (cnt == 4) {
            free(copy);
            return detect_err(err, "\"%.80s\" is not a valid setting for xbits.", arg);
        }
        part[cnt++] = trim(t);
    }
    if (cnt == 1 && strcmp(part[0], "noalert") == 0) {
        free(copy);
        s->flags |= SIG_F_NOALERT;
        return SK_OK;
    }
    for (c = 0; cnt > 0 && c < sizeof(cmds) / sizeof(cmds[0]); c++) {
        if (strcmp(cmds[c], part[0]) == 0) {
            break;
        }
    }
    if (cnt == 0 || c == sizeof(cmds) / sizeof(cmds[0])) {
        detect_err(err, "Invalid xbits cmd: %.40s", cnt > 0 ? part[0] : "");
        free(copy);
        return SK_ERR_CONFIG;
    }
    if (cnt < 2 || part[1][0] == '\0' || strpbrk(part[1], " \t") != NULL) {
        free(copy);
        return detect_err(err, "\"%.80s\" is not a valid setting for xbits.", arg);
    }
    xc = calloc(1, sizeof(*xc));
    if (xc == NULL || (xc->name = strdup(part[1])) == NULL) {
        free(copy);
        xb_free(xc);
        return detect_nomem(err);
    }
    xc->cmd = (uint8_t)c;
    xc->id = ID_NONE;
    xc->track = XB_TRACK_PAIR; /* Suricata takes a rule without "track"; the pair is its key */
    xc->expire_s = XB_EXPIRE_DEFAULT;
    for (unsigned i = 2; i < cnt; i++) {
        char *v;
        if (strncmp(part[i], "track", 5) == 0 && (part[i][5] == ' ' || part[i][5] == '\t')) {
            v = trim(part[i] + 5);
            if (strcmp(v, "ip_src") == 0) {
                xc->track = XB_TRACK_SRC;
            } else if (strcmp(v, "ip_dst") == 0) {
                xc->track = XB_TRACK_DST;
            } else if (strcmp(v, "ip_pair") == 0) {
                xc->track = XB_TRACK_PAIR;
            } else {
                detect_err(err, "Invalid xbits tracker: %.40s", v);
                goto fail;
            }
        } else if (strncmp(part[i], "expire", 6) == 0
                   && (part[i][6] == ' ' || part[i][6] == '\t')) {
            int64_t e;
            v = trim(part[i] + 6);
            if (!detect_parse_int(v, 1, UINT32_MAX, &e)) {
                detect_err(err, "Invalid expire value: %.40s", v);
                goto fail;
            }
            xc->expire_s = (uint32_t)e;
        } else {
            detect_err(err, "\"%.80s\" is not a valid setting for xbits.", arg);
            goto fail;
        }
    }
    free(copy);
    if (xc->cmd >= XB_ISSET) {
        return sig_match_append(s, DETECT_LIST_MATCH, DETECT_KW_XBITS, &xb_match_ops, xc, err);
    }
    return sig_match_append(s, DETECT_LIST_POSTMATCH, DETECT_KW_XBITS, &xb_post_ops, xc, err);
fail:
    free(copy);
    xb_free(xc);
    return SK_ERR_CONFIG;
}

/* ---- engine build ---- */

static uint32_t
resolve_one(FlowVars *fv, uint8_t kind, const char *name, bool *ok)
{
    uint32_t id = vars_intern(fv, kind, name);
    if (id == ID_NONE) {
        *ok = false;
    }
    return id;
}

static bool
resolve_sig(FlowVars *fv, Signature *s)
{
    bool ok = true;
    for (int l = DETECT_LIST_MATCH; l <= DETECT_LIST_POSTMATCH; l++) {
        for (uint32_t i = 0; i < s->lists[l].cnt; i++) {
            SigMatch *sm = &s->lists[l].sm[i];
            if (sm->kw == DETECT_KW_FLOWBITS) {
                FbCtx *c = sm->ctx;
                for (uint32_t j = 0; j < c->cnt; j++) {
                    c->id[j] = resolve_one(fv, VAR_BIT, c->names[j], &ok);
                }
            } else if (sm->kw == DETECT_KW_FLOWINT) {
                FiCtx *c = sm->ctx;
                c->id = resolve_one(fv, VAR_INT, c->name, &ok);
                if (c->target_var) {
                    c->tid = resolve_one(fv, VAR_INT, c->tname, &ok);
                }
            } else if (sm->kw == DETECT_KW_XBITS) {
                XbCtx *c = sm->ctx;
                c->id = resolve_one(fv, VAR_XBIT, c->name, &ok);
            }
        }
    }
    return ok;
}

SkResult
detect_flowvars_build(struct DetectEngine *de)
{
    FlowVars *fv = calloc(1, sizeof(*fv));
    uint64_t refs = 0;

    if (fv == NULL) {
        goto nomem;
    }
    for (uint32_t i = 0; i < de->sig_cnt; i++) {
        for (int l = DETECT_LIST_MATCH; l <= DETECT_LIST_POSTMATCH; l++) {
            refs += 2 * (uint64_t)de->sigs[i]->lists[l].cnt; /* flowint: name and operand */
        }
    }
    fv->cap = 16;
    while (fv->cap < 2 * refs) {
        fv->cap *= 2;
    }
    fv->slot = calloc(fv->cap, sizeof(*fv->slot));
    if (fv->slot == NULL) {
        goto nomem;
    }
    de->flowvars = fv;
    for (uint32_t i = 0; i < de->sig_cnt; i++) {
        if (!resolve_sig(fv, de->sigs[i])) {
            log_error("detect: flow variables: more than %d names of one kind, or out of memory",
                      VARS_MAX);
            goto fail;
        }
    }
    if (fv->cnt[VAR_XBIT] > 0 && (fv->xbits = xbits_new()) == NULL) {
        goto nomem;
    }
    de->flowvar_cnt = fv->cnt[VAR_BIT] + fv->cnt[VAR_INT] + fv->cnt[VAR_XBIT];
    return SK_OK;
nomem:
    log_error("detect: out of memory for flow variables");
    if (de->flowvars == NULL && fv != NULL) {
        free(fv->slot);
        free(fv);
        return SK_ERR_NOMEM;
    }
fail:
    detect_flowvars_free(de);
    return SK_ERR_NOMEM;
}

void
detect_flowvars_free(struct DetectEngine *de)
{
    FlowVars *fv = de->flowvars;
    if (fv == NULL) {
        return;
    }
    for (uint32_t i = 0; i < fv->cap; i++) {
        free(fv->slot[i].name);
    }
    free(fv->slot);
    xbits_free(fv->xbits);
    free(fv);
    de->flowvars = NULL;
    de->flowvar_cnt = 0;
}

/* ---- --engine-analysis details (analysis.c) ---- */

/* {"cmd": "isset", "names": [...], "operator": "or"}: the operator only for the "a|b" form,
 * as Suricata 8.0.7 writes it. */
const char *
detect_flowbits_cmd_name(const void *ctx)
{
    static const char *const cmd_name[] = {
        [FB_SET] = "set",     [FB_UNSET] = "unset",       [FB_TOGGLE] = "toggle",
        [FB_ISSET] = "isset", [FB_ISNOTSET] = "isnotset",
    };
    const FbCtx *c = ctx;
    return c->cmd < sizeof(cmd_name) / sizeof(cmd_name[0]) ? cmd_name[c->cmd] : "";
}

static void
fb_describe(JsonBuf *jb, const void *ctx)
{
    const FbCtx *c = ctx;
    json_open_obj(jb, "flowbits");
    json_str(jb, "cmd", detect_flowbits_cmd_name(ctx));
    json_open_arr(jb, "names");
    for (uint32_t i = 0; i < c->cnt; i++) {
        json_str(jb, NULL, c->names[i]);
    }
    json_close_arr(jb);
    if (c->or_form) {
        json_str(jb, "operator", "or");
    }
    json_close_obj(jb);
}

/* ---- the names of a flow's set flowbits (EVE metadata.flowbits) ---- */

unsigned
detect_flow_flowbits(const Flow *f, const char **names, unsigned max)
{
    const struct DetectFlow *d = f != NULL ? f->det : NULL;
    const FlowVars *fv = d != NULL ? d->vars : NULL;
    uint32_t ids[64];
    unsigned n = 0;

    if (fv == NULL) {
        return 0;
    }
    if (max > sizeof(ids) / sizeof(ids[0])) {
        max = sizeof(ids) / sizeof(ids[0]);
    }
    /* The table is hashed; names go out in id order (the order the rules named them), by
     * insertion into the few kept. */
    for (uint32_t i = 0; i < fv->cap; i++) {
        const VarSlot *v = &fv->slot[i];
        if (v->name == NULL || v->kind != VAR_BIT || !bit_get(d->bits, d->bit_cnt, v->id)) {
            continue;
        }
        unsigned at = n;
        while (at > 0 && ids[at - 1] > v->id) {
            at--;
        }
        if (at >= max) {
            continue;
        }
        unsigned last = n < max ? n : max - 1;
        for (unsigned k = last; k > at; k--) {
            ids[k] = ids[k - 1];
            names[k] = names[k - 1];
        }
        ids[at] = v->id;
        names[at] = v->name;
        if (n < max) {
            n++;
        }
    }
    return n;
}
