/* runtime.c: the run modes and the worker loop.
 *
 * A worker owns a DecodeThread, a FlowTable and an EveWriter; a packet goes decode -> flow ->
 * anomaly records, then any tunnel inner packets the same way. Three ways to feed workers:
 *   single:  the main thread reads and is the only worker.
 *   workers: each of N threads reads the whole capture itself and processes only the packets
 *            whose shard hash is its own; it still advances its clock on every packet, so all
 *            workers keep the same packet-time clock without talking to each other.
 *   autofp:  the main thread reads, hashes, and copies each packet into the ring of its
 *            worker; workers take their clock from the packets and, when idle, from the time
 *            the reader publishes.
 * Flow records do not depend on the mode or on N (see flow.c on timeouts); tests check that. */
#include "runtime/runtime.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture/capture.h"
#include "core/hash.h"
#include "core/log.h"
#include "runtime/ring.h"
#include "runtime/shard.h"

#define SWEEP_BUDGET 8              /* flows a packet may time out: bounded work per packet */
#define SWEEP_IDLE_US SK_USEC_PER_SEC /* nothing expired: look again a second later */
#define PROGRESS_EVERY 8192         /* packets between progress/stats clock checks */
#define RING_SLOTS 1024
#define RING_ARENA (1u << 20) /* small: the worker reads frames while they are still in a
                                * cache, not back from memory (measured: 40% less CPU than 8 MiB) */

typedef struct Engine Engine;

/* SIGINT / SIGTERM: stop reading and shut down as at the end of the input (flows flushed,
 * final stats written), as Suricata does. SIGHUP: reopen the EVE file by name (logrotate sends
 * it), a generation count the writer compares with the last it saw. The allowed globals:
 * signal flags. */
static volatile sig_atomic_t runtime_stop;
static volatile sig_atomic_t runtime_reopen;

static void
on_stop_signal(int sig)
{
    (void)sig;
    runtime_stop = 1;
}

static void
on_hup_signal(int sig)
{
    (void)sig;
    runtime_reopen++;
}

/* No SA_RESTART: a read or open blocked on an idle pipe or FIFO returns EINTR, and its caller
 * looks at the stop flag. SIGPIPE (an EVE FIFO whose reader left) and SIGXFSZ (a file-size
 * limit) are ignored: the write then fails with EPIPE or EFBIG and is reported as a write
 * error, instead of the process dying without a word. */
static void
signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_hup_signal;
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    sigaction(SIGXFSZ, &sa, NULL);
}

/* Worker threads block the handled signals, so they reach the thread that reads the input
 * (single and autofp: the main thread), which may be the one blocked in read(2) on an idle
 * pipe; a worker never blocks on a signal-interruptible call (its EVE writes poll). */
static int
thread_start(pthread_t *thr, void *(*fn)(void *), void *arg)
{
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    int rc = pthread_create(thr, NULL, fn, arg);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}

#define STATS_MAX 1024
#define STATS_NEVER UINT64_MAX /* a stats grid past the end of time: no more records */

/* Live capture: the kernel's counts, as Suricata names them for pcap. */
enum { CAPTURE_CTR_PACKETS, CAPTURE_CTR_DROPS, CAPTURE_CTR_IFDROPS, CAPTURE_CTR_MAX };
static const char *const capture_counter_names[CAPTURE_CTR_MAX] = {
    "capture.kernel_packets",
    "capture.kernel_drops",
    "capture.kernel_ifdrops",
};

typedef struct {
    uint8_t set, kind;
    uint16_t idx;
} StatSrc;

typedef struct {
    SkTime next;
    uint64_t seq;
} StatsClock;

typedef struct {
    Engine *eng;
    unsigned id;
    DecodeThread *dt;
    DecodeThread *scratch; /* decodes other workers' tunnel packets: its counters are unused */
    FlowTable *ft;
    EveWriter *ew;
    Packet pkt;
    SkTime now;        /* this worker's clock: the latest packet time it has seen */
    StatsClock stats;
    SkTime next_sweep;
    SkTime next_flush; /* live capture: when EVE records buffered here go out at the latest */
    CaptureReader *cr; /* workers run mode */
    Ring ring;         /* autofp run mode */
    pthread_t thr;
    bool started;
    int exit_code;
} Worker;

struct Engine {
    const RunConfig *rc;
    RunMode runmode; /* rc->runmode, or autofp when the input cannot be read by every worker */
    unsigned nworkers;
    Worker *workers;
    CaptureReader *live_cr; /* live capture: the reader, for the kernel's counts */
    Counter capture_ctr[CAPTURE_CTR_MAX];
    EveFile *ef;
    EveWriter *reader_ew; /* autofp: the reader's writer, for stats records */
    StatsClock reader_stats;
    uint64_t shard_seed;
    uint64_t flow_seed;
    double wall_start;
    _Atomic SkTime clock;  /* autofp: the reader's packet time, published for idle workers */
    /* stats layout (stats_layout) */
    const char *stat_names[STATS_MAX];
    StatSrc stat_src[STATS_MAX];
    size_t stat_cnt;
    uint16_t stat_pkts, stat_bytes, stat_flow_memuse;
    _Atomic uint64_t pressure_max; /* stats writers may run in several workers */
    double last_progress;
    uint64_t progress_pkts;
    bool progress_shown;
};

