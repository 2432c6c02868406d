/* test_segments.c: the TCP segment store (src/stream/segments.c) and the overlap policies
 * (src/stream/policy.c).
 *
 * The shape table: one held segment O = offsets [10, 20) of 'o', one new segment N of 'N' in
 * each shape relative to it, and "ABCDEF" at [0, 6), sent either first (O in order) or last
 * (O and N behind a hole). The expected readings are what Suricata 8.0.7 reassembled from the
 * same segments in a capture (tools/make-stream-evasion.py writes such captures) with each
 * host-os-policy name, read from its alert payload ('_' where it printed "[n bytes missing]");
 * every reading also follows from the OS rule policy.c cites for that policy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "stream/segments.h"

#define ISN 1000u

typedef struct {
    Memcap mc;
    TcpSegStore *st;
    TcpSegList l;
} Fixture;

static Fixture *
fixture_new(uint64_t depth, uint64_t cap)
{
    static Fixture fx;
    memset(&fx, 0, sizeof(fx));
    memcap_init_fixed(&fx.mc, cap);
    StreamReasmConfig cfg = {.depth = depth};
    fx.st = tcp_segstore_new(&cfg, &fx.mc);
    assert_non_null(fx.st);
    tcp_seglist_init(&fx.l, fx.st, ISN);
    return &fx;
}

static void
fixture_free(Fixture *fx)
{
    tcp_seglist_fini(&fx->l);
    tcp_segstore_free(fx->st);
    assert_int_equal(memcap_used(&fx->mc), 0);
}

static TcpInsertResult
put(Fixture *fx, uint64_t off, const char *s, uint8_t policy)
{
    return tcp_seglist_insert(&fx->l, ISN + 1u + (uint32_t)off, (const uint8_t *)s,
                              (uint32_t)strlen(s), policy);
}

/* Offsets [from, to) as a string, '_' for bytes not held; checks peek's chunks on the way. */
static void
read_range(const TcpSegList *l, uint64_t from, uint64_t to, char *out)
{
    memset(out, '_', to - from);
    out[to - from] = '\0';
    uint64_t off = from;
    StreamChunk ch;
    while (off < to && tcp_seglist_peek(l, off, &ch)) {
        assert_true(ch.offset >= off);
        assert_int_equal(ch.gap_len, ch.offset - off);
        assert_int_equal((ch.flags & STREAM_F_GAP) != 0, ch.gap_len > 0);
        assert_int_equal((ch.flags & STREAM_F_START) != 0, ch.offset == 0);
        assert_true(ch.data.left > 0);
        for (size_t i = 0; i < ch.data.left && ch.offset + i < to; i++) {
            out[ch.offset + i - from] = (char)ch.data.p[i];
        }
        off = ch.offset + ch.data.left;
    }
}

/* ---- The shape table ---- */

typedef struct {
    const char *name;
    uint64_t start, end; /* N's offsets */
} Shape;

static const Shape shapes[] = {
    {"before", 6, 14},         /* starts before O, ends inside */
    {"after", 16, 24},         /* starts inside O, ends after */
    {"inside", 12, 18},        /* within O */
    {"covering", 6, 24},       /* O within N */
    {"eqstart-short", 10, 14}, /* same start, ends inside */
    {"eqstart-long", 10, 24},  /* same start, ends after */
    {"eqend-late", 14, 20},    /* starts inside, same end */
    {"eqend-early", 6, 20},    /* starts before, same end */
    {"exact", 10, 20},         /* the same sequence numbers */
};
#define SHAPE_CNT (sizeof(shapes) / sizeof(shapes[0]))

/* The readings, 24 bytes [0, 24). Suricata 8.0.7 read the same with N in order and behind a
 * hole, so one row per shape serves both. */
static const struct {
    uint8_t policy;
    const char *reading[SHAPE_CNT];
} table[] = {
#define BSD_ROW                                                                                    \
    {                                                                                              \
        "ABCDEFNNNNNNNNoooooo____", "ABCDEF____ooooooooooNNNN", "ABCDEF____oooooooooo____",        \
            "ABCDEFNNNNNNNNNNNNNNNNNN", "ABCDEF____oooooooooo____", "ABCDEF____ooooooooooNNNN",    \
            "ABCDEF____oooooooooo____", "ABCDEFNNNNNNNNNNNNNN____", "ABCDEF____oooooooooo____",    \
    }
    /* 4.4BSD tcp_reass / Novak & Sturges: new wins only where it starts before the old. */
    {STREAM_POLICY_BSD, BSD_ROW},
    {STREAM_POLICY_BSD_RIGHT, BSD_ROW},
    {STREAM_POLICY_WINDOWS, BSD_ROW},
    {STREAM_POLICY_WINDOWS2K3, BSD_ROW},
    {STREAM_POLICY_HPUX10, BSD_ROW},
    {STREAM_POLICY_IRIX, BSD_ROW},
    {STREAM_POLICY_MACOS, BSD_ROW},
    /* Linux tcp_data_queue_ofo: as bsd, and a same-start longer segment replaces the old. */
    {STREAM_POLICY_LINUX,
     {"ABCDEFNNNNNNNNoooooo____", "ABCDEF____ooooooooooNNNN", "ABCDEF____oooooooooo____",
      "ABCDEFNNNNNNNNNNNNNNNNNN", "ABCDEF____oooooooooo____", "ABCDEF____NNNNNNNNNNNNNN",
      "ABCDEF____oooooooooo____", "ABCDEFNNNNNNNNNNNNNN____", "ABCDEF____oooooooooo____"}},
    /* Old Linux (Novak & Sturges): as linux, and an exact copy replaces too. */
    {STREAM_POLICY_OLD_LINUX,
     {"ABCDEFNNNNNNNNoooooo____", "ABCDEF____ooooooooooNNNN", "ABCDEF____oooooooooo____",
      "ABCDEFNNNNNNNNNNNNNNNNNN", "ABCDEF____oooooooooo____", "ABCDEF____NNNNNNNNNNNNNN",
      "ABCDEF____oooooooooo____", "ABCDEFNNNNNNNNNNNNNN____", "ABCDEF____NNNNNNNNNN____"}},
#define SOLARIS_ROW                                                                                \
    {                                                                                              \
        "ABCDEFNNNNoooooooooo____", "ABCDEF____ooooooNNNNNNNN", "ABCDEF____oooooooooo____",        \
            "ABCDEFNNNNNNNNNNNNNNNNNN", "ABCDEF____oooooooooo____", "ABCDEF____NNNNNNNNNNNNNN",    \
            "ABCDEF____oooooooooo____", "ABCDEFNNNNNNNNNNNNNN____", "ABCDEF____NNNNNNNNNN____",    \
    }
    /* Solaris, HP-UX 11 (Novak & Sturges): judged by the right edge. */
    {STREAM_POLICY_SOLARIS, SOLARIS_ROW},
    {STREAM_POLICY_OLD_SOLARIS, SOLARIS_ROW},
    {STREAM_POLICY_HPUX11, SOLARIS_ROW},
#define FIRST_ROW                                                                                  \
    {                                                                                              \
        "ABCDEFNNNNoooooooooo____", "ABCDEF____ooooooooooNNNN", "ABCDEF____oooooooooo____",        \
            "ABCDEFNNNNooooooooooNNNN", "ABCDEF____oooooooooo____", "ABCDEF____ooooooooooNNNN",    \
            "ABCDEF____oooooooooo____", "ABCDEFNNNNoooooooooo____", "ABCDEF____oooooooooo____",    \
    }
    /* Vista (Novak & Sturges) and "first": the old bytes always. */
    {STREAM_POLICY_VISTA, FIRST_ROW},
    {STREAM_POLICY_FIRST, FIRST_ROW},
    /* "last": the new bytes always (not a Suricata host-os-policy name; by its definition). */
    {STREAM_POLICY_LAST,
     {"ABCDEFNNNNNNNNoooooo____", "ABCDEF____ooooooNNNNNNNN", "ABCDEF____ooNNNNNNoo____",
      "ABCDEFNNNNNNNNNNNNNNNNNN", "ABCDEF____NNNNoooooo____", "ABCDEF____NNNNNNNNNNNNNN",
      "ABCDEF____ooooNNNNNN____", "ABCDEFNNNNNNNNNNNNNN____", "ABCDEF____NNNNNNNNNN____"}},
};

