/* config_table.c: the readers behind the stages' settings tables (config.h, "Settings
 * tables"). A row names a key, its type and the field it fills; the reader for the type does
 * the check and the one-line error, so every stage's keys are refused the same way. Which
 * tables exist and in what order they are read is the runtime's business (runtime/settings.c);
 * the tree and the typed getters are config.c's. */
#include "core/config.h"

#include <stdarg.h>
#include <string.h>

#include "core/log.h"

bool
cfg_key_matches(const char *key, const char *pattern)
{
    for (;;) {
        const char *pdot = strchr(pattern, '.');
        const char *kdot = strchr(key, '.');
        size_t plen = pdot != NULL ? (size_t)(pdot - pattern) : strlen(pattern);
        size_t klen = kdot != NULL ? (size_t)(kdot - key) : strlen(key);
        if (!(plen == 1 && pattern[0] == '*')
            && (plen != klen || strncmp(key, pattern, plen) != 0)) {
            return false;
        }
        if (pdot == NULL || kdot == NULL) {
            return pdot == NULL && kdot == NULL;
        }
        pattern = pdot + 1;
        key = kdot + 1;
    }
}

bool
cfg_key_used(const CfgKey *k, const char *key_path)
{
    size_t len = strlen(k->path);

    if (cfg_key_matches(key_path, k->path)) {
        return true;
    }
    /* A port list, a list and a map of names hold their values one level down:
     * decoder.vxlan.ports.0, outputs.0.eve-log.types.2, vars.address-groups.HOME_NET. */
    if (k->type != CFG_KEY_PORTS && k->type != CFG_KEY_LIST && k->type != CFG_KEY_NAMES) {
        return false;
    }
    const char *dot = strrchr(key_path, '.');
    if (dot == NULL || (size_t)(dot - key_path) >= CFG_PATH_MAX) {
        return false;
    }
    char parent[CFG_PATH_MAX];
    memcpy(parent, key_path, (size_t)(dot - key_path));
    parent[dot - key_path] = '\0';
    return len > 0 && cfg_key_matches(parent, k->path);
}

bool
cfg_path_fill(char buf[CFG_PATH_MAX], const char *pattern, const char *const *fill, size_t fill_cnt)
{
    size_t n = 0, used = 0;
    const char *p = pattern;

    for (;;) {
        const char *dot = strchr(p, '.');
        size_t len = dot != NULL ? (size_t)(dot - p) : strlen(p);
        const char *part = p;
        if (len == 1 && p[0] == '*' && used < fill_cnt) {
            part = fill[used++];
            len = strlen(part);
        }
        if (n + len + 2 > CFG_PATH_MAX) {
            log_error("config: internal error: key path '%.40s...' too long", pattern);
            buf[0] = '\0';
            return false;
        }
        memcpy(buf + n, part, len);
        n += len;
        if (dot == NULL) {
            break;
        }
        buf[n++] = '.';
        p = dot + 1;
    }
    buf[n] = '\0';
    return true;
}

const CfgKey *
cfg_table_find(const CfgTable *t, const char *path)
{
    for (size_t i = 0; i < t->key_cnt; i++) {
        if (strcmp(t->keys[i].path, path) == 0) {
            return &t->keys[i];
        }
    }
    return NULL;
}

const char *
cfg_key_kind(CfgKeyType type)
{
    switch (type) {
    case CFG_KEY_BOOL:
        return "boolean";
    case CFG_KEY_INT:
        return "integer";
    case CFG_KEY_SIZE:
        return "size";
    case CFG_KEY_NUMBER:
        return "number";
    case CFG_KEY_STRING:
    case CFG_KEY_STRBUF:
    case CFG_KEY_NAMES:
        return "string";
    case CFG_KEY_PORTS:
        return "ports";
    case CFG_KEY_LIST:
        return "list";
    case CFG_KEY_EVENT_TYPE:
        return "type";
    }
    return "?";
}

/* ---- ports ---- */

#define PORT_HINT                                                                                  \
    "a port number from 0 to 65535, a list [4789, 8472] or a $VARIABLE of "                        \
    "vars.port-groups"
#define PORT_VAR_DEPTH 8 /* $A naming $B naming ...: deeper is a loop */

