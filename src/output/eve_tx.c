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

/* fileinfo: one record per file of tx, oriented the way the file went, with the protocol's
 * object and app_proto before the fileinfo object, as Suricata writes them. */
static void
log_files(EveWriter *ew, const Packet *p, const AlParser *ap, const AlFlow *af, const AlTx *tx)
{
    unsigned n = ap->file_count(tx);
    for (unsigned i = 0; i < n; i++) {
        JsonBuf *jb = eve_begin_packet_dir(ew, p, "fileinfo",
                                           ap->file_dir != NULL ? ap->file_dir(tx, i) : tx->dir);
        if (ap->log_tx != NULL) {
            ap->log_tx(jb, af, tx);
        }
        json_str(jb, "app_proto", ap->name);
        ap->log_file(jb, "fileinfo", af, tx, i);
        eve_commit(ew);
    }
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
        if (ap != NULL && ap->file_count != NULL && ap->log_file != NULL
            && eve_config_type_on(&ew->cfg, EVE_TYPE_FILES)) {
            log_files(ew, p, ap, af, tx);
        }
        if (t < 0 || ap == NULL || ap->log_tx == NULL || !dir_wanted(ew, t, tx)) {
            continue;
        }
        JsonBuf *jb =
            eve_begin_packet_tx(ew, p, ap->name, tx->dir, ap->log_tx_id ? (int64_t)tx->id : -1);
        ap->log_tx(jb, af, tx);
        eve_commit(ew);
    }
}
