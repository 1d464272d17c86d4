/* app.c: an application built from installed headers and pkg-config only,
 * against ward-emul ("emul") or ward-client ("client", with no daemon). */
#include <stdio.h>
#include <string.h>

#include <psa/client.h>
#include <psa/internal_trusted_storage.h>

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
    /* psa_its_* are exported by both libraries. uid 0 is refused by the
     * proxy; a real request reaches ITS on emul (which answers from its
     * image, or STORAGE_FAILURE without a usable state directory) and
     * finds no daemon on client. */
    struct psa_storage_info_t info;
    if (psa_its_set(0, 0, NULL, 0) != PSA_ERROR_INVALID_ARGUMENT)
        return 4;
    psa_status_t st = psa_its_get_info(0x1A5u, &info);
    if (client ? st != PSA_ERROR_COMMUNICATION_FAILURE
               : st != PSA_ERROR_DOES_NOT_EXIST && st != PSA_ERROR_STORAGE_FAILURE)
        return 5;
    printf("installed ward-%s: FF-M %u.%u\n", client ? "client" : "emul",
           psa_framework_version() >> 8, psa_framework_version() & 0xffu);
    return 0;
}
