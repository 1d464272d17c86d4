/*
 * ward_cose_parse.c: parses and checks untrusted COSE_Sign1 / COSE_Mac0
 * messages. Every byte is read through the strict CBOR decoder; crypto is
 * the caller's callback. Verifier side: formats error messages.
 */
#include "ward_cose.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static psa_status_t why(struct ward_cose_msg *m, psa_status_t st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static psa_status_t why(struct ward_cose_msg *m, psa_status_t st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->why, sizeof(m->why), fmt, ap);
    va_end(ap);
    return st;
}

static psa_status_t cbor_why(struct ward_cose_msg *m, const char *what,
                             const struct ward_cbor_dec *d)
{
    return why(m, PSA_ERROR_INVALID_ARGUMENT, "%s: malformed CBOR at byte %zu: %s",
               what, d->error_off, ward_cbor_strerror(d->error));
}

/* Read a header label (int or text) and note whether it is `label`. */
static psa_status_t get_label(struct ward_cbor_dec *d, struct ward_cbor_item *key)
{
    return ward_cbor_get(d, key);
}

/* The protected header: a bstr holding a map (or nothing: an empty bstr
 * means no protected parameters, which here means no alg, so an error). */
static psa_status_t parse_protected(struct ward_cose_msg *m, bool *has_alg,
                                    int64_t *labels, size_t *nlabels, size_t max_labels)
{
    struct ward_cbor_dec d;
    uint64_t pairs;
    *has_alg = false;
    *nlabels = 0;
    if (m->protected_len == 0)
        return PSA_SUCCESS;
    if (ward_cbor_dec_init(&d, m->protected_hdr, m->protected_len, NULL) != PSA_SUCCESS)
        return cbor_why(m, "protected header", &d);
    if (ward_cbor_get_map(&d, &pairs) != PSA_SUCCESS)
        return why(m, PSA_ERROR_INVALID_ARGUMENT, "protected header: not a map");
    for (uint64_t i = 0; i < pairs; i++) {
        struct ward_cbor_item key;
        int64_t label;
        if (get_label(&d, &key) != PSA_SUCCESS)
            return cbor_why(m, "protected header", &d);
        if (!ward_cbor_item_int(&key, &label)) {
            /* A text label: not one Ward knows; ignore its value. */
            if (ward_cbor_skip(&d) != PSA_SUCCESS)
                return cbor_why(m, "protected header", &d);
            continue;
        }
        if (*nlabels >= max_labels)
            return why(m, PSA_ERROR_INVALID_ARGUMENT,
                       "protected header: more than %zu parameters", max_labels);
        labels[(*nlabels)++] = label;
        if (label == WARD_COSE_HDR_ALG) {
            struct ward_cbor_item v;
            if (ward_cbor_peek(&d, &v) != PSA_SUCCESS || !ward_cbor_item_int(&v, &m->alg))
                return why(m, PSA_ERROR_INVALID_ARGUMENT,
                           "protected header: alg (1) is not an integer");
            *has_alg = true;
        } else if (label == WARD_COSE_HDR_CRIT) {
            return why(m, PSA_ERROR_NOT_SUPPORTED,
                       "protected header: crit (2) lists extensions Ward does not implement");
        }
        if (ward_cbor_skip(&d) != PSA_SUCCESS)
            return cbor_why(m, "protected header", &d);
    }
    return PSA_SUCCESS;
}

psa_status_t ward_cose_parse(const uint8_t *buf, size_t len, struct ward_cose_msg *m)
{
    struct ward_cbor_dec d;
    struct ward_cbor_item it;
    uint64_t tag, n;
    bool has_alg;
    int64_t labels[16];
    size_t nlabels;
    psa_status_t st;

    if (m == NULL)
        return PSA_ERROR_INVALID_ARGUMENT;
    memset(m, 0, sizeof(*m));
    if (ward_cbor_dec_init(&d, buf, len, NULL) != PSA_SUCCESS)
        return cbor_why(m, "token", &d);
    if (ward_cbor_peek(&d, &it) != PSA_SUCCESS || it.major != WARD_CBOR_TAG)
        return why(m, PSA_ERROR_INVALID_ARGUMENT,
                   "envelope: not a tagged COSE_Sign1 (tag 18) or COSE_Mac0 (tag 17)");
    ward_cbor_get_tag(&d, &tag);
    if (tag == WARD_COSE_TAG_SIGN1)
        m->kind = WARD_COSE_SIGN1;
    else if (tag == WARD_COSE_TAG_MAC0)
        m->kind = WARD_COSE_MAC0;
    else
        return why(m, PSA_ERROR_INVALID_ARGUMENT,
                   "envelope: tag %llu is not COSE_Sign1 (18) or COSE_Mac0 (17)",
                   (unsigned long long)tag);
    const char *kname = m->kind == WARD_COSE_SIGN1 ? "COSE_Sign1" : "COSE_Mac0";
    if (ward_cbor_get_array(&d, &n) != PSA_SUCCESS || n != 4)
        return why(m, PSA_ERROR_INVALID_ARGUMENT, "envelope: %s is not a 4-element array",
                   kname);
    if (ward_cbor_get_bstr(&d, &m->protected_hdr, &m->protected_len) != PSA_SUCCESS)
        return why(m, PSA_ERROR_INVALID_ARGUMENT, "envelope: protected header is not a bstr");
    st = parse_protected(m, &has_alg, labels, &nlabels, sizeof(labels) / sizeof(labels[0]));
    if (st != PSA_SUCCESS)
        return st;
    if (!has_alg)
        return why(m, PSA_ERROR_INVALID_ARGUMENT,
                   "protected header: no algorithm (label 1)");
    enum ward_cose_kind k = ward_cose_alg_kind(m->alg);
    if (k == WARD_COSE_UNKNOWN)
        return why(m, PSA_ERROR_NOT_SUPPORTED,
                   "protected header: algorithm %lld is not supported", (long long)m->alg);
    if (k != m->kind)
        return why(m, PSA_ERROR_INVALID_ARGUMENT,
                   "protected header: algorithm %s does not belong in a %s",
                   ward_cose_alg_name(m->alg), kname);

    if (ward_cbor_get_map(&d, &n) != PSA_SUCCESS)
        return why(m, PSA_ERROR_INVALID_ARGUMENT, "envelope: unprotected header is not a map");
    for (uint64_t i = 0; i < n; i++) {
        int64_t label;
        if (ward_cbor_get(&d, &it) != PSA_SUCCESS)
            return cbor_why(m, "unprotected header", &d);
        if (ward_cbor_item_int(&it, &label)) {
            for (size_t j = 0; j < nlabels; j++)
                if (labels[j] == label)
                    return why(m, PSA_ERROR_INVALID_ARGUMENT,
                               "unprotected header: label %lld is also protected",
                               (long long)label);
            if (label == WARD_COSE_HDR_CRIT)
                return why(m, PSA_ERROR_INVALID_ARGUMENT,
                           "unprotected header: crit (2) must be protected");
            if (label == WARD_COSE_HDR_KID) {
                if (ward_cbor_get_bstr(&d, &m->kid, &m->kid_len) != PSA_SUCCESS)
                    return why(m, PSA_ERROR_INVALID_ARGUMENT,
                               "unprotected header: kid (4) is not a bstr");
                continue;
            }
        }
        if (ward_cbor_skip(&d) != PSA_SUCCESS)
            return cbor_why(m, "unprotected header", &d);
    }
    if (ward_cbor_peek(&d, &it) != PSA_SUCCESS || it.major != WARD_CBOR_BSTR)
        return why(m, PSA_ERROR_INVALID_ARGUMENT,
                   "envelope: payload is not an attached bstr (detached payloads are not accepted)");
    ward_cbor_get_bstr(&d, &m->payload, &m->payload_len);
    if (ward_cbor_get_bstr(&d, &m->sig, &m->sig_len) != PSA_SUCCESS)
        return why(m, PSA_ERROR_INVALID_ARGUMENT, "envelope: %s is not a bstr",
                   m->kind == WARD_COSE_SIGN1 ? "signature" : "tag");
    if (m->sig_len != ward_cose_sig_len(m->alg))
        return why(m, PSA_ERROR_INVALID_ARGUMENT,
                   "envelope: %s is %zu bytes, %s needs %zu",
                   m->kind == WARD_COSE_SIGN1 ? "signature" : "tag", m->sig_len,
                   ward_cose_alg_name(m->alg), ward_cose_sig_len(m->alg));
    return PSA_SUCCESS;
}

psa_status_t ward_cose_verify(struct ward_cose_msg *m, const struct ward_cose_crypto *crypto)
{
    uint8_t scratch[WARD_COSE_TBS_SCRATCH];
    struct ward_cose_frag frags[WARD_COSE_TBS_FRAGS];
    psa_status_t st;

    if (m == NULL || crypto == NULL)
        return PSA_ERROR_INVALID_ARGUMENT;
    if (crypto->verify == NULL)
        return why(m, PSA_ERROR_NOT_SUPPORTED, "no verification function");
    if (ward_cose_alg_kind(m->alg) != m->kind || m->sig_len != ward_cose_sig_len(m->alg))
        return why(m, PSA_ERROR_INVALID_ARGUMENT, "message was not parsed");
    st = ward_cose_tbs(m->kind, m->protected_hdr, m->protected_len, m->payload,
                       m->payload_len, scratch, frags);
    if (st != PSA_SUCCESS)
        return why(m, st, "cannot build the to-be-signed structure");
    st = crypto->verify(crypto->ctx, m->alg, frags, WARD_COSE_TBS_FRAGS, m->sig, m->sig_len);
    if (st == PSA_ERROR_INVALID_SIGNATURE)
        return why(m, st, "%s: %s does not verify with the given key",
                   m->kind == WARD_COSE_SIGN1 ? "COSE_Sign1" : "COSE_Mac0",
                   m->kind == WARD_COSE_SIGN1 ? "signature" : "MAC tag");
    if (st != PSA_SUCCESS)
        return why(m, st, "%s: cannot check the %s with the given key (%s)",
                   m->kind == WARD_COSE_SIGN1 ? "COSE_Sign1" : "COSE_Mac0",
                   m->kind == WARD_COSE_SIGN1 ? "signature" : "MAC tag",
                   st == PSA_ERROR_NOT_SUPPORTED ? "wrong key type for the algorithm"
                                                 : "crypto error");
    return PSA_SUCCESS;
}
