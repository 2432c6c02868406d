/* segments.h: the reassembly store of one direction of a TCP session. The payload of every
 * segment is copied once, from the packet into a contiguous buffer indexed by stream offset, so
 * the readers (app layer, raw detection) get in-order bytes that cross segment boundaries
 * without another copy. Overlapping data is settled byte by byte by the receiving host's
 * overlap policy (host-os-policy, Suricata's names; policy.c cites where each rule comes from).
 *
 * Stream offsets: 64-bit, 0 is the first data byte (ISN + 1); sequence numbers are 32-bit and
 * wrap, mapped to offsets near the data already seen (a segment more than 2 GiB away from it
 * cannot be placed, and TCP windows are at most 1 GiB).
 *
 * Memory: a TcpSegStore per worker holds the pools of piece records and of data buffers (power
 * of two sizes, 4 KiB up), all charged to the worker's stream.reassembly.memcap Memcap; once
 * the pools are warm nothing here calls malloc. At the cap an insertion is refused whole and
 * says so; the caller counts it (tcp.segment_memcap_drop) and applies
 * stream.reassembly.memcap-policy.
 *
 * A TcpSegStore and its lists belong to one worker: nothing here locks. */
#ifndef SK_STREAM_SEGMENTS_H
#define SK_STREAM_SEGMENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cursor.h"
#include "core/memcap.h"
#include "core/pool.h"
#include "core/result.h"

/* ---- Data handed to the readers (STAGES.md) ---- */

#define STREAM_F_START 0x01 /* data starts at the stream's first byte (offset 0) */
#define STREAM_F_GAP 0x02   /* gap_len bytes are missing before data: the reader sees the hole */
#define STREAM_F_EOF 0x04   /* nothing follows data: the direction is closed or the flow ended */
#define STREAM_F_DEPTH 0x08 /* stream.reassembly.depth cut the direction: nothing follows */

typedef struct {
    Cursor data;      /* in-order bytes, borrowed (see tcp_seglist_peek) */
    uint64_t offset;  /* stream offset of data.p: bytes since the direction's first one */
    uint32_t gap_len; /* bytes missing before data (STREAM_F_GAP) */
    uint8_t flags;    /* STREAM_F_* */
} StreamChunk;

/* ---- Overlap policies (host-os-policy), Suricata's names; rules in policy.c ---- */
typedef enum {
    STREAM_POLICY_BSD = 0, /* the default */
    STREAM_POLICY_BSD_RIGHT,
    STREAM_POLICY_OLD_LINUX,
    STREAM_POLICY_LINUX,
    STREAM_POLICY_OLD_SOLARIS,
    STREAM_POLICY_SOLARIS,
    STREAM_POLICY_HPUX10,
    STREAM_POLICY_HPUX11,
    STREAM_POLICY_IRIX,
    STREAM_POLICY_MACOS,
    STREAM_POLICY_VISTA,
    STREAM_POLICY_WINDOWS,
    STREAM_POLICY_WINDOWS2K3,
    STREAM_POLICY_FIRST, /* sekimori's: Suricata's host-os-policy has no "first" or "last" */
    STREAM_POLICY_LAST,
    STREAM_POLICY_MAX
} StreamPolicy;

/* "bsd", "old-linux", ... as host-os-policy spells them ("first"/"last" for the two above). */
const char *stream_policy_name(unsigned policy);
/* The policy of a host-os-policy key; false when not one. suricata_only: refuse first/last. */
bool stream_policy_from_name(const char *name, bool suricata_only, uint8_t *out);
/* For one byte held from segment [old_start, old_end) and a new segment [new_start, new_end)
 * (stream offsets as sent, before any trimming) that both cover it: does the new byte win? */
bool stream_policy_new_wins(uint8_t policy, uint64_t old_start, uint64_t old_end,
                            uint64_t new_start, uint64_t new_end);

/* ---- Per worker ---- */

typedef struct {
    uint64_t depth;        /* stream.reassembly.depth, bytes per direction; 0: unlimited */
    uint32_t seg_prealloc; /* piece records preallocated (stream.reassembly.segment-prealloc) */
    uint32_t max_span;     /* most bytes one direction may hold from its first held byte to
                             * its last; 0: the depth rounded up to a power of two, or 16 MiB
                             * without depth. Beyond it an insertion is refused as at the cap. */
} StreamReasmConfig;

typedef struct TcpSegStore TcpSegStore; /* opaque */

/* cfg is copied; mc (stream.reassembly.memcap) is borrowed until tcp_segstore_free. NULL: the
 * preallocation does not fit the Memcap or memory (nothing logged: the caller names its keys). */
TcpSegStore *tcp_segstore_new(const StreamReasmConfig *cfg, Memcap *mc);
void tcp_segstore_free(TcpSegStore *st); /* accepts NULL; every list must be finished first */
/* Ranges only: lists keep which offsets they hold and no bytes, for a run where no reader will
 * ask for them (no app layer, no rules) and overlapping data is not compared
 * (stream.reassembly.check-overlap-different-data off, not inline). Insertions report what
 * they would with the bytes, but TCP_INS_DIFFERENT; peek gives offsets and flags with empty
 * data. Set before any list holds data. */
