/* main.c: the command line. Options keep Suricata's spelling and meaning (-r, -l, -c, -S, -s,
 * -k, -T, -v, -V, --runmode, --set, --build-info, --dump-config); sekimori's additions (--threads,
 * --quiet) are new names. Every failure here is one line on stderr and exit code 1, and so is
 * output that could not be written (--dump-config > /dev/full): a listing cut short is not a
 * success. */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pwd.h>
#include <grp.h>
#include <malloc.h>
#include <unistd.h>

#include "core/config.h"
#include "core/config_default.h"
#include "core/log.h"
#include "capture/capture.h"
#include "detect/detect.h"
#include "runtime/runtime.h"

#define SURICATA_COMPAT_VERSION "8.0.7"
#define SETS_MAX 256
#define RULE_FILES_MAX 64
/* The most worker threads: the same bound settings.c puts on threading.detect-thread-ratio. */
#define THREADS_MAX 1024

enum {
    OPT_RUNMODE = 256,
    OPT_SET,
    OPT_THREADS,
    OPT_QUIET,
    OPT_BUILD_INFO,
    OPT_DUMP_CONFIG,
    OPT_DISABLE_DETECTION,
    OPT_INIT_ERRORS_FATAL,
    OPT_SIMULATE_IPS,
    OPT_LIST_KEYWORDS,
    OPT_ENGINE_ANALYSIS,
    OPT_HELP,
    OPT_PCAP,
    OPT_FIREWALL_RULES,
    OPT_NO_RANDOM,
    OPT_USER,
    OPT_RULE_PERF,
    OPT_GROUP,
};

typedef struct {
    const char *input;
    const char *log_dir;
    const char *config;
    const char *rule_files[RULE_FILES_MAX];
    unsigned rule_file_cnt;
    bool rules_exclusive; /* -S: only these files */
    const char *sets[SETS_MAX];
    unsigned set_cnt;
    const char *runmode;
    const char *checksums; /* -k: "all" or "none" */
    const char *live;      /* -i / --pcap=: an interface */
    bool pcap_config;      /* --pcap alone: the first interface of the config's pcap list */
    unsigned threads;
    bool quiet;
    bool dump_config;
    bool disable_detection;
    bool simulate_ips;
    const char *user, *group; /* --user, --group: override run-as.user, run-as.group */
    bool rule_perf;           /* --rule-perf */
    bool init_errors_fatal;
    bool test_config;
    bool engine_analysis;
    bool no_random;
    int verbose;
} Options;

static void
usage(FILE *out)
{
    fprintf(
        out,
        "sekimori %s: network intrusion detection engine (Suricata %s compatible)\n"
        "usage: sekimori -r <capture file or directory> [options]\n"
        "       sekimori -i <interface> [options]\n"
        "  -r <path>             read a pcap/pcapng file, or every capture in a directory\n"
        "  -i <iface>            capture live on an interface (libpcap); --pcap[=<iface>] too\n"
        "  -l <dir>              log directory (default: default-log-dir from the config)\n"
        "  -c <file>             YAML config (suricata.yaml keys); built-in default if absent\n"
        "  -S <file>, -s <file>  rule files (exclusive, additional)\n"
        "  -k <all|none>         checksum checks\n"
        "  -T                    test the configuration and exit\n"
        "  -v                    more messages (repeat for more); -V: version\n"
        "  --runmode <m>         single | autofp | workers (default: workers for files,\n"
        "                        autofp for live capture)\n"
        "  --threads <n>         worker threads (default: cores x threading.detect-thread-ratio)\n"
        "  --set <key=value>     override a config key\n"
        "  --dump-config         print the effective configuration and exit; with -v, also\n"
        "                        every key sekimori reads, its built-in value and meaning\n"
        "  --build-info          print build features and exit\n"
        "  --quiet               no summary at exit\n"
        "  --no-random           fixed hash seeds (reproducible flow_id values)\n"
        "  --user <u>, --group <g>  run as this user and group once started (run-as.*)\n"
        "  --rule-perf           the costliest rules by CPU ticks, into rule_perf.log\n"
        "  --disable-detection, --init-errors-fatal, --simulate-ips: as Suricata\n",
        SK_VERSION, SURICATA_COMPAT_VERSION);
}

