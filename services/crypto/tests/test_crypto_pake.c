/*
 * test_crypto_pake.c: the PAKE operation (J-PAKE on P-256 with SHA-256) and
 * PSA_ALG_TLS12_ECJPAKE_TO_PMS: exchanges between two operations, the Mbed
 * TLS known answers through the backend's scalar hook, interoperability
 * with Mbed TLS 2.28 when it is installed, and every error path of the
 * state machine.
 */
#include "crypto_test_util.h"
#include "ward_crypto_backend.h"

#include "vectors/jpake_vectors.h"

#ifdef WARD_TEST_MBEDTLS
#include "test_crypto_pake_mbed.h"
#endif

#define KS PSA_PAKE_STEP_KEY_SHARE
#define ZP PSA_PAKE_STEP_ZK_PUBLIC
#define ZR PSA_PAKE_STEP_ZK_PROOF
#define JPAKE PSA_ALG_JPAKE(PSA_ALG_SHA_256)
#define P256 PSA_PAKE_PRIMITIVE(PSA_PAKE_PRIMITIVE_TYPE_ECC, PSA_ECC_FAMILY_SECP_R1, 256)

typedef psa_pake_operation_t pake_t;

static void assert_error_state(pake_t *op, psa_key_id_t k);

static psa_pake_cipher_suite_t suite(psa_algorithm_t alg, psa_pake_primitive_t prim,
                                     uint32_t confirm)
{
    psa_pake_cipher_suite_t cs = psa_pake_cipher_suite_init();
    psa_pake_cs_set_algorithm(&cs, alg);
    psa_pake_cs_set_primitive(&cs, prim);
    psa_pake_cs_set_key_confirmation(&cs, confirm);
    return cs;
}

static psa_key_id_t password(const char *pw)
{
    return import_key(PSA_KEY_TYPE_PASSWORD, PSA_KEY_USAGE_DERIVE, JPAKE, (const uint8_t *)pw,
                      strlen(pw));
}

/* Setup with both identities. */
static void start(pake_t *op, psa_key_id_t key, const char *user, const char *peer)
{
    const psa_pake_cipher_suite_t cs = suite(JPAKE, P256, PSA_PAKE_UNCONFIRMED_KEY);
    *op = psa_pake_operation_init();
    assert_int_equal(psa_pake_setup(op, key, &cs), PSA_SUCCESS);
    assert_int_equal(psa_pake_set_user(op, (const uint8_t *)user, strlen(user)), PSA_SUCCESS);
    assert_int_equal(psa_pake_set_peer(op, (const uint8_t *)peer, strlen(peer)), PSA_SUCCESS);
}

/* One round's values of one side: n keys, each KEY_SHARE, ZK_PUBLIC, ZK_PROOF. */
struct msg {
    uint8_t v[6][65];
    size_t len[6];
    int n; /* steps */
};

static void out_round(pake_t *op, int round, struct msg *m)
{
    m->n = round == 1 ? 6 : 3;
    for (int i = 0; i < m->n; i++) {
        psa_pake_step_t step = (psa_pake_step_t)(KS + i % 3);
        assert_int_equal(psa_pake_output(op, step, m->v[i], sizeof m->v[i], &m->len[i]),
                         PSA_SUCCESS);
        assert_int_equal(m->len[i], step == ZR ? 32 : 65);
    }
}

static void in_round(pake_t *op, const struct msg *m)
{
    for (int i = 0; i < m->n; i++) {
        assert_int_equal(psa_pake_input(op, (psa_pake_step_t)(KS + i % 3), m->v[i], m->len[i]),
                         PSA_SUCCESS);
    }
}

/* The premaster secret of a finished operation: its shared key through
 * PSA_ALG_TLS12_ECJPAKE_TO_PMS. Also checks the key's attributes and, as it
 * is exportable here, that the key is the uncompressed point K. */
static void shared_pms(pake_t *op, uint8_t pms[32])
{
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&a, PSA_KEY_TYPE_DERIVE);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_DERIVE | PSA_KEY_USAGE_EXPORT);
    psa_set_key_algorithm(&a, PSA_ALG_TLS12_ECJPAKE_TO_PMS);
    psa_key_id_t k = 0;
    assert_int_equal(psa_pake_get_shared_key(op, &a, &k), PSA_SUCCESS);
    assert_int_equal(op->handle, 0); /* inactive */
    psa_key_attributes_t got = PSA_KEY_ATTRIBUTES_INIT;
    assert_int_equal(psa_get_key_attributes(k, &got), PSA_SUCCESS);
    assert_int_equal(psa_get_key_type(&got), PSA_KEY_TYPE_DERIVE);
    assert_int_equal(psa_get_key_bits(&got), 65 * 8);
    uint8_t kp[65], h[32];
    size_t n = 0;
    assert_int_equal(psa_export_key(k, kp, sizeof kp, &n), PSA_SUCCESS);
    assert_int_equal(n, 65);
    assert_int_equal(kp[0], 0x04);
    psa_key_derivation_operation_t d = PSA_KEY_DERIVATION_OPERATION_INIT;
    assert_int_equal(psa_key_derivation_setup(&d, PSA_ALG_TLS12_ECJPAKE_TO_PMS), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_key(&d, PSA_KEY_DERIVATION_INPUT_SECRET, k),
                     PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_output_bytes(&d, pms, 32), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_abort(&d), PSA_SUCCESS);
    assert_int_equal(psa_hash_compute(PSA_ALG_SHA_256, kp + 1, 32, h, sizeof h, &n),
                     PSA_SUCCESS);
    assert_memory_equal(h, pms, 32);
    assert_int_equal(psa_destroy_key(k), PSA_SUCCESS);
}

/* A whole exchange; inputs_first: side b takes a's round values before
 * giving its own. */
static void exchange(pake_t *a, pake_t *b, bool inputs_first)
{
    struct msg ma, mb;
    for (int round = 1; round <= 2; round++) {
        out_round(a, round, &ma);
        if (inputs_first) {
            in_round(b, &ma);
            out_round(b, round, &mb);
        } else {
            out_round(b, round, &mb);
            in_round(b, &ma);
        }
        in_round(a, &mb);
    }
}

static void test_exchange(void **state)
{
    (void)state;
    psa_key_id_t ka = password("correct horse"), kb = password("correct horse");
    for (int order = 0; order < 2; order++) {
        pake_t a, b;
        start(&a, ka, "alice", "bob");
        start(&b, kb, "bob", "alice");
        assert_int_equal(psa_pake_set_role(&a, PSA_PAKE_ROLE_NONE), PSA_SUCCESS);
        exchange(&a, &b, order == 1);
        uint8_t pa[32], pb[32];
        shared_pms(&a, pa);
        shared_pms(&b, pb);
        assert_memory_equal(pa, pb, 32);
        /* Inactive after the shared key: abort is harmless, calls are BAD_STATE. */
        size_t n = 1;
        uint8_t buf[65];
        assert_int_equal(psa_pake_output(&a, KS, buf, sizeof buf, &n), PSA_ERROR_BAD_STATE);
        assert_int_equal(n, 0);
        assert_int_equal(psa_pake_abort(&a), PSA_SUCCESS);
        assert_int_equal(psa_pake_abort(&b), PSA_SUCCESS);
    }
}

