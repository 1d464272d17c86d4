/* EdDSA beyond Ed25519: Ed448 (PureEdDSA) through OpenSSL, Ed25519ph and
 * Ed448ph through Ward's own Edwards arithmetic (backend_eddsa_ph.c): RFC
 * 8032 known answers through the PSA API, a self-test of that arithmetic
 * against OpenSSL's PureEdDSA, verification and import refusals, policy. */
#include "crypto_test_util.h"
#include "vectors/eddsa_vectors.h"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "ward_crypto_backend.h"

#define ED_PAIR PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_TWISTED_EDWARDS)
#define ED_PUB PSA_KEY_TYPE_ECC_PUBLIC_KEY(PSA_ECC_FAMILY_TWISTED_EDWARDS)
#define USE_ALL                                                                  \
    (PSA_KEY_USAGE_SIGN_MESSAGE | PSA_KEY_USAGE_VERIFY_MESSAGE | PSA_KEY_USAGE_SIGN_HASH | \
     PSA_KEY_USAGE_VERIFY_HASH | PSA_KEY_USAGE_EXPORT)
#define SELFTEST_ROUNDS 200

static psa_status_t try_import(psa_key_type_t type, size_t bits, psa_algorithm_t alg,
                               const uint8_t *d, size_t n, psa_key_id_t *id)
{
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&a, type);
    psa_set_key_bits(&a, bits);
    psa_set_key_usage_flags(&a, USE_ALL);
    psa_set_key_algorithm(&a, alg);
    return psa_import_key(&a, d, n, id);
}

static psa_key_id_t gen(size_t bits, psa_key_usage_t usage, psa_algorithm_t alg)
{
    return generate_key(ED_PAIR, bits, usage, alg);
}

/* The group order L of each curve (RFC 8032 §5.1 and §5.2), little-endian
 * into out (b bytes). */
static void order_le(size_t bits, uint8_t *out, size_t b)
{
    BIGNUM *l = BN_new(), *t = NULL;
    assert_non_null(l);
    if (bits == 255) {
        assert_int_not_equal(BN_dec2bn(&t, "27742317777372353535851937790883648493"), 0);
        assert_int_equal(BN_set_bit(l, 252), 1);
        assert_int_equal(BN_add(l, l, t), 1);
    } else {
        assert_int_not_equal(
            BN_dec2bn(&t, "13818066809895115352007386748515426880336692474882178609894547503885"),
            0);
        assert_int_equal(BN_set_bit(l, 446), 1);
        assert_int_equal(BN_sub(l, l, t), 1);
    }
    assert_int_equal(BN_bn2lebinpad(l, out, (int)b), (int)b);
    BN_free(l);
    BN_free(t);
}

/* The field prime p (RFC 8032), little-endian into out (b bytes). */
static void prime_le(size_t bits, uint8_t *out, size_t b)
{
    BIGNUM *p = BN_new(), *t = BN_new();
    assert_true(p != NULL && t != NULL);
    if (bits == 255) {
        assert_int_equal(BN_set_bit(p, 255), 1);
        assert_int_equal(BN_sub_word(p, 19), 1);
    } else {
        assert_int_equal(BN_set_bit(p, 448), 1);
        assert_int_equal(BN_set_bit(t, 224), 1);
        assert_int_equal(BN_sub(p, p, t), 1);
        assert_int_equal(BN_sub_word(p, 1), 1);
    }
    assert_int_equal(BN_bn2lebinpad(p, out, (int)b), (int)b);
    BN_free(p);
    BN_free(t);
}

/* a += b over n little-endian bytes; the carry out must be 0. */
static void le_add(uint8_t *a, const uint8_t *b, size_t n)
{
    unsigned carry = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned v = a[i] + b[i] + carry;
        a[i] = (uint8_t)v;
        carry = v >> 8;
    }
    assert_int_equal(carry, 0);
}

/* ---- the self-test: Ward's arithmetic in pure mode equals OpenSSL ------------ */

static void selftest_curve(size_t bits, int openssl_type)
{
    size_t b = WBE_ECC_KEY_BYTES(ED_PAIR, bits);
    for (int i = 0; i < SELFTEST_ROUNDS; i++) {
        uint8_t priv[57], pub[57], own_pub[57], msg[300], sig[114], own_sig[114];
        uint8_t len_byte;
        assert_int_equal(RAND_bytes(priv, (int)b), 1);
        assert_int_equal(RAND_bytes(&len_byte, 1), 1);
        size_t msg_len = (size_t)len_byte + (size_t)(i % 2) * 40; /* 0..294 bytes */
        assert_int_equal(RAND_bytes(msg, (int)sizeof msg), 1);
        EVP_PKEY *pk = EVP_PKEY_new_raw_private_key(openssl_type, NULL, priv, b);
        assert_non_null(pk);
        size_t n = b;
        assert_int_equal(EVP_PKEY_get_raw_public_key(pk, pub, &n), 1);
        assert_int_equal(n, b);
        EVP_MD_CTX *mc = EVP_MD_CTX_new();
        assert_non_null(mc);
        n = 2 * b;
        assert_int_equal(EVP_DigestSignInit(mc, NULL, NULL, NULL, pk), 1);
        assert_int_equal(EVP_DigestSign(mc, sig, &n, msg, msg_len), 1);
        assert_int_equal(n, 2 * b);
        /* Same public key, same signature, byte for byte. */
        assert_int_equal(wbe_edwards_public_own(bits, priv, b, own_pub), PSA_SUCCESS);
        assert_memory_equal(own_pub, pub, b);
        assert_int_equal(wbe_pure_eddsa_sign_own(bits, priv, b, msg, msg_len, own_sig),
                         PSA_SUCCESS);
        assert_memory_equal(own_sig, sig, 2 * b);
        /* OpenSSL accepts Ward's signature with a public-only key. */
        EVP_PKEY *pp = EVP_PKEY_new_raw_public_key(openssl_type, NULL, pub, b);
        assert_non_null(pp);
        EVP_MD_CTX_free(mc);
        mc = EVP_MD_CTX_new();
        assert_non_null(mc);
        assert_int_equal(EVP_DigestVerifyInit(mc, NULL, NULL, NULL, pp), 1);
        assert_int_equal(EVP_DigestVerify(mc, own_sig, 2 * b, msg, msg_len), 1);
        /* Ward's verification accepts it and refuses a changed byte. */
        assert_int_equal(wbe_pure_eddsa_verify_own(bits, pub, b, msg, msg_len, sig, 2 * b),
                         PSA_SUCCESS);
        own_sig[(size_t)i % (2 * b)] ^= (uint8_t)(1u << (i % 8));
        assert_int_equal(wbe_pure_eddsa_verify_own(bits, pub, b, msg, msg_len, own_sig, 2 * b),
                         PSA_ERROR_INVALID_SIGNATURE);
        EVP_MD_CTX_free(mc);
        EVP_PKEY_free(pk);
        EVP_PKEY_free(pp);
    }
}

