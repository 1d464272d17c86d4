/*
 * test_crypto_pake_mbed.c: the Mbed TLS side of the J-PAKE interoperability
 * test (see test_crypto_pake_mbed.h). Compiled on its own, with Mbed TLS's
 * headers and none of Ward's.
 */
#include "test_crypto_pake_mbed.h"

#include <stdlib.h>
#include <sys/random.h>

#ifdef WARD_MBEDTLS_HAS_ECJPAKE
#include <mbedtls/ecjpake.h>
#else
#include <string.h>

#include <mbedtls/bignum.h>
#include <mbedtls/ecp.h>
#include <mbedtls/sha256.h>
#endif

static int rng(void *p, unsigned char *out, size_t len)
{
    (void)p;
    while (len > 0) {
        ssize_t got = getrandom(out, len, 0);
        if (got <= 0) {
            return -1;
        }
        out += got;
        len -= (size_t)got;
    }
    return 0;
}

#ifdef WARD_MBEDTLS_HAS_ECJPAKE

struct mbed_jpake {
    mbedtls_ecjpake_context ctx;
};

struct mbed_jpake *mbed_jpake_new(int server, const uint8_t *password, size_t len)
{
    struct mbed_jpake *m = calloc(1, sizeof *m);
    if (m == NULL) {
        return NULL;
    }
    mbedtls_ecjpake_init(&m->ctx);
    if (mbedtls_ecjpake_setup(&m->ctx, server ? MBEDTLS_ECJPAKE_SERVER : MBEDTLS_ECJPAKE_CLIENT,
                              MBEDTLS_MD_SHA256, MBEDTLS_ECP_DP_SECP256R1, password,
                              len) != 0) {
        mbed_jpake_free(m);
        return NULL;
    }
    return m;
}

int mbed_jpake_write(struct mbed_jpake *m, int round, uint8_t *buf, size_t size, size_t *len)
{
    return round == 1 ? mbedtls_ecjpake_write_round_one(&m->ctx, buf, size, len, rng, NULL)
                      : mbedtls_ecjpake_write_round_two(&m->ctx, buf, size, len, rng, NULL);
}

int mbed_jpake_read(struct mbed_jpake *m, int round, const uint8_t *buf, size_t len)
{
    return round == 1 ? mbedtls_ecjpake_read_round_one(&m->ctx, buf, len)
                      : mbedtls_ecjpake_read_round_two(&m->ctx, buf, len);
}

int mbed_jpake_pms(struct mbed_jpake *m, uint8_t pms[32])
{
    size_t len = 0;
    int r = mbedtls_ecjpake_derive_secret(&m->ctx, pms, 32, &len, rng, NULL);
    return r != 0 ? r : len == 32 ? 0 : -1;
}

void mbed_jpake_free(struct mbed_jpake *m)
{
    if (m != NULL) {
        mbedtls_ecjpake_free(&m->ctx);
        free(m);
    }
}

#else /* no ECJPAKE in this libmbedcrypto: the peer on its ECP primitives */

/*
 * Debian builds libmbedcrypto 2.28 without MBEDTLS_ECJPAKE_C. This peer
 * follows the same protocol and TLS wire format as mbedtls_ecjpake
 * (RFC 8236 with the Thread / TLS-ECJPAKE Schnorr proofs), on Mbed TLS's
 * bignum, ECP and SHA-256 code: arithmetic independent of Ward's OpenSSL.
 */
struct mbed_jpake {
    int server;
    mbedtls_ecp_group grp;
    mbedtls_mpi s, xm1, xm2;
    mbedtls_ecp_point Xm1, Xm2, Xp1, Xp2, Xp;
};

#define CHK(x)            \
    do {                  \
        ret = (x);        \
        if (ret != 0) {   \
            goto cleanup; \
        }                 \
    } while (0)

static const char *own_id(const struct mbed_jpake *m)
{
    return m->server ? "server" : "client";
}

static const char *peer_id(const struct mbed_jpake *m)
{
    return m->server ? "client" : "server";
}

