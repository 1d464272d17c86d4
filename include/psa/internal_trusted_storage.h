/*
 * psa/internal_trusted_storage.h: the PSA Internal Trusted Storage API
 * (PSA Secure Storage API 1.0). Each caller has its own namespace of uids:
 * an application's is its client ID (its Unix user on host), a partition's
 * its partition ID. Ward's choices (limits, flags, quotas): docs/its.md.
 */
#ifndef PSA_INTERNAL_TRUSTED_STORAGE_H
#define PSA_INTERNAL_TRUSTED_STORAGE_H

#include <stddef.h>
#include <stdint.h>

#include "psa/error.h"
#include "psa/storage_common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PSA_ITS_API_VERSION_MAJOR 1
#define PSA_ITS_API_VERSION_MINOR 0

/*
 * Create or replace the asset uid with data_length bytes from p_data,
 * atomically and durably. create_flags: PSA_STORAGE_FLAG_WRITE_ONCE, and the
 * two hints NO_CONFIDENTIALITY and NO_REPLAY_PROTECTION (accepted, not
 * applied). Returns PSA_SUCCESS; PSA_ERROR_NOT_PERMITTED (uid exists with
 * WRITE_ONCE); PSA_ERROR_NOT_SUPPORTED (another flag);
 * PSA_ERROR_INSUFFICIENT_STORAGE (no room, or the caller's quota);
 * PSA_ERROR_STORAGE_FAILURE; PSA_ERROR_INVALID_ARGUMENT (uid 0, p_data NULL
 * with a length, a value longer than the largest asset).
 */
psa_status_t psa_its_set(psa_storage_uid_t uid, size_t data_length,
                         const void *p_data,
                         psa_storage_create_flags_t create_flags);

/*
 * Copy up to data_size bytes of uid's data, from data_offset on, to p_data;
 * *p_data_length gets the count. Bytes of p_data past the count are not
 * touched. Returns PSA_SUCCESS; PSA_ERROR_DOES_NOT_EXIST;
 * PSA_ERROR_STORAGE_FAILURE; PSA_ERROR_DATA_CORRUPT (the stored data failed
 * its check); PSA_ERROR_INVALID_ARGUMENT (uid 0, NULL buffers, data_offset
 * greater than the asset's size).
 */
psa_status_t psa_its_get(psa_storage_uid_t uid, size_t data_offset,
                         size_t data_size, void *p_data,
                         size_t *p_data_length);

/*
 * The asset's capacity, size and flags. Returns PSA_SUCCESS;
 * PSA_ERROR_DOES_NOT_EXIST; PSA_ERROR_STORAGE_FAILURE;
 * PSA_ERROR_INVALID_ARGUMENT (uid 0, p_info NULL).
 */
psa_status_t psa_its_get_info(psa_storage_uid_t uid,
                              struct psa_storage_info_t *p_info);

/*
 * Remove the asset. Returns PSA_SUCCESS; PSA_ERROR_DOES_NOT_EXIST;
 * PSA_ERROR_INVALID_ARGUMENT (uid 0); PSA_ERROR_NOT_PERMITTED (WRITE_ONCE);
 * PSA_ERROR_STORAGE_FAILURE.
 */
psa_status_t psa_its_remove(psa_storage_uid_t uid);

#ifdef __cplusplus
}
#endif

#endif /* PSA_INTERNAL_TRUSTED_STORAGE_H */
