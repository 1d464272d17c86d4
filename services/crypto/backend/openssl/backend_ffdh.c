/*
 * backend_ffdh.c: finite-field Diffie-Hellman over the RFC 7919 groups
 * (ffdhe2048 ... ffdhe8192, g = 2) on the PSA key formats. The primes come
 * from OpenSSL by group name. Private values live in constant-time flagged
 * BIGNUMs that are cleared when freed; this file never decides policy.
 */
#include "ward_crypto_backend.h"
#include "backend_libctx.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/dh.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/params.h>

#define FFDH_MAX_BYTES 1024u /* ffdhe8192 */

static const char *group_name(psa_key_type_t type, size_t bits)
{
    if (!PSA_KEY_TYPE_IS_DH(type) || PSA_KEY_TYPE_DH_GET_FAMILY(type) != PSA_DH_FAMILY_RFC7919) {
        return NULL;
    }
    switch (bits) {
    case 2048:
        return "ffdhe2048";
    case 3072:
        return "ffdhe3072";
    case 4096:
        return "ffdhe4096";
    case 6144:
        return "ffdhe6144";
    case 8192:
        return "ffdhe8192";
    default:
        return NULL;
    }
}

bool wbe_ffdh_supported(psa_key_type_t type, size_t bits)
{
    return group_name(type, bits) != NULL;
}

/* The group's prime p, from OpenSSL's named-group table. */
static BIGNUM *group_p(const char *name)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(wbe_ossl_libctx(), "DH", NULL);
    EVP_PKEY *params = NULL;
    BIGNUM *p = NULL;
    OSSL_PARAM in[2];
    in[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)name, 0);
    in[1] = OSSL_PARAM_construct_end();
    if (ctx != NULL && EVP_PKEY_fromdata_init(ctx) == 1 &&
        EVP_PKEY_fromdata(ctx, &params, EVP_PKEY_KEY_PARAMETERS, in) == 1) {
        if (EVP_PKEY_get_bn_param(params, OSSL_PKEY_PARAM_FFC_P, &p) != 1) {
            p = NULL;
        }
    }
    EVP_PKEY_free(params);
    EVP_PKEY_CTX_free(ctx);
    ERR_clear_error();
    return p;
}

/* The private value x as a constant-time BIGNUM in secure memory. */
static BIGNUM *secret_bn(const uint8_t *m, size_t n)
{
    BIGNUM *x = BN_secure_new();
    if (x == NULL) {
        return NULL;
    }
    BN_set_flags(x, BN_FLG_CONSTTIME);
    if (BN_bin2bn(m, (int)n, x) == NULL) {
        BN_clear_free(x);
        return NULL;
    }
    return x;
}

/* y = 2^x mod p, with the constant-time exponentiation. */
static int public_of(const BIGNUM *x, const BIGNUM *p, BIGNUM *y, BN_CTX *bc)
{
    BIGNUM *g = BN_new();
    int ok = g != NULL && BN_set_word(g, 2) == 1 &&
             BN_mod_exp_mont_consttime(y, g, x, p, bc, NULL) == 1;
    BN_free(g);
    return ok;
}

/* Public value validation (SP 800-56A rev. 3 §5.6.2.3.1, full validation for
 * a safe-prime group): 2 <= y <= p-2 and y^q = 1 mod p with q = (p-1)/2.
 * 1 if valid, 0 if not, -1 on an internal failure. */
static int public_valid(const BIGNUM *y, const BIGNUM *p, BN_CTX *bc)
{
    BIGNUM *pm2 = BN_new(), *q = BN_new(), *r = BN_new();
    int ret = -1;
    if (pm2 != NULL && q != NULL && r != NULL && BN_copy(pm2, p) != NULL &&
        BN_sub_word(pm2, 2) == 1 && BN_rshift1(q, p) == 1) {
        if (BN_cmp(y, BN_value_one()) <= 0 || BN_cmp(y, pm2) > 0) {
            ret = 0;
        } else if (BN_mod_exp(r, y, q, p, bc) == 1) {
            ret = BN_is_one(r) ? 1 : 0;
        }
    }
    BN_free(pm2);
    BN_free(q);
    BN_free(r);
    return ret;
}