static void
print_build_info(void)
{
    printf("This is sekimori version %s\n", SK_VERSION);
    printf("Suricata compatibility: %s\n", SURICATA_COMPAT_VERSION);
    /* Only features this build really has; the verify runner gates cases on them. */
    printf("Features:");
    printf(" HAVE_JA3 HAVE_JA4"); /* TLS fingerprints: applayer/tls/ (libcrypto) */
#if defined(SK_ASAN)
    printf(" ASAN");
#endif
    printf("\n");
#if defined(__x86_64__)
    printf("64-bits, Little-endian architecture\n");
#endif
#if defined(__clang__)
    printf("clang version %s\n", __clang_version__);
#elif defined(__GNUC__)
    printf("GCC version %s\n", __VERSION__);
#endif
    printf("\nsekimori configuration:\n");
    printf("  pcap/pcapng file reading:                yes\n");
    printf("  live capture (libpcap):                  %s\n",
           capture_live_supported() ? "yes" : "no");
    printf("  detection engine:                        yes\n");
    printf("  AF_PACKET support:                       no\n");
    printf("  NFQueue support:                         no\n");
#if defined(SK_ASAN)
    printf("  ASAN support:                            yes\n");
#endif
}

static int
parse_args(int argc, char **argv, Options *o)
{
    static const struct option longopts[] = {
        {"runmode", required_argument, NULL, OPT_RUNMODE},
        {"set", required_argument, NULL, OPT_SET},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"build-info", no_argument, NULL, OPT_BUILD_INFO},
        {"dump-config", no_argument, NULL, OPT_DUMP_CONFIG},
        {"disable-detection", no_argument, NULL, OPT_DISABLE_DETECTION},
        {"init-errors-fatal", no_argument, NULL, OPT_INIT_ERRORS_FATAL},
        {"simulate-ips", no_argument, NULL, OPT_SIMULATE_IPS},
        {"list-keywords", optional_argument, NULL, OPT_LIST_KEYWORDS},
        {"engine-analysis", no_argument, NULL, OPT_ENGINE_ANALYSIS},
        {"pcap", optional_argument, NULL, OPT_PCAP},
        {"firewall-rules-exclusive", required_argument, NULL, OPT_FIREWALL_RULES},
        {"no-random", no_argument, NULL, OPT_NO_RANDOM},
        {"user", required_argument, NULL, OPT_USER},
        {"rule-perf", no_argument, NULL, OPT_RULE_PERF},
        {"group", required_argument, NULL, OPT_GROUP},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":r:l:c:S:s:k:i:TvVh", longopts, NULL)) != -1) {
        switch (c) {
        case 'r':
            o->input = optarg;
            break;
        case 'l':
            o->log_dir = optarg;
            break;
        case 'c':
            o->config = optarg;
            break;
        case 'S':
        case 's':
        case OPT_FIREWALL_RULES:
            if (o->rule_file_cnt == RULE_FILES_MAX) {
                log_error("too many rule files (at most %d)", RULE_FILES_MAX);
                return 1;
            }
            o->rule_files[o->rule_file_cnt++] = optarg;
            o->rules_exclusive |= c == 'S';
            break;
        case 'k':
            if (strcmp(optarg, "none") != 0 && strcmp(optarg, "all") != 0) {
                log_error("-k: '%s' is not 'all' or 'none'", optarg);
                return 1;
            }
            o->checksums = optarg;
            break;
        case 'i':
            o->live = optarg;
            break;
        case 'T':
            o->test_config = true;
            break;
        case 'v':
            o->verbose++;
            break;
        case 'V':
            printf("This is sekimori version %s (Suricata %s compatible)\n", SK_VERSION,
                   SURICATA_COMPAT_VERSION);
            return -1;
        case 'h':
        case OPT_HELP:
            usage(stdout);
            return -1;
        case OPT_RUNMODE: {
            RunMode m;
            if (!runmode_parse(optarg, &m)) {
                log_error("--runmode: '%s' is not one of single, autofp, workers", optarg);
                return 1;
            }
            o->runmode = optarg;
            break;
        }
        case OPT_SET:
            if (o->set_cnt == SETS_MAX) {
                log_error("--set: too many overrides (at most %d)", SETS_MAX);
                return 1;
            }
            o->sets[o->set_cnt++] = optarg;
            break;
        case OPT_THREADS: {
            uint64_t n;
            if (!cfg_parse_uint(optarg, THREADS_MAX, &n) || n < 1) {
                log_error("--threads: '%s' is not a number from 1 to %d", optarg, THREADS_MAX);
                return 1;
            }
            o->threads = (unsigned)n;
            break;
        }
        case OPT_QUIET:
            o->quiet = true;
            break;
        case OPT_BUILD_INFO:
            print_build_info();
            return -1;
        case OPT_DUMP_CONFIG:
            o->dump_config = true;
            break;
        case OPT_DISABLE_DETECTION:
            o->disable_detection = true;
            break;
        case OPT_INIT_ERRORS_FATAL:
            o->init_errors_fatal = true;
            break;
        case OPT_SIMULATE_IPS:
            o->simulate_ips = true; /* drop and reject verdicts count as blocking */
            break;
        case OPT_LIST_KEYWORDS:
            /* The rule keywords and sticky buffers this build supports, one per line. */
            detect_keywords_print(stdout);
            return -1;
        case OPT_RULE_PERF:
            o->rule_perf = true;
            break;
        case OPT_USER:
            o->user = optarg;
            break;
        case OPT_GROUP:
            o->group = optarg;
            break;
        case OPT_NO_RANDOM:
            o->no_random = true;
            break;
        case OPT_ENGINE_ANALYSIS:
            o->engine_analysis = true;
            break;
        case OPT_PCAP:
            if (optarg != NULL) {
                o->live = optarg;
            } else {
                o->pcap_config = true;
            }
            break;
        case ':':
            log_error("option '%s' needs a value (see sekimori --help)", argv[optind - 1]);
            return 1;
        default:
            log_error("unknown option '%s' (see sekimori --help)", argv[optind - 1]);
            return 1;
        }
    }
    if (optind < argc) {
        log_error("unexpected argument '%s' (see sekimori --help)", argv[optind]);
        return 1;
    }
    return 0;
}

