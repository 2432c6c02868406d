/* capture.c: the reader behind capture.h. It owns the list of input files (one, or a directory's
 * captures in strcmp order), the streaming read buffer, progress and the truncation count; the
 * record formats themselves are in pcap.c and pcapng.c.
 *
 * Memory stays flat whatever the file size: bytes arrive by read(2) into one buffer and leave it
 * as soon as the next record is asked for. No mmap, so the file's pages are never charged to our
 * RSS. Nothing here is shared between readers: several threads may each read the same file. */
#include "capture/capture.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/capture_int.h"
#include "core/log.h"

/* The link types decode_link() (src/decode/decode.c) reads, as libpcap numbers them. */
static const uint16_t decoded_linktypes[] = {
    0,   /* BSD loopback, host byte order */
    1,   /* Ethernet */
    9,   /* PPP */
    12,  /* raw IP (OpenBSD) */
    14,  /* raw IP (BSD/OS) */
    101, /* raw IP */
    104, /* Cisco HDLC */
    105, /* IEEE 802.11 */
    108, /* BSD loopback, network byte order */
    113, /* Linux cooked v1 */
    127, /* IEEE 802.11 with a radiotap header */
    228, /* raw IPv4 */
    229, /* raw IPv6 */
    239, /* Linux NFLOG */
    276, /* Linux cooked v2 */
};

#define NOT_A_CAPTURE "not a pcap or pcapng file"

static void errbuf_set(char *errbuf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
errbuf_set(char *errbuf, const char *fmt, ...)
{
    va_list ap;

    if (errbuf == NULL) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(errbuf, CAPTURE_ERRBUF_SIZE, fmt, ap);
    va_end(ap);
}

/* strerror() may share a static buffer between threads; the GNU strerror_r does not. */
static void
errbuf_errno(char *errbuf, const char *path, int err)
{
    char text[128];

    errbuf_set(errbuf, "capture: %s: %s", path, strerror_r(err, text, sizeof(text)));
}

/* NULL when the first bytes of a file start a capture we read, else the reason. */
static const char *
header_check(const uint8_t *hdr, size_t len)
{
    Cursor c = cur_init(hdr, len);
    uint32_t magic = 0;

    if (!cur_le32(&c, &magic)) {
        return NOT_A_CAPTURE;
    }
    switch (magic) {
    case PCAP_MAGIC_USEC:
    case PCAP_MAGIC_NSEC:
    case PCAP_MAGIC_USEC_SWAPPED:
    case PCAP_MAGIC_NSEC_SWAPPED:
        return capture_pcap_header_valid(hdr, len);
    case PCAPNG_SHB_TYPE:
        return capture_ng_header_valid(hdr, len);
    default:
        return NOT_A_CAPTURE;
    }
}

/* Reads the first bytes of a directory entry to decide whether it is a capture. */
static const char *
file_probe(const char *path, int *err)
{
    uint8_t hdr[PCAP_FILE_HDR_LEN];
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    *err = 0;
    if (fd < 0) {
        *err = errno;
        return NULL;
    }
    do {
        n = pread(fd, hdr, sizeof(hdr), 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        *err = errno;
        close(fd);
        return NULL;
    }
    close(fd);
    return header_check(hdr, (size_t)n);
}

static int
path_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static SkResult
paths_add(CaptureReader *cr, size_t *cap, char *path, uint64_t size)
{
    if (cr->path_cnt == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        char **np = realloc(cr->paths, ncap * sizeof(*np));
        uint64_t *ns;

        if (np == NULL) {
            return SK_ERR_NOMEM;
        }
        cr->paths = np;
        ns = realloc(cr->sizes, ncap * sizeof(*ns));
        if (ns == NULL) {
            return SK_ERR_NOMEM;
        }
        cr->sizes = ns;
        *cap = ncap;
    }
    cr->paths[cr->path_cnt] = path;
    cr->sizes[cr->path_cnt] = size;
    cr->path_cnt++;
    cr->total += size;
    return SK_OK;
}

/* Lists dir's regular files that are captures, in strcmp order; others get one notice each. */
static SkResult
dir_list(CaptureReader *cr, const char *dir, char *errbuf)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t name_cnt = 0, name_cap = 0, path_cap = 0;
    SkResult rc = SK_OK;

    if (d == NULL) {
        errbuf_errno(errbuf, dir, errno);
        return SK_ERR_IO;
    }
    while ((de = readdir(d)) != NULL) {
        char *name;

        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) {
            continue;
        }
        if (name_cnt == name_cap) {
            size_t ncap = name_cap ? name_cap * 2 : 32;
            char **nn = realloc(names, ncap * sizeof(*nn));

            if (nn == NULL) {
                rc = SK_ERR_NOMEM;
                goto done;
            }
            names = nn;
            name_cap = ncap;
        }
        name = strdup(de->d_name);
        if (name == NULL) {
            rc = SK_ERR_NOMEM;
            goto done;
        }
        names[name_cnt++] = name;
    }
    if (name_cnt > 1) { /* names is NULL for an empty directory, and qsort may not get NULL */
        qsort(names, name_cnt, sizeof(*names), path_cmp);
    }

    for (size_t i = 0; i < name_cnt; i++) {
        struct stat st;
        const char *why;
        char *path;
        int err = 0;
        size_t len = strlen(dir) + 1 + strlen(names[i]) + 1;

        path = malloc(len);
        if (path == NULL) {
            rc = SK_ERR_NOMEM;
            goto done;
        }
        snprintf(path, len, "%s/%s", dir, names[i]);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(path); /* vanished, a subdirectory, a socket: not ours to read */
            continue;
        }
        why = file_probe(path, &err);
        if (err != 0 || why != NULL) {
            char text[128];

            log_notice("capture: %s: skipped, %s", path,
                       err != 0 ? strerror_r(err, text, sizeof(text)) : why);
            free(path);
            continue;
        }
        if (paths_add(cr, &path_cap, path, (uint64_t)st.st_size) != SK_OK) {
            free(path);
            rc = SK_ERR_NOMEM;
            goto done;
        }
    }
    /* Suricata 8.0.7 reads such a directory as a run of no files and exits 0. */
    if (cr->path_cnt == 0) {
        log_warn("capture: %s: no pcap or pcapng files in this directory%s", dir,
                 name_cnt == 0 ? " (it is empty)" : "");
    }