const char *
runmode_name(RunMode m)
{
    switch (m) {
    case RUNMODE_SINGLE:
        return "single";
    case RUNMODE_AUTOFP:
        return "autofp";
    case RUNMODE_WORKERS:
        return "workers";
    }
    return "?";
}

bool
runmode_parse(const char *s, RunMode *out)
{
    if (strcmp(s, "single") == 0) {
        *out = RUNMODE_SINGLE;
    } else if (strcmp(s, "autofp") == 0) {
        *out = RUNMODE_AUTOFP;
    } else if (strcmp(s, "workers") == 0) {
        *out = RUNMODE_WORKERS;
    } else {
        return false;
    }
    return true;
}

/* --- stats --- */

/* Where a stats value comes from: a worker counter set and an index in it, summed over the
 * workers (or their maximum); decoder.avg_pkt_size and memcap.pressure, derived; or (live) a
 * capture counter of the engine's. */
enum { STAT_SUM, STAT_MAX, STAT_AVG_PKT, STAT_PRESSURE, STAT_PRESSURE_MAX, STAT_CAPTURE };

static const CounterSet *
worker_set(const Engine *eng, unsigned w, unsigned set)
{
    return set == 0 ? decode_thread_counters(eng->workers[w].dt)
                    : flow_table_counters(eng->workers[w].ft);
}

/* Builds the stats layout once: every counter name in lexicographic order, because EVE nests
 * dotted names into objects and needs names sharing a prefix to be adjacent. */
static void
stats_layout(Engine *eng)
{
    size_t n = 0;
    for (unsigned set = 0; set < 2; set++) {
        const CounterSet *cs = worker_set(eng, 0, set);
        for (size_t i = 0; i < cs->cnt && n < STATS_MAX - 1; i++) {
            const char *nm = cs->names[i];
            StatSrc *src = &eng->stat_src[n];
            src->set = (uint8_t)set;
            src->idx = (uint16_t)i;
            src->kind = strstr(nm, ".max_") != NULL ? STAT_MAX : STAT_SUM;
            eng->stat_names[n++] = nm;
            if (strcmp(nm, "flow.memuse") == 0) {
                eng->stat_flow_memuse = (uint16_t)i;
            }
            if (strcmp(nm, "decoder.pkts") == 0) {
                eng->stat_pkts = (uint16_t)i;
            } else if (strcmp(nm, "decoder.bytes") == 0) {
                eng->stat_bytes = (uint16_t)i;
            }
        }
    }
    eng->stat_names[n] = "decoder.avg_pkt_size";
    eng->stat_src[n++].kind = STAT_AVG_PKT;
    for (unsigned i = 0; eng->live_cr != NULL && i < CAPTURE_CTR_MAX; i++) {
        eng->stat_names[n] = capture_counter_names[i];
        eng->stat_src[n].kind = STAT_CAPTURE;
        eng->stat_src[n++].idx = (uint16_t)i;
    }
    /* memcap.pressure: the fullest memcap in percent (only flow.memcap exists yet). */
    eng->stat_names[n] = "memcap.pressure";
    eng->stat_src[n++].kind = STAT_PRESSURE;
    eng->stat_names[n] = "memcap.pressure_max";
    eng->stat_src[n++].kind = STAT_PRESSURE_MAX;
    for (size_t i = 1; i < n; i++) { /* insertion sort: once, a few hundred names */
        const char *nm = eng->stat_names[i];
        StatSrc src = eng->stat_src[i];
        size_t j = i;
        for (; j > 0 && strcmp(eng->stat_names[j - 1], nm) > 0; j--) {
            eng->stat_names[j] = eng->stat_names[j - 1];
            eng->stat_src[j] = eng->stat_src[j - 1];
        }
        eng->stat_names[j] = nm;
        eng->stat_src[j] = src;
    }
    eng->stat_cnt = n;
}

static uint64_t
stat_sum(const Engine *eng, unsigned set, unsigned idx, bool max)
{
    uint64_t v = 0;
    for (unsigned w = 0; w < eng->nworkers; w++) {
        uint64_t x = counter_get(&worker_set(eng, w, set)->vals[idx]);
        v = max ? (x > v ? x : v) : v + x;
    }
    return v;
}

