/* test_events.c: every event decode raises, each from a packet built to raise it (one table
 * line per events.def line that decode raises), and every events.def name checked against
 * Suricata's decoder-events.rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"

#ifndef SK_SHARED_DIR
#define SK_SHARED_DIR "../shared"
#endif

/* Header building blocks; every field is named in the macro's comment. */
/* Ethernet: destination, source, ethertype */
#define ETH(type) "000000000002 000000000001 " type " "
/* IPv4, 20 bytes: ver/ihl, tos, total length; id, flags/offset; ttl, protocol, checksum;
 * 10.0.0.1 > 10.0.0.2 */
#define IP4(total, proto) "45 00 " total " 0000 0000 40 " proto " 0000 0a000001 0a000002 "
/* IPv6, 40 bytes: version/class/label; payload length, next header, hop limit;
 * 2001:db8::1 > 2001:db8::2 */
#define IP6(plen, nh, hlim)                                                                        \
    "60000000 " plen " " nh " " hlim " 20010db8000000000000000000000001 "                          \
    "20010db8000000000000000000000002 "

#define LT_ETH LINKTYPE_ETHERNET
#define LT_RAW LINKTYPE_RAW

typedef struct {
    DecodeEvent ev;
    uint16_t linktype;
    const char *hex;
} EventCase;

