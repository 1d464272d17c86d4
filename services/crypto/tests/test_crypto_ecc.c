/* Elliptic curves: key import (with validation), export, export_public,
 * generation; ECDSA (deterministic known answers, randomized round trips,
 * ECDSA_ANY) and its policy and argument errors; ECDH and X25519 raw and
 * into a key; persistence. */
#include "crypto_test_util.h"
#include "vectors/ecc_vectors.h"

#define SECP_R1_PAIR PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_SECP_R1)
#define SECP_R1_PUB PSA_KEY_TYPE_ECC_PUBLIC_KEY(PSA_ECC_FAMILY_SECP_R1)
#define MONT_PAIR PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_MONTGOMERY)
#define MONT_PUB PSA_KEY_TYPE_ECC_PUBLIC_KEY(PSA_ECC_FAMILY_MONTGOMERY)
#define SIGN_ALL (PSA_KEY_USAGE_SIGN_HASH | PSA_KEY_USAGE_VERIFY_HASH)
#define DET256 PSA_ALG_DETERMINISTIC_ECDSA(PSA_ALG_SHA_256)

static psa_status_t try_import(psa_key_type_t type, size_t bits, const uint8_t *d, size_t n,
                               psa_key_id_t *id)
{
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&a, type);
    psa_set_key_bits(&a, bits);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_EXPORT);
    return psa_import_key(&a, d, n, id);
}

static psa_key_id_t gen(psa_key_type_t type, size_t bits, psa_key_usage_t usage,
                        psa_algorithm_t alg)
{
    return generate_key(type, bits, usage, alg);
}

static void test_ecc_import_export(void **state)
{
    (void)state;
    HEX(d, P256_D);
    HEX(q, P256_Q);
    uint8_t out[160];
    size_t n;
    psa_key_id_t id = import_key(SECP_R1_PAIR, PSA_KEY_USAGE_EXPORT, 0, d, d_len);
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    assert_int_equal(psa_get_key_attributes(id, &a), PSA_SUCCESS);
    assert_int_equal(psa_get_key_bits(&a), 256);
    assert_int_equal(psa_export_key(id, out, sizeof out, &n), PSA_SUCCESS);
    assert_int_equal(n, 32);
    assert_memory_equal(out, d, 32);
    assert_int_equal(psa_export_public_key(id, out, sizeof out, &n), PSA_SUCCESS);
    assert_int_equal(n, 65);
    assert_memory_equal(out, q, 65);
    assert_int_equal(psa_export_public_key(id, out, 64, &n), PSA_ERROR_BUFFER_TOO_SMALL);
    psa_destroy_key(id);
    /* Public key import, export. */
    id = import_key(SECP_R1_PUB, PSA_KEY_USAGE_EXPORT, 0, q, q_len);
    assert_int_equal(psa_get_key_attributes(id, &a), PSA_SUCCESS);
    assert_int_equal(psa_get_key_bits(&a), 256);
    assert_int_equal(psa_export_key(id, out, sizeof out, &n), PSA_SUCCESS);
    assert_memory_equal(out, q, 65);
    assert_int_equal(psa_export_public_key(id, out, sizeof out, &n), PSA_SUCCESS);
    assert_memory_equal(out, q, 65);
    psa_destroy_key(id);
    /* X25519 (RFC 7748): public key of a pair. */
    HEX(xa, X25519_A);
    HEX(xa_pub, X25519_A_PUB);
    assert_int_equal(xa_pub_len, 32);
    id = import_key(MONT_PAIR, PSA_KEY_USAGE_EXPORT, 0, xa, xa_len);
    assert_int_equal(psa_get_key_attributes(id, &a), PSA_SUCCESS);
    assert_int_equal(psa_get_key_bits(&a), 255);
    assert_int_equal(psa_export_public_key(id, out, sizeof out, &n), PSA_SUCCESS);
    assert_int_equal(n, 32);
    assert_memory_equal(out, xa_pub, 32);
    psa_destroy_key(id);
    /* Generated keys of every curve: sizes of the PSA formats. */
    struct {
        psa_ecc_family_t fam;
        size_t bits, priv, pub;
    } curves[] = {
        {PSA_ECC_FAMILY_SECP_R1, 192, 24, 49},  {PSA_ECC_FAMILY_SECP_R1, 224, 28, 57},
        {PSA_ECC_FAMILY_SECP_R1, 256, 32, 65},  {PSA_ECC_FAMILY_SECP_R1, 384, 48, 97},
        {PSA_ECC_FAMILY_SECP_R1, 521, 66, 133}, {PSA_ECC_FAMILY_SECP_K1, 256, 32, 65},
        {PSA_ECC_FAMILY_BRAINPOOL_P_R1, 256, 32, 65},
        {PSA_ECC_FAMILY_BRAINPOOL_P_R1, 384, 48, 97},
        {PSA_ECC_FAMILY_BRAINPOOL_P_R1, 512, 64, 129},
        {PSA_ECC_FAMILY_MONTGOMERY, 255, 32, 32}, {PSA_ECC_FAMILY_MONTGOMERY, 448, 56, 56},
    };
    for (size_t i = 0; i < sizeof curves / sizeof curves[0]; i++) {
        uint8_t priv[66], pub[133];
        size_t pn, qn;
        id = gen(PSA_KEY_TYPE_ECC_KEY_PAIR(curves[i].fam), curves[i].bits,
                 PSA_KEY_USAGE_EXPORT, 0);
        assert_int_equal(psa_export_key(id, priv, sizeof priv, &pn), PSA_SUCCESS);
        assert_int_equal(pn, curves[i].priv);
        assert_int_equal(psa_export_public_key(id, pub, sizeof pub, &qn), PSA_SUCCESS);
        assert_int_equal(qn, curves[i].pub);
        psa_destroy_key(id);
        /* Re-import both, without bits. */
        id = import_key(PSA_KEY_TYPE_ECC_KEY_PAIR(curves[i].fam), PSA_KEY_USAGE_EXPORT, 0,
                        priv, pn);
        assert_int_equal(psa_get_key_attributes(id, &a), PSA_SUCCESS);
        assert_int_equal(psa_get_key_bits(&a), curves[i].bits);
        assert_int_equal(psa_export_public_key(id, out, sizeof out, &n), PSA_SUCCESS);
        assert_memory_equal(out, pub, qn);
        psa_destroy_key(id);
        id = import_key(PSA_KEY_TYPE_ECC_PUBLIC_KEY(curves[i].fam), PSA_KEY_USAGE_EXPORT, 0,
                        pub, qn);
        assert_int_equal(psa_get_key_attributes(id, &a), PSA_SUCCESS);
        assert_int_equal(psa_get_key_bits(&a), curves[i].bits);
        psa_destroy_key(id);
    }
    /* A public key cannot be generated; unsupported size. */
    psa_reset_key_attributes(&a);
    psa_set_key_type(&a, SECP_R1_PUB);
    psa_set_key_bits(&a, 256);
    assert_int_equal(psa_generate_key(&a, &id), PSA_ERROR_INVALID_ARGUMENT);
    psa_set_key_type(&a, SECP_R1_PAIR);
    psa_set_key_bits(&a, 257);
    assert_int_equal(psa_generate_key(&a, &id), PSA_ERROR_NOT_SUPPORTED);
    psa_set_key_bits(&a, 0);
    assert_int_equal(psa_generate_key(&a, &id), PSA_ERROR_INVALID_ARGUMENT);
}

