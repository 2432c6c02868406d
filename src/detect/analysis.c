/* analysis.c: --engine-analysis. Writes what Suricata 8.0.7 writes for it, from the loaded rules:
 *   rules.json       one line per rule: its type (ip_only, like_ip_only, pd_only, de_only, pkt,
 *                    pkt_stream, stream, app_layer, app_tx), flags, requirements, inspection
 *                    engines, and per list the keywords with their details (DetectSmOps.describe);
 *   rule_group.json  when detect.profiling.grouping.dump-to-disk is on: Suricata's rule groups
 *                    per protocol and direction, by port.
 * Both are computed here as an analysis of the rules, the way Suricata decides them. They are
 * not a view of sekimori's own groups (build.c), which differ by design: sekimori groups by
 * destination port class, Suricata by disjoint port ranges ordered by a "score". So the
 * numbers a user compares with Suricata's output are Suricata's numbers.
 *
 * One thing the Signature does not keep is approximated: whether an address was written with a
 * '!' (see addr_looks_negated). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/log.h"
#include "detect/detect_int.h"

/* Suricata's rule types, in its names. */
typedef enum {
    AN_IPONLY,
    AN_LIKE_IPONLY,
    AN_PDONLY,
    AN_DEONLY,
    AN_PKT,
    AN_PKT_STREAM,
    AN_STREAM,
    AN_APPLAYER,
    AN_APPTX,
} AnType;

static const char *const an_type_name[] = {
    [AN_IPONLY] = "ip_only", [AN_LIKE_IPONLY] = "like_ip_only",
    [AN_PDONLY] = "pd_only", [AN_DEONLY] = "de_only",
    [AN_PKT] = "pkt",        [AN_PKT_STREAM] = "pkt_stream",
    [AN_STREAM] = "stream",  [AN_APPLAYER] = "app_layer",
    [AN_APPTX] = "app_tx",
};

/* Suricata's group scores (higher: the port gets a group of its own first). */
#define SCORE_PORT_WHITELISTED 111
#define SCORE_MPM_NEGATED 77
#define SCORE_MPM_WEAK 55 /* a one-byte fast pattern */
#define SCORE_SYN_ONLY 33

/* Suricata's requirement bits, in the order it prints them. */
enum {
    REQ_PAYLOAD = 0x01,
    REQ_FLOW = 0x02,
    REQ_ENGINE_EVENT = 0x04,
    REQ_TCP_FLAGS = 0x08,
    REQ_REAL_PKT = 0x10,
};

/* One rule as Suricata sees it. A "<>" rule is two of them in Suricata (the second with
 * sources and destinations exchanged), so it is two here too. */
typedef struct {
    const Signature *s;
    const DetectAddr *src, *dst;
    const DetectPorts *sp, *dp;
    uint8_t type; /* AnType */
    uint8_t req;  /* REQ_* */
    bool toserver, toclient;
    bool need_packet, need_stream, need_flowvar, dsize, applayer;
    bool syn, syn_only;
    const DetectContent *mpm; /* the fast pattern, NULL when none */
    unsigned mpm_list;
    int score;
    /* Suricata's rule order: action, then flowbits use, then priority, then load order. */
    uint8_t action;  /* DetectAction: pass first */
    uint8_t fb_kind; /* 0 sets, 1 sets and reads, 2 reads, 3 no flowbits */
    uint8_t severity;
    uint32_t seq;
} AnSig;

/* ---- address and port sets ---- */

static const U128 v4_max = {0, 0xffffffffu};
static const U128 v6_max = {UINT64_MAX, UINT64_MAX};

static bool
u128_eq(U128 a, U128 b)
{
    return a.hi == b.hi && a.lo == b.lo;
}

static bool
u128_is_zero(U128 a)
{
    return a.hi == 0 && a.lo == 0;
}

static bool
set_is_all(const RangeSet *rs, U128 max)
{
    return rs->cnt == 1 && u128_is_zero(rs->r[0].lo) && u128_eq(rs->r[0].hi, max);
}

static bool
addr_is_any(const DetectAddr *a)
{
    return set_is_all(&a->v4, v4_max) && set_is_all(&a->v6, v6_max);
}

static bool
ports_is_any(const DetectPorts *p)
{
    U128 max = {0, 65535};
    return set_is_all(&p->set, max);
}

/* U128 a + 1 == b */
static bool
u128_next_is(U128 a, U128 b)
{
    U128 n = a;
    n.lo++;
    if (n.lo == 0) {
        n.hi++;
    }
    return u128_eq(n, b);
}

/* Suricata types a rule whose address was written with a '!' "like_ip_only" (inspected with
 * the packet rules, not the IP-only tree). The parsed set no longer says whether a '!' was
 * written, so this looks at its shape: a negation is what makes a set that reaches an end of
 * the address space without being all of it ("!$HOME_NET"), or that has a one-address hole
 * ("[10.0.0.0/8,!10.10.10.10]"). A set written that way without '!' is taken for negated. */
static bool
family_looks_negated(const RangeSet *rs, U128 max)
{
    if (rs->cnt == 0 || set_is_all(rs, max)) {
        return false;
    }
    if (u128_is_zero(rs->r[0].lo) || u128_eq(rs->r[rs->cnt - 1].hi, max)) {
        return true;
    }
    for (uint32_t i = 1; i < rs->cnt; i++) {
        U128 gap = rs->r[i - 1].hi;
        gap.lo++;
        if (gap.lo == 0) {
            gap.hi++;
        }
        if (u128_next_is(gap, rs->r[i].lo)) {
            return true;
        }
    }
    return false;
}

static bool
addr_looks_negated(const DetectAddr *a)
{
    return family_looks_negated(&a->v4, v4_max) || family_looks_negated(&a->v6, v6_max);
}

/* A flow keyword that only gives a direction is no test for Suricata: the direction becomes
 * the rule's toserver/toclient flags and the keyword leaves the packet list. */
static bool
sm_is_shown(const Signature *s, const SigMatch *sm)
{
    return sm->kw != DETECT_KW_FLOW
           || (s->flow_flags & ~(SIG_FLOW_TOSERVER | SIG_FLOW_TOCLIENT)) != 0;
}

static uint32_t
list_shown_count(const Signature *s, unsigned l)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->lists[l].cnt; i++) {
        n += sm_is_shown(s, &s->lists[l].sm[i]);
    }
    return n;
}

