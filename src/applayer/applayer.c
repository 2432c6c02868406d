/* applayer.c: the protocol registry (protocols.def), the per-worker thread and its counters,
 * the driver that hands datagrams and stream chunks to a flow's parser, and the transaction
 * list: made by the parsers (applayer_tx_new), logged by output, freed once logged
 * (applayer_tx_prune) or at the flow's end. */
#include "applayer/applayer.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "applayer/applayer_int.h"
#include "core/log.h"
#include "core/proto.h"

/* ---- registry ---- */

/* Each protocol's parser, defined in its folder: protocols.def is all the registry knows. */
#define AL_PROTO(id, name, parser) extern const AlParser parser;
#include "applayer/protocols.def"
#undef AL_PROTO

static const AlParser *const parsers[ALPROTO_MAX] = {
#define AL_PROTO(id, name, parser) [id] = &parser,
#include "applayer/protocols.def"
#undef AL_PROTO
};

const AlParser *
applayer_parser(unsigned alproto)
{
    return alproto < ALPROTO_MAX ? parsers[alproto] : NULL;
}

const char *
applayer_proto_name(unsigned alproto)
{
    if (alproto == ALPROTO_UNKNOWN) {
        return "unknown";
    }
    if (alproto == ALPROTO_FAILED) {
        return "failed";
    }
    return alproto < ALPROTO_MAX ? parsers[alproto]->name : NULL;
}

int
applayer_proto_lookup(const char *name, size_t len)
{
    /* Suricata's "http1" is HTTP/1 by its version-specific name: ours is "http". */
    if (len == 5 && strncmp(name, "http1", 5) == 0) {
        name = "http";
        len = 4;
    }
    for (unsigned id = 0; id < ALPROTO_MAX; id++) {
        const char *n = applayer_proto_name(id);
        if (strlen(n) == len && strncmp(n, name, len) == 0) {
            return (int)id;
        }
    }
    return -1;
}

void
applayer_config_default(AppLayerConfig *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->memcap = 64ull << 20;
    cfg->http_body_limit[0] = cfg->http_body_limit[1] = 100u << 10;
    for (unsigned id = ALPROTO_FAILED + 1; id < ALPROTO_MAX; id++) {
        AlProtoConfig *pc = &cfg->proto[id];
        pc->enabled = pc->tcp = pc->udp = true;
        pc->tcp_dp = pc->udp_dp = parsers[id]->default_port;
    }
}

/* ---- events ---- */

static const char *const event_names[] = {
#define EVENT(id, name) [id] = name,
#include "applayer/events.def"
#undef EVENT
};

const char *
applayer_event_name(unsigned id)
{
    return id < APPLAYER_EVENT_MAX ? event_names[id] : NULL;
}

/* ---- per worker ---- */

static const char *const own_names[] = {
#define OWN(id, name) name,
#include "applayer/counters.def"
#undef OWN
};

/* app_layer.flow.<p> and app_layer.tx.<p> for each protocol, "<p>_tcp" / "<p>_udp" when it
 * runs on both transports (Suricata's names): all flows first, then all transactions. */
static size_t
counters_name(AppLayerThread *al)
{
    static const char *const kind[2] = {"flow", "tx"};
    size_t n = 0;
    for (unsigned k = 0; k < 2; k++) {
        for (unsigned id = ALPROTO_FAILED + 1; id < ALPROTO_MAX; id++) {
            const AlParser *ap = parsers[id];
            const bool both = (ap->ipprotos & AL_IPPROTO_TCP) && (ap->ipprotos & AL_IPPROTO_UDP);
            for (unsigned t = 0; t < 2; t++) {
                al->ctr_at[id][k * 2 + t] = -1;
                if (!(ap->ipprotos & (t == 0 ? AL_IPPROTO_TCP : AL_IPPROTO_UDP))) {
                    continue;
                }
                snprintf(al->ctr_name_buf[n], AL_CTR_NAME_MAX, "app_layer.%s.%s%s", kind[k],
                         ap->name,
                         !both    ? ""
                         : t == 0 ? "_tcp"
                                  : "_udp");
                al->ctr_names[n] = al->ctr_name_buf[n];
                al->ctr_at[id][k * 2 + t] = (int16_t)n++;
            }
        }
    }
    return n;
}