static void test_ecc_import_rejects(void **state)
{
    (void)state;
    HEX(d, P256_D);
    HEX(q, P256_Q);
    HEX(order, P256_ORDER);
    assert_true(d_len == 32 && q_len == 65 && order_len == 32);
    uint8_t buf[160];
    psa_key_id_t id;
    memset(buf, 0, sizeof buf);
    /* Scalars 0 and n, and n + 0 with another length. */
    assert_int_equal(try_import(SECP_R1_PAIR, 256, buf, 32, &id), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(try_import(SECP_R1_PAIR, 256, order, 32, &id), PSA_ERROR_INVALID_ARGUMENT);
    memset(buf, 0xff, 32);
    assert_int_equal(try_import(SECP_R1_PAIR, 256, buf, 32, &id), PSA_ERROR_INVALID_ARGUMENT);
    /* Wrong lengths, bits that do not match. */
    assert_int_equal(try_import(SECP_R1_PAIR, 0, d, 31, &id), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(try_import(SECP_R1_PAIR, 384, d, 32, &id), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(try_import(SECP_R1_PAIR, 0, d, 0, &id), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(try_import(SECP_R1_PUB, 0, q, 64, &id), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(try_import(MONT_PAIR, 0, d, 31, &id), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(try_import(MONT_PUB, 0, q, 33, &id), PSA_ERROR_INVALID_ARGUMENT);
    /* Off the curve; bad prefix; the point at infinity; compressed. */
    memcpy(buf, q, 65);
    buf[64] ^= 1;
    assert_int_equal(try_import(SECP_R1_PUB, 0, buf, 65, &id), PSA_ERROR_INVALID_ARGUMENT);
    memcpy(buf, q, 65);
    buf[0] = 0x05;
    assert_int_equal(try_import(SECP_R1_PUB, 0, buf, 65, &id), PSA_ERROR_INVALID_ARGUMENT);
    memset(buf, 0, 65);
    buf[0] = 0x04;
    assert_int_equal(try_import(SECP_R1_PUB, 0, buf, 65, &id), PSA_ERROR_INVALID_ARGUMENT);
    buf[0] = 0x00;
    assert_int_equal(try_import(SECP_R1_PUB, 0, buf, 1, &id), PSA_ERROR_INVALID_ARGUMENT);
    memcpy(buf, q, 33);
    buf[0] = 0x02 | (q[64] & 1);
    assert_int_equal(try_import(SECP_R1_PUB, 0, buf, 33, &id), PSA_ERROR_NOT_SUPPORTED);
    /* The key of one curve is not a key of another with another size. */
    assert_int_equal(try_import(PSA_KEY_TYPE_ECC_PUBLIC_KEY(PSA_ECC_FAMILY_SECP_K1), 0, q, 65,
                                &id), PSA_ERROR_INVALID_ARGUMENT);
    /* Families not built. */
    assert_int_equal(try_import(PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_SECT_K1), 0, d, 32, &id),
                     PSA_ERROR_NOT_SUPPORTED);
    assert_int_equal(try_import(PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_TWISTED_EDWARDS), 456,
                                buf, 57, &id), PSA_ERROR_NOT_SUPPORTED);
    assert_int_equal(try_import(SECP_R1_PAIR, 200, d, 25, &id), PSA_ERROR_NOT_SUPPORTED);
}

static void sign_kat(psa_key_id_t id, psa_algorithm_t alg, const char *msg, const char *want_hex)
{
    HEX(want, want_hex);
    uint8_t sig[132], h[64];
    size_t n, hn;
    psa_algorithm_t hash = PSA_ALG_GET_HASH(alg);
    assert_int_equal(psa_sign_message(id, alg, (const uint8_t *)msg, strlen(msg), sig,
                                      sizeof sig, &n), PSA_SUCCESS);
    assert_int_equal(n, want_len);
    assert_memory_equal(sig, want, want_len);
    assert_int_equal(psa_hash_compute(hash, (const uint8_t *)msg, strlen(msg), h, sizeof h, &hn),
                     PSA_SUCCESS);
    memset(sig, 0, sizeof sig);
    assert_int_equal(psa_sign_hash(id, alg, h, hn, sig, sizeof sig, &n), PSA_SUCCESS);
    assert_memory_equal(sig, want, want_len);
    assert_int_equal(psa_verify_hash(id, alg, h, hn, want, want_len), PSA_SUCCESS);
    assert_int_equal(psa_verify_message(id, alg, (const uint8_t *)msg, strlen(msg), want,
                                        want_len), PSA_SUCCESS);
    /* The policy names deterministic ECDSA only: randomized is another
     * algorithm, even to verify. */
    assert_int_equal(psa_verify_message(id, PSA_ALG_ECDSA(hash), (const uint8_t *)msg,
                                        strlen(msg), want, want_len), PSA_ERROR_NOT_PERMITTED);
}

static void test_ecdsa_deterministic(void **state)
{
    (void)state;
    HEX(d, P256_D);
    HEX(q, P256_Q);
    psa_algorithm_t any_det = PSA_ALG_DETERMINISTIC_ECDSA(PSA_ALG_ANY_HASH);
    psa_key_id_t id = import_key(SECP_R1_PAIR, SIGN_ALL, any_det, d, d_len);
    sign_kat(id, DET256, "sample", RFC6979_SAMPLE_SHA256);
    sign_kat(id, DET256, "test", RFC6979_TEST_SHA256);
    /* SHA-384 with a 256-bit order: the hash is truncated. */
    sign_kat(id, PSA_ALG_DETERMINISTIC_ECDSA(PSA_ALG_SHA_384), "sample", RFC6979_SAMPLE_SHA384);
    /* Verification with the public key alone; wrong signatures. */
    psa_key_id_t pub = import_key(SECP_R1_PUB, PSA_KEY_USAGE_VERIFY_MESSAGE, DET256, q, q_len);
    HEX(sig, RFC6979_SAMPLE_SHA256);
    const uint8_t *m = (const uint8_t *)"sample";
    assert_int_equal(psa_verify_message(pub, DET256, m, 6, sig, sig_len), PSA_SUCCESS);
    assert_int_equal(psa_verify_message(pub, DET256, m, 5, sig, sig_len),
                     PSA_ERROR_INVALID_SIGNATURE);
    sig[10] ^= 1;
    assert_int_equal(psa_verify_message(pub, DET256, m, 6, sig, sig_len),
                     PSA_ERROR_INVALID_SIGNATURE);
    sig[10] ^= 1;
    assert_int_equal(psa_verify_message(pub, DET256, m, 6, sig, sig_len - 1),
                     PSA_ERROR_INVALID_SIGNATURE);
    uint8_t zero[64] = {0};
    assert_int_equal(psa_verify_message(pub, DET256, m, 6, zero, 64),
                     PSA_ERROR_INVALID_SIGNATURE);
    /* A public key cannot sign. */
    uint8_t out[64];
    size_t n;
    assert_int_equal(psa_sign_message(pub, DET256, m, 6, out, sizeof out, &n),
                     PSA_ERROR_NOT_PERMITTED);
    psa_destroy_key(pub);
    pub = import_key(SECP_R1_PUB, PSA_KEY_USAGE_SIGN_MESSAGE, DET256, q, q_len);
    assert_int_equal(psa_sign_message(pub, DET256, m, 6, out, sizeof out, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    psa_destroy_key(pub);
    /* Deterministic on a 521-bit key: twice the same, and it verifies. */
    psa_key_id_t k521 = gen(SECP_R1_PAIR, 521, SIGN_ALL,
                            PSA_ALG_DETERMINISTIC_ECDSA(PSA_ALG_SHA_512));
    uint8_t s1[132], s2[132];
    size_t n1, n2;
    psa_algorithm_t det512 = PSA_ALG_DETERMINISTIC_ECDSA(PSA_ALG_SHA_512);
    assert_int_equal(psa_sign_message(k521, det512, m, 6, s1, sizeof s1, &n1), PSA_SUCCESS);
    assert_int_equal(psa_sign_message(k521, det512, m, 6, s2, sizeof s2, &n2), PSA_SUCCESS);
    assert_int_equal(n1, 132);
    assert_memory_equal(s1, s2, 132);
    assert_int_equal(psa_verify_message(k521, det512, m, 6, s1, n1), PSA_SUCCESS);
    psa_destroy_key(k521);
    psa_destroy_key(id);
}

static void test_ecdsa_randomized(void **state)
{
    (void)state;
    struct {
        psa_ecc_family_t fam;
        size_t bits;
    } curves[] = {
        {PSA_ECC_FAMILY_SECP_R1, 256}, {PSA_ECC_FAMILY_SECP_R1, 384},
        {PSA_ECC_FAMILY_SECP_R1, 521}, {PSA_ECC_FAMILY_SECP_K1, 256},
        {PSA_ECC_FAMILY_BRAINPOOL_P_R1, 256}, {PSA_ECC_FAMILY_SECP_R1, 192},
    };
    const uint8_t msg[] = "a message to sign";
    psa_algorithm_t alg = PSA_ALG_ECDSA(PSA_ALG_SHA_256);
    for (size_t i = 0; i < sizeof curves / sizeof curves[0]; i++) {
        psa_key_id_t k = gen(PSA_KEY_TYPE_ECC_KEY_PAIR(curves[i].fam), curves[i].bits,
                             SIGN_ALL | PSA_KEY_USAGE_EXPORT, PSA_ALG_ECDSA(PSA_ALG_ANY_HASH));
        uint8_t s1[132], s2[132], pub[133];
        size_t n1, n2, pn;
        assert_int_equal(psa_sign_message(k, alg, msg, sizeof msg, s1, sizeof s1, &n1),
                         PSA_SUCCESS);
        assert_int_equal(n1, 2 * PSA_BITS_TO_BYTES(curves[i].bits));
        assert_int_equal(psa_sign_message(k, alg, msg, sizeof msg, s2, sizeof s2, &n2),
                         PSA_SUCCESS);
        assert_memory_not_equal(s1, s2, n1); /* a fresh nonce each time */
        assert_int_equal(psa_export_public_key(k, pub, sizeof pub, &pn), PSA_SUCCESS);
        psa_key_id_t v = import_key(PSA_KEY_TYPE_ECC_PUBLIC_KEY(curves[i].fam),
                                    PSA_KEY_USAGE_VERIFY_MESSAGE, alg, pub, pn);
        assert_int_equal(psa_verify_message(v, alg, msg, sizeof msg, s1, n1), PSA_SUCCESS);
        assert_int_equal(psa_verify_message(v, alg, msg, sizeof msg, s2, n2), PSA_SUCCESS);
        s1[0] ^= 0x80;
        assert_int_equal(psa_verify_message(v, alg, msg, sizeof msg, s1, n1),
                         PSA_ERROR_INVALID_SIGNATURE);
        psa_destroy_key(v);
        psa_destroy_key(k);
    }
    /* ECDSA_ANY: a hash of any length; sign_message refuses it. */
    psa_key_id_t k = gen(SECP_R1_PAIR, 256, SIGN_ALL, PSA_ALG_ECDSA_ANY);
    uint8_t h[20] = {1, 2, 3}, sig[64];
    size_t n;
    assert_int_equal(psa_sign_hash(k, PSA_ALG_ECDSA_ANY, h, sizeof h, sig, sizeof sig, &n),
                     PSA_SUCCESS);
    assert_int_equal(psa_verify_hash(k, PSA_ALG_ECDSA_ANY, h, sizeof h, sig, n), PSA_SUCCESS);
    assert_int_equal(psa_verify_hash(k, PSA_ALG_ECDSA_ANY, h, sizeof h - 1, sig, n),
                     PSA_ERROR_INVALID_SIGNATURE);
    assert_int_equal(psa_sign_message(k, PSA_ALG_ECDSA_ANY, h, sizeof h, sig, sizeof sig, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    psa_destroy_key(k);
}

static void test_ecdsa_policy_and_arguments(void **state)
{
    (void)state;
    HEX(d, P256_D);
    uint8_t h[32] = {0}, sig[64];
    size_t n;
    psa_algorithm_t e256 = PSA_ALG_ECDSA(PSA_ALG_SHA_256);
    /* Usage. */
    psa_key_id_t k = import_key(SECP_R1_PAIR, PSA_KEY_USAGE_VERIFY_HASH, e256, d, d_len);
    assert_int_equal(psa_sign_hash(k, e256, h, 32, sig, sizeof sig, &n), PSA_ERROR_NOT_PERMITTED);
    assert_int_equal(psa_sign_message(k, e256, h, 32, sig, sizeof sig, &n),
                     PSA_ERROR_NOT_PERMITTED);
    psa_destroy_key(k);
    k = import_key(SECP_R1_PAIR, PSA_KEY_USAGE_SIGN_MESSAGE, e256, d, d_len);
    assert_int_equal(psa_sign_hash(k, e256, h, 32, sig, sizeof sig, &n), PSA_ERROR_NOT_PERMITTED);
    assert_int_equal(psa_sign_message(k, e256, h, 32, sig, sizeof sig, &n), PSA_SUCCESS);
    psa_destroy_key(k);
    /* SIGN_HASH implies SIGN_MESSAGE; the algorithm must be permitted. */
    k = import_key(SECP_R1_PAIR, PSA_KEY_USAGE_SIGN_HASH, e256, d, d_len);
    assert_int_equal(psa_sign_message(k, e256, h, 32, sig, sizeof sig, &n), PSA_SUCCESS);
    assert_int_equal(psa_sign_hash(k, PSA_ALG_ECDSA(PSA_ALG_SHA_384), h, 32, sig, sizeof sig, &n),
                     PSA_ERROR_NOT_PERMITTED);
    assert_int_equal(psa_sign_hash(k, DET256, h, 32, sig, sizeof sig, &n),
                     PSA_ERROR_NOT_PERMITTED);
    /* Argument shape: wildcard, not a signature, wrong hash length, buffer. */
    assert_int_equal(psa_sign_hash(k, PSA_ALG_ECDSA(PSA_ALG_ANY_HASH), h, 32, sig, sizeof sig,
                                   &n), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_sign_hash(k, PSA_ALG_SHA_256, h, 32, sig, sizeof sig, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_sign_hash(k, e256, h, 31, sig, sizeof sig, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_sign_hash(k, e256, h, 32, sig, 63, &n), PSA_ERROR_BUFFER_TOO_SMALL);
    assert_int_equal(psa_verify_hash(k, e256, h, 32, sig, 64), PSA_ERROR_NOT_PERMITTED);
    assert_int_equal(psa_sign_hash(12345, e256, h, 32, sig, sizeof sig, &n),
                     PSA_ERROR_INVALID_HANDLE);
    psa_destroy_key(k);
    /* Wildcard policy. */
    k = import_key(SECP_R1_PAIR, SIGN_ALL, PSA_ALG_ECDSA(PSA_ALG_ANY_HASH), d, d_len);
    assert_int_equal(psa_sign_hash(k, PSA_ALG_ECDSA(PSA_ALG_SHA_1), h, 20, sig, sizeof sig, &n),
                     PSA_SUCCESS);
    assert_int_equal(psa_verify_hash(k, PSA_ALG_ECDSA(PSA_ALG_SHA_1), h, 20, sig, n),
                     PSA_SUCCESS);
    psa_destroy_key(k);
    /* Key types that cannot do ECDSA. */
    HEX(xa, X25519_A);
    k = import_key(MONT_PAIR, SIGN_ALL, e256, xa, xa_len);
    assert_int_equal(psa_sign_hash(k, e256, h, 32, sig, sizeof sig, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    psa_destroy_key(k);
    k = import_key(PSA_KEY_TYPE_HMAC, SIGN_ALL, e256, h, 32);
    assert_int_equal(psa_sign_hash(k, e256, h, 32, sig, sizeof sig, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    psa_destroy_key(k);
    /* Persistent key across a restart. */
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&a, SECP_R1_PAIR);
    psa_set_key_usage_flags(&a, SIGN_ALL);
    psa_set_key_algorithm(&a, DET256);
    psa_set_key_id(&a, 9);
    assert_int_equal(psa_import_key(&a, d, d_len, &k), PSA_SUCCESS);
    restart_library();
    HEX(want, RFC6979_SAMPLE_SHA256);
    assert_int_equal(psa_sign_message(9, DET256, (const uint8_t *)"sample", 6, sig, sizeof sig,
                                      &n), PSA_SUCCESS);
    assert_memory_equal(sig, want, want_len);
    assert_int_equal(psa_get_key_attributes(9, &a), PSA_SUCCESS);
    assert_int_equal(psa_get_key_bits(&a), 256);
    assert_int_equal(psa_destroy_key(9), PSA_SUCCESS);
}

static void test_ecdh(void **state)
{
    (void)state;
    HEX(i, RFC5903_I);
    HEX(gi, RFC5903_GI);
    HEX(r, RFC5903_R);
    HEX(gr, RFC5903_GR);
    HEX(gir, RFC5903_GIR);
    assert_int_equal(gir_len, 32);
    uint8_t out[66];
    size_t n;
    psa_key_id_t ki = import_key(SECP_R1_PAIR, PSA_KEY_USAGE_DERIVE, PSA_ALG_ECDH, i, i_len);
    psa_key_id_t kr = import_key(SECP_R1_PAIR, PSA_KEY_USAGE_DERIVE, PSA_ALG_ECDH, r, r_len);
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_ECDH, ki, gr, gr_len, out, sizeof out, &n),
                     PSA_SUCCESS);
    assert_int_equal(n, 32);
    assert_memory_equal(out, gir, 32);
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_ECDH, kr, gi, gi_len, out, sizeof out, &n),
                     PSA_SUCCESS);
    assert_memory_equal(out, gir, 32);
    /* Errors: buffer, invalid peer, wrong algorithm, usage. */
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_ECDH, ki, gr, gr_len, out, 31, &n),
                     PSA_ERROR_BUFFER_TOO_SMALL);
    uint8_t bad[65];
    memcpy(bad, gr, 65);
    bad[40] ^= 4;
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_ECDH, ki, bad, 65, out, sizeof out, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_ECDH, ki, gr, 64, out, sizeof out, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    /* The peer's format: compressed is not a PSA format (NOT_SUPPORTED);
     * any other leading byte is malformed. */
    uint8_t comp[33];
    comp[0] = (uint8_t)(2 | (gr[64] & 1));
    memcpy(comp + 1, gr + 1, 32);
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_ECDH, ki, comp, sizeof comp, out, sizeof out,
                                           &n),
                     PSA_ERROR_NOT_SUPPORTED);
    memcpy(bad, gr, 65);
    bad[0] = 5;
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_ECDH, ki, bad, 65, out, sizeof out, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_SHA_256, ki, gr, gr_len, out, sizeof out, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_KEY_AGREEMENT(PSA_ALG_ECDH,
                                                                 PSA_ALG_HKDF(PSA_ALG_SHA_256)),
                                           ki, gr, gr_len, out, sizeof out, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    psa_key_id_t nod = import_key(SECP_R1_PAIR, PSA_KEY_USAGE_EXPORT, PSA_ALG_ECDH, i, i_len);
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_ECDH, nod, gr, gr_len, out, sizeof out, &n),
                     PSA_ERROR_NOT_PERMITTED);
    psa_destroy_key(nod);
    /* psa_key_agreement: the secret as a DERIVE key, usable by HKDF. */
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&a, PSA_KEY_TYPE_DERIVE);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_DERIVE | PSA_KEY_USAGE_EXPORT);
    psa_set_key_algorithm(&a, PSA_ALG_HKDF(PSA_ALG_SHA_256));
    psa_key_id_t sk = 0;
    assert_int_equal(psa_key_agreement(ki, gr, gr_len, PSA_ALG_ECDH, &a, &sk), PSA_SUCCESS);
    assert_int_equal(psa_export_key(sk, out, sizeof out, &n), PSA_SUCCESS);
    assert_int_equal(n, 32);
    assert_memory_equal(out, gir, 32);
    psa_key_attributes_t got = PSA_KEY_ATTRIBUTES_INIT;
    assert_int_equal(psa_get_key_attributes(sk, &got), PSA_SUCCESS);
    assert_int_equal(psa_get_key_bits(&got), 256);
    psa_destroy_key(sk);
    psa_set_key_bits(&a, 128);
    assert_int_equal(psa_key_agreement(ki, gr, gr_len, PSA_ALG_ECDH, &a, &sk),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(sk, 0);
    psa_set_key_bits(&a, 0);
    psa_set_key_type(&a, PSA_KEY_TYPE_AES);
    assert_int_equal(psa_key_agreement(ki, gr, gr_len, PSA_ALG_ECDH, &a, &sk),
                     PSA_ERROR_INVALID_ARGUMENT);
    psa_destroy_key(ki);
    psa_destroy_key(kr);
    /* X25519, RFC 7748 §6.1. */
    HEX(xa, X25519_A);
    HEX(xb, X25519_B);
    HEX(xap, X25519_A_PUB);
    HEX(xbp, X25519_B_PUB);
    HEX(xk, X25519_K);
    assert_int_equal(xk_len, 32);
    psa_key_id_t ka = import_key(MONT_PAIR, PSA_KEY_USAGE_DERIVE, PSA_ALG_ECDH, xa, xa_len);
    psa_key_id_t kb = import_key(MONT_PAIR, PSA_KEY_USAGE_DERIVE, PSA_ALG_ECDH, xb, xb_len);
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_ECDH, ka, xbp, xbp_len, out, sizeof out, &n),
                     PSA_SUCCESS);
    assert_int_equal(n, 32);
    assert_memory_equal(out, xk, 32);
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_ECDH, kb, xap, xap_len, out, sizeof out, &n),
                     PSA_SUCCESS);
    assert_memory_equal(out, xk, 32);
    /* A low-order peer point (all zero) gives an all-zero secret: refused. */
    uint8_t zero[32] = {0};
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_ECDH, ka, zero, 32, out, sizeof out, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_ECDH, ka, xbp, 31, out, sizeof out, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    psa_destroy_key(ka);
    psa_destroy_key(kb);
    /* A public key cannot agree. */
    psa_key_id_t pub = import_key(SECP_R1_PUB, PSA_KEY_USAGE_DERIVE, PSA_ALG_ECDH, gi, gi_len);
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_ECDH, pub, gr, gr_len, out, sizeof out, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    psa_destroy_key(pub);
}

