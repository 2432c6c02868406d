/* checksum.c: Internet checksums (RFC 1071) of a decoded packet, on demand. Decode never calls
 * these: Suricata raises no decoder event for a bad checksum, and most packets are never asked.
 * The ipv4-csum / tcpv4-csum ... keywords and stream.checksum-validation are the callers. */
#include "decode/decode-int.h"

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* One's complement sum of c's bytes, an odd last byte padded with zero, returned folded to
 * 16 bits in network order. The stream checks every TCP packet (stream.checksum-validation),
 * so this is the one loop that reads every payload byte: it sums in the machine's own byte
 * order and swaps once at the end, which gives the same sum (RFC 1071 2(B): the sum is
 * independent of byte order), and it adds 32-bit words into 64-bit lanes, folding the carries
 * a 16-bit sum would fold at once only at the end (RFC 1071 2(A), 2(C)). A 64-bit lane takes
 * 2^32 words before it could overflow, far more than a packet holds. The loops index only
 * [c.p, c.p + c.left): the cursor's own bytes. */
/* The native-order sum of a few 32-bit words (n a multiple of 4: the pseudo-header's parts),
 * inline: three calls of the loop below per packet cost more than the words. */
static inline uint64_t
words32(const uint8_t *b, size_t n)
{
    uint64_t s = 0;
    for (size_t i = 0; i + 4 <= n; i += 4) {
        uint32_t w;
        memcpy(&w, b + i, sizeof(w));
        s += w;
    }
    return s;
}

static uint64_t
csum_native(const uint8_t *b, size_t n)
{
    uint64_t s0 = 0, s1 = 0;
    size_t i = 0;
#if defined(__SSE2__)
    /* Two 64-bit lanes per register: each 16-byte block's four 32-bit words are widened
     * (interleaved with zeros) and added. Two accumulators hide the adds' latency. */
    __m128i z = _mm_setzero_si128(), a0 = z, a1 = z;
    for (; i + 64 <= n; i += 64) {
        const __m128i *q = (const __m128i *)(const void *)(b + i);
        __m128i v0 = _mm_loadu_si128(q), v1 = _mm_loadu_si128(q + 1);
        __m128i v2 = _mm_loadu_si128(q + 2), v3 = _mm_loadu_si128(q + 3);
        a0 = _mm_add_epi64(a0, _mm_add_epi64(_mm_unpacklo_epi32(v0, z), _mm_unpacklo_epi32(v1, z)));
        a1 = _mm_add_epi64(a1, _mm_add_epi64(_mm_unpackhi_epi32(v0, z), _mm_unpackhi_epi32(v1, z)));
        a0 = _mm_add_epi64(a0, _mm_add_epi64(_mm_unpacklo_epi32(v2, z), _mm_unpacklo_epi32(v3, z)));
        a1 = _mm_add_epi64(a1, _mm_add_epi64(_mm_unpackhi_epi32(v2, z), _mm_unpackhi_epi32(v3, z)));
    }
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + i));
        a0 = _mm_add_epi64(a0, _mm_unpacklo_epi32(v, z));
        a1 = _mm_add_epi64(a1, _mm_unpackhi_epi32(v, z));
    }
    uint64_t lanes[4];
    _mm_storeu_si128((__m128i *)(void *)lanes, a0);
    _mm_storeu_si128((__m128i *)(void *)(lanes + 2), a1);
    s0 = lanes[0] + lanes[2];
    s1 = lanes[1] + lanes[3];
