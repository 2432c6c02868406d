/* capture.h: packets from capture files. A CaptureReader reads one pcap or pcapng file, or a
 * directory of them in lexical name order as one continuous capture. It streams: a fixed read
 * buffer (grown only to fit the largest record, capped), so memory does not grow with the file.
 * One reader per thread; nothing here locks. */
#ifndef SK_CAPTURE_CAPTURE_H
#define SK_CAPTURE_CAPTURE_H

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

/* Fills p->data, len, wire_len, ts, pcap_cnt and linktype of the next packet (other fields are
 * left alone). p->data is borrowed until the next capture_next() on cr. Returns SK_OK, SK_EOF at
 * the end of the last file, or SK_ERR_FORMAT/SK_ERR_IO with errbuf set; a truncated last record
 * ends its file (counted), it is not an error. */
SkResult capture_next(CaptureReader *cr, Packet *p, char *errbuf);

/* Bytes consumed and total bytes of all input files, for progress display. */
void capture_progress(const CaptureReader *cr, uint64_t *done, uint64_t *total);

/* Files that ended in a cut record or bad block (capture.file_truncated style counters). */
uint64_t capture_truncated(const CaptureReader *cr);

#endif
