/* MAC: known answers (HMAC, CMAC, truncated), verify, multi-part, policy
 * (usage, wildcards, truncation), the state machine and argument errors. */
#include "crypto_test_util.h"
#include "vectors/mac_vectors.h"

#define N_VECTORS (sizeof mac_vectors / sizeof mac_vectors[0])
#define SIGN_VERIFY (PSA_KEY_USAGE_SIGN_MESSAGE | PSA_KEY_USAGE_VERIFY_MESSAGE)

static void test_mac_kats(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_VECTORS; i++) {
        const struct mac_vector *v = &mac_vectors[i];
        HEX(key, v->key);
        HEX(msg, v->msg);
        HEX(want, v->mac);
        uint8_t out[PSA_MAC_MAX_SIZE];
        size_t n = 0;
        psa_key_id_t id = import_key(v->type, SIGN_VERIFY, v->alg, key, key_len);
        assert_int_equal(psa_mac_compute(id, v->alg, msg, msg_len, out, sizeof out, &n),
                         PSA_SUCCESS);
        assert_int_equal(n, want_len);
        assert_memory_equal(out, want, want_len);
        /* Again: the cached context must restart cleanly. */
        assert_int_equal(psa_mac_compute(id, v->alg, msg, msg_len, out, sizeof out, &n),
                         PSA_SUCCESS);
        assert_memory_equal(out, want, want_len);
        assert_int_equal(psa_mac_verify(id, v->alg, msg, msg_len, want, want_len), PSA_SUCCESS);
        /* Multi-part in two pieces. */
        psa_mac_operation_t op = PSA_MAC_OPERATION_INIT;
        size_t half = msg_len / 2;
        assert_int_equal(psa_mac_sign_setup(&op, id, v->alg), PSA_SUCCESS);
        assert_int_equal(psa_mac_update(&op, msg, half), PSA_SUCCESS);
        assert_int_equal(psa_mac_update(&op, msg + half, msg_len - half), PSA_SUCCESS);
        assert_int_equal(psa_mac_sign_finish(&op, out, sizeof out, &n), PSA_SUCCESS);
        assert_memory_equal(out, want, want_len);
        assert_int_equal(psa_mac_verify_setup(&op, id, v->alg), PSA_SUCCESS);
        assert_int_equal(psa_mac_update(&op, msg, msg_len), PSA_SUCCESS);
        assert_int_equal(psa_mac_verify_finish(&op, want, want_len), PSA_SUCCESS);
        /* Wrong MAC, wrong length. */
        want[0] ^= 0x80;
        assert_int_equal(psa_mac_verify(id, v->alg, msg, msg_len, want, want_len),
                         PSA_ERROR_INVALID_SIGNATURE);
        want[0] ^= 0x80;
        assert_int_equal(psa_mac_verify(id, v->alg, msg, msg_len, want, want_len - 1),
                         PSA_ERROR_INVALID_SIGNATURE);
        assert_int_equal(psa_destroy_key(id), PSA_SUCCESS);
    }
}

static void test_mac_persistent_key(void **state)
{
    (void)state;
    const struct mac_vector *v = &mac_vectors[1];
    HEX(key, v->key);
    HEX(msg, v->msg);
    HEX(want, v->mac);
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_key_id_t id;
    psa_set_key_type(&a, PSA_KEY_TYPE_HMAC);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_VERIFY_HASH); /* implies VERIFY_MESSAGE */
    psa_set_key_algorithm(&a, v->alg);
    psa_set_key_id(&a, 42);
    assert_int_equal(psa_import_key(&a, key, key_len, &id), PSA_SUCCESS);
    restart_library();
    assert_int_equal(psa_mac_verify(42, v->alg, msg, msg_len, want, want_len), PSA_SUCCESS);
    assert_int_equal(psa_mac_verify(42, v->alg, msg, msg_len, want, want_len), PSA_SUCCESS);
}

