/* Hash: known answers single-part and split multi-part, compare, verify,
 * clone, the BAD_STATE state machine, buffer and argument errors. */
#include "crypto_test_util.h"
#include "vectors/hash_vectors.h"

#define N_VECTORS (sizeof hash_vectors / sizeof hash_vectors[0])

static void test_hash_kats(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_VECTORS; i++) {
        const struct hash_vector *v = &hash_vectors[i];
        HEX(want, v->digest);
        uint8_t out[PSA_HASH_MAX_SIZE];
        size_t n = 0, len = strlen(v->msg);
        assert_int_equal(PSA_HASH_LENGTH(v->alg), want_len);
        assert_int_equal(psa_hash_compute(v->alg, (const uint8_t *)v->msg, len, out,
                                          sizeof out, &n), PSA_SUCCESS);
        assert_int_equal(n, want_len);
        if (memcmp(out, want, want_len) != 0) {
            print_error("vector %zu (alg 0x%08x)\n", i, (unsigned)v->alg);
        }
        assert_memory_equal(out, want, want_len);
        assert_int_equal(psa_hash_compare(v->alg, (const uint8_t *)v->msg, len, want,
                                          want_len), PSA_SUCCESS);
        /* Multi-part, byte by byte then the rest. */
        psa_hash_operation_t op = PSA_HASH_OPERATION_INIT;
        assert_int_equal(psa_hash_setup(&op, v->alg), PSA_SUCCESS);
        assert_int_equal(psa_hash_update(&op, (const uint8_t *)v->msg, 1), PSA_SUCCESS);
        assert_int_equal(psa_hash_update(&op, NULL, 0), PSA_SUCCESS);
        assert_int_equal(psa_hash_update(&op, (const uint8_t *)v->msg + 1, len - 1), PSA_SUCCESS);
        assert_int_equal(psa_hash_finish(&op, out, sizeof out, &n), PSA_SUCCESS);
        assert_memory_equal(out, want, want_len);
        assert_int_equal(op.handle, 0);
        assert_int_equal(psa_hash_setup(&op, v->alg), PSA_SUCCESS);
        assert_int_equal(psa_hash_update(&op, (const uint8_t *)v->msg, len), PSA_SUCCESS);
        assert_int_equal(psa_hash_verify(&op, want, want_len), PSA_SUCCESS);
    }
}

static void test_hash_compare_and_verify_mismatch(void **state)
{
    (void)state;
    HEX(want, hash_vectors[4].digest);
    psa_hash_operation_t op = PSA_HASH_OPERATION_INIT;
    assert_int_equal(want_len, 32);
    want[31] ^= 1;
    assert_int_equal(psa_hash_compare(PSA_ALG_SHA_256, (const uint8_t *)"abc", 3, want, 32),
                     PSA_ERROR_INVALID_SIGNATURE);
    assert_int_equal(psa_hash_compare(PSA_ALG_SHA_256, (const uint8_t *)"abc", 3, want, 31),
                     PSA_ERROR_INVALID_SIGNATURE);
    assert_int_equal(psa_hash_setup(&op, PSA_ALG_SHA_256), PSA_SUCCESS);
    assert_int_equal(psa_hash_update(&op, (const uint8_t *)"abc", 3), PSA_SUCCESS);
    assert_int_equal(psa_hash_verify(&op, want, 32), PSA_ERROR_INVALID_SIGNATURE);
    assert_int_equal(psa_hash_update(&op, (const uint8_t *)"abc", 3), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_hash_abort(&op), PSA_SUCCESS);
}

static void test_hash_clone(void **state)
{
    (void)state;
    HEX(want, hash_vectors[4].digest);
    psa_hash_operation_t a = PSA_HASH_OPERATION_INIT, b = PSA_HASH_OPERATION_INIT;
    uint8_t out[32];
    assert_int_equal(want_len, 32);
    size_t n;
    assert_int_equal(psa_hash_clone(&a, &b), PSA_ERROR_BAD_STATE); /* inactive source */
    assert_int_equal(psa_hash_setup(&a, PSA_ALG_SHA_256), PSA_SUCCESS);
    assert_int_equal(psa_hash_update(&a, (const uint8_t *)"ab", 2), PSA_SUCCESS);
    assert_int_equal(psa_hash_clone(&a, &b), PSA_SUCCESS);
    assert_int_equal(psa_hash_clone(&a, &b), PSA_ERROR_BAD_STATE); /* active target */
    assert_int_equal(psa_hash_update(&a, (const uint8_t *)"c", 1), PSA_SUCCESS);
    assert_int_equal(psa_hash_update(&b, (const uint8_t *)"c", 1), PSA_SUCCESS);
    assert_int_equal(psa_hash_finish(&a, out, sizeof out, &n), PSA_SUCCESS);
    assert_memory_equal(out, want, 32);
    assert_int_equal(psa_hash_verify(&b, want, 32), PSA_SUCCESS);
}

