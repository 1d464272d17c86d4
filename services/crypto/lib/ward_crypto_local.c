/*
 * ward_crypto_local.c: psa_crypto_init of the standalone library: find and
 * create the private state directory, open the interim file store and start
 * the core. Every other psa_* function is generated (crypto_api.def).
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ward_crypto_local.h"

static const struct ward_crypto_caller g_local = {WARD_CRYPTO_LOCAL_OWNER,
                                                  WARD_CRYPTO_LOCAL_SESSION};
static pthread_mutex_t g_init_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ward_crypto_storage g_store;
static int g_started;

const struct ward_crypto_caller *ward_crypto_local_caller(void)
{
    return &g_local;
}

int ward_crypto_local_state_dir(char *out, size_t size)
{
    const char *v;
    int n;
    if ((v = getenv("WARD_STATE_DIR")) != NULL && v[0] != '\0') {
        n = snprintf(out, size, "%s/crypto", v);
    } else if ((v = getenv("XDG_STATE_HOME")) != NULL && v[0] != '\0') {
        n = snprintf(out, size, "%s/ward-crypto", v);
    } else if ((v = getenv("HOME")) != NULL && v[0] != '\0') {
        n = snprintf(out, size, "%s/.local/state/ward-crypto", v);
    } else {
        return -1;
    }
    return n > 0 && (size_t)n < size ? 0 : -1;
}

/* mkdir -p with mode 0700 for every directory it creates. */
static int make_dirs(char *path)
{
    for (char *p = path + 1; *p != '\0'; p++) {
        if (*p == '/') {
            *p = '\0';
            int r = mkdir(path, 0700);
            *p = '/';
            if (r != 0 && errno != EEXIST) {
                return -1;
            }
        }
    }
    return mkdir(path, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

/* The store used when the key directory cannot be opened: volatile keys
 * still work; every persistent key operation fails with
 * PSA_ERROR_STORAGE_FAILURE (psa_crypto_init itself does not fail for a
 * storage problem, as the specification lists no storage error for it). */
static psa_status_t broken_get(void *ctx, uint64_t uid, size_t offset, size_t size,
                               void *data, size_t *length)
{
    (void)ctx, (void)uid, (void)offset, (void)size, (void)data;
    *length = 0;
    return PSA_ERROR_STORAGE_FAILURE;
}
static psa_status_t broken_set(void *ctx, uint64_t uid, size_t length, const void *data)
{
    (void)ctx, (void)uid, (void)length, (void)data;
    return PSA_ERROR_STORAGE_FAILURE;
}
static psa_status_t broken_remove(void *ctx, uint64_t uid)
{
    (void)ctx, (void)uid;
    return PSA_ERROR_STORAGE_FAILURE;
}
static psa_status_t broken_get_info(void *ctx, uint64_t uid, size_t *size)
{
    (void)ctx, (void)uid;
    *size = 0;
    return PSA_ERROR_STORAGE_FAILURE;
}
static const struct ward_crypto_storage g_broken_store = {NULL, broken_get, broken_set,
                                                          broken_remove, broken_get_info};
static bool g_store_open;

WARD_API psa_status_t psa_crypto_init(void)
{
    char dir[4096];
    psa_status_t st;
    pthread_mutex_lock(&g_init_lock);
    if (g_started) {
        pthread_mutex_unlock(&g_init_lock);
        return PSA_SUCCESS;
    }
    g_store_open = ward_crypto_local_state_dir(dir, sizeof dir) == 0 && make_dirs(dir) == 0 &&
                   ward_crypto_file_store_open(dir, &g_store) == PSA_SUCCESS;
    st = ward_crypto_core_init(g_store_open ? &g_store : &g_broken_store);
    if (st != PSA_SUCCESS && g_store_open) {
        ward_crypto_file_store_close(&g_store);
        g_store_open = false;
    }
    g_started = st == PSA_SUCCESS;
    pthread_mutex_unlock(&g_init_lock);
    return st;
}

void ward_crypto_local_shutdown(void)
{
    pthread_mutex_lock(&g_init_lock);
    if (g_started) {
        ward_crypto_core_shutdown();
        if (g_store_open) {
            ward_crypto_file_store_close(&g_store);
            g_store_open = false;
        }
        g_started = 0;
    }
    pthread_mutex_unlock(&g_init_lock);
}
