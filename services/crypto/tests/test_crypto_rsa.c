/* RSA: strict key import (PKCS#1 DER only), export, export_public,
 * generation and its size cap, generation with a chosen exponent
 * (psa_generate_key_custom); PKCS#1 v1.5 (hash and raw) and PSS
 * signatures with their policy and argument errors. */
#include "crypto_test_util.h"
#include "ward_crypto.h"
#include "vectors/rsa_vectors.h"

#define BIG(name, str)                          \
    static uint8_t name[2600];                  \
    size_t name##_len = unhex(str, name, sizeof name)

#define PAIR PSA_KEY_TYPE_RSA_KEY_PAIR
#define PUB PSA_KEY_TYPE_RSA_PUBLIC_KEY
#define V15 PSA_ALG_RSA_PKCS1V15_SIGN(PSA_ALG_SHA_256)
#define PSS PSA_ALG_RSA_PSS(PSA_ALG_SHA_256)
#define PSS_ANY PSA_ALG_RSA_PSS_ANY_SALT(PSA_ALG_SHA_256)
#define SIGN_ALL (PSA_KEY_USAGE_SIGN_HASH | PSA_KEY_USAGE_VERIFY_HASH)

static psa_status_t try_import(psa_key_type_t type, size_t bits, const uint8_t *d, size_t n,
                               psa_key_id_t *id)
{
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&a, type);
    psa_set_key_bits(&a, bits);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_EXPORT);
    return psa_import_key(&a, d, n, id);
}

