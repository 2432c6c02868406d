/* log.c: one line per message, prefixed by its level, written whole (one write(2) per output)
 * so lines from two threads never interleave mid-line. */
#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "core/json.h"
#include "core/time.h"

#define LOG_OUTPUTS_MAX 4
#define LOG_MODULE_MAX 48

typedef struct {
    int fd;
    LogLevel level;
    bool json;
} LogOutput;

/* Written once before workers start (allowed globals: part of the config snapshot). */
static LogLevel log_level = LOG_LEVEL_NOTICE;
static LogLevel log_max_level = LOG_LEVEL_NOTICE; /* the most verbose of console and files */
static LogOutput log_outputs[LOG_OUTPUTS_MAX];
static unsigned log_output_cnt;
static _Thread_local const char *log_thread_name;

static const char *const log_tag[] = {"Error", "Warning", "Notice", "Info", "Debug"};

void
log_set_level(LogLevel lvl)
{
    log_level = lvl;
    log_max_level = lvl;
    for (unsigned i = 0; i < log_output_cnt; i++) {
        if (log_outputs[i].level > log_max_level) {
            log_max_level = log_outputs[i].level;
        }
    }
}

LogLevel
log_get_level(void)
{
    return log_level;
}

void
log_thread_name_set(const char *name)
{
    log_thread_name = name;
}

bool
log_level_parse(const char *name, LogLevel *out)
{
    static const struct {
        const char *name;
        LogLevel lvl;
    } map[] = {
        {"emergency", LOG_LEVEL_ERROR}, {"alert", LOG_LEVEL_ERROR},  {"critical", LOG_LEVEL_ERROR},
        {"error", LOG_LEVEL_ERROR},     {"warning", LOG_LEVEL_WARN}, {"notice", LOG_LEVEL_NOTICE},
        {"info", LOG_LEVEL_INFO},       {"perf", LOG_LEVEL_INFO},    {"config", LOG_LEVEL_INFO},
        {"debug", LOG_LEVEL_DEBUG},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcasecmp(name, map[i].name) == 0) {
            *out = map[i].lvl;
            return true;
        }
    }
    return false;
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

/* One level's setting in the config: an unknown name is reported and leaves def. */
static LogLevel
log_cfg_level(const CfgNode *cfg, const char *key, LogLevel def)
{
    const char *s = NULL;
    LogLevel lvl;

    if (cfg_get_str(cfg, key, &s) != SK_OK || s == NULL || s[0] == '\0') {
        return def;
    }
    if (!log_level_parse(s, &lvl)) {
        log_error("config: %s: unknown log level '%s'", key, s);
        return def;
    }
    return lvl;
}

SkResult
log_outputs_open(const CfgNode *cfg, const char *log_dir)
{
    const CfgNode *outs = cfg_find(cfg, "logging.outputs");
    LogLevel def = log_cfg_level(cfg, "logging.default-log-level", LOG_LEVEL_NOTICE);

    if (log_dir == NULL
        && (cfg_get_str(cfg, "default-log-dir", &log_dir) != SK_OK || log_dir == NULL
            || log_dir[0] == '\0')) {
        log_dir = ".";
    }
    /* -v raises the console above the file's default; the file's default raises it too, as
     * Suricata's console follows default-log-level. */
    if (def > log_level) {
        log_set_level(def);
    }
    for (size_t i = 0; outs != NULL && i < cfg_child_count(outs); i++) {
        const CfgNode *elem = cfg_child(outs, i);
        const char *key = cfg_child_key(elem, 0);
        const CfgNode *file = key != NULL && strcmp(key, "file") == 0 ? cfg_child(elem, 0) : NULL;
        const char *name = NULL, *type = NULL;
        bool enabled = true;
        char path[4096];
        LogOutput *o;

        if (file == NULL || cfg_get_bool(file, "enabled", &enabled) != SK_OK || !enabled) {
            continue; /* console is always on; syslog is not supported */
        }
        if (cfg_get_str(file, "filename", &name) != SK_OK || name == NULL || name[0] == '\0') {
            name = "suricata.log"; /* Suricata's default file name */
        }
        (void)cfg_get_str(file, "type", &type);
        if (log_output_cnt == LOG_OUTPUTS_MAX) {
            log_error("config: logging.outputs: more than %d files", LOG_OUTPUTS_MAX);
            return SK_ERR_CONFIG;
        }
        int n = name[0] == '/' ? snprintf(path, sizeof(path), "%s", name)
                               : snprintf(path, sizeof(path), "%s/%s", log_dir, name);
        if (n < 0 || (size_t)n >= sizeof(path)) {
            log_error("config: logging.outputs.%zu.file: path too long", i);
            return SK_ERR_CONFIG;
        }
        o = &log_outputs[log_output_cnt];
        o->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
        if (o->fd < 0) {
            /* Suricata goes on without that output (its message, its module) */
            log_warn("debug: error opening file %s: %s", path, strerror(errno));
            continue;
        }
        o->level = log_cfg_level(file, "level", def);
        o->json = type != NULL && strcasecmp(type, "json") == 0;
        log_output_cnt++;
        if (o->level > log_max_level) {
            log_max_level = o->level;
        }
    }
    return SK_OK;
}

