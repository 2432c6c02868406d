/* Defrag: every overlap shape under every policy, the IPv6 models of real systems, limits,
 * timeouts, events, and the datagram handed on. Fragments are built as raw IP packets and
 * decoded by decode_packet(), as the worker hands them over. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/memcap.h"
#include "core/proto.h"
#include "defrag/defrag.h"

typedef struct {
    DecodeThread *dt;
    DefragTable *t;
    Memcap mc;
    Packet frag, slot;
    uint8_t buf[2048];
    SkTime now;
} Env;

static Env *
env_new(DefragPolicy pol, void (*tweak)(DefragConfig *))
{
    static Env envs[8];
    static unsigned next;
    Env *e = &envs[next++ % 8];
    DecodeConfig dc;
    DefragConfig cfg;
    memset(e, 0, sizeof(*e));
    decode_config_default(&dc);
    e->dt = decode_thread_new(&dc);
    defrag_config_default(&cfg);
    cfg.prealloc = false;
    cfg.host_os_cnt = 2; /* every destination, both families: pol */
    cfg.host_os[0] = (DefragHostOs){.ip_ver = 4, .bits = 0, .policy = (uint8_t)pol};
    cfg.host_os[1] = (DefragHostOs){.ip_ver = 6, .bits = 0, .policy = (uint8_t)pol};
    if (tweak != NULL) {
        tweak(&cfg);
    }
    memcap_init_fixed(&e->mc, cfg.memcap);
    e->t = defrag_table_new(&cfg, 1, 7, &e->mc);
    assert_non_null(e->dt);
    assert_non_null(e->t);
    e->now = SK_TIME_FROM_SEC(1000);
    return e;
}

static void
env_free(Env *e)
{
    defrag_table_free(e->t);
    decode_thread_free(e->dt);
}

/* One fragment: IPv4 192.0.2.1 > 192.0.2.2 (id, proto) or IPv6 2001:db8::1 > 2001:db8::2 with a
 * fragment header (and a destination options header before it when dstopt). Returns what
 * defrag_insert returned. */
static Packet *
send_frag(Env *e, int ver, uint32_t id, uint32_t off, bool more, uint8_t proto, const void *data,
          size_t len, bool dstopt)
{
    size_t n = 0;
    uint8_t *b = e->buf;
    e->now += 1000;
    if (ver == 4) {
        size_t total = 20 + len;
        uint16_t fo = (uint16_t)(off / 8 | (more ? 0x2000 : 0));
        uint8_t h[20] = {0x45,
                         0,
                         (uint8_t)(total >> 8),
                         (uint8_t)total,
                         (uint8_t)(id >> 8),
                         (uint8_t)id,
                         (uint8_t)(fo >> 8),
                         (uint8_t)fo,
                         64,
                         proto,
                         0,
                         0,
                         192,
                         0,
                         2,
                         1,
                         192,
                         0,
                         2,
                         2};
        memcpy(b, h, 20);
        n = 20;
    } else {
        size_t plen = (dstopt ? 8 : 0) + 8 + len;
        uint8_t h[40] = {
            0x60, 0,    0,    0,   (uint8_t)(plen >> 8), (uint8_t)plen, dstopt ? 60 : 44, 64,
            0x20, 0x01, 0x0d, 0xb8};
        h[23] = 1;
        h[24] = 0x20, h[25] = 0x01, h[26] = 0x0d, h[27] = 0xb8;
        h[39] = 2;
        memcpy(b, h, 40);
        n = 40;
        if (dstopt) {
            const uint8_t o[8] = {44, 0, 1, 4, 0, 0, 0, 0}; /* PadN */
            memcpy(b + n, o, 8);
            n += 8;
        }
        uint16_t fo = (uint16_t)(off | (more ? 1 : 0));
        uint8_t f[8] = {proto,
                        0,
                        (uint8_t)(fo >> 8),
                        (uint8_t)fo,
                        (uint8_t)(id >> 24),
                        (uint8_t)(id >> 16),
                        (uint8_t)(id >> 8),
                        (uint8_t)id};
        memcpy(b + n, f, 8);
        n += 8;
    }
    memcpy(b + n, data, len);
    n += len;
    memset(&e->frag, 0, sizeof(e->frag));
    e->frag.data = b;
    e->frag.len = e->frag.wire_len = (uint32_t)n;
    e->frag.linktype = LINKTYPE_RAW;
    e->frag.ts = e->now;
    decode_packet(e->dt, &e->frag);
    assert_true(e->frag.flags & PKT_F_FRAGMENT);
    return defrag_insert(e->t, e->dt, &e->frag, &e->slot);
}

