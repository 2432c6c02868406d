/* eve_alert.c: "alert" records, one per alert detection queued on a packet, laid out as
 * Suricata 8.0.7 writes them (checked field by field against its eve.json, see
 * tests/unit/output/test_alert.c): the packet header, "alert" {action, gid, signature_id, rev,
 * signature, category, severity, source, target, metadata}, "tunnel" (an inner packet's
 * captured packet), app_proto, direction, "flow" (its counters so far), then payload,
 * payload_length, payload_printable, stream, packet and packet_info, and verdict as the alert
 * type's options ask. */
#include "output/eve_int.h"

#include <string.h>

#include "core/proto.h"

/* Suricata logs an alert "blocked" when the packet is rejected (even in IDS mode, where the
 * reject is still sent) or dropped by an inline engine; a drop in IDS mode only "would" drop. */
static const char *
alert_action(const DetectSigInfo *sig, bool ips)
{
    switch ((DetectAction)sig->action) {
    case DETECT_ACT_REJECT:
    case DETECT_ACT_REJECTSRC:
    case DETECT_ACT_REJECTDST:
    case DETECT_ACT_REJECTBOTH:
        return "blocked";
    case DETECT_ACT_DROP:
        return ips ? "blocked" : "allowed";
    default:
        return "allowed";
    }
}

/* "source"/"target" of a rule with target: (the side it names is the target). */
static void
put_endpoint(JsonBuf *jb, const char *key, const Packet *p, const SkAddr *a, uint16_t port)
{
    char text[48];
    size_t n = eve_format_addr(a, p->ip_ver, text);

    json_open_obj(jb, key);
    json_str_plain(jb, "ip", text, n);
    if (p->flags & PKT_F_HAS_PORTS) {
        json_u64(jb, "port", port);
    }
    json_close_obj(jb);
}

/* The key of a "key value" metadata entry: up to its first blank. */
static size_t
meta_key_len(const char *kv)
{
    return strcspn(kv, " ");
}

/* Byte order of two keys, as Suricata's sorted map orders them. */
static int
meta_key_cmp(const char *a, size_t al, const char *b, size_t bl)
{
    int c = memcmp(a, b, al < bl ? al : bl);
    return c != 0 ? c : (al > bl) - (al < bl);
}

/* The rule's metadata as Suricata 8.0.7 writes it: one array per key, keys sorted by bytes,
 * each key's values in the reverse of the rule's order ("a 2, a 4" gives "a":["4","2"]).
 * Selection instead of a sort: no scratch memory, and rules carry a handful of entries. */
static void
put_rule_metadata(JsonBuf *jb, const DetectSigInfo *sig)
{
    const char *prev = NULL;
    size_t prev_len = 0;

    if (sig->meta_cnt == 0) {
        return;
    }
    json_open_obj(jb, "metadata");
    for (;;) {
        const char *key = NULL;
        size_t key_len = 0;
        for (uint32_t i = 0; i < sig->meta_cnt; i++) {
            const char *k = sig->metadata[i];
            size_t kl = meta_key_len(k);
            if ((prev == NULL || meta_key_cmp(k, kl, prev, prev_len) > 0)
                && (key == NULL || meta_key_cmp(k, kl, key, key_len) < 0)) {
                key = k;
                key_len = kl;
            }
        }
        if (key == NULL) {
            break;
        }
        char name[128];
        size_t nl = key_len < sizeof(name) - 1 ? key_len : sizeof(name) - 1;
        memcpy(name, key, nl);
        name[nl] = '\0';
        /* Keys come from rule text (Suricata accepts [A-Za-z0-9_.-]); written escaped anyway,
         * as keys are written as given. */
        json_open_arr(jb, name);
        for (uint32_t i = sig->meta_cnt; i-- > 0;) {
            const char *k = sig->metadata[i];
            if (meta_key_cmp(k, meta_key_len(k), key, key_len) == 0) {
                const char *v = k + key_len;
                json_str(jb, NULL, *v == ' ' ? v + 1 : v);
            }
        }
        json_close_arr(jb);
        prev = key;
        prev_len = key_len;
    }
    json_close_obj(jb);
}

