/* defrag_int.h: what defrag.c (trackers, table) and policy.c (overlaps) share. Private to
 * src/defrag/; other stages include defrag/defrag.h. */
#ifndef SK_DEFRAG_DEFRAG_INT_H
#define SK_DEFRAG_DEFRAG_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "defrag/defrag.h"

/* Fragment bytes live in blocks of one pool: a 1,500-byte fragment takes one block, a jumbo
 * one a chain, and no size class ever strands memory another size needs. */
#define DEFRAG_BLOCK_SIZE 2048
#define DEFRAG_BLOCK_DATA (DEFRAG_BLOCK_SIZE - sizeof(void *))

/* Bytes of link layer, IP header and (IPv6) unfragmentable extension headers kept from a first
 * fragment for the datagram's own headers. A first fragment with more is ignored
 * (ipv4/ipv6.frag_ignored): no real stack sends one, and the bound keeps the datagram buffer
 * fixed. */
#define DEFRAG_HDR_MAX 1024

/* Fragments one datagram may hold: legitimate senders need a few dozen (65,535 bytes in
 * 1,280-byte IPv6 fragments is 52); the cap bounds what one datagram's completion check and
 * reassembly may cost. Past it, fragments are not stored (defrag.max_frags_reached). */
#define DEFRAG_TRACKER_FRAGS_MAX 1024

typedef struct DefragBlock {
    struct DefragBlock *next;
    uint8_t data[DEFRAG_BLOCK_DATA];
} DefragBlock;

typedef struct DefragFrag {
    struct DefragFrag *next; /* the tracker's list, by offset, then arrival (first: pool link) */
    DefragBlock *blocks;     /* the headers (hdr_len bytes, first fragments only), then data */
    uint32_t off, len;       /* where the data goes in the datagram, in bytes */
    uint32_t seq;            /* arrival order in its tracker */
    uint16_t hdr_len;        /* link + IP (+ unfragmentable) headers stored before the data */
    uint16_t l3_off;         /* the IP header's offset within them */
    int32_t eth_off;         /* the Ethernet header's offset within them, or -1 */
    uint16_t nh_off;         /* IPv6: the next-header byte that named the fragment header */
    bool more;
    bool run_start; /* linux (IPv6): this fragment began a run; others joined the one before */
} DefragFrag;

/* What a new fragment does to a datagram under the IPv6 models of real systems. */
typedef enum {
    DEFRAG_ACCEPT = 0, /* stored */
    DEFRAG_DUP,        /* dropped, the datagram kept (a harmless duplicate for this system) */
    DEFRAG_KILL,       /* the datagram and the fragment dropped (RFC 5722) */
} DefragVerdict;

/* Does the policy resolve IPv6 overlaps as a real system does (drop the datagram), rather than
 * by keeping bytes? */
bool defrag_policy_drops_ipv6(DefragPolicy p);

/* The IPv6 model's verdict on a new fragment [off, end) against the stored ones (sorted by
 * offset, never overlapping under these models); *run_start: for linux, whether it would begin
 * a run of its own. */
DefragVerdict defrag_policy_ipv6_verdict(DefragPolicy p, const DefragFrag *list, uint32_t off,
                                         uint32_t end, bool *run_start);

/* Orders the n fragments of one datagram for painting under an overlap policy: the datagram is
 * written fragment by fragment in the order left in v, each over the ones before, so the last
 * to write a byte is the one the policy keeps. Fragments a policy discards whole (windows,
 * solaris: covered by a later one) are moved to the front, where every byte they write is
 * written again. */
void defrag_policy_paint_order(DefragPolicy p, DefragFrag **v, uint32_t n);

#endif
