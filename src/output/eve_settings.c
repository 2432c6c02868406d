/* eve_settings.c: the keys the EVE output reads, into its EveConfig (eve.h). They sit under the
 * first eve-log entry of `outputs:`, so the table reads itself (load): it finds that entry and
 * reads its rows with the entry's index filled in. Event types and their options come from
 * eve_types.def; the rows below name them for -v and the docs, and a unit test
 * (tests/unit/runtime/test_settings.c) checks the two agree. Keys are read by their full path
 * (outputs.0.eve-log.enabled), so a message names the key a user can find in the file. */
#include "output/eve_settings.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"
#include "output/eve.h"
#include "output/fastlog.h"

#define EVE "outputs.*.eve-log"
#define TYPES EVE ".types.*"

static SkResult
read_filetype(const CfgNode *root, const char *path, const CfgKey *k, void *conf)
{
    const char *s = NULL;

    (void)k;
    (void)conf;
    if (cfg_get_str(root, path, &s) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    if (s != NULL && strcmp(s, "regular") != 0 && strcmp(s, "file") != 0) {
        log_warn("config: %s: '%s' is not supported yet; writing a regular file", path, s);
    }
    return SK_OK;
}

/* alert's `metadata`: a boolean, or a map of the parts to log, which turns it on as Suricata
 * does (`metadata: {rule: {raw: yes}}` still logs the flow). The parts sekimori writes are
 * options of their own (metadata.flow, ...), read by the caller's loop like any other. */
static const char *const metadata_parts[] = {"app-layer", "flow", "rule", NULL};

static SkResult
read_bool_or_parts(const CfgNode *root, const char *key, const char *const *parts, bool *v)
{
    const CfgNode *n = cfg_find(root, key);

    if (n == NULL || cfg_type(n) != CFG_MAP) {
        return cfg_get_bool(root, key, v);
    }
    for (size_t i = 0; i < cfg_child_count(n); i++) {
        const char *name = cfg_child_key(n, i);
        size_t j = 0;
        while (parts[j] != NULL && strcmp(parts[j], name) != 0) {
            j++;
        }
        if (parts[j] == NULL) {
            log_error("config: %s: '%s' is not a part to log (yes/no, or a map of app-layer, "
                      "flow, rule)",
                      key, name);
            return SK_ERR_CONFIG;
        }
    }
    *v = true;
    return SK_OK;
}

/* drop's `flows`: "start" (v false) or "all" (v true), case ignored; absent keeps v. */
static SkResult
read_drop_flows(const CfgNode *root, const char *key, bool *v)
{
    const char *s = NULL;

    if (cfg_get_str(root, key, &s) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    if (s == NULL) {
        return SK_OK;
    }
    if (strcasecmp(s, "start") == 0 || strcasecmp(s, "all") == 0) {
        *v = strcasecmp(s, "all") == 0;
        return SK_OK;
    }
    log_error("config: %s: '%s' is not start or all", key, s);
    return SK_ERR_CONFIG;
}

/* One `types:` entry (tkey: outputs.0.eve-log.types.2): a name (`- flow`), or a name with its
 * options map (`- anomaly: {enabled: yes, ...}`, has_opts). */
static SkResult
read_type(const CfgNode *root, const char *tkey, const char *name, bool has_opts, EveConfig *ec)
{
    char key[CFG_PATH_MAX];
    const char *const fill[] = {tkey, name};
    bool on = true;
    const CfgNode *opts = NULL;
    int t = eve_type_lookup(name);
    bool metadata_map = false;

    if (!cfg_path_fill(key, "*.*", fill, 2)) {
        return SK_ERR_CONFIG;
    }
    if (has_opts) {
        opts = cfg_find(root, key);
    }
    if (opts != NULL
        && (cfg_type(opts) == CFG_SEQ
            || (cfg_type(opts) == CFG_SCALAR && cfg_scalar(opts)[0] != '\0'))) {
        log_error("config: %s: '%s' is not a map of options (enabled: yes, ...)", key,
                  cfg_type(opts) == CFG_SEQ ? "<list>" : cfg_scalar(opts));
        return SK_ERR_CONFIG;
    }
    if (has_opts
        && (!cfg_path_fill(key, "*.*.enabled", fill, 2) || cfg_get_bool(root, key, &on) != SK_OK)) {
        return SK_ERR_CONFIG;
    }
    if (t < 0) {
        return SK_OK; /* dns, http, ...: no such records yet */
    }
    ec->types[t].enabled = on;
    for (unsigned o = 0; has_opts && o < EVE_OPTION_MAX; o++) {
        const char *const ofill[] = {tkey, name, eve_options[o].key};
        bool v;
        if ((int)eve_options[o].type != t) {
            continue;
        }
        v = (ec->types[t].opts >> o & 1u) != 0;
        if (!cfg_path_fill(key, "*.*.*", ofill, 3)) {
            return SK_ERR_CONFIG;
        }
        if (o == EVE_OPT_ALERT_METADATA) {
            const CfgNode *m = cfg_find(root, key);
            metadata_map = m != NULL && cfg_type(m) == CFG_MAP;
            if (read_bool_or_parts(root, key, metadata_parts, &v) != SK_OK) {
                return SK_ERR_CONFIG;
            }
        } else if (o >= EVE_OPT_ALERT_META_APPLAYER && o <= EVE_OPT_ALERT_META_RULE
                   && !metadata_map) {
            /* `metadata: yes/no`: its parts keep their defaults (they follow it in
             * eve_types.def, so metadata_map is known here). */
        } else if (o == EVE_OPT_DROP_FLOWS_ALL) {
            if (read_drop_flows(root, key, &v) != SK_OK) {
                return SK_ERR_CONFIG;
            }
        } else if (cfg_get_bool(root, key, &v) != SK_OK) {
            return SK_ERR_CONFIG;
        }
        ec->types[t].opts = v ? ec->types[t].opts | 1u << o : ec->types[t].opts & ~(1u << o);
    }
    return SK_OK;
}

/* outputs.N.eve-log.types: a list of names and one-key maps of options. */
static SkResult
read_types(const CfgNode *root, const char *path, const CfgKey *k, void *conf)
{
    const CfgNode *types = cfg_find(root, path);

    (void)k;
    if (types == NULL || (cfg_type(types) == CFG_SCALAR && cfg_scalar(types)[0] == '\0')) {
        const char *s;
        return types == NULL ? cfg_get_str(root, path, &s) : SK_OK;
    }
    if (cfg_type(types) != CFG_SEQ) {
        log_error("config: %s: not a list of event types (- flow, - anomaly: ...)", path);
        return SK_ERR_CONFIG;
    }
    for (size_t i = 0; i < cfg_child_count(types); i++) {
        const CfgNode *t = cfg_child(types, i);
        char tkey[CFG_PATH_MAX];
        char idx[24];
        const char *const fill[] = {path, idx};
        const char *name;
        snprintf(idx, sizeof(idx), "%zu", i);
        if (!cfg_path_fill(tkey, "*.*", fill, 2)) {
            return SK_ERR_CONFIG;
        }
        if (cfg_type(t) == CFG_SCALAR) {
            name = cfg_scalar(t);
        } else if (cfg_type(t) == CFG_MAP && cfg_child_count(t) > 0) {
            name = cfg_child_key(t, 0);
        } else {
            log_error("config: %s: not an event type (a name, or one name with a map of its "
                      "options)",
                      tkey);
            return SK_ERR_CONFIG;
        }
        if (name[0] == '\0') {
            continue; /* "- " with nothing: an empty entry, as Suricata skips it */
        }
        if (read_type(root, tkey, name, cfg_type(t) == CFG_MAP, conf) != SK_OK) {
            return SK_ERR_CONFIG;
        }
    }
    return SK_OK;
}

#define TYPE_ROW(name, id, h)                                                                      \
    {                                                                                              \
        .path = TYPES "." name, .type = CFG_KEY_EVENT_TYPE,                                        \
        CFG_FIELD(EveConfig, types[id].enabled), .help = (h)                                       \
    }
#define OPTION_ROW(name, d, h)                                                                     \
    {                                                                                              \
        .path = TYPES "." name, .type = CFG_KEY_BOOL, CFG_NOWHERE, .def = (d), .help = (h)         \
    }

static const CfgKey rows[] = {
    {.path = EVE ".enabled",
     .type = CFG_KEY_BOOL,
     CFG_FIELD(EveConfig, enabled),
     .def = "yes",
     .help = "write EVE JSON"},
    {.path = EVE ".filename",
     .type = CFG_KEY_STRBUF,
     CFG_FIELD(EveConfig, filename),
     .def = "eve.json",
     .help = "file name, relative to the log directory"},
    {.path = EVE ".community-id",
     .type = CFG_KEY_BOOL,
     CFG_FIELD(EveConfig, community_id),
     .def = "no",
     .help = "add community_id to flow, netflow and packet records"},
    {.path = EVE ".ethernet",
     .type = CFG_KEY_BOOL,
     CFG_FIELD(EveConfig, ethernet),
     .def = "no",
     .help = "add MAC addresses to records"},
    {.path = EVE ".metadata",
     .type = CFG_KEY_BOOL,
     CFG_FIELD(EveConfig, metadata),
     .def = "no",
     .help = "add the flow's flowbits (metadata.flowbits) to packet and flow records"},
    {.path = EVE ".community-id-seed",
     .type = CFG_KEY_INT,
     CFG_FIELD(EveConfig, community_id_seed),
     .min = 0,
     .max = UINT16_MAX,
     .def = "0",
     .help = "the Community ID seed"},
    {.path = EVE ".filetype",
     .type = CFG_KEY_STRING,
     CFG_NOWHERE,
     .def = "regular",
     .help = "regular (or file): a plain file",
     .read = read_filetype},
    {.path = EVE ".types",
     .type = CFG_KEY_LIST,
     CFG_NOWHERE,
     .def = "alert, anomaly, http, dns, tls, files, flow, stats",
     .help = "event types to log",
     .read = read_types},
    {.path = TYPES ".*.enabled",
     .type = CFG_KEY_BOOL,
     CFG_NOWHERE,
     .def = "yes",
     .help = "an event type listed with options is logged unless this says no"},
    TYPE_ROW("alert", EVE_TYPE_ALERT, "alert records: one per rule match that alerts"),
    OPTION_ROW("alert.payload", "no", "add the packet's payload (base64)"),
    OPTION_ROW("alert.payload-printable", "no", "add the payload, non-printable bytes as '.'"),
    OPTION_ROW("alert.payload-length", "no", "add the payload's length"),
    OPTION_ROW("alert.packet", "no", "add the captured frame (base64) and its link type"),
    OPTION_ROW("alert.metadata", "yes", "yes/no, or a map of the parts below: add them"),
    OPTION_ROW("alert.metadata.app-layer", "yes", "the flow's app-layer record (none written yet)"),
    OPTION_ROW("alert.metadata.flow", "yes", "the flow's counters so far"),
    OPTION_ROW("alert.metadata.rule.metadata", "yes", "the rule's metadata keyword, as a map"),
    OPTION_ROW("alert.verdict", "no", "add the packet's final verdict (verdict.action)"),
    OPTION_ROW("alert.tagged-packets", "no",
               "log the packets a tag keyword tagged as packet records"),
    TYPE_ROW("flow", EVE_TYPE_FLOW, "flow records"),
    TYPE_ROW("netflow", EVE_TYPE_NETFLOW, "netflow records: one per flow direction"),
    TYPE_ROW("anomaly", EVE_TYPE_ANOMALY, "anomaly records"),
    TYPE_ROW("stats", EVE_TYPE_STATS, "stats records"),
    OPTION_ROW("anomaly.types.decode", "yes", "log decoder anomalies"),
    OPTION_ROW("anomaly.types.stream", "yes", "log stream anomalies"),
    OPTION_ROW("anomaly.types.applayer", "yes", "log application-layer anomalies"),
    OPTION_ROW("anomaly.packethdr", "no", "add the captured frame to decode anomaly records"),
    OPTION_ROW("stats.totals", "yes", "totals over all threads"),
    OPTION_ROW("stats.threads", "no", "per-thread values (not written yet)"),
    OPTION_ROW("stats.deltas", "no", "deltas since the last record (not written yet)"),
    OPTION_ROW("stats.null-values", "yes", "also log counters that are zero"),
    TYPE_ROW("drop", EVE_TYPE_DROP, "drop records: packets an inline engine blocked (IPS only)"),
    OPTION_ROW("drop.alerts", "no", "add the alert of the rule that dropped the packet"),
    {.path = TYPES ".drop.flows",
     .type = CFG_KEY_STRING,
     CFG_NOWHERE,
     .def = "start",
     .help = "start: one record per direction of a dropped flow; all: every dropped packet"},
    OPTION_ROW("drop.verdict", "no", "add the packet's final verdict (verdict.action)"),
    TYPE_ROW("dns", EVE_TYPE_DNS, "dns records: one per DNS message (version 3 format)"),
    OPTION_ROW("dns.requests", "yes", "log DNS requests"),
    OPTION_ROW("dns.responses", "yes", "log DNS responses"),
    TYPE_ROW("http", EVE_TYPE_HTTP, "http records: one per HTTP/1 request and its response"),
    TYPE_ROW("tls", EVE_TYPE_TLS, "tls records: one per TLS session's handshake"),
    TYPE_ROW("files", EVE_TYPE_FILES, "fileinfo records: one per file a transaction carried"),
};

static void
defaults(void *conf)
{
    EveConfig *ec = conf;

    /* No outputs: no EVE. The built-in configuration lists one eve-log. */
    memset(ec, 0, sizeof(*ec));
    snprintf(ec->filename, sizeof(ec->filename), "eve.json"); /* fits any size > 8 */
}

static SkResult
load(const CfgNode *root, const CfgTable *t, void *conf)
{
    EveConfig *ec = conf;
    const CfgNode *outputs = cfg_find(root, "outputs");
    char at_text[24];
    const char *const fill[] = {at_text};
    char base[CFG_PATH_MAX];
    size_t at;

    if (outputs == NULL) {
        const char *s;
        return cfg_get_str(root, "outputs", &s); /* absent, or under a value (none at top) */
    }
    if (cfg_type(outputs) == CFG_SCALAR && cfg_scalar(outputs)[0] == '\0') {
        ec->enabled = false; /* "outputs:" with nothing under it: no outputs at all */
        return SK_OK;
    }
    if (cfg_type(outputs) != CFG_SEQ) {
        log_error("config: outputs: not a list of outputs (- eve-log: ...)");
        return SK_ERR_CONFIG;
    }
    for (at = 0; at < cfg_child_count(outputs); at++) {
        const CfgNode *e = cfg_child(outputs, at);
        if (cfg_type(e) == CFG_MAP && cfg_child_count(e) > 0
            && strcmp(cfg_child_key(e, 0), "eve-log") == 0) {
            break;
        }
    }
    if (at == cfg_child_count(outputs)) {
        ec->enabled = false;
        return SK_OK;
    }
    snprintf(at_text, sizeof(at_text), "%zu", at);
    if (!cfg_path_fill(base, EVE, fill, 1)) {
        return SK_ERR_CONFIG;
    }
    if (cfg_type(cfg_find(root, base)) == CFG_SEQ
        || (cfg_type(cfg_find(root, base)) == CFG_SCALAR
            && cfg_scalar(cfg_find(root, base))[0] != '\0')) {
        log_error("config: %s: not a map of eve-log settings", base);
        return SK_ERR_CONFIG;
    }
    /* An eve-log given in the file replaces the built-in types entirely. */
    ec->enabled = true;
    eve_config_types_default(ec);
    return cfg_table_read(root, t, EVE, fill, 1, ec);
}

CFG_TABLE(eve_settings, "eve", rows, defaults, load);

/* --- fast.log: outputs.N.fast, the first such entry --- */

#define FAST "outputs.*.fast"

static const CfgKey fast_rows[] = {
    {.path = FAST ".enabled",
     .type = CFG_KEY_BOOL,
     CFG_FIELD(FastLogConfig, enabled),
     .def = "no",
     .help = "write fast.log (an entry without enabled: yes is off, as in Suricata)"},
    {.path = FAST ".filename",
     .type = CFG_KEY_STRBUF,
     CFG_FIELD(FastLogConfig, filename),
     .def = "fast.log",
     .help = "file name, relative to the log directory"},
    {.path = FAST ".append",
     .type = CFG_KEY_BOOL,
     CFG_FIELD(FastLogConfig, append),
     .def = "yes",
     .help = "append to the file (no: empty it at start)"},
};

static void
fast_defaults(void *conf)
{
    FastLogConfig *fc = conf;

    memset(fc, 0, sizeof(*fc));
    fc->append = true;
    snprintf(fc->filename, sizeof(fc->filename), "fast.log");
}

static SkResult
fast_load(const CfgNode *root, const CfgTable *t, void *conf)
{
    const CfgNode *outputs = cfg_find(root, "outputs");
    char at_text[24];
    const char *const fill[] = {at_text};
    char base[CFG_PATH_MAX];
    const CfgNode *n;
    size_t at;

    /* A missing or malformed outputs: is the eve table's to report, once. */
    if (outputs == NULL || cfg_type(outputs) != CFG_SEQ) {
        return SK_OK;
    }
    for (at = 0; at < cfg_child_count(outputs); at++) {
        const CfgNode *e = cfg_child(outputs, at);
        if (cfg_type(e) == CFG_MAP && cfg_child_count(e) > 0
            && strcmp(cfg_child_key(e, 0), "fast") == 0) {
            break;
        }
    }
    if (at == cfg_child_count(outputs)) {
        return SK_OK;
    }
    snprintf(at_text, sizeof(at_text), "%zu", at);
    if (!cfg_path_fill(base, FAST, fill, 1)) {
        return SK_ERR_CONFIG;
    }
    n = cfg_find(root, base);
    if (cfg_type(n) == CFG_SEQ || (cfg_type(n) == CFG_SCALAR && cfg_scalar(n)[0] != '\0')) {
        log_error("config: %s: not a map of fast settings", base);
        return SK_ERR_CONFIG;
    }
    return cfg_table_read(root, t, FAST, fill, 1, conf);
}

CFG_TABLE(fastlog_settings, "fast", fast_rows, fast_defaults, fast_load);