/* A password hash key, an HMAC shared key, and a PSA_KEY_TYPE_DERIVE output
 * used with another KDF. */
static void test_key_types(void **state)
{
    (void)state;
    const uint8_t hash[32] = {1, 2, 3};
    psa_key_id_t k = import_key(PSA_KEY_TYPE_PASSWORD_HASH, PSA_KEY_USAGE_DERIVE, JPAKE, hash,
                                sizeof hash);
    pake_t a, b;
    start(&a, k, "client", "server");
    start(&b, k, "server", "client");
    exchange(&a, &b, false);
    psa_key_attributes_t at = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&at, PSA_KEY_TYPE_HMAC);
    psa_set_key_usage_flags(&at, PSA_KEY_USAGE_SIGN_MESSAGE | PSA_KEY_USAGE_VERIFY_MESSAGE);
    psa_set_key_algorithm(&at, PSA_ALG_HMAC(PSA_ALG_SHA_256));
    psa_key_id_t ha = 0, hb = 0;
    assert_int_equal(psa_pake_get_shared_key(&a, &at, &ha), PSA_SUCCESS);
    assert_int_equal(psa_pake_get_shared_key(&b, &at, &hb), PSA_SUCCESS);
    uint8_t mac[32];
    size_t n = 0;
    assert_int_equal(psa_mac_compute(ha, PSA_ALG_HMAC(PSA_ALG_SHA_256), (const uint8_t *)"m", 1,
                                     mac, sizeof mac, &n),
                     PSA_SUCCESS);
    assert_int_equal(psa_mac_verify(hb, PSA_ALG_HMAC(PSA_ALG_SHA_256), (const uint8_t *)"m", 1,
                                    mac, n),
                     PSA_SUCCESS);
}

/* A persistent password, and a persistent shared key that outlives a
 * restart of the library. */
static void test_persistent_keys(void **state)
{
    (void)state;
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_id(&a, 0x1001);
    psa_set_key_type(&a, PSA_KEY_TYPE_PASSWORD);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_DERIVE);
    psa_set_key_algorithm(&a, JPAKE);
    psa_key_id_t k = 0;
    assert_int_equal(psa_import_key(&a, (const uint8_t *)"pw", 2, &k), PSA_SUCCESS);
    pake_t x, y;
    start(&x, k, "u", "p");
    start(&y, password("pw"), "p", "u");
    exchange(&x, &y, true);
    psa_key_attributes_t o = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_id(&o, 0x1002);
    psa_set_key_type(&o, PSA_KEY_TYPE_DERIVE);
    psa_set_key_usage_flags(&o, PSA_KEY_USAGE_DERIVE);
    psa_set_key_algorithm(&o, PSA_ALG_TLS12_ECJPAKE_TO_PMS);
    psa_key_id_t sx = 0;
    assert_int_equal(psa_pake_get_shared_key(&x, &o, &sx), PSA_SUCCESS);
    assert_int_equal(sx, 0x1002);
    uint8_t py[32], px[32];
    shared_pms(&y, py);
    restart_library();
    psa_key_derivation_operation_t d = PSA_KEY_DERIVATION_OPERATION_INIT;
    assert_int_equal(psa_key_derivation_setup(&d, PSA_ALG_TLS12_ECJPAKE_TO_PMS), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_key(&d, PSA_KEY_DERIVATION_INPUT_SECRET, sx),
                     PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_output_bytes(&d, px, 32), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_abort(&d), PSA_SUCCESS);
    assert_memory_equal(px, py, 32);
    /* A second shared key with the same identifier: ALREADY_EXISTS, and
     * the operation is then in the error state. */
    start(&x, k, "u", "p");
    start(&y, password("pw"), "p", "u");
    exchange(&x, &y, false);
    psa_key_id_t again = 1;
    assert_int_equal(psa_pake_get_shared_key(&x, &o, &again), PSA_ERROR_ALREADY_EXISTS);
    assert_int_equal(again, 0);
    assert_error_state(&x, k);
    assert_int_equal(psa_pake_abort(&y), PSA_SUCCESS);
    assert_int_equal(psa_destroy_key(sx), PSA_SUCCESS);
    assert_int_equal(psa_destroy_key(k), PSA_SUCCESS);
}

/* Different passwords: every proof still verifies (they prove knowledge of
 * exponents, not of the password), and the keys differ, as the
 * specification says (no confirmation in J-PAKE). */
static void test_wrong_password(void **state)
{
    (void)state;
    pake_t a, b;
    start(&a, password("correct horse"), "alice", "bob");
    start(&b, password("correct horsf"), "bob", "alice");
    exchange(&a, &b, false);
    uint8_t pa[32], pb[32];
    shared_pms(&a, pa);
    shared_pms(&b, pb);
    assert_memory_not_equal(pa, pb, 32);
}

/* A peer identity that does not match what the peer proves with: the first
 * ZK_PROOF input fails with INVALID_SIGNATURE (the specification's case). */
static void test_wrong_peer_id(void **state)
{
    (void)state;
    psa_key_id_t k = password("pw");
    pake_t a, b;
    start(&a, k, "alice", "bob");
    start(&b, k, "bob", "mallory");
    struct msg ma;
    out_round(&a, 1, &ma);
    assert_int_equal(psa_pake_input(&b, KS, ma.v[0], 65), PSA_SUCCESS);
    assert_int_equal(psa_pake_input(&b, ZP, ma.v[1], 65), PSA_SUCCESS);
    assert_int_equal(psa_pake_input(&b, ZR, ma.v[2], 32), PSA_ERROR_INVALID_SIGNATURE);
    assert_int_equal(psa_pake_input(&b, KS, ma.v[3], 65), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_pake_abort(&b), PSA_SUCCESS);
    assert_int_equal(psa_pake_abort(&a), PSA_SUCCESS);
}

/* ---- known answers (Mbed TLS self-test reference handshake) ------------------ */

/* Split a TLS ECJPAKE message (1-byte length prefixes) into n fields. */
static size_t tls_split(const uint8_t *p, size_t len, int n, const uint8_t *f[], size_t fl[])
{
    size_t off = 0;
    for (int i = 0; i < n; i++) {
        assert_true(off < len);
        fl[i] = p[off];
        f[i] = p + off + 1;
        off += 1 + fl[i];
        assert_true(off <= len);
    }
    return off;
}

