/* segments.c: one direction's reassembly store (see segments.h for the contract).
 *
 * Two structures per direction:
 *  - the bytes, in one contiguous buffer covering stream offsets [base, base + cap), so a run
 *    of adjacent segments is one span of memory for the readers;
 *  - the pieces: a sorted, disjoint, doubly linked list of held ranges, each remembering the
 *    bounds of the segment whose bytes it holds (the "owner" the overlap policy compares a
 *    new segment with). Bytes of the buffer outside every piece mean nothing.
 *
 * Costs, honestly: insertion walks the list back from the tail, so in-order data and data near
 * the end are O(1); an insertion far behind many pieces is O(pieces) (an attacker pays a packet
 * per piece, and every piece is charged to the Memcap, which bounds the list). The end of the
 * run that starts at the head is kept up to date (each piece joins it once), so a reader in
 * that run, which is where readers are, peeks in O(1) however many segments made the run;
 * beyond it peek walks from the head. The buffer grows by doubling; growing or sliding it
 * moves the bytes still held (amortised once per byte per doubling: the only copy after the
 * first), and when nothing is held it moves for free, which is the common case of a reader
 * that keeps up. */
#include "stream/segments.h"

#include <stdlib.h>
#include <string.h>

#define BUF_MIN_SHIFT 12 /* the smallest buffer: 4 KiB */
#define BUF_CLS_MAX 19   /* 4 KiB << 18 = 1 GiB: the largest span a config may ask for */
#define SPAN_DEFAULT (16u << 20)

struct TcpPiece {
    TcpPiece *next; /* first: the pool's free list links through it */
    TcpPiece *prev;
    uint64_t start, end;         /* held offsets [start, end) */
    uint64_t seg_start, seg_end; /* the owner: the segment that wrote these bytes, as sent */
};

struct TcpSegStore {
    StreamReasmConfig cfg;
    uint64_t max_span;
    Memcap *mc;
    Pool pieces;
    uint8_t cls_cnt;
    bool ranges_only;       /* keep which offsets are held, not the bytes (no reader) */
    Pool bufs[BUF_CLS_MAX]; /* bufs[c]: 4 KiB << c */
};

static uint64_t
round_pow2(uint64_t n)
{
    uint64_t p = 1u << BUF_MIN_SHIFT;
    while (p < n) {
        p <<= 1;
    }
    return p;
}

TcpSegStore *
tcp_segstore_new(const StreamReasmConfig *cfg, Memcap *mc)
{
    TcpSegStore *st = calloc(1, sizeof(*st));
    if (st == NULL) {
        return NULL;
    }
    st->cfg = *cfg;
    st->mc = mc;
    uint64_t span = cfg->max_span;
    if (span == 0) {
        span = cfg->depth > 0 ? cfg->depth : SPAN_DEFAULT;
    }
    span = round_pow2(span);
    if (span > (1ull << (BUF_MIN_SHIFT + BUF_CLS_MAX - 1))) {
        span = 1ull << (BUF_MIN_SHIFT + BUF_CLS_MAX - 1);
    }
    st->max_span = span;
    if (pool_init(&st->pieces, sizeof(TcpPiece), cfg->seg_prealloc, mc) != SK_OK) {
        goto fail;
    }
    for (uint64_t sz = 1u << BUF_MIN_SHIFT; sz <= span; sz <<= 1) {
        if (pool_init(&st->bufs[st->cls_cnt], (size_t)sz, 0, mc) != SK_OK) {
            goto fail;
        }
        st->cls_cnt++;
    }
    return st;
fail:
    tcp_segstore_free(st);
    return NULL;
}

void
tcp_segstore_free(TcpSegStore *st)
{
    if (st == NULL) {
        return;
    }
    pool_fini(&st->pieces);
    for (unsigned c = 0; c < st->cls_cnt; c++) {
        pool_fini(&st->bufs[c]);
    }
    free(st);
}

void
tcp_segstore_set_ranges_only(TcpSegStore *st, bool on)
{
    st->ranges_only = on;
}

uint64_t
tcp_segstore_pieces_used(const TcpSegStore *st)
{
    return pool_held(&st->pieces) - pool_free_cnt(&st->pieces);
}

uint64_t
tcp_segstore_bufs_used(const TcpSegStore *st)
{
    uint64_t n = 0;
    for (unsigned c = 0; c < st->cls_cnt; c++) {
        n += pool_held(&st->bufs[c]) - pool_free_cnt(&st->bufs[c]);
    }
    return n;
}

/* ---- Pieces ---- */

