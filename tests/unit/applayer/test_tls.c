/* Unit tests of the TLS parser, its fingerprints, its certificate reader and its EVE object:
 * hellos and records built here (a small builder, each field named where it is written), the
 * certificate tests/data/tls/cert.der, and a real capture from the shared corpus (skipped when
 * it is not there). Expected JA4 values and certificate strings are what Suricata 8.0.7 wrote
 * for the same bytes (tests/data/tls/make_captures.py builds the same hellos into captures). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "applayer/applayer.h"
#include "applayer/tls/tls.h"
#include "core/proto.h"

#ifndef TLS_TEST_DATA
#define TLS_TEST_DATA "tests/data/tls"
#endif
#define SHARED_CAPTURE "/work/shared/verify/tests/tls/tls-cert-issuer/tls.pcap"

typedef struct {
    AppLayerConfig cfg;
    Memcap mc;
    AppLayerThread *al;
    Flow f;
    uint64_t off[2];
    uint8_t pend[2][1 << 16]; /* what the parser left of each direction, as the stream keeps */
    size_t pend_len[2];
} Fixture;

static int
setup(void **state)
{
    Fixture *fx = calloc(1, sizeof(*fx));
    applayer_config_default(&fx->cfg);
    memcap_init_fixed(&fx->mc, 4u << 20);
    fx->al = applayer_thread_new(&fx->cfg, &fx->mc);
    fx->f.sp = 40000;
    fx->f.dp = 443;
    fx->f.proto = SK_IPPROTO_TCP;
    *state = fx;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *fx = *state;
    applayer_flow_free(fx->al, &fx->f);
    assert_int_equal(memcap_used(&fx->mc), 0); /* every byte charged came back */
    applayer_thread_free(fx->al);
    memcap_fini(&fx->mc);
    free(fx);
    return 0;
}

/* ---- a byte builder ---- */

typedef struct {
    uint8_t b[16384];
    size_t n;
} Buf;

static void
put(Buf *o, const void *p, size_t n)
{
    assert_true(o->n + n <= sizeof(o->b));
    if (n == 0) {
        return; /* an empty field: p may be NULL */
    }
    memcpy(o->b + o->n, p, n);
    o->n += n;
}

static void
u8(Buf *o, unsigned v)
{
    uint8_t b = (uint8_t)v;
    put(o, &b, 1);
}

static void
u16(Buf *o, unsigned v)
{
    u8(o, v >> 8);
    u8(o, v);
}

static void
u24(Buf *o, unsigned v)
{
    u8(o, v >> 16);
    u16(o, v);
}

/* A length-prefixed vector: lw bytes of length, then the bytes of inner. */
static void
vec(Buf *o, int lw, const Buf *inner)
{
    if (lw == 1) {
        u8(o, (unsigned)inner->n);
    } else if (lw == 2) {
        u16(o, (unsigned)inner->n);
    } else {
        u24(o, (unsigned)inner->n);
    }
    put(o, inner->b, inner->n);
}

static void
ext(Buf *o, unsigned type, const Buf *body)
{
    u16(o, type);
    vec(o, 2, body);
}

static void
record(Buf *o, unsigned type, unsigned version, const Buf *body)
{
    u8(o, type);
    u16(o, version);
    vec(o, 2, body);
}

static void
hs(Buf *o, unsigned type, const Buf *body)
{
    u8(o, type);
    vec(o, 3, body);
}

static void
sni_ext(Buf *exts, const char *name, unsigned type)
{
    Buf n = {0}, list = {0}, e = {0};
    put(&n, name, strlen(name));
    u8(&list, type); /* name type: host_name */
    vec(&list, 2, &n);
    vec(&e, 2, &list);
    ext(exts, 0, &e);
}

static void
alpn_ext(Buf *exts, const char *const *protos, size_t cnt)
{
    Buf list = {0}, e = {0};
    for (size_t i = 0; i < cnt; i++) {
        Buf p = {0};
        put(&p, protos[i], strlen(protos[i]));
        vec(&list, 1, &p);
    }
    vec(&e, 2, &list);
    ext(exts, 16, &e);
}

/* The client hello of make_captures.py: TLS 1.2, random 0..31, no session id, ciphers GREASE
 * c02f c030 009c, null compression; extensions GREASE, SNI test.example, extended master
 * secret, renegotiation_info, groups (GREASE, 29, 23, 24), point formats (0), session ticket,
 * ALPN h2 http/1.1, signature algorithms 0403 0804 0401. Extra extensions after those. */
