/* Key management and policy: creation rules, lifetimes, export, copy,
 * destroy, persistence across a library restart, the persistent record
 * format, owner and session isolation, and the init requirement. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "crypto_test_util.h"
#include "ward_crypto.h"

static const uint8_t k16[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

static void test_bad_state_before_init(void **state)
{
    (void)state;
    struct ward_test_env env;
    assert_int_equal(ward_test_env_setup(&env), 0);
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_key_id_t id;
    uint8_t buf[32];
    size_t n;
    psa_hash_operation_t h = PSA_HASH_OPERATION_INIT;
    psa_set_key_type(&a, PSA_KEY_TYPE_AES);
    assert_int_equal(psa_import_key(&a, k16, 16, &id), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_generate_random(buf, sizeof buf), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_hash_compute(PSA_ALG_SHA_256, buf, 1, buf, 32, &n), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_hash_setup(&h, PSA_ALG_SHA_256), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_destroy_key(1), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_get_key_attributes(1, &a), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_sign_hash(1, PSA_ALG_ECDSA_ANY, buf, 32, buf, 32, &n), PSA_ERROR_BAD_STATE);
    /* Aborting an inactive operation is always fine. */
    assert_int_equal(psa_hash_abort(&h), PSA_SUCCESS);
    assert_int_equal(psa_crypto_init(), PSA_SUCCESS);
    assert_int_equal(psa_crypto_init(), PSA_SUCCESS); /* idempotent */
    assert_int_equal(psa_generate_random(buf, sizeof buf), PSA_SUCCESS);
    assert_int_equal(psa_generate_random(buf, 0), PSA_SUCCESS);
    ward_crypto_local_shutdown();
    assert_int_equal(ward_test_env_teardown(&env), 0);
}

static void test_import_export_attributes(void **state)
{
    (void)state;
    uint8_t out[32];
    size_t n = 99;
    psa_key_id_t id = import_key(PSA_KEY_TYPE_AES, PSA_KEY_USAGE_EXPORT | PSA_KEY_USAGE_SIGN_HASH,
                                 PSA_ALG_CMAC, k16, 16);
    psa_key_attributes_t a;
    assert_int_equal(psa_get_key_attributes(id, &a), PSA_SUCCESS);
    assert_int_equal(psa_get_key_type(&a), PSA_KEY_TYPE_AES);
    assert_int_equal(psa_get_key_bits(&a), 128);
    assert_int_equal(psa_get_key_id(&a), id);
    assert_int_equal(psa_get_key_lifetime(&a), PSA_KEY_LIFETIME_VOLATILE);
    assert_int_equal(psa_get_key_algorithm(&a), PSA_ALG_CMAC);
    /* SIGN_HASH implies SIGN_MESSAGE. */
    assert_int_equal(psa_get_key_usage_flags(&a),
                     PSA_KEY_USAGE_EXPORT | PSA_KEY_USAGE_SIGN_HASH | PSA_KEY_USAGE_SIGN_MESSAGE);
    assert_int_equal(psa_export_key(id, out, 15, &n), PSA_ERROR_BUFFER_TOO_SMALL);
    assert_int_equal(psa_export_key(id, out, sizeof out, &n), PSA_SUCCESS);
    assert_int_equal(n, 16);
    assert_memory_equal(out, k16, 16);
    assert_int_equal(psa_export_public_key(id, out, sizeof out, &n), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_destroy_key(id), PSA_SUCCESS);
    assert_int_equal(psa_export_key(id, out, sizeof out, &n), PSA_ERROR_INVALID_HANDLE);
    assert_int_equal(psa_get_key_attributes(id, &a), PSA_ERROR_INVALID_HANDLE);
    assert_int_equal(psa_get_key_type(&a), 0); /* reset on failure */
    assert_int_equal(psa_destroy_key(id), PSA_ERROR_INVALID_HANDLE);
    assert_int_equal(psa_destroy_key(PSA_KEY_ID_NULL), PSA_SUCCESS);
    assert_int_equal(psa_export_key(0x12345, out, sizeof out, &n), PSA_ERROR_INVALID_HANDLE);
}

static void test_export_needs_usage(void **state)
{
    (void)state;
    uint8_t out[32];
    size_t n;
    psa_key_id_t id = import_key(PSA_KEY_TYPE_HMAC, PSA_KEY_USAGE_COPY, 0, k16, 16);
    assert_int_equal(psa_export_key(id, out, sizeof out, &n), PSA_ERROR_NOT_PERMITTED);
}

