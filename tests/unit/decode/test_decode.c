/* test_decode.c: one or more tests per protocol: the fields decode fills, the counters it
 * bumps, the tunnels it opens. Bytes are inline, one comment per field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"

/* Ethernet: destination, source, ethertype */
#define ETH(type) "000000000002 000000000001 " type " "
/* IPv4 without options: ver/ihl, tos, total; id, flags/offset; ttl, protocol, checksum;
 * 10.0.0.1 > 10.0.0.2 */
#define IP4(total, proto) "45 00 " total " 0001 0000 40 " proto " 0000 0a000001 0a000002 "
/* IPv6: version/class/label; payload length, next header, hop limit; 2001:db8::1 > ::2 */
#define IP6(plen, nh, hlim)                                                                        \
    "60000000 " plen " " nh " " hlim " 20010db8000000000000000000000001 "                          \
    "20010db8000000000000000000000002 "
/* UDP 1024 > 53: ports, length, checksum */
#define UDP53(len) "0400 0035 " len " 0000 "

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

static const uint8_t ip_10_0_0_1[16] = {10, 0, 0, 1};
static const uint8_t ip_10_0_0_2[16] = {10, 0, 0, 2};

static void
ethernet_ipv4_tcp_fills_addresses_ports_and_spans(void **state)
{
    (void)state;
    uint64_t tcp_before = test_counter(dt, "decoder.tcp");
    Packet *p = test_decode_hex(
        dt, &tp, LINKTYPE_ETHERNET,
        "000000000002 000000000001 0800"  /* Ethernet to IPv4 */
        "45 00 002a 0001 0000 40 06 66cb" /* IPv4: total 42, id 1, ttl 64, TCP, checksum */
        "0a000001 0a000002"               /* 10.0.0.1 > 10.0.0.2 */
        "0400 0050 00000001 00000000"     /* TCP 1024 > 80, seq 1, ack 0 */
        "50 02 ffff 2f24 0000"            /* offset 5, SYN, window, checksum, urgent */
        "6869"                            /* "hi" */
        "000000000000");                  /* Ethernet padding: not part of the datagram */
    assert_int_equal(p->ip_ver, 4);
    assert_int_equal(p->proto, 6);
    assert_int_equal(p->ttl, 64);
    assert_memory_equal(p->src.b, ip_10_0_0_1, 16);
    assert_memory_equal(p->dst.b, ip_10_0_0_2, 16);
    assert_true(p->flags & PKT_F_HAS_PORTS);
    assert_false(p->flags & PKT_F_INVALID);
    assert_int_equal(p->sp, 1024);
    assert_int_equal(p->dp, 80);
    assert_int_equal(p->tcp_flags, 0x02);
    assert_int_equal(p->l3_off, 14);
    assert_int_equal(p->l3_len, 42);
    assert_int_equal(p->l4_off, 34);
    assert_int_equal(p->l4_len, 22);
    assert_int_equal(p->payload_off, 54);
    assert_int_equal(p->payload_len, 2);
    assert_int_equal(p->event_cnt, 0);
    assert_true(decode_ipv4_checksum_ok(p));
    assert_true(decode_l4_checksum_ok(p));
    assert_true(decode_packet_wants_flow(p));
    assert_int_equal(test_counter(dt, "decoder.tcp"), tcp_before + 1);
}

static void
bad_checksums_are_reported_not_raised(void **state)
{
    (void)state;
    Packet *p = test_decode_hex(
        dt, &tp, LINKTYPE_ETHERNET,
        ETH("0800") "45 00 002a 0001 0000 40 06 66cc 0a000001 0a000002"       /* checksum + 1 */
                    "0400 0050 00000001 00000000 50 02 ffff 2f25 0000 6869"); /* checksum + 1 */
    assert_false(decode_ipv4_checksum_ok(p));
    assert_false(decode_l4_checksum_ok(p));
    assert_int_equal(p->event_cnt, 0);
}

