/* Finite-field Diffie-Hellman over the RFC 7919 groups: known answers for
 * all five groups (independent Python computation, one with a leading zero
 * byte in the shared secret), generation, the import validation ranges,
 * every refusal of key agreement, FFDH as the key agreement step of HKDF,
 * psa_key_agreement, derivation of a key pair (known answer) and
 * persistence. */
#include "crypto_test_util.h"
#include "vectors/ffdh_vectors.h"

#define DH_PAIR PSA_KEY_TYPE_DH_KEY_PAIR(PSA_DH_FAMILY_RFC7919)
#define DH_PUB PSA_KEY_TYPE_DH_PUBLIC_KEY(PSA_DH_FAMILY_RFC7919)
#define DH_MAX 1024u
#define HKDF256 PSA_ALG_HKDF(PSA_ALG_SHA_256)

static uint8_t g_p[DH_MAX], g_xa[DH_MAX], g_ya[DH_MAX], g_xb[DH_MAX], g_yb[DH_MAX],
    g_z[DH_MAX], g_buf[DH_MAX + 1], g_tmp[DH_MAX + 1];

/* Decode vector i into the g_ buffers; returns the length of p. */
static size_t load(size_t i)
{
    const struct ffdh_vector *v = &ffdh_vectors[i];
    size_t n = unhex(v->p, g_p, DH_MAX);
    assert_int_equal(n, v->bits / 8);
    assert_int_equal(unhex(v->xa, g_xa, DH_MAX), n);
    assert_int_equal(unhex(v->ya, g_ya, DH_MAX), n);
    assert_int_equal(unhex(v->xb, g_xb, DH_MAX), n);
    assert_int_equal(unhex(v->yb, g_yb, DH_MAX), n);
    assert_int_equal(unhex(v->z, g_z, DH_MAX), n);
    return n;
}

static psa_status_t try_import(psa_key_type_t type, size_t bits, const uint8_t *d, size_t n,
                               psa_key_id_t *id)
{
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&a, type);
    psa_set_key_bits(&a, bits);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_EXPORT | PSA_KEY_USAGE_DERIVE);
    psa_set_key_algorithm(&a, PSA_ALG_FFDH);
    *id = 0;
    return psa_import_key(&a, d, n, id);
}

static psa_key_id_t gen(size_t bits, psa_key_usage_t usage, psa_algorithm_t alg)
{
    return generate_key(DH_PAIR, bits, usage, alg);
}

/* out = v + d (d >= -2, small), big-endian, n bytes; no overflow expected. */
static void add_small(const uint8_t *v, size_t n, int d, uint8_t *out)
{
    memcpy(out, v, n);
    int carry = d;
    for (size_t i = n; i-- > 0 && carry != 0;) {
        int s = out[i] + carry;
        out[i] = (uint8_t)(s & 0xff);
        carry = s < 0 ? -1 : s >> 8;
    }
}

/* out = (p - 1) / 2, the order q of the subgroup 2 generates. */
static void half_p_minus_1(const uint8_t *p, size_t n, uint8_t *out)
{
    add_small(p, n, -1, out);
    unsigned carry = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned b = out[i];
        out[i] = (uint8_t)((b >> 1) | (carry << 7));
        carry = b & 1u;
    }
}

