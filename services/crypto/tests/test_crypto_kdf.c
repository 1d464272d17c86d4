/* Key derivation: known answers (incremental output, verify), capacity,
 * step order (BAD_STATE), argument errors, the PBKDF2 cost cap, policy
 * (DERIVE, VERIFY_DERIVATION, permitted algorithm) and derived keys. */
#include "crypto_test_util.h"
#include "ward_crypto.h"
#include "vectors/kdf_vectors.h"

#define N_VECTORS (sizeof kdf_vectors / sizeof kdf_vectors[0])

typedef psa_key_derivation_operation_t kdf_op_t;

static void feed(kdf_op_t *op, const struct kdf_vector *v)
{
    assert_int_equal(psa_key_derivation_setup(op, v->alg), PSA_SUCCESS);
    for (size_t i = 0; i < v->n_steps; i++) {
        const struct kdf_step *s = &v->steps[i];
        if (s->hex == NULL) {
            assert_int_equal(psa_key_derivation_input_integer(op, s->step, s->value),
                             PSA_SUCCESS);
        } else {
            HEX(d, s->hex);
            assert_int_equal(psa_key_derivation_input_bytes(op, s->step, d, d_len),
                             PSA_SUCCESS);
        }
    }
    if (v->capacity != 0) {
        assert_int_equal(psa_key_derivation_set_capacity(op, v->capacity), PSA_SUCCESS);
    }
}

static void test_kdf_kats(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_VECTORS; i++) {
        const struct kdf_vector *v = &kdf_vectors[i];
        print_message("%s\n", v->name);
        HEX(want, v->out);
        uint8_t out[512];
        kdf_op_t op = PSA_KEY_DERIVATION_OPERATION_INIT;
        /* In one call. */
        feed(&op, v);
        assert_int_equal(psa_key_derivation_output_bytes(&op, out, want_len), PSA_SUCCESS);
        assert_memory_equal(out, want, want_len);
        assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
        /* In three pieces: 1 byte, a third, the rest. */
        size_t a = 1, b = want_len / 3;
        feed(&op, v);
        assert_int_equal(psa_key_derivation_output_bytes(&op, out, a), PSA_SUCCESS);
        assert_int_equal(psa_key_derivation_output_bytes(&op, out + a, b), PSA_SUCCESS);
        assert_int_equal(psa_key_derivation_output_bytes(&op, out + a + b, want_len - a - b),
                         PSA_SUCCESS);
        assert_memory_equal(out, want, want_len);
        assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
        /* Verify, then a wrong value. */
        feed(&op, v);
        assert_int_equal(psa_key_derivation_verify_bytes(&op, want, b), PSA_SUCCESS);
        want[want_len - 1] ^= 1;
        assert_int_equal(psa_key_derivation_verify_bytes(&op, want + b, want_len - b),
                         PSA_ERROR_INVALID_SIGNATURE);
        want[want_len - 1] ^= 1;
        /* A failed verify puts the operation in the error state. */
        assert_int_equal(psa_key_derivation_output_bytes(&op, out, 1), PSA_ERROR_BAD_STATE);
        assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    }
}

static void test_kdf_psk_to_ms_construction(void **state)
{
    (void)state;
    /* PSK-to-MS == TLS 1.2 PRF over the RFC 4279 §2 premaster secret
     * (uint16 len || other || uint16 len || psk), with and without an
     * other secret. */
    HEX(seed, "a0ba9f936cda311827a6f796ffd5198c");
    HEX(psk, "0102030405060708090a0b0c0d0e0f10");
    HEX(other, "aabbccddeeff");
    HEX(label, "6d617374657220736563726574");
    uint8_t pms[64], want[48], got[48];
    kdf_op_t op = PSA_KEY_DERIVATION_OPERATION_INIT;
    for (int with_other = 0; with_other < 2; with_other++) {
        size_t on = with_other ? other_len : psk_len, n = 0;
        pms[n++] = 0;
        pms[n++] = (uint8_t)on;
        if (with_other) {
            memcpy(pms + n, other, on);
        } else {
            memset(pms + n, 0, on);
        }
        n += on;
        pms[n++] = 0;
        pms[n++] = (uint8_t)psk_len;
        memcpy(pms + n, psk, psk_len);
        n += psk_len;
        assert_int_equal(psa_key_derivation_setup(&op, PSA_ALG_TLS12_PRF(PSA_ALG_SHA_384)),
                         PSA_SUCCESS);
        assert_int_equal(psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_SEED,
                                                        seed, seed_len), PSA_SUCCESS);
        assert_int_equal(psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_SECRET,
                                                        pms, n), PSA_SUCCESS);
        assert_int_equal(psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_LABEL,
                                                        label, label_len), PSA_SUCCESS);
        assert_int_equal(psa_key_derivation_output_bytes(&op, want, sizeof want), PSA_SUCCESS);
        assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);

        psa_key_id_t k = import_key(PSA_KEY_TYPE_DERIVE, PSA_KEY_USAGE_DERIVE,
                                    PSA_ALG_TLS12_PSK_TO_MS(PSA_ALG_SHA_384), psk, psk_len);
        assert_int_equal(psa_key_derivation_setup(&op, PSA_ALG_TLS12_PSK_TO_MS(PSA_ALG_SHA_384)),
                         PSA_SUCCESS);
        assert_int_equal(psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_SEED,
                                                        seed, seed_len), PSA_SUCCESS);
        if (with_other) {
            assert_int_equal(psa_key_derivation_input_bytes(
                                 &op, PSA_KEY_DERIVATION_INPUT_OTHER_SECRET, other, other_len),
                             PSA_SUCCESS);
        }
        assert_int_equal(psa_key_derivation_input_key(&op, PSA_KEY_DERIVATION_INPUT_SECRET, k),
                         PSA_SUCCESS);
        assert_int_equal(psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_LABEL,
                                                        label, label_len), PSA_SUCCESS);
        assert_int_equal(psa_key_derivation_output_bytes(&op, got, sizeof got), PSA_SUCCESS);
        assert_memory_equal(got, want, sizeof want);
        assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
        assert_int_equal(psa_destroy_key(k), PSA_SUCCESS);
    }
    /* A PSK over 128 bytes is refused. */
    uint8_t big[129] = {0};
    assert_int_equal(psa_key_derivation_setup(&op, PSA_ALG_TLS12_PSK_TO_MS(PSA_ALG_SHA_256)),
                     PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_SEED, seed, 4),
                     PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_SECRET, big,
                                                    sizeof big), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
}

