/* null.c: BSD loopback encapsulation. DLT_NULL (0) writes the address family in the capturing
 * host's byte order, DLT_LOOP (108) in network order; captures travel between hosts, so both
 * orders are tried for either link type. IPv6's family number differs per OS. */
#include "decode/decode-int.h"

#define NULL_HDR_LEN 4
#define NULL_AF_INET 2
#define NULL_AF_INET6_LINUX 10
#define NULL_AF_INET6_WINSOCK 23
#define NULL_AF_INET6_BSD 24
#define NULL_AF_INET6_SOLARIS 26
#define NULL_AF_INET6_FREEBSD 28
#define NULL_AF_INET6_DARWIN 30

/* 4 for IPv4, 6 for IPv6, 0 for a family we do not decode. */
static int
null_family_version(uint32_t af)
{
    switch (af) {
    case NULL_AF_INET:
        return 4;
    case NULL_AF_INET6_LINUX:
    case NULL_AF_INET6_WINSOCK:
    case NULL_AF_INET6_BSD:
    case NULL_AF_INET6_SOLARIS:
    case NULL_AF_INET6_FREEBSD:
    case NULL_AF_INET6_DARWIN:
        return 6;
    default:
        return 0;
    }
}

DecodeStatus
decode_null(DecodeThread *dt, Packet *p, Cursor c)
{
    Cursor le = c;
    Cursor be = c;
    uint32_t af_le = 0;
    uint32_t af_be = 0;

    dctr_inc(dt, DCTR_NULL);
    if (!cur_le32(&le, &af_le) || !cur_be32(&be, &af_be) || !cur_skip(&c, NULL_HDR_LEN)) {
        return decode_fail(p, DECODE_LTNULL_PKT_TOO_SMALL);
    }
    int ver = null_family_version(af_le);
    if (ver == 0) {
        ver = null_family_version(af_be);
    }
    cur_truncate(&c, UINT16_MAX);
    switch (ver) {
    case 4:
        return decode_ipv4(dt, p, c);
    case 6:
        return decode_ipv6(dt, p, c);
    default:
        decode_event_set(p, DECODE_LTNULL_UNSUPPORTED_TYPE);
        return DECODE_OK;
    }
}
