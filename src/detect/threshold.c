/* threshold.c: how often a matching rule may alert. The rule keywords threshold (type limit,
 * threshold, both, backoff) and detection_filter, and the threshold-file entries (suppress,
 * threshold / event_filter, rate_filter), as Suricata 8 reads and applies them.
 *
 * Counting state is shared by every worker (one host's flows may be on several): one table,
 * XB-style, of TH_BUCKETS x TH_WAYS entries under striped mutexes, keyed by rule, which
 * counter and the tracked address(es) or flow; an entry whose window passed is free again, and
 * a full bucket gives up its least recently used entry (bounded memory, as a memcap would).
 *
 * Windows: a hit at packet time t is inside the window opened at first when t <= first +
 * seconds; otherwise it opens a new window, counting as the first hit. Per type, the count c of
 * hits in the window decides: limit alerts while c <= count; threshold at every count-th hit;
 * both once, at the count-th; detection_filter on every hit past count; backoff on the first
 * count hits, then at count x multiplier, x multiplier^2 ...; a rate_filter switches the
 * rule's action to new_action from the hit past count, for timeout seconds (it never
 * suppresses the alert itself).
 *
 * threshold-file entries: a threshold / event_filter / rate_filter for one gen_id and sig_id
 * replaces the rule's own threshold and detection_filter; with sig_id 0 (all rules of gen_id,
 * or of every gid with gen_id 0) it applies only to rules that have neither, as Suricata. A
 * suppress entry (any sig_id form) silences the rule, for every packet or for packets whose
 * tracked address is in its ip list; the rule still matches (flowbits are still set). */
#include "detect/detect_int.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "flow/flow.h"

enum {
    TH_LIMIT,
    TH_THRESHOLD,
    TH_BOTH,
    TH_BACKOFF,
    TH_DETECTION_FILTER,
    TH_RATE,
};
enum { TRACK_NONE, TRACK_SRC, TRACK_DST, TRACK_RULE, TRACK_BOTH, TRACK_FLOW, TRACK_EITHER };

struct DetectThreshold {
    uint8_t type, track;
    uint8_t new_action; /* rate_filter: DetectAction */
    uint32_t count, seconds;
    uint32_t multiplier; /* backoff */
    uint32_t timeout;    /* rate_filter */
};

void
detect_threshold_free(struct DetectThreshold *t)
{
    free(t);
}

/* ---- option parsing shared by the keywords and the file ---- */

static char *
trim(char *p)
{
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    size_t n = strlen(p);
    while (n > 0 && isspace((unsigned char)p[n - 1])) {
        p[--n] = '\0';
    }
    return p;
}

/* Splits s at commas outside brackets into at most max trimmed parts; 0 on too many. */
static unsigned
split_commas(char *s, char **part, unsigned max)
{
    unsigned cnt = 0, depth = 0;
    char *start = s;
    for (char *p = s;; p++) {
        if (*p == '[') {
            depth++;
        } else if (*p == ']' && depth > 0) {
            depth--;
        } else if ((*p == ',' && depth == 0) || *p == '\0') {
            bool end = *p == '\0';
            if (cnt == max) {
                return 0;
            }
            *p = '\0';
            part[cnt++] = trim(start);
            if (end) {
                return cnt;
            }
            start = p + 1;
        }
    }
}

/* "key value" into key and value (value trimmed); false when there is no blank between. */
static bool
key_value(char *part, char **key, char **val)
{
    size_t n = strcspn(part, " \t");
    if (part[n] == '\0') {
        return false;
    }
    part[n] = '\0';
    *key = part;
    *val = trim(part + n + 1);
    return **val != '\0';
}

static bool
parse_u32(const char *v, uint32_t *out)
{
    int64_t n;
    if (!isdigit((unsigned char)v[0]) || !detect_parse_int(v, 0, UINT32_MAX, &n)) {
        return false;
    }
    *out = (uint32_t)n;
    return true;
}

static int
track_parse(const char *v)
{
    static const struct {
        const char *name;
        int track;
    } t[] = {{"by_src", TRACK_SRC},   {"by_dst", TRACK_DST},   {"by_rule", TRACK_RULE},
             {"by_both", TRACK_BOTH}, {"by_flow", TRACK_FLOW}, {"by_either", TRACK_EITHER}};
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        if (strcmp(t[i].name, v) == 0) {
            return t[i].track;
        }
    }
    return -1;
}

