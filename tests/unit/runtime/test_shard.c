/* The shard hash's promise: for every packet that gets a flow and that the cheap parse calls
 * simple, its hash equals the hash of the decoded packet's own fields, so a flow seen plain and through the full decoder
 * (tunnels, odd encapsulations) lands on one worker. Checked on real captures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture/capture.h"
#include "decode/decode.h"
#include "runtime/shard.h"

static unsigned
check_capture(const char *path, unsigned *simple)
{
    char err[CAPTURE_ERRBUF_SIZE];
    DecodeConfig dc;
    Packet p;
    unsigned mismatches = 0;

    decode_config_default(&dc);
    DecodeThread *dt = decode_thread_new(&dc);
    CaptureReader *cr = capture_open(path, err);
    assert_non_null(dt);
    if (cr == NULL) {
        decode_thread_free(dt);
        return 0; /* not a capture we read: nothing to check */
    }
    for (;;) {
        packet_reset(&p);
        if (capture_next(cr, &p, err) != SK_OK) {
            break;
        }
        for (int vlan = 0; vlan <= 1; vlan++) {
            uint64_t h;
            if (shard_classify(&p, 42, &dc, vlan, &h) != SHARD_SIMPLE) {
                continue;
            }
            decode_packet(dt, &p);
            if (!decode_packet_wants_flow(&p)) {
                continue; /* no flow (a broken header, non-IP): no worker has to agree */
            }
            (*simple)++;
            if (shard_hash_layer(&p, 42, vlan) != h) {
                mismatches++;
                if (mismatches < 5) {
                    print_message("%s: packet %llu: cheap and decoded shard hashes differ\n", path,
                                  (unsigned long long)p.pcap_cnt);
                }
            }
        }
    }
    capture_close(cr);
    decode_thread_free(dt);
    return mismatches;
}

static unsigned walk_simple, walk_mismatches;

static int
walk_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    size_t n = strlen(path);
    (void)st;
    (void)ftw;
    if (type == FTW_F
        && ((n > 5 && strcmp(path + n - 5, ".pcap") == 0)
            || (n > 7 && strcmp(path + n - 7, ".pcapng") == 0))) {
        walk_mismatches += check_capture(path, &walk_simple);
    }
    return 0;
}

static void
simple_packets_hash_as_their_decoded_fields(void **state)
{
    static const char *const trees[] = {
        "tests/data",           "../shared/bench/smoke.pcap", "../shared/pcaps/tunnels",
        "../shared/pcaps/frag", "../shared/pcaps/tcpdump",
    };
    (void)state;

    walk_simple = walk_mismatches = 0;
    for (size_t i = 0; i < sizeof(trees) / sizeof(trees[0]); i++) {
        if (access(trees[i], R_OK) != 0) {
            print_message("skipping %s: not present (../shared absent)\n", trees[i]);
            continue;
        }
        nftw(trees[i], walk_one, 16, FTW_PHYS);
    }
    print_message("%u flow packets checked\n", walk_simple);
    assert_true(walk_simple > 0);
    assert_int_equal(walk_mismatches, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(simple_packets_hash_as_their_decoded_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
