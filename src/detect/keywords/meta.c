/* meta.c: the keywords that describe a rule rather than match: msg, sid, rev, gid, classtype,
 * priority, reference, metadata, target, noalert. Values and checks as Suricata 8 takes them
 * (sid and rev above 0, gid any 32-bit value; classtype is kept as written until the
 * classification file is read). */
#include "detect/detect_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static SkResult
nomem(char *err)
{
    snprintf(err, DETECT_ERR_MAX, "out of memory");
    return SK_ERR_NOMEM;
}

SkResult
kw_msg_setup(Signature *s, const char *arg, char *err)
{
    return detect_unquote(arg, "msg", &s->msg, err) ? SK_OK
           : strcmp(err, "out of memory") == 0      ? SK_ERR_NOMEM
                                                    : SK_ERR_CONFIG;
}

static SkResult
u32_value(const char *kw, const char *arg, int64_t min, uint32_t *out, char *err)
{
    int64_t v;
    if (!detect_parse_int(arg, 0, UINT32_MAX, &v)) {
        snprintf(err, DETECT_ERR_MAX, "invalid %s value \"%.40s\"", kw, arg);
        return SK_ERR_CONFIG;
    }
    if (v < min) {
        snprintf(err, DETECT_ERR_MAX, "%s value %lld is invalid", kw, (long long)v);
        return SK_ERR_CONFIG;
    }
    *out = (uint32_t)v;
    return SK_OK;
}

SkResult
kw_sid_setup(Signature *s, const char *arg, char *err)
{
    return u32_value("sid", arg, 1, &s->sid, err);
}

SkResult
kw_rev_setup(Signature *s, const char *arg, char *err)
{
    return u32_value("rev", arg, 1, &s->rev, err);
}

SkResult
kw_gid_setup(Signature *s, const char *arg, char *err)
{
    return u32_value("gid", arg, 0, &s->gid, err);
}

/* A name of letters, digits, '-' and '_', as classification.config writes them. */
SkResult
kw_classtype_setup(Signature *s, const char *arg, char *err)
{
    size_t n = strspn(arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");
    if (n == 0 || arg[n] != '\0') {
        snprintf(err, DETECT_ERR_MAX, "invalid classtype \"%.40s\"", arg);
        return SK_ERR_CONFIG;
    }
    s->classtype = strdup(arg);
    return s->classtype != NULL ? SK_OK : nomem(err);
}

/* Suricata takes any non-negative number (0 and 256 load): the same here. */
SkResult
kw_priority_setup(Signature *s, const char *arg, char *err)
{
    int64_t v;
    if (!detect_parse_int(arg, 0, INT32_MAX, &v)) {
        snprintf(err, DETECT_ERR_MAX, "invalid priority value \"%.40s\"", arg);
        return SK_ERR_CONFIG;
    }
    s->priority = (int32_t)v;
    return SK_OK;
}

static SkResult
push_str(char ***v, uint32_t *cnt, const char *text, size_t len, char *err)
{
    char **nv;
    char *copy;
    if (*cnt >= DETECT_OPTS_MAX) {
        snprintf(err, DETECT_ERR_MAX, "too many entries");
        return SK_ERR_CONFIG;
    }
    nv = realloc(*v, (*cnt + 1) * sizeof(*nv));
    if (nv == NULL) {
        return nomem(err);
    }
    *v = nv;
    copy = strndup(text, len);
    if (copy == NULL) {
        return nomem(err);
    }
    nv[(*cnt)++] = copy;
    return SK_OK;
}

/* "type,value": both parts present. */
SkResult
kw_reference_setup(Signature *s, const char *arg, char *err)
{
    const char *comma = strchr(arg, ',');
    if (comma == NULL || comma == arg || comma[1] == '\0') {
        snprintf(err, DETECT_ERR_MAX,
                 "unable to parse \"reference\" keyword argument \"%.60s\": expected type,value",
                 arg);
        return SK_ERR_CONFIG;
    }
    return push_str(&s->refs, &s->ref_cnt, arg, strlen(arg), err);
}

/* "key value, key value": each entry kept, blanks around it trimmed. */
SkResult
kw_metadata_setup(Signature *s, const char *arg, char *err)
{
    const char *p = arg;
    for (;;) {
        size_t n = strcspn(p, ",");
        const char *e = p;
        size_t el = n;
        while (el > 0 && (*e == ' ' || *e == '\t')) {
            e++;
            el--;
        }
        while (el > 0 && (e[el - 1] == ' ' || e[el - 1] == '\t')) {
            el--;
        }
        if (el > 0) {
            SkResult r = push_str(&s->metadata, &s->meta_cnt, e, el, err);
            if (r != SK_OK) {
                return r;
            }
        }
        if (p[n] == '\0') {
            return SK_OK;
        }
        p += n + 1;
    }
}

SkResult
kw_target_setup(Signature *s, const char *arg, char *err)
{
    if (strcmp(arg, "src_ip") == 0) {
        s->flags |= SIG_F_TARGET_SRC;
    } else if (strcmp(arg, "dest_ip") == 0) {
        s->flags |= SIG_F_TARGET_DST;
    } else {
        snprintf(err, DETECT_ERR_MAX, "target: \"%.40s\" is not src_ip or dest_ip", arg);
        return SK_ERR_CONFIG;
    }
    return SK_OK;
}

SkResult
kw_noalert_setup(Signature *s, const char *arg, char *err)
{
    s->flags |= SIG_F_NOALERT;
    return SK_OK;
}

/* alert: a pass (or drop) rule also logs an alert, as Suricata 7's keyword; an alert rule
 * alerts anyway. */
SkResult
kw_alert_setup(Signature *s, const char *arg, char *err)
{
    (void)arg, (void)err;
    s->flags |= SIG_F_ALERT;
    return SK_OK;
}

/* prefilter: Suricata uses the keyword before it (ttl, flags, flowbits, app-layer-protocol ...)
 * as the rule's prefilter instead of a content. A performance hint only: sekimori keeps rules
 * without a fast pattern on their group's always-evaluated list, so what matches is the same.
 * As Suricata, it cannot be combined with fast_pattern. */
SkResult
kw_prefilter_setup(Signature *s, const char *arg, char *err)
{
    (void)arg;
    for (unsigned l = DETECT_LIST_FIRST_BUFFER; l < DETECT_LIST_MAX; l++) {
        for (uint32_t i = 0; i < s->lists[l].cnt; i++) {
            const SigMatch *sm = &s->lists[l].sm[i];
            if (sm->kw == DETECT_KW_CONTENT
                && (((const DetectContent *)sm->ctx)->flags & DETECT_CONTENT_FAST_PATTERN)) {
                snprintf(err, DETECT_ERR_MAX, "prefilter; can't be used with fast_pattern");
                return SK_ERR_CONFIG;
            }
        }
    }
    if (s->flags & SIG_F_PREFILTER) {
        snprintf(err, DETECT_ERR_MAX, "prefilter already set");
        return SK_ERR_CONFIG;
    }
    s->flags |= SIG_F_PREFILTER;
    return SK_OK;
}
