/* transforms.c: the transform keywords. A transform changes the current sticky buffer before
 * its keywords inspect it; it makes no SigMatch but is appended to the list's xform[] in rule
 * order, and detect_transforms_apply() runs them. As Suricata 8, a transform must follow a
 * sticky buffer: on the packet payload (with or without an explicit pkt_data) and on
 * base64_data it is refused ("transforms must directly follow stickybuffers").
 *
 * Output goes to the thread's two scratch buffers, each transform reading one and writing the
 * other. Their capacity is settled once per call before the first transform, for the worst
 * output of the chain (the input plus one byte per dotprefix, or a digest), so no pointer
 * into them moves mid-chain, and after warm-up no packet allocates. */
#include "detect/detect_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define OPENSSL_SUPPRESS_DEPRECATED /* the one-shot digests hash on the stack: no allocation */
#include <openssl/md5.h>
#include <openssl/sha.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

typedef enum {
    XF_TO_LOWERCASE,
    XF_TO_UPPERCASE,
    XF_STRIP_WHITESPACE,
    XF_COMPRESS_WHITESPACE,
    XF_URL_DECODE,
    XF_DOTPREFIX,
    XF_TO_MD5,
    XF_TO_SHA1,
    XF_TO_SHA256,
    XF_PCREXFORM,
    XF_XOR,
    XF_HEADER_LOWERCASE,
    XF_STRIP_PSEUDO_HEADERS,
    XF_FROM_BASE64,
} DetectTransformId;

#define XF_DIGEST_MAX 32

typedef struct {
    uint8_t *key;
    uint32_t len;
} XorCtx;

typedef struct {
    pcre2_code *re;
} PcreXformCtx;

typedef struct {
    uint32_t bytes, offset; /* bytes 0: to the end */
    bool rfc2045;           /* mode rfc2045: skip what is not base64; else RFC 4648 (stop) */
} FromBase64Ctx;

uint32_t detect_base64_decode(const uint8_t *in, uint32_t len, uint8_t *out, bool skip_invalid);

/* ---- setup ---- */

static SkResult
xform_add(Signature *s, const char *kw, DetectTransformId id, void *ctx, char *err)
{
    SigMatchList *l = &s->lists[s->cur_list];
    if (s->cur_list == DETECT_LIST_PMATCH || s->cur_list == DETECT_LIST_BASE64_DATA) {
        detect_transform_free((uint8_t)id, ctx);
        return detect_err(err, "transforms must directly follow stickybuffers");
    }
    if (l->xform_cnt >= DETECT_XFORM_MAX) {
        detect_transform_free((uint8_t)id, ctx);
        return detect_err(err, "%s: too many transforms on one buffer (max %d)", kw,
                          DETECT_XFORM_MAX);
    }
    if (l->xform == NULL && (l->xform = calloc(DETECT_XFORM_MAX, sizeof(*l->xform))) == NULL) {
        detect_transform_free((uint8_t)id, ctx);
        return detect_nomem(err);
    }
    l->xform[l->xform_cnt].id = (uint8_t)id;
    l->xform[l->xform_cnt].ctx = ctx;
    l->xform_cnt++;
    return SK_OK;
}

#define XFORM_NOOPT(fn, kw, id)                                                                    \
    SkResult fn(Signature *s, const char *arg, char *err)                                          \
    {                                                                                              \
        (void)arg;                                                                                 \
        return xform_add(s, kw, id, NULL, err);                                                    \
    }

XFORM_NOOPT(kw_xform_to_lowercase_setup, "to_lowercase", XF_TO_LOWERCASE)
XFORM_NOOPT(kw_xform_to_uppercase_setup, "to_uppercase", XF_TO_UPPERCASE)
XFORM_NOOPT(kw_xform_strip_whitespace_setup, "strip_whitespace", XF_STRIP_WHITESPACE)
XFORM_NOOPT(kw_xform_compress_whitespace_setup, "compress_whitespace", XF_COMPRESS_WHITESPACE)
XFORM_NOOPT(kw_xform_url_decode_setup, "url_decode", XF_URL_DECODE)
XFORM_NOOPT(kw_xform_dotprefix_setup, "dotprefix", XF_DOTPREFIX)
XFORM_NOOPT(kw_xform_to_md5_setup, "to_md5", XF_TO_MD5)
XFORM_NOOPT(kw_xform_to_sha1_setup, "to_sha1", XF_TO_SHA1)
XFORM_NOOPT(kw_xform_to_sha256_setup, "to_sha256", XF_TO_SHA256)
XFORM_NOOPT(kw_xform_header_lowercase_setup, "header_lowercase", XF_HEADER_LOWERCASE)
XFORM_NOOPT(kw_xform_strip_pseudo_headers_setup, "strip_pseudo_headers", XF_STRIP_PSEUDO_HEADERS)