/* ---- per rule: type, flags, fast pattern, score ---- */

static bool
kw_is_packet_header(DetectKeywordId kw)
{
    switch (kw) {
    case DETECT_KW_TTL:
    case DETECT_KW_TOS:
    case DETECT_KW_IPOPTS:
    case DETECT_KW_FRAGBITS:
    case DETECT_KW_FRAGOFFSET:
    case DETECT_KW_ID:
    case DETECT_KW_IP_PROTO:
    case DETECT_KW_SAMEIP:
    case DETECT_KW_FLAGS:
    case DETECT_KW_SEQ:
    case DETECT_KW_ACK:
    case DETECT_KW_WINDOW:
    case DETECT_KW_TCP_MSS:
    case DETECT_KW_ITYPE:
    case DETECT_KW_ICODE:
    case DETECT_KW_ICMP_ID:
    case DETECT_KW_ICMP_SEQ:
    case DETECT_KW_DSIZE:
        return true;
    default:
        return false;
    }
}

static bool
kw_is_event(DetectKeywordId kw)
{
    return kw == DETECT_KW_DECODE_EVENT || kw == DETECT_KW_STREAM_EVENT
           || kw == DETECT_KW_APP_LAYER_EVENT;
}

/* Protocols whose payload Suricata may inspect as a reassembled stream. */
static bool
proto_has_stream(SigProto p)
{
    return p == SIG_PROTO_TCP || p == SIG_PROTO_IP || p == SIG_PROTO_IPV4 || p == SIG_PROTO_IPV6
           || p == SIG_PROTO_TCP_STREAM;
}

/* The fast pattern as Suricata picks it among the packet buffers: the content marked
 * fast_pattern, else the longest plain content, else the longest negated one. */
static void
sig_pick_mpm(AnSig *a)
{
    const DetectContent *best = NULL, *best_neg = NULL;
    unsigned best_l = 0, best_neg_l = 0;
    for (unsigned l = DETECT_LIST_FIRST_BUFFER; l < DETECT_LIST_MAX; l++) {
        const SigMatchList *ml = &a->s->lists[l];
        for (uint32_t i = 0; i < ml->cnt; i++) {
            const DetectContent *c = ml->sm[i].ctx;
            if (ml->sm[i].kw != DETECT_KW_CONTENT) {
                continue;
            }
            if (c->flags & DETECT_CONTENT_FAST_PATTERN) {
                a->mpm = c;
                a->mpm_list = l;
                return;
            }
            if (c->flags & DETECT_CONTENT_NEGATED) {
                if (best_neg == NULL || c->len > best_neg->len) {
                    best_neg = c, best_neg_l = l;
                }
            } else if (best == NULL || c->len > best->len) {
                best = c, best_l = l;
            }
        }
    }
    a->mpm = best != NULL ? best : best_neg;
    a->mpm_list = best != NULL ? best_l : best_neg_l;
}

static bool
list_has_absolute_content(const SigMatchList *l)
{
    for (uint32_t i = 0; i < l->cnt; i++) {
        const DetectContent *c = l->sm[i].ctx;
        if (l->sm[i].kw == DETECT_KW_CONTENT
            && (c->flags
                & (DETECT_CONTENT_DEPTH | DETECT_CONTENT_OFFSET | DETECT_CONTENT_STARTSWITH))) {
            return true;
        }
    }
    return false;
}

static void
sig_classify(AnSig *a)
{
    const Signature *s = a->s;
    const SigMatchList *m = &s->lists[DETECT_LIST_MATCH];
    const SigMatchList *post = &s->lists[DETECT_LIST_POSTMATCH];
    bool has_pmatch = s->lists[DETECT_LIST_PMATCH].cnt > 0;
    bool has_pkt_buffer = false;
    bool all_alproto = m->cnt > 0, all_decode = m->cnt > 0, post_sets_only = true;

    for (unsigned l = DETECT_LIST_FIRST_BUFFER; l < DETECT_LIST_MAX; l++) {
        if (l != DETECT_LIST_PMATCH && s->lists[l].cnt > 0) {
            has_pkt_buffer = true;
        }
    }
    for (uint32_t i = 0; i < m->cnt; i++) {
        DetectKeywordId kw = m->sm[i].kw;
        all_alproto = all_alproto && kw == DETECT_KW_APP_LAYER_PROTOCOL;
        all_decode = all_decode && kw == DETECT_KW_DECODE_EVENT;
        if (kw_is_packet_header(kw)) {
            a->need_packet = true;
            a->req |= REQ_REAL_PKT;
        }
        if (kw_is_event(kw)) {
            a->req |= REQ_ENGINE_EVENT;
        }
        if (kw == DETECT_KW_DSIZE) {
            a->dsize = true;
            a->req |= REQ_PAYLOAD;
        }
        if (kw == DETECT_KW_FLAGS && detect_flags_needs_syn(m->sm[i].ctx, &a->syn_only)) {
            a->syn = true;
            a->req |= REQ_TCP_FLAGS;
        }
        if (kw == DETECT_KW_FLOW && sm_is_shown(s, &m->sm[i])) {
            a->req |= REQ_FLOW;
        }
        if (kw == DETECT_KW_FLOWBITS) {
            a->req |= REQ_FLOW;
            a->need_flowvar =
                a->need_flowvar || strcmp(detect_flowbits_cmd_name(m->sm[i].ctx), "isset") == 0;
        }
    }
    /* Suricata lets a rule stay IP-only when its effects are flowbits "set" and nothing else. */
    for (uint32_t i = 0; i < post->cnt; i++) {
        if (post->sm[i].kw != DETECT_KW_FLOWBITS
            || strcmp(detect_flowbits_cmd_name(post->sm[i].ctx), "set") != 0) {
            post_sets_only = false;
        }
    }
    if (s->flow_flags & SIG_FLOW_ONLY_STREAM) {
        a->need_stream = true;
    }
    if (s->flow_flags & SIG_FLOW_NO_STREAM) {
        a->need_packet = true;
    }
    if (s->proto == SIG_PROTO_TCP_PKT) {
        a->need_packet = true;
        a->req |= REQ_REAL_PKT;
    }
    if (s->proto == SIG_PROTO_TCP_STREAM) {
        a->need_stream = true;
    }
    if (has_pkt_buffer) {
        a->need_packet = true;
        a->req |= REQ_REAL_PKT;
    }
    if (has_pmatch) {
        a->req |= REQ_PAYLOAD;
        /* Payload of a stream protocol is inspected on the stream; a window fixed from the
         * start (depth, offset, startswith) also on each packet. dsize is per packet. */
        if (proto_has_stream(s->proto) && !a->dsize && s->proto != SIG_PROTO_TCP_PKT) {
            a->need_stream = true;
            if (list_has_absolute_content(&s->lists[DETECT_LIST_PMATCH])) {
                a->need_packet = true;
            }
        }
    }
    if (s->proto == SIG_PROTO_APP) {
        a->applayer = true;
        a->req |= REQ_FLOW;
    }
    sig_pick_mpm(a);

    a->toserver = !(s->flow_flags & SIG_FLOW_TOCLIENT);
    a->toclient = !(s->flow_flags & SIG_FLOW_TOSERVER);

    if (all_alproto && !has_pmatch && !has_pkt_buffer && post->cnt == 0) {
        a->type = AN_PDONLY;
    } else if (s->proto != SIG_PROTO_APP && m->cnt == 0 && !has_pmatch && !has_pkt_buffer
               && post_sets_only) {
        a->type =
            addr_looks_negated(a->src) || addr_looks_negated(a->dst) ? AN_LIKE_IPONLY : AN_IPONLY;
    } else if (all_decode && !has_pmatch && !has_pkt_buffer && post->cnt == 0) {
        a->type = AN_DEONLY;
    } else if (has_pkt_buffer) {
        a->type = AN_PKT;
    } else if (has_pmatch) {
        a->type = a->need_packet && !a->need_stream   ? AN_PKT
                  : a->need_stream && !a->need_packet ? AN_STREAM
                                                      : AN_PKT_STREAM;
    } else if (m->cnt > 0) {
        a->type = AN_PKT;
    } else if (s->proto == SIG_PROTO_APP) {
        a->type = AN_APPLAYER;
    } else {
        a->type = AN_PKT;
    }

    /* The score a rule gives the groups of its ports (not for "any" ports): rules Suricata
     * deems poor are kept apart so they do not burden the others. */
    const DetectPorts *p = a->toserver ? a->dp : a->sp;
    if (!ports_is_any(p)) {
        if (a->syn) {
            a->score = SCORE_SYN_ONLY;
        } else if (a->mpm != NULL && (a->mpm->flags & DETECT_CONTENT_NEGATED)) {
            a->score = SCORE_MPM_NEGATED;
        } else if (a->mpm != NULL && a->mpm->len == 1) {
            a->score = SCORE_MPM_WEAK;
        }
    }
}

