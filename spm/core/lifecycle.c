/*
 * lifecycle.c: lifecycle record codec and transition rules (PSA Security
 * Model, as drawn in RFC 9783). No state is kept here.
 */
#include "lifecycle.h"

#include "ward_codec.h"

bool ward_lifecycle_valid(uint32_t v)
{
    switch (v) {
    case PSA_LIFECYCLE_UNKNOWN:
        return false; /* "an invalid state that must not occur" */
    case PSA_LIFECYCLE_ASSEMBLY_AND_TEST:
    case PSA_LIFECYCLE_PSA_ROT_PROVISIONING:
    case PSA_LIFECYCLE_SECURED:
    case PSA_LIFECYCLE_NON_PSA_ROT_DEBUG:
    case PSA_LIFECYCLE_RECOVERABLE_PSA_ROT_DEBUG:
    case PSA_LIFECYCLE_DECOMMISSIONED:
        return true;
    default:
        return false;
    }
}

psa_status_t ward_lifecycle_check(uint32_t from, uint32_t to)
{
    if (!ward_lifecycle_valid(to))
        return PSA_ERROR_INVALID_ARGUMENT;
    if (from == to)
        return PSA_SUCCESS;
    switch (from) {
    case PSA_LIFECYCLE_ASSEMBLY_AND_TEST:
        return to == PSA_LIFECYCLE_PSA_ROT_PROVISIONING ? PSA_SUCCESS
                                                        : PSA_ERROR_NOT_PERMITTED;
    case PSA_LIFECYCLE_PSA_ROT_PROVISIONING:
        return to == PSA_LIFECYCLE_SECURED ? PSA_SUCCESS : PSA_ERROR_NOT_PERMITTED;
    case PSA_LIFECYCLE_SECURED:
        return to == PSA_LIFECYCLE_NON_PSA_ROT_DEBUG ||
                       to == PSA_LIFECYCLE_RECOVERABLE_PSA_ROT_DEBUG ||
                       to == PSA_LIFECYCLE_DECOMMISSIONED
                   ? PSA_SUCCESS : PSA_ERROR_NOT_PERMITTED;
    case PSA_LIFECYCLE_NON_PSA_ROT_DEBUG:
    case PSA_LIFECYCLE_RECOVERABLE_PSA_ROT_DEBUG:
        return to == PSA_LIFECYCLE_SECURED || to == PSA_LIFECYCLE_DECOMMISSIONED
                   ? PSA_SUCCESS : PSA_ERROR_NOT_PERMITTED;
    default: /* DECOMMISSIONED is terminal */
        return PSA_ERROR_NOT_PERMITTED;
    }
}

bool ward_lifecycle_wipes(uint32_t to)
{
    return to == PSA_LIFECYCLE_ASSEMBLY_AND_TEST ||
           to == PSA_LIFECYCLE_PSA_ROT_PROVISIONING || to == PSA_LIFECYCLE_DECOMMISSIONED;
}

void ward_lifecycle_encode(const struct ward_lifecycle *lc,
                           uint8_t out[WARD_LIFECYCLE_RECORD_SIZE])
{
    struct ward_writer w;
    ward_writer_init(&w, out, WARD_LIFECYCLE_RECORD_SIZE);
    ward_put_u32le(&w, WARD_LIFECYCLE_MAGIC);
    ward_put_u16le(&w, WARD_LIFECYCLE_VERSION);
    ward_put_u16le(&w, 0);
    ward_put_u32le(&w, lc->state);
    ward_put_u32le(&w, lc->requested);
}

psa_status_t ward_lifecycle_decode(const uint8_t *buf, size_t len,
                                   struct ward_lifecycle *lc)
{
    struct ward_reader r;
    uint32_t magic;
    uint16_t version, reserved;
    ward_reader_init(&r, buf, len);
    ward_get_u32le(&r, &magic);
    ward_get_u16le(&r, &version);
    if (ward_reader_finish(&r) != PSA_ERROR_INVALID_ARGUMENT &&
        ward_reader_finish(&r) != PSA_SUCCESS)
        return PSA_ERROR_DATA_CORRUPT; /* shorter than magic and version */
    if (magic != WARD_LIFECYCLE_MAGIC || version != WARD_LIFECYCLE_VERSION)
        return PSA_ERROR_NOT_SUPPORTED;
    ward_get_u16le(&r, &reserved);
    ward_get_u32le(&r, &lc->state);
    ward_get_u32le(&r, &lc->requested);
    if (ward_reader_finish(&r) != PSA_SUCCESS || reserved != 0 ||
        !ward_lifecycle_valid(lc->state) ||
        (lc->requested != WARD_LIFECYCLE_NONE && !ward_lifecycle_valid(lc->requested)))
        return PSA_ERROR_DATA_CORRUPT;
    return PSA_SUCCESS;
}

const char *ward_lifecycle_name(uint32_t s)
{
    switch (s) {
    case PSA_LIFECYCLE_ASSEMBLY_AND_TEST: return "ASSEMBLY_AND_TEST";
    case PSA_LIFECYCLE_PSA_ROT_PROVISIONING: return "PSA_ROT_PROVISIONING";
    case PSA_LIFECYCLE_SECURED: return "SECURED";
    case PSA_LIFECYCLE_NON_PSA_ROT_DEBUG: return "NON_PSA_ROT_DEBUG";
    case PSA_LIFECYCLE_RECOVERABLE_PSA_ROT_DEBUG: return "RECOVERABLE_PSA_ROT_DEBUG";
    case PSA_LIFECYCLE_DECOMMISSIONED: return "DECOMMISSIONED";
    default: return "UNKNOWN";
    }
}
