/* json.c: the streaming writer behind every EVE record. The buffer grows by doubling (rarely:
 * it is reused for every record of a worker), and a failed grow marks the record lost rather
 * than truncating it silently. */
#include "core/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool
json_init(JsonBuf *jb, size_t cap)
{
    memset(jb, 0, sizeof(*jb));
    jb->buf = malloc(cap);
    if (jb->buf == NULL) {
        return false;
    }
    jb->cap = cap;
    return true;
}

void
json_fini(JsonBuf *jb)
{
    free(jb->buf);
    memset(jb, 0, sizeof(*jb));
}

void
json_reset(JsonBuf *jb)
{
    jb->len = 0;
    jb->depth = 0;
    jb->comma[0] = false;
    jb->oom = false;
}

static bool
reserve(JsonBuf *jb, size_t n)
{
    if (jb->len + n <= jb->cap) {
        return true;
    }
    size_t cap = jb->cap ? jb->cap : 256;
    while (cap < jb->len + n) {
        cap *= 2;
    }
    char *b = realloc(jb->buf, cap);
    if (b == NULL) {
        jb->oom = true;
        return false;
    }
    jb->buf = b;
    jb->cap = cap;
    return true;
}

static void
put(JsonBuf *jb, const char *s, size_t n)
{
    if (!reserve(jb, n)) {
        return;
    }
    memcpy(jb->buf + jb->len, s, n);
    jb->len += n;
}

static void
put_c(JsonBuf *jb, char c)
{
    if (!reserve(jb, 1)) {
        return;
    }
    jb->buf[jb->len++] = c;
}

/* Comma and key before a value at the current level. */
static void
begin_value(JsonBuf *jb, const char *key)
{
    if (jb->comma[jb->depth]) {
        put_c(jb, ',');
    }
    jb->comma[jb->depth] = true;
    if (key != NULL) {
        size_t kl = strlen(key);
        if (!reserve(jb, kl + 3)) {
            return;
        }
        jb->buf[jb->len++] = '"';
        memcpy(jb->buf + jb->len, key, kl);
        jb->len += kl;
        jb->buf[jb->len++] = '"';
        jb->buf[jb->len++] = ':';
    }
}

static void
open_level(JsonBuf *jb, const char *key, char c)
{
    begin_value(jb, key);
    put_c(jb, c);
    if (jb->depth + 1 < JSON_DEPTH_MAX) {
        jb->depth++;
    }
    jb->comma[jb->depth] = false;
}

static void
close_level(JsonBuf *jb, char c)
{
    put_c(jb, c);
    if (jb->depth > 0) {
        jb->depth--;
    }
}

void
json_open_obj(JsonBuf *jb, const char *key)
{
    open_level(jb, key, '{');
}

void
json_close_obj(JsonBuf *jb)
{
    close_level(jb, '}');
}

void
json_open_arr(JsonBuf *jb, const char *key)
{
    open_level(jb, key, '[');
}

void
json_close_arr(JsonBuf *jb)
{
    close_level(jb, ']');
}

void
json_strn(JsonBuf *jb, const char *key, const char *val, size_t n)
{
    static const char hex[] = "0123456789abcdef";

    begin_value(jb, key);
    /* Worst case every byte becomes \u00XX. */
    if (!reserve(jb, n * 6 + 2)) {
        return;
    }
    char *o = jb->buf + jb->len;
    *o++ = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)val[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x7f) {
            *o++ = (char)c;
            continue;
        }
        *o++ = '\\';
        switch (c) {
        case '"':
            *o++ = '"';
            break;
        case '\\':
            *o++ = '\\';
            break;
        case '\n':
            *o++ = 'n';
            break;
        case '\r':
            *o++ = 'r';
            break;
        case '\t':
            *o++ = 't';
            break;
        default:
            /* Control bytes and non-ASCII: escaped byte-wise so the line is always valid JSON
             * whatever the network sent. */
            *o++ = 'u';
            *o++ = '0';
            *o++ = '0';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
            break;
        }
    }
    *o++ = '"';
    jb->len = (size_t)(o - jb->buf);
}

void
json_str_plain(JsonBuf *jb, const char *key, const char *val, size_t n)
{
    begin_value(jb, key);
    if (!reserve(jb, n + 2)) {
        return;
    }
    jb->buf[jb->len++] = '"';
    memcpy(jb->buf + jb->len, val, n);
    jb->len += n;
    jb->buf[jb->len++] = '"';
}

void
json_str(JsonBuf *jb, const char *key, const char *val)
{
    json_strn(jb, key, val, strlen(val));
}

void
json_u64(JsonBuf *jb, const char *key, uint64_t v)
{
    char tmp[24];
    char *e = tmp + sizeof(tmp);
    char *s = e;
    do {
        *--s = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    begin_value(jb, key);
    put(jb, s, (size_t)(e - s));
}

void
json_i64(JsonBuf *jb, const char *key, int64_t v)
{
    if (v >= 0) {
        json_u64(jb, key, (uint64_t)v);
        return;
    }
    char tmp[24];
    int n = snprintf(tmp, sizeof(tmp), "%lld", (long long)v);
    begin_value(jb, key);
    put(jb, tmp, (size_t)n);
}

void
json_bool(JsonBuf *jb, const char *key, bool v)
{
    begin_value(jb, key);
    if (v) {
        put(jb, "true", 4);
    } else {
        put(jb, "false", 5);
    }
}

void
json_raw(JsonBuf *jb, const char *key, const char *raw, size_t n)
{
    begin_value(jb, key);
    put(jb, raw, n);
}

void
json_end_line(JsonBuf *jb)
{
    put_c(jb, '\n');
}

size_t
json_base64_encode(const uint8_t *data, size_t n, char *out)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *o = out;
    size_t i = 0;

    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];
        *o++ = alphabet[v >> 18];
        *o++ = alphabet[(v >> 12) & 63];
        *o++ = alphabet[(v >> 6) & 63];
        *o++ = alphabet[v & 63];
    }
    if (i < n) {
        uint32_t v = (uint32_t)data[i] << 16 | (i + 1 < n ? (uint32_t)data[i + 1] << 8 : 0);
        *o++ = alphabet[v >> 18];
        *o++ = alphabet[(v >> 12) & 63];
        *o++ = i + 1 < n ? alphabet[(v >> 6) & 63] : '=';
        *o++ = '=';
    }
    return (size_t)(o - out);
}

void
json_base64(JsonBuf *jb, const char *key, const uint8_t *data, size_t n)
{
    begin_value(jb, key);
    if (!reserve(jb, (n + 2) / 3 * 4 + 2)) {
        return;
    }
    jb->buf[jb->len++] = '"';
    jb->len += json_base64_encode(data, n, jb->buf + jb->len);
    jb->buf[jb->len++] = '"';
}
