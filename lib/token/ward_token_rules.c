/*
 * ward_token_rules.c: the claim rules of each profile, applied to the claims
 * model. Both the checker (after decoding) and the builder (before encoding)
 * call ward_token_validate, so a token Ward builds is one Ward accepts.
 */
#include "ward_token_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *ward_token_profile_name(enum ward_token_profile p)
{
    switch (p) {
    case WARD_TOKEN_PROFILE_RFC9783: return WARD_TOKEN_PROFILE_RFC9783_NAME;
    case WARD_TOKEN_PROFILE_PSA_2_0_0: return WARD_TOKEN_PROFILE_PSA_2_0_0_NAME;
    case WARD_TOKEN_PROFILE_IOT_1: return WARD_TOKEN_PROFILE_IOT_1_NAME;
    case WARD_TOKEN_PROFILE_UNKNOWN: break;
    }
    return "unknown";
}

bool ward_token_lifecycle_valid(uint32_t lifecycle)
{
    /* 0x0000-0x00ff, 0x1000-0x10ff, ..., 0x6000-0x60ff */
    uint32_t state = lifecycle >> 8;
    return lifecycle <= 0x60ff && (state & 0x0f) == 0;
}

const char *ward_token_lifecycle_name(uint32_t lifecycle)
{
    static const char *const names[] = {
        "unknown", "assembly and test", "PSA RoT provisioning", "secured",
        "non-PSA-RoT debug", "recoverable PSA-RoT debug", "decommissioned",
    };
    if (!ward_token_lifecycle_valid(lifecycle))
        return "invalid";
    return names[lifecycle >> 12];
}

const char *ward_token_claim_name(int64_t key)
{
    switch (key) {
    case WARD_CLAIM_NONCE:
    case WARD_CLAIM_P1_NONCE: return "nonce";
    case WARD_CLAIM_INSTANCE_ID:
    case WARD_CLAIM_P1_INSTANCE_ID: return "instance ID";
    case WARD_CLAIM_PROFILE:
    case WARD_CLAIM_P1_PROFILE: return "profile";
    case WARD_CLAIM_BOOT_SEED:
    case WARD_CLAIM_BOOT_SEED_LEGACY:
    case WARD_CLAIM_P1_BOOT_SEED: return "boot seed";
    case WARD_CLAIM_CLIENT_ID:
    case WARD_CLAIM_P1_CLIENT_ID: return "client ID";
    case WARD_CLAIM_LIFECYCLE:
    case WARD_CLAIM_P1_LIFECYCLE: return "security lifecycle";
    case WARD_CLAIM_IMPLEMENTATION_ID:
    case WARD_CLAIM_P1_IMPLEMENTATION_ID: return "implementation ID";
    case WARD_CLAIM_CERT_REF: return "certification reference";
    case WARD_CLAIM_P1_HW_VERSION: return "hardware version";
    case WARD_CLAIM_SW_COMPONENTS:
    case WARD_CLAIM_P1_SW_COMPONENTS: return "software components";
    case WARD_CLAIM_VSI:
    case WARD_CLAIM_P1_VSI: return "verification service indicator";
    case WARD_CLAIM_P1_NO_SW_MEASUREMENTS: return "no software measurements";
    }
    return "unknown claim";
}

psa_status_t ward_token_fail(struct ward_token_error *err, psa_status_t st, int64_t claim,
                             const char *fmt, ...)
{
    va_list ap;
    int n = 0;
    if (err == NULL)
        return st;
    err->claim = claim;
    if (claim != 0)
        n = snprintf(err->msg, sizeof(err->msg), "claim %lld (%s): ", (long long)claim,
                     ward_token_claim_name(claim));
    if (n < 0 || (size_t)n >= sizeof(err->msg))
        n = 0;
    va_start(ap, fmt);
    vsnprintf(err->msg + n, sizeof(err->msg) - (size_t)n, fmt, ap);
    va_end(ap);
    return st;
}

/* The keys a profile uses for each claim of the model. */
const struct ward_token_keys *ward_token_keys_for(enum ward_token_profile p)
{
    static const struct ward_token_keys rfc = {
        WARD_CLAIM_PROFILE, WARD_CLAIM_NONCE, WARD_CLAIM_INSTANCE_ID,
        WARD_CLAIM_IMPLEMENTATION_ID, WARD_CLAIM_CLIENT_ID, WARD_CLAIM_LIFECYCLE,
        WARD_CLAIM_BOOT_SEED, WARD_CLAIM_CERT_REF, WARD_CLAIM_SW_COMPONENTS,
        WARD_CLAIM_VSI, 0};
    static const struct ward_token_keys p1 = {
        WARD_CLAIM_P1_PROFILE, WARD_CLAIM_P1_NONCE, WARD_CLAIM_P1_INSTANCE_ID,
        WARD_CLAIM_P1_IMPLEMENTATION_ID, WARD_CLAIM_P1_CLIENT_ID, WARD_CLAIM_P1_LIFECYCLE,
        WARD_CLAIM_P1_BOOT_SEED, WARD_CLAIM_P1_HW_VERSION, WARD_CLAIM_P1_SW_COMPONENTS,
        WARD_CLAIM_P1_VSI, WARD_CLAIM_P1_NO_SW_MEASUREMENTS};
    return p == WARD_TOKEN_PROFILE_IOT_1 ? &p1 : &rfc;
}

static bool hash_size(size_t n)
{
    return n == 32 || n == 48 || n == 64;
}

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* "[0-9]{13}-[0-9]{5}" (whole string), or with ean13_ok also "[0-9]{13}". */
static bool cert_ref_ok(const struct ward_token_text *t, bool ean13_ok)
{
    if (ean13_ok && t->len == 13 && digits(t->p, 13))
        return true;
    return t->len == 19 && digits(t->p, 13) && t->p[13] == '-' && digits(t->p + 14, 5);
}

static psa_status_t validate_component(const struct ward_token_sw_component *s,
                                       size_t i, int64_t key,
                                       struct ward_token_error *err)
{
    if (!(s->present & WARD_SWC_HAS_VALUE))
        return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, key,
                               "component %zu: measurement value (2) is missing", i);
    if (!hash_size(s->measurement_value.len))
        return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, key,
                               "component %zu: measurement value (2) is %zu bytes, "
                               "must be 32, 48 or 64", i, s->measurement_value.len);
    if (!(s->present & WARD_SWC_HAS_SIGNER_ID))
        return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, key,
                               "component %zu: signer ID (5) is missing", i);
    if (!hash_size(s->signer_id.len))
        return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, key,
                               "component %zu: signer ID (5) is %zu bytes, "
                               "must be 32, 48 or 64", i, s->signer_id.len);
    return PSA_SUCCESS;
}

psa_status_t ward_token_validate(const struct ward_token_claims *c,
                                 struct ward_token_error *err)
{
    return ward_token_validate_ex(c, false, err);
}

/* Present byte and text values must point somewhere (the builder's inputs
 * come from code, not from a decoder). */
static bool values_addressable(const struct ward_token_claims *c)
{
#define OK(bit, v) (!(c->present & (bit)) || (v).p != NULL || (v).len == 0)
    if (!OK(WARD_HAS_NONCE, c->nonce) || !OK(WARD_HAS_INSTANCE_ID, c->instance_id) ||
        !OK(WARD_HAS_IMPLEMENTATION_ID, c->implementation_id) ||
        !OK(WARD_HAS_BOOT_SEED, c->boot_seed) ||
        !OK(WARD_HAS_CERT_REF, c->certification_reference) ||
        !OK(WARD_HAS_VSI, c->verification_service))
        return false;
    for (size_t i = 0; i < c->n_sw_components && i < WARD_TOKEN_MAX_SW_COMPONENTS; i++) {
        const struct ward_token_sw_component *s = &c->sw_components[i];
#define SOK(bit, v) (!(s->present & (bit)) || (v).p != NULL || (v).len == 0)
        if (!SOK(WARD_SWC_HAS_TYPE, s->measurement_type) ||
            !SOK(WARD_SWC_HAS_VALUE, s->measurement_value) ||
            !SOK(WARD_SWC_HAS_VERSION, s->version) ||
            !SOK(WARD_SWC_HAS_SIGNER_ID, s->signer_id) ||
            !SOK(WARD_SWC_HAS_DESC, s->measurement_desc))
            return false;
#undef SOK
    }
#undef OK
    return true;
}

psa_status_t ward_token_validate_ex(const struct ward_token_claims *c, bool profile_implied,
                                    struct ward_token_error *err)
{
    const struct ward_token_keys *k;
    enum ward_token_profile p;
    psa_status_t st;