static void sp108_cmac_run(const char *context, const char *want_hex, psa_key_type_t type)
{
    HEX(key, SP108_KEY);
    HEX(label, SP108_LABEL);
    HEX(ctx, context);
    HEX(want, want_hex);
    uint8_t out[64];
    psa_key_id_t k = import_key(type, PSA_KEY_USAGE_DERIVE, PSA_ALG_SP800_108_COUNTER_CMAC,
                                key, key_len);
    kdf_op_t op = PSA_KEY_DERIVATION_OPERATION_INIT;
    assert_int_equal(psa_key_derivation_setup(&op, PSA_ALG_SP800_108_COUNTER_CMAC), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_key(&op, PSA_KEY_DERIVATION_INPUT_SECRET, k),
                     PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_LABEL, label,
                                                    label_len), PSA_SUCCESS);
    if (ctx_len != 0) {
        assert_int_equal(psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_CONTEXT,
                                                        ctx, ctx_len), PSA_SUCCESS);
    }
    assert_int_equal(psa_key_derivation_set_capacity(&op, 42), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_output_bytes(&op, out, 10), PSA_SUCCESS);
    /* L is fixed now. */
    assert_int_equal(psa_key_derivation_output_bytes(&op, out + 10, 32), PSA_SUCCESS);
    if (want_len != 0) {
        assert_memory_equal(out, want, want_len);
    }
    size_t cap = 1;
    assert_int_equal(psa_key_derivation_get_capacity(&op, &cap), PSA_SUCCESS);
    assert_int_equal(cap, 0);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    assert_int_equal(psa_destroy_key(k), PSA_SUCCESS);
}

static void test_kdf_sp800_108(void **state)
{
    (void)state;
    sp108_cmac_run(SP108_CONTEXT, SP108_CMAC_OUT, PSA_KEY_TYPE_AES);
    sp108_cmac_run("", SP108_CMAC_OUT_NO_CONTEXT, PSA_KEY_TYPE_AES);
    /* Other CMAC block ciphers compute (no published vector). */
    sp108_cmac_run("", "", PSA_KEY_TYPE_ARIA);

    HEX(key, SP108_KEY);
    kdf_op_t op = PSA_KEY_DERIVATION_OPERATION_INIT;
    uint8_t out[16];
    size_t cap;
    /* Initial capacity 2^29 - 1; set_capacity after output is BAD_STATE. */
    assert_int_equal(psa_key_derivation_setup(&op, PSA_ALG_SP800_108_COUNTER_HMAC(PSA_ALG_SHA_256)),
                     PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_get_capacity(&op, &cap), PSA_SUCCESS);
    assert_int_equal(cap, 0x1fffffff);
    assert_int_equal(psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_SECRET, key,
                                                    key_len), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_output_bytes(&op, out, 16), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_set_capacity(&op, 100), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_key_derivation_output_bytes(&op, out, 1), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    /* A label with a NUL byte is refused. */
    assert_int_equal(psa_key_derivation_setup(&op, PSA_ALG_SP800_108_COUNTER_HMAC(PSA_ALG_SHA_256)),
                     PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_SECRET, key,
                                                    key_len), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_LABEL,
                                                    (const uint8_t *)"a\0b", 3),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    /* The CMAC variant takes its secret only as a key, of a block cipher. */
    assert_int_equal(psa_key_derivation_setup(&op, PSA_ALG_SP800_108_COUNTER_CMAC), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_SECRET, key,
                                                    key_len), PSA_ERROR_INVALID_ARGUMENT);
    psa_key_id_t d = import_key(PSA_KEY_TYPE_DERIVE, PSA_KEY_USAGE_DERIVE,
                                PSA_ALG_SP800_108_COUNTER_CMAC, key, key_len);
    assert_int_equal(psa_key_derivation_setup(&op, PSA_ALG_SP800_108_COUNTER_CMAC), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_key(&op, PSA_KEY_DERIVATION_INPUT_SECRET, d),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
}

