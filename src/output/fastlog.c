/* fastlog.c: fast.log, in Suricata 8.0.7's line format (checked against its fast.log, see
 * tests/unit/output/test_alert.c):
 *
 *   06/04/2024-09:00:03.789612  [**] [1:1000003:1] SK icmp [**] [Classification: Misc
 *   activity] [Priority: 3] {ICMP} 10.0.0.1:8 -> 10.0.0.3:0
 *
 * (one line). A drop or reject rule's line starts "[wDrop] " in IDS mode, "[Drop] " inline; a
 * rule without msg or classtype shows "(null)"; ICMP shows type and code where ports go;
 * IPv6 addresses are fully expanded, as in EVE. Times are UTC, as sekimori's EVE times.
 *
 * Workers format lines into their own FastLogWriter buffer; a full buffer (or a flush) goes to
 * the shared file in one write(2) under its lock, so lines never interleave. */
#include "output/fastlog.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "output/eve.h"

#define FASTLOG_OUTBUF 32768
#define FASTLOG_LINE_MAX 4096 /* a longer line (a msg of kilobytes) is cut, newline kept */

struct FastLog {
    int fd;
    char *path;
    pthread_mutex_t lock;
    _Atomic uint64_t lines;
    _Atomic uint64_t lost;
    uint64_t errors; /* under lock */
    FastLogConfig cfg;
};

struct FastLogWriter {
    FastLog *fl;
    char *out;
    size_t out_len;
    uint64_t lines; /* in out */
};

FastLog *
fastlog_open(const FastLogConfig *cfg, const char *path)
{
    FastLog *fl = calloc(1, sizeof(*fl));
    int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC;

    if (fl == NULL || (fl->path = strdup(path)) == NULL) {
        log_error("fast: out of memory");
        free(fl);
        return NULL;
    }
    if (!cfg->append) {
        flags |= O_TRUNC; /* append: no starts the file afresh, as Suricata */
    }
    do {
        fl->fd = open(path, flags, 0640);
    } while (fl->fd < 0 && errno == EINTR);
    if (fl->fd < 0) {
        log_error("fast: cannot open %s: %s (check -l / default-log-dir)", path, strerror(errno));
        free(fl->path);
        free(fl);
        return NULL;
    }
    fl->cfg = *cfg;
    pthread_mutex_init(&fl->lock, NULL);
    return fl;
}

void
fastlog_close(FastLog *fl)
{
    if (fl == NULL) {
        return;
    }
    close(fl->fd);
    pthread_mutex_destroy(&fl->lock);
    free(fl->path);
    free(fl);
}

uint64_t
fastlog_lines(const FastLog *fl)
{
    return fl != NULL ? fl->lines : 0;
}

uint64_t
fastlog_lost(const FastLog *fl)
{
    return fl != NULL ? fl->lost : 0;
}

bool
fastlog_failed(const FastLog *fl)
{
    return fl != NULL && (fl->lost > 0 || fl->errors > 0);
}

/* Whole lines out in one write(2) (more only if the kernel takes part). On an error the lines
 * not written are counted lost, logged once per run. */