SkResult
kw_xform_xor_setup(Signature *s, const char *arg, char *err)
{
    char *key;
    size_t n;
    XorCtx *x;

    if (!detect_unquote(arg, "xor", &key, err)) {
        return SK_ERR_CONFIG;
    }
    n = strlen(key);
    if (n % 2 != 0 || n == 0 || n > 2 * 255) {
        free(key);
        return detect_err(err, "XOR transform key's length must be an even number (and at most "
                               "255 bytes)");
    }
    x = calloc(1, sizeof(*x));
    if (x == NULL || (x->key = malloc(n / 2)) == NULL) {
        free(x);
        free(key);
        return detect_nomem(err);
    }
    for (size_t i = 0; i < n; i += 2) {
        int hi = detect_hexval(key[i]), lo = detect_hexval(key[i + 1]);
        if (hi < 0 || lo < 0) {
            free(key);
            detect_transform_free(XF_XOR, x);
            return detect_err(err, "XOR transform key must be hexadecimal characters only");
        }
        x->key[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    x->len = (uint32_t)(n / 2);
    free(key);
    return xform_add(s, "xor", XF_XOR, x, err);
}

SkResult
kw_xform_pcrexform_setup(Signature *s, const char *arg, char *err)
{
    char *re_text;
    int code;
    PCRE2_SIZE at;
    uint32_t groups = 0;
    PcreXformCtx *x;

    if (!detect_unquote(arg, "pcrexform", &re_text, err)) {
        return SK_ERR_CONFIG;
    }
    x = calloc(1, sizeof(*x));
    if (x == NULL) {
        free(re_text);
        return detect_nomem(err);
    }
    x->re = pcre2_compile((PCRE2_SPTR)re_text, PCRE2_ZERO_TERMINATED, 0, &code, &at, NULL);
    if (x->re == NULL) {
        PCRE2_UCHAR msg[120];
        pcre2_get_error_message(code, msg, sizeof(msg));
        detect_err(err, "pcre2 compile of \"%.60s\" failed at offset %zu: %s", re_text, (size_t)at,
                   (char *)msg);
        free(re_text);
        free(x);
        return SK_ERR_CONFIG;
    }
    free(re_text);
    pcre2_pattern_info(x->re, PCRE2_INFO_CAPTURECOUNT, &groups);
    if (groups == 0) {
        detect_transform_free(XF_PCREXFORM, x);
        return detect_err(err, "pcrexform failed: regex does not have a capture group");
    }
    return xform_add(s, "pcrexform", XF_PCREXFORM, x, err);
}

SkResult
kw_xform_from_base64_setup(Signature *s, const char *arg, char *err)
{
    FromBase64Ctx *x = calloc(1, sizeof(*x));
    char *copy = NULL, *p, *tok;
    SkResult r = SK_OK;

    if (x == NULL) {
        return detect_nomem(err);
    }
    if (arg != NULL && arg[0] != '\0') {
        if ((copy = strdup(arg)) == NULL) {
            free(x);
            return detect_nomem(err);
        }
        for (p = copy; r == SK_OK && (tok = strsep(&p, ",")) != NULL;) {
            char name[16], val[32];
            char *end;
            long v;
            if (sscanf(tok, " %15s %31s", name, val) != 2) {
                r = detect_err(err, "invalid from_base64 option: %.60s", tok);
            } else if (strcmp(name, "mode") == 0) {
                if (strcmp(val, "rfc2045") == 0) {
                    x->rfc2045 = true;
                } else if (strcmp(val, "rfc4648") != 0 && strcmp(val, "strict") != 0) {
                    r = detect_err(err, "invalid from_base64 mode: %.30s", val);
                }
            } else if (strcmp(name, "bytes") == 0 || strcmp(name, "offset") == 0) {
                v = strtol(val, &end, 10);
                if (*end != '\0' || v < 0 || v > 65535 || (name[0] == 'b' && v == 0)) {
                    r = detect_err(err, "invalid from_base64 %s: %.30s", name, val);
                } else if (name[0] == 'b') {
                    x->bytes = (uint32_t)v;
                } else {
                    x->offset = (uint32_t)v;
                }
            } else {
                r = detect_err(err, "invalid from_base64 option: %.60s", tok);
            }
        }
        free(copy);
    }
    if (r != SK_OK) {
        free(x);
        return r;
    }
    return xform_add(s, "from_base64", XF_FROM_BASE64, x, err);
}

void
detect_transform_free(uint8_t id, void *ctx)
{
    if (ctx == NULL) {
        return;
    }
    switch ((DetectTransformId)id) {
    case XF_XOR:
        free(((XorCtx *)ctx)->key);
        break;
    case XF_PCREXFORM:
        pcre2_code_free(((PcreXformCtx *)ctx)->re);
        break;
    default:
        break;
    }
    free(ctx);
}

/* ---- apply ---- */

static bool
is_ws(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* url_decode: %HH to its byte, '+' to a space; a '%' without two hex digits stays as is. */
static uint32_t
url_decode(const uint8_t *in, uint32_t len, uint8_t *out)
{
    uint32_t o = 0;
    for (uint32_t i = 0; i < len; i++) {
        if (in[i] == '%' && i + 2 < len && detect_hexval((char)in[i + 1]) >= 0
            && detect_hexval((char)in[i + 2]) >= 0) {
            out[o++] =
                (uint8_t)(detect_hexval((char)in[i + 1]) << 4 | detect_hexval((char)in[i + 2]));
            i += 2;
        } else {
            out[o++] = in[i] == '+' ? ' ' : in[i];
        }
    }
    return o;
}

/* header_lowercase: header names (up to the ':' of each line) lowercased, values kept. */
static uint32_t
header_lowercase(const uint8_t *in, uint32_t len, uint8_t *out)
{
    bool name = true;
    for (uint32_t i = 0; i < len; i++) {
        uint8_t c = in[i];
        if (name && c == ':' && i > 0 && in[i - 1] != '\n') {
            name = false; /* a leading ':' is a pseudo-header's, part of its name */
        } else if (c == '\n') {
            name = true;
        }
        out[i] = name ? (uint8_t)tolower(c) : c;
    }
    return len;
}

/* strip_pseudo_headers: drops the lines that start with ':' (HTTP/2 pseudo-headers). */
static uint32_t
strip_pseudo_headers(const uint8_t *in, uint32_t len, uint8_t *out)
{
    uint32_t o = 0, i = 0;
    while (i < len) {
        uint32_t e = i;
        while (e < len && in[e] != '\n') {
            e++;
        }
        if (e < len) {
            e++; /* the line with its '\n' */
        }
        if (in[i] != ':') {
            memcpy(out + o, in + i, e - i);
            o += e - i;
        }
        i = e;
    }
    return o;
}

static uint32_t
pcrexform(struct DetectThread *dt, const PcreXformCtx *x, const uint8_t *in, uint32_t len,
          uint8_t *out)
{
    pcre2_match_data *md = dt->pcre_md;
    bool own = false;
    uint32_t o = len;
    int rc;

    if (md == NULL || pcre2_get_ovector_count(md) < 2) {
        /* no shared match data in this thread: one for this call */
        md = pcre2_match_data_create_from_pattern(x->re, NULL);
        own = true;
        if (md == NULL) {
            memcpy(out, in, len);
            return len;
        }
    }
    rc = pcre2_match(x->re, in, len, 0, 0, md, NULL);
    if (rc >= 2 || rc == 0) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        if (ov[2] != PCRE2_UNSET && ov[3] >= ov[2] && ov[3] <= len) {
            o = (uint32_t)(ov[3] - ov[2]);
            memcpy(out, in + ov[2], o);
        } else {
            rc = -1;
        }
    }
    if (rc < 0 || rc == 1) {
        /* no match (or group 1 unset): Suricata leaves the buffer as it was */
        memcpy(out, in, len);
        o = len;
    }
    if (own) {
        pcre2_match_data_free(md);
    }
    return o;
}

/* One transform from in to out (capacity enough for any of them, see the caller). */
static uint32_t
xform_one(struct DetectThread *dt, const DetectTransformRef *t, const uint8_t *in, uint32_t len,
          uint8_t *out)
{
    uint32_t o = 0;
    switch ((DetectTransformId)t->id) {
    case XF_TO_LOWERCASE:
        for (uint32_t i = 0; i < len; i++) {
            out[i] = (uint8_t)tolower(in[i]);
        }
        return len;
    case XF_TO_UPPERCASE:
        for (uint32_t i = 0; i < len; i++) {
            out[i] = (uint8_t)toupper(in[i]);
        }
        return len;
    case XF_STRIP_WHITESPACE:
        for (uint32_t i = 0; i < len; i++) {
            if (!is_ws(in[i])) {
                out[o++] = in[i];
            }
        }
        return o;
    case XF_COMPRESS_WHITESPACE:
        for (uint32_t i = 0; i < len; i++) {
            if (!is_ws(in[i]) || o == 0 || !is_ws(out[o - 1])) {
                out[o++] = in[i];
            }
        }
        return o;
    case XF_URL_DECODE:
        return url_decode(in, len, out);
    case XF_DOTPREFIX:
        out[0] = '.';
        memcpy(out + 1, in, len);
        return len + 1;
    case XF_TO_MD5:
        MD5(in, len, out);
        return MD5_DIGEST_LENGTH;
    case XF_TO_SHA1:
        SHA1(in, len, out);
        return SHA_DIGEST_LENGTH;
    case XF_TO_SHA256:
        SHA256(in, len, out);
        return SHA256_DIGEST_LENGTH;
    case XF_PCREXFORM:
        return pcrexform(dt, t->ctx, in, len, out);
    case XF_XOR: {
        const XorCtx *x = t->ctx;
        for (uint32_t i = 0; i < len; i++) {
            out[i] = in[i] ^ x->key[i % x->len];
        }
        return len;
    }
    case XF_HEADER_LOWERCASE:
        return header_lowercase(in, len, out);
    case XF_STRIP_PSEUDO_HEADERS:
        return strip_pseudo_headers(in, len, out);
    case XF_FROM_BASE64: {
        const FromBase64Ctx *x = t->ctx;
        uint32_t n;
        if (x->offset >= len) {
            return 0;
        }
        n = len - x->offset;
        if (x->bytes != 0 && x->bytes < n) {
            n = x->bytes;
        }
        return detect_base64_decode(in + x->offset, n, out, x->rfc2045);
    }
    }
    return 0;
}

bool
detect_transforms_apply(struct DetectThread *dt, const SigMatchList *l, const uint8_t **buf,
                        uint32_t *len)
{
    const uint8_t *in = *buf;
    uint32_t n = *len;
    uint64_t need;
    unsigned k = 0;

    if (l->xform_cnt == 0) {
        return true;
    }
    /* Worst case of the chain: every dotprefix adds a byte, a digest is 32, base64 shrinks. */
    need = (uint64_t)n + l->xform_cnt + XF_DIGEST_MAX + 4;
    if (need > UINT32_MAX) {
        return false;
    }
    if (need > dt->xform_cap) {
        uint32_t cap = dt->xform_cap == 0 ? 1024 : dt->xform_cap;
        while (cap < need) {
            cap = cap > UINT32_MAX / 2 ? (uint32_t)need : cap * 2;
        }
        for (int i = 0; i < 2; i++) {
            uint8_t *b = realloc(dt->xform_buf[i], cap);
            if (b == NULL) {
                return false; /* the smaller capacity stays valid for both */
            }
            dt->xform_buf[i] = b;
        }
        dt->xform_cap = cap;
    }
    for (unsigned i = 0; i < l->xform_cnt; i++) {
        uint8_t *out = dt->xform_buf[k];
        n = xform_one(dt, &l->xform[i], in, n, out);
        in = out;
        k ^= 1;
    }
    *buf = in;
    *len = n;
    return true;
}
