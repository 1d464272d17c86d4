/*
 * crypto_asym.c: asymmetric signatures, encryption and key agreement: RSA
 * PKCS#1 v1.5 and PSS signatures, RSA OAEP and PKCS#1 v1.5 encryption, and on elliptic curve keys: ECDSA (randomized, deterministic per RFC 6979, and ECDSA_ANY) over
 * Weierstrass curves, and ECDH over Weierstrass and Montgomery curves
 * (psa_raw_key_agreement, psa_key_agreement). The core checks policy and
 * arguments; the backend computes on the PSA key formats.
 */
#include <string.h>

#include "crypto_internal.h"

static bool is_weierstrass_pair(psa_key_type_t t)
{
    return PSA_KEY_TYPE_IS_ECC_KEY_PAIR(t) &&
           PSA_KEY_TYPE_ECC_GET_FAMILY(t) != PSA_ECC_FAMILY_MONTGOMERY &&
           PSA_KEY_TYPE_ECC_GET_FAMILY(t) != PSA_ECC_FAMILY_TWISTED_EDWARDS;
}

static bool is_weierstrass(psa_key_type_t t)
{
    return PSA_KEY_TYPE_IS_ECC(t) &&
           PSA_KEY_TYPE_ECC_GET_FAMILY(t) != PSA_ECC_FAMILY_MONTGOMERY &&
           PSA_KEY_TYPE_ECC_GET_FAMILY(t) != PSA_ECC_FAMILY_TWISTED_EDWARDS;
}

/* Checks shared by the four signature entry points, after the key lookup.
 * usage: the flag the call needs. sign: a private key is needed. */
