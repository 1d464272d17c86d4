/*
 * crypto_hash_mac.c: hash and MAC, single-part and multi-part, with the
 * specification's state machine: any error in a call on an active operation
 * aborts it (its handle returns to 0), so every later call but setup is
 * PSA_ERROR_BAD_STATE; a setup on a non-inactive operation is refused and
 * leaves it untouched. Every comparison of a hash or MAC is constant-time.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto_internal.h"

#define MIN_TRUNCATED_MAC 4u

/* ---- hash ---------------------------------------------------------------- */

static struct wbe_hash *g_hash_cache[0x20]; /* one-shot contexts by alg & 0x1f */

void hash_cache_shutdown(void)
{
    for (size_t i = 0; i < sizeof g_hash_cache / sizeof g_hash_cache[0]; i++) {
        wbe_hash_free(g_hash_cache[i]);
        g_hash_cache[i] = NULL;
    }
}

bool hash_alg_is_valid(psa_algorithm_t alg)
{
    return PSA_ALG_IS_HASH(alg) && alg != PSA_ALG_ANY_HASH && PSA_HASH_LENGTH(alg) != 0;
}

static psa_status_t hash_check_alg(psa_algorithm_t alg)
{
    if (!PSA_ALG_IS_HASH(alg) || alg == PSA_ALG_ANY_HASH) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    return wbe_hash_supported(alg) ? PSA_SUCCESS : PSA_ERROR_NOT_SUPPORTED;
}

static psa_status_t hash_oneshot(psa_algorithm_t alg, const uint8_t *in, size_t n,
                                 uint8_t *out)
{
    struct wbe_hash **slot = &g_hash_cache[alg & 0x1f];
    psa_status_t st;
    if (*slot == NULL) {
        st = wbe_hash_new(alg, slot);
    } else {
        st = wbe_hash_restart(*slot);
    }
    if (st == PSA_SUCCESS) {
        st = wbe_hash_update(*slot, in, n);
    }
    if (st == PSA_SUCCESS) {
        st = wbe_hash_finish(*slot, out);
    }
    return st;
}

psa_status_t ward_crypto_hash_compute(const struct ward_crypto_caller *caller,
                                      psa_algorithm_t alg, const uint8_t *input,
                                      size_t input_length, uint8_t *hash,
                                      size_t hash_size, size_t *hash_length)
{
    (void)caller;
    uint8_t buf[PSA_HASH_MAX_SIZE];
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    *hash_length = 0;
    st = hash_check_alg(alg);
    if (st == PSA_SUCCESS && hash_size < PSA_HASH_LENGTH(alg)) {
        st = PSA_ERROR_BUFFER_TOO_SMALL;
    }
    if (st == PSA_SUCCESS) {
        st = hash_oneshot(alg, input, input_length, buf);
    }
    if (st == PSA_SUCCESS) {
        memcpy(hash, buf, PSA_HASH_LENGTH(alg));
        *hash_length = PSA_HASH_LENGTH(alg);
    }
    core_leave();
    return st;
}

psa_status_t ward_crypto_hash_compare(const struct ward_crypto_caller *caller,
                                      psa_algorithm_t alg, const uint8_t *input,
                                      size_t input_length, const uint8_t *hash,
                                      size_t hash_length)
{
    (void)caller;
    uint8_t buf[PSA_HASH_MAX_SIZE];
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    st = hash_check_alg(alg);
    if (st == PSA_SUCCESS) {
        st = hash_oneshot(alg, input, input_length, buf);
    }
    if (st == PSA_SUCCESS &&
        (hash_length != PSA_HASH_LENGTH(alg) ||
         wbe_memcmp_ct(buf, hash, hash_length) != 0)) {
        st = PSA_ERROR_INVALID_SIGNATURE;
    }
    core_leave();
    return st;
}

struct hash_op {
    psa_algorithm_t alg;
    struct wbe_hash *h;
};

static void hash_op_free(void *p)
{
    struct hash_op *o = p;
    wbe_hash_free(o->h);
    free(o);
}

psa_status_t ward_crypto_hash_setup(const struct ward_crypto_caller *caller,
                                    uint32_t *operation, psa_algorithm_t alg)
{
    psa_status_t st = op_setup_enter(operation);
    if (st != PSA_SUCCESS) {
        return st;
    }
    st = hash_check_alg(alg);
    struct hash_op *o = NULL;
    if (st == PSA_SUCCESS) {
        o = calloc(1, sizeof *o);
        st = o == NULL ? PSA_ERROR_INSUFFICIENT_MEMORY : PSA_SUCCESS;
    }
    if (st == PSA_SUCCESS) {
        o->alg = alg;
        st = wbe_hash_new(alg, &o->h);
    }
    st = op_alloc(caller, OP_HASH, 0, st, o, hash_op_free, operation);
    core_leave();
    return st;
}

