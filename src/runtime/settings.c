/* settings.c: from the YAML tree to the RunConfig. Every key read here is a suricata.yaml key
 * with the same meaning, and every one is type- and range-checked whether or not the run will
 * use it, so -T judges a file the same way a capture run does. The first wrong value stops
 * loading: one line naming the key by its full path, SK_ERR_CONFIG, exit status 1. The table
 * of key patterns at the top is what -v compares the file against to list the settings
 * sekimori ignores; docs/configuration.md lists the same keys, and tests/config checks that
 * every key it documents is read, checked and not reported as ignored. */
#include "runtime/runtime.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"

/* The most worker threads a run may have: --threads' bound too (main.c). Past a thousand
 * threads, a run is a typo (detect-thread-ratio: 100000), not a machine. */
#define WORKERS_MAX 1024

/* Key paths the engine reads. A component "*" matches any one component (a list index, a
 * logger type); a pattern ending in "." matches every key under it. */
static const char *const used_keys[] = {
    "vars.address-groups.",
    "vars.port-groups.",
    "default-log-dir",
    "stats.enabled",
    "stats.interval",
    "outputs.*.eve-log.enabled",
    "outputs.*.eve-log.filetype",
    "outputs.*.eve-log.filename",
    "outputs.*.eve-log.community-id",
    "outputs.*.eve-log.community-id-seed",
    "outputs.*.eve-log.ethernet",
    "outputs.*.eve-log.types.*",
    "outputs.*.eve-log.types.*.*.enabled",
    "outputs.*.eve-log.types.*.anomaly.types.decode",
    "outputs.*.eve-log.types.*.anomaly.types.stream",
    "outputs.*.eve-log.types.*.anomaly.types.applayer",
    "outputs.*.eve-log.types.*.anomaly.packethdr",
    "outputs.*.eve-log.types.*.stats.totals",
    "outputs.*.eve-log.types.*.stats.threads",
    "outputs.*.eve-log.types.*.stats.deltas",
    "outputs.*.eve-log.types.*.stats.null-values",
    "flow.memcap",
    "flow.hash-size",
    "flow.prealloc",
    "flow.emergency-recovery",
    "threading.detect-thread-ratio",
    "threading.set-cpu-affinity",
    "decoder.teredo.enabled",
    "decoder.teredo.ports",
    "decoder.teredo.ports.*",
    "decoder.vxlan.enabled",
    "decoder.vxlan.ports",
    "decoder.vxlan.ports.*",
    "decoder.geneve.enabled",
    "decoder.geneve.ports",
    "decoder.geneve.ports.*",
    "decoder.max-layers",
    "decoder.recursion-level.use-for-tracking",
    "vlan.use-for-tracking",
    "runmode",
    "pcap.*.interface",
    "pcap.*.snaplen",
    "pcap.*.promisc",
    "pcap.*.buffer-size",
    "pcap.*.bpf-filter",
    "pcap-file.checksum-checks",
};

static const char *const timeout_protos[FLOW_PROTO_MAX] = {
    [FLOW_PROTO_TCP] = "tcp",
    [FLOW_PROTO_UDP] = "udp",
    [FLOW_PROTO_ICMP] = "icmp",
    [FLOW_PROTO_DEFAULT] = "default",
};

/* flow-timeouts.<proto>.<name>. The bypassed ones are read and checked so that a
 * suricata.yaml keeps meaning the same thing, but sekimori bypasses nothing yet, so no flow
 * is ever in that state: their values have nowhere to go (flow.h has no field for them). */
static const char *const timeout_names[] = {
    "new", "established", "closed", "bypassed",
    "emergency-new", "emergency-established", "emergency-closed", "emergency-bypassed",
};
#define TIMEOUT_NAME_CNT (sizeof(timeout_names) / sizeof(timeout_names[0]))

