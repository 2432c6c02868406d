/* tls/log.c: the EVE "tls" object of a flow's transaction, as Suricata 8.0.7 writes it with the
 * stock yaml (types: tls: extended: yes): subject, issuerdn, subjectaltname, session_resumed,
 * serial, fingerprint, sni, version, notbefore, notafter, ja3 and ja3s (with
 * app-layer.protocols.tls.ja3-fingerprints: yes; auto, the stock file's, logs neither), ja4
 * (unless ja4-fingerprints: no), client_alpns, server_alpns, each only when there is something
 * to write. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "applayer/applayer_int.h"
#include "applayer/tls/tls.h"

static void
put_bytes(JsonBuf *jb, const char *key, TlsBytes b)
{
    if (b.p != NULL) {
        json_strn(jb, key, (const char *)b.p, b.len);
    }
}

static void
put_list(JsonBuf *jb, const char *key, const TlsList *l)
{
    TlsBytes e;
    if (l->cnt == 0) {
        return;
    }
    json_open_arr(jb, key);
    for (uint32_t i = 0; tls_list_get(l, i, &e); i++) {
        json_strn(jb, NULL, (const char *)e.p, e.len);
    }
    json_close_arr(jb);
}

/* "2015-02-12T18:07:27", UTC, years before 1970 too. */
static void
put_time(JsonBuf *jb, const char *key, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    char buf[40];
    if (gmtime_r(&tt, &tm) == NULL) {
        return;
    }
    int n = snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    json_str_plain(jb, key, buf, (size_t)n);
}

static void
put_ja3(JsonBuf *jb, const char *key, const char *hash, TlsBytes s)
{
    if (hash[0] == '\0') {
        return;
    }
    json_open_obj(jb, key);
    json_str_plain(jb, "hash", hash, strlen(hash));
    put_bytes(jb, "string", s);
    json_close_obj(jb);
}

/* ja3-fingerprints / ja4-fingerprints: yes, no, or auto (dflt). */
static bool
mode_on(const char *v, bool dflt)
{
    static const char *const on[] = {"yes", "true", "on", "1"};
    static const char *const off[] = {"no", "false", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(v, on[i]) == 0) {
            return true;
        }
        if (strcmp(v, off[i]) == 0) {
            return false;
        }
    }
    return dflt;
}

void
tls_log_tx(JsonBuf *jb, const AlFlow *af, const AlTx *base)
{
    const TlsTx *tx = (const TlsTx *)base;
    const AppLayerConfig *cfg = af != NULL ? af->al->cfg : NULL;
    const bool ja3 = cfg != NULL && mode_on(cfg->tls_ja3, false);
    const bool ja4 = cfg == NULL || mode_on(cfg->tls_ja4, true);
    json_open_obj(jb, "tls");
    put_bytes(jb, "subject", tx->subject);
    put_bytes(jb, "issuerdn", tx->issuer);
    put_list(jb, "subjectaltname", &tx->sans);
    if (tx->resumed) {
        json_bool(jb, "session_resumed", true);
    }
    put_bytes(jb, "serial", tx->serial);
    put_bytes(jb, "fingerprint", tx->fingerprint);
    put_bytes(jb, "sni", tx->sni);
    uint16_t v = tx->server_version != 0          ? tx->server_version
                 : tx->server_record_version != 0 ? tx->server_record_version
                                                  : tx->client_version;
    char vb[32];
    const char *vn = tls_version_name(v, vb, sizeof(vb));
    json_str_plain(jb, "version", vn, strlen(vn));
    if (tx->have_cert) {
        put_time(jb, "notbefore", tx->not_before);
        put_time(jb, "notafter", tx->not_after);
    }
    if (ja3) {
        put_ja3(jb, "ja3", tx->ja3_hash, tx->ja3);
        put_ja3(jb, "ja3s", tx->ja3s_hash, tx->ja3s);
    }
    if (ja4 && tx->ja4[0] != '\0') {
        json_str_plain(jb, "ja4", tx->ja4, strlen(tx->ja4));
    }
    put_list(jb, "client_alpns", &tx->client_alpns);
    put_list(jb, "server_alpns", &tx->server_alpns);
    json_close_obj(jb);
}