static uint64_t
ctr(const Env *e, const char *name)
{
    const CounterSet *cs = defrag_table_counters(e->t);
    for (size_t i = 0; i < cs->cnt; i++) {
        if (strcmp(cs->names[i], name) == 0) {
            return counter_get(&cs->vals[i]);
        }
    }
    fail_msg("no counter %s", name);
    return 0;
}

/* ---- Novak's pattern: every overlap shape, every byte policy ---- */

/* Novak, "Target-Based Fragmentation Reassembly" (2005), the pattern Sturges and Novak sent to
 * tell targets apart: 9 original fragments, then 8 that overlap them (same start and length,
 * starting inside, ending inside, covering, covered, same start shorter), one letter each. */
static const struct {
    char ch;
    uint16_t off, len;
} novak[] = {
    {'A', 0, 24},   {'B', 32, 16},  {'C', 48, 24}, {'D', 80, 8},  {'E', 104, 16}, {'F', 120, 24},
    {'G', 144, 16}, {'H', 160, 16}, {'I', 176, 8}, {'J', 8, 32},  {'K', 48, 24},  {'L', 72, 24},
    {'M', 96, 24},  {'N', 128, 8},  {'O', 152, 8}, {'P', 160, 8}, {'Q', 176, 16},
};

/* The datagram, one letter per 8 bytes: Novak's table for each target policy. The same
 * readings come out of Suricata 8.0.7 on tests/data/frag-evasion/novak-ipv4.pcap for bsd,
 * bsd-right, linux, windows, solaris and macos (first); it has no name for last. */
static const struct {
    DefragPolicy pol;
    const char *reading;
} novak_expected[] = {
    {DEFRAG_POLICY_BSD, "AAAJJBCCCLLLMMMFFFGGHHIQ"},
    {DEFRAG_POLICY_BSD_RIGHT, "AJJJBBKKKLDLMEEFNFGOPHQQ"},
    {DEFRAG_POLICY_LINUX, "AAAJJBKKKLLLMMMFFFGGPHQQ"},
    {DEFRAG_POLICY_WINDOWS, "AAAJBBCCCLLLMEEFFFGGHHIQ"},
    {DEFRAG_POLICY_SOLARIS, "AAAJBBCCCLLLMMMFFFGGHHIQ"},
    {DEFRAG_POLICY_FIRST, "AAAJBBCCCLDLMEEFFFGGHHIQ"},
    {DEFRAG_POLICY_LAST, "AJJJJBKKKLLLMMMFNFGOPHQQ"},
};

