/*
 * backend_eddsa_ph.c: EdDSA computed by Ward for what OpenSSL 3.0 cannot do:
 * HashEdDSA (Ed25519ph, Ed448ph: RFC 8032 §5.1 and §5.2 with phflag 1 and
 * an empty context) and the check of an encoded Edwards point. Each twisted
 * Edwards curve a*x^2 + y^2 = 1 + d*x^2*y^2 is mapped birationally to a
 * short-Weierstrass curve over the same field, built with
 * EC_GROUP_new_curve_GFp, where OpenSSL does the scalar multiplication. One
 * implementation, parameterised by curve. It computes, never decides policy;
 * secret scalars are BN_FLG_CONSTTIME and wiped, and nothing secret is logged.
 */
#include "ward_crypto_backend.h"
#include "backend_eddsa_ph.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#define ED_MAX_B 57  /* bytes of an encoded point, scalar or private key (Ed448) */
#define ED_MAX_H 114 /* bytes of H's output (Ed448: SHAKE256 to 114 bytes) */

/* RFC 8032 §5.1 and §5.2: the EdDSA parameters of one curve. */
struct ed_curve {
    size_t bits;          /* the PSA key size */
    size_t b;             /* bytes of an encoded point or scalar (the RFC's b / 8) */
    int p_e1, p_e2;       /* p = 2^p_e1 - 2^p_e2 - p_c (p_e2 == 0: no such term) */
    unsigned p_c;
    long a;               /* -1 or 1 */
    long d_num, d_den;    /* d = d_num / d_den mod p */
    int l_e, l_sign;      /* L = 2^l_e + l_sign * l_dec */
    const char *l_dec;
    unsigned cofactor;    /* 2^c */
    int clamp_c, clamp_n; /* the scalar: low c bits clear, bit n set, none above */
    long by_num, by_den;  /* the base point's y = by_num / by_den, */
    const char *by_dec;   /* or in decimal when set; its x is even */
    psa_algorithm_t hash; /* H */
    size_t hlen;          /* 2b: the length of H's output */
    const char *dom;      /* the dom2 / dom4 prefix */
    bool pure_dom;        /* PureEdDSA has a dom too (Ed448: dom4(0, "")) */
};

static const struct ed_curve g_ed25519 = {
    .bits = 255, .b = 32, .p_e1 = 255, .p_e2 = 0, .p_c = 19, .a = -1,
    .d_num = -121665, .d_den = 121666,
    .l_e = 252, .l_sign = 1, .l_dec = "27742317777372353535851937790883648493",
    .cofactor = 8, .clamp_c = 3, .clamp_n = 254, .by_num = 4, .by_den = 5, .by_dec = NULL,
    .hash = PSA_ALG_SHA_512, .hlen = 64, .dom = "SigEd25519 no Ed25519 collisions",
    .pure_dom = false,
};

static const struct ed_curve g_ed448 = {
    .bits = 448, .b = 57, .p_e1 = 448, .p_e2 = 224, .p_c = 1, .a = 1,
    .d_num = -39081, .d_den = 1,
    .l_e = 446, .l_sign = -1,
    .l_dec = "13818066809895115352007386748515426880336692474882178609894547503885",
    .cofactor = 4, .clamp_c = 2, .clamp_n = 447, .by_num = 0, .by_den = 1,
    .by_dec = "29881921007848149267601793044393067343754404015408024209592824137233150618983587"
              "6003536878655418784733982303233503462500531545062832660",
    .hash = PSA_ALG_SHAKE256_512, .hlen = 114, .dom = "SigEd448", .pure_dom = true,
};

static const struct ed_curve *ed_curve_of(size_t bits)
{
    return bits == 255 ? &g_ed25519 : bits == 448 ? &g_ed448 : NULL;
}

/* One curve ready for use: its field and the Weierstrass group. The
 * Montgomery form B*v^2 = u^3 + A*u^2 + u has A = 2(a+d)/(a-d) and
 * B = 4/(a-d); u = (1+y)/(1-y), v = u/x; the Weierstrass point is
 * X = (u + A/3)/B, Y = v/B on Y^2 = X^3 + (3-A^2)/(3B^2) X + (2A^3-9A)/(27B^3). */
struct ed {
    const struct ed_curve *c;
    BN_CTX *bc;
    BIGNUM *p, *a, *d, *l;
    BIGNUM *mb, *mb_inv, *a3, *x0; /* B, 1/B, A/3, and A/(3B): the X of (0, -1) */
    EC_GROUP *g;
};

