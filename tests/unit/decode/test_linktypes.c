/* test_linktypes.c: the link types added for issue 13. NFLOG (both attribute byte orders,
 * padding, a payload after other attributes), IEEE 802.11 alone and behind radiotap (extended
 * present words, TSFT alignment, FCS, QoS and four-address headers, and the frames that stop
 * at the link layer), packets of a link type nobody decodes counted, and the reader's list of
 * decoded link types checked against decode itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "capture/capture.h"
#include "test_util.h"

/* IPv4 without options: ver/ihl, tos, total; id, flags/offset; ttl, protocol, checksum;
 * 10.0.0.1 > 10.0.0.2 */
#define IP4(total, proto) "45 00 " total " 0001 0000 40 " proto " 0000 0a000001 0a000002 "
/* IPv6: version/class/label; payload length, next header, hop limit; 2001:db8::1 > ::2 */
#define IP6(plen, nh, hlim)                                                                        \
    "60000000 " plen " " nh " " hlim " 20010db8000000000000000000000001 "                          \
    "20010db8000000000000000000000002 "
/* UDP 1024 > 53: ports, length, checksum */
#define UDP53(len) "0400 0035 " len " 0000 "
/* 802.11 addresses: receiver, transmitter, BSSID */
#define WLAN_ADDRS "020000000002 020000000001 020000000003 "
/* LLC/SNAP (RFC 1042) to an ethertype */
#define SNAP(type) "aa aa 03 000000 " type " "

#define LT_IEEE80211 105
#define LT_RADIOTAP 127
#define LT_NFLOG 239

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

static void
nflog_payload_is_decoded_in_either_byte_order(void **state)
{
    (void)state;
    uint64_t before = test_counter(dt, "decoder.nflog");
    Packet *p =
        test_decode_hex(dt, &tp, LT_NFLOG,
                        "02 00 0000"          /* AF_INET, version 0, resource id 0 */
                        "0800 0100 08000300"  /* little-endian TLV: length 8, NFULA_PACKET_HDR */
                        "0700 0a00 616263 00" /* length 7, NFULA_PREFIX "abc", padding to 4 */
                        "2000 0900"           /* length 32, NFULA_PAYLOAD */
                        IP4("001c", "11") UDP53("0008"));
    assert_int_equal(p->ip_ver, 4);
    assert_int_equal(p->proto, 17);
    assert_int_equal(p->dp, 53);
    assert_int_equal(p->event_cnt, 0);

    p = test_decode_hex(dt, &tp, LT_NFLOG,
                        "0a 00 0001"          /* AF_INET6, resource id 1 */
                        "0007 000a 616263 00" /* big-endian TLV: length 7, NFULA_PREFIX, padding */
                        "0034 0009"           /* length 52, NFULA_PAYLOAD */
                        IP6("0008", "11", "40") UDP53("0008"));
    assert_int_equal(p->ip_ver, 6);
    assert_int_equal(p->dp, 53);
    assert_int_equal(p->event_cnt, 0);
    assert_int_equal(test_counter(dt, "decoder.nflog"), before + 2);
}

static void
nflog_without_payload_or_with_a_lying_tlv(void **state)
{
    (void)state;
    /* Header only, and attributes without a payload: nothing past the link layer, no event. */
    Packet *p = test_decode_hex(dt, &tp, LT_NFLOG, "02 00 0000");
    assert_int_equal(p->ip_ver, 0);
    assert_int_equal(p->event_cnt, 0);
    p = test_decode_hex(dt, &tp, LT_NFLOG, "02 00 0000 0800 0100 08000300");
    assert_int_equal(p->ip_ver, 0);
    assert_int_equal(p->event_cnt, 0);

    /* A TLV running past the packet, after a good one. */
    p = test_decode_hex(dt, &tp, LT_NFLOG, "02 00 0000 0800 0100 08000300 ff00 0900 4500");
    assert_true(packet_has_event(p, DECODE_NFLOG_MALFORMED_TLV));
    assert_true(p->flags & PKT_F_INVALID);
    assert_int_equal(p->ip_ver, 0);

    /* The payload's IPv4 header lies about its length: the IPv4 decoder says so. */
    p = test_decode_hex(dt, &tp, LT_NFLOG, "02 00 0000 1800 0900" IP4("0040", "11"));
    assert_true(packet_has_event(p, DECODE_IPV4_TRUNC_PKT));
}

static void
radiotap_qos_data_frame_reaches_udp(void **state)
{
    (void)state;
    uint64_t rt = test_counter(dt, "decoder.radiotap");
    uint64_t wlan = test_counter(dt, "decoder.ieee80211");
    Packet *p =
        test_decode_hex(dt, &tp, LT_RADIOTAP,
                        "00 00 1200 03000000" /* version 0, length 18, present: TSFT, flags */
                        "0102030405060708"    /* TSFT, aligned to 8 at offset 8 */
                        "10 00"               /* flags: FCS at the end; one byte of padding */
                        "88 01 0000"          /* QoS data, to the DS; duration */
                        WLAN_ADDRS "1000"     /* sequence 1, fragment 0 */
                        "0000"                /* QoS control */
                        SNAP("0800") IP4("001c", "11") UDP53("0008") "deadbeef"); /* FCS */
    assert_int_equal(p->ip_ver, 4);
    assert_int_equal(p->dp, 53);
    assert_int_equal(p->event_cnt, 0);
    assert_int_equal(test_counter(dt, "decoder.radiotap"), rt + 1);
    assert_int_equal(test_counter(dt, "decoder.ieee80211"), wlan + 1);

    /* Two present words: TSFT is aligned to 8 from the header's start, past both. */
    p = test_decode_hex(
        dt, &tp, LT_RADIOTAP,
        "00 00 1900 03000080 00000000" /* length 25, present: TSFT, flags, another word */
        "00000000"                     /* padding to 16 */
        "0102030405060708 00"          /* TSFT, flags: no FCS */
        "08 02 0000"                   /* data, from the DS */
        WLAN_ADDRS "2000" SNAP("86dd") IP6("0008", "11", "40") UDP53("0008"));
    assert_int_equal(p->ip_ver, 6);
    assert_int_equal(p->event_cnt, 0);
}

