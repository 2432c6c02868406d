/* flow.c: the per-worker flow table.
 *
 * Lookup is a chained hash over a seeded, symmetric hash of the key, so both directions of a
 * flow land in one bucket. Flows come from chunks allocated within this table's share of
 * flow.memcap and recycled through a free list: nothing is malloc'd per packet.
 *
 * The bucket array starts at this table's share of flow.hash-size and doubles whenever the
 * table holds more flows than buckets, as long as the larger array fits flow.memcap (buckets
 * are charged to it like flows). A fixed array made a flood of new flows walk chains ten deep
 * at every lookup and every end. Growth is incremental, so no packet pays for rehashing the
 * whole table: the old array is drained REHASH_STEP buckets per packet, and until it is empty
 * a flow whose old bucket is not yet drained is still found there (bucket_head()).
 *
 * Timeouts: a flow sits on one of FLOW_PROTO_MAX x FLOW_STATE_MAX lists, each holding flows
 * with the same timeout, oldest activity first (a packet moves its flow to the tail). The
 * oldest flow of each list is thus the first to expire, and a sweep that looks only at list
 * heads finds every expired flow with bounded work. A packet that finds its flow already past
 * its timeout ends it first: the flow records then depend only on packet times, not on when a
 * sweep ran, which keeps results identical for 1 and N workers. */
#include "flow/flow.h"

#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/log.h"
#include "core/pool.h"
#include "core/proto.h"
#include "decode/decode.h"

#define FLOW_CHUNK FLOW_CHUNK_FLOWS
#define FLOW_LISTS (FLOW_PROTO_MAX * FLOW_STATE_MAX)
#define EMERG_SWEEP_BUDGET 256
/* Old buckets moved per packet while the array grows: the old array (n buckets, at most n
 * flows when growth starts) is drained within n / REHASH_STEP packets, long before the n more
 * new flows that could start the next doubling. */
#define REHASH_STEP 4
#define BUCKETS_MAX (1u << 30)

/* Handshake progress of tcp_track, enough for the flow state; the stream stage refines it. */
#define TCP_TRACK_SYN 0x01    /* SYN toserver */
#define TCP_TRACK_SYNACK 0x02 /* SYN|ACK toclient */
#define TCP_TRACK_FIN_TS 0x04
#define TCP_TRACK_FIN_TC 0x08

enum {
#define FLOW_COUNTER(id, name) id,
#include "flow/counters.def"
#undef FLOW_COUNTER
    FLOW_CTR_MAX
};

static const char *const flow_counter_names[FLOW_CTR_MAX] = {
#define FLOW_COUNTER(id, name) name,
#include "flow/counters.def"
#undef FLOW_COUNTER
};

typedef struct {
    Flow *head, *tail;
} FlowList;

struct FlowTable {
    FlowConfig cfg;
    Flow **buckets;
    uint32_t mask;
    Flow **old;                  /* while growing: the previous array, drained from old_next up */
    bool buckets_huge, old_huge; /* from pool_huge_zalloc, not calloc */
    uint32_t old_mask;
    uint32_t old_next; /* old buckets below this one are empty */
    uint64_t seed;     /* hash secret */
    uint64_t id_seed;  /* flow_id secret */
    uint64_t id_seq;   /* flows created by this table */
    unsigned workers, worker_id;

    /* Flows come from chunks of FLOW_CHUNK (their MAC sets as side records), carved from one
     * huge-page reservation the size of this table's share of flow.memcap and charged to it
     * (pool.h). Buckets are charged to the same Memcap. */
    Pool flows;
    Memcap *mc;
    uint64_t active;
    uint64_t prealloc; /* this table's share of flow.prealloc */
    bool emergency;

    FlowList lists[FLOW_LISTS];

    Flow *handling;       /* the flow flow_handle_packet has off its timeout list */
    FlowStateFn state_fn; /* NULL: the built-in tracker (flow_state_default) */
    void *state_user;
    struct {
        FlowEndFn fn;
        void *user;
    } end[FLOW_END_STEP_MAX]; /* by step */
    /* The steps that are set, in step order: a flow's end calls only these. */
    struct {
        FlowEndFn fn;
        void *user;
    } chain[FLOW_END_STEP_MAX];
    unsigned chain_cnt;

    /* flow.* counters, then flow.memcap's exception-policy counters when it has a policy. */
    Counter ctr[FLOW_CTR_MAX + EXC_CTR_MAX];
    const char *names[FLOW_CTR_MAX + EXC_CTR_MAX];
    Counter *exc_ctr[EXC_CTR_MAX]; /* into ctr; NULL: not registered */
    CounterSet set;
};

void
flow_config_default(FlowConfig *cfg)
{
    /* Suricata's defaults (suricata.yaml: flow, flow-timeouts). */
    static const FlowTimeouts defaults[FLOW_PROTO_MAX] = {
        [FLOW_PROTO_TCP] = {60, 600, 60, 5, 100, 10},
        [FLOW_PROTO_UDP] = {30, 300, 0, 10, 100, 0},
        [FLOW_PROTO_ICMP] = {30, 300, 0, 10, 100, 0},
        [FLOW_PROTO_DEFAULT] = {30, 300, 0, 10, 100, 0},
    };
    memset(cfg, 0, sizeof(*cfg));
    cfg->memcap = 128ULL << 20;
    cfg->hash_size = 65536;
    cfg->prealloc = 10000;
    cfg->emergency_recovery = 30;
    cfg->vlan_tracking = true;
    cfg->recursion_tracking = true;
    memcpy(cfg->timeouts, defaults, sizeof(defaults));
}