void
eve_put_alert_obj(JsonBuf *jb, const Packet *p, const DetectAlert *al, const EveConfig *cfg,
                  bool rule_metadata)
{
    DetectSigInfo one = *al->sig;
    const DetectSigInfo *sig = &one;

    one.action = al->action; /* a rate_filter may have changed it */
    json_open_obj(jb, "alert");
    json_str(jb, "action", alert_action(sig, cfg->ips));
    json_u64(jb, "gid", sig->gid);
    json_u64(jb, "signature_id", sig->sid);
    json_u64(jb, "rev", sig->rev);
    json_str(jb, "signature", sig->msg != NULL ? sig->msg : "");
    /* Suricata 8 writes "" for a rule without classtype. */
    json_str(jb, "category", sig->category != NULL ? sig->category : "");
    json_u64(jb, "severity", sig->severity);
    if (sig->target != 0 && p->ip_ver != 0) {
        bool dst = sig->target == DETECT_TARGET_DST;
        put_endpoint(jb, "source", p, dst ? &p->src : &p->dst, dst ? p->sp : p->dp);
        put_endpoint(jb, "target", p, dst ? &p->dst : &p->src, dst ? p->dp : p->sp);
    }
    if (rule_metadata && eve_config_option_on(cfg, EVE_OPT_ALERT_METADATA)
        && eve_config_option_on(cfg, EVE_OPT_ALERT_META_RULE)) {
        put_rule_metadata(jb, sig);
    }
    json_close_obj(jb);
}

void
eve_put_verdict(JsonBuf *jb, const Packet *p, const DetectAlerts *a, bool ips)
{
    uint8_t reject = 0; /* the first reject's action, when the packet was rejected */

    if (a->verdict & DETECT_VERDICT_REJECT) {
        for (uint16_t i = 0; i < a->cnt && reject == 0; i++) {
            uint8_t act = a->a[i].action;
            if (act >= DETECT_ACT_REJECT && act <= DETECT_ACT_REJECTBOTH) {
                reject = act;
            }
        }
    }
    json_open_obj(jb, "verdict");
    if (reject != 0) {
        /* A reject is sent in IDS mode too; only an inline engine also drops the packet. */
        json_str(jb, "action", ips ? "drop" : "alert");
        json_str(jb, "reject-target",
                 reject == DETECT_ACT_REJECTDST    ? "to_server"
                 : reject == DETECT_ACT_REJECTBOTH ? "both"
                                                   : "to_client");
        json_open_arr(jb, "reject");
        if (p->proto == SK_IPPROTO_TCP && p->ip_ver != 0) {
            json_str(jb, NULL, "tcp-reset");
        } else if (p->ip_ver != 0
                   && (p->proto == SK_IPPROTO_UDP || p->proto == SK_IPPROTO_ICMP
                       || p->proto == SK_IPPROTO_ICMPV6)) {
            json_str(jb, NULL, "icmp-prohib");
        }
        json_close_arr(jb);
    } else if ((a->verdict & DETECT_VERDICT_DROP) && ips) {
        json_str(jb, "action", "drop");
    } else if (a->verdict & DETECT_VERDICT_PASS) {
        json_str(jb, "action", "pass");
    } else {
        json_str(jb, "action", "alert");
    }
    json_close_obj(jb);
}

static bool
proto_has_ports(uint8_t proto)
{
    return proto == SK_IPPROTO_TCP || proto == SK_IPPROTO_UDP || proto == SK_IPPROTO_SCTP
           || proto == SK_IPPROTO_UDPLITE;
}

/* The flow as it stands at the alert, oriented as its first packet. */
static void
put_flow(JsonBuf *jb, const Flow *f)
{
    char text[48];

    json_open_obj(jb, "flow");
    json_u64(jb, "pkts_toserver", f->pkts[FLOW_DIR_TOSERVER]);
    json_u64(jb, "pkts_toclient", f->pkts[FLOW_DIR_TOCLIENT]);
    json_u64(jb, "bytes_toserver", f->bytes[FLOW_DIR_TOSERVER]);
    json_u64(jb, "bytes_toclient", f->bytes[FLOW_DIR_TOCLIENT]);
    eve_put_time(jb, "start", f->start);
    json_str_plain(jb, "src_ip", text, eve_format_addr(&f->src, f->ip_ver, text));
    json_str_plain(jb, "dest_ip", text, eve_format_addr(&f->dst, f->ip_ver, text));
    if (proto_has_ports(f->proto)) {
        json_u64(jb, "src_port", f->sp);
        json_u64(jb, "dest_port", f->dp);
    }
    json_close_obj(jb);
}

