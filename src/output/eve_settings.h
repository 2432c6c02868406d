/* eve_settings.h: the EVE output's settings (eve_settings.c), for the runtime to compose. */
#ifndef SK_OUTPUT_EVE_SETTINGS_H
#define SK_OUTPUT_EVE_SETTINGS_H

#include "core/config.h"

/* outputs.N.eve-log.*: the first eve-log entry of `outputs:`, into an EveConfig. */
extern const CfgTable eve_settings;
/* outputs.N.fast.*: the first fast entry of `outputs:`, into a FastLogConfig (fastlog.h). */
extern const CfgTable fastlog_settings;

#endif