static void
client_hello(Buf *msg, const Buf *extra_exts)
{
    Buf body = {0}, ciphers = {0}, comp = {0}, exts = {0}, e = {0}, sid = {0};
    u16(&body, 0x0303);
    for (unsigned i = 0; i < 32; i++) {
        u8(&body, i);
    }
    vec(&body, 1, &sid);
    u16(&ciphers, 0x0a0a);
    u16(&ciphers, 0xc02f);
    u16(&ciphers, 0xc030);
    u16(&ciphers, 0x009c);
    vec(&body, 2, &ciphers);
    u8(&comp, 0);
    vec(&body, 1, &comp);
    ext(&exts, 0x1a1a, &e); /* GREASE */
    sni_ext(&exts, "test.example", 0);
    ext(&exts, 23, &e); /* extended_master_secret */
    e.n = 0, u8(&e, 0); /* renegotiation_info: empty */
    ext(&exts, 65281, &e);
    e.n = 0, u16(&e, 8), u16(&e, 0x2a2a), u16(&e, 29), u16(&e, 23), u16(&e, 24);
    ext(&exts, 10, &e); /* supported_groups */
    e.n = 0, u8(&e, 1), u8(&e, 0);
    ext(&exts, 11, &e); /* ec_point_formats */
    e.n = 0;
    ext(&exts, 35, &e); /* session_ticket */
    const char *alpn[] = {"h2", "http/1.1"};
    alpn_ext(&exts, alpn, 2);
    e.n = 0, u16(&e, 6), u16(&e, 0x0403), u16(&e, 0x0804), u16(&e, 0x0401);
    ext(&exts, 13, &e); /* signature_algorithms */
    if (extra_exts != NULL) {
        put(&exts, extra_exts->b, extra_exts->n);
    }
    vec(&body, 2, &exts);
    hs(msg, 1, &body);
}

/* A server hello: version, random 100..131, the session id, cipher, no compression, extensions
 * renegotiation_info and ALPN h2 (and extra ones). */
static void
server_hello(Buf *msg, unsigned version, const uint8_t *sid, size_t sid_len, unsigned cipher,
             const Buf *extra_exts)
{
    Buf body = {0}, s = {0}, exts = {0}, e = {0};
    u16(&body, version);
    for (unsigned i = 0; i < 32; i++) {
        u8(&body, 100 + i);
    }
    put(&s, sid, sid_len);
    vec(&body, 1, &s);
    u16(&body, cipher);
    u8(&body, 0);
    u8(&e, 0);
    ext(&exts, 65281, &e);
    const char *alpn[] = {"h2"};
    alpn_ext(&exts, alpn, 1);
    if (extra_exts != NULL) {
        put(&exts, extra_exts->b, extra_exts->n);
    }
    vec(&body, 2, &exts);
    hs(msg, 2, &body);
}

static size_t
read_file(const char *path, uint8_t *out, size_t cap)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        return 0;
    }
    size_t n = fread(out, 1, cap, fp);
    fclose(fp);
    return n;
}

static void
certificate(Buf *msg, int copies)
{
    static uint8_t der[4096];
    size_t n = read_file(TLS_TEST_DATA "/cert.der", der, sizeof(der));
    assert_true(n > 100);
    Buf chain = {0}, body = {0}, c = {0};
    put(&c, der, n);
    for (int i = 0; i < copies; i++) {
        vec(&chain, 3, &c);
    }
    vec(&body, 3, &chain);
    hs(msg, 11, &body);
}

/* ---- driving ---- */

/* All of data to direction dir, in chunks of at most `step` bytes, each handed with what the
 * parser left before it, as the stream does. */
static void
feed(Fixture *fx, int dir, const Buf *data, size_t step)
{
    uint8_t *pend = fx->pend[dir];
    size_t *pend_len = &fx->pend_len[dir];
    size_t off = 0;
    while (off < data->n) {
        size_t n = data->n - off < step ? data->n - off : step;
        assert_true(*pend_len + n <= sizeof(fx->pend[dir]));
        memcpy(pend + *pend_len, data->b + off, n);
        *pend_len += n;
        off += n;
        StreamChunk ch = {.data = cur_init(pend, *pend_len),
                          .offset = fx->off[dir],
                          .flags = fx->off[dir] == 0 ? STREAM_F_START : 0};
        size_t used = applayer_stream(fx->al, &fx->f, dir, &ch);
        assert_true(used <= *pend_len);
        memmove(pend, pend + used, *pend_len - used);
        *pend_len -= used;
        fx->off[dir] += used;
    }
}

static TlsTx *
the_tx(Fixture *fx)
{
    return (TlsTx *)applayer_tx_first(&fx->f);
}

static bool
bytes_are(TlsBytes b, const char *s)
{
    return b.p != NULL && b.len == strlen(s) && memcmp(b.p, s, b.len) == 0;
}