static void kat_side(bool server)
{
    HEX(x1, JPAKE_KAT_X1);
    HEX(x2, JPAKE_KAT_X2);
    HEX(x3, JPAKE_KAT_X3);
    HEX(x4, JPAKE_KAT_X4);
    HEX(cli1, JPAKE_KAT_CLI_ONE);
    HEX(srv1, JPAKE_KAT_SRV_ONE);
    HEX(srv2, JPAKE_KAT_SRV_TWO);
    HEX(cli2, JPAKE_KAT_CLI_TWO);
    HEX(kk, JPAKE_KAT_SHARED_KEY);
    HEX(pms, JPAKE_KAT_PMS);
    (void)x1_len;
    (void)x2_len;
    (void)x3_len;
    (void)x4_len;
    (void)kk_len;
    (void)pms_len;
    /* Ours and theirs, in the TLS messages. */
    const uint8_t *my1 = server ? srv1 : cli1, *their1 = server ? cli1 : srv1;
    size_t my1_len = server ? srv1_len : cli1_len, their1_len = server ? cli1_len : srv1_len;
    const uint8_t *my2 = server ? srv2 + 3 : cli2, *their2 = server ? cli2 : srv2 + 3;
    size_t their2_len = server ? cli2_len : srv2_len - 3;
    (void)my1_len;
    if (!server) {
        assert_memory_equal(srv2, "\x03\x00\x17", 3); /* ECParameters: secp256r1 */
    }
    const uint8_t *f[6];
    size_t fl[6];
    uint8_t buf[65];
    size_t n = 0;

    wbe_jpake_test_set_scalars(server ? x3 : x1, server ? x4 : x2);
    pake_t op;
    start(&op, password(JPAKE_KAT_PASSWORD), server ? "server" : "client",
          server ? "client" : "server");
    /* Round 1: our X1, X2 are those of the vector (the proofs are random). */
    tls_split(my1, my1_len, 6, f, fl);
    for (int i = 0; i < 6; i++) {
        psa_pake_step_t step = (psa_pake_step_t)(KS + i % 3);
        assert_int_equal(psa_pake_output(&op, step, buf, sizeof buf, &n), PSA_SUCCESS);
        if (step == KS) {
            assert_int_equal(n, fl[i]);
            assert_memory_equal(buf, f[i], n);
        }
    }
    /* The peer's round 1 and round 2, proofs made by Mbed TLS. */
    assert_int_equal(tls_split(their1, their1_len, 6, f, fl), their1_len);
    for (int i = 0; i < 6; i++) {
        assert_int_equal(psa_pake_input(&op, (psa_pake_step_t)(KS + i % 3), f[i], fl[i]),
                         PSA_SUCCESS);
    }
    assert_int_equal(tls_split(their2, their2_len, 3, f, fl), their2_len);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(psa_pake_input(&op, (psa_pake_step_t)(KS + i), f[i], fl[i]),
                         PSA_SUCCESS);
    }
    /* Our round 2: A is deterministic. */
    tls_split(my2, 66, 1, f, fl);
    assert_int_equal(psa_pake_output(&op, KS, buf, sizeof buf, &n), PSA_SUCCESS);
    assert_int_equal(n, 65);
    assert_memory_equal(buf, f[0], 65);
    assert_int_equal(psa_pake_output(&op, ZP, buf, sizeof buf, &n), PSA_SUCCESS);
    assert_int_equal(psa_pake_output(&op, ZR, buf, sizeof buf, &n), PSA_SUCCESS);
    /* K and the premaster secret. */
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&a, PSA_KEY_TYPE_DERIVE);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_EXPORT);
    psa_key_id_t k = 0;
    assert_int_equal(psa_pake_get_shared_key(&op, &a, &k), PSA_SUCCESS);
    uint8_t got[65];
    assert_int_equal(psa_export_key(k, got, sizeof got, &n), PSA_SUCCESS);
    assert_int_equal(n, 65);
    assert_memory_equal(got, kk, 65);
    uint8_t p[32];
    psa_key_derivation_operation_t d = PSA_KEY_DERIVATION_OPERATION_INIT;
    assert_int_equal(psa_key_derivation_setup(&d, PSA_ALG_TLS12_ECJPAKE_TO_PMS), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_bytes(&d, PSA_KEY_DERIVATION_INPUT_SECRET, got, 65),
                     PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_output_bytes(&d, p, 32), PSA_SUCCESS);
    assert_memory_equal(p, pms, 32);
    assert_int_equal(psa_key_derivation_abort(&d), PSA_SUCCESS);
}

static void test_kat_client(void **state)
{
    (void)state;
    kat_side(false);
}

static void test_kat_server(void **state)
{
    (void)state;
    kat_side(true);
}

/* ---- interoperability with Mbed TLS 2.28 -------------------------------------- */

#ifdef WARD_TEST_MBEDTLS
/* Ward's round values as a TLS message (prefix: the server's ECParameters). */
static size_t to_tls(const struct msg *m, bool ecparams, uint8_t *out)
{
    size_t off = 0;
    if (ecparams) {
        memcpy(out, "\x03\x00\x17", 3);
        off = 3;
    }
    for (int i = 0; i < m->n; i++) {
        out[off++] = (uint8_t)m->len[i];
        memcpy(out + off, m->v[i], m->len[i]);
        off += m->len[i];
    }
    return off;
}

static void from_tls(const uint8_t *p, size_t len, int round, bool ecparams, struct msg *m)
{
    if (ecparams) {
        assert_true(len > 3);
        assert_memory_equal(p, "\x03\x00\x17", 3);
        p += 3;
        len -= 3;
    }
    const uint8_t *f[6];
    m->n = round == 1 ? 6 : 3;
    assert_int_equal(tls_split(p, len, m->n, f, m->len), len);
    for (int i = 0; i < m->n; i++) {
        assert_true(m->len[i] <= 65);
        memcpy(m->v[i], f[i], m->len[i]);
    }
}

/* Ward plays one side, Mbed TLS the other; both derive the same PMS (or
 * different ones when the passwords differ). */
static void interop(bool ward_server, const char *ward_pw, const char *mbed_pw)
{
    struct mbed_jpake *mb = mbed_jpake_new(!ward_server, (const uint8_t *)mbed_pw,
                                           strlen(mbed_pw));
    assert_non_null(mb);
    pake_t op;
    psa_key_id_t k = password(ward_pw);
    start(&op, k, ward_server ? "server" : "client", ward_server ? "client" : "server");
    uint8_t wire[512];
    size_t len = 0;
    struct msg m;
    /* Round 1, both ways. */
    out_round(&op, 1, &m);
    len = to_tls(&m, false, wire);
    assert_int_equal(mbed_jpake_read(mb, 1, wire, len), 0);
    assert_int_equal(mbed_jpake_write(mb, 1, wire, sizeof wire, &len), 0);
    from_tls(wire, len, 1, false, &m);
    in_round(&op, &m);
    /* Round 2: the server's message carries the ECParameters. */
    assert_int_equal(mbed_jpake_write(mb, 2, wire, sizeof wire, &len), 0);
    from_tls(wire, len, 2, !ward_server, &m);
    in_round(&op, &m);
    out_round(&op, 2, &m);
    len = to_tls(&m, ward_server, wire);
    assert_int_equal(mbed_jpake_read(mb, 2, wire, len), 0);
    uint8_t pw[32], pm[32];
    shared_pms(&op, pw);
    assert_int_equal(mbed_jpake_pms(mb, pm), 0);
    if (strcmp(ward_pw, mbed_pw) == 0) {
        assert_memory_equal(pw, pm, 32);
    } else {
        assert_memory_not_equal(pw, pm, 32);
    }
    mbed_jpake_free(mb);
    assert_int_equal(psa_destroy_key(k), PSA_SUCCESS);
}

static void test_mbedtls_interop(void **state)
{
    (void)state;
    for (int i = 0; i < 4; i++) {
        interop(true, "threadjpaketest", "threadjpaketest");
        interop(false, "threadjpaketest", "threadjpaketest");
    }
    interop(true, "threadjpaketest", "threadjpaketesu");
    interop(false, "threadjpaketesu", "threadjpaketest");
}
#endif