/* One port expression as Suricata's decoders take it: "4789", "[4789, 8472]" or "$NAME", whose
 * value in vars.port-groups is read the same way. Each element is checked strictly (no
 * "1234abc"); the first port is the one sekimori's decoders use (one port per tunnel type).
 * *first is set once. An undefined variable keeps the default, as Suricata's decoders do. */
static bool
port_text(const CfgNode *root, const char *text, int depth, bool *have, uint16_t *first)
{
    const char *p = text;
    bool list = false;

    while (*p == ' ') {
        p++;
    }
    if (*p == '[') {
        list = true;
        p++;
    }
    for (;;) {
        char item[64];
        size_t len;
        while (*p == ' ') {
            p++;
        }
        len = strcspn(p, list ? ",]" : "");
        while (len > 0 && p[len - 1] == ' ') {
            len--;
        }
        if (len == 0 || len >= sizeof(item)) {
            return false;
        }
        memcpy(item, p, len);
        item[len] = '\0';
        if (item[0] == '$') {
            char key[CFG_PATH_MAX];
            const char *const name[] = {item + 1};
            const char *val;
            if (depth >= PORT_VAR_DEPTH || !cfg_path_fill(key, "vars.port-groups.*", name, 1)) {
                return false;
            }
            val = cfg_scalar(cfg_find(root, key));
            if (val != NULL && !port_text(root, val, depth + 1, have, first)) {
                return false;
            }
        } else {
            uint64_t v;
            if (!cfg_parse_uint(item, 65535, &v)) {
                return false;
            }
            if (!*have) {
                *first = (uint16_t)v;
                *have = true;
            }
        }
        p += strcspn(p, list ? ",]" : "");
        if (!list) {
            return true;
        }
        if (*p == ']') {
            p++;
            while (*p == ' ') {
                p++;
            }
            return *p == '\0';
        }
        if (*p != ',') {
            return false; /* "[1, 2" */
        }
        p++;
    }
}

SkResult
cfg_get_ports(const CfgNode *root, const char *key, uint16_t *out)
{
    const CfgNode *n = cfg_find(root, key);
    bool have = false;
    uint16_t first = *out;

    if (n == NULL) {
        const char *s;
        return cfg_get_str(root, key, &s); /* absent, or a value where a map belongs */
    }
    if (cfg_type(n) == CFG_MAP) {
        log_error("config: %s: '<map>' is not a port (%s)", key, PORT_HINT);
        return SK_ERR_CONFIG;
    }
    if (cfg_type(n) == CFG_SCALAR) {
        const char *s = NULL;
        if (cfg_get_str(root, key, &s) != SK_OK) {
            return SK_ERR_CONFIG;
        }
        if (s != NULL && !port_text(root, s, 0, &have, &first)) {
            log_error("config: %s: '%s' is not a port (%s)", key, s, PORT_HINT);
            return SK_ERR_CONFIG;
        }
    } else {
        for (size_t i = 0; i < cfg_child_count(n); i++) {
            const char *s = cfg_scalar(cfg_child(n, i));
            if (s == NULL || !port_text(root, s, 0, &have, &first)) {
                log_error("config: %s.%zu: '%s' is not a port (%s)", key, i,
                          s != NULL ? s : "<map or list>", PORT_HINT);
                return SK_ERR_CONFIG;
            }
        }
    }
    *out = first;
    return SK_OK;
}

/* ---- a map of names ---- */

/* vars.address-groups and vars.port-groups: maps of names to one scalar each, kept for the
 * rules (there is no rule engine yet, but a file that would break it fails now, not later). */
static SkResult
read_names(const CfgNode *root, const char *path)
{
    const CfgNode *m = cfg_find(root, path);
    const char *text;

    if (m == NULL && cfg_get_str(root, path, &text) != SK_OK) {
        return SK_ERR_CONFIG; /* `vars: abc`: vars is not a map */
    }
    if (m == NULL || cfg_scalar(m) != NULL) {
        if (m != NULL && cfg_scalar(m)[0] != '\0') {
            log_error("config: %s: '%s' is not a map of NAME: value", path, cfg_scalar(m));
            return SK_ERR_CONFIG;
        }
        return SK_OK; /* absent or null */
    }
    if (cfg_type(m) != CFG_MAP) {
        log_error("config: %s: '<list>' is not a map of NAME: value", path);
        return SK_ERR_CONFIG;
    }
    for (size_t i = 0; i < cfg_child_count(m); i++) {
        if (cfg_type(cfg_child(m, i)) != CFG_SCALAR) {
            log_error("config: %s.%s: '%s' is not a string (one address or port "
                      "expression, quoted if it starts with [ or !)",
                      path, cfg_child_key(m, i),
                      cfg_type(cfg_child(m, i)) == CFG_MAP ? "<map>" : "<list>");
            return SK_ERR_CONFIG;
        }
    }
    return SK_OK;
}

