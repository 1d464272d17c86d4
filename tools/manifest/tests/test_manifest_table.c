/*
 * The partition table and headers generated at build time from
 * tools/manifest/tests/good/list.json: the values a partition and the SPM
 * read agree with the manifests, and the macros agree with the table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "partition_desc.h"
#include "psa_manifest/crypto_sp.h"
#include "psa_manifest/pid.h"
#include "psa_manifest/sid.h"
#include "psa_manifest/storage_sp.h"
#include "psa_manifest/test_client_sp.h"

extern const struct ward_partition_table ward_manifest_test_table;

/* The entry points the table names; never called here. */
void crypto_sp_main(void) {}
void storage_sp_main(void) {}
void test_client_sp_main(void) {}

#define TABLE (&ward_manifest_test_table)

/* Service indexes in the table: partitions sorted by id, services in
 * manifest order. */
enum { CRYPTO_HASH_IDX, CRYPTO_KEYS_IDX, STORAGE_ITS_IDX, STORAGE_PS_IDX };
enum { CRYPTO_SP_IDX, STORAGE_SP_IDX, TEST_CLIENT_SP_IDX };

static const struct ward_service_desc *service(size_t i)
{
    assert_true(i < TABLE->service_count);
    return &TABLE->services[i];
}

static const struct ward_partition_desc *partition(size_t i)
{
    assert_true(i < TABLE->partition_count);
    return &TABLE->partitions[i];
}

static void test_table_shape(void **state)
{
    (void)state;
    assert_string_equal(TABLE->name, "ward_manifest_test_table");
    assert_int_equal(TABLE->partition_count, 3);
    assert_int_equal(TABLE->service_count, 4);
}

static void test_sids_and_versions(void **state)
{
    (void)state;
    assert_int_equal(CRYPTO_HASH_SID, 0x100u);
    assert_int_equal(CRYPTO_KEYS_SID, 0x101u);
    assert_int_equal(STORAGE_ITS_SID, 0x70u);
    assert_int_equal(STORAGE_PS_SID, 0x80u);
    assert_int_equal(CRYPTO_HASH_VERSION, 1u);
    assert_int_equal(CRYPTO_KEYS_VERSION, 3u);
    assert_int_equal(STORAGE_ITS_VERSION, 1u);
    assert_int_equal(STORAGE_PS_VERSION, 2u);

    assert_string_equal(service(CRYPTO_HASH_IDX)->name, "CRYPTO_HASH");
    assert_int_equal(service(CRYPTO_HASH_IDX)->sid, CRYPTO_HASH_SID);
    assert_int_equal(service(CRYPTO_KEYS_IDX)->sid, CRYPTO_KEYS_SID);
    assert_int_equal(service(CRYPTO_KEYS_IDX)->version, 3u);
    assert_string_equal(service(STORAGE_PS_IDX)->name, "STORAGE_PS");
    assert_int_equal(service(STORAGE_PS_IDX)->sid, STORAGE_PS_SID);
    assert_int_equal(service(STORAGE_PS_IDX)->version, 2u);
}

static void test_policies_and_clients(void **state)
{
    (void)state;
    /* version_policy omitted means RELAXED */
    assert_int_equal(service(CRYPTO_HASH_IDX)->version_policy,
                     WARD_VERSION_RELAXED);
    assert_int_equal(service(CRYPTO_KEYS_IDX)->version_policy,
                     WARD_VERSION_STRICT);
    assert_int_equal(service(STORAGE_ITS_IDX)->version_policy,
                     WARD_VERSION_STRICT);
    assert_int_equal(service(STORAGE_PS_IDX)->version_policy,
                     WARD_VERSION_RELAXED);
    assert_false(service(CRYPTO_HASH_IDX)->non_secure_clients);
    assert_true(service(CRYPTO_KEYS_IDX)->non_secure_clients);
    assert_true(service(STORAGE_PS_IDX)->non_secure_clients);
}

static void test_signals(void **state)
{
    (void)state;
    assert_int_equal(CRYPTO_HASH_SIGNAL, 1u << 4);
    assert_int_equal(CRYPTO_KEYS_SIGNAL, 1u << 5);
    assert_int_equal(STORAGE_ITS_SIGNAL, 1u << 4);
    assert_int_equal(STORAGE_PS_SIGNAL, 1u << 5);
    assert_int_equal(service(CRYPTO_HASH_IDX)->signal, CRYPTO_HASH_SIGNAL);
    assert_int_equal(service(STORAGE_PS_IDX)->signal, STORAGE_PS_SIGNAL);
    assert_int_equal(partition(CRYPTO_SP_IDX)->service_signals,
                     CRYPTO_HASH_SIGNAL | CRYPTO_KEYS_SIGNAL);
    assert_int_equal(partition(STORAGE_SP_IDX)->service_signals,
                     STORAGE_ITS_SIGNAL | STORAGE_PS_SIGNAL);
    assert_int_equal(partition(TEST_CLIENT_SP_IDX)->service_signals, 0u);
    for (size_t i = 0; i < TABLE->service_count; i++) {
        /* never a reserved bit or the doorbell */
        assert_int_equal(service(i)->signal & 0xFu, 0u);
    }
}

