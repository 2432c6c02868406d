/* tls.c: the keywords that test a TLS transaction (not sticky buffers: those are
 * applayer/tls/buffers.def), as Suricata 8.0.7 reads them:
 *   tls.version:1.2        the version of the session (the server's choice, else the client's),
 *                          "1.0" ... "1.3" or a number ("0x0303");
 *   ssl_version:tls1.2,tls1.3   a list of sslv2 sslv3 tls1.0 tls1.1 tls1.2 tls1.3; a "!"
 *                          negates the whole list, as Suricata reads it;
 *   ssl_state:client_hello|server_hello   messages seen (client_hello server_hello client_keyx
 *                          server_keyx unknown): "|" any of, "," all of, "!" not;
 *   tls_cert_expired, tls_cert_valid   the server certificate's dates against the clock;
 *   tls.store              accepted, nothing is written (a rule with it still needs TLS);
 *   tls.subject, tls.issuerdn ("[!]text": the certificate's names contain it), tls.fingerprint
 *                          ("[!]xx:xx:...": equal), tls.cert_chain_len (an integer). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "applayer/tls/tls.h"
#include "core/time.h"
#include "detect/detect_int.h"

typedef enum {
    TLS_KW_VERSION,
    TLS_KW_SSL_VERSION,
    TLS_KW_SSL_STATE,
    TLS_KW_EXPIRED,
    TLS_KW_VALID,
    TLS_KW_STORE,
    TLS_KW_SUBJECT,
    TLS_KW_ISSUER,
    TLS_KW_FINGERPRINT,
    TLS_KW_CHAIN_LEN,
} TlsKwField;

#define SSLV_MAX 8

typedef struct {
    uint8_t field; /* TlsKwField */
    bool neg;
    uint16_t version;
    /* ssl_version: versions and whether each is excluded */
    uint16_t vers[SSLV_MAX];
    bool vers_neg[SSLV_MAX];
    uint8_t vers_cnt;
    /* ssl_state: any of `any`, all of `all`, none of `none` (TLS_SEEN_* bits) */
    uint8_t any, all, none;
    DetectUint u;
    char text[256];
} TlsKw;

static uint16_t
session_version(const TlsTx *tx)
{
    uint16_t v = tx->server_version != 0 ? tx->server_version : tx->client_version;
    /* TLS 1.3 drafts are TLS 1.3 to a rule. */
    return (v >> 8) == 0x7f || (v >> 8) == 0xfb ? TLS_V_13 : v;
}

static bool
contains(TlsBytes hay, const char *needle)
{
    size_t n = strlen(needle);
    if (hay.p == NULL || n > hay.len) {
        return false;
    }
    for (size_t i = 0; i + n <= hay.len; i++) {
        if (memcmp(hay.p + i, needle, n) == 0) {
            return true;
        }
    }
    return false;
}

static bool
tls_kw_match(struct DetectThread *dt, const AlTx *base, int dir, const void *ctx)
{
    const TlsKw *k = ctx;
    const TlsTx *tx = (const TlsTx *)base;
    (void)dt;
    (void)dir;
    switch ((TlsKwField)k->field) {
    case TLS_KW_VERSION:
        return session_version(tx) != 0 && session_version(tx) == k->version;
    case TLS_KW_SSL_VERSION: {
        /* Suricata's reading: a "!" anywhere negates the whole list ("!tls1.3,tls1.2" is
         * neither 1.3 nor 1.2). */
        uint16_t v = session_version(tx);
        bool in = false, neg = false;
        for (unsigned i = 0; i < k->vers_cnt; i++) {
            in = in || v == k->vers[i];
            neg = neg || k->vers_neg[i];
        }
        return v != 0 && in != neg;
    }
    case TLS_KW_SSL_STATE:
        return (k->any == 0 || (tx->seen & k->any)) && (tx->seen & k->all) == k->all
               && (tx->seen & k->none) == 0;
    case TLS_KW_EXPIRED:
    case TLS_KW_VALID: {
        if (!tx->have_cert) {
            return false;
        }
        /* The clock, as a run sees it: Suricata compares with the packet's time. */
        int64_t now = (int64_t)(time_wall_now() / SK_USEC_PER_SEC);
        bool expired = now > tx->not_after;
        bool valid = now >= tx->not_before && now <= tx->not_after;
        return k->field == TLS_KW_EXPIRED ? expired : valid;
    }
    case TLS_KW_STORE:
        return true;
    case TLS_KW_SUBJECT:
        return tx->subject.p != NULL && contains(tx->subject, k->text) != k->neg;
    case TLS_KW_ISSUER:
        return tx->issuer.p != NULL && contains(tx->issuer, k->text) != k->neg;
    case TLS_KW_FINGERPRINT: {
        bool eq =
            tx->fingerprint.p != NULL && tx->fingerprint.len == strlen(k->text)
            && strncasecmp((const char *)tx->fingerprint.p, k->text, tx->fingerprint.len) == 0;
        return tx->fingerprint.p != NULL && eq != k->neg;
    }
    case TLS_KW_CHAIN_LEN:
        return detect_uint_match(&k->u, tx->certs.cnt);
    }
    return false;
}

