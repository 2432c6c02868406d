/* The TCP session state machine and the stream's feeds, driven by whole packets through
 * decode -> flow -> stream as a worker drives them. Each test builds its packets byte by byte
 * (IPv4 on LINKTYPE_RAW, TCP header, options, checksums) and checks the session's state, the
 * flow's state, the events raised on each packet and the readers' view. Suricata 8.0.7 is the
 * reference for each expectation (named in the test where the behaviour is not the RFC's). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/proto.h"
#include "decode/decode.h"
#include "flow/flow.h"
#include "stream/stream.h"

#define C2S 0 /* client (10.0.0.1:40000) to server (10.0.0.2:80) */
#define S2C 1
#define FIN 0x01
#define SYN 0x02
#define RST 0x04
#define PSH 0x08
#define ACK 0x10
#define URG 0x20

typedef struct {
    DecodeConfig dcfg;
    FlowConfig fcfg;
    StreamConfig scfg;
    DecodeThread *dt;
    FlowTable *ft;
    StreamThread *st;
    Memcap flow_mc, ssn_mc, seg_mc;
    uint8_t buf[2048];
    Packet p;
    SkTime now;
} H;

static H *
h_new(void (*tune)(StreamConfig *))
{
    H *h = calloc(1, sizeof(*h));
    assert_non_null(h);
    decode_config_default(&h->dcfg);
    flow_config_default(&h->fcfg);
    stream_config_default(&h->scfg);
    if (tune != NULL) {
        tune(&h->scfg);
    }
    memcap_init_fixed(&h->flow_mc, h->fcfg.memcap);
    memcap_init_fixed(&h->ssn_mc, h->scfg.memcap);
    memcap_init_fixed(&h->seg_mc, h->scfg.reassembly_memcap);
    h->dt = decode_thread_new(&h->dcfg);
    h->ft = flow_table_new(&h->fcfg, 1, 0, 7, &h->flow_mc);
    h->st = stream_thread_new(&h->scfg, &h->ssn_mc, &h->seg_mc);
    assert_non_null(h->dt);
    assert_non_null(h->ft);
    assert_non_null(h->st);
    stream_thread_set_readers(h->st, true, true);
    stream_thread_attach(h->st, h->ft);
    h->now = SK_TIME_FROM_SEC(1700000000ULL);
    return h;
}

static void
free_step(Flow *f, SkTime now, void *user)
{
    (void)now;
    stream_flow_free(user, f);
}

static void
h_free(H *h)
{
    flow_table_set_end(h->ft, FLOW_END_STEP_FREE, free_step, h->st);
    flow_table_flush(h->ft, h->now);
    flow_table_free(h->ft);
    stream_thread_free(h->st);
    decode_thread_free(h->dt);
    free(h);
}

static uint16_t
csum_add(uint32_t sum, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2) {
        sum += (uint32_t)(b[i] << 8 | b[i + 1]);
    }
    if (n & 1) {
        sum += (uint32_t)(b[n - 1] << 8);
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)sum;
}

typedef struct {
    const uint8_t *opts;
    size_t opt_len; /* a multiple of 4 */
    uint16_t urg;
    bool bad_csum;
} Extra;

