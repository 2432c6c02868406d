/* stream.c: the worker's stream state (sessions pool, segment store, counters), the payload's
 * way into the segment lists (depth, urgent data, overlaps counted), the two readers' feeds,
 * and flow end. The state machine is session.c's; the segment store and the overlap policies
 * are segments.c's and policy.c's.
 *
 * What is readable, per direction (Suricata 8's IDS mode): the bytes the receiver has
 * acknowledged, from the reader's position; in a session seen one way only
 * (stream.async-oneside) everything sent, since no acknowledgement will ever come; and at flow
 * end everything queued. A hole the receiver acknowledged past was received by the host and
 * missed by us: it is handed on as a gap (tcp.reassembly_gap) and the readers go on after it. */
#include "stream/stream_int.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"
#include "core/proto.h"

/* ---- events ---- */

static const char *const event_names[STREAM_EVENT_MAX] = {
#define EVENT(id, name) [id] = name,
#include "stream/events.def"
#undef EVENT
};

static const char *const event_counter_names[STREAM_EVENT_MAX] = {
#define EVENT(id, name) [id] = "stream." name,
#include "stream/events.def"
#undef EVENT
};

static const char *const counter_names[SCTR_MAX] = {
#define COUNTER(id, name) [id] = name,
#include "stream/counters.def"
#undef COUNTER
};

static const char *const counter_own_names[SCTR_OWN_MAX] = {
#define COUNTER_OWN(id, name) [id] = name,
#include "stream/counters.def"
#undef COUNTER_OWN
};
_Static_assert(SCTR_OWN_MAX <= 8, "ctr_own holds the own counters");

const char *
stream_event_name(unsigned id)
{
    return id < STREAM_EVENT_MAX ? event_names[id] : NULL;
}

int
stream_event_lookup(const char *name)
{
    /* Suricata's stream-events.rules spells two events "..._different_ack"; its engine and
     * stats name them "..._diff_ack". Both spellings name the one event. */
    static const struct {
        const char *alias;
        StreamEvent ev;
    } aliases[] = {
        {"3whs_synack_resend_with_different_ack", STREAM_EV_3WHS_SYNACK_RESEND_WITH_DIFF_ACK},
        {"est_synack_resend_with_different_ack", STREAM_EV_EST_SYNACK_RESEND_WITH_DIFF_ACK},
    };
    if (name == NULL) {
        return -1;
    }
    for (unsigned i = 0; i < STREAM_EVENT_MAX; i++) {
        if (strcasecmp(event_names[i], name) == 0) {
            return (int)i;
        }
    }
    for (unsigned i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
        if (strcasecmp(aliases[i].alias, name) == 0) {
            return (int)aliases[i].ev;
        }
    }
    return -1;
}

void
stream_event_raise(StreamThread *st, Packet *p, StreamEvent ev)
{
    packet_event_add(p, PKT_EVENT(PKT_EVENT_SRC_STREAM, ev));
    if (st->cfg->stats_events) {
        counter_inc(&st->ctr[SCTR_MAX + ev]);
    }
}

/* ---- configuration ---- */

void
stream_config_default(StreamConfig *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->memcap = 64ull << 20;
    cfg->reassembly_memcap = 256ull << 20;
    cfg->depth = 1ull << 20;
    cfg->prealloc_sessions = 2048;
    cfg->toserver_chunk = 2560;
    cfg->toclient_chunk = 2560;
    cfg->max_synack_queue = 5;
    cfg->checksum_validation = true;
    cfg->checksum_auto = true;
    cfg->overlap_diff_data = false; /* Suricata 8: off in IDS mode unless set; on inline */
    cfg->urgent_policy = STREAM_URGENT_INLINE;
    cfg->default_policy = STREAM_POLICY_BSD;
}

/* ---- thread ---- */

/* The flow table's state hook: TCP flows take their state from the session (stream_packet,
 * after flow_handle_packet, where the packet may carry events); other protocols as the
 * built-in hook has them. */
