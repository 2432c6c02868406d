/* Unit tests of the app layer's registry and probing and of the DNS parser and logger: UDP and
 * TCP framing, transactions per message, Suricata's dns events, the bounds (compression loops,
 * name length, label count, truncated records), the EVE object. Messages are written inline,
 * one comment per field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "applayer/applayer.h"
#include "applayer/dns/dns.h"
#include "core/proto.h"

typedef struct {
    AppLayerConfig cfg;
    Memcap mc;
    AppLayerThread *al;
    Flow f;
} Fixture;

static int
setup(void **state)
{
    Fixture *fx = calloc(1, sizeof(*fx));
    applayer_config_default(&fx->cfg);
    memcap_init_fixed(&fx->mc, 1u << 20);
    fx->al = applayer_thread_new(&fx->cfg, &fx->mc);
    fx->f.sp = 40000;
    fx->f.dp = 53;
    *state = fx;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *fx = *state;
    applayer_flow_free(fx->al, &fx->f);
    assert_int_equal(memcap_used(&fx->mc), 0); /* every byte charged came back */
    applayer_thread_free(fx->al);
    memcap_fini(&fx->mc);
    free(fx);
    return 0;
}

/* One UDP datagram of the flow, dir FLOW_DIR_*. */
static void
udp(Fixture *fx, int dir, const uint8_t *msg, size_t len)
{
    Packet p;
    memset(&p, 0, sizeof(p));
    p.data = msg;
    p.len = (uint32_t)len;
    p.proto = SK_IPPROTO_UDP;
    p.payload_off = 0;
    p.payload_len = (uint32_t)len;
    p.flow = &fx->f;
    p.flow_toserver = dir == FLOW_DIR_TOSERVER;
    fx->f.proto = SK_IPPROTO_UDP;
    applayer_packet(fx->al, &fx->f, &p);
}

static size_t
tcp(Fixture *fx, int dir, const uint8_t *data, size_t len, uint64_t off, uint8_t flags)
{
    StreamChunk ch = {.data = cur_init(data, len), .offset = off, .flags = flags};
    fx->f.proto = SK_IPPROTO_TCP;
    return applayer_stream(fx->al, &fx->f, dir, &ch);
}

static DnsTx *
tx_at(Fixture *fx, uint64_t id)
{
    for (AlTx *tx = applayer_tx_next_unlogged(&fx->f, NULL); tx != NULL;
         tx = applayer_tx_next_unlogged(&fx->f, tx)) {
        if (tx->id == id) {
            return (DnsTx *)tx;
        }
    }
    return NULL;
}

static unsigned
tx_count(Fixture *fx)
{
    unsigned n = 0;
    for (AlTx *tx = applayer_tx_next_unlogged(&fx->f, NULL); tx != NULL;
         tx = applayer_tx_next_unlogged(&fx->f, tx)) {
        n++;
    }
    return n;
}

/* The EVE object of a transaction as text. */
static char *
log_text(Fixture *fx, DnsTx *tx)
{
    static JsonBuf jb;
    json_init(&jb, 4096);
    json_reset(&jb);
    json_open_obj(&jb, NULL);
    dns_log_tx(&jb, applayer_flow(&fx->f), &tx->base);
    json_close_obj(&jb);
    char *s = strndup(jb.buf, jb.len);
    json_fini(&jb);
    return s;
}

/* www.example.com A IN, id 0x1234, RD. */
static const uint8_t query_a[] = {
    0x12, 0x34, 0x01, 0x00, /* id, flags: RD */
    0x00, 0x01, 0x00, 0x00, /* qdcount 1, ancount 0 */
    0x00, 0x00, 0x00, 0x00, /* nscount 0, arcount 0 */
    3,    'w',  'w',  'w',  7,   'e', 'x',  'a',  'm',  'p',  'l',
    'e',  3,    'c',  'o',  'm', 0,   0x00, 0x01, 0x00, 0x01, /* A, IN */
};

/* Its answer: the question, then www.example.com (pointer to 12) A 93.184.216.34 ttl 60, then
 * an AAAA and a CNAME. */
static const uint8_t response_a[] = {
    0x12, 0x34, 0x81, 0x80, /* id, flags: QR RD RA */
    0x00, 0x01, 0x00, 0x03, /* qdcount 1, ancount 3 */
    0x00, 0x00, 0x00, 0x00, /* nscount, arcount */
    3,    'w',  'w',  'w',  7,    'e',  'x',  'a',  'm',  'p',  'l',
    'e',  3,    'c',  'o',  'm',  0,    0x00, 0x01, 0x00, 0x01, /* A, IN */
    0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01,                         /* ptr 12, A, IN */
    0x00, 0x00, 0x00, 0x3c, 0x00, 0x04,                         /* ttl 60, rdlen 4 */
    93,   184,  216,  34,                                       /* rdata */
    0xc0, 0x0c, 0x00, 0x1c, 0x00, 0x01,                         /* ptr 12, AAAA, IN */
    0x00, 0x00, 0x00, 0x3c, 0x00, 0x10,                         /* ttl 60, rdlen 16 */
    0x26, 0x06, 0x28, 0x00, 0x02, 0x20, 0x00, 0x01,             /* 2606:2800:220:1: */
    0x02, 0x48, 0x18, 0x93, 0x25, 0xc8, 0x19, 0x46,             /* 248:1893:25c8:1946 */
    0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01,                         /* ptr 12, CNAME, IN */
    0x00, 0x00, 0x00, 0x3c, 0x00, 0x02,                         /* ttl 60, rdlen 2 */
    0xc0, 0x10,                                                 /* ptr 16: example.com */
};

