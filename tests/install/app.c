/* app.c: an application built from installed headers and pkg-config only. */
#include <stdio.h>

#include <psa/client.h>

int main(void)
{
    if (psa_framework_version() != PSA_FRAMEWORK_VERSION)
        return 1;
    /* The production table has no service with this SID. */
    if (psa_version(0x0BADBAD0u) != PSA_VERSION_NONE)
        return 2;
    if (psa_connect(0x0BADBAD0u, 1) != PSA_ERROR_PROGRAMMER_ERROR)
        return 3;
    printf("installed ward-emul: FF-M %u.%u\n", psa_framework_version() >> 8,
           psa_framework_version() & 0xffu);
    return 0;
}
