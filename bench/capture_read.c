/* capture_read.c: how fast the capture reader walks a file or directory record by record,
 * against the floor of reading the same bytes with plain read(2) (what `cat file >/dev/null`
 * costs). Prints packets, bytes, both times and the reader's MB/s. Run it twice: the first run
 * may measure the disk instead of the page cache.
 *
 * Build, from the project root (no meson target: it is a measuring tool, not part of the engine):
 *   gcc -std=c11 -D_GNU_SOURCE -O2 -Isrc bench/capture_read.c src/capture/capture.c \
 *       src/capture/pcap.c src/capture/pcapng.c src/core/log.c src/core/time.c \
 *       -o /tmp/capture_read
 * Run:
 *   zstd -dc ../shared/bench/bench.pcap.zst >/tmp/bench.pcap && /tmp/capture_read /tmp/bench.pcap
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/capture.h"
#include "core/time.h"

/* Seconds to read path to its end with read(2) alone; negative when it is not a plain file. */
static double
plain_read_s(const char *path)
{
    static uint8_t buf[256 * 1024];
    double t0 = time_mono_s();
    int fd = open(path, O_RDONLY);

    if (fd < 0) {
        return -1.0;
    }
    while (read(fd, buf, sizeof(buf)) > 0) {
    }
    close(fd);
    return time_mono_s() - t0;
}

int
main(int argc, char **argv)
{
    char errbuf[CAPTURE_ERRBUF_SIZE];
    CaptureReader *cr;
    Packet p;
    uint64_t pkts = 0, bytes = 0, done = 0, total = 0, sum = 0;
    double t0, secs, plain;
    SkResult rc;

    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE-OR-DIR\n", argv[0]);
        return 2;
    }
    plain = plain_read_s(argv[1]);
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
        sum += p.len ? p.data[p.len - 1] : 0; /* touch the packet, as a decoder would */
    }
    secs = time_mono_s() - t0;
    if (rc != SK_EOF) {
        fprintf(stderr, "%s\n", errbuf);
    }
    capture_progress(cr, &done, &total);
    printf("packets %" PRIu64 " captured-bytes %" PRIu64 " file-bytes %" PRIu64
           " truncated %" PRIu64 "\n",
           pkts, bytes, total, capture_truncated(cr));
    printf("reader %.3f s (%.0f MB/s), plain read(2) %.3f s (checksum %" PRIu64 ")\n", secs,
           secs > 0 ? (double)total / 1e6 / secs : 0.0, plain, sum);
    capture_close(cr);
    return rc == SK_EOF ? 0 : 1;
}
