/* Unit tests of the HTTP parser (applayer/http): requests and responses through the stream
 * driver as the worker feeds them, one transaction per request/response pair, progress and
 * completion, the buffers rules read, the EVE object, Suricata's http events, and the bounds
 * (body limit, memcap, pipelined requests). Messages are inline text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "applayer/applayer.h"
#include "applayer/http/http.h"
#include "core/proto.h"

typedef struct {
    AppLayerConfig cfg;
    Memcap mc;
    AppLayerThread *al;
    Flow f;
    uint64_t off[2]; /* stream offset per direction */
    bool ended;
} Fixture;

static Fixture *
fixture_new(uint64_t memcap)
{
    Fixture *fx = calloc(1, sizeof(*fx));
    applayer_config_default(&fx->cfg);
    memcap_init_fixed(&fx->mc, memcap);
    fx->al = applayer_thread_new(&fx->cfg, &fx->mc);
    fx->f.sp = 40000;
    fx->f.dp = 80;
    fx->f.proto = SK_IPPROTO_TCP;
    return fx;
}

static int
setup(void **state)
{
    *state = fixture_new(64u << 20);
    return 0;
}

static void
end(Fixture *fx)
{
    if (!fx->ended) {
        applayer_flow_end(fx->al, &fx->f);
        fx->ended = true;
    }
}

static int
teardown(void **state)
{
    Fixture *fx = *state;
    end(fx);
    applayer_flow_free(fx->al, &fx->f);
    assert_int_equal(memcap_used(&fx->mc), 0); /* every byte charged came back */
    applayer_thread_free(fx->al);
    memcap_fini(&fx->mc);
    free(fx);
    return 0;
}

/* len bytes of direction dir, as the next chunk of its stream. */
static void
feed_n(Fixture *fx, int dir, const void *data, size_t len)
{
    StreamChunk ch = {.data = cur_init(data, len), .offset = fx->off[dir]};
    if (fx->off[dir] == 0) {
        ch.flags |= STREAM_F_START;
    }
    size_t n = applayer_stream(fx->al, &fx->f, dir, &ch);
    fx->off[dir] += n;
}

static void
feed(Fixture *fx, int dir, const char *text)
{
    feed_n(fx, dir, text, strlen(text));
}

static HttpTx *
tx_at(Fixture *fx, uint64_t id)
{
    for (AlTx *tx = applayer_tx_first(&fx->f); tx != NULL; tx = tx->next) {
        if (tx->id == id) {
            return (HttpTx *)tx;
        }
    }
    return NULL;
}

static unsigned
tx_count(Fixture *fx)
{
    unsigned n = 0;
    for (AlTx *tx = applayer_tx_first(&fx->f); tx != NULL; tx = tx->next) {
        n++;
    }
    return n;
}

/* The EVE object of a transaction as text (the caller frees it). */
static char *
log_text(Fixture *fx, HttpTx *tx)
{
    JsonBuf jb;
    json_init(&jb, 4096);
    json_reset(&jb);
    json_open_obj(&jb, NULL);
    http_log_tx(&jb, applayer_flow(&fx->f), &tx->base);
    json_close_obj(&jb);
    char *s = strndup(jb.buf, jb.len);
    json_fini(&jb);
    return s;
}

typedef bool (*Getter)(const AlTx *, int, uint32_t, uint8_t *, size_t, Cursor *);

/* Buffer idx of tx for direction dir equals want (NULL: no such buffer). */
static void
assert_buffer(HttpTx *tx, Getter get, int dir, uint32_t idx, const char *want)
{
    uint8_t scratch[2048];
    Cursor c;
    bool ok = get(&tx->base, dir, idx, scratch, sizeof(scratch), &c);
    if (want == NULL) {
        assert_false(ok);
        return;
    }
    assert_true(ok);
    assert_int_equal(c.left, strlen(want));
    assert_memory_equal(c.p, want, c.left);
}

#define REQ_GET                                                                                    \
    "GET /a%20b/index.html?q=1 HTTP/1.1\r\n"                                                       \
    "Host: WWW.Example.COM\r\n"                                                                    \
    "User-Agent: test/1.0\r\n"                                                                     \
    "Accept: */*\r\n"                                                                              \
    "Cookie: a=b\r\n"                                                                              \
    "Referer: http://example.com/\r\n"                                                             \
    "\r\n"