/* h = SHA-256(len || G || len || V || len || X || len || ID) mod N. */
static int zkp_hash(struct mbed_jpake *m, const mbedtls_ecp_point *G, const mbedtls_ecp_point *V,
                    const mbedtls_ecp_point *X, const char *id, mbedtls_mpi *h)
{
    unsigned char buf[4 * 65 + 64], digest[32];
    size_t off = 0, olen = 0, idl = strlen(id);
    int ret = 0;
    const mbedtls_ecp_point *pts[3] = {G, V, X};
    for (int i = 0; i < 3; i++) {
        buf[off] = 0;
        buf[off + 1] = 0;
        buf[off + 2] = 0;
        buf[off + 3] = 65;
        CHK(mbedtls_ecp_point_write_binary(&m->grp, pts[i], MBEDTLS_ECP_PF_UNCOMPRESSED, &olen,
                                           buf + off + 4, 65));
        off += 4 + olen;
    }
    buf[off] = 0;
    buf[off + 1] = 0;
    buf[off + 2] = 0;
    buf[off + 3] = (unsigned char)idl;
    memcpy(buf + off + 4, id, idl);
    off += 4 + idl;
    CHK(mbedtls_sha256_ret(buf, off, digest, 0));
    CHK(mbedtls_mpi_read_binary(h, digest, sizeof digest));
    CHK(mbedtls_mpi_mod_mpi(h, h, &m->grp.N));
cleanup:
    return ret;
}

static int write_point(struct mbed_jpake *m, const mbedtls_ecp_point *P, unsigned char **p)
{
    size_t olen = 0;
    int ret = mbedtls_ecp_point_write_binary(&m->grp, P, MBEDTLS_ECP_PF_UNCOMPRESSED, &olen,
                                             *p + 1, 65);
    if (ret == 0) {
        **p = (unsigned char)olen;
        *p += 1 + olen;
    }
    return ret;
}

static int read_point(struct mbed_jpake *m, mbedtls_ecp_point *P, const unsigned char **p,
                      const unsigned char *end)
{
    if (end - *p < 1 || end - *p - 1 < **p) {
        return MBEDTLS_ERR_ECP_BAD_INPUT_DATA;
    }
    size_t l = **p;
    int ret = mbedtls_ecp_point_read_binary(&m->grp, P, *p + 1, l);
    if (ret == 0) {
        ret = mbedtls_ecp_check_pubkey(&m->grp, P);
    }
    *p += 1 + l;
    return ret;
}

/* Write X and the proof for x (X = x*G): V, then r = v - x*h mod N in its
 * minimal length, as Mbed TLS does. */
static int zkp_write(struct mbed_jpake *m, const mbedtls_ecp_point *G, const mbedtls_mpi *x,
                     const mbedtls_ecp_point *X, unsigned char **p)
{
    mbedtls_mpi v, h, r;
    mbedtls_ecp_point V;
    int ret = 0;
    mbedtls_mpi_init(&v);
    mbedtls_mpi_init(&h);
    mbedtls_mpi_init(&r);
    mbedtls_ecp_point_init(&V);
    CHK(mbedtls_ecp_gen_privkey(&m->grp, &v, rng, NULL));
    CHK(mbedtls_ecp_mul(&m->grp, &V, &v, G, rng, NULL));
    CHK(zkp_hash(m, G, &V, X, own_id(m), &h));
    CHK(mbedtls_mpi_mul_mpi(&r, x, &h));
    CHK(mbedtls_mpi_sub_mpi(&r, &v, &r));
    CHK(mbedtls_mpi_mod_mpi(&r, &r, &m->grp.N));
    CHK(write_point(m, X, p));
    CHK(write_point(m, &V, p));
    size_t rl = mbedtls_mpi_size(&r);
    **p = (unsigned char)rl;
    CHK(mbedtls_mpi_write_binary(&r, *p + 1, rl));
    *p += 1 + rl;
cleanup:
    mbedtls_mpi_free(&v);
    mbedtls_mpi_free(&h);
    mbedtls_mpi_free(&r);
    mbedtls_ecp_point_free(&V);
    return ret;
}

