/* memcap.h: memory budgets for state whose size traffic decides (flows, sessions, segments,
 * fragments, transactions), and the exception policy that applies when one is reached.
 *
 * A MemcapBudget is one config key's budget for the whole engine ("flow.memcap"); each worker
 * charges its own Memcap, drawn from the budget in one of two ways:
 *
 *  - a static share (budget / workers), fixed at start: what flows use. A worker's flows are
 *    balanced by the shard hash, and a share that does not depend on what the other workers
 *    hold at that instant keeps the flow records of a run reproducible.
 *  - leases of MEMCAP_LEASE bytes taken from the budget as needed and given back when no
 *    longer used: one large upload can use what idle workers do not, where a static share
 *    would stop it at 1/N of the budget (stream reassembly, defrag, app-layer state).
 *
 * Charging is local either way: a charge within the bytes a Memcap already holds is a compare
 * and a relaxed store, no atomic read-modify-write; only taking or returning a lease touches
 * the shared budget. State is charged before it exists: memcap_charge() first, then allocate,
 * and at false the caller counts, and its exception policy applies.
 *
 * A Memcap belongs to one worker and is never shared; a MemcapBudget is set up before the
 * workers start, its lease count is the only field written afterwards. */
#ifndef SK_CORE_MEMCAP_H
#define SK_CORE_MEMCAP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/counters.h"
#include "core/result.h"

#define MEMCAP_LEASE (1u << 20) /* bytes a leased Memcap takes from its budget at a time */
#define MEMCAP_USERS_MAX 1024   /* Memcaps drawing on one budget: one per worker */

struct Memcap;

typedef struct MemcapBudget {
    const char *name;        /* the config key, "flow.memcap": for messages */
    uint64_t limit;          /* bytes, whole engine */
    _Atomic uint64_t leased; /* bytes lent to leased Memcaps */
    uint32_t user_cnt;
    const struct Memcap *users[MEMCAP_USERS_MAX]; /* for stats: memuse and pressure */
} MemcapBudget;

typedef struct Memcap {
    Counter used;         /* bytes charged: one writer (the worker), read by stats */
    uint64_t held;        /* bytes it may charge without asking: its share or its leases */
    bool leased;          /* false: a static share, `held` never changes */
    MemcapBudget *budget; /* NULL: a standalone cap (tests, fixed pools) */
} Memcap;

/* Setup, before the workers start. */
void memcap_budget_init(MemcapBudget *b, const char *name, uint64_t limit);
/* A static share of b: limit / workers bytes. */
void memcap_init_share(Memcap *mc, MemcapBudget *b, unsigned workers);
/* Leases from b as needed, up to the whole budget while the other users leave it unused. */
void memcap_init_leased(Memcap *mc, MemcapBudget *b);
/* A standalone cap of `cap` bytes, counted in no budget. */
void memcap_init_fixed(Memcap *mc, uint64_t cap);
/* Gives its leases back (whatever is still charged is forgotten: the state went with it). */
void memcap_fini(Memcap *mc);

bool memcap_charge_slow(Memcap *mc, size_t n);
void memcap_return_slow(Memcap *mc);

/* Charges n bytes; false at the cap (nothing charged). */
static inline bool
memcap_charge(Memcap *mc, size_t n)
{
    uint64_t used = counter_get(&mc->used);
    if (n <= mc->held - used) { /* held >= used always */
        counter_set(&mc->used, used + n);
        return true;
    }
    return memcap_charge_slow(mc, n);
}

/* Gives back n bytes charged before. A leased Memcap keeps one lease of slack beyond what is
 * charged and returns the rest, so a flow that comes and goes at a lease boundary does not take
 * and return a lease at every packet. */
static inline void
memcap_release(Memcap *mc, size_t n)
{
    uint64_t used = counter_get(&mc->used) - n;
    counter_set(&mc->used, used);
    if (mc->leased && mc->held - used > 2 * (uint64_t)MEMCAP_LEASE) {
        memcap_return_slow(mc);
    }
}

static inline uint64_t
memcap_used(const Memcap *mc)
{
    return counter_get(&mc->used);
}

/* The most this Memcap can ever hold: its share, or its budget's whole limit when leased. What
 * a pool may reserve address space for. */
uint64_t memcap_max(const Memcap *mc);

/* Bytes charged by every user of b (stats; relaxed reads, at most a packet old). */
uint64_t memcap_budget_used(const MemcapBudget *b);
/* memcap.pressure's part for b: percent of its limit in use, as Suricata computes it. */
uint64_t memcap_budget_pressure(const MemcapBudget *b);