#define RES_OK                                                                                     \
    "HTTP/1.1 200 OK\r\n"                                                                          \
    "Content-Type: text/html; charset=utf-8\r\n"                                                   \
    "Content-Length: 5\r\n"                                                                        \
    "Server: unit\r\n"                                                                             \
    "\r\n"                                                                                         \
    "hello"

static void
get_and_response_is_one_transaction(void **state)
{
    Fixture *fx = *state;
    feed(fx, FLOW_DIR_TOSERVER, REQ_GET);
    assert_int_equal(fx->f.alproto, ALPROTO_HTTP);
    HttpTx *tx = tx_at(fx, 0);
    assert_non_null(tx);
    assert_int_equal(tx->base.progress[FLOW_DIR_TOSERVER], 1);
    assert_int_equal(tx->base.progress[FLOW_DIR_TOCLIENT], 0);
    assert_false(tx->base.complete);

    feed(fx, FLOW_DIR_TOCLIENT, RES_OK);
    assert_int_equal(tx_count(fx), 1);
    assert_int_equal(tx->base.progress[FLOW_DIR_TOCLIENT], 1);
    assert_true(tx->base.complete);
    assert_int_equal(tx->base.dirs, 3);

    assert_buffer(tx, http_detect_method, FLOW_DIR_TOSERVER, 0, "GET");
    assert_buffer(tx, http_detect_uri, FLOW_DIR_TOSERVER, 0, "/a b/index.html?q=1");
    assert_buffer(tx, http_detect_uri_raw, FLOW_DIR_TOSERVER, 0, "/a%20b/index.html?q=1");
    assert_buffer(tx, http_detect_host, FLOW_DIR_TOSERVER, 0, "www.example.com");
    assert_buffer(tx, http_detect_host_raw, FLOW_DIR_TOSERVER, 0, "WWW.Example.COM");
    assert_buffer(tx, http_detect_user_agent, FLOW_DIR_TOSERVER, 0, "test/1.0");
    assert_buffer(tx, http_detect_cookie, FLOW_DIR_TOSERVER, 0, "a=b");
    assert_buffer(tx, http_detect_cookie, FLOW_DIR_TOCLIENT, 0, NULL);
    assert_buffer(tx, http_detect_protocol, FLOW_DIR_TOSERVER, 0, "HTTP/1.1");
    assert_buffer(tx, http_detect_protocol, FLOW_DIR_TOCLIENT, 0, "HTTP/1.1");
    assert_buffer(tx, http_detect_request_line, FLOW_DIR_TOSERVER, 0,
                  "GET /a%20b/index.html?q=1 HTTP/1.1");
    assert_buffer(tx, http_detect_header, FLOW_DIR_TOSERVER, 0,
                  "Host: WWW.Example.COM\r\nUser-Agent: test/1.0\r\nAccept: */*\r\n"
                  "Referer: http://example.com/\r\n");
    assert_buffer(tx, http_detect_header_names, FLOW_DIR_TOSERVER, 0,
                  "\r\nHost\r\nUser-Agent\r\nAccept\r\nCookie\r\nReferer\r\n\r\n");
    assert_buffer(tx, http_detect_request_header, FLOW_DIR_TOSERVER, 3, "Cookie: a=b");
    assert_buffer(tx, http_detect_request_header, FLOW_DIR_TOSERVER, 5, NULL);
    assert_buffer(tx, http_detect_stat_code, FLOW_DIR_TOCLIENT, 0, "200");
    assert_buffer(tx, http_detect_stat_msg, FLOW_DIR_TOCLIENT, 0, "OK");
    assert_buffer(tx, http_detect_response_line, FLOW_DIR_TOCLIENT, 0, "HTTP/1.1 200 OK");
    assert_buffer(tx, http_detect_server, FLOW_DIR_TOCLIENT, 0, "unit");
    assert_buffer(tx, http_detect_content_len, FLOW_DIR_TOCLIENT, 0, "5");
    assert_buffer(tx, http_detect_content_type, FLOW_DIR_TOCLIENT, 0, "text/html; charset=utf-8");
    assert_buffer(tx, http_detect_response_body, FLOW_DIR_TOCLIENT, 0, "hello");
    assert_buffer(tx, http_detect_file_data, FLOW_DIR_TOCLIENT, 0, "hello");
    assert_buffer(tx, http_detect_request_body, FLOW_DIR_TOSERVER, 0, NULL);

    char *s = log_text(fx, tx);
    assert_string_equal(s, "{\"http\":{\"hostname\":\"www.example.com\","
                           "\"url\":\"/a%20b/index.html?q=1\",\"http_user_agent\":\"test/1.0\","
                           "\"http_content_type\":\"text/html\","
                           "\"http_refer\":\"http://example.com/\",\"http_method\":\"GET\","
                           "\"protocol\":\"HTTP/1.1\",\"status\":200,\"length\":5}}");
    free(s);
}

