/*
 * crypto_core.c: the core's life cycle, its one lock, the multi-part
 * operation table and psa_generate_random. Operation handles carry an index
 * and a generation, so a stale or forged handle finds nothing; an operation
 * is visible only to the (owner, session) that started it.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "crypto_internal.h"

struct op_entry {
    uint32_t handle; /* 0 when free */
    enum op_kind kind;
    int32_t owner;
    uint64_t session;
    psa_key_id_t key; /* the key the operation was set up with, or 0 */
    void *state;
    op_free_fn free_fn;
};

#define OP_INDEX_BITS 12u
#define OP_INDEX_MASK ((1u << OP_INDEX_BITS) - 1u)

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static bool g_ready;
static struct op_entry g_ops[WARD_CRYPTO_OPS_MAX];
static uint32_t g_op_gen = 1;

psa_status_t core_enter(void)
{
    pthread_mutex_lock(&g_lock);
    if (!g_ready) {
        pthread_mutex_unlock(&g_lock);
        return PSA_ERROR_BAD_STATE;
    }
    return PSA_SUCCESS;
}

void core_leave(void)
{
    pthread_mutex_unlock(&g_lock);
}

psa_status_t op_setup_enter(const uint32_t *operation)
{
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    if (*operation != 0) {
        core_leave();
        return PSA_ERROR_BAD_STATE;
    }
    return PSA_SUCCESS;
}

psa_status_t ward_crypto_core_init(const struct ward_crypto_storage *storage)
{
    psa_status_t st;
    pthread_mutex_lock(&g_lock);
    if (g_ready) {
        pthread_mutex_unlock(&g_lock);
        return PSA_SUCCESS;
    }
    st = wbe_init();
    if (st == PSA_SUCCESS) {
        st = keys_init(storage);
        if (st != PSA_SUCCESS) {
            wbe_shutdown();
        }
    }
    if (st == PSA_SUCCESS) {
        memset(g_ops, 0, sizeof g_ops);
        g_ready = true;
    }
    pthread_mutex_unlock(&g_lock);
    return st;
}

static void op_free_entry(struct op_entry *e)
{
    if (e->free_fn != NULL && e->state != NULL) {
        e->free_fn(e->state);
    }
    memset(e, 0, sizeof *e);
}

void ward_crypto_core_shutdown(void)
{
    pthread_mutex_lock(&g_lock);
    if (g_ready) {
        for (size_t i = 0; i < WARD_CRYPTO_OPS_MAX; i++) {
            if (g_ops[i].handle != 0) {
                op_free_entry(&g_ops[i]);
            }
        }
        hash_cache_shutdown();
        keys_shutdown();
        wbe_shutdown();
        g_ready = false;
    }
    pthread_mutex_unlock(&g_lock);
}

void ward_crypto_session_end(int32_t owner, uint64_t session)
{
    if (core_enter() != PSA_SUCCESS) {
        return;
    }
    for (size_t i = 0; i < WARD_CRYPTO_OPS_MAX; i++) {
        if (g_ops[i].handle != 0 && g_ops[i].owner == owner &&
            g_ops[i].session == session) {
            op_free_entry(&g_ops[i]);
        }
    }
    keys_session_end(owner, session);
    core_leave();
}

psa_status_t op_alloc(const struct ward_crypto_caller *c, enum op_kind kind,
                      psa_key_id_t key, psa_status_t prepared, void *state,
                      op_free_fn free_fn, uint32_t *handle)
{
    if (prepared != PSA_SUCCESS) {
        if (state != NULL) {
            free_fn(state);
        }
        return prepared;
    }
    for (size_t i = 0; i < WARD_CRYPTO_OPS_MAX; i++) {
        if (g_ops[i].handle == 0) {
            g_op_gen = (g_op_gen + 1) & 0xfffffu;
            if (g_op_gen == 0) {
                g_op_gen = 1;
            }
            g_ops[i].handle = g_op_gen << OP_INDEX_BITS | (uint32_t)(i + 1);
            g_ops[i].kind = kind;
            g_ops[i].owner = c->owner;
            g_ops[i].session = c->session;
            g_ops[i].key = key;
            g_ops[i].state = state;
            g_ops[i].free_fn = free_fn;
            *handle = g_ops[i].handle;
            return PSA_SUCCESS;
        }
    }
    free_fn(state);
    return PSA_ERROR_INSUFFICIENT_MEMORY;
}

static struct op_entry *op_find(uint32_t handle)
{
    uint32_t idx = handle & OP_INDEX_MASK;
    if (handle == 0 || idx == 0 || idx > WARD_CRYPTO_OPS_MAX) {
        return NULL;
    }
    struct op_entry *e = &g_ops[idx - 1];
    return e->handle == handle ? e : NULL;
}

void *op_get(const struct ward_crypto_caller *c, enum op_kind kind, uint32_t handle)
{
    struct op_entry *e = op_find(handle);
    if (e == NULL || e->kind != kind || e->owner != c->owner || e->session != c->session) {
        return NULL;
    }
    return e->state;
}

void ops_abort_using_key(int32_t owner, psa_key_id_t key)
{
    for (size_t i = 0; i < WARD_CRYPTO_OPS_MAX; i++) {
        if (g_ops[i].handle != 0 && g_ops[i].key == key && g_ops[i].owner == owner) {
            op_free_entry(&g_ops[i]);
        }
    }
}

void op_release(uint32_t *handle)
{
    struct op_entry *e = op_find(*handle);
    if (e != NULL) {
        op_free_entry(e);
    }
    *handle = 0;
}

psa_status_t ward_crypto_generate_random(const struct ward_crypto_caller *caller,
                                         uint8_t *output, size_t output_size)
{
    (void)caller;
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    st = wbe_random(output, output_size);
    core_leave();
    return st;
}