/* Suricata orders the rules (rules.json, and the rules of each group) by action, then puts
 * those setting flowbits before those reading them, then by priority; sekimori's engine order
 * agrees on action and priority. */
static uint8_t
sig_flowbits_kind(const Signature *s)
{
    bool sets = false, reads = false;
    for (uint32_t i = 0; i < s->lists[DETECT_LIST_POSTMATCH].cnt; i++) {
        sets = sets || s->lists[DETECT_LIST_POSTMATCH].sm[i].kw == DETECT_KW_FLOWBITS;
    }
    for (uint32_t i = 0; i < s->lists[DETECT_LIST_MATCH].cnt; i++) {
        reads = reads || s->lists[DETECT_LIST_MATCH].sm[i].kw == DETECT_KW_FLOWBITS;
    }
    return sets && reads ? 1 : sets ? 0 : reads ? 2 : 3;
}

static int
an_order_cmp(const void *x, const void *y)
{
    const AnSig *a = x, *b = y;
    if (a->action != b->action) {
        return a->action < b->action ? -1 : 1;
    }
    if (a->fb_kind != b->fb_kind) {
        return a->fb_kind < b->fb_kind ? -1 : 1;
    }
    if (a->severity != b->severity) {
        return a->severity < b->severity ? -1 : 1;
    }
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* ---- rules.json ---- */

static const char *
list_name(unsigned l)
{
    switch (l) {
    case DETECT_LIST_MATCH:
        return "packet";
    case DETECT_LIST_PMATCH:
        return "payload";
    case DETECT_LIST_POSTMATCH:
        return "postmatch";
    default:
        return detect_buffers[l].name;
    }
}

/* Suricata 8 lists some keywords under their newer names. */
static const char *
kw_name(DetectKeywordId kw)
{
    switch (kw) {
    case DETECT_KW_FLAGS:
        return "tcp.flags";
    case DETECT_KW_SEQ:
        return "tcp.seq";
    case DETECT_KW_ACK:
        return "tcp.ack";
    default:
        return detect_keywords[kw].name;
    }
}

/* Does Suricata inspect the fast pattern only once (no window, no relative follower)? */
static bool
mpm_no_double_inspect(const DetectContent *c)
{
    return !(c->flags
             & (DETECT_CONTENT_NEGATED | DETECT_CONTENT_DEPTH | DETECT_CONTENT_OFFSET
                | DETECT_CONTENT_DISTANCE | DETECT_CONTENT_WITHIN | DETECT_CONTENT_STARTSWITH
                | DETECT_CONTENT_ENDSWITH | DETECT_CONTENT_RELATIVE_NEXT));
}

/* A content's fields with what only the rule knows added (is_mpm, no_double_inspect), as one
 * JSON object under key; before is written first inside it (the "mpm" object's buffer). The
 * keyword's describe writes {"content": {...}} into a scratch buffer whose inside is reused. */
static void
write_content(JsonBuf *jb, const char *key, const SigMatch *sm, const AnSig *a, const char *before)
{
    const DetectContent *c = sm->ctx;
    bool is_mpm = c == a->mpm;
    JsonBuf tmp;
    if (sm->ops == NULL || sm->ops->describe == NULL || !json_init(&tmp, 256)) {
        return;
    }
    json_open_obj(&tmp, NULL);
    sm->ops->describe(&tmp, sm->ctx);
    json_close_obj(&tmp);
    const char *open = tmp.oom || tmp.len < 2 ? NULL : memchr(tmp.buf + 1, '{', tmp.len - 1);
    if (open != NULL && tmp.buf[tmp.len - 1] == '}' && tmp.buf[tmp.len - 2] == '}') {
        const char *fields = open + 1;
        size_t n = (size_t)(tmp.buf + tmp.len - 2 - fields);
        size_t cap = n + (before != NULL ? strlen(before) : 0) + 64;
        char *raw = malloc(cap);
        if (raw != NULL) {
            int w = snprintf(raw, cap, "{%s%s%.*s,\"is_mpm\":%s,\"no_double_inspect\":%s}",
                             before != NULL ? before : "", before != NULL ? "," : "", (int)n,
                             fields, is_mpm ? "true" : "false",
                             is_mpm && mpm_no_double_inspect(c) ? "true" : "false");
            if (w > 0 && (size_t)w < cap) {
                json_raw(jb, key, raw, (size_t)w);
            }
            free(raw);
        }
    }
    json_fini(&tmp);
}

static void
write_matches(JsonBuf *jb, const AnSig *a, const SigMatchList *l)
{
    json_open_arr(jb, "matches");
    for (uint32_t i = 0; i < l->cnt; i++) {
        const SigMatch *sm = &l->sm[i];
        if (!sm_is_shown(a->s, sm)) {
            continue;
        }
        json_open_obj(jb, NULL);
        json_str(jb, "name", kw_name(sm->kw));
        if (sm->kw == DETECT_KW_CONTENT) {
            write_content(jb, "content", sm, a, NULL);
        } else if (sm->ops != NULL && sm->ops->describe != NULL && sm->ctx != NULL) {
            sm->ops->describe(jb, sm->ctx);
        }
        json_close_obj(jb);
    }
    json_close_arr(jb);
}

/* The rule's "mpm" object: the buffer, then the fast pattern's content fields. a->mpm_list
 * is one of the packet's buffers (the app layer has none yet). */
static void
write_mpm(JsonBuf *jb, const AnSig *a)
{
    const SigMatchList *l = &a->s->lists[a->mpm_list];
    char before[96];
    /* Suricata 8.0.7 names every packet buffer's fast pattern "payload" here. */
    snprintf(before, sizeof(before), "\"buffer\":\"payload\"");
    for (uint32_t i = 0; i < l->cnt; i++) {
        if (l->sm[i].ctx == a->mpm) {
            write_content(jb, "mpm", &l->sm[i], a, before);
            return;
        }
    }
}

static void
write_actions(JsonBuf *jb, const Signature *s)
{
    json_open_arr(jb, "actions");
    if (!(s->flags & SIG_F_NOALERT)) {
        switch (s->action) {
        case SIG_ACT_PASS:
            json_str(jb, NULL, "pass");
            break;
        case SIG_ACT_ALERT:
            json_str(jb, NULL, "alert");
            break;
        case SIG_ACT_DROP:
            json_str(jb, NULL, "alert");
            json_str(jb, NULL, "drop");
            break;
        default: /* the reject family */
            json_str(jb, NULL, "alert");
            json_str(jb, NULL, "drop");
            json_str(jb, NULL, "reject");
            break;
        }
    }
    json_close_arr(jb);
}

static const char *
an_scope(uint8_t type)
{
    switch ((AnType)type) {
    case AN_PKT:
    case AN_DEONLY:
        return "packet";
    case AN_PKT_STREAM:
    case AN_STREAM:
        return "flow_if_stateful";
    default:
        return "flow";
    }
}

static void
write_rule(JsonBuf *jb, const AnSig *a)
{
    const Signature *s = a->s;
    static const char *const req_name[] = {"payload", "flow", "engine_event",
                                           "tcp_flags_init_deinit", "real_pkt"};

    json_open_obj(jb, NULL);
    json_str(jb, "class", "threat detection");
    if (s->raw != NULL) {
        json_str(jb, "raw", s->raw);
    }
    json_u64(jb, "id", s->sid);
    json_u64(jb, "gid", s->gid);
    json_u64(jb, "rev", s->rev);
    if (s->msg != NULL) {
        json_str(jb, "msg", s->msg);
    }
    if (s->proto == SIG_PROTO_APP) {
        /* "http" covers HTTP/1 and HTTP/2 in Suricata 8, which names it so. */
        json_str(jb, "app_proto", strcmp(s->app_proto, "http") == 0 ? "http_any" : s->app_proto);
    } else {
        json_str(jb, "app_proto", "unknown");
    }
    json_open_arr(jb, "requirements");
    for (unsigned b = 0; b < sizeof(req_name) / sizeof(req_name[0]); b++) {
        if (a->req & (1u << b)) {
            json_str(jb, NULL, req_name[b]);
        }
    }
    json_close_arr(jb);
    json_open_obj(jb, "match_policy");
    write_actions(jb, s);
    json_str(jb, "scope", an_scope(a->type));
    json_close_obj(jb);
    json_str(jb, "type", an_type_name[a->type]);

    /* Suricata's signature flags, in its bit order. */
    json_open_arr(jb, "flags");
    const struct {
        bool on;
        const char *name;
    } flags[] = {
        {addr_is_any(a->src), "src_any"},
        {addr_is_any(a->dst), "dst_any"},
        {ports_is_any(a->sp), "sp_any"},
        {ports_is_any(a->dp), "dp_any"},
        {(s->flags & SIG_F_NOALERT) != 0 || s->action == SIG_ACT_PASS, "noalert"},
        {a->dsize, "dsize"},
        {a->applayer, "applayer"},
        {a->need_packet, "need_packet"},
        {a->need_stream, "need_stream"},
        {a->mpm != NULL && (a->mpm->flags & DETECT_CONTENT_NEGATED), "negated_mpm"},
        {a->need_flowvar, "need_flowvar"},
        {a->toserver, "toserver"},
        {a->toclient, "toclient"},
        {a->mpm != NULL || (s->flags & SIG_F_PREFILTER), "prefilter"},
    };
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        if (flags[i].on) {
            json_str(jb, NULL, flags[i].name);
        }
    }
    json_close_arr(jb);

    /* Inspection engines of the packet: the payload, the header buffers, the packet tests. */
    json_open_arr(jb, "pkt_engines");
    if (s->lists[DETECT_LIST_PMATCH].cnt > 0) {
        json_open_obj(jb, NULL);
        json_str(jb, "name", "payload");
        json_bool(jb, "is_mpm", a->mpm != NULL && a->mpm_list == DETECT_LIST_PMATCH);
        json_close_obj(jb);
    }
    for (unsigned l = DETECT_LIST_FIRST_BUFFER; l < DETECT_LIST_MAX; l++) {
        if (l == DETECT_LIST_PMATCH || s->lists[l].cnt == 0) {
            continue;
        }
        json_open_obj(jb, NULL);
        json_str(jb, "name", list_name(l));
        json_bool(jb, "is_mpm", a->mpm != NULL && a->mpm_list == l);
        write_matches(jb, a, &s->lists[l]);
        json_close_obj(jb);
    }
    if (list_shown_count(s, DETECT_LIST_MATCH) > 0) {
        json_open_obj(jb, NULL);
        json_str(jb, "name", "packet");
        json_bool(jb, "is_mpm", false);
        json_close_obj(jb);
    }
    json_close_arr(jb);
    json_open_arr(jb, "frame_engines");
    json_close_arr(jb);

    json_open_obj(jb, "lists");
    static const unsigned shown[] = {DETECT_LIST_MATCH, DETECT_LIST_PMATCH, DETECT_LIST_POSTMATCH};
    for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
        if (list_shown_count(s, shown[i]) > 0) {
            json_open_obj(jb, list_name(shown[i]));
            write_matches(jb, a, &s->lists[shown[i]]);
            json_close_obj(jb);
        }
    }
    if (s->threshold != NULL || s->detection_filter != NULL) {
        json_open_obj(jb, "threshold");
        json_open_arr(jb, "matches");
        if (s->threshold != NULL) {
            json_open_obj(jb, NULL);
            json_str(jb, "name", "threshold");
            json_close_obj(jb);
        }
        if (s->detection_filter != NULL) {
            json_open_obj(jb, NULL);
            json_str(jb, "name", "detection_filter");
            json_close_obj(jb);
        }
        json_close_arr(jb);
        json_close_obj(jb);
    }
    json_close_obj(jb);
    if (a->mpm != NULL) {
        write_mpm(jb, a);
    }
    json_close_obj(jb);
    json_end_line(jb);
}

