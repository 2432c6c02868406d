/* decode.c: the dispatcher. It owns the DecodeThread (counters, tunnel pool), picks the link
 * decoder from the capture's link type, routes ethertypes to their decoders (Suricata's
 * DecodeNetworkLayer), sets up tunnel packets, and at the end counts what was kept: packets,
 * bytes, invalid packets and every event raised. The protocols themselves live one per file. */
#include "decode/decode.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "decode/decode-int.h"

#define DECODE_MAX_LAYERS_DEFAULT 16

const uint8_t decode_event_invalid[DECODE_EVENT_MAX] = {
#define EVENT(id, name) [id] = 0,
#define EVENT_INVALID(id, name) [id] = 1,
#define EVENT_NORULE(id, name) [id] = 1,
#include "decode/events.def"
#undef EVENT_NORULE
#undef EVENT_INVALID
#undef EVENT
};

static const char *const event_names[DECODE_EVENT_MAX] = {
#define EVENT(id, name) [id] = name,
#include "decode/events.def"
#undef EVENT
};

/* Stats keys: decoder.event.<name>, built at compile time from the same lines. */
static const char *const event_counter_names[DECODE_EVENT_MAX] = {
#define EVENT(id, name) [id] = "decoder.event." name,
#include "decode/events.def"
#undef EVENT
};

static const char *const counter_names[DCTR_MAX] = {
#define COUNTER(id, name) [id] = name,
#include "decode/counters.def"
#undef COUNTER
};

static const char *const own_counter_names[DCTR_OWN_MAX] = {
#define COUNTER_OWN(id, name) [id] = name,
#include "decode/counters.def"
#undef COUNTER_OWN
};

/* The own set is the tail of the counters: own events must close events.def. */
#define EVENT(id, name)
#define EVENT_OWN(id, name) _Static_assert(id >= DECODE_EVENT_OWN_FIRST, #id " not last");
#include "decode/events.def"
#undef EVENT_OWN
#undef EVENT

void
decode_config_default(DecodeConfig *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->max_tunnel_depth = PKT_TUNNEL_DEPTH_MAX;
    cfg->max_layers = DECODE_MAX_LAYERS_DEFAULT;
    cfg->vxlan_enabled = true;
    cfg->vxlan_port = SK_PORT_VXLAN;
    cfg->geneve_enabled = true;
    cfg->geneve_port = SK_PORT_GENEVE;
    cfg->teredo_enabled = true;
    cfg->teredo_port = SK_PORT_TEREDO;
}

DecodeThread *
decode_thread_new(const DecodeConfig *cfg)
{
    DecodeThread *dt = calloc(1, sizeof(*dt));
    if (dt == NULL) {
        log_error("decode: cannot allocate the decoder's thread state");
        return NULL;
    }
    dt->cfg = *cfg;
    if (dt->cfg.max_tunnel_depth > PKT_TUNNEL_DEPTH_MAX) {
        dt->cfg.max_tunnel_depth = PKT_TUNNEL_DEPTH_MAX;
    }
    if (dt->cfg.max_layers == 0) {
        dt->cfg.max_layers = DECODE_MAX_LAYERS_DEFAULT;
    }
    for (size_t i = 0; i < DCTR_MAX; i++) {
        dt->ctr_names[i] = counter_names[i];
    }
    for (size_t i = 0; i < DECODE_EVENT_MAX; i++) {
        dt->ctr_names[DCTR_MAX + i] = event_counter_names[i];
    }
    for (size_t i = 0; i < DCTR_OWN_MAX; i++) {
        dt->ctr_names[DCTR_MAX + DECODE_EVENT_MAX + i] = own_counter_names[i];
    }
    /* Suricata's one exception to decoder.event.<name>: the layer limit is a decoder counter. */
    dt->ctr_names[DCTR_MAX + DECODE_TOO_MANY_LAYERS] = "decoder.too_many_layers";
    dt->set.names = dt->ctr_names;
    dt->set.vals = dt->ctr;
    dt->set.cnt = DCTR_MAX + DECODE_EVENT_OWN_FIRST;
    dt->own_set.names = dt->ctr_names + dt->set.cnt;
    dt->own_set.vals = dt->ctr + dt->set.cnt;
    dt->own_set.cnt = DECODE_EVENT_OWN_CNT + DCTR_OWN_MAX;
    return dt;
}

