/* flow.h: bidirectional flows. A FlowTable belongs to one worker and is never shared: nothing
 * here locks. Flows are keyed as Suricata keys them (addresses, ports, protocol, VLAN ids,
 * tunnel depth; ICMP by addresses only, ICMP errors by the packet they quote), timed out by
 * engine time (the capture's packet time offline), and charged to flow.memcap. A flow that
 * ends (timeout, eviction under memcap, shutdown) is handed to the FlowEndFn before it is
 * recycled; that is where the EVE flow record is written. */
#ifndef SK_FLOW_FLOW_H
#define SK_FLOW_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "core/counters.h"
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
    uint32_t new_s;              /* flow-timeouts.<proto>.new */
    uint32_t established_s;      /* .established */
    uint32_t closed_s;           /* .closed */
    uint32_t emerg_new_s;        /* .emergency-new */
    uint32_t emerg_established_s; /* .emergency-established */
    uint32_t emerg_closed_s;     /* .emergency-closed */
} FlowTimeouts;

typedef struct {
    uint64_t memcap;             /* flow.memcap, for the whole engine (split over workers) */
    uint32_t hash_size;          /* flow.hash-size: starting buckets, whole engine (they grow) */
    uint32_t prealloc;           /* flow.prealloc (whole engine) */
    uint32_t emergency_recovery; /* flow.emergency-recovery, percent */
    bool vlan_tracking;          /* vlan.use-for-tracking: VLAN ids are part of the key */
    bool recursion_tracking;     /* decoder.recursion-level.use-for-tracking: tunnel depth too */
    bool track_macs;             /* keep each flow's MAC addresses (eve-log ethernet: yes) */
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
    struct Flow *hnext;         /* hash bucket chain */
    uint32_t hash;
    uint32_t spi;               /* ESP: the SPI is part of the key (one flow per SA) */
    /* Key, in the orientation of the first packet: src sent it. */
    SkAddr src, dst;
    uint16_t sp, dp;
    uint8_t proto;
    uint8_t ip_ver;
    uint8_t vlan_cnt;
    uint8_t tunnel_depth;
    uint16_t vlan_id[PKT_VLAN_MAX];
    struct Flow **hpprev;       /* the pointer that points at this flow: unlink in O(1) */

    uint64_t flow_id;
    SkTime start, last;
    uint64_t pkts[2], bytes[2]; /* indexed by FLOW_DIR_* */
    SkTime dir_start[2], dir_last[2]; /* per direction, for netflow records */
    uint8_t ttl_min[2], ttl_max[2];
    uint8_t state;              /* FlowState */
    uint8_t end_reason;         /* FlowEndReason, set when the flow ends */
    uint8_t tcp_flags[2];       /* TCP flags seen per direction */
    uint8_t tcp_track;          /* handshake progress for the state (TCP_TRACK_* in flow.c) */
    uint8_t icmp_type[2], icmp_code[2];
    uint8_t icmp_seen;          /* bit per direction: icmp_type/code[dir] valid */
    uint8_t tclass;             /* timeout list the flow is on (flow.c) */

    FlowMacs *macs;             /* NULL unless FlowConfig.track_macs; owned by the table */
    struct Flow *lprev, *lnext; /* timeout list, oldest first */

    /* For the later stages and EVE flow records (STAGES.md, "Per-flow state"). */
    uint16_t alproto;           /* FLOW_ALPROTO_*, or the app layer's protocol id */
    uint8_t flags;              /* FLOW_F_* */
} Flow;

/* Flow.alproto: 0 until the app layer has detected a protocol, 1 when it gave up; EVE's flow
 * record writes app_proto "failed" for 1 and none for 0, as Suricata does. */
#define FLOW_ALPROTO_UNKNOWN 0
#define FLOW_ALPROTO_FAILED 1
/* Flow.flags. */
#define FLOW_F_ALERTED 0x01         /* a rule alerted on the flow: EVE flow.alerted */

typedef void (*FlowEndFn)(const Flow *f, SkTime now, void *user);

typedef struct FlowTable FlowTable; /* opaque */

/* workers: how many tables share cfg's memcap, hash size and prealloc. id_seed makes flow_id
 * values unique across workers and runs. NULL: out of memory (logged). */
FlowTable *flow_table_new(const FlowConfig *cfg, unsigned workers, unsigned worker_id,
                          uint64_t id_seed, FlowEndFn on_end, void *user);
void flow_table_free(FlowTable *ft); /* accepts NULL; does not call on_end */

/* The ICMP type answering `type` (echo 8 -> reply 0, ...), or 255 when there is none. ICMP
 * flows are keyed on (type, counterpart) as ports, as Suricata does: a request and its reply
 * share a flow, a request the other way starts its own. */
uint8_t flow_icmp_counterpart(uint8_t proto, uint8_t type);

/* Finds or creates p's flow, updates its counters and state, and sets p->flow and
 * p->flow_toserver. Returns NULL (p->flow NULL) when p cannot have a flow: no IP layer, a
 * protocol Suricata keys no flow for (anything but TCP, UDP, SCTP, ICMP, ICMPv6, ESP and
 * IP-in-IP carriers), an ICMPv4 error quoting an unknown flow, or no memory even after
 * eviction (counted). A flow
 * whose timeout passed before p's time ends (reason timeout) and p starts a new one, so results
 * do not depend on when the timeout sweep ran. */
Flow *flow_handle_packet(FlowTable *ft, Packet *p);

/* Ends flows idle past their timeout at `now`, at most `budget` of them: bounded work per
 * packet. Returns how many ended. */
unsigned flow_table_timeout(FlowTable *ft, SkTime now, unsigned budget);

/* Ends every flow (reason shutdown), at end of input. */
void flow_table_flush(FlowTable *ft, SkTime now);

/* flow.* counters of this table, for stats. */
const CounterSet *flow_table_counters(const FlowTable *ft);

/* Active flows now (for the summary). */
uint64_t flow_table_active(const FlowTable *ft);

/* "new", "established", "closed": the EVE spelling. */
const char *flow_state_name(FlowState s);
const char *flow_end_reason_name(FlowEndReason r);

#endif
