/* capture_int.h: private to src/capture/. The reader's state, its streaming read buffer, and the
 * two record formats' entry points. Other stages include capture/capture.h instead.
 *
 * The buffer is one block of memory: buf[pos, end) is read but not yet consumed, file offset
 * `off` is where buf[pos] came from. A record is handed out as a pointer into buf, so nothing is
 * copied per packet; a refill moves only the partial record left at the end to the front. */
#ifndef SK_CAPTURE_CAPTURE_INT_H
#define SK_CAPTURE_CAPTURE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/capture.h"
#include "core/cursor.h"

#define CAPTURE_BUF_LEN (256u * 1024u)    /* one read(2) fills up to this; fits in L2 */
#define CAPTURE_RECORD_MAX (256u * 1024u) /* a larger caplen is a corrupt file, not a packet */
#define CAPTURE_BLOCK_MAX (16u << 20)     /* largest pcapng block we parse; the buffer cap */
#define CAPTURE_IFACE_MAX 4096u           /* pcapng interfaces per section */
#define CAPTURE_PATH_MAX 4096u
#define CAPTURE_LT_NOTES_MAX 8u /* "link type not decoded" lines per reader */

/* pcap and pcapng magic numbers as read little-endian from the first four bytes. */
#define PCAP_MAGIC_USEC 0xa1b2c3d4u
#define PCAP_MAGIC_NSEC 0xa1b23c4du
#define PCAP_MAGIC_USEC_SWAPPED 0xd4c3b2a1u
#define PCAP_MAGIC_NSEC_SWAPPED 0x4d3cb2a1u
#define PCAPNG_SHB_TYPE 0x0a0d0d0au /* a palindrome: the same in both byte orders */
#define PCAPNG_BOM 0x1a2b3c4du

#define PCAP_FILE_HDR_LEN 24u
#define PCAPNG_SHB_MIN 28u /* type, length, BOM, version, section length, trailing length */

typedef struct CaptureLive CaptureLive; /* live capture's libpcap state (live.c) */

typedef enum {
    CAPTURE_FMT_PCAP,
    CAPTURE_FMT_PCAPNG,
} CaptureFormat;

/* How a pcapng interface's timestamp units become microseconds (if_tsresol). */
typedef enum {
    TS_MUL,   /* coarser than 1 us: units * factor */
    TS_DIV,   /* finer, a power of ten: units / factor */
    TS_SHIFT, /* a power of two: units * 10^6 >> factor */
} TsScale;

typedef struct {
    uint16_t linktype;
    uint32_t snaplen;
    uint8_t ts_scale;    /* TsScale */
    uint64_t ts_factor;  /* multiplier, divisor or shift */
    int64_t ts_offset_s; /* if_tsoffset: seconds added to every timestamp */
} NgIface;

/* The file being read now. fd is -1 between files. */
typedef struct {
    int fd;
    uint8_t *buf;
    size_t cap;         /* bytes allocated at buf */
    size_t pos;         /* first unconsumed byte */
    size_t end;         /* one past the last byte read */
    uint64_t off;       /* file offset of buf[pos] */
    uint64_t size;      /* st_size when opened; 0 for a pipe */
    uint64_t skip_left; /* bytes of a skipped block still to consume (a signal cut the skip) */
    bool eof;           /* read(2) returned 0: no more bytes will come */
    bool started;       /* the file header is parsed; false while a signal keeps it waiting */
    bool ts_said;       /* this file's first out-of-range timestamp has been reported */
} CaptureFile;

struct CaptureReader {
    char **paths;    /* owned; files to read, in order */
    uint64_t *sizes; /* st_size of each, taken at capture_open */
    size_t path_cnt;
    size_t path_idx; /* the file in f, or the next to open */
    uint64_t total;  /* sum of sizes */
    uint64_t done;   /* sizes of the files already finished */

    CaptureFile f;
    CaptureFormat fmt;
    bool be; /* the current file (pcapng: section) stores numbers big-endian */

    /* classic pcap */
    bool nsec;
    uint16_t linktype;

