/*
 * sandbox.c: no_new_privs, death signal, Landlock and a seccomp allow-list
 * (libseccomp). The allow-list is what a partition's wait loop, its
 * channels and its own store need; anything else, such as opening a
 * network socket, executing a program or tracing a process, kills it.
 */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14) /* Landlock ABI 3 */
#endif

static int landlock(const char *dir, int *abi_out, char *err, size_t errlen)
{
    int abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0,
                           LANDLOCK_CREATE_RULESET_VERSION);
    *abi_out = abi > 0 ? abi : 0;
    if (abi <= 0)
        return 0; /* no Landlock in this kernel: reported, not fatal */
    uint64_t fs = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
                  LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR |
                  LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
                  LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |
                  LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |
                  LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
                  LANDLOCK_ACCESS_FS_MAKE_SYM;
    if (abi >= 2)
        fs |= LANDLOCK_ACCESS_FS_REFER;
    if (abi >= 3)
        fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
    struct landlock_ruleset_attr attr = {.handled_access_fs = fs};
    int rs = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
    if (rs < 0) {
        snprintf(err, errlen, "landlock: ruleset: %s", strerror(errno));
        return -1;
    }
    if (dir != NULL) {
        struct landlock_path_beneath_attr pb = {
            /* Everything inside, except running programs or making devices. */
            .allowed_access = fs & ~(LANDLOCK_ACCESS_FS_EXECUTE |
                                     LANDLOCK_ACCESS_FS_MAKE_CHAR |
                                     LANDLOCK_ACCESS_FS_MAKE_BLOCK),
        };
        pb.parent_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (pb.parent_fd < 0 ||
            syscall(SYS_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) != 0) {
            snprintf(err, errlen, "landlock: %s: %s", dir, strerror(errno));
            if (pb.parent_fd >= 0)
                close(pb.parent_fd);
            close(rs);
            return -1;
        }
        close(pb.parent_fd);
    }
    if (syscall(SYS_landlock_restrict_self, rs, 0) != 0) {
        snprintf(err, errlen, "landlock: restrict: %s", strerror(errno));
        close(rs);
        return -1;
    }
    close(rs);
    return 0;
}

/* The system calls a partition process may make once confined. */
static const int allowed[] = {
    /* memory and threads (created before the sandbox closes) */
    SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap),
    SCMP_SYS(mprotect), SCMP_SYS(madvise), SCMP_SYS(futex), SCMP_SYS(set_robust_list),
    SCMP_SYS(rseq), SCMP_SYS(sched_yield), SCMP_SYS(getrandom),
    /* time, identity, signals, exit */
    SCMP_SYS(clock_gettime), SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep),
    SCMP_SYS(gettimeofday), SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(getppid),
    SCMP_SYS(getuid), SCMP_SYS(geteuid), SCMP_SYS(rt_sigprocmask),
    SCMP_SYS(rt_sigreturn), SCMP_SYS(sigaltstack), SCMP_SYS(tgkill),
    SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(restart_syscall),
    /* descriptors it holds: channels, its control socket, epoll, eventfd */
    SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
    SCMP_SYS(close), SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(recvfrom),
    SCMP_SYS(sendto), SCMP_SYS(shutdown), SCMP_SYS(epoll_wait),
    SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_ctl), SCMP_SYS(epoll_create1),
    SCMP_SYS(eventfd2), SCMP_SYS(socketpair), SCMP_SYS(poll), SCMP_SYS(ppoll),
    SCMP_SYS(fcntl), SCMP_SYS(dup), SCMP_SYS(memfd_create), SCMP_SYS(ftruncate),
    /* its own directory (Landlock decides which paths) */
    SCMP_SYS(openat), SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(statx),
    SCMP_SYS(lseek), SCMP_SYS(pread64), SCMP_SYS(pwrite64), SCMP_SYS(fsync),
    SCMP_SYS(fdatasync), SCMP_SYS(flock), SCMP_SYS(fallocate), SCMP_SYS(renameat),
    SCMP_SYS(renameat2), SCMP_SYS(unlinkat), SCMP_SYS(mkdirat), SCMP_SYS(getdents64),
    /* the older path calls glibc still makes for some functions */
    SCMP_SYS(open), SCMP_SYS(stat), SCMP_SYS(lstat), SCMP_SYS(access),
    SCMP_SYS(faccessat), SCMP_SYS(faccessat2), SCMP_SYS(unlink), SCMP_SYS(rename),
    SCMP_SYS(mkdir), SCMP_SYS(rmdir), SCMP_SYS(fchmod), SCMP_SYS(fstatfs),
    /* what libc asks about the machine (sysconf, qsort) */
    SCMP_SYS(sysinfo), SCMP_SYS(uname), SCMP_SYS(sched_getaffinity), SCMP_SYS(getrlimit),
};

static int seccomp_filter(bool log_only, char *err, size_t errlen)
{
    scmp_filter_ctx ctx = seccomp_init(log_only ? SCMP_ACT_LOG : SCMP_ACT_KILL_PROCESS);
    int rc = ctx == NULL ? -ENOMEM : 0;
    for (size_t i = 0; rc == 0 && i < sizeof(allowed) / sizeof(allowed[0]); i++)
        if (allowed[i] >= 0)
            rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
    /* The terminal check stdio makes before buffering, and nothing else. */
    struct scmp_arg_cmp tcgets = {.arg = 1, .op = SCMP_CMP_EQ, .datum_a = TCGETS,
                                  .datum_b = 0};
    if (rc == 0)
        rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1, &tcgets);
    if (rc == 0)
        rc = seccomp_load(ctx);
    if (ctx != NULL)
        seccomp_release(ctx);
    if (rc != 0) {
        snprintf(err, errlen, "seccomp: %s", strerror(-rc));
        return -1;
    }
    return 0;
}

int ward_sandbox_apply(const struct ward_sandbox *sb, pid_t parent_pid,
                       struct ward_sandbox_report *report, char *err, size_t errlen)
{
    struct rlimit none = {0, 0};
    memset(report, 0, sizeof(*report));
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) {
        snprintf(err, errlen, "PR_SET_PDEATHSIG: %s", strerror(errno));
        return -1;
    }
    /* The parent may have died before the death signal was armed. */
    if (parent_pid > 0 && getppid() != parent_pid)
        _exit(1);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0 || setrlimit(RLIMIT_CORE, &none) != 0) {
        snprintf(err, errlen, "prctl/setrlimit: %s", strerror(errno));
        return -1;
    }
    if (landlock(sb->rw_dir, &report->landlock_abi, err, errlen) != 0)
        return -1;
    if (seccomp_filter(sb->log_only, err, errlen) != 0)
        return -1;
    report->seccomp_enforced = !sb->log_only;
    return 0;
}