static void
registry_names_and_ids(void **state)
{
    (void)state;
    assert_string_equal(applayer_proto_name(ALPROTO_UNKNOWN), "unknown");
    assert_string_equal(applayer_proto_name(ALPROTO_FAILED), "failed");
    assert_string_equal(applayer_proto_name(ALPROTO_DNS), "dns");
    assert_true(ALPROTO_DNS >= 2);
    assert_int_equal(applayer_proto_lookup("dns", 3), ALPROTO_DNS);
    assert_int_equal(applayer_proto_lookup("failed", 6), ALPROTO_FAILED);
    assert_int_equal(applayer_proto_lookup("DNS", 3), -1); /* case matters, as Suricata */
    assert_null(applayer_proto_name(ALPROTO_MAX));
}

static void
udp_query_and_response_are_two_transactions(void **state)
{
    Fixture *fx = *state;
    udp(fx, FLOW_DIR_TOSERVER, query_a, sizeof(query_a));
    assert_int_equal(fx->f.alproto, ALPROTO_DNS);
    udp(fx, FLOW_DIR_TOCLIENT, response_a, sizeof(response_a));
    assert_int_equal(tx_count(fx), 2);
    DnsTx *q = tx_at(fx, 0), *r = tx_at(fx, 1);
    assert_non_null(q);
    assert_non_null(r);
    assert_int_equal(q->base.dir, FLOW_DIR_TOSERVER);
    assert_int_equal(q->id, 0x1234);
    assert_true(q->valid);
    assert_int_equal(r->cnt[DNS_SEC_AN], 3);
    assert_int_equal(r->base.event_cnt, 0);
}

static void
udp_log_matches_suricata_v3(void **state)
{
    Fixture *fx = *state;
    udp(fx, FLOW_DIR_TOSERVER, query_a, sizeof(query_a));
    udp(fx, FLOW_DIR_TOCLIENT, response_a, sizeof(response_a));
    char *q = log_text(fx, tx_at(fx, 0));
    assert_string_equal(q, "{\"dns\":{\"version\":3,\"type\":\"request\",\"tx_id\":0,\"id\":4660,"
                           "\"flags\":\"100\",\"rd\":true,\"opcode\":0,\"rcode\":\"NOERROR\","
                           "\"queries\":[{\"rrname\":\"www.example.com\",\"rrtype\":\"A\"}]}}");
    free(q);
    char *r = log_text(fx, tx_at(fx, 1));
    assert_string_equal(
        r, "{\"dns\":{\"version\":3,\"type\":\"response\",\"tx_id\":1,\"id\":4660,"
           "\"flags\":\"8180\",\"qr\":true,\"rd\":true,\"ra\":true,\"opcode\":0,"
           "\"rcode\":\"NOERROR\",\"queries\":[{\"rrname\":\"www.example.com\",\"rrtype\":\"A\"}],"
           "\"answers\":[{\"rrname\":\"www.example.com\",\"rrtype\":\"A\",\"ttl\":60,"
           "\"rdata\":\"93.184.216.34\"},{\"rrname\":\"www.example.com\",\"rrtype\":\"AAAA\","
           "\"ttl\":60,\"rdata\":\"2606:2800:0220:0001:0248:1893:25c8:1946\"},"
           "{\"rrname\":\"www.example.com\",\"rrtype\":\"CNAME\",\"ttl\":60,"
           "\"rdata\":\"example.com\"}],\"grouped\":{\"A\":[\"93.184.216.34\"],"
           "\"AAAA\":[\"2606:2800:0220:0001:0248:1893:25c8:1946\"],"
           "\"CNAME\":[\"example.com\"]}}}");
    free(r);
}

static void
udp_other_port_is_not_probed(void **state)
{
    Fixture *fx = *state;
    fx->f.dp = 5353 + 1;
    udp(fx, FLOW_DIR_TOSERVER, query_a, sizeof(query_a));
    assert_int_equal(fx->f.alproto, ALPROTO_FAILED); /* Suricata: app_proto "failed" */
    assert_null(applayer_flow(&fx->f));
}

static void
udp_disabled_is_not_detected(void **state)
{
    Fixture *fx = *state;
    fx->cfg.proto[ALPROTO_DNS].udp = false;
    udp(fx, FLOW_DIR_TOSERVER, query_a, sizeof(query_a));
    assert_int_equal(fx->f.alproto, ALPROTO_FAILED);
}

static void
udp_junk_on_port_53_is_not_dns(void **state)
{
    Fixture *fx = *state;
    const uint8_t junk[] = {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '!', 0xff};
    udp(fx, FLOW_DIR_TOSERVER, junk, sizeof(junk));
    assert_int_equal(fx->f.alproto, ALPROTO_UNKNOWN);
    udp(fx, FLOW_DIR_TOSERVER, query_a, sizeof(query_a)); /* the next datagram is */
    assert_int_equal(fx->f.alproto, ALPROTO_DNS);
}

