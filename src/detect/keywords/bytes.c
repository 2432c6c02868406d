/* bytes.c: byte_test, byte_jump, byte_extract and byte_math, the keywords that read a number
 * out of the current buffer. All four share one reader (ByteRead): a field of nbytes (a number,
 * or a byte_extract/byte_math variable) at an offset (a number or a variable) from the buffer
 * start, or from the end of the previous match with "relative"; binary big or little endian,
 * or ASCII digits in a base ("string"); optionally masked, the masked value shifted right by the
 * mask's trailing zeros, as Suricata 8 does.
 *
 * What each does to the relative position, as Suricata 8.0.7 does (checked on pcaps):
 * byte_test leaves it; byte_extract and byte_math move it past the bytes they read (for a
 * string, past the digits actually converted); byte_jump moves it to its jump target. A jump
 * before the buffer start lands on the start; past the end fails; exactly the end matches.
 *
 * The "dce" option takes the byte order from the DCERPC parser, which sekimori lacks: such
 * rules are refused rather than matched with a guessed byte order. */
#include "detect/detect_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BY_RELATIVE 0x01
#define BY_LITTLE 0x02
#define BY_STRING 0x04
#define BY_BITMASK 0x08
#define BY_ALIGN 0x10 /* byte_jump: round up to 4 */
#define BY_BEGIN 0x20 /* byte_jump from_beginning */
#define BY_END 0x40   /* byte_jump from_end */
#define BY_BIG 0x80   /* written explicitly (byte_extract refuses it with string) */

#define BY_NOVAR 0xff
#define BY_STRING_MAX 64 /* digits one string field may hold */
#define BY_TOKENS_MAX 24

typedef struct {
    uint16_t nbytes;
    uint8_t nbytes_var; /* BY_NOVAR: nbytes holds the count */
    uint8_t offset_var; /* BY_NOVAR: offset holds the offset */
    uint8_t flags;      /* BY_* */
    uint8_t base;       /* string: 8, 10 or 16 */
    int32_t offset;
    uint64_t bitmask;
} ByteRead;

typedef enum { BT_LT, BT_GT, BT_EQ, BT_LE, BT_GE, BT_AND, BT_OR } ByteTestOp;

typedef struct {
    ByteRead r;
    uint8_t op; /* ByteTestOp */
    bool neg;
    uint8_t value_var;
    uint64_t value;
} ByteTest;

typedef struct {
    ByteRead r;
    uint32_t multiplier;
    int32_t post_offset;
} ByteJump;

typedef struct {
    ByteRead r;
    uint32_t multiplier;
    uint8_t align; /* 0, 2 or 4 */
    uint8_t var;
} ByteExtract;

typedef enum { BM_ADD, BM_SUB, BM_MUL, BM_DIV, BM_SHL, BM_SHR } ByteMathOp;

typedef struct {
    ByteRead r;
    uint8_t oper; /* ByteMathOp */
    uint8_t rvalue_var;
    uint8_t var;
    uint32_t rvalue;
} ByteMath;

/* ---- the shared reader ---- */

/* Reads r's field from di's buffer. *val is the number (masked and shifted), *end the buffer
 * offset just past the bytes converted. False when the field is outside the buffer or holds no
 * number. */
