/* test_engine.c: the engine end to end (src/detect/build.c, engine.c): rules loaded from text,
 * built with their Vectorscan databases, run on packets decoded from bytes written here, alerts
 * read back. What is checked: the prefilter finds rules by their fast pattern (and a pattern
 * starting with NUL), port groups and "<>", the order of alerts, packet-alert-max with noalert
 * rules taking no place, pass ending the packet's alerts, IP-only rules once per flow direction,
 * action-order, the on-disk cache, and --rule-perf's file. Packets have no flow unless a test
 * gives them one (a zeroed Flow). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/log.h"
#include "core/proto.h"
#include "detect/detect.h"
#include "detect/detect_int.h"
#include "flow/flow.h"
#include "../decode/test_util.h"

static DecodeThread *dec;
static TestPacket tp;

static int
setup(void **state)
{
    DecodeConfig cfg;
    (void)state;
    decode_config_default(&cfg);
    dec = decode_thread_new(&cfg);
    return dec == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
    (void)state;
    decode_thread_free(dec);
    return 0;
}

/* IPv4 TCP 10.0.0.1:1234 -> 10.0.0.2:80, PSH|ACK, payload "GET /x HTTP/1.0\r\n". */
static const char *const PKT_HTTP = "45 00 00 39 00 01 00 00 40 06 00 00 0a 00 00 01 0a 00 00 02"
                                    "04 d2 00 50 00 00 00 01 00 00 00 01 50 18 20 00 00 00 00 00"
                                    "47 45 54 20 2f 78 20 48 54 54 50 2f 31 2e 30 0d 0a";
/* The reply direction: 10.0.0.2:80 -> 10.0.0.1:1234, payload "\0\0binary". */
static const char *const PKT_REPLY = "45 00 00 30 00 02 00 00 40 06 00 00 0a 00 00 02 0a 00 00 01"
                                     "00 50 04 d2 00 00 00 01 00 00 00 01 50 18 20 00 00 00 00 00"
                                     "00 00 62 69 6e 61 72 79";

typedef struct {
    DetectEngine *de;
    DetectThread *dt;
    char cache[64];
} Eng;

static void
eng_build(Eng *e, const char *rules, const DetectConfig *cfg_in)
{
    DetectConfig cfg = {.recursion_limit = 3000, .alert_max = 15, .action_rank = {0, 1, 2, 3}};
    DetectRules *r = detect_rules_new(NULL);
    if (cfg_in != NULL) {
        cfg = *cfg_in;
    }
    assert_non_null(r);
    assert_int_equal(detect_rules_load_text(r, rules, strlen(rules), "test"), SK_OK);
    e->de = detect_engine_build(r, &cfg);
    assert_non_null(e->de);
    e->dt = detect_thread_new(e->de);
    assert_non_null(e->dt);
}

static void
eng_free(Eng *e)
{
    detect_thread_free(e->dt);
    detect_engine_free(e->de);
}

/* The sids alerted on p, in order, into out ("1,3"). */
static const char *
run(Eng *e, Packet *p, char *out)
{
    const DetectAlerts *a;
    size_t o = 0;
    detect_packet(e->dt, p);
    a = detect_alerts(e->dt);
    out[0] = '\0';
    for (uint16_t i = 0; i < a->cnt; i++) {
        if (!(a->a[i].flags & DETECT_ALERT_F_NOALERT)) {
            o += (size_t)snprintf(out + o, 64 - o, "%s%u", o ? "," : "", a->a[i].sig->sid);
        }
    }
    return out;
}

static Packet *
pkt(const char *hex)
{
    return test_decode_hex(dec, &tp, LINKTYPE_RAW, hex);
}

