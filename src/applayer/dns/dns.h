/* dns/dns.h: DNS over UDP and TCP (RFC 1035), for applayer/, its tests and the dns keywords of
 * detect/ (through the accessors below). One message is
 * one transaction, as in Suricata 8 (a request and its response are two, with their own
 * tx_id). The message is copied into its transaction once its sections are checked; the
 * logger and the keywords walk the copy again through the same bounded reader, so nothing is
 * parsed into per-record allocations.
 *
 * Bounds, each counted or raised as Suricata's event: DNS_NAME_MAX characters per name
 * (name_too_long), DNS_LABELS_MAX labels (too_many_labels), DNS_JUMPS_MAX compression pointers
 * per name (infinite_loop), DNS_RECORDS_MAX records per section read (the rest of the section
 * is left unread), applayer's AL_FLOW_TX_MAX transactions per flow. */
#ifndef SK_APPLAYER_DNS_DNS_H
#define SK_APPLAYER_DNS_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "applayer/applayer.h"
#include "core/config.h"

#define DNS_HDR_LEN 12
#define DNS_NAME_MAX 1025  /* characters of a name as logged (dots included) */
#define DNS_LABELS_MAX 255 /* labels per name */
#define DNS_JUMPS_MAX 127  /* compression pointers followed per name */
#define DNS_RECORDS_MAX 256

typedef enum {
#define EVENT(id, name) id,
#include "applayer/dns/events.def"
#undef EVENT
    DNS_EVENT_MAX
} DnsEvent;

/* Sections, in message order. */
enum { DNS_SEC_QD = 0, DNS_SEC_AN, DNS_SEC_NS, DNS_SEC_AR, DNS_SEC_MAX };

/* Where a record that read whole sits in the message: its name, and its TYPE field (CLASS,
 * TTL, RDLENGTH and the rdata follow it). Messages are at most 65,535 bytes. */
typedef struct {
    uint16_t name_off, type_off;
} DnsRecPos;

typedef struct {
    AlTx base;
    uint16_t id, flags;
    uint16_t cnt[DNS_SEC_MAX]; /* records of each section that read whole (at most the header's) */
    bool valid;                /* header and questions read: logged */
    uint32_t msg_len;
    /* cnt[0] + ... + cnt[3] positions, section after section, in the same allocation after
     * msg: the keywords reach the idx-th record without reading the ones before it. */
    const DnsRecPos *rec;
    uint8_t msg[]; /* the message */
} DnsTx;

typedef struct {
    uint32_t tx_cnt; /* transactions made, for the per-flow bound */
} DnsState;

/* One record, as the reader hands it: name already read into the caller's buffer. */
typedef struct {
    uint16_t type, klass;
    uint32_t ttl;
    Cursor rdata; /* within the message */
    size_t rdata_off;
    size_t name_off, type_off; /* where the record and its TYPE field start */
    bool name_cut;             /* its name was cut at DNS_NAME_MAX (name_too_long) */
} DnsRecord;

/* A name at *off within msg (len bytes), written dotted into out (cap >= DNS_NAME_MAX + 1,
 * NUL-terminated; bytes escaped as dns_name_escape does) with its length in *out_len; *off
 * moves past the name as it sits at *off (a pointer ends it). False when the name does not
 * read: *event says why (DNS_EVENT_*, or DNS_EVENT_MAX for plain truncation). A name longer
 * than DNS_NAME_MAX reads (true) with *event DNS_EVENT_NAME_TOO_LONG, cut there. */
bool dns_name_read(const uint8_t *msg, size_t len, size_t *off, char *out, size_t cap,
                   size_t *out_len, unsigned *event);

/* The questions and records of a message, in order: every call reads the next one; false at
 * the end of the sections or on the first that does not read. */
typedef struct {
    const uint8_t *msg;
    size_t len, off;
    uint8_t sec;
    uint16_t left[DNS_SEC_MAX];
} DnsReader;