static void
run_shape(uint8_t policy, const Shape *sh, bool hole, const char *expect)
{
    Fixture *fx = fixture_new(0, 64u << 20);
    char n[32];
    memset(n, 'N', sh->end - sh->start);
    n[sh->end - sh->start] = '\0';
    if (!hole) {
        put(fx, 0, "ABCDEF", policy);
    }
    assert_int_equal(put(fx, 10, "oooooooooo", policy).flags, 0);
    TcpInsertResult r = put(fx, sh->start, n, policy);
    /* Every shape overlaps O, always with different bytes. */
    assert_true(r.flags & TCP_INS_OVERLAP);
    assert_true(r.flags & TCP_INS_DIFFERENT);
    if (hole) {
        put(fx, 0, "ABCDEF", policy);
    }
    char got[32];
    read_range(&fx->l, 0, 24, got);
    if (strcmp(got, expect) != 0) {
        fail_msg("policy %s, shape %s (%s): got %s, expected %s", stream_policy_name(policy),
                 sh->name, hole ? "behind a hole" : "in order", got, expect);
    }
    fixture_free(fx);
}

static void
every_shape_under_every_policy_reads_as_suricata_does(void **state)
{
    (void)state;
    bool seen[STREAM_POLICY_MAX] = {false};
    for (size_t t = 0; t < sizeof(table) / sizeof(table[0]); t++) {
        seen[table[t].policy] = true;
        for (size_t s = 0; s < SHAPE_CNT; s++) {
            run_shape(table[t].policy, &shapes[s], false, table[t].reading[s]);
            run_shape(table[t].policy, &shapes[s], true, table[t].reading[s]);
        }
    }
    for (unsigned p = 0; p < STREAM_POLICY_MAX; p++) {
        assert_true(seen[p]); /* no policy left out of the table */
    }
}

static void
overlap_with_the_same_bytes_is_not_different_data(void **state)
{
    (void)state;
    Fixture *fx = fixture_new(0, 64u << 20);
    put(fx, 0, "GET /index", STREAM_POLICY_LINUX);
    TcpInsertResult r = put(fx, 4, "/index.html", STREAM_POLICY_LINUX);
    assert_true(r.flags & TCP_INS_OVERLAP);
    assert_false(r.flags & TCP_INS_DIFFERENT);
    assert_int_equal(r.overlap_len, 6);
    assert_int_equal(r.stored, 5);
    char got[32];
    read_range(&fx->l, 0, 15, got);
    assert_string_equal(got, "GET /index.html");
    fixture_free(fx);
}

/* One new segment against two held ones: bsd keeps the one that starts before it and loses
 * the one that starts after it (4.4BSD: the preceding segment trims the new one; the new one
 * trims its successors). */
static void
bsd_new_segment_across_two_held_segments(void **state)
{
    (void)state;
    Fixture *fx = fixture_new(0, 64u << 20);
    put(fx, 0, "aaaa", STREAM_POLICY_BSD);
    put(fx, 6, "bbbb", STREAM_POLICY_BSD);
    TcpInsertResult r = put(fx, 2, "XXXXXXXX", STREAM_POLICY_BSD); /* [2, 10) */
    assert_int_equal(r.overlap_len, 2 + 4);
    assert_int_equal(r.replaced, 4);
    assert_int_equal(r.stored, 2);
    char got[16];
    read_range(&fx->l, 0, 10, got);
    assert_string_equal(got, "aaaaXXXXXX");
    fixture_free(fx);
}

/* Ownership moves with the bytes: after "last" replaced the middle of O, a later segment is
 * judged against the segment that wrote each byte. Under linux, a segment starting with N's
 * start and longer than N replaces N's bytes but not O's remaining ones (it starts after O). */
static void
a_third_segment_is_judged_against_each_bytes_writer(void **state)
{
    (void)state;
    Fixture *fx = fixture_new(0, 64u << 20);
    put(fx, 0, "oooooooooo", STREAM_POLICY_LINUX);                 /* O [0, 10) */
    put(fx, 2, "NNNN", STREAM_POLICY_LAST);                        /* N [2, 6) wins: last */
    TcpInsertResult r = put(fx, 2, "ZZZZZZ", STREAM_POLICY_LINUX); /* [2, 8) */
    assert_int_equal(r.replaced, 4); /* same start as N and longer: replaces N only */
    char got[16];
    read_range(&fx->l, 0, 10, got);
    assert_string_equal(got, "ooZZZZoooo");
    fixture_free(fx);
}

/* tools/make-stream-evasion.py's overlap-words capture, segment for segment: four overlaps,
 * one letter each, that spell a different word per policy family (Suricata 8.0.7 reads the
 * capture the same way under each host-os-policy name). */
