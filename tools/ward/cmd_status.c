/*
 * cmd_status.c: `ward status [--json]`: what wardd is running, for whom,
 * and within which limits, as wardd itself reports it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psa/error.h"
#include "ward/client.h"
#include "ward_cmd.h"

int ward_cmd_status(int argc, char **argv)
{
    bool json = false;
    char *doc = NULL, path[256];
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else
            return ward_usage(ward_find_command("status", NULL));
    }
    psa_status_t st = json ? ward_client_status(&doc) : ward_client_status_text(&doc);
    if (st != PSA_SUCCESS) {
        if (ward_client_socket_path(path, sizeof(path)) != PSA_SUCCESS)
            snprintf(path, sizeof(path), "(path too long)");
        if (json)
            printf("{\"daemon\":\"down\",\"socket\":\"%s\",\"status\":%d}\n", path, (int)st);
        else
            printf("wardd: not running (no answer at %s)\n", path);
        return WARD_EXIT_INVALID;
    }
    fputs(doc, stdout);
    if (json)
        putchar('\n');
    free(doc);
    return WARD_EXIT_OK;
}