#define OPT_TYPE 0x01
#define OPT_TRACK 0x02
#define OPT_COUNT 0x04
#define OPT_SECONDS 0x08
#define OPT_MULT 0x10

/* "type X, track Y, count N, seconds M" (any order, each once) into t; the options seen go to
 * *seen. df: detection_filter's form (no type; tracks by_src, by_dst, by_flow). */
static bool
threshold_opts(char *s, bool df, struct DetectThreshold *t, unsigned *seen)
{
    char *part[8];
    unsigned cnt = split_commas(s, part, 8);
    *seen = 0;
    if (cnt == 0) {
        return false;
    }
    for (unsigned i = 0; i < cnt; i++) {
        char *k, *v;
        unsigned bit;
        if (!key_value(part[i], &k, &v)) {
            return false;
        }
        if (strcmp(k, "type") == 0 && !df) {
            bit = OPT_TYPE;
            if (strcmp(v, "limit") == 0) {
                t->type = TH_LIMIT;
            } else if (strcmp(v, "threshold") == 0) {
                t->type = TH_THRESHOLD;
            } else if (strcmp(v, "both") == 0) {
                t->type = TH_BOTH;
            } else if (strcmp(v, "backoff") == 0) {
                t->type = TH_BACKOFF;
            } else {
                return false;
            }
        } else if (strcmp(k, "track") == 0) {
            int tr = track_parse(v);
            bit = OPT_TRACK;
            if (tr < 0 || tr == TRACK_EITHER
                || (df && tr != TRACK_SRC && tr != TRACK_DST && tr != TRACK_FLOW)) {
                return false;
            }
            t->track = (uint8_t)tr;
        } else if (strcmp(k, "count") == 0) {
            bit = OPT_COUNT;
            if (!parse_u32(v, &t->count)) {
                return false;
            }
        } else if (strcmp(k, "seconds") == 0) {
            bit = OPT_SECONDS;
            if (!parse_u32(v, &t->seconds)) {
                return false;
            }
        } else if (strcmp(k, "multiplier") == 0 && !df) {
            bit = OPT_MULT;
            if (!parse_u32(v, &t->multiplier)) {
                return false;
            }
        } else {
            return false;
        }
        if (*seen & bit) {
            return false;
        }
        *seen |= bit;
    }
    return true;
}

SkResult
kw_threshold_setup(Signature *s, const char *arg, char *err)
{
    struct DetectThreshold t = {0};
    unsigned seen;
    char *copy;

    /* Suricata 8.0.7 does not see an earlier threshold while an app-layer sticky buffer is
     * current (ET has rules that repeat theirs after tls.sni): such a repeat loads, and the
     * first one counts. */
    if (s->threshold != NULL && (detect_buffers[s->cur_list].flags & DETECT_BUF_TX)) {
        return SK_OK;
    }
    if (s->threshold != NULL) {
        return detect_err(err, "multiple \"threshold\" options are not allowed in the same rule");
    }
    if (s->detection_filter != NULL) {
        return detect_err(
            err, "\"detection_filter\" and \"threshold\" are not allowed in the same rule");
    }
    copy = strdup(arg);
    if (copy == NULL) {
        return detect_nomem(err);
    }
    bool ok = threshold_opts(copy, false, &t, &seen);
    free(copy);
    if (!ok) {
        return detect_err(err, "pcre_exec parse error, ret -1, string %.80s", arg);
    }
    if (t.type == TH_BACKOFF) {
        if (seen != (OPT_TYPE | OPT_TRACK | OPT_COUNT | OPT_MULT)) {
            return detect_err(err, "type backoff needs track, count and multiplier");
        }
        if (t.track != TRACK_FLOW) {
            return detect_err(err, "backoff is only supported for track by_flow");
        }
        if (t.count == 0 || t.multiplier < 2) {
            return detect_err(err, "backoff needs a count above 0 and a multiplier above 1");
        }
    } else if (seen != (OPT_TYPE | OPT_TRACK | OPT_COUNT | OPT_SECONDS)) {
        return detect_err(err, "threshold needs type, track, count and seconds: %.80s", arg);
    }
    s->threshold = malloc(sizeof(t));
    if (s->threshold == NULL) {
        return detect_nomem(err);
    }
    *s->threshold = t;
    return SK_OK;
}

