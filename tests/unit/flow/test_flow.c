/* Flow table behaviour: keys, directions, states, timeouts, memcap. Packets are built by hand
 * (decoded fields only): the flow stage reads nothing else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "flow/flow.h"

#define MAX_ENDED 64

typedef struct {
    Flow ended[MAX_ENDED];
    unsigned cnt;
} Ended;

static void
record_end(Flow *f, SkTime now, void *user)
{
    Ended *e = user;
    (void)now;
    if (e->cnt < MAX_ENDED) {
        e->ended[e->cnt++] = *f;
    }
}

/* A table as one worker's: its Memcap is the whole of cfg's flow.memcap (a test's tables are
 * freed before the test ends; a ring of Memcaps outlives them). EVE's step is fn. */
static FlowTable *
test_table_new(const FlowConfig *cfg, FlowEndFn fn, void *user)
{
    static Memcap mcs[64];
    static unsigned next;
    Memcap *mc = &mcs[next++ % 64];

    memcap_init_fixed(mc, cfg->memcap);
    FlowTable *ft = flow_table_new(cfg, 1, 0, 42, mc);
    if (ft != NULL) {
        flow_table_set_end(ft, FLOW_END_STEP_OUTPUT, fn, user);
    }
    return ft;
}

static SkAddr
v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    SkAddr x;
    memset(&x, 0, sizeof(x));
    x.b[0] = a;
    x.b[1] = b;
    x.b[2] = c;
    x.b[3] = d;
    return x;
}

static Packet
pkt(uint8_t proto, SkAddr s, uint16_t sp, SkAddr d, uint16_t dp, uint8_t flags, SkTime ts)
{
    Packet p;
    packet_reset(&p);
    p.ip_ver = 4;
    p.proto = proto;
    p.src = s;
    p.dst = d;
    p.sp = sp;
    p.dp = dp;
    if (proto == 6 || proto == 17) {
        p.flags |= PKT_F_HAS_PORTS;
    }
    p.tcp_flags = flags;
    p.ts = ts;
    p.len = 60;
    return p;
}

#define SYN 0x02
#define ACK 0x10
#define FIN 0x01
#define RST 0x04
#define SEC(s) SK_TIME_FROM_SEC(s)

static FlowTable *
table(Ended *e, uint64_t memcap)
{
    FlowConfig cfg;
    flow_config_default(&cfg);
    if (memcap) {
        cfg.memcap = memcap;
        cfg.prealloc = 0;
        cfg.hash_size = 64;
    }
    memset(e, 0, sizeof(*e));
    return test_table_new(&cfg, record_end, e);
}

static void
both_directions_share_one_flow_and_count_apart(void **state)
{
    Ended e;
    FlowTable *ft = table(&e, 0);
    SkAddr c = v4(10, 0, 0, 1), s = v4(10, 0, 0, 2);
    (void)state;

    Packet p1 = pkt(17, c, 5353, s, 53, 0, SEC(100));
    Packet p2 = pkt(17, s, 53, c, 5353, 0, SEC(101));
    p2.len = 200;
    Flow *f1 = flow_handle_packet(ft, &p1);
    Flow *f2 = flow_handle_packet(ft, &p2);
    assert_non_null(f1);
    assert_ptr_equal(f1, f2);
    assert_true(p1.flow_toserver);
    assert_false(p2.flow_toserver);
    assert_int_equal(f1->pkts[FLOW_DIR_TOSERVER], 1);
    assert_int_equal(f1->pkts[FLOW_DIR_TOCLIENT], 1);
    assert_int_equal(f1->bytes[FLOW_DIR_TOCLIENT], 200);
    assert_int_equal(f1->state, FLOW_STATE_ESTABLISHED);
    flow_table_flush(ft, SEC(102));
    assert_int_equal(e.cnt, 1);
    assert_int_equal(e.ended[0].end_reason, FLOW_END_SHUTDOWN);
    flow_table_free(ft);
}

static void
tcp_handshake_establishes_and_fins_close(void **state)
{
    Ended e;
    FlowTable *ft = table(&e, 0);
    SkAddr c = v4(10, 0, 0, 1), s = v4(10, 0, 0, 2);
    (void)state;

    Packet a = pkt(6, c, 40000, s, 80, SYN, SEC(1));
    Packet b = pkt(6, s, 80, c, 40000, SYN | ACK, SEC(1));
    Packet d = pkt(6, c, 40000, s, 80, ACK, SEC(1));
    Flow *f = flow_handle_packet(ft, &a);
    assert_int_equal(f->state, FLOW_STATE_NEW);
    flow_handle_packet(ft, &b);
    assert_int_equal(f->state, FLOW_STATE_NEW);
    flow_handle_packet(ft, &d);
    assert_int_equal(f->state, FLOW_STATE_ESTABLISHED);
    Packet f1 = pkt(6, c, 40000, s, 80, FIN | ACK, SEC(2));
    Packet f2 = pkt(6, s, 80, c, 40000, FIN | ACK, SEC(2));
    flow_handle_packet(ft, &f1);
    assert_int_equal(f->state, FLOW_STATE_ESTABLISHED);
    flow_handle_packet(ft, &f2);
    assert_int_equal(f->state, FLOW_STATE_CLOSED);
    assert_int_equal(f->tcp_flags[FLOW_DIR_TOSERVER], SYN | ACK | FIN);
    flow_table_free(ft);
}

static void
tcp_without_syn_stays_new_even_after_rst(void **state)
{
    Ended e;
    FlowTable *ft = table(&e, 0);
    SkAddr c = v4(10, 0, 0, 1), s = v4(10, 0, 0, 2);
    (void)state;

    Packet a = pkt(6, c, 40000, s, 80, ACK, SEC(1));
    Packet b = pkt(6, s, 80, c, 40000, RST, SEC(1));
    Flow *f = flow_handle_packet(ft, &a);
    flow_handle_packet(ft, &b);
    assert_int_equal(f->state, FLOW_STATE_NEW);
    flow_table_free(ft);
}

