/* tag.c: the tag keyword, "tag:session" and "tag:host[,count,metric[,src|dst]]". A rule that
 * matches tags its packet and what follows: the rest of its flow (session), or every packet
 * to or from one of its addresses (host), for a number of packets or bytes, or seconds. The
 * tagging packet counts towards the number; the packets after it are the tagged ones, which
 * the alert logger writes as "packet" records when alert's tagged-packets is on.
 *
 * A session tag lives with the flow's other detection state (flowbits.c); host tags in a
 * per-worker direct-mapped table of DETECT_TAG_HOSTS entries (a new address evicts the
 * slot's: bounded memory, and under a flood of tagged hosts the older ones end early). With
 * several workers a host tag is seen by the worker that set it, for the flows it owns. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/hash.h"
#include "detect/detect_int.h"

#define TAG_DEFAULT_COUNT 256

typedef struct {
    bool host;
    bool src; /* host: the alerting packet's source (else its destination) */
    uint8_t metric;
    uint32_t count;
} DetectTag;

static void
tag_start(DetectTagState *st, const DetectTag *t, const Packet *p)
{
    st->metric = t->metric;
    st->until = 0;
    st->left = 0;
    switch (t->metric) {
    case DETECT_TAG_PACKETS:
        st->left = t->count > 0 ? t->count - 1u : 0; /* this packet is the first */
        break;
    case DETECT_TAG_BYTES:
        st->left = t->count > p->len ? t->count - p->len : 0;
        break;
    default:
        st->until = p->ts + SK_TIME_FROM_SEC(t->count);
        break;
    }
    if (st->metric != DETECT_TAG_SECONDS && st->left == 0) {
        st->metric = 0;
    }
}

/* One packet against an active tag: is it tagged, and what is left after it. */
static bool
tag_take(DetectTagState *st, const Packet *p)
{
    switch (st->metric) {
    case DETECT_TAG_PACKETS:
        if (--st->left == 0) {
            st->metric = 0;
        }
        return true;
    case DETECT_TAG_BYTES:
        st->left = st->left > p->len ? st->left - p->len : 0;
        if (st->left == 0) {
            st->metric = 0;
        }
        return true;
    case DETECT_TAG_SECONDS:
        if (p->ts < st->until) {
            return true;
        }
        st->metric = 0;
        return false;
    default:
        return false;
    }
}

/* The slot of an address: hashed with the table's own address as the seed (randomised per
 * run), so a sender cannot pick addresses that evict a given host's tag. */
static uint32_t
host_slot(const DetectThread *dt, const SkAddr *a, uint8_t ip_ver)
{
    uint64_t seed = (uint64_t)(uintptr_t)dt->tag_hosts;
    uint64_t h = hash_mum(hash_load64(a) ^ seed, hash_load64((const uint8_t *)a + 8) ^ ip_ver);
    return (uint32_t)(hash_splitmix64(h) % DETECT_TAG_HOSTS);
}

static DetectTagHost *
host_find(DetectThread *dt, const SkAddr *a, uint8_t ip_ver)
{
    if (dt->tag_hosts == NULL) {
        return NULL;
    }
    DetectTagHost *h = &dt->tag_hosts[host_slot(dt, a, ip_ver)];
    return h->st.metric != 0 && h->ip_ver == ip_ver && memcmp(&h->ip, a, sizeof(*a)) == 0 ? h
                                                                                          : NULL;
}

bool
detect_tag_packet(DetectThread *dt, const Packet *p)
{
    bool tagged = false;
    if (p->flags & PKT_F_PSEUDO) {
        return false;
    }
    DetectTagState *st = p->flow != NULL ? detect_flow_tag(dt, p->flow, false) : NULL;
    if (st != NULL && st->metric != 0) {
        tagged |= tag_take(st, p);
    }
    if (dt->tag_hosts != NULL && p->ip_ver != 0) {
        DetectTagHost *h = host_find(dt, &p->src, p->ip_ver);
        if (h != NULL) {
            tagged |= tag_take(&h->st, p);
        }
        h = host_find(dt, &p->dst, p->ip_ver);
        if (h != NULL) {
            tagged |= tag_take(&h->st, p);
        }
    }
    return tagged;
}

static void
tag_postmatch(DetectThread *dt, Packet *p, const Signature *s, const void *ctx)
{
    const DetectTag *t = ctx;
    (void)s;
    if (p->flags & PKT_F_PSEUDO) {
        return;
    }
    if (!t->host) {
        DetectTagState *st = p->flow != NULL ? detect_flow_tag(dt, p->flow, true) : NULL;
        if (st != NULL) {
            tag_start(st, t, p);
        }
        return;
    }
    if (p->ip_ver == 0) {
        return;
    }
    if (dt->tag_hosts == NULL
        && (dt->tag_hosts = calloc(DETECT_TAG_HOSTS, sizeof(*dt->tag_hosts))) == NULL) {
        return; /* no memory: the tag is lost, as a host table at its memcap */
    }
    const SkAddr *a = t->src ? &p->src : &p->dst;
    DetectTagHost *h = &dt->tag_hosts[host_slot(dt, a, p->ip_ver)];
    h->ip = *a;
    h->ip_ver = p->ip_ver;
    tag_start(&h->st, t, p);
}

static void
tag_describe(JsonBuf *jb, const void *ctx)
{
    const DetectTag *t = ctx;
    json_str(jb, "type", t->host ? "host" : "session");
    json_u64(jb, "count", t->count);
}

static const DetectSmOps tag_ops = {.postmatch = tag_postmatch, .describe = tag_describe};

/* The value's comma-separated fields, blanks trimmed, into f (at most max); their number. */
static unsigned
split(char *v, char **f, unsigned max)
{
    unsigned n = 0;
    for (char *tok = strtok(v, ","); tok != NULL; tok = strtok(NULL, ",")) {
        while (*tok == ' ' || *tok == '\t') {
            tok++;
        }
        char *e = tok + strlen(tok);
        while (e > tok && (e[-1] == ' ' || e[-1] == '\t')) {
            *--e = '\0';
        }
        if (n == max) {
            return max + 1;
        }
        f[n++] = tok;
    }
    return n;
}

SkResult
kw_tag_setup(Signature *s, const char *arg, char *err)
{
    char buf[128];
    char *f[4];
    DetectTag t = {.metric = DETECT_TAG_PACKETS, .count = TAG_DEFAULT_COUNT};

    if (strlen(arg) >= sizeof(buf)) {
        return detect_err(err, "invalid tag option: '%.60s'", arg);
    }
    memcpy(buf, arg, strlen(arg) + 1);
    unsigned n = split(buf, f, 4);
    if (n == 0 || n == 2 || n > 4) {
        return detect_err(err, "invalid tag option: '%.60s'", arg);
    }
    if (strcasecmp(f[0], "host") == 0) {
        t.host = true;
    } else if (strcasecmp(f[0], "session") != 0) {
        return detect_err(err, "Invalid argument type. Must be session or host (%.60s)", f[0]);
    }
    if (n >= 3) {
        char *end;
        unsigned long c = strtoul(f[1], &end, 10);
        if (*f[1] == '\0' || *end != '\0' || c > UINT32_MAX) {
            return detect_err(err, "Invalid argument for count: '%.60s'", f[1]);
        }
        t.count = (uint32_t)c;
        if (strcasecmp(f[2], "packets") == 0) {
            t.metric = DETECT_TAG_PACKETS;
        } else if (strcasecmp(f[2], "bytes") == 0) {
            t.metric = DETECT_TAG_BYTES;
        } else if (strcasecmp(f[2], "seconds") == 0) {
            t.metric = DETECT_TAG_SECONDS;
        } else {
            return detect_err(err, "Invalid argument metric: '%.60s'", f[2]);
        }
    }
    if (n == 4) {
        if (!t.host) {
            return detect_err(err, "Argument direction doesn't make sense for type \"session\"");
        }
        if (strcasecmp(f[3], "src") == 0) {
            t.src = true;
        } else if (strcasecmp(f[3], "dst") != 0) {
            return detect_err(err, "Invalid argument direction: '%.60s'", f[3]);
        }
    }
    DetectTag *ctx = malloc(sizeof(*ctx));
    if (ctx == NULL) {
        return detect_nomem(err);
    }
    *ctx = t;
    return sig_match_append(s, DETECT_LIST_POSTMATCH, DETECT_KW_TAG, &tag_ops, ctx, err);
}