static void test_selftest_ed25519(void **state)
{
    (void)state;
    selftest_curve(255, EVP_PKEY_ED25519);
}

static void test_selftest_ed448(void **state)
{
    (void)state;
    selftest_curve(448, EVP_PKEY_ED448);
}

/* ---- Ed448 (PureEdDSA) through the PSA API ------------------------------------ */

static void test_ed448_vectors(void **state)
{
    (void)state;
    static const struct {
        const char *sk, *pk, *msg, *sig;
    } v[] = {
        {ED448_BLANK_SK, ED448_BLANK_PK, "", ED448_BLANK_SIG},
        {ED448_1OCTET_SK, ED448_1OCTET_PK, ED448_1OCTET_MSG, ED448_1OCTET_SIG},
    };
    psa_algorithm_t ed = PSA_ALG_PURE_EDDSA;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        HEX(sk, v[i].sk);
        HEX(pk, v[i].pk);
        HEX(msg, v[i].msg);
        HEX(want, v[i].sig);
        uint8_t sig[114], out[57];
        size_t n;
        assert_int_equal(sk_len, 57);
        assert_int_equal(want_len, 114);
        psa_key_id_t k = import_key(ED_PAIR, USE_ALL, ed, sk, sk_len);
        psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
        assert_int_equal(psa_get_key_attributes(k, &a), PSA_SUCCESS);
        assert_int_equal(psa_get_key_bits(&a), 448);
        assert_int_equal(psa_export_key(k, out, sizeof out, &n), PSA_SUCCESS);
        assert_int_equal(n, 57);
        assert_memory_equal(out, sk, 57);
        assert_int_equal(psa_export_key(k, out, 56, &n), PSA_ERROR_BUFFER_TOO_SMALL);
        assert_int_equal(psa_export_public_key(k, out, sizeof out, &n), PSA_SUCCESS);
        assert_int_equal(n, 57);
        assert_memory_equal(out, pk, 57);
        assert_int_equal(psa_export_public_key(k, out, 56, &n), PSA_ERROR_BUFFER_TOO_SMALL);
        assert_int_equal(PSA_SIGN_OUTPUT_SIZE(ED_PAIR, 448, ed), 114);
        assert_int_equal(PSA_EXPORT_KEY_OUTPUT_SIZE(ED_PAIR, 448), 57);
        assert_int_equal(PSA_EXPORT_PUBLIC_KEY_OUTPUT_SIZE(ED_PAIR, 448), 57);
        assert_int_equal(psa_sign_message(k, ed, msg, msg_len, sig, sizeof sig, &n), PSA_SUCCESS);
        assert_int_equal(n, 114);
        assert_memory_equal(sig, want, 114);
        assert_int_equal(psa_sign_message(k, ed, msg, msg_len, sig, 113, &n),
                         PSA_ERROR_BUFFER_TOO_SMALL);
        assert_int_equal(psa_verify_message(k, ed, msg, msg_len, want, 114), PSA_SUCCESS);
        psa_key_id_t p = import_key(ED_PUB, PSA_KEY_USAGE_VERIFY_MESSAGE, ed, pk, pk_len);
        assert_int_equal(psa_get_key_attributes(p, &a), PSA_SUCCESS);
        assert_int_equal(psa_get_key_bits(&a), 448);
        assert_int_equal(psa_verify_message(p, ed, msg, msg_len, want, 114), PSA_SUCCESS);
        assert_int_equal(psa_verify_message(p, ed, msg, msg_len, want, 113),
                         PSA_ERROR_INVALID_SIGNATURE);
        want[3] ^= 0x10; /* R */
        assert_int_equal(psa_verify_message(p, ed, msg, msg_len, want, 114),
                         PSA_ERROR_INVALID_SIGNATURE);
        want[3] ^= 0x10;
        want[60] ^= 0x01; /* S */
        assert_int_equal(psa_verify_message(p, ed, msg, msg_len, want, 114),
                         PSA_ERROR_INVALID_SIGNATURE);
        want[60] ^= 0x01;
        const uint8_t other[] = {0x04};
        assert_int_equal(psa_verify_message(p, ed, other, 1, want, 114),
                         PSA_ERROR_INVALID_SIGNATURE);
        uint8_t l[57], bad[114];
        order_le(448, l, 57);
        memcpy(bad, want, 114);
        le_add(bad + 57, l, 57); /* S + L: the same S mod L, refused (S < L) */
        assert_int_equal(psa_verify_message(p, ed, msg, msg_len, bad, 114),
                         PSA_ERROR_INVALID_SIGNATURE);
        /* PureEdDSA does not sign hashes (spec: not a hash-and-sign algorithm). */
        uint8_t h[64] = {0};
        assert_int_equal(psa_sign_hash(k, ed, h, sizeof h, sig, sizeof sig, &n),
                         PSA_ERROR_INVALID_ARGUMENT);
        assert_int_equal(psa_verify_hash(k, ed, h, sizeof h, want, 114),
                         PSA_ERROR_INVALID_ARGUMENT);
        /* A public key cannot sign. */
        assert_int_equal(psa_sign_message(p, ed, msg, msg_len, sig, sizeof sig, &n),
                         PSA_ERROR_NOT_PERMITTED);
        psa_destroy_key(p);
        psa_destroy_key(k);
    }
}

