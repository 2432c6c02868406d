/* tls/x509.c: the server's first certificate, as Suricata logs it: subject and issuer
 * ("C=FR, ST=IDF, O=Stamus, CN=SELKS": attributes in certificate order, an RDN's several
 * values joined by " + "), the serial as the DER integer's bytes ("00:97:E6:..."), the SHA-1
 * fingerprint of the DER ("3a:0b:..."), the validity dates and the subjectAltName DNS names.
 * OpenSSL's d2i_X509 reads the DER (bounded by the certificate's own length); the serial is
 * read from the DER directly, since OpenSSL drops the sign byte Suricata prints. */
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "applayer/tls/tls.h"

/* Attribute names as Suricata (the x509-parser crate) writes them; others as the dotted OID. */
static const struct {
    const char *oid, *name;
} attr_names[] = {
    {"2.5.4.3", "CN"},
    {"2.5.4.6", "C"},
    {"2.5.4.7", "L"},
    {"2.5.4.8", "ST"},
    {"2.5.4.10", "O"},
    {"2.5.4.11", "OU"},
    {"2.5.4.4", "surname"},
    {"2.5.4.5", "serialNumber"},
    {"2.5.4.9", "streetAddress"},
    {"2.5.4.12", "title"},
    {"2.5.4.13", "description"},
    {"2.5.4.15", "businessCategory"},
    {"2.5.4.17", "postalCode"},
    {"2.5.4.41", "name"},
    {"2.5.4.42", "givenName"},
    {"2.5.4.43", "initials"},
    {"2.5.4.46", "dnQualifier"},
    {"2.5.4.97", "organizationIdentifier"},
    {"2.5.29.17", "subjectAltName"},
    {"0.9.2342.19200300.100.1.1", "uid"},
    {"0.9.2342.19200300.100.1.25", "DC"},
    {"1.2.840.113549.1.9.1", "Email"},
    {"1.3.6.1.4.1.311.60.2.1.1", "msJurisdictionLocality"},
    {"1.3.6.1.4.1.311.60.2.1.2", "msJurisdictionStateOrProvince"},
    {"1.3.6.1.4.1.311.60.2.1.3", "msJurisdictionCountry"},
};

typedef struct {
    char *p;
    size_t len, cap;
} Text;

static void
text_put(Text *t, const void *s, size_t n)
{
    if (t->len + n < t->cap) {
        memcpy(t->p + t->len, s, n);
        t->len += n;
    }
}

static void
text_puts(Text *t, const char *s)
{
    text_put(t, s, strlen(s));
}

/* The name's attributes into t. */
static void
name_format(const X509_NAME *name, Text *t)
{
    int n = X509_NAME_entry_count(name);
    int prev_set = -1;
    for (int i = 0; i < n; i++) {
        const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
        if (e == NULL) {
            continue;
        }
        int set = X509_NAME_ENTRY_set(e);
        if (i > 0) {
            text_puts(t, set == prev_set ? " + " : ", ");
        }
        prev_set = set;
        char oid[80];
        const char *key = oid;
        if (OBJ_obj2txt(oid, sizeof(oid), X509_NAME_ENTRY_get_object(e), 1) <= 0) {
            snprintf(oid, sizeof(oid), "?");
        }
        for (size_t k = 0; k < sizeof(attr_names) / sizeof(attr_names[0]); k++) {
            if (strcmp(attr_names[k].oid, oid) == 0) {
                key = attr_names[k].name;
                break;
            }
        }
        text_puts(t, key);
        text_puts(t, "=");
        unsigned char *utf8 = NULL;
        int ul = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
        if (ul > 0) {
            text_put(t, utf8, (size_t)ul);
        }
        OPENSSL_free(utf8);
    }
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian, any year). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static bool
time_read(const ASN1_TIME *at, int64_t *out)
{
    struct tm tm;
    if (at == NULL || !ASN1_TIME_to_tm(at, &tm)) {
        return false;
    }
    *out =
        days_from_civil((int64_t)tm.tm_year + 1900, (unsigned)tm.tm_mon + 1, (unsigned)tm.tm_mday)
            * 86400
        + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
    return true;
}

/* One DER TLV: tag and contents. */
static bool
der_tlv(Cursor *c, uint8_t *tag, Cursor *val)
{
    uint8_t l0;
    if (!cur_u8(c, tag) || !cur_u8(c, &l0)) {
        return false;
    }
    size_t len = l0;
    if (l0 & 0x80) {
        unsigned n = l0 & 0x7f;
        if (n == 0 || n > 4) {
            return false;
        }
        len = 0;
        for (unsigned i = 0; i < n; i++) {
            uint8_t b;
            if (!cur_u8(c, &b)) {
                return false;
            }
            len = len << 8 | b;
        }
    }
    return cur_take(c, len, val);
}

/* Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serial INTEGER. */
static bool
serial_read(const uint8_t *der, size_t len, Cursor *serial)
{
    Cursor c = cur_init(der, len), cert, tbs, v;
    uint8_t tag;
    if (!der_tlv(&c, &tag, &cert) || tag != 0x30 || !der_tlv(&cert, &tag, &tbs) || tag != 0x30
        || !der_tlv(&tbs, &tag, &v)) {
        return false;
    }
    if (tag == 0xa0 && !der_tlv(&tbs, &tag, &v)) {
        return false;
    }
    if (tag != 0x02) {
        return false;
    }
    *serial = v;
    return true;
}

static void
hex_colons(Text *t, const uint8_t *p, size_t n, bool upper)
{
    static const char lo[] = "0123456789abcdef", up[] = "0123456789ABCDEF";
    const char *hx = upper ? up : lo;
    for (size_t i = 0; i < n; i++) {
        char b[3] = {hx[p[i] >> 4], hx[p[i] & 0xf], ':'};
        text_put(t, b, i + 1 < n ? 3 : 2);
    }
}

static bool
text_keep(AlFlow *af, TlsTx *tx, const Text *t, TlsBytes *out)
{
    return tls_bytes_copy(af, tx, t->p, t->len, out);
}

bool
tls_cert_decode(AlFlow *af, TlsTx *tx, const uint8_t *der, size_t len, TlsCertFields *out,
                unsigned *event)
{
    const unsigned char *p = der;
    Cursor serial;
    if (len > (size_t)INT32_MAX || !serial_read(der, len, &serial)) {
        *event = TLS_EVENT_CERTIFICATE_INVALID_DER;
        return false;
    }
    X509 *x = d2i_X509(NULL, &p, (long)len);
    if (x == NULL) {
        *event = TLS_EVENT_CERTIFICATE_INVALID_DER;
        return false;
    }
    char buf[4096];
    Text t = {.p = buf, .cap = sizeof(buf)};
    name_format(X509_get_subject_name(x), &t);
    (void)text_keep(af, tx, &t, &out->subject);
    t.len = 0;
    name_format(X509_get_issuer_name(x), &t);
    (void)text_keep(af, tx, &t, &out->issuer);
    t.len = 0;
    hex_colons(&t, serial.p, serial.left, true);
    (void)text_keep(af, tx, &t, &out->serial);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int ml = 0;
    if (EVP_Digest(der, len, md, &ml, EVP_sha1(), NULL)) {
        t.len = 0;
        hex_colons(&t, md, ml, false);
        (void)text_keep(af, tx, &t, &out->fingerprint);
    }
    if (!time_read(X509_get0_notBefore(x), &out->not_before)
        || !time_read(X509_get0_notAfter(x), &out->not_after)) {
        *event = TLS_EVENT_CERTIFICATE_INVALID_VALIDITY;
    }
    GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    if (gens != NULL) {
        /* Entries as TlsList wants them: a 2-byte length, then the name. */
        t.len = 0;
        uint32_t cnt = 0;
        for (int i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
            const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
            char ip[16 * 5 + 4];
            const uint8_t *v;
            size_t n;
            if (g->type == GEN_DNS) {
                v = ASN1_STRING_get0_data(g->d.dNSName);
                n = (size_t)ASN1_STRING_length(g->d.dNSName);
            } else if (g->type == GEN_IPADD && ASN1_STRING_length(g->d.iPAddress) <= 16) {
                /* Suricata writes an address as its bytes in a list: "[10, 0, 0, 1]". */
                const uint8_t *a = ASN1_STRING_get0_data(g->d.iPAddress);
                int al = ASN1_STRING_length(g->d.iPAddress);
                n = 0;
                ip[n++] = '[';
                for (int k = 0; k < al; k++) {
                    n += (size_t)snprintf(ip + n, sizeof(ip) - n, "%s%u", k > 0 ? ", " : "", a[k]);
                }
                ip[n++] = ']';
                v = (const uint8_t *)ip;
            } else {
                continue;
            }
            if (n > UINT16_MAX || t.len + 2 + n >= t.cap) {
                break;
            }
            uint8_t l[2] = {(uint8_t)(n >> 8), (uint8_t)n};
            text_put(&t, l, 2);
            text_put(&t, v, n);
            cnt++;
        }
        if (cnt > 0 && text_keep(af, tx, &t, &out->sans.raw)) {
            out->sans.cnt = cnt;
        }
        GENERAL_NAMES_free(gens);
    }
    X509_free(x);
    return *event == TLS_EVENT_MAX;
}