static void
icmp_echo_and_reply_share_a_flow_errors_join_the_quoted_one(void **state)
{
    Ended e;
    FlowTable *ft = table(&e, 0);
    SkAddr h = v4(10, 0, 0, 1), s = v4(10, 0, 0, 2), r = v4(10, 0, 0, 254);
    (void)state;

    Packet req = pkt(1, h, 0, s, 0, 0, SEC(1));
    req.flags |= PKT_F_HAS_ICMP;
    req.icmp_type = 8;
    Packet rep = pkt(1, s, 0, h, 0, 0, SEC(1));
    rep.flags |= PKT_F_HAS_ICMP;
    rep.icmp_type = 0;
    Flow *f = flow_handle_packet(ft, &req);
    assert_ptr_equal(flow_handle_packet(ft, &rep), f);
    assert_int_equal(f->icmp_type[FLOW_DIR_TOSERVER], 8);
    assert_int_equal(f->icmp_type[FLOW_DIR_TOCLIENT], 0);

    /* A port unreachable from a router quoting h -> s udp 5000 -> 53. */
    Packet udp = pkt(17, h, 5000, s, 53, 0, SEC(2));
    Flow *uf = flow_handle_packet(ft, &udp);
    Packet err = pkt(1, r, 0, h, 0, 0, SEC(2));
    err.flags |= PKT_F_HAS_ICMP | PKT_F_ICMP_ERR_EMB;
    err.icmp_type = 3;
    err.icmp_code = 3;
    err.emb_proto = 17;
    err.emb_src = h;
    err.emb_dst = s;
    err.emb_sp = 5000;
    err.emb_dp = 53;
    assert_ptr_equal(flow_handle_packet(ft, &err), uf);
    assert_int_equal(uf->pkts[FLOW_DIR_TOCLIENT], 1);

    /* Quoting a flow that does not exist: no flow at all. */
    err.emb_dp = 54;
    assert_null(flow_handle_packet(ft, &err));
    flow_table_free(ft);
}

static void
vlan_and_tunnel_depth_separate_flows(void **state)
{
    Ended e;
    FlowTable *ft = table(&e, 0);
    SkAddr c = v4(10, 0, 0, 1), s = v4(10, 0, 0, 2);
    (void)state;

    Packet a = pkt(17, c, 1, s, 2, 0, SEC(1));
    Packet b = a;
    b.vlan_cnt = 1;
    b.vlan_id[0] = 100;
    Packet d = a;
    d.tunnel_depth = 1;
    Flow *fa = flow_handle_packet(ft, &a);
    Flow *fb = flow_handle_packet(ft, &b);
    Flow *fd = flow_handle_packet(ft, &d);
    assert_ptr_not_equal(fa, fb);
    assert_ptr_not_equal(fa, fd);
    assert_ptr_not_equal(fb, fd);
    assert_int_equal(fb->vlan_id[0], 100);
    flow_table_free(ft);
}

static void
fragments_invalid_and_non_ip_get_no_flow(void **state)
{
    Ended e;
    FlowTable *ft = table(&e, 0);
    (void)state;

    Packet a = pkt(17, v4(1, 1, 1, 1), 1, v4(2, 2, 2, 2), 2, 0, SEC(1));
    a.flags |= PKT_F_FRAGMENT;
    assert_null(flow_handle_packet(ft, &a));
    a.flags = PKT_F_INVALID;
    assert_null(flow_handle_packet(ft, &a));
    a.flags = 0;
    a.ip_ver = 0;
    assert_null(flow_handle_packet(ft, &a));
    assert_int_equal(flow_table_active(ft), 0);
    flow_table_free(ft);
}

static void
packet_after_timeout_starts_a_new_flow(void **state)
{
    Ended e;
    FlowTable *ft = table(&e, 0);
    SkAddr c = v4(10, 0, 0, 1), s = v4(10, 0, 0, 2);
    (void)state;

    Packet a = pkt(17, c, 1, s, 2, 0, SEC(10));
    Flow *f = flow_handle_packet(ft, &a);
    uint64_t id = f->flow_id;
    /* udp new timeout is 30 s: at +31 s the old flow ends, whether or not a sweep ran. */
    Packet b = pkt(17, c, 1, s, 2, 0, SEC(41));
    Flow *g = flow_handle_packet(ft, &b);
    assert_int_equal(e.cnt, 1);
    assert_int_equal(e.ended[0].end_reason, FLOW_END_TIMEOUT);
    assert_int_equal(e.ended[0].flow_id, id);
    assert_int_equal(e.ended[0].last, SEC(10));
    assert_int_equal(g->pkts[FLOW_DIR_TOSERVER], 1);
    assert_int_not_equal(g->flow_id, id);
    flow_table_free(ft);
}

static void
timeout_sweep_is_bounded_by_its_budget(void **state)
{
    Ended e;
    FlowTable *ft = table(&e, 0);
    (void)state;

    for (uint8_t i = 0; i < 20; i++) {
        Packet a = pkt(17, v4(10, 0, 0, i), 1, v4(10, 0, 1, 1), 2, 0, SEC(1));
        flow_handle_packet(ft, &a);
    }
    assert_int_equal(flow_table_timeout(ft, SEC(20), 8), 0); /* not yet expired */
    assert_int_equal(flow_table_timeout(ft, SEC(100), 8), 8);
    assert_int_equal(flow_table_timeout(ft, SEC(100), 8), 8);
    assert_int_equal(flow_table_timeout(ft, SEC(100), 8), 4);
    assert_int_equal(e.cnt, 20);
    assert_int_equal(flow_table_active(ft), 0);
    flow_table_free(ft);
}

static uint64_t
counter_named(const FlowTable *ft, const char *name)
{
    const CounterSet *cs = flow_table_counters(ft);
    for (size_t i = 0; i < cs->cnt; i++) {
        if (strcmp(cs->names[i], name) == 0) {
            return counter_get(&cs->vals[i]);
        }
    }
    fail_msg("no counter %s", name);
    return 0;
}