SkResult
kw_detection_filter_setup(Signature *s, const char *arg, char *err)
{
    struct DetectThreshold t = {.type = TH_DETECTION_FILTER};
    unsigned seen;
    char *copy;

    if (s->detection_filter != NULL) {
        return detect_err(err, "At most one \"detection_filter\" is allowed per rule");
    }
    if (s->threshold != NULL) {
        return detect_err(
            err, "\"detection_filter\" and \"threshold\" are not allowed in the same rule");
    }
    copy = strdup(arg);
    if (copy == NULL) {
        return detect_nomem(err);
    }
    bool ok = threshold_opts(copy, true, &t, &seen);
    free(copy);
    if (!ok) {
        return detect_err(err, "pcre_exec parse error, ret -1, string %.80s", arg);
    }
    if (seen != (OPT_TRACK | OPT_COUNT | OPT_SECONDS)) {
        return detect_err(err, "detection_filter needs track, count and seconds: %.80s", arg);
    }
    if (t.count == 0 || t.seconds == 0) {
        return detect_err(err, "found an invalid value");
    }
    s->detection_filter = malloc(sizeof(t));
    if (s->detection_filter == NULL) {
        return detect_nomem(err);
    }
    *s->detection_filter = t;
    return SK_OK;
}

/* ---- the shared counting table ---- */

#define TH_BUCKETS 8192 /* power of two */
#define TH_WAYS 4
#define TH_LOCKS 64

enum { SLOT_THRESHOLD = 1, SLOT_DF, SLOT_RATE };

typedef struct {
    /* key */
    uint32_t sig; /* Signature.num */
    uint8_t slot; /* SLOT_*; 0: empty entry */
    uint8_t track;
    SkAddr a, b;
    uint64_t flow_id;
    /* state */
    SkTime first;  /* the window's first hit */
    SkTime last;   /* last hit, for eviction */
    SkTime active; /* rate_filter: when new_action took over; 0 inactive */
    uint32_t count;
    uint32_t next; /* backoff: the next hit that alerts past count */
    bool used;     /* a window is open (first is set) */
} ThEntry;

typedef struct {
    uint32_t gid, sid; /* 0: any */
    uint8_t track;     /* TRACK_NONE, _SRC, _DST, _EITHER */
    bool has_ip;
    DetectAddr ip;
} Suppress;

typedef struct {
    uint32_t gid, sid;
    struct DetectThreshold t;
} FileThreshold;

struct DetectThresholdTable {
    pthread_mutex_t lock[TH_LOCKS];
    uint32_t seed;
    Signature **sigs;
    uint32_t sig_cnt;
    /* Per rule (by Signature.num): the threshold, detection_filter and rate_filter in force. */
    const struct DetectThreshold **th, **df, **rate;
    Suppress *sup;
    uint32_t sup_cnt;
    FileThreshold *ft;
    uint32_t ft_cnt;
    ThEntry e[TH_BUCKETS][TH_WAYS];
};

static void
entry_key(ThEntry *k, const Signature *s, uint8_t slot, const struct DetectThreshold *t,
          const Packet *p)
{
    memset(k, 0, sizeof(*k));
    k->sig = s->num;
    k->slot = slot;
    k->track = t->track;
    switch (t->track) {
    case TRACK_SRC:
        k->a = p->src;
        break;
    case TRACK_DST:
        k->a = p->dst;
        break;
    case TRACK_BOTH: {
        /* One pair for both directions, as Suricata tracks by_both. */
        bool lo = memcmp(&p->src, &p->dst, sizeof(SkAddr)) <= 0;
        k->a = lo ? p->src : p->dst;
        k->b = lo ? p->dst : p->src;
        break;
    }
    case TRACK_FLOW:
        k->flow_id = p->flow != NULL ? p->flow->flow_id : 0;
        break;
    default:
        break; /* by_rule: the rule alone */
    }
}

static uint32_t
entry_bucket(const struct DetectThresholdTable *tt, const ThEntry *k)
{
    uint32_t h = tt->seed ^ (k->sig * 2654435761u) ^ ((uint32_t)k->slot << 24) ^ k->track;
    const uint8_t *b = (const uint8_t *)&k->a;
    for (size_t i = 0; i < 2 * sizeof(SkAddr); i++) {
        h = (h ^ b[i]) * 16777619u;
    }
    h ^= (uint32_t)(k->flow_id ^ (k->flow_id >> 32)) * 2246822519u;
    return h & (TH_BUCKETS - 1);
}