static void
state_hook(FlowTable *ft, Flow *f, const Packet *p, int dir, void *user)
{
    (void)user;
    if (p->proto != SK_IPPROTO_TCP) {
        stream_state_other(ft, f, dir);
    }
}

StreamThread *
stream_thread_new(const StreamConfig *cfg, Memcap *mc_ssn, Memcap *mc_seg)
{
    StreamThread *st = calloc(1, sizeof(*st));
    if (st == NULL) {
        goto fail;
    }
    st->cfg = cfg;
    st->mc_ssn = mc_ssn;
    st->mc_seg = mc_seg;
    st->app_reader = st->raw_reader = false;
    size_t n = SCTR_MAX + (cfg->stats_events ? STREAM_EVENT_MAX : 0);
    st->ctr = calloc(n, sizeof(*st->ctr));
    st->names = calloc(n, sizeof(*st->names));
    if (st->ctr == NULL || st->names == NULL) {
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        st->names[i] = i < SCTR_MAX ? counter_names[i] : event_counter_names[i - SCTR_MAX];
    }
    st->cs = (CounterSet){.names = st->names, .vals = st->ctr, .cnt = n};
    st->cs_own = (CounterSet){.names = counter_own_names, .vals = st->ctr_own, .cnt = SCTR_OWN_MAX};
    /* Sessions from a huge-page reservation: a busy capture's thousands of sessions take a
     * page fault per 2 MiB, not one per 4 KiB chunk cleared by calloc. */
    const PoolConfig sc = {.obj_size = sizeof(TcpSession), .huge = true};
    if (pool_init_cfg(&st->ssn_pool, &sc, 0, mc_ssn) != SK_OK) {
        goto fail;
    }
    StreamReasmConfig rc = {.depth = cfg->depth, .seg_prealloc = 0, .max_span = 0};
    if ((st->segstore = tcp_segstore_new(&rc, mc_seg)) == NULL) {
        goto fail;
    }
    return st;
fail:
    log_error("stream: out of memory for a worker's stream state (stream.memcap, "
              "stream.reassembly.memcap)");
    stream_thread_free(st);
    return NULL;
}

void
stream_thread_free(StreamThread *st)
{
    if (st == NULL) {
        return;
    }
    tcp_segstore_free(st->segstore);
    pool_fini(&st->ssn_pool);
    free(st->ctr);
    free(st->names);
    free(st);
}

void
stream_thread_set_readers(StreamThread *st, bool app, bool raw)
{
    st->app_reader = app;
    st->raw_reader = raw;
    /* Without readers and without the different-data check, no byte is ever looked at
     * again: the lists track sequence coverage only (overlap and gap events and counters
     * come out the same), and payload is never copied. */
    tcp_segstore_set_ranges_only(st->segstore, !app && !raw && !st->cfg->overlap_diff_data
                                                   && !st->cfg->inline_mode);
}

void
stream_thread_attach(StreamThread *st, FlowTable *ft)
{
    st->ft = ft;
    flow_table_set_state_hook(ft, state_hook, st);
}

const CounterSet *
stream_thread_counters(const StreamThread *st)
{
    return &st->cs;
}

const CounterSet *
stream_thread_counters_own(const StreamThread *st)
{
    return &st->cs_own;
}

/* ---- payload in ---- */

static void
insert(StreamThread *st, TcpStream *s, Packet *p, uint32_t seq, const uint8_t *data, uint32_t len)
{
    if (len == 0 || (s->flags & TS_F_NOREASM)) {
        return;
    }
    TcpInsertResult r = tcp_seglist_insert(&s->segs, seq - s->urg_oob, data, len, s->policy);
    if (r.flags & TCP_INS_MEMCAP) {
        sctr_inc(st, SCTR_SEGMENT_MEMCAP_DROP);
        return;
    }
    if (r.stored > 0 || r.overlap_len > 0) {
        st->cur_added = true;
    }
    if (r.flags & TCP_INS_OVERLAP) {
        sctr_inc(st, SCTR_OVERLAP);
    }
    if ((r.flags & TCP_INS_DIFFERENT) && (st->cfg->overlap_diff_data || st->cfg->inline_mode)) {
        sctr_inc(st, SCTR_OVERLAP_DIFF_DATA);
        stream_event_raise(st, p, STREAM_EV_REASSEMBLY_OVERLAP_DIFFERENT_DATA);
    }
    if ((r.flags & TCP_INS_DEPTH) && !(s->flags & TS_F_DEPTH)) {
        s->flags |= TS_F_DEPTH;
        sctr_inc(st, SCTR_STREAM_DEPTH_REACHED);
        stream_event_raise(st, p, STREAM_EV_REASSEMBLY_DEPTH_REACHED);
    }
}

void
stream_data_queue(StreamThread *st, TcpSession *ssn, TcpStream *s, Packet *p, uint32_t seq,
                  Cursor data, uint16_t urg)
{
    const uint8_t *b = data.p;
    uint32_t len = (uint32_t)data.left;
    (void)ssn;

    /* Bytes before the stream's first: RFC 9293 puts nothing there. */
    if (SEQ_LT(seq, s->base_seq)) {
        uint32_t cut = s->base_seq - seq;
        stream_event_raise(st, p, STREAM_EV_REASSEMBLY_SEGMENT_BEFORE_BASE_SEQ);
        if (cut >= len) {
            return;
        }
        b += cut;
        len -= cut;
        seq = s->base_seq;
    }
    /* Urgent data (RFC 6093): the urgent pointer marks the byte after the urgent one. */
    if (urg > 0 && urg <= len && st->cfg->urgent_policy != STREAM_URGENT_INLINE) {
        switch (st->cfg->urgent_policy) {
        case STREAM_URGENT_DROP:
            return;
        case STREAM_URGENT_OOB:
            if (st->cfg->urgent_oob_limit != 0 && s->urg_oob >= st->cfg->urgent_oob_limit) {
                stream_event_raise(st, p, STREAM_EV_REASSEMBLY_URGENT_OOB_LIMIT_REACHED);
                break; /* past the limit the byte stays inline */
            }
            /* The urgent byte leaves the stream: what follows moves up by one. */
            sctr_inc(st, SCTR_URGENT_OOB_DATA);
            insert(st, s, p, seq, b, urg - 1u);
            s->urg_oob++;
            insert(st, s, p, seq + urg, b + urg, len - urg);
            return;
        case STREAM_URGENT_GAP:
            /* The urgent byte's place stays empty: a hole the readers see. */
            sctr_inc(st, SCTR_URGENT_OOB_DATA);
            insert(st, s, p, seq, b, urg - 1u);
            insert(st, s, p, seq + urg, b + urg, len - urg);
            return;
        default:
            break;
        }
    }
    insert(st, s, p, seq, b, len);
}

/* ---- what is readable ---- */

/* The end (list offset) of what the readers may take from s now. */
static uint64_t acked_end(const TcpSession *ssn, const TcpStream *s);

/* readable_end() when the acknowledged end a is known. */
static uint64_t
readable_from_acked(const StreamThread *st, const TcpSession *ssn, const TcpStream *s, uint64_t a)
{
    if (ssn->flags & SSN_F_END) {
        return UINT64_MAX;
    }
    if (st->cfg->inline_mode) {
        /* Inline: what arrived in order is inspected now (the packet can still be dropped). */
        uint64_t c = tcp_seglist_contiguous_end(&s->segs);
        return c > a ? c : a;
    }
    return a;
}

static uint64_t
readable_end(const StreamThread *st, const TcpSession *ssn, const TcpStream *s, bool eof)
{
    if (eof || (ssn->flags & SSN_F_END)) {
        return UINT64_MAX;
    }
    return readable_from_acked(st, ssn, s, acked_end(ssn, s));
}

/* The end of what the receiver acknowledged (everything, one way only). */
static uint64_t
acked_end(const TcpSession *ssn, const TcpStream *s)
{
    if (ssn->flags & SSN_F_ASYNC) {
        return UINT64_MAX;
    }
    if (!(s->flags & TS_F_ACK_SEEN)) {
        return 0;
    }
    uint64_t a = stream_seq_off(s, s->last_ack);
    uint64_t data_end = s->next_off;
    if ((int64_t)a < 0) {
        return 0;
    }
    if (a > data_end && (s->flags & TS_F_FIN)) {
        a = data_end;
    }
    return a > s->urg_oob ? a - s->urg_oob : 0;
}

