/* detect_int.h: detect/'s own types, shared by its files and its unit tests, never by other
 * stages. A Signature is one parsed rule: header (action, protocol, address and port sets,
 * direction), metadata, and its match lists. */
#ifndef SK_DETECT_DETECT_INT_H
#define SK_DETECT_DETECT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/cursor.h"
#include "core/json.h"
#include "applayer/applayer.h"
#include "core/packet.h"
#include "detect/detect.h"

#define DETECT_ERR_MAX 512      /* a reason, without the "file:line: sid N: " prefix */
#define DETECT_RULE_MAX 65536   /* bytes of one rule, continuation lines joined */
#define DETECT_OPTS_MAX 512     /* options in one rule */
#define DETECT_VAR_DEPTH 16     /* $A naming $B ...: deeper is a loop */
#define DETECT_GROUP_DEPTH 16   /* [ [ [ ... nesting */
#define DETECT_RANGES_MAX 65536 /* ranges in one address or port set */
#define DETECT_CONTENT_MAX 65535

typedef enum {
    SIG_ACT_ALERT,
    SIG_ACT_PASS,
    SIG_ACT_DROP,
    SIG_ACT_REJECT,
    SIG_ACT_REJECTSRC,
    SIG_ACT_REJECTDST,
    SIG_ACT_REJECTBOTH,
} SigAction;

typedef enum {
    SIG_PROTO_IP, /* any IP packet ("ip", also "pkthdr") */
    SIG_PROTO_TCP,
    SIG_PROTO_UDP,
    SIG_PROTO_ICMP, /* icmp: v4 and v6 */
    SIG_PROTO_ICMPV4,
    SIG_PROTO_ICMPV6,
    SIG_PROTO_SCTP,
    SIG_PROTO_TCP_PKT,    /* tcp, packets only */
    SIG_PROTO_TCP_STREAM, /* tcp, reassembled stream only */
    SIG_PROTO_APP,        /* an application protocol: Signature.app_proto */
    SIG_PROTO_IPV4,       /* any IPv4 packet ("ipv4") */
    SIG_PROTO_IPV6,       /* any IPv6 packet ("ipv6") */
} SigProto;

/* 128-bit unsigned, for one range type that serves IPv4, IPv6 and ports. */
typedef struct {
    uint64_t hi, lo;
} U128;

typedef struct {
    U128 lo, hi; /* inclusive */
} DetectRange;

/* A set of values as sorted, disjoint, non-adjacent ranges. */
typedef struct {
    DetectRange *r;
    uint32_t cnt, cap;
} RangeSet;

typedef struct {
    RangeSet v4, v6;
} DetectAddr;

typedef struct {
    RangeSet set;
} DetectPorts;

/* Keyword ids, from keywords.def (which includes one .def per keyword family). */
typedef enum {
#define KEYWORD(id, name, flags, setup) id,
#include "detect/keywords.def"
#undef KEYWORD
    DETECT_KW_MAX
} DetectKeywordId;

#define KW_NOOPT 0x01            /* takes no value: "nocase;" */
#define KW_OPT_NEEDED 0x02       /* must have a value */
#define KW_CONTENT_MODIFIER 0x04 /* modifies the content before it */
#define KW_TRANSFORM 0x08        /* a transform of the current sticky buffer */

/* content's flags */
#define DETECT_CONTENT_NOCASE 0x0001
#define DETECT_CONTENT_NEGATED 0x0002
#define DETECT_CONTENT_RAWBYTES 0x0004
#define DETECT_CONTENT_STARTSWITH 0x0008
#define DETECT_CONTENT_ENDSWITH 0x0010
#define DETECT_CONTENT_FAST_PATTERN 0x0020
#define DETECT_CONTENT_FP_ONLY 0x0040
#define DETECT_CONTENT_FP_CHOP 0x0080
#define DETECT_CONTENT_DEPTH 0x0100
#define DETECT_CONTENT_OFFSET 0x0200
#define DETECT_CONTENT_DISTANCE 0x0400
#define DETECT_CONTENT_WITHIN 0x0800
#define DETECT_CONTENT_RELATIVE_NEXT 0x1000 /* the next buffer keyword is relative to this one */
#define DETECT_CONTENT_DEPTH_VAR 0x2000     /* depth/offset/distance/within name a byte var: */
#define DETECT_CONTENT_OFFSET_VAR 0x4000    /* the *_var fields hold its index */
#define DETECT_CONTENT_DISTANCE_VAR 0x8000
#define DETECT_CONTENT_WITHIN_VAR 0x10000

