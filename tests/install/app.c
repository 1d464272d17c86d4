/* app.c: an application built from installed headers and pkg-config only,
 * against ward-emul ("emul") or ward-client ("client", with no daemon). */
#include <stdio.h>
#include <string.h>

#include <psa/client.h>

int main(int argc, char **argv)
{
    int client = argc > 1 && strcmp(argv[1], "client") == 0;
    if (psa_framework_version() != PSA_FRAMEWORK_VERSION)
        return 1;
    if (psa_version(0x0BADBAD0u) != PSA_VERSION_NONE)
        return 2;
    /* emul: the production table has no such SID; client: no daemon. */
    if (psa_connect(0x0BADBAD0u, 1) != (client ? PSA_ERROR_COMMUNICATION_FAILURE
                                               : PSA_ERROR_PROGRAMMER_ERROR))
        return 3;
    printf("installed ward-%s: FF-M %u.%u\n", client ? "client" : "emul",
           psa_framework_version() >> 8, psa_framework_version() & 0xffu);
    return 0;
}