static void
reversed_flow_response_first_is_not_dns(void **state)
{
    Fixture *fx = *state;
    fx->f.sp = 53; /* the first packet seen came from the server */
    fx->f.dp = 40000;
    /* Suricata 8.0.7 (stream.midstream off) leaves such a UDP flow "failed": no record of the
     * response nor of the request that follows it the other way. */
    udp(fx, FLOW_DIR_TOSERVER, response_a, sizeof(response_a));
    assert_int_not_equal(fx->f.alproto, ALPROTO_DNS);
    udp(fx, FLOW_DIR_TOCLIENT, query_a, sizeof(query_a));
    assert_int_not_equal(fx->f.alproto, ALPROTO_DNS);
    assert_null(applayer_tx_first(&fx->f));
}

static void
tcp_framing_across_chunks(void **state)
{
    Fixture *fx = *state;
    uint8_t buf[2 + sizeof(query_a) + 2 + sizeof(query_a)];
    buf[0] = 0;
    buf[1] = sizeof(query_a);
    memcpy(buf + 2, query_a, sizeof(query_a));
    buf[2 + sizeof(query_a)] = 0;
    buf[3 + sizeof(query_a)] = sizeof(query_a);
    memcpy(buf + 4 + sizeof(query_a), query_a, sizeof(query_a));

    /* One byte of the length: nothing consumed, nothing decided. */
    assert_int_equal(tcp(fx, FLOW_DIR_TOSERVER, buf, 1, 0, STREAM_F_START), 0);
    assert_int_equal(fx->f.alproto, ALPROTO_UNKNOWN);
    /* The first message and half of the second: the first is consumed whole. */
    size_t first = 2 + sizeof(query_a);
    assert_int_equal(tcp(fx, FLOW_DIR_TOSERVER, buf, first + 10, 0, STREAM_F_START), first);
    assert_int_equal(fx->f.alproto, ALPROTO_DNS);
    assert_int_equal(tx_count(fx), 1);
    /* The rest. */
    assert_int_equal(tcp(fx, FLOW_DIR_TOSERVER, buf + first, sizeof(buf) - first, first, 0),
                     sizeof(buf) - first);
    assert_int_equal(tx_count(fx), 2);
    assert_int_equal(tx_at(fx, 1)->id, 0x1234);
}

static void
tcp_cut_message_at_eof_is_dropped(void **state)
{
    Fixture *fx = *state;
    uint8_t buf[2 + sizeof(query_a)];
    buf[0] = 0;
    buf[1] = sizeof(query_a);
    memcpy(buf + 2, query_a, sizeof(query_a));
    assert_int_equal(tcp(fx, FLOW_DIR_TOSERVER, buf, sizeof(buf), 0, STREAM_F_START), sizeof(buf));
    uint8_t cut[] = {0x00, 0x40, 0x12, 0x34}; /* says 64 bytes, 2 come */
    assert_int_equal(tcp(fx, FLOW_DIR_TOSERVER, cut, sizeof(cut), sizeof(buf), 0), 0);
    assert_int_equal(tcp(fx, FLOW_DIR_TOSERVER, cut, sizeof(cut), sizeof(buf), STREAM_F_EOF),
                     sizeof(cut));
    assert_int_equal(tx_count(fx), 1);
}

static void
tcp_gap_skips_until_a_message(void **state)
{
    Fixture *fx = *state;
    uint8_t buf[2 + sizeof(query_a)];
    buf[0] = 0;
    buf[1] = sizeof(query_a);
    memcpy(buf + 2, query_a, sizeof(query_a));
    assert_int_equal(tcp(fx, FLOW_DIR_TOSERVER, buf, sizeof(buf), 0, STREAM_F_START), sizeof(buf));
    const uint8_t junk[] = {0x41, 0x41, 0x41, 0x41, 0x41, 0x41};
    assert_int_equal(tcp(fx, FLOW_DIR_TOSERVER, junk, sizeof(junk), 100, STREAM_F_GAP),
                     sizeof(junk));
    assert_int_equal(tx_count(fx), 1);
}

/* A name whose pointer points at itself. */
static void
compression_loop_raises_infinite_loop(void **state)
{
    (void)state;
    const uint8_t msg[] = {
        0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* header */
        0xc0, 0x0c,                                                             /* ptr 12 */
        0x00, 0x01, 0x00, 0x01,
    };
    char name[DNS_NAME_MAX + 8];
    size_t off = DNS_HDR_LEN, nl;
    unsigned ev;
    assert_false(dns_name_read(msg, sizeof(msg), &off, name, sizeof(name), &nl, &ev));
    assert_int_equal(ev, DNS_EVENT_INFINITE_LOOP);
}

/* Two labels pointing at each other: the bound on jumps ends it. */
static void
compression_ping_pong_ends(void **state)
{
    (void)state;
    const uint8_t msg[] = {
        0, 0,   0,    0,  0, 1, 0, 0, 0, 0, 0, 0, /* header */
        1, 'a', 0xc0, 16,                         /* 12: "a" then ptr 16 */
        1, 'b', 0xc0, 12,                         /* 16: "b" then ptr 12 */
    };
    char name[DNS_NAME_MAX + 8];
    size_t off = DNS_HDR_LEN, nl;
    unsigned ev;
    assert_false(dns_name_read(msg, sizeof(msg), &off, name, sizeof(name), &nl, &ev));
    assert_true(ev == DNS_EVENT_INFINITE_LOOP || ev == DNS_EVENT_TOO_MANY_LABELS);
}

