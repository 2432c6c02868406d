/* defrag.c: the tracker table. A tracker is one datagram being put together, keyed as the
 * targets key it (source, destination, identification, protocol: the fragment header's next
 * header for IPv6) plus what keeps captures apart (VLAN ids, tunnel depth). Fragments are
 * copied on arrival (the capture buffer is not ours to keep), kept sorted by offset, and the
 * datagram is written out once complete, by the overlap policy of its destination (policy.c),
 * then decoded from its IP header up by decode_datagram() into a packet slot of the worker.
 *
 * Limits, as an attacker would test them: trackers (defrag.trackers split over the workers;
 * at the cap the oldest unfinished tracker is taken, defrag.tracker_hard_reuse, so a flood of
 * first fragments cannot stop reassembly of new datagrams), fragments held
 * (defrag.max-frags, and DEFRAG_TRACKER_FRAGS_MAX per datagram), and bytes (every object comes
 * from a pool charged to defrag.memcap). A tracker lives defrag.timeout seconds from its first
 * fragment, as a target's reassembly timer runs from the first fragment too: a datagram the
 * target would have given up on is not completed here either. */
#include "defrag/defrag.h"

#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/log.h"
#include "core/pool.h"
#include "core/proto.h"
#include "defrag/defrag_int.h"

typedef enum {
#define DEFRAG_COUNTER(id, name) id,
#include "defrag/counters.def"
#undef DEFRAG_COUNTER
    DEFRAG_CTR_MAX
} DefragCounter;

static const char *const counter_names[DEFRAG_CTR_MAX] = {
#define DEFRAG_COUNTER(id, name) [id] = name,
#include "defrag/counters.def"
#undef DEFRAG_COUNTER
};

typedef struct DefragTracker {
    struct DefragTracker *hnext;         /* hash chain (first: the pool's link) */
    struct DefragTracker *lprev, *lnext; /* by creation: the head times out first */
    uint64_t hash;
    SkAddr src, dst;
    uint32_t id;
    uint8_t ip_ver, proto, vlan_cnt, depth;
    uint16_t vlan_id[PKT_VLAN_MAX];
    uint8_t policy;
    bool last_in;      /* a fragment without more-fragments came: len is known */
    bool overlap;      /* an overlap was seen (events are raised per fragment) */
    SkTime expires;    /* first fragment's time + defrag.timeout */
    DefragFrag *frags; /* sorted by offset, then arrival */
    uint32_t frag_cnt;
    uint32_t seq;
    uint32_t len; /* the datagram's data length: the last fragment's end (linux: the most
                         any fragment reached before it came) */
} DefragTracker;

/* The datagram buffers: one per tunnel depth, so a datagram reassembled inside the inner packet
 * of another reassembled datagram does not overwrite the bytes of the one that carried it. */
#define DEFRAG_DGRAM_LEN (DEFRAG_HDR_MAX + 65535u + 8u)

struct DefragTable {
    DefragConfig cfg;
    Memcap *mc;
    Pool trackers, frags, blocks;
    DefragTracker **buckets;
    uint32_t mask;
    DefragTracker *lru_head, *lru_tail;
    uint32_t active, tracker_max;
    uint32_t frags_held, frag_max;
    uint64_t seed;
    SkTime timeout_us;
    uint8_t *dgram[PKT_TUNNEL_DEPTH_MAX + 1];
    DefragFrag *paint[DEFRAG_TRACKER_FRAGS_MAX];
    /* defrag.* counters, then defrag.memcap's exception-policy counters when it has a policy. */
    Counter ctr[DEFRAG_CTR_MAX + EXC_CTR_MAX];
    const char *names[DEFRAG_CTR_MAX + EXC_CTR_MAX];
    Counter *exc_ctr[EXC_CTR_MAX]; /* into ctr; NULL: not registered */
    CounterSet set;
};

/* ---- configuration ---- */

void
defrag_config_default(DefragConfig *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->memcap = 32u << 20;
    cfg->hash_size = 65536;
    cfg->trackers = 65535;
    cfg->max_frags = 65535;
    cfg->prealloc = true;
    cfg->timeout_s = 60;
}

