/* settings.c: from the YAML tree to the RunConfig, composed from the stages' settings tables.
 * Each stage declares the keys it reads in a table (core/config.h: path, type, field, range,
 * the built-in value, one line of help) and is registered below with one line; the tables
 * drive loading and type checks, -v's list of ignored keys (runtime_config_key_used) and
 * --dump-config -v's listing, and docs/configuration.md is checked against them
 * (tests/config/doc_keys.py). Every key is type- and range-checked whether or not the run will
 * use it, so -T judges a file the same way a capture run does. The first wrong value stops
 * loading: one line naming the key by its full path, SK_ERR_CONFIG, exit status 1. What no
 * single table can say (which `pcap:` entry a live capture takes, worker threads from the
 * ratio, the flow tables' memory against the run mode) is checked here after the tables. */
#include "runtime/runtime.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "capture/capture_settings.h"
#include "core/log.h"
#include "decode/decode_settings.h"
#include "applayer/applayer_settings.h"
#include "defrag/defrag_settings.h"
#include "flow/flow_settings.h"
#include "detect/detect_settings.h"
#include "output/eve_settings.h"
#include "stream/stream_settings.h"

/* The most worker threads a run may have: --threads' bound too (main.c). Past a thousand
 * threads, a run is a typo (detect-thread-ratio: 100000), not a machine. */
#define WORKERS_MAX 1024

/* ---- the runtime's own keys (conf: the RunConfig) ---- */

/* default-log-dir: -l wins; "." when neither says. */
static SkResult
read_log_dir(const CfgNode *root, const char *path, const CfgKey *k, void *conf)
{
    RunConfig *rc = conf;
    const char *s = NULL;
    int n;

    (void)k;
    if (cfg_get_str(root, path, &s) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    if (rc->log_dir[0] != '\0') {
        return SK_OK;
    }
    n = snprintf(rc->log_dir, sizeof(rc->log_dir), "%s", s != NULL ? s : ".");
    if (n < 0 || (size_t)n >= sizeof(rc->log_dir)) {
        log_error("config: %s: longer than %zu bytes", path, sizeof(rc->log_dir) - 1);
        rc->log_dir[0] = '\0';
        return SK_ERR_CONFIG;
    }
    return SK_OK;
}

static SkResult
read_runmode(const CfgNode *root, const char *path, const CfgKey *k, void *conf)
{
    RunConfig *rc = conf;
    const char *s = NULL;

    (void)k;
    if (cfg_get_str(root, path, &s) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    if (s != NULL && !runmode_parse(s, &rc->runmode)) {
        log_error("config: %s: '%s' is not one of single, autofp, workers", path, s);
        return SK_ERR_CONFIG;
    }
    return SK_OK;
}

/* logging.*: read by core/log.c when the outputs open; checked here, with the other keys, so a
 * wrong type is one line and exit 1 like any key's. */
static bool
log_level_word(const char *s)
{
    static const char *const words[] = {"emergency", "alert", "critical", "error",  "warning",
                                        "notice",    "info",  "perf",     "config", "debug"};
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (strcasecmp(s, words[i]) == 0) {
            return true;
        }
    }
    return false;
}

static SkResult
read_log_level(const CfgNode *root, const char *path, const CfgKey *k, void *conf)
{
    const char *s = NULL;
    (void)k, (void)conf;
    if (cfg_get_str(root, path, &s) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    if (s != NULL && s[0] != '\0' && !log_level_word(s)) {
        log_error("config: %s: '%s' is not a log level (error, warning, notice, info, perf, "
                  "config, debug)",
                  path, s);
        return SK_ERR_CONFIG;
    }
    return SK_OK;
}

/* logging.outputs: a list of one-key maps: console (enabled) and file (enabled, level,
 * filename, type: regular or json); other outputs Suricata has (syslog) are accepted and not
 * used. */
static SkResult
read_log_outputs(const CfgNode *root, const char *path, const CfgKey *k, void *conf)
{
    const CfgNode *list = cfg_find(root, path);
    (void)k, (void)conf;
    if (list == NULL || (cfg_type(list) == CFG_SCALAR && cfg_scalar(list)[0] == '\0')) {
        return SK_OK;
    }
    if (cfg_type(list) != CFG_SEQ) {
        log_error("config: %s: not a list of outputs (- console: ..., - file: ...)", path);
        return SK_ERR_CONFIG;
    }
    for (size_t i = 0; i < cfg_child_count(list); i++) {
        const CfgNode *e = cfg_child(list, i);
        char at[CFG_PATH_MAX];
        if (cfg_type(e) != CFG_MAP || cfg_child_count(e) == 0) {
            continue; /* "- console" with nothing: nothing to check */
        }
        snprintf(at, sizeof(at), "%s.%zu.%s", path, i, cfg_child_key(e, 0));
        const CfgNode *o = cfg_child(e, 0);
        bool b;
        const char *s;
        if (cfg_type(o) != CFG_MAP && !(cfg_type(o) == CFG_SCALAR && cfg_scalar(o)[0] == '\0')) {
            log_error("config: %s: not a map of settings", at);
            return SK_ERR_CONFIG;
        }
        char en[CFG_PATH_MAX + 16];
        snprintf(en, sizeof(en), "%s.enabled", at);
        if (cfg_get_bool(root, en, &b) != SK_OK) { /* logs the full path */
            return SK_ERR_CONFIG;
        }
        for (const char *const *key = (const char *const[]){"level", "filename", "type", NULL};
             *key != NULL; key++) {
            const CfgNode *v = cfg_find(o, *key);
            if (v != NULL && cfg_type(v) != CFG_SCALAR) {
                log_error("config: %s.%s: not a single value", at, *key);
                return SK_ERR_CONFIG;
            }
        }
        s = cfg_scalar(cfg_find(o, "level"));
        if (s != NULL && s[0] != '\0' && !log_level_word(s)) {
            log_error("config: %s.level: '%s' is not a log level", at, s);
            return SK_ERR_CONFIG;
        }
        s = cfg_scalar(cfg_find(o, "type"));
        if (s != NULL && s[0] != '\0' && strcmp(s, "regular") != 0 && strcmp(s, "json") != 0
            && strcmp(s, "file") != 0) {
            log_error("config: %s.type: '%s' is not regular or json", at, s);
            return SK_ERR_CONFIG;
        }
    }
    return SK_OK;
}

static const CfgKey runtime_rows[] = {
    {.path = "vars.address-groups",
     .type = CFG_KEY_NAMES,
     CFG_NOWHERE,
     .help = "address variables used by rules ($HOME_NET)"},
    {.path = "vars.port-groups",
     .type = CFG_KEY_NAMES,
     CFG_NOWHERE,
     .help = "port variables used by rules"},
    {.path = "default-log-dir",
     .type = CFG_KEY_STRING,
     CFG_NOWHERE,
     .def = ".",
     .help = "directory for output files; -l overrides it",
     .read = read_log_dir},
    {.path = "logging.default-log-level",
     .type = CFG_KEY_STRING,
     CFG_NOWHERE,
     .def = "notice",
     .help = "the level of log lines kept: error, warning, notice, info, perf, config, debug",
     .read = read_log_level},
    {.path = "logging.outputs",
     .type = CFG_KEY_LIST,
     CFG_NOWHERE,
     .help = "where log lines go: console, file (suricata.log, or JSON engine records)",
     .read = read_log_outputs},
    {.path = "logging.outputs.*.console.enabled",
     .type = CFG_KEY_BOOL,
     CFG_NOWHERE,
     .def = "yes",
     .help = "log lines on stderr (checked with logging.outputs)"},
    {.path = "logging.outputs.*.file.enabled",
     .type = CFG_KEY_BOOL,
     CFG_NOWHERE,
     .def = "yes",
     .help = "log lines into a file (checked with logging.outputs)"},
    {.path = "logging.outputs.*.file.level",
     .type = CFG_KEY_STRING,
     CFG_NOWHERE,
     .help = "the file's own level (default: logging.default-log-level)"},
    {.path = "logging.outputs.*.file.filename",
     .type = CFG_KEY_STRING,
     CFG_NOWHERE,
     .def = "suricata.log",
     .help = "the file, in the log directory unless absolute"},
    {.path = "logging.outputs.*.file.type",
     .type = CFG_KEY_STRING,
     CFG_NOWHERE,
     .help = "regular (lines) or json (EVE-like engine records)"},
    {.path = "run-as.user",
     .type = CFG_KEY_STRING,
     CFG_NOWHERE,
     .help = "the user to run as once the input and outputs are open; --user overrides it"},
    {.path = "run-as.group",
     .type = CFG_KEY_STRING,
     CFG_NOWHERE,
     .help = "the group to run as (needs run-as.user); --group overrides it"},
    {.path = "stats.enabled",
     .type = CFG_KEY_BOOL,
     CFG_FIELD(RunConfig, stats_enabled),
     .def = "yes",
     .help = "collect and log statistics"},
    {.path = "stats.interval",
     .type = CFG_KEY_INT,
     CFG_FIELD(RunConfig, stats_interval_s),
     .min = 0,
     .max = UINT32_MAX,
     .def = "8",
     .help = "seconds between stats records"},
    {.path = "runmode",
     .type = CFG_KEY_STRING,
     CFG_NOWHERE,
     .help = "single, autofp or workers; --runmode overrides it",
     .read = read_runmode},
    {.path = "threading.set-cpu-affinity",
     .type = CFG_KEY_BOOL,
     CFG_NOWHERE,
     .def = "no",
     .help = "pin threads to CPUs (checked, not acted on yet)"},
    {.path = "threading.detect-thread-ratio",
     .type = CFG_KEY_NUMBER,
     CFG_FIELD(RunConfig, thread_ratio),
     .def = "1.0",
     .help = "worker threads per CPU online"},
};

static void
runtime_defaults(void *conf)
{
    RunConfig *rc = conf;

    rc->stats_enabled = true;
    rc->stats_interval_s = 8;
    rc->thread_ratio = 1.0;
}

static CFG_TABLE(runtime_settings, "runtime", runtime_rows, runtime_defaults, NULL);

/* ---- the stages ---- */

typedef struct {
    const CfgTable *table;
    size_t conf_off; /* the stage's config struct in the RunConfig */
    /* Reads the table when it needs what only the runtime knows; NULL: the table's own. */
    SkResult (*load)(RunConfig *rc, const CfgNode *root, const CfgTable *t);
} StageSettings;

static SkResult load_pcap(RunConfig *rc, const CfgNode *root, const CfgTable *t);

/* In reading order: the first wrong value met is the one reported. A stage with settings adds
 * its table here. */
static const StageSettings stages[] = {
    {&runtime_settings, 0, NULL},
    {&eve_settings, offsetof(RunConfig, eve), NULL},
    {&fastlog_settings, offsetof(RunConfig, fast), NULL},
    {&flow_settings, offsetof(RunConfig, flow), NULL},
    {&stream_settings, offsetof(RunConfig, stream), NULL},
    {&applayer_settings, offsetof(RunConfig, applayer), NULL},
    {&detect_settings, offsetof(RunConfig, detect), NULL},
    {&decode_settings, offsetof(RunConfig, decode), NULL},
    {&defrag_settings, offsetof(RunConfig, defrag), NULL},
    {&capture_settings, offsetof(RunConfig, live), load_pcap},
};
#define STAGE_CNT (sizeof(stages) / sizeof(stages[0]))

const CfgTable *
runtime_settings_table(size_t i)
{
    return i < STAGE_CNT ? stages[i].table : NULL;
}

bool
runtime_config_key_used(const char *key_path)
{
    for (size_t s = 0; s < STAGE_CNT; s++) {
        const CfgTable *t = stages[s].table;
        for (size_t i = 0; i < t->key_cnt; i++) {
            if (cfg_key_used(&t->keys[i], key_path)) {
                return true;
            }
        }
    }
    return false;
}

void
runtime_config_describe(FILE *out)
{
    fprintf(out, "# Keys sekimori reads: key = built-in value (kind): what it does\n");
    for (size_t s = 0; s < STAGE_CNT; s++) {
        const CfgTable *t = stages[s].table;
        for (size_t i = 0; i < t->key_cnt; i++) {
            const CfgKey *k = &t->keys[i];
            fprintf(out, "# %s%s%s%s (%s", k->path, k->type == CFG_KEY_NAMES ? ".*" : "",
                    k->def != NULL ? " = " : "", k->def != NULL ? k->def : "",
                    cfg_key_kind(k->type));
            if (k->type == CFG_KEY_INT) {
                fprintf(out, " %lld to %lld", (long long)k->min, (long long)k->max);
            }
            fprintf(out, "): %s\n", k->help);
        }
    }
}

/* ---- helpers ---- */

/* "1 MiB", "512 KiB", "100 bytes": sizes in messages, rounded down. */
static const char *
size_text(uint64_t n, char *buf, size_t len)
{
    if (n >= (1ULL << 30) && n % (1ULL << 30) == 0) {
        snprintf(buf, len, "%llu GiB", (unsigned long long)(n >> 30));
    } else if (n >= (1ULL << 20)) {
        snprintf(buf, len, "%.1f MiB", (double)n / (double)(1ULL << 20));
    } else if (n >= (1ULL << 10)) {
        snprintf(buf, len, "%.1f KiB", (double)n / (double)(1ULL << 10));
    } else {
        snprintf(buf, len, "%llu bytes", (unsigned long long)n);
    }
    return buf; /* 32 bytes hold any of these; a shorter buffer only cuts a message */
}

/* ---- pcap: the list of live capture interfaces ---- */

/* The `pcap:` list's entry for iface, or (iface NULL) the first that names a real interface.
 * Silent: check_pcap has judged the list's types by the time a caller relies on the answer. */
static const CfgNode *
pcap_entry(const CfgNode *root, const char *iface, size_t *at)
{
    const CfgNode *list = cfg_find(root, "pcap");

    for (size_t i = 0; list != NULL && cfg_type(list) == CFG_SEQ && i < cfg_child_count(list);
         i++) {
        const CfgNode *e = cfg_child(list, i);
        const char *name = cfg_scalar(cfg_find(e, "interface"));
        if (cfg_type(e) == CFG_MAP && name != NULL && name[0] != '\0'
            && (iface != NULL ? strcmp(name, iface) == 0 : strcmp(name, "default") != 0)) {
            *at = i;
            return e;
        }
    }
    return NULL;
}

const char *
runtime_config_pcap_interface(const CfgNode *root)
{
    size_t at;
    const CfgNode *e = pcap_entry(root, NULL, &at);

    return e != NULL ? cfg_scalar(cfg_find(e, "interface")) : NULL;
}

/* Reads pcap.<at>.* into lc (defaults first). */
static SkResult
load_pcap_entry(const CfgNode *root, const CfgTable *t, size_t at, CaptureLiveConfig *lc)
{
    char at_text[24];
    const char *const fill[] = {at_text};
    char key[CFG_PATH_MAX];

    snprintf(at_text, sizeof(at_text), "%zu", at);
    if (!cfg_path_fill(key, "pcap.*", fill, 1)) {
        return SK_ERR_CONFIG;
    }
    if (cfg_type(cfg_find(root, key)) != CFG_MAP) {
        log_error("config: %s: not a map of capture settings (- interface: eth0 ...)", key);
        return SK_ERR_CONFIG;
    }
    t->defaults(lc);
    return cfg_table_read(root, t, "pcap.*", fill, 1, lc);
}

/* The capture table's plain keys, then every `pcap:` entry checked, then the settings for
 * live_iface: its entry, else the one named `default`; with live_iface NULL (a capture file,
 * or --pcap alone) the first that names a real interface, which is the one --pcap alone
 * captures on. */
static SkResult
load_pcap(RunConfig *rc, const CfgNode *root, const CfgTable *t)
{
    const CfgNode *list = cfg_find(root, "pcap");
    const CfgNode *e;
    size_t at = 0;

    if (cfg_table_read(root, t, NULL, NULL, 0, &rc->live) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    if (list == NULL || (cfg_type(list) == CFG_SCALAR && cfg_scalar(list)[0] == '\0')) {
        return SK_OK;
    }
    if (cfg_type(list) != CFG_SEQ) {
        log_error("config: pcap: not a list of interfaces (- interface: eth0 ...)");
        return SK_ERR_CONFIG;
    }
    for (size_t i = 0; i < cfg_child_count(list); i++) {
        CaptureLiveConfig scratch;
        if (load_pcap_entry(root, t, i, &scratch) != SK_OK) {
            return SK_ERR_CONFIG;
        }
    }
    e = pcap_entry(root, rc->live_iface, &at);
    if (e == NULL) {
        e = pcap_entry(root, "default", &at);
    }
    return e != NULL ? load_pcap_entry(root, t, at, &rc->live) : SK_OK;
}

/* ---- what the tables cannot check alone ---- */

/* threading.detect-thread-ratio: a positive ratio, as Suricata takes it (a float, times the
 * CPUs online, at least one worker), whose workers stay within WORKERS_MAX. */
static SkResult
check_threads(RunConfig *rc, unsigned threads_cli)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    double ratio = rc->thread_ratio;
    double t;

    if (cores < 1) {
        cores = 1;
    }
    t = ratio * (double)cores;
    if (!(ratio > 0.0)) {
        log_error("config: threading.detect-thread-ratio: '%g' is not a ratio above 0 (worker "
                  "threads per CPU, for example 1.5)",
                  ratio);
        return SK_ERR_CONFIG;
    }
    if (t >= WORKERS_MAX + 1.0) {
        log_error("config: threading.detect-thread-ratio: %g times %ld CPUs is more than %d "
                  "worker threads; lower the ratio or give --threads",
                  ratio, cores, WORKERS_MAX);
        return SK_ERR_CONFIG;
    }
    if (threads_cli > WORKERS_MAX) {
        log_error("--threads: %u is more than %d worker threads", threads_cli, WORKERS_MAX);
        return SK_ERR_CONFIG;
    }
    rc->threads = threads_cli > 0 ? threads_cli : (t < 1.0 ? 1 : (unsigned)t);
    return SK_OK;
}

/* A worker's table that cannot hold its buckets and one chunk of flows can never hold a flow:
 * every packet would enter emergency mode. flow_table_memory() says what a table needs. */
static SkResult
check_flow_memory(const FlowConfig *fc, unsigned workers)
{
    FlowMemory m;
    flow_table_memory(fc, workers, &m);
    uint64_t share = m.share, buckets = m.buckets, chunk = m.chunk;
    uint64_t chunks = m.prealloc_chunks;
    char a[32], b[32], c[32];

    if (chunks == 0) {
        chunks = 1;
    }
    if (buckets * workers > fc->memcap) {
        log_error("config: flow.memcap: %s is smaller than the flow hash table (flow.hash-size "
                  "%u buckets take %s); raise flow.memcap or lower flow.hash-size",
                  size_text(fc->memcap, a, sizeof(a)), fc->hash_size,
                  size_text(buckets * workers, b, sizeof(b)));
        return SK_ERR_CONFIG;
    }
    if (buckets + chunk > share) {
        if (workers == 1) {
            log_error("config: flow.memcap: %s cannot hold the flow hash table and %u flows "
                      "(%s); raise flow.memcap or lower flow.hash-size",
                      size_text(fc->memcap, a, sizeof(a)), (unsigned)FLOW_CHUNK_FLOWS,
                      size_text(buckets + chunk, b, sizeof(b)));
        } else {
            log_error("config: flow.memcap: %s over %u worker threads leaves %s each, less than "
                      "one worker's flow table needs (%s: its share of flow.hash-size and %u "
                      "flows); use fewer threads or raise flow.memcap",
                      size_text(fc->memcap, a, sizeof(a)), workers, size_text(share, b, sizeof(b)),
                      size_text(buckets + chunk, c, sizeof(c)), (unsigned)FLOW_CHUNK_FLOWS);
        }
        return SK_ERR_CONFIG;
    }
    if (buckets + chunks * chunk > share) {
        log_error("config: flow.prealloc: %u flows do not fit flow.memcap %s (%s needed%s); "
                  "lower flow.prealloc or raise flow.memcap",
                  fc->prealloc, size_text(fc->memcap, a, sizeof(a)),
                  size_text((buckets + chunks * chunk) * workers, b, sizeof(b)),
                  workers > 1 ? " over all worker threads" : "");
        return SK_ERR_CONFIG;
    }
    return SK_OK;
}

SkResult
runtime_config_load(RunConfig *rc, const CfgNode *root, unsigned threads_cli)
{
    unsigned tables;

    for (size_t s = 0; s < STAGE_CNT; s++) {
        stages[s].table->defaults((char *)rc + stages[s].conf_off);
    }
    for (size_t s = 0; s < STAGE_CNT; s++) {
        const StageSettings *st = &stages[s];
        void *conf = (char *)rc + st->conf_off;
        SkResult r = st->load != NULL ? st->load(rc, root, st->table)
                     : st->table->load != NULL
                         ? st->table->load(root, st->table, conf)
                         : cfg_table_read(root, st->table, NULL, NULL, 0, conf);
        if (r != SK_OK) {
            return SK_ERR_CONFIG;
        }
    }
    if (check_threads(rc, threads_cli) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    /* Flows keep their MAC addresses only when a record will show them. */
    rc->flow.track_macs = rc->eve.ethernet
                          && (eve_config_type_on(&rc->eve, EVE_TYPE_FLOW)
                              || eve_config_type_on(&rc->eve, EVE_TYPE_NETFLOW));
    /* One flow table per worker; single runs one (runtime_run). */
    tables = rc->runmode == RUNMODE_SINGLE ? 1 : rc->threads;
    return check_flow_memory(&rc->flow, tables);
}
