/* stream_settings.h: the stream stage's settings (stream_settings.c), for the runtime to
 * compose. */
#ifndef SK_STREAM_STREAM_SETTINGS_H
#define SK_STREAM_STREAM_SETTINGS_H

#include "core/config.h"

/* stream.*, stats.stream-events, into a StreamConfig (stream.h); host-os-policy is read into it
 * too (the defrag stage's table checks and documents that map). */
extern const CfgTable stream_settings;

#endif
