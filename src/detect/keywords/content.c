/* content.c: content and its modifiers (nocase, depth, offset, distance, within, fast_pattern,
 * startswith, endswith, rawbytes). A content's pattern is its quoted value with |hex| runs and
 * the escapes \; \" \\ \: decoded; a modifier applies to the last content of the current match
 * list and is checked as Suricata 8 checks it (its messages, its odd cases: "distance" on the
 * first content loads, within below the content's length does not, "fast_pattern" after
 * "fast_pattern:only" fails but the reverse loads). depth, offset, distance and within may name
 * a byte_extract/byte_math variable, read at match time. Matching (content_inspect) follows
 * inspect.c's protocol: the search window comes from the modifiers and the previous match end
 * (di->pos), and a content with a relative successor reports where its next occurrence would
 * start. */
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
                    return bad(err,
                               "Incomplete hex code in content - %.*s. Invalidating signature.",
                               (int)(raw_len > 60 ? 60 : raw_len), raw);
                }
                hex = false;
            } else if (c == ' ') {
                continue;
            } else if (detect_hexval(c) < 0) {
                return bad(err,
                           "Invalid hex code in content - %.*s, hex %c. Invalidating signature.",
                           (int)(raw_len > 60 ? 60 : raw_len), raw, c);
            } else if (nib < 0) {
                nib = detect_hexval(c);
            } else {
                out[o++] = (uint8_t)(nib << 4 | detect_hexval(c));
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
        return bad(err, "Invalid hex code assembly in content - %.*s.  Invalidating signature.",
                   (int)(raw_len > 60 ? 60 : raw_len), raw);
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

/* ---- matching ---- */

static inline uint8_t
lc(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* Caseless search, ASCII letters only as Suricata's nocase: the first byte is found with
 * memchr when it has one case (not a letter), else by a scan; the rest compared caselessly. */
static const uint8_t *
find_nocase(const uint8_t *h, size_t hl, const uint8_t *pat, size_t pl)
{
    uint8_t first = lc(pat[0]);
    bool letter = first >= 'a' && first <= 'z';
    size_t i = 0;

    if (pl > hl) {
        return NULL;
    }
    while (i <= hl - pl) {
        size_t k;
        if (!letter) {
            const uint8_t *q = memchr(h + i, first, hl - pl - i + 1);
            if (q == NULL) {
                return NULL;
            }
            i = (size_t)(q - h);
        } else if (lc(h[i]) != first) {
            i++;
            continue;
        }
        for (k = 1; k < pl && lc(h[i + k]) == lc(pat[k]); k++) {
        }
        if (k == pl) {
            return h + i;
        }
        i++;
    }
    return NULL;
}

static bool
equal_at(const DetectContent *c, const uint8_t *h)
{
    if (!(c->flags & DETECT_CONTENT_NOCASE)) {
        return memcmp(h, c->pat, c->len) == 0;
    }
    for (uint32_t k = 0; k < c->len; k++) {
        if (lc(h[k]) != lc(c->pat[k])) {
            return false;
        }
    }
    return true;
}

/* The search window [*start, *end) of c for this buffer, from its modifiers, the previous match
 * end di->pos and the rule's byte variables, before any retry moves the start. Suricata's
 * arithmetic: a relative window starts at pos + distance (never before the buffer) and ends
 * within bytes after that start; an absolute one starts at offset and ends depth bytes after
 * it (startswith: depth is the content's length). */
static void
content_window(const DetectInspect *di, const DetectContent *c, int64_t *start, int64_t *end)
{
    const uint64_t *vars = di->dt->vars;

    if (c->flags & CONTENT_RELATIVE) {
        int64_t dist = 0;
        if (c->flags & DETECT_CONTENT_DISTANCE) {
            dist = (c->flags & DETECT_CONTENT_DISTANCE_VAR) ? (int32_t)vars[c->distance_var]
                                                            : c->distance;
        }
        *start = (int64_t)di->pos + dist;
        if (c->flags & DETECT_CONTENT_WITHIN) {
            int64_t w =
                (c->flags & DETECT_CONTENT_WITHIN_VAR) ? (int32_t)vars[c->within_var] : c->within;
            *end = *start + w;
            /* Suricata 8.0.7 compares this end as a signed number and, when it is below 0,
             * searches to the buffer end instead (checked on a pcap: "a"; "b"; distance:-10;
             * within:3; matches "ab"). Kept: rules are written against that engine. */
            if (*end < 0) {
                *end = di->len;
            }
        } else {
            *end = di->len;
        }
        if (*start < 0) {
            *start = 0;
        }
    } else {
        *start = (c->flags & DETECT_CONTENT_OFFSET_VAR)
                     ? (int64_t)(vars[c->offset_var] & 0xffffffff)
                     : c->offset;
        if (c->flags & DETECT_CONTENT_DEPTH_VAR) {
            *end = *start + (int64_t)(vars[c->depth_var] & 0xffffffff);
        } else if (c->flags & (DETECT_CONTENT_DEPTH | DETECT_CONTENT_STARTSWITH)) {
            *end = *start + c->depth;
        } else {
            *end = di->len;
        }
    }
    if (*end > (int64_t)di->len) {
        *end = di->len;
    }
}

static int
content_inspect(DetectInspect *di, const SigMatch *sm, uint32_t *resume)
{
    const DetectContent *c = sm->ctx;
    bool neg = (c->flags & DETECT_CONTENT_NEGATED) != 0;
    bool absolute = !(c->flags & CONTENT_RELATIVE);
    const uint8_t *hit = NULL;
    int64_t start, end;

    content_window(di, c, &start, &end);
    if (*resume != 0) {
        start = (int64_t)*resume - 1;
    }
    *resume = 0;
    if (start > end || end <= 0) {
        /* An empty window: Suricata's "offset > depth", a no without discontinuing. */
        return neg ? DI_MATCH : DI_NO_MATCH;
    }
    if (c->flags & DETECT_CONTENT_ENDSWITH) {
        /* Only one place can end the buffer: test it instead of searching. */
        int64_t at = (int64_t)di->len - c->len;
        if (at >= start && at + c->len <= end && equal_at(c, di->buf + at)) {
            hit = di->buf + at;
        }
    } else if (c->flags & DETECT_CONTENT_NOCASE) {
        hit = find_nocase(di->buf + start, (size_t)(end - start), c->pat, c->len);
    } else {
        hit = memmem(di->buf + start, (size_t)(end - start), c->pat, c->len);
    }
    if (hit == NULL || neg) {
        /* An absolute window does not depend on earlier keywords: retrying them is useless. */
        if (absolute && (hit == NULL) != neg) {
            di->flags |= DI_F_DISCONTINUE;
        }
        return hit == NULL && neg ? DI_MATCH : DI_NO_MATCH;
    }
    di->pos = (uint32_t)(hit - di->buf) + c->len;
    if ((c->flags & DETECT_CONTENT_RELATIVE_NEXT) && !(c->flags & DETECT_CONTENT_ENDSWITH)) {
        *resume = (uint32_t)(hit - di->buf) + 2; /* next search from the match start + 1 */
    }
    return DI_MATCH;
}

static void content_describe(JsonBuf *jb, const void *ctx);
static const DetectSmOps content_ops = {
    .inspect = content_inspect, .free = content_free, .describe = content_describe};

/* The last content of the payload list, and the one before it (for distance/within). */
static DetectContent *
last_content(Signature *s, DetectContent **prev)
{
    SigMatchList *l = &s->lists[s->mod_list];
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
        s->mod_list = s->cur_list;
        return sig_match_append(s, s->cur_list, DETECT_KW_CONTENT, &content_ops, c, err);
    }
    content_free(c);
    return r;
}

/* The index of content c in the current list (it is there: modifiers only reach the last). */
static uint32_t
content_index(Signature *s, const DetectContent *c)
{
    const SigMatchList *l = &s->lists[s->mod_list];
    for (uint32_t i = l->cnt; i-- > 0;) {
        if (l->sm[i].ctx == c) {
            return i;
        }
    }
    return l->cnt;
}

/* distance and within take -1 MiB..1 MiB (Suricata 8.0.7's bounds, inclusive). */
#define RELATIVE_MAX (1 << 20)

/* The content a modifier applies to, or an error naming the modifier in Suricata 8.0.7's
 * words, which differ per keyword. */
static DetectContent *
modified(Signature *s, const char *kw, char *err)
{
    static const struct {
        const char *kw, *msg;
    } msgs[] = {
        {"depth", "depth needs preceding content, uricontent option, http_client_body, "
                  "http_server_body, http_header option, http_raw_header option, http_method "
                  "option, http_cookie, http_raw_uri, http_stat_msg, http_stat_code, "
                  "http_user_agent, http_host, http_raw_host or file_data/dce_stub_data sticky "
                  "buffer options."},
        {"distance", "distance needs preceding content, uricontent option, http_client_body, "
                     "http_server_body, http_header option, http_raw_header option, "
                     "http_method option, http_cookie, http_raw_uri, http_stat_msg, "
                     "http_stat_code, http_user_agent or file_data/dce_stub_data sticky buffer "
                     "option"},
        {"offset", "offset needs preceding content option."},
        {"within", "within needs preceding content option"},
        {"nocase", "nocase needs preceding content option"},
        {"rawbytes", "\"rawbytes\" needs a preceding content option"},
        {"startswith", "startswith needs a preceding content option."},
        {"fast_pattern", "fast_pattern found inside the rule, without a content context. Please "
                         "use a content based keyword before using fast_pattern"},
    };
    DetectContent *c = last_content(s, NULL);
    if (c == NULL) {
        for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
            if (strcmp(msgs[i].kw, kw) == 0) {
                bad(err, "%s", msgs[i].msg);
                return NULL;
            }
        }
        bad(err, "%s needs a preceding content option", kw);
    }
    return c;
}

