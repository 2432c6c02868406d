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
    if (!dns_name_read(r->msg, r->len, &off, name, DNS_NAME_MAX + 8, name_len, event)) {
        return false;
    }
    if (off > r->len) {
        return false;
    }
    Cursor c = cur_init(r->msg + off, r->len - off);
    memset(rec, 0, sizeof(*rec));
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

/* RFC 1035 4.1.1, RFC 2136 (update 5), RFC 8490 (DSO 6); 3 is unassigned. */
static bool
opcode_valid(unsigned opcode)
{
    return opcode <= 2 || opcode == 4 || opcode == 5 || opcode == 6;
}

void
dns_message_parse(AlFlow *af, int dir, Cursor msg)
{
    DnsState *ds = applayer_flow_state(af);
    const size_t len = msg.left;
    DnsTx *tx = (DnsTx *)applayer_tx_new(af, sizeof(DnsTx) + len, dir);
    if (tx == NULL) {
        return;
    }
    ds->tx_cnt++;
    /* One message, one transaction: whole as soon as it exists. */
    tx->base.progress[dir] = 1;
    tx->base.complete = true;
    tx->msg_len = (uint32_t)len;
    if (!cur_bytes(&msg, tx->msg, len)) {
        return;
    }
    Cursor h = cur_init(tx->msg, len);
    uint16_t hdr[DNS_SEC_MAX];
    if (!cur_be16(&h, &tx->id) || !cur_be16(&h, &tx->flags) || !cur_be16(&h, &hdr[0])
        || !cur_be16(&h, &hdr[1]) || !cur_be16(&h, &hdr[2]) || !cur_be16(&h, &hdr[3])) {
        applayer_tx_event(&tx->base, DNS_EVENT_MALFORMED_DATA);
        tx->base.logged = true; /* Suricata logs nothing of a message it cannot read */
        return;
    }
    const bool response = (tx->flags & 0x8000) != 0;
    if (dir == FLOW_DIR_TOSERVER && response) {
        applayer_tx_event(&tx->base, DNS_EVENT_NOT_REQUEST);
    } else if (dir == FLOW_DIR_TOCLIENT && !response) {
        applayer_tx_event(&tx->base, DNS_EVENT_NOT_RESPONSE);
    }
    if (tx->flags & 0x0040) {
        applayer_tx_event(&tx->base, DNS_EVENT_Z_FLAG_SET);
    }
    if (!opcode_valid((tx->flags >> 11) & 0xf)) {
        applayer_tx_event(&tx->base, DNS_EVENT_INVALID_OPCODE);
    }

    /* Read every record once: what reads is counted per section; the first that does not
     * read ends the message there. */
    DnsReader r;
    char name[DNS_NAME_MAX + 8];
    size_t name_len;
    DnsRecord rec;
    uint8_t sec = 0;
    unsigned ev;
    dns_reader_init(&r, tx->msg, len, hdr);
    bool whole = true;
    while (dns_reader_next(&r, name, &name_len, &rec, &sec, &ev)) {
        tx->cnt[sec]++;
        if (ev != DNS_EVENT_MAX) {
            applayer_tx_event(&tx->base, ev);
        }
    }
    if (r.sec < DNS_SEC_MAX) {
        whole = false;
        sec = r.sec;
        if (ev != DNS_EVENT_MAX) {
            applayer_tx_event(&tx->base, ev);
        }
    }
    /* Questions (and, in a response, answers) must read whole for the message to count;
     * broken authority or additional sections are raised and what came before is kept, as
     * Suricata 8 logs it. */
    if (!whole && (sec == DNS_SEC_QD || sec == DNS_SEC_AN)) {
        applayer_tx_event(&tx->base, DNS_EVENT_MALFORMED_DATA);
        tx->base.logged = true;
        return;
    }
    if (!whole) {
        applayer_tx_event(&tx->base, sec == DNS_SEC_NS ? DNS_EVENT_INVALID_AUTHORITIES
                                                       : DNS_EVENT_INVALID_ADDITIONALS);
    }
    tx->valid = true;
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
    if ((qd == 0 && an == 0 && ns == 0) || qd > 16
        || DNS_HDR_LEN + (size_t)qd * 5 + ((size_t)an + ns + ar) * 11 > msg_len) {
        return AL_PROBE_NO;
    }
    if (!opcode_valid((flags >> 11) & 0xf)) {
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
    (void)dir;
    if (!tcp) {
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
