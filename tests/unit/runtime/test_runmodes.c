/* Run modes: tests/data/sample.pcap through runtime_run in single, autofp and workers with 1 to
 * 3 worker threads gives the same flow records (flow_id, which carries the worker, and the
 * record's write time aside) and the same final stats totals (the gauges that depend on how
 * many flow tables there are aside: flow.memuse, flow.spare, memcap.pressure). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/config.h"
#include "runtime/runtime.h"

#define SAMPLE "tests/data/sample.pcap"

typedef struct {
    char **flows; /* sorted, each from "event_type" on */
    size_t flow_cnt;
    char *stats; /* the last stats record, normalised */
} EveRun;

static char *
slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Every `"key":<digits>` in s gets the value 0. */
static void
zero_value(char *s, const char *key)
{
    char pat[64];
    size_t plen = (size_t)snprintf(pat, sizeof(pat), "\"%s\":", key);

    for (char *p = strstr(s, pat); p != NULL; p = strstr(p + plen, pat)) {
        char *v = p + plen, *end = v;
        while (*end >= '0' && *end <= '9') {
            end++;
        }
        if (end > v) {
            *v = '0';
            memmove(v + 1, end, strlen(end) + 1);
        }
    }
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
run_mode(RunMode mode, unsigned threads, EveRun *out)
{
    char dir[] = "/tmp/sk-runmodes-XXXXXX";
    char path[128];
    RunConfig rc;
    CfgNode *cfg = cfg_load_default();
    char *text, *line, *save = NULL;

    assert_non_null(cfg);
    assert_non_null(mkdtemp(dir));
    memset(&rc, 0, sizeof(rc));
    rc.runmode = mode;
    snprintf(rc.log_dir, sizeof(rc.log_dir), "%s", dir);
    assert_int_equal(runtime_config_load(&rc, cfg, threads), SK_OK);
    rc.input = SAMPLE;
    rc.quiet = true;
    rc.no_random = true;
    assert_int_equal(runtime_run(&rc), 0);
    cfg_free(cfg);

    snprintf(path, sizeof(path), "%s/eve.json", dir);
    text = slurp(path);
    memset(out, 0, sizeof(*out));
    out->flows = calloc(4096, sizeof(char *));
    assert_non_null(out->flows);
    for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        char *from = strstr(line, "\"event_type\"");
        assert_non_null(from);
        if (strncmp(from, "\"event_type\":\"flow\"", 19) == 0) {
            assert_true(out->flow_cnt < 4096);
            out->flows[out->flow_cnt++] = strdup(from);
        } else if (strncmp(from, "\"event_type\":\"stats\"", 20) == 0) {
            free(out->stats);
            out->stats = strdup(from);
            assert_non_null(out->stats);
            zero_value(out->stats, "uptime");
            zero_value(out->stats, "memuse");
            zero_value(out->stats, "spare");
            zero_value(out->stats, "pressure");
            zero_value(out->stats, "pressure_max");
        }
    }
    qsort(out->flows, out->flow_cnt, sizeof(char *), cmp_str);
    free(text);
    unlink(path);
    rmdir(dir);
}

static void
eve_run_free(EveRun *r)
{
    for (size_t i = 0; i < r->flow_cnt; i++) {
        free(r->flows[i]);
    }
    free(r->flows);
    free(r->stats);
}

static void
every_mode_and_thread_count_gives_the_same_flows_and_totals(void **state)
{
    static const struct {
        RunMode mode;
        unsigned threads;
    } runs[] = {
        {RUNMODE_AUTOFP, 1},  {RUNMODE_AUTOFP, 2},  {RUNMODE_AUTOFP, 3},
        {RUNMODE_WORKERS, 1}, {RUNMODE_WORKERS, 2}, {RUNMODE_WORKERS, 3},
    };
    EveRun ref;
    (void)state;

    run_mode(RUNMODE_SINGLE, 1, &ref);
    assert_true(ref.flow_cnt > 20);
    assert_non_null(ref.stats);
    assert_non_null(strstr(ref.stats, "\"pkts\":220"));
    for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
        EveRun got;
        run_mode(runs[i].mode, runs[i].threads, &got);
        print_message("%s, %u threads: %zu flows\n", runmode_name(runs[i].mode), runs[i].threads,
                      got.flow_cnt);
        assert_int_equal(got.flow_cnt, ref.flow_cnt);
        for (size_t k = 0; k < ref.flow_cnt; k++) {
            /* flow_id carries the worker; the record from event_type on does not */
            const char *a = strstr(ref.flows[k], ",\"src_ip\"");
            const char *b = strstr(got.flows[k], ",\"src_ip\"");
            assert_non_null(a);
            assert_non_null(b);
            assert_string_equal(a, b);
        }
        assert_non_null(got.stats);
        assert_string_equal(got.stats, ref.stats);
        eve_run_free(&got);
    }
    eve_run_free(&ref);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_mode_and_thread_count_gives_the_same_flows_and_totals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