static void
ieee80211_four_address_and_qos_htc_headers(void **state)
{
    (void)state;
    Packet *p = test_decode_hex(dt, &tp, LT_IEEE80211,
                                "08 03 0000" WLAN_ADDRS "3000" /* data, to and from the DS */
                                "020000000004"                 /* fourth address */
                                SNAP("0800") IP4("001c", "11") UDP53("0008"));
    assert_int_equal(p->ip_ver, 4);
    p = test_decode_hex(dt, &tp, LT_IEEE80211,
                        "88 82 0000" WLAN_ADDRS
                        "4000"                 /* QoS data, from the DS, order bit: HT control */
                        "0000 00000000"        /* QoS control, HT control */
                        "aa aa 03 0000f8 0800" /* bridge-tunnel SNAP */
                        IP4("001c", "11") UDP53("0008"));
    assert_int_equal(p->ip_ver, 4);
    assert_int_equal(p->event_cnt, 0);
}

static void
ieee80211_frames_that_stop_at_the_link_layer(void **state)
{
    (void)state;
    static const char *const frames[] = {
        "80 00 0000" WLAN_ADDRS "0000 0000000000000000",    /* beacon (management) */
        "d4 00 0000 020000000001",                          /* ACK (control) */
        "48 01 0000" WLAN_ADDRS "0000",                     /* null function: no data */
        "08 41 0000" WLAN_ADDRS "0000 0000000000000000",    /* protected: encrypted */
        "08 05 0000" WLAN_ADDRS "0000" SNAP("0800") "4500", /* more fragments */
        "08 01 0000" WLAN_ADDRS "0100"
        "45000000",                                         /* fragment 1 */
        "88 01 0000" WLAN_ADDRS "0000 8000" SNAP("0800"),   /* A-MSDU */
        "08 01 0000" WLAN_ADDRS "0000 4242 03 000000 0800", /* LLC, not SNAP */
    };
    for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
        Packet *p = test_decode_hex(dt, &tp, LT_IEEE80211, frames[i]);
        if (p->ip_ver != 0 || p->event_cnt != 0) {
            fail_msg("frame %zu: ip_ver %u, %u events", i, p->ip_ver, p->event_cnt);
        }
    }
    /* Radiotap saying the FCS did not check: not decoded, however good the rest looks. */
    Packet *p = test_decode_hex(dt, &tp, LT_RADIOTAP,
                                "00 00 0900 02000000 40" /* length 9, flags: bad FCS */
                                "08 01 0000" WLAN_ADDRS "0000" SNAP("0800") IP4("001c", "11")
                                    UDP53("0008") "00000000");
    assert_int_equal(p->ip_ver, 0);
    assert_int_equal(p->event_cnt, 0);
    /* A data frame cut inside its LLC header. */
    p = test_decode_hex(dt, &tp, LT_IEEE80211, "08 01 0000" WLAN_ADDRS "0000 aaaa03");
    assert_true(packet_has_event(p, DECODE_IEEE80211_PKT_TOO_SMALL));
    /* A radiotap header whose extended present words run past its length. */
    p = test_decode_hex(dt, &tp, LT_RADIOTAP, "00 00 0c00 00000080 00000080 00000000");
    assert_true(packet_has_event(p, DECODE_RADIOTAP_PKT_TOO_SMALL));
}

/* The reader's list (capture_linktype_decoded) and decode_link's switch are two lists of one
 * fact: a packet of every link type the reader calls decoded must not count as unknown, and
 * every other must. */
static void
reader_and_decoder_agree_on_link_types(void **state)
{
    (void)state;
    unsigned decoded = 0;

    for (uint32_t lt = 0; lt <= UINT16_MAX; lt++) {
        uint64_t before = test_counter(dt, "decoder.unknown_linktype");
        (void)test_decode_hex(dt, &tp, (uint16_t)lt, "00");
        bool unknown = test_counter(dt, "decoder.unknown_linktype") == before + 1;

        if (unknown == capture_linktype_decoded((uint16_t)lt)) {
            fail_msg("link type %u: reader says %s, decoder %s", lt,
                     capture_linktype_decoded((uint16_t)lt) ? "decoded" : "not decoded",
                     unknown ? "counts it unknown" : "decodes it");
        }
        decoded += !unknown;
    }
    assert_int_equal(decoded, 15);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nflog_payload_is_decoded_in_either_byte_order),
        cmocka_unit_test(nflog_without_payload_or_with_a_lying_tlv),
        cmocka_unit_test(radiotap_qos_data_frame_reaches_udp),
        cmocka_unit_test(ieee80211_four_address_and_qos_htc_headers),
        cmocka_unit_test(ieee80211_frames_that_stop_at_the_link_layer),
        cmocka_unit_test(reader_and_decoder_agree_on_link_types),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