uint8_t
flow_icmp_counterpart(uint8_t proto, uint8_t type)
{
    /* Query/answer pairs (RFC 792, 950, 1256; for ICMPv6 the pairs Suricata 8.0.7 joins,
     * checked on tests/data/flow-icmpv6-pairs.pcap: echo and MLD (RFC 4443, 2710), router and
     * neighbour discovery (4861), node information (4620), home agent address discovery and
     * mobile prefix (6275), certification path (3971), multicast router advertisement and
     * solicitation (4286: the advertisement comes first in the table, as Suricata pairs it),
     * duplicate address request and confirmation (6775). */
    static const uint8_t v4[][2] = {{8, 0}, {13, 14}, {15, 16}, {17, 18}, {10, 9}};
    static const uint8_t v6[][2] = {{128, 129}, {130, 131}, {133, 134}, {135, 136}, {139, 140},
                                    {144, 145}, {146, 147}, {148, 149}, {151, 152}, {157, 158}};
    const uint8_t(*pairs)[2] = proto == SK_IPPROTO_ICMP ? v4 : v6;
    size_t n = proto == SK_IPPROTO_ICMP ? sizeof(v4) / sizeof(v4[0]) : sizeof(v6) / sizeof(v6[0]);
    for (size_t i = 0; i < n; i++) {
        if (pairs[i][0] == type) {
            return pairs[i][1];
        }
        if (pairs[i][1] == type) {
            return pairs[i][0];
        }
    }
    return 255;
}

const char *
flow_state_name(FlowState s)
{
    static const char *const names[FLOW_STATE_MAX] = {"new", "established", "closed"};
    return s < FLOW_STATE_MAX ? names[s] : "unknown";
}

const char *
flow_end_reason_name(FlowEndReason r)
{
    switch (r) {
    case FLOW_END_TIMEOUT:
        return "timeout";
    case FLOW_END_FORCED:
        return "forced";
    case FLOW_END_SHUTDOWN:
        return "shutdown";
    }
    return "unknown";
}

static FlowProto
proto_class(uint8_t proto)
{
    switch (proto) {
    case SK_IPPROTO_TCP:
        return FLOW_PROTO_TCP;
    case SK_IPPROTO_UDP:
        return FLOW_PROTO_UDP;
    case SK_IPPROTO_ICMP:
    case SK_IPPROTO_ICMPV6:
        return FLOW_PROTO_ICMP;
    default:
        return FLOW_PROTO_DEFAULT;
    }
}

static uint32_t
flow_timeout_s(const FlowTable *ft, const Flow *f)
{
    const FlowTimeouts *t = &ft->cfg.timeouts[proto_class(f->proto)];
    switch (f->state) {
    case FLOW_STATE_NEW:
        return ft->emergency ? t->emerg_new_s : t->new_s;
    case FLOW_STATE_ESTABLISHED:
        return ft->emergency ? t->emerg_established_s : t->established_s;
    default:
        return ft->emergency ? t->emerg_closed_s : t->closed_s;
    }
}

/* Inclusive, as Suricata 8.0.7: a packet exactly `timeout` seconds after the flow's last one
 * already finds it timed out. */
static bool
flow_expired(const FlowTable *ft, const Flow *f, SkTime now)
{
    return now >= f->last + SK_TIME_FROM_SEC(flow_timeout_s(ft, f));
}

/* --- timeout lists --- */

static void
list_unlink(FlowTable *ft, Flow *f)
{
    FlowList *l = &ft->lists[f->tclass];
    if (f->lprev != NULL) {
        f->lprev->lnext = f->lnext;
    } else {
        l->head = f->lnext;
    }
    if (f->lnext != NULL) {
        f->lnext->lprev = f->lprev;
    } else {
        l->tail = f->lprev;
    }
    f->lprev = f->lnext = NULL;
}

/* Inlined: it runs for every packet (flow_set_state's call must not make it a call there). */
static inline __attribute__((always_inline)) void
list_append(FlowTable *ft, Flow *f)
{
    f->tclass = (uint8_t)(proto_class(f->proto) * FLOW_STATE_MAX + f->state);
    FlowList *l = &ft->lists[f->tclass];
    f->lnext = NULL;
    f->lprev = l->tail;
    if (l->tail != NULL) {
        l->tail->lnext = f;
    } else {
        l->head = f;
    }
    l->tail = f;
}

/* --- memory --- */

/* A flow's MAC sets are its side record in the chunk: set once, when the flow is first handed
 * out, and kept for every reuse (flow_init clears their counts). */
static void
flow_first_use(void *obj, void *side)
{
    ((Flow *)obj)->macs = side;
}

static size_t
flow_side_size(const FlowConfig *cfg)
{
    return cfg->track_macs ? sizeof(FlowMacs) : 0;
}

/* Bucket arrays of 2 MiB or more come from huge pages too (a million-flow table's array is
 * 16 MiB: 4,096 faults on small pages); smaller ones, or when that is refused, from calloc.
 * *huge says which, for buckets_free. */
static Flow **
buckets_alloc(size_t cnt, bool *huge)
{
    size_t bytes = cnt * sizeof(Flow *);
    Flow **b = bytes >= POOL_HUGE_ALIGN ? pool_huge_zalloc(pool_huge_round(bytes)) : NULL;
    *huge = b != NULL;
    return b != NULL ? b : calloc(cnt, sizeof(Flow *));
}

static void
buckets_free(Flow **b, size_t cnt, bool huge)
{
    if (huge) {
        pool_huge_free(b, pool_huge_round(cnt * sizeof(Flow *)));
    } else {
        free(b);
    }
}

static void
memuse_update(FlowTable *ft)
{
    counter_set(&ft->ctr[FLOW_CTR_MEMUSE], memcap_used(ft->mc));
}

static void
spare_update(FlowTable *ft)
{
    counter_set(&ft->ctr[FLOW_CTR_SPARE], pool_free_cnt(&ft->flows));
}

