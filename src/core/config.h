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
const char *cfg_scalar(const CfgNode *n);          /* NULL unless CFG_SCALAR */
size_t cfg_child_count(const CfgNode *n);          /* map entries or sequence elements */
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
SkResult cfg_get_int(const CfgNode *root, const char *key, int64_t min, int64_t max,
                     int64_t *out);
SkResult cfg_get_size(const CfgNode *root, const char *key, uint64_t *out);
SkResult cfg_get_double(const CfgNode *root, const char *key, double *out);
/* Parsers the getters use, exposed for command-line values. */
bool cfg_parse_bool(const char *s, bool *out);
bool cfg_parse_size(const char *s, uint64_t *out);
/* Decimal digits only, the whole text, at most max: no sign, blanks, prefix or trailing
 * characters ("1234abc", " 5", "0x10" and "+1" are all refused). For command-line numbers
 * and number-like config text that cfg_get_int does not cover (port lists). */
bool cfg_parse_uint(const char *s, uint64_t max, uint64_t *out);

/* Every scalar as "key.path = value", one per line, in file order (--dump-config). A map that
 * is a sequence element also prints its first key ("outputs.0 = eve-log"), as Suricata does. */
void cfg_dump(const CfgNode *root, FILE *out);
/* Every scalar's key path, for -v listing the keys sekimori ignores: fn is called once per
 * scalar in file order with its full path ("outputs.0.eve-log.types.1"); returning false stops
 * the walk. Sequence elements that are maps get no call of their own, only their scalars. */
typedef bool (*CfgKeyFilter)(const char *key_path, void *user);
void cfg_walk_scalars(const CfgNode *root, CfgKeyFilter fn, void *user);

#endif