psa_status_t wbe_ffdh_check(psa_key_type_t type, size_t bits, const uint8_t *m, size_t n)
{
    const char *name = group_name(type, bits);
    if (name == NULL) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    if (n != PSA_BITS_TO_BYTES(bits)) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    BIGNUM *p = group_p(name);
    BN_CTX *bc = BN_CTX_secure_new_ex(wbe_ossl_libctx());
    BIGNUM *v = PSA_KEY_TYPE_IS_DH_KEY_PAIR(type) ? secret_bn(m, n) : BN_bin2bn(m, (int)n, NULL);
    BIGNUM *y = BN_new();
    psa_status_t st = PSA_ERROR_INSUFFICIENT_MEMORY;
    if (p != NULL && bc != NULL && v != NULL && y != NULL) {
        int ok;
        if (PSA_KEY_TYPE_IS_DH_KEY_PAIR(type)) {
            /* x in [1, p-1] (the PSA key format), and not a multiple of the
             * subgroup order q, whose public value would be 1. */
            if (BN_is_zero(v) || BN_cmp(v, p) >= 0) {
                ok = 0;
            } else {
                ok = public_of(v, p, y, bc) ? !BN_is_one(y) : -1;
            }
        } else {
            ok = public_valid(v, p, bc);
        }
        st = ok < 0 ? PSA_ERROR_CORRUPTION_DETECTED
             : ok   ? PSA_SUCCESS
                    : PSA_ERROR_INVALID_ARGUMENT;
    }
    if (PSA_KEY_TYPE_IS_DH_KEY_PAIR(type)) {
        BN_clear_free(v);
    } else {
        BN_free(v);
    }
    BN_free(y);
    BN_free(p);
    BN_CTX_free(bc);
    ERR_clear_error();
    return st;
}

/* Whether the big-endian candidate k (n bytes) is at most p - 2, so that
 * x = k + 1 is in [1, p-1]; and then writes x to out (PSA SP 800-56A
 * "testing candidates"). 1 accepted, 0 rejected, -1 failure. */
static int candidate_to_x(const BIGNUM *p, const uint8_t *k, size_t n, uint8_t *out)
{
    BIGNUM *x = secret_bn(k, n), *pm2 = BN_new();
    int ret = -1;
    if (x != NULL && pm2 != NULL && BN_copy(pm2, p) != NULL && BN_sub_word(pm2, 2) == 1) {
        if (BN_cmp(x, pm2) > 0) {
            ret = 0;
        } else if (BN_add_word(x, 1) == 1 && BN_bn2binpad(x, out, (int)n) == (int)n) {
            ret = 1;
        }
    }
    BN_clear_free(x);
    BN_free(pm2);
    return ret;
}

psa_status_t wbe_ffdh_candidate(psa_key_type_t type, size_t bits, const uint8_t *k, size_t n,
                                uint8_t *out)
{
    const char *name = group_name(type, bits);
    if (name == NULL || !PSA_KEY_TYPE_IS_DH_KEY_PAIR(type)) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    if (n != PSA_BITS_TO_BYTES(bits)) {
        return PSA_ERROR_CORRUPTION_DETECTED;
    }
    BIGNUM *p = group_p(name);
    int r = p != NULL ? candidate_to_x(p, k, n, out) : -1;
    BN_free(p);
    psa_status_t st = r < 0    ? PSA_ERROR_CORRUPTION_DETECTED
                      : r == 0 ? PSA_ERROR_INVALID_ARGUMENT
                               : wbe_ffdh_check(type, bits, out, n); /* refuses 2^x = 1 */
    if (st != PSA_SUCCESS) {
        wbe_cleanse(out, n);
    }
    return st;
}

psa_status_t wbe_ffdh_generate(psa_key_type_t type, size_t bits, uint8_t *out)
{
    if (!wbe_ffdh_supported(type, bits) || !PSA_KEY_TYPE_IS_DH_KEY_PAIR(type)) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    size_t n = PSA_BITS_TO_BYTES(bits);
    uint8_t k[FFDH_MAX_BYTES];
    psa_status_t st = PSA_ERROR_INSUFFICIENT_ENTROPY;
    /* p starts with 64 one bits, so a candidate is refused with
     * probability below 2^-64; the bound only guards a broken RNG. */
    for (int tries = 0; tries < 16; tries++) {
        st = wbe_random_secret(k, n);
        if (st == PSA_SUCCESS) {
            st = wbe_ffdh_candidate(type, bits, k, n, out);
        }
        if (st != PSA_ERROR_INVALID_ARGUMENT) {
            break;
        }
        st = PSA_ERROR_INSUFFICIENT_ENTROPY;
    }
    wbe_cleanse(k, sizeof k);
    return st;
}