static void test_import_rejects(void **state)
{
    (void)state;
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_key_id_t id = 7;
    uint8_t big[2048] = {0};
    psa_set_key_type(&a, PSA_KEY_TYPE_AES);
    assert_int_equal(psa_import_key(&a, k16, 15, &id), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(id, 0);
    assert_int_equal(psa_import_key(&a, k16, 0, &id), PSA_ERROR_INVALID_ARGUMENT);
    psa_set_key_bits(&a, 256);
    assert_int_equal(psa_import_key(&a, k16, 16, &id), PSA_ERROR_INVALID_ARGUMENT);
    psa_set_key_bits(&a, 0);
    psa_set_key_type(&a, PSA_KEY_TYPE_NONE);
    assert_int_equal(psa_import_key(&a, k16, 16, &id), PSA_ERROR_INVALID_ARGUMENT);
    psa_set_key_type(&a, PSA_KEY_TYPE_RAW_DATA);
    assert_int_equal(psa_import_key(&a, k16, 0, &id), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_import_key(&a, big, sizeof big, &id), PSA_ERROR_NOT_SUPPORTED);
    psa_set_key_type(&a, PSA_KEY_TYPE_RSA_PUBLIC_KEY); /* not DER */
    assert_int_equal(psa_import_key(&a, k16, 16, &id), PSA_ERROR_INVALID_ARGUMENT);
    psa_set_key_type(&a, PSA_KEY_TYPE_ARC4);
    assert_int_equal(psa_import_key(&a, k16, 16, &id), PSA_ERROR_NOT_SUPPORTED);
    psa_set_key_type(&a, PSA_KEY_TYPE_CHACHA20);
    assert_int_equal(psa_import_key(&a, k16, 16, &id), PSA_ERROR_INVALID_ARGUMENT);
    psa_set_key_type(&a, PSA_KEY_TYPE_DES);
    assert_int_equal(psa_import_key(&a, k16, 12, &id), PSA_ERROR_INVALID_ARGUMENT);
    /* Usage flags the API does not define. */
    psa_set_key_type(&a, PSA_KEY_TYPE_AES);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_ENCRYPT | 0x00100000);
    assert_int_equal(psa_import_key(&a, k16, 16, &id), PSA_ERROR_INVALID_ARGUMENT);
    /* A public key cannot be generated. */
    psa_set_key_usage_flags(&a, 0);
    psa_set_key_type(&a, PSA_KEY_TYPE_ECC_PUBLIC_KEY(PSA_ECC_FAMILY_SECP_R1));
    psa_set_key_bits(&a, 256);
    assert_int_equal(psa_generate_key(&a, &id), PSA_ERROR_INVALID_ARGUMENT);
}

