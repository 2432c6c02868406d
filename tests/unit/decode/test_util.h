/* test_util.h: helpers shared by the decode unit tests. Packets are written as hex strings
 * (spaces allowed) so each header field sits on its own commented line. */
#ifndef SK_TESTS_DECODE_TEST_UTIL_H
#define SK_TESTS_DECODE_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/packet.h"
#include "decode/decode.h"

#define TEST_PKT_MAX 2048

typedef struct {
    uint8_t bytes[TEST_PKT_MAX];
    Packet p;
} TestPacket;

static inline int
test_hex_nibble(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Parses hex (whitespace ignored) into out; returns the byte count. */
static inline size_t
test_hex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (const char *s = hex; *s != '\0'; s++) {
        int v = test_hex_nibble(*s);
        if (v < 0) {
            continue;
        }
        if (hi < 0) {
            hi = v;
        } else if (n < cap) {
            out[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    return n;
}

/* Decodes raw bytes as a captured packet of link type lt. */
static inline Packet *
test_decode(DecodeThread *dt, TestPacket *tp, uint16_t lt, const uint8_t *raw, size_t len)
{
    memcpy(tp->bytes, raw, len);
    memset(&tp->p, 0, sizeof(tp->p));
    tp->p.data = tp->bytes;
    tp->p.len = (uint32_t)len;
    tp->p.wire_len = (uint32_t)len;
    tp->p.linktype = lt;
    tp->p.pcap_cnt = 1;
    decode_packet(dt, &tp->p);
    return &tp->p;
}

static inline Packet *
test_decode_hex(DecodeThread *dt, TestPacket *tp, uint16_t lt, const char *hex)
{
    uint8_t raw[TEST_PKT_MAX];
    size_t n = test_hex(hex, raw, sizeof(raw));
    return test_decode(dt, tp, lt, raw, n);
}

/* Was ev raised on p or on any packet carried inside it? */
static inline int
test_chain_has_event(const Packet *p, unsigned ev)
{
    for (; p != NULL; p = p->inner) {
        if (packet_has_event(p, ev)) {
            return 1;
        }
    }
    return 0;
}

/* A counter of the stats set or of the own set (decoder.nflog, ...); UINT64_MAX: neither. */
static inline uint64_t
test_counter(DecodeThread *dt, const char *name)
{
    const CounterSet *sets[2] = {decode_thread_counters(dt), decode_thread_counters_own(dt)};
    for (size_t s = 0; s < 2; s++) {
        for (size_t i = 0; i < sets[s]->cnt; i++) {
            if (strcmp(sets[s]->names[i], name) == 0) {
                return counter_get(&sets[s]->vals[i]);
            }
        }
    }
    return UINT64_MAX;
}

#endif
