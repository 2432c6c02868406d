/* engine.c: detection of one packet. The packet's protocol class and destination port name the
 * two groups it meets (group.h); each group's Vectorscan database is run over the payload, and
 * the rules whose fast pattern was found, with the group's rules that have none, are evaluated
 * in engine order: header (protocol, addresses, ports), packet tests, then each buffer list
 * through inspect.c, then thresholds and the rule's effects (flowbits). IP-only rules are
 * evaluated on a flow's first packet in each direction only, as Suricata's IP-only engine.
 * Matches go to the alert queue in engine order; a pass rule ends the packet's (and, from an
 * IP-only rule, the flow's) inspection. Nothing here allocates per packet. */
#include "detect/group.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/proto.h"
#include "flow/flow.h"

/* pkt_data: the packet's payload, or in the stream pass the reassembled window. */
bool
detect_buf_pkt_data(struct DetectThread *dt, const Packet *p, Cursor *out)
{
    if (dt->in_stream) {
        *out = cur_init(dt->stream_buf, dt->stream_len);
        return dt->stream_len > 0;
    }
    *out = packet_payload(p);
    return p->payload_len > 0;
}

DetectThread *
detect_thread_new(const DetectEngine *de)
{
    DetectThread *dt = calloc(1, sizeof(*dt));
    uint32_t alert_max = de->cfg.alert_max > 0 ? de->cfg.alert_max : 15;
    if (dt == NULL) {
        log_error("detect: out of memory for a worker's detection state");
        return NULL;
    }
    dt->de = de;
    dt->recursion_limit = de->cfg.recursion_limit > 0 ? de->cfg.recursion_limit : 3000;
    dt->alerts.a = calloc(alert_max, sizeof(*dt->alerts.a));
    dt->alerts.cap = (uint16_t)alert_max;
    dt->cand_cap = de->sig_cnt + 1;
    dt->cand = malloc(dt->cand_cap * sizeof(*dt->cand));
    dt->cand_seen = calloc(dt->cand_cap, 1);
    if (de->cfg.rule_perf) {
        dt->perf = calloc(dt->cand_cap, sizeof(*dt->perf));
    }
    if (dt->alerts.a == NULL || dt->cand == NULL || dt->cand_seen == NULL
        || (de->cfg.rule_perf && dt->perf == NULL)
        || (de->groups->scratch != NULL
            && hs_clone_scratch(de->groups->scratch, (hs_scratch_t **)&dt->hs_scratch)
                   != HS_SUCCESS)
        || !detect_inspect_thread_init(dt)) {
        log_error("detect: out of memory for a worker's detection state");
        detect_thread_free(dt);
        return NULL;
    }
    return dt;
}

void
detect_thread_free(DetectThread *dt)
{
    if (dt == NULL) {
        return;
    }
    detect_inspect_thread_fini(dt);
    hs_free_scratch(dt->hs_scratch);
    free(dt->xform_buf[0]);
    free(dt->xform_buf[1]);
    free(dt->b64_buf);
    free(dt->alerts.a);
    free(dt->cand);
    free(dt->cand_seen);
    free(dt->perf);
    free(dt->tag_hosts);
    free(dt->window);
    free(dt->log_buf);
    free(dt);
}

const DetectAlerts *
detect_alerts(const DetectThread *dt)
{
    return &dt->alerts;
}

const DetectThreadStats *
detect_thread_stats(const DetectThread *dt)
{
    return &dt->stats;
}

/* Counters: Suricata's names in EVE stats, sekimori's own in the summary. */
static const char *const ctr_names[] = {"detect.alert", "detect.alert_queue_overflow",
                                        "detect.alerts_suppressed"};
static const char *const ctr_own_names[] = {"detect.rules_checked", "detect.prefilter_hits",
                                            "detect.recursion_aborts"};

const CounterSet *
detect_thread_counters(DetectThread *dt)
{
    dt->ctr_set = (CounterSet){.names = ctr_names, .vals = dt->ctr, .cnt = 3};
    return &dt->ctr_set;
}

const CounterSet *
detect_thread_counters_own(DetectThread *dt)
{
    dt->ctr_own_set = (CounterSet){.names = ctr_own_names, .vals = dt->ctr + 3, .cnt = 3};
    return &dt->ctr_own_set;
}

/* The packet's tallies out to the counters the stats thread reads. */
static void
counters_publish(DetectThread *dt)
{
    const DetectThreadStats *st = &dt->stats;
    counter_set(&dt->ctr[0], st->alerts);
    counter_set(&dt->ctr[1], st->alerts_discarded);
    counter_set(&dt->ctr[2], st->suppressed);
    counter_set(&dt->ctr[3], st->rules_checked);
    counter_set(&dt->ctr[4], st->prefilter_hits);
    counter_set(&dt->ctr[5], st->recursion_aborts);
}

/* ---- the rule header ---- */

static bool
ports_has(const DetectPorts *ps, const Packet *p, uint16_t port)
{
    if (!(p->flags & PKT_F_HAS_PORTS)) {
        return ps->set.cnt == 1 && ps->set.r[0].lo.lo == 0 && ps->set.r[0].hi.lo == 65535;
    }
    return detect_ports_has(ps, port);
}

static bool
proto_ok(const Signature *s, const Packet *p)
{
    switch (s->proto) {
    case SIG_PROTO_IP:
        return true;
    case SIG_PROTO_TCP:
    case SIG_PROTO_TCP_PKT:
    case SIG_PROTO_TCP_STREAM:
        return p->proto == SK_IPPROTO_TCP && !(p->flags & PKT_F_FRAGMENT);
    case SIG_PROTO_UDP:
        return p->proto == SK_IPPROTO_UDP && !(p->flags & PKT_F_FRAGMENT);
    case SIG_PROTO_SCTP:
        return p->proto == SK_IPPROTO_SCTP && !(p->flags & PKT_F_FRAGMENT);
    case SIG_PROTO_ICMP:
        return p->proto == SK_IPPROTO_ICMP || p->proto == SK_IPPROTO_ICMPV6;
    case SIG_PROTO_ICMPV4:
        return p->proto == SK_IPPROTO_ICMP;
    case SIG_PROTO_ICMPV6:
        return p->proto == SK_IPPROTO_ICMPV6;
    case SIG_PROTO_APP:
        /* Transaction rules run in the transaction pass, which checks the flow's protocol;
         * payload rules ("alert http ... content") on the packets of flows of the protocol. */
        return p->flow != NULL
               && ((s->flags & SIG_F_TX)
                   || (s->app_alproto > 0 && p->flow->alproto == s->app_alproto));
    case SIG_PROTO_IPV4:
        return p->ip_ver == 4;
    case SIG_PROTO_IPV6:
        return p->ip_ver == 6;
    }
    return false;
}

static bool
header_ok(const Signature *s, const Packet *p)
{
    if (!proto_ok(s, p)) {
        return false;
    }
    if (detect_addr_has_pkt(&s->src, p->ip_ver, &p->src)
        && detect_addr_has_pkt(&s->dst, p->ip_ver, &p->dst) && ports_has(&s->sp, p, p->sp)
        && ports_has(&s->dp, p, p->dp)) {
        return true;
    }
    return (s->flags & SIG_F_BIDIR) && detect_addr_has_pkt(&s->src, p->ip_ver, &p->dst)
           && detect_addr_has_pkt(&s->dst, p->ip_ver, &p->src) && ports_has(&s->sp, p, p->dp)
           && ports_has(&s->dp, p, p->sp);
}

/* ---- one rule ---- */

/* A transaction buffer list: matches when any instance of the buffer in the current
 * transaction does (Suricata's multi-buffers: each of a request's questions for dns.query). */