/* --- hashing --- */

static uint64_t
key_hash(const FlowTable *ft, const SkAddr *a, const SkAddr *b, uint16_t pa, uint16_t pb,
         uint8_t proto, const Packet *p)
{
    packet_ends_order(&a, &b, &pa, &pb); /* symmetric: both directions hash alike */
    uint64_t depth = ft->cfg.recursion_tracking ? p->tunnel_depth : 0;
    uint64_t extra = (uint64_t)pa << 48 | (uint64_t)pb << 32 | (uint64_t)proto << 24 | depth << 16;
    uint64_t vl = 0;
    for (unsigned i = 0; ft->cfg.vlan_tracking && i < p->vlan_cnt; i++) {
        vl = vl << 12 | p->vlan_id[i];
    }
    return hash_addr_pair(ft->seed ^ vl, a->b, b->b, extra);
}

static bool
same_vlans_depth(const FlowTable *ft, const Flow *f, const Packet *p)
{
    if (ft->cfg.recursion_tracking && f->tunnel_depth != p->tunnel_depth) {
        return false;
    }
    if (!ft->cfg.vlan_tracking) {
        return true;
    }
    if (f->vlan_cnt != p->vlan_cnt) {
        return false;
    }
    for (unsigned i = 0; i < p->vlan_cnt; i++) {
        if (f->vlan_id[i] != p->vlan_id[i]) {
            return false;
        }
    }
    return true;
}

/* 0: no match, 1: same orientation (toserver), 2: reversed (toclient). An ESP flow is one
 * security association, which runs one way: Suricata 8.0.7 starts another flow for the reverse
 * direction even when the SPI is the same. */
static int
key_match(const Flow *f, const SkAddr *s, const SkAddr *d, uint16_t sp, uint16_t dp, uint8_t proto)
{
    if (f->proto != proto) {
        return 0;
    }
    if (f->sp == sp && f->dp == dp && memcmp(&f->src, s, sizeof(*s)) == 0
        && memcmp(&f->dst, d, sizeof(*d)) == 0) {
        return 1;
    }
    if (proto != SK_IPPROTO_ESP && f->sp == dp && f->dp == sp && memcmp(&f->src, d, sizeof(*d)) == 0
        && memcmp(&f->dst, s, sizeof(*s)) == 0) {
        return 2;
    }
    return 0;
}

/* --- growing the bucket array --- */

/* Starts doubling the array, if the new one fits this table's share of flow.memcap beside the
 * old one (both are charged until the old is drained). A table at its cap keeps its size. */
static void
buckets_grow(FlowTable *ft)
{
    uint64_t n = (uint64_t)ft->mask + 1;
    uint64_t bytes = 2 * n * sizeof(*ft->buckets);
    if (2 * n > BUCKETS_MAX || !memcap_charge(ft->mc, bytes)) {
        return;
    }
    bool huge;
    Flow **b = buckets_alloc(2 * n, &huge); /* fresh zero pages, no stall to clear them */
    if (b == NULL) {
        memcap_release(ft->mc, bytes);
        return;
    }
    ft->old = ft->buckets;
    ft->old_huge = ft->buckets_huge;
    ft->buckets_huge = huge;
    ft->old_mask = ft->mask;
    ft->old_next = 0;
    ft->buckets = b;
    ft->mask = (uint32_t)(2 * n - 1);
    memuse_update(ft);
}

/* Puts f at the head of the chain at *head. Chains are doubly linked through hpprev (the
 * pointer that points at the flow, as Linux's hlist), so ending a flow unlinks it without
 * walking its chain: under a flood, a walk is a cache miss per flow. */
static void
chain_push(Flow **head, Flow *f)
{
    f->hnext = *head;
    if (f->hnext != NULL) {
        f->hnext->hpprev = &f->hnext;
    }
    *head = f;
    f->hpprev = head;
}

/* Moves the flows of the next REHASH_STEP old buckets to the new array; frees the old array
 * once it is empty. Order inside a chain does not matter: a key is in the table once. */
static void
rehash_step(FlowTable *ft)
{
    /* The flows this step moves were prefetched by the previous step (a packet ago): moving
     * them is then no cache miss. Ask for the next step's now. */
    for (uint32_t i = ft->old_next + REHASH_STEP;
         i < ft->old_next + 2 * REHASH_STEP && i <= ft->old_mask; i++) {
        if (ft->old[i] != NULL) {
            __builtin_prefetch(ft->old[i], 1);
        }
    }
    for (unsigned i = 0; i < REHASH_STEP && ft->old_next <= ft->old_mask; i++) {
        Flow *f = ft->old[ft->old_next];
        ft->old[ft->old_next++] = NULL;
        while (f != NULL) {
            Flow *next = f->hnext;
            chain_push(&ft->buckets[f->hash & ft->mask], f);
            f = next;
        }
    }
    if (ft->old_next > ft->old_mask) {
        buckets_free(ft->old, (size_t)ft->old_mask + 1, ft->old_huge);
        memcap_release(ft->mc, ((uint64_t)ft->old_mask + 1) * sizeof(*ft->old));
        memuse_update(ft);
        ft->old = NULL;
    }
}

/* --- ending flows --- */

/* The chain a hash belongs to: the old array's while that bucket is not yet drained. */
static Flow **
bucket_head(FlowTable *ft, uint32_t hash)
{
    if (ft->old != NULL && (hash & ft->old_mask) >= ft->old_next) {
        return &ft->old[hash & ft->old_mask];
    }
    return &ft->buckets[hash & ft->mask];
}

static void
bucket_unlink(Flow *f)
{
    *f->hpprev = f->hnext;
    if (f->hnext != NULL) {
        f->hnext->hpprev = f->hpprev;
    }
}