static void test_ffdh_known_answers(void **state)
{
    (void)state;
    bool saw_leading_zero = false;
    for (size_t i = 0; i < sizeof ffdh_vectors / sizeof ffdh_vectors[0]; i++) {
        size_t n = load(i), len = 0;
        psa_key_id_t ka = 0, kb = 0, pub = 0;
        assert_int_equal(try_import(DH_PAIR, 0, g_xa, n, &ka), PSA_SUCCESS);
        assert_int_equal(try_import(DH_PAIR, 8 * n, g_xb, n, &kb), PSA_SUCCESS);
        psa_key_attributes_t got = PSA_KEY_ATTRIBUTES_INIT;
        assert_int_equal(psa_get_key_attributes(ka, &got), PSA_SUCCESS);
        assert_int_equal(psa_get_key_bits(&got), ffdh_vectors[i].bits);
        assert_int_equal(psa_get_key_type(&got), DH_PAIR);
        /* Export: x as imported; the public value y = 2^x mod p. */
        assert_int_equal(psa_export_key(ka, g_buf, sizeof g_buf, &len), PSA_SUCCESS);
        assert_int_equal(len, n);
        assert_memory_equal(g_buf, g_xa, n);
        assert_int_equal(psa_export_public_key(ka, g_buf, sizeof g_buf, &len), PSA_SUCCESS);
        assert_int_equal(len, n);
        assert_memory_equal(g_buf, g_ya, n);
        assert_int_equal(psa_export_public_key(kb, g_buf, sizeof g_buf, &len), PSA_SUCCESS);
        assert_memory_equal(g_buf, g_yb, n);
        assert_int_equal(PSA_EXPORT_KEY_OUTPUT_SIZE(DH_PAIR, 8 * n), n);
        assert_int_equal(PSA_EXPORT_PUBLIC_KEY_OUTPUT_SIZE(DH_PAIR, 8 * n), n);
        assert_int_equal(PSA_RAW_KEY_AGREEMENT_OUTPUT_SIZE(DH_PAIR, 8 * n), n);
        /* The shared secret both ways, p-sized with its leading zeros. */
        memset(g_buf, 0xaa, sizeof g_buf);
        assert_int_equal(psa_raw_key_agreement(PSA_ALG_FFDH, ka, g_yb, n, g_buf, n, &len),
                         PSA_SUCCESS);
        assert_int_equal(len, n);
        assert_memory_equal(g_buf, g_z, n);
        memset(g_buf, 0xaa, sizeof g_buf);
        assert_int_equal(psa_raw_key_agreement(PSA_ALG_FFDH, kb, g_ya, n, g_buf, sizeof g_buf,
                                               &len), PSA_SUCCESS);
        assert_int_equal(len, n);
        assert_memory_equal(g_buf, g_z, n);
        saw_leading_zero |= g_z[0] == 0;
        /* A public key: imported, exported both ways, its size from the data. */
        assert_int_equal(try_import(DH_PUB, 0, g_ya, n, &pub), PSA_SUCCESS);
        assert_int_equal(psa_get_key_attributes(pub, &got), PSA_SUCCESS);
        assert_int_equal(psa_get_key_bits(&got), ffdh_vectors[i].bits);
        assert_int_equal(psa_export_key(pub, g_buf, sizeof g_buf, &len), PSA_SUCCESS);
        assert_memory_equal(g_buf, g_ya, n);
        assert_int_equal(psa_export_public_key(pub, g_buf, sizeof g_buf, &len), PSA_SUCCESS);
        assert_int_equal(len, n);
        assert_memory_equal(g_buf, g_ya, n);
        assert_int_equal(psa_destroy_key(pub), PSA_SUCCESS);
        assert_int_equal(psa_destroy_key(ka), PSA_SUCCESS);
        assert_int_equal(psa_destroy_key(kb), PSA_SUCCESS);
    }
    assert_true(saw_leading_zero); /* the padding was exercised */
    /* The *_MAX_SIZE macros cover ffdhe8192. */
    assert_true(PSA_EXPORT_KEY_PAIR_MAX_SIZE >= DH_MAX);
    assert_true(PSA_EXPORT_PUBLIC_KEY_MAX_SIZE >= DH_MAX);
    assert_true(PSA_RAW_KEY_AGREEMENT_OUTPUT_MAX_SIZE >= DH_MAX);
}

