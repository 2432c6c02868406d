/* test_capture.c: the capture reader on small files written from inline bytes (both byte orders,
 * nanosecond pcap, pcapng sections and interfaces, cut and corrupt records, directories), and on
 * the shared corpus, whose packet counts must match its manifest (capinfos' counts). */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

#include <cmocka.h>

#include "capture/capture.h"
#include "core/log.h"

#define TS(sec, usec) ((SkTime)(sec)*1000000u + (usec))

typedef struct {
    char dir[64];
} TestDir;

static int
dir_setup(void **state)
{
    TestDir *td = calloc(1, sizeof(*td));

    if (td == NULL) {
        return -1;
    }
    snprintf(td->dir, sizeof(td->dir), "/tmp/sk-capture-XXXXXX");
    if (mkdtemp(td->dir) == NULL) {
        free(td);
        return -1;
    }
    *state = td;
    return 0;
}

/* Removes the files the tests wrote: one level, plus empty subdirectories. */
static int
dir_teardown(void **state)
{
    TestDir *td = *state;
    DIR *d = opendir(td->dir);
    struct dirent *de;
    char path[512];

    while (d != NULL && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) {
            continue;
        }
        snprintf(path, sizeof(path), "%s/%s", td->dir, de->d_name);
        if (unlink(path) != 0) {
            rmdir(path);
        }
    }
    if (d != NULL) {
        closedir(d);
    }
    rmdir(td->dir);
    free(td);
    return 0;
}

