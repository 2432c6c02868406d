/* http/http.h: HTTP/1.0 and 1.1 over TCP, private to applayer/, its detect keywords and tests.
 * libhtp (0.5, the C library Suricata used before 8) parses; this folder feeds it the stream,
 * turns its transactions into sekimori's (one HttpTx per request/response pair) and keeps a
 * copy of what rules and EVE read, so no libhtp object outlives the call that completed it.
 *
 * What a transaction keeps, per side (request, response): its line and header fields as text
 * (one block sized when the side's headers are complete), the header block as received (for
 * http.header.raw, http.start), and the body after transfer and content decoding, up to the
 * side's body limit (request-body-limit, response-body-limit). All of it is charged to the app
 * layer's Memcap; at the cap a side keeps less (what it has is counted as truncated).
 *
 * Bounds: libhtp's field limits (a header line), HTTP_HEADERS_MAX headers per message, the body
 * limits, HTTP_RAW_HEADER_MAX bytes of raw header block, HTTP_HTP_TX_MAX libhtp transactions
 * alive per flow (a client pipelining requests no response answers: the request side stops),
 * the decompression bomb limits of libhtp (ratio and time). */
#ifndef SK_APPLAYER_HTTP_HTTP_H
#define SK_APPLAYER_HTTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "applayer/applayer.h"

#define HTTP_HEADERS_MAX 1024      /* per message (libhtp's number-headers limit) */
#define HTTP_RAW_HEADER_MAX 65536  /* header block bytes kept per side */
#define HTTP_HTP_TX_MAX 512        /* libhtp transactions alive per flow */
#define HTTP_BODY_LIMIT_DEF 102400 /* request-body-limit, response-body-limit: 100 KiB */
#define HTTP_FIELD_LIMIT 18000     /* libhtp's hard limit on one header line */
#define HTTP_BOMB_LIMIT (1u << 20) /* decompressed bytes before the ratio check applies */
#define HTTP_HTP_TX_COST 2048      /* libhtp's own memory per transaction, an estimate */
#define HTTP_HTP_CONN_COST 16384   /* libhtp's connection parser and config, an estimate */
#define HTTP_PENDING_MAX 4
#define HTTP_GAP_FILL_MAX (16u << 20) /* a body hole filled for libhtp, at most */
#define HTTP_FEED_PIECE 4096          /* bytes handed to libhtp per call */

typedef enum {
#define EVENT(id, name) id,
#include "applayer/http/events.def"
#undef EVENT
    HTTP_EVENT_MAX
} HttpEvent;

enum { HTTP_REQ = 0, HTTP_RES = 1 }; /* a side: FLOW_DIR_TOSERVER, FLOW_DIR_TOCLIENT */

/* A run of bytes in a side's text block. A header's name and value sit in one run
 * "name: value" (http.request_header is that run). */
typedef struct {
    uint32_t off, len;
    bool set; /* the field exists (an empty one is still set) */
} HttpSpan;

typedef struct {
    HttpSpan name, value, line; /* line: "name: value" */
} HttpHeader;

/* A byte buffer that grows, charged to the app-layer Memcap as it does. */
typedef struct {
    uint8_t *p;
    uint32_t len, cap;
} HttpBuf;

typedef struct {
    bool done;     /* line and headers copied (text, hdr) */
    bool complete; /* libhtp finished the message */
    bool body_cut; /* the body went past what is kept (limit, memcap, hole) */
    void *mem;     /* hdr then text, one allocation of mem_len bytes (charged) */
    size_t mem_len;
    const HttpHeader *hdr; /* in message order */
    uint32_t hdr_cnt;
    const uint8_t *text; /* every span below points here */
    uint32_t text_len;
    HttpBuf raw_tmp;      /* the header block as it arrives, until the text is made */
    HttpBuf body;         /* decoded body, up to the limit */
    uint64_t body_seen;   /* decoded body bytes libhtp gave, all */
    uint64_t body_limit;  /* the side's body limit when the tx was made */
    uint64_t message_len; /* body bytes after transfer decoding (EVE length) */
    HttpSpan line, protocol;
    HttpSpan f[6];      /* HTTP_F_*: the side's own fields */
    bool gap;           /* a hole in the body (fileinfo gaps) */
    uint64_t gap_bytes; /* filler libhtp was fed for holes: not body, not EVE length */
    HttpSpan hbuf;      /* http.header: "Name: value\r\n" each, the cookie header left out */
    HttpSpan names;     /* http.header_names: "\r\n" Name "\r\n" ... "\r\n" */
    HttpSpan start;     /* http.start: line "\r\n" then the header block */
    HttpSpan raw;       /* http.header.raw: the header block as received */
    int port;           /* request: the port in the URI or Host, -1 none */
    int status;         /* response: the status number, <= 0 none or invalid */
} HttpSide;

enum {
    HTTP_F_METHOD = 0,
    HTTP_F_URI_RAW = 1,
    HTTP_F_URI = 2,
    HTTP_F_HOST = 3,
    HTTP_F_HOST_RAW = 4,
    HTTP_F_PATH = 5, /* the URI's path, decoded: a file's name */
};
enum { HTTP_F_STATUS = 0, HTTP_F_MSG = 1 };

typedef struct {
    AlTx base;
    HttpSide side[2];
    bool is_0_9;
    uint8_t htp_progress[2]; /* libhtp's request / response progress, last seen (alerts) */
} HttpTx;

struct htp_connp_t;
struct htp_cfg_t;

typedef struct {
    AlFlow *af;                /* back pointer for libhtp's callbacks */
    struct htp_connp_t *connp; /* NULL before the first data and after the end */
    struct htp_cfg_t *cfg;
    uint64_t charged;  /* libhtp estimates charged to the Memcap */
    uint32_t htp_live; /* libhtp transactions not yet destroyed */
    uint8_t cur_dir;   /* the direction being fed (libhtp's log callback) */
    bool ended;
    bool filling;     /* feeding a gap's filler: the body callbacks drop it */
    bool stopped[2];  /* a direction no longer fed (limit, gap in a header) */
    uint32_t gaps[2]; /* holes seen per direction */
    uint64_t body_limit[2];
    /* events libhtp logged before the transaction they belong to existed */
    uint16_t pending[2][HTTP_PENDING_MAX];
    uint8_t pending_cnt[2];
} HttpState;

/* ---- accessors (detect, log, tests) ---- */

/* The text of a span of side s (empty when not set). */
Cursor http_span(const HttpTx *tx, int s, HttpSpan sp);
/* The value of header name (case-insensitive) of side s: false when absent. */
bool http_header_get(const HttpTx *tx, int s, const char *name, Cursor *out);

AlProbe http_probe(int dir, Cursor c, bool tcp);
void http_log_tx(JsonBuf *jb, const AlFlow *af, const AlTx *tx);

/* Files (fileinfo): a side whose body had bytes is one, the request's first. */
unsigned http_file_count(const AlTx *tx);
int http_file_dir(const AlTx *tx, unsigned idx);
void http_log_file(JsonBuf *jb, const char *key, const AlFlow *af, const AlTx *tx, unsigned idx);

extern const AlParser http_parser;

#endif