static void
ipv6_udp_and_icmpv4_checksums_verify(void **state)
{
    (void)state;
    Packet *p = test_decode_hex(dt, &tp, LINKTYPE_RAW,
                                IP6("000c", "11", "40") /* payload 12, UDP */
                                "0400 0035 000c db65"   /* UDP 1024 > 53, length 12, checksum */
                                "61626364");            /* "abcd" */
    assert_int_equal(p->ip_ver, 6);
    assert_int_equal(p->dp, 53);
    assert_int_equal(p->payload_len, 4);
    assert_true(decode_l4_checksum_ok(p));
    p = test_decode_hex(dt, &tp, LINKTYPE_RAW,
                        "45 00 0020 0001 0000 40 01 66da 0a000001 0a000002" /* IPv4, ICMP */
                        "08 00 192d 0001 0001 70696e67"); /* echo, id 1, seq 1, "ping" */
    assert_true(p->flags & PKT_F_HAS_ICMP);
    assert_int_equal(p->icmp_type, 8);
    assert_true(decode_l4_checksum_ok(p));
    assert_true(decode_ipv4_checksum_ok(p));
}

static void
vlan_qinq_keeps_both_ids_and_counts_each_depth(void **state)
{
    (void)state;
    uint64_t vlan = test_counter(dt, "decoder.vlan");
    uint64_t qinq = test_counter(dt, "decoder.vlan_qinq");
    Packet *p = test_decode_hex(dt, &tp, LINKTYPE_ETHERNET,
                                ETH("88a8") "0064 8100" /* S-tag: VLAN 100, then 802.1Q */
                                            "20c8 0800" /* C-tag: priority 1, VLAN 200, then IPv4 */
                                IP4("001c", "11") UDP53("0008"));
    assert_int_equal(p->vlan_cnt, 2);
    assert_int_equal(p->vlan_id[0], 100);
    assert_int_equal(p->vlan_id[1], 200);
    assert_int_equal(p->dp, 53);
    assert_int_equal(test_counter(dt, "decoder.vlan"), vlan + 1);
    assert_int_equal(test_counter(dt, "decoder.vlan_qinq"), qinq + 1);
}

static void
ieee8021ah_and_vntag_reach_ipv4(void **state)
{
    (void)state;
    Packet *p =
        test_decode_hex(dt, &tp, LINKTYPE_ETHERNET,
                        ETH("88e7") "00000001"                  /* I-TAG: I-SID 1 */
                                    "000000000004 000000000003" /* customer destination, source */
                                    "0800" IP4("001c", "11") UDP53("0008"));
    assert_int_equal(p->ip_ver, 4);
    assert_int_equal(p->dp, 53);
    p = test_decode_hex(dt, &tp, LINKTYPE_ETHERNET,
                        ETH("8926") "00000000 0800" /* VN-Tag: tag, IPv4 */
                        IP4("001c", "11") UDP53("0008"));
    assert_int_equal(p->ip_ver, 4);
    assert_int_equal(test_counter(dt, "decoder.vntag") > 0, 1);
}

static void
mpls_stack_and_pseudowire(void **state)
{
    (void)state;
    Packet *p =
        test_decode_hex(dt, &tp, LINKTYPE_ETHERNET,
                        ETH("8847") "00010040"            /* label 16, not bottom */
                                    "00011140"            /* label 17, bottom of stack */
                        IP4("001c", "11") UDP53("0008")); /* guessed IPv4 from the first nibble */
    assert_int_equal(p->ip_ver, 4);
    assert_int_equal(p->dp, 53);
    p = test_decode_hex(dt, &tp, LINKTYPE_ETHERNET,
                        ETH("8847") "00010140" /* label 16, bottom */
                                    "00000000" /* pseudowire control word */
                        ETH("0800") IP4("001c", "11") UDP53("0008"));
    assert_int_equal(p->ip_ver, 4);
    assert_int_equal(p->l3_off, 14 + 4 + 4 + 14);
    p = test_decode_hex(dt, &tp, LINKTYPE_ETHERNET,
                        ETH("8847") "00002140" /* label 2: IPv6 explicit null */
                        IP6("0008", "11", "40") UDP53("0008"));
    assert_int_equal(p->ip_ver, 6);
}

static void
pppoe_session_and_discovery(void **state)
{
    (void)state;
    Packet *p = test_decode_hex(
        dt, &tp, LINKTYPE_ETHERNET,
        ETH("8864") "11 00 0001 001e" /* ver/type 1/1, session data, id 1, length 30 */
                    "0021"            /* PPP IPv4 */
        IP4("001c", "11") UDP53("0008"));
    assert_int_equal(p->ip_ver, 4);
    assert_int_equal(p->dp, 53);
    p = test_decode_hex(dt, &tp, LINKTYPE_ETHERNET,
                        ETH("8863") "11 09 0000 0004" /* PADI, length 4 */
                                    "0101 0000");     /* tag service-name, empty */
    assert_int_equal(p->event_cnt, 0);
    assert_int_equal(p->ip_ver, 0);
}

