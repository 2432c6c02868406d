/* session.c: the TCP session state machine. One packet at a time, in the order of Suricata 8's
 * stream engine: checksum, the session's state (handshake variants, established, the closing
 * states), timestamps (PAWS, RFC 7323 5), sequence and acknowledgement against the window
 * (RFC 9293 3.10.7.4), RST validation (RFC 5961 3), then the payload into its direction's
 * segment list (stream.c). Every check that fails raises Suricata's event on the packet and
 * keeps the packet out of the stream: an IDS that took an out-of-window segment into its
 * reassembly would see bytes the receiver threw away.
 *
 * The flow's state follows the session (flow_set_state): "new" until the handshake completes,
 * "established" through the closing states where data may still flow, "closed" from LAST_ACK
 * and TIME_WAIT on, so flow-timeouts.tcp.closed applies there. The state names are Suricata's,
 * which names the closing states from the server's side (a client FIN: CLOSE_WAIT). */
#include "stream/stream_int.h"

#include "core/proto.h"
#include "decode/decode.h"

#define TCP_HDR_LEN 20
#define TCP_OPT_EOL 0
#define TCP_OPT_NOP 1
#define TCP_OPT_MSS 2
#define TCP_OPT_WS 3
#define TCP_OPT_SACKOK 4
#define TCP_OPT_SACK 5
#define TCP_OPT_TS 8
#define TCP_WSCALE_MAX 14          /* RFC 7323 2.3: larger shifts are read as 14 */
#define PAWS_24DAYS (24u * 86400u) /* RFC 7323 5.5: a timestamp older than this is stale */

/* What the state machine reads of a TCP header, once per packet. */
typedef struct {
    uint32_t seq, ack;
    uint16_t win, urg_ptr;
    uint8_t flags;
    bool has_ws, has_sackok, has_ts, has_sack;
    uint8_t ws;
    uint32_t tsval, tsecr;
    Cursor payload;
    uint32_t len; /* payload bytes */
} TcpPkt;

/* The header and options, through the cursor. Decode checked the header's length and the
 * options' lengths; an option of a wrong size is ignored here, as Suricata ignores it. */
static bool
tcp_pkt_read(const Packet *p, TcpPkt *t)
{
    Cursor c = packet_l4(p);
    uint16_t sp, dp;
    uint8_t doff, fl;
    memset(t, 0, sizeof(*t));
    if (!cur_be16(&c, &sp) || !cur_be16(&c, &dp) || !cur_be32(&c, &t->seq) || !cur_be32(&c, &t->ack)
        || !cur_u8(&c, &doff) || !cur_u8(&c, &fl) || !cur_be16(&c, &t->win) || !cur_skip(&c, 2)
        || !cur_be16(&c, &t->urg_ptr)) {
        return false;
    }
    t->flags = fl;
    unsigned hlen = (doff >> 4) * 4u;
    Cursor opts;
    if (hlen < TCP_HDR_LEN || !cur_take(&c, hlen - TCP_HDR_LEN, &opts)) {
        return false;
    }
    while (opts.left > 0) {
        uint8_t kind = 0, len = 0;
        Cursor o;
        if (!cur_u8(&opts, &kind) || kind == TCP_OPT_EOL) {
            break;
        }
        if (kind == TCP_OPT_NOP) {
            continue;
        }
        if (!cur_u8(&opts, &len) || len < 2 || !cur_take(&opts, len - 2u, &o)) {
            break;
        }
        switch (kind) {
        case TCP_OPT_WS:
            if (len == 3 && cur_u8(&o, &t->ws)) {
                t->has_ws = true;
                t->ws = t->ws > TCP_WSCALE_MAX ? TCP_WSCALE_MAX : t->ws;
            }
            break;
        case TCP_OPT_SACKOK:
            t->has_sackok = len == 2;
            break;
        case TCP_OPT_SACK:
            t->has_sack = len >= 10;
            break;
        case TCP_OPT_TS:
            t->has_ts = len == 10 && cur_be32(&o, &t->tsval) && cur_be32(&o, &t->tsecr);
            break;
        default:
            break;
        }
    }
    t->payload = packet_payload(p);
    t->len = (uint32_t)t->payload.left;
    return true;
}

/* ---- state ---- */

static void
ssn_set_state(StreamThread *st, Flow *f, TcpSession *ssn, TcpState s)
{
    if (ssn->state == s) {
        return;
    }
    ssn->pstate = ssn->state;
    ssn->state = (uint8_t)s;
    switch (s) {
    case TCP_ESTABLISHED:
    case TCP_FIN_WAIT1:
    case TCP_FIN_WAIT2:
    case TCP_CLOSING:
    case TCP_CLOSE_WAIT:
        flow_set_state(st->ft, f, FLOW_STATE_ESTABLISHED);
        break;
    case TCP_LAST_ACK:
    case TCP_TIME_WAIT:
    case TCP_CLOSED:
        flow_set_state(st->ft, f, FLOW_STATE_CLOSED);
        break;
    default:
        break;
    }
}

static TcpSession *
ssn_new(StreamThread *st, Flow *f)
{
    if (f->ssn != NULL) {
        return f->ssn; /* reset for reuse (stream_session_reset) */
    }
    TcpSession *ssn = pool_get(&st->ssn_pool);
    if (ssn == NULL) {
        sctr_inc(st, SCTR_SSN_MEMCAP_DROP);
        return NULL;
    }
    memset(ssn, 0, sizeof(*ssn));
    ssn->st[FLOW_DIR_TOSERVER].policy = ssn->st[FLOW_DIR_TOCLIENT].policy = STREAM_POLICY_BSD;
    f->ssn = ssn;
    sctr_inc(st, SCTR_SESSIONS);
    counter_set(&st->ctr[SCTR_ACTIVE_SESSIONS], counter_get(&st->ctr[SCTR_ACTIVE_SESSIONS]) + 1);
    return ssn;
}

