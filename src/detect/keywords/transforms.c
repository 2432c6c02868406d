/* transforms.c: (being written) */
#include "detect/detect_int.h"

bool
detect_transforms_apply(struct DetectThread *dt, const SigMatchList *l, const uint8_t **buf,
                        uint32_t *len)
{
    (void)dt, (void)l, (void)buf, (void)len;
    return true;
}

void
detect_transform_free(uint8_t id, void *ctx)
{
    (void)id;
    (void)ctx;
}