static void test_hash_state_machine(void **state)
{
    (void)state;
    psa_hash_operation_t op = PSA_HASH_OPERATION_INIT;
    uint8_t out[64] = {0};
    size_t n;
    /* Inactive operation. */
    assert_int_equal(psa_hash_update(&op, out, 1), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_hash_finish(&op, out, sizeof out, &n), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_hash_verify(&op, out, 32), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_hash_abort(&op), PSA_SUCCESS);
    /* Setup twice: refused, and the running operation is left as it was. */
    assert_int_equal(psa_hash_setup(&op, PSA_ALG_SHA_256), PSA_SUCCESS);
    assert_int_equal(psa_hash_update(&op, (const uint8_t *)"a", 1), PSA_SUCCESS);
    assert_int_equal(psa_hash_setup(&op, PSA_ALG_SHA_1), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_hash_update(&op, (const uint8_t *)"bc", 2), PSA_SUCCESS);
    HEX(abc, hash_vectors[4].digest);
    assert_int_equal(psa_hash_verify(&op, abc, abc_len), PSA_SUCCESS);
    /* After finish. */
    assert_int_equal(psa_hash_setup(&op, PSA_ALG_SHA_256), PSA_SUCCESS);
    assert_int_equal(psa_hash_finish(&op, out, sizeof out, &n), PSA_SUCCESS);
    assert_int_equal(psa_hash_finish(&op, out, sizeof out, &n), PSA_ERROR_BAD_STATE);
    /* Buffer too small ends the operation. */
    assert_int_equal(psa_hash_setup(&op, PSA_ALG_SHA_256), PSA_SUCCESS);
    assert_int_equal(psa_hash_finish(&op, out, 31, &n), PSA_ERROR_BUFFER_TOO_SMALL);
    assert_int_equal(psa_hash_update(&op, out, 1), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_hash_abort(&op), PSA_SUCCESS);
    /* Abort in the middle, then reuse. */
    assert_int_equal(psa_hash_setup(&op, PSA_ALG_SHA_1), PSA_SUCCESS);
    assert_int_equal(psa_hash_abort(&op), PSA_SUCCESS);
    assert_int_equal(psa_hash_abort(&op), PSA_SUCCESS);
    assert_int_equal(psa_hash_setup(&op, PSA_ALG_SHA_1), PSA_SUCCESS);
    assert_int_equal(psa_hash_finish(&op, out, sizeof out, &n), PSA_SUCCESS);
    /* A stale handle (copied before finish) finds nothing. */
    psa_hash_operation_t stale;
    assert_int_equal(psa_hash_setup(&op, PSA_ALG_SHA_1), PSA_SUCCESS);
    stale = op;
    assert_int_equal(psa_hash_abort(&op), PSA_SUCCESS);
    assert_int_equal(psa_hash_update(&stale, out, 1), PSA_ERROR_BAD_STATE);
    /* Suspend and resume are not built (after their state checks). */
    assert_int_equal(psa_hash_suspend(&op, out, sizeof out, &n), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_hash_setup(&op, PSA_ALG_SHA_256), PSA_SUCCESS);
    assert_int_equal(psa_hash_resume(&op, out, 8), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_hash_suspend(&op, out, sizeof out, &n), PSA_ERROR_NOT_SUPPORTED);
    assert_int_equal(psa_hash_update(&op, out, 1), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_hash_abort(&op), PSA_SUCCESS);
    assert_int_equal(psa_hash_resume(&op, out, 8), PSA_ERROR_NOT_SUPPORTED);
}

static void test_hash_bad_arguments(void **state)
{
    (void)state;
    psa_hash_operation_t op = PSA_HASH_OPERATION_INIT;
    uint8_t out[64] = {0};
    size_t n = 5;
    assert_int_equal(psa_hash_compute(PSA_ALG_HMAC(PSA_ALG_SHA_256), out, 1, out, 64, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_hash_compute(PSA_ALG_ANY_HASH, out, 1, out, 64, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_hash_compute(PSA_ALG_MD2, out, 1, out, 64, &n), PSA_ERROR_NOT_SUPPORTED);
    assert_int_equal(psa_hash_compute(PSA_ALG_MD4, out, 1, out, 64, &n), PSA_ERROR_NOT_SUPPORTED);
    assert_int_equal(psa_hash_compute(PSA_ALG_AES_MMO_ZIGBEE, out, 1, out, 64, &n),
                     PSA_ERROR_NOT_SUPPORTED);
    assert_int_equal(psa_hash_compute(PSA_ALG_SHA_256, out, 1, out, 31, &n),
                     PSA_ERROR_BUFFER_TOO_SMALL);
    assert_int_equal(n, 0);
    assert_int_equal(psa_hash_setup(&op, PSA_ALG_CMAC), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(op.handle, 0);
    assert_int_equal(psa_hash_setup(&op, PSA_ALG_MD2), PSA_ERROR_NOT_SUPPORTED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CRYPTO_TEST(test_hash_kats),
        CRYPTO_TEST(test_hash_compare_and_verify_mismatch),
        CRYPTO_TEST(test_hash_clone),
        CRYPTO_TEST(test_hash_state_machine),
        CRYPTO_TEST(test_hash_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