/* Read X and its proof with generator G: r*G + h*X must be V. */
static int zkp_read(struct mbed_jpake *m, const mbedtls_ecp_point *G, mbedtls_ecp_point *X,
                    const unsigned char **p, const unsigned char *end)
{
    mbedtls_mpi h, r;
    mbedtls_ecp_point V, W;
    int ret = 0;
    mbedtls_mpi_init(&h);
    mbedtls_mpi_init(&r);
    mbedtls_ecp_point_init(&V);
    mbedtls_ecp_point_init(&W);
    CHK(read_point(m, X, p, end));
    CHK(read_point(m, &V, p, end));
    if (end - *p < 1 || **p == 0 || end - *p - 1 < **p) {
        ret = MBEDTLS_ERR_ECP_BAD_INPUT_DATA;
        goto cleanup;
    }
    CHK(mbedtls_mpi_read_binary(&r, *p + 1, **p));
    *p += 1 + **p;
    CHK(zkp_hash(m, G, &V, X, peer_id(m), &h));
    CHK(mbedtls_ecp_muladd(&m->grp, &W, &r, G, &h, X));
    if (mbedtls_ecp_point_cmp(&W, &V) != 0) {
        ret = MBEDTLS_ERR_ECP_VERIFY_FAILED;
    }
cleanup:
    mbedtls_mpi_free(&h);
    mbedtls_mpi_free(&r);
    mbedtls_ecp_point_free(&V);
    mbedtls_ecp_point_free(&W);
    return ret;
}

/* R = A + B + C. */
static int add3(struct mbed_jpake *m, mbedtls_ecp_point *R, const mbedtls_ecp_point *A,
                const mbedtls_ecp_point *B, const mbedtls_ecp_point *C)
{
    mbedtls_mpi one;
    int ret = 0;
    mbedtls_mpi_init(&one);
    CHK(mbedtls_mpi_lset(&one, 1));
    CHK(mbedtls_ecp_muladd(&m->grp, R, &one, A, &one, B));
    CHK(mbedtls_ecp_muladd(&m->grp, R, &one, R, &one, C));
cleanup:
    mbedtls_mpi_free(&one);
    return ret;
}

struct mbed_jpake *mbed_jpake_new(int server, const uint8_t *password, size_t len)
{
    struct mbed_jpake *m = calloc(1, sizeof *m);
    if (m == NULL) {
        return NULL;
    }
    m->server = server;
    mbedtls_ecp_group_init(&m->grp);
    mbedtls_mpi_init(&m->s);
    mbedtls_mpi_init(&m->xm1);
    mbedtls_mpi_init(&m->xm2);
    mbedtls_ecp_point_init(&m->Xm1);
    mbedtls_ecp_point_init(&m->Xm2);
    mbedtls_ecp_point_init(&m->Xp1);
    mbedtls_ecp_point_init(&m->Xp2);
    mbedtls_ecp_point_init(&m->Xp);
    if (mbedtls_ecp_group_load(&m->grp, MBEDTLS_ECP_DP_SECP256R1) != 0 ||
        mbedtls_mpi_read_binary(&m->s, password, len) != 0 ||
        mbedtls_mpi_mod_mpi(&m->s, &m->s, &m->grp.N) != 0) {
        mbed_jpake_free(m);
        return NULL;
    }
    return m;
}

