/* worker.c: the per-packet pipeline, run to completion on the worker that owns the packet's
 * flow: decode -> flow -> anomaly records, then any tunnel inner packets the same way. A worker
 * owns a DecodeThread, a FlowTable, its Memcaps, a few spare packet slots and an EveWriter;
 * nothing here locks. */
#include "core/log.h"
#include "core/proto.h"
#include "runtime/runtime_int.h"
#include "runtime/shard.h"

/* Flow end, EVE step: the flow (and netflow) records. The other steps of the chain (stream
 * flush, app-layer end, detection on a pseudo packet, state back to pools) are set by their
 * stages as they arrive (flow.h, FlowEndStep). */
static void
on_flow_end_output(Flow *f, SkTime now, void *user)
{
    Worker *w = user;
    /* The transactions the end completed (applayer_flow_end), before the flow's record as
     * Suricata writes them; on a pseudo packet of the flow. */
    Packet *p;
    if (f->al != NULL && (p = worker_packet_get(w)) != NULL) {
        flow_pseudo_packet(f, p, 1, now);
        eve_log_txs(w->ew, p, f);
        worker_packet_put(w, p);
    }
    eve_log_flow(w->ew, f, now);
}

static void worker_app_stream(Worker *w, Flow *f);

/* Flow end, APPLAYER step: the stream's last bytes (the STREAM step made all readable) to
 * the parsers, then their end: the last transactions are complete. */
static void
on_flow_end_applayer(Flow *f, SkTime now, void *user)
{
    Worker *w = user;
    (void)now;
    if (f->proto == SK_IPPROTO_TCP) {
        worker_app_stream(w, f);
    }
    applayer_flow_end(w->al, f);
}

/* Flow end, DETECT step: what the stream flush made inspectable, on a pseudo packet (a spare
 * slot: ends happen inside flow_handle_packet for another packet). */
static void
on_flow_end_detect(Flow *f, SkTime now, void *user)
{
    Worker *w = user;
    Packet *p = worker_packet_get(w);
    if (p == NULL) {
        return;
    }
    /* One direction at a time: the pseudo packet goes the way of the data its alerts are on. */
    for (int toserver = 1; toserver >= 0; toserver--) {
        packet_reset(p);
        p->ts = now;
        detect_flow_end(w->det, f, p, toserver);
        const DetectAlerts *a = detect_alerts(w->det);
        if (a->cnt > 0) {
            eve_log_alerts(w->ew, p, a);
            if (w->fw != NULL) {
                fastlog_write(w->fw, p, a);
            }
        }
    }
    worker_packet_put(w, p);
}

/* Detection's raw stream source: the stream stage's detection feed, connected here because
 * detect does not include the stream (the runtime knows both). */
static uint32_t
stream_src_window(void *user, Flow *f, int toserver, bool eof, uint32_t lookback, uint8_t *out,
                  uint32_t cap, uint64_t *start)
{
    Worker *w = user;
    return stream_raw_copy(w->st, f, toserver ? FLOW_DIR_TOSERVER : FLOW_DIR_TOCLIENT, eof,
                           lookback, out, cap, start);
}

static void
stream_src_consumed(void *user, Flow *f, int toserver, uint64_t upto)
{
    Worker *w = user;
    stream_raw_consumed(w->st, f, toserver ? FLOW_DIR_TOSERVER : FLOW_DIR_TOCLIENT, upto);
}

static bool
stream_src_active(void *user, const Flow *f, int toserver)
{
    Worker *w = user;
    return stream_packet_in_stream(w->st, f, toserver ? FLOW_DIR_TOSERVER : FLOW_DIR_TOCLIENT);
}

static bool
stream_src_bytes_seen(void *user, const Flow *f, int toserver, uint64_t *out)
{
    (void)user;
    if (!stream_has_session(f)) {
        return false;
    }
    *out = stream_bytes_seen(f, toserver ? FLOW_DIR_TOSERVER : FLOW_DIR_TOCLIENT);
    return true;
}