/* One packet from `dir`, through decode, flow and stream. Returns it (valid until the next). */
static Packet *
send_x(H *h, int dir, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win, const char *data,
       const Extra *x)
{
    static const uint8_t cli[4] = {10, 0, 0, 1}, srv[4] = {10, 0, 0, 2};
    size_t dlen = data != NULL ? strlen(data) : 0;
    size_t olen = x != NULL ? x->opt_len : 0;
    size_t tcp_len = 20 + olen + dlen;
    size_t tot = 20 + tcp_len;
    uint8_t *b = h->buf;
    memset(b, 0, tot);
    b[0] = 0x45; /* IPv4, header 20 bytes */
    b[2] = (uint8_t)(tot >> 8);
    b[3] = (uint8_t)tot;
    b[8] = 64; /* TTL */
    b[9] = SK_IPPROTO_TCP;
    memcpy(b + 12, dir == C2S ? cli : srv, 4);
    memcpy(b + 16, dir == C2S ? srv : cli, 4);
    uint16_t ic = (uint16_t)~csum_add(0, b, 20);
    b[10] = (uint8_t)(ic >> 8);
    b[11] = (uint8_t)ic;
    uint8_t *t = b + 20;
    uint16_t sp = dir == C2S ? 40000 : 80, dp = dir == C2S ? 80 : 40000;
    t[0] = (uint8_t)(sp >> 8), t[1] = (uint8_t)sp, t[2] = (uint8_t)(dp >> 8), t[3] = (uint8_t)dp;
    t[4] = (uint8_t)(seq >> 24), t[5] = (uint8_t)(seq >> 16), t[6] = (uint8_t)(seq >> 8);
    t[7] = (uint8_t)seq;
    t[8] = (uint8_t)(ack >> 24), t[9] = (uint8_t)(ack >> 16), t[10] = (uint8_t)(ack >> 8);
    t[11] = (uint8_t)ack;
    t[12] = (uint8_t)(((20 + olen) / 4) << 4); /* data offset */
    t[13] = flags;
    t[14] = (uint8_t)(win >> 8), t[15] = (uint8_t)win;
    if (x != NULL) {
        t[18] = (uint8_t)(x->urg >> 8), t[19] = (uint8_t)x->urg;
        if (olen > 0) {
            memcpy(t + 20, x->opts, olen);
        }
    }
    if (dlen > 0) {
        memcpy(t + 20 + olen, data, dlen);
    }
    /* TCP checksum over the pseudo header (RFC 9293 3.1). */
    uint8_t ph[12];
    memcpy(ph, b + 12, 8);
    ph[8] = 0, ph[9] = SK_IPPROTO_TCP, ph[10] = (uint8_t)(tcp_len >> 8), ph[11] = (uint8_t)tcp_len;
    uint16_t tc = (uint16_t)~csum_add(csum_add(0, ph, 12), t, tcp_len);
    if (x != NULL && x->bad_csum) {
        tc ^= 0x5555;
    }
    t[16] = (uint8_t)(tc >> 8), t[17] = (uint8_t)tc;

    Packet *p = &h->p;
    packet_reset(p);
    p->data = b;
    p->len = p->wire_len = (uint32_t)tot;
    p->linktype = LINKTYPE_RAW;
    p->ts = h->now;
    h->now += 1000; /* 1 ms apart */
    decode_packet(h->dt, p);
    flow_handle_packet(h->ft, p);
    stream_packet(h->st, p);
    return p;
}

static Packet *
send_p(H *h, int dir, uint8_t flags, uint32_t seq, uint32_t ack, const char *data)
{
    return send_x(h, dir, flags, seq, ack, 65535, data, NULL);
}

static bool
has_ev(const Packet *p, StreamEvent ev)
{
    return packet_has_event(p, PKT_EVENT(PKT_EVENT_SRC_STREAM, ev));
}

static uint64_t
ctr(H *h, const char *name)
{
    const CounterSet *cs = stream_thread_counters(h->st);
    for (size_t i = 0; i < cs->cnt; i++) {
        if (strcmp(cs->names[i], name) == 0) {
            return counter_get(&cs->vals[i]);
        }
    }
    fail_msg("no counter %s", name);
    return 0;
}

/* Client ISN 1000, server ISN 5000; returns the flow. */
static Flow *
handshake(H *h)
{
    send_p(h, C2S, SYN, 1000, 0, NULL);
    send_p(h, S2C, SYN | ACK, 5000, 1001, NULL);
    Packet *p = send_p(h, C2S, ACK, 1001, 5001, NULL);
    return p->flow;
}

/* All readable app-layer bytes of dir, concatenated ("|" marks a gap, "$" the EOF). */
static void
app_read(H *h, Flow *f, int dir, char *out, size_t cap)
{
    StreamChunk c;
    size_t n = 0;
    out[0] = '\0';
    while (stream_app_chunk(h->st, f, dir, &c)) {
        if ((c.flags & STREAM_F_GAP) && n + 1 < cap) {
            out[n++] = '|';
        }
        size_t k = c.data.left < cap - 1 - n ? c.data.left : cap - 1 - n;
        memcpy(out + n, c.data.p, k);
        n += k;
        if ((c.flags & STREAM_F_EOF) && n + 1 < cap) {
            out[n++] = '$';
        }
        out[n] = '\0';
        stream_app_consumed(h->st, f, dir, c.data.left);
        if (c.flags & STREAM_F_EOF) {
            break;
        }
    }
}

/* ---- handshakes ---- */