/* ---- setup errors ------------------------------------------------------------- */

static void test_setup_errors(void **state)
{
    (void)state;
    psa_key_id_t k = password("pw");
    pake_t op = PSA_PAKE_OPERATION_INIT;
    const psa_pake_primitive_t p384 =
        PSA_PAKE_PRIMITIVE(PSA_PAKE_PRIMITIVE_TYPE_ECC, PSA_ECC_FAMILY_SECP_R1, 384);
    const psa_pake_primitive_t ffdhe =
        PSA_PAKE_PRIMITIVE(PSA_PAKE_PRIMITIVE_TYPE_DH, PSA_DH_FAMILY_RFC7919, 2048);
    const struct {
        psa_pake_cipher_suite_t cs;
        psa_status_t want;
    } cases[] = {
        {suite(PSA_ALG_NONE, P256, PSA_PAKE_UNCONFIRMED_KEY), PSA_ERROR_INVALID_ARGUMENT},
        {suite(PSA_ALG_HKDF(PSA_ALG_SHA_256), P256, PSA_PAKE_UNCONFIRMED_KEY),
         PSA_ERROR_INVALID_ARGUMENT},
        {suite(PSA_ALG_JPAKE(0), P256, PSA_PAKE_UNCONFIRMED_KEY), PSA_ERROR_INVALID_ARGUMENT},
        {suite(PSA_ALG_JPAKE(PSA_ALG_ANY_HASH), P256, PSA_PAKE_UNCONFIRMED_KEY),
         PSA_ERROR_INVALID_ARGUMENT},
        {suite(PSA_ALG_JPAKE(PSA_ALG_SHA_512), P256, PSA_PAKE_UNCONFIRMED_KEY),
         PSA_ERROR_NOT_SUPPORTED},
        {suite(PSA_ALG_SPAKE2P_HMAC(PSA_ALG_SHA_256), P256, PSA_PAKE_CONFIRMED_KEY),
         PSA_ERROR_NOT_SUPPORTED},
        {suite(PSA_ALG_SPAKE2P_MATTER, P256, PSA_PAKE_CONFIRMED_KEY), PSA_ERROR_NOT_SUPPORTED},
        {suite(JPAKE, 0, PSA_PAKE_UNCONFIRMED_KEY), PSA_ERROR_INVALID_ARGUMENT},
        {suite(JPAKE, 0x7f010100, PSA_PAKE_UNCONFIRMED_KEY), PSA_ERROR_INVALID_ARGUMENT},
        {suite(JPAKE, p384, PSA_PAKE_UNCONFIRMED_KEY), PSA_ERROR_NOT_SUPPORTED},
        {suite(JPAKE, ffdhe, PSA_PAKE_UNCONFIRMED_KEY), PSA_ERROR_NOT_SUPPORTED},
        {suite(JPAKE, P256, PSA_PAKE_CONFIRMED_KEY), PSA_ERROR_INVALID_ARGUMENT},
        {suite(JPAKE, P256, 7), PSA_ERROR_INVALID_ARGUMENT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(psa_pake_setup(&op, k, &cases[i].cs), cases[i].want);
        assert_int_equal(op.handle, 0); /* unchanged */
    }
    const psa_pake_cipher_suite_t cs = suite(JPAKE, P256, PSA_PAKE_UNCONFIRMED_KEY);
    /* Keys: no such key, no DERIVE usage, another algorithm, wrong types. */
    assert_int_equal(psa_pake_setup(&op, 0x1234, &cs), PSA_ERROR_INVALID_HANDLE);
    psa_key_id_t nouse = import_key(PSA_KEY_TYPE_PASSWORD, PSA_KEY_USAGE_EXPORT, JPAKE,
                                    (const uint8_t *)"pw", 2);
    assert_int_equal(psa_pake_setup(&op, nouse, &cs), PSA_ERROR_NOT_PERMITTED);
    psa_key_id_t other = import_key(PSA_KEY_TYPE_PASSWORD, PSA_KEY_USAGE_DERIVE,
                                    PSA_ALG_PBKDF2_HMAC(PSA_ALG_SHA_256),
                                    (const uint8_t *)"pw", 2);
    assert_int_equal(psa_pake_setup(&op, other, &cs), PSA_ERROR_NOT_PERMITTED);
    psa_key_id_t derive = import_key(PSA_KEY_TYPE_DERIVE, PSA_KEY_USAGE_DERIVE, JPAKE,
                                     (const uint8_t *)"pw", 2);
    assert_int_equal(psa_pake_setup(&op, derive, &cs), PSA_ERROR_INVALID_ARGUMENT);
    psa_key_id_t raw = import_key(PSA_KEY_TYPE_RAW_DATA, PSA_KEY_USAGE_DERIVE, JPAKE,
                                  (const uint8_t *)"pw", 2);
    assert_int_equal(psa_pake_setup(&op, raw, &cs), PSA_ERROR_INVALID_ARGUMENT);
    /* Passwords that are 0 mod n: refused at setup. */
    const uint8_t zero[4] = {0};
    /* n, the order of P-256 (SEC 2 v2 §2.4.2, FIPS 186-4 D.1.2.3). */
    HEX(order, "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
    psa_key_id_t z = import_key(PSA_KEY_TYPE_PASSWORD, PSA_KEY_USAGE_DERIVE, JPAKE, zero, 4);
    psa_key_id_t zn = import_key(PSA_KEY_TYPE_PASSWORD, PSA_KEY_USAGE_DERIVE, JPAKE, order,
                                 order_len);
    assert_int_equal(psa_pake_setup(&op, z, &cs), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_pake_setup(&op, zn, &cs), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(op.handle, 0);
    /* n + 1 is 1 mod n: accepted. */
    order[order_len - 1]++;
    psa_key_id_t one = import_key(PSA_KEY_TYPE_PASSWORD, PSA_KEY_USAGE_DERIVE, JPAKE, order,
                                  order_len);
    assert_int_equal(psa_pake_setup(&op, one, &cs), PSA_SUCCESS);
    /* An active operation cannot be set up again, and stays usable. */
    assert_int_equal(psa_pake_setup(&op, k, &cs), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_pake_set_user(&op, (const uint8_t *)"u", 1), PSA_SUCCESS);
    assert_int_equal(psa_pake_abort(&op), PSA_SUCCESS);
}

/* ---- the state machine --------------------------------------------------------- */

/* After an error: every call but abort is BAD_STATE, setup too; abort
 * clears it and the object can be set up again. */
static void assert_error_state(pake_t *op, psa_key_id_t k)
{
    const psa_pake_cipher_suite_t cs = suite(JPAKE, P256, PSA_PAKE_UNCONFIRMED_KEY);
    uint8_t buf[65] = {0};
    size_t n = 7;
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&a, PSA_KEY_TYPE_DERIVE);
    psa_key_id_t out = 5;
    assert_int_not_equal(op->handle, 0);
    assert_int_equal(psa_pake_output(op, KS, buf, sizeof buf, &n), PSA_ERROR_BAD_STATE);
    assert_int_equal(n, 0);
    assert_int_equal(psa_pake_input(op, KS, buf, sizeof buf), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_pake_set_role(op, PSA_PAKE_ROLE_NONE), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_pake_set_user(op, (const uint8_t *)"x", 1), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_pake_set_peer(op, (const uint8_t *)"y", 1), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_pake_get_shared_key(op, &a, &out), PSA_ERROR_BAD_STATE);
    assert_int_equal(out, 0);
    assert_int_equal(psa_pake_setup(op, k, &cs), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_pake_abort(op), PSA_SUCCESS);
    assert_int_equal(op->handle, 0);
    assert_int_equal(psa_pake_setup(op, k, &cs), PSA_SUCCESS);
    assert_int_equal(psa_pake_abort(op), PSA_SUCCESS);
}

static void test_setup_phase_errors(void **state)
{
    (void)state;
    psa_key_id_t k = password("pw");
    const psa_pake_cipher_suite_t cs = suite(JPAKE, P256, PSA_PAKE_UNCONFIRMED_KEY);
    pake_t op = PSA_PAKE_OPERATION_INIT;
    uint8_t buf[65];
    size_t n;
    uint8_t longid[WBE_JPAKE_ID_MAX + 1];
    memset(longid, 'a', sizeof longid);

    /* Calls on an inactive operation. */
    assert_int_equal(psa_pake_set_user(&op, (const uint8_t *)"u", 1), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_pake_output(&op, KS, buf, sizeof buf, &n), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_pake_abort(&op), PSA_SUCCESS);

    /* Roles: J-PAKE takes none (NONE is accepted, once). */
    static const psa_pake_role_t bad_roles[] = {PSA_PAKE_ROLE_FIRST, PSA_PAKE_ROLE_SECOND,
                                                PSA_PAKE_ROLE_CLIENT, PSA_PAKE_ROLE_SERVER,
                                                0x55};
    for (size_t i = 0; i < sizeof bad_roles; i++) {
        assert_int_equal(psa_pake_setup(&op, k, &cs), PSA_SUCCESS);
        assert_int_equal(psa_pake_set_role(&op, bad_roles[i]), PSA_ERROR_INVALID_ARGUMENT);
        assert_error_state(&op, k);
    }
    assert_int_equal(psa_pake_setup(&op, k, &cs), PSA_SUCCESS);
    assert_int_equal(psa_pake_set_role(&op, PSA_PAKE_ROLE_NONE), PSA_SUCCESS);
    assert_int_equal(psa_pake_set_role(&op, PSA_PAKE_ROLE_NONE), PSA_ERROR_BAD_STATE);
    assert_error_state(&op, k);

    /* Identities: once each, not empty, not too long, not equal. */
    assert_int_equal(psa_pake_setup(&op, k, &cs), PSA_SUCCESS);
    assert_int_equal(psa_pake_set_user(&op, (const uint8_t *)"u", 1), PSA_SUCCESS);
    assert_int_equal(psa_pake_set_user(&op, (const uint8_t *)"v", 1), PSA_ERROR_BAD_STATE);
    assert_error_state(&op, k);
    assert_int_equal(psa_pake_setup(&op, k, &cs), PSA_SUCCESS);
    assert_int_equal(psa_pake_set_peer(&op, (const uint8_t *)"p", 1), PSA_SUCCESS);
    assert_int_equal(psa_pake_set_peer(&op, (const uint8_t *)"q", 1), PSA_ERROR_BAD_STATE);
    assert_error_state(&op, k);
    assert_int_equal(psa_pake_setup(&op, k, &cs), PSA_SUCCESS);
    assert_int_equal(psa_pake_set_user(&op, (const uint8_t *)"u", 0), PSA_ERROR_INVALID_ARGUMENT);
    assert_error_state(&op, k);
    assert_int_equal(psa_pake_setup(&op, k, &cs), PSA_SUCCESS);
    assert_int_equal(psa_pake_set_peer(&op, (const uint8_t *)"u", 0), PSA_ERROR_INVALID_ARGUMENT);
    assert_error_state(&op, k);
    assert_int_equal(psa_pake_setup(&op, k, &cs), PSA_SUCCESS);
    assert_int_equal(psa_pake_set_user(&op, longid, sizeof longid), PSA_ERROR_NOT_SUPPORTED);
    assert_error_state(&op, k);
    assert_int_equal(psa_pake_setup(&op, k, &cs), PSA_SUCCESS);
    assert_int_equal(psa_pake_set_user(&op, longid, sizeof longid - 1), PSA_SUCCESS);
    assert_int_equal(psa_pake_set_peer(&op, longid, sizeof longid - 1),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_error_state(&op, k);
    assert_int_equal(psa_pake_setup(&op, k, &cs), PSA_SUCCESS);
    assert_int_equal(psa_pake_set_peer(&op, (const uint8_t *)"same", 4), PSA_SUCCESS);
    assert_int_equal(psa_pake_set_user(&op, (const uint8_t *)"same", 4),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_error_state(&op, k);

    /* Context: J-PAKE has none. */
    assert_int_equal(psa_pake_setup(&op, k, &cs), PSA_SUCCESS);
    assert_int_equal(psa_pake_set_context(&op, (const uint8_t *)"c", 1), PSA_ERROR_BAD_STATE);
    assert_error_state(&op, k);

    /* Input or output before both identities. */
    assert_int_equal(psa_pake_setup(&op, k, &cs), PSA_SUCCESS);
    assert_int_equal(psa_pake_output(&op, KS, buf, sizeof buf, &n), PSA_ERROR_BAD_STATE);
    assert_error_state(&op, k);
    assert_int_equal(psa_pake_setup(&op, k, &cs), PSA_SUCCESS);
    assert_int_equal(psa_pake_set_user(&op, (const uint8_t *)"u", 1), PSA_SUCCESS);
    assert_int_equal(psa_pake_input(&op, KS, buf, sizeof buf), PSA_ERROR_BAD_STATE);
    assert_error_state(&op, k);

    /* No setup call after the exchange started. */
    start(&op, k, "u", "p");
    assert_int_equal(psa_pake_output(&op, KS, buf, sizeof buf, &n), PSA_SUCCESS);
    assert_int_equal(psa_pake_set_role(&op, PSA_PAKE_ROLE_NONE), PSA_ERROR_BAD_STATE);
    assert_error_state(&op, k);
    start(&op, k, "u", "p");
    assert_int_equal(psa_pake_output(&op, KS, buf, sizeof buf, &n), PSA_SUCCESS);
    assert_int_equal(psa_pake_set_user(&op, (const uint8_t *)"x", 1), PSA_ERROR_BAD_STATE);
    assert_error_state(&op, k);
}

/* Steps outside J-PAKE, out of order, interleaved, too early; short buffers. */
static void test_step_order_errors(void **state)
{
    (void)state;
    psa_key_id_t k = password("pw");
    pake_t a, b;
    uint8_t buf[65];
    size_t n;
    struct msg mb;

    /* Steps that are not J-PAKE's: INVALID_ARGUMENT. */
    static const psa_pake_step_t bad_steps[] = {0, PSA_PAKE_STEP_CONFIRM, 0x77};
    for (size_t i = 0; i < sizeof bad_steps; i++) {
        start(&a, k, "u", "p");
        assert_int_equal(psa_pake_output(&a, bad_steps[i], buf, sizeof buf, &n),
                         PSA_ERROR_INVALID_ARGUMENT);
        assert_error_state(&a, k);
        start(&a, k, "u", "p");
        assert_int_equal(psa_pake_input(&a, bad_steps[i], buf, 65), PSA_ERROR_INVALID_ARGUMENT);
        assert_error_state(&a, k);
    }
    /* Out of order within a direction. */
    start(&a, k, "u", "p");
    assert_int_equal(psa_pake_output(&a, ZP, buf, sizeof buf, &n), PSA_ERROR_BAD_STATE);
    assert_error_state(&a, k);
    start(&a, k, "u", "p");
    assert_int_equal(psa_pake_output(&a, KS, buf, sizeof buf, &n), PSA_SUCCESS);
    assert_int_equal(psa_pake_output(&a, KS, buf, sizeof buf, &n), PSA_ERROR_BAD_STATE);
    assert_error_state(&a, k);
    start(&a, k, "u", "p");
    assert_int_equal(psa_pake_input(&a, ZR, buf, 32), PSA_ERROR_BAD_STATE);
    assert_error_state(&a, k);

    /* Peer values to feed. */
    start(&b, k, "p", "u");
    out_round(&b, 1, &mb);

    /* A round's direction interleaved with the other. */
    start(&a, k, "u", "p");
    assert_int_equal(psa_pake_output(&a, KS, buf, sizeof buf, &n), PSA_SUCCESS);
    assert_int_equal(psa_pake_input(&a, KS, mb.v[0], 65), PSA_ERROR_BAD_STATE);
    assert_error_state(&a, k);
    start(&a, k, "u", "p");
    assert_int_equal(psa_pake_input(&a, KS, mb.v[0], 65), PSA_SUCCESS);
    assert_int_equal(psa_pake_output(&a, KS, buf, sizeof buf, &n), PSA_ERROR_BAD_STATE);
    assert_error_state(&a, k);
    /* A direction's round done: the other direction or BAD_STATE. */
    start(&a, k, "u", "p");
    struct msg ma;
    out_round(&a, 1, &ma);
    assert_int_equal(psa_pake_output(&a, KS, buf, sizeof buf, &n), PSA_ERROR_BAD_STATE);
    assert_error_state(&a, k);
    /* Round 2 before round 1 is complete both ways (inputs done, outputs not). */
    start(&a, k, "u", "p");
    in_round(&a, &mb);
    assert_int_equal(psa_pake_input(&a, KS, mb.v[0], 65), PSA_ERROR_BAD_STATE);
    assert_error_state(&a, k);
    /* get_shared_key too early: after setup, mid round 1, after round 1. */
    psa_key_attributes_t at = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&at, PSA_KEY_TYPE_DERIVE);
    psa_key_id_t key = 9;
    start(&a, k, "u", "p");
    assert_int_equal(psa_pake_get_shared_key(&a, &at, &key), PSA_ERROR_BAD_STATE);
    assert_int_equal(key, 0);
    assert_error_state(&a, k);
    start(&a, k, "u", "p");
    assert_int_equal(psa_pake_output(&a, KS, buf, sizeof buf, &n), PSA_SUCCESS);
    assert_int_equal(psa_pake_get_shared_key(&a, &at, &key), PSA_ERROR_BAD_STATE);
    assert_error_state(&a, k);
    start(&a, k, "u", "p");
    out_round(&a, 1, &ma);
    in_round(&a, &mb);
    assert_int_equal(psa_pake_get_shared_key(&a, &at, &key), PSA_ERROR_BAD_STATE);
    assert_error_state(&a, k);
    assert_int_equal(psa_pake_abort(&b), PSA_SUCCESS);

    /* Buffer too small for each kind of output. */
    static const psa_pake_step_t steps[] = {KS, ZP, ZR};
    for (int i = 0; i < 3; i++) {
        start(&a, k, "u", "p");
        for (int j = 0; j < i; j++) {
            assert_int_equal(psa_pake_output(&a, steps[j], buf, sizeof buf, &n), PSA_SUCCESS);
        }
        size_t need = steps[i] == ZR ? 32 : 65;
        assert_int_equal(PSA_PAKE_OUTPUT_SIZE(JPAKE, P256, steps[i]), need);
        assert_true(PSA_PAKE_OUTPUT_MAX_SIZE >= need && PSA_PAKE_INPUT_MAX_SIZE >= need);
        n = 3;
        assert_int_equal(psa_pake_output(&a, steps[i], buf, need - 1, &n),
                         PSA_ERROR_BUFFER_TOO_SMALL);
        assert_int_equal(n, 0);
        assert_error_state(&a, k);
    }
}

/* Bad peer values: malformed (INVALID_ARGUMENT) or a proof that fails
 * (INVALID_SIGNATURE), in round 1 (each key) and round 2. */
enum corrupt { C_NONE, C_FLIP_X, C_SWAP_X, C_FLIP_V, C_SWAP_V, C_FLIP_R, C_R_ORDER, C_R_LONG,
               C_R_EMPTY, C_X_SHORT, C_X_COMPRESSED, C_X_INFINITY };

static void feed_corrupted(psa_key_id_t k, int round, int key, enum corrupt c,
                           psa_status_t want)
{
    pake_t a, b;
    struct msg ma, mb;
    start(&a, k, "u", "p");
    start(&b, k, "p", "u");
    out_round(&b, 1, &mb);
    if (round == 2) {
        out_round(&a, 1, &ma);
        in_round(&a, &mb);
        in_round(&b, &ma);
        out_round(&b, 2, &mb);
    }
    int base = key * 3;
    int other = round == 1 ? (1 - key) * 3 : -1;
    psa_status_t at_step[3] = {PSA_SUCCESS, PSA_SUCCESS, PSA_SUCCESS};
    switch (c) {
    case C_NONE: break;
    case C_FLIP_X: mb.v[base][40] ^= 0x01; at_step[0] = want; break;
    case C_SWAP_X:
        if (other >= 0) {
            memcpy(mb.v[base], mb.v[other], 65);
        } else {
            memcpy(mb.v[base], mb.v[base + 1], 65); /* V as the key: a valid point */
        }
        at_step[2] = want;
        break;
    case C_FLIP_V: mb.v[base + 1][64] ^= 0x80; at_step[1] = want; break;
    case C_SWAP_V:
        memcpy(mb.v[base + 1], other >= 0 ? mb.v[other + 1] : mb.v[base], 65);
        at_step[2] = want;
        break;
    case C_FLIP_R: mb.v[base + 2][31] ^= 0x01; at_step[2] = want; break;
    case C_R_ORDER: memset(mb.v[base + 2], 0xff, 32); at_step[2] = want; break;
    case C_R_LONG: mb.len[base + 2] = 33; mb.v[base + 2][32] = 1; at_step[2] = want; break;
    case C_R_EMPTY: mb.len[base + 2] = 0; at_step[2] = want; break;
    case C_X_SHORT: mb.len[base] = 64; at_step[0] = want; break;
    case C_X_COMPRESSED: mb.v[base][0] = 0x02; mb.len[base] = 33; at_step[0] = want; break;
    case C_X_INFINITY: mb.v[base][0] = 0x00; mb.len[base] = 1; at_step[0] = want; break;
    }
    for (int i = 0; i < base; i++) {
        assert_int_equal(psa_pake_input(&a, (psa_pake_step_t)(KS + i % 3), mb.v[i], mb.len[i]),
                         PSA_SUCCESS);
    }
    for (int s = 0; s < 3; s++) {
        psa_status_t st = psa_pake_input(&a, (psa_pake_step_t)(KS + s), mb.v[base + s],
                                         mb.len[base + s]);
        assert_int_equal(st, at_step[s]);
        if (st != PSA_SUCCESS) {
            assert_error_state(&a, k);
            break;
        }
    }
    assert_int_equal(psa_pake_abort(&a), PSA_SUCCESS);
    assert_int_equal(psa_pake_abort(&b), PSA_SUCCESS);
}

static void test_bad_inputs(void **state)
{
    (void)state;
    static const struct {
        enum corrupt c;
        psa_status_t want;
    } cases[] = {
        {C_NONE, PSA_SUCCESS},
        {C_FLIP_X, PSA_ERROR_INVALID_ARGUMENT},      /* off the curve */
        {C_SWAP_X, PSA_ERROR_INVALID_SIGNATURE},     /* on the curve, wrong key */
        {C_FLIP_V, PSA_ERROR_INVALID_ARGUMENT},
        {C_SWAP_V, PSA_ERROR_INVALID_SIGNATURE},
        {C_FLIP_R, PSA_ERROR_INVALID_SIGNATURE},
        {C_R_ORDER, PSA_ERROR_INVALID_ARGUMENT},     /* r >= n */
        {C_R_LONG, PSA_ERROR_INVALID_ARGUMENT},
        {C_R_EMPTY, PSA_ERROR_INVALID_ARGUMENT},
        {C_X_SHORT, PSA_ERROR_INVALID_ARGUMENT},
        {C_X_COMPRESSED, PSA_ERROR_INVALID_ARGUMENT},
        {C_X_INFINITY, PSA_ERROR_INVALID_ARGUMENT},
    };
    psa_key_id_t k = password("pw");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        feed_corrupted(k, 1, 0, cases[i].c, cases[i].want);
        feed_corrupted(k, 1, 1, cases[i].c, cases[i].want);
        feed_corrupted(k, 2, 0, cases[i].c, cases[i].want);
    }
}

/* ZK_PROOF input may drop leading zero bytes (the specification allows any
 * length up to the order's): find an r that starts with a zero byte and
 * give it as 31 bytes. */
static void test_short_proof_accepted(void **state)
{
    (void)state;
    psa_key_id_t k = password("pw");
    pake_t a, b;
    struct msg mb;
    int tries = 0;
    do {
        assert_true(++tries < 20000);
        start(&b, k, "p", "u");
        out_round(&b, 1, &mb);
        assert_int_equal(psa_pake_abort(&b), PSA_SUCCESS);
    } while (mb.v[2][0] != 0);
    start(&a, k, "u", "p");
    assert_int_equal(psa_pake_input(&a, KS, mb.v[0], 65), PSA_SUCCESS);
    assert_int_equal(psa_pake_input(&a, ZP, mb.v[1], 65), PSA_SUCCESS);
    assert_int_equal(psa_pake_input(&a, ZR, mb.v[2] + 1, 31), PSA_SUCCESS);
    assert_int_equal(psa_pake_abort(&a), PSA_SUCCESS);
}

/* Abort at every stage (after setup, the identities, the first output,
 * round 1 outputs, round 1, the first round-2 output, round 2, an error),
 * then the same object runs a whole exchange. */
static void test_abort_everywhere(void **state)
{
    (void)state;
    psa_key_id_t k = password("pw");
    const psa_pake_cipher_suite_t cs = suite(JPAKE, P256, PSA_PAKE_UNCONFIRMED_KEY);
    for (int stage = 0; stage < 8; stage++) {
        pake_t a = PSA_PAKE_OPERATION_INIT, b;
        struct msg ma, mb;
        uint8_t buf[65];
        size_t n;
        assert_int_equal(psa_pake_abort(&a), PSA_SUCCESS); /* inactive */
        assert_int_equal(psa_pake_setup(&a, k, &cs), PSA_SUCCESS);
        start(&b, k, "p", "u");
        if (stage >= 1) {
            assert_int_equal(psa_pake_set_user(&a, (const uint8_t *)"u", 1), PSA_SUCCESS);
            assert_int_equal(psa_pake_set_peer(&a, (const uint8_t *)"p", 1), PSA_SUCCESS);
        }
        if (stage == 2) {
            assert_int_equal(psa_pake_output(&a, KS, buf, sizeof buf, &n), PSA_SUCCESS);
        }
        if (stage >= 3) {
            out_round(&a, 1, &ma);
        }
        if (stage >= 4) {
            in_round(&b, &ma);
            out_round(&b, 1, &mb);
            in_round(&a, &mb);
        }
        if (stage == 5) {
            assert_int_equal(psa_pake_output(&a, KS, buf, sizeof buf, &n), PSA_SUCCESS);
        }
        if (stage >= 6) {
            out_round(&a, 2, &ma);
            in_round(&b, &ma);
            out_round(&b, 2, &mb);
            in_round(&a, &mb);
        }
        if (stage == 7) {
            /* Every round done: no more steps (and now the error state). */
            assert_int_equal(psa_pake_output(&a, KS, buf, sizeof buf, &n), PSA_ERROR_BAD_STATE);
        }
        assert_int_equal(psa_pake_abort(&a), PSA_SUCCESS);
        assert_int_equal(a.handle, 0);
        assert_int_equal(psa_pake_abort(&a), PSA_SUCCESS); /* twice */
        assert_int_equal(psa_pake_abort(&b), PSA_SUCCESS);
        /* Reuse. */
        start(&a, k, "u", "p");
        start(&b, k, "p", "u");
        exchange(&a, &b, stage % 2 == 0);
        uint8_t pa[32], pb[32];
        shared_pms(&a, pa);
        shared_pms(&b, pb);
        assert_memory_equal(pa, pb, 32);
    }
}

/* The shared key's attributes; a failure there is an error state. */
static void test_shared_key_attributes(void **state)
{
    (void)state;
    psa_key_id_t k = password("pw");
    static const struct {
        psa_key_type_t type;
        size_t bits;
        psa_status_t want;
    } cases[] = {
        {PSA_KEY_TYPE_AES, 0, PSA_ERROR_INVALID_ARGUMENT},
        {PSA_KEY_TYPE_RAW_DATA, 0, PSA_ERROR_INVALID_ARGUMENT},
        {PSA_KEY_TYPE_NONE, 0, PSA_ERROR_INVALID_ARGUMENT},
        {PSA_KEY_TYPE_DERIVE, 520, PSA_ERROR_INVALID_ARGUMENT},
        {PSA_KEY_TYPE_HMAC, 256, PSA_ERROR_INVALID_ARGUMENT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pake_t a, b;
        start(&a, k, "u", "p");
        start(&b, k, "p", "u");
        exchange(&a, &b, false);
        psa_key_attributes_t at = PSA_KEY_ATTRIBUTES_INIT;
        psa_set_key_type(&at, cases[i].type);
        psa_set_key_bits(&at, cases[i].bits);
        psa_key_id_t out = 3;
        assert_int_equal(psa_pake_get_shared_key(&a, &at, &out), cases[i].want);
        assert_int_equal(out, 0);
        assert_error_state(&a, k);
        assert_int_equal(psa_pake_abort(&b), PSA_SUCCESS);
    }
}

/* Destroying the password key ends the operation, as for the others. */
static void test_password_destroyed(void **state)
{
    (void)state;
    psa_key_id_t k = password("pw");
    const psa_pake_cipher_suite_t cs = suite(JPAKE, P256, PSA_PAKE_UNCONFIRMED_KEY);
    pake_t a;
    start(&a, k, "u", "p");
    uint8_t buf[65];
    size_t n;
    assert_int_equal(psa_pake_output(&a, KS, buf, sizeof buf, &n), PSA_SUCCESS);
    assert_int_equal(psa_destroy_key(k), PSA_SUCCESS);
    assert_int_equal(psa_pake_output(&a, ZP, buf, sizeof buf, &n), PSA_ERROR_BAD_STATE);
    k = password("pw");
    assert_int_equal(psa_pake_setup(&a, k, &cs), PSA_ERROR_BAD_STATE); /* not yet aborted */
    assert_int_equal(psa_pake_abort(&a), PSA_SUCCESS);
    assert_int_equal(psa_pake_setup(&a, k, &cs), PSA_SUCCESS);
    assert_int_equal(psa_pake_abort(&a), PSA_SUCCESS);
}

/* ---- PSA_ALG_TLS12_ECJPAKE_TO_PMS ---------------------------------------------- */

static void test_ecjpake_to_pms(void **state)
{
    (void)state;
    HEX(kk, JPAKE_KAT_SHARED_KEY);
    HEX(pms, JPAKE_KAT_PMS);
    uint8_t out[33];
    size_t cap = 0;
    psa_key_derivation_operation_t d = PSA_KEY_DERIVATION_OPERATION_INIT;
    /* Known answer (Mbed TLS self-test: K and SHA-256(K.x)). */
    assert_int_equal(psa_key_derivation_setup(&d, PSA_ALG_TLS12_ECJPAKE_TO_PMS), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_get_capacity(&d, &cap), PSA_SUCCESS);
    assert_int_equal(cap, PSA_TLS12_ECJPAKE_TO_PMS_OUTPUT_SIZE);
    assert_int_equal(psa_key_derivation_output_bytes(&d, out, 32), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_key_derivation_setup(&d, PSA_ALG_TLS12_ECJPAKE_TO_PMS), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_bytes(&d, PSA_KEY_DERIVATION_INPUT_SECRET, kk,
                                                    kk_len),
                     PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_output_bytes(&d, out, 32), PSA_SUCCESS);
    assert_memory_equal(out, pms, pms_len);
    assert_int_equal(psa_key_derivation_output_bytes(&d, out, 1), PSA_ERROR_INSUFFICIENT_DATA);
    assert_int_equal(psa_key_derivation_abort(&d), PSA_SUCCESS);
    /* The 32 bytes in one call only; more than the capacity. */
    assert_int_equal(psa_key_derivation_setup(&d, PSA_ALG_TLS12_ECJPAKE_TO_PMS), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_bytes(&d, PSA_KEY_DERIVATION_INPUT_SECRET, kk, 65),
                     PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_output_bytes(&d, out, 16), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_key_derivation_output_bytes(&d, out, 32), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_key_derivation_abort(&d), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_setup(&d, PSA_ALG_TLS12_ECJPAKE_TO_PMS), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_bytes(&d, PSA_KEY_DERIVATION_INPUT_SECRET, kk, 65),
                     PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_output_bytes(&d, out, 33), PSA_ERROR_INSUFFICIENT_DATA);
    assert_int_equal(psa_key_derivation_abort(&d), PSA_SUCCESS);
    /* Input: exactly an uncompressed point; only the secret step. */
    const struct {
        size_t len;
        uint8_t first;
    } bad[] = {{64, 0x04}, {66, 0x04}, {65, 0x03}, {33, 0x02}, {0, 0}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t in[66];
        memcpy(in, kk, 65);
        in[65] = 0;
        in[0] = bad[i].first;
        assert_int_equal(psa_key_derivation_setup(&d, PSA_ALG_TLS12_ECJPAKE_TO_PMS), PSA_SUCCESS);
        assert_int_equal(psa_key_derivation_input_bytes(&d, PSA_KEY_DERIVATION_INPUT_SECRET, in,
                                                        bad[i].len),
                         PSA_ERROR_INVALID_ARGUMENT);
        assert_int_equal(psa_key_derivation_abort(&d), PSA_SUCCESS);
    }
    assert_int_equal(psa_key_derivation_setup(&d, PSA_ALG_TLS12_ECJPAKE_TO_PMS), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_bytes(&d, PSA_KEY_DERIVATION_INPUT_LABEL, kk, 65),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_key_derivation_abort(&d), PSA_SUCCESS);
    /* Its secret comes from J-PAKE, never from a key agreement. */
    assert_int_equal(psa_key_derivation_setup(&d, PSA_ALG_KEY_AGREEMENT(
                                                       PSA_ALG_ECDH, PSA_ALG_TLS12_ECJPAKE_TO_PMS)),
                     PSA_ERROR_NOT_SUPPORTED);
    assert_int_equal(d.handle, 0);
    /* From a key: output a 256-bit key of the same bytes. */
    psa_key_id_t sk = import_key(PSA_KEY_TYPE_DERIVE, PSA_KEY_USAGE_DERIVE,
                                 PSA_ALG_TLS12_ECJPAKE_TO_PMS, kk, 65);
    assert_int_equal(psa_key_derivation_setup(&d, PSA_ALG_TLS12_ECJPAKE_TO_PMS), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_key(&d, PSA_KEY_DERIVATION_INPUT_SECRET, sk),
                     PSA_SUCCESS);
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&a, PSA_KEY_TYPE_DERIVE);
    psa_set_key_bits(&a, 256);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_EXPORT);
    psa_key_id_t ok = 0;
    assert_int_equal(psa_key_derivation_output_key(&a, &d, &ok), PSA_SUCCESS);
    size_t n = 0;
    assert_int_equal(psa_export_key(ok, out, sizeof out, &n), PSA_SUCCESS);
    assert_int_equal(n, 32);
    assert_memory_equal(out, pms, 32);
    assert_int_equal(psa_key_derivation_abort(&d), PSA_SUCCESS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CRYPTO_TEST(test_exchange),
        CRYPTO_TEST(test_key_types),
        CRYPTO_TEST(test_persistent_keys),
        CRYPTO_TEST(test_wrong_password),
        CRYPTO_TEST(test_wrong_peer_id),
        CRYPTO_TEST(test_kat_client),
        CRYPTO_TEST(test_kat_server),
#ifdef WARD_TEST_MBEDTLS
        CRYPTO_TEST(test_mbedtls_interop),
#endif
        CRYPTO_TEST(test_setup_errors),
        CRYPTO_TEST(test_setup_phase_errors),
        CRYPTO_TEST(test_step_order_errors),
        CRYPTO_TEST(test_bad_inputs),
        CRYPTO_TEST(test_short_proof_accepted),
        CRYPTO_TEST(test_abort_everywhere),
        CRYPTO_TEST(test_shared_key_attributes),
        CRYPTO_TEST(test_password_destroyed),
        CRYPTO_TEST(test_ecjpake_to_pms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