/* Everything of s is readable and nothing more will come. */
static bool
direction_done(const TcpSession *ssn, const TcpStream *s)
{
    if (ssn->flags & SSN_F_END) {
        return true;
    }
    return (s->flags & TS_F_FIN) && (s->flags & TS_F_ACK_SEEN)
           && SEQ_GEQ(s->last_ack, s->next_seq + 1);
}

/* The run readable at `from`: false when nothing new is. A hole before it is handed on only
 * once the receiver acknowledged past its start (or at the end). */
static bool
readable_run(StreamThread *st, const TcpSession *ssn, TcpStream *s, uint64_t from, bool eof,
             StreamChunk *out)
{
    uint64_t end = readable_end(st, ssn, s, eof);
    if (from >= end || !tcp_seglist_peek(&s->segs, from, out)) {
        return false;
    }
    if (out->offset >= end) {
        return false;
    }
    if (out->flags & STREAM_F_GAP) {
        s->flags |= TS_F_GAP_SEEN;
    }
    if (out->offset + out->data.left > end) {
        out->data.left = (size_t)(end - out->offset);
    }
    return true;
}

#define TS_F_APP_DONE 0x8000 /* the app layer takes no more of this direction */

/* Does the app layer still read s? */
static bool
app_reads(const StreamThread *st, const TcpStream *s)
{
    return st->app_reader && !(s->flags & TS_F_APP_DONE);
}

/* Segments no reader needs any more go back to the store; without readers, everything before
 * readable (readable_end()). */
static void
release_upto(StreamThread *st, TcpStream *s, uint64_t readable)
{
    uint64_t upto = UINT64_MAX;
    bool app = app_reads(st, s);
    if (app) {
        upto = s->app_off;
    }
    if (st->raw_reader) {
        uint64_t r = s->raw_off > STREAM_RAW_KEEP ? s->raw_off - STREAM_RAW_KEEP : 0;
        upto = r < upto ? r : upto;
    }
    if (!app && !st->raw_reader) {
        upto = readable;
    }
    if (upto != UINT64_MAX && upto > s->released) {
        tcp_seglist_release(&s->segs, upto);
        s->released = upto;
    }
}

static void
release(StreamThread *st, TcpSession *ssn, TcpStream *s)
{
    bool readers = app_reads(st, s) || st->raw_reader;
    release_upto(st, s, readers ? 0 : readable_end(st, ssn, s, false));
}

/* ---- per packet ---- */

/* A hole the receiver acknowledged past was received by the host and missed by us: lost for
 * good (tcp.reassembly_gap, stream.reassembly_seq_gap on the acknowledging packet), counted
 * once per hole. One only flushed at flow end is data that never came, as Suricata counts it. */
static void
gap_check(StreamThread *st, TcpStream *s, Packet *p, uint64_t a)
{
    /* Nothing held: no data after a hole (peek below finds none). */
    if (a == UINT64_MAX || a <= s->gap_mark || tcp_seglist_held(&s->segs) == 0) {
        return;
    }
    uint64_t c = tcp_seglist_contiguous_end(&s->segs);
    StreamChunk after;
    /* A hole is data missing between bytes we have: acknowledged bytes past the last one we
     * saw, with nothing after them yet, are not one (yet). */
    if (c < a && c >= s->gap_mark && tcp_seglist_peek(&s->segs, c, &after) && after.offset <= a) {
        s->flags |= TS_F_GAP_SEEN;
        sctr_inc(st, SCTR_REASSEMBLY_GAP);
        stream_event_raise(st, p, STREAM_EV_REASSEMBLY_SEQ_GAP);
        s->gap_mark = a;
    }
}