static void
ppp_with_and_without_hdlc_header(void **state)
{
    (void)state;
    Packet *p = test_decode_hex(dt, &tp, LINKTYPE_PPP,
                                "ff 03 0021" /* address, control, IPv4 */
                                IP4("001c", "11") UDP53("0008"));
    assert_int_equal(p->ip_ver, 4);
    p = test_decode_hex(dt, &tp, LINKTYPE_PPP,
                        "57" /* compressed protocol: IPv6 */
                        IP6("0008", "11", "40") UDP53("0008"));
    assert_int_equal(p->ip_ver, 6);
    assert_int_equal(p->dp, 53);
    /* Van Jacobson uncompressed: the IP protocol byte is a connection number, TCP follows. */
    p = test_decode_hex(
        dt, &tp, LINKTYPE_PPP,
        "ff 03 002f" IP4("0028", "00") "0400 0050 00000001 00000000 50 10 ffff 0000 0000");
    assert_true(p->flags & PKT_F_HAS_PORTS);
    assert_int_equal(p->dp, 80);
}

static void
sll_sll2_chdlc_and_dce(void **state)
{
    (void)state;
    Packet *p = test_decode_hex(
        dt, &tp, LINKTYPE_LINUX_SLL,
        "0000 0001 0006 000000000001 0000" /* type, ARPHRD, address length, address */
        "0800" IP4("001c", "11") UDP53("0008"));
    assert_int_equal(p->ip_ver, 4);
    p = test_decode_hex(
        dt, &tp, LINKTYPE_LINUX_SLL2,
        "86dd 0000 00000002 0001 00 06" /* protocol, reserved, ifindex, ARPHRD, type, len */
        "000000000001 0000"             /* address */
        IP6("0008", "11", "40") UDP53("0008"));
    assert_int_equal(p->ip_ver, 6);
    p = test_decode_hex(dt, &tp, 104, "0f 00 0800" IP4("001c", "11") UDP53("0008"));
    assert_int_equal(p->ip_ver, 4);
    p = test_decode_hex(dt, &tp, LINKTYPE_ETHERNET,
                        ETH("8903") "0000" /* FabricPath FTag/TTL */
                        ETH("0800") IP4("001c", "11") UDP53("0008"));
    assert_int_equal(p->ip_ver, 4);
}

static void
null_and_loop_accept_both_byte_orders(void **state)
{
    (void)state;
    Packet *p = test_decode_hex(dt, &tp, LINKTYPE_NULL,
                                "02000000" /* AF_INET, little endian */
                                IP4("001c", "11") UDP53("0008"));
    assert_int_equal(p->ip_ver, 4);
    p = test_decode_hex(dt, &tp, LINKTYPE_LOOP,
                        "00000018" /* AF_INET6 (BSD), network order */
                        IP6("0008", "11", "40") UDP53("0008"));
    assert_int_equal(p->ip_ver, 6);
    p = test_decode_hex(dt, &tp, LINKTYPE_NULL,
                        "1e000000" /* AF_INET6 (Darwin) */
                        IP6("0008", "11", "40") UDP53("0008"));
    assert_int_equal(p->ip_ver, 6);
}

static void
arp_is_counted_and_not_ip(void **state)
{
    (void)state;
    uint64_t arp = test_counter(dt, "decoder.arp");
    Packet *p = test_decode_hex(dt, &tp, LINKTYPE_ETHERNET,
                                ETH("0806") "0001 0800 06 04 0001" /* Ethernet/IPv4, request */
                                            "000000000001 0a000001 000000000000 0a000002");
    assert_int_equal(p->ip_ver, 0);
    assert_int_equal(p->event_cnt, 0);
    assert_int_equal(test_counter(dt, "decoder.arp"), arp + 1);
    assert_false(decode_packet_wants_flow(p));
}

