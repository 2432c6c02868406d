/* config.c: suricata.yaml as a tree of scalars, maps and sequences, read with libyaml's event
 * parser. It owns the YAML rules Suricata users rely on: "include:" at any map level, the
 * "!include" value tag, later-wins duplicate keys, --set paths with sequence indexes, the
 * --dump-config listing and Suricata's spellings of booleans and sizes. What a key means is
 * left to the stage that reads it. The tree is built once at start-up and read-only after, so
 * nothing here locks. A map of more than a few keys gets a hash index, so a file of 200k keys
 * (generated address groups, say) loads in a fraction of a second instead of a scan per insert.
 * One load reads at most CFG_LOAD_FILES_MAX files and CFG_LOAD_BYTES_MAX bytes in all, and an
 * include must name a regular file: a fan-out of includes, a FIFO or /dev/zero cannot keep
 * -T busy or blocked. */
#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "core/config_default.h"
#include "core/log.h"

/* An include chain longer than this is a config nobody can follow (a loop is caught sooner,
 * by file identity); Suricata's own loader stops at a similar depth. */
#define CFG_INCLUDE_DEPTH_MAX 16
/* YAML nesting this deep is no config anyone writes; the parser recurses once per level, so
 * the cap also bounds its stack. */
#define CFG_NEST_MAX 64
/* Depth alone does not bound an include tree: 16 levels of four includes each is 4^15 reads.
 * These bound a whole load (the -c file and everything it includes). Suricata's stock file and
 * its includes are a few hundred KiB in a handful of files; the bounds leave room for generated
 * address groups and rule-variable files three orders of magnitude bigger. */
#define CFG_LOAD_FILES_MAX 256
#define CFG_LOAD_FILES_TEXT "256"
#define CFG_LOAD_BYTES_MAX ((uint64_t)64 << 20)
#define CFG_LOAD_BYTES_TEXT "64 MiB"
/* A map with this many keys gets a hash index; below it a scan is as fast. */
#define CFG_INDEX_MIN 16

struct CfgNode {
    CfgType type;
    char *key;     /* map key; NULL for a sequence element and for the root */
    char *text;    /* CFG_SCALAR: the value as written ("" for null), else NULL */
    bool null;     /* CFG_SCALAR: YAML null (empty, "~", "null"), read as "not set" */
    CfgNode **kid; /* CFG_MAP, CFG_SEQ: children in file order */
    size_t kid_cnt;
    size_t kid_cap;
    /* CFG_MAP with CFG_INDEX_MIN keys or more: open addressing over the keys, each slot the
     * kid's position + 1 (0: empty). Keys are never removed from a map and a replaced value
     * keeps its position, so slots stay valid; the index moves with kid[] in node_replace. */
    uint32_t *index;
    size_t index_cap; /* slots, a power of two, at least twice kid_cnt; 0: no index */
};

/* What one load has read so far, across all its includes. */
typedef struct {
    size_t files;
    uint64_t bytes;
    bool over;      /* the byte bound was hit while reading; the reader reports it */
    int read_errno; /* a read() error, for the message */
} LoadBudget;

/* The files being read, innermost first: what an include must not name again. */
typedef struct IncludeChain {
    dev_t dev; /* the file's identity: a loop through a symlink, a hard link or a bind */
    ino_t ino; /* mount names the same inode, and a pipe (-c <(...)) has no path to resolve */
    const struct IncludeChain *up;
    int depth;
} IncludeChain;

/* One YAML stream being read. */
typedef struct {
    yaml_parser_t parser;
    const char *name;          /* file name for messages */
    char *dir;                 /* includes resolve from here; NULL: the cwd */
    const IncludeChain *chain; /* this file's place in the include chain */
    LoadBudget *budget;        /* shared by every file of this load */
    FILE *fp;                  /* a file's stream; NULL when reading a string */
} Reader;

static bool read_file_into(CfgNode *map, const char *path, const char *from, size_t from_line,
                           const IncludeChain *up, LoadBudget *budget);
static bool parse_map(Reader *r, CfgNode *map, int nest);

/* ---- the tree ---- */

static CfgNode *
node_new(CfgType type)
{
    CfgNode *n = calloc(1, sizeof(*n));

    if (n != NULL) {
        n->type = type;
    }
    return n;
}

static CfgNode *
scalar_new(const char *text, bool null)
{
    CfgNode *n = node_new(CFG_SCALAR);

    if (n == NULL) {
        return NULL;
    }
    n->text = strdup(null ? "" : text);
    n->null = null;
    if (n->text == NULL) {
        free(n);
        return NULL;
    }
    return n;
}

void
cfg_free(CfgNode *root)
{
    if (root == NULL) {
        return;
    }
    for (size_t i = 0; i < root->kid_cnt; i++) {
        cfg_free(root->kid[i]);
    }
    free(root->kid);
    free(root->index);
    free(root->key);
    free(root->text);
    free(root);
}

CfgNode *
cfg_new(void)
{
    return node_new(CFG_MAP);
}

/* FNV-1a: keys are short and trusted to be unequal only by chance (a config file is not an
 * adversary racing a hash table), and the table doubles long before chains matter. */
static size_t
key_hash(const char *key, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL;

    for (size_t i = 0; i < len; i++) {
        h = (h ^ (unsigned char)key[i]) * 0x100000001b3ULL;
    }
    return (size_t)(h ^ (h >> 32));
}

static void
index_insert(CfgNode *map, size_t pos)
{
    const char *key = map->kid[pos]->key;
    size_t mask = map->index_cap - 1;
    size_t i = key_hash(key, strlen(key)) & mask;

    while (map->index[i] != 0) {
        i = (i + 1) & mask;
    }
    map->index[i] = (uint32_t)(pos + 1);
}

