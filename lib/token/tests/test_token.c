/*
 * Tests of the token library: the RFC 9783 examples verify end to end; each
 * claim rule of each profile is broken in turn and reported with its claim
 * key; the builder round-trips through OpenSSL-generated keys with an exact,
 * fixed size and refuses claims that break a rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/evp.h>

#include "ward_cose_openssl.h"
#include "ward_token.h"

static size_t read_vector(const char *name, uint8_t *buf, size_t cap)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", WARD_TOKEN_VECTORS, name);
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

static const uint8_t nonce01[32] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};

static void test_rfc_examples(void **state)
{
    (void)state;
    static const struct {
        const char *token, *key;
    } ex[] = {{"psa-sign1.cbor", "tfm-es-iak.pem"}, {"psa-mac0.cbor", "tfm-hs-iak.bin"}};
    for (size_t i = 0; i < 2; i++) {
        uint8_t tok[1024];
        struct ward_cose_key k;
        struct ward_cose_crypto c;
        struct ward_cose_msg m;
        struct ward_token_claims cl;
        struct ward_token_error err;
        size_t n = read_vector(ex[i].token, tok, sizeof(tok));
        load_key(ex[i].key, &k);
        ward_cose_openssl_crypto(&c, &k);
        assert_int_equal(ward_token_verify(tok, n, &c, NULL, 0, &m, &cl, &err), PSA_SUCCESS);
        assert_int_equal(cl.profile, WARD_TOKEN_PROFILE_RFC9783);
        assert_int_equal(cl.client_id, 2147483647);
        assert_int_equal(cl.security_lifecycle, 0x3000);
        assert_string_equal(ward_token_lifecycle_name(cl.security_lifecycle), "secured");
        assert_int_equal(cl.n_sw_components, 1);
        assert_int_equal(cl.sw_components[0].measurement_type.len, 4);
        assert_memory_equal(cl.sw_components[0].measurement_type.p, "PRoT", 4);
        assert_int_equal(cl.boot_seed.len, 8);
        assert_int_equal(cl.boot_seed_key, WARD_CLAIM_BOOT_SEED);
        assert_int_equal(cl.instance_id.len, 33);
        assert_false(cl.present & (WARD_HAS_CERT_REF | WARD_HAS_VSI));
        /* The right nonce, and a wrong one. */
        assert_int_equal(ward_token_verify(tok, n, &c, nonce01, 32, &m, &cl, &err),
                         PSA_SUCCESS);
        uint8_t other[32];
        memcpy(other, nonce01, 32);
        other[31] = 2;
        assert_int_equal(ward_token_verify(tok, n, &c, other, 32, &m, &cl, &err),
                         PSA_ERROR_INVALID_ARGUMENT);
        assert_string_equal(err.msg, "claim 10 (nonce): does not match the expected nonce");
        assert_int_equal(ward_token_verify(tok, n, &c, nonce01, 31, &m, &cl, &err),
                         PSA_ERROR_INVALID_ARGUMENT);
        /* A flipped signature byte. */
        tok[n - 1] ^= 1;
        assert_int_equal(ward_token_verify(tok, n, &c, NULL, 0, &m, &cl, &err),
                         PSA_ERROR_INVALID_SIGNATURE);
        assert_non_null(strstr(err.msg, "does not verify"));
        assert_int_equal(err.claim, 0);
        ward_cose_key_free(&k);
    }
}

/* ---- claims sets written entry by entry --------------------------------- */

enum kind { END = 0, BYTES, TEXT, INT, RAW };
struct entry {
    int64_t key;
    enum kind kind;
    const void *p;
    size_t n;
    int64_t v;
};

static const uint8_t zeros[64];
static const uint8_t ueid[33] = {0x01, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
                                 2,    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2};
/* [{1: "BL", 2: h'00'*32, 5: h'00'*32}] */
static uint8_t swc_one[80];
static size_t swc_one_len;

static void make_swc(void)
{
    struct ward_cbor_enc e;
    ward_cbor_enc_init(&e, swc_one, sizeof(swc_one));
    ward_cbor_put_array(&e, 1);
    ward_cbor_put_map(&e, 3);
    ward_cbor_put_int(&e, 1);
    ward_cbor_put_tstr_z(&e, "BL");
    ward_cbor_put_int(&e, 2);
    ward_cbor_put_bstr(&e, zeros, 32);
    ward_cbor_put_int(&e, 5);
    ward_cbor_put_bstr(&e, zeros, 32);
    assert_int_equal(ward_cbor_enc_finish(&e), PSA_SUCCESS);
    swc_one_len = ward_cbor_enc_len(&e);
}

#define NBASE 10
static struct entry base_rfc[NBASE], base_v2[NBASE], base_p1[NBASE];

static void make_bases(void)
{
    make_swc();
    const struct entry rfc[] = {
        {265, TEXT, WARD_TOKEN_PROFILE_RFC9783_NAME, 33, 0},
        {10, BYTES, nonce01, 32, 0},
        {256, BYTES, ueid, 33, 0},
        {2396, BYTES, zeros, 32, 0},
        {2394, INT, NULL, 0, -1},
        {2395, INT, NULL, 0, 0x3000},
        {2399, RAW, swc_one, 0, 0},
    };
    const struct entry v2[] = {
        {265, TEXT, WARD_TOKEN_PROFILE_PSA_2_0_0_NAME, 24, 0},
        {10, BYTES, nonce01, 32, 0},
        {256, BYTES, ueid, 33, 0},
        {2396, BYTES, zeros, 32, 0},
        {2394, INT, NULL, 0, 1},
        {2395, INT, NULL, 0, 0x4001},
        {2397, BYTES, zeros, 32, 0},
        {2399, RAW, swc_one, 0, 0},
    };
    const struct entry p1[] = {
        {-75000, TEXT, WARD_TOKEN_PROFILE_IOT_1_NAME, 17, 0},
        {-75008, BYTES, nonce01, 32, 0},
        {-75009, BYTES, ueid, 33, 0},
        {-75003, BYTES, zeros, 32, 0},
        {-75001, INT, NULL, 0, -3},
        {-75002, INT, NULL, 0, 0x3000},
        {-75004, BYTES, zeros, 32, 0},
        {-75006, RAW, swc_one, 0, 0},
    };
    memset(base_rfc, 0, sizeof(base_rfc));
    memset(base_v2, 0, sizeof(base_v2));
    memset(base_p1, 0, sizeof(base_p1));
    memcpy(base_rfc, rfc, sizeof(rfc));
    memcpy(base_v2, v2, sizeof(v2));
    memcpy(base_p1, p1, sizeof(p1));
    for (size_t i = 0; i < NBASE; i++) {
        if (base_rfc[i].kind == RAW) base_rfc[i].n = swc_one_len;
        if (base_v2[i].kind == RAW) base_v2[i].n = swc_one_len;
        if (base_p1[i].kind == RAW) base_p1[i].n = swc_one_len;
    }
}

