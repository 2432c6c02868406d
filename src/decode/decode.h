/* decode.h: link layer to transport, every byte through a Cursor. A DecodeThread belongs to
 * one worker and is never shared: nothing here locks. Hostile input is not an error: a bad
 * layer raises a Suricata-named event on the packet, counts it, stops decoding that layer and
 * leaves the packet to the later stages. */
#ifndef SK_DECODE_DECODE_H
#define SK_DECODE_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/counters.h"
#include "core/packet.h"

typedef enum {
#define EVENT(id, name) id,
#include "decode/events.def"
#undef EVENT
    DECODE_EVENT_MAX
} DecodeEvent;

typedef struct {
    uint8_t max_tunnel_depth; /* decoder.max-layers style cap; <= PKT_TUNNEL_DEPTH_MAX */
    uint8_t max_layers;       /* decoder.max-layers (16): layers per packet chain, beyond
                                 * which too_many_layers is raised */
    bool vxlan_enabled;       /* decoder.vxlan.enabled */
    uint16_t vxlan_port;      /* decoder.vxlan.ports (first) */
    bool geneve_enabled;      /* decoder.geneve.enabled */
    uint16_t geneve_port;     /* decoder.geneve.ports (first) */
    bool teredo_enabled;      /* decoder.teredo.enabled */
    uint16_t teredo_port;     /* decoder.teredo.ports (first); 0: any UDP port */
} DecodeConfig;

void decode_config_default(DecodeConfig *cfg);

typedef struct DecodeThread DecodeThread; /* opaque; one per worker */

DecodeThread *decode_thread_new(const DecodeConfig *cfg); /* NULL: out of memory (logged) */
void decode_thread_free(DecodeThread *dt);                /* accepts NULL */

/* Decodes p (data, len, linktype set by capture) into its fields. A tunnel's inner packet
 * comes from dt's own pool, is chained on p->inner (and so on, up to the depth cap) and is
 * borrowed: it stays valid until the next decode_packet() on dt. Counts decoder.pkts,
 * decoder.bytes and the per-protocol and per-event counters. */
void decode_packet(DecodeThread *dt, Packet *p);

/* Decodes a datagram defrag put together, from its IP header (at l3_off of p->data) up: p's
 * capture fields (data, len, linktype, ts, pcap_cnt) are the caller's; VLAN ids, tunnel parent,
 * depth and type come from frag (the fragment that completed it); eth_off is where p->data holds
 * an Ethernet header, or -1. Sets PKT_F_REASSEMBLED. Counts the layers (decoder.ipv4, ...) and
 * events, not decoder.pkts: the datagram is no captured packet. Inner tunnel packets come from
 * dt's pool at the depths below frag's, which a fragment never uses (decoding stops at it). */
void decode_datagram(DecodeThread *dt, Packet *p, const Packet *frag, uint32_t l3_off,
                     int32_t eth_off);

/* Raises ev on p (at most PKT_EVENT_MAX per packet) and counts it. */
void decode_event_raise(DecodeThread *dt, Packet *p, DecodeEvent ev);

/* decoder.* counters of this thread, for stats: Suricata's names only, so EVE stats records
 * keep to Suricata's schema. */
const CounterSet *decode_thread_counters(const DecodeThread *dt);
/* sekimori's own decoder counters (decoder.nflog, decoder.unknown_linktype, the events of
 * link types Suricata refuses, ...): for the run summary or logs, never for EVE stats. Summed
 * over workers the same way; zero when no such packet came. */
const CounterSet *decode_thread_counters_own(const DecodeThread *dt);

/* "ipv4.trunc_pkt": the name rules use (decode-event:), EVE prefixes "decoder.". */
const char *decode_event_name(unsigned ev);
/* The event of that name, or -1. */
int decode_event_lookup(const char *name);

/* Is ev an event that means "this packet is invalid" (counted in decoder.invalid)? */
bool decode_event_is_invalid(unsigned ev);

/* Does the packet start or update a flow, as Suricata's decoders decide (FlowSetupPacket)?
 * An IP layer decoded, not a fragment, and the transport either decoded (TCP, UDP, SCTP, ICMP,
 * ICMPv6, GRE, ESP) or one decode does not parse (IP-in-IP, IGMP, ...). ICMP errors that quote
 * a TCP/UDP header (PKT_F_ICMP_ERR_EMB, ip_ver 4, icmp_type 3, emb_proto 6 or 17) belong to the
 * quoted flow: Suricata keys them by emb_* (reversed), only for IPv4 destination unreachable. */
bool decode_packet_wants_flow(const Packet *p);

/* Checksums, computed on demand (Suricata raises no decoder event for them; the ipv4-csum,
 * tcpv4-csum ... keywords and stream.checksum-validation ask). True when the checksum verifies
 * or the layer is absent or cut short (no verdict possible); UDP over IPv4 with checksum 0 is
 * valid. */
bool decode_ipv4_checksum_ok(const Packet *p);
bool decode_l4_checksum_ok(const Packet *p);

#endif
