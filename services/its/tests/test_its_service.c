/*
 * test_its_service.c: the ITS service logic on the RAM flash: namespaces
 * and the uid map across a reopen, WRITE_ONCE and provisioning, quotas,
 * media errors (DATA_CORRUPT, STORAGE_FAILURE), records of another layout,
 * and the its.conf parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "its_service.h"
#include "ward_codec.h"
#include "ward_test_env.h"

struct fixture {
    struct its_ram_flash rf;
    struct its_store st;
    struct its_service s;
};

static const struct its_store_config cfg = {ITS_RECORD_MAX, 64};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    if (f == NULL ||
        its_ram_flash_init(&f->rf, ITS_SECTOR_SIZE / 4, 8) != PSA_SUCCESS ||
        its_store_format(&f->rf.flash, &cfg) != PSA_SUCCESS ||
        its_store_open(&f->st, &f->rf.flash, &cfg) != PSA_SUCCESS ||
        its_service_init(&f->s, &f->st, NULL) != PSA_SUCCESS)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    its_service_fini(&f->s);
    its_store_close(&f->st);
    its_ram_flash_free(&f->rf);
    free(f);
    return 0;
}

/* Close and reopen store and service (a restart). */
static psa_status_t reopen(struct fixture *f, const struct its_quota_config *q)
{
    its_service_fini(&f->s);
    its_store_close(&f->st);
    its_ram_flash_power_on(&f->rf);
    psa_status_t rc = its_store_open(&f->st, &f->rf.flash, &cfg);
    if (rc != PSA_SUCCESS)
        return rc;
    return its_service_init(&f->s, &f->st, q);
}

static void expect(struct fixture *f, int32_t c, uint64_t uid, const char *v)
{
    char got[64];
    size_t n;
    assert_int_equal(its_service_get(&f->s, c, uid, 0, sizeof(got), got, &n), PSA_SUCCESS);
    assert_int_equal(n, strlen(v));
    assert_memory_equal(got, v, n);
}

static void test_namespaces_survive_reopen(void **state)
{
    struct fixture *f = *state;
    uint64_t uids[8], cap, size;
    uint32_t flags;
    size_t n;
    /* Same uid for three clients, and uids sharing halves. */
    assert_int_equal(its_service_set(&f->s, -1, 5, 0, "a", 1, false), PSA_SUCCESS);
    assert_int_equal(its_service_set(&f->s, -2, 5, 0, "bb", 2, false), PSA_SUCCESS);
    assert_int_equal(its_service_set(&f->s, 300, 5, 0, "ccc", 3, false), PSA_SUCCESS);
    assert_int_equal(its_service_set(&f->s, -1, 5ull << 32, 0, "d", 1, false), PSA_SUCCESS);
    assert_int_equal(its_service_set(&f->s, -1, UINT64_MAX, 0, "e", 1, false), PSA_SUCCESS);
    assert_int_equal(reopen(f, NULL), PSA_SUCCESS);
    expect(f, -1, 5, "a");
    expect(f, -2, 5, "bb");
    expect(f, 300, 5, "ccc");
    expect(f, -1, 5ull << 32, "d");
    expect(f, -1, UINT64_MAX, "e");
    assert_int_equal(its_service_get_info(&f->s, -3, 5, &cap, &size, &flags),
                     PSA_ERROR_DOES_NOT_EXIST);
    assert_int_equal(its_service_list(&f->s, -1, 0, uids, 8, &n), PSA_SUCCESS);
    assert_int_equal(n, 3);
    assert_true(uids[0] == 5 && uids[1] == 5ull << 32 && uids[2] == UINT64_MAX);
    assert_int_equal(its_service_list(&f->s, -2, 0, uids, 8, &n), PSA_SUCCESS);
    assert_int_equal(n, 1);
    assert_int_equal(its_service_remove(&f->s, -2, 5, false), PSA_SUCCESS);
    expect(f, -1, 5, "a");
    expect(f, 300, 5, "ccc");
    assert_int_equal(reopen(f, NULL), PSA_SUCCESS);
    assert_int_equal(its_service_remove(&f->s, -2, 5, false), PSA_ERROR_DOES_NOT_EXIST);
}

static void test_write_once_and_provisioning(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(its_service_set(&f->s, -1, 9, PSA_STORAGE_FLAG_WRITE_ONCE, "w", 1, false),
                     PSA_SUCCESS);
    assert_int_equal(its_service_set(&f->s, -1, 9, 0, "x", 1, false), PSA_ERROR_NOT_PERMITTED);
    assert_int_equal(its_service_remove(&f->s, -1, 9, false), PSA_ERROR_NOT_PERMITTED);
    assert_int_equal(its_service_set(&f->s, -1, 9, 0, "x", 1, true), PSA_SUCCESS);
    expect(f, -1, 9, "x");
    assert_int_equal(its_service_set(&f->s, -1, 9, PSA_STORAGE_FLAG_WRITE_ONCE, "y", 1, true),
                     PSA_SUCCESS);
    assert_int_equal(its_service_remove(&f->s, -1, 9, true), PSA_SUCCESS);
}

