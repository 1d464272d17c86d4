/*
 * ward_crypto_backend.h: the seam between the crypto core and the library
 * that does the mathematics. The core owns policy, keys and state machines;
 * the backend only computes, on key bytes and parameters the core has
 * already checked. It never decides whether an operation is permitted.
 * Every function returns PSA_ERROR_NOT_SUPPORTED for what it cannot compute.
 */
#ifndef WARD_CRYPTO_BACKEND_H
#define WARD_CRYPTO_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "psa/crypto.h"

/* Load the private library context and fetch every algorithm once.
 * Idempotent; wbe_shutdown releases everything. */
psa_status_t wbe_init(void);
void wbe_shutdown(void);

/* Random bytes for public values (IVs, nonces) and for secrets (keys). */
psa_status_t wbe_random(uint8_t *out, size_t n);
psa_status_t wbe_random_secret(uint8_t *out, size_t n);
/* 0 when equal; time depends only on n. */
int wbe_memcmp_ct(const void *a, const void *b, size_t n);
void wbe_cleanse(void *p, size_t n);

/* Hash. alg is a PSA hash algorithm. */
struct wbe_hash;
bool wbe_hash_supported(psa_algorithm_t alg);
psa_status_t wbe_hash_new(psa_algorithm_t alg, struct wbe_hash **out);
psa_status_t wbe_hash_update(struct wbe_hash *h, const uint8_t *in, size_t n);
/* Writes exactly PSA_HASH_LENGTH(alg) bytes; the hash cannot be updated
 * afterwards until wbe_hash_restart. */
psa_status_t wbe_hash_finish(struct wbe_hash *h, uint8_t *out);
psa_status_t wbe_hash_restart(struct wbe_hash *h);
psa_status_t wbe_hash_clone(const struct wbe_hash *h, struct wbe_hash **out);
void wbe_hash_free(struct wbe_hash *h);

/* MAC: full-length HMAC(hash) or CMAC over a block cipher key. */
struct wbe_mac;
psa_status_t wbe_mac_new(psa_algorithm_t full_alg, psa_key_type_t key_type,
                         const uint8_t *key, size_t key_len,
                         struct wbe_mac **out);
psa_status_t wbe_mac_update(struct wbe_mac *m, const uint8_t *in, size_t n);
/* Writes the full MAC (out_len bytes, the algorithm's full length). */
psa_status_t wbe_mac_finish(struct wbe_mac *m, uint8_t *out, size_t out_len);
/* Start a new message with the same key. */
psa_status_t wbe_mac_restart(struct wbe_mac *m);
void wbe_mac_free(struct wbe_mac *m);

/* Unauthenticated ciphers over a key type (AES, ARIA, Camellia, SM4, DES,
 * ChaCha20). */
enum wbe_mode {
    WBE_MODE_ECB,
    WBE_MODE_CBC,
    WBE_MODE_CTR,
    WBE_MODE_CFB,
    WBE_MODE_OFB,
    WBE_MODE_XTS,
    WBE_MODE_STREAM, /* ChaCha20, 16-byte IV = LE32 counter || nonce */
};
struct wbe_cipher;
bool wbe_cipher_supported(psa_key_type_t type, size_t key_bits, enum wbe_mode mode);
psa_status_t wbe_cipher_new(psa_key_type_t type, const uint8_t *key,
                            size_t key_len, enum wbe_mode mode, bool encrypt,
                            bool pkcs7, struct wbe_cipher **out);
/* Set (or reset) the IV; iv_len must be the mode's IV length. */
psa_status_t wbe_cipher_set_iv(struct wbe_cipher *c, const uint8_t *iv, size_t iv_len);
/* out must have room for n + block length - 1 bytes (n for stream modes). */
psa_status_t wbe_cipher_update(struct wbe_cipher *c, const uint8_t *in, size_t n,
                               uint8_t *out, size_t *out_len);
/* out must have room for one block. PSA_ERROR_INVALID_ARGUMENT for a
 * partial block without padding; PSA_ERROR_INVALID_PADDING for bad PKCS#7. */
psa_status_t wbe_cipher_finish(struct wbe_cipher *c, uint8_t *out, size_t *out_len);
void wbe_cipher_free(struct wbe_cipher *c);