static bool
tx_buffer_match(DetectThread *dt, const Packet *p, const Signature *s, unsigned l)
{
    const DetectBuffer *b = &detect_buffers[l];
    const int dir = b->dir == AL_DIR_BOTH ? dt->cur_tx_dir : b->dir;
    Cursor c;
    if (dt->cur_tx == NULL) {
        return false;
    }
    for (uint32_t idx = 0;
         b->get_tx(dt->cur_tx, dir, idx, dt->tx_scratch, sizeof(dt->tx_scratch), &c); idx++) {
        if (detect_inspect_buffer(dt, p, s, l, c.p, (uint32_t)c.left, 0)) {
            return true;
        }
    }
    return false;
}

static bool
sig_match(DetectThread *dt, Packet *p, const Signature *s)
{
    const SigMatchList *m = &s->lists[DETECT_LIST_MATCH];

    if (!header_ok(s, p)) {
        return false;
    }
    dt->cur_sig = s;
    dt->stats.rules_checked++;
    for (uint32_t i = 0; i < m->cnt; i++) {
        if (!m->sm[i].ops->match(dt, p, s, m->sm[i].ctx)) {
            return false;
        }
    }
    const SigMatchList *t = &s->lists[DETECT_LIST_TXMATCH];
    for (uint32_t i = 0; i < t->cnt; i++) {
        if (dt->cur_tx == NULL
            || !t->sm[i].ops->tx_match(dt, dt->cur_tx, dt->cur_tx_dir, t->sm[i].ctx)) {
            return false;
        }
    }
    if (s->var_cnt > 0) {
        memset(dt->vars, 0, sizeof(dt->vars));
    }
    dt->b64_len = 0;
    for (unsigned l = DETECT_LIST_FIRST_BUFFER; l < DETECT_LIST_MAX; l++) {
        Cursor c;
        if (s->lists[l].cnt == 0) {
            continue;
        }
        if (detect_buffers[l].flags & DETECT_BUF_TX) {
            if (!tx_buffer_match(dt, p, s, l)) {
                return false;
            }
            continue;
        }
        if (!detect_buffers[l].get(dt, p, &c)) {
            return false;
        }
        if (!detect_inspect_buffer(dt, p, s, l, c.p, (uint32_t)c.left, 0)) {
            return false;
        }
    }
    return true;
}

/* Queues s's alert in engine order; past packet-alert-max the highest-numbered one goes. */
static void
alert_queue(DetectThread *dt, const Signature *s, uint8_t flags, int action)
{
    DetectAlerts *q = &dt->alerts;
    const DetectSigInfo *in = &dt->de->infos[s->num];
    uint16_t at = q->cnt;

    dt->stats.alerts++;
    while (at > 0 && q->a[at - 1].sig->num > in->num) {
        at--;
    }
    if (q->cnt == q->cap) {
        q->discarded++;
        dt->stats.alerts_discarded++;
        if (at == q->cnt) {
            return;
        }
        q->cnt--;
    }
    memmove(&q->a[at + 1], &q->a[at], (size_t)(q->cnt - at) * sizeof(q->a[0]));
    q->a[at] = (DetectAlert){.sig = in, .flags = flags, .action = (uint8_t)action};
    if (dt->cur_tx != NULL) {
        q->a[at].flags |= DETECT_ALERT_F_TX;
        q->a[at].tx_id = dt->cur_tx->id;
    }
    q->cnt++;
}

static void sig_run_inner(DetectThread *dt, Packet *p, const Signature *s);

/* --rule-perf: each rule's evaluations, matches and CPU ticks (the time-stamp counter), per
 * worker; summed and written at the end (detect_rule_perf_write). Off, it costs one branch. */
static void
sig_run(DetectThread *dt, Packet *p, const Signature *s)
{
    if (dt->perf == NULL) {
        sig_run_inner(dt, p, s);
        return;
    }
    DetectRulePerf *rp = &dt->perf[s->num];
    uint64_t t0 = __builtin_ia32_rdtsc(), alerts = dt->stats.alerts;
    sig_run_inner(dt, p, s);
    uint64_t t = __builtin_ia32_rdtsc() - t0;
    rp->checks++;
    rp->matches += dt->stats.alerts != alerts;
    rp->ticks += t;
    if (t > rp->max) {
        rp->max = t;
    }
}

