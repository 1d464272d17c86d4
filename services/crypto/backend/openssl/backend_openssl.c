/*
 * backend_openssl.c: the crypto backend on OpenSSL 3 libcrypto. It uses a
 * private library context with only the default provider and no
 * configuration file, fetches every algorithm once at init, and never
 * fetches later (DESIGN.md §6). It computes; it never decides policy.
 */
#include "ward_crypto_backend.h"
#include "backend_ecdsa_k.h"
#include "backend_eddsa_ph.h"
#include "backend_libctx.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

/* ---- the library context and the fetched algorithm table ------------------ */

enum { T_AES, T_ARIA, T_CAMELLIA, T_SM4, T_DES, T_COUNT };
enum { S_64, S_128, S_192, S_256, S_512, S_COUNT };
#define N_MODES (WBE_MODE_STREAM + 1)

struct hash_entry {
    psa_algorithm_t alg;
    const char *name;
    EVP_MD *md;
};

static struct hash_entry g_hashes[] = {
    {PSA_ALG_MD5, "MD5", NULL},
    {PSA_ALG_RIPEMD160, "RIPEMD160", NULL},
    {PSA_ALG_SHA_1, "SHA1", NULL},
    {PSA_ALG_SHA_224, "SHA224", NULL},
    {PSA_ALG_SHA_256, "SHA256", NULL},
    {PSA_ALG_SHA_384, "SHA384", NULL},
    {PSA_ALG_SHA_512, "SHA512", NULL},
    {PSA_ALG_SHA_512_224, "SHA512-224", NULL},
    {PSA_ALG_SHA_512_256, "SHA512-256", NULL},
    {PSA_ALG_SHA3_224, "SHA3-224", NULL},
    {PSA_ALG_SHA3_256, "SHA3-256", NULL},
    {PSA_ALG_SHA3_384, "SHA3-384", NULL},
    {PSA_ALG_SHA3_512, "SHA3-512", NULL},
    {PSA_ALG_SM3, "SM3", NULL},
    {PSA_ALG_SHAKE256_512, "SHAKE256", NULL},
};
#define N_HASHES (sizeof g_hashes / sizeof g_hashes[0])

static OSSL_LIB_CTX *g_libctx;
static OSSL_PROVIDER *g_default_prov;
static EVP_MAC *g_hmac;
static EVP_MAC *g_cmac;
static EVP_CIPHER *g_ciphers[T_COUNT][S_COUNT][N_MODES];
static EVP_CIPHER *g_gcm[T_COUNT][S_COUNT];
static EVP_CIPHER *g_chachapoly;
static bool g_ready;

static int type_index(psa_key_type_t type)
{
    switch (type) {
    case PSA_KEY_TYPE_AES: return T_AES;
    case PSA_KEY_TYPE_ARIA: return T_ARIA;
    case PSA_KEY_TYPE_CAMELLIA: return T_CAMELLIA;
    case PSA_KEY_TYPE_SM4: return T_SM4;
    case PSA_KEY_TYPE_DES: return T_DES;
    default: return -1;
    }
}

static int size_index(size_t bits)
{
    switch (bits) {
    case 64: return S_64;
    case 128: return S_128;
    case 192: return S_192;
    case 256: return S_256;
    case 512: return S_512;
    default: return -1;
    }
}

/* OpenSSL's name for a block cipher, or NULL when there is none. Single DES
 * (legacy provider only) is deliberately absent. */
static const char *cipher_name(int t, int s, int mode, char *buf, size_t len)
{
    static const char *const modes[N_MODES] = {"ECB", "CBC", "CTR", "CFB",
                                               "OFB", "XTS", NULL};
    if (mode == WBE_MODE_STREAM) {
        return NULL;
    }
    if (t == T_DES) {
        if (mode != WBE_MODE_ECB && mode != WBE_MODE_CBC) {
            return NULL;
        }
        if (s == S_128) {
            snprintf(buf, len, "DES-EDE-%s", modes[mode]);
        } else if (s == S_192) {
            snprintf(buf, len, "DES-EDE3-%s", modes[mode]);
        } else {
            return NULL;
        }
        return buf;
    }
    static const char *const families[] = {"AES", "ARIA", "CAMELLIA", "SM4"};
    if (mode == WBE_MODE_XTS) {
        /* XTS keys are two cipher keys: 256 bits for AES-128-XTS. */
        if (t != T_AES || (s != S_256 && s != S_512)) {
            return NULL;
        }
        snprintf(buf, len, "AES-%d-XTS", s == S_256 ? 128 : 256);
        return buf;
    }
    if (t == T_SM4) {
        if (s != S_128) {
            return NULL;
        }
        snprintf(buf, len, "SM4-%s", modes[mode]);
        return buf;
    }
    if (s != S_128 && s != S_192 && s != S_256) {
        return NULL;
    }
    snprintf(buf, len, "%s-%d-%s", families[t], s == S_128 ? 128 : s == S_192 ? 192 : 256,
             modes[mode]);
    return buf;
}

static void ec_groups_init(void);
static void ec_groups_free(void);

psa_status_t wbe_init(void)
{
    if (g_ready) {
        return PSA_SUCCESS;
    }
    g_libctx = OSSL_LIB_CTX_new();
    if (g_libctx == NULL) {
        return PSA_ERROR_INSUFFICIENT_MEMORY;
    }
    g_default_prov = OSSL_PROVIDER_load(g_libctx, "default");
    if (g_default_prov == NULL) {
        OSSL_LIB_CTX_free(g_libctx);
        g_libctx = NULL;
        return PSA_ERROR_CORRUPTION_DETECTED;
    }
    for (size_t i = 0; i < N_HASHES; i++) {
        g_hashes[i].md = EVP_MD_fetch(g_libctx, g_hashes[i].name, NULL);
    }
    g_hmac = EVP_MAC_fetch(g_libctx, "HMAC", NULL);
    g_cmac = EVP_MAC_fetch(g_libctx, "CMAC", NULL);
    char name[32];
    for (int t = 0; t < T_COUNT; t++) {
        for (int s = 0; s < S_COUNT; s++) {
            for (int m = 0; m < N_MODES; m++) {
                if (cipher_name(t, s, m, name, sizeof name) != NULL) {
                    g_ciphers[t][s][m] = EVP_CIPHER_fetch(g_libctx, name, NULL);
                }
            }
            if ((t == T_AES || t == T_ARIA || t == T_CAMELLIA) &&
                (s == S_128 || s == S_192 || s == S_256)) {
                static const char *const fam[] = {"AES", "ARIA", "CAMELLIA"};
                snprintf(name, sizeof name, "%s-%d-GCM", fam[t],
                         s == S_128 ? 128 : s == S_192 ? 192 : 256);
                g_gcm[t][s] = EVP_CIPHER_fetch(g_libctx, name, NULL);
            }
        }
    }
    g_ciphers[0][S_256][WBE_MODE_STREAM] = EVP_CIPHER_fetch(g_libctx, "ChaCha20", NULL);
    g_chachapoly = EVP_CIPHER_fetch(g_libctx, "ChaCha20-Poly1305", NULL);
    ec_groups_init();
    wbe_eddsa_ph_init();
    ERR_clear_error(); /* failed fetches of absent algorithms are expected */
    /* Draw once so the DRBG is seeded (from getrandom) before any sandbox. */
    uint8_t probe[16];
    if (RAND_bytes_ex(g_libctx, probe, sizeof probe, 0) != 1) {
        wbe_shutdown();
        return PSA_ERROR_INSUFFICIENT_ENTROPY;
    }
    OPENSSL_cleanse(probe, sizeof probe);
    g_ready = true;
    return PSA_SUCCESS;
}

void wbe_shutdown(void)
{
    for (size_t i = 0; i < N_HASHES; i++) {
        EVP_MD_free(g_hashes[i].md);
        g_hashes[i].md = NULL;
    }
    EVP_MAC_free(g_hmac);
    EVP_MAC_free(g_cmac);
    g_hmac = g_cmac = NULL;
    for (int t = 0; t < T_COUNT; t++) {
        for (int s = 0; s < S_COUNT; s++) {
            for (int m = 0; m < N_MODES; m++) {
                EVP_CIPHER_free(g_ciphers[t][s][m]);
                g_ciphers[t][s][m] = NULL;
            }
            EVP_CIPHER_free(g_gcm[t][s]);
            g_gcm[t][s] = NULL;
        }
    }
    EVP_CIPHER_free(g_chachapoly);
    g_chachapoly = NULL;
    ec_groups_free();
    wbe_eddsa_ph_shutdown();
    if (g_default_prov != NULL) {
        OSSL_PROVIDER_unload(g_default_prov);
        g_default_prov = NULL;
    }
    OSSL_LIB_CTX_free(g_libctx);
    g_libctx = NULL;
    g_ready = false;
}

OSSL_LIB_CTX *wbe_ossl_libctx(void)
{
    return g_libctx;
}

psa_status_t wbe_random(uint8_t *out, size_t n)
{
    if (n == 0) {
        return PSA_SUCCESS;
    }
    return RAND_bytes_ex(g_libctx, out, n, 0) == 1 ? PSA_SUCCESS
                                                   : PSA_ERROR_INSUFFICIENT_ENTROPY;
}