/* ---- rule_group.json: Suricata's port grouping ---- */

/* A rule's protocols, as IP protocol numbers. App-layer rules are on TCP, and those of the
 * protocols Suricata also (or only) runs over UDP on UDP. */
static bool
sig_has_ipproto(const Signature *s, unsigned ipproto)
{
    static const char *const udp_only[] = {"dhcp", "ntp", "tftp", "ike", "quic", "snmp"};
    static const char *const udp_too[] = {"dns", "krb5", "nfs", "sip"};
    switch (s->proto) {
    case SIG_PROTO_IP:
    case SIG_PROTO_IPV4:
    case SIG_PROTO_IPV6:
        return true;
    case SIG_PROTO_TCP:
    case SIG_PROTO_TCP_PKT:
    case SIG_PROTO_TCP_STREAM:
        return ipproto == 6;
    case SIG_PROTO_UDP:
        return ipproto == 17;
    case SIG_PROTO_ICMP:
        return ipproto == 1 || ipproto == 58;
    case SIG_PROTO_ICMPV4:
        return ipproto == 1;
    case SIG_PROTO_ICMPV6:
        return ipproto == 58;
    case SIG_PROTO_SCTP:
        return ipproto == 132;
    case SIG_PROTO_APP:
        for (size_t i = 0; i < sizeof(udp_only) / sizeof(udp_only[0]); i++) {
            if (strcmp(s->app_proto, udp_only[i]) == 0) {
                return ipproto == 17;
            }
        }
        for (size_t i = 0; i < sizeof(udp_too) / sizeof(udp_too[0]); i++) {
            if (strcmp(s->app_proto, udp_too[i]) == 0) {
                return ipproto == 6 || ipproto == 17;
            }
        }
        return ipproto == 6;
    }
    return false;
}