/* num / den mod p into r. */
static int bn_frac(BIGNUM *r, long num, long den, const BIGNUM *p, BN_CTX *bc)
{
    BIGNUM *n = BN_new(), *q = BN_new();
    int ok = n != NULL && q != NULL &&
             BN_set_word(n, (BN_ULONG)(num < 0 ? -num : num)) == 1 &&
             BN_set_word(q, (BN_ULONG)(den < 0 ? -den : den)) == 1;
    if (ok) {
        BN_set_negative(n, (num < 0) != (den < 0));
        ok = BN_nnmod(n, n, p, bc) == 1 && BN_mod_inverse(q, q, p, bc) != NULL &&
             BN_mod_mul(r, n, q, p, bc) == 1;
    }
    BN_free(n);
    BN_free(q);
    return ok;
}

/* r = r * w mod p. */
static int bn_mul_word_mod(BIGNUM *r, BN_ULONG w, const BIGNUM *p, BN_CTX *bc)
{
    return BN_mul_word(r, w) == 1 && BN_nnmod(r, r, p, bc) == 1;
}

/* RFC 8032 §5.1.3 steps 2-4 (§5.2.3 likewise): the x with this parity for y,
 * 0 if there is none. */
static int ed_recover_x(const struct ed *e, const BIGNUM *y, int sign, BIGNUM *x)
{
    BN_CTX_start(e->bc);
    BIGNUM *y2 = BN_CTX_get(e->bc), *u = BN_CTX_get(e->bc), *v = BN_CTX_get(e->bc);
    BIGNUM *x2 = BN_CTX_get(e->bc);
    int ok = x2 != NULL && BN_mod_sqr(y2, y, e->p, e->bc) == 1 &&
             BN_mod_sub(u, y2, BN_value_one(), e->p, e->bc) == 1 &&
             BN_mod_mul(v, e->d, y2, e->p, e->bc) == 1 &&
             BN_mod_sub(v, v, e->a, e->p, e->bc) == 1 && !BN_is_zero(v) &&
             BN_mod_inverse(v, v, e->p, e->bc) != NULL &&
             BN_mod_mul(x2, u, v, e->p, e->bc) == 1;
    if (ok && BN_is_zero(x2)) {
        ok = !sign; /* x = 0 has no negative: a set sign bit is refused */
        BN_zero(x);
    } else if (ok) {
        /* BN_mod_sqrt fails for a non-square; the square is checked anyway. */
        ok = BN_mod_sqrt(x, x2, e->p, e->bc) != NULL &&
             BN_mod_sqr(u, x, e->p, e->bc) == 1 && BN_cmp(u, x2) == 0;
        if (ok && BN_is_odd(x) != (sign != 0)) {
            ok = BN_sub(x, e->p, x) == 1;
        }
    }
    BN_CTX_end(e->bc);
    return ok;
}

/* RFC 8032 §5.1.3 / §5.2.3: decode b bytes into (x, y); 0 for a non-canonical
 * y (>= p) or a y with no x on the curve. */
static int ed_decode(const struct ed *e, const uint8_t *in, BIGNUM *x, BIGNUM *y)
{
    uint8_t buf[ED_MAX_B];
    size_t b = e->c->b;
    memcpy(buf, in, b);
    int sign = buf[b - 1] >> 7;
    buf[b - 1] &= 0x7f;
    if (BN_lebin2bn(buf, (int)b, y) == NULL || BN_cmp(y, e->p) >= 0) {
        return 0;
    }
    return ed_recover_x(e, y, sign, x);
}

/* RFC 8032 §5.1.2 / §5.2.2. */
static int ed_encode(const struct ed *e, const BIGNUM *x, const BIGNUM *y, uint8_t *out)
{
    size_t b = e->c->b;
    if (BN_bn2lebinpad(y, out, (int)b) != (int)b) {
        return 0;
    }
    out[b - 1] |= (uint8_t)(BN_is_odd(x) ? 0x80 : 0);
    return 1;
}

/* The Weierstrass point of Edwards (x, y), which must be on the curve. The
 * two points the rational map leaves out are handled: the identity (0, 1)
 * is the point at infinity, and (0, -1) (Montgomery (0, 0)) is (A/(3B), 0).
 * For these complete curves (d not a square) no other point is exceptional. */
