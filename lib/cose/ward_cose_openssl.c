/*
 * ward_cose_openssl.c: ECDSA and HMAC for COSE on OpenSSL 3. Signatures
 * cross as raw r||s (COSE) and are converted to DER only at OpenSSL's edge.
 */
#include "ward_cose_openssl.h"

#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

/* The curve size (bits) and digest an ECDSA alg needs; false if not ECDSA. */
static bool ecdsa_params(int64_t alg, int *bits, const char **md)
{
    switch (alg) {
    case WARD_COSE_ALG_ES256: *bits = 256; *md = "SHA256"; return true;
    case WARD_COSE_ALG_ES384: *bits = 384; *md = "SHA384"; return true;
    case WARD_COSE_ALG_ES512: *bits = 521; *md = "SHA512"; return true;
    }
    return false;
}

static const char *hmac_md(int64_t alg)
{
    switch (alg) {
    case WARD_COSE_ALG_HMAC256: return "SHA256";
    case WARD_COSE_ALG_HMAC384: return "SHA384";
    case WARD_COSE_ALG_HMAC512: return "SHA512";
    }
    return NULL;
}

static bool key_fits(const struct ward_cose_key *k, int64_t alg)
{
    int bits;
    const char *md;
    if (ecdsa_params(alg, &bits, &md))
        return k->pkey != NULL && EVP_PKEY_get_base_id(k->pkey) == EVP_PKEY_EC &&
               EVP_PKEY_get_bits(k->pkey) == bits;
    return hmac_md(alg) != NULL && k->pkey == NULL && k->hmac_len > 0;
}

psa_status_t ward_cose_key_load(struct ward_cose_key *k, const uint8_t *buf,
                                size_t len, char *why, size_t whylen)
{
    static const char pem_mark[] = "-----BEGIN ";
    memset(k, 0, sizeof(*k));
    bool is_pem = len > 0 && memmem(buf, len, pem_mark, sizeof(pem_mark) - 1) != NULL;
    if (!is_pem) {
        if (len == 0 || len > WARD_COSE_HMAC_KEY_MAX) {
            snprintf(why, whylen, "not a PEM key, and %zu bytes is not a valid raw "
                     "HMAC key length (1..%d)", len, WARD_COSE_HMAC_KEY_MAX);
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        memcpy(k->hmac, buf, len);
        k->hmac_len = len;
        return PSA_SUCCESS;
    }
    if (len > INT32_MAX) {
        snprintf(why, whylen, "key file too large");
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    BIO *bio = BIO_new_mem_buf(buf, (int)len);
    if (bio == NULL) {
        snprintf(why, whylen, "out of memory");
        return PSA_ERROR_INSUFFICIENT_MEMORY;
    }
    EVP_PKEY *pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    if (pkey == NULL) {
        (void)BIO_reset(bio);
        /* No passphrase callback: an encrypted key fails instead of prompting. */
        pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, (void *)"");
    }
    if (pkey == NULL) {
        /* An IAK certificate: its subject public key. The certificate itself
         * (issuer, validity) is not checked here. */
        (void)BIO_reset(bio);
        X509 *cert = PEM_read_bio_X509(bio, NULL, NULL, (void *)"");
        if (cert != NULL)
            pkey = X509_get_pubkey(cert);
        X509_free(cert);
    }
    BIO_free(bio);
    ERR_clear_error();
    if (pkey == NULL) {
        snprintf(why, whylen, "PEM data is neither a public key, an unencrypted "
                 "private key nor a certificate OpenSSL can read");
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    int bits = EVP_PKEY_get_bits(pkey);
    if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_EC ||
        (bits != 256 && bits != 384 && bits != 521)) {
        snprintf(why, whylen, "the key is not an EC key on P-256, P-384 or P-521");
        EVP_PKEY_free(pkey);
        return PSA_ERROR_NOT_SUPPORTED;
    }
    k->pkey = pkey;
    return PSA_SUCCESS;
}

void ward_cose_key_free(struct ward_cose_key *k)
{
    EVP_PKEY_free(k->pkey);
    k->pkey = NULL;
    OPENSSL_cleanse(k->hmac, sizeof(k->hmac));
    k->hmac_len = 0;
}

const char *ward_cose_key_describe(const struct ward_cose_key *k, char *buf, size_t n)
{
    if (k->pkey != NULL)
        snprintf(buf, n, "EC P-%d", EVP_PKEY_get_bits(k->pkey));
    else
        snprintf(buf, n, "HMAC (%zu bytes)", k->hmac_len);
    return buf;
}

static psa_status_t hmac(const struct ward_cose_key *k, int64_t alg,
                         const struct ward_cose_frag *tbs, size_t nfrags,
                         uint8_t *out, size_t out_len)
{
    psa_status_t st = PSA_ERROR_GENERIC_ERROR;
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    char md[16];
    size_t got = 0;
    snprintf(md, sizeof(md), "%s", hmac_md(alg));
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, md, 0),
        OSSL_PARAM_construct_end(),
    };
    if (ctx == NULL || !EVP_MAC_init(ctx, k->hmac, k->hmac_len, params))
        goto out;
    for (size_t i = 0; i < nfrags; i++)
        if (tbs[i].n > 0 && !EVP_MAC_update(ctx, tbs[i].p, tbs[i].n))
            goto out;
    if (!EVP_MAC_final(ctx, out, &got, out_len) || got != out_len)
        goto out;
    st = PSA_SUCCESS;
