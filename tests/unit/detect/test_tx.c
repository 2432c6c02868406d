/* test_tx.c: transaction inspection (engine.c's transaction pass, applayer/buffers.def):
 * DNS packets decoded from bytes written here, through a flow table and the app layer, then
 * detection. What is checked: "alert dns" with dns.query alerts once per transaction, marked
 * as a transaction alert with its tx_id; the response (dns.query is a request buffer) and a
 * second run over the same transactions do not alert; any question of a request matches (a
 * multi-buffer); "alert udp ... dns.query" is an app-layer rule too; a rule whose header names
 * another protocol never matches. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "applayer/applayer.h"
#include "core/log.h"
#include "detect/detect.h"
#include "detect/detect_int.h"
#include "flow/flow.h"
#include "../decode/test_util.h"

/* 10.0.0.1:40000 -> 10.0.0.2:53, a request (id 0x1234) for www.example.com A. */
static const char *const PKT_QUERY =
    "4500003d00010000401166ad0a0000010a0000029c4000350029f293"
    "12340100000100000000000003777777076578616d706c6503636f6d0000010001";
/* Its response: the same question, one A answer. */
static const char *const PKT_RESPONSE =
    "4500005c000200004011668d0a0000020a00000100359c400048130112348100000100010000000003777777"
    "076578616d706c6503636f6d000001000103777777076578616d706c6503636f6d000001000100000000000401"
    "020304";
/* A request (id 0x1235) with two questions: a.test, b.example.org. */
static const char *const PKT_QUERY2 =
    "4500004700030000401166a10a0000010a0000029c400035003389b9123501000002000000000000016104"
    "7465737400000100010162076578616d706c65036f72670000010001";

typedef struct {
    DecodeThread *dec;
    TestPacket tp;
    FlowConfig fcfg;
    Memcap flow_mc, al_mc;
    FlowTable *ft;
    AppLayerConfig acfg;
    AppLayerThread *al;
    DetectEngine *de;
    DetectThread *dt;
    Flow *flow;
} Fx;

static Fx *
fx_new(const char *rules)
{
    Fx *fx = calloc(1, sizeof(*fx));
    DecodeConfig dcfg;
    DetectConfig cfg = {.recursion_limit = 3000, .alert_max = 15, .action_rank = {0, 1, 2, 3}};
    DetectRules *r = detect_rules_new(NULL);

    assert_non_null(fx);
    decode_config_default(&dcfg);
    fx->dec = decode_thread_new(&dcfg);
    flow_config_default(&fx->fcfg);
    memcap_init_fixed(&fx->flow_mc, fx->fcfg.memcap);
    fx->ft = flow_table_new(&fx->fcfg, 1, 0, 42, &fx->flow_mc);
    applayer_config_default(&fx->acfg);
    memcap_init_fixed(&fx->al_mc, 1u << 20);
    fx->al = applayer_thread_new(&fx->acfg, &fx->al_mc);
    assert_non_null(r);
    assert_int_equal(detect_rules_load_text(r, rules, strlen(rules), "test"), SK_OK);
    fx->de = detect_engine_build(r, &cfg);
    assert_non_null(fx->de);
    fx->dt = detect_thread_new(fx->de);
    assert_true(fx->dec != NULL && fx->ft != NULL && fx->al != NULL && fx->dt != NULL);
    return fx;
}

static void
fx_free(Fx *fx)
{
    if (fx->flow != NULL) {
        applayer_flow_free(fx->al, fx->flow); /* flow_table_free runs no end step */
    }
    assert_int_equal(memcap_used(&fx->al_mc), 0);
    detect_thread_free(fx->dt);
    detect_engine_free(fx->de);
    applayer_thread_free(fx->al);
    flow_table_free(fx->ft);
    decode_thread_free(fx->dec);
    memcap_fini(&fx->al_mc);
    memcap_fini(&fx->flow_mc);
    free(fx);
}

/* One packet as a worker takes it: decode, flow, app layer, detection. The sids alerted into
 * out ("1,3"); the first alert's flags and tx_id into *flags and *tx_id when there is one. */
static const char *
run(Fx *fx, const char *hex, char *out, uint8_t *flags, uint64_t *tx_id)
{
    Packet *p = test_decode_hex(fx->dec, &fx->tp, LINKTYPE_RAW, hex);
    size_t o = 0;

    assert_non_null(flow_handle_packet(fx->ft, p));
    fx->flow = p->flow;
    applayer_packet(fx->al, p->flow, p);
    detect_packet(fx->dt, p);
    const DetectAlerts *a = detect_alerts(fx->dt);
    out[0] = '\0';
    for (uint16_t i = 0; i < a->cnt; i++) {
        o += (size_t)snprintf(out + o, 64 - o, "%s%u", o ? "," : "", a->a[i].sig->sid);
    }
    if (a->cnt > 0) {
        *flags = a->a[0].flags;
        *tx_id = a->a[0].tx_id;
    }
    return out;
}

static void
dns_query_alerts_once(void **state)
{
    char out[64];
    uint8_t flags = 0;
    uint64_t tx_id = 99;
    (void)state;
    Fx *fx = fx_new("alert dns any any -> any any (dns.query; content:\"example\"; sid:1;)\n"
                    "alert dns any any -> any any (dns.query; content:\"nothere\"; sid:2;)\n"
                    "alert http any any -> any any (dns.query; content:\"example\"; sid:3;)\n");
    assert_string_equal(run(fx, PKT_QUERY, out, &flags, &tx_id), "1");
    assert_true(flags & DETECT_ALERT_F_TX);
    assert_int_equal(tx_id, 0);
    assert_int_equal(fx->flow->alproto, ALPROTO_DNS);
    /* The response is a transaction of its own, with no dns.query. */
    assert_string_equal(run(fx, PKT_RESPONSE, out, &flags, &tx_id), "");
    /* Inspected once: the request's transaction is not seen again. */
    detect_packet(fx->dt, &fx->tp.p);
    assert_int_equal(detect_alerts(fx->dt)->cnt, 0);
    fx_free(fx);
}

static void
dns_query_any_question(void **state)
{
    char out[64];
    uint8_t flags = 0;
    uint64_t tx_id = 99;
    (void)state;
    Fx *fx = fx_new("alert udp any any -> any 53 (dns.query; content:\"b.example\"; startswith; "
                    "sid:4;)\n"
                    "alert dns any any -> any any (dns.query; content:\"a.test\"; bsize:6; "
                    "sid:5;)\n");
    assert_string_equal(run(fx, PKT_QUERY, out, &flags, &tx_id), "");
    assert_string_equal(run(fx, PKT_QUERY2, out, &flags, &tx_id), "4,5");
    assert_true(flags & DETECT_ALERT_F_TX);
    assert_int_equal(tx_id, 1);
    fx_free(fx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dns_query_alerts_once),
        cmocka_unit_test(dns_query_any_question),
    };
    log_set_level(LOG_LEVEL_ERROR);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