static int ed_to_weier(const struct ed *e, const BIGNUM *x, const BIGNUM *y, EC_POINT *pt)
{
    if (BN_is_zero(x)) {
        if (BN_is_one(y)) {
            return EC_POINT_set_to_infinity(e->g, pt);
        }
        BIGNUM *zero = BN_new();
        int ok = zero != NULL &&
                 EC_POINT_set_affine_coordinates(e->g, pt, e->x0, zero, e->bc) == 1;
        BN_free(zero);
        return ok;
    }
    BN_CTX_start(e->bc);
    BIGNUM *u = BN_CTX_get(e->bc), *t = BN_CTX_get(e->bc), *v = BN_CTX_get(e->bc);
    BIGNUM *wx = BN_CTX_get(e->bc), *wy = BN_CTX_get(e->bc);
    int ok = wy != NULL && BN_mod_sub(t, BN_value_one(), y, e->p, e->bc) == 1 &&
             BN_mod_inverse(t, t, e->p, e->bc) != NULL &&
             BN_mod_add(u, BN_value_one(), y, e->p, e->bc) == 1 &&
             BN_mod_mul(u, u, t, e->p, e->bc) == 1 &&             /* u = (1+y)/(1-y) */
             BN_mod_inverse(t, x, e->p, e->bc) != NULL &&
             BN_mod_mul(v, u, t, e->p, e->bc) == 1 &&             /* v = u/x */
             BN_mod_mul(wx, u, e->mb_inv, e->p, e->bc) == 1 &&
             BN_mod_add(wx, wx, e->x0, e->p, e->bc) == 1 &&       /* X = u/B + A/(3B) */
             BN_mod_mul(wy, v, e->mb_inv, e->p, e->bc) == 1 &&    /* Y = v/B */
             EC_POINT_set_affine_coordinates(e->g, pt, wx, wy, e->bc) == 1;
    BN_CTX_end(e->bc);
    return ok;
}

/* The Edwards (x, y) of a Weierstrass point: the inverse of ed_to_weier. */
static int ed_from_weier(const struct ed *e, const EC_POINT *pt, BIGNUM *x, BIGNUM *y)
{
    if (EC_POINT_is_at_infinity(e->g, pt)) {
        BN_zero(x);
        return BN_one(y);
    }
    BN_CTX_start(e->bc);
    BIGNUM *wx = BN_CTX_get(e->bc), *wy = BN_CTX_get(e->bc), *u = BN_CTX_get(e->bc);
    BIGNUM *v = BN_CTX_get(e->bc), *t = BN_CTX_get(e->bc);
    int ok = t != NULL && EC_POINT_get_affine_coordinates(e->g, pt, wx, wy, e->bc) == 1;
    if (ok && BN_is_zero(wy)) {
        /* The only point of order two: Edwards (0, -1). */
        ok = BN_cmp(wx, e->x0) == 0 && BN_sub(y, e->p, BN_value_one()) == 1;
        BN_zero(x);
    } else if (ok) {
        ok = BN_mod_mul(u, wx, e->mb, e->p, e->bc) == 1 &&
             BN_mod_sub(u, u, e->a3, e->p, e->bc) == 1 &&           /* u = B*X - A/3 */
             BN_mod_mul(v, wy, e->mb, e->p, e->bc) == 1 &&          /* v = B*Y */
             BN_mod_inverse(t, v, e->p, e->bc) != NULL &&
             BN_mod_mul(x, u, t, e->p, e->bc) == 1 &&               /* x = u/v */
             BN_mod_add(t, u, BN_value_one(), e->p, e->bc) == 1 && !BN_is_zero(t) &&
             BN_mod_inverse(t, t, e->p, e->bc) != NULL &&
             BN_mod_sub(y, u, BN_value_one(), e->p, e->bc) == 1 &&
             BN_mod_mul(y, y, t, e->p, e->bc) == 1;                 /* y = (u-1)/(u+1) */
    }
    BN_CTX_end(e->bc);
    return ok;
}

static void ed_free(struct ed *e)
{
    EC_GROUP_free(e->g);
    BN_free(e->p);
    BN_free(e->a);
    BN_free(e->d);
    BN_free(e->l);
    BN_free(e->mb);
    BN_free(e->mb_inv);
    BN_free(e->a3);
    BN_free(e->x0);
    BN_CTX_free(e->bc);
    memset(e, 0, sizeof *e);
}

/* Build the curve of this size: field, constants, Weierstrass group with
 * the RFC's base point as generator, order L and the cofactor. */
