/* test_config_limits.c: what a hostile or careless configuration cannot do to the loader. An
 * include fan-out is bounded in files and bytes, not only in depth; an include of something that
 * is not a regular file (a directory, a FIFO nobody writes) is refused instead of read or waited
 * on; a map of 200k keys loads in well under a second (keys are hashed, not scanned); numbers
 * are parsed strictly. Each failure is one line on stderr. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "test_support.h"

/* ---- helpers ---- */

/* dir/name, in a static buffer valid until the next call. */
static const char *
scratch_path(const Scratch *s, const char *name)
{
    static char path[256];

    assert_true(snprintf(path, sizeof(path), "%s/%s", s->dir, name) < (int)sizeof(path));
    return path;
}

static const char *
scratch_write(const Scratch *s, const char *name, const char *text)
{
    const char *path = scratch_path(s, name);
    FILE *fp = fopen(path, "w");

    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    return path;
}

/* Loads path expecting failure; returns the one logged line (new), asserting there was one. */
static char *
load_fails_with_one_line(const char *path)
{
    Capture cap;
    CfgNode *root;
    char *log;

    capture_start(&cap);
    root = cfg_load_file(path);
    log = capture_end(&cap);
    if (root != NULL) {
        cfg_free(root);
        fail_msg("loaded, expected an error");
    }
    if (line_count(log) != 1) {
        fail_msg("expected one line, got:\n%s", log);
    }
    return log;
}

/* ---- include bounds ---- */

/* Each of 6 files includes the next one four times: 1365 file reads with no loop and no deep
 * chain. (Issue 13's bomb has 16 levels, 4^15 reads; this one finishes quickly even unbounded.) */
static void
include_fan_out_is_bounded_in_files(void **state)
{
    Scratch *s = *state;
    char name[32], text[160];
    char *log;

    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof(name), "f%d.yaml", i);
        snprintf(text, sizeof(text), "k%d: 1\ninclude: [f%d.yaml, f%d.yaml, f%d.yaml, f%d.yaml]\n",
                 i, i + 1, i + 1, i + 1, i + 1);
        scratch_write(s, name, text);
    }
    scratch_write(s, "f5.yaml", "leaf: 1\n");
    log = load_fails_with_one_line(scratch_path(s, "f0.yaml"));
    assert_non_null(strstr(log, "more than 256 files"));
    free(log);
}

/* The issue's own bomb: 16 levels, four includes each. Must stop at the file bound at once. */
static void
include_bomb_of_sixteen_levels_stops_quickly(void **state)
{
    Scratch *s = *state;
    char name[32], text[160];
    char *log;

    for (int i = 0; i < 15; i++) {
        snprintf(name, sizeof(name), "b%d.yaml", i);
        snprintf(text, sizeof(text),
                 "include:\n  - b%d.yaml\n  - b%d.yaml\n  - b%d.yaml\n"
                 "  - b%d.yaml\n",
                 i + 1, i + 1, i + 1, i + 1);
        scratch_write(s, name, text);
    }
    scratch_write(s, "b15.yaml", "x: 1\n");
    alarm(20); /* unbounded, this is 4^15 reads: SIGALRM ends the test as a failure */
    log = load_fails_with_one_line(scratch_path(s, "b0.yaml"));
    alarm(0);
    assert_non_null(strstr(log, "more than 256 files"));
    free(log);
}

/* A file is sized before it is read: sparse files cost nothing to make. */
static void
make_sparse(const Scratch *s, const char *name, off_t size)
{
    const char *path = scratch_path(s, name);
    FILE *fp = fopen(path, "w");

    assert_non_null(fp);
    assert_int_equal(ftruncate(fileno(fp), size), 0);
    fclose(fp);
}

static void
one_file_over_the_byte_bound_is_refused(void **state)
{
    Scratch *s = *state;
    char *log;

    make_sparse(s, "big.yaml", (off_t)65 << 20);
    scratch_write(s, "main.yaml", "include: big.yaml\n");
    log = load_fails_with_one_line(scratch_path(s, "main.yaml"));
    assert_non_null(strstr(log, "64 MiB"));
    free(log);
    log = load_fails_with_one_line(scratch_path(s, "big.yaml"));
    assert_non_null(strstr(log, "64 MiB"));
    free(log);
}

