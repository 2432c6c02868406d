/* A worker's spare packet slots: pseudo packets at flow end and reassembled datagrams take one
 * while the worker's own packet is being handled; they come zeroed, distinct from each other
 * and from the worker's packet, and there are WORKER_SPARE_PACKETS of them, never more. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "runtime/runtime_int.h"

static void
spare_packets_are_zeroed_distinct_and_bounded(void **state)
{
    static Worker w;
    Packet *got[WORKER_SPARE_PACKETS];
    (void)state;

    memset(&w, 0, sizeof(w));
    assert_true(worker_spares_init(&w));
    for (unsigned i = 0; i < WORKER_SPARE_PACKETS; i++) {
        got[i] = worker_packet_get(&w);
        assert_non_null(got[i]);
        assert_ptr_not_equal(got[i], &w.pkt);
        for (unsigned j = 0; j < i; j++) {
            assert_ptr_not_equal(got[i], got[j]);
        }
        got[i]->len = 1500; /* used */
        got[i]->proto = 6;
    }
    assert_null(worker_packet_get(&w)); /* all out: never a malloc */
    worker_packet_put(&w, got[3]);
    Packet *again = worker_packet_get(&w);
    assert_ptr_equal(again, got[3]);
    assert_int_equal(again->len, 0); /* reset on the way out */
    assert_int_equal(again->proto, 0);
    for (unsigned i = 0; i < WORKER_SPARE_PACKETS; i++) {
        worker_packet_put(&w, got[i]);
    }
    worker_spares_fini(&w);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(spare_packets_are_zeroed_distinct_and_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
