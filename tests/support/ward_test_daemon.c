/* ward_test_daemon.c: start and stop a private wardd for a test. */
#include "ward_test_daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int ward_test_daemon_start(struct ward_test_daemon *d, const char *wardd,
                           const char *const *extra)
{
    memset(d, 0, sizeof(*d));
    if (ward_test_env_setup(&d->env) != 0)
        return -1;
    if (ward_test_daemon_launch(d, wardd, extra) != 0) {
        ward_test_env_teardown(&d->env);
        return -1;
    }
    return 0;
}

int ward_test_daemon_launch(struct ward_test_daemon *d, const char *wardd,
                            const char *const *extra)
{
    int ready[2];
    char byte;
    d->pid = 0;
    if (setenv("WARD_SOCKET", d->env.socket_path, 1) != 0)
        return -1;
    if (pipe2(ready, O_CLOEXEC) != 0)
        return -1;
    d->pid = fork();
    if (d->pid < 0)
        return -1;
    if (d->pid == 0) {
        const char *argv[32];
        int n = 0;
        /* Its own process group, so a test can kill wardd and everything
         * it started at once (ward_test_daemon_kill). */
        (void)setpgid(0, 0);
        /* The readiness pipe becomes descriptor 3, kept across exec. */
        if (dup2(ready[1], 3) < 0)
            _exit(127);
        argv[n++] = wardd;
        argv[n++] = "--foreground";
        argv[n++] = "--state-dir";
        argv[n++] = d->env.state_dir;
        argv[n++] = "--socket";
        argv[n++] = d->env.socket_path;
        argv[n++] = "--ready-fd";
        argv[n++] = "3";
        for (int i = 0; extra != NULL && extra[i] != NULL && n < 31; i++)
            argv[n++] = extra[i];
        argv[n] = NULL;
        execv(wardd, (char *const *)argv);
        fprintf(stderr, "ward_test_daemon: exec %s: %s\n", wardd, strerror(errno));
        _exit(127);
    }
    close(ready[1]);
    ssize_t k;
    do
        k = read(ready[0], &byte, 1);
    while (k < 0 && errno == EINTR);
    close(ready[0]);
    if (k != 1) {
        /* It exited before it was ready. */
        waitpid(d->pid, NULL, 0);
        d->pid = 0;
        return -1;
    }
    return 0;
}

int ward_test_daemon_kill(struct ward_test_daemon *d)
{
    int status = 0;
    if (d->pid <= 0)
        return -1;
    kill(-d->pid, SIGKILL);
    while (waitpid(d->pid, &status, 0) < 0 && errno == EINTR)
        ;
    d->pid = 0;
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL ? 0 : -1;
}

int ward_test_daemon_halt(struct ward_test_daemon *d)
{
    int status = 0, rc = -1;
    if (d->pid > 0) {
        kill(d->pid, SIGTERM);
        while (waitpid(d->pid, &status, 0) < 0 && errno == EINTR)
            ;
        rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        d->pid = 0;
    }
    return rc;
}

int ward_test_daemon_stop(struct ward_test_daemon *d)
{
    int rc = ward_test_daemon_halt(d);
    ward_test_env_teardown(&d->env);
    return rc;
}
