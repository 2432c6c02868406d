/* probe.c: protocol detection. Ports are hints, as Suricata's detection-ports are: a protocol
 * is tried on a flow whose server port (or, for a flow picked up the other way round, client
 * port) is one of its detection ports, and is taken only when its probe says the bytes are it.
 * Protocols found by content on any port (patterns: HTTP, TLS) join here with their patterns.
 *
 * What is enabled comes from app-layer.protocols.<name>.enabled and its per-transport
 * .tcp/.udp.enabled, read into AppLayerConfig. */
#include "applayer/applayer_int.h"
#include "core/proto.h"

static bool
port_matches(const AlProtoConfig *pc, bool tcp, const Flow *f)
{
    uint16_t dp = tcp ? pc->tcp_dp : pc->udp_dp;
    /* The flow's server port first; its client port when the first packet seen was the
     * server's (a response before its request: dns-reversed-udp). */
    return dp != 0 && (f->dp == dp || f->sp == dp);
}

unsigned
applayer_probe(const AppLayerThread *al, const Flow *f, int dir, bool tcp, Cursor c)
{
    bool again = false;
    if (c.left == 0) {
        return AL_PROBE_AGAIN; /* nothing to look at (an end-of-stream chunk): no probe runs */
    }
    /* Pass 0: the protocols whose detection port the flow has; pass 1: the content-detected
     * ones on the other ports. The first that says yes has the flow. */
    for (int pass = 0; pass < 2; pass++) {
        for (unsigned id = ALPROTO_FAILED + 1; id < ALPROTO_MAX; id++) {
            const AlParser *ap = applayer_parser(id);
            const AlProtoConfig *pc = &al->cfg->proto[id];
            if (ap == NULL || !pc->enabled || !(tcp ? pc->tcp : pc->udp)
                || !(ap->ipprotos & (tcp ? AL_IPPROTO_TCP : AL_IPPROTO_UDP))
                || port_matches(pc, tcp, f) != (pass == 0) || (pass == 1 && !ap->any_port)) {
                continue;
            }
            switch (ap->probe(dir, c, tcp)) {
            case AL_PROBE_YES:
                return id;
            case AL_PROBE_NEED_MORE:
                again = true;
                break;
            default:
                break;
            }
        }
    }
    return again && c.left < AL_PROBE_BYTES_MAX ? AL_PROBE_AGAIN : ALPROTO_UNKNOWN;
}

bool
applayer_probe_hinted(const AppLayerThread *al, const Flow *f, bool tcp)
{
    for (unsigned id = ALPROTO_FAILED + 1; id < ALPROTO_MAX; id++) {
        const AlParser *ap = applayer_parser(id);
        const AlProtoConfig *pc = &al->cfg->proto[id];
        if (ap != NULL && pc->enabled && (tcp ? pc->tcp : pc->udp)
            && (ap->ipprotos & (tcp ? AL_IPPROTO_TCP : AL_IPPROTO_UDP))
            && port_matches(pc, tcp, f)) {
            return true;
        }
    }
    return false;
}
