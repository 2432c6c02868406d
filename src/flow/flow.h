/* flow.h: bidirectional flows. A FlowTable belongs to one worker and is never shared: nothing
 * here locks. Flows are keyed as Suricata keys them (addresses, ports, protocol, VLAN ids,
 * tunnel depth; ICMP by addresses only, ICMP errors by the packet they quote), timed out by
 * engine time (the capture's packet time offline), and charged to the worker's static share of
 * flow.memcap (a Memcap, core/memcap.h). A flow that ends (timeout, eviction under memcap,
 * shutdown) runs the end steps, in pipeline order, before it is recycled: stream flush,
 * app-layer end, detection on a pseudo packet, EVE records, per-flow state back to its pools.
 * The flow state comes from a state hook: a built-in TCP handshake tracker until the stream
 * stage installs its own. */
#ifndef SK_FLOW_FLOW_H
#define SK_FLOW_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "core/counters.h"
#include "core/memcap.h"
#include "core/packet.h"
#include "core/time.h"

typedef enum {
    FLOW_STATE_NEW = 0,
    FLOW_STATE_ESTABLISHED,
    FLOW_STATE_CLOSED,
    FLOW_STATE_MAX
} FlowState;

typedef enum {
    FLOW_END_TIMEOUT = 0, /* EVE reason "timeout" */
    FLOW_END_FORCED,      /* evicted under memcap pressure: "forced" */
    FLOW_END_SHUTDOWN,    /* end of input: "shutdown" */
} FlowEndReason;

/* Timeout classes: flow-timeouts.<proto>. */
typedef enum {
    FLOW_PROTO_TCP = 0,
    FLOW_PROTO_UDP,
    FLOW_PROTO_ICMP,
    FLOW_PROTO_DEFAULT,
    FLOW_PROTO_MAX
} FlowProto;

typedef struct {
    uint32_t new_s;               /* flow-timeouts.<proto>.new */
    uint32_t established_s;       /* .established */
    uint32_t closed_s;            /* .closed */
    uint32_t emerg_new_s;         /* .emergency-new */
    uint32_t emerg_established_s; /* .emergency-established */
    uint32_t emerg_closed_s;      /* .emergency-closed */
} FlowTimeouts;

typedef struct {
    uint64_t memcap;             /* flow.memcap, for the whole engine (split over workers) */
    uint32_t hash_size;          /* flow.hash-size: starting buckets, whole engine (they grow) */
    uint32_t prealloc;           /* flow.prealloc (whole engine) */
    uint32_t emergency_recovery; /* flow.emergency-recovery, percent */
    bool vlan_tracking;          /* vlan.use-for-tracking: VLAN ids are part of the key */
    bool recursion_tracking;     /* decoder.recursion-level.use-for-tracking: tunnel depth too */
    bool track_macs;             /* keep each flow's MAC addresses (eve-log ethernet: yes) */
    uint8_t memcap_policy;       /* flow.memcap-policy (exception-policy), an ExceptionPolicy
                                  * resolved by exception_policy_resolve(..., false) */
    FlowTimeouts timeouts[FLOW_PROTO_MAX];
} FlowConfig;

void flow_config_default(FlowConfig *cfg);

#define FLOW_DIR_TOSERVER 0
#define FLOW_DIR_TOCLIENT 1

/* The MAC addresses a flow was seen with, by side: FLOW_MACS_SRC those of the end that sent the
 * first packet (a toserver packet's source, a toclient packet's destination), FLOW_MACS_DST the
 * other end's. Several addresses on one side mean routers or load balancers on the path; past
 * FLOW_MACS_MAX more are not kept (decoder.max_mac_addrs_* show how many were). */
#define FLOW_MACS_MAX 4
#define FLOW_MACS_SRC 0
#define FLOW_MACS_DST 1
typedef struct {
    uint8_t cnt[2];
    uint8_t mac[2][FLOW_MACS_MAX][6];
} FlowMacs;