    /* pcapng: interfaces of the current section, in IDB order */
    NgIface *ifaces;
    size_t iface_cnt;
    size_t iface_cap;

    uint64_t pcap_cnt;
    SkTime last_ts; /* of the packet last handed out */
    uint64_t truncated;
    uint64_t ts_invalid; /* timestamps capture_time() clamped or found malformed */
    unsigned lt_notes;   /* "link type not decoded" lines said so far */
    bool quiet;          /* another reader reads the same input and says everything */
    bool reopenable;     /* regular file(s): another reader can open the input itself */

    CaptureLive *live; /* live capture: paths[0] is the interface, and there is no file */
};

/* Makes at least n bytes readable at f.buf + f.pos, reading more and growing the buffer (up to
 * CAPTURE_BLOCK_MAX) as needed. SK_OK when n are there; SK_EOF when the file ended first (the
 * bytes that are there stay readable); SK_AGAIN when a signal interrupted read(2) (the bytes read
 * so far stay in the buffer: the caller returns SK_AGAIN having consumed nothing, and parses the
 * same record again on the next call); SK_ERR_IO or SK_ERR_NOMEM with errbuf set. */
SkResult capture_fill(CaptureReader *cr, size_t n, char *errbuf);

/* Consumes n bytes at f.pos; they must be readable. */
static inline void
capture_consume(CaptureReader *cr, size_t n)
{
    cr->f.pos += n;
    cr->f.off += n;
}

/* Consumes n more bytes that need not be read (a block we skip), on top of any skip a signal
 * interrupted (f.skip_left; n = 0 just finishes that one). SK_EOF when the file is shorter;
 * SK_AGAIN, as capture_fill, with the rest kept in f.skip_left. */
SkResult capture_skip(CaptureReader *cr, uint64_t n, char *errbuf);

/* The current file ended in a cut or corrupt record: counted, and said once. */
void capture_file_truncated(CaptureReader *cr, const char *why);

/* A record's time in signed microseconds since the epoch, wide enough that no format's
 * arithmetic (units times resolution, plus if_tsoffset) can overflow it. */
__extension__ typedef __int128 CaptureUs;

/* The one place a record's time becomes engine time (see capture.c for the policy). malformed:
 * the record's own fields are inconsistent (a pcap fraction of a second >= 1 s). */
SkTime capture_time(CaptureReader *cr, CaptureUs us, bool malformed);

/* A file or pcapng interface announced link type lt: one line if decode cannot read it.
 * iface is the pcapng interface number, or -1 for a classic pcap file. */
void capture_linktype_note(CaptureReader *cr, uint16_t lt, long iface);

static inline bool
capture_u16(Cursor *c, bool be, uint16_t *v)
{
    return be ? cur_be16(c, v) : cur_le16(c, v);
}

static inline bool
capture_u32(Cursor *c, bool be, uint32_t *v)
{
    return be ? cur_be32(c, v) : cur_le32(c, v);
}

/* Live capture (live.c), when built with libpcap. */
SkResult capture_live_next(CaptureReader *cr, Packet *p, char *errbuf);
void capture_live_close(CaptureReader *cr);

/* Classic pcap (pcap.c). _header_valid sees the first bytes of a file (NULL: fine, else why
 * not); _start parses the header at f.pos; _next returns SK_OK with a packet, SK_EOF at the
 * file's end (counted when cut). Named capture_* so they never meet libpcap's pcap_* symbols. */
const char *capture_pcap_header_valid(const uint8_t *hdr, size_t len);
SkResult capture_pcap_start(CaptureReader *cr, char *errbuf);
SkResult capture_pcap_next(CaptureReader *cr, Packet *p, char *errbuf);

/* pcapng (pcapng.c), the same three. */
const char *capture_ng_header_valid(const uint8_t *hdr, size_t len);
SkResult capture_ng_start(CaptureReader *cr, char *errbuf);
SkResult capture_ng_next(CaptureReader *cr, Packet *p, char *errbuf);

#endif
