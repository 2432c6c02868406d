/* eve_anomaly.c: "anomaly" records, one per event raised on a packet. An event's source (the
 * stage that raised it, PktEventSrc) decides the record's anomaly.type, the prefix of its name
 * and the option that enables it; the names come from that stage (eve_writer_set_event_names). */
#include "output/eve_int.h"

#include <stdio.h>

static const struct {
    const char *type;   /* anomaly.type */
    const char *prefix; /* anomaly.event is prefix + the stage's name for the event */
    EveOption on;       /* anomaly.types.<type> */
} sources[PKT_EVENT_SRC_MAX] = {
    [PKT_EVENT_SRC_DECODE] = {"decode", "decoder.", EVE_OPT_ANOMALY_DECODE},
    [PKT_EVENT_SRC_STREAM] = {"stream", "stream.", EVE_OPT_ANOMALY_STREAM},
    [PKT_EVENT_SRC_APPLAYER] = {"applayer", "", EVE_OPT_ANOMALY_APPLAYER},
};

void
eve_log_anomalies(EveWriter *ew, const Packet *p)
{
    char name[96];

    for (unsigned i = 0; i < p->event_cnt; i++) {
        PktEventSrc src = packet_event_src(p->events[i]);
        if (src >= PKT_EVENT_SRC_MAX || !eve_config_option_on(&ew->cfg, sources[src].on)
            || ew->event_name[src] == NULL) {
            continue;
        }
        const char *ev = ew->event_name[src](packet_event_id(p->events[i]));
        if (ev == NULL) {
            continue;
        }
        JsonBuf *jb = eve_begin_packet(ew, p, "anomaly");
        if (eve_config_option_on(&ew->cfg, EVE_OPT_ANOMALY_PACKETHDR)) {
            /* The captured frame, as Suricata logs it: the root packet of a tunnel. */
            const Packet *root = p;
            while (root->parent != NULL) {
                root = root->parent;
            }
            json_base64(jb, "packet", root->data, root->len);
            json_open_obj(jb, "packet_info");
            json_u64(jb, "linktype", root->linktype);
            json_close_obj(jb);
        }
        json_open_obj(jb, "anomaly");
        json_str(jb, "type", sources[src].type);
        snprintf(name, sizeof(name), "%s%s", sources[src].prefix, ev);
        json_str(jb, "event", name);
        json_close_obj(jb);
        eve_commit(ew);
    }
}