static void
forward_pointer_reads(void **state)
{
    (void)state;
    const uint8_t msg[] = {
        0,    0,   0,   0,   0, 1, 0, 0, 0, 0, 0, 0, /* header */
        0xc0, 14,                                    /* 12: ptr 14 (forward) */
        3,    'c', 'o', 'm', 0,                      /* 14: com */
    };
    char name[DNS_NAME_MAX + 8];
    size_t off = DNS_HDR_LEN, nl;
    unsigned ev;
    assert_true(dns_name_read(msg, sizeof(msg), &off, name, sizeof(name), &nl, &ev));
    assert_string_equal(name, "com");
    assert_int_equal(off, 14); /* past the pointer, not past what it pointed at */
}

static void
pointer_past_the_end_fails(void **state)
{
    (void)state;
    const uint8_t msg[] = {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc3, 0xff};
    char name[DNS_NAME_MAX + 8];
    size_t off = DNS_HDR_LEN, nl;
    unsigned ev;
    assert_false(dns_name_read(msg, sizeof(msg), &off, name, sizeof(name), &nl, &ev));
}

/* 40 labels of 63 bytes: 2559 characters, read and cut at DNS_NAME_MAX. */
static void
long_name_raises_name_too_long(void **state)
{
    (void)state;
    uint8_t msg[DNS_HDR_LEN + 40 * 64 + 1];
    memset(msg, 0, DNS_HDR_LEN);
    for (unsigned i = 0; i < 40; i++) {
        msg[DNS_HDR_LEN + i * 64] = 63;
        memset(msg + DNS_HDR_LEN + i * 64 + 1, 'x', 63);
    }
    msg[sizeof(msg) - 1] = 0;
    char name[DNS_NAME_MAX + 8];
    size_t off = DNS_HDR_LEN, nl;
    unsigned ev;
    assert_true(dns_name_read(msg, sizeof(msg), &off, name, sizeof(name), &nl, &ev));
    assert_int_equal(ev, DNS_EVENT_NAME_TOO_LONG);
    assert_int_equal(nl, DNS_NAME_MAX);
}

/* 300 one-byte labels. */
static void
many_labels_raise_too_many_labels(void **state)
{
    (void)state;
    uint8_t msg[DNS_HDR_LEN + 300 * 2 + 1];
    memset(msg, 0, sizeof(msg));
    for (unsigned i = 0; i < 300; i++) {
        msg[DNS_HDR_LEN + i * 2] = 1;
        msg[DNS_HDR_LEN + i * 2 + 1] = 'a';
    }
    char name[DNS_NAME_MAX + 8];
    size_t off = DNS_HDR_LEN, nl;
    unsigned ev;
    assert_false(dns_name_read(msg, sizeof(msg), &off, name, sizeof(name), &nl, &ev));
    assert_int_equal(ev, DNS_EVENT_TOO_MANY_LABELS);
}

static void
truncated_header_is_malformed_and_not_logged(void **state)
{
    Fixture *fx = *state;
    udp(fx, FLOW_DIR_TOSERVER, query_a, sizeof(query_a)); /* detected on a whole one */
    udp(fx, FLOW_DIR_TOSERVER, query_a, 7);
    DnsTx *tx = tx_at(fx, 1);
    assert_null(tx); /* made, marked logged: nothing to write */
    assert_int_equal(tx_count(fx), 1);
}

static void
truncated_answer_is_malformed(void **state)
{
    Fixture *fx = *state;
    udp(fx, FLOW_DIR_TOSERVER, query_a, sizeof(query_a));
    udp(fx, FLOW_DIR_TOCLIENT, response_a, sizeof(response_a) - 3);
    assert_int_equal(tx_count(fx), 1); /* the response is malformed: not logged */
}

static void
broken_additionals_raise_invalid_additionals(void **state)
{
    Fixture *fx = *state;
    uint8_t msg[sizeof(response_a) + 3];
    memcpy(msg, response_a, sizeof(response_a));
    msg[11] = 1;                        /* arcount 1 */
    msg[sizeof(response_a)] = 0xc0;     /* a pointer ... */
    msg[sizeof(response_a) + 1] = 0x0c; /* to 12, then */
    msg[sizeof(response_a) + 2] = 0x00; /* one byte of type: cut */
    udp(fx, FLOW_DIR_TOCLIENT, msg, sizeof(msg));
    DnsTx *tx = tx_at(fx, 0);
    assert_non_null(tx);
    assert_true(tx->valid);
    assert_int_equal(tx->cnt[DNS_SEC_AN], 3);
    assert_true(applayer_tx_has_event(&tx->base, DNS_EVENT_INVALID_ADDITIONALS));
}

static void
z_flag_and_opcode_events(void **state)
{
    Fixture *fx = *state;
    uint8_t msg[sizeof(query_a)];
    memcpy(msg, query_a, sizeof(msg));
    msg[3] |= 0x40; /* Z */
    udp(fx, FLOW_DIR_TOSERVER, msg, sizeof(msg));
    assert_true(applayer_tx_has_event(&tx_at(fx, 0)->base, DNS_EVENT_Z_FLAG_SET));
    char *s = log_text(fx, tx_at(fx, 0));
    assert_non_null(strstr(s, "\"rd\":true,\"z\":true,\"opcode\":0"));
    free(s);
    memcpy(msg, query_a, sizeof(msg));
    msg[2] = 0x3 << 3 | 0x01; /* opcode 3: unassigned, but Suricata 8.0.7 takes it */
    udp(fx, FLOW_DIR_TOSERVER, msg, sizeof(msg));
    assert_false(applayer_tx_has_event(&tx_at(fx, 1)->base, DNS_EVENT_INVALID_OPCODE));
    msg[2] = 0x7 << 3 | 0x01; /* opcode 7: past the assigned ones */
    udp(fx, FLOW_DIR_TOSERVER, msg, sizeof(msg));
    assert_true(applayer_tx_has_event(&tx_at(fx, 2)->base, DNS_EVENT_INVALID_OPCODE));
    char *s7 = log_text(fx, tx_at(fx, 2));
    assert_non_null(strstr(s7, "\"opcode\":7"));
    free(s7);
}