static psa_status_t ed_new(size_t bits, struct ed *e)
{
    memset(e, 0, sizeof *e);
    e->c = ed_curve_of(bits);
    if (e->c == NULL) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    const struct ed_curve *c = e->c;
    e->bc = BN_CTX_new();
    e->p = BN_new();
    e->a = BN_new();
    e->d = BN_new();
    e->l = BN_new();
    e->mb = BN_new();
    e->mb_inv = BN_new();
    e->a3 = BN_new();
    e->x0 = BN_new();
    if (e->bc == NULL || e->p == NULL || e->a == NULL || e->d == NULL || e->l == NULL ||
        e->mb == NULL || e->mb_inv == NULL || e->a3 == NULL || e->x0 == NULL) {
        ed_free(e);
        return PSA_ERROR_INSUFFICIENT_MEMORY;
    }
    BN_CTX *bc = e->bc;
    BN_CTX_start(bc);
    BIGNUM *t = BN_CTX_get(bc), *ma = BN_CTX_get(bc), *inv = BN_CTX_get(bc);
    BIGNUM *wa = BN_CTX_get(bc), *wb = BN_CTX_get(bc), *bx = BN_CTX_get(bc);
    BIGNUM *by = BN_CTX_get(bc), *cof = BN_CTX_get(bc);
    BIGNUM *dec = NULL;
    EC_POINT *base = NULL;
    int ok = cof != NULL && BN_set_bit(e->p, c->p_e1) == 1 &&
             (c->p_e2 == 0 || (BN_set_word(t, 0) == 1 && BN_set_bit(t, c->p_e2) == 1 &&
                                BN_sub(e->p, e->p, t) == 1)) &&
             BN_sub_word(e->p, c->p_c) == 1 && bn_frac(e->a, c->a, 1, e->p, bc) &&
             bn_frac(e->d, c->d_num, c->d_den, e->p, bc) &&
             BN_dec2bn(&dec, c->l_dec) != 0 && BN_set_bit(e->l, c->l_e) == 1 &&
             (c->l_sign > 0 ? BN_add(e->l, e->l, dec) : BN_sub(e->l, e->l, dec)) == 1 &&
             /* Montgomery: inv = 1/(a-d), A = 2(a+d)*inv, B = 4*inv */
             BN_mod_sub(inv, e->a, e->d, e->p, bc) == 1 &&
             BN_mod_inverse(inv, inv, e->p, bc) != NULL &&
             BN_mod_add(ma, e->a, e->d, e->p, bc) == 1 &&
             BN_mod_lshift1(ma, ma, e->p, bc) == 1 && BN_mod_mul(ma, ma, inv, e->p, bc) == 1 &&
             BN_mod_lshift(e->mb, inv, 2, e->p, bc) == 1 &&
             BN_mod_inverse(e->mb_inv, e->mb, e->p, bc) != NULL &&
             bn_frac(t, 1, 3, e->p, bc) && BN_mod_mul(e->a3, ma, t, e->p, bc) == 1 &&
             BN_mod_mul(e->x0, e->a3, e->mb_inv, e->p, bc) == 1 &&
             /* Weierstrass a = (3 - A^2) / (3B^2) */
             BN_mod_sqr(wa, ma, e->p, bc) == 1 && BN_set_word(t, 3) == 1 &&
             BN_mod_sub(wa, t, wa, e->p, bc) == 1 &&
             BN_mod_sqr(t, e->mb, e->p, bc) == 1 && bn_mul_word_mod(t, 3, e->p, bc) &&
             BN_mod_inverse(t, t, e->p, bc) != NULL && BN_mod_mul(wa, wa, t, e->p, bc) == 1 &&
             /* Weierstrass b = (2A^3 - 9A) / (27B^3) */
             BN_mod_sqr(wb, ma, e->p, bc) == 1 && BN_mod_mul(wb, wb, ma, e->p, bc) == 1 &&
             BN_mod_lshift1(wb, wb, e->p, bc) == 1 && BN_copy(t, ma) != NULL &&
             bn_mul_word_mod(t, 9, e->p, bc) && BN_mod_sub(wb, wb, t, e->p, bc) == 1 &&
             BN_mod_sqr(t, e->mb, e->p, bc) == 1 && BN_mod_mul(t, t, e->mb, e->p, bc) == 1 &&
             bn_mul_word_mod(t, 27, e->p, bc) && BN_mod_inverse(t, t, e->p, bc) != NULL &&
             BN_mod_mul(wb, wb, t, e->p, bc) == 1 &&
             (e->g = EC_GROUP_new_curve_GFp(e->p, wa, wb, bc)) != NULL &&
             (base = EC_POINT_new(e->g)) != NULL;
    /* The base point: y from the RFC, x even (sign bit 0). */
    if (ok && c->by_dec != NULL) {
        BIGNUM *tmp = NULL;
        ok = BN_dec2bn(&tmp, c->by_dec) != 0 && BN_copy(by, tmp) != NULL;
        BN_free(tmp);
    } else if (ok) {
        ok = bn_frac(by, c->by_num, c->by_den, e->p, bc);
    }
    ok = ok && ed_recover_x(e, by, 0, bx) && ed_to_weier(e, bx, by, base) &&
         BN_set_word(cof, c->cofactor) == 1 &&
         EC_GROUP_set_generator(e->g, base, e->l, cof) == 1;
    EC_POINT_free(base);
    BN_free(dec);
    BN_CTX_end(bc);
    ERR_clear_error();
    if (!ok) {
        ed_free(e);
        return PSA_ERROR_CORRUPTION_DETECTED;
    }
    return PSA_SUCCESS;
}