static void
ipv6_extension_headers_are_walked_to_udp(void **state)
{
    (void)state;
    Packet *p = test_decode_hex(
        dt, &tp, LINKTYPE_RAW,
        IP6("0030", "00",
            "01") "3c 00 05 02 0000 01 00" /* hop-by-hop to dst options: router alert, PadN 0 */
                  "2b 00 01 04 00000000"   /* dst options to routing: PadN 4 */
                  "11 02 04 00 00000000"   /* routing type 4, 24 bytes, then UDP */
                  "00000000000000000000000000000000" UDP53("0008"));
    assert_int_equal(p->ip_ver, 6);
    assert_int_equal(p->proto, 17);
    assert_int_equal(p->dp, 53);
    assert_int_equal(p->l4_off, 40 + 8 + 8 + 24);
    assert_true(packet_has_event(p, DECODE_IPV6_ZERO_LEN_PADN));
    assert_true(packet_has_event(p, DECODE_IPV6_DSTOPTS_ONLY_PADDING));
    assert_false(packet_has_event(p, DECODE_IPV6_HOPOPTS_ONLY_PADDING));
}

static void
ipv4_fragments_leave_the_transport_undecoded(void **state)
{
    (void)state;
    uint64_t frags = test_counter(dt, "defrag.ipv4.fragments");
    Packet *p = test_decode_hex(
        dt, &tp, LINKTYPE_RAW,
        "45 00 001c 1234 2000 40 11 0000 0a000001 0a000002" /* id 0x1234, MF, offset 0 */
        UDP53("0010"));                                     /* first 8 bytes of 16 */
    assert_true(p->flags & PKT_F_FRAGMENT);
    assert_false(p->flags & PKT_F_HAS_PORTS);
    assert_int_equal(p->sp, 0);
    assert_int_equal(p->frag.id, 0x1234);
    assert_int_equal(p->frag.off, 0);
    assert_true(p->frag.more);
    assert_int_equal(p->frag.proto, 17);
    assert_int_equal(p->frag.data_off, 20);
    assert_int_equal(p->frag.data_len, 8);
    assert_int_equal(p->l4_len, 0);
    assert_false(decode_packet_wants_flow(p));
    p = test_decode_hex(
        dt, &tp, LINKTYPE_RAW,
        "45 00 001c 1234 0001 40 11 0000 0a000001 0a000002" /* offset 1 (8 bytes), last */
        "6162636465666768");
    assert_int_equal(p->frag.off, 8);
    assert_false(p->frag.more);
    assert_int_equal(test_counter(dt, "defrag.ipv4.fragments"), frags + 2);
}

static void
ipv6_fragment_data_follows_the_fragment_header(void **state)
{
    (void)state;
    Packet *p = test_decode_hex(
        dt, &tp, LINKTYPE_RAW,
        IP6("0010", "2c", "40") "11 00 0009 abcdef01" /* fragment: UDP follows, offset 8, M 1, id */
                                "6162636465666768");
    assert_true(p->flags & PKT_F_FRAGMENT);
    assert_int_equal(p->proto, 44);
    assert_int_equal(p->frag.off, 8);
    assert_true(p->frag.more);
    assert_int_equal(p->frag.id, 0xabcdef01);
    assert_int_equal(p->frag.proto, 17);
    assert_int_equal(p->frag.data_off, 48);
    assert_int_equal(p->frag.data_len, 8);
    assert_int_equal(p->l4_len, 0);
    assert_int_equal(p->event_cnt, 0);
}

static void
icmpv4_unreachable_quotes_the_udp_flow(void **state)
{
    (void)state;
    Packet *p = test_decode_hex(
        dt, &tp, LINKTYPE_RAW,
        "45 00 0038 0001 0000 40 01 0000 0a000002 0a000001" /* 10.0.0.2 > 10.0.0.1 ICMP */
        "03 03 0000 00000000"                               /* port unreachable */
        IP4("0024", "11") /* the quoted datagram: 10.0.0.1 > 10.0.0.2 UDP */
        UDP53("0010"));   /* quoted UDP 1024 > 53 */
    assert_true(p->flags & PKT_F_HAS_ICMP);
    assert_true(p->flags & PKT_F_ICMP_ERR_EMB);
    assert_int_equal(p->emb_proto, 17);
    assert_memory_equal(p->emb_src.b, ip_10_0_0_1, 16);
    assert_memory_equal(p->emb_dst.b, ip_10_0_0_2, 16);
    assert_int_equal(p->emb_sp, 1024);
    assert_int_equal(p->emb_dp, 53);
    assert_int_equal(p->event_cnt, 0);
}

