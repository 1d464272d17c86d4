/*
 * psa/client.h: the client side of the PSA Firmware Framework IPC API
 * (FF-M 1.1). Exactly one Ward library (ward-emul or ward-client) defines these
 * functions in a process; applications include only this header.
 */
#ifndef PSA_CLIENT_H
#define PSA_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "psa/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PSA_FRAMEWORK_VERSION (0x0101u) /* [15:8] major, [7:0] minor: FF-M 1.1 */
#define PSA_VERSION_NONE      (0u)

typedef int32_t psa_handle_t;

#define PSA_NULL_HANDLE        ((psa_handle_t)0)
#define PSA_HANDLE_IS_VALID(handle) ((psa_handle_t)(handle) > 0)
#define PSA_HANDLE_TO_ERROR(handle) ((psa_status_t)(handle))

#define PSA_MAX_IOVEC (4u)
#define PSA_IPC_CALL  (0)

/* Input vector: len bytes at base, read by the service. */
typedef struct psa_invec {
    const void *base;
    size_t len;
} psa_invec;

/* Output vector: room for len bytes at base; on return of psa_call, len is
 * the number of bytes the service wrote. */
typedef struct psa_outvec {
    void *base;
    size_t len;
} psa_outvec;

/* The FF-M version the framework implements: PSA_FRAMEWORK_VERSION. */
uint32_t psa_framework_version(void);

/* The version of the RoT service sid, or PSA_VERSION_NONE if it does not
 * exist or the caller may not reach it. */
uint32_t psa_version(uint32_t sid);

/* Connect to sid at version. Returns a positive handle, or
 * PSA_ERROR_CONNECTION_REFUSED / PSA_ERROR_CONNECTION_BUSY; a PROGRAMMER
 * ERROR (unknown sid, version refused by the service's policy, caller not
 * allowed, stateless service) returns PSA_ERROR_PROGRAMMER_ERROR. */
psa_handle_t psa_connect(uint32_t sid, uint32_t version);

/* Send a request of the given type (>= 0) with in_len input and out_len
 * output vectors (in_len + out_len <= PSA_MAX_IOVEC). Returns the service's
 * status; on return out_vec[i].len holds the bytes written. */
psa_status_t psa_call(psa_handle_t handle, int32_t type,
                      const psa_invec *in_vec, size_t in_len,
                      psa_outvec *out_vec, size_t out_len);

/* Close a connection; PSA_NULL_HANDLE is a no-op. */
void psa_close(psa_handle_t handle);

#ifdef __cplusplus
}
#endif

#endif /* PSA_CLIENT_H */