/* Does the dotted path key match pattern (see used_keys)? */
static bool
key_matches(const char *key, const char *pattern)
{
    for (;;) {
        const char *pdot = strchr(pattern, '.');
        const char *kdot = strchr(key, '.');
        size_t plen = pdot != NULL ? (size_t)(pdot - pattern) : strlen(pattern);
        size_t klen = kdot != NULL ? (size_t)(kdot - key) : strlen(key);
        if (!(plen == 1 && pattern[0] == '*')
            && (plen != klen || strncmp(key, pattern, plen) != 0)) {
            return false;
        }
        if (pdot == NULL) {
            return kdot == NULL;
        }
        if (pdot[1] == '\0') {
            return kdot != NULL; /* "a.b.": anything under a.b */
        }
        if (kdot == NULL) {
            return false;
        }
        pattern = pdot + 1;
        key = kdot + 1;
    }
}

bool
runtime_config_key_used(const char *key_path)
{
    static const char prefix[] = "flow-timeouts.";

    for (size_t i = 0; i < sizeof(used_keys) / sizeof(used_keys[0]); i++) {
        if (key_matches(key_path, used_keys[i])) {
            return true;
        }
    }
    if (strncmp(key_path, prefix, sizeof(prefix) - 1) == 0) {
        const char *proto = key_path + sizeof(prefix) - 1;
        const char *dot = strchr(proto, '.');
        for (unsigned p = 0; dot != NULL && p < FLOW_PROTO_MAX; p++) {
            if (strlen(timeout_protos[p]) != (size_t)(dot - proto)
                || strncmp(proto, timeout_protos[p], (size_t)(dot - proto)) != 0) {
                continue;
            }
            for (size_t k = 0; k < TIMEOUT_NAME_CNT; k++) {
                if (strcmp(dot + 1, timeout_names[k]) == 0) {
                    return true;
                }
            }
        }
    }
    return false;
}

/* ---- helpers ---- */

/* A key path built from parts, in a caller's buffer of KEY_LEN. The parts are sekimori's own
 * key names and list indexes, so 160 bytes always suffice; a path that did not fit would be a
 * bug here, and it is still caught rather than looked up cut short. */
#define KEY_LEN 160

static bool
key_fmt(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool
key_fmt(char *buf, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, KEY_LEN, fmt, ap);
    va_end(ap);
    if (n < 0 || n >= KEY_LEN) {
        log_error("config: internal error: key path '%.40s...' too long", buf);
        return false;
    }
    return true;
}

/* Copies a string setting into a fixed field; a value that does not fit is refused, never cut. */
static SkResult
copy_setting(char *dst, size_t size, const char *src, const char *key)
{
    int n = snprintf(dst, size, "%s", src);

    if (n < 0 || (size_t)n >= size) {
        log_error("config: %s: longer than %zu bytes", key, size - 1);
        dst[0] = '\0';
        return SK_ERR_CONFIG;
    }
    return SK_OK;
}

static SkResult
get_u32(const CfgNode *root, const char *key, uint32_t min, uint32_t *out)
{
    int64_t v = *out;
    SkResult r = cfg_get_int(root, key, min, UINT32_MAX, &v);

    if (r == SK_OK) {
        *out = (uint32_t)v;
    }
    return r;
}

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

/* ---- ports ---- */

#define PORT_HINT "a port number from 0 to 65535, a list [4789, 8472] or a $VARIABLE of " \
                  "vars.port-groups"
#define PORT_VAR_DEPTH 8 /* $A naming $B naming ...: deeper is a loop */

/* One port expression as Suricata's decoders take it: "4789", "[4789, 8472]" or "$NAME", whose
 * value in vars.port-groups is read the same way. Each element is checked strictly (no
 * "1234abc"); the first port is the one sekimori's decoders use (one port per tunnel type).
 * *first is set once. An undefined variable keeps the default, as Suricata's decoders do. */
