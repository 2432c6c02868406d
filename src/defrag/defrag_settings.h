/* defrag_settings.h: the defrag stage's settings (defrag_settings.c), for the runtime to compose. */
#ifndef SK_DEFRAG_DEFRAG_SETTINGS_H
#define SK_DEFRAG_DEFRAG_SETTINGS_H

#include "core/config.h"

/* defrag.* and host-os-policy.<policy>, into a DefragConfig. */
extern const CfgTable defrag_settings;

#endif
