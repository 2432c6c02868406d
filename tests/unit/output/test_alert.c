/* EVE alert records and fast.log. The expected lines are Suricata 8.0.7's own output, copied
 * from runs of /work/shared/suricata-8.0.7-bin on small captures made with scapy (Ethernet,
 * times from 2024-06-04T09:00:01.289612 UTC in 0.5 s steps):
 *   run 1: handshake, payloads, ICMP echo (#6), UDP over IPv6 (#7), ICMPv6 echo (#8); alert
 *          options payload, payload-printable, packet, metadata: yes;
 *   run A/B/D: TCP SYN (#1), UDP with bytes 0..255 (#2), ICMP unreachable quoting an unknown
 *          flow (#3); alert with no options (A), metadata: no (B), payload-length,
 *          payload-printable and payload (D).
 * The frames below are those captures' bytes; flow ids are Suricata's (random per run) set on
 * the flow by hand. */
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
#include "decode/decode.h"
#include "output/eve.h"
#include "output/eve_settings.h"
#include "output/fastlog.h"

/* clang-format off */
static const uint8_t frame_icmp4[] = {
    0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
    0x08, 0x00, 0x45, 0x00, 0x00, 0x24, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01,
    0x66, 0xd5, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x03, 0x08, 0x00,
    0x40, 0x6c, 0x00, 0x00, 0x00, 0x00, 0x70, 0x69, 0x6e, 0x67, 0x64, 0x61,
    0x74, 0x61,
};
static const uint8_t frame_udp6[] = {
    0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
    0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x11, 0x11, 0x40, 0x20, 0x01,
    0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x14, 0xe9, 0x00, 0x35, 0x00, 0x11,
    0x31, 0x06, 0x55, 0x44, 0x50, 0x56, 0x36, 0x44, 0x41, 0x54, 0x41,
};
static const uint8_t frame_icmp6[] = {
    0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
    0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x0d, 0x3a, 0x40, 0x20, 0x01,
    0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x80, 0x00, 0x0f, 0x72, 0x00, 0x00,
    0x00, 0x00, 0x70, 0x69, 0x6e, 0x67, 0x36,
};
static const uint8_t frame_syn[] = {
    0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
    0x08, 0x00, 0x45, 0x00, 0x00, 0x28, 0x00, 0x01, 0x00, 0x00, 0x40, 0x06,
    0x66, 0xcd, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x9c, 0x40,
    0x00, 0x50, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x50, 0x02,
    0x20, 0x00, 0xde, 0xeb, 0x00, 0x00,
};
static const uint8_t frame_unreach[] = {
    0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
    0x08, 0x00, 0x45, 0x00, 0x00, 0x38, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01,
    0x66, 0xc0, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x04, 0x03, 0x01,
    0x11, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x1c, 0x00, 0x01,
    0x00, 0x00, 0x40, 0x11, 0x66, 0xcc, 0x0a, 0x00, 0x00, 0x04, 0x0a, 0x00,
    0x00, 0x01, 0x00, 0x35, 0x04, 0xd2, 0x00, 0x08, 0xe6, 0xd2,
};
static const uint8_t frame_udp256_hdr[] = {
    0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
    0x08, 0x00, 0x45, 0x00, 0x01, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11,
    0x65, 0xcd, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x03, 0x04, 0xd2,
    0x27, 0x0f, 0x01, 0x08, 0xfd, 0xb9,
};
/* clang-format on */

#define T0 1717491601289612ULL /* the captures' first packet time, in microseconds */

typedef struct {
    DecodeThread *dt;
    Packet p;
    Flow f;
    uint8_t buf[400];
} Pkt;

/* Decodes frame into t->p at packet index idx (0-based: time T0 + idx * 0.5 s), with a flow
 * oriented as the packet unless flow_id is 0 (no flow). */
