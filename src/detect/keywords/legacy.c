/* legacy.c: Suricata's older rule spellings on top of the buffers the protocols register
 * (legacy.def): content modifiers that move the content before them into a buffer
 * ("content:\"/x\"; http_uri;"), aliases of sticky buffers ("dns_query;"), uricontent, and
 * urilen, the length of the request URI. */
#include <stdlib.h>
#include <string.h>

#include "detect/detect_int.h"

/* ---- sticky-buffer aliases ---- */

static const struct {
    const char *alias, *name;
} aliases[] = {
#define ALIAS(alias, name) {alias, name},
#include "detect/keywords/legacy.def"
#undef ALIAS
};

const char *
detect_buffer_alias(const char *name)
{
    for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
        if (strcmp(aliases[i].alias, name) == 0) {
            return aliases[i].name;
        }
    }
    return name;
}

void
detect_buffer_aliases_print(FILE *out)
{
    for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
        if (detect_buffer_find(aliases[i].name) >= 0) {
            fprintf(out, "%s\n", aliases[i].alias);
        }
    }
}

/* ---- content modifiers ---- */

static const struct {
    DetectKeywordId id;
    const char *buf;
} needs[] = {
#define MODIFIER(id, name, buf) {id, buf},
#include "detect/keywords/legacy.def"
#undef MODIFIER
    {DETECT_KW_URICONTENT, "http.uri"},
    {DETECT_KW_URILEN, "http.uri"},
};

bool
detect_keyword_available(DetectKeywordId id)
{
    for (size_t i = 0; i < sizeof(needs) / sizeof(needs[0]); i++) {
        if (needs[i].id == id) {
            return detect_buffer_find(needs[i].buf) >= 0;
        }
    }
    return true;
}

/* Moves the last content of pkt_data to the buffer named buf, as Suricata's modifiers do: the
 * content keeps its own modifiers (those before and, through Signature.mod_list, those after);
 * a content relative to the one before it becomes relative to the buffer's previous content
 * or pcre, and the pkt_data keyword it was chained to is chained no more. New contents still
 * go to pkt_data. */
static SkResult
modifier_apply(Signature *s, const char *kw, const char *buf, char *err)
{
    int list = detect_buffer_find(buf);
    SigMatchList *from = &s->lists[s->mod_list];
    uint32_t at = from->cnt;

    while (at > 0 && from->sm[at - 1].kw != DETECT_KW_CONTENT) {
        at--;
    }
    if (at == 0) {
        return detect_err(err,
                          "%s found inside the rule, without a content context. Please use a "
                          "\"content\" keyword before using the \"%s\" keyword",
                          kw, kw);
    }
    if (s->mod_list != DETECT_LIST_PMATCH) {
        return detect_err(err, "%s can't be used with a sticky buffer (%s)", kw,
                          detect_buffers[s->mod_list].name);
    }
    if (list < 0) {
        return detect_err(err, "%s: the buffer %s is not available (its protocol is not parsed)",
                          kw, buf);
    }
    SigMatch sm = from->sm[at - 1];
    DetectContent *c = sm.ctx;
    if (c->flags & DETECT_CONTENT_RAWBYTES) {
        return detect_err(err, "%s rule can not be used with the rawbytes rule keyword (%s)", kw,
                          kw);
    }
    memmove(&from->sm[at - 1], &from->sm[at], (size_t)(from->cnt - at) * sizeof(SigMatch));
    from->cnt--;
    /* The pkt_data keyword before it no longer has a relative one after it. */
    for (uint32_t i = at - 1; i-- > 0;) {
        if (from->sm[i].kw == DETECT_KW_CONTENT) {
            ((DetectContent *)from->sm[i].ctx)->flags &= ~(uint32_t)DETECT_CONTENT_RELATIVE_NEXT;
            break;
        }
        if (from->sm[i].kw == DETECT_KW_PCRE) {
            break; /* a pcre's chain flag is its own; it only costs a retry */
        }
    }
    SkResult r = sig_match_append(s, (unsigned)list, sm.kw, sm.ops, sm.ctx, err);
    if (r != SK_OK) {
        return r;
    }
    if (c->flags & (DETECT_CONTENT_DISTANCE | DETECT_CONTENT_WITHIN)) {
        detect_relative_mark(s, (unsigned)list, s->lists[list].cnt - 1);
    }
    s->mod_list = (uint8_t)list;
    return SK_OK;
}

