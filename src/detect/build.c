/* build.c: loaded rules to a DetectEngine. In order: the classification file gives each rule
 * its category and default priority; rules are put in Suricata's evaluation order (action,
 * flowbits setters before their readers, priority, load order); each rule's fast pattern is
 * chosen; rules are grouped (group.h) and each group's fast patterns compiled into a Vectorscan
 * database, or read back from the on-disk cache (detect.sgh-mpm-caching-path) when the same
 * patterns were compiled before by the same Vectorscan on the same CPU features. Everything
 * built here is read-only afterwards and shared by every worker. */
#include "detect/group.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"

/* A destination port set bigger than this is "wide" (group.h). */
#define WIDE_PORTS 32768u

/* classification.config and reference.config: classification.c. */

/* ---- order ---- */

/* The rank of a rule's action in action-order (order_rank's index: pass, drop, reject,
 * alert). */
static int
action_rank(const uint8_t *order_rank, SigAction a)
{
    switch (a) {
    case SIG_ACT_PASS:
        return order_rank[0];
    case SIG_ACT_DROP:
        return order_rank[1];
    case SIG_ACT_REJECT:
    case SIG_ACT_REJECTSRC:
    case SIG_ACT_REJECTDST:
    case SIG_ACT_REJECTBOTH:
        return order_rank[2];
    case SIG_ACT_ALERT:
        return order_rank[3];
    }
    return order_rank[3];
}

static DetectAction
action_public(SigAction a)
{
    switch (a) {
    case SIG_ACT_PASS:
        return DETECT_ACT_PASS;
    case SIG_ACT_DROP:
        return DETECT_ACT_DROP;
    case SIG_ACT_REJECT:
        return DETECT_ACT_REJECT;
    case SIG_ACT_REJECTSRC:
        return DETECT_ACT_REJECTSRC;
    case SIG_ACT_REJECTDST:
        return DETECT_ACT_REJECTDST;
    case SIG_ACT_REJECTBOTH:
        return DETECT_ACT_REJECTBOTH;
    case SIG_ACT_ALERT:
        return DETECT_ACT_ALERT;
    }
    return DETECT_ACT_ALERT;
}

/* Rules that set flow state (a postmatch list) go before those that only read it, so a set
 * and an isset met by the same packet see each other in the order Suricata gives them. */
static int
sig_sets_state(const Signature *s)
{
    return s->lists[DETECT_LIST_POSTMATCH].cnt > 0 ? 0 : 1;
}

static int
sig_order_cmp(const void *a, const void *b, void *rank)
{
    const Signature *x = *(Signature *const *)a, *y = *(Signature *const *)b;
    int d = action_rank(rank, x->action) - action_rank(rank, y->action);
    if (d == 0) {
        d = sig_sets_state(x) - sig_sets_state(y);
    }
    if (d == 0) {
        d = x->priority - y->priority;
    }
    if (d == 0) {
        d = x->num < y->num ? -1 : x->num > y->num;
    }
    return d;
}

/* ---- per rule: class membership, ports, fast pattern ---- */

static bool
range_set_all(const RangeSet *rs, uint64_t max)
{
    return rs->cnt == 1 && rs->r[0].lo.hi == 0 && rs->r[0].lo.lo == 0 && rs->r[0].hi.hi == 0
           && rs->r[0].hi.lo == max;
}

/* The ports of a rule a packet's destination port is looked up by: dp, and sp too for "<>"
 * (the rule applies the other way round). Counts the ports covered. */
static uint32_t
ports_covered(const Signature *s)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->dp.set.cnt; i++) {
        n += (uint32_t)(s->dp.set.r[i].hi.lo - s->dp.set.r[i].lo.lo + 1);
    }
    if (s->flags & SIG_F_BIDIR) {
        for (uint32_t i = 0; i < s->sp.set.cnt; i++) {
            n += (uint32_t)(s->sp.set.r[i].hi.lo - s->sp.set.r[i].lo.lo + 1);
        }
    }
    return n;
}

/* Which classes a rule can match in. App-layer protocol rules match nothing until the app
 * layer exists, so they are in no group (they load, as Suricata's would). */
static unsigned
sig_classes(const Signature *s)
{
    if (s->flags & SIG_F_TX) {
        return 0; /* the transaction pass runs it, not a packet group */
    }
    switch (s->proto) {
    case SIG_PROTO_IP:
        return (1u << DG_CLASS_MAX) - 1;
    case SIG_PROTO_TCP:
    case SIG_PROTO_TCP_PKT:
    case SIG_PROTO_TCP_STREAM:
        return 1u << DG_TCP;
    case SIG_PROTO_UDP:
        return 1u << DG_UDP;
    case SIG_PROTO_SCTP:
        return 1u << DG_SCTP;
    case SIG_PROTO_ICMP:
        return 1u << DG_ICMP4 | 1u << DG_ICMP6;
    case SIG_PROTO_ICMPV4:
        return 1u << DG_ICMP4;
    case SIG_PROTO_ICMPV6:
        return 1u << DG_ICMP6;
    case SIG_PROTO_APP: {
        /* "alert http ... content": the packets of the protocol's transports (the flow's
         * protocol is checked per packet); a protocol sekimori does not parse matches none. */
        const AlParser *ap = s->app_alproto > 0 ? applayer_parser((unsigned)s->app_alproto) : NULL;
        if (ap == NULL) {
            return 0;
        }
        return ((ap->ipprotos & AL_IPPROTO_TCP) ? 1u << DG_TCP : 0)
               | ((ap->ipprotos & AL_IPPROTO_UDP) ? 1u << DG_UDP : 0);
    }
    case SIG_PROTO_IPV4:
        return ((1u << DG_CLASS_MAX) - 1) & ~(1u << DG_NON_IP | 1u << DG_ICMP6);
    case SIG_PROTO_IPV6:
        return ((1u << DG_CLASS_MAX) - 1) & ~(1u << DG_NON_IP | 1u << DG_ICMP4);
    }
    return 0;
}

