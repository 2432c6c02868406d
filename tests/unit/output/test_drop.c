/* EVE records around alerts: drop records, the alert's verdict and tunnel objects, flow
 * records' action, the ether object's type. The expected text is Suricata 8.0.7's own, from
 * runs of /work/shared/suricata-8.0.7-bin (--simulate-ips, eve-log ethernet: yes, alert and drop
 * with verdict: yes, drop alerts: yes) on the frames below, made with scapy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "decode/decode.h"
#include "detect/detect.h"
#include "output/eve.h"

/* ICMP echo, id 7, seq 9, "dropme"; 10.0.0.1 > 10.0.0.4. */
static const char hex_icmp[] = "02fc0000000502fc0000000108004500002200010000400166d60a0000010a0000"
                               "040800b6a70007000964726f706d65";
/* UDP over IPv6 (class 3, flow label 5), ::1 port 5 > ::2 port 6, "v6drop". */
static const char hex_udp6[] = "ffffffffffff02fc0000000186dd60300005000e114000000000000000000000"
                               "0000000000010000000000000000000000000000000200050006000eb5ab7636"
                               "64726f70";
/* IP-in-IP: 10.1.0.1 > 10.1.0.2 carrying UDP 10.1.0.3:1000 > 10.1.0.4:53, "hello". */
static const char hex_ipip[] = "02fc0000000502fc0000000108004500003900010000400466bc0a0100010a0100"
                               "0246000025000100004011e3ba0a0100030a0100048204000003e80035000da3dc"
                               "68656c6c6f";
/* TCP SYN 10.0.0.1:40000 > 10.0.0.2:80, seq 100, window 8192. */
static const char hex_syn[] = "66778899aabb001122334455080045000028000100004006"
                              "66cd0a0000010a0000029c40005000000064000000005002"
                              "2000deeb0000";

typedef struct {
    DecodeThread *dt;
    Packet p;
    Flow f;
    uint8_t buf[256];
} Pkt;

static void
pkt_make(Pkt *t, const char *hex, uint64_t pcap_cnt)
{
    DecodeConfig dc;
    size_t n = strlen(hex) / 2;
    decode_config_default(&dc);
    t->dt = decode_thread_new(&dc);
    assert_non_null(t->dt);
    assert_true(n <= sizeof(t->buf));
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        t->buf[i] = (uint8_t)v;
    }
    packet_reset(&t->p);
    t->p.data = t->buf;
    t->p.len = t->p.wire_len = (uint32_t)n;
    t->p.linktype = LINKTYPE_ETHERNET;
    t->p.pcap_cnt = pcap_cnt;
    decode_packet(t->dt, &t->p);
    memset(&t->f, 0, sizeof(t->f));
    t->f.flow_id = 42;
    t->p.flow = &t->f;
    t->p.flow_toserver = 1;
}

static char tmp_path[64];