typedef struct Flow {
    /* What a hash chain walk reads, in the first cache line: the chain link, the hash and the
     * key. A lookup that misses touches one line per flow of the chain, not two. */
    struct Flow *hnext; /* hash bucket chain */
    uint32_t hash;
    uint32_t spi; /* ESP: the SPI is part of the key (one flow per SA) */
    /* Key, in the orientation of the first packet: src sent it. */
    SkAddr src, dst;
    uint16_t sp, dp;
    uint8_t proto;
    uint8_t ip_ver;
    uint8_t vlan_cnt;
    uint8_t tunnel_depth;
    uint16_t vlan_id[PKT_VLAN_MAX];
    uint16_t alproto;     /* FLOW_ALPROTO_*, or the app layer's protocol id */
    struct Flow **hpprev; /* the pointer that points at this flow: unlink in O(1) */

    uint64_t flow_id;
    SkTime start, last;
    uint64_t pkts[2], bytes[2];       /* indexed by FLOW_DIR_* */
    SkTime dir_start[2], dir_last[2]; /* per direction, for netflow records */
    uint8_t ttl_min[2], ttl_max[2];
    uint8_t state;        /* FlowState */
    uint8_t end_reason;   /* FlowEndReason, set when the flow ends */
    uint8_t tcp_flags[2]; /* TCP flags seen per direction */
    uint8_t tcp_track;    /* handshake progress for the state (TCP_TRACK_* in flow.c) */
    uint8_t icmp_type[2], icmp_code[2];
    uint8_t icmp_seen;  /* bit per direction: icmp_type/code[dir] valid */
    uint8_t tclass;     /* timeout list the flow is on (flow.c) */
    uint8_t flags;      /* FLOW_F_* */
    uint8_t al_nomatch; /* bit per direction: the app layer's probe found no protocol there */

    FlowMacs *macs;             /* NULL unless FlowConfig.track_macs; owned by the table */
    struct TcpSession *ssn;     /* the stream stage's TCP session; NULL until one starts;
                                 * freed by the FREE end step */
    struct AlFlow *al;          /* the app layer's parser state and transactions; NULL until
                                 * a protocol is found; freed by the FREE end step */
    struct DetectFlow *det;     /* detection's per-flow state (flowbits, flowints); NULL until
                                 * a rule sets one; freed by the FREE end step */
    struct Flow *lprev, *lnext; /* timeout list, oldest first */
} Flow;

/* Flow.alproto: 0 until the app layer has detected a protocol, 1 when it gave up, else the app
 * layer's id (applayer/protocols.def, from 2); EVE's flow record writes app_proto "failed" for
 * 1 and none for 0, as Suricata does. */
#define FLOW_ALPROTO_UNKNOWN 0
#define FLOW_ALPROTO_FAILED 1
/* Flow.flags. */
#define FLOW_F_ALERTED 0x01   /* a rule alerted on the flow: EVE flow.alerted */
#define FLOW_F_IPONLY_TS 0x02 /* IP-only rules were inspected to server: not again */
#define FLOW_F_IPONLY_TC 0x04 /* ... and to client */
#define FLOW_F_PASS 0x08      /* a pass rule matched the flow: no further inspection */
#define FLOW_F_DROP                                                                                \
    0x10                           /* a drop or reject rule applied to the flow: its later packets
                               * are dropped uninspected (EVE flow.action "drop") */
#define FLOW_F_DROP_LOGGED_TS 0x20 /* a drop record was written to server (drop flows: start) */
#define FLOW_F_DROP_LOGGED_TC 0x40 /* ... and to client */

typedef struct FlowTable FlowTable; /* opaque */

/* workers: how many tables share cfg's hash size and prealloc. mc is this worker's share of
 * flow.memcap (memcap_init_share): flows keep the static split, so whether a worker reaches
 * its cap never depends on what the others hold at that instant, and the flow chunks' arena is
 * reserved at that size. Borrowed until flow_table_free. id_seed makes flow_id values unique
 * across workers and runs. NULL: out of memory (logged). */
FlowTable *flow_table_new(const FlowConfig *cfg, unsigned workers, unsigned worker_id,
                          uint64_t id_seed, Memcap *mc);
void flow_table_free(FlowTable *ft); /* accepts NULL; runs no end step */

/* What one worker's table needs of flow.memcap (for the config check, runtime/settings.c): its
 * share, its starting bucket array, one chunk of FLOW_CHUNK_FLOWS flows (what a chunk charges,
 * MAC sets included when tracked), and the chunks its share of flow.prealloc takes. A table
 * whose share cannot hold buckets + one chunk can never hold a flow. */
#define FLOW_CHUNK_FLOWS 1024
typedef struct {
    uint64_t share, buckets, chunk, prealloc_chunks;
} FlowMemory;
void flow_table_memory(const FlowConfig *cfg, unsigned workers, FlowMemory *out);

/* ---- Flow end: a chain of steps, in pipeline order ----
 * When a flow ends (timeout, eviction, shutdown: Flow.end_reason says which), each step that is
 * set runs once, in this order, on the flow as it stands; the flow is recycled only after the
 * last. A step may change the flow (flush, set flags, free its slot's state) but must not end
 * other flows or handle packets of the same table: ends happen inside flow_handle_packet for
 * another packet (timeout on lookup, eviction), so a step that needs a packet takes one of the
 * worker's spare packet slots. */
