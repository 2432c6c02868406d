/* settings.c: from the YAML tree to the RunConfig. Every key read here is a suricata.yaml key
 * with the same meaning; the table of keys at the top is also what -v compares the file
 * against to list the settings sekimori ignores. */
#include "runtime/runtime.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"

/* Prefixes of the key paths the engine reads ("outputs.*.eve-log" covers the whole logger). */
static const char *const used_keys[] = {
    "vars.",
    "default-log-dir",
    "outputs.",
    "stats.enabled",
    "stats.interval",
    "flow.memcap",
    "flow.hash-size",
    "flow.prealloc",
    "flow.emergency-recovery",
    "flow-timeouts.",
    "threading.detect-thread-ratio",
    "decoder.teredo.",
    "decoder.vxlan.",
    "decoder.geneve.",
    "decoder.max-layers",
    "runmode",
    "pcap.",
    "vlan.use-for-tracking",
    "decoder.recursion-level.use-for-tracking",
};

bool
runtime_config_key_used(const char *key_path)
{
    for (size_t i = 0; i < sizeof(used_keys) / sizeof(used_keys[0]); i++) {
        size_t n = strlen(used_keys[i]);
        if (strncmp(key_path, used_keys[i], n) == 0
            && (used_keys[i][n - 1] == '.' || key_path[n] == '\0' || key_path[n] == '.')) {
            if (strncmp(key_path, "outputs.", 8) == 0) {
                /* Only the eve-log output is implemented. */
                return strstr(key_path, ".eve-log") != NULL;
            }
            return true;
        }
    }
    return false;
}

static SkResult
get_u32(const CfgNode *root, const char *key, uint32_t *out)
{
    int64_t v = *out;
    SkResult r = cfg_get_int(root, key, 0, UINT32_MAX, &v);
    if (r == SK_OK) {
        *out = (uint32_t)v;
    }
    return r;
}

static SkResult
get_port(const CfgNode *root, const char *key, uint16_t *out)
{
    const CfgNode *n = cfg_find(root, key);
    const char *s;
    unsigned v;
    if (n == NULL) {
        return SK_OK;
    }
    /* "ports" may be a number, a string "4789", or a list "[4789, 8472]": the first counts. */
    s = cfg_type(n) == CFG_SCALAR ? cfg_scalar(n) : NULL;
    if (s == NULL && cfg_type(n) == CFG_SEQ && cfg_child_count(n) > 0) {
        s = cfg_scalar(cfg_child(n, 0));
    }
    if (s != NULL && *s == '$') {
        return SK_OK; /* a port variable: keep the built-in default */
    }
    if (s != NULL && *s == '[') {
        s++;
    }
    if (s == NULL || sscanf(s, "%u", &v) != 1 || v > 65535) {
        log_error("config: %s: '%s' is not a port", key, s != NULL ? s : "(not a scalar)");
        return SK_ERR_CONFIG;
    }
    *out = (uint16_t)v;
    return SK_OK;
}

static SkResult
load_timeouts(const CfgNode *root, FlowConfig *fc)
{
    static const char *const proto_names[FLOW_PROTO_MAX] = {
        [FLOW_PROTO_TCP] = "tcp",
        [FLOW_PROTO_UDP] = "udp",
        [FLOW_PROTO_ICMP] = "icmp",
        [FLOW_PROTO_DEFAULT] = "default",
    };
    char key[96];
    SkResult r = SK_OK;

    for (unsigned i = 0; i < FLOW_PROTO_MAX; i++) {
        FlowTimeouts *t = &fc->timeouts[i];
        struct {
            const char *name;
            uint32_t *v;
        } f[] = {
            {"new", &t->new_s},
            {"established", &t->established_s},
            {"closed", &t->closed_s},
            {"emergency-new", &t->emerg_new_s},
            {"emergency-established", &t->emerg_established_s},
            {"emergency-closed", &t->emerg_closed_s},
        };
        for (size_t k = 0; k < sizeof(f) / sizeof(f[0]); k++) {
            snprintf(key, sizeof(key), "flow-timeouts.%s.%s", proto_names[i], f[k].name);
            if (get_u32(root, key, f[k].v) != SK_OK) {
                r = SK_ERR_CONFIG;
            }
        }
    }
    return r;
}