psa_status_t wbe_ffdh_public(psa_key_type_t type, size_t bits, const uint8_t *m, size_t n,
                             uint8_t *out, size_t out_size, size_t *out_len)
{
    const char *name = group_name(type, bits);
    size_t plen = PSA_BITS_TO_BYTES(bits);
    *out_len = 0;
    if (name == NULL) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    if (n != plen) {
        return PSA_ERROR_CORRUPTION_DETECTED;
    }
    if (out_size < plen) {
        return PSA_ERROR_BUFFER_TOO_SMALL;
    }
    if (PSA_KEY_TYPE_IS_DH_PUBLIC_KEY(type)) {
        memcpy(out, m, n);
        *out_len = n;
        return PSA_SUCCESS;
    }
    BIGNUM *p = group_p(name), *x = secret_bn(m, n), *y = BN_new();
    BN_CTX *bc = BN_CTX_secure_new_ex(wbe_ossl_libctx());
    psa_status_t st = PSA_ERROR_INSUFFICIENT_MEMORY;
    if (p != NULL && x != NULL && y != NULL && bc != NULL) {
        st = public_of(x, p, y, bc) && BN_bn2binpad(y, out, (int)plen) == (int)plen
                 ? PSA_SUCCESS
                 : PSA_ERROR_CORRUPTION_DETECTED;
    }
    if (st == PSA_SUCCESS) {
        *out_len = plen;
    }
    BN_clear_free(x);
    BN_free(y);
    BN_free(p);
    BN_CTX_free(bc);
    ERR_clear_error();
    return st;
}

/* An EVP_PKEY of the named group: a key pair from x (OpenSSL's DH derive
 * uses only the private value), or a public key from y. */
static EVP_PKEY *dh_pkey(const char *name, const BIGNUM *priv, const BIGNUM *pub)
{
    EVP_PKEY *pk = NULL;
    OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(wbe_ossl_libctx(), "DH", NULL);
    if (b == NULL || ctx == NULL ||
        OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, name, 0) != 1 ||
        (pub != NULL && OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_PUB_KEY, pub) != 1) ||
        (priv != NULL && OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_PRIV_KEY, priv) != 1)) {
        goto out;
    }
    pk = wbe_ossl_fromdata(ctx, b, priv != NULL ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY);
out:
    OSSL_PARAM_BLD_free(b);
    EVP_PKEY_CTX_free(ctx);
    return pk;
}

psa_status_t wbe_ffdh(psa_key_type_t type, size_t bits, const uint8_t *x, size_t n,
                      const uint8_t *peer, size_t peer_len, uint8_t *out)
{
    const char *name = group_name(type, bits);
    size_t plen = PSA_BITS_TO_BYTES(bits);
    if (name == NULL || !PSA_KEY_TYPE_IS_DH_KEY_PAIR(type)) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    if (n != plen) {
        return PSA_ERROR_CORRUPTION_DETECTED;
    }
    if (peer_len != plen) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    BIGNUM *p = group_p(name), *priv = secret_bn(x, n), *y = BN_bin2bn(peer, (int)peer_len, NULL);
    BN_CTX *bc = BN_CTX_new_ex(wbe_ossl_libctx());
    EVP_PKEY *pk = NULL, *pp = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    uint8_t buf[FFDH_MAX_BYTES];
    size_t len = sizeof buf;
    psa_status_t st = PSA_ERROR_INSUFFICIENT_MEMORY;
    if (p == NULL || priv == NULL || y == NULL || bc == NULL) {
        goto out;
    }
    int valid = public_valid(y, p, bc);
    if (valid <= 0) {
        st = valid == 0 ? PSA_ERROR_INVALID_ARGUMENT : PSA_ERROR_CORRUPTION_DETECTED;
        goto out;
    }
    pk = dh_pkey(name, priv, NULL);
    pp = dh_pkey(name, NULL, y);
    ctx = pk != NULL ? EVP_PKEY_CTX_new_from_pkey(wbe_ossl_libctx(), pk, NULL) : NULL;
    st = PSA_ERROR_CORRUPTION_DETECTED;
    if (ctx != NULL && pp != NULL && EVP_PKEY_derive_init(ctx) == 1 &&
        EVP_PKEY_CTX_set_dh_pad(ctx, 1) == 1 &&
        /* y was fully checked above (range and subgroup): not again */
        EVP_PKEY_derive_set_peer_ex(ctx, pp, 0) == 1 &&
        EVP_PKEY_derive(ctx, buf, &len) == 1 && len == plen) {
        /* Z = 1 cannot follow from a valid y and x; refuse it all the same
         * (SP 800-56A §5.7.1.1). */
        uint8_t acc = (uint8_t)(buf[plen - 1] ^ 1u);
        for (size_t i = 0; i + 1 < plen; i++) {
            acc |= buf[i];
        }
        if (acc == 0) {
            st = PSA_ERROR_INVALID_ARGUMENT;
        } else {
            memcpy(out, buf, plen);
            st = PSA_SUCCESS;
        }
    }
out:
    OPENSSL_cleanse(buf, sizeof buf);
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(pk);
    EVP_PKEY_free(pp);
    BN_clear_free(priv);
    BN_free(y);
    BN_free(p);
    BN_CTX_free(bc);
    ERR_clear_error();
    return st;
}
