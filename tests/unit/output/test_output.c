/* JSON writer and EVE record layouts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/json.h"
#include "core/log.h"
#include "decode/decode.h"
#include "output/eve.h"

static void
json_nesting_and_commas(void **state)
{
    JsonBuf jb;
    (void)state;
    assert_true(json_init(&jb, 4)); /* tiny: forces growth */
    json_open_obj(&jb, NULL);
    json_u64(&jb, "a", 1);
    json_open_arr(&jb, "b");
    json_u64(&jb, NULL, 2);
    json_u64(&jb, NULL, 3);
    json_close_arr(&jb);
    json_open_obj(&jb, "c");
    json_bool(&jb, "d", true);
    json_i64(&jb, "e", -5);
    json_close_obj(&jb);
    json_close_obj(&jb);
    assert_false(jb.oom);
    assert_int_equal(jb.len, strlen("{\"a\":1,\"b\":[2,3],\"c\":{\"d\":true,\"e\":-5}}"));
    assert_memory_equal(jb.buf, "{\"a\":1,\"b\":[2,3],\"c\":{\"d\":true,\"e\":-5}}", jb.len);
    json_fini(&jb);
}

static void
json_strings_from_the_network_are_escaped(void **state)
{
    JsonBuf jb;
    const char raw[] = {'a', '"', '\\', '\n', 0x01, (char)0xff, 'z'};
    const char want[] = "{\"s\":\"a\\\"\\\\\\n\\u0001\\u00ffz\"}";
    (void)state;
    assert_true(json_init(&jb, 64));
    json_open_obj(&jb, NULL);
    json_strn(&jb, "s", raw, sizeof(raw));
    json_close_obj(&jb);
    assert_int_equal(jb.len, strlen(want));
    assert_memory_equal(jb.buf, want, jb.len);
    json_fini(&jb);
}

static void
base64_pads_as_rfc4648(void **state)
{
    JsonBuf jb;
    const uint8_t in[] = {'f', 'o', 'o', 'b', 'a'};
    (void)state;
    assert_true(json_init(&jb, 8));
    json_open_arr(&jb, NULL);
    json_base64(&jb, NULL, in, 5); /* "Zm9vYmE=" */
    json_base64(&jb, NULL, in, 4); /* "Zm9vYg==" */
    json_base64(&jb, NULL, in, 3); /* "Zm9v" */
    json_close_arr(&jb);
    assert_int_equal(jb.len, strlen("[\"Zm9vYmE=\",\"Zm9vYg==\",\"Zm9v\"]"));
    assert_memory_equal(jb.buf, "[\"Zm9vYmE=\",\"Zm9vYg==\",\"Zm9v\"]", jb.len);
    json_fini(&jb);
}

static void
time_is_formatted_as_eve_does(void **state)
{
    char buf[SK_TIME_EVE_LEN + 1];
    (void)state;
    /* 2024-06-04T09:00:01.289612 UTC */
    SkTime t = SK_TIME_FROM_SEC(1717491601ULL) + 289612;
    assert_int_equal(time_format_eve(t, buf), SK_TIME_EVE_LEN);
    assert_string_equal(buf, "2024-06-04T09:00:01.289612+0000");
    assert_int_equal(time_format_eve(0, buf), SK_TIME_EVE_LEN);
    assert_string_equal(buf, "1970-01-01T00:00:00.000000+0000");
}

static void
ipv6_addresses_are_fully_expanded(void **state)
{
    SkAddr a;
    char buf[48];
    (void)state;
    memset(&a, 0, sizeof(a));
    a.b[0] = 0x20;
    a.b[1] = 0x01;
    a.b[2] = 0x0d;
    a.b[3] = 0xb8;
    a.b[15] = 5;
    eve_format_addr(&a, 6, buf);
    assert_string_equal(buf, "2001:0db8:0000:0000:0000:0000:0000:0005");
    eve_format_addr(&a, 4, buf);
    assert_string_equal(buf, "32.1.13.184");
}