/* Ends f: every end step runs, in pipeline order (FlowEndStep), on the flow as it stands; only
 * then does it leave its chain (unless the caller empties every chain at once:
 * flow_table_flush) and its timeout list, and go back to the pool. No step may end another flow
 * or handle a packet of this table. */
static void
flow_end_common(FlowTable *ft, Flow *f, FlowEndReason reason, SkTime now, bool unlink_chain)
{
    f->end_reason = (uint8_t)reason;
    for (unsigned i = 0; i < ft->chain_cnt; i++) {
        ft->chain[i].fn(f, now, ft->chain[i].user);
    }
    switch (reason) {
    case FLOW_END_TIMEOUT:
        counter_inc(&ft->ctr[FLOW_CTR_MGR_FLOWS_TIMEOUT]);
        break;
    case FLOW_END_FORCED:
        counter_inc(&ft->ctr[FLOW_CTR_GET_USED]);
        break;
    case FLOW_END_SHUTDOWN:
        break;
    }
    counter_inc(&ft->ctr[FLOW_CTR_END_STATE_NEW + f->state]);
    if (unlink_chain) {
        bucket_unlink(f);
    }
    list_unlink(ft, f);
    pool_put(&ft->flows, f);
    spare_update(ft);
    ft->active--;
    counter_set(&ft->ctr[FLOW_CTR_ACTIVE], ft->active);
}

static void
flow_end(FlowTable *ft, Flow *f, FlowEndReason reason, SkTime now)
{
    flow_end_common(ft, f, reason, now, true);
}

unsigned
flow_table_timeout(FlowTable *ft, SkTime now, unsigned budget)
{
    unsigned ended = 0;

    for (unsigned i = 0; i < FLOW_LISTS && ended < budget; i++) {
        Flow *f;
        while (ended < budget && (f = ft->lists[i].head) != NULL && flow_expired(ft, f, now)) {
            flow_end(ft, f, FLOW_END_TIMEOUT, now);
            ended++;
        }
    }
    /* flow.emergency-recovery: leave emergency once that share of the preallocated flows is
     * free again. */
    /* The target is a share of the preallocated flows, or of all flows the table holds when
     * prealloc is smaller: hysteresis, so the table does not flap in and out at the cap. */
    uint64_t held = pool_held(&ft->flows);
    uint64_t free_cnt = pool_free_cnt(&ft->flows);
    uint64_t base = ft->prealloc > held ? ft->prealloc : held;
    if (ft->emergency && free_cnt * 100 >= base * ft->cfg.emergency_recovery && free_cnt > 0) {
        ft->emergency = false;
        counter_inc(&ft->ctr[FLOW_CTR_EMERG_MODE_OVER]);
        log_notice("flow: worker %u: emergency mode over, %lu flows active", ft->worker_id,
                   (unsigned long)ft->active);
    }
    return ended;
}

/* The least recently active flow of all lists: what memcap pressure evicts. */
static Flow *
oldest_flow(FlowTable *ft)
{
    Flow *best = NULL;
    for (unsigned i = 0; i < FLOW_LISTS; i++) {
        Flow *f = ft->lists[i].head;
        if (f != NULL && (best == NULL || f->last < best->last)) {
            best = f;
        }
    }
    return best;
}

/* A flow from the pool; at flow.memcap, emergency timeouts, then the least recently active
 * flow is evicted (reason forced) for it. NULL only when the table holds no flow to evict: then
 * flow.memcap-policy applies to the packet. */
static Flow *
flow_alloc(FlowTable *ft, SkTime now)
{
    Flow *f = pool_get(&ft->flows);
    if (f == NULL) {
        /* flow.memcap reached: emergency timeouts, then evict the oldest flow. */
        counter_inc(&ft->ctr[FLOW_CTR_MEMCAP]);
        if (!ft->emergency) {
            ft->emergency = true;
            counter_inc(&ft->ctr[FLOW_CTR_EMERG_MODE_ENTERED]);
            log_notice("flow: worker %u: flow.memcap reached, emergency mode entered, %lu flows "
                       "active",
                       ft->worker_id, (unsigned long)ft->active);
        }
        flow_table_timeout(ft, now, EMERG_SWEEP_BUDGET);
        if (pool_free_cnt(&ft->flows) == 0) {
            Flow *victim = oldest_flow(ft);
            if (victim == NULL) {
                return NULL;
            }
            flow_end(ft, victim, FLOW_END_FORCED, now);
        }
        f = pool_get(&ft->flows);
        if (f == NULL) {
            return NULL;
        }
    }
    spare_update(ft);
    memuse_update(ft); /* the pool may have taken a chunk */
    return f;
}

/* flow.memcap-policy, for a packet left without a flow by the memcap: counted under its action
 * (none for ignore, nor for the drops an IDS cannot do). Suricata's actions on the packet
 * (pass-packet: no further inspection; reject) have no stage to act on yet: detection will read
 * them from the packet. */
static void
memcap_policy_apply(FlowTable *ft)
{
    ExceptionCounter c = exception_policy_counter((ExceptionPolicy)ft->cfg.memcap_policy);
    if (c != EXC_CTR_MAX && ft->exc_ctr[c] != NULL) {
        counter_inc(ft->exc_ctr[c]);
    }
}

/* --- per packet --- */

/* One MAC into a side's set, unless it is there or the set is full; the side's count feeds the
 * decoder.max_mac_addrs_* maximum. */
static void
mac_add(FlowTable *ft, FlowMacs *m, unsigned side, const uint8_t *mac)
{
    for (unsigned i = 0; i < m->cnt[side]; i++) {
        if (memcmp(m->mac[side][i], mac, 6) == 0) {
            return;
        }
    }
    if (m->cnt[side] == FLOW_MACS_MAX) {
        return;
    }
    memcpy(m->mac[side][m->cnt[side]++], mac, 6);
    counter_max(&ft->ctr[side == FLOW_MACS_SRC ? FLOW_CTR_MAX_MACS_SRC : FLOW_CTR_MAX_MACS_DST],
                m->cnt[side]);
}

