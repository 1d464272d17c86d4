/*
 * bench_evp.c: the operations of bench_psa.c done directly with OpenSSL 3
 * EVP, the way a careful application would: algorithms fetched once,
 * contexts and keys set up once, only the per-message calls in the loop.
 * This is the floor Ward's PSA layer is measured against.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rsa.h>

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static unsigned char g_in[65536], g_out[65536 + 64];
static const size_t g_sizes[] = {64, 1024, 65536};
static EVP_MD *g_md;
static EVP_MD_CTX *g_mdctx;
static EVP_CIPHER_CTX *g_gcm;
static EVP_MAC_CTX *g_hmac, *g_cmac;
static EVP_PKEY_CTX *g_sign, *g_derive, *g_rsa, *g_keygen;
static EVP_PKEY *g_ed25519;
static EVP_MD_CTX *g_edctx;
static unsigned char g_sig[80], g_rsa_sig[256], g_peer_pub[65];
static size_t g_sig_len, g_rsa_sig_len, g_peer_pub_len;
static const size_t g_hash_size[] = {32};

enum kind {
    K_SHA256, K_GCM, K_HMAC, K_CMAC, K_ECDSA_SIGN, K_ECDSA_VERIFY, K_ECDH, K_ED25519_SIGN,
    K_RSA_SIGN, K_RSA_VERIFY, K_P256_KEYGEN, K_P256_KEYGEN_PUB
};

/* The peer's public key arrives as bytes, as it does for PSA's
 * psa_raw_key_agreement: make it a key object on every call. */
static EVP_PKEY *peer_from_octets(void)
{
    char group[] = "P-256";
    OSSL_PARAM p[] = {OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
                      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, g_peer_pub,
                                                        g_peer_pub_len),
                      OSSL_PARAM_construct_end()};
    EVP_PKEY *pk = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, p) != 1) {
        pk = NULL;
    }
    EVP_PKEY_CTX_free(ctx);
    return pk;
}

static int derive_once(void)
{
    size_t l = sizeof g_out;
    EVP_PKEY *peer = peer_from_octets();
    int ok = peer != NULL && EVP_PKEY_derive_init(g_derive) == 1 &&
             EVP_PKEY_derive_set_peer(g_derive, peer) == 1 &&
             EVP_PKEY_derive(g_derive, g_out, &l) == 1;
    EVP_PKEY_free(peer);
    return ok;
}

static int keygen_once(int with_public)
{
    EVP_PKEY *pk = NULL;
    size_t l;
    int ok = EVP_PKEY_generate(g_keygen, &pk) == 1 &&
             (!with_public || EVP_PKEY_get_octet_string_param(pk, OSSL_PKEY_PARAM_PUB_KEY, g_out,
                                                              sizeof g_out, &l) == 1);
    EVP_PKEY_free(pk);
    return ok;
}

