/* decode_settings.c: the keys the decode stage reads, into its DecodeConfig (decode.h).
 * Defaults are decode_config_default()'s; `def` is the built-in configuration's value. */
#include "decode/decode_settings.h"

#include "decode/decode.h"

#define TUNNEL(name, en, port, d)                                                                  \
    {.path = "decoder." name ".enabled",                                                           \
     .type = CFG_KEY_BOOL,                                                                         \
     CFG_FIELD(DecodeConfig, en),                                                                  \
     .def = "true",                                                                                \
     .help = "decode " name " on its UDP port"},                                                   \
    {                                                                                              \
        .path = "decoder." name ".ports", .type = CFG_KEY_PORTS, CFG_FIELD(DecodeConfig, port),    \
        .def = (d), .help = "the UDP port of " name " (the first, when a list)"                    \
    }

static const CfgKey rows[] = {
    TUNNEL("teredo", teredo_enabled, teredo_port, "3544"),
    TUNNEL("vxlan", vxlan_enabled, vxlan_port, "4789"),
    TUNNEL("geneve", geneve_enabled, geneve_port, "6081"),
    /* Bounds the layers decoded in one packet (decoder.too_many_layers past it); tunnel
     * nesting has its own, lower cap (PKT_TUNNEL_DEPTH_MAX). */
    {.path = "decoder.max-layers",
     .type = CFG_KEY_INT,
     CFG_FIELD(DecodeConfig, max_layers),
     .min = 1,
     .max = 255,
     .def = "16",
     .help = "most encapsulation layers decoded in a packet"},
};

static void
defaults(void *conf)
{
    decode_config_default(conf);
}

CFG_TABLE(decode_settings, "decode", rows, defaults, NULL);
