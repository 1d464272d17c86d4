/*
 * lifecycle.h: the PSA security lifecycle as the SPM keeps it: the record
 * format (a versioned 16-byte record in the state directory) and the
 * transition rules. Portable: the platforms do the file I/O.
 */
#ifndef WARD_LIFECYCLE_H
#define WARD_LIFECYCLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "psa/error.h"
#include "psa/lifecycle.h"

#define WARD_LIFECYCLE_MAGIC 0x59434c57u /* "WLCY" */
#define WARD_LIFECYCLE_VERSION 1u
#define WARD_LIFECYCLE_RECORD_SIZE 16u
#define WARD_LIFECYCLE_NONE 0xFFFFFFFFu   /* no request pending */

struct ward_lifecycle {
    uint32_t state;     /* a PSA_LIFECYCLE_* value */
    uint32_t requested; /* the state to enter at the next start, or NONE */
};

/* Is v one of the seven PSA states (implementation bits [7:0] zero)? */
bool ward_lifecycle_valid(uint32_t v);

/* May a running SPE in state from ask to enter to? PSA_SUCCESS,
 * PSA_ERROR_INVALID_ARGUMENT (to is not a state) or PSA_ERROR_NOT_PERMITTED
 * (the PSA Security Model forbids it). Asking for the current state is
 * accepted and changes nothing. */
psa_status_t ward_lifecycle_check(uint32_t from, uint32_t to);

/* Does entering to erase the partitions' state before they start?
 * (PSA_ROT_PROVISIONING and DECOMMISSIONED do; so does ASSEMBLY_AND_TEST,
 * which is never entered again once left.) */
bool ward_lifecycle_wipes(uint32_t to);

/* "SECURED", ...; "UNKNOWN" for anything else. */
const char *ward_lifecycle_name(uint32_t state);

void ward_lifecycle_encode(const struct ward_lifecycle *lc,
                           uint8_t out[WARD_LIFECYCLE_RECORD_SIZE]);
/* PSA_ERROR_NOT_SUPPORTED for a foreign magic or version,
 * PSA_ERROR_DATA_CORRUPT for a bad size, state or request. */
psa_status_t ward_lifecycle_decode(const uint8_t *buf, size_t len,
                                   struct ward_lifecycle *lc);

#endif /* WARD_LIFECYCLE_H */