static const EventCase event_cases[] = {
    /* ---- IPv4 (raw IP link type unless the check needs the IPv4 decoder called directly) */
    {DECODE_IPV4_PKT_TOO_SMALL, LT_RAW, "45000013 00000000 40060000 0a000001 0a0000"}, /* 19 */
    {DECODE_IPV4_HLEN_TOO_SMALL, LT_RAW,
     "44 00 0014 0000 0000 40 06 0000 0a000001 0a000002"},            /* ihl 4: 16-byte header */
    {DECODE_IPV4_IPLEN_SMALLER_THAN_HLEN, LT_RAW, IP4("0010", "06")}, /* total 16 < 20 */
    {DECODE_IPV4_TRUNC_PKT, LT_RAW, IP4("003c", "06")},               /* total 60, have 20 */
    {DECODE_IPV4_OPT_INVALID, LT_RAW,
     "46 00 0018 0000 0000 40 fd 0000 0a000001 0a000002" /* ihl 6, protocol 253 */
     "ff 04 0000"},                                      /* option 255, length 4 */
    {DECODE_IPV4_OPT_INVALID_LEN, LT_RAW,
     "46 00 0018 0000 0000 40 fd 0000 0a000001 0a000002"
     "07 08 04 00"}, /* record route, length 8 > the 4 bytes left */
    {DECODE_IPV4_OPT_MALFORMED, LT_RAW,
     "46 00 0018 0000 0000 40 fd 0000 0a000001 0a000002"
     "07 03 01 00"}, /* record route, length 3, pointer 1 (< 4); EOL */
    {DECODE_IPV4_OPT_PAD_REQUIRED, LT_RAW,
     "46 00 0018 0000 0000 40 fd 0000 0a000001 0a000002"
     "01 01 01 00"}, /* NOP NOP NOP EOL: 4 bytes, not a multiple of 8 */
    {DECODE_IPV4_WITH_ICMPV6, LT_RAW, IP4("0014", "3a")}, /* protocol 58 over IPv4 */
    {DECODE_IPV4_OPT_EOL_REQUIRED, LT_RAW,
     "46 00 0018 0000 0000 40 fd 0000 0a000001 0a000002"
     "01 01 01 07"}, /* NOP NOP NOP, then a lone record-route type byte */
    {DECODE_IPV4_OPT_DUPLICATE, LT_RAW,
     "47 00 001c 0000 0000 40 fd 0000 0a000001 0a000002"
     "94 04 0000"   /* router alert */
     "94 04 0000"}, /* router alert again */
    {DECODE_IPV4_WRONG_IP_VERSION, LT_ETH,
     ETH("0800") "55 00 0014 0000 0000 40 06 0000 0a000001 0a000002"}, /* version 5 */

    /* ---- IPv6 */
    {DECODE_IPV6_PKT_TOO_SMALL, LT_RAW,
     "60000000 0000 3b 40 20010db8000000000000000000000001"},         /* 24 of 40 bytes */
    {DECODE_IPV6_TRUNC_PKT, LT_RAW, IP6("0008", "3b", "40")},         /* payload 8, none present */
    {DECODE_IPV6_TRUNC_EXTHDR, LT_RAW, IP6("0001", "00", "40") "3b"}, /* 1-byte hop-by-hop */
    {DECODE_IPV6_EXTHDR_DUPL_FH, LT_RAW,
     IP6("0010", "2c",
         "40") "2c 00 0000 00000001"   /* fragment: next fragment, offset 0, M 0, id 1 */
               "3b 00 0000 00000001"}, /* a second fragment header */
    {DECODE_IPV6_EXTHDR_USELESS_FH, LT_RAW,
     IP6("0008", "2c", "40") "3b 00 0000 00000001"}, /* offset 0, M 0: atomic */
    {DECODE_IPV6_EXTHDR_DUPL_RH, LT_RAW,
     IP6("0010", "2b",
         "40") "2b 00 02 00 00000000" /* routing: next routing, length 0, type 2, segments left 0 */
               "3b 00 02 00 00000000"}, /* routing again */
    {DECODE_IPV6_EXTHDR_DUPL_HH, LT_RAW,
     IP6("0010", "00", "40") "00 00 01 04 00000000"   /* hop-by-hop: next hop-by-hop, PadN 4 */
                             "3b 00 01 04 00000000"}, /* hop-by-hop again */
    {DECODE_IPV6_EXTHDR_DUPL_DH, LT_RAW,
     IP6("0018", "3c", "40") "3c 00 01 04 00000000"   /* destination options, PadN 4 */
                             "3c 00 01 04 00000000"   /* the second one is legal (RFC 8200 4.1) */
                             "3b 00 01 04 00000000"}, /* the third is not */
    {DECODE_IPV6_EXTHDR_DUPL_AH, LT_RAW,
     IP6("0018", "33",
         "40") "33 01 0000 00000001 00000001" /* AH: next AH, length 1 (12 bytes), reserved, SPI, seq */
               "3b 01 0000 00000001 00000002"}, /* AH again */
    {DECODE_IPV6_EXTHDR_INVALID_OPTLEN, LT_RAW,
     IP6("0008", "00", "40") "3b 00 05 08 00000000"}, /* router alert option, length 8 > 4 */
    {DECODE_IPV6_WRONG_IP_VERSION, LT_ETH,
     ETH("86dd") IP4("0028", "06") "00000000 00000000 00000000 00000000 00000000"}, /* v4 */
    {DECODE_IPV6_EXTHDR_AH_RES_NOT_NULL, LT_RAW,
     IP6("000c", "33", "40") "3b 01 0001 00000001 00000001"}, /* AH reserved 1 */
    {DECODE_IPV6_HOPOPTS_UNKNOWN_OPT, LT_RAW,
     IP6("0008", "00", "40") "3b 00 1e 04 00000000"}, /* option 0x1e, length 4 */
    {DECODE_IPV6_HOPOPTS_ONLY_PADDING, LT_RAW,
     IP6("0008", "00", "40") "3b 00 01 04 00000000"}, /* PadN 4 and nothing else */
    {DECODE_IPV6_DSTOPTS_UNKNOWN_OPT, LT_RAW, IP6("0008", "3c", "40") "3b 00 1e 04 00000000"},
    {DECODE_IPV6_DSTOPTS_ONLY_PADDING, LT_RAW, IP6("0008", "3c", "40") "3b 00 01 04 00000000"},
    {DECODE_IPV6_RH_TYPE_0, LT_RAW,
     IP6("0008", "2b", "40") "3b 00 00 00 00000000"}, /* routing type 0 (RFC 5095) */
    {DECODE_IPV6_ZERO_LEN_PADN, LT_RAW,
     IP6("0008", "00", "40") "3b 00 01 00 01 02 0000"}, /* PadN 0, PadN 2 */
    {DECODE_IPV6_FH_NON_ZERO_RES_FIELD, LT_RAW,
     IP6("0008", "2c", "40") "3b 01 0000 00000001"}, /* reserved byte 1 */
    {DECODE_IPV6_DATA_AFTER_NONE_HEADER, LT_RAW, IP6("0004", "3b", "40") "deadbeef"},
    {DECODE_IPV6_UNKNOWN_NEXT_HEADER, LT_RAW, IP6("0000", "fd", "40")}, /* 253 */
    {DECODE_IPV6_WITH_ICMPV4, LT_RAW, IP6("0000", "01", "40")},
    {DECODE_IPV6_FRAG_INVALID_LENGTH, LT_RAW,
     IP6("000b", "2c", "40") "11 00 0001 00000001 aabbcc"}, /* M 1, 3 data bytes */
    {DECODE_IPV4_IN_IPV6_PKT_TOO_SMALL, LT_RAW, IP6("0004", "04", "40") "45000004"},
    {DECODE_IPV4_IN_IPV6_WRONG_IP_VER, LT_RAW, IP6("0014", "04", "40") IP4("0014", "06")
     /* placeholder replaced below: the inner version must not be 4 */},
    {DECODE_IPV6_IN_IPV6_PKT_TOO_SMALL, LT_RAW, IP6("0004", "29", "40") "60000000"},
    {DECODE_IPV6_IN_IPV6_WRONG_IP_VER, LT_RAW,
     IP6("0028", "29", "40") "45000028 00000000 40060000 0a000001 0a000002"
                             "00000000 00000000 00000000 00000000 00000000"},

    /* ---- ICMPv4 */
    {DECODE_ICMPV4_PKT_TOO_SMALL, LT_RAW, IP4("0018", "01") "0800 0000"}, /* 4 of 8 bytes */
    {DECODE_ICMPV4_UNKNOWN_TYPE, LT_RAW, IP4("001c", "01") "63 00 0000 00000000"}, /* 99 */
    {DECODE_ICMPV4_UNKNOWN_CODE, LT_RAW, IP4("001c", "01") "08 05 0000 00000000"}, /* echo 5 */
    {DECODE_ICMPV4_IPV4_TRUNC_PKT, LT_RAW,
     IP4("0024", "01") "03 01 0000 00000000"
                       "45000014 00000000"}, /* quote: 8 of 20 */
    {DECODE_ICMPV4_IPV4_UNKNOWN_VER, LT_RAW,
     IP4("0030", "01") "03 01 0000 00000000"
                       "65000014 00000000 40060000 0a000002 0a000001"},

    /* ---- ICMPv6 */
    {DECODE_ICMPV6_PKT_TOO_SMALL, LT_RAW, IP6("0004", "3a", "40") "8000 0000"},
    {DECODE_ICMPV6_UNKNOWN_TYPE, LT_RAW, IP6("0008", "3a", "40") "7f 00 0000 00000000"},
    {DECODE_ICMPV6_UNKNOWN_CODE, LT_RAW, IP6("0008", "3a", "40") "80 01 0000 00000000"},
    {DECODE_ICMPV6_IPV6_TRUNC_PKT, LT_RAW,
     IP6("0010", "3a", "40") "01 00 0000 00000000"
                             "60000000 00000000"}, /* quote 8 of 40 */
    {DECODE_ICMPV6_IPV6_UNKNOWN_VER, LT_RAW,
     IP6("0030", "3a", "40") "01 00 0000 00000000"
                             "45000000 0000 06 40 20010db8000000000000000000000002 "
                             "20010db8000000000000000000000001"},
    {DECODE_ICMPV6_MLD_MESSAGE_WITH_INVALID_HL, LT_RAW,
     IP6("0018", "3a", "40") "82 00 0000 0000 0000 00000000000000000000000000000000"},
    {DECODE_ICMPV6_UNASSIGNED_TYPE, LT_RAW, IP6("0008", "3a", "40") "32 00 0000 00000000"},
    {DECODE_ICMPV6_EXPERIMENTATION_TYPE, LT_RAW,
     IP6("0008", "3a", "40") "64 00 0000 00000000"}, /* 100 */

    /* ---- TCP: ports 1024 > 80, seq, ack, offset/flags, window, checksum, urgent */
    {DECODE_TCP_PKT_TOO_SMALL, LT_RAW, IP4("001e", "06") "0400 0050 00000001 0000"},
    {DECODE_TCP_HLEN_TOO_SMALL, LT_RAW,
     IP4("0028", "06") "0400 0050 00000001 00000000 f0 02 ffff 0000 0000"}, /* offset 15 */
    {DECODE_TCP_INVALID_OPTLEN, LT_RAW,
     IP4("0028", "06") "0400 0050 00000001 00000000 40 02 ffff 0000 0000"}, /* offset 4 */
    {DECODE_TCP_OPT_INVALID_LEN, LT_RAW,
     IP4("002c", "06") "0400 0050 00000001 00000000 60 02 ffff 0000 0000"
                       "02 08 0000"}, /* MSS length 8 > 4 bytes left */
    {DECODE_TCP_OPT_DUPLICATE, LT_RAW,
     IP4("0030", "06") "0400 0050 00000001 00000000 70 02 ffff 0000 0000"
                       "02 04 05b4 02 04 05b4"}, /* MSS twice */

    /* ---- UDP: ports, length, checksum */
    {DECODE_UDP_PKT_TOO_SMALL, LT_RAW, IP4("001c", "11") "0400 0035 0014 0000"}, /* len 20 */
    {DECODE_UDP_HLEN_TOO_SMALL, LT_RAW, IP4("0018", "11") "0400 0035"},
    {DECODE_UDP_LEN_INVALID, LT_RAW, IP4("001c", "11") "0400 0035 0004 0000"}, /* len 4 */

    /* ---- link layers */
    {DECODE_SLL_PKT_TOO_SMALL, LINKTYPE_LINUX_SLL, "0000 0001 0006 000000000001"},
    {DECODE_SLL2_PKT_TOO_SMALL, LINKTYPE_LINUX_SLL2, "0800 0000 00000002 0001"},
    {DECODE_ETHERNET_PKT_TOO_SMALL, LT_ETH, "000000000002 0000000000"},
    {DECODE_ETHERNET_UNKNOWN_ETHERTYPE, LT_ETH, ETH("1234") "00000000"},
    {DECODE_PPP_PKT_TOO_SMALL, LINKTYPE_PPP, "ff"},
    {DECODE_PPP_VJU_PKT_TOO_SMALL, LINKTYPE_PPP, "ff 03 002f 45000014"},
    {DECODE_PPP_IP4_PKT_TOO_SMALL, LINKTYPE_PPP, "ff 03 0021 45000014"},
    {DECODE_PPP_IP6_PKT_TOO_SMALL, LINKTYPE_PPP, "ff 03 0057 60000000"},
    {DECODE_PPP_WRONG_TYPE, LINKTYPE_PPP, "ff 03 1234 00000000"},
    {DECODE_PPP_UNSUP_PROTO, LINKTYPE_PPP, "ff 03 c021 01 01 0004"}, /* LCP */
    /* PPPoE: ver/type, code, session, length */
    {DECODE_PPPOE_PKT_TOO_SMALL, LT_ETH, ETH("8864") "11 00 0001"},
    {DECODE_PPPOE_WRONG_CODE, LT_ETH, ETH("8863") "11 33 0000 0000"},
    {DECODE_PPPOE_MALFORMED_TAGS, LT_ETH, ETH("8863") "11 09 0000 0010"}, /* 16, none there */
    /* VLAN: TCI, ethertype */
    {DECODE_VLAN_HEADER_TOO_SMALL, LT_ETH, ETH("8100") "0001"},
    {DECODE_VLAN_UNKNOWN_TYPE, LT_ETH, ETH("8100") "0001 1234 00000000"},
    {DECODE_VLAN_HEADER_TOO_MANY_LAYERS, LT_ETH,
     ETH("8100") "0001 8100"
                 "0002 8100"
                 "0003 8100"
                 "0004 0800" IP4("0014", "fd")},
    /* VN-Tag: 4 bytes of tag, ethertype */
    {DECODE_VNTAG_HEADER_TOO_SMALL, LT_ETH, ETH("8926") "00000000"},
    {DECODE_VNTAG_UNKNOWN_TYPE, LT_ETH, ETH("8926") "00000000 1234 00000000"},
    {DECODE_IEEE8021AH_HEADER_TOO_SMALL, LT_ETH, ETH("88e7") "00000001 000000000002"},
    {DECODE_IPRAW_INVALID_IPV6, LT_RAW, "55000014 00000000 40060000 0a000001 0a000002"},
    /* MPLS: label 20 bits, TC 3, bottom 1, TTL 8 */
    {DECODE_MPLS_HEADER_TOO_SMALL, LT_ETH, ETH("8847") "0001"},
    {DECODE_MPLS_PKT_TOO_SMALL, LT_ETH, ETH("8847") "00010140 4500"}, /* label 16, 2 bytes */
    {DECODE_MPLS_BAD_LABEL_ROUTER_ALERT, LT_ETH, ETH("8847") "00001140 45000014"},  /* 1 */
    {DECODE_MPLS_BAD_LABEL_IMPLICIT_NULL, LT_ETH, ETH("8847") "00003140 45000014"}, /* 3 */
    {DECODE_MPLS_BAD_LABEL_RESERVED, LT_ETH, ETH("8847") "00005140 45000014"},      /* 5 */
    {DECODE_MPLS_UNKNOWN_PAYLOAD_TYPE, LT_ETH, ETH("8847") "00010140 50000000"},    /* nibble 5 */
    {DECODE_LTNULL_PKT_TOO_SMALL, LINKTYPE_NULL, "0200"},
    {DECODE_LTNULL_UNSUPPORTED_TYPE, LINKTYPE_NULL, "07000000" IP4("0014", "fd")},
    {DECODE_DCE_PKT_TOO_SMALL, LT_ETH, ETH("8903") "0000 000000000002"},
    {DECODE_CHDLC_PKT_TOO_SMALL, 104, "0f00"},

    /* ---- GRE: flags/version, protocol (then optional fields) */
    {DECODE_GRE_PKT_TOO_SMALL, LT_RAW, IP4("0016", "2f") "0000"},
    {DECODE_GRE_WRONG_VERSION, LT_RAW, IP4("0018", "2f") "0002 0800"},
    {DECODE_GRE_VERSION0_RECUR, LT_RAW, IP4("0018", "2f") "0100 0800"},
    {DECODE_GRE_VERSION0_FLAGS, LT_RAW, IP4("0018", "2f") "0008 0800"},
    {DECODE_GRE_VERSION0_HDR_TOO_BIG, LT_RAW, IP4("0018", "2f") "2000 0800"}, /* key, absent */
    {DECODE_GRE_VERSION0_MALFORMED_SRE_HDR, LT_RAW,
     IP4("001c", "2f") "4000 0800 0000 0000"}, /* routing: checksum/offset, then no SRE */
    {DECODE_GRE_VERSION1_CHKSUM, LT_RAW, IP4("0018", "2f") "8001 880b"},
    {DECODE_GRE_VERSION1_ROUTE, LT_RAW, IP4("0018", "2f") "4001 880b"},
    {DECODE_GRE_VERSION1_SSR, LT_RAW, IP4("0018", "2f") "0801 880b"},
    {DECODE_GRE_VERSION1_RECUR, LT_RAW, IP4("0018", "2f") "0101 880b"},
    {DECODE_GRE_VERSION1_FLAGS, LT_RAW, IP4("0018", "2f") "0009 880b"},
    {DECODE_GRE_VERSION1_NO_KEY, LT_RAW, IP4("0018", "2f") "0001 880b"},
    {DECODE_GRE_VERSION1_WRONG_PROTOCOL, LT_RAW, IP4("0018", "2f") "2001 0800"},
    {DECODE_GRE_VERSION1_HDR_TOO_BIG, LT_RAW,
     IP4("001c", "2f") "3001 880b 0000 0001"}, /* key present, sequence announced, absent */

    /* ---- ERSPAN type II in GRE (sequence flag set): version/VLAN, COS/en/T/session ... */
    {DECODE_ERSPAN_HEADER_TOO_SMALL, LT_RAW,
     IP4("0022", "2f") "1000 88be 00000001"
                       "1000 0001 0000"},
    {DECODE_ERSPAN_UNSUPPORTED_VERSION, LT_RAW,
     IP4("0026", "2f") "1000 88be 00000001"
                       "2000 0001 0000 0000"
                       "0000"}, /* version 2 */
    {DECODE_ERSPAN_TOO_MANY_VLAN_LAYERS, LT_ETH,
     ETH("8100") "0001 8100"
                 "0002 0800" IP4(
                     "0032",
                     "2f") "1000 88be 00000001"
                           "1005 0001 0000 0000"              /* version 1, VLAN 5 */
                           "000000000002 000000000001 0800"}, /* the mirrored frame's Ethernet header */

    /* ---- transports without rules */
    {DECODE_SCTP_PKT_TOO_SMALL, LT_RAW, IP4("0018", "84") "0400 0050"},
    {DECODE_ESP_PKT_TOO_SMALL, LT_RAW, IP4("0018", "32") "00000001"},
    {DECODE_VXLAN_UNKNOWN_PAYLOAD_TYPE, LT_RAW,
     IP4("0032", "11") "c000 12b5 001e 0000"              /* UDP to 4789, length 30 */
                       "08 000000 000001 00"              /* VXLAN: I flag, VNI 1 */
                       "000000000002 000000000001 1234"}, /* inner Ethernet, type 0x1234 */
    {DECODE_GENEVE_UNKNOWN_PAYLOAD_TYPE, LT_RAW,
     IP4("0024", "11") "c000 17c1 0010 0000"    /* UDP to 6081, length 16 */
                       "00 00 1234 000001 00"}, /* Geneve: version 0, no options, type 0x1234 */

    /* ---- Network Service Header (Suricata's stats count these; no rules ship for them).
     * Base header: version/O/U/TTL, TTL/length in words, MD type, next protocol; then the
     * service path header (SPI 1, index 255). */
    {DECODE_NSH_HEADER_TOO_SMALL, LT_ETH, ETH("894f") "0006 0101"},
    {DECODE_NSH_UNSUPPORTED_VERSION, LT_ETH, ETH("894f") "4002 0201 000001ff"},
    {DECODE_NSH_BAD_HEADER_LENGTH, LT_ETH, ETH("894f") "0006 0101 000001ff"}, /* 24 said */
    {DECODE_NSH_RESERVED_TYPE, LT_ETH, ETH("894f") "0002 0f01 000001ff"},
    {DECODE_NSH_UNSUPPORTED_TYPE, LT_ETH, ETH("894f") "0002 0301 000001ff"},
    {DECODE_NSH_UNKNOWN_PAYLOAD, LT_ETH, ETH("894f") "0002 0204 000001ff"}, /* NSH in NSH */

    /* ---- link types Suricata refuses in pcap files (sekimori's own names) */
    {DECODE_NFLOG_PKT_TOO_SMALL, 239, "02 00"}, /* half a header */
    {DECODE_NFLOG_MALFORMED_TLV, 239,
     "02 00 0000"
     "0200 0900"}, /* TLV length 2 < 4 */
    {DECODE_NFLOG_UNSUPPORTED_FAMILY, 239,
     "07 00 0000"
     "0800 0900 45000014"}, /* family 7 (bridge), payload TLV */
    {DECODE_RADIOTAP_PKT_TOO_SMALL, 127, "00 00 2000 00000000"}, /* length 32, 8 captured */
    {DECODE_RADIOTAP_WRONG_VERSION, 127, "01 00 0800 00000000"},
    {DECODE_IEEE80211_PKT_TOO_SMALL, 105, "0801 0000 ffffffffffff 0000"}, /* data, 10 bytes */
};

