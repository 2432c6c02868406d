/* runtime_int.h: the engine and its workers, shared by the run modes (runtime.c), the
 * per-packet pipeline (worker.c) and the stats and summary (stats.c). Private to runtime/. */
#ifndef SK_RUNTIME_RUNTIME_INT_H
#define SK_RUNTIME_RUNTIME_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "capture/capture.h"
#include "core/counters.h"
#include "core/memcap.h"
#include "core/pool.h"
#include "runtime/ring.h"
#include "runtime/runtime.h"

typedef struct Engine Engine;

#define SWEEP_BUDGET 8                /* flows a packet may time out: bounded work per packet */
#define SWEEP_IDLE_US SK_USEC_PER_SEC /* nothing expired: look again a second later */
#define PROGRESS_EVERY 8192           /* packets between progress/stats clock checks */
#define RING_SLOTS 1024
#define RING_ARENA                                                                                 \
    (1u << 20) /* small: the worker reads frames while they are still in a
                                * cache, not back from memory (measured: 40% less CPU than 8 MiB) */

#define STATS_MAX 1024
#define ENGINE_MEMCAPS_MAX 16  /* memcap keys: flow.memcap now; stream, defrag, app-layer next */
#define WORKER_SPARE_PACKETS 8 /* pseudo packets at flow end, defrag's reassembled datagrams */

/* Live capture: the kernel's counts, as Suricata names them for pcap. */
enum { CAPTURE_CTR_PACKETS, CAPTURE_CTR_DROPS, CAPTURE_CTR_IFDROPS, CAPTURE_CTR_MAX };

typedef struct {
    uint8_t set, kind;
    uint16_t idx;
} StatSrc;

/* Counter sets a worker's stages registered (worker_counters_register), in registration
 * order; every worker registers the same sets in the same order. */
#define WORKER_COUNTER_SETS 16

typedef struct {
    const CounterSet *set[WORKER_COUNTER_SETS];
    bool eve[WORKER_COUNTER_SETS]; /* in EVE stats; else sekimori's own (the summary only) */
    unsigned cnt;
} WorkerCounters;

typedef struct {
    SkTime next;
    uint64_t seq;
    uint32_t calls;   /* offline: packets since the wall clock was last read */
    double wall_next; /* offline: the wall-clock time (time_mono_s) of the next record */
} StatsClock;

typedef struct {
    Engine *eng;
    unsigned id;
    DecodeThread *dt;
    DecodeThread *scratch; /* decodes other workers' tunnel packets: its counters are unused */
    FlowTable *ft;
    DefragTable *dfr; /* IP fragments of this worker's share: all of a datagram's come here */
    /* More than one worker: fragments another worker owns are put together here too, since
     * the datagram may carry a tunnel whose inner flow is this worker's; its counters are not
     * registered (the owner counts the fragment). NULL with one worker. */
    DefragTable *dfr_shadow;
    bool gate;          /* worker_packet_complex: a datagram's layers are taken by their hash */
    Memcap defrag_mc;   /* leased from defrag.memcap */
    Memcap flow_mc;     /* this worker's static share of flow.memcap */
    StreamThread *st;   /* TCP sessions and reassembly of this worker's flows */
    Memcap stream_mc;   /* leased from stream.memcap (sessions) */
    Memcap reasm_mc;    /* leased from stream.reassembly.memcap (segments) */
    AppLayerThread *al; /* protocol detection, parsers and transactions of this worker's flows */
    Memcap al_mc;       /* leased from app-layer.memcap */
    Pool spare_pkts;    /* WORKER_SPARE_PACKETS Packets: worker_packet_get/put */
    EveWriter *ew;
    DetectThread *det;  /* NULL when the run has no rules */
    FastLogWriter *fw;  /* NULL when fast.log is off */
    WorkerCounters ctr; /* its stages' counters, for stats */
    Packet pkt;
    SkTime now; /* this worker's clock: the latest packet time it has seen */
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
    FastLog *fl;          /* fast.log, when enabled and the run has rules */
    EveWriter *reader_ew; /* autofp: the reader's writer, for stats records */
    StatsClock reader_stats;
    uint64_t shard_seed;
    uint64_t flow_seed;
    /* Every memcap key's budget, for the workers' Memcaps and for memcap.pressure. */
    MemcapBudget flow_memcap;
    MemcapBudget stream_memcap, reasm_memcap;
    MemcapBudget defrag_memcap;
    MemcapBudget applayer_memcap;
    const MemcapBudget *memcaps[ENGINE_MEMCAPS_MAX];
    unsigned memcap_cnt;
    double wall_start;
    _Atomic SkTime clock; /* autofp: the reader's packet time, published for idle workers */
    /* stats layout (stats_layout) */
    const char *stat_names[STATS_MAX];
    StatSrc stat_src[STATS_MAX];
    size_t stat_cnt;
    StatSrc stat_pkts, stat_bytes; /* for the derived values */
    _Atomic uint64_t pressure_max; /* stats writers may run in several workers */
    double last_progress;
    uint64_t progress_pkts;
    bool progress_shown;
};

/* --- worker.c: the per-packet pipeline --- */

bool worker_init(Engine *eng, Worker *w, unsigned id);
void worker_fini(Worker *w);
/* Decodes p and runs each layer through the pipeline; moves the worker's clock. */
void worker_packet(Worker *w, Packet *p);
/* A packet the cheap shard parse could not place: decoded, only this worker's layers kept. */
void worker_packet_complex(Worker *w, Packet *p);
/* workers run mode: takes the packet if it is this worker's share; else only its time. */
void worker_dispatch(Worker *w, Packet *p);
/* A spare packet slot of the worker, zeroed, for a pseudo packet (flow end) or a reassembled
 * datagram: NULL when all WORKER_SPARE_PACKETS are out (a bug: each user gives its slot back
 * before the packet that needed it is done). Give it back with worker_packet_put. */
Packet *worker_packet_get(Worker *w);
void worker_packet_put(Worker *w, Packet *p);
/* The spare slots alone (worker_init sets them up; tests use them without a whole worker). */
bool worker_spares_init(Worker *w);
void worker_spares_fini(Worker *w);
/* The clock moves to ts if later; flows idle past their timeout are swept, a few at a time. */
void worker_tick(Worker *w, SkTime ts);
/* End of input at time end: expired flows time out, the rest are flushed, EVE written. */
void worker_finish(Worker *w, SkTime end);
/* Live capture: this worker's EVE records reach the file within a second. */
void worker_live_flush_tick(Worker *w, SkTime now);

/* --- stats.c: stats records, progress and the summary --- */

/* A stage's per-worker counters, registered when the stage's worker state is made
 * (worker_init): eve true puts them in EVE stats records (Suricata's names only), false in the
 * run summary only (sekimori's own counters). cs is borrowed for the worker's life. */
void worker_counters_register(Worker *w, const CounterSet *cs, bool eve);
/* Builds the stats layout once from worker 0's registered sets, before workers start. */
void stats_layout(Engine *eng);
void stats_write(Engine *eng, EveWriter *ew, SkTime ts);
/* Writes a stats record when the clock passes the next stats.interval tick; with n threads
 * sharing the work, tick j is written by thread j % n. */
void stats_tick(Engine *eng, StatsClock *sc, EveWriter *ew, SkTime now, unsigned id, unsigned n);
/* A terminal on stderr: progress twice a second at most. */
void stats_progress_tick(Engine *eng, const CaptureReader *cr, uint64_t pkts);
void stats_print_summary(Engine *eng, const CaptureReader *cr, double secs, const char *eve_path);

#endif