/* Does rule group of (ipproto, direction) hold a? IP-only rules have their own engine. */
static bool
an_in_group(const AnSig *a, unsigned ipproto, bool toserver)
{
    if (a->type == AN_IPONLY || !sig_has_ipproto(a->s, ipproto)) {
        return false;
    }
    if (toserver ? !a->toserver : !a->toclient) {
        return false;
    }
    /* Suricata leaves a SYN-only rule on given ports out of the to-client groups when no
     * direction was given: such scans come from clients. */
    if (!toserver && ipproto == 6 && a->syn && a->syn_only && a->toserver && a->toclient
        && !ports_is_any(a->dp)) {
        return false;
    }
    return true;
}

/* A set of rules (indexes into the AnSig array, ascending) as a bitmap. */
typedef struct {
    uint64_t *bits;
    uint32_t cnt; /* rules in it */
} RuleSet;

typedef struct {
    uint16_t lo, hi;
    int score;
    RuleSet rules;
    uint32_t id;
} PortGroup;

typedef struct {
    const AnSig *sigs;
    uint32_t sig_cnt, words;
    uint32_t next_id;      /* group ids: one count over the whole build, as Suricata's */
    bool include_rules;    /* detect.profiling.grouping.include-rules */
    const CfgNode *cfg;    /* tcp-whitelist, udp-whitelist, profile */
    uint16_t toserver_max; /* unique groups per direction before the rest are joined */
    uint16_t toclient_max;
    /* The rule sets given an id so far in this pass (Suricata deduplicates identical groups
     * within one protocol and direction for ports, and across the whole non-port pass). */
    RuleSet *seen;
    uint32_t *seen_id;
    uint32_t seen_cnt, seen_cap;
    bool oom;
} GroupCtx;

static bool
ruleset_new(GroupCtx *g, RuleSet *rs)
{
    rs->cnt = 0;
    rs->bits = calloc(g->words > 0 ? g->words : 1, sizeof(uint64_t));
    if (rs->bits == NULL) {
        g->oom = true;
    }
    return rs->bits != NULL;
}

static void
ruleset_add(RuleSet *rs, uint32_t i)
{
    uint64_t bit = 1ull << (i % 64);
    if (!(rs->bits[i / 64] & bit)) {
        rs->bits[i / 64] |= bit;
        rs->cnt++;
    }
}

static void
ruleset_union(const GroupCtx *g, RuleSet *to, const RuleSet *from)
{
    for (uint32_t w = 0; w < g->words; w++) {
        uint64_t add = from->bits[w] & ~to->bits[w];
        to->bits[w] |= add;
        to->cnt += (uint32_t)__builtin_popcountll(add);
    }
}

static bool
ruleset_eq(const GroupCtx *g, const RuleSet *a, const RuleSet *b)
{
    return a->cnt == b->cnt && memcmp(a->bits, b->bits, g->words * sizeof(uint64_t)) == 0;
}

