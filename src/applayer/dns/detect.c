/* dns/detect.c: the DNS buffers rules inspect (applayer/buffers.def). A request's question
 * names are read again from the stored message through the bounded reader, one per call, so a
 * transaction keeps no decoded copy. */
#include <string.h>

#include "applayer/dns/dns.h"

/* dns.query: the idx-th question name of a request, dotted, as the logger writes it. */
bool
dns_detect_query(const AlTx *tx, int dir, uint32_t idx, uint8_t *scratch, size_t cap, Cursor *out)
{
    const DnsTx *dtx = (const DnsTx *)tx;
    (void)dir;
    if (!dtx->valid || tx->dir != FLOW_DIR_TOSERVER || idx >= dtx->cnt[DNS_SEC_QD]
        || cap < DNS_NAME_MAX + 8) {
        return false;
    }
    const uint16_t qd_only[DNS_SEC_MAX] = {dtx->cnt[DNS_SEC_QD], 0, 0, 0};
    DnsReader r;
    DnsRecord rec;
    size_t name_len = 0;
    uint8_t sec;
    unsigned ev;
    dns_reader_init(&r, dtx->msg, dtx->msg_len, qd_only);
    for (uint32_t i = 0; i <= idx; i++) {
        if (!dns_reader_next(&r, (char *)scratch, &name_len, &rec, &sec, &ev)) {
            return false;
        }
    }
    *out = cur_init(scratch, name_len);
    return true;
}
