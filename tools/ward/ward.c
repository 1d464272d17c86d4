/*
 * ward.c: the `ward` command-line tool: dispatches `ward GROUP COMMAND ...`
 * through one table. Adding a command is one line here and one function;
 * nothing else in this file needs to change.
 */
#include <stdio.h>
#include <string.h>

#include "ward_cmd.h"

/* name NULL: a command of one word, `ward GROUP ...`. */
static const struct ward_command commands[] = {
    {"status", NULL, "[--json]",
     "is wardd up; its partitions, sessions, isolation and limits", ward_cmd_status},
    {"attest", "verify", "TOKEN --key KEY [--nonce HEX] [--json]",
     "check a PSA attestation token's signature and claims", ward_cmd_attest_verify},
    {"its", "set", "UID [FILE|-] [--write-once]",
     "store FILE (or stdin) as your ITS object UID", ward_cmd_its_set},
    {"its", "get", "UID [FILE|-]",
     "write your ITS object UID to FILE (or stdout)", ward_cmd_its_get},
    {"its", "info", "UID", "size and flags of your ITS object UID", ward_cmd_its_info},
    {"its", "remove", "UID", "remove your ITS object UID", ward_cmd_its_remove},
    {"its", "list", "", "the uids of your own ITS objects", ward_cmd_its_list},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

const struct ward_command *ward_find_command(const char *group, const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].group, group) == 0 &&
            (commands[i].name == NULL ? name == NULL
                                      : name != NULL && strcmp(commands[i].name, name) == 0))
            return &commands[i];
    return NULL;
}

int ward_usage(const struct ward_command *cmd)
{
    fprintf(stderr, "usage: ward %s%s%s %s\n", cmd->group, cmd->name ? " " : "",
            cmd->name ? cmd->name : "", cmd->args);
    return WARD_EXIT_USAGE;
}

static void usage_all(FILE *f)
{
    fprintf(f, "usage: ward COMMAND [ARGS...]\n\ncommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  ward %s%s%s %s\n      %s\n", commands[i].group,
                commands[i].name ? " " : "", commands[i].name ? commands[i].name : "",
                commands[i].args, commands[i].summary);
    fprintf(f, "\nexit status: 0 valid/success, 1 invalid input, 2 usage or I/O error\n");
}

int main(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage_all(stdout);
        return WARD_EXIT_OK;
    }
    const struct ward_command *cmd = argc >= 2 ? ward_find_command(argv[1], NULL) : NULL;
    if (cmd != NULL)
        return cmd->run(argc - 1, argv + 1);
    if (argc < 3) {
        usage_all(stderr);
        return WARD_EXIT_USAGE;
    }
    cmd = ward_find_command(argv[1], argv[2]);
    if (cmd == NULL) {
        fprintf(stderr, "ward: unknown command \"%s %s\"\n", argv[1], argv[2]);
        usage_all(stderr);
        return WARD_EXIT_USAGE;
    }
    return cmd->run(argc - 2, argv + 2);
}
