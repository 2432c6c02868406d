/* content.c: content and its modifiers (nocase, depth, offset, distance, within, fast_pattern,
 * startswith, endswith, rawbytes). A content's pattern is its quoted value with |hex| runs and
 * the escapes \; \" \\ \: decoded; a modifier applies to the last content of the current match
 * list and is checked as Suricata 8 checks it (its messages, its odd cases: "distance" on the
 * first content loads, within below the content's length does not, "fast_pattern" after
 * "fast_pattern:only" fails but the reverse loads). Only the payload list exists until sticky
 * buffers arrive. */
#include "detect/detect_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONTENT_ABSOLUTE (DETECT_CONTENT_DEPTH | DETECT_CONTENT_OFFSET | DETECT_CONTENT_STARTSWITH)
#define CONTENT_RELATIVE (DETECT_CONTENT_DISTANCE | DETECT_CONTENT_WITHIN)

static SkResult bad(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static SkResult
bad(char *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, DETECT_ERR_MAX, fmt, ap);
    va_end(ap);
    return SK_ERR_CONFIG;
}

static SkResult
nomem(char *err)
{
    snprintf(err, DETECT_ERR_MAX, "out of memory");
    return SK_ERR_NOMEM;
}

static int
hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Decodes the text between the quotes (raw, raw_len) into out (at least raw_len bytes). */
static SkResult
content_decode(const char *raw, size_t raw_len, uint8_t *out, size_t *out_len, char *err)
{
    bool hex = false;
    int nib = -1; /* a pending high nibble */
    size_t o = 0;

    for (size_t i = 0; i < raw_len; i++) {
        char c = raw[i];
        if (hex) {
            if (c == '|') {
                if (nib >= 0) {
                    return bad(err, "incomplete hex code in content \"%.60s\"", raw);
                }
                hex = false;
            } else if (c == ' ') {
                continue;
            } else if (hexval(c) < 0) {
                return bad(err, "invalid hex code in content \"%.60s\", hex %c", raw, c);
            } else if (nib < 0) {
                nib = hexval(c);
            } else {
                out[o++] = (uint8_t)(nib << 4 | hexval(c));
                nib = -1;
            }
        } else if (c == '|') {
            hex = true;
        } else if (c == '\\') {
            if (i + 1 == raw_len || strchr(";\"\\:", raw[i + 1]) == NULL) {
                return bad(err, "'\\' has to be escaped (\\\\) in content");
            }
            out[o++] = (uint8_t)raw[++i];
        } else if (c == '"') {
            return bad(err, "invalid unescaped double quote within content section");
        } else {
            out[o++] = (uint8_t)c;
        }
    }
    if (hex) {
        return bad(err, "invalid hex code assembly in content \"%.60s\"", raw);
    }
    *out_len = o;
    return SK_OK;
}

static void
content_free(void *ctx)
{
    DetectContent *c = ctx;
    if (c != NULL) {
        free(c->pat);
        free(c);
    }
}

/* Matching: inspect.c's content_inspect. */
static const DetectSmOps content_ops = {.free = content_free};

/* The last content of the payload list, and the one before it (for distance/within). */
static DetectContent *
last_content(Signature *s, DetectContent **prev)
{
    SigMatchList *l = &s->lists[s->cur_list];
    DetectContent *last = NULL;
    if (prev != NULL) {
        *prev = NULL;
    }
    for (uint32_t i = l->cnt; i-- > 0;) {
        if (l->sm[i].kw != DETECT_KW_CONTENT) {
            continue;
        }
        if (last == NULL) {
            last = l->sm[i].ctx;
            if (prev == NULL) {
                break;
            }
        } else {
            *prev = l->sm[i].ctx;
            break;
        }
    }
    return last;
}

