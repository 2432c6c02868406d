/* inspect.c: (being written) */
#include "detect/detect_int.h"

bool
detect_inspect_buffer(struct DetectThread *dt, const Packet *p, const Signature *s, unsigned list,
                      const uint8_t *buf, uint32_t len, uint8_t di_flags)
{
    (void)dt, (void)p, (void)s, (void)list, (void)buf, (void)len, (void)di_flags;
    return false;
}

bool
detect_inspect_thread_init(struct DetectThread *dt)
{
    (void)dt;
    return true;
}

void
detect_inspect_thread_fini(struct DetectThread *dt)
{
    (void)dt;
}