static void test_kdf_capacity(void **state)
{
    (void)state;
    const struct kdf_vector *v = &kdf_vectors[0]; /* HKDF-SHA-256 */
    HEX(want, v->out);
    kdf_op_t op = PSA_KEY_DERIVATION_OPERATION_INIT;
    uint8_t out[64];
    size_t cap = 0;
    feed(&op, v);
    assert_int_equal(psa_key_derivation_get_capacity(&op, &cap), PSA_SUCCESS);
    assert_int_equal(cap, 255 * 32);
    /* Larger than the current: refused, operation unchanged. */
    assert_int_equal(psa_key_derivation_set_capacity(&op, cap + 1), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_key_derivation_set_capacity(&op, 40), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_output_bytes(&op, out, 30), PSA_SUCCESS);
    assert_memory_equal(out, want, 30);
    assert_int_equal(psa_key_derivation_get_capacity(&op, &cap), PSA_SUCCESS);
    assert_int_equal(cap, 10);
    /* More than left: INSUFFICIENT_DATA, capacity 0, operation still live. */
    assert_int_equal(psa_key_derivation_output_bytes(&op, out, 11), PSA_ERROR_INSUFFICIENT_DATA);
    assert_int_equal(psa_key_derivation_get_capacity(&op, &cap), PSA_SUCCESS);
    assert_int_equal(cap, 0);
    assert_int_equal(psa_key_derivation_output_bytes(&op, out, 0), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_output_bytes(&op, out, 1), PSA_ERROR_INSUFFICIENT_DATA);
    assert_int_equal(psa_key_derivation_verify_bytes(&op, out, 1), PSA_ERROR_INSUFFICIENT_DATA);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    /* Exactly the whole capacity of HKDF-Extract (one hash). */
    feed(&op, &kdf_vectors[4]);
    assert_int_equal(psa_key_derivation_get_capacity(&op, &cap), PSA_SUCCESS);
    assert_int_equal(cap, 32);
    assert_int_equal(psa_key_derivation_output_bytes(&op, out, 33), PSA_ERROR_INSUFFICIENT_DATA);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    feed(&op, &kdf_vectors[4]);
    assert_int_equal(psa_key_derivation_output_bytes(&op, out, 32), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_output_bytes(&op, out, 1), PSA_ERROR_INSUFFICIENT_DATA);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    /* The full HKDF capacity can be read (255 blocks). */
    feed(&op, v);
    uint8_t *all = malloc(255 * 32);
    assert_non_null(all);
    assert_int_equal(psa_key_derivation_output_bytes(&op, all, 255 * 32), PSA_SUCCESS);
    assert_memory_equal(all, want, want_len);
    free(all);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    /* PBKDF2: (2^32 - 1) * hLen. */
    assert_int_equal(psa_key_derivation_setup(&op, PSA_ALG_PBKDF2_HMAC(PSA_ALG_SHA_256)),
                     PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_get_capacity(&op, &cap), PSA_SUCCESS);
    assert_int_equal(cap, (size_t)0xffffffffu * 32);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
}

#define IN(op, s, d, n) psa_key_derivation_input_bytes(op, PSA_KEY_DERIVATION_INPUT_##s, d, n)

