/* test_flow.c: flow, flowbits, flowint, xbits, threshold, detection_filter and the
 * threshold-file (src/detect/keywords/flow.c, flowbits.c, threshold.c). Rules are parsed with
 * sig_parse, run by hand on Packets and Flows built here (match list, then post-match list, as
 * the engine does), in a minimal engine. The "fails" cases and their messages were checked
 * against Suricata 8.0.7 -T, as were the flowbits "|" and "&" forms (on a pcap). */
#include "detect/detect_int.h"

#include <arpa/inet.h>

#include "core/log.h"
#include "flow/flow.h"
#include "../core/test_support.h"

static Signature *
parse(const char *text)
{
    Signature *s = NULL;
    SigParseInfo info;
    SigParseStatus st = sig_parse(NULL, text, strlen(text), &s, &info);
    if (st != SIG_PARSE_OK) {
        fail_msg("expected to load: %s\n  got: %s", text, info.err);
    }
    sig_parse_info_fini(&info);
    return s;
}

static void
fails(const char *text, const char *want)
{
    Signature *s = NULL;
    SigParseInfo info;
    SigParseStatus st = sig_parse(NULL, text, strlen(text), &s, &info);
    if (st != SIG_PARSE_FAILED || strstr(info.err, want) == NULL) {
        fail_msg("expected to fail with \"%s\": %s\n  got status %d: %s", want, text, st, info.err);
    }
    sig_parse_info_fini(&info);
    sig_free(s);
}

/* A minimal engine over the given rules (taken over), and one worker. */
typedef struct {
    DetectEngine *de;
    DetectThread *dt;
} Eng;

static Eng
eng_new(Signature **sigs, uint32_t cnt, const char *threshold_file)
{
    Eng e;
    e.de = calloc(1, sizeof(*e.de));
    e.dt = calloc(1, sizeof(*e.dt));
    assert_non_null(e.de);
    assert_non_null(e.dt);
    e.de->sigs = calloc(cnt, sizeof(Signature *));
    assert_non_null(e.de->sigs);
    for (uint32_t i = 0; i < cnt; i++) {
        e.de->sigs[i] = sigs[i];
        sigs[i]->num = i;
    }
    e.de->sig_cnt = cnt;
    assert_int_equal(detect_flowvars_build(e.de), SK_OK);
    e.de->thresholds = detect_threshold_table_new(threshold_file, e.de->sigs, cnt);
    assert_non_null(e.de->thresholds);
    e.dt->de = e.de;
    return e;
}

static void
eng_free(Eng *e)
{
    detect_threshold_table_free(e->de->thresholds);
    detect_flowvars_free(e->de);
    for (uint32_t i = 0; i < e->de->sig_cnt; i++) {
        sig_free(e->de->sigs[i]);
    }
    free(e->de->sigs);
    free(e->de);
    free(e->dt);
}

/* s against p as the engine runs it: every match keyword, then the post-match effects. */
static bool
run(Eng *e, Packet *p, const Signature *s)
{
    const SigMatchList *m = &s->lists[DETECT_LIST_MATCH];
    for (uint32_t i = 0; i < m->cnt; i++) {
        if (!m->sm[i].ops->match(e->dt, p, s, m->sm[i].ctx)) {
            return false;
        }
    }
    const SigMatchList *pm = &s->lists[DETECT_LIST_POSTMATCH];
    for (uint32_t i = 0; i < pm->cnt; i++) {
        pm->sm[i].ops->postmatch(e->dt, p, s, pm->sm[i].ctx);
    }
    return true;
}

/* run, then the threshold decision: did s alert? */
static bool
alerts(Eng *e, Packet *p, const Signature *s)
{
    return run(e, p, s) && detect_threshold_allow(e->dt, p, s);
}

static void
pkt_init(Packet *p, Flow *f, const char *src, const char *dst, bool toserver, uint64_t sec)
{
    packet_reset(p);
    p->ip_ver = 4;
    p->proto = 6;
    assert_int_equal(inet_pton(AF_INET, src, p->src.b), 1);
    assert_int_equal(inet_pton(AF_INET, dst, p->dst.b), 1);
    p->flow = f;
    p->flow_toserver = toserver;
    p->ts = SK_TIME_FROM_SEC(sec);
}

/* ---- flow ---- */