/* Back to a fresh session (its segments freed), as if its flow had just started. */
static void
stream_session_reset(StreamThread *st, TcpSession *ssn)
{
    for (int d = 0; d < 2; d++) {
        if (ssn->st[d].flags & TS_F_STARTED) {
            tcp_seglist_fini(&ssn->st[d].segs);
        }
    }
    uint8_t pol[2] = {ssn->st[0].policy, ssn->st[1].policy};
    memset(ssn, 0, sizeof(*ssn));
    ssn->st[0].policy = pol[0];
    ssn->st[1].policy = pol[1];
    (void)st;
}

/* The overlap policy of each direction comes from its receiver's address (host-os-policy). */
static uint8_t
host_policy(const StreamConfig *cfg, const SkAddr *a, uint8_t ip_ver)
{
    for (unsigned i = 0; i < cfg->host_rule_cnt; i++) {
        const StreamHostRule *r = &cfg->host_rules[i];
        if (r->ip_ver != ip_ver) {
            continue;
        }
        unsigned bits = r->prefix, k = 0;
        for (; bits >= 8; bits -= 8, k++) {
            if (a->b[k] != r->addr.b[k]) {
                break;
            }
        }
        if (bits >= 8) {
            continue;
        }
        if (bits == 0 || ((a->b[k] ^ r->addr.b[k]) & (uint8_t)(0xff00u >> bits)) == 0) {
            return r->policy;
        }
    }
    return cfg->default_policy;
}

static void
ssn_set_policies(StreamThread *st, const Flow *f, TcpSession *ssn)
{
    /* Data toserver is received by the flow's destination; toclient by its source. */
    ssn->st[FLOW_DIR_TOSERVER].policy = host_policy(st->cfg, &f->dst, f->ip_ver);
    ssn->st[FLOW_DIR_TOCLIENT].policy = host_policy(st->cfg, &f->src, f->ip_ver);
}

/* A direction starts at seq (the first byte after the SYN, or the first byte seen). */
static void
stream_start(StreamThread *st, TcpStream *s, uint32_t isn)
{
    if (s->flags & TS_F_STARTED) {
        tcp_seglist_fini(&s->segs);
    }
    tcp_seglist_init(&s->segs, st->segstore, isn);
    s->isn = isn;
    s->base_seq = isn + 1;
    s->next_seq = isn + 1;
    s->next_off = 0;
    s->last_ack = isn + 1;
    s->flags |= TS_F_STARTED;
}

/* The window the sender of t offers for the other direction's data, scaled by the sender's
 * shift (the SYN's own window is never scaled: RFC 7323 2.2). */
static void
ack_update(TcpSession *ssn, int dir, const TcpPkt *t)
{
    TcpStream *o = &ssn->st[!dir];
    unsigned shift =
        (ssn->flags & SSN_F_WSCALE) && !(t->flags & SK_TH_SYN) ? ssn->st[dir].wscale : 0;
    if (t->flags & SK_TH_ACK) {
        if (!(o->flags & TS_F_ACK_SEEN) || SEQ_GT(t->ack, o->last_ack)) {
            o->last_ack = t->ack;
            o->flags |= TS_F_ACK_SEEN;
        }
    }
    o->window = (uint32_t)t->win << shift;
    o->next_win = o->last_ack + o->window;
}

static void
ts_update(StreamThread *st, TcpSession *ssn, TcpStream *s, const TcpPkt *t)
{
    if (!(ssn->flags & SSN_F_TS) || !t->has_ts) {
        return;
    }
    if (t->tsval == 0) {
        s->flags |= TS_F_ZERO_TS;
    } else {
        s->flags &= (uint16_t)~TS_F_ZERO_TS;
    }
    if (SEQ_GEQ(t->tsval, s->last_ts) || s->last_ts == 0) {
        s->last_ts = t->tsval;
        s->last_pkt_ts_s = st->now_s;
    }
}

/* PAWS (RFC 7323 5.3) with Suricata's per-policy exceptions: true when the timestamp is
 * acceptable. A session that negotiated timestamps must carry them. */