/* Makes room in map's index for `need` keys, building it when the map reaches CFG_INDEX_MIN.
 * False on out of memory, the map unchanged. */
static bool
index_reserve(CfgNode *map, size_t need)
{
    size_t cap = map->index_cap ? map->index_cap : 64;
    uint32_t *slots;

    if (need < CFG_INDEX_MIN || need * 2 <= map->index_cap) {
        return true;
    }
    if (need >= UINT32_MAX / 2) {
        return false;
    }
    while (cap < need * 2) {
        cap *= 2;
    }
    slots = calloc(cap, sizeof(*slots));
    if (slots == NULL) {
        return false;
    }
    free(map->index);
    map->index = slots;
    map->index_cap = cap;
    for (size_t pos = 0; pos < map->kid_cnt; pos++) {
        index_insert(map, pos);
    }
    return true;
}

/* Takes kid. On failure kid is freed, so callers never leak it. A map's kid has its key set. */
static bool
kid_append(CfgNode *parent, CfgNode *kid)
{
    if (parent->type == CFG_MAP && !index_reserve(parent, parent->kid_cnt + 1)) {
        cfg_free(kid);
        return false;
    }
    if (parent->kid_cnt == parent->kid_cap) {
        size_t cap = parent->kid_cap ? parent->kid_cap * 2 : 8;
        CfgNode **grown = realloc(parent->kid, cap * sizeof(*grown));
        if (grown == NULL) {
            cfg_free(kid);
            return false;
        }
        parent->kid = grown;
        parent->kid_cap = cap;
    }
    parent->kid[parent->kid_cnt++] = kid;
    if (parent->index_cap > 0) {
        index_insert(parent, parent->kid_cnt - 1);
    }
    return true;
}

static bool
key_is(const char *k, const char *key, size_t key_len)
{
    return strncmp(k, key, key_len) == 0 && k[key_len] == '\0';
}

/* The kid of map whose key is key[0..key_len), or NULL. */
static CfgNode *
map_get(const CfgNode *map, const char *key, size_t key_len)
{
    if (map->index_cap > 0) {
        size_t mask = map->index_cap - 1;
        for (size_t i = key_hash(key, key_len) & mask; map->index[i] != 0; i = (i + 1) & mask) {
            CfgNode *kid = map->kid[map->index[i] - 1];
            if (key_is(kid->key, key, key_len)) {
                return kid;
            }
        }
        return NULL;
    }
    for (size_t i = 0; i < map->kid_cnt; i++) {
        if (key_is(map->kid[i]->key, key, key_len)) {
            return map->kid[i];
        }
    }
    return NULL;
}

/* Moves src's content into dst (same key, same position in its parent) and frees src's shell. */
static void
node_replace(CfgNode *dst, CfgNode *src)
{
    char *key = dst->key;

    dst->key = NULL;
    free(src->key);
    src->key = NULL;
    for (size_t i = 0; i < dst->kid_cnt; i++) {
        cfg_free(dst->kid[i]);
    }
    free(dst->kid);
    free(dst->index);
    free(dst->text);
    *dst = *src; /* src's index describes src's kid[], which dst now holds */
    dst->key = key;
    free(src);
}

static bool map_put(CfgNode *map, CfgNode *kid);

/* Suricata merges a repeated map key and an included file into the node that is already there:
 * keys new to it are appended, keys it has are overwritten (maps merging again). Takes src. */
static bool
map_merge(CfgNode *dst, CfgNode *src)
{
    bool ok = true;
    size_t i;

    for (i = 0; i < src->kid_cnt && ok; i++) {
        ok = map_put(dst, src->kid[i]);
    }
    for (; i < src->kid_cnt; i++) {
        cfg_free(src->kid[i]);
    }
    src->kid_cnt = 0;
    cfg_free(src);
    return ok;
}

/* Adds kid (whose key is set) to map, later wins: a repeated key keeps its place and takes the
 * new value, two maps merge. Takes kid. */
static bool
map_put(CfgNode *map, CfgNode *kid)
{
    CfgNode *old = map_get(map, kid->key, strlen(kid->key));

    if (old == NULL) {
        return kid_append(map, kid);
    }
    if (old->type == CFG_MAP && kid->type == CFG_MAP) {
        return map_merge(old, kid);
    }
    node_replace(old, kid);
    return true;
}

/* ---- reading YAML ---- */

static void
log_oom(const Reader *r, size_t line)
{
    log_error("config: %s:%zu: out of memory", r->name, line);
}

static size_t
event_line(const yaml_event_t *ev)
{
    return ev->start_mark.line + 1;
}

/* Pulls the next event; a syntax error is logged with libyaml's own words and position. */
static bool
next_event(Reader *r, yaml_event_t *ev)
{
    if (yaml_parser_parse(&r->parser, ev)) {
        return true;
    }
    /* The read handler's refusals show as libyaml's "input error": say what happened. */
    if (r->budget != NULL && r->budget->over) {
        log_error("config: %s: the configuration and its includes exceed %s; a file this big is "
                  "not a configuration",
                  r->name, CFG_LOAD_BYTES_TEXT);
    } else if (r->budget != NULL && r->budget->read_errno != 0) {
        log_error("config: %s: cannot read: %s", r->name, strerror(r->budget->read_errno));
    } else if (r->parser.error == YAML_MEMORY_ERROR) {
        log_oom(r, r->parser.mark.line + 1);
    } else if (r->parser.context != NULL) {
        log_error("config: %s:%zu: %s (%s started on line %zu)", r->name,
                  r->parser.problem_mark.line + 1, r->parser.problem, r->parser.context,
                  r->parser.context_mark.line + 1);
    } else {
        log_error("config: %s:%zu: %s", r->name, r->parser.problem_mark.line + 1,
                  r->parser.problem != NULL ? r->parser.problem : "unreadable YAML");
    }
    return false;
}