static bool
port_text(const CfgNode *root, const char *text, int depth, bool *have, uint16_t *first)
{
    const char *p = text;
    bool list = false;

    while (*p == ' ') {
        p++;
    }
    if (*p == '[') {
        list = true;
        p++;
    }
    for (;;) {
        char item[64];
        size_t len;
        while (*p == ' ') {
            p++;
        }
        len = strcspn(p, list ? ",]" : "");
        while (len > 0 && p[len - 1] == ' ') {
            len--;
        }
        if (len == 0 || len >= sizeof(item)) {
            return false;
        }
        memcpy(item, p, len);
        item[len] = '\0';
        if (item[0] == '$') {
            char key[KEY_LEN];
            const char *val;
            if (depth >= PORT_VAR_DEPTH || !key_fmt(key, "vars.port-groups.%s", item + 1)) {
                return false;
            }
            val = cfg_scalar(cfg_find(root, key));
            if (val != NULL && !port_text(root, val, depth + 1, have, first)) {
                return false;
            }
        } else {
            uint64_t v;
            if (!cfg_parse_uint(item, 65535, &v)) {
                return false;
            }
            if (!*have) {
                *first = (uint16_t)v;
                *have = true;
            }
        }
        p += strcspn(p, list ? ",]" : "");
        if (!list) {
            return true;
        }
        if (*p == ']') {
            p++;
            while (*p == ' ') {
                p++;
            }
            return *p == '\0';
        }
        if (*p != ',') {
            return false; /* "[1, 2" */
        }
        p++;
    }
}

static SkResult
get_ports(const CfgNode *root, const char *key, uint16_t *out)
{
    const CfgNode *n = cfg_find(root, key);
    bool have = false;
    uint16_t first = *out;

    if (n == NULL) {
        return SK_OK;
    }
    if (cfg_type(n) == CFG_MAP) {
        log_error("config: %s: '<map>' is not a port (%s)", key, PORT_HINT);
        return SK_ERR_CONFIG;
    }
    if (cfg_type(n) == CFG_SCALAR) {
        const char *s = NULL;
        if (cfg_get_str(root, key, &s) != SK_OK) {
            return SK_ERR_CONFIG;
        }
        if (s != NULL && !port_text(root, s, 0, &have, &first)) {
            log_error("config: %s: '%s' is not a port (%s)", key, s, PORT_HINT);
            return SK_ERR_CONFIG;
        }
    } else {
        for (size_t i = 0; i < cfg_child_count(n); i++) {
            const char *s = cfg_scalar(cfg_child(n, i));
            if (s == NULL || !port_text(root, s, 0, &have, &first)) {
                log_error("config: %s.%zu: '%s' is not a port (%s)", key, i,
                          s != NULL ? s : "<map or list>", PORT_HINT);
                return SK_ERR_CONFIG;
            }
        }
    }
    *out = first;
    return SK_OK;
}

/* ---- sections ---- */

/* vars.address-groups and vars.port-groups: maps of names to one scalar each, kept for the
 * rules (there is no rule engine yet, but a file that would break it fails now, not later). */
static SkResult
check_vars(const CfgNode *root)
{
    static const char *const groups[] = {"vars.address-groups", "vars.port-groups"};

    for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
        const CfgNode *m = cfg_find(root, groups[g]);
        const char *text;
        if (m == NULL && cfg_get_str(root, groups[g], &text) != SK_OK) {
            return SK_ERR_CONFIG; /* `vars: abc`: vars is not a map */
        }
        if (m == NULL || cfg_scalar(m) != NULL) {
            if (m != NULL && cfg_scalar(m)[0] != '\0') {
                log_error("config: %s: '%s' is not a map of NAME: value", groups[g],
                          cfg_scalar(m));
                return SK_ERR_CONFIG;
            }
            continue; /* absent or null */
        }
        if (cfg_type(m) != CFG_MAP) {
            log_error("config: %s: '<list>' is not a map of NAME: value", groups[g]);
            return SK_ERR_CONFIG;
        }
        for (size_t i = 0; i < cfg_child_count(m); i++) {
            if (cfg_type(cfg_child(m, i)) != CFG_SCALAR) {
                log_error("config: %s.%s: '%s' is not a string (one address or port "
                          "expression, quoted if it starts with [ or !)", groups[g],
                          cfg_child_key(m, i),
                          cfg_type(cfg_child(m, i)) == CFG_MAP ? "<map>" : "<list>");
                return SK_ERR_CONFIG;
            }
        }
    }
    return SK_OK;
}