static void test_lifetime_and_id_rules(void **state)
{
    (void)state;
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_key_id_t id;
    psa_set_key_type(&a, PSA_KEY_TYPE_RAW_DATA);
    /* Volatile with an id. */
    a.lifetime = PSA_KEY_LIFETIME_VOLATILE;
    a.id = 5;
    assert_int_equal(psa_import_key(&a, k16, 16, &id), PSA_ERROR_INVALID_ARGUMENT);
    /* Persistent without an id, or outside the user range. */
    psa_set_key_lifetime(&a, PSA_KEY_LIFETIME_PERSISTENT);
    a.id = 0;
    assert_int_equal(psa_import_key(&a, k16, 16, &id), PSA_ERROR_INVALID_ARGUMENT);
    psa_set_key_id(&a, PSA_KEY_ID_VENDOR_MIN);
    assert_int_equal(psa_import_key(&a, k16, 16, &id), PSA_ERROR_INVALID_ARGUMENT);
    psa_set_key_id(&a, PSA_KEY_ID_USER_MAX + 1);
    assert_int_equal(psa_import_key(&a, k16, 16, &id), PSA_ERROR_INVALID_ARGUMENT);
    /* Read-only keys cannot be created through the API. */
    psa_set_key_id(&a, 10);
    psa_set_key_lifetime(&a, PSA_KEY_LIFETIME_FROM_PERSISTENCE_AND_LOCATION(
                                 PSA_KEY_PERSISTENCE_READ_ONLY, PSA_KEY_LOCATION_LOCAL_STORAGE));
    assert_int_equal(psa_import_key(&a, k16, 16, &id), PSA_ERROR_INVALID_ARGUMENT);
    /* No secure element locations; no other persistence levels. */
    psa_set_key_lifetime(&a, PSA_KEY_LIFETIME_FROM_PERSISTENCE_AND_LOCATION(
                                 PSA_KEY_PERSISTENCE_DEFAULT,
                                 PSA_KEY_LOCATION_PRIMARY_SECURE_ELEMENT));
    assert_int_equal(psa_import_key(&a, k16, 16, &id), PSA_ERROR_NOT_SUPPORTED);
    psa_set_key_lifetime(&a, PSA_KEY_LIFETIME_FROM_PERSISTENCE_AND_LOCATION(
                                 0x02, PSA_KEY_LOCATION_LOCAL_STORAGE));
    assert_int_equal(psa_import_key(&a, k16, 16, &id), PSA_ERROR_NOT_SUPPORTED);
    /* A user-range id and PERSISTENT works; once. */
    psa_set_key_lifetime(&a, PSA_KEY_LIFETIME_PERSISTENT);
    psa_set_key_id(&a, PSA_KEY_ID_USER_MAX);
    assert_int_equal(psa_import_key(&a, k16, 16, &id), PSA_SUCCESS);
    assert_int_equal(id, PSA_KEY_ID_USER_MAX);
    assert_int_equal(psa_import_key(&a, k16, 16, &id), PSA_ERROR_ALREADY_EXISTS);
    /* Opening ids that cannot name a key. */
    assert_int_equal(psa_purge_key(PSA_KEY_ID_VENDOR_MIN), PSA_ERROR_INVALID_HANDLE);
    assert_int_equal(psa_purge_key(77), PSA_ERROR_INVALID_HANDLE);
    assert_int_equal(psa_purge_key(PSA_KEY_ID_USER_MAX), PSA_SUCCESS);
}

static void test_persistence_across_restart(void **state)
{
    (void)state;
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_key_id_t id, vid;
    uint8_t out[32];
    size_t n;
    psa_set_key_type(&a, PSA_KEY_TYPE_HMAC);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_EXPORT | PSA_KEY_USAGE_SIGN_MESSAGE);
    psa_set_key_algorithm(&a, PSA_ALG_HMAC(PSA_ALG_SHA_256));
    psa_set_key_id(&a, 0x1234);
    assert_int_equal(psa_import_key(&a, k16, 16, &id), PSA_SUCCESS);
    assert_int_equal(id, 0x1234);
    vid = import_key(PSA_KEY_TYPE_AES, PSA_KEY_USAGE_EXPORT, 0, k16, 16);

    restart_library();
    /* The volatile key is gone; the persistent one is back, whole. */
    assert_int_equal(psa_export_key(vid, out, sizeof out, &n), PSA_ERROR_INVALID_HANDLE);
    assert_int_equal(psa_get_key_attributes(id, &a), PSA_SUCCESS);
    assert_int_equal(psa_get_key_type(&a), PSA_KEY_TYPE_HMAC);
    assert_int_equal(psa_get_key_bits(&a), 128);
    assert_int_equal(psa_get_key_lifetime(&a), PSA_KEY_LIFETIME_PERSISTENT);
    assert_int_equal(psa_get_key_algorithm(&a), PSA_ALG_HMAC(PSA_ALG_SHA_256));
    assert_int_equal(psa_export_key(id, out, sizeof out, &n), PSA_SUCCESS);
    assert_int_equal(n, 16);
    assert_memory_equal(out, k16, 16);
    assert_int_equal(psa_destroy_key(id), PSA_SUCCESS);

    restart_library();
    assert_int_equal(psa_get_key_attributes(id, &a), PSA_ERROR_INVALID_HANDLE);
}

/* Rewrite one byte of a key's record file. */
static void patch_record(const struct ward_test_env *env, psa_key_id_t id, long off, uint8_t v)
{
    char path[512];
    snprintf(path, sizeof path, "%s/crypto/key-%016llx", env->state_dir,
             (unsigned long long)ward_crypto_key_uid(WARD_CRYPTO_LOCAL_OWNER, id));
    int fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, &v, 1, off), 1);
    close(fd);
}