static void
icmpv6_unreachable_quotes_the_tcp_flow(void **state)
{
    (void)state;
    Packet *p = test_decode_hex(
        dt, &tp, LINKTYPE_RAW,
        IP6("0044", "3a",
            "40") "01 04 0000 00000000" /* destination unreachable, port unreachable */
        IP6("0014", "06", "40")         /* the quoted packet, TCP */
        "0400 0050 00000001 00000000 50 02 ffff 0000 0000");
    assert_true(p->flags & PKT_F_ICMP_ERR_EMB);
    assert_int_equal(p->emb_proto, 6);
    assert_int_equal(p->emb_sp, 1024);
    assert_int_equal(p->emb_dp, 80);
}

static void
sctp_and_esp_headers(void **state)
{
    (void)state;
    Packet *p = test_decode_hex(
        dt, &tp, LINKTYPE_RAW,
        IP4("0020", "84") "0b59 0b59 00000000 00000000"); /* SCTP 2905 > 2905, tag, checksum */
    assert_true(p->flags & PKT_F_HAS_PORTS);
    assert_int_equal(p->sp, 2905);
    p = test_decode_hex(
        dt, &tp, LINKTYPE_RAW,
        IP4("0020", "32") "00001000 00000001 deadbeef"); /* ESP: SPI, sequence, data */
    assert_int_equal(p->proto, 50);
    assert_int_equal(p->payload_len, 4);
    assert_true(decode_packet_wants_flow(p));
}

static void
gre_carries_an_inner_packet_that_keeps_the_outer_vlan(void **state)
{
    (void)state;
    uint64_t gre = test_counter(dt, "decoder.gre");
    Packet *p = test_decode_hex(
        dt, &tp, LINKTYPE_ETHERNET,
        ETH("8100") "0007 0800"                             /* VLAN 7 */
        IP4("0034", "2f")                                   /* outer 10.0.0.1 > 10.0.0.2, GRE */
        "0000 0800"                                         /* GRE version 0, IPv4 */
        "45 00 001c 0001 0000 40 11 0000 c0a80001 c0a80002" /* inner 192.168.0.1 > .2 */
        UDP53("0008"));
    assert_true(p->flags & PKT_F_TUNNEL);
    assert_int_equal(p->proto, 47);
    Packet *in = p->inner;
    assert_non_null(in);
    assert_ptr_equal(in->parent, p);
    assert_int_equal(in->tunnel_depth, 1);
    assert_int_equal(in->tunnel_type, TUNNEL_GRE);
    assert_int_equal(in->vlan_cnt, 1);
    assert_int_equal(in->vlan_id[0], 7);
    assert_int_equal(in->dp, 53);
    assert_int_equal(in->src.b[0], 192);
    assert_ptr_equal(in->data, p->data + 14 + 4 + 20 + 4);
    assert_int_equal(in->pcap_cnt, p->pcap_cnt);
    assert_int_equal(test_counter(dt, "decoder.gre"), gre + 1);
}

static void
erspan_type2_adds_its_vlan_to_the_mirrored_frame(void **state)
{
    (void)state;
    Packet *p = test_decode_hex(
        dt, &tp, LINKTYPE_RAW,
        IP4("004e", "2f") "1000 88be 00000001" /* GRE: sequence present, ERSPAN, sequence 1 */
                          "1017 0001 00000000" /* ERSPAN II: version 1, VLAN 23, session 1 */
        ETH("0800") IP4("001c", "11") UDP53("0008"));
    assert_non_null(p->inner);
    assert_int_equal(p->inner->tunnel_type, TUNNEL_ERSPAN);
    assert_int_equal(p->inner->vlan_cnt, 1);
    assert_int_equal(p->inner->vlan_id[0], 23);
    assert_int_equal(p->inner->dp, 53);
}