void
stream_packet(StreamThread *st, Packet *p)
{
    Flow *f = p->flow;
    if (f == NULL || p->proto != SK_IPPROTO_TCP || f->proto != SK_IPPROTO_TCP || p->l4_len == 0) {
        return;
    }
    st->now_s = (uint32_t)(p->ts / SK_USEC_PER_SEC);
    int dir = p->flow_toserver ? FLOW_DIR_TOSERVER : FLOW_DIR_TOCLIENT;
    st->cur_added = false;
    st->cur_payload = p->payload_len > 0;
    stream_session_packet(st, st->ft, f, p, dir);
    st->cur_flow = f;
    st->cur_dir = p->flow_toserver ? FLOW_DIR_TOSERVER : FLOW_DIR_TOCLIENT; /* after a swap */
    TcpSession *cs = f->ssn;
    /* Inline, the packet's new bytes are inspected at once, with what came before them as
     * context (Suricata's sliding window): cur_added keeps the stream pass on for this packet
     * and readable_end() does not wait for an acknowledgement. */
    (void)cs;
    TcpSession *ssn = f->ssn;
    if (ssn != NULL) {
        for (int d = 0; d < 2; d++) {
            TcpStream *s = &ssn->st[d];
            if (s->flags & TS_F_STARTED) {
                /* The acknowledged end once for both: gap check, then what is readable. */
                uint64_t a = acked_end(ssn, s);
                gap_check(st, s, p, a);
                release_upto(st, s, readable_from_acked(st, ssn, s, a));
            }
        }
    }
}

/* ---- the app layer's feed ---- */

#define TS_F_APP_EOF 0x2000 /* the app layer had the EOF chunk */
#define TS_F_RAW_EOF 0x4000

static TcpStream *
dir_stream(const Flow *f, int dir)
{
    TcpSession *ssn = f->ssn;
    if (ssn == NULL || dir < 0 || dir > 1 || !(ssn->st[dir].flags & TS_F_STARTED)) {
        return NULL;
    }
    return &ssn->st[dir];
}

bool
stream_app_chunk(StreamThread *st, Flow *f, int dir, StreamChunk *out)
{
    TcpStream *s = dir_stream(f, dir);
    if (s == NULL || (s->flags & (TS_F_APP_EOF | TS_F_APP_DONE))) {
        return false;
    }
    TcpSession *ssn = f->ssn;
    bool have = readable_run(st, ssn, s, s->app_off, false, out);
    bool done = direction_done(ssn, s);
    if (!have) {
        if (!done) {
            return false;
        }
        memset(out, 0, sizeof(*out));
        out->data = cur_init(NULL, 0);
        out->offset = s->app_off;
    }
    if (done && !tcp_seglist_peek(&s->segs, out->offset + out->data.left, &(StreamChunk){0})) {
        out->flags |= STREAM_F_EOF;
    }
    s->app_chunk_off = out->offset;
    s->app_chunk_eof = (out->flags & STREAM_F_EOF) != 0;
    s->app_chunk_len = out->data.left;
    return true;
}

void
stream_app_consumed(StreamThread *st, Flow *f, int dir, size_t n)
{
    TcpStream *s = dir_stream(f, dir);
    if (s == NULL) {
        return;
    }
    if (n > s->app_chunk_len) {
        n = s->app_chunk_len;
    }
    uint64_t to = s->app_chunk_off + n;
    if (to > s->app_off) {
        s->app_off = to;
    }
    if (s->app_chunk_eof && n == s->app_chunk_len) {
        s->flags |= TS_F_APP_EOF;
    }
    release(st, f->ssn, s);
}

void
stream_app_done(StreamThread *st, Flow *f, int dir)
{
    TcpStream *s = dir_stream(f, dir);
    if (s == NULL || (s->flags & TS_F_APP_DONE)) {
        return;
    }
    s->flags |= TS_F_APP_DONE;
    /* No reader left and nothing compared: the direction's bytes go, its coverage stays. */
    if (!st->raw_reader && !st->cfg->overlap_diff_data && !st->cfg->inline_mode) {
        tcp_seglist_drop_bytes(&s->segs);
    }
    release(st, f->ssn, s);
}

/* ---- detection's feed ---- */

