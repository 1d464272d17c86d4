/*
 * Unit tests of the checked codec: every get and put, at every short length,
 * must fail cleanly, leave its cursor alone and make later calls fail.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ward_codec.h"

static const uint8_t seq[16] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
                                0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10};

/* One integer getter exercised generically: full width reads the value, every
 * shorter buffer fails with INSUFFICIENT_DATA and leaves the reader stuck. */
typedef psa_status_t (*getter)(struct ward_reader *, uint64_t *);

#define GETTER(name, type)                                                     \
    static psa_status_t call_##name(struct ward_reader *r, uint64_t *out)      \
    {                                                                          \
        type v = 0;                                                            \
        psa_status_t st = name(r, &v);                                         \
        *out = (uint64_t)v;                                                    \
        return st;                                                             \
    }
GETTER(ward_get_u8, uint8_t)
GETTER(ward_get_u16le, uint16_t)
GETTER(ward_get_u32le, uint32_t)
GETTER(ward_get_u64le, uint64_t)
GETTER(ward_get_u16be, uint16_t)
GETTER(ward_get_u32be, uint32_t)
GETTER(ward_get_u64be, uint64_t)

static void check_getter(getter g, size_t width, uint64_t expect)
{
    for (size_t avail = 0; avail < width; avail++) {
        struct ward_reader r;
        uint64_t v = 0xdeadbeef;
        ward_reader_init(&r, seq, avail);
        assert_int_equal(g(&r, &v), PSA_ERROR_INSUFFICIENT_DATA);
        assert_int_equal(r.off, 0);
        assert_int_equal(ward_reader_remaining(&r), 0);
        /* Sticky: even a 0-byte read now fails. */
        assert_int_equal(ward_skip(&r, 0), PSA_ERROR_INSUFFICIENT_DATA);
        assert_int_equal(ward_reader_finish(&r), PSA_ERROR_INSUFFICIENT_DATA);
    }
    struct ward_reader r;
    uint64_t v = 0;
    ward_reader_init(&r, seq, width);
    assert_int_equal(g(&r, &v), PSA_SUCCESS);
    assert_true(v == expect);
    assert_int_equal(ward_reader_remaining(&r), 0);
    assert_int_equal(ward_reader_finish(&r), PSA_SUCCESS);
    /* Reading past the end afterwards fails. */
    assert_int_equal(g(&r, &v), PSA_ERROR_INSUFFICIENT_DATA);
}

static void test_get_integers(void **state)
{
    (void)state;
    check_getter(call_ward_get_u8, 1, 0x01);
    check_getter(call_ward_get_u16le, 2, 0x0201);
    check_getter(call_ward_get_u32le, 4, 0x04030201);
    check_getter(call_ward_get_u64le, 8, 0x0807060504030201ull);
    check_getter(call_ward_get_u16be, 2, 0x0102);
    check_getter(call_ward_get_u32be, 4, 0x01020304);
    check_getter(call_ward_get_u64be, 8, 0x0102030405060708ull);
}

static void test_get_i32le_sign(void **state)
{
    (void)state;
    const uint8_t neg[4] = {0x7f, 0xff, 0xff, 0xff}; /* -129 */
    struct ward_reader r;
    int32_t v = 0;
    ward_reader_init(&r, neg, 4);
    assert_int_equal(ward_get_i32le(&r, &v), PSA_SUCCESS);
    assert_int_equal(v, -129);
    for (size_t avail = 0; avail < 4; avail++) {
        ward_reader_init(&r, neg, avail);
        v = 7;
        assert_int_equal(ward_get_i32le(&r, &v), PSA_ERROR_INSUFFICIENT_DATA);
        assert_int_equal(v, 7);
    }
}