static SkResult
load_timeouts(const CfgNode *root, FlowConfig *fc)
{
    char key[KEY_LEN];

    for (unsigned i = 0; i < FLOW_PROTO_MAX; i++) {
        FlowTimeouts *t = &fc->timeouts[i];
        uint32_t bypassed = 0;
        uint32_t *dst[TIMEOUT_NAME_CNT] = {
            &t->new_s, &t->established_s, &t->closed_s, &bypassed,
            &t->emerg_new_s, &t->emerg_established_s, &t->emerg_closed_s, &bypassed,
        };
        for (size_t k = 0; k < TIMEOUT_NAME_CNT; k++) {
            if (!key_fmt(key, "flow-timeouts.%s.%s", timeout_protos[i], timeout_names[k])
                || get_u32(root, key, 0, dst[k]) != SK_OK) {
                return SK_ERR_CONFIG;
            }
        }
    }
    return SK_OK;
}

/* One `types:` entry: a name (`- flow`), or a name with its options map (`- anomaly:
 * {enabled: yes, ...}`, has_opts), read by full path. */
static SkResult
load_eve_type(const CfgNode *root, const char *tkey, const char *name, bool has_opts,
              EveConfig *ec)
{
    char key[KEY_LEN];
    bool on = true;
    const CfgNode *opts = NULL;

    if (!key_fmt(key, "%s.%s", tkey, name)) {
        return SK_ERR_CONFIG;
    }
    if (has_opts) {
        opts = cfg_find(root, key);
    }
    if (opts != NULL && (cfg_type(opts) == CFG_SEQ || (cfg_type(opts) == CFG_SCALAR
                                                       && cfg_scalar(opts)[0] != '\0'))) {
        log_error("config: %s: '%s' is not a map of options (enabled: yes, ...)", key,
                  cfg_type(opts) == CFG_SEQ ? "<list>" : cfg_scalar(opts));
        return SK_ERR_CONFIG;
    }
    if (has_opts && (!key_fmt(key, "%s.%s.enabled", tkey, name)
                     || cfg_get_bool(root, key, &on) != SK_OK)) {
        return SK_ERR_CONFIG;
    }
    struct {
        const char *sub;
        bool *dst;
    } opt[4] = {{NULL, NULL}};
    if (strcmp(name, "flow") == 0) {
        ec->flow = on;
    } else if (strcmp(name, "netflow") == 0) {
        ec->netflow = on;
    } else if (strcmp(name, "anomaly") == 0) {
        ec->anomaly = on;
        opt[0].sub = "types.decode", opt[0].dst = &ec->anomaly_decode;
        opt[1].sub = "types.stream", opt[1].dst = &ec->anomaly_stream;
        opt[2].sub = "types.applayer", opt[2].dst = &ec->anomaly_applayer;
        opt[3].sub = "packethdr", opt[3].dst = &ec->packethdr;
    } else if (strcmp(name, "stats") == 0) {
        ec->stats = on;
        opt[0].sub = "totals", opt[0].dst = &ec->stats_totals;
        opt[1].sub = "threads", opt[1].dst = &ec->stats_threads;
        opt[2].sub = "deltas", opt[2].dst = &ec->stats_deltas;
        opt[3].sub = "null-values", opt[3].dst = &ec->stats_null_values;
    }
    for (size_t i = 0; has_opts && i < 4 && opt[i].sub != NULL; i++) {
        if (!key_fmt(key, "%s.%s.%s", tkey, name, opt[i].sub)
            || cfg_get_bool(root, key, opt[i].dst) != SK_OK) {
            return SK_ERR_CONFIG;
        }
    }
    return SK_OK;
}