psa_status_t wbe_random_secret(uint8_t *out, size_t n)
{
    if (n == 0) {
        return PSA_SUCCESS;
    }
    return RAND_priv_bytes_ex(g_libctx, out, n, 0) == 1
               ? PSA_SUCCESS
               : PSA_ERROR_INSUFFICIENT_ENTROPY;
}

int wbe_memcmp_ct(const void *a, const void *b, size_t n)
{
    return CRYPTO_memcmp(a, b, n);
}

void wbe_cleanse(void *p, size_t n)
{
    if (p != NULL && n != 0) {
        OPENSSL_cleanse(p, n);
    }
}

/* ---- hash ----------------------------------------------------------------- */

struct wbe_hash {
    EVP_MD_CTX *ctx;
    const EVP_MD *md;
    size_t len;
    bool xof;
};

static const EVP_MD *find_md(psa_algorithm_t alg)
{
    for (size_t i = 0; i < N_HASHES; i++) {
        if (g_hashes[i].alg == alg) {
            return g_hashes[i].md;
        }
    }
    return NULL;
}

const EVP_MD *wbe_ossl_md(psa_algorithm_t alg)
{
    return find_md(alg);
}

bool wbe_hash_supported(psa_algorithm_t alg)
{
    return find_md(alg) != NULL;
}

psa_status_t wbe_hash_new(psa_algorithm_t alg, struct wbe_hash **out)
{
    const EVP_MD *md = find_md(alg);
    if (md == NULL) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    struct wbe_hash *h = calloc(1, sizeof *h);
    if (h == NULL) {
        return PSA_ERROR_INSUFFICIENT_MEMORY;
    }
    h->ctx = EVP_MD_CTX_new();
    h->md = md;
    h->len = PSA_HASH_LENGTH(alg);
    h->xof = alg == PSA_ALG_SHAKE256_512;
    if (h->ctx == NULL || EVP_DigestInit_ex2(h->ctx, md, NULL) != 1) {
        wbe_hash_free(h);
        return PSA_ERROR_INSUFFICIENT_MEMORY;
    }
    *out = h;
    return PSA_SUCCESS;
}

psa_status_t wbe_hash_update(struct wbe_hash *h, const uint8_t *in, size_t n)
{
    if (n == 0) {
        return PSA_SUCCESS;
    }
    return EVP_DigestUpdate(h->ctx, in, n) == 1 ? PSA_SUCCESS
                                                : PSA_ERROR_CORRUPTION_DETECTED;
}

psa_status_t wbe_hash_finish(struct wbe_hash *h, uint8_t *out)
{
    int ok;
    if (h->xof) {
        ok = EVP_DigestFinalXOF(h->ctx, out, h->len);
    } else {
        unsigned int l = 0;
        ok = EVP_DigestFinal_ex(h->ctx, out, &l) == 1 && l == h->len;
    }
    return ok ? PSA_SUCCESS : PSA_ERROR_CORRUPTION_DETECTED;
}

psa_status_t wbe_hash_restart(struct wbe_hash *h)
{
    return EVP_DigestInit_ex2(h->ctx, h->md, NULL) == 1 ? PSA_SUCCESS
                                                        : PSA_ERROR_CORRUPTION_DETECTED;
}

psa_status_t wbe_hash_clone(const struct wbe_hash *h, struct wbe_hash **out)
{
    struct wbe_hash *c = calloc(1, sizeof *c);
    if (c == NULL) {
        return PSA_ERROR_INSUFFICIENT_MEMORY;
    }
    *c = *h;
    c->ctx = EVP_MD_CTX_new();
    if (c->ctx == NULL || EVP_MD_CTX_copy_ex(c->ctx, h->ctx) != 1) {
        wbe_hash_free(c);
        return PSA_ERROR_INSUFFICIENT_MEMORY;
    }
    *out = c;
    return PSA_SUCCESS;
}

void wbe_hash_free(struct wbe_hash *h)
{
    if (h != NULL) {
        EVP_MD_CTX_free(h->ctx);
        free(h);
    }
}

/* ---- MAC ------------------------------------------------------------------- */

struct wbe_mac {
    EVP_MAC_CTX *ctx;
};

psa_status_t wbe_mac_new(psa_algorithm_t full_alg, psa_key_type_t key_type,
                         const uint8_t *key, size_t key_len, struct wbe_mac **out)
{
    OSSL_PARAM params[2];
    EVP_MAC *mac;
    char name[32];
    if (PSA_ALG_IS_HMAC(full_alg)) {
        const EVP_MD *md = find_md(PSA_ALG_GET_HASH(full_alg));
        if (md == NULL || g_hmac == NULL || full_alg == PSA_ALG_HMAC(PSA_ALG_SHAKE256_512)) {
            return PSA_ERROR_NOT_SUPPORTED;
        }
        mac = g_hmac;
        params[0] = OSSL_PARAM_construct_utf8_string(
            OSSL_MAC_PARAM_DIGEST, (char *)EVP_MD_get0_name(md), 0);
    } else if (full_alg == PSA_ALG_CMAC) {
        int t = type_index(key_type), s = size_index(key_len * 8);
        if (t < 0 || s < 0 || g_cmac == NULL || g_ciphers[t][s][WBE_MODE_CBC] == NULL ||
            PSA_BLOCK_CIPHER_BLOCK_LENGTH(key_type) != 16) {
            return PSA_ERROR_NOT_SUPPORTED;
        }
        mac = g_cmac;
        snprintf(name, sizeof name, "%s",
                 EVP_CIPHER_get0_name(g_ciphers[t][s][WBE_MODE_CBC]));
        params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, name, 0);
    } else {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    params[1] = OSSL_PARAM_construct_end();
    struct wbe_mac *m = calloc(1, sizeof *m);
    if (m == NULL) {
        return PSA_ERROR_INSUFFICIENT_MEMORY;
    }
    m->ctx = EVP_MAC_CTX_new(mac);
    static const uint8_t empty[1];
    if (m->ctx == NULL ||
        EVP_MAC_init(m->ctx, key_len ? key : empty, key_len, params) != 1) {
        wbe_mac_free(m);
        ERR_clear_error();
        return PSA_ERROR_NOT_SUPPORTED;
    }
    *out = m;
    return PSA_SUCCESS;
}

psa_status_t wbe_mac_update(struct wbe_mac *m, const uint8_t *in, size_t n)
{
    if (n == 0) {
        return PSA_SUCCESS;
    }
    return EVP_MAC_update(m->ctx, in, n) == 1 ? PSA_SUCCESS
                                              : PSA_ERROR_CORRUPTION_DETECTED;
}

psa_status_t wbe_mac_finish(struct wbe_mac *m, uint8_t *out, size_t out_len)
{
    size_t l = 0;
    if (EVP_MAC_final(m->ctx, out, &l, out_len) != 1 || l != out_len) {
        return PSA_ERROR_CORRUPTION_DETECTED;
    }
    return PSA_SUCCESS;
}

psa_status_t wbe_mac_restart(struct wbe_mac *m)
{
    return EVP_MAC_init(m->ctx, NULL, 0, NULL) == 1 ? PSA_SUCCESS
                                                    : PSA_ERROR_CORRUPTION_DETECTED;
}

void wbe_mac_free(struct wbe_mac *m)
{
    if (m != NULL) {
        EVP_MAC_CTX_free(m->ctx);
        free(m);
    }
}

/* ---- ciphers --------------------------------------------------------------- */

struct wbe_cipher {
    EVP_CIPHER_CTX *ctx;
    int encrypt;
    bool pkcs7;
};

static EVP_CIPHER *find_cipher(psa_key_type_t type, size_t bits, enum wbe_mode mode)
{
    if (mode == WBE_MODE_STREAM) {
        return type == PSA_KEY_TYPE_CHACHA20 && bits == 256
                   ? g_ciphers[0][S_256][WBE_MODE_STREAM] : NULL;
    }
    int t = type_index(type), s = size_index(bits);
    if (t < 0 || s < 0 || (int)mode < 0 || mode >= N_MODES) {
        return NULL;
    }
    return g_ciphers[t][s][mode];
}

bool wbe_cipher_supported(psa_key_type_t type, size_t key_bits, enum wbe_mode mode)
{
    return find_cipher(type, key_bits, mode) != NULL;
}

psa_status_t wbe_cipher_new(psa_key_type_t type, const uint8_t *key, size_t key_len,
                            enum wbe_mode mode, bool encrypt, bool pkcs7,
                            struct wbe_cipher **out)
{
    EVP_CIPHER *cipher = find_cipher(type, key_len * 8, mode);
    if (cipher == NULL) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    struct wbe_cipher *c = calloc(1, sizeof *c);
    if (c == NULL) {
        return PSA_ERROR_INSUFFICIENT_MEMORY;
    }
    c->encrypt = encrypt ? 1 : 0;
    c->pkcs7 = pkcs7;
    c->ctx = EVP_CIPHER_CTX_new();
    if (c->ctx == NULL ||
        EVP_CipherInit_ex2(c->ctx, cipher, key, NULL, c->encrypt, NULL) != 1 ||
        EVP_CIPHER_CTX_set_padding(c->ctx, pkcs7 ? 1 : 0) != 1) {
        wbe_cipher_free(c);
        ERR_clear_error();
        /* OpenSSL refuses XTS keys whose halves are equal. */
        return mode == WBE_MODE_XTS ? PSA_ERROR_INVALID_ARGUMENT
                                    : PSA_ERROR_INSUFFICIENT_MEMORY;
    }
    *out = c;
    return PSA_SUCCESS;
}

