/* fuzz_dns.c: libFuzzer harness for the DNS parser (src/applayer/dns/), driven through the app
 * layer as the worker drives it, then every reader of a transaction: the EVE logger (versions 3
 * and 2, a types filter), every dns.* buffer getter in both directions, the keyword accessors.
 *
 * Input: byte 0 picks the transport (bit 0: TCP) and which port is the server's (bit 1: the
 * flow's first packet comes from port 53, a reversed flow); byte 1 seeds the chunking.
 *   UDP: then datagrams, each a 2-byte header (bit 15: to the client; the low 11 bits: length)
 *        and its bytes.
 *   TCP: then the two directions' streams interleaved: each chunk is a random size (1 to 64,
 *        from the seed) of the rest, to the server or the client, as the stream hands them
 *        over; what the parser leaves unconsumed is handed again with the next chunk of that
 *        direction, as the stream does. A chunk may carry a gap.
 * Checked: nothing crashes or reads out of bounds (ASan), getters return names within the
 * scratch they were given, and after the flow is freed every byte charged to the Memcap is back
 * (no transaction or state leaks). Transactions are pruned as the worker prunes them, so a long
 * input stays within AL_FLOW_TX_MAX live ones and a small memcap (64 KiB) is reached. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "applayer/applayer.h"
#include "applayer/dns/dns.h"
#include "core/json.h"
#include "core/memcap.h"
#include "core/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SCRATCH 2048 /* DETECT_TX_SCRATCH */

typedef bool (*Getter)(const AlTx *tx, int dir, uint32_t idx, uint8_t *scratch, size_t cap,
                       Cursor *out);
static const Getter getters[] = {
    dns_detect_query,
    dns_detect_query_name,
    dns_detect_queries_rrname,
    dns_detect_answer_name,
    dns_detect_answers_rrname,
    dns_detect_authorities_rrname,
    dns_detect_additionals_rrname,
    dns_detect_response_rrname,
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
read_txs(AppLayerThread *al, Flow *f, JsonBuf *jb, const DnsLogConfig *cfgs, size_t cfg_cnt)
{
    static uint8_t scratch[SCRATCH];
    if (f->alproto != ALPROTO_DNS) {
        return; /* only DNS is enabled; a flow not (yet) found DNS has no transaction */
    }
    for (AlTx *tx = applayer_tx_next_unlogged(f, NULL); tx != NULL;
         tx = applayer_tx_next_unlogged(f, tx)) {
        for (size_t c = 0; c < cfg_cnt; c++) {
            unsigned n = dns_log_records(tx, &cfgs[c]);
            for (unsigned i = 0; i < n; i++) {
                json_reset(jb);
                json_open_obj(jb, NULL);
                dns_log_record(jb, tx, &cfgs[c], i);
                json_close_obj(jb);
            }
        }
        json_reset(jb);
        json_open_obj(jb, NULL);
        dns_log_tx(jb, applayer_flow(f), tx);
        json_close_obj(jb);
        for (size_t g = 0; g < sizeof(getters) / sizeof(getters[0]); g++) {
            for (int dir = 0; dir < 2; dir++) {
                Cursor out;
                for (uint32_t idx = 0; getters[g](tx, dir, idx, scratch, SCRATCH, &out); idx++) {
                    check(out.left <= SCRATCH
                          && (out.left == 0
                              || (out.p >= scratch && out.p + out.left <= scratch + SCRATCH)));
                }
            }
        }
        uint16_t type;
        for (uint32_t i = 0; dns_tx_rrtype(tx, i, &type); i++) {
        }
        check(dns_tx_opcode(tx) < 16 && dns_tx_rcode(tx) < 16);
        tx->logged = true;
    }
    applayer_tx_prune(al, f, false);
}

static void
udp_packet(AppLayerThread *al, Flow *f, int dir, const uint8_t *msg, size_t len)
{
    Packet p;
    memset(&p, 0, sizeof(p));
    p.data = msg;
    p.len = (uint32_t)len;
    p.proto = SK_IPPROTO_UDP;
    p.payload_len = (uint32_t)len;
    p.flow = f;
    p.flow_toserver = dir == FLOW_DIR_TOSERVER;
    applayer_packet(al, f, &p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static AppLayerConfig cfg;
    static bool ready;
    static JsonBuf jb;
    static DnsLogConfig cfgs[3];
    if (!ready) {
        applayer_config_default(&cfg);
        /* DNS alone: the content-detected protocols would otherwise take some inputs. */
        for (unsigned id = ALPROTO_FAILED + 1; id < ALPROTO_MAX; id++) {
            cfg.proto[id].enabled = id == ALPROTO_DNS;
        }
        check(json_init(&jb, 1 << 16));
        dns_log_config_default(&cfgs[0]);
        dns_log_config_default(&cfgs[1]);
        cfgs[1].version = 2;
        dns_log_config_default(&cfgs[2]);
        cfgs[2].version = 2;
        cfgs[2].grouped = false;
        cfgs[2].type_cnt = 2;
        cfgs[2].types[0] = 1;
        cfgs[2].types[1] = 28;
        ready = true;
    }
    if (size < 2) {
        return 0;
    }
    const bool tcp = data[0] & 1;
    uint32_t seed = data[1];
    data += 2;
    size -= 2;

    Memcap mc;
    memcap_init_fixed(&mc, 64u << 10);
    AppLayerThread *al = applayer_thread_new(&cfg, &mc);
    check(al != NULL);
    Flow f;
    memset(&f, 0, sizeof(f));
    f.proto = tcp ? SK_IPPROTO_TCP : SK_IPPROTO_UDP;
    f.sp = (data[-2] & 2) ? 53 : 40000;
    f.dp = (data[-2] & 2) ? 40000 : 53;

    if (!tcp) {
        size_t off = 0;
        while (off + 2 <= size) {
            uint16_t h = (uint16_t)(data[off] << 8 | data[off + 1]);
            size_t len = h & 0x7ff;
            off += 2;
            if (len > size - off) {
                len = size - off;
            }
            udp_packet(al, &f, (h & 0x8000) ? FLOW_DIR_TOCLIENT : FLOW_DIR_TOSERVER, data + off,
                       len);
            off += len;
            read_txs(al, &f, &jb, cfgs, 3);
        }
    } else {
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
            if ((r & 0x7e) == 0x7e) {
                gap[dir] = true; /* one chunk in 64: the stream lost bytes before this one */
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
            read_txs(al, &f, &jb, cfgs, 3);
        }
        /* The end of both streams: what is left goes with EOF. */
        for (int dir = 0; dir < 2; dir++) {
            StreamChunk ch = {.data = cur_init(pend[dir], pend_len[dir]),
                              .offset = offset[dir],
                              .flags = STREAM_F_EOF};
            (void)applayer_stream(al, &f, dir, &ch);
        }
    }
    applayer_flow_end(al, &f);
    read_txs(al, &f, &jb, cfgs, 3);
    applayer_flow_free(al, &f);
    check(memcap_used(&mc) == 0);
    applayer_thread_free(al);
    memcap_fini(&mc);
    return 0;
}