/* YAML 1.1's nulls. Only plain scalars: a quoted "" or "~" is a string someone meant. */
static bool
scalar_is_null(const yaml_event_t *ev)
{
    const char *v = (const char *)ev->data.scalar.value;

    if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
        return false;
    }
    return v[0] == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 || strcmp(v, "Null") == 0
           || strcmp(v, "NULL") == 0;
}

static bool
tag_is_include(const yaml_event_t *ev)
{
    const yaml_char_t *tag = NULL;

    if (ev->type == YAML_SCALAR_EVENT) {
        tag = ev->data.scalar.tag;
    } else if (ev->type == YAML_MAPPING_START_EVENT) {
        tag = ev->data.mapping_start.tag;
    } else if (ev->type == YAML_SEQUENCE_START_EVENT) {
        tag = ev->data.sequence_start.tag;
    }
    return tag != NULL && strcmp((const char *)tag, "!include") == 0;
}

/* An include path is relative to the directory of the file that names it. Returns new. */
static char *
include_path(const Reader *r, const char *path)
{
    char *full;

    if (path[0] == '/' || r->dir == NULL) {
        return strdup(path);
    }
    size_t len = strlen(r->dir) + 1 + strlen(path) + 1;

    full = malloc(len);
    if (full != NULL && snprintf(full, len, "%s/%s", r->dir, path) != (int)len - 1) {
        free(full); /* cannot happen: len is what it prints */
        full = NULL;
    }
    return full;
}

/* Reads the file named by an include (key or tag) at `line` and merges its map into map. */
static bool
include_into(Reader *r, CfgNode *map, const char *path, size_t line)
{
    char *full;
    bool ok;

    if (path[0] == '\0') {
        log_error("config: %s:%zu: include names no file", r->name, line);
        return false;
    }
    full = include_path(r, path);
    if (full == NULL) {
        log_oom(r, line);
        return false;
    }
    ok = read_file_into(map, full, r->name, line, r->chain, r->budget);
    free(full);
    return ok;
}

/* The value of an "include:" key: one path, or a sequence of paths read in order. The key's
 * own event has been consumed; this consumes the value's. */
static bool
parse_include_key(Reader *r, CfgNode *map)
{
    yaml_event_t ev;
    bool ok = true;

    if (!next_event(r, &ev)) {
        return false;
    }
    if (ev.type == YAML_SCALAR_EVENT) {
        ok = include_into(r, map, (const char *)ev.data.scalar.value, event_line(&ev));
        yaml_event_delete(&ev);
        return ok;
    }
    if (ev.type != YAML_SEQUENCE_START_EVENT) {
        log_error("config: %s:%zu: include: expects a file name or a list of them", r->name,
                  event_line(&ev));
        yaml_event_delete(&ev);
        return false;
    }
    yaml_event_delete(&ev);
    for (;;) {
        if (!next_event(r, &ev)) {
            return false;
        }
        if (ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            return true;
        }
        if (ev.type != YAML_SCALAR_EVENT) {
            log_error("config: %s:%zu: include: list entries must be file names", r->name,
                      event_line(&ev));
            yaml_event_delete(&ev);
            return false;
        }
        ok = include_into(r, map, (const char *)ev.data.scalar.value, event_line(&ev));
        yaml_event_delete(&ev);
        if (!ok) {
            return false;
        }
    }
}

/* Builds the node a value starts with: ev is its first event (borrowed; the caller deletes
 * it). Returns new, NULL when an error was logged. */
static CfgNode *
parse_value(Reader *r, const yaml_event_t *ev, int nest)
{
    CfgNode *n = NULL;
    yaml_event_t kid_ev;

    if (nest > CFG_NEST_MAX) {
        log_error("config: %s:%zu: nested deeper than %d levels", r->name, event_line(ev),
                  CFG_NEST_MAX);
        return NULL;
    }
    if (tag_is_include(ev)) {
        /* key: !include file.yaml gives key the included file's map. */
        if (ev->type != YAML_SCALAR_EVENT) {
            log_error("config: %s:%zu: !include expects a file name", r->name, event_line(ev));
            return NULL;
        }
        n = node_new(CFG_MAP);
        if (n == NULL) {
            log_oom(r, event_line(ev));
            return NULL;
        }
        if (!include_into(r, n, (const char *)ev->data.scalar.value, event_line(ev))) {
            cfg_free(n);
            return NULL;
        }
        return n;
    }
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        n = scalar_new((const char *)ev->data.scalar.value, scalar_is_null(ev));
        if (n == NULL) {
            log_oom(r, event_line(ev));
        }
        return n;
    case YAML_MAPPING_START_EVENT:
        n = node_new(CFG_MAP);
        if (n == NULL) {
            log_oom(r, event_line(ev));
            return NULL;
        }
        if (!parse_map(r, n, nest + 1)) {
            cfg_free(n);
            return NULL;
        }
        return n;
    case YAML_SEQUENCE_START_EVENT:
        n = node_new(CFG_SEQ);
        if (n == NULL) {
            log_oom(r, event_line(ev));
            return NULL;
        }
        for (;;) {
            CfgNode *kid;
            if (!next_event(r, &kid_ev)) {
                cfg_free(n);
                return NULL;
            }
            if (kid_ev.type == YAML_SEQUENCE_END_EVENT) {
                yaml_event_delete(&kid_ev);
                return n;
            }
            kid = parse_value(r, &kid_ev, nest + 1);
            if (kid == NULL || !kid_append(n, kid)) {
                if (kid != NULL) {
                    log_oom(r, event_line(&kid_ev));
                }
                yaml_event_delete(&kid_ev);
                cfg_free(n);
                return NULL;
            }
            yaml_event_delete(&kid_ev);
        }
    case YAML_ALIAS_EVENT:
        /* Suricata's loader has no use for anchors either; refusing beats a silent gap. */
        log_error("config: %s:%zu: YAML aliases (*%s) are not supported", r->name, event_line(ev),
                  (const char *)ev->data.alias.anchor);
        return NULL;
    default:
        log_error("config: %s:%zu: unexpected YAML structure", r->name, event_line(ev));
        return NULL;
    }
}