/* The id of rule set rs: that of an identical set seen before in this pass, else a new one. */
static uint32_t
group_id(GroupCtx *g, const RuleSet *rs)
{
    for (uint32_t i = 0; i < g->seen_cnt; i++) {
        if (ruleset_eq(g, &g->seen[i], rs)) {
            return g->seen_id[i];
        }
    }
    if (g->seen_cnt == g->seen_cap) {
        uint32_t cap = g->seen_cap ? g->seen_cap * 2 : 16;
        RuleSet *ns = realloc(g->seen, cap * sizeof(*ns));
        if (ns != NULL) {
            g->seen = ns;
        }
        uint32_t *ni = ns != NULL ? realloc(g->seen_id, cap * sizeof(*ni)) : NULL;
        if (ni == NULL) {
            g->oom = true;
            return g->next_id++;
        }
        g->seen_id = ni;
        g->seen_cap = cap;
    }
    g->seen[g->seen_cnt] = *rs; /* borrowed: the caller keeps rs alive for the pass */
    g->seen_id[g->seen_cnt++] = g->next_id;
    return g->next_id++;
}

static void
pass_reset(GroupCtx *g)
{
    g->seen_cnt = 0;
}

/* Is port range [lo, hi] on the protocol's whitelist (detect.grouping.tcp-whitelist /
 * udp-whitelist; Suricata's defaults otherwise)? Only a rule port written as exactly that
 * port counts. */
static bool
port_whitelisted(const GroupCtx *g, unsigned ipproto, uint16_t lo, uint16_t hi)
{
    const char *list = NULL;
    if (g->cfg != NULL) {
        (void)cfg_get_str(g->cfg,
                          ipproto == 6 ? "detect.grouping.tcp-whitelist"
                                       : "detect.grouping.udp-whitelist",
                          &list);
    }
    if (list == NULL) {
        list = ipproto == 6 ? "53, 80, 139, 443, 445, 1433, 3306, 3389, 6666, 6667, 8080"
                            : "53, 135, 5060";
    }
    if (lo != hi) {
        return false;
    }
    for (const char *p = list; *p != '\0';) {
        char *end;
        unsigned long v = strtoul(p, &end, 10);
        if (end == p) {
            p++;
            continue;
        }
        if (v == lo) {
            return true;
        }
        p = end;
    }
    return false;
}

static void
write_group(JsonBuf *jb, const GroupCtx *g, const PortGroup *pg)
{
    uint32_t mpm = 0, neg = 0, depth = 0, endswith = 0, syn = 0, any5 = 0, payload = 0;
    json_open_obj(jb, "rulegroup");
    json_u64(jb, "id", pg->id);
    if (g->include_rules) {
        json_open_arr(jb, "rules");
    }
    for (uint32_t i = 0; i < g->sig_cnt; i++) {
        if (!(pg->rules.bits[i / 64] & (1ull << (i % 64)))) {
            continue;
        }
        const AnSig *a = &g->sigs[i];
        if (g->include_rules) {
            json_open_obj(jb, NULL);
            json_u64(jb, "sig_id", a->s->sid);
            json_close_obj(jb);
        }
        if (a->mpm != NULL) {
            mpm++;
            neg += (a->mpm->flags & DETECT_CONTENT_NEGATED) != 0;
            depth += (a->mpm->flags & DETECT_CONTENT_DEPTH) != 0;
            endswith += (a->mpm->flags & DETECT_CONTENT_ENDSWITH) != 0;
            payload += a->mpm_list == DETECT_LIST_PMATCH;
        } else if (addr_is_any(a->src) && addr_is_any(a->dst) && ports_is_any(a->sp)
                   && ports_is_any(a->dp)) {
            any5++;
        }
        syn += a->syn;
    }
    if (g->include_rules) {
        json_close_arr(jb);
    }
    json_open_obj(jb, "stats");
    json_u64(jb, "total", pg->rules.cnt);
    json_open_obj(jb, "types");
    json_u64(jb, "mpm", mpm);
    json_u64(jb, "non_mpm", pg->rules.cnt - mpm);
    json_u64(jb, "mpm_depth", depth);
    json_u64(jb, "mpm_endswith", endswith);
    json_u64(jb, "negated_mpm", neg);
    json_u64(jb, "payload_but_no_mpm", 0);
    json_u64(jb, "prefilter", 0);
    json_u64(jb, "syn", syn);
    json_u64(jb, "any5", any5);
    json_close_obj(jb);
    json_open_obj(jb, "payload");
    json_u64(jb, "total", pg->rules.cnt);
    if (payload > 0) {
        json_u64(jb, "payload", payload);
    }
    json_close_obj(jb);
    json_close_obj(jb);
    json_i64(jb, "score", pg->score);
    json_close_obj(jb);
}

/* Stable order: higher score first, then more rules; ties keep port order. */
static int
port_group_cmp(const PortGroup *x, const PortGroup *y)
{
    if (x->score != y->score) {
        return x->score > y->score ? -1 : 1;
    }
    if (x->rules.cnt != y->rules.cnt) {
        return x->rules.cnt > y->rules.cnt ? -1 : 1;
    }
    return 0;
}

static void
port_groups_sort(PortGroup *pg, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) { /* insertion sort: stable, and n is small */
        PortGroup t = pg[i];
        uint32_t j = i;
        while (j > 0 && port_group_cmp(&t, &pg[j - 1]) < 0) {
            pg[j] = pg[j - 1];
            j--;
        }
        pg[j] = t;
    }
}

static int
u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The groups of one port protocol and direction. Each rule's port ranges (destination ports
 * to the server, source ports to the client) cut the port space into disjoint pieces, each
 * holding every rule one of whose ranges covers it; pieces are ordered by score and size, the
 * first max keep a group of their own and the rest share one (0-65535); identical rule sets
 * share an id. */
typedef struct {
    PortGroup *pg;
    uint32_t n;
} PortList;

static void
port_list_free(PortList *pl)
{
    for (uint32_t i = 0; i < pl->n; i++) {
        free(pl->pg[i].rules.bits);
    }
    free(pl->pg);
    pl->pg = NULL;
    pl->n = 0;
}