typedef struct {
    uint8_t *pat;
    uint16_t len;
    uint32_t flags;
    uint16_t depth, offset; /* absolute, from the buffer start */
    int32_t distance, within;
    uint16_t fp_chop_off, fp_chop_len;
    uint8_t depth_var, offset_var, distance_var, within_var; /* byte var indexes (*_VAR) */
} DetectContent;

struct DetectThread;
struct DetectInspect;
typedef struct SigMatch SigMatch;
typedef struct Signature Signature;

/* What a keyword does at match time, one static const per keyword (or family) beside its
 * setup. Which member is used depends on the list the SigMatch is on:
 *   DETECT_LIST_MATCH      match: a test of the packet or its flow (ttl, flags, flow, flowbits
 *                          isset); all must hold.
 *   a buffer list          inspect: a test of the buffer at the current position (content,
 *                          pcre, byte_*, isdataat, bsize), driven by inspect.c, which handles
 *                          relative matching and backtracking through *resume.
 *   DETECT_LIST_POSTMATCH  postmatch: an effect once the whole rule matched (flowbits:set,
 *                          flowint, xbits).
 *   DETECT_LIST_TXMATCH    tx_match: a test of the transaction (detect_tx_keyword_add).
 * free releases ctx (NULL: plain free()). */
typedef struct {
    bool (*match)(struct DetectThread *dt, const Packet *p, const Signature *s, const void *ctx);
    int (*inspect)(struct DetectInspect *di, const SigMatch *sm, uint32_t *resume);
    void (*postmatch)(struct DetectThread *dt, Packet *p, const Signature *s, const void *ctx);
    /* DETECT_LIST_TXMATCH: a test of the transaction being inspected, in direction dir
     * (FLOW_DIR_*): dns.opcode, ssl_version, urilen. */
    bool (*tx_match)(struct DetectThread *dt, const AlTx *tx, int dir, const void *ctx);
    void (*free)(void *ctx);
    /* --engine-analysis (analysis.c): writes the keyword's details into the open match
     * object of rules.json, as Suricata names them ("code": {"equal": 2}); NULL: name only. */
    void (*describe)(JsonBuf *jb, const void *ctx);
} DetectSmOps;

struct SigMatch {
    DetectKeywordId kw;
    const DetectSmOps *ops; /* NULL: parse-only (metadata keywords never make a SigMatch) */
    void *ctx;              /* owned */
};

typedef struct {
    uint8_t id; /* DetectTransformId (transforms.c) */
    void *ctx;  /* owned; NULL for most */
} DetectTransformRef;
#define DETECT_XFORM_MAX 8

/* One match list of a rule. Every rule has DETECT_LIST_MAX of them (one per buffer, the app
 * layer's included) and most are empty, so an empty one costs 24 bytes: 22,000 rules times
 * some 70 lists. */
typedef struct {
    SigMatch *sm;
    /* Buffer lists: the transforms applied to the buffer before inspection, in rule order
     * (DETECT_XFORM_MAX of them, allocated with the first). */
    DetectTransformRef *xform;
    uint16_t cnt, cap; /* cnt <= DETECT_OPTS_MAX */
    uint8_t xform_cnt;
} SigMatchList;

/* Match lists: two fixed ones, then one per inspection buffer (buffers.def): the packet
 * payload and the header buffers now; the app layer's buffers when it registers them. */