static bool
entry_same(const ThEntry *e, const ThEntry *k)
{
    return e->slot == k->slot && e->sig == k->sig && e->track == k->track
           && e->flow_id == k->flow_id && memcmp(&e->a, &k->a, sizeof(SkAddr)) == 0
           && memcmp(&e->b, &k->b, sizeof(SkAddr)) == 0;
}

static bool
in_window(const ThEntry *e, const struct DetectThreshold *t, SkTime now)
{
    return t->type == TH_BACKOFF || now <= e->first + SK_TIME_FROM_SEC(t->seconds);
}

/* One hit of t at now on entry e (new entries have count 0): may the rule alert? For a
 * rate_filter, whether new_action is in force. */
static bool
entry_hit(ThEntry *e, const struct DetectThreshold *t, SkTime now)
{
    e->last = now;
    if (t->type == TH_RATE && e->active != 0) {
        if (SK_TIME_SEC(now) - SK_TIME_SEC(e->active) <= t->timeout) {
            return true;
        }
        e->active = 0; /* the timeout ran out: count afresh from this hit */
        e->used = false;
    }
    if (!e->used || !in_window(e, t, now)) {
        e->used = true;
        e->first = now;
        e->count = 0;
        e->next = t->count * t->multiplier;
    }
    e->count++;
    switch (t->type) {
    case TH_LIMIT:
        return e->count <= t->count;
    case TH_THRESHOLD:
        if (e->count >= t->count) {
            e->count = 0; /* the window keeps its start: count again within it */
            return true;
        }
        return false;
    case TH_BOTH:
        return e->count == t->count;
    case TH_DETECTION_FILTER:
        return e->count > t->count;
    case TH_BACKOFF:
        if (e->count <= t->count) {
            return true;
        }
        if (e->count == e->next) {
            uint64_t n = (uint64_t)e->next * t->multiplier;
            e->next = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
            return true;
        }
        return false;
    case TH_RATE:
        if (e->count > t->count) {
            e->active = now != 0 ? now : 1;
            return true;
        }
        return false;
    }
    return true;
}

/* Whether the entry is past any use at now: free for another key. */
static bool
entry_dead(const ThEntry *e, SkTime now, uint32_t seconds_max)
{
    return e->slot == 0 || now > e->last + SK_TIME_FROM_SEC(seconds_max);
}

static bool
table_hit(struct DetectThresholdTable *tt, const Signature *s, uint8_t slot,
          const struct DetectThreshold *t, const Packet *p)
{
    ThEntry k;
    entry_key(&k, s, slot, t, p);
    uint32_t b = entry_bucket(tt, &k);
    ThEntry *row = tt->e[b], *hit = NULL, *spare = NULL, *lru = NULL;
    /* An entry idle longer than its window (and a rate timeout) can only restart: reuse it. */
    uint32_t idle = t->seconds + (t->type == TH_RATE ? t->timeout : 0);
    bool r;

    pthread_mutex_lock(&tt->lock[b % TH_LOCKS]);
    for (int i = 0; i < TH_WAYS; i++) {
        ThEntry *e = &row[i];
        if (e->slot != 0 && entry_same(e, &k)) {
            hit = e;
            break;
        }
        if (spare == NULL && entry_dead(e, p->ts, idle)) {
            spare = e;
        }
        if (lru == NULL || e->last < lru->last) {
            lru = e;
        }
    }
    if (hit == NULL) {
        hit = spare != NULL ? spare : lru; /* a full bucket forgets its least recent entry */
        *hit = k;
    }
    r = entry_hit(hit, t, p->ts);
    pthread_mutex_unlock(&tt->lock[b % TH_LOCKS]);
    return r;
}

static bool
id_match(uint32_t gid, uint32_t sid, const Signature *s)
{
    return (gid == 0 || gid == s->gid) && (sid == 0 || sid == s->sid);
}

static bool
suppressed(const struct DetectThresholdTable *tt, const Packet *p, const Signature *s)
{
    for (uint32_t i = 0; i < tt->sup_cnt; i++) {
        const Suppress *u = &tt->sup[i];
        if (!id_match(u->gid, u->sid, s)) {
            continue;
        }
        if (!u->has_ip) {
            return true;
        }
        if ((u->track == TRACK_SRC || u->track == TRACK_EITHER)
            && detect_addr_has_pkt(&u->ip, p->ip_ver, &p->src)) {
            return true;
        }
        if ((u->track == TRACK_DST || u->track == TRACK_EITHER)
            && detect_addr_has_pkt(&u->ip, p->ip_ver, &p->dst)) {
            return true;
        }
    }
    return false;
}