int mbed_jpake_write(struct mbed_jpake *m, int round, uint8_t *buf, size_t size, size_t *len)
{
    unsigned char *p = buf;
    int ret = 0;
    mbedtls_ecp_point G, X;
    mbedtls_mpi x;
    mbedtls_ecp_point_init(&G);
    mbedtls_ecp_point_init(&X);
    mbedtls_mpi_init(&x);
    if (size < 3 + 2 * (2 * 66 + 33)) {
        return MBEDTLS_ERR_ECP_BUFFER_TOO_SMALL;
    }
    if (round == 1) {
        CHK(mbedtls_ecp_gen_keypair(&m->grp, &m->xm1, &m->Xm1, rng, NULL));
        CHK(mbedtls_ecp_gen_keypair(&m->grp, &m->xm2, &m->Xm2, rng, NULL));
        CHK(zkp_write(m, &m->grp.G, &m->xm1, &m->Xm1, &p));
        CHK(zkp_write(m, &m->grp.G, &m->xm2, &m->Xm2, &p));
    } else {
        /* Generator Xm1 + Xp1 + Xp2, secret xm2 * s. */
        CHK(add3(m, &G, &m->Xm1, &m->Xp1, &m->Xp2));
        CHK(mbedtls_mpi_mul_mpi(&x, &m->xm2, &m->s));
        CHK(mbedtls_mpi_mod_mpi(&x, &x, &m->grp.N));
        CHK(mbedtls_ecp_mul(&m->grp, &X, &x, &G, rng, NULL));
        if (m->server) {
            memcpy(p, "\x03\x00\x17", 3); /* ECParameters: named_curve secp256r1 */
            p += 3;
        }
        CHK(zkp_write(m, &G, &x, &X, &p));
    }
    *len = (size_t)(p - buf);
cleanup:
    mbedtls_ecp_point_free(&G);
    mbedtls_ecp_point_free(&X);
    mbedtls_mpi_free(&x);
    return ret;
}

int mbed_jpake_read(struct mbed_jpake *m, int round, const uint8_t *buf, size_t len)
{
    const unsigned char *p = buf, *end = buf + len;
    int ret = 0;
    mbedtls_ecp_point G;
    mbedtls_ecp_point_init(&G);
    if (round == 1) {
        CHK(zkp_read(m, &m->grp.G, &m->Xp1, &p, end));
        CHK(zkp_read(m, &m->grp.G, &m->Xp2, &p, end));
    } else {
        if (!m->server) {
            if (len < 3 || memcmp(p, "\x03\x00\x17", 3) != 0) {
                ret = MBEDTLS_ERR_ECP_BAD_INPUT_DATA;
                goto cleanup;
            }
            p += 3;
        }
        CHK(add3(m, &G, &m->Xp1, &m->Xm1, &m->Xm2));
        CHK(zkp_read(m, &G, &m->Xp, &p, end));
    }
    if (p != end) {
        ret = MBEDTLS_ERR_ECP_BAD_INPUT_DATA;
    }
cleanup:
    mbedtls_ecp_point_free(&G);
    return ret;
}

int mbed_jpake_pms(struct mbed_jpake *m, uint8_t pms[32])
{
    /* K = xm2 * (Xp - Xp2 * (xm2 * s)); PMS = SHA-256(K.X). */
    mbedtls_mpi one, t;
    mbedtls_ecp_point K;
    unsigned char x[32];
    int ret = 0;
    mbedtls_mpi_init(&one);
    mbedtls_mpi_init(&t);
    mbedtls_ecp_point_init(&K);
    CHK(mbedtls_mpi_lset(&one, 1));
    CHK(mbedtls_mpi_mul_mpi(&t, &m->xm2, &m->s));
    CHK(mbedtls_mpi_mod_mpi(&t, &t, &m->grp.N));
    CHK(mbedtls_mpi_sub_mpi(&t, &m->grp.N, &t));
    CHK(mbedtls_ecp_muladd(&m->grp, &K, &one, &m->Xp, &t, &m->Xp2));
    CHK(mbedtls_ecp_mul(&m->grp, &K, &m->xm2, &K, rng, NULL));
    CHK(mbedtls_mpi_write_binary(&K.X, x, sizeof x));
    CHK(mbedtls_sha256_ret(x, sizeof x, pms, 0));
cleanup:
    mbedtls_mpi_free(&one);
    mbedtls_mpi_free(&t);
    mbedtls_ecp_point_free(&K);
    return ret;
}

void mbed_jpake_free(struct mbed_jpake *m)
{
    if (m == NULL) {
        return;
    }
    mbedtls_ecp_group_free(&m->grp);
    mbedtls_mpi_free(&m->s);
    mbedtls_mpi_free(&m->xm1);
    mbedtls_mpi_free(&m->xm2);
    mbedtls_ecp_point_free(&m->Xm1);
    mbedtls_ecp_point_free(&m->Xm2);
    mbedtls_ecp_point_free(&m->Xp1);
    mbedtls_ecp_point_free(&m->Xp2);
    mbedtls_ecp_point_free(&m->Xp);
    free(m);
}

#endif