static uint32_t
stream_src_log_copy(void *user, const Flow *f, int toserver, uint8_t *out, uint32_t cap)
{
    (void)user;
    return stream_log_copy(f, toserver ? FLOW_DIR_TOSERVER : FLOW_DIR_TOCLIENT, out, cap);
}

/* Flow end, STREAM step: every queued byte of the session becomes readable (EOF). */
static void
on_flow_end_stream(Flow *f, SkTime now, void *user)
{
    Worker *w = user;
    (void)now;
    stream_flow_end(w->st, f);
}

/* Flow end, FREE step: what detection kept on the flow (flowbits, flowints), the TCP session
 * and its segments. */
static void
on_flow_end_free(Flow *f, SkTime now, void *user)
{
    Worker *w = user;
    (void)now;
    detect_flow_free(f);
    applayer_flow_free(w->al, f);
    stream_flow_free(w->st, f);
}

/* The stream's in-order data of f to the app layer, both directions: what this packet's data
 * or acknowledgement made readable. A parser that needs more consumes less, and the rest comes
 * again with the next chunk; a few chunks per direction at most (one per hole). */
static void
worker_app_stream(Worker *w, Flow *f)
{
    for (int dir = FLOW_DIR_TOSERVER; dir <= FLOW_DIR_TOCLIENT; dir++) {
        StreamChunk ch;
        bool fed = false;
        uint64_t next = 0;
        for (unsigned i = 0; i < 4 && stream_app_chunk(w->st, f, dir, &ch); i++) {
            size_t n = applayer_stream(w->al, f, dir, &ch);
            stream_app_consumed(w->st, f, dir, n);
            fed = true;
            next = ch.offset + n;
            if (n < ch.data.left || (ch.flags & STREAM_F_EOF)) {
                break;
            }
        }
        /* A direction no parser reads any more: the stream keeps its bytes only for the raw
         * readers (detection), if any: without rules, only sequence ranges. */
        if (fed && !applayer_stream_wants(f, dir, next)) {
            stream_app_done(w->st, f, dir);
        }
        if (fed && applayer_take_raw_trigger(f, dir)) {
            stream_raw_trigger(f, dir);
        }
    }
}

/* The engine's memcap budgets, set up with worker 0: runtime.c creates the workers in order,
 * before any of them runs, and every worker's Memcaps draw on these. */
static void
engine_memcaps_init(Engine *eng)
{
    memcap_budget_init(&eng->flow_memcap, "flow.memcap", eng->rc->flow.memcap);
    eng->memcap_cnt = 0;
    eng->memcaps[eng->memcap_cnt++] = &eng->flow_memcap;
    memcap_budget_init(&eng->stream_memcap, "stream.memcap", eng->rc->stream.memcap);
    eng->memcaps[eng->memcap_cnt++] = &eng->stream_memcap;
    memcap_budget_init(&eng->reasm_memcap, "stream.reassembly.memcap",
                       eng->rc->stream.reassembly_memcap);
    eng->memcaps[eng->memcap_cnt++] = &eng->reasm_memcap;
    memcap_budget_init(&eng->defrag_memcap, "defrag.memcap", eng->rc->defrag.memcap);
    eng->memcaps[eng->memcap_cnt++] = &eng->defrag_memcap;
    memcap_budget_init(&eng->applayer_memcap, "app-layer.memcap", eng->rc->applayer.memcap);
    eng->memcaps[eng->memcap_cnt++] = &eng->applayer_memcap;
}

bool
worker_spares_init(Worker *w)
{
    return pool_init(&w->spare_pkts, sizeof(Packet), WORKER_SPARE_PACKETS, NULL) == SK_OK;
}

void
worker_spares_fini(Worker *w)
{
    pool_fini(&w->spare_pkts);
}

Packet *
worker_packet_get(Worker *w)
{
    Packet *p = pool_get(&w->spare_pkts);
    if (p != NULL) {
        packet_reset(p);
    }
    return p;
}

void
worker_packet_put(Worker *w, Packet *p)
{
    pool_put(&w->spare_pkts, p);
}

