/*
 * ward_token_check.c: decodes an untrusted claims map into the claims model
 * (types and structure), then applies the profile's rules
 * (ward_token_validate). Every byte is read through the strict CBOR decoder.
 */
#include "ward_token_internal.h"

#include <stdio.h>
#include <string.h>

static const char *type_name(enum ward_cbor_major m)
{
    switch (m) {
    case WARD_CBOR_UINT: return "an unsigned integer";
    case WARD_CBOR_NINT: return "a negative integer";
    case WARD_CBOR_BSTR: return "a byte string";
    case WARD_CBOR_TSTR: return "a text string";
    case WARD_CBOR_ARRAY: return "an array";
    case WARD_CBOR_MAP: return "a map";
    case WARD_CBOR_TAG: return "a tagged item";
    case WARD_CBOR_SIMPLE: return "a simple value or float";
    }
    return "?";
}

static psa_status_t malformed(struct ward_token_error *err, const struct ward_cbor_dec *d)
{
    return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, 0,
                           "claims: malformed CBOR at byte %zu: %s", d->error_off,
                           ward_cbor_strerror(d->error));
}

/* Peek the next item and require a major type (NINT: any integer). */
static psa_status_t expect(struct ward_cbor_dec *d, enum ward_cbor_major want,
                           int64_t key, struct ward_token_error *err)
{
    struct ward_cbor_item it;
    if (ward_cbor_peek(d, &it) != PSA_SUCCESS)
        return malformed(err, d);
    bool ok = it.major == want ||
              (want == WARD_CBOR_NINT && it.major == WARD_CBOR_UINT);
    if (!ok)
        return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, key,
                               "expected %s, found %s",
                               want == WARD_CBOR_NINT ? "an integer" : type_name(want),
                               type_name(it.major));
    return PSA_SUCCESS;
}

static psa_status_t get_bytes(struct ward_cbor_dec *d, int64_t key,
                              struct ward_token_bytes *out, struct ward_token_error *err)
{
    psa_status_t st = expect(d, WARD_CBOR_BSTR, key, err);
    if (st == PSA_SUCCESS && ward_cbor_get_bstr(d, &out->p, &out->len) != PSA_SUCCESS)
        st = malformed(err, d);
    return st;
}

static psa_status_t get_text(struct ward_cbor_dec *d, int64_t key,
                             struct ward_token_text *out, struct ward_token_error *err)
{
    psa_status_t st = expect(d, WARD_CBOR_TSTR, key, err);
    if (st == PSA_SUCCESS && ward_cbor_get_tstr(d, &out->p, &out->len) != PSA_SUCCESS)
        st = malformed(err, d);
    return st;
}

static bool text_is(const struct ward_token_text *t, const char *s)
{
    return t->len == strlen(s) && memcmp(t->p, s, t->len) == 0;
}

