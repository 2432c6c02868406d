/* dns/log.c: the EVE "dns" object of a transaction, as Suricata 8.0.7 writes it (version 3):
 * version, type, tx_id, id, flags (hex) and the flag booleans that are set, opcode, rcode,
 * queries, answers with "grouped" (answers by type), authorities, additionals. Checked field by
 * field against Suricata 8.0.7 run on the same captures (docs/architecture.md, Application
 * layer). Rdata is written for the types Suricata writes it for; other records carry name, type
 * and ttl only. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "applayer/dns/dns.h"

static const struct {
    uint16_t type;
    const char *name;
} rrtypes[] = {
    {1, "A"},      {2, "NS"},        {3, "MD"},          {4, "MF"},     {5, "CNAME"},
    {6, "SOA"},    {7, "MB"},        {8, "MG"},          {9, "MR"},     {10, "NULL"},
    {11, "WKS"},   {12, "PTR"},      {13, "HINFO"},      {14, "MINFO"}, {15, "MX"},
    {16, "TXT"},   {17, "RP"},       {18, "AFSDB"},      {19, "X25"},   {20, "ISDN"},
    {21, "RT"},    {22, "NSAP"},     {23, "NSAPPTR"},    {24, "SIG"},   {25, "KEY"},
    {26, "PX"},    {27, "GPOS"},     {28, "AAAA"},       {29, "LOC"},   {30, "NXT"},
    {33, "SRV"},   {34, "ATMA"},     {35, "NAPTR"},      {36, "KX"},    {37, "CERT"},
    {38, "A6"},    {39, "DNAME"},    {41, "OPT"},        {42, "APL"},   {43, "DS"},
    {44, "SSHFP"}, {45, "IPSECKEY"}, {46, "RRSIG"},      {47, "NSEC"},  {48, "DNSKEY"},
    {49, "DHCID"}, {50, "NSEC3"},    {51, "NSEC3PARAM"}, {52, "TLSA"},  {55, "HIP"},
    {59, "CDS"},   {60, "CDNSKEY"},  {65, "HTTPS"},      {99, "SPF"},   {249, "TKEY"},
    {250, "TSIG"}, {251, "IXFR"},    {252, "AXFR"},      {255, "ANY"},  {256, "URI"},
};

const char *
dns_rrtype_name(uint16_t type)
{
    for (size_t i = 0; i < sizeof(rrtypes) / sizeof(rrtypes[0]); i++) {
        if (rrtypes[i].type == type) {
            return rrtypes[i].name;
        }
    }
    return NULL;
}

const char *
dns_rcode_name(uint16_t rcode)
{
    static const char *const names[] = {
        "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
        "NXRRSET", "NOTAUTH", "NOTZONE",  NULL,       NULL,      NULL,      NULL,       NULL,
        "BADVERS", "BADKEY",  "BADTIME",  "BADMODE",  "BADNAME", "BADALG",  "BADTRUNC",
    };
    return rcode < sizeof(names) / sizeof(names[0]) ? names[rcode] : NULL;
}

int
dns_rrtype_lookup(const char *name)
{
    for (size_t i = 0; i < sizeof(rrtypes) / sizeof(rrtypes[0]); i++) {
        if (strcasecmp(rrtypes[i].name, name) == 0) {
            return rrtypes[i].type;
        }
    }
    return -1;
}

int
dns_rcode_lookup(const char *name)
{
    for (unsigned rc = 0; rc < 32; rc++) {
        const char *n = dns_rcode_name((uint16_t)rc);
        if (n != NULL && strcasecmp(n, name) == 0) {
            return (int)rc;
        }
    }
    return -1;
}

static void
put_type(JsonBuf *jb, const char *key, uint16_t type)
{
    const char *n = dns_rrtype_name(type);
    char num[8];
    if (n == NULL) {
        snprintf(num, sizeof(num), "%u", type);
        n = num;
    }
    json_str_plain(jb, key, n, strlen(n));
}

/* Bytes as Suricata writes rdata it has no form for (NULL, TXT): ASCII as it is, other bytes
 * as the text \xNN; the JSON writer escapes control characters. */
