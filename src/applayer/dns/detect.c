/* dns/detect.c: the DNS buffers rules inspect (dns/buffers.def). Names are read again from the
 * stored message through the bounded name reader, one instance per call, reaching the record
 * through the positions the parser kept (DnsTx.rec): a transaction keeps no decoded copy. Every
 * buffer is the message's own: a transaction is one message, in tx->dir, and is inspected in no
 * other direction (at flow end the framework sets both directions' progress). */
#include <string.h>

#include "applayer/dns/dns.h"

static bool
usable(const AlTx *tx, int dir, size_t cap)
{
    return ((const DnsTx *)tx)->valid && tx->dir == dir && cap >= DNS_NAME_MAX + 8;
}

/* The name of record idx of section sec, into scratch. */
static bool
section_name(const AlTx *tx, int dir, uint8_t sec, uint32_t idx, uint8_t *scratch, size_t cap,
             Cursor *out)
{
    DnsRecord rec;
    size_t name_len = 0;
    if (!usable(tx, dir, cap)
        || !dns_tx_record((const DnsTx *)tx, sec, idx, (char *)scratch, cap, &name_len, &rec)) {
        return false;
    }
    *out = cur_init(scratch, name_len);
    return true;
}

/* dns.query: the idx-th question name of a request, dotted, as the logger writes it. */
bool
dns_detect_query(const AlTx *tx, int dir, uint32_t idx, uint8_t *scratch, size_t cap, Cursor *out)
{
    return dir == FLOW_DIR_TOSERVER && section_name(tx, dir, DNS_SEC_QD, idx, scratch, cap, out);
}

/* dns.query.name: question names of requests and responses. */
bool
dns_detect_query_name(const AlTx *tx, int dir, uint32_t idx, uint8_t *scratch, size_t cap,
                      Cursor *out)
{
    return section_name(tx, dir, DNS_SEC_QD, idx, scratch, cap, out);
}

/* dns.queries.rrname: the same names (Suricata 8's name for them beside mdns.*). */
bool
dns_detect_queries_rrname(const AlTx *tx, int dir, uint32_t idx, uint8_t *scratch, size_t cap,
                          Cursor *out)
{
    return section_name(tx, dir, DNS_SEC_QD, idx, scratch, cap, out);
}

/* dns.answer.name / dns.answers.rrname: the owner names of the answers (not their rdata). */
bool
dns_detect_answer_name(const AlTx *tx, int dir, uint32_t idx, uint8_t *scratch, size_t cap,
                       Cursor *out)
{
    return section_name(tx, dir, DNS_SEC_AN, idx, scratch, cap, out);
}

bool
dns_detect_answers_rrname(const AlTx *tx, int dir, uint32_t idx, uint8_t *scratch, size_t cap,
                          Cursor *out)
{
    return section_name(tx, dir, DNS_SEC_AN, idx, scratch, cap, out);
}

/* dns.authorities.rrname, dns.additionals.rrname: owner names of those sections. */
bool
dns_detect_authorities_rrname(const AlTx *tx, int dir, uint32_t idx, uint8_t *scratch, size_t cap,
                              Cursor *out)
{
    return section_name(tx, dir, DNS_SEC_NS, idx, scratch, cap, out);
}

bool
dns_detect_additionals_rrname(const AlTx *tx, int dir, uint32_t idx, uint8_t *scratch, size_t cap,
                              Cursor *out)
{
    return section_name(tx, dir, DNS_SEC_AR, idx, scratch, cap, out);
}

/* dns.response.rrname: every name of a response, in message order: each question's, then for
 * each record of the other sections its owner name and, for CNAME, NS, PTR, MX and SOA (MNAME),
 * the name in its rdata, as Suricata 8.0.7 inspects them (checked beside it:
 * tests/data/dns/keywords.pcap; SRV targets and SOA's RNAME are not in it). */
bool
dns_detect_response_rrname(const AlTx *tx, int dir, uint32_t idx, uint8_t *scratch, size_t cap,
                           Cursor *out)
{
    const DnsTx *dtx = (const DnsTx *)tx;
    if (dir != FLOW_DIR_TOCLIENT || !usable(tx, dir, cap)) {
        return false;
    }
    uint32_t n = 0; /* instances before the current record */
    for (uint8_t sec = 0; sec < DNS_SEC_MAX; sec++) {
        for (uint32_t i = 0; i < dtx->cnt[sec]; i++) {
            DnsRecord rec;
            size_t name_len = 0, off;
            unsigned ev;
            if (n == idx) {
                return section_name(tx, dir, sec, i, scratch, cap, out);
            }
            n++;
            if (sec == DNS_SEC_QD || !dns_tx_record(dtx, sec, i, NULL, 0, NULL, &rec)
                || !dns_rdata_name_off(&rec, &off)) {
                continue;
            }
            if (n == idx) {
                if (!dns_name_read(dtx->msg, dtx->msg_len, &off, (char *)scratch, cap, &name_len,
                                   &ev)) {
                    return false;
                }
                *out = cur_init(scratch, name_len);
                return true;
            }
            n++;
        }
    }
    return false;
}