static void test_ed448_generate(void **state)
{
    (void)state;
    psa_algorithm_t ed = PSA_ALG_PURE_EDDSA;
    psa_key_id_t k = gen(448, USE_ALL, ed);
    uint8_t priv[57], pub[57], own[57], sig[114];
    size_t n, pn;
    assert_int_equal(psa_export_key(k, priv, sizeof priv, &n), PSA_SUCCESS);
    assert_int_equal(n, 57);
    assert_int_equal(psa_export_public_key(k, pub, sizeof pub, &pn), PSA_SUCCESS);
    assert_int_equal(pn, 57);
    assert_int_equal(wbe_edwards_public_own(448, priv, 57, own), PSA_SUCCESS);
    assert_memory_equal(own, pub, 57);
    const uint8_t m[] = "generated";
    assert_int_equal(psa_sign_message(k, ed, m, sizeof m, sig, sizeof sig, &n), PSA_SUCCESS);
    psa_key_id_t p = import_key(ED_PUB, PSA_KEY_USAGE_VERIFY_MESSAGE, ed, pub, pn);
    assert_int_equal(psa_verify_message(p, ed, m, sizeof m, sig, n), PSA_SUCCESS);
    psa_destroy_key(p);
    psa_destroy_key(k);
    /* Edwards sizes other than 255 and 448 do not exist. */
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&a, ED_PAIR);
    psa_set_key_bits(&a, 456);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_SIGN_MESSAGE);
    assert_int_equal(psa_generate_key(&a, &k), PSA_ERROR_NOT_SUPPORTED);
}

/* ---- HashEdDSA: RFC 8032 §7.3 and §7.5 through the PSA API -------------------- */

static void ph_vector(psa_algorithm_t alg, size_t bits, const char *sk_hex, const char *pk_hex,
                      const char *msg_hex, const char *sig_hex)
{
    HEX(sk, sk_hex);
    HEX(pk, pk_hex);
    HEX(msg, msg_hex);
    HEX(want, sig_hex);
    size_t b = WBE_ECC_KEY_BYTES(ED_PAIR, bits);
    psa_algorithm_t hash = PSA_ALG_GET_HASH(alg);
    uint8_t sig[114], ph[64];
    size_t n, phn;
    assert_int_equal(want_len, 2 * b);
    assert_int_equal(PSA_ALG_IS_HASH_EDDSA(alg), 1);
    assert_int_equal(PSA_ALG_IS_SIGN_HASH(alg), 1);
    assert_int_equal(hash, bits == 255 ? PSA_ALG_SHA_512 : PSA_ALG_SHAKE256_512);
    psa_key_id_t k = import_key(ED_PAIR, USE_ALL, alg, sk, sk_len);
    assert_int_equal(psa_export_public_key(k, sig, sizeof sig, &n), PSA_SUCCESS);
    assert_int_equal(n, b);
    assert_memory_equal(sig, pk, b);
    /* sign_message: Ward computes PH(M). */
    assert_int_equal(psa_sign_message(k, alg, msg, msg_len, sig, sizeof sig, &n), PSA_SUCCESS);
    assert_int_equal(n, 2 * b);
    assert_memory_equal(sig, want, 2 * b);
    /* sign_hash with the caller's prehash. */
    assert_int_equal(psa_hash_compute(hash, msg, msg_len, ph, sizeof ph, &phn), PSA_SUCCESS);
    assert_int_equal(phn, 64);
    memset(sig, 0, sizeof sig);
    assert_int_equal(psa_sign_hash(k, alg, ph, phn, sig, sizeof sig, &n), PSA_SUCCESS);
    assert_int_equal(n, 2 * b);
    assert_memory_equal(sig, want, 2 * b);
    /* Verification, with the key pair and with the public key. */
    assert_int_equal(psa_verify_message(k, alg, msg, msg_len, want, 2 * b), PSA_SUCCESS);
    assert_int_equal(psa_verify_hash(k, alg, ph, phn, want, 2 * b), PSA_SUCCESS);
    psa_key_id_t p = import_key(ED_PUB, PSA_KEY_USAGE_VERIFY_MESSAGE | PSA_KEY_USAGE_VERIFY_HASH,
                                alg, pk, pk_len);
    assert_int_equal(psa_verify_message(p, alg, msg, msg_len, want, 2 * b), PSA_SUCCESS);
    assert_int_equal(psa_verify_hash(p, alg, ph, phn, want, 2 * b), PSA_SUCCESS);
    /* The prehash must be 64 bytes. */
    assert_int_equal(psa_sign_hash(k, alg, ph, 32, sig, sizeof sig, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_sign_hash(k, alg, ph, 65, sig, sizeof sig, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_verify_hash(p, alg, ph, 63, want, 2 * b), PSA_ERROR_INVALID_ARGUMENT);
    /* Output buffer. */
    assert_int_equal(psa_sign_hash(k, alg, ph, phn, sig, 2 * b - 1, &n),
                     PSA_ERROR_BUFFER_TOO_SMALL);
    assert_int_equal(psa_sign_message(k, alg, msg, msg_len, sig, 2 * b - 1, &n),
                     PSA_ERROR_BUFFER_TOO_SMALL);
    /* A public key cannot sign; PureEdDSA's signature is not HashEdDSA's. */
    assert_int_equal(psa_sign_hash(p, alg, ph, phn, sig, sizeof sig, &n),
                     PSA_ERROR_NOT_PERMITTED);
    psa_destroy_key(p);
    psa_destroy_key(k);
}

static void test_ed25519ph_vector(void **state)
{
    (void)state;
    ph_vector(PSA_ALG_ED25519PH, 255, ED25519PH_SK, ED25519PH_PK, ED25519PH_MSG, ED25519PH_SIG);
}

static void test_ed448ph_vector(void **state)
{
    (void)state;
    ph_vector(PSA_ALG_ED448PH, 448, ED448PH_SK, ED448PH_PK, ED448PH_MSG, ED448PH_SIG);
}

/* ---- verification refusals ---------------------------------------------------- */

static void ph_refusals(psa_algorithm_t alg, size_t bits)
{
    size_t b = WBE_ECC_KEY_BYTES(ED_PAIR, bits);
    psa_key_id_t k = gen(bits, USE_ALL, alg);
    uint8_t pub[57], sig[114], bad[115], l[57], p[57];
    size_t n, pn;
    const uint8_t msg[] = "the message that was signed";
    assert_int_equal(psa_export_public_key(k, pub, sizeof pub, &pn), PSA_SUCCESS);
    psa_key_id_t v = import_key(ED_PUB, PSA_KEY_USAGE_VERIFY_MESSAGE, alg, pub, pn);
    assert_int_equal(psa_sign_message(k, alg, msg, sizeof msg, sig, sizeof sig, &n),
                     PSA_SUCCESS);
    assert_int_equal(n, 2 * b);
    assert_int_equal(psa_verify_message(v, alg, msg, sizeof msg, sig, n), PSA_SUCCESS);
    /* A flipped bit anywhere in R or S, or in the message. */
    for (size_t i = 0; i < 2 * b; i += 5) {
        memcpy(bad, sig, n);
        bad[i] ^= (uint8_t)(1u << (i % 8));
        assert_int_equal(psa_verify_message(v, alg, msg, sizeof msg, bad, n),
                         PSA_ERROR_INVALID_SIGNATURE);
    }
    uint8_t msg2[sizeof msg];
    memcpy(msg2, msg, sizeof msg);
    msg2[0] ^= 1;
    assert_int_equal(psa_verify_message(v, alg, msg2, sizeof msg2, sig, n),
                     PSA_ERROR_INVALID_SIGNATURE);
    /* S + L is the same S mod L, but S must be < L (RFC 8032 §5.1.7, §5.2.7). */
    order_le(bits, l, b);
    memcpy(bad, sig, n);
    le_add(bad + b, l, b);
    assert_int_equal(psa_verify_message(v, alg, msg, sizeof msg, bad, n),
                     PSA_ERROR_INVALID_SIGNATURE);
    memcpy(bad + b, l, b); /* S = L */
    assert_int_equal(psa_verify_message(v, alg, msg, sizeof msg, bad, n),
                     PSA_ERROR_INVALID_SIGNATURE);
    /* R non-canonical: y = p + 1 (the identity's y plus p), or y = p. */
    const uint8_t one[57] = {1};
    prime_le(bits, p, b);
    memcpy(bad, sig, n);
    memcpy(bad, p, b);
    le_add(bad, one, b);
    assert_int_equal(psa_verify_message(v, alg, msg, sizeof msg, bad, n),
                     PSA_ERROR_INVALID_SIGNATURE);
    memcpy(bad, p, b);
    assert_int_equal(psa_verify_message(v, alg, msg, sizeof msg, bad, n),
                     PSA_ERROR_INVALID_SIGNATURE);
    /* Wrong lengths. */
    assert_int_equal(psa_verify_message(v, alg, msg, sizeof msg, sig, n - 1),
                     PSA_ERROR_INVALID_SIGNATURE);
    memcpy(bad, sig, n);
    bad[n] = 0;
    assert_int_equal(psa_verify_message(v, alg, msg, sizeof msg, bad, n + 1),
                     PSA_ERROR_INVALID_SIGNATURE);
    assert_int_equal(psa_verify_message(v, alg, msg, sizeof msg, sig, 0),
                     PSA_ERROR_INVALID_SIGNATURE);
    /* The same key's PureEdDSA signature is not a HashEdDSA signature. */
    uint8_t priv[57];
    assert_int_equal(psa_export_key(k, priv, sizeof priv, &pn), PSA_SUCCESS);
    psa_key_id_t pure = import_key(ED_PAIR, PSA_KEY_USAGE_SIGN_MESSAGE, PSA_ALG_PURE_EDDSA,
                                   priv, pn);
    assert_int_equal(psa_sign_message(pure, PSA_ALG_PURE_EDDSA, msg, sizeof msg, bad,
                                      sizeof bad, &n), PSA_SUCCESS);
    assert_int_equal(psa_verify_message(v, alg, msg, sizeof msg, bad, n),
                     PSA_ERROR_INVALID_SIGNATURE);
    wbe_cleanse(priv, sizeof priv);
    psa_destroy_key(pure);
    psa_destroy_key(v);
    psa_destroy_key(k);
}

static void test_ed25519ph_refusals(void **state)
{
    (void)state;
    ph_refusals(PSA_ALG_ED25519PH, 255);
}

static void test_ed448ph_refusals(void **state)
{
    (void)state;
    ph_refusals(PSA_ALG_ED448PH, 448);
}

/* ---- key import refusals ----------------------------------------------------- */

/* A y for which (y^2 - 1) / (d y^2 - a) is not a square mod p: no point has
 * it. Found with BN_kronecker here, independently of the backend. */
static void off_curve_y(size_t bits, uint8_t *out, size_t b)
{
    BN_CTX *bc = BN_CTX_new();
    BIGNUM *p = BN_new(), *y = BN_new(), *u = BN_new(), *v = BN_new(), *d = BN_new();
    BIGNUM *t = BN_new();
    assert_true(bc != NULL && p != NULL && y != NULL && u != NULL && v != NULL && d != NULL &&
                t != NULL);
    uint8_t pl[57];
    prime_le(bits, pl, b);
    assert_non_null(BN_lebin2bn(pl, (int)b, p));
    /* d = -121665/121666 (Ed25519) or -39081 (Ed448); a = -1 or 1. */
    assert_int_equal(BN_set_word(d, bits == 255 ? 121665 : 39081), 1);
    BN_set_negative(d, 1);
    if (bits == 255) {
        assert_int_equal(BN_set_word(t, 121666), 1);
        assert_non_null(BN_mod_inverse(t, t, p, bc));
        assert_int_equal(BN_mod_mul(d, d, t, p, bc), 1);
    }
    assert_int_equal(BN_nnmod(d, d, p, bc), 1);
    for (BN_ULONG w = 2;; w++) {
        assert_true(w < 100);
        assert_int_equal(BN_set_word(y, w), 1);
        assert_int_equal(BN_mod_sqr(t, y, p, bc), 1);
        assert_int_equal(BN_mod_sub(u, t, BN_value_one(), p, bc), 1);
        assert_int_equal(BN_mod_mul(v, d, t, p, bc), 1);
        /* d y^2 - a: a = -1 adds one, a = 1 subtracts one */
        assert_int_equal(bits == 255 ? BN_mod_add(v, v, BN_value_one(), p, bc)
                                     : BN_mod_sub(v, v, BN_value_one(), p, bc), 1);
        assert_non_null(BN_mod_inverse(v, v, p, bc));
        assert_int_equal(BN_mod_mul(u, u, v, p, bc), 1);
        if (BN_kronecker(u, p, bc) == -1) {
            break;
        }
    }
    assert_int_equal(BN_bn2lebinpad(y, out, (int)b), (int)b);
    BN_free(p);
    BN_free(y);
    BN_free(u);
    BN_free(v);
    BN_free(d);
    BN_free(t);
    BN_CTX_free(bc);
}

static void import_refusals(size_t bits)
{
    size_t b = WBE_ECC_KEY_BYTES(ED_PAIR, bits);
    uint8_t key[58] = {0}, p[57];
    psa_key_id_t id;
    /* Wrong lengths for a key pair and a public key. */
    assert_int_equal(try_import(ED_PAIR, bits, 0, key, b - 1, &id), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(try_import(ED_PAIR, bits, 0, key, b + 1, &id), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(try_import(ED_PUB, bits, 0, key, b - 1, &id), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(try_import(ED_PUB, bits, 0, key, b + 1, &id), PSA_ERROR_INVALID_ARGUMENT);
    /* The identity encodes as y = 1: a valid point. */
    key[0] = 1;
    assert_int_equal(try_import(ED_PUB, bits, 0, key, b, &id), PSA_SUCCESS);
    psa_destroy_key(id);
    /* x = 0 with the sign bit set (RFC 8032 §5.1.3 step 4). */
    key[b - 1] = 0x80;
    assert_int_equal(try_import(ED_PUB, bits, 0, key, b, &id), PSA_ERROR_INVALID_ARGUMENT);
    /* Non-canonical: y = p + 1 (the identity again), and y = p. */
    const uint8_t one[57] = {1};
    prime_le(bits, p, b);
    memcpy(key, p, b);
    le_add(key, one, b);
    assert_int_equal(try_import(ED_PUB, bits, 0, key, b, &id), PSA_ERROR_INVALID_ARGUMENT);
    memcpy(key, p, b);
    assert_int_equal(try_import(ED_PUB, bits, 0, key, b, &id), PSA_ERROR_INVALID_ARGUMENT);
    /* Not on the curve. */
    off_curve_y(bits, key, b);
    assert_int_equal(try_import(ED_PUB, bits, 0, key, b, &id), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(try_import(ED_PUB, 0, 0, key, b, &id), PSA_ERROR_INVALID_ARGUMENT);
    /* Bits that do not match the length. */
    assert_int_equal(try_import(ED_PAIR, bits == 255 ? 448 : 255, 0, key, b, &id),
                     PSA_ERROR_INVALID_ARGUMENT);
}

static void test_import_refusals(void **state)
{
    (void)state;
    import_refusals(255);
    import_refusals(448);
    /* Ed448's 57 bytes are not X448's 56, and the reverse. */
    uint8_t key[57] = {9};
    psa_key_id_t id;
    assert_int_equal(try_import(PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_MONTGOMERY), 448, 0,
                                key, 57, &id), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(try_import(ED_PAIR, 448, 0, key, 56, &id), PSA_ERROR_INVALID_ARGUMENT);
}

/* ---- policy and key compatibility --------------------------------------------- */

static void test_policy(void **state)
{
    (void)state;
    uint8_t sig[114], ph[64] = {1};
    size_t n;
    const uint8_t m[] = "m";
    /* A key for Ed25519ph permits exactly that. */
    psa_key_id_t k = gen(255, USE_ALL, PSA_ALG_ED25519PH);
    assert_int_equal(psa_sign_hash(k, PSA_ALG_ED25519PH, ph, 64, sig, sizeof sig, &n),
                     PSA_SUCCESS);
    assert_int_equal(psa_sign_message(k, PSA_ALG_PURE_EDDSA, m, 1, sig, sizeof sig, &n),
                     PSA_ERROR_NOT_PERMITTED);
    assert_int_equal(psa_sign_hash(k, PSA_ALG_ED448PH, ph, 64, sig, sizeof sig, &n),
                     PSA_ERROR_NOT_PERMITTED);
    assert_int_equal(psa_sign_hash(k, PSA_ALG_ECDSA(PSA_ALG_SHA_512), ph, 64, sig, sizeof sig,
                                   &n), PSA_ERROR_NOT_PERMITTED);
    psa_destroy_key(k);
    /* Usage flags: message signing does not give hash signing, nor signing verifying. */
    k = gen(255, PSA_KEY_USAGE_SIGN_MESSAGE, PSA_ALG_ED25519PH);
    assert_int_equal(psa_sign_message(k, PSA_ALG_ED25519PH, m, 1, sig, sizeof sig, &n),
                     PSA_SUCCESS);
    assert_int_equal(psa_sign_hash(k, PSA_ALG_ED25519PH, ph, 64, sig, sizeof sig, &n),
                     PSA_ERROR_NOT_PERMITTED);
    assert_int_equal(psa_verify_message(k, PSA_ALG_ED25519PH, m, 1, sig, 64),
                     PSA_ERROR_NOT_PERMITTED);
    psa_destroy_key(k);
    k = gen(448, PSA_KEY_USAGE_SIGN_HASH, PSA_ALG_ED448PH);
    assert_int_equal(psa_sign_hash(k, PSA_ALG_ED448PH, ph, 64, sig, sizeof sig, &n),
                     PSA_SUCCESS);
    assert_int_equal(n, 114);
    /* SIGN_HASH implies SIGN_MESSAGE (spec, PSA_KEY_USAGE_SIGN_HASH). */
    assert_int_equal(psa_sign_message(k, PSA_ALG_ED448PH, m, 1, sig, sizeof sig, &n),
                     PSA_SUCCESS);
    assert_int_equal(psa_verify_hash(k, PSA_ALG_ED448PH, ph, 64, sig, 114),
                     PSA_ERROR_NOT_PERMITTED);
    psa_destroy_key(k);
    /* PSA_ALG_ANY_HASH is for signatures parametrized by a hash, which
     * HashEdDSA is not: HashEdDSA with ANY_HASH is no wildcard. */
    k = gen(255, USE_ALL, (psa_algorithm_t)(0x06000900 | (PSA_ALG_ANY_HASH & 0xff)));
    assert_int_equal(psa_sign_hash(k, PSA_ALG_ED25519PH, ph, 64, sig, sizeof sig, &n),
                     PSA_ERROR_NOT_PERMITTED);
    assert_int_equal(psa_verify_message(k, PSA_ALG_ED25519PH, m, 1, sig, 64),
                     PSA_ERROR_NOT_PERMITTED);
    psa_destroy_key(k);
    /* A key pure EdDSA may use does not sign prehashes. */
    k = gen(448, USE_ALL, PSA_ALG_PURE_EDDSA);
    assert_int_equal(psa_sign_hash(k, PSA_ALG_ED448PH, ph, 64, sig, sizeof sig, &n),
                     PSA_ERROR_NOT_PERMITTED);
    psa_destroy_key(k);
    /* Ed25519ph needs an Edwards25519 key, Ed448ph an Edwards448 key. */
    k = gen(448, USE_ALL, PSA_ALG_ED25519PH);
    assert_int_equal(psa_sign_hash(k, PSA_ALG_ED25519PH, ph, 64, sig, sizeof sig, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_verify_hash(k, PSA_ALG_ED25519PH, ph, 64, sig, 64),
                     PSA_ERROR_INVALID_ARGUMENT);
    psa_destroy_key(k);
    k = gen(255, USE_ALL, PSA_ALG_ED448PH);
    assert_int_equal(psa_sign_message(k, PSA_ALG_ED448PH, m, 1, sig, sizeof sig, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    psa_destroy_key(k);
    /* A Weierstrass key or a Montgomery key is not an Edwards key. */
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&a, PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_SECP_R1));
    psa_set_key_bits(&a, 256);
    psa_set_key_usage_flags(&a, USE_ALL);
    psa_set_key_algorithm(&a, PSA_ALG_ED25519PH);
    assert_int_equal(psa_generate_key(&a, &k), PSA_SUCCESS);
    assert_int_equal(psa_sign_hash(k, PSA_ALG_ED25519PH, ph, 64, sig, sizeof sig, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    psa_destroy_key(k);
    psa_set_key_type(&a, PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_MONTGOMERY));
    psa_set_key_bits(&a, 448);
    psa_set_key_algorithm(&a, PSA_ALG_ED448PH);
    assert_int_equal(psa_generate_key(&a, &k), PSA_SUCCESS);
    assert_int_equal(psa_sign_hash(k, PSA_ALG_ED448PH, ph, 64, sig, sizeof sig, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    psa_destroy_key(k);
    /* ECDSA and key agreement are not for Edwards keys. */
    k = gen(448, USE_ALL, PSA_ALG_ECDSA(PSA_ALG_SHA_256));
    assert_int_equal(psa_sign_message(k, PSA_ALG_ECDSA(PSA_ALG_SHA_256), m, 1, sig, sizeof sig,
                                      &n), PSA_ERROR_INVALID_ARGUMENT);
    psa_destroy_key(k);
    /* PureEdDSA is not a hash algorithm family: no sign_hash at all. */
    k = gen(255, USE_ALL, PSA_ALG_PURE_EDDSA);
    assert_int_equal(psa_sign_hash(k, PSA_ALG_PURE_EDDSA, ph, 64, sig, sizeof sig, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    psa_destroy_key(k);
}

/* ---- the exceptional points of the Edwards-Weierstrass map ---------------------- */

/* H of RFC 8032 over dom || r || a || ph: SHA-512, or SHAKE256 to 114 bytes. */
static void rfc_hash(size_t bits, const uint8_t *r, const uint8_t *a, size_t b,
                     const uint8_t *ph, uint8_t *out)
{
    static const char dom2[] = "SigEd25519 no Ed25519 collisions";
    static const char dom4[] = "SigEd448";
    const uint8_t flags[2] = {1, 0}; /* phflag 1, empty context */
    EVP_MD_CTX *mc = EVP_MD_CTX_new();
    assert_non_null(mc);
    assert_int_equal(EVP_DigestInit_ex(mc, bits == 255 ? EVP_sha512() : EVP_shake256(), NULL),
                     1);
    const char *dom = bits == 255 ? dom2 : dom4;
    assert_int_equal(EVP_DigestUpdate(mc, dom, strlen(dom)), 1);
    assert_int_equal(EVP_DigestUpdate(mc, flags, 2), 1);
    assert_int_equal(EVP_DigestUpdate(mc, r, b), 1);
    assert_int_equal(EVP_DigestUpdate(mc, a, b), 1);
    assert_int_equal(EVP_DigestUpdate(mc, ph, 64), 1);
    if (bits == 255) {
        assert_int_equal(EVP_DigestFinal_ex(mc, out, NULL), 1);
    } else {
        assert_int_equal(EVP_DigestFinalXOF(mc, out, 114), 1);
    }
    EVP_MD_CTX_free(mc);
}

/* With the identity (0, 1) or the point of order two (0, -1) as public key A,
 * [S]B = R + [k]A has solutions the test can build without point arithmetic:
 * R = P = [s]B and S = s mod L from a private key, with R negated, (-x, -y) =
 * P + (0, -1), when k is odd. Verification must accept exactly those: this
 * runs both points through the map's special cases. */
static void exceptional_points(psa_algorithm_t alg, size_t bits)
{
    size_t b = WBE_ECC_KEY_BYTES(ED_PAIR, bits);
    uint8_t priv[57], pub[57], h[114], sig[114], neg[57], a_id[57] = {1}, a_m1[57], p[57];
    uint8_t ph[64];
    size_t n;
    assert_int_equal(RAND_bytes(priv, (int)b), 1);
    psa_key_id_t k = import_key(ED_PAIR, PSA_KEY_USAGE_EXPORT, 0, priv, b);
    assert_int_equal(psa_export_public_key(k, pub, sizeof pub, &n), PSA_SUCCESS);
    psa_destroy_key(k);
    /* s: the pruned first half of H(priv) (RFC 8032 §5.1.5, §5.2.5); S = s mod L. */
    EVP_MD_CTX *mc = EVP_MD_CTX_new();
    assert_non_null(mc);
    assert_int_equal(EVP_DigestInit_ex(mc, bits == 255 ? EVP_sha512() : EVP_shake256(), NULL),
                     1);
    assert_int_equal(EVP_DigestUpdate(mc, priv, b), 1);
    if (bits == 255) {
        assert_int_equal(EVP_DigestFinal_ex(mc, h, NULL), 1);
        h[0] &= 0xf8;
        h[31] = (uint8_t)((h[31] & 0x7f) | 0x40);
    } else {
        assert_int_equal(EVP_DigestFinalXOF(mc, h, 114), 1);
        h[0] &= 0xfc;
        h[55] |= 0x80;
        h[56] = 0;
    }
    EVP_MD_CTX_free(mc);
    uint8_t l[57];
    order_le(bits, l, b);
    BN_CTX *bc = BN_CTX_new();
    BIGNUM *sv = BN_lebin2bn(h, (int)b, NULL), *lv = BN_lebin2bn(l, (int)b, NULL);
    assert_true(bc != NULL && sv != NULL && lv != NULL);
    assert_int_equal(BN_nnmod(sv, sv, lv, bc), 1);
    memcpy(sig, pub, b);
    assert_int_equal(BN_bn2lebinpad(sv, sig + b, (int)b), (int)b);
    /* A = identity: any message verifies with R = [S]B. */
    assert_int_equal(RAND_bytes(ph, sizeof ph), 1);
    psa_key_id_t v = import_key(ED_PUB, PSA_KEY_USAGE_VERIFY_HASH, alg, a_id, b);
    assert_int_equal(psa_verify_hash(v, alg, ph, 64, sig, 2 * b), PSA_SUCCESS);
    sig[b] ^= 1;
    assert_int_equal(psa_verify_hash(v, alg, ph, 64, sig, 2 * b), PSA_ERROR_INVALID_SIGNATURE);
    sig[b] ^= 1;
    /* With A = identity and S = 0, R = identity verifies: a signature that is
     * valid but for the encoding, so the encoding checks are what refuse
     * the variants: R = identity written as y = p + 1 (non-canonical) or
     * with the sign bit of x = 0 set; A = identity written as y = p + 1. */
    const uint8_t one[57] = {1};
    prime_le(bits, p, b);
    memset(sig, 0, sizeof sig);
    sig[0] = 1;
    assert_int_equal(psa_verify_hash(v, alg, ph, 64, sig, 2 * b), PSA_SUCCESS);
    assert_int_equal(wbe_hash_eddsa_verify(ED_PUB, bits, a_id, b, ph, 64, sig, 2 * b),
                     PSA_SUCCESS);
    uint8_t a_nc[57];
    memcpy(a_nc, p, b);
    le_add(a_nc, one, b);
    assert_int_equal(wbe_hash_eddsa_verify(ED_PUB, bits, a_nc, b, ph, 64, sig, 2 * b),
                     PSA_ERROR_INVALID_SIGNATURE);
    sig[b - 1] = 0x80;
    assert_int_equal(psa_verify_hash(v, alg, ph, 64, sig, 2 * b), PSA_ERROR_INVALID_SIGNATURE);
    memcpy(sig, a_nc, b);
    assert_int_equal(psa_verify_hash(v, alg, ph, 64, sig, 2 * b), PSA_ERROR_INVALID_SIGNATURE);
    psa_destroy_key(v);
    assert_int_equal(BN_bn2lebinpad(sv, sig + b, (int)b), (int)b); /* S again */
    /* A = (0, -1): y = p - 1, sign bit clear. -P is (p - y, the other sign). */
    memcpy(a_m1, p, b);
    a_m1[0] -= 1; /* p is odd: no borrow */
    BIGNUM *pv = BN_lebin2bn(p, (int)b, NULL), *yv = NULL;
    memcpy(neg, pub, b);
    neg[b - 1] &= 0x7f;
    yv = BN_lebin2bn(neg, (int)b, NULL);
    assert_true(pv != NULL && yv != NULL);
    assert_int_equal(BN_sub(yv, pv, yv), 1);
    assert_int_equal(BN_bn2lebinpad(yv, neg, (int)b), (int)b);
    neg[b - 1] |= (uint8_t)((pub[b - 1] & 0x80) ^ 0x80);
    v = import_key(ED_PUB, PSA_KEY_USAGE_VERIFY_HASH, alg, a_m1, b);
    bool done = false;
    for (int tries = 0; tries < 64 && !done; tries++) {
        assert_int_equal(RAND_bytes(ph, sizeof ph), 1);
        rfc_hash(bits, pub, a_m1, b, ph, h);
        bool even_with_p = (h[0] & 1) == 0;
        rfc_hash(bits, neg, a_m1, b, ph, h);
        bool odd_with_neg = (h[0] & 1) == 1;
        if (even_with_p) { /* [k]A = identity: R = [S]B */
            memcpy(sig, pub, b);
            assert_int_equal(psa_verify_hash(v, alg, ph, 64, sig, 2 * b), PSA_SUCCESS);
            memcpy(sig, neg, b);
            assert_int_equal(psa_verify_hash(v, alg, ph, 64, sig, 2 * b),
                             odd_with_neg ? PSA_SUCCESS : PSA_ERROR_INVALID_SIGNATURE);
            done = odd_with_neg || tries > 8;
        } else if (odd_with_neg) { /* [k]A = A: R = [S]B - A = [S]B + A */
            memcpy(sig, neg, b);
            assert_int_equal(psa_verify_hash(v, alg, ph, 64, sig, 2 * b), PSA_SUCCESS);
            memcpy(sig, pub, b);
            assert_int_equal(psa_verify_hash(v, alg, ph, 64, sig, 2 * b),
                             PSA_ERROR_INVALID_SIGNATURE);
            done = true;
        } else {
            memcpy(sig, pub, b);
            assert_int_equal(psa_verify_hash(v, alg, ph, 64, sig, 2 * b),
                             PSA_ERROR_INVALID_SIGNATURE);
            memcpy(sig, neg, b);
            assert_int_equal(psa_verify_hash(v, alg, ph, 64, sig, 2 * b),
                             PSA_ERROR_INVALID_SIGNATURE);
        }
    }
    assert_true(done);
    psa_destroy_key(v);
    wbe_cleanse(priv, sizeof priv);
    wbe_cleanse(h, sizeof h);
    BN_clear_free(sv);
    BN_free(lv);
    BN_free(pv);
    BN_free(yv);
    BN_CTX_free(bc);
}

static void test_exceptional_points(void **state)
{
    (void)state;
    for (int i = 0; i < 8; i++) {
        exceptional_points(PSA_ALG_ED25519PH, 255);
        exceptional_points(PSA_ALG_ED448PH, 448);
    }
}

/* ---- persistence -------------------------------------------------------------- */

static void test_ed448_persistent(void **state)
{
    (void)state;
    HEX(sk, ED448PH_SK);
    HEX(want, ED448PH_SIG);
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_key_id_t id = 0;
    psa_set_key_id(&a, 0x4ed448);
    psa_set_key_type(&a, ED_PAIR);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_SIGN_MESSAGE);
    psa_set_key_algorithm(&a, PSA_ALG_ED448PH);
    assert_int_equal(psa_import_key(&a, sk, sk_len, &id), PSA_SUCCESS);
    restart_library();
    const uint8_t msg[] = "abc";
    uint8_t sig[114];
    size_t n;
    assert_int_equal(psa_get_key_attributes(id, &a), PSA_SUCCESS);
    assert_int_equal(psa_get_key_bits(&a), 448);
    assert_int_equal(psa_sign_message(id, PSA_ALG_ED448PH, msg, 3, sig, sizeof sig, &n),
                     PSA_SUCCESS);
    assert_int_equal(n, want_len);
    assert_memory_equal(sig, want, n);
    assert_int_equal(psa_destroy_key(id), PSA_SUCCESS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CRYPTO_TEST(test_selftest_ed25519),
        CRYPTO_TEST(test_selftest_ed448),
        CRYPTO_TEST(test_ed448_vectors),
        CRYPTO_TEST(test_ed448_generate),
        CRYPTO_TEST(test_ed25519ph_vector),
        CRYPTO_TEST(test_ed448ph_vector),
        CRYPTO_TEST(test_ed25519ph_refusals),
        CRYPTO_TEST(test_ed448ph_refusals),
        CRYPTO_TEST(test_import_refusals),
        CRYPTO_TEST(test_policy),
        CRYPTO_TEST(test_exceptional_points),
        CRYPTO_TEST(test_ed448_persistent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