static void
file_write(FastLog *fl, const char *buf, size_t len, uint64_t nlines)
{
    size_t done = 0;

    pthread_mutex_lock(&fl->lock);
    while (done < len) {
        ssize_t n = write(fl->fd, buf + done, len - done);
        if (n > 0) {
            done += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (fl->errors++ == 0) {
            log_error("fast: write to %s failed: %s; lines are being lost", fl->path,
                      n < 0 ? strerror(errno) : "no progress");
        }
        break;
    }
    uint64_t written = nlines;
    if (done < len) {
        written = 0;
        for (size_t i = 0; i < done; i++) {
            written += buf[i] == '\n';
        }
        fl->lost += nlines - written;
    }
    fl->lines += written;
    pthread_mutex_unlock(&fl->lock);
}

FastLogWriter *
fastlog_writer_new(FastLog *fl)
{
    FastLogWriter *w = calloc(1, sizeof(*w));
    if (w == NULL || (w->out = malloc(FASTLOG_OUTBUF)) == NULL) {
        log_error("fast: out of memory");
        free(w);
        return NULL;
    }
    w->fl = fl;
    return w;
}

void
fastlog_writer_flush(FastLogWriter *w)
{
    if (w->out_len > 0 && w->fl != NULL) {
        file_write(w->fl, w->out, w->out_len, w->lines);
    }
    w->out_len = 0;
    w->lines = 0;
}

void
fastlog_writer_free(FastLogWriter *w)
{
    if (w == NULL) {
        return;
    }
    fastlog_writer_flush(w);
    free(w->out);
    free(w);
}

static const char *
action_prefix(const DetectSigInfo *sig, bool ips)
{
    switch ((DetectAction)sig->action) {
    case DETECT_ACT_DROP:
    case DETECT_ACT_REJECT:
    case DETECT_ACT_REJECTSRC:
    case DETECT_ACT_REJECTDST:
    case DETECT_ACT_REJECTBOTH:
        return ips ? "[Drop] " : "[wDrop] ";
    default:
        return "";
    }
}

size_t
fastlog_format(const Packet *p, const DetectSigInfo *sig, bool ips, char *buf, size_t n)
{
    struct tm tm;
    time_t sec = (time_t)SK_TIME_SEC(p->ts);
    char ts[64], src[48], dst[48], proto_num[12];
    const char *proto;
    int len;

    if (n < 2) {
        if (n == 1) {
            buf[0] = '\0';
        }
        return 0;
    }
    gmtime_r(&sec, &tm);
    snprintf(ts, sizeof(ts), "%02d/%02d/%04d-%02d:%02d:%02d.%06u", tm.tm_mon + 1, tm.tm_mday,
             tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned)SK_TIME_USEC(p->ts));
    const char *msg = sig->msg != NULL && sig->msg[0] != '\0' ? sig->msg : "(null)";
    const char *cls = sig->category != NULL ? sig->category : "(null)";

    if (p->ip_ver == 0) {
        /* No addresses to show (a decoder event on a non-IP frame). */
        len = snprintf(
            buf, n, "%s  %s[**] [%u:%u:%u] %s [**] [Classification: %s] [Priority: %u]\n", ts,
            action_prefix(sig, ips), sig->gid, sig->sid, sig->rev, msg, cls, sig->severity);
    } else {
        unsigned sp = 0, dp = 0;
        if (p->flags & PKT_F_HAS_PORTS) {
            sp = p->sp;
            dp = p->dp;
        } else if (p->flags & PKT_F_HAS_ICMP) {
            sp = p->icmp_type;
            dp = p->icmp_code;
        }
        proto = eve_proto_name(p->proto);
        if (proto == NULL) {
            snprintf(proto_num, sizeof(proto_num), "PROTO:%03u", p->proto);
            proto = proto_num;
        }
        eve_format_addr(&p->src, p->ip_ver, src);
        eve_format_addr(&p->dst, p->ip_ver, dst);
        len = snprintf(buf, n,
                       "%s  %s[**] [%u:%u:%u] %s [**] [Classification: %s] [Priority: %u] {%s} "
                       "%s:%u -> %s:%u\n",
                       ts, action_prefix(sig, ips), sig->gid, sig->sid, sig->rev, msg, cls,
                       sig->severity, proto, src, sp, dst, dp);
    }
    if (len < 0) {
        buf[0] = '\0';
        return 0;
    }
    if ((size_t)len >= n) {
        buf[n - 2] = '\n';
        buf[n - 1] = '\0';
        return n - 1;
    }
    return (size_t)len;
}

unsigned
fastlog_write(FastLogWriter *w, const Packet *p, const DetectAlerts *a)
{
    unsigned cnt = 0;
    bool ips = w->fl != NULL && w->fl->cfg.ips;

    for (uint16_t i = 0; a != NULL && i < a->cnt; i++) {
        const DetectAlert *al = &a->a[i];
        if ((al->flags & DETECT_ALERT_F_NOALERT) || al->sig == NULL) {
            continue;
        }
        if (FASTLOG_OUTBUF - w->out_len < FASTLOG_LINE_MAX) {
            fastlog_writer_flush(w);
        }
        /* A rate_filter may have changed the action: the line shows the one applied. */
        DetectSigInfo sig = *al->sig;
        sig.action = al->action;
        /* snprintf writes a NUL after the line: room for it is in the line maximum. */
        w->out_len += fastlog_format(p, &sig, ips, w->out + w->out_len, FASTLOG_LINE_MAX);
        w->lines++;
        cnt++;
    }
    if (w->fl == NULL) {
        w->out_len = 0;
        w->lines = 0;
    }
    return cnt;
}
