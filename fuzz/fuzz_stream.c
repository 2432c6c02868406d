/* fuzz_stream.c: libFuzzer harness for the TCP segment store (src/stream/segments.c), checking
 * its promise rather than only that it survives.
 *
 * Input: 8 header bytes (the ISN, 32-bit little-endian, so sequence numbers wrap anywhere; the
 * policy; the depth; the memcap; the max span), then records of 5 bytes: an operation and a
 * 16-bit offset and a 16-bit length. Operations insert a segment (its bytes made from its
 * index, so every segment differs from the others), release up to an offset, or peek.
 *
 * The property: after every operation the store reads as a naive model does, a byte array where
 * each byte remembers the segment that wrote it and every overlap is settled byte by byte with
 * stream_policy_new_wins() (one policy-consistent reading); refused insertions change nothing;
 * the counts of stored, overlapping and replaced bytes agree; and after fini every piece and
 * buffer is back in its pool and the Memcap is empty once the store is freed. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/memcap.h"
#include "stream/segments.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SPAN 0x20000 /* model offsets: [0, 128 KiB) covers 16-bit offsets plus lengths */

typedef struct {
    uint8_t byte[SPAN];
    bool held[SPAN];
    uint64_t own_start[SPAN], own_end[SPAN];
    uint64_t floor;
    uint64_t top; /* nothing held at or above it: the part to compare and to clear */
} Model;

static Model model;

