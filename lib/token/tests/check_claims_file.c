/*
 * check_claims_file.c: runs the claims checker on one unsigned claims set
 * (a .cbor file made from the RFC 9783 CDDL conformance cases) and checks
 * the outcome: `check_claims_file good FILE` or
 * `check_claims_file fail FILE [TEXT]` (TEXT must appear in the error).
 * Exit 0 when the outcome is the expected one.
 */
#include <stdio.h>
#include <string.h>

#include "ward_token.h"

int main(int argc, char **argv)
{
    static uint8_t buf[65536];
    struct ward_token_claims c;
    struct ward_token_error err;
    if (argc < 3 || argc > 4 || (strcmp(argv[1], "good") && strcmp(argv[1], "fail"))) {
        fprintf(stderr, "usage: check_claims_file good|fail FILE [TEXT]\n");
        return 2;
    }
    FILE *f = fopen(argv[2], "rb");
    if (f == NULL) {
        perror(argv[2]);
        return 2;
    }
    size_t n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    psa_status_t st = ward_token_check_claims(buf, n, &c, &err);
    if (st == PSA_SUCCESS)
        printf("%s: accepted (profile %s, %zu software components)\n", argv[2],
               ward_token_profile_name(c.profile), c.n_sw_components);
    else
        printf("%s: rejected: %s\n", argv[2], err.msg);
    if (strcmp(argv[1], "good") == 0)
        return st == PSA_SUCCESS ? 0 : 1;
    if (st == PSA_SUCCESS)
        return 1;
    return argc == 4 && strstr(err.msg, argv[3]) == NULL ? 1 : 0;
}
