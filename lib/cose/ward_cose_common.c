/*
 * ward_cose_common.c: what both the builder and the checker need: the
 * algorithm table and the to-be-signed structure. No crypto, no allocation.
 */
#include "ward_cose.h"

static const struct {
    int64_t alg;
    enum ward_cose_kind kind;
    size_t sig_len;
    const char *name;
} algs[] = {
    {WARD_COSE_ALG_ES256, WARD_COSE_SIGN1, 64, "ES256"},
    {WARD_COSE_ALG_ES384, WARD_COSE_SIGN1, 96, "ES384"},
    {WARD_COSE_ALG_ES512, WARD_COSE_SIGN1, 132, "ES512"},
    {WARD_COSE_ALG_HMAC256, WARD_COSE_MAC0, 32, "HMAC 256/256"},
    {WARD_COSE_ALG_HMAC384, WARD_COSE_MAC0, 48, "HMAC 384/384"},
    {WARD_COSE_ALG_HMAC512, WARD_COSE_MAC0, 64, "HMAC 512/512"},
};
#define NALGS (sizeof(algs) / sizeof(algs[0]))

enum ward_cose_kind ward_cose_alg_kind(int64_t alg)
{
    for (size_t i = 0; i < NALGS; i++)
        if (algs[i].alg == alg)
            return algs[i].kind;
    return WARD_COSE_UNKNOWN;
}

size_t ward_cose_sig_len(int64_t alg)
{
    for (size_t i = 0; i < NALGS; i++)
        if (algs[i].alg == alg)
            return algs[i].sig_len;
    return 0;
}

const char *ward_cose_alg_name(int64_t alg)
{
    for (size_t i = 0; i < NALGS; i++)
        if (algs[i].alg == alg)
            return algs[i].name;
    return "unknown";
}

psa_status_t ward_cose_tbs(enum ward_cose_kind kind, const uint8_t *protected_hdr,
                           size_t protected_len, const uint8_t *payload,
                           size_t payload_len, uint8_t *scratch,
                           struct ward_cose_frag frags[WARD_COSE_TBS_FRAGS])
{
    struct ward_cbor_enc e;
    size_t first;
    const char *context;

    if (kind == WARD_COSE_SIGN1)
        context = "Signature1";
    else if (kind == WARD_COSE_MAC0)
        context = "MAC0";
    else
        return PSA_ERROR_INVALID_ARGUMENT;
    if (scratch == NULL || (protected_hdr == NULL && protected_len != 0) ||
        (payload == NULL && payload_len != 0))
        return PSA_ERROR_INVALID_ARGUMENT;
    /* [context, body_protected, external_aad = h'', payload] */
    ward_cbor_enc_init(&e, scratch, WARD_COSE_TBS_SCRATCH);
    ward_cbor_put_array(&e, 4);
    ward_cbor_put_tstr_z(&e, context);
    ward_cbor_put_head(&e, WARD_CBOR_BSTR, protected_len);
    first = ward_cbor_enc_len(&e);
    ward_cbor_put_bstr(&e, NULL, 0);
    ward_cbor_put_head(&e, WARD_CBOR_BSTR, payload_len);
    if (ward_cbor_enc_finish(&e) != PSA_SUCCESS)
        return PSA_ERROR_GENERIC_ERROR; /* cannot happen: heads fit the scratch */
    frags[0] = (struct ward_cose_frag){scratch, first};
    frags[1] = (struct ward_cose_frag){protected_hdr, protected_len};
    frags[2] = (struct ward_cose_frag){scratch + first, ward_cbor_enc_len(&e) - first};
    frags[3] = (struct ward_cose_frag){payload, payload_len};
    return PSA_SUCCESS;
}