static void
sig_run_inner(DetectThread *dt, Packet *p, const Signature *s)
{
    /* Which pass may run s (Signature.insp): the stream pass only rules that inspect the
     * stream; the packet pass, on a session that reassembles, only rules that inspect packets. */
    if (dt->in_stream ? !(s->insp & SIG_INSP_STREAM)
                      : (dt->stream_active && !(s->insp & SIG_INSP_PKT))) {
        return;
    }
    const SigMatchList *pm = &s->lists[DETECT_LIST_POSTMATCH];
    int action = dt->de->infos[s->num].action;

    if (!sig_match(dt, p, s)) {
        return;
    }
    if ((s->threshold != NULL || s->detection_filter != NULL || dt->de->thresholds != NULL)
        && !detect_threshold_apply(dt, p, s, &action)) {
        dt->stats.suppressed++;
        /* Suppressed or thresholded: the rule's effects still happen, as Suricata's. */
        for (uint32_t i = 0; i < pm->cnt; i++) {
            pm->sm[i].ops->postmatch(dt, p, s, pm->sm[i].ctx);
        }
        return;
    }
    for (uint32_t i = 0; i < pm->cnt; i++) {
        pm->sm[i].ops->postmatch(dt, p, s, pm->sm[i].ctx);
    }
    if (s->flags & SIG_F_NOALERT) {
        /* A noalert rule takes no place in the queue (packet-alert-max is for alerts) unless
         * its action still has to act on the packet. */
        if (action != DETECT_ACT_ALERT) {
            alert_queue(dt, s, DETECT_ALERT_F_NOALERT, action);
        }
        return;
    }
    alert_queue(dt, s, dt->in_stream ? DETECT_ALERT_F_STREAM : 0, action);
}

/* ---- candidates ---- */

typedef struct {
    DetectThread *dt;
    const DetectPrefilter *pf;
} ScanCtx;

/* Adds rule number r to the candidates, once: cand_seen is cleared as they are run. */
static inline void
cand_add(DetectThread *dt, uint32_t r)
{
    if (!dt->cand_seen[r]) {
        dt->cand_seen[r] = 1;
        dt->cand[dt->cand_cnt++] = r;
    }
}

static void
cand_add_rules(DetectThread *dt, const uint32_t *rules, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        cand_add(dt, rules[i]);
    }
}

static int
on_hit(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags,
       void *user)
{
    ScanCtx *sc = user;
    DetectThread *dt = sc->dt;
    (void)from, (void)to, (void)flags;
    cand_add_rules(dt, sc->pf->rules + sc->pf->pat_first[id],
                   sc->pf->pat_first[id + 1] - sc->pf->pat_first[id]);
    return 0;
}

static void
cand_add_group(DetectThread *dt, const DetectGroup *g, const uint8_t *buf, uint32_t len)
{
    cand_add_rules(dt, g->always, g->always_cnt);
    for (uint32_t k = 0; k < g->pf_cnt && len > 0; k++) {
        ScanCtx sc = {.dt = dt, .pf = &g->pf[k]};
        uint32_t before = dt->cand_cnt;
        hs_scan(g->pf[k].db, (const char *)buf, len, 0, dt->hs_scratch, on_hit, &sc);
        dt->stats.prefilter_hits += dt->cand_cnt - before;
    }
}

static int
u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static DetectGroupClass
packet_class(const Packet *p)
{
    if (p->ip_ver == 0) {
        return DG_NON_IP;
    }
    if (p->flags & PKT_F_FRAGMENT) {
        return DG_OTHER_IP;
    }
    switch (p->proto) {
    case SK_IPPROTO_TCP:
        return DG_TCP;
    case SK_IPPROTO_UDP:
        return DG_UDP;
    case SK_IPPROTO_SCTP:
        return DG_SCTP;
    case SK_IPPROTO_ICMP:
        return DG_ICMP4;
    case SK_IPPROTO_ICMPV6:
        return DG_ICMP6;
    default:
        return DG_OTHER_IP;
    }
}

