/*
 * ward_token.h: PSA attestation tokens: the claims model, the builder for
 * the RFC 9783 profile (run by the attestation service in the SPE: no
 * allocation, fixed-size output) and the checker for three profiles (run by
 * verifiers on untrusted tokens). docs/attestation-tokens.md lists every
 * rule enforced.
 *
 * Profiles:
 *  - RFC 9783, "tag:psacertified.org,2023:psa#tfm" (built and checked);
 *  - "http://arm.com/psa/2.0.0" (the draft TF-M still emits; checked);
 *  - PSA_IOT_PROFILE_1 (Attestation API 1.0, claim keys -75000...; checked).
 */
#ifndef WARD_TOKEN_H
#define WARD_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "psa/error.h"
#include "ward_cose.h"

#ifdef __cplusplus
extern "C" {
#endif

enum ward_token_profile {
    WARD_TOKEN_PROFILE_UNKNOWN = 0,
    WARD_TOKEN_PROFILE_RFC9783,   /* tag:psacertified.org,2023:psa#tfm */
    WARD_TOKEN_PROFILE_PSA_2_0_0, /* http://arm.com/psa/2.0.0 */
    WARD_TOKEN_PROFILE_IOT_1,     /* PSA_IOT_PROFILE_1 */
};

#define WARD_TOKEN_PROFILE_RFC9783_NAME "tag:psacertified.org,2023:psa#tfm"
#define WARD_TOKEN_PROFILE_PSA_2_0_0_NAME "http://arm.com/psa/2.0.0"
#define WARD_TOKEN_PROFILE_IOT_1_NAME "PSA_IOT_PROFILE_1"

/* Claim keys: RFC 9783 and http://arm.com/psa/2.0.0. */
#define WARD_CLAIM_NONCE 10
#define WARD_CLAIM_INSTANCE_ID 256 /* EAT ueid */
#define WARD_CLAIM_PROFILE 265     /* EAT eat_profile */
#define WARD_CLAIM_BOOT_SEED 268   /* EAT bootseed */
#define WARD_CLAIM_CLIENT_ID 2394
#define WARD_CLAIM_LIFECYCLE 2395
#define WARD_CLAIM_IMPLEMENTATION_ID 2396
#define WARD_CLAIM_BOOT_SEED_LEGACY 2397 /* 2.0.0 only */
#define WARD_CLAIM_CERT_REF 2398
#define WARD_CLAIM_SW_COMPONENTS 2399
#define WARD_CLAIM_VSI 2400
/* PSA_IOT_PROFILE_1. */
#define WARD_CLAIM_P1_PROFILE (-75000)
#define WARD_CLAIM_P1_CLIENT_ID (-75001)
#define WARD_CLAIM_P1_LIFECYCLE (-75002)
#define WARD_CLAIM_P1_IMPLEMENTATION_ID (-75003)
#define WARD_CLAIM_P1_BOOT_SEED (-75004)
#define WARD_CLAIM_P1_HW_VERSION (-75005)
#define WARD_CLAIM_P1_SW_COMPONENTS (-75006)
#define WARD_CLAIM_P1_NO_SW_MEASUREMENTS (-75007)
#define WARD_CLAIM_P1_NONCE (-75008)
#define WARD_CLAIM_P1_INSTANCE_ID (-75009)
#define WARD_CLAIM_P1_VSI (-75010)
/* Keys inside a software component map (all profiles). */
#define WARD_SWC_MEASUREMENT_TYPE 1
#define WARD_SWC_MEASUREMENT_VALUE 2
#define WARD_SWC_VERSION 4
#define WARD_SWC_SIGNER_ID 5
#define WARD_SWC_MEASUREMENT_DESC 6

#define WARD_TOKEN_INSTANCE_ID_LEN 33
#define WARD_TOKEN_IMPLEMENTATION_ID_LEN 32
#define WARD_TOKEN_MAX_SW_COMPONENTS 32

/* Byte and text values, borrowed from the token (or, for the builder, from
 * the caller). Presence is in ward_token_claims.present. */
struct ward_token_bytes {
    const uint8_t *p;
    size_t len;
};
struct ward_token_text {
    const char *p; /* UTF-8, not NUL-terminated */
    size_t len;
};

/* Bits of ward_token_sw_component.present. */
#define WARD_SWC_HAS_TYPE (1u << 0)
#define WARD_SWC_HAS_VALUE (1u << 1)
#define WARD_SWC_HAS_VERSION (1u << 2)
#define WARD_SWC_HAS_SIGNER_ID (1u << 3)
#define WARD_SWC_HAS_DESC (1u << 4)

struct ward_token_sw_component {
    unsigned present;
    struct ward_token_text measurement_type;
    struct ward_token_bytes measurement_value;
    struct ward_token_text version;
    struct ward_token_bytes signer_id;
    struct ward_token_text measurement_desc;
};

/* Bits of ward_token_claims.present. */
#define WARD_HAS_PROFILE (1u << 0)
#define WARD_HAS_NONCE (1u << 1)
#define WARD_HAS_INSTANCE_ID (1u << 2)
#define WARD_HAS_IMPLEMENTATION_ID (1u << 3)
#define WARD_HAS_CLIENT_ID (1u << 4)
#define WARD_HAS_LIFECYCLE (1u << 5)
#define WARD_HAS_BOOT_SEED (1u << 6)
#define WARD_HAS_CERT_REF (1u << 7)
#define WARD_HAS_SW_COMPONENTS (1u << 8)
#define WARD_HAS_VSI (1u << 9)
#define WARD_HAS_NO_SW_MEASUREMENTS (1u << 10)

/* The claims of one token, whatever its profile. */
struct ward_token_claims {
    enum ward_token_profile profile;
    unsigned present;
    struct ward_token_text profile_name; /* as in the token */
    struct ward_token_bytes nonce;
    struct ward_token_bytes instance_id;
    struct ward_token_bytes implementation_id;
    int32_t client_id;
    uint32_t security_lifecycle;
    struct ward_token_bytes boot_seed;
    int64_t boot_seed_key; /* the key that carried it (268, 2397 or -75004) */
    struct ward_token_text certification_reference; /* P1: hardware version */
    struct ward_token_text verification_service;
    size_t n_sw_components;
    struct ward_token_sw_component sw_components[WARD_TOKEN_MAX_SW_COMPONENTS];
    uint64_t no_sw_measurements; /* P1 only; must be 1 when present */
};

/* What was wrong with a token, for a person: msg reads like
 * "claim 2395 (security lifecycle): value 0x7000 is not a valid state".
 * claim is the key concerned, or 0 when the problem is not one claim's. */
struct ward_token_error {
    int64_t claim;
    char msg[192];
};

const char *ward_token_profile_name(enum ward_token_profile p);
/* "secured", "non-PSA-RoT debug", ...; "invalid" outside the valid ranges. */
const char *ward_token_lifecycle_name(uint32_t lifecycle);
/* True if lifecycle lies in one of the seven ranges of RFC 9783 §4.3.1. */
bool ward_token_lifecycle_valid(uint32_t lifecycle);

/* ---- checking ---------------------------------------------------------- */

/* Decode an (unsigned) claims map, detect its profile and apply every rule
 * of that profile. On success *out holds the claims, borrowing from
 * payload. Returns PSA_SUCCESS; PSA_ERROR_INVALID_ARGUMENT for malformed
 * CBOR or a broken rule; PSA_ERROR_NOT_SUPPORTED for an unknown profile.
 * err says which claim and why. */
psa_status_t ward_token_check_claims(const uint8_t *payload, size_t len,
                                     struct ward_token_claims *out,
                                     struct ward_token_error *err);

/* Apply the rules of c->profile to claims already in the model (used by
 * the checker after decoding and by the builder before encoding). */
psa_status_t ward_token_validate(const struct ward_token_claims *c,
                                 struct ward_token_error *err);

/* The whole check of a signed token: envelope (ward_cose_parse), signature
 * or MAC (crypto->verify), claims (ward_token_check_claims) and, when
 * expected_nonce is not NULL, that the nonce claim equals it. *msg and *out
 * borrow from token. Returns PSA_SUCCESS, or the first failure:
 * PSA_ERROR_INVALID_ARGUMENT (malformed, a rule broken, nonce mismatch),
 * PSA_ERROR_INVALID_SIGNATURE, PSA_ERROR_NOT_SUPPORTED (algorithm, key type
 * or profile). */
psa_status_t ward_token_verify(const uint8_t *token, size_t len,
                               const struct ward_cose_crypto *crypto,
                               const uint8_t *expected_nonce, size_t nonce_len,
                               struct ward_cose_msg *msg, struct ward_token_claims *out,
                               struct ward_token_error *err);

/* ---- building (RFC 9783 profile only) ----------------------------------- */

/* Exact size of the token ward_token_build would produce for these claims
 * and algorithm. The encoding is fixed-size: client ID and lifecycle always
 * take 4 and 2 argument bytes, so the size depends only on which claims are
 * present and the lengths of their byte and text strings (for a given
 * device, only on the nonce size). Returns PSA_SUCCESS,
 * PSA_ERROR_INVALID_ARGUMENT if the claims break a rule (err may be NULL),
 * PSA_ERROR_NOT_SUPPORTED for another profile or algorithm. */
psa_status_t ward_token_build_size(const struct ward_token_claims *c, int64_t alg,
                                   size_t kid_len, size_t *size,
                                   struct ward_token_error *err);

/* Encode the claims (validated first) as a COSE_Sign1 or COSE_Mac0 (by alg)
 * signed through crypto->sign. Same errors as ward_token_build_size, plus
 * PSA_ERROR_BUFFER_TOO_SMALL and the callback's errors. */
psa_status_t ward_token_build(const struct ward_token_claims *c, int64_t alg,
                              const uint8_t *kid, size_t kid_len,
                              const struct ward_cose_crypto *crypto, uint8_t *buf,
                              size_t size, size_t *out_len, struct ward_token_error *err);

/* Encode only the claims map (deterministic, fixed-size as above). */
psa_status_t ward_token_encode_claims(const struct ward_token_claims *c,
                                      struct ward_cbor_enc *enc);

#ifdef __cplusplus
}
#endif

#endif /* WARD_TOKEN_H */
