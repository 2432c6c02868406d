/* tls/detect.c: the TLS buffers rules inspect (tls/buffers.def). Each points into what the
 * transaction keeps (strings and certificates live as long as it does), so nothing is copied;
 * a buffer the transaction does not have (no SNI, no certificate yet) is no instance. */
#include <string.h>

#include "applayer/tls/tls.h"

static bool
one(TlsBytes b, uint32_t idx, Cursor *out)
{
    if (idx > 0 || b.p == NULL) {
        return false;
    }
    *out = cur_init(b.p, b.len);
    return true;
}

static bool
nth(const TlsList *l, uint32_t idx, Cursor *out)
{
    TlsBytes e;
    if (!tls_list_get(l, idx, &e)) {
        return false;
    }
    *out = cur_init(e.p, e.len);
    return true;
}

static bool
text(const char *s, uint32_t idx, Cursor *out)
{
    if (idx > 0 || s[0] == '\0') {
        return false;
    }
    *out = cur_init((const uint8_t *)s, strlen(s));
    return true;
}

#define TLS_GETTER(fn, expr)                                                                       \
    bool fn(const AlTx *base, int dir, uint32_t idx, uint8_t *scratch, size_t cap, Cursor *out)    \
    {                                                                                              \
        const TlsTx *tx = (const TlsTx *)base;                                                     \
        (void)dir;                                                                                 \
        (void)scratch;                                                                             \
        (void)cap;                                                                                 \
        return expr;                                                                               \
    }

TLS_GETTER(tls_detect_sni, one(tx->sni, idx, out))
TLS_GETTER(tls_detect_cert_subject,
           one(dir == FLOW_DIR_TOSERVER ? tx->client_cert.subject : tx->subject, idx, out))
TLS_GETTER(tls_detect_cert_issuer,
           one(dir == FLOW_DIR_TOSERVER ? tx->client_cert.issuer : tx->issuer, idx, out))
TLS_GETTER(tls_detect_cert_serial,
           one(dir == FLOW_DIR_TOSERVER ? tx->client_cert.serial : tx->serial, idx, out))
TLS_GETTER(tls_detect_cert_fingerprint,
           one(dir == FLOW_DIR_TOSERVER ? tx->client_cert.fingerprint : tx->fingerprint, idx, out))
TLS_GETTER(tls_detect_certs,
           nth(dir == FLOW_DIR_TOSERVER ? &tx->client_certs : &tx->certs, idx, out))
TLS_GETTER(tls_detect_subjectaltname, nth(&tx->sans, idx, out))
TLS_GETTER(tls_detect_alpn,
           nth(dir == FLOW_DIR_TOSERVER ? &tx->client_alpns : &tx->server_alpns, idx, out))
TLS_GETTER(tls_detect_ja3_hash, text(tx->ja3_hash, idx, out))
TLS_GETTER(tls_detect_ja3_string, one(tx->ja3, idx, out))
TLS_GETTER(tls_detect_ja3s_hash, text(tx->ja3s_hash, idx, out))
TLS_GETTER(tls_detect_ja3s_string, one(tx->ja3s, idx, out))
TLS_GETTER(tls_detect_ja4_hash, text(tx->ja4, idx, out))