/* outputs: - eve-log: {enabled, filename, types: [...]} */
static SkResult
load_eve(const CfgNode *root, EveConfig *ec)
{
    const CfgNode *outputs = cfg_find(root, "outputs");
    const CfgNode *eve, *types;
    const char *s;
    SkResult r = SK_OK;

    if (outputs == NULL) {
        return SK_OK;
    }
    if (cfg_type(outputs) == CFG_SCALAR
        && (cfg_scalar(outputs) == NULL || *cfg_scalar(outputs) == '\0')) {
        ec->enabled = false; /* "outputs:" with nothing under it: no outputs at all */
        return SK_OK;
    }
    if (cfg_type(outputs) != CFG_SEQ) {
        log_error("config: outputs: not a list of outputs");
        return SK_ERR_CONFIG;
    }
    eve = cfg_seq_find_map(outputs, "eve-log");
    if (eve == NULL) {
        ec->enabled = false;
        return SK_OK;
    }
    /* An eve-log given in the file replaces the built-in types entirely. */
    ec->enabled = true;
    ec->flow = ec->netflow = ec->anomaly = ec->stats = ec->packethdr = false;
    ec->anomaly_decode = ec->anomaly_stream = false;
    ec->anomaly_applayer = true;
    ec->stats_totals = true;
    ec->stats_null_values = true;
    if (cfg_get_bool(eve, "enabled", &ec->enabled) != SK_OK) {
        r = SK_ERR_CONFIG;
    }
    s = NULL;
    if (cfg_get_str(eve, "filename", &s) != SK_OK) {
        r = SK_ERR_CONFIG;
    } else if (s != NULL) {
        snprintf(ec->filename, sizeof(ec->filename), "%s", s);
    }
    int64_t seed = 0;
    if (cfg_get_bool(eve, "community-id", &ec->community_id) != SK_OK
        || cfg_get_bool(eve, "ethernet", &ec->ethernet) != SK_OK
        || cfg_get_int(eve, "community-id-seed", 0, UINT16_MAX, &seed) != SK_OK) {
        r = SK_ERR_CONFIG;
    }
    ec->community_id_seed = (uint16_t)seed;
    s = NULL;
    if (cfg_get_str(eve, "filetype", &s) == SK_OK && s != NULL && strcmp(s, "regular") != 0
        && strcmp(s, "file") != 0) {
        log_warn("config: outputs.eve-log.filetype: '%s' is not supported yet; writing a "
                 "regular file", s);
    }
    types = cfg_find(eve, "types");
    if (types == NULL) {
        return r;
    }
    if (cfg_type(types) != CFG_SEQ) {
        log_error("config: outputs.eve-log.types: not a list");
        return SK_ERR_CONFIG;
    }
    for (size_t i = 0; i < cfg_child_count(types); i++) {
        const CfgNode *t = cfg_child(types, i);
        const char *name;
        const CfgNode *opts = NULL;
        if (cfg_type(t) == CFG_SCALAR) {
            name = cfg_scalar(t);
        } else if (cfg_type(t) == CFG_MAP && cfg_child_count(t) > 0) {
            name = cfg_child_key(t, 0);
            opts = cfg_child(t, 0);
        } else {
            continue;
        }
        bool on = true;
        if (opts != NULL && cfg_type(opts) == CFG_MAP
            && cfg_get_bool(opts, "enabled", &on) != SK_OK) {
            r = SK_ERR_CONFIG;
        }
        if (strcmp(name, "flow") == 0) {
            ec->flow = on;
        } else if (strcmp(name, "netflow") == 0) {
            ec->netflow = on;
        } else if (strcmp(name, "anomaly") == 0) {
            ec->anomaly = on;
            if (opts != NULL && cfg_type(opts) == CFG_MAP) {
                if (cfg_get_bool(opts, "types.decode", &ec->anomaly_decode) != SK_OK
                    || cfg_get_bool(opts, "packethdr", &ec->packethdr) != SK_OK
                    || cfg_get_bool(opts, "types.stream", &ec->anomaly_stream) != SK_OK
                    || cfg_get_bool(opts, "types.applayer", &ec->anomaly_applayer) != SK_OK) {
                    r = SK_ERR_CONFIG;
                }
            }
        } else if (strcmp(name, "stats") == 0) {
            ec->stats = on;
            if (opts != NULL && cfg_type(opts) == CFG_MAP) {
                if (cfg_get_bool(opts, "totals", &ec->stats_totals) != SK_OK
                    || cfg_get_bool(opts, "null-values", &ec->stats_null_values) != SK_OK
                    || cfg_get_bool(opts, "threads", &ec->stats_threads) != SK_OK
                    || cfg_get_bool(opts, "deltas", &ec->stats_deltas) != SK_OK) {
                    r = SK_ERR_CONFIG;
                }
            }
        }
    }
    return r;
}