static void
novak_reading(int ver, DefragPolicy pol, char out[25])
{
    Env *e = env_new(pol, NULL);
    Packet *d = NULL;
    size_t n = sizeof(novak) / sizeof(novak[0]);
    for (size_t i = 0; i < n; i++) {
        uint8_t data[32];
        memset(data, novak[i].ch, novak[i].len);
        d = send_frag(e, ver, 0x1234, novak[i].off, i + 1 < n, SK_IPPROTO_ICMP, data, novak[i].len,
                      false);
        assert_true(i + 1 == n || d == NULL);
        if (i >= 9) { /* every later fragment overlaps an original one */
            assert_true(packet_has_event(&e->frag, ver == 4 ? DECODE_IPV4_FRAG_OVERLAP
                                                            : DECODE_IPV6_FRAG_OVERLAP));
        }
    }
    assert_non_null(d);
    assert_true(d->flags & PKT_F_REASSEMBLED);
    uint32_t data_off = d->l3_off + (ver == 4 ? 20 : 40);
    assert_int_equal(d->len - data_off, 192);
    for (unsigned k = 0; k < 24; k++) {
        out[k] = (char)d->data[data_off + k * 8];
    }
    out[24] = '\0';
    env_free(e);
}

static void
novak_ipv4_every_byte_policy_reads_as_novak_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(novak_expected) / sizeof(novak_expected[0]); i++) {
        char got[25];
        novak_reading(4, novak_expected[i].pol, got);
        if (strcmp(got, novak_expected[i].reading) != 0) {
            fail_msg("%s: %s, expected %s", defrag_policy_name(novak_expected[i].pol), got,
                     novak_expected[i].reading);
        }
    }
}

/* IPv6 under the byte policies without a real-system model reads as IPv4 does. */
static void
novak_ipv6_byte_policies_read_as_ipv4(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(novak_expected) / sizeof(novak_expected[0]); i++) {
        DefragPolicy p = novak_expected[i].pol;
        if (p == DEFRAG_POLICY_BSD || p == DEFRAG_POLICY_LINUX || p == DEFRAG_POLICY_WINDOWS) {
            continue;
        }
        char got[25];
        novak_reading(6, p, got);
        assert_string_equal(got, novak_expected[i].reading);
    }
}

/* ---- IPv6: the models of today's systems (../shared/pcaps/ipv6-frag, ESORICS 2023) ---- */

/* The corpus's "b" datagram, 8-byte units: F1 0-4 (Echo header + AAA), F2 4-6 BB, F3 6-9 CCC,
 * F4 1-5 DDDD (overlaps F1 and F2), F5 6-9 EEE (F3's range, other bytes), F6 9-12 FFF last. */
static Packet *
paxson_b(Env *e, const char *order, uint32_t id)
{
    static const struct {
        uint16_t off;
        uint8_t units;
        char ch;
    } f[7] = {{0}, {0, 4, 'A'}, {4, 2, 'B'}, {6, 3, 'C'}, {1, 4, 'D'}, {6, 3, 'E'}, {9, 3, 'F'}};
    Packet *last = NULL;
    for (const char *o = order; *o; o++) {
        int k = *o - '0';
        uint8_t data[32];
        memset(data, f[k].ch, sizeof(data));
        Packet *d = send_frag(e, 6, id, f[k].off * 8u, k != 6, SK_IPPROTO_ICMPV6, data,
                              f[k].units * 8u, false);
        if (d != NULL) {
            last = d;
        }
    }
    return last;
}

static char
unit_at(const Packet *d, unsigned unit)
{
    return (char)d->data[d->l3_off + 40 + unit * 8];
}

/* Linux (inet_frag_queue_insert): in order F1..F6, F4 and F5 lie inside the run F1-F2-F3 and
 * are dropped as duplicates: every Linux in the corpus replied AAABBCCCFFF (paxson-5b-0). */
static void
ipv6_linux_drops_what_lies_inside_a_run(void **state)
{
    (void)state;
    Env *e = env_new(DEFRAG_POLICY_LINUX, NULL);
    Packet *d = paxson_b(e, "123456", 1);
    assert_non_null(d);
    assert_int_equal(unit_at(d, 6), 'C');
    assert_int_equal(unit_at(d, 1), 'A');
    env_free(e);
}

/* Linux: F6, F2, F3, F4: F4 starts before the run of F2 and ends inside it: the datagram is
 * dropped, and F5, F1 alone complete nothing. No Linux replied to paxson-5b-7. */