/* A packet deeper than decoder.max-layers: Ethernet, MPLS, pseudowire Ethernet, ... */
static size_t
build_too_many_layers(uint8_t *out, size_t cap)
{
    size_t n = 0;
    for (int i = 0; i < 9 && n + 22 <= cap; i++) {
        n += test_hex(ETH("8847"), out + n, cap - n);
        n += test_hex("00010140 00000000", out + n, cap - n); /* label 16, control word */
    }
    return n;
}

static void
every_decode_event_has_a_packet_that_raises_it(void **state)
{
    (void)state;
    DecodeConfig cfg;
    decode_config_default(&cfg);
    DecodeThread *dt = decode_thread_new(&cfg);
    assert_non_null(dt);
    static TestPacket tp;

    for (size_t i = 0; i < sizeof(event_cases) / sizeof(event_cases[0]); i++) {
        const EventCase *ec = &event_cases[i];
        const char *hex = ec->hex;
        char fixed[256];
        if (ec->ev == DECODE_IPV4_IN_IPV6_WRONG_IP_VER) {
            /* The inner header of the generic IPv4 block, with its version set to 6. */
            snprintf(fixed, sizeof(fixed), "%s",
                     IP6("0014", "04", "40") "65000014 00000000 "
                                             "40060000 0a000001 0a000002");
            hex = fixed;
        }
        Packet *p = test_decode_hex(dt, &tp, ec->linktype, hex);
        if (!test_chain_has_event(p, ec->ev)) {
            fail_msg("case %zu: %s not raised", i, decode_event_name(ec->ev));
        }
    }

    uint8_t raw[512];
    size_t n = build_too_many_layers(raw, sizeof(raw));
    Packet *p = test_decode(dt, &tp, LT_ETH, raw, n);
    assert_true(packet_has_event(p, DECODE_TOO_MANY_LAYERS));
    assert_true(p->flags & PKT_F_INVALID);
    assert_int_equal(test_counter(dt, "decoder.too_many_layers"), 1);
    decode_thread_free(dt);
}