static bool
byte_read(const DetectInspect *di, const ByteRead *r, uint64_t *val, uint32_t *end)
{
    const uint64_t *vars = di->dt->vars;
    uint64_t n = r->nbytes_var != BY_NOVAR ? vars[r->nbytes_var] : r->nbytes;
    int64_t off = r->offset_var != BY_NOVAR ? (int64_t)vars[r->offset_var] : r->offset;
    int64_t at = ((r->flags & BY_RELATIVE) ? (int64_t)di->pos : 0) + off;
    uint64_t v = 0;
    uint32_t used;

    if (at < 0 || at > (int64_t)di->len || n > di->len - (uint64_t)at) {
        return false;
    }
    Cursor c = cur_init(di->buf + at, (size_t)n);
    if (r->flags & BY_STRING) {
        char tmp[BY_STRING_MAX + 1];
        char *stop;
        if (n == 0 || n > BY_STRING_MAX) {
            return false;
        }
        memcpy(tmp, c.p, c.left);
        tmp[c.left] = '\0';
        /* strtoull's rule, as Suricata converts: leading blanks, digits up to the first
         * non-digit; at least one digit. */
        errno = 0;
        v = strtoull(tmp, &stop, r->base);
        if (stop == tmp || errno == ERANGE) {
            return false;
        }
        used = (uint32_t)(stop - tmp);
    } else {
        if (n > 8) {
            return false;
        }
        for (uint32_t i = 0; i < n; i++) {
            uint8_t b;
            if (!cur_u8(&c, &b)) {
                return false;
            }
            v = (r->flags & BY_LITTLE) ? v | (uint64_t)b << (8 * i) : v << 8 | b;
        }
        used = (uint32_t)n;
    }
    if (r->flags & BY_BITMASK) {
        v &= r->bitmask;
        if (v != 0 && r->bitmask != 0) {
            v >>= __builtin_ctzll(r->bitmask);
        }
    }
    *val = v;
    *end = (uint32_t)at + used;
    return true;
}

/* ---- parsing ---- */

static char *
trim(char *s)
{
    char *e;
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t')) {
        *--e = '\0';
    }
    return s;
}

/* Splits a copy of arg at commas into tok (trimmed); the copy is returned for free(). */
static char *
split(const char *arg, char **tok, unsigned *cnt)
{
    char *copy = strdup(arg);
    char *p = copy;
    *cnt = 0;
    if (copy == NULL) {
        return NULL;
    }
    while (*cnt < BY_TOKENS_MAX) {
        char *comma = strchr(p, ',');
        if (comma != NULL) {
            *comma = '\0';
        }
        tok[(*cnt)++] = trim(p);
        if (comma == NULL) {
            break;
        }
        p = comma + 1;
    }
    return copy;
}

static bool
looks_numeric(const char *s)
{
    return isdigit((unsigned char)s[0]) || (s[0] == '-' && isdigit((unsigned char)s[1]));
}

/* A signed number (decimal or 0x), trailing text ignored as Suricata's parser does. */
static bool
num_signed(const char *s, int64_t min, int64_t max, int64_t *out)
{
    char *end;
    long long v;
    errno = 0;
    v = strtoll(s, &end, 0);
    if (end == s || errno == ERANGE || v < min || v > max) {
        return false;
    }
    *out = v;
    return true;
}

static bool
num_unsigned(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    unsigned long long v;
    if (s[0] == '\0') {
        return false;
    }
    errno = 0;
    v = strtoull(s, &end, 0);
    if (end == s || *end != '\0' || errno == ERANGE || v > max) {
        return false;
    }
    *out = v;
    return true;
}

/* "name value" options: the value after the name and blanks, or NULL when tok is not name. */
static const char *
opt_value(const char *tok, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(tok, name, n) != 0 || (tok[n] != ' ' && tok[n] != '\t' && tok[n] != '\0')) {
        return NULL;
    }
    return trim((char *)tok + n);
}

/* A number of bytes, or a variable's name. */
static SkResult
parse_nbytes(const Signature *s, const char *kw, const char *t, ByteRead *r, char *err)
{
    r->nbytes_var = BY_NOVAR;
    if (looks_numeric(t)) {
        int64_t v;
        if (!num_signed(t, 0, 65535, &v)) {
            return detect_err(err, "Malformed number of bytes: %.60s", t);
        }
        r->nbytes = (uint16_t)v;
        return SK_OK;
    }
    int idx = sig_var_find(s, t);
    if (idx < 0) {
        return detect_err(err, "Unknown byte_extract var seen in %s - %.60s", kw, t);
    }
    r->nbytes_var = (uint8_t)idx;
    return SK_OK;
}