static void test_mac_policy(void **state)
{
    (void)state;
    HEX(key, RFC4231_KEY1);
    uint8_t out[64];
    size_t n;
    psa_algorithm_t hmac = PSA_ALG_HMAC(PSA_ALG_SHA_256);
    /* Usage: verify-only key cannot sign; sign-only cannot verify. */
    psa_key_id_t id = import_key(PSA_KEY_TYPE_HMAC, PSA_KEY_USAGE_VERIFY_MESSAGE, hmac, key, key_len);
    assert_int_equal(psa_mac_compute(id, hmac, key, 1, out, sizeof out, &n), PSA_ERROR_NOT_PERMITTED);
    psa_mac_operation_t op = PSA_MAC_OPERATION_INIT;
    assert_int_equal(psa_mac_sign_setup(&op, id, hmac), PSA_ERROR_NOT_PERMITTED);
    assert_int_equal(op.handle, 0);
    id = import_key(PSA_KEY_TYPE_HMAC, PSA_KEY_USAGE_SIGN_MESSAGE, hmac, key, key_len);
    assert_int_equal(psa_mac_verify(id, hmac, key, 1, out, 32), PSA_ERROR_NOT_PERMITTED);
    /* Algorithm: another hash, a truncation the policy does not name. */
    assert_int_equal(psa_mac_compute(id, PSA_ALG_HMAC(PSA_ALG_SHA_1), key, 1, out, 64, &n),
                     PSA_ERROR_NOT_PERMITTED);
    assert_int_equal(psa_mac_compute(id, PSA_ALG_TRUNCATED_MAC(hmac, 16), key, 1, out, 64, &n),
                     PSA_ERROR_NOT_PERMITTED);
    /* TRUNCATED_MAC(h, full length) is the full-length MAC. */
    assert_int_equal(psa_mac_compute(id, PSA_ALG_TRUNCATED_MAC(hmac, 32), key, 1, out, 64, &n),
                     PSA_SUCCESS);
    /* At-least-this-length wildcard policy. */
    id = import_key(PSA_KEY_TYPE_HMAC, PSA_KEY_USAGE_SIGN_MESSAGE,
                    PSA_ALG_AT_LEAST_THIS_LENGTH_MAC(hmac, 20), key, key_len);
    assert_int_equal(psa_mac_compute(id, PSA_ALG_TRUNCATED_MAC(hmac, 20), key, 1, out, 64, &n),
                     PSA_SUCCESS);
    assert_int_equal(n, 20);
    assert_int_equal(psa_mac_compute(id, hmac, key, 1, out, 64, &n), PSA_SUCCESS);
    assert_int_equal(n, 32);
    assert_int_equal(psa_mac_compute(id, PSA_ALG_TRUNCATED_MAC(hmac, 19), key, 1, out, 64, &n),
                     PSA_ERROR_NOT_PERMITTED);
    /* A wildcard is not an algorithm to compute with. */
    assert_int_equal(psa_mac_compute(id, PSA_ALG_AT_LEAST_THIS_LENGTH_MAC(hmac, 20), key, 1,
                                     out, 64, &n), PSA_ERROR_INVALID_ARGUMENT);
    /* No algorithm permitted at all. */
    id = import_key(PSA_KEY_TYPE_HMAC, PSA_KEY_USAGE_SIGN_MESSAGE, 0, key, key_len);
    assert_int_equal(psa_mac_compute(id, hmac, key, 1, out, 64, &n), PSA_ERROR_NOT_PERMITTED);
}

