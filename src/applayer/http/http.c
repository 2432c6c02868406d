/* http/http.c: the HTTP parser (http.h). libhtp does the HTTP: this file owns its
 * configuration, feeds it each direction's stream chunks, and copies each libhtp transaction
 * into an HttpTx when a side completes (its callbacks below), so that detection and EVE read
 * sekimori's memory only. libhtp's log messages and transaction flags become Suricata's http
 * events. What EVE writes is log.c's; what rules read, detect.c's. */
#include "applayer/http/http.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <htp/htp.h>

#include "applayer/applayer_int.h"

static const char *const event_names[] = {
#define EVENT(id, name) [id] = name,
#include "applayer/http/events.def"
#undef EVENT
};

static const char *
http_event_name(unsigned id)
{
    return id < HTTP_EVENT_MAX ? event_names[id] : NULL;
}

static int
http_event_lookup(const char *name)
{
    for (unsigned i = 0; i < HTTP_EVENT_MAX; i++) {
        if (strcmp(event_names[i], name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

/* ---- memory ---- */

static bool
charge(HttpState *st, size_t n)
{
    return memcap_charge(st->af->al->mc, n);
}

static void
release(HttpState *st, size_t n)
{
    memcap_release(st->af->al->mc, n);
}

/* Appends up to `limit` bytes in all to b, growing it by doubling (charged); false when
 * something was left out (the limit, or the memcap). */
static bool
buf_append(HttpState *st, HttpBuf *b, const uint8_t *p, size_t n, size_t limit)
{
    bool whole = true;
    if (b->len >= limit) {
        return n == 0;
    }
    if (n > limit - b->len) {
        n = limit - b->len;
        whole = false;
    }
    if (n == 0) {
        return whole;
    }
    if ((size_t)b->len + n > b->cap) {
        size_t cap = b->cap != 0 ? b->cap : 256;
        while (cap < (size_t)b->len + n) {
            cap *= 2;
        }
        if (cap > limit) {
            cap = limit;
        }
        if (!charge(st, cap - b->cap)) {
            return false;
        }
        uint8_t *np = realloc(b->p, cap);
        if (np == NULL) {
            release(st, cap - b->cap);
            return false;
        }
        b->p = np;
        b->cap = (uint32_t)cap;
    }
    memcpy(b->p + b->len, p, n);
    b->len += (uint32_t)n;
    return whole;
}

static void
buf_free(HttpState *st, HttpBuf *b)
{
    if (b->p != NULL) {
        release(st, b->cap);
        free(b->p);
    }
    memset(b, 0, sizeof(*b));
}

/* ---- events ---- */

/* libhtp 0.5 logs most anomalies as text (its log codes are 0): the message's start names the
 * event, as Suricata's table of libhtp messages does. dir: the side the message is about when
 * its text does not say (header repetition). */
static const struct {
    const char *prefix;
    uint16_t ev;
} log_events[] = {
    {"GZip decompressor:", HTTP_EVENT_GZIP_DECOMPRESSION_FAILED},
    {"Request field invalid: colon missing", HTTP_EVENT_REQUEST_FIELD_MISSING_COLON},
    {"Response field invalid: missing colon", HTTP_EVENT_RESPONSE_FIELD_MISSING_COLON},
    {"Request chunk encoding: Invalid chunk length", HTTP_EVENT_INVALID_REQUEST_CHUNK_LEN},
    {"Response chunk encoding: Invalid chunk length", HTTP_EVENT_INVALID_RESPONSE_CHUNK_LEN},
    {"Invalid T-E value in request", HTTP_EVENT_INVALID_TRANSFER_ENCODING_VALUE_IN_REQUEST},
    {"Invalid T-E value in response", HTTP_EVENT_INVALID_TRANSFER_ENCODING_VALUE_IN_RESPONSE},
    {"Invalid C-L field in request", HTTP_EVENT_INVALID_CONTENT_LENGTH_FIELD_IN_REQUEST},
    {"Invalid C-L field in response", HTTP_EVENT_INVALID_CONTENT_LENGTH_FIELD_IN_RESPONSE},
    {"Already seen 100-Continue", HTTP_EVENT_100_CONTINUE_ALREADY_SEEN},
    {"Unable to match response to request", HTTP_EVENT_UNABLE_TO_MATCH_RESPONSE_TO_REQUEST},
    {"Invalid server port information in request", HTTP_EVENT_INVALID_SERVER_PORT_IN_REQUEST},
    {"Invalid authority port", HTTP_EVENT_INVALID_AUTHORITY_PORT},
    {"Request buffer over", HTTP_EVENT_REQUEST_FIELD_TOO_LONG},
    {"Request field length exceeds", HTTP_EVENT_REQUEST_FIELD_TOO_LONG},
    {"Response the buffer limit", HTTP_EVENT_RESPONSE_FIELD_TOO_LONG},
    {"Response field length exceeds", HTTP_EVENT_RESPONSE_FIELD_TOO_LONG},
    {"Request header name is not a token", HTTP_EVENT_REQUEST_HEADER_INVALID},
    {"Response header name is not a token", HTTP_EVENT_RESPONSE_HEADER_INVALID},
    {"Invalid request field folding", HTTP_EVENT_INVALID_REQUEST_FIELD_FOLDING},
    {"Invalid response field folding", HTTP_EVENT_INVALID_RESPONSE_FIELD_FOLDING},
    {"Request line: URI contains non-compliant delimiter", HTTP_EVENT_URI_DELIM_NON_COMPLIANT},
    {"Request line: non-compliant delimiter between Method and URI",
     HTTP_EVENT_METHOD_DELIM_NON_COMPLIANT},
    {"Request line: leading whitespace", HTTP_EVENT_REQUEST_LINE_LEADING_WHITESPACE},
    {"Too many response content encoding layers", HTTP_EVENT_TOO_MANY_ENCODING_LAYERS},
    {"C-E gzip has abnormal value", HTTP_EVENT_ABNORMAL_CE_HEADER},
    {"C-E deflate has abnormal value", HTTP_EVENT_ABNORMAL_CE_HEADER},
    {"C-E unknown setting", HTTP_EVENT_ABNORMAL_CE_HEADER},
    {"C-T multipart/byteranges in responses not supported",
     HTTP_EVENT_RESPONSE_MULTIPART_BYTERANGES},
    {"Transfer-encoding has abnormal chunked value",
     HTTP_EVENT_RESPONSE_ABNORMAL_TRANSFER_ENCODING},
    {"Chunked transfer-encoding on HTTP/0.9 or HTTP/1.0", HTTP_EVENT_RESPONSE_CHUNKED_OLD_PROTO},
    {"Invalid response line: invalid protocol", HTTP_EVENT_RESPONSE_INVALID_PROTOCOL},
    {"Invalid response line: invalid response status", HTTP_EVENT_RESPONSE_INVALID_STATUS},
    {"Request line incomplete", HTTP_EVENT_REQUEST_LINE_INCOMPLETE},
    {"Unexpected request body", HTTP_EVENT_REQUEST_BODY_UNEXPECTED},
    {"LZMA decompressor: memory limit reached", HTTP_EVENT_LZMA_MEMLIMIT_REACHED},
    {"Ambiguous request C-L value", HTTP_EVENT_DUPLICATE_CONTENT_LENGTH_FIELD_IN_REQUEST},
    {"Ambiguous response C-L value", HTTP_EVENT_DUPLICATE_CONTENT_LENGTH_FIELD_IN_RESPONSE},
    {"Compression bomb:", HTTP_EVENT_COMPRESSION_BOMB},
    {"Request line: missing protocol", HTTP_EVENT_REQUEST_LINE_MISSING_PROTOCOL},
    {"Request line: unknown method", HTTP_EVENT_REQUEST_LINE_INVALID},
    {"Too many request headers", HTTP_EVENT_REQUEST_TOO_MANY_HEADERS},
    {"Too many response headers", HTTP_EVENT_RESPONSE_TOO_MANY_HEADERS},
    {"Request chunk extension", HTTP_EVENT_REQUEST_CHUNK_EXTENSION},
    {"Response chunk extension", HTTP_EVENT_RESPONSE_CHUNK_EXTENSION},
};

static int
log_event(const char *msg, int dir)
{
    if (msg == NULL) {
        return -1;
    }
    if (strncmp(msg, "Repetition for header", 21) == 0) {
        return dir == FLOW_DIR_TOSERVER ? HTTP_EVENT_REQUEST_HEADER_REPETITION
                                        : HTTP_EVENT_RESPONSE_HEADER_REPETITION;
    }
    for (size_t i = 0; i < sizeof(log_events) / sizeof(log_events[0]); i++) {
        if (strncmp(msg, log_events[i].prefix, strlen(log_events[i].prefix)) == 0) {
            return log_events[i].ev;
        }
    }
    return -1;
}

static HttpState *
state_of(htp_connp_t *connp)
{
    return htp_connp_get_user_data(connp);
}

static void
tx_event(HttpState *st, HttpTx *tx, int dir, unsigned ev)
{
    if (tx != NULL) {
        applayer_tx_event(&tx->base, ev);
    } else if (st->pending_cnt[dir] < HTTP_PENDING_MAX) {
        st->pending[dir][st->pending_cnt[dir]++] = (uint16_t)ev;
    }
}

static int
cb_log(htp_log_t *log)
{
    HttpState *st = state_of(log->connp);
    if (st == NULL) {
        return HTP_OK;
    }
    int ev = log_event(log->msg, st->cur_dir);
    if (ev < 0) {
        return HTP_OK;
    }
    htp_tx_t *h = log->tx;
    if (h == NULL) {
        h = st->cur_dir == FLOW_DIR_TOSERVER ? htp_connp_get_in_tx(log->connp)
                                             : htp_connp_get_out_tx(log->connp);
    }
    /* A message about a transaction not made yet (a response no request matches) waits for
     * the next one of its direction. */
    tx_event(st, h != NULL ? htp_tx_get_user_data(h) : NULL, st->cur_dir, (unsigned)ev);
    return HTP_OK;
}

/* ---- transactions ---- */

/* The HttpTx of libhtp's h, made on its first callback. NULL at the memcap or the flow's
 * transaction bound: h is still parsed, and has no record. */
static HttpTx *tx_attach_new(HttpState *st, htp_tx_t *h);

/* The HttpTx of libhtp's h (made on its first callback), its progress brought up to date. */
static HttpTx *
tx_attach(HttpState *st, htp_tx_t *h)
{
    HttpTx *tx = tx_attach_new(st, h);
    if (tx != NULL) {
        tx->htp_progress[HTTP_REQ] = (uint8_t)h->request_progress;
        tx->htp_progress[HTTP_RES] = (uint8_t)h->response_progress;
    }
    return tx;
}

static HttpTx *
tx_attach_new(HttpState *st, htp_tx_t *h)
{
    HttpTx *tx = htp_tx_get_user_data(h);
    if (tx != NULL || st->ended) {
        /* At the end no transaction is made: a libhtp one whose HttpTx was freed already
         * (logged and inspected: a CONNECT's) completes on the close, and has its record. */
        return tx;
    }
    /* Every libhtp transaction is one of ours: a response without a request too (EVE writes
     * it client to server, as Suricata does). */
    tx = (HttpTx *)applayer_tx_new(st->af, sizeof(HttpTx), FLOW_DIR_TOSERVER);
    if (tx == NULL) {
        return NULL;
    }
    tx->side[HTTP_REQ].port = -1;
    tx->side[HTTP_REQ].body_limit = st->body_limit[HTTP_REQ];
    tx->side[HTTP_RES].body_limit = st->body_limit[HTTP_RES];
    htp_tx_set_user_data(h, tx);
    for (int d = 0; d < 2; d++) {
        for (unsigned i = 0; i < st->pending_cnt[d]; i++) {
            applayer_tx_event(&tx->base, st->pending[d][i]);
        }
        st->pending_cnt[d] = 0;
    }
    return tx;
}

/* Text of one side, built in two passes over the same fields: the first sizes, the second
 * copies into the one block. */
typedef struct {
    uint8_t *p;
    uint32_t len;
} TextOut;

static HttpSpan
text_put(TextOut *o, const void *p, size_t n)
{
    HttpSpan sp = {.off = o->len, .len = (uint32_t)n, .set = true};
    if (o->p != NULL && n > 0) {
        memcpy(o->p + o->len, p, n);
    }
    o->len += (uint32_t)n;
    return sp;
}

static HttpSpan
text_bstr(TextOut *o, const bstr *b)
{
    if (b == NULL) {
        return (HttpSpan){0};
    }
    return text_put(o, bstr_ptr(b), bstr_len(b));
}

/* Suricata's normalized URI: the path libhtp decoded, then "?" and the query, "#" and the
 * fragment as they came. */
static HttpSpan
text_uri_norm(TextOut *o, const htp_uri_t *u)
{
    if (u == NULL || (u->path == NULL && u->query == NULL && u->fragment == NULL)) {
        return (HttpSpan){0};
    }
    HttpSpan sp = text_bstr(o, u->path);
    uint32_t start = sp.set ? sp.off : o->len;
    if (u->query != NULL) {
        text_put(o, "?", 1);
        text_bstr(o, u->query);
    }
    if (u->fragment != NULL) {
        text_put(o, "#", 1);
        text_bstr(o, u->fragment);
    }
    return (HttpSpan){.off = start, .len = o->len - start, .set = true};
}

static bool
is_cookie(const bstr *name, int side)
{
    const char *want = side == HTTP_REQ ? "cookie" : "set-cookie";
    size_t n = strlen(want);
    return name != NULL && bstr_len(name) == n
           && strncasecmp((const char *)bstr_ptr(name), want, n) == 0;
}

/* One header as "name: value", its spans in hdr (when copying). */
static void
text_header(TextOut *o, const htp_header_t *hh, HttpHeader *hdr, bool crlf)
{
    HttpSpan name = text_bstr(o, hh->name);
    uint32_t start = name.set ? name.off : o->len;
    text_put(o, ": ", 2);
    HttpSpan value = text_bstr(o, hh->value);
    if (hdr != NULL) {
        *hdr = (HttpHeader){
            .name = name,
            .value = value.set ? value : (HttpSpan){.off = o->len, .set = true},
            .line = {.off = start, .len = o->len - start, .set = true},
        };
    }
    if (crlf) {
        text_put(o, "\r\n", 2);
    }
}

static bool
connect_with_path(const htp_tx_t *h)
{
    return h->request_method_number == HTP_M_CONNECT && h->request_uri != NULL
           && bstr_len(h->request_uri) > 0 && bstr_ptr(h->request_uri)[0] == '/';
}

/* A Host header's host as libhtp normalizes one: lowercased, without the port. */
static HttpSpan
text_host(TextOut *o, const bstr *value)
{
    if (value == NULL) {
        return (HttpSpan){0};
    }
    const uint8_t *p = bstr_ptr(value);
    size_t n = bstr_len(value);
    size_t end = 0;
    while (end < n && p[end] != ':') {
        end++;
    }
    HttpSpan sp = text_put(o, p, end);
    if (o->p != NULL) {
        for (uint32_t i = 0; i < sp.len; i++) {
            uint8_t *b = o->p + sp.off + i;
            if (*b >= 'A' && *b <= 'Z') {
                *b = (uint8_t)(*b + 32);
            }
        }
    }
    return sp;
}

/* One side's fields and buffers into s, from the text block o->p (or sizing it when NULL):
 * the line and fields, then each header "name: value\r\n" with the cookie header last so the
 * others are http.header in one run, then the names (http.header_names), then the line and
 * the header block as received (http.start, http.header.raw). */
static void
side_fields(TextOut *o, HttpSide *s, htp_tx_t *h, int side, HttpHeader *hdr, uint32_t hdr_cnt)
{
    const htp_table_t *t = side == HTTP_REQ ? h->request_headers : h->response_headers;
    HttpSide tmp = {0};
    HttpSide *w = o->p != NULL ? s : &tmp; /* sizing writes nowhere */
    if (side == HTTP_REQ) {
        w->line = text_bstr(o, h->request_line);
        w->protocol = text_bstr(o, h->request_protocol);
        w->f[HTTP_F_METHOD] = text_bstr(o, h->request_method);
        w->f[HTTP_F_URI_RAW] = text_bstr(o, h->request_uri);
        w->f[HTTP_F_URI] = text_uri_norm(o, h->parsed_uri);
        w->f[HTTP_F_PATH] =
            h->parsed_uri != NULL ? text_bstr(o, h->parsed_uri->path) : (HttpSpan){0};
        w->f[HTTP_F_HOST] = text_bstr(o, h->request_hostname);
        if (connect_with_path(h) && t != NULL) {
            /* libhtp 0.5 reads a CONNECT's URI as an authority even when it is a path
             * ("CONNECT / HTTP/1.1"); Suricata 8 names the Host header's host then. */
            htp_header_t *hh = htp_table_get_c(t, "host");
            w->f[HTTP_F_HOST] = hh != NULL ? text_host(o, hh->value) : (HttpSpan){0};
        }
        if (h->parsed_uri_raw != NULL && h->parsed_uri_raw->hostname != NULL) {
            w->f[HTTP_F_HOST_RAW] = text_bstr(o, h->parsed_uri_raw->hostname);
        } else if (t != NULL) {
            htp_header_t *hh = htp_table_get_c(t, "host");
            if (hh != NULL) {
                w->f[HTTP_F_HOST_RAW] = text_bstr(o, hh->value);
            }
        }
    } else {
        w->line = text_bstr(o, h->response_line);
        w->protocol = text_bstr(o, h->response_protocol);
        w->f[HTTP_F_STATUS] = text_bstr(o, h->response_status);
        w->f[HTTP_F_MSG] = text_bstr(o, h->response_message);
    }
    size_t n = t != NULL ? htp_table_size(t) : 0;
    if (n > hdr_cnt) {
        n = hdr_cnt;
    }
    uint32_t hstart = o->len;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            htp_header_t *hh = htp_table_get_index(t, i, NULL);
            if (hh == NULL || is_cookie(hh->name, side) != (pass == 1)) {
                continue;
            }
            if (pass == 1 && w->hbuf.len == 0 && !w->hbuf.set) {
                w->hbuf = (HttpSpan){.off = hstart, .len = o->len - hstart, .set = true};
            }
            text_header(o, hh, hdr != NULL ? &hdr[i] : NULL, true);
        }
    }
    if (!w->hbuf.set) {
        w->hbuf = (HttpSpan){.off = hstart, .len = o->len - hstart, .set = true};
    }
    uint32_t nstart = o->len;
    text_put(o, "\r\n", 2);
    for (size_t i = 0; i < n; i++) {
        htp_header_t *hh = htp_table_get_index(t, i, NULL);
        if (hh != NULL) {
            text_bstr(o, hh->name);
            text_put(o, "\r\n", 2);
        }
    }
    text_put(o, "\r\n", 2);
    w->names = (HttpSpan){.off = nstart, .len = o->len - nstart, .set = true};
    uint32_t sstart = o->len;
    if (w->line.set) {
        Cursor line = cur_init(o->p != NULL ? o->p + w->line.off : NULL, w->line.len);
        text_put(o, line.p, line.left);
        text_put(o, "\r\n", 2);
    }
    w->raw = text_put(o, s->raw_tmp.p, s->raw_tmp.len);
    w->start = (HttpSpan){.off = sstart, .len = o->len - sstart, .set = true};
}

/* Copies side `side` of h into tx once (line, fields, headers, buffers); later calls do
 * nothing. At the memcap the side keeps no text (rules and EVE see no field). */
static void
side_copy(HttpState *st, HttpTx *tx, htp_tx_t *h, int side)
{
    HttpSide *s = &tx->side[side];
    if (s->done) {
        return;
    }
    s->done = true;
    if (side == HTTP_REQ) {
        s->port = h->request_port_number;
        tx->is_0_9 = h->is_protocol_0_9 != 0;
    } else {
        s->status = h->response_status_number;
        s->message_len = h->response_message_len > 0 ? (uint64_t)h->response_message_len : 0;
    }
    const htp_table_t *t = side == HTTP_REQ ? h->request_headers : h->response_headers;
    size_t n = t != NULL ? htp_table_size(t) : 0;
    if (n > HTTP_HEADERS_MAX) {
        n = HTTP_HEADERS_MAX;
    }
    TextOut o = {0};
    side_fields(&o, s, h, side, NULL, (uint32_t)n);
    size_t hdr_len = n * sizeof(HttpHeader);
    size_t len = hdr_len + o.len;
    uint8_t *mem = NULL;
    if (charge(st, len)) {
        mem = malloc(len);
        if (mem == NULL) {
            release(st, len);
        }
    }
    if (mem != NULL) {
        s->mem = mem;
        s->mem_len = len;
        s->hdr = (const HttpHeader *)mem;
        s->hdr_cnt = (uint32_t)n;
        s->text = mem + hdr_len;
        s->text_len = o.len;
        o = (TextOut){.p = mem + hdr_len};
        side_fields(&o, s, h, side, (HttpHeader *)mem, (uint32_t)n);
    }
    buf_free(st, &s->raw_tmp);
}

/* Events Suricata raises from a request's flags once its headers are parsed. */
static void
request_flag_events(HttpTx *tx, const htp_tx_t *h)
{
    static const struct {
        uint64_t flag;
        uint16_t ev;
    } flags[] = {
        {HTP_REQUEST_INVALID_T_E, HTTP_EVENT_INVALID_TRANSFER_ENCODING_VALUE_IN_REQUEST},
        {HTP_REQUEST_INVALID_C_L, HTTP_EVENT_INVALID_CONTENT_LENGTH_FIELD_IN_REQUEST},
        {HTP_HOST_MISSING, HTTP_EVENT_MISSING_HOST_HEADER},
        {HTP_HOST_AMBIGUOUS, HTTP_EVENT_HOST_HEADER_AMBIGUOUS},
        {HTP_HOSTU_INVALID, HTTP_EVENT_REQUEST_URI_HOST_INVALID},
        {HTP_HOSTH_INVALID, HTTP_EVENT_REQUEST_HEADER_HOST_INVALID},
    };
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        if (h->flags & flags[i].flag) {
            applayer_tx_event(&tx->base, flags[i].ev);
        }
    }
    /* libhtp 0.5 knows Basic and Digest; Suricata 8's also knows Bearer (http-auth-bearer). */
    if (h->request_auth_type == HTP_AUTH_UNRECOGNIZED) {
        htp_header_t *auth = h->request_headers != NULL
                                 ? htp_table_get_c(h->request_headers, "authorization")
                                 : NULL;
        if (auth == NULL || auth->value == NULL
            || bstr_begins_with_c_nocase(auth->value, "bearer ") == 0) {
            applayer_tx_event(&tx->base, HTTP_EVENT_REQUEST_AUTH_UNRECOGNIZED);
        }
    }
}

static void
tx_progress(HttpTx *tx)
{
    tx->base.complete =
        tx->base.progress[FLOW_DIR_TOSERVER] && tx->base.progress[FLOW_DIR_TOCLIENT];
}

/* ---- libhtp callbacks ---- */

static int
cb_request_start(htp_tx_t *h)
{
    HttpState *st = state_of(h->connp);
    st->htp_live++;
    if (charge(st, HTTP_HTP_TX_COST)) {
        st->charged += HTTP_HTP_TX_COST;
    }
    tx_attach(st, h);
    return HTP_OK;
}

static int
cb_request_headers(htp_tx_t *h)
{
    HttpState *st = state_of(h->connp);
    HttpTx *tx = tx_attach(st, h);
    if (tx != NULL) {
        side_copy(st, tx, h, HTTP_REQ);
        request_flag_events(tx, h);
    }
    return HTP_OK;
}

static int
cb_request_header_data(htp_tx_data_t *d)
{
    HttpState *st = state_of(d->tx->connp);
    HttpTx *tx = htp_tx_get_user_data(d->tx);
    if (tx != NULL && d->data != NULL && !tx->side[HTTP_REQ].done) {
        buf_append(st, &tx->side[HTTP_REQ].raw_tmp, d->data, d->len, HTTP_RAW_HEADER_MAX);
    }
    return HTP_OK;
}

static void
body_add(HttpState *st, HttpTx *tx, int side, const htp_tx_data_t *d)
{
    HttpSide *s = &tx->side[side];
    tx->htp_progress[side] =
        (uint8_t)(side == HTTP_REQ ? d->tx->request_progress : d->tx->response_progress);
    if (st->filling) {
        s->body_cut = s->gap = true;
        return;
    }
    if (d->data == NULL) {
        if (d->len > 0) { /* a hole in the body */
            s->body_cut = true;
            s->gap = true;
        }
        return;
    }
    s->body_seen += d->len;
    if (!buf_append(st, &s->body, d->data, d->len, st->body_limit[side])) {
        s->body_cut = true;
    }
}

static int
cb_request_body_data(htp_tx_data_t *d)
{
    HttpState *st = state_of(d->tx->connp);
    HttpTx *tx = htp_tx_get_user_data(d->tx);
    if (tx != NULL) {
        body_add(st, tx, HTTP_REQ, d);
    }
    return HTP_OK;
}

static int
cb_request_complete(htp_tx_t *h)
{
    HttpState *st = state_of(h->connp);
    HttpTx *tx = tx_attach(st, h);
    if (tx != NULL) {
        side_copy(st, tx, h, HTTP_REQ);
        tx->side[HTTP_REQ].complete = true;
        tx->base.progress[FLOW_DIR_TOSERVER] = 1;
        tx_progress(tx);
    }
    return HTP_OK;
}

static int
cb_response_start(htp_tx_t *h)
{
    HttpState *st = state_of(h->connp);
    HttpTx *tx = tx_attach(st, h);
    if (tx != NULL) {
        tx->base.dirs |= (uint8_t)(1u << FLOW_DIR_TOCLIENT);
    }
    return HTP_OK;
}

static int
cb_response_header_data(htp_tx_data_t *d)
{
    HttpState *st = state_of(d->tx->connp);
    HttpTx *tx = htp_tx_get_user_data(d->tx);
    if (tx != NULL && d->data != NULL && !tx->side[HTTP_RES].done) {
        buf_append(st, &tx->side[HTTP_RES].raw_tmp, d->data, d->len, HTTP_RAW_HEADER_MAX);
    }
    return HTP_OK;
}

static int
cb_response_headers(htp_tx_t *h)
{
    HttpState *st = state_of(h->connp);
    HttpTx *tx = tx_attach(st, h);
    if (tx != NULL) {
        side_copy(st, tx, h, HTTP_RES);
    }
    return HTP_OK;
}

static int
cb_response_body_data(htp_tx_data_t *d)
{
    HttpState *st = state_of(d->tx->connp);
    HttpTx *tx = htp_tx_get_user_data(d->tx);
    if (tx != NULL) {
        body_add(st, tx, HTTP_RES, d);
    }
    return HTP_OK;
}

static int
cb_response_complete(htp_tx_t *h)
{
    HttpState *st = state_of(h->connp);
    HttpTx *tx = tx_attach(st, h);
    if (tx != NULL) {
        tx->base.dirs |= (uint8_t)(1u << FLOW_DIR_TOCLIENT);
        side_copy(st, tx, h, HTTP_RES);
        /* The response's body length is known only now. */
        tx->side[HTTP_RES].message_len =
            h->response_message_len > 0 ? (uint64_t)h->response_message_len : 0;
        tx->side[HTTP_RES].complete = true;
        tx->base.progress[FLOW_DIR_TOCLIENT] = 1;
    }
    /* A CONNECT the server accepted: both directions are a tunnel from here (libhtp 0.5 would
     * read the tunnel's first bytes as HTTP again). Its request is as complete as it gets. */
    if (h->request_method_number == HTP_M_CONNECT && h->response_status_number >= 200
        && h->response_status_number <= 299) {
        st->stopped[FLOW_DIR_TOSERVER] = st->stopped[FLOW_DIR_TOCLIENT] = true;
        if (tx != NULL) {
            side_copy(st, tx, h, HTTP_REQ);
            tx->base.progress[FLOW_DIR_TOSERVER] = 1;
        }
    }
    if (tx != NULL) {
        tx_progress(tx);
    }
    return HTP_OK;
}

/* Both sides done: libhtp destroys h after this hook (tx_auto_destroy); ours stays. */
static int
cb_transaction_complete(htp_tx_t *h)
{
    HttpState *st = state_of(h->connp);
    HttpTx *tx = htp_tx_get_user_data(h);
    if (tx != NULL) {
        side_copy(st, tx, h, HTTP_REQ);
        side_copy(st, tx, h, HTTP_RES);
        htp_tx_set_user_data(h, NULL);
    }
    if (st->htp_live > 0) {
        st->htp_live--;
    }
    if (st->charged >= HTTP_HTP_TX_COST) {
        st->charged -= HTTP_HTP_TX_COST;
        release(st, HTTP_HTP_TX_COST);
    }
    return HTP_OK;
}

/* ---- configuration ---- */

/* libhtp's configuration, Suricata's defaults for its default-config: the IDS personality,
 * response decompression (gzip, deflate) with two layers at most and libhtp's bomb limits,
 * HTTP_HEADERS_MAX headers per message. */
static htp_cfg_t *
cfg_new(void)
{
    htp_cfg_t *c = htp_config_create();
    if (c == NULL) {
        return NULL;
    }
    htp_config_set_server_personality(c, HTP_SERVER_IDS);
    /* The IDS personality lowercases paths; Suricata keeps their case (http.uri, names). */
    htp_config_set_convert_lowercase(c, HTP_DECODER_URL_PATH, 0);
    htp_config_set_tx_auto_destroy(c, 1);
    htp_config_set_response_decompression(c, 1);
    htp_config_set_response_decompression_layer_limit(c, 2);
    htp_config_set_number_headers_limit(c, HTTP_HEADERS_MAX);
    htp_config_register_log(c, cb_log);
    htp_config_register_request_start(c, cb_request_start);
    htp_config_register_request_header_data(c, cb_request_header_data);
    htp_config_register_request_headers(c, cb_request_headers);
    htp_config_register_request_body_data(c, cb_request_body_data);
    htp_config_register_request_complete(c, cb_request_complete);
    htp_config_register_response_start(c, cb_response_start);
    htp_config_register_response_header_data(c, cb_response_header_data);
    htp_config_register_response_headers(c, cb_response_headers);
    htp_config_register_response_body_data(c, cb_response_body_data);
    htp_config_register_response_complete(c, cb_response_complete);
    htp_config_register_transaction_complete(c, cb_transaction_complete);
    return c;
}

/* ---- per flow ---- */

static bool
state_open(AlFlow *af, HttpState *st)
{
    if (st->connp != NULL) {
        return true;
    }
    if (st->ended) {
        return false;
    }
    st->af = af;
    if (!memcap_charge(af->al->mc, HTTP_HTP_CONN_COST)) {
        st->ended = true;
        return false;
    }
    st->charged = HTTP_HTP_CONN_COST;
    for (int d = 0; d < 2; d++) {
        /* 0 is "no limit" in Suricata's yaml; a body is still bounded by app-layer.memcap and
         * by what one buffer can index. */
        uint64_t lim = af->al->cfg->http_body_limit[d];
        st->body_limit[d] = lim == 0 || lim > UINT32_MAX ? UINT32_MAX : lim;
    }
    st->cfg = cfg_new();
    st->connp = st->cfg != NULL ? htp_connp_create(st->cfg) : NULL;
    if (st->connp == NULL) {
        htp_config_destroy(st->cfg);
        st->cfg = NULL;
        memcap_release(af->al->mc, st->charged);
        st->charged = 0;
        st->ended = true;
        return false;
    }
    htp_connp_set_user_data(st->connp, st);
    htp_connp_open(st->connp, NULL, 0, NULL, 0, NULL);
    return true;
}

/* What libhtp still holds at the end: each transaction's sides as far as they got. */
static void
state_close(HttpState *st)
{
    if (st->connp == NULL) {
        return;
    }
    st->cur_dir = FLOW_DIR_TOCLIENT;
    st->ended = true;
    /* The connection's end completes a response whose body runs to the close. */
    htp_connp_close(st->connp, NULL);
    htp_conn_t *conn = htp_connp_get_connection(st->connp);
    size_t n = conn != NULL && conn->transactions != NULL ? htp_list_size(conn->transactions) : 0;
    for (size_t i = 0; i < n; i++) {
        htp_tx_t *h = htp_list_get(conn->transactions, i);
        HttpTx *tx = h != NULL ? htp_tx_get_user_data(h) : NULL;
        if (tx == NULL) {
            continue;
        }
        if (h->request_progress > HTP_REQUEST_LINE) {
            side_copy(st, tx, h, HTTP_REQ);
        }
        if (h->response_progress > HTP_RESPONSE_LINE) {
            side_copy(st, tx, h, HTTP_RES);
            tx->side[HTTP_RES].message_len =
                h->response_message_len > 0 ? (uint64_t)h->response_message_len : 0;
        }
        htp_tx_set_user_data(h, NULL);
    }
    htp_connp_destroy_all(st->connp);
    htp_config_destroy(st->cfg);
    st->connp = NULL;
    st->cfg = NULL;
    memcap_release(st->af->al->mc, st->charged);
    st->charged = 0;
    st->htp_live = 0;
    st->ended = true;
}

static void
http_flow_end(AlFlow *af)
{
    state_close(applayer_flow_state(af));
}

static void
http_tx_free(AlFlow *af, AlTx *base)
{
    HttpState *st = applayer_flow_state(af);
    HttpTx *tx = (HttpTx *)base;
    st->af = af;
    /* libhtp may still hold the transaction (its other side not done when ours was logged
     * and inspected): it must not reach ours any more. */
    htp_conn_t *conn = st->connp != NULL ? htp_connp_get_connection(st->connp) : NULL;
    size_t n = conn != NULL && conn->transactions != NULL ? htp_list_size(conn->transactions) : 0;
    for (size_t i = 0; i < n; i++) {
        htp_tx_t *h = htp_list_get(conn->transactions, i);
        if (h != NULL && htp_tx_get_user_data(h) == tx) {
            htp_tx_set_user_data(h, NULL);
        }
    }
    for (int s = 0; s < 2; s++) {
        HttpSide *side = &tx->side[s];
        if (side->mem != NULL) {
            release(st, side->mem_len);
            free(side->mem);
            side->mem = NULL;
        }
        buf_free(st, &side->raw_tmp);
        buf_free(st, &side->body);
    }
}

/* A hole of len bytes in direction dir. libhtp 0.5 has no way to be told of one: inside a
 * body (its length known, or to the close) it is fed that many filler bytes, which the body
 * callbacks drop (the body is marked cut, the file as having gaps), so the next message is
 * found where it starts. Anywhere else, or past HTTP_GAP_FILL_MAX, the direction stops
 * (false). Counted per direction (HttpState.gaps). */
static bool
gap_fill(HttpState *st, int dir, uint32_t len)
{
    static const uint8_t zeros[HTTP_FEED_PIECE];
    htp_tx_t *h =
        dir == FLOW_DIR_TOSERVER ? htp_connp_get_in_tx(st->connp) : htp_connp_get_out_tx(st->connp);
    st->gaps[dir]++;
    if (h == NULL || len > HTTP_GAP_FILL_MAX) {
        return false;
    }
    const bool req = dir == FLOW_DIR_TOSERVER;
    const bool in_body = req ? h->request_progress == HTP_REQUEST_BODY
                                   && h->request_transfer_coding == HTP_CODING_IDENTITY
                             : h->response_progress == HTP_RESPONSE_BODY
                                   && h->response_transfer_coding == HTP_CODING_IDENTITY;
    if (!in_body) {
        return false;
    }
    /* A hole past the body's end: fill to the end only; libhtp then reads what follows the
     * hole as the next message, as Suricata does (it finds its footing again when the hole
     * ended between messages). */
    const int64_t cl = req ? h->request_content_length : h->response_content_length;
    const int64_t seen = req ? h->request_message_len : h->response_message_len;
    if (cl >= 0 && seen >= 0 && (int64_t)len > cl - seen) {
        len = cl - seen > 0 ? (uint32_t)(cl - seen) : 0;
    }
    HttpTx *tx = htp_tx_get_user_data(h);
    if (tx != NULL) {
        tx->side[req ? HTTP_REQ : HTTP_RES].gap_bytes += len;
    }
    st->filling = true;
    int rc = HTP_STREAM_DATA;
    for (uint32_t off = 0; off < len && rc != HTP_STREAM_ERROR;) {
        uint32_t n = len - off < sizeof(zeros) ? len - off : (uint32_t)sizeof(zeros);
        rc = req ? htp_connp_req_data(st->connp, NULL, zeros, n)
                 : htp_connp_res_data(st->connp, NULL, zeros, n);
        off += n;
    }
    st->filling = false;
    return rc != HTP_STREAM_ERROR;
}

static AlResult
http_parse(AlFlow *af, int dir, bool tcp, const StreamChunk *in)
{
    HttpState *st = applayer_flow_state(af);
    const uint32_t len = (uint32_t)in->data.left;
    (void)tcp;
    if (!state_open(af, st) || st->stopped[dir]) {
        return al_ok(len);
    }
    st->af = af;
    st->cur_dir = (uint8_t)dir;
    int rc;
    if ((in->flags & STREAM_F_GAP) && !gap_fill(st, dir, in->gap_len)) {
        st->stopped[dir] = true;
        return al_ok(len);
    }
    if (len == 0) {
        return al_ok(0);
    }
    /* Fed in pieces: a client pipelining requests nobody answers makes libhtp keep every
     * one, so past HTTP_HTP_TX_MAX live ones the request side stops (a piece holds at most
     * HTTP_FEED_PIECE / 16 requests more). */
    for (uint32_t off = 0; off < len && !st->stopped[dir];) {
        if (dir == FLOW_DIR_TOSERVER && st->htp_live >= HTTP_HTP_TX_MAX) {
            st->stopped[dir] = true;
            break;
        }
        uint32_t n = len - off < HTTP_FEED_PIECE ? len - off : HTTP_FEED_PIECE;
        rc = dir == FLOW_DIR_TOSERVER ? htp_connp_req_data(st->connp, NULL, in->data.p + off, n)
                                      : htp_connp_res_data(st->connp, NULL, in->data.p + off, n);
        off += n;
        switch (rc) {
        case HTP_STREAM_ERROR:
        case HTP_STREAM_TUNNEL:
        case HTP_STREAM_CLOSED:
            /* Not HTTP any more (a CONNECT tunnel, a protocol switch), or libhtp gave up. */
            st->stopped[dir] = true;
            break;
        default:
            /* HTP_STREAM_DATA_OTHER: libhtp waits for the other side (a CONNECT's answer)
             * before it reads on; what it left is not read again (sekimori does not hand a
             * direction's bytes back after the other's). */
            break;
        }
    }
    return al_ok(len);
}

/* ---- probe ---- */

/* Request methods Suricata finds HTTP by (its patterns: the method and a space or tab). */
static const char *const methods[] = {
    "GET",
    "PUT",
    "POST",
    "HEAD",
    "TRACE",
    "OPTIONS",
    "CONNECT",
    "DELETE",
    "PATCH",
    "PROPFIND",
    "PROPPATCH",
    "MKCOL",
    "COPY",
    "MOVE",
    "LOCK",
    "UNLOCK",
    "CHECKOUT",
    "UNCHECKOUT",
    "CHECKIN",
    "UPDATE",
    "LABEL",
    "REPORT",
    "MKWORKSPACE",
    "MKACTIVITY",
    "MERGE",
    "INVALID",
    "VERSION-CONTROL",
    "BASELINE-CONTROL",
    "SEARCH",
    "SUBSCRIBE",
    "UNSUBSCRIBE",
    "NOTIFY",
    "POLL",
    "BMOVE",
    "BDELETE",
    "BPROPFIND",
    "BPROPPATCH",
    "BCOPY",
    "X-MS-ENUMATTS",
    "RPC_IN_DATA",
    "RPC_OUT_DATA",
    "ACL",
};

/* Does the first line of c (up to CR or LF) hold "HTTP/1."? A request line with a method
 * Suricata has no pattern for ("CCM_POST / HTTP/1.1"), which it parses once the response
 * names the flow HTTP. */
static bool
line_has_version(Cursor c)
{
    static const char v[] = "HTTP/1.";
    const size_t vl = sizeof(v) - 1;
    for (size_t i = 0; i + vl <= c.left && i < 1024; i++) {
        if (c.p[i] == '\r' || c.p[i] == '\n') {
            return false;
        }
        if (memcmp(c.p + i, v, vl) == 0) {
            return true;
        }
    }
    return false;
}

AlProbe
http_probe(int dir, Cursor c, bool tcp)
{
    if (!tcp) {
        return AL_PROBE_NO;
    }
    if (dir == FLOW_DIR_TOCLIENT) {
        static const char pfx[] = "HTTP/";
        size_t n = c.left < 5 ? c.left : 5;
        if (memcmp(c.p, pfx, n) != 0) {
            return AL_PROBE_NO;
        }
        return n < 5 ? AL_PROBE_NEED_MORE : AL_PROBE_YES;
    }
    /* A method, then a space or a tab (Suricata's patterns); a method run into the URI
     * ("GET/ HTTP/1.1", "OPTIONSHTTP/1.1") or an unknown one before a version is a request
     * too: Suricata parses those once the server's "HTTP/" decided the flow, and libhtp reads
     * them as it does. */
    bool more = false;
    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
        size_t ml = strlen(methods[i]);
        size_t n = c.left < ml ? c.left : ml;
        if (strncasecmp((const char *)c.p, methods[i], n) != 0) {
            continue;
        }
        if (c.left <= ml) {
            more = true;
            continue;
        }
        return AL_PROBE_YES;
    }
    if (line_has_version(c)) {
        return AL_PROBE_YES;
    }
    return more ? AL_PROBE_NEED_MORE : AL_PROBE_NO;
}