static void
response_to_server_raises_not_request(void **state)
{
    Fixture *fx = *state;
    udp(fx, FLOW_DIR_TOSERVER, query_a, sizeof(query_a));
    udp(fx, FLOW_DIR_TOCLIENT, query_a, sizeof(query_a));
    assert_true(applayer_tx_has_event(&tx_at(fx, 1)->base, DNS_EVENT_NOT_RESPONSE));
}

static void
transactions_per_flow_are_bounded_and_pruned(void **state)
{
    Fixture *fx = *state;
    for (unsigned i = 0; i < 300; i++) {
        udp(fx, FLOW_DIR_TOSERVER, query_a, sizeof(query_a));
    }
    assert_int_equal(tx_count(fx), 256);
    for (AlTx *tx = applayer_tx_next_unlogged(&fx->f, NULL); tx != NULL;
         tx = applayer_tx_next_unlogged(&fx->f, tx)) {
        tx->logged = true;
    }
    applayer_tx_prune(fx->al, &fx->f, false);
    udp(fx, FLOW_DIR_TOSERVER, query_a, sizeof(query_a));
    assert_int_equal(tx_count(fx), 1);
}

static void
memcap_refuses_transactions(void **state)
{
    Fixture *fx = *state;
    memcap_fini(&fx->mc);
    memcap_init_fixed(&fx->mc, 512); /* room for the flow's state, not for a message */
    udp(fx, FLOW_DIR_TOSERVER, query_a, sizeof(query_a));
    udp(fx, FLOW_DIR_TOSERVER, response_a, sizeof(response_a));
    assert_true(tx_count(fx) <= 2);
    /* teardown checks that what was charged came back */
}

static void
txt_soa_srv_sshfp_opt_rdata(void **state)
{
    Fixture *fx = *state;
    const uint8_t msg[] = {
        0x00, 0x07, 0x81, 0x80, 0x00, 0x01, 0x00, 0x03, /* id 7, QR RD RA, qd 1, an 3 */
        0x00, 0x01, 0x00, 0x01,                         /* ns 1, ar 1 */
        1,    'x',  0,    0x00, 0x10, 0x00, 0x01,       /* 12: x TXT IN */
        0xc0, 0x0c, 0x00, 0x10, 0x00, 0x01, 0,    0,    0,    5,    0x00, 0x06, /* TXT ttl 5 rdlen 6 */
        2,    'h',  'i',  2,    'y',  'o',                                      /* "hi" "yo" */
        0xc0, 0x0c, 0x00, 0x21, 0x00, 0x01, 0,    0,    0,    5,    0x00, 0x09, /* SRV rdlen 9 */
        0x00, 0x0a, 0x00, 0x01, 0x13, 0xc4, 0xc0, 0x0c, 0x00, /* 10 1 5060 x (+pad) */
        0xc0, 0x0c, 0x00, 0x2c, 0x00, 0x01, 0,    0,    0,    5,    0x00, 0x04, /* SSHFP rdlen 4 */
        0x01, 0x01, 0xab, 0xcd, /* algo 1 type 1 ab:cd */
        0xc0, 0x0c, 0x00, 0x06, 0x00, 0x01, 0,    0,    0,    9,    0x00, 0x18, /* SOA ttl 9 rdlen 24 */
        0xc0, 0x0c, 0xc0, 0x0c, /* mname x, rname x */
        0,    0,    0,    1,    0,    0,    0,    2,    0,    0,    0,    3,    0,
        0,    0,    4,    0,    0,    0,    5,                            /* serial .. minimum */
        0x00, 0x00, 0x29, 0x10, 0x00, 0,    0,    0,    0,    0x00, 0x06, /* OPT rdlen 6 */
        0x00, 0x0a, 0x00, 0x02, 0xbe, 0xef,                               /* cookie: beef */
    };
    udp(fx, FLOW_DIR_TOCLIENT, msg, sizeof(msg));
    DnsTx *tx = tx_at(fx, 0);
    assert_non_null(tx);
    char *s = log_text(fx, tx);
    /* One answer (and one grouped value) per character-string, as Suricata. */
    assert_non_null(strstr(s, "\"rrtype\":\"TXT\",\"ttl\":5,\"rdata\":\"hi\"},{\"rrname\":\"x\","
                              "\"rrtype\":\"TXT\",\"ttl\":5,\"rdata\":\"yo\"}"));
    assert_non_null(
        strstr(s, "\"srv\":{\"priority\":10,\"weight\":1,\"port\":5060,\"name\":\"x\"}"));
    assert_non_null(strstr(s, "\"sshfp\":{\"fingerprint\":\"ab:cd\",\"algo\":1,\"type\":1}"));
    assert_non_null(strstr(s, "\"soa\":{\"mname\":\"x\",\"rname\":\"x\",\"serial\":1,"
                              "\"refresh\":2,\"retry\":3,\"expire\":4,\"minimum\":5}"));
    assert_non_null(strstr(s, "{\"rrname\":\"\",\"rrtype\":\"OPT\",\"ttl\":0,\"opt\":[{\"code\":10,"
                              "\"data\":\"beef\"}]}"));
    assert_non_null(strstr(s, "\"grouped\":{\"TXT\":[\"hi\",\"yo\"],\"SRV\":[{"));
    free(s);
}