static int one(enum kind k, size_t n)
{
    static unsigned char nonce[12], tag[16];
    unsigned int ul;
    size_t l;
    int il;
    switch (k) {
    case K_SHA256:
        return EVP_DigestInit_ex2(g_mdctx, g_md, NULL) && EVP_DigestUpdate(g_mdctx, g_in, n) &&
               EVP_DigestFinal_ex(g_mdctx, g_out, &ul);
    case K_GCM:
        return EVP_EncryptInit_ex2(g_gcm, NULL, NULL, nonce, NULL) &&
               EVP_EncryptUpdate(g_gcm, g_out, &il, g_in, (int)n) &&
               EVP_EncryptFinal_ex(g_gcm, g_out + il, &il) &&
               EVP_CIPHER_CTX_ctrl(g_gcm, EVP_CTRL_AEAD_GET_TAG, 16, tag);
    case K_HMAC:
        return EVP_MAC_init(g_hmac, NULL, 0, NULL) && EVP_MAC_update(g_hmac, g_in, n) &&
               EVP_MAC_final(g_hmac, g_out, &l, sizeof g_out);
    case K_CMAC:
        return EVP_MAC_init(g_cmac, NULL, 0, NULL) && EVP_MAC_update(g_cmac, g_in, n) &&
               EVP_MAC_final(g_cmac, g_out, &l, sizeof g_out);
    case K_ECDSA_SIGN: /* DER out: PSA's raw r || s conversion is not counted */
        l = sizeof g_out;
        return EVP_PKEY_sign_init(g_sign) == 1 && EVP_PKEY_sign(g_sign, g_out, &l, g_in, n) == 1;
    case K_ECDSA_VERIFY:
        return EVP_PKEY_verify_init(g_sign) == 1 &&
               EVP_PKEY_verify(g_sign, g_sig, g_sig_len, g_in, n) == 1;
    case K_ECDH:
        return derive_once();
    case K_ED25519_SIGN: /* one-shot only: a DigestSignInit per message */
        l = sizeof g_out;
        return EVP_DigestSignInit_ex(g_edctx, NULL, NULL, NULL, NULL, g_ed25519, NULL) == 1 &&
               EVP_DigestSign(g_edctx, g_out, &l, g_in, n) == 1;
    case K_RSA_SIGN:
        l = sizeof g_out;
        return EVP_PKEY_sign_init(g_rsa) == 1 &&
               EVP_PKEY_CTX_set_rsa_padding(g_rsa, RSA_PKCS1_PADDING) == 1 &&
               EVP_PKEY_CTX_set_signature_md(g_rsa, g_md) == 1 &&
               EVP_PKEY_sign(g_rsa, g_out, &l, g_in, n) == 1;
    case K_RSA_VERIFY:
        return EVP_PKEY_verify_init(g_rsa) == 1 &&
               EVP_PKEY_CTX_set_rsa_padding(g_rsa, RSA_PKCS1_PADDING) == 1 &&
               EVP_PKEY_CTX_set_signature_md(g_rsa, g_md) == 1 &&
               EVP_PKEY_verify(g_rsa, g_rsa_sig, g_rsa_sig_len, g_in, n) == 1;
    case K_P256_KEYGEN:
        return keygen_once(0);
    case K_P256_KEYGEN_PUB:
        return keygen_once(1);
    }
    return 0;
}

static void run_sizes(const char *name, enum kind k, const size_t *sizes, size_t n_sizes)
{
    for (size_t i = 0; i < n_sizes; i++) {
        size_t n = sizes[i];
        if (!one(k, n)) {
            printf("%s %zu n/a\n", name, n);
            continue;
        }
        unsigned long iters = 1;
        double t;
        for (;;) {
            double t0 = now_ns();
            for (unsigned long j = 0; j < iters; j++) {
                one(k, n);
            }
            t = now_ns() - t0;
            if (t > 5e7) {
                break;
            }
            iters *= 2;
        }
        iters = (unsigned long)((double)iters * 5e7 / t) + 1;
        double best = 1e30;
        for (int r = 0; r < 9; r++) {
            double t0 = now_ns();
            for (unsigned long j = 0; j < iters; j++) {
                one(k, n);
            }
            double per = (now_ns() - t0) / (double)iters;
            best = per < best ? per : best;
        }
        printf("%s %zu %.1f\n", name, n, best);
    }
}

static void run(const char *name, enum kind k)
{
    run_sizes(name, k, g_sizes, sizeof g_sizes / sizeof g_sizes[0]);
}

