/* eve.h: EVE JSON output. One EveFile per output file, shared by all workers; one EveWriter
 * per worker, which formats records into its own buffer and appends whole lines to the file
 * under one lock per buffer flush, never per record or field. Record layouts follow Suricata's
 * EVE schema (../shared/suricata-ref/schema.json). */
#ifndef SK_OUTPUT_EVE_H
#define SK_OUTPUT_EVE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/packet.h"
#include "core/result.h"
#include "core/time.h"
#include "flow/flow.h"

typedef struct {
    bool enabled;          /* outputs.eve-log.enabled */
    char filename[4096];   /* outputs.eve-log.filename: relative to the log dir, or absolute */
    bool flow;             /* types: - flow */
    bool netflow;          /* types: - netflow (one record per direction) */
    bool packethdr;        /* anomaly.packethdr: the packet, base64, in anomaly records */
    bool community_id;     /* outputs.eve-log.community-id */
    bool ethernet;         /* outputs.eve-log.ethernet: MAC addresses in records */
    uint16_t community_id_seed; /* outputs.eve-log.community-id-seed */
    bool anomaly;          /* types: - anomaly (enabled) */
    bool anomaly_decode;   /* anomaly.types.decode */
    bool anomaly_stream;   /* anomaly.types.stream */
    bool anomaly_applayer; /* anomaly.types.applayer */
    bool stats;            /* types: - stats */
    bool stats_totals;     /* stats.totals */
    bool stats_threads;    /* stats.threads */
    bool stats_deltas;     /* stats.deltas */
    bool stats_null_values; /* stats.null-values: also log counters that are zero */
} EveConfig;

typedef struct EveFile EveFile;
typedef struct EveWriter EveWriter;

/* The runtime's signal flags, read by the writer: stop (SIGINT/SIGTERM) lets a write to a
 * stalled FIFO give up; a change of reopen (SIGHUP) closes and reopens the file by name. */
typedef struct {
    const volatile sig_atomic_t *stop;
    const volatile sig_atomic_t *reopen;
} EveSignals;

/* Opens (appending, as Suricata does) path. NULL with a logged line on failure. sig may be
 * NULL (no signals watched). */
EveFile *eve_file_open(const char *path, const EveSignals *sig);
void eve_file_close(EveFile *ef); /* accepts NULL */
uint64_t eve_file_records(const EveFile *ef); /* records written whole */
uint64_t eve_file_lost(const EveFile *ef);    /* records a write error lost */
/* Did any write fail? The run then ends with a non-zero exit code. */
bool eve_file_failed(const EveFile *ef);

EveWriter *eve_writer_new(EveFile *ef, const EveConfig *cfg);
void eve_writer_flush(EveWriter *ew);
void eve_writer_free(EveWriter *ew); /* flushes; accepts NULL */

/* A flow that ended; now is the time it is logged at. */
void eve_log_flow(EveWriter *ew, const Flow *f, SkTime now);
/* One anomaly record per decoder event on p, if decode anomalies are enabled. */
void eve_log_anomalies(EveWriter *ew, const Packet *p);

/* A stats record: names are dotted stats keys, grouped so that keys sharing a prefix are
 * contiguous; vals the totals. */
void eve_log_stats(EveWriter *ew, SkTime ts, uint64_t uptime_s, const char *const *names,
                   const uint64_t *vals, size_t cnt);

/* The Community ID v1 string ("1:" + 28 base64 characters) of a tuple; out needs 32 bytes.
 * For ICMP (icmp true) sp and dp are the type and code. Returns its length (0: no SHA-1). */
size_t eve_community_id(uint16_t seed, uint8_t ip_ver, const SkAddr *src, const SkAddr *dst,
                        uint8_t proto, uint16_t sp, uint16_t dp, bool icmp, char *out);

/* "TCP", "UDP", "ICMP", "IPv6-ICMP" ...: the IANA keyword EVE uses; NULL when unnamed. */
const char *eve_proto_name(uint8_t proto);
/* Writes the address as EVE does (IPv6 fully expanded) into buf (>= 40 bytes); returns its
 * length. */
size_t eve_format_addr(const SkAddr *a, uint8_t ip_ver, char *buf);

#endif