static void put_entry(struct ward_cbor_enc *e, const struct entry *x)
{
    ward_cbor_put_int(e, x->key);
    switch (x->kind) {
    case BYTES: ward_cbor_put_bstr(e, x->p, x->n); break;
    case TEXT: ward_cbor_put_tstr(e, x->p, x->n); break;
    case INT: ward_cbor_put_int(e, x->v); break;
    case RAW: ward_cbor_put_raw(e, x->p, x->n); break;
    case END: break;
    }
}

/* Encode base with `change` applied: an entry with the same key replaces
 * the base's (kind END removes it); other keys are appended. */
static size_t encode_set(const struct entry *base, const struct entry *change,
                         uint8_t *buf, size_t cap)
{
    struct entry all[NBASE + 8];
    size_t n = 0;
    for (size_t i = 0; i < NBASE && base[i].kind != END; i++)
        all[n++] = base[i];
    for (const struct entry *c = change; c && c->key != 0; c++) {
        size_t i;
        for (i = 0; i < n && all[i].key != c->key; i++)
            ;
        if (i == n)
            all[n++] = *c;
        else
            all[i] = *c;
    }
    size_t live = 0;
    for (size_t i = 0; i < n; i++)
        live += all[i].kind != END;
    struct ward_cbor_enc e;
    ward_cbor_enc_init(&e, buf, cap);
    ward_cbor_put_map(&e, live);
    for (size_t i = 0; i < n; i++)
        if (all[i].kind != END)
            put_entry(&e, &all[i]);
    assert_int_equal(ward_cbor_enc_finish(&e), PSA_SUCCESS);
    return ward_cbor_enc_len(&e);
}

static psa_status_t check_set(const struct entry *base, const struct entry *change,
                              struct ward_token_claims *c, struct ward_token_error *err)
{
    static uint8_t buf[8192];
    size_t n = encode_set(base, change, buf, sizeof(buf));
    return ward_token_check_claims(buf, n, c, err);
}

/* A software components array holding one component built from parts:
 * swc(nkeys, key, kind, pointer, length (BYTES/TEXT) or value (INT), ...). */
static uint8_t swc_buf[400];
static size_t swc_n;
static void swc(int nkeys, ...)
{
    struct ward_cbor_enc e;
    va_list ap;
    ward_cbor_enc_init(&e, swc_buf, sizeof(swc_buf));
    ward_cbor_put_array(&e, 1);
    ward_cbor_put_map(&e, (uint64_t)nkeys);
    va_start(ap, nkeys);
    for (int i = 0; i < nkeys; i++) {
        struct entry x = {0};
        x.key = va_arg(ap, int);
        x.kind = (enum kind)va_arg(ap, int);
        if (x.kind == INT) {
            x.v = va_arg(ap, int);
        } else {
            x.p = va_arg(ap, const void *);
            x.n = va_arg(ap, size_t);
        }
        put_entry(&e, &x);
    }
    va_end(ap);
    assert_int_equal(ward_cbor_enc_finish(&e), PSA_SUCCESS);
    swc_n = ward_cbor_enc_len(&e);
}

struct rule_case {
    const char *name;
    const struct entry *base;
    struct entry change[3];
    psa_status_t st;
    const char *msg; /* exact message, or NULL to skip */
};

static void run_cases(const struct rule_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct ward_token_claims c;
        struct ward_token_error err;
        psa_status_t st = check_set(cases[i].base, cases[i].change, &c, &err);
        if (st != cases[i].st ||
            (cases[i].msg != NULL && strcmp(err.msg, cases[i].msg) != 0))
            fail_msg("%s: status %d, message \"%s\"", cases[i].name, (int)st, err.msg);
    }
}

static void test_bases_pass(void **state)
{
    (void)state;
    struct ward_token_claims c;
    struct ward_token_error err;
    assert_int_equal(check_set(base_rfc, NULL, &c, &err), PSA_SUCCESS);
    assert_int_equal(c.profile, WARD_TOKEN_PROFILE_RFC9783);
    assert_int_equal(c.client_id, -1);
    assert_int_equal(check_set(base_v2, NULL, &c, &err), PSA_SUCCESS);
    assert_int_equal(c.profile, WARD_TOKEN_PROFILE_PSA_2_0_0);
    assert_int_equal(c.boot_seed_key, WARD_CLAIM_BOOT_SEED_LEGACY);
    assert_int_equal(c.security_lifecycle, 0x4001);
    assert_string_equal(ward_token_lifecycle_name(c.security_lifecycle), "non-PSA-RoT debug");
    assert_int_equal(check_set(base_p1, NULL, &c, &err), PSA_SUCCESS);
    assert_int_equal(c.profile, WARD_TOKEN_PROFILE_IOT_1);
    assert_int_equal(c.client_id, -3);
    assert_true(c.present & WARD_HAS_PROFILE);
    /* P1 without its optional profile claim is still recognised. */
    const struct entry no_profile[] = {{-75000, END, NULL, 0, 0}, {0}};
    assert_int_equal(check_set(base_p1, no_profile, &c, &err), PSA_SUCCESS);
    assert_int_equal(c.profile, WARD_TOKEN_PROFILE_IOT_1);
    assert_false(c.present & WARD_HAS_PROFILE);
}