static char *
log_text(Fixture *fx, TlsTx *tx)
{
    JsonBuf jb;
    json_init(&jb, 8192);
    json_open_obj(&jb, NULL);
    tls_log_tx(&jb, applayer_flow(&fx->f), &tx->base);
    json_close_obj(&jb);
    char *s = strndup(jb.buf, jb.len);
    json_fini(&jb);
    return s;
}

/* The client hello and the server's whole flight of a TLS 1.2 handshake. */
static void
handshake12(Fixture *fx, size_t step, bool split_records)
{
    Buf ch = {0}, rec = {0}, flight = {0}, srec = {0}, shd = {0}, empty = {0};
    client_hello(&ch, NULL);
    record(&rec, 22, 0x0301, &ch);
    feed(fx, FLOW_DIR_TOSERVER, &rec, step);
    const uint8_t sid[32] = {0x11};
    server_hello(&flight, 0x0303, sid, sizeof(sid), 0xc02f, NULL);
    certificate(&flight, 2);
    if (split_records) {
        /* The certificate message runs over three records. */
        Buf a = {0}, b = {0}, c = {0};
        put(&a, flight.b, 300);
        put(&b, flight.b + 300, 500);
        put(&c, flight.b + 800, flight.n - 800);
        record(&srec, 22, 0x0303, &a);
        record(&srec, 22, 0x0303, &b);
        record(&srec, 22, 0x0303, &c);
    } else {
        record(&srec, 22, 0x0303, &flight);
    }
    hs(&shd, 14, &empty);
    record(&srec, 22, 0x0303, &shd);
    feed(fx, FLOW_DIR_TOCLIENT, &srec, step);
}

/* ---- tests ---- */

static void
probe_takes_records_and_sslv2_hellos(void **state)
{
    (void)state;
    const uint8_t hs_rec[] = {0x16, 0x03, 0x01, 0x00, 0x10};
    const uint8_t alert[] = {0x15, 0x03, 0x03, 0x00, 0x02};
    const uint8_t sslv2[] = {0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15}; /* CLIENT-HELLO, 3.1 */
    const uint8_t http[] = "GET / HTTP/1.1\r\n";
    const uint8_t bad_ver[] = {0x16, 0x04, 0x01, 0x00, 0x10};
    assert_int_equal(tls_probe(FLOW_DIR_TOSERVER, cur_init(hs_rec, 5), true), AL_PROBE_YES);
    assert_int_equal(tls_probe(FLOW_DIR_TOCLIENT, cur_init(alert, 5), true), AL_PROBE_YES);
    assert_int_equal(tls_probe(FLOW_DIR_TOSERVER, cur_init(sslv2, 7), true), AL_PROBE_YES);
    assert_int_equal(tls_probe(FLOW_DIR_TOSERVER, cur_init(http, 16), true), AL_PROBE_NO);
    assert_int_equal(tls_probe(FLOW_DIR_TOSERVER, cur_init(bad_ver, 5), true), AL_PROBE_NO);
    assert_int_equal(tls_probe(FLOW_DIR_TOSERVER, cur_init(hs_rec, 2), true), AL_PROBE_NEED_MORE);
    assert_int_equal(tls_probe(FLOW_DIR_TOSERVER, cur_init(hs_rec, 5), false), AL_PROBE_NO);
}

static void
client_hello_in_small_chunks_gives_sni_alpn_ja3_ja4(void **state)
{
    Fixture *fx = *state;
    Buf ch = {0}, rec = {0};
    client_hello(&ch, NULL);
    record(&rec, 22, 0x0301, &ch);
    feed(fx, FLOW_DIR_TOSERVER, &rec, 7);
    TlsTx *tx = the_tx(fx);
    assert_non_null(tx);
    assert_true(bytes_are(tx->sni, "test.example"));
    assert_int_equal(tx->client_alpns.cnt, 2);
    TlsBytes a;
    assert_true(tls_list_get(&tx->client_alpns, 1, &a));
    assert_int_equal(a.len, 8);
    assert_memory_equal(a.p, "http/1.1", 8);
    /* GREASE values left out of every list. */
    assert_true(bytes_are(tx->ja3, "771,49199-49200-156,0-23-65281-10-11-35-16-13,29-23-24,0"));
    assert_int_equal(strlen(tx->ja3_hash), 32);
    assert_string_equal(tx->ja4, "t12d0308h2_13bac7b83268_909ab965658b"); /* Suricata's */
    assert_int_equal(tx->base.progress[FLOW_DIR_TOSERVER], 1);
    assert_false(tx->base.complete); /* the server has not answered */
}

