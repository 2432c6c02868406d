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
    uint8_t max_tunnel_depth;   /* decoder.max-layers style cap; <= PKT_TUNNEL_DEPTH_MAX */
    bool vxlan_enabled;         /* decoder.vxlan.enabled */
    uint16_t vxlan_port;        /* decoder.vxlan.ports (first) */
    bool geneve_enabled;        /* decoder.geneve.enabled */
    uint16_t geneve_port;       /* decoder.geneve.ports (first) */
    bool teredo_enabled;        /* decoder.teredo.enabled */
    uint16_t teredo_port;       /* decoder.teredo.ports (first); 0: any UDP port */
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

/* Raises ev on p (at most PKT_EVENT_MAX per packet) and counts it. */
void decode_event_raise(DecodeThread *dt, Packet *p, DecodeEvent ev);

/* decoder.* counters of this thread, for stats. */
const CounterSet *decode_thread_counters(const DecodeThread *dt);

/* "ipv4.trunc_pkt": the name rules use (decode-event:), EVE prefixes "decoder.". */
const char *decode_event_name(unsigned ev);
/* The event of that name, or -1. */
int decode_event_lookup(const char *name);

/* Is ev an event that means "this packet is invalid" (counted in decoder.invalid)? */
bool decode_event_is_invalid(unsigned ev);

#endif
