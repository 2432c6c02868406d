/* stream_int.h: the session and the worker's stream state, shared by session.c (the state
 * machine) and stream.c (thread, readers, flow end). Private to src/stream/. */
#ifndef SK_STREAM_STREAM_INT_H
#define SK_STREAM_STREAM_INT_H

#include "core/pool.h"
#include "stream/segments.h"
#include "stream/stream.h"

/* TCP states as Suricata names them (EVE tcp.state). The closing states are named from the
 * server's side, as Suricata does: a FIN from the client moves an established session to
 * CLOSE_WAIT, one from the server to FIN_WAIT1. */
typedef enum {
    TCP_NONE = 0,
    TCP_SYN_SENT,
    TCP_SYN_RECV,
    TCP_ESTABLISHED,
    TCP_FIN_WAIT1,
    TCP_FIN_WAIT2,
    TCP_TIME_WAIT,
    TCP_LAST_ACK,
    TCP_CLOSE_WAIT,
    TCP_CLOSING,
    TCP_CLOSED,
    TCP_STATE_MAX
} TcpState;

/* TcpStream.flags */
#define TS_F_WSCALE 0x0001   /* sent a window scale option on its SYN / SYN|ACK */
#define TS_F_SACKOK 0x0002   /* sent SACK-permitted */
#define TS_F_TS 0x0004       /* timestamps in use (both sides sent them in the handshake) */
#define TS_F_ZERO_TS 0x0008  /* the last timestamp seen was 0 */
#define TS_F_FIN 0x0010      /* sent a FIN: next_seq includes it */
#define TS_F_DEPTH 0x0020    /* stream.reassembly.depth reached (counted once) */
#define TS_F_EOF 0x0040      /* no more data will be queued: every byte is readable */
#define TS_F_GAP_SEEN 0x0080 /* a hole was handed on (counted once per hole) */
#define TS_F_STARTED 0x0100  /* base_seq is known (SYN, or first data midstream) */
#define TS_F_NOREASM 0x0200  /* no more reassembly (memcap, depth) */
#define TS_F_TS_PEER 0x0400  /* sent a timestamp option in its SYN / SYN|ACK */
#define TS_F_ACK_SEEN 0x0800 /* last_ack holds an acknowledgement from the peer */
#define TS_F_TFO 0x1000      /* its SYN carried data (TCP Fast Open) */

/* One direction: the bytes one side sends. Sequence numbers are 32-bit and wrap; stream
 * offsets are 64-bit and do not: offset(seq) is the offset of next_seq plus the signed 32-bit
 * distance from next_seq, so a stream may run past 4 GiB and every comparison stays local. */
typedef struct {
    /* Read or written for every packet of the session (both directions' are): first, so a
     * packet touches few cache lines of the session. The readers' positions come after. */
    uint16_t flags;         /* TS_F_* */
    uint8_t wscale;         /* shift for the windows this side advertises */
    uint8_t policy;         /* StreamPolicy of the host receiving this stream */
    uint32_t next_seq;      /* highest sequence sent + 1 (data and FIN) */
    uint32_t last_ack;      /* highest acknowledgement the peer sent for this stream */
    uint32_t next_win;      /* last_ack + window: the right edge the peer allows */
    uint32_t window;        /* the peer's receive window, scaled (what this side may send) */
    uint32_t urg_oob;       /* urgent bytes taken out (stream.reassembly.urgent) */
    uint64_t next_off;      /* stream offset of next_seq */
    uint64_t released;      /* segments below this offset are gone */
    uint64_t gap_mark;      /* acknowledged end when the last hole was counted */
    uint32_t isn;           /* initial sequence number (the SYN's; midstream: first seq - 1) */
    uint32_t base_seq;      /* sequence number of offset 0 (isn + 1) */
    uint32_t last_ts;       /* last timestamp value this side sent */
    uint32_t last_pkt_ts_s; /* engine time (s) of that packet (PAWS: 24 days) */
    TcpSegList segs;        /* payload (segments.h) */
    uint64_t app_off;       /* the app layer has consumed up to here */
    uint64_t raw_off;       /* detection has inspected up to here */
    uint64_t app_chunk_off; /* the last chunk stream_app_chunk gave: its offset, length */
    size_t app_chunk_len;
    bool app_chunk_eof; /* ... and whether it was the last */
    /* The app layer finished a message: inspect the raw stream now. A field of its own: the
     * 16 TS_F_* bits are all taken (it was 0x2000, stream.c's TS_F_APP_EOF, which stopped
     * the app feed of a direction at its first finished message). */
    bool raw_trigger;
} TcpStream;

