/* The cursor's promise: a read succeeds whole or fails and leaves the cursor where it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/cursor.h"

static void
reads_are_big_endian_and_advance(void **state)
{
    const uint8_t raw[] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde};
    Cursor c = cur_init(raw, sizeof(raw));
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    (void)state;

    assert_true(cur_u8(&c, &u8));
    assert_int_equal(u8, 0x12);
    assert_true(cur_be16(&c, &u16));
    assert_int_equal(u16, 0x3456);
    assert_true(cur_be32(&c, &u32));
    assert_int_equal(u32, 0x789abcde);
    assert_int_equal(c.left, 0);
}

static void
a_short_read_fails_and_consumes_nothing(void **state)
{
    const uint8_t raw[] = {0x01, 0x02, 0x03};
    Cursor c = cur_init(raw, sizeof(raw));
    uint32_t u32 = 0xdeadbeef;
    uint16_t u16;
    uint8_t buf[4];
    (void)state;

    assert_false(cur_be32(&c, &u32));
    assert_int_equal(u32, 0xdeadbeef); /* untouched */
    assert_int_equal(c.left, 3);
    assert_false(cur_bytes(&c, buf, 4));
    assert_false(cur_skip(&c, 4));
    assert_int_equal(c.left, 3);
    assert_true(cur_skip(&c, 2));
    assert_false(cur_be16(&c, &u16));
    assert_int_equal(c.left, 1);
}

static void
take_narrows_to_a_length_read_off_the_wire(void **state)
{
    const uint8_t raw[] = {0x00, 0x02, 0xaa, 0xbb, 0xcc};
    Cursor c = cur_init(raw, sizeof(raw));
    Cursor sub;
    uint16_t len;
    uint8_t v;
    (void)state;

    assert_true(cur_be16(&c, &len));
    assert_true(cur_take(&c, len, &sub));
    assert_int_equal(sub.left, 2);
    assert_true(cur_u8(&sub, &v));
    assert_int_equal(v, 0xaa);
    assert_int_equal(c.left, 1);         /* the rest stays with the parent */
    assert_false(cur_take(&c, 2, &sub)); /* a length that lies */
    assert_int_equal(c.left, 1);
}

static void
peeks_do_not_consume_and_check_bounds(void **state)
{
    const uint8_t raw[] = {0x10, 0x20, 0x30};
    Cursor c = cur_init(raw, sizeof(raw));
    uint8_t v;
    uint16_t w;
    (void)state;

    assert_true(cur_peek_u8(&c, 2, &v));
    assert_int_equal(v, 0x30);
    assert_false(cur_peek_u8(&c, 3, &v));
    assert_true(cur_peek_be16(&c, 1, &w));
    assert_int_equal(w, 0x2030);
    assert_false(cur_peek_be16(&c, 2, &w));
    assert_false(cur_peek_be16(&c, SIZE_MAX, &w)); /* no wrap-around in the bound */
    assert_int_equal(c.left, 3);
    cur_truncate(&c, 1);
    assert_int_equal(c.left, 1);
    cur_truncate(&c, 10); /* never grows */
    assert_int_equal(c.left, 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_are_big_endian_and_advance),
        cmocka_unit_test(a_short_read_fails_and_consumes_nothing),
        cmocka_unit_test(take_narrows_to_a_length_read_off_the_wire),
        cmocka_unit_test(peeks_do_not_consume_and_check_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
