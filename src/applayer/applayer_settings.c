/* applayer_settings.c: the keys the app layer reads, into its AppLayerConfig (applayer.h).
 * Suricata's names and defaults (suricata.yaml's app-layer.protocols section): a protocol that
 * runs on both transports has .tcp and .udp maps, each with enabled and detection-ports. */
#include "applayer/applayer_settings.h"

#include <stddef.h>

#include "applayer/applayer.h"

static void
defaults(void *conf)
{
    applayer_config_default(conf);
}

#define DNS_FIELD(member) CFG_FIELD(AppLayerConfig, proto[ALPROTO_DNS].member)

static const CfgKey rows[] = {
    {.path = "app-layer.memcap",
     .type = CFG_KEY_SIZE,
     CFG_FIELD(AppLayerConfig, memcap),
     .def = "64mb",
     .help = "sekimori's: memory for parser state and transactions, all protocols (leased by "
             "the workers); past it a transaction is not made"},
    {.path = "app-layer.protocols.dns.enabled",
     .type = CFG_KEY_BOOL,
     DNS_FIELD(enabled),
     .def = "yes",
     .help = "detect and parse DNS"},
    {.path = "app-layer.protocols.dns.tcp.enabled",
     .type = CFG_KEY_BOOL,
     DNS_FIELD(tcp),
     .def = "yes",
     .help = "DNS over TCP"},
    {.path = "app-layer.protocols.dns.tcp.detection-ports.dp",
     .type = CFG_KEY_PORTS,
     DNS_FIELD(tcp_dp),
     .def = "53",
     .help = "server port DNS over TCP is probed on (the first, when a list)"},
    {.path = "app-layer.protocols.dns.udp.enabled",
     .type = CFG_KEY_BOOL,
     DNS_FIELD(udp),
     .def = "yes",
     .help = "DNS over UDP"},
    {.path = "app-layer.protocols.dns.udp.detection-ports.dp",
     .type = CFG_KEY_PORTS,
     DNS_FIELD(udp_dp),
     .def = "53",
     .help = "server port DNS over UDP is probed on (the first, when a list)"},
};

CFG_TABLE(applayer_settings, "applayer", rows, defaults, NULL);