static void test_get_sequence_and_finish(void **state)
{
    (void)state;
    struct ward_reader r;
    uint8_t a;
    uint16_t b;
    uint32_t c;
    ward_reader_init(&r, seq, 8);
    assert_int_equal(ward_get_u8(&r, &a), PSA_SUCCESS);
    assert_int_equal(ward_get_u16be(&r, &b), PSA_SUCCESS);
    assert_int_equal(ward_get_u32le(&r, &c), PSA_SUCCESS);
    assert_int_equal(a, 0x01);
    assert_int_equal(b, 0x0203);
    assert_int_equal(c, 0x07060504);
    assert_int_equal(ward_reader_remaining(&r), 1);
    /* One byte left over: not a complete parse. */
    assert_int_equal(ward_reader_finish(&r), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(ward_get_u8(&r, &a), PSA_SUCCESS);
    assert_int_equal(ward_reader_finish(&r), PSA_SUCCESS);
}

static void test_get_bytes_ref_skip(void **state)
{
    (void)state;
    struct ward_reader r;
    uint8_t out[16];
    const uint8_t *p = NULL;
    for (size_t want = 0; want <= 16; want++) {
        for (size_t avail = 0; avail <= 16; avail++) {
            memset(out, 0xaa, sizeof(out));
            ward_reader_init(&r, seq, avail);
            psa_status_t st = ward_get_bytes(&r, out, want);
            if (want <= avail) {
                assert_int_equal(st, PSA_SUCCESS);
                assert_memory_equal(out, seq, want);
                assert_int_equal(ward_reader_remaining(&r), avail - want);
            } else {
                assert_int_equal(st, PSA_ERROR_INSUFFICIENT_DATA);
                assert_int_equal(out[0], 0xaa); /* nothing copied */
            }
            ward_reader_init(&r, seq, avail);
            p = NULL;
            st = ward_get_ref(&r, &p, want);
            assert_int_equal(st, want <= avail ? PSA_SUCCESS
                                               : PSA_ERROR_INSUFFICIENT_DATA);
            if (st == PSA_SUCCESS)
                assert_ptr_equal(p, seq);
            else
                assert_null(p);
            ward_reader_init(&r, seq, avail);
            st = ward_skip(&r, want);
            assert_int_equal(st, want <= avail ? PSA_SUCCESS
                                               : PSA_ERROR_INSUFFICIENT_DATA);
        }
    }
    /* A huge length cannot wrap the bounds check. */
    ward_reader_init(&r, seq, 16);
    assert_int_equal(ward_skip(&r, 4), PSA_SUCCESS);
    assert_int_equal(ward_skip(&r, SIZE_MAX), PSA_ERROR_INSUFFICIENT_DATA);
    assert_int_equal(r.off, 4);
}

static void test_get_lv32(void **state)
{
    (void)state;
    uint8_t buf[10] = {3, 0, 0, 0, 'a', 'b', 'c', 0xff, 0xff, 0xff};
    struct ward_reader r;
    const uint8_t *p = NULL;
    size_t n = 99;

    ward_reader_init(&r, buf, 7);
    assert_int_equal(ward_get_lv32(&r, &p, &n, 3), PSA_SUCCESS);
    assert_int_equal(n, 3);
    assert_memory_equal(p, "abc", 3);
    assert_int_equal(ward_reader_finish(&r), PSA_SUCCESS);

    /* Over the caller's limit. */
    ward_reader_init(&r, buf, 7);
    n = 99;
    assert_int_equal(ward_get_lv32(&r, &p, &n, 2), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(n, 99);
    assert_int_equal(r.off, 0);
    assert_int_equal(ward_reader_finish(&r), PSA_ERROR_INVALID_ARGUMENT);

    /* Every truncation: of the prefix and of the body. */
    for (size_t avail = 0; avail < 7; avail++) {
        ward_reader_init(&r, buf, avail);
        n = 99;
        assert_int_equal(ward_get_lv32(&r, &p, &n, 100),
                         PSA_ERROR_INSUFFICIENT_DATA);
        assert_int_equal(n, 99);
        assert_int_equal(r.off, 0);
    }

    /* A length near 2^32 claims more than is there. */
    buf[0] = 0xff, buf[1] = 0xff, buf[2] = 0xff, buf[3] = 0xff;
    ward_reader_init(&r, buf, 10);
    assert_int_equal(ward_get_lv32(&r, &p, &n, SIZE_MAX),
                     PSA_ERROR_INSUFFICIENT_DATA);
}

static void test_get_sub(void **state)
{
    (void)state;
    struct ward_reader r, sub;
    uint32_t v;
    ward_reader_init(&r, seq, 16);
    assert_int_equal(ward_get_sub(&r, &sub, 6), PSA_SUCCESS);
    assert_int_equal(ward_reader_remaining(&r), 10);
    assert_int_equal(ward_get_u32be(&sub, &v), PSA_SUCCESS);
    assert_int_equal(v, 0x01020304);
    /* The sub-reader cannot see past its own six bytes. */
    assert_int_equal(ward_get_u32be(&sub, &v), PSA_ERROR_INSUFFICIENT_DATA);
    assert_int_equal(ward_reader_finish(&r) == PSA_SUCCESS, 0);
    assert_int_equal(ward_get_sub(&r, &sub, 11), PSA_ERROR_INSUFFICIENT_DATA);
}

static void test_reader_null_base(void **state)
{
    (void)state;
    struct ward_reader r;
    uint8_t v;
    ward_reader_init(&r, NULL, 0);
    assert_int_equal(ward_reader_finish(&r), PSA_SUCCESS);
    assert_int_equal(ward_get_bytes(&r, NULL, 0), PSA_SUCCESS);
    assert_int_equal(ward_get_u8(&r, &v), PSA_ERROR_INSUFFICIENT_DATA);
    /* NULL with a length is refused up front. */
    ward_reader_init(&r, NULL, 8);
    assert_int_equal(ward_reader_remaining(&r), 0);
    assert_int_equal(ward_get_u8(&r, &v), PSA_ERROR_INVALID_ARGUMENT);
}

/* Writers: each put at every capacity below its width fails, writes nothing
 * and sticks; at full width it writes the exact bytes. */
typedef psa_status_t (*putter)(struct ward_writer *, uint64_t);
#define PUTTER(name, type)                                                     \
    static psa_status_t call_##name(struct ward_writer *w, uint64_t v)         \
    {                                                                          \
        return name(w, (type)v);                                               \
    }
PUTTER(ward_put_u8, uint8_t)
PUTTER(ward_put_u16le, uint16_t)
PUTTER(ward_put_u32le, uint32_t)
PUTTER(ward_put_u64le, uint64_t)
PUTTER(ward_put_i32le, int32_t)
PUTTER(ward_put_u16be, uint16_t)
PUTTER(ward_put_u32be, uint32_t)
PUTTER(ward_put_u64be, uint64_t)

static void check_putter(putter put, uint64_t v, const uint8_t *expect,
                         size_t width)
{
    uint8_t buf[16];
    struct ward_writer w;
    for (size_t cap = 0; cap < width; cap++) {
        memset(buf, 0xaa, sizeof(buf));
        ward_writer_init(&w, buf, cap);
        assert_int_equal(put(&w, v), PSA_ERROR_BUFFER_TOO_SMALL);
        assert_int_equal(ward_writer_len(&w), 0);
        assert_int_equal(ward_writer_room(&w), 0);
        for (size_t i = 0; i < sizeof(buf); i++)
            assert_int_equal(buf[i], 0xaa);
        assert_int_equal(ward_put_zeros(&w, 0), PSA_ERROR_BUFFER_TOO_SMALL);
        assert_int_equal(ward_writer_finish(&w), PSA_ERROR_BUFFER_TOO_SMALL);
    }
    memset(buf, 0xaa, sizeof(buf));
    ward_writer_init(&w, buf, width);
    assert_int_equal(put(&w, v), PSA_SUCCESS);
    assert_memory_equal(buf, expect, width);
    assert_int_equal(buf[width], 0xaa);
    assert_int_equal(ward_writer_len(&w), width);
    assert_int_equal(ward_writer_room(&w), 0);
    assert_int_equal(ward_writer_finish(&w), PSA_SUCCESS);
}

static void test_put_integers(void **state)
{
    (void)state;
    const uint8_t le[8] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
    const uint8_t be[8] = {0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01};
    const uint8_t m129[4] = {0x7f, 0xff, 0xff, 0xff};
    check_putter(call_ward_put_u8, 0x01, le, 1);
    check_putter(call_ward_put_u16le, 0x0201, le, 2);
    check_putter(call_ward_put_u32le, 0x04030201, le, 4);
    check_putter(call_ward_put_u64le, 0x0807060504030201ull, le, 8);
    check_putter(call_ward_put_i32le, (uint64_t)(uint32_t)-129, m129, 4);
    check_putter(call_ward_put_u16be, 0x0807, be, 2);
    check_putter(call_ward_put_u32be, 0x08070605, be, 4);
    check_putter(call_ward_put_u64be, 0x0807060504030201ull, be, 8);
}

static void test_put_bytes_zeros_reserve(void **state)
{
    (void)state;
    uint8_t buf[16];
    struct ward_writer w;
    uint8_t *p;
    for (size_t n = 0; n <= 16; n++) {
        for (size_t cap = 0; cap <= 16; cap++) {
            memset(buf, 0xaa, sizeof(buf));
            ward_writer_init(&w, buf, cap);
            psa_status_t st = ward_put_bytes(&w, seq, n);
            assert_int_equal(st, n <= cap ? PSA_SUCCESS : PSA_ERROR_BUFFER_TOO_SMALL);
            if (st == PSA_SUCCESS)
                assert_memory_equal(buf, seq, n);
            else
                assert_int_equal(buf[0], 0xaa);

            memset(buf, 0xaa, sizeof(buf));
            ward_writer_init(&w, buf, cap);
            st = ward_put_zeros(&w, n);
            assert_int_equal(st, n <= cap ? PSA_SUCCESS : PSA_ERROR_BUFFER_TOO_SMALL);
            if (st == PSA_SUCCESS && n > 0)
                assert_int_equal(buf[n - 1], 0);
            if (n < 16)
                assert_int_equal(buf[n], 0xaa);

            ward_writer_init(&w, buf, cap);
            p = NULL;
            st = ward_put_reserve(&w, &p, n);
            assert_int_equal(st, n <= cap ? PSA_SUCCESS : PSA_ERROR_BUFFER_TOO_SMALL);
            assert_ptr_equal(p, st == PSA_SUCCESS ? buf : NULL);
        }
    }
    ward_writer_init(&w, buf, 16);
    assert_int_equal(ward_put_u8(&w, 1), PSA_SUCCESS);
    assert_int_equal(ward_put_zeros(&w, SIZE_MAX), PSA_ERROR_BUFFER_TOO_SMALL);
    assert_int_equal(ward_writer_len(&w), 1);
}

static void test_put_lv32(void **state)
{
    (void)state;
    uint8_t buf[8];
    const uint8_t expect[7] = {3, 0, 0, 0, 'x', 'y', 'z'};
    struct ward_writer w;
    for (size_t cap = 0; cap < 7; cap++) {
        memset(buf, 0xaa, sizeof(buf));
        ward_writer_init(&w, buf, cap);
        assert_int_equal(ward_put_lv32(&w, "xyz", 3), PSA_ERROR_BUFFER_TOO_SMALL);
        assert_int_equal(ward_writer_len(&w), 0);
        assert_int_equal(buf[0], 0xaa); /* not even the length was written */
    }
    memset(buf, 0xaa, sizeof(buf));
    ward_writer_init(&w, buf, 8);
    assert_int_equal(ward_put_lv32(&w, "xyz", 3), PSA_SUCCESS);
    assert_memory_equal(buf, expect, 7);
    assert_int_equal(buf[7], 0xaa);

    /* The round trip through the reader. */
    struct ward_reader r;
    const uint8_t *p;
    size_t n;
    ward_reader_init(&r, buf, ward_writer_len(&w));
    assert_int_equal(ward_get_lv32(&r, &p, &n, 16), PSA_SUCCESS);
    assert_int_equal(n, 3);
    assert_memory_equal(p, "xyz", 3);

    /* Lengths that do not fit in 32 bits are refused, not truncated. */
    if (SIZE_MAX > UINT32_MAX) {
        ward_writer_init(&w, buf, 8);
        assert_int_equal(ward_put_lv32(&w, buf, (size_t)UINT32_MAX + 1),
                         PSA_ERROR_INVALID_ARGUMENT);
        assert_int_equal(ward_writer_finish(&w), PSA_ERROR_INVALID_ARGUMENT);
    }
    /* A body larger than the room, with a length that would wrap. */
    ward_writer_init(&w, buf, 8);
    assert_int_equal(ward_put_lv32(&w, buf, SIZE_MAX - 2),
                     SIZE_MAX > UINT32_MAX ? PSA_ERROR_INVALID_ARGUMENT
                                           : PSA_ERROR_BUFFER_TOO_SMALL);
}

static void test_patch_u32le(void **state)
{
    (void)state;
    uint8_t buf[12];
    struct ward_writer w;
    ward_writer_init(&w, buf, sizeof(buf));
    assert_int_equal(ward_put_zeros(&w, 4), PSA_SUCCESS);
    assert_int_equal(ward_put_u16be(&w, 0xbeef), PSA_SUCCESS);
    assert_int_equal(ward_patch_u32le(&w, 0, 2), PSA_SUCCESS);
    assert_int_equal(ward_load_u32le(buf), 2);
    /* [3, 7) runs past the 6 bytes written. */
    assert_int_equal(ward_patch_u32le(&w, 3, 1), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(ward_writer_finish(&w), PSA_ERROR_INVALID_ARGUMENT);
    ward_writer_init(&w, buf, sizeof(buf));
    assert_int_equal(ward_put_zeros(&w, 6), PSA_SUCCESS);
    assert_int_equal(ward_patch_u32le(&w, 2, 0x11223344), PSA_SUCCESS);
    assert_int_equal(ward_patch_u32le(&w, SIZE_MAX, 1), PSA_ERROR_INVALID_ARGUMENT);
}

static void test_writer_null_base(void **state)
{
    (void)state;
    struct ward_writer w;
    ward_writer_init(&w, NULL, 0);
    assert_int_equal(ward_put_bytes(&w, NULL, 0), PSA_SUCCESS);
    assert_int_equal(ward_put_u8(&w, 1), PSA_ERROR_BUFFER_TOO_SMALL);
    ward_writer_init(&w, NULL, 8);
    assert_int_equal(ward_writer_room(&w), 0);
    assert_int_equal(ward_put_u8(&w, 1), PSA_ERROR_INVALID_ARGUMENT);
}

static void test_load_store_helpers(void **state)
{
    (void)state;
    uint8_t b[8];
    ward_store_u16le(b, 0x1234);
    assert_int_equal(ward_load_u16le(b), 0x1234);
    assert_int_equal(b[0], 0x34);
    ward_store_u32le(b, 0x89abcdef);
    assert_int_equal(ward_load_u32le(b), 0x89abcdef);
    assert_int_equal(b[0], 0xef);
    ward_store_u32be(b, 0x89abcdef);
    assert_int_equal(ward_load_u32be(b), 0x89abcdef);
    assert_int_equal(b[0], 0x89);
    ward_store_u64le(b, 0x0123456789abcdefull);
    assert_true(ward_load_u64le(b) == 0x0123456789abcdefull);
    assert_int_equal(b[7], 0x01);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_integers),
        cmocka_unit_test(test_get_i32le_sign),
        cmocka_unit_test(test_get_sequence_and_finish),
        cmocka_unit_test(test_get_bytes_ref_skip),
        cmocka_unit_test(test_get_lv32),
        cmocka_unit_test(test_get_sub),
        cmocka_unit_test(test_reader_null_base),
        cmocka_unit_test(test_put_integers),
        cmocka_unit_test(test_put_bytes_zeros_reserve),
        cmocka_unit_test(test_put_lv32),
        cmocka_unit_test(test_patch_u32le),
        cmocka_unit_test(test_writer_null_base),
        cmocka_unit_test(test_load_store_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
