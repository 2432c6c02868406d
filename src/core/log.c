/* log.c: one line per message, prefixed by its level, written whole so lines from two threads
 * never interleave mid-line. */
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Written once before workers start (an allowed global: part of the config snapshot). */
static LogLevel log_level = LOG_LEVEL_NOTICE;

void
log_set_level(LogLevel lvl)
{
    log_level = lvl;
}

LogLevel
log_get_level(void)
{
    return log_level;
}

size_t
log_sanitize(const char *in, char *out, size_t outsz)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;

    if (outsz == 0) {
        return 0;
    }
    for (const unsigned char *p = (const unsigned char *)in; *p != '\0'; p++) {
        char esc[5];
        size_t k = 0;
        if (*p == '\n') {
            esc[k++] = '\\';
            esc[k++] = 'n';
        } else if (*p == '\r') {
            esc[k++] = '\\';
            esc[k++] = 'r';
        } else if (*p == '\t') {
            esc[k++] = '\\';
            esc[k++] = 't';
        } else if (*p < 0x20 || *p == 0x7f) {
            esc[k++] = '\\';
            esc[k++] = 'x';
            esc[k++] = hex[*p >> 4];
            esc[k++] = hex[*p & 15];
        } else {
            esc[k++] = (char)*p;
        }
        if (o + k >= outsz) {
            break; /* cut at a whole character or escape, never mid-escape */
        }
        memcpy(out + o, esc, k);
        o += k;
    }
    out[o] = '\0';
    return o;
}

void
log_msg(LogLevel lvl, const char *fmt, ...)
{
    static const char *const tag[] = {"Error", "Warning", "Notice", "Info", "Debug"};
    char raw[1024];
    char line[1280];
    int n;
    va_list ap;

    if (lvl > log_level) {
        return;
    }
    va_start(ap, fmt);
    n = vsnprintf(raw, sizeof(raw), fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    /* A message is one line whatever it quotes: a file name or interface name carrying a
     * newline or an escape sequence is shown escaped, so it cannot forge a second log line or
     * drive the terminal. A message longer than the buffer is marked as cut. */
    size_t k = (size_t)snprintf(line, sizeof(line), "%s: ", tag[lvl]);
    k += log_sanitize(raw, line + k, sizeof(line) - k - 4);
    if ((size_t)n >= sizeof(raw)) {
        memcpy(line + k, "...", 4);
    }
    fprintf(stderr, "%s\n", line);
}