static bool
ts_valid(StreamThread *st, TcpSession *ssn, TcpStream *s, const TcpStream *r, const TcpPkt *t)
{
    if (!(ssn->flags & SSN_F_TS) || !t->has_ts) {
        return true;
    }
    uint32_t last_ts = s->last_ts;
    uint32_t last_pkt_ts = s->last_pkt_ts_s;
    bool check = true;
    if (s->flags & TS_F_ZERO_TS) {
        switch (r->policy) {
        case STREAM_POLICY_LINUX:
        case STREAM_POLICY_WINDOWS2K3:
            last_ts = 0; /* a zero timestamp in the handshake is not allowed: any later one is */
            break;
        case STREAM_POLICY_OLD_LINUX:
        case STREAM_POLICY_WINDOWS:
        case STREAM_POLICY_VISTA:
            if (t->seq == s->next_seq) {
                check = false;
            }
            break;
        default:
            break;
        }
    }
    if (r->policy == STREAM_POLICY_HPUX11 && t->seq != s->next_seq) {
        check = false; /* HP-UX 11 ignores the timestamps of out-of-order segments */
    }
    if (t->tsval == 0) {
        switch (r->policy) {
        case STREAM_POLICY_OLD_LINUX:
        case STREAM_POLICY_WINDOWS:
        case STREAM_POLICY_WINDOWS2K3:
        case STREAM_POLICY_VISTA:
        case STREAM_POLICY_SOLARIS:
            break;
        default:
            return false;
        }
    }
    if (!check) {
        return true;
    }
    int32_t diff = (int32_t)(t->tsval - last_ts);
    if (r->policy == STREAM_POLICY_LINUX) {
        diff += 1; /* Linux takes a timestamp one below the last */
    }
    if (last_pkt_ts == 0 && (ssn->flags & SSN_F_MIDSTREAM)) {
        last_pkt_ts = st->now_s;
    }
    bool ok = diff >= 0 && !(s->last_ts != 0 && st->now_s > last_pkt_ts + PAWS_24DAYS);
    if (!ok && t->seq == s->next_seq && st->now_s > last_pkt_ts + PAWS_24DAYS) {
        ok = true; /* the stream's own timestamp is stale: RFC 7323 5.5 takes the new one */
    }
    return ok;
}

/* The sequence number after everything o sent, its FIN included. */
static inline uint32_t
seq_end(const TcpStream *o)
{
    return o->next_seq + ((o->flags & TS_F_FIN) ? 1u : 0u);
}

/* Is ack acceptable for the direction it acknowledges (o)? Suricata's: an old ack or one up
 * to o's next byte is; past it (acknowledging bytes never sent) is not, except in ESTABLISHED
 * where a capture that missed the data is more likely than an attack (tcp.ack_unseen_data). */
static bool
ack_valid(StreamThread *st, TcpSession *ssn, const TcpStream *o, const TcpPkt *t, Packet *p)
{
    if (!(t->flags & SK_TH_ACK)) {
        return true;
    }
    if (SEQ_LEQ(t->ack, seq_end(o)) || (ssn->flags & SSN_F_ASYNC)) {
        return true;
    }
    if (ssn->state == TCP_ESTABLISHED || (ssn->flags & SSN_F_MIDSTREAM)) {
        sctr_inc(st, SCTR_ACK_UNSEEN_DATA);
        return true;
    }
    stream_event_raise(st, p, STREAM_EV_PKT_INVALID_ACK);
    return false;
}

/* RFC 5961 3.2 as the receiver's stack applies it, Suricata's way: an exact next_seq always,
 * and for most policies anything in the window the receiver offered. */
static bool
rst_valid(StreamThread *st, TcpSession *ssn, int dir, const TcpPkt *t, Packet *p)
{
    const TcpStream *s = &ssn->st[dir];
    const TcpStream *o = &ssn->st[!dir];
    if (ssn->state == TCP_SYN_SENT) {
        /* An answer to the SYN must acknowledge it (RFC 9293 3.10.7.3). */
        if (dir == FLOW_DIR_TOCLIENT) {
            return (t->flags & SK_TH_ACK) && t->ack == o->next_seq;
        }
        return t->seq == s->next_seq || t->seq == s->isn;
    }
    if ((t->flags & SK_TH_ACK) && !ack_valid(st, ssn, o, t, p)) {
        stream_event_raise(st, p, STREAM_EV_RST_INVALID_ACK);
        return false;
    }
    if (t->seq == s->next_seq || !(s->flags & TS_F_STARTED)) {
        return true;
    }
    /* The receiver's policy decides (the RST goes to the other side). */
    switch (o->policy) {
    case STREAM_POLICY_HPUX11:
        return SEQ_GEQ(t->seq, s->next_seq);
    case STREAM_POLICY_LINUX:
    case STREAM_POLICY_OLD_LINUX:
    case STREAM_POLICY_SOLARIS:
        /* These take a RST anywhere in the window. */
        return SEQ_GEQ(t->seq + t->len, s->last_ack) && SEQ_LT(t->seq, s->next_seq + s->window);
    default:
        /* BSD, Windows and the rest: exactly the next sequence number (RFC 5961 3.2's
         * strictest reading). */
        return false;
    }
}

/* The payload (and FIN) of an accepted packet into the sender's direction. */
static void
data_accept(StreamThread *st, TcpSession *ssn, int dir, const TcpPkt *t, Packet *p)
{
    TcpStream *s = &ssn->st[dir];
    if (t->len > 0) {
        stream_data_queue(st, ssn, s, p, t->seq, t->payload,
                          (t->flags & SK_TH_URG) ? t->urg_ptr : 0);
    }
    uint32_t end = t->seq + t->len;
    /* A bare ACK ahead of next_seq moves it too (data the capture missed), as in Suricata;
     * not after the side's FIN, whose later ACKs carry the FIN's number + 1. */
    if ((t->len > 0 || !(s->flags & TS_F_FIN)) && SEQ_GT(end, s->next_seq)) {
        s->next_off = stream_seq_off(s, end);
        s->next_seq = end;
    }
    /* As Suricata: the FIN's sequence number is not counted in next_seq; an ack of the FIN
     * is next_seq + 1 (seq_end). */
    if ((t->flags & SK_TH_FIN) && SEQ_GEQ(end, s->next_seq)) {
        s->flags |= TS_F_FIN;
    }
}

/* ---- no session yet ---- */