AppLayerThread *
applayer_thread_new(const AppLayerConfig *cfg, Memcap *mc)
{
    AppLayerThread *al = calloc(1, sizeof(*al));
    if (al == NULL) {
        log_error("applayer: out of memory");
        return NULL;
    }
    al->cfg = cfg;
    al->mc = mc;
    al->set = (CounterSet){.names = al->ctr_names, .vals = al->ctr, .cnt = counters_name(al)};
    al->set_own = (CounterSet){.names = own_names, .vals = al->own, .cnt = AL_CTR_OWN_MAX};
    return al;
}

void
applayer_thread_free(AppLayerThread *al)
{
    free(al);
}

const CounterSet *
applayer_thread_counters(const AppLayerThread *al)
{
    return &al->set;
}

const CounterSet *
applayer_thread_counters_own(const AppLayerThread *al)
{
    return &al->set_own;
}

/* Suricata counts flows and transactions per protocol and transport. */
static void
count(AppLayerThread *al, unsigned alproto, bool tcp, bool tx)
{
    int at = al->ctr_at[alproto][(tx ? AL_PC_TX_TCP : AL_PC_FLOW_TCP) + (tcp ? 0 : 1)];
    if (at >= 0) {
        counter_inc(&al->ctr[at]);
    }
}

/* ---- per flow ---- */

static AlFlow *
flow_start(AppLayerThread *al, Flow *f, unsigned alproto, bool tcp)
{
    const AlParser *ap = parsers[alproto];
    size_t head = (sizeof(AlFlow) + 15) & ~(size_t)15;
    size_t len = head + ap->state_size;
    if (!memcap_charge(al->mc, len)) {
        counter_inc(&al->own[AL_CTR_MEMCAP_DROP_I]);
        return NULL;
    }
    AlFlow *af = calloc(1, len);
    if (af == NULL) {
        memcap_release(al->mc, len);
        counter_inc(&al->own[AL_CTR_MEMCAP_DROP_I]);
        return NULL;
    }
    af->al = al;
    af->parser = ap;
    af->state = (uint8_t *)af + head;
    af->alloc_len = len;
    af->alproto = (uint8_t)alproto;
    af->tcp = tcp;
    f->al = af;
    f->alproto = (uint16_t)alproto;
    count(al, alproto, tcp, false);
    return af;
}

void *
applayer_flow_state(AlFlow *af)
{
    return af->state;
}

const void *
applayer_flow_state_const(const AlFlow *af)
{
    return af->state;
}

const AlFlow *
applayer_flow(const Flow *f)
{
    return f->al;
}

/* ---- transactions ---- */

AlTx *
applayer_tx_new(AlFlow *af, size_t size, int dir)
{
    AppLayerThread *al = af->al;
    if (af->tx_live >= AL_FLOW_TX_MAX) {
        counter_inc(&al->own[AL_CTR_TX_LIMIT_I]);
        return NULL;
    }
    if (size < sizeof(AlTx) || size > UINT32_MAX || !memcap_charge(al->mc, size)) {
        counter_inc(&al->own[AL_CTR_MEMCAP_DROP_I]);
        return NULL;
    }
    AlTx *tx = calloc(1, size);
    if (tx == NULL) {
        memcap_release(al->mc, size);
        counter_inc(&al->own[AL_CTR_MEMCAP_DROP_I]);
        return NULL;
    }
    tx->id = af->tx_next_id++;
    tx->alloc_len = (uint32_t)size;
    tx->dir = (uint8_t)dir;
    tx->dirs = (uint8_t)(1u << dir);
    if (af->tail != NULL) {
        af->tail->next = tx;
    } else {
        af->head = tx;
    }
    af->tail = tx;
    af->tx_live++;
    count(al, af->alproto, af->tcp, true);
    return tx;
}

