/* shard.h: which worker owns a packet (runtime-private). */
#ifndef SK_RUNTIME_SHARD_H
#define SK_RUNTIME_SHARD_H

#include <stdint.h>

#include "core/packet.h"
#include "decode/decode.h"

typedef enum {
    SHARD_SIMPLE,  /* one flow layer, hash known from a cheap parse */
    SHARD_COMPLEX, /* tunnels or encapsulations the cheap parse does not follow: decode first */
} ShardClass;

/* A symmetric hash over the VLAN ids and the IP address pair only, read straight from the
 * frame with a minimal parse (no events, no counters). Ports are left out on purpose: non-first
 * fragments carry none, and every fragment of a datagram must reach the worker that owns its
 * flow. An ICMPv4 error is hashed on the addresses it quotes, because its flow is the quoted
 * one. Tunnels are hashed on the outer header. Frames without IP hash on their VLANs alone. */
ShardClass shard_classify(const Packet *p, uint64_t seed, const DecodeConfig *dc, bool use_vlan,
                          uint64_t *hash);

/* The same hash from a decoded packet's own fields: for each layer of a SHARD_COMPLEX packet
 * (outer and inner packets are separate flows and may belong to different workers). For a
 * SHARD_SIMPLE packet it equals shard_classify()'s hash, so a flow seen both plain and
 * tunnelled still lands on one worker. use_vlan: vlan.use-for-tracking (VLAN ids in the key). */
uint64_t shard_hash_layer(const Packet *q, uint64_t seed, bool use_vlan);

#endif
