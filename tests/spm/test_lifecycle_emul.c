/*
 * test_lifecycle_emul.c: the lifecycle API as an emul application sees it:
 * SECURED on a fresh state directory, requests checked and applied at the
 * next start (a second run of this program, exec'd on the same state), and
 * UNKNOWN without a state directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "psa/lifecycle.h"
#include "ward_test_env.h"

static const char *self_path;

/* Run this program again on the same state; it prints the state it sees. */
static uint32_t state_after_restart(void)
{
    int p[2];
    char buf[32] = "";
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(p[1], 1);
        execl(self_path, self_path, "--print-state", (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    ssize_t n = read(p[0], buf, sizeof(buf) - 1);
    close(p[0]);
    int status;
    waitpid(pid, &status, 0);
    assert_true(n > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return (uint32_t)strtoul(buf, NULL, 16);
}

static void test_lifecycle(void **state)
{
    (void)state;
    struct ward_test_env env;
    /* Before the first PSA call: emul reads $WARD_STATE_DIR at start. */
    assert_int_equal(ward_test_env_setup(&env), 0);
    assert_int_equal(psa_rot_lifecycle_state(), PSA_LIFECYCLE_SECURED);
    assert_int_equal(psa_security_lifecycle_state(), PSA_LIFECYCLE_SECURED);
    /* Not a state; not a transition the model allows; the current one. */
    assert_int_equal(mbed_psa_reboot_and_request_new_security_state(0x7000),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(mbed_psa_reboot_and_request_new_security_state(
                         PSA_LIFECYCLE_ASSEMBLY_AND_TEST),
                     PSA_ERROR_NOT_PERMITTED);
    assert_int_equal(mbed_psa_reboot_and_request_new_security_state(PSA_LIFECYCLE_SECURED),
                     PSA_SUCCESS);
    /* Debug: recorded now, in force at the next start. */
    assert_int_equal(mbed_psa_reboot_and_request_new_security_state(
                         PSA_LIFECYCLE_NON_PSA_ROT_DEBUG),
                     PSA_SUCCESS);
    assert_int_equal(psa_rot_lifecycle_state(), PSA_LIFECYCLE_SECURED);
    /* While this process holds the state, another one on the same
     * directory finds it locked and runs stateless. */
    assert_int_equal(state_after_restart(), PSA_LIFECYCLE_UNKNOWN);
    assert_int_equal(ward_test_env_teardown(&env), 0);
}

static void test_restart_applies_request(void **state)
{
    (void)state;
    struct ward_test_env env;
    assert_int_equal(ward_test_env_setup(&env), 0);
    /* The first run: a child makes the request and exits (freeing the
     * lock); the second run sees the new state. */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        execl(self_path, self_path, "--request-debug", (char *)NULL);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(state_after_restart(), PSA_LIFECYCLE_NON_PSA_ROT_DEBUG);
    assert_int_equal(ward_test_env_teardown(&env), 0);
}

int main(int argc, char **argv)
{
    self_path = argv[0];
    if (argc == 2 && strcmp(argv[1], "--print-state") == 0) {
        printf("%x\n", (unsigned)psa_rot_lifecycle_state());
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "--request-debug") == 0)
        return psa_rot_lifecycle_state() == PSA_LIFECYCLE_SECURED &&
                       mbed_psa_reboot_and_request_new_security_state(
                           PSA_LIFECYCLE_NON_PSA_ROT_DEBUG) == PSA_SUCCESS
                   ? 0 : 1;
    if (argc == 2 && strcmp(argv[1], "--stateless") == 0)
        return psa_rot_lifecycle_state() == PSA_LIFECYCLE_UNKNOWN &&
                       mbed_psa_reboot_and_request_new_security_state(
                           PSA_LIFECYCLE_SECURED) == PSA_ERROR_STORAGE_FAILURE
                   ? 0 : 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lifecycle),
        cmocka_unit_test(test_restart_applies_request),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