static void
opts_from_syn(TcpStream *s, const TcpPkt *t)
{
    if (t->has_ws) {
        s->flags |= TS_F_WSCALE;
        s->wscale = t->ws;
    }
    if (t->has_sackok) {
        s->flags |= TS_F_SACKOK;
    }
    if (t->has_ts) {
        s->flags |= TS_F_TS_PEER;
        s->last_ts = t->tsval;
        if (t->tsval == 0) {
            s->flags |= TS_F_ZERO_TS;
        }
    }
}

/* Both SYNs seen: what both offered is in use. */
static void
opts_negotiate(StreamThread *st, TcpSession *ssn)
{
    TcpStream *c = &ssn->st[FLOW_DIR_TOSERVER], *s = &ssn->st[FLOW_DIR_TOCLIENT];
    if ((c->flags & TS_F_WSCALE) && (s->flags & TS_F_WSCALE)) {
        ssn->flags |= SSN_F_WSCALE;
    } else {
        c->wscale = s->wscale = 0;
    }
    if ((c->flags & TS_F_SACKOK) && (s->flags & TS_F_SACKOK)) {
        ssn->flags |= SSN_F_SACK;
    }
    if ((c->flags & TS_F_TS_PEER) && (s->flags & TS_F_TS_PEER)) {
        ssn->flags |= SSN_F_TS;
        c->last_pkt_ts_s = s->last_pkt_ts_s = st->now_s;
    } else {
        c->last_ts = s->last_ts = 0;
        c->flags &= (uint16_t)~TS_F_ZERO_TS;
        s->flags &= (uint16_t)~TS_F_ZERO_TS;
    }
}

/* Midstream pick-up (stream.midstream or stream.async-oneside): the sender's direction starts
 * at the packet, the other at its acknowledgement. Windows are taken as unscaled: the
 * handshake that would say otherwise was not seen, so the window checks stay lenient. */
static void
midstream_start(StreamThread *st, TcpSession *ssn, int dir, const TcpPkt *t)
{
    TcpStream *s = &ssn->st[dir], *o = &ssn->st[!dir];
    stream_start(st, s, t->seq - 1);
    stream_start(st, o, t->ack - 1);
    ssn->flags |= SSN_F_MIDSTREAM;
    /* Unknown scaling: assume the largest so no in-window packet is refused. */
    s->wscale = o->wscale = TCP_WSCALE_MAX;
    ssn->flags |= SSN_F_WSCALE;
}

static void
state_none(StreamThread *st, FlowTable *ft, Flow *f, Packet *p, int dir, const TcpPkt *t)
{
    const StreamConfig *cfg = st->cfg;
    uint8_t fl = t->flags;
    TcpSession *ssn;

    if (fl & SK_TH_RST) {
        stream_event_raise(st, p, STREAM_EV_RST_BUT_NO_SESSION);
        return;
    }
    if ((fl & SK_TH_FIN) && (!cfg->midstream || t->len == 0)) {
        stream_event_raise(st, p, STREAM_EV_FIN_BUT_NO_SESSION);
        return;
    }
    if ((fl & (SK_TH_SYN | SK_TH_ACK)) == (SK_TH_SYN | SK_TH_ACK)) {
        if (!cfg->midstream && !cfg->async_oneside) {
            counter_inc(&st->ctr_own[SCTR_OWN_SESSIONS_REFUSED]);
            return;
        }
        /* The server's answer seen first: the flow turns round, so its source is the
         * client, as when the SYN was seen. */
        if (dir == FLOW_DIR_TOSERVER) {
            flow_swap(f, p);
            dir = FLOW_DIR_TOCLIENT;
        }
        if ((ssn = ssn_new(st, f)) == NULL) {
            return;
        }
        ssn_set_policies(st, f, ssn);
        TcpStream *c = &ssn->st[FLOW_DIR_TOSERVER], *s = &ssn->st[FLOW_DIR_TOCLIENT];
        stream_start(st, s, t->seq);
        stream_start(st, c, t->ack - 1);
        opts_from_syn(s, t);
        if (t->has_ws) {
            c->flags |= TS_F_WSCALE; /* assume the client offered it too */
            c->wscale = TCP_WSCALE_MAX;
        }
        if (t->has_ts) {
            c->flags |= TS_F_TS_PEER;
        }
        if (t->has_sackok) {
            c->flags |= TS_F_SACKOK;
        }
        opts_negotiate(st, ssn);
        ssn->flags |= SSN_F_MIDSTREAM | SSN_F_MIDSTREAM_SYNACK | SSN_F_SYNACK_SEEN;
        ssn->synack_seq = t->seq;
        ssn->synack_ack = t->ack;
        ack_update(ssn, dir, t);
        ts_update(st, ssn, s, t);
        sctr_inc(st, SCTR_MIDSTREAM_PICKUPS);
        ssn_set_state(st, f, ssn, TCP_SYN_RECV);
        return;
    }
    if (fl & SK_TH_SYN) {
        if ((ssn = ssn_new(st, f)) == NULL) {
            return;
        }
        ssn_set_policies(st, f, ssn);
        TcpStream *c = &ssn->st[dir];
        stream_start(st, c, t->seq);
        opts_from_syn(c, t);
        c->last_pkt_ts_s = st->now_s;
        /* The SYN's window is what the client offers for the server's data (unscaled). */
        ssn->st[!dir].window = t->win;
        if (t->len > 0) {
            /* TCP Fast Open (RFC 7413): data on the SYN counts once the SYN|ACK takes it. */
            ssn->flags |= SSN_F_TFO;
            c->flags |= TS_F_TFO;
            TcpPkt d = *t;
            d.seq = t->seq + 1; /* the SYN takes the ISN; its data follows */
            data_accept(st, ssn, dir, &d, p);
            /* The SYN itself is inspected as a packet, as Suricata does, and its bytes count
             * as inspected for the raw stream (the app layer still reads them). */
            st->cur_added = false;
            c->raw_off = t->len;
        }
        ssn_set_state(st, f, ssn, TCP_SYN_SENT);
        return;
    }
    if (!cfg->midstream && !cfg->async_oneside) {
        counter_inc(&st->ctr_own[SCTR_OWN_SESSIONS_REFUSED]);
        return;
    }
    if (!(fl & SK_TH_ACK)) {
        return; /* nothing to anchor the other direction on */
    }
    if ((ssn = ssn_new(st, f)) == NULL) {
        return;
    }
    ssn_set_policies(st, f, ssn);
    midstream_start(st, ssn, dir, t);
    if (t->has_ts) {
        ssn->flags |= SSN_F_TS;
        ssn->st[dir].last_ts = t->tsval;
        ssn->st[dir].last_pkt_ts_s = st->now_s;
    }
    if (!cfg->midstream) {
        ssn->flags |= SSN_F_ASYNC;
    }
    sctr_inc(st, SCTR_MIDSTREAM_PICKUPS);
    ack_update(ssn, dir, t);
    ssn_set_state(st, f, ssn, TCP_ESTABLISHED);
    data_accept(st, ssn, dir, t, p);
    (void)ft;
}