psa_status_t ward_crypto_hash_update(const struct ward_crypto_caller *caller,
                                     uint32_t *operation, const uint8_t *input,
                                     size_t input_length)
{
    OP_ENTER(OP_HASH, struct hash_op, o);
    st = wbe_hash_update(o->h, input, input_length);
    if (st != PSA_SUCCESS) {
        op_release(operation);
    }
    core_leave();
    return st;
}

psa_status_t ward_crypto_hash_finish(const struct ward_crypto_caller *caller,
                                     uint32_t *operation, uint8_t *hash,
                                     size_t hash_size, size_t *hash_length)
{
    uint8_t buf[PSA_HASH_MAX_SIZE];
    *hash_length = 0;
    OP_ENTER(OP_HASH, struct hash_op, o);
    size_t len = PSA_HASH_LENGTH(o->alg);
    if (hash_size < len) {
        st = PSA_ERROR_BUFFER_TOO_SMALL;
    } else {
        st = wbe_hash_finish(o->h, buf);
        if (st == PSA_SUCCESS) {
            memcpy(hash, buf, len);
            *hash_length = len;
        }
    }
    op_release(operation);
    core_leave();
    return st;
}

psa_status_t ward_crypto_hash_verify(const struct ward_crypto_caller *caller,
                                     uint32_t *operation, const uint8_t *hash,
                                     size_t hash_length)
{
    uint8_t buf[PSA_HASH_MAX_SIZE];
    OP_ENTER(OP_HASH, struct hash_op, o);
    size_t len = PSA_HASH_LENGTH(o->alg);
    st = wbe_hash_finish(o->h, buf);
    if (st == PSA_SUCCESS &&
        (hash_length != len || wbe_memcmp_ct(buf, hash, len) != 0)) {
        st = PSA_ERROR_INVALID_SIGNATURE;
    }
    op_release(operation);
    core_leave();
    return st;
}

psa_status_t ward_crypto_hash_abort(const struct ward_crypto_caller *caller,
                                    uint32_t *operation)
{
    OP_ABORT(OP_HASH)
}

psa_status_t ward_crypto_hash_clone(const struct ward_crypto_caller *caller,
                                    const uint32_t *source_operation,
                                    uint32_t *target_operation)
{
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    struct hash_op *src = op_get(caller, OP_HASH, *source_operation);
    if (src == NULL || *target_operation != 0) {
        core_leave();
        return PSA_ERROR_BAD_STATE;
    }
    struct hash_op *o = calloc(1, sizeof *o);
    if (o == NULL) {
        core_leave();
        return PSA_ERROR_INSUFFICIENT_MEMORY;
    }
    o->alg = src->alg;
    st = wbe_hash_clone(src->h, &o->h);
    st = op_alloc(caller, OP_HASH, 0, st, o, hash_op_free, target_operation);
    core_leave();
    return st;
}

/* No exportable hash state in OpenSSL 3's provider API (docs/crypto.md):
 * suspend and resume check the operation's state, then refuse. Suspend's
 * refusal ends the operation, as any error on an active operation does. */
psa_status_t ward_crypto_hash_suspend(const struct ward_crypto_caller *caller,
                                      uint32_t *operation, uint8_t *hash_state,
                                      size_t hash_state_size, size_t *hash_state_length)
{
    (void)hash_state;
    (void)hash_state_size;
    *hash_state_length = 0;
    OP_ENTER(OP_HASH, struct hash_op, o);
    (void)o;
    op_release(operation);
    core_leave();
    return PSA_ERROR_NOT_SUPPORTED;
}

psa_status_t ward_crypto_hash_resume(const struct ward_crypto_caller *caller,
                                     uint32_t *operation, const uint8_t *hash_state,
                                     size_t hash_state_length)
{
    (void)hash_state;
    (void)hash_state_length;
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    st = *operation != 0 ? PSA_ERROR_BAD_STATE : PSA_ERROR_NOT_SUPPORTED;
    (void)caller;
    core_leave();
    return st;
}

/* ---- MAC ------------------------------------------------------------------ */

struct mac_params {
    psa_algorithm_t full;
    size_t full_len;
    size_t mac_len;
};

/* Validate alg for the key and usage, in the specification's order:
 * INVALID_ARGUMENT (not a MAC, wildcard), NOT_PERMITTED (policy),
 * INVALID_ARGUMENT (key type), NOT_SUPPORTED. */