    if (c == NULL)
        return PSA_ERROR_INVALID_ARGUMENT;
    if (!values_addressable(c))
        return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, 0,
                               "a present claim has a NULL value");
    p = c->profile;
    if (p != WARD_TOKEN_PROFILE_RFC9783 && p != WARD_TOKEN_PROFILE_PSA_2_0_0 &&
        p != WARD_TOKEN_PROFILE_IOT_1)
        return ward_token_fail(err, PSA_ERROR_NOT_SUPPORTED, 0, "unknown profile");
    k = ward_token_keys_for(p);

    if (p != WARD_TOKEN_PROFILE_IOT_1 && !profile_implied &&
        !(c->present & WARD_HAS_PROFILE))
        return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, k->profile,
                               "missing (mandatory)");
    if (!(c->present & WARD_HAS_NONCE))
        return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, k->nonce,
                               "missing (mandatory)");
    if (!hash_size(c->nonce.len))
        return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, k->nonce,
                               "%zu bytes, must be 32, 48 or 64", c->nonce.len);
    if (!(c->present & WARD_HAS_INSTANCE_ID))
        return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, k->instance_id,
                               "missing (mandatory)");
    if (c->instance_id.len != WARD_TOKEN_INSTANCE_ID_LEN)
        return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, k->instance_id,
                               "%zu bytes, must be 33", c->instance_id.len);
    if (c->instance_id.p[0] != 0x01)
        return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, k->instance_id,
                               "first byte 0x%02x, must be 0x01 (UEID type RAND)",
                               c->instance_id.p[0]);
    if (!(c->present & WARD_HAS_IMPLEMENTATION_ID))
        return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, k->implementation_id,
                               "missing (mandatory)");
    if (c->implementation_id.len != WARD_TOKEN_IMPLEMENTATION_ID_LEN)
        return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, k->implementation_id,
                               "%zu bytes, must be 32", c->implementation_id.len);
    if (!(c->present & WARD_HAS_CLIENT_ID))
        return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, k->client_id,
                               "missing (mandatory)");
    if (c->client_id == 0)
        return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, k->client_id,
                               "value 0 is not a valid client ID");
    if (!(c->present & WARD_HAS_LIFECYCLE))
        return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, k->lifecycle,
                               "missing (mandatory)");
    if (!ward_token_lifecycle_valid(c->security_lifecycle))
        return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, k->lifecycle,
                               "value 0x%04x is not a valid state",
                               (unsigned)c->security_lifecycle);

    int64_t seed_key = (c->present & WARD_HAS_BOOT_SEED) && c->boot_seed_key != 0
                           ? c->boot_seed_key
                           : k->boot_seed;
    if (p == WARD_TOKEN_PROFILE_IOT_1) {
        if (!(c->present & WARD_HAS_BOOT_SEED))
            return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, seed_key,
                                   "missing (mandatory in " WARD_TOKEN_PROFILE_IOT_1_NAME ")");
        if (c->boot_seed.len != 32)
            return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, seed_key,
                                   "%zu bytes, must be 32", c->boot_seed.len);
    } else if ((c->present & WARD_HAS_BOOT_SEED) &&
               (c->boot_seed.len < 8 || c->boot_seed.len > 32)) {
        return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, seed_key,
                               "%zu bytes, must be 8 to 32", c->boot_seed.len);
    }

    if ((c->present & WARD_HAS_CERT_REF) &&
        !cert_ref_ok(&c->certification_reference, p != WARD_TOKEN_PROFILE_RFC9783))
        return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, k->cert_ref,
                               p == WARD_TOKEN_PROFILE_RFC9783
                                   ? "\"%.*s\" does not match [0-9]{13}-[0-9]{5}"
                                   : "\"%.*s\" does not match [0-9]{13} or [0-9]{13}-[0-9]{5}",
                               (int)(c->certification_reference.len > 40
                                         ? 40
                                         : c->certification_reference.len),
                               c->certification_reference.p);
    if ((c->present & WARD_HAS_VSI) && c->verification_service.len == 0)
        return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, k->vsi, "empty string");

    if (p == WARD_TOKEN_PROFILE_IOT_1) {
        bool swc = (c->present & WARD_HAS_SW_COMPONENTS) != 0;
        bool nosw = (c->present & WARD_HAS_NO_SW_MEASUREMENTS) != 0;
        if (!swc && !nosw)
            return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, k->sw_components,
                                   "missing, and no-software-measurements (-75007) "
                                   "is not present either");
        if (swc && nosw)
            return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, k->no_sw,
                                   "present together with software components (-75006)");
        if (nosw && c->no_sw_measurements != 1)
            return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, k->no_sw,
                                   "value %llu, must be 1",
                                   (unsigned long long)c->no_sw_measurements);
        if (!swc)
            return PSA_SUCCESS;
    } else if (!(c->present & WARD_HAS_SW_COMPONENTS)) {
        return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, k->sw_components,
                               "missing (mandatory)");
    }
    if (c->n_sw_components == 0)
        return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, k->sw_components,
                               "empty array (at least one component is required)");
    if (c->n_sw_components > WARD_TOKEN_MAX_SW_COMPONENTS)
        return ward_token_fail(err, PSA_ERROR_INVALID_ARGUMENT, k->sw_components,
                               "more than %d components", WARD_TOKEN_MAX_SW_COMPONENTS);
    for (size_t i = 0; i < c->n_sw_components; i++) {
        st = validate_component(&c->sw_components[i], i, k->sw_components, err);
        if (st != PSA_SUCCESS)
            return st;
    }
    return PSA_SUCCESS;
}