static psa_status_t get_component(struct ward_cbor_dec *d, int64_t key, size_t i,
                                  struct ward_token_sw_component *s,
                                  struct ward_token_error *err)
{
    struct ward_cbor_item it;
    uint64_t pairs;
    if (ward_cbor_peek(d, &it) != PSA_SUCCESS)
        return malformed(err, d);
    if (it.major != WARD_CBOR_MAP)
        return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, key,
                               "component %zu is %s, not a map", i, type_name(it.major));
    ward_cbor_get_map(d, &pairs);
    for (uint64_t j = 0; j < pairs; j++) {
        int64_t label;
        enum ward_cbor_major want;
        unsigned bit;
        if (ward_cbor_get(d, &it) != PSA_SUCCESS)
            return malformed(err, d);
        if (!ward_cbor_item_int(&it, &label))
            label = 0; /* a text label: unknown, ignored */
        switch (label) {
        case WARD_SWC_MEASUREMENT_TYPE: want = WARD_CBOR_TSTR; bit = WARD_SWC_HAS_TYPE; break;
        case WARD_SWC_MEASUREMENT_VALUE: want = WARD_CBOR_BSTR; bit = WARD_SWC_HAS_VALUE; break;
        case WARD_SWC_VERSION: want = WARD_CBOR_TSTR; bit = WARD_SWC_HAS_VERSION; break;
        case WARD_SWC_SIGNER_ID: want = WARD_CBOR_BSTR; bit = WARD_SWC_HAS_SIGNER_ID; break;
        case WARD_SWC_MEASUREMENT_DESC: want = WARD_CBOR_TSTR; bit = WARD_SWC_HAS_DESC; break;
        default:
            /* Unknown component keys (including reserved 3) are ignored. */
            if (ward_cbor_skip(d) != PSA_SUCCESS)
                return malformed(err, d);
            continue;
        }
        if (ward_cbor_peek(d, &it) != PSA_SUCCESS)
            return malformed(err, d);
        if (it.major != want)
            return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, key,
                                   "component %zu: key %lld is %s, expected %s", i,
                                   (long long)label, type_name(it.major), type_name(want));
        ward_cbor_get(d, &it);
        s->present |= bit;
        struct ward_token_text t = {(const char *)it.data, (size_t)it.arg};
        struct ward_token_bytes b = {it.data, (size_t)it.arg};
        switch (label) {
        case WARD_SWC_MEASUREMENT_TYPE: s->measurement_type = t; break;
        case WARD_SWC_MEASUREMENT_VALUE: s->measurement_value = b; break;
        case WARD_SWC_VERSION: s->version = t; break;
        case WARD_SWC_SIGNER_ID: s->signer_id = b; break;
        default: s->measurement_desc = t; break;
        }
    }
    return PSA_SUCCESS;
}

static psa_status_t get_components(struct ward_cbor_dec *d, int64_t key,
                                   struct ward_token_claims *c, struct ward_token_error *err)
{
    uint64_t n;
    psa_status_t st = expect(d, WARD_CBOR_ARRAY, key, err);
    if (st != PSA_SUCCESS)
        return st;
    ward_cbor_get_array(d, &n);
    if (n > WARD_TOKEN_MAX_SW_COMPONENTS)
        return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, key,
                               "%llu components, Ward accepts at most %d",
                               (unsigned long long)n, WARD_TOKEN_MAX_SW_COMPONENTS);
    c->n_sw_components = (size_t)n;
    for (size_t i = 0; i < (size_t)n; i++) {
        st = get_component(d, key, i, &c->sw_components[i], err);
        if (st != PSA_SUCCESS)
            return st;
    }
    return PSA_SUCCESS;
}

/* First pass: which profile? Looks at 265, -75000 and the other P1 keys. */
static psa_status_t detect_profile(struct ward_cbor_dec d, struct ward_token_claims *c,
                                   struct ward_token_error *err)
{
    uint64_t pairs;
    bool p1_keys = false, has_265 = false, has_p1_profile = false;
    struct ward_token_text name = {NULL, 0}, p1_name = {NULL, 0};
    psa_status_t st;

    ward_cbor_get_map(&d, &pairs);
    for (uint64_t i = 0; i < pairs; i++) {
        struct ward_cbor_item it;
        int64_t key;
        if (ward_cbor_get(&d, &it) != PSA_SUCCESS)
            return malformed(err, &d);
        if (ward_cbor_item_int(&it, &key)) {
            if (key == WARD_CLAIM_PROFILE) {
                if ((st = get_text(&d, key, &name, err)) != PSA_SUCCESS)
                    return st;
                has_265 = true;
                continue;
            }
            if (key == WARD_CLAIM_P1_PROFILE) {
                if ((st = get_text(&d, key, &p1_name, err)) != PSA_SUCCESS)
                    return st;
                has_p1_profile = true;
                continue;
            }
            if (key >= WARD_CLAIM_P1_VSI && key <= WARD_CLAIM_P1_CLIENT_ID)
                p1_keys = true;
        }
        if (ward_cbor_skip(&d) != PSA_SUCCESS)
            return malformed(err, &d);
    }
    if (has_265) {
        if (text_is(&name, WARD_TOKEN_PROFILE_RFC9783_NAME))
            c->profile = WARD_TOKEN_PROFILE_RFC9783;
        else if (text_is(&name, WARD_TOKEN_PROFILE_PSA_2_0_0_NAME))
            c->profile = WARD_TOKEN_PROFILE_PSA_2_0_0;
        else
            return ward_token_fail(err, PSA_ERROR_NOT_SUPPORTED, WARD_CLAIM_PROFILE,
                                   "\"%.*s\" is not a supported profile",
                                   (int)(name.len > 80 ? 80 : name.len), name.p);
        c->profile_name = name;
        c->present |= WARD_HAS_PROFILE;
        return PSA_SUCCESS;
    }
    if (has_p1_profile) {
        if (!text_is(&p1_name, WARD_TOKEN_PROFILE_IOT_1_NAME))
            return ward_token_fail(err, PSA_ERROR_NOT_SUPPORTED, WARD_CLAIM_P1_PROFILE,
                                   "\"%.*s\" is not a supported profile",
                                   (int)(p1_name.len > 80 ? 80 : p1_name.len), p1_name.p);
        c->profile = WARD_TOKEN_PROFILE_IOT_1;
        c->profile_name = p1_name;
        c->present |= WARD_HAS_PROFILE;
        return PSA_SUCCESS;
    }
    if (p1_keys) {
        c->profile = WARD_TOKEN_PROFILE_IOT_1;
        return PSA_SUCCESS;
    }
    return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, WARD_CLAIM_PROFILE,
                           "missing, and the token has no " WARD_TOKEN_PROFILE_IOT_1_NAME
                           " claims either");
}

