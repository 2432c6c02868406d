/* community_id.c: Community ID flow hashing (version 1, as specified by Corelight and used by
 * Suricata, Zeek and others), so one flow carries the same "community_id" in every tool's logs.
 *
 *   base64(SHA-1(seed(2) | src addr | dst addr | proto(1) | 0(1) | src port(2) | dst port(2)))
 *
 * with the endpoints ordered so both directions hash alike: the smaller (address, port) first.
 * ICMP and ICMPv6 use (type, code) as ports; a type with a counterpart (echo request and reply)
 * uses the counterpart as its "destination port" and is two-way, other types are one-way and
 * keep their order. Protocols without ports hash no port bytes.
 *
 * SHA-1 is OpenSSL's, through its low-level SHA1_* calls: OpenSSL 3 marks them deprecated in
 * favour of EVP, but EVP brings the provider machinery with it, megabytes that a static link
 * would copy in and that the shared library makes every process start pay to load. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "output/eve.h"

#include <openssl/sha.h>
#include <string.h>

#include "flow/flow.h"
#include "core/json.h"
#include "core/proto.h"

static bool
proto_has_ports(uint8_t proto)
{
    return proto == SK_IPPROTO_TCP || proto == SK_IPPROTO_UDP || proto == SK_IPPROTO_SCTP
           || proto == SK_IPPROTO_ICMP || proto == SK_IPPROTO_ICMPV6;
}

size_t
eve_community_id(uint16_t seed, uint8_t ip_ver, const SkAddr *src, const SkAddr *dst, uint8_t proto,
                 uint16_t sp, uint16_t dp, bool icmp, char *out)
{
    uint8_t buf[2 + 16 + 16 + 2 + 4];
    size_t alen = ip_ver == 4 ? 4 : 16;
    bool one_way = false;

    if (icmp) {
        /* sp/dp hold type and code: a type with a counterpart is two-way. */
        uint8_t peer = flow_icmp_counterpart(proto, (uint8_t)sp);
        if (peer == 255) {
            one_way = true;
        } else {
            dp = peer;
        }
    }
    if (!one_way) {
        packet_ends_order(&src, &dst, &sp, &dp);
    }
    size_t n = 0;
    buf[n++] = (uint8_t)(seed >> 8);
    buf[n++] = (uint8_t)seed;
    memcpy(buf + n, src->b, alen);
    n += alen;
    memcpy(buf + n, dst->b, alen);
    n += alen;
    buf[n++] = proto;
    buf[n++] = 0;
    if (proto_has_ports(proto)) {
        buf[n++] = (uint8_t)(sp >> 8);
        buf[n++] = (uint8_t)sp;
        buf[n++] = (uint8_t)(dp >> 8);
        buf[n++] = (uint8_t)dp;
    }

    uint8_t md[SHA_DIGEST_LENGTH];
    SHA_CTX ctx;
    if (SHA1_Init(&ctx) != 1 || SHA1_Update(&ctx, buf, n) != 1 || SHA1_Final(md, &ctx) != 1) {
        out[0] = '\0';
        return 0;
    }
    /* "1:" and 20 bytes of base64: 28 characters, the last one '='. */
    out[0] = '1';
    out[1] = ':';
    size_t len = 2 + json_base64_encode(md, sizeof(md), out + 2);
    out[len] = '\0';
    return len;
}