static void
memcap_enters_emergency_and_evicts_the_oldest(void **state)
{
    Ended e;
    /* Room for the buckets and exactly one chunk of flows. */
    FlowTable *ft = table(&e, 64 * sizeof(void *) + 1100 * sizeof(Flow) + 64);
    (void)state;

    unsigned made = 0;
    for (unsigned i = 0; i < 1100; i++) {
        Packet a =
            pkt(17, v4(10, 1, (uint8_t)(i >> 8), (uint8_t)i), 1, v4(10, 0, 1, 1), 2, 0, SEC(1) + i);
        made += flow_handle_packet(ft, &a) != NULL;
    }
    assert_int_equal(made, 1100); /* eviction keeps new flows coming */
    assert_true(counter_named(ft, "flow.memcap") > 0);
    assert_int_equal(counter_named(ft, "flow.emerg_mode_entered"), 1);
    assert_true(e.cnt > 0);
    assert_int_equal(e.ended[0].end_reason, FLOW_END_FORCED);
    assert_true(flow_table_active(ft) <= 1024);
    flow_table_free(ft);
}

/* Preallocated flows are handed out from their chunks, each once, before the free list: every
 * flow in use is distinct, the spare count is what is left, and flows that end are reused
 * without growing the table. */
static void
preallocated_flows_are_handed_out_once_then_reused(void **state)
{
    Ended e;
    FlowConfig cfg;
    enum { N = 2500 };
    static Flow *seen[N];
    (void)state;

    flow_config_default(&cfg);
    cfg.prealloc = N; /* three chunks of 1024 */
    memset(&e, 0, sizeof(e));
    FlowTable *ft = test_table_new(&cfg, record_end, &e);
    assert_non_null(ft);
    uint64_t memuse = counter_named(ft, "flow.memuse");
    uint64_t spare = counter_named(ft, "flow.spare");
    assert_true(spare >= N);

    for (unsigned i = 0; i < N; i++) {
        Packet a =
            pkt(17, v4(10, 2, (uint8_t)(i >> 8), (uint8_t)i), 1, v4(10, 0, 2, 1), 2, 0, SEC(1));
        seen[i] = flow_handle_packet(ft, &a);
        assert_non_null(seen[i]);
        for (unsigned j = 0; j < i; j += 97) {
            assert_ptr_not_equal(seen[i], seen[j]);
        }
    }
    for (unsigned i = 1; i < N; i++) {
        assert_ptr_not_equal(seen[i], seen[i - 1]);
    }
    assert_int_equal(counter_named(ft, "flow.spare"), spare - N);
    assert_int_equal(flow_table_active(ft), N);

    flow_table_flush(ft, SEC(2));
    assert_int_equal(flow_table_active(ft), 0);
    assert_int_equal(counter_named(ft, "flow.spare"), spare);
    for (unsigned i = 0; i < N; i++) { /* again: all from the free list */
        Packet a =
            pkt(17, v4(10, 3, (uint8_t)(i >> 8), (uint8_t)i), 1, v4(10, 0, 3, 1), 2, 0, SEC(3));
        assert_non_null(flow_handle_packet(ft, &a));
    }
    assert_int_equal(counter_named(ft, "flow.memuse"), memuse);
    assert_int_equal(counter_named(ft, "flow.spare"), spare - N);
    flow_table_free(ft);
}

/* With MAC tracking, each side keeps the addresses it was seen with, oriented by the flow (a
 * toclient packet's destination is the client side), each once, at most FLOW_MACS_MAX. */
static void
mac_sets_follow_the_flow_direction(void **state)
{
    Ended e;
    FlowConfig cfg;
    uint8_t frames[8][14];
    SkAddr c = v4(10, 0, 0, 1), s = v4(10, 0, 0, 2);
    (void)state;

    flow_config_default(&cfg);
    cfg.track_macs = true;
    memset(&e, 0, sizeof(e));
    FlowTable *ft = test_table_new(&cfg, record_end, &e);
    assert_non_null(ft);
    memset(frames, 0, sizeof(frames));
    for (unsigned i = 0; i < 8; i++) {
        frames[i][5] = 0xd0;              /* destination: the server's MAC */
        frames[i][11] = (uint8_t)(i % 6); /* source: six different client-side MACs */
    }
    Flow *f = NULL;
    for (unsigned i = 0; i < 8; i++) {
        Packet a = pkt(17, c, 5000, s, 53, 0, SEC(1) + i);
        a.data = frames[i];
        a.flags |= PKT_F_ETH;
        a.eth_off = 0;
        f = flow_handle_packet(ft, &a);
        assert_non_null(f);
    }
    uint8_t reply[14] = {0};
    reply[5] = 0x01;  /* destination: a client-side MAC already seen */
    reply[11] = 0xd0; /* source: the server's */
    Packet b = pkt(17, s, 53, c, 5000, 0, SEC(10));
    b.data = reply;
    b.flags |= PKT_F_ETH;
    assert_ptr_equal(flow_handle_packet(ft, &b), f);

    assert_non_null(f->macs);
    assert_int_equal(f->macs->cnt[FLOW_MACS_SRC], FLOW_MACS_MAX); /* six seen, four kept */
    assert_int_equal(f->macs->cnt[FLOW_MACS_DST], 1);
    assert_int_equal(f->macs->mac[FLOW_MACS_DST][0][5], 0xd0);
    assert_int_equal(f->macs->mac[FLOW_MACS_SRC][1][5], 0x01);
    assert_int_equal(counter_named(ft, "decoder.max_mac_addrs_src"), FLOW_MACS_MAX);
    assert_int_equal(counter_named(ft, "decoder.max_mac_addrs_dst"), 1);

    /* A flow reusing the memory starts with empty sets. */
    flow_table_flush(ft, SEC(20));
    Packet n = pkt(17, v4(10, 9, 9, 9), 1, s, 2, 0, SEC(30));
    Flow *g = flow_handle_packet(ft, &n);
    assert_non_null(g);
    assert_non_null(g->macs);
    assert_int_equal(g->macs->cnt[FLOW_MACS_SRC] + g->macs->cnt[FLOW_MACS_DST], 0);
    flow_table_free(ft);
}

