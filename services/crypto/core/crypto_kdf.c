/*
 * crypto_kdf.c: key derivation operations. Every algorithm is built here
 * on the backend's keyed MAC (HMAC, CMAC), so that output is incremental
 * and the capacity rules are exactly the specification's: HKDF,
 * HKDF-Extract, HKDF-Expand (RFC 5869), the TLS 1.2 PRF (RFC 5246 §5) and
 * PSK-to-MS (RFC 4279 §2), PBKDF2 with HMAC or AES-CMAC-PRF-128 (RFC 8018,
 * RFC 4615), and PSA's SP 800-108 counter-mode KDFs with HMAC or CMAC
 * (the CMAC one with the K_0 mitigation), also combined with ECDH
 * (PSA_ALG_KEY_AGREEMENT(PSA_ALG_ECDH, kdf)) through the key agreement step,
 * and TLS 1.2 ECJPAKE-to-PMS (SHA-256 of the J-PAKE point's x coordinate).
 */
#include <stdlib.h>
#include <string.h>

#include "crypto_internal.h"

/* Largest accepted input of one step (all the pieces of a repeated PBKDF2
 * salt together); larger inputs are PSA_ERROR_NOT_SUPPORTED. */
#define KDF_INPUT_MAX 4096u

static uint64_t g_pbkdf2_max_cost = WARD_CRYPTO_PBKDF2_MAX_COST_DEFAULT;

void ward_crypto_set_pbkdf2_max_cost(uint64_t max_cost)
{
    __atomic_store_n(&g_pbkdf2_max_cost,
                     max_cost ? max_cost : WARD_CRYPTO_PBKDF2_MAX_COST_DEFAULT,
                     __ATOMIC_RELAXED);
}

enum kdf_kind {
    K_HKDF,
    K_HKDF_EXTRACT,
    K_HKDF_EXPAND,
    K_TLS12_PRF,
    K_TLS12_PSK_TO_MS,
    K_PBKDF2_HMAC,
    K_PBKDF2_CMAC,
    K_SP108_HMAC,
    K_SP108_CMAC,
    K_ECJPAKE_PMS,
};

/* Steps as bit positions. */
enum { S_SECRET, S_PASSWORD, S_OTHER, S_LABEL, S_SALT, S_INFO, S_SEED, S_COST, S_CONTEXT, S_N };

struct step_rule {
    uint8_t rank;   /* 0: not an input of this algorithm; order otherwise */
    bool required;  /* needed before later steps and before output */
    bool repeat;    /* may be given several times (concatenated) */
};

struct buf {
    uint8_t *p;
    size_t n;
};

struct kdf_op {
    psa_algorithm_t alg;    /* the operation's algorithm (with the KA if any) */
    psa_algorithm_t ka;     /* the key agreement of a combined algorithm, or 0 */
    enum kdf_kind kind;
    psa_algorithm_t hash;
    size_t hlen;            /* PRF output length */
    struct step_rule rules[S_N];
    uint32_t done;          /* bit per step given */
    uint8_t rank;           /* rank of the last ordered step */
    bool output_started;
    bool secret_from_key;   /* SECRET/PASSWORD came from a key */
    bool verify_only;       /* an input key permits only VERIFY_DERIVATION */
    size_t capacity;
    uint64_t cost;
    struct buf in[S_N];     /* inputs kept for output generation */
    struct wbe_mac *mac;    /* the PRF keyed with the (derived) secret */
    uint8_t block[PSA_HASH_MAX_SIZE];
    size_t block_len, block_pos;
    uint8_t chain[PSA_HASH_MAX_SIZE]; /* HKDF T(i-1), TLS A(i), SP 800-108 K_0 */
    size_t chain_len;
    uint32_t counter;
    uint8_t l_be[4];        /* SP 800-108 [L]_4 */
};

static int step_index(psa_key_derivation_step_t step)
{
    switch (step) {
    case PSA_KEY_DERIVATION_INPUT_SECRET: return S_SECRET;
    case PSA_KEY_DERIVATION_INPUT_PASSWORD: return S_PASSWORD;
    case PSA_KEY_DERIVATION_INPUT_OTHER_SECRET: return S_OTHER;
    case PSA_KEY_DERIVATION_INPUT_LABEL: return S_LABEL;
    case PSA_KEY_DERIVATION_INPUT_SALT: return S_SALT;
    case PSA_KEY_DERIVATION_INPUT_INFO: return S_INFO;
    case PSA_KEY_DERIVATION_INPUT_SEED: return S_SEED;
    case PSA_KEY_DERIVATION_INPUT_COST: return S_COST;
    case PSA_KEY_DERIVATION_INPUT_CONTEXT: return S_CONTEXT;
    default: return -1;
    }
}

static void kdf_free(void *state)
{
    struct kdf_op *o = state;
    if (o == NULL) {
        return;
    }
    for (int i = 0; i < S_N; i++) {
        if (o->in[i].p != NULL) {
            wbe_cleanse(o->in[i].p, o->in[i].n);
            free(o->in[i].p);
        }
    }
    wbe_mac_free(o->mac);
    wbe_cleanse(o, sizeof *o);
    free(o);
}

