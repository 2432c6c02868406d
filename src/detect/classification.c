/* classification.c: classification.config (classtype names, their descriptions, which become
 * the alerts' category, and default priorities) and reference.config (the reference systems a
 * rule's reference keyword may name), read as Suricata 8.0.7 reads them.
 *
 * A file is read to its end: every good line counts even when another line is bad. A bad line
 * or an unreadable file is an error with Suricata's words, and the load reports failure; the
 * caller decides (Suricata: fatal with -T only). Names compare without case, as Suricata
 * lowercases both the files and the rules. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"
#include "detect/detect_int.h"

/* Skips blanks (space, tab). */
static const char *
skip_blank(const char *p)
{
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    return p;
}

/* "config <what>:" with optional blanks around the colon (at least one after "config");
 * returns what follows, or NULL when the line is something else. */
static const char *
config_prefix(const char *p, const char *what)
{
    size_t n = strlen(what);

    if (strncmp(p, "config", 6) != 0 || (p[6] != ' ' && p[6] != '\t')) {
        return NULL;
    }
    p = skip_blank(p + 6);
    if (strncmp(p, what, n) != 0) {
        return NULL;
    }
    p = skip_blank(p + n);
    return *p == ':' ? skip_blank(p + 1) : NULL;
}

/* A system or classtype name: a letter, then letters, digits, '-' and '_'. Returns its end. */
static const char *
name_end(const char *p)
{
    if (!isalpha((unsigned char)*p)) {
        return p;
    }
    while (isalnum((unsigned char)*p) || *p == '-' || *p == '_') {
        p++;
    }
    return p;
}

/* Trailing blanks and the line end off, in place. */
static void
chomp(char *line)
{
    size_t n = strlen(line);
    while (n > 0
           && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' '
               || line[n - 1] == '\t')) {
        line[--n] = '\0';
    }
}

/* A comment or a blank line: nothing to read. */
static bool
line_is_empty(const char *line)
{
    const char *p = skip_blank(line);
    return *p == '\0' || *p == '#';
}

static char *
dup_range(const char *b, const char *e)
{
    while (e > b && (e[-1] == ' ' || e[-1] == '\t')) {
        e--;
    }
    return strndup(b, (size_t)(e - b));
}

/* ---- classification.config ---- */

void
class_table_fini(ClassTable *t)
{
    for (size_t i = 0; i < t->cnt; i++) {
        free(t->c[i].name);
        free(t->c[i].desc);
    }
    free(t->c);
    for (size_t i = 0; i < t->warned_cnt; i++) {
        free(t->warned[i]);
    }
    free(t->warned);
    memset(t, 0, sizeof(*t));
}

/* "config classification: name,description,priority": the description runs to the last
 * comma, the priority is decimal digits. SK_ERR_CONFIG: not such a line; SK_ERR_NOMEM. */
SkResult
class_line_parse(ClassTable *t, const char *line)
{
    const char *p = config_prefix(line, "classification"), *ne, *desc, *comma, *q;
    char *name, *d;
    unsigned long prio = 0;

    if (p == NULL || (ne = name_end(p)) == p) {
        return SK_ERR_CONFIG;
    }
    desc = skip_blank(ne);
    if (*desc != ',') {
        return SK_ERR_CONFIG;
    }
    desc = skip_blank(desc + 1);
    comma = strrchr(desc, ',');
    if (comma == NULL || comma == desc) {
        return SK_ERR_CONFIG;
    }
    q = skip_blank(comma + 1);
    if (!isdigit((unsigned char)*q)) {
        return SK_ERR_CONFIG;
    }
    while (isdigit((unsigned char)*q)) {
        prio = prio * 10 + (unsigned long)(*q++ - '0');
        if (prio > 255) {
            return SK_ERR_CONFIG;
        }
    }
    if (*skip_blank(q) != '\0') {
        return SK_ERR_CONFIG;
    }
    if (t->cnt == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        ClassType *n = realloc(t->c, cap * sizeof(*n));
        if (n == NULL) {
            return SK_ERR_NOMEM;
        }
        t->c = n;
        t->cap = cap;
    }
    name = strndup(p, (size_t)(ne - p));
    d = dup_range(desc, comma);
    if (name == NULL || d == NULL) {
        free(name);
        free(d);
        return SK_ERR_NOMEM;
    }
    t->c[t->cnt].name = name;
    t->c[t->cnt].desc = d;
    t->c[t->cnt].prio = (int)prio;
    t->cnt++;
    return SK_OK;
}

/* Reads the lines of f that are not empty or comments, trailing newline cut, through line_fn.
 * A line it refuses (SK_ERR_CONFIG, after saying why) sets *bad and the rest is read, as
 * Suricata keeps a file's good lines; SK_ERR_NOMEM stops (module names the log line). */
static SkResult
config_file_lines(FILE *f, const char *module, void *table, const char *path,
                  SkResult (*line_fn)(void *table, char *line, const char *path), bool *bad)
{
    char *line = NULL;
    size_t cap = 0;
    SkResult r = SK_OK;

    while (r != SK_ERR_NOMEM && getline(&line, &cap, f) >= 0) {
        chomp(line);
        if (line_is_empty(line)) {
            continue;
        }
        r = line_fn(table, line, path);
        if (r == SK_ERR_NOMEM) {
            log_error("%s: out of memory", module);
        } else if (r != SK_OK) {
            *bad = true;
        }
    }
    free(line);
    fclose(f);
    return r == SK_ERR_NOMEM ? r : SK_OK;
}

