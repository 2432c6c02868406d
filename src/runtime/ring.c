/* ring.c: see ring.h. The ordering argument, in pairs:
 *   R1 (producer's release store of head) pairs with A1 (consumer's acquire load of head):
 *      the slot and its arena bytes written before R1 are visible after A1.
 *   R2 (consumer's release store of tail/bytes_tail) pairs with A2 (producer's acquire loads):
 *      the consumer has finished reading those bytes before the producer overwrites them.
 *   F1/F2 (sleep and wake): the consumer stores `sleeping` then re-checks the ring; the producer
 *      publishes head then loads `sleeping`. Each side has a full fence between its store and
 *      its load (Dekker), so at least one of them sees the other: no wake-up is lost. */
#include "runtime/ring.h"

#include <linux/futex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

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
ring_push(Ring *r, const Packet *p, bool complex, bool *was_empty)
{
    /* Relaxed: only this thread writes head. */
    uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    uint64_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);        /* A2 */
    uint64_t btail = atomic_load_explicit(&r->bytes_tail, memory_order_acquire); /* A2 */
    if (head - tail >= r->nslots) {
        return false;
    }
    *was_empty = head == tail;
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
    atomic_store_explicit(&r->head, head + 1, memory_order_release); /* R1 */
    return true;
}

const RingSlot *
ring_peek(Ring *r)
{
    uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    uint64_t head = atomic_load_explicit(&r->head, memory_order_acquire); /* A1 */
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
    atomic_store_explicit(&r->bytes_tail, s->off + s->len, memory_order_release); /* R2 */
    atomic_store_explicit(&r->tail, tail + 1, memory_order_release);              /* R2 */
}

void
ring_wait(Ring *r, unsigned timeout_us)
{
    uint32_t seq = atomic_load_explicit(&r->wake_seq, memory_order_acquire);
    atomic_store_explicit(&r->sleeping, 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_seq_cst); /* F1 */
    if (ring_peek(r) == NULL && !atomic_load_explicit(&r->done, memory_order_acquire)) {
        struct timespec ts = {0, (long)timeout_us * 1000};
        /* Returns at once if wake_seq already moved past seq. */
        syscall(SYS_futex, &r->wake_seq, FUTEX_WAIT_PRIVATE, seq, &ts, NULL, 0);
    }
    atomic_store_explicit(&r->sleeping, 0, memory_order_relaxed);
}

void
ring_wake(Ring *r)
{
    atomic_thread_fence(memory_order_seq_cst); /* F2 */
    if (atomic_load_explicit(&r->sleeping, memory_order_relaxed)) {
        atomic_fetch_add_explicit(&r->wake_seq, 1, memory_order_release);
        syscall(SYS_futex, &r->wake_seq, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    }
}