static void test_ecdh_derivation_step(void **state)
{
    (void)state;
    HEX(i, RFC5903_I);
    HEX(gr, RFC5903_GR);
    HEX(gir, RFC5903_GIR);
    const uint8_t info[] = "info";
    psa_algorithm_t hkdf = PSA_ALG_HKDF(PSA_ALG_SHA_256);
    psa_algorithm_t ka_hkdf = PSA_ALG_KEY_AGREEMENT(PSA_ALG_ECDH, hkdf);
    psa_key_derivation_operation_t op = PSA_KEY_DERIVATION_OPERATION_INIT;
    uint8_t want[40], got[40];
    /* Reference: HKDF over the raw shared secret. */
    assert_int_equal(psa_key_derivation_setup(&op, hkdf), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_SECRET, gir,
                                                    gir_len), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_INFO, info, 4),
                     PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_output_bytes(&op, want, sizeof want), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    /* The combined algorithm. */
    psa_key_id_t k = import_key(SECP_R1_PAIR, PSA_KEY_USAGE_DERIVE, ka_hkdf, i, i_len);
    assert_int_equal(psa_key_derivation_setup(&op, ka_hkdf), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_key_agreement(&op, PSA_KEY_DERIVATION_INPUT_SECRET, k, gr,
                                                      gr_len), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_INFO, info, 4),
                     PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_output_bytes(&op, got, sizeof got), PSA_SUCCESS);
    assert_memory_equal(got, want, sizeof want);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    /* A key agreement secret may make keys. */
    assert_int_equal(psa_key_derivation_setup(&op, ka_hkdf), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_key_agreement(&op, PSA_KEY_DERIVATION_INPUT_SECRET, k, gr,
                                                      gr_len), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_INFO, info, 4),
                     PSA_SUCCESS);
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&a, PSA_KEY_TYPE_RAW_DATA);
    psa_set_key_bits(&a, 128);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_EXPORT);
    psa_key_id_t out = 0;
    assert_int_equal(psa_key_derivation_output_key(&a, &op, &out), PSA_SUCCESS);
    size_t n;
    assert_int_equal(psa_export_key(out, got, sizeof got, &n), PSA_SUCCESS);
    assert_memory_equal(got, want, 16);
    psa_destroy_key(out);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    /* The secret cannot be given directly; a step that takes no secret;
     * a key permitting ECDH alone; a plain KDF operation. */
    assert_int_equal(psa_key_derivation_setup(&op, ka_hkdf), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_SECRET, gir,
                                                    gir_len), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_key_derivation_setup(&op, ka_hkdf), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_key_agreement(&op, PSA_KEY_DERIVATION_INPUT_INFO, k, gr,
                                                      gr_len), PSA_ERROR_INVALID_ARGUMENT);
    psa_key_id_t plain = import_key(SECP_R1_PAIR, PSA_KEY_USAGE_DERIVE, PSA_ALG_ECDH, i, i_len);
    assert_int_equal(psa_key_derivation_setup(&op, ka_hkdf), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_key_agreement(&op, PSA_KEY_DERIVATION_INPUT_SECRET, plain,
                                                      gr, gr_len), PSA_ERROR_NOT_PERMITTED);
    assert_int_equal(psa_key_derivation_setup(&op, hkdf), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_key_agreement(&op, PSA_KEY_DERIVATION_INPUT_SECRET, k, gr,
                                                      gr_len), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_key_derivation_setup(&op, ka_hkdf), PSA_SUCCESS);
    gr[30] ^= 1;
    assert_int_equal(psa_key_derivation_key_agreement(&op, PSA_KEY_DERIVATION_INPUT_SECRET, k, gr,
                                                      gr_len), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    /* TLS 1.2 ECDHE-PSK: the ECDH secret as the other secret. */
    psa_algorithm_t psk_alg = PSA_ALG_KEY_AGREEMENT(PSA_ALG_ECDH,
                                                    PSA_ALG_TLS12_PSK_TO_MS(PSA_ALG_SHA_256));
    psa_key_id_t kp = import_key(SECP_R1_PAIR, PSA_KEY_USAGE_DERIVE, psk_alg, i, i_len);
    gr[30] ^= 1;
    const uint8_t seed[4] = {1, 2, 3, 4}, psk[4] = {5, 6, 7, 8};
    assert_int_equal(psa_key_derivation_setup(&op, psk_alg), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_SEED, seed, 4),
                     PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_key_agreement(&op, PSA_KEY_DERIVATION_INPUT_OTHER_SECRET,
                                                      kp, gr, gr_len), PSA_SUCCESS);
    psa_key_id_t pk = import_key(PSA_KEY_TYPE_DERIVE, PSA_KEY_USAGE_DERIVE, psk_alg, psk, 4);
    const uint8_t label[] = "master secret";
    assert_int_equal(psa_key_derivation_input_key(&op, PSA_KEY_DERIVATION_INPUT_SECRET, pk),
                     PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_LABEL, label,
                                                    13), PSA_SUCCESS);
    uint8_t ms[48], ref[48];
    assert_int_equal(psa_key_derivation_output_bytes(&op, ms, 48), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    /* The same with the shared secret given as bytes. */
    assert_int_equal(psa_key_derivation_setup(&op, PSA_ALG_TLS12_PSK_TO_MS(PSA_ALG_SHA_256)),
                     PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_SEED, seed, 4),
                     PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_OTHER_SECRET,
                                                    gir, gir_len), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_SECRET, psk, 4),
                     PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_LABEL, label,
                                                    13), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_output_bytes(&op, ref, 48), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    assert_memory_equal(ms, ref, 48);
    psa_destroy_key(pk);
    psa_destroy_key(kp);
    psa_destroy_key(plain);
    psa_destroy_key(k);
}

