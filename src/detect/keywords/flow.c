/* flow.c: the flow keyword. "flow:established,to_server" tests the packet's flow: its direction
 * (p->flow_toserver), whether the flow is established (the flow state: for TCP, after the
 * three-way handshake), stream or packet, fragment or not. The direction also goes into
 * Signature.flow_flags, where grouping reads it. Options, their limits (three at most, none
 * twice, no contradictions) and error texts are Suricata 8's. */
#include "detect/detect_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "flow/flow.h"

#define FLOW_OPTS_MAX 3 /* Suricata's pattern takes at most three options */

typedef struct {
    uint16_t flags; /* SIG_FLOW_* */
    /* Suricata keeps no match for a lone direction, stream or stateless option: such a flow
     * keyword does not count for "only one flow option". */
    bool counted;
} FlowCtx;

static bool
flow_match(struct DetectThread *dt, const Packet *p, const Signature *s, const void *ctx)
{
    const FlowCtx *fc = ctx;
    uint16_t want = fc->flags;
    (void)dt, (void)s;

    if (want & SIG_FLOW_ONLY_FRAG) {
        /* No reassembled datagram exists yet: a fragment stands for one. */
        if (!(p->flags & PKT_F_FRAGMENT)) {
            return false;
        }
    } else if ((want & SIG_FLOW_NO_FRAG) && (p->flags & PKT_F_FRAGMENT)) {
        return false;
    }
    /* only_stream: the engine's stream pass (reassembled data); no_stream: the packet pass.
     * The engine already keeps such rules to their pass (Signature.insp); this says it again
     * for a rule evaluated directly. */
    if ((want & SIG_FLOW_ONLY_STREAM) && !dt->in_stream) {
        return false;
    }
    if ((want & SIG_FLOW_NO_STREAM) && dt->in_stream) {
        return false;
    }
    if (want
        & (SIG_FLOW_TOSERVER | SIG_FLOW_TOCLIENT | SIG_FLOW_ESTABLISHED
           | SIG_FLOW_NOT_ESTABLISHED)) {
        const Flow *f = p->flow;
        /* Without a flow a packet has no direction and no state: only the stateless-compatible
         * options can hold, as in Suricata, whose packet flow flags are then all clear. */
        if (f == NULL) {
            return (want & (SIG_FLOW_TOSERVER | SIG_FLOW_TOCLIENT | SIG_FLOW_ESTABLISHED)) == 0;
        }
        if ((want & SIG_FLOW_TOSERVER) && !p->flow_toserver) {
            return false;
        }
        if ((want & SIG_FLOW_TOCLIENT) && p->flow_toserver) {
            return false;
        }
        /* Established means "past the handshake", as the flow stage judged it for this packet
         * (Packet.flow_established: a closing flow counts; the ACK completing a TCP handshake
         * does not, as in Suricata). */
        bool est = p->flow_established;
        if ((want & SIG_FLOW_ESTABLISHED) && !est) {
            return false;
        }
        if ((want & SIG_FLOW_NOT_ESTABLISHED) && est) {
            return false;
        }
    }
    return true;
}

static const DetectSmOps flow_ops = {.match = flow_match};

/* One option into *flags; false with Suricata's message when it conflicts. */
static bool
flow_option(const char *o, uint16_t *flags, char *err)
{
    uint16_t f = *flags;
    if (strcasecmp(o, "established") == 0) {
        if (f & SIG_FLOW_ESTABLISHED) {
            detect_err(err, "DETECT_FLOW_FLAG_ESTABLISHED flag is already set");
        } else if (f & SIG_FLOW_NOT_ESTABLISHED) {
            detect_err(err, "cannot set DETECT_FLOW_FLAG_ESTABLISHED, "
                            "DETECT_FLOW_FLAG_NOT_ESTABLISHED already set");
        } else if (f & SIG_FLOW_STATELESS) {
            detect_err(err, "DETECT_FLOW_FLAG_STATELESS already set");
        } else {
            *flags |= SIG_FLOW_ESTABLISHED;
            return true;
        }
    } else if (strcasecmp(o, "not_established") == 0) {
        if (f & SIG_FLOW_NOT_ESTABLISHED) {
            detect_err(err, "DETECT_FLOW_FLAG_NOT_ESTABLISHED flag is already set");
        } else if (f & SIG_FLOW_ESTABLISHED) {
            detect_err(err, "cannot set DETECT_FLOW_FLAG_NOT_ESTABLISHED, "
                            "DETECT_FLOW_FLAG_ESTABLISHED already set");
        } else {
            *flags |= SIG_FLOW_NOT_ESTABLISHED;
            return true;
        }
    } else if (strcasecmp(o, "stateless") == 0) {
        if (f & SIG_FLOW_STATELESS) {
            detect_err(err, "DETECT_FLOW_FLAG_STATELESS flag is already set");
        } else if (f & SIG_FLOW_ESTABLISHED) {
            detect_err(err, "cannot set DETECT_FLOW_FLAG_STATELESS, "
                            "DETECT_FLOW_FLAG_ESTABLISHED already set");
        } else {
            *flags |= SIG_FLOW_STATELESS;
            return true;
        }
    } else if (strcasecmp(o, "to_client") == 0 || strcasecmp(o, "from_server") == 0) {
        if (f & SIG_FLOW_TOCLIENT) {
            detect_err(err, "cannot set DETECT_FLOW_FLAG_TOCLIENT flag is already set");
        } else if (f & SIG_FLOW_TOSERVER) {
            detect_err(err, "cannot set to_client, DETECT_FLOW_FLAG_TOSERVER already set");
        } else {
            *flags |= SIG_FLOW_TOCLIENT;
            return true;
        }
    } else if (strcasecmp(o, "to_server") == 0 || strcasecmp(o, "from_client") == 0) {
        if (f & SIG_FLOW_TOSERVER) {
            detect_err(err, "cannot set DETECT_FLOW_FLAG_TOSERVER flag is already set");
        } else if (f & SIG_FLOW_TOCLIENT) {
            detect_err(err, "cannot set to_server, DETECT_FLOW_FLAG_TO_CLIENT flag already set");
        } else {
            *flags |= SIG_FLOW_TOSERVER;
            return true;
        }
    } else if (strcasecmp(o, "only_stream") == 0) {
        if (f & SIG_FLOW_ONLY_STREAM) {
            detect_err(err, "cannot set only_stream flag is already set");
        } else if (f & SIG_FLOW_NO_STREAM) {
            detect_err(err, "cannot set only_stream flag, DETECT_FLOW_FLAG_NOSTREAM already set");
        } else {
            *flags |= SIG_FLOW_ONLY_STREAM;
            return true;
        }
    } else if (strcasecmp(o, "no_stream") == 0) {
        if (f & SIG_FLOW_NO_STREAM) {
            detect_err(err, "cannot set no_stream flag is already set");
        } else if (f & SIG_FLOW_ONLY_STREAM) {
            detect_err(err, "cannot set no_stream flag, DETECT_FLOW_FLAG_ONLYSTREAM already set");
        } else {
            *flags |= SIG_FLOW_NO_STREAM;
            return true;
        }
    } else if (strcasecmp(o, "only_frag") == 0) {
        if (f & SIG_FLOW_ONLY_FRAG) {
            detect_err(err, "cannot set only_frag flag is already set");
        } else if (f & SIG_FLOW_NO_FRAG) {
            detect_err(err, "cannot set only_frag flag, no_frag already set");
        } else {
            *flags |= SIG_FLOW_ONLY_FRAG;
            return true;
        }
    } else if (strcasecmp(o, "no_frag") == 0) {
        if (f & SIG_FLOW_NO_FRAG) {
            detect_err(err, "cannot set no_frag flag is already set");
        } else if (f & SIG_FLOW_ONLY_FRAG) {
            detect_err(err, "cannot set no_frag flag, only_frag already set");
        } else {
            *flags |= SIG_FLOW_NO_FRAG;
            return true;
        }
    } else {
        detect_err(err, "invalid flow option \"%.40s\"", o);
    }
    return false;
}