static void
prefilter_ports_and_order(void **state)
{
    Eng e;
    char out[64];
    (void)state;
    eng_build(&e,
              "alert tcp any any -> any 80 (msg:\"get\"; content:\"GET \"; depth:4; sid:3;)\n"
              "alert tcp any any -> any 81 (content:\"GET \"; sid:4;)\n"
              "alert tcp any any -> any any (content:\"HTTP/1.\"; sid:2;)\n"
              "alert tcp any any -> any any (content:\"nothere\"; sid:5;)\n"
              "alert tcp any 80 <> any 1234 (content:\"|00 00|bin\"; sid:6;)\n"
              "alert tcp any any -> any any (flags:PA; dsize:17; sid:1;)\n"
              "pass tcp any any -> any any (content:\"binary\"; sid:7;)\n"
              "alert tcp any any -> any any (content:\"binary\"; sid:8;)\n",
              NULL);
    /* Engine order is load order among alerts of one priority. */
    assert_string_equal(run(&e, pkt(PKT_HTTP), out), "3,2,1");
    /* The reply: "<>" matches it the other way; the pass rule ends the packet's alerts. */
    assert_string_equal(run(&e, pkt(PKT_REPLY), out), "");
    assert_true(detect_alerts(e.dt)->verdict & DETECT_VERDICT_PASS);
    eng_free(&e);

    eng_build(&e, "alert tcp any 80 <> any 1234 (content:\"|00 00|bin\"; sid:6;)\n", NULL);
    assert_string_equal(run(&e, pkt(PKT_REPLY), out), "6");
    eng_free(&e);
}

static void
alert_max_and_noalert(void **state)
{
    Eng e;
    char out[64];
    DetectConfig cfg = {.recursion_limit = 3000, .alert_max = 2, .action_rank = {0, 1, 2, 3}};
    (void)state;
    eng_build(&e,
              "alert tcp any any -> any any (noalert; content:\"GET\"; sid:1;)\n"
              "alert tcp any any -> any any (content:\"GET\"; sid:2;)\n"
              "alert tcp any any -> any any (content:\"HTTP\"; sid:3;)\n"
              "alert tcp any any -> any any (content:\"/x\"; sid:4;)\n",
              &cfg);
    /* sid 1 takes no place; of 2, 3, 4 the first two are kept, one counted. */
    assert_string_equal(run(&e, pkt(PKT_HTTP), out), "2,3");
    assert_int_equal(detect_alerts(e.dt)->discarded, 1);
    assert_int_equal(detect_thread_stats(e.dt)->alerts_discarded, 1);
    eng_free(&e);
}

static void
iponly_once_per_direction(void **state)
{
    Eng e;
    char out[64];
    Flow f;
    Packet *p;
    (void)state;
    memset(&f, 0, sizeof(f));
    eng_build(&e, "alert ip 10.0.0.0/24 any -> any any (sid:9;)\n", NULL);
    p = pkt(PKT_HTTP);
    p->flow = &f;
    p->flow_toserver = 1;
    assert_string_equal(run(&e, p, out), "9");
    assert_string_equal(run(&e, p, out), ""); /* the same direction again */
    p = pkt(PKT_REPLY);
    p->flow = &f;
    p->flow_toserver = 0;
    assert_string_equal(run(&e, p, out), "9");
    assert_true(f.flags & FLOW_F_ALERTED);
    eng_free(&e);
}

static void
action_order_drop_first(void **state)
{
    Eng e;
    char out[64];
    DetectConfig cfg = {.recursion_limit = 3000, .alert_max = 15, .action_rank = {1, 0, 2, 3}};
    (void)state;
    eng_build(&e,
              "alert tcp any any -> any any (content:\"GET\"; sid:1;)\n"
              "pass tcp any any -> any any (content:\"GET\"; sid:2;)\n"
              "drop tcp any any -> any any (content:\"GET\"; sid:3;)\n",
              &cfg);
    /* drop ranks first, then pass, which ends what follows. */
    assert_string_equal(run(&e, pkt(PKT_HTTP), out), "3");
    eng_free(&e);
}

static void
cache_and_rule_perf(void **state)
{
    Eng e;
    char out[64], dir[] = "/tmp/sk-detect-cache-XXXXXX", path[128], line[256];
    FILE *f;
    (void)state;
    assert_non_null(mkdtemp(dir));
    DetectConfig cfg = {.recursion_limit = 3000,
                        .alert_max = 15,
                        .action_rank = {0, 1, 2, 3},
                        .mpm_cache = true,
                        .mpm_cache_dir = dir,
                        .rule_perf = true};
    const char *rules = "alert tcp any any -> any any (content:\"GET \"; sid:1;)\n";
    eng_build(&e, rules, &cfg);
    eng_free(&e);
    /* The second build reads the database back and matches the same. */
    eng_build(&e, rules, &cfg);
    assert_string_equal(run(&e, pkt(PKT_HTTP), out), "1");
    snprintf(path, sizeof(path), "%s/rule_perf.log", dir);
    DetectThread *dts[1] = {e.dt};
    assert_int_equal(detect_rule_perf_write(e.de, dts, 1, path), SK_OK);
    f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof(line), f)); /* the header */
    assert_non_null(strstr(line, "Ticks"));
    assert_non_null(fgets(line, sizeof(line), f));
    assert_int_equal(strtol(line, NULL, 10), 1); /* rank 1: sid 1 */
    assert_non_null(strstr(line, " 1 "));
    fclose(f);
    eng_free(&e);
    char cmd[160];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* A stream stage stand-in: one window of data per direction, handed out once. */