static void
port_list_build(GroupCtx *g, unsigned ipproto, bool toserver, PortList *pl)
{
    uint32_t *cuts = NULL, ncut = 0, cap = 0;
    PortGroup *pg = NULL;
    uint32_t npg = 0;

    for (uint32_t i = 0; i < g->sig_cnt; i++) {
        const AnSig *a = &g->sigs[i];
        if (!an_in_group(a, ipproto, toserver)) {
            continue;
        }
        const RangeSet *rs = toserver ? &a->dp->set : &a->sp->set;
        for (uint32_t r = 0; r < rs->cnt; r++) {
            if (ncut + 2 > cap) {
                cap = cap ? cap * 2 : 64;
                uint32_t *nc = realloc(cuts, cap * sizeof(*nc));
                if (nc == NULL) {
                    g->oom = true;
                    goto out;
                }
                cuts = nc;
            }
            cuts[ncut++] = (uint32_t)rs->r[r].lo.lo;
            cuts[ncut++] = (uint32_t)rs->r[r].hi.lo + 1;
        }
    }
    if (ncut == 0) {
        goto out;
    }
    if (ncut > 1) {
        qsort(cuts, ncut, sizeof(*cuts), u32_cmp);
    }
    uint32_t u = 0;
    for (uint32_t i = 0; i < ncut; i++) {
        if (u == 0 || cuts[u - 1] != cuts[i]) {
            cuts[u++] = cuts[i];
        }
    }
    ncut = u;
    pg = calloc(ncut, sizeof(*pg));
    if (pg == NULL) {
        g->oom = true;
        goto out;
    }
    /* The pieces between consecutive cuts; a piece no rule covers is dropped. */
    for (uint32_t c = 0; c + 1 < ncut; c++) {
        PortGroup *p = &pg[npg];
        p->lo = (uint16_t)cuts[c];
        p->hi = (uint16_t)(cuts[c + 1] - 1);
        if (!ruleset_new(g, &p->rules)) {
            goto out;
        }
        for (uint32_t i = 0; i < g->sig_cnt; i++) {
            const AnSig *a = &g->sigs[i];
            if (!an_in_group(a, ipproto, toserver)) {
                continue;
            }
            const RangeSet *rs = toserver ? &a->dp->set : &a->sp->set;
            for (uint32_t r = 0; r < rs->cnt; r++) {
                uint32_t lo = (uint32_t)rs->r[r].lo.lo, hi = (uint32_t)rs->r[r].hi.lo;
                if (lo <= p->lo && p->hi <= hi) {
                    int sc = port_whitelisted(g, ipproto, (uint16_t)lo, (uint16_t)hi)
                                 ? SCORE_PORT_WHITELISTED
                                 : 0;
                    sc = sc > a->score ? sc : a->score;
                    p->score = sc > p->score ? sc : p->score;
                    ruleset_add(&p->rules, i);
                }
            }
        }
        if (p->rules.cnt == 0) {
            free(p->rules.bits);
            p->rules.bits = NULL;
            continue;
        }
        npg++;
    }
    port_groups_sort(pg, npg);
    uint16_t max = toserver ? g->toserver_max : g->toclient_max;
    if (npg > max) {
        /* The rest share one group, which Suricata shows as the whole port space. */
        PortGroup *j = &pg[max];
        j->lo = 0;
        j->hi = 65535;
        for (uint32_t i = max + 1u; i < npg; i++) {
            ruleset_union(g, &j->rules, &pg[i].rules);
            j->score = pg[i].score > j->score ? pg[i].score : j->score;
            free(pg[i].rules.bits);
        }
        npg = max + 1u;
    }
    pass_reset(g);
    for (uint32_t i = 0; i < npg; i++) {
        pg[i].id = group_id(g, &pg[i].rules);
    }
    pass_reset(g);
out:
    pl->pg = pg;
    pl->n = npg;
    free(cuts);
}

static void
port_list_write(JsonBuf *jb, const GroupCtx *g, const PortList *pl, const char *key)
{
    json_open_arr(jb, key);
    for (uint32_t i = 0; i < pl->n; i++) {
        json_open_obj(jb, NULL);
        json_u64(jb, "port", pl->pg[i].lo);
        json_u64(jb, "port2", pl->pg[i].hi);
        write_group(jb, g, &pl->pg[i]);
        json_close_obj(jb);
    }
    json_close_arr(jb);
}

/* The groups of the protocols without ports: one per protocol and direction. Suricata builds
 * them for every IP protocol (to-server ones first, then to-client, identical sets sharing an
 * id across the pass) and shows ICMPv4's and ICMPv6's. Protocols no rule names explicitly all
 * get the "any protocol" rules: proto 0 stands for them, in its place. */
typedef struct {
    RuleSet rules[2][4]; /* [toclient][proto 0, 1, 58, 132] */
    uint32_t id[2][4];
    bool have[2][4];
} ProtoGroups;

static const unsigned proto_rep[4] = {0, 1, 58, 132};

static void
proto_groups_build(GroupCtx *g, ProtoGroups *pgs)
{
    pass_reset(g);
    for (int dir = 0; dir < 2; dir++) {
        for (int k = 0; k < 4; k++) {
            if (!ruleset_new(g, &pgs->rules[dir][k])) {
                return;
            }
            for (uint32_t i = 0; i < g->sig_cnt; i++) {
                if (an_in_group(&g->sigs[i], proto_rep[k], dir == 0)) {
                    ruleset_add(&pgs->rules[dir][k], i);
                }
            }
            pgs->have[dir][k] = pgs->rules[dir][k].cnt > 0;
            if (pgs->have[dir][k]) {
                pgs->id[dir][k] = group_id(g, &pgs->rules[dir][k]);
            }
        }
    }
    pass_reset(g);
}

static void
write_proto_groups(JsonBuf *jb, const GroupCtx *g, const ProtoGroups *pgs, int k, const char *key)
{
    json_open_obj(jb, key);
    for (int dir = 0; dir < 2; dir++) {
        if (pgs->rules[dir][k].bits == NULL || !pgs->have[dir][k]) {
            continue;
        }
        PortGroup pg = {.rules = pgs->rules[dir][k], .id = pgs->id[dir][k]};
        json_open_obj(jb, dir == 0 ? "toserver" : "toclient");
        write_group(jb, g, &pg);
        json_close_obj(jb);
    }
    json_close_obj(jb);
}