/* ---- rows ---- */

static void
store_uint(void *field, size_t size, uint64_t v)
{
    switch (size) {
    case 1: {
        uint8_t x = (uint8_t)v;
        memcpy(field, &x, 1);
        break;
    }
    case 2: {
        uint16_t x = (uint16_t)v;
        memcpy(field, &x, 2);
        break;
    }
    case 4: {
        uint32_t x = (uint32_t)v;
        memcpy(field, &x, 4);
        break;
    }
    default:
        memcpy(field, &v, 8);
        break;
    }
}

SkResult
cfg_key_read(const CfgNode *root, const CfgKey *k, const char *path, void *conf)
{
    /* A row without a field reads into scratch: checked, then dropped. */
    union {
        bool b;
        uint64_t u;
        double d;
        const char *s;
        uint16_t port;
    } scratch = {0};
    void *field = k->off == CFG_NO_FIELD ? (void *)&scratch : (char *)conf + k->off;

    if (k->read != NULL) {
        return k->read(root, path, k, conf);
    }
    switch (k->type) {
    case CFG_KEY_BOOL:
        return cfg_get_bool(root, path, field);
    case CFG_KEY_INT: {
        /* cfg_get_int leaves v alone when the key is absent or null: the field keeps its
         * default. Rows take no negative values, so INT64_MIN cannot be a value read. */
        int64_t v = INT64_MIN;
        if (cfg_get_int(root, path, k->min, k->max, &v) != SK_OK) {
            return SK_ERR_CONFIG;
        }
        if (v != INT64_MIN && k->off != CFG_NO_FIELD) {
            store_uint(field, k->size, (uint64_t)v);
        }
        return SK_OK;
    }
    case CFG_KEY_SIZE:
        return cfg_get_size(root, path, field);
    case CFG_KEY_NUMBER:
        return cfg_get_double(root, path, field);
    case CFG_KEY_STRING:
        return cfg_get_str(root, path, field);
    case CFG_KEY_STRBUF: {
        const char *s = NULL;
        if (cfg_get_str(root, path, &s) != SK_OK) {
            return SK_ERR_CONFIG;
        }
        if (s == NULL || k->off == CFG_NO_FIELD) {
            return SK_OK;
        }
        int n = snprintf(field, k->size, "%s", s);
        if (n < 0 || (size_t)n >= k->size) {
            log_error("config: %s: longer than %zu bytes", path, k->size - 1);
            ((char *)field)[0] = '\0';
            return SK_ERR_CONFIG;
        }
        return SK_OK;
    }
    case CFG_KEY_PORTS:
        return cfg_get_ports(root, path, field);
    case CFG_KEY_NAMES:
        return read_names(root, path);
    case CFG_KEY_LIST:
    case CFG_KEY_EVENT_TYPE:
        return SK_OK; /* read by the reader of the list that holds them */
    }
    return SK_OK;
}

SkResult
cfg_table_read(const CfgNode *root, const CfgTable *t, const char *under, const char *const *fill,
               size_t fill_cnt, void *conf)
{
    size_t ulen = under != NULL ? strlen(under) : 0;

    for (size_t i = 0; i < t->key_cnt; i++) {
        const CfgKey *k = &t->keys[i];
        const char *rest = k->path;
        char path[CFG_PATH_MAX];
        if (under != NULL) {
            if (strncmp(k->path, under, ulen) != 0 || k->path[ulen] != '.') {
                continue;
            }
            rest = k->path + ulen + 1;
        }
        if (strchr(rest, '*') != NULL) {
            continue; /* under a list this walk does not open */
        }
        if (!cfg_path_fill(path, k->path, fill, fill_cnt)
            || cfg_key_read(root, k, path, conf) != SK_OK) {
            return SK_ERR_CONFIG;
        }
    }
    return SK_OK;
}