/* HChaCha20 (draft-irtf-cfrg-xchacha section 2.2): the 32-byte subkey of
 * XChaCha20 from a 32-byte key and the first 16 bytes of its nonce. */
psa_status_t wbe_hchacha20(const uint8_t key[32], const uint8_t in[16], uint8_t out[32]);

/* AEAD with a streaming primitive: GCM (16-byte block ciphers) and
 * ChaCha20-Poly1305. CCM is built by the core on wbe_cipher. */
enum wbe_aead_kind { WBE_AEAD_GCM, WBE_AEAD_CHACHA20_POLY1305 };
struct wbe_aead;
bool wbe_aead_supported(psa_key_type_t type, size_t key_bits, enum wbe_aead_kind kind);
psa_status_t wbe_aead_new(enum wbe_aead_kind kind, psa_key_type_t type,
                          const uint8_t *key, size_t key_len,
                          struct wbe_aead **out);
/* Begin a message in one direction with this nonce (any earlier message's
 * state is discarded). */
psa_status_t wbe_aead_start(struct wbe_aead *a, bool encrypt,
                            const uint8_t *nonce, size_t nonce_len);
psa_status_t wbe_aead_update_ad(struct wbe_aead *a, const uint8_t *in, size_t n);
/* Writes exactly n bytes. */
psa_status_t wbe_aead_update(struct wbe_aead *a, const uint8_t *in, size_t n,
                             uint8_t *out);
psa_status_t wbe_aead_finish_tag(struct wbe_aead *a, uint8_t *tag, size_t tag_len);
/* PSA_ERROR_INVALID_SIGNATURE when the tag (tag_len bytes) does not match. */
psa_status_t wbe_aead_verify_tag(struct wbe_aead *a, const uint8_t *tag, size_t tag_len);
/* A whole message in one call (start, AAD, data, tag): the one-shot path.
 * Encrypting (tag_in NULL) writes n bytes to out and tag_len bytes to
 * tag_out; decrypting (tag_out NULL) writes n bytes to out and returns
 * PSA_ERROR_INVALID_SIGNATURE if tag_in does not match (out then holds
 * unauthenticated data for the caller to wipe). */
psa_status_t wbe_aead_oneshot(struct wbe_aead *a, const uint8_t *nonce, size_t nonce_len,
                              const uint8_t *ad, size_t ad_len, const uint8_t *in,
                              size_t n, uint8_t *out, const uint8_t *tag_in,
                              uint8_t *tag_out, size_t tag_len);
void wbe_aead_free(struct wbe_aead *a);

/* A key the asymmetric functions compute with: its PSA type, size and
 * material (the PSA export format), and the place where the backend keeps
 * the library's parsed form of it between calls. The core owns that place
 * (one per key slot, under the core's lock) and frees what it holds with
 * wbe_pkey_free when the key is destroyed or its scratch copy is wiped, so
 * the key is parsed and checked once, not on every call. */
struct wbe_pkey;
struct wbe_key {
    psa_key_type_t type;
    size_t bits;
    const uint8_t *m;
    size_t n;
    struct wbe_pkey **cache; /* never NULL; *cache may be */
};
void wbe_pkey_free(struct wbe_pkey *pk);

/* Elliptic curves. type is a PSA ECC key type (pair or public key) and bits
 * its size; key material is always in the PSA export format: the private
 * scalar (big-endian, ceil(bits/8) bytes; Montgomery: the RFC 7748 string)
 * or the public key (0x04 || X || Y; Montgomery: the u coordinate). */
bool wbe_ecc_supported(psa_key_type_t type, size_t bits);
/* PSA_ERROR_INVALID_ARGUMENT if the material is not a valid key (scalar out
 * of [1, n-1], point not on the curve or at infinity, wrong length);
 * PSA_ERROR_NOT_SUPPORTED for a compressed point. */
psa_status_t wbe_ecc_check(psa_key_type_t type, size_t bits, const uint8_t *m, size_t n);
/* A new private key of PSA_BITS_TO_BYTES(bits) bytes. */
psa_status_t wbe_ecc_generate(psa_key_type_t type, size_t bits, uint8_t *out);
/* The public key of a key pair (or a copy of a public key). */
psa_status_t wbe_ecc_public(psa_key_type_t type, size_t bits, const uint8_t *m, size_t n,
                            uint8_t *out, size_t out_size, size_t *out_len);
