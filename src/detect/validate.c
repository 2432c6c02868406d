/* validate.c: checks on a whole rule once every keyword is set up, where one keyword alone
 * cannot tell that the rule can never match.
 *
 * dsize against the payload contents: Suricata 8.0.7 fails a rule whose contents need more
 * bytes than its dsize allows ("signature can't match as required content length N exceeds
 * dsize value M"). Measured on Suricata (not derived from its code), the length it needs is:
 * the first content's length; each later content that is relative (distance or within) adds
 * its length, and its distance when it has one (a negative distance subtracts); later
 * contents that are not relative are ignored. Negated contents count like the others. When
 * that length alone fits, the first content's offset is added to it and checked again.
 * dsize gives a maximum in its "N", "<N", "!N" (all N) and "N<>M" (M) forms; the other forms
 * leave the rule alone. Variable offsets and distances count as 0. */
#include <stdint.h>
#include <stdio.h>

#include "detect/detect_int.h"

/* The largest payload dsize lets through, or -1 when it sets no bound the check uses. */
static int64_t
dsize_max(const Signature *s)
{
    const SigMatchList *l = &s->lists[DETECT_LIST_MATCH];

    for (uint32_t i = 0; i < l->cnt; i++) {
        const DetectUint *u = l->sm[i].ctx;
        if (l->sm[i].kw != DETECT_KW_DSIZE || u == NULL) {
            continue;
        }
        switch ((DetectUintMode)u->mode) {
        case DU_EQ:
        case DU_LT:
        case DU_NE:
            return (int64_t)u->a;
        case DU_RANGE:
            return (int64_t)u->b;
        default:
            return -1;
        }
    }
    return -1;
}

SkResult
sig_validate_dsize(const Signature *s, char *err)
{
    const SigMatchList *l = &s->lists[DETECT_LIST_PMATCH];
    int64_t max = dsize_max(s);
    int64_t need = 0, offset = 0;
    bool first = true;

    if (max < 0) {
        return SK_OK;
    }
    for (uint32_t i = 0; i < l->cnt; i++) {
        const DetectContent *c = l->sm[i].ctx;
        if (l->sm[i].kw != DETECT_KW_CONTENT || c == NULL) {
            continue;
        }
        if (first) {
            first = false;
            need = c->len;
            if ((c->flags & DETECT_CONTENT_OFFSET) && !(c->flags & DETECT_CONTENT_OFFSET_VAR)) {
                offset = c->offset;
            }
            continue;
        }
        if (!(c->flags & (DETECT_CONTENT_DISTANCE | DETECT_CONTENT_WITHIN))) {
            continue;
        }
        need += c->len;
        if ((c->flags & DETECT_CONTENT_DISTANCE) && !(c->flags & DETECT_CONTENT_DISTANCE_VAR)) {
            need += c->distance;
        }
    }
    if (first) {
        return SK_OK;
    }
    if (need <= max) {
        need += offset;
    }
    if (need > max) {
        return detect_err(err,
                          "signature can't match as required content length %lld exceeds dsize "
                          "value %lld",
                          (long long)need, (long long)max);
    }
    return SK_OK;
}

/* Transaction directions, as Suricata 8.0.7 checks them: a rule whose buffers (or transaction
 * keywords) exist in one direction only must not name the other, neither by another buffer
 * ("a transactional rule with => should be used") nor by its flow keyword. Buffers of both
 * directions (http.header) go with either. */
SkResult
sig_validate_tx_dirs(const Signature *s, char *err)
{
    uint8_t fixed = 0;
    for (unsigned l = DETECT_LIST_FIRST_BUFFER; l < DETECT_LIST_MAX; l++) {
        const DetectBuffer *b = &detect_buffers[l];
        if (s->lists[l].cnt > 0 && (b->flags & DETECT_BUF_TX) && b->dir != AL_DIR_BOTH) {
            fixed |= (uint8_t)(1u << b->dir);
        }
    }
    if (s->txkw_dirs == 1 || s->txkw_dirs == 2) {
        fixed |= s->txkw_dirs;
    }
    if (fixed == 3) {
        return detect_err(err,
                          "rule %u mixes keywords with conflicting directions, a transactional "
                          "rule with => should be used",
                          s->sid);
    }
    if ((fixed == 1u << FLOW_DIR_TOSERVER && (s->flow_flags & SIG_FLOW_TOCLIENT))
        || (fixed == 1u << FLOW_DIR_TOCLIENT && (s->flow_flags & SIG_FLOW_TOSERVER))) {
        return detect_err(err, "rule %u mixes keywords with conflicting directions", s->sid);
    }
    return SK_OK;
}
