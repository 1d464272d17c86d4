/*
 * ward_state.h: the SPE's state directory on POSIX platforms (emul and
 * wardd): private directories, atomic files, the lifecycle record and each
 * partition's own directory. Every path here is the SPM's own; nothing
 * comes from a client.
 */
#ifndef WARD_STATE_H
#define WARD_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "lifecycle.h"

/* Create dir (0700; its parents too if asked) or check it: it must be a
 * directory owned by this user with no group or other access. 0, or -1 with
 * the reason in err. */
int ward_private_dir(const char *dir, bool parents, char *err, size_t errlen);

/* Replace dir/name with data: a 0600 temporary file, fsync, rename, fsync
 * of the directory. 0, or -1 (errno set). */
int ward_write_file_atomic(const char *dir, const char *name, const void *data,
                           size_t len);

/* At start-up: read <state>/lifecycle, creating it on the first start
 * (SECURED: a development SPE provisions itself; PSA_ROT_PROVISIONING with
 * provisioning). A pending request is applied now, erasing
 * <state>/partitions first when the new state demands it. With
 * provisioning on an existing state that is not PSA_ROT_PROVISIONING,
 * refuses. PSA_SUCCESS or an error with the reason in err. */
psa_status_t ward_lifecycle_startup(const char *state, bool provisioning,
                                    struct ward_lifecycle *lc, char *err,
                                    size_t errlen);

/* Record a request to enter `to` at the next start (checked against the
 * current state first). Updates *lc. */
psa_status_t ward_lifecycle_request(const char *state, struct ward_lifecycle *lc,
                                    uint32_t to);

/* <state>/partitions/<name in lower case>, created 0700, into out. */
int ward_partition_dir(const char *state, const char *name, char *out, size_t n);

#endif /* WARD_STATE_H */
