/* stats.c: the stats layout (every counter name of every stage, in the order EVE nests them),
 * stats records on the stats.interval grid of packet time, the progress line and the run's
 * summary. Stats run on the thread that writes them, never per packet. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "runtime/runtime_int.h"

#define STATS_NEVER UINT64_MAX /* a stats grid past the end of time: no more records */

/* Live capture: the kernel's counts, as Suricata names them for pcap. */
static const char *const capture_counter_names[CAPTURE_CTR_MAX] = {
    "capture.kernel_packets",
    "capture.kernel_drops",
    "capture.kernel_ifdrops",
};

/* Where a stats value comes from: a registered worker counter set and an index in it, summed
 * over the workers (or their maximum); decoder.avg_pkt_size and memcap.pressure, derived; or
 * (live) a capture counter of the engine's. */
enum { STAT_SUM, STAT_MAX, STAT_AVG_PKT, STAT_PRESSURE, STAT_PRESSURE_MAX, STAT_CAPTURE };

void
worker_counters_register(Worker *w, const CounterSet *cs, bool eve)
{
    WorkerCounters *wc = &w->ctr;

    /* Our own invariant: the stages' registrations fit, and a set's index fits StatSrc.set. */
    if (wc->cnt == WORKER_COUNTER_SETS) {
        log_error("runtime: more than %d counter sets registered; raise WORKER_COUNTER_SETS",
                  WORKER_COUNTER_SETS);
        return;
    }
    wc->set[wc->cnt] = cs;
    wc->eve[wc->cnt++] = eve;
}

static const CounterSet *
worker_set(const Engine *eng, unsigned w, unsigned set)
{
    return eng->workers[w].ctr.set[set];
}

/* The set and index of a counter by name, for the values derived from it; idx stays
 * UINT16_MAX when no stage registered it. */
static void
stat_find(const Engine *eng, const char *name, StatSrc *out)
{
    const WorkerCounters *wc = &eng->workers[0].ctr;

    out->idx = UINT16_MAX;
    for (unsigned set = 0; set < wc->cnt; set++) {
        for (size_t i = 0; wc->eve[set] && i < wc->set[set]->cnt; i++) {
            if (strcmp(wc->set[set]->names[i], name) == 0) {
                out->set = (uint8_t)set;
                out->idx = (uint16_t)i;
                return;
            }
        }
    }
}

/* Builds the stats layout once: every counter name of every set registered for EVE, in
 * lexicographic order, because EVE nests dotted names into objects and needs names sharing a
 * prefix to be adjacent. Registration order does not show in the record. */
