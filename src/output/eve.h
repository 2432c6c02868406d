/* eve.h: EVE JSON output. One EveFile per output file, shared by all workers; one EveWriter
 * per worker, which formats records into its own buffer and appends whole lines to the file
 * under one lock per buffer flush, never per record or field. Record layouts follow Suricata's
 * EVE schema (../shared/suricata-ref/schema.json). */
#ifndef SK_OUTPUT_EVE_H
#define SK_OUTPUT_EVE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "applayer/applayer.h"
#include "core/json.h"
#include "core/packet.h"
#include "core/result.h"
#include "core/time.h"
#include "detect/detect.h"
#include "flow/flow.h"

/* The event types and their options (eve_types.def): EveType and EveOption. */
typedef enum {
#define EVE_TYPE(id, name) id,
#define EVE_OPTION(type, id, key, dflt)
#include "output/eve_types.def"
#undef EVE_OPTION
#undef EVE_TYPE
    EVE_TYPE_MAX
} EveType;

typedef enum {
#define EVE_TYPE(id, name)
#define EVE_OPTION(type, id, key, dflt) id,
#include "output/eve_types.def"
#undef EVE_OPTION
#undef EVE_TYPE
    EVE_OPTION_MAX
} EveOption;

/* One row of eve_types.def's options, for the config loader. */
typedef struct {
    EveType type;    /* the type whose map holds it */
    const char *key; /* below that map: "types.decode", "null-values" */
    bool dflt;       /* when the type is listed without it */
} EveOptionDesc;

extern const EveOptionDesc eve_options[EVE_OPTION_MAX];

/* One event type's settings: types: - <name>: {enabled: yes, <option>: yes, ...}. */
typedef struct {
    bool enabled;
    uint32_t opts; /* bit (1u << EveOption) for each of its options that is on */
} EveTypeConfig;

typedef struct {
    bool enabled;               /* outputs.eve-log.enabled */
    char filename[4096];        /* outputs.eve-log.filename: relative to the log dir, or absolute */
    bool community_id;          /* outputs.eve-log.community-id */
    bool ethernet;              /* outputs.eve-log.ethernet: MAC addresses in records */
    bool metadata;              /* outputs.eve-log.metadata: the flow's flowbits in records */
    uint16_t community_id_seed; /* outputs.eve-log.community-id-seed */
    EveTypeConfig types[EVE_TYPE_MAX]; /* outputs.eve-log.types, by EveType */
    bool ips; /* set by the runtime, not read: drops are enforced (alert.action "blocked") */
} EveConfig;

/* The name users write for t ("flow"); NULL when t is not a type. */
const char *eve_type_name(EveType t);
/* The type of that name, or -1 when sekimori writes no such records (alert, http, ... until
 * their stages exist). */
int eve_type_lookup(const char *name);
/* Every type off, every option at its default: what an eve-log section starts from. */
void eve_config_types_default(EveConfig *ec);

/* Is the output on and type t listed (and enabled)? */
static inline bool
eve_config_type_on(const EveConfig *ec, EveType t)
{
    return ec->enabled && ec->types[t].enabled;
}

/* Is option o on, and the output and its type too? */
static inline bool
eve_config_option_on(const EveConfig *ec, EveOption o)
{
    EveType t = eve_options[o].type;
    return eve_config_type_on(ec, t) && (ec->types[t].opts >> o & 1u) != 0;
}

typedef struct EveFile EveFile;
typedef struct EveWriter EveWriter;

/* The runtime's signal flags, read by the writer: stop (SIGINT/SIGTERM) lets a write to a
 * stalled FIFO give up; a change of reopen (SIGHUP) closes and reopens the file by name. */
typedef struct {
    const volatile sig_atomic_t *stop;
    const volatile sig_atomic_t *reopen;
} EveSignals;

/* Opens (appending, as Suricata does) path. NULL with a logged line on failure. sig may be
 * NULL (no signals watched). */
EveFile *eve_file_open(const char *path, const EveSignals *sig);
void eve_file_close(EveFile *ef);             /* accepts NULL */
uint64_t eve_file_records(const EveFile *ef); /* records written whole */
uint64_t eve_file_lost(const EveFile *ef);    /* records a write error lost */
/* Did any write fail? The run then ends with a non-zero exit code. */
bool eve_file_failed(const EveFile *ef);

/* ef may be NULL: records are formatted and dropped (EVE off). The writer copies cfg. */
EveWriter *eve_writer_new(EveFile *ef, const EveConfig *cfg);
void eve_writer_flush(EveWriter *ew);
void eve_writer_free(EveWriter *ew); /* flushes; accepts NULL */