static void test_record_format_refusals(void **state)
{
    const struct ward_test_env *env = *state;
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_key_id_t id;
    uint8_t out[32];
    size_t n;
    psa_set_key_type(&a, PSA_KEY_TYPE_RAW_DATA);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_EXPORT);
    psa_set_key_id(&a, 1);
    assert_int_equal(psa_import_key(&a, k16, 16, &id), PSA_SUCCESS);
    psa_set_key_id(&a, 2);
    assert_int_equal(psa_import_key(&a, k16, 16, &id), PSA_SUCCESS);
    restart_library();
    patch_record(env, 1, 4, 2); /* version 2: refused, not reformatted */
    patch_record(env, 2, 0, 'X'); /* bad magic */
    assert_int_equal(psa_export_key(1, out, sizeof out, &n), PSA_ERROR_DATA_INVALID);
    assert_int_equal(psa_export_key(2, out, sizeof out, &n), PSA_ERROR_DATA_CORRUPT);
    /* Still refused after another restart: nothing rewrote them. */
    restart_library();
    assert_int_equal(psa_export_key(1, out, sizeof out, &n), PSA_ERROR_DATA_INVALID);
    /* A long record of a later version is still recognised as such; a long
     * record of this version is corrupt. */
    char path[512];
    uint8_t big[4096] = {'W', 'K', 'E', 'Y', 9, 0};
    snprintf(path, sizeof path, "%s/crypto/key-%016llx", env->state_dir,
             (unsigned long long)ward_crypto_key_uid(WARD_CRYPTO_LOCAL_OWNER, 3));
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(big, 1, sizeof big, f), sizeof big);
    fclose(f);
    assert_int_equal(psa_export_key(3, out, sizeof out, &n), PSA_ERROR_DATA_INVALID);
    big[4] = 1;
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(big, 1, sizeof big, f), sizeof big);
    fclose(f);
    assert_int_equal(psa_export_key(3, out, sizeof out, &n), PSA_ERROR_DATA_CORRUPT);
    /* Such a record can still be destroyed. */
    assert_int_equal(psa_destroy_key(1), PSA_SUCCESS);
    assert_int_equal(psa_export_key(1, out, sizeof out, &n), PSA_ERROR_INVALID_HANDLE);
}

static void test_generate(void **state)
{
    (void)state;
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_key_id_t id1, id2;
    uint8_t o1[32], o2[32];
    size_t n1, n2;
    psa_set_key_type(&a, PSA_KEY_TYPE_AES);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_EXPORT);
    assert_int_equal(psa_generate_key(&a, &id1), PSA_ERROR_INVALID_ARGUMENT); /* no bits */
    psa_set_key_bits(&a, 100);
    assert_int_equal(psa_generate_key(&a, &id1), PSA_ERROR_INVALID_ARGUMENT);
    psa_set_key_bits(&a, 256);
    assert_int_equal(psa_generate_key(&a, &id1), PSA_SUCCESS);
    assert_int_equal(psa_generate_key(&a, &id2), PSA_SUCCESS);
    assert_int_equal(psa_export_key(id1, o1, sizeof o1, &n1), PSA_SUCCESS);
    assert_int_equal(psa_export_key(id2, o2, sizeof o2, &n2), PSA_SUCCESS);
    assert_int_equal(n1, 32);
    assert_memory_not_equal(o1, o2, 32);
    /* Binary curves are not built. */
    psa_set_key_type(&a, PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_SECT_K1));
    assert_int_equal(psa_generate_key(&a, &id1), PSA_ERROR_NOT_SUPPORTED);
}

