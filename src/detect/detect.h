/* detect.h: the detection engine's public contract. Rule files are loaded into a DetectRules
 * (Suricata's grammar, checks and load summary; a bad rule is one line "file:line: sid N:
 * reason" and loading goes on), which detect_engine_build turns into a DetectEngine: rules
 * grouped by protocol, direction and port, one Vectorscan database per group and buffer. The
 * engine is built in main before workers start and is read-only afterwards; each worker has its
 * own DetectThread (scratch, alert queue). */
#ifndef SK_DETECT_DETECT_H
#define SK_DETECT_DETECT_H

#include <stddef.h>
#include <stdio.h>

#include "core/config.h"
#include "core/counters.h"
#include "core/packet.h"
#include "core/result.h"

typedef struct DetectRules DetectRules; /* opaque */

/* The counts of Suricata's load summary line. */
typedef struct {
    unsigned files;       /* rule files processed (opened and read) */
    unsigned loaded;      /* rules successfully loaded */
    unsigned failed;      /* rules failed: bad, duplicate, or using an unsupported keyword */
    unsigned unsupported; /* of failed: those that failed only on keywords sekimori lacks */
    unsigned skipped;     /* rules skipped (Suricata: unmet `requires`); none yet */
} DetectLoadStats;

/* A new, empty rule set. Borrows cfg (vars.address-groups, vars.port-groups) until the last
 * load call. NULL: out of memory (logged). */
DetectRules *detect_rules_new(const CfgNode *cfg);
void detect_rules_free(DetectRules *r); /* accepts NULL */

/* Reads one rule file and adds its rules. Bad rules are logged and counted, never an error;
 * SK_ERR_IO (logged) when the file cannot be read, SK_ERR_NOMEM when memory runs out. */
SkResult detect_rules_load_file(DetectRules *r, const char *path);
/* The same from text in memory; name stands for the file in messages. Not counted as a file. */
SkResult detect_rules_load_text(DetectRules *r, const char *text, size_t len, const char *name);

const DetectLoadStats *detect_rules_stats(const DetectRules *r);
/* At load end: Suricata's summary line, word for word ("N rule files processed. N rules
 * successfully loaded, N rules failed, N rules skipped"; info, as Suricata), then, when rules
 * used keywords sekimori lacks, one warning listing them with their rule counts. */
void detect_rules_log_summary(const DetectRules *r);
/* The unsupported keywords met, most used first, as "name count" lines (tools, tests). */
void detect_rules_print_unsupported(const DetectRules *r, FILE *out);

/* ---- Matching ---- */

typedef struct DetectEngine DetectEngine; /* opaque, read-only once built */
typedef struct DetectThread DetectThread; /* opaque, one per worker */

/* A rule's action, in Suricata's precedence order for one packet: pass beats drop beats reject
 * beats alert (action-order), lower numbers first. */
typedef enum {
    DETECT_ACT_PASS = 0,
    DETECT_ACT_DROP,
    DETECT_ACT_REJECT,
    DETECT_ACT_REJECTSRC,
    DETECT_ACT_REJECTDST,
    DETECT_ACT_REJECTBOTH,
    DETECT_ACT_ALERT,
} DetectAction;

/* What output needs to know of a rule, fixed at build. */
typedef struct {
    uint32_t gid, sid, rev;
    uint32_t num;          /* the rule's place in the engine (lower: higher priority on ties) */
    uint8_t action;        /* DetectAction */
    uint8_t target;        /* 0, or DETECT_TARGET_SRC / _DST ("target" keyword) */
    uint8_t severity;      /* priority: the rule's, else its classtype's, else 3 */
    const char *msg;       /* "" when none */
    const char *classtype; /* NULL when none */
    const char *category;  /* the classtype's description from classification-file, or NULL */
    const char *const *metadata; /* "key value", meta_cnt of them */
    uint32_t meta_cnt;
    const char *const *refs; /* "type,value" */
    uint32_t ref_cnt;
} DetectSigInfo;
#define DETECT_TARGET_SRC 1
#define DETECT_TARGET_DST 2

#define DETECT_ALERT_F_STREAM 0x01  /* matched on reassembled stream data */
#define DETECT_ALERT_F_NOALERT 0x02 /* matched, but noalert: not logged (kept for verdicts) */
#define DETECT_ALERT_F_TX 0x04      /* matched a transaction: tx_id is set */

typedef struct {
    const DetectSigInfo *sig;
    uint8_t flags;  /* DETECT_ALERT_F_* */
    uint8_t action; /* DetectAction: the rule's, or a rate_filter's new_action */
    uint64_t tx_id;
} DetectAlert;

/* Packet verdict bits (DetectAlerts.verdict); recorded now, enforced by an inline mode later. */
#define DETECT_VERDICT_PASS 0x01
#define DETECT_VERDICT_DROP 0x02
#define DETECT_VERDICT_REJECT 0x04

/* The alerts of the packet detect_packet last saw, in Suricata's order (action, then rule
 * number); at most packet-alert-max, the rest counted in discarded. Borrowed from the thread
 * until its next detect_packet. */
typedef struct {
    DetectAlert *a;
    uint16_t cnt, cap;
    uint32_t discarded;
    uint8_t verdict; /* DETECT_VERDICT_* */
    /* The payload of the DETECT_ALERT_F_STREAM alerts: the stream's data as logged (NULL:
     * none, log the packet's payload). */
    const uint8_t *stream_payload;
    uint32_t stream_payload_len;
    bool tagged; /* a tag keyword's earlier match tags this packet (EVE "packet" records) */
} DetectAlerts;

/* Per-worker counters (summary and stats records). */
typedef struct {
    uint64_t pkts_inspected; /* packets that met at least one rule group */
    uint64_t rules_checked;  /* rules fully evaluated (after prefilter) */
    uint64_t prefilter_hits;
    uint64_t alerts;           /* alerts queued (logged or noalert) */
    uint64_t alerts_discarded; /* past packet-alert-max */
    uint64_t recursion_aborts; /* rules given up at inspection-recursion-limit */
    uint64_t suppressed;       /* matches a threshold or suppression kept from alerting */
} DetectThreadStats;

typedef struct {
    uint32_t recursion_limit;        /* detect.inspection-recursion-limit (3000) */
    uint32_t alert_max;              /* packet-alert-max (15) */
    bool mpm_cache;                  /* detect.sgh-mpm-caching */
    const char *mpm_cache_dir;       /* detect.sgh-mpm-caching-path */
    const char *classification_file; /* NULL: none */
    const char *reference_file;      /* NULL: none */
    const char *threshold_file;      /* NULL: none */
    bool ips;                        /* inline (or --simulate-ips): drop and reject rules block */
    bool test_mode;                  /* -T: a bad classification or reference file is fatal */
    const CfgNode *vars; /* the config whose vars.address-groups threshold-file ip lists use */
    /* action-order: the rank of pass, drop, reject and alert (in that index order); lower
     * ranks are evaluated, and win, first. Default 0, 1, 2, 3. */
    uint8_t action_rank[4];
    bool rule_perf; /* --rule-perf: count each rule's checks, matches and ticks */
} DetectConfig;

/* Builds the engine from r, which it takes over (freed with the engine, also on failure).
 * NULL: out of memory or a database that would not compile (logged). */
DetectEngine *detect_engine_build(DetectRules *r, const DetectConfig *cfg);
void detect_engine_free(DetectEngine *de); /* accepts NULL */
uint32_t detect_engine_rule_count(const DetectEngine *de);

DetectThread *detect_thread_new(const DetectEngine *de); /* NULL: out of memory (logged) */
void detect_thread_free(DetectThread *dt);               /* accepts NULL */
/* Inspects p (and its flow, p->flow, which it may mark: alerted, flowbits) against the rules;
 * the result is detect_alerts(dt) until the next call. */
void detect_packet(DetectThread *dt, Packet *p);
const DetectAlerts *detect_alerts(const DetectThread *dt);
/* Does the engine have transaction rules (the transaction pass runs, and marks what it
 * inspected)? Without any, the app layer frees transactions once logged. */
bool detect_inspects_txs(const DetectThread *dt);
const DetectThreadStats *detect_thread_stats(const DetectThread *dt);
/* The thread's counters for stats: Suricata's (detect.alert, detect.alert_queue_overflow,
 * detect.alerts_suppressed) and sekimori's own (rules checked, prefilter hits, recursion
 * aborts), published once per packet. */
