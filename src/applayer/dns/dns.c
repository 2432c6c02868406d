/* dns/dns.c: the DNS parser (dns.h). It owns the probe, the TCP framing (a 2-byte length before
 * each message, RFC 1035 4.2.2), the name reader with its loop and size bounds, and the checks
 * that raise Suricata's dns events. What a record means for EVE is log.c's. */
#include "applayer/dns/dns.h"

#include <stdio.h>
#include <string.h>

static const char *const event_names[] = {
#define EVENT(id, name) [id] = name,
#include "applayer/dns/events.def"
#undef EVENT
};

static const char *
dns_event_name(unsigned id)
{
    return id < DNS_EVENT_MAX ? event_names[id] : NULL;
}

static int
dns_event_lookup(const char *name)
{
    for (unsigned i = 0; i < DNS_EVENT_MAX; i++) {
        if (strcmp(event_names[i], name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

/* ---- names ---- */

/* Appends one label byte as Suricata writes names: printable ASCII as it is, other bytes as
 * the four characters \xNN (control characters are left to the JSON writer's escapes). */
static void
put_byte(char *out, size_t cap, size_t *n, uint8_t b)
{
    if (b >= 0x80) {
        if (*n + 4 < cap) {
            *n += (size_t)snprintf(out + *n, cap - *n, "\\x%02x", b);
        }
    } else if (*n + 1 < cap) {
        out[(*n)++] = (char)b;
    }
}

bool
dns_name_read(const uint8_t *msg, size_t len, size_t *off, char *out, size_t cap, size_t *out_len,
              unsigned *event)
{
    size_t pos = *off;
    size_t n = 0;
    unsigned labels = 0, jumps = 0;
    bool jumped = false;

    *event = DNS_EVENT_MAX;
    out[0] = '\0';
    *out_len = 0;
    for (;;) {
        if (pos >= len) {
            return false; /* truncated */
        }
        Cursor c = cur_init(msg + pos, len - pos);
        uint8_t l;
        if (!cur_u8(&c, &l)) {
            return false;
        }
        if ((l & 0xc0) == 0xc0) {
            uint8_t lo;
            if (!cur_u8(&c, &lo)) {
                return false;
            }
            /* Forward pointers are accepted (Suricata reads them); a loop is caught by the
             * bound on jumps, which no honest name needs: a name has at most 127 labels. */
            if (++jumps > DNS_JUMPS_MAX) {
                *event = DNS_EVENT_INFINITE_LOOP;
                return false;
            }
            if (!jumped) {
                *off = pos + 2;
                jumped = true;
            }
            pos = (size_t)(l & 0x3f) << 8 | lo;
            continue;
        }
        if ((l & 0xc0) != 0) {
            return false; /* 0x40 and 0x80: extended label types, obsolete (RFC 6891 5) */
        }
        if (l == 0) {
            if (!jumped) {
                *off = pos + 1;
            }
            break;
        }
        Cursor lab;
        if (!cur_take(&c, l, &lab)) {
            return false;
        }
        if (++labels > DNS_LABELS_MAX) {
            *event = DNS_EVENT_TOO_MANY_LABELS;
            return false;
        }
        if (n > 0 && n + 1 < cap) {
            out[n++] = '.';
        }
        uint8_t b;
        while (cur_u8(&lab, &b)) {
            put_byte(out, cap, &n, b);
        }
        pos += 1 + (size_t)l;
    }
    if (n > DNS_NAME_MAX) {
        n = DNS_NAME_MAX;
        *event = DNS_EVENT_NAME_TOO_LONG;
    }
    out[n] = '\0';
    *out_len = n;
    return true;
}

/* ---- sections ---- */

void
dns_reader_init(DnsReader *r, const uint8_t *msg, size_t len, const uint16_t cnt[DNS_SEC_MAX])
{
    r->msg = msg;
    r->len = len;
    r->off = DNS_HDR_LEN;
    r->sec = 0;
    for (unsigned i = 0; i < DNS_SEC_MAX; i++) {
        r->left[i] = cnt[i] > DNS_RECORDS_MAX ? DNS_RECORDS_MAX : cnt[i];
    }
}

bool
dns_reader_next(DnsReader *r, char *name, size_t *name_len, DnsRecord *rec, uint8_t *sec,
                unsigned *event)
{
    while (r->sec < DNS_SEC_MAX && r->left[r->sec] == 0) {
        r->sec++;
    }
    *event = DNS_EVENT_MAX;
    if (r->sec >= DNS_SEC_MAX) {
        return false;
    }
    *sec = r->sec;
    size_t off = r->off;
    const size_t name_off = off;
    if (!dns_name_read(r->msg, r->len, &off, name, DNS_NAME_MAX + 8, name_len, event)) {
        return false;
    }
    if (off > r->len) {
        return false;
    }
    Cursor c = cur_init(r->msg + off, r->len - off);
    memset(rec, 0, sizeof(*rec));
    rec->name_cut = *event == DNS_EVENT_NAME_TOO_LONG;
    rec->name_off = name_off;
    rec->type_off = off;
    if (!cur_be16(&c, &rec->type) || !cur_be16(&c, &rec->klass)) {
        return false;
    }
    if (r->sec != DNS_SEC_QD) {
        uint16_t rdlen;
        if (!cur_be32(&c, &rec->ttl) || !cur_be16(&c, &rdlen)) {
            return false;
        }
        rec->rdata_off = r->len - c.left;
        if (!cur_take(&c, rdlen, &rec->rdata)) {
            return false;
        }
    }
    r->off = r->len - c.left;
    r->left[r->sec]--;
    return true;
}

/* ---- messages ---- */

/* RFC 1035 4.1.1, RFC 1996 (notify 4), RFC 2136 (update 5), RFC 8490 (DSO 6). 3 is
 * unassigned but below the highest assigned code, and Suricata 8.0.7 raises invalid_opcode only
 * from 7 on: so does sekimori. */
static bool
opcode_valid(unsigned opcode)
{
    return opcode <= 6;
}

/* The records of a message, read once before it is stored: how many of each section read whole,
 * where each sits, the events met, and where reading stopped. */
typedef struct {
    uint16_t cnt[DNS_SEC_MAX];
    uint32_t rec_cnt;
    DnsRecPos pos[DNS_SEC_MAX * DNS_RECORDS_MAX];
    bool whole;       /* every record the header counts (up to the bound) read */
    uint8_t stop_sec; /* !whole: the section of the first that did not */
} MsgScan;

static void
scan_records(const uint8_t *msg, size_t len, const uint16_t hdr[DNS_SEC_MAX], AlTx *tx, MsgScan *ms)
{
    DnsReader r;
    char name[DNS_NAME_MAX + 8];
    size_t name_len;
    DnsRecord rec;
    uint8_t sec = 0;
    unsigned ev;

    memset(ms->cnt, 0, sizeof(ms->cnt));
    ms->rec_cnt = 0;
    dns_reader_init(&r, msg, len, hdr);
    while (dns_reader_next(&r, name, &name_len, &rec, &sec, &ev)) {
        ms->cnt[sec]++;
        ms->pos[ms->rec_cnt++] = (DnsRecPos){(uint16_t)rec.name_off, (uint16_t)rec.type_off};
        if (ev != DNS_EVENT_MAX) {
            applayer_tx_event(tx, ev);
        }
    }
    ms->whole = r.sec >= DNS_SEC_MAX;
    ms->stop_sec = r.sec;
    if (!ms->whole && ev != DNS_EVENT_MAX) {
        applayer_tx_event(tx, ev);
    }
}

void
dns_message_parse(AlFlow *af, int dir, Cursor msg)
{
    DnsState *ds = applayer_flow_state(af);
    /* A DNS message is at most 65,535 bytes (TCP's length prefix; a UDP datagram is smaller):
     * record positions are 16-bit. */
    const size_t len = msg.left > UINT16_MAX ? UINT16_MAX : msg.left;
    const uint8_t *bytes = msg.p;
    uint16_t id = 0, flags = 0;
    uint16_t hdr[DNS_SEC_MAX] = {0};
    Cursor h = cur_init(bytes, len);
    const bool hdr_ok = cur_be16(&h, &id) && cur_be16(&h, &flags) && cur_be16(&h, &hdr[0])
                        && cur_be16(&h, &hdr[1]) && cur_be16(&h, &hdr[2]) && cur_be16(&h, &hdr[3]);

    /* The records are read from the datagram or stream bytes first, so the transaction is
     * allocated once with room for exactly their positions. Events wait in a stack AlTx. */
    AlTx events = {0};
    MsgScan *ms = NULL;
    MsgScan scan;
    if (hdr_ok) {
        ms = &scan;
        scan_records(bytes, len, hdr, &events, ms);
    }
    const size_t pos_at = (sizeof(DnsTx) + len + 1) & ~(size_t)1; /* DnsRecPos is 2-aligned */
    const size_t rec_cnt = ms != NULL ? ms->rec_cnt : 0;
    DnsTx *tx = (DnsTx *)applayer_tx_new(af, pos_at + rec_cnt * sizeof(DnsRecPos), dir);
    if (tx == NULL) {
        return;
    }
    ds->tx_cnt++;
    /* One message, one transaction: whole as soon as it exists. */
    tx->base.progress[dir] = 1;
    tx->base.complete = true;
    tx->msg_len = (uint32_t)len;
    memcpy(tx->msg, bytes, len);
    DnsRecPos *pos = (DnsRecPos *)((uint8_t *)tx + pos_at);
    tx->rec = pos;
    if (!hdr_ok) {
        applayer_tx_event(&tx->base, DNS_EVENT_MALFORMED_DATA);
        tx->base.logged = true; /* Suricata logs nothing of a message it cannot read */
        return;
    }
    tx->id = id;
    tx->flags = flags;
    memcpy(pos, ms->pos, rec_cnt * sizeof(DnsRecPos));
    memcpy(tx->cnt, ms->cnt, sizeof(tx->cnt));

    const bool response = (flags & 0x8000) != 0;
    if (dir == FLOW_DIR_TOSERVER && response) {
        applayer_tx_event(&tx->base, DNS_EVENT_NOT_REQUEST);
    } else if (dir == FLOW_DIR_TOCLIENT && !response) {
        applayer_tx_event(&tx->base, DNS_EVENT_NOT_RESPONSE);
    }
    if (flags & 0x0040) {
        applayer_tx_event(&tx->base, DNS_EVENT_Z_FLAG_SET);
    }
    if (!opcode_valid((flags >> 11) & 0xf)) {
        applayer_tx_event(&tx->base, DNS_EVENT_INVALID_OPCODE);
    }
    for (unsigned i = 0; i < events.event_cnt; i++) {
        applayer_tx_event(&tx->base, events.events[i]);
    }
    /* Questions (and, in a response, answers) must read whole for the message to count;
     * broken authority or additional sections are raised and what came before is kept, as
     * Suricata 8 logs it. */
    if (!ms->whole && (ms->stop_sec == DNS_SEC_QD || ms->stop_sec == DNS_SEC_AN)) {
        applayer_tx_event(&tx->base, DNS_EVENT_MALFORMED_DATA);
        tx->base.logged = true;
        return;
    }
    if (!ms->whole) {
        applayer_tx_event(&tx->base, ms->stop_sec == DNS_SEC_NS ? DNS_EVENT_INVALID_AUTHORITIES
                                                                : DNS_EVENT_INVALID_ADDITIONALS);
    }
    tx->valid = true;
}

/* ---- accessors ---- */

unsigned
dns_tx_opcode(const AlTx *tx)
{
    return (((const DnsTx *)tx)->flags >> 11) & 0xf;
}

unsigned
dns_tx_rcode(const AlTx *tx)
{
    return ((const DnsTx *)tx)->flags & 0xf;
}

/* The record of position p (section sec) as the reader would hand it, name into name. */
static bool
record_at(const DnsTx *tx, uint8_t sec, const DnsRecPos *p, char *name, size_t cap,
          size_t *name_len, DnsRecord *rec)
{
    size_t off = p->name_off;
    unsigned ev;
    if (name != NULL && !dns_name_read(tx->msg, tx->msg_len, &off, name, cap, name_len, &ev)) {
        return false;
    }
    memset(rec, 0, sizeof(*rec));
    rec->name_cut = name != NULL && ev == DNS_EVENT_NAME_TOO_LONG;
    rec->name_off = p->name_off;
    rec->type_off = p->type_off;
    Cursor c = cur_init(tx->msg + p->type_off, tx->msg_len - p->type_off);
    if (!cur_be16(&c, &rec->type) || !cur_be16(&c, &rec->klass)) {
        return false;
    }
    if (sec != DNS_SEC_QD) {
        uint16_t rdlen;
        if (!cur_be32(&c, &rec->ttl) || !cur_be16(&c, &rdlen)) {
            return false;
        }
        rec->rdata_off = tx->msg_len - c.left;
        if (!cur_take(&c, rdlen, &rec->rdata)) {
            return false;
        }
    }
    return true;
}

bool
dns_tx_record(const DnsTx *tx, uint8_t sec, uint32_t idx, char *name, size_t cap, size_t *name_len,
              DnsRecord *rec)
{
    if (!tx->valid || sec >= DNS_SEC_MAX || idx >= tx->cnt[sec]) {
        return false;
    }
    uint32_t first = 0;
    for (uint8_t s = 0; s < sec; s++) {
        first += tx->cnt[s];
    }
    return record_at(tx, sec, &tx->rec[first + idx], name, cap, name_len, rec);
}

bool
dns_tx_rrtype(const AlTx *base, uint32_t idx, uint16_t *type)
{
    const DnsTx *tx = (const DnsTx *)base;
    DnsRecord rec;
    const uint8_t sec = base->dir == FLOW_DIR_TOSERVER ? DNS_SEC_QD : DNS_SEC_AN;
    if (!dns_tx_record(tx, sec, idx, NULL, 0, NULL, &rec)) {
        return false;
    }
    *type = rec.type;
    return true;
}

bool
dns_rdata_name_off(const DnsRecord *rec, size_t *off)
{
    switch (rec->type) {
    case 2:  /* NS */
    case 5:  /* CNAME */
    case 6:  /* SOA: MNAME only, as Suricata inspects it */
    case 12: /* PTR */
        *off = rec->rdata_off;
        return rec->rdata.left > 0;
    case 15: /* MX: after the preference */
        *off = rec->rdata_off + 2;
        return rec->rdata.left > 2;
    default:
        return false;
    }
}

/* ---- probe ---- */

/* A DNS header with counts a real message has, and its first question readable when one is
 * there. Requests and responses both: flows are picked up either way. msg_len: the message's
 * length (TCP's prefix, or the datagram): its records must fit in it, each question at least 5
 * bytes and each record 11, which text protocols' bytes read as counts never do. */
static AlProbe
probe_message(Cursor c, bool complete, size_t msg_len)
{
    uint16_t id, flags, qd, an, ns, ar;
    if (!cur_be16(&c, &id) || !cur_be16(&c, &flags) || !cur_be16(&c, &qd) || !cur_be16(&c, &an)
        || !cur_be16(&c, &ns) || !cur_be16(&c, &ar)) {
        return complete ? AL_PROBE_NO : AL_PROBE_NEED_MORE;
    }
    (void)id;
    /* Any opcode: Suricata takes opcode 7 to 15 as DNS and raises invalid_opcode. A request
     * without a question (an inverse query) is not taken as DNS, as Suricata 8.0.7 does not. */
    if ((qd == 0 && an == 0 && ns == 0) || (qd == 0 && !(flags & 0x8000)) || qd > 16
        || DNS_HDR_LEN + (size_t)qd * 5 + ((size_t)an + ns + ar) * 11 > msg_len) {
        return AL_PROBE_NO;
    }
    if (qd > 0) {
        const uint8_t *base = c.p - DNS_HDR_LEN;
        size_t len = c.left + DNS_HDR_LEN;
        size_t off = DNS_HDR_LEN;
        char name[DNS_NAME_MAX + 8];
        size_t nl;
        unsigned ev;
        if (!dns_name_read(base, len, &off, name, sizeof(name), &nl, &ev)) {
            return complete ? AL_PROBE_NO : AL_PROBE_NEED_MORE;
        }
    }
    return AL_PROBE_YES;
}

AlProbe
dns_probe(int dir, Cursor c, bool tcp)
{
    if (!tcp) {
        /* A response going to the server, or a request to the client, would make the flow the
         * other way round: Suricata 8.0.7 turns a UDP flow round only with stream.midstream
         * (off by default) and otherwise leaves it "failed", logging none of its messages (a
         * capture that starts with the answer). sekimori does the same; the probe has no view
         * of stream.midstream, so the reversed flow is not taken even when it is on. */
        uint16_t flags;
        if (cur_peek_be16(&c, 2, &flags) && ((flags & 0x8000) != 0) != (dir == FLOW_DIR_TOCLIENT)) {
            return AL_PROBE_NO;
        }
        return probe_message(c, true, c.left);
    }
    uint16_t mlen;
    if (!cur_be16(&c, &mlen)) {
        return AL_PROBE_NEED_MORE;
    }
    if (mlen < DNS_HDR_LEN) {
        return AL_PROBE_NO;
    }
    bool complete = c.left >= mlen;
    if (complete) {
        cur_truncate(&c, mlen);
    }
    return probe_message(c, complete, mlen);
}

/* ---- parser ---- */

static AlResult
dns_parse(AlFlow *af, int dir, bool tcp, const StreamChunk *in)
{
    Cursor c = in->data;
    if (!tcp) {
        dns_message_parse(af, dir, c);
        return al_ok((uint32_t)in->data.left);
    }
    /* After a hole, the framing is lost: what follows starts with a length only if it happens
     * to, so the rest of this chunk is skipped unless it probes as a message. */
    if ((in->flags & STREAM_F_GAP) && dns_probe(dir, c, true) != AL_PROBE_YES) {
        return al_ok((uint32_t)in->data.left);
    }
    uint32_t consumed = 0;
    for (;;) {
        Cursor rest = c;
        uint16_t mlen = 0;
        Cursor msg;
        if (!cur_be16(&rest, &mlen) || !cur_take(&rest, mlen, &msg)) {
            if (in->flags & STREAM_F_EOF) {
                return al_ok((uint32_t)in->data.left); /* a cut message: nothing follows */
            }
            return al_more(consumed, 2 + (uint32_t)mlen);
        }
        dns_message_parse(af, dir, msg);
        consumed += 2 + (uint32_t)mlen;
        c = rest;
        if (c.left == 0) {
            return al_ok(consumed);
        }
    }
}

const AlParser dns_parser = {
    .name = "dns",
    .ipprotos = AL_IPPROTO_TCP | AL_IPPROTO_UDP,
    .default_port = 53,
    .probe = dns_probe,
    .state_size = sizeof(DnsState),
    .parse = dns_parse,
    .tx_free = NULL,
    .log_tx = dns_log_tx,
    .event_name = dns_event_name,
    .event_lookup = dns_event_lookup,
};