static void
ipv6_linux_drops_the_datagram_on_a_partial_overlap(void **state)
{
    (void)state;
    Env *e = env_new(DEFRAG_POLICY_LINUX, NULL);
    assert_null(paxson_b(e, "623451", 2));
    assert_int_equal(ctr(e, "defrag.ipv6.reassembled"), 0);
    env_free(e);
}

/* FreeBSD (frag6_input): F5 has F3's offset and length: an exact duplicate, dropped, the first
 * kept; F4 overlaps F1: the datagram goes. Sent F1 F2 F3 F5 F6: AAABBCCCFFF. */
static void
ipv6_bsd_keeps_the_first_of_exact_duplicates(void **state)
{
    (void)state;
    Env *e = env_new(DEFRAG_POLICY_BSD, NULL);
    Packet *d = paxson_b(e, "12356", 3);
    assert_non_null(d);
    assert_int_equal(unit_at(d, 6), 'C');
    env_free(e);
    e = env_new(DEFRAG_POLICY_BSD, NULL);
    assert_null(paxson_b(e, "124356", 4)); /* F4 after F1, F2: not a duplicate: dropped */
    env_free(e);
}

/* Windows 10/11: a fragment whose bytes are all held is a duplicate: F4 after F1 and F2
 * changes nothing (paxson-8b-7 order F1 F2 F4 F3 F6 F5: AAABBCCCFFF); F4 before F1 kills. */
static void
ipv6_windows_drops_fragments_it_already_holds(void **state)
{
    (void)state;
    Env *e = env_new(DEFRAG_POLICY_WINDOWS, NULL);
    Packet *d = paxson_b(e, "124365", 5);
    assert_non_null(d);
    assert_int_equal(unit_at(d, 6), 'C');
    env_free(e);
    e = env_new(DEFRAG_POLICY_WINDOWS, NULL);
    assert_null(paxson_b(e, "623451", 6));
    env_free(e);
}

/* OpenBSD: even an exact duplicate drops the datagram (no reply to paxson-10's two first
 * fragments); only F1 F2 F3 F6 with nothing overlapping completes. */
static void
ipv6_openbsd_drops_even_exact_duplicates(void **state)
{
    (void)state;
    Env *e = env_new(DEFRAG_POLICY_OPENBSD, NULL);
    assert_null(paxson_b(e, "12356", 7));
    env_free(e);
    e = env_new(DEFRAG_POLICY_OPENBSD, NULL);
    assert_non_null(paxson_b(e, "1236", 8));
    env_free(e);
}

/* ---- the datagram ---- */

static void
ipv4_udp_datagram_is_decoded_with_ports_and_a_valid_header(void **state)
{
    (void)state;
    Env *e = env_new(DEFRAG_POLICY_BSD, NULL);
    uint8_t a[16] = {
        0x12, 0x34, 0x00, 0x35, 0x00, 0x18, 0x00, 0x00,
        'x',  'x',  'x',  'x',  'x',  'x',  'x',  'x'}; /* UDP 4660 > 53, length 24, no checksum */
    uint8_t b[8] = {'y', 'y', 'y', 'y', 'y', 'y', 'y', 'y'};
    assert_null(send_frag(e, 4, 9, 0, true, SK_IPPROTO_UDP, a, 16, false));
    Packet *d = send_frag(e, 4, 9, 16, false, SK_IPPROTO_UDP, b, 8, false);
    assert_non_null(d);
    assert_ptr_equal(d, &e->slot);
    assert_true(d->flags & PKT_F_REASSEMBLED);
    assert_false(d->flags & PKT_F_FRAGMENT);
    assert_int_equal(d->proto, SK_IPPROTO_UDP);
    assert_int_equal(d->sp, 4660);
    assert_int_equal(d->dp, 53);
    assert_int_equal(d->payload_len, 16);
    assert_true(decode_ipv4_checksum_ok(d));
    assert_int_equal(ctr(e, "defrag.ipv4.reassembled"), 1);
    assert_int_equal(defrag_table_active(e->t), 0);
    env_free(e);
}

