/* eve_int.h: private to src/output/. The writer's insides and the field helpers that record
 * writers (eve_flow.c, eve_anomaly.c, eve_stats.c) share with eve.c. Others include eve.h. */
#ifndef SK_OUTPUT_EVE_INT_H
#define SK_OUTPUT_EVE_INT_H

#include "output/eve.h"

struct EveWriter {
    EveFile *ef;
    EveConfig cfg;
    JsonBuf jb; /* the record being written (one at a time) */
    char *out;  /* whole lines waiting for the next flush */
    size_t out_len;
    uint64_t records;                             /* lines in out */
    EveEventNameFn event_name[PKT_EVENT_SRC_MAX]; /* NULL: that source's events not logged */
};

/* The header of a record about a flow (eve.c). The record is oriented as direction dir: for
 * FLOW_DIR_TOCLIENT, src_* are the flow's dst_* (netflow's answer record). flags: */
#define EVE_FLOW_ICMP_RESPONSE 0x01 /* also the other direction's response_icmp_type/_code */
#define EVE_FLOW_APP_PROTO_ALL 0x02 /* app_proto even while unknown ("unknown"), as netflow */
JsonBuf *eve_begin_flow_dir(EveWriter *ew, const Flow *f, SkTime ts, const char *event_type,
                            int dir, unsigned flags);

void eve_put_time(JsonBuf *jb, const char *key, SkTime t);

/* What follows a flow record's own object ("flow", "netflow"), in Suricata's order: metadata
 * (flowbits), ether (the flow's MACs, oriented as dir), community_id, each when enabled. */
void eve_put_flow_common(EveWriter *ew, const Flow *f, int dir);

/* An alert's "tunnel" object for a tunnel's inner packet p: the captured (outermost) packet's
 * addresses, ports (0 without), proto, p's depth, its pcap_cnt and pkt_src. Nothing for a
 * captured packet. */
void eve_put_tunnel(JsonBuf *jb, const Packet *p);

/* p's own Ethernet header as Suricata sees it (none for a VXLAN inner packet, whose decoder
 * consumed it), or NULL. */
const uint8_t *eve_packet_ether(const Packet *p);

/* The bytes and link type Suricata logs as p's "packet": the capture for a captured packet; for
 * a tunnel's inner packet its own bytes as a raw packet (VXLAN's from past its Ethernet). */
void eve_packet_frame(const Packet *p, const uint8_t **data, uint32_t *len, uint16_t *linktype);

/* alert records (eve_alert.c), shared with drop records (eve_drop.c). */
void eve_put_alert_obj(JsonBuf *jb, const Packet *p, const DetectAlert *al, const EveConfig *cfg,
                       bool rule_metadata);
/* "verdict": the packet's final action (alert, drop, pass; reject's target and kind). */
void eve_put_verdict(JsonBuf *jb, const Packet *p, const DetectAlerts *a, bool ips);
/* A drop record for p when Suricata writes one (eve_drop.c). */
void eve_log_drop(EveWriter *ew, const Packet *p, const DetectAlerts *a);

#endif
