/* tls/tls.c: the TLS parser (tls.h). It owns the probe, the record layer (records across
 * segments, several per segment, SSLv2's two- and three-byte headers for a first hello), the
 * handshake messages put back together across records, the hellos (their extensions, JA3,
 * JA3S and JA4) and the certificate chain (x509.c decodes the first certificate). Encrypted
 * records are counted, not read. What is logged is log.c's. */
#include "applayer/tls/tls.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applayer/applayer_int.h"

static const char *const event_names[] = {
#define EVENT(id, name) [id] = name,
#include "applayer/tls/events.def"
#undef EVENT
};

static const char *
tls_event_name(unsigned id)
{
    return id < TLS_EVENT_MAX ? event_names[id] : NULL;
}

static int
tls_event_lookup(const char *name)
{
    for (unsigned i = 0; i < TLS_EVENT_MAX; i++) {
        if (strcmp(event_names[i], name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

/* ---- memory: blobs hung on the transaction, charged to the app layer's Memcap ---- */

struct TlsBlob {
    TlsBlob *next;
    size_t alloc_len;
    uint8_t data[];
};

uint8_t *
tls_blob_new(AlFlow *af, TlsTx *tx, size_t n)
{
    size_t len = sizeof(TlsBlob) + n;
    if (!memcap_charge(af->al->mc, len)) {
        counter_inc(&af->al->own[AL_CTR_MEMCAP_DROP_I]);
        return NULL;
    }
    TlsBlob *b = malloc(len);
    if (b == NULL) {
        memcap_release(af->al->mc, len);
        return NULL;
    }
    b->alloc_len = len;
    b->next = tx->blobs;
    tx->blobs = b;
    return b->data;
}

bool
tls_bytes_copy(AlFlow *af, TlsTx *tx, const void *p, size_t n, TlsBytes *out)
{
    uint8_t *d = tls_blob_new(af, tx, n);
    if (d == NULL) {
        return false;
    }
    memcpy(d, p, n);
    out->p = d;
    out->len = (uint32_t)n;
    return true;
}

static void
hs_buf_free(AlFlow *af, TlsState *ts, int dir)
{
    if (ts->d[dir].hs_buf != NULL) {
        memcap_release(af->al->mc, ts->d[dir].hs_cap);
        free(ts->d[dir].hs_buf);
    }
    ts->d[dir].hs_buf = NULL;
    ts->d[dir].hs_len = ts->d[dir].hs_cap = 0;
}

static void
tls_tx_free(AlFlow *af, AlTx *base)
{
    TlsTx *tx = (TlsTx *)base;
    TlsState *ts = applayer_flow_state(af);
    while (tx->blobs != NULL) {
        TlsBlob *b = tx->blobs;
        tx->blobs = b->next;
        memcap_release(af->al->mc, b->alloc_len);
        free(b);
    }
    if (ts->tx == tx) {
        /* The flow's one transaction is gone: nothing more is kept, and a message that was
         * being put together has nowhere to go. */
        ts->tx = NULL;
        hs_buf_free(af, ts, FLOW_DIR_TOSERVER);
        hs_buf_free(af, ts, FLOW_DIR_TOCLIENT);
    }
}

/* A list's idx-th entry. */
bool
tls_list_get(const TlsList *l, uint32_t idx, TlsBytes *out)
{
    Cursor c = cur_init(l->raw.p, l->raw.len);
    for (uint32_t i = 0; i < l->cnt; i++) {
        uint16_t n;
        Cursor e;
        if (!cur_be16(&c, &n) || !cur_take(&c, n, &e)) {
            return false;
        }
        if (i == idx) {
            out->p = e.p;
            out->len = (uint32_t)e.left;
            return true;
        }
    }
    return false;
}

/* ---- versions ---- */

const char *
tls_version_name(uint16_t v, char *buf, size_t cap)
{
    switch (v) {
    case TLS_V_SSL2:
        return "SSLv2";
    case TLS_V_SSL3:
        return "SSLv3";
    case TLS_V_10:
        return "TLSv1";
    case TLS_V_11:
        return "TLS 1.1";
    case TLS_V_12:
        return "TLS 1.2";
    case TLS_V_13:
        return "TLS 1.3";
    default:
        break;
    }
    /* TLS 1.3 drafts (0x7fNN); before draft 16 Suricata does not name the number. */
    if (v == TLS_V_13_DRAFT_OLD) {
        return "TLS 1.3 draft-<16";
    }
    if ((v >> 8) == 0xfb) {
        snprintf(buf, cap, "TLS 1.3 draft-%u-fb", v & 0xff); /* Facebook's (fizz) drafts */
        return buf;
    }
    if ((v >> 8) == 0x7f) {
        unsigned d = v & 0xff;
        if (d < 16) {
            return "TLS 1.3 draft-<16";
        }
        snprintf(buf, cap, "TLS 1.3 draft-%u", d);
        return buf;
    }
    snprintf(buf, cap, "%u", v); /* Suricata writes a version it does not know as its number */
    return buf;
}

/* RFC 8701: 0x?a?a with both bytes equal. */
static bool
is_grease(uint16_t v)
{
    return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* ---- transaction ---- */

static TlsTx *
tx_get(AlFlow *af, TlsState *ts, int dir)
{
    if (!ts->tx_made) {
        /* One per flow, made by the first data of either side. Once it was freed (complete
         * and logged) nothing more is kept, as Suricata logs a flow's TLS once. */
        ts->tx_made = true;
        ts->tx = (TlsTx *)applayer_tx_new(af, sizeof(TlsTx), dir);
    }
    return ts->tx;
}

static void
tx_event(TlsState *ts, unsigned ev)
{
    if (ts->tx != NULL) {
        applayer_tx_event(&ts->tx->base, ev);
    }
}

static void
state_at_least(uint8_t *st, uint8_t v)
{
    if (*st < v) {
        *st = v;
    }
}

static const char *
tls_progress_name(const AlTx *base, int dir)
{
    static const char *const client[] = {"client_in_progress", "client_hello_done",
                                         "client_cert_done", "client_handshake_done"};
    static const char *const server[] = {"server_in_progress", "server_hello", "server_cert_done",
                                         "server_hello_done", "server_handshake_done"};
    const TlsTx *tx = (const TlsTx *)base;
    return dir == FLOW_DIR_TOSERVER ? client[tx->cstate < 4 ? tx->cstate : 3]
                                    : server[tx->sstate < 5 ? tx->sstate : 4];
}

/* A session without a certificate (TLS <= 1.2), as Suricata 8.0.7 writes it (checked on
 * captures built for it and on bench.pcap): resumed when the server took the client's session
 * id back, or when the client offered a session ticket (the extension, empty or not) and the
 * handshake went on past the server's hello (its ServerHelloDone or ChangeCipherSpec, or
 * encrypted data). */
static bool
resumed_now(const TlsState *ts, const TlsTx *tx)
{
    if (tx->have_cert || ts->tls13 || !(tx->seen & TLS_SEEN_SERVER_HELLO)) {
        return false;
    }
    return ts->sid_match
           || (ts->ticket
               && (ts->srv_hello_done || ts->d[FLOW_DIR_TOCLIENT].encrypted
                   || ts->d[FLOW_DIR_TOSERVER].encrypted));
}

/* Is there a record to write? A certificate, TLS 1.3, or resumption; without those, only a
 * client that offered a session ticket gets one (a hello alone, then nothing, included). */
static bool
loggable(const TlsState *ts, const TlsTx *tx)
{
    return tx->have_cert || ts->tls13 || tx->resumed || ts->ticket;
}

/* The handshake went far enough for the transaction to be final and logged, when Suricata
 * writes it: TLS <= 1.2 at the end of the server's flight (ServerHelloDone, or its
 * ChangeCipherSpec); TLS 1.3 once the client follows the server's hello with its
 * ChangeCipherSpec or encrypted data; a session without a certificate once the server sends
 * encrypted data. */
static void
maybe_complete(TlsState *ts)
{
    TlsTx *tx = ts->tx;
    if (tx == NULL || tx->base.complete || !ts->d[FLOW_DIR_TOCLIENT].done
        || (ts->tls13 && !ts->d[FLOW_DIR_TOSERVER].done)) {
        return;
    }
    if (!tx->have_cert && !ts->tls13 && (tx->seen & TLS_SEEN_SERVER_HELLO)) {
        if (!ts->srv_appdata) {
            return;
        }
        tx->resumed = resumed_now(ts, tx);
    }
    tx->base.progress[FLOW_DIR_TOSERVER] = tx->base.progress[FLOW_DIR_TOCLIENT] = 1;
    tx->base.complete = true;
    if (!loggable(ts, tx)) {
        tx->base.logged = true; /* nothing to write, as Suricata */
    }
}

/* Direction dir's part of the handshake is over: its buffers are final for detection. */
static void
side_done(TlsState *ts, int dir)
{
    ts->d[dir].done = true;
    TlsTx *tx = ts->tx;
    if (tx == NULL) {
        return;
    }
    tx->base.progress[dir] = 1;
    tx->base.dirs |= (uint8_t)(1u << dir);
    if (ts->d[dir].encrypted) {
        state_at_least(dir == FLOW_DIR_TOSERVER ? &tx->cstate : &tx->sstate,
                       dir == FLOW_DIR_TOSERVER ? 3 : 4);
    }
    maybe_complete(ts);
}

/* ---- a small text builder for the fingerprint strings ---- */

typedef struct {
    char *p;
    size_t len, cap;
} Sb;

static void
sb_printf_u(Sb *sb, const char *sep, unsigned v)
{
    if (sb->len + 8 > sb->cap) {
        return; /* sized by the caller from the hello: cannot happen */
    }
    sb->len += (size_t)snprintf(sb->p + sb->len, sb->cap - sb->len, "%s%u", sep, v);
}

static void
sb_putc(Sb *sb, char ch)
{
    if (sb->len + 1 < sb->cap) {
        sb->p[sb->len++] = ch;
    }
}

static void
md5_hex(const char *s, size_t n, char out[33])
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int dl = 0;
    out[0] = '\0';
    if (!EVP_Digest(s, n, d, &dl, EVP_md5(), NULL)) {
        return;
    }
    for (unsigned i = 0; i < 16 && i < dl; i++) {
        snprintf(out + 2 * i, 3, "%02x", d[i]);
    }
}

/* Fields of a hello read once, for the fingerprints. Lists point into the message. */
typedef struct {
    uint16_t version;
    Cursor ciphers; /* 2 bytes each */
    Cursor exts;    /* the extensions block */
    Cursor groups, ecpf, sigalgs, sv;
    bool have_sni, have_alpn;
    Cursor alpn_first;
} Hello;

/* JA3 (client: "version,ciphers,extensions,groups,point formats") or JA3S (server:
 * "version,cipher,extensions"), decimal, GREASE left out; its MD5. */
static void
ja3_make(AlFlow *af, TlsTx *tx, const Hello *h, bool server, size_t msg_len)
{
    Sb sb = {.cap = 64 + msg_len * 4};
    sb.p = malloc(sb.cap);
    if (sb.p == NULL) {
        return;
    }
    sb_printf_u(&sb, "", h->version);
    sb_putc(&sb, ',');
    Cursor c = h->ciphers;
    uint16_t v;
    const char *sep = "";
    while (cur_be16(&c, &v)) {
        if (!is_grease(v)) {
            sb_printf_u(&sb, sep, v);
            sep = "-";
        }
    }
    sb_putc(&sb, ',');
    c = h->exts;
    sep = "";
    uint16_t type, len;
    while (cur_be16(&c, &type) && cur_be16(&c, &len) && cur_skip(&c, len)) {
        if (!is_grease(type)) {
            sb_printf_u(&sb, sep, type);
            sep = "-";
        }
    }
    if (!server) {
        sb_putc(&sb, ',');
        c = h->groups;
        sep = "";
        while (cur_be16(&c, &v)) {
            if (!is_grease(v)) {
                sb_printf_u(&sb, sep, v);
                sep = "-";
            }
        }
        sb_putc(&sb, ',');
        c = h->ecpf;
        sep = "";
        uint8_t b;
        while (cur_u8(&c, &b)) {
            sb_printf_u(&sb, sep, b);
            sep = "-";
        }
    }
    TlsBytes *dst = server ? &tx->ja3s : &tx->ja3;
    if (tls_bytes_copy(af, tx, sb.p, sb.len, dst)) {
        md5_hex(sb.p, sb.len, server ? tx->ja3s_hash : tx->ja3_hash);
    }
    free(sb.p);
}

static int
cmp_u16(const void *a, const void *b)
{
    uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
    return (x > y) - (x < y);
}

/* The first 12 hex digits of SHA-256 over the sorted values as 4-digit hex joined by commas,
 * then (with_sigalgs) "_" and the signature algorithms in their order. */
static void
ja4_hash(uint16_t *vals, size_t n, Cursor sigalgs, bool with_sigalgs, char out[13])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int dl = 0;
    char hex[8];
    memcpy(out, "000000000000", 13);
    if (ctx == NULL) {
        return;
    }
    qsort(vals, n, sizeof(vals[0]), cmp_u16);
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    for (size_t i = 0; i < n; i++) {
        int l = snprintf(hex, sizeof(hex), "%s%04x", i > 0 ? "," : "", vals[i]);
        EVP_DigestUpdate(ctx, hex, (size_t)l);
    }
    uint16_t v;
    if (with_sigalgs) {
        EVP_DigestUpdate(ctx, "_", 1);
    }
    bool first = true;
    while (with_sigalgs && cur_be16(&sigalgs, &v)) {
        if (is_grease(v)) {
            continue;
        }
        int l = snprintf(hex, sizeof(hex), "%s%04x", first ? "" : ",", v);
        first = false;
        EVP_DigestUpdate(ctx, hex, (size_t)l);
    }
    if (EVP_DigestFinal_ex(ctx, d, &dl) && dl >= 6) {
        for (unsigned i = 0; i < 6; i++) {
            snprintf(out + 2 * i, 3, "%02x", d[i]);
        }
    }
    EVP_MD_CTX_free(ctx);
}

static bool
alnum(uint8_t b)
{
    return (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
}

/* JA4 (FoxIO): t<version><d|i><ciphers><extensions><alpn>_<ciphers hash>_<extensions hash>. */
static void
ja4_make(TlsTx *tx, const Hello *h)
{
    uint16_t ver = h->version, v;
    Cursor c = h->sv;
    uint8_t l;
    if (h->sv.p != NULL && cur_u8(&c, &l)) {
        uint16_t best = 0;
        while (cur_be16(&c, &v)) {
            /* Facebook's TLS 1.3 drafts (0xfbNN) and drafts before 16 are not versions to
             * Suricata's JA4; later drafts (0x7f10 on) are, and print as "00" (bench.pcap). */
            const bool ignored = (v >> 8) == 0xfb || (v >= 0x7f00 && v < 0x7f10);
            if (!is_grease(v) && !ignored && v > best) {
                best = v;
            }
        }
        if (best != 0) {
            ver = best;
        }
    }
    const char *vs = "00";
    switch (ver) {
    case TLS_V_13:
        vs = "13";
        break;
    case TLS_V_12:
        vs = "12";
        break;
    case TLS_V_11:
        vs = "11";
        break;
    case TLS_V_10:
        vs = "10";
        break;
    case TLS_V_SSL3:
        vs = "s3";
        break;
    case TLS_V_SSL2:
        vs = "s2";
        break;
    default:
        break;
    }
    size_t nc = h->ciphers.left / 2, ne = 0, nall = 0;
    uint16_t *vals = malloc((nc + h->exts.left / 4 + 1) * sizeof(uint16_t));
    if (vals == NULL) {
        return;
    }
    size_t n = 0;
    c = h->ciphers;
    while (cur_be16(&c, &v)) {
        if (!is_grease(v)) {
            vals[n++] = v;
        }
    }
    nc = n;
    /* Suricata hashes empty lists too (SHA-256 of "" and of "_"), where FoxIO's text writes
     * zeros: Suricata's are the values rules and logs carry. */
    char chash[13], ehash[13];
    ja4_hash(vals, nc, cur_init(NULL, 0), false, chash);
    n = 0;
    c = h->exts;
    uint16_t type, len;
    while (cur_be16(&c, &type) && cur_be16(&c, &len) && cur_skip(&c, len)) {
        if (is_grease(type)) {
            continue;
        }
        nall++;
        if (type != 0x0000 && type != 0x0010) {
            vals[n++] = type;
        }
    }
    ne = n;
    ja4_hash(vals, ne, h->sigalgs, true, ehash);
    free(vals);
    char alpn[3] = "00";
    if (h->alpn_first.left > 0) {
        uint8_t f = h->alpn_first.p[0], z = h->alpn_first.p[h->alpn_first.left - 1];
        if (alnum(f) && alnum(z)) {
            alpn[0] = (char)f;
            alpn[1] = (char)z;
        } else {
            static const char hx[] = "0123456789abcdef";
            alpn[0] = hx[f >> 4];
            alpn[1] = hx[z & 0xf];
        }
    }
    snprintf(tx->ja4, sizeof(tx->ja4), "t%s%c%02u%02u%s_%s_%s", vs, h->have_sni ? 'd' : 'i',
             (unsigned)(nc > 99 ? 99 : nc), (unsigned)(nall > 99 ? 99 : nall), alpn, chash, ehash);
}

/* An ALPN extension's protocol names into list (RFC 7301 3.1). */
static void
alpn_read(AlFlow *af, TlsTx *tx, Cursor ext, TlsList *list, Hello *h)
{
    uint16_t ll;
    Cursor names;
    if (!cur_be16(&ext, &ll) || !cur_take(&ext, ll, &names) || list->cnt > 0) {
        return;
    }
    uint8_t *d = tls_blob_new(af, tx, names.left * 2 + 2);
    if (d == NULL) {
        return;
    }
    size_t n = 0;
    uint8_t nl;
    Cursor name;
    while (cur_u8(&names, &nl) && cur_take(&names, nl, &name)) {
        if (h != NULL && h->alpn_first.p == NULL) {
            h->alpn_first = name;
        }
        d[n++] = 0;
        d[n++] = nl;
        memcpy(d + n, name.p, name.left);
        n += name.left;
        list->cnt++;
    }
    list->raw.p = d;
    list->raw.len = (uint32_t)n;
}

/* server_name (RFC 6066 3): the first host_name. A bad list raises Suricata's event and
 * returns false: Suricata reads no further extension of that hello. */
static bool
sni_read(AlFlow *af, TlsState *ts, TlsTx *tx, Cursor ext)
{
    uint16_t ll, nl;
    uint8_t type;
    Cursor list, name;
    if (!cur_be16(&ext, &ll) || !cur_take(&ext, ll, &list) || !cur_u8(&list, &type)) {
        tx_event(ts, TLS_EVENT_INVALID_SNI_LENGTH);
        return false;
    }
    if (type != 0) {
        tx_event(ts, TLS_EVENT_INVALID_SNI_TYPE);
        return false;
    }
    if (!cur_be16(&list, &nl) || !cur_take(&list, nl, &name)) {
        tx_event(ts, TLS_EVENT_INVALID_SNI_LENGTH);
        return false;
    }
    if (tx->sni.p != NULL) {
        tx_event(ts, TLS_EVENT_MULTIPLE_SNI_EXTENSIONS);
        return true;
    }
    (void)tls_bytes_copy(af, tx, name.p, name.left, &tx->sni);
    return true;
}

/* The extensions block of a hello (ClientHello when !server); h->exts ends up as the
 * extensions read (the fingerprints see those). false: it does not parse. */
static bool
exts_read(AlFlow *af, TlsState *ts, TlsTx *tx, Cursor exts, bool server, Hello *h)
{
    uint16_t type, len;
    Cursor ext;
    const Cursor all = exts;
    while (exts.left > 0) {
        const size_t before = all.left - exts.left;
        if (!cur_be16(&exts, &type) || !cur_be16(&exts, &len) || !cur_take(&exts, len, &ext)) {
            h->exts = cur_init(all.p, before);
            return false;
        }
        switch (type) {
        case 0x0000: /* server_name */
            if (!server) {
                if (!sni_read(af, ts, tx, ext)) {
                    h->exts = cur_init(all.p, before);
                    return true;
                }
                h->have_sni = true;
            }
            break;
        case 0x0010: /* application_layer_protocol_negotiation */
            h->have_alpn = true;
            alpn_read(af, tx, ext, server ? &tx->server_alpns : &tx->client_alpns,
                      server ? NULL : h);
            break;
        case 0x000a: { /* supported_groups */
            uint16_t gl;
            if (!cur_be16(&ext, &gl) || !cur_take(&ext, gl, &h->groups)) {
                h->groups = cur_init(NULL, 0);
            }
            break;
        }
        case 0x000b: { /* ec_point_formats */
            uint8_t fl;
            if (!cur_u8(&ext, &fl) || !cur_take(&ext, fl, &h->ecpf)) {
                h->ecpf = cur_init(NULL, 0);
            }
            break;
        }
        case 0x000d: { /* signature_algorithms */
            uint16_t sl;
            if (!cur_be16(&ext, &sl) || !cur_take(&ext, sl, &h->sigalgs)) {
                h->sigalgs = cur_init(NULL, 0);
            }
            break;
        }
        case 0x0023: /* session_ticket */
            if (!server) {
                ts->ticket = true;
            }
            break;
        case 0x002b: /* supported_versions: a list (client), the choice (server) */
            if (server) {
                uint16_t v;
                if (cur_be16(&ext, &v)) {
                    tx->server_version = v;
                }
            } else {
                h->sv = ext;
            }
            break;
        default:
            break;
        }
    }
    return true;
}

/* ClientHello (RFC 8446 4.1.2; RFC 5246 7.4.1.2). */
static void
client_hello(AlFlow *af, TlsState *ts, TlsTx *tx, Cursor m)
{
    Hello h = {0};
    const size_t msg_len = m.left;
    uint8_t sid_len, comp_len;
    uint16_t cs_len, ext_len;
    Cursor sid, comp;
    if (tx->seen & TLS_SEEN_CLIENT_HELLO) {
        return; /* a second hello (after a HelloRetryRequest): the first one is kept */
    }
    if (!cur_be16(&m, &h.version) || !cur_skip(&m, 32) || !cur_u8(&m, &sid_len)
        || !cur_take(&m, sid_len, &sid) || !cur_be16(&m, &cs_len)
        || !cur_take(&m, cs_len, &h.ciphers) || !cur_u8(&m, &comp_len)
        || !cur_take(&m, comp_len, &comp)) {
        tx_event(ts, TLS_EVENT_INVALID_HANDSHAKE_MESSAGE);
        return;
    }
    tx->seen |= TLS_SEEN_CLIENT_HELLO;
    tx->client_version = h.version;
    if (sid.left <= sizeof(ts->client_sid)) {
        memcpy(ts->client_sid, sid.p, sid.left);
        ts->client_sid_len = (uint8_t)sid.left;
    }
    h.exts = cur_init(NULL, 0);
    if (m.left > 0) {
        if (!cur_be16(&m, &ext_len) || !cur_take(&m, ext_len, &h.exts)
            || !exts_read(af, ts, tx, h.exts, false, &h)) {
            tx_event(ts, TLS_EVENT_INVALID_HANDSHAKE_MESSAGE);
        }
    }
    ja3_make(af, tx, &h, false, msg_len);
    ja4_make(tx, &h);
}

/* ServerHello (RFC 8446 4.1.3): the version chosen, JA3S, resumption. */
static void
server_hello(AlFlow *af, TlsState *ts, TlsTx *tx, Cursor m)
{
    Hello h = {0};
    const size_t msg_len = m.left;
    uint8_t sid_len, comp;
    uint16_t cipher, ext_len;
    Cursor sid;
    if (tx->seen & TLS_SEEN_SERVER_HELLO) {
        return;
    }
    if (!cur_be16(&m, &h.version) || !cur_skip(&m, 32)) {
        tx_event(ts, TLS_EVENT_INVALID_HANDSHAKE_MESSAGE);
        return;
    }
    /* TLS 1.3 drafts before 22 name themselves in the version field and have neither session
     * id nor compression method; later ones look like TLS 1.2 (RFC 8446 D.4). */
    const bool draft = h.version == TLS_V_13 || (h.version >> 8) == 0x7f;
    sid = cur_init(NULL, 0);
    if (draft ? !cur_be16(&m, &cipher)
              : (!cur_u8(&m, &sid_len) || !cur_take(&m, sid_len, &sid) || !cur_be16(&m, &cipher)
                 || !cur_u8(&m, &comp))) {
        tx_event(ts, TLS_EVENT_INVALID_HANDSHAKE_MESSAGE);
        return;
    }
    tx->seen |= TLS_SEEN_SERVER_HELLO;
    tx->server_version = h.version;
    /* TLS 1.3 drafts before 16 put 0x0304 in the hello's version (later ones and the RFC
     * say it in supported_versions): Suricata names them "draft-<16". */
    const bool legacy13 = h.version == TLS_V_13;
    uint8_t cbuf[2] = {(uint8_t)(cipher >> 8), (uint8_t)cipher};
    h.ciphers = cur_init(cbuf, 2);
    h.exts = cur_init(NULL, 0);
    if (m.left > 0) {
        if (!cur_be16(&m, &ext_len) || !cur_take(&m, ext_len, &h.exts)
            || !exts_read(af, ts, tx, h.exts, true, &h)) {
            tx_event(ts, TLS_EVENT_INVALID_HANDSHAKE_MESSAGE);
        }
    }
    ja3_make(af, tx, &h, true, msg_len);
    if (legacy13 && tx->server_version == TLS_V_13) {
        tx->server_version = TLS_V_13_DRAFT_OLD;
    }
    if (tx->server_version == TLS_V_13 || (tx->server_version >> 8) == 0x7f
        || (tx->server_version >> 8) == 0xfb) {
        ts->tls13 = true;
    } else if (sid.left > 0 && sid.left == ts->client_sid_len
               && memcmp(sid.p, ts->client_sid, sid.left) == 0) {
        ts->sid_match = true;
    }
}

/* Certificate (RFC 5246 7.4.2): the chain, each DER kept; the server's first decoded. */
static void
certificates(AlFlow *af, TlsState *ts, TlsTx *tx, Cursor m, int dir)
{
    uint8_t l[3];
    if (!cur_bytes(&m, l, 3)) {
        tx_event(ts, TLS_EVENT_INVALID_CERTIFICATE);
        return;
    }
    uint32_t total = (uint32_t)l[0] << 16 | (uint32_t)l[1] << 8 | l[2];
    Cursor chain;
    if (!cur_take(&m, total, &chain)) {
        tx_event(ts, TLS_EVENT_CERTIFICATE_INVALID_LENGTH);
        return;
    }
    TlsList *list = dir == FLOW_DIR_TOCLIENT ? &tx->certs : &tx->client_certs;
    if (list->cnt > 0) {
        return;
    }
    uint8_t *d = tls_blob_new(af, tx, chain.left + 2 * TLS_CERTS_MAX);
    if (d == NULL) {
        return;
    }
    size_t n = 0;
    while (chain.left > 0) {
        Cursor der;
        if (!cur_bytes(&chain, l, 3)) {
            tx_event(ts, TLS_EVENT_CERTIFICATE_INVALID_LENGTH);
            break;
        }
        uint32_t cl = (uint32_t)l[0] << 16 | (uint32_t)l[1] << 8 | l[2];
        if (!cur_take(&chain, cl, &der)) {
            tx_event(ts, TLS_EVENT_CERTIFICATE_INVALID_LENGTH);
            break;
        }
        if (list->cnt == 0) {
            /* The first of the chain: the server's (or the client's own) certificate. */
            unsigned ev = TLS_EVENT_MAX;
            TlsCertFields cf = {0};
            if (!tls_cert_decode(af, tx, der.p, der.left, &cf, &ev)) {
                tx_event(ts, ev != TLS_EVENT_MAX ? ev : TLS_EVENT_INVALID_CERTIFICATE);
            }
            if (cf.fingerprint.p != NULL && dir == FLOW_DIR_TOCLIENT) {
                tx->subject = cf.subject;
                tx->issuer = cf.issuer;
                tx->serial = cf.serial;
                tx->fingerprint = cf.fingerprint;
                tx->sans = cf.sans;
                tx->not_before = cf.not_before;
                tx->not_after = cf.not_after;
                tx->have_cert = true;
            } else if (cf.fingerprint.p != NULL) {
                tx->client_cert = cf;
                tx->have_client_cert = true;
            }
        }
        /* A DER longer than 64 KiB does not fit the list's 2-byte lengths: not kept. */
        if (list->cnt < TLS_CERTS_MAX && der.left <= UINT16_MAX) {
            d[n++] = (uint8_t)(der.left >> 8);
            d[n++] = (uint8_t)der.left;
            memcpy(d + n, der.p, der.left);
            n += der.left;
            list->cnt++;
        }
    }
    list->raw.p = d;
    list->raw.len = (uint32_t)n;
}

/* One whole handshake message of direction dir. */
static void
hs_message(AlFlow *af, TlsState *ts, int dir, uint8_t type, Cursor m)
{
    TlsTx *tx = ts->tx;
    if (tx == NULL) {
        return;
    }
    switch (type) {
    case 0: /* hello_request */
        break;
    case 1: /* client_hello */
        if (dir == FLOW_DIR_TOSERVER) {
            client_hello(af, ts, tx, m);
            state_at_least(&tx->cstate, 1);
            if (!tx->base.progress[FLOW_DIR_TOSERVER]) {
                tx->base.progress[FLOW_DIR_TOSERVER] = 1;
            }
        }
        break;
    case 2: /* server_hello */
        if (dir == FLOW_DIR_TOCLIENT) {
            tx->base.dirs |= 1u << FLOW_DIR_TOCLIENT;
            server_hello(af, ts, tx, m);
            state_at_least(&tx->sstate, 1);
            if (ts->tls13) {
                /* What follows the hello is encrypted (RFC 8446 2). */
                ts->d[dir].encrypted = true;
                side_done(ts, dir);
            }
        }
        break;
    case 11: /* certificate */
        certificates(af, ts, tx, m, dir);
        state_at_least(dir == FLOW_DIR_TOSERVER ? &tx->cstate : &tx->sstate, 2);
        break;
    case 16: /* client_key_exchange */
        tx->seen |= TLS_SEEN_CLIENT_KEYX;
        break;
    case 12: /* server_key_exchange */
        tx->seen |= TLS_SEEN_SERVER_KEYX;
        break;
    case 14: /* server_hello_done */
        if (dir == FLOW_DIR_TOCLIENT) {
            ts->srv_hello_done = true;
            state_at_least(&tx->sstate, 3);
            side_done(ts, dir);
        }
        break;
    case 4:   /* new_session_ticket */
    case 5:   /* end_of_early_data */
    case 8:   /* encrypted_extensions */
    case 13:  /* certificate_request */
    case 15:  /* certificate_verify */
    case 20:  /* finished */
    case 21:  /* certificate_url */
    case 22:  /* certificate_status */
    case 24:  /* key_update */
    case 25:  /* compressed_certificate */
    case 67:  /* next_protocol (NPN) */
    case 254: /* message_hash */
        break;
    default:
        tx->seen |= TLS_SEEN_UNKNOWN;
        tx_event(ts, TLS_EVENT_INVALID_HANDSHAKE_MESSAGE);
        break;
    }
}

/* The handshake messages in a record's body: whole ones read where they are, a tail that
 * continues in the next record kept in the direction's buffer (at most TLS_HS_MAX). */
static void
hs_record(AlFlow *af, TlsState *ts, int dir, Cursor body)
{
    TlsDir *d = &ts->d[dir];
    if (ts->tx == NULL) {
        return; /* logged and freed: nothing is read into it any more */
    }
    if (d->hs_len > 0) {
        /* Complete the buffered message first. */
        uint32_t need = 4;
        if (d->hs_len >= 4) {
            need = 4 + ((uint32_t)d->hs_buf[1] << 16 | (uint32_t)d->hs_buf[2] << 8 | d->hs_buf[3]);
        }
        while (body.left > 0 && d->hs_len < need) {
            size_t take = need - d->hs_len;
            if (take > body.left) {
                take = body.left;
            }
            if (d->hs_len + take > d->hs_cap) {
                hs_buf_free(af, ts, dir);
                return;
            }
            memcpy(d->hs_buf + d->hs_len, body.p, take);
            d->hs_len += (uint32_t)take;
            if (!cur_skip(&body, take)) {
                return;
            }
            if (d->hs_len == 4) {
                need =
                    4 + ((uint32_t)d->hs_buf[1] << 16 | (uint32_t)d->hs_buf[2] << 8 | d->hs_buf[3]);
                if (need > TLS_HS_MAX + 4) {
                    tx_event(ts, TLS_EVENT_HANDSHAKE_INVALID_LENGTH);
                    hs_buf_free(af, ts, dir);
                    d->lost = true;
                    return;
                }
            }
        }
        if (d->hs_len < need) {
            return;
        }
        Cursor m = cur_init(d->hs_buf + 4, d->hs_len - 4);
        hs_message(af, ts, dir, d->hs_buf[0], m);
        d->hs_len = 0;
        hs_buf_free(af, ts, dir);
    }
    while (body.left > 0) {
        Cursor rest = body, m;
        uint8_t type, l[3];
        if (!cur_u8(&rest, &type) || !cur_bytes(&rest, l, 3)) {
            break;
        }
        uint32_t len = (uint32_t)l[0] << 16 | (uint32_t)l[1] << 8 | l[2];
        if (len > TLS_HS_MAX) {
            tx_event(ts, TLS_EVENT_HANDSHAKE_INVALID_LENGTH);
            d->lost = true;
            return;
        }
        if (!cur_take(&rest, len, &m)) {
            break;
        }
        hs_message(af, ts, dir, type, m);
        body = rest;
        if (d->encrypted) {
            return; /* TLS 1.3: the rest of the record is not the clear handshake */
        }
    }
    if (body.left == 0) {
        return;
    }
    /* A message continues in the next record: keep its start, room for the whole of it. */
    uint32_t need = 4 + TLS_HS_MAX;
    if (body.left >= 4) {
        need = 4 + ((uint32_t)body.p[1] << 16 | (uint32_t)body.p[2] << 8 | body.p[3]);
    }
    if (!memcap_charge(af->al->mc, need)) {
        counter_inc(&af->al->own[AL_CTR_MEMCAP_DROP_I]);
        d->lost = true;
        return;
    }
    d->hs_buf = malloc(need);
    if (d->hs_buf == NULL) {
        memcap_release(af->al->mc, need);
        d->lost = true;
        return;
    }
    d->hs_cap = need;
    memcpy(d->hs_buf, body.p, body.left);
    d->hs_len = (uint32_t)body.left;
}

/* ---- SSLv2 (a client hello in the old format, and its server hello) ---- */

/* An SSLv2 record's header length (2 or 3) and body length, or 0 when the bytes cannot be
 * one. */
static unsigned
sslv2_header(Cursor c, uint32_t *len)
{
    uint8_t b0, b1;
    if (!cur_peek_u8(&c, 0, &b0) || !cur_peek_u8(&c, 1, &b1)) {
        return 0;
    }
    if (b0 & 0x80) {
        *len = (uint32_t)(b0 & 0x7f) << 8 | b1;
        return 2;
    }
    *len = (uint32_t)(b0 & 0x3f) << 8 | b1;
    return 3;
}

static void
sslv2_record(TlsState *ts, int dir, Cursor body)
{
    TlsTx *tx = ts->tx;
    uint8_t type;
    uint16_t v;
    if (tx == NULL || !cur_u8(&body, &type)) {
        return;
    }
    tx->sslv2 = true;
    if (type == 1 && dir == FLOW_DIR_TOSERVER && cur_be16(&body, &v)) {
        tx->client_version = v;
        tx->seen |= TLS_SEEN_CLIENT_HELLO;
        tx->base.progress[FLOW_DIR_TOSERVER] = 1;
        /* Suricata's JA4 of an SSLv2 hello: nothing read into it ("t00i000000_..."). */
        const Hello none = {0};
        ja4_make(tx, &none);
    } else if (type == 4 && dir == FLOW_DIR_TOCLIENT && cur_skip(&body, 2) && cur_be16(&body, &v)) {
        tx->server_version = v;
        tx->seen |= TLS_SEEN_SERVER_HELLO;
        side_done(ts, dir);
    }
}

/* ---- records ---- */

static void
record(AlFlow *af, TlsState *ts, int dir, uint8_t type, Cursor body)
{
    TlsDir *d = &ts->d[dir];
    switch (type) {
    case 20: /* change_cipher_spec */
        d->encrypted = true;
        hs_buf_free(af, ts, dir);
        side_done(ts, dir);
        break;
    case 21: /* alert */
        if (!d->encrypted && body.left != 2) {
            tx_event(ts, TLS_EVENT_INVALID_ALERT_MESSAGE);
        }
        break;
    case 22: /* handshake */
        if (d->encrypted) {
            break; /* Finished, encrypted */
        }
        hs_record(af, ts, dir, body);
        break;
    case 23: /* application_data */
        d->encrypted = true;
        hs_buf_free(af, ts, dir);
        if (dir == FLOW_DIR_TOCLIENT) {
            ts->srv_appdata = true;
        }
        side_done(ts, dir);
        break;
    case 24: /* heartbeat (RFC 6520) */
        tx_event(ts, TLS_EVENT_HEARTBEAT_MESSAGE);
        break;
    default:
        break;
    }
}

static AlResult
tls_parse(AlFlow *af, int dir, bool tcp, const StreamChunk *in)
{
    TlsState *ts = applayer_flow_state(af);
    TlsDir *d = &ts->d[dir];
    Cursor c = in->data;
    uint32_t consumed = 0;
    (void)tcp;
    if (in->flags & STREAM_F_GAP) {
        d->lost = true; /* record boundaries are gone */
    }
    if (d->lost) {
        return al_ok((uint32_t)in->data.left);
    }
    (void)tx_get(af, ts, dir);
    while (c.left > 0) {
        uint8_t b0;
        uint16_t version, len;
        Cursor rest = c, body;
        if (!cur_peek_u8(&c, 0, &b0)) {
            break;
        }
        if (!d->any && (b0 < 20 || b0 > 24)) {
            /* Not a TLS record header: an SSLv2 hello opens the direction. */
            uint32_t l2 = 0;
            unsigned hl = sslv2_header(c, &l2);
            if (hl == 0 || c.left < hl + l2) {
                if (in->flags & STREAM_F_EOF) {
                    return al_ok((uint32_t)in->data.left);
                }
                return al_more(consumed, hl == 0 ? 3 : hl + l2);
            }
            if (!cur_skip(&rest, hl) || !cur_take(&rest, l2, &body)) {
                break;
            }
            d->any = true;
            d->records++;
            sslv2_record(ts, dir, body);
            consumed += hl + l2;
            c = rest;
            continue;
        }
        if (c.left < 5) {
            break;
        }
        uint8_t type;
        if (!cur_u8(&rest, &type) || !cur_be16(&rest, &version) || !cur_be16(&rest, &len)) {
            break;
        }
        if (type < 20 || type > 24) {
            tx_event(ts, TLS_EVENT_INVALID_RECORD_TYPE);
            d->lost = true;
            return al_ok((uint32_t)in->data.left);
        }
        if ((version >> 8) != 3) {
            tx_event(ts, TLS_EVENT_INVALID_RECORD_VERSION);
            d->lost = true;
            return al_ok((uint32_t)in->data.left);
        }
        if (!cur_take(&rest, len, &body)) {
            break;
        }
        if (!d->any && ts->tx != NULL && ts->tx->record_version == 0) {
            ts->tx->record_version = version;
        }
        if (!d->any && dir == FLOW_DIR_TOCLIENT && ts->tx != NULL) {
            /* A server that answers without a hello (an alert): Suricata names the session
             * by that record's version. */
            ts->tx->server_record_version = version;
        }
        d->any = true;
        d->records++;
        record(af, ts, dir, type, body);
        consumed += 5 + (uint32_t)len;
        c = rest;
    }
    if (c.left == 0) {
        return al_ok(consumed);
    }
    if (in->flags & STREAM_F_EOF) {
        return al_ok((uint32_t)in->data.left); /* a cut record: nothing follows */
    }
    uint16_t len = 0;
    if (!cur_peek_be16(&c, 3, &len)) {
        len = 0;
    }
    return al_more(consumed, 5 + (uint32_t)len);
}

/* The framework marks the transaction complete after this: decide what Suricata would write. */
static void
tls_flow_end(AlFlow *af)
{
    TlsState *ts = applayer_flow_state(af);
    TlsTx *tx = ts->tx;
    hs_buf_free(af, ts, FLOW_DIR_TOSERVER);
    hs_buf_free(af, ts, FLOW_DIR_TOCLIENT);
    if (tx == NULL || tx->base.complete) {
        return;
    }
    tx->resumed = resumed_now(ts, tx);
    if (!loggable(ts, tx)) {
        tx->base.logged = true; /* nothing to write, as Suricata */
    }
}

/* ---- probe ---- */

AlProbe
tls_probe(int dir, Cursor c, bool tcp)
{
    uint8_t b0, b1, b2;
    (void)dir;
    if (!tcp) {
        return AL_PROBE_NO;
    }
    if (!cur_peek_u8(&c, 0, &b0) || !cur_peek_u8(&c, 1, &b1) || !cur_peek_u8(&c, 2, &b2)) {
        return AL_PROBE_NEED_MORE;
    }
    if (b0 >= 20 && b0 <= 23) {
        return b1 == 3 && b2 <= 4 ? AL_PROBE_YES : AL_PROBE_NO;
    }
    /* SSLv2 hello: 2-byte header (high bit), type 1 (client) or 4 (server), version 2 or 3. */
    uint8_t v0;
    if ((b0 & 0x80) && (b2 == 1 || b2 == 4)) {
        if (!cur_peek_u8(&c, b2 == 1 ? 3 : 5, &v0)) {
            return AL_PROBE_NEED_MORE;
        }
        return v0 == 0 || v0 == 3 ? AL_PROBE_YES : AL_PROBE_NO;
    }
    return AL_PROBE_NO;
}

const AlParser tls_parser = {
    .name = "tls",
    .ipprotos = AL_IPPROTO_TCP,
    .default_port = 443,
    .any_port = true,
    .probe = tls_probe,
    .state_size = sizeof(TlsState),
    .parse = tls_parse,
    .tx_free = tls_tx_free,
    .flow_end = tls_flow_end,
    .log_tx = tls_log_tx,
    .event_name = tls_event_name,
    .event_lookup = tls_event_lookup,
    .progress_name = tls_progress_name,
};