static void
three_way_handshake_establishes(void **state)
{
    (void)state;
    H *h = h_new(NULL);
    Packet *p = send_p(h, C2S, SYN, 1000, 0, NULL);
    Flow *f = p->flow;
    assert_non_null(f);
    assert_string_equal(stream_state_name(f), "syn_sent");
    assert_int_equal(f->state, FLOW_STATE_NEW);
    send_p(h, S2C, SYN | ACK, 5000, 1001, NULL);
    assert_string_equal(stream_state_name(f), "syn_recv");
    p = send_p(h, C2S, ACK, 1001, 5001, NULL);
    assert_false(p->flow_established); /* the ACK that completes it is not (Suricata) */
    assert_string_equal(stream_state_name(f), "established");
    assert_int_equal(f->state, FLOW_STATE_ESTABLISHED);
    assert_int_equal(ctr(h, "tcp.sessions"), 1);
    assert_int_equal(ctr(h, "tcp.syn"), 1);
    assert_int_equal(ctr(h, "tcp.synack"), 1);
    h_free(h);
}

static void
synack_with_wrong_ack_is_refused(void **state)
{
    (void)state;
    H *h = h_new(NULL);
    Packet *p = send_p(h, C2S, SYN, 1000, 0, NULL);
    Flow *f = p->flow;
    p = send_p(h, S2C, SYN | ACK, 5000, 1234, NULL);
    assert_true(has_ev(p, STREAM_EV_3WHS_SYNACK_WITH_WRONG_ACK));
    assert_string_equal(stream_state_name(f), "syn_sent");
    p = send_p(h, C2S, SYN | ACK, 5000, 1001, NULL);
    assert_true(has_ev(p, STREAM_EV_3WHS_SYNACK_IN_WRONG_DIRECTION));
    h_free(h);
}

static void
handshake_ack_with_wrong_ack_raises_event(void **state)
{
    (void)state;
    H *h = h_new(NULL);
    send_p(h, C2S, SYN, 1000, 0, NULL);
    Packet *p = send_p(h, S2C, SYN | ACK, 5000, 1001, NULL);
    Flow *f = p->flow;
    p = send_p(h, C2S, ACK, 1001, 9999, NULL);
    assert_true(has_ev(p, STREAM_EV_3WHS_RIGHT_SEQ_WRONG_ACK_EVASION));
    p = send_p(h, C2S, ACK, 7777, 9999, NULL);
    assert_true(has_ev(p, STREAM_EV_3WHS_WRONG_SEQ_WRONG_ACK));
    p = send_p(h, S2C, ACK, 5001, 1001, NULL);
    assert_true(has_ev(p, STREAM_EV_3WHS_ACK_IN_WRONG_DIR));
    p = send_p(h, S2C, SYN | ACK, 6000, 1001, NULL);
    assert_true(has_ev(p, STREAM_EV_3WHS_SYNACK_RESEND_WITH_DIFF_SEQ));
    p = send_p(h, C2S, SYN, 2000, 0, NULL);
    assert_true(has_ev(p, STREAM_EV_3WHS_SYN_RESEND_DIFF_SEQ_ON_SYN_RECV));
    assert_string_equal(stream_state_name(f), "syn_recv");
    h_free(h);
}

/* tcp-split-handshake-01-4whs: SYN, SYN from the server, SYN|ACK from the client, ACK. */
static void
split_handshake_establishes(void **state)
{
    (void)state;
    H *h = h_new(NULL);
    Packet *p = send_p(h, C2S, SYN, 1000, 0, NULL);
    Flow *f = p->flow;
    send_p(h, S2C, SYN, 5000, 0, NULL);
    send_p(h, C2S, SYN | ACK, 1000, 5001, NULL);
    assert_string_equal(stream_state_name(f), "syn_recv");
    send_p(h, S2C, ACK, 5001, 1001, NULL);
    assert_string_equal(stream_state_name(f), "established");
    h_free(h);
}

static void
no_session_without_syn_unless_midstream(void **state)
{
    (void)state;
    H *h = h_new(NULL);
    Packet *p = send_p(h, C2S, ACK | PSH, 1000, 5000, "hello");
    assert_false(stream_has_session(p->flow));
    assert_int_equal(p->flow->state, FLOW_STATE_NEW);
    p = send_p(h, C2S, RST, 1005, 0, NULL);
    assert_true(has_ev(p, STREAM_EV_RST_BUT_NO_SESSION));
    p = send_p(h, C2S, FIN | ACK, 1005, 5000, NULL);
    assert_true(has_ev(p, STREAM_EV_FIN_BUT_NO_SESSION));
    h_free(h);
}