psa_status_t wbe_cipher_set_iv(struct wbe_cipher *c, const uint8_t *iv, size_t iv_len)
{
    if ((size_t)EVP_CIPHER_CTX_get_iv_length(c->ctx) != iv_len) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    return EVP_CipherInit_ex2(c->ctx, NULL, NULL, iv, c->encrypt, NULL) == 1
               ? PSA_SUCCESS : PSA_ERROR_CORRUPTION_DETECTED;
}

psa_status_t wbe_cipher_update(struct wbe_cipher *c, const uint8_t *in, size_t n,
                               uint8_t *out, size_t *out_len)
{
    *out_len = 0;
    while (n > 0) {
        int chunk = n > (1u << 30) ? (1 << 30) : (int)n;
        int l = 0;
        if (EVP_CipherUpdate(c->ctx, out, &l, in, chunk) != 1) {
            ERR_clear_error();
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        in += chunk;
        n -= (size_t)chunk;
        out += l;
        *out_len += (size_t)l;
    }
    return PSA_SUCCESS;
}

psa_status_t wbe_cipher_finish(struct wbe_cipher *c, uint8_t *out, size_t *out_len)
{
    int l = 0;
    if (EVP_CipherFinal_ex(c->ctx, out, &l) != 1) {
        ERR_clear_error();
        *out_len = 0;
        if (!c->encrypt && c->pkcs7 &&
            EVP_CIPHER_CTX_get_block_size(c->ctx) > 1) {
            return PSA_ERROR_INVALID_PADDING;
        }
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    *out_len = (size_t)l;
    return PSA_SUCCESS;
}

void wbe_cipher_free(struct wbe_cipher *c)
{
    if (c != NULL) {
        EVP_CIPHER_CTX_free(c->ctx);
        free(c);
    }
}

psa_status_t wbe_hchacha20(const uint8_t key[32], const uint8_t in[16], uint8_t out[32])
{
    /* One ChaCha20 block with IV = in (its counter word and three nonce
     * words are HChaCha20's four input words) is rounds(state) + state;
     * subtracting the known words 0-3 (constants) and 12-15 (the input)
     * leaves HChaCha20's output words. */
    static const uint32_t sigma[4] = {0x61707865u, 0x3320646eu, 0x79622d32u, 0x6b206574u};
    static const uint8_t zero[64];
    uint8_t ks[64];
    int l = 0;
    EVP_CIPHER *c = g_ciphers[0][S_256][WBE_MODE_STREAM];
    if (c == NULL) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL || EVP_EncryptInit_ex2(ctx, c, key, in, NULL) != 1 ||
        EVP_EncryptUpdate(ctx, ks, &l, zero, sizeof zero) != 1 || l != 64) {
        EVP_CIPHER_CTX_free(ctx);
        ERR_clear_error();
        return PSA_ERROR_CORRUPTION_DETECTED;
    }
    EVP_CIPHER_CTX_free(ctx);
    for (int i = 0; i < 4; i++) {
        uint32_t w0 = (uint32_t)ks[4 * i] | (uint32_t)ks[4 * i + 1] << 8 |
                      (uint32_t)ks[4 * i + 2] << 16 | (uint32_t)ks[4 * i + 3] << 24;
        uint32_t w12 = (uint32_t)ks[48 + 4 * i] | (uint32_t)ks[48 + 4 * i + 1] << 8 |
                       (uint32_t)ks[48 + 4 * i + 2] << 16 | (uint32_t)ks[48 + 4 * i + 3] << 24;
        uint32_t n = (uint32_t)in[4 * i] | (uint32_t)in[4 * i + 1] << 8 |
                     (uint32_t)in[4 * i + 2] << 16 | (uint32_t)in[4 * i + 3] << 24;
        w0 -= sigma[i];
        w12 -= n;
        for (int b = 0; b < 4; b++) {
            out[4 * i + b] = (uint8_t)(w0 >> (8 * b));
            out[16 + 4 * i + b] = (uint8_t)(w12 >> (8 * b));
        }
    }
    OPENSSL_cleanse(ks, sizeof ks);
    return PSA_SUCCESS;
}

/* ---- AEAD ------------------------------------------------------------------ */

struct wbe_aead {
    EVP_CIPHER_CTX *ctx;
    enum wbe_aead_kind kind;
    int encrypt;
    size_t ivlen; /* the IV length the context is set for */
};

static EVP_CIPHER *find_aead(psa_key_type_t type, size_t bits, enum wbe_aead_kind kind)
{
    if (kind == WBE_AEAD_CHACHA20_POLY1305) {
        return type == PSA_KEY_TYPE_CHACHA20 && bits == 256 ? g_chachapoly : NULL;
    }
    int t = type_index(type), s = size_index(bits);
    if (t < 0 || s < 0) {
        return NULL;
    }
    return g_gcm[t][s];
}

bool wbe_aead_supported(psa_key_type_t type, size_t key_bits, enum wbe_aead_kind kind)
{
    return find_aead(type, key_bits, kind) != NULL;
}

psa_status_t wbe_aead_new(enum wbe_aead_kind kind, psa_key_type_t type,
                          const uint8_t *key, size_t key_len, struct wbe_aead **out)
{
    EVP_CIPHER *cipher = find_aead(type, key_len * 8, kind);
    if (cipher == NULL) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    struct wbe_aead *a = calloc(1, sizeof *a);
    if (a == NULL) {
        return PSA_ERROR_INSUFFICIENT_MEMORY;
    }
    a->kind = kind;
    a->encrypt = 1;
    a->ctx = EVP_CIPHER_CTX_new();
    a->ivlen = 12; /* the default of both GCM and ChaCha20-Poly1305 */
    if (a->ctx == NULL || EVP_CipherInit_ex2(a->ctx, cipher, key, NULL, 1, NULL) != 1) {
        wbe_aead_free(a);
        ERR_clear_error();
        return PSA_ERROR_INSUFFICIENT_MEMORY;
    }
    *out = a;
    return PSA_SUCCESS;
}

psa_status_t wbe_aead_start(struct wbe_aead *a, bool encrypt, const uint8_t *nonce,
                            size_t nonce_len)
{
    a->encrypt = encrypt ? 1 : 0;
    /* The IV length must be set before the IV (the provider applies init
     * parameters after the IV); setting it is costly, so only on change.
     * The key stays. */
    if (nonce_len != a->ivlen) {
        size_t ivlen = nonce_len;
        OSSL_PARAM params[2];
        params[0] = OSSL_PARAM_construct_size_t(OSSL_CIPHER_PARAM_AEAD_IVLEN, &ivlen);
        params[1] = OSSL_PARAM_construct_end();
        if (EVP_CipherInit_ex2(a->ctx, NULL, NULL, NULL, a->encrypt, params) != 1) {
            ERR_clear_error();
            return PSA_ERROR_NOT_SUPPORTED;
        }
        a->ivlen = nonce_len;
    }
    if (EVP_CipherInit_ex2(a->ctx, NULL, NULL, nonce, a->encrypt, NULL) != 1) {
        ERR_clear_error();
        return PSA_ERROR_NOT_SUPPORTED;
    }
    return PSA_SUCCESS;
}

/* EVP takes int lengths: feed at most 1 GiB per call. */
#define EVP_CHUNK ((size_t)1 << 30)

psa_status_t wbe_aead_update_ad(struct wbe_aead *a, const uint8_t *in, size_t n)
{
    while (n > 0) {
        int l = 0;
        size_t chunk = n > EVP_CHUNK ? EVP_CHUNK : n;
        if (EVP_CipherUpdate(a->ctx, NULL, &l, in, (int)chunk) != 1) {
            ERR_clear_error();
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        in += chunk;
        n -= chunk;
    }
    return PSA_SUCCESS;
}

psa_status_t wbe_aead_update(struct wbe_aead *a, const uint8_t *in, size_t n, uint8_t *out)
{
    while (n > 0) {
        int l = 0;
        size_t chunk = n > EVP_CHUNK ? EVP_CHUNK : n;
        if (EVP_CipherUpdate(a->ctx, out, &l, in, (int)chunk) != 1 || (size_t)l != chunk) {
            ERR_clear_error();
            return PSA_ERROR_CORRUPTION_DETECTED;
        }
        in += chunk;
        out += chunk;
        n -= chunk;
    }
    return PSA_SUCCESS;
}

psa_status_t wbe_aead_finish_tag(struct wbe_aead *a, uint8_t *tag, size_t tag_len)
{
    uint8_t full[16];
    int l = 0;
    if (tag_len > sizeof full || EVP_CipherFinal_ex(a->ctx, full, &l) != 1 ||
        EVP_CIPHER_CTX_ctrl(a->ctx, EVP_CTRL_AEAD_GET_TAG, 16, full) != 1) {
        ERR_clear_error();
        return PSA_ERROR_CORRUPTION_DETECTED;
    }
    memcpy(tag, full, tag_len);
    return PSA_SUCCESS; /* a tag is public */
}

psa_status_t wbe_aead_verify_tag(struct wbe_aead *a, const uint8_t *tag, size_t tag_len)
{
    uint8_t out[16];
    int l = 0;
    OSSL_PARAM params[2];
    params[0] = OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG,
                                                  (void *)tag, tag_len);
    params[1] = OSSL_PARAM_construct_end();
    if (EVP_CIPHER_CTX_set_params(a->ctx, params) != 1) {
        ERR_clear_error();
        return PSA_ERROR_INVALID_SIGNATURE;
    }
    if (EVP_CipherFinal_ex(a->ctx, out, &l) != 1) {
        ERR_clear_error();
        return PSA_ERROR_INVALID_SIGNATURE;
    }
    return PSA_SUCCESS;
}

psa_status_t wbe_aead_oneshot(struct wbe_aead *a, const uint8_t *nonce, size_t nonce_len,
                              const uint8_t *ad, size_t ad_len, const uint8_t *in,
                              size_t n, uint8_t *out, const uint8_t *tag_in,
                              uint8_t *tag_out, size_t tag_len)
{
    bool encrypt = tag_in == NULL;
    psa_status_t st = wbe_aead_start(a, encrypt, nonce, nonce_len);
    if (st == PSA_SUCCESS) {
        st = wbe_aead_update_ad(a, ad, ad_len);
    }
    if (st == PSA_SUCCESS) {
        st = wbe_aead_update(a, in, n, out);
    }
    if (st == PSA_SUCCESS) {
        st = encrypt ? wbe_aead_finish_tag(a, tag_out, tag_len)
                     : wbe_aead_verify_tag(a, tag_in, tag_len);
    }
    return st;
}

void wbe_aead_free(struct wbe_aead *a)
{
    if (a != NULL) {
        EVP_CIPHER_CTX_free(a->ctx);
        free(a);
    }
}

/* ---- elliptic curves --------------------------------------------------------
 * Keys are rebuilt from their PSA material on each call (no cache yet). EC
 * key management and signatures are looked up by name in the private
 * context, whose provider is already loaded. */

struct curve {
    psa_ecc_family_t fam;
    size_t bits;
    int nid;
    const char *name;
};

static const struct curve g_curves[] = {
    {PSA_ECC_FAMILY_SECP_R1, 192, NID_X9_62_prime192v1, "prime192v1"},
    {PSA_ECC_FAMILY_SECP_R1, 224, NID_secp224r1, "secp224r1"},
    {PSA_ECC_FAMILY_SECP_R1, 256, NID_X9_62_prime256v1, "prime256v1"},
    {PSA_ECC_FAMILY_SECP_R1, 384, NID_secp384r1, "secp384r1"},
    {PSA_ECC_FAMILY_SECP_R1, 521, NID_secp521r1, "secp521r1"},
    {PSA_ECC_FAMILY_SECP_K1, 256, NID_secp256k1, "secp256k1"},
    {PSA_ECC_FAMILY_BRAINPOOL_P_R1, 256, NID_brainpoolP256r1, "brainpoolP256r1"},
    {PSA_ECC_FAMILY_BRAINPOOL_P_R1, 384, NID_brainpoolP384r1, "brainpoolP384r1"},
    {PSA_ECC_FAMILY_BRAINPOOL_P_R1, 512, NID_brainpoolP512r1, "brainpoolP512r1"},
    {PSA_ECC_FAMILY_MONTGOMERY, 255, NID_X25519, "X25519"},
    {PSA_ECC_FAMILY_MONTGOMERY, 448, NID_X448, "X448"},
    {PSA_ECC_FAMILY_TWISTED_EDWARDS, 255, NID_ED25519, "ED25519"},
    {PSA_ECC_FAMILY_TWISTED_EDWARDS, 448, NID_ED448, "ED448"},
};

#define N_CURVES (sizeof g_curves / sizeof g_curves[0])
static EC_GROUP *g_groups[N_CURVES];

/* Building a group from its name costs more than an ECDSA verification's
 * bookkeeping, so the Weierstrass groups are built once. */
static void ec_groups_init(void)
{
    for (size_t i = 0; i < N_CURVES; i++) {
        bool weier = g_curves[i].fam != PSA_ECC_FAMILY_MONTGOMERY &&
                     g_curves[i].fam != PSA_ECC_FAMILY_TWISTED_EDWARDS;
        g_groups[i] = weier ? EC_GROUP_new_by_curve_name_ex(g_libctx, NULL, g_curves[i].nid)
                            : NULL;
    }
}

static void ec_groups_free(void)
{
    for (size_t i = 0; i < N_CURVES; i++) {
        EC_GROUP_free(g_groups[i]);
        g_groups[i] = NULL;
    }
}

/* The curve's group, built once by wbe_init (ec_groups_init) and shared
 * read-only; NULL for Montgomery and Edwards curves. */
static const EC_GROUP *curve_group(const struct curve *c)
{
    return g_groups[c - g_curves];
}

static const struct curve *find_curve(psa_key_type_t type, size_t bits)
{
    if (!PSA_KEY_TYPE_IS_ECC(type)) {
        return NULL;
    }
    psa_ecc_family_t fam = PSA_KEY_TYPE_ECC_GET_FAMILY(type);
    for (size_t i = 0; i < sizeof g_curves / sizeof g_curves[0]; i++) {
        if (g_curves[i].fam == fam && g_curves[i].bits == bits) {
            return &g_curves[i];
        }
    }
    return NULL;
}

/* Montgomery and Edwards keys are raw strings (RFC 7748, RFC 8032). */
static bool is_mont(const struct curve *c)
{
    return c->fam == PSA_ECC_FAMILY_MONTGOMERY || c->fam == PSA_ECC_FAMILY_TWISTED_EDWARDS;
}

bool wbe_ecc_supported(psa_key_type_t type, size_t bits)
{
    const struct curve *c = g_ready ? find_curve(type, bits) : NULL;
    return c != NULL && (is_mont(c) || curve_group(c) != NULL);
}

/* The private scalar, constant-time flagged, if in [1, n-1]; else NULL. */
static BIGNUM *priv_scalar(const EC_GROUP *g, const uint8_t *d, size_t n)
{
    BIGNUM *k = BN_secure_new();
    if (k == NULL) {
        return NULL;
    }
    BN_set_flags(k, BN_FLG_CONSTTIME);
    if (BN_bin2bn(d, (int)n, k) == NULL || BN_is_zero(k) ||
        BN_cmp(k, EC_GROUP_get0_order(g)) >= 0) {
        BN_clear_free(k);
        return NULL;
    }
    return k;
}

/* Uncompressed public point of scalar k. */
static psa_status_t point_of(const EC_GROUP *g, const BIGNUM *k, uint8_t *out, size_t size,
                             size_t *len)
{
    EC_POINT *p = EC_POINT_new(g);
    BN_CTX *bc = BN_CTX_new_ex(g_libctx);
    psa_status_t st = PSA_ERROR_INSUFFICIENT_MEMORY;
    if (p != NULL && bc != NULL) {
        size_t l = 0;
        if (EC_POINT_mul(g, p, k, NULL, NULL, bc) == 1) {
            l = EC_POINT_point2oct(g, p, POINT_CONVERSION_UNCOMPRESSED, out, size, bc);
        }
        st = l != 0 ? PSA_SUCCESS : PSA_ERROR_CORRUPTION_DETECTED;
        *len = l;
    }
    EC_POINT_free(p);
    BN_CTX_free(bc);
    ERR_clear_error();
    return st;
}

/* A public point in the PSA format: 0x04 || X || Y, on the curve. */
/* The encoding alone: 0x04 || X || Y of field length flen. */
static psa_status_t point_format(size_t flen, const uint8_t *m, size_t n)
{
    if (n == 1 + flen && (m[0] == 2 || m[0] == 3)) {
        return PSA_ERROR_NOT_SUPPORTED; /* compressed: not a PSA import format */
    }
    return n == 1 + 2 * flen && m[0] == 4 ? PSA_SUCCESS : PSA_ERROR_INVALID_ARGUMENT;
}

static psa_status_t point_check(const EC_GROUP *g, size_t flen, const uint8_t *m, size_t n)
{
    psa_status_t fmt = point_format(flen, m, n);
    if (fmt != PSA_SUCCESS) {
        return fmt;
    }
    EC_POINT *p = EC_POINT_new(g);
    BN_CTX *bc = BN_CTX_new_ex(g_libctx);
    psa_status_t st = PSA_ERROR_INSUFFICIENT_MEMORY;
    if (p != NULL && bc != NULL) {
        st = EC_POINT_oct2point(g, p, m, n, bc) == 1 && !EC_POINT_is_at_infinity(g, p) &&
                     EC_POINT_is_on_curve(g, p, bc) == 1
                 ? PSA_SUCCESS
                 : PSA_ERROR_INVALID_ARGUMENT;
    }
    EC_POINT_free(p);
    BN_CTX_free(bc);
    ERR_clear_error();
    return st;
}

psa_status_t wbe_ecc_check(psa_key_type_t type, size_t bits, const uint8_t *m, size_t n)
{
    const struct curve *c = find_curve(type, bits);
    if (c == NULL) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    size_t flen = WBE_ECC_KEY_BYTES(type, bits);
    if (c->fam == PSA_ECC_FAMILY_TWISTED_EDWARDS && PSA_KEY_TYPE_IS_ECC_PUBLIC_KEY(type)) {
        return wbe_edwards_check_public(bits, m, n); /* a canonical curve point */
    }
    if (is_mont(c)) {
        return n == flen ? PSA_SUCCESS : PSA_ERROR_INVALID_ARGUMENT;
    }
    const EC_GROUP *g = curve_group(c);
    if (g == NULL) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    psa_status_t st;
    if (PSA_KEY_TYPE_IS_ECC_KEY_PAIR(type)) {
        BIGNUM *k = n == flen ? priv_scalar(g, m, n) : NULL;
        st = k != NULL ? PSA_SUCCESS : PSA_ERROR_INVALID_ARGUMENT;
        BN_clear_free(k);
    } else {
        st = point_check(g, flen, m, n);
    }
    return st;
}

psa_status_t wbe_ecc_generate(psa_key_type_t type, size_t bits, uint8_t *out)
{
    const struct curve *c = find_curve(type, bits);
    if (c == NULL || !PSA_KEY_TYPE_IS_ECC_KEY_PAIR(type)) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    size_t flen = WBE_ECC_KEY_BYTES(type, bits);
    if (is_mont(c)) {
        return wbe_random_secret(out, flen);
    }
    const EC_GROUP *g = curve_group(c);
    BIGNUM *k = BN_secure_new();
    BN_CTX *bc = BN_CTX_new_ex(g_libctx);
    psa_status_t st = PSA_ERROR_INSUFFICIENT_MEMORY;
    if (g != NULL && k != NULL && bc != NULL) {
        st = PSA_ERROR_INSUFFICIENT_ENTROPY;
        for (int i = 0; i < 8; i++) {
            if (BN_priv_rand_range_ex(k, EC_GROUP_get0_order(g), 0, bc) != 1) {
                break;
            }
            if (!BN_is_zero(k)) {
                st = BN_bn2binpad(k, out, (int)flen) == (int)flen ? PSA_SUCCESS
                                                                   : PSA_ERROR_CORRUPTION_DETECTED;
                break;
            }
        }
    }
    BN_clear_free(k);
    BN_CTX_free(bc);
    ERR_clear_error();
    return st;
}

psa_status_t wbe_ecc_public(psa_key_type_t type, size_t bits, const uint8_t *m, size_t n,
                            uint8_t *out, size_t out_size, size_t *out_len)
{
    const struct curve *c = find_curve(type, bits);
    if (c == NULL) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    if (PSA_KEY_TYPE_IS_ECC_PUBLIC_KEY(type)) {
        if (out_size < n) {
            return PSA_ERROR_BUFFER_TOO_SMALL;
        }
        memcpy(out, m, n);
        *out_len = n;
        return PSA_SUCCESS;
    }
    psa_status_t st;
    if (is_mont(c)) {
        EVP_PKEY *pk = EVP_PKEY_new_raw_private_key_ex(g_libctx, c->name, NULL, m, n);
        size_t l = out_size;
        if (pk == NULL) {
            st = PSA_ERROR_CORRUPTION_DETECTED;
        } else if (out_size < n) {
            st = PSA_ERROR_BUFFER_TOO_SMALL;
        } else {
            st = EVP_PKEY_get_raw_public_key(pk, out, &l) == 1 ? PSA_SUCCESS
                                                               : PSA_ERROR_CORRUPTION_DETECTED;
            *out_len = l;
        }
        EVP_PKEY_free(pk);
        ERR_clear_error();
        return st;
    }
    size_t need = 1 + 2 * PSA_BITS_TO_BYTES(bits);
    if (out_size < need) {
        return PSA_ERROR_BUFFER_TOO_SMALL;
    }
    const EC_GROUP *g = curve_group(c);
    BIGNUM *k = g != NULL ? priv_scalar(g, m, n) : NULL;
    st = k != NULL ? point_of(g, k, out, out_size, out_len) : PSA_ERROR_CORRUPTION_DETECTED;
    BN_clear_free(k);
    return st;
}

EVP_PKEY *wbe_ossl_fromdata(EVP_PKEY_CTX *ctx, OSSL_PARAM_BLD *b, int selection)
{
    EVP_PKEY *pk = NULL;
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(b);
    if (params == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &pk, selection, params) != 1) {
        pk = NULL;
    }
    if (params != NULL) {
        for (OSSL_PARAM *p = params; p->key != NULL; p++) {
            if (strcmp(p->key, OSSL_PKEY_PARAM_PRIV_KEY) == 0) {
                OPENSSL_cleanse(p->data, p->data_size);
            }
        }
        OSSL_PARAM_free(params);
    }
    return pk;
}