static void
group_limits(GroupCtx *g)
{
    const char *profile = "medium";
    g->toserver_max = 40;
    g->toclient_max = 20;
    if (g->cfg == NULL) {
        return;
    }
    (void)cfg_get_str(g->cfg, "detect.profile", &profile);
    if (strcmp(profile, "low") == 0) {
        g->toserver_max = 25, g->toclient_max = 15;
    } else if (strcmp(profile, "high") == 0) {
        g->toserver_max = 75, g->toclient_max = 75;
    } else if (strcmp(profile, "custom") == 0) {
        int64_t v;
        if (cfg_get_int(g->cfg, "detect.custom-values.toserver-groups", 1, 65535, &v) == SK_OK) {
            g->toserver_max = (uint16_t)v;
        }
        if (cfg_get_int(g->cfg, "detect.custom-values.toclient-groups", 1, 65535, &v) == SK_OK) {
            g->toclient_max = (uint16_t)v;
        }
    }
}

static void
write_rule_groups(JsonBuf *jb, GroupCtx *g)
{
    ProtoGroups pgs;
    PortList ports[4]; /* tcp to server, to client, udp to server, to client */
    memset(&pgs, 0, sizeof(pgs));
    memset(ports, 0, sizeof(ports));
    group_limits(g);

    /* Built in Suricata's order, which gives the ids; written in its output order. */
    for (int i = 0; i < 4; i++) {
        port_list_build(g, i < 2 ? 6 : 17, i % 2 == 0, &ports[i]);
    }
    proto_groups_build(g, &pgs);

    json_open_obj(jb, NULL);
    write_proto_groups(jb, g, &pgs, 1, "icmpv4");
    for (int p = 0; p < 2; p++) {
        json_open_obj(jb, p == 0 ? "tcp" : "udp");
        port_list_write(jb, g, &ports[p * 2], "toserver");
        port_list_write(jb, g, &ports[p * 2 + 1], "toclient");
        json_close_obj(jb);
    }
    write_proto_groups(jb, g, &pgs, 2, "icmpv6");
    json_close_obj(jb);
    json_end_line(jb);
    for (int i = 0; i < 4; i++) {
        port_list_free(&ports[i]);
    }
    for (int dir = 0; dir < 2; dir++) {
        for (int k = 0; k < 4; k++) {
            free(pgs.rules[dir][k].bits);
        }
    }
}

/* ---- entry ---- */

static FILE *
file_open(const char *dir, const char *name, char *path, size_t cap)
{
    int n = snprintf(path, cap, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= cap) {
        log_error("engine analysis: the path of %s is too long", name);
        return NULL;
    }
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        log_error("engine analysis: cannot open %s: %s", path, strerror(errno));
    }
    return f;
}

static SkResult
file_close(FILE *f, const char *path, bool ok)
{
    ok = fclose(f) == 0 && ok;
    if (!ok) {
        log_error("engine analysis: cannot write %s", path);
        return SK_ERR_IO;
    }
    log_info("engine analysis: written to %s", path);
    return SK_OK;
}

/* One line per rule, each built in jb then written, so memory does not grow with the set. */
static SkResult
rules_json_write(const char *dir, const AnSig *sigs, uint32_t n, JsonBuf *jb)
{
    char path[4096];
    FILE *f = file_open(dir, "rules.json", path, sizeof(path));
    bool ok = true;
    if (f == NULL) {
        return SK_ERR_IO;
    }
    for (uint32_t i = 0; i < n && ok; i++) {
        json_reset(jb);
        write_rule(jb, &sigs[i]);
        if (jb->oom) {
            fclose(f);
            return SK_ERR_NOMEM;
        }
        ok = fwrite(jb->buf, 1, jb->len, f) == jb->len;
    }
    return file_close(f, path, ok);
}

static SkResult
rule_group_json_write(const char *dir, GroupCtx *g, JsonBuf *jb)
{
    char path[4096];
    json_reset(jb);
    write_rule_groups(jb, g);
    if (g->oom || jb->oom) {
        return SK_ERR_NOMEM;
    }
    FILE *f = file_open(dir, "rule_group.json", path, sizeof(path));
    if (f == NULL) {
        return SK_ERR_IO;
    }
    return file_close(f, path, fwrite(jb->buf, 1, jb->len, f) == jb->len);
}

SkResult
detect_engine_analysis_write(const DetectEngine *de, const CfgNode *cfg, const char *log_dir)
{
    uint32_t n = 0;
    SkResult rc;
    JsonBuf jb;
    GroupCtx g;
    memset(&g, 0, sizeof(g));

    if (cfg == NULL && de != NULL) {
        cfg = de->cfg.vars;
    }
    uint32_t sig_cnt = de != NULL ? de->sig_cnt : 0;
    AnSig *sigs = calloc(sig_cnt > 0 ? sig_cnt * 2u : 1u, sizeof(*sigs));
    if (sigs == NULL || !json_init(&jb, 4096)) {
        free(sigs);
        log_error("engine analysis: out of memory");
        return SK_ERR_NOMEM;
    }
    for (uint32_t i = 0; i < sig_cnt; i++) {
        const Signature *s = de->sigs[i];
        for (int half = 0; half < ((s->flags & SIG_F_BIDIR) ? 2 : 1); half++) {
            AnSig *a = &sigs[n];
            a->s = s;
            a->src = half ? &s->dst : &s->src, a->dst = half ? &s->src : &s->dst;
            a->sp = half ? &s->dp : &s->sp, a->dp = half ? &s->sp : &s->dp;
            a->action = de->infos[i].action;
            a->severity = de->infos[i].severity;
            a->fb_kind = sig_flowbits_kind(s);
            a->seq = n++;
            sig_classify(a);
        }
    }
    if (n > 1) {
        qsort(sigs, n, sizeof(*sigs), an_order_cmp);
    }

    rc = rules_json_write(log_dir, sigs, n, &jb);
    bool dump = false;
    if (rc == SK_OK && cfg != NULL
        && cfg_get_bool(cfg, "detect.profiling.grouping.dump-to-disk", &dump) == SK_OK && dump) {
        g.sigs = sigs;
        g.sig_cnt = n;
        g.words = (n + 63) / 64;
        g.cfg = cfg;
        (void)cfg_get_bool(cfg, "detect.profiling.grouping.include-rules", &g.include_rules);
        rc = rule_group_json_write(log_dir, &g, &jb);
    }
    if (rc == SK_ERR_NOMEM) {
        log_error("engine analysis: out of memory");
    }
    free(g.seen);
    free(g.seen_id);
    json_fini(&jb);
    free(sigs);
    return rc;
}