/* Totals over all workers, in layout order. Called at stats time only, never per packet. */
static size_t
stats_collect(Engine *eng, const char **names, uint64_t *vals, size_t max)
{
    size_t n = eng->stat_cnt < max ? eng->stat_cnt : max;
    uint64_t memcap = eng->rc->flow.memcap ? eng->rc->flow.memcap : 1;
    uint64_t pressure = stat_sum(eng, 1, eng->stat_flow_memuse, false) * 100 / memcap;
    uint64_t seen = atomic_load_explicit(&eng->pressure_max, memory_order_relaxed);
    while (pressure > seen && !atomic_compare_exchange_weak_explicit(
                                  &eng->pressure_max, &seen, pressure, memory_order_relaxed,
                                  memory_order_relaxed)) {
    }
    for (size_t i = 0; i < n; i++) {
        const StatSrc *src = &eng->stat_src[i];
        names[i] = eng->stat_names[i];
        if (src->kind == STAT_AVG_PKT) {
            uint64_t pkts = stat_sum(eng, 0, eng->stat_pkts, false);
            vals[i] = pkts ? stat_sum(eng, 0, eng->stat_bytes, false) / pkts : 0;
        } else if (src->kind == STAT_PRESSURE) {
            vals[i] = pressure;
        } else if (src->kind == STAT_PRESSURE_MAX) {
            vals[i] = atomic_load_explicit(&eng->pressure_max, memory_order_relaxed);
        } else if (src->kind == STAT_CAPTURE) {
            vals[i] = counter_get(&eng->capture_ctr[src->idx]);
        } else {
            vals[i] = stat_sum(eng, src->set, src->idx, src->kind == STAT_MAX);
        }
    }
    return n;
}

/* Live capture: the kernel's counts into the capture counters. Called by the thread that reads
 * the capture (single, or autofp's reader): it owns the libpcap handle. */
static void
capture_counters_update(Engine *eng)
{
    uint64_t pkts, drops, ifdrops;

    if (eng->live_cr != NULL && capture_live_stats(eng->live_cr, &pkts, &drops, &ifdrops)) {
        counter_set(&eng->capture_ctr[CAPTURE_CTR_PACKETS], pkts);
        counter_set(&eng->capture_ctr[CAPTURE_CTR_DROPS], drops);
        counter_set(&eng->capture_ctr[CAPTURE_CTR_IFDROPS], ifdrops);
    }
}

static uint64_t
stats_value(const char **names, const uint64_t *vals, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(names[i], key) == 0) {
            return vals[i];
        }
    }
    return 0;
}

static void
stats_write(Engine *eng, EveWriter *ew, SkTime ts)
{
    const char *names[STATS_MAX];
    uint64_t vals[STATS_MAX];
    if (!eng->rc->stats_enabled) {
        return;
    }
    capture_counters_update(eng);
    size_t n = stats_collect(eng, names, vals, STATS_MAX);
    double up = time_mono_s() - eng->wall_start;
    eve_log_stats(ew, ts, (uint64_t)up, names, vals, n);
}

/* The first tick of the interval grid (next, next + interval, ...) after now, in constant
 * time: a jump of years between two packets is one division, not a loop, and a grid that
 * would pass the end of time stops at it (no more stats records, never a wrap). */
static SkTime
stats_next_after(SkTime next, SkTime now, SkTime interval)
{
    if (now < next) {
        return next;
    }
    uint64_t steps = (uint64_t)(now - next) / (uint64_t)interval + 1;
    if (steps > (uint64_t)(STATS_NEVER - next) / (uint64_t)interval) {
        return STATS_NEVER;
    }
    return next + (SkTime)(steps * (uint64_t)interval);
}

/* Every thread that sees every packet time keeps a StatsClock; stats.interval counts packet
 * time offline. When N threads share the work (workers run mode), the j-th record is written by
 * thread j % N, so writing stats does not load one worker more than the others. */
static void
stats_tick(Engine *eng, StatsClock *sc, EveWriter *ew, SkTime now, unsigned id, unsigned n)
{
    if (!eng->rc->stats_enabled || eng->rc->stats_interval_s == 0) {
        return;
    }
    if (sc->next == 0) {
        sc->next = stats_next_after(now, now, SK_TIME_FROM_SEC(eng->rc->stats_interval_s));
        return;
    }
    if (now >= sc->next && sc->next != STATS_NEVER) {
        if (sc->seq++ % n == id) {
            stats_write(eng, ew, now);
            if (eng->live_cr != NULL) {
                eve_writer_flush(ew); /* live: a stats record is read as it is written */
            }
        }
        sc->next = stats_next_after(sc->next, now, SK_TIME_FROM_SEC(eng->rc->stats_interval_s));
    }
}

/* --- progress (a terminal on stderr only) --- */

