/* The autofp ring (src/runtime/ring.c): what a slot carries, the two ways it fills (slots and
 * arena bytes), frames never split at the arena's end, free-running 64-bit indexes across
 * their wrap, the done flag and the sleep/wake pair, and a producer and a consumer on two
 * threads agreeing on every byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "runtime/ring.h"

/* A packet whose bytes are seq's, len of them. */
static void
make_packet(Packet *p, uint8_t *buf, uint32_t len, uint64_t seq)
{
    memset(p, 0, sizeof(*p));
    for (uint32_t i = 0; i < len; i++) {
        buf[i] = (uint8_t)(seq * 31 + i);
    }
    p->data = buf;
    p->len = len;
    p->wire_len = len + 4;
    p->ts = (SkTime)(1000 + seq);
    p->pcap_cnt = seq;
    p->linktype = 1;
}

static bool
slot_matches(const Ring *r, const RingSlot *s, uint32_t len, uint64_t seq)
{
    const uint8_t *d = ring_slot_data(r, s);
    for (uint32_t i = 0; i < len; i++) {
        if (d[i] != (uint8_t)(seq * 31 + i)) {
            return false;
        }
    }
    return s->len == len && s->wire_len == len + 4 && s->ts == (SkTime)(1000 + seq)
           && s->pcap_cnt == seq && s->linktype == 1;
}

static void
push_peek_release_keeps_every_field(void **state)
{
    Ring r;
    Packet p;
    uint8_t buf[100];
    bool was_empty = false;
    (void)state;

    assert_true(ring_init(&r, 8, 4096));
    assert_null(ring_peek(&r));
    make_packet(&p, buf, sizeof(buf), 7);
    assert_true(ring_push(&r, &p, true, &was_empty));
    assert_true(was_empty);
    make_packet(&p, buf, 60, 8);
    assert_true(ring_push(&r, &p, false, &was_empty));
    assert_false(was_empty);

    const RingSlot *s = ring_peek(&r);
    assert_non_null(s);
    assert_true(slot_matches(&r, s, 100, 7));
    assert_int_equal(s->complex, 1);
    assert_ptr_equal(ring_peek(&r), s); /* peek does not consume */
    ring_release(&r, s);
    s = ring_peek(&r);
    assert_non_null(s);
    assert_true(slot_matches(&r, s, 60, 8));
    assert_int_equal(s->complex, 0);
    ring_release(&r, s);
    assert_null(ring_peek(&r));
    ring_fini(&r);
}

static void
full_ring_refuses_until_a_slot_is_released(void **state)
{
    Ring r;
    Packet p;
    uint8_t buf[16];
    bool was_empty;
    (void)state;

    assert_true(ring_init(&r, 4, 4096));
    for (uint64_t i = 0; i < 4; i++) {
        make_packet(&p, buf, sizeof(buf), i);
        assert_true(ring_push(&r, &p, false, &was_empty));
    }
    make_packet(&p, buf, sizeof(buf), 4);
    assert_false(ring_push(&r, &p, false, &was_empty)); /* four slots, four packets */
    ring_release(&r, ring_peek(&r));
    assert_true(ring_push(&r, &p, false, &was_empty));
    for (uint64_t i = 1; i <= 4; i++) {
        const RingSlot *s = ring_peek(&r);
        assert_non_null(s);
        assert_true(slot_matches(&r, s, sizeof(buf), i));
        ring_release(&r, s);
    }
    assert_null(ring_peek(&r));
    ring_fini(&r);
}

static void
full_arena_refuses_and_a_frame_never_straddles_its_end(void **state)
{
    Ring r;
    Packet p;
    uint8_t buf[300];
    bool was_empty;
    (void)state;

    assert_true(ring_init(&r, 16, 1024));
    for (uint64_t i = 0; i < 3; i++) { /* 900 of 1024 bytes */
        make_packet(&p, buf, sizeof(buf), i);
        assert_true(ring_push(&r, &p, false, &was_empty));
    }
    make_packet(&p, buf, sizeof(buf), 3);
    assert_false(ring_push(&r, &p, false, &was_empty)); /* slots free, bytes not */
    ring_release(&r, ring_peek(&r));
    /* 124 bytes left at the end: the frame goes to the arena's start, whole. */
    assert_true(ring_push(&r, &p, false, &was_empty));
    for (uint64_t i = 1; i <= 3; i++) {
        const RingSlot *s = ring_peek(&r);
        assert_non_null(s);
        assert_true(slot_matches(&r, s, sizeof(buf), i));
        if (i == 3) {
            assert_ptr_equal(ring_slot_data(&r, s), r.arena);
        }
        ring_release(&r, s);
    }
    ring_fini(&r);
}