static void
full_handshake_decodes_the_certificate(void **state)
{
    Fixture *fx = *state;
    handshake12(fx, 1000, false);
    TlsTx *tx = the_tx(fx);
    assert_non_null(tx);
    assert_true(tx->base.complete);
    assert_int_equal(tx->server_version, TLS_V_12);
    assert_true(bytes_are(tx->subject, "C=FR, ST=IDF, O=Sekimori Test, OU=Unit + uid=u1, "
                                       "CN=test.example"));
    assert_true(bytes_are(tx->issuer, "C=FR, ST=IDF, O=Sekimori Test, OU=Unit + uid=u1, "
                                      "CN=test.example"));
    assert_true(bytes_are(tx->serial, "00:A1:B2"));
    assert_true(
        bytes_are(tx->fingerprint, "23:22:9a:20:08:09:d7:ed:a1:59:d6:8c:d3:80:59:6e:52:9c:78:ce"));
    assert_int_equal(tx->sans.cnt, 3);
    TlsBytes s;
    assert_true(tls_list_get(&tx->sans, 2, &s));
    assert_int_equal(s.len, 13);
    assert_memory_equal(s.p, "[10, 0, 0, 1]", 13);
    assert_int_equal(tx->certs.cnt, 2);
    assert_true(bytes_are(tx->ja3s, "771,49199,65281-16"));
    char *log = log_text(fx, tx);
    assert_non_null(strstr(log, "\"serial\":\"00:A1:B2\""));
    assert_non_null(strstr(log, "\"sni\":\"test.example\",\"version\":\"TLS 1.2\","
                                "\"notbefore\":\"2026-12-02T17:16:28\","
                                "\"notafter\":\"2036-11-29T17:16:28\","
                                "\"ja4\":\"t12d0308h2_13bac7b83268_909ab965658b\","
                                "\"client_alpns\":[\"h2\",\"http/1.1\"],"
                                "\"server_alpns\":[\"h2\"]}"));
    free(log);
}

static void
certificate_across_records_and_segments_reads_the_same(void **state)
{
    Fixture *fx = *state;
    handshake12(fx, 13, true);
    TlsTx *tx = the_tx(fx);
    assert_non_null(tx);
    assert_true(tx->base.complete);
    assert_true(bytes_are(tx->serial, "00:A1:B2"));
    assert_int_equal(tx->certs.cnt, 2);
    Cursor c;
    uint8_t scratch[64];
    assert_true(tls_detect_certs(&tx->base, FLOW_DIR_TOCLIENT, 1, scratch, sizeof(scratch), &c));
    assert_false(tls_detect_certs(&tx->base, FLOW_DIR_TOCLIENT, 2, scratch, sizeof(scratch), &c));
    assert_true(tls_detect_sni(&tx->base, FLOW_DIR_TOSERVER, 0, scratch, sizeof(scratch), &c));
    assert_int_equal(c.left, 12);
    assert_true(tls_detect_ja4_hash(&tx->base, FLOW_DIR_TOSERVER, 0, scratch, sizeof(scratch), &c));
    assert_int_equal(c.left, 36);
}

static void
resumed_session_is_logged_as_resumed(void **state)
{
    Fixture *fx = *state;
    Buf ch = {0}, rec = {0}, sh = {0}, srec = {0}, ccs = {0}, fin = {0}, app = {0};
    client_hello(&ch, NULL);
    record(&rec, 22, 0x0301, &ch);
    feed(fx, FLOW_DIR_TOSERVER, &rec, 4096);
    const uint8_t sid[32] = {0x22};
    server_hello(&sh, 0x0303, sid, sizeof(sid), 0xc02f, NULL);
    record(&srec, 22, 0x0303, &sh);
    u8(&ccs, 1);
    record(&srec, 20, 0x0303, &ccs);
    for (int i = 0; i < 40; i++) {
        u8(&fin, 0x98); /* the encrypted Finished */
    }
    record(&srec, 22, 0x0303, &fin);
    feed(fx, FLOW_DIR_TOCLIENT, &srec, 4096);
    TlsTx *tx = the_tx(fx);
    assert_false(tx->base.complete); /* Suricata waits for the server's encrypted data */
    srec.n = 0;
    record(&srec, 23, 0x0303, &fin);
    feed(fx, FLOW_DIR_TOCLIENT, &srec, 4096);
    assert_true(tx->base.complete);
    assert_false(tx->base.logged);
    char *log = log_text(fx, tx);
    assert_non_null(strstr(log, "{\"tls\":{\"session_resumed\":true,\"sni\":\"test.example\","));
    free(log);
    (void)app;
}

/* A TLS 1.2 hello with one cipher and SNI only (no session ticket extension). */
static void
client_hello_plain(Buf *msg)
{
    Buf body = {0}, ciphers = {0}, comp = {0}, exts = {0}, sid = {0};
    u16(&body, 0x0303);
    for (unsigned i = 0; i < 32; i++) {
        u8(&body, i);
    }
    vec(&body, 1, &sid);
    u16(&ciphers, 0xc014);
    vec(&body, 2, &ciphers);
    u8(&comp, 0);
    vec(&body, 1, &comp);
    sni_ext(&exts, "plain.example", 0);
    vec(&body, 2, &exts);
    hs(msg, 1, &body);
}