/* Does a pass or drop act on the whole flow, or on this packet only? Suricata applies it to
 * the flow when the rule tests no packet contents or fields (IP-only, or header and ports
 * only), or matched the stream or a transaction; a rule that tests this packet (content,
 * flags, a decode event) acts on the packet alone. */
static bool
alert_acts_on_flow(const DetectThread *dt, const DetectAlert *al)
{
    const Signature *s = dt->de->sigs[al->sig->num];
    if ((s->flags & SIG_F_IPONLY) || (al->flags & (DETECT_ALERT_F_STREAM | DETECT_ALERT_F_TX))) {
        return true;
    }
    for (unsigned l = 0; l < DETECT_LIST_MAX; l++) {
        if (l != DETECT_LIST_POSTMATCH && s->lists[l].cnt > 0) {
            return false;
        }
    }
    return true;
}

/* Pass: the alerts after the first pass rule in engine order are dropped with it, and the
 * packet is passed; when the rule acts on the flow, the whole flow is passed from here on
 * (Suricata's "the entire flow will be passed", its flow records still written). Drop and
 * reject the same way drop the flow's later packets, in IDS mode too (Suricata skips their
 * inspection; only an inline engine blocks them). The first of pass and drop set wins. */
static void
alerts_finish(DetectThread *dt, Packet *p)
{
    DetectAlerts *q = &dt->alerts;
    Flow *f = p->flow;
    for (uint16_t i = 0; i < q->cnt; i++) {
        uint8_t act = q->a[i].action;
        if (act == DETECT_ACT_PASS) {
            /* A pass rule with the "alert" keyword logs its own alert; the rest go. */
            q->cnt = (dt->de->sigs[q->a[i].sig->num]->flags & SIG_F_ALERT) ? i + 1 : i;
            /* Under an action-order putting drop first, a packet a drop or reject already
             * took stays dropped: the pass only ends its alerts, and passes no flow. */
            if (!(q->verdict & (DETECT_VERDICT_DROP | DETECT_VERDICT_REJECT))) {
                q->verdict |= DETECT_VERDICT_PASS;
                if (f != NULL && !(f->flags & FLOW_F_DROP) && alert_acts_on_flow(dt, &q->a[i])) {
                    f->flags |= FLOW_F_PASS;
                }
            }
            break;
        }
        if (act != DETECT_ACT_ALERT && f != NULL && !(f->flags & FLOW_F_PASS)
            && alert_acts_on_flow(dt, &q->a[i])) {
            f->flags |= FLOW_F_DROP;
        }
        if (act == DETECT_ACT_DROP) {
            q->verdict |= DETECT_VERDICT_DROP;
        } else if (act != DETECT_ACT_ALERT) {
            q->verdict |= DETECT_VERDICT_REJECT;
        }
    }
    if (f != NULL) {
        for (uint16_t i = 0; i < q->cnt; i++) {
            if (!(q->a[i].flags & DETECT_ALERT_F_NOALERT)) {
                f->flags |= FLOW_F_ALERTED;
                break;
            }
        }
    }
}

/* The candidates of p's groups for buf (the payload, or a stream window), in engine order. */
static void
run_groups(DetectThread *dt, Packet *p, const uint8_t *buf, uint32_t len)
{
    const DetectEngine *de = dt->de;
    const struct DetectGroups *gs = de->groups;
    DetectGroupClass cls = packet_class(p);

    dt->cand_cnt = 0;
    cand_add_group(dt, &gs->g[gs->wide[cls]], buf, len);
    /* A "<>" rule is grouped by its source ports too (group.h), so the destination port
     * finds it in either orientation. */
    if (cls < DG_PORT_CLASSES && (p->flags & PKT_F_HAS_PORTS)) {
        uint16_t gi = gs->port_group[cls][p->dp];
        if (gi != UINT16_MAX) {
            cand_add_group(dt, &gs->g[gi], buf, len);
        }
    }
    if (dt->cand_cnt > 1) {
        qsort(dt->cand, dt->cand_cnt, sizeof(*dt->cand), u32_cmp);
    }
    for (uint32_t i = 0; i < dt->cand_cnt; i++) {
        dt->cand_seen[dt->cand[i]] = 0;
        sig_run(dt, p, de->sigs[dt->cand[i]]);
    }
}