static SkResult
parse_offset(const Signature *s, const char *kw, const char *t, ByteRead *r, char *err)
{
    r->offset_var = BY_NOVAR;
    if (looks_numeric(t)) {
        int64_t v;
        /* byte_test takes any 32-bit offset in Suricata 8.0.7 (it then never matches past the
         * buffer); the others stay within twice 65535 */
        int64_t lim = strcmp(kw, "byte_test") == 0 ? INT32_MAX : 65535 * 2;
        if (!num_signed(t, lim == INT32_MAX ? INT32_MIN : -lim, lim, &v)) {
            return detect_err(err, "Malformed offset: %.60s", t);
        }
        r->offset = (int32_t)v;
        return SK_OK;
    }
    if (t[0] == '\0') {
        return detect_err(err, "Malformed offset: %.60s", t);
    }
    int idx = sig_var_find(s, t);
    if (idx < 0) {
        return detect_err(err, "Unknown byte_extract var seen in %s - %.60s", kw, t);
    }
    r->offset_var = (uint8_t)idx;
    return SK_OK;
}

static int
base_of(const char *t)
{
    return strcmp(t, "hex") == 0 ? 16 : strcmp(t, "dec") == 0 ? 10 : strcmp(t, "oct") == 0 ? 8 : 0;
}

static SkResult
dce_refused(char *err, const char *kw)
{
    return detect_err(err, "%s: the dce option needs the DCERPC parser, which sekimori lacks", kw);
}

/* A variable for byte_extract/byte_math results: its index, the existing one when the name is
 * already defined (Suricata accepts the redefinition). */
static SkResult
var_define(Signature *s, const char *name, uint8_t *idx, char *err)
{
    int i = sig_var_find(s, name);
    if (i >= 0) {
        *idx = (uint8_t)i;
        return SK_OK;
    }
    if (s->var_cnt >= DETECT_VARS_MAX) {
        return detect_err(err, "too many byte_extract/byte_math variables in one rule (max %d)",
                          DETECT_VARS_MAX);
    }
    s->var_names[s->var_cnt] = strdup(name);
    if (s->var_names[s->var_cnt] == NULL) {
        return detect_nomem(err);
    }
    *idx = s->var_cnt++;
    return SK_OK;
}

/* ---- byte_test ---- */

static int
byte_test_inspect(DetectInspect *di, const SigMatch *sm, uint32_t *resume)
{
    const ByteTest *bt = sm->ctx;
    uint64_t v, want;
    uint32_t end;
    bool m = false;
    (void)resume;

    if (!byte_read(di, &bt->r, &v, &end)) {
        return DI_NO_MATCH;
    }
    want = bt->value_var != BY_NOVAR ? di->dt->vars[bt->value_var] : bt->value;
    switch ((ByteTestOp)bt->op) {
    case BT_LT:
        m = v < want;
        break;
    case BT_GT:
        m = v > want;
        break;
    case BT_EQ:
        m = v == want;
        break;
    case BT_LE:
        m = v <= want;
        break;
    case BT_GE:
        m = v >= want;
        break;
    case BT_AND:
        m = (v & want) != 0;
        break;
    case BT_OR:
        m = (v ^ want) != 0;
        break;
    }
    return m != bt->neg ? DI_MATCH : DI_NO_MATCH;
}

static const DetectSmOps byte_test_ops = {.inspect = byte_test_inspect};

