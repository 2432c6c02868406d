/* log.h: start-up, shutdown and state-change messages to stderr. Never per packet: per-packet
 * facts are events and counters. */
#ifndef SK_CORE_LOG_H
#define SK_CORE_LOG_H

#include <stddef.h>

typedef enum {
    LOG_LEVEL_ERROR = 0,
    LOG_LEVEL_WARN = 1,
    LOG_LEVEL_NOTICE = 2,
    LOG_LEVEL_INFO = 3,  /* -v */
    LOG_LEVEL_DEBUG = 4, /* -vv */
} LogLevel;

/* Set once at start-up, before threads exist. */
void log_set_level(LogLevel lvl);
LogLevel log_get_level(void);

/* Copies in to out (outsz bytes, NUL included) with control characters escaped (\n, \t,
 * \x1b ...), so a name read from the outside world prints as one harmless line. Returns the
 * length written. Every log line goes through it. */
size_t log_sanitize(const char *in, char *out, size_t outsz);

void log_msg(LogLevel lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_LEVEL_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif
