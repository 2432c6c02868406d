/* payload.c: isdataat and bsize, the single-shot buffer tests of the payload family (content is
 * content.c, pcre pcre.c). Neither moves di->pos. */
#include "detect/detect_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- isdataat: [!]N|var[,relative][,rawbytes] ---- */

#define ISDATAAT_RELATIVE 0x01
#define ISDATAAT_NEGATED 0x02
#define ISDATAAT_VAR 0x04 /* dataat is a byte variable's index */

typedef struct {
    uint32_t dataat;
    uint8_t flags;
} DetectIsdataat;

/* Suricata's arithmetic: absolute N means the byte at offset N exists (N < len); relative N
 * means N more bytes after the previous match (pos + N <= len), so "isdataat:!1,relative"
 * after a content says the content ends the buffer. */
static int
isdataat_inspect(DetectInspect *di, const SigMatch *sm, uint32_t *resume)
{
    const DetectIsdataat *id = sm->ctx;
    uint64_t n = (id->flags & ISDATAAT_VAR) ? di->dt->vars[id->dataat] : id->dataat;
    bool data;

    (void)resume;
    if (id->flags & ISDATAAT_RELATIVE) {
        data = (uint64_t)di->pos + n <= di->len;
    } else {
        data = n < di->len;
    }
    return data != ((id->flags & ISDATAAT_NEGATED) != 0) ? DI_MATCH : DI_NO_MATCH;
}

static const DetectSmOps isdataat_ops = {.inspect = isdataat_inspect};

static const char *
blanks(const char *p)
{
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    return p;
}

/* The next comma-separated option of p, blanks trimmed, into out (size n). */
static const char *
next_opt(const char *p, char *out, size_t n)
{
    const char *e = strchr(p, ',');
    size_t l = e != NULL ? (size_t)(e - p) : strlen(p);
    while (l > 0 && (p[l - 1] == ' ' || p[l - 1] == '\t')) {
        l--;
    }
    if (l >= n) {
        l = n - 1;
    }
    memcpy(out, p, l);
    out[l] = '\0';
    return e != NULL ? blanks(e + 1) : NULL;
}

SkResult
kw_isdataat_setup(Signature *s, const char *arg, char *err)
{
    DetectIsdataat *id;
    char val[64], opt[64];
    const char *p = blanks(arg);
    int64_t v;
    uint8_t flags = 0;
    int var = -1;

    if (*p == '!') {
        flags |= ISDATAAT_NEGATED;
        p = blanks(p + 1);
    }
    p = next_opt(p, val, sizeof(val));
    /* Suricata's grammar: the value, then optionally "relative", then optionally "rawbytes". */
    for (int k = 0; p != NULL; k++) {
        p = next_opt(p, opt, sizeof(opt));
        if (k == 0 && strcmp(opt, "relative") == 0) {
            flags |= ISDATAAT_RELATIVE;
        } else if (k <= 1 && strcmp(opt, "rawbytes") == 0) {
            k = 1;
        } else {
            return detect_err(err, "pcre_exec parse error, ret -1, string %.60s", arg);
        }
    }
    if (val[0] == '\0' || strpbrk(val, " \t") != NULL) {
        return detect_err(err, "pcre_exec parse error, ret -1, string %.60s", arg);
    }
    if ((val[0] >= 'a' && val[0] <= 'z') || (val[0] >= 'A' && val[0] <= 'Z') || val[0] == '_') {
        var = sig_var_find(s, val);
        if (var < 0) {
            return detect_err(err, "Unknown byte_extract var seen in isdataat - %.40s", val);
        }
        v = var;
        flags |= ISDATAAT_VAR;
    } else if (!detect_parse_int(val, 0, 65535, &v)) {
        return detect_err(err, "isdataat out of range");
    }
    id = calloc(1, sizeof(*id));
    if (id == NULL) {
        return detect_nomem(err);
    }
    id->dataat = (uint32_t)v;
    id->flags = flags;
    if (flags & ISDATAAT_RELATIVE) {
        detect_relative_mark(s, s->cur_list, s->lists[s->cur_list].cnt);
    }
    return sig_match_append(s, s->cur_list, DETECT_KW_ISDATAAT, &isdataat_ops, id, err);
}

/* ---- bsize: the sticky buffer's length (after its transforms), DetectUint's forms ---- */

static int
bsize_inspect(DetectInspect *di, const SigMatch *sm, uint32_t *resume)
{
    (void)resume;
    return detect_uint_match(sm->ctx, di->len) ? DI_MATCH : DI_NO_MATCH;
}

static const DetectSmOps bsize_ops = {.inspect = bsize_inspect};

/* The largest length that can satisfy u, or UINT64_MAX when unbounded. */
static uint64_t
uint_max_value(const DetectUint *u)
{
    switch ((DetectUintMode)u->mode) {
    case DU_EQ:
    case DU_LE:
        return u->a;
    case DU_LT:
        return u->a > 0 ? u->a - 1 : 0;
    case DU_RANGE:
        return u->b - 1;
    default:
        return UINT64_MAX;
    }
}

SkResult
kw_bsize_setup(Signature *s, const char *arg, char *err)
{
    const SigMatchList *l = &s->lists[s->cur_list];
    DetectUint *u;
    uint64_t max;

    if (s->cur_list == DETECT_LIST_PMATCH) {
        /* Suricata refuses it too (without a message). */
        return detect_err(err, "bsize needs a sticky buffer, not the packet payload");
    }
    u = calloc(1, sizeof(*u));
    if (u == NULL) {
        return detect_nomem(err);
    }
    if (!detect_uint_parse(arg, UINT64_MAX, u, err)) {
        free(u);
        return SK_ERR_CONFIG;
    }
    /* Suricata's load check: a content already in the buffer that cannot fit. */
    max = uint_max_value(u);
    for (uint32_t i = 0; i < l->cnt; i++) {
        const DetectContent *c = l->sm[i].ctx;
        if (l->sm[i].kw == DETECT_KW_CONTENT && !(c->flags & DETECT_CONTENT_NEGATED)
            && c->len > max) {
            free(u);
            return detect_err(err,
                              "signature can't match as required content length %u exceeds "
                              "bsize value: %llu",
                              c->len, (unsigned long long)max);
        }
    }
    return sig_match_append(s, s->cur_list, DETECT_KW_BSIZE, &bsize_ops, u, err);
}
