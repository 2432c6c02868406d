/* capture_settings.c: the keys the capture stage reads. `def` is the built-in configuration's
 * value, or Suricata's default where that file has none. */
#include "capture/capture_settings.h"

#include <string.h>

#include "capture/capture.h"
#include "core/log.h"

/* pcap-file.checksum-checks: "auto" or a boolean, as Suricata reads it. Checked, not acted on
 * yet: sekimori validates no checksums when reading files. */
static SkResult
read_checksum_checks(const CfgNode *root, const char *path, const CfgKey *k, void *conf)
{
    const char *s = NULL;
    bool b;

    (void)k;
    (void)conf;
    if (cfg_get_str(root, path, &s) != SK_OK) {
        return SK_ERR_CONFIG;
    }
    if (s != NULL && strcmp(s, "auto") != 0 && !cfg_parse_bool(s, &b)) {
        log_error("config: %s: '%s' is not auto, yes or no", path, s);
        return SK_ERR_CONFIG;
    }
    return SK_OK;
}

static const CfgKey rows[] = {
    {.path = "pcap-file.checksum-checks",
     .type = CFG_KEY_STRING,
     CFG_NOWHERE,
     .def = "auto",
     .help = "auto or a boolean: checksum checks on capture files (checked, not acted on yet)",
     .read = read_checksum_checks},
    {.path = "pcap.*.interface",
     .type = CFG_KEY_STRING,
     CFG_NOWHERE,
     .help = "the interface this entry is for (default: any other)"},
    {.path = "pcap.*.snaplen",
     .type = CFG_KEY_INT,
     CFG_FIELD(CaptureLiveConfig, snaplen),
     .min = 0,
     .max = 262144,
     .def = "0",
     .help = "bytes kept of each frame; 0: all"},
    {.path = "pcap.*.buffer-size",
     .type = CFG_KEY_INT,
     CFG_FIELD(CaptureLiveConfig, buffer_size),
     .min = 0,
     .max = INT32_MAX,
     .def = "0",
     .help = "the kernel's capture buffer in bytes; 0: libpcap's default"},
    {.path = "pcap.*.promisc",
     .type = CFG_KEY_BOOL,
     CFG_FIELD(CaptureLiveConfig, promisc),
     .def = "yes",
     .help = "promiscuous mode"},
    {.path = "pcap.*.bpf-filter",
     .type = CFG_KEY_STRING,
     CFG_FIELD(CaptureLiveConfig, bpf_filter),
     .help = "a BPF filter (tcpdump syntax)"},
};

static void
defaults(void *conf)
{
    CaptureLiveConfig *lc = conf;

    memset(lc, 0, sizeof(*lc));
    lc->promisc = true;
}

CFG_TABLE(capture_settings, "capture", rows, defaults, NULL);
