/* header_events.c: the event keywords (decode-event, stream-event, app-layer-event) and
 * app-layer-protocol. An event keyword matches a PktEvent on the packet by source and id:
 * decode's ids are events.def's (decode_event_lookup); the stream's and the app layer's packet
 * events are numbered by the tables here, which those stages raise by (detect.h:
 * detect_stream_event_id, detect_applayer_event_id), so a name means one id everywhere.
 * Names compare without case, as Suricata's. */
#include "detect/detect.h"
#include "detect/detect_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "applayer/applayer.h"
#include "core/log.h"
#include "decode/decode.h"
#include "flow/flow.h"
#include "stream/stream.h"

/* Event names are short; a longer value is no event name. */
#define EVENT_NAME_MAX 64

typedef struct {
    PktEvent ev;
    bool never; /* a name Suricata knows but nothing in sekimori raises yet */
} EventCtx;

static bool
event_match(struct DetectThread *dt, const Packet *p, const Signature *s, const void *ctx)
{
    const EventCtx *e = ctx;
    (void)dt, (void)s;
    return !e->never && packet_has_event(p, e->ev);
}

static const DetectSmOps event_ops = {.match = event_match};

static SkResult
event_attach(Signature *s, DetectKeywordId kw, PktEventSrc src, int id, char *err)
{
    EventCtx *e = malloc(sizeof(*e));
    if (e == NULL) {
        return detect_nomem(err);
    }
    e->never = id < 0;
    e->ev = PKT_EVENT(src, id < 0 ? 0 : id);
    return sig_match_append(s, DETECT_LIST_MATCH, kw, &event_ops, e, err);
}

/* Copies a name of Suricata's event characters (letters, digits, '_', '.', '+') into out in
 * lower case; false for anything else (blanks were trimmed by the rule parser). */
static bool
event_name(const char *arg, char out[EVENT_NAME_MAX])
{
    size_t n = strlen(arg);
    if (n == 0 || n >= EVENT_NAME_MAX) {
        return false;
    }
    for (size_t i = 0; i <= n; i++) {
        char c = arg[i];
        if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
                     || c == '+' || c == '\0')) {
            return false;
        }
        out[i] = c;
    }
    return true;
}