/* An EVP_PKEY for a Weierstrass key: a key pair from the scalar (public
 * point computed), or a public key from the point. */
static EVP_PKEY *weier_pkey(const struct curve *c, bool pair, const uint8_t *m, size_t n)
{
    uint8_t pub[1 + 2 * 66];
    size_t pub_len = 0;
    EVP_PKEY *pk = NULL;
    BIGNUM *k = NULL;
    const EC_GROUP *g = NULL;
    OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(g_libctx, "EC", NULL);
    if (b == NULL || ctx == NULL) {
        goto out;
    }
    if (pair) {
        g = curve_group(c);
        k = g != NULL ? priv_scalar(g, m, n) : NULL;
        if (k == NULL || point_of(g, k, pub, sizeof pub, &pub_len) != PSA_SUCCESS) {
            goto out;
        }
    } else {
        if (n > sizeof pub) {
            goto out;
        }
        memcpy(pub, m, n);
        pub_len = n;
    }
    if (OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, c->name, 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, pub, pub_len) != 1 ||
        (pair && OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_PRIV_KEY, k) != 1)) {
        goto out;
    }
    pk = wbe_ossl_fromdata(ctx, b, pair ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY);
out:
    OSSL_PARAM_BLD_free(b);
    EVP_PKEY_CTX_free(ctx);
    BN_clear_free(k);
    ERR_clear_error();
    return pk;
}

