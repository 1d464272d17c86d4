/*
 * psa/lifecycle.h: the PSA security lifecycle states and the calls that read
 * and request them (TF-M and Mbed OS names). The SPM owns the state; these
 * functions only read it or file a request that wardd applies at restart.
 */
#ifndef PSA_LIFECYCLE_H
#define PSA_LIFECYCLE_H

#include <stdint.h>

#include "psa/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PSA_LIFECYCLE_PSA_STATE_MASK            (0xff00u)
#define PSA_LIFECYCLE_IMP_STATE_MASK            (0x00ffu)
#define PSA_LIFECYCLE_UNKNOWN                   (0x0000u)
#define PSA_LIFECYCLE_ASSEMBLY_AND_TEST         (0x1000u)
#define PSA_LIFECYCLE_PSA_ROT_PROVISIONING      (0x2000u)
#define PSA_LIFECYCLE_SECURED                   (0x3000u)
#define PSA_LIFECYCLE_NON_PSA_ROT_DEBUG         (0x4000u)
#define PSA_LIFECYCLE_RECOVERABLE_PSA_ROT_DEBUG (0x5000u)
#define PSA_LIFECYCLE_DECOMMISSIONED            (0x6000u)

/* Mbed OS spellings of the two masks. */
#define PSA_LIFECYCLE_STATE_MASK    PSA_LIFECYCLE_PSA_STATE_MASK
#define PSA_LIFECYCLE_SUBSTATE_MASK PSA_LIFECYCLE_IMP_STATE_MASK

/* The current state: [15:8] PSA state, [7:0] implementation defined.
 * PSA_LIFECYCLE_UNKNOWN if it cannot be read. */
uint32_t psa_rot_lifecycle_state(void);

/* Mbed OS name of psa_rot_lifecycle_state(). */
uint32_t psa_security_lifecycle_state(void);

/* Request a transition to new_state, applied when the SPE restarts.
 * PSA_ERROR_NOT_PERMITTED for a transition the lifecycle forbids. */
psa_status_t mbed_psa_reboot_and_request_new_security_state(uint32_t new_state);

#ifdef __cplusplus
}
#endif

#endif /* PSA_LIFECYCLE_H */
