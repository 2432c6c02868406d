/* applayer_settings.h: the app layer's settings (applayer_settings.c), for the runtime to
 * compose. */
#ifndef SK_APPLAYER_APPLAYER_SETTINGS_H
#define SK_APPLAYER_APPLAYER_SETTINGS_H

#include "core/config.h"

/* app-layer.*, into an AppLayerConfig (applayer.h). */
extern const CfgTable applayer_settings;

#endif
