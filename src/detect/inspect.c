/* inspect.c: one buffer list of a rule against one buffer, with Suricata's relative matching
 * and backtracking (its DetectEngineContentInspection semantics), without recursion.
 *
 * The keywords of a buffer list run in rule order. Each sees DetectInspect.pos, the end of the
 * previous match in this buffer (0 at the start): relative keywords (distance/within, pcre R,
 * isdataat and byte_* "relative") work from there. A keyword that matched moves pos where
 * Suricata moves its buffer offset (content, pcre: the end of the match; byte_jump: past the
 * jump; isdataat, bsize, negated content: not at all).
 *
 * The *resume protocol of DetectSmOps.inspect:
 *   1. The first call for a keyword at a given anchor has *resume == 0 and di->pos = the anchor
 *      (where the previous keyword left pos).
 *   2. A keyword that may match at several places (content, pcre) and whose later keywords are
 *      relative to it (it was marked with detect_relative_mark) stores, on DI_MATCH, a nonzero
 *      *resume saying where its next search starts (its own encoding; content and pcre use
 *      "next start offset + 1"). Single-shot keywords (isdataat, bsize, byte_*, negated or
 *      endswith contents, and any content or pcre without a relative successor) leave it 0.
 *   3. When a later keyword fails, the nearest earlier keyword with a nonzero *resume is called
 *      again with di->pos restored to its anchor and its stored *resume: it returns its next
 *      match (updating pos and *resume) or DI_NO_MATCH, after which inspect.c zeroes *resume
 *      and goes on backtracking further left. Keywords after it run again from scratch.
 *   4. A failure that no retry can undo (an absolute content not found, or a negated absolute
 *      content found: its window does not depend on anything earlier) sets DI_F_DISCONTINUE in
 *      di->flags: the list fails at once, as Suricata's discontinue_matching.
 *   5. DI_ABORT gives up the rule (the keyword met a limit); the list does not match.
 * Every keyword call counts one step against detect.inspection-recursion-limit (dt->recursion,
 * reset per buffer inspection as Suricata resets its counter per buffer): a rule that would
 * backtrack combinatorially ("a" then "a" distance:0 ... on "aaaa...") is stopped and counted
 * in recursion_aborts, and does not match. */
#include "detect/detect_int.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* The anchor and resume state of one keyword position: at most one per SigMatch of the list,
 * which sig_match_append bounds by DETECT_OPTS_MAX, so it lives on the stack. */
typedef struct {
    uint32_t anchor;
    uint32_t resume;
} InspectFrame;

bool
detect_inspect_buffer(struct DetectThread *dt, const Packet *p, const Signature *s, unsigned list,
                      const uint8_t *buf, uint32_t len, uint8_t di_flags)
{
    const SigMatchList *l = &s->lists[list];
    InspectFrame fr[DETECT_OPTS_MAX + 1];
    DetectInspect di;
    uint32_t i = 0;

    if (l->xform_cnt > 0 && !detect_transforms_apply(dt, l, &buf, &len)) {
        return false;
    }
    if (l->cnt > DETECT_OPTS_MAX) {
        return false; /* sig_match_append never builds one */
    }
    di = (DetectInspect){.dt = dt,
                         .p = p,
                         .s = s,
                         .buf = buf,
                         .len = len,
                         .pos = 0,
                         .list = (uint8_t)list,
                         .flags = (uint8_t)(di_flags & ~DI_F_DISCONTINUE)};
    dt->recursion = 0;
    fr[0].anchor = 0;
    fr[0].resume = 0;
    while (i < l->cnt) {
        const SigMatch *sm = &l->sm[i];
        int r;

        if (++dt->recursion > dt->recursion_limit) {
            dt->stats.recursion_aborts++;
            return false;
        }
        di.pos = fr[i].anchor;
        r = sm->ops != NULL && sm->ops->inspect != NULL ? sm->ops->inspect(&di, sm, &fr[i].resume)
                                                        : DI_NO_MATCH;
        if (r == DI_ABORT) {
            dt->stats.recursion_aborts++;
            return false;
        }
        if (r == DI_MATCH) {
            i++;
            fr[i].anchor = di.pos;
            fr[i].resume = 0;
            continue;
        }
        /* i failed: retry the nearest earlier keyword that can match elsewhere. */
        fr[i].resume = 0;
        if (di.flags & DI_F_DISCONTINUE) {
            return false;
        }
        while (i > 0 && fr[i - 1].resume == 0) {
            i--;
        }
        if (i == 0) {
            return false;
        }
        i--;
    }
    return true;
}

bool
detect_inspect_thread_init(struct DetectThread *dt)
{
    /* 16 pairs: pcre only reads the whole match, a smaller ovector still reports it. */
    dt->pcre_md = pcre2_match_data_create(16, NULL);
    return dt->pcre_md != NULL;
}

void
detect_inspect_thread_fini(struct DetectThread *dt)
{
    pcre2_match_data_free(dt->pcre_md); /* accepts NULL */
    dt->pcre_md = NULL;
}
