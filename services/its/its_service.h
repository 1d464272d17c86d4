/*
 * its_service.h: the ITS service's logic, independent of the IPC around
 * it: client namespaces over the store, the full 64-bit uid mapping,
 * WRITE_ONCE, per-client quotas. The partition (its_partition.c) decodes
 * requests and calls these; tests and the benchmark call them directly.
 *
 * Namespaces: an object of client C with uid U lives under the store key
 * (uint32_t)C << 32 | slot, where slot is any free 32-bit number of C's
 * (a hash of U, probed on collision), and its record's value is U (8 bytes,
 * little-endian) followed by the data. A RAM map (owner, uid) -> slot is
 * rebuilt from the records at open, so two clients' objects can never meet
 * and a lookup never leaves the caller's owner. Not thread-safe.
 */
#ifndef ITS_SERVICE_H
#define ITS_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "its_protocol.h"
#include "its_quota.h"
#include "its_store.h"
#include "psa/error.h"
#include "psa/storage_common.h"

/* Store geometry of the ITS image (docs/its.md). */
#define ITS_SECTOR_SIZE (64u * 1024u)
#define ITS_SECTOR_COUNT 32u
#define ITS_MAX_OBJECTS 4096u
#define ITS_UID_PREFIX 8u /* the uid at the start of every record's value */
#define ITS_RECORD_MAX (ITS_UID_PREFIX + ITS_MAX_ASSET_SIZE)

/* Create flags the service accepts. */
#define ITS_FLAGS_SUPPORTED                                                   \
    (PSA_STORAGE_FLAG_WRITE_ONCE | PSA_STORAGE_FLAG_NO_CONFIDENTIALITY |      \
     PSA_STORAGE_FLAG_NO_REPLAY_PROTECTION)

/* The record layout this file writes, in the top byte of the store flags;
 * the low byte holds the PSA flags actually applied (WRITE_ONCE only). */
#define ITS_RECORD_LAYOUT 1u
#define ITS_RECORD_TAG (ITS_RECORD_LAYOUT << 24)

struct its_map_entry {
    uint32_t owner; /* (uint32_t)client_id */
    uint32_t slot;  /* store key = owner << 32 | slot */
    uint64_t uid;   /* 0: a damaged record whose uid cannot be read */
};

struct its_service {
    struct its_store *st;
    struct its_map_entry *map; /* sorted by (owner, uid, slot) */
    uint32_t count;
    struct its_quota_config quota;
    psa_status_t broken; /* != PSA_SUCCESS: every request answers it */
    uint8_t buf[ITS_RECORD_MAX];
};

/*
 * Bind the service to an open store (st, which must outlive it; NULL makes
 * a broken service) and a quota configuration; rebuild the uid map from the
 * records. Returns PSA_SUCCESS, or the status every request will then
 * answer: PSA_ERROR_STORAGE_FAILURE (no store, a record of another layout,
 * a medium error), PSA_ERROR_DATA_CORRUPT (two records claim one uid),
 * PSA_ERROR_INSUFFICIENT_MEMORY. its_service_fini frees in every case.
 */
psa_status_t its_service_init(struct its_service *s, struct its_store *st,
                              const struct its_quota_config *quota);
void its_service_fini(struct its_service *s);
/* Make every later request answer status (an unusable configuration). */
void its_service_break(struct its_service *s, psa_status_t status);

/*
 * The four PSA functions for client_id (never 0), with the contract of
 * psa/internal_trusted_storage.h. provisioning: the SPE is in
 * PSA_ROT_PROVISIONING, where WRITE_ONCE is not enforced. Besides the
 * documented codes: INSUFFICIENT_STORAGE also for the client's quota;
 * DATA_CORRUPT from get when the value fails its CRC, and from get,
 * get_info and remove of a uid the client does not have while one of its
 * records is damaged beyond naming (it might be that one).
 */
psa_status_t its_service_set(struct its_service *s, int32_t client_id,
                             uint64_t uid, uint32_t flags, const void *data,
                             size_t len, bool provisioning);
psa_status_t its_service_get(struct its_service *s, int32_t client_id,
                             uint64_t uid, uint64_t offset, size_t size,
                             void *out, size_t *out_len);
psa_status_t its_service_get_info(struct its_service *s, int32_t client_id,
                                  uint64_t uid, uint64_t *capacity,
                                  uint64_t *size, uint32_t *flags);
psa_status_t its_service_remove(struct its_service *s, int32_t client_id,
                                uint64_t uid, bool provisioning);
/* The client's uids > after in increasing order, at most max. */
psa_status_t its_service_list(struct its_service *s, int32_t client_id,
                              uint64_t after, uint64_t *uids, size_t max,
                              size_t *count);

#endif /* ITS_SERVICE_H */