static void
piece_unlink(TcpSegList *l, TcpPiece *p)
{
    if (p->prev != NULL) {
        p->prev->next = p->next;
    } else {
        l->head = p->next;
    }
    if (p->next != NULL) {
        p->next->prev = p->prev;
    } else {
        l->tail = p->prev;
    }
    pool_put(&l->st->pieces, p);
    l->piece_cnt--;
}

/* Links n after `after` (NULL: at the head). */
static void
piece_link_after(TcpSegList *l, TcpPiece *after, TcpPiece *n)
{
    n->prev = after;
    n->next = after != NULL ? after->next : l->head;
    if (n->next != NULL) {
        n->next->prev = n;
    } else {
        l->tail = n;
    }
    if (after != NULL) {
        after->next = n;
    } else {
        l->head = n;
    }
    l->piece_cnt++;
}

/* Takes a record from the reservation made for this insertion (never fails: counted before). */
static TcpPiece *
reserved_take(TcpPiece **stash)
{
    TcpPiece *p = *stash;
    *stash = p->next;
    return p;
}

static bool
same_owner(const TcpPiece *a, const TcpPiece *b)
{
    return a->seg_start == b->seg_start && a->seg_end == b->seg_end;
}

/* ---- Buffer ---- */

static void
buf_put(TcpSegList *l)
{
    if (l->buf != NULL) {
        pool_put(&l->st->bufs[l->buf_cls], l->buf);
    }
    l->buf = NULL;
    l->cap = 0;
    l->buf_cls = 0;
}

/* Makes the buffer cover [lo, hi) and every byte held. False: the span or the Memcap refuses
 * (nothing changed). */
static bool
buf_cover(TcpSegList *l, uint64_t lo, uint64_t hi)
{
    uint64_t from = l->head != NULL && l->head->start < lo ? l->head->start : lo;
    uint64_t to = l->tail != NULL && l->tail->end > hi ? l->tail->end : hi;
    if (l->buf != NULL && from >= l->base && to <= l->base + l->cap) {
        return true;
    }
    uint64_t span = to - from;
    if (span > l->st->max_span) {
        return false;
    }
    uint64_t want = round_pow2(span);
    if (l->buf != NULL && want <= l->cap) {
        /* Big enough, wrongly placed: slide the held bytes down to `from`. */
        if (l->head != NULL) {
            memmove(l->buf + (l->head->start - from), l->buf + (l->head->start - l->base),
                    l->tail->end - l->head->start);
        }
        l->base = from;
        return true;
    }
    unsigned cls = 0;
    while ((1ull << (BUF_MIN_SHIFT + cls)) < want) {
        cls++;
    }
    uint8_t *nb = pool_get(&l->st->bufs[cls]);
    if (nb == NULL) {
        return false;
    }
    if (l->head != NULL) {
        memcpy(nb + (l->head->start - from), l->buf + (l->head->start - l->base),
               l->tail->end - l->head->start);
    }
    buf_put(l);
    l->buf = nb;
    l->buf_cls = (uint8_t)cls;
    l->cap = (uint32_t)(1ull << (BUF_MIN_SHIFT + cls));
    l->base = from;
    return true;
}

static inline uint8_t *
buf_at(const TcpSegList *l, uint64_t off)
{
    return l->buf + (off - l->base);
}

/* ---- The list ---- */

/* Extends run_end over the pieces that follow it without a hole. `p` is the piece that holds
 * the byte before run_end (NULL: find it, back from the tail); it may reach past run_end (new
 * bytes that fell inside a held piece). */
static void
run_extend(TcpSegList *l, const TcpPiece *p)
{
    if (p == NULL) {
        p = l->tail;
        while (p != NULL && p->start >= l->run_end) {
            p = p->prev;
        }
        if (p == NULL) {
            return;
        }
    }
    if (p->end > l->run_end) {
        l->run_end = p->end;
    }
    while (p->next != NULL && p->next->start == l->run_end) {
        p = p->next;
        l->run_end = p->end;
    }
}

void
tcp_seglist_init(TcpSegList *l, TcpSegStore *st, uint32_t isn)
{
    memset(l, 0, sizeof(*l));
    l->st = st;
    l->isn = isn;
    l->ranges = st->ranges_only;
}

void
tcp_seglist_drop_bytes(TcpSegList *l)
{
    if (l->ranges) {
        return;
    }
    /* Owners no longer matter (no byte will be chosen): touching pieces become one, which
     * ranges_insert relies on. */
    for (TcpPiece *p = l->head; p != NULL && p->next != NULL;) {
        if (p->end == p->next->start) {
            p->end = p->next->end;
            piece_unlink(l, p->next);
        } else {
            p = p->next;
        }
    }
    for (TcpPiece *p = l->head; p != NULL; p = p->next) {
        p->seg_start = p->start;
        p->seg_end = p->end;
    }
    buf_put(l);
    l->run_end = l->head != NULL ? l->head->end : 0;
    l->ranges = true;
}