static bool
prefix_match(const SkAddr *a, const SkAddr *net, unsigned bits)
{
    unsigned full = bits / 8, rest = bits % 8;
    if (memcmp(a->b, net->b, full) != 0) {
        return false;
    }
    if (rest == 0) {
        return true;
    }
    uint8_t m = (uint8_t)(0xffu << (8 - rest));
    return (a->b[full] & m) == (net->b[full] & m);
}

/* Linear and per new tracker only (not per fragment): host-os-policy lists are short. */
DefragPolicy
defrag_config_policy(const DefragConfig *cfg, const SkAddr *dst, uint8_t ip_ver)
{
    int best = -1;
    DefragPolicy p = DEFRAG_POLICY_BSD;
    for (unsigned i = 0; i < cfg->host_os_cnt && i < DEFRAG_HOST_OS_MAX; i++) {
        const DefragHostOs *h = &cfg->host_os[i];
        if (h->ip_ver == ip_ver && (int)h->bits > best && prefix_match(dst, &h->addr, h->bits)) {
            best = h->bits;
            p = (DefragPolicy)h->policy;
        }
    }
    return p;
}

/* ---- the table ---- */

static uint32_t
pow2_at_least(uint32_t n)
{
    uint32_t p = 1;
    while (p < n && p < (1u << 30)) {
        p <<= 1;
    }
    return p;
}

/* The table's counter set: defrag.*, then exception_policy.defrag.memcap.* when defrag.memcap
 * has a policy (Suricata registers those only then: default stats records stay as they were).
 * No state here belongs to a flow: pass_flow is not one of them. */
static void
counters_init(DefragTable *t)
{
    static const char *const exc_names[EXC_CTR_MAX] = EXC_COUNTER_NAMES("defrag.memcap", false);
    size_t n = 0;

    for (; n < DEFRAG_CTR_MAX; n++) {
        t->names[n] = counter_names[n];
        counter_set(&t->ctr[n], 0);
    }
    for (unsigned i = 0; t->cfg.memcap_policy != EXC_POLICY_IGNORE && i < EXC_CTR_MAX; i++) {
        if (exc_names[i] != NULL) {
            t->names[n] = exc_names[i];
            counter_set(&t->ctr[n], 0);
            t->exc_ctr[i] = &t->ctr[n++];
        }
    }
    t->set.names = t->names;
    t->set.vals = t->ctr;
    t->set.cnt = n;
}

/* defrag.memcap-policy, for a fragment defrag.memcap left without a tracker or a copy: counted
 * under its action (none for ignore, nor for the drops an IDS cannot do), as flow.memcap-policy
 * is. The packet's actions (pass-packet: no further inspection) have no stage to act on yet:
 * detection will read them from the packet. */
static void
memcap_policy_apply(DefragTable *t)
{
    ExceptionCounter c = exception_policy_counter((ExceptionPolicy)t->cfg.memcap_policy);
    if (c != EXC_CTR_MAX && t->exc_ctr[c] != NULL) {
        counter_inc(t->exc_ctr[c]);
    }
}