static void
server_hello_alone_is_not_logged(void **state)
{
    Fixture *fx = *state;
    Buf ch = {0}, rec = {0}, sh = {0}, srec = {0};
    client_hello_plain(&ch);
    record(&rec, 22, 0x0301, &ch);
    feed(fx, FLOW_DIR_TOSERVER, &rec, 4096);
    server_hello(&sh, 0x0303, NULL, 0, 0xc014, NULL);
    record(&srec, 22, 0x0303, &sh);
    feed(fx, FLOW_DIR_TOCLIENT, &srec, 4096);
    applayer_flow_end(fx->al, &fx->f);
    TlsTx *tx = the_tx(fx);
    assert_true(tx->base.complete);
    assert_true(tx->base.logged); /* nothing to write, as Suricata: no certificate, no ticket */
}

static void
hello_without_ticket_alone_is_not_logged(void **state)
{
    Fixture *fx = *state;
    Buf ch = {0}, rec = {0};
    client_hello_plain(&ch);
    record(&rec, 22, 0x0301, &ch);
    feed(fx, FLOW_DIR_TOSERVER, &rec, 4096);
    applayer_flow_end(fx->al, &fx->f);
    assert_true(the_tx(fx)->base.logged); /* bench.pcap: Suricata writes none for these */
}

/* With a session_ticket extension, as the default hello has. */
static void
client_hello_alone_is_logged_at_flow_end(void **state)
{
    Fixture *fx = *state;
    Buf ch = {0}, rec = {0};
    client_hello(&ch, NULL);
    record(&rec, 22, 0x0301, &ch);
    feed(fx, FLOW_DIR_TOSERVER, &rec, 4096);
    applayer_flow_end(fx->al, &fx->f);
    TlsTx *tx = the_tx(fx);
    assert_true(tx->base.complete);
    assert_false(tx->base.logged);
    char *log = log_text(fx, tx);
    assert_non_null(strstr(log, "{\"tls\":{\"sni\":\"test.example\",\"version\":\"TLS 1.2\","));
    free(log);
}

static void
tls13_version_comes_from_supported_versions(void **state)
{
    Fixture *fx = *state;
    Buf sv = {0}, e = {0}, ch = {0}, rec = {0}, sh = {0}, srec = {0}, ccs = {0}, app = {0};
    u8(&e, 6), u16(&e, 0x3a3a), u16(&e, 0x0304), u16(&e, 0x0303);
    ext(&sv, 43, &e);
    client_hello(&ch, &sv);
    record(&rec, 22, 0x0301, &ch);
    feed(fx, FLOW_DIR_TOSERVER, &rec, 4096);
    Buf ssv = {0};
    e.n = 0, u16(&e, 0x0304);
    ext(&ssv, 43, &e);
    server_hello(&sh, 0x0303, NULL, 0, 0x1301, &ssv);
    record(&srec, 22, 0x0303, &sh);
    u8(&ccs, 1);
    record(&srec, 20, 0x0303, &ccs);
    for (int i = 0; i < 50; i++) {
        u8(&app, 0x77);
    }
    record(&srec, 23, 0x0303, &app);
    feed(fx, FLOW_DIR_TOCLIENT, &srec, 4096);
    TlsTx *tx = the_tx(fx);
    assert_int_equal(tx->server_version, TLS_V_13);
    assert_non_null(strstr(tx->ja4, "t13d0309h2_13bac7b83268_")); /* 43 joins the extensions */
    assert_false(tx->base.complete);                              /* until the client follows */
    rec.n = 0;
    record(&rec, 23, 0x0303, &app);
    feed(fx, FLOW_DIR_TOSERVER, &rec, 4096);
    assert_true(tx->base.complete);
    char buf[32];
    assert_string_equal(tls_version_name(tx->server_version, buf, sizeof(buf)), "TLS 1.3");
    assert_string_equal(tls_version_name(TLS_V_13_DRAFT_OLD, buf, sizeof(buf)),
                        "TLS 1.3 draft-<16");
    assert_string_equal(tls_version_name(0x7f17, buf, sizeof(buf)), "TLS 1.3 draft-23");
    assert_string_equal(tls_version_name(TLS_V_10, buf, sizeof(buf)), "TLSv1");
}