/* Says which promise broke before aborting, for the crash report. */
#define check(ok)                                                                                  \
    do {                                                                                           \
        if (!(ok)) {                                                                               \
            fprintf(stderr, "fuzz_stream: line %d: %s\n", __LINE__, #ok);                          \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static uint8_t
seg_byte(uint32_t seg, uint32_t i)
{
    return (uint8_t)('A' + (seg * 7 + i) % 53);
}

/* The model's insertion, byte by byte. */
static TcpInsertResult
model_insert(Model *m, int64_t a, uint32_t len, uint32_t seg, uint8_t policy, uint64_t depth)
{
    TcpInsertResult r = {0};
    int64_t b = a + len;
    uint64_t s0 = a < 0 ? 0 : (uint64_t)a, s1 = (uint64_t)b;
    for (int64_t o = a; o < b; o++) {
        if (o < 0) {
            r.flags |= TCP_INS_OLD;
            continue;
        }
        if ((uint64_t)o < m->floor) {
            r.flags |= TCP_INS_OLD | TCP_INS_OVERLAP;
            continue;
        }
        if (depth > 0 && (uint64_t)o >= depth) {
            r.flags |= TCP_INS_DEPTH;
            continue;
        }
        uint8_t v = seg_byte(seg, (uint32_t)(o - a));
        if ((uint64_t)o >= m->top) {
            m->top = (uint64_t)o + 1;
        }
        if (!m->held[o]) {
            m->held[o] = true;
            m->byte[o] = v;
            m->own_start[o] = s0;
            m->own_end[o] = s1;
            r.stored++;
            continue;
        }
        r.flags |= TCP_INS_OVERLAP;
        r.overlap_len++;
        bool differ = m->byte[o] != v;
        if (differ) {
            r.flags |= TCP_INS_DIFFERENT;
        }
        if (stream_policy_new_wins(policy, m->own_start[o], m->own_end[o], s0, s1)) {
            m->own_start[o] = s0;
            m->own_end[o] = s1;
            if (differ) {
                m->byte[o] = v;
                r.replaced++;
            }
        }
    }
    return r;
}

/* The store reads as the model, from the floor to the end of the model. */
static void
compare(const TcpSegList *l, const Model *m)
{
    uint64_t off = m->floor, held = 0;
    StreamChunk ch;
    while (tcp_seglist_peek(l, off, &ch)) {
        check(ch.offset >= off && ch.offset + ch.data.left <= SPAN && ch.data.left > 0);
        check(ch.gap_len == ch.offset - off);
        for (uint64_t o = off; o < ch.offset; o++) {
            check(!m->held[o]);
        }
        for (size_t i = 0; i < ch.data.left; i++) {
            check(m->held[ch.offset + i] && m->byte[ch.offset + i] == ch.data.p[i]);
        }
        held += ch.data.left;
        off = ch.offset + ch.data.left;
        check(off == SPAN || !m->held[off]); /* a run ends where the held bytes do */
    }
    for (uint64_t o = off; o < m->top; o++) {
        check(!m->held[o]);
    }
    check(held == tcp_seglist_held(l));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 8) {
        return 0;
    }
    uint32_t isn = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16
                   | (uint32_t)data[3] << 24;
    uint8_t policy = data[4] % STREAM_POLICY_MAX;
    uint64_t depth = data[5] & 0x80 ? (uint64_t)(data[5] & 0x7f) << 9 : 0;
    uint64_t cap = ((uint64_t)data[6] + 1) << 12; /* 4 KiB .. 1 MiB: refusals happen */
    uint32_t span = data[7] & 1 ? (uint32_t)4096 << (data[7] >> 1 & 7) : 0;
    data += 8;
    size -= 8;

    Memcap mc;
    memcap_init_fixed(&mc, cap);
    StreamReasmConfig cfg = {.depth = depth, .max_span = span};
    TcpSegStore *st = tcp_segstore_new(&cfg, &mc);
    if (st == NULL) {
        return 0;
    }
    TcpSegList l;
    tcp_seglist_init(&l, st, isn);
    /* Clear what the last input used (the whole model is 2 MiB: too slow to clear each run). */
    memset(model.byte, 0, model.top);
    memset(model.held, 0, model.top);
    model.floor = model.top = 0;

    uint32_t seg = 0;
    uint8_t buf[0x10000];
    for (; size >= 5; data += 5, size -= 5, seg++) {
        uint16_t off = (uint16_t)(data[1] | data[2] << 8);
        uint16_t len = (uint16_t)(data[3] | data[4] << 8);
        switch (data[0] % 8) {
        case 6: /* release */
            tcp_seglist_release(&l, off);
            if (off > model.floor) {
                for (uint64_t o = model.floor; o < off && o < model.top; o++) {
                    model.held[o] = false;
                }
                model.floor = off;
            }
            break;
        case 7: { /* peek anywhere: only its own consistency */
            StreamChunk ch;
            if (tcp_seglist_peek(&l, off, &ch)) {
                check(ch.offset >= off || ch.offset == model.floor);
                check(ch.data.left > 0);
            }
            break;
        }
        default: { /* insert; short ones mostly, some up to 8 KiB; a few before the start */
            uint32_t n = data[0] & 0x08 ? len % 8192 + 1 : len % 64 + 1;
            int64_t a = (int64_t)off - (data[0] & 0x10 ? 32 : 0);
            for (uint32_t i = 0; i < n; i++) {
                buf[i] = seg_byte(seg, i);
            }
            TcpInsertResult got = tcp_seglist_insert(&l, isn + 1u + (uint32_t)a, buf, n, policy);
            if (got.flags & TCP_INS_MEMCAP) {
                check(got.stored == 0 && got.overlap_len == 0 && got.replaced == 0);
                break; /* refused whole: the model stays as it is */
            }
            TcpInsertResult want = model_insert(&model, a, n, seg, policy, depth);
            check(got.stored == want.stored && got.overlap_len == want.overlap_len);
            check(got.replaced == want.replaced && got.flags == want.flags);
            break;
        }
        }
        if (size < 5 * 64 || seg % 16 == 0) {
            compare(&l, &model);
        }
    }
    compare(&l, &model);
    tcp_seglist_fini(&l);
    check(tcp_segstore_pieces_used(st) == 0 && tcp_segstore_bufs_used(st) == 0);
    tcp_segstore_free(st);
    check(memcap_used(&mc) == 0);
    return 0;
}