DefragTable *
defrag_table_new(const DefragConfig *cfg, unsigned workers, uint64_t seed, Memcap *mc)
{
    DefragTable *t = calloc(1, sizeof(*t));
    if (workers == 0) {
        workers = 1;
    }
    if (t == NULL) {
        goto fail;
    }
    t->cfg = *cfg;
    t->mc = mc;
    t->seed = seed;
    t->timeout_us = SK_TIME_FROM_SEC(cfg->timeout_s);
    t->tracker_max = cfg->trackers / workers > 0 ? cfg->trackers / workers : 1;
    t->frag_max = cfg->max_frags / workers > 0 ? cfg->max_frags / workers : 1;
    uint32_t nb = pow2_at_least(cfg->hash_size / workers > 0 ? cfg->hash_size / workers : 1);
    t->mask = nb - 1;
    t->buckets = calloc(nb, sizeof(*t->buckets));
    if (t->buckets == NULL) {
        goto fail;
    }
    for (unsigned d = 0; d <= PKT_TUNNEL_DEPTH_MAX; d++) {
        /* Reserved, touched only when a datagram at that depth completes. */
        if ((t->dgram[d] = malloc(DEFRAG_DGRAM_LEN)) == NULL) {
            goto fail;
        }
    }
    uint32_t pre = cfg->prealloc ? t->tracker_max : 0;
    /* Preallocated trackers in one chunk: calloc maps that many (7 MiB for the default
     * 65,535) as fresh zero pages, touched only as trackers are used. In chunks of 64 KiB
     * from the heap, calloc cleared every one at start-up (1,800 page faults, several ms of
     * a short run); from a huge-page reservation, each chunk's header faulted in and cleared
     * a 2 MiB page. */
    const PoolConfig tc = {.obj_size = sizeof(DefragTracker), .chunk_cnt = pre};
    if (pool_init_cfg(&t->trackers, &tc, pre, mc) != SK_OK) {
        log_error("defrag: %u trackers (defrag.trackers, defrag.prealloc) do not fit "
                  "defrag.memcap: raise the memcap or lower the trackers",
                  pre);
        defrag_table_free(t);
        return NULL;
    }
    if (pool_init(&t->frags, sizeof(DefragFrag), 0, mc) != SK_OK
        || pool_init(&t->blocks, sizeof(DefragBlock), 0, mc) != SK_OK) {
        goto fail;
    }
    counters_init(t);
    return t;
fail:
    log_error("defrag: out of memory for the fragment tracker table");
    defrag_table_free(t);
    return NULL;
}

void
defrag_table_free(DefragTable *t)
{
    if (t == NULL) {
        return;
    }
    pool_fini(&t->blocks);
    pool_fini(&t->frags);
    pool_fini(&t->trackers);
    for (unsigned d = 0; d <= PKT_TUNNEL_DEPTH_MAX; d++) {
        free(t->dgram[d]);
    }
    free(t->buckets);
    free(t);
}

const CounterSet *
defrag_table_counters(const DefragTable *t)
{
    return &t->set;
}

uint32_t
defrag_table_active(const DefragTable *t)
{
    return t->active;
}

static void
memuse_update(DefragTable *t)
{
    counter_set(&t->ctr[DEFRAG_CTR_MEMUSE], memcap_used(t->mc));
}

/* ---- fragments ---- */

static void
frag_free(DefragTable *t, DefragFrag *f)
{
    DefragBlock *b = f->blocks;
    while (b != NULL) {
        DefragBlock *next = b->next;
        pool_put(&t->blocks, b);
        b = next;
    }
    pool_put(&t->frags, f);
    t->frags_held--;
}

/* Copies hdr then data into a chain of blocks; NULL when the memcap refuses (nothing kept). */
static DefragFrag *
frag_copy(DefragTable *t, Cursor hdr, Cursor data)
{
    DefragFrag *f = pool_get(&t->frags);
    if (f == NULL) {
        return NULL;
    }
    memset(f, 0, sizeof(*f));
    t->frags_held++;
    DefragBlock **tail = &f->blocks;
    size_t room = 0;
    DefragBlock *b = NULL;
    Cursor parts[2] = {hdr, data};
    for (int k = 0; k < 2; k++) {
        Cursor c = parts[k];
        while (c.left > 0) {
            if (room == 0) {
                if ((b = pool_get(&t->blocks)) == NULL) {
                    frag_free(t, f);
                    return NULL;
                }
                b->next = NULL;
                *tail = b;
                tail = &b->next;
                room = DEFRAG_BLOCK_DATA;
            }
            size_t n = c.left < room ? c.left : room;
            size_t at = DEFRAG_BLOCK_DATA - room;
            if (!cur_bytes(&c, b->data + at, n)) {
                frag_free(t, f);
                return NULL;
            }
            room -= n;
        }
    }
    return f;
}

