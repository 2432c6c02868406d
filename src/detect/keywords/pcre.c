/* pcre.c: the pcre keyword, Suricata's pcre:"/regex/flags" (and pcre:!"/regex/"), compiled once
 * with PCRE2 and its JIT at rule load. Flags: i s m x A E G are PCRE2 options; R matches from the
 * previous match end (di->pos) and leaves di->pos at its own match end; O lifts the match limits;
 * B (rawbytes) has no effect here. The letters that select HTTP buffers (U, I, P, H, ...) and
 * captures into pkt:/flow: variables fail the rule: sekimori has neither yet, and a rule that
 * loaded but inspected the wrong buffer would be silently wrong.
 *
 * Also detect_relative_mark, which needs to know both content's and pcre's context. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "detect/detect_int.h"

#include <stdlib.h>
#include <string.h>

/* Suricata's pcre.match-limit and pcre.match-limit-recursion defaults. */
#define PCRE_MATCH_LIMIT 3500
#define PCRE_DEPTH_LIMIT 1500

#define PCRE_F_RELATIVE 0x01      /* R */
#define PCRE_F_NEGATED 0x02       /* pcre:!"..." */
#define PCRE_F_RELATIVE_NEXT 0x04 /* a later keyword is relative to this match */
#define PCRE_F_NO_LIMITS 0x08     /* O: no match limits */

typedef struct {
    uint32_t flags;
    pcre2_code *re;
    pcre2_match_context *mctx; /* the match limits; NULL with O */
} DetectPcre;

static void
pcre_free(void *ctx)
{
    DetectPcre *pe = ctx;
    if (pe != NULL) {
        pcre2_code_free(pe->re);
        pcre2_match_context_free(pe->mctx);
        free(pe);
    }
}

void
detect_relative_mark(Signature *s, unsigned list, uint32_t at)
{
    SigMatchList *l = &s->lists[list];
    if (at > l->cnt) {
        at = l->cnt;
    }
    /* As Suricata, the last content or pcre: byte_* and isdataat between them only read pos. */
    for (uint32_t i = at; i-- > 0;) {
        if (l->sm[i].kw == DETECT_KW_CONTENT) {
            ((DetectContent *)l->sm[i].ctx)->flags |= DETECT_CONTENT_RELATIVE_NEXT;
            return;
        }
        if (l->sm[i].kw == DETECT_KW_PCRE) {
            ((DetectPcre *)l->sm[i].ctx)->flags |= PCRE_F_RELATIVE_NEXT;
            return;
        }
    }
}

static int
pcre_inspect(DetectInspect *di, const SigMatch *sm, uint32_t *resume)
{
    const DetectPcre *pe = sm->ctx;
    pcre2_match_data *md = di->dt->pcre_md;
    uint32_t base = (pe->flags & PCRE_F_RELATIVE) ? di->pos : 0;
    uint32_t from = 0;
    const uint8_t *subj = di->buf != NULL ? di->buf : (const uint8_t *)"";
    PCRE2_SIZE *ov;
    int rc;

    if (*resume != 0) {
        from = *resume - 1 - base; /* same anchor as the first call: resume - 1 >= base */
    }
    *resume = 0;
    if (base > di->len || from > di->len - base) {
        return (pe->flags & PCRE_F_NEGATED) ? DI_MATCH : DI_NO_MATCH;
    }
    rc = pcre2_match(pe->re, subj + base, di->len - base, from, 0, md, pe->mctx);
    /* rc == 0: matched, more groups than the ovector holds; the whole match is still there.
     * A match or depth limit reached is a no, as in Suricata. */
    if (pe->flags & PCRE_F_NEGATED) {
        return rc >= 0 ? DI_NO_MATCH : DI_MATCH;
    }
    if (rc < 0) {
        return DI_NO_MATCH;
    }
    ov = pcre2_get_ovector_pointer(md);
    di->pos = base + (uint32_t)ov[1];
    if (pe->flags & PCRE_F_RELATIVE_NEXT) {
        /* Suricata retries from the match start + 1 (ov[0] >= from: always progress). */
        *resume = base + (uint32_t)ov[0] + 2;
    }
    return DI_MATCH;
}

static const DetectSmOps pcre_ops = {.inspect = pcre_inspect, .free = pcre_free};

/* A named group that Suricata stores in a variable: (?P<pkt_x>..), (?<flow_x>..), ... */
static bool
has_var_capture(const char *re, size_t len)
{
    static const char *const pre[] = {"(?P<", "(?<", "(?'"};
    static const char *const kind[] = {"pkt_", "flow_", "alert_"};
    for (size_t i = 0; i < len; i++) {
        for (size_t a = 0; a < 3; a++) {
            size_t pl = strlen(pre[a]);
            if (i + pl > len || memcmp(re + i, pre[a], pl) != 0) {
                continue;
            }
            for (size_t b = 0; b < 3; b++) {
                size_t kl = strlen(kind[b]);
                if (i + pl + kl <= len && memcmp(re + i + pl, kind[b], kl) == 0) {
                    return true;
                }
            }
        }
    }
    return false;
}

/* Suricata's HTTP modifiers: the buffer the pcre inspects instead of the current one. */
static const char *
http_modifier_buffer(char m)
{
    switch (m) {
    case 'U':
        return "http.uri";
    case 'I':
        return "http.uri.raw";
    case 'P':
        return "http.request_body";
    case 'Q':
        return "http.response_body";
    case 'H':
        return "http.header";
    case 'D':
        return "http.header.raw";
    case 'M':
        return "http.method";
    case 'C':
        return "http.cookie";
    case 'S':
        return "http.stat_code";
    case 'Y':
        return "http.stat_msg";
    case 'V':
        return "http.user_agent";
    case 'W':
        return "http.host";
    case 'Z':
        return "http.host.raw";
    default:
        return NULL;
    }
}

