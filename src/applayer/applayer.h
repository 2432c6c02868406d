/* applayer.h: the application layer. It finds a flow's protocol (probe.c: detection ports as
 * hints, each protocol's probe on the first bytes of a direction), runs that protocol's parser
 * on the in-order stream (TCP, pulled from the stream stage by the runtime) or on each datagram
 * (UDP), and keeps what the parser makes as transactions on the flow (AlFlow) until they are
 * logged and inspected.
 *
 * A protocol is one const AlParser listed in protocols.def: its name (app-layer.protocols.<name>,
 * EVE app_proto and event_type), where it runs, its probe, its parser, its logger. Nothing else
 * registers anything.
 *
 * An AppLayerThread belongs to one worker and is never shared: nothing here locks. Per-flow
 * state and transactions are charged to the worker's Memcap for app-layer memory before they
 * exist; at the cap a transaction is not made (counted: app_layer.error.<proto>.memcap... as
 * sekimori's applayer.memcap_drop), and the flow goes on. */
#ifndef SK_APPLAYER_APPLAYER_H
#define SK_APPLAYER_APPLAYER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/counters.h"
#include "core/cursor.h"
#include "core/json.h"
#include "core/memcap.h"
#include "core/packet.h"
#include "flow/flow.h"
#include "stream/segments.h"

/* ---- Protocol ids: Flow.alproto ----
 * 0 and 1 are the flow's (unknown, failed); each protocols.def line gets the next id. */
typedef enum {
    ALPROTO_UNKNOWN = FLOW_ALPROTO_UNKNOWN,
    ALPROTO_FAILED = FLOW_ALPROTO_FAILED,
#define AL_PROTO(id, name, parser) id,
#include "applayer/protocols.def"
#undef AL_PROTO
    ALPROTO_MAX
} AlProto;

/* ---- What a parser returns (STYLE: "consumed c, need n") ---- */
typedef enum {
    AL_OK = 0,     /* everything given was used (or skipped on purpose) */
    AL_MORE = 1,   /* consumed whole units only; `needed` bytes from the first unused one */
    AL_ERROR = -1, /* the data cannot be this protocol: the parser stops on this direction */
} AlStatus;

typedef struct {
    int status; /* AlStatus */
    uint32_t consumed;
    uint32_t needed; /* AL_MORE: bytes wanted from the first one not consumed; 0 if unknown */
} AlResult;

static inline AlResult
al_ok(uint32_t consumed)
{
    return (AlResult){.status = AL_OK, .consumed = consumed};
}

static inline AlResult
al_more(uint32_t consumed, uint32_t needed)
{
    return (AlResult){.status = AL_MORE, .consumed = consumed, .needed = needed};
}

static inline AlResult
al_error(uint32_t consumed)
{
    return (AlResult){.status = AL_ERROR, .consumed = consumed};
}

/* ---- Transactions ---- */

#define AL_TX_EVENT_MAX 8 /* events kept per transaction (app-layer-event:), as a packet's 15 */

/* The first member of every protocol's transaction (cf. Suricata's AppLayerTxData). The
 * framework allocates it (applayer_tx_new) and keeps the list; the parser fills the rest. */
typedef struct AlTx {
    struct AlTx *next; /* the flow's list, oldest first */
    uint64_t id;       /* 0, 1, ... per flow: EVE tx_id */
    uint32_t alloc_len;
    uint8_t dir;  /* FLOW_DIR_* of the message that made it (DNS: one message, one tx) */
    uint8_t dirs; /* bit 1 << FLOW_DIR_* per direction it has a message in (a request and its
                   * response); applayer_tx_new sets dir's, the parser the other's */
    /* Per direction: 1 when that side's message is complete, so detection inspects that
     * direction's buffers (once: detect_done). */
    uint8_t progress[2];
    bool complete;       /* nothing more will be added: the loggers may write it */
    bool logged;         /* written to EVE (or nothing to write) */
    uint8_t detect_done; /* bit 1 << FLOW_DIR_*: detection inspected it for that direction */
    uint8_t event_cnt;
    uint16_t events[AL_TX_EVENT_MAX]; /* the protocol's event ids (its events.def) */
} AlTx;

typedef struct AlFlow AlFlow; /* per-flow state: opaque outside applayer/ */

/* A new transaction of `size` bytes (at least sizeof(AlTx), zeroed) appended to af's list with
 * the next id: NULL at the memcap (counted) or when the flow holds AL_FLOW_TX_MAX unlogged ones
 * (the oldest are not dropped: the new one is, counted as applayer.tx_limit). */
AlTx *applayer_tx_new(AlFlow *af, size_t size, int dir);
/* Records event id on tx (its protocol's events.def); more than AL_TX_EVENT_MAX are dropped. */
void applayer_tx_event(AlTx *tx, unsigned id);
bool applayer_tx_has_event(const AlTx *tx, unsigned id);

