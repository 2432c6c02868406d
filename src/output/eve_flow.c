/* eve_flow.c: the records of a flow that ended: "flow" (one per flow, oriented as its first
 * packet) and "netflow" (one per direction that carried packets, oriented as that direction). */
#include "output/eve_int.h"
#include "stream/stream.h"

#include "core/proto.h"

static void
log_netflow(EveWriter *ew, const Flow *f)
{
    for (int dir = FLOW_DIR_TOSERVER; dir <= FLOW_DIR_TOCLIENT; dir++) {
        if (f->pkts[dir] == 0) {
            continue;
        }
        JsonBuf *jb =
            eve_begin_flow_dir(ew, f, f->dir_start[dir], "netflow", dir, EVE_FLOW_APP_PROTO_ALL);
        json_open_obj(jb, "netflow");
        json_u64(jb, "pkts", f->pkts[dir]);
        json_u64(jb, "bytes", f->bytes[dir]);
        eve_put_time(jb, "start", f->dir_start[dir]);
        eve_put_time(jb, "end", f->dir_last[dir]);
        json_u64(jb, "age", SK_TIME_SEC(f->dir_last[dir]) - SK_TIME_SEC(f->dir_start[dir]));
        json_u64(jb, "min_ttl", f->ttl_min[dir]);
        json_u64(jb, "max_ttl", f->ttl_max[dir]);
        json_close_obj(jb);
        eve_put_flow_common(ew, f, dir);
        eve_commit(ew);
    }
}

/* "tcp": the flags seen, all together and per direction, then one true per flag seen (in
 * Suricata's order: syn first), then the session's state, gaps and buffer regions when the
 * stream stage kept a session, as Suricata writes them. */
static void
put_tcp_flags(JsonBuf *jb, const Flow *f)
{
    static const struct {
        uint8_t bit;
        const char *name;
    } flag_names[] = {
        {0x02, "syn"}, {0x01, "fin"}, {0x04, "rst"}, {0x08, "psh"},
        {0x10, "ack"}, {0x20, "urg"}, {0x40, "ecn"}, {0x80, "cwr"},
    };
    static const char hex[] = "0123456789abcdef";
    /* Suricata keeps the flags in the TCP session: a flow the stream never started one for
     * (no SYN, stream.midstream off) writes "00". */
    bool ssn = stream_has_session(f);
    uint8_t ts = ssn ? f->tcp_flags[0] : 0, tc = ssn ? f->tcp_flags[1] : 0;
    uint8_t all = ts | tc;
    char h[3] = {hex[all >> 4], hex[all & 15], 0};

    json_open_obj(jb, "tcp");
    json_str_plain(jb, "tcp_flags", h, 2);
    h[0] = hex[ts >> 4];
    h[1] = hex[ts & 15];
    json_str_plain(jb, "tcp_flags_ts", h, 2);
    h[0] = hex[tc >> 4];
    h[1] = hex[tc & 15];
    json_str_plain(jb, "tcp_flags_tc", h, 2);
    for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++) {
        if (all & flag_names[i].bit) {
            json_bool(jb, flag_names[i].name, true);
        }
    }
    const char *state = stream_state_name(f);
    if (state != NULL) {
        json_str(jb, "state", state);
        bool gap_tc = stream_had_gap(f, FLOW_DIR_TOCLIENT);
        bool gap_ts = stream_had_gap(f, FLOW_DIR_TOSERVER);
        if (gap_tc) {
            json_bool(jb, "tc_gap", true);
        }
        if (gap_ts) {
            json_bool(jb, "ts_gap", true);
        }
        json_u64(jb, "ts_max_regions", gap_ts ? 2 : 1);
        json_u64(jb, "tc_max_regions", gap_tc ? 2 : 1);
    }
    json_close_obj(jb);
}

void
eve_log_flow(EveWriter *ew, const Flow *f, SkTime now)
{
    if (eve_config_type_on(&ew->cfg, EVE_TYPE_NETFLOW)) {
        log_netflow(ew, f);
    }
    if (!eve_config_type_on(&ew->cfg, EVE_TYPE_FLOW)) {
        return;
    }
    JsonBuf *jb = eve_begin_flow(ew, f, now, "flow");
    json_open_obj(jb, "flow");
    json_u64(jb, "pkts_toserver", f->pkts[FLOW_DIR_TOSERVER]);
    json_u64(jb, "pkts_toclient", f->pkts[FLOW_DIR_TOCLIENT]);
    json_u64(jb, "bytes_toserver", f->bytes[FLOW_DIR_TOSERVER]);
    json_u64(jb, "bytes_toclient", f->bytes[FLOW_DIR_TOCLIENT]);
    eve_put_time(jb, "start", f->start);
    eve_put_time(jb, "end", f->last);
    json_u64(jb, "age", SK_TIME_SEC(f->last) - SK_TIME_SEC(f->start));
    json_str(jb, "state", flow_state_name((FlowState)f->state));
    json_str(jb, "reason", flow_end_reason_name((FlowEndReason)f->end_reason));
    json_bool(jb, "alerted", (f->flags & FLOW_F_ALERTED) != 0);
    /* What detection decided for the whole flow; the first of the two set wins. */
    if (f->flags & FLOW_F_DROP) {
        json_str(jb, "action", "drop");
    } else if (f->flags & FLOW_F_PASS) {
        json_str(jb, "action", "pass");
    }
    json_close_obj(jb);
    eve_put_flow_common(ew, f, FLOW_DIR_TOSERVER);
    if (f->proto == SK_IPPROTO_TCP) {
        put_tcp_flags(jb, f);
    }
    eve_commit(ew);
}