void
applayer_tx_event(AlTx *tx, unsigned id)
{
    if (tx->event_cnt < AL_TX_EVENT_MAX && !applayer_tx_has_event(tx, id)) {
        tx->events[tx->event_cnt++] = (uint16_t)id;
    }
}

bool
applayer_tx_has_event(const AlTx *tx, unsigned id)
{
    for (unsigned i = 0; i < tx->event_cnt; i++) {
        if (tx->events[i] == id) {
            return true;
        }
    }
    return false;
}

static void
tx_free(AlFlow *af, AlTx *tx)
{
    if (af->parser->tx_free != NULL) {
        af->parser->tx_free(af, tx);
    }
    memcap_release(af->al->mc, tx->alloc_len);
    af->tx_live--;
    free(tx);
}

AlTx *
applayer_tx_next_unlogged(Flow *f, AlTx *prev)
{
    AlFlow *af = f->al;
    if (af == NULL) {
        return NULL;
    }
    for (AlTx *tx = prev != NULL ? prev->next : af->head; tx != NULL; tx = tx->next) {
        if (!tx->logged && tx->complete) {
            return tx;
        }
    }
    return NULL;
}

AlTx *
applayer_tx_find(const Flow *f, uint64_t tx_id)
{
    for (AlTx *tx = f->al != NULL ? f->al->head : NULL; tx != NULL; tx = tx->next) {
        if (tx->id == tx_id) {
            return tx;
        }
    }
    return NULL;
}

AlTx *
applayer_tx_first(const Flow *f)
{
    return f->al != NULL ? f->al->head : NULL;
}

void
applayer_tx_prune(AppLayerThread *al, Flow *f, bool detecting)
{
    AlFlow *af = f->al;
    (void)al;
    if (af == NULL) {
        return;
    }
    /* Done transactions from the head: ids stay in order, and a flow's list is short (DNS: one
     * message, one transaction, freed at the packet that logged it). */
    while (af->head != NULL && af->head->logged
           && (!detecting || (af->head->detect_done & af->head->dirs) == af->head->dirs)) {
        AlTx *tx = af->head;
        af->head = tx->next;
        if (af->head == NULL) {
            af->tail = NULL;
        }
        tx_free(af, tx);
    }
}

void
applayer_flow_end(AppLayerThread *al, Flow *f)
{
    AlFlow *af = f->al;
    (void)al;
    if (af == NULL) {
        return;
    }
    if (af->parser->flow_end != NULL) {
        af->parser->flow_end(af);
    }
    for (AlTx *tx = af->head; tx != NULL; tx = tx->next) {
        tx->progress[FLOW_DIR_TOSERVER] = tx->progress[FLOW_DIR_TOCLIENT] = 1;
        tx->complete = true;
    }
}

void
applayer_flow_free(AppLayerThread *al, Flow *f)
{
    AlFlow *af = f->al;
    if (af == NULL) {
        return;
    }
    while (af->head != NULL) {
        AlTx *tx = af->head;
        af->head = tx->next;
        tx_free(af, tx);
    }
    memcap_release(al->mc, af->alloc_len);
    free(af);
    f->al = NULL;
}

/* ---- the driver ---- */

static int
packet_dir(const Packet *p)
{
    return p->flow_toserver ? FLOW_DIR_TOSERVER : FLOW_DIR_TOCLIENT;
}

static void
parse(AlFlow *af, int dir, const StreamChunk *ch, AlResult *r)
{
    if (af->dir_failed[dir]) {
        *r = al_ok((uint32_t)ch->data.left);
        return;
    }
    *r = af->parser->parse(af, dir, af->tcp, ch);
    if (r->status == AL_ERROR) {
        af->dir_failed[dir] = true;
        counter_inc(&af->al->own[AL_CTR_PARSE_ERROR_I]);
        r->consumed = (uint32_t)ch->data.left;
    }
}

