/* Memcap: charges stay within a static share or within the budget's leases, the fast path needs
 * no lease, idle workers' budget is usable by a busy one, and exception policies resolve as
 * Suricata 8.0.7 resolves them in IDS mode. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/memcap.h"

#define MIB (1ull << 20)

static void
a_static_share_refuses_past_its_part_of_the_budget(void **state)
{
    MemcapBudget b;
    Memcap w0, w1;
    (void)state;

    memcap_budget_init(&b, "flow.memcap", 10 * MIB);
    memcap_init_share(&w0, &b, 2);
    memcap_init_share(&w1, &b, 2);
    assert_int_equal(memcap_max(&w0), 5 * MIB);
    assert_true(memcap_charge(&w0, 5 * MIB));
    assert_false(memcap_charge(&w0, 1)); /* w1 is idle, but a share is a share */
    assert_int_equal(memcap_used(&w0), 5 * MIB);
    memcap_release(&w0, MIB);
    assert_true(memcap_charge(&w0, MIB));
    assert_int_equal(memcap_budget_used(&b), 5 * MIB);
    assert_int_equal(memcap_budget_pressure(&b), 50);
    memcap_fini(&w0);
    memcap_fini(&w1);
}

static void
a_leased_memcap_uses_what_idle_workers_leave(void **state)
{
    MemcapBudget b;
    Memcap w0, w1;
    (void)state;

    memcap_budget_init(&b, "stream.reassembly.memcap", 8 * MIB);
    memcap_init_leased(&w0, &b);
    memcap_init_leased(&w1, &b);
    /* One worker takes 7 MiB of 8 where a static half would stop it at 4. */
    for (unsigned i = 0; i < 7 * 16; i++) {
        assert_true(memcap_charge(&w0, 64 << 10));
    }
    assert_int_equal(memcap_used(&w0), 7 * MIB);
    assert_int_equal(atomic_load(&b.leased), 7 * MIB);
    /* The other gets what is left, then the cap holds for both. */
    assert_true(memcap_charge(&w1, MIB));
    assert_false(memcap_charge(&w1, 1));
    assert_false(memcap_charge(&w0, 1));
    assert_int_equal(memcap_budget_pressure(&b), 100);
    /* Released bytes go back to the budget past one lease of slack. */
    memcap_release(&w0, 6 * MIB);
    assert_int_equal(memcap_used(&w0), MIB);
    assert_true(w0.held <= 3 * MIB);
    assert_true(memcap_charge(&w1, 4 * MIB));
    memcap_fini(&w0);
    memcap_fini(&w1);
    assert_int_equal(atomic_load(&b.leased), 0);
}

static void
charges_within_a_lease_do_not_touch_the_budget(void **state)
{
    MemcapBudget b;
    Memcap w;
    (void)state;

    memcap_budget_init(&b, "defrag.memcap", 32 * MIB);
    memcap_init_leased(&w, &b);
    assert_true(memcap_charge(&w, 100));
    assert_int_equal(atomic_load(&b.leased), MIB);
    atomic_store(&b.leased, 32 * MIB); /* the rest is out: only this lease is left to use */
    for (unsigned i = 0; i < 1000; i++) {
        assert_true(memcap_charge(&w, 100));
    }
    assert_false(memcap_charge(&w, MIB));
    atomic_store(&b.leased, MIB);
    memcap_fini(&w);
}

static void
a_charge_bigger_than_a_lease_takes_several(void **state)
{
    MemcapBudget b;
    Memcap w;
    (void)state;

    memcap_budget_init(&b, "x.memcap", 5 * MIB + 100);
    memcap_init_leased(&w, &b);
    assert_true(memcap_charge(&w, 3 * MIB + 1));
    assert_int_equal(w.held, 4 * MIB);
    /* The budget's last partial lease still serves a charge it covers. */
    assert_true(memcap_charge(&w, MIB + 50));
    assert_false(memcap_charge(&w, 2 * MIB));
    assert_true(w.held <= b.limit);
    memcap_fini(&w);
}

static void
a_fixed_memcap_belongs_to_no_budget(void **state)
{
    Memcap mc;
    (void)state;

    memcap_init_fixed(&mc, 1000);
    assert_true(memcap_charge(&mc, 1000));
    assert_false(memcap_charge(&mc, 1));
    memcap_release(&mc, 1000);
    assert_int_equal(memcap_used(&mc), 0);
    memcap_fini(&mc);
}