/* The packet's MACs into the flow's sets, by side (see FlowMacs). */
static void
flow_macs_add(FlowTable *ft, FlowMacs *m, const Packet *p, int dir)
{
    const uint8_t *eth = packet_ether(p);

    if (eth == NULL) {
        return;
    }
    const uint8_t *dst = eth, *src = eth + 6;
    if (dir == FLOW_DIR_TOSERVER) {
        mac_add(ft, m, FLOW_MACS_SRC, src);
        mac_add(ft, m, FLOW_MACS_DST, dst);
    } else {
        mac_add(ft, m, FLOW_MACS_SRC, dst);
        mac_add(ft, m, FLOW_MACS_DST, src);
    }
}

static void
flow_init(FlowTable *ft, Flow *f, const Packet *p, uint16_t sp, uint16_t dp, uint64_t hash)
{
    FlowMacs *macs = f->macs;

    memset(f, 0, sizeof(*f));
    if (macs != NULL) {
        macs->cnt[0] = macs->cnt[1] = 0;
        f->macs = macs;
    }
    f->src = p->src;
    f->dst = p->dst;
    f->sp = sp;
    f->dp = dp;
    f->proto = p->proto;
    f->ip_ver = p->ip_ver;
    f->vlan_cnt = p->vlan_cnt;
    memcpy(f->vlan_id, p->vlan_id, sizeof(f->vlan_id));
    f->tunnel_depth = p->tunnel_depth;
    f->hash = (uint32_t)hash;
    f->start = f->last = p->ts;
    f->state = FLOW_STATE_NEW;
    /* Unique across workers and runs, under 2^53 so JSON readers keep it exact. */
    f->flow_id = hash_splitmix64(ft->id_seed ^ (ft->id_seq++ * ft->workers + ft->worker_id))
                 & ((1ULL << 51) - 1);
    if (f->flow_id == 0) {
        f->flow_id = 1;
    }
    ft->active++;
    counter_inc(&ft->ctr[FLOW_CTR_TOTAL]);
    counter_set(&ft->ctr[FLOW_CTR_ACTIVE], ft->active);
    switch (p->proto) {
    case SK_IPPROTO_TCP:
        counter_inc(&ft->ctr[FLOW_CTR_TCP]);
        break;
    case SK_IPPROTO_UDP:
        counter_inc(&ft->ctr[FLOW_CTR_UDP]);
        break;
    case SK_IPPROTO_ICMP:
        counter_inc(&ft->ctr[FLOW_CTR_ICMPV4]);
        break;
    case SK_IPPROTO_ICMPV6:
        counter_inc(&ft->ctr[FLOW_CTR_ICMPV6]);
        break;
    default:
        break;
    }
}

/* The built-in state hook: enough of the TCP handshake and teardown for the flow state, and
 * for other protocols, established once both directions were seen. The stream stage replaces
 * it (flow_table_set_state_hook) with its session state machine; tcp_track is this hook's. */
static inline void
flow_state_default(Flow *f, const Packet *p, int dir)
{
    if (f->proto == SK_IPPROTO_TCP) {
        uint8_t fl = p->tcp_flags;
        if (dir == FLOW_DIR_TOSERVER && (fl & (SK_TH_SYN | SK_TH_ACK)) == SK_TH_SYN) {
            f->tcp_track |= TCP_TRACK_SYN;
        } else if (dir == FLOW_DIR_TOCLIENT
                   && (fl & (SK_TH_SYN | SK_TH_ACK)) == (SK_TH_SYN | SK_TH_ACK)
                   && (f->tcp_track & TCP_TRACK_SYN)) {
            f->tcp_track |= TCP_TRACK_SYNACK;
        } else if (dir == FLOW_DIR_TOSERVER && (fl & SK_TH_ACK) && !(fl & SK_TH_SYN)
                   && (f->tcp_track & TCP_TRACK_SYNACK) && f->state == FLOW_STATE_NEW) {
            f->state = FLOW_STATE_ESTABLISHED;
        }
        if (fl & SK_TH_FIN) {
            f->tcp_track |= dir == FLOW_DIR_TOSERVER ? TCP_TRACK_FIN_TS : TCP_TRACK_FIN_TC;
        }
        /* A reset, or a FIN each way, closes a session that was set up by a SYN. */
        if ((f->tcp_track & TCP_TRACK_SYN)
            && ((fl & SK_TH_RST)
                || (f->tcp_track & (TCP_TRACK_FIN_TS | TCP_TRACK_FIN_TC))
                       == (TCP_TRACK_FIN_TS | TCP_TRACK_FIN_TC))) {
            f->state = FLOW_STATE_CLOSED;
        }
    } else if (dir == FLOW_DIR_TOCLIENT && f->state == FLOW_STATE_NEW) {
        f->state = FLOW_STATE_ESTABLISHED;
    }
}

/* Does the carrier of IP-in-IP make a flow? Suricata 8.0.7 (tests/data/flow-ip-tunnels.pcap and
 * its malformed variants): an IPv4 carrier always, whatever it carries; an IPv6 carrier only
 * when its payload is long enough for the inner IP header and starts with that version, the
 * checks before which its tunnel decoder gives up (ipv4_in_ipv6_* and ipv6_in_ipv6_* events). */
