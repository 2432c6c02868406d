/* threshold.c: (being written) */
#include "detect/detect_int.h"

#include <stdlib.h>

void
detect_threshold_free(struct DetectThreshold *t)
{
    free(t);
}

bool
detect_threshold_allow(struct DetectThread *dt, const Packet *p, const Signature *s)
{
    (void)dt, (void)p, (void)s;
    return true;
}

struct DetectThresholdTable *
detect_threshold_table_new(const char *threshold_file, Signature **sigs, uint32_t sig_cnt)
{
    (void)threshold_file, (void)sigs, (void)sig_cnt;
    return NULL;
}

void
detect_threshold_table_free(struct DetectThresholdTable *t)
{
    (void)t;
}
