/*
 * crypto_pake.c: the PAKE operation of PSA Crypto 1.2 with J-PAKE
 * (PSA_ALG_JPAKE(SHA-256)) on P-256, unconfirmed key. This file owns the
 * state machine: setup and identities, the steps of each round in the
 * specification's order, the shared key; the backend (wbe_jpake_*) does the
 * mathematics. Any error leaves the operation in an error state in which
 * every call but psa_pake_abort returns PSA_ERROR_BAD_STATE, and its
 * secrets are freed at once. SPAKE2+ and other primitives are
 * PSA_ERROR_NOT_SUPPORTED.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto_internal.h"

/* J-PAKE: round 1 carries two keys (X1, X2), round 2 one (A); each key is a
 * KEY_SHARE, ZK_PUBLIC, ZK_PROOF triple. */
#define ROUND_DONE 3
#define PAKE_ID_MAX WBE_JPAKE_ID_MAX

struct pake_op {
    struct wbe_jpake *j; /* NULL once the operation failed */
    bool failed;
    bool role_set, user_set, peer_set, started;
    uint8_t user[PAKE_ID_MAX], peer[PAKE_ID_MAX];
    size_t user_len, peer_len;
    int round;                  /* 1, 2, then ROUND_DONE */
    unsigned out_pos, in_pos;   /* steps done in this round, each direction */
    struct wbe_jpake_zkp out[2]; /* our values of this round */
    struct wbe_jpake_zkp in;     /* the peer's value being received */
};

static void pake_free(void *state)
{
    struct pake_op *o = state;
    if (o == NULL) {
        return;
    }
    wbe_jpake_free(o->j);
    wbe_cleanse(o, sizeof *o);
    free(o);
}

/* Enter the error state: drop the secrets, keep the handle for abort. */
static void pake_fail(struct pake_op *o)
{
    wbe_jpake_free(o->j);
    o->j = NULL;
    wbe_cleanse(o->out, sizeof o->out);
    wbe_cleanse(&o->in, sizeof o->in);
    o->failed = true;
}

/* What the specification distinguishes for a cipher suite: not a PAKE, an
 * invalid hash, primitive or key confirmation for J-PAKE (INVALID_ARGUMENT);
 * valid but not built (NOT_SUPPORTED). */
static psa_status_t suite_check(const psa_pake_cipher_suite_t *cs)
{
    psa_algorithm_t alg = psa_pake_cs_get_algorithm(cs);
    psa_pake_primitive_t prim = psa_pake_cs_get_primitive(cs);
    if (!PSA_ALG_IS_PAKE(alg)) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    if (!PSA_ALG_IS_JPAKE(alg)) {
        return PSA_ERROR_NOT_SUPPORTED; /* SPAKE2+, vendor PAKEs */
    }
    psa_algorithm_t h = PSA_ALG_GET_HASH(alg);
    if (!hash_alg_is_valid(h)) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    psa_pake_primitive_type_t type = PSA_PAKE_PRIMITIVE_GET_TYPE(prim);
    if (type != PSA_PAKE_PRIMITIVE_TYPE_ECC && type != PSA_PAKE_PRIMITIVE_TYPE_DH) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    /* J-PAKE never confirms the key. */
    if (psa_pake_cs_get_key_confirmation(cs) != PSA_PAKE_UNCONFIRMED_KEY) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    if (h != PSA_ALG_SHA_256 ||
        prim != PSA_PAKE_PRIMITIVE(PSA_PAKE_PRIMITIVE_TYPE_ECC, PSA_ECC_FAMILY_SECP_R1, 256)) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    return PSA_SUCCESS;
}

psa_status_t ward_crypto_pake_setup(const struct ward_crypto_caller *caller,
    uint32_t *operation, psa_key_id_t password_key, const psa_pake_cipher_suite_t *cipher_suite)
{
    psa_status_t st = op_setup_enter(operation);
    if (st != PSA_SUCCESS) {
        return st;
    }
    struct key_slot *k = NULL;
    struct pake_op *o = NULL;
    st = suite_check(cipher_suite);
    if (st == PSA_SUCCESS) {
        st = key_acquire(caller, password_key, &k);
    }
    if (st == PSA_SUCCESS) {
        st = key_policy_check(k, PSA_KEY_USAGE_DERIVE, psa_pake_cs_get_algorithm(cipher_suite));
    }
    if (st == PSA_SUCCESS && k->attr.type != PSA_KEY_TYPE_PASSWORD &&
        k->attr.type != PSA_KEY_TYPE_PASSWORD_HASH) {
        st = PSA_ERROR_INVALID_ARGUMENT; /* the key types J-PAKE takes */
    }
    if (st == PSA_SUCCESS) {
        o = calloc(1, sizeof *o);
        st = o == NULL ? PSA_ERROR_INSUFFICIENT_MEMORY : wbe_jpake_new(k->material, k->len, &o->j);
    }
    if (k != NULL) {
        key_release(k);
    }
    if (st == PSA_SUCCESS) {
        o->round = 1;
    }
    st = op_alloc(caller, OP_PAKE, password_key, st, o, pake_free, operation);
    core_leave();
    return st;
}

