/*
 * crypto_test_util.h: shared helpers of the crypto tests: a fixture that
 * gives each test its own state directory and a started library, and hex
 * decoding for the published vectors.
 */
#ifndef CRYPTO_TEST_UTIL_H
#define CRYPTO_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>

#include "psa/crypto.h"
#include "ward_crypto_local.h"
#include "ward_test_env.h"

static inline size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = strlen(hex) / 2;
    assert_true(n <= cap);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
    return n;
}

#define HEX(name, str)                          \
    uint8_t name[512];                          \
    size_t name##_len = unhex(str, name, sizeof name)

static inline int crypto_fixture_setup(void **state)
{
    struct ward_test_env *env = calloc(1, sizeof *env);
    if (env == NULL || ward_test_env_setup(env) != 0) {
        return -1;
    }
    *state = env;
    return psa_crypto_init() == PSA_SUCCESS ? 0 : -1;
}

static inline int crypto_fixture_teardown(void **state)
{
    struct ward_test_env *env = *state;
    ward_crypto_local_shutdown();
    int r = ward_test_env_teardown(env);
    free(env);
    return r;
}

static inline void restart_library(void)
{
    ward_crypto_local_shutdown();
    assert_int_equal(psa_crypto_init(), PSA_SUCCESS);
}

/* A generated key of this type and size; asserts success. */
static inline psa_key_id_t generate_key(psa_key_type_t type, size_t bits, psa_key_usage_t usage,
                                        psa_algorithm_t alg)
{
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_key_id_t id = 0;
    psa_set_key_type(&a, type);
    psa_set_key_bits(&a, bits);
    psa_set_key_usage_flags(&a, usage);
    psa_set_key_algorithm(&a, alg);
    assert_int_equal(psa_generate_key(&a, &id), PSA_SUCCESS);
    return id;
}

static inline psa_key_id_t import_key(psa_key_type_t type, psa_key_usage_t usage,
                                      psa_algorithm_t alg, const uint8_t *data, size_t len)
{
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_key_id_t id = 0;
    psa_set_key_type(&a, type);
    psa_set_key_usage_flags(&a, usage);
    psa_set_key_algorithm(&a, alg);
    assert_int_equal(psa_import_key(&a, data, len, &id), PSA_SUCCESS);
    assert_int_not_equal(id, 0);
    return id;
}

#define CRYPTO_TEST(fn) \
    cmocka_unit_test_setup_teardown(fn, crypto_fixture_setup, crypto_fixture_teardown)

#endif /* CRYPTO_TEST_UTIL_H */