static void
overlap_words_spell_each_familys_word(void **state)
{
    (void)state;
    static const struct {
        uint8_t policy;
        const char *word;
    } want[] = {
        {STREAM_POLICY_VISTA, "CASE"},   {STREAM_POLICY_FIRST, "CASE"},
        {STREAM_POLICY_BSD, "BASE"},     {STREAM_POLICY_WINDOWS, "BASE"},
        {STREAM_POLICY_LINUX, "BARE"},   {STREAM_POLICY_OLD_LINUX, "BARN"},
        {STREAM_POLICY_SOLARIS, "CORN"}, {STREAM_POLICY_HPUX11, "CORN"},
        {STREAM_POLICY_LAST, "BORN"},
    };
    static const struct {
        uint64_t off;
        const char *bytes;
    } segs[] = {
        {7, "C---"},    {5, "--B"},     /* before: new starts first, ends inside */
        {11, "--A-"},   {13, "O---"},   /* after: new starts inside, ends after */
        {17, "--S"},    {17, "--R---"}, /* same start, new longer */
        {23, "--E---"}, {23, "--N---"}, /* exact */
    };
    for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++) {
        for (int hole = 0; hole < 2; hole++) {
            Fixture *fx = fixture_new(0, 64u << 20);
            if (!hole) {
                put(fx, 0, "GET /", want[w].policy);
            }
            for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
                put(fx, segs[i].off, segs[i].bytes, want[w].policy);
            }
            if (hole) {
                put(fx, 0, "GET /", want[w].policy);
            }
            char got[32], expect[32];
            const char *c = want[w].word;
            snprintf(expect, sizeof(expect), "GET /--%c-----%c-----%c-----%c---", c[0], c[1], c[2],
                     c[3]);
            read_range(&fx->l, 0, 29, got);
            assert_string_equal(got, expect);
            fixture_free(fx);
        }
    }
}

static void
out_of_order_segments_read_in_order_with_gaps(void **state)
{
    (void)state;
    Fixture *fx = fixture_new(0, 64u << 20);
    put(fx, 8, "IJKL", STREAM_POLICY_BSD);
    put(fx, 16, "QR", STREAM_POLICY_BSD);
    StreamChunk ch;
    assert_true(tcp_seglist_peek(&fx->l, 0, &ch));
    assert_int_equal(ch.flags, STREAM_F_GAP);
    assert_int_equal(ch.gap_len, 8);
    assert_int_equal(ch.offset, 8);
    assert_int_equal(ch.data.left, 4);
    assert_memory_equal(ch.data.p, "IJKL", 4);
    assert_int_equal(tcp_seglist_contiguous_end(&fx->l), 0);

    put(fx, 0, "ABCDEFGH", STREAM_POLICY_BSD);
    assert_true(tcp_seglist_peek(&fx->l, 0, &ch));
    assert_int_equal(ch.flags, STREAM_F_START);
    assert_int_equal(ch.data.left, 12); /* one span across two segments */
    assert_memory_equal(ch.data.p, "ABCDEFGHIJKL", 12);
    assert_int_equal(tcp_seglist_contiguous_end(&fx->l), 12);

    assert_true(tcp_seglist_peek(&fx->l, 5, &ch)); /* from the middle of a run */
    assert_int_equal(ch.offset, 5);
    assert_int_equal(ch.data.left, 7);
    assert_true(tcp_seglist_peek(&fx->l, 12, &ch)); /* the second hole */
    assert_int_equal(ch.gap_len, 4);
    assert_memory_equal(ch.data.p, "QR", 2);
    assert_false(tcp_seglist_peek(&fx->l, 18, &ch));
    assert_int_equal(tcp_seglist_held(&fx->l), 14);
    fixture_free(fx);
}

/* 100,000 one-byte segments behind a hole (each its own piece: the overlap policy needs each
 * writer's bounds): a reader waiting at the hole peeks after every one, and each peek costs
 * O(1), not a walk over the run (which would make this quadratic: minutes, not milliseconds). */
