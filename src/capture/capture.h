/* capture.h: packets from capture files. A CaptureReader reads one pcap or pcapng file, or a
 * directory of them in lexical name order as one continuous capture. It streams: a fixed read
 * buffer (grown only to fit the largest record, capped), so memory does not grow with the file.
 * One reader per thread; nothing here locks. */
#ifndef SK_CAPTURE_CAPTURE_H
#define SK_CAPTURE_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/packet.h"
#include "core/result.h"

#define CAPTURE_ERRBUF_SIZE 256

typedef struct CaptureReader CaptureReader; /* opaque */

/* path: a capture file or a directory. NULL with errbuf set ("capture: foo.pcap: No such file")
 * when it cannot be opened or is not a capture. A directory holding no capture (an empty one
 * included) is refused so: Suricata reads "0 files" and exits 0, but a run that inspected nothing
 * because of a mistyped or not yet filled directory should not look like a clean one. A signal
 * that interrupts the wait for a pipe's file header fails the open ("interrupted"). */
CaptureReader *capture_open(const char *path, char *errbuf);
void capture_close(CaptureReader *cr); /* accepts NULL */

/* Can several readers each open this input and read it whole, independently (workers run
 * mode)? True for a regular file and a directory (only its regular files are read); false for
 * a pipe, a FIFO, a character device, /dev/stdin and /proc/self/fd/N whatever they point at
 * (another open would share or steal the bytes), and live capture. */
bool capture_is_reopenable(const CaptureReader *cr);

/* A second reader of cr's input, from its start: the same file list (a directory is not listed
 * again, so every reader reads the same files even if the directory changes), and quiet: it
 * says nothing cr would say too (cut records, skipped link types, bad timestamps), while still
 * counting them. NULL with errbuf set when the input is not reopenable or cannot be opened. */
CaptureReader *capture_reopen(const CaptureReader *cr, char *errbuf);

/* Live capture from a network interface (libpcap). Suricata's `pcap:` settings for it. */
typedef struct {
    uint32_t snaplen; /* bytes kept of each frame; 0: all */
    bool promisc;
    uint32_t buffer_size;   /* the kernel's capture buffer in bytes; 0: libpcap's default */
    const char *bpf_filter; /* NULL or "": every packet */
} CaptureLiveConfig;

/* NULL with errbuf set when the interface cannot be captured on (no such device, no
 * permission, a bad filter), or when this build has no libpcap. */
CaptureReader *capture_open_live(const char *iface, const CaptureLiveConfig *lc, char *errbuf);
bool capture_live_supported(void); /* built with libpcap */

/* The kernel's counts for a live capture since it opened: packets it saw, dropped for want of
 * buffer, dropped by the interface. False for a file. */
bool capture_live_stats(const CaptureReader *cr, uint64_t *pkts, uint64_t *drops,
                        uint64_t *ifdrops);

/* Fills p->data, len, wire_len, ts, pcap_cnt and linktype of the next packet (other fields are
 * left alone). p->data is borrowed until the next capture_next() on cr. Returns SK_OK, SK_EOF at
 * the end of the last file, or SK_ERR_FORMAT/SK_ERR_IO with errbuf set; a truncated last record
 * ends its file (counted), it is not an error. SK_AGAIN means nothing yet: live, no packet came
 * within the read timeout; from a file or pipe, a signal interrupted read(2) (SIGTERM on an idle
 * pipe). Nothing is lost: the next call resumes the same record. The caller checks its stop
 * flag and calls again; only for live capture may it move its clock by the wall clock.
 * p->ts is within 0..SK_TIME_MAX (see capture_ts_invalid). */
SkResult capture_next(CaptureReader *cr, Packet *p, char *errbuf);

/* Bytes consumed and total bytes of all input files, for progress display. */
void capture_progress(const CaptureReader *cr, uint64_t *done, uint64_t *total);

/* Files that ended in a cut record or bad block (capture.file_truncated style counters). */
uint64_t capture_truncated(const CaptureReader *cr);

/* Records whose timestamp was out of range (before 1970 or past SK_TIME_MAX once if_tsoffset and
 * if_tsresol applied: clamped to the bound) or malformed (a fraction of a second of 1 s or
 * more). Every reader of an input counts the same records. For the run summary: Suricata's EVE
 * stats schema has no key for it (stats.capture allows no other). */
uint64_t capture_ts_invalid(const CaptureReader *cr);

/* Does the decode stage read link type lt? Files and pcapng interfaces of other link types are
 * read (their records keep pcap_cnt in step with the file) and said once; their packets are
 * counted by decode (decoder.unknown_linktype, in decode_thread_counters_own). Suricata's pcap-file reader keeps such a list
 * too and refuses the file. tests/unit/decode checks this list against decode itself. */
bool capture_linktype_decoded(uint16_t lt);

#endif
