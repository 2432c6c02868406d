/* flowbits.c: (being written) */
#include "detect/detect_int.h"

#include "flow/flow.h"

SkResult
detect_flowvars_build(struct DetectEngine *de)
{
    (void)de;
    return SK_OK;
}

void
detect_flowvars_free(struct DetectEngine *de)
{
    (void)de;
}

void
detect_flow_free(struct Flow *f)
{
    (void)f;
}
