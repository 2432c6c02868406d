/* detect.h: the detection engine's public contract. Today: loading rule files into a rule set,
 * with Suricata's grammar, checks and load summary; nothing matches yet (issue 15). A DetectRules
 * is built in main before workers start and is read-only afterwards. Bad rules are not engine
 * failures: each is one line "file:line: sid N: reason" and loading goes on. */
#ifndef SK_DETECT_DETECT_H
#define SK_DETECT_DETECT_H

#include <stddef.h>
#include <stdio.h>

#include "core/config.h"
#include "core/result.h"

typedef struct DetectRules DetectRules; /* opaque */

/* The counts of Suricata's load summary line. */
typedef struct {
    unsigned files;       /* rule files processed (opened and read) */
    unsigned loaded;      /* rules successfully loaded */
    unsigned failed;      /* rules failed: bad, duplicate, or using an unsupported keyword */
    unsigned unsupported; /* of failed: those that failed only on keywords sekimori lacks */
    unsigned skipped;     /* rules skipped (Suricata: unmet `requires`); none yet */
} DetectLoadStats;

/* A new, empty rule set. Borrows cfg (vars.address-groups, vars.port-groups) until the last
 * load call. NULL: out of memory (logged). */
DetectRules *detect_rules_new(const CfgNode *cfg);
void detect_rules_free(DetectRules *r); /* accepts NULL */

/* Reads one rule file and adds its rules. Bad rules are logged and counted, never an error;
 * SK_ERR_IO (logged) when the file cannot be read, SK_ERR_NOMEM when memory runs out. */
SkResult detect_rules_load_file(DetectRules *r, const char *path);
/* The same from text in memory; name stands for the file in messages. Not counted as a file. */
SkResult detect_rules_load_text(DetectRules *r, const char *text, size_t len, const char *name);

const DetectLoadStats *detect_rules_stats(const DetectRules *r);
/* At load end: Suricata's summary line, word for word ("N rule files processed. N rules
 * successfully loaded, N rules failed, N rules skipped"; info, as Suricata), then, when rules
 * used keywords sekimori lacks, one warning listing them with their rule counts. */
void detect_rules_log_summary(const DetectRules *r);
/* The unsupported keywords met, most used first, as "name count" lines (tools, tests). */
void detect_rules_print_unsupported(const DetectRules *r, FILE *out);

/* The supported keywords, one name per line, in keywords.def order (--list-keywords). */
void detect_keywords_print(FILE *out);

#endif