void
decode_thread_free(DecodeThread *dt)
{
    free(dt);
}

const CounterSet *
decode_thread_counters(const DecodeThread *dt)
{
    return &dt->set;
}

const CounterSet *
decode_thread_counters_own(const DecodeThread *dt)
{
    return &dt->own_set;
}

const char *
decode_event_name(unsigned ev)
{
    return ev < DECODE_EVENT_MAX ? event_names[ev] : NULL;
}

int
decode_event_lookup(const char *name)
{
    for (int i = 0; i < DECODE_EVENT_MAX; i++) {
        if (strcmp(event_names[i], name) == 0) {
            return i;
        }
    }
    return -1;
}

bool
decode_event_is_invalid(unsigned ev)
{
    return ev < DECODE_EVENT_MAX && decode_event_invalid[ev] != 0;
}

void
decode_event_raise(DecodeThread *dt, Packet *p, DecodeEvent ev)
{
    if ((unsigned)ev >= DECODE_EVENT_MAX) {
        return;
    }
    /* Decode is PktEvent source 0: a DecodeEvent is stored as it is (decode_event_set too). */
    _Static_assert(DECODE_EVENT_MAX <= PKT_EVENT_ID_MAX, "DecodeEvent fits a PktEvent's id");
    bool was_invalid = (p->flags & PKT_F_INVALID) != 0;
    if (packet_event_add(p, PKT_EVENT(PKT_EVENT_SRC_DECODE, ev))) {
        counter_inc(&dt->ctr[DCTR_MAX + ev]);
    }
    if (decode_event_invalid[ev]) {
        p->flags |= PKT_F_INVALID;
        if (!was_invalid) {
            dctr_inc(dt, DCTR_INVALID);
        }
    }
}

bool
decode_packet_wants_flow(const Packet *p)
{
    if (p->ip_ver == 0 || (p->flags & PKT_F_FRAGMENT)) {
        return false;
    }
    switch (p->proto) {
    case SK_IPPROTO_TCP:
    case SK_IPPROTO_UDP:
    case SK_IPPROTO_SCTP:
        return (p->flags & PKT_F_HAS_PORTS) != 0;
    case SK_IPPROTO_ICMP:
        return p->ip_ver == 4 && (p->flags & PKT_F_HAS_ICMP);
    case SK_IPPROTO_ICMPV6:
        return p->ip_ver == 6 && (p->flags & PKT_F_HAS_ICMP);
    case SK_IPPROTO_GRE:
    case SK_IPPROTO_ESP:
        return p->l4_len != 0;
    default:
        return true;
    }
}

/* Suricata's DecodeNetworkLayer: false only for an ethertype nobody decodes (the callers that
 * care, VLAN and VN-Tag, add their own unknown_type event). */
bool
decode_network_layer(DecodeThread *dt, Packet *p, uint16_t ethertype, Cursor c)
{
    switch (ethertype) {
    case SK_ETHERTYPE_IPV4:
        /* An IPv4 total length is 16 bits: what lies past 64 KiB is not this datagram's. */
        cur_truncate(&c, UINT16_MAX);
        (void)decode_ipv4(dt, p, c);
        break;
    case SK_ETHERTYPE_IPV6:
        cur_truncate(&c, UINT16_MAX);
        (void)decode_ipv6(dt, p, c);
        break;
    case SK_ETHERTYPE_PPPOE_SESS:
        (void)decode_pppoe_session(dt, p, c);
        break;
    case SK_ETHERTYPE_PPPOE_DISC:
        (void)decode_pppoe_discovery(dt, p, c);
        break;
    case SK_ETHERTYPE_VLAN:
    case SK_ETHERTYPE_8021AD:
    case SK_ETHERTYPE_8021QINQ:
        if (p->vlan_cnt >= PKT_VLAN_MAX) {
            decode_event_set(p, DECODE_VLAN_HEADER_TOO_MANY_LAYERS);
        } else {
            (void)decode_vlan(dt, p, c);
        }
        break;
    case SK_ETHERTYPE_8021AH:
        (void)decode_ieee8021ah(dt, p, c);
        break;
    case SK_ETHERTYPE_ARP:
        (void)decode_arp(dt, p, c);
        break;
    case SK_ETHERTYPE_MPLS_UC:
    case SK_ETHERTYPE_MPLS_MC:
        (void)decode_mpls(dt, p, c);
        break;
    case SK_ETHERTYPE_DCE:
        (void)decode_dce(dt, p, c);
        break;
    case SK_ETHERTYPE_VNTAG:
        (void)decode_vntag(dt, p, c);
        break;
    case DECODE_ETHERTYPE_NSH:
        (void)decode_nsh(dt, p, c);
        break;
    default:
        dctr_inc(dt, DCTR_UNKNOWN_ETHERTYPE);
        decode_event_set(p, DECODE_ETHERNET_UNKNOWN_ETHERTYPE);
        return false;
    }
    return true;
}

