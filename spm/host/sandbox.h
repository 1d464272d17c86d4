/*
 * sandbox.h: confinement a partition process applies to itself before its
 * partition's code runs (isolation level 2, DESIGN.md section 7). Each step
 * is irreversible; after ward_sandbox_apply the process can use only the
 * descriptors it holds, its own directory, and the system calls of the
 * allow-list.
 */
#ifndef WARD_SANDBOX_H
#define WARD_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct ward_sandbox {
    const char *rw_dir;   /* the one directory it may use, or NULL for none */
    bool log_only;        /* seccomp logs instead of killing (sanitizer
                             builds, whose runtimes need many more calls) */
};

/* What was applied, for the log and `ward status`. */
struct ward_sandbox_report {
    int landlock_abi;     /* 0: the kernel has no Landlock */
    bool seccomp_enforced;
};

/* In this order: PR_SET_PDEATHSIG(SIGKILL), exit at once if the parent is
 * no longer parent_pid; PR_SET_NO_NEW_PRIVS; PR_SET_DUMPABLE 0;
 * RLIMIT_CORE 0; Landlock limiting every file-system access to rw_dir
 * (skipped, and reported, on kernels without Landlock); the seccomp
 * allow-list (kill the process on anything else). Returns 0, or -1 with
 * the reason in err. */
int ward_sandbox_apply(const struct ward_sandbox *sb, pid_t parent_pid,
                       struct ward_sandbox_report *report, char *err, size_t errlen);

#endif /* WARD_SANDBOX_H */