static void
esp_flows_are_keyed_on_the_spi(void **state)
{
    Ended e;
    FlowTable *ft = table(&e, 0);
    /* ESP header: SPI, then sequence number. */
    const uint8_t sa1[] = {0x00, 0x00, 0x00, 0x7b, 0x00, 0x00, 0x00, 0x01}; /* spi 123 */
    const uint8_t sa2[] = {0x00, 0x00, 0x01, 0x41, 0x00, 0x00, 0x00, 0x01}; /* spi 321 */
    (void)state;

    Packet a = pkt(50, v4(190, 0, 0, 1), 0, v4(190, 0, 0, 2), 0, 0, SEC(1));
    a.data = sa1;
    a.l4_off = 0;
    a.l4_len = sizeof(sa1);
    Packet b = a;
    b.data = sa2;
    Flow *fa = flow_handle_packet(ft, &a);
    Flow *fb = flow_handle_packet(ft, &b);
    assert_non_null(fa);
    assert_non_null(fb);
    assert_ptr_not_equal(fa, fb);
    assert_int_equal(fa->spi, 123);
    assert_int_equal(fb->spi, 321);
    assert_ptr_equal(flow_handle_packet(ft, &a), fa);
    assert_int_equal(fa->pkts[FLOW_DIR_TOSERVER], 2);
    flow_table_free(ft);
}

static SkAddr
v6(uint16_t last)
{
    SkAddr x;
    memset(&x, 0, sizeof(x));
    x.b[0] = 0x20; /* 2001:db8::<last> */
    x.b[1] = 0x01;
    x.b[2] = 0x0d;
    x.b[3] = 0xb8;
    x.b[14] = (uint8_t)(last >> 8);
    x.b[15] = (uint8_t)last;
    return x;
}

static Packet
icmp6(SkAddr s, SkAddr d, uint8_t type, SkTime ts)
{
    Packet p = pkt(58, s, 0, d, 0, 0, ts);
    p.ip_ver = 6;
    p.flags |= PKT_F_HAS_ICMP;
    p.icmp_type = type;
    return p;
}

/* Suricata 8.0.7 joins every ICMPv6 query and its answer in one flow, not only echo
 * (tests/data/flow-icmpv6-pairs.pcap): MLD query/report, router, neighbour, node information,
 * home agent, mobile prefix, certification path, multicast router, duplicate address. */
static void
icmpv6_queries_and_answers_share_a_flow(void **state)
{
    static const uint8_t pairs[][2] = {{128, 129}, {130, 131}, {133, 134}, {135, 136}, {139, 140},
                                       {144, 145}, {146, 147}, {148, 149}, {151, 152}, {157, 158}};
    Ended e;
    FlowTable *ft = table(&e, 0);
    (void)state;

    for (uint16_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        SkAddr h = v6((uint16_t)(2 * i + 1)), r = v6((uint16_t)(2 * i + 2));
        Packet q = icmp6(h, r, pairs[i][0], SEC(1));
        Packet a = icmp6(r, h, pairs[i][1], SEC(2));
        Flow *f = flow_handle_packet(ft, &q);
        assert_non_null(f);
        assert_ptr_equal(flow_handle_packet(ft, &a), f);
        assert_false(a.flow_toserver);
        assert_int_equal(f->icmp_type[FLOW_DIR_TOSERVER], pairs[i][0]);
        assert_int_equal(f->icmp_type[FLOW_DIR_TOCLIENT], pairs[i][1]);
        assert_int_equal(f->state, FLOW_STATE_ESTABLISHED);
        assert_int_equal(flow_icmp_counterpart(58, pairs[i][1]), pairs[i][0]);
    }
    /* A type with no answer (MLD done, 132) sent both ways: a flow each way. */
    Packet d1 = icmp6(v6(100), v6(101), 132, SEC(3));
    Packet d2 = icmp6(v6(101), v6(100), 132, SEC(3));
    assert_ptr_not_equal(flow_handle_packet(ft, &d1), flow_handle_packet(ft, &d2));
    flow_table_free(ft);
}

/* Suricata 8.0.7 makes no flow for IP protocols it has no transport decoder for
 * (tests/data/flow-other-protos.pcap): IGMP, OSPF, PIM, VRRP, AH over IPv4, no next header,
 * an unassigned number; nor for GRE, whether or not it carries a tunnel. */
static void
protocols_without_a_transport_decoder_get_no_flow(void **state)
{
    static const uint8_t protos[] = {2, 89, 103, 112, 51, 59, 253, 47};
    Ended e;
    FlowTable *ft = table(&e, 0);
    (void)state;

    for (unsigned i = 0; i < sizeof(protos); i++) {
        Packet a = pkt(protos[i], v4(10, 13, 0, 1), 0, v4(10, 13, 0, 2), 0, 0, SEC(1));
        a.l4_len = 8;
        assert_null(flow_handle_packet(ft, &a));
        Packet b = pkt(protos[i], v6(1), 0, v6(2), 0, 0, SEC(1));
        b.ip_ver = 6;
        b.l4_len = 8;
        assert_null(flow_handle_packet(ft, &b));
    }
    assert_int_equal(flow_table_active(ft), 0);
    flow_table_free(ft);
}

/* The carrier of IP-in-IP is a flow of its own in Suricata 8.0.7, beside the inner packet's
 * (tests/data/flow-ip-tunnels.pcap): keyed on the outer addresses, every packet counted
 * toserver whichever way it goes, so the flow stays "new". An IPv4 carrier always makes it;
 * an IPv6 carrier only when its payload passes the tunnel decoder's first checks (long
 * enough for the inner header, the right version). */
