/*
 * crypto_aead.c: AEAD, single-part and multi-part. GCM and
 * ChaCha20-Poly1305 stream through the backend's AEAD; CCM is built here
 * from the backend's CBC (as CBC-MAC) and CTR, because OpenSSL's CCM needs
 * all input at once (and mis-tags split AAD). A decryption whose tag does
 * not verify wipes the plaintext it wrote in the single-part call.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto_internal.h"

#define CCM_BLOCK 16u
/* The longest GCM nonce: OpenSSL 3.0 keeps at most 128 bytes of IV (the
 * specification leaves the maximum to the implementation). */
#define GCM_NONCE_MAX 128u

struct ccm_state {
    struct wbe_cipher *cbc; /* CBC-MAC: CBC encryption with a zero IV */
    struct wbe_cipher *ctr;
    uint8_t nonce[13];
    size_t nonce_len;
    uint8_t s0[CCM_BLOCK];   /* E(A_0), masks the tag */
    uint8_t mac[CCM_BLOCK];  /* last CBC output */
    uint8_t buf[CCM_BLOCK];  /* partial block waiting for the MAC */
    size_t fill;
    bool begun;
};

struct aead_op {
    psa_algorithm_t alg;
    psa_algorithm_t base; /* default-length-tag form */
    size_t tag_len;
    size_t default_nonce_len;
    bool encrypt;
    bool nonce_set;
    bool lengths_set;
    bool body_started;
    size_t ad_expected, pt_expected, ad_seen, pt_seen;
    struct wbe_aead *a;      /* GCM, ChaCha20-Poly1305 (XChaCha20: keyed at the nonce) */
    uint8_t xkey[32];        /* XChaCha20-Poly1305 only: the key, until the nonce */
    bool a_borrowed;         /* the key slot's cached context */
    struct ccm_state *ccm;
};

/* Release what the operation owns. The structure itself holds no secret
 * (the CCM state, which does, is wiped here). */
static void aead_op_clear(struct aead_op *o)
{
    wbe_cleanse(o->xkey, sizeof o->xkey);
    if (o->a != NULL && !o->a_borrowed) {
        wbe_aead_free(o->a);
    }
    o->a = NULL;
    if (o->ccm != NULL) {
        wbe_cipher_free(o->ccm->cbc);
        wbe_cipher_free(o->ccm->ctr);
        wbe_cleanse(o->ccm, sizeof *o->ccm);
        free(o->ccm);
        o->ccm = NULL;
    }
}

static void aead_op_free(void *p)
{
    aead_op_clear(p);
    free(p);
}

static bool tag_length_valid(psa_algorithm_t base, size_t t)
{
    if (base == PSA_ALG_GCM) {
        return t == 4 || t == 8 || (t >= 12 && t <= 16);
    }
    if (base == PSA_ALG_CCM) {
        return t >= 4 && t <= 16 && t % 2 == 0;
    }
    return t >= 1 && t <= 16;
}

/* Validate alg for the key and build the operation's primitives.
 * INVALID_ARGUMENT (not AEAD, wildcard), NOT_PERMITTED (policy),
 * INVALID_ARGUMENT (key type, tag length), NOT_SUPPORTED. */