static EVP_PKEY *ecc_pkey(const struct curve *c, psa_key_type_t type, const uint8_t *m, size_t n)
{
    bool pair = PSA_KEY_TYPE_IS_ECC_KEY_PAIR(type);
    if (is_mont(c)) {
        return pair ? EVP_PKEY_new_raw_private_key_ex(g_libctx, c->name, NULL, m, n)
                    : EVP_PKEY_new_raw_public_key_ex(g_libctx, c->name, NULL, m, n);
    }
    return weier_pkey(c, pair, m, n);
}

/* ---- cached key objects ------------------------------------------------------ */

/* The library's form of one key, built once and kept by the core in the key
 * slot: the EVP_PKEY and one context re-initialised for every operation
 * (EVP_PKEY_*_init resets it), so a call on a known key costs what a call
 * on a prepared EVP key does. Used only under the core's lock. */
struct wbe_pkey {
    psa_key_type_t type;
    size_t bits;
    EVP_PKEY *pk;
    EVP_PKEY_CTX *ctx;
};

void wbe_pkey_free(struct wbe_pkey *o)
{
    if (o != NULL) {
        EVP_PKEY_CTX_free(o->ctx);
        EVP_PKEY_free(o->pk); /* clears the key material */
        free(o);
    }
}

static EVP_PKEY *rsa_pkey(psa_key_type_t type, const uint8_t *m, size_t n);

/* The key object of key: the cached one, or a new one left in the cache.
 * NULL if the material does not make a key of its type (the core checked it
 * at import, so this means corruption or memory exhaustion). */
static struct wbe_pkey *key_obj(const struct wbe_key *key)
{
    struct wbe_pkey *o = *key->cache;
    if (o != NULL && o->type == key->type && o->bits == key->bits) {
        return o;
    }
    wbe_pkey_free(o);
    *key->cache = NULL;
    EVP_PKEY *pk = NULL;
    if (PSA_KEY_TYPE_IS_RSA(key->type)) {
        pk = rsa_pkey(key->type, key->m, key->n);
    } else {
        const struct curve *c = find_curve(key->type, key->bits);
        pk = c != NULL ? ecc_pkey(c, key->type, key->m, key->n) : NULL;
    }
    o = pk != NULL ? calloc(1, sizeof *o) : NULL;
    EVP_PKEY_CTX *ctx = o != NULL ? EVP_PKEY_CTX_new_from_pkey(g_libctx, pk, NULL) : NULL;
    if (ctx == NULL) {
        free(o);
        EVP_PKEY_free(pk);
        ERR_clear_error();
        return NULL;
    }
    o->type = key->type;
    o->bits = key->bits;
    o->pk = pk;
    o->ctx = ctx;
    *key->cache = o;
    return o;
}

/* bits2int (RFC 6979 §2.3.2): the leftmost qlen bits of b as an integer. */
static BIGNUM *bits2int(const uint8_t *b, size_t blen, int qlen)
{
    BIGNUM *x = BN_bin2bn(b, (int)blen, NULL);
    if (x != NULL && (int)blen * 8 > qlen && BN_rshift(x, x, (int)blen * 8 - qlen) != 1) {
        BN_free(x);
        return NULL;
    }
    return x;
}