static void
bad_sni_type_raises_and_ends_the_extensions(void **state)
{
    Fixture *fx = *state;
    Buf body = {0}, ciphers = {0}, comp = {0}, exts = {0}, sid = {0}, ch = {0}, rec = {0};
    u16(&body, 0x0303);
    for (unsigned i = 0; i < 32; i++) {
        u8(&body, i);
    }
    vec(&body, 1, &sid);
    u16(&ciphers, 0xc02f);
    vec(&body, 2, &ciphers);
    u8(&comp, 0);
    vec(&body, 1, &comp);
    sni_ext(&exts, "one.example", 0);
    sni_ext(&exts, "two.example", 1); /* not host_name */
    const char *alpn[] = {"h2"};
    alpn_ext(&exts, alpn, 1); /* after the error: not read */
    vec(&body, 2, &exts);
    hs(&ch, 1, &body);
    record(&rec, 22, 0x0303, &ch);
    feed(fx, FLOW_DIR_TOSERVER, &rec, 4096);
    TlsTx *tx = the_tx(fx);
    assert_true(applayer_tx_has_event(&tx->base, TLS_EVENT_INVALID_SNI_TYPE));
    assert_true(bytes_are(tx->sni, "one.example"));
    assert_int_equal(tx->client_alpns.cnt, 0);
    /* Suricata's for the same hello ("t12d030100_..._d2e2adf7177b" with three ciphers). */
    assert_non_null(strstr(tx->ja4, "t12d010100_"));
    assert_non_null(strstr(tx->ja4, "_d2e2adf7177b"));
}

static void
second_sni_extension_raises_multiple_sni(void **state)
{
    Fixture *fx = *state;
    Buf extra = {0}, ch = {0}, rec = {0};
    sni_ext(&extra, "again.example", 0);
    client_hello(&ch, &extra);
    record(&rec, 22, 0x0303, &ch);
    feed(fx, FLOW_DIR_TOSERVER, &rec, 4096);
    TlsTx *tx = the_tx(fx);
    assert_true(applayer_tx_has_event(&tx->base, TLS_EVENT_MULTIPLE_SNI_EXTENSIONS));
    assert_true(bytes_are(tx->sni, "test.example"));
}

static void
malformed_records_raise_their_events(void **state)
{
    Fixture *fx = *state;
    Buf ch = {0}, rec = {0}, body = {0}, srec = {0};
    client_hello(&ch, NULL);
    record(&rec, 22, 0x0303, &ch);
    u8(&body, 1), u8(&body, 2), u8(&body, 3); /* an alert of 3 bytes */
    record(&rec, 21, 0x0303, &body);
    body.n = 0, u8(&body, 1), u16(&body, 0x4000); /* heartbeat request */
    record(&rec, 24, 0x0303, &body);
    body.n = 0, u8(&body, 0);
    hs(&srec, 99, &body); /* unknown handshake type */
    record(&rec, 22, 0x0303, &srec);
    feed(fx, FLOW_DIR_TOSERVER, &rec, 4096);
    TlsTx *tx = the_tx(fx);
    assert_true(applayer_tx_has_event(&tx->base, TLS_EVENT_INVALID_ALERT_MESSAGE));
    assert_true(applayer_tx_has_event(&tx->base, TLS_EVENT_HEARTBEAT_MESSAGE));
    assert_true(applayer_tx_has_event(&tx->base, TLS_EVENT_INVALID_HANDSHAKE_MESSAGE));

    /* Server: a certificate that is not DER, a chain length past its message, then a record
     * type that is not TLS (the direction is given up). */
    Buf s = {0}, cert = {0}, chain = {0}, junk = {0};
    const uint8_t sid[1] = {1};
    server_hello(&s, 0x0303, sid, 1, 0xc02f, NULL);
    u8(&junk, 0x30), u8(&junk, 0x03), u8(&junk, 1), u8(&junk, 2), u8(&junk, 3);
    vec(&chain, 3, &junk);
    vec(&cert, 3, &chain);
    hs(&s, 11, &cert);
    srec.n = 0;
    record(&srec, 22, 0x0303, &s);
    body.n = 0, u24(&body, 5000), u24(&body, 1), u8(&body, 0);
    s.n = 0;
    hs(&s, 11, &body);
    record(&srec, 22, 0x0303, &s);
    body.n = 0, u8(&body, 0);
    record(&srec, 30, 0x0303, &body);
    feed(fx, FLOW_DIR_TOCLIENT, &srec, 4096);
    assert_true(applayer_tx_has_event(&tx->base, TLS_EVENT_CERTIFICATE_INVALID_DER));
    assert_true(applayer_tx_has_event(&tx->base, TLS_EVENT_CERTIFICATE_INVALID_LENGTH));
    assert_true(applayer_tx_has_event(&tx->base, TLS_EVENT_INVALID_RECORD_TYPE));
    assert_false(tx->have_cert);
}

