/* decode_pcaps.c: runs every capture under the given paths (files or directories, walked
 * recursively) through decode_packet(). Built with sanitizers, a clean run means no capture of
 * the corpus makes the decoder read out of bounds or trip undefined behaviour. With -c it
 * prints the non-zero counters afterwards (to compare with Suricata's stats by hand). Skips
 * (exit 77) when no path exists: the corpus lives in ../shared, outside the project. */
#include <dirent.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/packet.h"
#include "decode/decode.h"

typedef struct {
    DecodeThread *dt;
    unsigned long files;
    unsigned long pkts;
    bool verbose;
} Run;

static void
run_file(Run *run, const char *path)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *pc = pcap_open_offline(path, errbuf);
    if (pc == NULL) {
        return; /* not a capture (README, tar.xz, ...) */
    }
    int dlt = pcap_datalink(pc);
    struct pcap_pkthdr *h;
    const u_char *data;
    Packet p;
    uint64_t cnt = 0;
    run->files++;
    while (pcap_next_ex(pc, &h, &data) == 1) {
        memset(&p, 0, sizeof(p));
        /* A private copy of exactly caplen bytes, so ASan sees any read past the packet. */
        uint8_t *copy = malloc(h->caplen ? h->caplen : 1);
        if (copy == NULL) {
            break;
        }
        memcpy(copy, data, h->caplen);
        p.data = copy;
        p.len = h->caplen;
        p.wire_len = h->len;
        p.pcap_cnt = ++cnt;
        p.linktype = (uint16_t)dlt;
        decode_packet(run->dt, &p);
        for (const Packet *q = p.inner; q != NULL; q = q->inner) {
            if (q->data < copy || q->data + q->len > copy + h->caplen) {
                fprintf(stderr, "%s #%llu: inner packet outside its parent\n", path,
                        (unsigned long long)cnt);
                exit(1);
            }
        }
        if (p.l3_off + p.l3_len > p.len || p.l4_off + p.l4_len > p.len
            || p.payload_off + p.payload_len > p.len) {
            fprintf(stderr, "%s #%llu: layer span beyond the packet\n", path,
                    (unsigned long long)cnt);
            exit(1);
        }
        (void)decode_ipv4_checksum_ok(&p);
        (void)decode_l4_checksum_ok(&p);
        (void)decode_packet_wants_flow(&p);
        free(copy);
        run->pkts++;
    }
    if (run->verbose) {
        printf("%s: dlt %d, %llu packets\n", path, dlt, (unsigned long long)cnt);
    }
    pcap_close(pc);
}

static void
run_path(Run *run, const char *path, int depth)
{
    struct stat st;
    if (depth > 16 || stat(path, &st) != 0) {
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        run_file(run, path);
        return;
    }
    struct dirent **names = NULL;
    int n = scandir(path, &names, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        if (names[i]->d_name[0] != '.') {
            char sub[4096];
            snprintf(sub, sizeof(sub), "%s/%s", path, names[i]->d_name);
            run_path(run, sub, depth + 1);
        }
        free(names[i]);
    }
    free(names);
}

int
main(int argc, char **argv)
{
    DecodeConfig cfg;
    Run run = {0};
    bool counters = false;
    bool any = false;

    decode_config_default(&cfg);
    run.dt = decode_thread_new(&cfg);
    if (run.dt == NULL) {
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-c") == 0) {
            counters = true;
            continue;
        }
        if (strcmp(argv[i], "-v") == 0) {
            run.verbose = true;
            continue;
        }
        struct stat st;
        if (stat(argv[i], &st) == 0) {
            any = true;
            run_path(&run, argv[i], 0);
        }
    }
    if (!any) {
        printf("SKIP: no capture path exists (the corpus is ../shared/pcaps)\n");
        decode_thread_free(run.dt);
        return 77;
    }
    printf("%lu files, %lu packets decoded\n", run.files, run.pkts);
    if (counters) {
        const CounterSet *cs = decode_thread_counters(run.dt);
        for (size_t i = 0; i < cs->cnt; i++) {
            uint64_t v = counter_get(&cs->vals[i]);
            if (v != 0) {
                printf("%s %llu\n", cs->names[i], (unsigned long long)v);
            }
        }
    }
    decode_thread_free(run.dt);
    return 0;
}
