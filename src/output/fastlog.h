/* fastlog.h: fast.log, Suricata's one-line-per-alert text log. One FastLog per file, shared by
 * all workers; one FastLogWriter per worker, which formats lines into its own buffer and
 * appends them to the file in one write(2) under the file's lock per buffer flush, so lines of
 * different workers never interleave (the same scheme as EVE's writers, eve.h). */
#ifndef SK_OUTPUT_FASTLOG_H
#define SK_OUTPUT_FASTLOG_H

#include <stdbool.h>
#include <stdint.h>

#include "core/packet.h"
#include "detect/detect.h"

typedef struct {
    bool enabled;        /* outputs.N.fast.enabled */
    char filename[4096]; /* outputs.N.fast.filename: relative to the log dir, or absolute */
    bool append;         /* outputs.N.fast.append: no empties the file at start */
    bool ips;            /* set by the runtime, not read: drops are enforced ("[Drop]") */
} FastLogConfig;

typedef struct FastLog FastLog;
typedef struct FastLogWriter FastLogWriter;

/* Opens path (the log dir joined with cfg->filename: the caller's) as cfg says. NULL with a
 * logged line on failure. The FastLog copies cfg. */
FastLog *fastlog_open(const FastLogConfig *cfg, const char *path);
void fastlog_close(FastLog *fl);           /* accepts NULL; writers must be freed first */
uint64_t fastlog_lines(const FastLog *fl); /* lines written whole */
uint64_t fastlog_lost(const FastLog *fl);  /* lines a write error lost */
bool fastlog_failed(const FastLog *fl);    /* a write failed: exit non-zero */

/* One per worker. fl may be NULL: lines are formatted and dropped. */
FastLogWriter *fastlog_writer_new(FastLog *fl);
/* Writes one line per alert of a that is not noalert, into the writer's buffer; returns how
 * many. A full buffer is written out first. */
unsigned fastlog_write(FastLogWriter *w, const Packet *p, const DetectAlerts *a);
void fastlog_writer_flush(FastLogWriter *w);
void fastlog_writer_free(FastLogWriter *w); /* flushes; accepts NULL */

/* One alert's line, with its newline, into buf (size n, a NUL after it); returns its length
 * (at most n - 1: a longer line is cut, its newline kept). ips: see FastLogConfig. */
size_t fastlog_format(const Packet *p, const DetectSigInfo *sig, bool ips, char *buf, size_t n);

#endif