#define ED_PAIR PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_TWISTED_EDWARDS)
#define ED_PUB PSA_KEY_TYPE_ECC_PUBLIC_KEY(PSA_ECC_FAMILY_TWISTED_EDWARDS)

static void test_ed25519(void **state)
{
    (void)state;
    static const struct {
        const char *sk, *pk, *msg, *sig;
    } v[] = {
        {ED25519_T1_SK, ED25519_T1_PK, "", ED25519_T1_SIG},
        {ED25519_T2_SK, ED25519_T2_PK, "72", ED25519_T2_SIG},
        {ED25519_T3_SK, ED25519_T3_PK, "af82", ED25519_T3_SIG},
    };
    psa_algorithm_t ed = PSA_ALG_PURE_EDDSA;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        HEX(sk, v[i].sk);
        HEX(pk, v[i].pk);
        HEX(msg, v[i].msg);
        HEX(want, v[i].sig);
        uint8_t sig[64], out[32];
        size_t n;
        psa_key_id_t k = import_key(ED_PAIR, PSA_KEY_USAGE_SIGN_MESSAGE |
                                                 PSA_KEY_USAGE_VERIFY_MESSAGE, ed, sk, sk_len);
        psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
        assert_int_equal(psa_get_key_attributes(k, &a), PSA_SUCCESS);
        assert_int_equal(psa_get_key_bits(&a), 255);
        assert_int_equal(psa_export_public_key(k, out, sizeof out, &n), PSA_SUCCESS);
        assert_int_equal(n, 32);
        assert_memory_equal(out, pk, pk_len);
        assert_int_equal(psa_sign_message(k, ed, msg, msg_len, sig, sizeof sig, &n), PSA_SUCCESS);
        assert_int_equal(n, 64);
        assert_memory_equal(sig, want, want_len);
        assert_int_equal(psa_sign_message(k, ed, msg, msg_len, sig, 63, &n),
                         PSA_ERROR_BUFFER_TOO_SMALL);
        psa_key_id_t p = import_key(ED_PUB, PSA_KEY_USAGE_VERIFY_MESSAGE, ed, pk, pk_len);
        assert_int_equal(psa_verify_message(p, ed, msg, msg_len, want, want_len), PSA_SUCCESS);
        want[5] ^= 1;
        assert_int_equal(psa_verify_message(p, ed, msg, msg_len, want, want_len),
                         PSA_ERROR_INVALID_SIGNATURE);
        assert_int_equal(psa_verify_message(p, ed, msg, msg_len, want, want_len - 1),
                         PSA_ERROR_INVALID_SIGNATURE);
        /* Hash signing is not PureEdDSA; a public key cannot sign. */
        assert_int_equal(psa_sign_hash(k, ed, msg, msg_len, sig, sizeof sig, &n),
                         PSA_ERROR_INVALID_ARGUMENT);
        assert_int_equal(psa_sign_message(p, ed, msg, msg_len, sig, sizeof sig, &n),
                         PSA_ERROR_NOT_PERMITTED);
        psa_destroy_key(p);
        psa_destroy_key(k);
    }
    /* Generated keys round-trip; prehashed variants and ECDSA on Edwards keys. */
    psa_key_id_t k = gen(ED_PAIR, 255, PSA_KEY_USAGE_SIGN_MESSAGE | PSA_KEY_USAGE_VERIFY_MESSAGE,
                         ed);
    const uint8_t m[] = "message";
    uint8_t sig[64];
    size_t n;
    assert_int_equal(psa_sign_message(k, ed, m, sizeof m, sig, sizeof sig, &n), PSA_SUCCESS);
    assert_int_equal(psa_verify_message(k, ed, m, sizeof m, sig, n), PSA_SUCCESS);
    psa_destroy_key(k);
    k = gen(ED_PAIR, 255, PSA_KEY_USAGE_SIGN_MESSAGE, PSA_ALG_ED25519PH);
    assert_int_equal(psa_sign_message(k, PSA_ALG_ED25519PH, m, sizeof m, sig, sizeof sig, &n),
                     PSA_SUCCESS); /* HashEdDSA: see test_crypto_eddsa.c */
    psa_destroy_key(k);
    k = gen(ED_PAIR, 255, PSA_KEY_USAGE_SIGN_MESSAGE, PSA_ALG_ECDSA(PSA_ALG_SHA_256));
    assert_int_equal(psa_sign_message(k, PSA_ALG_ECDSA(PSA_ALG_SHA_256), m, sizeof m, sig,
                                      sizeof sig, &n), PSA_ERROR_INVALID_ARGUMENT);
    psa_destroy_key(k);
    /* An Edwards key does not agree keys; a Weierstrass key does not EdDSA. */
    k = gen(ED_PAIR, 255, PSA_KEY_USAGE_DERIVE, PSA_ALG_ECDH);
    uint8_t peer[32] = {9};
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_ECDH, k, peer, 32, sig, sizeof sig, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    psa_destroy_key(k);
    k = gen(SECP_R1_PAIR, 256, PSA_KEY_USAGE_SIGN_MESSAGE, ed);
    assert_int_equal(psa_sign_message(k, ed, m, sizeof m, sig, sizeof sig, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    psa_destroy_key(k);
}

static void test_ecc_export_copy_persist(void **state)
{
    (void)state;
    HEX(d, P256_D);
    HEX(q, P256_Q);
    uint8_t out[133];
    size_t n;
    /* A public key exports without EXPORT usage; a key pair does not. */
    psa_key_id_t pub = import_key(SECP_R1_PUB, 0, 0, q, q_len);
    assert_int_equal(psa_export_key(pub, out, sizeof out, &n), PSA_SUCCESS);
    assert_memory_equal(out, q, 65);
    psa_destroy_key(pub);
    psa_key_id_t k = import_key(SECP_R1_PAIR, PSA_KEY_USAGE_COPY | PSA_KEY_USAGE_SIGN_HASH,
                                DET256, d, d_len);
    assert_int_equal(psa_export_key(k, out, sizeof out, &n), PSA_ERROR_NOT_PERMITTED);
    assert_int_equal(psa_export_public_key(k, out, sizeof out, &n), PSA_SUCCESS);
    /* Copy keeps type and size; a size mismatch is refused. */
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_key_id_t c = 0;
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_SIGN_HASH);
    psa_set_key_algorithm(&a, DET256);
    psa_set_key_bits(&a, 384);
    assert_int_equal(psa_copy_key(k, &a, &c), PSA_ERROR_INVALID_ARGUMENT);
    psa_set_key_bits(&a, 0);
    psa_set_key_id(&a, 30); /* persistent copy */
    assert_int_equal(psa_copy_key(k, &a, &c), PSA_SUCCESS);
    restart_library();
    uint8_t sig[64];
    HEX(want, RFC6979_SAMPLE_SHA256);
    assert_int_equal(psa_sign_message(30, DET256, (const uint8_t *)"sample", 6, sig, sizeof sig,
                                      &n), PSA_SUCCESS);
    assert_memory_equal(sig, want, want_len);
    psa_key_attributes_t got = PSA_KEY_ATTRIBUTES_INIT;
    assert_int_equal(psa_get_key_attributes(30, &got), PSA_SUCCESS);
    assert_int_equal(psa_get_key_type(&got), SECP_R1_PAIR);
    assert_int_equal(psa_get_key_bits(&got), 256);
    /* Key agreement from a persistent private key into a persistent key. */
    HEX(i, RFC5903_I);
    HEX(gr, RFC5903_GR);
    HEX(gir, RFC5903_GIR);
    psa_reset_key_attributes(&a);
    psa_set_key_type(&a, SECP_R1_PAIR);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_DERIVE);
    psa_set_key_algorithm(&a, PSA_ALG_ECDH);
    psa_set_key_id(&a, 31);
    assert_int_equal(psa_import_key(&a, i, i_len, &k), PSA_SUCCESS);
    psa_reset_key_attributes(&a);
    psa_set_key_type(&a, PSA_KEY_TYPE_RAW_DATA);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_EXPORT);
    psa_set_key_id(&a, 32);
    assert_int_equal(psa_key_agreement(31, gr, gr_len, PSA_ALG_ECDH, &a, &c), PSA_SUCCESS);
    assert_int_equal(c, 32);
    restart_library();
    assert_int_equal(psa_export_key(32, out, sizeof out, &n), PSA_SUCCESS);
    assert_int_equal(n, 32);
    assert_memory_equal(out, gir, gir_len);
    assert_int_equal(psa_destroy_key(30), PSA_SUCCESS);
    assert_int_equal(psa_destroy_key(31), PSA_SUCCESS);
    assert_int_equal(psa_destroy_key(32), PSA_SUCCESS);
}