/* Whatever went to stdout must have reached it: one line and exit 1 otherwise. */
static bool
stdout_flushed(void)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        log_error("cannot write to standard output: %s", strerror(errno));
        return false;
    }
    return true;
}

/* --set key=value, applied to cfg. */
static SkResult
apply_set(CfgNode *cfg, const char *arg)
{
    const char *eq = strchr(arg, '=');
    char *key;
    SkResult r;

    if (eq == NULL || eq == arg) {
        log_error("--set %s: expected key=value", arg);
        return SK_ERR_CONFIG;
    }
    key = strndup(arg, (size_t)(eq - arg));
    if (key == NULL) {
        log_error("--set: out of memory");
        return SK_ERR_NOMEM;
    }
    r = cfg_set(cfg, key, eq + 1);
    free(key);
    return r;
}

static bool
report_ignored(const char *key_path, void *user)
{
    (void)user;
    if (!runtime_config_key_used(key_path)) {
        log_info("config: %s: not used by sekimori", key_path);
    }
    return true;
}

/* The rule files of this run: -S alone; else the config's rule-files (relative to
 * default-rule-path) and then every -s. Loaded, summarised as Suricata does, and built into the
 * engine the workers share. A file that cannot be read fails the start with -S or
 * --init-errors-fatal (Suricata's), else it is one error line and the rest load;
 * --init-errors-fatal also refuses any rule that failed. *out stays NULL when no rule file is
 * named at all. */
static int
detect_engine_load(const Options *o, const CfgNode *cfg, const RunConfig *rc, DetectEngine **out)
{
    const DetectSettings *ds = &rc->detect;
    DetectRules *rules;
    int code = 0;
    unsigned files = 0;

    *out = NULL;
    if (o->rule_file_cnt == 0 && ds->rule_file_cnt == 0) {
        return 0;
    }
    rules = detect_rules_new(cfg);
    if (rules == NULL) {
        return 1;
    }
    for (unsigned i = 0; !o->rules_exclusive && i < ds->rule_file_cnt && code == 0; i++) {
        char path[4096];
        const char *name = ds->rule_files[i];
        int n = name[0] != '/' && ds->rule_path != NULL && ds->rule_path[0] != '\0'
                    ? snprintf(path, sizeof(path), "%s/%s", ds->rule_path, name)
                    : snprintf(path, sizeof(path), "%s", name);
        if (n < 0 || (size_t)n >= sizeof(path)) {
            log_error("rule-files: %s: path too long", name);
            code = 1;
            break;
        }
        SkResult r = detect_rules_load_file(rules, path);
        files++;
        if (r == SK_ERR_NOMEM || (r != SK_OK && o->init_errors_fatal)) {
            code = 1;
        }
    }
    for (unsigned i = 0; i < o->rule_file_cnt && code == 0; i++) {
        SkResult r = detect_rules_load_file(rules, o->rule_files[i]);
        files++;
        if (r == SK_ERR_NOMEM || (r != SK_OK && (o->init_errors_fatal || o->rules_exclusive))) {
            code = 1;
        }
    }
    if (code == 0) {
        const DetectLoadStats *st = detect_rules_stats(rules);
        detect_rules_log_summary(rules);
        if (st->failed > 0 && o->init_errors_fatal) {
            log_error("detect: --init-errors-fatal: %u rule%s failed to load", st->failed,
                      st->failed == 1 ? "" : "s");
            code = 1;
        }
    }
    if (code != 0) {
        detect_rules_free(rules);
        return code;
    }
    *out = detect_engine_build(rules, &ds->engine);
    /* Loading and building leave many megabytes freed (the rule files' text, parse and compile
     * scratch) inside the heap: give the pages back before the run, so they are not counted
     * in its resident size. */
    malloc_trim(0);
    return *out != NULL ? 0 : 1;
}

/* run-as: the user and group to become once inputs and outputs are open, as Suricata's --user
 * and --group (which win over run-as.user and run-as.group). Resolved before anything starts,
 * so a name that does not exist stops the run with Suricata's message. */
typedef struct {
    bool wanted;
    uid_t uid;
    gid_t gid;
    const char *name;
} RunAs;