static SkResult
class_line(void *table, char *line, const char *path)
{
    SkResult r = class_line_parse(table, line);
    if (r == SK_ERR_CONFIG) {
        for (char *c = line; *c != '\0'; c++) {
            *c = (char)tolower((unsigned char)*c); /* Suricata shows the line lowercased */
        }
        log_error("classification-config: Invalid Classtype in classification.config file "
                  "%s: \"%s\"",
                  path, line);
    }
    return r;
}

SkResult
class_table_load(ClassTable *t, const char *path)
{
    bool bad = false;
    FILE *f;

    if (path == NULL || path[0] == '\0') {
        return SK_OK;
    }
    t->loaded = true; /* a named file: unknown classtypes are reported even when it fails */
    f = fopen(path, "r");
    if (f == NULL) {
        log_warn("classification-config: could not open: \"%s\": %s", path, strerror(errno));
        log_error("classification-config: please check the \"classification-file\" option in "
                  "your suricata.yaml file");
        return SK_ERR_CONFIG;
    }
    if (config_file_lines(f, "classification-config", t, path, class_line, &bad) != SK_OK) {
        return SK_ERR_NOMEM;
    }
    if (bad) {
        log_warn("classification-config: Error loading classification configuration from %s", path);
        return SK_ERR_CONFIG;
    }
    return SK_OK;
}

const ClassType *
class_find(const ClassTable *t, const char *name)
{
    for (size_t i = 0; i < t->cnt; i++) {
        if (strcasecmp(t->c[i].name, name) == 0) {
            return &t->c[i];
        }
    }
    return NULL;
}

void
class_warn_unknown(ClassTable *t, uint32_t sid, const char *name)
{
    char **w;

    for (size_t i = 0; i < t->warned_cnt; i++) {
        if (strcasecmp(t->warned[i], name) == 0) {
            return;
        }
    }
    log_warn("detect-classtype: signature sid:%u uses unknown classtype: \"%s\", using default "
             "priority 3. This message won't be shown again for this classtype",
             sid, name);
    w = realloc(t->warned, (t->warned_cnt + 1) * sizeof(*w));
    if (w == NULL) {
        return; /* only costs a repeated warning */
    }
    t->warned = w;
    w[t->warned_cnt] = strdup(name);
    if (w[t->warned_cnt] != NULL) {
        t->warned_cnt++;
    }
}

/* ---- reference.config ---- */

void
ref_table_fini(RefTable *t)
{
    for (size_t i = 0; i < t->cnt; i++) {
        free(t->names[i]);
    }
    free(t->names);
    memset(t, 0, sizeof(*t));
}

/* "config reference: system url": a name, blanks, then anything. */
SkResult
ref_line_parse(RefTable *t, const char *line)
{
    const char *p = config_prefix(line, "reference"), *ne, *url;
    char **n;

    if (p == NULL || (ne = name_end(p)) == p || (*ne != ' ' && *ne != '\t')) {
        return SK_ERR_CONFIG;
    }
    url = skip_blank(ne);
    if (*url == '\0') {
        return SK_ERR_CONFIG;
    }
    n = realloc(t->names, (t->cnt + 1) * sizeof(*n));
    if (n == NULL) {
        return SK_ERR_NOMEM;
    }
    t->names = n;
    n[t->cnt] = strndup(p, (size_t)(ne - p));
    if (n[t->cnt] == NULL) {
        return SK_ERR_NOMEM;
    }
    t->cnt++;
    return SK_OK;
}

static SkResult
ref_line(void *table, char *line, const char *path)
{
    SkResult r = ref_line_parse(table, line);
    (void)path;
    if (r == SK_ERR_CONFIG) {
        log_error("reference-config: Invalid Reference Config in reference.config file");
    }
    return r;
}

SkResult
ref_table_load(RefTable *t, const char *path)
{
    bool bad = false;
    FILE *f;

    if (path == NULL || path[0] == '\0') {
        return SK_OK;
    }
    t->loaded = true;
    f = fopen(path, "r");
    if (f == NULL) {
        log_error("reference-config: Error opening file: \"%s\": %s", path, strerror(errno));
        log_error("reference-config: please check the \"reference-config-file\" option in your "
                  "suricata.yaml file");
        return SK_ERR_CONFIG;
    }
    if (config_file_lines(f, "reference-config", t, path, ref_line, &bad) != SK_OK) {
        return SK_ERR_NOMEM;
    }
    return bad ? SK_ERR_CONFIG : SK_OK;
}

bool
ref_find(const RefTable *t, const char *name, size_t len)
{
    for (size_t i = 0; i < t->cnt; i++) {
        if (strlen(t->names[i]) == len && strncasecmp(t->names[i], name, len) == 0) {
            return true;
        }
    }
    return false;
}

void
ref_check_sig(const RefTable *t, const Signature *s)
{
    if (!t->loaded) {
        return;
    }
    for (uint32_t i = 0; i < s->ref_cnt; i++) {
        const char *r = s->refs[i], *comma = strchr(r, ',');
        size_t len = comma != NULL ? (size_t)(comma - r) : strlen(r);
        while (len > 0 && (r[len - 1] == ' ' || r[len - 1] == '\t')) {
            len--;
        }
        if (!ref_find(t, r, len)) {
            log_warn("detect-reference: unknown reference key \"%.*s\"", (int)len, r);
        }
    }
}
