/* Wycheproof edge cases through the PSA API: ECDSA (P1363 signatures) and
 * RSA PKCS#1 v1.5 / PSS with psa_verify_message, ECDH and X25519 with
 * psa_raw_key_agreement. Every test of every kept group runs; a test whose
 * outcome differs from Wycheproof's verdict (or from the recorded choice
 * for an "acceptable" one) fails the program, nothing is skipped. */
#include "crypto_test_util.h"
#include "wycheproof_vectors.h"

/* A range of tcIds of one file, with the reason it is listed. */
struct wyc_note {
    const char *file;
    unsigned first, last;
    const char *why;
};

/* Ward's choice for Wycheproof's "acceptable" tests, by file and flag: the
 * first entry whose flag the test carries decides (so refusals are listed
 * first). An acceptable test no entry covers fails the program. Accepted
 * tests must also produce Wycheproof's shared secret. See docs/crypto.md,
 * "Wycheproof". */
struct wyc_choice {
    const char *file;
    const char *flag;
    bool accepted;
    const char *why;
};

static const struct wyc_choice acceptable_choices[] = {
    { "ecdsa_secp256r1_sha256_p1363_test", "SigSize", false,
      "a P1363 signature is exactly 2 * 32 bytes for P-256 (INVALID_SIGNATURE)" },
    { "ecdsa_secp384r1_sha384_p1363_test", "SigSize", false,
      "a P1363 signature is exactly 2 * 48 bytes for P-384 (INVALID_SIGNATURE)" },
    { "ecdsa_secp521r1_sha512_p1363_test", "SigSize", false,
      "a P1363 signature is exactly 2 * 66 bytes for P-521 (INVALID_SIGNATURE)" },
    { "ecdh_secp256r1_ecpoint_test", "CompressedPoint", false,
      "PSA's peer key format is the uncompressed point only (NOT_SUPPORTED)" },
    { "ecdh_secp384r1_ecpoint_test", "CompressedPoint", false,
      "PSA's peer key format is the uncompressed point only (NOT_SUPPORTED)" },
    { "rsa_signature_2048_sha256_test", "MissingNull", false,
      "DigestInfo without the NULL parameters is not PKCS#1 v1.5 (INVALID_SIGNATURE)" },
    { "rsa_signature_2048_sha256_test", "SmallPublicKey", true,
      "e = 3 keys import and correct signatures verify (PSA sets no minimum exponent)" },
    { "x25519_test", "ZeroSharedSecret", false,
      "all-zero shared secret refused (RFC 7748 section 6.1 check, INVALID_ARGUMENT)" },
    { "x25519_test", "Twist", true, "X25519 is defined on the twist (RFC 7748 section 5)" },
    { "x25519_test", "NonCanonicalPublic", true,
      "high bit masked, value reduced mod p (RFC 7748 section 5)" },
    { NULL, NULL, false, NULL },
};

static bool has_flag(const char *flags, const char *flag)
{
    size_t n = strlen(flag);
    for (const char *p = flags; (p = strstr(p, flag)) != NULL; p += n) {
        if ((p == flags || p[-1] == ',') && (p[n] == '\0' || p[n] == ',')) {
            return true;
        }
    }
    return false;
}

static const struct wyc_choice *choice_for(const char *file, const char *flags)
{
    for (const struct wyc_choice *c = acceptable_choices; c->file != NULL; c++) {
        if (strcmp(c->file, file) == 0 && has_flag(flags, c->flag)) {
            return c;
        }
    }
    return NULL;
}

/* Tests whose key psa_import_key refuses: counted, never skipped. */
static const struct wyc_note import_refused[] = {
    { NULL, 0, 0, NULL },
};

struct wyc_tally {
    size_t run, valid_passed, invalid_refused, acc_accepted, acc_refused, import_refused;
    size_t mismatches;
};

static const struct wyc_note *listed(const struct wyc_note *list, const char *file,
                                     unsigned tc_id)
{
    for (; list->file != NULL; list++) {
        if (strcmp(list->file, file) == 0 && tc_id >= list->first && tc_id <= list->last) {
            return list;
        }
    }
    return NULL;
}

static const char *result_name(enum wyc_result r)
{
    return r == WYC_VALID ? "valid" : r == WYC_INVALID ? "invalid" : "acceptable";
}

static bool is_agreement(enum wyc_kind k)
{
    return k == WYC_ECDH || k == WYC_XDH;
}

/* A compressed SEC1 point: PSA defines no such peer key format, so
 * refusing it as not supported is allowed (see docs/crypto.md). */
static bool compressed_peer(const struct wyc_file *f, const struct wyc_group *g,
                            const struct wyc_test *t)
{
    return f->kind == WYC_ECDH && t->a_len == 1 + PSA_BITS_TO_BYTES(g->bits) &&
           (t->a[0] == 0x02 || t->a[0] == 0x03);
}