static psa_status_t mac_resolve(const struct key_slot *k, psa_algorithm_t alg,
                                psa_key_usage_t usage, struct mac_params *p)
{
    if (!PSA_ALG_IS_MAC(alg) || PSA_ALG_IS_WILDCARD(alg)) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    psa_status_t st = key_policy_check(k, usage, alg);
    if (st != PSA_SUCCESS) {
        return st;
    }
    psa_key_type_t type = k->attr.type;
    p->full = PSA_ALG_FULL_LENGTH_MAC(alg);
    if (PSA_ALG_IS_HMAC(p->full)) {
        if (type != PSA_KEY_TYPE_HMAC) {
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        psa_algorithm_t h = PSA_ALG_GET_HASH(p->full);
        if (!hash_alg_is_valid(h)) {
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        if (!wbe_hash_supported(h) || h == PSA_ALG_SHAKE256_512) {
            return PSA_ERROR_NOT_SUPPORTED;
        }
    } else if (PSA_ALG_IS_BLOCK_CIPHER_MAC(p->full)) {
        if (PSA_BLOCK_CIPHER_BLOCK_LENGTH(type) <= 1 || (type & 0x7000) != 0x2000) {
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        if (p->full != PSA_ALG_CMAC) {
            return PSA_ERROR_NOT_SUPPORTED; /* CBC-MAC is not built */
        }
    } else {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    p->full_len = PSA_MAC_LENGTH(type, k->attr.bits, p->full);
    size_t trunc = (alg >> 16) & 0x3fu;
    if (trunc > p->full_len) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    if (trunc != 0 && trunc < MIN_TRUNCATED_MAC) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    p->mac_len = trunc != 0 ? trunc : p->full_len;
    return PSA_SUCCESS;
}

/* One-shot MAC with the key slot's cached context where possible. */
static psa_status_t mac_oneshot(struct key_slot *k, const struct mac_params *p,
                                const uint8_t *in, size_t n, uint8_t *full)
{
    struct wbe_mac *m = NULL;
    psa_status_t st;
    bool cached = k->mac_cache != NULL && k->mac_cache_alg == p->full;
    if (cached) {
        m = k->mac_cache;
        st = wbe_mac_restart(m);
    } else {
        st = wbe_mac_new(p->full, k->attr.type, k->material, k->len, &m);
    }
    if (st == PSA_SUCCESS) {
        st = wbe_mac_update(m, in, n);
    }
    if (st == PSA_SUCCESS) {
        st = wbe_mac_finish(m, full, p->full_len);
    }
    if (!cached && m != NULL) {
        /* Keep it for the next call on a volatile key (the scratch slot of
         * a persistent key is wiped on release, which frees the cache). */
        wbe_mac_free(k->mac_cache);
        k->mac_cache = m;
        k->mac_cache_alg = p->full;
    }
    return st;
}

psa_status_t ward_crypto_mac_compute(const struct ward_crypto_caller *caller,
                                     psa_key_id_t key, psa_algorithm_t alg,
                                     const uint8_t *input, size_t input_length,
                                     uint8_t *mac, size_t mac_size, size_t *mac_length)
{
    struct key_slot *k;
    struct mac_params p;
    uint8_t full[PSA_MAC_MAX_SIZE];
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    *mac_length = 0;
    st = key_acquire(caller, key, &k);
    if (st != PSA_SUCCESS) {
        core_leave();
        return st;
    }
    st = mac_resolve(k, alg, PSA_KEY_USAGE_SIGN_MESSAGE, &p);
    if (st == PSA_SUCCESS && mac_size < p.mac_len) {
        st = PSA_ERROR_BUFFER_TOO_SMALL;
    }
    if (st == PSA_SUCCESS) {
        st = mac_oneshot(k, &p, input, input_length, full);
    }
    if (st == PSA_SUCCESS) {
        memcpy(mac, full, p.mac_len);
        *mac_length = p.mac_len;
    }
    wbe_cleanse(full, sizeof full);
    key_release(k);
    core_leave();
    return st;
}

psa_status_t ward_crypto_mac_verify(const struct ward_crypto_caller *caller,
                                    psa_key_id_t key, psa_algorithm_t alg,
                                    const uint8_t *input, size_t input_length,
                                    const uint8_t *mac, size_t mac_length)
{
    struct key_slot *k;
    struct mac_params p;
    uint8_t full[PSA_MAC_MAX_SIZE];
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    st = key_acquire(caller, key, &k);
    if (st != PSA_SUCCESS) {
        core_leave();
        return st;
    }
    st = mac_resolve(k, alg, PSA_KEY_USAGE_VERIFY_MESSAGE, &p);
    if (st == PSA_SUCCESS) {
        st = mac_oneshot(k, &p, input, input_length, full);
    }
    if (st == PSA_SUCCESS &&
        (mac_length != p.mac_len || wbe_memcmp_ct(full, mac, p.mac_len) != 0)) {
        st = PSA_ERROR_INVALID_SIGNATURE;
    }
    wbe_cleanse(full, sizeof full);
    key_release(k);
    core_leave();
    return st;
}

struct mac_op {
    struct wbe_mac *m;
    struct mac_params p;
    bool sign;
};

static void mac_op_free(void *p)
{
    struct mac_op *o = p;
    wbe_mac_free(o->m);
    free(o);
}

static psa_status_t mac_setup(const struct ward_crypto_caller *caller, uint32_t *operation,
                              psa_key_id_t key, psa_algorithm_t alg, bool sign)
{
    struct key_slot *k;
    psa_status_t st = op_setup_enter(operation);
    if (st != PSA_SUCCESS) {
        return st;
    }
    st = key_acquire(caller, key, &k);
    if (st != PSA_SUCCESS) {
        core_leave();
        return st;
    }
    struct mac_op *o = calloc(1, sizeof *o);
    if (o == NULL) {
        st = PSA_ERROR_INSUFFICIENT_MEMORY;
    } else {
        o->sign = sign;
        st = mac_resolve(k, alg,
                         sign ? PSA_KEY_USAGE_SIGN_MESSAGE : PSA_KEY_USAGE_VERIFY_MESSAGE,
                         &o->p);
        if (st == PSA_SUCCESS) {
            st = wbe_mac_new(o->p.full, k->attr.type, k->material, k->len, &o->m);
        }
    }
    st = op_alloc(caller, OP_MAC, key, st, o, mac_op_free, operation);
    key_release(k);
    core_leave();
    return st;
}

psa_status_t ward_crypto_mac_sign_setup(const struct ward_crypto_caller *caller,
                                        uint32_t *operation, psa_key_id_t key,
                                        psa_algorithm_t alg)
{
    return mac_setup(caller, operation, key, alg, true);
}

psa_status_t ward_crypto_mac_verify_setup(const struct ward_crypto_caller *caller,
                                          uint32_t *operation, psa_key_id_t key,
                                          psa_algorithm_t alg)
{
    return mac_setup(caller, operation, key, alg, false);
}

psa_status_t ward_crypto_mac_update(const struct ward_crypto_caller *caller,
                                    uint32_t *operation, const uint8_t *input,
                                    size_t input_length)
{
    OP_ENTER(OP_MAC, struct mac_op, o);
    st = wbe_mac_update(o->m, input, input_length);
    if (st != PSA_SUCCESS) {
        op_release(operation);
    }
    core_leave();
    return st;
}

psa_status_t ward_crypto_mac_sign_finish(const struct ward_crypto_caller *caller,
                                         uint32_t *operation, uint8_t *mac,
                                         size_t mac_size, size_t *mac_length)
{
    uint8_t full[PSA_MAC_MAX_SIZE];
    *mac_length = 0;
    OP_ENTER(OP_MAC, struct mac_op, o);
    if (!o->sign) {
        st = PSA_ERROR_BAD_STATE;
    } else if (mac_size < o->p.mac_len) {
        st = PSA_ERROR_BUFFER_TOO_SMALL;
    } else {
        st = wbe_mac_finish(o->m, full, o->p.full_len);
        if (st == PSA_SUCCESS) {
            memcpy(mac, full, o->p.mac_len);
            *mac_length = o->p.mac_len;
        }
    }
    wbe_cleanse(full, sizeof full);
    op_release(operation);
    core_leave();
    return st;
}

psa_status_t ward_crypto_mac_verify_finish(const struct ward_crypto_caller *caller,
                                           uint32_t *operation, const uint8_t *mac,
                                           size_t mac_length)
{
    uint8_t full[PSA_MAC_MAX_SIZE];
    OP_ENTER(OP_MAC, struct mac_op, o);
    if (o->sign) {
        st = PSA_ERROR_BAD_STATE;
    } else {
        st = wbe_mac_finish(o->m, full, o->p.full_len);
        if (st == PSA_SUCCESS && (mac_length != o->p.mac_len ||
                                  wbe_memcmp_ct(full, mac, o->p.mac_len) != 0)) {
            st = PSA_ERROR_INVALID_SIGNATURE;
        }
    }
    wbe_cleanse(full, sizeof full);
    op_release(operation);
    core_leave();
    return st;
}

psa_status_t ward_crypto_mac_abort(const struct ward_crypto_caller *caller,
                                   uint32_t *operation)
{
    OP_ABORT(OP_MAC)
}