static void
peek_at_a_hole_before_a_long_run_of_pieces_is_constant_time(void **state)
{
    (void)state;
    Fixture *fx = fixture_new(0, 64u << 20);
    StreamChunk ch;
    for (uint32_t i = 0; i < 100000; i++) {
        TcpInsertResult r =
            tcp_seglist_insert(&fx->l, ISN + 1u + 10 + i, (const uint8_t *)"x", 1, 0);
        assert_int_equal(r.stored, 1);
        assert_true(tcp_seglist_peek(&fx->l, 0, &ch));
        assert_int_equal(ch.gap_len, 10);
        assert_int_equal(ch.data.left, i + 1);
    }
    assert_int_equal(fx->l.piece_cnt, 100000);
    put(fx, 0, "0123456789", 0); /* the hole filled: one run from 0 */
    assert_int_equal(tcp_seglist_contiguous_end(&fx->l), 100010);
    tcp_seglist_release(&fx->l, 50000);
    assert_true(tcp_seglist_peek(&fx->l, 50000, &ch));
    assert_int_equal(ch.data.left, 50010);
    fixture_free(fx);
}

/* Found by fuzz_stream: a segment that fills a hole and ends inside the piece after it joins
 * the whole of that piece to the run, not only its own bytes. */
static void
filling_a_hole_joins_the_piece_it_ends_in(void **state)
{
    (void)state;
    Fixture *fx = fixture_new(0, 64u << 20);
    put(fx, 0, "abcd", 0);
    put(fx, 6, "ghijklmnopqrst", 0); /* [6, 20) */
    assert_int_equal(tcp_seglist_contiguous_end(&fx->l), 4);
    put(fx, 3, "defgh", 0); /* [3, 8): fills [4, 6) */
    assert_int_equal(tcp_seglist_contiguous_end(&fx->l), 20);
    StreamChunk ch;
    assert_true(tcp_seglist_peek(&fx->l, 1, &ch));
    assert_int_equal(ch.data.left, 19);
    assert_memory_equal(ch.data.p, "bcdefghijklmnopqrst", 19);
    fixture_free(fx);
}

static void
sequence_numbers_wrap_around_zero(void **state)
{
    (void)state;
    static Fixture fx;
    memcap_init_fixed(&fx.mc, 64u << 20);
    StreamReasmConfig cfg = {0};
    fx.st = tcp_segstore_new(&cfg, &fx.mc);
    assert_non_null(fx.st);
    tcp_seglist_init(&fx.l, fx.st, 0xfffffff9u); /* data starts at 0xfffffffa */
    /* "HELLO" at 0xfffffffa..0xfffffffe, " WORLD" crosses 2^32: 0xffffffff, 0, 1, ... */
    const char *b = " WORLD";
    TcpInsertResult r = tcp_seglist_insert(&fx.l, 0xffffffffu, (const uint8_t *)b, 6, 0);
    assert_int_equal(r.stored, 6);
    r = tcp_seglist_insert(&fx.l, 0xfffffffau, (const uint8_t *)"HELLO", 5, 0);
    assert_int_equal(r.stored, 5);
    r = tcp_seglist_insert(&fx.l, 5u, (const uint8_t *)"!", 1, 0); /* after the wrap */
    assert_int_equal(r.stored, 1);
    char got[16];
    read_range(&fx.l, 0, 12, got);
    assert_string_equal(got, "HELLO WORLD!");
    uint64_t off;
    assert_true(tcp_seglist_offset(&fx.l, 5u, &off));
    assert_int_equal(off, 11);
    fixture_free(&fx);
}

/* Past 4 GiB of stream the offsets keep counting: the anchor follows the data. */
static void
offsets_keep_counting_past_four_gib(void **state)
{
    (void)state;
    Fixture *fx = fixture_new(0, 64u << 20);
    char block[4096];
    memset(block, 'x', sizeof(block));
    uint64_t off = 0;
    /* Simulate by releasing as we go: a reader that keeps up. Step 1 GiB at a time with a
     * release, the way a long session moves (no bytes needed in between for the anchor). */
    for (int i = 0; i < 5; i++) {
        tcp_seglist_release(&fx->l, off);
        TcpInsertResult r = tcp_seglist_insert(&fx->l, ISN + 1u + (uint32_t)off,
                                               (const uint8_t *)block, sizeof(block), 0);
        assert_int_equal(r.stored, sizeof(block));
        off += 1ull << 30;
    }
    StreamChunk ch;
    assert_true(tcp_seglist_peek(&fx->l, 4ull << 30, &ch));
    assert_int_equal(ch.offset, 4ull << 30);
    assert_int_equal(ch.data.left, sizeof(block));
    fixture_free(fx);
}

