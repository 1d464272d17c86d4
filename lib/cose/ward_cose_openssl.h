/*
 * ward_cose_openssl.h: the verifier-side crypto for ward_cose.h on OpenSSL 3
 * libcrypto: ECDSA P-256/384/521 (raw r||s converted to and from DER) and
 * HMAC-SHA-256/384/512 with a constant-time tag compare. Never linked into
 * the SPE: it signs only for tests and tools.
 */
#ifndef WARD_COSE_OPENSSL_H
#define WARD_COSE_OPENSSL_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "ward_cose.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WARD_COSE_HMAC_KEY_MAX 1024

/* A key: an EC key (public, or private for signing), or raw HMAC key bytes. */
struct ward_cose_key {
    EVP_PKEY *pkey; /* owned; NULL for an HMAC key */
    uint8_t hmac[WARD_COSE_HMAC_KEY_MAX];
    size_t hmac_len;
};

/* Load a key from a file's contents. If the bytes contain a PEM block
 * ("-----BEGIN "), they must be a PEM public key (SubjectPublicKeyInfo), a
 * PEM private key or a PEM X.509 certificate (in both cases only the public
 * key is used; a certificate's issuer and validity are not checked), on
 * P-256, P-384 or P-521;
 * otherwise the bytes are taken as a raw HMAC key (1..WARD_COSE_HMAC_KEY_MAX
 * bytes). Returns PSA_SUCCESS, PSA_ERROR_INVALID_ARGUMENT for an unreadable
 * PEM or bad length, PSA_ERROR_NOT_SUPPORTED for another key type or curve;
 * why (size whylen) says what was wrong. */
psa_status_t ward_cose_key_load(struct ward_cose_key *k, const uint8_t *buf,
                                size_t len, char *why, size_t whylen);
/* Free what a key owns and wipe the HMAC bytes. Safe on a zeroed key. */
void ward_cose_key_free(struct ward_cose_key *k);
/* "EC P-256", "HMAC (64 bytes)", ... */
const char *ward_cose_key_describe(const struct ward_cose_key *k, char *buf, size_t n);

/* The callbacks for ward_cose_build / ward_cose_verify using key k. A MAC
 * tag is computed by `sign` and compared by `verify` with CRYPTO_memcmp.
 * verify returns PSA_ERROR_NOT_SUPPORTED when the key does not fit the
 * algorithm (an HMAC key for ES256, a P-384 key for ES256, ...). */
void ward_cose_openssl_crypto(struct ward_cose_crypto *c, struct ward_cose_key *k);

#ifdef __cplusplus
}
#endif

#endif /* WARD_COSE_OPENSSL_H */