/* Copies n bytes from f's stored bytes at `from` (headers first, then data) into dst. */
static void
frag_read(const DefragFrag *f, size_t from, uint8_t *dst, size_t n)
{
    const DefragBlock *b = f->blocks;
    while (b != NULL && from >= DEFRAG_BLOCK_DATA) {
        from -= DEFRAG_BLOCK_DATA;
        b = b->next;
    }
    while (b != NULL && n > 0) {
        size_t k = DEFRAG_BLOCK_DATA - from;
        if (k > n) {
            k = n;
        }
        memcpy(dst, b->data + from, k);
        dst += k;
        n -= k;
        from = 0;
        b = b->next;
    }
}

/* ---- trackers ---- */

static uint64_t
tracker_hash(const DefragTable *t, const Packet *p)
{
    uint64_t extra = (uint64_t)p->frag.id | (uint64_t)p->frag.proto << 32
                     | (uint64_t)p->ip_ver << 40 | (uint64_t)p->tunnel_depth << 48;
    for (unsigned i = 0; i < p->vlan_cnt && i < PKT_VLAN_MAX; i++) {
        extra ^= hash_splitmix64((uint64_t)p->vlan_id[i] + i);
    }
    return hash_addr_pair(t->seed, p->src.b, p->dst.b, extra);
}

static bool
tracker_is(const DefragTracker *tr, const Packet *p, uint64_t h)
{
    return tr->hash == h && tr->id == p->frag.id && tr->proto == p->frag.proto
           && tr->ip_ver == p->ip_ver && tr->depth == p->tunnel_depth && tr->vlan_cnt == p->vlan_cnt
           && memcmp(tr->vlan_id, p->vlan_id, sizeof(tr->vlan_id[0]) * p->vlan_cnt) == 0
           && memcmp(tr->src.b, p->src.b, 16) == 0 && memcmp(tr->dst.b, p->dst.b, 16) == 0;
}

static void
tracker_free(DefragTable *t, DefragTracker *tr)
{
    DefragTracker **pp = &t->buckets[tr->hash & t->mask];
    while (*pp != NULL && *pp != tr) {
        pp = &(*pp)->hnext;
    }
    if (*pp == tr) {
        *pp = tr->hnext;
    }
    if (tr->lprev != NULL) {
        tr->lprev->lnext = tr->lnext;
    } else {
        t->lru_head = tr->lnext;
    }
    if (tr->lnext != NULL) {
        tr->lnext->lprev = tr->lprev;
    } else {
        t->lru_tail = tr->lprev;
    }
    DefragFrag *f = tr->frags;
    while (f != NULL) {
        DefragFrag *next = f->next;
        frag_free(t, f);
        f = next;
    }
    pool_put(&t->trackers, tr);
    t->active--;
}

static void
tracker_expire(DefragTable *t, DefragTracker *tr)
{
    counter_inc(&t->ctr[tr->ip_ver == 4 ? DEFRAG_CTR_IPV4_TIMEOUTS : DEFRAG_CTR_IPV6_TIMEOUTS]);
    tracker_free(t, tr);
}

unsigned
defrag_table_timeout(DefragTable *t, SkTime now, unsigned budget)
{
    unsigned n = 0;
    while (n < budget && t->lru_head != NULL && t->lru_head->expires <= now) {
        counter_inc(&t->ctr[DEFRAG_CTR_WRK_TRACKER_TIMEOUT]);
        tracker_expire(t, t->lru_head);
        n++;
    }
    if (n > 0) {
        memuse_update(t);
    }
    return n;
}