static void
ip_in_ip_tunnels_are_counted(void **state)
{
    (void)state;
    uint64_t c44 = test_counter(dt, "decoder.ipv4_in_ipv4");
    uint64_t c64 = test_counter(dt, "decoder.ipv6_in_ipv4");
    uint64_t c46 = test_counter(dt, "decoder.ipv4_in_ipv6");
    uint64_t c66 = test_counter(dt, "decoder.ipv6_in_ipv6");
    Packet *p =
        test_decode_hex(dt, &tp, LINKTYPE_RAW, IP4("0030", "04") IP4("001c", "11") UDP53("0008"));
    assert_non_null(p->inner);
    assert_int_equal(p->inner->tunnel_type, TUNNEL_IPIP);
    p = test_decode_hex(dt, &tp, LINKTYPE_RAW,
                        IP4("0044", "29") IP6("0008", "11", "40") UDP53("0008"));
    assert_non_null(p->inner);
    assert_int_equal(p->inner->ip_ver, 6);
    p = test_decode_hex(dt, &tp, LINKTYPE_RAW,
                        IP6("001c", "04", "40") IP4("001c", "11") UDP53("0008"));
    assert_non_null(p->inner);
    p = test_decode_hex(dt, &tp, LINKTYPE_RAW,
                        IP6("0030", "29", "40") IP6("0008", "11", "40") UDP53("0008"));
    assert_non_null(p->inner);
    assert_int_equal(test_counter(dt, "decoder.ipv4_in_ipv4"), c44 + 1);
    assert_int_equal(test_counter(dt, "decoder.ipv6_in_ipv4"), c64 + 1);
    assert_int_equal(test_counter(dt, "decoder.ipv4_in_ipv6"), c46 + 1);
    assert_int_equal(test_counter(dt, "decoder.ipv6_in_ipv6"), c66 + 1);
}

static void
a_broken_inner_packet_is_dropped_with_its_events(void **state)
{
    (void)state;
    uint64_t trunc = test_counter(dt, "decoder.event.ipv4.trunc_pkt");
    Packet *p = test_decode_hex(dt, &tp, LINKTYPE_RAW,
                                IP4("0028", "04") IP4("0050", "11")
                                    UDP53("0008")); /* inner claims 80 bytes */
    assert_null(p->inner);
    assert_false(p->flags & PKT_F_TUNNEL);
    assert_int_equal(test_counter(dt, "decoder.event.ipv4.trunc_pkt"), trunc);
}

static void
tunnel_depth_is_capped(void **state)
{
    (void)state;
    DecodeConfig cfg;
    decode_config_default(&cfg);
    cfg.max_tunnel_depth = 1;
    DecodeThread *dt1 = decode_thread_new(&cfg);
    assert_non_null(dt1);
    Packet *p =
        test_decode_hex(dt1, &tp, LINKTYPE_RAW,
                        IP4("0044", "04") IP4("0030", "04") IP4("001c", "11") UDP53("0008"));
    assert_non_null(p->inner);
    assert_null(p->inner->inner);
    decode_thread_free(dt1);
}

static void
vxlan_and_geneve_carry_inner_frames(void **state)
{
    (void)state;
    Packet *p = test_decode_hex(dt, &tp, LINKTYPE_RAW,
                                IP4("004e", "11") "c000 12b5 003a 0000" /* UDP to 4789, length 58 */
                                                  "08 000000 00002a 00" /* VXLAN: I flag, VNI 42 */
                                ETH("0800") IP4("001c", "11") UDP53("0008"));
    assert_non_null(p->inner);
    assert_int_equal(p->inner->tunnel_type, TUNNEL_VXLAN);
    assert_int_equal(p->inner->dp, 53);
    p = test_decode_hex(
        dt, &tp, LINKTYPE_RAW,
        IP4("0044", "11") "c000 17c1 0030 0000"  /* UDP to 6081, length 48 */
                          "01 00 0800 00002a 00" /* Geneve: 4 bytes of options, IPv4, VNI 42 */
                          "0102 03 00"           /* option class 0x0102, type 3, no data */
        IP4("001c", "11") UDP53("0008"));
    assert_non_null(p->inner);
    assert_int_equal(p->inner->tunnel_type, TUNNEL_GENEVE);
    assert_int_equal(p->inner->ip_ver, 4);
}