/* ---- handshake ---- */

static void
state_syn_sent(StreamThread *st, Flow *f, TcpSession *ssn, Packet *p, int dir, const TcpPkt *t)
{
    TcpStream *c = &ssn->st[FLOW_DIR_TOSERVER], *s = &ssn->st[FLOW_DIR_TOCLIENT];
    uint8_t fl = t->flags;

    /* An answer must echo the client's timestamp (Suricata's check on the server side of a
     * handshake: an injected RST or SYN|ACK guesses it wrong). */
    if (dir == FLOW_DIR_TOCLIENT && t->has_ts && t->tsecr != 0
        && (((c->flags & TS_F_TS_PEER) && c->last_ts != 0 && t->tsecr != c->last_ts)
            || (!(c->flags & TS_F_TS_PEER) && c->last_ts == 0))) {
        stream_event_raise(st, p, STREAM_EV_PKT_INVALID_TIMESTAMP);
        return;
    }
    if (fl & SK_TH_RST) {
        /* The client's own RST ends the attempt only when it is the canonical one (its ISN,
         * window 0, acking its SYN); the server's must acknowledge the SYN. */
        bool ok = dir == FLOW_DIR_TOSERVER ? t->seq == c->isn && t->win == 0 && t->ack == c->isn + 1
                                           : rst_valid(st, ssn, dir, t, p);
        if (ok) {
            ssn->flags |= SSN_F_RST;
            ssn_set_state(st, f, ssn, TCP_CLOSED);
        }
        return;
    }
    if ((fl & (SK_TH_SYN | SK_TH_ACK)) == (SK_TH_SYN | SK_TH_ACK)) {
        if (ssn->flags & SSN_F_4WHS) {
            /* Split handshake: the client answers the server's SYN. */
            if (dir != FLOW_DIR_TOSERVER) {
                stream_event_raise(st, p, STREAM_EV_3WHS_SYNACK_IN_WRONG_DIRECTION);
                return;
            }
            if (t->ack != s->next_seq) {
                stream_event_raise(st, p, STREAM_EV_4WHS_SYNACK_WITH_WRONG_ACK);
                return;
            }
            if (t->seq != c->isn) {
                stream_event_raise(st, p, STREAM_EV_4WHS_SYNACK_WITH_WRONG_SYN);
                return;
            }
            ssn->synack_seq = t->seq;
            ssn->synack_ack = t->ack;
            ack_update(ssn, dir, t);
            ssn_set_state(st, f, ssn, TCP_SYN_RECV);
            sctr_inc(st, SCTR_SYNACK);
            return;
        }
        if (dir == FLOW_DIR_TOSERVER) {
            stream_event_raise(st, p, STREAM_EV_3WHS_SYNACK_IN_WRONG_DIRECTION);
            return;
        }
        if (t->ack != c->next_seq) {
            if ((ssn->flags & SSN_F_TFO) && t->ack == c->base_seq) {
                /* The server did not take the SYN's data: it will come again. */
                stream_event_raise(st, p, STREAM_EV_3WHS_SYNACK_TFO_DATA_IGNORED);
                c->next_seq = c->base_seq;
                c->next_off = 0;
            } else {
                stream_event_raise(st, p, STREAM_EV_3WHS_SYNACK_WITH_WRONG_ACK);
                return;
            }
        }
        stream_start(st, s, t->seq);
        opts_from_syn(s, t);
        s->last_pkt_ts_s = st->now_s;
        opts_negotiate(st, ssn);
        ssn->flags |= SSN_F_SYNACK_SEEN;
        ssn->synack_seq = t->seq;
        ssn->synack_ack = t->ack;
        ack_update(ssn, dir, t);
        ssn_set_state(st, f, ssn, TCP_SYN_RECV);
        return;
    }
    if (fl & SK_TH_SYN) {
        if (dir == FLOW_DIR_TOCLIENT) {
            /* The server sends its own SYN: a split (four-way) handshake, which some stacks
             * accept (tcp-split-handshake). */
            ssn->flags |= SSN_F_4WHS;
            stream_start(st, s, t->seq);
            opts_from_syn(s, t);
            s->last_pkt_ts_s = st->now_s;
            return;
        }
        if (t->seq != c->isn) {
            /* A new attempt with a new ISN: the client starts over. */
            c->flags &= (uint16_t)~TS_F_TFO;
            ssn->flags &= (uint16_t)~SSN_F_TFO;
            stream_start(st, c, t->seq);
        }
        return;
    }
    if ((fl & SK_TH_ACK) && dir == FLOW_DIR_TOSERVER && st->cfg->async_oneside) {
        /* Only the client's side is seen: its ACK completes the session. */
        if (t->seq != c->next_seq) {
            stream_event_raise(st, p, STREAM_EV_3WHS_ASYNC_WRONG_SEQ);
            return;
        }
        ssn->flags |= SSN_F_ASYNC;
        stream_start(st, s, t->ack - 1);
        ack_update(ssn, dir, t);
        ssn_set_state(st, f, ssn, TCP_ESTABLISHED);
        data_accept(st, ssn, dir, t, p);
    }
}