static void rule(struct kdf_op *o, int s, uint8_t rank, bool required, bool repeat)
{
    o->rules[s] = (struct step_rule){rank, required, repeat};
}

/* Fill in the algorithm's description; PSA_ERROR_NOT_SUPPORTED if not built. */
static psa_status_t kdf_describe(struct kdf_op *o, psa_algorithm_t alg)
{
    psa_algorithm_t h = PSA_ALG_GET_HASH(alg);
    bool hashed = true;
    if (PSA_ALG_IS_HKDF(alg)) {
        o->kind = K_HKDF;
        rule(o, S_SALT, 1, false, false);
        rule(o, S_SECRET, 2, true, false);
        rule(o, S_INFO, 0xff, true, false); /* any time before output */
    } else if (PSA_ALG_IS_HKDF_EXTRACT(alg)) {
        o->kind = K_HKDF_EXTRACT;
        rule(o, S_SALT, 1, true, false);
        rule(o, S_SECRET, 2, true, false);
    } else if (PSA_ALG_IS_HKDF_EXPAND(alg)) {
        o->kind = K_HKDF_EXPAND;
        rule(o, S_SECRET, 1, true, false);
        rule(o, S_INFO, 2, true, false);
    } else if (PSA_ALG_IS_TLS12_PRF(alg) || PSA_ALG_IS_TLS12_PSK_TO_MS(alg)) {
        bool psk = PSA_ALG_IS_TLS12_PSK_TO_MS(alg);
        o->kind = psk ? K_TLS12_PSK_TO_MS : K_TLS12_PRF;
        rule(o, S_SEED, 1, true, false);
        if (psk) {
            rule(o, S_OTHER, 2, false, false);
        }
        rule(o, S_SECRET, 3, true, false);
        rule(o, S_LABEL, 4, true, false);
        /* The specification names SHA-256 and SHA-384 for TLS 1.2. */
        if (h != PSA_ALG_SHA_256 && h != PSA_ALG_SHA_384) {
            return PSA_ERROR_NOT_SUPPORTED;
        }
    } else if (PSA_ALG_IS_PBKDF2_HMAC(alg) || alg == PSA_ALG_PBKDF2_AES_CMAC_PRF_128) {
        o->kind = alg == PSA_ALG_PBKDF2_AES_CMAC_PRF_128 ? K_PBKDF2_CMAC : K_PBKDF2_HMAC;
        rule(o, S_COST, 1, true, false);
        rule(o, S_SALT, 2, true, true);
        rule(o, S_PASSWORD, 3, true, false);
        hashed = o->kind == K_PBKDF2_HMAC;
    } else if (PSA_ALG_IS_SP800_108_COUNTER_HMAC(alg) || alg == PSA_ALG_SP800_108_COUNTER_CMAC) {
        o->kind = alg == PSA_ALG_SP800_108_COUNTER_CMAC ? K_SP108_CMAC : K_SP108_HMAC;
        rule(o, S_SECRET, 1, true, false);
        rule(o, S_LABEL, 2, false, false);
        rule(o, S_CONTEXT, 3, false, false);
        hashed = o->kind == K_SP108_HMAC;
    } else if (alg == PSA_ALG_TLS12_ECJPAKE_TO_PMS) {
        /* draft-cragie-tls-ecjpake-01 §8.7: one secret, the point K. */
        o->kind = K_ECJPAKE_PMS;
        rule(o, S_SECRET, 1, true, false);
        h = PSA_ALG_SHA_256;
    } else {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    if (hashed) {
        if (!hash_alg_is_valid(h) || !wbe_hash_supported(h) || h == PSA_ALG_SHAKE256_512) {
            return PSA_ERROR_NOT_SUPPORTED;
        }
        o->hash = h;
        o->hlen = PSA_HASH_LENGTH(h);
    } else {
        o->hlen = 16; /* AES-CMAC */
    }
    switch (o->kind) {
    case K_HKDF_EXTRACT:
    case K_ECJPAKE_PMS:
        o->capacity = o->hlen;
        break;
    case K_PBKDF2_HMAC:
    case K_PBKDF2_CMAC:
        o->capacity = (size_t)0xffffffffu * o->hlen; /* RFC 8018: (2^32-1) hLen */
        break;
    case K_SP108_HMAC:
    case K_SP108_CMAC:
        o->capacity = 0x1fffffff;
        break;
    default:
        o->capacity = 255 * o->hlen;
        break;
    }
    return PSA_SUCCESS;
}

psa_status_t ward_crypto_key_derivation_setup(const struct ward_crypto_caller *caller,
    uint32_t *operation, psa_algorithm_t alg)
{
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    if (*operation != 0) {
        st = PSA_ERROR_BAD_STATE;
    } else if (PSA_ALG_IS_RAW_KEY_AGREEMENT(alg)) {
        st = PSA_ERROR_INVALID_ARGUMENT;
    } else if (PSA_ALG_IS_KEY_AGREEMENT(alg) &&
               ((PSA_ALG_KEY_AGREEMENT_GET_BASE(alg) != PSA_ALG_ECDH &&
                 PSA_ALG_KEY_AGREEMENT_GET_BASE(alg) != PSA_ALG_FFDH) ||
                !PSA_ALG_IS_KEY_DERIVATION(PSA_ALG_KEY_AGREEMENT_GET_KDF(alg)) ||
                PSA_ALG_KEY_AGREEMENT_GET_KDF(alg) == PSA_ALG_TLS12_ECJPAKE_TO_PMS)) {
        st = PSA_ERROR_NOT_SUPPORTED; /* not a derivation inside, or J-PAKE's */
    } else if (!PSA_ALG_IS_KEY_AGREEMENT(alg) && !PSA_ALG_IS_KEY_DERIVATION(alg)) {
        st = PSA_ERROR_INVALID_ARGUMENT;
    } else {
        struct kdf_op *o = calloc(1, sizeof *o);
        if (o == NULL) {
            st = PSA_ERROR_INSUFFICIENT_MEMORY;
        } else {
            o->alg = alg;
            psa_algorithm_t kdf = alg;
            if (PSA_ALG_IS_KEY_AGREEMENT(alg)) {
                o->ka = PSA_ALG_KEY_AGREEMENT_GET_BASE(alg);
                kdf = PSA_ALG_KEY_AGREEMENT_GET_KDF(alg);
            }
            st = kdf_describe(o, kdf);
        }
        st = op_alloc(caller, OP_KDF, 0, st, o, kdf_free, operation);
    }
    core_leave();
    return st;
}

/* ---- inputs ------------------------------------------------------------------ */

/* Whether step s may come now; INVALID_ARGUMENT if not an input of the
 * algorithm, BAD_STATE if out of order, repeated or after output. */
static psa_status_t step_allowed(const struct kdf_op *o, int s)
{
    if (s < 0 || o->rules[s].rank == 0) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    if (o->output_started) {
        return PSA_ERROR_BAD_STATE;
    }
    const struct step_rule *r = &o->rules[s];
    if ((o->done >> s & 1u) && !r->repeat) {
        return PSA_ERROR_BAD_STATE;
    }
    if (r->rank == 0xff) {
        return PSA_SUCCESS; /* unordered */
    }
    if (r->rank < o->rank) {
        return PSA_ERROR_BAD_STATE;
    }
    for (int i = 0; i < S_N; i++) {
        const struct step_rule *q = &o->rules[i];
        if (q->rank != 0 && q->rank != 0xff && q->rank < r->rank && q->required &&
            !(o->done >> i & 1u)) {
            return PSA_ERROR_BAD_STATE; /* a mandatory earlier step is missing */
        }
    }
    return PSA_SUCCESS;
}

static psa_status_t buf_append(struct buf *b, const uint8_t *d, size_t n)
{
    if (n > KDF_INPUT_MAX - b->n) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    uint8_t *p = malloc(b->n + n + 1);
    if (p == NULL) {
        return PSA_ERROR_INSUFFICIENT_MEMORY;
    }
    if (b->p != NULL) {
        memcpy(p, b->p, b->n);
        wbe_cleanse(b->p, b->n);
        free(b->p);
    }
    if (n != 0) {
        memcpy(p + b->n, d, n);
    }
    b->p = p;
    b->n += n;
    return PSA_SUCCESS;
}

static psa_status_t hmac_key(struct kdf_op *o, const uint8_t *key, size_t n)
{
    wbe_mac_free(o->mac);
    o->mac = NULL;
    return wbe_mac_new(PSA_ALG_HMAC(o->hash), PSA_KEY_TYPE_HMAC, key, n, &o->mac);
}

/* One-shot MAC with a fresh key. */
static psa_status_t mac_once(psa_algorithm_t alg, psa_key_type_t type, const uint8_t *key,
                             size_t key_len, const uint8_t *msg, size_t msg_len,
                             uint8_t *out, size_t out_len)
{
    struct wbe_mac *m = NULL;
    psa_status_t st = wbe_mac_new(alg, type, key, key_len, &m);
    if (st == PSA_SUCCESS) {
        st = wbe_mac_update(m, msg, msg_len);
    }
    if (st == PSA_SUCCESS) {
        st = wbe_mac_finish(m, out, out_len);
    }
    wbe_mac_free(m);
    return st;
}

/* Take in one step's data; type is the key type for a key input, or
 * PSA_KEY_TYPE_NONE for a direct input. */
static psa_status_t kdf_take(struct kdf_op *o, int s, const uint8_t *d, size_t n,
                             psa_key_type_t type)
{
    psa_status_t st;
    switch (s) {
    case S_SECRET:
        switch (o->kind) {
        case K_HKDF:
        case K_HKDF_EXTRACT: {
            /* PRK = HMAC(salt, IKM); an absent salt is HashLen zero bytes,
             * which HMAC pads exactly like an empty key. */
            const struct buf *salt = &o->in[S_SALT];
            st = mac_once(PSA_ALG_HMAC(o->hash), PSA_KEY_TYPE_HMAC, salt->p, salt->n, d, n,
                          o->chain, o->hlen);
            if (st != PSA_SUCCESS) {
                return st;
            }
            if (o->kind == K_HKDF_EXTRACT) {
                memcpy(o->block, o->chain, o->hlen);
                o->block_len = o->hlen;
                st = PSA_SUCCESS;
            } else {
                st = hmac_key(o, o->chain, o->hlen);
            }
            wbe_cleanse(o->chain, sizeof o->chain);
            return st;
        }
        case K_HKDF_EXPAND:
        case K_TLS12_PRF:
        case K_SP108_HMAC:
            return hmac_key(o, d, n);
        case K_TLS12_PSK_TO_MS: {
            if (n > PSA_TLS12_PSK_TO_MS_PSK_MAX_SIZE) {
                return PSA_ERROR_INVALID_ARGUMENT;
            }
            /* RFC 4279 §2: uint16 len || other || uint16 len || PSK, with
             * other = len(PSK) zero bytes when not given. */
            const struct buf *other = &o->in[S_OTHER];
            size_t on = (o->done >> S_OTHER & 1u) ? other->n : n;
            size_t pn = 4 + on + n;
            uint8_t *pms = calloc(1, pn);
            if (pms == NULL) {
                return PSA_ERROR_INSUFFICIENT_MEMORY;
            }
            pms[0] = (uint8_t)(on >> 8);
            pms[1] = (uint8_t)on;
            if (o->done >> S_OTHER & 1u && on != 0) {
                memcpy(pms + 2, other->p, on);
            }
            pms[2 + on] = (uint8_t)(n >> 8);
            pms[3 + on] = (uint8_t)n;
            if (n != 0) {
                memcpy(pms + 4 + on, d, n);
            }
            st = hmac_key(o, pms, pn);
            wbe_cleanse(pms, pn);
            free(pms);
            return st;
        }
        case K_ECJPAKE_PMS: {
            /* Exactly an uncompressed P-256 point; the PMS is SHA-256(K.x). */
            if (n != 65 || d[0] != 0x04) {
                return PSA_ERROR_INVALID_ARGUMENT;
            }
            struct wbe_hash *hs = NULL;
            st = wbe_hash_new(PSA_ALG_SHA_256, &hs);
            if (st == PSA_SUCCESS) {
                st = wbe_hash_update(hs, d + 1, 32);
            }
            if (st == PSA_SUCCESS) {
                st = wbe_hash_finish(hs, o->block);
            }
            wbe_hash_free(hs);
            o->block_len = st == PSA_SUCCESS ? 32 : 0;
            return st;
        }
        case K_SP108_CMAC:
            if (type == PSA_KEY_TYPE_NONE) {
                return PSA_ERROR_INVALID_ARGUMENT; /* must be a key */
            }
            return wbe_mac_new(PSA_ALG_CMAC, type, d, n, &o->mac);
        default:
            return PSA_ERROR_CORRUPTION_DETECTED;
        }
    case S_PASSWORD:
        if (o->kind == K_PBKDF2_HMAC) {
            return hmac_key(o, d, n);
        }
        /* RFC 4615 §3: a 16-byte password is the AES key; any other is
         * first reduced with AES-CMAC under the zero key. */
        if (n == 16) {
            return wbe_mac_new(PSA_ALG_CMAC, PSA_KEY_TYPE_AES, d, n, &o->mac);
        } else {
            static const uint8_t zero[16];
            uint8_t k[16];
            st = mac_once(PSA_ALG_CMAC, PSA_KEY_TYPE_AES, zero, 16, d, n, k, 16);
            if (st == PSA_SUCCESS) {
                st = wbe_mac_new(PSA_ALG_CMAC, PSA_KEY_TYPE_AES, k, 16, &o->mac);
            }
            wbe_cleanse(k, sizeof k);
            return st;
        }
    case S_LABEL:
        if ((o->kind == K_SP108_HMAC || o->kind == K_SP108_CMAC) && n != 0 &&
            memchr(d, 0, n) != NULL) {
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        return buf_append(&o->in[s], d, n);
    default:
        return buf_append(&o->in[s], d, n);
    }
}

/* Key types a key input may have for step s of this algorithm. */
static bool key_type_fits(const struct kdf_op *o, int s, psa_key_type_t t)
{
    switch (s) {
    case S_SECRET:
        if (o->kind == K_SP108_CMAC) {
            return t == PSA_KEY_TYPE_AES || t == PSA_KEY_TYPE_ARIA ||
                   t == PSA_KEY_TYPE_CAMELLIA || t == PSA_KEY_TYPE_SM4;
        }
        if (o->kind == K_SP108_HMAC) {
            return t == PSA_KEY_TYPE_HMAC || t == PSA_KEY_TYPE_DERIVE;
        }
        return t == PSA_KEY_TYPE_DERIVE;
    case S_PASSWORD:
        return t == PSA_KEY_TYPE_DERIVE || t == PSA_KEY_TYPE_PASSWORD;
    case S_OTHER:
        return t == PSA_KEY_TYPE_DERIVE;
    case S_SALT:
        return t == PSA_KEY_TYPE_RAW_DATA || t == PSA_KEY_TYPE_PEPPER;
    case S_COST:
        return false;
    default:
        return t == PSA_KEY_TYPE_RAW_DATA;
    }
}

/* With a combined key agreement, the secret step comes from the key
 * agreement, except for PSK-to-MS, whose key agreement feeds the other
 * secret and whose secret is the PSK (RFC 5489 ECDHE-PSK). */
static bool ka_only(const struct kdf_op *o, int s)
{
    return o->ka != 0 && s == S_SECRET && o->kind != K_TLS12_PSK_TO_MS;
}

static void mark_done(struct kdf_op *o, int s)
{
    o->done |= 1u << s;
    if (o->rules[s].rank != 0xff) {
        o->rank = o->rules[s].rank;
    }
}

psa_status_t ward_crypto_key_derivation_input_bytes(const struct ward_crypto_caller *caller,
    uint32_t *operation, psa_key_derivation_step_t step, const uint8_t *data,
    size_t data_length)
{
    OP_ENTER(OP_KDF, struct kdf_op, o);
    int s = step_index(step);
    st = step_allowed(o, s);
    if (st == PSA_SUCCESS && (s == S_COST || ka_only(o, s))) {
        st = PSA_ERROR_INVALID_ARGUMENT; /* input_integer / key agreement only */
    }
    if (st == PSA_SUCCESS) {
        st = kdf_take(o, s, data, data_length, PSA_KEY_TYPE_NONE);
    }
    if (st == PSA_SUCCESS) {
        mark_done(o, s);
    } else {
        op_release(operation);
    }
    core_leave();
    return st;
}

psa_status_t ward_crypto_key_derivation_input_integer(const struct ward_crypto_caller *caller,
    uint32_t *operation, psa_key_derivation_step_t step, uint64_t value)
{
    OP_ENTER(OP_KDF, struct kdf_op, o);
    int s = step_index(step);
    st = step_allowed(o, s);
    if (st == PSA_SUCCESS && s != S_COST) {
        st = PSA_ERROR_INVALID_ARGUMENT;
    }
    if (st == PSA_SUCCESS && value == 0) {
        st = PSA_ERROR_INVALID_ARGUMENT;
    }
    if (st == PSA_SUCCESS &&
        (value > __atomic_load_n(&g_pbkdf2_max_cost, __ATOMIC_RELAXED) || value > UINT32_MAX)) {
        st = PSA_ERROR_NOT_SUPPORTED; /* the cost cap (DESIGN.md §7) */
    }
    if (st == PSA_SUCCESS) {
        o->cost = value;
        mark_done(o, s);
    } else {
        op_release(operation);
    }
    core_leave();
    return st;
}

psa_status_t ward_crypto_key_derivation_input_key(const struct ward_crypto_caller *caller,
    uint32_t *operation, psa_key_derivation_step_t step, psa_key_id_t key)
{
    OP_ENTER(OP_KDF, struct kdf_op, o);
    int s = step_index(step);
    struct key_slot *k = NULL;
    st = step_allowed(o, s);
    if (st == PSA_SUCCESS && (s == S_COST || ka_only(o, s))) {
        st = PSA_ERROR_INVALID_ARGUMENT;
    }
    if (st == PSA_SUCCESS) {
        st = key_acquire(caller, key, &k);
    }
    bool verify_only = false;
    if (st == PSA_SUCCESS) {
        st = key_policy_check(k, 0, o->alg);
        if (st == PSA_SUCCESS && !(k->attr.usage & PSA_KEY_USAGE_DERIVE)) {
            if (k->attr.usage & PSA_KEY_USAGE_VERIFY_DERIVATION) {
                verify_only = true;
            } else {
                st = PSA_ERROR_NOT_PERMITTED;
            }
        }
    }
    if (st == PSA_SUCCESS && !key_type_fits(o, s, k->attr.type)) {
        st = PSA_ERROR_INVALID_ARGUMENT;
    }
    if (st == PSA_SUCCESS) {
        st = kdf_take(o, s, k->material, k->len, k->attr.type);
    }
    if (k != NULL) {
        key_release(k);
    }
    if (st == PSA_SUCCESS) {
        mark_done(o, s);
        o->verify_only |= verify_only;
        if (s == S_SECRET || s == S_PASSWORD) {
            o->secret_from_key = true;
        }
    } else {
        op_release(operation);
    }
    core_leave();
    return st;
}

psa_status_t ward_crypto_key_derivation_key_agreement(const struct ward_crypto_caller *caller,
    uint32_t *operation, psa_key_derivation_step_t step, psa_key_id_t private_key,
    const uint8_t *peer_key, size_t peer_key_length)
{
    OP_ENTER(OP_KDF, struct kdf_op, o);
    int s = step_index(step);
    uint8_t secret[PSA_RAW_KEY_AGREEMENT_OUTPUT_MAX_SIZE];
    size_t len = 0;
    if (o->ka == 0) {
        st = PSA_ERROR_INVALID_ARGUMENT; /* not a key agreement algorithm */
    } else {
        st = step_allowed(o, s);
    }
    if (st == PSA_SUCCESS && s != S_SECRET && s != S_OTHER) {
        st = PSA_ERROR_INVALID_ARGUMENT;
    }
    if (st == PSA_SUCCESS) {
        st = ka_compute(caller, o->ka, o->alg, private_key, peer_key, peer_key_length, secret,
                        &len);
    }
    if (st == PSA_SUCCESS) {
        st = kdf_take(o, s, secret, len, PSA_KEY_TYPE_DERIVE);
    }
    wbe_cleanse(secret, sizeof secret);
    if (st == PSA_SUCCESS) {
        mark_done(o, s);
        if (s == S_SECRET) {
            o->secret_from_key = true;
        }
    } else {
        op_release(operation);
    }
    core_leave();
    return st;
}

/* ---- capacity ---------------------------------------------------------------- */

psa_status_t ward_crypto_key_derivation_get_capacity(const struct ward_crypto_caller *caller,
    const uint32_t *operation, size_t *capacity)
{
    *capacity = 0;
    OP_ENTER(OP_KDF, struct kdf_op, o);
    *capacity = o->capacity;
    core_leave();
    return PSA_SUCCESS;
}

psa_status_t ward_crypto_key_derivation_set_capacity(const struct ward_crypto_caller *caller,
    uint32_t *operation, size_t capacity)
{
    OP_ENTER(OP_KDF, struct kdf_op, o);
    if ((o->kind == K_SP108_HMAC || o->kind == K_SP108_CMAC) && o->output_started) {
        op_release(operation); /* L is fixed at the first output */
        st = PSA_ERROR_BAD_STATE;
    } else if (capacity > o->capacity) {
        st = PSA_ERROR_INVALID_ARGUMENT; /* the operation stays valid */
    } else {
        o->capacity = capacity;
    }
    core_leave();
    return st;
}

/* ---- output ------------------------------------------------------------------- */

static psa_status_t mac_block(struct kdf_op *o, const uint8_t *const parts[],
                              const size_t lens[], size_t n_parts, uint8_t *out)
{
    psa_status_t st = wbe_mac_restart(o->mac);
    for (size_t i = 0; st == PSA_SUCCESS && i < n_parts; i++) {
        st = wbe_mac_update(o->mac, parts[i], lens[i]);
    }
    if (st == PSA_SUCCESS) {
        st = wbe_mac_finish(o->mac, out, o->hlen);
    }
    return st;
}

static void be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Compute the next block of output into o->block. */
static psa_status_t next_block(struct kdf_op *o)
{
    psa_status_t st;
    const struct buf *label = &o->in[S_LABEL], *seed = &o->in[S_SEED];
    const struct buf *info = &o->in[S_INFO], *ctx = &o->in[S_CONTEXT];
    static const uint8_t zero = 0;
    uint8_t ctr[4];
    o->counter++;
    switch (o->kind) {
    case K_HKDF:
    case K_HKDF_EXPAND: {
        /* T(i) = HMAC(PRK, T(i-1) || info || i) */
        uint8_t c = (uint8_t)o->counter;
        const uint8_t *parts[] = {o->chain, info->p, &c};
        size_t lens[] = {o->chain_len, info->n, 1};
        st = mac_block(o, parts, lens, 3, o->block);
        memcpy(o->chain, o->block, o->hlen);
        o->chain_len = o->hlen;
        break;
    }
    case K_TLS12_PRF:
    case K_TLS12_PSK_TO_MS: {
        /* A(i) = HMAC(S, A(i-1)), A(0) = label || seed;
         * block i = HMAC(S, A(i) || label || seed). */
        const uint8_t *pa[] = {label->p, seed->p};
        size_t la[] = {label->n, seed->n};
        const uint8_t *pc[] = {o->chain};
        size_t lc[] = {o->hlen};
        st = o->counter == 1 ? mac_block(o, pa, la, 2, o->chain)
                             : mac_block(o, pc, lc, 1, o->chain);
        if (st == PSA_SUCCESS) {
            const uint8_t *pb[] = {o->chain, label->p, seed->p};
            size_t lb[] = {o->hlen, label->n, seed->n};
            st = mac_block(o, pb, lb, 3, o->block);
        }
        break;
    }
    case K_PBKDF2_HMAC:
    case K_PBKDF2_CMAC: {
        /* T_i = U_1 ^ ... ^ U_c, U_1 = PRF(P, S || INT(i)), U_j = PRF(P, U_j-1) */
        const struct buf *salt = &o->in[S_SALT];
        be32(ctr, o->counter);
        const uint8_t *p1[] = {salt->p, ctr};
        size_t l1[] = {salt->n, 4};
        uint8_t u[PSA_HASH_MAX_SIZE];
        st = mac_block(o, p1, l1, 2, u);
        memcpy(o->block, u, o->hlen);
        for (uint64_t j = 1; st == PSA_SUCCESS && j < o->cost; j++) {
            const uint8_t *pj[] = {u};
            size_t lj[] = {o->hlen};
            st = mac_block(o, pj, lj, 1, u);
            for (size_t b = 0; b < o->hlen; b++) {
                o->block[b] ^= u[b];
            }
        }
        wbe_cleanse(u, sizeof u);
        break;
    }
    case K_SP108_HMAC:
    case K_SP108_CMAC: {
        /* K_i = PRF(K, [i]_4 || Label || 0x00 || Context || [L]_4 [|| K_0]) */
        be32(ctr, o->counter);
        const uint8_t *parts[] = {ctr, label->p, &zero, ctx->p, o->l_be, o->chain};
        size_t lens[] = {4, label->n, 1, ctx->n, 4, o->chain_len};
        st = mac_block(o, parts, lens, 6, o->block);
        break;
    }
    default:
        st = PSA_ERROR_CORRUPTION_DETECTED;
        break;
    }
    o->block_len = o->hlen;
    o->block_pos = 0;
    return st;
}

/* Prepare the first output: everything required given, L and K_0 fixed. */
static psa_status_t output_start(struct kdf_op *o)
{
    for (int i = 0; i < S_N; i++) {
        if (o->rules[i].rank != 0 && o->rules[i].required && !(o->done >> i & 1u)) {
            return PSA_ERROR_BAD_STATE;
        }
    }
    if (o->output_started) {
        return PSA_SUCCESS;
    }
    o->output_started = true;
    if (o->kind == K_SP108_HMAC || o->kind == K_SP108_CMAC) {
        be32(o->l_be, (uint32_t)(o->capacity * 8)); /* capacity < 2^29 */
        if (o->kind == K_SP108_CMAC) {
            static const uint8_t zero = 0;
            const struct buf *label = &o->in[S_LABEL], *ctx = &o->in[S_CONTEXT];
            const uint8_t *parts[] = {label->p, &zero, ctx->p, o->l_be};
            size_t lens[] = {label->n, 1, ctx->n, 4};
            psa_status_t st = mac_block(o, parts, lens, 4, o->chain);
            if (st != PSA_SUCCESS) {
                return st;
            }
            o->chain_len = o->hlen;
        }
    }
    return PSA_SUCCESS;
}

/* Read n bytes of the stream (capacity already checked). */
static psa_status_t kdf_read(struct kdf_op *o, uint8_t *out, size_t n)
{
    while (n > 0) {
        if (o->block_pos == o->block_len) {
            if (o->kind == K_HKDF_EXTRACT || o->kind == K_ECJPAKE_PMS) {
                return PSA_ERROR_CORRUPTION_DETECTED; /* capacity is one block */
            }
            psa_status_t st = next_block(o);
            if (st != PSA_SUCCESS) {
                return st;
            }
        }
        size_t take = o->block_len - o->block_pos;
        if (take > n) {
            take = n;
        }
        memcpy(out, o->block + o->block_pos, take);
        o->block_pos += take;
        out += take;
        n -= take;
        o->capacity -= take;
    }
    return PSA_SUCCESS;
}

/* Common front of every output call. verify: the caller only compares. */
static psa_status_t output_check(struct kdf_op *o, size_t n, bool verify)
{
    psa_status_t st = output_start(o);
    if (st != PSA_SUCCESS) {
        return st;
    }
    if (!verify && o->verify_only) {
        return PSA_ERROR_NOT_PERMITTED;
    }
    if (n > o->capacity) {
        o->capacity = 0;
        return PSA_ERROR_INSUFFICIENT_DATA;
    }
    if (o->kind == K_ECJPAKE_PMS && n != PSA_TLS12_ECJPAKE_TO_PMS_OUTPUT_SIZE) {
        return PSA_ERROR_INVALID_ARGUMENT; /* the 32 bytes in one call */
    }
    return PSA_SUCCESS;
}

psa_status_t ward_crypto_key_derivation_output_bytes(const struct ward_crypto_caller *caller,
    uint32_t *operation, uint8_t *output, size_t output_length)
{
    OP_ENTER(OP_KDF, struct kdf_op, o);
    st = output_check(o, output_length, false);
    if (st == PSA_SUCCESS) {
        st = kdf_read(o, output, output_length);
        if (st != PSA_SUCCESS) {
            wbe_cleanse(output, output_length);
        }
    }
    if (st != PSA_SUCCESS && st != PSA_ERROR_INSUFFICIENT_DATA) {
        op_release(operation);
    }
    core_leave();
    return st;
}

/* Read n bytes and compare them with expected in constant time. */
static psa_status_t kdf_compare(struct kdf_op *o, const uint8_t *expected, size_t n)
{
    uint8_t chunk[64];
    int diff = 0;
    psa_status_t st = PSA_SUCCESS;
    for (size_t off = 0; off < n && st == PSA_SUCCESS; off += sizeof chunk) {
        size_t m = n - off < sizeof chunk ? n - off : sizeof chunk;
        st = kdf_read(o, chunk, m);
        diff |= wbe_memcmp_ct(chunk, expected + off, m);
    }
    wbe_cleanse(chunk, sizeof chunk);
    if (st != PSA_SUCCESS) {
        return st;
    }
    return diff == 0 ? PSA_SUCCESS : PSA_ERROR_INVALID_SIGNATURE;
}

psa_status_t ward_crypto_key_derivation_verify_bytes(const struct ward_crypto_caller *caller,
    uint32_t *operation, const uint8_t *expected_output, size_t output_length)
{
    OP_ENTER(OP_KDF, struct kdf_op, o);
    st = output_check(o, output_length, true);
    if (st == PSA_SUCCESS) {
        st = kdf_compare(o, expected_output, output_length);
    }
    if (st != PSA_SUCCESS && st != PSA_ERROR_INSUFFICIENT_DATA) {
        op_release(operation);
    }
    core_leave();
    return st;
}

psa_status_t ward_crypto_key_derivation_verify_key(const struct ward_crypto_caller *caller,
    uint32_t *operation, psa_key_id_t expected)
{
    OP_ENTER(OP_KDF, struct kdf_op, o);
    struct key_slot *k = NULL;
    st = key_acquire(caller, expected, &k);
    if (st == PSA_SUCCESS && k->attr.type != PSA_KEY_TYPE_PASSWORD_HASH) {
        st = PSA_ERROR_INVALID_ARGUMENT;
    }
    if (st == PSA_SUCCESS &&
        (!(k->attr.usage & PSA_KEY_USAGE_VERIFY_DERIVATION) || k->attr.alg != o->alg)) {
        st = PSA_ERROR_NOT_PERMITTED;
    }
    if (st == PSA_SUCCESS) {
        st = output_check(o, k->len, true);
    }
    if (st == PSA_SUCCESS) {
        st = kdf_compare(o, k->material, k->len);
    }
    if (k != NULL) {
        key_release(k);
    }
    if (st != PSA_SUCCESS && st != PSA_ERROR_INSUFFICIENT_DATA) {
        op_release(operation);
    }
    core_leave();
    return st;
}

psa_status_t ward_crypto_key_derivation_output_key(const struct ward_crypto_caller *caller,
    const psa_key_attributes_t *attributes, uint32_t *operation, psa_key_id_t *key)
{
    *key = PSA_KEY_ID_NULL;
    OP_ENTER(OP_KDF, struct kdf_op, o);
    size_t len = 0;
    uint8_t *buf = NULL;
    st = key_derive_check(attributes, &len);
    if (st == PSA_SUCCESS && attributes->type == PSA_KEY_TYPE_PASSWORD_HASH &&
        attributes->alg != o->alg) {
        st = PSA_ERROR_INVALID_ARGUMENT;
    }
    if (st == PSA_SUCCESS) {
        st = output_start(o);
    }
    if (st == PSA_SUCCESS && (!o->secret_from_key || o->verify_only)) {
        st = PSA_ERROR_NOT_PERMITTED;
    }
    if (st == PSA_SUCCESS) {
        st = output_check(o, len, false);
    }
    if (st == PSA_SUCCESS) {
        buf = malloc(len);
        st = buf == NULL ? PSA_ERROR_INSUFFICIENT_MEMORY : kdf_read(o, buf, len);
    }
    /* A DH private value: candidates drawn until one is in range (the spec's
     * key derivation text for PSA_KEY_TYPE_DH_KEY_PAIR), in place. */
    while (st == PSA_SUCCESS && PSA_KEY_TYPE_IS_DH_KEY_PAIR(attributes->type)) {
        st = wbe_ffdh_candidate(attributes->type, attributes->bits, buf, len, buf);
        if (st != PSA_ERROR_INVALID_ARGUMENT) {
            break;
        }
        st = output_check(o, len, false);
        if (st == PSA_SUCCESS) {
            st = kdf_read(o, buf, len);
        }
    }
    if (st == PSA_SUCCESS) {
        st = key_create_derived(caller, attributes, buf, len, key);
    }
    if (buf != NULL) {
        wbe_cleanse(buf, len);
        free(buf);
    }
    if (st != PSA_SUCCESS && st != PSA_ERROR_INSUFFICIENT_DATA) {
        op_release(operation);
    }
    core_leave();
    return st;
}

/* psa_key_derivation_output_key_custom (PSA 1.3). The one non-default
 * production parameter, an RSA exponent, needs RSA key derivation, which is
 * not built: NOT_SUPPORTED; other non-default parameters are invalid. */
psa_status_t ward_crypto_key_derivation_output_key_custom(const struct ward_crypto_caller *caller,
    const psa_key_attributes_t *attributes, uint32_t *operation,
    const psa_custom_key_parameters_t *custom, const uint8_t *custom_data,
    size_t custom_data_length, psa_key_id_t *key)
{
    (void)custom_data;
    if (custom->flags == 0 && custom_data_length == 0) {
        return ward_crypto_key_derivation_output_key(caller, attributes, operation, key);
    }
    *key = PSA_KEY_ID_NULL;
    OP_ENTER(OP_KDF, struct kdf_op, o);
    (void)o;
    st = custom->flags == 0 && attributes->type == PSA_KEY_TYPE_RSA_KEY_PAIR
             ? PSA_ERROR_NOT_SUPPORTED
             : PSA_ERROR_INVALID_ARGUMENT;
    op_release(operation);
    core_leave();
    return st;
}

psa_status_t ward_crypto_key_derivation_abort(const struct ward_crypto_caller *caller,
    uint32_t *operation)
{
    OP_ABORT(OP_KDF);
}
