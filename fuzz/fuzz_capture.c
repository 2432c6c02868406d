/* fuzz_capture.c: libFuzzer harness for the capture reader. The input is a whole pcap or pcapng
 * file; it is put in a memfd and opened by path like any capture, then every packet is read and
 * every byte of it touched, so a record handed out past the buffer's end is caught by ASan.
 *
 * Build: CC=clang meson setup build-fuzz -Dfuzz=true && ninja -C build-fuzz fuzz/fuzz_capture
 * Run:   mkdir -p /tmp/fuzz-capture-corpus
 *        find ../shared/pcaps/tcpdump -name '*.pcap*' -exec cp -t /tmp/fuzz-capture-corpus {} +
 *        build-fuzz/fuzz/fuzz_capture -max_len=65536 -max_total_time=300 /tmp/fuzz-capture-corpus
 * (the corpus copy is scratch: never commit it)
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture/capture.h"
#include "core/log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    log_set_level(LOG_LEVEL_ERROR); /* every cut file would warn once */
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64], errbuf[CAPTURE_ERRBUF_SIZE];
    CaptureReader *cr;
    Packet p;
    uint64_t done = 0, total = 0, prev_cnt = 0;
    volatile uint8_t sink = 0;
    SkResult rc;
    int fd = memfd_create("fuzz-capture", MFD_CLOEXEC);

    if (fd < 0) {
        return 0;
    }
    if (size > 0 && write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    cr = capture_open(path, errbuf);
    if (cr == NULL) {
        if (errbuf[0] == '\0') {
            __builtin_trap(); /* a refusal must say why */
        }
        close(fd);
        return 0;
    }
    memset(&p, 0, sizeof(p));
    while ((rc = capture_next(cr, &p, errbuf)) == SK_OK) {
        if (p.wire_len < p.len || p.pcap_cnt != prev_cnt + 1 || (p.len > 0 && p.data == NULL)) {
            __builtin_trap();
        }
        prev_cnt = p.pcap_cnt;
        for (uint32_t i = 0; i < p.len; i++) {
            sink ^= p.data[i];
        }
    }
    capture_progress(cr, &done, &total);
    if (rc == SK_EOF && done != total) {
        __builtin_trap(); /* the whole file was walked, so progress must be complete */
    }
    (void)sink;
    capture_close(cr);
    close(fd);
    return 0;
}