void
log_outputs_close(void)
{
    for (unsigned i = 0; i < log_output_cnt; i++) {
        close(log_outputs[i].fd);
    }
    log_output_cnt = 0;
    log_max_level = log_level;
}

static void
log_write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, buf, len);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return; /* nowhere left to report a failing log */
        }
        buf += w;
        len -= (size_t)w;
    }
}

/* Suricata's default file format, "[%i - %m] %z %d: %S: %M": pid, thread, local time. */
static void
log_write_plain(const LogOutput *o, LogLevel lvl, const char *module, const char *msg,
                const char *thread)
{
    char line[1600];
    char when[32];
    struct tm tm;
    time_t now = time(NULL);

    if (localtime_r(&now, &tm) == NULL
        || strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm) == 0) {
        snprintf(when, sizeof(when), "-");
    }
    int n = snprintf(line, sizeof(line), "[%ld - %s] %s %s: %s: %s\n", (long)getpid(), thread, when,
                     log_tag[lvl], module, msg);
    if (n < 0) {
        return;
    }
    if ((size_t)n >= sizeof(line)) {
        n = (int)sizeof(line) - 1;
        line[n - 1] = '\n';
    }
    log_write_all(o->fd, line, (size_t)n);
}

/* An EVE "engine" record, as Suricata's json log output writes it. */
static void
log_write_json(const LogOutput *o, LogLevel lvl, const char *module, const char *msg,
               const char *thread)
{
    char ts[SK_TIME_EVE_LEN + 1];
    JsonBuf jb;

    if (!json_init(&jb, 512)) {
        return;
    }
    size_t tl = time_format_eve(time_wall_now(), ts);
    json_open_obj(&jb, NULL);
    json_str_plain(&jb, "timestamp", ts, tl);
    json_str(&jb, "log_level", log_tag[lvl]);
    json_str(&jb, "event_type", "engine");
    json_open_obj(&jb, "engine");
    json_str(&jb, "message", msg);
    json_str(&jb, "thread_name", thread);
    json_str(&jb, "module", module);
    json_close_obj(&jb);
    json_close_obj(&jb);
    json_end_line(&jb);
    if (!jb.oom) {
        log_write_all(o->fd, jb.buf, jb.len);
    }
    json_fini(&jb);
}

/* module NULL: taken from the message's own "name: " prefix (lowercase letters, digits, '-',
 * '_', '.'), which the console keeps as it was written. */
static void
log_emit(LogLevel lvl, const char *module, const char *fmt, va_list ap)
{
    char raw[1024];
    char line[1280];
    char mod[LOG_MODULE_MAX];
    const char *body;
    size_t k;
    int n;

    if (lvl > log_max_level) {
        return;
    }
    n = vsnprintf(raw, sizeof(raw), fmt, ap);
    if (n < 0) {
        return;
    }
    /* A message is one line whatever it quotes: a file name or interface name carrying a
     * newline or an escape sequence is shown escaped, so it cannot forge a second log line or
     * drive the terminal. A message longer than the buffer is marked as cut. */
    k = log_sanitize(raw, line, sizeof(line) - 4);
    if ((size_t)n >= sizeof(raw)) {
        memcpy(line + k, "...", 4);
    }
    body = line;
    bool explicit_mod = module != NULL;
    if (module == NULL) {
        size_t m = 0;
        while (m < sizeof(mod) - 1
               && ((line[m] >= 'a' && line[m] <= 'z')
                   || (m > 0
                       && ((line[m] >= '0' && line[m] <= '9') || line[m] == '-' || line[m] == '_'
                           || line[m] == '.')))) {
            m++;
        }
        if (m > 0 && line[m] == ':' && line[m + 1] == ' ') {
            memcpy(mod, line, m);
            mod[m] = '\0';
            module = mod;
            body = line + m + 2;
        } else {
            module = "main";
        }
    } else {
        log_sanitize(module, mod, sizeof(mod));
        module = mod;
    }
    if (lvl <= log_level) {
        if (explicit_mod) {
            fprintf(stderr, "%s: %s: %s\n", log_tag[lvl], module, body);
        } else {
            fprintf(stderr, "%s: %s\n", log_tag[lvl], line); /* as written */
        }
    }
    const char *thread = log_thread_name != NULL ? log_thread_name : "Main";
    for (unsigned i = 0; i < log_output_cnt; i++) {
        if (lvl > log_outputs[i].level) {
            continue;
        }
        if (log_outputs[i].json) {
            log_write_json(&log_outputs[i], lvl, module, body, thread);
        } else {
            log_write_plain(&log_outputs[i], lvl, module, body, thread);
        }
    }
}

void
log_module_msg(LogLevel lvl, const char *module, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_emit(lvl, module, fmt, ap);
    va_end(ap);
}

void
log_msg(LogLevel lvl, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_emit(lvl, NULL, fmt, ap);
    va_end(ap);
}