static void
ip_in_ip_carriers_are_one_flow_counted_toserver(void **state)
{
    Ended e;
    FlowTable *ft = table(&e, 0);
    uint8_t inner6[40] = {0x60}; /* version 6, rest zero */
    uint8_t inner4[20] = {0x45}; /* version 4, ihl 5 */
    uint8_t junk[20] = {0x99};   /* version 9 */
    SkAddr a = v4(198, 18, 13, 1), b = v4(198, 18, 13, 2);
    (void)state;

    Packet out = pkt(41, a, 0, b, 0, 0, SEC(1)); /* 6in4 */
    out.flags |= PKT_F_TUNNEL;
    out.data = inner6;
    out.l4_len = sizeof(inner6);
    Packet back = pkt(41, b, 0, a, 0, 0, SEC(2));
    back.flags |= PKT_F_TUNNEL;
    back.data = inner6;
    back.l4_len = sizeof(inner6);
    Flow *f = flow_handle_packet(ft, &out);
    assert_non_null(f);
    assert_ptr_equal(flow_handle_packet(ft, &back), f);
    assert_true(back.flow_toserver);
    assert_int_equal(f->pkts[FLOW_DIR_TOSERVER], 2);
    assert_int_equal(f->pkts[FLOW_DIR_TOCLIENT], 0);
    assert_int_equal(f->state, FLOW_STATE_NEW);

    /* IPv4 in IPv4 with a payload that is no IPv4 header: still a flow. */
    Packet bad4 = pkt(4, v4(198, 18, 13, 3), 0, v4(198, 18, 13, 4), 0, 0, SEC(3));
    bad4.data = junk;
    bad4.l4_len = 3;
    assert_non_null(flow_handle_packet(ft, &bad4));

    /* IPv6 carriers: IPv4 in IPv6 and IPv6 in IPv6. */
    Packet ok46 = pkt(4, v6(1), 0, v6(2), 0, 0, SEC(4));
    ok46.ip_ver = 6;
    ok46.data = inner4;
    ok46.l4_len = sizeof(inner4);
    assert_non_null(flow_handle_packet(ft, &ok46));
    Packet ok66 = pkt(41, v6(3), 0, v6(4), 0, 0, SEC(4));
    ok66.ip_ver = 6;
    ok66.data = inner6;
    ok66.l4_len = sizeof(inner6);
    assert_non_null(flow_handle_packet(ft, &ok66));
    Packet short46 = ok46;
    short46.src = v6(5);
    short46.l4_len = 19;
    assert_null(flow_handle_packet(ft, &short46));
    Packet wrong46 = ok46;
    wrong46.src = v6(6);
    wrong46.data = junk;
    assert_null(flow_handle_packet(ft, &wrong46));
    Packet short66 = ok66;
    short66.src = v6(7);
    short66.l4_len = 39;
    assert_null(flow_handle_packet(ft, &short66));
    Packet wrong66 = ok66;
    wrong66.src = v6(8);
    wrong66.data = inner4;
    wrong66.l4_len = sizeof(inner4);
    assert_null(flow_handle_packet(ft, &wrong66));
    assert_int_equal(flow_table_active(ft), 4);
    flow_table_free(ft);
}

/* An ESP flow is one security association, one way: a packet the other way with the same SPI
 * starts its own flow (Suricata 8.0.7, even for an SPI whose halves are equal). */
static void
esp_flows_do_not_match_the_reverse_direction(void **state)
{
    Ended e;
    FlowTable *ft = table(&e, 0);
    const uint8_t sa[] = {0x12, 0x34, 0x12, 0x34, 0x00, 0x00, 0x00, 0x01}; /* spi, seq 1 */
    (void)state;

    Packet a = pkt(50, v4(190, 0, 0, 1), 0, v4(190, 0, 0, 2), 0, 0, SEC(1));
    a.data = sa;
    a.l4_len = sizeof(sa);
    Packet b = pkt(50, v4(190, 0, 0, 2), 0, v4(190, 0, 0, 1), 0, 0, SEC(2));
    b.data = sa;
    b.l4_len = sizeof(sa);
    Flow *fa = flow_handle_packet(ft, &a);
    Flow *fb = flow_handle_packet(ft, &b);
    assert_non_null(fa);
    assert_non_null(fb);
    assert_ptr_not_equal(fa, fb);
    assert_true(b.flow_toserver);
    assert_int_equal(fa->state, FLOW_STATE_NEW);
    flow_table_free(ft);
}

static void
count_end(Flow *f, SkTime now, void *user)
{
    (void)f;
    (void)now;
    (*(unsigned *)user)++;
}

/* The bucket array starts at flow.hash-size and doubles as flows outnumber buckets, a few old
 * buckets moved per packet: every flow stays findable (both ways) while the move is under way,
 * flows end from either array, and the buckets are charged to flow.memuse, within flow.memcap. */
static void
hash_table_grows_with_the_flows_and_loses_none(void **state)
{
    enum { N = 20000 };
    static Flow *made[N];
    FlowConfig cfg;
    unsigned ended = 0;
    (void)state;

    flow_config_default(&cfg);
    cfg.hash_size = 64;
    cfg.prealloc = 0;
    FlowTable *ft = test_table_new(&cfg, count_end, &ended);
    assert_non_null(ft);
    for (unsigned i = 0; i < N; i++) {
        SkAddr c = v4(10, 4, (uint8_t)(i >> 8), (uint8_t)i);
        Packet a = pkt(17, c, (uint16_t)(1000 + i / 65536), v4(10, 0, 4, 1), 53, 0, SEC(1));
        made[i] = flow_handle_packet(ft, &a);
        assert_non_null(made[i]);
        /* An older flow, the other way: the same flow, wherever its bucket is now. */
        unsigned j = (i * 7919u) % (i + 1);
        SkAddr cj = v4(10, 4, (uint8_t)(j >> 8), (uint8_t)j);
        Packet b = pkt(17, v4(10, 0, 4, 1), 53, cj, (uint16_t)(1000 + j / 65536), 0, SEC(1));
        assert_ptr_equal(flow_handle_packet(ft, &b), made[j]);
        assert_false(b.flow_toserver);
    }
    assert_int_equal(flow_table_active(ft), N);
    uint64_t memuse = counter_named(ft, "flow.memuse");
    uint64_t chunks = (N + 1023) / 1024;
    /* At least 16384 buckets now (20000 flows > 16384), beside the flows' chunks. */
    assert_true(memuse >= chunks * 1024 * sizeof(Flow) + 16384 * sizeof(void *));
    assert_true(memuse <= cfg.memcap);

    /* Every flow ends once, from whichever array holds it. */
    flow_table_flush(ft, SEC(2));
    assert_int_equal(ended, N);
    assert_int_equal(flow_table_active(ft), 0);
    flow_table_free(ft);
}

/* Growth stops where the larger array would not fit flow.memcap: flows keep coming (evicting
 * under the cap) and memuse never passes it. */
static void
hash_table_growth_stays_within_the_memcap(void **state)
{
    Ended e;
    uint64_t memcap = 64 * sizeof(void *) + 1100 * sizeof(Flow) + 64;
    FlowTable *ft = table(&e, memcap);
    (void)state;

    for (unsigned i = 0; i < 5000; i++) {
        Packet a =
            pkt(17, v4(10, 5, (uint8_t)(i >> 8), (uint8_t)i), 1, v4(10, 0, 5, 1), 2, 0, SEC(1) + i);
        assert_non_null(flow_handle_packet(ft, &a));
        assert_true(counter_named(ft, "flow.memuse") <= memcap);
    }
    flow_table_free(ft);
}