static void
file_write(const TestDir *td, const char *name, const uint8_t *bytes, size_t len, char *path)
{
    FILE *fp;

    snprintf(path, 512, "%s/%s", td->dir, name);
    fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(bytes, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

/* ---- inline captures ---- */

/* Little-endian, microseconds, Ethernet: two records, the first cut by the snaplen. */
static const uint8_t pcap_le_usec[] = {
    0xd4, 0xc3, 0xb2, 0xa1, /* magic: little-endian, microseconds */
    0x02, 0x00, 0x04, 0x00, /* version 2.4 */
    0x00, 0x00, 0x00, 0x00, /* thiszone */
    0x00, 0x00, 0x00, 0x00, /* sigfigs */
    0xff, 0xff, 0x00, 0x00, /* snaplen 65535 */
    0x01, 0x00, 0x00, 0x00, /* link type 1, Ethernet */
    0x00, 0xf1, 0x53, 0x65, /* ts_sec 1700000000 */
    0x40, 0xe2, 0x01, 0x00, /* ts_usec 123456 */
    0x04, 0x00, 0x00, 0x00, /* caplen 4 */
    0x3c, 0x00, 0x00, 0x00, /* len 60 */
    0xde, 0xad, 0xbe, 0xef, /* data */
    0x01, 0xf1, 0x53, 0x65, /* ts_sec 1700000001 */
    0x00, 0x00, 0x00, 0x00, /* ts_usec 0 */
    0x02, 0x00, 0x00, 0x00, /* caplen 2 */
    0x02, 0x00, 0x00, 0x00, /* len 2 */
    0x01, 0x02,             /* data */
};

/* Big-endian, nanoseconds, raw IP: one record. */
static const uint8_t pcap_be_nsec[] = {
    0xa1, 0xb2, 0x3c, 0x4d, /* magic: big-endian, nanoseconds */
    0x00, 0x02, 0x00, 0x04, /* version 2.4 */
    0x00, 0x00, 0x00, 0x00, /* thiszone */
    0x00, 0x00, 0x00, 0x00, /* sigfigs */
    0x00, 0x00, 0xff, 0xff, /* snaplen 65535 */
    0x00, 0x00, 0x00, 0x65, /* link type 101, raw IP */
    0x65, 0x53, 0xf1, 0x00, /* ts_sec 1700000000 */
    0x3b, 0x9a, 0xc9, 0xff, /* ts_nsec 999999999 */
    0x00, 0x00, 0x00, 0x03, /* caplen 3 */
    0x00, 0x00, 0x00, 0x03, /* len 3 */
    0x45, 0x00, 0x00,       /* data */
};

/* pcapng, little-endian: interface 0 Ethernet in microseconds with snaplen 8, interface 1 raw IP
 * in nanoseconds 16 s ahead (if_tsoffset); an EPB on each, an unknown block, an SPB. */
static const uint8_t pcapng_two_ifaces[] = {
    0x0a, 0x0d, 0x0d, 0x0a,                         /* SHB */
    0x1c, 0x00, 0x00, 0x00,                         /* block length 28 */
    0x4d, 0x3c, 0x2b, 0x1a,                         /* byte-order magic: little-endian */
    0x01, 0x00, 0x00, 0x00,                         /* version 1.0 */
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* section length unknown */
    0x1c, 0x00, 0x00, 0x00,                         /* block length 28 */

    0x01, 0x00, 0x00, 0x00, /* IDB 0 */
    0x14, 0x00, 0x00, 0x00, /* block length 20 */
    0x01, 0x00, 0x00, 0x00, /* link type 1, reserved */
    0x08, 0x00, 0x00, 0x00, /* snaplen 8 */
    0x14, 0x00, 0x00, 0x00, /* block length 20 */

    0x01, 0x00, 0x00, 0x00,                         /* IDB 1 */
    0x2c, 0x00, 0x00, 0x00,                         /* block length 44 */
    0x65, 0x00, 0x00, 0x00,                         /* link type 101, reserved */
    0xff, 0xff, 0x00, 0x00,                         /* snaplen 65535 */
    0x09, 0x00, 0x01, 0x00,                         /* if_tsresol, 1 byte */
    0x09, 0x00, 0x00, 0x00,                         /* 10^-9 s, padding */
    0x0e, 0x00, 0x08, 0x00,                         /* if_tsoffset, 8 bytes */
    0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* 16 s */
    0x00, 0x00, 0x00, 0x00,                         /* opt_endofopt */
    0x2c, 0x00, 0x00, 0x00,                         /* block length 44 */

    0x06, 0x00, 0x00, 0x00, /* EPB */
    0x24, 0x00, 0x00, 0x00, /* block length 36 */
    0x01, 0x00, 0x00, 0x00, /* interface 1 */
    0xfe, 0x9c, 0x97, 0x17, /* ts high: 1700000000123456789 ns */
    0x15, 0xcd, 0x85, 0x3d, /* ts low */
    0x03, 0x00, 0x00, 0x00, /* caplen 3 */
    0x03, 0x00, 0x00, 0x00, /* len 3 */
    0x45, 0x00, 0x00, 0x00, /* data, padding */
    0x24, 0x00, 0x00, 0x00, /* block length 36 */

    0xad, 0x0b, 0x00, 0x00, /* a block type we do not know */
    0x10, 0x00, 0x00, 0x00, /* block length 16 */
    0x55, 0x55, 0x55, 0x55, /* its body */
    0x10, 0x00, 0x00, 0x00, /* block length 16 */

    0x06, 0x00, 0x00, 0x00,                         /* EPB */
    0x28, 0x00, 0x00, 0x00,                         /* block length 40 */
    0x00, 0x00, 0x00, 0x00,                         /* interface 0 */
    0x24, 0x0a, 0x06, 0x00,                         /* ts high: 1700000000000001 us */
    0x01, 0x40, 0x1e, 0x18,                         /* ts low */
    0x05, 0x00, 0x00, 0x00,                         /* caplen 5 */
    0x40, 0x00, 0x00, 0x00,                         /* len 64 */
    0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x00, 0x00, /* data, padding */
    0x28, 0x00, 0x00, 0x00,                         /* block length 40 */

    0x03, 0x00, 0x00, 0x00, /* SPB */
    0x18, 0x00, 0x00, 0x00, /* block length 24 */
    0x20, 0x00, 0x00, 0x00, /* original length 32, cut to interface 0's snaplen 8 */
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, /* data */
    0x18, 0x00, 0x00, 0x00,                         /* block length 24 */
};

/* pcapng: a big-endian section (Linux SLL, 2^-10 s, obsolete Packet Block), then a
 * little-endian section (raw IPv4) whose interface 0 is new, then a block with a bad length. */
static const uint8_t pcapng_two_sections[] = {
    0x0a, 0x0d, 0x0d, 0x0a,                         /* SHB */
    0x00, 0x00, 0x00, 0x1c,                         /* block length 28 */
    0x1a, 0x2b, 0x3c, 0x4d,                         /* byte-order magic: big-endian */
    0x00, 0x01, 0x00, 0x00,                         /* version 1.0 */
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* section length unknown */
    0x00, 0x00, 0x00, 0x1c,                         /* block length 28 */

    0x00, 0x00, 0x00, 0x01, /* IDB 0 */
    0x00, 0x00, 0x00, 0x1c, /* block length 28 */
    0x00, 0x71, 0x00, 0x00, /* link type 113, Linux SLL; reserved */
    0x00, 0x00, 0xff, 0xff, /* snaplen 65535 */
    0x00, 0x09, 0x00, 0x01, /* if_tsresol, 1 byte; no opt_endofopt follows */
    0x8a, 0x00, 0x00, 0x00, /* 2^-10 s, padding */
    0x00, 0x00, 0x00, 0x1c, /* block length 28 */

    0x00, 0x00, 0x00, 0x02, /* obsolete Packet Block */
    0x00, 0x00, 0x00, 0x24, /* block length 36 */
    0x00, 0x00, 0x00, 0x00, /* interface 0, drops 0 */
    0x00, 0x00, 0x01, 0x95, /* ts high: 1700000000.5 s in 1/1024 s units */
    0x4f, 0xc4, 0x02, 0x00, /* ts low */
    0x00, 0x00, 0x00, 0x04, /* caplen 4 */
    0x00, 0x00, 0x00, 0x04, /* len 4 */
    0xca, 0xfe, 0xba, 0xbe, /* data */
    0x00, 0x00, 0x00, 0x24, /* block length 36 */

    0x0a, 0x0d, 0x0d, 0x0a,                         /* SHB */
    0x1c, 0x00, 0x00, 0x00,                         /* block length 28 */
    0x4d, 0x3c, 0x2b, 0x1a,                         /* byte-order magic: little-endian */
    0x01, 0x00, 0x00, 0x00,                         /* version 1.0 */
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* section length unknown */
    0x1c, 0x00, 0x00, 0x00,                         /* block length 28 */

    0x01, 0x00, 0x00, 0x00, /* IDB 0 of the new section */
    0x14, 0x00, 0x00, 0x00, /* block length 20 */
    0xe4, 0x00, 0x00, 0x00, /* link type 228, raw IPv4 */
    0x00, 0x00, 0x00, 0x00, /* snaplen 0: none */
    0x14, 0x00, 0x00, 0x00, /* block length 20 */

    0x06, 0x00, 0x00, 0x00, /* EPB */
    0x24, 0x00, 0x00, 0x00, /* block length 36 */
    0x00, 0x00, 0x00, 0x00, /* interface 0 */
    0x00, 0x00, 0x00, 0x00, /* ts high */
    0x07, 0x00, 0x00, 0x00, /* ts low: 7 us */
    0x01, 0x00, 0x00, 0x00, /* caplen 1 */
    0x01, 0x00, 0x00, 0x00, /* len 1 */
    0x45, 0x00, 0x00, 0x00, /* data, padding */
    0x24, 0x00, 0x00, 0x00, /* block length 36 */

    0x06, 0x00, 0x00, 0x00, /* EPB */
    0x0d, 0x00, 0x00, 0x00, /* block length 13: not a multiple of 4 */
    0x00, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x00, 0x00,
};

/* Opens path, reads every packet into pkts (up to max), returns the count. */
static size_t
read_all(const char *path, Packet *pkts, size_t max, uint64_t *truncated)
{
    char errbuf[CAPTURE_ERRBUF_SIZE] = "";
    CaptureReader *cr = capture_open(path, errbuf);
    Packet p;
    size_t n = 0;
    SkResult rc;
    uint64_t done = 0, total = 0;

    assert_non_null(cr);
    memset(&p, 0, sizeof(p));
    while ((rc = capture_next(cr, &p, errbuf)) == SK_OK) {
        assert_true(n < max);
        pkts[n++] = p; /* p.data dies at the next call: callers compare fields only */
    }
    assert_int_equal(rc, SK_EOF);
    assert_int_equal(capture_next(cr, &p, errbuf), SK_EOF); /* stays at the end */
    capture_progress(cr, &done, &total);
    assert_int_equal(done, total);
    if (truncated != NULL) {
        *truncated = capture_truncated(cr);
    }
    capture_close(cr);
    return n;
}

static void
pcap_little_endian_microseconds_reads_each_record(void **state)
{
    TestDir *td = *state;
    char path[512], errbuf[CAPTURE_ERRBUF_SIZE];
    CaptureReader *cr;
    Packet p;
    uint64_t done = 0, total = 0;

    file_write(td, "le.pcap", pcap_le_usec, sizeof(pcap_le_usec), path);
    cr = capture_open(path, errbuf);
    assert_non_null(cr);
    memset(&p, 0, sizeof(p));

    assert_int_equal(capture_next(cr, &p, errbuf), SK_OK);
    assert_int_equal(p.len, 4);
    assert_int_equal(p.wire_len, 60);
    assert_int_equal(p.ts, TS(1700000000, 123456));
    assert_int_equal(p.linktype, 1);
    assert_int_equal(p.pcap_cnt, 1);
    assert_memory_equal(p.data, "\xde\xad\xbe\xef", 4);
    capture_progress(cr, &done, &total);
    assert_int_equal(total, sizeof(pcap_le_usec));
    assert_true(done > 0 && done < total);

    assert_int_equal(capture_next(cr, &p, errbuf), SK_OK);
    assert_int_equal(p.len, 2);
    assert_int_equal(p.ts, TS(1700000001, 0));
    assert_int_equal(p.pcap_cnt, 2);
    assert_memory_equal(p.data, "\x01\x02", 2);

    assert_int_equal(capture_next(cr, &p, errbuf), SK_EOF);
    assert_int_equal(capture_truncated(cr), 0);
    capture_progress(cr, &done, &total);
    assert_int_equal(done, total);
    capture_close(cr);
}

static void
pcap_big_endian_nanoseconds_become_microseconds(void **state)
{
    TestDir *td = *state;
    char path[512];
    Packet pkts[4];
    uint64_t trunc = 1;

    file_write(td, "be.pcap", pcap_be_nsec, sizeof(pcap_be_nsec), path);
    assert_int_equal(read_all(path, pkts, 4, &trunc), 1);
    assert_int_equal(trunc, 0);
    assert_int_equal(pkts[0].ts, TS(1700000000, 999999));
    assert_int_equal(pkts[0].linktype, 101);
    assert_int_equal(pkts[0].len, 3);
    assert_int_equal(pkts[0].wire_len, 3);
}

static void
pcap_cut_last_record_ends_file_counted(void **state)
{
    TestDir *td = *state;
    char path[512];
    uint8_t raw[sizeof(pcap_le_usec) + 16 + 5];
    const uint8_t cut_hdr[16] = {
        0x02, 0xf1, 0x53, 0x65, /* ts_sec */
        0x00, 0x00, 0x00, 0x00, /* ts_usec */
        0x0a, 0x00, 0x00, 0x00, /* caplen 10, of which 5 follow */
        0x0a, 0x00, 0x00, 0x00, /* len 10 */
    };
    Packet pkts[4];
    uint64_t trunc = 0;

    memcpy(raw, pcap_le_usec, sizeof(pcap_le_usec));
    memcpy(raw + sizeof(pcap_le_usec), cut_hdr, sizeof(cut_hdr));
    memset(raw + sizeof(pcap_le_usec) + 16, 0x77, 5);
    file_write(td, "cut.pcap", raw, sizeof(raw), path);
    assert_int_equal(read_all(path, pkts, 4, &trunc), 2);
    assert_int_equal(trunc, 1);

    /* A record header itself cut short: the same. */
    file_write(td, "cuthdr.pcap", raw, sizeof(pcap_le_usec) + 7, path);
    assert_int_equal(read_all(path, pkts, 4, &trunc), 2);
    assert_int_equal(trunc, 1);
}

static void
pcap_absurd_caplen_ends_file_counted(void **state)
{
    TestDir *td = *state;
    char path[512];
    uint8_t raw[24 + 16 + 64];
    Packet pkts[2];
    uint64_t trunc = 0;

    memset(raw, 0, sizeof(raw));
    memcpy(raw, pcap_le_usec, 24);
    raw[24 + 8 + 2] = 0x10; /* caplen 0x00100000: 1 MiB, beyond any snaplen */
    raw[24 + 12] = 0x40;
    file_write(td, "huge.pcap", raw, sizeof(raw), path);
    assert_int_equal(read_all(path, pkts, 2, &trunc), 0);
    assert_int_equal(trunc, 1);
}

static void
pcap_header_only_has_no_packets(void **state)
{
    TestDir *td = *state;
    char path[512];
    Packet pkts[1];
    uint64_t trunc = 1;

    file_write(td, "empty.pcap", pcap_le_usec, 24, path);
    assert_int_equal(read_all(path, pkts, 1, &trunc), 0);
    assert_int_equal(trunc, 0);
}

static void
pcapng_interfaces_give_link_type_and_time_unit(void **state)
{
    TestDir *td = *state;
    char path[512];
    Packet pkts[4];
    uint64_t trunc = 1;

    file_write(td, "two.pcapng", pcapng_two_ifaces, sizeof(pcapng_two_ifaces), path);
    assert_int_equal(read_all(path, pkts, 4, &trunc), 3);
    assert_int_equal(trunc, 0);

    assert_int_equal(pkts[0].linktype, 101);
    assert_int_equal(pkts[0].ts, TS(1700000000 + 16, 123456)); /* ns cut to us, +16 s */
    assert_int_equal(pkts[0].len, 3);
    assert_int_equal(pkts[0].pcap_cnt, 1);

    assert_int_equal(pkts[1].linktype, 1);
    assert_int_equal(pkts[1].ts, TS(1700000000, 1));
    assert_int_equal(pkts[1].len, 5);
    assert_int_equal(pkts[1].wire_len, 64);
    assert_int_equal(pkts[1].pcap_cnt, 2);

    /* SPB: interface 0, its snaplen, and the previous packet's time. */
    assert_int_equal(pkts[2].linktype, 1);
    assert_int_equal(pkts[2].len, 8);
    assert_int_equal(pkts[2].wire_len, 32);
    assert_int_equal(pkts[2].ts, TS(1700000000, 1));
    assert_int_equal(pkts[2].pcap_cnt, 3);
}

static void
pcapng_each_section_has_its_byte_order_and_interfaces(void **state)
{
    TestDir *td = *state;
    char path[512];
    Packet pkts[4];
    uint64_t trunc = 0;

    file_write(td, "sections.pcapng", pcapng_two_sections, sizeof(pcapng_two_sections), path);
    assert_int_equal(read_all(path, pkts, 4, &trunc), 2);
    assert_int_equal(trunc, 1); /* the block of length 13 */

    assert_int_equal(pkts[0].linktype, 113);
    assert_int_equal(pkts[0].ts, TS(1700000000, 500000)); /* 2^-10 s units */
    assert_int_equal(pkts[0].len, 4);

    assert_int_equal(pkts[1].linktype, 228);
    assert_int_equal(pkts[1].ts, 7);
}

static void
pcapng_packet_on_undescribed_interface_ends_file(void **state)
{
    TestDir *td = *state;
    char path[512];
    uint8_t raw[28 + 20 + 36];
    Packet pkts[2];
    uint64_t trunc = 0;

    /* SHB, IDB 0, then the first EPB of pcapng_two_ifaces, which names interface 1. */
    memcpy(raw, pcapng_two_ifaces, 28 + 20);
    memcpy(raw + 48, pcapng_two_ifaces + 28 + 20 + 44, 36);
    file_write(td, "noif.pcapng", raw, sizeof(raw), path);
    assert_int_equal(read_all(path, pkts, 2, &trunc), 0);
    assert_int_equal(trunc, 1);
}

static void
pcapng_cut_block_ends_file_counted(void **state)
{
    TestDir *td = *state;
    char path[512];
    Packet pkts[4];
    uint64_t trunc = 0;

    /* Cut inside the last block (the SPB): two packets, then the cut is counted. */
    file_write(td, "cut.pcapng", pcapng_two_ifaces, sizeof(pcapng_two_ifaces) - 6, path);
    assert_int_equal(read_all(path, pkts, 4, &trunc), 2);
    assert_int_equal(trunc, 1);
}

static void
directory_reads_captures_in_strcmp_order_as_one(void **state)
{
    TestDir *td = *state;
    char path[512], sub[512];
    Packet pkts[16];
    uint64_t trunc = 1;

    /* Written out of order; 'Z' sorts before 'a' under strcmp whatever the locale says. */
    file_write(td, "c.pcapng", pcapng_two_ifaces, sizeof(pcapng_two_ifaces), path);
    file_write(td, "a.pcap", pcap_le_usec, sizeof(pcap_le_usec), path);
    file_write(td, "notes.txt", (const uint8_t *)"not a capture\n", 14, path);
    file_write(td, "b.pcap", pcap_be_nsec, sizeof(pcap_be_nsec), path);
    file_write(td, "Z.pcap", pcap_be_nsec, sizeof(pcap_be_nsec), path);
    snprintf(sub, sizeof(sub), "%s/d.pcap", td->dir); /* a subdirectory: not read */
    assert_int_equal(mkdir(sub, 0700), 0);

    assert_int_equal(read_all(td->dir, pkts, 16, &trunc), 1 + 2 + 1 + 3);
    assert_int_equal(trunc, 0);
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(pkts[i].pcap_cnt, i + 1);
    }
    assert_int_equal(pkts[0].linktype, 101);              /* Z.pcap */
    assert_int_equal(pkts[1].ts, TS(1700000000, 123456)); /* a.pcap */
    assert_int_equal(pkts[2].ts, TS(1700000001, 0));
    assert_int_equal(pkts[3].ts, TS(1700000000, 999999)); /* b.pcap */
    assert_int_equal(pkts[4].linktype, 101);              /* c.pcapng */
    assert_int_equal(pkts[6].len, 8);
}

static void
non_capture_file_is_refused(void **state)
{
    TestDir *td = *state;
    char path[512], want[600], errbuf[CAPTURE_ERRBUF_SIZE] = "";

    file_write(td, "notes.txt", (const uint8_t *)"GET / HTTP/1.1\r\n\r\n", 18, path);
    assert_null(capture_open(path, errbuf));
    snprintf(want, sizeof(want), "capture: %s: not a pcap or pcapng file", path);
    assert_string_equal(errbuf, want);

    file_write(td, "empty", (const uint8_t *)"", 0, path);
    assert_null(capture_open(path, errbuf));
    snprintf(want, sizeof(want), "capture: %s: not a pcap or pcapng file", path);
    assert_string_equal(errbuf, want);

    /* A pcap magic, then not enough for the file header. */
    file_write(td, "stub.pcap", pcap_le_usec, 10, path);
    assert_null(capture_open(path, errbuf));
    assert_non_null(strstr(errbuf, "cut short"));
}

static void
missing_path_is_refused_with_strerror(void **state)
{
    TestDir *td = *state;
    char path[512], want[600], errbuf[CAPTURE_ERRBUF_SIZE] = "";

    snprintf(path, sizeof(path), "%s/nothing-here.pcap", td->dir);
    assert_null(capture_open(path, errbuf));
    snprintf(want, sizeof(want), "capture: %s: %s", path, strerror(ENOENT));
    assert_string_equal(errbuf, want);
}

/* Suricata 8.0.7 reads a directory without captures as a run of no files (exit 0): the
 * reader opens, logs a warning and is at its end at once, and so is a second reader. */
static void
directory_without_captures_reads_as_nothing(void **state)
{
    TestDir *td = *state;
    char path[512], errbuf[CAPTURE_ERRBUF_SIZE] = "";
    CaptureReader *cr, *again;
    Packet p;

    file_write(td, "readme", (const uint8_t *)"hello", 5, path);
    cr = capture_open(td->dir, errbuf);
    assert_non_null(cr);
    memset(&p, 0, sizeof(p));
    assert_int_equal(capture_next(cr, &p, errbuf), SK_EOF);
    again = capture_reopen(cr, errbuf);
    assert_non_null(again);
    assert_int_equal(capture_next(again, &p, errbuf), SK_EOF);
    capture_close(again);
    capture_close(cr);
}

/* ---- generated captures, for sizes no inline array shows ---- */

typedef struct {
    uint8_t *b;
    size_t len, cap;
} Bytes;

static void
bytes_put(Bytes *bs, const void *src, size_t n)
{
    if (bs->len + n > bs->cap) {
        bs->cap = (bs->len + n) * 2;
        bs->b = realloc(bs->b, bs->cap);
        assert_non_null(bs->b);
    }
    memcpy(bs->b + bs->len, src, n);
    bs->len += n;
}

static void
bytes_le32(Bytes *bs, uint32_t v)
{
    const uint8_t le[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};

    bytes_put(bs, le, 4);
}

/* Record i's bytes: its index in the first four, then i + offset, so a byte from the wrong
 * place or a stale buffer shows. */
static void
record_fill(uint8_t *data, uint32_t len, uint32_t i)
{
    for (uint32_t k = 0; k < len; k++) {
        data[k] = (uint8_t)(i + k);
    }
    if (len >= 4) {
        memcpy(data, &i, 4);
    }
}

static bool
record_check(const Packet *p, uint32_t i)
{
    if (p->len >= 4 && memcmp(p->data, &i, 4) != 0) {
        return false;
    }
    /* the last byte too: a record cut at a refill boundary would differ there */
    return p->len < 5 || p->data[p->len - 1] == (uint8_t)(i + p->len - 1);
}

/* 3000 records of 0..1499 bytes with one of the largest allowed size (256 KiB) in the middle:
 * records straddle every refill, and the big one makes the buffer grow. */
#define GEN_RECORDS 3000u
#define GEN_BIG_AT 1500u

static uint32_t
gen_len(uint32_t i)
{
    return i == GEN_BIG_AT ? 256u * 1024u : (i * 7919u) % 1500u;
}

static void
gen_pcap(Bytes *bs)
{
    uint8_t *data = malloc(256u * 1024u);

    assert_non_null(data);
    bytes_put(bs, pcap_le_usec, 24);
    for (uint32_t i = 0; i < GEN_RECORDS; i++) {
        uint32_t len = gen_len(i);

        bytes_le32(bs, 1000 + i); /* ts_sec */
        bytes_le32(bs, i);        /* ts_usec */
        bytes_le32(bs, len);
        bytes_le32(bs, len);
        record_fill(data, len, i);
        bytes_put(bs, data, len);
    }
    free(data);
}

static void
pcap_records_across_buffer_refills_arrive_whole(void **state)
{
    TestDir *td = *state;
    char path[512], errbuf[CAPTURE_ERRBUF_SIZE];
    Bytes bs = {0};
    CaptureReader *cr;
    Packet p;
    uint32_t n = 0;

    gen_pcap(&bs);
    file_write(td, "gen.pcap", bs.b, bs.len, path);
    free(bs.b);
    cr = capture_open(path, errbuf);
    assert_non_null(cr);
    memset(&p, 0, sizeof(p));
    while (capture_next(cr, &p, errbuf) == SK_OK) {
        assert_true(n < GEN_RECORDS);
        assert_int_equal(p.len, gen_len(n));
        assert_int_equal(p.ts, TS(1000 + n, n));
        assert_true(record_check(&p, n));
        n++;
    }
    assert_int_equal(n, GEN_RECORDS);
    assert_int_equal(capture_truncated(cr), 0);
    capture_close(cr);
}

/* pcapng: a 600 KiB block of an unknown type (skipped by seeking, or by reading on a pipe), then
 * an EPB. */
static void
gen_pcapng_big_skip(Bytes *bs)
{
    static const uint8_t zeros[4096];
    const uint32_t skip_len = 600u * 1024u;

    bytes_put(bs, pcapng_two_ifaces, 28 + 20); /* SHB, IDB 0 (Ethernet, us) */
    bytes_le32(bs, 0x00000bad);
    bytes_le32(bs, skip_len);
    for (uint32_t done = 8; done < skip_len - 4; done += 4096) {
        bytes_put(bs, zeros, skip_len - 4 - done < 4096 ? skip_len - 4 - done : 4096);
    }
    bytes_le32(bs, skip_len);
    bytes_put(bs, pcapng_two_ifaces + 28 + 20 + 44 + 36 + 16, 40); /* EPB on interface 0 */
}

static void
pcapng_large_unknown_block_is_skipped(void **state)
{
    TestDir *td = *state;
    char path[512];
    Bytes bs = {0};
    Packet pkts[2];
    uint64_t trunc = 1;

    gen_pcapng_big_skip(&bs);
    file_write(td, "skip.pcapng", bs.b, bs.len, path);
    free(bs.b);
    assert_int_equal(read_all(path, pkts, 2, &trunc), 1);
    assert_int_equal(trunc, 0);
    assert_int_equal(pkts[0].len, 5);
    assert_int_equal(pkts[0].ts, TS(1700000000, 1));
}

typedef struct {
    const char *path;
    const uint8_t *bytes;
    size_t len;
} FifoFeed;

static void *
fifo_feed(void *arg)
{
    const FifoFeed *ff = arg;
    FILE *fp = fopen(ff->path, "wb");

    if (fp != NULL) {
        fwrite(ff->bytes, 1, ff->len, fp);
        fclose(fp);
    }
    return NULL;
}

/* A pipe (sekimori -r /dev/stdin): no size, no seeking; skipping reads through. */
static void
pipe_is_read_as_a_stream(void **state)
{
    TestDir *td = *state;
    char path[512], errbuf[CAPTURE_ERRBUF_SIZE];
    Bytes bs = {0};
    FifoFeed ff;
    pthread_t writer;
    CaptureReader *cr;
    Packet p;
    uint64_t done = 1, total = 1;

    gen_pcapng_big_skip(&bs);
    snprintf(path, sizeof(path), "%s/fifo", td->dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    ff = (FifoFeed){.path = path, .bytes = bs.b, .len = bs.len};
    assert_int_equal(pthread_create(&writer, NULL, fifo_feed, &ff), 0);
    cr = capture_open(path, errbuf);
    assert_non_null(cr);
    memset(&p, 0, sizeof(p));
    assert_int_equal(capture_next(cr, &p, errbuf), SK_OK);
    assert_int_equal(p.len, 5);
    assert_int_equal(capture_next(cr, &p, errbuf), SK_EOF);
    assert_int_equal(capture_truncated(cr), 0);
    capture_progress(cr, &done, &total);
    assert_int_equal(total, 0); /* unknown for a pipe */
    capture_close(cr);
    pthread_join(writer, NULL);
    free(bs.b);
}

typedef struct {
    const char *path;
    uint64_t pkts;
    uint64_t len_sum;
} ThreadRead;

static void *
thread_read(void *arg)
{
    ThreadRead *tr = arg;
    char errbuf[CAPTURE_ERRBUF_SIZE];
    CaptureReader *cr = capture_open(tr->path, errbuf);
    Packet p;

    if (cr == NULL) {
        return NULL;
    }
    memset(&p, 0, sizeof(p));
    while (capture_next(cr, &p, errbuf) == SK_OK) {
        tr->pkts++;
        tr->len_sum += p.len + (p.len > 0 ? p.data[p.len - 1] : 0u);
    }
    capture_close(cr);
    return NULL;
}

/* Workers may each walk the same file: readers share nothing. */
static void
readers_in_two_threads_on_one_file_agree(void **state)
{
    TestDir *td = *state;
    char path[512];
    Bytes bs = {0};
    ThreadRead tr[2];
    pthread_t th[2];

    gen_pcap(&bs);
    file_write(td, "gen.pcap", bs.b, bs.len, path);
    free(bs.b);
    for (int i = 0; i < 2; i++) {
        tr[i] = (ThreadRead){.path = path};
        assert_int_equal(pthread_create(&th[i], NULL, thread_read, &tr[i]), 0);
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(th[i], NULL);
    }
    assert_int_equal(tr[0].pkts, GEN_RECORDS);
    assert_int_equal(tr[1].pkts, GEN_RECORDS);
    assert_int_equal(tr[0].len_sum, tr[1].len_sum);
}

/* Issue 13: an empty directory handed qsort a NULL array (UBSan). It reads as nothing, like
 * one without captures. */
static void
empty_directory_reads_as_nothing(void **state)
{
    TestDir *td = *state;
    char errbuf[CAPTURE_ERRBUF_SIZE] = "";
    CaptureReader *cr = capture_open(td->dir, errbuf);
    Packet p;

    assert_non_null(cr);
    memset(&p, 0, sizeof(p));
    assert_int_equal(capture_next(cr, &p, errbuf), SK_EOF);
    capture_close(cr);
}

/* ---- reopening (workers run mode) ---- */

static void
regular_files_and_directories_are_reopenable(void **state)
{
    TestDir *td = *state;
    char path[512], errbuf[CAPTURE_ERRBUF_SIZE];
    CaptureReader *cr, *again;
    Packet p;

    file_write(td, "a.pcap", pcap_le_usec, sizeof(pcap_le_usec), path);
    cr = capture_open(path, errbuf);
    assert_non_null(cr);
    assert_true(capture_is_reopenable(cr));
    memset(&p, 0, sizeof(p));
    assert_int_equal(capture_next(cr, &p, errbuf), SK_OK);

    /* A second reader starts at the beginning, whatever the first has read. */
    again = capture_reopen(cr, errbuf);
    assert_non_null(again);
    assert_int_equal(capture_next(again, &p, errbuf), SK_OK);
    assert_int_equal(p.pcap_cnt, 1);
    assert_int_equal(p.ts, TS(1700000000, 123456));
    capture_close(again);
    capture_close(cr);

    /* A directory: the second reader reads the first one's list, even after a new file came. */
    file_write(td, "b.pcap", pcap_be_nsec, sizeof(pcap_be_nsec), path);
    cr = capture_open(td->dir, errbuf);
    assert_non_null(cr);
    assert_true(capture_is_reopenable(cr));
    file_write(td, "c.pcap", pcap_be_nsec, sizeof(pcap_be_nsec), path);
    again = capture_reopen(cr, errbuf);
    assert_non_null(again);
    size_t n = 0;
    while (capture_next(again, &p, errbuf) == SK_OK) {
        n++;
    }
    assert_int_equal(n, 3); /* a.pcap's two and b.pcap's one; not c.pcap's */
    capture_close(again);
    capture_close(cr);
}

static void
pipes_and_stdin_are_not_reopenable(void **state)
{
    TestDir *td = *state;
    char path[512], errbuf[CAPTURE_ERRBUF_SIZE];
    FifoFeed ff;
    pthread_t writer;
    CaptureReader *cr;
    int saved, fd;

    snprintf(path, sizeof(path), "%s/fifo", td->dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    ff = (FifoFeed){.path = path, .bytes = pcap_le_usec, .len = sizeof(pcap_le_usec)};
    assert_int_equal(pthread_create(&writer, NULL, fifo_feed, &ff), 0);
    cr = capture_open(path, errbuf);
    assert_non_null(cr);
    assert_false(capture_is_reopenable(cr));
    assert_null(capture_reopen(cr, errbuf));
    assert_non_null(strstr(errbuf, "cannot be read by a second reader"));
    capture_close(cr);
    pthread_join(writer, NULL);

    /* /dev/stdin names this process's fd 0, even when that is a regular file. */
    file_write(td, "in.pcap", pcap_le_usec, sizeof(pcap_le_usec), path);
    saved = dup(0);
    fd = open(path, O_RDONLY);
    assert_true(saved >= 0 && fd >= 0);
    assert_int_equal(dup2(fd, 0), 0);
    close(fd);
    cr = capture_open("/dev/stdin", errbuf);
    assert_int_equal(dup2(saved, 0), 0);
    close(saved);
    assert_non_null(cr);
    assert_false(capture_is_reopenable(cr));
    capture_close(cr);
}

/* ---- timestamps (issue 13) ---- */

static void
bytes_le16(Bytes *bs, uint16_t v)
{
    const uint8_t le[2] = {(uint8_t)v, (uint8_t)(v >> 8)};

    bytes_put(bs, le, 2);
}

static void
bytes_le64(Bytes *bs, uint64_t v)
{
    bytes_le32(bs, (uint32_t)v);
    bytes_le32(bs, (uint32_t)(v >> 32));
}

/* An IDB for raw IP with an if_tsresol byte (when tsresol >= 0) and an if_tsoffset (when
 * with_off). */
static void
ng_idb(Bytes *bs, int tsresol, bool with_off, int64_t off_s)
{
    uint32_t len = 20 + (tsresol >= 0 ? 8 : 0) + (with_off ? 12 : 0) + 4;

    bytes_le32(bs, 1);
    bytes_le32(bs, len);
    bytes_le32(bs, 101); /* raw IP, reserved */
    bytes_le32(bs, 0);   /* snaplen */
    if (tsresol >= 0) {
        bytes_le16(bs, 9);
        bytes_le16(bs, 1);
        bytes_le32(bs, (uint32_t)tsresol); /* the byte, then padding */
    }
    if (with_off) {
        bytes_le16(bs, 14);
        bytes_le16(bs, 8);
        bytes_le64(bs, (uint64_t)off_s);
    }
    bytes_le32(bs, 0); /* opt_endofopt */
    bytes_le32(bs, len);
}

/* An EPB with one byte of data at a 64-bit timestamp. */
static void
ng_epb(Bytes *bs, uint32_t iface, uint64_t units)
{
    bytes_le32(bs, 6);
    bytes_le32(bs, 36);
    bytes_le32(bs, iface);
    bytes_le32(bs, (uint32_t)(units >> 32));
    bytes_le32(bs, (uint32_t)units);
    bytes_le32(bs, 1);
    bytes_le32(bs, 1);
    bytes_le32(bs, 0x45);
    bytes_le32(bs, 36);
}

#define SK_YEAR_2023 TS(1700000000, 0)

static void
pcapng_extreme_timestamps_are_clamped_and_counted(void **state)
{
    TestDir *td = *state;
    char path[512], errbuf[CAPTURE_ERRBUF_SIZE], text[SK_TIME_EVE_LEN + 1];
    Bytes bs = {0};
    CaptureReader *cr;
    Packet p;
    static const struct {
        uint32_t iface;
        uint64_t units;
        SkTime want;
        bool counted;
    } cases[] = {
        {0, UINT64_MAX, SK_TIME_MAX, true},              /* microseconds: near 2^64 us */
        {0, 1700000000000000u, SK_YEAR_2023, false},     /* a sane one on the same interface */
        {1, UINT64_MAX, SK_TIME_MAX, true},              /* seconds: 2^64 s, * 10^6 in 128 bits */
        {1, 253402300799u, TS(253402300799u, 0), false}, /* the last second of 9999 */
        {1, 253402300800u, SK_TIME_MAX, true},           /* the first of 10000 */
        {2, UINT64_MAX, TS(0, 0), false},                /* 2^-127 s: far below 1 us */
        {3, UINT64_MAX, TS(0, 0), false},                /* 10^-127 s: the same */
        {4, 0, SK_TIME_MAX, true},                       /* if_tsoffset INT64_MAX */
        {5, 1700000000000000u, 0, true},                 /* if_tsoffset -2^63: before 1970 */
        {6, 5u * 1000000u, TS(4, 0), false},             /* if_tsoffset -1 s: still after 1970 */
    };

    bytes_put(&bs, pcapng_two_ifaces, 28); /* SHB, little-endian */
    ng_idb(&bs, -1, false, 0);             /* 0: microseconds */
    ng_idb(&bs, 0, false, 0);              /* 1: 10^0 s */
    ng_idb(&bs, 0xff, false, 0);           /* 2: 2^-127 s */
    ng_idb(&bs, 0x7f, false, 0);           /* 3: 10^-127 s */
    ng_idb(&bs, -1, true, INT64_MAX);      /* 4: 2^63 - 1 s ahead */
    ng_idb(&bs, -1, true, INT64_MIN);      /* 5: 2^63 s behind */
    ng_idb(&bs, -1, true, -1);             /* 6: 1 s behind */
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ng_epb(&bs, cases[i].iface, cases[i].units);
    }
    file_write(td, "ts.pcapng", bs.b, bs.len, path);
    free(bs.b);

    cr = capture_open(path, errbuf);
    assert_non_null(cr);
    memset(&p, 0, sizeof(p));
    uint64_t counted = 0;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(capture_next(cr, &p, errbuf), SK_OK);
        counted += cases[i].counted;
        if (p.ts != cases[i].want || capture_ts_invalid(cr) != counted) {
            fail_msg("case %zu: ts %llu, want %llu; ts_invalid %llu, want %llu", i,
                     (unsigned long long)p.ts, (unsigned long long)cases[i].want,
                     (unsigned long long)capture_ts_invalid(cr), (unsigned long long)counted);
        }
    }
    assert_int_equal(capture_next(cr, &p, errbuf), SK_EOF);
    capture_close(cr);

    /* The clamp is a date EVE can write. */
    time_format_eve(SK_TIME_MAX, text);
    assert_string_equal(text, "9999-12-31T23:59:59.999999+0000");
    time_format_eve(UINT64_MAX, text);
    assert_string_equal(text, "9999-12-31T23:59:59.999999+0000");
}

/* Backwards and forward jumps are the capture's own times: kept, not counted. A fraction of a
 * second of a second or more is malformed: its seconds carry, and it is counted. */
static void
pcap_time_jumps_are_kept_and_bad_fractions_counted(void **state)
{
    TestDir *td = *state;
    char path[512];
    Bytes bs = {0};
    Packet pkts[8];
    static const uint32_t recs[][2] = {
        {1700000000u, 500000u},  {1600000000u, 0u}, {0xffffffffu, 999999u}, {5u, 0u},
        {1700000000u, 2500000u},
    };
    char errbuf[CAPTURE_ERRBUF_SIZE];
    CaptureReader *cr;

    bytes_put(&bs, pcap_le_usec, 24);
    for (size_t i = 0; i < sizeof(recs) / sizeof(recs[0]); i++) {
        bytes_le32(&bs, recs[i][0]);
        bytes_le32(&bs, recs[i][1]);
        bytes_le32(&bs, 1);
        bytes_le32(&bs, 1);
        bytes_put(&bs, "\x45", 1);
    }
    file_write(td, "jumps.pcap", bs.b, bs.len, path);
    free(bs.b);
    assert_int_equal(read_all(path, pkts, 8, NULL), 5);
    assert_int_equal(pkts[0].ts, TS(1700000000u, 500000u));
    assert_int_equal(pkts[1].ts, TS(1600000000u, 0));
    assert_int_equal(pkts[2].ts, TS(0xffffffffu, 999999u));
    assert_int_equal(pkts[3].ts, TS(5, 0));
    assert_int_equal(pkts[4].ts, TS(1700000002u, 500000u));
    cr = capture_open(path, errbuf);
    assert_non_null(cr);
    while (capture_next(cr, &pkts[0], errbuf) == SK_OK) {
    }
    assert_int_equal(capture_ts_invalid(cr), 1);
    capture_close(cr);
}

/* ---- signals (issue 13): a read a signal interrupts returns SK_AGAIN, and loses nothing ---- */

static void
on_test_signal(int sig)
{
    (void)sig;
}

typedef struct {
    const char *path;
    const uint8_t *bytes;
    size_t first, len; /* write bytes[0, first), then wait for SK_AGAIN, then the rest */
    pthread_t reader;
    atomic_bool got_again;
} SigFeed;

static void *
sig_feed(void *arg)
{
    SigFeed *sf = arg;
    FILE *fp = fopen(sf->path, "wb");
    struct timespec nap = {0, 20 * 1000 * 1000};

    if (fp == NULL) {
        return NULL;
    }
    fwrite(sf->bytes, 1, sf->first, fp);
    fflush(fp);
    /* Interrupt the reader until it says a read was cut; it is then blocked on the pipe. */
    for (int i = 0; i < 500 && !atomic_load(&sf->got_again); i++) {
        nanosleep(&nap, NULL);
        pthread_kill(sf->reader, SIGUSR1);
    }
    fwrite(sf->bytes + sf->first, 1, sf->len - sf->first, fp);
    fclose(fp);
    return NULL;
}

/* Reads the pipe fed by sf: SK_AGAIN at least once, then the one packet whole (want_len bytes,
 * the first and last as given), then the end, with nothing counted as cut. */
static void
read_interrupted(SigFeed *sf, uint32_t want_len, uint8_t want_first, uint8_t want_last)
{
    char errbuf[CAPTURE_ERRBUF_SIZE];
    pthread_t writer;
    CaptureReader *cr;
    Packet p;
    SkResult rc;
    unsigned agains = 0;

    sf->reader = pthread_self();
    atomic_store(&sf->got_again, false);
    assert_int_equal(pthread_create(&writer, NULL, sig_feed, sf), 0);
    cr = capture_open(sf->path, errbuf);
    assert_non_null(cr);
    memset(&p, 0, sizeof(p));
    while ((rc = capture_next(cr, &p, errbuf)) == SK_AGAIN) {
        agains++;
        atomic_store(&sf->got_again, true);
    }
    assert_int_equal(rc, SK_OK);
    assert_true(agains > 0);
    assert_int_equal(p.len, want_len);
    assert_int_equal(p.data[0], want_first);
    assert_int_equal(p.data[p.len - 1], want_last);
    while ((rc = capture_next(cr, &p, errbuf)) == SK_AGAIN) {
    }
    assert_int_equal(rc, SK_EOF);
    assert_int_equal(capture_truncated(cr), 0);
    capture_close(cr);
    pthread_join(writer, NULL);
}

static void
a_signal_mid_record_returns_again_and_the_record_survives(void **state)
{
    TestDir *td = *state;
    char path[512];
    struct sigaction sa, old;
    Bytes bs = {0};
    uint8_t data[3000];
    SigFeed sf;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_test_signal; /* no SA_RESTART: read(2) fails with EINTR */
    sigemptyset(&sa.sa_mask);
    assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);
    snprintf(path, sizeof(path), "%s/fifo", td->dir);
    assert_int_equal(mkfifo(path, 0600), 0);

    /* Classic pcap: the header and half a record, then a signal, then the rest. */
    memset(data, 0x5a, sizeof(data));
    bytes_put(&bs, pcap_le_usec, 24);
    bytes_le32(&bs, 1700000000u);
    bytes_le32(&bs, 0);
    bytes_le32(&bs, sizeof(data));
    bytes_le32(&bs, sizeof(data));
    bytes_put(&bs, data, sizeof(data));
    sf = (SigFeed){.path = path, .bytes = bs.b, .first = 24 + 16 + 1000, .len = bs.len};
    read_interrupted(&sf, sizeof(data), 0x5a, 0x5a);
    free(bs.b);

    /* pcapng: interrupted in the middle of skipping a 600 KiB unknown block on a pipe. */
    bs = (Bytes){0};
    gen_pcapng_big_skip(&bs);
    sf = (SigFeed){.path = path, .bytes = bs.b, .first = 48 + 300000, .len = bs.len};
    read_interrupted(&sf, 5, 0x11, 0x55);
    free(bs.b);

    sigaction(SIGUSR1, &old, NULL);
}