/* TcpSession.flags */
#define SSN_F_MIDSTREAM 0x0001        /* picked up without a handshake */
#define SSN_F_ASYNC 0x0002            /* only one direction is seen (stream.async-oneside) */
#define SSN_F_4WHS 0x0004             /* the server answered a SYN with a SYN: split handshake */
#define SSN_F_SACK 0x0008             /* SACK permitted both ways */
#define SSN_F_WSCALE 0x0010           /* window scaling in use (both sent the option) */
#define SSN_F_TS 0x0020               /* timestamps in use */
#define SSN_F_RST 0x0040              /* ended by a valid RST */
#define SSN_F_TFO 0x0080              /* the SYN carried data */
#define SSN_F_SYNACK_SEEN 0x0100      /* a SYN|ACK was seen */
#define SSN_F_MIDSTREAM_SYNACK 0x0200 /* picked up on a SYN|ACK */
#define SSN_F_END 0x0400              /* the flow ended: everything queued is readable */

typedef struct TcpSession {
    uint8_t state;       /* TcpState */
    uint8_t pstate;      /* the state before */
    uint16_t flags;      /* SSN_F_* */
    uint32_t synack_ack; /* the ack of the first SYN|ACK (resend checks) */
    uint32_t synack_seq;
    TcpStream st[2]; /* [FLOW_DIR_TOSERVER]: what the client sends; [..TOCLIENT]: the server */
} TcpSession;

struct StreamThread {
    const StreamConfig *cfg;
    Memcap *mc_ssn;
    Memcap *mc_seg;
    Pool ssn_pool;         /* TcpSessions, charged to stream.memcap */
    TcpSegStore *segstore; /* segments and their bytes, charged to stream.reassembly.memcap */
    FlowTable *ft;         /* for flow_set_state */
    bool app_reader, raw_reader;
    uint32_t now_s;       /* engine time of the packet being handled, seconds */
    const Flow *cur_flow; /* the packet stream_packet handles last: its flow, direction */
    int cur_dir;
    bool cur_payload; /* ... whether it had any */
    bool cur_added;   /* ... and whether its payload went into the stream */
    bool csum_off;    /* checksum-checks auto decided the capture's checksums are offloaded */
    uint64_t csum_pkts, csum_bad;
    CounterSet cs, cs_own;
    Counter *ctr; /* SCTR_MAX + STREAM_EVENT_MAX (when stats.stream-events) */
    Counter ctr_own[8];
    const char **names;
};

enum {
#define COUNTER(id, name) id,
#include "stream/counters.def"
#undef COUNTER
    SCTR_MAX
};
enum {
#define COUNTER_OWN(id, name) id,
#include "stream/counters.def"
#undef COUNTER_OWN
    SCTR_OWN_MAX
};

static inline void
sctr_inc(StreamThread *st, unsigned id)
{
    counter_inc(&st->ctr[id]);
}

/* Raises ev on p and counts it (stream.<name>, when kept). */
void stream_event_raise(StreamThread *st, Packet *p, StreamEvent ev);

/* session.c */
void stream_session_packet(StreamThread *st, FlowTable *ft, Flow *f, Packet *p, int dir);
/* The non-TCP part of the flow state (established once both directions were seen). */
void stream_state_other(FlowTable *ft, Flow *f, int dir);

/* stream.c: data of p (its payload at seq) into direction s; urg: the urgent pointer when the
 * header has URG set, else 0. */
void stream_data_queue(StreamThread *st, TcpSession *ssn, TcpStream *s, Packet *p, uint32_t seq,
                       Cursor data, uint16_t urg);
/* offset of a sequence number in s (see TcpStream). */
static inline uint64_t
stream_seq_off(const TcpStream *s, uint32_t seq)
{
    return (uint64_t)((int64_t)s->next_off + (int32_t)(seq - s->next_seq));
}

/* Sequence comparisons across the wrap (RFC 1982 serial arithmetic). */
#define SEQ_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) > 0)
#define SEQ_GEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) >= 0)

#endif