static bool
ip_carrier_wants_flow(const Packet *p)
{
    if (p->ip_ver == 4) {
        return true;
    }
    Cursor inner = packet_l4(p);
    uint8_t vhl = 0;
    bool v4 = p->proto == SK_IPPROTO_IPIP;
    size_t hdr_len = v4 ? 20 : 40; /* the inner IPv4 or IPv6 fixed header */
    return inner.left >= hdr_len && cur_peek_u8(&inner, 0, &vhl) && (vhl >> 4) == (v4 ? 4 : 6);
}

/* Which decoded packets have a flow. Suricata 8.0.7 keys flows for TCP, UDP, SCTP, ICMP,
 * ICMPv6 and ESP, and for IP-in-IP carriers; no other protocol makes one, whether it carries
 * a tunnel (GRE, ERSPAN) or not (IGMP, OSPF, PIM, VRRP, AH over IPv4, no next header, ...:
 * tests/data/flow-other-protos.pcap). A UDP carrier (VXLAN, Geneve, Teredo) is a UDP flow. */
static bool
packet_wants_flow(const Packet *p)
{
    if (!decode_packet_wants_flow(p)) {
        return false;
    }
    switch (p->proto) {
    case SK_IPPROTO_TCP:
    case SK_IPPROTO_UDP:
    case SK_IPPROTO_SCTP:
    case SK_IPPROTO_ICMP:
    case SK_IPPROTO_ICMPV6:
    case SK_IPPROTO_ESP:
        return true;
    case SK_IPPROTO_IPIP:
    case SK_IPPROTO_IPV6:
        return ip_carrier_wants_flow(p);
    default:
        return false;
    }
}

/* Suricata tells a packet's direction by ports or addresses only for TCP, UDP, SCTP and ICMP;
 * packets of other flows (ESP, IP-in-IP carriers) all count toserver, so those flows stay
 * "new" (checked with Suricata 8.0.7 on tests/data/flow-ip-tunnels.pcap). */
static bool
proto_has_direction(uint8_t proto)
{
    return proto == SK_IPPROTO_TCP || proto == SK_IPPROTO_UDP || proto == SK_IPPROTO_SCTP
           || proto == SK_IPPROTO_ICMP || proto == SK_IPPROTO_ICMPV6;
}

Flow *
flow_handle_packet(FlowTable *ft, Packet *p)
{
    const SkAddr *s = &p->src, *d = &p->dst;
    uint16_t sp = 0, dp = 0;
    uint8_t proto = p->proto;
    bool icmp_err = false;

    p->flow = NULL;
    if (!packet_wants_flow(p)) {
        return NULL;
    }
    uint32_t spi = 0;
    if (p->flags & PKT_F_HAS_PORTS) {
        sp = p->sp;
        dp = p->dp;
    } else if (proto == SK_IPPROTO_ESP) {
        /* ESP: keyed on the SPI too, as Suricata does; hashed through the port slots. */
        Cursor esp = packet_l4(p);
        if (!cur_be32(&esp, &spi)) {
            spi = 0;
        }
        sp = (uint16_t)(spi >> 16);
        dp = (uint16_t)spi;
    } else if (p->flags & PKT_F_HAS_ICMP) {
        sp = p->icmp_type;
        dp = flow_icmp_counterpart(proto, p->icmp_type);
    }
    /* ICMPv4 errors never create a flow (as Suricata): they join the one they quote. */
    if (proto == SK_IPPROTO_ICMP && (p->flags & PKT_F_HAS_ICMP)
        && proto_icmpv4_is_error(p->icmp_type)) {
        if (!(p->flags & PKT_F_ICMP_ERR_EMB)) {
            return NULL;
        }
        /* Key on the quoted packet: the error joins the flow it reports on. */
        icmp_err = true;
        s = &p->emb_src;
        d = &p->emb_dst;
        sp = p->emb_sp;
        dp = p->emb_dp;
        proto = p->emb_proto;
    }

    if (ft->old != NULL) {
        rehash_step(ft);
    }
    uint64_t hash = key_hash(ft, s, d, sp, dp, proto, p);
    Flow **bucket = bucket_head(ft, (uint32_t)hash);
    Flow *f;
    int match = 0;
    for (f = *bucket; f != NULL; f = f->hnext) {
        /* The IP version too: an IPv4 address is kept as 16 bytes with 12 zeros, which an IPv6
         * address can equal (Suricata 7.0.17 fixed the same collision). */
        if ((uint32_t)hash == f->hash && f->ip_ver == p->ip_ver && same_vlans_depth(ft, f, p)
            && f->spi == spi && (match = key_match(f, s, d, sp, dp, proto)) != 0) {
            break;
        }
    }
    if (f != NULL && flow_expired(ft, f, p->ts)) {
        flow_end(ft, f, FLOW_END_TIMEOUT, p->ts);
        f = NULL;
    }
    int dir;
    if (f != NULL) {
        if (icmp_err) {
            dir = memcmp(&p->src, &f->src, sizeof(f->src)) == 0 ? FLOW_DIR_TOSERVER
                                                                : FLOW_DIR_TOCLIENT;
        } else if (!proto_has_direction(proto)) {
            dir = FLOW_DIR_TOSERVER;
        } else {
            dir = match == 1 ? FLOW_DIR_TOSERVER : FLOW_DIR_TOCLIENT;
        }
        list_unlink(ft, f);
    } else {
        if (icmp_err) {
            return NULL; /* an ICMPv4 error never creates a flow */
        }
        f = flow_alloc(ft, p->ts);
        if (f == NULL) {
            memcap_policy_apply(ft);
            return NULL;
        }
        flow_init(ft, f, p, sp, dp, hash);
        f->spi = spi;
        bucket = bucket_head(ft, (uint32_t)hash); /* eviction may have changed the chain */
        chain_push(bucket, f);
        dir = FLOW_DIR_TOSERVER;
        if (ft->active > (uint64_t)ft->mask + 1 && ft->old == NULL) {
            buckets_grow(ft);
        }
    }

    if (f->pkts[dir]++ == 0) {
        f->dir_start[dir] = p->ts;
        f->ttl_min[dir] = f->ttl_max[dir] = p->ttl;
    } else {
        f->ttl_min[dir] = p->ttl < f->ttl_min[dir] ? p->ttl : f->ttl_min[dir];
        f->ttl_max[dir] = p->ttl > f->ttl_max[dir] ? p->ttl : f->ttl_max[dir];
    }
    if (p->ts > f->dir_last[dir]) {
        f->dir_last[dir] = p->ts;
    }
    f->bytes[dir] += p->len;
    if (p->ts > f->last) {
        f->last = p->ts;
    }
    if (p->proto == SK_IPPROTO_TCP) {
        f->tcp_flags[dir] |= p->tcp_flags;
    }
    if ((p->flags & PKT_F_HAS_ICMP) && !icmp_err && !(f->icmp_seen & (1u << dir))) {
        f->icmp_seen |= (uint8_t)(1u << dir);
        f->icmp_type[dir] = p->icmp_type;
        f->icmp_code[dir] = p->icmp_code;
    }
    if (f->macs != NULL) {
        flow_macs_add(ft, f->macs, p, dir);
    }
    p->flow = f;
    p->flow_toserver = dir == FLOW_DIR_TOSERVER;
    /* A TCP packet is "established" (the flow keyword) only if the session was before it:
     * the ACK that completes the handshake is not, as in Suricata, where the packet's flow
     * flags are set before the stream engine moves the session. */
    p->flow_established = p->proto == SK_IPPROTO_TCP && f->state != FLOW_STATE_NEW;
    if (!icmp_err) {
        if (ft->state_fn == NULL) {
            flow_state_default(f, p, dir);
        } else {
            ft->handling = f; /* off its list: flow_set_state need not move it */
            ft->state_fn(ft, f, p, dir, ft->state_user);
            ft->handling = NULL;
        }
    }
    if (p->proto != SK_IPPROTO_TCP) {
        p->flow_established = f->state != FLOW_STATE_NEW;
    }
    list_append(ft, f);
    return f;
}