out:
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    return st;
}

static psa_status_t cb_sign(void *ctx, int64_t alg, const struct ward_cose_frag *tbs,
                            size_t nfrags, uint8_t *sig, size_t sig_len)
{
    struct ward_cose_key *k = ctx;
    int bits;
    const char *md;
    if (!key_fits(k, alg) || sig_len != ward_cose_sig_len(alg))
        return PSA_ERROR_NOT_SUPPORTED;
    if (!ecdsa_params(alg, &bits, &md))
        return hmac(k, alg, tbs, nfrags, sig, sig_len);

    psa_status_t st = PSA_ERROR_GENERIC_ERROR;
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    unsigned char der[160];
    size_t der_len = sizeof(der);
    ECDSA_SIG *es = NULL;
    const unsigned char *dp = der;
    if (mctx == NULL || !EVP_DigestSignInit_ex(mctx, NULL, md, NULL, NULL, k->pkey, NULL))
        goto out;
    for (size_t i = 0; i < nfrags; i++)
        if (tbs[i].n > 0 && !EVP_DigestSignUpdate(mctx, tbs[i].p, tbs[i].n))
            goto out;
    if (!EVP_DigestSignFinal(mctx, der, &der_len))
        goto out;
    es = d2i_ECDSA_SIG(NULL, &dp, (long)der_len);
    if (es == NULL)
        goto out;
    size_t half = sig_len / 2;
    if (BN_bn2binpad(ECDSA_SIG_get0_r(es), sig, (int)half) != (int)half ||
        BN_bn2binpad(ECDSA_SIG_get0_s(es), sig + half, (int)half) != (int)half)
        goto out;
    st = PSA_SUCCESS;
out:
    ECDSA_SIG_free(es);
    EVP_MD_CTX_free(mctx);
    return st;
}

static psa_status_t cb_verify(void *ctx, int64_t alg, const struct ward_cose_frag *tbs,
                              size_t nfrags, const uint8_t *sig, size_t sig_len)
{
    struct ward_cose_key *k = ctx;
    int bits;
    const char *md;
    if (!key_fits(k, alg) || sig_len != ward_cose_sig_len(alg))
        return PSA_ERROR_NOT_SUPPORTED;
    if (!ecdsa_params(alg, &bits, &md)) {
        uint8_t tag[64];
        psa_status_t st = hmac(k, alg, tbs, nfrags, tag, sig_len);
        if (st == PSA_SUCCESS && CRYPTO_memcmp(tag, sig, sig_len) != 0)
            st = PSA_ERROR_INVALID_SIGNATURE;
        OPENSSL_cleanse(tag, sizeof(tag));
        return st;
    }

    psa_status_t st = PSA_ERROR_GENERIC_ERROR;
    size_t half = sig_len / 2;
    ECDSA_SIG *es = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(sig, (int)half, NULL);
    BIGNUM *s = BN_bin2bn(sig + half, (int)half, NULL);
    unsigned char *der = NULL;
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    if (es == NULL || r == NULL || s == NULL || mctx == NULL)
        goto out;
    if (!ECDSA_SIG_set0(es, r, s))
        goto out;
    r = s = NULL; /* owned by es now */
    int der_len = i2d_ECDSA_SIG(es, &der);
    if (der_len <= 0)
        goto out;
    if (!EVP_DigestVerifyInit_ex(mctx, NULL, md, NULL, NULL, k->pkey, NULL))
        goto out;
    for (size_t i = 0; i < nfrags; i++)
        if (tbs[i].n > 0 && !EVP_DigestVerifyUpdate(mctx, tbs[i].p, tbs[i].n))
            goto out;
    int rc = EVP_DigestVerifyFinal(mctx, der, (size_t)der_len);
    st = rc == 1 ? PSA_SUCCESS : PSA_ERROR_INVALID_SIGNATURE;
out:
    OPENSSL_free(der);
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(es);
    EVP_MD_CTX_free(mctx);
    return st;
}

void ward_cose_openssl_crypto(struct ward_cose_crypto *c, struct ward_cose_key *k)
{
    c->ctx = k;
    c->sign = cb_sign;
    c->verify = cb_verify;
}