/* Events decode never raises: other stages do, or Suricata's own checks make them
 * unreachable (src/decode/UNSUPPORTED.md says which and why). */
static int
event_raised_elsewhere(unsigned ev)
{
    switch (ev) {
    case DECODE_IPV4_OPT_UNKNOWN:
    case DECODE_IPV6_EXTHDR_DUPL_EH:
    case DECODE_GRE_VERSION1_MALFORMED_SRE_HDR:
    case DECODE_IPV4_FRAG_PKT_TOO_LARGE:
    case DECODE_IPV4_FRAG_OVERLAP:
    case DECODE_IPV6_FRAG_PKT_TOO_LARGE:
    case DECODE_IPV6_FRAG_OVERLAP:
    case DECODE_IPV4_FRAG_IGNORED: /* defrag's: tests/unit/defrag */
    case DECODE_IPV6_FRAG_IGNORED:
    case DECODE_AFPACKET_TRUNC_PKT:
    case DECODE_TOO_MANY_LAYERS: /* built in code above */
        return 1;
    default:
        return 0;
    }
}

static void
event_table_covers_every_event_decode_raises(void **state)
{
    (void)state;
    for (unsigned ev = 0; ev < DECODE_EVENT_MAX; ev++) {
        int found = event_raised_elsewhere(ev);
        for (size_t i = 0; !found && i < sizeof(event_cases) / sizeof(event_cases[0]); i++) {
            found = event_cases[i].ev == ev;
        }
        if (!found) {
            fail_msg("no test packet raises %s", decode_event_name(ev));
        }
    }
}