static psa_status_t hmac_once(psa_algorithm_t h, const uint8_t *key, size_t key_len,
                              const uint8_t *const parts[], const size_t lens[], size_t np,
                              uint8_t *out, size_t out_len)
{
    struct wbe_mac *m = NULL;
    psa_status_t st = wbe_mac_new(PSA_ALG_HMAC(h), PSA_KEY_TYPE_HMAC, key, key_len, &m);
    for (size_t i = 0; st == PSA_SUCCESS && i < np; i++) {
        st = wbe_mac_update(m, parts[i], lens[i]);
    }
    if (st == PSA_SUCCESS) {
        st = wbe_mac_finish(m, out, out_len);
    }
    wbe_mac_free(m);
    return st;
}

/* RFC 6979 §3.2: the deterministic nonce k for private key x and hash h1,
 * with HMAC over det_hash. */
static psa_status_t rfc6979_k(const EC_GROUP *g, const BIGNUM *x, const uint8_t *h1,
                              size_t h1_len, psa_algorithm_t det_hash, BIGNUM *k, BN_CTX *bc)
{
    const BIGNUM *q = EC_GROUP_get0_order(g);
    int qlen = BN_num_bits(q);
    size_t rlen = ((size_t)qlen + 7) / 8, hl = PSA_HASH_LENGTH(det_hash);
    uint8_t V[PSA_HASH_MAX_SIZE], K[PSA_HASH_MAX_SIZE], xo[66], ho[66], T[66 + PSA_HASH_MAX_SIZE];
    psa_status_t st = PSA_ERROR_CORRUPTION_DETECTED;
    BIGNUM *z = bits2int(h1, h1_len, qlen);
    if (z == NULL || hl == 0 || rlen > sizeof xo) {
        goto out;
    }
    if (BN_cmp(z, q) >= 0 && BN_sub(z, z, q) != 1) {
        goto out;
    }
    if (BN_bn2binpad(x, xo, (int)rlen) != (int)rlen || BN_bn2binpad(z, ho, (int)rlen) != (int)rlen) {
        goto out;
    }
    memset(V, 0x01, hl);
    memset(K, 0x00, hl);
    for (uint8_t sep = 0; sep < 2; sep++) {
        const uint8_t *p1[] = {V, &sep, xo, ho};
        const size_t l1[] = {hl, 1, rlen, rlen};
        const uint8_t *p2[] = {V};
        const size_t l2[] = {hl};
        st = hmac_once(det_hash, K, hl, p1, l1, 4, K, hl);
        if (st == PSA_SUCCESS) {
            st = hmac_once(det_hash, K, hl, p2, l2, 1, V, hl);
        }
        if (st != PSA_SUCCESS) {
            goto out;
        }
    }
    for (int tries = 0; tries < 64; tries++) {
        size_t tlen = 0;
        while (tlen < rlen) {
            const uint8_t *p2[] = {V};
            const size_t l2[] = {hl};
            st = hmac_once(det_hash, K, hl, p2, l2, 1, V, hl);
            if (st != PSA_SUCCESS) {
                goto out;
            }
            memcpy(T + tlen, V, hl);
            tlen += hl;
        }
        BIGNUM *c = bits2int(T, rlen, qlen);
        if (c == NULL || BN_copy(k, c) == NULL) {
            BN_clear_free(c);
            st = PSA_ERROR_INSUFFICIENT_MEMORY;
            goto out;
        }
        BN_clear_free(c);
        if (!BN_is_zero(k) && BN_cmp(k, q) < 0) {
            st = PSA_SUCCESS;
            goto out;
        }
        static const uint8_t zero = 0;
        const uint8_t *p3[] = {V, &zero};
        const size_t l3[] = {hl, 1};
        const uint8_t *p2[] = {V};
        const size_t l2[] = {hl};
        st = hmac_once(det_hash, K, hl, p3, l3, 2, K, hl);
        if (st == PSA_SUCCESS) {
            st = hmac_once(det_hash, K, hl, p2, l2, 1, V, hl);
        }
        if (st != PSA_SUCCESS) {
            goto out;
        }
    }
    st = PSA_ERROR_CORRUPTION_DETECTED;
out:
    (void)bc;
    BN_free(z);
    OPENSSL_cleanse(V, sizeof V);
    OPENSSL_cleanse(K, sizeof K);
    OPENSSL_cleanse(xo, sizeof xo);
    OPENSSL_cleanse(T, sizeof T);
    return st;
}

/* ECDSA with the RFC 6979 nonce: k from HMAC, k^-1 (constant-time
 * exponentiation) and r = x(kG) mod q here, then s by OpenSSL's blinded
 * signing code (backend_ecdsa_k.c). */
static psa_status_t ecdsa_sign_det(const struct curve *c, const uint8_t *d, size_t n,
                                   const uint8_t *hash, size_t hash_len,
                                   psa_algorithm_t det_hash, uint8_t *sig)
{
    psa_status_t st = PSA_ERROR_INSUFFICIENT_MEMORY;
    size_t flen = PSA_BITS_TO_BYTES(c->bits);
    const EC_GROUP *g = curve_group(c);
    BN_CTX *bc = BN_CTX_new_ex(g_libctx);
    BIGNUM *x = g != NULL ? priv_scalar(g, d, n) : NULL;
    BIGNUM *k = BN_secure_new(), *kinv = BN_secure_new(), *r = BN_new();
    BIGNUM *q2 = BN_new(), *px = BN_new(), *rs = NULL, *ss = NULL;
    EC_POINT *R = g != NULL ? EC_POINT_new(g) : NULL;
    if (g == NULL || bc == NULL || x == NULL || k == NULL || kinv == NULL || r == NULL ||
        q2 == NULL || px == NULL || R == NULL || hash_len > INT_MAX) {
        goto out;
    }
    const BIGNUM *q = EC_GROUP_get0_order(g);
    BN_set_flags(k, BN_FLG_CONSTTIME);
    st = rfc6979_k(g, x, hash, hash_len, det_hash, k, bc);
    if (st != PSA_SUCCESS) {
        goto out;
    }
    st = PSA_ERROR_CORRUPTION_DETECTED;
    if (EC_POINT_mul(g, R, k, NULL, NULL, bc) != 1 ||
        EC_POINT_get_affine_coordinates(g, R, px, NULL, bc) != 1 ||
        BN_nnmod(r, px, q, bc) != 1 || BN_is_zero(r) ||
        BN_copy(q2, q) == NULL || BN_sub_word(q2, 2) != 1 ||
        BN_mod_exp_mont_consttime(kinv, k, q2, q, bc, NULL) != 1 ||
        wbe_ossl_ecdsa_sign_k(g_libctx, c->nid, x, kinv, r, hash, (int)hash_len, &rs, &ss) != 1 ||
        BN_cmp(rs, r) != 0 ||
        BN_bn2binpad(rs, sig, (int)flen) != (int)flen ||
        BN_bn2binpad(ss, sig + flen, (int)flen) != (int)flen) {
        goto out;
    }
    st = PSA_SUCCESS;
out:
    BN_clear_free(x);
    BN_clear_free(k);
    BN_clear_free(kinv);
    BN_free(r);
    BN_free(rs);
    BN_free(ss);
    BN_free(q2);
    BN_free(px);
    EC_POINT_free(R);
    BN_CTX_free(bc);
    ERR_clear_error();
    return st;
}

psa_status_t wbe_ecdsa_sign(const struct wbe_key *key, const uint8_t *hash, size_t hash_len,
                            psa_algorithm_t det_hash, uint8_t *sig)
{
    const struct curve *c = find_curve(key->type, key->bits);
    if (c == NULL || is_mont(c) || !PSA_KEY_TYPE_IS_ECC_KEY_PAIR(key->type)) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    if (det_hash != 0) {
        return ecdsa_sign_det(c, key->m, key->n, hash, hash_len, det_hash, sig);
    }
    size_t flen = PSA_BITS_TO_BYTES(key->bits);
    psa_status_t st = PSA_ERROR_CORRUPTION_DETECTED;
    struct wbe_pkey *o = key_obj(key);
    EVP_PKEY_CTX *ctx = o != NULL ? o->ctx : NULL;
    uint8_t der[160];
    size_t der_len = sizeof der;
    ECDSA_SIG *es = NULL;
    if (ctx != NULL && EVP_PKEY_sign_init(ctx) == 1 &&
        EVP_PKEY_sign(ctx, der, &der_len, hash, hash_len) == 1) {
        const uint8_t *p = der;
        es = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
        if (es != NULL && BN_bn2binpad(ECDSA_SIG_get0_r(es), sig, (int)flen) == (int)flen &&
            BN_bn2binpad(ECDSA_SIG_get0_s(es), sig + flen, (int)flen) == (int)flen) {
            st = PSA_SUCCESS;
        }
    }
    ECDSA_SIG_free(es);
    ERR_clear_error();
    return st;
}