typedef enum {
    DETECT_LIST_MATCH = 0,     /* packet/flow tests */
    DETECT_LIST_POSTMATCH = 1, /* effects after a match */
    DETECT_LIST_TXMATCH = 2,   /* transaction tests: a tx rule's, in the transaction pass */
#define BUFFER(id, name, flags, get) id,
#define TX_BUFFER(id, name, proto, dir, get) id,
#include "detect/buffers.def"
#undef TX_BUFFER
#undef BUFFER
    DETECT_LIST_MAX
} DetectListId;
#define DETECT_LIST_FIRST_BUFFER DETECT_LIST_PMATCH

/* A buffer: where its bytes come from for a packet. get returns false when the packet has no
 * such buffer (a header buffer on a packet without that header); the cursor borrows from p. */
#define DETECT_BUF_PAYLOAD 0x01 /* pkt_data-like: dsize/payload semantics, rawbytes applies */
#define DETECT_BUF_TX 0x02      /* a transaction's (applayer/buffers.def): get_tx, not get */
typedef struct {
    const char *name; /* the sticky-buffer keyword: "pkt_data", "ipv4.hdr" */
    uint16_t flags;
    bool (*get)(struct DetectThread *dt, const Packet *p, Cursor *out);
    /* DETECT_BUF_TX: the protocol (AlProto) and direction (FLOW_DIR_*, or AL_DIR_BOTH) of the
     * transactions it is in, and the getter of its idx-th instance (applayer.h). */
    uint8_t alproto, dir;
    bool (*get_tx)(const AlTx *tx, int dir, uint32_t idx, uint8_t *scratch, size_t cap,
                   Cursor *out);
} DetectBuffer;
extern const DetectBuffer detect_buffers[DETECT_LIST_MAX]; /* [0], [1] unused */
/* Is list a buffer that follows pkt_data onto the stream (pkt_data itself, base64_data)? The
 * header buffers are per packet. */
static inline bool
detect_buffer_is_stream(unsigned list)
{
    return list == DETECT_LIST_PMATCH || list == DETECT_LIST_BASE64_DATA;
}

#define BUFFER(id, name, flags, get)                                                               \
    bool get(struct DetectThread *dt, const Packet *p, Cursor *out);
#define TX_BUFFER(id, name, proto, dir, get) /* declared by applayer.h */
#include "detect/buffers.def"
#undef TX_BUFFER
#undef BUFFER

#define SIG_F_NOALERT 0x01
#define SIG_F_TARGET_SRC 0x02
#define SIG_F_TARGET_DST 0x04
#define SIG_F_BIDIR 0x08
#define SIG_F_IPONLY 0x10    /* set at build: addresses only, inspected once per flow direction */
#define SIG_F_PREFILTER 0x20 /* "prefilter" keyword: this keyword is the group's prefilter */
#define SIG_F_ALERT 0x40     /* "alert" keyword: a pass rule logs an alert too */
#define SIG_F_TX 0x80        /* set at build: has a transaction buffer, runs in the tx pass */

#define DETECT_TX_SCRATCH 2048 /* bytes a transaction buffer's getter may build (a DNS name) */
#define DETECT_VARS_MAX 16     /* byte_extract / byte_math variables in one rule */

struct Signature {
    SigAction action;
    SigProto proto;
    char app_proto[32];  /* SIG_PROTO_APP: the protocol's name */
    int16_t app_alproto; /* ... and its AlProto when the app layer has it (set at build), or -1 */
    DetectAddr src, dst;
    DetectPorts sp, dp;
    uint8_t flags;
    uint32_t sid, rev, gid;
    int32_t priority; /* -1: from classtype, at engine build */
    char *msg, *classtype;
    char **refs;     /* "type,value", as written */
    char **metadata; /* one "key value" entry each */
    uint32_t ref_cnt, meta_cnt;
    uint32_t seen_kw[(DETECT_KW_MAX + 31) / 32]; /* keywords met, for "duplicated" checks */
    SigMatchList lists[DETECT_LIST_MAX];

