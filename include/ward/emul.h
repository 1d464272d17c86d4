/*
 * ward/emul.h: controls specific to the in-process platform (ward-emul).
 * emul runs the SPM and every partition inside the application: there is
 * no isolation and no crash containment, only the same API and semantics.
 */
#ifndef WARD_EMUL_H
#define WARD_EMUL_H

#include <stdint.h>

#include "psa/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Present client_id (< 0) to partitions on later calls from this process,
 * instead of the default -(uid + 1). It names the namespace persistent
 * objects belong to. Connections made under another ID keep theirs; calls
 * on them from the new ID are invalid handles. Returns
 * PSA_ERROR_INVALID_ARGUMENT for client_id >= 0. emul only: on host the
 * daemon decides a client's ID from its credentials. */
psa_status_t ward_emul_set_client_id(int32_t client_id);

/* The client ID this process currently presents. */
int32_t ward_emul_client_id(void);

#ifdef __cplusplus
}
#endif

#endif /* WARD_EMUL_H */