/* The two curves are built once, by wbe_init (building one costs a few
 * hundred microseconds, more than a signature), and shared read-only; each
 * call works on a copy of the description with its own BN_CTX. */
static struct ed g_ed[2];
static bool g_ed_ready[2];

static int ed_index(size_t bits)
{
    return bits == 255 ? 0 : bits == 448 ? 1 : -1;
}

void wbe_eddsa_ph_init(void)
{
    static const size_t sizes[2] = {255, 448};
    for (int i = 0; i < 2; i++) {
        g_ed_ready[i] = ed_new(sizes[i], &g_ed[i]) == PSA_SUCCESS;
        if (g_ed_ready[i]) {
            BN_CTX_free(g_ed[i].bc);
            g_ed[i].bc = NULL;
        }
    }
}

void wbe_eddsa_ph_shutdown(void)
{
    for (int i = 0; i < 2; i++) {
        if (g_ed_ready[i]) {
            ed_free(&g_ed[i]);
            g_ed_ready[i] = false;
        }
    }
}

/* A working copy of the curve of this size: ed_put releases it. */
static psa_status_t ed_get(size_t bits, struct ed *e)
{
    int i = ed_index(bits);
    if (i < 0 || ed_curve_of(bits) == NULL) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    if (!g_ed_ready[i]) {
        return PSA_ERROR_CORRUPTION_DETECTED;
    }
    *e = g_ed[i];
    e->bc = BN_CTX_new();
    return e->bc != NULL ? PSA_SUCCESS : PSA_ERROR_INSUFFICIENT_MEMORY;
}

static void ed_put(struct ed *e)
{
    BN_CTX_free(e->bc);
    memset(e, 0, sizeof *e);
}

/* H over the concatenation of parts: SHA-512, or SHAKE256 to 114 bytes. */
static psa_status_t ed_hash(const struct ed_curve *c, const uint8_t *const parts[],
                            const size_t lens[], size_t np, uint8_t *out)
{
    const EVP_MD *md = wbe_ossl_md(c->hash);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = md != NULL && ctx != NULL && EVP_DigestInit_ex2(ctx, md, NULL) == 1;
    for (size_t i = 0; ok && i < np; i++) {
        ok = lens[i] == 0 || EVP_DigestUpdate(ctx, parts[i], lens[i]) == 1;
    }
    if (ok && c->hash == PSA_ALG_SHAKE256_512) {
        ok = EVP_DigestFinalXOF(ctx, out, c->hlen) == 1;
    } else if (ok) {
        unsigned int l = 0;
        ok = EVP_DigestFinal_ex(ctx, out, &l) == 1 && l == c->hlen;
    }
    EVP_MD_CTX_free(ctx);
    return ok ? PSA_SUCCESS : PSA_ERROR_CORRUPTION_DETECTED;
}

/* dom2(phflag, "") for Ed25519ph, dom4(phflag, "") for Ed448 and Ed448ph,
 * nothing for pure Ed25519 (RFC 8032 §5.1, §5.2): its length. */
static size_t ed_dom(const struct ed_curve *c, bool ph, uint8_t *out)
{
    if (!ph && !c->pure_dom) {
        return 0;
    }
    size_t n = strlen(c->dom);
    memcpy(out, c->dom, n);
    out[n] = ph ? 1 : 0; /* phflag */
    out[n + 1] = 0;      /* the context is empty */
    return n + 2;
}

/* A 2b-byte hash as a little-endian integer, reduced mod L; flagged
 * constant-time when it is secret. */