psa_status_t wbe_ecdsa_verify(const struct wbe_key *key, const uint8_t *hash, size_t hash_len,
                              const uint8_t *sig, size_t sig_len)
{
    const struct curve *c = find_curve(key->type, key->bits);
    if (c == NULL || is_mont(c)) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    size_t flen = PSA_BITS_TO_BYTES(key->bits);
    if (sig_len != 2 * flen) {
        return PSA_ERROR_INVALID_SIGNATURE;
    }
    psa_status_t st = PSA_ERROR_INSUFFICIENT_MEMORY;
    struct wbe_pkey *o = key_obj(key);
    EVP_PKEY_CTX *ctx = o != NULL ? o->ctx : NULL;
    ECDSA_SIG *es = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(sig, (int)flen, NULL), *s = BN_bin2bn(sig + flen, (int)flen, NULL);
    uint8_t *der = NULL;
    if (ctx != NULL && es != NULL && r != NULL && s != NULL && ECDSA_SIG_set0(es, r, s) == 1) {
        r = s = NULL; /* owned by es */
        int der_len = i2d_ECDSA_SIG(es, &der);
        if (der_len > 0 && EVP_PKEY_verify_init(ctx) == 1) {
            st = EVP_PKEY_verify(ctx, der, (size_t)der_len, hash, hash_len) == 1
                     ? PSA_SUCCESS
                     : PSA_ERROR_INVALID_SIGNATURE;
        }
    }
    OPENSSL_free(der);
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(es);
    ERR_clear_error();
    return st;
}

psa_status_t wbe_ecdh(const struct wbe_key *key, const uint8_t *peer, size_t peer_len,
                      uint8_t *out)
{
    psa_key_type_t type = key->type;
    size_t bits = key->bits;
    const struct curve *c = find_curve(type, bits);
    if (c == NULL || !PSA_KEY_TYPE_IS_ECC_KEY_PAIR(type) ||
        c->fam == PSA_ECC_FAMILY_TWISTED_EDWARDS) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    psa_key_type_t pub_type = PSA_KEY_TYPE_ECC_PUBLIC_KEY(PSA_KEY_TYPE_ECC_GET_FAMILY(type));
    size_t flen = PSA_BITS_TO_BYTES(bits);
    /* The peer key is parsed once: the format here, the point by OpenSSL
     * (fromdata refuses a point off the curve; set_peer validates it). */
    psa_status_t fmt = is_mont(c) ? (peer_len == flen ? PSA_SUCCESS : PSA_ERROR_INVALID_ARGUMENT)
                                  : point_format(flen, peer, peer_len);
    if (fmt != PSA_SUCCESS) {
        return fmt;
    }
    struct wbe_pkey *o = key_obj(key);
    if (o == NULL) {
        return PSA_ERROR_CORRUPTION_DETECTED;
    }
    EVP_PKEY *pp = ecc_pkey(c, pub_type, peer, peer_len);
    if (pp == NULL) {
        ERR_clear_error();
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    EVP_PKEY_CTX *ctx = o->ctx;
    uint8_t buf[66];
    size_t len = sizeof buf;
    psa_status_t st = PSA_ERROR_CORRUPTION_DETECTED;
    if (EVP_PKEY_derive_init(ctx) == 1) {
        if (EVP_PKEY_derive_set_peer(ctx, pp) != 1 ||
            EVP_PKEY_derive(ctx, buf, &len) != 1 || len != flen) {
            st = PSA_ERROR_INVALID_ARGUMENT; /* e.g. an X25519 low-order point */
        } else {
            memcpy(out, buf, flen);
            st = PSA_SUCCESS;
        }
    }
    OPENSSL_cleanse(buf, sizeof buf);
    EVP_PKEY_free(pp);
    ERR_clear_error();
    return st;
}

/* ---- EdDSA (PureEdDSA, one-shot) -------------------------------------------- */

static psa_status_t eddsa_run(const struct wbe_key *key, const uint8_t *msg, size_t msg_len,
                              uint8_t *sig, const uint8_t *vsig, size_t vsig_len)
{
    psa_key_type_t type = key->type;
    size_t bits = key->bits;
    const struct curve *c = find_curve(type, bits);
    if (c == NULL || c->fam != PSA_ECC_FAMILY_TWISTED_EDWARDS) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    struct wbe_pkey *o = key_obj(key);
    EVP_PKEY *pk = o != NULL ? o->pk : NULL;
    EVP_MD_CTX *mc = EVP_MD_CTX_new();
    psa_status_t st = PSA_ERROR_CORRUPTION_DETECTED;
    if (pk != NULL && mc != NULL) {
        if (sig != NULL) {
            size_t len = 2 * WBE_ECC_KEY_BYTES(type, bits);
            if (EVP_DigestSignInit_ex(mc, NULL, NULL, g_libctx, NULL, pk, NULL) == 1 &&
                EVP_DigestSign(mc, sig, &len, msg, msg_len) == 1 &&
                len == 2 * WBE_ECC_KEY_BYTES(type, bits)) {
                st = PSA_SUCCESS;
            }
        } else if (EVP_DigestVerifyInit_ex(mc, NULL, NULL, g_libctx, NULL, pk, NULL) == 1) {
            st = EVP_DigestVerify(mc, vsig, vsig_len, msg, msg_len) == 1
                     ? PSA_SUCCESS
                     : PSA_ERROR_INVALID_SIGNATURE;
        }
    }
    EVP_MD_CTX_free(mc);
    ERR_clear_error();
    return st;
}

psa_status_t wbe_eddsa_sign(const struct wbe_key *key, const uint8_t *msg, size_t msg_len,
                            uint8_t *sig)
{
    if (!PSA_KEY_TYPE_IS_ECC_KEY_PAIR(key->type)) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    return eddsa_run(key, msg, msg_len, sig, NULL, 0);
}

psa_status_t wbe_eddsa_verify(const struct wbe_key *key, const uint8_t *msg, size_t msg_len,
                              const uint8_t *sig, size_t sig_len)
{
    if (sig_len != 2 * WBE_ECC_KEY_BYTES(key->type, key->bits)) {
        return PSA_ERROR_INVALID_SIGNATURE;
    }
    return eddsa_run(key, msg, msg_len, NULL, sig, sig_len);
}

/* ---- RSA ----------------------------------------------------------------------- */

/* Parse a PSA RSA key strictly: d2i also accepts PKCS#8 and trailing bytes,
 * so the key must re-encode to exactly the input. */
static EVP_PKEY *rsa_pkey(psa_key_type_t type, const uint8_t *m, size_t n)
{
    const uint8_t *p = m;
    bool pair = type == PSA_KEY_TYPE_RSA_KEY_PAIR;
    if (n == 0 || n > (size_t)LONG_MAX) {
        return NULL;
    }
    EVP_PKEY *pk = pair ? d2i_PrivateKey_ex(EVP_PKEY_RSA, NULL, &p, (long)n, g_libctx, NULL)
                        : d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)n);
    if (pk == NULL || p != m + n) {
        EVP_PKEY_free(pk);
        ERR_clear_error();
        return NULL;
    }
    uint8_t *der = NULL;
    int len = pair ? i2d_PrivateKey(pk, &der) : i2d_PublicKey(pk, &der);
    bool same = len > 0 && (size_t)len == n && CRYPTO_memcmp(der, m, n) == 0;
    if (der != NULL) {
        OPENSSL_clear_free(der, len > 0 ? (size_t)len : 0);
    }
    if (!same) {
        EVP_PKEY_free(pk);
        pk = NULL;
    }
    ERR_clear_error();
    return pk;
}

psa_status_t wbe_rsa_check(psa_key_type_t type, const uint8_t *m, size_t n, size_t *bits)
{
    EVP_PKEY *pk = rsa_pkey(type, m, n);
    if (pk == NULL) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    psa_status_t st = PSA_SUCCESS;
    BIGNUM *e = NULL;
    if (EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &e) != 1 || !BN_is_odd(e) ||
        BN_is_one(e)) {
        st = PSA_ERROR_INVALID_ARGUMENT;
    }
    if (st == PSA_SUCCESS && type == PSA_KEY_TYPE_RSA_KEY_PAIR) {
        EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(g_libctx, pk, NULL);
        if (ctx == NULL || EVP_PKEY_pairwise_check(ctx) != 1) {
            st = PSA_ERROR_INVALID_ARGUMENT;
        }
        EVP_PKEY_CTX_free(ctx);
    }
    *bits = (size_t)EVP_PKEY_get_bits(pk);
    BN_free(e);
    EVP_PKEY_free(pk);
    ERR_clear_error();
    return st;
}

psa_status_t wbe_rsa_generate(size_t bits, const uint8_t *e, size_t e_len, uint8_t *out,
                              size_t out_size, size_t *out_len)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(g_libctx, "RSA", NULL);
    EVP_PKEY *pk = NULL;
    BIGNUM *pubexp = e_len != 0 ? BN_bin2bn(e, (int)e_len, NULL) : NULL;
    psa_status_t st = PSA_ERROR_CORRUPTION_DETECTED;
    if (ctx != NULL && (e_len == 0 || pubexp != NULL) && EVP_PKEY_keygen_init(ctx) == 1 &&
        EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, (int)bits) == 1 &&
        (pubexp == NULL || EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx, pubexp) == 1) &&
        EVP_PKEY_generate(ctx, &pk) == 1) {
        uint8_t *der = NULL;
        int len = i2d_PrivateKey(pk, &der);
        if (len <= 0) {
            st = PSA_ERROR_CORRUPTION_DETECTED;
        } else if ((size_t)len > out_size) {
            st = PSA_ERROR_NOT_SUPPORTED;
        } else {
            memcpy(out, der, (size_t)len);
            *out_len = (size_t)len;
            st = PSA_SUCCESS;
        }
        if (der != NULL) {
            OPENSSL_clear_free(der, len > 0 ? (size_t)len : 0);
        }
    }
    EVP_PKEY_free(pk);
    EVP_PKEY_CTX_free(ctx);
    BN_free(pubexp);
    ERR_clear_error();
    return st;
}