/* Reads key/value pairs up to the mapping's end into map, which may already hold keys (the
 * root, an include target, a repeated key's map): entries merge, later wins. */
static bool
parse_map(Reader *r, CfgNode *map, int nest)
{
    yaml_event_t key_ev, val_ev;
    bool seen_include = false;

    for (;;) {
        CfgNode *kid;
        bool ok;

        if (!next_event(r, &key_ev)) {
            return false;
        }
        if (key_ev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&key_ev);
            return true;
        }
        if (key_ev.type != YAML_SCALAR_EVENT) {
            log_error("config: %s:%zu: a map key must be a plain name", r->name,
                      event_line(&key_ev));
            yaml_event_delete(&key_ev);
            return false;
        }
        if (strcmp((const char *)key_ev.data.scalar.value, "include") == 0) {
            /* Suricata 8 refuses a second include key in one map: YAML gives no order to
             * duplicate keys, so the files go in one list. */
            if (seen_include) {
                log_error("config: %s:%zu: more than one include: in the same map; list the "
                          "files under one include:",
                          r->name, event_line(&key_ev));
                yaml_event_delete(&key_ev);
                return false;
            }
            seen_include = true;
            yaml_event_delete(&key_ev);
            if (!parse_include_key(r, map)) {
                return false;
            }
            continue;
        }
        if (!next_event(r, &val_ev)) {
            yaml_event_delete(&key_ev);
            return false;
        }
        kid = parse_value(r, &val_ev, nest);
        ok = kid != NULL;
        if (ok) {
            kid->key = strdup((const char *)key_ev.data.scalar.value);
            if (kid->key == NULL) {
                cfg_free(kid);
                ok = false;
            } else {
                ok = map_put(map, kid); /* takes kid, even when it fails */
            }
            if (!ok) {
                log_oom(r, event_line(&key_ev));
            }
        }
        yaml_event_delete(&val_ev);
        yaml_event_delete(&key_ev);
        if (!ok) {
            return false;
        }
    }
}

/* Reads every document of the stream into root. The top level of each must be a map or
 * empty; the "%YAML 1.1" directive and "---" are both optional. */
static bool
parse_stream(Reader *r, CfgNode *root)
{
    yaml_event_t ev;

    for (;;) {
        if (!next_event(r, &ev)) {
            return false;
        }
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            yaml_event_delete(&ev);
            return true;
        case YAML_MAPPING_START_EVENT:
            if (tag_is_include(&ev)) {
                log_error("config: %s:%zu: !include expects a file name", r->name, event_line(&ev));
                yaml_event_delete(&ev);
                return false;
            }
            yaml_event_delete(&ev);
            if (!parse_map(r, root, 1)) {
                return false;
            }
            break;
        case YAML_SCALAR_EVENT:
            if (scalar_is_null(&ev)) { /* an empty document: comments, or nothing at all */
                yaml_event_delete(&ev);
                break;
            }
            /* fall through */
        case YAML_SEQUENCE_START_EVENT:
        case YAML_ALIAS_EVENT:
            log_error("config: %s:%zu: the top level must be a map of keys", r->name,
                      event_line(&ev));
            yaml_event_delete(&ev);
            return false;
        default: /* stream and document start and end */
            yaml_event_delete(&ev);
            break;
        }
    }
}

static char *
dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (slash == NULL) {
        return NULL;
    }
    if (slash == path) {
        return strdup("/");
    }
    return strndup(path, (size_t)(slash - path));
}

/* libyaml's read handler for files: counts bytes against the load's bound and stops there,
 * so a file that grows while read (or a device that never ends) cannot run past it. */
static int
read_counted(void *data, unsigned char *buf, size_t size, size_t *size_read)
{
    Reader *r = data;
    uint64_t left = CFG_LOAD_BYTES_MAX - r->budget->bytes;
    size_t n;

    n = fread(buf, 1, size, r->fp);
    if (n == 0 && ferror(r->fp)) {
        r->budget->read_errno = errno != 0 ? errno : EIO;
        return 0;
    }
    if (n > left) {
        r->budget->over = true;
        return 0;
    }
    r->budget->bytes += n;
    *size_read = n;
    return 1;
}

/* Logs the refusal of path: with the include's place when an include named it. */
static void
log_refused(const char *path, const char *from, size_t from_line, const char *why)
{
    if (from != NULL) {
        log_error("config: %s:%zu: include '%s': %s", from, from_line, path, why);
    } else {
        log_error("config: %s: %s", path, why);
    }
}

/* Opens path for reading within the load's bounds. An include must be a regular file: opened
 * O_NONBLOCK so that a FIFO nobody writes cannot block the open, it is refused right after, as
 * a directory or a device is (read(2) on a directory fails, /dev/zero never ends). The -c file
 * (from NULL) may also be a pipe or a device, as in Suricata: `-c /dev/null` (no settings) and
 * `-c <(generate)` are deliberate, the open blocks as the user asked, and the byte bound still
 * stops /dev/zero. A directory is refused either way. Logged, NULL on refusal. */