/* The parser's state for af (what its state_size asked for, zeroed), borrowed. */
void *applayer_flow_state(AlFlow *af);
const void *applayer_flow_state_const(const AlFlow *af);

/* ---- Protocols ---- */

#define AL_IPPROTO_TCP 0x01
#define AL_IPPROTO_UDP 0x02

typedef enum {
    AL_PROBE_NO = 0,   /* these bytes are not the protocol */
    AL_PROBE_YES,      /* they are */
    AL_PROBE_NEED_MORE /* too few bytes to say */
} AlProbe;

/* What the parser is given: a StreamChunk (segments.h). For UDP, one datagram's payload with
 * STREAM_F_START | STREAM_F_EOF, so datagrams never run together. */
typedef struct {
    const char *name;      /* "dns": app-layer.protocols.<name>, app_proto, event_type */
    uint8_t ipprotos;      /* AL_IPPROTO_* where it runs */
    uint16_t default_port; /* detection-ports dp (both transports) unless configured */
    /* Probed on every port too, after the protocols whose detection port the flow has
     * (Suricata finds HTTP and TLS by their patterns anywhere: HTTP on 8081, TLS on 8443). */
    bool any_port;
    /* Are these first bytes of direction dir the protocol? tcp: stream data (a DNS message has
     * its 2-byte length there). */
    AlProbe (*probe)(int dir, Cursor c, bool tcp);
    size_t state_size; /* parser state per flow, zeroed, charged with the AlFlow */
    /* Parses in (direction dir); makes transactions with applayer_tx_new. The state is
     * applayer_flow_state(af). Called again with the unconsumed bytes and more. */
    AlResult (*parse)(AlFlow *af, int dir, bool tcp, const StreamChunk *in);
    /* Frees what the parser hung on tx (not tx itself); NULL: nothing. */
    void (*tx_free)(AlFlow *af, AlTx *tx);
    /* The flow ends: the last data was parsed (a response body without a length ends here).
     * Afterwards the framework marks every transaction complete in both directions. NULL:
     * nothing to finish. */
    void (*flow_end)(AlFlow *af);
    /* The record's protocol object ("dns": {...}) for tx, into jb with its key; alerts on tx
     * carry the same object. */
    void (*log_tx)(JsonBuf *jb, const AlFlow *af, const AlTx *tx);
    bool log_tx_id; /* its records have "tx_id" in the header (Suricata's http; dns has its own) */
    /* Files the transaction carried (an HTTP body): how many, and the idx-th one's "fileinfo"
     * object ({filename, gaps, state, stored, size, tx_id}) into jb under key (NULL: an array
     * element, for an alert's "files"); file_dir gives the direction it went (FLOW_DIR_*).
     * NULL: the protocol carries none. Written once the tx is complete, one fileinfo record
     * each (outputs.eve-log.types.files). */
    unsigned (*file_count)(const AlTx *tx);
    void (*log_file)(JsonBuf *jb, const char *key, const AlFlow *af, const AlTx *tx, unsigned idx);
    int (*file_dir)(const AlTx *tx, unsigned idx);
    /* Alerts on a transaction: "ts_progress" / "tc_progress", Suricata's name of how far the
     * tx is in direction dir ("request_complete", "client_hello_done"); NULL: not written. */
    const char *(*progress_name)(const AlTx *tx, int dir);
    /* Its transaction events: name of an id ("malformed_data"), id of a name (-1: none). */
    const char *(*event_name)(unsigned id);
    int (*event_lookup)(const char *name);
} AlParser;

/* The parser of a protocol id, NULL for unknown/failed/out of range. */
const AlParser *applayer_parser(unsigned alproto);
/* "dns"; "unknown" and "failed" for 0 and 1; NULL past the table. */
const char *applayer_proto_name(unsigned alproto);
/* The id of a name as rules and configs write it (case matters, as in Suricata), or -1. */
int applayer_proto_lookup(const char *name, size_t len);

/* ---- Configuration ---- */

typedef struct {
    bool enabled;    /* app-layer.protocols.<p>.enabled (both transports) */
    bool tcp, udp;   /* .tcp.enabled / .udp.enabled where the protocol has them */
    uint16_t tcp_dp; /* .tcp.detection-ports.dp (first port) */
    uint16_t udp_dp; /* .udp.detection-ports.dp */
} AlProtoConfig;

typedef struct {
    uint64_t memcap; /* app-layer.protocols.dns.memcap... one budget for all parsers */
    AlProtoConfig proto[ALPROTO_MAX];
    /* app-layer.protocols.http.libhtp.default-config.request-body-limit, response-body-limit:
     * body bytes an HTTP transaction keeps per side (FLOW_DIR_*); 0: no limit */
    uint64_t http_body_limit[2];
    /* app-layer.protocols.tls.ja3-fingerprints, .ja4-fingerprints: "auto", "yes" or "no" (a
     * YAML boolean too); "" is auto. Read by tls/log.c. */
    char tls_ja3[8], tls_ja4[8];
} AppLayerConfig;

