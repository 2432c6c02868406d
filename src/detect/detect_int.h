/* detect_int.h: detect/'s own types, shared by its files and its unit tests, never by other
 * stages. A Signature is one parsed rule: header (action, protocol, address and port sets,
 * direction), metadata, and its match lists. */
#ifndef SK_DETECT_DETECT_INT_H
#define SK_DETECT_DETECT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect/detect.h"

#define DETECT_ERR_MAX 256      /* a reason, without the "file:line: sid N: " prefix */
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

/* Keyword ids, from keywords.def. */
typedef enum {
#define KEYWORD(id, name, flags, setup) id,
#include "detect/keywords.def"
#undef KEYWORD
    DETECT_KW_MAX
} DetectKeywordId;

#define KW_NOOPT 0x01            /* takes no value: "nocase;" */
#define KW_OPT_NEEDED 0x02       /* must have a value */
#define KW_CONTENT_MODIFIER 0x04 /* modifies the content before it */

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
#define DETECT_CONTENT_RELATIVE_NEXT 0x1000 /* the next content is relative to this one */

typedef struct {
    uint8_t *pat;
    uint16_t len;
    uint16_t flags;
    uint16_t depth, offset; /* absolute, from the buffer start */
    int32_t distance, within;
    uint16_t fp_chop_off, fp_chop_len;
} DetectContent;

typedef struct {
    DetectKeywordId kw;
    void *ctx; /* owned: DetectContent for content */
} SigMatch;

typedef struct {
    SigMatch *sm;
    uint32_t cnt, cap;
} SigMatchList;

/* Match lists: one per buffer. Only the packet payload for now; sticky buffers add theirs. */
typedef enum { DETECT_LIST_PMATCH, DETECT_LIST_MAX } DetectListId;

#define SIG_F_NOALERT 0x01
#define SIG_F_TARGET_SRC 0x02
#define SIG_F_TARGET_DST 0x04
#define SIG_F_BIDIR 0x08

typedef struct {
    SigAction action;
    SigProto proto;
    char app_proto[32]; /* SIG_PROTO_APP: the protocol's name */
    DetectAddr src, dst;
    DetectPorts sp, dp;
    uint8_t flags;
    uint32_t sid, rev, gid;
    int32_t priority; /* -1: from classtype, later */
    char *msg, *classtype;
    char **refs;     /* "type,value", as written */
    char **metadata; /* one "key value" entry each */
    uint32_t ref_cnt, meta_cnt;
    uint32_t seen_kw[(DETECT_KW_MAX + 31) / 32]; /* keywords met, for "duplicated" checks */
    SigMatchList lists[DETECT_LIST_MAX];
} Signature;

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

#endif