static void test_stateless_handles(void **state)
{
    (void)state;
    /* CRYPTO_HASH: explicit index 1; STORAGE_ITS: "auto", the lowest free */
    assert_false(service(CRYPTO_HASH_IDX)->connection_based);
    assert_int_equal(service(CRYPTO_HASH_IDX)->stateless_index, 1);
    assert_int_equal(CRYPTO_HASH_HANDLE,
                     WARD_STATELESS_HANDLE(1, CRYPTO_HASH_VERSION));
    assert_false(service(STORAGE_ITS_IDX)->connection_based);
    assert_int_equal(service(STORAGE_ITS_IDX)->stateless_index, 2);
    assert_int_equal(STORAGE_ITS_HANDLE,
                     WARD_STATELESS_HANDLE(2, STORAGE_ITS_VERSION));
    assert_true(PSA_HANDLE_IS_VALID(STORAGE_ITS_HANDLE));

    assert_true(service(CRYPTO_KEYS_IDX)->connection_based);
    assert_int_equal(service(CRYPTO_KEYS_IDX)->stateless_index, 0);
    assert_true(service(STORAGE_PS_IDX)->connection_based);
    assert_int_equal(service(STORAGE_PS_IDX)->stateless_index, 0);
}

static void test_partitions_in_id_order(void **state)
{
    (void)state;
    assert_int_equal(CRYPTO_SP_ID, 3);
    assert_int_equal(STORAGE_SP_ID, 4);
    assert_int_equal(TEST_CLIENT_SP_ID, 100);

    const struct ward_partition_desc *crypto = partition(CRYPTO_SP_IDX);
    assert_string_equal(crypto->name, "CRYPTO_SP");
    assert_int_equal(crypto->id, CRYPTO_SP_ID);
    assert_int_equal(crypto->type, WARD_PARTITION_PSA_ROT);
    assert_int_equal(crypto->priority, WARD_PRIORITY_NORMAL);
    assert_ptr_equal(crypto->entry_point, crypto_sp_main);
    assert_int_equal(crypto->stack_size, 4096);
    assert_int_equal(crypto->heap_size, 0x1000);

    const struct ward_partition_desc *storage = partition(STORAGE_SP_IDX);
    assert_string_equal(storage->name, "STORAGE_SP");
    assert_int_equal(storage->id, STORAGE_SP_ID);
    assert_int_equal(storage->priority, WARD_PRIORITY_HIGH);
    assert_ptr_equal(storage->entry_point, storage_sp_main);
    assert_int_equal(storage->stack_size, 0x800);
    assert_int_equal(storage->heap_size, 0);

    const struct ward_partition_desc *client = partition(TEST_CLIENT_SP_IDX);
    assert_string_equal(client->name, "TEST_CLIENT_SP");
    assert_int_equal(client->id, TEST_CLIENT_SP_ID);
    assert_int_equal(client->type, WARD_PARTITION_APPLICATION_ROT);
    assert_int_equal(client->priority, WARD_PRIORITY_LOW);
    assert_ptr_equal(client->entry_point, test_client_sp_main);
}

static void test_services_are_contiguous(void **state)
{
    (void)state;
    size_t next = 0;
    for (size_t p = 0; p < TABLE->partition_count; p++) {
        assert_int_equal(partition(p)->first_service, next);
        for (size_t i = 0; i < partition(p)->service_count; i++) {
            assert_int_equal(service(next + i)->partition, p);
        }
        next += partition(p)->service_count;
    }
    assert_int_equal(next, TABLE->service_count);
    assert_int_equal(partition(CRYPTO_SP_IDX)->service_count, 2);
    assert_int_equal(partition(STORAGE_SP_IDX)->service_count, 2);
    assert_int_equal(partition(TEST_CLIENT_SP_IDX)->service_count, 0);
}

static void test_dependencies(void **state)
{
    (void)state;
    const struct ward_partition_desc *crypto = partition(CRYPTO_SP_IDX);
    assert_int_equal(crypto->dependency_count, 0);
    assert_null(crypto->dependencies);

    const struct ward_partition_desc *storage = partition(STORAGE_SP_IDX);
    assert_int_equal(storage->dependency_count, 1);
    assert_int_equal(storage->dependencies[0], CRYPTO_HASH_IDX);

    /* manifest order: STORAGE_PS, CRYPTO_KEYS, STORAGE_ITS */
    const struct ward_partition_desc *client = partition(TEST_CLIENT_SP_IDX);
    assert_int_equal(client->dependency_count, 3);
    assert_int_equal(client->dependencies[0], STORAGE_PS_IDX);
    assert_int_equal(client->dependencies[1], CRYPTO_KEYS_IDX);
    assert_int_equal(client->dependencies[2], STORAGE_ITS_IDX);
    assert_string_equal(service(client->dependencies[1])->name, "CRYPTO_KEYS");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_shape),
        cmocka_unit_test(test_sids_and_versions),
        cmocka_unit_test(test_policies_and_clients),
        cmocka_unit_test(test_signals),
        cmocka_unit_test(test_stateless_handles),
        cmocka_unit_test(test_partitions_in_id_order),
        cmocka_unit_test(test_services_are_contiguous),
        cmocka_unit_test(test_dependencies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