/* The fragment header goes; the destination options header before it now names UDP. */
static void
ipv6_datagram_keeps_the_unfragmentable_headers(void **state)
{
    (void)state;
    Env *e = env_new(DEFRAG_POLICY_LINUX, NULL);
    uint8_t a[16] = {0x12, 0x34, 0x00, 0x35, 0x00, 0x18, 0x00, 0x00,
                     'x',  'x',  'x',  'x',  'x',  'x',  'x',  'x'};
    uint8_t b[8] = {'y', 'y', 'y', 'y', 'y', 'y', 'y', 'y'};
    assert_null(send_frag(e, 6, 9, 16, false, SK_IPPROTO_UDP, b, 8, true));
    Packet *d = send_frag(e, 6, 9, 0, true, SK_IPPROTO_UDP, a, 16, true);
    assert_non_null(d);
    assert_int_equal(d->proto, SK_IPPROTO_UDP);
    assert_int_equal(d->dp, 53);
    assert_int_equal(d->len, 40 + 8 + 24);
    assert_int_equal(d->data[6], 60);                   /* IPv6 header: destination options */
    assert_int_equal(d->data[40], SK_IPPROTO_UDP);      /* which now names UDP */
    assert_int_equal(d->data[4] << 8 | d->data[5], 32); /* payload length */
    env_free(e);
}

/* ---- limits, timeouts, events ---- */

static void
small_caps(DefragConfig *c)
{
    c->trackers = 2;
    c->max_frags = 3;
}

static void
trackers_at_the_cap_take_the_oldest(void **state)
{
    (void)state;
    Env *e = env_new(DEFRAG_POLICY_BSD, small_caps);
    uint8_t x[8] = {0};
    for (uint32_t id = 1; id <= 3; id++) {
        assert_null(send_frag(e, 4, id, 0, true, SK_IPPROTO_UDP, x, 8, false));
    }
    assert_int_equal(defrag_table_active(e->t), 2);
    assert_int_equal(ctr(e, "defrag.tracker_hard_reuse"), 1);
    /* Three fragments held is the cap: the fourth is not kept. */
    assert_null(send_frag(e, 4, 3, 8, true, SK_IPPROTO_UDP, x, 8, false));
    assert_null(send_frag(e, 4, 3, 16, true, SK_IPPROTO_UDP, x, 8, false));
    assert_int_equal(ctr(e, "defrag.max_frags_reached"), 1);
    env_free(e);
}

static void
tiny_memcap(DefragConfig *c)
{
    c->memcap = 1; /* not even one pool chunk */
}

static void
memcap_keeps_no_fragment(void **state)
{
    (void)state;
    Env *e = env_new(DEFRAG_POLICY_BSD, tiny_memcap);
    uint8_t x[8] = {0};
    assert_null(send_frag(e, 4, 1, 0, true, SK_IPPROTO_UDP, x, 8, false));
    assert_null(send_frag(e, 4, 1, 8, false, SK_IPPROTO_UDP, x, 8, false));
    assert_int_equal(ctr(e, "defrag.ipv4.reassembled"), 0);
    env_free(e);
}

static void
tiny_memcap_pass_packet(DefragConfig *c)
{
    c->memcap = 1;
    c->memcap_policy = EXC_POLICY_PASS_PACKET;
}

static void
tiny_memcap_drop_packet(DefragConfig *c)
{
    c->memcap = 1;
    c->memcap_policy = EXC_POLICY_DROP_PACKET;
}

static bool
has_counter(const Env *e, const char *name)
{
    const CounterSet *cs = defrag_table_counters(e->t);
    for (size_t i = 0; i < cs->cnt; i++) {
        if (strcmp(cs->names[i], name) == 0) {
            return true;
        }
    }
    return false;
}

/* defrag.memcap-policy: every fragment the memcap leaves without a tracker is counted under
 * the policy's action, Suricata's exception_policy.defrag.memcap.* names; ignore (the default)
 * registers none; drop-packet registers them but an IDS has no drop to count. */
static void
memcap_policy_is_counted_under_its_action(void **state)
{
    (void)state;
    uint8_t x[8] = {0};
    Env *e = env_new(DEFRAG_POLICY_BSD, tiny_memcap_pass_packet);
    assert_null(send_frag(e, 4, 1, 0, true, SK_IPPROTO_UDP, x, 8, false));
    assert_null(send_frag(e, 6, 1, 8, false, SK_IPPROTO_UDP, x, 8, false));
    assert_int_equal(ctr(e, "exception_policy.defrag.memcap.pass_packet"), 2);
    assert_int_equal(ctr(e, "exception_policy.defrag.memcap.bypass"), 0);
    assert_false(has_counter(e, "exception_policy.defrag.memcap.pass_flow"));
    env_free(e);

    e = env_new(DEFRAG_POLICY_BSD, tiny_memcap);
    assert_null(send_frag(e, 4, 1, 0, true, SK_IPPROTO_UDP, x, 8, false));
    assert_false(has_counter(e, "exception_policy.defrag.memcap.pass_packet"));
    env_free(e);

    e = env_new(DEFRAG_POLICY_BSD, tiny_memcap_drop_packet);
    assert_null(send_frag(e, 4, 1, 0, true, SK_IPPROTO_UDP, x, 8, false));
    assert_int_equal(ctr(e, "exception_policy.defrag.memcap.pass_packet"), 0);
    assert_int_equal(ctr(e, "exception_policy.defrag.memcap.reject"), 0);
    env_free(e);
}

/* RFC 7112: a first fragment that cuts the header chain before the end of the upper-layer
 * header raises ipv6.frag_invalid_length on that fragment; the datagram is still reassembled
 * and decoded, as Suricata 8.0.7 does (it raises nothing). A first fragment that holds the
 * whole chain raises nothing. */
static void
ipv6_first_fragment_splitting_the_upper_header_raises_an_event(void **state)
{
    (void)state;
    Env *e = env_new(DEFRAG_POLICY_LINUX, NULL);
    uint8_t tcp[32] = {0x04, 0xd2, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0x20, 0};
    /* TCP: 8 of its 20 header bytes in the first fragment. */
    assert_null(send_frag(e, 6, 1, 0, true, SK_IPPROTO_TCP, tcp, 8, false));
    assert_true(packet_has_event(&e->frag, DECODE_IPV6_FRAG_INVALID_LENGTH));
    Packet *d = send_frag(e, 6, 1, 8, false, SK_IPPROTO_TCP, tcp + 8, 24, false);
    assert_false(packet_has_event(&e->frag, DECODE_IPV6_FRAG_INVALID_LENGTH));
    assert_non_null(d);
    assert_int_equal(d->proto, SK_IPPROTO_TCP);
    assert_int_equal(d->dp, 80);
    assert_int_equal(ctr(e, "defrag.ipv6.reassembled"), 1);

    /* TCP's 20 bytes (and more) in the first fragment: nothing to say. */
    assert_null(send_frag(e, 6, 2, 0, true, SK_IPPROTO_TCP, tcp, 24, false));
    assert_false(packet_has_event(&e->frag, DECODE_IPV6_FRAG_INVALID_LENGTH));

    /* A destination options header after the fragment header, the UDP header after it in the
     * second fragment. */
    uint8_t dst_udp[24] = {SK_IPPROTO_UDP, 0, 1, 4, 0, 0, 0, 0, 0, 53, 0x14, 0xe9, 0, 16};
    assert_null(send_frag(e, 6, 3, 0, true, SK_IPPROTO_DSTOPTS, dst_udp, 8, false));
    assert_true(packet_has_event(&e->frag, DECODE_IPV6_FRAG_INVALID_LENGTH));
    assert_null(send_frag(e, 6, 4, 0, true, SK_IPPROTO_DSTOPTS, dst_udp, 16, false));
    assert_false(packet_has_event(&e->frag, DECODE_IPV6_FRAG_INVALID_LENGTH));

    env_free(e);
}

