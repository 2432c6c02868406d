/* header_int.h: what the header keyword files (header.c: IP; header_l4.c: TCP, UDP, ICMP,
 * dsize) share: header lengths, value parsing, attaching a packet test, the modifier bit test.
 * Private to those files. */
#ifndef SK_DETECT_KEYWORDS_HEADER_INT_H
#define SK_DETECT_KEYWORDS_HEADER_INT_H

#include "detect/detect_int.h"

#define IPV4_HDR_MIN 20
#define IPV6_HDR_LEN 40
#define TCP_HDR_MIN 20
#define UDP_HDR_LEN 8
#define ICMP_HDR_LEN 8 /* type, code, checksum, then 4 bytes (id and sequence for echo) */
#define ICMPV4_TS_HDR_LEN 20

const char *detect_hdr_skip_blanks(const char *p);
/* A decimal number of at most max and nothing after it but blanks (Suricata's seq, ack,
 * window, id, icmp_id: no sign, no hex). */
bool detect_hdr_parse_dec(const char *arg, uint64_t max, uint64_t *out);
/* Attaches a copy of val (size bytes) as the ctx of a packet test on DETECT_LIST_MATCH. */
SkResult detect_hdr_attach(Signature *s, DetectKeywordId kw, const DetectSmOps *ops,
                           const void *val, size_t size, char *err);
/* The keywords of the shared numeric form (uint.c): ttl, itype, icode, tcp.mss, dsize. */
SkResult detect_hdr_uint_setup(Signature *s, DetectKeywordId kw, const char *name,
                               const DetectSmOps *ops, const char *arg, uint64_t max, char *err);

/* Bit tests with Suricata's modifiers (fragbits, flags). */
enum { MOD_EXACT, MOD_PLUS, MOD_ANY, MOD_NOT };

static inline int
detect_hdr_modifier(char c)
{
    return c == '+' ? MOD_PLUS : c == '*' ? MOD_ANY : c == '!' ? MOD_NOT : -1;
}

/* none: exactly these bits; +: these and maybe others; *: any of these; !: not all of these. */
static inline bool
detect_hdr_bits_match(uint8_t have, uint8_t want, uint8_t mod)
{
    switch (mod) {
    case MOD_PLUS:
        return (have & want) == want;
    case MOD_ANY:
        return (have & want) != 0;
    case MOD_NOT:
        return (have & want) != want;
    default:
        return have == want;
    }
}

typedef struct {
    uint8_t bits;
    uint8_t mod;
    uint8_t ignore; /* flags only: bits masked off the packet's before the test */
} BitsCtx;

#endif