static void
midstream_on(StreamConfig *c)
{
    c->midstream = true;
}

static void
midstream_pickup_establishes(void **state)
{
    (void)state;
    H *h = h_new(midstream_on);
    Packet *p = send_p(h, C2S, ACK | PSH, 1000, 5000, "hello");
    Flow *f = p->flow;
    assert_true(stream_has_session(f));
    assert_string_equal(stream_state_name(f), "established");
    assert_int_equal(f->state, FLOW_STATE_ESTABLISHED);
    assert_int_equal(ctr(h, "tcp.midstream_pickups"), 1);
    send_p(h, S2C, ACK, 5000, 1005, NULL);
    char buf[64];
    app_read(h, f, FLOW_DIR_TOSERVER, buf, sizeof(buf));
    assert_string_equal(buf, "hello");
    h_free(h);
}

/* A SYN|ACK seen first: the flow turns round so its source is the client. */
static void
midstream_synack_swaps_flow(void **state)
{
    (void)state;
    H *h = h_new(midstream_on);
    Packet *p = send_p(h, S2C, SYN | ACK, 5000, 1001, NULL);
    Flow *f = p->flow;
    assert_int_equal(f->sp, 40000); /* the client's port */
    assert_int_equal(f->dp, 80);
    assert_false(p->flow_toserver);
    assert_string_equal(stream_state_name(f), "syn_recv");
    p = send_p(h, C2S, ACK, 1001, 5001, NULL);
    assert_true(p->flow_toserver);
    assert_string_equal(stream_state_name(f), "established");
    h_free(h);
}

static void
async_on(StreamConfig *c)
{
    c->async_oneside = true;
}

static void
async_oneside_establishes_on_client_ack(void **state)
{
    (void)state;
    H *h = h_new(async_on);
    Packet *p = send_p(h, C2S, SYN, 1000, 0, NULL);
    Flow *f = p->flow;
    p = send_p(h, C2S, ACK, 1500, 5001, NULL);
    assert_true(has_ev(p, STREAM_EV_3WHS_ASYNC_WRONG_SEQ));
    send_p(h, C2S, ACK | PSH, 1001, 5001, "GET /");
    assert_string_equal(stream_state_name(f), "established");
    /* No acknowledgement will come: data seen one way is readable at once. */
    char buf[64];
    app_read(h, f, FLOW_DIR_TOSERVER, buf, sizeof(buf));
    assert_string_equal(buf, "GET /");
    h_free(h);
}

/* ---- data, acks, windows ---- */

static void
data_is_readable_once_acked(void **state)
{
    (void)state;
    H *h = h_new(NULL);
    Flow *f = handshake(h);
    char buf[64];
    send_p(h, C2S, ACK | PSH, 1001, 5001, "abc");
    app_read(h, f, FLOW_DIR_TOSERVER, buf, sizeof(buf));
    assert_string_equal(buf, ""); /* not acked yet */
    send_p(h, C2S, ACK | PSH, 1004, 5001, "def");
    send_p(h, S2C, ACK, 5001, 1004, NULL);
    app_read(h, f, FLOW_DIR_TOSERVER, buf, sizeof(buf));
    assert_string_equal(buf, "abc");
    send_p(h, S2C, ACK, 5001, 1007, NULL);
    app_read(h, f, FLOW_DIR_TOSERVER, buf, sizeof(buf));
    assert_string_equal(buf, "def");
    assert_int_equal(stream_bytes_seen(f, FLOW_DIR_TOSERVER), 7);
    h_free(h);
}

static void
acked_hole_is_a_gap(void **state)
{
    (void)state;
    H *h = h_new(NULL);
    Flow *f = handshake(h);
    char buf[64];
    send_p(h, C2S, ACK | PSH, 1001, 5001, "abc");
    send_p(h, C2S, ACK | PSH, 1007, 5001, "ghi"); /* 1004..1007 never seen */
    send_p(h, S2C, ACK, 5001, 1010, NULL);
    app_read(h, f, FLOW_DIR_TOSERVER, buf, sizeof(buf));
    assert_string_equal(buf, "abc|ghi");
    assert_int_equal(ctr(h, "tcp.reassembly_gap"), 1);
    assert_true(stream_had_gap(f, FLOW_DIR_TOSERVER));
    h_free(h);
}

static void
out_of_window_data_is_refused(void **state)
{
    (void)state;
    H *h = h_new(NULL);
    handshake(h);
    /* The server offered 65535 bytes (no scaling): 100000 bytes ahead is outside. */
    Packet *p = send_p(h, C2S, ACK | PSH, 1001 + 100000, 5001, "evil");
    assert_true(has_ev(p, STREAM_EV_EST_PACKET_OUT_OF_WINDOW));
    h_free(h);
}

/* Window scale 7 on both SYNs: the same 100000-byte jump is within 65535 << 7. */
static void
window_scaling_widens_window(void **state)
{
    (void)state;
    static const uint8_t ws7[4] = {1, 3, 3, 7}; /* NOP, window scale 7 */
    const Extra x = {.opts = ws7, .opt_len = 4};
    H *h = h_new(NULL);
    send_x(h, C2S, SYN, 1000, 0, 65535, NULL, &x);
    send_x(h, S2C, SYN | ACK, 5000, 1001, 65535, NULL, &x);
    send_p(h, C2S, ACK, 1001, 5001, NULL);
    send_p(h, S2C, ACK, 5001, 1001, NULL); /* scaled window update: 65535 << 7 */
    Packet *p = send_p(h, C2S, ACK | PSH, 1001 + 100000, 5001, "fine");
    assert_false(has_ev(p, STREAM_EV_EST_PACKET_OUT_OF_WINDOW));
    h_free(h);
}

static void
ack_of_unseen_data_is_counted(void **state)
{
    (void)state;
    H *h = h_new(NULL);
    handshake(h);
    send_p(h, S2C, ACK, 5001, 1500, NULL);
    assert_int_equal(ctr(h, "tcp.ack_unseen_data"), 1);
    h_free(h);
}

/* Sequence numbers wrap: an ISN just below 2^32, data across the wrap stays in order. */
static void
sequence_wraparound_keeps_order(void **state)
{
    (void)state;
    H *h = h_new(NULL);
    const uint32_t isn = 0xfffffffcu;
    Packet *p = send_p(h, C2S, SYN, isn, 0, NULL);
    Flow *f = p->flow;
    send_p(h, S2C, SYN | ACK, 5000, isn + 1, NULL);
    send_p(h, C2S, ACK, isn + 1, 5001, NULL);
    send_p(h, C2S, ACK | PSH, isn + 1, 5001, "abcdef"); /* crosses 2^32 */
    send_p(h, C2S, ACK | PSH, isn + 7, 5001, "gh");
    send_p(h, S2C, ACK, 5001, isn + 9, NULL);
    char buf[64];
    app_read(h, f, FLOW_DIR_TOSERVER, buf, sizeof(buf));
    assert_string_equal(buf, "abcdefgh");
    assert_int_equal(stream_bytes_seen(f, FLOW_DIR_TOSERVER), 9);
    h_free(h);
}

static void
overlap_check_on(StreamConfig *c)
{
    c->overlap_diff_data = true; /* stream.reassembly.check-overlap-different-data */
}

static void
overlap_with_different_data_raises_event(void **state)
{
    (void)state;
    H *h = h_new(overlap_check_on);
    Flow *f = handshake(h);
    send_p(h, C2S, ACK | PSH, 1001, 5001, "GOOD");
    Packet *p = send_p(h, C2S, ACK | PSH, 1001, 5001, "EVIL");
    assert_true(has_ev(p, STREAM_EV_REASSEMBLY_OVERLAP_DIFFERENT_DATA));
    assert_int_equal(ctr(h, "tcp.overlap_diff_data"), 1);
    send_p(h, S2C, ACK, 5001, 1005, NULL);
    char buf[64];
    app_read(h, f, FLOW_DIR_TOSERVER, buf, sizeof(buf));
    assert_string_equal(buf, "GOOD"); /* bsd, the default: the first copy stays */
    h_free(h);
}

static void
depth_small(StreamConfig *c)
{
    c->depth = 4;
}