static void
start_and_raw_header_are_the_message_head(void **state)
{
    Fixture *fx = *state;
    feed(fx, FLOW_DIR_TOSERVER, "GET / HTTP/1.0\r\nHost: x\r\nX-A:  b \r\n\r\n");
    HttpTx *tx = tx_at(fx, 0);
    assert_non_null(tx);
    uint8_t scratch[2048];
    Cursor c;
    assert_true(http_detect_start(&tx->base, FLOW_DIR_TOSERVER, 0, scratch, sizeof(scratch), &c));
    assert_true(c.left > 14);
    assert_memory_equal(c.p, "GET / HTTP/1.0\r\nHost: x\r\n", 25);
    assert_true(
        http_detect_header_raw(&tx->base, FLOW_DIR_TOSERVER, 0, scratch, sizeof(scratch), &c));
    assert_memory_equal(c.p, "Host: x\r\nX-A:  b \r\n", 19);
    assert_buffer(tx, http_detect_header, FLOW_DIR_TOSERVER, 0, "Host: x\r\nX-A: b\r\n");
}

static void
pipelined_requests_make_transactions_in_order(void **state)
{
    Fixture *fx = *state;
    feed(fx, FLOW_DIR_TOSERVER,
         "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n"
         "GET /3 HTTP/1.1\r\nHost: a\r\n\r\n");
    assert_int_equal(tx_count(fx), 3);
    feed(fx, FLOW_DIR_TOCLIENT,
         "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 404 Not Found\r\n"
         "Content-Length: 2\r\n\r\nbbHTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n");
    static const char *const uris[] = {"/1", "/2", "/3"};
    static const int status[] = {200, 404, 500};
    static const uint64_t lens[] = {1, 2, 0};
    for (unsigned i = 0; i < 3; i++) {
        HttpTx *tx = tx_at(fx, i);
        assert_non_null(tx);
        assert_true(tx->base.complete);
        assert_buffer(tx, http_detect_uri, FLOW_DIR_TOSERVER, 0, uris[i]);
        assert_int_equal(tx->side[HTTP_RES].status, status[i]);
        assert_int_equal(tx->side[HTTP_RES].message_len, lens[i]);
    }
}

static void
keep_alive_requests_one_after_another(void **state)
{
    Fixture *fx = *state;
    for (unsigned i = 0; i < 4; i++) {
        feed(fx, FLOW_DIR_TOSERVER, "GET /k HTTP/1.1\r\nHost: a\r\n\r\n");
        feed(fx, FLOW_DIR_TOCLIENT, "HTTP/1.1 204 No Content\r\n\r\n");
        HttpTx *tx = tx_at(fx, i);
        assert_non_null(tx);
        assert_true(tx->base.complete);
    }
    assert_int_equal(tx_count(fx), 4);
}