static char *
read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    char *buf = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n >= 0 && fseek(f, 0, SEEK_SET) == 0) {
            buf = malloc((size_t)n + 1);
            if (buf != NULL) {
                size_t got = fread(buf, 1, (size_t)n, f);
                buf[got] = '\0';
            }
        }
    }
    fclose(f);
    return buf;
}

/* Lines that are rules (commented-out ones included: Suricata ships some disabled). */
static int
rules_name_event(const char *rules, const char *name)
{
    char needle[128];
    snprintf(needle, sizeof(needle), "decode-event:%s;", name);
    return strstr(rules, needle) != NULL;
}

static void
event_names_are_suricatas(void **state)
{
    (void)state;
    const char *path = SK_SHARED_DIR "/suricata-ref/rules/decoder-events.rules";
    char *rules = read_file(path);
    if (rules == NULL) {
        print_message("SKIP: %s absent (Suricata's reference files live beside the project)\n",
                      path);
        skip();
    }
#define EVENT(id, name) assert_true(rules_name_event(rules, name));
#define EVENT_NORULE(id, name) assert_false(rules_name_event(rules, name));
#define EVENT_NORULE_VALID(id, name) assert_false(rules_name_event(rules, name));
#include "decode/events.def"
#undef EVENT_NORULE_VALID
#undef EVENT_NORULE
#undef EVENT
    free(rules);
}

