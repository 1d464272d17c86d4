/*
 * ward_cmd.h: what every `ward` subcommand shares: the exit codes and the
 * signature of a command. Commands are listed in one table in ward.c.
 */
#ifndef WARD_CMD_H
#define WARD_CMD_H

#include <stdbool.h>

/* Exit status of every subcommand. */
#define WARD_EXIT_OK 0      /* the thing checked is valid / the action worked */
#define WARD_EXIT_INVALID 1 /* the input was read and is not valid */
#define WARD_EXIT_USAGE 2   /* bad arguments, unreadable files, I/O errors */

/* A subcommand gets its own arguments: argv[0] is its name ("verify"). */
typedef int (*ward_cmd_fn)(int argc, char **argv);

struct ward_command {
    const char *group;   /* "attest" */
    const char *name;    /* "verify", or NULL for a one-word command */
    const char *args;    /* one-line synopsis of the arguments */
    const char *summary; /* one line for `ward --help` */
    ward_cmd_fn run;
};

/* Print "usage: ward GROUP NAME ARGS" for cmd to stderr; returns WARD_EXIT_USAGE. */
int ward_usage(const struct ward_command *cmd);
/* The table entry for group/name, or NULL. */
const struct ward_command *ward_find_command(const char *group, const char *name);

int ward_cmd_attest_verify(int argc, char **argv);
int ward_cmd_status(int argc, char **argv);
int ward_cmd_its_set(int argc, char **argv);
int ward_cmd_its_get(int argc, char **argv);
int ward_cmd_its_info(int argc, char **argv);
int ward_cmd_its_remove(int argc, char **argv);
int ward_cmd_its_list(int argc, char **argv);

#endif /* WARD_CMD_H */