static void
probe_tcp_needs_the_length_and_header(void **state)
{
    (void)state;
    uint8_t buf[2 + sizeof(query_a)];
    buf[0] = 0;
    buf[1] = sizeof(query_a);
    memcpy(buf + 2, query_a, sizeof(query_a));
    assert_int_equal(dns_probe(0, cur_init(buf, 1), true), AL_PROBE_NEED_MORE);
    assert_int_equal(dns_probe(0, cur_init(buf, 8), true), AL_PROBE_NEED_MORE);
    assert_int_equal(dns_probe(0, cur_init(buf, sizeof(buf)), true), AL_PROBE_YES);
    const uint8_t http[] = "GET / HTTP/1.1\r\n\r\n";
    assert_int_equal(dns_probe(0, cur_init(http, sizeof(http) - 1), true), AL_PROBE_NO);
    assert_int_equal(dns_probe(0, cur_init(http, sizeof(http) - 1), false), AL_PROBE_NO);
}

/* ---- buffers, keywords, logger options ---- */

/* All instances of a getter, joined with '|'. */
typedef bool (*Getter)(const AlTx *tx, int dir, uint32_t idx, uint8_t *scratch, size_t cap,
                       Cursor *out);
static void
instances(Getter get, const DnsTx *tx, int dir, char *out, size_t cap)
{
    static uint8_t scratch[2048];
    Cursor c;
    size_t n = 0;
    out[0] = '\0';
    for (uint32_t i = 0; get(&tx->base, dir, i, scratch, sizeof(scratch), &c); i++) {
        n += (size_t)snprintf(out + n, cap - n, "%s%.*s", i ? "|" : "", (int)c.left,
                              (const char *)c.p);
    }
}

/* A response to mail.example.org MX: the MX answer (exchange mx.example.org), an NS authority
 * (example.org NS ns.example.net), an A additional for ns.example.net. */
static const uint8_t response_mx[] = {
    0x00, 0x07, 0x85, 0x80, /* id 7, flags: QR AA RD RA */
    0x00, 0x01, 0x00, 0x01, /* qdcount 1, ancount 1 */
    0x00, 0x01, 0x00, 0x01, /* nscount 1, arcount 1 */
    4,    'm',  'a',  'i',  'l',  7,    'e',  'x',  'a',  'm',
    'p',  'l',  'e',  3,    'o',  'r',  'g',  0,                /* @12 */
    0x00, 0x0f, 0x00, 0x01,                                     /* MX, IN */
    0xc0, 0x0c, 0x00, 0x0f, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, /* ptr 12 MX IN ttl 60 */
    0x00, 0x07, 0x00, 0x0a, 2,    'm',  'x',  0xc0, 0x11,       /* rdlen 7: 10 mx.@17 */
    0xc0, 0x11, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, /* example.org NS ttl 3600 */
    0x00, 0x10, 2,    'n',  's',  7,    'e',  'x',  'a',  'm',
    'p',  'l',  'e',  3,    'n',  'e',  't',  0,                /* @65 */
    0xc0, 0x41, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, /* ns.example.net A */
    0x00, 0x04, 192,  0,    2,    53,                           /* 192.0.2.53 */
};

