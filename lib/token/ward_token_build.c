/*
 * ward_token_build.c: encodes RFC 9783 claims and signs them through
 * lib/cose. Runs in the SPE: no allocation, and a fixed-size encoding so
 * psa_initial_attest_get_token_size can report the exact size before any
 * signing happens.
 */
#include "ward_token_internal.h"

static void put_component(struct ward_cbor_enc *e, const struct ward_token_sw_component *s)
{
    unsigned n = 0;
    for (unsigned bit = 1; bit <= WARD_SWC_HAS_DESC; bit <<= 1)
        n += (s->present & bit) != 0;
    ward_cbor_put_map(e, n);
    if (s->present & WARD_SWC_HAS_TYPE) {
        ward_cbor_put_int(e, WARD_SWC_MEASUREMENT_TYPE);
        ward_cbor_put_tstr(e, s->measurement_type.p, s->measurement_type.len);
    }
    ward_cbor_put_int(e, WARD_SWC_MEASUREMENT_VALUE);
    ward_cbor_put_bstr(e, s->measurement_value.p, s->measurement_value.len);
    if (s->present & WARD_SWC_HAS_VERSION) {
        ward_cbor_put_int(e, WARD_SWC_VERSION);
        ward_cbor_put_tstr(e, s->version.p, s->version.len);
    }
    ward_cbor_put_int(e, WARD_SWC_SIGNER_ID);
    ward_cbor_put_bstr(e, s->signer_id.p, s->signer_id.len);
    if (s->present & WARD_SWC_HAS_DESC) {
        ward_cbor_put_int(e, WARD_SWC_MEASUREMENT_DESC);
        ward_cbor_put_tstr(e, s->measurement_desc.p, s->measurement_desc.len);
    }
}

/* Claims in a fixed order; the caller has validated them. Client ID and
 * lifecycle use fixed-width arguments (4 and 2 bytes), so their values never
 * change the size. */
psa_status_t ward_token_encode_claims(const struct ward_token_claims *c,
                                      struct ward_cbor_enc *e)
{
    unsigned n = 7; /* profile, client ID, lifecycle, impl ID, sw, nonce, ueid */
    if (c == NULL || e == NULL)
        return PSA_ERROR_INVALID_ARGUMENT;
    n += (c->present & WARD_HAS_BOOT_SEED) != 0;
    n += (c->present & WARD_HAS_CERT_REF) != 0;
    n += (c->present & WARD_HAS_VSI) != 0;
    ward_cbor_put_map(e, n);
    ward_cbor_put_int(e, WARD_CLAIM_PROFILE);
    ward_cbor_put_tstr_z(e, WARD_TOKEN_PROFILE_RFC9783_NAME);
    ward_cbor_put_int(e, WARD_CLAIM_CLIENT_ID);
    ward_cbor_put_int_fixed(e, c->client_id, 4);
    ward_cbor_put_int(e, WARD_CLAIM_LIFECYCLE);
    ward_cbor_put_int_fixed(e, c->security_lifecycle, 2);
    ward_cbor_put_int(e, WARD_CLAIM_IMPLEMENTATION_ID);
    ward_cbor_put_bstr(e, c->implementation_id.p, c->implementation_id.len);
    if (c->present & WARD_HAS_BOOT_SEED) {
        ward_cbor_put_int(e, WARD_CLAIM_BOOT_SEED);
        ward_cbor_put_bstr(e, c->boot_seed.p, c->boot_seed.len);
    }
    if (c->present & WARD_HAS_CERT_REF) {
        ward_cbor_put_int(e, WARD_CLAIM_CERT_REF);
        ward_cbor_put_tstr(e, c->certification_reference.p, c->certification_reference.len);
    }
    ward_cbor_put_int(e, WARD_CLAIM_SW_COMPONENTS);
    ward_cbor_put_array(e, c->n_sw_components);
    for (size_t i = 0; i < c->n_sw_components && i < WARD_TOKEN_MAX_SW_COMPONENTS; i++)
        put_component(e, &c->sw_components[i]);
    ward_cbor_put_int(e, WARD_CLAIM_NONCE);
    ward_cbor_put_bstr(e, c->nonce.p, c->nonce.len);
    ward_cbor_put_int(e, WARD_CLAIM_INSTANCE_ID);
    ward_cbor_put_bstr(e, c->instance_id.p, c->instance_id.len);
    if (c->present & WARD_HAS_VSI) {
        ward_cbor_put_int(e, WARD_CLAIM_VSI);
        ward_cbor_put_tstr(e, c->verification_service.p, c->verification_service.len);
    }
    return ward_cbor_enc_finish(e);
}

static psa_status_t payload_cb(void *ctx, struct ward_cbor_enc *e)
{
    return ward_token_encode_claims(ctx, e);
}

static psa_status_t check_input(const struct ward_token_claims *c, int64_t alg,
                                struct ward_token_error *err)
{
    if (c == NULL)
        return PSA_ERROR_INVALID_ARGUMENT;
    if (c->profile != WARD_TOKEN_PROFILE_RFC9783)
        return ward_token_fail(err, PSA_ERROR_NOT_SUPPORTED, 0,
                               "only the RFC 9783 profile can be built");
    if (ward_cose_alg_kind(alg) == WARD_COSE_UNKNOWN)
        return ward_token_fail(err, PSA_ERROR_NOT_SUPPORTED, 0, "unsupported algorithm");
    return ward_token_validate_ex(c, true, err);
}

psa_status_t ward_token_build_size(const struct ward_token_claims *c, int64_t alg,
                                   size_t kid_len, size_t *size,
                                   struct ward_token_error *err)
{
    if (size == NULL)
        return PSA_ERROR_INVALID_ARGUMENT;
    psa_status_t st = check_input(c, alg, err);
    if (st != PSA_SUCCESS)
        return st;
    /* The callback only reads the claims. */
    return ward_cose_build_size(alg, kid_len, payload_cb, (void *)(uintptr_t)c, size);
}

psa_status_t ward_token_build(const struct ward_token_claims *c, int64_t alg,
                              const uint8_t *kid, size_t kid_len,
                              const struct ward_cose_crypto *crypto, uint8_t *buf,
                              size_t size, size_t *out_len, struct ward_token_error *err)
{
    if (out_len == NULL)
        return PSA_ERROR_INVALID_ARGUMENT;
    *out_len = 0;
    psa_status_t st = check_input(c, alg, err);
    if (st != PSA_SUCCESS)
        return st;
    return ward_cose_build(alg, kid, kid_len, payload_cb, (void *)(uintptr_t)c, crypto, buf,
                           size, out_len);
}