static SkResult
byte_test_parse(Signature *s, const char *arg, ByteTest *bt, char *err)
{
    char *tok[BY_TOKENS_MAX];
    unsigned cnt;
    char *copy = split(arg, tok, &cnt);
    SkResult r = SK_ERR_CONFIG;
    bool string = false;
    int base = 0;

    if (copy == NULL) {
        return detect_nomem(err);
    }
    if (cnt < 4) {
        detect_err(err, "parse error, ret -1, string %.80s", arg);
        goto out;
    }
    if ((r = parse_nbytes(s, "byte_test", tok[0], &bt->r, err)) != SK_OK) {
        goto out;
    }
    r = SK_ERR_CONFIG;
    {
        const char *op = tok[1];
        if (op[0] == '!') {
            bt->neg = true;
            op = trim((char *)op + 1);
        }
        if (strcmp(op, "<") == 0) {
            bt->op = BT_LT;
        } else if (strcmp(op, ">") == 0) {
            bt->op = BT_GT;
        } else if (strcmp(op, "=") == 0 || (op[0] == '\0' && bt->neg)) {
            bt->op = BT_EQ;
        } else if (strcmp(op, "<=") == 0) {
            bt->op = BT_LE;
        } else if (strcmp(op, ">=") == 0) {
            bt->op = BT_GE;
        } else if (strcmp(op, "&") == 0) {
            bt->op = BT_AND;
        } else if (strcmp(op, "^") == 0) {
            bt->op = BT_OR;
        } else {
            detect_err(err, "Invalid operator");
            goto out;
        }
    }
    bt->value_var = BY_NOVAR;
    if (looks_numeric(tok[2])) {
        char *end;
        errno = 0;
        /* strtoull as Suricata: "-1" wraps to the largest value */
        bt->value = strtoull(tok[2], &end, 0);
        if (errno == ERANGE || *end != '\0') {
            detect_err(err, "Malformed value: %.60s", tok[2]);
            goto out;
        }
    } else {
        int idx = sig_var_find(s, tok[2]);
        if (idx < 0) {
            detect_err(err, "Unknown byte_extract var seen in byte_test - %.60s", tok[2]);
            goto out;
        }
        bt->value_var = (uint8_t)idx;
    }
    if ((r = parse_offset(s, "byte_test", tok[3], &bt->r, err)) != SK_OK) {
        goto out;
    }
    r = SK_ERR_CONFIG;
    for (unsigned i = 4; i < cnt; i++) {
        const char *t = tok[i], *v;
        if (strcmp(t, "relative") == 0) {
            bt->r.flags |= BY_RELATIVE;
        } else if (strcmp(t, "big") == 0) {
            bt->r.flags = (uint8_t)((bt->r.flags & ~BY_LITTLE) | BY_BIG);
        } else if (strcmp(t, "little") == 0) {
            bt->r.flags |= BY_LITTLE;
        } else if (strcmp(t, "string") == 0) {
            string = true;
        } else if (base_of(t) != 0) {
            base = base_of(t);
        } else if (strcmp(t, "dce") == 0) {
            r = dce_refused(err, "byte_test");
            goto out;
        } else if ((v = opt_value(t, "bitmask")) != NULL) {
            if (!num_unsigned(v, UINT64_MAX, &bt->r.bitmask)) {
                detect_err(err, "Malformed bitmask value: %.60s", v);
                goto out;
            }
            bt->r.flags |= BY_BITMASK;
        } else {
            detect_err(err, "parse error, ret -1, string %.80s", arg);
            goto out;
        }
    }
    if (base != 0 && !string) {
        detect_err(err, "Cannot use a base without \"string\": %.80s", arg);
        goto out;
    }
    if (string) {
        bt->r.flags |= BY_STRING;
        bt->r.base = (uint8_t)(base != 0 ? base : 10);
        if (bt->r.nbytes_var == BY_NOVAR && bt->r.nbytes > BY_STRING_MAX) {
            detect_err(err, "Cannot test more than %d bytes with \"string\": %.80s", BY_STRING_MAX,
                       arg);
            goto out;
        }
    } else if (bt->r.nbytes_var == BY_NOVAR && bt->r.nbytes > 8) {
        detect_err(err, "Cannot test more than 8 bytes without \"string\": %.80s", arg);
        goto out;
    }
    r = SK_OK;
out:
    free(copy);
    return r;
}

/* Attaches a byte keyword to the current list; a relative one first marks the content or pcre
 * before it, so that a failing relative read sends that one to its next match. */
static SkResult
byte_attach(Signature *s, DetectKeywordId kw, const DetectSmOps *ops, void *ctx, uint8_t flags,
            char *err)
{
    if (flags & BY_RELATIVE) {
        detect_relative_mark(s, s->cur_list, s->lists[s->cur_list].cnt);
    }
    return sig_match_append(s, s->cur_list, kw, ops, ctx, err);
}

SkResult
kw_byte_test_setup(Signature *s, const char *arg, char *err)
{
    ByteTest *bt = calloc(1, sizeof(*bt));
    SkResult r;
    if (bt == NULL) {
        return detect_nomem(err);
    }
    if ((r = byte_test_parse(s, arg, bt, err)) != SK_OK) {
        free(bt);
        return r;
    }
    return byte_attach(s, DETECT_KW_BYTE_TEST, &byte_test_ops, bt, bt->r.flags, err);
}