#define MODIFIER(id, name, buf)                                                                    \
    SkResult kw_modifier_##id(Signature *s, const char *arg, char *err)                            \
    {                                                                                              \
        (void)arg;                                                                                 \
        return modifier_apply(s, name, buf, err);                                                  \
    }
#include "detect/keywords/legacy.def"
#undef MODIFIER

/* uricontent:"x": a content of http.uri, as "content:\"x\"; http_uri;". */
SkResult
kw_uricontent_setup(Signature *s, const char *arg, char *err)
{
    uint8_t cur = s->cur_list;
    SkResult r = kw_content_setup(s, arg, err);
    if (r != SK_OK) {
        return r;
    }
    s->cur_list = DETECT_LIST_PMATCH;
    s->mod_list = DETECT_LIST_PMATCH;
    r = modifier_apply(s, "uricontent", "http.uri", err);
    s->cur_list = cur;
    return r;
}

/* ---- urilen ---- */

typedef struct {
    DetectUint len;
    uint8_t list; /* http.uri, or http.uri.raw with ",raw" */
} UriLen;

static bool
urilen_match(DetectThread *dt, const AlTx *tx, int dir, const void *ctx)
{
    const UriLen *u = ctx;
    const DetectBuffer *b = &detect_buffers[u->list];
    Cursor c;
    (void)dir;
    return b->get_tx(tx, b->dir, 0, dt->tx_scratch, sizeof(dt->tx_scratch), &c)
           && detect_uint_match(&u->len, c.left);
}

static void
urilen_describe(JsonBuf *jb, const void *ctx)
{
    const UriLen *u = ctx;
    json_u64(jb, "value", u->len.a);
}

static const DetectSmOps urilen_ops = {.tx_match = urilen_match, .describe = urilen_describe};

/* urilen:N, <N, >N, N<>M, with ",norm" (the default) or ",raw". */
SkResult
kw_urilen_setup(Signature *s, const char *arg, char *err)
{
    char val[64];
    const char *comma = strchr(arg, ',');
    const char *buf = "http.uri";
    size_t n = comma != NULL ? (size_t)(comma - arg) : strlen(arg);
    if (n >= sizeof(val)) {
        return detect_err(err, "invalid urilen: '%.60s'", arg);
    }
    memcpy(val, arg, n);
    val[n] = '\0';
    if (comma != NULL) {
        const char *m = comma + 1;
        while (*m == ' ') {
            m++;
        }
        if (strcmp(m, "raw") == 0) {
            buf = "http.uri.raw";
        } else if (strcmp(m, "norm") != 0) {
            return detect_err(err, "invalid urilen modifier: '%.60s'", m);
        }
    }
    int list = detect_buffer_find(buf);
    if (list < 0) {
        return detect_err(err, "urilen: the buffer %s is not available", buf);
    }
    UriLen *u = calloc(1, sizeof(*u));
    if (u == NULL) {
        return detect_nomem(err);
    }
    if (!detect_uint_parse(val, 65535, &u->len, err)) {
        free(u);
        return SK_ERR_CONFIG;
    }
    u->list = (uint8_t)list;
    return detect_tx_keyword_add(s, DETECT_KW_URILEN, &urilen_ops, u, detect_buffers[list].alproto,
                                 (uint8_t)(1u << FLOW_DIR_TOSERVER), err);
}