/* ---- Exception policies (suricata.yaml: exception-policy, <stage>.memcap-policy) ----
 *
 * What the engine does to a packet, or its flow, when it cannot keep the state the packet needs.
 * sekimori runs as an IDS only (no inline mode yet), where, as in Suricata 8.0.7:
 *   ignore       nothing is done, nothing counted (the default: "auto" is ignore in IDS mode);
 *   pass-packet  the packet is not inspected further (counted: pass_packet);
 *   pass-flow    the flow's remaining packets are not inspected (pass_flow);
 *   bypass       as pass-flow, and capture drops the flow where it can (bypass);
 *   reject       a reset or ICMP unreachable is sent (reject; sekimori sends none offline);
 *   reject-both  the same towards both ends (reject_both);
 *   drop-packet, drop-flow  mean nothing without inline mode: the exception-policy master
 *                switch turns them into ignore; a per-key value stays set, and the counters
 *                are registered, but an IDS has no drop to count (Suricata counts none).
 * A key whose state has no flow (flow.memcap, defrag.memcap) takes packet actions only: pass-flow
 * becomes pass-packet, drop-flow drop-packet, bypass ignore, each said once at start. */
typedef enum {
    EXC_POLICY_IGNORE = 0,
    EXC_POLICY_PASS_PACKET,
    EXC_POLICY_PASS_FLOW,
    EXC_POLICY_BYPASS,
    EXC_POLICY_REJECT,
    EXC_POLICY_REJECT_BOTH,
    EXC_POLICY_DROP_PACKET,
    EXC_POLICY_DROP_FLOW,
    EXC_POLICY_AUTO, /* config only: resolved by exception_policy_resolve() */
    EXC_POLICY_MAX
} ExceptionPolicy;

/* The counters an exception policy keeps in IDS mode, named as Suricata's stats name them
 * (exception_policy.<key>.<action>, EVE schema's exceptionPolicy). */
typedef enum {
    EXC_CTR_PASS_PACKET = 0,
    EXC_CTR_PASS_FLOW,
    EXC_CTR_BYPASS,
    EXC_CTR_REJECT,
    EXC_CTR_REJECT_BOTH,
    EXC_CTR_MAX
} ExceptionCounter;

/* "drop-packet" -> EXC_POLICY_DROP_PACKET, ... "ignore", "auto"; false when not a policy. */
bool exception_policy_from_name(const char *name, ExceptionPolicy *out);
/* A memcap-policy key: its value, or EXC_POLICY_AUTO when the file leaves it out; one logged
 * line and SK_ERR_CONFIG for a word that is not a policy. */
struct CfgNode;
SkResult exception_policy_get(const struct CfgNode *root, const char *path, ExceptionPolicy *out);
/* The YAML spelling ("pass-packet"). */
const char *exception_policy_name(ExceptionPolicy p);

/* The policy a key applies, IDS mode: `key` is the key's own value (EXC_POLICY_AUTO when the
 * file leaves it out), `master` the exception-policy switch's (EXC_POLICY_AUTO when absent),
 * `flow_actions` whether the key's state belongs to a flow. Logs a notice when a flow action
 * falls back to a packet action. */
ExceptionPolicy exception_policy_resolve(const char *key_name, ExceptionPolicy key,
                                         ExceptionPolicy master, bool flow_actions);

/* The counter an applied policy bumps, or EXC_CTR_MAX when it counts nothing in IDS mode. */
static inline ExceptionCounter
exception_policy_counter(ExceptionPolicy p)
{
    switch (p) {
    case EXC_POLICY_PASS_PACKET:
        return EXC_CTR_PASS_PACKET;
    case EXC_POLICY_PASS_FLOW:
        return EXC_CTR_PASS_FLOW;
    case EXC_POLICY_BYPASS:
        return EXC_CTR_BYPASS;
    case EXC_POLICY_REJECT:
        return EXC_CTR_REJECT;
    case EXC_POLICY_REJECT_BOTH:
        return EXC_CTR_REJECT_BOTH;
    default:
        return EXC_CTR_MAX;
    }
}

/* The stats names of one key's exception counters, in ExceptionCounter order; NULL for a
 * counter Suricata does not register for that kind of key (pass_flow where the state has no
 * flow). EXC_COUNTER_NAMES("flow.memcap", false) gives exception_policy.flow.memcap.*. */
#define EXC_COUNTER_NAMES(key, flow_actions)                                                       \
    {                                                                                              \
        "exception_policy." key ".pass_packet",                                                    \
            (flow_actions) ? "exception_policy." key ".pass_flow" : NULL,                          \
            "exception_policy." key ".bypass", "exception_policy." key ".reject",                  \
            "exception_policy." key ".reject_both",                                                \
    }

#endif
