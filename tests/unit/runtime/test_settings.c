/* The stages' settings tables as runtime/settings.c composes them: rows whose field fits their
 * type, no key in two tables, built-in values that are the compiled-in defaults, EVE's rows in
 * step with eve_types.def, and -v's idea of a used key. (That a wrong value is refused with one
 * line, and that the docs list the same keys, is tests/config/doc_keys.py's.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/config.h"
#include "output/eve.h"
#include "runtime/runtime.h"

static void
rows_have_a_field_of_their_type_and_one_line_of_help(void **state)
{
    const CfgTable *t;
    size_t rows = 0;
    (void)state;

    for (size_t s = 0; (t = runtime_settings_table(s)) != NULL; s++) {
        assert_non_null(t->defaults);
        for (size_t i = 0; i < t->key_cnt; i++) {
            const CfgKey *k = &t->keys[i];
            size_t want = 0;
            rows++;
            assert_non_null(k->help);
            assert_true(strlen(k->help) > 4 && strchr(k->help, '\n') == NULL);
            assert_true(strlen(k->path) < CFG_PATH_MAX / 2);
            switch (k->type) {
            case CFG_KEY_BOOL:
            case CFG_KEY_EVENT_TYPE:
                want = sizeof(bool);
                break;
            case CFG_KEY_SIZE:
                want = sizeof(uint64_t);
                break;
            case CFG_KEY_NUMBER:
                want = sizeof(double);
                break;
            case CFG_KEY_STRING:
                want = sizeof(const char *);
                break;
            case CFG_KEY_PORTS:
                want = sizeof(uint16_t);
                break;
            case CFG_KEY_INT:
                want = k->size; /* 1, 2, 4 or 8, and the range fits it */
                assert_true(k->size == 1 || k->size == 2 || k->size == 4 || k->size == 8
                            || k->off == CFG_NO_FIELD);
                assert_true(k->min >= 0 && k->min <= k->max);
                if (k->off != CFG_NO_FIELD && k->size < 8) {
                    assert_true((uint64_t)k->max < (1ULL << (8 * k->size)));
                }
                break;
            case CFG_KEY_STRBUF:
                want = k->size;
                assert_true(k->size > 1);
                break;
            case CFG_KEY_NAMES:
            case CFG_KEY_LIST:
                want = 0;
                break;
            }
            if (k->off != CFG_NO_FIELD) {
                assert_int_equal(k->size, want);
            }
        }
    }
    assert_true(rows > 50);
}

static void
no_key_is_in_two_tables(void **state)
{
    const CfgTable *a, *b;
    (void)state;

    for (size_t s = 0; (a = runtime_settings_table(s)) != NULL; s++) {
        for (size_t i = 0; i < a->key_cnt; i++) {
            for (size_t u = 0; (b = runtime_settings_table(u)) != NULL; u++) {
                for (size_t j = 0; j < b->key_cnt; j++) {
                    if ((s != u || i != j) && strcmp(a->keys[i].path, b->keys[j].path) == 0) {
                        fail_msg("%s is in two rows", a->keys[i].path);
                    }
                }
            }
        }
    }
}

/* A file that sets every key outside a list to its row's built-in value loads to the same
 * settings as a file that sets none: the tables' values are the compiled-in defaults. */
static void
built_in_values_are_the_compiled_defaults(void **state)
{
    CfgNode *none = cfg_new(), *all = cfg_new();
    RunConfig a, b;
    const CfgTable *t;
    unsigned set = 0;
    (void)state;

    for (size_t s = 0; (t = runtime_settings_table(s)) != NULL; s++) {
        for (size_t i = 0; i < t->key_cnt; i++) {
            const CfgKey *k = &t->keys[i];
            if (k->def != NULL && strchr(k->path, '*') == NULL) {
                assert_int_equal(cfg_set(all, k->path, k->def), SK_OK);
                set++;
            }
        }
    }
    assert_true(set > 40);
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    assert_int_equal(runtime_config_load(&a, none, 1), SK_OK);
    assert_int_equal(runtime_config_load(&b, all, 1), SK_OK);
    assert_memory_equal(&a.flow, &b.flow, sizeof(a.flow));
    assert_memory_equal(&a.decode, &b.decode, sizeof(a.decode));
    assert_memory_equal(&a.live, &b.live, sizeof(a.live));
    assert_string_equal(a.log_dir, b.log_dir);
    assert_int_equal(a.stats_enabled, b.stats_enabled);
    assert_int_equal(a.stats_interval_s, b.stats_interval_s);
    assert_true(a.thread_ratio == b.thread_ratio);
    cfg_free(none);
    cfg_free(all);
}

