/* fuzz_tls.c: libFuzzer harness for the TLS parser (src/applayer/tls/), driven through the app
 * layer as the worker drives it, then every reader of the transaction: the EVE logger and every
 * TLS buffer getter in both directions.
 *
 * Input: byte 0 picks which port is the server's (bit 1: the flow's first packet comes from
 * port 443, a reversed flow); byte 1 seeds the chunking. Then the two directions' streams
 * interleaved: each chunk is a random size (1 to 64, from the seed) of the rest, to the server
 * or the client, as the stream hands them over; what the parser leaves unconsumed is handed
 * again with the next chunk of that direction, as the stream does. A chunk may carry a gap.
 * Checked: nothing crashes or reads out of bounds (ASan), getters point into the transaction
 * or the scratch they were given, and after the flow is freed every byte charged to the Memcap
 * is back (no transaction, blob or handshake buffer leaks). The memcap is small (256 KiB), so
 * its limit is reached too. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "applayer/applayer.h"
#include "applayer/tls/tls.h"
#include "core/json.h"
#include "core/memcap.h"
#include "core/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SCRATCH 2048 /* DETECT_TX_SCRATCH */

typedef bool (*Getter)(const AlTx *tx, int dir, uint32_t idx, uint8_t *scratch, size_t cap,
                       Cursor *out);
static const Getter getters[] = {
    tls_detect_sni,
    tls_detect_cert_subject,
    tls_detect_cert_issuer,
    tls_detect_cert_serial,
    tls_detect_cert_fingerprint,
    tls_detect_certs,
    tls_detect_subjectaltname,
    tls_detect_alpn,
    tls_detect_ja3_hash,
    tls_detect_ja3_string,
    tls_detect_ja3s_hash,
    tls_detect_ja3s_string,
    tls_detect_ja4_hash,
};

static uint32_t
next_rand(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 16;
}

static void
check(bool ok)
{
    if (!ok) {
        abort();
    }
}

/* Every reader of every complete transaction not yet read; then they are marked logged and
 * inspected, and pruned, as after a packet. */
static void
read_txs(AppLayerThread *al, Flow *f, JsonBuf *jb)
{
    static uint8_t scratch[SCRATCH];
    for (AlTx *tx = applayer_tx_next_unlogged(f, NULL); tx != NULL;
         tx = applayer_tx_next_unlogged(f, tx)) {
        if (f->alproto != ALPROTO_TLS) {
            tx->logged = true; /* another protocol's probe took the flow (HTTP on any port) */
            continue;
        }
        json_reset(jb);
        json_open_obj(jb, NULL);
        tls_log_tx(jb, applayer_flow(f), tx);
        json_close_obj(jb);
        for (size_t g = 0; g < sizeof(getters) / sizeof(getters[0]); g++) {
            for (int dir = 0; dir < 2; dir++) {
                Cursor out;
                for (uint32_t idx = 0; getters[g](tx, dir, idx, scratch, SCRATCH, &out); idx++) {
                    check(out.left == 0 || out.p != NULL);
                    volatile uint8_t sink = 0;
                    for (size_t i = 0; i < out.left; i++) {
                        sink ^= out.p[i]; /* ASan: every byte is readable */
                    }
                    (void)sink;
                }
            }
        }
        tx->logged = true;
    }
    applayer_tx_prune(al, f, false);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static AppLayerConfig cfg;
    static bool ready;
    static JsonBuf jb;
    if (!ready) {
        applayer_config_default(&cfg);
        check(json_init(&jb, 1 << 16));
        ready = true;
    }
    if (size < 2) {
        return 0;
    }
    const bool reversed = data[0] & 2;
    uint32_t seed = data[1];
    data += 2;
    size -= 2;

    Memcap mc;
    memcap_init_fixed(&mc, 256u << 10);
    AppLayerThread *al = applayer_thread_new(&cfg, &mc);
    check(al != NULL);
    Flow f;
    memset(&f, 0, sizeof(f));
    f.proto = SK_IPPROTO_TCP;
    f.sp = reversed ? 443 : 40000;
    f.dp = reversed ? 40000 : 443;

    /* Per direction: the bytes handed over but not consumed, then the new chunk. */
    static uint8_t pend[2][1 << 17];
    size_t pend_len[2] = {0, 0};
    uint64_t offset[2] = {0, 0};
    bool gap[2] = {false, false};
    size_t off = 0;
    while (off < size) {
        uint32_t r = next_rand(&seed);
        int dir = (r & 1) ? FLOW_DIR_TOCLIENT : FLOW_DIR_TOSERVER;
        size_t n = 1 + (r >> 1) % 64;
        if (n > size - off) {
            n = size - off;
        }
        if ((r & 0x7fe) == 0x7fe) {
            gap[dir] = true; /* one chunk in 1024: the stream lost bytes before this one */
            pend_len[dir] = 0;
            offset[dir] += 100;
        }
        if (pend_len[dir] + n > sizeof(pend[dir])) {
            break;
        }
        memcpy(pend[dir] + pend_len[dir], data + off, n);
        pend_len[dir] += n;
        off += n;
        StreamChunk ch = {.data = cur_init(pend[dir], pend_len[dir]),
                          .offset = offset[dir],
                          .gap_len = gap[dir] ? 100 : 0,
                          .flags = (uint8_t)((offset[dir] == 0 ? STREAM_F_START : 0)
                                             | (gap[dir] ? STREAM_F_GAP : 0))};
        gap[dir] = false;
        size_t used = applayer_stream(al, &f, dir, &ch);
        check(used <= pend_len[dir]);
        memmove(pend[dir], pend[dir] + used, pend_len[dir] - used);
        pend_len[dir] -= used;
        offset[dir] += used;
        read_txs(al, &f, &jb);
    }
    /* The end of both streams: what is left goes with EOF. */
    for (int dir = 0; dir < 2; dir++) {
        StreamChunk ch = {.data = cur_init(pend[dir], pend_len[dir]),
                          .offset = offset[dir],
                          .flags = STREAM_F_EOF};
        (void)applayer_stream(al, &f, dir, &ch);
    }
    applayer_flow_end(al, &f);
    read_txs(al, &f, &jb);
    applayer_flow_free(al, &f);
    check(memcap_used(&mc) == 0);
    applayer_thread_free(al);
    memcap_fini(&mc);
    return 0;
}