static void test_copy_policy(void **state)
{
    (void)state;
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_key_id_t src, dst;
    uint8_t out[32];
    size_t n;
    /* No COPY flag: refused. */
    src = import_key(PSA_KEY_TYPE_HMAC, PSA_KEY_USAGE_EXPORT, 0, k16, 16);
    assert_int_equal(psa_copy_key(src, &a, &dst), PSA_ERROR_NOT_PERMITTED);
    /* Usage is intersected; a wildcard narrows to the specific algorithm. */
    src = import_key(PSA_KEY_TYPE_HMAC,
                     PSA_KEY_USAGE_COPY | PSA_KEY_USAGE_EXPORT | PSA_KEY_USAGE_SIGN_MESSAGE,
                     PSA_ALG_AT_LEAST_THIS_LENGTH_MAC(PSA_ALG_HMAC(PSA_ALG_SHA_256), 16),
                     k16, 16);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_EXPORT | PSA_KEY_USAGE_VERIFY_MESSAGE);
    psa_set_key_algorithm(&a, PSA_ALG_TRUNCATED_MAC(PSA_ALG_HMAC(PSA_ALG_SHA_256), 20));
    assert_int_equal(psa_copy_key(src, &a, &dst), PSA_SUCCESS);
    assert_int_equal(psa_get_key_attributes(dst, &a), PSA_SUCCESS);
    assert_int_equal(psa_get_key_usage_flags(&a), PSA_KEY_USAGE_EXPORT);
    assert_int_equal(psa_get_key_algorithm(&a),
                     PSA_ALG_TRUNCATED_MAC(PSA_ALG_HMAC(PSA_ALG_SHA_256), 20));
    assert_int_equal(psa_export_key(dst, out, sizeof out, &n), PSA_SUCCESS);
    assert_memory_equal(out, k16, 16);
    /* A shorter MAC than the source allows: no intersection. */
    psa_reset_key_attributes(&a);
    psa_set_key_algorithm(&a, PSA_ALG_TRUNCATED_MAC(PSA_ALG_HMAC(PSA_ALG_SHA_256), 8));
    assert_int_equal(psa_copy_key(src, &a, &dst), PSA_ERROR_INVALID_ARGUMENT);
    /* Two wildcards: the longer minimum wins. */
    psa_set_key_algorithm(&a, PSA_ALG_AT_LEAST_THIS_LENGTH_MAC(PSA_ALG_HMAC(PSA_ALG_SHA_256), 24));
    assert_int_equal(psa_copy_key(src, &a, &dst), PSA_SUCCESS);
    assert_int_equal(psa_get_key_attributes(dst, &a), PSA_SUCCESS);
    assert_int_equal(psa_get_key_algorithm(&a),
                     PSA_ALG_AT_LEAST_THIS_LENGTH_MAC(PSA_ALG_HMAC(PSA_ALG_SHA_256), 24));
    /* Unrelated algorithms, wrong type or size. */
    psa_reset_key_attributes(&a);
    psa_set_key_algorithm(&a, PSA_ALG_CMAC);
    assert_int_equal(psa_copy_key(src, &a, &dst), PSA_ERROR_INVALID_ARGUMENT);
    psa_reset_key_attributes(&a);
    psa_set_key_type(&a, PSA_KEY_TYPE_AES);
    assert_int_equal(psa_copy_key(src, &a, &dst), PSA_ERROR_INVALID_ARGUMENT);
    psa_reset_key_attributes(&a);
    psa_set_key_bits(&a, 256);
    assert_int_equal(psa_copy_key(src, &a, &dst), PSA_ERROR_INVALID_ARGUMENT);
    /* A persistent copy of a volatile key survives a restart. */
    psa_reset_key_attributes(&a);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_EXPORT);
    psa_set_key_id(&a, 99);
    assert_int_equal(psa_copy_key(src, &a, &dst), PSA_SUCCESS);
    assert_int_equal(dst, 99);
    restart_library();
    assert_int_equal(psa_export_key(99, out, sizeof out, &n), PSA_SUCCESS);
    assert_memory_equal(out, k16, 16);
}