static void
flow_matches_direction_and_state(void **state)
{
    (void)state;
    Signature *s[] = {
        parse("alert tcp any any -> any any (flow:established,to_server; sid:1;)"),
        parse("alert tcp any any -> any any (flow:to_client; sid:2;)"),
        parse("alert tcp any any -> any any (flow:not_established; sid:3;)"),
        parse("alert tcp any any -> any any (flow:stateless; sid:4;)"),
        parse("alert tcp any any -> any any (flow:no_frag,from_client; sid:5;)"),
        parse("alert tcp any any -> any any (flow:only_frag; sid:6;)"),
        parse("alert tcp any any -> any any (flow:only_stream; sid:7;)"),
        parse("alert tcp any any -> any any (flow: ESTABLISHED , no_stream; sid:8;)"),
    };
    Eng e = eng_new(s, 8, NULL);
    Flow f = {0};
    Packet p;

    assert_int_equal(s[0]->flow_flags, SIG_FLOW_ESTABLISHED | SIG_FLOW_TOSERVER);
    assert_int_equal(s[1]->flow_flags, SIG_FLOW_TOCLIENT);
    assert_int_equal(s[3]->flow_flags, SIG_FLOW_STATELESS);

    /* A new flow, first direction. */
    f.state = FLOW_STATE_NEW;
    pkt_init(&p, &f, "10.0.0.1", "10.0.0.2", true, 1);
    assert_false(run(&e, &p, s[0]));
    assert_false(run(&e, &p, s[1]));
    assert_true(run(&e, &p, s[2]));
    assert_true(run(&e, &p, s[3]));
    assert_true(run(&e, &p, s[4]));
    assert_false(run(&e, &p, s[5]));
    assert_false(run(&e, &p, s[6])); /* never stream data: no reassembly yet */
    assert_false(run(&e, &p, s[7]));

    /* Established, both ways; a closing flow is still past its handshake. The flow stage
     * decides per packet (Packet.flow_established). */
    f.state = FLOW_STATE_ESTABLISHED;
    p.flow_established = 1;
    assert_true(run(&e, &p, s[0]));
    assert_false(run(&e, &p, s[2]));
    assert_true(run(&e, &p, s[7]));
    p.flow_toserver = 0;
    assert_false(run(&e, &p, s[0]));
    assert_true(run(&e, &p, s[1]));
    assert_false(run(&e, &p, s[4]));
    f.state = FLOW_STATE_CLOSED;
    assert_true(run(&e, &p, s[7]));

    /* A fragment. */
    p.flow_toserver = 1;
    p.flags |= PKT_F_FRAGMENT;
    assert_false(run(&e, &p, s[4]));
    assert_true(run(&e, &p, s[5]));

    /* No flow: only what holds without one. */
    pkt_init(&p, NULL, "10.0.0.1", "10.0.0.2", true, 1);
    assert_false(run(&e, &p, s[0]));
    assert_false(run(&e, &p, s[1]));
    assert_true(run(&e, &p, s[2]));
    assert_true(run(&e, &p, s[3]));
    assert_false(run(&e, &p, s[4]));
    eng_free(&e);
}

static void
flow_conflicts_fail_as_suricata(void **state)
{
    (void)state;
    fails("alert tcp any any -> any any (flow:established,not_established; sid:1;)",
          "cannot set DETECT_FLOW_FLAG_NOT_ESTABLISHED, DETECT_FLOW_FLAG_ESTABLISHED already set");
    fails("alert tcp any any -> any any (flow:established,stateless; sid:1;)",
          "cannot set DETECT_FLOW_FLAG_STATELESS, DETECT_FLOW_FLAG_ESTABLISHED already set");
    fails("alert tcp any any -> any any (flow:stateless,established; sid:1;)",
          "DETECT_FLOW_FLAG_STATELESS already set");
    fails("alert tcp any any -> any any (flow:to_server,to_client; sid:1;)",
          "cannot set to_client, DETECT_FLOW_FLAG_TOSERVER already set");
    fails("alert tcp any any -> any any (flow:to_client,from_client; sid:1;)",
          "cannot set to_server, DETECT_FLOW_FLAG_TO_CLIENT flag already set");
    fails("alert tcp any any -> any any (flow:from_server,to_client; sid:1;)",
          "cannot set DETECT_FLOW_FLAG_TOCLIENT flag is already set");
    fails("alert tcp any any -> any any (flow:only_stream,no_stream; sid:1;)",
          "cannot set no_stream flag, DETECT_FLOW_FLAG_ONLYSTREAM already set");
    fails("alert tcp any any -> any any (flow:no_frag,only_frag; sid:1;)",
          "cannot set only_frag flag, no_frag already set");
    fails("alert tcp any any -> any any (flow:foo; sid:1;)", "invalid flow option \"foo\"");
    fails("alert tcp any any -> any any (flow:to_server,no_stream,only_frag,established; sid:1;)",
          "parse error, ret -1");
    fails("alert tcp any any -> any any (flow:established,,to_server; sid:1;)",
          "parse error, ret -1");
    fails("alert tcp any any -> any any (flow:to_server established; sid:1;)",
          "parse error, ret -1");
    fails("alert tcp any any -> any any (flow:\"established\"; sid:1;)", "quotes on flow");
    /* One flow option with a test per rule; lone directions, stateless, no_stream are not
     * such options. */
    fails("alert tcp any any -> any any (flow:established; flow:to_server; sid:1;)",
          "A signature may have only one flow option.");
    fails("alert tcp any any -> any any (flow:no_frag; flow:established; sid:1;)",
          "A signature may have only one flow option.");
    fails("alert tcp any any -> any any (flow:to_server; flow:to_client; sid:1;)",
          "has flow to_client but a hook to_server");
    sig_free(parse("alert tcp any any -> any any (flow:to_server; flow:established; sid:1;)"));
    sig_free(parse("alert tcp any any -> any any (flow:stateless; flow:to_server; sid:1;)"));
    sig_free(parse("alert tcp any any -> any any (flow:no_stream; flow:established; sid:1;)"));
    sig_free(parse("alert tcp any any -> any any (flow:not_established,stateless; sid:1;)"));
}

