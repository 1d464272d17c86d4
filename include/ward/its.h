/*
 * ward/its.h: Ward's extension to Internal Trusted Storage: listing the
 * caller's own uids (what `ward its list` uses). Only the caller's own
 * namespace is ever listed.
 */
#ifndef WARD_ITS_H
#define WARD_ITS_H

#include <stddef.h>
#include <stdint.h>

#include "psa/error.h"
#include "psa/storage_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The most uids one ward_its_list call returns. */
#define WARD_ITS_LIST_MAX 128u

/*
 * The caller's uids greater than after, in increasing order: up to
 * max_uids of them (at most WARD_ITS_LIST_MAX) into uids, their number in
 * *count. Fewer than min(max_uids, WARD_ITS_LIST_MAX) means there are no
 * more; start with after = 0 and continue from the last uid returned.
 * Returns PSA_SUCCESS; PSA_ERROR_INVALID_ARGUMENT (count NULL, uids NULL
 * with max_uids > 0); PSA_ERROR_STORAGE_FAILURE; PSA_ERROR_DATA_CORRUPT
 * (some of the caller's objects are damaged beyond naming; the list would
 * be incomplete).
 */
psa_status_t ward_its_list(psa_storage_uid_t after, psa_storage_uid_t *uids,
                           size_t max_uids, size_t *count);

#ifdef __cplusplus
}
#endif

#endif /* WARD_ITS_H */