/* outputs: - eve-log: {enabled, filename, types: [...]}. Keys are read by their full path
 * (outputs.0.eve-log.enabled), so a message names the key a user can find in the file. */
static SkResult
load_eve(const CfgNode *root, EveConfig *ec)
{
    const CfgNode *outputs = cfg_find(root, "outputs");
    const CfgNode *types;
    char base[KEY_LEN], key[KEY_LEN];
    const char *s;
    size_t at;
    int64_t seed = 0;

    if (outputs == NULL) {
        return SK_OK;
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
    if (!key_fmt(base, "outputs.%zu.eve-log", at)) {
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
    ec->flow = ec->netflow = ec->anomaly = ec->stats = ec->packethdr = false;
    ec->anomaly_decode = ec->anomaly_stream = false;
    ec->anomaly_applayer = true;
    ec->stats_totals = true;
    ec->stats_null_values = true;
    s = NULL;
    if (!key_fmt(key, "%s.enabled", base) || cfg_get_bool(root, key, &ec->enabled) != SK_OK
        || !key_fmt(key, "%s.filename", base) || cfg_get_str(root, key, &s) != SK_OK
        || (s != NULL && copy_setting(ec->filename, sizeof(ec->filename), s, key) != SK_OK)
        || !key_fmt(key, "%s.community-id", base)
        || cfg_get_bool(root, key, &ec->community_id) != SK_OK
        || !key_fmt(key, "%s.ethernet", base) || cfg_get_bool(root, key, &ec->ethernet) != SK_OK
        || !key_fmt(key, "%s.community-id-seed", base)
        || cfg_get_int(root, key, 0, UINT16_MAX, &seed) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    ec->community_id_seed = (uint16_t)seed;
    s = NULL;
    if (!key_fmt(key, "%s.filetype", base) || cfg_get_str(root, key, &s) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    if (s != NULL && strcmp(s, "regular") != 0 && strcmp(s, "file") != 0) {
        log_warn("config: %s: '%s' is not supported yet; writing a regular file", key, s);
    }
    if (!key_fmt(key, "%s.types", base)) {
        return SK_ERR_CONFIG;
    }
    types = cfg_find(root, key);
    if (types == NULL || (cfg_type(types) == CFG_SCALAR && cfg_scalar(types)[0] == '\0')) {
        return SK_OK;
    }
    if (cfg_type(types) != CFG_SEQ) {
        log_error("config: %s: not a list of event types (- flow, - anomaly: ...)", key);
        return SK_ERR_CONFIG;
    }
    for (size_t i = 0; i < cfg_child_count(types); i++) {
        const CfgNode *t = cfg_child(types, i);
        char tkey[KEY_LEN];
        const char *name;
        if (!key_fmt(tkey, "%s.%zu", key, i)) {
            return SK_ERR_CONFIG;
        }
        if (cfg_type(t) == CFG_SCALAR) {
            name = cfg_scalar(t);
        } else if (cfg_type(t) == CFG_MAP && cfg_child_count(t) > 0) {
            name = cfg_child_key(t, 0);
        } else {
            log_error("config: %s: not an event type (a name, or one name with a map of its "
                      "options)", tkey);
            return SK_ERR_CONFIG;
        }
        if (name[0] == '\0') {
            continue; /* "- " with nothing: an empty entry, as Suricata skips it */
        }
        if (load_eve_type(root, tkey, name, cfg_type(t) == CFG_MAP, ec) != SK_OK) {
            return SK_ERR_CONFIG;
        }
    }
    return SK_OK;
}

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

/* Reads pcap.<at>.* into lc; with lc NULL, only checks them. */
static SkResult
load_pcap_entry(const CfgNode *root, size_t at, CaptureLiveConfig *lc)
{
    CaptureLiveConfig scratch = {.promisc = true};
    char key[KEY_LEN];
    const char *name = NULL;
    int64_t snaplen = 0, buffer = 0;

    if (lc == NULL) {
        lc = &scratch;
    }
    if (!key_fmt(key, "pcap.%zu", at)) {
        return SK_ERR_CONFIG;
    }
    if (cfg_type(cfg_find(root, key)) != CFG_MAP) {
        log_error("config: %s: not a map of capture settings (- interface: eth0 ...)", key);
        return SK_ERR_CONFIG;
    }
    if (!key_fmt(key, "pcap.%zu.interface", at) || cfg_get_str(root, key, &name) != SK_OK
        || !key_fmt(key, "pcap.%zu.snaplen", at)
        || cfg_get_int(root, key, 0, 262144, &snaplen) != SK_OK
        || !key_fmt(key, "pcap.%zu.buffer-size", at)
        || cfg_get_int(root, key, 0, INT32_MAX, &buffer) != SK_OK
        || !key_fmt(key, "pcap.%zu.promisc", at) || cfg_get_bool(root, key, &lc->promisc) != SK_OK
        || !key_fmt(key, "pcap.%zu.bpf-filter", at)
        || cfg_get_str(root, key, &lc->bpf_filter) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    lc->snaplen = (uint32_t)snaplen;
    lc->buffer_size = (uint32_t)buffer;
    return SK_OK;
}

/* Checks every `pcap:` entry, then takes the settings for iface: its entry, else the one named
 * `default`; with iface NULL (a capture file, or --pcap alone) the first that names a real
 * interface, which is the one --pcap alone captures on. */
static SkResult
load_pcap(const CfgNode *root, const char *iface, CaptureLiveConfig *lc)
{
    const CfgNode *list = cfg_find(root, "pcap");
    const CfgNode *e;
    size_t at = 0;

    lc->snaplen = 0;
    lc->promisc = true;
    lc->buffer_size = 0;
    lc->bpf_filter = NULL;
    if (list == NULL || (cfg_type(list) == CFG_SCALAR && cfg_scalar(list)[0] == '\0')) {
        return SK_OK;
    }
    if (cfg_type(list) != CFG_SEQ) {
        log_error("config: pcap: not a list of interfaces (- interface: eth0 ...)");
        return SK_ERR_CONFIG;
    }
    for (size_t i = 0; i < cfg_child_count(list); i++) {
        if (load_pcap_entry(root, i, NULL) != SK_OK) {
            return SK_ERR_CONFIG;
        }
    }
    e = pcap_entry(root, iface, &at);
    if (e == NULL) {
        e = pcap_entry(root, "default", &at);
    }
    return e != NULL ? load_pcap_entry(root, at, lc) : SK_OK;
}

/* threading.detect-thread-ratio: a positive ratio, as Suricata takes it (a float, times the
 * CPUs online, at least one worker), whose workers stay within WORKERS_MAX. */
static SkResult
load_threads(RunConfig *rc, const CfgNode *root, unsigned threads_cli)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    double ratio = 1.0;
    double t;
    bool affinity = false;

    if (cores < 1) {
        cores = 1;
    }
    if (cfg_get_bool(root, "threading.set-cpu-affinity", &affinity) != SK_OK
        || cfg_get_double(root, "threading.detect-thread-ratio", &ratio) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    t = ratio * (double)cores;
    if (!(ratio > 0.0)) {
        log_error("config: threading.detect-thread-ratio: '%g' is not a ratio above 0 (worker "
                  "threads per CPU, for example 1.5)", ratio);
        return SK_ERR_CONFIG;
    }
    if (t >= WORKERS_MAX + 1.0) {
        log_error("config: threading.detect-thread-ratio: %g times %ld CPUs is more than %d "
                  "worker threads; lower the ratio or give --threads", ratio, cores, WORKERS_MAX);
        return SK_ERR_CONFIG;
    }
    if (threads_cli > WORKERS_MAX) {
        log_error("--threads: %u is more than %d worker threads", threads_cli, WORKERS_MAX);
        return SK_ERR_CONFIG;
    }
    rc->threads = threads_cli > 0 ? threads_cli : (t < 1.0 ? 1 : (unsigned)t);
    return SK_OK;
}

/* flow.c does not export its table layout, so this mirrors it: each worker's table has a
 * power-of-two array of bucket heads for its share of flow.hash-size, and flows come in chunks
 * of FLOW_CHUNK_FLOWS (flow.c's FLOW_CHUNK), each charged whole to the worker's share of
 * flow.memcap, MAC sets too when they are kept. A table that cannot hold its buckets and one
 * chunk can never hold a flow: every packet would enter emergency mode. The chunk header is
 * counted as 64 bytes, more than it is, so the check errs on the side of refusing a memcap
 * within bytes of the edge. Keep in step with flow_table_new() in src/flow/flow.c. */
#define FLOW_CHUNK_FLOWS 1024
#define FLOW_CHUNK_HEADER 64

static uint64_t
pow2_at_least(uint64_t v)
{
    uint64_t r = 1;

    while (r < v && r < (1u << 30)) {
        r <<= 1;
    }
    return r;
}

static SkResult
check_flow_memory(const FlowConfig *fc, unsigned workers)
{
    uint64_t share = fc->memcap / workers;
    uint64_t hash_share = fc->hash_size / workers > 0 ? fc->hash_size / workers : 1;
    uint64_t buckets = pow2_at_least(hash_share) * sizeof(Flow *);
    uint64_t chunk = FLOW_CHUNK_FLOWS * (sizeof(Flow) + (fc->track_macs ? sizeof(FlowMacs) : 0))
                     + FLOW_CHUNK_HEADER;
    uint64_t prealloc_share = fc->prealloc / workers;
    uint64_t chunks = (prealloc_share + FLOW_CHUNK_FLOWS - 1) / FLOW_CHUNK_FLOWS;
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
                      size_text(fc->memcap, a, sizeof(a)), FLOW_CHUNK_FLOWS,
                      size_text(buckets + chunk, b, sizeof(b)));
        } else {
            log_error("config: flow.memcap: %s over %u worker threads leaves %s each, less than "
                      "one worker's flow table needs (%s: its share of flow.hash-size and %u "
                      "flows); use fewer threads or raise flow.memcap",
                      size_text(fc->memcap, a, sizeof(a)), workers,
                      size_text(share, b, sizeof(b)), size_text(buckets + chunk, c, sizeof(c)),
                      FLOW_CHUNK_FLOWS);
        }
        return SK_ERR_CONFIG;
    }
    if (buckets + chunks * chunk > share) {
        log_error("config: flow.prealloc: %u flows do not fit flow.memcap %s (%s needed%s); "
                  "lower flow.prealloc or raise flow.memcap", fc->prealloc,
                  size_text(fc->memcap, a, sizeof(a)),
                  size_text((buckets + chunks * chunk) * workers, b, sizeof(b)),
                  workers > 1 ? " over all worker threads" : "");
        return SK_ERR_CONFIG;
    }
    return SK_OK;
}

static SkResult
load_flow(RunConfig *rc, const CfgNode *root)
{
    FlowConfig *fc = &rc->flow;

    if (cfg_get_size(root, "flow.memcap", &fc->memcap) != SK_OK
        || get_u32(root, "flow.hash-size", 1, &fc->hash_size) != SK_OK
        || get_u32(root, "flow.prealloc", 0, &fc->prealloc) != SK_OK
        || load_timeouts(root, fc) != SK_OK
        || cfg_get_bool(root, "vlan.use-for-tracking", &fc->vlan_tracking) != SK_OK
        || cfg_get_bool(root, "decoder.recursion-level.use-for-tracking",
                        &fc->recursion_tracking) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    /* Suricata needs at least one percent to come back; over 100 could never be reached. */
    int64_t rec = fc->emergency_recovery;
    if (cfg_get_int(root, "flow.emergency-recovery", 1, 100, &rec) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    fc->emergency_recovery = (uint32_t)rec;
    return SK_OK;
}

static SkResult
load_decoder(RunConfig *rc, const CfgNode *root)
{
    int64_t layers = rc->decode.max_layers;

    if (cfg_get_bool(root, "decoder.teredo.enabled", &rc->decode.teredo_enabled) != SK_OK
        || get_ports(root, "decoder.teredo.ports", &rc->decode.teredo_port) != SK_OK
        || cfg_get_bool(root, "decoder.vxlan.enabled", &rc->decode.vxlan_enabled) != SK_OK
        || get_ports(root, "decoder.vxlan.ports", &rc->decode.vxlan_port) != SK_OK
        || cfg_get_bool(root, "decoder.geneve.enabled", &rc->decode.geneve_enabled) != SK_OK
        || get_ports(root, "decoder.geneve.ports", &rc->decode.geneve_port) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    /* decoder.max-layers bounds the layers decoded in one packet (decoder.too_many_layers past
     * it); tunnel nesting has its own, lower cap (PKT_TUNNEL_DEPTH_MAX). */
    if (cfg_get_int(root, "decoder.max-layers", 1, 255, &layers) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    rc->decode.max_layers = (uint8_t)layers;
    return SK_OK;
}

/* pcap-file.checksum-checks: "auto" or a boolean, as Suricata reads it. Checked, not acted on
 * yet: sekimori validates no checksums when reading files. */
static SkResult
check_pcap_file(const CfgNode *root)
{
    const char *s = NULL;
    bool b;

    if (cfg_get_str(root, "pcap-file.checksum-checks", &s) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    if (s != NULL && strcmp(s, "auto") != 0 && !cfg_parse_bool(s, &b)) {
        log_error("config: pcap-file.checksum-checks: '%s' is not auto, yes or no", s);
        return SK_ERR_CONFIG;
    }
    return SK_OK;
}

SkResult
runtime_config_load(RunConfig *rc, const CfgNode *root, unsigned threads_cli)
{
    const char *s = NULL;
    unsigned tables;

    decode_config_default(&rc->decode);
    flow_config_default(&rc->flow);
    memset(&rc->eve, 0, sizeof(rc->eve));
    snprintf(rc->eve.filename, sizeof(rc->eve.filename), "eve.json"); /* fits any size > 8 */
    rc->stats_enabled = true;
    rc->stats_interval_s = 8;

    if (check_vars(root) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    if (cfg_get_str(root, "default-log-dir", &s) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    if (rc->log_dir[0] == '\0'
        && copy_setting(rc->log_dir, sizeof(rc->log_dir), s != NULL ? s : ".",
                        "default-log-dir") != SK_OK) {
        return SK_ERR_CONFIG;
    }
    if (load_eve(root, &rc->eve) != SK_OK
        || cfg_get_bool(root, "stats.enabled", &rc->stats_enabled) != SK_OK
        || get_u32(root, "stats.interval", 0, &rc->stats_interval_s) != SK_OK
        || load_flow(rc, root) != SK_OK || load_decoder(rc, root) != SK_OK
        || check_pcap_file(root) != SK_OK
        || load_pcap(root, rc->live_iface, &rc->live) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    s = NULL;
    if (cfg_get_str(root, "runmode", &s) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    if (s != NULL && !runmode_parse(s, &rc->runmode)) {
        log_error("config: runmode: '%s' is not one of single, autofp, workers", s);
        return SK_ERR_CONFIG;
    }
    if (load_threads(rc, root, threads_cli) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    /* Flows keep their MAC addresses only when a record will show them. */
    rc->flow.track_macs = rc->eve.enabled && rc->eve.ethernet && (rc->eve.flow || rc->eve.netflow);
    /* One flow table per worker; single runs one (runtime_run). */
    tables = rc->runmode == RUNMODE_SINGLE ? 1 : rc->threads;
    return check_flow_memory(&rc->flow, tables);
}