bool
detect_threshold_apply(struct DetectThread *dt, const Packet *p, const Signature *s, int *action)
{
    struct DetectThresholdTable *tt = dt != NULL && dt->de != NULL ? dt->de->thresholds : NULL;
    const struct DetectThreshold *th = s->threshold, *df = s->detection_filter, *rate = NULL;

    if (tt == NULL) {
        return true; /* no table: the engine has no threshold of any kind */
    }
    if (s->num < tt->sig_cnt && tt->sigs[s->num] == s) {
        th = tt->th[s->num];
        df = tt->df[s->num];
        rate = tt->rate[s->num];
    }
    if (suppressed(tt, p, s)) {
        return false;
    }
    if (th != NULL && !table_hit(tt, s, SLOT_THRESHOLD, th, p)) {
        return false;
    }
    if (df != NULL && !table_hit(tt, s, SLOT_DF, df, p)) {
        return false;
    }
    if (rate != NULL && table_hit(tt, s, SLOT_RATE, rate, p) && action != NULL) {
        *action = rate->new_action;
    }
    return true;
}

bool
detect_threshold_allow(struct DetectThread *dt, const Packet *p, const Signature *s)
{
    return detect_threshold_apply(dt, p, s, NULL);
}

/* ---- threshold-file ---- */

static bool
file_ids(char **part, unsigned cnt, uint32_t *gid, uint32_t *sid, const char **why)
{
    char *k, *v;
    if (cnt < 2) {
        *why = "gen_id and sig_id needed";
        return false;
    }
    if (!key_value(part[0], &k, &v) || strcmp(k, "gen_id") != 0 || !parse_u32(v, gid)) {
        *why = "bad or missing gen_id";
        return false;
    }
    if (!key_value(part[1], &k, &v) || strcmp(k, "sig_id") != 0 || !parse_u32(v, sid)) {
        *why = "bad or missing sig_id";
        return false;
    }
    return true;
}

static int
action_parse(const char *v)
{
    if (strcmp(v, "alert") == 0 || strcmp(v, "log") == 0) {
        return DETECT_ACT_ALERT;
    }
    if (strcmp(v, "drop") == 0 || strcmp(v, "sdrop") == 0) {
        return DETECT_ACT_DROP;
    }
    if (strcmp(v, "pass") == 0) {
        return DETECT_ACT_PASS;
    }
    if (strcmp(v, "reject") == 0) {
        return DETECT_ACT_REJECT;
    }
    return -1;
}