#define X(...) {__VA_ARGS__}
static void test_rfc_rules(void **state)
{
    (void)state;
    static const uint8_t ueid02[33] = {0x02};
    const struct rule_case cases[] = {
        {"nonce missing", base_rfc, X({10, END}), PSA_ERROR_INVALID_ARGUMENT,
         "claim 10 (nonce): missing (mandatory)"},
        {"nonce 31", base_rfc, X({10, BYTES, zeros, 31}), PSA_ERROR_INVALID_ARGUMENT,
         "claim 10 (nonce): 31 bytes, must be 32, 48 or 64"},
        {"nonce 48", base_rfc, X({10, BYTES, zeros, 48}), PSA_SUCCESS, NULL},
        {"nonce 64", base_rfc, X({10, BYTES, zeros, 64}), PSA_SUCCESS, NULL},
        {"nonce 33", base_rfc, X({10, BYTES, zeros, 33}), PSA_ERROR_INVALID_ARGUMENT, NULL},
        {"nonce text", base_rfc, X({10, TEXT, "x", 1}), PSA_ERROR_INVALID_ARGUMENT,
         "claim 10 (nonce): expected a byte string, found a text string"},
        {"nonce array", base_rfc, X({10, RAW, "\x81\x40", 2}), PSA_ERROR_INVALID_ARGUMENT,
         "claim 10 (nonce): an array of nonces is not allowed (one nonce only)"},
        {"ueid missing", base_rfc, X({256, END}), PSA_ERROR_INVALID_ARGUMENT,
         "claim 256 (instance ID): missing (mandatory)"},
        {"ueid 32", base_rfc, X({256, BYTES, ueid, 32}), PSA_ERROR_INVALID_ARGUMENT,
         "claim 256 (instance ID): 32 bytes, must be 33"},
        {"ueid type", base_rfc, X({256, BYTES, ueid02, 33}), PSA_ERROR_INVALID_ARGUMENT,
         "claim 256 (instance ID): first byte 0x02, must be 0x01 (UEID type RAND)"},
        {"impl missing", base_rfc, X({2396, END}), PSA_ERROR_INVALID_ARGUMENT,
         "claim 2396 (implementation ID): missing (mandatory)"},
        {"impl 33", base_rfc, X({2396, BYTES, zeros, 33}), PSA_ERROR_INVALID_ARGUMENT,
         "claim 2396 (implementation ID): 33 bytes, must be 32"},
        {"client missing", base_rfc, X({2394, END}), PSA_ERROR_INVALID_ARGUMENT,
         "claim 2394 (client ID): missing (mandatory)"},
        {"client 0", base_rfc, X({2394, INT, NULL, 0, 0}), PSA_ERROR_INVALID_ARGUMENT,
         "claim 2394 (client ID): value 0 is not a valid client ID"},
        {"client max", base_rfc, X({2394, INT, NULL, 0, INT32_MAX}), PSA_SUCCESS, NULL},
        {"client min", base_rfc, X({2394, INT, NULL, 0, INT32_MIN}), PSA_SUCCESS, NULL},
        {"client big", base_rfc, X({2394, INT, NULL, 0, 2147483648}),
         PSA_ERROR_INVALID_ARGUMENT,
         "claim 2394 (client ID): value 2147483648 is out of range (-2^31..2^31-1)"},
        {"client small", base_rfc, X({2394, INT, NULL, 0, -2147483649LL}),
         PSA_ERROR_INVALID_ARGUMENT, NULL},
        {"client huge", base_rfc, X({2394, RAW, "\x3b\xff\xff\xff\xff\xff\xff\xff\xff", 9}),
         PSA_ERROR_INVALID_ARGUMENT,
         "claim 2394 (client ID): value is out of range (-2^31..2^31-1)"},
        {"client text", base_rfc, X({2394, TEXT, "1", 1}), PSA_ERROR_INVALID_ARGUMENT,
         "claim 2394 (client ID): expected an integer, found a text string"},
        {"lifecycle missing", base_rfc, X({2395, END}), PSA_ERROR_INVALID_ARGUMENT,
         "claim 2395 (security lifecycle): missing (mandatory)"},
        {"lifecycle 0x7000", base_rfc, X({2395, INT, NULL, 0, 0x7000}),
         PSA_ERROR_INVALID_ARGUMENT,
         "claim 2395 (security lifecycle): value 0x7000 is not a valid state"},
        {"lifecycle 0x0100", base_rfc, X({2395, INT, NULL, 0, 0x0100}),
         PSA_ERROR_INVALID_ARGUMENT,
         "claim 2395 (security lifecycle): value 0x0100 is not a valid state"},
        {"lifecycle 0x3100", base_rfc, X({2395, INT, NULL, 0, 0x3100}),
         PSA_ERROR_INVALID_ARGUMENT, NULL},
        {"lifecycle 0x10000", base_rfc, X({2395, INT, NULL, 0, 0x13000}),
         PSA_ERROR_INVALID_ARGUMENT,
         "claim 2395 (security lifecycle): value 0x13000 is not a valid state"},
        {"lifecycle negative", base_rfc, X({2395, INT, NULL, 0, -1}),
         PSA_ERROR_INVALID_ARGUMENT,
         "claim 2395 (security lifecycle): expected an unsigned integer, found a negative "
         "integer"},
        {"lifecycle 0x00ff", base_rfc, X({2395, INT, NULL, 0, 0x00ff}), PSA_SUCCESS, NULL},
        {"lifecycle 0x60ff", base_rfc, X({2395, INT, NULL, 0, 0x60ff}), PSA_SUCCESS, NULL},
        {"lifecycle 0x6100", base_rfc, X({2395, INT, NULL, 0, 0x6100}),
         PSA_ERROR_INVALID_ARGUMENT, NULL},
        {"boot seed 7", base_rfc, X({268, BYTES, zeros, 7}), PSA_ERROR_INVALID_ARGUMENT,
         "claim 268 (boot seed): 7 bytes, must be 8 to 32"},
        {"boot seed 33", base_rfc, X({268, BYTES, zeros, 33}), PSA_ERROR_INVALID_ARGUMENT,
         "claim 268 (boot seed): 33 bytes, must be 8 to 32"},
        {"boot seed 8", base_rfc, X({268, BYTES, zeros, 8}), PSA_SUCCESS, NULL},
        {"boot seed 32", base_rfc, X({268, BYTES, zeros, 32}), PSA_SUCCESS, NULL},
        /* 2397 is just an unknown claim in the RFC profile. */
        {"legacy boot seed ignored", base_rfc, X({2397, TEXT, "x", 1}), PSA_SUCCESS, NULL},
        {"cert ref ok", base_rfc, X({2398, TEXT, "1234567890123-12345", 19}), PSA_SUCCESS,
         NULL},
        {"cert ref ean13", base_rfc, X({2398, TEXT, "1234567890123", 13}),
         PSA_ERROR_INVALID_ARGUMENT,
         "claim 2398 (certification reference): \"1234567890123\" does not match "
         "[0-9]{13}-[0-9]{5}"},
        {"cert ref letter", base_rfc, X({2398, TEXT, "123456789012a-12345", 19}),
         PSA_ERROR_INVALID_ARGUMENT, NULL},
        {"cert ref sep", base_rfc, X({2398, TEXT, "1234567890123_12345", 19}),
         PSA_ERROR_INVALID_ARGUMENT, NULL},
        {"cert ref long", base_rfc, X({2398, TEXT, "1234567890123-123456", 20}),
         PSA_ERROR_INVALID_ARGUMENT, NULL},
        {"cert ref bytes", base_rfc, X({2398, BYTES, zeros, 19}), PSA_ERROR_INVALID_ARGUMENT,
         "claim 2398 (certification reference): expected a text string, found a byte string"},
        {"vsi ok", base_rfc, X({2400, TEXT, "https://veraison.example", 24}), PSA_SUCCESS,
         NULL},
        {"vsi empty", base_rfc, X({2400, TEXT, "", 0}), PSA_ERROR_INVALID_ARGUMENT,
         "claim 2400 (verification service indicator): empty string"},
        {"profile missing", base_rfc, X({265, END}), PSA_ERROR_INVALID_ARGUMENT,
         "claim 265 (profile): missing, and the token has no PSA_IOT_PROFILE_1 claims "
         "either"},
        {"profile unknown", base_rfc, X({265, TEXT, "tag:example.com,2024:x", 22}),
         PSA_ERROR_NOT_SUPPORTED,
         "claim 265 (profile): \"tag:example.com,2024:x\" is not a supported profile"},
        {"profile legacy tag", base_rfc,
         X({265, TEXT, "tag:psacertified.org,2019:psa#legacy", 36}), PSA_ERROR_NOT_SUPPORTED,
         NULL},
        {"profile not text", base_rfc, X({265, INT, NULL, 0, 1}), PSA_ERROR_INVALID_ARGUMENT,
         "claim 265 (profile): expected a text string, found an unsigned integer"},
        {"swc missing", base_rfc, X({2399, END}), PSA_ERROR_INVALID_ARGUMENT,
         "claim 2399 (software components): missing (mandatory)"},
        {"swc empty", base_rfc, X({2399, RAW, "\x80", 1}), PSA_ERROR_INVALID_ARGUMENT,
         "claim 2399 (software components): empty array (at least one component is "
         "required)"},
        {"swc map", base_rfc, X({2399, RAW, "\xa0", 1}), PSA_ERROR_INVALID_ARGUMENT,
         "claim 2399 (software components): expected an array, found a map"},
        {"swc element", base_rfc, X({2399, RAW, "\x81\x01", 2}), PSA_ERROR_INVALID_ARGUMENT,
         "claim 2399 (software components): component 0 is an unsigned integer, not a "
         "map"},
        /* Unknown claims, integer or text keyed, are ignored. */
        {"unknown claims", base_rfc,
         X({-75002, INT, NULL, 0, 0x7000}, {99999, RAW, "\xa1\x01\x80", 3}),
         PSA_SUCCESS, NULL},
    };
    run_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_swc_rules(void **state)
{
    (void)state;
    struct {
        const char *name;
        psa_status_t st;
        const char *msg;
    } expect[8];
    const uint8_t *sets[8];
    size_t lens[8];
    size_t n = 0;

#define ADD(nm, st_, msg_, ...)                                                    \
    do {                                                                       \
        swc(__VA_ARGS__);                                                      \
        static uint8_t copy[400];                                              \
        lens[n] = swc_n;                                                       \
        memcpy(copy, swc_buf, lens[n]);                                        \
        sets[n] = copy;                                                        \
        expect[n].name = nm;                                                   \
        expect[n].st = st_;                                                    \
        expect[n].msg = msg_;                                                  \
        n++;                                                                   \
    } while (0)

    ADD("value missing", PSA_ERROR_INVALID_ARGUMENT,
        "claim 2399 (software components): component 0: measurement value (2) is missing",
        1, 5, BYTES, zeros, (size_t)32);
    ADD("value 20", PSA_ERROR_INVALID_ARGUMENT,
        "claim 2399 (software components): component 0: measurement value (2) is 20 "
        "bytes, must be 32, 48 or 64",
        2, 2, BYTES, zeros, (size_t)20, 5, BYTES, zeros, (size_t)32);
    ADD("signer missing", PSA_ERROR_INVALID_ARGUMENT,
        "claim 2399 (software components): component 0: signer ID (5) is missing",
        1, 2, BYTES, zeros, (size_t)32);
    ADD("signer 31", PSA_ERROR_INVALID_ARGUMENT,
        "claim 2399 (software components): component 0: signer ID (5) is 31 bytes, "
        "must be 32, 48 or 64",
        2, 2, BYTES, zeros, (size_t)64, 5, BYTES, zeros, (size_t)31);
    ADD("type not text", PSA_ERROR_INVALID_ARGUMENT,
        "claim 2399 (software components): component 0: key 1 is a byte string, "
        "expected a text string",
        3, 1, BYTES, zeros, (size_t)2, 2, BYTES, zeros, (size_t)32, 5, BYTES, zeros,
        (size_t)32);
    ADD("all fields, 48-byte hashes, unknown key 3 ignored", PSA_SUCCESS, NULL, 6, 1, TEXT,
        "PRoT", (size_t)4, 2, BYTES, zeros, (size_t)48, 3, INT, 7, 4, TEXT, "1.2.3",
        (size_t)5, 5, BYTES, zeros, (size_t)48, 6, TEXT, "sha-384", (size_t)7);
    ADD("version not text", PSA_ERROR_INVALID_ARGUMENT, NULL, 3, 2, BYTES, zeros,
        (size_t)32, 5, BYTES, zeros, (size_t)32, 4, INT, 1);
#undef ADD
    for (size_t i = 0; i < n; i++) {
        struct entry change[] = {{2399, RAW, sets[i], lens[i], 0}, {0}};
        struct ward_token_claims c;
        struct ward_token_error err;
        psa_status_t st = check_set(base_rfc, change, &c, &err);
        if (st != expect[i].st || (expect[i].msg && strcmp(err.msg, expect[i].msg) != 0))
            fail_msg("%s: status %d, message \"%s\"", expect[i].name, (int)st, err.msg);
    }
    /* Components parsed in full. */
    struct entry change[] = {{2399, RAW, sets[5], lens[5], 0}, {0}};
    struct ward_token_claims c;
    struct ward_token_error err;
    assert_int_equal(check_set(base_rfc, change, &c, &err), PSA_SUCCESS);
    assert_int_equal(c.sw_components[0].present,
                     WARD_SWC_HAS_TYPE | WARD_SWC_HAS_VALUE | WARD_SWC_HAS_VERSION |
                         WARD_SWC_HAS_SIGNER_ID | WARD_SWC_HAS_DESC);
    assert_int_equal(c.sw_components[0].version.len, 5);
    assert_int_equal(c.sw_components[0].measurement_desc.len, 7);

    /* More components than the model holds. */
    uint8_t many[4096];
    struct ward_cbor_enc e;
    ward_cbor_enc_init(&e, many, sizeof(many));
    ward_cbor_put_array(&e, WARD_TOKEN_MAX_SW_COMPONENTS + 1);
    for (int i = 0; i <= WARD_TOKEN_MAX_SW_COMPONENTS; i++)
        ward_cbor_put_raw(&e, swc_one + 1, swc_one_len - 1);
    assert_int_equal(ward_cbor_enc_finish(&e), PSA_SUCCESS);
    struct entry toomany[] = {{2399, RAW, many, ward_cbor_enc_len(&e), 0}, {0}};
    assert_int_equal(check_set(base_rfc, toomany, &c, &err), PSA_ERROR_INVALID_ARGUMENT);
    assert_string_equal(err.msg, "claim 2399 (software components): 33 components, Ward "
                                 "accepts at most 32");
    /* Exactly the maximum is fine. */
    ward_cbor_enc_init(&e, many, sizeof(many));
    ward_cbor_put_array(&e, WARD_TOKEN_MAX_SW_COMPONENTS);
    for (int i = 0; i < WARD_TOKEN_MAX_SW_COMPONENTS; i++)
        ward_cbor_put_raw(&e, swc_one + 1, swc_one_len - 1);
    struct entry max[] = {{2399, RAW, many, ward_cbor_enc_len(&e), 0}, {0}};
    assert_int_equal(check_set(base_rfc, max, &c, &err), PSA_SUCCESS);
    assert_int_equal(c.n_sw_components, WARD_TOKEN_MAX_SW_COMPONENTS);
}

static void test_v2_rules(void **state)
{
    (void)state;
    const struct rule_case cases[] = {
        {"268 instead of 2397", base_v2, X({2397, END}, {268, BYTES, zeros, 32}),
         PSA_SUCCESS, NULL},
        {"both boot seeds", base_v2, X({268, BYTES, zeros, 32}), PSA_ERROR_INVALID_ARGUMENT,
         "claim 268 (boot seed): boot seed given twice (keys 268 and 2397)"},
        {"legacy boot seed 7", base_v2, X({2397, BYTES, zeros, 7}),
         PSA_ERROR_INVALID_ARGUMENT, "claim 2397 (boot seed): 7 bytes, must be 8 to 32"},
        {"no boot seed", base_v2, X({2397, END}), PSA_SUCCESS, NULL},
        {"cert ref ean13", base_v2, X({2398, TEXT, "1234567890123", 13}), PSA_SUCCESS, NULL},
        {"cert ref ean13-5", base_v2, X({2398, TEXT, "1234567890123-12345", 19}),
         PSA_SUCCESS, NULL},
        {"cert ref bad", base_v2, X({2398, TEXT, "12345", 5}), PSA_ERROR_INVALID_ARGUMENT,
         "claim 2398 (certification reference): \"12345\" does not match [0-9]{13} or "
         "[0-9]{13}-[0-9]{5}"},
        {"nonce 16", base_v2, X({10, BYTES, zeros, 16}), PSA_ERROR_INVALID_ARGUMENT,
         "claim 10 (nonce): 16 bytes, must be 32, 48 or 64"},
        {"client 0", base_v2, X({2394, INT, NULL, 0, 0}), PSA_ERROR_INVALID_ARGUMENT, NULL},
        {"swc missing", base_v2, X({2399, END}), PSA_ERROR_INVALID_ARGUMENT, NULL},
        {"lifecycle 0x7000", base_v2, X({2395, INT, NULL, 0, 0x7000}),
         PSA_ERROR_INVALID_ARGUMENT, NULL},
    };
    run_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_p1_rules(void **state)
{
    (void)state;
    const struct rule_case cases[] = {
        {"wrong profile name", base_p1, X({-75000, TEXT, "PSA_IOT_PROFILE_2", 17}),
         PSA_ERROR_NOT_SUPPORTED,
         "claim -75000 (profile): \"PSA_IOT_PROFILE_2\" is not a supported profile"},
        {"boot seed missing", base_p1, X({-75004, END}), PSA_ERROR_INVALID_ARGUMENT,
         "claim -75004 (boot seed): missing (mandatory in PSA_IOT_PROFILE_1)"},
        {"boot seed 16", base_p1, X({-75004, BYTES, zeros, 16}), PSA_ERROR_INVALID_ARGUMENT,
         "claim -75004 (boot seed): 16 bytes, must be 32"},
        {"nonce missing", base_p1, X({-75008, END}), PSA_ERROR_INVALID_ARGUMENT,
         "claim -75008 (nonce): missing (mandatory)"},
        {"nonce 64", base_p1, X({-75008, BYTES, zeros, 64}), PSA_SUCCESS, NULL},
        {"ueid 33 wrong type", base_p1, X({-75009, BYTES, zeros, 33}),
         PSA_ERROR_INVALID_ARGUMENT,
         "claim -75009 (instance ID): first byte 0x00, must be 0x01 (UEID type RAND)"},
        {"impl 31", base_p1, X({-75003, BYTES, zeros, 31}), PSA_ERROR_INVALID_ARGUMENT,
         "claim -75003 (implementation ID): 31 bytes, must be 32"},
        {"client 0", base_p1, X({-75001, INT, NULL, 0, 0}), PSA_ERROR_INVALID_ARGUMENT,
         "claim -75001 (client ID): value 0 is not a valid client ID"},
        {"lifecycle 0x2100", base_p1, X({-75002, INT, NULL, 0, 0x2100}),
         PSA_ERROR_INVALID_ARGUMENT,
         "claim -75002 (security lifecycle): value 0x2100 is not a valid state"},
        {"hw version ean13", base_p1, X({-75005, TEXT, "0604565272829", 13}), PSA_SUCCESS,
         NULL},
        {"hw version bad", base_p1, X({-75005, TEXT, "06045652728", 11}),
         PSA_ERROR_INVALID_ARGUMENT, NULL},
        {"no swc, no-sw=1", base_p1, X({-75006, END}, {-75007, INT, NULL, 0, 1}),
         PSA_SUCCESS, NULL},
        {"no swc, no-sw=2", base_p1, X({-75006, END}, {-75007, INT, NULL, 0, 2}),
         PSA_ERROR_INVALID_ARGUMENT,
         "claim -75007 (no software measurements): value 2, must be 1"},
        {"neither", base_p1, X({-75006, END}), PSA_ERROR_INVALID_ARGUMENT,
         "claim -75006 (software components): missing, and no-software-measurements "
         "(-75007) is not present either"},
        {"both", base_p1, X({-75007, INT, NULL, 0, 1}), PSA_ERROR_INVALID_ARGUMENT,
         "claim -75007 (no software measurements): present together with software "
         "components (-75006)"},
        {"no-sw not int", base_p1, X({-75006, END}, {-75007, TEXT, "1", 1}),
         PSA_ERROR_INVALID_ARGUMENT, NULL},
        {"vsi", base_p1, X({-75010, TEXT, "https://v.example", 17}), PSA_SUCCESS, NULL},
        /* RFC keys in a P1 token are unknown claims. */
        {"rfc keys ignored", base_p1, X({2395, INT, NULL, 0, 0x7000}, {10, TEXT, "x", 1}),
         PSA_SUCCESS, NULL},
    };
    run_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_claims_malformed(void **state)
{
    (void)state;
    struct ward_token_claims c;
    struct ward_token_error err;
    assert_int_equal(ward_token_check_claims((const uint8_t *)"\x80", 1, &c, &err),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_string_equal(err.msg, "claims: the payload is an array, not a map");
    assert_int_equal(ward_token_check_claims((const uint8_t *)"\xa1\x01", 2, &c, &err),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_string_equal(err.msg, "claims: malformed CBOR at byte 2: truncated item");
    /* A duplicated claim is a duplicate map key. */
    const struct entry dup[] = {{10, BYTES, nonce01, 32, 0}, {0}};
    uint8_t buf[512];
    size_t n = encode_set(base_rfc, NULL, buf, sizeof(buf));
    struct ward_cbor_enc e;
    uint8_t buf2[600];
    ward_cbor_enc_init(&e, buf2, sizeof(buf2));
    ward_cbor_put_map(&e, 8);
    ward_cbor_put_raw(&e, buf + 1, n - 1);
    put_entry(&e, &dup[0]);
    assert_int_equal(ward_token_check_claims(buf2, ward_cbor_enc_len(&e), &c, &err),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(err.msg, "duplicate map key"));
    /* Text keys are ignored. */
    ward_cbor_enc_init(&e, buf2, sizeof(buf2));
    ward_cbor_put_map(&e, 8);
    ward_cbor_put_raw(&e, buf + 1, n - 1);
    ward_cbor_put_tstr_z(&e, "nonce");
    ward_cbor_put_int(&e, 1);
    assert_int_equal(ward_token_check_claims(buf2, ward_cbor_enc_len(&e), &c, &err),
                     PSA_SUCCESS);
    assert_int_equal(ward_token_check_claims(NULL, 0, NULL, &err), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(ward_token_validate(NULL, &err), PSA_ERROR_INVALID_ARGUMENT);
    memset(&c, 0, sizeof(c));
    assert_int_equal(ward_token_validate(&c, &err), PSA_ERROR_NOT_SUPPORTED);
    assert_string_equal(ward_token_profile_name(WARD_TOKEN_PROFILE_UNKNOWN), "unknown");
    assert_string_equal(ward_token_lifecycle_name(0x7000), "invalid");
    assert_string_equal(ward_token_lifecycle_name(0x60ff), "decommissioned");
}

/* ---- building ----------------------------------------------------------- */

static const uint8_t mv[32] = {3, 3, 3}, sid[32] = {4, 4, 4};

static void fill_claims(struct ward_token_claims *c, const uint8_t *nonce, size_t nonce_len)
{
    memset(c, 0, sizeof(*c));
    c->profile = WARD_TOKEN_PROFILE_RFC9783;
    c->present = WARD_HAS_NONCE | WARD_HAS_INSTANCE_ID | WARD_HAS_IMPLEMENTATION_ID |
                 WARD_HAS_CLIENT_ID | WARD_HAS_LIFECYCLE | WARD_HAS_BOOT_SEED |
                 WARD_HAS_CERT_REF | WARD_HAS_SW_COMPONENTS | WARD_HAS_VSI;
    c->nonce = (struct ward_token_bytes){nonce, nonce_len};
    c->instance_id = (struct ward_token_bytes){ueid, 33};
    c->implementation_id = (struct ward_token_bytes){zeros, 32};
    c->client_id = -1;
    c->security_lifecycle = 0x3000;
    c->boot_seed = (struct ward_token_bytes){zeros, 32};
    c->certification_reference = (struct ward_token_text){"1234567890123-12345", 19};
    c->verification_service = (struct ward_token_text){"https://veraison.example", 24};
    c->n_sw_components = 2;
    for (size_t i = 0; i < 2; i++) {
        struct ward_token_sw_component *s = &c->sw_components[i];
        s->present = WARD_SWC_HAS_TYPE | WARD_SWC_HAS_VALUE | WARD_SWC_HAS_SIGNER_ID |
                     (i ? WARD_SWC_HAS_VERSION | WARD_SWC_HAS_DESC : 0);
        s->measurement_type = (struct ward_token_text){i ? "PRoT" : "BL", i ? 4 : 2};
        s->measurement_value = (struct ward_token_bytes){mv, 32};
        s->signer_id = (struct ward_token_bytes){sid, 32};
        s->version = (struct ward_token_text){"0.1.0", 5};
        s->measurement_desc = (struct ward_token_text){"sha-256", 7};
    }
}

static void build_verify(int64_t alg, struct ward_cose_key *k)
{
    struct ward_cose_crypto c;
    struct ward_token_claims in, out;
    struct ward_token_error err;
    struct ward_cose_msg m;
    uint8_t tok[1024], nonce[64];
    size_t size, len, size32 = 0;

    ward_cose_openssl_crypto(&c, k);
    for (size_t nl = 32; nl <= 64; nl += 16) {
        for (size_t i = 0; i < nl; i++)
            nonce[i] = (uint8_t)(i * 7);
        fill_claims(&in, nonce, nl);
        assert_int_equal(ward_token_build_size(&in, alg, 0, &size, &err), PSA_SUCCESS);
        if (nl == 32)
            size32 = size;
        else
            assert_int_equal(size, size32 + (nl - 32));
        /* Client ID and lifecycle values never change the size. */
        static const int32_t ids[] = {1, -1, 23, -24, 255, 65536, INT32_MIN, INT32_MAX};
        static const uint32_t lcs[] = {0, 0x17, 0x1000, 0x30ff, 0x60ff};
        for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
            size_t s2;
            in.client_id = ids[i];
            in.security_lifecycle = lcs[i % 5];
            assert_int_equal(ward_token_build_size(&in, alg, 0, &s2, &err), PSA_SUCCESS);
            assert_int_equal(s2, size);
            assert_int_equal(ward_token_build(&in, alg, NULL, 0, &c, tok, sizeof(tok), &len,
                                              &err),
                             PSA_SUCCESS);
            assert_int_equal(len, size);
            assert_int_equal(ward_token_verify(tok, len, &c, nonce, nl, &m, &out, &err),
                             PSA_SUCCESS);
            assert_int_equal(out.client_id, ids[i]);
            assert_int_equal(out.security_lifecycle, lcs[i % 5]);
        }
        assert_int_equal(out.profile, WARD_TOKEN_PROFILE_RFC9783);
        assert_int_equal(out.n_sw_components, 2);
        assert_int_equal(out.sw_components[1].present, in.sw_components[1].present);
        assert_memory_equal(out.verification_service.p, "https://veraison.example", 24);
        assert_memory_equal(out.certification_reference.p, "1234567890123-12345", 19);
        /* Every short buffer: BUFFER_TOO_SMALL, nothing claimed written. */
        for (size_t cap = 0; cap < size; cap += (cap < 16 || cap > size - 16) ? 1 : 37) {
            len = 99;
            assert_int_equal(ward_token_build(&in, alg, NULL, 0, &c, cap ? tok : NULL, cap,
                                              &len, &err),
                             PSA_ERROR_BUFFER_TOO_SMALL);
            assert_int_equal(len, 0);
        }
    }
    /* With a kid: 32-byte key hash in the unprotected header. */
    fill_claims(&in, nonce01, 32);
    assert_int_equal(ward_token_build_size(&in, alg, 32, &size, &err), PSA_SUCCESS);
    assert_int_equal(ward_token_build(&in, alg, sid, 32, &c, tok, sizeof(tok), &len, &err),
                     PSA_SUCCESS);
    assert_int_equal(len, size);
    assert_int_equal(ward_token_verify(tok, len, &c, NULL, 0, &m, &out, &err), PSA_SUCCESS);
    assert_int_equal(m.kid_len, 32);
}

static void test_build_round_trip(void **state)
{
    (void)state;
    static const struct {
        int64_t alg;
        const char *curve;
    } ec[] = {{WARD_COSE_ALG_ES256, "P-256"},
              {WARD_COSE_ALG_ES384, "P-384"},
              {WARD_COSE_ALG_ES512, "P-521"}};
    for (size_t i = 0; i < 3; i++) {
        struct ward_cose_key k;
        memset(&k, 0, sizeof(k));
        k.pkey = EVP_EC_gen(ec[i].curve);
        assert_non_null(k.pkey);
        build_verify(ec[i].alg, &k);
        ward_cose_key_free(&k);
    }
    static const int64_t hmacs[] = {WARD_COSE_ALG_HMAC256, WARD_COSE_ALG_HMAC384,
                                    WARD_COSE_ALG_HMAC512};
    for (size_t i = 0; i < 3; i++) {
        struct ward_cose_key k;
        memset(&k, 0, sizeof(k));
        k.hmac_len = 64;
        memset(k.hmac, 0xa5, 64);
        build_verify(hmacs[i], &k);
    }
}

static void test_build_fixed_size_es256(void **state)
{
    (void)state;
    /* The size for a fixed configuration is a constant the service can
     * report: claims with the optional ones left out, ES256, 32-byte nonce. */
    struct ward_token_claims in;
    struct ward_token_error err;
    size_t size;
    fill_claims(&in, nonce01, 32);
    in.present &= ~(WARD_HAS_CERT_REF | WARD_HAS_VSI | WARD_HAS_BOOT_SEED);
    in.n_sw_components = 1;
    in.sw_components[0].present &= ~WARD_SWC_HAS_TYPE;
    assert_int_equal(ward_token_build_size(&in, WARD_COSE_ALG_ES256, 0, &size, &err),
                     PSA_SUCCESS);
    /* tag 1 + array 1 + protected bstr 4 + unprotected 1 + payload head 2 +
     * payload 238 (map 1, profile 3+35, client ID 3+5, lifecycle 3+3,
     * implementation ID 3+34, software components 3+1+(1+1+34+1+34),
     * nonce 1+34, instance ID 3+35) + signature head 2 + r||s 64. */
    assert_int_equal(size, 1 + 1 + 4 + 1 + 2 + 238 + 2 + 64);
}

static void test_build_rejects(void **state)
{
    (void)state;
    struct ward_token_claims in;
    struct ward_token_error err;
    struct ward_cose_key k;
    struct ward_cose_crypto c;
    uint8_t tok[1024];
    size_t size, len;

    memset(&k, 0, sizeof(k));
    k.hmac_len = 32;
    ward_cose_openssl_crypto(&c, &k);
    fill_claims(&in, nonce01, 31);
    assert_int_equal(ward_token_build_size(&in, WARD_COSE_ALG_HMAC256, 0, &size, &err),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_string_equal(err.msg, "claim 10 (nonce): 31 bytes, must be 32, 48 or 64");
    assert_int_equal(ward_token_build(&in, WARD_COSE_ALG_HMAC256, NULL, 0, &c, tok,
                                      sizeof(tok), &len, &err),
                     PSA_ERROR_INVALID_ARGUMENT);
    fill_claims(&in, nonce01, 32);
    in.client_id = 0;
    assert_int_equal(ward_token_build(&in, WARD_COSE_ALG_HMAC256, NULL, 0, &c, tok,
                                      sizeof(tok), &len, &err),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(err.claim, WARD_CLAIM_CLIENT_ID);
    fill_claims(&in, nonce01, 32);
    in.security_lifecycle = 0x7000;
    assert_int_equal(ward_token_build_size(&in, WARD_COSE_ALG_HMAC256, 0, &size, &err),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_string_equal(err.msg,
                        "claim 2395 (security lifecycle): value 0x7000 is not a valid state");
    fill_claims(&in, nonce01, 32);
    in.sw_components[0].present &= ~WARD_SWC_HAS_SIGNER_ID;
    assert_int_equal(ward_token_build_size(&in, WARD_COSE_ALG_HMAC256, 0, &size, NULL),
                     PSA_ERROR_INVALID_ARGUMENT);
    fill_claims(&in, nonce01, 32);
    in.nonce.p = NULL;
    assert_int_equal(ward_token_build_size(&in, WARD_COSE_ALG_HMAC256, 0, &size, &err),
                     PSA_ERROR_INVALID_ARGUMENT);
    fill_claims(&in, nonce01, 32);
    in.profile = WARD_TOKEN_PROFILE_IOT_1;
    assert_int_equal(ward_token_build_size(&in, WARD_COSE_ALG_HMAC256, 0, &size, &err),
                     PSA_ERROR_NOT_SUPPORTED);
    fill_claims(&in, nonce01, 32);
    assert_int_equal(ward_token_build_size(&in, -8, 0, &size, &err), PSA_ERROR_NOT_SUPPORTED);
    assert_int_equal(ward_token_build_size(NULL, -7, 0, &size, &err),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(ward_token_build_size(&in, -7, 0, NULL, &err),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(ward_token_build(&in, -7, NULL, 0, &c, tok, sizeof(tok), NULL, &err),
                     PSA_ERROR_INVALID_ARGUMENT);
    /* An HMAC key cannot sign ES256: the callback's error comes back. */
    assert_int_equal(ward_token_build(&in, WARD_COSE_ALG_ES256, NULL, 0, &c, tok,
                                      sizeof(tok), &len, &err),
                     PSA_ERROR_NOT_SUPPORTED);
    /* Empty components array. */
    in.n_sw_components = 0;
    assert_int_equal(ward_token_build_size(&in, WARD_COSE_ALG_HMAC256, 0, &size, &err),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(ward_token_encode_claims(NULL, NULL), PSA_ERROR_INVALID_ARGUMENT);
}

static int setup(void **state)
{
    (void)state;
    make_bases();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc_examples),
        cmocka_unit_test(test_bases_pass),
        cmocka_unit_test(test_rfc_rules),
        cmocka_unit_test(test_swc_rules),
        cmocka_unit_test(test_v2_rules),
        cmocka_unit_test(test_p1_rules),
        cmocka_unit_test(test_claims_malformed),
        cmocka_unit_test(test_build_round_trip),
        cmocka_unit_test(test_build_fixed_size_es256),
        cmocka_unit_test(test_build_rejects),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