/* Suricata 8.0.7 ends a flow at its timeout exactly: a packet `timeout` seconds after the last
 * one starts a new flow, one a microsecond earlier joins it (checked on crafted UDP pairs and
 * on bench.pcap's IP-in-IP carriers sent every 30.000000 s). */
static void
timeout_boundary_is_inclusive(void **state)
{
    Ended e;
    FlowTable *ft = table(&e, 0);
    SkAddr c = v4(10, 0, 0, 1), s = v4(10, 0, 0, 2);
    (void)state;

    Packet a = pkt(17, c, 1, s, 2, 0, SEC(10));
    Flow *f = flow_handle_packet(ft, &a);
    Packet b = pkt(17, c, 1, s, 2, 0, SEC(40) - 1); /* udp new timeout 30 s, less 1 us */
    assert_ptr_equal(flow_handle_packet(ft, &b), f);
    assert_int_equal(e.cnt, 0);
    Packet d = pkt(17, c, 1, s, 2, 0, SEC(70) - 1); /* 30 s to the microsecond */
    Flow *g = flow_handle_packet(ft, &d);
    assert_int_equal(e.cnt, 1);
    assert_int_equal(e.ended[0].pkts[FLOW_DIR_TOSERVER], 2);
    assert_int_equal(g->pkts[FLOW_DIR_TOSERVER], 1);
    /* The sweep draws the same line. */
    assert_int_equal(flow_table_timeout(ft, SEC(100) - 2, 8), 0);
    assert_int_equal(flow_table_timeout(ft, SEC(100) - 1, 8), 1);
    flow_table_free(ft);
}

/* --- the flow-end chain --- */

typedef struct {
    FlowTable *ft;
    unsigned order[32];
    uint64_t flow_id[32];
    Flow *flow[32];
    uint64_t active[32];
    unsigned cnt;
} Chain;

static void
chain_step(Chain *c, FlowEndStep step, Flow *f)
{
    if (c->cnt < 32) {
        c->order[c->cnt] = step;
        c->flow_id[c->cnt] = f->flow_id;
        c->flow[c->cnt] = f;
        c->active[c->cnt] = flow_table_active(c->ft);
        c->cnt++;
    }
}

#define CHAIN_STEP(name, step)                                                                     \
    static void name(Flow *f, SkTime now, void *user)                                              \
    {                                                                                              \
        (void)now;                                                                                 \
        chain_step(user, step, f);                                                                 \
    }
CHAIN_STEP(step_stream, FLOW_END_STEP_STREAM)
CHAIN_STEP(step_applayer, FLOW_END_STEP_APPLAYER)
CHAIN_STEP(step_detect, FLOW_END_STEP_DETECT)
CHAIN_STEP(step_output, FLOW_END_STEP_OUTPUT)

/* The last step frees the flow's per-stage state: here it marks the flow, so a flow recycled
 * before the chain ended would be caught wearing the mark. */
static void
step_free(Flow *f, SkTime now, void *user)
{
    (void)now;
    chain_step(user, FLOW_END_STEP_FREE, f);
    f->flags |= 0x80;
}

static FlowTable *
chain_table(Chain *c, uint64_t memcap)
{
    FlowConfig cfg;
    flow_config_default(&cfg);
    if (memcap) {
        cfg.memcap = memcap;
        cfg.prealloc = 0;
        cfg.hash_size = 64;
    }
    memset(c, 0, sizeof(*c));
    FlowTable *ft = test_table_new(&cfg, NULL, NULL);
    /* Set out of order: the chain runs in FlowEndStep order all the same. */
    flow_table_set_end(ft, FLOW_END_STEP_FREE, step_free, c);
    flow_table_set_end(ft, FLOW_END_STEP_OUTPUT, step_output, c);
    flow_table_set_end(ft, FLOW_END_STEP_STREAM, step_stream, c);
    flow_table_set_end(ft, FLOW_END_STEP_DETECT, step_detect, c);
    flow_table_set_end(ft, FLOW_END_STEP_APPLAYER, step_applayer, c);
    c->ft = ft;
    return ft;
}

static void
flow_end_runs_every_step_in_pipeline_order_before_recycling(void **state)
{
    Chain c;
    FlowTable *ft = chain_table(&c, 0);
    (void)state;

    Packet a = pkt(17, v4(10, 6, 0, 1), 1, v4(10, 6, 0, 2), 2, 0, SEC(1));
    Flow *f = flow_handle_packet(ft, &a);
    uint64_t id = f->flow_id;
    flow_table_flush(ft, SEC(2));
    assert_int_equal(c.cnt, FLOW_END_STEP_MAX);
    for (unsigned i = 0; i < FLOW_END_STEP_MAX; i++) {
        assert_int_equal(c.order[i], i);
        assert_ptr_equal(c.flow[i], f);
        assert_int_equal(c.flow_id[i], id);
        assert_int_equal(c.active[i], 1); /* still the table's while the chain runs */
    }
    assert_int_equal(flow_table_active(ft), 0);
    /* A step cleared is skipped, the others still run in order. */
    flow_table_set_end(ft, FLOW_END_STEP_DETECT, NULL, NULL);
    c.cnt = 0;
    Packet b = pkt(17, v4(10, 6, 0, 3), 1, v4(10, 6, 0, 2), 2, 0, SEC(3));
    flow_handle_packet(ft, &b);
    assert_int_equal(flow_table_timeout(ft, SEC(100), 8), 1);
    assert_int_equal(c.cnt, FLOW_END_STEP_MAX - 1);
    assert_int_equal(c.order[2], FLOW_END_STEP_OUTPUT);
    flow_table_free(ft);
}

/* Eviction ends a flow inside flow_handle_packet for another packet: the victim's whole chain
 * runs on the victim, and only then does its memory become the new flow. */