/* ---- flowbits ---- */

static void
flowbits_set_then_isset_on_the_same_flow(void **state)
{
    (void)state;
    Signature *s[] = {
        parse("alert tcp any any -> any any (flowbits:set,login; flowbits:noalert; sid:1;)"),
        parse("alert tcp any any -> any any (flowbits:isset,login; sid:2;)"),
        parse("alert tcp any any -> any any (flowbits:isnotset,login; sid:3;)"),
        parse("alert tcp any any -> any any (flowbits:unset,login; sid:4;)"),
        parse("alert tcp any any -> any any (flowbits:toggle,login; sid:5;)"),
    };
    Eng e = eng_new(s, 5, NULL);
    Flow f = {0}, g = {0};
    Packet p;

    assert_true(s[0]->flags & SIG_F_NOALERT);
    pkt_init(&p, &f, "10.0.0.1", "10.0.0.2", true, 1);
    assert_false(run(&e, &p, s[1]));
    assert_true(run(&e, &p, s[2]));
    assert_null(f.det); /* nothing allocated until a set */
    assert_true(run(&e, &p, s[0]));
    assert_non_null(f.det);
    assert_true(run(&e, &p, s[1]));
    assert_false(run(&e, &p, s[2]));

    /* Another flow does not see it. */
    pkt_init(&p, &g, "10.0.0.1", "10.0.0.2", true, 1);
    assert_false(run(&e, &p, s[1]));

    pkt_init(&p, &f, "10.0.0.1", "10.0.0.2", false, 2);
    assert_true(run(&e, &p, s[3])); /* unset */
    assert_false(run(&e, &p, s[1]));
    assert_true(run(&e, &p, s[4])); /* toggle: on */
    assert_true(run(&e, &p, s[1]));
    assert_true(run(&e, &p, s[4])); /* toggle: off */
    assert_false(run(&e, &p, s[1]));

    /* No flow: neither isset nor isnotset holds, as Suricata. */
    pkt_init(&p, NULL, "10.0.0.1", "10.0.0.2", true, 1);
    assert_false(run(&e, &p, s[1]));
    assert_false(run(&e, &p, s[2]));
    assert_true(run(&e, &p, s[0]));

    detect_flow_free(&f);
    assert_null(f.det);
    detect_flow_free(&g);
    eng_free(&e);
}

static void
flowbits_or_and_ampersand_forms(void **state)
{
    (void)state;
    Signature *s[] = {
        parse("alert tcp any any -> any any (flowbits:set,a&b; sid:1;)"),
        parse("alert tcp any any -> any any (flowbits:isset,a; sid:2;)"),
        parse("alert tcp any any -> any any (flowbits:isset,a&b; sid:3;)"),
        parse("alert tcp any any -> any any (flowbits:isset,x|a&b|y; sid:4;)"),
        parse("alert tcp any any -> any any (flowbits:isnotset,x | a&b; sid:5;)"),
        parse("alert tcp any any -> any any (flowbits:isnotset,x|y; sid:6;)"),
        parse("alert tcp any any -> any any (flowbits:set,x|y; sid:7;)"),
        parse("alert tcp any any -> any any (flowbits:isset,x|y; sid:8;)"),
        parse("alert tcp any any -> any any (flowbits:isset,x|; sid:9;)"),
    };
    Eng e = eng_new(s, 9, NULL);
    Flow f = {0};
    Packet p;

    pkt_init(&p, &f, "10.0.0.1", "10.0.0.2", true, 1);
    assert_true(run(&e, &p, s[0]));
    /* "&" is a name character in Suricata 8.0.7: the one bit "a&b". */
    assert_false(run(&e, &p, s[1]));
    assert_true(run(&e, &p, s[2]));
    /* "|": any of them. */
    assert_true(run(&e, &p, s[3]));
    assert_true(run(&e, &p, s[4])); /* x is not set */
    assert_true(run(&e, &p, s[5]));
    /* Setting an "x|y" name sets nothing, as 8.0.7 (checked on a pcap). */
    assert_true(run(&e, &p, s[6]));
    assert_false(run(&e, &p, s[7]));
    assert_false(run(&e, &p, s[8]));

    fails("alert tcp any any -> any any (flowbits:set,a b; sid:1;)",
          "spaces not allowed in flowbit names");
    fails("alert tcp any any -> any any (flowbits:foo,a; sid:1;)",
          "ERROR: flowbits action \"foo\" is not supported.");
    fails("alert tcp any any -> any any (flowbits:SET,a; sid:1;)",
          "\"SET,a\" is not a valid setting for flowbits.");
    fails("alert tcp any any -> any any (flowbits:set; sid:1;)", "needs a name");
    fails("alert tcp any any -> any any (flowbits:set ,a; sid:1;)", "needs a name");
    fails("alert tcp any any -> any any (flowbits:noalert,a; sid:1;)", "noalert");
    detect_flow_free(&f);
    eng_free(&e);
}