/* ECDSA over hash (any length, truncated to the order as ECDSA does): the
 * raw r || s signature, 2 * ceil(bits/8) bytes. det_hash is 0 for a random
 * nonce, or the hash whose HMAC makes the RFC 6979 nonce. */
psa_status_t wbe_ecdsa_sign(const struct wbe_key *key, const uint8_t *hash, size_t hash_len,
                            psa_algorithm_t det_hash, uint8_t *sig);
/* PSA_ERROR_INVALID_SIGNATURE if the signature does not verify. */
psa_status_t wbe_ecdsa_verify(const struct wbe_key *key, const uint8_t *hash, size_t hash_len,
                              const uint8_t *sig, size_t sig_len);
/* ECDH / X25519 / X448 with a private key and a peer public key in the PSA
 * format: the shared secret (x or u coordinate, ceil(bits/8) bytes).
 * PSA_ERROR_INVALID_ARGUMENT for an invalid peer key. */
psa_status_t wbe_ecdh(const struct wbe_key *key, const uint8_t *peer, size_t peer_len,
                      uint8_t *out);
/* PureEdDSA (Ed25519, Ed448) over a whole message: a 2 * WBE_ECC_KEY_BYTES-byte
 * signature; PSA_ERROR_INVALID_SIGNATURE if it does not verify. */
psa_status_t wbe_eddsa_sign(const struct wbe_key *key, const uint8_t *msg, size_t msg_len,
                            uint8_t *sig);
psa_status_t wbe_eddsa_verify(const struct wbe_key *key, const uint8_t *msg, size_t msg_len,
                              const uint8_t *sig, size_t sig_len);

/* Finite-field Diffie-Hellman (backend_ffdh.c) over the RFC 7919 groups:
 * type a PSA_DH_FAMILY_RFC7919 key type, bits 2048, 3072, 4096, 6144 or
 * 8192. Key material is in the PSA formats: a key pair is the private value
 * x, a public key the value y = 2^x mod p, each big-endian and exactly as
 * long as p. */
bool wbe_ffdh_supported(psa_key_type_t type, size_t bits);
/* PSA_ERROR_INVALID_ARGUMENT unless n is the length of p and, for a key
 * pair, 1 <= x <= p-1 with 2^x != 1; for a public key, 2 <= y <= p-2 and
 * y^q = 1 with q = (p-1)/2 (SP 800-56A full public key validation). */
psa_status_t wbe_ffdh_check(psa_key_type_t type, size_t bits, const uint8_t *m, size_t n);
/* A private value from a candidate k of PSA_BITS_TO_BYTES(bits) bytes (the
 * PSA key derivation text, SP 800-56A "testing candidates"): x = k + 1 into
 * out if k <= p-2 and 2^x != 1; PSA_ERROR_INVALID_ARGUMENT if the candidate
 * is refused (draw another). */
psa_status_t wbe_ffdh_candidate(psa_key_type_t type, size_t bits, const uint8_t *k, size_t n,
                                uint8_t *out);
/* A new private value (PSA_BITS_TO_BYTES(bits) bytes): candidates from the
 * secret RNG, as above. */
psa_status_t wbe_ffdh_generate(psa_key_type_t type, size_t bits, uint8_t *out);
/* The public value of a key pair (or a copy of a public key). */
psa_status_t wbe_ffdh_public(psa_key_type_t type, size_t bits, const uint8_t *m, size_t n,
                             uint8_t *out, size_t out_size, size_t *out_len);
/* The shared secret 2^(x y) mod p, zero-padded to the length of p, from a
 * key pair and the peer's public value; PSA_ERROR_INVALID_ARGUMENT for a
 * peer value that is not valid (wrong length or as in wbe_ffdh_check). */
psa_status_t wbe_ffdh(psa_key_type_t type, size_t bits, const uint8_t *x, size_t n,
                      const uint8_t *peer, size_t peer_len, uint8_t *out);

/* Bytes of the key material of an ECC type and size: ceil(bits/8), except
 * Ed448, whose keys are 57 bytes (RFC 8032 §5.2.5); an EdDSA signature is
 * twice that. */
