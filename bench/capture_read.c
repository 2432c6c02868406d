/* capture_read.c: how fast the capture reader walks a file, record by record, compared with
 * what `cat file >/dev/null` costs. Prints packets, bytes, seconds and MB/s.
 *
 * Build (meson: -Dbench=... is not needed; from the project root):
 *   gcc -std=c11 -D_GNU_SOURCE -O2 -Isrc bench/capture_read.c src/capture/capture.c \
 *       src/capture/pcap.c src/capture/pcapng.c src/core/log.c src/core/time.c \
 *       -o /tmp/capture_read
 * Run: /tmp/capture_read /tmp/bench.pcap   (zstd -dc ../shared/bench/bench.pcap.zst >/tmp/bench.pcap)
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "capture/capture.h"
#include "core/time.h"

int
main(int argc, char **argv)
{
    char errbuf[CAPTURE_ERRBUF_SIZE];
    CaptureReader *cr;
    Packet p;
    uint64_t pkts = 0, bytes = 0, done = 0, total = 0, sum = 0;
    double t0, secs;
    SkResult rc;

    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE-OR-DIR\n", argv[0]);
        return 2;
    }
    t0 = time_mono_s();
    cr = capture_open(argv[1], errbuf);
    if (cr == NULL) {
        fprintf(stderr, "%s\n", errbuf);
        return 1;
    }
    memset(&p, 0, sizeof(p));
    while ((rc = capture_next(cr, &p, errbuf)) == SK_OK) {
        pkts++;
        bytes += p.len;
        sum += p.len ? p.data[0] : 0; /* touch the packet, as a decoder would */
    }
    secs = time_mono_s() - t0;
    if (rc != SK_EOF) {
        fprintf(stderr, "%s\n", errbuf);
    }
    capture_progress(cr, &done, &total);
    printf("packets %" PRIu64 " bytes %" PRIu64 " file %" PRIu64 "/%" PRIu64
           " truncated %" PRIu64 " seconds %.3f MB/s %.0f (check %" PRIu64 ")\n",
        pkts, bytes, done, total, capture_truncated(cr), secs,
        secs > 0 ? (double)total / 1e6 / secs : 0.0, sum);
    capture_close(cr);
    return rc == SK_EOF ? 0 : 1;
}