static void
state_syn_recv(StreamThread *st, Flow *f, TcpSession *ssn, Packet *p, int dir, const TcpPkt *t)
{
    TcpStream *c = &ssn->st[FLOW_DIR_TOSERVER], *s = &ssn->st[FLOW_DIR_TOCLIENT];
    uint8_t fl = t->flags;
    bool four = (ssn->flags & SSN_F_4WHS) != 0;
    /* The side that completes the handshake with its ACK: the client, or in a split
     * handshake the server. */
    int acker = four ? FLOW_DIR_TOCLIENT : FLOW_DIR_TOSERVER;

    if (fl & SK_TH_RST) {
        if (rst_valid(st, ssn, dir, t, p)) {
            ssn->flags |= SSN_F_RST;
            ssn_set_state(st, f, ssn, TCP_CLOSED);
        }
        return;
    }
    if ((fl & (SK_TH_SYN | SK_TH_ACK)) == (SK_TH_SYN | SK_TH_ACK)) {
        if (dir == acker) {
            stream_event_raise(st, p, STREAM_EV_3WHS_SYNACK_TOSERVER_ON_SYN_RECV);
            return;
        }
        if (t->seq != ssn->synack_seq) {
            stream_event_raise(st, p, STREAM_EV_3WHS_SYNACK_RESEND_WITH_DIFF_SEQ);
        } else if (t->ack != ssn->synack_ack) {
            stream_event_raise(st, p, STREAM_EV_3WHS_SYNACK_RESEND_WITH_DIFF_ACK);
        }
        return;
    }
    if (fl & SK_TH_SYN) {
        if (dir == FLOW_DIR_TOCLIENT && !four) {
            stream_event_raise(st, p, STREAM_EV_3WHS_SYN_TOCLIENT_ON_SYN_RECV);
        } else if (dir == FLOW_DIR_TOSERVER && t->seq != c->isn) {
            stream_event_raise(st, p, STREAM_EV_3WHS_SYN_RESEND_DIFF_SEQ_ON_SYN_RECV);
        }
        return;
    }
    if (!(fl & SK_TH_ACK)) {
        return;
    }
    TcpStream *a = &ssn->st[acker], *b = &ssn->st[!acker];
    if (dir != acker) {
        if (ssn->flags & SSN_F_MIDSTREAM_SYNACK) {
            /* Picked up on the SYN|ACK: the server's data may come before the client's ACK
             * was seen (a lost packet): treat it as the handshake's end. */
            ack_update(ssn, dir, t);
            ssn_set_state(st, f, ssn, TCP_ESTABLISHED);
            data_accept(st, ssn, dir, t, p);
            return;
        }
        stream_event_raise(st, p, STREAM_EV_3WHS_ACK_IN_WRONG_DIR);
        return;
    }
    if (four) {
        if (t->seq != a->next_seq) {
            stream_event_raise(st, p, STREAM_EV_4WHS_WRONG_SEQ);
            return;
        }
        if (t->ack != b->next_seq) {
            stream_event_raise(st, p, STREAM_EV_4WHS_INVALID_ACK);
            return;
        }
    } else if (t->ack != b->next_seq) {
        if (t->seq == a->next_seq) {
            stream_event_raise(st, p, STREAM_EV_3WHS_RIGHT_SEQ_WRONG_ACK_EVASION);
        } else {
            stream_event_raise(st, p, STREAM_EV_3WHS_WRONG_SEQ_WRONG_ACK);
        }
        return;
    } else if (!SEQ_GEQ(t->seq, a->last_ack) && t->seq != a->next_seq) {
        stream_event_raise(st, p, STREAM_EV_3WHS_WRONG_SEQ_WRONG_ACK);
        return;
    }
    if (!ts_valid(st, ssn, &ssn->st[dir], &ssn->st[!dir], t)) {
        stream_event_raise(st, p, STREAM_EV_PKT_INVALID_TIMESTAMP);
        return;
    }
    ts_update(st, ssn, &ssn->st[dir], t);
    ack_update(ssn, dir, t);
    ssn_set_state(st, f, ssn, TCP_ESTABLISHED);
    data_accept(st, ssn, dir, t, p);
    (void)s;
}

/* ---- established and closing ---- */