/* The directions a rule's flow keyword allows (bits 1 << FLOW_DIR_*): both without one. */
static uint8_t
sig_flow_dirs(const Signature *s)
{
    if (s->flow_flags & SIG_FLOW_TOSERVER) {
        return 1u << FLOW_DIR_TOSERVER;
    }
    if (s->flow_flags & SIG_FLOW_TOCLIENT) {
        return 1u << FLOW_DIR_TOCLIENT;
    }
    return 1u << FLOW_DIR_TOSERVER | 1u << FLOW_DIR_TOCLIENT;
}

/* A rule with a transaction buffer (applayer/buffers.def) or a transaction keyword is an
 * app-layer rule: SIG_F_TX, the protocol its transactions must be (the header's, "alert dns",
 * or the buffer's, "alert udp ... dns.query") and the directions it is inspected in. A rule
 * with request and response buffers (http.uri with http.stat_code) runs once the response is
 * there, toclient, reading the request's buffers of the same transaction; a rule whose buffers
 * all exist both ways (http.header) runs in the directions its flow keyword allows. */
static void
sig_tx_setup(Signature *s)
{
    s->app_alproto = -1;
    if (s->proto == SIG_PROTO_APP) {
        s->app_alproto = (int16_t)applayer_proto_lookup(s->app_proto, strlen(s->app_proto));
    }
    int alproto = s->txkw_alproto > 0 ? s->txkw_alproto : s->txkw_alproto < 0 ? -2 : -1;
    uint8_t fixed = 0, both = s->txkw_dirs == 3 ? 3 : 0;
    bool any = s->lists[DETECT_LIST_TXMATCH].cnt > 0;
    if (s->txkw_dirs == 1 || s->txkw_dirs == 2) {
        fixed |= s->txkw_dirs;
    }
    for (unsigned l = DETECT_LIST_FIRST_BUFFER; l < DETECT_LIST_MAX; l++) {
        const DetectBuffer *b = &detect_buffers[l];
        if (s->lists[l].cnt == 0 || !(b->flags & DETECT_BUF_TX)) {
            continue;
        }
        any = true;
        if (b->dir == AL_DIR_BOTH) {
            both = 3;
        } else {
            fixed |= (uint8_t)(1u << b->dir);
        }
        alproto = alproto == -1 || alproto == b->alproto ? b->alproto : -2;
    }
    if (!any) {
        return;
    }
    s->flags |= SIG_F_TX;
    if (fixed & (1u << FLOW_DIR_TOCLIENT)) {
        s->tx_dirs = 1u << FLOW_DIR_TOCLIENT;
    } else if (fixed != 0) {
        s->tx_dirs = 1u << FLOW_DIR_TOSERVER;
    } else {
        s->tx_dirs = (uint8_t)(both & sig_flow_dirs(s));
    }
    if (s->proto == SIG_PROTO_APP) {
        int hdr = applayer_proto_lookup(s->app_proto, strlen(s->app_proto));
        if (alproto == -1) {
            alproto = hdr; /* only keywords of no protocol: the header's */
        } else if (hdr != alproto) {
            alproto = -1;
        }
    }
    s->tx_alproto = (int16_t)(alproto < 0 ? -1 : alproto);
}

/* IP-only, as Suricata: a rule on addresses alone (no keyword that looks at a packet, no
 * ports), inspected once per flow and direction. */
static bool
sig_is_iponly(const Signature *s)
{
    for (int l = 0; l < DETECT_LIST_MAX; l++) {
        if (l != DETECT_LIST_POSTMATCH && s->lists[l].cnt > 0) {
            return false;
        }
    }
    /* A threshold does not make a rule less IP-only: Suricata keeps such rules in its IP-only
     * engine (ET's CINS and compromised-host lists are thresholded IP-only rules). */
    return (s->proto == SIG_PROTO_IP || s->proto == SIG_PROTO_TCP || s->proto == SIG_PROTO_UDP
            || s->proto == SIG_PROTO_ICMP || s->proto == SIG_PROTO_SCTP)
           && range_set_all(&s->sp.set, 65535) && range_set_all(&s->dp.set, 65535);
}

/* Keywords that test the flow's state rather than the packet: they let a rule run on the
 * reassembled stream. Any other packet test (flags, ttl, dsize, ...) ties it to packets. */
static bool
kw_is_flow_state(DetectKeywordId kw)
{
    return kw == DETECT_KW_FLOW || kw == DETECT_KW_FLOWBITS || kw == DETECT_KW_FLOWINT
           || kw == DETECT_KW_XBITS;
}