#endif
    for (; i + 8 <= n; i += 8) {
        uint32_t w[2];
        memcpy(w, b + i, sizeof(w));
        s0 += w[0];
        s1 += w[1];
    }
    if (i + 4 <= n) {
        uint32_t w;
        memcpy(&w, b + i, sizeof(w));
        s0 += w;
        i += 4;
    }
    if (i + 2 <= n) {
        uint16_t w;
        memcpy(&w, b + i, sizeof(w));
        s1 += w;
        i += 2;
    }
    if (i < n) {
        /* The pad byte follows the last one: in memory order the pair is (b, 0). */
        uint8_t pair[2] = {b[i], 0};
        uint16_t w;
        memcpy(&w, pair, sizeof(w));
        s1 += w;
    }
    /* s0 + s1 cannot overflow: each is below 2^32 * (n / 4 + 1). */
    return s0 + s1;
}

static uint32_t
csum_add(uint32_t sum, Cursor c)
{
    uint64_t s = csum_native(c.p, c.left);
    while (s >> 16) {
        s = (s & 0xffff) + (s >> 16);
    }
    /* Back to network order: on a big-endian machine the native order already is. */
    uint16_t n16 = (uint16_t)s;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    n16 = (uint16_t)((n16 >> 8) | (n16 << 8));
#endif
    uint32_t t = sum + n16;
    while (t >> 16) {
        t = (t & 0xffff) + (t >> 16);
    }
    return t;
}

static uint16_t
csum_fold(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)sum;
}

bool
decode_ipv4_checksum_ok(const Packet *p)
{
    if (p->ip_ver != 4) {
        return true;
    }
    Cursor l3 = cur_init(p->data + p->l3_off, p->l3_len);
    uint8_t vhl = 0;
    Cursor hdr;
    if (!cur_peek_u8(&l3, 0, &vhl) || !cur_take(&l3, (vhl & 0x0fu) * 4u, &hdr)) {
        return true;
    }
    return csum_fold(csum_add(0, hdr)) == 0xffff;
}

bool
decode_l4_checksum_ok(const Packet *p)
{
    if (p->ip_ver == 0 || (p->flags & PKT_F_FRAGMENT) || p->l4_len == 0) {
        return true;
    }
    Cursor l4 = packet_l4(p);
    size_t csum_off;
    switch (p->proto) {
    case SK_IPPROTO_TCP:
        csum_off = 16;
        break;
    case SK_IPPROTO_UDP:
        csum_off = 6;
        break;
    case SK_IPPROTO_ICMP:
    case SK_IPPROTO_ICMPV6:
        csum_off = 2;
        break;
    default:
        return true;
    }
    uint16_t wire = 0;
    if (!cur_peek_be16(&l4, csum_off, &wire)) {
        return true;
    }
    /* RFC 768: a zero UDP checksum over IPv4 means none was computed. */
    if (p->proto == SK_IPPROTO_UDP && p->ip_ver == 4 && wire == 0) {
        return true;
    }
    /* A cut capture (snaplen) leaves too few bytes to verify: no verdict, so not "bad". */
    const Packet *root = p;
    while (root->parent != NULL) { /* at most PKT_TUNNEL_DEPTH_MAX steps */
        root = root->parent;
    }
    if (root->wire_len > root->len) {
        return true;
    }
    /* Every part summed in native order and folded once: the verdict, all ones, reads the
     * same in either byte order (RFC 1071 2(B)). The parts have even lengths but the last, so
     * each starts on a 16-bit word of the whole. */
    uint64_t sum = 0;
    if (!(p->proto == SK_IPPROTO_ICMP)) {
        size_t alen = p->ip_ver == 4 ? 4 : 16;
        /* Pseudo-header length and protocol (RFC 9293 3.1, RFC 8200 8.1). */
        uint32_t len = (uint32_t)l4.left;
        uint8_t ph[8] = {(uint8_t)(len >> 24),
                         (uint8_t)(len >> 16),
                         (uint8_t)(len >> 8),
                         (uint8_t)len,
                         0,
                         0,
                         0,
                         p->proto};
        sum = words32(p->src.b, alen) + words32(p->dst.b, alen) + words32(ph, sizeof(ph));
    }
    sum += csum_native(l4.p, l4.left);
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return sum == 0xffff;
}
