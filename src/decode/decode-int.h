/* decode-int.h: what the protocol files of src/decode/ share and nobody else sees. Other stages
 * include decode/decode.h. Every decoder has the same shape: it gets the worker's DecodeThread,
 * the packet and a Cursor over exactly the bytes of its layer (a copy: the caller's stays put),
 * counts itself, checks in Suricata's order, fills the packet and calls the next layer. A failed
 * check raises the event and returns DECODE_INVALID; what the caller does with that is its
 * business (a tunnel drops its inner packet, most callers ignore it, as Suricata's do). */
#ifndef SK_DECODE_DECODE_INT_H
#define SK_DECODE_DECODE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/counters.h"
#include "core/cursor.h"
#include "core/packet.h"
#include "core/proto.h"
#include "decode/decode.h"

typedef enum {
#define COUNTER(id, name) id,
#include "decode/counters.def"
#undef COUNTER
    DCTR_MAX
} DecodeCounter;

/* sekimori's own counters (COUNTER_OWN), outside stats; see counters.def. */
typedef enum {
#define COUNTER_OWN(id, name) id,
#include "decode/counters.def"
#undef COUNTER_OWN
    DCTR_OWN_MAX
} DecodeOwnCounter;

/* Own events (EVENT_OWN) are the last of events.def: DECODE_EVENT_OWN_FIRST onwards. */
enum {
#define EVENT(id, name)
#define EVENT_OWN(id, name) id##_OWN_SLOT,
#include "decode/events.def"
#undef EVENT_OWN
#undef EVENT
    DECODE_EVENT_OWN_CNT
};
#define DECODE_EVENT_OWN_FIRST (DECODE_EVENT_MAX - DECODE_EVENT_OWN_CNT)

typedef enum {
    DECODE_OK = 0,
    DECODE_INVALID = -1, /* this layer failed; an event says why */
} DecodeStatus;

/* Where an inner packet's bytes start: the decoder that reads its first byte. */
typedef enum {
    TUN_ENTRY_ETHERNET,
    TUN_ENTRY_IPV4,
    TUN_ENTRY_IPV6,
    TUN_ENTRY_PPP,
    TUN_ENTRY_VLAN,
} TunnelEntry;

#define IPV4_HDR_LEN SK_IPV4_HDR_MIN
#define IPV6_HDR_LEN SK_IPV6_HDR_LEN

/* One per worker. The tunnel pool holds one packet per depth: a packet carries at most one
 * inner packet, so depth d always uses slot d-1 and nothing is ever freed.
 * ctr: the DCTR_MAX counters, one per event (DCTR_MAX + ev), then the own counters. Own events
 * close the event block, so [0, DCTR_MAX + DECODE_EVENT_OWN_FIRST) is the stats set and the
 * rest, own events then own counters, is the own set. */
struct DecodeThread {
    DecodeConfig cfg;
    /* Per packet chain, reset by decode_packet(): layers decoded so far (decoder.max-layers;
     * inner packets carry on from their parent's count, so recursion stays bounded) and
     * whether the current PPP header said Van Jacobson uncompressed (its IP protocol 0 is
     * then a TCP header). */
    uint8_t layers;
    bool ppp_vj_ucomp;
    Counter ctr[DCTR_MAX + DECODE_EVENT_MAX + DCTR_OWN_MAX];
    const char *ctr_names[DCTR_MAX + DECODE_EVENT_MAX + DCTR_OWN_MAX];
    CounterSet set;     /* Suricata's names: stats */
    CounterSet own_set; /* sekimori's own: decode_thread_counters_own */
    Packet tun_pool[PKT_TUNNEL_DEPTH_MAX];
};

/* 1 for events that mark the packet invalid (EVENT_INVALID, EVENT_NORULE lines). */
extern const uint8_t decode_event_invalid[DECODE_EVENT_MAX];

/* Raise ev on p. Counting waits until the packet is known to be kept (decode_packet's end):
 * an inner packet whose first layer fails is dropped with its events, as Suricata drops it. */
static inline void
decode_event_set(Packet *p, DecodeEvent ev)
{
    if (p->event_cnt < PKT_EVENT_MAX) {
        p->events[p->event_cnt++] = (uint16_t)ev;
    }
    if (decode_event_invalid[ev]) {
        p->flags |= PKT_F_INVALID;
    }
}

/* The same event raised where Suricata raises it without marking the packet invalid (a few
 * events are invalid at one check and a warning at another: tcp.opt_invalid_len). */
static inline void
decode_event_set_plain(Packet *p, DecodeEvent ev)
{
    if (p->event_cnt < PKT_EVENT_MAX) {
        p->events[p->event_cnt++] = (uint16_t)ev;
    }
}

static inline DecodeStatus
decode_fail(Packet *p, DecodeEvent ev)
{
    decode_event_set(p, ev);
    return DECODE_INVALID;
}

static inline void
dctr_inc(DecodeThread *dt, DecodeCounter c)
{
    counter_inc(&dt->ctr[c]);
}

static inline void
dctr_own_inc(DecodeThread *dt, DecodeOwnCounter c)
{
    counter_inc(&dt->ctr[DCTR_MAX + DECODE_EVENT_MAX + c]);
}

/* Offset of the cursor's next byte from the start of the packet's bytes. */
static inline uint32_t
decode_off(const Packet *p, const Cursor *c)
{
    return (uint32_t)(c->p - p->data);
}

/* Suricata's PacketIncreaseCheckLayers: each link, VLAN, MPLS and tunnel header counts one; at
 * decoder.max-layers the packet is invalid and decoding stops. */