typedef enum {
    FLOW_END_STEP_STREAM = 0, /* stream: flush both directions (EOF) to the app layer */
    FLOW_END_STEP_APPLAYER,   /* app layer: end of stream to the parsers, last transactions */
    FLOW_END_STEP_DETECT,     /* detection on a pseudo packet: what the flush made inspectable */
    FLOW_END_STEP_OUTPUT,     /* EVE: flow / netflow records, transactions not yet logged */
    FLOW_END_STEP_FREE,       /* each stage's per-flow state back to its pool */
    FLOW_END_STEP_MAX
} FlowEndStep;

typedef void (*FlowEndFn)(Flow *f, SkTime now, void *user);

/* Sets (fn NULL: clears) one step's function. Before the first packet. */
void flow_table_set_end(FlowTable *ft, FlowEndStep step, FlowEndFn fn, void *user);

/* ---- Flow state: a hook the stream stage owns ----
 * After a packet's counters are added, the state hook decides the flow's state (and may swap its
 * direction). The built-in one (fn NULL) tracks the TCP handshake (SYN, SYN|ACK, ACK: established;
 * a RST or a FIN each way after a SYN: closed) and, for other protocols, a packet each way
 * (established); the stream stage replaces it with its session state machine, so there is one
 * TCP state machine, not two. Not called for an ICMPv4 error joining the flow it quotes. */
typedef void (*FlowStateFn)(FlowTable *ft, Flow *f, const Packet *p, int dir, void *user);
void flow_table_set_state_hook(FlowTable *ft, FlowStateFn fn, void *user);

/* Moves f to state s (its timeout class changes with it). Call it from the state hook, or for
 * the flow of the packet flow_handle_packet just handled. */
void flow_set_state(FlowTable *ft, Flow *f, FlowState s);

/* Turns f around: the side that sent its first packet becomes the destination, with every
 * per-direction count, time, TTL, flag set and MAC set going along (the stream stage, when the
 * first packet seen was the server's SYN|ACK). If p is f's current packet, its direction flips
 * too. The key hash is symmetric: f stays in its bucket. */
void flow_swap(Flow *f, Packet *p);

/* The ICMP type answering `type` (echo 8 -> reply 0, ...), or 255 when there is none. ICMP
 * flows are keyed on (type, counterpart) as ports, as Suricata does: a request and its reply
 * share a flow, a request the other way starts its own. */
uint8_t flow_icmp_counterpart(uint8_t proto, uint8_t type);

/* Fills p (reset, a spare slot) as a pseudo packet of f going toserver (1) or toclient (0):
 * addresses, ports, protocol, flow and direction, for the flow-end passes (detection of what
 * the end made inspectable, records of the last transactions). */
void flow_pseudo_packet(const Flow *f, Packet *p, int toserver, SkTime ts);

/* Finds or creates p's flow, updates its counters and state, and sets p->flow and
 * p->flow_toserver. Returns NULL (p->flow NULL) when p cannot have a flow: no IP layer, a
 * protocol Suricata keys no flow for (anything but TCP, UDP, SCTP, ICMP, ICMPv6, ESP and
 * IP-in-IP carriers), an ICMPv4 error quoting an unknown flow, or no memory even after
 * eviction (counted, and flow.memcap-policy applies: exception_policy.flow.memcap.*). A flow
 * whose timeout passed before p's time ends (reason timeout) and p starts a new one, so results
 * do not depend on when the timeout sweep ran. */
Flow *flow_handle_packet(FlowTable *ft, Packet *p);

/* Ends flows idle past their timeout at `now`, at most `budget` of them: bounded work per
 * packet. Returns how many ended. */
unsigned flow_table_timeout(FlowTable *ft, SkTime now, unsigned budget);

/* Ends every flow (reason shutdown), at end of input. */
void flow_table_flush(FlowTable *ft, SkTime now);

/* flow.* counters of this table, for stats; exception_policy.flow.memcap.* follow them when
 * FlowConfig.memcap_policy is not ignore. */
const CounterSet *flow_table_counters(const FlowTable *ft);

/* Active flows now (for the summary). */
uint64_t flow_table_active(const FlowTable *ft);

/* "new", "established", "closed": the EVE spelling. */
const char *flow_state_name(FlowState s);
const char *flow_end_reason_name(FlowEndReason r);

#endif
