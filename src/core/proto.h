/* proto.h: the protocol numbers every stage shares, written once. Decode switches on them, the
 * shard hash and the flow table key on them, EVE names them; a number that means a protocol is
 * spelled here and nowhere else. Names carry SK_ so they never meet the system's <netinet/in.h>
 * or <net/ethernet.h> macros of the same meaning. */
#ifndef SK_CORE_PROTO_H
#define SK_CORE_PROTO_H

#include <stdbool.h>
#include <stdint.h>

/* IP protocol numbers (IANA "Assigned Internet Protocol Numbers"); IPv6 extension headers share
 * the space. */
enum {
    SK_IPPROTO_HOPOPTS = 0, /* also "IP" where a PPP VJ-uncompressed frame says 0 for TCP */
    SK_IPPROTO_ICMP = 1,
    SK_IPPROTO_IPIP = 4, /* IPv4 in IP */
    SK_IPPROTO_TCP = 6,
    SK_IPPROTO_UDP = 17,
    SK_IPPROTO_IPV6 = 41, /* IPv6 in IP */
    SK_IPPROTO_ROUTING = 43,
    SK_IPPROTO_FRAGMENT = 44,
    SK_IPPROTO_GRE = 47,
    SK_IPPROTO_ESP = 50,
    SK_IPPROTO_AH = 51,
    SK_IPPROTO_ICMPV6 = 58,
    SK_IPPROTO_NONE = 59, /* IPv6 "no next header" */
    SK_IPPROTO_DSTOPTS = 60,
    SK_IPPROTO_SCTP = 132,
    SK_IPPROTO_MH = 135, /* IPv6 mobility header */
    SK_IPPROTO_UDPLITE = 136,
    SK_IPPROTO_HIP = 139,
    SK_IPPROTO_SHIM6 = 140,
};

/* Ethertypes (IEEE 802 numbers). */
enum {
    SK_ETHERTYPE_IPV4 = 0x0800,
    SK_ETHERTYPE_ARP = 0x0806,
    SK_ETHERTYPE_ERSPAN3 = 0x22eb, /* ERSPAN type III */
    SK_ETHERTYPE_BRIDGE = 0x6558,  /* transparent Ethernet bridging (GRE, Geneve) */
    SK_ETHERTYPE_VLAN = 0x8100,
    SK_ETHERTYPE_IPV6 = 0x86dd,
    SK_ETHERTYPE_PPP = 0x880b,
    SK_ETHERTYPE_MPLS_UC = 0x8847,
    SK_ETHERTYPE_MPLS_MC = 0x8848,
    SK_ETHERTYPE_PPPOE_DISC = 0x8863,
    SK_ETHERTYPE_PPPOE_SESS = 0x8864,
    SK_ETHERTYPE_8021AD = 0x88a8, /* QinQ service tag */
    SK_ETHERTYPE_ERSPAN = 0x88be, /* ERSPAN type I and II */
    SK_ETHERTYPE_8021AH = 0x88e7,
    SK_ETHERTYPE_DCE = 0x8903, /* Cisco FabricPath */
    SK_ETHERTYPE_VNTAG = 0x8926,
    SK_ETHERTYPE_8021QINQ = 0x9100, /* the pre-802.1ad QinQ tag */
};

/* PPP protocol field values (RFC 1661, 1332, 5072, 1144). */
enum {
    SK_PPP_IP = 0x0021,
    SK_PPP_VJ_COMP = 0x002d,
    SK_PPP_VJ_UCOMP = 0x002f,
    SK_PPP_IPV6 = 0x0057,
};

/* UDP ports the tunnel decoders listen on by default (decoder.vxlan.ports and friends). */
enum {
    SK_PORT_TEREDO = 3544,
    SK_PORT_VXLAN = 4789,
    SK_PORT_GENEVE = 6081,
};

/* TCP header flags (RFC 9293, 3168). */
#define SK_TH_FIN 0x01
#define SK_TH_SYN 0x02
#define SK_TH_RST 0x04
#define SK_TH_PUSH 0x08
#define SK_TH_ACK 0x10
#define SK_TH_URG 0x20
#define SK_TH_ECE 0x40
#define SK_TH_CWR 0x80

/* IPv4 header fields read outside decode (the shard hash's cheap parse). */
#define SK_IPV4_HDR_MIN 20 /* without options */
#define SK_IPV6_HDR_LEN 40
#define SK_IPV4_F_MF 0x2000     /* more fragments, in the flags/offset word */
#define SK_IPV4_OFF_MASK 0x1fff /* fragment offset in 8-byte units, same word */

/* ICMPv4 error messages (RFC 792): they quote the IP header and 8 bytes of the datagram that
 * caused them, and Suricata keys them to that datagram's flow. */
enum {
    SK_ICMP_DEST_UNREACH = 3,
    SK_ICMP_SOURCE_QUENCH = 4,
    SK_ICMP_REDIRECT = 5,
    SK_ICMP_TIME_EXCEEDED = 11,
    SK_ICMP_PARAMETERPROB = 12,
};

/* ICMPv6 error messages (RFC 4443 2.1: types 0 to 127 are errors; these four are defined). */
enum {
    SK_ICMP6_DST_UNREACH = 1,
    SK_ICMP6_PACKET_TOO_BIG = 2,
    SK_ICMP6_TIME_EXCEEDED = 3,
    SK_ICMP6_PARAM_PROB = 4,
};

static inline bool
proto_icmpv4_is_error(uint8_t type)
{
    return type == SK_ICMP_DEST_UNREACH || type == SK_ICMP_SOURCE_QUENCH || type == SK_ICMP_REDIRECT
           || type == SK_ICMP_TIME_EXCEEDED || type == SK_ICMP_PARAMETERPROB;
}

/* RFC 4443 2.1: the high bit of the type tells an informational message from an error. */
static inline bool
proto_icmpv6_is_error(uint8_t type)
{
    return type < 128;
}

#endif