static FILE *
open_config_file(const char *path, const char *from, size_t from_line, LoadBudget *budget)
{
    struct stat st;
    FILE *fp;
    int fd;

    if (budget->files >= CFG_LOAD_FILES_MAX) {
        log_refused(path, from, from_line,
                    "more than " CFG_LOAD_FILES_TEXT " files read for one configuration "
                    "(includes that fan out?)");
        return NULL;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC | (from != NULL ? O_NONBLOCK : 0));
    if (fd < 0) {
        if (from == NULL) {
            log_error("config: %s: cannot open: %s", path, strerror(errno));
        } else {
            log_refused(path, from, from_line, strerror(errno));
        }
        return NULL;
    }
    if (fstat(fd, &st) != 0) {
        log_refused(path, from, from_line, strerror(errno));
        close(fd);
        return NULL;
    }
    if (S_ISDIR(st.st_mode) || (from != NULL && !S_ISREG(st.st_mode))) {
        log_refused(path, from, from_line,
                    S_ISDIR(st.st_mode) ? "a directory, not a regular file"
                                        : "not a regular file (a FIFO, socket or device)");
        close(fd);
        return NULL;
    }
    if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > CFG_LOAD_BYTES_MAX - budget->bytes) {
        log_refused(path, from, from_line,
                    "the configuration and its includes exceed " CFG_LOAD_BYTES_TEXT
                    "; a file this big is not a configuration");
        close(fd);
        return NULL;
    }
    /* Back to blocking reads: a regular file never blocks, and stdio expects it. */
    if ((from != NULL && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0)
        || (fp = fdopen(fd, "r")) == NULL) {
        log_refused(path, from, from_line, strerror(errno));
        close(fd);
        return NULL;
    }
    budget->files++;
    return fp;
}

/* Reads the file at path and merges its top-level map into map. from/from_line name the
 * include that asked for it (NULL for the -c file), for messages. */
static bool
read_file_into(CfgNode *map, const char *path, const char *from, size_t from_line,
               const IncludeChain *up, LoadBudget *budget)
{
    IncludeChain link = {.up = up, .depth = up != NULL ? up->depth + 1 : 0};
    Reader r = {.name = path, .budget = budget};
    struct stat st;
    FILE *fp = NULL;
    bool ok = false;

    fp = open_config_file(path, from, from_line, budget);
    if (fp == NULL) {
        return false;
    }
    if (fstat(fileno(fp), &st) != 0) {
        log_error("config: %s: %s", path, strerror(errno));
        goto out;
    }
    for (const IncludeChain *c = up; c != NULL; c = c->up) {
        if (c->dev == st.st_dev && c->ino == st.st_ino) {
            log_error("config: %s:%zu: include '%s' loops back to a file being read", from,
                      from_line, path);
            goto out;
        }
    }
    if (link.depth > CFG_INCLUDE_DEPTH_MAX) {
        log_error("config: %s:%zu: includes nested deeper than %d", from, from_line,
                  CFG_INCLUDE_DEPTH_MAX);
        goto out;
    }
    link.dev = st.st_dev;
    link.ino = st.st_ino;
    r.chain = &link;
    r.fp = fp;
    r.dir = dir_of(path);
    if (strchr(path, '/') != NULL && r.dir == NULL) {
        log_error("config: %s: out of memory", path);
        goto out;
    }
    if (!yaml_parser_initialize(&r.parser)) {
        log_error("config: %s: out of memory", path);
        goto out;
    }
    yaml_parser_set_input(&r.parser, read_counted, &r);
    ok = parse_stream(&r, map);
    yaml_parser_delete(&r.parser);
out:
    free(r.dir);
    fclose(fp);
    return ok;
}

CfgNode *
cfg_load_file(const char *path)
{
    LoadBudget budget = {0};
    CfgNode *root = cfg_new();

    if (root == NULL) {
        log_error("config: %s: out of memory", path);
        return NULL;
    }
    if (!read_file_into(root, path, NULL, 0, NULL, &budget)) {
        cfg_free(root);
        return NULL;
    }
    return root;
}

CfgNode *
cfg_load_string(const char *text, const char *name)
{
    LoadBudget budget = {0};
    Reader r = {.name = name, .budget = &budget};
    CfgNode *root = cfg_new();
    bool ok;

    if (root == NULL || !yaml_parser_initialize(&r.parser)) {
        log_error("config: %s: out of memory", name);
        cfg_free(root);
        return NULL;
    }
    yaml_parser_set_input_string(&r.parser, (const unsigned char *)text, strlen(text));
    ok = parse_stream(&r, root);
    yaml_parser_delete(&r.parser);
    if (!ok) {
        cfg_free(root);
        return NULL;
    }
    return root;
}

CfgNode *
cfg_load_default(void)
{
    return cfg_load_string(sk_config_default, "built-in configuration");
}

/* ---- lookup ---- */

/* A path component that is all digits, as a sequence index. */
static bool
parse_index(const char *s, size_t len, size_t *out)
{
    size_t v = 0;

    if (len == 0 || len > 9) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)s[i])) {
            return false;
        }
        v = v * 10 + (size_t)(s[i] - '0');
    }
    *out = v;
    return true;
}

/* The child of n named by the component s[0..len): a key in a map, an index in a sequence. */
static CfgNode *
child_by_name(const CfgNode *n, const char *s, size_t len)
{
    size_t idx;

    if (n->type == CFG_MAP) {
        return map_get(n, s, len);
    }
    if (n->type == CFG_SEQ && parse_index(s, len, &idx) && idx < n->kid_cnt) {
        return n->kid[idx];
    }
    return NULL;
}