static void
buffers_of_a_response(void **state)
{
    Fixture *fx = *state;
    char got[512];
    udp(fx, FLOW_DIR_TOSERVER, query_a, sizeof(query_a));
    udp(fx, FLOW_DIR_TOCLIENT, response_mx, sizeof(response_mx));
    const DnsTx *q = tx_at(fx, 0), *r = tx_at(fx, 1);
    assert_true(r->valid);
    assert_int_equal(r->cnt[DNS_SEC_AR], 1);

    instances(dns_detect_query, q, FLOW_DIR_TOSERVER, got, sizeof(got));
    assert_string_equal(got, "www.example.com");
    instances(dns_detect_query, r, FLOW_DIR_TOCLIENT, got, sizeof(got));
    assert_string_equal(got, ""); /* requests only */
    instances(dns_detect_query_name, r, FLOW_DIR_TOCLIENT, got, sizeof(got));
    assert_string_equal(got, "mail.example.org");
    instances(dns_detect_queries_rrname, r, FLOW_DIR_TOSERVER, got, sizeof(got));
    assert_string_equal(got, ""); /* the response went to the client: not in the other way */
    instances(dns_detect_answer_name, r, FLOW_DIR_TOCLIENT, got, sizeof(got));
    assert_string_equal(got, "mail.example.org");
    instances(dns_detect_answers_rrname, r, FLOW_DIR_TOCLIENT, got, sizeof(got));
    assert_string_equal(got, "mail.example.org");
    instances(dns_detect_authorities_rrname, r, FLOW_DIR_TOCLIENT, got, sizeof(got));
    assert_string_equal(got, "example.org");
    instances(dns_detect_additionals_rrname, r, FLOW_DIR_TOCLIENT, got, sizeof(got));
    assert_string_equal(got, "ns.example.net");
    /* Every owner name, and the names in MX and NS rdata (an A record has none). */
    instances(dns_detect_response_rrname, r, FLOW_DIR_TOCLIENT, got, sizeof(got));
    assert_string_equal(got, "mail.example.org|mail.example.org|mx.example.org|example.org|"
                             "ns.example.net|ns.example.net");
    instances(dns_detect_response_rrname, q, FLOW_DIR_TOSERVER, got, sizeof(got));
    assert_string_equal(got, "");

    /* dns.rrtype: a request's questions, a response's answers. */
    uint16_t t;
    assert_true(dns_tx_rrtype(&q->base, 0, &t));
    assert_int_equal(t, 1);
    assert_false(dns_tx_rrtype(&q->base, 1, &t));
    assert_true(dns_tx_rrtype(&r->base, 0, &t));
    assert_int_equal(t, 15);
    assert_false(dns_tx_rrtype(&r->base, 1, &t));
    assert_int_equal(dns_tx_opcode(&r->base), 0);
    assert_int_equal(dns_tx_rcode(&r->base), 0);
    assert_int_equal(dns_rrtype_lookup("mx"), 15);
    assert_int_equal(dns_rrtype_lookup("AAAA"), 28);
    assert_int_equal(dns_rrtype_lookup("nope"), -1);
    assert_int_equal(dns_rcode_lookup("nxdomain"), 3);
    assert_int_equal(dns_rcode_lookup("BADVERS"), 16);
}

/* The text of record idx of tx under cfg. */
static char *
record_text(DnsTx *tx, const DnsLogConfig *cfg, unsigned idx)
{
    JsonBuf jb;
    json_init(&jb, 4096);
    json_open_obj(&jb, NULL);
    dns_log_record(&jb, &tx->base, cfg, idx);
    json_close_obj(&jb);
    char *s = strndup(jb.buf, jb.len);
    json_fini(&jb);
    return s;
}

static void
log_version_2_as_suricata(void **state)
{
    Fixture *fx = *state;
    DnsLogConfig cfg;
    dns_log_config_default(&cfg);
    cfg.version = 2;
    /* Two questions: two query records (Suricata 8.0.7 with version: 2). */
    uint8_t two[sizeof(query_a) + 20];
    memcpy(two, query_a, sizeof(query_a));
    two[5] = 2;
    const uint8_t second[] = {3, 'f', 'o', 'o', 0xc0, 0x10, 0x00, 0x1c, 0x00, 0x01}; /* foo.@16 */
    memcpy(two + sizeof(query_a), second, sizeof(second));
    udp(fx, FLOW_DIR_TOSERVER, two, sizeof(query_a) + sizeof(second));
    udp(fx, FLOW_DIR_TOCLIENT, response_mx, sizeof(response_mx));
    DnsTx *q = tx_at(fx, 0), *r = tx_at(fx, 1);
    assert_int_equal(dns_log_records(&q->base, &cfg), 2);
    assert_int_equal(dns_log_dir(&r->base, &cfg), FLOW_DIR_TOSERVER);
    char *s = record_text(q, &cfg, 1);
    assert_string_equal(s, "{\"dns\":{\"version\":2,\"type\":\"query\",\"id\":4660,"
                           "\"rrname\":\"foo.example.com\",\"rrtype\":\"AAAA\",\"tx_id\":0,"
                           "\"opcode\":0}}");
    free(s);
    assert_int_equal(dns_log_records(&r->base, &cfg), 1);
    s = record_text(r, &cfg, 0);
    assert_string_equal(
        s, "{\"dns\":{\"version\":2,\"type\":\"answer\",\"id\":7,\"flags\":\"8580\",\"qr\":true,"
           "\"aa\":true,\"rd\":true,\"ra\":true,\"opcode\":0,\"rrname\":\"mail.example.org\","
           "\"rrtype\":\"MX\",\"rcode\":\"NOERROR\",\"answers\":[{\"rrname\":"
           "\"mail.example.org\",\"rrtype\":\"MX\",\"ttl\":60,\"rdata\":\"mx.example.org\"}],"
           "\"grouped\":{\"MX\":[\"mx.example.org\"]},\"authorities\":[{\"rrname\":"
           "\"example.org\",\"rrtype\":\"NS\",\"ttl\":3600,\"rdata\":\"ns.example.net\"}],"
           "\"additionals\":[{\"rrname\":\"ns.example.net\",\"rrtype\":\"A\",\"ttl\":3600,"
           "\"rdata\":\"192.0.2.53\"}]}}");
    free(s);
    /* Version 3: one record per message, in the message's direction. */
    dns_log_config_default(&cfg);
    assert_int_equal(dns_log_records(&q->base, &cfg), 1);
    assert_int_equal(dns_log_dir(&r->base, &cfg), FLOW_DIR_TOCLIENT);
}

