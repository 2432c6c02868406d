/* test_checksum.c: the TCP/UDP checksum check against a plain RFC 1071 sum written out here
 * byte pair by byte pair: every payload length from 0 to 300 (odd ones end in a pad byte;
 * long ones take the 32-byte block loop and every tail after it), over IPv4 and IPv6 (the
 * payload at two offsets from a 16-byte boundary); and a one-bit change anywhere is bad. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"

static DecodeThread *dt;
static TestPacket tp;

static int
setup(void **state)
{
    (void)state;
    DecodeConfig cfg;
    decode_config_default(&cfg);
    dt = decode_thread_new(&cfg);
    return dt == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
    (void)state;
    decode_thread_free(dt);
    dt = NULL;
    return 0;
}

/* RFC 1071 4.1, 16 bits at a time in network order, a last odd byte padded with zero. */
static uint32_t
ref_sum(uint32_t sum, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2) {
        sum += (uint32_t)(b[i] << 8 | b[i + 1]);
    }
    if (n & 1) {
        sum += (uint32_t)b[n - 1] << 8;
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return sum;
}

#define ETH_LEN 14
#define IP4_LEN 20
#define IP6_LEN 40
#define TCP_LEN 20

/* Ethernet + IP + TCP (ports 1024 > 80, ACK) + len payload bytes of a varied pattern, at
 * raw; the TCP checksum filled in by the reference. Returns the frame length. */
static size_t
build(uint8_t *raw, int ipv, size_t len, uint8_t salt)
{
    size_t ip_len = ipv == 4 ? IP4_LEN : IP6_LEN;
    size_t l4 = TCP_LEN + len;
    uint8_t *ip = raw + ETH_LEN, *tcp = ip + ip_len;
    memset(raw, 0, ETH_LEN + ip_len + l4);
    raw[5] = 2; /* destination 00..02, source 00..01 */
    raw[11] = 1;
    if (ipv == 4) {
        raw[12] = 0x08;
        ip[0] = 0x45;
        ip[2] = (uint8_t)((IP4_LEN + l4) >> 8);
        ip[3] = (uint8_t)(IP4_LEN + l4);
        ip[8] = 64;
        ip[9] = 6;
        memcpy(ip + 12, (const uint8_t[]){10, 0, 0, 1, 10, 0, 0, 2}, 8);
        uint16_t c = (uint16_t)~ref_sum(0, ip, IP4_LEN);
        ip[10] = (uint8_t)(c >> 8);
        ip[11] = (uint8_t)c;
    } else {
        raw[12] = 0x86;
        raw[13] = 0xdd;
        ip[0] = 0x60;
        ip[4] = (uint8_t)(l4 >> 8);
        ip[5] = (uint8_t)l4;
        ip[6] = 6;
        ip[7] = 64;
        ip[8] = 0x20;
        ip[9] = 0x01;
        ip[23] = 1;
        ip[24] = 0x20;
        ip[25] = 0x01;
        ip[39] = 2;
    }
    tcp[0] = 0x04; /* 1024 > 80 */
    tcp[3] = 80;
    tcp[7] = 1;     /* seq 1 */
    tcp[12] = 0x50; /* offset 5 */
    tcp[13] = 0x10; /* ACK */
    tcp[14] = 0xff; /* window */
    for (size_t i = 0; i < len; i++) {
        tcp[TCP_LEN + i] = (uint8_t)(i * 37u + salt + (i >> 3));
    }
    /* Pseudo-header: addresses, length, protocol (RFC 9293 3.1, RFC 8200 8.1). */
    size_t alen = ipv == 4 ? 4 : 16;
    const uint8_t *src = ipv == 4 ? ip + 12 : ip + 8;
    uint8_t ph[8] = {0, 0, (uint8_t)(l4 >> 8), (uint8_t)l4, 0, 0, 0, 6};
    uint32_t s = ref_sum(0, src, 2 * alen);
    s = ref_sum(s, ph, sizeof(ph));
    s = ref_sum(s, tcp, l4);
    uint16_t c = (uint16_t)~s;
    tcp[16] = (uint8_t)(c >> 8);
    tcp[17] = (uint8_t)c;
    return ETH_LEN + ip_len + l4;
}

static void
every_length_and_alignment_matches_rfc1071(void **state)
{
    (void)state;
    static uint8_t raw[2048];
    for (int ipv = 4; ipv <= 6; ipv += 2) {
        for (size_t len = 0; len <= 300; len++) {
            size_t n = build(raw, ipv, len, (uint8_t)len);
            Packet *p = test_decode(dt, &tp, LINKTYPE_ETHERNET, raw, n);
            assert_int_equal(p->payload_len, len);
            if (!decode_l4_checksum_ok(p)) {
                fail_msg("IPv%d, %zu payload bytes: good checksum refused", ipv, len);
            }
        }
    }
}

static void
one_flipped_bit_anywhere_is_bad(void **state)
{
    (void)state;
    static uint8_t raw[2048];
    for (int ipv = 4; ipv <= 6; ipv += 2) {
        size_t len = 77; /* blocks, then every tail size */
        size_t n = build(raw, ipv, len, 5);
        size_t tcp_off = ETH_LEN + (ipv == 4 ? IP4_LEN : IP6_LEN);
        for (size_t i = tcp_off + TCP_LEN; i < n; i++) {
            uint8_t keep = raw[i];
            raw[i] ^= (uint8_t)(1u << (i % 8));
            Packet *p = test_decode(dt, &tp, LINKTYPE_ETHERNET, raw, n);
            if (decode_l4_checksum_ok(p)) {
                fail_msg("IPv%d: payload byte %zu changed, checksum still good", ipv, i - tcp_off);
            }
            raw[i] = keep;
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_length_and_alignment_matches_rfc1071),
        cmocka_unit_test(one_flipped_bit_anywhere_is_bad),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