/* ---- flowint ---- */

static void
flowint_arithmetic_and_comparisons(void **state)
{
    (void)state;
    Signature *s[] = {
        parse("alert tcp any any -> any any (flowint:cnt,+,1; sid:1;)"),
        parse("alert tcp any any -> any any (flowint:cnt,isset; sid:2;)"),
        parse("alert tcp any any -> any any (flowint:cnt,notset; sid:3;)"),
        parse("alert tcp any any -> any any (flowint: cnt , >= , 3 ; sid:4;)"),
        parse("alert tcp any any -> any any (flowint:cnt,==,2; sid:5;)"),
        parse("alert tcp any any -> any any (flowint:cnt,-,5; sid:6;)"),
        parse("alert tcp any any -> any any (flowint:lim,=,4; sid:7;)"),
        parse("alert tcp any any -> any any (flowint:cnt,<,lim; sid:8;)"),
        parse("alert tcp any any -> any any (flowint:cnt,!=,lim; sid:9;)"),
        parse("alert tcp any any -> any any (flowint:other,=,cnt; sid:10;)"),
        parse("alert tcp any any -> any any (flowint:other,isnotset; sid:11;)"),
        parse("alert tcp any any -> any any (flowint:neg,-,1; sid:12;)"),
        parse("alert tcp any any -> any any (flowint:cnt,<=,0; sid:13;)"),
        parse("alert tcp any any -> any any (flowint:cnt,>,4294967294; sid:14;)"),
        parse("alert tcp any any -> any any (flowint:neg,==,0; sid:15;)"),
    };
    Eng e = eng_new(s, 15, NULL);
    Flow f = {0};
    Packet p;

    pkt_init(&p, &f, "10.0.0.1", "10.0.0.2", true, 1);
    assert_false(run(&e, &p, s[1]));
    assert_true(run(&e, &p, s[2]));
    assert_false(run(&e, &p, s[3])); /* comparisons of an unset flowint fail */
    assert_false(run(&e, &p, s[7]));
    assert_true(run(&e, &p, s[9])); /* other = cnt: cnt unset, nothing happens */
    assert_true(run(&e, &p, s[10]));

    assert_true(run(&e, &p, s[0])); /* an unset counter starts at the operand: 1 */
    assert_true(run(&e, &p, s[1]));
    assert_false(run(&e, &p, s[2]));
    assert_true(run(&e, &p, s[0])); /* 2 */
    assert_true(run(&e, &p, s[4]));
    assert_false(run(&e, &p, s[3]));
    assert_true(run(&e, &p, s[0])); /* 3 */
    assert_true(run(&e, &p, s[3]));
    assert_false(run(&e, &p, s[7])); /* lim unset */
    assert_true(run(&e, &p, s[6]));  /* lim = 4 */
    assert_true(run(&e, &p, s[7]));  /* 3 < 4 */
    assert_true(run(&e, &p, s[8]));
    assert_true(run(&e, &p, s[0])); /* 4 */
    assert_false(run(&e, &p, s[7]));
    assert_false(run(&e, &p, s[8]));
    assert_true(run(&e, &p, s[9])); /* other = 4 */
    assert_false(run(&e, &p, s[10]));

    assert_true(run(&e, &p, s[5])); /* 4 - 5 wraps, 32-bit unsigned */
    assert_true(run(&e, &p, s[13]));
    assert_false(run(&e, &p, s[12]));
    assert_false(run(&e, &p, s[14]));
    assert_true(run(&e, &p, s[11])); /* subtracting from an unset flowint gives 0 */
    assert_true(run(&e, &p, s[14]));

    fails("alert tcp any any -> any any (flowint:cnt,=,x; sid:1;)",
          "\"cnt,=,x\" is not a valid setting for flowint(ret = -1).");
    fails("alert tcp any any -> any any (flowint:cnt,*,3; sid:1;)", "not a valid setting");
    fails("alert tcp any any -> any any (flowint:cnt,+,-1; sid:1;)", "not a valid setting");
    fails("alert tcp any any -> any any (flowint:cnt; sid:1;)", "not a valid setting");
    fails("alert tcp any any -> any any (flowint:c,+,1; sid:1;)", "not a valid setting");
    fails("alert tcp any any -> any any (flowint:cnt,=; sid:1;)", "needs a value");
    fails("alert tcp any any -> any any (flowint:cnt,+,4294967296; sid:1;)", "out of range");
    sig_free(parse("alert tcp any any -> any any (flowint:cnt,+,4294967295; sid:1;)"));
    sig_free(parse("alert tcp any any -> any any (flowint:a.b/c,isset,3; sid:1;)"));
    detect_flow_free(&f);
    eng_free(&e);
}