static void
names_and_lookup_round_trip(void **state)
{
    (void)state;
    for (unsigned ev = 0; ev < DECODE_EVENT_MAX; ev++) {
        const char *name = decode_event_name(ev);
        assert_non_null(name);
        assert_int_equal(decode_event_lookup(name), (int)ev);
    }
    assert_int_equal(decode_event_lookup("ipv4.no_such_event"), -1);
    assert_null(decode_event_name(DECODE_EVENT_MAX));
    assert_true(decode_event_is_invalid(DECODE_IPV4_TRUNC_PKT));
    assert_false(decode_event_is_invalid(DECODE_IPV4_OPT_PAD_REQUIRED));
    assert_true(decode_event_is_invalid(DECODE_SCTP_PKT_TOO_SMALL));
    /* NSH: a short or inconsistent header is invalid; what is merely unsupported is not. */
    assert_true(decode_event_is_invalid(DECODE_NSH_HEADER_TOO_SMALL));
    assert_true(decode_event_is_invalid(DECODE_NSH_BAD_HEADER_LENGTH));
    assert_false(decode_event_is_invalid(DECODE_NSH_UNSUPPORTED_VERSION));
    assert_false(decode_event_is_invalid(DECODE_NSH_RESERVED_TYPE));
    assert_false(decode_event_is_invalid(DECODE_NSH_UNSUPPORTED_TYPE));
    assert_false(decode_event_is_invalid(DECODE_NSH_UNKNOWN_PAYLOAD));
}