SkResult
kw_content_setup(Signature *s, const char *arg, char *err)
{
    bool neg = false;
    size_t len;
    size_t pat_len = 0;
    DetectContent *c;
    SkResult r;

    if (arg[0] == '!') {
        neg = true;
        arg++;
        while (*arg == ' ' || *arg == '\t') {
            arg++;
        }
    }
    len = strlen(arg);
    if (len == 0 || arg[0] != '"') {
        return bad(err, "invalid formatting to content keyword: value must be double quoted");
    }
    if (len < 3 || arg[len - 1] != '"') {
        return bad(err,
                   len < 3 && len >= 1 && arg[len - 1] == '"'
                       ? "bad input for keyword content: '%.60s'"
                       : "bad option value formatting (possible missing semicolon) for "
                         "keyword content: '%.60s'",
                   arg);
    }
    c = calloc(1, sizeof(*c));
    if (c == NULL || (c->pat = malloc(len)) == NULL) {
        free(c);
        return nomem(err);
    }
    r = content_decode(arg + 1, len - 2, c->pat, &pat_len, err);
    if (r == SK_OK && pat_len == 0) {
        r = bad(err, "content is empty");
    }
    if (r == SK_OK && pat_len > DETECT_CONTENT_MAX) {
        r = bad(err, "content longer than %d bytes", DETECT_CONTENT_MAX);
    }
    if (r == SK_OK) {
        c->len = (uint16_t)pat_len;
        c->flags = neg ? DETECT_CONTENT_NEGATED : 0;
        return sig_match_append(s, s->cur_list, DETECT_KW_CONTENT, &content_ops, c, err);
    }
    content_free(c);
    return r;
}

/* The content a modifier applies to, or an error naming the modifier. */
static DetectContent *
modified(Signature *s, const char *kw, char *err)
{
    DetectContent *c = last_content(s, NULL);
    if (c == NULL) {
        bad(err, "%s needs a preceding content option", kw);
    }
    return c;
}

/* A depth/offset/distance/within value: a number; a name would be a byte_extract variable,
 * which this build lacks. */
static SkResult
modifier_value(const char *kw, const char *arg, int64_t min, int64_t max, int64_t *out, char *err)
{
    if (detect_parse_int(arg, min, max, out)) {
        return SK_OK;
    }
    if ((arg[0] >= 'a' && arg[0] <= 'z') || (arg[0] >= 'A' && arg[0] <= 'Z') || arg[0] == '_') {
        return bad(err, "unknown byte_ keyword var seen in %s - %.40s", kw, arg);
    }
    return bad(err, "invalid value for %s: %.40s", kw, arg);
}

static SkResult
absolute_checks(const DetectContent *c, const char *kw, char *err)
{
    if ((c->flags & DETECT_CONTENT_NEGATED) && (c->flags & DETECT_CONTENT_FAST_PATTERN)) {
        return bad(err, "can't have a relative negated keyword set along with a fast_pattern (%s)",
                   kw);
    }
    if (c->flags & CONTENT_RELATIVE) {
        return bad(err, "can't use a relative keyword like within/distance with a absolute "
                        "relative keyword like depth/offset for the same content");
    }
    if (c->flags & DETECT_CONTENT_FP_ONLY) {
        return bad(err, "can't have a relative keyword set along with 'fast_pattern:only;' (%s)",
                   kw);
    }
    return SK_OK;
}

SkResult
kw_nocase_setup(Signature *s, const char *arg, char *err)
{
    DetectContent *c = modified(s, "nocase", err);
    if (c == NULL) {
        return SK_ERR_CONFIG;
    }
    if (c->flags & DETECT_CONTENT_NOCASE) {
        return bad(err, "can't use multiple nocase modifiers with the same content");
    }
    c->flags |= DETECT_CONTENT_NOCASE;
    return SK_OK;
}

SkResult
kw_rawbytes_setup(Signature *s, const char *arg, char *err)
{
    DetectContent *c = modified(s, "rawbytes", err);
    if (c == NULL) {
        return SK_ERR_CONFIG;
    }
    if (c->flags & DETECT_CONTENT_RAWBYTES) {
        return bad(err, "can't use multiple rawbytes modifiers for the same content");
    }
    c->flags |= DETECT_CONTENT_RAWBYTES;
    return SK_OK;
}