static void test_mac_bad_arguments(void **state)
{
    (void)state;
    HEX(key, RFC4493_KEY);
    uint8_t out[64];
    size_t n;
    psa_key_id_t aes = import_key(PSA_KEY_TYPE_AES, SIGN_VERIFY,
                                  PSA_ALG_HMAC(PSA_ALG_SHA_256), key, key_len);
    /* HMAC needs an HMAC key. */
    assert_int_equal(psa_mac_compute(aes, PSA_ALG_HMAC(PSA_ALG_SHA_256), key, 1, out, 64, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    /* Not a MAC. */
    assert_int_equal(psa_mac_compute(aes, PSA_ALG_SHA_256, key, 1, out, 64, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    psa_key_id_t hkey = import_key(PSA_KEY_TYPE_HMAC, SIGN_VERIFY, PSA_ALG_CMAC, key, key_len);
    /* CMAC needs a block cipher key. */
    assert_int_equal(psa_mac_compute(hkey, PSA_ALG_CMAC, key, 1, out, 64, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    /* Truncation longer than the MAC; shorter than the minimum (4). */
    psa_key_id_t c = import_key(PSA_KEY_TYPE_AES, SIGN_VERIFY,
                                PSA_ALG_AT_LEAST_THIS_LENGTH_MAC(PSA_ALG_CMAC, 1), key, key_len);
    assert_int_equal(psa_mac_compute(c, PSA_ALG_TRUNCATED_MAC(PSA_ALG_CMAC, 17), key, 1, out, 64,
                                     &n), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_mac_compute(c, PSA_ALG_TRUNCATED_MAC(PSA_ALG_CMAC, 3), key, 1, out, 64,
                                     &n), PSA_ERROR_NOT_SUPPORTED);
    assert_int_equal(psa_mac_compute(c, PSA_ALG_TRUNCATED_MAC(PSA_ALG_CMAC, 4), key, 1, out, 64,
                                     &n), PSA_SUCCESS);
    assert_int_equal(n, 4);
    /* CBC-MAC is not built. */
    psa_key_id_t cbc = import_key(PSA_KEY_TYPE_AES, SIGN_VERIFY, PSA_ALG_CBC_MAC, key, key_len);
    assert_int_equal(psa_mac_compute(cbc, PSA_ALG_CBC_MAC, key, 16, out, 64, &n),
                     PSA_ERROR_NOT_SUPPORTED);
    /* Buffer too small. */
    psa_key_id_t cm = import_key(PSA_KEY_TYPE_AES, SIGN_VERIFY, PSA_ALG_CMAC, key, key_len);
    assert_int_equal(psa_mac_compute(cm, PSA_ALG_CMAC, key, 1, out, 15, &n),
                     PSA_ERROR_BUFFER_TOO_SMALL);
    assert_int_equal(psa_mac_compute(0x3ffffff0, PSA_ALG_CMAC, key, 1, out, 64, &n),
                     PSA_ERROR_INVALID_HANDLE);
}

static void test_mac_state_machine(void **state)
{
    (void)state;
    HEX(key, RFC4493_KEY);
    uint8_t out[64];
    size_t n;
    psa_mac_operation_t op = PSA_MAC_OPERATION_INIT;
    psa_key_id_t id = import_key(PSA_KEY_TYPE_AES, SIGN_VERIFY, PSA_ALG_CMAC, key, key_len);
    assert_int_equal(psa_mac_update(&op, key, 1), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_mac_sign_finish(&op, out, 64, &n), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_mac_verify_finish(&op, out, 16), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_mac_abort(&op), PSA_SUCCESS);
    /* Finishing the wrong way round. */
    assert_int_equal(psa_mac_sign_setup(&op, id, PSA_ALG_CMAC), PSA_SUCCESS);
    assert_int_equal(psa_mac_verify_finish(&op, out, 16), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_mac_update(&op, key, 1), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_mac_verify_setup(&op, id, PSA_ALG_CMAC), PSA_SUCCESS);
    assert_int_equal(psa_mac_sign_finish(&op, out, 64, &n), PSA_ERROR_BAD_STATE);
    /* Setup twice. */
    assert_int_equal(psa_mac_sign_setup(&op, id, PSA_ALG_CMAC), PSA_SUCCESS);
    assert_int_equal(psa_mac_sign_setup(&op, id, PSA_ALG_CMAC), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_mac_abort(&op), PSA_SUCCESS);
    /* Too small a buffer ends it. */
    assert_int_equal(psa_mac_sign_setup(&op, id, PSA_ALG_CMAC), PSA_SUCCESS);
    assert_int_equal(psa_mac_sign_finish(&op, out, 8, &n), PSA_ERROR_BUFFER_TOO_SMALL);
    assert_int_equal(psa_mac_sign_finish(&op, out, 64, &n), PSA_ERROR_BAD_STATE);
    /* Destroying the key makes the operations using it fail. */
    psa_mac_operation_t other = PSA_MAC_OPERATION_INIT;
    psa_key_id_t id2 = import_key(PSA_KEY_TYPE_AES, SIGN_VERIFY, PSA_ALG_CMAC, key, key_len);
    assert_int_equal(psa_mac_sign_setup(&op, id, PSA_ALG_CMAC), PSA_SUCCESS);
    assert_int_equal(psa_mac_sign_setup(&other, id2, PSA_ALG_CMAC), PSA_SUCCESS);
    assert_int_equal(psa_destroy_key(id), PSA_SUCCESS);
    assert_int_equal(psa_mac_update(&op, key, 1), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_mac_sign_finish(&op, out, 64, &n), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_mac_abort(&op), PSA_SUCCESS);
    /* ... and only those. */
    assert_int_equal(psa_mac_sign_finish(&other, out, 64, &n), PSA_SUCCESS);
    HEX(want, "bb1d6929e95937287fa37d129b756746");
    assert_int_equal(want_len, 16);
    assert_memory_equal(out, want, 16);
}

static void test_cmac_other_block_ciphers(void **state)
{
    (void)state;
    /* No published CMAC vectors for these: they must compute a full-length
     * MAC that verifies and differs between key types. */
    uint8_t key[16] = {9}, msg[40] = {1}, m1[16], m2[16];
    size_t n;
    psa_key_type_t types[] = {PSA_KEY_TYPE_ARIA, PSA_KEY_TYPE_CAMELLIA, PSA_KEY_TYPE_SM4};
    for (size_t i = 0; i < 3; i++) {
        psa_key_id_t id = import_key(types[i], SIGN_VERIFY, PSA_ALG_CMAC, key, 16);
        assert_int_equal(psa_mac_compute(id, PSA_ALG_CMAC, msg, sizeof msg, m1, 16, &n),
                         PSA_SUCCESS);
        assert_int_equal(n, 16);
        assert_int_equal(psa_mac_verify(id, PSA_ALG_CMAC, msg, sizeof msg, m1, 16), PSA_SUCCESS);
        if (i > 0) {
            assert_memory_not_equal(m1, m2, 16);
        }
        memcpy(m2, m1, 16);
    }
    /* 3DES CMAC is not built. */
    uint8_t k24[24] = {1};
    psa_key_id_t d = import_key(PSA_KEY_TYPE_DES, SIGN_VERIFY, PSA_ALG_CMAC, k24, 24);
    assert_int_equal(psa_mac_compute(d, PSA_ALG_CMAC, msg, 8, m1, 16, &n), PSA_ERROR_NOT_SUPPORTED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CRYPTO_TEST(test_mac_kats),
        CRYPTO_TEST(test_mac_persistent_key),
        CRYPTO_TEST(test_mac_policy),
        CRYPTO_TEST(test_mac_bad_arguments),
        CRYPTO_TEST(test_mac_state_machine),
        CRYPTO_TEST(test_cmac_other_block_ciphers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