const CounterSet *detect_thread_counters(DetectThread *dt);
const CounterSet *detect_thread_counters_own(DetectThread *dt);

/* --rule-perf: the rules by CPU ticks spent on them over the n threads, most first, as
 * Suricata's rule_perf.log (Num Rule Gid Rev Ticks % Checks Matches Max Ticks Avg Ticks) into
 * path, and the five costliest as notice lines. Nothing when the engine counts nothing. */
SkResult detect_rule_perf_write(const DetectEngine *de, DetectThread *const *threads, unsigned n,
                                const char *path);

struct Flow;

/* Raw stream inspection: where reassembled TCP data comes from. The runtime connects the stream
 * stage (detect does not include it). window copies into out (at most cap bytes) the raw data of
 * f's direction (toserver 1: the data the client sent) that may be inspected now and has not
 * been, with *start its stream offset, and returns its length (0: nothing new). eof asks for
 * everything left (flow end). Before the new data it may include up to `lookback` bytes
 * already inspected, so a pattern split across two inspections is found. consumed says
 * inspection reached upto. */
typedef struct {
    uint32_t (*window)(void *user, struct Flow *f, int toserver, bool eof, uint32_t lookback,
                       uint8_t *out, uint32_t cap, uint64_t *start);
    void (*consumed)(void *user, struct Flow *f, int toserver, uint64_t upto);
    /* Does f's TCP session reassemble this direction (payload rules then split between the
     * packet and the stream as Suricata splits them)? */
    bool (*active)(void *user, const struct Flow *f, int toserver);
    /* stream_size: the bytes f's side sent in that direction so far, from its sequence
     * numbers (Suricata's definition); false when the flow has no TCP session. */
    bool (*bytes_seen)(void *user, const struct Flow *f, int toserver, uint64_t *out);
    /* What a stream alert logs as its payload: the direction's held data, holes written as
     * Suricata writes them ("[N bytes missing]"); at most cap bytes. NULL: the packet's. */
    uint32_t (*log_copy)(void *user, const struct Flow *f, int toserver, uint8_t *out,
                         uint32_t cap);
    void *user;
} DetectStreamSource;
#define DETECT_WINDOW_MAX (64 * 1024) /* bytes of stream one inspection covers at most */

/* false: out of memory for the window copy (logged). */
bool detect_thread_set_stream_source(DetectThread *dt, const DetectStreamSource *src);

/* Flow end: inspects the rest of f's stream in one direction (toserver 1: what the client
 * sent), as Suricata does when a flow ends, on p, a zeroed pseudo packet (PKT_F_PSEUDO) it
 * orients that way; the alerts are detect_alerts(dt) until the next call. */
void detect_flow_end(DetectThread *dt, struct Flow *f, Packet *p, int toserver);

/* Flow end: frees what detection kept on the flow (flowbits, flowints). */
void detect_flow_free(struct Flow *f);
/* The names of the flowbits set on f, at most max (64 at most) into names, in the order the
 * rules first named them: EVE's metadata.flowbits. Returns how many. The names are the
 * engine's, valid while it lives. */
unsigned detect_flow_flowbits(const struct Flow *f, const char **names, unsigned max);

/* --engine-analysis: writes rules.json (one line per rule: its type, flags, lists and keyword
 * details, as Suricata 8 writes it) into log_dir, and rule_group.json when the config asks for it
 * (detect.profiling.grouping.dump-to-disk): Suricata's port grouping of the rules, computed
 * from their port sets as an analysis. SK_ERR_IO (logged) when a file cannot be written. */
SkResult detect_engine_analysis_write(const DetectEngine *de, const CfgNode *cfg,
                                      const char *log_dir);

/* The supported keywords, one name per line, in keywords.def order (--list-keywords). */
void detect_keywords_print(FILE *out);

/* The stream's and the app layer's packet events by name (Suricata's, without "stream."; case
 * ignored), as the stream-event: and app-layer-event: keywords know them: the id those stages
 * raise with PKT_EVENT(PKT_EVENT_SRC_STREAM / _APPLAYER, id), or -1 (keywords/header_events.c).
 * The names functions return NULL past the table. */
int detect_stream_event_id(const char *name);
const char *detect_stream_event_name(unsigned id);
int detect_applayer_event_id(const char *name);
const char *detect_applayer_event_name(unsigned id);

#endif
