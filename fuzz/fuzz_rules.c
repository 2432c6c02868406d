/* fuzz_rules.c: libFuzzer harness for the rule language. The input is rule text (one rule or
 * several lines, continuation backslashes and comments included), loaded as a rule file would
 * be; when any rule loads, the engine is built from them (ordering, grouping, fast pattern
 * choice, Vectorscan compile with the cache off) and freed. Variables come from a small
 * config so $HOME_NET-style references resolve. Seeds: ET Open lines (tools/fuzz-prepare.sh).
 * What must hold: no crash, no leak, no hang, whatever the text. Log lines are silenced: a bad
 * rule's one line per input is what the parser is meant to do. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/config.h"
#include "core/log.h"
#include "detect/detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static CfgNode *fuzz_cfg;

static const char fuzz_vars[] = "vars:\n"
                                "  address-groups:\n"
                                "    HOME_NET: \"[10.0.0.0/8,2001:db8::/32]\"\n"
                                "    EXTERNAL_NET: \"!$HOME_NET\"\n"
                                "    HTTP_SERVERS: \"$HOME_NET\"\n"
                                "    DNS_SERVERS: \"$HOME_NET\"\n"
                                "  port-groups:\n"
                                "    HTTP_PORTS: \"[80,8080]\"\n"
                                "    SHELLCODE_PORTS: \"!80\"\n"
                                "    ORACLE_PORTS: 1521\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    DetectRules *r;
    DetectConfig dc = {.recursion_limit = 3000, .alert_max = 15};

    if (fuzz_cfg == NULL) {
        log_set_level((LogLevel)-1);
        fuzz_cfg = cfg_load_string(fuzz_vars, "fuzz");
        if (fuzz_cfg == NULL) {
            abort();
        }
    }
    if (size > 1 << 16) {
        return 0;
    }
    r = detect_rules_new(fuzz_cfg);
    if (r == NULL) {
        return 0;
    }
    (void)detect_rules_load_text(r, (const char *)data, size, "fuzz");
    if (detect_rules_stats(r)->loaded > 0) {
        detect_engine_free(detect_engine_build(r, &dc));
    } else {
        detect_rules_free(r);
    }
    return 0;
}