static void
depth_keeps_bytes_below_it_only(void **state)
{
    (void)state;
    Fixture *fx = fixture_new(16, 64u << 20);
    TcpInsertResult r = put(fx, 0, "0123456789", 0);
    assert_int_equal(r.flags, 0);
    r = put(fx, 10, "ABCDEFGHIJ", 0); /* [10, 20): 6 kept */
    assert_int_equal(r.flags, TCP_INS_DEPTH);
    assert_int_equal(r.stored, 6);
    r = put(fx, 30, "zz", 0); /* wholly beyond */
    assert_int_equal(r.flags, TCP_INS_DEPTH);
    assert_int_equal(r.stored, 0);
    StreamChunk ch;
    assert_true(tcp_seglist_peek(&fx->l, 0, &ch));
    assert_int_equal(ch.data.left, 16);
    assert_int_equal(ch.flags, STREAM_F_START | STREAM_F_DEPTH);
    fixture_free(fx);
}

static void
memcap_refuses_the_insertion_whole_and_changes_nothing(void **state)
{
    (void)state;
    /* Pools grow by chunks of about 64 KiB: pieces, 4 KiB buffers, 16 KiB buffers fit in
     * 200 KiB, a 128 KiB buffer does not. */
    Fixture *fx = fixture_new(0, 200u << 10);
    char big[10000];
    memset(big, 'b', sizeof(big));
    TcpInsertResult r = put(fx, 0, "abcd", 0);
    assert_int_equal(r.stored, 4);
    /* 8 KiB more needs an 8 KiB buffer chunk (64 KiB + header): still fits. */
    r = tcp_seglist_insert(&fx->l, ISN + 1u + 100, (const uint8_t *)big, 8192, 0);
    assert_int_equal(r.stored, 8192);
    /* A 68 KiB span needs a 128 KiB buffer: over 200 KiB with what is charged. */
    r = tcp_seglist_insert(&fx->l, ISN + 1u + 60000, (const uint8_t *)big, 8192, 0);
    assert_int_equal(r.flags, TCP_INS_MEMCAP);
    assert_int_equal(r.stored, 0);
    char got[8];
    read_range(&fx->l, 0, 4, got);
    assert_string_equal(got, "abcd");
    assert_int_equal(tcp_seglist_held(&fx->l), 4 + 8192);
    /* Released below the far segment, it fits the 16 KiB buffer given back. */
    tcp_seglist_release(&fx->l, 100 + 8192);
    r = tcp_seglist_insert(&fx->l, ISN + 1u + 60000, (const uint8_t *)big, sizeof(big), 0);
    assert_int_equal(r.stored, sizeof(big));
    fixture_free(fx);
}

static void
max_span_refuses_data_too_far_ahead(void **state)
{
    (void)state;
    static Fixture fx;
    memcap_init_fixed(&fx.mc, 64u << 20);
    StreamReasmConfig cfg = {.max_span = 64u << 10};
    fx.st = tcp_segstore_new(&cfg, &fx.mc);
    tcp_seglist_init(&fx.l, fx.st, ISN);
    assert_int_equal(put(&fx, 0, "a", 0).stored, 1);
    assert_int_equal(put(&fx, (64u << 10) - 1, "z", 0).stored, 1);
    assert_int_equal(put(&fx, 64u << 10, "!", 0).flags, TCP_INS_MEMCAP);
    fixture_free(&fx);
}

static void
release_frees_and_drops_late_data_below_it(void **state)
{
    (void)state;
    Fixture *fx = fixture_new(0, 64u << 20);
    put(fx, 0, "0123456789", 0);
    put(fx, 12, "CD", 0);
    tcp_seglist_release(&fx->l, 4);
    assert_int_equal(tcp_seglist_held(&fx->l), 8);
    StreamChunk ch;
    assert_true(tcp_seglist_peek(&fx->l, 0, &ch)); /* below the floor: from the floor */
    assert_int_equal(ch.offset, 4);
    assert_int_equal(ch.flags, 0);
    assert_int_equal(ch.data.left, 6);
    /* A retransmission over released bytes: those are gone, the rest still counts. */
    TcpInsertResult r = put(fx, 2, "xxxxxx", STREAM_POLICY_LAST);
    assert_true(r.flags & TCP_INS_OLD);
    assert_int_equal(r.overlap_len, 4);
    char got[16];
    read_range(&fx->l, 4, 14, got);
    assert_string_equal(got, "xxxx89__CD");
    tcp_seglist_release(&fx->l, 14);
    assert_int_equal(tcp_seglist_held(&fx->l), 0);
    assert_false(tcp_seglist_peek(&fx->l, 0, &ch));
    assert_int_equal(put(fx, 0, "old", 0).flags, TCP_INS_OLD | TCP_INS_OVERLAP);
    assert_int_equal(put(fx, 14, "new", 0).stored, 3);
    fixture_free(fx);
}

/* A reader that keeps up: thousands of segments, the buffer never grows past its first size,
 * and after the first chunk of pieces no more memory is charged. */
static void
warm_store_charges_nothing_more_per_segment(void **state)
{
    (void)state;
    Fixture *fx = fixture_new(0, 64u << 20);
    char seg[1460];
    memset(seg, 's', sizeof(seg));
    put(fx, 0, "warm", 0);
    tcp_seglist_release(&fx->l, 4);
    uint64_t charged = memcap_used(&fx->mc);
    uint64_t off = 4;
    for (int i = 0; i < 10000; i++) {
        TcpInsertResult r = tcp_seglist_insert(&fx->l, ISN + 1u + (uint32_t)off,
                                               (const uint8_t *)seg, sizeof(seg), 0);
        assert_int_equal(r.stored, sizeof(seg));
        off += sizeof(seg);
        tcp_seglist_release(&fx->l, off);
    }
    assert_int_equal(memcap_used(&fx->mc), charged);
    fixture_free(fx);
}

/* Ranges only (no reader, no different-data check): thousands of random segments (in order,
 * out of order, overlapping, retransmitted, behind holes, past the depth and the span, across
 * the sequence wrap) and releases go into a byte store and a ranges-only store; after each,
 * both report the same (in half the rounds the second list keeps bytes until it drops them
 * part way through: tcp_seglist_drop_bytes): bytes stored, bytes overlapping, flags (but different-data, which
 * only the bytes can tell), bytes held, the contiguous end, and what peek finds where. */
static void
ranges_only_store_reports_what_the_byte_store_does(void **state)
{
    (void)state;
    static Memcap mc[2];
    static TcpSegList l[2];
    TcpSegStore *st[2];
    static uint8_t data[3000];
    for (size_t i = 0; i < sizeof(data); i++) {
        data[i] = (uint8_t)('a' + i % 7);
    }
    uint32_t rnd = 12345;
#define RND(n) ((rnd = rnd * 1103515245u + 12345u), (rnd >> 8) % (n))
    for (int round = 0; round < 40; round++) {
        StreamReasmConfig cfg = {.depth = round % 3 == 0 ? 300000 : 0, .max_span = 64u << 10};
        uint32_t isn = 0xffffff00u + (uint32_t)round * 7u; /* wraps early in some rounds */
        for (int k = 0; k < 2; k++) {
            memcap_init_fixed(&mc[k], 64u << 20);
            st[k] = tcp_segstore_new(&cfg, &mc[k]);
            assert_non_null(st[k]);
            tcp_segstore_set_ranges_only(st[k], k == 1 && round % 2 == 0);
            tcp_seglist_init(&l[k], st[k], isn);
        }
        uint64_t front = 0, floor = 0;
        for (int op = 0; op < 400; op++) {
            if (op == 150 && round % 2 == 1) {
                tcp_seglist_drop_bytes(&l[1]); /* a byte list becomes a ranges list */
            }
            if (RND(6) == 0) {
                uint64_t back = RND(6000);
                floor = front > floor + back ? front - back : floor;
                tcp_seglist_release(&l[0], floor);
                tcp_seglist_release(&l[1], floor);
            } else {
                /* Mostly in order at the front; else anywhere near it, some before the
                 * release point, some far ahead (the span). */
                uint64_t off =
                    RND(3) != 0 ? front : front + RND(6000) - (front < 3000 ? front : 3000);
                if (RND(50) == 0) {
                    off = front + (70u << 10);
                }
                uint32_t len = 1 + RND(sizeof(data) - 7); /* data + RND(7) stays inside */
                uint8_t policy = (uint8_t)RND(STREAM_POLICY_MAX);
                uint32_t seq = isn + 1u + (uint32_t)off - (RND(40) == 0 ? 5u : 0u);
                TcpInsertResult r0 = tcp_seglist_insert(&l[0], seq, data + RND(7), len, policy);
                TcpInsertResult r1 = tcp_seglist_insert(&l[1], seq, data + RND(7), len, policy);
                assert_int_equal(r0.stored, r1.stored);
                assert_int_equal(r0.overlap_len, r1.overlap_len);
                assert_int_equal(r0.flags & ~TCP_INS_DIFFERENT, r1.flags & ~TCP_INS_DIFFERENT);
                if (!(r0.flags & TCP_INS_MEMCAP) && off + len > front && off <= front) {
                    front = off + len;
                }
            }
            assert_int_equal(tcp_seglist_held(&l[0]), tcp_seglist_held(&l[1]));
            assert_int_equal(tcp_seglist_contiguous_end(&l[0]), tcp_seglist_contiguous_end(&l[1]));
            for (uint64_t at = floor; at < front + 4000; at += 997) {
                StreamChunk c0, c1;
                bool h0 = tcp_seglist_peek(&l[0], at, &c0), h1 = tcp_seglist_peek(&l[1], at, &c1);
                assert_int_equal(h0, h1);
                if (h0) {
                    assert_int_equal(c0.offset, c1.offset);
                    assert_int_equal(c0.gap_len, c1.gap_len);
                    if (l[1].ranges) {
                        assert_int_equal(c1.data.left, 0); /* no bytes to hand out */
                    }
                    assert_int_equal(c0.flags & ~STREAM_F_DEPTH, c1.flags & ~STREAM_F_DEPTH);
                }
            }
        }
        /* No bytes held: only piece records charged, never more than the byte store's. */
        assert_true(memcap_used(&mc[1]) <= memcap_used(&mc[0]));
        assert_int_equal(tcp_segstore_bufs_used(st[1]), 0);
        for (int k = 0; k < 2; k++) {
            tcp_seglist_fini(&l[k]);
            tcp_segstore_free(st[k]);
            assert_int_equal(memcap_used(&mc[k]), 0);
        }
    }
#undef RND
}