static void test_quota(void **state)
{
    struct fixture *f = *state;
    struct its_quota_config q;
    its_quota_defaults(&q);
    q.applications.max_objects = 2;
    q.applications.max_bytes = 10;
    q.clients[0].client_id = -7;
    q.clients[0].q.max_objects = 0;
    q.clients[0].q.max_bytes = 0;
    q.nclients = 1;
    assert_int_equal(reopen(f, &q), PSA_SUCCESS);
    assert_int_equal(its_service_set(&f->s, -1, 1, 0, "12345", 5, false), PSA_SUCCESS);
    assert_int_equal(its_service_set(&f->s, -1, 2, 0, "12345", 5, false), PSA_SUCCESS);
    assert_int_equal(its_service_set(&f->s, -1, 3, 0, "", 0, false),
                     PSA_ERROR_INSUFFICIENT_STORAGE);
    assert_int_equal(its_service_set(&f->s, -1, 2, 0, "123456", 6, false),
                     PSA_ERROR_INSUFFICIENT_STORAGE);
    expect(f, -1, 2, "12345");
    assert_int_equal(its_service_set(&f->s, -1, 2, 0, "1234", 4, false), PSA_SUCCESS);
    /* Another client and a partition are not affected. */
    assert_int_equal(its_service_set(&f->s, -2, 1, 0, "12345", 5, false), PSA_SUCCESS);
    assert_int_equal(its_service_set(&f->s, 300, 1, 0, "12345678901", 11, false), PSA_SUCCESS);
    /* A client listed with nothing gets nothing. */
    assert_int_equal(its_service_set(&f->s, -7, 1, 0, "", 0, false),
                     PSA_ERROR_INSUFFICIENT_STORAGE);
}

