/*
 * token_mint.c: a test helper (never installed): builds an RFC 9783 token
 * with Ward's builder under a freshly generated key, and writes the token
 * and the verification key (a PEM public key, or the raw HMAC key), so the
 * CLI tests can check `ward attest verify` against the builder for every
 * algorithm.
 *
 * usage: token_mint ALG TOKEN_OUT KEY_OUT NONCE_HEX
 *   ALG: ES256 ES384 ES512 HS256 HS384 HS512
 */
#include <stdio.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "ward_cose_openssl.h"
#include "ward_token.h"

static int write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(p, 1, n, f) != n) {
        if (f)
            fclose(f);
        return -1;
    }
    return fclose(f);
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int64_t alg;
        const char *curve;
    } algs[] = {{"ES256", WARD_COSE_ALG_ES256, "P-256"}, {"ES384", WARD_COSE_ALG_ES384, "P-384"},
                {"ES512", WARD_COSE_ALG_ES512, "P-521"}, {"HS256", WARD_COSE_ALG_HMAC256, NULL},
                {"HS384", WARD_COSE_ALG_HMAC384, NULL},  {"HS512", WARD_COSE_ALG_HMAC512, NULL}};
    static const uint8_t zeros[32], mv[32] = {3}, sid[32] = {4};
    uint8_t nonce[64], ueid[33] = {0x01, 0xaa}, tok[2048];
    size_t nonce_len = 0, len;
    struct ward_cose_key k;
    struct ward_cose_crypto c;
    struct ward_token_claims cl;
    struct ward_token_error err;
    size_t i;

    if (argc != 5)
        return fprintf(stderr, "usage: token_mint ALG TOKEN_OUT KEY_OUT NONCE_HEX\n"), 2;
    for (i = 0; i < sizeof(algs) / sizeof(algs[0]) && strcmp(algs[i].name, argv[1]); i++)
        ;
    if (i == sizeof(algs) / sizeof(algs[0]))
        return fprintf(stderr, "token_mint: unknown algorithm %s\n", argv[1]), 2;
    for (const char *h = argv[4]; h[0] && h[1] && nonce_len < sizeof(nonce); h += 2) {
        unsigned v;
        if (sscanf(h, "%2x", &v) != 1)
            return 2;
        nonce[nonce_len++] = (uint8_t)v;
    }

    memset(&k, 0, sizeof(k));
    if (algs[i].curve != NULL) {
        k.pkey = EVP_EC_gen(algs[i].curve);
        BIO *bio = BIO_new(BIO_s_mem());
        char *pem;
        if (k.pkey == NULL || bio == NULL || !PEM_write_bio_PUBKEY(bio, k.pkey))
            return 2;
        long n = BIO_get_mem_data(bio, &pem);
        if (write_file(argv[3], pem, (size_t)n) != 0)
            return 2;
        BIO_free(bio);
    } else {
        k.hmac_len = 64;
        if (RAND_bytes(k.hmac, 64) != 1 || write_file(argv[3], k.hmac, 64) != 0)
            return 2;
    }
    ward_cose_openssl_crypto(&c, &k);

    memset(&cl, 0, sizeof(cl));
    cl.profile = WARD_TOKEN_PROFILE_RFC9783;
    cl.present = WARD_HAS_NONCE | WARD_HAS_INSTANCE_ID | WARD_HAS_IMPLEMENTATION_ID |
                 WARD_HAS_CLIENT_ID | WARD_HAS_LIFECYCLE | WARD_HAS_SW_COMPONENTS;
    cl.nonce = (struct ward_token_bytes){nonce, nonce_len};
    cl.instance_id = (struct ward_token_bytes){ueid, sizeof(ueid)};
    cl.implementation_id = (struct ward_token_bytes){zeros, 32};
    cl.client_id = -2;
    cl.security_lifecycle = 0x3000;
    cl.n_sw_components = 1;
    cl.sw_components[0].present = WARD_SWC_HAS_TYPE | WARD_SWC_HAS_VALUE | WARD_SWC_HAS_SIGNER_ID;
    cl.sw_components[0].measurement_type = (struct ward_token_text){"App", 3};
    cl.sw_components[0].measurement_value = (struct ward_token_bytes){mv, 32};
    cl.sw_components[0].signer_id = (struct ward_token_bytes){sid, 32};
    psa_status_t st = ward_token_build(&cl, algs[i].alg, NULL, 0, &c, tok, sizeof(tok), &len, &err);
    ward_cose_key_free(&k);
    if (st != PSA_SUCCESS)
        return fprintf(stderr, "token_mint: build failed (%d): %s\n", (int)st, err.msg), 1;
    return write_file(argv[2], tok, len) == 0 ? 0 : 2;
}