/* payload_printable: bytes 0x20-0x7e and CR, LF as they are, others '.', as Suricata writes it.
 * The JSON string is built in chunks through json_raw, escaping as it goes, so that a 64 KiB
 * payload needs no buffer of its size: the first chunk opens the value (comma, key, quote);
 * each later one continues it, the level's comma flag cleared so json_raw adds none. */
static void
put_printable(JsonBuf *jb, const char *key, const uint8_t *data, size_t n)
{
    char chunk[512];
    size_t used = 0;
    bool first = true;

    chunk[used++] = '"';
    for (size_t i = 0; i <= n; i++) {
        if (i == n) {
            chunk[used++] = '"';
        } else {
            uint8_t c = data[i];
            if (c == '"' || c == '\\') {
                chunk[used++] = '\\';
                chunk[used++] = (char)c;
            } else if (c == '\n') {
                chunk[used++] = '\\';
                chunk[used++] = 'n';
            } else if (c == '\r') {
                chunk[used++] = '\\';
                chunk[used++] = 'r';
            } else {
                chunk[used++] = c >= 0x20 && c < 0x7f ? (char)c : '.';
            }
        }
        if (used + 2 >= sizeof(chunk) || i == n) {
            if (!first) {
                jb->comma[jb->depth] = false;
            }
            json_raw(jb, first ? key : NULL, chunk, used);
            first = false;
            used = 0;
        }
    }
}

/* packet_info.linktype as Suricata writes it: libpcap's DLT value on Linux (a LINKTYPE_RAW
 * file reads as DLT_RAW, 12) and libpcap's name for it. */
static void
put_packet_info(JsonBuf *jb, uint16_t linktype)
{
    static const struct {
        uint16_t linktype, dlt;
        const char *name;
    } names[] = {
        {LINKTYPE_NULL, 0, "NULL"},
        {LINKTYPE_ETHERNET, 1, "EN10MB"},
        {LINKTYPE_PPP, 9, "PPP"},
        {LINKTYPE_RAW_OPENBSD, 12, "RAW"},
        {LINKTYPE_RAW, 12, "RAW"},
        {LINKTYPE_CHDLC, 104, "C_HDLC"},
        {LINKTYPE_IEEE80211, 105, "IEEE802_11"},
        {LINKTYPE_LOOP, 108, "LOOP"},
        {LINKTYPE_LINUX_SLL, 113, "LINUX_SLL"},
        {LINKTYPE_RADIOTAP, 127, "IEEE802_11_RADIO"},
        {LINKTYPE_IPV4, 228, "IPv4"},
        {LINKTYPE_IPV6, 229, "IPv6"},
        {LINKTYPE_NFLOG, 239, "NFLOG"},
        {LINKTYPE_LINUX_SLL2, 276, "LINUX_SLL2"},
    };

    json_open_obj(jb, "packet_info");
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (names[i].linktype == linktype) {
            json_u64(jb, "linktype", names[i].dlt);
            json_str_plain(jb, "linktype_name", names[i].name, strlen(names[i].name));
            json_close_obj(jb);
            return;
        }
    }
    json_u64(jb, "linktype", linktype);
    json_close_obj(jb);
}

/* The flow's application protocol by the app layer's name ("failed" too); none while it is
 * unknown, as Suricata. */
static void
put_app_proto(JsonBuf *jb, const Flow *f)
{
    const char *name = f->alproto != FLOW_ALPROTO_UNKNOWN ? applayer_proto_name(f->alproto) : NULL;
    if (name != NULL) {
        json_str(jb, "app_proto", name);
    }
}

/* An alert on a transaction: how far each side is, then the protocol's object (the record's),
 * as Suricata writes them between "alert" and "app_proto". */
static void
put_alert_tx(JsonBuf *jb, const Flow *f, const DetectAlert *al)
{
    const AlParser *ap = applayer_parser(f->alproto);
    const AlTx *tx = applayer_tx_find(f, al->tx_id);
    if (ap == NULL || tx == NULL) {
        return;
    }
    if (ap->progress_name != NULL) {
        json_str(jb, "ts_progress", ap->progress_name(tx, FLOW_DIR_TOSERVER));
        json_str(jb, "tc_progress", ap->progress_name(tx, FLOW_DIR_TOCLIENT));
    }
    if (ap->log_tx != NULL) {
        ap->log_tx(jb, applayer_flow(f), tx);
    }
    unsigned n = ap->file_count != NULL && ap->log_file != NULL ? ap->file_count(tx) : 0;
    if (n > 0) {
        json_open_arr(jb, "files");
        for (unsigned i = 0; i < n; i++) {
            ap->log_file(jb, NULL, applayer_flow(f), tx, i);
        }
        json_close_arr(jb);
    }
}