static int
name_cmp(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

/* ---- decode-event ---- */

/* Decoder events Suricata 8.0.7 accepts in rules that sekimori's decoder does not raise (ARP
 * and NSH are not decoded; defrag's "ignored" and UDP's hlen_invalid have no counterpart).
 * Their rules load, as in Suricata, and never match. Sorted. */
static const char *const decode_never[] = {
    "arp.invalid_hardware_size", "arp.invalid_pkt",          "arp.invalid_protocol_size",
    "arp.pkt_too_small",         "arp.unsupported_hardware", "arp.unsupported_opcode",
    "arp.unsupported_protocol",  "ipv4.frag_ignored",        "ipv6.frag_ignored",
    "nsh.bad_header_length",     "nsh.header_too_small",     "nsh.reserved_type",
    "nsh.unknown_payload",       "nsh.unsupported_type",     "nsh.unsupported_version",
    "udp.hlen_invalid",
};

SkResult
kw_decode_event_setup(Signature *s, const char *arg, char *err)
{
    char name[EVENT_NAME_MAX];
    int id;
    if (!event_name(arg, name)) {
        return detect_err(err, "invalid decode-event value \"%.40s\"", arg);
    }
    id = decode_event_lookup(name);
    if (id < 0
        && bsearch(name, decode_never, sizeof(decode_never) / sizeof(decode_never[0]),
                   sizeof(decode_never[0]), name_cmp)
               == NULL) {
        return detect_err(err, "unknown decode event \"decoder.%.40s\"", arg);
    }
    if (strcmp(name, "udp.hlen_invalid") == 0) {
        /* retired in Suricata 8.0.7: the rule loads, with its warning */
        log_warn("detect: decode-event keyword no longer supports event \"decoder.%s\"", name);
    }
    return event_attach(s, DETECT_KW_DECODE_EVENT, PKT_EVENT_SRC_DECODE, id, err);
}

/* ---- stream-event ---- */

/* The TCP stream's events are the stream stage's one list (stream/events.def): its ids are
 * the ones the stream raises, and the rule spellings it knows (stream_event_lookup). */

static int
table_id(const char *const *table, size_t cnt, const char *name)
{
    char lower[EVENT_NAME_MAX];
    const char *const *hit;
    if (name == NULL || !event_name(name, lower)) {
        return -1;
    }
    hit = bsearch(lower, table, cnt, sizeof(table[0]), name_cmp);
    return hit == NULL ? -1 : (int)(hit - table);
}

int
detect_stream_event_id(const char *name)
{
    char lower[EVENT_NAME_MAX];
    if (name == NULL || !event_name(name, lower)) {
        return -1;
    }
    return stream_event_lookup(lower);
}

const char *
detect_stream_event_name(unsigned id)
{
    return stream_event_name(id);
}

SkResult
kw_stream_event_setup(Signature *s, const char *arg, char *err)
{
    int id = detect_stream_event_id(arg);
    if (id < 0) {
        return detect_err(err, "unknown decode event \"stream.%.40s\"", arg);
    }
    return event_attach(s, DETECT_KW_STREAM_EVENT, PKT_EVENT_SRC_STREAM, id, err);
}

/* ---- app-layer-event ---- */

/* The app layer's packet events (protocol detection), named without a protocol. Sorted; the
 * index is the id. */
static const char *const applayer_events[] = {
    "applayer_detect_protocol_only_one_direction",
    "applayer_mismatch_protocol_both_directions",
    "applayer_no_tls_after_starttls",
    "applayer_proto_detection_skipped",
    "applayer_unexpected_protocol",
    "applayer_wrong_direction_first_data",
};
#define APPLAYER_EVENT_CNT (sizeof(applayer_events) / sizeof(applayer_events[0]))

int
detect_applayer_event_id(const char *name)
{
    return table_id(applayer_events, APPLAYER_EVENT_CNT, name);
}

const char *
detect_applayer_event_name(unsigned id)
{
    return id < APPLAYER_EVENT_CNT ? applayer_events[id] : NULL;
}

/* Suricata 8's application protocols enabled by its default configuration, as rules name them
 * (case matters); the disabled ones (dnp3, enip, modbus, pgsql) fail there and here. */
static const char *const alprotos[] = {
    "bittorrent-dht",
    "dcerpc",
    "dhcp",
    "dns",
    "doh2",
    "ftp",
    "ftp-data",
    "http",
    "http1",
    "http2",
    "ike",
    "ikev2",
    "imap",
    "krb5",
    "ldap",
    "mdns",
    "mqtt",
    "nfs",
    "ntp",
    "pop3",
    "quic",
    "rdp",
    "rfb",
    "sip",
    "smb",
    "smtp",
    "snmp",
    "ssh",
    "telnet",
    "tftp",
    "tls",
    "websocket",
};

static bool
alproto_known(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof(alprotos) / sizeof(alprotos[0]); i++) {
        if (strlen(alprotos[i]) == len && strncmp(alprotos[i], name, len) == 0) {
            return true;
        }
    }
    return false;
}

/* A transaction event: the protocol's event id, tested on the transaction inspected. */
typedef struct {
    uint16_t id;
} TxEventCtx;

static bool
tx_event_match(struct DetectThread *dt, const AlTx *tx, int dir, const void *ctx)
{
    const TxEventCtx *c = ctx;
    (void)dt;
    (void)dir;
    return applayer_tx_has_event(tx, c->id);
}

static const DetectSmOps tx_event_ops = {.tx_match = tx_event_match};

/* "proto.event" names a transaction event of that protocol: the rule loads when the protocol
 * is known (Suricata 8.0.7 loads an unknown event name of a known protocol, logging it). For a
 * protocol sekimori parses, the event is tested on its transactions (kept on AlTx, raised by
 * the parser); for the others it matches nothing. A name without a protocol is a packet
 * event of the app layer (PKT_EVENT_SRC_APPLAYER). */