/* What a rule's payload is matched on, as Suricata 8.0.7 decides it (checked on captures):
 * a rule with a packet test or a header buffer, dsize, tcp-pkt or flow:no_stream: packets only;
 * tcp-stream or flow:only_stream: the stream only; a pkt_data content anchored with depth,
 * offset or startswith: both; any other payload rule: the stream only (on TCP sessions that
 * reassemble; elsewhere, and for UDP, the packet's payload is all there is). */
static uint8_t
sig_inspect_kind(const Signature *s)
{
    const SigMatchList *m = &s->lists[DETECT_LIST_MATCH], *pm = &s->lists[DETECT_LIST_PMATCH];
    bool anchored = false, payload = false;

    if (s->proto == SIG_PROTO_TCP_PKT || (s->flow_flags & SIG_FLOW_NO_STREAM)) {
        return SIG_INSP_PKT;
    }
    for (uint32_t i = 0; i < m->cnt; i++) {
        if (!kw_is_flow_state(m->sm[i].kw)) {
            return SIG_INSP_PKT;
        }
    }
    for (unsigned l = DETECT_LIST_FIRST_BUFFER; l < DETECT_LIST_MAX; l++) {
        if (s->lists[l].cnt > 0 && l != DETECT_LIST_PMATCH && !detect_buffer_is_stream(l)) {
            return SIG_INSP_PKT; /* a header buffer */
        }
        payload |= s->lists[l].cnt > 0;
    }
    if (s->proto == SIG_PROTO_TCP_STREAM || (s->flow_flags & SIG_FLOW_ONLY_STREAM)) {
        return SIG_INSP_STREAM;
    }
    if (!payload) {
        return SIG_INSP_PKT;
    }
    for (uint32_t i = 0; i < pm->cnt; i++) {
        if (pm->sm[i].kw == DETECT_KW_CONTENT) {
            const DetectContent *c = pm->sm[i].ctx;
            anchored |=
                (c->flags
                 & (DETECT_CONTENT_DEPTH | DETECT_CONTENT_OFFSET | DETECT_CONTENT_STARTSWITH))
                != 0;
        }
    }
    return anchored ? SIG_INSP_PKT | SIG_INSP_STREAM : SIG_INSP_STREAM;
}

/* The fast pattern of a rule: the content marked fast_pattern, else the longest plain
 * (non-negated) content of pkt_data; its chop when given. NULL: no prefilter. */
static const DetectContent *
sig_fast_pattern_in(const Signature *s, unsigned list, const uint8_t **pat, uint16_t *len)
{
    const SigMatchList *l = &s->lists[list];
    const DetectContent *best = NULL;
    for (uint32_t i = 0; i < l->cnt; i++) {
        const DetectContent *c;
        if (l->sm[i].kw != DETECT_KW_CONTENT) {
            continue;
        }
        c = l->sm[i].ctx;
        if (c->flags & DETECT_CONTENT_NEGATED) {
            continue;
        }
        if (c->flags & DETECT_CONTENT_FAST_PATTERN) {
            best = c;
            break;
        }
        if (best == NULL || c->len > best->len) {
            best = c;
        }
    }
    if (best == NULL) {
        return NULL;
    }
    *pat = best->pat;
    *len = best->len;
    if ((best->flags & DETECT_CONTENT_FP_CHOP) && best->fp_chop_len > 0
        && (uint32_t)best->fp_chop_off + best->fp_chop_len <= best->len) {
        *pat = best->pat + best->fp_chop_off;
        *len = best->fp_chop_len;
    }
    return best;
}

static const DetectContent *
sig_fast_pattern(const Signature *s, const uint8_t **pat, uint16_t *len)
{
    return sig_fast_pattern_in(s, DETECT_LIST_PMATCH, pat, len);
}

/* ---- Vectorscan databases, and their cache ---- */

typedef struct {
    const uint8_t *pat;
    uint16_t len;
    bool nocase;
    uint32_t rule;
} PfEntry;

static int
pf_entry_cmp(const void *a, const void *b)
{
    const PfEntry *x = a, *y = b;
    int d = (int)x->nocase - (int)y->nocase;
    if (d == 0) {
        d = (int)x->len - (int)y->len;
    }
    if (d == 0) {
        d = memcmp(x->pat, y->pat, x->len);
    }
    if (d == 0) {
        d = x->rule < y->rule ? -1 : x->rule > y->rule;
    }
    return d;
}

static bool
pf_entry_same(const PfEntry *x, const PfEntry *y)
{
    return x->nocase == y->nocase && x->len == y->len && memcmp(x->pat, y->pat, x->len) == 0;
}

/* FNV-1a, twice with different offsets: a 128-bit name for a pattern set's cache file. */
static void
hash_bytes(uint64_t h[2], const void *data, size_t n)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < n; i++) {
        h[0] = (h[0] ^ p[i]) * 0x100000001b3ull;
        h[1] = (h[1] ^ p[i]) * 0x100000001b3ull;
        h[1] ^= h[1] >> 29;
    }
}

static bool
mkdirs(const char *dir)
{
    char buf[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof(buf)) {
        return false;
    }
    memcpy(buf, dir, n + 1);
    for (char *p = buf + 1; *p != '\0'; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
                return false;
            }
            *p = '/';
        }
    }
    return mkdir(buf, 0755) == 0 || errno == EEXIST;
}