const CfgNode *
cfg_find(const CfgNode *root, const char *key)
{
    const CfgNode *n = root;
    const char *s = key;

    if (root == NULL || key == NULL || key[0] == '\0') {
        return root;
    }
    while (n != NULL) {
        const char *dot = strchr(s, '.');
        size_t len = dot != NULL ? (size_t)(dot - s) : strlen(s);
        n = child_by_name(n, s, len);
        if (dot == NULL) {
            break;
        }
        s = dot + 1;
    }
    return n;
}

CfgType
cfg_type(const CfgNode *n)
{
    return n->type;
}

const char *
cfg_scalar(const CfgNode *n)
{
    return n != NULL && n->type == CFG_SCALAR ? n->text : NULL;
}

size_t
cfg_child_count(const CfgNode *n)
{
    return n != NULL ? n->kid_cnt : 0;
}

const CfgNode *
cfg_child(const CfgNode *n, size_t i)
{
    return n != NULL && i < n->kid_cnt ? n->kid[i] : NULL;
}

const char *
cfg_child_key(const CfgNode *n, size_t i)
{
    return n != NULL && n->type == CFG_MAP && i < n->kid_cnt ? n->kid[i]->key : NULL;
}

const CfgNode *
cfg_seq_find_map(const CfgNode *seq, const char *name)
{
    if (seq == NULL || seq->type != CFG_SEQ) {
        return NULL;
    }
    for (size_t i = 0; i < seq->kid_cnt; i++) {
        const CfgNode *e = seq->kid[i];
        if (e->type == CFG_MAP && e->kid_cnt > 0 && strcmp(e->kid[0]->key, name) == 0) {
            return e->kid[0];
        }
        if (e->type == CFG_SCALAR && strcmp(e->text, name) == 0) {
            return e;
        }
    }
    return NULL;
}

/* ---- --set ---- */

/* The next node on a --set path, made if missing: a map where there is none (a scalar on the
 * way is replaced, later wins), a new sequence element at index == length. */
static CfgNode *
set_step(CfgNode *n, const char *s, size_t len)
{
    CfgNode *kid;
    size_t idx;

    if (n->type == CFG_SEQ) {
        if (!parse_index(s, len, &idx) || idx > n->kid_cnt) {
            return NULL;
        }
        if (idx < n->kid_cnt) {
            return n->kid[idx];
        }
        kid = node_new(CFG_MAP);
        return kid != NULL && kid_append(n, kid) ? kid : NULL;
    }
    kid = map_get(n, s, len);
    if (kid != NULL) {
        return kid;
    }
    kid = node_new(CFG_MAP);
    if (kid == NULL) {
        return NULL;
    }
    kid->key = strndup(s, len);
    if (kid->key == NULL) {
        cfg_free(kid);
        return NULL;
    }
    return kid_append(n, kid) ? kid : NULL;
}

SkResult
cfg_set(CfgNode *root, const char *key, const char *value)
{
    CfgNode *n = root;
    CfgNode *leaf;
    const char *s = key;

    if (value == NULL) {
        value = "";
    }
    /* Checked whole before anything changes, so a bad key leaves the tree as it was. */
    if (key[0] == '\0' || key[0] == '.' || key[strlen(key) - 1] == '.'
        || strstr(key, "..") != NULL) {
        log_error("config: --set %s: empty name in the key path", key);
        return SK_ERR_CONFIG;
    }
    for (;;) {
        const char *dot = strchr(s, '.');
        size_t len = dot != NULL ? (size_t)(dot - s) : strlen(s);
        if (n->type == CFG_SCALAR) {
            /* A scalar in the middle of the path becomes a map: the newer --set wins. */
            CfgNode *map = node_new(CFG_MAP);
            if (map == NULL) {
                goto nomem;
            }
            node_replace(n, map);
        }
        if (n->type == CFG_SEQ) {
            size_t idx;
            if (!parse_index(s, len, &idx) || idx > n->kid_cnt) {
                log_error("config: --set %s: '%.*s' is not an index of that list (0 to %zu)", key,
                          (int)len, s, n->kid_cnt);
                return SK_ERR_CONFIG;
            }
        }
        if (dot == NULL) {
            break;
        }
        n = set_step(n, s, len);
        if (n == NULL) {
            goto nomem;
        }
        s = dot + 1;
    }
    leaf = scalar_new(value, false);
    if (leaf == NULL) {
        goto nomem;
    }
    if (n->type == CFG_SEQ) {
        size_t idx = 0;
        parse_index(s, strlen(s), &idx);
        if (idx < n->kid_cnt) {
            node_replace(n->kid[idx], leaf);
            return SK_OK;
        }
        if (!kid_append(n, leaf)) { /* frees leaf */
            goto nomem;
        }
        return SK_OK;
    }
    leaf->key = strdup(s);
    if (leaf->key == NULL) {
        cfg_free(leaf);
        goto nomem;
    }
    if (!map_put(n, leaf)) { /* takes leaf */
        goto nomem;
    }
    return SK_OK;
nomem:
    log_error("config: --set %s: out of memory", key);
    return SK_ERR_NOMEM;
}

/* ---- typed values ---- */

bool
cfg_parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"yes", "true", "on", "1"};
    static const char *const no[] = {"no", "false", "off", "0"};

    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

/* Suricata's size syntax: a number with an optional fraction, optional blanks, an optional
 * unit of two or three letters. kb and kib alike mean 1024, as in Suricata (its ParseSizeString
 * treats the SI spelling as binary), so a suricata.yaml means the same bytes here. */
