/* http/detect.c: the HTTP buffers rules inspect (http/buffers.def). Every one is a run of the
 * transaction's own memory (its text block or a body), made when the side's headers were
 * copied: nothing is built per inspection, and no buffer is cut to the scratch size. A side
 * not parsed yet, or a field the message lacks, has no buffer (the rule does not match). */
#include <string.h>

#include "applayer/http/http.h"

static int
side_of(int dir)
{
    return dir == FLOW_DIR_TOSERVER ? HTTP_REQ : HTTP_RES;
}

static bool
span_out(const AlTx *base, int s, uint32_t idx, HttpSpan sp, Cursor *out)
{
    const HttpTx *tx = (const HttpTx *)base;
    if (idx > 0 || !sp.set || tx->side[s].text == NULL) {
        return false;
    }
    *out = http_span(tx, s, sp);
    return true;
}

/* A non-empty span only: a header block without headers is no buffer. */
static bool
span_out_nonempty(const AlTx *base, int s, uint32_t idx, HttpSpan sp, Cursor *out)
{
    return sp.len > 0 && span_out(base, s, idx, sp, out);
}

static bool
header_out(const AlTx *base, int s, uint32_t idx, const char *name, Cursor *out)
{
    return idx == 0 && http_header_get((const HttpTx *)base, s, name, out);
}

#define SIDE(base, s) (&((const HttpTx *)(base))->side[s])

/* Field getters: (tx, dir, idx, scratch, cap, out); the scratch is never needed. */
#define FIELD_GETTER(fn, s_expr, span_expr)                                                        \
    bool fn(const AlTx *tx, int dir, uint32_t idx, uint8_t *scratch, size_t cap, Cursor *out)      \
    {                                                                                              \
        const int s = (s_expr);                                                                    \
        (void)dir;                                                                                 \
        (void)scratch;                                                                             \
        (void)cap;                                                                                 \
        return span_out(tx, s, idx, SIDE(tx, s)->span_expr, out);                                  \
    }

#define HEADER_GETTER(fn, s_expr, name)                                                            \
    bool fn(const AlTx *tx, int dir, uint32_t idx, uint8_t *scratch, size_t cap, Cursor *out)      \
    {                                                                                              \
        (void)dir;                                                                                 \
        (void)scratch;                                                                             \
        (void)cap;                                                                                 \
        return header_out(tx, (s_expr), idx, (name), out);                                         \
    }

FIELD_GETTER(http_detect_method, HTTP_REQ, f[HTTP_F_METHOD])
FIELD_GETTER(http_detect_uri, HTTP_REQ, f[HTTP_F_URI])
FIELD_GETTER(http_detect_uri_raw, HTTP_REQ, f[HTTP_F_URI_RAW])
FIELD_GETTER(http_detect_protocol, side_of(dir), protocol)
FIELD_GETTER(http_detect_request_line, HTTP_REQ, line)
FIELD_GETTER(http_detect_response_line, HTTP_RES, line)
FIELD_GETTER(http_detect_start, side_of(dir), start)
FIELD_GETTER(http_detect_host, HTTP_REQ, f[HTTP_F_HOST])
FIELD_GETTER(http_detect_host_raw, HTTP_REQ, f[HTTP_F_HOST_RAW])
FIELD_GETTER(http_detect_stat_code, HTTP_RES, f[HTTP_F_STATUS])
FIELD_GETTER(http_detect_stat_msg, HTTP_RES, f[HTTP_F_MSG])