/* One claim of the detected profile into the model; unknown keys skipped. */
static psa_status_t get_claim(struct ward_cbor_dec *d, int64_t key,
                              const struct ward_token_keys *k, struct ward_token_claims *c,
                              struct ward_token_error *err)
{
    struct ward_cbor_item it;
    psa_status_t st;

    if (key == k->profile) /* already read by detect_profile */
        return ward_cbor_skip(d) == PSA_SUCCESS ? PSA_SUCCESS : malformed(err, d);
    if (key == k->nonce) {
        if (ward_cbor_peek(d, &it) == PSA_SUCCESS && it.major == WARD_CBOR_ARRAY)
            return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, key,
                                   "an array of nonces is not allowed (one nonce only)");
        c->present |= WARD_HAS_NONCE;
        return get_bytes(d, key, &c->nonce, err);
    }
    if (key == k->instance_id) {
        c->present |= WARD_HAS_INSTANCE_ID;
        return get_bytes(d, key, &c->instance_id, err);
    }
    if (key == k->implementation_id) {
        c->present |= WARD_HAS_IMPLEMENTATION_ID;
        return get_bytes(d, key, &c->implementation_id, err);
    }
    if (key == k->boot_seed ||
        (c->profile == WARD_TOKEN_PROFILE_PSA_2_0_0 && key == WARD_CLAIM_BOOT_SEED_LEGACY)) {
        if (c->present & WARD_HAS_BOOT_SEED)
            return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, key,
                                   "boot seed given twice (keys %d and %d)",
                                   WARD_CLAIM_BOOT_SEED, WARD_CLAIM_BOOT_SEED_LEGACY);
        c->present |= WARD_HAS_BOOT_SEED;
        c->boot_seed_key = key;
        return get_bytes(d, key, &c->boot_seed, err);
    }
    if (key == k->cert_ref) {
        c->present |= WARD_HAS_CERT_REF;
        return get_text(d, key, &c->certification_reference, err);
    }
    if (key == k->vsi) {
        c->present |= WARD_HAS_VSI;
        return get_text(d, key, &c->verification_service, err);
    }
    if (key == k->client_id) {
        int64_t v;
        if ((st = expect(d, WARD_CBOR_NINT, key, err)) != PSA_SUCCESS)
            return st;
        ward_cbor_peek(d, &it);
        if (!ward_cbor_item_int(&it, &v))
            return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, key,
                                   "value is out of range (-2^31..2^31-1)");
        if (v < INT32_MIN || v > INT32_MAX)
            return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, key,
                                   "value %lld is out of range (-2^31..2^31-1)",
                                   (long long)v);
        ward_cbor_skip(d);
        c->present |= WARD_HAS_CLIENT_ID;
        c->client_id = (int32_t)v;
        return PSA_SUCCESS;
    }
    if (key == k->lifecycle) {
        uint64_t v;
        if ((st = expect(d, WARD_CBOR_UINT, key, err)) != PSA_SUCCESS)
            return st;
        ward_cbor_get_uint(d, &v);
        if (v > 0xffff)
            return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, key,
                                   "value 0x%llx is not a valid state", (unsigned long long)v);
        c->present |= WARD_HAS_LIFECYCLE;
        c->security_lifecycle = (uint32_t)v;
        return PSA_SUCCESS;
    }
    if (key == k->sw_components) {
        c->present |= WARD_HAS_SW_COMPONENTS;
        return get_components(d, key, c, err);
    }
    if (k->no_sw != 0 && key == k->no_sw) {
        if ((st = expect(d, WARD_CBOR_UINT, key, err)) != PSA_SUCCESS)
            return st;
        ward_cbor_get_uint(d, &c->no_sw_measurements);
        c->present |= WARD_HAS_NO_SW_MEASUREMENTS;
        return PSA_SUCCESS;
    }
    /* Unknown claims are ignored (RFC 9783: receivers MUST ignore them). */
    return ward_cbor_skip(d) == PSA_SUCCESS ? PSA_SUCCESS : malformed(err, d);
}

