/* http/log.c: the EVE "http" object of a transaction, as Suricata 8.0.7 writes it with the
 * stock yaml's http logger (extended: yes): hostname, http_port, url, http_user_agent,
 * http_content_type, content_range, then the extended fields http_refer, http_method,
 * protocol, status, redirect, length, in that order; a field the transaction lacks is left
 * out, length never is. Checked against Suricata 8.0.7 on the same captures
 * (/work/shared/tools/app-records-compare). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "applayer/http/http.h"

/* Length of the UTF-8 sequence at p (n bytes left), 0 when it is not a valid one. */
static size_t
utf8_len(const uint8_t *p, size_t n)
{
    size_t len = p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 ? 2 : 0;
    if (len == 0 || p[0] > 0xf4 || len > n) {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }
    }
    /* overlong three-byte forms and surrogates, overlong four-byte forms and past U+10FFFF */
    if ((len == 3 && ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0)))
        || (len == 4 && ((p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90)))) {
        return 0;
    }
    return len;
}

/* Network bytes as Suricata 8 writes an HTTP field: valid UTF-8 as it is; otherwise every
 * byte past ASCII as the four characters \xNN. The JSON writer escapes the rest. */
static void
put_bytes(JsonBuf *jb, const char *key, const uint8_t *p, size_t n)
{
    bool ascii = true, utf8 = true;
    for (size_t i = 0; i < n;) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        ascii = false;
        size_t l = utf8_len(p + i, n - i);
        if (l == 0) {
            utf8 = false;
            break;
        }
        i += l;
    }
    if (ascii) {
        json_strn(jb, key, (const char *)p, n);
        return;
    }
    /* Worst case: every byte six characters (\u00XX), and the quotes. */
    char *out = malloc(n * 6 + 2);
    if (out == NULL) {
        return;
    }
    size_t o = 0;
    if (utf8) {
        out[o++] = '"';
        for (size_t i = 0; i < n; i++) {
            uint8_t b = p[i];
            if (b >= 0x80 || (b >= 0x20 && b != '"' && b != '\\' && b != 0x7f)) {
                out[o++] = (char)b;
            } else if (b == '"' || b == '\\') {
                out[o++] = '\\';
                out[o++] = (char)b;
            } else {
                o += (size_t)snprintf(out + o, 7, "\\u%04x", b);
            }
        }
        out[o++] = '"';
        json_raw(jb, key, out, o);
    } else {
        for (size_t i = 0; i < n; i++) {
            if (p[i] >= 0x80) {
                o += (size_t)snprintf(out + o, 5, "\\x%02x", p[i]);
            } else {
                out[o++] = (char)p[i];
            }
        }
        json_strn(jb, key, out, o);
    }
    free(out);
}

static void
put_span(JsonBuf *jb, const char *key, const HttpTx *tx, int s, HttpSpan sp)
{
    if (sp.set) {
        Cursor c = http_span(tx, s, sp);
        put_bytes(jb, key, c.p, c.left);
    }
}

static bool
put_header(JsonBuf *jb, const char *key, const HttpTx *tx, int s, const char *name)
{
    Cursor c;
    if (!http_header_get(tx, s, name, &c)) {
        return false;
    }
    put_bytes(jb, key, c.p, c.left);
    return true;
}

/* A decimal number at *c (advanced past it); false when no digit is there. */
static bool
read_num(Cursor *c, int64_t *v)
{
    int64_t n = 0;
    bool digits = false;
    uint8_t b;
    while (c->left > 0 && c->p[0] >= '0' && c->p[0] <= '9' && n < INT64_MAX / 10 - 10) {
        if (!cur_u8(c, &b)) {
            return false;
        }
        n = n * 10 + (b - '0');
        digits = true;
    }
    *v = n;
    return digits;
}

static bool
read_char(Cursor *c, uint8_t want)
{
    uint8_t b;
    return cur_u8(c, &b) && b == want;
}

/* Content-Range: "bytes first-last/size", size "*" when unknown (-1 there, as Suricata). */
static void
put_content_range(JsonBuf *jb, const HttpTx *tx)
{
    Cursor c;
    if (!http_header_get(tx, HTTP_RES, "content-range", &c)) {
        return;
    }
    json_open_obj(jb, "content_range");
    json_strn(jb, "raw", (const char *)c.p, c.left);
    Cursor r = c;
    int64_t start = -1, end = -1, size = -1;
    Cursor unit;
    bool ok = cur_take(&r, 6, &unit) && memcmp(unit.p, "bytes ", 6) == 0 && read_num(&r, &start)
              && read_char(&r, '-') && read_num(&r, &end) && read_char(&r, '/');
    if (ok && !(r.left > 0 && r.p[0] == '*')) {
        ok = read_num(&r, &size);
    }
    if (ok) {
        json_i64(jb, "start", start);
        json_i64(jb, "end", end);
        json_i64(jb, "size", size);
    }
    json_close_obj(jb);
}