    /* Parse state: the list buffer keywords go to (pkt_data until a sticky buffer names
     * another) and the last buffer keyword added, which relative modifiers refer to. */
    uint8_t cur_list;
    /* The list of the last content, which content modifiers (nocase, depth, ...) change: the
     * current list, or the buffer a legacy modifier (http_uri) moved the content to. */
    uint8_t mod_list;
    /* byte_extract / byte_math variable names, in definition order (index = var id). */
    char *var_names[DETECT_VARS_MAX];
    uint8_t var_cnt;

    /* Flow keyword (flow.c): FLOW_* match bits, 0 when the rule has none. Kept here, not only
     * as a SigMatch, because grouping reads the direction. */
    uint16_t flow_flags;
    /* threshold / detection_filter (threshold.c); NULL when none. */
    struct DetectThreshold *threshold;
    struct DetectThreshold *detection_filter;

    uint32_t num; /* index in the engine's rule array, set at build */
    /* What a TCP rule's payload is matched on (SIG_INSP_*), set at build as Suricata decides it
     * (build.c sig_inspect_kind): the packet, the reassembled stream, or both. */
    uint8_t insp;
    /* SIG_F_TX (set at build): the protocol whose transactions it inspects (-1: none it can
     * match, e.g. "alert http" with dns.query) and the directions of its buffers (bits
     * 1 << FLOW_DIR_*; one direction per rule). */
    int16_t tx_alproto;
    uint8_t tx_dirs;
    /* Transaction keywords (DETECT_LIST_TXMATCH): their protocol (0: none yet; -1 two
     * different ones) and directions, as detect_tx_keyword_add recorded them. */
    int16_t txkw_alproto;
    uint8_t txkw_dirs;
    char *raw; /* the rule as written (continuations joined), for engine analysis */
};

#define DETECT_LOG_MAX 4096 /* payload bytes a stream alert logs (Suricata's payload-buffer-size) */
#define SIG_INSP_PKT 0x01   /* on each packet's own payload */
#define SIG_INSP_STREAM 0x02 /* on the reassembled stream (TCP, when a session has one) */

/* The flow keyword's bits (Signature.flow_flags). */
#define SIG_FLOW_TOSERVER 0x0001
#define SIG_FLOW_TOCLIENT 0x0002
#define SIG_FLOW_ESTABLISHED 0x0004
#define SIG_FLOW_NOT_ESTABLISHED 0x0008
#define SIG_FLOW_STATELESS 0x0010
#define SIG_FLOW_ONLY_STREAM 0x0020
#define SIG_FLOW_NO_STREAM 0x0040
#define SIG_FLOW_ONLY_FRAG 0x0080
#define SIG_FLOW_NO_FRAG 0x0100

typedef struct {
    const char *name;
    uint16_t flags;
    /* Parses arg (the value as written, blanks trimmed; NULL when none) into s. On error, a
     * reason in err (DETECT_ERR_MAX) and SK_ERR_CONFIG; SK_ERR_NOMEM for memory. */
    SkResult (*setup)(Signature *s, const char *arg, char *err);
} DetectKeyword;

extern const DetectKeyword detect_keywords[DETECT_KW_MAX];

#define KEYWORD(id, name, flags, setup) SkResult setup(Signature *s, const char *arg, char *err);
#include "detect/keywords.def"
#undef KEYWORD

/* Appends a SigMatch to list (the caller's keyword, its ops and ctx; ctx is owned by the list
 * from then on, also on failure, when it is freed with ops->free). err on failure. */
SkResult sig_match_append(Signature *s, unsigned list, DetectKeywordId kw, const DetectSmOps *ops,
                          void *ctx, char *err);
/* A sticky buffer's list by name (Suricata's legacy aliases too: dns_query, file_data), or -1. */
int detect_buffer_find(const char *name);
/* legacy.c: the buffer name a legacy alias stands for (the name itself when none), and the
 * aliases for --list-keywords. */
