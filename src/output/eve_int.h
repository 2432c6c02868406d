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

#endif