void
worker_tick(Worker *w, SkTime ts)
{
    if (ts > w->now) {
        w->now = ts;
    }
    if (w->now >= w->next_sweep) {
        /* A full budget means more may be waiting: look again at the next packet. */
        if (flow_table_timeout(w->ft, w->now, SWEEP_BUDGET) < SWEEP_BUDGET
            && (w->dfr == NULL || defrag_table_timeout(w->dfr, w->now, SWEEP_BUDGET) < SWEEP_BUDGET)
            && (w->dfr_shadow == NULL
                || defrag_table_timeout(w->dfr_shadow, w->now, SWEEP_BUDGET) < SWEEP_BUDGET)) {
            w->next_sweep = w->now + SWEEP_IDLE_US;
        }
    }
}

static bool
layer_is_mine(Worker *w, const Packet *q)
{
    Engine *eng = w->eng;
    return shard_hash_layer(q, eng->shard_seed, eng->rc->flow.vlan_tracking) % eng->nworkers
           == w->id;
}

static void worker_layer_own(Worker *w, Packet *q, Packet *slot, Packet *dgram);

/* One decoded packet (a captured packet or one tunnel layer of it): flow, detection, then
 * its records: alerts first, as Suricata logs them, then anomalies. */
static void
worker_layer(Worker *w, Packet *q)
{
    /* Defrag first: the overlap and size events it raises belong to this fragment's records. */
    Packet *slot = NULL;
    Packet *dgram = NULL;
    if ((q->flags & PKT_F_FRAGMENT) && w->dfr != NULL && (slot = worker_packet_get(w)) != NULL) {
        dgram = defrag_insert(w->dfr, w->dt, q, slot);
    }
    worker_layer_own(w, q, slot, dgram);
}

/* A fragment another worker owns (worker_packet_complex): put together here too, uncounted,
 * for the datagram's layers that are this worker's (a tunnel's inner flow may be). */
static void
worker_frag_shadow(Worker *w, Packet *q)
{
    Packet *slot = worker_packet_get(w);
    if (slot == NULL) {
        return;
    }
    Packet *dgram = defrag_insert(w->dfr_shadow, w->scratch, q, slot);
    for (Packet *r = dgram; r != NULL; r = r->inner) {
        if (layer_is_mine(w, r)) {
            worker_layer(w, r);
        }
    }
    worker_packet_put(w, slot);
}

static void
worker_layer_own(Worker *w, Packet *q, Packet *slot, Packet *dgram)
{
    flow_handle_packet(w->ft, q);
    if (q->flow != NULL && q->proto == SK_IPPROTO_TCP) {
        stream_packet(w->st, q);
        worker_app_stream(w, q->flow);
    } else if (q->flow != NULL && q->proto == SK_IPPROTO_UDP) {
        applayer_packet(w->al, q->flow, q);
    }
    if (w->det != NULL) {
        detect_packet(w->det, q);
        const DetectAlerts *a = detect_alerts(w->det);
        if (a->tagged) {
            eve_log_tagged(w->ew, q);
        }
        if (a->cnt > 0 || a->verdict != 0) { /* verdict: drop records */
            eve_log_alerts(w->ew, q, a);
            if (w->fw != NULL) {
                fastlog_write(w->fw, q, a);
            }
        }
    }
    if (q->event_cnt > 0) {
        eve_log_anomalies(w->ew, q);
    }
    if (q->flow != NULL && q->flow->al != NULL) {
        eve_log_txs(w->ew, q, q->flow);
        applayer_tx_prune(w->al, q->flow, w->det != NULL && detect_inspects_txs(w->det));
    }
    /* The fragment went through as itself (rules match fragments; they have no flow); the
     * datagram it completed goes through as a packet of its own, its tunnel layers too. Its
     * bytes stay defrag's until the next fragment at its depth: the inner layers are deeper. */
    if (slot != NULL) {
        /* With several workers, each layer of the datagram goes to the worker its hash names
         * (the others put the same datagram together in their shadow tables). */
        for (Packet *r = dgram; r != NULL; r = r->inner) {
            if (!w->gate || layer_is_mine(w, r)) {
                worker_layer(w, r);
            }
        }
        worker_packet_put(w, slot);
    }
}

