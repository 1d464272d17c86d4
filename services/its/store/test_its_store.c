/*
 * Unit tests of the ITS store's API on the RAM flash: every contract in
 * its_store.h, its error paths, a full store, bit flips and image headers
 * that are not ours.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "its_format.h"
#include "its_store.h"
#include "ward_codec.h"

#define SS 512u
#define NS 4u
static const struct its_store_config cfg = {.max_object_size = 100,
                                            .max_objects = 12};

struct fixture {
    struct its_ram_flash rf;
    struct its_store st;
};

static int setup(void **state)
{
    static struct fixture f;
    memset(&f, 0, sizeof(f));
    assert_int_equal(its_ram_flash_init(&f.rf, SS, NS), PSA_SUCCESS);
    assert_int_equal(its_store_format(&f.rf.flash, &cfg), PSA_SUCCESS);
    assert_int_equal(its_store_open(&f.st, &f.rf.flash, &cfg), PSA_SUCCESS);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(f->rf.nor_violations, 0);
    its_store_close(&f->st);
    its_ram_flash_free(&f->rf);
    return 0;
}

static void fill(uint8_t *buf, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = (uint8_t)(seed * 31u + i * 7u + 1u);
}

static void check_value(struct its_store *st, uint64_t key, size_t n,
                         unsigned seed)
{
    uint8_t want[100], got[100];
    size_t len = 999;
    fill(want, n, seed);
    assert_int_equal(its_store_get(st, key, 0, sizeof(got), got, &len),
                     PSA_SUCCESS);
    assert_int_equal(len, n);
    assert_memory_equal(got, want, n);
}

static void reopen(struct fixture *f)
{
    its_store_close(&f->st);
    assert_int_equal(its_store_open(&f->st, &f->rf.flash, &cfg), PSA_SUCCESS);
}

/* ---- format / open -------------------------------------------------- */

static void test_open_blank_does_not_exist(void **state)
{
    struct its_ram_flash rf;
    struct its_store st;
    (void)state;
    assert_int_equal(its_ram_flash_init(&rf, SS, NS), PSA_SUCCESS);
    assert_int_equal(its_store_open(&st, &rf.flash, &cfg),
                     PSA_ERROR_DOES_NOT_EXIST);
    its_store_close(&st);
    assert_int_equal(its_store_format(&rf.flash, &cfg), PSA_SUCCESS);
    assert_int_equal(its_store_open(&st, &rf.flash, &cfg), PSA_SUCCESS);
    its_store_close(&st);
    its_store_close(&st); /* twice is harmless */
    its_store_close(NULL);
    its_ram_flash_free(&rf);
}

static void test_format_refuses_nonblank(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(its_store_set(&f->st, 1, 0, "x", 1), PSA_SUCCESS);
    its_store_close(&f->st);
    assert_int_equal(its_store_format(&f->rf.flash, &cfg),
                     PSA_ERROR_ALREADY_EXISTS);
    /* Still intact: format destroyed nothing. */
    reopen(f);
    assert_int_equal(its_store_get_info(&f->st, 1, NULL, NULL), PSA_SUCCESS);
    /* Explicit destruction then format. */
    its_store_close(&f->st);
    assert_int_equal(its_flash_erase_all(&f->rf.flash), PSA_SUCCESS);
    assert_int_equal(its_store_format(&f->rf.flash, &cfg), PSA_SUCCESS);
    reopen(f);
    assert_int_equal(its_store_get_info(&f->st, 1, NULL, NULL),
                     PSA_ERROR_DOES_NOT_EXIST);
    assert_int_equal(its_flash_erase_all(NULL), PSA_ERROR_INVALID_ARGUMENT);
}