#define WBE_ECC_KEY_BYTES(type, bits)                                                 \
    (PSA_KEY_TYPE_ECC_GET_FAMILY(type) == PSA_ECC_FAMILY_TWISTED_EDWARDS && (bits) == 448 \
         ? 57u                                                                        \
         : PSA_BITS_TO_BYTES(bits))

/* Edwards curves computed by Ward (backend_eddsa_ph.c) on OpenSSL's
 * Weierstrass arithmetic; bits is 255 (Ed25519) or 448 (Ed448), keys and
 * points are in the RFC 8032 encodings (32 or 57 bytes).
 * An encoded public key: PSA_ERROR_INVALID_ARGUMENT unless it is n bytes, its
 * y canonical (< p) and on the curve (RFC 8032 §5.1.3, §5.2.3). */
psa_status_t wbe_edwards_check_public(size_t bits, const uint8_t *m, size_t n);
/* HashEdDSA, Ed25519ph / Ed448ph with an empty context (RFC 8032 §5.1, §5.2,
 * phflag 1): ph is PH(M), 64 bytes (SHA-512 / SHAKE256 to 64 bytes), else
 * PSA_ERROR_INVALID_ARGUMENT. sign writes 2 * WBE_ECC_KEY_BYTES bytes;
 * verify takes a key pair or a public key and returns
 * PSA_ERROR_INVALID_SIGNATURE for a signature that does not verify. */
psa_status_t wbe_hash_eddsa_sign(size_t bits, const uint8_t *priv, size_t n, const uint8_t *ph,
                                 size_t ph_len, uint8_t *sig);
psa_status_t wbe_hash_eddsa_verify(psa_key_type_t type, size_t bits, const uint8_t *key,
                                   size_t n, const uint8_t *ph, size_t ph_len,
                                   const uint8_t *sig, size_t sig_len);
/* Test only: the same arithmetic in PureEdDSA mode (Ed25519 without dom2,
 * Ed448 with dom4(0, "")) and the public key of a private key, so that tests
 * can compare them with OpenSSL's Ed25519 and Ed448. */
psa_status_t wbe_pure_eddsa_sign_own(size_t bits, const uint8_t *priv, size_t n,
                                     const uint8_t *msg, size_t msg_len, uint8_t *sig);
psa_status_t wbe_pure_eddsa_verify_own(size_t bits, const uint8_t *pub, size_t n,
                                       const uint8_t *msg, size_t msg_len, const uint8_t *sig,
                                       size_t sig_len);
psa_status_t wbe_edwards_public_own(size_t bits, const uint8_t *priv, size_t n, uint8_t *out);

/* RSA. A key pair is a PKCS#1 RSAPrivateKey in DER, a public key an
 * RSAPublicKey in DER (the PSA formats). wbe_rsa_check accepts exactly
 * these encodings (no PKCS#8 or SubjectPublicKeyInfo, no trailing bytes; a
 * key pair must be consistent) and gives the modulus size in bits:
 * PSA_ERROR_INVALID_ARGUMENT otherwise. */
psa_status_t wbe_rsa_check(psa_key_type_t type, const uint8_t *m, size_t n, size_t *bits);
/* A new key pair with public exponent e (big-endian, e_len bytes; e_len 0
 * means 65537), written as DER into out. The core has checked e (odd, > 1). */
psa_status_t wbe_rsa_generate(size_t bits, const uint8_t *e, size_t e_len, uint8_t *out,
                              size_t out_size, size_t *out_len);
psa_status_t wbe_rsa_public(psa_key_type_t type, const uint8_t *m, size_t n, uint8_t *out,
                            size_t out_size, size_t *out_len);
/* PKCS#1 v1.5 (hash or raw) and PSS signatures of a hash; the signature is
 * the modulus length. salt_any: PSS verification accepts any salt length. */
psa_status_t wbe_rsa_sign(const struct wbe_key *key, psa_algorithm_t alg, const uint8_t *hash,
                          size_t hash_len, uint8_t *sig, size_t sig_size, size_t *sig_len);
psa_status_t wbe_rsa_verify(const struct wbe_key *key, psa_algorithm_t alg,
                            const uint8_t *hash, size_t hash_len, const uint8_t *sig,
                            size_t sig_len);
