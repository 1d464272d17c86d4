/*
 * platform.h: what a platform supplies under the portable SPM. The core's
 * partition API (partition_api.c) and in-SPE client API (local_client.c)
 * are written once on top of these hooks; a platform decides only how a
 * partition blocks, how a message reaches its partition and who is calling.
 */
#ifndef WARD_SPM_PLATFORM_H
#define WARD_SPM_PLATFORM_H

#include <stdbool.h>

#include "broker.h"
#include "runtime.h"

#define WARD_API __attribute__((visibility("default")))

/* The calling partition's runtime, or NULL when the caller is not a
 * partition (an application thread on emul). */
struct spm_runtime *spm_platform_self(void);

/* Block the calling partition until rt has a signal in mask; return them.
 * Called only when none is asserted and mask can be satisfied. */
psa_signal_t spm_platform_block(struct spm_runtime *rt, psa_signal_t mask);

/* Take in whatever has arrived for the calling partition without
 * blocking (psa_wait with PSA_POLL). */
void spm_platform_poll(struct spm_runtime *rt);

/* Abandon the calling partition: its messages fail, it restarts. */
_Noreturn void spm_platform_panic(struct spm_runtime *rt);

/* Enter the SPM for a client call: take whatever lock protects the broker.
 * Returns false if the SPM cannot run (it could not start). */
bool spm_platform_enter(void);
void spm_platform_leave(void);

/* Inside enter/leave: the broker, the caller as the SPM knows it, and
 * delivery of msg to its service's partition, returning once it is done. */
struct spm_broker *spm_platform_broker(void);
struct spm_caller spm_platform_caller(void);
void spm_platform_run(struct spm_message *msg);

/* The SPE's lifecycle state (PSA_LIFECYCLE_UNKNOWN if it has none), and a
 * request to change it at the next start (ward_lifecycle_check's codes, or
 * PSA_ERROR_STORAGE_FAILURE). */
uint32_t spm_platform_lifecycle(void);
psa_status_t spm_platform_lifecycle_request(uint32_t to);

/* The partition's state directory, or NULL. */
const char *spm_platform_state_dir(struct spm_runtime *rt);

/* Where a partition's own client calls go when its partition manager is
 * in another process (wardd isolation level 2): the platform returns the
 * functions of a client library, or NULL when calls are served locally. */
struct spm_remote_client {
    uint32_t (*version)(uint32_t sid);
    psa_handle_t (*connect)(uint32_t sid, uint32_t version);
    psa_status_t (*call)(psa_handle_t handle, int32_t type, const psa_invec *in_vec,
                         size_t in_len, psa_outvec *out_vec, size_t out_len);
    void (*close)(psa_handle_t handle);
};
const struct spm_remote_client *spm_platform_remote(void);

/* Checks a client library makes before the SPM is involved: vector counts
 * (PSA_MAX_IOVEC in all), NULL arrays or bases with a length, and a total
 * that does not overflow. *total is the sum of all lengths. */
bool spm_vectors_ok(const psa_invec *in_vec, size_t in_len,
                    const psa_outvec *out_vec, size_t out_len, size_t *total);

#endif /* WARD_SPM_PLATFORM_H */