static void
includes_over_the_byte_bound_together_are_refused(void **state)
{
    Scratch *s = *state;
    char *log;

    /* a.yaml is read whole (40 MiB of a comment); b.yaml is refused by its size alone. */
    FILE *fp = fopen(scratch_path(s, "a.yaml"), "w");
    char *pad = malloc(1 << 20);
    assert_non_null(fp);
    assert_non_null(pad);
    memset(pad, 'x', 1 << 20);
    fputs("a: 1\n#", fp);
    for (int i = 0; i < 40; i++) {
        fwrite(pad, 1, 1 << 20, fp);
    }
    fputs("\n", fp);
    fclose(fp);
    free(pad);
    make_sparse(s, "b.yaml", (off_t)40 << 20);
    scratch_write(s, "main.yaml", "include: [a.yaml, b.yaml]\n");
    log = load_fails_with_one_line(scratch_path(s, "main.yaml"));
    assert_non_null(strstr(log, "64 MiB"));
    free(log);
}

static void
include_of_a_directory_is_refused(void **state)
{
    Scratch *s = *state;
    char *log;

    assert_int_equal(mkdir(scratch_path(s, "sub"), 0700), 0);
    scratch_write(s, "main.yaml", "a: 1\ninclude: sub\n");
    log = load_fails_with_one_line(scratch_path(s, "main.yaml"));
    assert_non_null(strstr(log, "main.yaml:2"));
    assert_non_null(strstr(log, "not a regular file"));
    free(log);
    scratch_write(s, "tag.yaml", "a: !include sub\n");
    log = load_fails_with_one_line(scratch_path(s, "tag.yaml"));
    assert_non_null(strstr(log, "not a regular file"));
    free(log);
}

static void
include_of_a_fifo_is_refused_without_waiting(void **state)
{
    Scratch *s = *state;
    char *log;

    assert_int_equal(mkfifo(scratch_path(s, "pipe"), 0600), 0);
    scratch_write(s, "main.yaml", "include: pipe\n");
    alarm(10); /* opening a FIFO nobody writes blocks: SIGALRM ends the test as a failure */
    log = load_fails_with_one_line(scratch_path(s, "main.yaml"));
    alarm(0);
    assert_non_null(strstr(log, "not a regular file"));
    free(log);
}

static void
include_of_a_device_is_refused(void **state)
{
    Scratch *s = *state;
    char *log;

    scratch_write(s, "main.yaml", "include: /dev/zero\n");
    alarm(10);
    log = load_fails_with_one_line(scratch_path(s, "main.yaml"));
    alarm(0);
    assert_non_null(strstr(log, "not a regular file"));
    free(log);
}

/* The -c file itself: a directory is one line, not libyaml's "input error". */
static void
config_file_that_is_a_directory_is_one_line(void **state)
{
    Scratch *s = *state;
    char *log = load_fails_with_one_line(s->dir);

    assert_non_null(strstr(log, "not a regular file"));
    free(log);
}

/* -c may be /dev/null (no settings) or a pipe, as in Suricata; only includes must be regular. */
static void
config_file_may_be_dev_null_or_a_pipe(void **state)
{
    int fds[2];
    char path[64];
    CfgNode *root;
    (void)state;

    root = cfg_load_file("/dev/null");
    assert_non_null(root);
    assert_int_equal(cfg_child_count(root), 0);
    cfg_free(root);
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], "a: 1\n", 5), 5);
    close(fds[1]);
    snprintf(path, sizeof(path), "/dev/fd/%d", fds[0]);
    root = cfg_load_file(path);
    assert_non_null(root);
    assert_string_equal(cfg_scalar(cfg_find(root, "a")), "1");
    cfg_free(root);
    close(fds[0]);
}

/* A loop through a hard link has another path but the same inode: caught as a loop. */
static void
include_loop_through_a_hard_link_is_caught(void **state)
{
    Scratch *s = *state;
    char first[256];
    char *log;

    snprintf(first, sizeof(first), "%s", scratch_write(s, "a.yaml", "x: 1\ninclude: b.yaml\n"));
    assert_int_equal(link(first, scratch_path(s, "b.yaml")), 0);
    log = load_fails_with_one_line(first);
    assert_non_null(strstr(log, "loops back"));
    free(log);
}

/* Bounds are per load: many loads of small files each pass. */
static void
bounds_reset_between_loads(void **state)
{
    Scratch *s = *state;
    char name[32], text[64];

    for (int i = 0; i < 200; i++) {
        snprintf(name, sizeof(name), "p%d.yaml", i);
        snprintf(text, sizeof(text), "k%d: %d\n", i, i);
        scratch_write(s, name, text);
    }
    char *list = calloc(1, 200 * 16 + 32);
    assert_non_null(list);
    strcpy(list, "include:\n");
    for (int i = 0; i < 200; i++) {
        snprintf(text, sizeof(text), "  - p%d.yaml\n", i);
        strcat(list, text);
    }
    scratch_write(s, "main.yaml", list);
    free(list);
    for (int round = 0; round < 3; round++) {
        CfgNode *root = cfg_load_file(scratch_path(s, "main.yaml"));
        assert_non_null(root);
        assert_string_equal(cfg_scalar(cfg_find(root, "k199")), "199");
        cfg_free(root);
    }
}

