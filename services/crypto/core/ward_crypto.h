/*
 * ward_crypto.h: the crypto core's interface. The core implements the PSA
 * Crypto API for many callers at once: every ward_crypto_* function takes an
 * explicit caller (owner = client ID, session) and keeps that caller's keys
 * and operations apart from everyone else's. Persistent keys go to a storage
 * interface given at init. Each Ward library binds psa_* to these functions
 * in its own way; the core never defines a psa_* function.
 */
#ifndef WARD_CRYPTO_H
#define WARD_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "psa/crypto.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Who is calling. Volatile keys and multi-part operations belong to the
 * (owner, session) pair; persistent keys belong to the owner alone. */
struct ward_crypto_caller {
    int32_t owner;
    uint64_t session;
};

/* Where persistent key records live, addressed by a 64-bit uid (the ITS
 * interface shape). Each function returns PSA_SUCCESS,
 * PSA_ERROR_DOES_NOT_EXIST for an absent uid, or a storage error.
 *  get: copy up to size bytes from offset into data, *length = bytes copied.
 *  set: create or replace the whole record atomically.
 *  remove: delete the record.
 *  get_info: *size = the record's size. */
struct ward_crypto_storage {
    void *ctx;
    psa_status_t (*get)(void *ctx, uint64_t uid, size_t offset, size_t size,
                        void *data, size_t *length);
    psa_status_t (*set)(void *ctx, uint64_t uid, size_t length, const void *data);
    psa_status_t (*remove)(void *ctx, uint64_t uid);
    psa_status_t (*get_info)(void *ctx, uint64_t uid, size_t *size);
};

/* The storage uid of an owner's persistent key (DESIGN.md §3). */
static inline uint64_t ward_crypto_key_uid(int32_t owner, psa_key_id_t id)
{
    return (uint64_t)(uint32_t)owner << 32 | id;
}

/* Start the core: the backend, the locked key arena, the operation table.
 * storage is copied; it must outlive the core. Idempotent while running
 * (a second call with another storage is PSA_ERROR_BAD_STATE).
 * Returns PSA_SUCCESS, PSA_ERROR_INSUFFICIENT_MEMORY,
 * PSA_ERROR_INSUFFICIENT_ENTROPY or PSA_ERROR_CORRUPTION_DETECTED. */
psa_status_t ward_crypto_core_init(const struct ward_crypto_storage *storage);

/* Stop the core: wipe every key, free every operation, release the backend.
 * Every later call returns PSA_ERROR_BAD_STATE until the next init. */
void ward_crypto_core_shutdown(void);

/* The session ended: destroy its volatile keys and abort its operations. */
void ward_crypto_session_end(int32_t owner, uint64_t session);

/* Limits of this build. */
#define WARD_CRYPTO_KEY_SLOTS     256u  /* volatile keys, all callers */
#define WARD_CRYPTO_KEY_MAX_BYTES 2600u /* largest key material held (RSA-4096 DER) */
#define WARD_CRYPTO_RAW_KEY_MAX_BYTES 1024u /* largest raw-data, HMAC, derive... key */
#define WARD_CRYPTO_OPS_MAX       1024u /* multi-part operations, all callers */
/* Cost cap on PBKDF2 (DESIGN.md §7): an iteration count above the limit is
 * PSA_ERROR_NOT_SUPPORTED at psa_key_derivation_input_integer. The default
 * is above the 2023 OWASP recommendations (600 000 for PBKDF2-HMAC-SHA-256,
 * 1 300 000 for SHA-1) and bounds one output block to about a second on a
 * small core. ward_crypto_set_pbkdf2_max_cost(0) restores the default; it
 * may be called at any time, also before ward_crypto_core_init. */
#define WARD_CRYPTO_PBKDF2_MAX_COST_DEFAULT 2000000u
void ward_crypto_set_pbkdf2_max_cost(uint64_t max_cost);

/* Cost cap on RSA (DESIGN.md §7): keys larger than this many bits are
 * PSA_ERROR_NOT_SUPPORTED at import and generation. Default 4096 (also the
 * largest the key slots hold); ward_crypto_set_rsa_max_bits(0) restores it,
 * and values above 4096 are clamped to it. */
#define WARD_CRYPTO_RSA_MAX_BITS_DEFAULT 4096u
void ward_crypto_set_rsa_max_bits(size_t max_bits);

/* Volatile key identifiers are allocated in the vendor range at and above
 * this value; applications cannot choose them. */
#define WARD_CRYPTO_KEY_ID_VOLATILE_MIN ((psa_key_id_t)0x7f000000)

/* Interim stores for the standalone library and tests (the ITS service
 * replaces them in the SPE). A memory store forgets everything when closed.
 * A file store keeps one file per uid, 0600, in an existing 0700 directory
 * owned by this user (refused otherwise, PSA_ERROR_STORAGE_FAILURE); writes
 * are atomic (temporary file, fsync, rename) and serialised between
 * processes with a lock file. */
psa_status_t ward_crypto_mem_store_open(struct ward_crypto_storage *out);
void ward_crypto_mem_store_close(struct ward_crypto_storage *st);
psa_status_t ward_crypto_file_store_open(const char *dir, struct ward_crypto_storage *out);
void ward_crypto_file_store_close(struct ward_crypto_storage *st);

#ifdef __cplusplus
}
#endif

/* Generated from crypto_api.def: one ward_crypto_X per stateful psa_X, with
 * the same contract as psa_X acting for `caller`, and each operation object
 * replaced by a pointer to its uint32_t handle. */
#include "ward_crypto_api.h"

#endif /* WARD_CRYPTO_H */