/* The transaction pass: the flow's transactions whose message of the packet's direction is
 * complete and that detection has not inspected that way yet (AlTx.progress, detect_done),
 * each against the rules with transaction buffers or keywords of that direction and the flow's
 * protocol, once. A response parsed on the client's acknowledgement is inspected at the next
 * server packet, or at flow end (applayer_tx_prune keeps it until then). */
static void
tx_pass(DetectThread *dt, Packet *p, Flow *f)
{
    const struct DetectGroups *gs = dt->de->groups;
    const int dir = p->flow_toserver ? FLOW_DIR_TOSERVER : FLOW_DIR_TOCLIENT;
    const uint8_t bit = (uint8_t)(1u << dir);
    bool stream_active = dt->stream_active;

    dt->stream_active = false; /* transaction rules are not split by Signature.insp */
    dt->cur_tx_dir = dir;
    for (AlTx *tx = applayer_tx_first(f); tx != NULL; tx = tx->next) {
        if ((tx->detect_done & bit) || !(tx->dirs & bit) || !tx->progress[dir]) {
            continue;
        }
        tx->detect_done |= bit;
        dt->cur_tx = tx;
        /* Candidates: the tx rules without a fast pattern, and those whose fast pattern is in
         * an instance of their buffer (each question of a DNS request, ...). */
        dt->cand_cnt = 0;
        if (f->alproto < ALPROTO_MAX) {
            cand_add_rules(dt, gs->txa[f->alproto][dir], gs->txa_cnt[f->alproto][dir]);
        }
        for (uint32_t k = 0; k < gs->txg_cnt; k++) {
            const DetectGroup *g = &gs->g[gs->txg[k]];
            const DetectBuffer *b = &detect_buffers[g->fp_list];
            const int bdir = b->dir == AL_DIR_BOTH ? dir : b->dir;
            Cursor c;
            /* A buffer of the other direction only prefilters rules of that direction (the
             * parser refuses rules that mix them). */
            if (b->alproto != f->alproto || (b->dir != AL_DIR_BOTH && b->dir != dir)) {
                continue;
            }
            for (uint32_t idx = 0;
                 idx < 256 && b->get_tx(tx, bdir, idx, dt->tx_scratch, sizeof(dt->tx_scratch), &c);
                 idx++) {
                cand_add_group(dt, g, c.p, (uint32_t)c.left);
            }
        }
        if (dt->cand_cnt > 1) {
            qsort(dt->cand, dt->cand_cnt, sizeof(*dt->cand), u32_cmp);
        }
        for (uint32_t i = 0; i < dt->cand_cnt; i++) {
            const Signature *s = dt->de->sigs[dt->cand[i]];
            dt->cand_seen[dt->cand[i]] = 0;
            if ((s->tx_dirs & bit) && s->tx_alproto >= 0 && f->alproto == (uint16_t)s->tx_alproto) {
                sig_run(dt, p, s);
            }
        }
    }
    dt->cur_tx = NULL;
    dt->stream_active = stream_active;
}

/* The stream pass: the direction's raw reassembled data that may be inspected now (Suricata,
 * IDS mode: what the other side acknowledged; at flow end, everything), with a lookback over
 * the end of what was inspected before, so a pattern split across the boundary is found. */
#define STREAM_LOOKBACK 1024

static uint32_t
stream_pass(DetectThread *dt, Packet *p, Flow *f, int toserver, bool eof)
{
    uint64_t start = 0;
    uint32_t len = dt->src.window(dt->src.user, f, toserver, eof, STREAM_LOOKBACK, dt->window,
                                  DETECT_WINDOW_MAX, &start);
    if (len == 0) {
        return 0;
    }
    uint64_t alerts_before = dt->stats.alerts;
    dt->in_stream = true;
    dt->stream_buf = dt->window;
    dt->stream_len = len;
    run_groups(dt, p, dt->window, len);
    dt->in_stream = false;
    if (dt->stats.alerts != alerts_before && dt->src.log_copy != NULL) {
        /* What the stream alerts log as payload (Suricata: the stream, holes marked). */
        dt->alerts.stream_payload_len =
            dt->src.log_copy(dt->src.user, f, toserver, dt->log_buf, DETECT_LOG_MAX);
        dt->alerts.stream_payload = dt->log_buf;
    }
    dt->src.consumed(dt->src.user, f, toserver, start + len);
    return len;
}

