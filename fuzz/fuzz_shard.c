/* fuzz_shard.c: libFuzzer harness for the shard hash, checking its promise rather than only
 * that it survives. Input as fuzz_decode's: byte 0 picks the link type from the same table
 * (tools/fuzz-seeds.py seeds both), the rest is one packet, copied to a buffer of exactly its
 * length so a read past it is caught. Each input is checked with vlan.use-for-tracking off and
 * on. The seed is fixed: the property is about which fields go into the hash, not its values.
 *
 * The property (shard.h): when shard_classify() calls a packet SHARD_SIMPLE, every layer the
 * decoder makes of it that is keyed to a flow, or is a fragment (defrag will key it), hashes
 * with shard_hash_layer() to the cheap parse's hash. If not, workers mode would process the
 * flow in two workers, each seeing half its packets. Layers keyed to no flow (broken headers,
 * non-IP, an ICMPv4 error whose quote the decoder refused) may hash anywhere: no worker has to
 * agree on them. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/packet.h"
#include "core/proto.h"
#include "decode/decode.h"
#include "runtime/shard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The same table as fuzz_decode.c, in the order tools/fuzz-seeds.py writes its index byte. */
static const uint16_t fuzz_linktypes[] = {
    LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL,   LINKTYPE_LINUX_SLL2, LINKTYPE_RAW,
    LINKTYPE_IPV4,     LINKTYPE_IPV6,        LINKTYPE_NULL,       LINKTYPE_LOOP,
    LINKTYPE_PPP,      LINKTYPE_RAW_OPENBSD, LINKTYPE_RAW_BSDOS,  LINKTYPE_CHDLC,
};

static DecodeThread *fuzz_dt;
static DecodeConfig fuzz_dc;

/* Whether the worker that owns q's hash must be the one the cheap parse chose: q gets a flow
 * (flow_handle_packet keys an ICMPv4 error on its quote, and gives it none without one), or q
 * is a fragment, whose datagram's flow is decided after reassembly. */
static bool
layer_is_keyed(const Packet *q)
{
    if (q->ip_ver != 0 && (q->flags & PKT_F_FRAGMENT)) {
        return true;
    }
    if (!decode_packet_wants_flow(q)) {
        return false;
    }
    if (q->proto == SK_IPPROTO_ICMP && (q->flags & PKT_F_HAS_ICMP)
        && proto_icmpv4_is_error(q->icmp_type) && !(q->flags & PKT_F_ICMP_ERR_EMB)) {
        return false;
    }
    return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    if (fuzz_dt == NULL) {
        decode_config_default(&fuzz_dc);
        fuzz_dt = decode_thread_new(&fuzz_dc);
        if (fuzz_dt == NULL) {
            abort();
        }
    }
    const uint64_t seed = 0x5eed5eed5eed5eedULL;
    size_t nlt = sizeof(fuzz_linktypes) / sizeof(fuzz_linktypes[0]);
    size_t len = size - 1;
    uint8_t *copy = malloc(len ? len : 1);
    if (copy == NULL) {
        return 0;
    }
    memcpy(copy, data + 1, len);

    Packet p;
    packet_reset(&p);
    p.data = copy;
    p.len = (uint32_t)len;
    p.wire_len = p.len;
    p.linktype = fuzz_linktypes[data[0] % nlt];
    p.pcap_cnt = 1;

    uint64_t cheap[2];
    ShardClass cls[2];
    for (int vlan = 0; vlan <= 1; vlan++) {
        cls[vlan] = shard_classify(&p, seed, &fuzz_dc, vlan, &cheap[vlan]);
        if (cls[vlan] != SHARD_SIMPLE && cls[vlan] != SHARD_COMPLEX) {
            abort();
        }
    }
    if (cls[0] != cls[1]) {
        abort(); /* VLAN tracking changes the key, never how far the cheap parse reads */
    }
    decode_packet(fuzz_dt, &p);
    for (const Packet *q = &p; cls[0] == SHARD_SIMPLE && q != NULL; q = q->inner) {
        if (!layer_is_keyed(q)) {
            continue;
        }
        for (int vlan = 0; vlan <= 1; vlan++) {
            if (shard_hash_layer(q, seed, vlan) != cheap[vlan]) {
                abort(); /* a flow the cheap parse sends to another worker than its own */
            }
        }
    }
    free(copy);
    return 0;
}