psa_status_t ward_token_check_claims(const uint8_t *payload, size_t len,
                                     struct ward_token_claims *c,
                                     struct ward_token_error *err)
{
    struct ward_cbor_dec d;
    struct ward_cbor_item it = {0};
    uint64_t pairs;
    psa_status_t st;

    if (c == NULL)
        return PSA_ERROR_INVALID_ARGUMENT;
    memset(c, 0, sizeof(*c));
    if (err != NULL)
        memset(err, 0, sizeof(*err));
    if (ward_cbor_dec_init(&d, payload, len, NULL) != PSA_SUCCESS)
        return malformed(err, &d);
    if (ward_cbor_peek(&d, &it) != PSA_SUCCESS || it.major != WARD_CBOR_MAP)
        return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, 0,
                               "claims: the payload is %s, not a map",
                               type_name(it.major));
    st = detect_profile(d, c, err);
    if (st != PSA_SUCCESS)
        return st;
    const struct ward_token_keys *k = ward_token_keys_for(c->profile);
    ward_cbor_get_map(&d, &pairs);
    for (uint64_t i = 0; i < pairs; i++) {
        int64_t key;
        if (ward_cbor_get(&d, &it) != PSA_SUCCESS)
            return malformed(err, &d);
        if (!ward_cbor_item_int(&it, &key)) {
            /* Text keys (and integers beyond int64) are no PSA claim. */
            if (ward_cbor_skip(&d) != PSA_SUCCESS)
                return malformed(err, &d);
            continue;
        }
        st = get_claim(&d, key, k, c, err);
        if (st != PSA_SUCCESS)
            return st;
    }
    return ward_token_validate(c, err);
}

psa_status_t ward_token_verify(const uint8_t *token, size_t len,
                               const struct ward_cose_crypto *crypto,
                               const uint8_t *expected_nonce, size_t nonce_len,
                               struct ward_cose_msg *msg, struct ward_token_claims *out,
                               struct ward_token_error *err)
{
    psa_status_t st;
    if (msg == NULL || out == NULL || crypto == NULL ||
        (expected_nonce == NULL && nonce_len != 0))
        return PSA_ERROR_INVALID_ARGUMENT;
    memset(out, 0, sizeof(*out));
    if (err != NULL)
        memset(err, 0, sizeof(*err));
    st = ward_cose_parse(token, len, msg);
    if (st == PSA_SUCCESS)
        st = ward_cose_verify(msg, crypto);
    if (st != PSA_SUCCESS)
        return ward_token_fail(err, st, 0, "%s", msg->why);
    st = ward_token_check_claims(msg->payload, msg->payload_len, out, err);
    if (st != PSA_SUCCESS)
        return st;
    if (expected_nonce != NULL &&
        (out->nonce.len != nonce_len || memcmp(out->nonce.p, expected_nonce, nonce_len) != 0))
        return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT,
                               ward_token_keys_for(out->profile)->nonce,
                               "does not match the expected nonce");
    return PSA_SUCCESS;
}