static int ed_hash_to_scalar(const struct ed *e, const uint8_t *h, bool secret, BIGNUM *out)
{
    BIGNUM *t = BN_new();
    int ok = t != NULL;
    if (ok && secret) {
        BN_set_flags(t, BN_FLG_CONSTTIME);
    }
    ok = ok && BN_lebin2bn(h, (int)e->c->hlen, t) != NULL && BN_nnmod(out, t, e->l, e->bc) == 1;
    BN_clear_free(t);
    return ok;
}

/* RFC 8032 §5.1.5 / §5.2.5: from the private key, the secret scalar s
 * (flagged constant-time), the prefix and the encoded public key A = [s]B.
 * prefix may be NULL. */
static psa_status_t ed_expand(const struct ed *e, const uint8_t *priv, BIGNUM *s,
                              uint8_t *prefix, uint8_t *a_enc)
{
    const struct ed_curve *c = e->c;
    uint8_t h[ED_MAX_H];
    const uint8_t *parts[] = {priv};
    size_t lens[] = {c->b};
    psa_status_t st = ed_hash(c, parts, lens, 1, h);
    EC_POINT *pt = EC_POINT_new(e->g);
    BIGNUM *x = BN_new(), *y = BN_new();
    if (st == PSA_SUCCESS && (pt == NULL || x == NULL || y == NULL)) {
        st = PSA_ERROR_INSUFFICIENT_MEMORY;
    }
    if (st == PSA_SUCCESS) {
        /* Prune the first half: low c bits clear, bit n set, none above. */
        int n = c->clamp_n;
        h[0] &= (uint8_t)~((1u << c->clamp_c) - 1u);
        for (size_t i = (size_t)n / 8 + 1; i < c->b; i++) {
            h[i] = 0;
        }
        h[n / 8] &= (uint8_t)((1u << (n % 8 + 1)) - 1u);
        h[n / 8] |= (uint8_t)(1u << (n % 8));
        BN_set_flags(s, BN_FLG_CONSTTIME);
        if (prefix != NULL) {
            memcpy(prefix, h + c->b, c->b);
        }
        st = BN_lebin2bn(h, (int)c->b, s) != NULL &&
                     EC_POINT_mul(e->g, pt, s, NULL, NULL, e->bc) == 1 &&
                     ed_from_weier(e, pt, x, y) && ed_encode(e, x, y, a_enc)
                 ? PSA_SUCCESS
                 : PSA_ERROR_CORRUPTION_DETECTED;
    }
    OPENSSL_cleanse(h, sizeof h);
    EC_POINT_clear_free(pt);
    BN_free(x);
    BN_free(y);
    return st;
}

/* RFC 8032 §5.1.6 / §5.2.6: the signature R || S of m (PH(M) when ph). */
static psa_status_t ed_sign(const struct ed *e, bool ph, const uint8_t *priv, const uint8_t *m,
                            size_t m_len, uint8_t *sig)
{
    const struct ed_curve *c = e->c;
    uint8_t prefix[ED_MAX_B], a_enc[ED_MAX_B], dom[40], h[ED_MAX_H];
    size_t dom_len = ed_dom(c, ph, dom);
    BIGNUM *s = BN_secure_new(), *r = BN_secure_new(), *k = BN_new(), *sc = BN_secure_new();
    BIGNUM *x = BN_new(), *y = BN_new();
    EC_POINT *pt = EC_POINT_new(e->g);
    BN_MONT_CTX *mont = BN_MONT_CTX_new();
    psa_status_t st = PSA_ERROR_INSUFFICIENT_MEMORY;
    if (s != NULL && r != NULL && k != NULL && sc != NULL && x != NULL && y != NULL &&
        pt != NULL && mont != NULL) {
        BN_set_flags(r, BN_FLG_CONSTTIME);
        BN_set_flags(sc, BN_FLG_CONSTTIME);
        st = ed_expand(e, priv, s, prefix, a_enc);
    }
    if (st == PSA_SUCCESS) {
        /* r = H(dom || prefix || M) mod L; R = [r]B */
        const uint8_t *parts[] = {dom, prefix, m};
        size_t lens[] = {dom_len, c->b, m_len};
        st = ed_hash(c, parts, lens, 3, h);
    }
    if (st == PSA_SUCCESS) {
        st = ed_hash_to_scalar(e, h, true, r) &&
                     EC_POINT_mul(e->g, pt, r, NULL, NULL, e->bc) == 1 &&
                     ed_from_weier(e, pt, x, y) && ed_encode(e, x, y, sig)
                 ? PSA_SUCCESS
                 : PSA_ERROR_CORRUPTION_DETECTED;
    }
    if (st == PSA_SUCCESS) {
        /* k = H(dom || R || A || M) mod L; S = (r + k*s) mod L */
        const uint8_t *parts[] = {dom, sig, a_enc, m};
        size_t lens[] = {dom_len, c->b, c->b, m_len};
        st = ed_hash(c, parts, lens, 4, h);
    }
    if (st == PSA_SUCCESS) {
        /* The secret product k*s in Montgomery form (fixed-length arithmetic,
         * no division of a secret): s reduced mod L under BN_FLG_CONSTTIME,
         * times k in Montgomery form gives k*s mod L. */
        st = ed_hash_to_scalar(e, h, false, k) && BN_nnmod(s, s, e->l, e->bc) == 1 &&
                     BN_MONT_CTX_set(mont, e->l, e->bc) == 1 &&
                     BN_to_montgomery(k, k, mont, e->bc) == 1 &&
                     BN_mod_mul_montgomery(sc, k, s, mont, e->bc) == 1 &&
                     BN_mod_add(sc, sc, r, e->l, e->bc) == 1 &&
                     BN_bn2lebinpad(sc, sig + c->b, (int)c->b) == (int)c->b
                 ? PSA_SUCCESS
                 : PSA_ERROR_CORRUPTION_DETECTED;
    }
    OPENSSL_cleanse(prefix, sizeof prefix);
    OPENSSL_cleanse(h, sizeof h);
    BN_clear_free(s);
    BN_clear_free(r);
    BN_clear_free(sc);
    BN_free(k);
    BN_free(x);
    BN_free(y);
    EC_POINT_clear_free(pt);
    BN_MONT_CTX_free(mont);
    return st;
}

/* RFC 8032 §5.1.7 / §5.2.7 with the cofactorless equation the RFC allows:
 * [S]B = R + [k]A, checked as [S]B + [-k]A == R with k the full hash
 * (not reduced). PSA_ERROR_INVALID_SIGNATURE for a signature whose R or A
 * does not decode, whose S >= L, or that does not verify. */
static psa_status_t ed_verify(const struct ed *e, bool ph, const uint8_t *a_enc,
                              const uint8_t *m, size_t m_len, const uint8_t *sig)
{
    const struct ed_curve *c = e->c;
    uint8_t dom[40], h[ED_MAX_H];
    size_t dom_len = ed_dom(c, ph, dom);
    BIGNUM *x = BN_new(), *y = BN_new(), *sc = BN_new(), *k = BN_new();
    EC_POINT *rp = EC_POINT_new(e->g), *ap = EC_POINT_new(e->g), *t = EC_POINT_new(e->g);
    psa_status_t st = PSA_ERROR_INSUFFICIENT_MEMORY;
    if (x != NULL && y != NULL && sc != NULL && k != NULL && rp != NULL && ap != NULL &&
        t != NULL) {
        st = ed_decode(e, sig, x, y) && ed_to_weier(e, x, y, rp) && ed_decode(e, a_enc, x, y) &&
                     ed_to_weier(e, x, y, ap) &&
                     BN_lebin2bn(sig + c->b, (int)c->b, sc) != NULL && BN_cmp(sc, e->l) < 0
                 ? PSA_SUCCESS
                 : PSA_ERROR_INVALID_SIGNATURE;
    }
    if (st == PSA_SUCCESS) {
        const uint8_t *parts[] = {dom, sig, a_enc, m};
        size_t lens[] = {dom_len, c->b, c->b, m_len};
        st = ed_hash(c, parts, lens, 4, h);
    }
    if (st == PSA_SUCCESS) {
        if (BN_lebin2bn(h, (int)c->hlen, k) == NULL) {
            st = PSA_ERROR_INSUFFICIENT_MEMORY;
        } else {
            BN_set_negative(k, 1);
            if (EC_POINT_mul(e->g, t, sc, ap, k, e->bc) != 1) {
                st = PSA_ERROR_CORRUPTION_DETECTED;
            } else if (EC_POINT_cmp(e->g, t, rp, e->bc) != 0) {
                st = PSA_ERROR_INVALID_SIGNATURE;
            }
        }
    }
    BN_free(x);
    BN_free(y);
    BN_free(sc);
    BN_free(k);
    EC_POINT_free(rp);
    EC_POINT_free(ap);
    EC_POINT_free(t);
    return st;
}

/* ---- entry points ------------------------------------------------------------- */

