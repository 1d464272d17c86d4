/*
 * lifecycle_api.c: psa/lifecycle.h and ward/partition.h over the platform
 * hooks. Which callers reach these depends on the platform: on emul the
 * application and its partitions; in wardd the partitions (applications
 * will ask through the Platform service).
 */
#include <stdio.h>
#include <stdlib.h>

#include "platform.h"
#include "psa/lifecycle.h"
#include "ward/partition.h"

WARD_API uint32_t psa_rot_lifecycle_state(void)
{
    return spm_platform_lifecycle();
}

WARD_API uint32_t psa_security_lifecycle_state(void)
{
    return spm_platform_lifecycle();
}

WARD_API psa_status_t mbed_psa_reboot_and_request_new_security_state(uint32_t new_state)
{
    return spm_platform_lifecycle_request(new_state);
}

WARD_API const char *ward_partition_state_dir(void)
{
    struct spm_runtime *rt = spm_platform_self();
    if (rt == NULL) {
        fprintf(stderr, "ward: ward_partition_state_dir called outside a partition\n");
        abort();
    }
    return spm_platform_state_dir(rt);
}
