/* capture_settings.h: the capture stage's settings (capture_settings.c), for the runtime. */
#ifndef SK_CAPTURE_CAPTURE_SETTINGS_H
#define SK_CAPTURE_CAPTURE_SETTINGS_H

#include "core/config.h"

/* pcap-file.*, and the keys of one `pcap:` entry (pcap.*.snaplen, ...) into a
 * CaptureLiveConfig. Which entry a live capture takes is the runtime's choice: it walks the
 * list with cfg_table_read(root, &capture_settings, "pcap.*", ...). */
extern const CfgTable capture_settings;

#endif