/* Enter for a call on a live operation that has not failed; the macro
 * leaves the core on its own failures. */
#define PAKE_ENTER(o)                          \
    OP_ENTER(OP_PAKE, struct pake_op, o);      \
    if ((o)->failed) {                         \
        core_leave();                          \
        return PSA_ERROR_BAD_STATE;            \
    }

/* End a call: on error the operation enters the error state. */
static psa_status_t pake_leave(struct pake_op *o, psa_status_t st)
{
    if (st != PSA_SUCCESS) {
        pake_fail(o);
    }
    core_leave();
    return st;
}

psa_status_t ward_crypto_pake_set_role(const struct ward_crypto_caller *caller,
    uint32_t *operation, psa_pake_role_t role)
{
    PAKE_ENTER(o);
    if (o->started || o->role_set) {
        st = PSA_ERROR_BAD_STATE;
    } else if (role != PSA_PAKE_ROLE_NONE) {
        st = PSA_ERROR_INVALID_ARGUMENT; /* J-PAKE assigns no roles */
    } else {
        o->role_set = true;
    }
    return pake_leave(o, st);
}

/* Take an identity: once, before the exchange, non-empty and different from
 * the other side's (a party must never accept its own proofs back). */
static psa_status_t set_id(struct pake_op *o, bool *set, uint8_t *dst, size_t *dst_len,
                           bool other_set, const uint8_t *other, size_t other_len,
                           const uint8_t *id, size_t len)
{
    if (o->started || *set) {
        return PSA_ERROR_BAD_STATE;
    }
    if (len == 0) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    if (len > PAKE_ID_MAX) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    if (other_set && other_len == len && memcmp(other, id, len) == 0) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    memcpy(dst, id, len);
    *dst_len = len;
    *set = true;
    return PSA_SUCCESS;
}

psa_status_t ward_crypto_pake_set_user(const struct ward_crypto_caller *caller,
    uint32_t *operation, const uint8_t *user_id, size_t user_id_len)
{
    PAKE_ENTER(o);
    st = set_id(o, &o->user_set, o->user, &o->user_len, o->peer_set, o->peer, o->peer_len,
                user_id, user_id_len);
    return pake_leave(o, st);
}

psa_status_t ward_crypto_pake_set_peer(const struct ward_crypto_caller *caller,
    uint32_t *operation, const uint8_t *peer_id, size_t peer_id_len)
{
    PAKE_ENTER(o);
    st = set_id(o, &o->peer_set, o->peer, &o->peer_len, o->user_set, o->user, o->user_len,
                peer_id, peer_id_len);
    return pake_leave(o, st);
}

psa_status_t ward_crypto_pake_set_context(const struct ward_crypto_caller *caller,
    uint32_t *operation, const uint8_t *context, size_t context_len)
{
    (void)context;
    (void)context_len;
    PAKE_ENTER(o);
    /* J-PAKE takes no context: the specification's BAD_STATE case. */
    return pake_leave(o, PSA_ERROR_BAD_STATE);
}

/* ---- the key exchange ------------------------------------------------------------ */

static unsigned round_steps(const struct pake_op *o)
{
    return o->round == 1 ? 6u : 3u;
}

static psa_pake_step_t expected_step(unsigned pos)
{
    static const psa_pake_step_t order[3] = {PSA_PAKE_STEP_KEY_SHARE, PSA_PAKE_STEP_ZK_PUBLIC,
                                             PSA_PAKE_STEP_ZK_PROOF};
    return order[pos % 3];
}

/* Whether this step may come now in this direction. A round is all of one
 * direction then all of the other, in either order; round 2 starts when
 * round 1 is complete both ways. */
static psa_status_t step_check(struct pake_op *o, psa_pake_step_t step, bool output)
{
    if (!o->started) {
        if (!o->user_set || !o->peer_set) {
            return PSA_ERROR_BAD_STATE; /* J-PAKE needs both identities */
        }
        psa_status_t st = wbe_jpake_set_ids(o->j, o->user, o->user_len, o->peer, o->peer_len);
        if (st != PSA_SUCCESS) {
            return st;
        }
        o->started = true;
    }
    if (step != PSA_PAKE_STEP_KEY_SHARE && step != PSA_PAKE_STEP_ZK_PUBLIC &&
        step != PSA_PAKE_STEP_ZK_PROOF) {
        return PSA_ERROR_INVALID_ARGUMENT; /* CONFIRM and unknown steps */
    }
    unsigned total = round_steps(o);
    unsigned mine = output ? o->out_pos : o->in_pos;
    unsigned other = output ? o->in_pos : o->out_pos;
    if (o->round == ROUND_DONE || mine == total || (other != 0 && other != total) ||
        step != expected_step(mine)) {
        return PSA_ERROR_BAD_STATE;
    }
    return PSA_SUCCESS;
}