static const DetectSmOps tls_kw_ops = {.tx_match = tls_kw_match};

static SkResult
add(Signature *s, DetectKeywordId kw, TlsKw *k, int dirs, char *err)
{
    return detect_tx_keyword_add(s, kw, &tls_kw_ops, k, ALPROTO_TLS, (uint8_t)dirs, err);
}

#define TS (1 << FLOW_DIR_TOSERVER)
#define TC (1 << FLOW_DIR_TOCLIENT)

static TlsKw *
kw_new(TlsKwField f, char *err)
{
    TlsKw *k = calloc(1, sizeof(*k));
    if (k == NULL) {
        (void)detect_nomem(err);
        return NULL;
    }
    k->field = (uint8_t)f;
    return k;
}

/* The value without surrounding blanks and quotes, into out. */
static void
unquote(const char *arg, char *out, size_t cap)
{
    while (*arg == ' ') {
        arg++;
    }
    size_t n = strlen(arg);
    while (n > 0 && arg[n - 1] == ' ') {
        n--;
    }
    if (n >= 2 && arg[0] == '"' && arg[n - 1] == '"') {
        arg++;
        n -= 2;
    }
    if (n >= cap) {
        n = cap - 1;
    }
    memcpy(out, arg, n);
    out[n] = '\0';
}

SkResult
kw_tls_version_setup(Signature *s, const char *arg, char *err)
{
    char v[32];
    unquote(arg != NULL ? arg : "", v, sizeof(v));
    static const struct {
        const char *name;
        uint16_t v;
    } names[] = {{"1.0", TLS_V_10}, {"1.1", TLS_V_11}, {"1.2", TLS_V_12}, {"1.3", TLS_V_13}};
    TlsKw *k = kw_new(TLS_KW_VERSION, err);
    if (k == NULL) {
        return SK_ERR_NOMEM;
    }
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(v, names[i].name) == 0) {
            k->version = names[i].v;
        }
    }
    if (k->version == 0) {
        char *end = NULL;
        unsigned long n = strtoul(v, &end, 0);
        if (end == v || *end != '\0' || n == 0 || n > UINT16_MAX) {
            free(k);
            return detect_err(err, "tls.version: '%s' is not a TLS version (1.0 .. 1.3)", v);
        }
        k->version = (uint16_t)n;
    }
    return add(s, DETECT_KW_TLS_VERSION, k, TC, err);
}

SkResult
kw_ssl_version_setup(Signature *s, const char *arg, char *err)
{
    static const struct {
        const char *name;
        uint16_t v;
    } names[] = {{"sslv2", TLS_V_SSL2}, {"sslv3", TLS_V_SSL3}, {"tls1.0", TLS_V_10},
                 {"tls1.1", TLS_V_11},  {"tls1.2", TLS_V_12},  {"tls1.3", TLS_V_13}};
    char buf[128];
    unquote(arg != NULL ? arg : "", buf, sizeof(buf));
    TlsKw *k = kw_new(TLS_KW_SSL_VERSION, err);
    if (k == NULL) {
        return SK_ERR_NOMEM;
    }
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
        while (*t == ' ') {
            t++;
        }
        bool neg = *t == '!';
        t += neg;
        size_t n = strlen(t);
        while (n > 0 && t[n - 1] == ' ') {
            t[--n] = '\0';
        }
        size_t i = 0;
        while (i < sizeof(names) / sizeof(names[0]) && strcasecmp(t, names[i].name) != 0) {
            i++;
        }
        if (i == sizeof(names) / sizeof(names[0]) || k->vers_cnt == SSLV_MAX) {
            free(k);
            return detect_err(err, "ssl_version: '%s' is not sslv2, sslv3 or tls1.0 .. tls1.3", t);
        }
        k->vers[k->vers_cnt] = names[i].v;
        k->vers_neg[k->vers_cnt++] = neg;
    }
    if (k->vers_cnt == 0) {
        free(k);
        return detect_err(err, "ssl_version: a version is needed");
    }
    return add(s, DETECT_KW_SSL_VERSION, k, TS | TC, err);
}

