/* log.c: one line per message, prefixed by its level, written whole so lines from two threads
 * never interleave mid-line. */
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>

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

void
log_msg(LogLevel lvl, const char *fmt, ...)
{
    static const char *const tag[] = {"Error", "Warning", "Notice", "Info", "Debug"};
    char line[1024];
    int n;
    va_list ap;

    if (lvl > log_level) {
        return;
    }
    n = snprintf(line, sizeof(line), "%s: ", tag[lvl]);
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s\n", line);
}