SkResult
kw_depth_setup(Signature *s, const char *arg, char *err)
{
    DetectContent *c = modified(s, "depth", err);
    int64_t v;
    if (c == NULL || modifier_value("depth", arg, 0, 65535, &v, err) != SK_OK
        || absolute_checks(c, "depth", err) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    if (c->flags & (DETECT_CONTENT_DEPTH | DETECT_CONTENT_STARTSWITH)) {
        return bad(err, "can't use multiple depth/startswith settings for the same content");
    }
    if (v < c->len) {
        return bad(err, "depth:%lld smaller than content of len %u", (long long)v, c->len);
    }
    c->depth = (uint16_t)v;
    c->flags |= DETECT_CONTENT_DEPTH;
    return SK_OK;
}

SkResult
kw_offset_setup(Signature *s, const char *arg, char *err)
{
    DetectContent *c = modified(s, "offset", err);
    int64_t v;
    if (c == NULL || modifier_value("offset", arg, 0, 65535, &v, err) != SK_OK
        || absolute_checks(c, "offset", err) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    if (c->flags & DETECT_CONTENT_STARTSWITH) {
        return bad(err, "can't use offset with startswith");
    }
    if (c->flags & DETECT_CONTENT_OFFSET) {
        return bad(err, "can't use multiple offsets for the same content");
    }
    c->offset = (uint16_t)v;
    c->flags |= DETECT_CONTENT_OFFSET;
    return SK_OK;
}

static SkResult
relative_checks(Signature *s, DetectContent *c, const char *kw, char *err)
{
    DetectContent *prev;
    if (c->flags & CONTENT_ABSOLUTE) {
        return bad(err, "can't use a relative keyword like within/distance with a absolute "
                        "relative keyword like depth/offset for the same content");
    }
    if (c->flags & DETECT_CONTENT_FP_ONLY) {
        return bad(err, "can't have a relative keyword set along with 'fast_pattern:only;' (%s)",
                   kw);
    }
    if ((c->flags & DETECT_CONTENT_NEGATED) && (c->flags & DETECT_CONTENT_FAST_PATTERN)) {
        return bad(err, "can't have a relative negated keyword set along with a fast_pattern (%s)",
                   kw);
    }
    (void)last_content(s, &prev);
    if (prev != NULL && (prev->flags & DETECT_CONTENT_FP_ONLY)) {
        return bad(err, "previous keyword has a fast_pattern:only; set. Can't have relative "
                        "keywords around a fast_pattern only content");
    }
    if (prev != NULL) {
        prev->flags |= DETECT_CONTENT_RELATIVE_NEXT;
    }
    return SK_OK;
}

SkResult
kw_distance_setup(Signature *s, const char *arg, char *err)
{
    DetectContent *c = modified(s, "distance", err);
    int64_t v;
    if (c == NULL || modifier_value("distance", arg, INT32_MIN, INT32_MAX, &v, err) != SK_OK
        || relative_checks(s, c, "distance", err) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    if (c->flags & DETECT_CONTENT_DISTANCE) {
        return bad(err, "can't use multiple distances for the same content");
    }
    c->distance = (int32_t)v;
    c->flags |= DETECT_CONTENT_DISTANCE;
    return SK_OK;
}

SkResult
kw_within_setup(Signature *s, const char *arg, char *err)
{
    DetectContent *c = modified(s, "within", err);
    int64_t v;
    if (c == NULL || modifier_value("within", arg, INT32_MIN, INT32_MAX, &v, err) != SK_OK
        || relative_checks(s, c, "within", err) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    if (c->flags & DETECT_CONTENT_WITHIN) {
        return bad(err, "can't use multiple withins for the same content");
    }
    if (v < c->len) {
        return bad(err,
                   "within argument \"%lld\" is less than the content length \"%u\" which is "
                   "invalid, since this will never match",
                   (long long)v, c->len);
    }
    c->within = (int32_t)v;
    c->flags |= DETECT_CONTENT_WITHIN;
    return SK_OK;
}

SkResult
kw_startswith_setup(Signature *s, const char *arg, char *err)
{
    DetectContent *c = modified(s, "startswith", err);
    if (c == NULL) {
        return SK_ERR_CONFIG;
    }
    if (c->flags & (DETECT_CONTENT_DEPTH | DETECT_CONTENT_STARTSWITH)) {
        return bad(err, "can't use multiple depth/startswith settings for the same content");
    }
    if (c->flags & DETECT_CONTENT_OFFSET) {
        return bad(err, "can't use offset with startswith");
    }
    if (absolute_checks(c, "startswith", err) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    /* Suricata: startswith is depth = the content's length at offset 0. */
    c->depth = c->len;
    c->offset = 0;
    c->flags |= DETECT_CONTENT_STARTSWITH;
    return SK_OK;
}

SkResult
kw_endswith_setup(Signature *s, const char *arg, char *err)
{
    DetectContent *c = modified(s, "endswith", err);
    if (c == NULL) {
        return SK_ERR_CONFIG;
    }
    c->flags |= DETECT_CONTENT_ENDSWITH;
    return SK_OK;
}

/* fast_pattern; fast_pattern:only; fast_pattern:<offset>,<length> (chop). */
SkResult
kw_fast_pattern_setup(Signature *s, const char *arg, char *err)
{
    DetectContent *c = modified(s, "fast_pattern", err);
    SigMatchList *l = &s->lists[s->cur_list];
    bool only = arg != NULL && strcmp(arg, "only") == 0;

    if (c == NULL) {
        return SK_ERR_CONFIG;
    }
    /* Suricata 8.0.7 checks these for the plain form only: "fast_pattern:only" or a chop
     * on a content that has one, or on a second content, loads. */
    for (uint32_t i = 0; arg == NULL && i < l->cnt; i++) {
        const DetectContent *o = l->sm[i].ctx;
        if (l->sm[i].kw == DETECT_KW_CONTENT && o != c
            && (o->flags & DETECT_CONTENT_FAST_PATTERN)) {
            return bad(err, "fast_pattern can be used on only one content in a rule");
        }
    }
    if (arg == NULL && (c->flags & DETECT_CONTENT_FAST_PATTERN)) {
        return bad(err, "can't use multiple fast_pattern options for the same content");
    }
    if ((c->flags & DETECT_CONTENT_NEGATED) && (c->flags & (CONTENT_ABSOLUTE | CONTENT_RELATIVE))
        && !only) {
        return bad(err, "fast_pattern; cannot be used with negated content, along with relative "
                        "modifiers");
    }
    if (only) {
        if ((c->flags & DETECT_CONTENT_NEGATED)
            || (c->flags & (CONTENT_ABSOLUTE | CONTENT_RELATIVE))) {
            return bad(err, "fast_pattern: only; cannot be used with negated content or with any "
                            "of the relative modifiers like distance, within, offset, depth");
        }
        c->flags |= DETECT_CONTENT_FP_ONLY;
    } else if (arg != NULL) {
        int64_t off, n;
        char a[24], b[24];
        const char *comma = strchr(arg, ',');
        size_t al = comma != NULL ? (size_t)(comma - arg) : 0;
        if (comma == NULL || al == 0 || al >= sizeof(a) || strlen(comma + 1) >= sizeof(b)) {
            return bad(err, "fast_pattern: \"%.40s\" is not only or <offset>,<length>", arg);
        }
        memcpy(a, arg, al);
        a[al] = '\0';
        snprintf(b, sizeof(b), "%s", comma + 1);
        if (!detect_parse_int(a, 0, 65535, &off) || !detect_parse_int(b, 1, 65535, &n)) {
            return bad(err, "fast_pattern: \"%.40s\" is not only or <offset>,<length>", arg);
        }
        if (off + n > c->len) {
            return bad(err, "fast pattern (length + offset (%lld)) exceeds pattern length (%u)",
                       (long long)(off + n), c->len);
        }
        c->fp_chop_off = (uint16_t)off;
        c->fp_chop_len = (uint16_t)n;
        c->flags |= DETECT_CONTENT_FP_CHOP;
    }
    c->flags |= DETECT_CONTENT_FAST_PATTERN;
    return SK_OK;
}
