/*
 * ward_test_env.h: every test's private corner of the file system. A test
 * that needs state or a socket asks for an environment, uses only the paths
 * in it, and tears it down; tests never share a path, so ctest -j is safe.
 */
#ifndef WARD_TEST_ENV_H
#define WARD_TEST_ENV_H

#include <stddef.h>

#define WARD_TEST_PATH_MAX 108 /* fits a Unix socket's sun_path */

struct ward_test_env {
    char root[WARD_TEST_PATH_MAX];      /* the private temporary directory */
    char state_dir[WARD_TEST_PATH_MAX]; /* <root>/state, mode 0700 */
    char socket_path[WARD_TEST_PATH_MAX]; /* <root>/s, not created */
};

/* Create a fresh private directory (mode 0700) under $TMPDIR or /tmp with a
 * state directory inside, and point WARD_STATE_DIR, WARD_SOCKET,
 * XDG_STATE_HOME and XDG_RUNTIME_DIR at it, so code under test that falls
 * back to a default still stays inside. Returns 0, or -1 with errno set. */
int ward_test_env_setup(struct ward_test_env *env);

/* Remove the directory and everything in it. Returns 0, or -1 if anything
 * could not be removed. Safe to call twice. */
int ward_test_env_teardown(struct ward_test_env *env);

/* Join root and a relative name into out (size WARD_TEST_PATH_MAX).
 * Returns 0, or -1 if it does not fit. */
int ward_test_env_path(const struct ward_test_env *env, const char *name,
                       char out[WARD_TEST_PATH_MAX]);

/* cmocka group fixtures wrapping setup/teardown; *state becomes the env. */
int ward_test_env_group_setup(void **state);
int ward_test_env_group_teardown(void **state);

#endif /* WARD_TEST_ENV_H */