/* The tracker of p's datagram, made when none is; NULL at the caps. */
static DefragTracker *
tracker_get(DefragTable *t, const Packet *p)
{
    uint64_t h = tracker_hash(t, p);
    for (DefragTracker *tr = t->buckets[h & t->mask]; tr != NULL; tr = tr->hnext) {
        if (tracker_is(tr, p, h)) {
            if (tr->expires > p->ts) {
                return tr;
            }
            /* Past its time: the target gave up on it; this fragment starts anew. */
            tracker_expire(t, tr);
            break;
        }
    }
    DefragTracker *tr = NULL;
    bool refused = false; /* by defrag.memcap, below the tracker cap */
    if (t->active < t->tracker_max) {
        tr = pool_get(&t->trackers);
        refused = tr == NULL;
    }
    if (tr == NULL) {
        if (t->lru_head == NULL) {
            counter_inc(&t->ctr[DEFRAG_CTR_MAX_TRACKERS_REACHED]);
            if (refused) {
                memcap_policy_apply(t);
            }
            return NULL;
        }
        /* At the cap: the oldest unfinished datagram makes room for the new one. */
        counter_inc(&t->ctr[DEFRAG_CTR_TRACKER_HARD_REUSE]);
        tracker_free(t, t->lru_head);
        if ((tr = pool_get(&t->trackers)) == NULL) {
            /* Below the cap now: only the memcap refuses. */
            counter_inc(&t->ctr[DEFRAG_CTR_MAX_TRACKERS_REACHED]);
            memcap_policy_apply(t);
            return NULL;
        }
    }
    memset(tr, 0, sizeof(*tr));
    tr->hash = h;
    tr->src = p->src;
    tr->dst = p->dst;
    tr->id = p->frag.id;
    tr->proto = p->frag.proto;
    tr->ip_ver = p->ip_ver;
    tr->depth = p->tunnel_depth;
    tr->vlan_cnt = p->vlan_cnt;
    memcpy(tr->vlan_id, p->vlan_id, sizeof(tr->vlan_id));
    tr->policy = (uint8_t)defrag_config_policy(&t->cfg, &p->dst, p->ip_ver);
    tr->expires = p->ts + t->timeout_us;
    tr->hnext = t->buckets[h & t->mask];
    t->buckets[h & t->mask] = tr;
    tr->lprev = t->lru_tail;
    if (t->lru_tail != NULL) {
        t->lru_tail->lnext = tr;
    } else {
        t->lru_head = tr;
    }
    t->lru_tail = tr;
    t->active++;
    return tr;
}

/* ---- fragments into trackers ---- */

static void
raise_ev(DecodeThread *dec, Packet *p, DecodeEvent v4, DecodeEvent v6)
{
    decode_event_raise(dec, p, p->ip_ver == 4 ? v4 : v6);
}

/* IPv6: the offset (from the IPv6 header) of the next-header byte that names the fragment
 * header at frag_hdr_off, walking the unfragmentable extension headers; 0 when the walk does
 * not land there. */
static uint32_t
ipv6_nh_offset(Cursor l3, uint32_t frag_hdr_off)
{
    uint8_t nh = 0;
    uint32_t nh_at = 6, at = SK_IPV6_HDR_LEN;
    if (!cur_peek_u8(&l3, 6, &nh)) {
        return 0;
    }
    for (unsigned guard = 0; guard < 64 && at < frag_hdr_off; guard++) {
        uint8_t next = 0, hl = 0;
        if (!cur_peek_u8(&l3, at, &next) || !cur_peek_u8(&l3, at + 1, &hl)) {
            return 0;
        }
        switch (nh) {
        case SK_IPPROTO_HOPOPTS:
        case SK_IPPROTO_ROUTING:
        case SK_IPPROTO_DSTOPTS:
            nh_at = at;
            at += (hl + 1u) * 8u;
            break;
        case SK_IPPROTO_AH:
            nh_at = at;
            at += (hl + 2u) * 4u;
            break;
        default:
            return 0;
        }
        nh = next;
    }
    return at == frag_hdr_off && nh == SK_IPPROTO_FRAGMENT ? nh_at : 0;
}

/* Is the datagram complete: fragments tile [0, len) from a first fragment to the last? Under
 * the byte policies overlaps are allowed, so coverage is what counts. */
static bool
tracker_complete(const DefragTracker *tr)
{
    if (!tr->last_in) {
        return false;
    }
    uint32_t covered = 0;
    for (const DefragFrag *f = tr->frags; f != NULL; f = f->next) {
        if (f->off > covered) {
            return false;
        }
        if (f->off + f->len > covered) {
            covered = f->off + f->len;
        }
    }
    return covered >= tr->len;
}

