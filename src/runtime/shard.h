/* shard.h: which worker owns a packet (runtime-private). */
#ifndef SK_RUNTIME_SHARD_H
#define SK_RUNTIME_SHARD_H

#include <stdint.h>

#include "core/packet.h"

/* A symmetric hash over the VLAN ids and the IP address pair only, read straight from the
 * frame with a minimal parse (no events, no counters). Ports are left out on purpose: non-first
 * fragments carry none, and every fragment of a datagram must reach the worker that owns its
 * flow. An ICMPv4 error is hashed on the addresses it quotes, because its flow is the quoted
 * one. Tunnels are hashed on the outer header. Frames without IP hash on their VLANs alone. */
uint64_t shard_hash(const Packet *p, uint64_t seed);

#endif