/* ---- byte_jump ---- */

static int
byte_jump_inspect(DetectInspect *di, const SigMatch *sm, uint32_t *resume)
{
    const ByteJump *bj = sm->ctx;
    uint64_t v;
    uint32_t end;
    int64_t to;
    (void)resume;

    if (!byte_read(di, &bj->r, &v, &end)) {
        return DI_NO_MATCH;
    }
    /* The jump is at most 2^32 * 65535 and the buffer at most 4 GiB: no overflow in int64
     * once the value is clamped to what can still land in the buffer. */
    if (v > UINT32_MAX) {
        return DI_NO_MATCH;
    }
    v *= bj->multiplier;
    if (bj->r.flags & BY_ALIGN) {
        v = (v + 3) & ~(uint64_t)3;
    }
    if (bj->r.flags & BY_BEGIN) {
        to = (int64_t)v;
    } else if (bj->r.flags & BY_END) {
        to = (int64_t)di->len + (int64_t)v;
    } else {
        to = (int64_t)end + (int64_t)v;
    }
    to += bj->post_offset;
    if (to < 0) {
        to = 0; /* Suricata: a jump before the start lands on it */
    }
    if (to > (int64_t)di->len) {
        return DI_NO_MATCH;
    }
    di->pos = (uint32_t)to;
    return DI_MATCH;
}

static const DetectSmOps byte_jump_ops = {.inspect = byte_jump_inspect};

static SkResult
byte_jump_parse(Signature *s, const char *arg, ByteJump *bj, char *err)
{
    char *tok[BY_TOKENS_MAX];
    unsigned cnt;
    char *copy = split(arg, tok, &cnt);
    SkResult r = SK_ERR_CONFIG;
    bool string = false;
    int base = 0;

    if (copy == NULL) {
        return detect_nomem(err);
    }
    bj->multiplier = 1;
    if (cnt < 2) {
        detect_err(err, "parse error, ret -1, string \"%.80s\"", arg);
        goto out;
    }
    if ((r = parse_nbytes(s, "byte_jump", tok[0], &bj->r, err)) != SK_OK
        || (r = parse_offset(s, "byte_jump", tok[1], &bj->r, err)) != SK_OK) {
        goto out;
    }
    r = SK_ERR_CONFIG;
    for (unsigned i = 2; i < cnt; i++) {
        const char *t = tok[i], *v;
        int64_t n;
        if (strcmp(t, "relative") == 0) {
            bj->r.flags |= BY_RELATIVE;
        } else if (strcmp(t, "big") == 0) {
            bj->r.flags = (uint8_t)((bj->r.flags & ~BY_LITTLE) | BY_BIG);
        } else if (strcmp(t, "little") == 0) {
            bj->r.flags |= BY_LITTLE;
        } else if (strcmp(t, "string") == 0) {
            string = true;
        } else if (base_of(t) != 0) {
            base = base_of(t);
        } else if (strcmp(t, "align") == 0) {
            bj->r.flags |= BY_ALIGN;
        } else if (strcmp(t, "from_beginning") == 0) {
            bj->r.flags |= BY_BEGIN;
        } else if (strcmp(t, "from_end") == 0) {
            bj->r.flags |= BY_END;
        } else if (strcmp(t, "dce") == 0) {
            r = dce_refused(err, "byte_jump");
            goto out;
        } else if ((v = opt_value(t, "multiplier")) != NULL) {
            if (!num_signed(v, 1, 65535, &n)) {
                detect_err(err, "Malformed multiplier: %.80s", arg);
                goto out;
            }
            bj->multiplier = (uint32_t)n;
        } else if ((v = opt_value(t, "post_offset")) != NULL) {
            if (!num_signed(v, INT32_MIN, INT32_MAX, &n)) {
                detect_err(err, "Malformed post_offset: %.80s", arg);
                goto out;
            }
            bj->post_offset = (int32_t)n;
        } else {
            /* bitmask too: documented, but Suricata 8.0.7 refuses it on byte_jump */
            detect_err(err, "parse error, ret -1, string \"%.80s\"", arg);
            goto out;
        }
    }
    if ((bj->r.flags & BY_BEGIN) && (bj->r.flags & BY_END)) {
        detect_err(err, "'from_end' and 'from_beginning' cannot be used in the same byte_jump "
                        "statement");
        goto out;
    }
    if (base != 0 && !string) {
        detect_err(err, "Cannot use a base without \"string\": %.80s", arg);
        goto out;
    }
    if (string) {
        bj->r.flags |= BY_STRING;
        bj->r.base = (uint8_t)(base != 0 ? base : 10);
        if (bj->r.nbytes_var == BY_NOVAR && bj->r.nbytes > BY_STRING_MAX) {
            detect_err(err, "Cannot test more than %d bytes with \"string\"", BY_STRING_MAX);
            goto out;
        }
    } else if (bj->r.nbytes_var == BY_NOVAR && bj->r.nbytes > 8) {
        detect_err(err, "Cannot test more than 8 bytes without \"string\"");
        goto out;
    }
    r = SK_OK;
out:
    free(copy);
    return r;
}