void applayer_config_default(AppLayerConfig *cfg);

/* ---- Per worker ---- */

typedef struct AppLayerThread AppLayerThread; /* opaque */

/* mc: the worker's Memcap for app-layer state, borrowed until applayer_thread_free; cfg too.
 * NULL: out of memory (logged). */
AppLayerThread *applayer_thread_new(const AppLayerConfig *cfg, Memcap *mc);
void applayer_thread_free(AppLayerThread *al); /* accepts NULL; flows must be freed first */

/* app_layer.flow.<proto>, app_layer.tx.<proto> (Suricata's names); then sekimori's own. */
const CounterSet *applayer_thread_counters(const AppLayerThread *al);
const CounterSet *applayer_thread_counters_own(const AppLayerThread *al);

/* ---- Per packet ---- */

/* UDP: p's payload (p->flow set by flow_handle_packet) to the flow's protocol, detected first
 * if still unknown. Other packets are ignored. */
void applayer_packet(AppLayerThread *al, Flow *f, const Packet *p);

/* TCP: one chunk of direction dir from the stream's app feed; returns the bytes consumed
 * (stream_app_consumed's n). Detection runs first on the direction's first bytes; a chunk
 * after a gap is handed on as a gap. */
size_t applayer_stream(AppLayerThread *al, Flow *f, int dir, const StreamChunk *ch);
/* Will the app layer read more of f's direction dir, whose next unread byte is at stream offset
 * next_offset? False once no parser runs there (no protocol found in the probe window, or the
 * parser gave up): the stream may then stop keeping those bytes for it (stream_app_done). */
bool applayer_stream_wants(const Flow *f, int dir, uint64_t next_offset);
/* Did the last applayer_stream calls of f complete a message in direction dir (a transaction's
 * side became complete)? Reading clears it: the runtime then triggers raw stream inspection. */
bool applayer_take_raw_trigger(Flow *f, int dir);

/* ---- Transactions for detection ----
 * buffers.def lists the sticky buffers the protocols offer rules ("dns.query"): detect/ makes
 * each one a list of its buffer table (no edit to detect/ for a new one). A getter gives the
 * idx-th instance of its buffer in tx (a DNS request has several questions: the rule matches
 * if any instance does), built in scratch (cap bytes) when it is not a run of stored bytes;
 * false past the last one. dir is the direction being inspected (FLOW_DIR_*): an AL_DIR_BOTH
 * buffer gives that side's. */
#define AL_DIR_BOTH 2 /* a buffer both directions have (http.header: request or response) */
#define TX_BUFFER(id, name, proto, bdir, get)                                                      \
    bool get(const AlTx *tx, int dir, uint32_t idx, uint8_t *scratch, size_t cap, Cursor *out);
#include "applayer/buffers.def"
#undef TX_BUFFER

/* The transaction of f whose id is tx_id, or NULL (freed, or none). */
AlTx *applayer_tx_find(const Flow *f, uint64_t tx_id);

/* The flow's oldest transaction (the rest through AlTx.next), or NULL. */
AlTx *applayer_tx_first(const Flow *f);

/* ---- Transactions for the loggers ---- */

/* The flow's next complete transaction not yet logged after `prev` (NULL: from the oldest), or
 * NULL. */
AlTx *applayer_tx_next_unlogged(Flow *f, AlTx *prev);
/* The AlFlow of f (NULL when the app layer keeps nothing for it). */
const AlFlow *applayer_flow(const Flow *f);

/* Frees f's oldest transactions that are logged and, when detecting, inspected in each of
 * their directions (a response parsed on the client's acknowledgement is inspected at the next
 * server packet, or at flow end). */
void applayer_tx_prune(AppLayerThread *al, Flow *f, bool detecting);

/* ---- Flow end ----
 * FLOW_END_STEP_APPLAYER: after the stream's last bytes went to the parser (the runtime feeds
 * them), the parser's flow_end, then every transaction complete in both directions, for
 * detection's and the loggers' last pass. applayer_flow_free (FLOW_END_STEP_FREE) gives the
 * state back. */
void applayer_flow_end(AppLayerThread *al, Flow *f);
void applayer_flow_free(AppLayerThread *al, Flow *f);

/* ---- Events raised on packets (protocol detection): PKT_EVENT_SRC_APPLAYER ---- */
typedef enum {
#define EVENT(id, name) id,
#include "applayer/events.def"
#undef EVENT
    APPLAYER_EVENT_MAX
} AppLayerEvent;

const char *applayer_event_name(unsigned id);

#endif
