/* build.c: (being written) rules to groups and prefilter databases. */
#include "detect/detect_int.h"

#include <stdlib.h>

DetectEngine *
detect_engine_build(DetectRules *r, const DetectConfig *cfg)
{
    DetectEngine *de = calloc(1, sizeof(*de));
    if (de == NULL) {
        detect_rules_free(r);
        return NULL;
    }
    de->cfg = *cfg;
    de->rules = r;
    return de;
}

void
detect_engine_free(DetectEngine *de)
{
    if (de == NULL) {
        return;
    }
    detect_rules_free(de->rules);
    free(de);
}

uint32_t
detect_engine_rule_count(const DetectEngine *de)
{
    return de->sig_cnt;
}