/* Suricata inspects a direction's raw stream once a chunk's worth
 * (stream.reassembly.to{server,client}-chunk-size) of new acknowledged data is there, and at
 * the end: small exchanges are inspected at flow end, as "stream (flow timeout)". */
static bool
raw_ready(const StreamThread *st, const TcpSession *ssn, const TcpStream *s, int dir, bool eof)
{
    /* Once the side closed (its FIN), what the peer acknowledged is inspected at once: no
     * more data will make a chunk. */
    if (eof || (ssn->flags & SSN_F_END) || st->cfg->inline_mode || (s->flags & TS_F_FIN)
        || s->raw_trigger) {
        return true;
    }
    uint64_t end = readable_end(st, ssn, s, false);
    uint32_t chunk = dir == FLOW_DIR_TOSERVER ? st->cfg->toserver_chunk : st->cfg->toclient_chunk;
    return end != UINT64_MAX ? end >= s->raw_off + chunk : true;
}

bool
stream_raw_window(StreamThread *st, const Flow *f, int dir, StreamChunk *out)
{
    TcpStream *s = dir_stream(f, dir);
    if (s == NULL || !raw_ready(st, f->ssn, s, dir, false)) {
        return false;
    }
    return readable_run(st, f->ssn, s, s->raw_off, false, out);
}

void
stream_raw_consumed(StreamThread *st, Flow *f, int dir, uint64_t upto)
{
    TcpStream *s = dir_stream(f, dir);
    if (s == NULL) {
        return;
    }
    if (upto > s->raw_off) {
        s->raw_off = upto;
    }
    s->raw_trigger = false;
    release(st, f->ssn, s);
}

void
stream_raw_trigger(Flow *f, int dir)
{
    TcpStream *s = dir_stream(f, dir);
    if (s != NULL) {
        s->raw_trigger = true;
    }
}

uint32_t
stream_raw_copy(StreamThread *st, Flow *f, int dir, bool eof, uint32_t lookback, uint8_t *out,
                uint32_t cap, uint64_t *start)
{
    TcpStream *s = dir_stream(f, dir);
    StreamChunk c;
    if (s == NULL || cap == 0 || !raw_ready(st, f->ssn, s, dir, eof)
        || !readable_run(st, f->ssn, s, s->raw_off, eof, &c) || c.data.left == 0) {
        return 0;
    }
    uint64_t from = c.offset;
    /* Context before the new bytes, when they follow it without a hole. */
    if (!(c.flags & STREAM_F_GAP) && lookback > 0 && from > s->released) {
        uint64_t back = from - s->released < lookback ? s->released : from - lookback;
        StreamChunk b;
        if (tcp_seglist_peek(&s->segs, back, &b) && !(b.flags & STREAM_F_GAP)
            && b.offset + b.data.left >= from + c.data.left) {
            b.data.left = (size_t)(from + c.data.left - b.offset);
            c = b;
        }
    }
    uint32_t n = c.data.left < cap ? (uint32_t)c.data.left : cap;
    memcpy(out, c.data.p, n);
    *start = c.offset;
    return n;
}

/* What an alert on direction dir's stream logs as its payload: the data still held, from the
 * first byte not released, holes written "[N bytes missing]" as Suricata writes them; at most
 * cap bytes. */
uint32_t
stream_log_copy(const Flow *f, int dir, uint8_t *out, uint32_t cap)
{
    const TcpStream *s = dir_stream(f, dir);
    uint64_t off;
    uint32_t n = 0;
    if (s == NULL) {
        return 0;
    }
    off = s->released;
    while (n < cap) {
        StreamChunk c;
        if (!tcp_seglist_peek(&s->segs, off, &c)) {
            break;
        }
        if ((c.flags & STREAM_F_GAP) && c.gap_len > 0) {
            char mark[48];
            int m = snprintf(mark, sizeof(mark), "[%u bytes missing]", c.gap_len);
            uint32_t k = (uint32_t)m < cap - n ? (uint32_t)m : cap - n;
            memcpy(out + n, mark, k);
            n += k;
        }
        uint32_t k = c.data.left < cap - n ? (uint32_t)c.data.left : cap - n;
        memcpy(out + n, c.data.p, k);
        n += k;
        if (c.data.left == 0) {
            break;
        }
        off = c.offset + c.data.left;
    }
    return n;
}

