/* udp.c: the UDP header, then the UDP tunnels: Teredo (any configured port, validated as a
 * plausible IPv6 packet), Geneve and VXLAN (by destination port). The UDP length bounds the
 * payload: bytes past it are padding. */
#include "decode/decode-int.h"

#define UDP_HDR_LEN 8

static bool
port_match(uint16_t cfg_port, uint16_t sp, uint16_t dp)
{
    return cfg_port == 0 || cfg_port == sp || cfg_port == dp;
}

DecodeStatus
decode_udp(DecodeThread *dt, Packet *p, Cursor c)
{
    Cursor hdr = c;
    uint16_t sp = 0;
    uint16_t dp = 0;
    uint16_t len = 0;

    dctr_inc(dt, DCTR_UDP);
    if (!cur_be16(&hdr, &sp) || !cur_be16(&hdr, &dp) || !cur_be16(&hdr, &len)
        || !cur_skip(&hdr, 2)) {
        return decode_fail(p, DECODE_UDP_HLEN_TOO_SMALL);
    }
    if (c.left < len) {
        return decode_fail(p, DECODE_UDP_PKT_TOO_SMALL);
    }
    if (len < UDP_HDR_LEN) {
        return decode_fail(p, DECODE_UDP_LEN_INVALID);
    }
    cur_truncate(&c, len);
    Cursor payload = c;
    if (!cur_skip(&payload, UDP_HDR_LEN)) {
        return decode_fail(p, DECODE_UDP_LEN_INVALID);
    }
    decode_set_transport(p, SK_IPPROTO_UDP, sp, dp, &c, &payload);

    /* Suricata's order: Teredo, then Geneve, then VXLAN. */
    const DecodeConfig *cfg = &dt->cfg;
    if (cfg->teredo_enabled && port_match(cfg->teredo_port, sp, dp)
        && decode_teredo(dt, p, payload) == DECODE_OK) {
        return DECODE_OK;
    }
    if (cfg->geneve_enabled && cfg->geneve_port == dp
        && decode_geneve(dt, p, payload) == DECODE_OK) {
        return DECODE_OK;
    }
    if (cfg->vxlan_enabled && cfg->vxlan_port == dp && decode_vxlan(dt, p, payload) == DECODE_OK) {
        return DECODE_OK;
    }
    return DECODE_OK;
}
