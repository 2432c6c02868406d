/* counters.h: per-worker counter blocks. Each counter has one writer (its worker), so an
 * increment is a relaxed load and store, not a locked add; the stats reader in another thread
 * sees a value at most one packet old, which is all stats promise. */
#ifndef SK_CORE_COUNTERS_H
#define SK_CORE_COUNTERS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

typedef _Atomic uint64_t Counter;

/* A stage's counters as stats sees them: names are the dotted Suricata keys ("decoder.pkts",
 * "decoder.event.ipv4.trunc_pkt", "flow.memcap"). vals belongs to one worker. */
typedef struct {
    const char *const *names;
    Counter *vals;
    size_t cnt;
} CounterSet;

static inline void
counter_add(Counter *c, uint64_t n)
{
    /* Relaxed: single writer; readers only need a torn-free value, which 64-bit atomics give. */
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
                          memory_order_relaxed);
}

static inline void
counter_inc(Counter *c)
{
    counter_add(c, 1);
}

/* For maxima ("decoder.max_pkt_size"): single writer, so load-compare-store is enough. */
static inline void
counter_max(Counter *c, uint64_t v)
{
    if (v > atomic_load_explicit(c, memory_order_relaxed)) {
        atomic_store_explicit(c, v, memory_order_relaxed);
    }
}

/* For gauges ("flow.active", "flow.memuse"). */
static inline void
counter_set(Counter *c, uint64_t v)
{
    atomic_store_explicit(c, v, memory_order_relaxed);
}

static inline uint64_t
counter_get(const Counter *c)
{
    return atomic_load_explicit((Counter *)c, memory_order_relaxed);
}

#endif