/* ---- facts ---- */

uint64_t
stream_bytes_seen(const Flow *f, int dir)
{
    const TcpStream *s = dir_stream(f, dir);
    if (s == NULL) {
        return 0;
    }
    /* Sequence-number progress: next expected minus the initial one, as Suricata's
     * stream_size (which counts the SYN's and the FIN's sequence numbers too). */
    return s->next_off + 1;
}

bool
stream_has_session(const Flow *f)
{
    return f->ssn != NULL;
}

bool
stream_raw_active(const Flow *f, int dir)
{
    return dir_stream(f, dir) != NULL;
}

bool
stream_packet_in_stream(const StreamThread *st, const Flow *f, int dir)
{
    if (f == st->cur_flow && dir == st->cur_dir) {
        /* A packet without payload has nothing for packet rules: the stream pass runs. */
        return st->cur_added || (!st->cur_payload && stream_raw_active(f, dir));
    }
    return stream_raw_active(f, dir);
}

bool
stream_had_gap(const Flow *f, int dir)
{
    const TcpStream *s = dir_stream(f, dir);
    return s != NULL && (s->flags & TS_F_GAP_SEEN);
}

const char *
stream_state_name(const Flow *f)
{
    static const char *const names[TCP_STATE_MAX] = {
        [TCP_NONE] = "none",
        [TCP_SYN_SENT] = "syn_sent",
        [TCP_SYN_RECV] = "syn_recv",
        [TCP_ESTABLISHED] = "established",
        [TCP_FIN_WAIT1] = "fin_wait1",
        [TCP_FIN_WAIT2] = "fin_wait2",
        [TCP_TIME_WAIT] = "time_wait",
        [TCP_LAST_ACK] = "last_ack",
        [TCP_CLOSE_WAIT] = "close_wait",
        [TCP_CLOSING] = "closing",
        [TCP_CLOSED] = "closed",
    };
    const TcpSession *ssn = f->ssn;
    return ssn == NULL || ssn->state >= TCP_STATE_MAX ? NULL : names[ssn->state];
}

/* ---- flow end ---- */

void
stream_flow_end(StreamThread *st, Flow *f)
{
    TcpSession *ssn = f->ssn;
    if (st->cur_flow == f) {
        st->cur_flow = NULL; /* flow end inspects the stream, not the last packet */
    }
    if (ssn != NULL) {
        ssn->flags |= SSN_F_END;
        if (!st->raw_reader && !st->app_reader) {
            return; /* no reader: no pseudo packet (and the streams' lines stay cold) */
        }
        /* tcp.pseudo: Suricata makes a flow-end pseudo packet per direction that still has
         * data for its readers. */
        for (int d = 0; d < 2; d++) {
            const TcpStream *s = &ssn->st[d];
            if ((s->flags & TS_F_STARTED) && tcp_seglist_held(&s->segs) > 0
                && ((st->raw_reader && s->raw_off < s->next_off)
                    || (app_reads(st, s) && s->app_off < s->next_off))) {
                sctr_inc(st, SCTR_PSEUDO);
            }
        }
    }
}

void
stream_flow_free(StreamThread *st, Flow *f)
{
    TcpSession *ssn = f->ssn;
    if (st->cur_flow == f) {
        st->cur_flow = NULL;
    }
    if (ssn == NULL) {
        return;
    }
    for (int d = 0; d < 2; d++) {
        if (ssn->st[d].flags & TS_F_STARTED) {
            tcp_seglist_fini(&ssn->st[d].segs);
        }
    }
    pool_put(&st->ssn_pool, ssn);
    f->ssn = NULL;
    uint64_t a = counter_get(&st->ctr[SCTR_ACTIVE_SESSIONS]);
    counter_set(&st->ctr[SCTR_ACTIVE_SESSIONS], a > 0 ? a - 1 : 0);
}