const char *detect_buffer_alias(const char *name);
void detect_buffer_aliases_print(FILE *out);
/* False for a legacy keyword whose buffer no protocol provides (http_uri before HTTP is
 * parsed): the rule then fails as unsupported, counted by the keyword's name. */
bool detect_keyword_available(DetectKeywordId id);
/* A transaction keyword: appends to DETECT_LIST_TXMATCH and records the protocol (AlProto) and
 * the directions (bits 1 << FLOW_DIR_*; both: the rule's flow direction decides) whose
 * transactions it tests, which make the rule a transaction rule (SIG_F_TX). */
SkResult detect_tx_keyword_add(Signature *s, DetectKeywordId kw, const DetectSmOps *ops, void *ctx,
                               unsigned alproto, uint8_t dirs, char *err);
/* The last SigMatch of list whose keyword is kw (any keyword: DETECT_KW_MAX), or NULL. */
SigMatch *sig_match_last(Signature *s, unsigned list, DetectKeywordId kw);
/* A "%s"-style error into err (DETECT_ERR_MAX); returns SK_ERR_CONFIG. For setups. */
SkResult detect_err(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
SkResult detect_nomem(char *err); /* "out of memory", SK_ERR_NOMEM */
/* A hex digit's value, or -1. */
static inline int
detect_hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* A byte_extract/byte_math variable of s by name: its index, or -1. */
int sig_var_find(const Signature *s, const char *name);

/* ---- inspect.c: one buffer list against one buffer ----
 * Applies the list's transforms (detect_transforms_apply), then runs its keywords in order with
 * Suricata's relative matching and backtracking, bounded by dt->recursion_limit. True when every
 * keyword matched. */
bool detect_inspect_buffer(struct DetectThread *dt, const Packet *p, const Signature *s,
                           unsigned list, const uint8_t *buf, uint32_t len, uint8_t di_flags);
/* For the setup of a relative keyword (distance/within, pcre R, isdataat/byte_* "relative") that
 * is or will be at index at of list: marks the last content or pcre before it as having a
 * relative successor, so inspection retries that one's next occurrence when a later keyword
 * fails (keywords/pcre.c). */
void detect_relative_mark(Signature *s, unsigned list, uint32_t at);

/* ---- transforms.c ----
 * Applies the transforms of l to buf and len, pointing them at scratch of dt; false when memory runs
 * out (the rule does not match). */
bool detect_transforms_apply(struct DetectThread *dt, const SigMatchList *l, const uint8_t **buf,
                             uint32_t *len);
void detect_transform_free(uint8_t id, void *ctx);

/* ---- For --engine-analysis (analysis.c): what rule typing needs of private ctxs ---- */
/* A flowbits SigMatch's command: "set", "unset", "toggle", "isset", "isnotset". */
const char *detect_flowbits_cmd_name(const void *ctx);
/* A flags SigMatch: does it require SYN (*syn_only: SYN and nothing else)? */
bool detect_flags_needs_syn(const void *ctx, bool *syn_only);

/* ---- flowbits.c: after the rules are in, before the first packet: names to ids ---- */
SkResult detect_flowvars_build(struct DetectEngine *de);
void detect_flowvars_free(struct DetectEngine *de);

/* ---- per-thread state of the families: created and freed with the DetectThread ---- */
bool detect_inspect_thread_init(struct DetectThread *dt); /* inspect.c: pcre match data, ... */
void detect_inspect_thread_fini(struct DetectThread *dt);

/* ---- threshold.c: threshold, detection_filter and threshold-file entries ---- */
struct DetectThreshold;
void detect_threshold_free(struct DetectThreshold *t); /* accepts NULL */
/* After s matched p: may it alert (threshold, detection_filter, threshold-file entries)?
 * Shared state across workers, bounded memory. */
bool detect_threshold_allow(struct DetectThread *dt, const Packet *p, const Signature *s);
/* The same, and a rate_filter's new_action: *action (a DetectAction, the rule's on entry) is
 * replaced while a rate_filter of s is in force. Use it instead of _allow, not both. */
bool detect_threshold_apply(struct DetectThread *dt, const Packet *p, const Signature *s,
                            int *action);
/* The engine's threshold state and threshold-file entries, built with the engine, after
 * Signature.num is set (sigs[i]->num == i). */
struct DetectThresholdTable;
struct DetectThresholdTable *detect_threshold_table_new(const char *threshold_file,
                                                        Signature **sigs, uint32_t sig_cnt);
/* The same with cfg's address variables for suppress ip lists ($HOME_NET); cfg may be NULL. */
struct DetectThresholdTable *detect_threshold_table_new_vars(const CfgNode *cfg,
                                                             const char *threshold_file,
                                                             Signature **sigs, uint32_t sig_cnt);
void detect_threshold_table_free(struct DetectThresholdTable *t);

/* ---- classification.c: classification.config and reference.config ---- */
typedef struct {
    char *name, *desc; /* desc: the alerts' category */
    int prio;
} ClassType;
typedef struct {
    ClassType *c;
    size_t cnt, cap;
    bool loaded;   /* a file was named: unknown classtypes are reported */
    char **warned; /* unknown classtypes already reported (once each, as Suricata) */
    size_t warned_cnt;
} ClassTable;
/* Reads path (NULL or "": nothing) into t, every good line even past a bad one; a bad line or
 * an unreadable file is logged in Suricata's words and gives SK_ERR_CONFIG. */
SkResult class_table_load(ClassTable *t, const char *path);
SkResult class_line_parse(ClassTable *t, const char *line); /* SK_ERR_CONFIG: not valid */
const ClassType *class_find(const ClassTable *t, const char *name);
/* Suricata's "uses unknown classtype" warning, once per name. */
void class_warn_unknown(ClassTable *t, uint32_t sid, const char *name);
void class_table_fini(ClassTable *t);

typedef struct {
    char **names; /* reference systems ("url", "cve") */
    size_t cnt;
    bool loaded;
} RefTable;
SkResult ref_table_load(RefTable *t, const char *path); /* as class_table_load */
SkResult ref_line_parse(RefTable *t, const char *line);
bool ref_find(const RefTable *t, const char *name, size_t len);
/* Warns for each reference of s whose system t lacks (when a file was named). */
void ref_check_sig(const RefTable *t, const Signature *s);
void ref_table_fini(RefTable *t);

/* ---- validate.c: whole-rule checks after the keywords are set up ---- */
/* A rule whose payload contents need more bytes than its dsize allows: Suricata's
 * "signature can't match" error into err (log module detect-content). */
SkResult sig_validate_dsize(const Signature *s, char *err);
SkResult sig_validate_tx_dirs(const Signature *s, char *err);

/* ---- uint.c: the numeric comparisons many keywords share ----
 * Suricata's forms: "N" (equal), "<N", ">N", "<=N", ">=N", "!N", "N-M" and "N<>M" (strictly
 * between), "!N-M"? no: only the forms above. Values up to max. */
typedef enum { DU_EQ, DU_LT, DU_GT, DU_LE, DU_GE, DU_NE, DU_RANGE, DU_NOT_RANGE } DetectUintMode;
typedef struct {
    uint8_t mode; /* DetectUintMode */
    uint64_t a, b;
} DetectUint;
bool detect_uint_parse(const char *arg, uint64_t max, DetectUint *out, char *err);
static inline bool
detect_uint_match(const DetectUint *u, uint64_t v)
{
    switch ((DetectUintMode)u->mode) {
    case DU_EQ:
        return v == u->a;
    case DU_LT:
        return v < u->a;
    case DU_GT:
        return v > u->a;
    case DU_LE:
        return v <= u->a;
    case DU_GE:
        return v >= u->a;
    case DU_NE:
        return v != u->a;
    case DU_RANGE:
        return v > u->a && v < u->b;
    case DU_NOT_RANGE:
        return v <= u->a || v >= u->b;
    }
    return false;
}

/* ---- The engine's per-worker state (engine.c owns the struct; each family its section) ---- */

/* One buffer's inspection (inspect.c drives it; buffer keywords read and move it). */
typedef struct DetectInspect {
    struct DetectThread *dt;
    const Packet *p;
    const Signature *s;
    const uint8_t *buf; /* the buffer, after its list's transforms */
    uint32_t len;
    uint32_t pos;  /* end of the previous match: where relative keywords start */
    uint8_t list;  /* DetectListId */
    uint8_t flags; /* DI_F_* */
} DetectInspect;
#define DI_F_STREAM 0x01 /* the buffer is reassembled stream data, not one packet's payload */
#define DI_F_DISCONTINUE                                                                           \
    0x02 /* set by a keyword whose failure no retry of an earlier one can
                                * undo (an absolute content): inspect.c stops backtracking */

/* A buffer keyword's inspect result. */
enum { DI_NO_MATCH = 0, DI_MATCH = 1, DI_ABORT = 2 /* recursion limit: the rule does not match */ };

/* ---- The engine (build.c builds it; read-only afterwards) ---- */
struct DetectGroup; /* build.c */
struct DetectEngine {
    DetectConfig cfg;
    DetectRules *rules;   /* owns the Signatures */
    Signature **sigs;     /* in engine order (Signature.num) */
    DetectSigInfo *infos; /* sigs[i]'s output view */
    uint32_t sig_cnt;
    struct DetectGroups *groups;             /* build.c: per protocol/direction/port */
    struct DetectThresholdTable *thresholds; /* threshold.c */
    void *flowvars;                          /* flowbits.c: variable names to ids, built once */
    uint32_t flowvar_cnt;
};

typedef struct {
    uint64_t ticks, checks, matches, max;
} DetectRulePerf;

/* tag.c: what a tag keyword keeps tagging: packets or bytes left, or a time (metric). */
typedef struct {
    uint8_t metric; /* 0: off; DETECT_TAG_PACKETS, _BYTES, _SECONDS */
    uint64_t left;  /* packets or bytes still tagged */
    SkTime until;   /* seconds: tagged while the packet time is before it */
} DetectTagState;
#define DETECT_TAG_PACKETS 1
#define DETECT_TAG_BYTES 2
#define DETECT_TAG_SECONDS 3
#define DETECT_TAG_HOSTS 1024 /* host tags a worker keeps (a new one evicts the slot's) */
typedef struct {
    SkAddr ip;
    uint8_t ip_ver;
    DetectTagState st;
} DetectTagHost;
/* The flow's tag:session state (flowbits.c keeps it with the flow's bits); NULL when the flow
 * has none and create is false, or no memory. */
DetectTagState *detect_flow_tag(struct DetectThread *dt, Flow *f, bool create);
/* Is p tagged by a tag set before it (a flow's or its hosts')? Consumes a packet's worth. */
bool detect_tag_packet(struct DetectThread *dt, const Packet *p);

struct DetectThread {
    const struct DetectEngine *de;
    /* inspect.c */
    uint32_t recursion;             /* inspection steps for the current rule */
    uint32_t recursion_limit;       /* detect.inspection-recursion-limit */
    uint64_t vars[DETECT_VARS_MAX]; /* byte_extract / byte_math values of the current rule */
    void *pcre_md;                  /* pcre2_match_data, shared by all pcre keywords */
    uint8_t *xform_buf[2];          /* transforms ping-pong between these */
    uint32_t xform_cap;
    uint8_t *b64_buf;         /* base64_decode output, the base64_data buffer */
    const Signature *cur_sig; /* the rule being evaluated */
    const AlTx *cur_tx;       /* the transaction pass's current one; NULL in packet passes */
    int cur_tx_dir;           /* the direction it is inspected in (FLOW_DIR_*) */
    uint8_t tx_scratch[DETECT_TX_SCRATCH]; /* a transaction buffer built by its getter */
    uint32_t b64_len, b64_cap;
    /* engine.c */
    void *hs_scratch; /* hs_scratch_t */
    uint32_t *cand;   /* prefilter candidates (rule numbers), one group at a time */
    uint32_t cand_cnt, cand_cap;
    uint8_t *cand_seen;  /* bitmap over the engine's rules */
    DetectAlerts alerts; /* the current packet's */
    DetectThreadStats stats;
    Counter ctr[6]; /* stats' view of stats, published per packet */
    CounterSet ctr_set, ctr_own_set;
    /* flow.c / flowbits.c / threshold.c */
    void *flow_scratch;
    /* The stream pass: pkt_data is the reassembled window in stream_buf instead of the
     * packet's payload; only rules with SIG_INSP_STREAM run. */
    bool in_stream;
    bool stream_active; /* the packet's TCP session reassembles: payload rules split by insp */
    const uint8_t *stream_buf;
    uint32_t stream_len;
    uint8_t *window;        /* the copy of the window the source fills (DETECT_WINDOW_MAX) */
    uint8_t *log_buf;       /* a stream alert's payload as logged (DETECT_LOG_MAX) */
    DetectStreamSource src; /* where windows come from; window NULL: no stream stage */
    /* --rule-perf: per rule, by Signature.num; NULL when off */
    DetectRulePerf *perf;
    /* tag.c: tag:host entries, direct-mapped by address (allocated on the first host tag) */
    DetectTagHost *tag_hosts;
};

/* ---- parse.c ---- */
typedef enum {
    SIG_PARSE_OK,
    SIG_PARSE_FAILED,      /* a bad rule: err says why */
    SIG_PARSE_UNSUPPORTED, /* a good-looking rule using keywords sekimori lacks */
    SIG_PARSE_NOMEM,
} SigParseStatus;

#define SIG_UNSUPPORTED_MAX 16
typedef struct {
    uint32_t sid; /* as far as it could be read, for messages; 0 unknown */
    char err[DETECT_ERR_MAX];
    const char *kw; /* the keyword err is about (its log module), NULL: the rule's frame */
    const char *unsupported[SIG_UNSUPPORTED_MAX]; /* names, pointing into the rule copy */
    unsigned unsupported_cnt;
    char *copy; /* owned working copy of the rule text the names point into */
} SigParseInfo;

/* Parses one rule (no trailing newline needed). cfg gives the variables (may be NULL: then
 * every $VAR is undefined). *out is a new Signature on SIG_PARSE_OK. Free info with
 * sig_parse_info_fini. */
SigParseStatus sig_parse(const CfgNode *cfg, const char *text, size_t len, Signature **out,
                         SigParseInfo *info);
void sig_parse_info_fini(SigParseInfo *info);
void sig_free(Signature *s); /* accepts NULL */
/* The loaded rules, in load order; still owned by r. */
Signature **detect_rules_sigs(DetectRules *r, size_t *cnt);

/* Strips the quotes from a double-quoted value and undoes \; \" \\ (and any \c: c). */
bool detect_unquote(const char *arg, const char *kw, char **out, char *err);
/* A value that must be a number in [min, max]. */
bool detect_parse_int(const char *arg, int64_t min, int64_t max, int64_t *out);

/* ---- vars.c: address and port expressions ---- */
SkResult detect_addr_parse(const CfgNode *cfg, const char *text, DetectAddr *out, char *err);
SkResult detect_ports_parse(const CfgNode *cfg, const char *text, DetectPorts *out, char *err);
void detect_addr_fini(DetectAddr *a);
void detect_ports_fini(DetectPorts *p);
/* Does the set hold this value? (tests, and later the engine's grouping) */
bool detect_addr_has_v4(const DetectAddr *a, uint32_t ip);
bool detect_addr_has_v6(const DetectAddr *a, const uint8_t ip[16]);
bool detect_ports_has(const DetectPorts *p, uint16_t port);
/* Does the set hold a packet's address (ip_ver 4 or 6, as the Packet keeps it)? A packet
 * without IP (ip_ver 0) is in no set but one holding every address. */
bool detect_addr_has_pkt(const DetectAddr *a, uint8_t ip_ver, const SkAddr *x);

#endif