void
http_log_tx(JsonBuf *jb, const AlFlow *af, const AlTx *base)
{
    const HttpTx *tx = (const HttpTx *)base;
    const HttpSide *rq = &tx->side[HTTP_REQ];
    const HttpSide *rs = &tx->side[HTTP_RES];
    Cursor c;
    (void)af;

    json_open_obj(jb, "http");
    put_span(jb, "hostname", tx, HTTP_REQ, rq->f[HTTP_F_HOST]);
    /* Only a port written in the URI or the Host header (not the connection's). */
    if (rq->port > 0) {
        json_u64(jb, "http_port", (uint64_t)rq->port);
    }
    put_span(jb, "url", tx, HTTP_REQ, rq->f[HTTP_F_URI_RAW]);
    put_header(jb, "http_user_agent", tx, HTTP_REQ, "user-agent");
    if (http_header_get(tx, HTTP_RES, "content-type", &c)) {
        /* The media type without its parameters. */
        size_t n = 0;
        while (n < c.left && c.p[n] != ';') {
            n++;
        }
        put_bytes(jb, "http_content_type", c.p, n);
    }
    put_content_range(jb, tx);
    put_header(jb, "http_refer", tx, HTTP_REQ, "referer");
    put_span(jb, "http_method", tx, HTTP_REQ, rq->f[HTTP_F_METHOD]);
    put_span(jb, "protocol", tx, HTTP_REQ, rq->protocol);
    if (rs->status > 0) {
        json_u64(jb, "status", (uint64_t)rs->status);
    }
    put_header(jb, "redirect", tx, HTTP_RES, "location");
    /* Holes are not counted: Suricata's body ends at one. */
    json_u64(jb, "length", rs->message_len > rs->gap_bytes ? rs->message_len - rs->gap_bytes : 0);
    json_close_obj(jb);
}

/* ---- fileinfo ---- */

static bool disposition_name(Cursor v, Cursor *name);

/* A file's name: the Content-Disposition name, else the URI's path (decoded), else the URI
 * as sent; a body with none of them is no file, as in Suricata. */
static bool
file_name(const HttpTx *tx, int s, Cursor *name)
{
    const HttpSide *rq = &tx->side[HTTP_REQ];
    Cursor v;
    if (http_header_get(tx, s, "content-disposition", &v) && disposition_name(v, name)) {
        return true;
    }
    *name = http_span(tx, HTTP_REQ, rq->f[HTTP_F_PATH]);
    if (name->left == 0) {
        *name = http_span(tx, HTTP_REQ, rq->f[HTTP_F_URI_RAW]);
    }
    return name->left > 0;
}

static bool
method_is(const HttpTx *tx, const char *m)
{
    Cursor c = http_span(tx, HTTP_REQ, tx->side[HTTP_REQ].f[HTTP_F_METHOD]);
    return c.left == strlen(m) && memcmp(c.p, m, c.left) == 0;
}

/* As Suricata opens files: a request body of a POST or a PUT, any response body but a
 * CONNECT's. */
static bool
is_file(const HttpTx *tx, int s)
{
    Cursor name;
    if (s == HTTP_REQ ? !(method_is(tx, "POST") || method_is(tx, "PUT"))
                      : method_is(tx, "CONNECT")) {
        return false;
    }
    return tx->side[s].body_seen + tx->side[s].gap_bytes > 0 && file_name(tx, s, &name);
}

/* The side of file idx: the request's body is file 0 when it is one. */
static int
file_side(const HttpTx *tx, unsigned idx)
{
    if (is_file(tx, HTTP_REQ)) {
        return idx == 0 ? HTTP_REQ : HTTP_RES;
    }
    return HTTP_RES;
}

unsigned
http_file_count(const AlTx *base)
{
    const HttpTx *tx = (const HttpTx *)base;
    return is_file(tx, HTTP_REQ) + is_file(tx, HTTP_RES);
}

int
http_file_dir(const AlTx *base, unsigned idx)
{
    return file_side((const HttpTx *)base, idx) == HTTP_REQ ? FLOW_DIR_TOSERVER : FLOW_DIR_TOCLIENT;
}

/* The filename="..." of a Content-Disposition value, false when there is none. */
static bool
disposition_name(Cursor v, Cursor *name)
{
    static const char key[] = "filename=";
    const size_t kl = sizeof(key) - 1;
    for (size_t i = 0; i + kl <= v.left; i++) {
        if (strncasecmp((const char *)v.p + i, key, kl) != 0 || (i > 0 && v.p[i - 1] == '*')) {
            continue;
        }
        size_t start = i + kl, end;
        if (start < v.left && v.p[start] == '"') {
            start++;
            for (end = start; end < v.left && v.p[end] != '"'; end++) {
            }
        } else {
            for (end = start; end < v.left && v.p[end] != ';' && v.p[end] != ' '; end++) {
            }
        }
        *name = cur_init(v.p + start, end - start);
        return end > start;
    }
    return false;
}

/* A file's object as Suricata 8.0.7 writes it without hashes or storing: filename, gaps,
 * state, stored, size (the body after decoding), tx_id. */
void
http_log_file(JsonBuf *jb, const char *key, const AlFlow *af, const AlTx *base, unsigned idx)
{
    const HttpTx *tx = (const HttpTx *)base;
    const int s = file_side(tx, idx);
    const HttpSide *side = &tx->side[s];
    /* A hole counts in a file's size (Suricata appends it as a gap). Past the side's body
     * limit Suricata stops the file there: TRUNCATED at the limit. */
    const uint64_t size = side->body_seen + side->gap_bytes;
    const bool cut = size > side->body_limit;
    const bool closed = side->complete && !side->gap && !cut;
    Cursor name;
    (void)af;

    if (!file_name(tx, s, &name)) {
        name = cur_init((const uint8_t *)"", 0);
    }
    json_open_obj(jb, key);
    put_bytes(jb, "filename", name.p, name.left);
    json_bool(jb, "gaps", side->gap);
    json_str_plain(jb, "state", closed ? "CLOSED" : "TRUNCATED", closed ? 6 : 9);
    json_bool(jb, "stored", false);
    json_u64(jb, "size", cut ? side->body_limit : size);
    json_u64(jb, "tx_id", base->id);
    json_close_obj(jb);
}