/* The event each state raises for an invalid ack and for a segment before the window. */
static StreamEvent
state_invalid_ack_event(uint8_t state)
{
    switch (state) {
    case TCP_FIN_WAIT1:
        return STREAM_EV_FIN1_INVALID_ACK;
    case TCP_FIN_WAIT2:
        return STREAM_EV_FIN2_INVALID_ACK;
    case TCP_CLOSING:
        return STREAM_EV_CLOSING_INVALID_ACK;
    case TCP_CLOSE_WAIT:
        return STREAM_EV_CLOSEWAIT_INVALID_ACK;
    case TCP_LAST_ACK:
        return STREAM_EV_LASTACK_INVALID_ACK;
    case TCP_TIME_WAIT:
        return STREAM_EV_TIMEWAIT_INVALID_ACK;
    default:
        return STREAM_EV_EST_INVALID_ACK;
    }
}

static void
syn_in_established(StreamThread *st, TcpSession *ssn, Packet *p, int dir, const TcpPkt *t)
{
    if ((t->flags & SK_TH_ACK)) {
        if (dir == FLOW_DIR_TOSERVER) {
            stream_event_raise(st, p, STREAM_EV_EST_SYNACK_TOSERVER);
        } else if (t->seq != ssn->st[FLOW_DIR_TOCLIENT].isn) {
            stream_event_raise(st, p, STREAM_EV_EST_SYNACK_RESEND_WITH_DIFF_SEQ);
        } else if (t->ack != ssn->synack_ack && !(ssn->flags & SSN_F_MIDSTREAM)) {
            stream_event_raise(st, p, STREAM_EV_EST_SYNACK_RESEND_WITH_DIFF_ACK);
        }
        /* An identical SYN|ACK again (its ACK was lost) raises nothing, as in Suricata. */
        return;
    }
    if (dir == FLOW_DIR_TOCLIENT) {
        stream_event_raise(st, p, STREAM_EV_EST_SYN_TOCLIENT);
    } else if (t->seq != ssn->st[FLOW_DIR_TOSERVER].isn) {
        stream_event_raise(st, p,
                           ssn->state > TCP_ESTABLISHED ? STREAM_EV_SHUTDOWN_SYN_RESEND
                                                        : STREAM_EV_EST_SYN_RESEND_DIFF_SEQ);
    }
    /* The same SYN again (a retransmission the capture saw twice) raises nothing. */
}

static void
state_open(StreamThread *st, Flow *f, TcpSession *ssn, Packet *p, int dir, const TcpPkt *t)
{
    TcpStream *s = &ssn->st[dir], *o = &ssn->st[!dir];
    uint8_t fl = t->flags;

    if (fl & SK_TH_SYN) {
        syn_in_established(st, ssn, p, dir, t);
        return;
    }
    if (fl & SK_TH_RST) {
        if (t->len > 0) {
            stream_event_raise(st, p, STREAM_EV_RST_WITH_DATA);
        }
        if (!rst_valid(st, ssn, dir, t, p)) {
            return;
        }
        if (fl & SK_TH_ACK) {
            ack_update(ssn, dir, t);
        }
        ssn->flags |= SSN_F_RST;
        ssn_set_state(st, f, ssn, TCP_CLOSED);
        return;
    }
    if (ssn->state == TCP_CLOSED) {
        return;
    }
    if (!(fl & SK_TH_ACK) && !(ssn->flags & SSN_F_ASYNC)) {
        return; /* data without ACK after the handshake: no stack takes it */
    }
    if (!ts_valid(st, ssn, s, o, t)) {
        stream_event_raise(st, p, STREAM_EV_PKT_INVALID_TIMESTAMP);
        return;
    }

    uint32_t end = t->seq + t->len + ((fl & SK_TH_FIN) ? 1u : 0u);
    bool zero_win_probe = t->len == 1 && s->window == 0 && t->seq == s->next_seq;
    bool keep_alive = t->len <= 1 && t->seq == s->next_seq - 1 && !(fl & SK_TH_FIN);
    if (t->len > 0 || (fl & SK_TH_FIN)) {
        if (SEQ_LEQ(end, s->last_ack) && !keep_alive && t->len > 0 && (s->flags & TS_F_ACK_SEEN)) {
            /* Everything in it was acknowledged already. */
            stream_event_raise(st, p, STREAM_EV_PKT_SPURIOUS_RETRANSMISSION);
            ack_update(ssn, dir, t);
            return;
        }
        bool in_window = (ssn->flags & (SSN_F_ASYNC | SSN_F_MIDSTREAM)) || s->window == 0
                         || SEQ_LEQ(t->seq + t->len, s->next_win)
                         || SEQ_LEQ(t->seq + t->len, s->next_seq);
        if (zero_win_probe) {
            in_window = true;
        }
        if (!in_window) {
            StreamEvent ev = STREAM_EV_EST_PACKET_OUT_OF_WINDOW;
            if (fl & SK_TH_FIN) {
                ev = STREAM_EV_FIN_OUT_OF_WINDOW;
            } else if (ssn->state == TCP_CLOSE_WAIT) {
                ev = STREAM_EV_CLOSEWAIT_ACK_OUT_OF_WINDOW;
            }
            stream_event_raise(st, p, ev);
            return;
        }
        if (zero_win_probe) {
            /* A zero-window probe's byte is sent again once the window opens: not queued. */
            stream_event_raise(st, p, STREAM_EV_EST_ACK_ZWP_DATA);
            ack_update(ssn, dir, t);
            return;
        }
    }
    if (!ack_valid(st, ssn, o, t, p)) {
        stream_event_raise(st, p, state_invalid_ack_event(ssn->state));
        return;
    }

    ts_update(st, ssn, s, t);
    ack_update(ssn, dir, t);
    if (!keep_alive) {
        data_accept(st, ssn, dir, t, p);
    }

    /* Closing states, named from the server's side as Suricata names them. */
    bool fin = (fl & SK_TH_FIN) != 0;
    bool acks_peer_fin = (o->flags & TS_F_FIN) && (fl & SK_TH_ACK) && SEQ_GEQ(t->ack, seq_end(o));
    switch (ssn->state) {
    case TCP_ESTABLISHED:
        if (fin) {
            ssn_set_state(st, f, ssn, dir == FLOW_DIR_TOSERVER ? TCP_CLOSE_WAIT : TCP_FIN_WAIT1);
        }
        break;
    case TCP_FIN_WAIT1: /* the server sent its FIN first */
        if (dir == FLOW_DIR_TOSERVER) {
            if (fin) {
                ssn_set_state(st, f, ssn, acks_peer_fin ? TCP_TIME_WAIT : TCP_CLOSING);
            } else if (acks_peer_fin) {
                ssn_set_state(st, f, ssn, TCP_FIN_WAIT2);
            }
        }
        break;
    case TCP_FIN_WAIT2:
        if (dir == FLOW_DIR_TOSERVER && fin) {
            ssn_set_state(st, f, ssn, TCP_TIME_WAIT);
        }
        break;
    case TCP_CLOSE_WAIT: /* the client sent its FIN first */
        if (dir == FLOW_DIR_TOCLIENT && fin) {
            ssn_set_state(st, f, ssn, TCP_LAST_ACK);
        }
        break;
    case TCP_CLOSING:
        if (acks_peer_fin) {
            ssn_set_state(st, f, ssn, TCP_TIME_WAIT);
        }
        break;
    case TCP_LAST_ACK:
        if (dir == FLOW_DIR_TOSERVER && acks_peer_fin) {
            ssn_set_state(st, f, ssn, TCP_CLOSED);
        }
        break;
    case TCP_TIME_WAIT:
        if (acks_peer_fin && (ssn->st[0].flags & TS_F_FIN) && (ssn->st[1].flags & TS_F_FIN)) {
            ssn_set_state(st, f, ssn, TCP_CLOSED);
        }
        break;
    default:
        break;
    }
}

void
stream_session_packet(StreamThread *st, FlowTable *ft, Flow *f, Packet *p, int dir)
{
    TcpPkt t;
    if (!tcp_pkt_read(p, &t)) {
        return;
    }
    if ((t.flags & (SK_TH_SYN | SK_TH_ACK)) == SK_TH_SYN) {
        sctr_inc(st, SCTR_SYN);
    } else if ((t.flags & (SK_TH_SYN | SK_TH_ACK)) == (SK_TH_SYN | SK_TH_ACK)) {
        sctr_inc(st, SCTR_SYNACK);
    }
    if (t.flags & SK_TH_RST) {
        sctr_inc(st, SCTR_RST);
    }
    if (t.flags & SK_TH_URG) {
        sctr_inc(st, SCTR_URG);
    }
    if (st->cfg->checksum_validation && !st->csum_off) {
        bool ok = decode_l4_checksum_ok(p);
        /* Suricata's auto mode (pcap-file.checksum-checks: auto): after 1000 packets, more
         * than one in ten bad means the capture was taken before checksum offload filled
         * them in: stop checking. */
        if (st->cfg->checksum_auto && ++st->csum_pkts <= 1000) {
            st->csum_bad += !ok;
            if (st->csum_pkts == 1000 && st->csum_bad > st->csum_pkts / 10) {
                st->csum_off = true;
            }
        }
        if (!ok) {
            sctr_inc(st, SCTR_INVALID_CHECKSUM);
            return;
        }
    }
    /* An ack number without the ACK flag: a broken stack, or a probe (Suricata's check). */
    if (!(t.flags & SK_TH_ACK) && t.ack != 0) {
        stream_event_raise(st, p, STREAM_EV_PKT_BROKEN_ACK);
    }
    TcpSession *ssn = f->ssn;
    /* A new SYN on a session that ended (port reuse): the session starts over. */
    if (ssn != NULL && (ssn->state == TCP_CLOSED || ssn->state == TCP_TIME_WAIT)
        && (t.flags & (SK_TH_SYN | SK_TH_ACK | SK_TH_RST)) == SK_TH_SYN
        && t.seq != ssn->st[dir].isn) {
        stream_session_reset(st, ssn);
        if (dir == FLOW_DIR_TOCLIENT) {
            flow_swap(f, p);
            dir = FLOW_DIR_TOSERVER;
        }
    }
    if (ssn == NULL || ssn->state == TCP_NONE) {
        state_none(st, ft, f, p, dir, &t);
        return;
    }
    switch (ssn->state) {
    case TCP_SYN_SENT:
        state_syn_sent(st, f, ssn, p, dir, &t);
        break;
    case TCP_SYN_RECV:
        state_syn_recv(st, f, ssn, p, dir, &t);
        break;
    default:
        state_open(st, f, ssn, p, dir, &t);
        break;
    }
}

void
stream_state_other(FlowTable *ft, Flow *f, int dir)
{
    if (dir == FLOW_DIR_TOCLIENT && f->state == FLOW_STATE_NEW) {
        flow_set_state(ft, f, FLOW_STATE_ESTABLISHED);
    }
}