done:
    if (rc == SK_ERR_NOMEM) {
        errbuf_set(errbuf, "capture: %s: out of memory listing the directory", dir);
    }
    for (size_t i = 0; i < name_cnt; i++) {
        free(names[i]);
    }
    free(names);
    closedir(d);
    return rc;
}

SkResult
capture_fill(CaptureReader *cr, size_t n, char *errbuf)
{
    CaptureFile *f = &cr->f;

    if (f->end - f->pos >= n) {
        return SK_OK;
    }
    /* What is left is a partial record, shorter than n: moving it to the front is cheap, and
     * makes the whole rest of the buffer one read(2). */
    if (f->pos > 0) {
        memmove(f->buf, f->buf + f->pos, f->end - f->pos);
        f->end -= f->pos;
        f->pos = 0;
    }
    if (n > f->cap) {
        /* Callers bound n by CAPTURE_BLOCK_MAX and by the file size, so a lying length cannot
         * make us allocate for bytes that do not exist. */
        size_t ncap = f->cap * 2 > n ? f->cap * 2 : n;
        uint8_t *nb;

        if (ncap > CAPTURE_BLOCK_MAX) {
            ncap = CAPTURE_BLOCK_MAX;
        }
        if (n > ncap || (nb = realloc(f->buf, ncap)) == NULL) {
            errbuf_set(errbuf, "capture: %s: cannot grow the read buffer to %zu bytes",
                       cr->paths[cr->path_idx], n);
            return SK_ERR_NOMEM;
        }
        f->buf = nb;
        f->cap = ncap;
    }
    while (f->end < n && !f->eof) {
        ssize_t r = read(f->fd, f->buf + f->end, f->cap - f->end);

        if (r < 0) {
            if (errno == EINTR) {
                /* A signal (SIGTERM on an idle pipe): the caller decides whether to stop. What
                 * was read stays at buf[pos, end); nothing is consumed. */
                return SK_AGAIN;
            }
            errbuf_errno(errbuf, cr->paths[cr->path_idx], errno);
            return SK_ERR_IO;
        }
        if (r == 0) {
            f->eof = true;
            break;
        }
        f->end += (size_t)r;
    }
    return f->end >= n ? SK_OK : SK_EOF;
}