static void
an_evicted_flow_finishes_its_chain_before_its_memory_is_reused(void **state)
{
    Chain c;
    /* Room for the buckets and one chunk of flows. */
    FlowTable *ft = chain_table(&c, 64 * sizeof(void *) + 1100 * sizeof(Flow) + 64);
    (void)state;

    Flow *first = NULL;
    for (unsigned i = 0; i < 1024; i++) {
        Packet a =
            pkt(17, v4(10, 7, (uint8_t)(i >> 8), (uint8_t)i), 1, v4(10, 0, 7, 1), 2, 0, SEC(1) + i);
        Flow *f = flow_handle_packet(ft, &a);
        if (i == 0) {
            first = f;
        }
    }
    uint64_t victim_id = first->flow_id;
    assert_int_equal(c.cnt, 0);
    Packet n = pkt(17, v4(10, 8, 0, 1), 1, v4(10, 0, 7, 1), 2, 0, SEC(2)); /* none expired */
    Flow *g = flow_handle_packet(ft, &n);
    assert_int_equal(c.cnt, FLOW_END_STEP_MAX);
    for (unsigned i = 0; i < FLOW_END_STEP_MAX; i++) {
        assert_int_equal(c.order[i], i);
        assert_ptr_equal(c.flow[i], first);
        assert_int_equal(c.flow_id[i], victim_id); /* not yet overwritten by the new flow */
    }
    assert_ptr_equal(g, first); /* the victim's memory, after its chain */
    assert_int_not_equal(g->flow_id, victim_id);
    assert_int_equal(g->flags & 0x80, 0); /* flow_init cleared the last step's mark */
    flow_table_free(ft);
}

/* --- the state hook --- */

typedef struct {
    unsigned calls;
    int last_dir;
} HookSeen;

/* A stand-in for the stream stage: closed at the first FIN, whatever the handshake. */
static void
stream_like_hook(FlowTable *ft, Flow *f, const Packet *p, int dir, void *user)
{
    HookSeen *h = user;
    h->calls++;
    h->last_dir = dir;
    if (p->tcp_flags & FIN) {
        flow_set_state(ft, f, FLOW_STATE_CLOSED);
    } else if (dir == FLOW_DIR_TOCLIENT) {
        flow_set_state(ft, f, FLOW_STATE_ESTABLISHED);
    }
}

static void
a_state_hook_replaces_the_built_in_tracker(void **state)
{
    Ended e;
    HookSeen h = {0};
    FlowTable *ft = table(&e, 0);
    SkAddr c = v4(10, 0, 0, 1), s = v4(10, 0, 0, 2);
    (void)state;

    flow_table_set_state_hook(ft, stream_like_hook, &h);
    Packet a = pkt(6, c, 40000, s, 80, SYN, SEC(1));
    Packet b = pkt(6, s, 80, c, 40000, SYN | ACK, SEC(1));
    Flow *f = flow_handle_packet(ft, &a);
    assert_int_equal(h.calls, 1);
    assert_int_equal(h.last_dir, FLOW_DIR_TOSERVER);
    assert_int_equal(f->tcp_track, 0); /* the built-in tracker did not run */
    flow_handle_packet(ft, &b);
    assert_int_equal(f->state, FLOW_STATE_ESTABLISHED); /* the hook's rule, not a 3WHS */
    Packet d = pkt(6, c, 40000, s, 80, FIN | ACK, SEC(2));
    flow_handle_packet(ft, &d);
    assert_int_equal(f->state, FLOW_STATE_CLOSED);
    /* Its timeout is now the closed one (tcp 60 s), not established's 600 s. */
    assert_int_equal(flow_table_timeout(ft, SEC(61), 8), 0);
    assert_int_equal(flow_table_timeout(ft, SEC(62), 8), 1);
    assert_int_equal(e.ended[0].state, FLOW_STATE_CLOSED);
    flow_table_free(ft);
}

/* flow_set_state after flow_handle_packet (the stream stage runs after the flow stage) moves
 * the flow to its new state's timeout list, keeping every list oldest first. */
static void
set_state_after_the_packet_moves_the_timeout_class(void **state)
{
    Ended e;
    FlowTable *ft = table(&e, 0);
    (void)state;

    flow_table_set_state_hook(ft, NULL, NULL); /* back to built-in: no-op here */
    Packet old = pkt(17, v4(10, 9, 0, 1), 1, v4(10, 9, 0, 2), 2, 0, SEC(1));
    Packet a = pkt(17, v4(10, 9, 0, 3), 1, v4(10, 9, 0, 2), 2, 0, SEC(5));
    flow_handle_packet(ft, &old);
    Flow *f = flow_handle_packet(ft, &a);
    flow_set_state(ft, f, FLOW_STATE_ESTABLISHED);            /* udp established: 300 s */
    assert_int_equal(flow_table_timeout(ft, SEC(100), 8), 1); /* only the new one (30 s) */
    assert_int_equal(e.ended[0].sp, 1);
    assert_int_equal(flow_table_timeout(ft, SEC(304), 8), 0);
    assert_int_equal(flow_table_timeout(ft, SEC(305), 8), 1);
    flow_table_free(ft);
}

/* The stream stage swaps a flow whose first packet was the server's SYN|ACK: the client becomes
 * the source, counts and flags change sides, and later packets count by the new orientation. */
static void
swap_turns_a_flow_around(void **state)
{
    Ended e;
    FlowTable *ft = table(&e, 0);
    SkAddr c = v4(10, 0, 0, 1), s = v4(10, 0, 0, 2);
    (void)state;

    Packet sa = pkt(6, s, 80, c, 40000, SYN | ACK, SEC(1));
    sa.ttl = 60;
    Flow *f = flow_handle_packet(ft, &sa);
    assert_true(sa.flow_toserver);
    flow_swap(f, &sa);
    assert_false(sa.flow_toserver);
    assert_memory_equal(&f->src, &c, sizeof(c));
    assert_int_equal(f->sp, 40000);
    assert_int_equal(f->dp, 80);
    assert_int_equal(f->pkts[FLOW_DIR_TOSERVER], 0);
    assert_int_equal(f->pkts[FLOW_DIR_TOCLIENT], 1);
    assert_int_equal(f->tcp_flags[FLOW_DIR_TOCLIENT], SYN | ACK);
    assert_int_equal(f->ttl_max[FLOW_DIR_TOCLIENT], 60);
    Packet ack = pkt(6, c, 40000, s, 80, ACK, SEC(1));
    assert_ptr_equal(flow_handle_packet(ft, &ack), f);
    assert_true(ack.flow_toserver);
    assert_int_equal(f->pkts[FLOW_DIR_TOSERVER], 1);
    flow_table_flush(ft, SEC(2));
    assert_int_equal(e.cnt, 1);
    assert_int_equal(e.ended[0].sp, 40000);
    flow_table_free(ft);
}