/* Raw IP (DLT_RAW and friends): the version nibble decides. */
DecodeStatus
decode_raw(DecodeThread *dt, Packet *p, Cursor c)
{
    uint8_t vhl = 0;

    dctr_inc(dt, DCTR_RAW);
    /* Suricata checks the IPv4 minimum for both families and names it so. */
    if (c.left < IPV4_HDR_LEN || !cur_peek_u8(&c, 0, &vhl)) {
        return decode_fail(p, DECODE_IPV4_PKT_TOO_SMALL);
    }
    cur_truncate(&c, UINT16_MAX);
    switch (vhl >> 4) {
    case 4:
        return decode_ipv4(dt, p, c);
    case 6:
        return decode_ipv6(dt, p, c);
    default:
        decode_event_set(p, DECODE_IPRAW_INVALID_IPV6);
        return DECODE_OK;
    }
}

static DecodeStatus
decode_tunnel_entry(DecodeThread *dt, Packet *tp, Cursor c, TunnelEntry entry)
{
    switch (entry) {
    case TUN_ENTRY_ETHERNET:
        return decode_ethernet(dt, tp, c);
    case TUN_ENTRY_IPV4:
        cur_truncate(&c, UINT16_MAX);
        return decode_ipv4(dt, tp, c);
    case TUN_ENTRY_IPV6:
        cur_truncate(&c, UINT16_MAX);
        return decode_ipv6(dt, tp, c);
    case TUN_ENTRY_PPP:
        return decode_ppp(dt, tp, c);
    case TUN_ENTRY_VLAN:
        return decode_vlan(dt, tp, c);
    }
    return DECODE_INVALID;
}

static uint16_t
tunnel_entry_linktype(TunnelEntry entry)
{
    switch (entry) {
    case TUN_ENTRY_ETHERNET:
        return LINKTYPE_ETHERNET;
    case TUN_ENTRY_IPV4:
    case TUN_ENTRY_IPV6:
        return LINKTYPE_RAW;
    case TUN_ENTRY_PPP:
        return LINKTYPE_PPP;
    case TUN_ENTRY_VLAN:
        break;
    }
    return 0; /* starts with a VLAN tag: no pcap link type says that */
}

Packet *
decode_tunnel(DecodeThread *dt, Packet *p, Cursor c, TunnelType type, TunnelEntry entry,
              uint16_t add_vlan)
{
    unsigned depth = (unsigned)p->tunnel_depth + 1;
    if (depth > dt->cfg.max_tunnel_depth || depth > PKT_TUNNEL_DEPTH_MAX) {
        return NULL;
    }
    Packet *tp = &dt->tun_pool[depth - 1];
    /* A whole clear only here: inner packets are rare next to the packets that carry none. */
    memset(tp, 0, sizeof(*tp));
    tp->data = c.p;
    tp->len = (uint32_t)c.left;
    tp->wire_len = (uint32_t)c.left;
    tp->ts = p->ts;
    tp->pcap_cnt = p->pcap_cnt;
    tp->linktype = tunnel_entry_linktype(entry);
    /* Suricata keeps the outer VLAN ids on the inner packet, so flows stay apart per VLAN. */
    tp->vlan_cnt = p->vlan_cnt;
    memcpy(tp->vlan_id, p->vlan_id, sizeof(tp->vlan_id));
    if (add_vlan != 0 && tp->vlan_cnt < PKT_VLAN_MAX) {
        tp->vlan_id[tp->vlan_cnt++] = add_vlan;
    }
    tp->parent = p;
    tp->tunnel_depth = (uint8_t)depth;
    tp->tunnel_type = (uint8_t)type;

    bool outer_vj = dt->ppp_vj_ucomp;
    dt->ppp_vj_ucomp = false;
    DecodeStatus st = decode_tunnel_entry(dt, tp, c, entry);
    dt->ppp_vj_ucomp = outer_vj;
    if (st != DECODE_OK || (type == TUNNEL_TEREDO && (tp->flags & PKT_F_INVALID))) {
        return NULL;
    }
    p->inner = tp;
    p->flags |= PKT_F_TUNNEL;
    return tp;
}