SkResult
kw_pcre_setup(Signature *s, const char *arg, char *err)
{
    unsigned list = s->cur_list;
    const SigMatchList *l = &s->lists[list];
    DetectPcre *pe;
    uint32_t opts = 0, flags = 0;
    const char *str = arg, *last, *f;
    size_t len;
    int ecode;
    PCRE2_SIZE eoff;

    if (*str == '!') {
        flags |= PCRE_F_NEGATED;
        str++;
        while (*str == ' ' || *str == '\t') {
            str++;
        }
    }
    len = strlen(str);
    if (len >= 2 && str[0] == '"' && str[len - 1] == '"') {
        str++;
        len -= 2;
    }
    last = NULL;
    for (size_t i = len; i-- > 1;) {
        if (str[i] == '/') {
            last = str + i;
            break;
        }
    }
    if (len < 2 || str[0] != '/' || last == NULL) {
        return detect_err(err, "pcre parse error: %.*s", (int)(len > 60 ? 60 : len), str);
    }
    for (f = last + 1; f < str + len; f++) {
        switch (*f) {
        case 'i':
            opts |= PCRE2_CASELESS;
            break;
        case 's':
            opts |= PCRE2_DOTALL;
            break;
        case 'm':
            opts |= PCRE2_MULTILINE;
            break;
        case 'x':
            opts |= PCRE2_EXTENDED;
            break;
        case 'A':
            opts |= PCRE2_ANCHORED;
            break;
        case 'E':
            opts |= PCRE2_DOLLAR_ENDONLY;
            break;
        case 'G':
            opts |= PCRE2_UNGREEDY;
            break;
        case 'R':
            flags |= PCRE_F_RELATIVE;
            break;
        case 'O':
            flags |= PCRE_F_NO_LIMITS;
            break;
        case 'B':
            break; /* rawbytes: the payload is already raw */
        case 'U':
        case 'I':
        case 'P':
        case 'Q':
        case 'H':
        case 'D':
        case 'M':
        case 'C':
        case 'S':
        case 'Y':
        case 'V':
        case 'W':
        case 'Z': {
            int b = detect_buffer_find(http_modifier_buffer(*f));
            /* A response body under file.data is the same bytes: Suricata takes /Q there. */
            if (*f == 'Q' && s->cur_list == (unsigned)detect_buffer_find("file.data")) {
                b = (int)s->cur_list;
            }
            if (b < 0) {
                return detect_err(err, "pcre modifier '%c' needs the http buffers", *f);
            }
            if (list != s->cur_list && list != (unsigned)b) {
                return detect_err(err, "regex modifiers for two different buffers: '%.60s'",
                                  last + 1);
            }
            if (s->cur_list != DETECT_LIST_PMATCH && s->cur_list != (unsigned)b) {
                return detect_err(err,
                                  "pcre modifier '%c' with the sticky buffer %s set: reset it "
                                  "with pkt_data first",
                                  *f, detect_buffers[s->cur_list].name);
            }
            list = (unsigned)b;
            l = &s->lists[list];
            break;
        }
        case ',':
            return detect_err(err, "pcre capture into variables (\"%.40s\") is not supported yet",
                              f);
        default:
            return detect_err(err, "unknown regex modifier '%c'", *f);
        }
    }
    if (has_var_capture(str + 1, (size_t)(last - str - 1))) {
        return detect_err(err, "pcre capture into pkt/flow/alert variables is not supported yet");
    }
    /* Suricata 8.0.7 wants a match before /R in pkt_data only: in a sticky buffer the first
     * keyword is relative to the buffer's start. */
    if ((flags & PCRE_F_RELATIVE) && list == DETECT_LIST_PMATCH) {
        bool prev = false;
        for (uint32_t i = 0; i < l->cnt; i++) {
            prev |= l->sm[i].kw == DETECT_KW_CONTENT || l->sm[i].kw == DETECT_KW_PCRE;
        }
        if (!prev) {
            return detect_err(err, "pcre with /R (relative) needs preceding match in the same "
                                   "buffer");
        }
    }
    pe = calloc(1, sizeof(*pe));
    if (pe == NULL) {
        return detect_nomem(err);
    }
    pe->re = pcre2_compile((PCRE2_SPTR)(str + 1), (PCRE2_SIZE)(last - str - 1), opts, &ecode, &eoff,
                           NULL);
    if (pe->re == NULL) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(ecode, msg, sizeof(msg));
        pcre_free(pe);
        return detect_err(err, "pcre2 compile of \"%.*s\" failed at offset %zu: %s",
                          (int)(len > 80 ? 80 : len), str, (size_t)eoff, (const char *)msg);
    }
    /* JIT is an optimisation: without it (unsupported CPU, no memory) the interpreter runs. */
    (void)pcre2_jit_compile(pe->re, PCRE2_JIT_COMPLETE);
    if (!(flags & PCRE_F_NO_LIMITS)) {
        pe->mctx = pcre2_match_context_create(NULL);
        if (pe->mctx == NULL) {
            pcre_free(pe);
            return detect_nomem(err);
        }
        pcre2_set_match_limit(pe->mctx, PCRE_MATCH_LIMIT);
        pcre2_set_depth_limit(pe->mctx, PCRE_DEPTH_LIMIT);
    }
    pe->flags = flags;
    if (flags & PCRE_F_RELATIVE) {
        detect_relative_mark(s, list, l->cnt);
    }
    return sig_match_append(s, list, DETECT_KW_PCRE, &pcre_ops, pe, err);
}
