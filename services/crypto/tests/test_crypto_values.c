/* The header encodings: spot values from the specification's tables and
 * the size macros for algorithms this build supports. */
#include "crypto_test_util.h"

static void test_algorithm_encodings(void **state)
{
    (void)state;
    assert_int_equal(PSA_ALG_HMAC(PSA_ALG_SHA_256), 0x03800009);
    assert_true(PSA_ALG_IS_HMAC(PSA_ALG_HMAC(PSA_ALG_SHA_256)));
    assert_true(PSA_ALG_IS_HMAC(PSA_ALG_TRUNCATED_MAC(PSA_ALG_HMAC(PSA_ALG_SHA_256), 10)));
    assert_int_equal(PSA_ALG_TRUNCATED_MAC(PSA_ALG_CMAC, 8), 0x03c80200);
    assert_int_equal(PSA_ALG_FULL_LENGTH_MAC(PSA_ALG_TRUNCATED_MAC(PSA_ALG_CMAC, 8)),
                     PSA_ALG_CMAC);
    assert_int_equal(PSA_ALG_AT_LEAST_THIS_LENGTH_MAC(PSA_ALG_CMAC, 8), 0x03c88200);
    assert_true(PSA_ALG_IS_WILDCARD(PSA_ALG_AT_LEAST_THIS_LENGTH_MAC(PSA_ALG_CMAC, 8)));
    assert_false(PSA_ALG_IS_WILDCARD(PSA_ALG_CMAC));
    assert_int_equal(PSA_ALG_AEAD_WITH_SHORTENED_TAG(PSA_ALG_GCM, 8), 0x05480200);
    assert_int_equal(PSA_ALG_AEAD_WITH_DEFAULT_LENGTH_TAG(
                         PSA_ALG_AEAD_WITH_SHORTENED_TAG(PSA_ALG_CCM, 4)), PSA_ALG_CCM);
    assert_int_equal(PSA_ALG_AEAD_WITH_DEFAULT_LENGTH_TAG(
                         PSA_ALG_AEAD_WITH_AT_LEAST_THIS_LENGTH_TAG(
                             PSA_ALG_CHACHA20_POLY1305, 12)), PSA_ALG_CHACHA20_POLY1305);
    assert_true(PSA_ALG_IS_WILDCARD(PSA_ALG_ECDSA(PSA_ALG_ANY_HASH)));
    assert_int_equal(PSA_ALG_GET_HASH(PSA_ALG_ECDSA(PSA_ALG_SHA_384)), PSA_ALG_SHA_384);
    assert_int_equal(PSA_ALG_GET_HASH(PSA_ALG_CMAC), PSA_ALG_NONE);
    assert_true(PSA_ALG_IS_SIGN_HASH(PSA_ALG_ECDSA_ANY));
    assert_false(PSA_ALG_IS_SIGN_MESSAGE(PSA_ALG_ECDSA_ANY));
    assert_true(PSA_ALG_IS_RSA_PSS(PSA_ALG_RSA_PSS_ANY_SALT(PSA_ALG_SHA_256)));
    assert_true(PSA_ALG_IS_AEAD_ON_BLOCK_CIPHER(PSA_ALG_GCM));
    assert_false(PSA_ALG_IS_AEAD_ON_BLOCK_CIPHER(PSA_ALG_CHACHA20_POLY1305));
    assert_true(PSA_ALG_IS_STREAM_CIPHER(PSA_ALG_STREAM_CIPHER));
    assert_true(PSA_ALG_IS_STREAM_CIPHER(PSA_ALG_CTR)); /* CTR is a stream cipher mode */
    assert_false(PSA_ALG_IS_STREAM_CIPHER(PSA_ALG_CBC_NO_PADDING));
    assert_int_equal(PSA_ALG_KEY_AGREEMENT_GET_BASE(
                         PSA_ALG_KEY_AGREEMENT(PSA_ALG_ECDH, PSA_ALG_HKDF(PSA_ALG_SHA_256))),
                     PSA_ALG_ECDH);
    assert_int_equal(PSA_ALG_KEY_AGREEMENT_GET_KDF(
                         PSA_ALG_KEY_AGREEMENT(PSA_ALG_ECDH, PSA_ALG_HKDF(PSA_ALG_SHA_256))),
                     PSA_ALG_HKDF(PSA_ALG_SHA_256));
}