static bool
is_word_char(char c)
{
    /* Suricata's [A-z_]: letters, and the six characters between 'Z' and 'a'. */
    return (c >= 'A' && c <= 'z') || c == '_';
}

/* Splits "a, b ,c" into at most FLOW_OPTS_MAX words; false on anything else. */
static bool
flow_split(const char *arg, char words[FLOW_OPTS_MAX][24], unsigned *cnt)
{
    const char *p = arg;
    *cnt = 0;
    for (;;) {
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        size_t n = 0;
        while (is_word_char(p[n])) {
            n++;
        }
        if (n == 0 || n >= 24 || *cnt == FLOW_OPTS_MAX) {
            return false;
        }
        memcpy(words[*cnt], p, n);
        words[(*cnt)++][n] = '\0';
        p += n;
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        if (*p == '\0') {
            return true;
        }
        if (*p != ',') {
            return false;
        }
        p++;
    }
}

SkResult
kw_flow_setup(Signature *s, const char *arg, char *err)
{
    char words[FLOW_OPTS_MAX][24];
    unsigned cnt;
    uint16_t flags = 0;
    const uint16_t lone = SIG_FLOW_TOSERVER | SIG_FLOW_TOCLIENT | SIG_FLOW_ONLY_STREAM
                          | SIG_FLOW_NO_STREAM | SIG_FLOW_STATELESS;

    if (arg[0] == '"') {
        return detect_err(err, "quotes on flow keyword that doesn't support them: 'flow'");
    }
    if (!flow_split(arg, words, &cnt)) {
        return detect_err(err, "parse error, ret -1, string %.80s", arg);
    }
    for (unsigned i = 0; i < cnt; i++) {
        if (!flow_option(words[i], &flags, err)) {
            return SK_ERR_CONFIG;
        }
    }
    for (uint32_t i = 0; i < s->lists[DETECT_LIST_MATCH].cnt; i++) {
        const SigMatch *sm = &s->lists[DETECT_LIST_MATCH].sm[i];
        if (sm->kw == DETECT_KW_FLOW && ((const FlowCtx *)sm->ctx)->counted) {
            return detect_err(err, "A signature may have only one flow option.");
        }
    }
    if ((flags & SIG_FLOW_TOCLIENT) && (s->flow_flags & SIG_FLOW_TOSERVER)) {
        return detect_err(err, "rule has flow to_client but a hook to_server");
    }
    if ((flags & SIG_FLOW_TOSERVER) && (s->flow_flags & SIG_FLOW_TOCLIENT)) {
        return detect_err(err, "rule has flow to_server but a hook to_client");
    }
    s->flow_flags |= flags;
    if (flags == SIG_FLOW_STATELESS) {
        return SK_OK; /* always true: nothing to test */
    }
    FlowCtx *fc = calloc(1, sizeof(*fc));
    if (fc == NULL) {
        return detect_nomem(err);
    }
    fc->flags = flags;
    /* A single bit among the "lone" options: Suricata turns it into signature flags only. */
    fc->counted = !((flags & (flags - 1)) == 0 && (flags & lone));
    return sig_match_append(s, DETECT_LIST_MATCH, DETECT_KW_FLOW, &flow_ops, fc, err);
}