/* The `pcap:` list's entry for iface, or (iface NULL) the first that names a real interface. */
static const CfgNode *
pcap_entry(const CfgNode *root, const char *iface)
{
    const CfgNode *list = cfg_find(root, "pcap");

    for (size_t i = 0; list != NULL && cfg_type(list) == CFG_SEQ && i < cfg_child_count(list);
         i++) {
        const CfgNode *e = cfg_child(list, i);
        const char *name = NULL;
        if (cfg_type(e) == CFG_MAP && cfg_get_str(e, "interface", &name) == SK_OK
            && name != NULL
            && (iface != NULL ? strcmp(name, iface) == 0 : strcmp(name, "default") != 0)) {
            return e;
        }
    }
    return NULL;
}

const char *
runtime_config_pcap_interface(const CfgNode *root)
{
    const CfgNode *e = pcap_entry(root, NULL);
    const char *name = NULL;

    return e != NULL && cfg_get_str(e, "interface", &name) == SK_OK ? name : NULL;
}

/* The `pcap:` settings for iface: its entry, else the one named `default`. */
static SkResult
load_pcap(const CfgNode *root, const char *iface, CaptureLiveConfig *lc)
{
    const CfgNode *list = cfg_find(root, "pcap");
    const CfgNode *e;
    SkResult r = SK_OK;
    int64_t v;

    lc->snaplen = 0;
    lc->promisc = true;
    lc->buffer_size = 0;
    lc->bpf_filter = NULL;
    if (list == NULL) {
        return SK_OK;
    }
    if (cfg_type(list) != CFG_SEQ) {
        log_error("config: pcap: not a list");
        return SK_ERR_CONFIG;
    }
    e = pcap_entry(root, iface);
    if (e == NULL) {
        e = pcap_entry(root, "default");
    }
    if (e == NULL) {
        return SK_OK;
    }
    v = 0;
    if (cfg_get_int(e, "snaplen", 0, 262144, &v) != SK_OK) {
        r = SK_ERR_CONFIG;
    }
    lc->snaplen = (uint32_t)v;
    v = 0;
    if (cfg_get_int(e, "buffer-size", 0, INT32_MAX, &v) != SK_OK) {
        r = SK_ERR_CONFIG;
    }
    lc->buffer_size = (uint32_t)v;
    if (cfg_get_bool(e, "promisc", &lc->promisc) != SK_OK
        || cfg_get_str(e, "bpf-filter", &lc->bpf_filter) != SK_OK) {
        r = SK_ERR_CONFIG;
    }
    return r;
}