/* The parsed key the core caches per slot (docs/crypto.md, "Key objects")
 * belongs to that key only: a slot reused by another key, a copy, and a
 * key whose usage changes through a copy all sign with their own material. */
static void test_ecc_key_cache_lifetime(void **state)
{
    (void)state;
    psa_algorithm_t alg = PSA_ALG_ECDSA(PSA_ALG_SHA_256);
    psa_key_usage_t u = PSA_KEY_USAGE_SIGN_HASH | PSA_KEY_USAGE_VERIFY_HASH | PSA_KEY_USAGE_COPY;
    uint8_t h[32] = {1, 2, 3}, sig[64], pub_a[65], pub_b[65];
    size_t n, la, lb;
    for (int round = 0; round < 8; round++) {
        psa_key_id_t a = gen(SECP_R1_PAIR, 256, u, alg);
        assert_int_equal(psa_sign_hash(a, alg, h, sizeof h, sig, sizeof sig, &n), PSA_SUCCESS);
        assert_int_equal(psa_export_public_key(a, pub_a, sizeof pub_a, &la), PSA_SUCCESS);
        assert_int_equal(psa_destroy_key(a), PSA_SUCCESS);
        /* Most likely the same slot: its cached key object must be gone. */
        psa_key_id_t b = gen(SECP_R1_PAIR, 256, u, alg);
        assert_int_equal(psa_sign_hash(b, alg, h, sizeof h, sig, sizeof sig, &n), PSA_SUCCESS);
        assert_int_equal(psa_export_public_key(b, pub_b, sizeof pub_b, &lb), PSA_SUCCESS);
        assert_memory_not_equal(pub_a, pub_b, 65);
        psa_key_id_t vb = import_key(SECP_R1_PUB, PSA_KEY_USAGE_VERIFY_HASH, alg, pub_b, lb);
        psa_key_id_t va = import_key(SECP_R1_PUB, PSA_KEY_USAGE_VERIFY_HASH, alg, pub_a, la);
        assert_int_equal(psa_verify_hash(vb, alg, h, sizeof h, sig, n), PSA_SUCCESS);
        assert_int_equal(psa_verify_hash(va, alg, h, sizeof h, sig, n),
                         PSA_ERROR_INVALID_SIGNATURE);
        /* A copy made after the original's object was cached signs as b. */
        psa_key_attributes_t ca = PSA_KEY_ATTRIBUTES_INIT;
        psa_key_id_t c = 0;
        psa_set_key_usage_flags(&ca, PSA_KEY_USAGE_SIGN_HASH);
        psa_set_key_algorithm(&ca, alg);
        assert_int_equal(psa_copy_key(b, &ca, &c), PSA_SUCCESS);
        assert_int_equal(psa_destroy_key(b), PSA_SUCCESS);
        assert_int_equal(psa_sign_hash(c, alg, h, sizeof h, sig, sizeof sig, &n), PSA_SUCCESS);
        assert_int_equal(psa_verify_hash(vb, alg, h, sizeof h, sig, n), PSA_SUCCESS);
        assert_int_equal(psa_sign_hash(b, alg, h, sizeof h, sig, sizeof sig, &n),
                         PSA_ERROR_INVALID_HANDLE);
        psa_destroy_key(c);
        psa_destroy_key(va);
        psa_destroy_key(vb);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CRYPTO_TEST(test_ecc_import_export),
        CRYPTO_TEST(test_ecc_import_rejects),
        CRYPTO_TEST(test_ecdsa_deterministic),
        CRYPTO_TEST(test_ecdsa_randomized),
        CRYPTO_TEST(test_ecdsa_policy_and_arguments),
        CRYPTO_TEST(test_ecdh),
        CRYPTO_TEST(test_ecdh_derivation_step),
        CRYPTO_TEST(test_ed25519),
        CRYPTO_TEST(test_ecc_export_copy_persist),
        CRYPTO_TEST(test_ecc_key_cache_lifetime),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