static void test_bad_geometry(void **state)
{
    struct its_ram_flash rf, one, small;
    struct its_store st;
    struct its_store_config c;
    (void)state;
    assert_int_equal(its_ram_flash_init(&rf, SS, NS), PSA_SUCCESS);
    assert_int_equal(its_ram_flash_init(&one, SS, 1), PSA_SUCCESS);
    assert_int_equal(its_ram_flash_init(&small, 128, 4), PSA_SUCCESS);
    assert_int_equal(its_store_format(NULL, &cfg), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_store_format(&rf.flash, NULL),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_store_format(&one.flash, &cfg),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_store_format(&small.flash, &cfg),
                     PSA_ERROR_INVALID_ARGUMENT);
    c = cfg;
    c.max_objects = 0;
    assert_int_equal(its_store_format(&rf.flash, &c),
                     PSA_ERROR_INVALID_ARGUMENT);
    c = cfg;
    c.max_object_size = SS - ITS_SECTOR_HDR_SIZE - ITS_RECORD_HDR_SIZE;
    assert_int_equal(its_store_format(&rf.flash, &c),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_store_open(NULL, &rf.flash, &cfg),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_store_open(&st, NULL, &cfg),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_store_open(&st, &rf.flash, NULL),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_store_open(&st, &one.flash, &cfg),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_non_null(st.why);
    assert_int_equal(its_ram_flash_init(NULL, SS, NS),
                     PSA_ERROR_INVALID_ARGUMENT);
    its_ram_flash_free(&rf);
    its_ram_flash_free(&one);
    its_ram_flash_free(&small);
}

/* ---- header mismatch --------------------------------------------------- */

static void rewrite_sector0(struct its_ram_flash *rf, uint32_t field_off,
                            uint32_t value, bool fix_crc)
{
    ward_store_u32le(rf->mem + field_off, value);
    if (fix_crc)
        ward_store_u32le(rf->mem + ITS_SECTOR_CRC_SPAN,
                         its_crc32(0, rf->mem, ITS_SECTOR_CRC_SPAN));
}

static void test_foreign_magic_refused(void **state)
{
    struct fixture *f = *state;
    its_store_close(&f->st);
    rewrite_sector0(&f->rf, 0, 0x46494c45u, true);
    assert_int_equal(its_store_open(&f->st, &f->rf.flash, &cfg),
                     PSA_ERROR_STORAGE_FAILURE);
    assert_string_equal(f->st.why, "not a Ward ITS image (bad magic)");
    /* Refused, not reformatted: the foreign bytes are still there. */
    assert_int_equal(ward_load_u32le(f->rf.mem), 0x46494c45u);
    assert_int_equal(its_store_format(&f->rf.flash, &cfg),
                     PSA_ERROR_ALREADY_EXISTS);
    /* Any non-0xFF content with no header of ours is foreign. */
    memset(f->rf.mem, 0, 64);
    assert_int_equal(its_store_open(&f->st, &f->rf.flash, &cfg),
                     PSA_ERROR_STORAGE_FAILURE);
}

static void test_version_refused(void **state)
{
    struct fixture *f = *state;
    its_store_close(&f->st);
    /* version is the u16 at offset 4; header size stays 48 in the upper half */
    rewrite_sector0(&f->rf, 4, 2u | (ITS_SECTOR_HDR_SIZE << 16), true);
    assert_int_equal(its_store_open(&f->st, &f->rf.flash, &cfg),
                     PSA_ERROR_STORAGE_FAILURE);
    assert_string_equal(f->st.why, "unsupported format version");
    assert_int_equal(ward_load_u32le(f->rf.mem + 4),
                     2u | (ITS_SECTOR_HDR_SIZE << 16));
}

static void test_geometry_refused(void **state)
{
    struct fixture *f = *state;
    struct its_store_config c = cfg;
    struct its_ram_flash other;
    its_store_close(&f->st);
    c.max_objects = 9;
    assert_int_equal(its_store_open(&f->st, &f->rf.flash, &c),
                     PSA_ERROR_STORAGE_FAILURE);
    assert_string_equal(f->st.why,
                        "image geometry differs from the configuration");
    c = cfg;
    c.max_object_size = 99;
    assert_int_equal(its_store_open(&f->st, &f->rf.flash, &c),
                     PSA_ERROR_STORAGE_FAILURE);
    /* Same bytes seen through a medium with another sector count. */
    assert_int_equal(its_ram_flash_init(&other, SS, NS + 1), PSA_SUCCESS);
    memcpy(other.mem, f->rf.mem, SS * NS);
    assert_int_equal(its_store_open(&f->st, &other.flash, &cfg),
                     PSA_ERROR_STORAGE_FAILURE);
    its_ram_flash_free(&other);
    /* Sector size in the header altered (CRC fixed): refused. */
    rewrite_sector0(&f->rf, 8, 1024, true);
    assert_int_equal(its_store_open(&f->st, &f->rf.flash, &cfg),
                     PSA_ERROR_STORAGE_FAILURE);
}

static void test_damaged_header_corrupt(void **state)
{
    struct fixture *f = *state;
    its_store_close(&f->st);
    /* Our magic but the CRC fails: damage, not a foreign image. */
    its_ram_flash_flip_bit(&f->rf, 20, 3);
    assert_int_equal(its_store_open(&f->st, &f->rf.flash, &cfg),
                     PSA_ERROR_DATA_CORRUPT);
}

/* ---- set / get / info / remove ----------------------------------------- */

static void test_set_get_basic(void **state)
{
    struct fixture *f = *state;
    uint8_t buf[100], want[100];
    size_t len, size;
    uint32_t flags;
    fill(want, 100, 5);
    assert_int_equal(its_store_set(&f->st, 0x100000001ull, 7, want, 100),
                     PSA_SUCCESS);
    check_value(&f->st, 0x100000001ull, 100, 5);
    assert_int_equal(its_store_get_info(&f->st, 0x100000001ull, &size, &flags),
                     PSA_SUCCESS);
    assert_int_equal(size, 100);
    assert_int_equal(flags, 7);
    assert_int_equal(its_store_get_info(&f->st, 0x100000001ull, NULL, NULL),
                     PSA_SUCCESS);
    /* Offset and size clip at the end. */
    memset(buf, 0xAA, sizeof(buf));
    assert_int_equal(its_store_get(&f->st, 0x100000001ull, 90, 50, buf, &len),
                     PSA_SUCCESS);
    assert_int_equal(len, 10);
    assert_memory_equal(buf, want + 90, 10);
    assert_int_equal(buf[10], 0xAA); /* beyond *len untouched */
    assert_int_equal(its_store_get(&f->st, 0x100000001ull, 3, 4, buf, &len),
                     PSA_SUCCESS);
    assert_int_equal(len, 4);
    assert_memory_equal(buf, want + 3, 4);
    /* offset == size: success, nothing copied. */
    memset(buf, 0xAA, sizeof(buf));
    assert_int_equal(its_store_get(&f->st, 0x100000001ull, 100, 10, buf, &len),
                     PSA_SUCCESS);
    assert_int_equal(len, 0);
    assert_int_equal(buf[0], 0xAA);
    /* size 0 with a NULL buffer. */
    assert_int_equal(its_store_get(&f->st, 0x100000001ull, 0, 0, NULL, &len),
                     PSA_SUCCESS);
    assert_int_equal(len, 0);
    /* offset > size. */
    assert_int_equal(its_store_get(&f->st, 0x100000001ull, 101, 1, buf, &len),
                     PSA_ERROR_INVALID_ARGUMENT);
    /* Overwrite with other flags and a shorter value. */
    assert_int_equal(its_store_set(&f->st, 0x100000001ull, 1, want, 3),
                     PSA_SUCCESS);
    assert_int_equal(its_store_get_info(&f->st, 0x100000001ull, &size, &flags),
                     PSA_SUCCESS);
    assert_int_equal(size, 3);
    assert_int_equal(flags, 1);
    reopen(f);
    check_value(&f->st, 0x100000001ull, 3, 5);
}

static void test_zero_length(void **state)
{
    struct fixture *f = *state;
    size_t len = 7, size = 7;
    uint8_t b;
    assert_int_equal(its_store_set(&f->st, 9, 0, NULL, 0), PSA_SUCCESS);
    assert_int_equal(its_store_get_info(&f->st, 9, &size, NULL), PSA_SUCCESS);
    assert_int_equal(size, 0);
    assert_int_equal(its_store_get(&f->st, 9, 0, 1, &b, &len), PSA_SUCCESS);
    assert_int_equal(len, 0);
    reopen(f);
    assert_int_equal(its_store_get_info(&f->st, 9, &size, NULL), PSA_SUCCESS);
    assert_int_equal(its_store_get(&f->st, 9, 1, 1, &b, &len),
                     PSA_ERROR_INVALID_ARGUMENT);
}

static void test_argument_errors(void **state)
{
    struct fixture *f = *state;
    uint8_t buf[200] = {0};
    size_t len;
    struct its_store closed;
    struct its_store_usage u;
    struct its_store_iter it;
    uint64_t key;
    size_t objs;
    uint64_t a, b;
    assert_int_equal(its_store_set(NULL, 1, 0, buf, 1),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_store_set(&f->st, 1, 0, NULL, 1),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_store_set(&f->st, 1, 0, buf, 101),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_store_get(NULL, 1, 0, 1, buf, &len),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_store_get(&f->st, 1, 0, 1, buf, NULL),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_store_get(&f->st, 1, 0, 1, NULL, &len),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_store_get(&f->st, 1, 0, 1, buf, &len),
                     PSA_ERROR_DOES_NOT_EXIST);
    assert_int_equal(its_store_get_info(NULL, 1, NULL, NULL),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_store_get_info(&f->st, 1, NULL, NULL),
                     PSA_ERROR_DOES_NOT_EXIST);
    assert_int_equal(its_store_remove(NULL, 1), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_store_remove(&f->st, 1), PSA_ERROR_DOES_NOT_EXIST);
    assert_int_equal(its_store_usage(NULL, &u), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_store_usage(&f->st, NULL),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_store_owner_usage(&f->st, 0, NULL, &a, &b),
                     PSA_ERROR_INVALID_ARGUMENT);
    its_store_iter_init(&it, 0);
    its_store_iter_init(NULL, 0);
    assert_int_equal(its_store_iter_next(NULL, &it, &key),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_store_iter_next(&f->st, NULL, &key),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_store_iter_next(&f->st, &it, NULL),
                     PSA_ERROR_INVALID_ARGUMENT);
    /* A closed store. */
    memset(&closed, 0, sizeof(closed));
    assert_int_equal(its_store_set(&closed, 1, 0, buf, 1),
                     PSA_ERROR_BAD_STATE);
    assert_int_equal(its_store_get(&closed, 1, 0, 1, buf, &len),
                     PSA_ERROR_BAD_STATE);
    assert_int_equal(its_store_get_info(&closed, 1, NULL, NULL),
                     PSA_ERROR_BAD_STATE);
    assert_int_equal(its_store_remove(&closed, 1), PSA_ERROR_BAD_STATE);
    assert_int_equal(its_store_usage(&closed, &u), PSA_ERROR_BAD_STATE);
    assert_int_equal(its_store_owner_usage(&closed, 0, &objs, &a, &b),
                     PSA_ERROR_BAD_STATE);
    assert_int_equal(its_store_iter_next(&closed, &it, &key),
                     PSA_ERROR_BAD_STATE);
}

static void test_remove(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(its_store_set(&f->st, 5, 0, "abc", 3), PSA_SUCCESS);
    assert_int_equal(its_store_set(&f->st, 6, 0, "def", 3), PSA_SUCCESS);
    assert_int_equal(its_store_remove(&f->st, 5), PSA_SUCCESS);
    assert_int_equal(its_store_remove(&f->st, 5), PSA_ERROR_DOES_NOT_EXIST);
    assert_int_equal(its_store_get_info(&f->st, 5, NULL, NULL),
                     PSA_ERROR_DOES_NOT_EXIST);
    reopen(f);
    assert_int_equal(its_store_get_info(&f->st, 5, NULL, NULL),
                     PSA_ERROR_DOES_NOT_EXIST);
    assert_int_equal(its_store_get_info(&f->st, 6, NULL, NULL), PSA_SUCCESS);
    /* Set again after remove. */
    assert_int_equal(its_store_set(&f->st, 5, 0, "xyz", 3), PSA_SUCCESS);
    reopen(f);
    assert_int_equal(its_store_get_info(&f->st, 5, NULL, NULL), PSA_SUCCESS);
}

static void test_iterate_and_usage(void **state)
{
    struct fixture *f = *state;
    const uint64_t keys[] = {0x0000000100000002ull, 0x0000000100000001ull,
                             0x00000001FFFFFFFFull, 0x0000000200000001ull,
                             0xFFFFFFFF00000003ull, 0x0000000000000001ull};
    struct its_store_iter it;
    struct its_store_usage u;
    uint64_t key, data, used;
    size_t objs;
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(its_store_set(&f->st, keys[i], 0, "0123456789", i),
                         PSA_SUCCESS);
    its_store_iter_init(&it, 1);
    assert_int_equal(its_store_iter_next(&f->st, &it, &key), PSA_SUCCESS);
    assert_true(key == 0x0000000100000001ull);
    /* Removing the current key does not disturb the cursor. */
    assert_int_equal(its_store_remove(&f->st, 0x0000000100000001ull),
                     PSA_SUCCESS);
    assert_int_equal(its_store_iter_next(&f->st, &it, &key), PSA_SUCCESS);
    assert_true(key == 0x0000000100000002ull);
    assert_int_equal(its_store_iter_next(&f->st, &it, &key), PSA_SUCCESS);
    assert_true(key == 0x00000001FFFFFFFFull);
    assert_int_equal(its_store_iter_next(&f->st, &it, &key),
                     PSA_ERROR_DOES_NOT_EXIST);
    /* The all-ones owner (client ID -1), up to the very last key. */
    assert_int_equal(its_store_set(&f->st, UINT64_MAX, 0, NULL, 0),
                     PSA_SUCCESS);
    its_store_iter_init(&it, 0xFFFFFFFFu);
    assert_int_equal(its_store_iter_next(&f->st, &it, &key), PSA_SUCCESS);
    assert_true(key == 0xFFFFFFFF00000003ull);
    assert_int_equal(its_store_iter_next(&f->st, &it, &key), PSA_SUCCESS);
    assert_true(key == UINT64_MAX);
    assert_int_equal(its_store_iter_next(&f->st, &it, &key),
                     PSA_ERROR_DOES_NOT_EXIST);
    /* Every owner's keys, in order, up to the very last key. */
    {
        const uint64_t all[] = {0x0000000000000001ull, 0x0000000100000002ull,
                                0x00000001FFFFFFFFull, 0x0000000200000001ull,
                                0xFFFFFFFF00000003ull, UINT64_MAX};
        its_store_iter_init_all(&it);
        its_store_iter_init_all(NULL);
        for (size_t i = 0; i < 6; i++) {
            assert_int_equal(its_store_iter_next(&f->st, &it, &key), PSA_SUCCESS);
            assert_true(key == all[i]);
        }
        assert_int_equal(its_store_iter_next(&f->st, &it, &key),
                         PSA_ERROR_DOES_NOT_EXIST);
    }
    assert_int_equal(its_store_remove(&f->st, UINT64_MAX), PSA_SUCCESS);
    its_store_iter_init(&it, 7);
    assert_int_equal(its_store_iter_next(&f->st, &it, &key),
                     PSA_ERROR_DOES_NOT_EXIST);

    assert_int_equal(its_store_usage(&f->st, &u), PSA_SUCCESS);
    assert_int_equal(u.objects, 5);
    assert_int_equal(u.max_objects, cfg.max_objects);
    assert_int_equal(u.data_bytes, 0 + 2 + 3 + 4 + 5);
    assert_int_equal(u.used_bytes, 5 * 40 + 0 + 4 + 4 + 4 + 8);
    assert_int_equal(u.capacity_bytes,
                     (NS - 1) * (SS - 48 - its_store_footprint(100)));
    assert_int_equal(u.free_bytes, u.capacity_bytes - u.used_bytes);
    assert_int_equal(its_store_owner_usage(&f->st, 1, &objs, &data, &used),
                     PSA_SUCCESS);
    assert_int_equal(objs, 2);
    assert_int_equal(data, 0 + 2);
    assert_int_equal(used, 80 + 0 + 4);
    assert_int_equal(its_store_footprint(0), 40);
    assert_int_equal(its_store_footprint(1), 44);
    assert_int_equal(its_store_footprint(4), 44);
}

/* ---- full store and compaction --------------------------------------- */

static void test_full_store_keeps_everything(void **state)
{
    struct fixture *f = *state;
    struct its_store_usage u;
    uint8_t buf[100];
    uint64_t k = 0;
    psa_status_t ps;
    /* Fill with 60-byte values until refused for lack of bytes (before
     * max_objects is reached). */
    for (;;) {
        fill(buf, 60, (unsigned)k);
        ps = its_store_set(&f->st, k, 0, buf, 60);
        if (ps != PSA_SUCCESS)
            break;
        k++;
    }
    assert_int_equal(ps, PSA_ERROR_INSUFFICIENT_STORAGE);
    assert_true(k >= 1 && k < cfg.max_objects);
    assert_int_equal(its_store_usage(&f->st, &u), PSA_SUCCESS);
    assert_true(u.free_bytes < its_store_footprint(60));
    for (uint64_t i = 0; i < k; i++)
        check_value(&f->st, i, 60, (unsigned)i);
    /* Overwrites of the existing objects cycle the GC; one that does not
     * fit beside its old value is refused and leaves the old value. */
    unsigned cur[64];
    assert_true(k <= 64);
    for (uint64_t i = 0; i < k; i++)
        cur[i] = (unsigned)i;
    assert_int_equal(its_store_usage(&f->st, &u), PSA_SUCCESS);
    for (unsigned round = 1; round <= 20; round++)
        for (uint64_t i = 0; i < k; i++) {
            fill(buf, 60, (unsigned)(i + 100 * round));
            ps = its_store_set(&f->st, i, 0, buf, 60);
            if (ps == PSA_SUCCESS)
                cur[i] = (unsigned)(i + 100 * round);
            else
                assert_int_equal(ps, PSA_ERROR_INSUFFICIENT_STORAGE);
            check_value(&f->st, i, 60, cur[i]);
        }
    reopen(f);
    struct its_store_usage u2;
    assert_int_equal(its_store_usage(&f->st, &u2), PSA_SUCCESS);
    assert_int_equal(u2.objects, k);
    assert_int_equal(u2.used_bytes, u.used_bytes);
    for (uint64_t i = 0; i < k; i++)
        check_value(&f->st, i, 60, cur[i]);
    /* Removing frees room for a new object. */
    assert_int_equal(its_store_remove(&f->st, 0), PSA_SUCCESS);
    assert_int_equal(its_store_set(&f->st, 1000, 0, buf, 60), PSA_SUCCESS);
    reopen(f);
    assert_int_equal(its_store_get_info(&f->st, 1000, NULL, NULL),
                     PSA_SUCCESS);
}

static void test_max_objects(void **state)
{
    struct fixture *f = *state;
    uint64_t n = cfg.max_objects;
    for (uint64_t k = 0; k < n; k++)
        assert_int_equal(its_store_set(&f->st, k, 0, "a", 1), PSA_SUCCESS);
    assert_int_equal(its_store_set(&f->st, n, 0, "a", 1),
                     PSA_ERROR_INSUFFICIENT_STORAGE);
    /* Overwrite of an existing key is still allowed. */
    assert_int_equal(its_store_set(&f->st, n - 1, 0, "bb", 2), PSA_SUCCESS);
    assert_int_equal(its_store_get_info(&f->st, n, NULL, NULL),
                     PSA_ERROR_DOES_NOT_EXIST);
    reopen(f);
    assert_int_equal(its_store_set(&f->st, n, 0, "a", 1),
                     PSA_ERROR_INSUFFICIENT_STORAGE);
}

static void test_many_gc_cycles(void **state)
{
    struct fixture *f = *state;
    uint8_t buf[100];
    unsigned model[8];
    size_t sizes[8];
    for (unsigned i = 0; i < 8; i++)
        model[i] = ~0u;
    for (unsigned op = 0; op < 600; op++) {
        unsigned k = (op * 5u + op / 7u) % 8u;
        if (op % 11u == 3u && model[k] != ~0u) {
            assert_int_equal(its_store_remove(&f->st, k), PSA_SUCCESS);
            model[k] = ~0u;
            continue;
        }
        sizes[k] = (op * 13u) % 40u;
        fill(buf, sizes[k], op);
        assert_int_equal(its_store_set(&f->st, k, op, buf, sizes[k]),
                         PSA_SUCCESS);
        model[k] = op;
        if (op % 97u == 0)
            reopen(f);
    }
    reopen(f);
    for (unsigned k = 0; k < 8; k++) {
        if (model[k] == ~0u) {
            assert_int_equal(its_store_get_info(&f->st, k, NULL, NULL),
                             PSA_ERROR_DOES_NOT_EXIST);
        } else {
            uint32_t flags;
            check_value(&f->st, k, sizes[k], model[k]);
            assert_int_equal(its_store_get_info(&f->st, k, NULL, &flags),
                             PSA_SUCCESS);
            assert_int_equal(flags, model[k]);
        }
    }
    assert_true(f->rf.ops > 600); /* erases happened */
}

/* ---- bit flips ---------------------------------------------------------- */

/* Address of the first record of sector 0. */
#define REC0 ITS_SECTOR_HDR_SIZE

static void test_flip_in_data_detected(void **state)
{
    struct fixture *f = *state;
    uint8_t buf[100];
    size_t len = 1234;
    fill(buf, 50, 1);
    assert_int_equal(its_store_set(&f->st, 1, 0, buf, 50), PSA_SUCCESS);
    assert_int_equal(its_store_set(&f->st, 2, 0, buf, 50), PSA_SUCCESS);
    /* A flip in key 1's value while the store is open. */
    its_ram_flash_flip_bit(&f->rf, REC0 + ITS_RECORD_HDR_SIZE + 17, 2);
    memset(buf, 0x55, sizeof(buf));
    assert_int_equal(its_store_get(&f->st, 1, 0, 100, buf, &len),
                     PSA_ERROR_DATA_CORRUPT);
    for (size_t i = 0; i < 50; i++)
        assert_int_equal(buf[i], 0); /* nothing of the value returned */
    assert_int_equal(len, 1234);
    /* Even a slice that avoids the flipped byte is refused. */
    assert_int_equal(its_store_get(&f->st, 1, 0, 4, buf, &len),
                     PSA_ERROR_DATA_CORRUPT);
    assert_int_equal(its_store_get_info(&f->st, 1, NULL, NULL), PSA_SUCCESS);
    check_value(&f->st, 2, 50, 1);
    /* Detected again at the next open, and kept through compaction. */
    reopen(f);
    assert_int_equal(its_store_get(&f->st, 1, 0, 100, buf, &len),
                     PSA_ERROR_DATA_CORRUPT);
    for (unsigned i = 0; i < 60; i++)
        assert_int_equal(its_store_set(&f->st, 3, 0, buf, 90), PSA_SUCCESS);
    assert_int_equal(its_store_get(&f->st, 1, 0, 100, buf, &len),
                     PSA_ERROR_DATA_CORRUPT);
    reopen(f);
    assert_int_equal(its_store_get(&f->st, 1, 0, 100, buf, &len),
                     PSA_ERROR_DATA_CORRUPT);
    /* A new value replaces the corrupt one. */
    fill(buf, 10, 9);
    assert_int_equal(its_store_set(&f->st, 1, 0, buf, 10), PSA_SUCCESS);
    check_value(&f->st, 1, 10, 9);
    /* Removal of a corrupt object works too. */
    assert_int_equal(its_store_remove(&f->st, 1), PSA_SUCCESS);
}

static void test_flip_in_record_header_refused(void **state)
{
    struct fixture *f = *state;
    uint8_t buf[50] = {0};
    assert_int_equal(its_store_set(&f->st, 1, 0, buf, 50), PSA_SUCCESS);
    assert_int_equal(its_store_set(&f->st, 2, 0, buf, 50), PSA_SUCCESS);
    its_store_close(&f->st);
    /* Key field of the first record: which object it was is unknown, so
     * no object can be trusted to be current. */
    its_ram_flash_flip_bit(&f->rf, REC0 + 9, 0);
    assert_int_equal(its_store_open(&f->st, &f->rf.flash, &cfg),
                     PSA_ERROR_DATA_CORRUPT);
    assert_non_null(f->st.why);
}

static void test_flip_in_last_record_is_torn(void **state)
{
    /* Documented limit: damage to the very last record cannot be told from
     * a write torn by a power cut, so it is treated as one (old value). */
    struct fixture *f = *state;
    uint8_t buf[50];
    fill(buf, 50, 1);
    assert_int_equal(its_store_set(&f->st, 1, 0, buf, 50), PSA_SUCCESS);
    fill(buf, 50, 2);
    assert_int_equal(its_store_set(&f->st, 1, 0, buf, 50), PSA_SUCCESS);
    its_store_close(&f->st);
    its_ram_flash_flip_bit(&f->rf,
                           REC0 + (uint32_t)its_store_footprint(50) +
                               ITS_RECORD_HDR_SIZE + 3,
                           5);
    assert_int_equal(its_store_open(&f->st, &f->rf.flash, &cfg), PSA_SUCCESS);
    check_value(&f->st, 1, 50, 1);
    /* The sealed tail does not disturb later writes. */
    assert_int_equal(its_store_set(&f->st, 2, 0, buf, 50), PSA_SUCCESS);
    reopen(f);
    check_value(&f->st, 2, 50, 2);
}

static void test_two_damaged_sectors_refused(void **state)
{
    struct fixture *f = *state;
    its_store_close(&f->st);
    memset(f->rf.mem + SS, 0x12, 16);
    memset(f->rf.mem + 2 * SS, 0x34, 16);
    assert_int_equal(its_store_open(&f->st, &f->rf.flash, &cfg),
                     PSA_ERROR_DATA_CORRUPT);
    /* One damaged spare is what an interrupted erase leaves: repaired. */
    memset(f->rf.mem + 2 * SS, 0xFF, 16);
    assert_int_equal(its_store_open(&f->st, &f->rf.flash, &cfg), PSA_SUCCESS);
    for (uint32_t i = 0; i < SS; i++)
        assert_int_equal(f->rf.mem[SS + i], 0xFF);
}


/* ---- crafted images: every refusal of the recovery scan ------------- */

/* Write a sector header as the store would (through the codec). */
static void craft_sector(struct its_ram_flash *rf, uint32_t s, uint32_t seq,
                         uint32_t gc_src, bool done)
{
    uint8_t *p = rf->mem + (size_t)s * SS;
    struct ward_writer w;
    memset(p, 0xFF, SS);
    ward_writer_init(&w, p, ITS_SECTOR_HDR_SIZE);
    ward_put_u32le(&w, ITS_SECTOR_MAGIC);
    ward_put_u16le(&w, ITS_STORE_FORMAT_VERSION);
    ward_put_u16le(&w, ITS_SECTOR_HDR_SIZE);
    ward_put_u32le(&w, SS);
    ward_put_u32le(&w, NS);
    ward_put_u32le(&w, cfg.max_object_size);
    ward_put_u32le(&w, cfg.max_objects);
    ward_put_u32le(&w, seq);
    ward_put_u32le(&w, gc_src);
    ward_put_u32le(&w, 0);
    ward_put_u32le(&w, its_crc32(0, p, ITS_SECTOR_CRC_SPAN));
    ward_put_u32le(&w, done ? ITS_GC_DONE_VALUE : 0xFFFFFFFFu);
    assert_int_equal(ward_writer_finish(&w), PSA_SUCCESS);
}

/* Append a record at *off in sector s; returns nothing, advances *off. */
static void craft_record(struct its_ram_flash *rf, uint32_t s, uint32_t *off,
                         uint32_t kind, uint64_t key, uint64_t seq,
                         const void *data, uint32_t len)
{
    uint8_t *p = rf->mem + (size_t)s * SS + *off;
    struct ward_writer w;
    ward_writer_init(&w, p, ITS_RECORD_HDR_SIZE + len);
    ward_put_u32le(&w, ITS_RECORD_MAGIC);
    ward_put_u32le(&w, kind);
    ward_put_u64le(&w, key);
    ward_put_u64le(&w, seq);
    ward_put_u32le(&w, 0);
    ward_put_u32le(&w, len);
    ward_put_u32le(&w, its_crc32(0, data, len));
    ward_put_u32le(&w, its_crc32(0, p, ITS_RECORD_CRC_SPAN));
    ward_put_bytes(&w, data, len);
    assert_int_equal(ward_writer_finish(&w), PSA_SUCCESS);
    *off += (uint32_t)its_store_footprint(len);
}

/* Open must refuse with status and reason and leave every byte alone. */
static void expect_refused(struct its_ram_flash *rf, psa_status_t status,
                           const char *why)
{
    static uint8_t before[SS * NS];
    struct its_store st;
    memcpy(before, rf->mem, sizeof(before));
    assert_int_equal(its_store_open(&st, &rf->flash, &cfg), status);
    assert_non_null(st.why);
    assert_string_equal(st.why, why);
    assert_memory_equal(before, rf->mem, sizeof(before));
    its_store_close(&st);
}

static void test_crafted_refusals(void **state)
{
    struct its_ram_flash rf;
    uint32_t off;
    (void)state;
    assert_int_equal(its_ram_flash_init(&rf, SS, NS), PSA_SUCCESS);

    craft_sector(&rf, 0, 1, 0, false);
    craft_sector(&rf, 1, 1, 0, false);
    expect_refused(&rf, PSA_ERROR_DATA_CORRUPT,
                   "two sectors with one sequence number");

    craft_sector(&rf, 1, 3, 0, false);
    expect_refused(&rf, PSA_ERROR_DATA_CORRUPT, "a data sector is missing");

    for (uint32_t s = 0; s < NS; s++)
        craft_sector(&rf, s, s + 1, 0, false);
    expect_refused(&rf, PSA_ERROR_DATA_CORRUPT, "no spare sector");

    its_flash_erase_all(&rf.flash);
    craft_sector(&rf, 0, 1, 0, false);
    craft_sector(&rf, 1, 2, 2, false);
    expect_refused(&rf, PSA_ERROR_DATA_CORRUPT,
                   "compaction source newer than its target");

    its_flash_erase_all(&rf.flash);
    craft_sector(&rf, 1, 2, 1, false);
    expect_refused(&rf, PSA_ERROR_DATA_CORRUPT,
                   "unfinished compaction without its source");

    its_flash_erase_all(&rf.flash);
    craft_sector(&rf, 0, 1, 0, false);
    off = ITS_SECTOR_HDR_SIZE;
    craft_record(&rf, 0, &off, ITS_RECORD_SET, 5, 10, "new", 3);
    craft_record(&rf, 0, &off, ITS_RECORD_SET, 5, 9, "old", 3);
    expect_refused(&rf, PSA_ERROR_DATA_CORRUPT,
                   "record older than the one it replaces");

    its_flash_erase_all(&rf.flash);
    craft_sector(&rf, 0, 1, 0, false);
    craft_sector(&rf, 1, 2, 0, false);
    off = ITS_SECTOR_HDR_SIZE;
    for (uint32_t k = 0; k < 11; k++)
        craft_record(&rf, 0, &off, ITS_RECORD_SET, k, k + 1, NULL, 0);
    off = ITS_SECTOR_HDR_SIZE;
    for (uint32_t k = 11; k < cfg.max_objects + 1; k++)
        craft_record(&rf, 1, &off, ITS_RECORD_SET, k, k + 1, NULL, 0);
    expect_refused(&rf, PSA_ERROR_DATA_CORRUPT,
                   "more live objects than max_objects");

    /* Stray bytes after the end of an older sector's log. */
    its_flash_erase_all(&rf.flash);
    craft_sector(&rf, 0, 1, 0, false);
    craft_sector(&rf, 1, 2, 0, false);
    off = ITS_SECTOR_HDR_SIZE;
    craft_record(&rf, 0, &off, ITS_RECORD_SET, 1, 1, "abc", 3);
    rf.mem[SS - 7] = 0x7E;
    expect_refused(&rf, PSA_ERROR_DATA_CORRUPT,
                   "a committed record header fails its check");
    /* The same stray bytes in the newest sector are a torn tail: sealed. */
    struct its_store st;
    rf.mem[SS - 7] = 0xFF;
    rf.mem[2 * SS - 7] = 0x7E;
    assert_int_equal(its_store_open(&st, &rf.flash, &cfg), PSA_SUCCESS);
    assert_int_equal(rf.mem[2 * SS - 7], 0);
    assert_int_equal(its_store_get_info(&st, 1, NULL, NULL), PSA_SUCCESS);
    its_store_close(&st);
    assert_int_equal(rf.nor_violations, 0);
    its_ram_flash_free(&rf);
}

/* An interrupted compaction, both ways, built by hand. */
static void test_crafted_compaction(void **state)
{
    struct its_ram_flash rf;
    struct its_store st;
    uint32_t off;
    size_t len;
    uint8_t buf[8];
    (void)state;
    assert_int_equal(its_ram_flash_init(&rf, SS, NS), PSA_SUCCESS);
    for (int done = 0; done <= 1; done++) {
        its_flash_erase_all(&rf.flash);
        craft_sector(&rf, 0, 1, 0, false);
        off = ITS_SECTOR_HDR_SIZE;
        craft_record(&rf, 0, &off, ITS_RECORD_SET, 7, 1, "old", 3);
        craft_record(&rf, 0, &off, ITS_RECORD_SET, 8, 2, "val", 3);
        craft_sector(&rf, 1, 2, 0, false);
        off = ITS_SECTOR_HDR_SIZE;
        craft_record(&rf, 1, &off, ITS_RECORD_SET, 7, 3, "new", 3);
        /* Sector 2 compacts sector 0: key 8 copied, key 7 not (stale). */
        craft_sector(&rf, 2, 3, 1, done != 0);
        off = ITS_SECTOR_HDR_SIZE;
        craft_record(&rf, 2, &off, ITS_RECORD_SET, 8, 2, "val", 3);
        assert_int_equal(its_store_open(&st, &rf.flash, &cfg), PSA_SUCCESS);
        /* Done: the source is erased. Not done: the copy is. */
        for (uint32_t i = 0; i < SS; i++)
            assert_int_equal(rf.mem[(done ? 0 : 2) * SS + i], 0xFF);
        assert_int_equal(its_store_get(&st, 7, 0, 8, buf, &len),
                         PSA_SUCCESS);
        assert_memory_equal(buf, "new", 3);
        assert_int_equal(its_store_get(&st, 8, 0, 8, buf, &len),
                         PSA_SUCCESS);
        assert_memory_equal(buf, "val", 3);
        its_store_close(&st);
    }
    assert_int_equal(rf.nor_violations, 0);
    its_ram_flash_free(&rf);
}


static void test_cut_during_format(void **state)
{
    struct its_ram_flash rf;
    struct its_store st;
    (void)state;
    assert_int_equal(its_ram_flash_init(&rf, SS, NS), PSA_SUCCESS);
    its_ram_flash_cut_after(&rf, 0, ITS_RAM_CUT_HALF);
    assert_int_equal(its_store_format(&rf.flash, &cfg),
                     PSA_ERROR_STORAGE_FAILURE);
    its_ram_flash_power_on(&rf);
    /* Half a header: refused, never silently reformatted. */
    psa_status_t ps = its_store_open(&st, &rf.flash, &cfg);
    assert_true(ps == PSA_ERROR_DATA_CORRUPT ||
                ps == PSA_ERROR_STORAGE_FAILURE);
    assert_int_equal(its_store_format(&rf.flash, &cfg),
                     PSA_ERROR_ALREADY_EXISTS);
    assert_int_equal(its_flash_erase_all(&rf.flash), PSA_SUCCESS);
    assert_int_equal(its_store_format(&rf.flash, &cfg), PSA_SUCCESS);
    assert_int_equal(its_store_open(&st, &rf.flash, &cfg), PSA_SUCCESS);
    its_store_close(&st);
    its_ram_flash_free(&rf);
}

/* The crash model itself: what a crash keeps is what the seed says. */
static void test_crashsim_model(void **state)
{
    struct its_crashsim_flash cf;
    const uint8_t a = 0xA5, b = 0x5A;
    uint8_t got[2];
    (void)state;
    assert_int_equal(its_crashsim_init(&cf, 4096, 4), PSA_SUCCESS);
    for (uint64_t seed = 0; seed < 2; seed++) {
        assert_int_equal(cf.flash.program(cf.flash.ctx, 0, &a, 1), PSA_SUCCESS);
        assert_int_equal(cf.flash.sync(cf.flash.ctx), PSA_SUCCESS); /* durable */
        assert_int_equal(cf.flash.program(cf.flash.ctx, 1, &b, 1), PSA_SUCCESS);
        assert_int_equal(cf.flash.program(cf.flash.ctx, 3 * 4096, &b, 1),
                         PSA_SUCCESS);
        its_crashsim_crash_at(&cf, cf.syncs, seed);
        assert_int_equal(cf.flash.sync(cf.flash.ctx), PSA_ERROR_STORAGE_FAILURE);
        assert_int_equal(cf.flash.read(cf.flash.ctx, 0, got, 1),
                         PSA_ERROR_STORAGE_FAILURE);
        its_crashsim_power_on(&cf);
        assert_int_equal(cf.flash.read(cf.flash.ctx, 0, got, 2), PSA_SUCCESS);
        assert_int_equal(got[0], a);
        assert_int_equal(got[1], seed == 1 ? b : 0xFF);
        assert_int_equal(cf.flash.read(cf.flash.ctx, 3 * 4096, got, 1),
                         PSA_SUCCESS);
        assert_int_equal(got[0], seed == 1 ? b : 0xFF);
        assert_int_equal(cf.flash.erase(cf.flash.ctx, 0), PSA_SUCCESS);
        assert_int_equal(cf.flash.erase(cf.flash.ctx, 3), PSA_SUCCESS);
        assert_int_equal(cf.flash.sync(cf.flash.ctx), PSA_SUCCESS);
    }
    /* Random subsets: some seed keeps some pages and drops others. */
    bool mixed = false;
    for (uint64_t seed = 2; seed < 18 && !mixed; seed++) {
        unsigned kept = 0;
        for (uint32_t p = 0; p < 4; p++) {
            assert_int_equal(cf.flash.erase(cf.flash.ctx, p), PSA_SUCCESS);
            assert_int_equal(cf.flash.sync(cf.flash.ctx), PSA_SUCCESS);
            assert_int_equal(cf.flash.program(cf.flash.ctx, p * 4096, &a, 1),
                             PSA_SUCCESS);
        }
        its_crashsim_crash_at(&cf, cf.syncs, seed);
        assert_int_equal(cf.flash.sync(cf.flash.ctx),
                         PSA_ERROR_STORAGE_FAILURE);
        its_crashsim_power_on(&cf);
        for (uint32_t p = 0; p < 4; p++) {
            assert_int_equal(cf.flash.read(cf.flash.ctx, p * 4096, got, 1),
                             PSA_SUCCESS);
            kept += got[0] == a;
        }
        mixed = kept > 0 && kept < 4;
    }
    assert_true(mixed);
    assert_int_equal(cf.flash.erase(cf.flash.ctx, 4), PSA_ERROR_INVALID_ARGUMENT);
    its_crashsim_free(&cf);
}

/* ---- medium errors ----------------------------------------------------- */

static void test_io_errors(void **state)
{
    struct fixture *f = *state;
    uint8_t buf[10] = {0};
    size_t len;
    assert_int_equal(its_store_set(&f->st, 1, 0, buf, 10), PSA_SUCCESS);
    f->rf.fail_reads = true;
    assert_int_equal(its_store_get(&f->st, 1, 0, 10, buf, &len),
                     PSA_ERROR_STORAGE_FAILURE);
    its_store_close(&f->st);
    assert_int_equal(its_store_open(&f->st, &f->rf.flash, &cfg),
                     PSA_ERROR_STORAGE_FAILURE);
    assert_int_equal(its_store_format(&f->rf.flash, &cfg),
                     PSA_ERROR_STORAGE_FAILURE);
    f->rf.fail_reads = false;
    reopen(f);
    /* A failing program: the set fails and the store refuses until reopened. */
    its_ram_flash_cut_after(&f->rf, 0, ITS_RAM_CUT_NOTHING);
    assert_int_equal(its_store_set(&f->st, 2, 0, buf, 10),
                     PSA_ERROR_STORAGE_FAILURE);
    its_ram_flash_power_on(&f->rf);
    assert_int_equal(its_store_set(&f->st, 3, 0, buf, 10),
                     PSA_ERROR_STORAGE_FAILURE);
    assert_int_equal(its_store_remove(&f->st, 1), PSA_ERROR_STORAGE_FAILURE);
    assert_int_equal(its_store_get(&f->st, 1, 0, 10, buf, &len),
                     PSA_ERROR_STORAGE_FAILURE);
    reopen(f);
    assert_int_equal(its_store_get(&f->st, 1, 0, 10, buf, &len), PSA_SUCCESS);
    assert_int_equal(its_store_get_info(&f->st, 2, NULL, NULL),
                     PSA_ERROR_DOES_NOT_EXIST);
    /* Failing remove. */
    its_ram_flash_cut_after(&f->rf, 0, ITS_RAM_CUT_DONE);
    assert_int_equal(its_store_remove(&f->st, 1), PSA_ERROR_STORAGE_FAILURE);
    its_ram_flash_power_on(&f->rf);
    assert_int_equal(its_flash_erase_all(&f->rf.flash), PSA_SUCCESS);
    its_ram_flash_cut_after(&f->rf, 0, ITS_RAM_CUT_NOTHING);
    assert_int_equal(its_store_format(&f->rf.flash, &cfg),
                     PSA_ERROR_STORAGE_FAILURE);
    its_ram_flash_power_on(&f->rf);
}

static void test_nor_rule_enforced(void **state)
{
    struct fixture *f = *state;
    const uint8_t zero = 0x00, one = 0xFF;
    (void)f;
    struct its_ram_flash rf;
    assert_int_equal(its_ram_flash_init(&rf, SS, NS), PSA_SUCCESS);
    assert_int_equal(rf.flash.program(rf.flash.ctx, 10, &zero, 1),
                     PSA_SUCCESS);
    assert_int_equal(rf.flash.program(rf.flash.ctx, 10, &one, 1),
                     PSA_ERROR_STORAGE_FAILURE);
    assert_int_equal(rf.nor_violations, 1);
    assert_int_equal(rf.flash.program(rf.flash.ctx, SS * NS, &zero, 1),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(rf.flash.read(rf.flash.ctx, SS * NS - 1, NULL, 2),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(rf.flash.erase(rf.flash.ctx, NS),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(rf.flash.erase(rf.flash.ctx, 0), PSA_SUCCESS);
    assert_int_equal(rf.flash.program(rf.flash.ctx, 10, &one, 1),
                     PSA_SUCCESS);
    its_ram_flash_free(&rf);
}

static void test_crc32c(void **state)
{
    static uint8_t buf[1000];
    (void)state;
    assert_int_equal(its_crc32(0, "123456789", 9), 0xE3069283u);
    assert_int_equal(its_crc32_soft(0, "123456789", 9), 0xE3069283u);
    assert_int_equal(its_crc32(0, NULL, 0), 0);
    fill(buf, sizeof(buf), 3);
    for (size_t n = 0; n < sizeof(buf); n += 37) {
        uint32_t whole = its_crc32(0, buf, n);
        assert_int_equal(whole, its_crc32_soft(0, buf, n));
        /* Chained in two parts at an odd split gives the same. */
        assert_int_equal(its_crc32(its_crc32(0, buf, n / 3), buf + n / 3,
                                   n - n / 3),
                         whole);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc32c),
        cmocka_unit_test(test_open_blank_does_not_exist),
        cmocka_unit_test(test_crafted_refusals),
        cmocka_unit_test(test_crafted_compaction),
        cmocka_unit_test(test_cut_during_format),
        cmocka_unit_test(test_crashsim_model),
        cmocka_unit_test(test_bad_geometry),
        cmocka_unit_test_setup_teardown(test_format_refuses_nonblank, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_foreign_magic_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_version_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_geometry_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_damaged_header_corrupt, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_set_get_basic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zero_length, setup, teardown),
        cmocka_unit_test_setup_teardown(test_argument_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove, setup, teardown),
        cmocka_unit_test_setup_teardown(test_iterate_and_usage, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_full_store_keeps_everything,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_max_objects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_gc_cycles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flip_in_data_detected, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_flip_in_record_header_refused,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_flip_in_last_record_is_torn,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_damaged_sectors_refused,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_io_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nor_rule_enforced, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