/* Runs fn(ew, user) through a writer with cfg; returns the file's text. */
static const char *
with_writer(const EveConfig *cfg, void (*fn)(EveWriter *, void *), void *user)
{
    static char buf[65536];
    snprintf(tmp_path, sizeof(tmp_path), "/tmp/sk-drop-test-XXXXXX");
    int fd = mkstemp(tmp_path);
    assert_true(fd >= 0);
    close(fd);
    EveFile *ef = eve_file_open(tmp_path, NULL);
    assert_non_null(ef);
    EveWriter *ew = eve_writer_new(ef, cfg);
    assert_non_null(ew);
    fn(ew, user);
    eve_writer_free(ew);
    eve_file_close(ef);
    FILE *f = fopen(tmp_path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    unlink(tmp_path);
    return buf;
}

typedef struct {
    const Packet *p;
    const DetectAlerts *a;
} LogArgs;

static void
do_log_alerts(EveWriter *ew, void *user)
{
    LogArgs *la = user;
    (void)eve_log_alerts(ew, la->p, la->a);
}

static const char *
log_alerts(const EveConfig *cfg, const Packet *p, const DetectAlerts *a)
{
    LogArgs la = {p, a};
    return with_writer(cfg, do_log_alerts, &la);
}

/* alert and drop listed with verdict: yes, drop with alerts: yes, ethernet: yes. */
static void
config_ips(EveConfig *cfg, bool ips, bool flows_all)
{
    memset(cfg, 0, sizeof(*cfg));
    eve_config_types_default(cfg);
    cfg->enabled = cfg->ethernet = true;
    cfg->ips = ips;
    cfg->types[EVE_TYPE_ALERT].enabled = cfg->types[EVE_TYPE_DROP].enabled = true;
    cfg->types[EVE_TYPE_ALERT].opts |= 1u << EVE_OPT_ALERT_VERDICT;
    cfg->types[EVE_TYPE_DROP].opts |= 1u << EVE_OPT_DROP_VERDICT | 1u << EVE_OPT_DROP_ALERTS;
    if (flows_all) {
        cfg->types[EVE_TYPE_DROP].opts |= 1u << EVE_OPT_DROP_FLOWS_ALL;
    }
}

static DetectSigInfo
sig(uint32_t sid, DetectAction act, const char *msg)
{
    DetectSigInfo s = {.gid = 1, .sid = sid, .severity = 3, .action = (uint8_t)act, .msg = msg};
    return s;
}

static size_t
count(const char *out, const char *needle)
{
    size_t n = 0;
    for (const char *at = out; (at = strstr(at, needle)) != NULL; at++) {
        n++;
    }
    return n;
}

/* A drop rule on ICMP in IPS mode: alert record with verdict drop, then the drop record with
 * IPv4 fields, ICMP id and sequence in Suricata's byte order, reason, verdict and alert. */
static void
drop_record_icmp_ips(void **state)
{
    Pkt t;
    EveConfig cfg;
    DetectSigInfo s = sig(3, DETECT_ACT_DROP, "drop");
    DetectAlert al = {.sig = &s, .action = DETECT_ACT_DROP};
    DetectAlerts a = {.a = &al, .cnt = 1, .cap = 1, .verdict = DETECT_VERDICT_DROP};
    (void)state;

    pkt_make(&t, hex_icmp, 4);
    config_ips(&cfg, true, false);
    const char *out = log_alerts(&cfg, &t.p, &a);
    assert_non_null(strstr(
        out, "\"event_type\":\"drop\",\"src_ip\":\"10.0.0.1\",\"dest_ip\":\"10.0.0.4\","
             "\"proto\":\"ICMP\",\"ip_v\":4,\"icmp_type\":8,\"icmp_code\":0,\"pkt_src\":\"wire/"
             "pcap\",\"ether\":{\"ether_type\":2048,\"src_mac\":\"02:fc:00:00:00:01\",\"dest_"
             "mac\":\"02:fc:00:00:00:05\"},\"direction\":\"to_server\",\"drop\":{\"len\":34,"
             "\"tos\":0,\"ttl\":64,\"ipid\":1,\"icmp_id\":1792,\"icmp_seq\":2304,\"reason\":"
             "\"rules\"},\"verdict\":{\"action\":\"drop\"},\"alert\":{\"action\":\"blocked\","
             "\"gid\":1,\"signature_id\":3,\"rev\":0,\"signature\":\"drop\",\"category\":\"\","
             "\"severity\":3}}\n"));
    assert_non_null(strstr(out, "\"event_type\":\"alert\""));
    assert_int_equal(count(out, "\"verdict\":{\"action\":\"drop\"}"), 2); /* both records */
    /* IDS mode: the alert says allowed and verdict alert; no drop record. */
    config_ips(&cfg, false, false);
    out = log_alerts(&cfg, &t.p, &a);
    assert_null(strstr(out, "\"event_type\":\"drop\""));
    assert_non_null(strstr(out, "\"action\":\"allowed\""));
    assert_non_null(strstr(out, "\"verdict\":{\"action\":\"alert\"}}\n"));
    decode_thread_free(t.dt);
}

/* IPv6: payload length, class, hop limit, flow label; UDP's length. */
static void
drop_record_udp6(void **state)
{
    Pkt t;
    EveConfig cfg;
    DetectSigInfo s = sig(4, DETECT_ACT_DROP, "drop6");
    DetectAlert al = {.sig = &s, .action = DETECT_ACT_DROP};
    DetectAlerts a = {.a = &al, .cnt = 1, .cap = 1, .verdict = DETECT_VERDICT_DROP};
    (void)state;

    pkt_make(&t, hex_udp6, 6);
    config_ips(&cfg, true, false);
    const char *out = log_alerts(&cfg, &t.p, &a);
    assert_non_null(strstr(out, "\"ether\":{\"ether_type\":34525,"));
    assert_non_null(strstr(out, "\"drop\":{\"len\":14,\"tc\":3,\"hoplimit\":64,\"flowlbl\":5,"
                                "\"udplen\":14,\"reason\":\"rules\"}"));
    decode_thread_free(t.dt);
}

/* TCP fields; a dropped flow's later packets: "flow drop", once per direction with flows:
 * start, each with all; a pass verdict or no drop writes nothing. */
static void
drop_record_tcp_and_flow_drop(void **state)
{
    Pkt t;
    EveConfig cfg;
    DetectSigInfo s = sig(1, DETECT_ACT_DROP, "");
    DetectAlert al = {.sig = &s, .action = DETECT_ACT_DROP};
    DetectAlerts a = {.a = &al, .cnt = 1, .cap = 1, .verdict = DETECT_VERDICT_DROP};
    DetectAlerts later = {.verdict = DETECT_VERDICT_DROP};
    (void)state;

    pkt_make(&t, hex_syn, 1);
    config_ips(&cfg, true, false);
    t.f.flags |= FLOW_F_DROP;
    const char *out = log_alerts(&cfg, &t.p, &a);
    assert_non_null(strstr(out, "\"drop\":{\"len\":40,\"tos\":0,\"ttl\":64,\"ipid\":1,\"tcpseq\":"
                                "100,\"tcpack\":0,\"tcpwin\":8192,\"syn\":true,\"ack\":false,"
                                "\"psh\":false,\"rst\":false,\"urg\":false,\"fin\":false,"
                                "\"tcpres\":0,\"tcpurgp\":0,\"reason\":\"rules\"}"));
    /* To server was logged with the rule's drop: the flow's later packets that way are not. */
    out = log_alerts(&cfg, &t.p, &later);
    assert_string_equal(out, "");
    t.p.flow_toserver = 0;
    out = log_alerts(&cfg, &t.p, &later);
    assert_int_equal(count(out, "\"reason\":\"flow drop\"}"), 1);
    assert_non_null(strstr(out, "\"direction\":\"to_client\""));
    assert_null(strstr(out, "\"alert\":"));
    out = log_alerts(&cfg, &t.p, &later);
    assert_string_equal(out, "");
    config_ips(&cfg, true, true); /* flows: all */
    out = log_alerts(&cfg, &t.p, &later);
    assert_int_equal(count(out, "\"reason\":\"flow drop\"}"), 1);
    /* No drop: nothing; pass: nothing. */
    DetectAlerts none = {.verdict = 0}, pass = {.verdict = DETECT_VERDICT_PASS};
    t.f.flags &= (uint8_t)~FLOW_F_DROP;
    assert_string_equal(log_alerts(&cfg, &t.p, &none), "");
    assert_string_equal(log_alerts(&cfg, &t.p, &pass), "");
    decode_thread_free(t.dt);
}

/* verdict: a reject says where its answer went and what it was; pass says pass. */
static void
verdict_reject_and_pass(void **state)
{
    Pkt t;
    EveConfig cfg;
    DetectSigInfo rej = sig(2, DETECT_ACT_REJECT, "rej"), both = sig(5, DETECT_ACT_REJECTBOTH, "b");
    DetectSigInfo alert = sig(6, DETECT_ACT_ALERT, "a");
    DetectAlert al = {.sig = &rej, .action = DETECT_ACT_REJECT};
    DetectAlerts a = {.a = &al, .cnt = 1, .cap = 1, .verdict = DETECT_VERDICT_REJECT};
    (void)state;

    pkt_make(&t, hex_icmp, 3);
    config_ips(&cfg, false, false);
    const char *out = log_alerts(&cfg, &t.p, &a);
    assert_non_null(strstr(out, "\"verdict\":{\"action\":\"alert\",\"reject-target\":\"to_"
                                "client\",\"reject\":[\"icmp-prohib\"]}}"));
    config_ips(&cfg, true, false);
    out = log_alerts(&cfg, &t.p, &a);
    assert_int_equal(count(out, "\"verdict\":{\"action\":\"drop\",\"reject-target\":\"to_client\","
                                "\"reject\":[\"icmp-prohib\"]}"),
                     2); /* alert and drop records */
    decode_thread_free(t.dt);

    pkt_make(&t, hex_syn, 1);
    al.sig = &both;
    al.action = DETECT_ACT_REJECTBOTH;
    out = log_alerts(&cfg, &t.p, &a);
    assert_non_null(strstr(out, "\"reject-target\":\"both\",\"reject\":[\"tcp-reset\"]}"));
    al.sig = &alert;
    al.action = DETECT_ACT_ALERT;
    a.verdict = DETECT_VERDICT_PASS;
    out = log_alerts(&cfg, &t.p, &a);
    assert_non_null(strstr(out, "\"verdict\":{\"action\":\"pass\"}}\n"));
    decode_thread_free(t.dt);
}

/* An alert on a tunnel's inner packet, as Suricata 8.0.7 writes it: no pcap_cnt, pkt_src named
 * after the outer IP version, no Ethernet of its own, "tunnel" after "alert" with the captured
 * packet's ends, its pcap_cnt and the inner depth, and the inner packet as a RAW frame. */
static void
alert_on_tunnel_inner_packet(void **state)
{
    Pkt t;
    EveConfig cfg;
    DetectSigInfo s = sig(1, DETECT_ACT_ALERT, "x");
    DetectAlert al = {.sig = &s, .action = DETECT_ACT_ALERT};
    DetectAlerts a = {.a = &al, .cnt = 1, .cap = 1};
    (void)state;

    pkt_make(&t, hex_ipip, 1);
    Packet *in = t.p.inner;
    assert_non_null(in);
    in->flow = &t.f;
    in->flow_toserver = 1;
    t.p.flow = NULL;
    config_ips(&cfg, false, false);
    cfg.types[EVE_TYPE_ALERT].opts &= ~(1u << EVE_OPT_ALERT_VERDICT | 1u << EVE_OPT_ALERT_METADATA);
    cfg.types[EVE_TYPE_ALERT].opts |= 1u << EVE_OPT_ALERT_PACKET;
    const char *out = log_alerts(&cfg, in, &a);
    assert_non_null(strstr(
        out, "\"flow_id\":42,\"event_type\":\"alert\",\"src_ip\":\"10.1.0.3\",\"src_port\":1000,"
             "\"dest_ip\":\"10.1.0.4\",\"dest_port\":53,\"proto\":\"UDP\",\"ip_v\":4,\"pkt_src\":"
             "\"ipv4 tunnel\",\"alert\":{\"action\":\"allowed\",\"gid\":1,\"signature_id\":1,"
             "\"rev\":0,\"signature\":\"x\",\"category\":\"\",\"severity\":3},\"tunnel\":{\"src_"
             "ip\":\"10.1.0.1\",\"src_port\":0,\"dest_ip\":\"10.1.0.2\",\"dest_port\":0,\"proto\":"
             "\"IP-in-IP\",\"depth\":1,\"pcap_cnt\":1,\"pkt_src\":\"wire/pcap\"},"));
    assert_non_null(strstr(out, "\"packet\":\"RgAAJQABAABAEeO6CgEAAwoBAASCBAAAA+gANQANo9xoZWxsbw=="
                                "\",\"packet_info\":{\"linktype\":12,\"linktype_name\":\"RAW\"}"));
    decode_thread_free(t.dt);
}

static void
do_log_flow(EveWriter *ew, void *user)
{
    eve_log_flow(ew, user, 0);
}

/* flow.action: drop or pass after alerted; the first set wins (drop is checked first, and the
 * engine never sets both). */
static void
flow_record_action(void **state)
{
    EveConfig cfg;
    Flow f;
    (void)state;

    memset(&cfg, 0, sizeof(cfg));
    cfg.enabled = cfg.types[EVE_TYPE_FLOW].enabled = true;
    memset(&f, 0, sizeof(f));
    f.ip_ver = 4;
    f.proto = 47;
    f.flags = FLOW_F_ALERTED | FLOW_F_DROP;
    assert_non_null(
        strstr(with_writer(&cfg, do_log_flow, &f), "\"alerted\":true,\"action\":\"drop\"}"));
    f.flags = FLOW_F_PASS;
    assert_non_null(
        strstr(with_writer(&cfg, do_log_flow, &f), "\"alerted\":false,\"action\":\"pass\"}"));
    f.flags = 0;
    assert_null(strstr(with_writer(&cfg, do_log_flow, &f), "\"action\""));
}

/* eve-log metadata: yes: the flowbits set on the flow, in the order the rules named them, after
 * pkt_src (packet records) or after the flow object (flow records); nothing without any. */
static void
metadata_flowbits(void **state)
{
    static const char rules[] =
        "alert tcp any any -> any any (msg:\"fb\"; flowbits:set,ET.Evil; flowbits:set,A.b; "
        "sid:1;)\n"
        "alert tcp any any -> any any (msg:\"never\"; flowbits:isset,Not.set; sid:2;)\n";
    Pkt t;
    EveConfig cfg;
    DetectConfig dc;
    (void)state;

    memset(&dc, 0, sizeof(dc));
    DetectRules *r = detect_rules_new(NULL);
    assert_non_null(r);
    assert_int_equal(detect_rules_load_text(r, rules, sizeof(rules) - 1, "t.rules"), SK_OK);
    DetectEngine *de = detect_engine_build(r, &dc);
    assert_non_null(de);
    DetectThread *dt = detect_thread_new(de);
    assert_non_null(dt);

    pkt_make(&t, hex_syn, 1);
    t.f.proto = t.p.proto;
    t.f.ip_ver = 4;
    config_ips(&cfg, false, false);
    cfg.types[EVE_TYPE_FLOW].enabled = true;
    cfg.types[EVE_TYPE_ALERT].opts &= ~(1u << EVE_OPT_ALERT_VERDICT);
    const char *out = log_alerts(&cfg, &t.p, detect_alerts(dt)); /* before: no flowbits */
    assert_null(strstr(out, "metadata"));
    detect_packet(dt, &t.p);
    assert_int_equal(detect_alerts(dt)->cnt, 1);
    out = log_alerts(&cfg, &t.p, detect_alerts(dt));
    assert_null(strstr(out, "\"metadata\":{\"flowbits\""));
    cfg.metadata = true;
    out = log_alerts(&cfg, &t.p, detect_alerts(dt));
    assert_non_null(strstr(out, "\"pkt_src\":\"wire/pcap\",\"metadata\":{\"flowbits\":[\"ET.Evil\","
                                "\"A.b\"]},\"ether\":{"));
    out = with_writer(&cfg, do_log_flow, &t.f);
    assert_non_null(strstr(out, "\"alerted\":true},\"metadata\":{\"flowbits\":[\"ET.Evil\","
                                "\"A.b\"]}"));
    const char *names[1];
    assert_int_equal(detect_flow_flowbits(&t.f, names, 1), 1);
    assert_string_equal(names[0], "ET.Evil");
    detect_flow_free(&t.f);
    detect_thread_free(dt);
    detect_engine_free(de);
    decode_thread_free(t.dt);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(drop_record_icmp_ips),
        cmocka_unit_test(drop_record_udp6),
        cmocka_unit_test(drop_record_tcp_and_flow_drop),
        cmocka_unit_test(verdict_reject_and_pass),
        cmocka_unit_test(alert_on_tunnel_inner_packet),
        cmocka_unit_test(flow_record_action),
        cmocka_unit_test(metadata_flowbits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
