/* applayer_int.h: private to src/applayer/. The per-worker thread and the per-flow state that
 * applayer.c (driver, transactions) and probe.c (protocol detection) share. */
#ifndef SK_APPLAYER_APPLAYER_INT_H
#define SK_APPLAYER_APPLAYER_INT_H

#include "applayer/applayer.h"

#define AL_FLOW_TX_MAX                                                                             \
    256                         /* unlogged transactions a flow may hold: a flood of requests
                            * with no logger draining them stops there (applayer.tx_limit) */
#define AL_PROBE_BYTES_MAX 4096 /* a direction not recognised within this many bytes fails */

enum {
#define OWN(id, name) id##_I,
#include "applayer/counters.def"
#undef OWN
    AL_CTR_OWN_MAX
};

/* Suricata's per-protocol counters: flow and tx, per transport the protocol runs on. */
enum { AL_PC_FLOW_TCP, AL_PC_FLOW_UDP, AL_PC_TX_TCP, AL_PC_TX_UDP, AL_PC_MAX };
#define AL_CTR_EVE_MAX (ALPROTO_MAX * AL_PC_MAX)
#define AL_CTR_NAME_MAX 48

struct AppLayerThread {
    const AppLayerConfig *cfg;
    Memcap *mc;
    Counter ctr[AL_CTR_EVE_MAX];
    Counter own[AL_CTR_OWN_MAX];
    /* ctr's index of each protocol's counters (AL_PC_*), -1 where it does not run; their
     * names, built at start from the protocols' names. */
    int16_t ctr_at[ALPROTO_MAX][AL_PC_MAX];
    char ctr_name_buf[AL_CTR_EVE_MAX][AL_CTR_NAME_MAX];
    const char *ctr_names[AL_CTR_EVE_MAX];
    CounterSet set, set_own;
};

/* Flow.al: made when the flow's protocol is found, with the parser's state after it in the same
 * allocation; freed at the flow's end. */
struct AlFlow {
    AppLayerThread *al; /* the owning worker's: transactions are charged to its Memcap */
    const AlParser *parser;
    void *state; /* parser->state_size bytes, in the same allocation */
    size_t alloc_len;
    AlTx *head, *tail;
    uint64_t tx_next_id;
    uint32_t tx_live;
    uint8_t alproto;
    bool tcp;
    bool dir_failed[2]; /* the parser gave up on this direction (AL_ERROR) */
    uint8_t
        raw_trigger; /* bit per direction: a message of it completed (applayer_take_raw_trigger) */
};

/* probe.c: tries to find f's protocol from the bytes c of direction dir (a datagram, or the
 * stream from its first byte). Returns the protocol, ALPROTO_UNKNOWN when the bytes are no
 * enabled protocol's, or AL_PROBE_AGAIN when too few bytes are there to say. */
#define AL_PROBE_AGAIN 0xffffu
unsigned applayer_probe(const AppLayerThread *al, const Flow *f, int dir, bool tcp, Cursor c);
/* Does an enabled protocol have f's port as a detection port (a probe that may say yes on a
 * later datagram, as a DNS server's port does after junk)? */
bool applayer_probe_hinted(const AppLayerThread *al, const Flow *f, bool tcp);

#endif
