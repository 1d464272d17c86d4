/*
 * ward_test_daemon.h: run a private wardd for a test. The daemon gets the
 * test's own state directory and socket (ward_test_env), and the test
 * waits for it to accept clients through a readiness pipe, never by
 * sleeping.
 */
#ifndef WARD_TEST_DAEMON_H
#define WARD_TEST_DAEMON_H

#include <sys/types.h>

#include "ward_test_env.h"

struct ward_test_daemon {
    struct ward_test_env env;
    pid_t pid;
};

/* Start wardd (path) in the foreground with --state-dir, --socket and
 * --ready-fd, plus extra arguments (NULL-terminated, may be NULL). Returns 0
 * once it accepts clients, -1 if it could not start. WARD_SOCKET points at
 * its socket afterwards. */
int ward_test_daemon_start(struct ward_test_daemon *d, const char *wardd,
                           const char *const *extra);

/* Start wardd as above in d->env, which the caller has set up (and may
 * have prepared, e.g. with configuration files in its state directory) or
 * kept from an earlier run of the same daemon. wardd runs in its own
 * process group. Returns 0 once it accepts clients, -1 otherwise; the
 * environment is kept either way. */
int ward_test_daemon_launch(struct ward_test_daemon *d, const char *wardd,
                            const char *const *extra);

/* SIGKILL wardd's whole process group and reap it, keeping the
 * environment (its state) for a later ward_test_daemon_launch. Returns 0
 * if it died of the SIGKILL. */
int ward_test_daemon_kill(struct ward_test_daemon *d);

/* SIGTERM and reap it, keeping the environment; returns its exit status
 * (0 for a clean shutdown), -1 if it was not running. */
int ward_test_daemon_halt(struct ward_test_daemon *d);

/* SIGTERM and reap it; returns its exit status (0 for a clean shutdown),
 * and removes the environment. */
int ward_test_daemon_stop(struct ward_test_daemon *d);

#endif /* WARD_TEST_DAEMON_H */