static void test_ffdh_generate(void **state)
{
    (void)state;
    static const size_t sizes[] = {2048, 3072};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t bits = sizes[s], n = bits / 8, la = 0, lb = 0, len = 0;
        psa_key_id_t ka = gen(bits, PSA_KEY_USAGE_DERIVE | PSA_KEY_USAGE_EXPORT, PSA_ALG_FFDH);
        psa_key_id_t kb = gen(bits, PSA_KEY_USAGE_DERIVE, PSA_ALG_FFDH);
        assert_int_equal(psa_export_key(ka, g_buf, sizeof g_buf, &len), PSA_SUCCESS);
        assert_int_equal(len, n);
        assert_int_equal(psa_export_key(kb, g_buf, sizeof g_buf, &len), PSA_ERROR_NOT_PERMITTED);
        assert_int_equal(psa_export_public_key(ka, g_ya, sizeof g_ya, &la), PSA_SUCCESS);
        assert_int_equal(psa_export_public_key(kb, g_yb, sizeof g_yb, &lb), PSA_SUCCESS);
        assert_int_equal(la, n);
        assert_int_equal(lb, n);
        assert_memory_not_equal(g_ya, g_yb, n);
        assert_int_equal(psa_raw_key_agreement(PSA_ALG_FFDH, ka, g_yb, n, g_buf, sizeof g_buf,
                                               &la), PSA_SUCCESS);
        assert_int_equal(psa_raw_key_agreement(PSA_ALG_FFDH, kb, g_ya, n, g_tmp, sizeof g_tmp,
                                               &lb), PSA_SUCCESS);
        assert_int_equal(la, n);
        assert_int_equal(lb, n);
        assert_memory_equal(g_buf, g_tmp, n);
        /* A generated private value re-imports (it is in range). */
        psa_key_id_t again = 0;
        assert_int_equal(psa_export_key(ka, g_buf, sizeof g_buf, &len), PSA_SUCCESS);
        assert_int_equal(try_import(DH_PAIR, bits, g_buf, len, &again), PSA_SUCCESS);
        assert_int_equal(psa_export_public_key(again, g_tmp, sizeof g_tmp, &len), PSA_SUCCESS);
        assert_memory_equal(g_tmp, g_ya, n);
        psa_destroy_key(again);
        psa_destroy_key(ka);
        psa_destroy_key(kb);
    }
    /* Refusals: no size, sizes of no group, a public key, another family. */
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_key_id_t id = 0;
    psa_set_key_type(&a, DH_PAIR);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_DERIVE);
    psa_set_key_algorithm(&a, PSA_ALG_FFDH);
    assert_int_equal(psa_generate_key(&a, &id), PSA_ERROR_INVALID_ARGUMENT);
    psa_set_key_bits(&a, 1024);
    assert_int_equal(psa_generate_key(&a, &id), PSA_ERROR_NOT_SUPPORTED);
    psa_set_key_bits(&a, 2047);
    assert_int_equal(psa_generate_key(&a, &id), PSA_ERROR_NOT_SUPPORTED);
    psa_set_key_bits(&a, 2048);
    psa_set_key_type(&a, DH_PUB);
    assert_int_equal(psa_generate_key(&a, &id), PSA_ERROR_INVALID_ARGUMENT);
    psa_set_key_type(&a, PSA_KEY_TYPE_DH_KEY_PAIR(0x05));
    assert_int_equal(psa_generate_key(&a, &id), PSA_ERROR_NOT_SUPPORTED);
    assert_int_equal(id, 0);
}