/* ---- accessors ---- */

/* Suricata's names of a side's progress (alerts' ts_progress / tc_progress), by libhtp's
 * request and response progress values. */
static const char *
http_progress_name(const AlTx *base, int dir)
{
    static const char *const names[2][6] = {
        {"request_started", "request_line", "request_headers", "request_body", "request_trailer",
         "request_complete"},
        {"response_started", "response_line", "response_headers", "response_body",
         "response_trailer", "response_complete"},
    };
    const HttpTx *tx = (const HttpTx *)base;
    const int s = dir == FLOW_DIR_TOSERVER ? HTTP_REQ : HTTP_RES;
    unsigned p = base->progress[dir] ? 5 : tx->htp_progress[s];
    return names[s][p < 6 ? p : 5];
}

Cursor
http_span(const HttpTx *tx, int s, HttpSpan sp)
{
    const HttpSide *side = &tx->side[s];
    if (!sp.set || side->text == NULL || (uint64_t)sp.off + sp.len > side->text_len) {
        return cur_init(NULL, 0);
    }
    return cur_init(side->text + sp.off, sp.len);
}

bool
http_header_get(const HttpTx *tx, int s, const char *name, Cursor *out)
{
    const HttpSide *side = &tx->side[s];
    size_t nl = strlen(name);
    for (uint32_t i = 0; i < side->hdr_cnt; i++) {
        Cursor n = http_span(tx, s, side->hdr[i].name);
        if (n.left == nl && strncasecmp((const char *)n.p, name, nl) == 0) {
            *out = http_span(tx, s, side->hdr[i].value);
            return true;
        }
    }
    return false;
}

const AlParser http_parser = {
    .name = "http",
    .ipprotos = AL_IPPROTO_TCP,
    .default_port = 80,
    .any_port = true,
    .probe = http_probe,
    .state_size = sizeof(HttpState),
    .parse = http_parse,
    .tx_free = http_tx_free,
    .flow_end = http_flow_end,
    .log_tx = http_log_tx,
    .log_tx_id = true,
    .file_count = http_file_count,
    .log_file = http_log_file,
    .file_dir = http_file_dir,
    .progress_name = http_progress_name,
    .event_name = http_event_name,
    .event_lookup = http_event_lookup,
};
