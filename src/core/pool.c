/* pool.c: chunks, their arena, and the huge-page regions behind both (pool.h). pool_get's
 * free-list path is inline in pool.h; what is here runs once per chunk's worth of objects. */
#include "core/pool.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* The header sits in one cache line of its own: objects start 64 bytes into the chunk. */
#define CHUNK_HDR 64
#define CHUNK_TARGET (64u << 10) /* default chunk: about this many bytes of objects */

struct PoolChunk {
    PoolChunk *next;
    uint32_t used; /* objects handed out at least once, from the start */
};
_Static_assert(sizeof(PoolChunk) <= CHUNK_HDR, "the chunk header fits its cache line");

size_t
pool_huge_round(size_t n)
{
    return (n + POOL_HUGE_ALIGN - 1) & ~(size_t)(POOL_HUGE_ALIGN - 1);
}

void *
pool_huge_zalloc(size_t n)
{
    void *m = mmap(NULL, n + POOL_HUGE_ALIGN, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) {
        return NULL;
    }
    /* Keep the aligned part; give back the slack before and after it. */
    uintptr_t start = ((uintptr_t)m + POOL_HUGE_ALIGN - 1) & ~(uintptr_t)(POOL_HUGE_ALIGN - 1);
    size_t head = start - (uintptr_t)m;
    if (head > 0) {
        munmap(m, head);
    }
    munmap((uint8_t *)start + n, POOL_HUGE_ALIGN - head);
#ifdef MADV_HUGEPAGE
    (void)madvise((void *)start, n, MADV_HUGEPAGE);
#endif
    return (void *)start;
}

void
pool_huge_free(void *p, size_t n)
{
    if (p != NULL) {
        munmap(p, n);
    }
}

size_t
pool_chunk_bytes(size_t obj_size, size_t side_size, uint32_t cnt)
{
    obj_size = (obj_size + 7) & ~(size_t)7;
    return CHUNK_HDR + (size_t)cnt * (obj_size + side_size);
}

static uint8_t *
chunk_obj(const Pool *pl, PoolChunk *c, uint32_t i)
{
    return (uint8_t *)c + CHUNK_HDR + (size_t)i * pl->cfg.obj_size;
}

static void *
chunk_side(const Pool *pl, PoolChunk *c, uint32_t i)
{
    if (pl->cfg.side_size == 0) {
        return NULL;
    }
    return (uint8_t *)c + CHUNK_HDR + (size_t)pl->cfg.chunk_cnt * pl->cfg.obj_size
           + (size_t)i * pl->cfg.side_size;
}

static bool
in_arena(const Pool *pl, const void *p)
{
    return pl->arena != NULL && (const uint8_t *)p >= pl->arena
           && (const uint8_t *)p < pl->arena + pl->arena_len;
}

/* A chunk from the arena, reserved at the first chunk the size of everything the Memcap could
 * ever let this pool hold; NULL when it is refused or full (calloc then). */
static void *
arena_take(Pool *pl, size_t n)
{
    if (!pl->arena_tried) {
        pl->arena_tried = true;
        size_t want = pool_huge_round((size_t)memcap_max(pl->mc) + 1);
        pl->arena = pool_huge_zalloc(want);
        pl->arena_len = pl->arena != NULL ? want : 0;
    }
    n = (n + 63) & ~(size_t)63;
    if (pl->arena == NULL || pl->arena_used + n > pl->arena_len) {
        return NULL;
    }
    void *p = pl->arena + pl->arena_used;
    pl->arena_used += n;
    return p;
}

static bool
chunk_add(Pool *pl)
{
    if (pl->mc == NULL ? pl->chunks != NULL : !memcap_charge(pl->mc, pl->chunk_len)) {
        return false;
    }
    PoolChunk *c = pl->cfg.huge && pl->mc != NULL ? arena_take(pl, pl->chunk_len) : NULL;
    /* calloc of a chunk this size maps fresh zero pages: nothing is touched until used. */
    if (c == NULL && (c = calloc(1, pl->chunk_len)) == NULL) {
        if (pl->mc != NULL) {
            memcap_release(pl->mc, pl->chunk_len);
        }
        return false;
    }
    c->next = pl->chunks;
    pl->chunks = c;
    pl->fill = c;
    pl->free_cnt += pl->cfg.chunk_cnt;
    pl->held += pl->cfg.chunk_cnt;
    return true;
}

SkResult
pool_init_cfg(Pool *pl, const PoolConfig *cfg, uint32_t prealloc, Memcap *mc)
{
    memset(pl, 0, sizeof(*pl));
    pl->cfg = *cfg;
    pl->mc = mc;
    if (pl->cfg.obj_size < sizeof(void *)) {
        pl->cfg.obj_size = sizeof(void *);
    }
    pl->cfg.obj_size = (pl->cfg.obj_size + 7) & ~(size_t)7;
    if (mc == NULL) {
        pl->cfg.chunk_cnt = prealloc > 0 ? prealloc : 1; /* one chunk, never more */
    } else if (pl->cfg.chunk_cnt == 0) {
        size_t n = CHUNK_TARGET / (pl->cfg.obj_size + pl->cfg.side_size);
        pl->cfg.chunk_cnt = n > 0 ? (uint32_t)n : 1;
    }
    pl->chunk_len = pool_chunk_bytes(pl->cfg.obj_size, pl->cfg.side_size, pl->cfg.chunk_cnt);
    /* A pool without a Memcap is its one chunk; one with a Memcap grows from nothing. */
    while (pl->free_cnt < prealloc || (mc == NULL && pl->chunks == NULL)) {
        if (!chunk_add(pl)) {
            pool_fini(pl);
            return SK_ERR_NOMEM;
        }
    }
    return SK_OK;
}

SkResult
pool_init(Pool *pl, size_t obj_size, uint32_t prealloc, Memcap *mc)
{
    const PoolConfig cfg = {.obj_size = obj_size};
    return pool_init_cfg(pl, &cfg, prealloc, mc);
}

void
pool_fini(Pool *pl)
{
    PoolChunk *c = pl->chunks;
    while (c != NULL) {
        PoolChunk *next = c->next;
        if (!in_arena(pl, c)) {
            free(c);
        }
        if (pl->mc != NULL) {
            memcap_release(pl->mc, pl->chunk_len);
        }
        c = next;
    }
    pool_huge_free(pl->arena, pl->arena_len);
    pl->chunks = pl->fill = NULL;
    pl->arena = NULL;
    pl->free_list = NULL;
    pl->free_cnt = pl->held = 0;
}

/* The free list is empty: a never-used object from the chunks, or a new chunk. `fill` is the
 * chunk being handed out; once it is used up, a scan finds the next with room (once per chunk's
 * worth of objects). */
void *
pool_get_slow(Pool *pl)
{
    PoolChunk *c = pl->fill;
    if (c == NULL || c->used == pl->cfg.chunk_cnt) {
        for (c = pl->chunks; c != NULL && c->used == pl->cfg.chunk_cnt; c = c->next) {
        }
        if (c == NULL) {
            if (!chunk_add(pl)) {
                return NULL;
            }
            c = pl->chunks;
        }
        pl->fill = c;
    }
    uint32_t i = c->used++;
    void *obj = chunk_obj(pl, c, i);
    if (pl->cfg.first_use != NULL) {
        pl->cfg.first_use(obj, chunk_side(pl, c, i));
    }
    pl->free_cnt--;
    return obj;
}
