/* group.h: the rule groups build.c makes and engine.c walks; nobody else's business.
 *
 * A packet meets only the rules that can apply to it. Rules are split by protocol class (TCP,
 * UDP, SCTP, ICMPv4, ICMPv6, other IP, non-IP); inside a port-carrying class, rules whose
 * destination ports cover most of the port space ("wide": any, !80, 1024:) form one group that
 * every packet of the class meets, and rules on a few ports ("narrow") are grouped by the
 * destination ports with the most such rules (DETECT_PORT_GROUPS of them; the other ports share
 * one group). A packet therefore meets two groups: its class's wide group and its port's narrow
 * group. Two scans of the payload instead of one, but one database per group instead of one per
 * port set containing every wide rule again: the compile time and memory that make Suricata's
 * start slow are what this trades away.
 *
 * Per group and prefiltered buffer, Vectorscan databases of the rules' fast patterns
 * (deduplicated: a pattern id names a run of rules); rules without a usable fast pattern are on
 * the group's `always` list. Rule numbers are the engine's order (Signature.num). */
#ifndef SK_DETECT_GROUP_H
#define SK_DETECT_GROUP_H

#include <hs/hs.h>

#include "detect/detect_int.h"

#define DETECT_PORT_GROUPS 32
#define DETECT_PF_CHUNK 320

typedef struct {
    hs_database_t *db;   /* NULL: no rule of the group has a fast pattern in this buffer */
    uint32_t *pat_first; /* pattern id -> first index in rules[]; pat_cnt + 1 entries */
    uint32_t *rules;     /* rule numbers, by pattern */
    uint32_t pat_cnt;
} DetectPrefilter;

typedef struct {
    uint32_t *always; /* rule numbers evaluated without a prefilter hit, ascending */
    uint32_t always_cnt;
    uint32_t rule_cnt; /* every rule of the group (prefiltered or not) */
    uint8_t fp_list;   /* the buffer its fast patterns come from (pkt_data; a tx buffer) */
    /* pkt_data: the fast patterns in databases of at most DETECT_PF_CHUNK patterns each (exact
     * ones first, then caseless). Vectorscan 5.4's compile memory grows faster than the
     * pattern count: ET Open's 936-pattern TCP group took 183 MiB in one database, about
     * 60 MiB at most in chunks of 320, compiled one after the other; the scan makes one pass
     * per chunk. */
    DetectPrefilter *pf;
    uint32_t pf_cnt;
} DetectGroup;

typedef enum {
    DG_TCP = 0,
    DG_UDP,
    DG_SCTP,
    DG_ICMP4,
    DG_ICMP6,
    DG_OTHER_IP, /* other protocols, fragments */
    DG_NON_IP,   /* ARP and other frames: rules on "ip"/"pkthdr" for their decoder events */
    DG_CLASS_MAX
} DetectGroupClass;
#define DG_PORT_CLASSES 3 /* TCP, UDP, SCTP carry ports */

struct DetectGroups {
    DetectGroup *g;
    uint32_t cnt;
    uint32_t wide[DG_CLASS_MAX];           /* each class's wide group (the only one for ICMP...) */
    uint16_t *port_group[DG_PORT_CLASSES]; /* dp -> narrow group; UINT16_MAX: none */
    uint32_t *iponly;                      /* IP-only rules, ascending */
    uint32_t iponly_cnt;
    uint32_t *tx; /* rules with a transaction buffer (SIG_F_TX), ascending: the tx pass */
    uint32_t tx_cnt;
    /* The tx pass's prefilter: a group per transaction buffer (its fp_list), and the tx rules
     * without a plain content in any (always evaluated). */
    uint32_t txg[DETECT_LIST_MAX];
    uint32_t txg_cnt;
    uint32_t *tx_always;
    uint32_t tx_always_cnt;
    /* tx_always by the flow's protocol and the inspected direction: the rules that can run
     * on such a transaction (a rule of both directions is in both), ascending. */
    uint32_t *txa[ALPROTO_MAX][2];
    uint32_t txa_cnt[ALPROTO_MAX][2];
    hs_scratch_t *scratch; /* prototype, cloned per thread */
    /* build figures, for -v and the closing figures */
    uint32_t pf_rules, nopf_rules, db_cnt, db_cached;
};

#endif