static void
chunked_response_is_dechunked(void **state)
{
    Fixture *fx = *state;
    feed(fx, FLOW_DIR_TOSERVER, "GET /c HTTP/1.1\r\nHost: a\r\n\r\n");
    feed(fx, FLOW_DIR_TOCLIENT, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel");
    feed(fx, FLOW_DIR_TOCLIENT, "lo\r\n6\r\n world\r\n0\r\n\r\n");
    HttpTx *tx = tx_at(fx, 0);
    assert_true(tx->base.complete);
    assert_buffer(tx, http_detect_response_body, FLOW_DIR_TOCLIENT, 0, "hello world");
    assert_int_equal(tx->side[HTTP_RES].message_len, 24); /* libhtp: as sent, chunk framing too */
}

static void
content_length_request_body(void **state)
{
    Fixture *fx = *state;
    feed(fx, FLOW_DIR_TOSERVER,
         "POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 7\r\nContent-Type: text/plain\r\n\r\nab");
    HttpTx *tx = tx_at(fx, 0);
    assert_int_equal(tx->base.progress[FLOW_DIR_TOSERVER], 0);
    feed(fx, FLOW_DIR_TOSERVER, "cdefg");
    assert_int_equal(tx->base.progress[FLOW_DIR_TOSERVER], 1);
    assert_buffer(tx, http_detect_request_body, FLOW_DIR_TOSERVER, 0, "abcdefg");
    assert_buffer(tx, http_detect_file_data, FLOW_DIR_TOSERVER, 0, "abcdefg");
    assert_buffer(tx, http_detect_content_type, FLOW_DIR_TOSERVER, 0, "text/plain");
    assert_buffer(tx, http_detect_method, FLOW_DIR_TOSERVER, 0, "POST");
}

static void
continue_100_then_final_response_is_one_transaction(void **state)
{
    Fixture *fx = *state;
    feed(fx, FLOW_DIR_TOSERVER,
         "POST /e HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
    feed(fx, FLOW_DIR_TOCLIENT, "HTTP/1.1 100 Continue\r\n\r\n");
    feed(fx, FLOW_DIR_TOSERVER, "xyz");
    feed(fx, FLOW_DIR_TOCLIENT, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
    assert_int_equal(tx_count(fx), 1);
    HttpTx *tx = tx_at(fx, 0);
    assert_true(tx->base.complete);
    assert_int_equal(tx->side[HTTP_RES].status, 201);
    assert_buffer(tx, http_detect_request_body, FLOW_DIR_TOSERVER, 0, "xyz");
}

static const uint8_t gzip_body[] = {
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x4b, 0xaf, 0xca,
    0x2c, 0x50, 0x48, 0xca, 0x4f, 0xa9, 0xb4, 0x52, 0xc8, 0x48, 0xcd, 0xc9, 0xc9,
    0xc7, 0x45, 0x72, 0x01, 0x00, 0xbd, 0x8f, 0xce, 0xc7, 0x29, 0x00, 0x00, 0x00,
}; /* gzip of "gzip body: hello hello hello hello hello\n" */

static void
gzip_response_is_decompressed(void **state)
{
    Fixture *fx = *state;
    feed(fx, FLOW_DIR_TOSERVER, "GET /z HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\n");
    char head[128];
    snprintf(head, sizeof(head),
             "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %zu\r\n\r\n",
             sizeof(gzip_body));
    feed(fx, FLOW_DIR_TOCLIENT, head);
    feed_n(fx, FLOW_DIR_TOCLIENT, gzip_body, sizeof(gzip_body));
    HttpTx *tx = tx_at(fx, 0);
    assert_true(tx->base.complete);
    assert_buffer(tx, http_detect_response_body, FLOW_DIR_TOCLIENT, 0,
                  "gzip body: hello hello hello hello hello\n");
    assert_buffer(tx, http_detect_accept_enc, FLOW_DIR_TOSERVER, 0, "gzip");
    /* EVE's length is the body as sent, before decompression. */
    assert_int_equal(tx->side[HTTP_RES].message_len, sizeof(gzip_body));
}

static void
folded_and_duplicate_headers(void **state)
{
    Fixture *fx = *state;
    feed(fx, FLOW_DIR_TOSERVER,
         "GET / HTTP/1.1\r\nHost: a\r\nX-Dup: one\r\nX-Fold: first\r\n second\r\nX-Dup: "
         "two\r\n\r\n");
    HttpTx *tx = tx_at(fx, 0);
    assert_non_null(tx);
    assert_buffer(tx, http_detect_header, FLOW_DIR_TOSERVER, 0,
                  "Host: a\r\nX-Dup: one, two\r\nX-Fold: first second\r\n");
    assert_int_equal(tx->side[HTTP_REQ].hdr_cnt, 3);
}

static void
http_0_9_request(void **state)
{
    Fixture *fx = *state;
    feed(fx, FLOW_DIR_TOSERVER, "GET /old\r\n");
    feed(fx, FLOW_DIR_TOCLIENT, "<html>old</html>");
    end(fx);
    HttpTx *tx = tx_at(fx, 0);
    assert_non_null(tx);
    assert_true(tx->base.complete);
    assert_true(tx->is_0_9);
    assert_buffer(tx, http_detect_uri_raw, FLOW_DIR_TOSERVER, 0, "/old");
    assert_buffer(tx, http_detect_protocol, FLOW_DIR_TOSERVER, 0, NULL);
}

static void
connect_tunnel_stops_parsing(void **state)
{
    Fixture *fx = *state;
    feed(fx, FLOW_DIR_TOSERVER,
         "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
    feed(fx, FLOW_DIR_TOCLIENT, "HTTP/1.1 200 Connection established\r\n\r\n");
    feed(fx, FLOW_DIR_TOSERVER,
         "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 GET / HTTP/1.1\r\n\r\n");
    feed(fx, FLOW_DIR_TOCLIENT, "\x16\x03\x03\x00\x5a\x02\x00\x00");
    end(fx);
    assert_int_equal(tx_count(fx), 1);
    HttpTx *tx = tx_at(fx, 0);
    assert_buffer(tx, http_detect_method, FLOW_DIR_TOSERVER, 0, "CONNECT");
    assert_int_equal(tx->side[HTTP_REQ].port, 443);
    char *s = log_text(fx, tx);
    assert_non_null(strstr(s, "\"http_port\":443"));
    assert_non_null(strstr(s, "\"status\":200"));
    free(s);
}

static void
response_without_request_is_logged_with_event(void **state)
{
    Fixture *fx = *state;
    feed(fx, FLOW_DIR_TOCLIENT, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    assert_int_equal(fx->f.alproto, ALPROTO_HTTP);
    end(fx);
    HttpTx *tx = tx_at(fx, 0);
    assert_non_null(tx);
    assert_true(applayer_tx_has_event(&tx->base, HTTP_EVENT_UNABLE_TO_MATCH_RESPONSE_TO_REQUEST));
    char *s = log_text(fx, tx);
    assert_string_equal(s, "{\"http\":{\"url\":\"/libhtp::request_uri_not_seen\",\"status\":400,"
                           "\"length\":0}}");
    free(s);
}

static void
missing_colon_raises_request_field_missing_colon(void **state)
{
    Fixture *fx = *state;
    feed(fx, FLOW_DIR_TOSERVER, "GET / HTTP/1.1\r\nHost: a\r\nNoColonHere\r\n\r\n");
    HttpTx *tx = tx_at(fx, 0);
    assert_non_null(tx);
    assert_true(applayer_tx_has_event(&tx->base, HTTP_EVENT_REQUEST_FIELD_MISSING_COLON));
    const AlParser *ap = applayer_parser(ALPROTO_HTTP);
    assert_int_equal(ap->event_lookup("request_field_missing_colon"),
                     HTTP_EVENT_REQUEST_FIELD_MISSING_COLON);
    assert_string_equal(ap->event_name(HTTP_EVENT_MISSING_HOST_HEADER), "missing_host_header");
}

static void
missing_host_raises_missing_host_header(void **state)
{
    Fixture *fx = *state;
    feed(fx, FLOW_DIR_TOSERVER, "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n");
    HttpTx *tx = tx_at(fx, 0);
    assert_non_null(tx);
    assert_true(applayer_tx_has_event(&tx->base, HTTP_EVENT_MISSING_HOST_HEADER));
}

static void
invalid_chunk_length_raises_event(void **state)
{
    Fixture *fx = *state;
    feed(fx, FLOW_DIR_TOSERVER, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    feed(fx, FLOW_DIR_TOCLIENT, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
    end(fx);
    HttpTx *tx = tx_at(fx, 0);
    assert_non_null(tx);
    assert_true(applayer_tx_has_event(&tx->base, HTTP_EVENT_INVALID_RESPONSE_CHUNK_LEN));
}

/* A body longer than the detection scratch is kept whole (up to the limit), in the
 * transaction's own memory. */
static void
long_body_is_kept_past_the_scratch(void **state)
{
    Fixture *fx = *state;
    static char body[10000];
    memset(body, 'x', sizeof(body));
    body[sizeof(body) - 1] = 'y';
    feed(fx, FLOW_DIR_TOSERVER, "GET /big HTTP/1.1\r\nHost: a\r\n\r\n");
    feed(fx, FLOW_DIR_TOCLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 10000\r\n\r\n");
    for (size_t off = 0; off < sizeof(body); off += 1000) {
        feed_n(fx, FLOW_DIR_TOCLIENT, body + off, 1000);
    }
    HttpTx *tx = tx_at(fx, 0);
    uint8_t scratch[2048];
    Cursor c;
    assert_true(
        http_detect_file_data(&tx->base, FLOW_DIR_TOCLIENT, 0, scratch, sizeof(scratch), &c));
    assert_int_equal(c.left, sizeof(body));
    assert_int_equal(c.p[c.left - 1], 'y');
    assert_false(tx->side[HTTP_RES].body_cut);
}

static void
body_past_the_limit_is_cut(void **state)
{
    Fixture *fx = *state;
    static char chunk[8192];
    memset(chunk, 'z', sizeof(chunk));
    const size_t total = 200 * 1024;
    char head[128];
    snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", total);
    feed(fx, FLOW_DIR_TOSERVER, "GET /huge HTTP/1.1\r\nHost: a\r\n\r\n");
    feed(fx, FLOW_DIR_TOCLIENT, head);
    for (size_t off = 0; off < total; off += sizeof(chunk)) {
        feed_n(fx, FLOW_DIR_TOCLIENT, chunk, sizeof(chunk));
    }
    HttpTx *tx = tx_at(fx, 0);
    assert_true(tx->base.complete);
    assert_int_equal(tx->side[HTTP_RES].body.len, HTTP_BODY_LIMIT_DEF);
    assert_true(tx->side[HTTP_RES].body_cut);
    assert_int_equal(tx->side[HTTP_RES].message_len, total);
}

/* A hole inside a body of known length: libhtp is fed filler for it, the body and its file are
 * marked, EVE's length leaves the hole out, and the next response is found after it. */
static void
hole_in_body_is_skipped_and_the_next_response_read(void **state)
{
    Fixture *fx = *state;
    feed(fx, FLOW_DIR_TOSERVER,
         "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
    feed(fx, FLOW_DIR_TOCLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\nabcde");
    static const char after[] = "HTTP/1.1 404 NF\r\nContent-Length: 2\r\n\r\nxy";
    StreamChunk ch = {.data = cur_init((const uint8_t *)after, sizeof(after) - 1),
                      .offset = fx->off[FLOW_DIR_TOCLIENT] + 15,
                      .gap_len = 15,
                      .flags = STREAM_F_GAP};
    applayer_stream(fx->al, &fx->f, FLOW_DIR_TOCLIENT, &ch);
    HttpTx *t0 = tx_at(fx, 0), *t1 = tx_at(fx, 1);
    assert_non_null(t0);
    assert_non_null(t1);
    assert_true(t0->base.complete);
    assert_true(t0->side[HTTP_RES].gap);
    assert_int_equal(t0->side[HTTP_RES].gap_bytes, 15);
    assert_buffer(t0, http_detect_response_body, FLOW_DIR_TOCLIENT, 0, "abcde");
    char *s = log_text(fx, t0);
    assert_non_null(strstr(s, "\"length\":5}"));
    free(s);
    assert_true(t1->base.complete);
    assert_int_equal(t1->side[HTTP_RES].status, 404);
    assert_buffer(t1, http_detect_response_body, FLOW_DIR_TOCLIENT, 0, "xy");
}

/* A hole in a header block cannot be skipped: that direction stops, the other goes on. */
static void
hole_in_headers_stops_the_direction(void **state)
{
    Fixture *fx = *state;
    feed(fx, FLOW_DIR_TOSERVER, "GET /h HTTP/1.1\r\nHo");
    static const char rest[] = "st: a\r\n\r\n";
    StreamChunk ch = {.data = cur_init((const uint8_t *)rest, sizeof(rest) - 1),
                      .offset = fx->off[FLOW_DIR_TOSERVER] + 4,
                      .gap_len = 4,
                      .flags = STREAM_F_GAP};
    applayer_stream(fx->al, &fx->f, FLOW_DIR_TOSERVER, &ch);
    feed(fx, FLOW_DIR_TOCLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    end(fx);
    assert_true(tx_count(fx) >= 1);
}

/* A small memcap: the parser keeps what it can, never crashes, and gives every byte back. */
static void
memcap_bounds_state(void **state)
{
    (void)state;
    Fixture *fx = fixture_new(20000);
    for (unsigned i = 0; i < 20; i++) {
        feed(fx, FLOW_DIR_TOSERVER, REQ_GET);
        feed(fx, FLOW_DIR_TOCLIENT, RES_OK);
    }
    assert_true(memcap_used(&fx->mc) <= 20000);
    void *st = fx;
    teardown(&st);
}

static void
pipelining_is_bounded(void **state)
{
    Fixture *fx = *state;
    static char many[64 * 1024];
    size_t n = 0;
    while (n + 32 < sizeof(many)) {
        memcpy(many + n, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 27);
        n += 27;
    }
    for (unsigned i = 0; i < 2; i++) {
        feed_n(fx, FLOW_DIR_TOSERVER, many, n);
    }
    assert_true(tx_count(fx) <= 256);
}

static void
probe_methods_and_responses(void **state)
{
    (void)state;
    static const uint8_t get[] = "GET / HTTP/1.1\r\n";
    static const uint8_t junk[] = "\x16\x03\x01\x00";
    assert_int_equal(http_probe(FLOW_DIR_TOSERVER, cur_init(get, sizeof(get) - 1), true),
                     AL_PROBE_YES);
    assert_int_equal(http_probe(FLOW_DIR_TOSERVER, cur_init(get, 2), true), AL_PROBE_NEED_MORE);
    assert_int_equal(http_probe(FLOW_DIR_TOSERVER, cur_init(junk, 4), true), AL_PROBE_NO);
    assert_int_equal(
        http_probe(FLOW_DIR_TOCLIENT, cur_init((const uint8_t *)"HTTP/1.0 200", 12), true),
        AL_PROBE_YES);
    assert_int_equal(http_probe(FLOW_DIR_TOCLIENT, cur_init((const uint8_t *)"HTT", 3), true),
                     AL_PROBE_NEED_MORE);
    assert_int_equal(http_probe(FLOW_DIR_TOCLIENT, cur_init((const uint8_t *)"SSH-2.0", 7), true),
                     AL_PROBE_NO);
    assert_int_equal(http_probe(FLOW_DIR_TOSERVER, cur_init(get, sizeof(get) - 1), false),
                     AL_PROBE_NO);
}

/* Every name in events.def is one of Suricata's http events (http-events.rules). */
static void
event_names_match_suricata_rules(void **state)
{
    (void)state;
    FILE *fp = fopen("/work/shared/suricata-ref/rules/http-events.rules", "r");
    if (fp == NULL) {
        skip(); /* the reference rules are not on this machine */
    }
    static char text[1 << 16];
    size_t n = fread(text, 1, sizeof(text) - 1, fp);
    fclose(fp);
    text[n] = '\0';
    const AlParser *ap = applayer_parser(ALPROTO_HTTP);
    for (unsigned i = 0; i < HTTP_EVENT_MAX; i++) {
        char want[128];
        snprintf(want, sizeof(want), "app-layer-event:http.%s;", ap->event_name(i));
        assert_non_null(strstr(text, want));
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(get_and_response_is_one_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(start_and_raw_header_are_the_message_head, setup, teardown),
        cmocka_unit_test_setup_teardown(pipelined_requests_make_transactions_in_order, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(keep_alive_requests_one_after_another, setup, teardown),
        cmocka_unit_test_setup_teardown(chunked_response_is_dechunked, setup, teardown),
        cmocka_unit_test_setup_teardown(content_length_request_body, setup, teardown),
        cmocka_unit_test_setup_teardown(continue_100_then_final_response_is_one_transaction, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(gzip_response_is_decompressed, setup, teardown),
        cmocka_unit_test_setup_teardown(folded_and_duplicate_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(http_0_9_request, setup, teardown),
        cmocka_unit_test_setup_teardown(connect_tunnel_stops_parsing, setup, teardown),
        cmocka_unit_test_setup_teardown(response_without_request_is_logged_with_event, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(missing_colon_raises_request_field_missing_colon, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(missing_host_raises_missing_host_header, setup, teardown),
        cmocka_unit_test_setup_teardown(invalid_chunk_length_raises_event, setup, teardown),
        cmocka_unit_test_setup_teardown(long_body_is_kept_past_the_scratch, setup, teardown),
        cmocka_unit_test_setup_teardown(body_past_the_limit_is_cut, setup, teardown),
        cmocka_unit_test_setup_teardown(hole_in_body_is_skipped_and_the_next_response_read, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(hole_in_headers_stops_the_direction, setup, teardown),
        cmocka_unit_test(memcap_bounds_state),
        cmocka_unit_test_setup_teardown(pipelining_is_bounded, setup, teardown),
        cmocka_unit_test(probe_methods_and_responses),
        cmocka_unit_test(event_names_match_suricata_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
