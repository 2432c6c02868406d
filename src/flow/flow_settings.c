/* flow_settings.c: the keys the flow stage reads, into its FlowConfig (flow.h). Defaults are
 * flow_config_default()'s; `def` is the built-in configuration's value, which tests check
 * against it and against docs/configuration.md. */
#include "flow/flow_settings.h"

#include "core/log.h"
#include "core/memcap.h"
#include "flow/flow.h"

#define U32(p, member, lo, d, h)                                                                   \
    {                                                                                              \
        .path = (p), .type = CFG_KEY_INT, CFG_FIELD(FlowConfig, member), .min = (lo),              \
        .max = UINT32_MAX, .def = (d), .help = (h)                                                 \
    }

/* flow-timeouts.<proto>.<state>, in seconds. The bypassed ones are read and checked so that a
 * suricata.yaml keeps meaning the same thing, but sekimori bypasses nothing yet, so no flow is
 * ever in that state: their values have nowhere to go. */
#define TIMEOUT(proto, P, state, member, d)                                                        \
    U32("flow-timeouts." proto "." state, timeouts[P].member, 0, d,                                \
        "idle seconds before a " proto " flow in that state ends")
#define BYPASSED(proto, state, d)                                                                  \
    {                                                                                              \
        .path = "flow-timeouts." proto "." state, .type = CFG_KEY_INT, CFG_NOWHERE, .min = 0,      \
        .max = UINT32_MAX, .def = (d), .help = "read and checked; sekimori bypasses no flow yet"   \
    }
#define TIMEOUTS(proto, P, n, e, c, b, en, ee, ec, eb)                                             \
    TIMEOUT(proto, P, "new", new_s, n), TIMEOUT(proto, P, "established", established_s, e),        \
        TIMEOUT(proto, P, "closed", closed_s, c), BYPASSED(proto, "bypassed", b),                  \
        TIMEOUT(proto, P, "emergency-new", emerg_new_s, en),                                       \
        TIMEOUT(proto, P, "emergency-established", emerg_established_s, ee),                       \
        TIMEOUT(proto, P, "emergency-closed", emerg_closed_s, ec),                                 \
        BYPASSED(proto, "emergency-bypassed", eb)

/* exception-policy: the master switch; checked here, applied through each key's policy. */
static SkResult
read_master_policy(const CfgNode *root, const char *path, const CfgKey *k, void *conf)
{
    ExceptionPolicy p;
    (void)k;
    (void)conf;
    return exception_policy_get(root, path, &p);
}

/* flow.memcap-policy, resolved against exception-policy as Suricata does in IDS mode. */
static SkResult
read_memcap_policy(const CfgNode *root, const char *path, const CfgKey *k, void *conf)
{
    FlowConfig *fc = conf;
    ExceptionPolicy key, master;
    (void)k;
    if (exception_policy_get(root, path, &key) != SK_OK
        || exception_policy_get(root, "exception-policy", &master) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    fc->memcap_policy = (uint8_t)exception_policy_resolve("flow.memcap", key, master, false);
    return SK_OK;
}

static const CfgKey rows[] = {
    {.path = "exception-policy",
     .type = CFG_KEY_STRING,
     CFG_NOWHERE,
     .def = "auto",
     .help = "what every memcap-policy left out does; auto: ignore (IDS mode)",
     .read = read_master_policy},
    {.path = "flow.memcap-policy",
     .type = CFG_KEY_STRING,
     CFG_NOWHERE,
     .def = NULL,
     .help = "at flow.memcap, for a packet that gets no flow: pass-packet counts, the rest "
             "ignore (IDS mode)",
     .read = read_memcap_policy},
    {.path = "flow.memcap",
     .type = CFG_KEY_SIZE,
     CFG_FIELD(FlowConfig, memcap),
     .def = "128mb",
     .help = "memory for flow tracking, split over the workers; past it, emergency mode"},
    U32("flow.hash-size", hash_size, 1, "65536",
        "buckets the flow hash starts with; it doubles within flow.memcap"),
    U32("flow.prealloc", prealloc, 0, "10000", "flows allocated at start-up"),
    TIMEOUTS("tcp", FLOW_PROTO_TCP, "60", "600", "60", "100", "5", "100", "10", "50"),
    TIMEOUTS("udp", FLOW_PROTO_UDP, "30", "300", "0", "100", "10", "100", "0", "50"),
    TIMEOUTS("icmp", FLOW_PROTO_ICMP, "30", "300", "0", "100", "10", "100", "0", "50"),
    TIMEOUTS("default", FLOW_PROTO_DEFAULT, "30", "300", "0", "100", "10", "100", "0", "50"),
    {.path = "vlan.use-for-tracking",
     .type = CFG_KEY_BOOL,
     CFG_FIELD(FlowConfig, vlan_tracking),
     .def = "true",
     .help = "VLAN ids are part of the flow key"},
    {.path = "decoder.recursion-level.use-for-tracking",
     .type = CFG_KEY_BOOL,
     CFG_FIELD(FlowConfig, recursion_tracking),
     .def = "true",
     .help = "tunnel depth is part of the flow key"},
    /* Suricata needs at least one percent to come back; over 100 could never be reached. */
    {.path = "flow.emergency-recovery",
     .type = CFG_KEY_INT,
     CFG_FIELD(FlowConfig, emergency_recovery),
     .min = 1,
     .max = 100,
     .def = "30",
     .help = "percent of preallocated flows free again to leave emergency mode"},
};

static void
defaults(void *conf)
{
    flow_config_default(conf);
}

CFG_TABLE(flow_settings, "flow", rows, defaults, NULL);