/* The timer runs from the first fragment, as a target's: a datagram whose last fragment comes
 * after defrag.timeout is not completed. */
static void
timeout_runs_from_the_first_fragment(void **state)
{
    (void)state;
    Env *e = env_new(DEFRAG_POLICY_BSD, NULL);
    uint8_t x[8] = {0};
    assert_null(send_frag(e, 4, 1, 0, true, SK_IPPROTO_UDP, x, 8, false));
    e->now += SK_TIME_FROM_SEC(60);
    assert_null(send_frag(e, 4, 1, 8, false, SK_IPPROTO_UDP, x, 8, false));
    assert_int_equal(ctr(e, "defrag.ipv4.timeouts"), 1);
    assert_int_equal(defrag_table_timeout(e->t, e->now + SK_TIME_FROM_SEC(61), 8), 1);
    assert_int_equal(defrag_table_active(e->t), 0);
    assert_int_equal(ctr(e, "defrag.wrk.tracker_timeout"), 1);
    env_free(e);
}

static void
events_too_large_and_ignored(void **state)
{
    (void)state;
    Env *e = env_new(DEFRAG_POLICY_BSD, NULL);
    uint8_t x[64] = {0};
    /* 20 + 65512 + 16 > 65535 */
    assert_null(send_frag(e, 4, 1, 65512, false, SK_IPPROTO_UDP, x, 16, false));
    assert_true(packet_has_event(&e->frag, DECODE_IPV4_FRAG_PKT_TOO_LARGE));
    assert_null(send_frag(e, 6, 1, 65528, false, SK_IPPROTO_UDP, x, 16, false));
    assert_true(packet_has_event(&e->frag, DECODE_IPV6_FRAG_PKT_TOO_LARGE));
    /* A fragment with no data. */
    assert_null(send_frag(e, 4, 2, 8, true, SK_IPPROTO_UDP, x, 0, false));
    assert_true(packet_has_event(&e->frag, DECODE_IPV4_FRAG_IGNORED));
    env_free(e);
    /* Linux: a second last fragment with another end drops the datagram. */
    e = env_new(DEFRAG_POLICY_LINUX, NULL);
    assert_null(send_frag(e, 6, 3, 16, false, SK_IPPROTO_UDP, x, 8, false));
    assert_null(send_frag(e, 6, 3, 16, false, SK_IPPROTO_UDP, x, 16, false));
    assert_true(packet_has_event(&e->frag, DECODE_IPV6_FRAG_IGNORED));
    assert_int_equal(defrag_table_active(e->t), 0);
    env_free(e);
}

/* The fragment header's next header is part of the key: fragments that disagree on it are not
 * one datagram (Suricata 7.0.5 on, after CVE-2024-32867). */
static void
ipv6_differing_next_headers_are_different_datagrams(void **state)
{
    (void)state;
    Env *e = env_new(DEFRAG_POLICY_LINUX, NULL);
    uint8_t x[16] = {0};
    assert_null(send_frag(e, 6, 5, 0, true, SK_IPPROTO_UDP, x, 16, false));
    assert_null(send_frag(e, 6, 5, 16, false, SK_IPPROTO_TCP, x, 8, false));
    assert_int_equal(defrag_table_active(e->t), 2);
    env_free(e);
}