static void test_copy_policy_wildcards(void **state)
{
    /* Intersections the copy rules define, for each wildcard kind. */
    (void)state;
    struct {
        psa_algorithm_t src, req, want; /* want 0xffffffff: INVALID_ARGUMENT */
    } cases[] = {
        {PSA_ALG_ECDSA(PSA_ALG_ANY_HASH), PSA_ALG_ECDSA(PSA_ALG_SHA_256),
         PSA_ALG_ECDSA(PSA_ALG_SHA_256)},
        {PSA_ALG_RSA_PSS(PSA_ALG_SHA_384), PSA_ALG_RSA_PSS(PSA_ALG_ANY_HASH),
         PSA_ALG_RSA_PSS(PSA_ALG_SHA_384)},
        {PSA_ALG_ECDSA(PSA_ALG_ANY_HASH), PSA_ALG_DETERMINISTIC_ECDSA(PSA_ALG_SHA_256),
         0xffffffffu},
        {PSA_ALG_AEAD_WITH_AT_LEAST_THIS_LENGTH_TAG(PSA_ALG_GCM, 8), PSA_ALG_GCM, PSA_ALG_GCM},
        {PSA_ALG_AEAD_WITH_AT_LEAST_THIS_LENGTH_TAG(PSA_ALG_GCM, 8),
         PSA_ALG_AEAD_WITH_AT_LEAST_THIS_LENGTH_TAG(PSA_ALG_GCM, 12),
         PSA_ALG_AEAD_WITH_AT_LEAST_THIS_LENGTH_TAG(PSA_ALG_GCM, 12)},
        {PSA_ALG_AEAD_WITH_AT_LEAST_THIS_LENGTH_TAG(PSA_ALG_GCM, 12),
         PSA_ALG_AEAD_WITH_SHORTENED_TAG(PSA_ALG_GCM, 8), 0xffffffffu},
        {PSA_ALG_AEAD_WITH_AT_LEAST_THIS_LENGTH_TAG(PSA_ALG_GCM, 8), PSA_ALG_CCM, 0xffffffffu},
        {PSA_ALG_CCM_STAR_ANY_TAG, PSA_ALG_CCM_STAR_NO_TAG, PSA_ALG_CCM_STAR_NO_TAG},
        {PSA_ALG_CCM_STAR_ANY_TAG, PSA_ALG_AEAD_WITH_SHORTENED_TAG(PSA_ALG_CCM, 8),
         PSA_ALG_AEAD_WITH_SHORTENED_TAG(PSA_ALG_CCM, 8)},
        {PSA_ALG_CCM_STAR_ANY_TAG, PSA_ALG_AEAD_WITH_SHORTENED_TAG(PSA_ALG_CCM, 6), 0xffffffffu},
        {PSA_ALG_CMAC, PSA_ALG_NONE, PSA_ALG_NONE},
        {PSA_ALG_NONE, PSA_ALG_CMAC, PSA_ALG_NONE},
        {PSA_ALG_CTR, PSA_ALG_CFB, 0xffffffffu},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
        psa_key_id_t src = import_key(PSA_KEY_TYPE_AES, PSA_KEY_USAGE_COPY, cases[i].src, k16, 16);
        psa_key_id_t dst = 0;
        psa_set_key_algorithm(&a, cases[i].req);
        psa_status_t st = psa_copy_key(src, &a, &dst);
        if (cases[i].want == 0xffffffffu) {
            assert_int_equal(st, PSA_ERROR_INVALID_ARGUMENT);
            assert_int_equal(dst, 0);
        } else {
            assert_int_equal(st, PSA_SUCCESS);
            assert_int_equal(psa_get_key_attributes(dst, &a), PSA_SUCCESS);
            assert_int_equal(psa_get_key_algorithm(&a), cases[i].want);
            assert_int_equal(psa_destroy_key(dst), PSA_SUCCESS);
        }
        assert_int_equal(psa_destroy_key(src), PSA_SUCCESS);
    }
}

static void test_owner_and_session_isolation(void **state)
{
    (void)state;
    const struct ward_crypto_caller alice = {5, 1}, alice2 = {5, 2}, bob = {6, 1};
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_key_id_t vid, pid;
    uint8_t out[32];
    size_t n;
    uint32_t op = 0;
    psa_set_key_type(&a, PSA_KEY_TYPE_RAW_DATA);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_EXPORT);
    assert_int_equal(ward_crypto_import_key(&alice, &a, k16, 16, &vid), PSA_SUCCESS);
    psa_set_key_id(&a, 3);
    assert_int_equal(ward_crypto_import_key(&alice, &a, k16, 16, &pid), PSA_SUCCESS);
    /* Bob has his own key 3; Alice's are invisible to him. */
    assert_int_equal(ward_crypto_export_key(&bob, vid, out, sizeof out, &n), PSA_ERROR_INVALID_HANDLE);
    assert_int_equal(ward_crypto_export_key(&bob, 3, out, sizeof out, &n), PSA_ERROR_INVALID_HANDLE);
    assert_int_equal(ward_crypto_import_key(&bob, &a, k16, 8, &pid), PSA_SUCCESS);
    assert_int_equal(ward_crypto_export_key(&bob, 3, out, sizeof out, &n), PSA_SUCCESS);
    assert_int_equal(n, 8);
    /* Another session of Alice sees her persistent key, not her volatile one. */
    assert_int_equal(ward_crypto_export_key(&alice2, 3, out, sizeof out, &n), PSA_SUCCESS);
    assert_int_equal(n, 16);
    assert_int_equal(ward_crypto_export_key(&alice2, vid, out, sizeof out, &n), PSA_ERROR_INVALID_HANDLE);
    /* Operations belong to their session. */
    assert_int_equal(ward_crypto_hash_setup(&alice, &op, PSA_ALG_SHA_256), PSA_SUCCESS);
    assert_int_equal(ward_crypto_hash_update(&bob, &op, out, 1), PSA_ERROR_BAD_STATE);
    /* Ending the session frees its volatile keys and operations. */
    ward_crypto_session_end(5, 1);
    assert_int_equal(ward_crypto_export_key(&alice, vid, out, sizeof out, &n), PSA_ERROR_INVALID_HANDLE);
    assert_int_equal(ward_crypto_hash_update(&alice, &op, out, 1), PSA_ERROR_BAD_STATE);
    assert_int_equal(ward_crypto_export_key(&alice, 3, out, sizeof out, &n), PSA_SUCCESS);
}

