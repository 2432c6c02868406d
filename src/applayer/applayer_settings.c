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
#define HTTP_FIELD(member) CFG_FIELD(AppLayerConfig, proto[ALPROTO_HTTP].member)
#define TLS_FIELD(member) CFG_FIELD(AppLayerConfig, proto[ALPROTO_TLS].member)

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
    {.path = "app-layer.protocols.http.enabled",
     .type = CFG_KEY_BOOL,
     HTTP_FIELD(enabled),
     .def = "yes",
     .help = "detect and parse HTTP/1 (found by its content on any port)"},
    {.path = "app-layer.protocols.http.libhtp.default-config.request-body-limit",
     .type = CFG_KEY_SIZE,
     CFG_FIELD(AppLayerConfig, http_body_limit[0]),
     .def = "100kb",
     .help = "request body bytes an HTTP transaction keeps (http.request_body); 0: no limit"},
    {.path = "app-layer.protocols.http.libhtp.default-config.response-body-limit",
     .type = CFG_KEY_SIZE,
     CFG_FIELD(AppLayerConfig, http_body_limit[1]),
     .def = "100kb",
     .help = "response body bytes an HTTP transaction keeps (http.response_body, file.data)"},
    {.path = "app-layer.protocols.tls.enabled",
     .type = CFG_KEY_BOOL,
     TLS_FIELD(enabled),
     .def = "yes",
     .help = "detect and parse TLS (found by its content on any port)"},
    {.path = "app-layer.protocols.tls.detection-ports.dp",
     .type = CFG_KEY_PORTS,
     TLS_FIELD(tcp_dp),
     .def = "443",
     .help = "server port TLS is probed on first (the first, when a list)"},
    {.path = "app-layer.protocols.tls.ja3-fingerprints",
     .type = CFG_KEY_STRBUF,
     CFG_FIELD(AppLayerConfig, tls_ja3),
     .def = "auto",
     .help = "JA3/JA3S in EVE tls records: yes, no, auto (as Suricata 8.0.7's stock file: not "
             "logged; ja3.* keywords work either way)"},
    {.path = "app-layer.protocols.tls.ja4-fingerprints",
     .type = CFG_KEY_STRBUF,
     CFG_FIELD(AppLayerConfig, tls_ja4),
     .def = "auto",
     .help = "JA4 in EVE tls records: yes, no, auto (logged, as Suricata 8.0.7)"},
};

CFG_TABLE(applayer_settings, "applayer", rows, defaults, NULL);