/* Record API, for every event_type: begin writes the common header and returns the writer's
 * JsonBuf with the record's top-level object open; the caller adds the record's own fields
 * ("flow": {...}); eve_commit closes the object and queues the line. The JsonBuf is borrowed
 * until eve_commit, and exactly one record is open at a time. Fields come in Suricata's order.
 *
 * eve_begin: timestamp and event_type only (stats).
 * eve_begin_packet: about one packet: timestamp (the packet's), flow_id, pcap_cnt (none for a
 *   tunnel's inner packet), event_type, vlan, addresses, ports, proto, ip_v, icmp type/code,
 *   pkt_src, metadata (the flow's flowbits, eve-log metadata: yes), ether (the packet's own
 *   Ethernet header: type and MAC addresses, ethernet: yes), community_id.
 * eve_begin_flow: about a flow, oriented as its first packet: timestamp ts, flow_id,
 *   event_type, vlan, addresses, ports, ip_v, proto, spi, icmp type/code of each direction,
 *   app_proto once known. Suricata puts the flow's metadata, MAC addresses and community_id
 *   after the record's own object (eve_log_flow does). */
JsonBuf *eve_begin(EveWriter *ew, SkTime ts, const char *event_type);
JsonBuf *eve_begin_packet(EveWriter *ew, const Packet *p, const char *event_type);
JsonBuf *eve_begin_flow(EveWriter *ew, const Flow *f, SkTime ts, const char *event_type);
void eve_commit(EveWriter *ew);
/* eve_begin_packet for a record about direction dir (FLOW_DIR_*) of p's flow: when p goes the
 * other way (its acknowledgement released the data of a TCP transaction), src and dest are the
 * flow's ends as dir sees them. */
JsonBuf *eve_begin_packet_dir(EveWriter *ew, const Packet *p, const char *event_type, int dir);
/* eve_begin_packet_dir (dir -1: p's own orientation) with "tx_id" after pkt_src (tx_id >= 0),
 * as Suricata's alerts on a transaction and its http records write it. */
JsonBuf *eve_begin_packet_tx(EveWriter *ew, const Packet *p, const char *event_type, int dir,
                             int64_t tx_id);

/* The app layer's transactions of f not yet logged, each as a record of its protocol's
 * event_type when that type is enabled (dns: its requests / responses options), in
 * transaction order, with p's header oriented to the transaction's direction; every one is
 * marked logged (written or not), so applayer_tx_prune can free it. p: the packet whose
 * handling made or completed them. */
void eve_log_txs(EveWriter *ew, const Packet *p, Flow *f);

/* A packet a tag keyword tagged (DetectAlerts.tagged): a "packet" record with the frame, when
 * alert's tagged-packets option is on. */
void eve_log_tagged(EveWriter *ew, const Packet *p);

/* A flow that ended, logged at now: its flow record and its netflow records, those enabled. */
void eve_log_flow(EveWriter *ew, const Flow *f, SkTime now);
/* One anomaly record per event on p whose source's anomaly type is enabled. */
void eve_log_anomalies(EveWriter *ew, const Packet *p);
/* One alert record per alert of a (detection's result for p) that is not noalert, in a's
 * order, when the alert type is enabled; then, in IPS mode, a drop record when p was dropped
 * (by a rule, or as a packet of a dropped flow: a->verdict) and the drop type asks for it.
 * Call it for every packet whose a->cnt or a->verdict is not 0. Returns how many alert records
 * were written. a->discarded (past packet-alert-max) is detection's to count: nothing is
 * logged for those. */
unsigned eve_log_alerts(EveWriter *ew, const Packet *p, const DetectAlerts *a);
/* A stats record: names are dotted stats keys, grouped so that keys sharing a prefix are
 * contiguous; vals the totals. */
void eve_log_stats(EveWriter *ew, SkTime ts, uint64_t uptime_s, const char *const *names,
                   const uint64_t *vals, size_t cnt);

/* The name of one of a source's events, as rules write it ("ipv4.trunc_pkt"); NULL when id is
 * not one. EVE prefixes it as Suricata does ("decoder.", "stream.", none for app-layer). */
typedef const char *(*EveEventNameFn)(unsigned id);
/* Sets the names of src's events (PKT_EVENT_SRC_*) for this writer's anomaly records. Decode's
 * are set by eve_writer_new; the runtime sets each later stage's. An event whose source has no
 * names is not logged. */
void eve_writer_set_event_names(EveWriter *ew, PktEventSrc src, EveEventNameFn fn);

/* The Community ID v1 string ("1:" + 28 base64 characters) of a tuple; out needs 32 bytes.
 * For ICMP (icmp true) sp and dp are the type and code. Returns its length (0: no SHA-1). */
size_t eve_community_id(uint16_t seed, uint8_t ip_ver, const SkAddr *src, const SkAddr *dst,
                        uint8_t proto, uint16_t sp, uint16_t dp, bool icmp, char *out);

/* The name EVE writes for an IP protocol number ("TCP", "IPv6-ICMP", "IP-in-IP"), as
 * Suricata's table has it; NULL for the numbers it writes as digits (144 and up). */
const char *eve_proto_name(uint8_t proto);
/* Writes the address as EVE does (IPv6 fully expanded) into buf (>= 40 bytes); returns its
 * length. */
size_t eve_format_addr(const SkAddr *a, uint8_t ip_ver, char *buf);

#endif
