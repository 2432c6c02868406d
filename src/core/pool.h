/* pool.h: fixed-size objects handed out and taken back without malloc on the packet path.
 *
 * A Pool grows by chunks of objects, each chunk charged whole to the pool's Memcap before it is
 * allocated; pool_get() returns NULL once the Memcap refuses the next chunk. Objects that come
 * back go on a free list (linked through their first bytes, so an object must hold a pointer)
 * and are reused first; a chunk's never-used objects are handed out in order, so a page is
 * first touched when an object on it is first used (a page fault is costly under a
 * hypervisor's shadow paging, and preallocation should reserve, not fault in). Chunks are never
 * freed one by one: everything goes at pool_fini.
 *
 * Chunks can come from one reservation of the Memcap's maximum, on transparent huge pages
 * (PoolConfig.huge): a pool filled by a flood then takes one page fault per 2 MiB instead of
 * one per 4 KiB (a million flows: 35,000 faults down to 630). Where the reservation is refused,
 * chunks come from calloc.
 *
 * A Pool belongs to one worker: nothing here locks. */
#ifndef SK_CORE_POOL_H
#define SK_CORE_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/memcap.h"
#include "core/result.h"

typedef struct PoolChunk PoolChunk;

typedef struct {
    size_t obj_size;    /* bytes of one object, at least a pointer; rounded up to 8 */
    size_t side_size;   /* bytes of a side record per object, in a parallel array (0: none) */
    uint32_t chunk_cnt; /* objects per chunk; 0: about 64 KiB worth */
    bool huge;          /* chunks carved from one huge-page reservation (see above) */
    /* Called once per object, when it is first handed out, with its side record (NULL when
     * side_size is 0); what it sets survives every reuse unless the user clears it. */
    void (*first_use)(void *obj, void *side);
} PoolConfig;

typedef struct {
    PoolConfig cfg;
    Memcap *mc;        /* NULL: no growth beyond the preallocated chunk */
    size_t chunk_len;  /* bytes a chunk takes and charges: header, objects, side records */
    PoolChunk *chunks; /* newest first */
    PoolChunk *fill;   /* the chunk whose unused objects are handed out next */
    void *free_list;
    uint64_t free_cnt; /* the free list plus the chunks' unused objects */
    uint64_t held;     /* objects in chunks, free or in use */
    uint8_t *arena;    /* cfg.huge: chunks are carved from here */
    size_t arena_len, arena_used;
    bool arena_tried;
} Pool;

/* Objects of obj_size bytes, chunks of about 64 KiB, no side records, no huge pages. */
SkResult pool_init(Pool *pl, size_t obj_size, uint32_t prealloc, Memcap *mc);
/* Preallocates chunks until `prealloc` objects are free; SK_ERR_NOMEM (nothing logged: the
 * caller names its config keys) when they do not fit the Memcap or memory. With mc NULL the
 * pool holds exactly one chunk of max(prealloc, 1) objects and never grows. */
SkResult pool_init_cfg(Pool *pl, const PoolConfig *cfg, uint32_t prealloc, Memcap *mc);
/* Frees every chunk and releases their charge; accepts a zeroed or half-built Pool. */
void pool_fini(Pool *pl);

void *pool_get_slow(Pool *pl);

/* An object (its bytes as last left, or zero when never used), or NULL when the pool is empty
 * and its Memcap refuses another chunk. Never mallocs past the chunk the Memcap allows. */
static inline void *
pool_get(Pool *pl)
{
    void *obj = pl->free_list;
    if (obj != NULL) {
        pl->free_list = *(void **)obj;
        pl->free_cnt--;
        return obj;
    }
    return pool_get_slow(pl);
}

/* Takes obj back (it must be this pool's); its first pointer's worth of bytes is overwritten. */
static inline void
pool_put(Pool *pl, void *obj)
{
    *(void **)obj = pl->free_list;
    pl->free_list = obj;
    pl->free_cnt++;
}

/* Objects free now (free list and never-used); objects held in all chunks. */
static inline uint64_t
pool_free_cnt(const Pool *pl)
{
    return pl->free_cnt;
}

static inline uint64_t
pool_held(const Pool *pl)
{
    return pl->held;
}

/* Bytes one chunk of cnt objects of obj_size (+ side_size) takes: what it charges its Memcap.
 * For config checks that must agree with the pool (flow.memcap against flow.prealloc). */
size_t pool_chunk_bytes(size_t obj_size, size_t side_size, uint32_t cnt);

/* ---- Large zeroed regions on transparent huge pages (pools' arenas, big hash arrays) ---- */

#define POOL_HUGE_ALIGN (2u << 20) /* a transparent huge page on x86-64 */

/* n rounded up to POOL_HUGE_ALIGN. */
size_t pool_huge_round(size_t n);
/* Zeroed memory of n bytes (a multiple of POOL_HUGE_ALIGN), 2 MiB-aligned and advised for
 * huge pages, reserved but not committed (MAP_NORESERVE: nothing is backed until touched).
 * NULL when refused; release with pool_huge_free(p, n). */
void *pool_huge_zalloc(size_t n);
void pool_huge_free(void *p, size_t n);

#endif