static void step_done(struct pake_op *o, bool output)
{
    if (output) {
        o->out_pos++;
    } else {
        o->in_pos++;
    }
    if (o->out_pos == round_steps(o) && o->in_pos == round_steps(o)) {
        o->round = o->round == 1 ? 2 : ROUND_DONE;
        o->out_pos = 0;
        o->in_pos = 0;
        wbe_cleanse(o->out, sizeof o->out);
    }
}

psa_status_t ward_crypto_pake_output(const struct ward_crypto_caller *caller,
    uint32_t *operation, psa_pake_step_t step, uint8_t *output, size_t output_size,
    size_t *output_length)
{
    *output_length = 0;
    PAKE_ENTER(o);
    st = step_check(o, step, true);
    size_t need = step == PSA_PAKE_STEP_ZK_PROOF ? WBE_JPAKE_SCALAR_LEN : WBE_JPAKE_POINT_LEN;
    if (st == PSA_SUCCESS && output_size < need) {
        st = PSA_ERROR_BUFFER_TOO_SMALL;
    }
    if (st == PSA_SUCCESS && o->out_pos == 0) {
        /* The round's first output computes all of our values of the round. */
        st = o->round == 1 ? wbe_jpake_round1_output(o->j, o->out)
                           : wbe_jpake_round2_output(o->j, &o->out[0]);
    }
    if (st == PSA_SUCCESS) {
        const struct wbe_jpake_zkp *z = &o->out[o->out_pos / 3];
        const uint8_t *src = step == PSA_PAKE_STEP_KEY_SHARE ? z->x
                           : step == PSA_PAKE_STEP_ZK_PUBLIC ? z->v
                                                             : z->r;
        memcpy(output, src, need);
        *output_length = need;
        step_done(o, true);
    }
    return pake_leave(o, st);
}

psa_status_t ward_crypto_pake_input(const struct ward_crypto_caller *caller,
    uint32_t *operation, psa_pake_step_t step, const uint8_t *input, size_t input_length)
{
    PAKE_ENTER(o);
    st = step_check(o, step, false);
    if (st == PSA_SUCCESS && step == PSA_PAKE_STEP_KEY_SHARE) {
        st = wbe_jpake_check_point(input, input_length);
        if (st == PSA_SUCCESS) {
            memcpy(o->in.x, input, WBE_JPAKE_POINT_LEN);
        }
    } else if (st == PSA_SUCCESS && step == PSA_PAKE_STEP_ZK_PUBLIC) {
        st = wbe_jpake_check_point(input, input_length);
        if (st == PSA_SUCCESS) {
            memcpy(o->in.v, input, WBE_JPAKE_POINT_LEN);
        }
    } else if (st == PSA_SUCCESS) {
        /* r: big-endian, leading zeros allowed up to the order's length. */
        if (input_length == 0 || input_length > WBE_JPAKE_SCALAR_LEN) {
            st = PSA_ERROR_INVALID_ARGUMENT;
        } else {
            memset(o->in.r, 0, sizeof o->in.r);
            memcpy(o->in.r + sizeof o->in.r - input_length, input, input_length);
            st = o->round == 1 ? wbe_jpake_round1_input(o->j, (int)(o->in_pos / 3), &o->in)
                               : wbe_jpake_round2_input(o->j, &o->in);
        }
    }
    if (st == PSA_SUCCESS) {
        step_done(o, false);
    }
    return pake_leave(o, st);
}

psa_status_t ward_crypto_pake_get_shared_key(const struct ward_crypto_caller *caller,
    uint32_t *operation, const psa_key_attributes_t *attributes, psa_key_id_t *key)
{
    *key = PSA_KEY_ID_NULL;
    PAKE_ENTER(o);
    uint8_t k[WBE_JPAKE_POINT_LEN];
    if (o->round != ROUND_DONE) {
        st = PSA_ERROR_BAD_STATE;
    } else if ((attributes->type != PSA_KEY_TYPE_DERIVE &&
                attributes->type != PSA_KEY_TYPE_HMAC) ||
               attributes->bits != 0) {
        /* J-PAKE's secret is not uniformly random: no cipher keys. The size
         * comes from the algorithm. */
        st = PSA_ERROR_INVALID_ARGUMENT;
    } else {
        /* The shared secret is the point K, uncompressed (65 bytes), the
         * input PSA_ALG_TLS12_ECJPAKE_TO_PMS takes. */
        st = wbe_jpake_shared(o->j, k);
        if (st == PSA_SUCCESS) {
            st = key_create_derived(caller, attributes, k, sizeof k, key);
        }
        wbe_cleanse(k, sizeof k);
    }
    if (st == PSA_SUCCESS) {
        op_release(operation); /* the operation is now inactive */
        core_leave();
        return st;
    }
    return pake_leave(o, st);
}

psa_status_t ward_crypto_pake_abort(const struct ward_crypto_caller *caller,
    uint32_t *operation)
{
    OP_ABORT(OP_PAKE);
}
