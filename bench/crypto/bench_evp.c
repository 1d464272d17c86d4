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
static EVP_PKEY_CTX *g_sign, *g_derive;
static EVP_PKEY *g_peer;
static unsigned char g_sig[80];
static size_t g_sig_len;
static const size_t g_hash_size[] = {32};

enum kind { K_SHA256, K_GCM, K_HMAC, K_CMAC, K_ECDSA_SIGN, K_ECDSA_VERIFY, K_ECDH };

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
        l = sizeof g_out;
        return EVP_PKEY_derive_init(g_derive) == 1 &&
               EVP_PKEY_derive_set_peer(g_derive, g_peer) == 1 &&
               EVP_PKEY_derive(g_derive, g_out, &l) == 1;
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
    g_peer = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    g_sign = sk ? EVP_PKEY_CTX_new_from_pkey(NULL, sk, NULL) : NULL;
    g_derive = dk ? EVP_PKEY_CTX_new_from_pkey(NULL, dk, NULL) : NULL;
    g_sig_len = sizeof g_sig;
    if (!g_sign || !g_derive || !g_peer || EVP_PKEY_sign_init(g_sign) != 1 ||
        EVP_PKEY_sign(g_sign, g_sig, &g_sig_len, g_in, 32) != 1) {
        fprintf(stderr, "OpenSSL EC setup failed\n");
        return 1;
    }
    run_sizes("ecdsap256sign", K_ECDSA_SIGN, g_hash_size, 1);
    run_sizes("ecdsap256verify", K_ECDSA_VERIFY, g_hash_size, 1);
    run_sizes("ecdhp256", K_ECDH, g_hash_size, 1);
    return 0;
}