typedef struct {
    const char *data[2]; /* [toserver] */
    uint64_t consumed[2];
    uint64_t seen[2];
} FakeStream;

static uint32_t
fake_window(void *user, Flow *f, int toserver, bool eof, uint32_t lookback, uint8_t *out,
            uint32_t cap, uint64_t *start)
{
    FakeStream *fs = user;
    const char *d = fs->data[toserver];
    size_t n = d != NULL ? strlen(d) : 0;
    (void)f, (void)eof, (void)lookback;
    if (n == 0 || fs->consumed[toserver] >= n) {
        return 0;
    }
    n = n < cap ? n : cap;
    memcpy(out, d, n);
    *start = 0;
    return (uint32_t)n;
}

static void
fake_consumed(void *user, Flow *f, int toserver, uint64_t upto)
{
    FakeStream *fs = user;
    (void)f;
    fs->consumed[toserver] = upto;
}

static bool
fake_active(void *user, const Flow *f, int toserver)
{
    (void)user, (void)f, (void)toserver;
    return true;
}

static bool
fake_bytes(void *user, const Flow *f, int toserver, uint64_t *out)
{
    FakeStream *fs = user;
    (void)f;
    *out = fs->seen[toserver];
    return true;
}

static void
stream_pass_and_stream_size(void **state)
{
    Eng e;
    char out[64];
    Flow f;
    Packet *p;
    FakeStream fs = {.data = {NULL, "GET /a HTTP/1.0\r\nUser-Agent: split-evil\r\n"},
                     .seen = {100, 20}};
    DetectStreamSource src = {.window = fake_window,
                              .consumed = fake_consumed,
                              .active = fake_active,
                              .bytes_seen = fake_bytes,
                              .user = &fs};
    (void)state;
    memset(&f, 0, sizeof(f));
    f.proto = SK_IPPROTO_TCP;
    eng_build(&e,
              /* plain content: the stream only */
              "alert tcp any any -> any any (content:\"split-evil\"; sid:1;)\n"
              /* anchored: packet and stream */
              "alert tcp any any -> any any (content:\"GET \"; depth:4; sid:2;)\n"
              /* a packet test: the packet only */
              "alert tcp any any -> any any (flags:PA; content:\"GET\"; sid:3;)\n"
              "alert tcp any any -> any any (stream_size:server,>,50; sid:4;)\n"
              "alert tcp any any -> any any (stream_size:client,>,50; sid:5;)\n"
              "alert tcp any any -> any any (stream_size:either,>,50; sid:6;)\n",
              NULL);
    assert_true(detect_thread_set_stream_source(e.dt, &src));
    p = pkt(PKT_HTTP);
    p->flow = &f;
    p->flow_toserver = 1;
    /* The packet pass gives 2 and 3 and the stream sizes; the stream pass gives 2 again and 1
     * (its alerts come after the packet's in the queue's engine order). */
    assert_string_equal(run(&e, p, out), "1,2,2,3,4,6");
    const DetectAlerts *a = detect_alerts(e.dt);
    unsigned stream_alerts = 0;
    for (uint16_t i = 0; i < a->cnt; i++) {
        stream_alerts += (a->a[i].flags & DETECT_ALERT_F_STREAM) != 0;
    }
    assert_int_equal(stream_alerts, 2);
    assert_int_equal(fs.consumed[1], strlen(fs.data[1]));
    /* Inspected once: the same packet again finds nothing new in the stream. */
    assert_string_equal(run(&e, p, out), "2,3,4,6");
    eng_free(&e);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(prefilter_ports_and_order), cmocka_unit_test(alert_max_and_noalert),
        cmocka_unit_test(iponly_once_per_direction), cmocka_unit_test(action_order_drop_first),
        cmocka_unit_test(cache_and_rule_perf),       cmocka_unit_test(stream_pass_and_stream_size),
    };
    log_set_level(LOG_LEVEL_ERROR);
    return cmocka_run_group_tests(tests, setup, teardown);
}
