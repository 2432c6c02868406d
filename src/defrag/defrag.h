/* defrag.h: IPv4 and IPv6 fragment reassembly. A DefragTable belongs to one worker and is never
 * shared: nothing here locks. Its trackers, fragment records and fragment bytes come from pools
 * charged to the Memcap it is given (defrag.memcap).
 *
 * Overlaps are resolved per destination by an overlap policy (host-os-policy): for IPv4 the
 * byte policies of Novak's target-based reassembly (bsd, bsd-right, linux, first, last,
 * windows, solaris), as Suricata names and applies them; for IPv6 the policies named after an
 * operating system model what that system does today (RFC 5722: an overlapping datagram is
 * dropped, each with its own idea of a harmless duplicate), measured against the replies of
 * real systems (docs/architecture.md, "Defragmentation"). */
#ifndef SK_DEFRAG_DEFRAG_H
#define SK_DEFRAG_DEFRAG_H

#include <stdbool.h>
#include <stdint.h>

#include "core/counters.h"
#include "core/memcap.h"
#include "core/packet.h"
#include "decode/decode.h"

typedef enum {
    DEFRAG_POLICY_BSD = 0, /* the default when no host-os-policy entry matches */
    DEFRAG_POLICY_BSD_RIGHT,
    DEFRAG_POLICY_LINUX,
    DEFRAG_POLICY_FIRST,
    DEFRAG_POLICY_LAST,
    DEFRAG_POLICY_WINDOWS,
    DEFRAG_POLICY_SOLARIS,
    DEFRAG_POLICY_OPENBSD, /* sekimori's own name: OpenBSD drops even exact duplicates */
    DEFRAG_POLICY_MAX
} DefragPolicy;

/* host-os-policy names, Suricata's and their aliases (old-linux, vista, macos, ...); false for
 * a name no policy has. */
bool defrag_policy_from_name(const char *name, DefragPolicy *out);
const char *defrag_policy_name(DefragPolicy p);

#define DEFRAG_HOST_OS_MAX 256 /* host-os-policy addresses, all policies together */

typedef struct {
    SkAddr addr; /* network address, host bits zero */
    uint8_t ip_ver;
    uint8_t bits; /* prefix length */
    uint8_t policy;
} DefragHostOs;

typedef struct {
    uint64_t memcap;       /* defrag.memcap */
    uint32_t hash_size;    /* defrag.hash-size */
    uint32_t trackers;     /* defrag.trackers: datagrams tracked at once, per engine */
    uint32_t max_frags;    /* defrag.max-frags: fragments held at once, per engine */
    bool prealloc;         /* defrag.prealloc: trackers allocated at start-up */
    uint32_t timeout_s;    /* defrag.timeout */
    uint8_t memcap_policy; /* defrag.memcap-policy, resolved (ExceptionPolicy) */
    uint16_t host_os_cnt;  /* host-os-policy, longest prefix wins */
    DefragHostOs host_os[DEFRAG_HOST_OS_MAX];
} DefragConfig;

void defrag_config_default(DefragConfig *cfg);

/* The policy host-os-policy gives dst (ip_ver 4 or 6): the longest matching prefix, else bsd. */
DefragPolicy defrag_config_policy(const DefragConfig *cfg, const SkAddr *dst, uint8_t ip_ver);

typedef struct DefragTable DefragTable; /* opaque; one per worker */

/* workers: the engine's worker count (trackers and max-frags are split between them); seed:
 * the hash seed (tracker keys are chosen by whoever sends fragments); mc: this worker's
 * defrag.memcap, borrowed for the table's life. NULL: logged why. */
DefragTable *defrag_table_new(const DefragConfig *cfg, unsigned workers, uint64_t seed, Memcap *mc);
void defrag_table_free(DefragTable *t); /* accepts NULL */

/* Copies frag's data (frag: PKT_F_FRAGMENT, borrowed for the call). When frag completes a
 * datagram, decodes the datagram from its IP header up into slot (a spare packet the caller
 * owns; its bytes are the table's, valid until the next defrag_insert for a fragment at the same
 * tunnel depth) with PKT_F_REASSEMBLED set, and returns slot. Else NULL and slot is untouched.
 * Overlaps, oversize datagrams and ignored fragments raise ipv4/ipv6.frag_* on frag through
 * dec (decode_event_raise): they are not errors. slot may be NULL: nothing is returned then. */
Packet *defrag_insert(DefragTable *t, DecodeThread *dec, Packet *frag, Packet *slot);

/* Drops trackers idle past defrag.timeout at `now`, at most budget of them (bounded work per
 * packet). Returns how many were dropped: budget means more may be waiting. */
unsigned defrag_table_timeout(DefragTable *t, SkTime now, unsigned budget);

/* defrag.* counters (Suricata's stats names), for stats. */
const CounterSet *defrag_table_counters(const DefragTable *t);
/* Trackers in use (tests). */
uint32_t defrag_table_active(const DefragTable *t);

#endif