static void
tracker_link(DefragTracker *tr, DefragFrag *nf)
{
    DefragFrag **pp = &tr->frags;
    while (*pp != NULL && (*pp)->off <= nf->off) {
        pp = &(*pp)->next;
    }
    nf->next = *pp;
    *pp = nf;
    tr->frag_cnt++;
}

static uint16_t
ipv4_csum(const uint8_t *h, size_t n)
{
    uint32_t s = 0;
    for (size_t i = 0; i + 1 < n; i += 2) {
        s += (uint32_t)h[i] << 8 | h[i + 1];
    }
    while (s >> 16) {
        s = (s & 0xffff) + (s >> 16);
    }
    return (uint16_t)~s;
}

/* Writes the datagram into the buffer of its depth and decodes it into slot. */
static Packet *
tracker_reassemble(DefragTable *t, DecodeThread *dec, DefragTracker *tr, Packet *frag, Packet *slot)
{
    uint32_t n = 0;
    for (DefragFrag *f = tr->frags; f != NULL && n < DEFRAG_TRACKER_FRAGS_MAX; f = f->next) {
        t->paint[n++] = f;
    }
    defrag_policy_paint_order((DefragPolicy)tr->policy, t->paint, n);
    /* The headers: those of the first fragment whose data the policy keeps at offset 0. */
    const DefragFrag *head = NULL;
    for (uint32_t i = 0; i < n; i++) {
        if (t->paint[i]->off == 0 && t->paint[i]->hdr_len > 0) {
            head = t->paint[i];
        }
    }
    if (head == NULL) {
        return NULL;
    }
    uint8_t *buf = t->dgram[tr->depth <= PKT_TUNNEL_DEPTH_MAX ? tr->depth : 0];
    uint32_t hlen = head->hdr_len;
    frag_read(head, 0, buf, hlen);
    for (uint32_t i = 0; i < n; i++) {
        const DefragFrag *f = t->paint[i];
        if (f->off >= tr->len) {
            continue;
        }
        uint32_t len = f->off + f->len > tr->len ? tr->len - f->off : f->len;
        frag_read(f, f->hdr_len, buf + hlen + f->off, len);
    }
    uint32_t l3 = head->l3_off;
    uint32_t total = hlen + tr->len;
    if (tr->ip_ver == 4) {
        uint32_t ihl = hlen - l3;
        uint32_t ip_len = ihl + tr->len;
        buf[l3 + 2] = (uint8_t)(ip_len >> 8);
        buf[l3 + 3] = (uint8_t)ip_len;
        buf[l3 + 6] = 0; /* no more fragments, offset 0 */
        buf[l3 + 7] = 0;
        buf[l3 + 10] = 0;
        buf[l3 + 11] = 0;
        uint16_t c = ipv4_csum(buf + l3, ihl);
        buf[l3 + 10] = (uint8_t)(c >> 8);
        buf[l3 + 11] = (uint8_t)c;
    } else {
        /* The fragment header is gone: the header that named it names what it carried. */
        uint32_t plen = hlen - l3 - SK_IPV6_HDR_LEN + tr->len;
        buf[l3 + head->nh_off] = tr->proto;
        buf[l3 + 4] = (uint8_t)(plen >> 8);
        buf[l3 + 5] = (uint8_t)plen;
    }
    memset(slot, 0, sizeof(*slot));
    slot->data = buf;
    slot->len = total;
    slot->wire_len = total;
    slot->ts = frag->ts;
    slot->pcap_cnt = frag->pcap_cnt;
    slot->linktype = frag->linktype;
    decode_datagram(dec, slot, frag, l3, head->eth_off);
    counter_inc(
        &t->ctr[tr->ip_ver == 4 ? DEFRAG_CTR_IPV4_REASSEMBLED : DEFRAG_CTR_IPV6_REASSEMBLED]);
    return slot;
}

