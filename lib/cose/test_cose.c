/*
 * Tests of COSE_Sign1 / COSE_Mac0: the RFC 9783 examples verify; every byte
 * of their protected header, payload and signature flipped in turn is
 * rejected; each malformed envelope is rejected with its reason; round trips
 * through the builder with OpenSSL-generated keys for every algorithm.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "ward_cose.h"
#include "ward_cose_openssl.h"

static size_t read_vector(const char *name, uint8_t *buf, size_t cap)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", WARD_COSE_VECTORS, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, cap, f);
    assert_true(feof(f));
    fclose(f);
    return n;
}

static void load_key(const char *name, struct ward_cose_key *k)
{
    uint8_t buf[4096];
    char why[128];
    size_t n = read_vector(name, buf, sizeof(buf));
    assert_int_equal(ward_cose_key_load(k, buf, n, why, sizeof(why)), PSA_SUCCESS);
}

static psa_status_t parse_verify(const uint8_t *tok, size_t len, struct ward_cose_key *k,
                                 struct ward_cose_msg *m)
{
    struct ward_cose_crypto c;
    ward_cose_openssl_crypto(&c, k);
    psa_status_t st = ward_cose_parse(tok, len, m);
    if (st != PSA_SUCCESS)
        return st;
    return ward_cose_verify(m, &c);
}

static void test_rfc_examples(void **state)
{
    (void)state;
    uint8_t tok[1024];
    struct ward_cose_key k;
    struct ward_cose_msg m;

    size_t n = read_vector("psa-sign1.cbor", tok, sizeof(tok));
    assert_int_equal(n, 332);
    load_key("tfm-es-iak.pem", &k); /* a private key: its public half is used */
    assert_int_equal(parse_verify(tok, n, &k, &m), PSA_SUCCESS);
    assert_int_equal(m.kind, WARD_COSE_SIGN1);
    assert_int_equal(m.alg, WARD_COSE_ALG_ES256);
    assert_int_equal(m.payload_len, 256);
    assert_null(m.kid);
    ward_cose_key_free(&k);
    load_key("tfm-es-iak-pub.pem", &k);
    assert_int_equal(parse_verify(tok, n, &k, &m), PSA_SUCCESS);
    ward_cose_key_free(&k);
    load_key("tfm-es-iak-cert.pem", &k); /* a certificate for the same key */
    assert_int_equal(parse_verify(tok, n, &k, &m), PSA_SUCCESS);
    ward_cose_key_free(&k);
    /* Another P-256 key: the signature does not verify. */
    load_key("other-p256-pub.pem", &k);
    assert_int_equal(parse_verify(tok, n, &k, &m), PSA_ERROR_INVALID_SIGNATURE);
    assert_non_null(strstr(m.why, "does not verify"));
    ward_cose_key_free(&k);
    /* A key that does not fit ES256. */
    load_key("other-p384-pub.pem", &k);
    assert_int_equal(parse_verify(tok, n, &k, &m), PSA_ERROR_NOT_SUPPORTED);
    ward_cose_key_free(&k);
    load_key("tfm-hs-iak.bin", &k);
    assert_int_equal(parse_verify(tok, n, &k, &m), PSA_ERROR_NOT_SUPPORTED);

    n = read_vector("psa-mac0.cbor", tok, sizeof(tok));
    assert_int_equal(parse_verify(tok, n, &k, &m), PSA_SUCCESS);
    assert_int_equal(m.kind, WARD_COSE_MAC0);
    assert_int_equal(m.alg, WARD_COSE_ALG_HMAC256);
    ward_cose_key_free(&k);
    load_key("tfm-es-iak-pub.pem", &k);
    assert_int_equal(parse_verify(tok, n, &k, &m), PSA_ERROR_NOT_SUPPORTED);
    ward_cose_key_free(&k);
    /* A different HMAC key. */
    memset(&k, 0, sizeof(k));
    k.hmac_len = 64;
    assert_int_equal(parse_verify(tok, n, &k, &m), PSA_ERROR_INVALID_SIGNATURE);
}