/* ---- xbits ---- */

static void
xbits_by_pair_and_host_expire(void **state)
{
    (void)state;
    Signature *s[] = {
        parse("alert tcp any any -> any any (xbits:set,seen,track ip_pair,expire 10; sid:1;)"),
        parse("alert tcp any any -> any any (xbits:isset,seen,track ip_pair; sid:2;)"),
        parse("alert tcp any any -> any any (xbits:isnotset,seen,track ip_pair; sid:3;)"),
        parse("alert tcp any any -> any any (xbits:set,bad,track ip_dst; sid:4;)"),
        parse("alert tcp any any -> any any (xbits:isset,bad,track ip_src; sid:5;)"),
        parse("alert tcp any any -> any any (xbits:unset,seen,track ip_pair; sid:6;)"),
        parse("alert tcp any any -> any any (xbits:toggle,seen,track ip_pair; sid:7;)"),
        parse("alert tcp any any -> any any (xbits:noalert; sid:8;)"),
    };
    Eng e = eng_new(s, 8, NULL);
    Packet p;

    assert_true(s[7]->flags & SIG_F_NOALERT);
    pkt_init(&p, NULL, "10.0.0.1", "10.0.0.2", true, 100);
    assert_false(run(&e, &p, s[1]));
    assert_true(run(&e, &p, s[2]));
    assert_true(run(&e, &p, s[0]));
    assert_true(run(&e, &p, s[1]));
    /* The pair is the pair both ways, on any flow (or none). */
    pkt_init(&p, NULL, "10.0.0.2", "10.0.0.1", false, 105);
    assert_true(run(&e, &p, s[1]));
    pkt_init(&p, NULL, "10.0.0.2", "10.0.0.3", false, 105);
    assert_false(run(&e, &p, s[1]));
    /* Expired by packet time: set at 100 for 10 s. */
    pkt_init(&p, NULL, "10.0.0.1", "10.0.0.2", true, 109);
    assert_true(run(&e, &p, s[1]));
    pkt_init(&p, NULL, "10.0.0.1", "10.0.0.2", true, 110);
    assert_false(run(&e, &p, s[1]));
    assert_true(run(&e, &p, s[2]));
    /* unset and toggle. */
    assert_true(run(&e, &p, s[0]));
    assert_true(run(&e, &p, s[5]));
    assert_false(run(&e, &p, s[1]));
    assert_true(run(&e, &p, s[6]));
    assert_true(run(&e, &p, s[1]));
    assert_true(run(&e, &p, s[6]));
    assert_false(run(&e, &p, s[1]));

    /* Set on the request's destination, checked on the response's source. */
    pkt_init(&p, NULL, "10.0.0.1", "192.0.2.9", true, 200);
    assert_true(run(&e, &p, s[3]));
    assert_false(run(&e, &p, s[4]));
    pkt_init(&p, NULL, "192.0.2.9", "10.0.0.7", false, 229); /* default expire: 30 s */
    assert_true(run(&e, &p, s[4]));
    pkt_init(&p, NULL, "192.0.2.9", "10.0.0.7", false, 230);
    assert_false(run(&e, &p, s[4]));

    fails("alert tcp any any -> any any (xbits:set,a,track foo; sid:1;)",
          "Invalid xbits tracker: foo");
    fails("alert tcp any any -> any any (xbits:bar,a,track ip_src; sid:1;)",
          "Invalid xbits cmd: bar");
    fails("alert tcp any any -> any any (xbits:set,a,track ip_src,expire 0; sid:1;)",
          "Invalid expire value: 0");
    fails("alert tcp any any -> any any (xbits:set,a,track ip_pair,expire x; sid:1;)",
          "Invalid expire value: x");
    eng_free(&e);
}

/* ---- threshold, detection_filter ---- */