/* RSAES-OAEP (label: the PSA salt) and RSAES-PKCS1-v1_5. out has room for
 * the modulus length. Encryption: PSA_ERROR_INVALID_ARGUMENT if the input is
 * too long. Decryption: PSA_ERROR_INVALID_PADDING for any bad ciphertext
 * (one status for every padding failure). */
psa_status_t wbe_rsa_crypt(const struct wbe_key *key, psa_algorithm_t alg, bool encrypt,
                           const uint8_t *in, size_t in_len, const uint8_t *label,
                           size_t label_len, uint8_t *out, size_t *out_len);
/* The modulus length in bytes of an RSA key, 0 if it does not parse. */
size_t wbe_rsa_size(const struct wbe_key *key);

/* EC J-PAKE (RFC 8236) on P-256 with Schnorr proofs (RFC 8235) in the form
 * Thread, TLS-ECJPAKE and Mbed TLS use: the proof hash is SHA-256 of
 * len(G) || G || len(V) || V || len(X) || X || len(ID) || ID, 4-byte
 * big-endian lengths and uncompressed points, taken mod n; r = v - x*h.
 * Points are uncompressed (65 bytes), scalars 32-byte big-endian. The core
 * orders the steps; each function checks only what it computes on. */
#define WBE_JPAKE_POINT_LEN 65u
#define WBE_JPAKE_SCALAR_LEN 32u
struct wbe_jpake_zkp {
    uint8_t x[WBE_JPAKE_POINT_LEN];  /* the public value (X1, X2, A, ...) */
    uint8_t v[WBE_JPAKE_POINT_LEN];  /* the proof's commitment V */
    uint8_t r[WBE_JPAKE_SCALAR_LEN]; /* the proof's response r */
};
struct wbe_jpake;
/* secret: the password as a big-endian integer, taken mod n;
 * PSA_ERROR_INVALID_ARGUMENT if that is 0. */
psa_status_t wbe_jpake_new(const uint8_t *secret, size_t secret_len, struct wbe_jpake **out);
/* The identities our proofs and the peer's carry (copied), before round 1;
 * PSA_ERROR_NOT_SUPPORTED if longer than WBE_JPAKE_ID_MAX. */
#define WBE_JPAKE_ID_MAX 1024u
psa_status_t wbe_jpake_set_ids(struct wbe_jpake *j, const uint8_t *user, size_t user_len,
                               const uint8_t *peer, size_t peer_len);
/* PSA_ERROR_INVALID_ARGUMENT unless p is an uncompressed P-256 point on the
 * curve (so not the point at infinity). */
psa_status_t wbe_jpake_check_point(const uint8_t *p, size_t n);
/* Round 1: fresh x1, x2 in [1, n-1]; X1, X2 with their proofs. */
psa_status_t wbe_jpake_round1_output(struct wbe_jpake *j, struct wbe_jpake_zkp out[2]);
/* Round 1: the peer's X3 (i = 0) or X4 (i = 1) and its proof under the peer
 * identity. PSA_ERROR_INVALID_SIGNATURE if the proof fails;
 * PSA_ERROR_INVALID_ARGUMENT for a value that is malformed (r >= n). */
psa_status_t wbe_jpake_round1_input(struct wbe_jpake *j, int i, const struct wbe_jpake_zkp *in);
/* Round 2, once round 1 is complete both ways: A = (X1+X3+X4)*(x2*s) and
 * its proof with that generator. */
psa_status_t wbe_jpake_round2_output(struct wbe_jpake *j, struct wbe_jpake_zkp *out);
/* Round 2: the peer's B, its proof checked with generator X1+X2+X3. */
psa_status_t wbe_jpake_round2_input(struct wbe_jpake *j, const struct wbe_jpake_zkp *in);
/* After both rounds: K = (B - X4*(x2*s))*x2, uncompressed. */
psa_status_t wbe_jpake_shared(struct wbe_jpake *j, uint8_t out[WBE_JPAKE_POINT_LEN]);
void wbe_jpake_free(struct wbe_jpake *j);
/* Tests only (known-answer vectors): the next wbe_jpake_round1_output uses
 * these x1, x2 (32 bytes each) instead of random ones; NULL forgets them. */
void wbe_jpake_test_set_scalars(const uint8_t *x1, const uint8_t *x2);

#endif /* WARD_CRYPTO_BACKEND_H */