SkResult
kw_ssl_state_setup(Signature *s, const char *arg, char *err)
{
    static const struct {
        const char *name;
        uint8_t bit;
    } names[] = {{"client_hello", TLS_SEEN_CLIENT_HELLO},
                 {"server_hello", TLS_SEEN_SERVER_HELLO},
                 {"client_keyx", TLS_SEEN_CLIENT_KEYX},
                 {"server_keyx", TLS_SEEN_SERVER_KEYX},
                 {"unknown", TLS_SEEN_UNKNOWN}};
    char buf[128];
    unquote(arg != NULL ? arg : "", buf, sizeof(buf));
    TlsKw *k = kw_new(TLS_KW_SSL_STATE, err);
    if (k == NULL) {
        return SK_ERR_NOMEM;
    }
    const bool or_list = strchr(buf, '|') != NULL;
    char *save = NULL;
    for (char *t = strtok_r(buf, "|,", &save); t != NULL; t = strtok_r(NULL, "|,", &save)) {
        while (*t == ' ') {
            t++;
        }
        bool neg = *t == '!';
        t += neg;
        size_t n = strlen(t);
        while (n > 0 && t[n - 1] == ' ') {
            t[--n] = '\0';
        }
        size_t i = 0;
        while (i < sizeof(names) / sizeof(names[0]) && strcmp(t, names[i].name) != 0) {
            i++;
        }
        if (i == sizeof(names) / sizeof(names[0])) {
            free(k);
            return detect_err(err,
                              "ssl_state: '%s' is not a state (client_hello, server_hello, "
                              "client_keyx, server_keyx, unknown)",
                              t);
        }
        if (neg) {
            k->none |= names[i].bit;
        } else if (or_list) {
            k->any |= names[i].bit;
        } else {
            k->all |= names[i].bit;
        }
    }
    return add(s, DETECT_KW_SSL_STATE, k, TS | TC, err);
}

static SkResult
flag_setup(Signature *s, TlsKwField f, DetectKeywordId kw, int dirs, char *err)
{
    TlsKw *k = kw_new(f, err);
    return k != NULL ? add(s, kw, k, dirs, err) : SK_ERR_NOMEM;
}

SkResult
kw_tls_cert_expired_setup(Signature *s, const char *arg, char *err)
{
    (void)arg;
    return flag_setup(s, TLS_KW_EXPIRED, DETECT_KW_TLS_CERT_EXPIRED, TC, err);
}

SkResult
kw_tls_cert_valid_setup(Signature *s, const char *arg, char *err)
{
    (void)arg;
    return flag_setup(s, TLS_KW_VALID, DETECT_KW_TLS_CERT_VALID, TC, err);
}

SkResult
kw_tls_store_setup(Signature *s, const char *arg, char *err)
{
    (void)arg;
    return flag_setup(s, TLS_KW_STORE, DETECT_KW_TLS_STORE, TC, err);
}

static SkResult
text_setup(Signature *s, const char *arg, TlsKwField f, DetectKeywordId kw, const char *name,
           char *err)
{
    char buf[sizeof(((TlsKw *)0)->text) + 8];
    unquote(arg != NULL ? arg : "", buf, sizeof(buf));
    const char *t = buf;
    bool neg = false;
    if (*t == '!') {
        neg = true;
        t++;
        if (*t == '"') {
            unquote(t, buf, sizeof(buf));
            t = buf;
        }
    }
    if (*t == '\0') {
        return detect_err(err, "%s: a value is needed", name);
    }
    TlsKw *k = kw_new(f, err);
    if (k == NULL) {
        return SK_ERR_NOMEM;
    }
    k->neg = neg;
    size_t tl = strlen(t);
    if (tl >= sizeof(k->text)) {
        free(k);
        return detect_err(err, "%s: the value is longer than %zu bytes", name, sizeof(k->text) - 1);
    }
    memcpy(k->text, t, tl + 1);
    return add(s, kw, k, TC, err);
}

SkResult
kw_tls_subject_setup(Signature *s, const char *arg, char *err)
{
    return text_setup(s, arg, TLS_KW_SUBJECT, DETECT_KW_TLS_SUBJECT, "tls.subject", err);
}

SkResult
kw_tls_issuerdn_setup(Signature *s, const char *arg, char *err)
{
    return text_setup(s, arg, TLS_KW_ISSUER, DETECT_KW_TLS_ISSUERDN, "tls.issuerdn", err);
}

SkResult
kw_tls_fingerprint_setup(Signature *s, const char *arg, char *err)
{
    return text_setup(s, arg, TLS_KW_FINGERPRINT, DETECT_KW_TLS_FINGERPRINT, "tls.fingerprint",
                      err);
}

SkResult
kw_tls_cert_chain_len_setup(Signature *s, const char *arg, char *err)
{
    TlsKw *k = kw_new(TLS_KW_CHAIN_LEN, err);
    if (k == NULL) {
        return SK_ERR_NOMEM;
    }
    if (!detect_uint_parse(arg != NULL ? arg : "", UINT32_MAX, &k->u, err)) {
        free(k);
        return SK_ERR_CONFIG;
    }
    return add(s, DETECT_KW_TLS_CERT_CHAIN_LEN, k, TC, err);
}
