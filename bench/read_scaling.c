/* read_scaling.c: how reading a capture from the page cache scales with threads, the part of a
 * run that no division of packet work can shorten. For 1..N threads it times, best of R runs:
 *
 *   split  the file read once, in 256 KiB chunks shared out between the threads (pread),
 *          as a read-once design would;
 *   whole  the file read whole by every thread at once, as the workers run mode does.
 *
 * Every 64th byte is summed so the bytes are really loaded, as the record walk loads them.
 *
 * Build and run, from the project root (a measuring tool, not a meson target):
 *   gcc -std=c11 -D_GNU_SOURCE -O2 -pthread bench/read_scaling.c -o /tmp/read_scaling
 *   /tmp/read_scaling build/bench-cache/bench.pcap 2 20
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (256u * 1024u)

typedef struct {
    int fd;
    uint64_t size;
    unsigned id, step; /* chunks id, id + step, ... */
    uint64_t sum;
} Job;

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *
job_run(void *arg)
{
    Job *j = arg;
    uint8_t *buf = malloc(CHUNK);

    if (buf == NULL) {
        return NULL;
    }
    for (uint64_t k = j->id; k * CHUNK < j->size; k += j->step) {
        ssize_t r = pread(j->fd, buf, CHUNK, (off_t)(k * CHUNK));
        for (ssize_t i = 0; i < r; i += 64) {
            j->sum += buf[i];
        }
    }
    free(buf);
    return NULL;
}

/* Wall seconds for n threads; split: disjoint chunks, else each thread the whole file. */
static double
run_once(int fd, uint64_t size, unsigned n, int split)
{
    pthread_t thr[64];
    Job jobs[64];
    double t0 = now_s();

    for (unsigned i = 0; i < n; i++) {
        jobs[i] = (Job){fd, size, split ? i : 0, split ? n : 1, 0};
        pthread_create(&thr[i], NULL, job_run, &jobs[i]);
    }
    for (unsigned i = 0; i < n; i++) {
        pthread_join(thr[i], NULL);
    }
    return now_s() - t0;
}

int
main(int argc, char **argv)
{
    struct stat st;
    unsigned maxn = argc > 2 ? (unsigned)atoi(argv[2]) : 2;
    unsigned runs = argc > 3 ? (unsigned)atoi(argv[3]) : 20;
    int fd = argc > 1 ? open(argv[1], O_RDONLY) : -1;

    if (fd < 0 || fstat(fd, &st) != 0 || maxn < 1 || maxn > 64 || runs < 1) {
        fprintf(stderr, "usage: read_scaling FILE [MAX_THREADS (2)] [RUNS (20)]\n");
        return 1;
    }
    run_once(fd, (uint64_t)st.st_size, 1, 1); /* warm the page cache */
    printf("%s: %.1f MB, best of %u runs\n", argv[1], (double)st.st_size / 1e6, runs);
    for (unsigned n = 1; n <= maxn; n++) {
        double best_split = 1e9, best_whole = 1e9;
        for (unsigned r = 0; r < runs; r++) {
            double s = run_once(fd, (uint64_t)st.st_size, n, 1);
            double w = run_once(fd, (uint64_t)st.st_size, n, 0);
            best_split = s < best_split ? s : best_split;
            best_whole = w < best_whole ? w : best_whole;
        }
        printf("threads %u: split %.1f ms (%.1f GB/s)   whole in each %.1f ms (%.1f GB/s)\n", n,
               best_split * 1e3, (double)st.st_size / best_split / 1e9, best_whole * 1e3,
               (double)st.st_size * n / best_whole / 1e9);
    }
    close(fd);
    return 0;
}