static void
teredo_needs_a_plausible_ipv6_packet(void **state)
{
    (void)state;
    Packet *p =
        test_decode_hex(dt, &tp, LINKTYPE_RAW,
                        IP4("0044", "11") "0dd8 c000 0030 0000" /* UDP from 3544, length 48 */
                        IP6("0000", "3b", "40")); /* IPv6, no next header, nothing after */
    assert_non_null(p->inner);
    assert_int_equal(p->inner->tunnel_type, TUNNEL_TEREDO);
    p = test_decode_hex(dt, &tp, LINKTYPE_RAW,
                        IP4("0044", "11") "0dd8 c000 0030 0000" IP6(
                            "0000", "3b", "00")); /* hop limit 0: not Teredo */
    assert_null(p->inner);
    assert_int_equal(p->sp, 3544);
}

static void
invalid_packets_are_counted_once(void **state)
{
    (void)state;
    uint64_t invalid = test_counter(dt, "decoder.invalid");
    uint64_t pkts = test_counter(dt, "decoder.pkts");
    Packet *p = test_decode_hex(dt, &tp, LINKTYPE_RAW, IP4("003c", "06")); /* truncated */
    assert_true(p->flags & PKT_F_INVALID);
    assert_int_equal(p->ip_ver, 0);
    assert_int_equal(test_counter(dt, "decoder.invalid"), invalid + 1);
    assert_int_equal(test_counter(dt, "decoder.pkts"), pkts + 1);
    decode_event_raise(dt, p, DECODE_IPV4_FRAG_OVERLAP);
    assert_true(packet_has_event(p, DECODE_IPV4_FRAG_OVERLAP));
    assert_int_equal(test_counter(dt, "decoder.event.ipv4.frag_overlap"), 1);
    assert_int_equal(test_counter(dt, "decoder.invalid"), invalid + 1);
}

static void
counter_names_follow_suricata(void **state)
{
    (void)state;
    const CounterSet *cs = decode_thread_counters(dt);
    assert_int_equal(cs->cnt > 40, 1);
    assert_int_not_equal(test_counter(dt, "decoder.event.ipv4.trunc_pkt"), UINT64_MAX);
    assert_int_not_equal(test_counter(dt, "decoder.too_many_layers"), UINT64_MAX);
    assert_int_equal(test_counter(dt, "decoder.event.too_many_layers"), UINT64_MAX);
    assert_int_not_equal(test_counter(dt, "decoder.max_pkt_size"), UINT64_MAX);
    assert_int_not_equal(test_counter(dt, "defrag.ipv6.fragments"), UINT64_MAX);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ethernet_ipv4_tcp_fills_addresses_ports_and_spans),
        cmocka_unit_test(bad_checksums_are_reported_not_raised),
        cmocka_unit_test(ipv6_udp_and_icmpv4_checksums_verify),
        cmocka_unit_test(vlan_qinq_keeps_both_ids_and_counts_each_depth),
        cmocka_unit_test(ieee8021ah_and_vntag_reach_ipv4),
        cmocka_unit_test(mpls_stack_and_pseudowire),
        cmocka_unit_test(pppoe_session_and_discovery),
        cmocka_unit_test(ppp_with_and_without_hdlc_header),
        cmocka_unit_test(sll_sll2_chdlc_and_dce),
        cmocka_unit_test(null_and_loop_accept_both_byte_orders),
        cmocka_unit_test(arp_is_counted_and_not_ip),
        cmocka_unit_test(ipv6_extension_headers_are_walked_to_udp),
        cmocka_unit_test(ipv4_fragments_leave_the_transport_undecoded),
        cmocka_unit_test(ipv6_fragment_data_follows_the_fragment_header),
        cmocka_unit_test(icmpv4_unreachable_quotes_the_udp_flow),
        cmocka_unit_test(icmpv6_unreachable_quotes_the_tcp_flow),
        cmocka_unit_test(sctp_and_esp_headers),
        cmocka_unit_test(gre_carries_an_inner_packet_that_keeps_the_outer_vlan),
        cmocka_unit_test(erspan_type2_adds_its_vlan_to_the_mirrored_frame),
        cmocka_unit_test(ip_in_ip_tunnels_are_counted),
        cmocka_unit_test(a_broken_inner_packet_is_dropped_with_its_events),
        cmocka_unit_test(tunnel_depth_is_capped),
        cmocka_unit_test(vxlan_and_geneve_carry_inner_frames),
        cmocka_unit_test(teredo_needs_a_plausible_ipv6_packet),
        cmocka_unit_test(invalid_packets_are_counted_once),
        cmocka_unit_test(counter_names_follow_suricata),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