psa_status_t wbe_rsa_public(psa_key_type_t type, const uint8_t *m, size_t n, uint8_t *out,
                            size_t out_size, size_t *out_len)
{
    EVP_PKEY *pk = rsa_pkey(type, m, n);
    if (pk == NULL) {
        return PSA_ERROR_CORRUPTION_DETECTED;
    }
    uint8_t *der = NULL;
    int len = i2d_PublicKey(pk, &der);
    psa_status_t st;
    if (len <= 0) {
        st = PSA_ERROR_CORRUPTION_DETECTED;
    } else if ((size_t)len > out_size) {
        st = PSA_ERROR_BUFFER_TOO_SMALL;
    } else {
        memcpy(out, der, (size_t)len);
        *out_len = (size_t)len;
        st = PSA_SUCCESS;
    }
    OPENSSL_free(der);
    EVP_PKEY_free(pk);
    ERR_clear_error();
    return st;
}

/* Padding parameters of a PSA RSA signature algorithm on ctx. */
static bool rsa_sig_params(EVP_PKEY_CTX *ctx, EVP_PKEY *pk, psa_algorithm_t alg, bool verify)
{
    OSSL_PARAM params[5];
    int n = 0, salt = 0;
    char pad_pkcs1[] = "pkcs1", pad_pss[] = "pss", salt_auto[] = "auto";
    psa_algorithm_t h = PSA_ALG_GET_HASH(alg);
    const EVP_MD *md = h != 0 ? find_md(h) : NULL;
    if (h != 0 && md == NULL) {
        return false;
    }
    if (PSA_ALG_IS_RSA_PKCS1V15_SIGN(alg)) {
        params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_SIGNATURE_PARAM_PAD_MODE, pad_pkcs1, 0);
    } else {
        params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_SIGNATURE_PARAM_PAD_MODE, pad_pss, 0);
    }
    if (md != NULL) {
        params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_SIGNATURE_PARAM_DIGEST,
                                                       (char *)EVP_MD_get0_name(md), 0);
    }
    if (PSA_ALG_IS_RSA_PSS(alg)) {
        params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_SIGNATURE_PARAM_MGF1_DIGEST,
                                                       (char *)EVP_MD_get0_name(md), 0);
        if (verify && PSA_ALG_IS_RSA_PSS_ANY_SALT(alg)) {
            params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_SIGNATURE_PARAM_PSS_SALTLEN,
                                                           salt_auto, 0);
        } else {
            /* PSA: the hash length, or the largest that fits (emLen - hLen - 2). */
            int hlen = (int)PSA_HASH_LENGTH(h);
            int em_len = (EVP_PKEY_get_bits(pk) - 1 + 7) / 8;
            salt = em_len - hlen - 2 < hlen ? em_len - hlen - 2 : hlen;
            if (salt < 0) {
                return false;
            }
            params[n++] = OSSL_PARAM_construct_int(OSSL_SIGNATURE_PARAM_PSS_SALTLEN, &salt);
        }
    }
    params[n] = OSSL_PARAM_construct_end();
    return EVP_PKEY_CTX_set_params(ctx, params) == 1;
}

psa_status_t wbe_rsa_sign(const struct wbe_key *key, psa_algorithm_t alg, const uint8_t *hash,
                          size_t hash_len, uint8_t *sig, size_t sig_size, size_t *sig_len)
{
    if (key->type != PSA_KEY_TYPE_RSA_KEY_PAIR) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    struct wbe_pkey *o = key_obj(key);
    EVP_PKEY *pk = o != NULL ? o->pk : NULL;
    EVP_PKEY_CTX *ctx = o != NULL ? o->ctx : NULL;
    psa_status_t st = PSA_ERROR_CORRUPTION_DETECTED;
    size_t k = pk != NULL ? (size_t)EVP_PKEY_get_size(pk) : 0;
    if (ctx != NULL) {
        size_t len = k;
        if (sig_size < k) {
            st = PSA_ERROR_BUFFER_TOO_SMALL;
        } else if (EVP_PKEY_sign_init(ctx) != 1 || !rsa_sig_params(ctx, pk, alg, false)) {
            st = PSA_ERROR_INVALID_ARGUMENT; /* e.g. PSS with a hash too long for the key */
        } else if (EVP_PKEY_sign(ctx, sig, &len, hash, hash_len) != 1) {
            st = PSA_ERROR_INVALID_ARGUMENT; /* e.g. raw input longer than k - 11 */
        } else {
            *sig_len = len;
            st = PSA_SUCCESS;
        }
    }
    ERR_clear_error();
    return st;
}

psa_status_t wbe_rsa_verify(const struct wbe_key *key, psa_algorithm_t alg,
                            const uint8_t *hash, size_t hash_len, const uint8_t *sig,
                            size_t sig_len)
{
    struct wbe_pkey *o = PSA_KEY_TYPE_IS_RSA(key->type) ? key_obj(key) : NULL;
    EVP_PKEY *pk = o != NULL ? o->pk : NULL;
    EVP_PKEY_CTX *ctx = o != NULL ? o->ctx : NULL;
    psa_status_t st = PSA_ERROR_CORRUPTION_DETECTED;
    if (ctx != NULL) {
        if (sig_len != (size_t)EVP_PKEY_get_size(pk)) {
            st = PSA_ERROR_INVALID_SIGNATURE;
        } else if (EVP_PKEY_verify_init(ctx) != 1 || !rsa_sig_params(ctx, pk, alg, true)) {
            st = PSA_ERROR_INVALID_ARGUMENT;
        } else {
            st = EVP_PKEY_verify(ctx, sig, sig_len, hash, hash_len) == 1
                     ? PSA_SUCCESS
                     : PSA_ERROR_INVALID_SIGNATURE;
        }
    }
    ERR_clear_error();
    return st;
}

size_t wbe_rsa_size(const struct wbe_key *key)
{
    struct wbe_pkey *o = PSA_KEY_TYPE_IS_RSA(key->type) ? key_obj(key) : NULL;
    return o != NULL ? (size_t)EVP_PKEY_get_size(o->pk) : 0;
}

psa_status_t wbe_rsa_crypt(const struct wbe_key *key, psa_algorithm_t alg, bool encrypt,
                           const uint8_t *in, size_t in_len, const uint8_t *label,
                           size_t label_len, uint8_t *out, size_t *out_len)
{
    struct wbe_pkey *o = PSA_KEY_TYPE_IS_RSA(key->type) ? key_obj(key) : NULL;
    EVP_PKEY *pk = o != NULL ? o->pk : NULL;
    EVP_PKEY_CTX *ctx = o != NULL ? o->ctx : NULL;
    psa_status_t st = PSA_ERROR_CORRUPTION_DETECTED;
    OSSL_PARAM params[5];
    int np = 0;
    char pad_oaep[] = "oaep", pad_pkcs1[] = "pkcs1";
    if (ctx == NULL) {
        goto out;
    }
    if (PSA_ALG_IS_RSA_OAEP(alg)) {
        const EVP_MD *md = find_md(PSA_ALG_GET_HASH(alg));
        if (md == NULL) {
            st = PSA_ERROR_NOT_SUPPORTED;
            goto out;
        }
        params[np++] = OSSL_PARAM_construct_utf8_string(OSSL_ASYM_CIPHER_PARAM_PAD_MODE, pad_oaep, 0);
        params[np++] = OSSL_PARAM_construct_utf8_string(OSSL_ASYM_CIPHER_PARAM_OAEP_DIGEST,
                                                        (char *)EVP_MD_get0_name(md), 0);
        params[np++] = OSSL_PARAM_construct_utf8_string(OSSL_ASYM_CIPHER_PARAM_MGF1_DIGEST,
                                                        (char *)EVP_MD_get0_name(md), 0);
        if (label_len != 0) {
            params[np++] = OSSL_PARAM_construct_octet_string(OSSL_ASYM_CIPHER_PARAM_OAEP_LABEL,
                                                             (void *)label, label_len);
        }
    } else {
        params[np++] = OSSL_PARAM_construct_utf8_string(OSSL_ASYM_CIPHER_PARAM_PAD_MODE, pad_pkcs1, 0);
    }
    params[np] = OSSL_PARAM_construct_end();
    size_t len = (size_t)EVP_PKEY_get_size(pk);
    if (encrypt) {
        if (EVP_PKEY_encrypt_init_ex(ctx, params) != 1) {
            goto out;
        }
        st = EVP_PKEY_encrypt(ctx, out, &len, in, in_len) == 1 ? PSA_SUCCESS
                                                                : PSA_ERROR_INVALID_ARGUMENT;
    } else {
        if (EVP_PKEY_decrypt_init_ex(ctx, params) != 1) {
            goto out;
        }
        st = EVP_PKEY_decrypt(ctx, out, &len, in, in_len) == 1 ? PSA_SUCCESS
                                                                : PSA_ERROR_INVALID_PADDING;
    }
    if (st == PSA_SUCCESS) {
        *out_len = len;
    }
out:
    ERR_clear_error();
    return st;
}
