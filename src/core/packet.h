/* packet.h: the Packet, shared by every stage. A Packet comes from a worker's pool (never
 * malloc'd per packet), borrows its bytes from the capture buffer (or, for an inner tunnel
 * packet, from its parent's bytes), and carries what decode found: addresses, ports, layer
 * spans, events. Layer spans are offsets into `data` set by the decoder from cursors; other
 * stages read them back through cursors (packet_l4 and friends), never by indexing. */
#ifndef SK_CORE_PACKET_H
#define SK_CORE_PACKET_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/cursor.h"
#include "core/time.h"

#define PKT_EVENT_MAX 15       /* as Suricata: further events on one packet are dropped */
#define PKT_VLAN_MAX 3         /* 802.1Q, QinQ, QinQinQ; more raises vlan.too_many_layers */
#define PKT_TUNNEL_DEPTH_MAX 4 /* inner packets nested deeper are not decoded */

/* Link types we read (DLT_ values of pcap). */
enum {
    LINKTYPE_NULL = 0,
    LINKTYPE_ETHERNET = 1,
    LINKTYPE_PPP = 9,
    LINKTYPE_RAW_OPENBSD = 12, /* DLT_RAW on OpenBSD */
    LINKTYPE_RAW_BSDOS = 14,   /* DLT_RAW on BSD/OS */
    LINKTYPE_RAW = 101,
    LINKTYPE_CHDLC = 104, /* Cisco HDLC */
    LINKTYPE_IEEE80211 = 105,
    LINKTYPE_LOOP = 108,
    LINKTYPE_LINUX_SLL = 113,
    LINKTYPE_RADIOTAP = 127, /* IEEE 802.11 behind a radiotap header */
    LINKTYPE_IPV4 = 228,
    LINKTYPE_IPV6 = 229,
    LINKTYPE_NFLOG = 239,
    LINKTYPE_LINUX_SLL2 = 276,
};

/* An IPv4 address is kept in the first 4 bytes, the rest zero, so flow keys compare the same
 * way for both families. */
typedef struct {
    uint8_t b[16];
} SkAddr;

typedef enum {
    TUNNEL_NONE = 0,
    TUNNEL_GRE,
    TUNNEL_IPIP, /* IPv4 or IPv6 carried directly in IPv4/IPv6 (4in4, 6in4, 4in6, 6in6) */
    TUNNEL_TEREDO,
    TUNNEL_VXLAN,
    TUNNEL_GENEVE,
    TUNNEL_ERSPAN,
} TunnelType;

/* Packet flags. */
#define PKT_F_INVALID 0x0001      /* a layer failed to decode (decoder.invalid counted) */
#define PKT_F_FRAGMENT 0x0002     /* an IP fragment (frag valid): L4 not decoded (later: defrag) */
#define PKT_F_HAS_PORTS 0x0004    /* sp/dp are meaningful (TCP, UDP, SCTP) */
#define PKT_F_HAS_ICMP 0x0008     /* icmp_type/icmp_code are meaningful */
#define PKT_F_ICMP_ERR_EMB 0x0010 /* ICMP error with a valid embedded header: emb_* valid */
#define PKT_F_TUNNEL 0x0020       /* this packet carried an inner packet (p->inner) */
#define PKT_F_ETH 0x0040          /* eth_off: where this packet's (first) Ethernet header starts */
#define PKT_F_PSEUDO 0x4000       /* flow end's pseudo packet: pkt_src "stream (flow timeout)" */
#define PKT_F_REASSEMBLED 0x8000  /* defrag's datagram (pkt_src "defrag"), not a captured frame */

struct Flow;

/* An event raised on a packet: the raising stage (PktEventSrc) in the top 4 bits, that stage's
 * own event id (a DecodeEvent, ...) in the low 12. Decode is source 0, so a DecodeEvent is its
 * own PktEvent. Two bytes, not a struct of id and source: Packet is hot, and events[] of 15 fits
 * in half a cache line. The source decides the rule keyword (decode-event:, stream-event:,
 * app-layer-event:) and the EVE anomaly type. */