bool
detect_thread_set_stream_source(DetectThread *dt, const DetectStreamSource *src)
{
    if (dt->log_buf == NULL && (dt->log_buf = malloc(DETECT_LOG_MAX)) == NULL) {
        log_error("detect: out of memory for a worker's stream payload");
        return false;
    }
    if (dt->window == NULL && (dt->window = malloc(DETECT_WINDOW_MAX)) == NULL) {
        log_error("detect: out of memory for a worker's stream window");
        return false;
    }
    dt->src = *src;
    return true;
}

void
detect_flow_end(DetectThread *dt, Flow *f, Packet *p, int toserver)
{
    dt->alerts.cnt = 0;
    dt->alerts.discarded = 0;
    dt->alerts.verdict = 0;
    dt->alerts.stream_payload = NULL;
    if (dt->de->sig_cnt == 0 || (f->flags & (FLOW_F_PASS | FLOW_F_DROP))) {
        return;
    }
    const bool stream = f->proto == SK_IPPROTO_TCP && dt->src.window != NULL
                        && dt->src.active != NULL && dt->src.active(dt->src.user, f, toserver);
    const bool txs = dt->de->groups->tx_cnt > 0 && f->al != NULL;
    if (!stream && !txs) {
        return;
    }
    /* The pseudo packet goes the direction whose data is inspected. */
    flow_pseudo_packet(f, p, toserver, p->ts);
    if (stream) {
        dt->stream_active = true;
        /* A window is one run of bytes: after a hole, or past DETECT_WINDOW_MAX, the rest
         * comes in the next ones (bounded: depth / window size, and a hole per pass). */
        for (unsigned i = 0; i < 1024 && stream_pass(dt, p, f, toserver, true) > 0; i++) {
        }
        dt->stream_active = false;
    }
    /* The transactions the flow's end completed (applayer_flow_end). */
    if (txs) {
        tx_pass(dt, p, f);
    }
    alerts_finish(dt, p);
    counters_publish(dt);
}

bool
detect_inspects_txs(const DetectThread *dt)
{
    return dt->de->sig_cnt > 0 && dt->de->groups->tx_cnt > 0;
}

void
detect_packet(DetectThread *dt, Packet *p)
{
    const DetectEngine *de = dt->de;
    const struct DetectGroups *gs = de->groups;
    Flow *f = p->flow;

    dt->alerts.cnt = 0;
    dt->alerts.discarded = 0;
    dt->alerts.verdict = 0;
    dt->alerts.stream_payload = NULL;
    dt->alerts.tagged = false;
    if (de->sig_cnt == 0) {
        return;
    }
    /* Tags set by earlier packets, before this packet's rules can set new ones. */
    dt->alerts.tagged = detect_tag_packet(dt, p);
    if (f != NULL && (f->flags & FLOW_F_PASS)) {
        dt->alerts.verdict = DETECT_VERDICT_PASS;
        return;
    }
    if (f != NULL && (f->flags & FLOW_F_DROP)) {
        dt->alerts.verdict = DETECT_VERDICT_DROP; /* the flow was dropped: so is this packet */
        return;
    }
    dt->stats.pkts_inspected++;

    /* IP-only rules: a flow's first packet each way; every packet that has no flow. */
    if (gs->iponly_cnt > 0) {
        uint8_t bit = p->flow_toserver ? FLOW_F_IPONLY_TS : FLOW_F_IPONLY_TC;
        if (f == NULL || !(f->flags & bit)) {
            for (uint32_t i = 0; i < gs->iponly_cnt; i++) {
                sig_run(dt, p, de->sigs[gs->iponly[i]]);
            }
            if (f != NULL) {
                f->flags |= bit;
            }
        }
    }

    /* The packet pass; on a TCP session that reassembles, payload rules are split between it
     * and the stream pass as Suricata splits them (Signature.insp). */
    dt->stream_active = f != NULL && p->proto == SK_IPPROTO_TCP && dt->src.active != NULL
                        && dt->src.active(dt->src.user, f, p->flow_toserver);
    run_groups(dt, p, p->data + p->payload_off, p->payload_len);
    if (dt->stream_active && dt->src.window != NULL) {
        stream_pass(dt, p, f, p->flow_toserver, false);
    }
    if (gs->tx_cnt > 0 && f != NULL && f->al != NULL) {
        tx_pass(dt, p, f);
    }
    alerts_finish(dt, p);
    counters_publish(dt);
}