HEADER_GETTER(http_detect_user_agent, HTTP_REQ, "user-agent")
HEADER_GETTER(http_detect_accept, HTTP_REQ, "accept")
HEADER_GETTER(http_detect_accept_enc, HTTP_REQ, "accept-encoding")
HEADER_GETTER(http_detect_accept_lang, HTTP_REQ, "accept-language")
HEADER_GETTER(http_detect_referer, HTTP_REQ, "referer")
HEADER_GETTER(http_detect_connection, side_of(dir), "connection")
HEADER_GETTER(http_detect_content_type, side_of(dir), "content-type")
HEADER_GETTER(http_detect_content_len, side_of(dir), "content-length")
HEADER_GETTER(http_detect_server, HTTP_RES, "server")
HEADER_GETTER(http_detect_location, HTTP_RES, "location")
HEADER_GETTER(http_detect_cookie, side_of(dir), dir == FLOW_DIR_TOSERVER ? "cookie" : "set-cookie")

/* http.header: every header "Name: value\r\n" but the cookie one (Suricata's normalized
 * buffer; the cookie has its own). */
bool
http_detect_header(const AlTx *tx, int dir, uint32_t idx, uint8_t *scratch, size_t cap, Cursor *out)
{
    const int s = side_of(dir);
    (void)scratch;
    (void)cap;
    return SIDE(tx, s)->hdr_cnt > 0 && span_out_nonempty(tx, s, idx, SIDE(tx, s)->hbuf, out);
}

bool
http_detect_header_raw(const AlTx *tx, int dir, uint32_t idx, uint8_t *scratch, size_t cap,
                       Cursor *out)
{
    const int s = side_of(dir);
    (void)scratch;
    (void)cap;
    return span_out_nonempty(tx, s, idx, SIDE(tx, s)->raw, out);
}

bool
http_detect_header_names(const AlTx *tx, int dir, uint32_t idx, uint8_t *scratch, size_t cap,
                         Cursor *out)
{
    const int s = side_of(dir);
    (void)scratch;
    (void)cap;
    return SIDE(tx, s)->hdr_cnt > 0 && span_out(tx, s, idx, SIDE(tx, s)->names, out);
}

/* http.request_header / http.response_header: the idx-th header as "name: value". */
static bool
header_line(const AlTx *tx, int s, uint32_t idx, Cursor *out)
{
    const HttpSide *side = SIDE(tx, s);
    if (idx >= side->hdr_cnt) {
        return false;
    }
    *out = http_span((const HttpTx *)tx, s, side->hdr[idx].line);
    return true;
}

bool
http_detect_request_header(const AlTx *tx, int dir, uint32_t idx, uint8_t *scratch, size_t cap,
                           Cursor *out)
{
    (void)dir;
    (void)scratch;
    (void)cap;
    return header_line(tx, HTTP_REQ, idx, out);
}

bool
http_detect_response_header(const AlTx *tx, int dir, uint32_t idx, uint8_t *scratch, size_t cap,
                            Cursor *out)
{
    (void)dir;
    (void)scratch;
    (void)cap;
    return header_line(tx, HTTP_RES, idx, out);
}

/* A body as decoded (chunks joined, gzip/deflate undone), up to the side's body limit. */
static bool
body_out(const AlTx *tx, int s, uint32_t idx, Cursor *out)
{
    const HttpBuf *b = &SIDE(tx, s)->body;
    if (idx > 0 || b->len == 0) {
        return false;
    }
    *out = cur_init(b->p, b->len);
    return true;
}

bool
http_detect_request_body(const AlTx *tx, int dir, uint32_t idx, uint8_t *scratch, size_t cap,
                         Cursor *out)
{
    (void)dir;
    (void)scratch;
    (void)cap;
    return body_out(tx, HTTP_REQ, idx, out);
}

bool
http_detect_response_body(const AlTx *tx, int dir, uint32_t idx, uint8_t *scratch, size_t cap,
                          Cursor *out)
{
    (void)dir;
    (void)scratch;
    (void)cap;
    return body_out(tx, HTTP_RES, idx, out);
}

/* file.data: the request body toserver, the response body toclient. */
bool
http_detect_file_data(const AlTx *tx, int dir, uint32_t idx, uint8_t *scratch, size_t cap,
                      Cursor *out)
{
    (void)scratch;
    (void)cap;
    return body_out(tx, side_of(dir), idx, out);
}