static void
progress_tick(Engine *eng, const CaptureReader *cr, uint64_t pkts)
{
    if (!eng->rc->progress) {
        return;
    }
    double now = time_mono_s();
    if (now - eng->last_progress < 0.5) {
        return;
    }
    uint64_t done, total;
    capture_progress(cr, &done, &total);
    double rate = (double)(pkts - eng->progress_pkts) / (now - eng->last_progress);
    if (eng->live_cr != NULL) {
        fprintf(stderr, "\r  live  %" PRIu64 " packets  %.0f packets/s   ", pkts, rate);
    } else {
        fprintf(stderr, "\r  %5.1f%%  %.0f packets/s   ",
                total ? 100.0 * (double)done / (double)total : 0.0, rate);
    }
    eng->last_progress = now;
    eng->progress_pkts = pkts;
    eng->progress_shown = true;
}

/* --- the worker --- */

static void
on_flow_end(const Flow *f, SkTime now, void *user)
{
    Worker *w = user;
    eve_log_flow(w->ew, f, now);
}

static void
worker_tick(Worker *w, SkTime ts)
{
    if (ts > w->now) {
        w->now = ts;
    }
    if (w->now >= w->next_sweep) {
        /* A full budget means more may be waiting: look again at the next packet. */
        if (flow_table_timeout(w->ft, w->now, SWEEP_BUDGET) < SWEEP_BUDGET) {
            w->next_sweep = w->now + SWEEP_IDLE_US;
        }
    }
}

/* One decoded packet (a captured packet or one tunnel layer of it): flow, then anomalies. */
static void
worker_layer(Worker *w, Packet *q)
{
    flow_handle_packet(w->ft, q);
    if (q->event_cnt > 0) {
        eve_log_anomalies(w->ew, q);
    }
}

static void
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
static void
worker_packet_complex(Worker *w, Packet *p)
{
    Engine *eng = w->eng;
    const unsigned nw = eng->nworkers;
    bool counter = p->pcap_cnt % nw == w->id;

    decode_packet(counter ? w->dt : w->scratch, p);
    for (Packet *q = p; q != NULL; q = q->inner) {
        if (shard_hash_layer(q, eng->shard_seed, eng->rc->flow.vlan_tracking) % nw == w->id) {
            worker_layer(w, q);
        }
    }
    worker_tick(w, p->ts);
}

static void
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
}

static bool
worker_init(Engine *eng, Worker *w, unsigned id)
{
    const RunConfig *rc = eng->rc;
    w->eng = eng;
    w->id = id;
    w->dt = decode_thread_new(&rc->decode);
    if (eng->nworkers > 1 && (w->scratch = decode_thread_new(&rc->decode)) == NULL) {
        return false;
    }
    w->ew = eve_writer_new(eng->ef, &rc->eve);
    w->ft = flow_table_new(&rc->flow, eng->nworkers, id, eng->flow_seed, on_flow_end, w);
    return w->dt != NULL && w->ew != NULL && w->ft != NULL;
}

static void
worker_fini(Worker *w)
{
    flow_table_free(w->ft);
    eve_writer_free(w->ew);
    decode_thread_free(w->dt);
    decode_thread_free(w->scratch);
    capture_close(w->cr);
    ring_fini(&w->ring);
}

/* --- run modes --- */

/* Waiting on another thread: yield a while, then nap, so a waiter does not hold a core the
 * thread it waits for needs. */
static void
idle_wait(unsigned *spins)
{
    if (++*spins < 64) {
        sched_yield();
    } else {
        struct timespec ts = {0, 50000};
        nanosleep(&ts, NULL);
    }
}

static int
read_error(SkResult r, const char *err)
{
    if (r == SK_EOF) {
        return 0;
    }
    log_error("%s", err);
    return 1;
}

/* Live capture: a worker's EVE records reach the file within a second, whatever the traffic
 * (offline, they go out as the 64 KiB buffer fills). */
static void
live_flush_tick(Worker *w, SkTime now)
{
    if (now >= w->next_flush) {
        eve_writer_flush(w->ew);
        w->next_flush = now + SK_USEC_PER_SEC;
    }
}

/* Live capture with a quiet link: the wall clock moves time on, never backwards. */
static SkTime
live_clock(SkTime latest)
{
    SkTime now = time_wall_now();
    return now > latest ? now : latest;
}

