/* log.h: start-up, shutdown and state-change messages. Never per packet: per-packet facts are
 * events and counters. Lines go to the console (stderr) and to the outputs of the config's
 * logging section (Suricata's logging.outputs: a plain-text file such as suricata.log, or a
 * file of JSON "engine" records). */
#ifndef SK_CORE_LOG_H
#define SK_CORE_LOG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/result.h"

typedef struct CfgNode CfgNode;

typedef enum {
    LOG_LEVEL_ERROR = 0,
    LOG_LEVEL_WARN = 1,
    LOG_LEVEL_NOTICE = 2,
    LOG_LEVEL_INFO = 3,  /* -v */
    LOG_LEVEL_DEBUG = 4, /* -vv */
} LogLevel;

/* Set once at start-up, before threads exist. The console's level. */
void log_set_level(LogLevel lvl);
LogLevel log_get_level(void);

/* Copies in to out (outsz bytes, NUL included) with control characters escaped (\n, \t,
 * \x1b ...), so a name read from the outside world prints as one harmless line. Returns the
 * length written. Every log line goes through it. */
size_t log_sanitize(const char *in, char *out, size_t outsz);

/* A level name as suricata.yaml spells it ("error", "warning", "notice", "info", "perf",
 * "config", "debug", any case); false when unknown. */
bool log_level_parse(const char *name, LogLevel *out);

/* Opens the file outputs of cfg's logging section (logging.outputs: - file: {enabled, level,
 * filename, type: json|regular}) and applies logging.default-log-level to the console when it
 * is more verbose than the -v level. A relative filename is under log_dir (NULL: the config's
 * default-log-dir, else "."). Called once, before threads start; messages logged before it
 * reach the console only. A file that cannot be opened is a warning and no output, as in
 * Suricata; SK_ERR_CONFIG for a malformed section. */
SkResult log_outputs_open(const CfgNode *cfg, const char *log_dir);
/* Closes the file outputs (at exit, after the threads are joined). */
void log_outputs_close(void);

/* The name the calling thread's lines carry ("thread_name" in JSON records). name must
 * outlive the thread; NULL restores the default. */
void log_thread_name_set(const char *name);

/* A line of module (Suricata's "module" field, e.g. "detect-content"). */
void log_module_msg(LogLevel lvl, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A line whose module is its own "name: " prefix when it has one ("detect: ..."), else
 * "main". */
void log_msg(LogLevel lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_LEVEL_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif
