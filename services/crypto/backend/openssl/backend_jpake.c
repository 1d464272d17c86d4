/*
 * backend_jpake.c: the EC J-PAKE mathematics (RFC 8236 on P-256, Schnorr
 * proofs of RFC 8235 hashed as Thread / TLS-ECJPAKE / Mbed TLS do) on
 * OpenSSL's EC_POINT and BIGNUM primitives. It computes and verifies; the
 * order of the steps and every policy decision belong to the core. Secret
 * scalars (s, x1, x2, the proof nonces) are constant-time secure BIGNUMs,
 * cleared when freed.
 */
#include "ward_crypto_backend.h"
#include "backend_libctx.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>

struct wbe_jpake {
    EC_GROUP *g;
    BN_CTX *bc;
    BIGNUM *s;       /* the password mod n */
    BIGNUM *x1, *x2; /* our round-1 secrets */
    EC_POINT *X1, *X2, *X3, *X4, *B;
    uint8_t user[WBE_JPAKE_ID_MAX], peer[WBE_JPAKE_ID_MAX];
    size_t user_len, peer_len;
};

/* The test hook's scalars, used once. */
static uint8_t g_test_x[2][WBE_JPAKE_SCALAR_LEN];
static bool g_test_set;

void wbe_jpake_test_set_scalars(const uint8_t *x1, const uint8_t *x2)
{
    if (x1 == NULL || x2 == NULL) {
        wbe_cleanse(g_test_x, sizeof g_test_x);
        g_test_set = false;
        return;
    }
    memcpy(g_test_x[0], x1, WBE_JPAKE_SCALAR_LEN);
    memcpy(g_test_x[1], x2, WBE_JPAKE_SCALAR_LEN);
    g_test_set = true;
}

static BIGNUM *secret_bn(void)
{
    BIGNUM *b = BN_secure_new();
    if (b != NULL) {
        BN_set_flags(b, BN_FLG_CONSTTIME);
    }
    return b;
}

void wbe_jpake_free(struct wbe_jpake *j)
{
    if (j == NULL) {
        return;
    }
    BN_clear_free(j->s);
    BN_clear_free(j->x1);
    BN_clear_free(j->x2);
    EC_POINT_free(j->X1);
    EC_POINT_free(j->X2);
    EC_POINT_free(j->X3);
    EC_POINT_free(j->X4);
    EC_POINT_free(j->B);
    BN_CTX_free(j->bc);
    EC_GROUP_free(j->g);
    wbe_cleanse(j, sizeof *j);
    free(j);
}

psa_status_t wbe_jpake_new(const uint8_t *secret, size_t secret_len, struct wbe_jpake **out)
{
    if (secret_len > INT32_MAX) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    struct wbe_jpake *j = calloc(1, sizeof *j);
    if (j == NULL) {
        return PSA_ERROR_INSUFFICIENT_MEMORY;
    }
    OSSL_LIB_CTX *lc = wbe_ossl_libctx();
    j->g = EC_GROUP_new_by_curve_name_ex(lc, NULL, NID_X9_62_prime256v1);
    j->bc = BN_CTX_new_ex(lc);
    j->s = secret_bn();
    j->x1 = secret_bn();
    j->x2 = secret_bn();
    psa_status_t st = PSA_ERROR_INSUFFICIENT_MEMORY;
    if (j->g != NULL && j->bc != NULL && j->s != NULL && j->x1 != NULL && j->x2 != NULL) {
        BIGNUM *raw = secret_bn();
        st = raw != NULL && BN_bin2bn(secret, (int)secret_len, raw) != NULL &&
                     BN_nnmod(j->s, raw, EC_GROUP_get0_order(j->g), j->bc) == 1
                 ? PSA_SUCCESS
                 : PSA_ERROR_INSUFFICIENT_MEMORY;
        BN_clear_free(raw);
        if (st == PSA_SUCCESS && BN_is_zero(j->s)) {
            st = PSA_ERROR_INVALID_ARGUMENT; /* the specification refuses s = 0 */
        }
    }
    if (st == PSA_SUCCESS) {
        *out = j;
    } else {
        wbe_jpake_free(j);
    }
    ERR_clear_error();
    return st;
}

psa_status_t wbe_jpake_set_ids(struct wbe_jpake *j, const uint8_t *user, size_t user_len,
                               const uint8_t *peer, size_t peer_len)
{
    if (user_len > WBE_JPAKE_ID_MAX || peer_len > WBE_JPAKE_ID_MAX) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    if (user_len != 0) {
        memcpy(j->user, user, user_len);
    }
    if (peer_len != 0) {
        memcpy(j->peer, peer, peer_len);
    }
    j->user_len = user_len;
    j->peer_len = peer_len;
    return PSA_SUCCESS;
}

/* ---- points and scalars -------------------------------------------------------- */

/* Decode an uncompressed point into p (on the curve, not infinity). */
static psa_status_t point_read(const struct wbe_jpake *j, const uint8_t *m, size_t n, EC_POINT *p)
{
    if (n != WBE_JPAKE_POINT_LEN || m[0] != 0x04) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    if (EC_POINT_oct2point(j->g, p, m, n, j->bc) != 1 || EC_POINT_is_at_infinity(j->g, p) ||
        EC_POINT_is_on_curve(j->g, p, j->bc) != 1) {
        ERR_clear_error();
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    return PSA_SUCCESS;
}

static psa_status_t point_write(const struct wbe_jpake *j, const EC_POINT *p,
                                uint8_t out[WBE_JPAKE_POINT_LEN])
{
    if (EC_POINT_is_at_infinity(j->g, p)) {
        return PSA_ERROR_CORRUPTION_DETECTED;
    }
    size_t l = EC_POINT_point2oct(j->g, p, POINT_CONVERSION_UNCOMPRESSED, out,
                                  WBE_JPAKE_POINT_LEN, j->bc);
    return l == WBE_JPAKE_POINT_LEN ? PSA_SUCCESS : PSA_ERROR_CORRUPTION_DETECTED;
}

psa_status_t wbe_jpake_check_point(const uint8_t *m, size_t n)
{
    struct wbe_jpake j = {0};
    j.g = EC_GROUP_new_by_curve_name_ex(wbe_ossl_libctx(), NULL, NID_X9_62_prime256v1);
    j.bc = BN_CTX_new_ex(wbe_ossl_libctx());
    EC_POINT *p = j.g != NULL ? EC_POINT_new(j.g) : NULL;
    psa_status_t st = p != NULL && j.bc != NULL ? point_read(&j, m, n, p)
                                                : PSA_ERROR_INSUFFICIENT_MEMORY;
    EC_POINT_free(p);
    BN_CTX_free(j.bc);
    EC_GROUP_free(j.g);
    return st;
}

/* A uniformly random scalar in [1, n-1]. */
static psa_status_t random_scalar(const struct wbe_jpake *j, BIGNUM *k)
{
    BIGNUM *range = BN_dup(EC_GROUP_get0_order(j->g));
    int ok = range != NULL && BN_sub_word(range, 1) == 1 &&
             BN_priv_rand_range_ex(k, range, 0, j->bc) == 1 && BN_add_word(k, 1) == 1;
    BN_free(range);
    return ok ? PSA_SUCCESS : PSA_ERROR_INSUFFICIENT_ENTROPY;
}

static void be32(uint8_t *p, size_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* h = SHA-256(len || G || len || V || len || X || len || ID) mod n. */
static psa_status_t zkp_hash(const struct wbe_jpake *j, const EC_POINT *G, const EC_POINT *V,
                             const EC_POINT *X, const uint8_t *id, size_t id_len, BIGNUM *h)
{
    uint8_t pt[WBE_JPAKE_POINT_LEN], len[4], digest[32];
    struct wbe_hash *hs = NULL;
    psa_status_t st = wbe_hash_new(PSA_ALG_SHA_256, &hs);
    const EC_POINT *pts[3] = {G, V, X};
    for (int i = 0; i < 3 && st == PSA_SUCCESS; i++) {
        st = point_write(j, pts[i], pt);
        be32(len, sizeof pt);
        if (st == PSA_SUCCESS) {
            st = wbe_hash_update(hs, len, sizeof len);
        }
        if (st == PSA_SUCCESS) {
            st = wbe_hash_update(hs, pt, sizeof pt);
        }
    }
    be32(len, id_len);
    if (st == PSA_SUCCESS) {
        st = wbe_hash_update(hs, len, sizeof len);
    }
    if (st == PSA_SUCCESS) {
        st = wbe_hash_update(hs, id, id_len);
    }
    if (st == PSA_SUCCESS) {
        st = wbe_hash_finish(hs, digest);
    }
    wbe_hash_free(hs);
    if (st == PSA_SUCCESS && (BN_bin2bn(digest, sizeof digest, h) == NULL ||
                              BN_nnmod(h, h, EC_GROUP_get0_order(j->g), j->bc) != 1)) {
        st = PSA_ERROR_INSUFFICIENT_MEMORY;
    }
    return st;
}

/* A proof of knowledge of x with X = x*G (G NULL: the curve's generator),
 * under our identity: V = v*G, r = v - x*h mod n. Writes X, V and r. */
static psa_status_t zkp_make(struct wbe_jpake *j, const EC_POINT *G, const BIGNUM *x,
                             const EC_POINT *X, struct wbe_jpake_zkp *out)
{
    const EC_POINT *gen = G != NULL ? G : EC_GROUP_get0_generator(j->g);
    const BIGNUM *n = EC_GROUP_get0_order(j->g);
    BIGNUM *v = secret_bn(), *t = secret_bn(), *r = secret_bn(), *h = BN_new();
    EC_POINT *V = EC_POINT_new(j->g);
    psa_status_t st = PSA_ERROR_INSUFFICIENT_MEMORY;
    if (v != NULL && t != NULL && r != NULL && h != NULL && V != NULL) {
        st = random_scalar(j, v);
    }
    if (st == PSA_SUCCESS) {
        int ok = G != NULL ? EC_POINT_mul(j->g, V, NULL, G, v, j->bc)
                           : EC_POINT_mul(j->g, V, v, NULL, NULL, j->bc);
        st = ok == 1 ? zkp_hash(j, gen, V, X, j->user, j->user_len, h)
                     : PSA_ERROR_CORRUPTION_DETECTED;
    }
    /* r = (v + n - x*h mod n) mod n: no branch on how v and x*h compare. */
    if (st == PSA_SUCCESS && (BN_mod_mul(t, x, h, n, j->bc) != 1 || BN_add(r, v, n) != 1 ||
                              BN_sub(r, r, t) != 1 || BN_nnmod(r, r, n, j->bc) != 1 ||
                              BN_bn2binpad(r, out->r, WBE_JPAKE_SCALAR_LEN) < 0)) {
        st = PSA_ERROR_CORRUPTION_DETECTED;
    }
    if (st == PSA_SUCCESS) {
        st = point_write(j, X, out->x);
    }
    if (st == PSA_SUCCESS) {
        st = point_write(j, V, out->v);
    }
    BN_clear_free(v);
    BN_clear_free(t);
    BN_clear_free(r);
    BN_free(h);
    EC_POINT_free(V);
    ERR_clear_error();
    return st;
}

/* Check the peer's proof for X (G NULL: the curve's generator): r < n and
 * r*G + h*X == V, h under the peer identity. */
static psa_status_t zkp_check(struct wbe_jpake *j, const EC_POINT *G, const EC_POINT *X,
                              const struct wbe_jpake_zkp *in)
{
    const EC_POINT *gen = G != NULL ? G : EC_GROUP_get0_generator(j->g);
    BIGNUM *r = BN_new(), *h = BN_new();
    EC_POINT *V = EC_POINT_new(j->g), *W = EC_POINT_new(j->g), *T = EC_POINT_new(j->g);
    psa_status_t st = PSA_ERROR_INSUFFICIENT_MEMORY;
    if (r != NULL && h != NULL && V != NULL && W != NULL && T != NULL &&
        BN_bin2bn(in->r, WBE_JPAKE_SCALAR_LEN, r) != NULL) {
        st = BN_cmp(r, EC_GROUP_get0_order(j->g)) < 0 ? point_read(j, in->v, sizeof in->v, V)
                                                      : PSA_ERROR_INVALID_ARGUMENT;
    }
    if (st == PSA_SUCCESS) {
        st = zkp_hash(j, gen, V, X, j->peer, j->peer_len, h);
    }
    if (st == PSA_SUCCESS) {
        /* Public values only: the variable-time paths are fine here. */
        int ok = EC_POINT_mul(j->g, W, NULL, gen, r, j->bc) == 1 &&
                 EC_POINT_mul(j->g, T, NULL, X, h, j->bc) == 1 &&
                 EC_POINT_add(j->g, W, W, T, j->bc) == 1;
        if (!ok) {
            st = PSA_ERROR_CORRUPTION_DETECTED;
        } else if (EC_POINT_cmp(j->g, W, V, j->bc) != 0) {
            st = PSA_ERROR_INVALID_SIGNATURE;
        }
    }
    BN_free(r);
    BN_free(h);
    EC_POINT_free(V);
    EC_POINT_free(W);
    EC_POINT_free(T);
    ERR_clear_error();
    return st;
}

/* s*x2 mod n into a fresh secret BIGNUM. */
static BIGNUM *x2s(struct wbe_jpake *j)
{
    BIGNUM *k = secret_bn();
    if (k != NULL && BN_mod_mul(k, j->x2, j->s, EC_GROUP_get0_order(j->g), j->bc) != 1) {
        BN_clear_free(k);
        k = NULL;
    }
    return k;
}

/* sum = a + b + c; PSA_ERROR_INVALID_ARGUMENT if that is the point at
 * infinity (possible only with a peer value built for it). */
static psa_status_t add3(struct wbe_jpake *j, EC_POINT *sum, const EC_POINT *a,
                         const EC_POINT *b, const EC_POINT *c)
{
    if (EC_POINT_add(j->g, sum, a, b, j->bc) != 1 || EC_POINT_add(j->g, sum, sum, c, j->bc) != 1) {
        return PSA_ERROR_CORRUPTION_DETECTED;
    }
    return EC_POINT_is_at_infinity(j->g, sum) ? PSA_ERROR_INVALID_ARGUMENT : PSA_SUCCESS;
}

/* ---- the rounds ------------------------------------------------------------- */

psa_status_t wbe_jpake_round1_output(struct wbe_jpake *j, struct wbe_jpake_zkp out[2])
{
    if (j->X1 != NULL) {
        return PSA_ERROR_BAD_STATE;
    }
    j->X1 = EC_POINT_new(j->g);
    j->X2 = EC_POINT_new(j->g);
    if (j->X1 == NULL || j->X2 == NULL) {
        return PSA_ERROR_INSUFFICIENT_MEMORY;
    }
    BIGNUM *xs[2] = {j->x1, j->x2};
    EC_POINT *Xs[2] = {j->X1, j->X2};
    psa_status_t st = PSA_SUCCESS;
    for (int i = 0; i < 2 && st == PSA_SUCCESS; i++) {
        if (g_test_set) {
            st = BN_bin2bn(g_test_x[i], WBE_JPAKE_SCALAR_LEN, xs[i]) != NULL &&
                         !BN_is_zero(xs[i]) && BN_cmp(xs[i], EC_GROUP_get0_order(j->g)) < 0
                     ? PSA_SUCCESS
                     : PSA_ERROR_INVALID_ARGUMENT;
        } else {
            st = random_scalar(j, xs[i]);
        }
        if (st == PSA_SUCCESS && EC_POINT_mul(j->g, Xs[i], xs[i], NULL, NULL, j->bc) != 1) {
            st = PSA_ERROR_CORRUPTION_DETECTED;
        }
        if (st == PSA_SUCCESS) {
            st = zkp_make(j, NULL, xs[i], Xs[i], &out[i]);
        }
    }
    wbe_jpake_test_set_scalars(NULL, NULL);
    ERR_clear_error();
    return st;
}

psa_status_t wbe_jpake_round1_input(struct wbe_jpake *j, int i, const struct wbe_jpake_zkp *in)
{
    EC_POINT **slot = i == 0 ? &j->X3 : &j->X4;
    if ((i != 0 && i != 1) || *slot != NULL) {
        return PSA_ERROR_BAD_STATE;
    }
    EC_POINT *X = EC_POINT_new(j->g);
    psa_status_t st = X != NULL ? point_read(j, in->x, sizeof in->x, X)
                                : PSA_ERROR_INSUFFICIENT_MEMORY;
    if (st == PSA_SUCCESS) {
        st = zkp_check(j, NULL, X, in);
    }
    if (st == PSA_SUCCESS) {
        *slot = X;
    } else {
        EC_POINT_free(X);
    }
    return st;
}

psa_status_t wbe_jpake_round2_output(struct wbe_jpake *j, struct wbe_jpake_zkp *out)
{
    if (j->X1 == NULL || j->X3 == NULL || j->X4 == NULL) {
        return PSA_ERROR_BAD_STATE;
    }
    EC_POINT *G = EC_POINT_new(j->g), *A = EC_POINT_new(j->g);
    BIGNUM *k = x2s(j);
    psa_status_t st = PSA_ERROR_INSUFFICIENT_MEMORY;
    if (G != NULL && A != NULL && k != NULL) {
        st = add3(j, G, j->X1, j->X3, j->X4);
    }
    if (st == PSA_SUCCESS && EC_POINT_mul(j->g, A, NULL, G, k, j->bc) != 1) {
        st = PSA_ERROR_CORRUPTION_DETECTED;
    }
    if (st == PSA_SUCCESS) {
        st = zkp_make(j, G, k, A, out);
    }
    BN_clear_free(k);
    EC_POINT_free(G);
    EC_POINT_free(A);
    ERR_clear_error();
    return st;
}

psa_status_t wbe_jpake_round2_input(struct wbe_jpake *j, const struct wbe_jpake_zkp *in)
{
    if (j->X1 == NULL || j->X3 == NULL || j->B != NULL) {
        return PSA_ERROR_BAD_STATE;
    }
    EC_POINT *G = EC_POINT_new(j->g), *B = EC_POINT_new(j->g);
    psa_status_t st = PSA_ERROR_INSUFFICIENT_MEMORY;
    if (G != NULL && B != NULL) {
        st = point_read(j, in->x, sizeof in->x, B);
    }
    if (st == PSA_SUCCESS) {
        st = add3(j, G, j->X1, j->X2, j->X3);
    }
    if (st == PSA_SUCCESS) {
        st = zkp_check(j, G, B, in);
    }
    if (st == PSA_SUCCESS) {
        j->B = B;
        B = NULL;
    }
    EC_POINT_free(G);
    EC_POINT_free(B);
    ERR_clear_error();
    return st;
}

psa_status_t wbe_jpake_shared(struct wbe_jpake *j, uint8_t out[WBE_JPAKE_POINT_LEN])
{
    if (j->B == NULL || j->X4 == NULL) {
        return PSA_ERROR_BAD_STATE;
    }
    const BIGNUM *n = EC_GROUP_get0_order(j->g);
    BIGNUM *k = x2s(j), *neg = secret_bn();
    EC_POINT *T = EC_POINT_new(j->g), *K = EC_POINT_new(j->g);
    psa_status_t st = PSA_ERROR_INSUFFICIENT_MEMORY;
    if (k != NULL && neg != NULL && T != NULL && K != NULL) {
        /* T = B + X4*(n - x2*s), then K = T*x2. */
        st = BN_sub(neg, n, k) == 1 && EC_POINT_mul(j->g, T, NULL, j->X4, neg, j->bc) == 1 &&
                     EC_POINT_add(j->g, T, T, j->B, j->bc) == 1
                 ? PSA_SUCCESS
                 : PSA_ERROR_CORRUPTION_DETECTED;
    }
    if (st == PSA_SUCCESS && EC_POINT_is_at_infinity(j->g, T)) {
        st = PSA_ERROR_INVALID_ARGUMENT;
    }
    if (st == PSA_SUCCESS && EC_POINT_mul(j->g, K, NULL, T, j->x2, j->bc) != 1) {
        st = PSA_ERROR_CORRUPTION_DETECTED;
    }
    if (st == PSA_SUCCESS) {
        st = point_write(j, K, out);
    }
    BN_clear_free(k);
    BN_clear_free(neg);
    EC_POINT_clear_free(T);
    EC_POINT_clear_free(K);
    ERR_clear_error();
    return st;
}