static char *
read_all(const char *path)
{
    FILE *f = fopen(path, "r");
    static char buf[65536];
    size_t n;
    assert_non_null(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void
flow_and_stats_records(void **state)
{
    char path[] = "/tmp/sk-eve-XXXXXX";
    int fd = mkstemp(path);
    EveConfig cfg;
    Flow f;
    (void)state;

    assert_true(fd >= 0);
    close(fd);
    memset(&cfg, 0, sizeof(cfg));
    cfg.enabled = cfg.types[EVE_TYPE_FLOW].enabled = cfg.types[EVE_TYPE_STATS].enabled = true;
    EveFile *ef = eve_file_open(path, NULL);
    assert_non_null(ef);
    EveWriter *ew = eve_writer_new(ef, &cfg);

    memset(&f, 0, sizeof(f));
    f.src.b[0] = 10;
    f.src.b[3] = 1;
    f.dst.b[0] = 10;
    f.dst.b[3] = 2;
    f.sp = 1234;
    f.dp = 80;
    f.proto = 6;
    f.ip_ver = 4;
    f.vlan_cnt = 1;
    f.vlan_id[0] = 100;
    f.flow_id = 77;
    f.start = SK_TIME_FROM_SEC(1717491601ULL);
    f.last = f.start + 2500000;
    f.pkts[0] = 3;
    f.pkts[1] = 2;
    f.bytes[0] = 180;
    f.bytes[1] = 120;
    f.state = FLOW_STATE_CLOSED;
    f.end_reason = FLOW_END_TIMEOUT;
    f.tcp_flags[0] = 0x1b;
    f.tcp_flags[1] = 0x12;
    eve_log_flow(ew, &f, f.last);

    const char *names[] = {"decoder.pkts", "decoder.event.ipv4.trunc_pkt", "flow.total",
                           "flow.mgr.flows_timeout"};
    const uint64_t vals[] = {5, 1, 1, 1};
    eve_log_stats(ew, f.last, 3, names, vals, 4);
    eve_writer_free(ew);
    assert_int_equal(eve_file_records(ef), 2);
    eve_file_close(ef);

    const char *want =
        "{\"timestamp\":\"2024-06-04T09:00:03.500000+0000\",\"flow_id\":77,\"event_type\":\"flow\","
        "\"vlan\":[100],\"src_ip\":\"10.0.0.1\",\"src_port\":1234,\"dest_ip\":\"10.0.0.2\","
        "\"dest_port\":80,\"ip_v\":4,\"proto\":\"TCP\",\"flow\":{\"pkts_toserver\":3,"
        "\"pkts_toclient\":2,\"bytes_toserver\":180,\"bytes_toclient\":120,"
        "\"start\":\"2024-06-04T09:00:01.000000+0000\",\"end\":\"2024-06-04T09:00:03.500000+0000\","
        "\"age\":2,\"state\":\"closed\",\"reason\":\"timeout\",\"alerted\":false},"
        /* No TCP session (the stream stage keeps the flags there, as Suricata): "00". The
         * flags of a flow with a session: tests/unit/stream/test_session.c. */
        "\"tcp\":{\"tcp_flags\":\"00\",\"tcp_flags_ts\":\"00\",\"tcp_flags_tc\":\"00\"}}\n"
        "{\"timestamp\":\"2024-06-04T09:00:03.500000+0000\",\"event_type\":\"stats\","
        "\"stats\":{\"uptime\":3,\"decoder\":{\"pkts\":5,\"event\":{\"ipv4\":{\"trunc_pkt\":1}}},"
        "\"flow\":{\"total\":1,\"mgr\":{\"flows_timeout\":1}}}}\n";
    assert_string_equal(read_all(path), want);
    unlink(path);
}

static void
netflow_writes_one_record_per_direction(void **state)
{
    char path[] = "/tmp/sk-netflow-XXXXXX";
    int fd = mkstemp(path);
    EveConfig cfg;
    Flow f;
    (void)state;

    assert_true(fd >= 0);
    close(fd);
    memset(&cfg, 0, sizeof(cfg));
    cfg.enabled = cfg.types[EVE_TYPE_NETFLOW].enabled = true;
    EveFile *ef = eve_file_open(path, NULL);
    EveWriter *ew = eve_writer_new(ef, &cfg);
    memset(&f, 0, sizeof(f));
    f.src.b[0] = 10;
    f.dst.b[0] = 11;
    f.proto = 50;
    f.ip_ver = 4;
    f.spi = 123;
    f.flow_id = 9;
    f.pkts[0] = 2;
    f.bytes[0] = 84;
    f.dir_start[0] = SK_TIME_FROM_SEC(1);
    f.dir_last[0] = SK_TIME_FROM_SEC(3);
    f.ttl_min[0] = 60;
    f.ttl_max[0] = 64;
    eve_log_flow(ew, &f, f.dir_last[0]); /* toclient had no packets: one record */
    eve_writer_free(ew);
    eve_file_close(ef);
    assert_string_equal(
        read_all(path),
        "{\"timestamp\":\"1970-01-01T00:00:01.000000+0000\",\"flow_id\":9,"
        "\"event_type\":\"netflow\",\"src_ip\":\"10.0.0.0\",\"dest_ip\":\"11.0.0.0\","
        "\"ip_v\":4,\"proto\":\"ESP\",\"spi\":123,\"app_proto\":\"unknown\",\"netflow\":{\"pkts\":"
        "2,\"bytes\":84,"
        "\"start\":\"1970-01-01T00:00:01.000000+0000\",\"end\":\"1970-01-01T00:00:03.000000+0000\","
        "\"age\":2,\"min_ttl\":60,\"max_ttl\":64}}\n");
    unlink(path);
}

/* ethernet: yes: a flow's MAC sets as lists, each netflow record oriented as its direction, and
 * a packet record's own addresses as scalars. */
static void
ethernet_addresses_in_flow_netflow_and_packet_records(void **state)
{
    char path[] = "/tmp/sk-ether-XXXXXX";
    int fd = mkstemp(path);
    EveConfig cfg;
    Flow f;
    FlowMacs m;
    Packet p;
    const uint8_t frame[14] = {0x00, 0x15, 0x17, 0x0d, 0x06, 0xf7, /* destination */
                               0xd8, 0xcb, 0x8a, 0xed, 0xa1, 0x46, /* source */
                               0x08, 0x00};
    (void)state;

    assert_true(fd >= 0);
    close(fd);
    memset(&cfg, 0, sizeof(cfg));
    cfg.enabled = cfg.ethernet = true;
    cfg.types[EVE_TYPE_FLOW].enabled = cfg.types[EVE_TYPE_NETFLOW].enabled = true;
    cfg.types[EVE_TYPE_ANOMALY].enabled = true;
    cfg.types[EVE_TYPE_ANOMALY].opts = 1u << EVE_OPT_ANOMALY_DECODE;
    EveFile *ef = eve_file_open(path, NULL);
    EveWriter *ew = eve_writer_new(ef, &cfg);

    memset(&m, 0, sizeof(m));
    memcpy(m.mac[FLOW_MACS_SRC][0], frame + 6, 6);
    memcpy(m.mac[FLOW_MACS_DST][0], frame, 6);
    memcpy(m.mac[FLOW_MACS_DST][1], "\x02\x00\x00\x00\x00\x01", 6);
    m.cnt[FLOW_MACS_SRC] = 1;
    m.cnt[FLOW_MACS_DST] = 2;
    memset(&f, 0, sizeof(f));
    f.src.b[0] = 10;
    f.dst.b[0] = 11;
    f.proto = 47; /* no ports, no tcp object: a short record */
    f.ip_ver = 4;
    f.flow_id = 5;
    f.pkts[0] = f.pkts[1] = 1;
    f.macs = &m;
    eve_log_flow(ew, &f, 0);

    memset(&p, 0, sizeof(p));
    p.data = frame;
    p.len = sizeof(frame);
    p.flags = PKT_F_ETH;
    p.event_cnt = 1;
    p.events[0] = 0;
    eve_log_anomalies(ew, &p);
    eve_writer_free(ew);
    eve_file_close(ef);

    const char *out = read_all(path);
    /* Suricata's order: dest_macs first; a flow record's MACs follow its own object. */
    const char *flow_ether = "\"alerted\":false},\"ether\":{\"dest_macs\":[\"00:15:17:0d:06:f7\","
                             "\"02:00:00:00:00:01\"],\"src_macs\":[\"d8:cb:8a:ed:a1:46\"]}";
    const char *netflow_back = "\"max_ttl\":0},\"ether\":{\"dest_macs\":[\"d8:cb:8a:ed:a1:46\"],"
                               "\"src_macs\":[\"00:15:17:0d:06:f7\",\"02:00:00:00:00:01\"]}";
    const char *packet_ether = "\"ether\":{\"ether_type\":2048,\"src_mac\":\"d8:cb:8a:ed:a1:46\","
                               "\"dest_mac\":\"00:15:17:0d:06:f7\"}";
    assert_non_null(strstr(out, flow_ether));
    assert_non_null(strstr(out, netflow_back));
    assert_non_null(strstr(out, packet_ether));
    unlink(path);
}

/* A write that fails part-way (here a file-size limit: EFBIG) leaves the file ending in a
 * whole line, counts every record it did not write as lost, and marks the file failed. */
static void
write_error_leaves_whole_lines_and_counts_lost(void **state)
{
    char path[] = "/tmp/sk-efbig-XXXXXX";
    int fd = mkstemp(path);
    EveConfig cfg;
    Flow f;
    struct rlimit old, lim;
    (void)state;

    assert_true(fd >= 0);
    close(fd);
    memset(&cfg, 0, sizeof(cfg));
    cfg.enabled = cfg.types[EVE_TYPE_FLOW].enabled = true;
    EveFile *ef = eve_file_open(path, NULL);
    assert_non_null(ef);
    EveWriter *ew = eve_writer_new(ef, &cfg);
    memset(&f, 0, sizeof(f));
    f.src.b[0] = 10;
    f.dst.b[0] = 11;
    f.proto = 17;
    f.ip_ver = 4;
    f.pkts[0] = 1;

    signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim = old;
    lim.rlim_cur = 10000; /* a few dozen records: the buffer's write is cut mid-line */
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    const unsigned total = 1000;
    for (unsigned i = 0; i < total; i++) {
        f.flow_id = i + 1;
        eve_log_flow(ew, &f, 0);
    }
    eve_writer_free(ew);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);

    assert_true(eve_file_failed(ef));
    assert_true(eve_file_lost(ef) > 0);
    assert_int_equal(eve_file_records(ef) + eve_file_lost(ef), total);
    const char *out = read_all(path);
    size_t len = strlen(out), lines = 0;
    assert_true(len > 0 && len <= 10000);
    assert_int_equal(out[len - 1], '\n');
    for (size_t i = 0; i < len; i++) {
        lines += out[i] == '\n';
    }
    assert_int_equal(lines, eve_file_records(ef));
    eve_file_close(ef);
    unlink(path);
}

/* Names from the outside world cannot break a log line. */
static void
log_sanitize_escapes_control_characters(void **state)
{
    char out[64];
    (void)state;
    assert_int_equal(log_sanitize("a\nError: x\x1b[2J\t\x7f", out, sizeof(out)), 24);
    assert_string_equal(out, "a\\nError: x\\x1b[2J\\t\\x7f");
    /* Cut at a whole escape, never in the middle of one. */
    log_sanitize("ab\n", out, 4);
    assert_string_equal(out, "ab");
}

static SkAddr
addr_from(const uint8_t *b, size_t n)
{
    SkAddr a;
    memset(&a, 0, sizeof(a));
    memcpy(a.b, b, n);
    return a;
}

/* Expected values from suricata-verify's community-id-sameip and community-id-ipv6 cases. */
static void
community_id_matches_known_vectors(void **state)
{
    char cid[32];
    const uint8_t v4[] = {192, 168, 0, 254};
    const uint8_t s6[] = {0x26, 0x00, 0x1f, 0x13, 0x00, 0xf8, 0xd4, 0x00,
                          0x03, 0xa6, 0x30, 0x3c, 0xe0, 0x11, 0x18, 0xeb};
    const uint8_t d6[] = {0x26, 0x07, 0xf8, 0xb0, 0x40, 0x0a, 0x08, 0x00,
                          0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x0e};
    (void)state;

    SkAddr a = addr_from(v4, 4);
    assert_int_equal(eve_community_id(1, 4, &a, &a, 6, 56162, 3306, false, cid), 30);
    assert_string_equal(cid, "1:IJQHtzXv/tXud3FtXIufkDsfEd4=");
    /* The reverse direction hashes alike. */
    eve_community_id(1, 4, &a, &a, 6, 3306, 56162, false, cid);
    assert_string_equal(cid, "1:IJQHtzXv/tXud3FtXIufkDsfEd4=");

    SkAddr s = addr_from(s6, 16), d = addr_from(d6, 16);
    eve_community_id(7, 6, &s, &d, 6, 60202, 443, false, cid);
    assert_string_equal(cid, "1:ptJhMvufAbB5nLDNW77cB800wFM=");
    eve_community_id(7, 6, &d, &s, 6, 443, 60202, false, cid);
    assert_string_equal(cid, "1:ptJhMvufAbB5nLDNW77cB800wFM=");
}

/* A writer on a fresh temporary file; eve_test_close() frees it and returns what it wrote. */
static char eve_test_path[64];

static EveWriter *
eve_test_open(const EveConfig *cfg, EveFile **ef)
{
    snprintf(eve_test_path, sizeof(eve_test_path), "/tmp/sk-eve-test-XXXXXX");
    int fd = mkstemp(eve_test_path);
    assert_true(fd >= 0);
    close(fd);
    *ef = eve_file_open(eve_test_path, NULL);
    assert_non_null(*ef);
    EveWriter *ew = eve_writer_new(*ef, cfg);
    assert_non_null(ew);
    return ew;
}

static const char *
eve_test_close(EveWriter *ew, EveFile *ef)
{
    eve_writer_free(ew);
    eve_file_close(ef);
    const char *out = read_all(eve_test_path);
    unlink(eve_test_path);
    return out;
}

/* Stream's names, for the test: its event with decode's id of ipv4.trunc_pkt. */
static const char *
test_stream_event_name(unsigned id)
{
    return id == DECODE_IPV4_TRUNC_PKT ? "3whs_wrong_seq_wrong_ack" : NULL;
}

/* An event's source decides anomaly.type, the name's prefix and the option that enables it:
 * a stream event is written as "stream" with the stream's own names. */
static void
anomaly_type_and_name_come_from_the_event_source(void **state)
{
    EveConfig cfg;
    EveFile *ef;
    Packet p;
    char want[512];
    (void)state;

    memset(&cfg, 0, sizeof(cfg));
    cfg.enabled = cfg.types[EVE_TYPE_ANOMALY].enabled = true;
    cfg.types[EVE_TYPE_ANOMALY].opts = 1u << EVE_OPT_ANOMALY_DECODE | 1u << EVE_OPT_ANOMALY_STREAM;
    memset(&p, 0, sizeof(p));
    p.pcap_cnt = 7;
    assert_true(packet_event_add(&p, PKT_EVENT(PKT_EVENT_SRC_DECODE, DECODE_IPV4_TRUNC_PKT)));
    /* The same id from another source is another event. */
    assert_true(packet_event_add(&p, PKT_EVENT(PKT_EVENT_SRC_STREAM, DECODE_IPV4_TRUNC_PKT)));
    assert_true(packet_has_event(&p, DECODE_IPV4_TRUNC_PKT)); /* a DecodeEvent as it is */
    assert_false(packet_has_event(&p, PKT_EVENT(PKT_EVENT_SRC_APPLAYER, DECODE_IPV4_TRUNC_PKT)));
    assert_int_not_equal(p.events[0], p.events[1]);
    assert_int_equal(packet_event_src(p.events[1]), PKT_EVENT_SRC_STREAM);
    assert_int_equal(packet_event_id(p.events[1]), DECODE_IPV4_TRUNC_PKT);

    /* No names for stream events yet: only the decode record. */
    EveWriter *ew = eve_test_open(&cfg, &ef);
    eve_log_anomalies(ew, &p);
    const char *out = eve_test_close(ew, ef);
    assert_non_null(
        strstr(out, "\"anomaly\":{\"type\":\"decode\",\"event\":\"decoder.ipv4.trunc_pkt\"}"));
    assert_null(strstr(out, "\"stream\""));

    ew = eve_test_open(&cfg, &ef);
    eve_writer_set_event_names(ew, PKT_EVENT_SRC_STREAM, test_stream_event_name);
    eve_log_anomalies(ew, &p);
    out = eve_test_close(ew, ef);
    snprintf(want, sizeof(want),
             "{\"timestamp\":\"1970-01-01T00:00:00.000000+0000\",\"pcap_cnt\":7,"
             "\"event_type\":\"anomaly\",\"pkt_src\":\"wire/pcap\",\"anomaly\":{\"type\":"
             "\"decode\",\"event\":\"decoder.ipv4.trunc_pkt\"}}\n"
             "{\"timestamp\":\"1970-01-01T00:00:00.000000+0000\",\"pcap_cnt\":7,"
             "\"event_type\":\"anomaly\",\"pkt_src\":\"wire/pcap\",\"anomaly\":{\"type\":"
             "\"stream\",\"event\":\"stream.3whs_wrong_seq_wrong_ack\"}}\n");
    assert_string_equal(out, want);

    /* anomaly.types.stream: no turns stream's records off, and only those. */
    cfg.types[EVE_TYPE_ANOMALY].opts = 1u << EVE_OPT_ANOMALY_DECODE;
    ew = eve_test_open(&cfg, &ef);
    eve_writer_set_event_names(ew, PKT_EVENT_SRC_STREAM, test_stream_event_name);
    eve_log_anomalies(ew, &p);
    out = eve_test_close(ew, ef);
    assert_non_null(strstr(out, "\"type\":\"decode\""));
    assert_null(strstr(out, "\"type\":\"stream\""));
}

/* Flow records name the application protocol once detection has run (never while unknown) and
 * say whether a rule alerted; netflow records say "unknown" before detection, as Suricata. */
static void
flow_records_write_app_proto_and_alerted(void **state)
{
    EveConfig cfg;
    EveFile *ef;
    Flow f;
    (void)state;

    memset(&cfg, 0, sizeof(cfg));
    cfg.enabled = cfg.types[EVE_TYPE_FLOW].enabled = cfg.types[EVE_TYPE_NETFLOW].enabled = true;
    memset(&f, 0, sizeof(f));
    f.src.b[0] = 10;
    f.dst.b[0] = 11;
    f.sp = 1000;
    f.dp = 2000;
    f.proto = 17;
    f.ip_ver = 4;
    f.pkts[0] = 1;

    EveWriter *ew = eve_test_open(&cfg, &ef);
    eve_log_flow(ew, &f, 0);
    f.alproto = FLOW_ALPROTO_FAILED;
    f.flags |= FLOW_F_ALERTED;
    eve_log_flow(ew, &f, 0);
    const char *out = eve_test_close(ew, ef);

    const char *first = strstr(out, "\"event_type\":\"flow\"");
    assert_non_null(first);
    const char *second = strstr(first + 1, "\"event_type\":\"flow\"");
    assert_non_null(second);
    /* Unknown: no app_proto in the flow record, "unknown" in the netflow one. */
    const char *first_end = strchr(first, '\n');
    const char *ap = strstr(first, "\"app_proto\"");
    assert_true(ap == NULL || ap > first_end);
    assert_non_null(strstr(out, "\"proto\":\"UDP\",\"app_proto\":\"unknown\",\"netflow\""));
    assert_non_null(strstr(first, "\"proto\":\"UDP\",\"flow\":{"));
    assert_non_null(strstr(first, "\"alerted\":false}"));
    assert_non_null(strstr(second, "\"proto\":\"UDP\",\"app_proto\":\"failed\",\"flow\":{"));
    assert_non_null(strstr(second, "\"alerted\":true}"));
}

/* Suricata's names, including its own spellings, and digits from 144 on. */
static void
proto_names_are_suricatas(void **state)
{
    (void)state;
    assert_string_equal(eve_proto_name(0), "HOPOPT");
    assert_string_equal(eve_proto_name(4), "IP-in-IP");
    assert_string_equal(eve_proto_name(6), "TCP");
    assert_string_equal(eve_proto_name(58), "IPv6-ICMP");
    assert_string_equal(eve_proto_name(61), "Any");
    assert_string_equal(eve_proto_name(89), "OSPF");
    assert_string_equal(eve_proto_name(136), "UDPLite");
    assert_string_equal(eve_proto_name(143), "Ethernet");
    assert_null(eve_proto_name(144));
    assert_null(eve_proto_name(255));
}

/* The record API: a new event type is a begin, its own fields and a commit. */
static void
record_api_writes_the_common_packet_header(void **state)
{
    EveConfig cfg;
    EveFile *ef;
    Packet p;
    (void)state;

    memset(&cfg, 0, sizeof(cfg));
    cfg.enabled = true;
    memset(&p, 0, sizeof(p));
    p.ts = SK_TIME_FROM_SEC(1);
    p.pcap_cnt = 2;
    p.ip_ver = 4;
    p.proto = 17;
    p.flags = PKT_F_HAS_PORTS;
    p.src.b[0] = 10;
    p.dst.b[0] = 11;
    p.sp = 53;
    p.dp = 5353;
    p.vlan_cnt = 1;
    p.vlan_id[0] = 7;

    EveWriter *ew = eve_test_open(&cfg, &ef);
    JsonBuf *jb = eve_begin_packet(ew, &p, "test");
    json_open_obj(jb, "test");
    json_u64(jb, "n", 1);
    json_close_obj(jb);
    eve_commit(ew);
    jb = eve_begin(ew, p.ts, "bare");
    eve_commit(ew);
    assert_string_equal(
        eve_test_close(ew, ef),
        "{\"timestamp\":\"1970-01-01T00:00:01.000000+0000\",\"pcap_cnt\":2,"
        "\"event_type\":\"test\",\"vlan\":[7],\"src_ip\":\"10.0.0.0\",\"src_port\":53,"
        "\"dest_ip\":\"11.0.0.0\",\"dest_port\":5353,\"proto\":\"UDP\",\"ip_v\":4,"
        "\"pkt_src\":\"wire/pcap\",\"test\":{\"n\":1}}\n"
        "{\"timestamp\":\"1970-01-01T00:00:01.000000+0000\",\"event_type\":\"bare\"}\n");
}

/* eve_types.def: names, lookup, and the defaults of a type listed without options. */
static void
event_type_table_names_and_defaults(void **state)
{
    EveConfig cfg;
    (void)state;

    assert_int_equal(eve_type_lookup("netflow"), EVE_TYPE_NETFLOW);
    assert_int_equal(eve_type_lookup("http"), EVE_TYPE_HTTP);
    assert_int_equal(eve_type_lookup("smtp"), -1);
    assert_int_equal(eve_type_lookup("dns"), EVE_TYPE_DNS);
    assert_string_equal(eve_type_name(EVE_TYPE_ANOMALY), "anomaly");
    assert_string_equal(eve_options[EVE_OPT_STATS_NULL_VALUES].key, "null-values");
    memset(&cfg, 0xff, sizeof(cfg));
    cfg.enabled = true;
    eve_config_types_default(&cfg);
    for (int t = 0; t < EVE_TYPE_MAX; t++) {
        assert_false(eve_config_type_on(&cfg, (EveType)t));
    }
    cfg.types[EVE_TYPE_ANOMALY].enabled = cfg.types[EVE_TYPE_STATS].enabled = true;
    assert_true(eve_config_option_on(&cfg, EVE_OPT_ANOMALY_APPLAYER));
    assert_false(eve_config_option_on(&cfg, EVE_OPT_ANOMALY_DECODE));
    assert_false(eve_config_option_on(&cfg, EVE_OPT_ANOMALY_PACKETHDR));
    assert_true(eve_config_option_on(&cfg, EVE_OPT_STATS_TOTALS));
    assert_true(eve_config_option_on(&cfg, EVE_OPT_STATS_NULL_VALUES));
    cfg.enabled = false; /* the output off turns every type and option off */
    assert_false(eve_config_option_on(&cfg, EVE_OPT_STATS_TOTALS));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_nesting_and_commas),
        cmocka_unit_test(json_strings_from_the_network_are_escaped),
        cmocka_unit_test(base64_pads_as_rfc4648),
        cmocka_unit_test(time_is_formatted_as_eve_does),
        cmocka_unit_test(ipv6_addresses_are_fully_expanded),
        cmocka_unit_test(flow_and_stats_records),
        cmocka_unit_test(write_error_leaves_whole_lines_and_counts_lost),
        cmocka_unit_test(log_sanitize_escapes_control_characters),
        cmocka_unit_test(netflow_writes_one_record_per_direction),
        cmocka_unit_test(community_id_matches_known_vectors),
        cmocka_unit_test(ethernet_addresses_in_flow_netflow_and_packet_records),
        cmocka_unit_test(anomaly_type_and_name_come_from_the_event_source),
        cmocka_unit_test(flow_records_write_app_proto_and_alerted),
        cmocka_unit_test(proto_names_are_suricatas),
        cmocka_unit_test(record_api_writes_the_common_packet_header),
        cmocka_unit_test(event_type_table_names_and_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