static void
policy_names_are_suricatas(void **state)
{
    static const char *const names[] = {"ignore",      "pass-packet", "pass-flow",
                                        "bypass",      "reject",      "reject-both",
                                        "drop-packet", "drop-flow",   "auto"};
    ExceptionPolicy p;
    (void)state;

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        assert_true(exception_policy_from_name(names[i], &p));
        assert_string_equal(exception_policy_name(p), names[i]);
    }
    assert_false(exception_policy_from_name("drop", &p));
    assert_false(exception_policy_from_name("Ignore", &p));
}

static void
policies_resolve_for_ids_mode(void **state)
{
    (void)state;

    /* Nothing set: auto, which is ignore without inline mode. */
    assert_int_equal(
        exception_policy_resolve("flow.memcap", EXC_POLICY_AUTO, EXC_POLICY_AUTO, false),
        EXC_POLICY_IGNORE);
    /* The master switch stands in for a missing key; its drops are ignore in IDS mode. */
    assert_int_equal(
        exception_policy_resolve("stream.memcap", EXC_POLICY_AUTO, EXC_POLICY_PASS_FLOW, true),
        EXC_POLICY_PASS_FLOW);
    assert_int_equal(
        exception_policy_resolve("stream.memcap", EXC_POLICY_AUTO, EXC_POLICY_DROP_FLOW, true),
        EXC_POLICY_IGNORE);
    /* A key's own drop stays (counted nowhere in IDS mode). */
    assert_int_equal(
        exception_policy_resolve("flow.memcap", EXC_POLICY_DROP_PACKET, EXC_POLICY_AUTO, false),
        EXC_POLICY_DROP_PACKET);
    assert_int_equal(exception_policy_counter(EXC_POLICY_DROP_PACKET), EXC_CTR_MAX);
    /* A key whose state has no flow takes packet actions. */
    assert_int_equal(
        exception_policy_resolve("flow.memcap", EXC_POLICY_PASS_FLOW, EXC_POLICY_AUTO, false),
        EXC_POLICY_PASS_PACKET);
    assert_int_equal(
        exception_policy_resolve("flow.memcap", EXC_POLICY_BYPASS, EXC_POLICY_AUTO, false),
        EXC_POLICY_IGNORE);
    assert_int_equal(
        exception_policy_resolve("flow.memcap", EXC_POLICY_DROP_FLOW, EXC_POLICY_AUTO, false),
        EXC_POLICY_DROP_PACKET);
    assert_int_equal(
        exception_policy_resolve("flow.memcap", EXC_POLICY_AUTO, EXC_POLICY_REJECT, false),
        EXC_POLICY_REJECT);
    assert_int_equal(exception_policy_counter(EXC_POLICY_REJECT), EXC_CTR_REJECT);
}

static void
counter_names_follow_suricatas_stats(void **state)
{
    static const char *const pkt[EXC_CTR_MAX] = EXC_COUNTER_NAMES("flow.memcap", false);
    static const char *const flw[EXC_CTR_MAX] = EXC_COUNTER_NAMES("tcp.ssn_memcap", true);
    (void)state;

    assert_string_equal(pkt[EXC_CTR_PASS_PACKET], "exception_policy.flow.memcap.pass_packet");
    assert_null(pkt[EXC_CTR_PASS_FLOW]);
    assert_string_equal(pkt[EXC_CTR_REJECT_BOTH], "exception_policy.flow.memcap.reject_both");
    assert_string_equal(flw[EXC_CTR_PASS_FLOW], "exception_policy.tcp.ssn_memcap.pass_flow");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_static_share_refuses_past_its_part_of_the_budget),
        cmocka_unit_test(a_leased_memcap_uses_what_idle_workers_leave),
        cmocka_unit_test(charges_within_a_lease_do_not_touch_the_budget),
        cmocka_unit_test(a_charge_bigger_than_a_lease_takes_several),
        cmocka_unit_test(a_fixed_memcap_belongs_to_no_budget),
        cmocka_unit_test(policy_names_are_suricatas),
        cmocka_unit_test(policies_resolve_for_ids_mode),
        cmocka_unit_test(counter_names_follow_suricatas_stats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
