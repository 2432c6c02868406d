/* config.h: the YAML configuration as a tree (libyaml), with typed getters. Keys are
 * suricata.yaml's; lookups use dotted paths ("outputs", "flow.memcap", "vars.address-groups.
 * HOME_NET"); a sequence element is addressed by index ("outputs.0.eve-log.types"). Unknown keys
 * are kept and ignored by the engine. A getter that finds a value of the wrong type logs one
 * line naming the key and returns SK_ERR_CONFIG; a missing key leaves *out untouched (the
 * caller's default stands) and returns SK_OK. Built before threads start, read-only after. */
#ifndef SK_CORE_CONFIG_H
#define SK_CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/result.h"

typedef struct CfgNode CfgNode; /* opaque tree node */

typedef enum { CFG_SCALAR, CFG_MAP, CFG_SEQ } CfgType;

/* An empty map (no file given). */
CfgNode *cfg_new(void);
/* Parses a YAML file (with or without a "%YAML 1.1" header and "---"), following "include:"
 * keys (a path or a list of paths, relative to the including file) by merging their maps in.
 * Every file must be a regular file; one load reads at most 256 files and 64 MiB in all.
 * NULL and one logged line ("config: <file>:<line>: <why>") on error. */
CfgNode *cfg_load_file(const char *path);
/* The same from text in memory; name is used in messages, includes resolve from the cwd. */
CfgNode *cfg_load_string(const char *text, const char *name);
/* The built-in configuration (config_default.h), used when no -c is given. */
CfgNode *cfg_load_default(void);
void cfg_free(CfgNode *root); /* accepts NULL */

/* --set key=value: creates maps on the way; "a.0.b" addresses a sequence element (an index
 * equal to the length appends). The value stays a scalar even when it reads "[a, b]", as
 * Suricata's --set does. Logs one line and returns SK_ERR_CONFIG on a malformed key. */
SkResult cfg_set(CfgNode *root, const char *key, const char *value);

/* Node lookup: NULL when absent; key NULL or "" is root itself. */
const CfgNode *cfg_find(const CfgNode *root, const char *key);
CfgType cfg_type(const CfgNode *n);
const char *cfg_scalar(const CfgNode *n); /* NULL unless CFG_SCALAR */
size_t cfg_child_count(const CfgNode *n); /* map entries or sequence elements */
const CfgNode *cfg_child(const CfgNode *n, size_t i);
const char *cfg_child_key(const CfgNode *n, size_t i); /* map key, NULL in a sequence */
/* In a sequence of one-key maps (outputs: - eve-log: {...}), the value under name (the
 * eve-log map). A scalar element equal to name (types: - alert) is returned itself. */
const CfgNode *cfg_seq_find_map(const CfgNode *seq, const char *name);

/* Typed getters, Suricata's spellings: bools yes/no/true/false/on/off/1/0 (any case); sizes
 * "32mb", "32 MiB", "1.5gb", "4096" (bytes; kb/kib, mb/mib, gb/gib all powers of 1024); ints
 * decimal digits with an optional sign; doubles decimal ("1.5", no exponent, hex or inf);
 * durations in seconds. Nothing else in the text: "1234abc" is not a number. A YAML null
 * (empty, "~", "null") counts as absent. */
SkResult cfg_get_bool(const CfgNode *root, const char *key, bool *out);
SkResult cfg_get_str(const CfgNode *root, const char *key, const char **out);
SkResult cfg_get_int(const CfgNode *root, const char *key, int64_t min, int64_t max, int64_t *out);
SkResult cfg_get_size(const CfgNode *root, const char *key, uint64_t *out);
SkResult cfg_get_double(const CfgNode *root, const char *key, double *out);
/* Parsers the getters use, exposed for command-line values. */
bool cfg_parse_bool(const char *s, bool *out);
bool cfg_parse_size(const char *s, uint64_t *out);
/* Decimal digits only, the whole text, at most max: no sign, blanks, prefix or trailing
 * characters ("1234abc", " 5", "0x10" and "+1" are all refused). For command-line numbers
 * and number-like config text that cfg_get_int does not cover (port lists). */
bool cfg_parse_uint(const char *s, uint64_t max, uint64_t *out);
/* An optional sign and decimal digits, the whole text, within [min, max] ("12abc", " 5" and
 * "0x10" are refused): the getters' integer rule, for rule options too. */
bool cfg_parse_int(const char *s, int64_t min, int64_t max, int64_t *out);

/* Every scalar as "key.path = value", one per line, in file order (--dump-config). A map that
 * is a sequence element also prints its first key ("outputs.0 = eve-log"), as Suricata does. */
void cfg_dump(const CfgNode *root, FILE *out);
/* Every scalar's key path, for -v listing the keys sekimori ignores: fn is called once per
 * scalar in file order with its full path ("outputs.0.eve-log.types.1"); returning false stops
 * the walk. Sequence elements that are maps get no call of their own, only their scalars. */
typedef bool (*CfgKeyFilter)(const char *key_path, void *user);
void cfg_walk_scalars(const CfgNode *root, CfgKeyFilter fn, void *user);

/* ---- Settings tables (config_table.c) ----
 * A stage declares the keys it reads as rows: path, type, where the value goes in the stage's
 * config struct, range, the built-in configuration's value and one line of help. The runtime
 * composes the stages' tables (runtime/settings.c): they drive loading and type checks, -v's
 * list of ignored keys, --dump-config -v's listing, and docs/configuration.md is checked
 * against them (tests/config/doc_keys.py). A path component "*" stands for any list index or
 * name: such rows are read by the code that walks the list (cfg_table_read with `under`). */

typedef enum {
    CFG_KEY_BOOL,       /* bool */
    CFG_KEY_INT,        /* an unsigned field of 1, 2, 4 or 8 bytes; the text within [min, max] */
    CFG_KEY_SIZE,       /* uint64_t bytes: "128mb", "1.5 GiB", "4096" */
    CFG_KEY_NUMBER,     /* double: "1.5" */
    CFG_KEY_STRING,     /* const char *, borrowed from the tree */
    CFG_KEY_STRBUF,     /* char[size]: a longer value is refused, never cut */
    CFG_KEY_PORTS,      /* uint16_t: the first port of "4789", "[4789, 8472]" or "$VAR" */
    CFG_KEY_NAMES,      /* a map of NAME: string (vars.address-groups); no field */
    CFG_KEY_LIST,       /* a list, read only by the row's reader */
    CFG_KEY_EVENT_TYPE, /* an entry of an eve-log types: list (bool: listed and enabled) */
} CfgKeyType;

#define CFG_NO_FIELD SIZE_MAX /* a row read and checked whose value has nowhere to go yet */
#define CFG_PATH_MAX 160      /* a key path built from rows and list indexes */

/* The field a row fills: CFG_FIELD(FlowConfig, memcap). */
#define CFG_FIELD(type, member) .off = offsetof(type, member), .size = sizeof(((type *)0)->member)
#define CFG_NOWHERE .off = CFG_NO_FIELD, .size = 0

typedef struct CfgKey CfgKey;
/* Reads an irregular key (path: the row's path with its "*" filled) into conf; logs one line
 * and returns SK_ERR_CONFIG on a wrong value. */
typedef SkResult (*CfgKeyReader)(const CfgNode *root, const char *path, const CfgKey *k,
                                 void *conf);

struct CfgKey {
    const char *path; /* suricata.yaml key path: "flow.memcap", "pcap.*.snaplen" */
    CfgKeyType type;
    size_t off, size;  /* CFG_FIELD / CFG_NOWHERE */
    int64_t min, max;  /* CFG_KEY_INT */
    const char *def;   /* the built-in configuration's value (docs); NULL: none */
    const char *help;  /* one line */
    CfgKeyReader read; /* NULL: the type's reader */
};

typedef struct CfgTable CfgTable;
struct CfgTable {
    const char *stage; /* "flow" */
    const CfgKey *keys;
    size_t key_cnt;
    void (*defaults)(void *conf); /* what a key the file leaves out keeps (compiled in) */
    /* Reads the table when its keys sit under a list (outputs.N.eve-log); NULL: the rows
     * with no "*", in order (cfg_table_read with under NULL). */
    SkResult (*load)(const CfgNode *root, const CfgTable *t, void *conf);
};

#define CFG_TABLE(name, stage_name, rows, defaults_fn, load_fn)                                    \
    const CfgTable name = {.stage = (stage_name),                                                  \
                           .keys = (rows),                                                         \
                           .key_cnt = sizeof(rows) / sizeof((rows)[0]),                            \
                           .defaults = (defaults_fn),                                              \
                           .load = (load_fn)}

/* Does the dotted key path match pattern ("*": any one component)? */
bool cfg_key_matches(const char *key_path, const char *pattern);
/* Is key_path this row's, or (a port list, a list, a map of names) an element of it? (-v) */
bool cfg_key_used(const CfgKey *k, const char *key_path);
/* The row's path with its first fill_cnt "*" components replaced by fill[]; false (logged)
 * when it would not fit CFG_PATH_MAX. */
bool cfg_path_fill(char buf[CFG_PATH_MAX], const char *pattern, const char *const *fill,
                   size_t fill_cnt);
/* Reads one row at path (the row's path, filled) into conf, by its reader or its type. */
SkResult cfg_key_read(const CfgNode *root, const CfgKey *k, const char *path, void *conf);
/* Reads, in table order, the rows directly under `under` (NULL: the rows with no "*" at all):
 * those whose path is under + "." + a rest without "*"; under's "*" are filled from fill[]. */
SkResult cfg_table_read(const CfgNode *root, const CfgTable *t, const char *under,
                        const char *const *fill, size_t fill_cnt, void *conf);
/* The row with exactly this path, or NULL. */
const CfgKey *cfg_table_find(const CfgTable *t, const char *path);
/* The kind as docs/configuration.md names it: "boolean", "integer", ... */
const char *cfg_key_kind(CfgKeyType type);
/* Port expression getter (CFG_KEY_PORTS): *out is the first port; untouched when absent. */
SkResult cfg_get_ports(const CfgNode *root, const char *key, uint16_t *out);

#endif
