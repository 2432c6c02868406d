/* fuzz_http.c: libFuzzer harness for the HTTP parser (src/applayer/http/, libhtp underneath),
 * driven through the app layer as the worker drives it, then every reader of a transaction: the
 * EVE http object, the fileinfo objects, every http buffer getter in both directions.
 *
 * Input: byte 0 seeds the chunking; byte 1 bit 0 says which side speaks first (a response
 * before its request picks up the flow from the server); the rest is the two directions'
 * streams interleaved: each chunk is a random size (1 to 512, from the seed) of the rest, to
 * the server or the client, as the stream hands them over; what the parser leaves unconsumed
 * is handed again with the next chunk of that direction. One chunk in 32 comes after a hole
 * (STREAM_F_GAP, a random length), as after lost segments.
 * Checked: nothing crashes or reads out of bounds (ASan, UBSan), every buffer lies within the
 * scratch or is non-empty transaction memory, and after the flow ends and is freed every byte
 * charged to the Memcap is back (no transaction, body or libhtp state leaks). Transactions are
 * pruned as the worker prunes them; the memcap (256 KiB) is small enough to be reached. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "applayer/applayer.h"
#include "applayer/http/http.h"
#include "core/json.h"
#include "core/memcap.h"
#include "core/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SCRATCH 2048 /* DETECT_TX_SCRATCH */

typedef bool (*Getter)(const AlTx *tx, int dir, uint32_t idx, uint8_t *scratch, size_t cap,
                       Cursor *out);
static const Getter getters[] = {
    http_detect_method,         http_detect_uri,
    http_detect_uri_raw,        http_detect_protocol,
    http_detect_request_line,   http_detect_header,
    http_detect_header_raw,     http_detect_header_names,
    http_detect_start,          http_detect_host,
    http_detect_host_raw,       http_detect_user_agent,
    http_detect_accept,         http_detect_accept_enc,
    http_detect_accept_lang,    http_detect_referer,
    http_detect_connection,     http_detect_cookie,
    http_detect_content_type,   http_detect_content_len,
    http_detect_request_header, http_detect_request_body,
    http_detect_stat_code,      http_detect_stat_msg,
    http_detect_response_line,  http_detect_server,
    http_detect_location,       http_detect_response_header,
    http_detect_response_body,  http_detect_file_data,
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
    const AlParser *ap = applayer_parser(ALPROTO_HTTP);
    for (AlTx *tx = applayer_tx_next_unlogged(f, NULL); tx != NULL;
         tx = applayer_tx_next_unlogged(f, tx)) {
        json_reset(jb);
        json_open_obj(jb, NULL);
        http_log_tx(jb, applayer_flow(f), tx);
        json_close_obj(jb);
        for (unsigned i = 0; i < ap->file_count(tx); i++) {
            json_reset(jb);
            json_open_obj(jb, NULL);
            ap->log_file(jb, "fileinfo", applayer_flow(f), tx, i);
            json_close_obj(jb);
            check(ap->file_dir(tx, i) == FLOW_DIR_TOSERVER
                  || ap->file_dir(tx, i) == FLOW_DIR_TOCLIENT);
        }
        for (size_t g = 0; g < sizeof(getters) / sizeof(getters[0]); g++) {
            for (int dir = 0; dir < 2; dir++) {
                Cursor out;
                for (uint32_t idx = 0; getters[g](tx, dir, idx, scratch, SCRATCH, &out); idx++) {
                    check(out.left == 0 || out.p != NULL);
                    if (out.left > 0) {
                        /* touch both ends: ASan checks the memory is the tx's and alive */
                        volatile uint8_t a = out.p[0], b = out.p[out.left - 1];
                        (void)a;
                        (void)b;
                    }
                    check(idx < 2048);
                }
            }
        }
        tx->logged = true;
        tx->detect_done = tx->dirs;
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
        for (unsigned id = ALPROTO_FAILED + 1; id < ALPROTO_MAX; id++) {
            cfg.proto[id].enabled = id == ALPROTO_HTTP; /* every flow is HTTP's or none */
        }
        cfg.http_body_limit[0] = 3000; /* small: the limit is reached often */
        cfg.http_body_limit[1] = 5000;
        json_init(&jb, 1 << 16);
        ready = true;
    }
    if (size < 2) {
        return 0;
    }
    uint32_t seed = data[0];
    const bool server_first = data[1] & 1;
    data += 2;
    size -= 2;

    Memcap mc;
    memcap_init_fixed(&mc, 256u << 10);
    AppLayerThread *al = applayer_thread_new(&cfg, &mc);
    Flow f;
    memset(&f, 0, sizeof(f));
    f.proto = SK_IPPROTO_TCP;
    f.sp = 40000;
    f.dp = 80;

    /* Per direction: the stream so far (what the parser has not consumed is handed again). */
    static uint8_t buf[2][1 << 16];
    size_t held[2] = {0, 0};
    uint64_t off[2] = {0, 0};
    bool gap_next[2] = {false, false};
    uint32_t gap_len[2] = {0, 0};
    size_t pos = 0;
    bool first = true;
    while (pos < size) {
        int dir = (int)(next_rand(&seed) & 1);
        if (first) {
            dir = server_first ? FLOW_DIR_TOCLIENT : FLOW_DIR_TOSERVER;
            first = false;
        }
        size_t n = 1 + next_rand(&seed) % 512;
        if (n > size - pos) {
            n = size - pos;
        }
        if (held[dir] + n > sizeof(buf[dir])) {
            break;
        }
        if (next_rand(&seed) % 32 == 0 && off[dir] > 0 && held[dir] == 0) {
            gap_next[dir] = true;
            gap_len[dir] = 1 + next_rand(&seed) % 3000;
            off[dir] += gap_len[dir];
        }
        memcpy(buf[dir] + held[dir], data + pos, n);
        held[dir] += n;
        pos += n;
        StreamChunk ch = {.data = cur_init(buf[dir], held[dir]), .offset = off[dir]};
        if (off[dir] == 0) {
            ch.flags |= STREAM_F_START;
        }
        if (gap_next[dir]) {
            ch.flags |= STREAM_F_GAP;
            ch.gap_len = gap_len[dir];
        }
        size_t used = applayer_stream(al, &f, dir, &ch);
        check(used <= held[dir]);
        if (used > 0) {
            gap_next[dir] = false;
        }
        memmove(buf[dir], buf[dir] + used, held[dir] - used);
        held[dir] -= used;
        off[dir] += used;
        read_txs(al, &f, &jb);
    }
    applayer_flow_end(al, &f);
    read_txs(al, &f, &jb);
    applayer_flow_free(al, &f);
    check(memcap_used(&mc) == 0);
    applayer_thread_free(al);
    memcap_fini(&mc);
    return 0;
}