static int
run_single(Engine *eng, CaptureReader *cr)
{
    Worker *w = &eng->workers[0];
    Packet *p = &w->pkt;
    char err[CAPTURE_ERRBUF_SIZE] = "";
    SkResult r = SK_EOF;
    uint64_t n = 0;

    /* No reset per packet: capture_next sets the capture fields, decode_packet clears what it
     * fills, and flow_handle_packet sets the flow fields. */
    packet_reset(p);
    for (;;) {
        if (runtime_stop) {
            r = SK_EOF; /* interrupted: end as if the input ended here */
            break;
        }
        r = capture_next(cr, p, err);
        if (r == SK_AGAIN && eng->live_cr == NULL) {
            continue; /* a signal interrupted a read: look at the stop flag, read on */
        }
        if (r == SK_AGAIN) {
            SkTime now = live_clock(w->now);
            worker_tick(w, now);
            stats_tick(eng, &w->stats, w->ew, now, 0, 1);
            live_flush_tick(w, now);
            progress_tick(eng, cr, n);
            continue;
        }
        if (r != SK_OK) {
            break;
        }
        stats_tick(eng, &w->stats, w->ew, p->ts, 0, 1);
        worker_packet(w, p);
        if (eng->live_cr != NULL) {
            live_flush_tick(w, p->ts);
        }
        if ((++n & (PROGRESS_EVERY - 1)) == 0) {
            progress_tick(eng, cr, n);
        }
    }
    worker_finish(w, w->now);
    stats_write(eng, w->ew, w->now);
    return read_error(r, err);
}

/* --- workers run mode ---
 *
 * Every worker reads the whole capture itself, with its own reader, and processes only the
 * packets whose shard is its own; it still advances its clock on every packet, so all workers
 * keep the capture's clock without talking to each other. No reader thread, no rings, and no
 * packet byte crosses from one core to another: each packet is read into the cache of the core
 * that processes it. (A shared-read variant, where workers take turns reading batches that all
 * of them then walk, was measured slower on the 2-core target: see docs/architecture.md.) */

/* Takes the packet if it is this worker's share. */
static void
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

static void *
workers_thread(void *arg)
{
    Worker *w = arg;
    Engine *eng = w->eng;
    Packet *p = &w->pkt;
    char err[CAPTURE_ERRBUF_SIZE] = "";
    SkResult r = SK_EOF;
    uint64_t n = 0;

    for (;;) {
        p->data = NULL; /* decode_packet clears the decoded fields itself */
        p->flow = NULL;
        p->flow_toserver = 0;
        if (runtime_stop) {
            r = SK_EOF;
            break;
        }
        if ((r = capture_next(w->cr, p, err)) == SK_AGAIN) {
            continue; /* interrupted read (workers read files, never live) */
        }
        if (r != SK_OK) {
            break;
        }
        worker_dispatch(w, p);
        stats_tick(eng, &w->stats, w->ew, p->ts, w->id, eng->nworkers);
        if (w->id == 0 && (++n & (PROGRESS_EVERY - 1)) == 0) {
            progress_tick(eng, w->cr, n);
        }
    }
    /* Every worker saw every packet time, so w->now is the capture's end for all of them. */
    worker_finish(w, w->now);
    w->exit_code = read_error(r, err);
    return NULL;
}

static int
run_workers(Engine *eng, CaptureReader *cr)
{
    int code = 0;
    char err[CAPTURE_ERRBUF_SIZE];

    /* Worker 0 uses the reader already opened (it proved the input readable); the others open
     * their own, quiet, so a cut record or an odd link type is said once, not once a worker
     * (runtime_run checked the input can be opened again). The runtime closes worker 0's
     * reader, the workers' fini the others'. */
    eng->workers[0].cr = cr;
    for (unsigned i = 1; i < eng->nworkers; i++) {
        Worker *w = &eng->workers[i];
        w->cr = capture_reopen(cr, err);
        if (w->cr == NULL) {
            log_error("runtime: worker %u cannot open the input: %s", i, err);
            eng->workers[0].cr = NULL;
            return 1;
        }
    }
    for (unsigned i = 0; i < eng->nworkers; i++) {
        Worker *w = &eng->workers[i];
        if (thread_start(&w->thr, workers_thread, w) != 0) {
            log_error("runtime: cannot start worker thread %u", i);
            code = 1;
            break;
        }
        w->started = true;
    }
    for (unsigned i = 0; i < eng->nworkers; i++) {
        Worker *w = &eng->workers[i];
        if (w->started) {
            pthread_join(w->thr, NULL);
            code |= w->exit_code;
        }
    }
    eng->workers[0].cr = NULL; /* closed by runtime_run */
    /* Stats last, after every worker's counters are final. */
    stats_write(eng, eng->workers[0].ew, eng->workers[0].now);
    eve_writer_flush(eng->workers[0].ew);
    return code;
}

static void
ring_push_wait(Ring *r, const Packet *p, bool complex)
{
    unsigned spins = 0;
    bool was_empty = false;
    while (!ring_push(r, p, complex, &was_empty)) {
        ring_wake(r); /* full: make sure its worker is not asleep */
        idle_wait(&spins);
    }
    /* A worker sleeps only on an empty ring, and re-checks the ring after saying so (ring.c,
     * F1/F2): waking on the empty -> non-empty transition is enough, and spares a fence on
     * every other packet. If this push saw a stale tail (the worker had just emptied the ring),
     * the worker's 1 ms sleep timeout is the backstop: late by at most that, never stuck. */
    if (was_empty) {
        ring_wake(r);
    }
}

