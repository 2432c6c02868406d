/* runtime.c: the engine, signals and the run modes. The per-packet pipeline is worker.c, stats
 * and the summary stats.c. Three ways to feed workers:
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
#include <grp.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture/capture.h"
#include "core/hash.h"
#include "core/log.h"
#include "runtime/ring.h"
#include "runtime/runtime_int.h"
#include "runtime/shard.h"

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
            worker_live_flush_tick(w, now);
            stats_progress_tick(eng, cr, n);
            continue;
        }
        if (r != SK_OK) {
            break;
        }
        stats_tick(eng, &w->stats, w->ew, p->ts, 0, 1);
        worker_packet(w, p);
        if (eng->live_cr != NULL) {
            worker_live_flush_tick(w, p->ts);
        }
        if ((++n & (PROGRESS_EVERY - 1)) == 0) {
            stats_progress_tick(eng, cr, n);
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
            stats_progress_tick(eng, w->cr, n);
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
                worker_live_flush_tick(w, clock);
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
            worker_live_flush_tick(w, p->ts);
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
            stats_progress_tick(eng, cr, n);
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
        if (shard_classify(&pkt, eng->shard_seed, &eng->rc->decode, eng->rc->flow.vlan_tracking, &h)
            == SHARD_COMPLEX) {
            /* Rare: every worker gets a copy and takes the layers that are its own. */
            for (unsigned i = 0; i < eng->nworkers; i++) {
                ring_push_wait(&eng->workers[i].ring, &pkt, true);
            }
        } else {
            ring_push_wait(&eng->workers[h % eng->nworkers].ring, &pkt, false);
        }
        if ((++n & (PROGRESS_EVERY - 1)) == 0) {
            stats_progress_tick(eng, cr, n);
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

/* run-as: drops to the configured user once the capture and the output files are open, as
 * Suricata does; supplementary groups first, while still allowed to change them. */
static bool
run_as_apply(const RunConfig *rc)
{
    if (!rc->run_as || (getuid() == rc->run_uid && getgid() == rc->run_gid)) {
        return true;
    }
    if (setgroups(0, NULL) != 0 || setgid(rc->run_gid) != 0 || setuid(rc->run_uid) != 0) {
        log_error("run-as: cannot become user %s: %s", rc->run_user, strerror(errno));
        return false;
    }
    return true;
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
        int n = absolute
                    ? snprintf(eve_path, sizeof(eve_path), "%s", rc->eve.filename)
                    : snprintf(eve_path, sizeof(eve_path), "%s/%s", rc->log_dir, rc->eve.filename);
        if (n < 0 || (size_t)n >= sizeof(eve_path)) {
            log_error("output: EVE path '%s/%s' is too long", rc->log_dir, rc->eve.filename);
            goto out;
        }
        eng.ef = eve_file_open(eve_path, &eve_sig);
        if (eng.ef == NULL) {
            goto out;
        }
    }
    if (rc->fast.enabled && rc->detect_engine != NULL) {
        char fast_path[8192];
        bool absolute = rc->fast.filename[0] == '/';
        int n = absolute ? snprintf(fast_path, sizeof(fast_path), "%s", rc->fast.filename)
                         : snprintf(fast_path, sizeof(fast_path), "%s/%s", rc->log_dir,
                                    rc->fast.filename);
        if (n < 0 || (size_t)n >= sizeof(fast_path)) {
            log_error("output: fast.log path '%s/%s' is too long", rc->log_dir, rc->fast.filename);
            goto out;
        }
        eng.fl = fastlog_open(&rc->fast, fast_path);
        if (eng.fl == NULL) {
            goto out;
        }
    }
    if (!run_as_apply(rc)) {
        goto out;
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
    log_info("runtime: runmode %s, %u worker%s, %s %s", runmode_name(eng.runmode), eng.nworkers,
             eng.nworkers == 1 ? "" : "s", rc->live_iface != NULL ? "capturing on" : "reading",
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
        if (eng.workers[i].fw != NULL) {
            fastlog_writer_flush(eng.workers[i].fw);
        }
    }
    if (fastlog_failed(eng.fl)) {
        log_error("fast.log: %llu lines lost to write errors",
                  (unsigned long long)fastlog_lost(eng.fl));
        code = 1;
    }
    if (eve_file_failed(eng.ef)) {
        /* Lost records are a failed run: a SIEM must not take a short log for a whole one. */
        log_error("eve: %llu records lost to write errors on %s",
                  (unsigned long long)eve_file_lost(eng.ef), eve_path);
        code = 1;
    }
    if (!rc->quiet) {
        stats_print_summary(&eng, cr, time_mono_s() - eng.wall_start, eve_path);
    }
    if (rc->detect_engine != NULL && rc->detect.engine.rule_perf) {
        DetectThread **dets = calloc(eng.nworkers, sizeof(*dets));
        char perf_path[8192];
        for (unsigned i = 0; dets != NULL && i < eng.nworkers; i++) {
            dets[i] = eng.workers[i].det;
        }
        snprintf(perf_path, sizeof(perf_path), "%s/rule_perf.log", rc->log_dir);
        if (dets != NULL) {
            (void)detect_rule_perf_write(rc->detect_engine, dets, eng.nworkers, perf_path);
        }
        free(dets);
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
    fastlog_close(eng.fl);
    capture_close(cr);
    return code;
}