static int
run_as_resolve(const Options *o, const CfgNode *cfg, RunAs *ra)
{
    const CfgNode *sect = cfg_find(cfg, "run-as");
    const char *user = o->user, *group = o->group;
    memset(ra, 0, sizeof(*ra));
    if (user == NULL) {
        user = cfg_scalar(cfg_find(cfg, "run-as.user"));
    }
    if (group == NULL) {
        group = cfg_scalar(cfg_find(cfg, "run-as.group"));
    }
    if (user != NULL && user[0] == '\0') {
        user = NULL;
    }
    if (group != NULL && group[0] == '\0') {
        group = NULL;
    }
    if (user == NULL) {
        if (group != NULL || (sect != NULL && cfg_find(cfg, "run-as.group") != NULL)) {
            log_error("no user name was provided - ensure it is specified either in the "
                      "configuration file (run-as.user) or in command-line arguments (--user)");
            return 1;
        }
        return 0;
    }
    struct passwd *pw = getpwnam(user);
    if (pw == NULL) {
        log_error("unable to get the user ID, check if user exist!!");
        return 1;
    }
    ra->wanted = true;
    ra->uid = pw->pw_uid;
    ra->gid = pw->pw_gid;
    ra->name = user;
    if (group != NULL) {
        struct group *gr = getgrnam(group);
        if (gr == NULL) {
            log_error("unable to get the group ID, check if group exist!!");
            return 1;
        }
        ra->gid = gr->gr_gid;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    Options o;
    RunConfig rc;
    CfgNode *cfg = NULL;
    DetectEngine *engine = NULL;
    RunAs run_as;
    int code = 1;

    memset(&o, 0, sizeof(o));
    memset(&rc, 0, sizeof(rc));
    int pr = parse_args(argc, argv, &o);
    if (pr != 0) {
        return pr < 0 && stdout_flushed() ? 0 : 1; /* -1: printed what was asked (-V, --help) */
    }
    log_set_level(o.verbose >= 2   ? LOG_LEVEL_DEBUG
                  : o.verbose == 1 ? LOG_LEVEL_INFO
                                   : LOG_LEVEL_NOTICE);

    cfg = o.config != NULL ? cfg_load_file(o.config)
                           : cfg_load_string(sk_config_default, "built-in default");
    if (cfg == NULL) {
        return 1;
    }
    for (unsigned i = 0; i < o.set_cnt; i++) {
        if (apply_set(cfg, o.sets[i]) != SK_OK) {
            goto out;
        }
    }
    if (o.dump_config) {
        cfg_dump(cfg, stdout);
        if (o.verbose > 0) {
            runtime_config_describe(stdout); /* "# ..." lines: a key = value reader skips them */
        }
        code = stdout_flushed() ? 0 : 1;
        goto out;
    }
    if ((o.live != NULL || o.pcap_config) && o.input != NULL) {
        log_error("give -r (a capture) or -i (an interface), not both");
        goto out;
    }
    /* --runmode wins over the file's runmode: key, as Suricata's (which sets that key). In the
     * tree, so the settings that depend on the run mode (the flow tables' memory) see it. */
    if (o.runmode != NULL && cfg_set(cfg, "runmode", o.runmode) != SK_OK) {
        goto out;
    }
    /* -k none / all: checksum checks off or forced, as Suricata's (the stream reads it). */
    if (o.checksums != NULL
        && cfg_set(cfg, "pcap-file.checksum-checks",
                   strcmp(o.checksums, "none") == 0 ? "no" : "yes")
               != SK_OK) {
        goto out;
    }
    /* Default run mode for files: workers, measured fastest on 2 cores (docs/architecture.md);
     * live: autofp, since one interface cannot be read by every worker. */
    rc.runmode = o.live != NULL || o.pcap_config ? RUNMODE_AUTOFP : RUNMODE_WORKERS;
    rc.live_iface = o.live;
    if (o.log_dir != NULL) {
        int n = snprintf(rc.log_dir, sizeof(rc.log_dir), "%s", o.log_dir);
        if (n < 0 || (size_t)n >= sizeof(rc.log_dir)) {
            log_error("-l: the log directory name is longer than %zu bytes",
                      sizeof(rc.log_dir) - 1);
            goto out;
        }
    }
    /* With --pcap alone, the settings loaded are those of the first interface the pcap list
     * names (live_iface NULL): the one taken here, once the list has been checked. */
    if (runtime_config_load(&rc, cfg, o.threads) != SK_OK) {
        goto out;
    }
    /* The config's logging outputs (suricata.log, JSON engine records) see every line from
     * here on, the rule errors included; the settings above checked their keys' types. */
    if (log_outputs_open(cfg, rc.log_dir) != SK_OK) {
        goto out;
    }
    if (o.pcap_config && o.live == NULL) {
        o.live = runtime_config_pcap_interface(cfg);
        if (o.live == NULL) {
            log_error("--pcap: no interface given, and the config's pcap list names none");
            goto out;
        }
        rc.live_iface = o.live;
    }
    if (o.verbose > 0) {
        cfg_walk_scalars(cfg, report_ignored, NULL);
    }
    if (run_as_resolve(&o, cfg, &run_as) != 0) {
        goto out;
    }
    rc.detect.engine.ips = o.simulate_ips;
    rc.detect.engine.rule_perf = o.rule_perf;
    rc.detect.engine.test_mode = o.test_config;
    rc.eve.ips = o.simulate_ips;
    rc.fast.ips = o.simulate_ips;
    /* stream.inline auto follows the run's mode, as Suricata's. */
    rc.stream.inline_mode = rc.stream.inline_cfg == STREAM_INLINE_YES
                            || (rc.stream.inline_cfg == STREAM_INLINE_AUTO && o.simulate_ips);
    rc.detect.engine.vars = cfg;
    if (!o.disable_detection && detect_engine_load(&o, cfg, &rc, &engine) != 0) {
        goto out;
    }
    rc.detect_engine = engine;
    if (o.test_config) {
        log_notice("configuration test passed");
        code = 0;
        goto out;
    }
    if (o.engine_analysis) {
        /* As Suricata's: build the engine, write its analysis into the log directory, exit. */
        code = engine == NULL || detect_engine_analysis_write(engine, cfg, rc.log_dir) == SK_OK ? 0
                                                                                                : 1;
        goto out;
    }
    if (o.input == NULL && o.live == NULL) {
        log_error("no input: give a capture with -r or an interface with -i (see sekimori --help)");
        goto out;
    }
    rc.input = o.input;
    rc.quiet = o.quiet;
    rc.no_random = o.no_random;
    rc.progress = !o.quiet && isatty(STDERR_FILENO);
    rc.run_as = run_as.wanted;
    rc.run_uid = run_as.uid;
    rc.run_gid = run_as.gid;
    rc.run_user = run_as.name;
    code = runtime_run(&rc);
out:
    detect_engine_free(engine);
    log_outputs_close();
    cfg_free(cfg);
    return code;
}
