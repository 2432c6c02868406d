/* tls/tls.h: SSL/TLS over TCP (RFC 5246, RFC 8446; SSLv2 hellos), private to applayer/, its
 * keywords (detect/keywords/tls.c) and its tests. As Suricata, a flow has one transaction
 * (tx_id 0): the client's hello, the server's hello and certificate chain, and what is
 * derived from them (JA3, JA3S, JA4, the first certificate's names and dates).
 *
 * The parser reads the record layer, puts handshake messages back together across records
 * (at most TLS_HS_MAX bytes per message), and stops reading handshake contents once a side
 * has sent its ChangeCipherSpec (or, TLS 1.3, once the server hello is read): from there on
 * records are only counted. The transaction is complete, and logged, when the server's
 * first flight is done (ServerHelloDone, its ChangeCipherSpec or encrypted data), or at flow
 * end.
 *
 * Memory: everything a transaction keeps (the hello's strings, each certificate's DER, the
 * decoded names) lives in blobs charged to the app layer's Memcap; a handshake message that
 * spans records is buffered per direction, charged the same way. At the cap the data is not
 * kept (the fields go missing) and the flow goes on. */
#ifndef SK_APPLAYER_TLS_TLS_H
#define SK_APPLAYER_TLS_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "applayer/applayer.h"

#define TLS_HS_MAX (256u * 1024) /* a handshake message longer is handshake_invalid_length */
#define TLS_CERTS_MAX 16         /* certificates of a chain kept (the rest are skipped) */

typedef enum {
#define EVENT(id, name) id,
#include "applayer/tls/events.def"
#undef EVENT
    TLS_EVENT_MAX
} TlsEvent;

/* SSL/TLS protocol versions as on the wire. */
#define TLS_V_SSL2 0x0002
#define TLS_V_SSL3 0x0300
#define TLS_V_10 0x0301
#define TLS_V_11 0x0302
#define TLS_V_12 0x0303
#define TLS_V_13 0x0304
#define TLS_V_13_DRAFT_OLD 0x7f00 /* 0x0304 in a server hello's version field: drafts < 16 */

/* Bytes the transaction owns (a blob), or nothing (p NULL, len 0). */
typedef struct {
    const uint8_t *p;
    uint32_t len;
} TlsBytes;

/* A list of byte strings in one blob: each entry a 2-byte big-endian length and its bytes. */
typedef struct {
    TlsBytes raw;
    uint32_t cnt;
} TlsList;

typedef struct TlsBlob TlsBlob;

/* A certificate's fields as Suricata logs them (x509.c). */
typedef struct {
    TlsBytes subject, issuer, serial, fingerprint;
    TlsList sans;                  /* subjectAltName DNS names and addresses */
    int64_t not_before, not_after; /* seconds since 1970 (UTC) */
} TlsCertFields;

/* tls_state_flags bits (ssl_state keyword): what the flow has seen. */
#define TLS_SEEN_CLIENT_HELLO 0x01
#define TLS_SEEN_SERVER_HELLO 0x02
#define TLS_SEEN_CLIENT_KEYX 0x04
#define TLS_SEEN_SERVER_KEYX 0x08
#define TLS_SEEN_UNKNOWN 0x10

typedef struct {
    AlTx base;
    TlsBlob *blobs; /* everything below points into these */
    uint32_t blob_len;

    uint8_t seen; /* TLS_SEEN_* */
    /* How far each side's handshake went, for alerts' ts_progress / tc_progress (Suricata's
     * names, tls_progress_name): client 0 in progress, 1 hello, 2 certificate, 3 handshake
     * done; server 0 in progress, 1 hello, 2 certificate, 3 hello done, 4 handshake done. */
    uint8_t cstate, sstate;
    bool resumed; /* TLS <= 1.2 without a certificate, resumed as Suricata sees it */
    bool sslv2;
    uint16_t client_version;        /* the client hello's (legacy) version */
    uint16_t server_version;        /* the server's choice: supported_versions, else the hello's */
    uint16_t record_version;        /* the first record's */
    uint16_t server_record_version; /* the server's first record's */

    TlsBytes sni;
    TlsList client_alpns, server_alpns;
    TlsBytes ja3, ja3s;               /* the strings; their MD5 below */
    char ja3_hash[33], ja3s_hash[33]; /* "" when there is no hello */
    char ja4[37];                     /* "" when there is no client hello */

    TlsList certs;        /* the server's chain, DER, first is the server's */
    TlsList client_certs; /* the client's, when asked for one */
    TlsBytes subject, issuer, serial, fingerprint; /* of the server's first certificate */
    TlsList sans;                                  /* its subjectAltName DNS names */
    int64_t not_before, not_after;                 /* seconds since 1970 (UTC) */
    bool have_cert;
    TlsCertFields client_cert; /* the client's first certificate, when it sent one */
    bool have_client_cert;
} TlsTx;

/* One direction of a flow. */
typedef struct {
    uint8_t *hs_buf; /* a handshake message split across records (charged: hs_cap) */
    uint32_t hs_len, hs_cap;
    bool encrypted; /* after its ChangeCipherSpec: handshake records are opaque */
    bool done;      /* its part of the handshake is over */
    bool lost;      /* a gap, or a record that cannot be TLS: nothing more is read */
    bool any;       /* a record was read */
    uint32_t records;
} TlsDir;

/* Per flow. The transaction pointer is cleared when the framework frees it (tls_tx_free). */
typedef struct {
    TlsTx *tx;
    bool tx_made; /* one per flow: never made again once freed */
    TlsDir d[2];
    uint8_t client_sid[32];
    uint8_t client_sid_len;
    bool tls13;          /* the server chose TLS 1.3: its handshake after the hello is encrypted */
    bool srv_hello_done; /* ServerHelloDone read */
    bool srv_appdata;    /* the server sent application data */
    bool sid_match;      /* the server hello took the client's session id back */
    bool ticket;         /* the client hello has a session_ticket extension */
} TlsState;

/* Accessors for the keywords. */
bool tls_list_get(const TlsList *l, uint32_t idx, TlsBytes *out);
/* "TLS 1.2", "TLSv1", "TLS 1.3 draft-23", ... as Suricata writes a version; others as the
 * decimal number. */
const char *tls_version_name(uint16_t v, char *buf, size_t cap);

AlProbe tls_probe(int dir, Cursor c, bool tcp);
void tls_log_tx(JsonBuf *jb, const AlFlow *af, const AlTx *tx);

/* Used by tls.c: the certificate's fields into out, kept in blobs of tx (x509.c). false: not
 * DER X.509 (nothing set), or dates that do not read (*event says). */
bool tls_cert_decode(AlFlow *af, TlsTx *tx, const uint8_t *der, size_t len, TlsCertFields *out,
                     unsigned *event);
/* A blob of n bytes charged to af's Memcap, hung on tx; NULL at the cap. */
uint8_t *tls_blob_new(AlFlow *af, TlsTx *tx, size_t n);
/* Copies n bytes into a new blob. */
bool tls_bytes_copy(AlFlow *af, TlsTx *tx, const void *p, size_t n, TlsBytes *out);

extern const AlParser tls_parser;

#endif