static void
put_bytes(JsonBuf *jb, const char *key, Cursor c)
{
    char buf[1024];
    size_t n = 0;
    uint8_t b;
    while (n + 5 < sizeof(buf) && cur_u8(&c, &b)) {
        if (b >= 0x80) {
            n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\\x%02x", b);
        } else {
            buf[n++] = (char)b;
        }
    }
    json_strn(jb, key, buf, n);
}

typedef enum { RD_NONE, RD_STRING, RD_OBJECT } RdKind;

/* The "rdata" (or sshfp / srv / soa / opt object) of one record. Returns what was written so
 * the grouped object can repeat it. name is a scratch buffer. */
static RdKind
put_rdata(JsonBuf *jb, const char *key, const DnsTx *tx, const DnsRecord *rec, bool in_array)
{
    char name[DNS_NAME_MAX + 8], name2[DNS_NAME_MAX + 8];
    size_t nl, nl2, off;
    unsigned ev;
    Cursor c = rec->rdata;
    const char *k = in_array ? NULL : key;

    switch (rec->type) {
    case 1:    /* A */
    case 28: { /* AAAA */
        char text[48];
        uint8_t a[16];
        size_t alen = rec->type == 1 ? 4 : 16;
        if (c.left != alen || !cur_bytes(&c, a, alen)) {
            return RD_NONE;
        }
        if (alen == 4) {
            inet_ntop(AF_INET, a, text, sizeof(text));
        } else {
            /* Suricata writes every group, four digits each, no "::". */
            size_t n = 0;
            for (unsigned i = 0; i < 16; i += 2) {
                n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%02x%02x", i ? ":" : "", a[i],
                                      a[i + 1]);
            }
        }
        json_str_plain(jb, k, text, strlen(text));
        return RD_STRING;
    }
    case 2:  /* NS */
    case 5:  /* CNAME */
    case 12: /* PTR */
    case 15: /* MX: the exchange */
        off = rec->rdata_off + (rec->type == 15 ? 2 : 0);
        if (!dns_name_read(tx->msg, tx->msg_len, &off, name, sizeof(name), &nl, &ev)) {
            return RD_NONE;
        }
        json_strn(jb, k, name, nl);
        return RD_STRING;
    case 10: /* NULL */
        put_bytes(jb, k, c);
        return RD_STRING;
    case 16: { /* TXT: one character-string (the callers split the record: Suricata writes
                * an answer, and a grouped value, per string) */
        uint8_t l;
        Cursor part;
        if (!cur_u8(&c, &l) || !cur_take(&c, l, &part)) {
            return RD_NONE;
        }
        put_bytes(jb, k, part);
        return RD_STRING;
    }
    case 6: { /* SOA */
        uint32_t v[5];
        off = rec->rdata_off;
        if (!dns_name_read(tx->msg, tx->msg_len, &off, name, sizeof(name), &nl, &ev)
            || !dns_name_read(tx->msg, tx->msg_len, &off, name2, sizeof(name2), &nl2, &ev)
            || off > tx->msg_len) {
            return RD_NONE;
        }
        Cursor t = cur_init(tx->msg + off, tx->msg_len - off);
        for (unsigned i = 0; i < 5; i++) {
            if (!cur_be32(&t, &v[i])) {
                return RD_NONE;
            }
        }
        json_open_obj(jb, in_array ? NULL : "soa");
        json_strn(jb, "mname", name, nl);
        json_strn(jb, "rname", name2, nl2);
        json_u64(jb, "serial", v[0]);
        json_u64(jb, "refresh", v[1]);
        json_u64(jb, "retry", v[2]);
        json_u64(jb, "expire", v[3]);
        json_u64(jb, "minimum", v[4]);
        json_close_obj(jb);
        return RD_OBJECT;
    }
    case 33: { /* SRV */
        uint16_t prio, weight, port;
        if (!cur_be16(&c, &prio) || !cur_be16(&c, &weight) || !cur_be16(&c, &port)) {
            return RD_NONE;
        }
        off = rec->rdata_off + 6;
        if (!dns_name_read(tx->msg, tx->msg_len, &off, name, sizeof(name), &nl, &ev)) {
            return RD_NONE;
        }
        json_open_obj(jb, in_array ? NULL : "srv");
        json_u64(jb, "priority", prio);
        json_u64(jb, "weight", weight);
        json_u64(jb, "port", port);
        json_strn(jb, "name", name, nl);
        json_close_obj(jb);
        return RD_OBJECT;
    }
    case 44: { /* SSHFP */
        uint8_t algo, fptype, b;
        char fp[1024];
        size_t n = 0;
        if (!cur_u8(&c, &algo) || !cur_u8(&c, &fptype)) {
            return RD_NONE;
        }
        while (n + 4 < sizeof(fp) && cur_u8(&c, &b)) {
            n += (size_t)snprintf(fp + n, sizeof(fp) - n, "%s%02x", n ? ":" : "", b);
        }
        json_open_obj(jb, in_array ? NULL : "sshfp");
        json_str_plain(jb, "fingerprint", fp, n);
        json_u64(jb, "algo", algo);
        json_u64(jb, "type", fptype);
        json_close_obj(jb);
        return RD_OBJECT;
    }
    default:
        return RD_NONE;
    }
}