static void test_ffdh_import_rejects(void **state)
{
    (void)state;
    size_t n = load(0); /* ffdhe2048 */
    psa_key_id_t id = 0;
    /* Lengths: one byte short or long, a length of no group. */
    assert_int_equal(try_import(DH_PAIR, 0, g_xa, n - 1, &id), PSA_ERROR_INVALID_ARGUMENT);
    memset(g_buf, 0, sizeof g_buf);
    memcpy(g_buf + 1, g_xa, n);
    assert_int_equal(try_import(DH_PAIR, 0, g_buf, n + 1, &id), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(try_import(DH_PAIR, 0, g_xa, 128, &id), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(try_import(DH_PUB, 0, g_ya, n - 1, &id), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(try_import(DH_PAIR, 0, g_xa, 0, &id), PSA_ERROR_INVALID_ARGUMENT);
    /* Declared size: another group's (INVALID_ARGUMENT) or none (NOT_SUPPORTED). */
    assert_int_equal(try_import(DH_PAIR, 3072, g_xa, n, &id), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(try_import(DH_PAIR, 1024, g_xa, 128, &id), PSA_ERROR_NOT_SUPPORTED);
    assert_int_equal(try_import(PSA_KEY_TYPE_DH_KEY_PAIR(0x05), 0, g_xa, n, &id),
                     PSA_ERROR_NOT_SUPPORTED);
    /* Private value x: 0, p, p + 1, all ones, p - 1 and q (whose 2^x is 1). */
    memset(g_buf, 0, n);
    assert_int_equal(try_import(DH_PAIR, 0, g_buf, n, &id), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(try_import(DH_PAIR, 0, g_p, n, &id), PSA_ERROR_INVALID_ARGUMENT);
    add_small(g_p, n, 1, g_buf);
    assert_int_equal(try_import(DH_PAIR, 0, g_buf, n, &id), PSA_ERROR_INVALID_ARGUMENT);
    memset(g_buf, 0xff, n);
    assert_int_equal(try_import(DH_PAIR, 0, g_buf, n, &id), PSA_ERROR_INVALID_ARGUMENT);
    add_small(g_p, n, -1, g_buf);
    assert_int_equal(try_import(DH_PAIR, 0, g_buf, n, &id), PSA_ERROR_INVALID_ARGUMENT);
    half_p_minus_1(g_p, n, g_buf);
    assert_int_equal(try_import(DH_PAIR, 0, g_buf, n, &id), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(id, 0);
    /* The ends of the range are keys: x = 1 (y = 2) and x = p - 2. */
    memset(g_buf, 0, n);
    g_buf[n - 1] = 1;
    assert_int_equal(try_import(DH_PAIR, 0, g_buf, n, &id), PSA_SUCCESS);
    size_t len = 0;
    assert_int_equal(psa_export_public_key(id, g_tmp, sizeof g_tmp, &len), PSA_SUCCESS);
    assert_int_equal(len, n);
    assert_int_equal(g_tmp[n - 1], 2);
    psa_destroy_key(id);
    add_small(g_p, n, -2, g_buf);
    assert_int_equal(try_import(DH_PAIR, 0, g_buf, n, &id), PSA_SUCCESS);
    psa_destroy_key(id);
    /* Public value y: 0, 1, p - 1, p, all ones, and p - 2, which is
     * outside the order-q subgroup (2 is a square mod p, -1 is not). */
    memset(g_buf, 0, n);
    assert_int_equal(try_import(DH_PUB, 0, g_buf, n, &id), PSA_ERROR_INVALID_ARGUMENT);
    g_buf[n - 1] = 1;
    assert_int_equal(try_import(DH_PUB, 0, g_buf, n, &id), PSA_ERROR_INVALID_ARGUMENT);
    add_small(g_p, n, -1, g_buf);
    assert_int_equal(try_import(DH_PUB, 0, g_buf, n, &id), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(try_import(DH_PUB, 0, g_p, n, &id), PSA_ERROR_INVALID_ARGUMENT);
    memset(g_buf, 0xff, n);
    assert_int_equal(try_import(DH_PUB, 0, g_buf, n, &id), PSA_ERROR_INVALID_ARGUMENT);
    add_small(g_p, n, -2, g_buf);
    assert_int_equal(try_import(DH_PUB, 0, g_buf, n, &id), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(id, 0);
    /* y = 2 is the generator itself: valid. */
    memset(g_buf, 0, n);
    g_buf[n - 1] = 2;
    assert_int_equal(try_import(DH_PUB, 0, g_buf, n, &id), PSA_SUCCESS);
    psa_destroy_key(id);
}

static void test_ffdh_agreement_refusals(void **state)
{
    (void)state;
    size_t n = load(0), len = 0;
    psa_key_id_t k = import_key(DH_PAIR, PSA_KEY_USAGE_DERIVE, PSA_ALG_FFDH, g_xa, n);
    /* Bad peer values: each INVALID_ARGUMENT, with nothing written. */
    memset(g_buf, 0, n);
    len = 7;
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_FFDH, k, g_buf, n, g_tmp, sizeof g_tmp, &len),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(len, 0);
    g_buf[n - 1] = 1;
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_FFDH, k, g_buf, n, g_tmp, sizeof g_tmp, &len),
                     PSA_ERROR_INVALID_ARGUMENT);
    add_small(g_p, n, -1, g_buf);
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_FFDH, k, g_buf, n, g_tmp, sizeof g_tmp, &len),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_FFDH, k, g_p, n, g_tmp, sizeof g_tmp, &len),
                     PSA_ERROR_INVALID_ARGUMENT);
    add_small(g_p, n, -2, g_buf);
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_FFDH, k, g_buf, n, g_tmp, sizeof g_tmp, &len),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_FFDH, k, g_yb, n - 1, g_tmp, sizeof g_tmp,
                                           &len), PSA_ERROR_INVALID_ARGUMENT);
    memset(g_buf, 0, sizeof g_buf);
    memcpy(g_buf + 1, g_yb, n);
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_FFDH, k, g_buf, n + 1, g_tmp, sizeof g_tmp,
                                           &len), PSA_ERROR_INVALID_ARGUMENT);
    /* Another group's public value. */
    HEX(other, "02");
    (void)other_len;
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_FFDH, k, other, 1, g_tmp, sizeof g_tmp, &len),
                     PSA_ERROR_INVALID_ARGUMENT);
    /* Output one byte short. */
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_FFDH, k, g_yb, n, g_tmp, n - 1, &len),
                     PSA_ERROR_BUFFER_TOO_SMALL);
    assert_int_equal(len, 0);
    /* Not a key agreement algorithm; FFDH inside a KDF is not raw. */
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_SHA_256, k, g_yb, n, g_tmp, sizeof g_tmp,
                                           &len), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_KEY_AGREEMENT(PSA_ALG_FFDH, HKDF256), k, g_yb,
                                           n, g_tmp, sizeof g_tmp, &len),
                     PSA_ERROR_INVALID_ARGUMENT);
    /* Policy: no DERIVE usage; a key permitting ECDH or FFDH+HKDF only. */
    psa_key_id_t nod = import_key(DH_PAIR, PSA_KEY_USAGE_EXPORT, PSA_ALG_FFDH, g_xa, n);
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_FFDH, nod, g_yb, n, g_tmp, sizeof g_tmp, &len),
                     PSA_ERROR_NOT_PERMITTED);
    psa_key_id_t ecdh = import_key(DH_PAIR, PSA_KEY_USAGE_DERIVE, PSA_ALG_ECDH, g_xa, n);
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_FFDH, ecdh, g_yb, n, g_tmp, sizeof g_tmp,
                                           &len), PSA_ERROR_NOT_PERMITTED);
    /* ECDH with a DH key (its policy allowing ECDH): the wrong key type. */
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_ECDH, ecdh, g_yb, n, g_tmp, sizeof g_tmp,
                                           &len), PSA_ERROR_INVALID_ARGUMENT);
    psa_key_id_t kdf_only = import_key(DH_PAIR, PSA_KEY_USAGE_DERIVE,
                                       PSA_ALG_KEY_AGREEMENT(PSA_ALG_FFDH, HKDF256), g_xa, n);
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_FFDH, kdf_only, g_yb, n, g_tmp, sizeof g_tmp,
                                           &len), PSA_ERROR_NOT_PERMITTED);
    /* Wrong key types for FFDH: a DH public key, an ECC key pair, AES. */
    psa_key_id_t pub = import_key(DH_PUB, PSA_KEY_USAGE_DERIVE, PSA_ALG_FFDH, g_ya, n);
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_FFDH, pub, g_yb, n, g_tmp, sizeof g_tmp, &len),
                     PSA_ERROR_INVALID_ARGUMENT);
    uint8_t d[32];
    memset(d, 0x11, sizeof d);
    psa_key_id_t ec = import_key(PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_SECP_R1),
                                 PSA_KEY_USAGE_DERIVE, PSA_ALG_FFDH, d, sizeof d);
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_FFDH, ec, g_yb, n, g_tmp, sizeof g_tmp, &len),
                     PSA_ERROR_INVALID_ARGUMENT);
    psa_key_id_t aes = import_key(PSA_KEY_TYPE_AES, PSA_KEY_USAGE_DERIVE, PSA_ALG_FFDH, d, 16);
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_FFDH, aes, g_yb, n, g_tmp, sizeof g_tmp,
                                           &len), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_FFDH, 0x1234, g_yb, n, g_tmp, sizeof g_tmp,
                                           &len), PSA_ERROR_INVALID_HANDLE);
    /* The export of the public value needs room for p. */
    assert_int_equal(psa_export_public_key(k, g_tmp, n - 1, &len), PSA_ERROR_BUFFER_TOO_SMALL);
    assert_int_equal(psa_export_key(pub, g_tmp, n - 1, &len), PSA_ERROR_BUFFER_TOO_SMALL);
    psa_destroy_key(aes);
    psa_destroy_key(ec);
    psa_destroy_key(pub);
    psa_destroy_key(kdf_only);
    psa_destroy_key(ecdh);
    psa_destroy_key(nod);
    psa_destroy_key(k);
}

