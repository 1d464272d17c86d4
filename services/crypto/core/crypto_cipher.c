/*
 * crypto_cipher.c: unauthenticated ciphers, single-part and multi-part.
 * The core computes every output length before calling the backend, so a
 * too-small buffer is refused before any state changes, and it counts the
 * bytes the backend holds back (partial blocks, the PKCS#7 last block).
 */
#include <stdlib.h>
#include <string.h>

#include "crypto_internal.h"
#include "ward_codec.h"

/* CCM* with a 13-byte nonce has a 2-byte counter: at most 2^16 - 1 bytes. */
#define CCM_STAR_NONCE_LEN 13u
#define CCM_STAR_MAX_INPUT 0xffffu
struct cipher_params {
    enum wbe_mode mode;
    bool pkcs7;
    bool block_aligned; /* ECB and CBC without padding */
    size_t iv_len;      /* what the application supplies */
    size_t bs;          /* block length (1 for stream modes) */
    bool xchacha;       /* XChaCha20: the cipher is keyed when the IV is set */
};

/* Validate alg for the key: INVALID_ARGUMENT (not a cipher, wildcard),
 * NOT_PERMITTED (policy), INVALID_ARGUMENT (key type), NOT_SUPPORTED. */
static psa_status_t cipher_resolve(const struct key_slot *k, psa_algorithm_t alg,
                                   psa_key_usage_t usage, struct cipher_params *p)
{
    if (!PSA_ALG_IS_CIPHER(alg) || alg == PSA_ALG_CCM_STAR_ANY_TAG) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    psa_status_t st = key_policy_check(k, usage, alg);
    if (st != PSA_SUCCESS) {
        return st;
    }
    psa_key_type_t type = k->attr.type;
    bool block = (type & 0x7000) == 0x2000 && PSA_BLOCK_CIPHER_BLOCK_LENGTH(type) > 1;
    memset(p, 0, sizeof *p);
    p->bs = block ? PSA_BLOCK_CIPHER_BLOCK_LENGTH(type) : 1;
    switch (alg) {
    case PSA_ALG_ECB_NO_PADDING:
        p->mode = WBE_MODE_ECB;
        p->block_aligned = true;
        break;
    case PSA_ALG_CBC_NO_PADDING:
        p->mode = WBE_MODE_CBC;
        p->block_aligned = true;
        p->iv_len = p->bs;
        break;
    case PSA_ALG_CBC_PKCS7:
        p->mode = WBE_MODE_CBC;
        p->pkcs7 = true;
        p->iv_len = p->bs;
        break;
    case PSA_ALG_CTR:
        p->mode = WBE_MODE_CTR;
        p->iv_len = p->bs;
        break;
    case PSA_ALG_CFB:
        p->mode = WBE_MODE_CFB;
        p->iv_len = p->bs;
        break;
    case PSA_ALG_OFB:
        p->mode = WBE_MODE_OFB;
        p->iv_len = p->bs;
        break;
    case PSA_ALG_XTS:
        p->mode = WBE_MODE_XTS;
        p->iv_len = p->bs;
        break;
    case PSA_ALG_CCM_STAR_NO_TAG:
        if (!block || p->bs != 16) {
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        p->mode = WBE_MODE_CTR;
        p->iv_len = CCM_STAR_NONCE_LEN;
        break;
    case PSA_ALG_STREAM_CIPHER:
        if (type != PSA_KEY_TYPE_CHACHA20 && type != PSA_KEY_TYPE_XCHACHA20) {
            return PSA_ERROR_INVALID_ARGUMENT; /* ARC4 keys cannot exist here */
        }
        p->mode = WBE_MODE_STREAM;
        p->bs = 1;
        p->iv_len = type == PSA_KEY_TYPE_XCHACHA20 ? 24 : 12;
        p->xchacha = type == PSA_KEY_TYPE_XCHACHA20;
        return wbe_cipher_supported(PSA_KEY_TYPE_CHACHA20, 256, p->mode)
                   ? PSA_SUCCESS : PSA_ERROR_NOT_SUPPORTED;
    default:
        return PSA_ERROR_NOT_SUPPORTED;
    }
    if (!block) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    if (!wbe_cipher_supported(type, k->attr.bits, p->mode)) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    /* Stream modes of a block cipher produce output byte for byte. */
    if (p->mode == WBE_MODE_CTR || p->mode == WBE_MODE_CFB || p->mode == WBE_MODE_OFB) {
        p->bs = 1;
    }
    return PSA_SUCCESS;
}

/* The IV the backend wants for the IV the application gave (the
 * specification's forms for each algorithm), and how many bytes may then be
 * processed before the counter would wrap into the nonce. */
static psa_status_t cipher_start(struct wbe_cipher **cp, psa_algorithm_t alg,
                                 const struct cipher_params *p, const uint8_t *key,
                                 const uint8_t *iv, size_t iv_len, uint64_t *limit)
{
    uint8_t full[16];
    struct wbe_cipher *c = *cp;
    *limit = UINT64_MAX;
    if (p->xchacha) {
        /* XChaCha20: subkey = HChaCha20(K, nonce[0..16)); then ChaCha20
         * with a 64-bit block counter (OpenSSL carries the 32-bit counter
         * into the next word) and nonce[16..24). A 24-byte IV is the nonce
         * with counter 0; a 32-byte IV is an 8-byte little-endian counter
         * then the nonce. */
        uint8_t sub[32];
        const uint8_t *n;
        if (iv_len == 24) {
            memset(full, 0, 8);
            n = iv;
        } else if (iv_len == 32) {
            memcpy(full, iv, 8);
            n = iv + 8;
        } else {
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        memcpy(full + 8, n + 16, 8);
        psa_status_t st = wbe_hchacha20(key, n, sub);
        if (st == PSA_SUCCESS) {
            wbe_cipher_free(c);
            *cp = NULL;
            st = wbe_cipher_new(PSA_KEY_TYPE_CHACHA20, sub, 32, WBE_MODE_STREAM, true, false, cp);
        }
        wbe_cleanse(sub, sizeof sub);
        if (st == PSA_SUCCESS) {
            st = wbe_cipher_set_iv(*cp, full, 16);
        }
        return st;
    }
    if (alg == PSA_ALG_STREAM_CIPHER) {
        /* ChaCha20 (RFC 8439): 32-bit little-endian block counter, then the
         * 96-bit nonce. A 12-byte IV is the nonce with counter 0; a 16-byte
         * IV is counter || nonce. The original 64-bit-nonce variant (8-byte
         * IV) is optional and not built. */
        if (iv_len == 8) {
            return PSA_ERROR_NOT_SUPPORTED;
        }
        if (iv_len == 12) {
            memset(full, 0, 4);
            memcpy(full + 4, iv, 12);
        } else if (iv_len == 16) {
            memcpy(full, iv, 16);
        } else {
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        uint64_t start = ward_load_u32le(full);
        *limit = (((uint64_t)1 << 32) - start) * 64;
        return wbe_cipher_set_iv(c, full, 16);
    }
    if (alg == PSA_ALG_CCM_STAR_NO_TAG) {
        if (iv_len != CCM_STAR_NONCE_LEN) {
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        /* CCM counter block A_1: flags L-1 = 1, nonce, counter 1. */
        full[0] = 15 - CCM_STAR_NONCE_LEN - 1;
        memcpy(full + 1, iv, CCM_STAR_NONCE_LEN);
        full[14] = 0;
        full[15] = 1;
        *limit = CCM_STAR_MAX_INPUT;
        return wbe_cipher_set_iv(c, full, 16);
    }
    if (alg == PSA_ALG_CTR) {
        /* 1 to block-length bytes, zero-padded to the counter block. */
        size_t bs = p->iv_len;
        if (iv_len == 0 || iv_len > bs) {
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        memset(full, 0, sizeof full);
        memcpy(full, iv, iv_len);
        return wbe_cipher_set_iv(c, full, bs);
    }
    if (iv_len != p->iv_len) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    if (p->iv_len == 0) {
        return PSA_SUCCESS;
    }
    return wbe_cipher_set_iv(c, iv, iv_len);
}

/* Output of an update given the bytes the backend already holds. */
static size_t update_output(const struct cipher_params *p, bool encrypt, size_t pending,
                            size_t n)
{
    size_t total = pending + n;
    if (p->bs == 1) {
        return n;
    }
    if (p->pkcs7 && !encrypt) {
        return total == 0 ? 0 : (total - 1) / p->bs * p->bs;
    }
    return total / p->bs * p->bs;
}

/* ---- single-part ---------------------------------------------------------- */

static psa_status_t cipher_oneshot(const struct ward_crypto_caller *caller, psa_key_id_t key,
                                   psa_algorithm_t alg, bool encrypt, const uint8_t *input,
                                   size_t input_length, uint8_t *output, size_t output_size,
                                   size_t *output_length)
{
    struct key_slot *k;
    struct cipher_params p;
    struct wbe_cipher *c = NULL;
    uint8_t iv[PSA_CIPHER_IV_MAX_SIZE];
    uint8_t *tmp = NULL;
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    *output_length = 0;
    st = key_acquire(caller, key, &k);
    if (st != PSA_SUCCESS) {
        core_leave();
        return st;
    }
    st = cipher_resolve(k, alg, encrypt ? PSA_KEY_USAGE_ENCRYPT : PSA_KEY_USAGE_DECRYPT, &p);
    if (st != PSA_SUCCESS) {
        goto out;
    }
    size_t data_len = input_length;
    if (!encrypt) {
        if (input_length < p.iv_len) {
            st = PSA_ERROR_INVALID_ARGUMENT;
            goto out;
        }
        data_len -= p.iv_len;
    }
    if ((p.block_aligned && data_len % p.bs != 0) ||
        (p.pkcs7 && !encrypt && (data_len == 0 || data_len % p.bs != 0)) ||
        (p.mode == WBE_MODE_XTS && data_len < 16)) {
        st = PSA_ERROR_INVALID_ARGUMENT;
        goto out;
    }
    size_t need = encrypt ? p.iv_len + (p.pkcs7 ? (data_len / p.bs + 1) * p.bs : data_len)
                          : (p.pkcs7 ? 0 : data_len);
    if (output_size < need) {
        st = PSA_ERROR_BUFFER_TOO_SMALL;
        goto out;
    }
    if (!p.xchacha) { /* XChaCha20 is keyed from the IV in cipher_start */
        st = wbe_cipher_new(k->attr.type, k->material, k->len, p.mode, encrypt, p.pkcs7, &c);
        if (st != PSA_SUCCESS) {
            goto out;
        }
    }
    const uint8_t *ivp = input;
    if (encrypt) {
        st = wbe_random(iv, p.iv_len);
        ivp = iv;
    }
    uint64_t limit = 0;
    if (st == PSA_SUCCESS) {
        st = cipher_start(&c, alg, &p, k->material, ivp, p.iv_len, &limit);
    }
    if (st == PSA_SUCCESS && data_len > limit) {
        st = PSA_ERROR_INVALID_ARGUMENT; /* longer than the counter allows */
    }
    if (st != PSA_SUCCESS) {
        goto out;
    }
    size_t l1 = 0, l2 = 0;
    if (encrypt) {
        memcpy(output, iv, p.iv_len);
        st = wbe_cipher_update(c, input, data_len, output + p.iv_len, &l1);
        if (st == PSA_SUCCESS) {
            st = wbe_cipher_finish(c, output + p.iv_len + l1, &l2);
        }
        if (st == PSA_SUCCESS) {
            *output_length = p.iv_len + l1 + l2;
        }
    } else {
        /* PKCS#7: the plaintext length is known only after unpadding, so
         * decrypt aside and copy what fits. */
        uint8_t *dst = output;
        if (p.pkcs7) {
            tmp = malloc(data_len + p.bs);
            if (tmp == NULL) {
                st = PSA_ERROR_INSUFFICIENT_MEMORY;
                goto out;
            }
            dst = tmp;
        }
        st = wbe_cipher_update(c, input + p.iv_len, data_len, dst, &l1);
        if (st == PSA_SUCCESS) {
            st = wbe_cipher_finish(c, dst + l1, &l2);
        }
        if (st == PSA_SUCCESS && p.pkcs7) {
            if (output_size < l1 + l2) {
                st = PSA_ERROR_BUFFER_TOO_SMALL;
            } else {
                memcpy(output, tmp, l1 + l2);
            }
        }
        if (st == PSA_SUCCESS) {
            *output_length = l1 + l2;
        }
    }
out:
    if (tmp != NULL) {
        wbe_cleanse(tmp, data_len + p.bs);
        free(tmp);
    }
    wbe_cipher_free(c);
    key_release(k);
    core_leave();
    return st;
}

psa_status_t ward_crypto_cipher_encrypt(const struct ward_crypto_caller *caller,
                                        psa_key_id_t key, psa_algorithm_t alg,
                                        const uint8_t *input, size_t input_length,
                                        uint8_t *output, size_t output_size,
                                        size_t *output_length)
{
    return cipher_oneshot(caller, key, alg, true, input, input_length, output, output_size,
                          output_length);
}

psa_status_t ward_crypto_cipher_decrypt(const struct ward_crypto_caller *caller,
                                        psa_key_id_t key, psa_algorithm_t alg,
                                        const uint8_t *input, size_t input_length,
                                        uint8_t *output, size_t output_size,
                                        size_t *output_length)
{
    return cipher_oneshot(caller, key, alg, false, input, input_length, output, output_size,
                          output_length);
}

/* ---- multi-part ---------------------------------------------------------- */

struct cipher_op {
    struct wbe_cipher *c;
    struct cipher_params p;
    psa_algorithm_t alg;
    bool encrypt;
    bool iv_set;
    size_t pending; /* bytes taken in but not yet output */
    uint64_t total; /* bytes processed */
    uint64_t limit; /* bytes the IV's counter allows */
    uint8_t xkey[32]; /* XChaCha20 only: the key, until the IV is set */
};

static void cipher_op_free(void *p)
{
    struct cipher_op *o = p;
    wbe_cipher_free(o->c);
    wbe_cleanse(o->xkey, sizeof o->xkey);
    free(o);
}

static psa_status_t cipher_setup(const struct ward_crypto_caller *caller, uint32_t *operation,
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
    struct cipher_op *o = calloc(1, sizeof *o);
    if (o == NULL) {
        st = PSA_ERROR_INSUFFICIENT_MEMORY;
    } else {
        o->alg = alg;
        o->encrypt = encrypt;
        st = cipher_resolve(k, alg, encrypt ? PSA_KEY_USAGE_ENCRYPT : PSA_KEY_USAGE_DECRYPT,
                            &o->p);
        if (st == PSA_SUCCESS && o->p.mode == WBE_MODE_XTS) {
            st = PSA_ERROR_NOT_SUPPORTED; /* XTS is single-part only (docs/crypto.md) */
        }
        if (st == PSA_SUCCESS && o->p.xchacha) {
            memcpy(o->xkey, k->material, sizeof o->xkey);
        } else if (st == PSA_SUCCESS) {
            st = wbe_cipher_new(k->attr.type, k->material, k->len, o->p.mode, encrypt,
                                o->p.pkcs7, &o->c);
        }
        if (st == PSA_SUCCESS) {
            o->iv_set = o->p.iv_len == 0;
            o->limit = UINT64_MAX;
        }
    }
    st = op_alloc(caller, OP_CIPHER, key, st, o, cipher_op_free, operation);
    key_release(k);
    core_leave();
    return st;
}

psa_status_t ward_crypto_cipher_encrypt_setup(const struct ward_crypto_caller *caller,
                                              uint32_t *operation, psa_key_id_t key,
                                              psa_algorithm_t alg)
{
    return cipher_setup(caller, operation, key, alg, true);
}

psa_status_t ward_crypto_cipher_decrypt_setup(const struct ward_crypto_caller *caller,
                                              uint32_t *operation, psa_key_id_t key,
                                              psa_algorithm_t alg)
{
    return cipher_setup(caller, operation, key, alg, false);
}

psa_status_t ward_crypto_cipher_generate_iv(const struct ward_crypto_caller *caller,
                                            uint32_t *operation, uint8_t *iv,
                                            size_t iv_size, size_t *iv_length)
{
    uint8_t buf[PSA_CIPHER_IV_MAX_SIZE];
    *iv_length = 0;
    OP_ENTER(OP_CIPHER, struct cipher_op, o);
    if (!o->encrypt || o->iv_set) {
        st = PSA_ERROR_BAD_STATE;
    } else if (iv_size < o->p.iv_len) {
        st = PSA_ERROR_BUFFER_TOO_SMALL;
    } else {
        st = wbe_random(buf, o->p.iv_len);
        if (st == PSA_SUCCESS) {
            st = cipher_start(&o->c, o->alg, &o->p, o->xkey, buf, o->p.iv_len, &o->limit);
            wbe_cleanse(o->xkey, sizeof o->xkey);
        }
        if (st == PSA_SUCCESS) {
            memcpy(iv, buf, o->p.iv_len);
            *iv_length = o->p.iv_len;
            o->iv_set = true;
        }
    }
    if (st != PSA_SUCCESS) {
        op_release(operation);
    }
    core_leave();
    return st;
}

psa_status_t ward_crypto_cipher_set_iv(const struct ward_crypto_caller *caller,
                                       uint32_t *operation, const uint8_t *iv,
                                       size_t iv_length)
{
    OP_ENTER(OP_CIPHER, struct cipher_op, o);
    if (o->iv_set) {
        st = PSA_ERROR_BAD_STATE;
    } else {
        st = cipher_start(&o->c, o->alg, &o->p, o->xkey, iv, iv_length, &o->limit);
        wbe_cleanse(o->xkey, sizeof o->xkey);
        if (st == PSA_SUCCESS) {
            o->iv_set = true;
        }
    }
    if (st != PSA_SUCCESS) {
        op_release(operation);
    }
    core_leave();
    return st;
}

psa_status_t ward_crypto_cipher_update(const struct ward_crypto_caller *caller,
                                       uint32_t *operation, const uint8_t *input,
                                       size_t input_length, uint8_t *output,
                                       size_t output_size, size_t *output_length)
{
    *output_length = 0;
    OP_ENTER(OP_CIPHER, struct cipher_op, o);
    size_t expect = update_output(&o->p, o->encrypt, o->pending, input_length);
    if (!o->iv_set) {
        st = PSA_ERROR_BAD_STATE;
    } else if (o->total > o->limit || input_length > o->limit - o->total) {
        st = PSA_ERROR_INVALID_ARGUMENT;
    } else if (output_size < expect) {
        st = PSA_ERROR_BUFFER_TOO_SMALL;
    } else {
        size_t got = 0;
        st = wbe_cipher_update(o->c, input, input_length, output, &got);
        if (st == PSA_SUCCESS && got != expect) {
            st = PSA_ERROR_CORRUPTION_DETECTED;
        }
        if (st == PSA_SUCCESS) {
            o->pending = o->pending + input_length - got;
            o->total += input_length;
            *output_length = got;
        }
    }
    if (st != PSA_SUCCESS) {
        op_release(operation);
    }
    core_leave();
    return st;
}

psa_status_t ward_crypto_cipher_finish(const struct ward_crypto_caller *caller,
                                       uint32_t *operation, uint8_t *output,
                                       size_t output_size, size_t *output_length)
{
    uint8_t buf[32];
    size_t got = 0;
    *output_length = 0;
    OP_ENTER(OP_CIPHER, struct cipher_op, o);
    if (!o->iv_set) {
        st = PSA_ERROR_BAD_STATE;
    } else if ((o->p.block_aligned && o->pending != 0) ||
               (o->p.pkcs7 && !o->encrypt && o->pending != o->p.bs)) {
        st = PSA_ERROR_INVALID_ARGUMENT; /* not a whole number of blocks */
    } else {
        st = wbe_cipher_finish(o->c, buf, &got);
        if (st == PSA_SUCCESS && output_size < got) {
            st = PSA_ERROR_BUFFER_TOO_SMALL;
        }
        if (st == PSA_SUCCESS) {
            memcpy(output, buf, got);
            *output_length = got;
        }
    }
    wbe_cleanse(buf, sizeof buf);
    op_release(operation);
    core_leave();
    return st;
}

psa_status_t ward_crypto_cipher_abort(const struct ward_crypto_caller *caller,
                                      uint32_t *operation)
{
    OP_ABORT(OP_CIPHER)
}