static void test_rsa_keys(void **state)
{
    (void)state;
    BIG(pair, RSA1024_PAIR);
    BIG(pub, RSA1024_PUB);
    BIG(pk8, RSA1024_PKCS8);
    BIG(spki, RSA1024_SPKI);
    static uint8_t out[2600];
    size_t n;
    psa_key_id_t id;
    assert_int_equal(try_import(PAIR, 0, pair, pair_len, &id), PSA_SUCCESS);
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    assert_int_equal(psa_get_key_attributes(id, &a), PSA_SUCCESS);
    assert_int_equal(psa_get_key_bits(&a), 1024);
    assert_int_equal(psa_export_key(id, out, sizeof out, &n), PSA_SUCCESS);
    assert_int_equal(n, pair_len);
    assert_memory_equal(out, pair, n);
    assert_int_equal(psa_export_public_key(id, out, sizeof out, &n), PSA_SUCCESS);
    assert_int_equal(n, pub_len);
    assert_memory_equal(out, pub, n);
    assert_int_equal(psa_export_public_key(id, out, pub_len - 1, &n), PSA_ERROR_BUFFER_TOO_SMALL);
    psa_destroy_key(id);
    psa_reset_key_attributes(&a);
    psa_set_key_type(&a, PUB); /* no EXPORT usage: a public key exports anyway */
    assert_int_equal(psa_import_key(&a, pub, pub_len, &id), PSA_SUCCESS);
    assert_int_equal(psa_export_key(id, out, sizeof out, &n), PSA_SUCCESS);
    assert_memory_equal(out, pub, pub_len);
    psa_destroy_key(id);
    /* Refused: PKCS#8, SubjectPublicKeyInfo, trailing byte, truncated, a
     * pair as a public key, wrong bits, a corrupted pair. */
    assert_int_equal(try_import(PAIR, 0, pk8, pk8_len, &id), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(try_import(PUB, 0, spki, spki_len, &id), PSA_ERROR_INVALID_ARGUMENT);
    pair[pair_len] = 0;
    assert_int_equal(try_import(PAIR, 0, pair, pair_len + 1, &id), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(try_import(PAIR, 0, pair, pair_len - 1, &id), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(try_import(PUB, 0, pair, pair_len, &id), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(try_import(PAIR, 2048, pair, pair_len, &id), PSA_ERROR_INVALID_ARGUMENT);
    /* Flip a bit inside the private exponent (after n and e): still DER,
     * but not a consistent key. */
    pair[200] ^= 0x10;
    assert_int_equal(try_import(PAIR, 0, pair, pair_len, &id), PSA_ERROR_INVALID_ARGUMENT);
    pair[200] ^= 0x10;
    /* Generation: 65537, sizes, the cap. */
    psa_reset_key_attributes(&a);
    psa_set_key_type(&a, PAIR);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_EXPORT | SIGN_ALL);
    psa_set_key_algorithm(&a, V15);
    assert_int_equal(psa_generate_key(&a, &id), PSA_ERROR_INVALID_ARGUMENT); /* no size */
    psa_set_key_bits(&a, 512);
    assert_int_equal(psa_generate_key(&a, &id), PSA_ERROR_NOT_SUPPORTED);
    psa_set_key_bits(&a, 8192);
    assert_int_equal(psa_generate_key(&a, &id), PSA_ERROR_NOT_SUPPORTED);
    psa_set_key_bits(&a, 2048);
    assert_int_equal(psa_generate_key(&a, &id), PSA_SUCCESS);
    assert_int_equal(psa_export_public_key(id, out, sizeof out, &n), PSA_SUCCESS);
    uint8_t h[32] = {1}, sig[256];
    size_t sn;
    assert_int_equal(psa_sign_hash(id, V15, h, 32, sig, sizeof sig, &sn), PSA_SUCCESS);
    assert_int_equal(sn, 256);
    psa_key_id_t v;
    psa_reset_key_attributes(&a);
    psa_set_key_type(&a, PUB);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_VERIFY_HASH);
    psa_set_key_algorithm(&a, V15);
    assert_int_equal(psa_import_key(&a, out, n, &v), PSA_SUCCESS);
    assert_int_equal(psa_verify_hash(v, V15, h, 32, sig, sn), PSA_SUCCESS);
    psa_destroy_key(v);
    psa_destroy_key(id);
    /* The configurable cap applies to import too. */
    ward_crypto_set_rsa_max_bits(768);
    assert_int_equal(try_import(PAIR, 0, pair, pair_len, &id), PSA_ERROR_NOT_SUPPORTED);
    ward_crypto_set_rsa_max_bits(0);
    assert_int_equal(try_import(PAIR, 0, pair, pair_len, &id), PSA_SUCCESS);
    psa_destroy_key(id);
    /* Persistent RSA key across a restart. */
    psa_reset_key_attributes(&a);
    psa_set_key_type(&a, PAIR);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_EXPORT);
    psa_set_key_id(&a, 21);
    assert_int_equal(psa_import_key(&a, pair, pair_len, &id), PSA_SUCCESS);
    restart_library();
    assert_int_equal(psa_export_key(21, out, sizeof out, &n), PSA_SUCCESS);
    assert_int_equal(n, pair_len);
    assert_memory_equal(out, pair, n);
    assert_int_equal(psa_destroy_key(21), PSA_SUCCESS);
}

static void test_rsa_signatures(void **state)
{
    (void)state;
    BIG(pair, RSA1024_PAIR);
    BIG(pub, RSA1024_PUB);
    BIG(v15, RSA1024_PKCS1_SHA256_SAMPLE);
    BIG(pss, RSA1024_PSS_SHA256_SAMPLE);
    BIG(pss0, RSA1024_PSS0_SHA256_SAMPLE);
    BIG(raw, RSA1024_RAW_SIG);
    const uint8_t *m = (const uint8_t *)"sample";
    uint8_t sig[128], h[32];
    size_t n;
    assert_int_equal(psa_hash_compute(PSA_ALG_SHA_256, m, 6, h, sizeof h, &n), PSA_SUCCESS);
    /* PKCS#1 v1.5: deterministic known answer, message and hash. */
    psa_key_id_t k = import_key(PAIR, SIGN_ALL, PSA_ALG_RSA_PKCS1V15_SIGN(PSA_ALG_ANY_HASH),
                                pair, pair_len);
    assert_int_equal(psa_sign_message(k, V15, m, 6, sig, sizeof sig, &n), PSA_SUCCESS);
    assert_int_equal(n, 128);
    assert_memory_equal(sig, v15, v15_len);
    assert_int_equal(psa_sign_hash(k, V15, h, 32, sig, sizeof sig, &n), PSA_SUCCESS);
    assert_memory_equal(sig, v15, v15_len);
    assert_int_equal(psa_sign_hash(k, V15, h, 32, sig, 127, &n), PSA_ERROR_BUFFER_TOO_SMALL);
    assert_int_equal(psa_sign_hash(k, V15, h, 31, sig, sizeof sig, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_verify_message(k, V15, m, 6, v15, v15_len), PSA_SUCCESS);
    psa_destroy_key(k);
    psa_key_id_t p = import_key(PUB, PSA_KEY_USAGE_VERIFY_MESSAGE, V15, pub, pub_len);
    assert_int_equal(psa_verify_message(p, V15, m, 6, v15, v15_len), PSA_SUCCESS);
    assert_int_equal(psa_verify_message(p, V15, m, 5, v15, v15_len), PSA_ERROR_INVALID_SIGNATURE);
    assert_int_equal(psa_verify_message(p, V15, m, 6, v15, v15_len - 1),
                     PSA_ERROR_INVALID_SIGNATURE);
    v15[60] ^= 1;
    assert_int_equal(psa_verify_message(p, V15, m, 6, v15, v15_len), PSA_ERROR_INVALID_SIGNATURE);
    assert_int_equal(psa_sign_message(p, V15, m, 6, sig, sizeof sig, &n),
                     PSA_ERROR_NOT_PERMITTED);
    psa_destroy_key(p);
    /* Raw PKCS#1 v1.5: any input up to k - 11 bytes; no sign_message. */
    psa_algorithm_t rawalg = PSA_ALG_RSA_PKCS1V15_SIGN_RAW;
    k = import_key(PAIR, SIGN_ALL, rawalg, pair, pair_len);
    uint8_t in[118];
    for (size_t i = 0; i < sizeof in; i++) {
        in[i] = (uint8_t)i;
    }
    assert_int_equal(psa_sign_hash(k, rawalg, in, 20, sig, sizeof sig, &n), PSA_SUCCESS);
    assert_memory_equal(sig, raw, raw_len);
    assert_int_equal(psa_verify_hash(k, rawalg, in, 20, raw, raw_len), PSA_SUCCESS);
    assert_int_equal(psa_sign_hash(k, rawalg, in, 117, sig, sizeof sig, &n), PSA_SUCCESS);
    assert_int_equal(psa_sign_hash(k, rawalg, in, 118, sig, sizeof sig, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_sign_message(k, rawalg, in, 20, sig, sizeof sig, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    psa_destroy_key(k);
    /* PSS: round trip (randomized), published-salt signatures verify;
     * the standard-salt algorithm refuses salt 0, the any-salt one takes it. */
    k = import_key(PAIR, SIGN_ALL, PSS, pair, pair_len);
    uint8_t s1[128], s2[128];
    size_t n1, n2;
    assert_int_equal(psa_sign_hash(k, PSS, h, 32, s1, sizeof s1, &n1), PSA_SUCCESS);
    assert_int_equal(psa_sign_hash(k, PSS, h, 32, s2, sizeof s2, &n2), PSA_SUCCESS);
    assert_memory_not_equal(s1, s2, 128);
    assert_int_equal(psa_verify_hash(k, PSS, h, 32, s1, n1), PSA_SUCCESS);
    assert_int_equal(psa_verify_message(k, PSS, m, 6, pss, pss_len), PSA_SUCCESS);
    assert_int_equal(psa_verify_message(k, PSS, m, 6, pss0, pss0_len),
                     PSA_ERROR_INVALID_SIGNATURE);
    assert_int_equal(psa_verify_message(k, PSS_ANY, m, 6, pss0, pss0_len),
                     PSA_ERROR_NOT_PERMITTED);
    psa_destroy_key(k);
    k = import_key(PUB, PSA_KEY_USAGE_VERIFY_HASH, PSS_ANY, pub, pub_len);
    assert_int_equal(psa_verify_message(k, PSS_ANY, m, 6, pss0, pss0_len), PSA_SUCCESS);
    assert_int_equal(psa_verify_message(k, PSS_ANY, m, 6, pss, pss_len), PSA_SUCCESS);
    pss[3] ^= 1;
    assert_int_equal(psa_verify_message(k, PSS_ANY, m, 6, pss, pss_len),
                     PSA_ERROR_INVALID_SIGNATURE);
    psa_destroy_key(k);
    /* PSS-SHA-512 on a 1024-bit key: the salt shrinks to fit (62 bytes). */
    psa_algorithm_t pss512 = PSA_ALG_RSA_PSS(PSA_ALG_SHA_512);
    k = import_key(PAIR, SIGN_ALL, pss512, pair, pair_len);
    assert_int_equal(psa_sign_message(k, pss512, m, 6, s1, sizeof s1, &n1), PSA_SUCCESS);
    assert_int_equal(psa_verify_message(k, pss512, m, 6, s1, n1), PSA_SUCCESS);
    psa_destroy_key(k);
    /* Policy and key types: RSA algorithms on ECC keys and ECDSA on RSA. */
    k = import_key(PAIR, SIGN_ALL, V15, pair, pair_len);
    assert_int_equal(psa_sign_hash(k, PSS, h, 32, sig, sizeof sig, &n), PSA_ERROR_NOT_PERMITTED);
    psa_destroy_key(k);
    k = import_key(PAIR, SIGN_ALL, PSA_ALG_ECDSA(PSA_ALG_SHA_256), pair, pair_len);
    assert_int_equal(psa_sign_hash(k, PSA_ALG_ECDSA(PSA_ALG_SHA_256), h, 32, sig, sizeof sig, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    psa_destroy_key(k);
    k = import_key(PSA_KEY_TYPE_HMAC, SIGN_ALL, V15, h, 32);
    assert_int_equal(psa_sign_hash(k, V15, h, 32, sig, sizeof sig, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    psa_destroy_key(k);
}

static void test_rsa_encryption(void **state)
{
    (void)state;
    BIG(pair, RSA1024_PAIR);
    BIG(pub, RSA1024_PUB);
    BIG(oaep_ct, RSA1024_OAEP_SHA256_LABEL_CT);
    BIG(v15_ct, RSA1024_V15_CT);
    HEX(pt, RSA1024_CRYPT_PT);
    psa_algorithm_t oaep = PSA_ALG_RSA_OAEP(PSA_ALG_SHA_256);
    psa_algorithm_t v15c = PSA_ALG_RSA_PKCS1V15_CRYPT;
    const uint8_t label[] = "label";
    uint8_t ct[128], out[128];
    size_t n, m;
    psa_key_usage_t both = PSA_KEY_USAGE_ENCRYPT | PSA_KEY_USAGE_DECRYPT;
    psa_key_id_t k = import_key(PAIR, both, oaep, pair, pair_len);
    /* Decrypt the library-made ciphertext; wrong label; tampered. */
    assert_int_equal(psa_asymmetric_decrypt(k, oaep, oaep_ct, oaep_ct_len, label, 5, out,
                                            sizeof out, &n), PSA_SUCCESS);
    assert_int_equal(n, pt_len);
    assert_memory_equal(out, pt, pt_len);
    assert_int_equal(psa_asymmetric_decrypt(k, oaep, oaep_ct, oaep_ct_len, label, 4, out,
                                            sizeof out, &n), PSA_ERROR_INVALID_PADDING);
    assert_int_equal(psa_asymmetric_decrypt(k, oaep, oaep_ct, oaep_ct_len, label, 5, out,
                                            pt_len - 1, &n), PSA_ERROR_BUFFER_TOO_SMALL);
    oaep_ct[50] ^= 1;
    assert_int_equal(psa_asymmetric_decrypt(k, oaep, oaep_ct, oaep_ct_len, label, 5, out,
                                            sizeof out, &n), PSA_ERROR_INVALID_PADDING);
    assert_int_equal(psa_asymmetric_decrypt(k, oaep, oaep_ct, oaep_ct_len - 1, label, 5, out,
                                            sizeof out, &n), PSA_ERROR_INVALID_ARGUMENT);
    /* Round trip through the public key; the exact-size output buffer. */
    psa_key_id_t p = import_key(PUB, PSA_KEY_USAGE_ENCRYPT, oaep, pub, pub_len);
    assert_int_equal(psa_asymmetric_encrypt(p, oaep, pt, pt_len, label, 5, ct, sizeof ct, &m),
                     PSA_SUCCESS);
    assert_int_equal(m, 128);
    assert_int_equal(psa_asymmetric_decrypt(k, oaep, ct, m, label, 5, out, pt_len, &n),
                     PSA_SUCCESS);
    assert_memory_equal(out, pt, pt_len);
    assert_int_equal(psa_asymmetric_encrypt(p, oaep, pt, pt_len, label, 5, ct, 127, &m),
                     PSA_ERROR_BUFFER_TOO_SMALL);
    /* OAEP-SHA-256 on 1024 bits holds at most 128 - 2*32 - 2 = 62 bytes. */
    uint8_t big[63] = {0};
    assert_int_equal(psa_asymmetric_encrypt(p, oaep, big, 62, NULL, 0, ct, sizeof ct, &m),
                     PSA_SUCCESS);
    assert_int_equal(psa_asymmetric_encrypt(p, oaep, big, 63, NULL, 0, ct, sizeof ct, &m),
                     PSA_ERROR_INVALID_ARGUMENT);
    /* Policy: a public key cannot decrypt; usage; algorithm. */
    assert_int_equal(psa_asymmetric_decrypt(p, oaep, ct, 128, NULL, 0, out, sizeof out, &n),
                     PSA_ERROR_NOT_PERMITTED);
    psa_destroy_key(p);
    p = import_key(PUB, PSA_KEY_USAGE_DECRYPT, oaep, pub, pub_len);
    assert_int_equal(psa_asymmetric_decrypt(p, oaep, ct, 128, NULL, 0, out, sizeof out, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    psa_destroy_key(p);
    assert_int_equal(psa_asymmetric_encrypt(k, v15c, pt, pt_len, NULL, 0, ct, sizeof ct, &m),
                     PSA_ERROR_NOT_PERMITTED);
    assert_int_equal(psa_asymmetric_encrypt(k, PSA_ALG_SHA_256, pt, pt_len, NULL, 0, ct,
                                            sizeof ct, &m), PSA_ERROR_INVALID_ARGUMENT);
    psa_destroy_key(k);
    /* PKCS#1 v1.5 encryption: decrypt the library-made ciphertext; round
     * trip; no label allowed; k - 11 bytes at most. */
    k = import_key(PAIR, both, v15c, pair, pair_len);
    assert_int_equal(psa_asymmetric_decrypt(k, v15c, v15_ct, v15_ct_len, NULL, 0, out,
                                            sizeof out, &n), PSA_SUCCESS);
    assert_memory_equal(out, pt, pt_len);
    assert_int_equal(psa_asymmetric_encrypt(k, v15c, pt, pt_len, NULL, 0, ct, sizeof ct, &m),
                     PSA_SUCCESS);
    assert_int_equal(psa_asymmetric_decrypt(k, v15c, ct, m, NULL, 0, out, sizeof out, &n),
                     PSA_SUCCESS);
    assert_int_equal(n, pt_len);
    assert_int_equal(psa_asymmetric_encrypt(k, v15c, pt, pt_len, label, 5, ct, sizeof ct, &m),
                     PSA_ERROR_INVALID_ARGUMENT);
    uint8_t max[118] = {0};
    assert_int_equal(psa_asymmetric_encrypt(k, v15c, max, 117, NULL, 0, ct, sizeof ct, &m),
                     PSA_SUCCESS);
    assert_int_equal(psa_asymmetric_encrypt(k, v15c, max, 118, NULL, 0, ct, sizeof ct, &m),
                     PSA_ERROR_INVALID_ARGUMENT);
    v15_ct[20] ^= 1;
    assert_int_equal(psa_asymmetric_decrypt(k, v15c, v15_ct, v15_ct_len, NULL, 0, out,
                                            sizeof out, &n), PSA_ERROR_INVALID_PADDING);
    psa_destroy_key(k);
    /* An ECC key cannot do RSA encryption. */
    uint8_t d[32] = {1};
    k = import_key(PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_SECP_R1), both, oaep, d, 32);
    assert_int_equal(psa_asymmetric_encrypt(k, oaep, pt, pt_len, NULL, 0, ct, sizeof ct, &m),
                     PSA_ERROR_INVALID_ARGUMENT);
    psa_destroy_key(k);
}

/* The public exponent of an exported RSAPublicKey (SEQUENCE { n, e }),
 * big-endian without its leading zero: a minimal DER walk. */
static size_t der_len(const uint8_t *d, size_t *i)
{
    size_t l = d[(*i)++];
    if (l & 0x80) {
        size_t k = l & 0x7f, v = 0;
        while (k-- > 0) {
            v = v << 8 | d[(*i)++];
        }
        l = v;
    }
    return l;
}

static size_t exponent_of(const uint8_t *der, size_t n, const uint8_t **e)
{
    size_t i = 0;
    assert_int_equal(der[i++], 0x30);
    size_t seq = der_len(der, &i);
    assert_int_equal(seq, n - i);
    assert_int_equal(der[i++], 0x02); /* n */
    i += der_len(der, &i);
    assert_int_equal(der[i++], 0x02); /* e */
    size_t l = der_len(der, &i);
    assert_int_equal(i + l, n);
    while (l > 1 && der[i] == 0) {
        i++;
        l--;
    }
    *e = der + i;
    return l;
}

/* Generate a key of this size with custom_data (little-endian exponent),
 * check the exported exponent (big-endian want) and a signature round trip. */
static void gen_with_exponent(size_t bits, const uint8_t *le, size_t le_len,
                              const uint8_t *want, size_t want_len)
{
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_custom_key_parameters_t custom = PSA_CUSTOM_KEY_PARAMETERS_INIT;
    psa_key_id_t id = 0, v = 0;
    psa_set_key_type(&a, PAIR);
    psa_set_key_bits(&a, bits);
    psa_set_key_usage_flags(&a, SIGN_ALL);
    psa_set_key_algorithm(&a, V15);
    assert_int_equal(psa_generate_key_custom(&a, &custom, le, le_len, &id), PSA_SUCCESS);
    static uint8_t out[600];
    size_t n = 0, sn = 0;
    const uint8_t *e = NULL;
    assert_int_equal(psa_export_public_key(id, out, sizeof out, &n), PSA_SUCCESS);
    size_t el = exponent_of(out, n, &e);
    assert_int_equal(el, want_len);
    assert_memory_equal(e, want, want_len);
    uint8_t h[32] = {7}, sig[256];
    assert_int_equal(psa_sign_hash(id, V15, h, 32, sig, sizeof sig, &sn), PSA_SUCCESS);
    assert_int_equal(sn, bits / 8);
    psa_reset_key_attributes(&a);
    psa_set_key_type(&a, PUB);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_VERIFY_HASH);
    psa_set_key_algorithm(&a, V15);
    assert_int_equal(psa_import_key(&a, out, n, &v), PSA_SUCCESS);
    assert_int_equal(psa_verify_hash(v, V15, h, 32, sig, sn), PSA_SUCCESS);
    sig[5] ^= 1;
    assert_int_equal(psa_verify_hash(v, V15, h, 32, sig, sn), PSA_ERROR_INVALID_SIGNATURE);
    psa_destroy_key(v);
    psa_destroy_key(id);
}

static void test_rsa_generate_custom_exponent(void **state)
{
    (void)state;
    /* custom_data is the exponent in little-endian order (PSA 1.3,
     * PSA_KEY_TYPE_RSA_KEY_PAIR, key generation). */
    const uint8_t e3[] = {3}, e3_padded[] = {3, 0, 0}, f4[] = {0x01, 0x00, 0x01};
    const uint8_t big_le[] = {0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80}; /* 2^63 + 1 */
    const uint8_t big_be[] = {0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01};
    const uint8_t odd_le[] = {0x23, 0x01, 0x01}; /* 0x010123 */
    const uint8_t odd_be[] = {0x01, 0x01, 0x23};
    gen_with_exponent(1024, e3, 1, e3, 1);
    gen_with_exponent(1024, e3_padded, 3, e3, 1);
    gen_with_exponent(1024, f4, 3, f4, 3);
    gen_with_exponent(1024, NULL, 0, f4, 3); /* empty: the default 65537 */
    gen_with_exponent(1024, big_le, sizeof big_le, big_be, sizeof big_be);
    gen_with_exponent(1024, odd_le, sizeof odd_le, odd_be, sizeof odd_be);
    /* 2048 bits and e > 2^16: OpenSSL's SP 800-56B generation. */
    gen_with_exponent(2048, big_le, sizeof big_le, big_be, sizeof big_be);
    uint8_t max_e[32]; /* 2^256 - 1, the largest supported */
    memset(max_e, 0xff, sizeof max_e);
    gen_with_exponent(2048, max_e, sizeof max_e, max_e, sizeof max_e);
    /* Refusals: even, 1, 0, flags, too large, data on other key types. */
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_custom_key_parameters_t custom = PSA_CUSTOM_KEY_PARAMETERS_INIT;
    psa_key_id_t id = 0;
    psa_set_key_type(&a, PAIR);
    psa_set_key_bits(&a, 1024);
    psa_set_key_usage_flags(&a, SIGN_ALL);
    psa_set_key_algorithm(&a, V15);
    const uint8_t even[] = {0x00, 0x01}, one[] = {1, 0}, zero[] = {0, 0};
    uint8_t huge[33];
    memset(huge, 0, sizeof huge);
    huge[0] = 1;
    huge[32] = 1; /* 2^256 + 1 */
    assert_int_equal(psa_generate_key_custom(&a, &custom, even, 2, &id),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_generate_key_custom(&a, &custom, one, 2, &id),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_generate_key_custom(&a, &custom, zero, 2, &id),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_generate_key_custom(&a, &custom, huge, sizeof huge, &id),
                     PSA_ERROR_NOT_SUPPORTED);
    custom.flags = 1;
    assert_int_equal(psa_generate_key_custom(&a, &custom, e3, 1, &id),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_generate_key_custom(&a, &custom, NULL, 0, &id),
                     PSA_ERROR_INVALID_ARGUMENT);
    custom.flags = 0;
    psa_set_key_bits(&a, 512); /* the usual size rules still apply */
    assert_int_equal(psa_generate_key_custom(&a, &custom, e3, 1, &id), PSA_ERROR_NOT_SUPPORTED);
    psa_set_key_type(&a, PUB);
    psa_set_key_bits(&a, 1024);
    assert_int_equal(psa_generate_key_custom(&a, &custom, e3, 1, &id),
                     PSA_ERROR_INVALID_ARGUMENT);
    psa_set_key_type(&a, PSA_KEY_TYPE_AES);
    psa_set_key_bits(&a, 128);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_EXPORT);
    psa_set_key_algorithm(&a, 0);
    assert_int_equal(psa_generate_key_custom(&a, &custom, e3, 1, &id),
                     PSA_ERROR_INVALID_ARGUMENT);
    psa_set_key_type(&a, PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_SECP_R1));
    psa_set_key_bits(&a, 256);
    assert_int_equal(psa_generate_key_custom(&a, &custom, e3, 1, &id),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(id, 0);
    /* Default parameters on another type: the same as psa_generate_key. */
    psa_set_key_type(&a, PSA_KEY_TYPE_AES);
    psa_set_key_bits(&a, 128);
    assert_int_equal(psa_generate_key_custom(&a, &custom, NULL, 0, &id), PSA_SUCCESS);
    uint8_t k[16];
    size_t n = 0;
    assert_int_equal(psa_export_key(id, k, sizeof k, &n), PSA_SUCCESS);
    assert_int_equal(n, 16);
    psa_destroy_key(id);
}

static void test_kdf_output_key_custom(void **state)
{
    (void)state;
    const uint8_t secret[16] = {9}, info[4] = {1, 2, 3, 4};
    psa_key_derivation_operation_t op = PSA_KEY_DERIVATION_OPERATION_INIT;
    psa_custom_key_parameters_t custom = PSA_CUSTOM_KEY_PARAMETERS_INIT;
    psa_algorithm_t hkdf = PSA_ALG_HKDF(PSA_ALG_SHA_256);
    psa_key_id_t sk = import_key(PSA_KEY_TYPE_DERIVE, PSA_KEY_USAGE_DERIVE, hkdf, secret, 16);
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&a, PSA_KEY_TYPE_RAW_DATA);
    psa_set_key_bits(&a, 128);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_EXPORT);
    uint8_t want[16], got[16];
    size_t n = 0;
    /* Default parameters: the same key as psa_key_derivation_output_key. */
    for (int custom_call = 0; custom_call < 2; custom_call++) {
        psa_key_id_t out = 0;
        assert_int_equal(psa_key_derivation_setup(&op, hkdf), PSA_SUCCESS);
        assert_int_equal(psa_key_derivation_input_key(&op, PSA_KEY_DERIVATION_INPUT_SECRET, sk),
                         PSA_SUCCESS);
        assert_int_equal(psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_INFO,
                                                        info, 4), PSA_SUCCESS);
        assert_int_equal(custom_call
                             ? psa_key_derivation_output_key_custom(&a, &op, &custom, NULL, 0,
                                                                    &out)
                             : psa_key_derivation_output_key(&a, &op, &out),
                         PSA_SUCCESS);
        assert_int_equal(psa_export_key(out, custom_call ? got : want, 16, &n), PSA_SUCCESS);
        psa_destroy_key(out);
        assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    }
    assert_memory_equal(got, want, 16);
    /* Non-default parameters: flags, data on a non-RSA key (invalid); an
     * RSA exponent (RSA derivation is not built). Each ends the operation. */
    const uint8_t e3[] = {3};
    psa_key_id_t out = 0;
    for (int c = 0; c < 3; c++) {
        assert_int_equal(psa_key_derivation_setup(&op, hkdf), PSA_SUCCESS);
        assert_int_equal(psa_key_derivation_input_key(&op, PSA_KEY_DERIVATION_INPUT_SECRET, sk),
                         PSA_SUCCESS);
        assert_int_equal(psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_INFO,
                                                        info, 4), PSA_SUCCESS);
        custom.flags = c == 0 ? 1u : 0u;
        psa_set_key_type(&a, c == 2 ? PAIR : PSA_KEY_TYPE_RAW_DATA);
        psa_set_key_bits(&a, c == 2 ? 1024 : 128);
        assert_int_equal(psa_key_derivation_output_key_custom(&a, &op, &custom, e3,
                                                              c == 0 ? 0 : 1, &out),
                         c == 2 ? PSA_ERROR_NOT_SUPPORTED : PSA_ERROR_INVALID_ARGUMENT);
        assert_int_equal(out, 0);
        assert_int_equal(psa_key_derivation_output_bytes(&op, got, 16), PSA_ERROR_BAD_STATE);
        assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    }
    psa_destroy_key(sk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CRYPTO_TEST(test_rsa_keys),
        CRYPTO_TEST(test_rsa_signatures),
        CRYPTO_TEST(test_rsa_encryption),
        CRYPTO_TEST(test_rsa_generate_custom_exponent),
        CRYPTO_TEST(test_kdf_output_key_custom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
