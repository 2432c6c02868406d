/* ring.h: single-producer/single-consumer packet ring (runtime-private), from the reader thread
 * to one worker in the autofp run mode. Packet bytes are copied into the ring's own byte arena
 * (the reader's buffer is reused at once), and a descriptor slot says where they are. Indexes
 * run free over 64 bits and are masked only to index, so fill levels are plain subtraction. */
#ifndef SK_RUNTIME_RING_H
#define SK_RUNTIME_RING_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/packet.h"

typedef struct {
    SkTime ts;
    uint64_t pcap_cnt;
    uint64_t off; /* free-running arena offset of the first byte */
    uint32_t len, wire_len;
    uint16_t linktype;
    uint8_t complex; /* SHARD_COMPLEX: every worker gets it and takes its own layers */
} RingSlot;

typedef struct {
    /* Producer and consumer fields on separate cache lines: the two threads never share one. */
    alignas(64) _Atomic uint64_t head; /* slots published (producer writes) */
    uint64_t bytes_head;               /* arena bytes used (producer-private) */
    alignas(64) _Atomic uint64_t tail; /* slots released (consumer writes) */
    _Atomic uint64_t bytes_tail;       /* arena bytes released (consumer writes) */
    alignas(64) RingSlot *slots;
    uint8_t *arena;
    uint64_t nslots, arena_size; /* both powers of two */
    _Atomic bool done;           /* producer: no more packets */
    /* Sleeping consumer (ring_wait / ring_wake): a futex word bumped by every wake-up. */
    alignas(64) _Atomic uint32_t wake_seq;
    _Atomic uint32_t sleeping;
} Ring;

bool ring_init(Ring *r, uint64_t nslots, uint64_t arena_size);
void ring_fini(Ring *r);

/* Producer: copies p's frame in. False when full (try again after the consumer moves).
 * p->len must be at most arena_size / 2 (the caller checks), so an empty ring always fits it.
 * *was_empty: the ring held nothing before this push (only then can its consumer be asleep). */
bool ring_push(Ring *r, const Packet *p, bool complex, bool *was_empty);
/* Consumer: the oldest slot, or NULL when empty. Its bytes stay valid until ring_release. */
const RingSlot *ring_peek(Ring *r);
const uint8_t *ring_slot_data(const Ring *r, const RingSlot *s);
void ring_release(Ring *r, const RingSlot *s);

/* Consumer: sleeps until the producer calls ring_wake, or timeout_us passes, unless a slot or
 * done is already there. Producer: wakes a sleeping consumer; cheap (one load) when none is. */
void ring_wait(Ring *r, unsigned timeout_us);
void ring_wake(Ring *r);

#endif