static psa_status_t sig_check(const struct key_slot *k, psa_algorithm_t alg,
                              psa_key_usage_t usage, bool sign)
{
    psa_status_t st = key_policy_check(k, usage, alg);
    if (st != PSA_SUCCESS) {
        return st;
    }
    if (PSA_ALG_IS_RSA_PKCS1V15_SIGN(alg) || PSA_ALG_IS_RSA_PSS(alg)) {
        if (!(sign ? k->attr.type == PSA_KEY_TYPE_RSA_KEY_PAIR
                   : PSA_KEY_TYPE_IS_RSA(k->attr.type))) {
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        if (alg != PSA_ALG_RSA_PKCS1V15_SIGN_RAW) {
            psa_algorithm_t h = PSA_ALG_GET_HASH(alg);
            if (!hash_alg_is_valid(h) || !wbe_hash_supported(h) || h == PSA_ALG_SHAKE256_512) {
                return PSA_ERROR_NOT_SUPPORTED;
            }
        }
        return PSA_SUCCESS;
    }
    if (alg == PSA_ALG_PURE_EDDSA) {
        bool edwards = PSA_KEY_TYPE_IS_ECC(k->attr.type) &&
                       PSA_KEY_TYPE_ECC_GET_FAMILY(k->attr.type) ==
                           PSA_ECC_FAMILY_TWISTED_EDWARDS;
        if (!edwards || (sign && !PSA_KEY_TYPE_IS_ECC_KEY_PAIR(k->attr.type))) {
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        return wbe_ecc_supported(k->attr.type, k->attr.bits) ? PSA_SUCCESS
                                                             : PSA_ERROR_NOT_SUPPORTED;
    }
    if (PSA_ALG_IS_HASH_EDDSA(alg)) {
        /* HashEdDSA: Ed25519ph needs an Edwards25519 key, Ed448ph an Edwards448 key. */
        size_t want = alg == PSA_ALG_ED25519PH ? 255 : alg == PSA_ALG_ED448PH ? 448 : 0;
        if (want == 0) {
            return PSA_ERROR_NOT_SUPPORTED;
        }
        if (!PSA_KEY_TYPE_IS_ECC(k->attr.type) ||
            PSA_KEY_TYPE_ECC_GET_FAMILY(k->attr.type) != PSA_ECC_FAMILY_TWISTED_EDWARDS ||
            (sign && !PSA_KEY_TYPE_IS_ECC_KEY_PAIR(k->attr.type)) || k->attr.bits != want) {
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        return wbe_ecc_supported(k->attr.type, k->attr.bits) ? PSA_SUCCESS
                                                             : PSA_ERROR_NOT_SUPPORTED;
    }
    if (!PSA_ALG_IS_ECDSA(alg) && !PSA_ALG_IS_DETERMINISTIC_ECDSA(alg)) {
        return PSA_KEY_TYPE_IS_ASYMMETRIC(k->attr.type) || PSA_ALG_IS_RSA_PKCS1V15_SIGN(alg) ||
                       PSA_ALG_IS_RSA_PSS(alg) || alg == PSA_ALG_PURE_EDDSA ||
                       PSA_ALG_IS_HASH_EDDSA(alg)
                   ? PSA_ERROR_NOT_SUPPORTED
                   : PSA_ERROR_INVALID_ARGUMENT;
    }
    if (!(sign ? is_weierstrass_pair(k->attr.type) : is_weierstrass(k->attr.type))) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    if (!wbe_ecc_supported(k->attr.type, k->attr.bits)) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    if (alg != PSA_ALG_ECDSA_ANY) {
        psa_algorithm_t h = PSA_ALG_GET_HASH(alg);
        if (!hash_alg_is_valid(h) || !wbe_hash_supported(h) || h == PSA_ALG_SHAKE256_512) {
            return PSA_ERROR_NOT_SUPPORTED;
        }
    }
    return PSA_SUCCESS;
}

static bool sig_alg_shape_ok(psa_algorithm_t alg, bool message)
{
    if (message ? !PSA_ALG_IS_SIGN_MESSAGE(alg) : !PSA_ALG_IS_SIGN_HASH(alg)) {
        return false;
    }
    return !PSA_ALG_IS_HASH_AND_SIGN(alg) || PSA_ALG_GET_HASH(alg) != PSA_ALG_ANY_HASH;
}

static psa_status_t hash_message(psa_algorithm_t h, const uint8_t *in, size_t n, uint8_t *out)
{
    struct wbe_hash *ctx = NULL;
    psa_status_t st = wbe_hash_new(h, &ctx);
    if (st == PSA_SUCCESS) {
        st = wbe_hash_update(ctx, in, n);
    }
    if (st == PSA_SUCCESS) {
        st = wbe_hash_finish(ctx, out);
    }
    wbe_hash_free(ctx);
    return st;
}

static psa_status_t do_sign(const struct ward_crypto_caller *caller, psa_key_id_t key,
                            psa_algorithm_t alg, const uint8_t *input, size_t input_length,
                            bool message, uint8_t *signature, size_t signature_size,
                            size_t *signature_length)
{
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    *signature_length = 0;
    struct key_slot *k = NULL;
    uint8_t digest[PSA_HASH_MAX_SIZE];
    if (!sig_alg_shape_ok(alg, message)) {
        st = PSA_ERROR_INVALID_ARGUMENT;
    } else {
        st = key_acquire(caller, key, &k);
    }
    if (st == PSA_SUCCESS) {
        st = sig_check(k, alg, message ? PSA_KEY_USAGE_SIGN_MESSAGE : PSA_KEY_USAGE_SIGN_HASH,
                       true);
    }
    const uint8_t *h = input;
    size_t hlen = input_length;
    psa_algorithm_t hash = PSA_ALG_GET_HASH(alg);
    bool eddsa = alg == PSA_ALG_PURE_EDDSA;
    if (st == PSA_SUCCESS && eddsa) {
        /* the whole message is signed */
    } else if (st == PSA_SUCCESS && message) {
        st = hash_message(hash, input, input_length, digest);
        h = digest;
        hlen = PSA_HASH_LENGTH(hash);
    } else if (st == PSA_SUCCESS && alg != PSA_ALG_ECDSA_ANY &&
               alg != PSA_ALG_RSA_PKCS1V15_SIGN_RAW && hlen != PSA_HASH_LENGTH(hash)) {
        st = PSA_ERROR_INVALID_ARGUMENT;
    } else if (st == PSA_SUCCESS && hlen == 0) {
        st = PSA_ERROR_INVALID_ARGUMENT;
    }
    bool rsa = k != NULL && PSA_KEY_TYPE_IS_RSA(k->attr.type);
    size_t sig_len = k == NULL ? 0
                     : rsa     ? PSA_BITS_TO_BYTES(k->attr.bits)
                               : 2 * WBE_ECC_KEY_BYTES(k->attr.type, k->attr.bits);
    if (st == PSA_SUCCESS && signature_size < sig_len) {
        st = PSA_ERROR_BUFFER_TOO_SMALL;
    }
    if (st == PSA_SUCCESS && rsa) {
        struct wbe_key wk = slot_key(k);
        st = wbe_rsa_sign(&wk, alg, h, hlen, signature, signature_size, signature_length);
    } else if (st == PSA_SUCCESS && eddsa) {
        struct wbe_key wk = slot_key(k);
        st = wbe_eddsa_sign(&wk, h, hlen, signature);
        if (st == PSA_SUCCESS) {
            *signature_length = sig_len;
        }
    } else if (st == PSA_SUCCESS && PSA_ALG_IS_HASH_EDDSA(alg)) {
        st = wbe_hash_eddsa_sign(k->attr.bits, k->material, k->len, h, hlen, signature);
        if (st == PSA_SUCCESS) {
            *signature_length = sig_len;
        }
    } else if (st == PSA_SUCCESS) {
        struct wbe_key wk = slot_key(k);
        st = wbe_ecdsa_sign(&wk, h, hlen, PSA_ALG_IS_DETERMINISTIC_ECDSA(alg) ? hash : 0,
                            signature);
        if (st == PSA_SUCCESS) {
            *signature_length = sig_len;
        }
    }
    if (k != NULL) {
        key_release(k);
    }
    wbe_cleanse(digest, sizeof digest);
    core_leave();
    return st;
}

static psa_status_t do_verify(const struct ward_crypto_caller *caller, psa_key_id_t key,
                              psa_algorithm_t alg, const uint8_t *input, size_t input_length,
                              bool message, const uint8_t *signature, size_t signature_length)
{
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    struct key_slot *k = NULL;
    uint8_t digest[PSA_HASH_MAX_SIZE];
    if (!sig_alg_shape_ok(alg, message)) {
        st = PSA_ERROR_INVALID_ARGUMENT;
    } else {
        st = key_acquire(caller, key, &k);
    }
    if (st == PSA_SUCCESS) {
        st = sig_check(k, alg,
                       message ? PSA_KEY_USAGE_VERIFY_MESSAGE : PSA_KEY_USAGE_VERIFY_HASH, false);
    }
    const uint8_t *h = input;
    size_t hlen = input_length;
    psa_algorithm_t hash = PSA_ALG_GET_HASH(alg);
    bool eddsa = alg == PSA_ALG_PURE_EDDSA;
    if (st == PSA_SUCCESS && eddsa) {
        /* the whole message is verified */
    } else if (st == PSA_SUCCESS && message) {
        st = hash_message(hash, input, input_length, digest);
        h = digest;
        hlen = PSA_HASH_LENGTH(hash);
    } else if (st == PSA_SUCCESS && alg != PSA_ALG_ECDSA_ANY &&
               alg != PSA_ALG_RSA_PKCS1V15_SIGN_RAW && hlen != PSA_HASH_LENGTH(hash)) {
        st = PSA_ERROR_INVALID_ARGUMENT;
    } else if (st == PSA_SUCCESS && hlen == 0) {
        st = PSA_ERROR_INVALID_ARGUMENT;
    }
    if (st == PSA_SUCCESS && PSA_KEY_TYPE_IS_RSA(k->attr.type)) {
        struct wbe_key wk = slot_key(k);
        st = wbe_rsa_verify(&wk, alg, h, hlen, signature, signature_length);
    } else if (st == PSA_SUCCESS && eddsa) {
        struct wbe_key wk = slot_key(k);
        st = wbe_eddsa_verify(&wk, h, hlen, signature, signature_length);
    } else if (st == PSA_SUCCESS && PSA_ALG_IS_HASH_EDDSA(alg)) {
        st = wbe_hash_eddsa_verify(k->attr.type, k->attr.bits, k->material, k->len, h, hlen,
                                   signature, signature_length);
    } else if (st == PSA_SUCCESS) {
        struct wbe_key wk = slot_key(k);
        st = wbe_ecdsa_verify(&wk, h, hlen, signature, signature_length);
    }
    if (k != NULL) {
        key_release(k);
    }
    core_leave();
    return st;
}

psa_status_t ward_crypto_sign_message(const struct ward_crypto_caller *caller,
    psa_key_id_t key, psa_algorithm_t alg, const uint8_t *input, size_t input_length,
    uint8_t *signature, size_t signature_size, size_t *signature_length)
{
    return do_sign(caller, key, alg, input, input_length, true, signature, signature_size,
                   signature_length);
}

psa_status_t ward_crypto_verify_message(const struct ward_crypto_caller *caller,
    psa_key_id_t key, psa_algorithm_t alg, const uint8_t *input, size_t input_length,
    const uint8_t *signature, size_t signature_length)
{
    return do_verify(caller, key, alg, input, input_length, true, signature, signature_length);
}

psa_status_t ward_crypto_sign_hash(const struct ward_crypto_caller *caller,
    psa_key_id_t key, psa_algorithm_t alg, const uint8_t *hash, size_t hash_length,
    uint8_t *signature, size_t signature_size, size_t *signature_length)
{
    return do_sign(caller, key, alg, hash, hash_length, false, signature, signature_size,
                   signature_length);
}

psa_status_t ward_crypto_verify_hash(const struct ward_crypto_caller *caller,
    psa_key_id_t key, psa_algorithm_t alg, const uint8_t *hash, size_t hash_length,
    const uint8_t *signature, size_t signature_length)
{
    return do_verify(caller, key, alg, hash, hash_length, false, signature, signature_length);
}

/* ---- key agreement --------------------------------------------------------------- */

/* The shared secret of a standalone key agreement into out (at least
 * PSA_RAW_KEY_AGREEMENT_OUTPUT_MAX_SIZE bytes); *len its length. policy_alg
 * is the algorithm the private key must permit. */
psa_status_t ka_compute(const struct ward_crypto_caller *caller, psa_algorithm_t alg,
                        psa_algorithm_t policy_alg, psa_key_id_t private_key,
                        const uint8_t *peer, size_t peer_len, uint8_t *out, size_t *len)
{
    struct key_slot *k = NULL;
    *len = 0;
    if (!PSA_ALG_IS_RAW_KEY_AGREEMENT(alg)) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    psa_status_t st = key_acquire(caller, private_key, &k);
    if (st != PSA_SUCCESS) {
        return st;
    }
    st = key_policy_check(k, PSA_KEY_USAGE_DERIVE, policy_alg);
    if (st == PSA_SUCCESS && alg == PSA_ALG_FFDH) {
        /* FFDH: a DH key pair of an RFC 7919 group; the secret is p-sized. */
        if (!PSA_KEY_TYPE_IS_DH_KEY_PAIR(k->attr.type)) {
            st = PSA_ERROR_INVALID_ARGUMENT;
        } else if (!wbe_ffdh_supported(k->attr.type, k->attr.bits)) {
            st = PSA_ERROR_NOT_SUPPORTED;
        } else {
            st = wbe_ffdh(k->attr.type, k->attr.bits, k->material, k->len, peer, peer_len, out);
        }
        if (st == PSA_SUCCESS) {
            *len = PSA_BITS_TO_BYTES(k->attr.bits);
        }
        key_release(k);
        return st;
    }
    if (st == PSA_SUCCESS && alg != PSA_ALG_ECDH) {
        st = PSA_ERROR_NOT_SUPPORTED;
    }
    if (st == PSA_SUCCESS && (!PSA_KEY_TYPE_IS_ECC_KEY_PAIR(k->attr.type) ||
                              PSA_KEY_TYPE_ECC_GET_FAMILY(k->attr.type) ==
                                  PSA_ECC_FAMILY_TWISTED_EDWARDS)) {
        st = PSA_ERROR_INVALID_ARGUMENT;
    }
    if (st == PSA_SUCCESS && !wbe_ecc_supported(k->attr.type, k->attr.bits)) {
        st = PSA_ERROR_NOT_SUPPORTED;
    }
    if (st == PSA_SUCCESS) {
        struct wbe_key wk = slot_key(k);
        st = wbe_ecdh(&wk, peer, peer_len, out);
        if (st == PSA_SUCCESS) {
            *len = PSA_BITS_TO_BYTES(k->attr.bits);
        }
    }
    key_release(k);
    return st;
}

psa_status_t ward_crypto_raw_key_agreement(const struct ward_crypto_caller *caller,
    psa_algorithm_t alg, psa_key_id_t private_key, const uint8_t *peer_key,
    size_t peer_key_length, uint8_t *output, size_t output_size, size_t *output_length)
{
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    uint8_t secret[PSA_RAW_KEY_AGREEMENT_OUTPUT_MAX_SIZE];
    size_t len = 0;
    *output_length = 0;
    st = ka_compute(caller, alg, alg, private_key, peer_key, peer_key_length, secret, &len);
    if (st == PSA_SUCCESS && output_size < len) {
        st = PSA_ERROR_BUFFER_TOO_SMALL;
    }
    if (st == PSA_SUCCESS) {
        memcpy(output, secret, len);
        *output_length = len;
    }
    wbe_cleanse(secret, sizeof secret);
    core_leave();
    return st;
}

psa_status_t ward_crypto_key_agreement(const struct ward_crypto_caller *caller,
    psa_key_id_t private_key, const uint8_t *peer_key, size_t peer_key_length,
    psa_algorithm_t alg, const psa_key_attributes_t *attributes, psa_key_id_t *key)
{
    *key = PSA_KEY_ID_NULL;
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    uint8_t secret[PSA_RAW_KEY_AGREEMENT_OUTPUT_MAX_SIZE];
    size_t len = 0;
    st = ka_compute(caller, alg, alg, private_key, peer_key, peer_key_length, secret, &len);
    psa_key_attributes_t a = *attributes;
    psa_key_type_t t = a.type;
    if (st == PSA_SUCCESS &&
        ((t != PSA_KEY_TYPE_DERIVE && t != PSA_KEY_TYPE_RAW_DATA && t != PSA_KEY_TYPE_HMAC &&
          t != PSA_KEY_TYPE_PASSWORD) ||
         (a.bits != 0 && a.bits != 8 * len))) {
        st = PSA_ERROR_INVALID_ARGUMENT;
    }
    if (st == PSA_SUCCESS) {
        size_t need = 0;
        a.bits = 8 * len;
        st = key_derive_check(&a, &need);
    }
    if (st == PSA_SUCCESS) {
        st = key_create_derived(caller, &a, secret, len, key);
    }
    wbe_cleanse(secret, sizeof secret);
    core_leave();
    return st;
}

/* ---- asymmetric encryption (RSA) --------------------------------------------------- */

static psa_status_t do_crypt(const struct ward_crypto_caller *caller, psa_key_id_t key,
                             psa_algorithm_t alg, bool encrypt, const uint8_t *input,
                             size_t input_length, const uint8_t *salt, size_t salt_length,
                             uint8_t *output, size_t output_size, size_t *output_length)
{
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    *output_length = 0;
    struct key_slot *k = NULL;
    uint8_t buf[512]; /* RSA-4096 */
    size_t len = 0, kbytes = 0;
    if (!PSA_ALG_IS_ASYMMETRIC_ENCRYPTION(alg)) {
        st = PSA_ERROR_INVALID_ARGUMENT;
    } else {
        st = key_acquire(caller, key, &k);
    }
    if (st == PSA_SUCCESS) {
        st = key_policy_check(k, encrypt ? PSA_KEY_USAGE_ENCRYPT : PSA_KEY_USAGE_DECRYPT, alg);
    }
    if (st == PSA_SUCCESS && alg != PSA_ALG_RSA_PKCS1V15_CRYPT && !PSA_ALG_IS_RSA_OAEP(alg)) {
        st = PSA_ERROR_NOT_SUPPORTED;
    }
    if (st == PSA_SUCCESS && !(encrypt ? PSA_KEY_TYPE_IS_RSA(k->attr.type)
                                       : k->attr.type == PSA_KEY_TYPE_RSA_KEY_PAIR)) {
        st = PSA_ERROR_INVALID_ARGUMENT;
    }
    if (st == PSA_SUCCESS && PSA_ALG_IS_RSA_OAEP(alg)) {
        psa_algorithm_t h = PSA_ALG_GET_HASH(alg);
        if (!hash_alg_is_valid(h) || !wbe_hash_supported(h) || h == PSA_ALG_SHAKE256_512) {
            st = PSA_ERROR_NOT_SUPPORTED;
        }
    }
    if (st == PSA_SUCCESS && alg == PSA_ALG_RSA_PKCS1V15_CRYPT && salt_length != 0) {
        st = PSA_ERROR_INVALID_ARGUMENT; /* no label in PKCS#1 v1.5 */
    }
    struct wbe_key wk = {0};
    if (st == PSA_SUCCESS) {
        wk = slot_key(k);
        kbytes = wbe_rsa_size(&wk);
        if (kbytes == 0 || kbytes > sizeof buf) {
            st = PSA_ERROR_CORRUPTION_DETECTED;
        } else if (encrypt && output_size < kbytes) {
            st = PSA_ERROR_BUFFER_TOO_SMALL;
        } else if (!encrypt && input_length != kbytes) {
            st = PSA_ERROR_INVALID_ARGUMENT;
        }
    }
    if (st == PSA_SUCCESS) {
        st = wbe_rsa_crypt(&wk, alg, encrypt, input, input_length, salt, salt_length, buf,
                           &len);
    }
    if (st == PSA_SUCCESS && output_size < len) {
        st = PSA_ERROR_BUFFER_TOO_SMALL;
    }
    if (st == PSA_SUCCESS) {
        memcpy(output, buf, len);
        *output_length = len;
    }
    wbe_cleanse(buf, sizeof buf);
    if (k != NULL) {
        key_release(k);
    }
    core_leave();
    return st;
}

psa_status_t ward_crypto_asymmetric_encrypt(const struct ward_crypto_caller *caller,
    psa_key_id_t key, psa_algorithm_t alg, const uint8_t *input, size_t input_length,
    const uint8_t *salt, size_t salt_length, uint8_t *output, size_t output_size,
    size_t *output_length)
{
    return do_crypt(caller, key, alg, true, input, input_length, salt, salt_length, output,
                    output_size, output_length);
}

psa_status_t ward_crypto_asymmetric_decrypt(const struct ward_crypto_caller *caller,
    psa_key_id_t key, psa_algorithm_t alg, const uint8_t *input, size_t input_length,
    const uint8_t *salt, size_t salt_length, uint8_t *output, size_t output_size,
    size_t *output_length)
{
    return do_crypt(caller, key, alg, false, input, input_length, salt, salt_length, output,
                    output_size, output_length);
}