/* One directive (continuations joined, comment stripped). why: the reason on failure. */
static bool
file_line(struct DetectThresholdTable *tt, const CfgNode *cfg, char *line, char *why_buf)
{
    char *part[10];
    const char *why = NULL;
    size_t n = strcspn(line, " \t");
    char *rest = line + n;
    if (*rest != '\0') {
        *rest++ = '\0';
    }
    unsigned cnt = split_commas(rest, part, 10);
    if (cnt == 0) {
        snprintf(why_buf, DETECT_ERR_MAX, "too many options");
        return false;
    }
    if (strcmp(line, "suppress") == 0) {
        Suppress u = {0};
        if (!file_ids(part, cnt, &u.gid, &u.sid, &why)) {
            goto bad;
        }
        if (cnt == 3 || cnt > 4) {
            why = "suppress takes track and ip together, or neither";
            goto bad;
        }
        if (cnt == 4) {
            char *k, *v, *k2, *v2;
            int tr;
            if (!key_value(part[2], &k, &v) || strcmp(k, "track") != 0
                || ((tr = track_parse(v)) != TRACK_SRC && tr != TRACK_DST && tr != TRACK_EITHER)) {
                why = "suppress: track must be by_src, by_dst or by_either";
                goto bad;
            }
            if (!key_value(part[3], &k2, &v2) || strcmp(k2, "ip") != 0) {
                why = "suppress: ip missing";
                goto bad;
            }
            char err[DETECT_ERR_MAX];
            if (detect_addr_parse(cfg, v2, &u.ip, err) != SK_OK) {
                snprintf(why_buf, DETECT_ERR_MAX, "suppress: bad ip \"%.60s\": %.120s", v2, err);
                return false;
            }
            u.track = (uint8_t)tr;
            u.has_ip = true;
        }
        Suppress *ns = realloc(tt->sup, (tt->sup_cnt + 1) * sizeof(*ns));
        if (ns == NULL) {
            detect_addr_fini(&u.ip);
            why = "out of memory";
            goto bad;
        }
        tt->sup = ns;
        tt->sup[tt->sup_cnt++] = u;
        return true;
    }
    FileThreshold f = {0};
    bool rate = strcmp(line, "rate_filter") == 0;
    if (!rate && strcmp(line, "threshold") != 0 && strcmp(line, "event_filter") != 0) {
        snprintf(why_buf, DETECT_ERR_MAX, "unknown directive \"%.40s\"", line);
        return false;
    }
    if (!file_ids(part, cnt, &f.gid, &f.sid, &why)) {
        goto bad;
    }
    unsigned seen = 0, want;
    if (rate) {
        /* threshold_opts reads track, count and seconds; new_action and timeout are ours. */
        int act = -1;
        bool has_timeout = false;
        char joined[512] = "";
        for (unsigned i = 2; i < cnt; i++) {
            char *k, *v;
            char tmp[256];
            snprintf(tmp, sizeof(tmp), "%s", part[i]);
            if (!key_value(tmp, &k, &v)) {
                why = "bad option";
                goto bad;
            }
            if (strcmp(k, "new_action") == 0) {
                if (act >= 0 || (act = action_parse(v)) < 0) {
                    why = "new_action must be alert, drop, pass or reject";
                    goto bad;
                }
            } else if (strcmp(k, "timeout") == 0) {
                if (has_timeout || !parse_u32(v, &f.t.timeout)) {
                    why = "bad timeout";
                    goto bad;
                }
                has_timeout = true;
            } else {
                size_t l = strlen(joined);
                snprintf(joined + l, sizeof(joined) - l, "%s%s", l ? "," : "", part[i]);
            }
        }
        if (act < 0 || !has_timeout) {
            why = "rate_filter needs new_action and timeout";
            goto bad;
        }
        if (!threshold_opts(joined, false, &f.t, &seen) || (seen & OPT_TYPE)
            || f.t.track == TRACK_FLOW) {
            why = "bad track, count or seconds";
            goto bad;
        }
        f.t.type = TH_RATE;
        f.t.new_action = (uint8_t)act;
        want = OPT_TRACK | OPT_COUNT | OPT_SECONDS;
    } else {
        char joined[512] = "";
        for (unsigned i = 2; i < cnt; i++) {
            size_t l = strlen(joined);
            snprintf(joined + l, sizeof(joined) - l, "%s%s", l ? "," : "", part[i]);
        }
        if (!threshold_opts(joined, false, &f.t, &seen) || f.t.type == TH_BACKOFF
            || f.t.track == TRACK_FLOW) {
            why = "bad type, track, count or seconds";
            goto bad;
        }
        want = OPT_TYPE | OPT_TRACK | OPT_COUNT | OPT_SECONDS;
    }
    if (seen != want) {
        why = rate ? "rate_filter needs track, count and seconds"
                   : "threshold needs type, track, count and seconds";
        goto bad;
    }
    FileThreshold *nf = realloc(tt->ft, (tt->ft_cnt + 1) * sizeof(*nf));
    if (nf == NULL) {
        why = "out of memory";
        goto bad;
    }
    tt->ft = nf;
    tt->ft[tt->ft_cnt++] = f;
    return true;
bad:
    snprintf(why_buf, DETECT_ERR_MAX, "%s", why);
    return false;
}