static void test_kdf_bad_state(void **state)
{
    (void)state;
    const uint8_t d[16] = {1, 2, 3};
    uint8_t out[16];
    size_t cap;
    kdf_op_t op = PSA_KEY_DERIVATION_OPERATION_INIT;
    psa_algorithm_t hkdf = PSA_ALG_HKDF(PSA_ALG_SHA_256);
    /* Inactive operation. */
    assert_int_equal(psa_key_derivation_get_capacity(&op, &cap), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_key_derivation_set_capacity(&op, 1), PSA_ERROR_BAD_STATE);
    assert_int_equal(IN(&op, SECRET, d, 16), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_key_derivation_input_integer(&op, PSA_KEY_DERIVATION_INPUT_COST, 1),
                     PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_key_derivation_output_bytes(&op, out, 1), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_key_derivation_verify_bytes(&op, out, 1), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    /* Setup on an active operation leaves it untouched. */
    assert_int_equal(psa_key_derivation_setup(&op, hkdf), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_setup(&op, hkdf), PSA_ERROR_BAD_STATE);
    assert_int_equal(IN(&op, SECRET, d, 16), PSA_SUCCESS);
    /* Output before all required inputs (HKDF info missing). */
    assert_int_equal(psa_key_derivation_output_bytes(&op, out, 1), PSA_ERROR_BAD_STATE);
    assert_int_equal(IN(&op, INFO, d, 1), PSA_ERROR_BAD_STATE); /* error state */
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);

    struct {
        psa_algorithm_t alg;
        psa_key_derivation_step_t first, second;
    } order[] = {
        /* salt after secret; repeated secret; repeated salt; repeated info */
        {hkdf, PSA_KEY_DERIVATION_INPUT_SECRET, PSA_KEY_DERIVATION_INPUT_SALT},
        {hkdf, PSA_KEY_DERIVATION_INPUT_SECRET, PSA_KEY_DERIVATION_INPUT_SECRET},
        {hkdf, PSA_KEY_DERIVATION_INPUT_SALT, PSA_KEY_DERIVATION_INPUT_SALT},
        {hkdf, PSA_KEY_DERIVATION_INPUT_INFO, PSA_KEY_DERIVATION_INPUT_INFO},
        {PSA_ALG_HKDF_EXPAND(PSA_ALG_SHA_256), PSA_KEY_DERIVATION_INPUT_INFO, 0},
        {PSA_ALG_HKDF_EXTRACT(PSA_ALG_SHA_256), PSA_KEY_DERIVATION_INPUT_SECRET, 0},
        {PSA_ALG_TLS12_PRF(PSA_ALG_SHA_256), PSA_KEY_DERIVATION_INPUT_SECRET, 0},
        {PSA_ALG_TLS12_PRF(PSA_ALG_SHA_256), PSA_KEY_DERIVATION_INPUT_LABEL, 0},
        {PSA_ALG_TLS12_PSK_TO_MS(PSA_ALG_SHA_256), PSA_KEY_DERIVATION_INPUT_OTHER_SECRET, 0},
        {PSA_ALG_PBKDF2_HMAC(PSA_ALG_SHA_256), PSA_KEY_DERIVATION_INPUT_SALT, 0},
        {PSA_ALG_PBKDF2_HMAC(PSA_ALG_SHA_256), PSA_KEY_DERIVATION_INPUT_PASSWORD, 0},
        {PSA_ALG_SP800_108_COUNTER_HMAC(PSA_ALG_SHA_256), PSA_KEY_DERIVATION_INPUT_LABEL, 0},
    };
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        assert_int_equal(psa_key_derivation_setup(&op, order[i].alg), PSA_SUCCESS);
        if (order[i].second != 0) {
            assert_int_equal(psa_key_derivation_input_bytes(&op, order[i].first, d, 16),
                             PSA_SUCCESS);
            assert_int_equal(psa_key_derivation_input_bytes(&op, order[i].second, d, 16),
                             PSA_ERROR_BAD_STATE);
        } else {
            /* A later step while a mandatory earlier one is missing. */
            assert_int_equal(psa_key_derivation_input_bytes(&op, order[i].first, d, 16),
                             PSA_ERROR_BAD_STATE);
        }
        assert_int_equal(psa_key_derivation_output_bytes(&op, out, 1), PSA_ERROR_BAD_STATE);
        assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    }
    /* PBKDF2: cost first and only once; salt repeatable until password;
     * nothing after output. */
    psa_algorithm_t pb = PSA_ALG_PBKDF2_HMAC(PSA_ALG_SHA_256);
    assert_int_equal(psa_key_derivation_setup(&op, pb), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_integer(&op, PSA_KEY_DERIVATION_INPUT_COST, 2),
                     PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_integer(&op, PSA_KEY_DERIVATION_INPUT_COST, 2),
                     PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_key_derivation_setup(&op, pb), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_integer(&op, PSA_KEY_DERIVATION_INPUT_COST, 2),
                     PSA_SUCCESS);
    assert_int_equal(IN(&op, SALT, d, 4), PSA_SUCCESS);
    assert_int_equal(IN(&op, SALT, d, 4), PSA_SUCCESS);
    assert_int_equal(IN(&op, PASSWORD, d, 4), PSA_SUCCESS);
    assert_int_equal(IN(&op, SALT, d, 4), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_key_derivation_setup(&op, pb), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_integer(&op, PSA_KEY_DERIVATION_INPUT_COST, 2),
                     PSA_SUCCESS);
    assert_int_equal(IN(&op, SALT, d, 4), PSA_SUCCESS);
    assert_int_equal(IN(&op, PASSWORD, d, 4), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_output_bytes(&op, out, 4), PSA_SUCCESS);
    assert_int_equal(IN(&op, PASSWORD, d, 4), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    /* Input after output for HKDF. */
    assert_int_equal(psa_key_derivation_setup(&op, hkdf), PSA_SUCCESS);
    assert_int_equal(IN(&op, SECRET, d, 16), PSA_SUCCESS);
    assert_int_equal(IN(&op, INFO, d, 1), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_output_bytes(&op, out, 1), PSA_SUCCESS);
    assert_int_equal(IN(&op, INFO, d, 1), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
}

static void test_kdf_arguments(void **state)
{
    (void)state;
    const uint8_t d[16] = {1};
    kdf_op_t op = PSA_KEY_DERIVATION_OPERATION_INIT;
    /* Setup: not a KDF; raw key agreement; an unknown key agreement; FFDH
     * with an unknown hash; unknown hash. */
    assert_int_equal(psa_key_derivation_setup(&op, PSA_ALG_SHA_256), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_key_derivation_setup(&op, PSA_ALG_ECDH), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_key_derivation_setup(&op, PSA_ALG_KEY_AGREEMENT(
                                                       0x09030000, PSA_ALG_HKDF(PSA_ALG_SHA_256))),
                     PSA_ERROR_NOT_SUPPORTED);
    assert_int_equal(psa_key_derivation_setup(&op, PSA_ALG_KEY_AGREEMENT(
                                                       PSA_ALG_FFDH, PSA_ALG_HKDF(0x020000fe))),
                     PSA_ERROR_NOT_SUPPORTED);
    assert_int_equal(psa_key_derivation_setup(&op, PSA_ALG_HKDF(0x020000fe)),
                     PSA_ERROR_NOT_SUPPORTED);
    assert_int_equal(psa_key_derivation_setup(&op, PSA_ALG_TLS12_PRF(PSA_ALG_SHA_512)),
                     PSA_ERROR_NOT_SUPPORTED);
    assert_int_equal(op.handle, 0);
    /* A step the algorithm does not take. */
    assert_int_equal(psa_key_derivation_setup(&op, PSA_ALG_HKDF(PSA_ALG_SHA_256)), PSA_SUCCESS);
    assert_int_equal(IN(&op, LABEL, d, 1), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_setup(&op, PSA_ALG_HKDF(PSA_ALG_SHA_256)), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_bytes(&op, 0x7777, d, 1), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_setup(&op, PSA_ALG_HKDF(PSA_ALG_SHA_256)), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_integer(&op, PSA_KEY_DERIVATION_INPUT_SALT, 3),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    /* Cost: integer only, nonzero, within the cap. */
    psa_algorithm_t pb = PSA_ALG_PBKDF2_HMAC(PSA_ALG_SHA_256);
    assert_int_equal(psa_key_derivation_setup(&op, pb), PSA_SUCCESS);
    assert_int_equal(IN(&op, COST, d, 4), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_key_derivation_setup(&op, pb), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_integer(&op, PSA_KEY_DERIVATION_INPUT_COST, 0),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_key_derivation_setup(&op, pb), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_integer(&op, PSA_KEY_DERIVATION_INPUT_COST,
                                                      WARD_CRYPTO_PBKDF2_MAX_COST_DEFAULT),
                     PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_setup(&op, pb), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_setup(&op, pb), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_integer(&op, PSA_KEY_DERIVATION_INPUT_COST,
                                                      WARD_CRYPTO_PBKDF2_MAX_COST_DEFAULT + 1u),
                     PSA_ERROR_NOT_SUPPORTED);
    ward_crypto_set_pbkdf2_max_cost(10);
    assert_int_equal(psa_key_derivation_setup(&op, pb), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_integer(&op, PSA_KEY_DERIVATION_INPUT_COST, 11),
                     PSA_ERROR_NOT_SUPPORTED);
    assert_int_equal(psa_key_derivation_setup(&op, pb), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_integer(&op, PSA_KEY_DERIVATION_INPUT_COST, 10),
                     PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    ward_crypto_set_pbkdf2_max_cost(0);
    /* Oversized input. */
    uint8_t *big = calloc(1, 4097);
    assert_non_null(big);
    assert_int_equal(psa_key_derivation_setup(&op, PSA_ALG_HKDF(PSA_ALG_SHA_256)), PSA_SUCCESS);
    assert_int_equal(IN(&op, INFO, big, 4097), PSA_ERROR_NOT_SUPPORTED);
    assert_int_equal(psa_key_derivation_setup(&op, PSA_ALG_HKDF(PSA_ALG_SHA_256)), PSA_SUCCESS);
    assert_int_equal(IN(&op, INFO, big, 4096), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    free(big);
}

static void test_kdf_policy(void **state)
{
    (void)state;
    HEX(ikm, HKDF_IKM1);
    HEX(info, HKDF_INFO1);
    HEX(salt, HKDF_SALT1);
    HEX(want, HKDF_OKM1);
    psa_algorithm_t alg = PSA_ALG_HKDF(PSA_ALG_SHA_256);
    kdf_op_t op = PSA_KEY_DERIVATION_OPERATION_INIT;
    uint8_t out[42];
    /* No derive usage; wrong algorithm; wrong type. */
    psa_key_id_t k = import_key(PSA_KEY_TYPE_DERIVE, PSA_KEY_USAGE_EXPORT, alg, ikm, ikm_len);
    assert_int_equal(psa_key_derivation_setup(&op, alg), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_key(&op, PSA_KEY_DERIVATION_INPUT_SECRET, k),
                     PSA_ERROR_NOT_PERMITTED);
    assert_int_equal(IN(&op, INFO, info, info_len), PSA_ERROR_BAD_STATE);
    psa_destroy_key(k);
    k = import_key(PSA_KEY_TYPE_DERIVE, PSA_KEY_USAGE_DERIVE, PSA_ALG_HKDF(PSA_ALG_SHA_1),
                   ikm, ikm_len);
    assert_int_equal(psa_key_derivation_setup(&op, alg), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_key(&op, PSA_KEY_DERIVATION_INPUT_SECRET, k),
                     PSA_ERROR_NOT_PERMITTED);
    psa_destroy_key(k);
    k = import_key(PSA_KEY_TYPE_RAW_DATA, PSA_KEY_USAGE_DERIVE, alg, ikm, ikm_len);
    assert_int_equal(psa_key_derivation_setup(&op, alg), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_key(&op, PSA_KEY_DERIVATION_INPUT_SECRET, k),
                     PSA_ERROR_INVALID_ARGUMENT);
    /* A RAW_DATA key is fine as salt or info. */
    assert_int_equal(psa_key_derivation_setup(&op, alg), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_key(&op, PSA_KEY_DERIVATION_INPUT_INFO, k),
                     PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    psa_destroy_key(k);
    assert_int_equal(psa_key_derivation_setup(&op, alg), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_key(&op, PSA_KEY_DERIVATION_INPUT_SECRET, 12345),
                     PSA_ERROR_INVALID_HANDLE);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    /* VERIFY_DERIVATION only: verify works, output does not. */
    k = import_key(PSA_KEY_TYPE_DERIVE, PSA_KEY_USAGE_VERIFY_DERIVATION, alg, ikm, ikm_len);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(psa_key_derivation_setup(&op, alg), PSA_SUCCESS);
        assert_int_equal(IN(&op, SALT, salt, salt_len), PSA_SUCCESS);
        assert_int_equal(psa_key_derivation_input_key(&op, PSA_KEY_DERIVATION_INPUT_SECRET, k),
                         PSA_SUCCESS);
        assert_int_equal(IN(&op, INFO, info, info_len), PSA_SUCCESS);
        if (i == 0) {
            assert_int_equal(psa_key_derivation_verify_bytes(&op, want, want_len), PSA_SUCCESS);
        } else {
            assert_int_equal(psa_key_derivation_output_bytes(&op, out, 1),
                             PSA_ERROR_NOT_PERMITTED);
        }
        assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    }
    psa_destroy_key(k);
    /* DERIVE: output from a key secret. */
    k = import_key(PSA_KEY_TYPE_DERIVE, PSA_KEY_USAGE_DERIVE, alg, ikm, ikm_len);
    assert_int_equal(psa_key_derivation_setup(&op, alg), PSA_SUCCESS);
    assert_int_equal(IN(&op, SALT, salt, salt_len), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_key(&op, PSA_KEY_DERIVATION_INPUT_SECRET, k),
                     PSA_SUCCESS);
    /* Destroying the input key does not disturb the operation. */
    assert_int_equal(psa_destroy_key(k), PSA_SUCCESS);
    assert_int_equal(IN(&op, INFO, info, info_len), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_output_bytes(&op, out, sizeof out), PSA_SUCCESS);
    assert_memory_equal(out, want, want_len);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
}

static psa_key_attributes_t attrs(psa_key_type_t type, size_t bits, psa_key_usage_t usage,
                                  psa_algorithm_t alg)
{
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&a, type);
    psa_set_key_bits(&a, bits);
    psa_set_key_usage_flags(&a, usage);
    psa_set_key_algorithm(&a, alg);
    return a;
}

static void hkdf_key_secret(kdf_op_t *op, psa_key_id_t k)
{
    HEX(info, HKDF_INFO1);
    HEX(salt, HKDF_SALT1);
    assert_int_equal(psa_key_derivation_setup(op, PSA_ALG_HKDF(PSA_ALG_SHA_256)), PSA_SUCCESS);
    assert_int_equal(IN(op, SALT, salt, salt_len), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_key(op, PSA_KEY_DERIVATION_INPUT_SECRET, k),
                     PSA_SUCCESS);
    assert_int_equal(IN(op, INFO, info, info_len), PSA_SUCCESS);
}

static void test_kdf_output_key(void **state)
{
    (void)state;
    HEX(ikm, HKDF_IKM1);
    HEX(want, HKDF_OKM1);
    psa_algorithm_t alg = PSA_ALG_HKDF(PSA_ALG_SHA_256);
    psa_key_id_t k = import_key(PSA_KEY_TYPE_DERIVE, PSA_KEY_USAGE_DERIVE, alg, ikm, ikm_len);
    kdf_op_t op = PSA_KEY_DERIVATION_OPERATION_INIT;
    psa_key_id_t out1 = 0, out2 = 0;
    uint8_t exp[32];
    size_t n;
    assert_int_equal(want_len, 42);
    /* Two keys in a row take successive output. */
    hkdf_key_secret(&op, k);
    psa_key_attributes_t a = attrs(PSA_KEY_TYPE_AES, 128, PSA_KEY_USAGE_EXPORT, PSA_ALG_CTR);
    assert_int_equal(psa_key_derivation_output_key(&a, &op, &out1), PSA_SUCCESS);
    a = attrs(PSA_KEY_TYPE_RAW_DATA, 16, PSA_KEY_USAGE_EXPORT, 0);
    assert_int_equal(psa_key_derivation_output_key(&a, &op, &out2), PSA_SUCCESS);
    assert_int_equal(psa_export_key(out1, exp, sizeof exp, &n), PSA_SUCCESS);
    assert_int_equal(n, 16);
    assert_memory_equal(exp, want, 16);
    assert_int_equal(psa_export_key(out2, exp, sizeof exp, &n), PSA_SUCCESS);
    assert_int_equal(n, 2);
    assert_memory_equal(exp, want + 16, 2);
    psa_key_attributes_t got = PSA_KEY_ATTRIBUTES_INIT;
    assert_int_equal(psa_get_key_attributes(out1, &got), PSA_SUCCESS);
    assert_int_equal(psa_get_key_bits(&got), 128);
    assert_int_equal(psa_get_key_type(&got), PSA_KEY_TYPE_AES);
    /* Not enough capacity: INSUFFICIENT_DATA, no key, capacity 0. */
    assert_int_equal(psa_key_derivation_set_capacity(&op, 15), PSA_SUCCESS);
    a = attrs(PSA_KEY_TYPE_AES, 128, PSA_KEY_USAGE_EXPORT, PSA_ALG_CTR);
    psa_key_id_t none = 1;
    assert_int_equal(psa_key_derivation_output_key(&a, &op, &none), PSA_ERROR_INSUFFICIENT_DATA);
    assert_int_equal(none, 0);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    psa_destroy_key(out1);
    psa_destroy_key(out2);
    /* Persistent derived key. */
    hkdf_key_secret(&op, k);
    a = attrs(PSA_KEY_TYPE_HMAC, 256, PSA_KEY_USAGE_EXPORT, PSA_ALG_HMAC(PSA_ALG_SHA_256));
    psa_set_key_id(&a, 77);
    assert_int_equal(psa_key_derivation_output_key(&a, &op, &out1), PSA_SUCCESS);
    assert_int_equal(out1, 77);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    restart_library();
    assert_int_equal(psa_export_key(77, exp, sizeof exp, &n), PSA_SUCCESS);
    assert_int_equal(n, 32);
    assert_memory_equal(exp, want, 32);
    assert_int_equal(psa_destroy_key(77), PSA_SUCCESS);
    k = import_key(PSA_KEY_TYPE_DERIVE, PSA_KEY_USAGE_DERIVE, alg, ikm, ikm_len);
    /* Bad attributes: size 0, odd size, wrong AES size, a public key, DES,
     * asymmetric. Each leaves the operation in the error state. */
    struct {
        psa_key_type_t type;
        size_t bits;
        psa_status_t want;
    } bad[] = {
        {PSA_KEY_TYPE_AES, 0, PSA_ERROR_INVALID_ARGUMENT},
        {PSA_KEY_TYPE_RAW_DATA, 12, PSA_ERROR_INVALID_ARGUMENT},
        {PSA_KEY_TYPE_AES, 64, PSA_ERROR_INVALID_ARGUMENT},
        {PSA_KEY_TYPE_ECC_PUBLIC_KEY(PSA_ECC_FAMILY_SECP_R1), 256, PSA_ERROR_INVALID_ARGUMENT},
        {PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_SECP_R1), 256, PSA_ERROR_NOT_SUPPORTED},
        {PSA_KEY_TYPE_DES, 192, PSA_ERROR_NOT_SUPPORTED},
        {PSA_KEY_TYPE_NONE, 128, PSA_ERROR_INVALID_ARGUMENT},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        hkdf_key_secret(&op, k);
        a = attrs(bad[i].type, bad[i].bits, PSA_KEY_USAGE_EXPORT, 0);
        assert_int_equal(psa_key_derivation_output_key(&a, &op, &out1), bad[i].want);
        assert_int_equal(out1, 0);
        assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    }
    /* A secret given as bytes cannot make keys. */
    HEX(salt, HKDF_SALT1);
    HEX(info, HKDF_INFO1);
    assert_int_equal(psa_key_derivation_setup(&op, alg), PSA_SUCCESS);
    assert_int_equal(IN(&op, SECRET, ikm, ikm_len), PSA_SUCCESS);
    assert_int_equal(IN(&op, INFO, info, info_len), PSA_SUCCESS);
    a = attrs(PSA_KEY_TYPE_AES, 128, PSA_KEY_USAGE_EXPORT, 0);
    assert_int_equal(psa_key_derivation_output_key(&a, &op, &out1), PSA_ERROR_NOT_PERMITTED);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    (void)salt_len;
    psa_destroy_key(k);
}

static void test_kdf_password_hash(void **state)
{
    (void)state;
    psa_algorithm_t pb = PSA_ALG_PBKDF2_HMAC(PSA_ALG_SHA_256);
    HEX(pw, "706173737764");
    HEX(salt, "73616c74");
    HEX(want, "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
    psa_key_id_t p = import_key(PSA_KEY_TYPE_PASSWORD, PSA_KEY_USAGE_DERIVE, pb, pw, pw_len);
    kdf_op_t op = PSA_KEY_DERIVATION_OPERATION_INIT;
    psa_key_id_t h = 0, other = 0;
#define START()                                                                                \
    do {                                                                                       \
        assert_int_equal(psa_key_derivation_setup(&op, pb), PSA_SUCCESS);                      \
        assert_int_equal(psa_key_derivation_input_integer(&op, PSA_KEY_DERIVATION_INPUT_COST,  \
                                                          1), PSA_SUCCESS);                    \
        assert_int_equal(IN(&op, SALT, salt, salt_len), PSA_SUCCESS);                          \
        assert_int_equal(psa_key_derivation_input_key(&op, PSA_KEY_DERIVATION_INPUT_PASSWORD,  \
                                                      p), PSA_SUCCESS);                        \
    } while (0)
    /* A password hash must name the operation's algorithm. */
    START();
    psa_key_attributes_t a = attrs(PSA_KEY_TYPE_PASSWORD_HASH, 256,
                                   PSA_KEY_USAGE_VERIFY_DERIVATION | PSA_KEY_USAGE_EXPORT,
                                   PSA_ALG_PBKDF2_HMAC(PSA_ALG_SHA_1));
    assert_int_equal(psa_key_derivation_output_key(&a, &op, &h), PSA_ERROR_INVALID_ARGUMENT);
    START();
    psa_set_key_algorithm(&a, pb);
    assert_int_equal(psa_key_derivation_output_key(&a, &op, &h), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    uint8_t exp[32];
    size_t n;
    assert_int_equal(want_len, 32);
    assert_int_equal(psa_export_key(h, exp, sizeof exp, &n), PSA_SUCCESS);
    assert_memory_equal(exp, want, 32);
    /* verify_key: match, mismatch, wrong type, missing usage. */
    START();
    assert_int_equal(psa_key_derivation_verify_key(&op, h), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    START();
    uint8_t skip[1];
    assert_int_equal(psa_key_derivation_output_bytes(&op, skip, 1), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_verify_key(&op, h), PSA_ERROR_INVALID_SIGNATURE);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    other = import_key(PSA_KEY_TYPE_RAW_DATA, PSA_KEY_USAGE_VERIFY_DERIVATION, pb, want, 32);
    START();
    assert_int_equal(psa_key_derivation_verify_key(&op, other), PSA_ERROR_INVALID_ARGUMENT);
    psa_destroy_key(other);
    other = import_key(PSA_KEY_TYPE_PASSWORD_HASH, PSA_KEY_USAGE_EXPORT, pb, want, 32);
    START();
    assert_int_equal(psa_key_derivation_verify_key(&op, other), PSA_ERROR_NOT_PERMITTED);
    psa_destroy_key(other);
    other = import_key(PSA_KEY_TYPE_PASSWORD_HASH, PSA_KEY_USAGE_VERIFY_DERIVATION,
                       PSA_ALG_PBKDF2_HMAC(PSA_ALG_SHA_1), want, 32);
    START();
    assert_int_equal(psa_key_derivation_verify_key(&op, other), PSA_ERROR_NOT_PERMITTED);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    psa_destroy_key(other);
    /* PBKDF2-AES-CMAC with a password key and a pepper key as salt. */
    HEX(pw2, "70617373776f7264");
    psa_key_id_t p2 = import_key(PSA_KEY_TYPE_PASSWORD, PSA_KEY_USAGE_DERIVE,
                                 PSA_ALG_PBKDF2_AES_CMAC_PRF_128, pw2, pw2_len);
    psa_key_id_t pep = import_key(PSA_KEY_TYPE_PEPPER, PSA_KEY_USAGE_DERIVE,
                                  PSA_ALG_PBKDF2_AES_CMAC_PRF_128, salt, salt_len);
    HEX(want2, "1b72f6419173a06e27777606a315876ec71227de");
    uint8_t out[20];
    assert_int_equal(psa_key_derivation_setup(&op, PSA_ALG_PBKDF2_AES_CMAC_PRF_128), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_integer(&op, PSA_KEY_DERIVATION_INPUT_COST, 1),
                     PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_key(&op, PSA_KEY_DERIVATION_INPUT_SALT, pep),
                     PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_key(&op, PSA_KEY_DERIVATION_INPUT_PASSWORD, p2),
                     PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_output_bytes(&op, out, 20), PSA_SUCCESS);
    assert_memory_equal(out, want2, want2_len);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    /* A cost cannot be a key. */
    assert_int_equal(psa_key_derivation_setup(&op, PSA_ALG_PBKDF2_AES_CMAC_PRF_128), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_key(&op, PSA_KEY_DERIVATION_INPUT_COST, pep),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
#undef START
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CRYPTO_TEST(test_kdf_kats),
        CRYPTO_TEST(test_kdf_psk_to_ms_construction),
        CRYPTO_TEST(test_kdf_sp800_108),
        CRYPTO_TEST(test_kdf_capacity),
        CRYPTO_TEST(test_kdf_bad_state),
        CRYPTO_TEST(test_kdf_arguments),
        CRYPTO_TEST(test_kdf_policy),
        CRYPTO_TEST(test_kdf_output_key),
        CRYPTO_TEST(test_kdf_password_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
