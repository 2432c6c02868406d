/* policy.c: which bytes a TCP receiver keeps when two segments cover the same sequence numbers
 * with different data (host-os-policy). The target sees one reading; the IDS must see the same
 * one or be evaded (Ptacek & Newsham, "Insertion, Evasion, and Denial of Service", 1998).
 *
 * Each rule compares the new segment with the segment that put the held byte there, by their
 * bounds as sent. The rules come from the receivers' own reassembly code and from Novak &
 * Sturges, "Target-Based TCP Stream Reassembly" (Sourcefire, 2007), which measured them per OS;
 * each is cited at its case below. Suricata 8.0.7 was run beside these rules on every shape of
 * one new segment against one held segment (before, after, inside, covering, same start
 * shorter/longer, same end later/earlier, exact; in order and behind a hole) and agrees on all
 * of them for all thirteen host-os-policy names: tests/unit/stream/test_segments.c holds that
 * table. */
#include "stream/segments.h"

#include <string.h>

static const char *const policy_names[STREAM_POLICY_MAX] = {
    [STREAM_POLICY_BSD] = "bsd",
    [STREAM_POLICY_BSD_RIGHT] = "bsd-right",
    [STREAM_POLICY_OLD_LINUX] = "old-linux",
    [STREAM_POLICY_LINUX] = "linux",
    [STREAM_POLICY_OLD_SOLARIS] = "old-solaris",
    [STREAM_POLICY_SOLARIS] = "solaris",
    [STREAM_POLICY_HPUX10] = "hpux10",
    [STREAM_POLICY_HPUX11] = "hpux11",
    [STREAM_POLICY_IRIX] = "irix",
    [STREAM_POLICY_MACOS] = "macos",
    [STREAM_POLICY_VISTA] = "vista",
    [STREAM_POLICY_WINDOWS] = "windows",
    [STREAM_POLICY_WINDOWS2K3] = "windows2k3",
    [STREAM_POLICY_FIRST] = "first",
    [STREAM_POLICY_LAST] = "last",
};

const char *
stream_policy_name(unsigned policy)
{
    return policy < STREAM_POLICY_MAX ? policy_names[policy] : NULL;
}

bool
stream_policy_from_name(const char *name, bool suricata_only, uint8_t *out)
{
    for (unsigned i = 0; i < STREAM_POLICY_MAX; i++) {
        if (strcmp(name, policy_names[i]) != 0) {
            continue;
        }
        /* Suricata 8.0.7 refuses these in host-os-policy ("Invalid enum map"). */
        if (suricata_only && (i == STREAM_POLICY_FIRST || i == STREAM_POLICY_LAST)) {
            return false;
        }
        *out = (uint8_t)i;
        return true;
    }
    return false;
}

bool
stream_policy_new_wins(uint8_t policy, uint64_t old_start, uint64_t old_end, uint64_t new_start,
                       uint64_t new_end)
{
    switch (policy) {
    case STREAM_POLICY_LINUX:
        /* Linux 2.4 on (tcp_data_queue_ofo, net/ipv4/tcp_input.c): a segment that starts inside
         * a queued one and ends within it is dropped ("all the bits are present"); one that
         * starts at the same sequence number and reaches further replaces the queued segment;
         * queued segments that start after the new one lose what it covers. Novak & Sturges:
         * "Linux" favours the original unless the new segment starts before it, or starts with
         * it and is longer. */
        return new_start < old_start || (new_start == old_start && new_end > old_end);
    case STREAM_POLICY_OLD_LINUX:
        /* Linux 2.2 and older (Novak & Sturges, "old Linux"): as Linux, but a segment with the
         * same start that is at least as long replaces the original, an exact copy too. */
        return new_start < old_start || (new_start == old_start && new_end >= old_end);
    case STREAM_POLICY_OLD_SOLARIS:
    case STREAM_POLICY_SOLARIS:
    case STREAM_POLICY_HPUX11:
        /* Solaris and HP-UX 11 (Novak & Sturges): the mirror image of Linux, judged by the
         * right edge: the new segment wins where it ends after the original, or ends with it
         * and starts at or before it; a new segment that ends inside the original loses. */
        return new_end > old_end || (new_end == old_end && new_start <= old_start);
    case STREAM_POLICY_VISTA:
    case STREAM_POLICY_FIRST:
        /* Windows Vista (Novak & Sturges) keeps whatever it received first; "first" names that
         * rule for any host. */
        return false;
    case STREAM_POLICY_LAST:
        /* "last": the latest copy of every byte wins (Novak & Sturges found it in Cisco IOS). */
        return true;
    case STREAM_POLICY_BSD:
    case STREAM_POLICY_BSD_RIGHT:
    case STREAM_POLICY_HPUX10:
    case STREAM_POLICY_IRIX:
    case STREAM_POLICY_MACOS:
    case STREAM_POLICY_WINDOWS:
    case STREAM_POLICY_WINDOWS2K3:
    default:
        /* 4.4BSD tcp_reass (Wright & Stevens, TCP/IP Illustrated vol. 2, 27.8; FreeBSD
         * tcp_reass.c keeps it): a queued segment that starts at or before the new one keeps
         * its bytes and the new one is trimmed; queued segments that start after the new one
         * lose what it covers. Novak & Sturges measured the same on the BSDs, Mac OS X, HP-UX
         * 10, IRIX and Windows 2000/XP/2003. "bsd-right" (their HP JetDirect reading) is the
         * same as bsd for one new segment against one held segment in Suricata 8.0.7, the only
         * case a byte-by-byte rule can express; it stays here until a capture shows a
         * difference. */
        return new_start < old_start;
    }
}