static void test_argument_errors(void **state)
{
    struct fixture *f = *state;
    uint8_t big[ITS_MAX_ASSET_SIZE + 1] = {0};
    uint64_t cap, size, uids[1];
    uint32_t flags;
    size_t n;
    assert_int_equal(its_service_set(&f->s, -1, 0, 0, "a", 1, false), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_service_set(&f->s, -1, 1, 8, "a", 1, false), PSA_ERROR_NOT_SUPPORTED);
    assert_int_equal(its_service_set(&f->s, -1, 1, 0, NULL, 1, false), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_service_set(&f->s, -1, 1, 0, big, sizeof(big), false),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_service_get(&f->s, -1, 0, 0, 1, big, &n), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_service_get(&f->s, -1, 1, 0, 1, NULL, &n), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_service_get(&f->s, -1, 1, 0, 1, big, NULL), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_service_get_info(&f->s, -1, 0, &cap, &size, &flags),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_service_remove(&f->s, -1, 0, false), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_service_list(&f->s, -1, 0, NULL, 1, &n), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_service_list(&f->s, -1, 0, uids, 1, NULL), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_service_set(&f->s, -1, 1, 0, "abc", 3, false), PSA_SUCCESS);
    assert_int_equal(its_service_get(&f->s, -1, 1, 4, 1, big, &n), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_service_get(&f->s, -1, 1, UINT64_MAX, 1, big, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_service_get(&f->s, -1, 1, 3, 1, big, &n), PSA_SUCCESS);
    assert_int_equal(n, 0);
}

/* A bit flip in a value: get says DATA_CORRUPT, get_info still answers. A
 * flip inside a record's uid prefix (not the log's last record): that
 * client's unknown uids answer DATA_CORRUPT, other clients are not
 * affected, and a set still works. */
static void test_damaged_values(void **state)
{
    struct fixture *f = *state;
    uint64_t cap, size, uids[4];
    uint32_t flags;
    size_t n;
    char got[8];
    assert_int_equal(its_service_set(&f->s, -1, 1, 0, "value-1", 7, false), PSA_SUCCESS);
    assert_int_equal(its_service_set(&f->s, -1, 2, 0, "value-2", 7, false), PSA_SUCCESS);
    assert_int_equal(its_service_set(&f->s, -2, 1, 0, "other", 5, false), PSA_SUCCESS);
    /* Records start at offset 48; the first one's value at 48 + 40: its
     * uid prefix, then the data. Flip a data bit of record 1... */
    its_ram_flash_flip_bit(&f->rf, 48 + 40 + 8 + 2, 1);
    assert_int_equal(its_service_get(&f->s, -1, 1, 0, sizeof(got), got, &n),
                     PSA_ERROR_DATA_CORRUPT);
    assert_int_equal(its_service_get_info(&f->s, -1, 1, &cap, &size, &flags), PSA_SUCCESS);
    assert_int_equal(size, 7);
    /* ...and a reopen can no longer read the uid: unknown to the map. */
    assert_int_equal(reopen(f, NULL), PSA_SUCCESS);
    assert_int_equal(its_service_get(&f->s, -1, 3, 0, sizeof(got), got, &n),
                     PSA_ERROR_DATA_CORRUPT);
    assert_int_equal(its_service_get_info(&f->s, -1, 1, &cap, &size, &flags),
                     PSA_ERROR_DATA_CORRUPT);
    assert_int_equal(its_service_remove(&f->s, -1, 1, false), PSA_ERROR_DATA_CORRUPT);
    assert_int_equal(its_service_list(&f->s, -1, 0, uids, 4, &n), PSA_ERROR_DATA_CORRUPT);
    expect(f, -1, 2, "value-2");
    expect(f, -2, 1, "other");
    assert_int_equal(its_service_list(&f->s, -2, 0, uids, 4, &n), PSA_SUCCESS);
    assert_int_equal(n, 1);
    assert_int_equal(its_service_set(&f->s, -1, 1, 0, "new", 3, false), PSA_SUCCESS);
    expect(f, -1, 1, "new");
}

static void test_media_error(void **state)
{
    struct fixture *f = *state;
    uint64_t cap, size;
    uint32_t flags;
    assert_int_equal(its_service_set(&f->s, -1, 1, 0, "old", 3, false), PSA_SUCCESS);
    /* Cut the power at the next program: the set fails, and everything
     * after answers STORAGE_FAILURE until a restart settles it. */
    its_ram_flash_cut_after(&f->rf, 0, ITS_RAM_CUT_HALF);
    assert_int_equal(its_service_set(&f->s, -1, 1, 0, "new", 3, false),
                     PSA_ERROR_STORAGE_FAILURE);
    assert_int_equal(its_service_get_info(&f->s, -1, 1, &cap, &size, &flags),
                     PSA_ERROR_STORAGE_FAILURE);
    assert_int_equal(reopen(f, NULL), PSA_SUCCESS);
    char got[8];
    size_t n;
    assert_int_equal(its_service_get(&f->s, -1, 1, 0, sizeof(got), got, &n), PSA_SUCCESS);
    assert_true((n == 3 && memcmp(got, "old", 3) == 0) || (n == 3 && memcmp(got, "new", 3) == 0));
}

/* A record that is not of this layout (another writer, a later version):
 * refused as a whole, never reinterpreted. */
static void test_foreign_record(void **state)
{
    struct fixture *f = *state;
    uint64_t cap, size;
    uint32_t flags;
    assert_int_equal(its_store_set(&f->st, 0xFFFFFFFF00000001ull, 0, "12345678", 8),
                     PSA_SUCCESS);
    assert_int_equal(reopen(f, NULL), PSA_ERROR_STORAGE_FAILURE);
    assert_int_equal(its_service_get_info(&f->s, -1, 1, &cap, &size, &flags),
                     PSA_ERROR_STORAGE_FAILURE);
    assert_int_equal(its_service_set(&f->s, -1, 1, 0, "x", 1, false), PSA_ERROR_STORAGE_FAILURE);
    /* Two records claiming one uid: DATA_CORRUPT. */
    uint8_t v[8];
    ward_store_u64le(v, 5);
    assert_int_equal(its_store_remove(&f->st, 0xFFFFFFFF00000001ull), PSA_SUCCESS);
    assert_int_equal(its_store_set(&f->st, 0xFFFFFFFF00000001ull, ITS_RECORD_TAG, v, 8),
                     PSA_SUCCESS);
    assert_int_equal(its_store_set(&f->st, 0xFFFFFFFF00000002ull, ITS_RECORD_TAG, v, 8),
                     PSA_SUCCESS);
    assert_int_equal(reopen(f, NULL), PSA_ERROR_DATA_CORRUPT);
    assert_int_equal(its_service_remove(&f->s, -1, 5, false), PSA_ERROR_DATA_CORRUPT);
    /* No store at all. */
    struct its_service none;
    assert_int_equal(its_service_init(&none, NULL, NULL), PSA_ERROR_STORAGE_FAILURE);
    assert_int_equal(its_service_set(&none, -1, 1, 0, "x", 1, false), PSA_ERROR_STORAGE_FAILURE);
    its_service_fini(&none);
}

static psa_status_t parse(const char *text, unsigned *line)
{
    static struct its_quota_config c;
    const char *why;
    return its_quota_parse(text, strlen(text), &c, line, &why);
}

static void test_quota_parser(void **state)
{
    (void)state;
    struct its_quota_config c;
    unsigned line;
    const char *why;
    const char *good = "# quotas\n\nward-its-quota 1\napplications 8 8192\n"
                       "partitions 100 1000000\nclient -1001 1 2\n\tclient 300 0 0 \n";
    assert_int_equal(its_quota_parse(good, strlen(good), &c, &line, &why), PSA_SUCCESS);
    assert_int_equal(c.applications.max_objects, 8);
    assert_int_equal(c.applications.max_bytes, 8192);
    assert_int_equal(its_quota_for(&c, -1001).max_bytes, 2);
    assert_int_equal(its_quota_for(&c, 300).max_objects, 0);
    assert_int_equal(its_quota_for(&c, 301).max_objects, 100);
    assert_int_equal(its_quota_for(&c, -5).max_objects, 8);
    assert_int_equal(parse("ward-its-quota 1\n", &line), PSA_SUCCESS);
    assert_int_equal(parse("", &line), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(parse("ward-its-quota 2\n", &line), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(parse("ward-its-quota 1\napplications 1\n", &line),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(line, 2);
    assert_int_equal(parse("ward-its-quota 1\napplications 1 2 3\n", &line),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(parse("ward-its-quota 1\napplications 01 2\n", &line),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(parse("ward-its-quota 1\napplications -1 2\n", &line),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(parse("ward-its-quota 1\napplications 65537 2\n", &line),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(parse("ward-its-quota 1\napplications 1 1099511627777\n", &line),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(parse("ward-its-quota 1\napplications 1 99999999999999999999\n", &line),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(parse("ward-its-quota 1\napplications 1 1\napplications 1 1\n", &line),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(parse("ward-its-quota 1\nclient 0 1 1\n", &line), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(parse("ward-its-quota 1\nclient -2147483648 1 1\n", &line), PSA_SUCCESS);
    assert_int_equal(parse("ward-its-quota 1\nclient -2147483649 1 1\n", &line),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(parse("ward-its-quota 1\nclient 2147483648 1 1\n", &line),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(parse("ward-its-quota 1\nclient 5 1 1\nclient 5 1 1\n", &line),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(parse("ward-its-quota 1\r\n", &line), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(parse("ward-its-quota 1\nquota 1 1\n", &line), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(parse("applications 1 1\n", &line), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_quota_parse("ward-its-quota 1\0x", 18, &c, &line, &why),
                     PSA_ERROR_INVALID_ARGUMENT);
    /* Too many clients. */
    static char many[ITS_QUOTA_MAX_FILE];
    size_t k = (size_t)snprintf(many, sizeof(many), "ward-its-quota 1\n");
    for (unsigned i = 1; i <= ITS_QUOTA_MAX_CLIENTS + 1; i++)
        k += (size_t)snprintf(many + k, sizeof(many) - k, "client %u 1 1\n", i);
    assert_int_equal(its_quota_parse(many, k, &c, &line, &why), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(line, ITS_QUOTA_MAX_CLIENTS + 2);
}

static void test_quota_load(void **state)
{
    (void)state;
    struct ward_test_env env;
    struct its_quota_config c;
    char path[WARD_TEST_PATH_MAX];
    unsigned line;
    const char *why;
    assert_int_equal(ward_test_env_setup(&env), 0);
    assert_int_equal(ward_test_env_path(&env, "its.conf", path), 0);
    /* Missing: defaults. */
    assert_int_equal(its_quota_load(path, &c, &line, &why), PSA_SUCCESS);
    assert_int_equal(c.applications.max_objects, 256);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("ward-its-quota 1\napplications 3 4\n", fp);
    fclose(fp);
    assert_int_equal(chmod(path, 0600), 0);
    assert_int_equal(its_quota_load(path, &c, &line, &why), PSA_SUCCESS);
    assert_int_equal(c.applications.max_objects, 3);
    /* Writable by others: refused. */
    assert_int_equal(chmod(path, 0622), 0);
    assert_int_equal(its_quota_load(path, &c, &line, &why), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(chmod(path, 0600), 0);
    /* A symbolic link or a directory: refused. */
    char link[WARD_TEST_PATH_MAX];
    assert_int_equal(ward_test_env_path(&env, "link.conf", link), 0);
    assert_int_equal(symlink(path, link), 0);
    assert_int_equal(its_quota_load(link, &c, &line, &why), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_quota_load(env.state_dir, &c, &line, &why), PSA_ERROR_INVALID_ARGUMENT);
    ward_test_env_teardown(&env);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_namespaces_survive_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_once_and_provisioning, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quota, setup, teardown),
        cmocka_unit_test_setup_teardown(test_argument_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_media_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_record, setup, teardown),
        cmocka_unit_test(test_quota_parser),
        cmocka_unit_test(test_quota_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