SkResult
kw_byte_jump_setup(Signature *s, const char *arg, char *err)
{
    ByteJump *bj = calloc(1, sizeof(*bj));
    SkResult r;
    if (bj == NULL) {
        return detect_nomem(err);
    }
    if ((r = byte_jump_parse(s, arg, bj, err)) != SK_OK) {
        free(bj);
        return r;
    }
    return byte_attach(s, DETECT_KW_BYTE_JUMP, &byte_jump_ops, bj, bj->r.flags, err);
}

/* ---- byte_extract ---- */

static int
byte_extract_inspect(DetectInspect *di, const SigMatch *sm, uint32_t *resume)
{
    const ByteExtract *be = sm->ctx;
    uint64_t v;
    uint32_t end;
    (void)resume;

    if (!byte_read(di, &be->r, &v, &end)) {
        return DI_NO_MATCH;
    }
    v *= be->multiplier;
    if (be->align != 0 && v % be->align != 0) {
        v += be->align - v % be->align;
    }
    di->dt->vars[be->var] = v;
    di->pos = end;
    return DI_MATCH;
}

static const DetectSmOps byte_extract_ops = {.inspect = byte_extract_inspect};

static SkResult
byte_extract_parse(Signature *s, const char *arg, ByteExtract *be, char *err)
{
    char *tok[BY_TOKENS_MAX];
    unsigned cnt;
    char *copy = split(arg, tok, &cnt);
    SkResult r = SK_ERR_CONFIG;
    unsigned seen = 0; /* each option at most once, as Suricata 8 */
    enum { O_REL = 1, O_MUL = 2, O_END = 4, O_STR = 8, O_BASE = 16, O_ALIGN = 32 };
    int base = 0;

    if (copy == NULL) {
        return detect_nomem(err);
    }
    be->multiplier = 1;
    be->r.nbytes_var = BY_NOVAR;
    if (cnt < 3 || tok[2][0] == '\0') {
        detect_err(err, "invalid byte_extract values");
        goto out;
    }
    {
        int64_t n;
        if (!num_signed(tok[0], 0, 65535, &n)) {
            detect_err(err, "invalid byte_extract values");
            goto out;
        }
        be->r.nbytes = (uint16_t)n;
        if (!looks_numeric(tok[1]) || !num_signed(tok[1], -65535, 65535, &n)) {
            detect_err(err, "invalid byte_extract values");
            goto out;
        }
        be->r.offset = (int32_t)n;
        be->r.offset_var = BY_NOVAR;
    }
    for (unsigned i = 3; i < cnt; i++) {
        const char *t = tok[i], *v;
        unsigned o;
        int64_t n;
        if (strcmp(t, "relative") == 0) {
            o = O_REL;
            be->r.flags |= BY_RELATIVE;
        } else if (strcmp(t, "big") == 0 || strcmp(t, "little") == 0) {
            o = O_END;
            be->r.flags |= t[0] == 'l' ? BY_LITTLE : BY_BIG;
        } else if (strcmp(t, "string") == 0) {
            o = O_STR;
            be->r.flags |= BY_STRING;
        } else if (base_of(t) != 0) {
            o = O_BASE;
            base = base_of(t);
        } else if (strcmp(t, "dce") == 0) {
            r = dce_refused(err, "byte_extract");
            goto out;
        } else if ((v = opt_value(t, "multiplier")) != NULL) {
            o = O_MUL;
            if (!num_signed(v, 1, 65535, &n)) {
                detect_err(err, "invalid byte_extract values");
                goto out;
            }
            be->multiplier = (uint32_t)n;
        } else if ((v = opt_value(t, "align")) != NULL) {
            o = O_ALIGN;
            if (!num_signed(v, 2, 4, &n) || n == 3) {
                detect_err(err, "invalid byte_extract values");
                goto out;
            }
            be->align = (uint8_t)n;
        } else {
            detect_err(err, "invalid byte_extract values");
            goto out;
        }
        if (seen & o) {
            detect_err(err, "invalid byte_extract values");
            goto out;
        }
        seen |= o;
    }
    if ((seen & O_BASE) && !(seen & O_STR)) {
        detect_err(err, "invalid byte_extract values");
        goto out;
    }
    if (be->r.flags & BY_STRING) {
        if ((seen & O_END) || be->r.nbytes == 0 || be->r.nbytes > BY_STRING_MAX) {
            detect_err(err, "invalid byte_extract values");
            goto out;
        }
        be->r.base = (uint8_t)(base != 0 ? base : 10);
    } else if (be->r.nbytes > 8) {
        detect_err(err,
                   "byte_extract can't process more than 8 bytes in \"non-string\" extraction");
        goto out;
    }
    r = var_define(s, tok[2], &be->var, err);
out:
    free(copy);
    return r;
}