static void
decode_link(DecodeThread *dt, Packet *p, Cursor c)
{
    switch (p->linktype) {
    case LINKTYPE_ETHERNET:
        (void)decode_ethernet(dt, p, c);
        break;
    case LINKTYPE_LINUX_SLL:
        (void)decode_sll(dt, p, c);
        break;
    case LINKTYPE_LINUX_SLL2:
        (void)decode_sll2(dt, p, c);
        break;
    case LINKTYPE_RAW:
    case LINKTYPE_RAW_OPENBSD:
    case LINKTYPE_RAW_BSDOS:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
        (void)decode_raw(dt, p, c);
        break;
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP:
        (void)decode_null(dt, p, c);
        break;
    case LINKTYPE_PPP:
        (void)decode_ppp(dt, p, c);
        break;
    case LINKTYPE_CHDLC:
        (void)decode_chdlc(dt, p, c);
        break;
    case LINKTYPE_NFLOG:
        (void)decode_nflog(dt, p, c);
        break;
    case LINKTYPE_RADIOTAP:
        (void)decode_radiotap(dt, p, c);
        break;
    case LINKTYPE_IEEE80211:
        (void)decode_ieee80211(dt, p, c);
        break;
    default:
        /* The reader said once which file or interface has this link type (capture.h,
         * capture_linktype_decoded keeps the same list as this switch); here, a count. */
        dctr_own_inc(dt, DCTR_UNKNOWN_LINKTYPE);
        break;
    }
}

/* Counts what a kept packet carries: Suricata counts a packet's events once it leaves the
 * decoder, and decoder.invalid for packets marked invalid. */
static void
decode_finalize(DecodeThread *dt, const Packet *p)
{
    for (unsigned i = 0; i < p->event_cnt; i++) {
        counter_inc(&dt->ctr[DCTR_MAX + p->events[i]]);
    }
    if (p->flags & PKT_F_INVALID) {
        dctr_inc(dt, DCTR_INVALID);
    }
}

void
decode_packet(DecodeThread *dt, Packet *p)
{
    /* Clear what decode fills (p->dec) and the events of the packet's last use: capture's
     * fields and the flow's are not ours. Events past event_cnt are never read. */
    memset(&p->dec, 0, sizeof(p->dec));
    p->event_cnt = 0;
    dt->layers = 0;
    dt->ppp_vj_ucomp = false;

    dctr_inc(dt, DCTR_PKTS);
    counter_add(&dt->ctr[DCTR_BYTES], p->len);
    counter_max(&dt->ctr[DCTR_MAX_PKT_SIZE], p->len);

    decode_link(dt, p, cur_init(p->data, p->len));

    for (const Packet *q = p; q != NULL; q = q->inner) {
        decode_finalize(dt, q);
    }
}

void
decode_datagram(DecodeThread *dt, Packet *p, const Packet *frag, uint32_t l3_off, int32_t eth_off)
{
    memset(&p->dec, 0, sizeof(p->dec));
    p->event_cnt = 0;
    dt->layers = 0;
    dt->ppp_vj_ucomp = false;
    p->flags = PKT_F_REASSEMBLED;
    p->vlan_cnt = frag->vlan_cnt;
    memcpy(p->vlan_id, frag->vlan_id, sizeof(p->vlan_id));
    p->parent = frag->parent;
    p->tunnel_depth = frag->tunnel_depth;
    p->tunnel_type = frag->tunnel_type;
    if (eth_off >= 0 && (uint32_t)eth_off + 14u <= l3_off) {
        p->flags |= PKT_F_ETH;
        p->eth_off = (uint32_t)eth_off;
    }
    if (l3_off >= p->len) {
        return;
    }
    Cursor c = cur_init(p->data + l3_off, p->len - l3_off);
    uint8_t vhl = 0;
    if (cur_peek_u8(&c, 0, &vhl) && (vhl >> 4) == 4) {
        (void)decode_ipv4(dt, p, c);
    } else {
        (void)decode_ipv6(dt, p, c);
    }
    for (const Packet *q = p; q != NULL; q = q->inner) {
        decode_finalize(dt, q);
    }
}