SkResult
capture_skip(CaptureReader *cr, uint64_t n, char *errbuf)
{
    CaptureFile *f = &cr->f;
    size_t avail = f->end - f->pos;

    /* Block lengths are 32 bits, and one skip finishes before the next starts: no overflow. */
    f->skip_left += n;
    if (f->skip_left <= avail) {
        capture_consume(cr, (size_t)f->skip_left);
        f->skip_left = 0;
        return SK_OK;
    }
    f->skip_left -= avail;
    f->off += avail;
    f->pos = f->end = 0;
    if (f->size > 0) {
        /* A regular file: seek, and judge the length by the size we know. */
        n = f->skip_left;
        f->skip_left = 0;
        if (f->off + n > f->size) {
            f->off = f->size;
            return SK_EOF;
        }
        if (lseek(f->fd, (off_t)(f->off + n), SEEK_SET) < 0) {
            errbuf_errno(errbuf, cr->paths[cr->path_idx], errno);
            return SK_ERR_IO;
        }
        f->off += n;
        return SK_OK;
    }
    /* A pipe: read through. skip_left stays current, so an interrupted skip resumes. */
    while (f->skip_left > 0) {
        SkResult rc = capture_fill(cr, 1, errbuf);
        size_t take;

        if (rc != SK_OK) {
            if (rc != SK_AGAIN) {
                f->skip_left = 0;
            }
            return rc;
        }
        take = f->end - f->pos < f->skip_left ? f->end - f->pos : (size_t)f->skip_left;
        capture_consume(cr, take);
        f->skip_left -= take;
    }
    return SK_OK;
}

void
capture_file_truncated(CaptureReader *cr, const char *why)
{
    cr->truncated++;
    if (!cr->quiet) {
        log_warn("capture: %s: %s at offset %llu; the rest of this file is not read",
                 cr->paths[cr->path_idx], why, (unsigned long long)cr->f.off);
    }
}

/* Timestamps. A record's time is hostile input like its bytes: pcapng's if_tsresol and
 * if_tsoffset can scale a 64-bit count to any instant, and a pcap's fraction of a second can
 * claim more than a second. The policy, applied here and nowhere else:
 *   1. Arithmetic is done in 128 bits by the formats, so it cannot overflow or wrap.
 *   2. A time before 1970 becomes 0 and one past SK_TIME_MAX (year 9999) becomes SK_TIME_MAX:
 *      clamped, counted (capture_ts_invalid) and said once per file. EVE can write every time
 *      in range, and a timeout or interval added to one cannot wrap 64 bits.
 *   3. A malformed fraction (>= 1 s) keeps its arithmetic value (the seconds carry) and is
 *      counted the same way.
 *   4. A time earlier than the previous packet's is kept as it is, not counted: merged captures
 *      and pcapng interfaces with their own clocks do this legitimately, and EVE should show
 *      the time the capture recorded, as Suricata does. The engine's clock (flow timeouts,
 *      stats) only ever moves forward: workers take max(clock, packet time), so a packet from
 *      the past neither revives flows nor repeats stats. A forward jump moves it on, as
 *      Suricata's does; only its bound is checked here. */
SkTime
capture_time(CaptureReader *cr, CaptureUs us, bool malformed)
{
    const char *what = "with a fraction of a second of 1 s or more";
    SkTime t;

    if (us < 0 || us > (CaptureUs)SK_TIME_MAX) {
        t = us < 0 ? 0 : SK_TIME_MAX;
        what = "outside 1970..9999, clamped";
    } else if (!malformed) {
        return (SkTime)us;
    } else {
        t = (SkTime)us;
    }
    cr->ts_invalid++;
    if (!cr->f.ts_said && !cr->quiet) {
        log_warn("capture: %s: record %llu has a timestamp %s; such records are counted",
                 cr->paths[cr->path_idx], (unsigned long long)cr->pcap_cnt + 1, what);
    }
    cr->f.ts_said = true;
    return t;
}