void
flow_set_state(FlowTable *ft, Flow *f, FlowState s)
{
    if (f->state == s) {
        return;
    }
    if (f == ft->handling) {
        f->state = (uint8_t)s;
        return;
    }
    /* The flow of the packet just handled is the tail of its list (its last activity is the
     * latest): at the tail of its new list it keeps every list oldest first. */
    list_unlink(ft, f);
    f->state = (uint8_t)s;
    list_append(ft, f);
}

void
flow_swap(Flow *f, Packet *p)
{
#define SWAP(a, b)                                                                                 \
    do {                                                                                           \
        __typeof__(a) t_ = (a);                                                                    \
        (a) = (b);                                                                                 \
        (b) = t_;                                                                                  \
    } while (0)
    SWAP(f->src, f->dst);
    SWAP(f->sp, f->dp);
    SWAP(f->pkts[0], f->pkts[1]);
    SWAP(f->bytes[0], f->bytes[1]);
    SWAP(f->dir_start[0], f->dir_start[1]);
    SWAP(f->dir_last[0], f->dir_last[1]);
    SWAP(f->ttl_min[0], f->ttl_min[1]);
    SWAP(f->ttl_max[0], f->ttl_max[1]);
    SWAP(f->tcp_flags[0], f->tcp_flags[1]);
    SWAP(f->icmp_type[0], f->icmp_type[1]);
    SWAP(f->icmp_code[0], f->icmp_code[1]);
    f->icmp_seen = (uint8_t)(((f->icmp_seen & 1u) << 1) | ((f->icmp_seen >> 1) & 1u));
    if (f->macs != NULL) {
        FlowMacs m = *f->macs;
        f->macs->cnt[FLOW_MACS_SRC] = m.cnt[FLOW_MACS_DST];
        f->macs->cnt[FLOW_MACS_DST] = m.cnt[FLOW_MACS_SRC];
        memcpy(f->macs->mac[FLOW_MACS_SRC], m.mac[FLOW_MACS_DST], sizeof(m.mac[0]));
        memcpy(f->macs->mac[FLOW_MACS_DST], m.mac[FLOW_MACS_SRC], sizeof(m.mac[0]));
    }
#undef SWAP
    if (p != NULL && p->flow == f) {
        p->flow_toserver = !p->flow_toserver;
    }
}

void
flow_table_set_state_hook(FlowTable *ft, FlowStateFn fn, void *user)
{
    ft->state_fn = fn;
    ft->state_user = user;
}

void
flow_table_set_end(FlowTable *ft, FlowEndStep step, FlowEndFn fn, void *user)
{
    if (step >= FLOW_END_STEP_MAX) {
        return;
    }
    ft->end[step].fn = fn;
    ft->end[step].user = user;
    ft->chain_cnt = 0;
    for (unsigned i = 0; i < FLOW_END_STEP_MAX; i++) {
        if (ft->end[i].fn != NULL) {
            ft->chain[ft->chain_cnt].fn = ft->end[i].fn;
            ft->chain[ft->chain_cnt++].user = ft->end[i].user;
        }
    }
}

void
flow_table_flush(FlowTable *ft, SkTime now)
{
    /* Every flow goes, so the chains are emptied at once afterwards instead of flow by flow:
     * unlinking a million flows from their chains is two cache misses each, at random. */
    for (unsigned i = 0; i < FLOW_LISTS; i++) {
        Flow *f;
        while ((f = ft->lists[i].head) != NULL) {
            if (f->lnext != NULL) {
                __builtin_prefetch(f->lnext);
            }
            flow_end_common(ft, f, FLOW_END_SHUTDOWN, now, false);
        }
    }
    memset(ft->buckets, 0, ((size_t)ft->mask + 1) * sizeof(*ft->buckets));
    if (ft->old != NULL) {
        memset(ft->old, 0, ((size_t)ft->old_mask + 1) * sizeof(*ft->old));
    }
}