/* --- memcap policy and sizing --- */

/* A share that holds the buckets but not one chunk can never give a flow (the config check
 * refuses it; a table built anyway shows what happens at the cap with nothing to evict): the
 * packet gets no flow, flow.memcap counts it, and flow.memcap-policy is counted under its
 * action. With the default policy (ignore) no exception counter exists, as in Suricata. */
static void
memcap_policy_is_counted_when_a_packet_gets_no_flow(void **state)
{
    static const struct {
        ExceptionPolicy policy;
        const char *counter; /* NULL: none counted */
    } cases[] = {
        {EXC_POLICY_PASS_PACKET, "exception_policy.flow.memcap.pass_packet"},
        {EXC_POLICY_REJECT, "exception_policy.flow.memcap.reject"},
        {EXC_POLICY_DROP_PACKET, NULL}, /* no drop in IDS mode: nothing to count */
    };
    (void)state;

    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        FlowConfig cfg;
        Ended e;
        flow_config_default(&cfg);
        cfg.memcap = 64 * sizeof(void *) + 100;
        cfg.prealloc = 0;
        cfg.hash_size = 64;
        cfg.memcap_policy = (uint8_t)cases[k].policy;
        memset(&e, 0, sizeof(e));
        FlowTable *ft = test_table_new(&cfg, record_end, &e);
        assert_non_null(ft);
        const CounterSet *cs = flow_table_counters(ft);
        assert_int_equal(cs->cnt, 18 + 4); /* pass_packet, bypass, reject, reject_both */
        for (unsigned i = 0; i < 3; i++) {
            Packet a = pkt(17, v4(10, 10, 0, (uint8_t)i), 1, v4(10, 10, 1, 1), 2, 0, SEC(1));
            assert_null(flow_handle_packet(ft, &a));
            assert_null(a.flow);
        }
        assert_int_equal(counter_named(ft, "flow.memcap"), 3);
        uint64_t sum = 0;
        for (size_t i = 18; i < cs->cnt; i++) {
            sum += counter_get(&cs->vals[i]);
        }
        if (cases[k].counter != NULL) {
            assert_int_equal(counter_named(ft, cases[k].counter), 3);
            assert_int_equal(sum, 3);
        } else {
            assert_int_equal(sum, 0);
        }
        flow_table_free(ft);
    }
    Ended e;
    FlowTable *ft = table(&e, 0);
    const CounterSet *cs = flow_table_counters(ft);
    for (size_t i = 0; i < cs->cnt; i++) {
        assert_null(strstr(cs->names[i], "exception_policy"));
    }
    flow_table_free(ft);
}

/* flow_table_memory() is what a table charges: the config check and the table agree. */
static void
memory_sizing_matches_what_the_table_charges(void **state)
{
    (void)state;
    for (unsigned macs = 0; macs < 2; macs++) {
        FlowConfig cfg;
        FlowMemory need;
        flow_config_default(&cfg);
        cfg.prealloc = 5000;
        cfg.track_macs = macs == 1;
        flow_table_memory(&cfg, 2, &need);
        assert_int_equal(need.share, cfg.memcap / 2);
        assert_int_equal(need.prealloc_chunks, 3); /* 2500 flows a worker */
        Memcap mc;
        memcap_init_fixed(&mc, need.share);
        FlowTable *ft = flow_table_new(&cfg, 2, 0, 42, &mc);
        assert_non_null(ft);
        assert_int_equal(memcap_used(&mc), need.buckets + need.prealloc_chunks * need.chunk);
        assert_int_equal(counter_named(ft, "flow.memuse"), memcap_used(&mc));
        flow_table_free(ft);
        assert_int_equal(memcap_used(&mc), 0);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(both_directions_share_one_flow_and_count_apart),
        cmocka_unit_test(tcp_handshake_establishes_and_fins_close),
        cmocka_unit_test(tcp_without_syn_stays_new_even_after_rst),
        cmocka_unit_test(icmp_echo_and_reply_share_a_flow_errors_join_the_quoted_one),
        cmocka_unit_test(vlan_and_tunnel_depth_separate_flows),
        cmocka_unit_test(fragments_invalid_and_non_ip_get_no_flow),
        cmocka_unit_test(packet_after_timeout_starts_a_new_flow),
        cmocka_unit_test(timeout_sweep_is_bounded_by_its_budget),
        cmocka_unit_test(memcap_enters_emergency_and_evicts_the_oldest),
        cmocka_unit_test(preallocated_flows_are_handed_out_once_then_reused),
        cmocka_unit_test(mac_sets_follow_the_flow_direction),
        cmocka_unit_test(esp_flows_are_keyed_on_the_spi),
        cmocka_unit_test(icmpv6_queries_and_answers_share_a_flow),
        cmocka_unit_test(protocols_without_a_transport_decoder_get_no_flow),
        cmocka_unit_test(ip_in_ip_carriers_are_one_flow_counted_toserver),
        cmocka_unit_test(esp_flows_do_not_match_the_reverse_direction),
        cmocka_unit_test(hash_table_grows_with_the_flows_and_loses_none),
        cmocka_unit_test(hash_table_growth_stays_within_the_memcap),
        cmocka_unit_test(timeout_boundary_is_inclusive),
        cmocka_unit_test(flow_end_runs_every_step_in_pipeline_order_before_recycling),
        cmocka_unit_test(an_evicted_flow_finishes_its_chain_before_its_memory_is_reused),
        cmocka_unit_test(a_state_hook_replaces_the_built_in_tracker),
        cmocka_unit_test(set_state_after_the_packet_moves_the_timeout_class),
        cmocka_unit_test(swap_turns_a_flow_around),
        cmocka_unit_test(memcap_policy_is_counted_when_a_packet_gets_no_flow),
        cmocka_unit_test(memory_sizing_matches_what_the_table_charges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