static void test_ffdh_key_agreement_into_key(void **state)
{
    (void)state;
    size_t n = load(1), len = 0; /* ffdhe2048, the leading-zero secret */
    assert_int_equal(g_z[0], 0);
    psa_key_id_t k = import_key(DH_PAIR, PSA_KEY_USAGE_DERIVE, PSA_ALG_FFDH, g_xa, n);
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&a, PSA_KEY_TYPE_DERIVE);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_DERIVE | PSA_KEY_USAGE_EXPORT);
    psa_set_key_algorithm(&a, HKDF256);
    psa_key_id_t sk = 0;
    assert_int_equal(psa_key_agreement(k, g_yb, n, PSA_ALG_FFDH, &a, &sk), PSA_SUCCESS);
    assert_int_equal(psa_export_key(sk, g_buf, sizeof g_buf, &len), PSA_SUCCESS);
    assert_int_equal(len, n);
    assert_memory_equal(g_buf, g_z, n);
    psa_key_attributes_t got = PSA_KEY_ATTRIBUTES_INIT;
    assert_int_equal(psa_get_key_attributes(sk, &got), PSA_SUCCESS);
    assert_int_equal(psa_get_key_bits(&got), 8 * n);
    psa_destroy_key(sk);
    /* A declared size other than the secret's; a bad peer value; a key
     * type that cannot hold a secret. */
    psa_set_key_bits(&a, 256);
    assert_int_equal(psa_key_agreement(k, g_yb, n, PSA_ALG_FFDH, &a, &sk),
                     PSA_ERROR_INVALID_ARGUMENT);
    psa_set_key_bits(&a, 0);
    assert_int_equal(psa_key_agreement(k, g_p, n, PSA_ALG_FFDH, &a, &sk),
                     PSA_ERROR_INVALID_ARGUMENT);
    psa_set_key_type(&a, PSA_KEY_TYPE_AES);
    assert_int_equal(psa_key_agreement(k, g_yb, n, PSA_ALG_FFDH, &a, &sk),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(sk, 0);
    psa_destroy_key(k);
}