/* Flip each bit pattern 0x01 and 0x80 of each byte in [from, to) and expect
 * rejection (parse or verify). */
static void flip_range(uint8_t *tok, size_t n, size_t from, size_t to,
                       struct ward_cose_key *k)
{
    struct ward_cose_msg m;
    for (size_t i = from; i < to; i++) {
        static const uint8_t masks[] = {0x01, 0x80, 0xff};
        for (size_t j = 0; j < sizeof(masks); j++) {
            tok[i] ^= masks[j];
            psa_status_t st = parse_verify(tok, n, k, &m);
            if (st == PSA_SUCCESS)
                fail_msg("flipping byte %zu with 0x%02x still verifies", i, masks[j]);
            tok[i] ^= masks[j];
        }
    }
    assert_int_equal(parse_verify(tok, n, k, &m), PSA_SUCCESS);
}

static void flip_all(const char *token, const char *key)
{
    uint8_t tok[1024];
    struct ward_cose_key k;
    struct ward_cose_msg m;
    size_t n = read_vector(token, tok, sizeof(tok));
    load_key(key, &k);
    assert_int_equal(parse_verify(tok, n, &k, &m), PSA_SUCCESS);
    size_t prot = (size_t)(m.protected_hdr - tok);
    size_t pay = (size_t)(m.payload - tok);
    size_t sig = (size_t)(m.sig - tok);
    size_t prot_len = m.protected_len, pay_len = m.payload_len, sig_len = m.sig_len;
    flip_range(tok, n, prot, prot + prot_len, &k);
    flip_range(tok, n, pay, pay + pay_len, &k);
    flip_range(tok, n, sig, sig + sig_len, &k);
    /* And the envelope bytes around them, for good measure. */
    flip_range(tok, n, 0, prot, &k);
    ward_cose_key_free(&k);
}

static void test_flip_sign1(void **state)
{
    (void)state;
    flip_all("psa-sign1.cbor", "tfm-es-iak-pub.pem");
}

static void test_flip_mac0(void **state)
{
    (void)state;
    flip_all("psa-mac0.cbor", "tfm-hs-iak.bin");
}

/* ---- malformed envelopes ------------------------------------------------ */

static psa_status_t parse_hex(const char *hex, struct ward_cose_msg *m)
{
    uint8_t buf[256];
    size_t n = 0;
    for (; hex[0] && hex[1]; hex += 2) {
        unsigned v;
        if (sscanf(hex, "%2x", &v) != 1)
            fail();
        buf[n++] = (uint8_t)v;
    }
    return ward_cose_parse(buf, n, m);
}

/* 64 bytes of signature as hex */
#define SIG64 "5840" "0000000000000000000000000000000000000000000000000000000000000000" \
                     "0000000000000000000000000000000000000000000000000000000000000000"

