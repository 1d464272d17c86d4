/*
 * wardd_remote.h: isolation level 2's seams. A partition process reaches
 * other partitions through a second build of the client library on a
 * socket wardd handed it (ward_remote_*); wardd reaches a partition
 * process through its control socket with the WARD_OP_HOST_* requests,
 * which carry the caller as wardd established it.
 */
#ifndef WARD_WARDD_REMOTE_H
#define WARD_WARDD_REMOTE_H

#include <stdint.h>

#include "psa/client.h"
#include "spm_message.h"

#define WARDD_CALLER_SIZE 16u

/* The client library's second build. */
void ward_remote_client_adopt(int fd);
psa_status_t ward_remote_notify(int32_t partition_id);
psa_status_t ward_remote_lifecycle_request(uint32_t to);
uint32_t ward_remote_psa_version(uint32_t sid);
psa_handle_t ward_remote_psa_connect(uint32_t sid, uint32_t version);
psa_status_t ward_remote_psa_call(psa_handle_t handle, int32_t type,
                                  const psa_invec *in_vec, size_t in_len,
                                  psa_outvec *out_vec, size_t out_len);
void ward_remote_psa_close(psa_handle_t handle);

/* The caller a WARD_OP_HOST_* request carries: client ID, session and
 * partition index, 16 bytes little-endian. */
void wardd_caller_encode(const struct spm_caller *c, uint8_t out[WARDD_CALLER_SIZE]);
psa_status_t wardd_caller_decode(const uint8_t *p, size_t n, struct spm_caller *c);

/* What a partition process and wardd share in one page: for the watchdog
 * and the crash accounting. */
struct wardd_host_page {
    _Atomic uint64_t busy_since_ns; /* 0 while blocked in psa_wait */
    _Atomic uint64_t replies;       /* successful replies this incarnation */
    _Atomic int64_t messages;       /* live objects, for `ward status` */
    _Atomic int64_t channels;
};

#endif /* WARD_WARDD_REMOTE_H */
