/* decode_settings.h: the decode stage's settings (decode_settings.c), for the runtime. */
#ifndef SK_DECODE_DECODE_SETTINGS_H
#define SK_DECODE_DECODE_SETTINGS_H

#include "core/config.h"

/* decoder.*, into a DecodeConfig. */
extern const CfgTable decode_settings;

#endif