bool
capture_linktype_decoded(uint16_t lt)
{
    for (size_t i = 0; i < sizeof(decoded_linktypes) / sizeof(decoded_linktypes[0]); i++) {
        if (decoded_linktypes[i] == lt) {
            return true;
        }
    }
    return false;
}

void
capture_linktype_note(CaptureReader *cr, uint16_t lt, long iface)
{
    char where[48] = "";

    if (capture_linktype_decoded(lt) || cr->quiet) {
        return;
    }
    /* Bounded: a hostile pcapng may describe thousands of interfaces. */
    if (cr->lt_notes++ >= CAPTURE_LT_NOTES_MAX) {
        if (cr->lt_notes == CAPTURE_LT_NOTES_MAX + 1) {
            log_warn("capture: %s: more link types that are not decoded; not reported further",
                     cr->paths[cr->path_idx]);
        }
        return;
    }
    if (iface >= 0) {
        snprintf(where, sizeof(where), "interface %ld: ", iface);
    }
    log_warn("capture: %s: %slink type %u is not decoded (Suricata refuses it): its packets are "
             "counted (decoder.unknown_linktype), not inspected",
             cr->paths[cr->path_idx], where, (unsigned)lt);
}

static void
file_close(CaptureReader *cr)
{
    if (cr->f.fd >= 0) {
        close(cr->f.fd);
        cr->f.fd = -1;
    }
    cr->f.pos = cr->f.end = 0;
    cr->f.off = 0;
    cr->f.skip_left = 0;
    cr->f.started = false;
    cr->f.ts_said = false;
}