static void
oversized_handshake_message_raises_invalid_length(void **state)
{
    Fixture *fx = *state;
    Buf rec = {0}, body = {0};
    u8(&body, 11), u24(&body, TLS_HS_MAX + 1), u8(&body, 0); /* certificate, 256 KiB + 1 */
    record(&rec, 22, 0x0303, &body);
    feed(fx, FLOW_DIR_TOCLIENT, &rec, 4096);
    TlsTx *tx = the_tx(fx);
    assert_true(applayer_tx_has_event(&tx->base, TLS_EVENT_HANDSHAKE_INVALID_LENGTH));
}

static void
record_version_not_3_raises_invalid_record_version(void **state)
{
    Fixture *fx = *state;
    Buf rec = {0}, ch = {0}, body = {0};
    client_hello(&ch, NULL);
    record(&rec, 22, 0x0303, &ch);
    u8(&body, 1);
    record(&rec, 23, 0x0503, &body);
    feed(fx, FLOW_DIR_TOSERVER, &rec, 4096);
    assert_true(applayer_tx_has_event(&the_tx(fx)->base, TLS_EVENT_INVALID_RECORD_VERSION));
}

static void
gap_stops_the_direction_without_harm(void **state)
{
    Fixture *fx = *state;
    Buf ch = {0}, rec = {0};
    client_hello(&ch, NULL);
    record(&rec, 22, 0x0303, &ch);
    StreamChunk c = {.data = cur_init(rec.b, 20), .offset = 0, .flags = STREAM_F_START};
    assert_int_equal(applayer_stream(fx->al, &fx->f, FLOW_DIR_TOSERVER, &c), 0);
    c = (StreamChunk){.data = cur_init(rec.b + 40, rec.n - 40),
                      .offset = 40,
                      .gap_len = 20,
                      .flags = STREAM_F_GAP};
    assert_int_equal(applayer_stream(fx->al, &fx->f, FLOW_DIR_TOSERVER, &c), rec.n - 40);
    applayer_flow_end(fx->al, &fx->f);
    assert_true(the_tx(fx)->base.complete);
}

static void
memcap_reached_keeps_nothing_and_leaks_nothing(void **state)
{
    Fixture *fx = *state;
    applayer_thread_free(fx->al);
    memcap_fini(&fx->mc);
    memcap_init_fixed(&fx->mc, 3000); /* the flow and its tx, little more */
    fx->al = applayer_thread_new(&fx->cfg, &fx->mc);
    handshake12(fx, 100, true);
    applayer_flow_end(fx->al, &fx->f);
    /* teardown checks every byte came back */
}

static void
sslv2_client_hello_then_tls_server(void **state)
{
    Fixture *fx = *state;
    const uint8_t v2[] = {
        0x80, 0x1f,                         /* 2-byte header, length 31 */
        0x01, 0x03, 0x01,                   /* CLIENT-HELLO, version 3.1 */
        0x00, 0x06, 0x00, 0x00, 0x00, 0x10, /* cipher specs 6, session id 0, challenge 16 */
        0x00, 0x00, 0x2f, 0x00, 0x00, 0x35, /* specs */
        0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, /* challenge */
        0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
    };
    Buf rec = {0};
    put(&rec, v2, sizeof(v2));
    feed(fx, FLOW_DIR_TOSERVER, &rec, 4096);
    TlsTx *tx = the_tx(fx);
    assert_non_null(tx);
    assert_true(tx->sslv2);
    assert_int_equal(tx->client_version, TLS_V_10);
    assert_string_equal(tx->ja4, "t00i000000_e3b0c44298fc_d2e2adf7177b"); /* Suricata's */
}

