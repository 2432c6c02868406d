/* checksum.c: Internet checksums (RFC 1071) of a decoded packet, on demand. Decode never calls
 * these: Suricata raises no decoder event for a bad checksum, and most packets are never asked.
 * The ipv4-csum / tcpv4-csum ... keywords and stream.checksum-validation are the callers. */
#include "decode/decode-int.h"

/* One's complement sum of c's bytes, an odd last byte padded with zero, returned folded to
 * 16 bits. Read 32 bits at a time into a 64-bit sum: the carries a 16-bit sum would fold at
 * once are folded at the end instead, which gives the same sum (RFC 1071 2(A), 2(B)) in a
 * quarter of the steps; the stream checks every TCP packet (stream.checksum-validation). */
static uint32_t
csum_add(uint32_t sum, Cursor c)
{
    uint64_t s = sum;
    uint32_t w32 = 0;
    uint16_t w = 0;
    uint8_t b = 0;
    while (cur_be32(&c, &w32)) {
        s += w32;
    }
    if (cur_be16(&c, &w)) {
        s += w;
    }
    if (cur_u8(&c, &b)) {
        s += (uint32_t)b << 8;
    }
    while (s >> 16) {
        s = (s & 0xffff) + (s >> 16);
    }
    return (uint32_t)s;
}

static uint32_t
csum_add_bytes(uint32_t sum, const uint8_t *b, size_t n)
{
    return csum_add(sum, cur_init(b, n));
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
    uint32_t sum = 0;
    if (!(p->proto == SK_IPPROTO_ICMP)) {
        size_t alen = p->ip_ver == 4 ? 4 : 16;
        uint8_t ph[8] = {0};
        sum = csum_add_bytes(sum, p->src.b, alen);
        sum = csum_add_bytes(sum, p->dst.b, alen);
        /* Pseudo-header length and protocol (RFC 793 / RFC 8200 8.1). */
        uint32_t len = (uint32_t)l4.left;
        ph[0] = (uint8_t)(len >> 24);
        ph[1] = (uint8_t)(len >> 16);
        ph[2] = (uint8_t)(len >> 8);
        ph[3] = (uint8_t)len;
        ph[7] = p->proto;
        sum = csum_add_bytes(sum, ph, sizeof(ph));
    }
    sum = csum_add(sum, l4);
    return csum_fold(sum) == 0xffff;
}
