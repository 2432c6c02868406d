/* runtime.h: run modes, worker threads and the engine's settings. The RunConfig is built once
 * from the YAML tree and the command line, before any thread starts, and read-only after. */
#ifndef SK_RUNTIME_RUNTIME_H
#define SK_RUNTIME_RUNTIME_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "applayer/applayer.h"
#include "capture/capture.h"
#include "core/config.h"
#include "core/result.h"
#include "decode/decode.h"
#include "defrag/defrag.h"
#include "detect/detect_settings.h"
#include "flow/flow.h"
#include "output/eve.h"
#include "output/fastlog.h"
#include "stream/stream.h"

typedef enum {
    RUNMODE_SINGLE = 0, /* one thread does everything (the reference behaviour) */
    RUNMODE_AUTOFP,     /* one reader thread feeding N workers through rings */
    RUNMODE_WORKERS,    /* N workers each read the file and keep their hash share */
} RunMode;

typedef struct {
    const char *input;      /* -r: a capture file or directory; NULL when live */
    const char *live_iface; /* -i / --pcap: capture on this interface (libpcap) */
    CaptureLiveConfig live; /* its `pcap:` settings */
    char log_dir[4096];     /* -l, else default-log-dir */
    RunMode runmode;
    unsigned threads; /* workers for autofp/workers */
    bool quiet;       /* --quiet: no summary */
    bool progress;    /* a terminal on stderr: show progress */
    bool no_random;   /* --no-random: fixed hash seeds, so flow_id repeats run to run */
    DecodeConfig decode;
    DefragConfig defrag;
    FlowConfig flow;
    StreamConfig stream;
    AppLayerConfig applayer;
    EveConfig eve;
    FastLogConfig fast; /* outputs.N.fast */
    DetectSettings detect;
    const DetectEngine *detect_engine; /* built in main; NULL: no rules, or detection off */
    bool stats_enabled;                /* stats.enabled */
    uint32_t stats_interval_s;         /* stats.interval */
    double thread_ratio;               /* threading.detect-thread-ratio */
    /* run-as / --user / --group: become this user once the input and outputs are open */
    bool run_as;
    uid_t run_uid;
    gid_t run_gid;
    const char *run_user;
} RunConfig;

/* Defaults, then the YAML tree's settings (one logged line and SK_ERR_CONFIG on a wrong type).
 * threads_cli: --threads, or 0 to take threading.detect-thread-ratio times the cores. Set
 * live_iface first: the `pcap:` entry for that interface (or `default`) is read then. */
SkResult runtime_config_load(RunConfig *rc, const CfgNode *root, unsigned threads_cli);

/* --pcap with no interface: the first entry of the config's `pcap:` list that names one (not
 * `default`), as Suricata takes it; NULL when there is none. */
const char *runtime_config_pcap_interface(const CfgNode *root);

/* Is key_path one the engine reads? (for -v's list of ignored settings) */
bool runtime_config_key_used(const char *key_path);

/* Every key the engine reads, one "# key = built-in value (kind): help" line each, in reading
 * order (--dump-config -v; tests/config/doc_keys.py compares it with the docs). */
void runtime_config_describe(FILE *out);

/* The i-th stage's settings table in reading order, NULL past the last (for tests). */
const CfgTable *runtime_settings_table(size_t i);

/* Runs the capture through the pipeline. Returns the process exit code. */
int runtime_run(const RunConfig *rc);

const char *runmode_name(RunMode m);
bool runmode_parse(const char *s, RunMode *out);

#endif