void dns_reader_init(DnsReader *r, const uint8_t *msg, size_t len, const uint16_t cnt[DNS_SEC_MAX]);
/* rec->type/klass only for a question. *sec: the record's section. */
bool dns_reader_next(DnsReader *r, char *name, size_t *name_len, DnsRecord *rec, uint8_t *sec,
                     unsigned *event);

/* "A", "AAAA", ... or NULL for a type Suricata logs as a number. */
const char *dns_rrtype_name(uint16_t type);
/* "NOERROR", ... or NULL for a code Suricata logs as a number. */
const char *dns_rcode_name(uint16_t rcode);

/* ---- For the keywords (detect/keywords/dns.c) and the buffers (detect.c) ---- */

/* The header's OPCODE and RCODE (4 bits each) of a transaction's message. */
unsigned dns_tx_opcode(const AlTx *tx);
unsigned dns_tx_rcode(const AlTx *tx);
/* The idx-th TYPE dns.rrtype tests: a request's questions', a response's answers' (not its
 * questions', as Suricata 8.0.7 reads them); false past the last. */
bool dns_tx_rrtype(const AlTx *tx, uint32_t idx, uint16_t *type);
/* Record idx of section sec of tx, as the reader hands records (rec->rdata etc.), its name
 * dotted into name (cap >= DNS_NAME_MAX + 8). False past the section's last record. */
bool dns_tx_record(const DnsTx *tx, uint8_t sec, uint32_t idx, char *name, size_t cap,
                   size_t *name_len, DnsRecord *rec);
/* The name inside a record's rdata that Suricata's dns.response.rrname inspects (CNAME, NS,
 * PTR, MX's exchange, SOA's MNAME): its offset in the message, or false when the type has
 * none. */
bool dns_rdata_name_off(const DnsRecord *rec, size_t *off);
/* rrtype and rcode names as rules write them (case ignored): their value, or -1. */
int dns_rrtype_lookup(const char *name);
int dns_rcode_lookup(const char *name);

/* ---- The logger's options: outputs.eve-log.types.dns of one eve-log ---- */

#define DNS_LOG_TYPES_MAX 64
typedef struct {
    uint8_t version;          /* version: 3 (Suricata 8) or 2 (one record per question) */
    bool requests, responses; /* requests / responses */
    bool detailed, grouped;   /* formats: [detailed, grouped] */
    uint16_t type_cnt;        /* types: [a, aaaa, ...]; 0: every type */
    uint16_t types[DNS_LOG_TYPES_MAX];
} DnsLogConfig;

void dns_log_config_default(DnsLogConfig *cfg);
/* Reads the options map opts (the node of outputs.N.eve-log.types.M.dns; NULL: defaults) into
 * cfg; where names it in messages. SK_ERR_CONFIG (logged) for a bad value. The environment's
 * SURICATA_EVE_DNS_VERSION (2 or 3), which Suricata's tests set, overrides version. */
SkResult dns_log_config_read(const CfgNode *opts, const char *where, DnsLogConfig *cfg);
/* How many records tx makes under cfg: 0 when filtered out (requests: no, a types filter none
 * of its questions pass, a message that did not read), a version 2 request one per question
 * the filter passes, else 1. dns_log_record writes record idx's "dns" object. */
unsigned dns_log_records(const AlTx *tx, const DnsLogConfig *cfg);
/* The direction the record's header reads (eve_begin_packet_dir): the message's in version 3,
 * the flow's (client to server) for every version 2 record, as Suricata writes them. */
int dns_log_dir(const AlTx *tx, const DnsLogConfig *cfg);
void dns_log_record(JsonBuf *jb, const AlTx *tx, const DnsLogConfig *cfg, unsigned idx);

AlProbe dns_probe(int dir, Cursor c, bool tcp);
/* One whole message (without TCP's length) into a new transaction of af; events on it. */
void dns_message_parse(AlFlow *af, int dir, Cursor msg);
void dns_log_tx(JsonBuf *jb, const AlFlow *af, const AlTx *tx);

extern const AlParser dns_parser;

#endif
