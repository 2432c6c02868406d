/* detect_settings.h: the detection stage's settings (detect_settings.c), for the runtime to
 * compose: the rule files the configuration names and the engine's knobs. */
#ifndef SK_DETECT_DETECT_SETTINGS_H
#define SK_DETECT_DETECT_SETTINGS_H

#include "core/config.h"
#include "detect/detect.h"

#define DETECT_RULE_FILES_MAX 256

typedef struct {
    DetectConfig engine;
    const char *rule_path;                         /* default-rule-path; NULL: none */
    const char *rule_files[DETECT_RULE_FILES_MAX]; /* rule-files, as written (borrowed) */
    unsigned rule_file_cnt;
} DetectSettings;

/* default-rule-path, rule-files, classification-file, reference-config-file, threshold-file,
 * packet-alert-max, detect.*: into a DetectSettings. */
extern const CfgTable detect_settings;

#endif
