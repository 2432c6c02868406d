/* engine.c: (being written) the per-packet driver. */
#include "detect/detect_int.h"

#include <stdlib.h>

bool
detect_buf_pkt_data(struct DetectThread *dt, const Packet *p, Cursor *out)
{
    (void)dt;
    *out = packet_payload(p);
    return true;
}

DetectThread *
detect_thread_new(const DetectEngine *de)
{
    DetectThread *dt = calloc(1, sizeof(*dt));
    if (dt == NULL) {
        return NULL;
    }
    dt->de = de;
    return dt;
}

void
detect_thread_free(DetectThread *dt)
{
    free(dt);
}

void
detect_packet(DetectThread *dt, Packet *p)
{
    (void)p;
    dt->alerts.cnt = 0;
}

const DetectAlerts *
detect_alerts(const DetectThread *dt)
{
    return &dt->alerts;
}

const DetectThreadStats *
detect_thread_stats(const DetectThread *dt)
{
    return &dt->stats;
}