bool
cfg_parse_size(const char *s, uint64_t *out)
{
    static const struct {
        const char *unit;
        uint64_t mult;
    } units[] = {
        {"kb", 1ULL << 10},  {"kib", 1ULL << 10}, {"mb", 1ULL << 20},
        {"mib", 1ULL << 20}, {"gb", 1ULL << 30},  {"gib", 1ULL << 30},
    };
    uint64_t whole = 0, mult = 1;
    double frac = 0.0;
    const char *p = s;
    const char *unit;
    size_t unit_len;

    while (*p == ' ' || *p == '\t') {
        p++;
    }
    if (!isdigit((unsigned char)*p)) {
        return false;
    }
    for (; isdigit((unsigned char)*p); p++) {
        unsigned d = (unsigned)(*p - '0');
        if (whole > (UINT64_MAX - d) / 10) {
            return false;
        }
        whole = whole * 10 + d;
    }
    if (*p == '.') {
        const char *f = p;
        p++;
        if (!isdigit((unsigned char)*p)) {
            return false;
        }
        while (isdigit((unsigned char)*p)) {
            p++;
        }
        frac = strtod(f, NULL); /* ".5": the digits were checked above */
    }
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    unit = p;
    while (isalpha((unsigned char)*p)) {
        p++;
    }
    unit_len = (size_t)(p - unit);
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    if (*p != '\0') {
        return false;
    }
    if (unit_len > 0) {
        size_t i;
        for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
            if (strlen(units[i].unit) == unit_len
                && strncasecmp(unit, units[i].unit, unit_len) == 0) {
                break;
            }
        }
        if (i == sizeof(units) / sizeof(units[0])) {
            return false;
        }
        mult = units[i].mult;
    }
    if (whole > UINT64_MAX / mult) {
        return false;
    }
    /* The fraction of one unit is below mult, so this cannot overflow past the check above
     * by more than one unit; 1.5gb is exact, 0.1kb rounds down to 102 bytes. */
    uint64_t part = (uint64_t)(frac * (double)mult);
    if (whole * mult > UINT64_MAX - part) {
        return false;
    }
    *out = whole * mult + part;
    return true;
}

/* Digits only: no sign, no blanks, no base prefix, no trailing text ("1234abc" is not 1234). */
bool
cfg_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;

    if (*s == '\0') {
        return false;
    }
    for (; *s != '\0'; s++) {
        unsigned d = (unsigned)(*s - '0');
        if (d > 9 || v > (max - d) / 10) {
            return false;
        }
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/* An optional sign and digits, the whole text; strtoll only after the shape is checked, since
 * it would take blanks, a trailing word or (base 0) a hex prefix. */
static bool
parse_int(const char *s, int64_t *out)
{
    const char *d = s + (*s == '-' || *s == '+');
    long long v;

    if (*d == '\0' || strspn(d, "0123456789") != strlen(d)) {
        return false;
    }
    errno = 0;
    v = strtoll(s, NULL, 10);
    if (errno != 0) {
        return false;
    }
    *out = v;
    return true;
}

bool
cfg_parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
    int64_t v;
    if (s == NULL || !parse_int(s, &v) || v < min || v > max) {
        return false;
    }
    *out = v;
    return true;
}

/* A decimal number: optional sign, digits, optionally a point and more digits ("1.5", "-2").
 * strtod alone would also take "0x1p3", "inf", "1e3" and leading blanks. */
static bool
parse_double(const char *s, double *out)
{
    const char *p = s + (*s == '-' || *s == '+');
    size_t whole = strspn(p, "0123456789");
    double v;

    if (whole == 0) {
        return false;
    }
    p += whole;
    if (*p == '.') {
        size_t frac = strspn(p + 1, "0123456789");
        if (frac == 0) {
            return false;
        }
        p += 1 + frac;
    }
    if (*p != '\0') {
        return false;
    }
    errno = 0;
    v = strtod(s, NULL);
    if (errno != 0 || !isfinite(v)) {
        return false;
    }
    *out = v;
    return true;
}

/* How a node that is not a scalar shows in an error line. */
static const char *
shown(const CfgNode *n)
{
    if (n->type == CFG_MAP) {
        return "<map>";
    }
    if (n->type == CFG_SEQ) {
        return "<list>";
    }
    return n->text;
}

/* key is absent from root: is that because a node on its path holds a value where a map of
 * settings belongs (`flow: abc` for flow.memcap, `flow: [1]`)? Then that is the error, logged,
 * rather than a silent default. A null on the way (`flow:` and nothing) is just absent. */
static SkResult
check_path(const CfgNode *root, const char *key)
{
    const CfgNode *n = root;
    const char *s = key;

    while (n != NULL) {
        const char *dot = strchr(s, '.');
        size_t len = dot != NULL ? (size_t)(dot - s) : strlen(s);
        size_t idx;
        bool blocked = (n->type == CFG_SCALAR && !n->null)
                       || (n->type == CFG_SEQ && !parse_index(s, len, &idx));
        if (blocked) {
            log_error("config: %.*s: '%s' is not a map of settings (%s belongs under it)",
                      s == key ? 1 : (int)(s - key - 1), s == key ? "." : key, shown(n), key);
            return SK_ERR_CONFIG;
        }
        if (n->type == CFG_SCALAR) {
            return SK_OK;
        }
        n = child_by_name(n, s, len);
        if (dot == NULL) {
            break;
        }
        s = dot + 1;
    }
    return SK_OK;
}

/* The scalar text under key: SK_OK with *text NULL when the key is absent or null, the wrong
 * type error when it holds a map or a list, or when a node on its path is not a map. */
static SkResult
lookup_text(const CfgNode *root, const char *key, const char *what, const char *hint,
            const char **text)
{
    const CfgNode *n = cfg_find(root, key);

    *text = NULL;
    if (n == NULL) {
        return root != NULL && key != NULL ? check_path(root, key) : SK_OK;
    }
    if (n->type != CFG_SCALAR) {
        log_error("config: %s: '%s' is not %s (%s)", key, shown(n), what, hint);
        return SK_ERR_CONFIG;
    }
    if (!n->null) {
        *text = n->text;
    }
    return SK_OK;
}

