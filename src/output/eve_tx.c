/* eve_tx.c: transaction records (dns, and the protocols that follow): one record per
 * transaction of the app layer, its protocol object written by the protocol's own logger
 * (AlParser.log_tx, left of output), the header by the record API. */
#include <string.h>

#include "output/eve_int.h"

/* The event type of a protocol's records, or -1 when it has none (or is off). */
static int
tx_type(const EveWriter *ew, unsigned alproto)
{
    const char *name = applayer_proto_name(alproto);
    int t = name != NULL ? eve_type_lookup(name) : -1;
    return t >= 0 && eve_config_type_on(&ew->cfg, (EveType)t) ? t : -1;
}

/* DNS: requests and responses each have their switch (outputs.eve-log.types.dns.requests,
 * .responses), as Suricata's dns logger. */
static bool
dir_wanted(const EveWriter *ew, int t, const AlTx *tx)
{
    if (t != EVE_TYPE_DNS) {
        return true;
    }
    return eve_config_option_on(&ew->cfg, tx->dir == FLOW_DIR_TOSERVER ? EVE_OPT_DNS_REQUESTS
                                                                       : EVE_OPT_DNS_RESPONSES);
}

void
eve_log_txs(EveWriter *ew, const Packet *p, Flow *f)
{
    if (f == NULL || f->al == NULL) {
        return;
    }
    const AlParser *ap = applayer_parser(f->alproto);
    int t = tx_type(ew, f->alproto);
    const AlFlow *af = applayer_flow(f);
    for (AlTx *tx = applayer_tx_next_unlogged(f, NULL); tx != NULL;
         tx = applayer_tx_next_unlogged(f, tx)) {
        tx->logged = true;
        if (t < 0 || ap == NULL || ap->log_tx == NULL || !dir_wanted(ew, t, tx)) {
            continue;
        }
        JsonBuf *jb =
            eve_begin_packet_tx(ew, p, ap->name, tx->dir, ap->log_tx_id ? (int64_t)tx->id : -1);
        ap->log_tx(jb, af, tx);
        eve_commit(ew);
    }
}