static void
pkt_make(Pkt *t, const uint8_t *frame, size_t len, unsigned idx, uint64_t flow_id)
{
    DecodeConfig dc;
    decode_config_default(&dc);
    t->dt = decode_thread_new(&dc);
    assert_non_null(t->dt);
    assert_true(len <= sizeof(t->buf));
    memcpy(t->buf, frame, len);
    packet_reset(&t->p);
    t->p.data = t->buf;
    t->p.len = t->p.wire_len = (uint32_t)len;
    t->p.linktype = LINKTYPE_ETHERNET;
    t->p.ts = T0 + idx * 500000ULL;
    t->p.pcap_cnt = idx + 1;
    decode_packet(t->dt, &t->p);
    memset(&t->f, 0, sizeof(t->f));
    if (flow_id == 0) {
        return;
    }
    t->f.flow_id = flow_id;
    t->f.src = t->p.src;
    t->f.dst = t->p.dst;
    t->f.sp = t->p.sp;
    t->f.dp = t->p.dp;
    t->f.proto = t->p.proto;
    t->f.ip_ver = t->p.ip_ver;
    t->f.start = t->p.ts;
    t->f.pkts[FLOW_DIR_TOSERVER] = 1;
    t->f.bytes[FLOW_DIR_TOSERVER] = len;
    t->p.flow = &t->f;
    t->p.flow_toserver = 1;
}

static void
pkt_free(Pkt *t)
{
    decode_thread_free(t->dt);
}

static char tmp_path[64];

static char *
read_file(const char *path)
{
    static char buf[65536];
    FILE *f = fopen(path, "r");
    size_t n;
    assert_non_null(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void
tmp_make(void)
{
    snprintf(tmp_path, sizeof(tmp_path), "/tmp/sk-alert-test-XXXXXX");
    int fd = mkstemp(tmp_path);
    assert_true(fd >= 0);
    close(fd);
}

/* Logs a through a writer with cfg's alert options; returns the file's text. */
static const char *
log_alerts(EveConfig *cfg, const Packet *p, DetectAlert *al, uint16_t cnt, unsigned want)
{
    DetectAlerts a = {.a = al, .cnt = cnt, .cap = cnt};
    tmp_make();
    EveFile *ef = eve_file_open(tmp_path, NULL);
    assert_non_null(ef);
    EveWriter *ew = eve_writer_new(ef, cfg);
    assert_non_null(ew);
    assert_int_equal(eve_log_alerts(ew, p, &a), want);
    eve_writer_free(ew);
    eve_file_close(ef);
    const char *out = read_file(tmp_path);
    unlink(tmp_path);
    return out;
}

/* An eve config with alert listed as Suricata reads `- alert:` with these options on. */
static void
alert_config(EveConfig *cfg, uint32_t on, uint32_t off)
{
    memset(cfg, 0, sizeof(*cfg));
    eve_config_types_default(cfg);
    cfg->enabled = true;
    cfg->types[EVE_TYPE_ALERT].enabled = true;
    cfg->types[EVE_TYPE_ALERT].opts = (cfg->types[EVE_TYPE_ALERT].opts | on) & ~off;
}

#define OPT(o) (1u << (o))

static const DetectSigInfo sig_icmp = {.gid = 1,
                                       .sid = 1000003,
                                       .rev = 1,
                                       .severity = 3,
                                       .action = DETECT_ACT_ALERT,
                                       .msg = "SK icmp",
                                       .classtype = "misc-activity",
                                       .category = "Misc activity"};

/* Run 1, packet 6: ICMP echo with payload, printable payload and the frame. */
static void
alert_icmp_with_payload_and_packet(void **state)
{
    Pkt t;
    EveConfig cfg;
    DetectAlert al = {.sig = &sig_icmp, .action = sig_icmp.action};
    (void)state;

    pkt_make(&t, frame_icmp4, sizeof(frame_icmp4), 5, 858084343060975ULL);
    alert_config(&cfg,
                 OPT(EVE_OPT_ALERT_PAYLOAD) | OPT(EVE_OPT_ALERT_PAYLOAD_PRINTABLE)
                     | OPT(EVE_OPT_ALERT_PACKET),
                 0);
    assert_string_equal(
        log_alerts(&cfg, &t.p, &al, 1, 1),
        "{\"timestamp\":\"2024-06-04T09:00:03.789612+0000\",\"flow_id\":858084343060975,"
        "\"pcap_cnt\":6,\"event_type\":\"alert\",\"src_ip\":\"10.0.0.1\",\"dest_ip\":\"10.0.0.3\","
        "\"proto\":\"ICMP\",\"ip_v\":4,\"icmp_type\":8,\"icmp_code\":0,\"pkt_src\":\"wire/pcap\","
        "\"alert\":{\"action\":\"allowed\",\"gid\":1,\"signature_id\":1000003,\"rev\":1,"
        "\"signature\":\"SK icmp\",\"category\":\"Misc activity\",\"severity\":3},"
        "\"direction\":\"to_server\",\"flow\":{\"pkts_toserver\":1,\"pkts_toclient\":0,"
        "\"bytes_toserver\":50,\"bytes_toclient\":0,"
        "\"start\":\"2024-06-04T09:00:03.789612+0000\",\"src_ip\":\"10.0.0.1\","
        "\"dest_ip\":\"10.0.0.3\"},\"payload\":\"cGluZ2RhdGE=\",\"payload_printable\":\"pingdata\","
        "\"stream\":0,\"packet\":"
        "\"ZneImaq7ABEiM0RVCABFAAAkAAEAAEABZtUKAAABCgAAAwgAQGwAAAAAcGluZ2RhdGE=\","
        "\"packet_info\":{\"linktype\":1,\"linktype_name\":\"EN10MB\"}}\n");
    pkt_free(&t);
}

/* Run 1, packet 7: gid 5, no classtype (category ""), target:src_ip, msg with quotes, a UDP
 * flow whose app layer gave up. */
static void
alert_udp6_target_src_app_proto_failed(void **state)
{
    Pkt t;
    EveConfig cfg;
    DetectSigInfo sig = {.gid = 5,
                         .sid = 1000004,
                         .severity = 3,
                         .action = DETECT_ACT_ALERT,
                         .msg = "SK udp6 \"quoted\"",
                         .target = DETECT_TARGET_SRC};
    DetectAlert al = {.sig = &sig, .action = sig.action};
    (void)state;

    pkt_make(&t, frame_udp6, sizeof(frame_udp6), 6, 1243875119024379ULL);
    t.f.alproto = FLOW_ALPROTO_FAILED;
    alert_config(&cfg,
                 OPT(EVE_OPT_ALERT_PAYLOAD) | OPT(EVE_OPT_ALERT_PAYLOAD_PRINTABLE)
                     | OPT(EVE_OPT_ALERT_PACKET),
                 0);
    assert_string_equal(
        log_alerts(&cfg, &t.p, &al, 1, 1),
        "{\"timestamp\":\"2024-06-04T09:00:04.289612+0000\",\"flow_id\":1243875119024379,"
        "\"pcap_cnt\":7,\"event_type\":\"alert\","
        "\"src_ip\":\"2001:0db8:0000:0000:0000:0000:0000:0001\",\"src_port\":5353,"
        "\"dest_ip\":\"2001:0db8:0000:0000:0000:0000:0000:0002\",\"dest_port\":53,"
        "\"proto\":\"UDP\",\"ip_v\":6,\"pkt_src\":\"wire/pcap\",\"alert\":{\"action\":\"allowed\","
        "\"gid\":5,\"signature_id\":1000004,\"rev\":0,\"signature\":\"SK udp6 \\\"quoted\\\"\","
        "\"category\":\"\",\"severity\":3,"
        "\"source\":{\"ip\":\"2001:0db8:0000:0000:0000:0000:0000:0002\",\"port\":53},"
        "\"target\":{\"ip\":\"2001:0db8:0000:0000:0000:0000:0000:0001\",\"port\":5353}},"
        "\"app_proto\":\"failed\",\"direction\":\"to_server\",\"flow\":{\"pkts_toserver\":1,"
        "\"pkts_toclient\":0,\"bytes_toserver\":71,\"bytes_toclient\":0,"
        "\"start\":\"2024-06-04T09:00:04.289612+0000\","
        "\"src_ip\":\"2001:0db8:0000:0000:0000:0000:0000:0001\","
        "\"dest_ip\":\"2001:0db8:0000:0000:0000:0000:0000:0002\",\"src_port\":5353,"
        "\"dest_port\":53},\"payload\":\"VURQVjZEQVRB\",\"payload_printable\":\"UDPV6DATA\","
        "\"stream\":0,\"packet\":\"ZneImaq7ABEiM0RVht1gAAAAABERQCABDbgAAAAAAAAAAAAAAAEgAQ24AAAAA"
        "AAAAAAAAAACFOkANQARMQZVRFBWNkRBVEE=\",\"packet_info\":{\"linktype\":1,"
        "\"linktype_name\":\"EN10MB\"}}\n");
    pkt_free(&t);
}

static const char *const syn_meta[] = {"b 1", "a 2", "c 3", "a 4",
                                       "signature_severity Major Thing"};
static const DetectSigInfo sig_syn = {.gid = 1,
                                      .sid = 2000001,
                                      .rev = 2,
                                      .severity = 2,
                                      .action = DETECT_ACT_ALERT,
                                      .msg = "SK syn",
                                      .classtype = "bad-unknown",
                                      .category = "Potentially Bad Traffic",
                                      .target = DETECT_TARGET_DST,
                                      .metadata = syn_meta,
                                      .meta_cnt = 5};

#define SYN_HEAD                                                                                   \
    "{\"timestamp\":\"2024-06-04T09:00:01.289612+0000\",\"flow_id\":399452803241687,"              \
    "\"pcap_cnt\":1,\"event_type\":\"alert\",\"src_ip\":\"10.0.0.1\",\"src_port\":40000,"          \
    "\"dest_ip\":\"10.0.0.2\",\"dest_port\":80,\"proto\":\"TCP\",\"ip_v\":4,"                      \
    "\"pkt_src\":\"wire/pcap\",\"alert\":{\"action\":\"allowed\",\"gid\":1,"                       \
    "\"signature_id\":2000001,\"rev\":2,\"signature\":\"SK syn\","                                 \
    "\"category\":\"Potentially Bad Traffic\",\"severity\":2,"                                     \
    "\"source\":{\"ip\":\"10.0.0.1\",\"port\":40000},\"target\":{\"ip\":\"10.0.0.2\",\"port\":80}"

/* Run A, packet 1: metadata "b 1, a 2, c 3, a 4, signature_severity Major Thing" comes out
 * with keys sorted and each key's values last first; metadata: no (run B) drops it and the
 * flow, not direction. */
static void
alert_metadata_sorted_and_metadata_off(void **state)
{
    Pkt t;
    EveConfig cfg;
    DetectAlert al = {.sig = &sig_syn, .action = sig_syn.action};
    (void)state;

    pkt_make(&t, frame_syn, sizeof(frame_syn), 0, 399452803241687ULL);
    alert_config(&cfg, 0, 0);
    assert_string_equal(log_alerts(&cfg, &t.p, &al, 1, 1), SYN_HEAD
                        ",\"metadata\":{\"a\":[\"4\",\"2\"],\"b\":[\"1\"],\"c\":[\"3\"],"
                        "\"signature_severity\":[\"Major Thing\"]}},\"direction\":\"to_server\","
                        "\"flow\":{\"pkts_toserver\":1,\"pkts_toclient\":0,\"bytes_toserver\":54,"
                        "\"bytes_toclient\":0,\"start\":\"2024-06-04T09:00:01.289612+0000\","
                        "\"src_ip\":\"10.0.0.1\",\"dest_ip\":\"10.0.0.2\",\"src_port\":40000,"
                        "\"dest_port\":80}}\n");
    alert_config(&cfg, 0, OPT(EVE_OPT_ALERT_METADATA));
    assert_string_equal(log_alerts(&cfg, &t.p, &al, 1, 1),
                        SYN_HEAD "},\"direction\":\"to_server\"}\n");
    pkt_free(&t);
}

/* Run D, packets 2 and 3: every byte value through payload_printable (CR and LF kept, others
 * '.'), payload_length, a rule without msg; an ICMP error with no flow has no direction. */
static void
alert_payload_printable_and_no_flow(void **state)
{
    Pkt t;
    EveConfig cfg;
    uint8_t frame[298];
    DetectSigInfo sig = {
        .gid = 1, .sid = 2000002, .severity = 3, .action = DETECT_ACT_ALERT, .msg = ""};
    DetectSigInfo sig3 = {
        .gid = 1, .sid = 2000003, .severity = 3, .action = DETECT_ACT_ALERT, .msg = "SK unreach"};
    DetectAlert al = {.sig = &sig, .action = sig.action};
    (void)state;

    memcpy(frame, frame_udp256_hdr, sizeof(frame_udp256_hdr));
    for (unsigned i = 0; i < 256; i++) {
        frame[42 + i] = (uint8_t)i;
    }
    pkt_make(&t, frame, sizeof(frame), 1, 295134567294049ULL);
    t.f.alproto = FLOW_ALPROTO_FAILED;
    alert_config(&cfg,
                 OPT(EVE_OPT_ALERT_PAYLOAD) | OPT(EVE_OPT_ALERT_PAYLOAD_PRINTABLE)
                     | OPT(EVE_OPT_ALERT_PAYLOAD_LENGTH),
                 0);
    assert_string_equal(
        log_alerts(&cfg, &t.p, &al, 1, 1),
        "{\"timestamp\":\"2024-06-04T09:00:01.789612+0000\",\"flow_id\":295134567294049,"
        "\"pcap_cnt\":2,\"event_type\":\"alert\",\"src_ip\":\"10.0.0.1\",\"src_port\":1234,"
        "\"dest_ip\":\"10.0.0.3\",\"dest_port\":9999,\"proto\":\"UDP\",\"ip_v\":4,"
        "\"pkt_src\":\"wire/pcap\",\"alert\":{\"action\":\"allowed\",\"gid\":1,"
        "\"signature_id\":2000002,\"rev\":0,\"signature\":\"\",\"category\":\"\",\"severity\":3},"
        "\"app_proto\":\"failed\",\"direction\":\"to_server\",\"flow\":{\"pkts_toserver\":1,"
        "\"pkts_toclient\":0,\"bytes_toserver\":298,\"bytes_toclient\":0,"
        "\"start\":\"2024-06-04T09:00:01.789612+0000\",\"src_ip\":\"10.0.0.1\","
        "\"dest_ip\":\"10.0.0.3\",\"src_port\":1234,\"dest_port\":9999},"
        "\"payload\":\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1"
        "Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dX"
        "Z3eHl6e3x9fn+AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKztLW2"
        "t7i5uru8vb6/wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm5+jp6uvs7e7v8PHy8/T19v"
        "f4+fr7/P3+/w==\",\"payload_length\":256,\"payload_printable\":\"..........\\n..\\r....."
        "............. !\\\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\\\]^_`abc"
        "defghijklmnopqrstuvwxyz{|}~..................................................."
        ".............................................................................."
        "\",\"stream\":0}\n");
    pkt_free(&t);

    al.sig = &sig3;
    al.action = sig3.action;
    pkt_make(&t, frame_unreach, sizeof(frame_unreach), 2, 0);
    assert_string_equal(
        log_alerts(&cfg, &t.p, &al, 1, 1),
        "{\"timestamp\":\"2024-06-04T09:00:02.289612+0000\",\"pcap_cnt\":3,"
        "\"event_type\":\"alert\",\"src_ip\":\"10.0.0.1\",\"dest_ip\":\"10.0.0.4\","
        "\"proto\":\"ICMP\",\"ip_v\":4,\"icmp_type\":3,\"icmp_code\":1,\"pkt_src\":\"wire/pcap\","
        "\"alert\":{\"action\":\"allowed\",\"gid\":1,\"signature_id\":2000003,\"rev\":0,"
        "\"signature\":\"SK unreach\",\"category\":\"\",\"severity\":3},"
        "\"payload\":\"RQAAHAABAABAEWbMCgAABAoAAAEANQTSAAjm0g==\",\"payload_length\":28,"
        "\"payload_printable\":\"E.......@.f.\\n...\\n....5......\",\"stream\":0}\n");
    pkt_free(&t);
}

/* noalert matches are not logged; the alert type off logs nothing; drop is "allowed" in IDS
 * mode and "blocked" inline, reject "blocked" in both (Suricata 8.0.7 with a reject rule on a
 * capture file). */
static void
alert_noalert_type_off_and_actions(void **state)
{
    Pkt t;
    EveConfig cfg;
    DetectSigInfo drop = sig_icmp, rej = sig_icmp;
    drop.action = DETECT_ACT_DROP;
    rej.action = DETECT_ACT_REJECT;
    DetectAlert al[3] = {
        {.sig = &sig_icmp, .action = sig_icmp.action, .flags = DETECT_ALERT_F_NOALERT},
        {.sig = &drop, .action = drop.action},
        {.sig = &rej, .action = rej.action}};
    (void)state;

    pkt_make(&t, frame_icmp4, sizeof(frame_icmp4), 5, 0);
    alert_config(&cfg, 0, 0);
    const char *out = log_alerts(&cfg, &t.p, al, 3, 2);
    const char *first = strstr(out, "\"action\":\"allowed\"");
    assert_non_null(first);
    assert_non_null(strstr(first, "\"action\":\"blocked\""));
    assert_null(strstr(first + 1, "\"action\":\"allowed\""));
    cfg.ips = true;
    out = log_alerts(&cfg, &t.p, al + 1, 1, 1);
    assert_non_null(strstr(out, "\"action\":\"blocked\""));
    cfg.types[EVE_TYPE_ALERT].enabled = false;
    assert_string_equal(log_alerts(&cfg, &t.p, al, 3, 0), "");
    pkt_free(&t);
}

/* fast.log lines byte for byte as Suricata 8.0.7 wrote them (runs 1 and A). */
static void
fastlog_lines_as_suricata(void **state)
{
    Pkt t;
    char line[512];
    DetectSigInfo udp6 = {.gid = 5,
                          .sid = 1000004,
                          .severity = 3,
                          .action = DETECT_ACT_ALERT,
                          .msg = "SK udp6 \"quoted\""};
    DetectSigInfo drop6 = {
        .gid = 1, .sid = 1000005, .severity = 3, .action = DETECT_ACT_DROP, .msg = "SK icmp6 drop"};
    DetectSigInfo nomsg = {
        .gid = 1, .sid = 2000002, .severity = 3, .action = DETECT_ACT_ALERT, .msg = ""};
    (void)state;

    pkt_make(&t, frame_icmp4, sizeof(frame_icmp4), 5, 1);
    fastlog_format(&t.p, &sig_icmp, false, line, sizeof(line));
    assert_string_equal(line, "06/04/2024-09:00:03.789612  [**] [1:1000003:1] SK icmp [**] "
                              "[Classification: Misc activity] [Priority: 3] {ICMP} "
                              "10.0.0.1:8 -> 10.0.0.3:0\n");
    pkt_free(&t);
    pkt_make(&t, frame_udp6, sizeof(frame_udp6), 6, 1);
    fastlog_format(&t.p, &udp6, false, line, sizeof(line));
    assert_string_equal(line, "06/04/2024-09:00:04.289612  [**] [5:1000004:0] SK udp6 \"quoted\" "
                              "[**] [Classification: (null)] [Priority: 3] {UDP} "
                              "2001:0db8:0000:0000:0000:0000:0000:0001:5353 -> "
                              "2001:0db8:0000:0000:0000:0000:0000:0002:53\n");
    pkt_free(&t);
    pkt_make(&t, frame_icmp6, sizeof(frame_icmp6), 7, 1);
    fastlog_format(&t.p, &drop6, false, line, sizeof(line));
    assert_string_equal(line, "06/04/2024-09:00:04.789612  [wDrop] [**] [1:1000005:0] SK icmp6 "
                              "drop [**] [Classification: (null)] [Priority: 3] {IPv6-ICMP} "
                              "2001:0db8:0000:0000:0000:0000:0000:0001:128 -> "
                              "2001:0db8:0000:0000:0000:0000:0000:0002:0\n");
    fastlog_format(&t.p, &drop6, true, line, sizeof(line));
    assert_memory_equal(line, "06/04/2024-09:00:04.789612  [Drop] [**]", 39);
    pkt_free(&t);
    pkt_make(&t, frame_syn, sizeof(frame_syn), 0, 1);
    fastlog_format(&t.p, &sig_syn, false, line, sizeof(line));
    assert_string_equal(line, "06/04/2024-09:00:01.289612  [**] [1:2000001:2] SK syn [**] "
                              "[Classification: Potentially Bad Traffic] [Priority: 2] {TCP} "
                              "10.0.0.1:40000 -> 10.0.0.2:80\n");
    pkt_free(&t);
    uint8_t frame[298];
    memcpy(frame, frame_udp256_hdr, sizeof(frame_udp256_hdr));
    for (unsigned i = 0; i < 256; i++) {
        frame[42 + i] = (uint8_t)i;
    }
    pkt_make(&t, frame, sizeof(frame), 1, 1);
    fastlog_format(&t.p, &nomsg, false, line, sizeof(line));
    assert_string_equal(line, "06/04/2024-09:00:01.789612  [**] [1:2000002:0] (null) [**] "
                              "[Classification: (null)] [Priority: 3] {UDP} "
                              "10.0.0.1:1234 -> 10.0.0.3:9999\n");
    /* A line longer than the buffer is cut, its newline kept. */
    assert_int_equal(fastlog_format(&t.p, &nomsg, false, line, 20), 19);
    assert_int_equal(line[18], '\n');
    pkt_free(&t);
}

/* Two workers' writers on one file (300 lines: more than one buffer): whole lines, noalert skipped, append: no empties the file,
 * the counts add up. */
static void
fastlog_writers_share_a_file(void **state)
{
    Pkt t;
    FastLogConfig fc = {.enabled = true, .append = true};
    DetectAlert al[2] = {
        {.sig = &sig_icmp, .action = sig_icmp.action},
        {.sig = &sig_icmp, .action = sig_icmp.action, .flags = DETECT_ALERT_F_NOALERT}};
    DetectAlerts a = {.a = al, .cnt = 2, .cap = 2};
    (void)state;

    tmp_make();
    FILE *f = fopen(tmp_path, "w");
    fputs("old line\n", f);
    fclose(f);
    pkt_make(&t, frame_icmp4, sizeof(frame_icmp4), 5, 1);
    FastLog *fl = fastlog_open(&fc, tmp_path);
    assert_non_null(fl);
    FastLogWriter *w1 = fastlog_writer_new(fl), *w2 = fastlog_writer_new(fl);
    for (int i = 0; i < 300; i++) {
        assert_int_equal(fastlog_write(i % 2 ? w1 : w2, &t.p, &a), 1);
    }
    fastlog_writer_free(w1);
    fastlog_writer_free(w2);
    assert_int_equal(fastlog_lines(fl), 300);
    assert_false(fastlog_failed(fl));
    fastlog_close(fl);
    const char *out = read_file(tmp_path);
    const char *want = "06/04/2024-09:00:03.789612  [**] [1:1000003:1] SK icmp [**] "
                       "[Classification: Misc activity] [Priority: 3] {ICMP} "
                       "10.0.0.1:8 -> 10.0.0.3:0\n";
    assert_memory_equal(out, "old line\n", 9);
    out += 9;
    for (int i = 0; i < 300; i++, out += strlen(want)) {
        assert_memory_equal(out, want, strlen(want));
    }
    assert_int_equal(*out, '\0');

    fc.append = false;
    fl = fastlog_open(&fc, tmp_path);
    w1 = fastlog_writer_new(fl);
    fastlog_write(w1, &t.p, &a);
    fastlog_writer_free(w1);
    fastlog_close(fl);
    assert_string_equal(read_file(tmp_path), want);
    unlink(tmp_path);
    pkt_free(&t);
}

static SkResult
load_eve(const char *yaml, EveConfig *ec)
{
    CfgNode *root = cfg_load_string(yaml, "test");
    assert_non_null(root);
    eve_settings.defaults(ec);
    SkResult r = eve_settings.load(root, &eve_settings, ec);
    cfg_free(root);
    return r;
}

/* alert's options as Suricata's yaml spells them: metadata a boolean or a map of parts (a map
 * turns it on, its parts default on), anything else refused; fast's keys. */
static void
config_alert_options_and_fast(void **state)
{
    EveConfig ec;
    (void)state;

    assert_int_equal(load_eve("outputs:\n  - eve-log:\n      types:\n        - alert\n", &ec),
                     SK_OK);
    assert_true(eve_config_type_on(&ec, EVE_TYPE_ALERT));
    assert_true(eve_config_option_on(&ec, EVE_OPT_ALERT_METADATA));
    assert_true(eve_config_option_on(&ec, EVE_OPT_ALERT_META_FLOW));
    assert_false(eve_config_option_on(&ec, EVE_OPT_ALERT_PAYLOAD));
    assert_int_equal(load_eve("outputs:\n  - eve-log:\n      types:\n        - alert:\n"
                              "            payload: yes\n            packet: yes\n"
                              "            metadata: no\n",
                              &ec),
                     SK_OK);
    assert_true(eve_config_option_on(&ec, EVE_OPT_ALERT_PAYLOAD));
    assert_true(eve_config_option_on(&ec, EVE_OPT_ALERT_PACKET));
    assert_false(eve_config_option_on(&ec, EVE_OPT_ALERT_METADATA));
    assert_int_equal(load_eve("outputs:\n  - eve-log:\n      types:\n        - alert:\n"
                              "            metadata:\n              flow: no\n"
                              "              rule:\n                raw: yes\n",
                              &ec),
                     SK_OK);
    assert_true(eve_config_option_on(&ec, EVE_OPT_ALERT_METADATA));
    assert_false(eve_config_option_on(&ec, EVE_OPT_ALERT_META_FLOW));
    assert_true(eve_config_option_on(&ec, EVE_OPT_ALERT_META_RULE));
    assert_int_equal(load_eve("outputs:\n  - eve-log:\n      types:\n        - alert:\n"
                              "            metadata: {wrong: 1}\n",
                              &ec),
                     SK_ERR_CONFIG);
    assert_int_equal(load_eve("outputs:\n  - eve-log:\n      types:\n        - alert:\n"
                              "            metadata: [1, 2]\n",
                              &ec),
                     SK_ERR_CONFIG);

    FastLogConfig fc;
    CfgNode *root = cfg_load_string("outputs:\n  - eve-log: {}\n  - fast:\n      enabled: yes\n"
                                    "      filename: alerts.log\n      append: no\n",
                                    "test");
    assert_non_null(root);
    fastlog_settings.defaults(&fc);
    assert_false(fc.enabled);
    assert_true(fc.append);
    assert_string_equal(fc.filename, "fast.log");
    assert_int_equal(fastlog_settings.load(root, &fastlog_settings, &fc), SK_OK);
    assert_true(fc.enabled);
    assert_false(fc.append);
    assert_string_equal(fc.filename, "alerts.log");
    cfg_free(root);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(alert_icmp_with_payload_and_packet),
        cmocka_unit_test(alert_udp6_target_src_app_proto_failed),
        cmocka_unit_test(alert_metadata_sorted_and_metadata_off),
        cmocka_unit_test(alert_payload_printable_and_no_flow),
        cmocka_unit_test(alert_noalert_type_off_and_actions),
        cmocka_unit_test(fastlog_lines_as_suricata),
        cmocka_unit_test(fastlog_writers_share_a_file),
        cmocka_unit_test(config_alert_options_and_fast),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
