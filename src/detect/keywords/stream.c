/* stream.c: stream_size: "stream_size:<server|client|both|either>,<op>,<bytes>", op one of
 * < > <= >= = != (Suricata 8). The bytes are what a side of the TCP session sent so far,
 * counted from its sequence numbers as Suricata counts them (the stream stage answers, through
 * the engine's DetectStreamSource); "both" needs both sides to hold, "either" one of them. A
 * packet of a flow without a TCP session does not match. */
#include "detect/detect_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/proto.h"
#include "flow/flow.h"

typedef enum { SS_SERVER, SS_CLIENT, SS_BOTH, SS_EITHER } StreamSizeSide;

typedef struct {
    uint8_t side; /* StreamSizeSide */
    DetectUint cmp;
} StreamSize;

static bool
side_holds(struct DetectThread *dt, const Flow *f, int toserver, const DetectUint *cmp)
{
    uint64_t n;
    return dt->src.bytes_seen != NULL && dt->src.bytes_seen(dt->src.user, f, toserver, &n)
           && detect_uint_match(cmp, n);
}

static bool
stream_size_match(struct DetectThread *dt, const Packet *p, const Signature *s, const void *ctx)
{
    const StreamSize *ss = ctx;
    const Flow *f = p->flow;
    (void)s;
    if (f == NULL || f->proto != SK_IPPROTO_TCP) {
        return false;
    }
    /* The server is the side that did not send the flow's first packet: it sends to_client. */
    switch ((StreamSizeSide)ss->side) {
    case SS_SERVER:
        return side_holds(dt, f, 0, &ss->cmp);
    case SS_CLIENT:
        return side_holds(dt, f, 1, &ss->cmp);
    case SS_BOTH:
        return side_holds(dt, f, 0, &ss->cmp) && side_holds(dt, f, 1, &ss->cmp);
    case SS_EITHER:
        return side_holds(dt, f, 0, &ss->cmp) || side_holds(dt, f, 1, &ss->cmp);
    }
    return false;
}

static const DetectSmOps stream_size_ops = {.match = stream_size_match};

static char *
trim(char *p)
{
    char *e;
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    e = p + strlen(p);
    while (e > p && (e[-1] == ' ' || e[-1] == '\t')) {
        *--e = '\0';
    }
    return p;
}

SkResult
kw_stream_size_setup(Signature *s, const char *arg, char *err)
{
    static const char *const sides[] = {"server", "client", "both", "either"};
    static const char *const ops[] = {"<=", ">=", "!=", "<", ">", "="};
    char buf[128], *side, *op, *num, *save = NULL;
    char expr[96];
    StreamSize *ss;
    int si = -1;

    if (strlen(arg) >= sizeof(buf)) {
        return detect_err(err, "stream_size: value too long");
    }
    memcpy(buf, arg, strlen(arg) + 1);
    side = strtok_r(buf, ",", &save);
    op = strtok_r(NULL, ",", &save);
    num = strtok_r(NULL, ",", &save);
    if (side == NULL || op == NULL || num == NULL || strtok_r(NULL, ",", &save) != NULL) {
        return detect_err(err, "stream_size: \"%.60s\" is not <side>,<modifier>,<bytes>", arg);
    }
    side = trim(side);
    op = trim(op);
    num = trim(num);
    for (int i = 0; i < 4; i++) {
        if (strcmp(side, sides[i]) == 0) {
            si = i;
        }
    }
    if (si < 0) {
        return detect_err(err, "stream_size: invalid stream identifier: %.40s", side);
    }
    bool known = false;
    for (int i = 0; i < 6; i++) {
        known |= strcmp(op, ops[i]) == 0;
    }
    if (!known) {
        return detect_err(err, "stream_size: invalid modifier: %.10s", op);
    }
    snprintf(expr, sizeof(expr), "%s%s", op, num);
    ss = calloc(1, sizeof(*ss));
    if (ss == NULL) {
        return detect_nomem(err);
    }
    ss->side = (uint8_t)si;
    if (!detect_uint_parse(expr, UINT32_MAX, &ss->cmp, err)) {
        free(ss);
        return SK_ERR_CONFIG;
    }
    return sig_match_append(s, DETECT_LIST_MATCH, DETECT_KW_STREAM_SIZE, &stream_size_ops, ss, err);
}