static void
depth_reached_once(void **state)
{
    (void)state;
    H *h = h_new(depth_small);
    handshake(h);
    Packet *p = send_p(h, C2S, ACK | PSH, 1001, 5001, "abcdef");
    assert_true(has_ev(p, STREAM_EV_REASSEMBLY_DEPTH_REACHED));
    p = send_p(h, C2S, ACK | PSH, 1007, 5001, "gh");
    assert_false(has_ev(p, STREAM_EV_REASSEMBLY_DEPTH_REACHED));
    assert_int_equal(ctr(h, "tcp.stream_depth_reached"), 1);
    h_free(h);
}

static void
bad_checksum_is_ignored(void **state)
{
    (void)state;
    const Extra bad = {.bad_csum = true};
    H *h = h_new(NULL);
    Packet *p = send_x(h, C2S, SYN, 1000, 0, 65535, NULL, &bad);
    assert_false(stream_has_session(p->flow));
    assert_int_equal(ctr(h, "tcp.invalid_checksum"), 1);
    h_free(h);
}

/* ---- teardown ---- */

static void
rst_needs_exact_sequence_under_bsd(void **state)
{
    (void)state;
    H *h = h_new(NULL);
    Flow *f = handshake(h);
    send_p(h, S2C, RST | ACK, 5100, 1001, NULL); /* inside the window, not next_seq */
    assert_string_equal(stream_state_name(f), "established");
    Packet *p = send_p(h, S2C, RST, 5001, 0, "x");
    assert_true(has_ev(p, STREAM_EV_RST_WITH_DATA));
    assert_string_equal(stream_state_name(f), "closed");
    assert_int_equal(f->state, FLOW_STATE_CLOSED);
    assert_int_equal(ctr(h, "tcp.rst"), 2);
    h_free(h);
}

static void
fin_each_way_closes(void **state)
{
    (void)state;
    H *h = h_new(NULL);
    Flow *f = handshake(h);
    send_p(h, C2S, FIN | ACK, 1001, 5001, NULL);
    assert_string_equal(stream_state_name(f), "close_wait");
    assert_int_equal(f->state, FLOW_STATE_ESTABLISHED);
    send_p(h, S2C, FIN | ACK, 5001, 1002, NULL);
    assert_string_equal(stream_state_name(f), "last_ack");
    assert_int_equal(f->state, FLOW_STATE_CLOSED);
    send_p(h, C2S, ACK, 1002, 5002, NULL);
    assert_string_equal(stream_state_name(f), "closed");
    h_free(h);
}

static void
server_fin_first_goes_through_fin_wait(void **state)
{
    (void)state;
    H *h = h_new(NULL);
    Flow *f = handshake(h);
    send_p(h, S2C, FIN | ACK, 5001, 1001, NULL);
    assert_string_equal(stream_state_name(f), "fin_wait1");
    send_p(h, C2S, ACK, 1001, 5002, NULL);
    assert_string_equal(stream_state_name(f), "fin_wait2");
    send_p(h, C2S, FIN | ACK, 1001, 5002, NULL);
    assert_string_equal(stream_state_name(f), "time_wait");
    send_p(h, S2C, ACK, 5002, 1002, NULL);
    assert_string_equal(stream_state_name(f), "closed");
    h_free(h);
}

static void
fin_makes_eof_for_app(void **state)
{
    (void)state;
    H *h = h_new(NULL);
    Flow *f = handshake(h);
    send_p(h, C2S, FIN | ACK | PSH, 1001, 5001, "bye");
    send_p(h, S2C, ACK, 5001, 1005, NULL);
    char buf[64];
    app_read(h, f, FLOW_DIR_TOSERVER, buf, sizeof(buf));
    assert_string_equal(buf, "bye$");
    h_free(h);
}

/* ---- timestamps ---- */

static void
ts_opts(uint8_t o[12], uint32_t val, uint32_t ecr)
{
    o[0] = 1, o[1] = 1, o[2] = 8, o[3] = 10; /* NOP NOP TS */
    o[4] = (uint8_t)(val >> 24), o[5] = (uint8_t)(val >> 16), o[6] = (uint8_t)(val >> 8);
    o[7] = (uint8_t)val;
    o[8] = (uint8_t)(ecr >> 24), o[9] = (uint8_t)(ecr >> 16), o[10] = (uint8_t)(ecr >> 8);
    o[11] = (uint8_t)ecr;
}

