/* stream.h: TCP sessions and stream reassembly. A TcpSession hangs off Flow.ssn from the first
 * packet that may start one (a SYN; with stream.midstream or stream.async-oneside, also a
 * SYN|ACK or a packet of a session already under way) until the flow ends. The session decides
 * the TCP flow's state (it installs the flow table's state hook: one TCP state machine), checks
 * every packet's sequence, acknowledgement, window, timestamps and flags as Suricata 8 does,
 * raises Suricata's stream events on the packet, and queues each direction's payload into a
 * segment list (segments.h) under the overlap policy of the receiving host (host-os-policy).
 *
 * Two readers pull the data, never called back (the runtime is the only code that knows both
 * sides):
 *  - the app layer: stream_app_chunk() / stream_app_consumed(): in-order bytes, a gap handed on
 *    as a gap, the end of the stream as STREAM_F_EOF;
 *  - detection: stream_raw_window() / stream_raw_consumed(): the reassembled bytes of one
 *    direction not yet inspected, up to what Suricata's IDS mode would inspect (see there).
 * Data behind both readers goes back to the segment pool.
 *
 * A StreamThread belongs to one worker and is never shared: nothing here locks. Sessions and
 * segments are charged to the worker's Memcaps for stream.memcap and stream.reassembly.memcap
 * (leased: one long upload may use what idle workers leave). */
#ifndef SK_STREAM_STREAM_H
#define SK_STREAM_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/counters.h"
#include "core/cursor.h"
#include "core/memcap.h"
#include "core/packet.h"
#include "flow/flow.h"
#include "stream/segments.h"

/* StreamChunk, STREAM_F_* and StreamPolicy are the segment store's (segments.h). */

/* ---- Configuration ---- */

/* stream.reassembly.urgent.policy: what the urgent pointer's byte becomes. */
typedef enum {
    STREAM_URGENT_INLINE = 0, /* "inline": the byte stays in the stream, as the data said */
    STREAM_URGENT_OOB,        /* "oob": the byte pointed at is taken out of the stream (RFC 6093) */
    STREAM_URGENT_GAP,        /* "gap": the urgent byte's place becomes a gap */
    STREAM_URGENT_DROP,       /* "drop": an IPS drops the packet; here its data is not queued */
} StreamUrgentPolicy;

enum { STREAM_INLINE_AUTO = 0, STREAM_INLINE_YES, STREAM_INLINE_NO };

#define STREAM_HOST_RULES_MAX 256 /* host-os-policy entries (address/prefix) kept */

typedef struct {
    SkAddr addr;    /* IPv4 in the first 4 bytes */
    uint8_t ip_ver; /* 4 or 6 */
    uint8_t prefix; /* bits */
    uint8_t policy; /* StreamPolicy */
} StreamHostRule;

typedef struct {
    uint64_t memcap;            /* stream.memcap: sessions */
    uint64_t reassembly_memcap; /* stream.reassembly.memcap: segments and their bytes */
    uint64_t depth;             /* stream.reassembly.depth, bytes per direction; 0: unlimited */
    uint32_t prealloc_sessions; /* stream.prealloc-sessions, whole engine */
    uint32_t toserver_chunk;    /* stream.reassembly.toserver-chunk-size */
    uint32_t toclient_chunk;    /* stream.reassembly.toclient-chunk-size */
    uint32_t max_synack_queue;  /* stream.max-synack-queued */
    uint32_t urgent_oob_limit;  /* stream.reassembly.urgent.oob-limit... bytes taken out */
    bool midstream;             /* stream.midstream: pick up sessions without a handshake */
    bool async_oneside;         /* stream.async-oneside: one direction seen only */
    bool checksum_validation;   /* stream.checksum-validation: a bad TCP checksum is ignored */
    bool checksum_auto;         /* pcap-file.checksum-checks auto: stop once most are bad */
    bool overlap_diff_data;     /* stream.reassembly.check-overlap-different-data */
    bool stats_events;          /* stats.stream-events: a stream.<event> counter per event */
    uint8_t inline_cfg;         /* stream.inline: STREAM_INLINE_* */
    bool inline_mode;           /* in effect (the runtime decides auto: --simulate-ips): data
                                 * is inspected as it arrives, not once acknowledged */
    uint8_t urgent_policy;      /* StreamUrgentPolicy */
    uint8_t memcap_policy;      /* stream.memcap-policy, an ExceptionPolicy (resolved) */
    uint8_t midstream_policy;   /* stream.midstream-policy, an ExceptionPolicy (resolved) */
    uint8_t default_policy;     /* StreamPolicy for hosts host-os-policy does not name */
    uint16_t host_rule_cnt;
    StreamHostRule host_rules[STREAM_HOST_RULES_MAX]; /* host-os-policy, most specific first */
} StreamConfig;

void stream_config_default(StreamConfig *cfg);

/* ---- Per worker ---- */

typedef struct StreamThread StreamThread; /* opaque */

/* mc_ssn and mc_seg are this worker's Memcaps for stream.memcap and stream.reassembly.memcap,
 * borrowed until stream_thread_free. cfg is borrowed too. NULL: out of memory (logged). */
StreamThread *stream_thread_new(const StreamConfig *cfg, Memcap *mc_ssn, Memcap *mc_seg);
void stream_thread_free(StreamThread *st); /* accepts NULL; sessions must be ended first */

/* Tells the stream which readers exist in this run. Data no reader wants is released as soon
 * as it is acknowledged (or at once), so a run without app layer or rules keeps no payload. */
void stream_thread_set_readers(StreamThread *st, bool app, bool raw);