/* EDNS options (RFC 6891 6.1.2): code and data in hex. */
static void
put_opt(JsonBuf *jb, Cursor c)
{
    uint16_t code, len;
    Cursor data;
    json_open_arr(jb, "opt");
    while (cur_be16(&c, &code) && cur_be16(&c, &len) && cur_take(&c, len, &data)) {
        char hex[1024];
        size_t n = 0;
        uint8_t b;
        while (n + 3 < sizeof(hex) && cur_u8(&data, &b)) {
            n += (size_t)snprintf(hex + n, sizeof(hex) - n, "%02x", b);
        }
        json_open_obj(jb, NULL);
        json_u64(jb, "code", code);
        json_str_plain(jb, "data", hex, n);
        json_close_obj(jb);
    }
    json_close_arr(jb);
}

/* A TXT record's rdata as one record per character-string (RFC 1035 3.3.14): *part is the
 * next string with its length byte, as put_rdata reads it. False at the end. */
static bool
txt_next(Cursor *rest, DnsRecord *part)
{
    uint8_t l;
    Cursor one = *rest;
    if (!cur_peek_u8(rest, 0, &l) || !cur_take(rest, (size_t)l + 1, &one)) {
        return false;
    }
    part->rdata = one;
    return true;
}

static const char *const section_keys[DNS_SEC_MAX] = {"queries", "answers", "authorities",
                                                      "additionals"};

/* The records of one section (an array), from a reader positioned at its first. */
static void
put_section(JsonBuf *jb, const DnsTx *tx, uint8_t want)
{
    DnsReader r;
    char name[DNS_NAME_MAX + 8];
    size_t nl;
    DnsRecord rec;
    uint8_t sec;
    unsigned ev;

    if (tx->cnt[want] == 0) {
        return;
    }
    dns_reader_init(&r, tx->msg, tx->msg_len, tx->cnt);
    bool open = false;
    while (dns_reader_next(&r, name, &nl, &rec, &sec, &ev) && sec <= want) {
        /* An OPT record without options is left out, as Suricata leaves it out (and the
         * section with it when nothing else is there). */
        if (sec != want || (rec.type == 41 && rec.rdata.left == 0)) {
            continue;
        }
        if (!open) {
            json_open_arr(jb, section_keys[want]);
            open = true;
        }
        if (sec != DNS_SEC_QD && rec.type == 16) {
            Cursor rest = rec.rdata;
            DnsRecord part = rec;
            while (txt_next(&rest, &part)) {
                json_open_obj(jb, NULL);
                json_strn(jb, "rrname", name, nl);
                put_type(jb, "rrtype", rec.type);
                json_u64(jb, "ttl", rec.ttl);
                put_rdata(jb, "rdata", tx, &part, false);
                json_close_obj(jb);
            }
            continue;
        }
        json_open_obj(jb, NULL);
        json_strn(jb, "rrname", name, nl);
        put_type(jb, "rrtype", rec.type);
        if (sec != DNS_SEC_QD) {
            json_u64(jb, "ttl", rec.ttl);
            if (rec.type == 41) {
                put_opt(jb, rec.rdata);
            } else {
                put_rdata(jb, "rdata", tx, &rec, false);
            }
        }
        json_close_obj(jb);
    }
    if (open) {
        json_close_arr(jb);
    }
}

