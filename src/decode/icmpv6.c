/* icmpv6.c: ICMPv6 (RFC 4443 and the neighbour discovery, MLD, mobility and RPL types that
 * share it). Codes are checked per type; Suricata sorts the types it does not implement into
 * unassigned, experimentation (100, 101, 200, 201) and unknown. The four error messages quote
 * the offending packet's IPv6 header, which fills Packet.emb_*. MLD messages must come with a
 * hop limit of 1 (RFC 2710 3). */
#include "decode/decode-int.h"

#include <string.h>

#define ICMPV6_HDR_LEN 8

/* The four error types are in core/proto.h (SK_ICMP6_*). */
#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129
#define MLD_LISTENER_QUERY 130
#define MLD_LISTENER_REPORT 131
#define MLD_LISTENER_REDUCTION 132
#define ND_ROUTER_SOLICIT 133
#define ND_ROUTER_ADVERT 134
#define ND_NEIGHBOR_SOLICIT 135
#define ND_NEIGHBOR_ADVERT 136
#define ND_REDIRECT 137
#define ICMP6_RR 138
#define ICMP6_NI_QUERY 139
#define ICMP6_NI_REPLY 140
#define ND_INVERSE_SOLICIT 141
#define ND_INVERSE_ADVERT 142
#define MLD_V2_LIST_REPORT 143
#define HOME_AGENT_AD_REQUEST 144
#define HOME_AGENT_AD_REPLY 145
#define MOBILE_PREFIX_SOLICIT 146
#define MOBILE_PREFIX_ADVERT 147
#define CERT_PATH_SOLICIT 148
#define CERT_PATH_ADVERT 149
#define ICMP6_MOBILE_EXPERIMENTAL 150
#define MC_ROUTER_ADVERT 151
#define MC_ROUTER_SOLICIT 152
#define MC_ROUTER_TERMINATE 153
#define FMIPV6_MSG 154
#define RPL_CONTROL_MSG 155
#define LOCATOR_UDATE_MSG 156
#define DUPL_ADDR_REQUEST 157
#define DUPL_ADDR_CONFIRM 158
#define MPL_CONTROL_MSG 159

#define ICMP6_DST_UNREACH_CODE_MAX 6 /* reject route to destination */
#define ICMP6_TIME_EXCEED_CODE_MAX 1 /* fragment reassembly time exceeded */
#define ICMP6_PARAMPROB_CODE_MAX 2   /* unrecognized IPv6 option */

static void
icmpv6_quote(Packet *p, Cursor q)
{
    Cursor hdr = q;
    uint8_t vtf = 0;
    uint8_t nh = 0;
    uint8_t src[16];
    uint8_t dst[16];

    if (q.left < IPV6_HDR_LEN) {
        decode_event_set(p, DECODE_ICMPV6_IPV6_TRUNC_PKT);
        return;
    }
    if (!cur_u8(&hdr, &vtf) || (vtf >> 4) != 6) {
        decode_event_set(p, DECODE_ICMPV6_IPV6_UNKNOWN_VER);
        return;
    }
    if (!cur_skip(&hdr, 5) || !cur_u8(&hdr, &nh) || !cur_skip(&hdr, 1) || !cur_bytes(&hdr, src, 16)
        || !cur_bytes(&hdr, dst, 16)) {
        decode_event_set(p, DECODE_ICMPV6_IPV6_TRUNC_PKT);
        return;
    }
    memcpy(p->emb_src.b, src, 16);
    memcpy(p->emb_dst.b, dst, 16);
    p->emb_proto = nh;
    p->emb_sp = 0;
    p->emb_dp = 0;
    /* Suricata reads ports straight after the fixed header (extension headers not walked),
     * and only when the whole TCP or UDP header is quoted. */
    uint16_t sp = 0;
    uint16_t dp = 0;
    if (nh == SK_IPPROTO_TCP || nh == SK_IPPROTO_UDP) {
        if (hdr.left < (nh == SK_IPPROTO_TCP ? 20u : 8u) || !cur_be16(&hdr, &sp)
            || !cur_be16(&hdr, &dp)) {
            return;
        }
        p->emb_sp = sp;
        p->emb_dp = dp;
    }
    p->flags |= PKT_F_ICMP_ERR_EMB;
}

