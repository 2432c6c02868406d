/* fuzz_decode.c: libFuzzer harness for decode_packet(). Input: byte 0 chooses the link type
 * (an index into fuzz_linktypes, modulo its size), the rest is one captured packet. The packet
 * bytes are copied to a buffer of exactly their length so any read past them is caught. One
 * DecodeThread for the whole run, as a worker has. Seeds: tools/fuzz-seeds.py. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/packet.h"
#include "decode/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Keep in the order tools/fuzz-seeds.py writes its index byte. */
static const uint16_t fuzz_linktypes[] = {
    LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL,   LINKTYPE_LINUX_SLL2, LINKTYPE_RAW,
    LINKTYPE_IPV4,     LINKTYPE_IPV6,        LINKTYPE_NULL,       LINKTYPE_LOOP,
    LINKTYPE_PPP,      LINKTYPE_RAW_OPENBSD, LINKTYPE_RAW_BSDOS,  LINKTYPE_CHDLC,
};

static DecodeThread *fuzz_dt;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    if (fuzz_dt == NULL) {
        DecodeConfig cfg;
        decode_config_default(&cfg);
        cfg.teredo_port = 0; /* Teredo on every UDP port: more of the decoder reachable */
        fuzz_dt = decode_thread_new(&cfg);
        if (fuzz_dt == NULL) {
            abort();
        }
    }
    size_t nlt = sizeof(fuzz_linktypes) / sizeof(fuzz_linktypes[0]);
    uint8_t *copy = malloc(size - 1 ? size - 1 : 1);
    if (copy == NULL) {
        return 0;
    }
    memcpy(copy, data + 1, size - 1);

    Packet p;
    memset(&p, 0, sizeof(p));
    p.data = copy;
    p.len = (uint32_t)(size - 1);
    p.wire_len = p.len;
    p.linktype = fuzz_linktypes[data[0] % nlt];
    p.pcap_cnt = 1;
    decode_packet(fuzz_dt, &p);

    /* What later stages rely on: spans inside the packet, inner packets inside their parent. */
    for (const Packet *q = &p; q != NULL; q = q->inner) {
        if ((uint64_t)q->l3_off + q->l3_len > q->len || (uint64_t)q->l4_off + q->l4_len > q->len
            || (uint64_t)q->payload_off + q->payload_len > q->len || q->event_cnt > PKT_EVENT_MAX
            || q->vlan_cnt > PKT_VLAN_MAX || q->tunnel_depth > PKT_TUNNEL_DEPTH_MAX) {
            abort();
        }
        if ((q->flags & PKT_F_FRAGMENT)
            && ((uint64_t)q->frag.data_off + q->frag.data_len > (uint64_t)q->l3_off + q->l3_len
                || q->frag.data_off < q->l3_off || q->l4_len != 0)) {
            abort();
        }
        if (q->inner != NULL
            && (q->inner->data < q->data || q->inner->data + q->inner->len > q->data + q->len)) {
            abort();
        }
        (void)decode_ipv4_checksum_ok(q);
        (void)decode_l4_checksum_ok(q);
        (void)decode_packet_wants_flow(q);
    }
    free(copy);
    return 0;
}