/* ---- many keys ---- */

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define MANY_KEYS 200000

/* 200k keys in one map, then 200k more under a nested map, with a repeated key on the way:
 * with a scan per insert this took minutes; hashed, well under a second (the figure is printed;
 * the meson timeout is the bound, so a slow machine does not fail it). */
static void
two_hundred_thousand_keys_load_fast(void **state)
{
    size_t cap = (size_t)MANY_KEYS * 2 * 32 + 64;
    char *text = malloc(cap);
    size_t n = 0;
    double t0, t1;
    CfgNode *root;
    char key[48];
    (void)state;

    assert_non_null(text);
    for (int i = 0; i < MANY_KEYS; i++) {
        n += (size_t)snprintf(text + n, cap - n, "key-%d: %d\n", i, i);
    }
    n += (size_t)snprintf(text + n, cap - n, "key-17: again\nnested:\n");
    for (int i = 0; i < MANY_KEYS; i++) {
        n += (size_t)snprintf(text + n, cap - n, "  k%d: v\n", i);
    }
    t0 = now_s();
    root = cfg_load_string(text, "many.yaml");
    t1 = now_s();
    free(text);
    assert_non_null(root);
    print_message("loaded %d keys in %.3f s\n", 2 * MANY_KEYS, t1 - t0);
    assert_true(t1 - t0 < 20.0);
    assert_int_equal(cfg_child_count(root), MANY_KEYS + 1);
    assert_string_equal(cfg_scalar(cfg_find(root, "key-17")), "again");
    assert_string_equal(cfg_child_key(root, 17), "key-17"); /* a repeated key keeps its place */
    for (int i = 0; i < MANY_KEYS; i += 997) {
        snprintf(key, sizeof(key), "key-%d", i);
        assert_non_null(cfg_find(root, key));
        snprintf(key, sizeof(key), "nested.k%d", i);
        assert_string_equal(cfg_scalar(cfg_find(root, key)), "v");
    }
    assert_null(cfg_find(root, "key-200000"));
    assert_null(cfg_find(root, "key-"));
    /* --set on the big map: a new key appends, an old one is replaced in place. */
    assert_int_equal(cfg_set(root, "nested.k5", "w"), SK_OK);
    assert_int_equal(cfg_set(root, "nested.fresh", "x"), SK_OK);
    assert_string_equal(cfg_scalar(cfg_find(root, "nested.k5")), "w");
    assert_string_equal(cfg_scalar(cfg_find(root, "nested.fresh")), "x");
    assert_int_equal(cfg_child_count(cfg_find(root, "nested")), MANY_KEYS + 1);
    /* A scalar replaced by a map under --set, then looked up through it. */
    assert_int_equal(cfg_set(root, "key-3.sub", "y"), SK_OK);
    assert_string_equal(cfg_scalar(cfg_find(root, "key-3.sub")), "y");
    cfg_free(root);
}

/* Maps that merge (a repeated key, an include) keep every key findable across the point where
 * a map starts being hashed. */
static void
merged_maps_keep_every_key_findable(void **state)
{
    char text[8192];
    size_t n = 0;
    CfgNode *root;
    char key[32];
    (void)state;

    n += (size_t)snprintf(text + n, sizeof(text) - n, "m:\n");
    for (int i = 0; i < 10; i++) {
        n += (size_t)snprintf(text + n, sizeof(text) - n, "  a%d: 1\n", i);
    }
    n += (size_t)snprintf(text + n, sizeof(text) - n, "m:\n");
    for (int i = 0; i < 100; i++) {
        n += (size_t)snprintf(text + n, sizeof(text) - n, "  a%d: 2\n", i);
    }
    root = cfg_load_string(text, "merge.yaml");
    assert_non_null(root);
    assert_int_equal(cfg_child_count(cfg_find(root, "m")), 100);
    for (int i = 0; i < 100; i++) {
        snprintf(key, sizeof(key), "m.a%d", i);
        assert_string_equal(cfg_scalar(cfg_find(root, key)), "2");
        assert_string_equal(cfg_child_key(cfg_find(root, "m"), (size_t)i), key + 2);
    }
    cfg_free(root);
}

/* ---- paths through values ---- */

/* `flow: abc` holds a value where flow.memcap's map belongs: reading flow.memcap is an error
 * naming flow, not a silent default. A null on the way is absent; so is a missing index. */