static void test_key_type_encodings(void **state)
{
    (void)state;
    assert_int_equal(PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_SECP_R1), 0x7112);
    assert_int_equal(PSA_KEY_TYPE_PUBLIC_KEY_OF_KEY_PAIR(0x7112), 0x4112);
    assert_true(PSA_KEY_TYPE_IS_ECC(0x7112));
    assert_true(PSA_KEY_TYPE_IS_RSA(PSA_KEY_TYPE_RSA_KEY_PAIR));
    assert_true(PSA_KEY_TYPE_IS_UNSTRUCTURED(PSA_KEY_TYPE_AES));
    assert_int_equal(PSA_BLOCK_CIPHER_BLOCK_LENGTH(PSA_KEY_TYPE_AES), 16);
    assert_int_equal(PSA_BLOCK_CIPHER_BLOCK_LENGTH(PSA_KEY_TYPE_DES), 8);
    assert_int_equal(PSA_BLOCK_CIPHER_BLOCK_LENGTH(PSA_KEY_TYPE_CHACHA20), 1);
    assert_int_equal(PSA_KEY_LIFETIME_FROM_PERSISTENCE_AND_LOCATION(0xff, 1), 0x1ff);
}

static void test_sizes(void **state)
{
    (void)state;
    assert_int_equal(PSA_HASH_LENGTH(PSA_ALG_SHA_512_256), 32);
    assert_int_equal(PSA_HASH_LENGTH(PSA_ALG_HMAC(PSA_ALG_SHA_384)), 48);
    assert_int_equal(PSA_MAC_LENGTH(PSA_KEY_TYPE_HMAC, 256, PSA_ALG_HMAC(PSA_ALG_SHA_256)), 32);
    assert_int_equal(PSA_MAC_LENGTH(PSA_KEY_TYPE_AES, 128, PSA_ALG_CMAC), 16);
    assert_int_equal(PSA_MAC_LENGTH(PSA_KEY_TYPE_AES, 128, PSA_ALG_TRUNCATED_MAC(PSA_ALG_CMAC, 4)), 4);
    assert_int_equal(PSA_CIPHER_IV_LENGTH(PSA_KEY_TYPE_AES, PSA_ALG_CBC_PKCS7), 16);
    assert_int_equal(PSA_CIPHER_IV_LENGTH(PSA_KEY_TYPE_AES, PSA_ALG_ECB_NO_PADDING), 0);
    assert_int_equal(PSA_CIPHER_IV_LENGTH(PSA_KEY_TYPE_CHACHA20, PSA_ALG_STREAM_CIPHER), 12);
    assert_int_equal(PSA_CIPHER_ENCRYPT_OUTPUT_SIZE(PSA_KEY_TYPE_AES, PSA_ALG_CBC_PKCS7, 16), 48);
    assert_int_equal(PSA_CIPHER_ENCRYPT_OUTPUT_SIZE(PSA_KEY_TYPE_AES, PSA_ALG_CTR, 5), 21);
    assert_int_equal(PSA_AEAD_NONCE_LENGTH(PSA_KEY_TYPE_AES, PSA_ALG_GCM), 12);
    assert_int_equal(PSA_AEAD_NONCE_LENGTH(PSA_KEY_TYPE_AES, PSA_ALG_CCM), 13);
    assert_int_equal(PSA_AEAD_TAG_LENGTH(PSA_KEY_TYPE_AES, 128,
                                         PSA_ALG_AEAD_WITH_SHORTENED_TAG(PSA_ALG_CCM, 8)), 8);
    assert_int_equal(PSA_AEAD_ENCRYPT_OUTPUT_SIZE(PSA_KEY_TYPE_CHACHA20,
                                                  PSA_ALG_CHACHA20_POLY1305, 10), 26);
    assert_int_equal(PSA_AEAD_DECRYPT_OUTPUT_SIZE(PSA_KEY_TYPE_AES, PSA_ALG_GCM, 10), 0);
    assert_int_equal(PSA_EXPORT_KEY_OUTPUT_SIZE(PSA_KEY_TYPE_AES, 256), 32);
    assert_int_equal(PSA_EXPORT_PUBLIC_KEY_OUTPUT_SIZE(
                         PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_SECP_R1), 256), 65);
    assert_true(PSA_HASH_SUSPEND_OUTPUT_SIZE(PSA_ALG_SHA_256) <= PSA_HASH_SUSPEND_OUTPUT_MAX_SIZE);
}

static void test_attribute_accessors(void **state)
{
    (void)state;
    psa_key_attributes_t a = psa_key_attributes_init();
    assert_int_equal(psa_get_key_lifetime(&a), PSA_KEY_LIFETIME_VOLATILE);
    psa_set_key_id(&a, 42);
    assert_int_equal(psa_get_key_lifetime(&a), PSA_KEY_LIFETIME_PERSISTENT);
    psa_set_key_lifetime(&a, PSA_KEY_LIFETIME_VOLATILE);
    assert_int_equal(psa_get_key_id(&a), 0);
    psa_set_key_bits(&a, 128);
    psa_reset_key_attributes(&a);
    assert_int_equal(psa_get_key_bits(&a), 0);
    psa_hash_operation_t h = psa_hash_operation_init();
    psa_aead_operation_t ae = PSA_AEAD_OPERATION_INIT;
    assert_int_equal(h.handle, 0);
    assert_int_equal(ae.handle, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_algorithm_encodings),
        cmocka_unit_test(test_key_type_encodings),
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_attribute_accessors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
