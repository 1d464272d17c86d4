/*
 * ward_cose.h: COSE_Sign1 and COSE_Mac0 (RFC 9052/9053) as PSA attestation
 * tokens use them: building (in the SPE: no allocation, crypto through a
 * callback so the key never leaves the crypto service) and parsing and
 * checking (in verifiers: strict, crypto through the same interface, e.g.
 * ward_cose_openssl.h).
 *
 * Supported: tagged COSE_Sign1 (tag 18) with ES256/ES384/ES512 and raw r||s
 * signatures; tagged COSE_Mac0 (tag 17) with HMAC 256/256, 384/384,
 * 512/512. external_aad is always empty. The algorithm must be in the
 * protected header; payloads must be attached. This layer knows nothing
 * about the payload's contents.
 */
#ifndef WARD_COSE_H
#define WARD_COSE_H

#include <stddef.h>
#include <stdint.h>

#include "psa/error.h"
#include "ward_cbor.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WARD_COSE_TAG_SIGN1 18
#define WARD_COSE_TAG_MAC0 17

#define WARD_COSE_ALG_ES256 (-7)
#define WARD_COSE_ALG_ES384 (-35)
#define WARD_COSE_ALG_ES512 (-36)
#define WARD_COSE_ALG_HMAC256 5 /* HMAC 256/256 */
#define WARD_COSE_ALG_HMAC384 6 /* HMAC 384/384 */
#define WARD_COSE_ALG_HMAC512 7 /* HMAC 512/512 */

#define WARD_COSE_MAX_SIG_LEN 132 /* ES512: two 66-byte coordinates */

#define WARD_COSE_HDR_ALG 1
#define WARD_COSE_HDR_CRIT 2
#define WARD_COSE_HDR_KID 4

enum ward_cose_kind {
    WARD_COSE_UNKNOWN = 0,
    WARD_COSE_SIGN1,
    WARD_COSE_MAC0,
};

/* What an algorithm identifier is: SIGN1, MAC0, or UNKNOWN if unsupported. */
enum ward_cose_kind ward_cose_alg_kind(int64_t alg);
/* Signature (r||s) or tag length of a supported algorithm; 0 otherwise. */
size_t ward_cose_sig_len(int64_t alg);
/* "ES256", "HMAC 256/256", ...; "unknown" otherwise. */
const char *ward_cose_alg_name(int64_t alg);

/* The bytes that are signed or MACed (the CBOR Sig_structure or
 * MAC_structure), as consecutive pieces, so that nobody has to copy the
 * payload into a second buffer: feed them to a hash in order. */
struct ward_cose_frag {
    const uint8_t *p;
    size_t n;
};
#define WARD_COSE_TBS_FRAGS 4

/* The crypto a COSE operation needs, supplied by the caller. Each function
 * gets the algorithm and the to-be-signed pieces. Unused entries may be
 * NULL (the operation then fails with PSA_ERROR_NOT_SUPPORTED).
 *  - sign: write exactly sig_len bytes of raw r||s signature (or MAC tag for
 *    Mac0) to sig;
 *  - verify: PSA_SUCCESS if sig is a valid signature or tag, else
 *    PSA_ERROR_INVALID_SIGNATURE (or another error if it could not check:
 *    wrong key type for alg, crypto failure). Tag comparison must be
 *    constant-time. */
struct ward_cose_crypto {
    void *ctx;
    psa_status_t (*sign)(void *ctx, int64_t alg, const struct ward_cose_frag *tbs,
                         size_t nfrags, uint8_t *sig, size_t sig_len);
    psa_status_t (*verify)(void *ctx, int64_t alg, const struct ward_cose_frag *tbs,
                           size_t nfrags, const uint8_t *sig, size_t sig_len);
};

/* ---- building --------------------------------------------------------- */

/* Writes the payload (one CBOR item, normally a claims map) into enc. Called
 * twice by the builder, first with a counting encoder, then for real: it
 * must write the same bytes both times. */
typedef psa_status_t (*ward_cose_payload_fn)(void *ctx, struct ward_cbor_enc *enc);

/* Exact size of the message ward_cose_build would produce. */
psa_status_t ward_cose_build_size(int64_t alg, size_t kid_len,
                                  ward_cose_payload_fn payload, void *payload_ctx,
                                  size_t *size);

/* Build a tagged COSE_Sign1 or COSE_Mac0 (by alg) into buf: protected header
 * {1: alg}, unprotected header {4: kid} (or {} when kid_len is 0), the
 * payload as the callback writes it, and crypto->sign's signature or tag.
 * Returns PSA_SUCCESS with *out_len; PSA_ERROR_NOT_SUPPORTED for an
 * unsupported alg or missing sign callback; PSA_ERROR_BUFFER_TOO_SMALL if
 * size is short (checked before anything is signed); PSA_ERROR_INVALID_ARGUMENT
 * for NULL pointers; or the callback's error. */
psa_status_t ward_cose_build(int64_t alg, const uint8_t *kid, size_t kid_len,
                             ward_cose_payload_fn payload, void *payload_ctx,
                             const struct ward_cose_crypto *crypto, uint8_t *buf,
                             size_t size, size_t *out_len);

/* ---- parsing and checking --------------------------------------------- */

/* A parsed message. Pointers borrow from the input buffer. */
struct ward_cose_msg {
    enum ward_cose_kind kind;
    int64_t alg;
    const uint8_t *protected_hdr; /* the bstr's contents, as received */
    size_t protected_len;
    const uint8_t *payload;
    size_t payload_len;
    const uint8_t *sig;
    size_t sig_len;
    const uint8_t *kid; /* NULL if absent */
    size_t kid_len;
    char why[128]; /* on failure: what was wrong, for a person */
};

/* Check the envelope's structure without crypto: tag 18 or 17, a 4-element
 * array, a protected header that is a bstr-wrapped map holding a supported
 * alg of the tag's kind (and no `crit`), an unprotected map not repeating a
 * protected label, an attached payload, a signature or tag of exactly the
 * algorithm's length. Returns PSA_SUCCESS; PSA_ERROR_INVALID_ARGUMENT for a
 * malformed message; PSA_ERROR_NOT_SUPPORTED for an algorithm this code does
 * not implement. m->why says what failed. */
psa_status_t ward_cose_parse(const uint8_t *buf, size_t len, struct ward_cose_msg *m);

/* Check the signature or tag of a parsed message with crypto->verify.
 * Returns PSA_SUCCESS, PSA_ERROR_INVALID_SIGNATURE, or the callback's other
 * error; m->why says what failed. */
psa_status_t ward_cose_verify(struct ward_cose_msg *m,
                              const struct ward_cose_crypto *crypto);

/* Fill frags[WARD_COSE_TBS_FRAGS] with the to-be-signed pieces of a
 * message: scratch (at least WARD_COSE_TBS_SCRATCH bytes) holds the small
 * CBOR heads between the borrowed pieces. */
#define WARD_COSE_TBS_SCRATCH 40
psa_status_t ward_cose_tbs(enum ward_cose_kind kind, const uint8_t *protected_hdr,
                           size_t protected_len, const uint8_t *payload,
                           size_t payload_len, uint8_t *scratch,
                           struct ward_cose_frag frags[WARD_COSE_TBS_FRAGS]);

#ifdef __cplusplus
}
#endif

#endif /* WARD_COSE_H */
