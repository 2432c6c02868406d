/* fuzz_defrag.c: libFuzzer harness for defrag_insert(). Input: a sequence of fragments, 6 bytes
 * of description each, then the data bytes they take:
 *   byte 0: bit 0 IPv6, bits 1-3 destination (each of the 8 has its own overlap policy), bit 4
 *           more-fragments, bits 5-6 identification (4 datagrams at once), bit 7: an IPv6
 *           destination options header before the fragment header
 *   byte 1-2: offset in 8-byte units (13 bits)
 *   byte 3: data length (0-255; not a multiple of 8 is legal input)
 *   byte 4: protocol (IPv4) / next header (IPv6)
 *   byte 5: milliseconds since the previous fragment (x 256: timeouts are reached)
 * Each fragment is built as a raw IP packet, decoded with decode_packet() and handed to
 * defrag_insert(), exactly as the worker does. Caps are small (16 trackers, 64 fragments,
 * 1 MiB), so the limits are reached too. Checked: a returned datagram is the slot, its spans lie
 * inside its bytes, it carries PKT_F_REASSEMBLED and is no fragment; after each input every
 * tracker times out, so the table is empty again (nothing leaks from one input to the next). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/memcap.h"
#include "core/packet.h"
#include "decode/decode.h"
#include "defrag/defrag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static DecodeThread *fuzz_dt;
static DefragTable *fuzz_t;
static Memcap fuzz_mc;
static SkTime fuzz_now = SK_TIME_FROM_SEC(1000);

static void
setup(void)
{
    DecodeConfig dc;
    DefragConfig cfg;
    decode_config_default(&dc);
    fuzz_dt = decode_thread_new(&dc);
    defrag_config_default(&cfg);
    cfg.trackers = 16;
    cfg.max_frags = 64;
    cfg.hash_size = 8;
    cfg.timeout_s = 2;
    for (unsigned v = 0; v < 2; v++) {
        for (unsigned d = 0; d < 8; d++) {
            DefragHostOs *h = &cfg.host_os[cfg.host_os_cnt++];
            memset(h, 0, sizeof(*h));
            h->ip_ver = v ? 6 : 4;
            h->bits = v ? 128 : 32;
            h->addr.b[0] = v ? 0x20 : 10;
            h->addr.b[v ? 15 : 3] = (uint8_t)(d + 1);
            h->policy = (uint8_t)(d % DEFRAG_POLICY_MAX);
        }
    }
    memcap_init_fixed(&fuzz_mc, 1u << 20);
    fuzz_t = defrag_table_new(&cfg, 1, 42, &fuzz_mc);
    if (fuzz_dt == NULL || fuzz_t == NULL) {
        abort();
    }
}

/* A raw IP packet for one fragment description; returns its length. */
static size_t
build(uint8_t *pkt, const uint8_t *d, const uint8_t *payload, size_t plen)
{
    bool v6 = d[0] & 1;
    uint8_t dst = (uint8_t)(((d[0] >> 1) & 7) + 1);
    bool more = (d[0] >> 4) & 1;
    uint8_t id = (uint8_t)((d[0] >> 5) & 3);
    uint16_t off = (uint16_t)(((d[1] << 8) | d[2]) & 0x1fff);
    size_t n = 0;
    if (!v6) {
        size_t total = 20 + plen;
        uint16_t fo = (uint16_t)(off | (more ? 0x2000 : 0));
        uint8_t h[20] = {0x45,
                         0,
                         (uint8_t)(total >> 8),
                         (uint8_t)total,
                         0,
                         id,
                         (uint8_t)(fo >> 8),
                         (uint8_t)fo,
                         64,
                         d[4],
                         0,
                         0,
                         10,
                         0,
                         0,
                         9,
                         10,
                         0,
                         0,
                         dst};
        memcpy(pkt, h, 20);
        n = 20;
    } else {
        bool dstopt = d[0] >> 7;
        size_t ext = (dstopt ? 8 : 0) + 8;
        size_t plen6 = ext + plen;
        uint8_t h[40] = {0x60, 0, 0, 0, (uint8_t)(plen6 >> 8), (uint8_t)plen6, dstopt ? 60 : 44,
                         64};
        h[8] = 0x20;
        h[23] = 9;
        h[24] = 0x20;
        h[39] = dst;
        memcpy(pkt, h, 40);
        n = 40;
        if (dstopt) {
            uint8_t o[8] = {44, 0, 1, 4, 0, 0, 0, 0};
            memcpy(pkt + n, o, 8);
            n += 8;
        }
        uint16_t fo = (uint16_t)((off << 3) | (more ? 1 : 0));
        uint8_t f[8] = {d[4], 0, (uint8_t)(fo >> 8), (uint8_t)fo, 0, 0, 0, id};
        memcpy(pkt + n, f, 8);
        n += 8;
    }
    memcpy(pkt + n, payload, plen);
    return n + plen;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t pkt[40 + 16 + 256];
    if (fuzz_t == NULL) {
        setup();
    }
    size_t at = 0;
    for (unsigned k = 0; k < 256 && at + 6 <= size; k++) {
        const uint8_t *d = data + at;
        at += 6;
        size_t plen = d[3];
        if (plen > size - at) {
            plen = size - at;
        }
        size_t n = build(pkt, d, data + at, plen);
        at += plen;
        /* Exactly the packet's length: a read past it is caught. */
        uint8_t *copy = malloc(n);
        if (copy == NULL) {
            break;
        }
        memcpy(copy, pkt, n);
        fuzz_now += (SkTime)d[5] * 256 * 1000;
        Packet p, slot;
        memset(&p, 0, sizeof(p));
        p.data = copy;
        p.len = p.wire_len = (uint32_t)n;
        p.linktype = LINKTYPE_RAW;
        p.ts = fuzz_now;
        p.pcap_cnt = k + 1;
        decode_packet(fuzz_dt, &p);
        Packet *r = NULL;
        if (p.flags & PKT_F_FRAGMENT) {
            r = defrag_insert(fuzz_t, fuzz_dt, &p, &slot);
        }
        if (r != NULL) {
            if (r != &slot || !(r->flags & PKT_F_REASSEMBLED) || (r->flags & PKT_F_FRAGMENT)
                || (uint64_t)r->l3_off + r->l3_len > r->len
                || (uint64_t)r->l4_off + r->l4_len > r->len
                || (uint64_t)r->payload_off + r->payload_len > r->len) {
                abort();
            }
        }
        (void)defrag_table_timeout(fuzz_t, fuzz_now, 8);
        free(copy);
    }
    fuzz_now += SK_TIME_FROM_SEC(10);
    while (defrag_table_timeout(fuzz_t, fuzz_now, 64) > 0) {
    }
    if (defrag_table_active(fuzz_t) != 0) {
        abort();
    }
    return 0;
}