static void *
autofp_thread(void *arg)
{
    Worker *w = arg;
    Engine *eng = w->eng;
    Packet *p = &w->pkt;
    unsigned spins = 0;

    for (;;) {
        const RingSlot *s = ring_peek(&w->ring);
        if (s == NULL) {
            /* Acquire pairs with the reader's release of done after its last push. */
            if (atomic_load_explicit(&w->ring.done, memory_order_acquire)
                && ring_peek(&w->ring) == NULL) {
                break;
            }
            SkTime clock = atomic_load_explicit(&eng->clock, memory_order_relaxed);
            worker_tick(w, clock);
            if (eng->live_cr != NULL) {
                live_flush_tick(w, clock);
            }
            /* Spin briefly, then sleep until the reader wakes us: with more threads than
             * cores, a spinning worker would take the core the reader needs. */
            if (++spins < 16) {
                sched_yield();
            } else {
                ring_wait(&w->ring, 1000);
            }
            continue;
        }
        spins = 0;
        p->data = ring_slot_data(&w->ring, s);
        p->len = s->len;
        p->wire_len = s->wire_len;
        p->ts = s->ts;
        p->pcap_cnt = s->pcap_cnt;
        p->linktype = s->linktype;
        if (s->complex) {
            worker_packet_complex(w, p);
        } else {
            worker_packet(w, p);
        }
        ring_release(&w->ring, s);
        if (eng->live_cr != NULL) {
            live_flush_tick(w, p->ts);
        }
    }
    worker_finish(w, atomic_load_explicit(&eng->clock, memory_order_relaxed));
    return NULL;
}

static int
run_autofp(Engine *eng, CaptureReader *cr)
{
    char err[CAPTURE_ERRBUF_SIZE] = "";
    Packet pkt;
    SkResult r = SK_EOF;
    uint64_t n = 0, oversize = 0;
    int code = 0;

    eng->reader_ew = eve_writer_new(eng->ef, &eng->rc->eve);
    if (eng->reader_ew == NULL) {
        return 1;
    }
    for (unsigned i = 0; i < eng->nworkers; i++) {
        Worker *w = &eng->workers[i];
        if (!ring_init(&w->ring, RING_SLOTS, RING_ARENA)) {
            log_error("runtime: out of memory for packet rings");
            return 1;
        }
    }
    for (unsigned i = 0; i < eng->nworkers; i++) {
        Worker *w = &eng->workers[i];
        if (thread_start(&w->thr, autofp_thread, w) != 0) {
            log_error("runtime: cannot start worker thread %u", i);
            code = 1;
            goto join;
        }
        w->started = true;
    }
    packet_reset(&pkt); /* the reader only reads the capture fields, all set per packet */
    for (;;) {
        if (runtime_stop) {
            r = SK_EOF;
            break;
        }
        r = capture_next(cr, &pkt, err);
        if (r == SK_AGAIN && eng->live_cr == NULL) {
            continue; /* a signal interrupted a read: look at the stop flag, read on */
        }
        if (r == SK_AGAIN) {
            /* Live and quiet: idle workers take this clock (autofp_thread). */
            SkTime now = live_clock(atomic_load_explicit(&eng->clock, memory_order_relaxed));
            atomic_store_explicit(&eng->clock, now, memory_order_relaxed);
            stats_tick(eng, &eng->reader_stats, eng->reader_ew, now, 0, 1);
            progress_tick(eng, cr, n);
            continue;
        }
        if (r != SK_OK) {
            break;
        }
        if (pkt.ts > atomic_load_explicit(&eng->clock, memory_order_relaxed)) {
            atomic_store_explicit(&eng->clock, pkt.ts, memory_order_relaxed);
        }
        stats_tick(eng, &eng->reader_stats, eng->reader_ew, pkt.ts, 0, 1);
        if (pkt.len > RING_ARENA / 2) {
            oversize++; /* cannot happen with the reader's record cap; counted if it does */
            continue;
        }
        uint64_t h;
        if (shard_classify(&pkt, eng->shard_seed, &eng->rc->decode,
                           eng->rc->flow.vlan_tracking, &h) == SHARD_COMPLEX) {
            /* Rare: every worker gets a copy and takes the layers that are its own. */
            for (unsigned i = 0; i < eng->nworkers; i++) {
                ring_push_wait(&eng->workers[i].ring, &pkt, true);
            }
        } else {
            ring_push_wait(&eng->workers[h % eng->nworkers].ring, &pkt, false);
        }
        if ((++n & (PROGRESS_EVERY - 1)) == 0) {
            progress_tick(eng, cr, n);
        }
    }
join:
    for (unsigned i = 0; i < eng->nworkers; i++) {
        /* Release: every push above is visible before done (pairs with the worker's acquire). */
        atomic_store_explicit(&eng->workers[i].ring.done, true, memory_order_release);
        ring_wake(&eng->workers[i].ring);
    }
    for (unsigned i = 0; i < eng->nworkers; i++) {
        if (eng->workers[i].started) {
            pthread_join(eng->workers[i].thr, NULL);
        }
    }
    if (oversize > 0) {
        log_warn("runtime: %lu frames larger than the ring arena were skipped",
                 (unsigned long)oversize);
    }
    stats_write(eng, eng->reader_ew, atomic_load_explicit(&eng->clock, memory_order_relaxed));
    eve_writer_flush(eng->reader_ew);
    if (code == 0) {
        code = read_error(r, err);
    }
    return code;
}