static void
log_alert(EveWriter *ew, const Packet *p, const DetectAlerts *a, const DetectAlert *al)
{
    const EveConfig *cfg = &ew->cfg;
    const bool on_tx = (al->flags & DETECT_ALERT_F_TX) && p->flow != NULL;
    JsonBuf *jb = eve_begin_packet_tx(ew, p, "alert", -1, on_tx ? (int64_t)al->tx_id : -1);
    const bool pl = eve_config_option_on(cfg, EVE_OPT_ALERT_PAYLOAD);
    const bool pl_print = eve_config_option_on(cfg, EVE_OPT_ALERT_PAYLOAD_PRINTABLE);
    const bool pl_len = eve_config_option_on(cfg, EVE_OPT_ALERT_PAYLOAD_LENGTH);
    const bool meta = eve_config_option_on(cfg, EVE_OPT_ALERT_METADATA);

    eve_put_alert_obj(jb, p, al, cfg, true);
    eve_put_tunnel(jb, p);
    if (on_tx && meta && eve_config_option_on(cfg, EVE_OPT_ALERT_META_APPLAYER)) {
        put_alert_tx(jb, p->flow, al);
    }
    if (p->flow != NULL) {
        put_app_proto(jb, p->flow);
        json_str(jb, "direction", p->flow_toserver ? "to_server" : "to_client");
        if (meta && eve_config_option_on(cfg, EVE_OPT_ALERT_META_FLOW)) {
            put_flow(jb, p->flow);
        }
    }
    if (pl || pl_print || pl_len) {
        /* A stream match logs the stream's data (the detection engine's copy, holes marked
         * as Suricata marks them); a packet match the packet's payload. */
        Cursor c = packet_payload(p);
        size_t n = c.left;
        const uint8_t *data = c.p;
        if ((al->flags & DETECT_ALERT_F_STREAM) && a->stream_payload != NULL) {
            data = a->stream_payload;
            n = a->stream_payload_len;
        }
        if (pl && n > 0) {
            json_base64(jb, "payload", data, n);
        }
        if (pl_len) {
            json_u64(jb, "payload_length", n);
        }
        if (pl_print && n > 0) {
            put_printable(jb, "payload_printable", data, n);
        }
        json_u64(jb, "stream", (al->flags & DETECT_ALERT_F_STREAM) ? 1 : 0);
    }
    if (eve_config_option_on(cfg, EVE_OPT_ALERT_PACKET)) {
        const uint8_t *data;
        uint32_t len;
        uint16_t linktype;
        eve_packet_frame(p, &data, &len, &linktype);
        json_base64(jb, "packet", data, len);
        put_packet_info(jb, linktype);
    }
    if (eve_config_option_on(cfg, EVE_OPT_ALERT_VERDICT)) {
        eve_put_verdict(jb, p, a, cfg->ips);
    }
    eve_commit(ew);
}

void
eve_log_tagged(EveWriter *ew, const Packet *p)
{
    const uint8_t *data;
    uint32_t len;
    uint16_t linktype;
    if (!eve_config_option_on(&ew->cfg, EVE_OPT_ALERT_TAGGED)) {
        return;
    }
    JsonBuf *jb = eve_begin_packet(ew, p, "packet");
    eve_packet_frame(p, &data, &len, &linktype);
    json_base64(jb, "packet", data, len);
    put_packet_info(jb, linktype);
    eve_commit(ew);
}

unsigned
eve_log_alerts(EveWriter *ew, const Packet *p, const DetectAlerts *a)
{
    unsigned n = 0;

    if (a == NULL) {
        return 0;
    }
    for (uint16_t i = 0; i < a->cnt && eve_config_type_on(&ew->cfg, EVE_TYPE_ALERT); i++) {
        if ((a->a[i].flags & DETECT_ALERT_F_NOALERT) || a->a[i].sig == NULL) {
            continue;
        }
        log_alert(ew, p, a, &a->a[i]);
        n++;
    }
    eve_log_drop(ew, p, a);
    return n;
}