/* Type ranges Suricata has no decoder for. */
static void
icmpv6_unhandled_type(Packet *p, uint8_t type)
{
    if ((type > 4 && type < 100) || (type >= 102 && type < 127) || (type >= 160 && type < 200)
        || type >= 202) {
        decode_event_set(p, DECODE_ICMPV6_UNASSIGNED_TYPE);
    } else if (type == 100 || type == 101 || type == 200 || type == 201) {
        decode_event_set(p, DECODE_ICMPV6_EXPERIMENTATION_TYPE);
    } else {
        decode_event_set(p, DECODE_ICMPV6_UNKNOWN_TYPE);
    }
}

DecodeStatus
decode_icmpv6(DecodeThread *dt, Packet *p, Cursor c)
{
    Cursor body = c;
    uint8_t type = 0;
    uint8_t code = 0;

    dctr_inc(dt, DCTR_ICMPV6);
    if (c.left < ICMPV6_HDR_LEN || !cur_u8(&body, &type) || !cur_u8(&body, &code)
        || !cur_skip(&body, 6)) {
        return decode_fail(p, DECODE_ICMPV6_PKT_TOO_SMALL);
    }
    p->proto = SK_IPPROTO_ICMPV6;
    p->icmp_type = type;
    p->icmp_code = code;
    p->flags |= PKT_F_HAS_ICMP;
    p->l4_off = decode_off(p, &c);
    p->l4_len = (uint32_t)c.left;
    p->payload_off = decode_off(p, &body);
    p->payload_len = (uint32_t)body.left;

    unsigned code_max = 0;
    bool quotes = false;
    bool mld = false;
    switch (type) {
    case SK_ICMP6_DST_UNREACH:
        code_max = ICMP6_DST_UNREACH_CODE_MAX;
        quotes = true;
        break;
    case SK_ICMP6_PACKET_TOO_BIG:
        quotes = true;
        break;
    case SK_ICMP6_TIME_EXCEEDED:
        code_max = ICMP6_TIME_EXCEED_CODE_MAX;
        quotes = true;
        break;
    case SK_ICMP6_PARAM_PROB:
        code_max = ICMP6_PARAMPROB_CODE_MAX;
        quotes = true;
        break;
    case MLD_LISTENER_QUERY:
    case MLD_LISTENER_REPORT:
    case MLD_LISTENER_REDUCTION:
    case MLD_V2_LIST_REPORT:
        mld = true;
        break;
    case ICMP6_RR:
        if (code > 2 && code != 255) {
            decode_event_set(p, DECODE_ICMPV6_UNKNOWN_CODE);
        }
        return DECODE_OK;
    case ICMP6_NI_QUERY:
    case ICMP6_NI_REPLY:
        code_max = 2;
        break;
    case ICMP6_ECHO_REQUEST:
    case ICMP6_ECHO_REPLY:
    case ND_ROUTER_SOLICIT:
    case ND_ROUTER_ADVERT:
    case ND_NEIGHBOR_SOLICIT:
    case ND_NEIGHBOR_ADVERT:
    case ND_REDIRECT:
    case ND_INVERSE_SOLICIT:
    case ND_INVERSE_ADVERT:
    case HOME_AGENT_AD_REQUEST:
    case HOME_AGENT_AD_REPLY:
    case MOBILE_PREFIX_SOLICIT:
    case MOBILE_PREFIX_ADVERT:
    case CERT_PATH_SOLICIT:
    case CERT_PATH_ADVERT:
        break;
    case ICMP6_MOBILE_EXPERIMENTAL:
    case MC_ROUTER_ADVERT:
    case MC_ROUTER_SOLICIT:
    case MC_ROUTER_TERMINATE:
    case FMIPV6_MSG:
    case RPL_CONTROL_MSG:
    case LOCATOR_UDATE_MSG:
    case DUPL_ADDR_REQUEST:
    case DUPL_ADDR_CONFIRM:
    case MPL_CONTROL_MSG:
        return DECODE_OK; /* assigned, codes not checked */
    default:
        icmpv6_unhandled_type(p, type);
        return DECODE_OK;
    }
    if (code > code_max) {
        decode_event_set(p, DECODE_ICMPV6_UNKNOWN_CODE);
        quotes = false;
    }
    if (mld && p->ttl != 1) {
        decode_event_set(p, DECODE_ICMPV6_MLD_MESSAGE_WITH_INVALID_HL);
    }
    if (quotes) {
        icmpv6_quote(p, body);
    }
    return DECODE_OK;
}