static void
threshold_types_per_track_over_time(void **state)
{
    (void)state;
    Signature *s[] = {
        parse("alert tcp any any -> any any (threshold:type limit,track by_src,count 2,"
              "seconds 60; sid:1;)"),
        parse("alert tcp any any -> any any (threshold: type threshold , track by_dst , count 3"
              " , seconds 60 ; sid:2;)"),
        parse("alert tcp any any -> any any (threshold:type both,count 2,seconds 10,"
              "track by_rule; sid:3;)"),
        parse("alert tcp any any -> any any (threshold:type limit,track by_both,count 1,"
              "seconds 60; sid:4;)"),
        parse("alert tcp any any -> any any (threshold:type limit,track by_flow,count 1,"
              "seconds 60; sid:5;)"),
        parse("alert tcp any any -> any any (threshold:type backoff,track by_flow,count 1,"
              "multiplier 10; sid:6;)"),
    };
    Eng e = eng_new(s, 6, NULL);
    Flow f = {.flow_id = 1}, g = {.flow_id = 2};
    Packet p;

    /* limit: the first 2 per source in 60 s, then again in a new window. */
    pkt_init(&p, &f, "10.0.0.1", "10.0.0.2", true, 0);
    assert_true(alerts(&e, &p, s[0]));
    assert_true(alerts(&e, &p, s[0]));
    assert_false(alerts(&e, &p, s[0]));
    pkt_init(&p, &f, "10.0.0.9", "10.0.0.2", true, 1);
    assert_true(alerts(&e, &p, s[0])); /* another source */
    pkt_init(&p, &f, "10.0.0.1", "10.0.0.2", true, 60);
    assert_false(alerts(&e, &p, s[0])); /* window end is inclusive */
    pkt_init(&p, &f, "10.0.0.1", "10.0.0.2", true, 61);
    assert_true(alerts(&e, &p, s[0]));

    /* threshold: every 3rd per destination within the window. */
    int hits = 0;
    for (int i = 0; i < 9; i++) {
        pkt_init(&p, &f, "10.0.0.1", "10.0.0.2", true, 100 + (uint64_t)i);
        hits += alerts(&e, &p, s[1]);
        if (i == 1) {
            assert_int_equal(hits, 0);
        }
    }
    assert_int_equal(hits, 3);
    pkt_init(&p, &f, "10.0.0.1", "10.0.0.3", true, 110);
    assert_false(alerts(&e, &p, s[1])); /* another destination counts alone */

    /* both: once, at the 2nd hit in 10 s, for the whole rule. */
    pkt_init(&p, &f, "10.0.0.1", "10.0.0.2", true, 0);
    assert_false(alerts(&e, &p, s[2]));
    pkt_init(&p, &f, "10.0.0.5", "10.0.0.6", true, 5);
    assert_true(alerts(&e, &p, s[2]));
    assert_false(alerts(&e, &p, s[2]));
    pkt_init(&p, &f, "10.0.0.5", "10.0.0.6", true, 11);
    assert_false(alerts(&e, &p, s[2])); /* new window, first hit */
    assert_true(alerts(&e, &p, s[2]));

    /* by_both: the pair, either way. */
    pkt_init(&p, &f, "10.0.0.1", "10.0.0.2", true, 0);
    assert_true(alerts(&e, &p, s[3]));
    pkt_init(&p, &f, "10.0.0.2", "10.0.0.1", false, 1);
    assert_false(alerts(&e, &p, s[3]));
    pkt_init(&p, &f, "10.0.0.2", "10.0.0.3", false, 1);
    assert_true(alerts(&e, &p, s[3]));

    /* by_flow */
    pkt_init(&p, &f, "10.0.0.1", "10.0.0.2", true, 0);
    assert_true(alerts(&e, &p, s[4]));
    assert_false(alerts(&e, &p, s[4]));
    pkt_init(&p, &g, "10.0.0.1", "10.0.0.2", true, 0);
    assert_true(alerts(&e, &p, s[4]));

    /* backoff: 1st, 10th, 100th. */
    hits = 0;
    pkt_init(&p, &f, "10.0.0.1", "10.0.0.2", true, 0);
    for (int i = 1; i <= 100; i++) {
        bool a = alerts(&e, &p, s[5]);
        hits += a;
        if (i == 10) {
            assert_true(a);
        }
    }
    assert_int_equal(hits, 3);
    eng_free(&e);
}

static void
detection_filter_alerts_past_count(void **state)
{
    (void)state;
    Signature *s[] = {
        parse("alert tcp any any -> any any (detection_filter:track by_src,count 2,seconds 10;"
              " sid:1;)"),
    };
    Eng e = eng_new(s, 1, NULL);
    Packet p;
    bool want[] = {false, false, true, true, true};

    for (int i = 0; i < 5; i++) {
        pkt_init(&p, NULL, "10.0.0.1", "10.0.0.2", true, (uint64_t)i);
        assert_int_equal(alerts(&e, &p, s[0]), want[i]);
    }
    pkt_init(&p, NULL, "10.0.0.1", "10.0.0.2", true, 20); /* new window */
    assert_false(alerts(&e, &p, s[0]));
    eng_free(&e);

    fails("alert tcp any any -> any any (detection_filter:track by_rule,count 1,seconds 60;"
          " sid:1;)",
          "pcre_exec parse error, ret -1, string track by_rule,count 1,seconds 60");
    fails("alert tcp any any -> any any (detection_filter:track by_src,count 0,seconds 60;"
          " sid:1;)",
          "found an invalid value");
    fails("alert tcp any any -> any any (detection_filter:track by_src,count 1; sid:1;)",
          "needs track, count and seconds");
    fails("alert tcp any any -> any any (threshold:type limit,track by_src,count 1,seconds 60;"
          " detection_filter:track by_src,count 1,seconds 60; sid:1;)",
          "\"detection_filter\" and \"threshold\" are not allowed in the same rule");
    fails("alert tcp any any -> any any (detection_filter:track by_dst,count 5,seconds 60;"
          " detection_filter:track by_dst,count 5,seconds 60; sid:1;)",
          "At most one \"detection_filter\" is allowed per rule");
    fails("alert tcp any any -> any any (threshold:type limit,track by_src,count 1,seconds 60;"
          " threshold:type limit,track by_src,count 1,seconds 60; sid:1;)",
          "multiple \"threshold\" options are not allowed in the same rule");
    fails("alert tcp any any -> any any (threshold:type foo,track by_src,count 1,seconds 60;"
          " sid:1;)",
          "pcre_exec parse error");
    fails("alert tcp any any -> any any (threshold:type limit,track by_src,count 1; sid:1;)",
          "needs type, track, count and seconds");
    fails("alert tcp any any -> any any (threshold:type limit,track by_src,count 1,seconds 60,"
          "count 2; sid:1;)",
          "pcre_exec parse error");
    fails("alert tcp any any -> any any (threshold:type limit,track by_src,count 1,"
          "seconds 4294967296; sid:1;)",
          "pcre_exec parse error");
    sig_free(parse("alert tcp any any -> any any (threshold:type limit,track by_rule,count 0,"
                   "seconds 60; sid:1;)"));
}

