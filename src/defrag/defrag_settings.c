/* defrag_settings.c: the keys the defrag stage reads, into its DefragConfig (defrag.h).
 * Defaults are defrag_config_default()'s, Suricata's shipped values; `def` is the built-in
 * configuration's value, which tests check against docs/configuration.md.
 *
 * host-os-policy is a map of policy name to address list, as in suricata.yaml; each name is a
 * row of its own, so a misspelt name is reported like any unknown key (-v) and a wrong address
 * stops the start with one line naming it. */
#include "defrag/defrag_settings.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/memcap.h"
#include "defrag/defrag.h"

/* "192.0.2.0/24", "2001:db8::1", "0.0.0.0/0": address and prefix length (host bits cleared). */
static bool
parse_prefix(const char *s, DefragHostOs *h)
{
    char buf[64];
    const char *slash = strchr(s, '/');
    size_t alen = slash != NULL ? (size_t)(slash - s) : strlen(s);
    if (alen == 0 || alen >= sizeof(buf)) {
        return false;
    }
    memcpy(buf, s, alen);
    buf[alen] = '\0';
    memset(h, 0, sizeof(*h));
    unsigned max;
    if (inet_pton(AF_INET, buf, h->addr.b) == 1) {
        h->ip_ver = 4;
        max = 32;
    } else if (inet_pton(AF_INET6, buf, h->addr.b) == 1) {
        h->ip_ver = 6;
        max = 128;
    } else {
        return false;
    }
    uint64_t bits = max;
    if (slash != NULL && !cfg_parse_uint(slash + 1, max, &bits)) {
        return false;
    }
    h->bits = (uint8_t)bits;
    for (unsigned i = 0; i < 16; i++) {
        unsigned keep = bits >= (i + 1) * 8u ? 8 : bits > i * 8u ? (unsigned)bits - i * 8u : 0;
        h->addr.b[i] &= (uint8_t)(0xff00u >> keep);
    }
    return true;
}

static SkResult
read_host_os(const CfgNode *root, const char *path, const CfgKey *k, void *conf)
{
    DefragConfig *dc = conf;
    const CfgNode *list = cfg_find(root, path);
    const char *name = strrchr(path, '.') + 1;
    DefragPolicy pol;

    (void)k;
    if (list == NULL || (cfg_type(list) == CFG_SCALAR && cfg_scalar(list)[0] == '\0')) {
        return SK_OK;
    }
    if (!defrag_policy_from_name(name, &pol)) { /* the rows list only names that exist */
        return SK_ERR_CONFIG;
    }
    if (cfg_type(list) != CFG_SEQ) {
        log_error("config: %s: not a list of addresses ([192.0.2.0/24, \"2001:db8::/32\"])", path);
        return SK_ERR_CONFIG;
    }
    for (size_t i = 0; i < cfg_child_count(list); i++) {
        const char *s = cfg_scalar(cfg_child(list, i));
        DefragHostOs h;
        if (s == NULL || !parse_prefix(s, &h)) {
            log_error("config: %s.%zu: '%s' is not an address or network (192.0.2.0/24, "
                      "2001:db8::/32)",
                      path, i, s != NULL ? s : "<map>");
            return SK_ERR_CONFIG;
        }
        if (dc->host_os_cnt >= DEFRAG_HOST_OS_MAX) {
            log_error("config: host-os-policy: more than %u addresses", DEFRAG_HOST_OS_MAX);
            return SK_ERR_CONFIG;
        }
        h.policy = (uint8_t)pol;
        dc->host_os[dc->host_os_cnt++] = h;
    }
    return SK_OK;
}

/* defrag.memcap-policy, resolved against exception-policy as Suricata does in IDS mode; the
 * fragment's state has no flow, so only packet actions apply. */
static SkResult
read_memcap_policy(const CfgNode *root, const char *path, const CfgKey *k, void *conf)
{
    DefragConfig *dc = conf;
    ExceptionPolicy key = EXC_POLICY_AUTO, master = EXC_POLICY_AUTO;
    const char *s = NULL, *m = NULL;
    (void)k;
    if (cfg_get_str(root, path, &s) != SK_OK
        || cfg_get_str(root, "exception-policy", &m) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    if (s != NULL && !exception_policy_from_name(s, &key)) {
        log_error("config: %s: '%s' is not one of auto, ignore, drop-packet, drop-flow, "
                  "pass-packet, pass-flow, bypass, reject",
                  path, s);
        return SK_ERR_CONFIG;
    }
    if (m != NULL && !exception_policy_from_name(m, &master)) {
        master = EXC_POLICY_AUTO; /* the flow table reports a wrong master value */
    }
    if (s != NULL) {
        dc->memcap_policy = (uint8_t)exception_policy_resolve("defrag.memcap", key, master, false);
    }
    return SK_OK;
}

#define U32(p, member, lo, d, h)                                                                   \
    {                                                                                              \
        .path = (p), .type = CFG_KEY_INT, CFG_FIELD(DefragConfig, member), .min = (lo),            \
        .max = UINT32_MAX, .def = (d), .help = (h)                                                 \
    }
#define HOST_OS(name)                                                                              \
    {                                                                                              \
        .path = "host-os-policy." name, .type = CFG_KEY_LIST, CFG_NOWHERE, .def = NULL,            \
        .help = "addresses whose fragments are put together as " name " does",                     \
        .read = read_host_os                                                                       \
    }

static const CfgKey rows[] = {
    {.path = "defrag.memcap",
     .type = CFG_KEY_SIZE,
     CFG_FIELD(DefragConfig, memcap),
     .def = "32mb",
     .help = "memory for fragments being reassembled, leased by the workers as they need it"},
    {.path = "defrag.memcap-policy",
     .type = CFG_KEY_STRING,
     CFG_NOWHERE,
     .def = NULL,
     .help = "at defrag.memcap, for a fragment that cannot be kept (IDS mode: ignore)",
     .read = read_memcap_policy},
    U32("defrag.hash-size", hash_size, 1, "65536", "tracker hash buckets, split over the workers"),
    U32("defrag.trackers", trackers, 1, "65535",
        "datagrams reassembled at once, split over the workers"),
    U32("defrag.max-frags", max_frags, 1, "65535",
        "fragments held at once, split over the workers"),
    {.path = "defrag.prealloc",
     .type = CFG_KEY_BOOL,
     CFG_FIELD(DefragConfig, prealloc),
     .def = "yes",
     .help = "allocate the trackers at start-up"},
    U32("defrag.timeout", timeout_s, 1, "60",
        "seconds from a datagram's first fragment before it is given up"),
    HOST_OS("windows"),
    HOST_OS("bsd"),
    HOST_OS("bsd-right"),
    HOST_OS("old-linux"),
    HOST_OS("linux"),
    HOST_OS("old-solaris"),
    HOST_OS("solaris"),
    HOST_OS("hpux10"),
    HOST_OS("hpux11"),
    HOST_OS("irix"),
    HOST_OS("macos"),
    HOST_OS("vista"),
    HOST_OS("windows2k3"),
    HOST_OS("first"),
    HOST_OS("last"),
    HOST_OS("openbsd"),
};

static void
defaults(void *conf)
{
    defrag_config_default(conf);
}

CFG_TABLE(defrag_settings, "defrag", rows, defaults, NULL);