static void
file_load(struct DetectThresholdTable *tt, const CfgNode *cfg, const char *path)
{
    FILE *fp = fopen(path, "r");
    char buf[4096], line[8192];
    size_t len = 0;
    unsigned lineno = 0, start = 0, found = 0;

    if (fp == NULL) {
        /* Suricata 8.0.7's words; the rules run without the file's thresholds */
        log_warn("threshold-config: Error opening file: \"%s\": %s", path, strerror(errno));
        return;
    }
    while (fgets(buf, sizeof(buf), fp) != NULL) {
        size_t n = strlen(buf);
        lineno++;
        if (n > 0 && buf[n - 1] != '\n' && !feof(fp)) {
            log_error("%s:%u: line too long, skipped", path, lineno);
            int c;
            while ((c = fgetc(fp)) != EOF && c != '\n') {
            }
            len = 0;
            continue;
        }
        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) {
            buf[--n] = '\0';
        }
        if (len == 0) {
            start = lineno;
        }
        bool cont = n > 0 && buf[n - 1] == '\\';
        if (cont) {
            buf[--n] = '\0';
        }
        if (len + n + 1 >= sizeof(line)) {
            log_error("%s:%u: line too long, skipped", path, start);
            len = 0;
            continue;
        }
        memcpy(line + len, buf, n + 1);
        len += n;
        if (cont) {
            continue;
        }
        len = 0;
        char *l = trim(line);
        if (*l == '\0' || *l == '#') {
            continue;
        }
        char why[DETECT_ERR_MAX];
        if (!file_line(tt, cfg, l, why)) {
            log_error("%s:%u: %s", path, start, why);
        } else {
            found++;
        }
    }
    fclose(fp);
    log_info("threshold-config: Threshold config parsed: %u rule(s) found", found);
}

/* The file's thresholds over the rules' own: specific gen_id/sig_id entries replace what the
 * rule had, then sig_id 0 entries go to the rules that still have nothing. */
static void
file_apply(struct DetectThresholdTable *tt)
{
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t i = 0; i < tt->ft_cnt; i++) {
            const FileThreshold *f = &tt->ft[i];
            bool wild = f->sid == 0 || f->gid == 0;
            if (wild != (pass == 1)) {
                continue;
            }
            for (uint32_t n = 0; n < tt->sig_cnt; n++) {
                const Signature *s = tt->sigs[n];
                if (!id_match(f->gid, f->sid, s)) {
                    continue;
                }
                if (wild && (tt->th[n] != NULL || tt->df[n] != NULL || tt->rate[n] != NULL)) {
                    continue;
                }
                tt->th[n] = tt->df[n] = tt->rate[n] = NULL;
                if (f->t.type == TH_RATE) {
                    tt->rate[n] = &f->t;
                } else {
                    tt->th[n] = &f->t;
                }
            }
        }
    }
}

struct DetectThresholdTable *
detect_threshold_table_new_vars(const CfgNode *cfg, const char *threshold_file, Signature **sigs,
                                uint32_t sig_cnt)
{
    struct DetectThresholdTable *tt = calloc(1, sizeof(*tt));
    if (tt == NULL) {
        log_error("detect: out of memory for thresholds");
        return NULL;
    }
    for (int i = 0; i < TH_LOCKS; i++) {
        pthread_mutex_init(&tt->lock[i], NULL);
    }
    tt->seed = (uint32_t)((uintptr_t)tt >> 4) ^ (uint32_t)time_wall_now();
    tt->sigs = sigs;
    tt->sig_cnt = sig_cnt;
    tt->th = calloc(sig_cnt + 1, sizeof(*tt->th));
    tt->df = calloc(sig_cnt + 1, sizeof(*tt->df));
    tt->rate = calloc(sig_cnt + 1, sizeof(*tt->rate));
    if (tt->th == NULL || tt->df == NULL || tt->rate == NULL) {
        log_error("detect: out of memory for thresholds");
        detect_threshold_table_free(tt);
        return NULL;
    }
    for (uint32_t n = 0; n < sig_cnt; n++) {
        tt->th[n] = sigs[n]->threshold;
        tt->df[n] = sigs[n]->detection_filter;
    }
    if (threshold_file != NULL) {
        file_load(tt, cfg, threshold_file);
        file_apply(tt);
    }
    return tt;
}

struct DetectThresholdTable *
detect_threshold_table_new(const char *threshold_file, Signature **sigs, uint32_t sig_cnt)
{
    return detect_threshold_table_new_vars(NULL, threshold_file, sigs, sig_cnt);
}

void
detect_threshold_table_free(struct DetectThresholdTable *tt)
{
    if (tt == NULL) {
        return;
    }
    for (int i = 0; i < TH_LOCKS; i++) {
        pthread_mutex_destroy(&tt->lock[i]);
    }
    for (uint32_t i = 0; i < tt->sup_cnt; i++) {
        detect_addr_fini(&tt->sup[i].ip);
    }
    free(tt->sup);
    free(tt->ft);
    free(tt->th);
    free(tt->df);
    free(tt->rate);
    free(tt);
}
