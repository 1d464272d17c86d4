/* Tests of the per-test environment helper: private, distinct, cleaned up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward_test_env.h"

static void test_setup_makes_private_dirs_and_env(void **state)
{
    (void)state;
    struct ward_test_env env;
    struct stat st;
    assert_int_equal(ward_test_env_setup(&env), 0);
    assert_int_equal(stat(env.root, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(stat(env.state_dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_string_equal(getenv("WARD_STATE_DIR"), env.state_dir);
    assert_string_equal(getenv("WARD_SOCKET"), env.socket_path);
    assert_string_equal(getenv("XDG_STATE_HOME"), env.root);
    assert_string_equal(getenv("XDG_RUNTIME_DIR"), env.root);
    assert_true(strlen(env.socket_path) < WARD_TEST_PATH_MAX);
    assert_int_equal(ward_test_env_teardown(&env), 0);
}

static void test_two_envs_are_distinct(void **state)
{
    (void)state;
    struct ward_test_env a, b;
    assert_int_equal(ward_test_env_setup(&a), 0);
    assert_int_equal(ward_test_env_setup(&b), 0);
    assert_string_not_equal(a.root, b.root);
    assert_int_equal(ward_test_env_teardown(&a), 0);
    assert_int_equal(ward_test_env_teardown(&b), 0);
}

static void test_teardown_removes_everything(void **state)
{
    (void)state;
    struct ward_test_env env;
    char path[WARD_TEST_PATH_MAX], root[WARD_TEST_PATH_MAX];
    assert_int_equal(ward_test_env_setup(&env), 0);
    strcpy(root, env.root);
    assert_int_equal(ward_test_env_path(&env, "state/sub", path), 0);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(ward_test_env_path(&env, "state/sub/file", path), 0);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("x", f);
    fclose(f);
    assert_int_equal(ward_test_env_teardown(&env), 0);
    assert_int_equal(access(root, F_OK), -1);
    /* A second teardown of a cleared env touches nothing. */
    assert_int_equal(ward_test_env_teardown(&env), 0);
}

static void test_path_too_long_is_refused(void **state)
{
    (void)state;
    struct ward_test_env env;
    char name[WARD_TEST_PATH_MAX + 1], out[WARD_TEST_PATH_MAX];
    assert_int_equal(ward_test_env_setup(&env), 0);
    memset(name, 'a', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    assert_int_equal(ward_test_env_path(&env, name, out), -1);
    assert_int_equal(ward_test_env_teardown(&env), 0);
}

static void test_teardown_refuses_foreign_root(void **state)
{
    (void)state;
    struct ward_test_env env;
    memset(&env, 0, sizeof(env));
    strcpy(env.root, "/tmp");
    /* Not one of ours: nothing is removed, and /tmp is still there. */
    assert_int_equal(ward_test_env_teardown(&env), 0);
    assert_int_equal(access("/tmp", F_OK), 0);
}

static void test_group_fixture(void **state)
{
    struct ward_test_env *env = *state;
    assert_non_null(env);
    assert_int_equal(access(env->state_dir, W_OK), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_setup_makes_private_dirs_and_env),
        cmocka_unit_test(test_two_envs_are_distinct),
        cmocka_unit_test(test_teardown_removes_everything),
        cmocka_unit_test(test_path_too_long_is_refused),
        cmocka_unit_test(test_teardown_refuses_foreign_root),
    };
    const struct CMUnitTest grouped[] = {
        cmocka_unit_test(test_group_fixture),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    failed += cmocka_run_group_tests(grouped, ward_test_env_group_setup,
                                     ward_test_env_group_teardown);
    return failed;
}