SkResult
kw_byte_extract_setup(Signature *s, const char *arg, char *err)
{
    ByteExtract *be = calloc(1, sizeof(*be));
    SkResult r;
    if (be == NULL) {
        return detect_nomem(err);
    }
    if ((r = byte_extract_parse(s, arg, be, err)) != SK_OK) {
        free(be);
        return r;
    }
    return byte_attach(s, DETECT_KW_BYTE_EXTRACT, &byte_extract_ops, be, be->r.flags, err);
}

/* ---- byte_math ---- */

static int
byte_math_inspect(DetectInspect *di, const SigMatch *sm, uint32_t *resume)
{
    const ByteMath *bm = sm->ctx;
    uint64_t v, rv;
    uint32_t end;
    (void)resume;

    if (!byte_read(di, &bm->r, &v, &end)) {
        return DI_NO_MATCH;
    }
    rv = bm->rvalue_var != BY_NOVAR ? di->dt->vars[bm->rvalue_var] : bm->rvalue;
    switch ((ByteMathOp)bm->oper) {
    case BM_ADD:
        v += rv;
        break;
    case BM_SUB:
        v -= rv;
        break;
    case BM_MUL:
        v *= rv;
        break;
    case BM_DIV:
        if (rv == 0) {
            return DI_NO_MATCH; /* documented: never a match */
        }
        v /= rv;
        break;
    case BM_SHL:
        v = rv < 64 ? v << rv : 0;
        break;
    case BM_SHR:
        v = rv < 64 ? v >> rv : 0;
        break;
    }
    di->dt->vars[bm->var] = v;
    di->pos = end;
    return DI_MATCH;
}

static const DetectSmOps byte_math_ops = {.inspect = byte_math_inspect};

