/* json.h: a streaming JSON writer. Fields are appended straight into a byte buffer the caller
 * owns: no tree per event, no allocation per field. The writer tracks only whether a comma is
 * due at each nesting level. Keys are the engine's own constants and are written as given;
 * string values are escaped (they may come from the network). It lives in core/ so that
 * every stage can write its own EVE objects (an app-layer protocol's "http": {...}) without
 * including output/. */
#ifndef SK_CORE_JSON_H
#define SK_CORE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_DEPTH_MAX 16

typedef struct {
    char *buf;
    size_t len, cap;
    uint8_t depth;
    bool comma[JSON_DEPTH_MAX]; /* a value was written at this level */
    bool oom;                   /* a grow failed: the record is dropped by the caller */
} JsonBuf;

bool json_init(JsonBuf *jb, size_t cap); /* false: out of memory */
void json_fini(JsonBuf *jb);
void json_reset(JsonBuf *jb);

/* key is NULL inside arrays and for the top-level object. */
void json_open_obj(JsonBuf *jb, const char *key);
void json_close_obj(JsonBuf *jb);
void json_open_arr(JsonBuf *jb, const char *key);
void json_close_arr(JsonBuf *jb);
void json_str(JsonBuf *jb, const char *key, const char *val);
/* For strings the engine made itself (timestamps, addresses, names from its tables), which
 * need no escaping: the caller promises printable ASCII without '"' or '\\'. */
void json_str_plain(JsonBuf *jb, const char *key, const char *val, size_t n);
void json_strn(JsonBuf *jb, const char *key, const char *val, size_t n);
void json_u64(JsonBuf *jb, const char *key, uint64_t v);
void json_i64(JsonBuf *jb, const char *key, int64_t v);
void json_bool(JsonBuf *jb, const char *key, bool v);
/* Binary data as a base64 string (RFC 4648, padded), e.g. a packet's bytes. */
void json_base64(JsonBuf *jb, const char *key, const uint8_t *data, size_t n);
/* The same encoding into out (room for (n + 2) / 3 * 4 bytes, no terminator); returns its
 * length. */
size_t json_base64_encode(const uint8_t *data, size_t n, char *out);
/* Ends a record: appends the newline that separates EVE lines. */
void json_end_line(JsonBuf *jb);
/* A value already in JSON form (a number formatted by the caller). */
void json_raw(JsonBuf *jb, const char *key, const char *raw, size_t n);

#endif