#define BOOL_HINT "yes/no, true/false, on/off or 1/0"
#define SIZE_HINT "for example 32mb, 1.5 GiB or 4096 bytes"

SkResult
cfg_get_bool(const CfgNode *root, const char *key, bool *out)
{
    const char *text;
    SkResult rc = lookup_text(root, key, "a boolean", BOOL_HINT, &text);

    if (rc != SK_OK || text == NULL) {
        return rc;
    }
    if (!cfg_parse_bool(text, out)) {
        log_error("config: %s: '%s' is not a boolean (%s)", key, text, BOOL_HINT);
        return SK_ERR_CONFIG;
    }
    return SK_OK;
}

SkResult
cfg_get_str(const CfgNode *root, const char *key, const char **out)
{
    const char *text;
    SkResult rc = lookup_text(root, key, "a string", "a single value was expected", &text);

    if (rc == SK_OK && text != NULL) {
        *out = text;
    }
    return rc;
}

SkResult
cfg_get_int(const CfgNode *root, const char *key, int64_t min, int64_t max, int64_t *out)
{
    char hint[96];
    const char *text;
    int64_t v;
    SkResult rc;

    /* At most 63 characters: two 20-character numbers and the words. */
    if (snprintf(hint, sizeof(hint), "a whole number from %lld to %lld", (long long)min,
                 (long long)max)
        >= (int)sizeof(hint)) {
        strcpy(hint, "a whole number");
    }
    rc = lookup_text(root, key, "an integer", hint, &text);
    if (rc != SK_OK || text == NULL) {
        return rc;
    }
    if (!cfg_parse_int(text, min, max, &v)) {
        log_error("config: %s: '%s' is not an integer (%s)", key, text, hint);
        return SK_ERR_CONFIG;
    }
    *out = v;
    return SK_OK;
}

SkResult
cfg_get_size(const CfgNode *root, const char *key, uint64_t *out)
{
    const char *text;
    SkResult rc = lookup_text(root, key, "a size", SIZE_HINT, &text);

    if (rc != SK_OK || text == NULL) {
        return rc;
    }
    if (!cfg_parse_size(text, out)) {
        log_error("config: %s: '%s' is not a size (%s)", key, text, SIZE_HINT);
        return SK_ERR_CONFIG;
    }
    return SK_OK;
}

SkResult
cfg_get_double(const CfgNode *root, const char *key, double *out)
{
    const char *text;
    SkResult rc = lookup_text(root, key, "a number", "for example 1.5", &text);

    if (rc != SK_OK || text == NULL) {
        return rc;
    }
    if (!parse_double(text, out)) {
        log_error("config: %s: '%s' is not a number (for example 1.5)", key, text);
        return SK_ERR_CONFIG;
    }
    return SK_OK;
}

/* ---- listing ---- */

/* A dotted path grown and shrunk as the walk descends. */
typedef struct {
    char *s;
    size_t len;
    size_t cap;
} PathBuf;

static bool
path_push(PathBuf *pb, const char *name)
{
    size_t need = pb->len + 1 + strlen(name) + 1;

    if (need > pb->cap) {
        size_t cap = pb->cap ? pb->cap : 128;
        while (cap < need) {
            cap *= 2;
        }
        char *grown = realloc(pb->s, cap);
        if (grown == NULL) {
            return false;
        }
        pb->s = grown;
        pb->cap = cap;
    }
    if (pb->len > 0) {
        pb->s[pb->len++] = '.';
    }
    strcpy(pb->s + pb->len, name);
    pb->len += strlen(name);
    return true;
}

/* What a walk does at each line it finds. */
typedef struct {
    FILE *out;          /* cfg_dump: print here */
    CfgKeyFilter visit; /* cfg_walk_scalars: call this; false stops the walk */
    void *user;
} Visit;

static bool
walk(const CfgNode *n, PathBuf *pb, bool in_seq, const Visit *v)
{
    char idx[24];

    if (n->type == CFG_SCALAR) {
        if (v->out != NULL) {
            fprintf(v->out, "%s = %s\n", pb->s, n->text);
            return true;
        }
        return v->visit(pb->s, v->user);
    }
    /* Suricata names a map inside a list after its first key: "outputs.0 = eve-log". */
    if (in_seq && n->type == CFG_MAP && n->kid_cnt > 0 && v->out != NULL) {
        fprintf(v->out, "%s = %s\n", pb->s, n->kid[0]->key);
    }
    for (size_t i = 0; i < n->kid_cnt; i++) {
        size_t len = pb->len;
        const char *name = n->kid[i]->key;
        if (n->type == CFG_SEQ) {
            snprintf(idx, sizeof(idx), "%zu", i); /* 20 digits at most: always fits */
            name = idx;
        }
        if (!path_push(pb, name)) {
            log_error("config: out of memory listing keys");
            return false;
        }
        if (!walk(n->kid[i], pb, n->type == CFG_SEQ, v)) {
            return false;
        }
        pb->len = len;
        pb->s[len] = '\0';
    }
    return true;
}

static void
walk_root(const CfgNode *root, const Visit *v)
{
    PathBuf pb = {0};

    if (root == NULL || !path_push(&pb, "")) {
        free(pb.s);
        return;
    }
    walk(root, &pb, false, v);
    free(pb.s);
}

void
cfg_dump(const CfgNode *root, FILE *out)
{
    Visit v = {.out = out};

    walk_root(root, &v);
}

void
cfg_walk_scalars(const CfgNode *root, CfgKeyFilter fn, void *user)
{
    Visit v = {.visit = fn, .user = user};

    if (fn != NULL) {
        walk_root(root, &v);
    }
}