void
applayer_packet(AppLayerThread *al, Flow *f, const Packet *p)
{
    if (f == NULL || p->proto != SK_IPPROTO_UDP || p->payload_len == 0) {
        return;
    }
    const int dir = packet_dir(p);
    Cursor c = packet_payload(p);
    if (f->al == NULL) {
        if (f->alproto != ALPROTO_UNKNOWN) {
            return; /* failed, or no memory for its state */
        }
        unsigned id = applayer_probe(al, f, dir, false, c);
        if (id == ALPROTO_UNKNOWN || id == AL_PROBE_AGAIN) {
            /* Suricata's "failed": no protocol found, and none whose port the flow has is left
             * to say yes on a later datagram. */
            if (!applayer_probe_hinted(al, f, false)) {
                f->alproto = ALPROTO_FAILED;
            }
            return;
        }
        if (flow_start(al, f, id, false) == NULL) {
            return;
        }
    }
    StreamChunk ch = {.data = c, .flags = STREAM_F_START | STREAM_F_EOF};
    AlResult r;
    parse(f->al, dir, &ch, &r);
}

bool
applayer_stream_wants(const Flow *f, int dir, uint64_t next_offset)
{
    if (f->al != NULL) {
        return !f->al->dir_failed[dir];
    }
    /* No parser: a protocol was refused (failed, or no memory for its state), or the probe
     * window of this direction is behind us. */
    return f->alproto == ALPROTO_UNKNOWN && next_offset < AL_PROBE_BYTES_MAX;
}

/* A TCP direction whose first bytes are no protocol's: once both are, the flow's protocol is
 * "failed" (Suricata's), and nothing probes it again. */
static void
probe_nomatch(Flow *f, int dir)
{
    if (f->alproto != ALPROTO_UNKNOWN) {
        return;
    }
    f->al_nomatch |= (uint8_t)(1u << dir);
    if (f->al_nomatch == 3) {
        f->alproto = ALPROTO_FAILED;
    }
}

/* How many transactions have their side dir complete: a change across a parse call is a
 * message finished (a flow holds at most AL_FLOW_TX_MAX). */
static unsigned
sides_done(const AlFlow *af, int dir)
{
    unsigned n = (unsigned)(af->tx_next_id - af->tx_live); /* pruned ones were complete */
    for (const AlTx *tx = af->head; tx != NULL; tx = tx->next) {
        n += tx->progress[dir] != 0;
    }
    return n;
}

size_t
applayer_stream(AppLayerThread *al, Flow *f, int dir, const StreamChunk *ch)
{
    if (f->al == NULL) {
        /* Detection reads a direction's first bytes: once past AL_PROBE_BYTES_MAX of a
         * direction, or after a hole, the data goes by unparsed. */
        if (f->alproto != ALPROTO_UNKNOWN || (ch->flags & STREAM_F_GAP)
            || ch->offset >= AL_PROBE_BYTES_MAX) {
            probe_nomatch(f, dir);
            return ch->data.left;
        }
        unsigned id = applayer_probe(al, f, dir, true, ch->data);
        if (id == AL_PROBE_AGAIN) {
            if (ch->flags & STREAM_F_EOF) {
                probe_nomatch(f, dir);
                return ch->data.left;
            }
            return 0;
        }
        if (id == ALPROTO_UNKNOWN) {
            probe_nomatch(f, dir);
            return ch->data.left;
        }
        if (flow_start(al, f, id, true) == NULL) {
            return ch->data.left;
        }
    }
    AlResult r;
    unsigned done = sides_done(f->al, dir);
    parse(f->al, dir, ch, &r);
    if (sides_done(f->al, dir) != done) {
        f->al->raw_trigger |= (uint8_t)(1u << dir);
    }
    return r.consumed;
}

bool
applayer_take_raw_trigger(Flow *f, int dir)
{
    if (f->al == NULL || !(f->al->raw_trigger & (1u << dir))) {
        return false;
    }
    f->al->raw_trigger &= (uint8_t) ~(1u << dir);
    return true;
}