/* Installs the session state machine as ft's state hook and the stream's flow-end step
 * (FLOW_END_STEP_STREAM) and its part of FLOW_END_STEP_FREE is left to the caller. */
void stream_thread_attach(StreamThread *st, FlowTable *ft);

/* tcp.* counters (Suricata's names), then stream.<event> for every event (Suricata writes
 * those with stats.stream-events); and sekimori's own. */
const CounterSet *stream_thread_counters(const StreamThread *st);
const CounterSet *stream_thread_counters_own(const StreamThread *st);

/* ---- Per packet ---- */

/* A TCP packet with its flow (p->flow set by flow_handle_packet): session state, validation,
 * events on p, payload queued. Other packets are ignored. */
void stream_packet(StreamThread *st, Packet *p);

/* ---- The app layer's feed ----
 * The next in-order bytes of direction dir (FLOW_DIR_*) not yet consumed: data the receiver
 * acknowledged (Suricata's IDS mode), all of it once the direction ended (FIN, RST, flow end).
 * A hole becomes a chunk with STREAM_F_GAP and the bytes after it; the last chunk carries
 * STREAM_F_EOF (possibly empty). False when nothing new is there. */
bool stream_app_chunk(StreamThread *st, Flow *f, int dir, StreamChunk *out);
/* n bytes of the last chunk were used; the rest comes again with more data. */
void stream_app_consumed(StreamThread *st, Flow *f, int dir, size_t n);
/* The app layer will take nothing more of dir (no protocol found, its parser gave up): the
 * feed ends there, and when detection does not read the raw stream either (and overlapping
 * data is not compared), the direction stops holding payload; overlap and gap events and
 * counters stay what they would have been. Suricata stops app-layer reassembly likewise. */
void stream_app_done(StreamThread *st, Flow *f, int dir);

/* ---- Detection's feed (raw stream) ----
 * The reassembled bytes of dir from the first one not yet inspected, up to the end of what
 * the receiver acknowledged: data is inspected once the other side acked it, as Suricata's IDS
 * mode does. After a RST, a FIN each way, or at flow end (stream_flow_end), everything queued
 * counts, acked or not. One contiguous run per call; a hole before it is STREAM_F_GAP. */
bool stream_raw_window(StreamThread *st, const Flow *f, int dir, StreamChunk *out);
/* Bytes before stream offset upto were inspected. A detector that wants context across two
 * windows consumes less than it was given: the next window starts at upto. */
void stream_raw_consumed(StreamThread *st, Flow *f, int dir, uint64_t upto);
/* The app layer finished a message in dir (a request, a response): the raw stream of dir is
 * inspected at the next chance, without waiting for a chunk's worth, as Suricata's parsers
 * trigger raw reassembly. */
void stream_raw_trigger(Flow *f, int dir);
/* The same window copied for detection (DetectStreamSource.window): up to cap bytes into out,
 * preceded by up to `lookback` bytes already inspected (kept for that: STREAM_RAW_KEEP), with
 * *start the stream offset of out[0]. eof: everything queued counts (flow end). Returns the
 * length; 0 when nothing new is there. */
#define STREAM_RAW_KEEP 4096
uint32_t stream_raw_copy(StreamThread *st, Flow *f, int dir, bool eof, uint32_t lookback,
                         uint8_t *out, uint32_t cap, uint64_t *start);

/* The payload an alert on dir's stream logs: the held data from the first byte not released,
 * holes as "[N bytes missing]" (Suricata's rendering), at most cap bytes. */
uint32_t stream_log_copy(const Flow *f, int dir, uint8_t *out, uint32_t cap);

/* ---- Facts for keywords and EVE ---- */

/* Bytes the direction has sent, by sequence-number progress (Suricata's stream_size: next
 * expected sequence number minus the initial one); 0 without a session. */
uint64_t stream_bytes_seen(const Flow *f, int dir);
/* "syn_sent", "established", ... (EVE flow records' tcp.state); NULL without a session. */
const char *stream_state_name(const Flow *f);
/* Does f have a TCP session? Did a hole in direction dir get handed on (EVE tcp.ts_gap /
 * tc_gap)? */
bool stream_has_session(const Flow *f);
/* Does f's session reassemble direction dir (payload then goes to the raw stream)? */
bool stream_raw_active(const Flow *f, int dir);
/* For the packet stream_packet last handled (its flow f, direction dir): did its payload go
 * into the stream? Suricata inspects a TCP packet's payload with packet rules only when it did
 * not (no session yet, out of window, before the handshake, past the depth). For any other
 * flow: stream_raw_active. */
bool stream_packet_in_stream(const StreamThread *st, const Flow *f, int dir);
bool stream_had_gap(const Flow *f, int dir);

/* ---- Flow end ----
 * FLOW_END_STEP_STREAM: every queued byte becomes readable (EOF on both directions); the
 * readers take what they want in the steps after. stream_flow_free (FLOW_END_STEP_FREE) gives
 * the session and its segments back. */
void stream_flow_end(StreamThread *st, Flow *f);
void stream_flow_free(StreamThread *st, Flow *f);

/* ---- Events ---- */
typedef enum {
#define EVENT(id, name) id,
#include "stream/events.def"
#undef EVENT
    STREAM_EVENT_MAX
} StreamEvent;

/* "3whs_ack_in_wrong_dir" (rules' and stats' spelling, without "stream."); NULL if not one. */
const char *stream_event_name(unsigned id);
/* The id of a name as a rule writes it (case-insensitive; Suricata's two rule-file spellings
 * "..._different_ack" name the same events as "..._diff_ack"), or -1. */
int stream_event_lookup(const char *name);

#endif
