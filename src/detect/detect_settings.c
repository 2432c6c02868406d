/* detect_settings.c: the keys the detection stage reads, into its DetectSettings. Suricata's
 * names and meanings; where Suricata's stock value is a system path a checkout does not have
 * (/etc/suricata/classification.config), the built-in configuration leaves it out and the
 * engine goes on without it (docs/configuration.md). */
#include "detect/detect_settings.h"

#include <stdio.h>
#include <string.h>

#include "core/log.h"

static void
detect_defaults(void *conf)
{
    DetectSettings *ds = conf;
    memset(ds, 0, sizeof(*ds));
    ds->engine.recursion_limit = 3000;
    ds->engine.alert_max = 15;
    ds->engine.mpm_cache = true;
    for (int i = 0; i < 4; i++) {
        ds->engine.action_rank[i] = (uint8_t)i;
    }
    ds->engine.mpm_cache_dir = "/var/lib/suricata/cache/sgh";
}

/* rule-files: a list of file names, relative to default-rule-path unless absolute. */
static SkResult
read_rule_files(const CfgNode *root, const char *path, const CfgKey *k, void *conf)
{
    DetectSettings *ds = conf;
    const CfgNode *list = cfg_find(root, path);
    (void)k;
    if (list == NULL || (cfg_type(list) == CFG_SCALAR && cfg_scalar(list)[0] == '\0')) {
        return SK_OK;
    }
    if (cfg_type(list) != CFG_SEQ) {
        log_error("config: %s: not a list of rule file names (- local.rules)", path);
        return SK_ERR_CONFIG;
    }
    for (size_t i = 0; i < cfg_child_count(list); i++) {
        const char *name = cfg_scalar(cfg_child(list, i));
        if (name == NULL) {
            log_error("config: %s.%zu: not a file name", path, i);
            return SK_ERR_CONFIG;
        }
        if (name[0] == '\0') {
            continue;
        }
        if (ds->rule_file_cnt == DETECT_RULE_FILES_MAX) {
            log_error("config: %s: more than %d rule files", path, DETECT_RULE_FILES_MAX);
            return SK_ERR_CONFIG;
        }
        ds->rule_files[ds->rule_file_cnt++] = name;
    }
    return SK_OK;
}

/* action-order: each of pass, drop, reject, alert once, in the order rules of those actions
 * take precedence (Suricata's key; its default is that order). */
static SkResult
action_order_set(DetectSettings *ds, const char *path, const char *const *words, size_t n)
{
    static const char *const names[4] = {"pass", "drop", "reject", "alert"};
    bool seen[4] = {false};
    if (n != 4) {
        log_error("config: %s: a list of the four actions pass, drop, reject and alert, each "
                  "once",
                  path);
        return SK_ERR_CONFIG;
    }
    for (size_t i = 0; i < 4; i++) {
        int a = -1;
        for (int j = 0; words[i] != NULL && j < 4; j++) {
            if (strcmp(words[i], names[j]) == 0) {
                a = j;
            }
        }
        if (a < 0 || seen[a]) {
            log_error("config: %s.%zu: '%s' is not one of pass, drop, reject, alert (each once)",
                      path, i, words[i] != NULL ? words[i] : "<not a word>");
            return SK_ERR_CONFIG;
        }
        seen[a] = true;
        ds->engine.action_rank[a] = (uint8_t)i;
    }
    return SK_OK;
}

/* action-order: each of pass, drop, reject, alert once, in the order rules of those actions
 * take precedence (Suricata's key; its default is that order). A list, or the same words in
 * one comma-separated value (--set action-order=drop,pass,reject,alert). */
static SkResult
read_action_order(const CfgNode *root, const char *path, const CfgKey *k, void *conf)
{
    const CfgNode *list = cfg_find(root, path);
    const char *words[5] = {NULL};
    size_t n = 0;
    (void)k;
    if (list == NULL || (cfg_type(list) == CFG_SCALAR && cfg_scalar(list)[0] == '\0')) {
        return SK_OK;
    }
    if (cfg_type(list) == CFG_SCALAR) {
        char buf[128], store[4][16], *save = NULL;
        snprintf(buf, sizeof(buf), "%s", cfg_scalar(list));
        for (char *t = strtok_r(buf, ", ", &save); t != NULL && n < 5;
             t = strtok_r(NULL, ", ", &save)) {
            if (n < 4) {
                snprintf(store[n], sizeof(store[n]), "%s", t);
                words[n] = store[n];
            }
            n++;
        }
        return action_order_set(conf, path, words, n);
    }
    if (cfg_type(list) != CFG_SEQ) {
        return action_order_set(conf, path, words, 0);
    }
    n = cfg_child_count(list);
    for (size_t i = 0; i < n && i < 4; i++) {
        words[i] = cfg_scalar(cfg_child(list, i));
    }
    return action_order_set(conf, path, words, n);
}

static const CfgKey detect_rows[] = {
    {.path = "action-order",
     .type = CFG_KEY_LIST,
     CFG_NOWHERE,
     .def = "pass, drop, reject, alert",
     .help = "which action wins when rules of several match one packet",
     .read = read_action_order},
    {.path = "default-rule-path",
     .type = CFG_KEY_STRING,
     CFG_FIELD(DetectSettings, rule_path),
     .help = "the folder rule-files names are relative to"},
    {.path = "rule-files",
     .type = CFG_KEY_LIST,
     CFG_NOWHERE,
     .help = "rule files loaded when no -S is given (-s adds to them)",
     .read = read_rule_files},
    {.path = "classification-file",
     .type = CFG_KEY_STRING,
     CFG_FIELD(DetectSettings, engine.classification_file),
     .help = "classtypes: each alert's category and default priority"},
    {.path = "reference-config-file",
     .type = CFG_KEY_STRING,
     CFG_FIELD(DetectSettings, engine.reference_file),
     .help = "reference systems (read for Suricata compatibility; alerts do not use them)"},
    {.path = "threshold-file",
     .type = CFG_KEY_STRING,
     CFG_FIELD(DetectSettings, engine.threshold_file),
     .help = "suppress, threshold, event_filter and rate_filter entries"},
    {.path = "packet-alert-max",
     .type = CFG_KEY_INT,
     CFG_FIELD(DetectSettings, engine.alert_max),
     .min = 0,
     .max = 65535,
     .def = "15",
     .help = "alerts kept per packet; the rest are counted as discarded (0: the default, 15)"},
    {.path = "detect.inspection-recursion-limit",
     .type = CFG_KEY_INT,
     CFG_FIELD(DetectSettings, engine.recursion_limit),
     .min = 1,
     .max = UINT32_MAX,
     .def = "3000",
     .help = "inspection steps one rule may take on one buffer before it is given up"},
    {.path = "detect.sgh-mpm-caching",
     .type = CFG_KEY_BOOL,
     CFG_FIELD(DetectSettings, engine.mpm_cache),
     .def = "yes",
     .help = "keep compiled Vectorscan databases on disk for the next start"},
    {.path = "detect.sgh-mpm-caching-path",
     .type = CFG_KEY_STRING,
     CFG_FIELD(DetectSettings, engine.mpm_cache_dir),
     .def = "/var/lib/suricata/cache/sgh",
     .help = "where the compiled databases are kept (created when missing)"},
};

CFG_TABLE(detect_settings, "detect", detect_rows, detect_defaults, NULL);
