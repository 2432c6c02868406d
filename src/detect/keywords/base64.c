/* base64.c: base64_decode and the base64_data buffer. base64_decode decodes a stretch of the
 * current buffer into the thread's scratch (DetectThread.b64_buf); the base64_data sticky
 * buffer then inspects what it decoded. The engine evaluates buffer lists in DetectListId order
 * and base64_data's list comes after the lists base64_decode can sit on, so the decoded bytes
 * are there when base64_data is inspected, provided the engine empties them (b64_len = 0)
 * before each rule: a rule must never see another rule's decoded bytes.
 *
 * Decoding follows RFC 4648 as Suricata 8 does by default: the first byte outside the
 * alphabet ends the data; '=' completes the current group, decoding goes on after it; a last
 * incomplete group of 2 or 3 characters still yields its 1 or 2 whole bytes. */
#include "detect/detect_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define B64_OPT_MAX 65535 /* bytes and offset, as Suricata bounds them */

typedef struct {
    uint32_t bytes; /* 0: to the end of the buffer */
    uint32_t offset;
    bool relative;
} Base64Decode;

/* Shared with transforms.c (from_base64). */
uint32_t detect_base64_decode(const uint8_t *in, uint32_t len, uint8_t *out, bool skip_invalid);

static int
b64_value(uint8_t c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+') {
        return 62;
    }
    if (c == '/') {
        return 63;
    }
    return c == '=' ? -2 : -1;
}

/* Decodes in (len bytes) into out (at least len * 3 / 4 + 3 bytes); returns the bytes written.
 * skip_invalid: RFC 2045 (characters outside the alphabet are ignored) instead of RFC 4648
 * (they end the data). */
uint32_t
detect_base64_decode(const uint8_t *in, uint32_t len, uint8_t *out, bool skip_invalid)
{
    uint32_t acc = 0, n = 0, o = 0;
    for (uint32_t i = 0; i < len; i++) {
        int v = b64_value(in[i]);
        if (v == -1) {
            if (skip_invalid) {
                continue;
            }
            break;
        }
        if (v == -2) {
            /* padding closes the group: its whole bytes, then a fresh group */
            if (n >= 2) {
                out[o++] = (uint8_t)(acc >> (6 * n - 8));
                if (n == 3) {
                    out[o++] = (uint8_t)(acc >> (6 * n - 16));
                }
            }
            acc = 0;
            n = 0;
            continue;
        }
        acc = acc << 6 | (uint32_t)v;
        if (++n == 4) {
            out[o++] = (uint8_t)(acc >> 16);
            out[o++] = (uint8_t)(acc >> 8);
            out[o++] = (uint8_t)acc;
            acc = 0;
            n = 0;
        }
    }
    if (n >= 2) {
        out[o++] = (uint8_t)(acc >> (6 * n - 8));
        if (n == 3) {
            out[o++] = (uint8_t)(acc >> (6 * n - 16));
        }
    }
    return o;
}

static int
base64_decode_inspect(DetectInspect *di, const SigMatch *sm, uint32_t *resume)
{
    const Base64Decode *bd = sm->ctx;
    struct DetectThread *dt = di->dt;
    uint64_t start = (bd->relative ? (uint64_t)di->pos : 0) + bd->offset;
    uint32_t n;
    (void)resume;

    dt->b64_len = 0;
    if (start >= di->len) {
        return DI_NO_MATCH;
    }
    n = di->len - (uint32_t)start;
    if (bd->bytes != 0 && bd->bytes < n) {
        n = bd->bytes;
    }
    /* Capacity for the worst case of this input, kept for the next packets: after warm-up
     * no allocation. Bounded by the buffer's own length (at most 3/4 of it, plus a group). */
    uint32_t need = n / 4 * 3 + 3;
    if (need > dt->b64_cap) {
        uint32_t cap = dt->b64_cap == 0 ? 256 : dt->b64_cap;
        while (cap < need) {
            cap = cap > UINT32_MAX / 2 ? need : cap * 2;
        }
        uint8_t *b = realloc(dt->b64_buf, cap);
        if (b == NULL) {
            return DI_NO_MATCH;
        }
        dt->b64_buf = b;
        dt->b64_cap = cap;
    }
    dt->b64_len = detect_base64_decode(di->buf + start, n, dt->b64_buf, false);
    return dt->b64_len > 0 ? DI_MATCH : DI_NO_MATCH;
}

static const DetectSmOps base64_decode_ops = {.inspect = base64_decode_inspect};

static bool
b64_opt_num(const char *v, uint32_t *out)
{
    char *end;
    long long n;
    if (!isdigit((unsigned char)*v)) {
        return false;
    }
    errno = 0;
    n = strtoll(v, &end, 10);
    if (errno != 0 || *end != '\0' || n < 0 || n > B64_OPT_MAX) {
        return false;
    }
    *out = (uint32_t)n;
    return true;
}

static SkResult
base64_decode_parse(const char *arg, Base64Decode *bd, char *err)
{
    char *copy, *p, *tok;
    SkResult r = SK_OK;

    if (arg == NULL || arg[0] == '\0') {
        return SK_OK;
    }
    copy = strdup(arg);
    if (copy == NULL) {
        return detect_nomem(err);
    }
    for (p = copy; (tok = strsep(&p, ",")) != NULL;) {
        char *name, *val;
        while (*tok == ' ' || *tok == '\t') {
            tok++;
        }
        name = tok;
        val = name + strcspn(name, " \t");
        if (*val != '\0') {
            *val++ = '\0';
            while (*val == ' ' || *val == '\t') {
                val++;
            }
            for (char *e = val + strlen(val); e > val && (e[-1] == ' ' || e[-1] == '\t');) {
                *--e = '\0';
            }
        }
        if (strcmp(name, "relative") == 0 && *val == '\0') {
            bd->relative = true;
        } else if (strcmp(name, "bytes") == 0) {
            if (!b64_opt_num(val, &bd->bytes) || bd->bytes == 0) {
                r = detect_err(err, "base64_decode: invalid bytes value: %.40s", val);
                break;
            }
        } else if (strcmp(name, "offset") == 0) {
            if (!b64_opt_num(val, &bd->offset)) {
                r = detect_err(err, "base64_decode: invalid offset value: %.40s", val);
                break;
            }
        } else {
            r = detect_err(err, "base64_decode: failed to parse options: %.60s", arg);
            break;
        }
    }
    free(copy);
    return r;
}

SkResult
kw_base64_decode_setup(Signature *s, const char *arg, char *err)
{
    Base64Decode *bd = calloc(1, sizeof(*bd));
    SkResult r;
    if (bd == NULL) {
        return detect_nomem(err);
    }
    if ((r = base64_decode_parse(arg, bd, err)) != SK_OK) {
        free(bd);
        return r;
    }
    if (s->cur_list == DETECT_LIST_BASE64_DATA) {
        free(bd);
        return detect_err(err, "base64_decode may not be used on the base64_data buffer");
    }
    if (bd->relative) {
        detect_relative_mark(s, s->cur_list, s->lists[s->cur_list].cnt);
    }
    return sig_match_append(s, s->cur_list, DETECT_KW_BASE64_DECODE, &base64_decode_ops, bd, err);
}

bool
detect_buf_base64_data(struct DetectThread *dt, const Packet *p, Cursor *out)
{
    (void)p;
    if (dt->b64_len == 0) {
        return false;
    }
    *out = cur_init(dt->b64_buf, dt->b64_len);
    return true;
}
