/* fuzz_its_quota.c: the its.conf parser on arbitrary bytes: it must accept
 * or refuse without reading outside the text, and what it accepts must be
 * within the documented limits. */
#include <stdint.h>
#include <stdlib.h>

#include "its_quota.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct its_quota_config c;
    unsigned line;
    const char *why;
    if (its_quota_parse((const char *)data, size, &c, &line, &why) == PSA_SUCCESS) {
        if (c.nclients > ITS_QUOTA_MAX_CLIENTS || c.applications.max_objects > 65536 ||
            c.partitions.max_objects > 65536)
            abort();
        for (uint32_t i = 0; i < c.nclients; i++)
            if (c.clients[i].client_id == 0)
                abort();
    } else if (why == NULL) {
        abort();
    }
    return 0;
}
