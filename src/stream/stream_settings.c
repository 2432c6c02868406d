/* stream_settings.c: the keys the stream stage reads, into its StreamConfig (stream.h).
 * Defaults are stream_config_default()'s, Suricata 8.0.7's built-in values (midstream and
 * async-oneside off, depth 1 MiB); `def` is the built-in configuration's value, which tests
 * check against docs/configuration.md. */
#include "stream/stream_settings.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"
#include "core/memcap.h"
#include "stream/stream.h"

static SkResult
read_exc_policy(const CfgNode *root, const char *path, const CfgKey *k, void *conf)
{
    StreamConfig *sc = conf;
    ExceptionPolicy key, master;
    if (exception_policy_get(root, path, &key) != SK_OK
        || exception_policy_get(root, "exception-policy", &master) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    uint8_t v = (uint8_t)exception_policy_resolve(path, key, master, true);
    if (strcmp(path, "stream.midstream-policy") == 0) {
        sc->midstream_policy = v;
    } else {
        sc->memcap_policy = v;
    }
    (void)k;
    return SK_OK;
}

static SkResult
read_urgent(const CfgNode *root, const char *path, const CfgKey *k, void *conf)
{
    static const char *const names[] = {
        [STREAM_URGENT_INLINE] = "inline",
        [STREAM_URGENT_OOB] = "oob",
        [STREAM_URGENT_GAP] = "gap",
        [STREAM_URGENT_DROP] = "drop",
    };
    StreamConfig *sc = conf;
    const char *s = NULL;
    (void)k;
    if (cfg_get_str(root, path, &s) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    if (s == NULL) {
        return SK_OK;
    }
    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcasecmp(s, names[i]) == 0) {
            sc->urgent_policy = (uint8_t)i;
            return SK_OK;
        }
    }
    log_error("config: %s: '%s' is not one of inline, oob, gap, drop", path, s);
    return SK_ERR_CONFIG;
}

