/* uint.c: the numeric comparison Suricata's integer keywords share (dsize, ttl, bsize, icmp_id,
 * stream_size, ...): "N", "=N", "==N", "<N", ">N", "<=N", ">=N", "!N", "!=N", "N-M" and "N<>M"
 * (both strictly between N and M, as Suricata's range), "!N-M" outside it, with blanks allowed
 * around the operator. */
#include "detect/detect_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *
skip_blanks(const char *p)
{
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    return p;
}

/* One decimal (or 0x hex) number of at most max; *pp moves past it. */
static bool
number(const char **pp, uint64_t max, uint64_t *out)
{
    const char *p = skip_blanks(*pp);
    char *end;
    unsigned long long v;
    if (!isdigit((unsigned char)*p)) {
        return false;
    }
    errno = 0;
    v = strtoull(p, &end, 0);
    if (errno != 0 || end == p || v > max) {
        return false;
    }
    *out = v;
    *pp = skip_blanks(end);
    return true;
}

bool
detect_uint_parse(const char *arg, uint64_t max, DetectUint *out, char *err)
{
    const char *p;
    memset(out, 0, sizeof(*out));
    if (arg == NULL) {
        detect_err(err, "a number is needed");
        return false;
    }
    p = skip_blanks(arg);
    if (p[0] == '<' && p[1] == '=') {
        out->mode = DU_LE, p += 2;
    } else if (p[0] == '>' && p[1] == '=') {
        out->mode = DU_GE, p += 2;
    } else if (p[0] == '<') {
        out->mode = DU_LT, p += 1;
    } else if (p[0] == '>') {
        out->mode = DU_GT, p += 1;
    } else if (p[0] == '!' && p[1] == '=') {
        out->mode = DU_NE, p += 2;
    } else if (p[0] == '!') {
        out->mode = DU_NE, p += 1;
    } else if (p[0] == '=' && p[1] == '=') {
        out->mode = DU_EQ, p += 2;
    } else if (p[0] == '=') {
        out->mode = DU_EQ, p += 1;
    } else {
        out->mode = DU_EQ;
    }
    if (!number(&p, max, &out->a)) {
        detect_err(err, "invalid value \"%.40s\"", arg);
        return false;
    }
    if (out->mode == DU_EQ && (p[0] == '-' || (p[0] == '<' && p[1] == '>'))) {
        p += p[0] == '-' ? 1 : 2;
        if (!number(&p, max, &out->b) || out->b <= out->a) {
            detect_err(err, "invalid range \"%.40s\"", arg);
            return false;
        }
        out->mode = DU_RANGE;
    } else if (out->mode == DU_NE && (p[0] == '-' || (p[0] == '<' && p[1] == '>'))) {
        p += p[0] == '-' ? 1 : 2;
        if (!number(&p, max, &out->b) || out->b <= out->a) {
            detect_err(err, "invalid range \"%.40s\"", arg);
            return false;
        }
        out->mode = DU_NOT_RANGE;
    }
    if (*p != '\0') {
        detect_err(err, "invalid value \"%.40s\"", arg);
        return false;
    }
    if ((out->mode == DU_LT && out->a == 0) || (out->mode == DU_GT && out->a == max)) {
        detect_err(err, "\"%.40s\" can never match", arg);
        return false;
    }
    return true;
}