/* --- summary --- */

static void
print_summary(Engine *eng, const CaptureReader *cr, double secs, const char *eve_path)
{
    const char *names[STATS_MAX];
    uint64_t vals[STATS_MAX];
    size_t n = stats_collect(eng, names, vals, STATS_MAX);
#define V(k) ((unsigned long long)stats_value(names, vals, n, k))
    unsigned long long pkts = V("decoder.pkts"), bytes = V("decoder.bytes");
    if (eng->progress_shown) {
        fprintf(stderr, "\r%40s\r", "");
    }
    fprintf(stderr,
            "sekimori: %llu packets, %llu bytes in %.3f s (%.0f packets/s, %.3f Gbit/s), "
            "runmode %s, %u worker%s\n",
            pkts, bytes, secs, secs > 0 ? (double)pkts / secs : 0.0,
            secs > 0 ? (double)bytes * 8 / secs / 1e9 : 0.0, runmode_name(eng->runmode),
            eng->nworkers, eng->nworkers == 1 ? "" : "s");
    fprintf(stderr, "  flows %llu, invalid %llu, emergency mode entered %llu, flow memcap hits %llu\n",
            V("flow.total"), V("decoder.invalid"), V("flow.emerg_mode_entered"), V("flow.memcap"));
    fprintf(stderr,
            "  ethernet %llu, ipv4 %llu, ipv6 %llu, tcp %llu, udp %llu, icmpv4 %llu, icmpv6 %llu, "
            "sctp %llu, arp %llu, vlan %llu, gre %llu, vxlan %llu, teredo %llu\n",
            V("decoder.ethernet"), V("decoder.ipv4"), V("decoder.ipv6"), V("decoder.tcp"),
            V("decoder.udp"), V("decoder.icmpv4"), V("decoder.icmpv6"), V("decoder.sctp"),
            V("decoder.arp"), V("decoder.vlan"), V("decoder.gre"), V("decoder.vxlan"),
            V("decoder.teredo"));
    /* sekimori's own counts, not Suricata's: the summary says the ones that are not zero, EVE
     * stats keep to Suricata's schema. */
    if (cr != NULL && capture_ts_invalid(cr) > 0) {
        fprintf(stderr, "  capture: %llu timestamps out of range, clamped\n",
                (unsigned long long)capture_ts_invalid(cr));
    }
    const CounterSet *own = decode_thread_counters_own(eng->workers[0].dt);
    bool own_shown = false;
    for (size_t i = 0; i < own->cnt; i++) {
        uint64_t v = 0;
        for (unsigned w = 0; w < eng->nworkers; w++) {
            v += counter_get(&decode_thread_counters_own(eng->workers[w].dt)->vals[i]);
        }
        if (v > 0) {
            fprintf(stderr, "%s %s %llu", own_shown ? "," : "  sekimori's own:", own->names[i],
                    (unsigned long long)v);
            own_shown = true;
        }
    }
    if (own_shown) {
        fputc('\n', stderr);
    }
    if (eng->live_cr != NULL) {
        fprintf(stderr, "  capture on %s: kernel packets %llu, kernel drops %llu, "
                        "interface drops %llu\n",
                eng->rc->live_iface, V("capture.kernel_packets"), V("capture.kernel_drops"),
                V("capture.kernel_ifdrops"));
    }
    if (eng->ef != NULL) {
        char shown[512];
        log_sanitize(eve_path, shown, sizeof(shown));
        fprintf(stderr, "  eve: %llu records -> %s", (unsigned long long)eve_file_records(eng->ef),
                shown);
        if (eve_file_lost(eng->ef) > 0) {
            fprintf(stderr, ", %llu records LOST to write errors",
                    (unsigned long long)eve_file_lost(eng->ef));
        }
        fputc('\n', stderr);
    }
#undef V
}

static uint64_t
random_seed(void)
{
    uint64_t s = 0;
    FILE *f = fopen("/dev/urandom", "rb");
    if (f != NULL) {
        if (fread(&s, sizeof(s), 1, f) != 1) {
            s = 0;
        }
        fclose(f);
    }
    return s ^ (uint64_t)time_wall_now() ^ ((uint64_t)getpid() << 32);
}