int main(void)
{
    static const unsigned char key[32] = {1, 2, 3};
    memset(g_in, 0x5a, sizeof g_in);
    g_md = EVP_MD_fetch(NULL, "SHA256", NULL);
    g_mdctx = EVP_MD_CTX_new();
    EVP_CIPHER *gcm = EVP_CIPHER_fetch(NULL, "AES-128-GCM", NULL);
    g_gcm = EVP_CIPHER_CTX_new();
    EVP_EncryptInit_ex2(g_gcm, gcm, key, NULL, NULL);
    EVP_MAC *hmac = EVP_MAC_fetch(NULL, "HMAC", NULL), *cmac = EVP_MAC_fetch(NULL, "CMAC", NULL);
    OSSL_PARAM hp[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA256", 0),
                       OSSL_PARAM_construct_end()};
    OSSL_PARAM cp[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, "AES-128-CBC", 0),
                       OSSL_PARAM_construct_end()};
    g_hmac = EVP_MAC_CTX_new(hmac);
    g_cmac = EVP_MAC_CTX_new(cmac);
    if (!g_md || !gcm || !EVP_MAC_init(g_hmac, key, 32, hp) || !EVP_MAC_init(g_cmac, key, 16, cp)) {
        fprintf(stderr, "OpenSSL setup failed\n");
        return 1;
    }
    run("sha256", K_SHA256);
    run("aes128gcm", K_GCM);
    run("hmacsha256", K_HMAC);
    run("cmacaes128", K_CMAC);
    /* P-256 keys built once; one context per operation, re-initialised per call. */
    EVP_PKEY *sk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    EVP_PKEY *dk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    EVP_PKEY *peer = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    g_sign = sk ? EVP_PKEY_CTX_new_from_pkey(NULL, sk, NULL) : NULL;
    g_derive = dk ? EVP_PKEY_CTX_new_from_pkey(NULL, dk, NULL) : NULL;
    g_sig_len = sizeof g_sig;
    if (!g_sign || !g_derive || !peer || EVP_PKEY_sign_init(g_sign) != 1 ||
        EVP_PKEY_sign(g_sign, g_sig, &g_sig_len, g_in, 32) != 1 ||
        EVP_PKEY_get_octet_string_param(peer, OSSL_PKEY_PARAM_PUB_KEY, g_peer_pub,
                                        sizeof g_peer_pub, &g_peer_pub_len) != 1) {
        fprintf(stderr, "OpenSSL EC setup failed\n");
        return 1;
    }
    run_sizes("ecdsap256sign", K_ECDSA_SIGN, g_hash_size, 1);
    run_sizes("ecdsap256verify", K_ECDSA_VERIFY, g_hash_size, 1);
    run_sizes("ecdhp256", K_ECDH, g_hash_size, 1);
    static const size_t msg64[] = {64};
    g_ed25519 = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    g_edctx = EVP_MD_CTX_new();
    EVP_PKEY *rk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    g_rsa = rk ? EVP_PKEY_CTX_new_from_pkey(NULL, rk, NULL) : NULL;
    g_rsa_sig_len = sizeof g_rsa_sig;
    g_keygen = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (!g_ed25519 || !g_edctx || !g_rsa || EVP_PKEY_sign_init(g_rsa) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(g_rsa, RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_CTX_set_signature_md(g_rsa, g_md) != 1 ||
        EVP_PKEY_sign(g_rsa, g_rsa_sig, &g_rsa_sig_len, g_in, 32) != 1 || !g_keygen ||
        EVP_PKEY_keygen_init(g_keygen) != 1 ||
        EVP_PKEY_CTX_set_group_name(g_keygen, "P-256") != 1) {
        fprintf(stderr, "OpenSSL Ed25519/RSA/keygen setup failed\n");
        return 1;
    }
    run_sizes("ed25519sign", K_ED25519_SIGN, msg64, 1);
    run_sizes("rsa2048sign", K_RSA_SIGN, g_hash_size, 1);
    run_sizes("rsa2048verify", K_RSA_VERIFY, g_hash_size, 1);
    run_sizes("p256keygen", K_P256_KEYGEN, g_hash_size, 1);
    run_sizes("p256keygenpub", K_P256_KEYGEN_PUB, g_hash_size, 1);
    return 0;
}