static void test_ffdh_derivation_step(void **state)
{
    (void)state;
    size_t n = load(2); /* ffdhe3072 */
    const uint8_t info[] = "ffdh info";
    psa_algorithm_t ka_hkdf = PSA_ALG_KEY_AGREEMENT(PSA_ALG_FFDH, HKDF256);
    psa_key_derivation_operation_t op = PSA_KEY_DERIVATION_OPERATION_INIT;
    uint8_t want[48], got[48];
    /* Reference: HKDF over the known shared secret given as bytes. */
    assert_int_equal(psa_key_derivation_setup(&op, HKDF256), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_SECRET, g_z, n),
                     PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_INFO, info, 9),
                     PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_output_bytes(&op, want, sizeof want), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    /* FFDH as the key agreement step. */
    psa_key_id_t k = import_key(DH_PAIR, PSA_KEY_USAGE_DERIVE, ka_hkdf, g_xa, n);
    assert_int_equal(psa_key_derivation_setup(&op, ka_hkdf), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_key_agreement(&op, PSA_KEY_DERIVATION_INPUT_SECRET, k,
                                                      g_yb, n), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_INFO, info, 9),
                     PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_output_bytes(&op, got, sizeof got), PSA_SUCCESS);
    assert_memory_equal(got, want, sizeof want);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    /* Refusals: a bad peer value; a key permitting raw FFDH only; ECDH
     * inside the derivation with a DH key. */
    assert_int_equal(psa_key_derivation_setup(&op, ka_hkdf), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_key_agreement(&op, PSA_KEY_DERIVATION_INPUT_SECRET, k,
                                                      g_p, n), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    psa_key_id_t raw = import_key(DH_PAIR, PSA_KEY_USAGE_DERIVE, PSA_ALG_FFDH, g_xa, n);
    assert_int_equal(psa_key_derivation_setup(&op, ka_hkdf), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_key_agreement(&op, PSA_KEY_DERIVATION_INPUT_SECRET, raw,
                                                      g_yb, n), PSA_ERROR_NOT_PERMITTED);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    psa_algorithm_t ecdh_hkdf = PSA_ALG_KEY_AGREEMENT(PSA_ALG_ECDH, HKDF256);
    psa_key_id_t wrong = import_key(DH_PAIR, PSA_KEY_USAGE_DERIVE, ecdh_hkdf, g_xa, n);
    assert_int_equal(psa_key_derivation_setup(&op, ecdh_hkdf), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_key_agreement(&op, PSA_KEY_DERIVATION_INPUT_SECRET, wrong,
                                                      g_yb, n), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    psa_destroy_key(wrong);
    psa_destroy_key(raw);
    psa_destroy_key(k);
}

/* Start HKDF-SHA-256 with the derivation vector's inputs. */
static void derive_setup(psa_key_derivation_operation_t *op, psa_key_id_t secret)
{
    assert_int_equal(psa_key_derivation_setup(op, HKDF256), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_bytes(op, PSA_KEY_DERIVATION_INPUT_SALT,
                                                    (const uint8_t *)FFDH_DERIVE_SALT,
                                                    strlen(FFDH_DERIVE_SALT)), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_key(op, PSA_KEY_DERIVATION_INPUT_SECRET, secret),
                     PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_input_bytes(op, PSA_KEY_DERIVATION_INPUT_INFO,
                                                    (const uint8_t *)FFDH_DERIVE_INFO,
                                                    strlen(FFDH_DERIVE_INFO)), PSA_SUCCESS);
}

static void test_ffdh_derive_key_pair(void **state)
{
    (void)state;
    uint8_t ikm[22];
    memset(ikm, 0x0b, sizeof ikm);
    psa_key_id_t secret = import_key(PSA_KEY_TYPE_DERIVE, PSA_KEY_USAGE_DERIVE, HKDF256, ikm,
                                     sizeof ikm);
    psa_key_derivation_operation_t op = PSA_KEY_DERIVATION_OPERATION_INIT;
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&a, DH_PAIR);
    psa_set_key_bits(&a, 2048);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_DERIVE | PSA_KEY_USAGE_EXPORT);
    psa_set_key_algorithm(&a, PSA_ALG_FFDH);
    psa_key_id_t k = 0;
    derive_setup(&op, secret);
    assert_int_equal(psa_key_derivation_output_key(&a, &op, &k), PSA_SUCCESS);
    /* The derivation continues after the 256 bytes the key took. */
    uint8_t next[8];
    assert_int_equal(psa_key_derivation_output_bytes(&op, next, sizeof next), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    size_t len = 0, n = unhex(ffdh2048_derived_x, g_xa, DH_MAX);
    assert_int_equal(unhex(ffdh2048_derived_y, g_ya, DH_MAX), n);
    assert_int_equal(psa_export_key(k, g_buf, sizeof g_buf, &len), PSA_SUCCESS);
    assert_int_equal(len, n);
    assert_memory_equal(g_buf, g_xa, n);
    assert_int_equal(psa_export_public_key(k, g_buf, sizeof g_buf, &len), PSA_SUCCESS);
    assert_memory_equal(g_buf, g_ya, n);
    psa_destroy_key(k);
    /* Refusals: no size, a size of no group, a public key. */
    psa_key_id_t out = 0;
    psa_set_key_bits(&a, 0);
    derive_setup(&op, secret);
    assert_int_equal(psa_key_derivation_output_key(&a, &op, &out), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    psa_set_key_bits(&a, 1024);
    derive_setup(&op, secret);
    assert_int_equal(psa_key_derivation_output_key(&a, &op, &out), PSA_ERROR_NOT_SUPPORTED);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    psa_set_key_bits(&a, 2048);
    psa_set_key_type(&a, DH_PUB);
    derive_setup(&op, secret);
    assert_int_equal(psa_key_derivation_output_key(&a, &op, &out), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    assert_int_equal(out, 0);
    /* Not enough capacity left for the candidate. */
    psa_set_key_type(&a, DH_PAIR);
    derive_setup(&op, secret);
    assert_int_equal(psa_key_derivation_set_capacity(&op, 255), PSA_SUCCESS);
    assert_int_equal(psa_key_derivation_output_key(&a, &op, &out), PSA_ERROR_INSUFFICIENT_DATA);
    assert_int_equal(psa_key_derivation_abort(&op), PSA_SUCCESS);
    assert_int_equal(out, 0);
    psa_destroy_key(secret);
}

static void test_ffdh_persist_and_copy(void **state)
{
    (void)state;
    size_t n = load(0), len = 0;
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_key_id_t id = 0;
    psa_set_key_type(&a, DH_PAIR);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_DERIVE | PSA_KEY_USAGE_COPY);
    psa_set_key_algorithm(&a, PSA_ALG_FFDH);
    psa_set_key_id(&a, 40);
    assert_int_equal(psa_import_key(&a, g_xa, n, &id), PSA_SUCCESS);
    assert_int_equal(id, 40);
    restart_library();
    psa_key_attributes_t got = PSA_KEY_ATTRIBUTES_INIT;
    assert_int_equal(psa_get_key_attributes(40, &got), PSA_SUCCESS);
    assert_int_equal(psa_get_key_type(&got), DH_PAIR);
    assert_int_equal(psa_get_key_bits(&got), 2048);
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_FFDH, 40, g_yb, n, g_buf, sizeof g_buf, &len),
                     PSA_SUCCESS);
    assert_memory_equal(g_buf, g_z, n);
    /* A volatile copy agrees the same; a size mismatch is refused. */
    psa_key_attributes_t c = PSA_KEY_ATTRIBUTES_INIT;
    psa_key_id_t cp = 0;
    psa_set_key_usage_flags(&c, PSA_KEY_USAGE_DERIVE);
    psa_set_key_algorithm(&c, PSA_ALG_FFDH);
    psa_set_key_bits(&c, 3072);
    assert_int_equal(psa_copy_key(40, &c, &cp), PSA_ERROR_INVALID_ARGUMENT);
    psa_set_key_bits(&c, 0);
    assert_int_equal(psa_copy_key(40, &c, &cp), PSA_SUCCESS);
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_FFDH, cp, g_yb, n, g_buf, sizeof g_buf, &len),
                     PSA_SUCCESS);
    assert_memory_equal(g_buf, g_z, n);
    psa_destroy_key(cp);
    assert_int_equal(psa_destroy_key(40), PSA_SUCCESS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CRYPTO_TEST(test_ffdh_known_answers),
        CRYPTO_TEST(test_ffdh_generate),
        CRYPTO_TEST(test_ffdh_import_rejects),
        CRYPTO_TEST(test_ffdh_agreement_refusals),
        CRYPTO_TEST(test_ffdh_key_agreement_into_key),
        CRYPTO_TEST(test_ffdh_derivation_step),
        CRYPTO_TEST(test_ffdh_derive_key_pair),
        CRYPTO_TEST(test_ffdh_persist_and_copy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
