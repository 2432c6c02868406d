/* dns/log.c: the EVE "dns" object of a transaction, as Suricata 8.0.7 writes it (version 3):
 * version, type, tx_id, id, flags (hex) and the flag booleans that are set, opcode, rcode,
 * queries, answers with "grouped" (answers by type), authorities, additionals. Checked field by
 * field against Suricata 8.0.7 run on the same captures (docs/architecture.md, Application
 * layer). Rdata is written for the types Suricata writes it for; other records carry name, type
 * and ttl only. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "applayer/dns/dns.h"
#include "core/log.h"

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
    static const char hex[] = "0123456789abcdef";
    char small[1024];
    /* Whole, as Suricata writes it (a NULL record of a DNS tunnel holds up to 64 KiB): rdata
     * longer than the stack buffer takes a buffer of its own, in the logger only. */
    const size_t need = c.left * 4 + 1;
    char *buf = need <= sizeof(small) ? small : malloc(need);
    size_t n = 0;
    uint8_t b;
    if (buf == NULL || c.left == 0) {
        json_strn(jb, key, "", 0);
        return;
    }
    while (cur_u8(&c, &b)) {
        if (b >= 0x80) {
            buf[n++] = '\\';
            buf[n++] = 'x';
            buf[n++] = hex[b >> 4];
            buf[n++] = hex[b & 0xf];
        } else {
            buf[n++] = (char)b;
        }
    }
    json_strn(jb, key, buf, n);
    if (buf != small) {
        free(buf);
    }
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
            json_str_plain(jb, k, "", 0); /* Suricata: an address of the wrong size is "" */
            return RD_STRING;
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
        /* The name starts inside the rdata (it may point elsewhere); an rdata too short for
         * one, or a name that does not read, is "" as Suricata writes it. */
        if (rec->rdata.left <= (rec->type == 15 ? 2u : 0u)
            || !dns_name_read(tx->msg, tx->msg_len, &off, name, sizeof(name), &nl, &ev)) {
            json_str_plain(jb, k, "", 0);
            return RD_STRING;
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

/* Does the types filter let a question of this type through? (No filter: every type.) */
static bool
type_wanted(const DnsLogConfig *cfg, uint16_t type)
{
    if (cfg->type_cnt == 0) {
        return true;
    }
    for (unsigned i = 0; i < cfg->type_cnt; i++) {
        if (cfg->types[i] == type) {
            return true;
        }
    }
    return false;
}

/* rrname and rrtype; a name cut at DNS_NAME_MAX says so after them (version 2: between). */
static void
put_name(JsonBuf *jb, const char *name, size_t nl, const DnsRecord *rec, bool v2)
{
    json_strn(jb, "rrname", name, nl);
    if (rec->name_cut && v2) {
        json_bool(jb, "rrname_truncated", true);
    }
    put_type(jb, "rrtype", rec->type);
    if (rec->name_cut && !v2) {
        json_bool(jb, "rrname_truncated", true);
    }
}

/* The records of one section (an array), reached through the positions the parser kept. The
 * questions are those the types filter lets through. */
static void
put_section(JsonBuf *jb, const DnsTx *tx, uint8_t sec, const DnsLogConfig *cfg)
{
    char name[DNS_NAME_MAX + 8];
    size_t nl;
    DnsRecord rec;
    bool open = false;

    for (uint32_t i = 0; i < tx->cnt[sec]; i++) {
        if (!dns_tx_record(tx, sec, i, name, sizeof(name), &nl, &rec)) {
            break;
        }
        /* An OPT record without options is left out, as Suricata leaves it out (and the
         * section with it when nothing else is there). */
        if ((rec.type == 41 && rec.rdata.left == 0)
            || (sec == DNS_SEC_QD && !type_wanted(cfg, rec.type))) {
            continue;
        }
        if (!open) {
            json_open_arr(jb, section_keys[sec]);
            open = true;
        }
        if (sec != DNS_SEC_QD && rec.type == 16) {
            Cursor rest = rec.rdata;
            DnsRecord part = rec;
            while (txt_next(&rest, &part)) {
                json_open_obj(jb, NULL);
                put_name(jb, name, nl, &rec, cfg->version == 2);
                json_u64(jb, "ttl", rec.ttl);
                put_rdata(jb, "rdata", tx, &part, false);
                json_close_obj(jb);
            }
            continue;
        }
        json_open_obj(jb, NULL);
        put_name(jb, name, nl, &rec, cfg->version == 2);
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

/* Types that have an rdata form (put_rdata): the others get no array in "grouped". */
static bool
has_form(uint16_t type)
{
    static const uint16_t formed[] = {1, 28, 2, 5, 12, 15, 10, 16, 6, 33, 44};
    for (size_t i = 0; i < sizeof(formed) / sizeof(formed[0]); i++) {
        if (formed[i] == type) {
            return true;
        }
    }
    return false;
}

/* "grouped": the answers' rdata by type, in the order each type first appears (Suricata's
 * order is its hash map's, a different one each run). Records are reached by position, so
 * each pass reads types only, not names. */
static void
put_grouped(JsonBuf *jb, const DnsTx *tx)
{
    uint16_t types[DNS_RECORDS_MAX];
    unsigned type_cnt = 0;
    DnsRecord rec;
    const uint32_t n = tx->cnt[DNS_SEC_AN];

    for (uint32_t i = 0; i < n && dns_tx_record(tx, DNS_SEC_AN, i, NULL, 0, NULL, &rec); i++) {
        bool seen = false;
        for (unsigned t = 0; t < type_cnt && !seen; t++) {
            seen = types[t] == rec.type;
        }
        if (!seen && has_form(rec.type) && type_cnt < DNS_RECORDS_MAX) {
            types[type_cnt++] = rec.type;
        }
    }
    json_open_obj(jb, "grouped");
    for (unsigned t = 0; t < type_cnt; t++) {
        char key[8];
        const char *tn = dns_rrtype_name(types[t]);
        if (tn == NULL) {
            snprintf(key, sizeof(key), "%u", types[t]);
            tn = key;
        }
        json_open_arr(jb, tn);
        for (uint32_t i = 0; i < n && dns_tx_record(tx, DNS_SEC_AN, i, NULL, 0, NULL, &rec); i++) {
            if (rec.type != types[t]) {
                continue;
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
        json_close_arr(jb);
    }
    json_close_obj(jb);
}

static void
put_rcode(JsonBuf *jb, uint16_t flags)
{
    const char *rc = dns_rcode_name(flags & 0xf);
    char num[8];
    if (rc == NULL) {
        snprintf(num, sizeof(num), "%u", flags & 0xf);
        rc = num;
    }
    json_str_plain(jb, "rcode", rc, strlen(rc));
}

/* "flags" in hex, then a true boolean per flag that is set. */
static void
put_flags(JsonBuf *jb, uint16_t flags)
{
    static const struct {
        uint16_t bit;
        const char *key;
    } flag_keys[] = {{0x8000, "qr"}, {0x0400, "aa"}, {0x0200, "tc"},
                     {0x0100, "rd"}, {0x0080, "ra"}, {0x0040, "z"}};
    char hex[8];
    json_str_plain(jb, "flags", hex, (size_t)snprintf(hex, sizeof(hex), "%x", flags));
    for (size_t i = 0; i < sizeof(flag_keys) / sizeof(flag_keys[0]); i++) {
        if (flags & flag_keys[i].bit) {
            json_bool(jb, flag_keys[i].key, true);
        }
    }
}

static void
put_answers(JsonBuf *jb, const DnsTx *tx, const DnsLogConfig *cfg)
{
    if (tx->cnt[DNS_SEC_AN] > 0) {
        if (cfg->detailed) {
            put_section(jb, tx, DNS_SEC_AN, cfg);
        }
        if (cfg->grouped) {
            put_grouped(jb, tx);
        }
    }
    put_section(jb, tx, DNS_SEC_NS, cfg);
    put_section(jb, tx, DNS_SEC_AR, cfg);
}

static bool
is_response(const DnsTx *tx)
{
    return (tx->flags & 0x8000) != 0;
}

/* The version 3 object: one per message. */
static void
log_v3(JsonBuf *jb, const DnsTx *tx, const DnsLogConfig *cfg)
{
    json_open_obj(jb, "dns");
    json_u64(jb, "version", 3);
    json_str_plain(jb, "type", is_response(tx) ? "response" : "request", is_response(tx) ? 8 : 7);
    json_u64(jb, "tx_id", tx->base.id);
    json_u64(jb, "id", tx->id);
    put_flags(jb, tx->flags);
    json_u64(jb, "opcode", (tx->flags >> 11) & 0xf);
    put_rcode(jb, tx->flags);
    put_section(jb, tx, DNS_SEC_QD, cfg);
    put_answers(jb, tx, cfg);
    json_close_obj(jb);
}

/* The idx-th question the types filter lets through: its position among all questions. */
static bool
wanted_question(const DnsTx *tx, const DnsLogConfig *cfg, unsigned idx, uint32_t *at)
{
    DnsRecord rec;
    for (uint32_t i = 0; i < tx->cnt[DNS_SEC_QD]; i++) {
        if (!dns_tx_record(tx, DNS_SEC_QD, i, NULL, 0, NULL, &rec)) {
            return false;
        }
        if (type_wanted(cfg, rec.type) && idx-- == 0) {
            *at = i;
            return true;
        }
    }
    return false;
}

/* Version 2 (Suricata 7's layout, still written by 8.0.7 with version: 2): a request is one
 * "query" record per question; a response one "answer" record naming its first question. */
static void
log_v2(JsonBuf *jb, const DnsTx *tx, const DnsLogConfig *cfg, unsigned idx)
{
    char name[DNS_NAME_MAX + 8];
    size_t nl = 0;
    DnsRecord rec;
    uint32_t at = 0;

    json_open_obj(jb, "dns");
    json_u64(jb, "version", 2);
    if (!is_response(tx)) {
        json_str_plain(jb, "type", "query", 5);
        json_u64(jb, "id", tx->id);
        if (wanted_question(tx, cfg, idx, &at)
            && dns_tx_record(tx, DNS_SEC_QD, at, name, sizeof(name), &nl, &rec)) {
            put_name(jb, name, nl, &rec, cfg->version == 2);
        }
        json_u64(jb, "tx_id", tx->base.id);
        if (tx->flags & 0x0040) {
            json_bool(jb, "z", true);
        }
        json_u64(jb, "opcode", (tx->flags >> 11) & 0xf);
        json_close_obj(jb);
        return;
    }
    json_str_plain(jb, "type", "answer", 6);
    json_u64(jb, "id", tx->id);
    put_flags(jb, tx->flags);
    json_u64(jb, "opcode", (tx->flags >> 11) & 0xf);
    if (dns_tx_record(tx, DNS_SEC_QD, 0, name, sizeof(name), &nl, &rec)) {
        put_name(jb, name, nl, &rec, cfg->version == 2);
    }
    put_rcode(jb, tx->flags);
    put_answers(jb, tx, cfg);
    json_close_obj(jb);
}

/* ---- logger options (outputs.eve-log.types.dns) ---- */

void
dns_log_config_default(DnsLogConfig *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->version = 3;
    cfg->requests = cfg->responses = true;
    cfg->detailed = cfg->grouped = true;
}

/* Suricata's override for its tests (suricata-verify's env: SURICATA_EVE_DNS_VERSION),
 * read once when the options are. */
static void
version_from_env(DnsLogConfig *cfg)
{
    const char *env = getenv("SURICATA_EVE_DNS_VERSION");
    if (env != NULL && (strcmp(env, "2") == 0 || strcmp(env, "3") == 0)) {
        cfg->version = (uint8_t)(env[0] - '0');
    }
}

/* A sequence of names at key under opts (formats, types): each name to fn; NULL: absent. */
static SkResult
read_list(const CfgNode *opts, const char *key, const char *where,
          SkResult (*fn)(const char *v, const char *where, DnsLogConfig *cfg), DnsLogConfig *cfg)
{
    const CfgNode *n = cfg_find(opts, key);
    if (n == NULL) {
        return SK_OK;
    }
    if (cfg_type(n) == CFG_SCALAR) {
        return fn(cfg_scalar(n), where, cfg); /* one name, as "formats: grouped" */
    }
    if (cfg_type(n) != CFG_SEQ) {
        log_error("config: %s.%s: not a list", where, key);
        return SK_ERR_CONFIG;
    }
    for (size_t i = 0; i < cfg_child_count(n); i++) {
        const char *v = cfg_scalar(cfg_child(n, i));
        if (v == NULL) {
            log_error("config: %s.%s: not a list of names", where, key);
            return SK_ERR_CONFIG;
        }
        SkResult r = fn(v, where, cfg);
        if (r != SK_OK) {
            return r;
        }
    }
    return SK_OK;
}

static SkResult
add_format(const char *v, const char *where, DnsLogConfig *cfg)
{
    if (strcasecmp(v, "detailed") == 0) {
        cfg->detailed = true;
    } else if (strcasecmp(v, "grouped") == 0) {
        cfg->grouped = true;
    } else {
        log_error("config: %s.formats: '%s' is not detailed or grouped", where, v);
        return SK_ERR_CONFIG;
    }
    return SK_OK;
}

static SkResult
add_type(const char *v, const char *where, DnsLogConfig *cfg)
{
    int t = dns_rrtype_lookup(v);
    if (t < 0) {
        log_error("config: %s.types: unknown record type '%s'", where, v);
        return SK_ERR_CONFIG;
    }
    if (cfg->type_cnt < DNS_LOG_TYPES_MAX) {
        cfg->types[cfg->type_cnt++] = (uint16_t)t;
    }
    return SK_OK;
}

SkResult
dns_log_config_read(const CfgNode *opts, const char *where, DnsLogConfig *cfg)
{
    int64_t version = 3;
    dns_log_config_default(cfg);
    if (opts == NULL) {
        version_from_env(cfg);
        return SK_OK;
    }
    if (cfg_get_int(opts, "version", 2, 3, &version) != SK_OK
        || cfg_get_bool(opts, "requests", &cfg->requests) != SK_OK
        || cfg_get_bool(opts, "responses", &cfg->responses) != SK_OK) {
        log_error("config: %s: version is 2 or 3, requests and responses yes or no", where);
        return SK_ERR_CONFIG;
    }
    cfg->version = (uint8_t)version;
    version_from_env(cfg);
    if (cfg_find(opts, "formats") != NULL) {
        cfg->detailed = cfg->grouped = false;
        if (read_list(opts, "formats", where, add_format, cfg) != SK_OK) {
            return SK_ERR_CONFIG;
        }
    }
    return read_list(opts, "types", where, add_type, cfg);
}

unsigned
dns_log_records(const AlTx *base, const DnsLogConfig *cfg)
{
    const DnsTx *tx = (const DnsTx *)base;
    if (!tx->valid || !(is_response(tx) ? cfg->responses : cfg->requests)) {
        return 0;
    }
    unsigned wanted = 0;
    DnsRecord rec;
    for (uint32_t i = 0; i < tx->cnt[DNS_SEC_QD]; i++) {
        if (dns_tx_record(tx, DNS_SEC_QD, i, NULL, 0, NULL, &rec) && type_wanted(cfg, rec.type)) {
            wanted++;
        }
    }
    if (cfg->type_cnt > 0 && wanted == 0) {
        return 0; /* the types filter goes by the questions' types */
    }
    return cfg->version == 2 && !is_response(tx) ? wanted : 1;
}

int
dns_log_dir(const AlTx *tx, const DnsLogConfig *cfg)
{
    return cfg->version == 2 ? FLOW_DIR_TOSERVER : tx->dir;
}

void
dns_log_record(JsonBuf *jb, const AlTx *base, const DnsLogConfig *cfg, unsigned idx)
{
    const DnsTx *tx = (const DnsTx *)base;
    if (cfg->version == 2) {
        log_v2(jb, tx, cfg, idx);
    } else {
        log_v3(jb, tx, cfg);
    }
}

void
dns_log_tx(JsonBuf *jb, const AlFlow *af, const AlTx *base)
{
    DnsLogConfig cfg;
    (void)af;
    dns_log_config_default(&cfg);
    log_v3(jb, (const DnsTx *)base, &cfg);
}
