/*
 * crypto_internal.h: what the core's files share: the global lock, key
 * slots, the operation table and the policy checks. Never included outside
 * services/crypto/core.
 */
#ifndef WARD_CRYPTO_INTERNAL_H
#define WARD_CRYPTO_INTERNAL_H

#include <stdbool.h>

#include "ward_crypto.h"
#include "ward_crypto_backend.h"

/* A key in use: attributes and material in the locked arena. */
struct key_slot {
    bool used;
    int32_t owner;
    uint64_t session;
    uint32_t gen;
    psa_key_attributes_t attr; /* id is the caller-visible identifier */
    size_t len;
    /* Cached backend contexts for one-shot calls (compute paths). */
    struct wbe_mac *mac_cache;
    psa_algorithm_t mac_cache_alg;
    struct wbe_aead *aead_cache;
    psa_algorithm_t aead_cache_alg;
    /* The backend's parsed asymmetric key (RSA, ECC), built on first use. */
    struct wbe_pkey *pkey_cache;
    uint8_t material[WARD_CRYPTO_KEY_MAX_BYTES];
};

/* The slot's key as the backend's asymmetric functions take it. */
static inline struct wbe_key slot_key(struct key_slot *k)
{
    struct wbe_key key = {k->attr.type, k->attr.bits, k->material, k->len, &k->pkey_cache};
    return key;
}

enum op_kind { OP_HASH = 1, OP_MAC, OP_CIPHER, OP_AEAD, OP_KDF, OP_PAKE };

/* Every entry point: lock and check the core is running. */
psa_status_t core_enter(void);
void core_leave(void);
/* The start of every multi-part setup: enter the core, and refuse an
 * operation that is not inactive (BAD_STATE, the object left unchanged, as
 * the specification requires). On success the core is entered. */
psa_status_t op_setup_enter(const uint32_t *operation);

/* Look up a key the caller may use. For a persistent key the slot is a
 * scratch copy valid until key_release. PSA_ERROR_INVALID_HANDLE if the
 * caller has no such key. */
psa_status_t key_acquire(const struct ward_crypto_caller *c, psa_key_id_t id,
                         struct key_slot **out);
void key_release(struct key_slot *k);

/* Policy: PSA_SUCCESS if the key's usage flags include usage and its
 * permitted algorithm allows alg; PSA_ERROR_NOT_PERMITTED otherwise. */
psa_status_t key_policy_check(const struct key_slot *k, psa_key_usage_t usage,
                              psa_algorithm_t alg);

/* Operations: the end of every setup. prepared is the result of building
 * state. If it is PSA_SUCCESS, allocate a handle for state (owned by the
 * table afterwards; freed with free_fn on abort or session end); otherwise,
 * or if the table is full, state (which may be NULL) is freed with free_fn
 * and the error returned. key is the key the operation uses (0 for none). */
typedef void (*op_free_fn)(void *state);
psa_status_t op_alloc(const struct ward_crypto_caller *c, enum op_kind kind,
                      psa_key_id_t key, psa_status_t prepared, void *state,
                      op_free_fn free_fn, uint32_t *handle);
/* The key was destroyed: end every operation of the owner that uses it, so
 * their next call fails (PSA_ERROR_BAD_STATE) as the specification requires;
 * their keyed contexts are freed now. */
void ops_abort_using_key(int32_t owner, psa_key_id_t key);
/* The state of the caller's live operation of this kind, or NULL. */
void *op_get(const struct ward_crypto_caller *c, enum op_kind kind, uint32_t handle);
/* Free the operation and set *handle to 0. */
void op_release(uint32_t *handle);

/* Derived keys: check the attributes (*len = bytes the key takes), then
 * create the key from exactly that many derived bytes. */
psa_status_t key_derive_check(const psa_key_attributes_t *a, size_t *len);
psa_status_t key_create_derived(const struct ward_crypto_caller *c,
                                const psa_key_attributes_t *a, const uint8_t *data,
                                size_t len, psa_key_id_t *key);

/* Key agreement (crypto_asym.c): the shared secret of the standalone
 * algorithm alg with the caller's private key, which must permit DERIVE and
 * policy_alg. out holds PSA_RAW_KEY_AGREEMENT_OUTPUT_MAX_SIZE bytes. */
psa_status_t ka_compute(const struct ward_crypto_caller *caller, psa_algorithm_t alg,
                        psa_algorithm_t policy_alg, psa_key_id_t private_key,
                        const uint8_t *peer, size_t peer_len, uint8_t *out, size_t *len);

/* Hash helpers shared by MAC and tests. */
bool hash_alg_is_valid(psa_algorithm_t alg);

/* Enter for a call on a live operation; on failure the handle is cleared
 * when the operation could not be found. */
#define OP_ENTER(kind, type, var)                                  \
    psa_status_t st = core_enter();                                \
    if (st != PSA_SUCCESS) {                                       \
        return st;                                                 \
    }                                                              \
    type *var = op_get(caller, kind, *operation);                  \
    if (var == NULL) {                                             \
        core_leave();                                              \
        return PSA_ERROR_BAD_STATE;                                \
    }

/* Abort is valid in every state, including on an inactive operation. */
#define OP_ABORT(kind)                                                 \
    if (*operation == 0) {                                             \
        return PSA_SUCCESS;                                            \
    }                                                                  \
    psa_status_t st = core_enter();                                    \
    if (st != PSA_SUCCESS) {                                           \
        return st;                                                     \
    }                                                                  \
    if (op_get(caller, kind, *operation) != NULL) {                    \
        op_release(operation);                                         \
    }                                                                  \
    *operation = 0;                                                    \
    core_leave();                                                      \
    return PSA_SUCCESS;

void hash_cache_shutdown(void);

/* The persistent key record parser (exposed for its fuzz target). */
psa_status_t key_record_parse(const uint8_t *buf, size_t len, int32_t owner,
                              psa_key_id_t id, struct key_slot *k);

/* Key store life cycle (crypto_keys.c). */
psa_status_t keys_init(const struct ward_crypto_storage *storage);
void keys_shutdown(void);
void keys_session_end(int32_t owner, uint64_t session);

#endif /* WARD_CRYPTO_INTERNAL_H */
