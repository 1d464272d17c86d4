/*
 * ward_test_env.c: private temporary directories for tests. It must never
 * remove anything outside the directory it created itself.
 */
#include "ward_test_env.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fits(char *out, size_t size, const char *a, const char *b)
{
    int n = snprintf(out, size, "%s/%s", a, b);
    return n >= 0 && (size_t)n < size ? 0 : -1;
}

int ward_test_env_setup(struct ward_test_env *env)
{
    const char *tmp = getenv("TMPDIR");
    memset(env, 0, sizeof(*env));
    if (tmp == NULL || tmp[0] != '/' || strlen(tmp) > 40)
        tmp = "/tmp";
    if (fits(env->root, sizeof(env->root), tmp, "ward-t.XXXXXX") != 0) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (mkdtemp(env->root) == NULL) /* mkdtemp creates it 0700 */
        return -1;
    if (fits(env->state_dir, sizeof(env->state_dir), env->root, "state") != 0 ||
        fits(env->socket_path, sizeof(env->socket_path), env->root, "s") != 0 ||
        mkdir(env->state_dir, 0700) != 0) {
        int saved = errno ? errno : ENAMETOOLONG;
        ward_test_env_teardown(env);
        errno = saved;
        return -1;
    }
    if (setenv("WARD_STATE_DIR", env->state_dir, 1) != 0 ||
        setenv("WARD_SOCKET", env->socket_path, 1) != 0 ||
        setenv("XDG_STATE_HOME", env->root, 1) != 0 ||
        setenv("XDG_RUNTIME_DIR", env->root, 1) != 0) {
        int saved = errno;
        ward_test_env_teardown(env);
        errno = saved;
        return -1;
    }
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

int ward_test_env_teardown(struct ward_test_env *env)
{
    int rc = 0;
    /* Only ever a directory this module made: an absolute path ending in
     * the mkdtemp pattern's stem. */
    if (env->root[0] == '/' && strstr(env->root, "/ward-t.") != NULL)
        rc = nftw(env->root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    if (rc != 0 && errno == ENOENT)
        rc = 0;
    memset(env, 0, sizeof(*env));
    return rc == 0 ? 0 : -1;
}

int ward_test_env_path(const struct ward_test_env *env, const char *name,
                       char out[WARD_TEST_PATH_MAX])
{
    return fits(out, WARD_TEST_PATH_MAX, env->root, name);
}

int ward_test_env_group_setup(void **state)
{
    struct ward_test_env *env = calloc(1, sizeof(*env));
    if (env == NULL || ward_test_env_setup(env) != 0) {
        free(env);
        return -1;
    }
    *state = env;
    return 0;
}

int ward_test_env_group_teardown(void **state)
{
    struct ward_test_env *env = *state;
    int rc = env != NULL ? ward_test_env_teardown(env) : 0;
    free(env);
    *state = NULL;
    return rc;
}