static SkResult
read_inline(const CfgNode *root, const char *path, const CfgKey *k, void *conf)
{
    StreamConfig *sc = conf;
    const char *s = NULL;
    bool b;
    (void)k;
    if (cfg_get_str(root, path, &s) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    if (s == NULL || strcmp(s, "auto") == 0) {
        sc->inline_cfg = STREAM_INLINE_AUTO;
    } else if (cfg_parse_bool(s, &b)) {
        sc->inline_cfg = b ? STREAM_INLINE_YES : STREAM_INLINE_NO;
    } else {
        log_error("config: %s: '%s' is not auto, yes or no", path, s);
        return SK_ERR_CONFIG;
    }
    return SK_OK;
}

/* "10.0.0.0/8", "192.168.1.1", "2001:db8::/32". */
static bool
parse_net(const char *text, StreamHostRule *r)
{
    char buf[64];
    size_t n = strlen(text);
    if (n == 0 || n >= sizeof(buf)) {
        return false;
    }
    memcpy(buf, text, n + 1);
    char *slash = strchr(buf, '/');
    long bits = -1;
    if (slash != NULL) {
        *slash = '\0';
        char *end = NULL;
        bits = strtol(slash + 1, &end, 10);
        if (end == slash + 1 || *end != '\0') {
            return false;
        }
    }
    memset(r, 0, sizeof(*r));
    if (inet_pton(AF_INET, buf, r->addr.b) == 1) {
        r->ip_ver = 4;
        bits = bits < 0 ? 32 : bits;
        if (bits > 32) {
            return false;
        }
    } else if (inet_pton(AF_INET6, buf, r->addr.b) == 1) {
        r->ip_ver = 6;
        bits = bits < 0 ? 128 : bits;
        if (bits > 128) {
            return false;
        }
    } else {
        return false;
    }
    r->prefix = (uint8_t)bits;
    return true;
}

static int
rule_cmp(const void *a, const void *b)
{
    const StreamHostRule *x = a, *y = b;
    return (int)y->prefix - (int)x->prefix; /* most specific first */
}

/* host-os-policy: { <policy>: [addresses] }. The defrag stage's table checks and documents the
 * map; the stream reads it here too, for the receiving host of each direction. */
static SkResult
read_host_os(const CfgNode *root, StreamConfig *sc)
{
    const CfgNode *m = cfg_find(root, "host-os-policy");
    sc->host_rule_cnt = 0;
    if (m == NULL || cfg_type(m) != CFG_MAP) {
        return SK_OK;
    }
    for (size_t i = 0; i < cfg_child_count(m); i++) {
        const char *name = cfg_child_key(m, i);
        const CfgNode *list = cfg_child(m, i);
        uint8_t pol;
        if (name == NULL || !stream_policy_from_name(name, true, &pol)) {
            continue; /* defrag's table says what is wrong with it */
        }
        size_t cnt = cfg_type(list) == CFG_SEQ ? cfg_child_count(list) : 0;
        for (size_t j = 0; j < cnt; j++) {
            const char *a = cfg_scalar(cfg_child(list, j));
            StreamHostRule r;
            if (a == NULL || !parse_net(a, &r)) {
                continue;
            }
            if (sc->host_rule_cnt == STREAM_HOST_RULES_MAX) {
                log_warn("config: host-os-policy: more than %d addresses, the rest ignored by "
                         "the stream",
                         STREAM_HOST_RULES_MAX);
                goto sort;
            }
            r.policy = pol;
            sc->host_rules[sc->host_rule_cnt++] = r;
        }
    }
sort:
    qsort(sc->host_rules, sc->host_rule_cnt, sizeof(sc->host_rules[0]), rule_cmp);
    return SK_OK;
}

/* stream.checksum-validation, and for capture files pcap-file.checksum-checks (capture's
 * table checks it; -k sets it): "no" turns the stream's checks off, "auto" keeps them until
 * Suricata's sample says the capture's checksums are offloaded (stream.c). */
static SkResult
read_checksum(const CfgNode *root, const char *path, const CfgKey *k, void *conf)
{
    StreamConfig *sc = conf;
    const char *mode = NULL;
    bool b;
    (void)k;
    if (cfg_get_bool(root, path, &sc->checksum_validation) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    sc->checksum_auto = true;
    /* Read quietly: capture's table reports a wrong value once. */
    mode = cfg_scalar(cfg_find(root, "pcap-file.checksum-checks"));
    if (mode != NULL && strcmp(mode, "auto") != 0 && cfg_parse_bool(mode, &b)) {
        sc->checksum_auto = false;
        sc->checksum_validation = sc->checksum_validation && b;
    }
    return SK_OK;
}

static SkResult
read_memcap(const CfgNode *root, const char *path, const CfgKey *k, void *conf)
{
    StreamConfig *sc = conf;
    (void)k;
    if (cfg_get_size(root, path, &sc->memcap) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    return read_host_os(root, sc);
}

#define BOOL(p, member, d, h)                                                                      \
    {                                                                                              \
        .path = (p), .type = CFG_KEY_BOOL, CFG_FIELD(StreamConfig, member), .def = (d),            \
        .help = (h)                                                                                \
    }
#define SIZE(p, member, d, h)                                                                      \
    {                                                                                              \
        .path = (p), .type = CFG_KEY_SIZE, CFG_FIELD(StreamConfig, member), .def = (d),            \
        .help = (h)                                                                                \
    }
#define U32(p, member, lo, hi, d, h)                                                               \
    {                                                                                              \
        .path = (p), .type = CFG_KEY_INT, CFG_FIELD(StreamConfig, member), .min = (lo),            \
        .max = (hi), .def = (d), .help = (h)                                                       \
    }

static const CfgKey rows[] = {
    {.path = "stream.memcap",
     .type = CFG_KEY_SIZE,
     CFG_FIELD(StreamConfig, memcap),
     .def = "64mb",
     .help = "memory for TCP sessions (leased by the workers); past it no session starts",
     .read = read_memcap},
    {.path = "stream.memcap-policy",
     .type = CFG_KEY_STRING,
     CFG_NOWHERE,
     .help = "at stream.memcap or stream.reassembly.memcap (IDS mode: pass-packet counts, the "
             "rest ignore)",
     .read = read_exc_policy},
    {.path = "stream.checksum-validation",
     .type = CFG_KEY_BOOL,
     CFG_FIELD(StreamConfig, checksum_validation),
     .def = "yes",
     .help = "a TCP packet with a wrong checksum does not move its session",
     .read = read_checksum},
    {.path = "stream.inline",
     .type = CFG_KEY_STRING,
     CFG_NOWHERE,
     .def = "auto",
     .help = "auto (inline when the run is IPS: --simulate-ips), yes or no: inline data is "
             "inspected as it arrives",
     .read = read_inline},
    BOOL("stream.midstream", midstream, "false", "pick up sessions whose handshake was not seen"),
    {.path = "stream.midstream-policy",
     .type = CFG_KEY_STRING,
     CFG_NOWHERE,
     .help = "for a session not picked up midstream (IDS mode: pass-packet counts)",
     .read = read_exc_policy},
    BOOL("stream.async-oneside", async_oneside, "false",
         "accept sessions seen in one direction only"),
    U32("stream.prealloc-sessions", prealloc_sessions, 0, UINT32_MAX, "2048",
        "sessions allocated at start-up (whole engine)"),
    U32("stream.max-synack-queued", max_synack_queue, 0, 255, "5",
        "read and checked; SYN|ACKs are not queued"),
    SIZE("stream.reassembly.memcap", reassembly_memcap, "256mb",
         "memory for queued segments (leased by the workers)"),
    {.path = "stream.reassembly.memcap-policy",
     .type = CFG_KEY_STRING,
     CFG_NOWHERE,
     .help = "at stream.reassembly.memcap (IDS mode: pass-packet counts, the rest ignore)",
     .read = read_exc_policy},
    SIZE("stream.reassembly.depth", depth, "1mb", "bytes reassembled per direction; 0: no limit"),
    U32("stream.reassembly.toserver-chunk-size", toserver_chunk, 1, UINT32_MAX, "2560",
        "acknowledged bytes to server before raw stream inspection"),
    U32("stream.reassembly.toclient-chunk-size", toclient_chunk, 1, UINT32_MAX, "2560",
        "acknowledged bytes to client before raw stream inspection"),
    {.path = "stream.reassembly.randomize-chunk-size",
     .type = CFG_KEY_BOOL,
     CFG_NOWHERE,
     .def = "yes",
     .help = "read and checked; chunk sizes are not randomised"},
    {.path = "stream.reassembly.randomize-chunk-range",
     .type = CFG_KEY_INT,
     CFG_NOWHERE,
     .min = 0,
     .max = 100,
     .def = "10",
     .help = "read and checked; chunk sizes are not randomised"},
    {.path = "stream.reassembly.raw",
     .type = CFG_KEY_BOOL,
     CFG_NOWHERE,
     .def = "yes",
     .help = "read and checked; raw stream inspection is always on"},
    {.path = "stream.reassembly.segment-prealloc",
     .type = CFG_KEY_INT,
     CFG_NOWHERE,
     .min = 0,
     .max = UINT32_MAX,
     .def = "2048",
     .help = "read and checked; segment records grow within stream.reassembly.memcap"},
    BOOL("stream.reassembly.check-overlap-different-data", overlap_diff_data, "false",
         "compare overlapping bytes: reassembly_overlap_different_data"),
    {.path = "stream.reassembly.urgent.policy",
     .type = CFG_KEY_STRING,
     CFG_NOWHERE,
     .def = "inline",
     .help = "the urgent byte: inline (kept), oob (taken out), gap, drop",
     .read = read_urgent},
    U32("stream.reassembly.urgent.oob-limit", urgent_oob_limit, 0, UINT32_MAX, "0",
        "urgent bytes a direction may take out (oob); 0: no limit"),
    {.path = "stream.reassembly.urgent.oob-limit-policy",
     .type = CFG_KEY_STRING,
     CFG_NOWHERE,
     .def = "drop",
     .help = "read and checked; past the limit the urgent byte stays inline"},
    BOOL("stats.stream-events", stats_events, "false",
         "a stats counter stream.<event> per stream event"),
};

static void
defaults(void *conf)
{
    stream_config_default(conf);
}

CFG_TABLE(stream_settings, "stream", rows, defaults, NULL);