/* NSH carries IPv4, IPv6, Ethernet or MPLS after its length; MD type 1 is six words, type 2
 * any length as written (Suricata decodes from there even below the 8 fixed bytes). */
static void
nsh_decodes_what_follows(void **state)
{
    (void)state;
    DecodeConfig cfg;
    decode_config_default(&cfg);
    DecodeThread *dt = decode_thread_new(&cfg);
    assert_non_null(dt);
    static TestPacket tp;

    /* MD type 1, 6 words, IPv4/UDP. */
    Packet *p = test_decode_hex(dt, &tp, LT_ETH,
                                ETH("894f") "0006 0101 000001ff 00000000 00000000 00000000 "
                                            "00000000" IP4("001c", "11") "0035 0035 0008 0000");
    assert_int_equal(p->ip_ver, 4);
    assert_int_equal(p->proto, 17);
    assert_int_equal(p->dp, 53);
    assert_false(p->flags & PKT_F_INVALID);
    /* MD type 2, 2 words, Ethernet then IPv4. */
    p = test_decode_hex(dt, &tp, LT_ETH,
                        ETH("894f") "0002 0203 000001ff " ETH("0800")
                            IP4("001c", "11") "0035 0036 0008 0000");
    assert_int_equal(p->ip_ver, 4);
    assert_int_equal(p->dp, 54);
    /* MD type 2 saying one word: the IPv4 decoder meets the service path header. */
    p = test_decode_hex(dt, &tp, LT_ETH, ETH("894f") "0001 0201 000001ff " IP4("001c", "11"));
    assert_true(packet_has_event(p, DECODE_IPV4_WRONG_IP_VERSION));
    assert_int_equal(test_counter(dt, "decoder.nsh"), 3);
    decode_thread_free(dt);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_decode_event_has_a_packet_that_raises_it),
        cmocka_unit_test(event_table_covers_every_event_decode_raises),
        cmocka_unit_test(event_names_are_suricatas),
        cmocka_unit_test(names_and_lookup_round_trip),
        cmocka_unit_test(nsh_decodes_what_follows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