psa_status_t wbe_edwards_check_public(size_t bits, const uint8_t *m, size_t n)
{
    struct ed e;
    psa_status_t st = ed_get(bits, &e);
    if (st != PSA_SUCCESS) {
        return st;
    }
    BIGNUM *x = BN_new(), *y = BN_new();
    if (x == NULL || y == NULL) {
        st = PSA_ERROR_INSUFFICIENT_MEMORY;
    } else if (n != e.c->b || !ed_decode(&e, m, x, y)) {
        st = PSA_ERROR_INVALID_ARGUMENT;
    }
    BN_free(x);
    BN_free(y);
    ed_put(&e);
    ERR_clear_error();
    return st;
}

static psa_status_t run_sign(size_t bits, bool ph, const uint8_t *priv, size_t n,
                             const uint8_t *m, size_t m_len, uint8_t *sig)
{
    struct ed e;
    psa_status_t st = ed_get(bits, &e);
    if (st != PSA_SUCCESS) {
        return st;
    }
    st = n == e.c->b ? ed_sign(&e, ph, priv, m, m_len, sig) : PSA_ERROR_INVALID_ARGUMENT;
    ed_put(&e);
    ERR_clear_error();
    return st;
}

static psa_status_t run_verify(psa_key_type_t type, size_t bits, bool ph, const uint8_t *key,
                               size_t n, const uint8_t *m, size_t m_len, const uint8_t *sig,
                               size_t sig_len)
{
    struct ed e;
    psa_status_t st = ed_get(bits, &e);
    if (st != PSA_SUCCESS) {
        return st;
    }
    uint8_t a_enc[ED_MAX_B];
    if (n != e.c->b) {
        st = PSA_ERROR_INVALID_ARGUMENT;
    } else if (sig_len != 2 * e.c->b) {
        st = PSA_ERROR_INVALID_SIGNATURE;
    } else if (PSA_KEY_TYPE_IS_ECC_KEY_PAIR(type)) {
        BIGNUM *s = BN_secure_new();
        st = s != NULL ? ed_expand(&e, key, s, NULL, a_enc) : PSA_ERROR_INSUFFICIENT_MEMORY;
        BN_clear_free(s);
    } else {
        memcpy(a_enc, key, n);
    }
    if (st == PSA_SUCCESS) {
        st = ed_verify(&e, ph, a_enc, m, m_len, sig);
    }
    ed_put(&e);
    ERR_clear_error();
    return st;
}

psa_status_t wbe_hash_eddsa_sign(size_t bits, const uint8_t *priv, size_t n, const uint8_t *ph,
                                 size_t ph_len, uint8_t *sig)
{
    if (ph_len != 64) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    return run_sign(bits, true, priv, n, ph, ph_len, sig);
}

psa_status_t wbe_hash_eddsa_verify(psa_key_type_t type, size_t bits, const uint8_t *key,
                                   size_t n, const uint8_t *ph, size_t ph_len,
                                   const uint8_t *sig, size_t sig_len)
{
    if (ph_len != 64) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    return run_verify(type, bits, true, key, n, ph, ph_len, sig, sig_len);
}

psa_status_t wbe_edwards_public_own(size_t bits, const uint8_t *priv, size_t n, uint8_t *out)
{
    struct ed e;
    psa_status_t st = ed_get(bits, &e);
    if (st != PSA_SUCCESS) {
        return st;
    }
    BIGNUM *s = BN_secure_new();
    if (n != e.c->b) {
        st = PSA_ERROR_INVALID_ARGUMENT;
    } else {
        st = s != NULL ? ed_expand(&e, priv, s, NULL, out) : PSA_ERROR_INSUFFICIENT_MEMORY;
    }
    BN_clear_free(s);
    ed_put(&e);
    ERR_clear_error();
    return st;
}

psa_status_t wbe_pure_eddsa_sign_own(size_t bits, const uint8_t *priv, size_t n,
                                     const uint8_t *msg, size_t msg_len, uint8_t *sig)
{
    return run_sign(bits, false, priv, n, msg, msg_len, sig);
}

psa_status_t wbe_pure_eddsa_verify_own(size_t bits, const uint8_t *pub, size_t n,
                                       const uint8_t *msg, size_t msg_len, const uint8_t *sig,
                                       size_t sig_len)
{
    return run_verify(PSA_KEY_TYPE_ECC_PUBLIC_KEY(PSA_ECC_FAMILY_TWISTED_EDWARDS), bits, false,
                      pub, n, msg, msg_len, sig, sig_len);
}
