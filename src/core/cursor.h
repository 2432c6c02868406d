/* cursor.h: the only code that indexes packet memory. A Cursor is the unread bytes of one layer;
 * every read either succeeds whole or fails and leaves the cursor where it was. A length read off
 * the wire narrows a cursor (cur_take); it never becomes a pointer offset in a parser. */
#ifndef SK_CORE_CURSOR_H
#define SK_CORE_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    const uint8_t *p; /* next unread byte */
    size_t left;      /* bytes from p to the end of the layer */
} Cursor;

#define CUR_MUST_CHECK __attribute__((warn_unused_result))

static inline Cursor
cur_init(const uint8_t *p, size_t len)
{
    Cursor c = {p, len};
    return c;
}

static inline CUR_MUST_CHECK bool
cur_u8(Cursor *c, uint8_t *v)
{
    if (c->left < 1) {
        return false;
    }
    *v = c->p[0];
    c->p++;
    c->left--;
    return true;
}

static inline CUR_MUST_CHECK bool
cur_be16(Cursor *c, uint16_t *v)
{
    if (c->left < 2) {
        return false;
    }
    *v = (uint16_t)((uint16_t)c->p[0] << 8 | c->p[1]);
    c->p += 2;
    c->left -= 2;
    return true;
}

static inline CUR_MUST_CHECK bool
cur_le16(Cursor *c, uint16_t *v)
{
    if (c->left < 2) {
        return false;
    }
    *v = (uint16_t)((uint16_t)c->p[1] << 8 | c->p[0]);
    c->p += 2;
    c->left -= 2;
    return true;
}

static inline CUR_MUST_CHECK bool
cur_be32(Cursor *c, uint32_t *v)
{
    if (c->left < 4) {
        return false;
    }
    *v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 | (uint32_t)c->p[2] << 8 | c->p[3];
    c->p += 4;
    c->left -= 4;
    return true;
}

static inline CUR_MUST_CHECK bool
cur_le32(Cursor *c, uint32_t *v)
{
    if (c->left < 4) {
        return false;
    }
    *v = (uint32_t)c->p[3] << 24 | (uint32_t)c->p[2] << 16 | (uint32_t)c->p[1] << 8 | c->p[0];
    c->p += 4;
    c->left -= 4;
    return true;
}

/* Copies n bytes out. */
static inline CUR_MUST_CHECK bool
cur_bytes(Cursor *c, void *dst, size_t n)
{
    if (c->left < n) {
        return false;
    }
    memcpy(dst, c->p, n);
    c->p += n;
    c->left -= n;
    return true;
}

static inline CUR_MUST_CHECK bool
cur_skip(Cursor *c, size_t n)
{
    if (c->left < n) {
        return false;
    }
    c->p += n;
    c->left -= n;
    return true;
}

/* Splits the next n bytes off into *sub and advances past them. */
static inline CUR_MUST_CHECK bool
cur_take(Cursor *c, size_t n, Cursor *sub)
{
    if (c->left < n) {
        return false;
    }
    sub->p = c->p;
    sub->left = n;
    c->p += n;
    c->left -= n;
    return true;
}

/* Reads without consuming. */
static inline CUR_MUST_CHECK bool
cur_peek_u8(const Cursor *c, size_t off, uint8_t *v)
{
    if (c->left <= off) {
        return false;
    }
    *v = c->p[off];
    return true;
}

static inline CUR_MUST_CHECK bool
cur_peek_be16(const Cursor *c, size_t off, uint16_t *v)
{
    if (c->left < 2 || c->left - 2 < off) {
        return false;
    }
    *v = (uint16_t)((uint16_t)c->p[off] << 8 | c->p[off + 1]);
    return true;
}

/* Drops bytes beyond n (a length field shorter than what was captured: Ethernet padding). */
static inline void
cur_truncate(Cursor *c, size_t n)
{
    if (n < c->left) {
        c->left = n;
    }
}

#endif