void
tcp_seglist_fini(TcpSegList *l)
{
    while (l->head != NULL) {
        piece_unlink(l, l->head);
    }
    buf_put(l);
    l->held = 0;
    l->run_end = 0;
}

bool
tcp_seglist_offset(const TcpSegList *l, uint32_t seq, uint64_t *off)
{
    /* Relative to the anchor: the anchor's sequence number, then a signed 32-bit distance. */
    uint32_t ref_seq = l->isn + 1u + (uint32_t)l->ref;
    int64_t o = (int64_t)l->ref + (int32_t)(seq - ref_seq);
    if (o < 0) {
        return false;
    }
    *off = (uint64_t)o;
    return true;
}

/* The last piece that starts before hi (NULL: none), searching back from the tail. */
static TcpPiece *
last_before(const TcpSegList *l, uint64_t hi)
{
    TcpPiece *p = l->tail;
    while (p != NULL && p->start >= hi) {
        p = p->prev;
    }
    return p;
}

/* Ranges only (no reader wants the bytes, and none are compared): [lo, hi) joins the coverage.
 * The pieces that overlap or touch it merge with it into one, so adjacent pieces never stay
 * apart and the head run is the head piece. What the caller sees is what the byte store says
 * for the same data: bytes stored, bytes overlapping held ones, the span limit, and the
 * Memcap; only TCP_INS_DIFFERENT needs the bytes, and it is never asked for here. Fewer
 * records than the byte store takes (no owners to tell apart): at the Memcap, refusals come
 * later, never sooner. */
static TcpInsertResult
ranges_insert(TcpSegList *l, uint64_t lo, uint64_t hi, TcpInsertResult r)
{
    uint64_t from = l->head != NULL && l->head->start < lo ? l->head->start : lo;
    uint64_t to = l->tail != NULL && l->tail->end > hi ? l->tail->end : hi;
    if (to - from > l->st->max_span) { /* what buf_cover refuses */
        r.flags |= TCP_INS_MEMCAP;
        return r;
    }
    /* last: the last piece that starts at or before hi; first: the first of the pieces back
     * from it that reach lo. Data in order makes last the tail and first == last. */
    TcpPiece *last = l->tail;
    while (last != NULL && last->start > hi) {
        last = last->prev;
    }
    TcpPiece *first = NULL;
    if (last != NULL && last->end >= lo) {
        first = last;
        while (first->prev != NULL && first->prev->end >= lo) {
            first = first->prev;
        }
    }
    if (first == NULL) {
        TcpPiece *n = pool_get(&l->st->pieces);
        if (n == NULL) {
            r.flags |= TCP_INS_MEMCAP;
            return r;
        }
        n->start = n->seg_start = lo;
        n->end = n->seg_end = hi;
        piece_link_after(l, last, n); /* last ends before lo, or is NULL: at the head */
        r.stored = (uint32_t)(hi - lo);
    } else {
        uint64_t covered = 0;
        for (const TcpPiece *p = first;; p = p->next) {
            uint64_t s = p->start > lo ? p->start : lo;
            uint64_t e = p->end < hi ? p->end : hi;
            covered += e > s ? e - s : 0;
            if (p == last) {
                break;
            }
        }
        uint64_t end = last->end > hi ? last->end : hi;
        while (first != last) {
            TcpPiece *n = first->next;
            if (n == last) {
                last = first;
            }
            piece_unlink(l, n);
        }
        if (lo < first->start) {
            first->start = lo;
        }
        first->end = end;
        first->seg_start = first->start;
        first->seg_end = end;
        r.stored = (uint32_t)(hi - lo - covered);
        if (covered > 0) {
            r.flags |= TCP_INS_OVERLAP;
            r.overlap_len = (uint32_t)covered;
        }
    }
    l->held += r.stored;
    if (hi > l->ref) {
        l->ref = hi;
    }
    l->run_end = l->head->end;
    return r;
}