/* ---- threshold-file ---- */

static char *
write_file(const char *text)
{
    char *path = strdup("/tmp/sk-test-threshold-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void
threshold_file_suppress_and_override(void **state)
{
    (void)state;
    char *path = write_file("# comment\n"
                            "\n"
                            "suppress gen_id 1, sig_id 1\n"
                            "suppress gen_id 1, sig_id 2, track by_src, ip [192.168.0.0/16,"
                            "10.1.1.1]\n"
                            "suppress gen_id 0, sig_id 0, track by_either, ip 203.0.113.0/24\n"
                            "threshold gen_id 1, sig_id 3, type limit, track by_src, \\\n"
                            "  count 1, seconds 60\n"
                            "event_filter gen_id 1, sig_id 0, type limit, track by_rule, count 2,"
                            " seconds 60\n");
    Signature *s[] = {
        parse("alert tcp any any -> any any (flowbits:set,fb; sid:1;)"),
        parse("alert tcp any any -> any any (sid:2;)"),
        parse("alert tcp any any -> any any (threshold:type limit,track by_src,count 5,"
              "seconds 60; sid:3;)"),
        parse("alert tcp any any -> any any (threshold:type limit,track by_src,count 3,"
              "seconds 60; sid:4;)"),
        parse("alert tcp any any -> any any (sid:5;)"),
        parse("alert tcp any any -> any any (gid:7; sid:6;)"),
    };
    Eng e = eng_new(s, 6, path);
    Flow f = {0};
    Packet p;

    /* Suppressed, but still matched: the flowbit is set. */
    pkt_init(&p, &f, "10.0.0.1", "10.0.0.2", true, 0);
    assert_false(alerts(&e, &p, s[0]));
    assert_non_null(f.det);
    /* by_src with an ip list. */
    pkt_init(&p, &f, "192.168.4.4", "10.0.0.2", true, 0);
    assert_false(alerts(&e, &p, s[1]));
    pkt_init(&p, &f, "10.1.1.1", "10.0.0.2", true, 0);
    assert_false(alerts(&e, &p, s[1]));
    pkt_init(&p, &f, "10.0.0.2", "10.1.1.1", false, 0);
    assert_true(alerts(&e, &p, s[1]));
    /* global by_either */
    pkt_init(&p, &f, "10.0.0.2", "203.0.113.7", false, 0);
    assert_false(alerts(&e, &p, s[1]));
    assert_false(alerts(&e, &p, s[5]));
    /* sid 3: the file's limit 1 replaces the rule's limit 5. */
    pkt_init(&p, &f, "10.0.0.1", "10.0.0.2", true, 0);
    assert_true(alerts(&e, &p, s[2]));
    assert_false(alerts(&e, &p, s[2]));
    /* sid 4 keeps its own threshold (count 3): sig_id 0 does not override. */
    assert_true(alerts(&e, &p, s[3]));
    assert_true(alerts(&e, &p, s[3]));
    assert_true(alerts(&e, &p, s[3]));
    assert_false(alerts(&e, &p, s[3]));
    /* sid 5 gets the gid 1 wildcard: 2 per rule; gid 7 does not. */
    assert_true(alerts(&e, &p, s[4]));
    pkt_init(&p, &f, "10.0.0.8", "10.0.0.9", true, 1);
    assert_true(alerts(&e, &p, s[4]));
    assert_false(alerts(&e, &p, s[4]));
    for (int i = 0; i < 4; i++) {
        assert_true(alerts(&e, &p, s[5]));
    }
    detect_flow_free(&f);
    eng_free(&e);
    unlink(path);
    free(path);
}

static void
threshold_file_rate_filter_changes_the_action(void **state)
{
    (void)state;
    char *path = write_file("rate_filter gen_id 1, sig_id 888, track by_src, count 2, seconds 60,"
                            " new_action drop, timeout 30\n");
    Signature *s[] = {parse("alert tcp any any -> any 22 (sid:888;)")};
    Eng e = eng_new(s, 1, path);
    Packet p;
    int act;

    for (int i = 0; i < 2; i++) {
        pkt_init(&p, NULL, "10.0.0.1", "10.0.0.2", true, (uint64_t)i);
        act = DETECT_ACT_ALERT;
        assert_true(detect_threshold_apply(e.dt, &p, s[0], &act));
        assert_int_equal(act, DETECT_ACT_ALERT);
    }
    /* The hit past count: drop, for 30 s; the alert itself is kept. */
    pkt_init(&p, NULL, "10.0.0.1", "10.0.0.2", true, 2);
    act = DETECT_ACT_ALERT;
    assert_true(detect_threshold_apply(e.dt, &p, s[0], &act));
    assert_int_equal(act, DETECT_ACT_DROP);
    pkt_init(&p, NULL, "10.0.0.1", "10.0.0.2", true, 32);
    act = DETECT_ACT_ALERT;
    assert_true(detect_threshold_apply(e.dt, &p, s[0], &act));
    assert_int_equal(act, DETECT_ACT_DROP);
    /* Another source has its own count. */
    pkt_init(&p, NULL, "10.0.0.3", "10.0.0.2", true, 5);
    act = DETECT_ACT_ALERT;
    assert_true(detect_threshold_apply(e.dt, &p, s[0], &act));
    assert_int_equal(act, DETECT_ACT_ALERT);
    /* Past the timeout, counting starts over. */
    pkt_init(&p, NULL, "10.0.0.1", "10.0.0.2", true, 40);
    act = DETECT_ACT_ALERT;
    assert_true(detect_threshold_apply(e.dt, &p, s[0], &act));
    assert_int_equal(act, DETECT_ACT_ALERT);
    eng_free(&e);
    unlink(path);
    free(path);
}

static void
threshold_file_bad_lines_are_reported_and_skipped(void **state)
{
    (void)state;
    char *path = write_file("suppress gen_id 1\n"
                            "threshold gen_id 1, sig_id 1, type sometimes, track by_src, count 1,"
                            " seconds 1\n"
                            "frobnicate gen_id 1, sig_id 1\n"
                            "suppress gen_id 1, sig_id 1, track by_src, ip 999.1.1.1\n"
                            "suppress gen_id 1, sig_id 1, track by_src\n"
                            "rate_filter gen_id 1, sig_id 1, track by_src, count 1, seconds 1,"
                            " new_action explode, timeout 1\n"
                            "threshold gen_id x, sig_id 1, type limit, track by_src, count 1,"
                            " seconds 1\n"
                            ",,,,,,,,,,,,,,,,,,,,,,,,,\n"
                            "suppress gen_id 1, sig_id 2\n");
    Signature *s[] = {
        parse("alert tcp any any -> any any (sid:1;)"),
        parse("alert tcp any any -> any any (sid:2;)"),
    };
    Capture cap;
    capture_start(&cap);
    Eng e = eng_new(s, 2, path);
    char *out = capture_end(&cap);
    Packet p;

    assert_int_equal(line_count(out), 8);
    for (int l = 1; l <= 8; l++) {
        char want[64];
        snprintf(want, sizeof(want), "%s:%d: ", path, l);
        if (strstr(out, want) == NULL) {
            fail_msg("no error for line %d in:\n%s", l, out);
        }
    }
    assert_non_null(strstr(out, "unknown directive \"frobnicate\""));
    /* The good line after them still applies; sid 1 is untouched. */
    pkt_init(&p, NULL, "10.0.0.1", "10.0.0.2", true, 0);
    assert_true(alerts(&e, &p, s[0]));
    assert_true(alerts(&e, &p, s[0]));
    assert_false(alerts(&e, &p, s[1]));
    free(out);
    eng_free(&e);
    unlink(path);
    free(path);

    /* A missing file: one error, no entries. */
    Signature *t[] = {parse("alert tcp any any -> any any (sid:1;)")};
    capture_start(&cap);
    e = eng_new(t, 1, "/nonexistent/threshold.config");
    out = capture_end(&cap);
    assert_int_equal(line_count(out), 1);
    free(out);
    eng_free(&e);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flow_matches_direction_and_state),
        cmocka_unit_test(flow_conflicts_fail_as_suricata),
        cmocka_unit_test(flowbits_set_then_isset_on_the_same_flow),
        cmocka_unit_test(flowbits_or_and_ampersand_forms),
        cmocka_unit_test(flowint_arithmetic_and_comparisons),
        cmocka_unit_test(xbits_by_pair_and_host_expire),
        cmocka_unit_test(threshold_types_per_track_over_time),
        cmocka_unit_test(detection_filter_alerts_past_count),
        cmocka_unit_test(threshold_file_suppress_and_override),
        cmocka_unit_test(threshold_file_rate_filter_changes_the_action),
        cmocka_unit_test(threshold_file_bad_lines_are_reported_and_skipped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