/* ---- the shared corpus ---- */

#define MANIFEST "../shared/pcaps/manifest.tsv"

/* Every capture in the manifest is read whole, and its packet count is the manifest's (which is
 * capinfos', or the file's own record count where capinfos could not read it). */
static void
shared_corpus_counts_match_manifest(void **state)
{
    FILE *fp = fopen(MANIFEST, "r");
    char line[2048];
    size_t checked = 0, differ = 0;
    LogLevel saved = log_get_level();

    (void)state;
    if (fp == NULL) {
        print_message("skipped: %s: %s (the shared corpus is not beside the project)\n", MANIFEST,
                      strerror(errno));
        skip();
    }
    log_set_level(LOG_LEVEL_ERROR); /* cut files are expected here; their warnings are noise */
    while (fgets(line, sizeof(line), fp) != NULL) {
        char *fields[5] = {0}, *save = NULL, *tok, path[2300], errbuf[CAPTURE_ERRBUF_SIZE];
        size_t nf = 0;
        uint64_t want, got = 0;
        CaptureReader *cr;
        Packet p;
        SkResult rc;

        line[strcspn(line, "\r\n")] = '\0';
        for (tok = strtok_r(line, "\t", &save); tok != NULL && nf < 5;
             tok = strtok_r(NULL, "\t", &save)) {
            fields[nf++] = tok;
        }
        if (nf < 5 || strcmp(fields[0], "path") == 0 || fields[4][0] < '0' || fields[4][0] > '9') {
            continue; /* the header line, and the tar.xz whose count is "-" */
        }
        want = strtoull(fields[4], NULL, 10);
        snprintf(path, sizeof(path), "../shared/pcaps/%s", fields[0]);
        cr = capture_open(path, errbuf);
        if (cr == NULL) {
            print_message("differ: %s: cannot open: %s\n", fields[0], errbuf);
            differ++;
            continue;
        }
        memset(&p, 0, sizeof(p));
        while ((rc = capture_next(cr, &p, errbuf)) == SK_OK) {
            got++;
        }
        if (rc != SK_EOF || got != want) {
            print_message(
                "differ: %s: manifest %" PRIu64 ", read %" PRIu64 " (truncated %" PRIu64 ", %s)\n",
                fields[0], want, got, capture_truncated(cr), rc == SK_EOF ? "eof" : errbuf);
            differ++;
        }
        capture_close(cr);
        checked++;
    }
    fclose(fp);
    log_set_level(saved);
    print_message("corpus: %zu captures read, %zu differ from the manifest\n", checked, differ);
    assert_true(checked > 0);
    assert_int_equal(differ, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, dir_setup, dir_teardown)
        T(pcap_little_endian_microseconds_reads_each_record),
        T(pcap_big_endian_nanoseconds_become_microseconds),
        T(pcap_cut_last_record_ends_file_counted),
        T(pcap_absurd_caplen_ends_file_counted),
        T(pcap_header_only_has_no_packets),
        T(pcapng_interfaces_give_link_type_and_time_unit),
        T(pcapng_each_section_has_its_byte_order_and_interfaces),
        T(pcapng_packet_on_undescribed_interface_ends_file),
        T(pcapng_cut_block_ends_file_counted),
        T(directory_reads_captures_in_strcmp_order_as_one),
        T(non_capture_file_is_refused),
        T(missing_path_is_refused_with_strerror),
        T(directory_without_captures_reads_as_nothing),
        T(empty_directory_reads_as_nothing),
        T(regular_files_and_directories_are_reopenable),
        T(pipes_and_stdin_are_not_reopenable),
        T(pcapng_extreme_timestamps_are_clamped_and_counted),
        T(pcap_time_jumps_are_kept_and_bad_fractions_counted),
        T(a_signal_mid_record_returns_again_and_the_record_survives),
        T(pcap_records_across_buffer_refills_arrive_whole),
        T(pcapng_large_unknown_block_is_skipped),
        T(pipe_is_read_as_a_stream),
        T(readers_in_two_threads_on_one_file_agree),
#undef T
        cmocka_unit_test(shared_corpus_counts_match_manifest),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
