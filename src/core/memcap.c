/* memcap.c: budgets, shares and leases (memcap.h), and the exception policy names. The per-
 * charge path is inline in memcap.h; what is here runs at setup, at stats time, or once a lease
 * (MEMCAP_LEASE bytes) of charges. */
#include "core/memcap.h"

#include <string.h>

#include "core/config.h"
#include "core/log.h"

void
memcap_budget_init(MemcapBudget *b, const char *name, uint64_t limit)
{
    memset(b, 0, sizeof(*b));
    b->name = name;
    b->limit = limit;
}

static void
budget_add_user(MemcapBudget *b, const Memcap *mc)
{
    if (b != NULL && b->user_cnt < MEMCAP_USERS_MAX) {
        b->users[b->user_cnt++] = mc;
    }
}

void
memcap_init_share(Memcap *mc, MemcapBudget *b, unsigned workers)
{
    memset(mc, 0, sizeof(*mc));
    mc->budget = b;
    mc->held = b->limit / (workers > 0 ? workers : 1);
    budget_add_user(b, mc);
}

void
memcap_init_leased(Memcap *mc, MemcapBudget *b)
{
    memset(mc, 0, sizeof(*mc));
    mc->budget = b;
    mc->leased = true;
    budget_add_user(b, mc);
}

void
memcap_init_fixed(Memcap *mc, uint64_t cap)
{
    memset(mc, 0, sizeof(*mc));
    mc->held = cap;
}

void
memcap_fini(Memcap *mc)
{
    if (mc->leased && mc->held > 0) {
        /* Relaxed: the budget's count is the only shared state, no data is published. */
        atomic_fetch_sub_explicit(&mc->budget->leased, mc->held, memory_order_relaxed);
        mc->held = 0;
    }
    counter_set(&mc->used, 0);
}

/* A charge beyond what the Memcap holds: a leased one takes whole leases from its budget, as
 * many as the charge needs, or what is left of the budget when that covers the charge. */
bool
memcap_charge_slow(Memcap *mc, size_t n)
{
    if (!mc->leased) {
        return false;
    }
    MemcapBudget *b = mc->budget;
    uint64_t used = counter_get(&mc->used);
    uint64_t need = used + n - mc->held; /* > 0: the fast path failed */
    uint64_t want = (need + MEMCAP_LEASE - 1) / MEMCAP_LEASE * (uint64_t)MEMCAP_LEASE;
    /* Relaxed: the compare-and-swap only keeps the sum of leases within the limit; no memory
     * is handed over through it (each worker allocates its own). */
    uint64_t out = atomic_load_explicit(&b->leased, memory_order_relaxed);
    for (;;) {
        uint64_t left = out < b->limit ? b->limit - out : 0;
        uint64_t take = want <= left ? want : left;
        if (take < need) {
            return false;
        }
        if (atomic_compare_exchange_weak_explicit(&b->leased, &out, out + take,
                                                  memory_order_relaxed, memory_order_relaxed)) {
            mc->held += take;
            counter_set(&mc->used, used + n);
            return true;
        }
    }
}

/* Keeps one lease of slack above what is charged, returns the rest. */
void
memcap_return_slow(Memcap *mc)
{
    uint64_t used = counter_get(&mc->used);
    uint64_t keep =
        (used + MEMCAP_LEASE - 1) / MEMCAP_LEASE * (uint64_t)MEMCAP_LEASE + MEMCAP_LEASE;
    if (mc->held > keep) {
        atomic_fetch_sub_explicit(&mc->budget->leased, mc->held - keep, memory_order_relaxed);
        mc->held = keep;
    }
}

uint64_t
memcap_max(const Memcap *mc)
{
    return mc->leased ? mc->budget->limit : mc->held;
}

uint64_t
memcap_budget_used(const MemcapBudget *b)
{
    uint64_t sum = 0;
    for (uint32_t i = 0; i < b->user_cnt; i++) {
        sum += memcap_used(b->users[i]);
    }
    return sum;
}

uint64_t
memcap_budget_pressure(const MemcapBudget *b)
{
    return b->limit > 0 ? memcap_budget_used(b) * 100 / b->limit : 0;
}

/* --- exception policies --- */

static const char *const policy_names[EXC_POLICY_MAX] = {
    [EXC_POLICY_IGNORE] = "ignore",
    [EXC_POLICY_PASS_PACKET] = "pass-packet",
    [EXC_POLICY_PASS_FLOW] = "pass-flow",
    [EXC_POLICY_BYPASS] = "bypass",
    [EXC_POLICY_REJECT] = "reject",
    [EXC_POLICY_REJECT_BOTH] = "reject-both",
    [EXC_POLICY_DROP_PACKET] = "drop-packet",
    [EXC_POLICY_DROP_FLOW] = "drop-flow",
    [EXC_POLICY_AUTO] = "auto",
};

SkResult
exception_policy_get(const CfgNode *root, const char *path, ExceptionPolicy *out)
{
    const char *s = NULL;
    *out = EXC_POLICY_AUTO;
    if (cfg_get_str(root, path, &s) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    if (s != NULL && !exception_policy_from_name(s, out)) {
        log_error("config: %s: '%s' is not one of auto, ignore, drop-packet, drop-flow, "
                  "pass-packet, pass-flow, bypass, reject",
                  path, s);
        return SK_ERR_CONFIG;
    }
    return SK_OK;
}

bool
exception_policy_from_name(const char *name, ExceptionPolicy *out)
{
    for (unsigned i = 0; i < EXC_POLICY_MAX; i++) {
        if (strcmp(name, policy_names[i]) == 0) {
            *out = (ExceptionPolicy)i;
            return true;
        }
    }
    return false;
}

const char *
exception_policy_name(ExceptionPolicy p)
{
    return p < EXC_POLICY_MAX ? policy_names[p] : "unknown";
}

ExceptionPolicy
exception_policy_resolve(const char *key_name, ExceptionPolicy key, ExceptionPolicy master,
                         bool flow_actions)
{
    ExceptionPolicy p = key;
    if (p == EXC_POLICY_AUTO) {
        /* The master switch stands in for a key the file leaves out. It cannot drop without
         * inline mode, so there its drops are ignore (Suricata 8.0.7, IDS mode). */
        p = master;
        if (p == EXC_POLICY_DROP_PACKET || p == EXC_POLICY_DROP_FLOW) {
            p = EXC_POLICY_IGNORE;
        }
    }
    if (p == EXC_POLICY_AUTO) {
        p = EXC_POLICY_IGNORE; /* auto: drop-flow or drop-packet inline, ignore in IDS mode */
    }
    if (!flow_actions) {
        ExceptionPolicy q = p;
        switch (p) {
        case EXC_POLICY_PASS_FLOW:
            q = EXC_POLICY_PASS_PACKET;
            break;
        case EXC_POLICY_DROP_FLOW:
            q = EXC_POLICY_DROP_PACKET;
            break;
        case EXC_POLICY_BYPASS:
            q = EXC_POLICY_IGNORE;
            break;
        default:
            break;
        }
        if (q != p) {
            log_notice("config: %s-policy: %s acts on a flow, which %s has none of; %s instead",
                       key_name, exception_policy_name(p), key_name, exception_policy_name(q));
            p = q;
        }
    }
    return p;
}
