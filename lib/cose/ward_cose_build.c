/*
 * ward_cose_build.c: builds COSE_Sign1 / COSE_Mac0 messages in a caller's
 * buffer. Runs in the SPE: no allocation, no formatted output, and the key
 * is only ever touched by the crypto callback.
 */
#include "ward_cose.h"

/* The protected header {1: alg} in preferred encoding: at most 4 bytes. */
#define PROTECTED_MAX 8
static psa_status_t encode_protected(int64_t alg, uint8_t hdr[PROTECTED_MAX],
                                     size_t *len)
{
    struct ward_cbor_enc h;
    ward_cbor_enc_init(&h, hdr, PROTECTED_MAX);
    ward_cbor_put_map(&h, 1);
    ward_cbor_put_int(&h, WARD_COSE_HDR_ALG);
    ward_cbor_put_int(&h, alg);
    *len = ward_cbor_enc_len(&h);
    return ward_cbor_enc_finish(&h);
}

/* Everything up to and including the payload's bstr head. */
static psa_status_t put_prefix(struct ward_cbor_enc *e, int64_t alg,
                               const uint8_t *kid, size_t kid_len, size_t payload_len)
{
    uint8_t hdr[PROTECTED_MAX];
    size_t hdr_len;
    psa_status_t st = encode_protected(alg, hdr, &hdr_len);
    if (st != PSA_SUCCESS)
        return st;
    ward_cbor_put_tag(e, ward_cose_alg_kind(alg) == WARD_COSE_SIGN1
                             ? WARD_COSE_TAG_SIGN1
                             : WARD_COSE_TAG_MAC0);
    ward_cbor_put_array(e, 4);
    ward_cbor_put_bstr(e, hdr, hdr_len);
    if (kid_len > 0) {
        ward_cbor_put_map(e, 1);
        ward_cbor_put_int(e, WARD_COSE_HDR_KID);
        ward_cbor_put_bstr(e, kid, kid_len);
    } else {
        ward_cbor_put_map(e, 0);
    }
    ward_cbor_put_head(e, WARD_CBOR_BSTR, payload_len);
    return ward_cbor_enc_finish(e);
}

static psa_status_t payload_size(ward_cose_payload_fn payload, void *ctx, size_t *n)
{
    struct ward_cbor_enc e;
    ward_cbor_enc_init_counting(&e);
    psa_status_t st = payload(ctx, &e);
    if (st == PSA_SUCCESS)
        st = ward_cbor_enc_finish(&e);
    *n = ward_cbor_enc_len(&e);
    return st;
}

psa_status_t ward_cose_build_size(int64_t alg, size_t kid_len,
                                  ward_cose_payload_fn payload, void *payload_ctx,
                                  size_t *size)
{
    struct ward_cbor_enc e;
    size_t plen;
    psa_status_t st;

    if (payload == NULL || size == NULL)
        return PSA_ERROR_INVALID_ARGUMENT;
    if (ward_cose_alg_kind(alg) == WARD_COSE_UNKNOWN)
        return PSA_ERROR_NOT_SUPPORTED;
    st = payload_size(payload, payload_ctx, &plen);
    if (st != PSA_SUCCESS)
        return st;
    ward_cbor_enc_init_counting(&e);
    /* The kid's bytes are only counted here, so any non-NULL pointer does. */
    st = put_prefix(&e, alg, (const uint8_t *)"", kid_len, plen);
    if (st != PSA_SUCCESS)
        return st;
    size_t n = ward_cbor_enc_len(&e) + plen;
    size_t sig = ward_cose_sig_len(alg);
    n += ward_cbor_head_size(sig) + sig;
    *size = n;
    return PSA_SUCCESS;
}

psa_status_t ward_cose_build(int64_t alg, const uint8_t *kid, size_t kid_len,
                             ward_cose_payload_fn payload, void *payload_ctx,
                             const struct ward_cose_crypto *crypto, uint8_t *buf,
                             size_t size, size_t *out_len)
{
    struct ward_cbor_enc e, pe;
    size_t need, plen, hdr_len;
    uint8_t hdr[PROTECTED_MAX];
    uint8_t *pay;
    uint8_t scratch[WARD_COSE_TBS_SCRATCH];
    struct ward_cose_frag frags[WARD_COSE_TBS_FRAGS];
    uint8_t *sig;
    psa_status_t st;

    if (payload == NULL || crypto == NULL || out_len == NULL ||
        (buf == NULL && size != 0) || (kid == NULL && kid_len != 0))
        return PSA_ERROR_INVALID_ARGUMENT;
    *out_len = 0;
    enum ward_cose_kind kind = ward_cose_alg_kind(alg);
    if (kind == WARD_COSE_UNKNOWN || crypto->sign == NULL)
        return PSA_ERROR_NOT_SUPPORTED;
    st = ward_cose_build_size(alg, kid_len, payload, payload_ctx, &need);
    if (st != PSA_SUCCESS)
        return st;
    if (size < need)
        return PSA_ERROR_BUFFER_TOO_SMALL;
    st = payload_size(payload, payload_ctx, &plen);
    if (st != PSA_SUCCESS)
        return st;

    /* The payload is written in place through its own encoder, into bytes
     * reserved for it right after its bstr head. */
    ward_cbor_enc_init(&e, buf, size);
    st = put_prefix(&e, alg, kid, kid_len, plen);
    if (st == PSA_SUCCESS)
        st = ward_cbor_put_reserve(&e, &pay, plen);
    if (st != PSA_SUCCESS)
        return st;
    ward_cbor_enc_init(&pe, pay, plen);
    st = payload(payload_ctx, &pe);
    if (st == PSA_SUCCESS)
        st = ward_cbor_enc_finish(&pe);
    if (st == PSA_SUCCESS && ward_cbor_enc_len(&pe) != plen)
        st = PSA_ERROR_GENERIC_ERROR; /* the callback is not deterministic */
    if (st != PSA_SUCCESS)
        return st == PSA_ERROR_BUFFER_TOO_SMALL ? PSA_ERROR_GENERIC_ERROR : st;
    size_t sig_len = ward_cose_sig_len(alg);
    ward_cbor_put_head(&e, WARD_CBOR_BSTR, sig_len);
    ward_cbor_put_reserve(&e, &sig, sig_len);
    st = ward_cbor_enc_finish(&e);
    if (st == PSA_SUCCESS)
        st = encode_protected(alg, hdr, &hdr_len);
    if (st == PSA_SUCCESS)
        st = ward_cose_tbs(kind, hdr, hdr_len, pay, plen, scratch, frags);
    if (st == PSA_SUCCESS)
        st = crypto->sign(crypto->ctx, alg, frags, WARD_COSE_TBS_FRAGS, sig, sig_len);
    if (st != PSA_SUCCESS)
        return st;
    *out_len = ward_cbor_enc_len(&e);
    return PSA_SUCCESS;
}