const CounterSet *
flow_table_counters(const FlowTable *ft)
{
    return &ft->set;
}

uint64_t
flow_table_active(const FlowTable *ft)
{
    return ft->active;
}

static uint32_t
pow2_at_least(uint32_t v)
{
    uint32_t r = 1;
    while (r < v && r < (1u << 30)) {
        r <<= 1;
    }
    return r;
}

void
flow_table_memory(const FlowConfig *cfg, unsigned workers, FlowMemory *out)
{
    if (workers == 0) {
        workers = 1;
    }
    uint32_t hash_share = cfg->hash_size / workers > 0 ? cfg->hash_size / workers : 1;
    uint64_t prealloc_share = cfg->prealloc / workers;
    out->share = cfg->memcap / workers;
    out->buckets = (uint64_t)pow2_at_least(hash_share) * sizeof(Flow *);
    out->chunk = pool_chunk_bytes(sizeof(Flow), flow_side_size(cfg), FLOW_CHUNK);
    out->prealloc_chunks = (prealloc_share + FLOW_CHUNK - 1) / FLOW_CHUNK;
}

/* The table's counter set: flow.*, then exception_policy.flow.memcap.* when flow.memcap has a
 * policy (Suricata registers those only then: default stats records stay as they were). */
static void
counters_init(FlowTable *ft)
{
    static const char *const exc_names[EXC_CTR_MAX] = EXC_COUNTER_NAMES("flow.memcap", false);
    size_t n = 0;

    for (; n < FLOW_CTR_MAX; n++) {
        ft->names[n] = flow_counter_names[n];
    }
    for (unsigned i = 0; ft->cfg.memcap_policy != EXC_POLICY_IGNORE && i < EXC_CTR_MAX; i++) {
        if (exc_names[i] != NULL) {
            ft->names[n] = exc_names[i];
            ft->exc_ctr[i] = &ft->ctr[n++];
        }
    }
    ft->set.names = ft->names;
    ft->set.vals = ft->ctr;
    ft->set.cnt = n;
}

FlowTable *
flow_table_new(const FlowConfig *cfg, unsigned workers, unsigned worker_id, uint64_t id_seed,
               Memcap *mc)
{
    FlowTable *ft = calloc(1, sizeof(*ft));
    if (ft == NULL) {
        goto fail;
    }
    if (workers == 0) {
        workers = 1;
    }
    ft->cfg = *cfg;
    ft->workers = workers;
    ft->worker_id = worker_id;
    ft->id_seed = id_seed;
    ft->seed = hash_splitmix64(id_seed ^ 0x5eca11ab1eULL);
    ft->mc = mc;
    ft->prealloc = cfg->prealloc / workers;

    uint32_t nb = pow2_at_least(cfg->hash_size / workers > 0 ? cfg->hash_size / workers : 1);
    if (!memcap_charge(mc, (uint64_t)nb * sizeof(*ft->buckets))) {
        log_error("flow: flow.memcap %lu cannot hold the flow hash table (flow.hash-size %u); "
                  "raise memcap or lower hash-size",
                  (unsigned long)cfg->memcap, cfg->hash_size);
        goto fail;
    }
    ft->mask = nb - 1;
    ft->buckets = buckets_alloc(nb, &ft->buckets_huge);
    if (ft->buckets == NULL) {
        goto fail;
    }
    const PoolConfig pc = {
        .obj_size = sizeof(Flow),
        .side_size = flow_side_size(cfg),
        .chunk_cnt = FLOW_CHUNK,
        .huge = true,
        .first_use = cfg->track_macs ? flow_first_use : NULL, /* no call per flow without */
    };
    if (pool_init_cfg(&ft->flows, &pc, (uint32_t)ft->prealloc, mc) != SK_OK) {
        log_error("flow: flow.prealloc %u does not fit flow.memcap %lu; lower prealloc or "
                  "raise memcap",
                  cfg->prealloc, (unsigned long)cfg->memcap);
        goto fail;
    }
    counters_init(ft);
    memuse_update(ft);
    spare_update(ft);
    return ft;
fail:
    if (ft == NULL) {
        log_error("flow: out of memory creating the flow table");
    }
    flow_table_free(ft);
    return NULL;
}

void
flow_table_free(FlowTable *ft)
{
    if (ft == NULL) {
        return;
    }
    pool_fini(&ft->flows);
    if (ft->buckets != NULL || ft->mask != 0) {
        buckets_free(ft->buckets, (size_t)ft->mask + 1, ft->buckets_huge);
        memcap_release(ft->mc, ((uint64_t)ft->mask + 1) * sizeof(*ft->buckets));
    }
    if (ft->old != NULL) {
        buckets_free(ft->old, (size_t)ft->old_mask + 1, ft->old_huge);
        memcap_release(ft->mc, ((uint64_t)ft->old_mask + 1) * sizeof(*ft->old));
    }
    free(ft);
}

void
flow_pseudo_packet(const Flow *f, Packet *p, int toserver, SkTime ts)
{
    p->ts = ts;
    p->flags |= PKT_F_PSEUDO | PKT_F_HAS_PORTS;
    p->ip_ver = f->ip_ver;
    p->proto = f->proto;
    p->src = toserver ? f->src : f->dst;
    p->dst = toserver ? f->dst : f->src;
    p->sp = toserver ? f->sp : f->dp;
    p->dp = toserver ? f->dp : f->sp;
    p->flow = (Flow *)f;
    p->flow_toserver = (uint8_t)toserver;
    p->flow_established = f->state != FLOW_STATE_NEW;
}