/* Whether st is the refusal the PSA API specifies for this kind of test. */
static bool right_refusal(const struct wyc_file *f, const struct wyc_group *g,
                          const struct wyc_test *t, psa_status_t st)
{
    if (!is_agreement(f->kind)) {
        return st == PSA_ERROR_INVALID_SIGNATURE;
    }
    return st == PSA_ERROR_INVALID_ARGUMENT ||
           (st == PSA_ERROR_NOT_SUPPORTED && compressed_peer(f, g, t));
}

static void mismatch(struct wyc_tally *y, const struct wyc_file *f, const struct wyc_test *t,
                     psa_status_t st, const char *what)
{
    printf("MISMATCH %s tcId %u (%s) [%s] %s: Ward returned %d%s\n", f->name, t->tc_id,
           t->comment, t->flags, result_name(t->result), (int)st, what);
    y->mismatches++;
}

/* Judges one test: st is the status of the operation, or of the key import
 * when imported is false; same tells whether a computed shared secret
 * equals the expected one (always true for signatures). */
static void judge(struct wyc_tally *y, const struct wyc_file *f, const struct wyc_group *g,
                  const struct wyc_test *t, bool imported, psa_status_t st, bool same)
{
    y->run++;
    const struct wyc_note *imp = listed(import_refused, f->name, t->tc_id);
    if (!imported || imp != NULL) {
        if (imported) {
            mismatch(y, f, t, st, " but the key imported although listed as refused");
        } else if (imp == NULL) {
            mismatch(y, f, t, st, " from psa_import_key (not listed)");
        } else {
            y->import_refused++;
        }
        return;
    }
    bool ok = st == PSA_SUCCESS && same;
    switch (t->result) {
    case WYC_VALID:
        if (ok) {
            y->valid_passed++;
        } else {
            mismatch(y, f, t, st, st == PSA_SUCCESS ? " with a wrong shared secret" : "");
        }
        break;
    case WYC_INVALID:
        if (st != PSA_SUCCESS && right_refusal(f, g, t, st)) {
            y->invalid_refused++;
        } else {
            mismatch(y, f, t, st, st == PSA_SUCCESS ? " (accepted)" : " (wrong status)");
        }
        break;
    case WYC_ACCEPTABLE: {
        const struct wyc_choice *c = choice_for(f->name, t->flags);
        if (c == NULL) {
            mismatch(y, f, t, st, " (no recorded choice for this acceptable test)");
        } else if (c->accepted && ok) {
            y->acc_accepted++;
        } else if (!c->accepted && st != PSA_SUCCESS && right_refusal(f, g, t, st)) {
            y->acc_refused++;
        } else {
            mismatch(y, f, t, st, c->accepted ? " but recorded as accepted"
                                              : " but recorded as refused");
        }
        break;
    }
    }
}

static psa_status_t import(psa_key_type_t type, size_t bits, psa_key_usage_t usage,
                           psa_algorithm_t alg, const uint8_t *d, size_t n, psa_key_id_t *id)
{
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&a, type);
    psa_set_key_bits(&a, bits);
    psa_set_key_usage_flags(&a, usage);
    psa_set_key_algorithm(&a, alg);
    *id = PSA_KEY_ID_NULL;
    return psa_import_key(&a, d, n, id);
}

static void run_signatures(struct wyc_tally *y, const struct wyc_file *f,
                           const struct wyc_group *g)
{
    psa_key_type_t type;
    psa_algorithm_t alg;
    switch (f->kind) {
    case WYC_ECDSA:
        type = PSA_KEY_TYPE_ECC_PUBLIC_KEY(PSA_ECC_FAMILY_SECP_R1);
        alg = PSA_ALG_ECDSA(g->hash);
        break;
    case WYC_RSA_PKCS1:
        type = PSA_KEY_TYPE_RSA_PUBLIC_KEY;
        alg = PSA_ALG_RSA_PKCS1V15_SIGN(g->hash);
        break;
    default:
        type = PSA_KEY_TYPE_RSA_PUBLIC_KEY;
        alg = PSA_ALG_RSA_PSS(g->hash);
        break;
    }
    psa_key_id_t id;
    psa_status_t ist = import(type, g->bits, PSA_KEY_USAGE_VERIFY_MESSAGE, alg, g->key,
                              g->key_len, &id);
    for (size_t i = 0; i < g->count; i++) {
        const struct wyc_test *t = &g->tests[i];
        psa_status_t st = ist;
        if (ist == PSA_SUCCESS) {
            st = psa_verify_message(id, alg, t->a, t->a_len, t->b, t->b_len);
        }
        judge(y, f, g, t, ist == PSA_SUCCESS, st, true);
    }
    if (ist == PSA_SUCCESS) {
        assert_int_equal(psa_destroy_key(id), PSA_SUCCESS);
    }
}