SkResult
kw_app_layer_event_setup(Signature *s, const char *arg, char *err)
{
    const char *dot = strchr(arg, '.');
    int id;
    if (dot != NULL) {
        if (!alproto_known(arg, (size_t)(dot - arg))) {
            return detect_err(err,
                              "app-layer-event keyword supplied with unknown protocol \"%.*s\"",
                              (int)(dot - arg < 40 ? dot - arg : 40), arg);
        }
        int alproto = applayer_proto_lookup(arg, (size_t)(dot - arg));
        const AlParser *ap = alproto > 0 ? applayer_parser((unsigned)alproto) : NULL;
        int ev = ap != NULL && ap->event_lookup != NULL ? ap->event_lookup(dot + 1) : -1;
        if (ev >= 0) {
            TxEventCtx *c = malloc(sizeof(*c));
            if (c == NULL) {
                return detect_nomem(err);
            }
            c->id = (uint16_t)ev;
            return detect_tx_keyword_add(s, DETECT_KW_APP_LAYER_EVENT, &tx_event_ops, c,
                                         (unsigned)alproto, 3, err);
        }
        return event_attach(s, DETECT_KW_APP_LAYER_EVENT, PKT_EVENT_SRC_APPLAYER, -1, err);
    }
    id = detect_applayer_event_id(arg);
    if (id < 0) {
        return detect_err(err,
                          "app-layer-event keyword supplied with packet based event - \"%.40s\" "
                          "that isn't supported yet",
                          arg);
    }
    return event_attach(s, DETECT_KW_APP_LAYER_EVENT, PKT_EVENT_SRC_APPLAYER, id, err);
}

/* ---- app-layer-protocol: [!]name[,mode] ---- */

#define ALPROTO_NO_ID 0xffff /* a protocol the app layer has no id for yet */

typedef struct {
    uint16_t alproto; /* FLOW_ALPROTO_*, or ALPROTO_NO_ID */
    bool negated;
    bool any_state; /* final/original: compares even an undetected flow */
} AlprotoCtx;

/* The flow keeps one protocol for both directions, so direction, to_server, to_client and
 * either all read it; Suricata's per-direction answers come with the app layer. */
static bool
alproto_match(struct DetectThread *dt, const Packet *p, const Signature *s, const void *ctx)
{
    const AlprotoCtx *a = ctx;
    (void)dt, (void)s;
    if (p->flow == NULL || a->alproto == ALPROTO_NO_ID) {
        /* Named protocols never match until the app layer gives them ids: matching
         * "!http" on every detected flow would be wrong once it does. */
        return false;
    }
    /* An undetected flow has no protocol to compare yet; final/original name "unknown" itself
     * (detect-app-layer-protocol-03: "!http,final" stays quiet until the flow is decided). */
    if (p->flow->alproto == FLOW_ALPROTO_UNKNOWN
        && (!a->any_state || a->alproto != FLOW_ALPROTO_UNKNOWN)) {
        return false;
    }
    return (p->flow->alproto == a->alproto) != a->negated;
}

static const DetectSmOps alproto_ops = {.match = alproto_match};

SkResult
kw_app_layer_protocol_setup(Signature *s, const char *arg, char *err)
{
    static const char *const modes[] = {"direction", "either", "to_server",
                                        "to_client", "final",  "original"};
    AlprotoCtx a = {0};
    const char *p = arg;
    const char *comma;
    size_t len;
    if (*p == '!') {
        a.negated = true;
        p++;
    }
    while (*p == ' ') {
        p++;
    }
    comma = strchr(p, ',');
    len = comma != NULL ? (size_t)(comma - p) : strlen(p);
    while (len > 0 && p[len - 1] == ' ') {
        len--;
    }
    if (len == 6 && strncmp(p, "failed", 6) == 0) {
        a.alproto = FLOW_ALPROTO_FAILED;
    } else if (len == 7 && strncmp(p, "unknown", 7) == 0) {
        a.alproto = FLOW_ALPROTO_UNKNOWN;
    } else if (applayer_proto_lookup(p, len) > (int)ALPROTO_FAILED) {
        a.alproto = (uint16_t)applayer_proto_lookup(p, len); /* a protocol the app layer has */
    } else if (alproto_known(p, len)) {
        a.alproto = ALPROTO_NO_ID;
    } else {
        return detect_err(err, "app-layer-protocol keyword supplied with unknown protocol \"%.*s\"",
                          (int)(len < 40 ? len : 40), p);
    }
    if (comma != NULL) {
        const char *m = comma + 1;
        size_t i;
        while (*m == ' ') {
            m++;
        }
        for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
            if (strcmp(m, modes[i]) == 0) {
                break;
            }
        }
        if (i == sizeof(modes) / sizeof(modes[0])) {
            return detect_err(err,
                              "app-layer-protocol keyword supplied with unknown qualifier "
                              "\"%.40s\"",
                              m);
        }
        a.any_state = i >= 4;
    }
    AlprotoCtx *ctx = malloc(sizeof(*ctx));
    if (ctx == NULL) {
        return detect_nomem(err);
    }
    *ctx = a;
    return sig_match_append(s, DETECT_LIST_MATCH, DETECT_KW_APP_LAYER_PROTOCOL, &alproto_ops, ctx,
                            err);
}