/* RFC 7112 (and RFC 8200 4.5): a first fragment must hold the whole header chain, up to and
 * including the upper-layer header. One that does not hides the ports and flags from whatever
 * reads single fragments (stateless filters, ACLs): targets that follow the RFC (Linux since
 * 5.x, FreeBSD) discard it. Suricata 8.0.7 reassembles such a datagram and raises no event;
 * sekimori reassembles it too, so rules still see the datagram, and says so on the fragment.
 * The sizes are the fixed headers (TCP 20, UDP 8, ICMPv6 8: type, code, checksum and the first
 * word, as Linux requires; SCTP 12); for any other protocol the chain ending is enough. */
static bool
ipv6_first_frag_splits_headers(const Packet *frag)
{
    Cursor c = cur_init(frag->data + frag->frag.data_off, frag->frag.data_len);
    uint8_t nh = frag->frag.proto;
    for (unsigned guard = 0; guard < 64; guard++) {
        uint8_t next = 0, hl = 0;
        size_t need = 0;
        switch (nh) {
        case SK_IPPROTO_HOPOPTS:
        case SK_IPPROTO_ROUTING:
        case SK_IPPROTO_DSTOPTS:
        case SK_IPPROTO_AH:
            if (!cur_peek_u8(&c, 0, &next) || !cur_peek_u8(&c, 1, &hl)) {
                return true; /* the extension header itself is cut */
            }
            need = nh == SK_IPPROTO_AH ? (hl + 2u) * 4u : (hl + 1u) * 8u;
            if (!cur_skip(&c, need)) {
                return true;
            }
            nh = next;
            continue;
        case SK_IPPROTO_FRAGMENT:
            if (!cur_peek_u8(&c, 0, &next) || !cur_skip(&c, 8)) {
                return true;
            }
            nh = next;
            continue;
        case SK_IPPROTO_TCP:
            need = 20;
            break;
        case SK_IPPROTO_UDP:
            need = 8;
            break;
        case SK_IPPROTO_ICMPV6:
            need = 8;
            break;
        case SK_IPPROTO_SCTP:
            need = 12;
            break;
        default: /* ESP, no next header, or a protocol whose header we do not size */
            return false;
        }
        return c.left < need;
    }
    return false; /* a chain this long is decode's to judge */
}