static psa_status_t aead_init(struct key_slot *k, psa_algorithm_t alg, bool encrypt,
                              bool use_cache, struct aead_op *o)
{
    memset(o, 0, sizeof *o);
    if (!PSA_ALG_IS_AEAD(alg) || PSA_ALG_IS_WILDCARD(alg)) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    psa_status_t st = key_policy_check(k, encrypt ? PSA_KEY_USAGE_ENCRYPT
                                                  : PSA_KEY_USAGE_DECRYPT, alg);
    if (st != PSA_SUCCESS) {
        return st;
    }
    psa_key_type_t type = k->attr.type;
    o->alg = alg;
    o->encrypt = encrypt;
    o->base = PSA_ALG_AEAD_WITH_DEFAULT_LENGTH_TAG(alg);
    o->tag_len = PSA_AEAD_TAG_LENGTH(type, k->attr.bits, alg);
    bool block16 = (type & 0x7000) == 0x2000 && PSA_BLOCK_CIPHER_BLOCK_LENGTH(type) == 16;
    enum wbe_aead_kind kind;
    switch (o->base) {
    case PSA_ALG_GCM:
    case PSA_ALG_CCM:
        if (!block16) {
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        kind = WBE_AEAD_GCM;
        o->default_nonce_len = o->base == PSA_ALG_GCM ? 12 : 13;
        break;
    case PSA_ALG_CHACHA20_POLY1305:
        if (type != PSA_KEY_TYPE_CHACHA20) {
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        kind = WBE_AEAD_CHACHA20_POLY1305;
        o->default_nonce_len = 12;
        break;
    case PSA_ALG_XCHACHA20_POLY1305:
        if (type != PSA_KEY_TYPE_XCHACHA20) {
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        if (o->tag_len != 16) {
            return PSA_ERROR_NOT_SUPPORTED; /* shortened Poly1305 tags are not built */
        }
        if (!wbe_aead_supported(PSA_KEY_TYPE_CHACHA20, 256, WBE_AEAD_CHACHA20_POLY1305)) {
            return PSA_ERROR_NOT_SUPPORTED;
        }
        /* The context is keyed with HChaCha20(K, nonce) when the nonce is
         * known; no cache (the key changes with every nonce). */
        o->default_nonce_len = 24;
        memcpy(o->xkey, k->material, sizeof o->xkey);
        return PSA_SUCCESS;
    default:
        return PSA_ERROR_NOT_SUPPORTED;
    }
    if (!tag_length_valid(o->base, o->tag_len)) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    if (o->base == PSA_ALG_CHACHA20_POLY1305 && o->tag_len != 16) {
        return PSA_ERROR_NOT_SUPPORTED; /* shortened Poly1305 tags are not built */
    }
    if (o->base == PSA_ALG_CCM) {
        if (!wbe_cipher_supported(type, k->attr.bits, WBE_MODE_CBC) ||
            !wbe_cipher_supported(type, k->attr.bits, WBE_MODE_CTR)) {
            return PSA_ERROR_NOT_SUPPORTED;
        }
        o->ccm = calloc(1, sizeof *o->ccm);
        if (o->ccm == NULL) {
            return PSA_ERROR_INSUFFICIENT_MEMORY;
        }
        st = wbe_cipher_new(type, k->material, k->len, WBE_MODE_CBC, true, false, &o->ccm->cbc);
        if (st == PSA_SUCCESS) {
            st = wbe_cipher_new(type, k->material, k->len, WBE_MODE_CTR, true, false,
                                &o->ccm->ctr);
        }
        return st;
    }
    if (!wbe_aead_supported(type, k->attr.bits, kind)) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    if (use_cache && k->aead_cache != NULL && k->aead_cache_alg == alg) {
        o->a = k->aead_cache;
        o->a_borrowed = true;
        return PSA_SUCCESS;
    }
    st = wbe_aead_new(kind, type, k->material, k->len, &o->a);
    if (st == PSA_SUCCESS && use_cache) {
        wbe_aead_free(k->aead_cache);
        k->aead_cache = o->a;
        k->aead_cache_alg = alg;
        o->a_borrowed = true;
    }
    return st;
}

/* ---- CCM on CBC-MAC and CTR (NIST SP 800-38C) ---------------------------------- */

static psa_status_t ccm_mac_blocks(struct ccm_state *c, const uint8_t *in, size_t n)
{
    uint8_t out[512];
    while (n > 0) {
        size_t chunk = n > sizeof out ? sizeof out : n;
        size_t got = 0;
        psa_status_t st = wbe_cipher_update(c->cbc, in, chunk, out, &got);
        if (st != PSA_SUCCESS || got != chunk) {
            return PSA_ERROR_CORRUPTION_DETECTED;
        }
        memcpy(c->mac, out + chunk - CCM_BLOCK, CCM_BLOCK);
        in += chunk;
        n -= chunk;
    }
    wbe_cleanse(out, sizeof out);
    return PSA_SUCCESS;
}

static psa_status_t ccm_mac_feed(struct ccm_state *c, const uint8_t *in, size_t n)
{
    psa_status_t st = PSA_SUCCESS;
    if (c->fill > 0) {
        size_t take = CCM_BLOCK - c->fill < n ? CCM_BLOCK - c->fill : n;
        memcpy(c->buf + c->fill, in, take);
        c->fill += take;
        in += take;
        n -= take;
        if (c->fill == CCM_BLOCK) {
            st = ccm_mac_blocks(c, c->buf, CCM_BLOCK);
            c->fill = 0;
        }
    }
    size_t whole = n / CCM_BLOCK * CCM_BLOCK;
    if (st == PSA_SUCCESS && whole > 0) {
        st = ccm_mac_blocks(c, in, whole);
    }
    if (st == PSA_SUCCESS && n > whole) {
        memcpy(c->buf, in + whole, n - whole);
        c->fill = n - whole;
    }
    return st;
}

/* Zero-pad what is waiting to a whole block. */
static psa_status_t ccm_mac_pad(struct ccm_state *c)
{
    if (c->fill == 0) {
        return PSA_SUCCESS;
    }
    memset(c->buf + c->fill, 0, CCM_BLOCK - c->fill);
    c->fill = 0;
    return ccm_mac_blocks(c, c->buf, CCM_BLOCK);
}

/* B_0, the encoded AAD length, and S_0; needs the nonce and the lengths. */
static psa_status_t ccm_begin(struct aead_op *o)
{
    struct ccm_state *c = o->ccm;
    size_t L = 15 - c->nonce_len;
    uint8_t b[CCM_BLOCK], zero[CCM_BLOCK] = {0};
    size_t got = 0;
    psa_status_t st;
    if (L < 8 && (uint64_t)o->pt_expected >> (8 * L) != 0) {
        return PSA_ERROR_INVALID_ARGUMENT; /* the length does not fit L bytes */
    }
    b[0] = (uint8_t)((o->ad_expected > 0 ? 0x40 : 0) | ((o->tag_len - 2) / 2) << 3 | (L - 1));
    memcpy(b + 1, c->nonce, c->nonce_len);
    for (size_t i = 0; i < L; i++) {
        b[15 - i] = (uint8_t)((uint64_t)o->pt_expected >> (8 * i));
    }
    st = wbe_cipher_set_iv(c->cbc, zero, CCM_BLOCK);
    if (st == PSA_SUCCESS) {
        st = ccm_mac_blocks(c, b, CCM_BLOCK);
    }
    if (st == PSA_SUCCESS && o->ad_expected > 0) {
        uint8_t enc[10];
        size_t el;
        uint64_t a = o->ad_expected;
        if (a < 0xff00u) {
            enc[0] = (uint8_t)(a >> 8);
            enc[1] = (uint8_t)a;
            el = 2;
        } else if (a <= 0xffffffffu) {
            enc[0] = 0xff;
            enc[1] = 0xfe;
            for (int i = 0; i < 4; i++) {
                enc[2 + i] = (uint8_t)(a >> (24 - 8 * i));
            }
            el = 6;
        } else {
            enc[0] = 0xff;
            enc[1] = 0xff;
            for (int i = 0; i < 8; i++) {
                enc[2 + i] = (uint8_t)(a >> (56 - 8 * i));
            }
            el = 10;
        }
        st = ccm_mac_feed(c, enc, el);
    }
    /* Counter block A_0 (flags L-1, nonce, counter 0): the first keystream
     * block is S_0; the data then starts at A_1. */
    b[0] = (uint8_t)(L - 1);
    memset(b + 1 + c->nonce_len, 0, L);
    if (st == PSA_SUCCESS) {
        st = wbe_cipher_set_iv(c->ctr, b, CCM_BLOCK);
    }
    if (st == PSA_SUCCESS) {
        st = wbe_cipher_update(c->ctr, zero, CCM_BLOCK, c->s0, &got);
    }
    c->begun = st == PSA_SUCCESS;
    return st;
}

/* ---- the operation's steps, shared by single-part and multi-part --------------- */

static psa_status_t step_set_nonce(struct aead_op *o, const uint8_t *nonce, size_t len)
{
    if (o->base == PSA_ALG_CCM) {
        if (len < 7 || len > 13) {
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        memcpy(o->ccm->nonce, nonce, len);
        o->ccm->nonce_len = len;
        o->nonce_set = true;
        return PSA_SUCCESS;
    }
    if (o->base == PSA_ALG_XCHACHA20_POLY1305) {
        /* XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha 2.3):
         * ChaCha20-Poly1305 under HChaCha20(K, N[0..16)) with the nonce
         * 0^4 || N[16..24). */
        uint8_t sub[32], n12[12];
        if (len != 24) {
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        psa_status_t st = wbe_hchacha20(o->xkey, nonce, sub);
        wbe_cleanse(o->xkey, sizeof o->xkey);
        if (st == PSA_SUCCESS) {
            st = wbe_aead_new(WBE_AEAD_CHACHA20_POLY1305, PSA_KEY_TYPE_CHACHA20, sub, 32, &o->a);
        }
        wbe_cleanse(sub, sizeof sub);
        memset(n12, 0, 4);
        memcpy(n12 + 4, nonce + 16, 8);
        if (st == PSA_SUCCESS) {
            st = wbe_aead_start(o->a, o->encrypt, n12, sizeof n12);
        }
        if (st == PSA_SUCCESS) {
            o->nonce_set = true;
        }
        return st;
    }
    if (o->base == PSA_ALG_CHACHA20_POLY1305 && len == 8) {
        return PSA_ERROR_NOT_SUPPORTED; /* the original variant is optional */
    }
    if ((o->base == PSA_ALG_CHACHA20_POLY1305 && len != 12) ||
        (o->base == PSA_ALG_GCM && len == 0)) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    if (o->base == PSA_ALG_GCM && len > GCM_NONCE_MAX) {
        return PSA_ERROR_NOT_SUPPORTED; /* the maximum is implementation defined */
    }
    psa_status_t st = wbe_aead_start(o->a, o->encrypt, nonce, len);
    if (st == PSA_SUCCESS) {
        o->nonce_set = true;
    }
    return st;
}

static psa_status_t step_ensure_begun(struct aead_op *o)
{
    if (o->base != PSA_ALG_CCM || o->ccm->begun) {
        return PSA_SUCCESS;
    }
    if (!o->lengths_set) {
        return PSA_ERROR_BAD_STATE; /* CCM needs the lengths first */
    }
    return ccm_begin(o);
}

static psa_status_t step_update_ad(struct aead_op *o, const uint8_t *in, size_t n)
{
    if (!o->nonce_set || o->body_started) {
        return PSA_ERROR_BAD_STATE;
    }
    if (o->lengths_set && n > o->ad_expected - o->ad_seen) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    psa_status_t st = step_ensure_begun(o);
    if (st != PSA_SUCCESS) {
        return st;
    }
    st = o->base == PSA_ALG_CCM ? ccm_mac_feed(o->ccm, in, n) : wbe_aead_update_ad(o->a, in, n);
    if (st == PSA_SUCCESS) {
        o->ad_seen += n;
    }
    return st;
}

/* The end of the AAD: checks its length and pads CCM's MAC input. */
static psa_status_t step_start_body(struct aead_op *o)
{
    if (o->body_started) {
        return PSA_SUCCESS;
    }
    if (o->lengths_set && o->ad_seen != o->ad_expected) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    psa_status_t st = step_ensure_begun(o);
    if (st == PSA_SUCCESS && o->base == PSA_ALG_CCM) {
        st = ccm_mac_pad(o->ccm);
    }
    if (st == PSA_SUCCESS) {
        o->body_started = true;
    }
    return st;
}

static psa_status_t step_update(struct aead_op *o, const uint8_t *in, size_t n, uint8_t *out,
                                size_t out_size, size_t *out_len)
{
    *out_len = 0;
    if (!o->nonce_set) {
        return PSA_ERROR_BAD_STATE;
    }
    if (o->base == PSA_ALG_CCM && !o->lengths_set) {
        return PSA_ERROR_BAD_STATE;
    }
    if (o->lengths_set && n > o->pt_expected - o->pt_seen) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    /* Message limits: GCM 2^36 - 32 bytes (SP 800-38D), ChaCha20-Poly1305
     * 2^38 - 64 (RFC 8439); CCM's is checked against its length field. */
    uint64_t max = o->base == PSA_ALG_GCM ? ((uint64_t)1 << 36) - 32
                   : o->base == PSA_ALG_CHACHA20_POLY1305 ||
                           o->base == PSA_ALG_XCHACHA20_POLY1305
                       ? ((uint64_t)1 << 38) - 64
                       : UINT64_MAX;
    if ((uint64_t)o->pt_seen > max || (uint64_t)n > max - o->pt_seen) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    if (out_size < n) {
        return PSA_ERROR_BUFFER_TOO_SMALL;
    }
    psa_status_t st = step_start_body(o);
    if (st != PSA_SUCCESS) {
        return st;
    }
    if (o->base == PSA_ALG_CCM) {
        size_t got = 0;
        if (o->encrypt) {
            st = ccm_mac_feed(o->ccm, in, n);
        }
        if (st == PSA_SUCCESS) {
            st = wbe_cipher_update(o->ccm->ctr, in, n, out, &got);
        }
        if (st == PSA_SUCCESS && !o->encrypt) {
            st = ccm_mac_feed(o->ccm, out, n);
        }
    } else {
        st = wbe_aead_update(o->a, in, n, out);
    }
    if (st == PSA_SUCCESS) {
        o->pt_seen += n;
        *out_len = n;
    }
    return st;
}

/* Complete the message: CCM's tag, or the backend's. */
static psa_status_t step_end(struct aead_op *o)
{
    if (!o->nonce_set) {
        return PSA_ERROR_BAD_STATE;
    }
    if (o->base == PSA_ALG_CCM && !o->lengths_set) {
        return PSA_ERROR_BAD_STATE;
    }
    if (o->lengths_set && o->pt_seen != o->pt_expected) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    return step_start_body(o);
}

static psa_status_t ccm_tag(struct aead_op *o, uint8_t tag[CCM_BLOCK])
{
    psa_status_t st = ccm_mac_pad(o->ccm);
    for (size_t i = 0; i < CCM_BLOCK; i++) {
        tag[i] = o->ccm->mac[i] ^ o->ccm->s0[i];
    }
    return st;
}

static psa_status_t step_finish(struct aead_op *o, uint8_t *tag, size_t tag_size,
                                size_t *tag_length)
{
    uint8_t t[CCM_BLOCK];
    *tag_length = 0;
    if (!o->encrypt) {
        return PSA_ERROR_BAD_STATE;
    }
    psa_status_t st = step_end(o);
    if (st == PSA_SUCCESS && tag_size < o->tag_len) {
        st = PSA_ERROR_BUFFER_TOO_SMALL;
    }
    if (st == PSA_SUCCESS) {
        st = o->base == PSA_ALG_CCM ? ccm_tag(o, t) : wbe_aead_finish_tag(o->a, t, o->tag_len);
    }
    if (st == PSA_SUCCESS) {
        memcpy(tag, t, o->tag_len);
        *tag_length = o->tag_len;
    }
    wbe_cleanse(t, sizeof t);
    return st;
}

static psa_status_t step_verify(struct aead_op *o, const uint8_t *tag, size_t tag_length)
{
    uint8_t t[CCM_BLOCK];
    if (o->encrypt) {
        return PSA_ERROR_BAD_STATE;
    }
    psa_status_t st = step_end(o);
    if (st != PSA_SUCCESS) {
        return st;
    }
    if (tag_length != o->tag_len) {
        return PSA_ERROR_INVALID_SIGNATURE;
    }
    if (o->base == PSA_ALG_CCM) {
        st = ccm_tag(o, t);
        if (st == PSA_SUCCESS && wbe_memcmp_ct(t, tag, o->tag_len) != 0) {
            st = PSA_ERROR_INVALID_SIGNATURE;
        }
        wbe_cleanse(t, sizeof t);
        return st;
    }
    return wbe_aead_verify_tag(o->a, tag, tag_length);
}

/* ---- single-part ------------------------------------------------------------------ */

/* The one-shot fast path: a key whose cached context was built for exactly
 * this (already validated) GCM or ChaCha20-Poly1305 algorithm. Returns
 * PSA_ERROR_NOT_SUPPORTED when it does not apply, so the caller takes the
 * general path. */
static psa_status_t aead_fast(struct key_slot *k, psa_algorithm_t alg, bool encrypt,
                              const uint8_t *nonce, size_t nonce_len, const uint8_t *ad,
                              size_t ad_len, const uint8_t *in, size_t n, uint8_t *out,
                              size_t out_size, size_t *out_len)
{
    if (k->aead_cache == NULL || k->aead_cache_alg != alg) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    psa_status_t st = key_policy_check(k, encrypt ? PSA_KEY_USAGE_ENCRYPT
                                                  : PSA_KEY_USAGE_DECRYPT, alg);
    if (st != PSA_SUCCESS) {
        return st;
    }
    size_t tag_len = PSA_AEAD_TAG_LENGTH(k->attr.type, k->attr.bits, alg);
    bool chacha = PSA_ALG_AEAD_WITH_DEFAULT_LENGTH_TAG(alg) == PSA_ALG_CHACHA20_POLY1305;
    if (chacha ? nonce_len != 12 : (nonce_len == 0 || nonce_len > GCM_NONCE_MAX)) {
        return PSA_ERROR_NOT_SUPPORTED; /* let the general path give the exact error */
    }
    if (encrypt) {
        if (n > SIZE_MAX - tag_len || out_size < n + tag_len) {
            return PSA_ERROR_BUFFER_TOO_SMALL;
        }
        st = wbe_aead_oneshot(k->aead_cache, nonce, nonce_len, ad, ad_len, in, n, out, NULL,
                              out + n, tag_len);
        if (st == PSA_SUCCESS) {
            *out_len = n + tag_len;
        }
        return st;
    }
    if (n < tag_len) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    size_t body = n - tag_len;
    if (out_size < body) {
        return PSA_ERROR_BUFFER_TOO_SMALL;
    }
    st = wbe_aead_oneshot(k->aead_cache, nonce, nonce_len, ad, ad_len, in, body, out,
                          in + body, NULL, tag_len);
    if (st == PSA_SUCCESS) {
        *out_len = body;
    } else {
        wbe_cleanse(out, body);
    }
    return st;
}

psa_status_t ward_crypto_aead_encrypt(const struct ward_crypto_caller *caller,
                                      psa_key_id_t key, psa_algorithm_t alg,
                                      const uint8_t *nonce, size_t nonce_length,
                                      const uint8_t *additional_data,
                                      size_t additional_data_length,
                                      const uint8_t *plaintext, size_t plaintext_length,
                                      uint8_t *ciphertext, size_t ciphertext_size,
                                      size_t *ciphertext_length)
{
    struct key_slot *k;
    struct aead_op op, *o = &op;
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    *ciphertext_length = 0;
    st = key_acquire(caller, key, &k);
    if (st != PSA_SUCCESS) {
        core_leave();
        return st;
    }
    st = aead_fast(k, alg, true, nonce, nonce_length, additional_data, additional_data_length,
                   plaintext, plaintext_length, ciphertext, ciphertext_size, ciphertext_length);
    if (st != PSA_ERROR_NOT_SUPPORTED) {
        key_release(k);
        core_leave();
        return st;
    }
    st = aead_init(k, alg, true, true, o);
    size_t n = 0, t = 0;
    if (st == PSA_SUCCESS && (plaintext_length > SIZE_MAX - o->tag_len ||
                              ciphertext_size < plaintext_length + o->tag_len)) {
        st = PSA_ERROR_BUFFER_TOO_SMALL;
    }
    if (st == PSA_SUCCESS) {
        o->lengths_set = true;
        o->ad_expected = additional_data_length;
        o->pt_expected = plaintext_length;
        st = step_set_nonce(o, nonce, nonce_length);
    }
    if (st == PSA_SUCCESS) {
        st = step_update_ad(o, additional_data, additional_data_length);
    }
    if (st == PSA_SUCCESS) {
        st = step_update(o, plaintext, plaintext_length, ciphertext, ciphertext_size, &n);
    }
    if (st == PSA_SUCCESS) {
        st = step_finish(o, ciphertext + n, ciphertext_size - n, &t);
    }
    if (st == PSA_SUCCESS) {
        *ciphertext_length = n + t;
    }
    aead_op_clear(o);
    key_release(k);
    core_leave();
    return st;
}

psa_status_t ward_crypto_aead_decrypt(const struct ward_crypto_caller *caller,
                                      psa_key_id_t key, psa_algorithm_t alg,
                                      const uint8_t *nonce, size_t nonce_length,
                                      const uint8_t *additional_data,
                                      size_t additional_data_length,
                                      const uint8_t *ciphertext, size_t ciphertext_length,
                                      uint8_t *plaintext, size_t plaintext_size,
                                      size_t *plaintext_length)
{
    struct key_slot *k;
    struct aead_op op, *o = &op;
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    *plaintext_length = 0;
    st = key_acquire(caller, key, &k);
    if (st != PSA_SUCCESS) {
        core_leave();
        return st;
    }
    st = aead_fast(k, alg, false, nonce, nonce_length, additional_data, additional_data_length,
                   ciphertext, ciphertext_length, plaintext, plaintext_size, plaintext_length);
    if (st != PSA_ERROR_NOT_SUPPORTED) {
        key_release(k);
        core_leave();
        return st;
    }
    st = aead_init(k, alg, false, true, o);
    size_t body = 0, n = 0;
    if (st == PSA_SUCCESS) {
        if (ciphertext_length < o->tag_len) {
            st = PSA_ERROR_INVALID_ARGUMENT;
        } else {
            body = ciphertext_length - o->tag_len;
            if (plaintext_size < body) {
                st = PSA_ERROR_BUFFER_TOO_SMALL;
            }
        }
    }
    if (st == PSA_SUCCESS) {
        o->lengths_set = true;
        o->ad_expected = additional_data_length;
        o->pt_expected = body;
        st = step_set_nonce(o, nonce, nonce_length);
    }
    if (st == PSA_SUCCESS) {
        st = step_update_ad(o, additional_data, additional_data_length);
    }
    if (st == PSA_SUCCESS) {
        st = step_update(o, ciphertext, body, plaintext, plaintext_size, &n);
    }
    if (st == PSA_SUCCESS) {
        st = step_verify(o, ciphertext + body, o->tag_len);
    }
    if (st == PSA_SUCCESS) {
        *plaintext_length = n;
    } else if (n > 0) {
        wbe_cleanse(plaintext, n); /* release nothing unauthenticated */
    }
    aead_op_clear(o);
    key_release(k);
    core_leave();
    return st;
}

/* ---- multi-part --------------------------------------------------------------------- */

static psa_status_t aead_setup(const struct ward_crypto_caller *caller, uint32_t *operation,
                               psa_key_id_t key, psa_algorithm_t alg, bool encrypt)
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
    struct aead_op *o = calloc(1, sizeof *o);
    if (o == NULL) {
        st = PSA_ERROR_INSUFFICIENT_MEMORY;
    } else {
        st = aead_init(k, alg, encrypt, false, o);
    }
    st = op_alloc(caller, OP_AEAD, key, st, o, aead_op_free, operation);
    key_release(k);
    core_leave();
    return st;
}

psa_status_t ward_crypto_aead_encrypt_setup(const struct ward_crypto_caller *caller,
                                            uint32_t *operation, psa_key_id_t key,
                                            psa_algorithm_t alg)
{
    return aead_setup(caller, operation, key, alg, true);
}

psa_status_t ward_crypto_aead_decrypt_setup(const struct ward_crypto_caller *caller,
                                            uint32_t *operation, psa_key_id_t key,
                                            psa_algorithm_t alg)
{
    return aead_setup(caller, operation, key, alg, false);
}

/* Run a step; any failure aborts the operation. */
#define AEAD_STEP(expr)                 \
    OP_ENTER(OP_AEAD, struct aead_op, o); \
    st = (expr);                        \
    if (st != PSA_SUCCESS) {            \
        op_release(operation);          \
    }                                   \
    core_leave();                       \
    return st;

/* The lengths come before the nonce, for every algorithm (CCM needs them
 * for B_0 and to choose a generated nonce's length). */
static psa_status_t step_set_lengths(struct aead_op *o, size_t ad, size_t pt)
{
    if (o->lengths_set || o->nonce_set) {
        return PSA_ERROR_BAD_STATE;
    }
    o->lengths_set = true;
    o->ad_expected = ad;
    o->pt_expected = pt;
    return PSA_SUCCESS;
}

psa_status_t ward_crypto_aead_set_lengths(const struct ward_crypto_caller *caller,
                                          uint32_t *operation, size_t ad_length,
                                          size_t plaintext_length)
{
    AEAD_STEP(step_set_lengths(o, ad_length, plaintext_length))
}

static psa_status_t step_set_nonce_checked(struct aead_op *o, const uint8_t *nonce, size_t len)
{
    if (o->nonce_set || (o->base == PSA_ALG_CCM && !o->lengths_set)) {
        return PSA_ERROR_BAD_STATE;
    }
    psa_status_t st = step_set_nonce(o, nonce, len);
    if (st == PSA_SUCCESS && o->base == PSA_ALG_CCM && o->lengths_set) {
        size_t L = 15 - o->ccm->nonce_len;
        if (L < 8 && (uint64_t)o->pt_expected >> (8 * L) != 0) {
            st = PSA_ERROR_INVALID_ARGUMENT;
        }
    }
    return st;
}

static psa_status_t step_generate_nonce(struct aead_op *o, uint8_t *nonce, size_t size,
                                        size_t *len)
{
    uint8_t buf[PSA_AEAD_NONCE_MAX_SIZE];
    size_t want = o->default_nonce_len;
    *len = 0;
    if (!o->encrypt || o->nonce_set || (o->base == PSA_ALG_CCM && !o->lengths_set)) {
        return PSA_ERROR_BAD_STATE;
    }
    if (o->base == PSA_ALG_CCM) {
        /* The smallest L >= 2 whose L bytes hold the plaintext length; the
         * nonce takes the other 15 - L bytes. */
        size_t L = 2;
        while (L < 8 && (uint64_t)o->pt_expected >> (8 * L) != 0) {
            L++;
        }
        want = 15 - L;
    }
    if (size < want) {
        return PSA_ERROR_BUFFER_TOO_SMALL;
    }
    psa_status_t st = wbe_random(buf, want);
    if (st == PSA_SUCCESS) {
        st = step_set_nonce_checked(o, buf, want);
    }
    if (st == PSA_SUCCESS) {
        memcpy(nonce, buf, want);
        *len = want;
    }
    return st;
}

psa_status_t ward_crypto_aead_generate_nonce(const struct ward_crypto_caller *caller,
                                             uint32_t *operation, uint8_t *nonce,
                                             size_t nonce_size, size_t *nonce_length)
{
    *nonce_length = 0;
    AEAD_STEP(step_generate_nonce(o, nonce, nonce_size, nonce_length))
}

psa_status_t ward_crypto_aead_set_nonce(const struct ward_crypto_caller *caller,
                                        uint32_t *operation, const uint8_t *nonce,
                                        size_t nonce_length)
{
    AEAD_STEP(step_set_nonce_checked(o, nonce, nonce_length))
}

psa_status_t ward_crypto_aead_update_ad(const struct ward_crypto_caller *caller,
                                        uint32_t *operation, const uint8_t *input,
                                        size_t input_length)
{
    AEAD_STEP(step_update_ad(o, input, input_length))
}

psa_status_t ward_crypto_aead_update(const struct ward_crypto_caller *caller,
                                     uint32_t *operation, const uint8_t *input,
                                     size_t input_length, uint8_t *output,
                                     size_t output_size, size_t *output_length)
{
    *output_length = 0;
    AEAD_STEP(step_update(o, input, input_length, output, output_size, output_length))
}

psa_status_t ward_crypto_aead_finish(const struct ward_crypto_caller *caller,
                                     uint32_t *operation, uint8_t *ciphertext,
                                     size_t ciphertext_size, size_t *ciphertext_length,
                                     uint8_t *tag, size_t tag_size, size_t *tag_length)
{
    (void)ciphertext;
    (void)ciphertext_size;
    *ciphertext_length = 0; /* every update outputs all it takes in */
    *tag_length = 0;
    OP_ENTER(OP_AEAD, struct aead_op, o);
    st = step_finish(o, tag, tag_size, tag_length);
    op_release(operation);
    core_leave();
    return st;
}

psa_status_t ward_crypto_aead_verify(const struct ward_crypto_caller *caller,
                                     uint32_t *operation, uint8_t *plaintext,
                                     size_t plaintext_size, size_t *plaintext_length,
                                     const uint8_t *tag, size_t tag_length)
{
    (void)plaintext;
    (void)plaintext_size;
    *plaintext_length = 0;
    OP_ENTER(OP_AEAD, struct aead_op, o);
    st = step_verify(o, tag, tag_length);
    op_release(operation);
    core_leave();
    return st;
}

psa_status_t ward_crypto_aead_abort(const struct ward_crypto_caller *caller,
                                    uint32_t *operation)
{
    OP_ABORT(OP_AEAD)
}