static void
policy_names_are_suricatas(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        DefragPolicy p;
    } n[] = {{"bsd", DEFRAG_POLICY_BSD},           {"bsd-right", DEFRAG_POLICY_BSD_RIGHT},
             {"old-linux", DEFRAG_POLICY_LINUX},   {"linux", DEFRAG_POLICY_LINUX},
             {"old-solaris", DEFRAG_POLICY_FIRST}, {"solaris", DEFRAG_POLICY_SOLARIS},
             {"hpux10", DEFRAG_POLICY_BSD},        {"hpux11", DEFRAG_POLICY_FIRST},
             {"irix", DEFRAG_POLICY_BSD},          {"macos", DEFRAG_POLICY_FIRST},
             {"vista", DEFRAG_POLICY_WINDOWS},     {"windows2k3", DEFRAG_POLICY_WINDOWS},
             {"windows", DEFRAG_POLICY_WINDOWS},   {"first", DEFRAG_POLICY_FIRST},
             {"last", DEFRAG_POLICY_LAST},         {"openbsd", DEFRAG_POLICY_OPENBSD}};
    for (size_t i = 0; i < sizeof(n) / sizeof(n[0]); i++) {
        DefragPolicy p;
        assert_true(defrag_policy_from_name(n[i].name, &p));
        assert_int_equal(p, n[i].p);
    }
    DefragPolicy p;
    assert_false(defrag_policy_from_name("beos", &p));
}

static void
host_os_policy_takes_the_longest_prefix(void **state)
{
    (void)state;
    DefragConfig c;
    defrag_config_default(&c);
    c.host_os[c.host_os_cnt++] =
        (DefragHostOs){.ip_ver = 4, .bits = 0, .policy = DEFRAG_POLICY_WINDOWS};
    c.host_os[c.host_os_cnt++] = (DefragHostOs){
        .addr.b = {192, 0, 2}, .ip_ver = 4, .bits = 24, .policy = DEFRAG_POLICY_LINUX};
    SkAddr a = {.b = {192, 0, 2, 7}}, b = {.b = {198, 51, 100, 1}}, v6 = {.b = {0x20, 0x01}};
    assert_int_equal(defrag_config_policy(&c, &a, 4), DEFRAG_POLICY_LINUX);
    assert_int_equal(defrag_config_policy(&c, &b, 4), DEFRAG_POLICY_WINDOWS);
    assert_int_equal(defrag_config_policy(&c, &v6, 6), DEFRAG_POLICY_BSD); /* the default */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(novak_ipv4_every_byte_policy_reads_as_novak_table),
        cmocka_unit_test(novak_ipv6_byte_policies_read_as_ipv4),
        cmocka_unit_test(ipv6_linux_drops_what_lies_inside_a_run),
        cmocka_unit_test(ipv6_linux_drops_the_datagram_on_a_partial_overlap),
        cmocka_unit_test(ipv6_bsd_keeps_the_first_of_exact_duplicates),
        cmocka_unit_test(ipv6_windows_drops_fragments_it_already_holds),
        cmocka_unit_test(ipv6_openbsd_drops_even_exact_duplicates),
        cmocka_unit_test(ipv4_udp_datagram_is_decoded_with_ports_and_a_valid_header),
        cmocka_unit_test(ipv6_datagram_keeps_the_unfragmentable_headers),
        cmocka_unit_test(trackers_at_the_cap_take_the_oldest),
        cmocka_unit_test(memcap_keeps_no_fragment),
        cmocka_unit_test(memcap_policy_is_counted_under_its_action),
        cmocka_unit_test(ipv6_first_fragment_splitting_the_upper_header_raises_an_event),
        cmocka_unit_test(timeout_runs_from_the_first_fragment),
        cmocka_unit_test(events_too_large_and_ignored),
        cmocka_unit_test(ipv6_differing_next_headers_are_different_datagrams),
        cmocka_unit_test(policy_names_are_suricatas),
        cmocka_unit_test(host_os_policy_takes_the_longest_prefix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