static void
log_options_filter_and_format(void **state)
{
    Fixture *fx = *state;
    DnsLogConfig cfg;
    CfgNode *root = cfg_load_string("dns:\n  version: 3\n  requests: no\n  formats: [grouped]\n"
                                    "  types: [mx, AAAA]\n",
                                    "test");
    assert_non_null(root);
    assert_int_equal(dns_log_config_read(cfg_find(root, "dns"), "dns", &cfg), SK_OK);
    cfg_free(root);
    assert_false(cfg.requests);
    assert_true(cfg.grouped && !cfg.detailed);
    assert_int_equal(cfg.type_cnt, 2);
    udp(fx, FLOW_DIR_TOSERVER, query_a, sizeof(query_a));
    udp(fx, FLOW_DIR_TOCLIENT, response_mx, sizeof(response_mx));
    udp(fx, FLOW_DIR_TOCLIENT, response_a, sizeof(response_a));
    assert_int_equal(dns_log_records(&tx_at(fx, 0)->base, &cfg), 0); /* requests: no */
    assert_int_equal(dns_log_records(&tx_at(fx, 2)->base, &cfg), 0); /* an A question */
    assert_int_equal(dns_log_records(&tx_at(fx, 1)->base, &cfg), 1);
    char *s = record_text(tx_at(fx, 1), &cfg, 0);
    assert_null(strstr(s, "\"answers\""));
    assert_non_null(strstr(s, "\"grouped\":{\"MX\":[\"mx.example.org\"]}"));
    assert_non_null(strstr(s, "\"authorities\""));
    free(s);

    root = cfg_load_string("dns:\n  version: 4\n", "test");
    assert_int_equal(dns_log_config_read(cfg_find(root, "dns"), "dns", &cfg), SK_ERR_CONFIG);
    cfg_free(root);
    root = cfg_load_string("dns:\n  types: [a, nope]\n", "test");
    assert_int_equal(dns_log_config_read(cfg_find(root, "dns"), "dns", &cfg), SK_ERR_CONFIG);
    cfg_free(root);
    assert_int_equal(dns_log_config_read(NULL, "dns", &cfg), SK_OK);
    assert_int_equal(cfg.version, 3);
}

/* A question name past 1,025 characters is logged cut, with rrname_truncated after rrtype. */
static void
long_question_is_logged_truncated(void **state)
{
    Fixture *fx = *state;
    uint8_t msg[DNS_HDR_LEN + 20 * 64 + 1 + 4];
    size_t n = 0;
    const uint8_t hdr[DNS_HDR_LEN] = {0, 9, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0};
    memcpy(msg, hdr, sizeof(hdr));
    n = sizeof(hdr);
    for (int l = 0; l < 20; l++) {
        msg[n++] = 63;
        memset(msg + n, 'x', 63);
        n += 63;
    }
    msg[n++] = 0;
    const uint8_t tail[] = {0, 1, 0, 1};
    memcpy(msg + n, tail, sizeof(tail));
    n += sizeof(tail);
    udp(fx, FLOW_DIR_TOSERVER, msg, n);
    DnsTx *tx = tx_at(fx, 0);
    assert_true(applayer_tx_has_event(&tx->base, DNS_EVENT_NAME_TOO_LONG));
    char *s = log_text(fx, tx);
    assert_non_null(strstr(s, "x\",\"rrtype\":\"A\",\"rrname_truncated\":true}]"));
    assert_non_null(strstr(s, "\"rrname\":\"" /* 1,025 characters: 16 labels and a dot, one x */));
    free(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(registry_names_and_ids),
        cmocka_unit_test_setup_teardown(udp_query_and_response_are_two_transactions, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(udp_log_matches_suricata_v3, setup, teardown),
        cmocka_unit_test_setup_teardown(udp_other_port_is_not_probed, setup, teardown),
        cmocka_unit_test_setup_teardown(udp_disabled_is_not_detected, setup, teardown),
        cmocka_unit_test_setup_teardown(udp_junk_on_port_53_is_not_dns, setup, teardown),
        cmocka_unit_test_setup_teardown(reversed_flow_response_first_is_not_dns, setup, teardown),
        cmocka_unit_test_setup_teardown(tcp_framing_across_chunks, setup, teardown),
        cmocka_unit_test_setup_teardown(tcp_cut_message_at_eof_is_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(tcp_gap_skips_until_a_message, setup, teardown),
        cmocka_unit_test(compression_loop_raises_infinite_loop),
        cmocka_unit_test(compression_ping_pong_ends),
        cmocka_unit_test(forward_pointer_reads),
        cmocka_unit_test(pointer_past_the_end_fails),
        cmocka_unit_test(long_name_raises_name_too_long),
        cmocka_unit_test(many_labels_raise_too_many_labels),
        cmocka_unit_test_setup_teardown(truncated_header_is_malformed_and_not_logged, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(truncated_answer_is_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(broken_additionals_raise_invalid_additionals, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(z_flag_and_opcode_events, setup, teardown),
        cmocka_unit_test_setup_teardown(response_to_server_raises_not_request, setup, teardown),
        cmocka_unit_test_setup_teardown(transactions_per_flow_are_bounded_and_pruned, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(memcap_refuses_transactions, setup, teardown),
        cmocka_unit_test_setup_teardown(txt_soa_srv_sshfp_opt_rdata, setup, teardown),
        cmocka_unit_test(probe_tcp_needs_the_length_and_header),
        cmocka_unit_test_setup_teardown(buffers_of_a_response, setup, teardown),
        cmocka_unit_test_setup_teardown(log_version_2_as_suricata, setup, teardown),
        cmocka_unit_test_setup_teardown(log_options_filter_and_format, setup, teardown),
        cmocka_unit_test_setup_teardown(long_question_is_logged_truncated, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