void tcp_segstore_set_ranges_only(TcpSegStore *st, bool on);
/* Piece records and data buffers handed out and not yet given back (stats, leak checks). */
uint64_t tcp_segstore_pieces_used(const TcpSegStore *st);
uint64_t tcp_segstore_bufs_used(const TcpSegStore *st);

/* ---- Per direction ---- */

typedef struct TcpPiece TcpPiece;

/* Embedded in the session; fields are private to segments.c. */
typedef struct {
    /* What every insertion and release reads first, then the buffer (not used when the store
     * keeps ranges only): the session's lines a packet touches stay few. */
    TcpPiece *head, *tail; /* held ranges, sorted, disjoint */
    TcpSegStore *st;
    uint64_t ref;     /* an offset near the data (the highest end seen): sequence anchor */
    uint64_t floor;   /* bytes below it were released; later data below it is dropped */
    uint64_t held;    /* bytes held */
    uint64_t run_end; /* end of the contiguous run that starts at head->start (0: empty) */
    uint32_t isn;     /* offset 0 is sequence number isn + 1 */
    uint32_t piece_cnt;
    uint8_t *buf; /* bytes of offsets [base, base + cap) */
    uint64_t base;
    uint32_t cap;    /* 0: no buffer yet */
    uint8_t buf_cls; /* size class of buf */
    bool ranges;     /* ranges only (the store's choice at init, or tcp_seglist_drop_bytes) */
} TcpSegList;

/* What one insertion did. Overlap: new bytes at offsets already held (or already released). */
#define TCP_INS_OVERLAP 0x01 /* some bytes overlapped data held or released */
#define TCP_INS_DIFFERENT                                                                          \
    0x02                    /* overlapping bytes differed from the held ones:
                                * stream.reassembly_overlap_different_data */
#define TCP_INS_DEPTH 0x04  /* bytes at or beyond stream.reassembly.depth were not kept */
#define TCP_INS_MEMCAP 0x08 /* refused whole: the Memcap (or max_span) said no */
#define TCP_INS_OLD 0x10    /* bytes below the release point were dropped unseen */

typedef struct {
    uint32_t stored;      /* bytes that were not held before and are now */
    uint32_t overlap_len; /* bytes that fell on bytes held (compared) */
    uint32_t replaced;    /* of those, bytes where the new data won (policy) and differed */
    uint8_t flags;        /* TCP_INS_* */
} TcpInsertResult;

/* isn: the initial sequence number (the SYN's); data starts at isn + 1. */
void tcp_seglist_init(TcpSegList *l, TcpSegStore *st, uint32_t isn);
/* Gives every piece and the buffer back to the store. The list may be initialised again. */
void tcp_seglist_fini(TcpSegList *l);

/* Copies len bytes whose first has sequence number seq, settling overlaps with data held by
 * `policy` (a StreamPolicy), byte by byte against the segment that put the held byte there.
 * Each byte is copied at most once; nothing is changed when TCP_INS_MEMCAP is returned. */
TcpInsertResult tcp_seglist_insert(TcpSegList *l, uint32_t seq, const uint8_t *data, uint32_t len,
                                   uint8_t policy);

/* The bytes from stream offset `offset`: true with the contiguous run held there, or, when
 * offset is not held, the next run after it with STREAM_F_GAP and gap_len its distance (the
 * caller decides whether a hole is lost or only not there yet). STREAM_F_START when the run
 * starts at 0, STREAM_F_DEPTH when it ends at the depth. False when nothing is held at or
 * after offset. out->data is borrowed until the next insert, release or fini of l. */
bool tcp_seglist_peek(const TcpSegList *l, uint64_t offset, StreamChunk *out);

/* From now on l keeps ranges only (as a store set with tcp_segstore_set_ranges_only): its
 * bytes are freed, its pieces merged where they touch. For a direction no reader will read
 * again, when overlapping data is not compared. */
void tcp_seglist_drop_bytes(TcpSegList *l);

/* Frees what is below offset (every reader is past it); data for it that comes later is
 * dropped (TCP_INS_OLD). */
void tcp_seglist_release(TcpSegList *l, uint64_t offset);

/* The stream offset of sequence number seq (near the data seen); false when it is more than
 * 2 GiB from it or before the stream's start. */
bool tcp_seglist_offset(const TcpSegList *l, uint32_t seq, uint64_t *off);

/* Bytes held; the end of the contiguous run from the release point (the next offset a reader
 * in order waits for: data up to it has no hole). */
static inline uint64_t
tcp_seglist_held(const TcpSegList *l)
{
    return l->held;
}
uint64_t tcp_seglist_contiguous_end(const TcpSegList *l);

#endif