static void
old_timestamp_is_invalid(void **state)
{
    (void)state;
    uint8_t o[12];
    H *h = h_new(NULL);
    ts_opts(o, 1000, 0);
    Extra x = {.opts = o, .opt_len = 12};
    send_x(h, C2S, SYN, 1000, 0, 65535, NULL, &x);
    ts_opts(o, 7000, 1000);
    send_x(h, S2C, SYN | ACK, 5000, 1001, 65535, NULL, &x);
    ts_opts(o, 1001, 7000);
    send_x(h, C2S, ACK, 1001, 5001, 65535, NULL, &x);
    ts_opts(o, 500, 7000); /* PAWS: older than the last one seen */
    Packet *p = send_x(h, C2S, ACK | PSH, 1001, 5001, 65535, "old", &x);
    assert_true(has_ev(p, STREAM_EV_PKT_INVALID_TIMESTAMP));
    h_free(h);
}

/* An answer to the SYN that echoes a timestamp the client never sent (an injected RST):
 * Suricata's pkt_invalid_timestamp (7858-stream-events). */
static void
synsent_answer_with_wrong_echo_is_invalid(void **state)
{
    (void)state;
    uint8_t o[12];
    H *h = h_new(NULL);
    ts_opts(o, 1000, 0);
    Extra x = {.opts = o, .opt_len = 12};
    Packet *p = send_x(h, C2S, SYN, 1000, 0, 65535, NULL, &x);
    Flow *f = p->flow;
    ts_opts(o, 100, 100);
    p = send_x(h, S2C, RST | ACK, 0, 1001, 65535, NULL, &x);
    assert_true(has_ev(p, STREAM_EV_PKT_INVALID_TIMESTAMP));
    assert_string_equal(stream_state_name(f), "syn_sent");
    h_free(h);
}

/* ---- events table ---- */

static void
events_match_suricata_rules(void **state)
{
    (void)state;
    const char *path = "../shared/suricata-ref/rules/stream-events.rules";
    FILE *fp = NULL;
    const char *tries[] = {path, "../../shared/suricata-ref/rules/stream-events.rules",
                           "/work/shared/suricata-ref/rules/stream-events.rules"};
    for (size_t i = 0; i < 3 && fp == NULL; i++) {
        fp = fopen(tries[i], "r");
    }
    if (fp == NULL) {
        skip(); /* Suricata's reference rules are not beside the project */
    }
    char line[1024];
    unsigned seen = 0;
    while (fgets(line, sizeof(line), fp) != NULL) {
        const char *k = strstr(line, "stream-event:");
        if (k == NULL) {
            continue; /* commented-out rules count too: their names are Suricata's */
        }
        char name[80];
        if (sscanf(k + 13, "%79[a-z0-9_]", name) != 1) {
            continue;
        }
        if (stream_event_lookup(name) < 0) {
            fail_msg("stream-events.rules names %s, which events.def does not", name);
        }
        seen++;
    }
    fclose(fp);
    assert_true(seen >= 60);
    for (unsigned i = 0; i < STREAM_EVENT_MAX; i++) {
        assert_int_equal(stream_event_lookup(stream_event_name(i)), (int)i);
        if (i > 0) {
            assert_true(strcmp(stream_event_name(i - 1), stream_event_name(i)) < 0);
        }
    }
    assert_int_equal(stream_event_lookup("3whs_synack_resend_with_different_ack"),
                     STREAM_EV_3WHS_SYNACK_RESEND_WITH_DIFF_ACK);
    assert_int_equal(stream_event_lookup("no_such_event"), -1);
}

/* Two runs of the same packets with the app layer as the only reader; in the second it says
 * while pieces of several segments are held that it wants no more of the client's direction
 * (stream_app_done).
 * The feed ends there, and every packet's stream events and every counter (overlap, gap) are
 * the same as in the run that kept the bytes. */