/* The first flow of a real capture (Suricata's own test data): its payloads in order. */
static void
shared_capture_matches_suricata(void **state)
{
    Fixture *fx = *state;
    static uint8_t file[1 << 18];
    size_t n = read_file(SHARED_CAPTURE, file, sizeof(file));
    if (n == 0) {
        skip(); /* the shared corpus is not on this machine */
    }
    /* pcap: 24-byte header, then records of 16 bytes + data; Ethernet, IPv4, TCP. The first
     * TCP flow to port 443 is fed; segments are in order in this capture. */
    size_t off = 24;
    uint16_t cport = 0;
    uint32_t next_seq[2] = {0, 0};
    bool have_seq[2] = {false, false};
    while (off + 16 <= n) {
        uint32_t caplen = file[off + 8] | file[off + 9] << 8 | file[off + 10] << 16
                          | (uint32_t)file[off + 11] << 24;
        const uint8_t *p = file + off + 16;
        off += 16 + caplen;
        if (off > n || caplen < 54 || p[12] != 0x08 || p[13] != 0x00 || p[23] != 6) {
            continue;
        }
        size_t ihl = (size_t)(p[14] & 0xf) * 4;
        size_t tot = (size_t)p[16] << 8 | p[17];
        const uint8_t *t = p + 14 + ihl;
        uint16_t sp = (uint16_t)(t[0] << 8 | t[1]), dp = (uint16_t)(t[2] << 8 | t[3]);
        uint32_t seq = (uint32_t)t[4] << 24 | (uint32_t)t[5] << 16 | (uint32_t)t[6] << 8 | t[7];
        size_t thl = (size_t)(t[12] >> 4) * 4;
        if (cport == 0 && dp == 443) {
            cport = sp;
        }
        if (cport == 0 || (sp != cport && dp != cport)) {
            continue;
        }
        int dir = dp == 443 ? FLOW_DIR_TOSERVER : FLOW_DIR_TOCLIENT;
        size_t plen = tot - ihl - thl;
        if (t[13] & 0x02) {
            next_seq[dir] = seq + 1;
            have_seq[dir] = true;
            continue;
        }
        if (plen == 0 || !have_seq[dir] || seq != next_seq[dir]) {
            continue;
        }
        next_seq[dir] += (uint32_t)plen;
        Buf seg = {0};
        put(&seg, t + thl, plen);
        feed(fx, dir, &seg, plen);
    }
    TlsTx *tx = the_tx(fx);
    assert_non_null(tx);
    /* As Suricata 8.0.7 writes them for this flow (verify case tls-cert-issuer). */
    assert_true(bytes_are(tx->subject, "C=FR, ST=IDF, L=Paris, O=Stamus, CN=SELKS"));
    assert_true(bytes_are(tx->serial, "00:97:E6:47:09:8E:EA:C9:B4"));
    assert_true(
        bytes_are(tx->fingerprint, "3a:0b:3b:23:15:2c:44:5c:27:ac:6a:0c:41:d6:fa:74:af:b4:09:5b"));
    assert_string_equal(tx->ja4, "t12i1810s1_27d4652c4487_06a4338d0495");
    char *log = log_text(fx, tx);
    assert_non_null(strstr(log, "\"notbefore\":\"2015-02-12T18:07:27\","
                                "\"notafter\":\"2025-02-09T18:07:27\""));
    free(log);
}

static void
event_names_are_suricatas(void **state)
{
    (void)state;
    assert_string_equal(tls_parser.event_name(TLS_EVENT_INVALID_SNI_TYPE), "invalid_sni_type");
    assert_int_equal(tls_parser.event_lookup("handshake_invalid_length"),
                     TLS_EVENT_HANDSHAKE_INVALID_LENGTH);
    assert_int_equal(tls_parser.event_lookup("no_such_event"), -1);
    /* Every name is in Suricata's rule file, when it is there. */
    FILE *fp = fopen("/work/shared/suricata-ref/rules/tls-events.rules", "r");
    if (fp == NULL) {
        skip();
    }
    static char rules[1 << 16];
    size_t n = fread(rules, 1, sizeof(rules) - 1, fp);
    fclose(fp);
    rules[n] = '\0';
    for (unsigned i = 0; i < TLS_EVENT_MAX; i++) {
        char want[96];
        snprintf(want, sizeof(want), "app-layer-event:tls.%s;", tls_parser.event_name(i));
        assert_non_null(strstr(rules, want));
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(probe_takes_records_and_sslv2_hellos),
        cmocka_unit_test_setup_teardown(client_hello_in_small_chunks_gives_sni_alpn_ja3_ja4, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(full_handshake_decodes_the_certificate, setup, teardown),
        cmocka_unit_test_setup_teardown(certificate_across_records_and_segments_reads_the_same,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(resumed_session_is_logged_as_resumed, setup, teardown),
        cmocka_unit_test_setup_teardown(server_hello_alone_is_not_logged, setup, teardown),
        cmocka_unit_test_setup_teardown(client_hello_alone_is_logged_at_flow_end, setup, teardown),
        cmocka_unit_test_setup_teardown(hello_without_ticket_alone_is_not_logged, setup, teardown),
        cmocka_unit_test_setup_teardown(tls13_version_comes_from_supported_versions, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(bad_sni_type_raises_and_ends_the_extensions, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(second_sni_extension_raises_multiple_sni, setup, teardown),
        cmocka_unit_test_setup_teardown(malformed_records_raise_their_events, setup, teardown),
        cmocka_unit_test_setup_teardown(oversized_handshake_message_raises_invalid_length, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(record_version_not_3_raises_invalid_record_version, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(gap_stops_the_direction_without_harm, setup, teardown),
        cmocka_unit_test_setup_teardown(memcap_reached_keeps_nothing_and_leaks_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(sslv2_client_hello_then_tls_server, setup, teardown),
        cmocka_unit_test_setup_teardown(shared_capture_matches_suricata, setup, teardown),
        cmocka_unit_test(event_names_are_suricatas),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