static void run_agreements(struct wyc_tally *y, const struct wyc_file *f,
                           const struct wyc_group *g)
{
    psa_key_type_t type = PSA_KEY_TYPE_ECC_KEY_PAIR(
        f->kind == WYC_XDH ? PSA_ECC_FAMILY_MONTGOMERY : PSA_ECC_FAMILY_SECP_R1);
    for (size_t i = 0; i < g->count; i++) {
        const struct wyc_test *t = &g->tests[i];
        uint8_t out[PSA_RAW_KEY_AGREEMENT_OUTPUT_MAX_SIZE];
        size_t n = 0;
        psa_key_id_t id;
        psa_status_t ist = import(type, g->bits, PSA_KEY_USAGE_DERIVE, PSA_ALG_ECDH, t->b,
                                  t->b_len, &id);
        psa_status_t st = ist;
        if (ist == PSA_SUCCESS) {
            st = psa_raw_key_agreement(PSA_ALG_ECDH, id, t->a, t->a_len, out, sizeof out, &n);
            assert_int_equal(psa_destroy_key(id), PSA_SUCCESS);
            if (st != PSA_SUCCESS) {
                assert_int_equal(n, 0);
            }
        }
        bool same = st == PSA_SUCCESS && n == t->shared_len &&
                    memcmp(out, t->shared, n) == 0;
        judge(y, f, g, t, ist == PSA_SUCCESS, st, same);
    }
}

static void run_file(const struct wyc_file *f)
{
    struct wyc_tally y = { 0 };
    for (size_t i = 0; i < f->n_groups; i++) {
        if (is_agreement(f->kind)) {
            run_agreements(&y, f, &f->groups[i]);
        } else {
            run_signatures(&y, f, &f->groups[i]);
        }
    }
    printf("wycheproof %s: %zu tests run, %zu valid passed, %zu invalid refused, "
           "%zu acceptable accepted / %zu refused, %zu key imports refused\n",
           f->name, y.run, y.valid_passed, y.invalid_refused, y.acc_accepted, y.acc_refused,
           y.import_refused);
    assert_int_equal(y.mismatches, 0);
    assert_int_equal(y.run, f->n_tests);
    assert_true(y.run > 0);
    assert_int_equal(y.valid_passed + y.invalid_refused + y.acc_accepted + y.acc_refused +
                         y.import_refused,
                     y.run);
    /* Every listed range names tests of this file (no stale entries). */
    for (const struct wyc_note *e = import_refused; e->file != NULL; e++) {
        if (strcmp(e->file, f->name) != 0) {
            continue;
        }
        size_t hits = 0;
        for (size_t i = 0; i < f->n_groups; i++) {
            for (size_t j = 0; j < f->groups[i].count; j++) {
                unsigned tc = f->groups[i].tests[j].tc_id;
                hits += tc >= e->first && tc <= e->last;
            }
        }
        assert_true(hits > 0);
    }
}

static void test_ecdsa_p256(void **state)
{
    (void)state;
    run_file(&wyc_ecdsa_secp256r1_sha256_p1363_test);
}

static void test_ecdsa_p384(void **state)
{
    (void)state;
    run_file(&wyc_ecdsa_secp384r1_sha384_p1363_test);
}

static void test_ecdsa_p521(void **state)
{
    (void)state;
    run_file(&wyc_ecdsa_secp521r1_sha512_p1363_test);
}

static void test_ecdh_p256(void **state)
{
    (void)state;
    run_file(&wyc_ecdh_secp256r1_ecpoint_test);
}

static void test_ecdh_p384(void **state)
{
    (void)state;
    run_file(&wyc_ecdh_secp384r1_ecpoint_test);
}

static void test_x25519(void **state)
{
    (void)state;
    run_file(&wyc_x25519_test);
}

static void test_rsa_pkcs1_2048(void **state)
{
    (void)state;
    run_file(&wyc_rsa_signature_2048_sha256_test);
}

static void test_rsa_pss_2048(void **state)
{
    (void)state;
    run_file(&wyc_rsa_pss_2048_sha256_mgf1_32_test);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CRYPTO_TEST(test_ecdsa_p256),
        CRYPTO_TEST(test_ecdsa_p384),
        CRYPTO_TEST(test_ecdsa_p521),
        CRYPTO_TEST(test_ecdh_p256),
        CRYPTO_TEST(test_ecdh_p384),
        CRYPTO_TEST(test_x25519),
        CRYPTO_TEST(test_rsa_pkcs1_2048),
        CRYPTO_TEST(test_rsa_pss_2048),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
