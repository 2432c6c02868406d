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
 * when it cannot be opened or is not a capture. */
CaptureReader *capture_open(const char *path, char *errbuf);
void capture_close(CaptureReader *cr); /* accepts NULL */

/* Live capture from a network interface (libpcap). Suricata's `pcap:` settings for it. */
typedef struct {
    uint32_t snaplen;       /* bytes kept of each frame; 0: all */
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
 * the end of the last file, SK_AGAIN (live only) when no packet came within the read timeout,
 * or SK_ERR_FORMAT/SK_ERR_IO with errbuf set; a truncated last record ends its file (counted),
 * it is not an error. */
SkResult capture_next(CaptureReader *cr, Packet *p, char *errbuf);

/* Bytes consumed and total bytes of all input files, for progress display. */
void capture_progress(const CaptureReader *cr, uint64_t *done, uint64_t *total);

/* Files that ended in a cut record or bad block (capture.file_truncated style counters). */
uint64_t capture_truncated(const CaptureReader *cr);

#endif