/* A depth/offset/distance/within value: a number, or the name of a byte_extract/byte_math
 * variable defined earlier in the rule (then *var is its index, else -1). */
static SkResult
modifier_value(const Signature *s, const char *kw, const char *arg, int64_t min, int64_t max,
               int64_t *out, int *var, char *err)
{
    const char *dot = kw[0] == 'd' && kw[1] == 'e' ? "." : kw[0] == 'o' ? "." : "";
    *var = -1;
    if (detect_parse_int(arg, min, max, out)) {
        return SK_OK;
    }
    if ((arg[0] >= 'a' && arg[0] <= 'z') || (arg[0] >= 'A' && arg[0] <= 'Z') || arg[0] == '_') {
        *var = sig_var_find(s, arg);
        if (*var >= 0) {
            *out = 0;
            return SK_OK;
        }
        return bad(err, "unknown byte_ keyword var seen in %s - %.40s%s", kw, arg, dot);
    }
    return bad(err, "invalid value for %s: %.40s%s", kw, arg, dot);
}

static SkResult
absolute_checks(const DetectContent *c, const char *kw, char *err)
{
    (void)kw;
    if ((c->flags & DETECT_CONTENT_NEGATED) && (c->flags & DETECT_CONTENT_FAST_PATTERN)) {
        return bad(err, "can't have a relative negated keyword set along with 'fast_pattern'.");
    }
    if (c->flags & CONTENT_RELATIVE) {
        return bad(err, "can't use a relative keyword like within/distance with a absolute "
                        "relative keyword like depth/offset for the same content.");
    }
    if (c->flags & DETECT_CONTENT_FP_ONLY) {
        return bad(err, "can't have a relative keyword set along with 'fast_pattern:only;'.");
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
    int var;
    /* Suricata 8.0.7's order: a conflict with relative keywords, a repeat, then the value */
    if (c == NULL || absolute_checks(c, "depth", err) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    if (c->flags & (DETECT_CONTENT_DEPTH | DETECT_CONTENT_STARTSWITH)) {
        return bad(err, "can't use multiple depths for the same content.");
    }
    if (modifier_value(s, "depth", arg, 0, 65535, &v, &var, err) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    if (var >= 0) {
        c->depth_var = (uint8_t)var;
        c->flags |= DETECT_CONTENT_DEPTH_VAR;
    } else if (v < c->len) {
        return bad(err, "depth:%lld smaller than content of len %u.", (long long)v, c->len);
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
    int var;
    if (c == NULL || absolute_checks(c, "offset", err) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    if (c->flags & DETECT_CONTENT_STARTSWITH) {
        return bad(err, "can't use offset with startswith.");
    }
    if (c->flags & DETECT_CONTENT_OFFSET) {
        return bad(err, "can't use multiple offsets for the same content.");
    }
    if (modifier_value(s, "offset", arg, 0, 65535, &v, &var, err) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    if (var >= 0) {
        c->offset_var = (uint8_t)var;
        c->flags |= DETECT_CONTENT_OFFSET_VAR;
    }
    c->offset = (uint16_t)v;
    c->flags |= DETECT_CONTENT_OFFSET;
    return SK_OK;
}

static SkResult
relative_checks(Signature *s, DetectContent *c, const char *kw, char *err)
{
    DetectContent *prev;
    (void)kw;
    if (c->flags & CONTENT_ABSOLUTE) {
        return bad(err, "can't use a relative keyword like within/distance with a absolute "
                        "relative keyword like depth/offset for the same content.");
    }
    if (c->flags & DETECT_CONTENT_FP_ONLY) {
        return bad(err, "can't have a relative keyword set along with a fast_pattern:only;");
    }
    if ((c->flags & DETECT_CONTENT_NEGATED) && (c->flags & DETECT_CONTENT_FAST_PATTERN)) {
        return bad(err, "can't have a relative negated keyword set along with a fast_pattern");
    }
    (void)last_content(s, &prev);
    if (prev != NULL && (prev->flags & DETECT_CONTENT_FP_ONLY)) {
        return bad(err, "previous keyword has a fast_pattern:only; set. Can't have relative "
                        "keywords around a fast_pattern only content");
    }
    /* The keyword before this content (content or pcre) gets retried when this one fails. */
    detect_relative_mark(s, s->mod_list, content_index(s, c));
    return SK_OK;
}

SkResult
kw_distance_setup(Signature *s, const char *arg, char *err)
{
    DetectContent *c = modified(s, "distance", err);
    int64_t v;
    int var;
    if (c == NULL || relative_checks(s, c, "distance", err) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    if (c->flags & DETECT_CONTENT_DISTANCE) {
        return bad(err, "can't use multiple distances for the same content.");
    }
    if (modifier_value(s, "distance", arg, -RELATIVE_MAX, RELATIVE_MAX, &v, &var, err) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    if (var >= 0) {
        c->distance_var = (uint8_t)var;
        c->flags |= DETECT_CONTENT_DISTANCE_VAR;
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
    int var;
    if (c == NULL || relative_checks(s, c, "within", err) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    if (c->flags & DETECT_CONTENT_WITHIN) {
        return bad(err, "can't use multiple withins for the same content.");
    }
    if (modifier_value(s, "within", arg, -RELATIVE_MAX, RELATIVE_MAX, &v, &var, err) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    if (var >= 0) {
        c->within_var = (uint8_t)var;
        c->flags |= DETECT_CONTENT_WITHIN_VAR;
    } else if (v < c->len) {
        return bad(err,
                   "within argument \"%lld\" is less than the content length \"%u\" which is "
                   "invalid, since this will never match.  Invalidating signature",
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
        return bad(err, "can't use multiple depth/startswith settings for the same content.");
    }
    if (c->flags & DETECT_CONTENT_OFFSET) {
        return bad(err, "can't use offset with startswith.");
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
    SigMatchList *l = &s->lists[s->mod_list];
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

/* ---- --engine-analysis details (analysis.c) ---- */

/* The pattern as Suricata 8.0.7's rules.json shows it: printable bytes as they are, others
 * and the rule language's own characters (blank, '"', ';', '\\', '|') as "|3B 20|". */
static void
content_pattern_str(const DetectContent *c, char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    bool in_hex = false;
    for (uint16_t i = 0; i < c->len && n + 5 < cap; i++) {
        uint8_t b = c->pat[i];
        bool plain = b > 0x20 && b < 0x7f && b != '"' && b != ';' && b != '\\' && b != '|';
        if (plain) {
            if (in_hex) {
                out[n++] = '|';
                in_hex = false;
            }
            out[n++] = (char)b;
            continue;
        }
        out[n++] = in_hex ? ' ' : '|';
        in_hex = true;
        out[n++] = hex[b >> 4];
        out[n++] = hex[b & 15];
    }
    if (in_hex) {
        out[n++] = '|';
    }
    out[n] = '\0';
}

/* The content's own fields. is_mpm and no_double_inspect depend on the rule's other keywords:
 * analysis.c writes them in the rule's "mpm" object instead. */
static void
content_describe(JsonBuf *jb, const void *ctx)
{
    const DetectContent *c = ctx;
    char pat[4096]; /* a longer pattern is shown cut */
    content_pattern_str(c, pat, sizeof(pat));
    json_open_obj(jb, "content");
    json_str(jb, "pattern", pat);
    json_u64(jb, "length", c->len);
    json_bool(jb, "nocase", (c->flags & DETECT_CONTENT_NOCASE) != 0);
    json_bool(jb, "negated", (c->flags & DETECT_CONTENT_NEGATED) != 0);
    json_bool(jb, "starts_with", (c->flags & DETECT_CONTENT_STARTSWITH) != 0);
    json_bool(jb, "ends_with", (c->flags & DETECT_CONTENT_ENDSWITH) != 0);
    /* Suricata keeps depth as the end of the window, offset included. */
    if ((c->flags & DETECT_CONTENT_OFFSET) && !(c->flags & DETECT_CONTENT_OFFSET_VAR)) {
        json_u64(jb, "offset", c->offset);
    }
    if ((c->flags & DETECT_CONTENT_DEPTH) && !(c->flags & DETECT_CONTENT_DEPTH_VAR)) {
        json_u64(jb, "depth", (uint64_t)c->offset + c->depth);
    } else if (c->flags & DETECT_CONTENT_STARTSWITH) {
        json_u64(jb, "depth", c->len);
    }
    if ((c->flags & DETECT_CONTENT_DISTANCE) && !(c->flags & DETECT_CONTENT_DISTANCE_VAR)) {
        json_i64(jb, "distance", c->distance);
    }
    if ((c->flags & DETECT_CONTENT_WITHIN) && !(c->flags & DETECT_CONTENT_WITHIN_VAR)) {
        json_i64(jb, "within", c->within);
    }
    json_bool(jb, "fast_pattern", (c->flags & DETECT_CONTENT_FAST_PATTERN) != 0);
    json_bool(jb, "relative_next", (c->flags & DETECT_CONTENT_RELATIVE_NEXT) != 0);
    json_close_obj(jb);
}