/* Opens paths[path_idx]; file_header then parses its header. */
static SkResult
file_open(CaptureReader *cr, char *errbuf)
{
    const char *path = cr->paths[cr->path_idx];
    CaptureFile *f = &cr->f;
    struct stat st;

    f->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (f->fd < 0 || fstat(f->fd, &st) != 0) {
        errbuf_errno(errbuf, path, errno);
        return SK_ERR_IO;
    }
    if (S_ISDIR(st.st_mode)) {
        errbuf_errno(errbuf, path, EISDIR);
        return SK_ERR_IO;
    }
    f->size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    f->pos = f->end = 0;
    f->off = 0;
    f->skip_left = 0;
    f->eof = false;
    f->started = false;
    f->ts_said = false;
    /* Doubles the kernel's readahead. We do not drop pages behind us (POSIX_FADV_DONTNEED):
     * other workers may be reading the same file a little behind this reader. */
    (void)posix_fadvise(f->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    return SK_OK;
}

/* Parses the open file's header. SK_AGAIN (a signal, on a pipe) consumes nothing: called again,
 * it starts over on the bytes already read. */
static SkResult
file_header(CaptureReader *cr, char *errbuf)
{
    const char *path = cr->paths[cr->path_idx];
    CaptureFile *f = &cr->f;
    const char *why;
    SkResult rc;

    rc = capture_fill(cr, PCAP_FILE_HDR_LEN, errbuf);
    if (rc < 0 || rc == SK_AGAIN) {
        return rc;
    }
    why = header_check(f->buf + f->pos, f->end - f->pos);
    if (why != NULL) {
        errbuf_set(errbuf, "capture: %s: %s", path, why);
        return SK_ERR_FORMAT;
    }
    cr->iface_cnt = 0;
    if (f->buf[f->pos] == 0x0a) { /* the SHB type; no pcap magic starts with it */
        cr->fmt = CAPTURE_FMT_PCAPNG;
        rc = capture_ng_start(cr, errbuf);
    } else {
        cr->fmt = CAPTURE_FMT_PCAP;
        rc = capture_pcap_start(cr, errbuf);
    }
    f->started = rc == SK_OK;
    return rc;
}

/* The first file opens within capture_open, so a bad header is reported there. */
static SkResult
file_start_first(CaptureReader *cr, char *errbuf)
{
    if (cr->path_cnt == 0) {
        return SK_OK; /* a directory without captures: the first capture_next is the end */
    }
    SkResult rc = file_open(cr, errbuf);

    if (rc == SK_OK) {
        rc = file_header(cr, errbuf);
    }
    if (rc == SK_AGAIN) {
        errbuf_set(errbuf, "capture: %s: interrupted while waiting for the file header",
                   cr->paths[cr->path_idx]);
        rc = SK_ERR_IO;
    }
    return rc;
}

/* /dev/stdin, /dev/fd/N and /proc/self/fd/N name an open file of this process: another open
 * of the name gets the same pipe, or (Linux) the same file anew, depending on what it is. */
static bool
path_is_fd_alias(const char *path)
{
    char target[64];
    ssize_t n;

    if (strncmp(path, "/dev/", 5) == 0 || strncmp(path, "/proc/", 6) == 0) {
        return true;
    }
    n = readlink(path, target, sizeof(target) - 1);
    if (n <= 0) {
        return false;
    }
    target[n] = '\0';
    return strncmp(target, "/proc/", 6) == 0 || strncmp(target, "/dev/", 5) == 0;
}

static void
file_finish(CaptureReader *cr)
{
    file_close(cr);
    cr->done += cr->sizes[cr->path_idx];
    cr->path_idx++;
}

CaptureReader *
capture_open(const char *path, char *errbuf)
{
    CaptureReader *cr = calloc(1, sizeof(*cr));
    struct stat st;
    size_t path_cap = 0;
    char *copy = NULL;

    if (cr == NULL) {
        errbuf_set(errbuf, "capture: %s: out of memory", path);
        return NULL;
    }
    cr->f.fd = -1;
    if (stat(path, &st) != 0) {
        errbuf_errno(errbuf, path, errno);
        goto fail;
    }
    if (S_ISDIR(st.st_mode)) {
        if (dir_list(cr, path, errbuf) != SK_OK) {
            goto fail;
        }
    } else {
        copy = strdup(path);
        if (copy == NULL
            || paths_add(cr, &path_cap, copy, S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0)
                   != SK_OK) {
            free(copy);
            errbuf_set(errbuf, "capture: %s: out of memory", path);
            goto fail;
        }
    }
    cr->f.buf = malloc(CAPTURE_BUF_LEN);
    if (cr->f.buf == NULL) {
        errbuf_set(errbuf, "capture: %s: out of memory for the read buffer", path);
        goto fail;
    }
    cr->f.cap = CAPTURE_BUF_LEN;
    cr->reopenable = S_ISDIR(st.st_mode) || (S_ISREG(st.st_mode) && !path_is_fd_alias(path));
    if (file_start_first(cr, errbuf) != SK_OK) {
        goto fail;
    }
    return cr;
fail:
    capture_close(cr);
    return NULL;
}

bool
capture_is_reopenable(const CaptureReader *cr)
{
    return cr->live == NULL && cr->reopenable;
}

CaptureReader *
capture_reopen(const CaptureReader *from, char *errbuf)
{
    CaptureReader *cr;
    size_t path_cap = 0;

    if (!capture_is_reopenable(from)) {
        errbuf_set(errbuf, "capture: %s: a pipe or device cannot be read by a second reader",
                   from->path_cnt > 0 ? from->paths[0] : "input");
        return NULL;
    }
    cr = calloc(1, sizeof(*cr));
    if (cr == NULL) {
        goto nomem;
    }
    cr->f.fd = -1;
    cr->quiet = true;
    cr->reopenable = true;
    for (size_t i = 0; i < from->path_cnt; i++) {
        char *copy = strdup(from->paths[i]);

        if (copy == NULL || paths_add(cr, &path_cap, copy, from->sizes[i]) != SK_OK) {
            free(copy);
            goto nomem;
        }
    }
    cr->f.buf = malloc(CAPTURE_BUF_LEN);
    if (cr->f.buf == NULL) {
        goto nomem;
    }
    cr->f.cap = CAPTURE_BUF_LEN;
    if (file_start_first(cr, errbuf) != SK_OK) {
        capture_close(cr);
        return NULL;
    }
    return cr;
nomem:
    errbuf_set(errbuf, "capture: %s: out of memory for a second reader", from->paths[0]);
    capture_close(cr);
    return NULL;
}

void
capture_close(CaptureReader *cr)
{
    if (cr == NULL) {
        return;
    }
    if (cr->live != NULL) {
        capture_live_close(cr);
    }
    file_close(cr);
    for (size_t i = 0; i < cr->path_cnt; i++) {
        free(cr->paths[i]);
    }
    free(cr->paths);
    free(cr->sizes);
    free(cr->f.buf);
    free(cr->ifaces);
    free(cr);
}

SkResult
capture_next(CaptureReader *cr, Packet *p, char *errbuf)
{
    if (cr->live != NULL) {
        SkResult rc = capture_live_next(cr, p, errbuf);
        if (rc == SK_OK) {
            p->pcap_cnt = ++cr->pcap_cnt;
            cr->last_ts = p->ts;
        }
        return rc;
    }
    for (;;) {
        SkResult rc;

        if (cr->f.fd < 0) {
            if (cr->path_idx >= cr->path_cnt) {
                return SK_EOF;
            }
            rc = file_open(cr, errbuf);
            if (rc != SK_OK) {
                file_finish(cr); /* a later call goes on with the next file */
                return rc;
            }
        }
        if (!cr->f.started) {
            rc = file_header(cr, errbuf);
            if (rc == SK_AGAIN) {
                return rc;
            }
            if (rc != SK_OK) {
                file_finish(cr);
                return rc;
            }
        }
        rc = cr->fmt == CAPTURE_FMT_PCAP ? capture_pcap_next(cr, p, errbuf)
                                         : capture_ng_next(cr, p, errbuf);
        if (rc == SK_OK) {
            p->pcap_cnt = ++cr->pcap_cnt;
            cr->last_ts = p->ts;
            return SK_OK;
        }
        if (rc == SK_AGAIN) {
            return rc; /* interrupted mid-record: the next call resumes it */
        }
        file_finish(cr);
        if (rc != SK_EOF) {
            return rc;
        }
    }
}

void
capture_progress(const CaptureReader *cr, uint64_t *done, uint64_t *total)
{
    uint64_t cur = 0;

    if (cr->f.fd >= 0 && cr->path_idx < cr->path_cnt) {
        cur = cr->f.off < cr->sizes[cr->path_idx] ? cr->f.off : cr->sizes[cr->path_idx];
    }
    *done = cr->done + cur;
    *total = cr->total;
}

uint64_t
capture_truncated(const CaptureReader *cr)
{
    return cr->truncated;
}

uint64_t
capture_ts_invalid(const CaptureReader *cr)
{
    return cr->ts_invalid;
}

bool
capture_live_supported(void)
{
#if defined(SK_HAVE_LIBPCAP)
    return true;
#else
    return false;
#endif
}

#if !defined(SK_HAVE_LIBPCAP)
/* Built without libpcap: files only. */
CaptureReader *
capture_open_live(const char *iface, const CaptureLiveConfig *lc, char *errbuf)
{
    (void)lc;
    errbuf_set(errbuf, "capture: %s: live capture needs libpcap, and this build has none", iface);
    return NULL;
}

SkResult
capture_live_next(CaptureReader *cr, Packet *p, char *errbuf)
{
    (void)cr;
    (void)p;
    (void)errbuf;
    return SK_EOF;
}

void
capture_live_close(CaptureReader *cr)
{
    cr->live = NULL;
}

bool
capture_live_stats(const CaptureReader *cr, uint64_t *pkts, uint64_t *drops, uint64_t *ifdrops)
{
    (void)cr;
    (void)pkts;
    (void)drops;
    (void)ifdrops;
    return false;
}
#endif