/* "grouped": the answers' rdata by type, in the order each type first appears. */
static void
put_grouped(JsonBuf *jb, const DnsTx *tx)
{
    uint16_t types[DNS_RECORDS_MAX];
    unsigned type_cnt = 0;
    DnsReader r;
    char name[DNS_NAME_MAX + 8];
    size_t nl;
    DnsRecord rec;
    uint8_t sec;
    unsigned ev;

    dns_reader_init(&r, tx->msg, tx->msg_len, tx->cnt);
    while (dns_reader_next(&r, name, &nl, &rec, &sec, &ev) && sec <= DNS_SEC_AN) {
        if (sec != DNS_SEC_AN) {
            continue;
        }
        bool seen = false;
        for (unsigned i = 0; i < type_cnt; i++) {
            seen = seen || types[i] == rec.type;
        }
        if (!seen && type_cnt < DNS_RECORDS_MAX) {
            types[type_cnt++] = rec.type;
        }
    }
    json_open_obj(jb, "grouped");
    for (unsigned t = 0; t < type_cnt; t++) {
        bool open = false;
        dns_reader_init(&r, tx->msg, tx->msg_len, tx->cnt);
        while (dns_reader_next(&r, name, &nl, &rec, &sec, &ev) && sec <= DNS_SEC_AN) {
            if (sec != DNS_SEC_AN || rec.type != types[t] || rec.type == 41) {
                continue;
            }
            /* A type with no rdata form (RRSIG, ...) gets no array. */
            if (!open) {
                static const uint16_t formed[] = {1, 28, 2, 5, 12, 15, 10, 16, 6, 33, 44};
                bool has = false;
                for (size_t i = 0; i < sizeof(formed) / sizeof(formed[0]); i++) {
                    has = has || formed[i] == rec.type;
                }
                if (!has) {
                    break;
                }
                char key[8];
                const char *tn = dns_rrtype_name(rec.type);
                if (tn == NULL) {
                    snprintf(key, sizeof(key), "%u", rec.type);
                    tn = key;
                }
                json_open_arr(jb, tn);
                open = true;
            }
            if (rec.type == 16) {
                Cursor rest = rec.rdata;
                DnsRecord part = rec;
                while (txt_next(&rest, &part)) {
                    put_rdata(jb, NULL, tx, &part, true);
                }
                continue;
            }
            put_rdata(jb, NULL, tx, &rec, true);
        }
        if (open) {
            json_close_arr(jb);
        }
    }
    json_close_obj(jb);
}

void
dns_log_tx(JsonBuf *jb, const AlFlow *af, const AlTx *base)
{
    const DnsTx *tx = (const DnsTx *)base;
    static const struct {
        uint16_t bit;
        const char *key;
    } flag_keys[] = {{0x8000, "qr"}, {0x0400, "aa"}, {0x0200, "tc"},
                     {0x0100, "rd"}, {0x0080, "ra"}, {0x0040, "z"}};
    char hex[8];
    (void)af;

    json_open_obj(jb, "dns");
    json_u64(jb, "version", 3);
    json_str_plain(jb, "type", (tx->flags & 0x8000) ? "response" : "request",
                   (tx->flags & 0x8000) ? 8 : 7);
    json_u64(jb, "tx_id", tx->base.id);
    json_u64(jb, "id", tx->id);
    json_str_plain(jb, "flags", hex, (size_t)snprintf(hex, sizeof(hex), "%x", tx->flags));
    for (size_t i = 0; i < sizeof(flag_keys) / sizeof(flag_keys[0]); i++) {
        if (tx->flags & flag_keys[i].bit) {
            json_bool(jb, flag_keys[i].key, true);
        }
    }
    json_u64(jb, "opcode", (tx->flags >> 11) & 0xf);
    const char *rc = dns_rcode_name(tx->flags & 0xf);
    char num[8];
    if (rc == NULL) {
        snprintf(num, sizeof(num), "%u", tx->flags & 0xf);
        rc = num;
    }
    json_str_plain(jb, "rcode", rc, strlen(rc));
    put_section(jb, tx, DNS_SEC_QD);
    if (tx->cnt[DNS_SEC_AN] > 0) {
        put_section(jb, tx, DNS_SEC_AN);
        put_grouped(jb, tx);
    }
    put_section(jb, tx, DNS_SEC_NS);
    put_section(jb, tx, DNS_SEC_AR);
    json_close_obj(jb);
}