static inline bool
decode_layer_enter(DecodeThread *dt, Packet *p)
{
    dt->layers++;
    if (dt->layers >= dt->cfg.max_layers) {
        decode_event_set(p, DECODE_TOO_MANY_LAYERS);
        return false;
    }
    return true;
}

/* Link and network layers (decode.c, one protocol per file). */
bool decode_network_layer(DecodeThread *dt, Packet *p, uint16_t ethertype, Cursor c);
DecodeStatus decode_ethernet(DecodeThread *dt, Packet *p, Cursor c);
DecodeStatus decode_dce(DecodeThread *dt, Packet *p, Cursor c);
DecodeStatus decode_vlan(DecodeThread *dt, Packet *p, Cursor c);
DecodeStatus decode_ieee8021ah(DecodeThread *dt, Packet *p, Cursor c);
DecodeStatus decode_vntag(DecodeThread *dt, Packet *p, Cursor c);
DecodeStatus decode_mpls(DecodeThread *dt, Packet *p, Cursor c);
/* Network Service Header (RFC 8300), ethertype 0x894F: IPv4, IPv6, Ethernet or MPLS after it. */
#define DECODE_ETHERTYPE_NSH 0x894F
DecodeStatus decode_nsh(DecodeThread *dt, Packet *p, Cursor c);
DecodeStatus decode_pppoe_session(DecodeThread *dt, Packet *p, Cursor c);
DecodeStatus decode_pppoe_discovery(DecodeThread *dt, Packet *p, Cursor c);
DecodeStatus decode_ppp(DecodeThread *dt, Packet *p, Cursor c);
/* The PPP payload after its protocol field (PPP frames and PPPoE sessions). */
DecodeStatus decode_ppp_payload(DecodeThread *dt, Packet *p, uint16_t proto, Cursor c);
/* A protocol PPP names that is neither IPv4 nor IPv6 (control protocols, other networks). */
bool decode_ppp_proto_known(uint16_t proto);
DecodeStatus decode_chdlc(DecodeThread *dt, Packet *p, Cursor c);
DecodeStatus decode_arp(DecodeThread *dt, Packet *p, Cursor c);
DecodeStatus decode_sll(DecodeThread *dt, Packet *p, Cursor c);
DecodeStatus decode_sll2(DecodeThread *dt, Packet *p, Cursor c);
DecodeStatus decode_null(DecodeThread *dt, Packet *p, Cursor c);
DecodeStatus decode_raw(DecodeThread *dt, Packet *p, Cursor c);
DecodeStatus decode_nflog(DecodeThread *dt, Packet *p, Cursor c);
DecodeStatus decode_radiotap(DecodeThread *dt, Packet *p, Cursor c);
DecodeStatus decode_ieee80211(DecodeThread *dt, Packet *p, Cursor c);

/* Records a decoded transport header: protocol, ports, and the spans of the layer (l4, from its
 * header on) and of its payload. TCP, UDP and SCTP all end this way. */
static inline void
decode_set_transport(Packet *p, uint8_t proto, uint16_t sp, uint16_t dp, const Cursor *l4,
                     const Cursor *payload)
{
    p->proto = proto;
    p->sp = sp;
    p->dp = dp;
    p->flags |= PKT_F_HAS_PORTS;
    p->l4_off = decode_off(p, l4);
    p->l4_len = (uint32_t)l4->left;
    p->payload_off = decode_off(p, payload);
    p->payload_len = (uint32_t)payload->left;
}

/* IP and transport. */
DecodeStatus decode_ipv4(DecodeThread *dt, Packet *p, Cursor c);
DecodeStatus decode_ipv6(DecodeThread *dt, Packet *p, Cursor c);
DecodeStatus decode_tcp(DecodeThread *dt, Packet *p, Cursor c);
DecodeStatus decode_udp(DecodeThread *dt, Packet *p, Cursor c);
DecodeStatus decode_sctp(DecodeThread *dt, Packet *p, Cursor c);
DecodeStatus decode_esp(DecodeThread *dt, Packet *p, Cursor c);
DecodeStatus decode_icmpv4(DecodeThread *dt, Packet *p, Cursor c);
DecodeStatus decode_icmpv6(DecodeThread *dt, Packet *p, Cursor c);

/* Tunnels. The UDP ones return DECODE_OK only when the payload was theirs (a tunnel packet was
 * decoded, or at least the header was recognised); otherwise UDP goes on as plain UDP. */
DecodeStatus decode_gre(DecodeThread *dt, Packet *p, Cursor c);
DecodeStatus decode_erspan(DecodeThread *dt, Packet *p, Cursor c, int type);
DecodeStatus decode_vxlan(DecodeThread *dt, Packet *p, Cursor c);
DecodeStatus decode_geneve(DecodeThread *dt, Packet *p, Cursor c);
DecodeStatus decode_teredo(DecodeThread *dt, Packet *p, Cursor c);

/* Decodes c as the inner packet of p, starting with entry's decoder. Returns the inner packet,
 * linked as p->inner, or NULL when the depth cap is reached or the inner packet's first layer
 * failed (then it is dropped with its events, as Suricata's PacketTunnelPktSetup does; for
 * Teredo any invalid event drops it, since Teredo is only a guess). add_vlan, when not 0, is
 * appended to the VLAN ids the inner packet inherits (ERSPAN carries the mirrored VLAN). */
Packet *decode_tunnel(DecodeThread *dt, Packet *p, Cursor c, TunnelType type, TunnelEntry entry,
                      uint16_t add_vlan);

#endif
