/* eve_stats.c: "stats" records. The runtime sums every worker's counters into dotted names
 * (decoder.ipv4, flow.mgr.flows_timeout); here they become EVE's nested objects. */
#include "output/eve_int.h"

#include <string.h>

/* How many whole dotted components a and b share as a prefix. */
static unsigned
shared_components(const char *a, const char *b)
{
    unsigned n = 0;
    size_t i = 0;
    /* Only components followed by a '.' in both count: leaves are never shared. */
    while (a[i] != '\0' && a[i] == b[i]) {
        if (a[i] == '.') {
            n++;
        }
        i++;
    }
    return n;
}

static unsigned
count_dots(const char *s)
{
    unsigned n = 0;
    for (; *s; s++) {
        n += *s == '.';
    }
    return n;
}

void
eve_log_stats(EveWriter *ew, SkTime ts, uint64_t uptime_s, const char *const *names,
              const uint64_t *vals, size_t cnt)
{
    char comp[128];

    if (!eve_config_type_on(&ew->cfg, EVE_TYPE_STATS)) {
        return;
    }
    JsonBuf *jb = eve_begin(ew, ts, "stats");
    json_open_obj(jb, "stats");
    json_u64(jb, "uptime", uptime_s);

    const bool null_values = eve_config_option_on(&ew->cfg, EVE_OPT_STATS_NULL_VALUES);
    const char *prev = "";
    unsigned open = 0; /* objects open below "stats" */
    for (size_t i = 0; i < cnt; i++) {
        const char *name = names[i];
        if (vals[i] == 0 && !null_values) {
            continue;
        }
        unsigned shared = shared_components(prev, name);
        while (open > shared) {
            json_close_obj(jb);
            open--;
        }
        /* Skip the components already open, then open the rest. */
        const char *s = name;
        for (unsigned k = 0; k < open; k++) {
            s = strchr(s, '.') + 1;
        }
        unsigned depth = count_dots(name);
        while (open < depth) {
            const char *dot = strchr(s, '.');
            size_t n = (size_t)(dot - s) < sizeof(comp) - 1 ? (size_t)(dot - s) : sizeof(comp) - 1;
            memcpy(comp, s, n);
            comp[n] = '\0';
            json_open_obj(jb, comp);
            open++;
            s = dot + 1;
        }
        json_u64(jb, s, vals[i]);
        prev = name;
    }
    while (open > 0) {
        json_close_obj(jb);
        open--;
    }
    json_close_obj(jb);
    eve_commit(ew);
}