typedef uint16_t PktEvent;
typedef enum {
    PKT_EVENT_SRC_DECODE = 0,   /* decode/events.def; EVE anomaly type "decode" */
    PKT_EVENT_SRC_STREAM = 1,   /* the TCP stream's events; "stream" */
    PKT_EVENT_SRC_APPLAYER = 2, /* app-layer events raised on a packet (protocol detection) */
    PKT_EVENT_SRC_MAX
} PktEventSrc;
#define PKT_EVENT_ID_BITS 12
#define PKT_EVENT_ID_MAX (1u << PKT_EVENT_ID_BITS) /* a source's ids are below this */
#define PKT_EVENT(src, id) ((PktEvent)(((unsigned)(src) << PKT_EVENT_ID_BITS) | (unsigned)(id)))
_Static_assert(PKT_EVENT_SRC_MAX <= 1u << (16 - PKT_EVENT_ID_BITS), "PktEvent: source bits");

/* A group of members declared once and reachable two ways: one by one (p->src) and as a whole
 * (p->dec, for one memset): an anonymous struct and a named one of the same members overlaid
 * in a union, Linux's struct_group(). The named struct's tag has file scope, as any in C. */
#define PACKET_GROUP(TAG, NAME, ...)                                                               \
    union {                                                                                        \
        struct {                                                                                   \
            __VA_ARGS__                                                                            \
        };                                                                                         \
        struct TAG {                                                                               \
            __VA_ARGS__                                                                            \
        } NAME;                                                                                    \
    }

typedef struct Packet {
    /* --- capture: set by the reader --- */
    const uint8_t *data; /* first byte of this packet's frame (borrowed) */
    uint32_t len;        /* captured bytes at data */
    uint32_t wire_len;   /* length on the wire (>= len when snaplen cut it) */
    SkTime ts;
    uint64_t pcap_cnt; /* 1-based record number in the input, as EVE's pcap_cnt */
    uint16_t linktype; /* LINKTYPE_*: how to decode data */

    /* --- decode: everything decode fills, cleared as a whole (p->dec) by decode_packet() ---
     * A field added inside is cleared for every packet with the rest; one added outside is
     * another stage's to set and clear. */
    PACKET_GROUP(
        PacketDecode, dec, uint16_t flags; /* PKT_F_* */
        uint8_t ip_ver;                    /* 0 (no IP), 4 or 6 */
        uint8_t proto; /* IP protocol of the last header decoded (SK_IPPROTO_*) */
        uint8_t vlan_cnt; uint16_t vlan_id[PKT_VLAN_MAX]; SkAddr src, dst;
        uint16_t sp, dp;                           /* ports when PKT_F_HAS_PORTS */
        uint8_t tcp_flags;                         /* SK_TH_* */
        uint8_t icmp_type, icmp_code; uint8_t ttl; /* IPv4 TTL or IPv6 hop limit */

        /* ICMP error messages quote the packet that caused them; Suricata keys such an ICMP
         * packet to the quoted packet's flow. Valid when PKT_F_ICMP_ERR_EMB. */
        uint8_t emb_proto; SkAddr emb_src, emb_dst; uint16_t emb_sp, emb_dp;

        /* Layer spans, offsets from data (0 length: layer absent; a fragment has no l4). */
        uint32_t l3_off, l3_len; /* IP header through the end of the datagram as captured */
        uint32_t l4_off, l4_len; /* transport header and payload */
        uint32_t payload_off, payload_len;
        uint32_t eth_off; /* PKT_F_ETH: destination MAC, then source MAC, 14 bytes */

        /* An IP fragment (PKT_F_FRAGMENT), the same for both versions: what defrag needs.
         * The fragment's data is [data_off, data_off + data_len) of `data`; the part that is
         * not fragmented runs from l3_off to data_off for IPv4 (header and options) and to
         * the 8-byte fragment header just before data_off for IPv6 (header and the extension
         * headers before it). proto is the fragmented protocol: IPv4's protocol field, the
         * fragment header's next header for IPv6 (where p->proto says SK_IPPROTO_FRAGMENT). */
        struct {
            uint32_t id; /* identification (IPv4's 16 bits widened) */
            uint32_t data_off, data_len;
            uint16_t off; /* offset of the data in the datagram, in bytes */
            uint8_t proto;
            bool more; /* more fragments follow */
        } frag;

        /* Tunnels: decode links an inner packet to the one that carried it. */
        struct Packet * parent; /* the outer packet this one was carried in, or NULL */
        struct Packet * inner;  /* the inner packet decoded from this one, or NULL */
        uint8_t tunnel_depth;   /* 0 for the captured packet */
        uint8_t tunnel_type;    /* TunnelType that carried this packet (inner side) */
    );

    /* Events raised on this packet, in order, each tagged with the stage that raised it. */
    uint8_t event_cnt;
    PktEvent events[PKT_EVENT_MAX];

    /* --- flow --- */
    struct Flow *flow;
    uint8_t flow_toserver;    /* 1: same direction as the flow's first packet */
    uint8_t flow_established; /* the flow counts as established for this packet (flow keyword) */
} Packet;

/* Clears everything decode and flow set, keeping nothing from a previous use. */
static inline void
packet_reset(Packet *p)
{
    memset(p, 0, sizeof(*p));
}

/* The Ethernet header that carried p: its own, else the nearest outer packet's (an IP-in-IP or
 * GRE inner packet has none of its own). NULL when no layer was Ethernet. The 12 bytes there are
 * the destination MAC, then the source MAC; the decoder checked that they were captured. */
static inline const uint8_t *
packet_ether(const Packet *p)
{
    for (; p != NULL; p = p->parent) {
        if (p->flags & PKT_F_ETH) {
            return p->data + p->eth_off;
        }
    }
    return NULL;
}

static inline PktEventSrc
packet_event_src(PktEvent ev)
{
    return (PktEventSrc)(ev >> PKT_EVENT_ID_BITS);
}

static inline unsigned
packet_event_id(PktEvent ev)
{
    return ev & (PKT_EVENT_ID_MAX - 1);
}

/* Adds ev after p's other events. False when p already has PKT_EVENT_MAX: ev is dropped, as
 * Suricata drops events past its limit. */
static inline bool
packet_event_add(Packet *p, PktEvent ev)
{
    if (p->event_cnt >= PKT_EVENT_MAX) {
        return false;
    }
    p->events[p->event_cnt++] = ev;
    return true;
}

/* Does p carry ev (source and id)? A DecodeEvent may be passed as it is. */
static inline bool
packet_has_event(const Packet *p, PktEvent ev)
{
    for (unsigned i = 0; i < p->event_cnt; i++) {
        if (p->events[i] == ev) {
            return true;
        }
    }
    return false;
}

/* Orders two (address, port) ends so the smaller comes first, so both directions of a flow
 * look alike (flow hashing, Community ID). IPv4 addresses compare the same way as their
 * 16-byte SkAddr form: the padding is zero. */
static inline void
packet_ends_order(const SkAddr **a, const SkAddr **b, uint16_t *pa, uint16_t *pb)
{
    int c = memcmp((*a)->b, (*b)->b, sizeof((*a)->b));
    if (c > 0 || (c == 0 && *pa > *pb)) {
        const SkAddr *t = *a;
        *a = *b;
        *b = t;
        uint16_t tp = *pa;
        *pa = *pb;
        *pb = tp;
    }
}

/* The transport layer and its payload as cursors. */
static inline Cursor
packet_l4(const Packet *p)
{
    return cur_init(p->data + p->l4_off, p->l4_len);
}

static inline Cursor
packet_payload(const Packet *p)
{
    return cur_init(p->data + p->payload_off, p->payload_len);
}

#endif