static void
policy_names_are_suricatas(void **state)
{
    (void)state;
    uint8_t p = 0;
    assert_true(stream_policy_from_name("old-linux", true, &p));
    assert_int_equal(p, STREAM_POLICY_OLD_LINUX);
    assert_true(stream_policy_from_name("windows2k3", true, &p));
    assert_int_equal(p, STREAM_POLICY_WINDOWS2K3);
    assert_false(stream_policy_from_name("first", true, &p)); /* Suricata refuses it */
    assert_true(stream_policy_from_name("first", false, &p));
    assert_int_equal(p, STREAM_POLICY_FIRST);
    assert_false(stream_policy_from_name("Linux", false, &p));
    for (unsigned i = 0; i < STREAM_POLICY_MAX; i++) {
        assert_true(stream_policy_from_name(stream_policy_name(i), false, &p));
        assert_int_equal(p, i);
    }
    assert_null(stream_policy_name(STREAM_POLICY_MAX));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_shape_under_every_policy_reads_as_suricata_does),
        cmocka_unit_test(overlap_with_the_same_bytes_is_not_different_data),
        cmocka_unit_test(bsd_new_segment_across_two_held_segments),
        cmocka_unit_test(a_third_segment_is_judged_against_each_bytes_writer),
        cmocka_unit_test(overlap_words_spell_each_familys_word),
        cmocka_unit_test(out_of_order_segments_read_in_order_with_gaps),
        cmocka_unit_test(peek_at_a_hole_before_a_long_run_of_pieces_is_constant_time),
        cmocka_unit_test(filling_a_hole_joins_the_piece_it_ends_in),
        cmocka_unit_test(sequence_numbers_wrap_around_zero),
        cmocka_unit_test(offsets_keep_counting_past_four_gib),
        cmocka_unit_test(depth_keeps_bytes_below_it_only),
        cmocka_unit_test(memcap_refuses_the_insertion_whole_and_changes_nothing),
        cmocka_unit_test(max_span_refuses_data_too_far_ahead),
        cmocka_unit_test(release_frees_and_drops_late_data_below_it),
        cmocka_unit_test(warm_store_charges_nothing_more_per_segment),
        cmocka_unit_test(ranges_only_store_reports_what_the_byte_store_does),
        cmocka_unit_test(policy_names_are_suricatas),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