static void
getter_through_a_scalar_or_list_is_an_error(void **state)
{
    CfgNode *root = cfg_load_string("flow: abc\nstats: [1, 2]\nempty:\nlist: [a]\n", "t");
    uint64_t sz = 7;
    bool b = true;
    const char *str = NULL;
    Capture cap;
    char *log;
    (void)state;

    assert_non_null(root);
    capture_start(&cap);
    assert_int_equal(cfg_get_size(root, "flow.memcap", &sz), SK_ERR_CONFIG);
    log = capture_end(&cap);
    assert_int_equal(line_count(log), 1);
    assert_non_null(strstr(log, "flow: 'abc' is not a map of settings (flow.memcap"));
    free(log);
    capture_start(&cap);
    assert_int_equal(cfg_get_bool(root, "stats.enabled", &b), SK_ERR_CONFIG);
    log = capture_end(&cap);
    assert_non_null(strstr(log, "stats: '<list>' is not a map"));
    free(log);
    capture_start(&cap);
    assert_int_equal(cfg_get_bool(root, "empty.enabled", &b), SK_OK);
    assert_int_equal(cfg_get_str(root, "list.5", &str), SK_OK);
    assert_int_equal(cfg_get_str(root, "nothing.at.all", &str), SK_OK);
    log = capture_end(&cap);
    assert_string_equal(log, "");
    free(log);
    assert_int_equal(sz, 7);
    assert_true(b);
    assert_null(str);
    cfg_free(root);
}

/* ---- strict numbers ---- */

static void
numbers_with_trailing_or_leading_garbage_are_refused(void **state)
{
    static const char *const bad[] = {"1234abc", "12 34", " 5", "5 ",  "0x10", "1e3",   "",   "+",
                                      "-",       "1.",    ".5", "nan", "inf",  "0x1p3", "1,5"};
    CfgNode *root = cfg_new();
    int64_t iv;
    double dv;
    Capture cap;
    char *log;
    (void)state;

    assert_non_null(root);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(cfg_set(root, "n", bad[i]), SK_OK);
        capture_start(&cap);
        SkResult ri = cfg_get_int(root, "n", INT64_MIN, INT64_MAX, &iv);
        SkResult rd = cfg_get_double(root, "n", &dv);
        log = capture_end(&cap);
        if (ri != SK_ERR_CONFIG || rd != SK_ERR_CONFIG) {
            fail_msg("'%s' was accepted as a number", bad[i]);
        }
        free(log);
    }
    assert_int_equal(cfg_set(root, "n", "1.25"), SK_OK);
    assert_int_equal(cfg_get_double(root, "n", &dv), SK_OK);
    assert_true(dv == 1.25);
    assert_int_equal(cfg_set(root, "n", "-3"), SK_OK);
    assert_int_equal(cfg_get_double(root, "n", &dv), SK_OK);
    assert_true(dv == -3.0);
    assert_int_equal(cfg_set(root, "n", "99999999999999999999"), SK_OK);
    capture_start(&cap);
    assert_int_equal(cfg_get_int(root, "n", INT64_MIN, INT64_MAX, &iv), SK_ERR_CONFIG);
    free(capture_end(&cap));
    cfg_free(root);
}

/* cfg_parse_uint: the strict unsigned parse main.c and settings.c use for CLI and port text. */
static void
parse_uint_is_strict(void **state)
{
    static const char *const bad[] = {
        "", " 1", "1 ", "+1", "-1", "1x", "0x1", "4294967296", "99999999999999999999999"};
    uint64_t v;
    (void)state;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (cfg_parse_uint(bad[i], UINT32_MAX, &v)) {
            fail_msg("'%s' was accepted", bad[i]);
        }
    }
    assert_true(cfg_parse_uint("0", 10, &v));
    assert_int_equal(v, 0);
    assert_true(cfg_parse_uint("4294967295", UINT32_MAX, &v));
    assert_int_equal(v, UINT32_MAX);
    assert_false(cfg_parse_uint("11", 10, &v));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(include_fan_out_is_bounded_in_files, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(include_bomb_of_sixteen_levels_stops_quickly, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(one_file_over_the_byte_bound_is_refused, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(includes_over_the_byte_bound_together_are_refused,
                                        scratch_setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(include_of_a_directory_is_refused, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(include_of_a_fifo_is_refused_without_waiting, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(include_of_a_device_is_refused, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(config_file_that_is_a_directory_is_one_line, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(bounds_reset_between_loads, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test(config_file_may_be_dev_null_or_a_pipe),
        cmocka_unit_test_setup_teardown(include_loop_through_a_hard_link_is_caught, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test(getter_through_a_scalar_or_list_is_an_error),
        cmocka_unit_test(two_hundred_thousand_keys_load_fast),
        cmocka_unit_test(merged_maps_keep_every_key_findable),
        cmocka_unit_test(numbers_with_trailing_or_leading_garbage_are_refused),
        cmocka_unit_test(parse_uint_is_strict),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
