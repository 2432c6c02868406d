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

#define NOT_A_CAPTURE "not a pcap or pcapng file"

static void
errbuf_set(char *errbuf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

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
    qsort(names, name_cnt, sizeof(*names), path_cmp);

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
    if (cr->path_cnt == 0) {
        errbuf_set(errbuf, "capture: %s: no pcap or pcapng files in this directory", dir);
        rc = SK_ERR_FORMAT;
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
                continue;
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

    if (n <= avail) {
        capture_consume(cr, (size_t)n);
        return SK_OK;
    }
    n -= avail;
    f->off += avail;
    f->pos = f->end = 0;
    if (f->size > 0) {
        /* A regular file: seek, and judge the length by the size we know. */
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
    while (n > 0) {
        SkResult rc = capture_fill(cr, 1, errbuf);
        size_t take;

        if (rc != SK_OK) {
            return rc;
        }
        take = f->end - f->pos < n ? f->end - f->pos : (size_t)n;
        capture_consume(cr, take);
        n -= take;
    }
    return SK_OK;
}

void
capture_file_truncated(CaptureReader *cr, const char *why)
{
    cr->truncated++;
    log_warn("capture: %s: %s at offset %llu; the rest of this file is not read",
        cr->paths[cr->path_idx], why, (unsigned long long)cr->f.off);
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
}

/* Opens paths[path_idx] and parses its file header. */
static SkResult
file_start(CaptureReader *cr, char *errbuf)
{
    const char *path = cr->paths[cr->path_idx];
    CaptureFile *f = &cr->f;
    struct stat st;
    const char *why;
    SkResult rc;

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
    f->eof = false;
    /* Doubles the kernel's readahead. We do not drop pages behind us (POSIX_FADV_DONTNEED):
     * other workers may be reading the same file a little behind this reader. */
    (void)posix_fadvise(f->fd, 0, 0, POSIX_FADV_SEQUENTIAL);

    rc = capture_fill(cr, PCAP_FILE_HDR_LEN, errbuf);
    if (rc < 0) {
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
        return capture_ng_start(cr, errbuf);
    }
    cr->fmt = CAPTURE_FMT_PCAP;
    return capture_pcap_start(cr, errbuf);
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
    /* The first file opens now, so a bad header is reported by capture_open. */
    if (file_start(cr, errbuf) != SK_OK) {
        goto fail;
    }
    return cr;
fail:
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
            rc = file_start(cr, errbuf);
            if (rc != SK_OK) {
                file_finish(cr); /* a later call goes on with the next file */
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