void
worker_packet(Worker *w, Packet *p)
{
    decode_packet(w->dt, p);
    for (Packet *q = p; q != NULL; q = q->inner) {
        worker_layer(w, q);
    }
    worker_tick(w, p->ts);
}

/* A packet the cheap shard parse could not place (tunnels, unusual encapsulations): every
 * worker decodes it and handles the layers whose own hash is its share, since an outer packet
 * and its inner packets are different flows. Exactly one worker (chosen by pcap_cnt) decodes
 * it with its counting DecodeThread, so decoder stats count it once. */
void
worker_packet_complex(Worker *w, Packet *p)
{
    Engine *eng = w->eng;
    const unsigned nw = eng->nworkers;
    bool counter = p->pcap_cnt % nw == w->id;

    decode_packet(counter ? w->dt : w->scratch, p);
    w->gate = true;
    for (Packet *q = p; q != NULL; q = q->inner) {
        if (layer_is_mine(w, q)) {
            worker_layer(w, q);
        } else if ((q->flags & PKT_F_FRAGMENT) && w->dfr_shadow != NULL) {
            worker_frag_shadow(w, q);
        }
    }
    w->gate = false;
    worker_tick(w, p->ts);
}

void
worker_finish(Worker *w, SkTime end)
{
    if (end < w->now) {
        end = w->now;
    }
    /* Flows already idle past their timeout at the capture's end time end as "timeout" in
     * every run mode, however far this worker's sweeps had got; the rest end at shutdown. */
    while (flow_table_timeout(w->ft, end, 1024) > 0) {
    }
    flow_table_flush(w->ft, end);
    eve_writer_flush(w->ew);
    if (w->fw != NULL) {
        fastlog_writer_flush(w->fw);
    }
}