SkResult
runtime_config_load(RunConfig *rc, const CfgNode *root, unsigned threads_cli)
{
    SkResult r = SK_OK;
    const char *s = NULL;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    double ratio = 1.0;
    int64_t layers = 0;

    if (cores < 1) {
        cores = 1;
    }
    decode_config_default(&rc->decode);
    flow_config_default(&rc->flow);
    memset(&rc->eve, 0, sizeof(rc->eve));
    snprintf(rc->eve.filename, sizeof(rc->eve.filename), "eve.json");
    rc->stats_enabled = true;
    rc->stats_interval_s = 8;

    if (rc->log_dir[0] == '\0') {
        if (cfg_get_str(root, "default-log-dir", &s) != SK_OK) {
            r = SK_ERR_CONFIG;
        }
        snprintf(rc->log_dir, sizeof(rc->log_dir), "%s", s != NULL ? s : ".");
    }
    if (load_eve(root, &rc->eve) != SK_OK) {
        r = SK_ERR_CONFIG;
    }
    if (cfg_get_bool(root, "stats.enabled", &rc->stats_enabled) != SK_OK
        || get_u32(root, "stats.interval", &rc->stats_interval_s) != SK_OK) {
        r = SK_ERR_CONFIG;
    }
    if (cfg_get_size(root, "flow.memcap", &rc->flow.memcap) != SK_OK
        || get_u32(root, "flow.hash-size", &rc->flow.hash_size) != SK_OK
        || get_u32(root, "flow.prealloc", &rc->flow.prealloc) != SK_OK
        || get_u32(root, "flow.emergency-recovery", &rc->flow.emergency_recovery) != SK_OK
        || load_timeouts(root, &rc->flow) != SK_OK
        || cfg_get_bool(root, "vlan.use-for-tracking", &rc->flow.vlan_tracking) != SK_OK
        || cfg_get_bool(root, "decoder.recursion-level.use-for-tracking",
                        &rc->flow.recursion_tracking) != SK_OK) {
        r = SK_ERR_CONFIG;
    }
    if (rc->flow.hash_size == 0) {
        log_error("config: flow.hash-size: must be at least 1");
        r = SK_ERR_CONFIG;
    }
    if (cfg_get_bool(root, "decoder.teredo.enabled", &rc->decode.teredo_enabled) != SK_OK
        || get_port(root, "decoder.teredo.ports", &rc->decode.teredo_port) != SK_OK
        || cfg_get_bool(root, "decoder.vxlan.enabled", &rc->decode.vxlan_enabled) != SK_OK
        || get_port(root, "decoder.vxlan.ports", &rc->decode.vxlan_port) != SK_OK
        || cfg_get_bool(root, "decoder.geneve.enabled", &rc->decode.geneve_enabled) != SK_OK
        || get_port(root, "decoder.geneve.ports", &rc->decode.geneve_port) != SK_OK) {
        r = SK_ERR_CONFIG;
    }
    /* decoder.max-layers bounds the layers decoded in one packet (decoder.too_many_layers past
     * it); tunnel nesting has its own, lower cap (PKT_TUNNEL_DEPTH_MAX). */
    layers = rc->decode.max_layers;
    if (cfg_get_int(root, "decoder.max-layers", 1, 255, &layers) != SK_OK) {
        r = SK_ERR_CONFIG;
    }
    rc->decode.max_layers = (uint8_t)layers;

    if (cfg_get_double(root, "threading.detect-thread-ratio", &ratio) != SK_OK) {
        r = SK_ERR_CONFIG;
    }
    if (threads_cli > 0) {
        rc->threads = threads_cli;
    } else {
        double t = ratio * (double)cores;
        rc->threads = t < 1.0 ? 1 : (unsigned)t;
    }
    /* Flows keep their MAC addresses only when a record will show them. */
    rc->flow.track_macs = rc->eve.enabled && rc->eve.ethernet && (rc->eve.flow || rc->eve.netflow);
    if (rc->live_iface != NULL && load_pcap(root, rc->live_iface, &rc->live) != SK_OK) {
        r = SK_ERR_CONFIG;
    }
    s = NULL;
    if (cfg_get_str(root, "runmode", &s) == SK_OK && s != NULL) {
        RunMode m;
        if (!runmode_parse(s, &m)) {
            log_error("config: runmode: '%s' is not one of single, autofp, workers", s);
            r = SK_ERR_CONFIG;
        } else {
            rc->runmode = m;
        }
    }
    return r;
}