static void
app_done_direction_keeps_events_and_counters(void **state)
{
    (void)state;
    H *h[2];
    char got[64];
    for (int k = 0; k < 2; k++) {
        h[k] = h_new(NULL);
        stream_thread_set_readers(h[k]->st, true, false);
    }
    struct {
        int dir;
        uint8_t flags;
        uint32_t seq, ack;
        const char *data;
    } pkts[] = {
        {C2S, ACK | PSH, 1001, 5001, "hello"},
        {S2C, ACK, 5001, 1006, NULL},
        {C2S, ACK | PSH, 1011, 5001, "world"}, /* a hole at 1006..1011 */
        {C2S, ACK | PSH, 1006, 5001, "xx"},    /* fills part of it */
        {C2S, ACK | PSH, 1014, 5001, "LDabc"}, /* overlaps "world" by two bytes */
        {S2C, ACK, 5001, 1019, NULL},          /* acknowledges past the rest of the hole */
        {C2S, ACK | PSH, 1019, 5001, "more"},
        {C2S, ACK | PSH, 1017, 5001, "bcmo"}, /* a retransmission over held bytes */
        {S2C, ACK, 5001, 1023, NULL},
    };
    Flow *f[2];
    for (int k = 0; k < 2; k++) {
        f[k] = handshake(h[k]);
    }
    for (size_t i = 0; i < sizeof(pkts) / sizeof(pkts[0]); i++) {
        PktEvent ev[2][PKT_EVENT_MAX];
        uint8_t cnt[2];
        for (int k = 0; k < 2; k++) {
            Packet *p =
                send_p(h[k], pkts[i].dir, pkts[i].flags, pkts[i].seq, pkts[i].ack, pkts[i].data);
            cnt[k] = p->event_cnt;
            memcpy(ev[k], p->events, sizeof(ev[k]));
            app_read(h[k], f[k], C2S, got, sizeof(got));
            if (i == 1) {
                assert_string_equal(got, "hello");
            } else if (k == 1 && i > 4) {
                assert_string_equal(got, ""); /* the feed ended */
            }
            if (i == 4 && k == 1) {
                /* Held then: "xx" and "world" + "abc" from two segments, touching. */
                stream_app_done(h[k]->st, f[k], C2S);
            }
        }
        assert_int_equal(cnt[0], cnt[1]);
        assert_memory_equal(ev[0], ev[1], cnt[0] * sizeof(PktEvent));
    }
    assert_true(ctr(h[0], "tcp.overlap") > 0);
    assert_true(ctr(h[0], "tcp.reassembly_gap") > 0);
    const CounterSet *cs[2] = {stream_thread_counters(h[0]->st), stream_thread_counters(h[1]->st)};
    for (size_t i = 0; i < cs[0]->cnt; i++) {
        if (counter_get(&cs[0]->vals[i]) != counter_get(&cs[1]->vals[i])) {
            fail_msg("%s: %llu with the bytes, %llu without", cs[0]->names[i],
                     (unsigned long long)counter_get(&cs[0]->vals[i]),
                     (unsigned long long)counter_get(&cs[1]->vals[i]));
        }
    }
    for (int k = 0; k < 2; k++) {
        h_free(h[k]);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(three_way_handshake_establishes),
        cmocka_unit_test(app_done_direction_keeps_events_and_counters),
        cmocka_unit_test(synack_with_wrong_ack_is_refused),
        cmocka_unit_test(handshake_ack_with_wrong_ack_raises_event),
        cmocka_unit_test(split_handshake_establishes),
        cmocka_unit_test(no_session_without_syn_unless_midstream),
        cmocka_unit_test(midstream_pickup_establishes),
        cmocka_unit_test(midstream_synack_swaps_flow),
        cmocka_unit_test(async_oneside_establishes_on_client_ack),
        cmocka_unit_test(data_is_readable_once_acked),
        cmocka_unit_test(acked_hole_is_a_gap),
        cmocka_unit_test(out_of_window_data_is_refused),
        cmocka_unit_test(window_scaling_widens_window),
        cmocka_unit_test(ack_of_unseen_data_is_counted),
        cmocka_unit_test(sequence_wraparound_keeps_order),
        cmocka_unit_test(overlap_with_different_data_raises_event),
        cmocka_unit_test(depth_reached_once),
        cmocka_unit_test(bad_checksum_is_ignored),
        cmocka_unit_test(rst_needs_exact_sequence_under_bsd),
        cmocka_unit_test(fin_each_way_closes),
        cmocka_unit_test(server_fin_first_goes_through_fin_wait),
        cmocka_unit_test(fin_makes_eof_for_app),
        cmocka_unit_test(old_timestamp_is_invalid),
        cmocka_unit_test(synsent_answer_with_wrong_echo_is_invalid),
        cmocka_unit_test(events_match_suricata_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
