/* ring.c: see ring.h. The ordering argument, in pairs:
 *   R1 (producer's release store of head) pairs with A1 (consumer's acquire load of head):
 *      the slot and its arena bytes written before R1 are visible after A1.
 *   R2 (consumer's release store of tail/bytes_tail) pairs with A2 (producer's acquire loads):
 *      the consumer has finished reading those bytes before the producer overwrites them. */
#include "runtime/ring.h"

#include <stdlib.h>
#include <string.h>

bool
ring_init(Ring *r, uint64_t nslots, uint64_t arena_size)
{
    memset(r, 0, sizeof(*r));
    r->slots = calloc(nslots, sizeof(*r->slots));
    r->arena = malloc(arena_size);
    if (r->slots == NULL || r->arena == NULL) {
        ring_fini(r);
        return false;
    }
    r->nslots = nslots;
    r->arena_size = arena_size;
    return true;
}

void
ring_fini(Ring *r)
{
    free(r->slots);
    free(r->arena);
    r->slots = NULL;
    r->arena = NULL;
}

bool
ring_push(Ring *r, const Packet *p, bool complex)
{
    /* Relaxed: only this thread writes head. */
    uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    uint64_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);           /* A2 */
    uint64_t btail = atomic_load_explicit(&r->bytes_tail, memory_order_acquire);    /* A2 */
    if (head - tail >= r->nslots) {
        return false;
    }
    uint64_t off = r->bytes_head;
    uint64_t pos = off & (r->arena_size - 1);
    if (pos + p->len > r->arena_size) {
        off += r->arena_size - pos; /* no wrap inside a frame: skip to the arena start */
    }
    if (off + p->len - btail > r->arena_size) {
        return false;
    }
    memcpy(r->arena + (off & (r->arena_size - 1)), p->data, p->len);
    RingSlot *s = &r->slots[head & (r->nslots - 1)];
    s->ts = p->ts;
    s->pcap_cnt = p->pcap_cnt;
    s->off = off;
    s->len = p->len;
    s->wire_len = p->wire_len;
    s->linktype = p->linktype;
    s->complex = complex;
    r->bytes_head = off + p->len;
    atomic_store_explicit(&r->head, head + 1, memory_order_release);                 /* R1 */
    return true;
}

const RingSlot *
ring_peek(Ring *r)
{
    uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    uint64_t head = atomic_load_explicit(&r->head, memory_order_acquire);            /* A1 */
    if (tail == head) {
        return NULL;
    }
    return &r->slots[tail & (r->nslots - 1)];
}

const uint8_t *
ring_slot_data(const Ring *r, const RingSlot *s)
{
    return r->arena + (s->off & (r->arena_size - 1));
}

void
ring_release(Ring *r, const RingSlot *s)
{
    uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    atomic_store_explicit(&r->bytes_tail, s->off + s->len, memory_order_release);    /* R2 */
    atomic_store_explicit(&r->tail, tail + 1, memory_order_release);                 /* R2 */
}