/* eve_settings.c names every type and option of eve_types.def, and nothing else. */
static void
eve_rows_match_eve_types_def(void **state)
{
    static const char prefix[] = "outputs.*.eve-log.types.*.";
    const CfgTable *t = NULL;
    char path[CFG_PATH_MAX];
    (void)state;

    for (size_t s = 0; runtime_settings_table(s) != NULL; s++) {
        if (strcmp(runtime_settings_table(s)->stage, "eve") == 0) {
            t = runtime_settings_table(s);
        }
    }
    assert_non_null(t);
    for (unsigned ty = 0; ty < EVE_TYPE_MAX; ty++) {
        snprintf(path, sizeof(path), "%s%s", prefix, eve_type_name(ty));
        assert_non_null(cfg_table_find(t, path));
        assert_int_equal(cfg_table_find(t, path)->type, CFG_KEY_EVENT_TYPE);
    }
    for (unsigned o = 0; o < EVE_OPTION_MAX; o++) {
        snprintf(path, sizeof(path), "%s%s.%s", prefix, eve_type_name(eve_options[o].type),
                 eve_options[o].key);
        assert_non_null(cfg_table_find(t, path));
    }
    for (size_t i = 0; i < t->key_cnt; i++) {
        const char *p = t->keys[i].path, *rest, *dot;
        bool known = false;
        if (strncmp(p, prefix, sizeof(prefix) - 1) != 0
            || strcmp(p, "outputs.*.eve-log.types.*.*.enabled") == 0) {
            continue;
        }
        rest = p + sizeof(prefix) - 1;
        dot = strchr(rest, '.');
        for (unsigned ty = 0; ty < EVE_TYPE_MAX && dot == NULL; ty++) {
            known |= strcmp(rest, eve_type_name(ty)) == 0;
        }
        for (unsigned o = 0; o < EVE_OPTION_MAX && dot != NULL; o++) {
            const char *tn = eve_type_name(eve_options[o].type);
            known |= strlen(tn) == (size_t)(dot - rest) && strncmp(rest, tn, strlen(tn)) == 0
                     && strcmp(dot + 1, eve_options[o].key) == 0;
        }
        if (!known) {
            fail_msg("%s: not in eve_types.def", p);
        }
    }
}

static void
used_keys_come_from_the_tables(void **state)
{
    (void)state;
    assert_true(runtime_config_key_used("flow.memcap"));
    assert_true(runtime_config_key_used("flow-timeouts.udp.emergency-bypassed"));
    assert_true(runtime_config_key_used("decoder.vxlan.ports"));
    assert_true(runtime_config_key_used("decoder.vxlan.ports.1"));
    assert_true(runtime_config_key_used("vars.address-groups.HOME_NET"));
    assert_true(runtime_config_key_used("outputs.0.eve-log.types.3"));
    assert_true(runtime_config_key_used("outputs.2.eve-log.types.1.anomaly.types.decode"));
    assert_true(runtime_config_key_used("outputs.0.eve-log.types.1.alert.enabled"));
    assert_true(runtime_config_key_used("pcap.3.bpf-filter"));
    assert_false(runtime_config_key_used("flow"));
    assert_false(runtime_config_key_used("flow.managers"));
    assert_false(runtime_config_key_used("flow-timeouts.sctp.new"));
    assert_false(runtime_config_key_used("decoder.vxlan.ports.1.x"));
    assert_false(runtime_config_key_used("outputs.0.eve-log.types.1.alert.payload-buffer-size"));
    assert_true(runtime_config_key_used("outputs.0.fast.enabled"));
    assert_false(runtime_config_key_used("outputs.0.fast.filetype"));
    assert_false(runtime_config_key_used("af-packet.0.interface"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rows_have_a_field_of_their_type_and_one_line_of_help),
        cmocka_unit_test(no_key_is_in_two_tables),
        cmocka_unit_test(built_in_values_are_the_compiled_defaults),
        cmocka_unit_test(eve_rows_match_eve_types_def),
        cmocka_unit_test(used_keys_come_from_the_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