static void test_parse_errors(void **state)
{
    (void)state;
    static const struct {
        const char *hex;
        psa_status_t st;
        const char *why;
    } cases[] = {
        /* the shape that parses */
        {"d28443a10126a0" "41a0" SIG64, PSA_SUCCESS, ""},
        /* kid in the unprotected header, text label in the protected one */
        {"d28447a2012661781801a104420102" "41a0" SIG64, PSA_SUCCESS, ""},
        {"8443a10126a041a0" SIG64, PSA_ERROR_INVALID_ARGUMENT, "not a tagged"},
        {"d08443a10126a041a0" SIG64, PSA_ERROR_INVALID_ARGUMENT, "tag 16"},
        {"d28343a10126a041a0", PSA_ERROR_INVALID_ARGUMENT, "4-element"},
        {"d2a0", PSA_ERROR_INVALID_ARGUMENT, "4-element"},
        {"d284a10126a041a0" SIG64, PSA_ERROR_INVALID_ARGUMENT, "not a bstr"},
        {"d2844101a041a0" SIG64, PSA_ERROR_INVALID_ARGUMENT, "not a map"},
        {"d2844180a041a0" SIG64, PSA_ERROR_INVALID_ARGUMENT, "not a map"},
        {"d2844101" "00" "41a0" SIG64, PSA_ERROR_INVALID_ARGUMENT, "not a map"},
        {"d28440a041a0" SIG64, PSA_ERROR_INVALID_ARGUMENT, "no algorithm"},
        {"d28441a0a041a0" SIG64, PSA_ERROR_INVALID_ARGUMENT, "no algorithm"},
        {"d28443a10127a041a0" SIG64, PSA_ERROR_NOT_SUPPORTED, "-8 is not supported"},
        {"d28443a10160a041a0" SIG64, PSA_ERROR_INVALID_ARGUMENT, "not an integer"},
        {"d28443a10105a041a0" SIG64, PSA_ERROR_INVALID_ARGUMENT, "does not belong"},
        {"d18443a10126a041a0" SIG64, PSA_ERROR_INVALID_ARGUMENT, "does not belong"},
        {"d28446a20126028101a041a0" SIG64, PSA_ERROR_NOT_SUPPORTED, "crit"},
        {"d28443a10126a10126" "41a0" SIG64, PSA_ERROR_INVALID_ARGUMENT, "also protected"},
        {"d28443a10126a1028101" "41a0" SIG64, PSA_ERROR_INVALID_ARGUMENT, "crit (2) must"},
        {"d28443a10126a10401" "41a0" SIG64, PSA_ERROR_INVALID_ARGUMENT, "kid (4)"},
        {"d28443a1012680" "41a0" SIG64, PSA_ERROR_INVALID_ARGUMENT, "unprotected header is not"},
        {"d28443a10126a0" "f6" SIG64, PSA_ERROR_INVALID_ARGUMENT, "detached"},
        {"d28443a10126a0" "61a0" SIG64, PSA_ERROR_INVALID_ARGUMENT, "malformed CBOR"},
        {"d28443a10126a0" "41a0" "6100", PSA_ERROR_INVALID_ARGUMENT, "signature is not"},
        {"d28443a10126a0" "41a0" "4100", PSA_ERROR_INVALID_ARGUMENT, "1 bytes, ES256 needs 64"},
        {"d28443a10126a0" "41a0" SIG64 "00", PSA_ERROR_INVALID_ARGUMENT, "trailing"},
        {"d28443a10126a0" "41a0" "5f4100ff", PSA_ERROR_INVALID_ARGUMENT, "indefinite"},
        {"d18443a10105a041a0" "4100", PSA_ERROR_INVALID_ARGUMENT, "tag is 1 bytes"},
        /* 17 integer labels in the protected header: more than Ward tracks */
        {"d28458" "25" "b1" "0126" "0a00" "0b00" "0c00" "0d00" "0e00" "0f00" "1000" "1100"
         "1200" "1300" "1400" "1500" "1600" "1700" "181800" "181900" "a041a0" SIG64,
         PSA_ERROR_INVALID_ARGUMENT, "more than 16 parameters"},
        /* a protected header that is itself malformed CBOR */
        {"d28444a1012600a0" "41a0" SIG64, PSA_ERROR_INVALID_ARGUMENT, "protected header: malformed"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct ward_cose_msg m;
        psa_status_t st = parse_hex(cases[i].hex, &m);
        if (st != cases[i].st || strstr(m.why, cases[i].why) == NULL)
            fail_msg("case %zu: status %d, why \"%s\"", i, (int)st, m.why);
    }
    struct ward_cose_msg m;
    assert_int_equal(parse_hex("d28447a2012661781801a104420102" "41a0" SIG64, &m),
                     PSA_SUCCESS);
    assert_int_equal(m.kid_len, 2);
    assert_int_equal(m.kid[1], 2);
    assert_int_equal(ward_cose_parse(NULL, 0, NULL), PSA_ERROR_INVALID_ARGUMENT);
}

/* ---- building ----------------------------------------------------------- */

struct payload {
    const uint8_t *bytes;
    size_t n;
    int calls; /* to simulate a callback that is not deterministic */
    bool flaky;
};

static psa_status_t put_payload(void *ctx, struct ward_cbor_enc *e)
{
    struct payload *p = ctx;
    p->calls++;
    if (p->flaky && p->calls > 2)
        return ward_cbor_put_raw(e, p->bytes, p->n - 1);
    return ward_cbor_put_raw(e, p->bytes, p->n);
}

static void round_trip(int64_t alg, struct ward_cose_key *k, const uint8_t *kid,
                       size_t kid_len)
{
    static const uint8_t claims[] = {0xa2, 0x0a, 0x43, 1, 2, 3, 0x19, 0x09, 0x5a, 0x20};
    struct payload p = {claims, sizeof(claims), 0, false};
    struct ward_cose_crypto c;
    struct ward_cose_msg m;
    uint8_t buf[512];
    size_t size, len;

    ward_cose_openssl_crypto(&c, k);
    assert_int_equal(ward_cose_build_size(alg, kid_len, put_payload, &p, &size),
                     PSA_SUCCESS);
    assert_int_equal(ward_cose_build(alg, kid, kid_len, put_payload, &p, &c, buf,
                                     size - 1, &len),
                     PSA_ERROR_BUFFER_TOO_SMALL);
    assert_int_equal(len, 0);
    assert_int_equal(ward_cose_build(alg, kid, kid_len, put_payload, &p, &c, buf,
                                     sizeof(buf), &len),
                     PSA_SUCCESS);
    assert_int_equal(len, size);
    assert_int_equal(ward_cose_parse(buf, len, &m), PSA_SUCCESS);
    assert_int_equal(m.alg, alg);
    assert_int_equal(m.kid_len, kid_len);
    assert_memory_equal(m.payload, claims, sizeof(claims));
    assert_int_equal(ward_cose_verify(&m, &c), PSA_SUCCESS);
    /* The last byte of the signature flipped fails. */
    buf[len - 1] ^= 1;
    assert_int_equal(ward_cose_parse(buf, len, &m), PSA_SUCCESS);
    assert_int_equal(ward_cose_verify(&m, &c), PSA_ERROR_INVALID_SIGNATURE);
}

static void test_round_trip(void **state)
{
    (void)state;
    static const struct {
        int64_t alg;
        const char *curve;
    } ec[] = {{WARD_COSE_ALG_ES256, "P-256"},
              {WARD_COSE_ALG_ES384, "P-384"},
              {WARD_COSE_ALG_ES512, "P-521"}};
    static const uint8_t kid[32] = {1, 2, 3};
    for (size_t i = 0; i < 3; i++) {
        struct ward_cose_key k;
        memset(&k, 0, sizeof(k));
        k.pkey = EVP_EC_gen(ec[i].curve);
        assert_non_null(k.pkey);
        round_trip(ec[i].alg, &k, NULL, 0);
        round_trip(ec[i].alg, &k, kid, sizeof(kid));
        ward_cose_key_free(&k);
    }
    static const int64_t hmacs[] = {WARD_COSE_ALG_HMAC256, WARD_COSE_ALG_HMAC384,
                                    WARD_COSE_ALG_HMAC512};
    for (size_t i = 0; i < 3; i++) {
        struct ward_cose_key k;
        memset(&k, 0, sizeof(k));
        k.hmac_len = 48;
        memset(k.hmac, 0x5a, k.hmac_len);
        round_trip(hmacs[i], &k, NULL, 0);
        round_trip(hmacs[i], &k, kid, 8);
    }
}

static void test_build_errors(void **state)
{
    (void)state;
    uint8_t claims[] = {0xa0};
    struct payload p = {claims, 1, 0, false};
    struct ward_cose_key k;
    struct ward_cose_crypto c;
    uint8_t buf[256];
    size_t len, size;

    memset(&k, 0, sizeof(k));
    k.hmac_len = 32;
    ward_cose_openssl_crypto(&c, &k);
    assert_int_equal(ward_cose_build(-8, NULL, 0, put_payload, &p, &c, buf, sizeof(buf), &len),
                     PSA_ERROR_NOT_SUPPORTED);
    assert_int_equal(ward_cose_build_size(-8, 0, put_payload, &p, &size),
                     PSA_ERROR_NOT_SUPPORTED);
    assert_int_equal(ward_cose_build(WARD_COSE_ALG_HMAC256, NULL, 0, NULL, &p, &c, buf,
                                     sizeof(buf), &len),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(ward_cose_build(WARD_COSE_ALG_HMAC256, NULL, 3, put_payload, &p, &c,
                                     buf, sizeof(buf), &len),
                     PSA_ERROR_INVALID_ARGUMENT);
    /* The key does not fit the algorithm: the sign callback's error. */
    assert_int_equal(ward_cose_build(WARD_COSE_ALG_ES256, NULL, 0, put_payload, &p, &c,
                                     buf, sizeof(buf), &len),
                     PSA_ERROR_NOT_SUPPORTED);
    struct ward_cose_crypto nosign = {NULL, NULL, NULL};
    assert_int_equal(ward_cose_build(WARD_COSE_ALG_HMAC256, NULL, 0, put_payload, &p,
                                     &nosign, buf, sizeof(buf), &len),
                     PSA_ERROR_NOT_SUPPORTED);
    struct ward_cose_msg m;
    memset(&m, 0, sizeof(m));
    assert_int_equal(ward_cose_verify(&m, &nosign), PSA_ERROR_NOT_SUPPORTED);
    assert_int_equal(ward_cose_verify(&m, &c), PSA_ERROR_INVALID_ARGUMENT);
    /* A payload callback that writes different bytes the second time. */
    uint8_t two[] = {0x82, 0x00};
    struct payload flaky = {two, 2, 0, true};
    assert_int_equal(ward_cose_build(WARD_COSE_ALG_HMAC256, NULL, 0, put_payload, &flaky,
                                     &c, buf, sizeof(buf), &len),
                     PSA_ERROR_GENERIC_ERROR);
    assert_string_equal(ward_cose_alg_name(WARD_COSE_ALG_ES512), "ES512");
    assert_string_equal(ward_cose_alg_name(0), "unknown");
    assert_int_equal(ward_cose_sig_len(0), 0);
}

static void test_key_load(void **state)
{
    (void)state;
    struct ward_cose_key k;
    char why[160], desc[32];
    static const char bad_pem[] = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
    assert_int_equal(ward_cose_key_load(&k, (const uint8_t *)bad_pem, sizeof(bad_pem) - 1,
                                        why, sizeof(why)),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(why, "PEM"));
    assert_int_equal(ward_cose_key_load(&k, (const uint8_t *)"", 0, why, sizeof(why)),
                     PSA_ERROR_INVALID_ARGUMENT);
    static uint8_t big[WARD_COSE_HMAC_KEY_MAX + 1];
    assert_int_equal(ward_cose_key_load(&k, big, sizeof(big), why, sizeof(why)),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(ward_cose_key_load(&k, big, 16, why, sizeof(why)), PSA_SUCCESS);
    assert_string_equal(ward_cose_key_describe(&k, desc, sizeof(desc)), "HMAC (16 bytes)");
    ward_cose_key_free(&k);
    /* An Ed25519 key is PEM but not a supported type. */
    EVP_PKEY *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    assert_non_null(ed);
    BIO *bio = BIO_new(BIO_s_mem());
    assert_true(PEM_write_bio_PUBKEY(bio, ed));
    char *pem;
    long n = BIO_get_mem_data(bio, &pem);
    assert_int_equal(ward_cose_key_load(&k, (const uint8_t *)pem, (size_t)n, why, sizeof(why)),
                     PSA_ERROR_NOT_SUPPORTED);
    BIO_free(bio);
    EVP_PKEY_free(ed);
    load_key("other-p384-pub.pem", &k);
    assert_string_equal(ward_cose_key_describe(&k, desc, sizeof(desc)), "EC P-384");
    ward_cose_key_free(&k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc_examples),
        cmocka_unit_test(test_flip_sign1),
        cmocka_unit_test(test_flip_mac0),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_build_errors),
        cmocka_unit_test(test_key_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