TcpInsertResult
tcp_seglist_insert(TcpSegList *l, uint32_t seq, const uint8_t *data, uint32_t len, uint8_t policy)
{
    TcpInsertResult r = {0};
    if (len == 0) {
        return r;
    }
    /* a: the offset of data[0], signed: a segment may start before the stream does. */
    uint32_t ref_seq = l->isn + 1u + (uint32_t)l->ref;
    int64_t a = (int64_t)l->ref + (int32_t)(seq - ref_seq);
    int64_t b = a + len;
    if (b <= 0) {
        r.flags |= TCP_INS_OLD;
        return r;
    }
    uint64_t seg_start = a < 0 ? 0 : (uint64_t)a; /* the owner's bounds, as sent */
    uint64_t seg_end = (uint64_t)b;
    uint64_t lo = seg_start, hi = seg_end;
    if (a < 0) {
        r.flags |= TCP_INS_OLD; /* bytes before ISN + 1: no stream byte has their number */
    }
    if (lo < l->floor) {
        /* Below the release point the readers have moved on: what they saw stays what they
         * saw (the target, too, delivered those bytes), and nothing is left to compare. */
        r.flags |= TCP_INS_OLD | TCP_INS_OVERLAP;
        lo = l->floor;
    }
    uint64_t depth = l->st->cfg.depth;
    if (depth > 0 && hi > depth) {
        if (hi > lo) { /* some bytes were neither old nor kept */
            r.flags |= TCP_INS_DEPTH;
        }
        hi = depth;
    }
    if (lo >= hi) {
        return r;
    }
    if (l->ranges) {
        return ranges_insert(l, lo, hi, r);
    }

    bool was_empty = l->head == NULL;
    uint64_t head_start = was_empty ? 0 : l->head->start;

    /* The first piece that overlaps [lo, hi), walking back from the last that starts before
     * hi; `before` is the piece the new bytes follow when nothing overlaps. */
    TcpPiece *before = last_before(l, hi);
    TcpPiece *first = NULL;
    if (before != NULL && before->end > lo) {
        first = before;
        while (first->prev != NULL && first->prev->end > lo) {
            first = first->prev;
        }
        before = first->prev;
    }

    /* Dry run: count the records the insertion needs, so it can be refused before it changes
     * anything. A gap takes one; a won overlap splits off what the owner keeps on each side. */
    uint32_t need = 0;
    uint64_t pos = lo;
    for (TcpPiece *p = first; pos < hi;) {
        if (p == NULL || p->start >= hi) {
            need++;
            break;
        }
        if (p->start > pos) {
            need++;
            pos = p->start;
            continue;
        }
        uint64_t e = p->end < hi ? p->end : hi;
        if (stream_policy_new_wins(policy, p->seg_start, p->seg_end, seg_start, seg_end)) {
            need += (p->start < pos) + (e < p->end);
        }
        pos = e;
        p = p->next;
    }
    TcpPiece *stash = NULL;
    for (uint32_t i = 0; i < need; i++) {
        TcpPiece *n = pool_get(&l->st->pieces);
        if (n == NULL) {
            while (stash != NULL) {
                TcpPiece *s = stash;
                stash = s->next;
                pool_put(&l->st->pieces, s);
            }
            r.flags |= TCP_INS_MEMCAP;
            return r;
        }
        n->next = stash;
        stash = n;
    }
    if (!buf_cover(l, lo, hi)) {
        while (stash != NULL) {
            TcpPiece *s = stash;
            stash = s->next;
            pool_put(&l->st->pieces, s);
        }
        r.flags |= TCP_INS_MEMCAP;
        return r;
    }

    /* The pass itself, left to right. `prev` is the piece the next new one links after. */
    TcpPiece *prev = before;
    TcpPiece *p = first;
    pos = lo;
    while (pos < hi) {
        if (p == NULL || p->start > pos) {
            uint64_t e = (p == NULL || p->start >= hi) ? hi : p->start;
            TcpPiece *n = reserved_take(&stash);
            n->start = pos;
            n->end = e;
            n->seg_start = seg_start;
            n->seg_end = seg_end;
            piece_link_after(l, prev, n);
            memcpy(buf_at(l, pos), data + (pos - (uint64_t)a), e - pos);
            r.stored += (uint32_t)(e - pos);
            prev = n;
            pos = e;
            continue;
        }
        /* p->start <= pos < p->end: bytes held. */
        uint64_t e = p->end < hi ? p->end : hi;
        const uint8_t *nd = data + (pos - (uint64_t)a);
        bool differ = memcmp(buf_at(l, pos), nd, e - pos) != 0;
        r.flags |= TCP_INS_OVERLAP;
        r.overlap_len += (uint32_t)(e - pos);
        if (differ) {
            r.flags |= TCP_INS_DIFFERENT;
        }
        if (stream_policy_new_wins(policy, p->seg_start, p->seg_end, seg_start, seg_end)) {
            if (p->start < pos) { /* the owner keeps [p->start, pos) */
                TcpPiece *left = reserved_take(&stash);
                *left = *p;
                left->end = pos;
                piece_link_after(l, p->prev, left);
                p->start = pos;
            }
            if (e < p->end) { /* and [e, p->end) */
                TcpPiece *right = reserved_take(&stash);
                *right = *p;
                right->start = e;
                piece_link_after(l, p, right);
                p->end = e;
            }
            p->seg_start = seg_start;
            p->seg_end = seg_end;
            if (differ) {
                memcpy(buf_at(l, pos), nd, e - pos);
                r.replaced += (uint32_t)(e - pos);
            }
        }
        prev = p;
        pos = e;
        p = p->next;
    }
    l->held += r.stored;
    if (hi > l->ref) {
        l->ref = hi;
    }

    /* Merge neighbours with one owner (the pieces of the new segment, mostly), from the piece
     * before the first touched to the last touched: fewer records, same meaning. */
    TcpPiece *m = first != NULL ? first : (before != NULL ? before->next : l->head);
    if (m != NULL && m->prev != NULL) {
        m = m->prev;
    }
    while (m != NULL && m->next != NULL && m->start < hi) {
        TcpPiece *n = m->next;
        if (m->end == n->start && same_owner(m, n)) {
            m->end = n->end;
            piece_unlink(l, n);
        } else {
            m = n;
        }
    }

    /* [lo, hi) is held now, whole. It starts the head run when it comes before the old head
     * with a hole between; it joins the head run when it touches it. */
    if (was_empty || hi < head_start) {
        l->run_end = hi;
        run_extend(l, NULL);
    } else if (lo <= l->run_end && hi > l->run_end) {
        l->run_end = hi;
        run_extend(l, NULL);
    }
    return r;
}