static void test_file_store_refuses_open_dir(void **state)
{
    const struct ward_test_env *env = *state;
    struct ward_crypto_storage st;
    char dir[512];
    snprintf(dir, sizeof dir, "%s/loose", env->root);
    assert_int_equal(mkdir(dir, 0755), 0);
    assert_int_equal(ward_crypto_file_store_open(dir, &st), PSA_ERROR_STORAGE_FAILURE);
    assert_int_equal(chmod(dir, 0700), 0);
    assert_int_equal(ward_crypto_file_store_open(dir, &st), PSA_SUCCESS);
    size_t len;
    uint8_t buf[4];
    assert_int_equal(st.get_info(st.ctx, 1, &len), PSA_ERROR_DOES_NOT_EXIST);
    assert_int_equal(st.set(st.ctx, 1, 3, "abc"), PSA_SUCCESS);
    assert_int_equal(st.get(st.ctx, 1, 1, 4, buf, &len), PSA_SUCCESS);
    assert_int_equal(len, 2);
    assert_memory_equal(buf, "bc", 2);
    assert_int_equal(st.remove(st.ctx, 1), PSA_SUCCESS);
    assert_int_equal(st.remove(st.ctx, 1), PSA_ERROR_DOES_NOT_EXIST);
    ward_crypto_file_store_close(&st);
}

static void test_unusable_key_directory(void **state)
{
    /* The key directory is open to others: the library starts, volatile
     * keys work, persistent ones fail with STORAGE_FAILURE. */
    const struct ward_test_env *env = *state;
    char dir[512];
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_key_id_t id;
    ward_crypto_local_shutdown();
    snprintf(dir, sizeof dir, "%s/crypto", env->state_dir);
    assert_int_equal(chmod(dir, 0755), 0);
    assert_int_equal(psa_crypto_init(), PSA_SUCCESS);
    psa_set_key_type(&a, PSA_KEY_TYPE_RAW_DATA);
    assert_int_equal(psa_import_key(&a, k16, 16, &id), PSA_SUCCESS);
    psa_set_key_id(&a, 4);
    assert_int_equal(psa_import_key(&a, k16, 16, &id), PSA_ERROR_STORAGE_FAILURE);
    assert_int_equal(psa_get_key_attributes(4, &a), PSA_ERROR_STORAGE_FAILURE);
    assert_int_equal(chmod(dir, 0700), 0);
    restart_library();
    psa_set_key_type(&a, PSA_KEY_TYPE_RAW_DATA); /* the failed get reset a */
    psa_set_key_id(&a, 4);
    assert_int_equal(psa_import_key(&a, k16, 16, &id), PSA_SUCCESS);
}