static hs_database_t *
cache_read(const char *path)
{
    struct stat st;
    char *buf;
    hs_database_t *db = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return NULL;
    }
    if (fstat(fd, &st) != 0 || st.st_size <= 0 || st.st_size > (1 << 30)
        || (buf = malloc((size_t)st.st_size)) == NULL) {
        close(fd);
        return NULL;
    }
    if (read(fd, buf, (size_t)st.st_size) == st.st_size
        && hs_deserialize_database(buf, (size_t)st.st_size, &db) != HS_SUCCESS) {
        db = NULL;
    }
    free(buf);
    close(fd);
    return db;
}

/* Written to a temporary name and renamed, so a reader never sees half a file. A failure is
 * one warning per engine build: the engine works without its cache. */
static void
cache_write(const char *dir, const char *path, const hs_database_t *db, bool *warned)
{
    char *bytes = NULL, tmp[4200];
    size_t n = 0;
    int fd;
    if (hs_serialize_database(db, &bytes, &n) != HS_SUCCESS) {
        return;
    }
    snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
    if (!mkdirs(dir) || (fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
        if (!*warned) {
            log_warn("detect: sgh-mpm-caching-path %s: %s; compiled patterns not cached", dir,
                     strerror(errno));
            *warned = true;
        }
        free(bytes);
        return;
    }
    if (write(fd, bytes, n) != (ssize_t)n || close(fd) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
    }
    free(bytes);
}

typedef struct {
    const DetectConfig *cfg;
    struct DetectGroups *gs;
    bool cache_warned;
    char platform[64];
} BuildCtx;

/* Compiles (or reads back) one group's database from its entries. */
static SkResult
pf_build(BuildCtx *bc, DetectPrefilter *pf, PfEntry *e, uint32_t n)
{
    const char **pats = NULL;
    unsigned *flags = NULL, *ids = NULL;
    size_t *lens = NULL;
    hs_compile_error_t *cerr = NULL;
    uint64_t h[2] = {0xcbf29ce484222325ull, 0x84222325cbf29ce4ull};
    char path[4200];
    SkResult r = SK_ERR_NOMEM;
    uint32_t np = 0;

    if (n == 0) {
        return SK_OK;
    }
    qsort(e, n, sizeof(*e), pf_entry_cmp);
    pf->rules = malloc(n * sizeof(*pf->rules));
    pf->pat_first = malloc((n + 1) * sizeof(*pf->pat_first));
    pats = malloc(n * sizeof(*pats));
    lens = malloc(n * sizeof(*lens));
    flags = malloc(n * sizeof(*flags));
    ids = malloc(n * sizeof(*ids));
    if (pf->rules == NULL || pf->pat_first == NULL || pats == NULL || lens == NULL || flags == NULL
        || ids == NULL) {
        goto out;
    }
    for (uint32_t i = 0; i < n; i++) {
        pf->rules[i] = e[i].rule;
        if (i == 0 || e[i].nocase != e[i - 1].nocase || e[i].len != e[i - 1].len
            || memcmp(e[i].pat, e[i - 1].pat, e[i].len) != 0) {
            pf->pat_first[np] = i;
            pats[np] = (const char *)e[i].pat;
            lens[np] = e[i].len;
            flags[np] = HS_FLAG_SINGLEMATCH | (e[i].nocase ? HS_FLAG_CASELESS : 0);
            ids[np] = np;
            hash_bytes(h, &e[i].len, sizeof(e[i].len));
            hash_bytes(h, &flags[np], sizeof(flags[np]));
            hash_bytes(h, e[i].pat, e[i].len);
            np++;
        }
    }
    pf->pat_first[np] = n;
    pf->pat_cnt = np;
    hash_bytes(h, bc->platform, strlen(bc->platform));

    path[0] = '\0';
    if (bc->cfg->mpm_cache && bc->cfg->mpm_cache_dir != NULL && bc->cfg->mpm_cache_dir[0]) {
        snprintf(path, sizeof(path), "%s/sk-%016llx%016llx.hs", bc->cfg->mpm_cache_dir,
                 (unsigned long long)h[0], (unsigned long long)h[1]);
        pf->db = cache_read(path);
    }
    if (pf->db != NULL) {
        bc->gs->db_cached++;
    } else {
        if (hs_compile_lit_multi(pats, flags, ids, lens, np, HS_MODE_BLOCK, NULL, &pf->db, &cerr)
            != HS_SUCCESS) {
            log_error("detect: Vectorscan could not compile %u fast patterns: %s", np,
                      cerr != NULL ? cerr->message : "?");
            hs_free_compile_error(cerr);
            r = SK_ERR_CONFIG;
            goto out;
        }
        if (path[0] != '\0') {
            cache_write(bc->cfg->mpm_cache_dir, path, pf->db, &bc->cache_warned);
        }
    }
    log_debug("detect: database of %u fast patterns (%u rules)", np, n);
    if (hs_alloc_scratch(pf->db, &bc->gs->scratch) != HS_SUCCESS) {
        goto out;
    }
    bc->gs->db_cnt++;
    r = SK_OK;
out:
    free(pats);
    free(lens);
    free(flags);
    free(ids);
    return r;
}

/* One group from a list of rule numbers (ascending). */
static SkResult
group_build(BuildCtx *bc, DetectEngine *de, DetectGroup *g, const uint32_t *rules, uint32_t n)
{
    PfEntry *e = n > 0 ? malloc(n * sizeof(*e)) : NULL;
    uint32_t ne = 0;
    SkResult r;

    g->always = n > 0 ? malloc(n * sizeof(*g->always)) : NULL;
    if (n > 0 && (e == NULL || g->always == NULL)) {
        free(e);
        return SK_ERR_NOMEM;
    }
    g->rule_cnt = n;
    for (uint32_t i = 0; i < n; i++) {
        const Signature *s = de->sigs[rules[i]];
        const uint8_t *pat;
        uint16_t len;
        const DetectContent *c = sig_fast_pattern_in(s, g->fp_list, &pat, &len);
        /* Vectorscan 5.4's literal API takes a pattern starting with NUL for an empty one: the
         * rest of the pattern is prefiltered instead (a buffer holding the whole holds the
         * rest; the rule's own inspection checks the whole). Nothing left: no prefilter. */
        while (c != NULL && len > 0 && pat[0] == 0) {
            pat++;
            len--;
        }
        if (c != NULL && len == 0) {
            c = NULL;
        }
        if (c != NULL) {
            e[ne++] = (PfEntry){.pat = pat,
                                .len = len,
                                .nocase = (c->flags & DETECT_CONTENT_NOCASE) != 0,
                                .rule = rules[i]};
        } else {
            g->always[g->always_cnt++] = rules[i];
        }
    }
    /* Exact patterns first, caseless after them, then in chunks of DETECT_PF_CHUNK (group.h):
     * qsort puts equal patterns side by side, so a pattern never straddles two chunks. */
    if (ne > 1) {
        qsort(e, ne, sizeof(*e), pf_entry_cmp);
    }
    r = SK_OK;
    g->pf_cnt = 0;
    g->pf = calloc(ne / DETECT_PF_CHUNK + 2, sizeof(*g->pf));
    if (g->pf == NULL) {
        r = SK_ERR_NOMEM;
    }
    for (uint32_t at = 0, np = 0; r == SK_OK && at < ne;) {
        uint32_t end = at;
        np = 0;
        while (end < ne && np < DETECT_PF_CHUNK) {
            uint32_t k = end + 1;
            while (k < ne && pf_entry_same(&e[k], &e[end])) {
                k++;
            }
            end = k;
            np++;
        }
        r = pf_build(bc, &g->pf[g->pf_cnt++], e + at, end - at);
        at = end;
    }
    free(e);
    return r;
}

static SkResult
groups_add(struct DetectGroups *gs, uint32_t *idx)
{
    DetectGroup *n = realloc(gs->g, (gs->cnt + 1) * sizeof(*n));
    if (n == NULL) {
        return SK_ERR_NOMEM;
    }
    gs->g = n;
    memset(&gs->g[gs->cnt], 0, sizeof(gs->g[gs->cnt]));
    gs->g[gs->cnt].fp_list = DETECT_LIST_PMATCH;
    *idx = gs->cnt++;
    return SK_OK;
}

static bool
sig_has_port(const Signature *s, uint16_t port)
{
    return detect_ports_has(&s->dp, port)
           || ((s->flags & SIG_F_BIDIR) && detect_ports_has(&s->sp, port));
}

typedef struct {
    uint32_t cnt;
    uint16_t port;
} PortCount;

static int
port_count_cmp(const void *a, const void *b)
{
    const PortCount *x = a, *y = b;
    if (x->cnt != y->cnt) {
        return x->cnt > y->cnt ? -1 : 1;
    }
    return (int)x->port - (int)y->port;
}

/* One protocol class: its wide group, and for port classes the narrow groups. */
static SkResult
class_build(BuildCtx *bc, DetectEngine *de, unsigned cls, const uint8_t *iponly)
{
    struct DetectGroups *gs = de->groups;
    uint32_t *wide = malloc((de->sig_cnt + 1) * sizeof(*wide));
    uint32_t *narrow = malloc((de->sig_cnt + 1) * sizeof(*narrow));
    uint32_t *list = malloc((de->sig_cnt + 1) * sizeof(*list));
    uint32_t nw = 0, nn = 0;
    PortCount *pc = NULL;
    SkResult r = SK_ERR_NOMEM;

    if (wide == NULL || narrow == NULL || list == NULL) {
        goto out;
    }
    for (uint32_t i = 0; i < de->sig_cnt; i++) {
        const Signature *s = de->sigs[i];
        if (iponly[i] || !(sig_classes(s) & (1u << cls))) {
            continue;
        }
        if (cls < DG_PORT_CLASSES && ports_covered(s) <= WIDE_PORTS) {
            narrow[nn++] = i;
        } else {
            wide[nw++] = i;
        }
    }
    if ((r = groups_add(gs, &gs->wide[cls])) != SK_OK
        || (r = group_build(bc, de, &gs->g[gs->wide[cls]], wide, nw)) != SK_OK) {
        goto out;
    }
    if (cls >= DG_PORT_CLASSES) {
        goto out;
    }
    r = SK_ERR_NOMEM;
    gs->port_group[cls] = malloc(65536 * sizeof(uint16_t));
    pc = calloc(65536, sizeof(*pc));
    if (gs->port_group[cls] == NULL || pc == NULL) {
        goto out;
    }
    for (uint32_t p = 0; p < 65536; p++) {
        gs->port_group[cls][p] = UINT16_MAX;
        pc[p].port = (uint16_t)p;
    }
    r = SK_OK;
    if (nn == 0) {
        goto out;
    }
    for (uint32_t k = 0; k < nn; k++) {
        const Signature *s = de->sigs[narrow[k]];
        for (int side = 0; side < 2; side++) {
            const RangeSet *rs = side == 0 ? &s->dp.set : &s->sp.set;
            if (side == 1 && !(s->flags & SIG_F_BIDIR)) {
                break;
            }
            for (uint32_t j = 0; j < rs->cnt; j++) {
                for (uint64_t p = rs->r[j].lo.lo; p <= rs->r[j].hi.lo; p++) {
                    pc[p].cnt++;
                }
            }
        }
    }
    qsort(pc, 65536, sizeof(*pc), port_count_cmp);
    /* The busiest ports get their own narrow group; every other port shares one. */
    for (uint32_t k = 0; k < DETECT_PORT_GROUPS && pc[k].cnt > 0; k++) {
        uint32_t gi, n = 0;
        for (uint32_t j = 0; j < nn; j++) {
            if (sig_has_port(de->sigs[narrow[j]], pc[k].port)) {
                list[n++] = narrow[j];
            }
        }
        if ((r = groups_add(gs, &gi)) != SK_OK
            || (r = group_build(bc, de, &gs->g[gi], list, n)) != SK_OK) {
            goto out;
        }
        gs->port_group[cls][pc[k].port] = (uint16_t)gi;
    }
    if (pc[DETECT_PORT_GROUPS].cnt > 0) {
        uint32_t gi, n = 0;
        for (uint32_t j = 0; j < nn; j++) {
            const Signature *s = de->sigs[narrow[j]];
            bool other = false;
            for (uint32_t k = DETECT_PORT_GROUPS; k < 65536 && pc[k].cnt > 0 && !other; k++) {
                other = sig_has_port(s, pc[k].port);
            }
            if (other) {
                list[n++] = narrow[j];
            }
        }
        if ((r = groups_add(gs, &gi)) != SK_OK
            || (r = group_build(bc, de, &gs->g[gi], list, n)) != SK_OK) {
            goto out;
        }
        for (uint32_t k = DETECT_PORT_GROUPS; k < 65536 && pc[k].cnt > 0; k++) {
            gs->port_group[cls][pc[k].port] = (uint16_t)gi;
        }
    }
out:
    free(pc);
    free(wide);
    free(narrow);
    free(list);
    return r;
}

/* The transaction buffer a tx rule is prefiltered on, as Suricata picks its fast pattern: the
 * buffer of the content marked fast_pattern, else of the longest plain content (a transformed
 * buffer holds other bytes than the ones scanned: not those); -1 when none. */
static int
tx_fp_list(const Signature *ts)
{
    int best = -1;
    uint16_t best_len = 0;
    for (unsigned l = DETECT_LIST_FIRST_BUFFER; l < DETECT_LIST_MAX; l++) {
        const uint8_t *pat;
        uint16_t len;
        const DetectContent *c;
        if (!(detect_buffers[l].flags & DETECT_BUF_TX) || ts->lists[l].cnt == 0
            || ts->lists[l].xform_cnt != 0
            || (c = sig_fast_pattern_in(ts, l, &pat, &len)) == NULL) {
            continue;
        }
        if (c->flags & DETECT_CONTENT_FAST_PATTERN) {
            return (int)l;
        }
        if (best < 0 || len > best_len) {
            best = (int)l;
            best_len = len;
        }
    }
    return best;
}

/* Transaction rules: one group per transaction buffer whose fast patterns prefilter them
 * (a rule goes to the group of its fast pattern's buffer, tx_fp_list), the rest on
 * tx_always. The tx pass scans each instance of a buffer (each question of a DNS request). */
static SkResult
tx_groups_build(BuildCtx *bc, DetectEngine *de)
{
    struct DetectGroups *gs = de->groups;
    uint32_t *list = malloc((gs->tx_cnt + 1) * sizeof(*list));
    uint8_t *placed = calloc(gs->tx_cnt + 1, 1);
    SkResult r = SK_ERR_NOMEM;

    gs->tx_always = malloc((gs->tx_cnt + 1) * sizeof(*gs->tx_always));
    if (list == NULL || placed == NULL || gs->tx_always == NULL) {
        goto out;
    }
    r = SK_OK;
    int16_t *fp = malloc((gs->tx_cnt + 1) * sizeof(*fp));
    if (fp == NULL) {
        r = SK_ERR_NOMEM;
        goto out;
    }
    for (uint32_t i = 0; i < gs->tx_cnt; i++) {
        fp[i] = (int16_t)tx_fp_list(de->sigs[gs->tx[i]]);
    }
    for (unsigned l = DETECT_LIST_FIRST_BUFFER; l < DETECT_LIST_MAX && r == SK_OK; l++) {
        uint32_t n = 0;
        if (!(detect_buffers[l].flags & DETECT_BUF_TX)) {
            continue;
        }
        for (uint32_t i = 0; i < gs->tx_cnt; i++) {
            if (fp[i] == (int16_t)l) {
                list[n++] = gs->tx[i];
                placed[i] = 1;
            }
        }
        if (n == 0) {
            continue;
        }
        uint32_t gi;
        if ((r = groups_add(gs, &gi)) != SK_OK) {
            break;
        }
        gs->g[gi].fp_list = (uint8_t)l;
        r = group_build(bc, de, &gs->g[gi], list, n);
        gs->txg[gs->txg_cnt++] = gi;
    }
    for (uint32_t i = 0; i < gs->tx_cnt; i++) {
        if (!placed[i]) {
            gs->tx_always[gs->tx_always_cnt++] = gs->tx[i];
        }
    }
    /* Split by protocol and direction: a transaction meets only its own. */
    for (unsigned a = 0; a < ALPROTO_MAX && r == SK_OK; a++) {
        for (int d = 0; d < 2 && r == SK_OK; d++) {
            uint32_t n = 0;
            for (uint32_t i = 0; i < gs->tx_always_cnt; i++) {
                const Signature *ts = de->sigs[gs->tx_always[i]];
                n += ts->tx_alproto == (int)a && (ts->tx_dirs & (1u << d));
            }
            if (n == 0) {
                continue;
            }
            if ((gs->txa[a][d] = malloc(n * sizeof(uint32_t))) == NULL) {
                r = SK_ERR_NOMEM;
                break;
            }
            for (uint32_t i = 0; i < gs->tx_always_cnt; i++) {
                const Signature *ts = de->sigs[gs->tx_always[i]];
                if (ts->tx_alproto == (int)a && (ts->tx_dirs & (1u << d))) {
                    gs->txa[a][d][gs->txa_cnt[a][d]++] = gs->tx_always[i];
                }
            }
        }
    }
    free(fp);
out:
    free(list);
    free(placed);
    return r;
}

static void
groups_free(struct DetectGroups *gs)
{
    if (gs == NULL) {
        return;
    }
    for (uint32_t i = 0; i < gs->cnt; i++) {
        for (uint32_t k = 0; k < gs->g[i].pf_cnt; k++) {
            hs_free_database(gs->g[i].pf[k].db);
            free(gs->g[i].pf[k].rules);
            free(gs->g[i].pf[k].pat_first);
        }
        free(gs->g[i].pf);
        free(gs->g[i].always);
    }
    free(gs->g);
    for (int c = 0; c < DG_PORT_CLASSES; c++) {
        free(gs->port_group[c]);
    }
    free(gs->iponly);
    free(gs->tx);
    free(gs->tx_always);
    for (unsigned a = 0; a < ALPROTO_MAX; a++) {
        free(gs->txa[a][0]);
        free(gs->txa[a][1]);
    }
    hs_free_scratch(gs->scratch);
    free(gs);
}

/* ---- the engine ---- */

static SkResult
infos_build(DetectEngine *de, const ClassTable *ct)
{
    de->infos = calloc(de->sig_cnt ? de->sig_cnt : 1, sizeof(*de->infos));
    if (de->infos == NULL) {
        return SK_ERR_NOMEM;
    }
    for (uint32_t i = 0; i < de->sig_cnt; i++) {
        Signature *s = de->sigs[i];
        DetectSigInfo *in = &de->infos[i];
        in->gid = s->gid;
        in->sid = s->sid;
        in->rev = s->rev;
        in->num = i;
        in->action = (uint8_t)action_public(s->action);
        in->target = (s->flags & SIG_F_TARGET_SRC)   ? DETECT_TARGET_SRC
                     : (s->flags & SIG_F_TARGET_DST) ? DETECT_TARGET_DST
                                                     : 0;
        in->severity = (uint8_t)s->priority;
        in->msg = s->msg != NULL ? s->msg : "";
        in->classtype = s->classtype;
        if (s->classtype != NULL) {
            const ClassType *c = class_find(ct, s->classtype);
            in->category = c != NULL ? c->desc : NULL;
        }
        in->metadata = (const char *const *)s->metadata;
        in->meta_cnt = s->meta_cnt;
        in->refs = (const char *const *)s->refs;
        in->ref_cnt = s->ref_cnt;
    }
    return SK_OK;
}

/* The category strings outlive the class table: infos point into it. Kept on the engine. */
typedef struct {
    DetectEngine de;
    ClassTable classes;
} EngineBox;

DetectEngine *
detect_engine_build(DetectRules *r, const DetectConfig *cfg)
{
    EngineBox *box = calloc(1, sizeof(*box));
    DetectEngine *de;
    BuildCtx bc = {.cfg = cfg};
    uint8_t *iponly = NULL;
    size_t n;
    Signature **sigs;
    RefTable refs = {0};
    SkResult cr;

    if (box == NULL) {
        detect_rules_free(r);
        log_error("detect: out of memory");
        return NULL;
    }
    de = &box->de;
    de->cfg = *cfg;
    de->rules = r;
    sigs = detect_rules_sigs(r, &n);
    de->sig_cnt = (uint32_t)n;
    de->sigs = malloc((n ? n : 1) * sizeof(*de->sigs));
    de->groups = calloc(1, sizeof(*de->groups));
    iponly = calloc(n ? n : 1, 1);
    if (de->sigs == NULL || de->groups == NULL || iponly == NULL) {
        goto nomem;
    }
    /* A bad or missing classification or reference file: logged, the good lines kept; fatal
     * only under -T, as in Suricata 8.0.7. */
    cr = class_table_load(&box->classes, cfg->classification_file);
    if (cr == SK_OK || cr == SK_ERR_CONFIG) {
        SkResult rr = ref_table_load(&refs, cfg->reference_file);
        cr = cr != SK_OK ? cr : rr;
    }
    if (cr == SK_ERR_NOMEM) {
        goto nomem;
    }
    if (cr != SK_OK && cfg->test_mode) {
        goto fail;
    }
    bc.gs = de->groups;
    snprintf(bc.platform, sizeof(bc.platform), "%s/sekimori-1", hs_version());

    /* Priorities from classtypes, then the evaluation order. */
    for (size_t i = 0; i < n; i++) {
        Signature *s = sigs[i];
        s->num = (uint32_t)i; /* load order: the last tie-break */
        if (s->priority < 0) {
            const ClassType *c =
                s->classtype != NULL ? class_find(&box->classes, s->classtype) : NULL;
            s->priority = c != NULL ? c->prio : 3;
        }
        if (s->classtype != NULL && box->classes.loaded
            && class_find(&box->classes, s->classtype) == NULL) {
            class_warn_unknown(&box->classes, s->sid, s->classtype);
        }
        ref_check_sig(&refs, s);
        de->sigs[i] = s;
    }
    qsort_r(de->sigs, n, sizeof(*de->sigs), sig_order_cmp, (void *)cfg->action_rank);
    for (size_t i = 0; i < n; i++) {
        de->sigs[i]->num = (uint32_t)i;
        de->sigs[i]->insp = sig_inspect_kind(de->sigs[i]);
        sig_tx_setup(de->sigs[i]);
        de->groups->tx_cnt += (de->sigs[i]->flags & SIG_F_TX) != 0;
        iponly[i] = sig_is_iponly(de->sigs[i]);
        if (iponly[i]) {
            de->sigs[i]->flags |= SIG_F_IPONLY;
            de->groups->iponly_cnt++;
        }
    }
    if (infos_build(de, &box->classes) != SK_OK) {
        goto nomem;
    }
    de->groups->iponly = malloc((de->groups->iponly_cnt + 1) * sizeof(uint32_t));
    if (de->groups->iponly == NULL) {
        goto nomem;
    }
    de->groups->iponly_cnt = 0;
    for (uint32_t i = 0; i < de->sig_cnt; i++) {
        if (iponly[i]) {
            de->groups->iponly[de->groups->iponly_cnt++] = i;
        }
    }
    de->groups->tx = malloc((de->groups->tx_cnt + 1) * sizeof(uint32_t));
    if (de->groups->tx == NULL) {
        goto nomem;
    }
    de->groups->tx_cnt = 0;
    for (uint32_t i = 0; i < de->sig_cnt; i++) {
        if (de->sigs[i]->flags & SIG_F_TX) {
            de->groups->tx[de->groups->tx_cnt++] = i;
        }
    }
    if (tx_groups_build(&bc, de) != SK_OK) {
        goto nomem;
    }
    for (unsigned c = 0; c < DG_CLASS_MAX; c++) {
        SkResult rr = class_build(&bc, de, c, iponly);
        if (rr == SK_ERR_NOMEM) {
            goto nomem;
        }
        if (rr != SK_OK) {
            goto fail;
        }
    }
    for (uint32_t i = 0; i < de->sig_cnt; i++) {
        const uint8_t *pat;
        uint16_t len;
        if (de->sigs[i]->flags & SIG_F_TX) {
            continue; /* counted from the tx groups below */
        }
        if (iponly[i] || sig_fast_pattern(de->sigs[i], &pat, &len) == NULL) {
            de->groups->nopf_rules++;
        } else {
            de->groups->pf_rules++;
        }
    }
    de->groups->pf_rules += de->groups->tx_cnt - de->groups->tx_always_cnt;
    de->groups->nopf_rules += de->groups->tx_always_cnt;
    if (detect_flowvars_build(de) != SK_OK) {
        goto fail;
    }
    de->thresholds =
        detect_threshold_table_new_vars(cfg->vars, cfg->threshold_file, de->sigs, de->sig_cnt);
    free(iponly);
    ref_table_fini(&refs);
    log_info("detect: %u rules in %u groups; %u prefiltered, %u without a fast pattern, %u "
             "IP-only, %u on transactions; %u Vectorscan databases (%u from cache)",
             de->sig_cnt, de->groups->cnt, de->groups->pf_rules, de->groups->nopf_rules,
             de->groups->iponly_cnt, de->groups->tx_cnt, de->groups->db_cnt, de->groups->db_cached);
    return de;
nomem:
    log_error("detect: out of memory building the detection engine");
fail:
    free(iponly);
    ref_table_fini(&refs);
    detect_engine_free(de);
    return NULL;
}

void
detect_engine_free(DetectEngine *de)
{
    EngineBox *box = (EngineBox *)de;
    if (de == NULL) {
        return;
    }
    detect_threshold_table_free(de->thresholds);
    detect_flowvars_free(de);
    groups_free(de->groups);
    free(de->infos);
    free(de->sigs);
    detect_rules_free(de->rules);
    class_table_fini(&box->classes);
    free(box);
}

uint32_t
detect_engine_rule_count(const DetectEngine *de)
{
    return de->sig_cnt;
}