static SkResult
byte_math_parse(Signature *s, const char *arg, ByteMath *bm, char *err)
{
    char *tok[BY_TOKENS_MAX];
    unsigned cnt;
    char *copy = split(arg, tok, &cnt);
    SkResult r = SK_ERR_CONFIG;
    const char *result = NULL;
    bool has_bytes = false, has_offset = false, has_oper = false, has_rvalue = false;

    if (copy == NULL) {
        return detect_nomem(err);
    }
    bm->r.nbytes_var = BY_NOVAR;
    bm->r.offset_var = BY_NOVAR;
    bm->rvalue_var = BY_NOVAR;
    for (unsigned i = 0; i < cnt; i++) {
        const char *t = tok[i], *v;
        if ((v = opt_value(t, "bytes")) != NULL && v[0] != '\0') {
            if ((r = parse_nbytes(s, "byte_math", v, &bm->r, err)) != SK_OK) {
                goto out;
            }
            r = SK_ERR_CONFIG;
            has_bytes = true;
        } else if ((v = opt_value(t, "offset")) != NULL && v[0] != '\0') {
            if ((r = parse_offset(s, "byte_math", v, &bm->r, err)) != SK_OK) {
                goto out;
            }
            r = SK_ERR_CONFIG;
            has_offset = true;
        } else if ((v = opt_value(t, "oper")) != NULL) {
            static const char *const ops[] = {"+", "-", "*", "/", "<<", ">>"};
            unsigned k;
            for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
                if (strcmp(v, ops[k]) == 0) {
                    break;
                }
            }
            if (k == sizeof(ops) / sizeof(ops[0])) {
                detect_err(err, "invalid bytemath values");
                goto out;
            }
            bm->oper = (uint8_t)k;
            has_oper = true;
        } else if ((v = opt_value(t, "rvalue")) != NULL && v[0] != '\0') {
            uint64_t n;
            if (looks_numeric(v)) {
                if (!num_unsigned(v, UINT32_MAX, &n)) {
                    detect_err(err, "invalid bytemath values");
                    goto out;
                }
                bm->rvalue = (uint32_t)n;
            } else {
                int idx = sig_var_find(s, v);
                if (idx < 0) {
                    detect_err(err, "unknown byte_ keyword var seen in byte_math - %.60s", v);
                    goto out;
                }
                bm->rvalue_var = (uint8_t)idx;
            }
            has_rvalue = true;
        } else if ((v = opt_value(t, "result")) != NULL && v[0] != '\0') {
            result = v;
        } else if (strcmp(t, "relative") == 0) {
            bm->r.flags |= BY_RELATIVE;
        } else if ((v = opt_value(t, "endian")) != NULL) {
            if (strcmp(v, "big") == 0) {
                bm->r.flags = (uint8_t)((bm->r.flags & ~BY_LITTLE) | BY_BIG);
            } else if (strcmp(v, "little") == 0) {
                bm->r.flags |= BY_LITTLE;
            } else if (strcmp(v, "dce") == 0) {
                r = dce_refused(err, "byte_math");
                goto out;
            } else {
                detect_err(err, "invalid bytemath values");
                goto out;
            }
        } else if ((v = opt_value(t, "string")) != NULL) {
            if (base_of(v) == 0) {
                detect_err(err, "invalid bytemath values");
                goto out;
            }
            bm->r.flags |= BY_STRING;
            bm->r.base = (uint8_t)base_of(v);
        } else if (strcmp(t, "dce") == 0) {
            r = dce_refused(err, "byte_math");
            goto out;
        } else if ((v = opt_value(t, "bitmask")) != NULL) {
            if (!num_unsigned(v, UINT32_MAX, &bm->r.bitmask)) {
                detect_err(err, "invalid bytemath values");
                goto out;
            }
            bm->r.flags |= BY_BITMASK;
        } else {
            detect_err(err, "invalid bytemath values");
            goto out;
        }
    }
    if (!has_bytes || !has_offset || !has_oper || !has_rvalue || result == NULL) {
        detect_err(err, "invalid bytemath values");
        goto out;
    }
    if (bm->r.nbytes_var == BY_NOVAR
        && (bm->r.nbytes == 0 || bm->r.nbytes > ((bm->r.flags & BY_STRING) ? 10 : 8))) {
        detect_err(err, "invalid bytemath values");
        goto out;
    }
    r = var_define(s, result, &bm->var, err);
out:
    free(copy);
    return r;
}

SkResult
kw_byte_math_setup(Signature *s, const char *arg, char *err)
{
    ByteMath *bm = calloc(1, sizeof(*bm));
    SkResult r;
    if (bm == NULL) {
        return detect_nomem(err);
    }
    if ((r = byte_math_parse(s, arg, bm, err)) != SK_OK) {
        free(bm);
        return r;
    }
    return byte_attach(s, DETECT_KW_BYTE_MATH, &byte_math_ops, bm, bm->r.flags, err);
}