Packet *
defrag_insert(DefragTable *t, DecodeThread *dec, Packet *frag, Packet *slot)
{
    if (!(frag->flags & PKT_F_FRAGMENT) || (frag->ip_ver != 4 && frag->ip_ver != 6)) {
        return NULL;
    }
    const uint32_t off = frag->frag.off;
    const uint32_t len = frag->frag.data_len;
    const uint32_t end = off + len;
    /* The headers the datagram keeps: link layer to the data (IPv4), or to the fragment
     * header (IPv6). */
    const uint32_t hdr_end = frag->ip_ver == 4 ? frag->frag.data_off : frag->frag.data_off - 8;
    if (frag->frag.data_off < frag->l3_off + (frag->ip_ver == 4 ? 20u : 48u)
        || (uint64_t)frag->frag.data_off + len > frag->len) {
        return NULL; /* decode's spans say otherwise: not a fragment we can read */
    }
    /* RFC 791 and 8200: a datagram is at most 65,535 bytes (IPv6: of payload). */
    uint32_t ip_hdr = hdr_end - frag->l3_off - (frag->ip_ver == 6 ? SK_IPV6_HDR_LEN : 0);
    if (ip_hdr + end > 65535u) {
        raise_ev(dec, frag, DECODE_IPV4_FRAG_PKT_TOO_LARGE, DECODE_IPV6_FRAG_PKT_TOO_LARGE);
        return NULL;
    }
    if (len == 0 || (off == 0 && hdr_end > DEFRAG_HDR_MAX)) {
        raise_ev(dec, frag, DECODE_IPV4_FRAG_IGNORED, DECODE_IPV6_FRAG_IGNORED);
        return NULL;
    }
    uint32_t nh_off = 0;
    if (off == 0 && frag->ip_ver == 6) {
        nh_off = ipv6_nh_offset(cur_init(frag->data + frag->l3_off, hdr_end - frag->l3_off),
                                hdr_end - frag->l3_off);
        if (nh_off == 0) {
            raise_ev(dec, frag, DECODE_IPV4_FRAG_IGNORED, DECODE_IPV6_FRAG_IGNORED);
            return NULL;
        }
        /* Suricata has no event of its own for it: ipv6.frag_invalid_length is its name for a
         * fragment whose length no target accepts, which this one is for RFC 7112 targets. */
        if (frag->frag.more && ipv6_first_frag_splits_headers(frag)) {
            decode_event_raise(dec, frag, DECODE_IPV6_FRAG_INVALID_LENGTH);
        }
    }
    DefragTracker *tr = tracker_get(t, frag);
    if (tr == NULL) {
        return NULL;
    }
    if (tr->frag_cnt >= DEFRAG_TRACKER_FRAGS_MAX || t->frags_held >= t->frag_max) {
        counter_inc(&t->ctr[DEFRAG_CTR_MAX_FRAGS_REACHED]);
        return NULL;
    }
    DefragPolicy pol = (DefragPolicy)tr->policy;
    bool run_start = true;
    if (frag->ip_ver == 6 && defrag_policy_drops_ipv6(pol)) {
        /* Today's systems: the length checks Linux makes before it looks for overlaps (a
         * last fragment that ends short of what is held, or a second end), then overlaps. */
        if (pol == DEFRAG_POLICY_LINUX
            && ((!frag->frag.more && (end < tr->len || (tr->last_in && end != tr->len)))
                || (frag->frag.more && end > tr->len && tr->last_in))) {
            raise_ev(dec, frag, DECODE_IPV4_FRAG_IGNORED, DECODE_IPV6_FRAG_IGNORED);
            tracker_free(t, tr);
            memuse_update(t);
            return NULL;
        }
        DefragVerdict v = defrag_policy_ipv6_verdict(pol, tr->frags, off, end, &run_start);
        if (v != DEFRAG_ACCEPT) {
            raise_ev(dec, frag, DECODE_IPV4_FRAG_OVERLAP, DECODE_IPV6_FRAG_OVERLAP);
            if (v == DEFRAG_KILL) {
                tracker_free(t, tr);
                memuse_update(t);
            }
            return NULL;
        }
    } else {
        for (const DefragFrag *f = tr->frags; f != NULL; f = f->next) {
            if (f->off < end && off < f->off + f->len) {
                raise_ev(dec, frag, DECODE_IPV4_FRAG_OVERLAP, DECODE_IPV6_FRAG_OVERLAP);
                tr->overlap = true;
                break;
            }
        }
    }
    Cursor hdr = cur_init(frag->data, off == 0 ? hdr_end : 0);
    Cursor data = cur_init(frag->data + frag->frag.data_off, len);
    DefragFrag *nf = frag_copy(t, hdr, data);
    memuse_update(t);
    if (nf == NULL) {
        memcap_policy_apply(t); /* defrag.memcap: the fragment is not kept */
        return NULL;
    }
    nf->off = off;
    nf->len = len;
    nf->seq = tr->seq++;
    nf->more = frag->frag.more;
    nf->run_start = run_start;
    if (off == 0) {
        nf->hdr_len = (uint16_t)hdr_end;
        nf->l3_off = (uint16_t)frag->l3_off;
        nf->eth_off = (frag->flags & PKT_F_ETH) && frag->eth_off + 14u <= frag->l3_off
                          ? (int32_t)frag->eth_off
                          : -1;
        nf->nh_off = (uint16_t)nh_off;
    }
    tracker_link(tr, nf);
    if (!frag->frag.more) {
        /* The datagram's end. Byte policies keep the first end they are told; the IPv6
         * models take the latest, as FreeBSD and Windows did in the measurements (Linux
         * refused a second, different end above). */
        if (!tr->last_in || defrag_policy_drops_ipv6(pol)) {
            tr->len = end;
        }
        tr->last_in = true;
    } else if (!tr->last_in && end > tr->len) {
        tr->len = end;
    }
    if (!tracker_complete(tr) || slot == NULL) {
        return NULL;
    }
    Packet *out = tracker_reassemble(t, dec, tr, frag, slot);
    tracker_free(t, tr);
    memuse_update(t);
    return out;
}