/* ---- --rule-perf ---- */

typedef struct {
    uint32_t num;
    DetectRulePerf sum;
} PerfRow;

static int
perf_row_cmp(const void *a, const void *b)
{
    const PerfRow *x = a, *y = b;
    return x->sum.ticks < y->sum.ticks ? 1 : x->sum.ticks > y->sum.ticks ? -1 : 0;
}

SkResult
detect_rule_perf_write(const DetectEngine *de, DetectThread *const *threads, unsigned n,
                       const char *path)
{
    PerfRow *rows;
    uint64_t total = 0;
    FILE *f;

    if (!de->cfg.rule_perf || de->sig_cnt == 0) {
        return SK_OK;
    }
    rows = calloc(de->sig_cnt, sizeof(*rows));
    if (rows == NULL) {
        return SK_ERR_NOMEM;
    }
    for (uint32_t r = 0; r < de->sig_cnt; r++) {
        rows[r].num = r;
        for (unsigned t = 0; t < n; t++) {
            const DetectRulePerf *rp = &threads[t]->perf[r];
            rows[r].sum.ticks += rp->ticks;
            rows[r].sum.checks += rp->checks;
            rows[r].sum.matches += rp->matches;
            if (rp->max > rows[r].sum.max) {
                rows[r].sum.max = rp->max;
            }
        }
        total += rows[r].sum.ticks;
    }
    if (de->sig_cnt > 1) {
        qsort(rows, de->sig_cnt, sizeof(*rows), perf_row_cmp);
    }
    f = fopen(path, "w");
    if (f == NULL) {
        log_error("detect: --rule-perf: cannot write %s", path);
        free(rows);
        return SK_ERR_IO;
    }
    fprintf(f, "  %-5s %-12s %-4s %-4s %-14s %-7s %-12s %-12s %-12s %-10s\n", "Num", "Rule", "Gid",
            "Rev", "Ticks", "%", "Checks", "Matches", "Max Ticks", "Avg Ticks");
    for (uint32_t i = 0; i < de->sig_cnt && rows[i].sum.checks > 0; i++) {
        const DetectSigInfo *in = &de->infos[rows[i].num];
        const DetectRulePerf *rp = &rows[i].sum;
        fprintf(f, "  %-5u %-12u %-4u %-4u %-14llu %-7.2f %-12llu %-12llu %-12llu %-10.2f\n", i + 1,
                in->sid, in->gid, in->rev, (unsigned long long)rp->ticks,
                total > 0 ? 100.0 * (double)rp->ticks / (double)total : 0.0,
                (unsigned long long)rp->checks, (unsigned long long)rp->matches,
                (unsigned long long)rp->max, (double)rp->ticks / (double)rp->checks);
        if (i < 5) {
            log_notice("detect: rule-perf #%u: sid %u, %.1f%% of the rule ticks, %llu checks, "
                       "%llu matches",
                       i + 1, in->sid, total > 0 ? 100.0 * (double)rp->ticks / (double)total : 0.0,
                       (unsigned long long)rp->checks, (unsigned long long)rp->matches);
        }
    }
    fclose(f);
    free(rows);
    return SK_OK;
}
