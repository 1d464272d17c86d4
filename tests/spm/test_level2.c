/*
 * test_level2.c: what isolation level 2 adds: each partition a sandboxed
 * process (seccomp kills a forbidden system call, Landlock keeps it in its
 * own directory), supervised by wardd (a killed partition's calls fail and
 * it is restarted; a stuck one is killed by the watchdog), and gone with
 * wardd.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "psa/client.h"
#include "psa_manifest/sid.h"
#include "ward/client.h"
#include "ward_test_daemon.h"

static struct ward_test_daemon d;

/* A partition's process and restart count from wardd's status. */
static void partition_info(const char *name, pid_t *pid, unsigned *restarts)
{
    char *json = NULL, key[64];
    assert_int_equal(ward_client_status(&json), PSA_SUCCESS);
    snprintf(key, sizeof(key), "\"name\":\"%s\"", name);
    const char *p = strstr(json, key);
    assert_non_null(p);
    const char *q = strstr(p, "\"pid\":");
    const char *r = strstr(p, "\"restarts\":");
    assert_non_null(q);
    assert_non_null(r);
    *pid = (pid_t)strtol(q + 6, NULL, 10);
    *restarts = (unsigned)strtoul(r + 11, NULL, 10);
    free(json);
}

static int setup(void **state)
{
    (void)state;
    static const char *const args[] = {"--call-timeout", "1", NULL};
    return ward_test_daemon_start(&d, WARD_TEST_WARDD, args);
}

static int teardown(void **state)
{
    (void)state;
    return ward_test_daemon_stop(&d);
}

static psa_status_t probe(int32_t type)
{
    psa_handle_t h = psa_connect(TP_SANDBOX_SID, 1);
    if (h <= 0)
        return h;
    psa_status_t st = psa_call(h, type, NULL, 0, NULL, 0);
    psa_close(h);
    return st;
}

static void test_partitions_are_processes(void **state)
{
    (void)state;
    pid_t a, b;
    unsigned r;
    partition_info("TP_ECHO", &a, &r);
    partition_info("TP_SUM", &b, &r);
    assert_true(a > 0 && b > 0);
    assert_int_not_equal(a, b);
    assert_int_not_equal(a, d.pid);
}

static void test_own_directory_only(void **state)
{
    (void)state;
    assert_int_equal(probe(4), 0);          /* inside: fine */
    assert_int_equal(probe(2), EACCES);     /* outside: refused by Landlock */
}

static void test_forbidden_syscall(void **state)
{
    (void)state;
#ifdef WARD_SANITIZE_BUILD
    fprintf(stderr, "SKIPPED: a sanitizer build's seccomp filter only logs\n");
    skip();
#endif
    pid_t before, after;
    unsigned r0, r1;
    partition_info("TP_SANDBOX", &before, &r0);
    assert_int_equal(probe(1), PSA_ERROR_COMMUNICATION_FAILURE);
    /* Restarted: a new process serves new connections. */
    assert_int_equal(probe(4), 0);
    partition_info("TP_SANDBOX", &after, &r1);
    assert_int_not_equal(before, after);
    assert_true(r1 > r0);
}

static void test_watchdog(void **state)
{
    (void)state;
    unsigned r0, r1;
    pid_t pid;
    partition_info("TP_SANDBOX", &pid, &r0);
    /* Stuck in one call for over --call-timeout (1 s): killed. */
    assert_int_equal(probe(3), PSA_ERROR_COMMUNICATION_FAILURE);
    assert_int_equal(probe(4), 0);
    partition_info("TP_SANDBOX", &pid, &r1);
    assert_true(r1 > r0);
}

static void *call_gate(void *arg)
{
    psa_handle_t h = *(psa_handle_t *)arg;
    return (void *)(intptr_t)psa_call(h, 0, NULL, 0, NULL, 0);
}

static void test_partition_killed_mid_call(void **state)
{
    (void)state;
    psa_handle_t h = psa_connect(TP_GATE_SID, 1);
    pthread_t th;
    void *rc;
    pid_t gate;
    unsigned r;
    assert_true(h > 0);
    assert_int_equal(pthread_create(&th, NULL, call_gate, &h), 0);
    /* Wait until GATE holds the call (its process says so in its page). */
    bool held = false;
    for (int i = 0; i < 200000 && !held; i++) {
        char *json = NULL;
        assert_int_equal(ward_client_status(&json), PSA_SUCCESS);
        held = strstr(json, "\"messages\":1") != NULL;
        free(json);
    }
    assert_true(held);
    partition_info("TP_GATE", &gate, &r);
    assert_int_equal(kill(gate, SIGKILL), 0);
    assert_int_equal(pthread_join(th, &rc), 0);
    assert_int_equal((intptr_t)rc, PSA_ERROR_COMMUNICATION_FAILURE);
    /* Later calls on that connection fail too; a new connection works. */
    assert_int_equal(psa_call(h, 1, NULL, 0, NULL, 0), PSA_ERROR_COMMUNICATION_FAILURE);
    psa_close(h);
    h = psa_connect(TP_GATE_SID, 1);
    assert_true(h > 0);
    uint32_t n = 0;
    psa_outvec ov = {&n, sizeof(n)};
    assert_int_equal(psa_call(h, 1, NULL, 0, &ov, 1), PSA_SUCCESS);
    psa_close(h);
}

/* Killing wardd (SIGKILL: no clean-up of its own) takes every partition
 * process with it. */
static void test_partitions_die_with_wardd(void **state)
{
    (void)state;
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        struct ward_test_daemon other;
        if (ward_test_daemon_start(&other, WARD_TEST_WARDD, NULL) != 0)
            _exit(100);
        pid_t pid;
        unsigned r;
        partition_info("TP_ECHO", &pid, &r);
        int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
        if (pidfd < 0)
            _exit(101);
        kill(other.pid, SIGKILL);
        waitpid(other.pid, NULL, 0);
        other.pid = 0;
        struct pollfd pf = {pidfd, POLLIN, 0};
        int n = poll(&pf, 1, 10000); /* it exits at once; 10 s is a bound */
        ward_test_daemon_stop(&other);
        _exit(n == 1 ? 0 : 102);
    }
    int status;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_partitions_are_processes),
        cmocka_unit_test(test_own_directory_only),
        cmocka_unit_test(test_forbidden_syscall),
        cmocka_unit_test(test_watchdog),
        cmocka_unit_test(test_partition_killed_mid_call),
        cmocka_unit_test(test_partitions_die_with_wardd),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