bool
worker_init(Engine *eng, Worker *w, unsigned id)
{
    const RunConfig *rc = eng->rc;
    w->eng = eng;
    w->id = id;
    if (id == 0) {
        engine_memcaps_init(eng);
    }
    memcap_init_share(&w->flow_mc, &eng->flow_memcap, eng->nworkers);
    if (!worker_spares_init(w)) {
        log_error("runtime: out of memory for spare packets");
        return false;
    }
    w->dt = decode_thread_new(&rc->decode);
    if (eng->nworkers > 1 && (w->scratch = decode_thread_new(&rc->decode)) == NULL) {
        return false;
    }
    w->ew = eve_writer_new(eng->ef, &rc->eve);
    w->ft = flow_table_new(&rc->flow, eng->nworkers, id, eng->flow_seed, &w->flow_mc);
    memcap_init_leased(&w->defrag_mc, &eng->defrag_memcap);
    if ((w->dfr = defrag_table_new(&rc->defrag, eng->nworkers, eng->flow_seed ^ 0xdef4a9d5eedULL,
                                   &w->defrag_mc))
        == NULL) {
        return false;
    }
    if (eng->nworkers > 1
        && (w->dfr_shadow = defrag_table_new(&rc->defrag, eng->nworkers,
                                             eng->flow_seed ^ 0x5ad0f4a9d5eedULL, &w->defrag_mc))
               == NULL) {
        return false;
    }
    memcap_init_leased(&w->stream_mc, &eng->stream_memcap);
    memcap_init_leased(&w->reasm_mc, &eng->reasm_memcap);
    if ((w->st = stream_thread_new(&rc->stream, &w->stream_mc, &w->reasm_mc)) == NULL) {
        return false;
    }
    memcap_init_leased(&w->al_mc, &eng->applayer_memcap);
    if ((w->al = applayer_thread_new(&rc->applayer, &w->al_mc)) == NULL) {
        return false;
    }
    stream_thread_set_readers(w->st, true, rc->detect_engine != NULL);
    if (w->ew != NULL) {
        eve_writer_set_event_names(w->ew, PKT_EVENT_SRC_STREAM, stream_event_name);
    }
    if (w->ft != NULL) {
        stream_thread_attach(w->st, w->ft);
        flow_table_set_end(w->ft, FLOW_END_STEP_STREAM, on_flow_end_stream, w);
        flow_table_set_end(w->ft, FLOW_END_STEP_APPLAYER, on_flow_end_applayer, w);
        flow_table_set_end(w->ft, FLOW_END_STEP_OUTPUT, on_flow_end_output, w);
        flow_table_set_end(w->ft, FLOW_END_STEP_FREE, on_flow_end_free, w);
    }
    if (rc->detect_engine != NULL && (w->det = detect_thread_new(rc->detect_engine)) == NULL) {
        return false;
    }
    if (w->det != NULL) {
        const DetectStreamSource src = {.window = stream_src_window,
                                        .consumed = stream_src_consumed,
                                        .active = stream_src_active,
                                        .bytes_seen = stream_src_bytes_seen,
                                        .log_copy = stream_src_log_copy,
                                        .user = w};
        if (!detect_thread_set_stream_source(w->det, &src)) {
            return false;
        }
        if (w->ft != NULL) {
            flow_table_set_end(w->ft, FLOW_END_STEP_DETECT, on_flow_end_detect, w);
        }
    }
    if (eng->fl != NULL && (w->fw = fastlog_writer_new(eng->fl)) == NULL) {
        return false;
    }
    if (w->dt == NULL || w->ew == NULL || w->ft == NULL) {
        return false;
    }
    worker_counters_register(w, decode_thread_counters(w->dt), true);
    worker_counters_register(w, decode_thread_counters_own(w->dt), false);
    worker_counters_register(w, flow_table_counters(w->ft), true);
    worker_counters_register(w, stream_thread_counters(w->st), true);
    worker_counters_register(w, stream_thread_counters_own(w->st), false);
    worker_counters_register(w, defrag_table_counters(w->dfr), true);
    worker_counters_register(w, applayer_thread_counters(w->al), true);
    worker_counters_register(w, applayer_thread_counters_own(w->al), false);
    if (w->det != NULL) {
        worker_counters_register(w, detect_thread_counters(w->det), true);
        worker_counters_register(w, detect_thread_counters_own(w->det), false);
    }
    return true;
}

void
worker_fini(Worker *w)
{
    flow_table_free(w->ft);
    stream_thread_free(w->st);
    applayer_thread_free(w->al);
    memcap_fini(&w->al_mc);
    memcap_fini(&w->stream_mc);
    memcap_fini(&w->reasm_mc);
    defrag_table_free(w->dfr);
    defrag_table_free(w->dfr_shadow);
    memcap_fini(&w->defrag_mc);
    detect_thread_free(w->det);
    memcap_fini(&w->flow_mc);
    worker_spares_fini(w);
    eve_writer_free(w->ew);
    fastlog_writer_free(w->fw);
    decode_thread_free(w->dt);
    decode_thread_free(w->scratch);
    capture_close(w->cr);
    ring_fini(&w->ring);
}

/* Live capture: a worker's EVE records reach the file within a second, whatever the traffic
 * (offline, they go out as the 64 KiB buffer fills). */
void
worker_live_flush_tick(Worker *w, SkTime now)
{
    if (now >= w->next_flush) {
        eve_writer_flush(w->ew);
        if (w->fw != NULL) {
            fastlog_writer_flush(w->fw);
        }
        w->next_flush = now + SK_USEC_PER_SEC;
    }
}

/* Takes the packet if it is this worker's share. */
void
worker_dispatch(Worker *w, Packet *p)
{
    Engine *eng = w->eng;
    uint64_t h;

    if (shard_classify(p, eng->shard_seed, &eng->rc->decode, eng->rc->flow.vlan_tracking, &h)
        == SHARD_COMPLEX) {
        worker_packet_complex(w, p);
    } else if (h % eng->nworkers == w->id) {
        worker_packet(w, p);
    } else {
        worker_tick(w, p->ts);
    }
}
