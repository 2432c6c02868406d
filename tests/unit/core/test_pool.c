/* Pool: objects come from chunks charged to a Memcap before they exist, NULL at the cap, reuse
 * before growth, side records set once, a fixed pool never grows, and a huge-page arena serves
 * chunks like calloc does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/pool.h"

typedef struct {
    void *link; /* the pool's free-list link while free */
    uint64_t payload[7];
    uint8_t *side;
} Obj;

static void
obj_first(void *obj, void *side)
{
    ((Obj *)obj)->side = side;
}

static void
prealloc_charges_whole_chunks_and_get_is_null_at_the_cap(void **state)
{
    const PoolConfig cfg = {.obj_size = sizeof(Obj), .chunk_cnt = 16};
    size_t chunk = pool_chunk_bytes(sizeof(Obj), 0, 16);
    Memcap mc;
    Pool pl;
    (void)state;

    memcap_init_fixed(&mc, 3 * chunk);
    assert_int_equal(pool_init_cfg(&pl, &cfg, 20, &mc), SK_OK);
    assert_int_equal(memcap_used(&mc), 2 * chunk); /* 20 objects: two chunks */
    assert_int_equal(pool_free_cnt(&pl), 32);
    void *objs[48];
    for (unsigned i = 0; i < 48; i++) {
        objs[i] = pool_get(&pl);
        assert_non_null(objs[i]);
    }
    assert_int_equal(memcap_used(&mc), 3 * chunk);
    assert_null(pool_get(&pl)); /* the Memcap refuses a fourth chunk */
    assert_int_equal(pool_held(&pl), 48);
    pool_put(&pl, objs[5]);
    assert_ptr_equal(pool_get(&pl), objs[5]); /* reuse before growth */
    pool_fini(&pl);
    assert_int_equal(memcap_used(&mc), 0);
}

static void
prealloc_beyond_the_memcap_fails_and_releases(void **state)
{
    size_t chunk = pool_chunk_bytes(64, 0, 1024);
    Memcap mc;
    Pool pl;
    (void)state;

    memcap_init_fixed(&mc, chunk * 2);
    const PoolConfig cfg = {.obj_size = 64, .chunk_cnt = 1024};
    assert_int_equal(pool_init_cfg(&pl, &cfg, 3000, &mc), SK_ERR_NOMEM);
    assert_int_equal(memcap_used(&mc), 0);
    pool_fini(&pl); /* a failed init leaves a Pool that fini accepts */
}

static void
objects_are_distinct_aligned_and_zero_when_new(void **state)
{
    Memcap mc;
    Pool pl;
    (void)state;

    memcap_init_fixed(&mc, 1 << 20);
    assert_int_equal(pool_init(&pl, 20, 0, &mc), SK_OK);
    assert_int_equal(pool_held(&pl), 0); /* no prealloc: nothing until the first get */
    uint8_t *prev = NULL;
    for (unsigned i = 0; i < 5000; i++) {
        uint8_t *o = pool_get(&pl);
        assert_non_null(o);
        assert_int_equal((uintptr_t)o % 8, 0);
        for (unsigned j = 0; j < 20; j++) {
            assert_int_equal(o[j], 0);
        }
        memset(o, 0xab, 20);
        assert_true(o != prev);
        prev = o;
    }
    pool_fini(&pl);
}

static void
side_records_are_set_once_and_survive_reuse(void **state)
{
    const PoolConfig cfg = {
        .obj_size = sizeof(Obj), .side_size = 50, .chunk_cnt = 8, .first_use = obj_first};
    Memcap mc;
    Pool pl;
    (void)state;

    memcap_init_fixed(&mc, 1 << 20);
    assert_int_equal(memcap_charge(&mc, 0), true);
    assert_int_equal(pool_init_cfg(&pl, &cfg, 8, &mc), SK_OK);
    assert_int_equal(memcap_used(&mc), pool_chunk_bytes(sizeof(Obj), 50, 8));
    Obj *a = pool_get(&pl), *b = pool_get(&pl);
    assert_non_null(a->side);
    assert_non_null(b->side);
    assert_int_equal(b->side - a->side, 50);
    a->side[49] = 7;
    uint8_t *side = a->side;
    pool_put(&pl, a);
    Obj *c = pool_get(&pl);
    assert_ptr_equal(c, a);
    assert_ptr_equal(c->side, side);
    assert_int_equal(c->side[49], 7);
    pool_fini(&pl);
}

static void
a_pool_without_memcap_holds_its_prealloc_and_never_grows(void **state)
{
    Pool pl;
    void *o[4];
    (void)state;

    assert_int_equal(pool_init(&pl, 300, 4, NULL), SK_OK);
    for (unsigned i = 0; i < 4; i++) {
        assert_non_null(o[i] = pool_get(&pl));
    }
    assert_null(pool_get(&pl));
    pool_put(&pl, o[2]);
    pool_put(&pl, o[0]);
    assert_ptr_equal(pool_get(&pl), o[0]);
    assert_ptr_equal(pool_get(&pl), o[2]);
    assert_null(pool_get(&pl));
    pool_fini(&pl);
}

static void
a_huge_arena_serves_chunks_up_to_the_memcap(void **state)
{
    const PoolConfig cfg = {.obj_size = 192, .chunk_cnt = 1024, .huge = true};
    size_t chunk = pool_chunk_bytes(192, 0, 1024);
    Memcap mc;
    Pool pl;
    (void)state;

    memcap_init_fixed(&mc, 10 * chunk + 100);
    assert_int_equal(pool_init_cfg(&pl, &cfg, 2048, &mc), SK_OK);
    unsigned n = 0;
    uint8_t *first = pool_get(&pl);
    assert_non_null(first);
    assert_int_equal((uintptr_t)first % 64, 0); /* chunks and objects on cache lines */
    for (n = 1; pool_get(&pl) != NULL; n++) {
    }
    assert_int_equal(n, 10 * 1024);
    assert_non_null(pl.arena); /* where mmap works, the chunks came from the arena */
    pool_fini(&pl);
    assert_int_equal(memcap_used(&mc), 0);
}

static void
huge_regions_are_aligned_and_zero(void **state)
{
    (void)state;
    size_t n = pool_huge_round(3 << 20);
    assert_int_equal(n, 4 << 20);
    uint8_t *p = pool_huge_zalloc(n);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % POOL_HUGE_ALIGN, 0);
    assert_int_equal(p[0] | p[n - 1], 0);
    p[n - 1] = 1;
    pool_huge_free(p, n);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(prealloc_charges_whole_chunks_and_get_is_null_at_the_cap),
        cmocka_unit_test(prealloc_beyond_the_memcap_fails_and_releases),
        cmocka_unit_test(objects_are_distinct_aligned_and_zero_when_new),
        cmocka_unit_test(side_records_are_set_once_and_survive_reuse),
        cmocka_unit_test(a_pool_without_memcap_holds_its_prealloc_and_never_grows),
        cmocka_unit_test(a_huge_arena_serves_chunks_up_to_the_memcap),
        cmocka_unit_test(huge_regions_are_aligned_and_zero),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