void
stats_layout(Engine *eng)
{
    const WorkerCounters *wc = &eng->workers[0].ctr;
    size_t n = 0;

    for (unsigned set = 0; set < wc->cnt; set++) {
        const CounterSet *cs = wc->set[set];
        for (size_t i = 0; wc->eve[set] && i < cs->cnt && n < STATS_MAX - 8; i++) {
            const char *nm = cs->names[i];
            StatSrc *src = &eng->stat_src[n];
            src->set = (uint8_t)set;
            src->idx = (uint16_t)i;
            src->kind = strstr(nm, ".max_") != NULL ? STAT_MAX : STAT_SUM;
            eng->stat_names[n++] = nm;
        }
    }
    stat_find(eng, "decoder.pkts", &eng->stat_pkts);
    stat_find(eng, "decoder.bytes", &eng->stat_bytes);
    eng->stat_names[n] = "decoder.avg_pkt_size";
    eng->stat_src[n++].kind = STAT_AVG_PKT;
    for (unsigned i = 0; eng->live_cr != NULL && i < CAPTURE_CTR_MAX; i++) {
        eng->stat_names[n] = capture_counter_names[i];
        eng->stat_src[n].kind = STAT_CAPTURE;
        eng->stat_src[n++].idx = (uint16_t)i;
    }
    /* memcap.pressure: the fullest memcap in percent (memcap_pressure). */
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

/* A counter summed over the workers (max: their maximum); 0 when not registered. */
static uint64_t
stat_sum(const Engine *eng, StatSrc src, bool max)
{
    uint64_t v = 0;

    if (src.idx == UINT16_MAX) {
        return 0;
    }
    for (unsigned w = 0; w < eng->nworkers; w++) {
        uint64_t x = counter_get(&worker_set(eng, w, src.set)->vals[src.idx]);
        v = max ? (x > v ? x : v) : v + x;
    }
    return v;
}

/* memcap.pressure: the fullest memcap, in percent of its key's value, as Suricata computes it
 * (the largest of flow, stream, reassembly and app-layer memuse over memcap): every budget the
 * engine has, each summed over the workers' Memcaps drawing on it. */
static uint64_t
memcap_pressure(const Engine *eng)
{
    uint64_t pressure = 0;
    for (unsigned i = 0; i < eng->memcap_cnt; i++) {
        uint64_t p = memcap_budget_pressure(eng->memcaps[i]);
        pressure = p > pressure ? p : pressure;
    }
    return pressure;
}

/* Totals over all workers, in layout order. Called at stats time only, never per packet. */
static size_t
stats_collect(Engine *eng, const char **names, uint64_t *vals, size_t max)
{
    size_t n = eng->stat_cnt < max ? eng->stat_cnt : max;
    uint64_t pressure = memcap_pressure(eng);
    uint64_t seen = atomic_load_explicit(&eng->pressure_max, memory_order_relaxed);
    while (pressure > seen
           && !atomic_compare_exchange_weak_explicit(&eng->pressure_max, &seen, pressure,
                                                     memory_order_relaxed, memory_order_relaxed)) {
    }
    for (size_t i = 0; i < n; i++) {
        const StatSrc *src = &eng->stat_src[i];
        names[i] = eng->stat_names[i];
        if (src->kind == STAT_AVG_PKT) {
            uint64_t pkts = stat_sum(eng, eng->stat_pkts, false);
            vals[i] = pkts ? stat_sum(eng, eng->stat_bytes, false) / pkts : 0;
        } else if (src->kind == STAT_PRESSURE) {
            vals[i] = pressure;
        } else if (src->kind == STAT_PRESSURE_MAX) {
            vals[i] = atomic_load_explicit(&eng->pressure_max, memory_order_relaxed);
        } else if (src->kind == STAT_CAPTURE) {
            vals[i] = counter_get(&eng->capture_ctr[src->idx]);
        } else {
            vals[i] = stat_sum(eng, *src, src->kind == STAT_MAX);
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

void
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

/* Every thread that sees every packet time keeps a StatsClock. Live, stats.interval counts
 * packet time (which is the clock). Reading a file, it counts wall-clock time, as Suricata's
 * stats thread does: a capture read in a second gives one record (the final one) however many
 * hours it spans, and a long read gives one every interval while it runs. The wall clock is
 * read once per STATS_WALL_EVERY packets. When N threads share the work (workers run mode), the
 * j-th record is written by thread j % N, so writing stats does not load one worker more than
 * the others. */
#define STATS_WALL_EVERY 4096

void
stats_tick(Engine *eng, StatsClock *sc, EveWriter *ew, SkTime now, unsigned id, unsigned n)
{
    if (!eng->rc->stats_enabled || eng->rc->stats_interval_s == 0) {
        return;
    }
    if (eng->live_cr == NULL) {
        double wall;
        if (++sc->calls < STATS_WALL_EVERY) {
            return;
        }
        sc->calls = 0;
        wall = time_mono_s();
        if (sc->wall_next == 0) {
            sc->wall_next = eng->wall_start + eng->rc->stats_interval_s;
        }
        if (wall >= sc->wall_next) {
            if (sc->seq++ % n == id) {
                stats_write(eng, ew, now);
            }
            while (sc->wall_next <= wall) {
                sc->wall_next += eng->rc->stats_interval_s;
            }
        }
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

void
stats_progress_tick(Engine *eng, const CaptureReader *cr, uint64_t pkts)
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

void
stats_print_summary(Engine *eng, const CaptureReader *cr, double secs, const char *eve_path)
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
    fprintf(stderr,
            "  flows %llu, invalid %llu, emergency mode entered %llu, flow memcap hits %llu\n",
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
    const WorkerCounters *wc = &eng->workers[0].ctr;
    bool own_shown = false;
    for (unsigned set = 0; set < wc->cnt; set++) {
        for (size_t i = 0; !wc->eve[set] && i < wc->set[set]->cnt; i++) {
            StatSrc src = {.set = (uint8_t)set, .idx = (uint16_t)i};
            uint64_t v = stat_sum(eng, src, false);
            if (v > 0) {
                fprintf(stderr, "%s %s %llu",
                        own_shown ? "," : "  sekimori's own:", wc->set[set]->names[i],
                        (unsigned long long)v);
                own_shown = true;
            }
        }
    }
    if (own_shown) {
        fputc('\n', stderr);
    }
    if (eng->live_cr != NULL) {
        char iface[128];
        log_sanitize(eng->rc->live_iface, iface, sizeof(iface)); /* a name is outside input */
        fprintf(stderr,
                "  capture on %s: kernel packets %llu, kernel drops %llu, "
                "interface drops %llu\n",
                iface, V("capture.kernel_packets"), V("capture.kernel_drops"),
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