static void test_limits(void **state)
{
    /* 256 volatile keys and 1024 operations, all callers together; beyond
     * that INSUFFICIENT_MEMORY, and freeing one makes room again. */
    (void)state;
    static psa_key_id_t ids[WARD_CRYPTO_KEY_SLOTS];
    static psa_hash_operation_t ops[WARD_CRYPTO_OPS_MAX];
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_key_id_t extra;
    psa_set_key_type(&a, PSA_KEY_TYPE_RAW_DATA);
    for (size_t i = 0; i < WARD_CRYPTO_KEY_SLOTS; i++) {
        assert_int_equal(psa_import_key(&a, k16, 16, &ids[i]), PSA_SUCCESS);
    }
    assert_int_equal(psa_import_key(&a, k16, 16, &extra), PSA_ERROR_INSUFFICIENT_MEMORY);
    assert_int_equal(psa_destroy_key(ids[100]), PSA_SUCCESS);
    assert_int_equal(psa_import_key(&a, k16, 16, &extra), PSA_SUCCESS);
    assert_int_not_equal(extra, ids[100]); /* a new generation, not the old id */
    for (size_t i = 0; i < WARD_CRYPTO_OPS_MAX; i++) {
        ops[i] = psa_hash_operation_init();
        assert_int_equal(psa_hash_setup(&ops[i], PSA_ALG_SHA_256), PSA_SUCCESS);
    }
    psa_hash_operation_t more = PSA_HASH_OPERATION_INIT;
    assert_int_equal(psa_hash_setup(&more, PSA_ALG_SHA_256), PSA_ERROR_INSUFFICIENT_MEMORY);
    assert_int_equal(more.handle, 0);
    assert_int_equal(psa_hash_abort(&ops[7]), PSA_SUCCESS);
    assert_int_equal(psa_hash_setup(&more, PSA_ALG_SHA_256), PSA_SUCCESS);
    assert_int_equal(psa_hash_abort(&more), PSA_SUCCESS);
    for (size_t i = 0; i < WARD_CRYPTO_OPS_MAX; i++) {
        assert_int_equal(psa_hash_abort(&ops[i]), PSA_SUCCESS);
    }
}

static void test_mem_store(void **state)
{
    (void)state;
    struct ward_crypto_storage st;
    size_t len;
    uint8_t buf[8];
    assert_int_equal(ward_crypto_mem_store_open(&st), PSA_SUCCESS);
    assert_int_equal(st.get(st.ctx, 9, 0, 8, buf, &len), PSA_ERROR_DOES_NOT_EXIST);
    assert_int_equal(st.set(st.ctx, 9, 3, "abc"), PSA_SUCCESS);
    assert_int_equal(st.set(st.ctx, 9, 2, "xy"), PSA_SUCCESS);
    assert_int_equal(st.get_info(st.ctx, 9, &len), PSA_SUCCESS);
    assert_int_equal(len, 2);
    assert_int_equal(st.get(st.ctx, 9, 0, 8, buf, &len), PSA_SUCCESS);
    assert_memory_equal(buf, "xy", 2);
    assert_int_equal(st.remove(st.ctx, 9), PSA_SUCCESS);
    assert_int_equal(st.get_info(st.ctx, 9, &len), PSA_ERROR_DOES_NOT_EXIST);
    ward_crypto_mem_store_close(&st);
}

static void test_unsupported_families(void **state)
{
    (void)state;
    uint8_t buf[64];
    size_t n;
    psa_key_derivation_operation_t kdf = PSA_KEY_DERIVATION_OPERATION_INIT;
    assert_int_equal(psa_key_derivation_setup(&kdf, PSA_ALG_SHA_256), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_key_derivation_output_bytes(&kdf, buf, 4), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_key_derivation_abort(&kdf), PSA_SUCCESS);
    psa_pake_operation_t pake = PSA_PAKE_OPERATION_INIT;
    psa_pake_cipher_suite_t suite = psa_pake_cipher_suite_init();
    /* An initialised suite names no algorithm (PAKE: test_crypto_pake.c). */
    assert_int_equal(psa_pake_setup(&pake, 1, &suite), PSA_ERROR_INVALID_ARGUMENT);
    (void)n;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_state_before_init),
        CRYPTO_TEST(test_import_export_attributes),
        CRYPTO_TEST(test_export_needs_usage),
        CRYPTO_TEST(test_import_rejects),
        CRYPTO_TEST(test_lifetime_and_id_rules),
        CRYPTO_TEST(test_persistence_across_restart),
        CRYPTO_TEST(test_record_format_refusals),
        CRYPTO_TEST(test_generate),
        CRYPTO_TEST(test_copy_policy),
        CRYPTO_TEST(test_copy_policy_wildcards),
        CRYPTO_TEST(test_owner_and_session_isolation),
        CRYPTO_TEST(test_file_store_refuses_open_dir),
        CRYPTO_TEST(test_unusable_key_directory),
        CRYPTO_TEST(test_limits),
        CRYPTO_TEST(test_mem_store),
        CRYPTO_TEST(test_unsupported_families),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
