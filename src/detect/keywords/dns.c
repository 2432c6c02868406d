/* dns.c: dns.opcode, dns.rcode and dns.rrtype, Suricata 8.0.7's integer keywords on a DNS
 * message (detect_uint forms: "4", "!0", "7-15", "!7-15", "<3" ...), in requests and
 * responses alike; the rule's flow keyword picks a direction. dns.rcode and dns.rrtype also
 * take a name, case ignored ("NXDOMAIN", "!cname"). dns.rrtype is multi-instance, as Suricata
 * tests it: a request's question types, a response's answer types (neither a response's
 * questions nor its authorities or additionals), the rule matching when any one of them does
 * ("!1" matches a response with a CNAME answer to an A question, an NXDOMAIN response with no
 * answers matches nothing). Checked beside Suricata on tests/data/dns/keywords.pcap. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applayer/dns/dns.h"
#include "detect/detect_int.h"

typedef enum { DNS_KW_OPCODE, DNS_KW_RCODE, DNS_KW_RRTYPE } DnsKwField;

typedef struct {
    uint8_t field; /* DnsKwField */
    DetectUint v;
} DnsKw;

static bool
dns_kw_match(struct DetectThread *dt, const AlTx *tx, int dir, const void *ctx)
{
    const DnsKw *k = ctx;
    (void)dt;
    /* One message per transaction: only its own direction is its (at flow end the framework
     * marks the other done too). */
    if (tx->dir != dir) {
        return false;
    }
    switch ((DnsKwField)k->field) {
    case DNS_KW_OPCODE:
        return detect_uint_match(&k->v, dns_tx_opcode(tx));
    case DNS_KW_RCODE:
        return detect_uint_match(&k->v, dns_tx_rcode(tx));
    case DNS_KW_RRTYPE: {
        uint16_t type;
        for (uint32_t i = 0; dns_tx_rrtype(tx, i, &type); i++) {
            if (detect_uint_match(&k->v, type)) {
                return true;
            }
        }
        return false;
    }
    }
    return false;
}

static void
dns_kw_describe(JsonBuf *jb, const void *ctx)
{
    const DnsKw *k = ctx;
    json_u64(jb, "mode", k->v.mode);
    json_u64(jb, "arg1", k->v.a);
    json_u64(jb, "arg2", k->v.b);
}

static const DetectSmOps dns_kw_ops = {.tx_match = dns_kw_match, .describe = dns_kw_describe};

/* "[!]NAME" for the keywords that take names: the number it names, as detect_uint text. */
static bool
name_to_number(const char *arg, int (*lookup)(const char *), char *buf, size_t cap)
{
    const char *p = arg;
    bool neg = false;
    while (*p == ' ') {
        p++;
    }
    if (*p == '!') {
        neg = true;
        p++;
    }
    if (!isalpha((unsigned char)*p)) {
        return false;
    }
    int v = lookup(p);
    if (v < 0) {
        return false;
    }
    snprintf(buf, cap, "%s%d", neg ? "!" : "", v);
    return true;
}

static SkResult
dns_kw_setup(Signature *s, const char *arg, char *err, DetectKeywordId kw, DnsKwField field,
             uint64_t max, int (*lookup)(const char *))
{
    char num[32];
    const char *text = arg;
    if (lookup != NULL && name_to_number(arg, lookup, num, sizeof(num))) {
        text = num;
    }
    DnsKw *k = calloc(1, sizeof(*k));
    if (k == NULL) {
        return detect_nomem(err);
    }
    k->field = (uint8_t)field;
    if (!detect_uint_parse(text, max, &k->v, err)) {
        free(k);
        return SK_ERR_CONFIG;
    }
    return detect_tx_keyword_add(s, kw, &dns_kw_ops, k, ALPROTO_DNS,
                                 (uint8_t)(1u << FLOW_DIR_TOSERVER | 1u << FLOW_DIR_TOCLIENT), err);
}

/* Suricata reads all three as unsigned 8-bit (dns.rrtype 16-bit) integers: values past the
 * 4-bit header fields parse and never match. */
SkResult
kw_dns_opcode_setup(Signature *s, const char *arg, char *err)
{
    return dns_kw_setup(s, arg, err, DETECT_KW_DNS_OPCODE, DNS_KW_OPCODE, UINT8_MAX, NULL);
}

SkResult
kw_dns_rcode_setup(Signature *s, const char *arg, char *err)
{
    return dns_kw_setup(s, arg, err, DETECT_KW_DNS_RCODE, DNS_KW_RCODE, UINT8_MAX,
                        dns_rcode_lookup);
}

SkResult
kw_dns_rrtype_setup(Signature *s, const char *arg, char *err)
{
    return dns_kw_setup(s, arg, err, DETECT_KW_DNS_RRTYPE, DNS_KW_RRTYPE, UINT16_MAX,
                        dns_rrtype_lookup);
}