static void
free_running_indexes_wrap_past_2_to_the_64(void **state)
{
    Ring r;
    Packet p;
    uint8_t buf[512];
    bool was_empty;
    (void)state;

    assert_true(ring_init(&r, 4, 1024));
    /* As if 2^64 - 2 slots and nearly 2^64 bytes had gone through already. */
    atomic_store(&r.head, UINT64_MAX - 1);
    atomic_store(&r.tail, UINT64_MAX - 1);
    r.bytes_head = UINT64_MAX - 500;
    atomic_store(&r.bytes_tail, UINT64_MAX - 500);
    for (uint64_t round = 0; round < 20; round++) {
        uint32_t len = (uint32_t)(50 + round * 20);
        make_packet(&p, buf, len, round);
        assert_true(ring_push(&r, &p, false, &was_empty));
        assert_true(was_empty);
        const RingSlot *s = ring_peek(&r);
        assert_non_null(s);
        assert_true(slot_matches(&r, s, len, round));
        ring_release(&r, s);
        assert_null(ring_peek(&r));
    }
    assert_true(atomic_load(&r.head) < 100); /* both counts wrapped */
    assert_true(r.bytes_head < 10000);
    /* A full ring still reads as full across the wrap. */
    for (uint64_t i = 0; i < 4; i++) {
        make_packet(&p, buf, 10, i);
        assert_true(ring_push(&r, &p, false, &was_empty));
    }
    assert_false(ring_push(&r, &p, false, &was_empty));
    ring_fini(&r);
}

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
wait_returns_at_once_when_done_or_not_empty(void **state)
{
    Ring r;
    Packet p;
    uint8_t buf[8];
    bool was_empty;
    double t0;
    (void)state;

    assert_true(ring_init(&r, 4, 1024));
    t0 = now_s();
    ring_wait(&r, 20000); /* empty, not done: sleeps its 20 ms */
    assert_true(now_s() - t0 >= 0.015);
    make_packet(&p, buf, sizeof(buf), 1);
    assert_true(ring_push(&r, &p, false, &was_empty));
    t0 = now_s();
    ring_wait(&r, 5000000); /* a slot is there: no 5 s sleep */
    assert_true(now_s() - t0 < 1.0);
    ring_release(&r, ring_peek(&r));
    atomic_store_explicit(&r.done, true, memory_order_release);
    t0 = now_s();
    ring_wait(&r, 5000000); /* done: no sleep either */
    assert_true(now_s() - t0 < 1.0);
    assert_null(ring_peek(&r));
    ring_fini(&r);
}

/* ---- two threads ---- */

#define STRESS_PACKETS 200000

typedef struct {
    Ring ring;
    uint64_t sum_pushed, sum_seen;
    uint64_t seen;
    bool in_order;
} Stress;

static uint64_t
mix(uint64_t sum, const uint8_t *d, uint32_t len, uint64_t seq)
{
    for (uint32_t i = 0; i < len; i++) {
        sum = (sum ^ d[i]) * 0x100000001b3ULL;
    }
    return sum ^ seq;
}

static void *
consumer(void *arg)
{
    Stress *st = arg;
    for (;;) {
        const RingSlot *s = ring_peek(&st->ring);
        if (s == NULL) {
            /* Acquire pairs with the producer's release of done after its last push. */
            if (atomic_load_explicit(&st->ring.done, memory_order_acquire)
                && ring_peek(&st->ring) == NULL) {
                break;
            }
            ring_wait(&st->ring, 1000);
            continue;
        }
        if (s->pcap_cnt != st->seen) {
            st->in_order = false;
        }
        st->sum_seen = mix(st->sum_seen, ring_slot_data(&st->ring, s), s->len, s->pcap_cnt);
        st->seen++;
        ring_release(&st->ring, s);
    }
    return NULL;
}

static void
producer_and_consumer_agree_on_every_byte(void **state)
{
    static Stress st; /* the ring's cache-line alignment: not on a test's stack */
    static uint8_t buf[1500];
    pthread_t thr;
    Packet p;
    (void)state;

    memset(&st, 0, sizeof(st));
    st.in_order = true;
    assert_true(ring_init(&st.ring, 64, 1u << 14)); /* small: it fills and wraps often */
    assert_int_equal(pthread_create(&thr, NULL, consumer, &st), 0);
    for (uint64_t seq = 0; seq < STRESS_PACKETS; seq++) {
        uint32_t len = (uint32_t)(1 + (seq * 7919) % sizeof(buf));
        bool was_empty = false;
        make_packet(&p, buf, len, seq);
        st.sum_pushed = mix(st.sum_pushed, buf, len, seq);
        while (!ring_push(&st.ring, &p, false, &was_empty)) {
            ring_wake(&st.ring);
            sched_yield();
        }
        if (was_empty) {
            ring_wake(&st.ring);
        }
    }
    /* Release: every push above is visible before done (pairs with the consumer's acquire). */
    atomic_store_explicit(&st.ring.done, true, memory_order_release);
    ring_wake(&st.ring);
    assert_int_equal(pthread_join(thr, NULL), 0);
    assert_int_equal(st.seen, STRESS_PACKETS);
    assert_true(st.in_order);
    assert_true(st.sum_seen == st.sum_pushed);
    ring_fini(&st.ring);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(push_peek_release_keeps_every_field),
        cmocka_unit_test(full_ring_refuses_until_a_slot_is_released),
        cmocka_unit_test(full_arena_refuses_and_a_frame_never_straddles_its_end),
        cmocka_unit_test(free_running_indexes_wrap_past_2_to_the_64),
        cmocka_unit_test(wait_returns_at_once_when_done_or_not_empty),
        cmocka_unit_test(producer_and_consumer_agree_on_every_byte),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
