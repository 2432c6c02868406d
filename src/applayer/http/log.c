/* http/log.c: the EVE "http" object of a transaction, as Suricata 8.0.7 writes it with the
 * stock yaml's http logger (extended: yes): hostname, http_port, url, http_user_agent,
 * http_content_type, content_range, then the extended fields http_refer, http_method,
 * protocol, status, redirect, length, in that order; a field the transaction lacks is left
 * out, length never is. Checked against Suricata 8.0.7 on the same captures
 * (/work/shared/tools/app-records-compare). */
#include <stdio.h>
#include <string.h>

#include "applayer/http/http.h"

static void
put_span(JsonBuf *jb, const char *key, const HttpTx *tx, int s, HttpSpan sp)
{
    if (sp.set) {
        Cursor c = http_span(tx, s, sp);
        json_strn(jb, key, (const char *)c.p, c.left);
    }
}

static bool
put_header(JsonBuf *jb, const char *key, const HttpTx *tx, int s, const char *name)
{
    Cursor c;
    if (!http_header_get(tx, s, name, &c)) {
        return false;
    }
    json_strn(jb, key, (const char *)c.p, c.left);
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
        json_strn(jb, "http_content_type", (const char *)c.p, n);
    }
    put_content_range(jb, tx);
    put_header(jb, "http_refer", tx, HTTP_REQ, "referer");
    put_span(jb, "http_method", tx, HTTP_REQ, rq->f[HTTP_F_METHOD]);
    put_span(jb, "protocol", tx, HTTP_REQ, rq->protocol);
    if (rs->status > 0) {
        json_u64(jb, "status", (uint64_t)rs->status);
    }
    put_header(jb, "redirect", tx, HTTP_RES, "location");
    json_u64(jb, "length", rs->message_len);
    json_close_obj(jb);
}
