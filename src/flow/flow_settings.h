/* flow_settings.h: the flow stage's settings (flow_settings.c), for the runtime to compose. */
#ifndef SK_FLOW_FLOW_SETTINGS_H
#define SK_FLOW_FLOW_SETTINGS_H

#include "core/config.h"

/* flow.*, flow-timeouts.*, and the two *.use-for-tracking keys, into a FlowConfig. */
extern const CfgTable flow_settings;

#endif