bool
tcp_seglist_peek(const TcpSegList *l, uint64_t offset, StreamChunk *out)
{
    if (offset < l->floor) {
        offset = l->floor; /* released: nothing there to hand out, and not a hole */
    }
    const TcpPiece *p = l->head;
    if (p == NULL) {
        return false;
    }
    uint64_t start, end;
    if (offset < l->run_end) { /* in the head run, or in the hole before it */
        start = p->start > offset ? p->start : offset;
        end = l->run_end;
    } else {
        while (p != NULL && p->end <= offset) {
            p = p->next;
        }
        if (p == NULL) {
            return false;
        }
        start = p->start > offset ? p->start : offset;
        end = p->end;
        while (p->next != NULL && p->next->start == end) {
            p = p->next;
            end = p->end;
        }
    }
    uint64_t gap = start - offset;
    /* Ranges only: the offsets and flags hold, and there are no bytes to hand out. */
    out->data =
        l->buf != NULL ? cur_init(buf_at(l, start), (size_t)(end - start)) : cur_init(NULL, 0);
    out->offset = start;
    out->gap_len = gap > UINT32_MAX ? UINT32_MAX : (uint32_t)gap;
    out->flags = 0;
    if (gap > 0) {
        out->flags |= STREAM_F_GAP;
    }
    if (start == 0) {
        out->flags |= STREAM_F_START;
    }
    if (l->st->cfg.depth > 0 && end >= l->st->cfg.depth) {
        out->flags |= STREAM_F_DEPTH;
    }
    return true;
}

void
tcp_seglist_release(TcpSegList *l, uint64_t offset)
{
    if (offset <= l->floor) {
        return;
    }
    l->floor = offset;
    if (offset > l->ref) {
        l->ref = offset;
    }
    while (l->head != NULL && l->head->start < offset) {
        TcpPiece *p = l->head;
        if (p->end > offset) {
            l->held -= offset - p->start;
            p->start = offset; /* the owner's bounds stay: later overlaps compare with them */
            break;
        }
        l->held -= p->end - p->start;
        piece_unlink(l, p);
    }
    if (l->head == NULL) {
        l->run_end = 0;
    } else if (l->run_end <= l->head->start) { /* the head run went: the next one leads */
        l->run_end = l->head->end;
        run_extend(l, l->head);
    }
    /* An idle direction gives a big buffer back (the next insert takes the smallest again),
     * so a session that once buffered a large hole does not pin it. */
    if (l->head == NULL && l->buf_cls > 0) {
        buf_put(l);
    }
}

uint64_t
tcp_seglist_contiguous_end(const TcpSegList *l)
{
    if (l->head == NULL || l->head->start > l->floor) {
        return l->floor;
    }
    return l->run_end;
}