int
runtime_run(const RunConfig *rc)
{
    Engine eng;
    CaptureReader *cr = NULL;
    char err[CAPTURE_ERRBUF_SIZE];
    char eve_path[sizeof(rc->log_dir) + sizeof(rc->eve.filename) + 2] = "";
    int code = 1;
    struct stat st;
    static const EveSignals eve_sig = {&runtime_stop, &runtime_reopen};

    memset(&eng, 0, sizeof(eng));
    eng.rc = rc;
    eng.runmode = rc->runmode;
    signals_install();
    eng.nworkers = rc->runmode == RUNMODE_SINGLE ? 1 : (rc->threads ? rc->threads : 1);
    eng.wall_start = time_mono_s();
    eng.last_progress = eng.wall_start;
    /* Seeds keep attackers from aiming flows at one bucket or one worker; --no-random trades
     * that for reproducible flow_id values (tests). */
    eng.shard_seed = rc->no_random ? 0x5eed5eed5eed5eedULL : random_seed();
    eng.flow_seed = rc->no_random ? 0x0f10f10f10f10f1ULL : random_seed();

    if (rc->live_iface != NULL) {
        if (rc->runmode == RUNMODE_WORKERS) {
            log_error("runtime: --runmode workers has every worker read the input itself, which "
                      "a live interface cannot give; use autofp (the default) or single");
            return 1;
        }
        cr = capture_open_live(rc->live_iface, &rc->live, err);
        eng.live_cr = cr;
    } else {
        cr = capture_open(rc->input, err);
    }
    if (cr == NULL) {
        log_error("%s", err);
        return 1;
    }
    /* Workers mode has every worker open the input itself: a pipe, a FIFO or a terminal would
     * give each worker a different part of the stream (or nothing). */
    if (eng.runmode == RUNMODE_WORKERS && !capture_is_reopenable(cr)) {
        log_notice("runtime: %s is not a regular file or directory, which every worker can "
                   "read for itself: runmode autofp instead of workers",
                   rc->input);
        eng.runmode = RUNMODE_AUTOFP;
    }
    if (rc->eve.enabled) {
        /* An absolute filename is used as it is, as Suricata does; else it is in the log dir. */
        bool absolute = rc->eve.filename[0] == '/';
        if (!absolute && (stat(rc->log_dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
            log_error("output: log directory '%s' does not exist or is not a directory (-l)",
                      rc->log_dir);
            goto out;
        }
        int n = absolute ? snprintf(eve_path, sizeof(eve_path), "%s", rc->eve.filename)
                         : snprintf(eve_path, sizeof(eve_path), "%s/%s", rc->log_dir,
                                    rc->eve.filename);
        if (n < 0 || (size_t)n >= sizeof(eve_path)) {
            log_error("output: EVE path '%s/%s' is too long", rc->log_dir, rc->eve.filename);
            goto out;
        }
        eng.ef = eve_file_open(eve_path, &eve_sig);
        if (eng.ef == NULL) {
            goto out;
        }
    }
    eng.workers = calloc(eng.nworkers, sizeof(*eng.workers));
    if (eng.workers == NULL) {
        log_error("runtime: out of memory");
        goto out;
    }
    for (unsigned i = 0; i < eng.nworkers; i++) {
        if (!worker_init(&eng, &eng.workers[i], i)) {
            goto out;
        }
    }
    stats_layout(&eng);
    log_info("runtime: runmode %s, %u worker%s, %s %s", runmode_name(eng.runmode),
             eng.nworkers, eng.nworkers == 1 ? "" : "s",
             rc->live_iface != NULL ? "capturing on" : "reading",
             rc->live_iface != NULL ? rc->live_iface : rc->input);

    switch (eng.runmode) {
    case RUNMODE_SINGLE:
        code = run_single(&eng, cr);
        break;
    case RUNMODE_WORKERS:
        code = run_workers(&eng, cr);
        break;
    case RUNMODE_AUTOFP:
        code = run_autofp(&eng, cr);
        break;
    }
    for (unsigned i = 0; i < eng.nworkers; i++) {
        eve_writer_flush(eng.workers[i].ew);
    }
    if (eve_file_failed(eng.ef)) {
        /* Lost records are a failed run: a SIEM must not take a short log for a whole one. */
        log_error("eve: %llu records lost to write errors on %s",
                  (unsigned long long)eve_file_lost(eng.ef), eve_path);
        code = 1;
    }
    if (!rc->quiet) {
        print_summary(&eng, cr, time_mono_s() - eng.wall_start, eve_path);
    }
out:
    if (eng.workers != NULL) {
        for (unsigned i = 0; i < eng.nworkers; i++) {
            worker_fini(&eng.workers[i]);
        }
        free(eng.workers);
    }
    eve_writer_free(eng.reader_ew);
    eve_file_close(eng.ef);
    capture_close(cr);
    return code;
}
