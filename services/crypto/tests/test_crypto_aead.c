/* AEAD: known answers single-part and multi-part (AAD and data split at
 * awkward sizes), tag verification and wiping, set_lengths rules (CCM needs
 * them), the BAD_STATE state machine, policy with shortened and
 * at-least-length tags, and argument errors. */
#include "crypto_test_util.h"
#include "vectors/aead_vectors.h"

#define N_VECTORS (sizeof aead_vectors / sizeof aead_vectors[0])
#define ENC_DEC (PSA_KEY_USAGE_ENCRYPT | PSA_KEY_USAGE_DECRYPT)

static size_t aead_multipart(psa_key_id_t id, psa_algorithm_t alg, bool encrypt,
                             const uint8_t *nonce, size_t nonce_len, const uint8_t *ad,
                             size_t ad_len, const uint8_t *in, size_t n, size_t step,
                             bool lengths, uint8_t *out, uint8_t *tag, size_t *tag_len)
{
    psa_aead_operation_t op = PSA_AEAD_OPERATION_INIT;
    size_t total = 0, l;
    assert_int_equal(encrypt ? psa_aead_encrypt_setup(&op, id, alg)
                             : psa_aead_decrypt_setup(&op, id, alg), PSA_SUCCESS);
    if (lengths) {
        assert_int_equal(psa_aead_set_lengths(&op, ad_len, n), PSA_SUCCESS);
    }
    assert_int_equal(psa_aead_set_nonce(&op, nonce, nonce_len), PSA_SUCCESS);
    for (size_t off = 0; off < ad_len; off += step) {
        size_t chunk = ad_len - off < step ? ad_len - off : step;
        assert_int_equal(psa_aead_update_ad(&op, ad + off, chunk), PSA_SUCCESS);
    }
    for (size_t off = 0; off < n; off += step) {
        size_t chunk = n - off < step ? n - off : step;
        assert_int_equal(psa_aead_update(&op, in + off, chunk, out + total,
                                         PSA_AEAD_UPDATE_OUTPUT_MAX_SIZE(chunk), &l),
                         PSA_SUCCESS);
        total += l;
    }
    if (encrypt) {
        assert_int_equal(psa_aead_finish(&op, out + total, PSA_AEAD_FINISH_OUTPUT_MAX_SIZE, &l,
                                         tag, PSA_AEAD_TAG_MAX_SIZE, tag_len), PSA_SUCCESS);
    } else {
        assert_int_equal(psa_aead_verify(&op, out + total, PSA_AEAD_VERIFY_OUTPUT_MAX_SIZE, &l,
                                         tag, *tag_len), PSA_SUCCESS);
    }
    return total + l;
}

static void test_aead_kats(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_VECTORS; i++) {
        const struct aead_vector *v = &aead_vectors[i];
        HEX(key, v->key);
        HEX(nonce, v->nonce);
        HEX(ad, v->ad);
        HEX(pt, v->pt);
        HEX(ct, v->ct);
        uint8_t out[600], tag[16];
        size_t n, tl;
        psa_key_id_t id = import_key(v->type, ENC_DEC, v->alg, key, key_len);
        size_t tlen = PSA_AEAD_TAG_LENGTH(v->type, key_len * 8, v->alg);
        assert_int_equal(ct_len, pt_len + tlen);
        assert_int_equal(psa_aead_encrypt(id, v->alg, nonce, nonce_len, ad, ad_len, pt, pt_len,
                                          out, sizeof out, &n), PSA_SUCCESS);
        assert_int_equal(n, ct_len);
        assert_memory_equal(out, ct, ct_len);
        /* Cached context: a second call gives the same answer. */
        assert_int_equal(psa_aead_encrypt(id, v->alg, nonce, nonce_len, ad, ad_len, pt, pt_len,
                                          out, sizeof out, &n), PSA_SUCCESS);
        assert_memory_equal(out, ct, ct_len);
        assert_int_equal(psa_aead_decrypt(id, v->alg, nonce, nonce_len, ad, ad_len, ct, ct_len,
                                          out, sizeof out, &n), PSA_SUCCESS);
        assert_int_equal(n, pt_len);
        assert_memory_equal(out, pt, pt_len);
        size_t steps[] = {600, 1, 5, 17};
        for (size_t s = 0; s < 4; s++) {
            /* Lengths are optional except for CCM. */
            bool lengths = PSA_ALG_AEAD_WITH_DEFAULT_LENGTH_TAG(v->alg) == PSA_ALG_CCM || s % 2;
            n = aead_multipart(id, v->alg, true, nonce, nonce_len, ad, ad_len, pt, pt_len,
                               steps[s], lengths, out, tag, &tl);
            assert_int_equal(n, pt_len);
            assert_int_equal(tl, tlen);
            assert_memory_equal(out, ct, pt_len);
            assert_memory_equal(tag, ct + pt_len, tlen);
            memcpy(tag, ct + pt_len, tlen);
            n = aead_multipart(id, v->alg, false, nonce, nonce_len, ad, ad_len, ct, pt_len,
                               steps[s], lengths, out, tag, &tl);
            assert_int_equal(n, pt_len);
            assert_memory_equal(out, pt, pt_len);
        }
        /* A flipped bit anywhere fails, and nothing is released. */
        uint8_t bad[600];
        memcpy(bad, ct, ct_len);
        bad[ct_len - 1] ^= 1;
        memset(out, 0xaa, sizeof out);
        assert_int_equal(psa_aead_decrypt(id, v->alg, nonce, nonce_len, ad, ad_len, bad, ct_len,
                                          out, sizeof out, &n), PSA_ERROR_INVALID_SIGNATURE);
        assert_int_equal(n, 0);
        for (size_t j = 0; j < pt_len; j++) {
            assert_true(out[j] == 0 || out[j] == 0xaa); /* wiped or untouched */
        }
        if (ad_len > 0) {
            ad[0] ^= 1;
            assert_int_equal(psa_aead_decrypt(id, v->alg, nonce, nonce_len, ad, ad_len, ct,
                                              ct_len, out, sizeof out, &n),
                             PSA_ERROR_INVALID_SIGNATURE);
        }
        assert_int_equal(psa_destroy_key(id), PSA_SUCCESS);
    }
}

static void test_ccm_long_ad(void **state)
{
    (void)state;
    uint8_t key[16], nonce[12], pt[20], out[64], tag[16];
    uint8_t *ad = malloc(65536);
    size_t n, tl;
    assert_non_null(ad);
    for (int i = 0; i < 16; i++) key[i] = (uint8_t)(0x40 + i);
    for (int i = 0; i < 12; i++) nonce[i] = (uint8_t)(0x10 + i);
    for (int i = 0; i < 65536; i++) ad[i] = (uint8_t)i;
    for (int i = 0; i < 20; i++) pt[i] = (uint8_t)(0x20 + i);
    HEX(ct, CCM_LONG_AD_CT);
    HEX(want_tag, CCM_LONG_AD_TAG);
    psa_key_id_t id = import_key(PSA_KEY_TYPE_AES, ENC_DEC, PSA_ALG_CCM, key, 16);
    n = aead_multipart(id, PSA_ALG_CCM, true, nonce, 12, ad, 65536, pt, 20, 4099, true, out,
                       tag, &tl);
    assert_int_equal(n, 20);
    assert_memory_equal(out, ct, ct_len);
    assert_memory_equal(tag, want_tag, want_tag_len);
    free(ad);
}

static void test_aead_state_machine(void **state)
{
    (void)state;
    uint8_t key[16] = {0}, nonce[13] = {0}, buf[64] = {0}, tag[16];
    size_t n, tl;
    psa_aead_operation_t op = PSA_AEAD_OPERATION_INIT;
    psa_key_id_t gcm = import_key(PSA_KEY_TYPE_AES, ENC_DEC, PSA_ALG_GCM, key, 16);
    psa_key_id_t ccm = import_key(PSA_KEY_TYPE_AES, ENC_DEC, PSA_ALG_CCM, key, 16);
    /* Inactive. */
    assert_int_equal(psa_aead_set_nonce(&op, nonce, 12), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_aead_update_ad(&op, buf, 1), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_aead_finish(&op, buf, 64, &n, tag, 16, &tl), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_aead_abort(&op), PSA_SUCCESS);
    /* No nonce yet. */
    assert_int_equal(psa_aead_encrypt_setup(&op, gcm, PSA_ALG_GCM), PSA_SUCCESS);
    assert_int_equal(psa_aead_update_ad(&op, buf, 1), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_aead_encrypt_setup(&op, gcm, PSA_ALG_GCM), PSA_SUCCESS);
    assert_int_equal(psa_aead_update(&op, buf, 1, buf, 64, &n), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_aead_encrypt_setup(&op, gcm, PSA_ALG_GCM), PSA_SUCCESS);
    assert_int_equal(psa_aead_finish(&op, buf, 64, &n, tag, 16, &tl), PSA_ERROR_BAD_STATE);
    /* Nonce twice; generate on decrypt. */
    assert_int_equal(psa_aead_encrypt_setup(&op, gcm, PSA_ALG_GCM), PSA_SUCCESS);
    assert_int_equal(psa_aead_generate_nonce(&op, nonce, sizeof nonce, &n), PSA_SUCCESS);
    assert_int_equal(n, 12);
    assert_int_equal(psa_aead_set_nonce(&op, nonce, 12), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_aead_decrypt_setup(&op, gcm, PSA_ALG_GCM), PSA_SUCCESS);
    assert_int_equal(psa_aead_generate_nonce(&op, nonce, sizeof nonce, &n), PSA_ERROR_BAD_STATE);
    /* AAD after data; lengths after data; lengths twice. */
    assert_int_equal(psa_aead_encrypt_setup(&op, gcm, PSA_ALG_GCM), PSA_SUCCESS);
    assert_int_equal(psa_aead_set_nonce(&op, nonce, 12), PSA_SUCCESS);
    assert_int_equal(psa_aead_update(&op, buf, 4, buf, 64, &n), PSA_SUCCESS);
    assert_int_equal(psa_aead_update_ad(&op, buf, 1), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_aead_encrypt_setup(&op, gcm, PSA_ALG_GCM), PSA_SUCCESS);
    assert_int_equal(psa_aead_set_nonce(&op, nonce, 12), PSA_SUCCESS);
    assert_int_equal(psa_aead_update_ad(&op, buf, 4), PSA_SUCCESS);
    assert_int_equal(psa_aead_set_lengths(&op, 4, 0), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_aead_encrypt_setup(&op, gcm, PSA_ALG_GCM), PSA_SUCCESS);
    assert_int_equal(psa_aead_set_lengths(&op, 0, 0), PSA_SUCCESS);
    assert_int_equal(psa_aead_set_lengths(&op, 0, 0), PSA_ERROR_BAD_STATE);
    /* Lengths come before the nonce, for every algorithm. */
    assert_int_equal(psa_aead_encrypt_setup(&op, gcm, PSA_ALG_GCM), PSA_SUCCESS);
    assert_int_equal(psa_aead_set_nonce(&op, nonce, 12), PSA_SUCCESS);
    assert_int_equal(psa_aead_set_lengths(&op, 0, 0), PSA_ERROR_BAD_STATE);
    /* Finish on decrypt, verify on encrypt. */
    assert_int_equal(psa_aead_decrypt_setup(&op, gcm, PSA_ALG_GCM), PSA_SUCCESS);
    assert_int_equal(psa_aead_set_nonce(&op, nonce, 12), PSA_SUCCESS);
    assert_int_equal(psa_aead_finish(&op, buf, 64, &n, tag, 16, &tl), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_aead_encrypt_setup(&op, gcm, PSA_ALG_GCM), PSA_SUCCESS);
    assert_int_equal(psa_aead_set_nonce(&op, nonce, 12), PSA_SUCCESS);
    assert_int_equal(psa_aead_verify(&op, buf, 64, &n, tag, 16), PSA_ERROR_BAD_STATE);
    /* Setup twice. */
    assert_int_equal(psa_aead_encrypt_setup(&op, gcm, PSA_ALG_GCM), PSA_SUCCESS);
    assert_int_equal(psa_aead_encrypt_setup(&op, gcm, PSA_ALG_GCM), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_aead_abort(&op), PSA_SUCCESS);
    /* CCM needs the lengths before the nonce. */
    assert_int_equal(psa_aead_encrypt_setup(&op, ccm, PSA_ALG_CCM), PSA_SUCCESS);
    assert_int_equal(psa_aead_set_nonce(&op, nonce, 13), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_aead_update_ad(&op, buf, 1), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_aead_encrypt_setup(&op, ccm, PSA_ALG_CCM), PSA_SUCCESS);
    assert_int_equal(psa_aead_generate_nonce(&op, nonce, 13, &n), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_aead_decrypt_setup(&op, ccm, PSA_ALG_CCM), PSA_SUCCESS);
    assert_int_equal(psa_aead_update(&op, buf, 1, buf, 64, &n), PSA_ERROR_BAD_STATE);
    /* A generated CCM nonce leaves the smallest L >= 2 for the length. */
    uint8_t gn[16];
    assert_int_equal(psa_aead_encrypt_setup(&op, ccm, PSA_ALG_CCM), PSA_SUCCESS);
    assert_int_equal(psa_aead_set_lengths(&op, 0, 100), PSA_SUCCESS);
    assert_int_equal(psa_aead_generate_nonce(&op, gn, sizeof gn, &n), PSA_SUCCESS);
    assert_int_equal(n, 13);
    assert_int_equal(psa_aead_abort(&op), PSA_SUCCESS);
    assert_int_equal(psa_aead_encrypt_setup(&op, ccm, PSA_ALG_CCM), PSA_SUCCESS);
    assert_int_equal(psa_aead_set_lengths(&op, 0, 0x10000), PSA_SUCCESS);
    assert_int_equal(psa_aead_generate_nonce(&op, gn, sizeof gn, &n), PSA_SUCCESS);
    assert_int_equal(n, 12);
    assert_int_equal(psa_aead_abort(&op), PSA_SUCCESS);
    /* ... and they are enforced: too much or too little of either. */
    assert_int_equal(psa_aead_encrypt_setup(&op, ccm, PSA_ALG_CCM), PSA_SUCCESS);
    assert_int_equal(psa_aead_set_lengths(&op, 2, 3), PSA_SUCCESS);
    assert_int_equal(psa_aead_set_nonce(&op, nonce, 13), PSA_SUCCESS);
    assert_int_equal(psa_aead_update_ad(&op, buf, 3), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_aead_encrypt_setup(&op, ccm, PSA_ALG_CCM), PSA_SUCCESS);
    assert_int_equal(psa_aead_set_lengths(&op, 2, 3), PSA_SUCCESS);
    assert_int_equal(psa_aead_set_nonce(&op, nonce, 13), PSA_SUCCESS);
    assert_int_equal(psa_aead_update_ad(&op, buf, 1), PSA_SUCCESS);
    assert_int_equal(psa_aead_update(&op, buf, 1, buf, 64, &n), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_aead_encrypt_setup(&op, gcm, PSA_ALG_GCM), PSA_SUCCESS);
    assert_int_equal(psa_aead_set_lengths(&op, 0, 3), PSA_SUCCESS);
    assert_int_equal(psa_aead_set_nonce(&op, nonce, 12), PSA_SUCCESS);
    assert_int_equal(psa_aead_update(&op, buf, 4, buf, 64, &n), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_aead_encrypt_setup(&op, gcm, PSA_ALG_GCM), PSA_SUCCESS);
    assert_int_equal(psa_aead_set_lengths(&op, 0, 3), PSA_SUCCESS);
    assert_int_equal(psa_aead_set_nonce(&op, nonce, 12), PSA_SUCCESS);
    assert_int_equal(psa_aead_update(&op, buf, 2, buf, 64, &n), PSA_SUCCESS);
    assert_int_equal(psa_aead_finish(&op, buf, 64, &n, tag, 16, &tl), PSA_ERROR_INVALID_ARGUMENT);
    /* A CCM length that does not fit L = 15 - 13 = 2 bytes. */
    assert_int_equal(psa_aead_encrypt_setup(&op, ccm, PSA_ALG_CCM), PSA_SUCCESS);
    assert_int_equal(psa_aead_set_lengths(&op, 0, 0x10000), PSA_SUCCESS);
    assert_int_equal(psa_aead_set_nonce(&op, nonce, 13), PSA_ERROR_INVALID_ARGUMENT);
    /* Output and tag buffers. */
    assert_int_equal(psa_aead_encrypt_setup(&op, gcm, PSA_ALG_GCM), PSA_SUCCESS);
    assert_int_equal(psa_aead_set_nonce(&op, nonce, 12), PSA_SUCCESS);
    assert_int_equal(psa_aead_update(&op, buf, 8, buf, 7, &n), PSA_ERROR_BUFFER_TOO_SMALL);
    assert_int_equal(psa_aead_encrypt_setup(&op, gcm, PSA_ALG_GCM), PSA_SUCCESS);
    assert_int_equal(psa_aead_set_nonce(&op, nonce, 12), PSA_SUCCESS);
    assert_int_equal(psa_aead_finish(&op, buf, 64, &n, tag, 15, &tl), PSA_ERROR_BUFFER_TOO_SMALL);
    assert_int_equal(psa_aead_update(&op, buf, 1, buf, 64, &n), PSA_ERROR_BAD_STATE);
    /* Verify with a wrong tag ends the operation. */
    assert_int_equal(psa_aead_decrypt_setup(&op, gcm, PSA_ALG_GCM), PSA_SUCCESS);
    assert_int_equal(psa_aead_set_nonce(&op, nonce, 12), PSA_SUCCESS);
    memset(tag, 0, sizeof tag);
    assert_int_equal(psa_aead_verify(&op, buf, 64, &n, tag, 16), PSA_ERROR_INVALID_SIGNATURE);
    assert_int_equal(psa_aead_verify(&op, buf, 64, &n, tag, 16), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_aead_abort(&op), PSA_SUCCESS);
    /* A destroyed key ends its operations. */
    assert_int_equal(psa_aead_encrypt_setup(&op, gcm, PSA_ALG_GCM), PSA_SUCCESS);
    assert_int_equal(psa_aead_set_nonce(&op, nonce, 12), PSA_SUCCESS);
    assert_int_equal(psa_destroy_key(gcm), PSA_SUCCESS);
    assert_int_equal(psa_aead_update(&op, buf, 1, buf, 64, &n), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_aead_abort(&op), PSA_SUCCESS);
}

static void test_aead_policy_and_arguments(void **state)
{
    (void)state;
    uint8_t key[32] = {0}, nonce[16] = {0}, buf[64] = {0};
    size_t n;
    psa_algorithm_t gcm8 = PSA_ALG_AEAD_WITH_SHORTENED_TAG(PSA_ALG_GCM, 8);
    psa_algorithm_t gcm12 = PSA_ALG_AEAD_WITH_SHORTENED_TAG(PSA_ALG_GCM, 12);
    /* At-least-length policy. */
    psa_key_id_t w = import_key(PSA_KEY_TYPE_AES, ENC_DEC,
                                PSA_ALG_AEAD_WITH_AT_LEAST_THIS_LENGTH_TAG(PSA_ALG_GCM, 12), key, 16);
    assert_int_equal(psa_aead_encrypt(w, gcm12, nonce, 12, NULL, 0, buf, 4, buf, 64, &n), PSA_SUCCESS);
    assert_int_equal(n, 16);
    assert_int_equal(psa_aead_encrypt(w, PSA_ALG_GCM, nonce, 12, NULL, 0, buf, 4, buf, 64, &n),
                     PSA_SUCCESS);
    assert_int_equal(psa_aead_encrypt(w, gcm8, nonce, 12, NULL, 0, buf, 4, buf, 64, &n),
                     PSA_ERROR_NOT_PERMITTED);
    assert_int_equal(psa_aead_encrypt(w, PSA_ALG_CCM, nonce, 13, NULL, 0, buf, 4, buf, 64, &n),
                     PSA_ERROR_NOT_PERMITTED);
    assert_int_equal(psa_aead_encrypt(w, PSA_ALG_AEAD_WITH_AT_LEAST_THIS_LENGTH_TAG(PSA_ALG_GCM, 12),
                                      nonce, 12, NULL, 0, buf, 4, buf, 64, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    /* Exact policy: a shortened tag is a different algorithm. */
    psa_key_id_t g = import_key(PSA_KEY_TYPE_AES, PSA_KEY_USAGE_ENCRYPT, PSA_ALG_GCM, key, 16);
    assert_int_equal(psa_aead_encrypt(g, gcm12, nonce, 12, NULL, 0, buf, 4, buf, 64, &n),
                     PSA_ERROR_NOT_PERMITTED);
    assert_int_equal(psa_aead_decrypt(g, PSA_ALG_GCM, nonce, 12, NULL, 0, buf, 20, buf, 64, &n),
                     PSA_ERROR_NOT_PERMITTED);
    /* CCM* wildcard: CCM with 4, 8, 16-byte tags and CCM*-no-tag. */
    psa_key_id_t s = import_key(PSA_KEY_TYPE_AES, ENC_DEC, PSA_ALG_CCM_STAR_ANY_TAG, key, 16);
    assert_int_equal(psa_aead_encrypt(s, PSA_ALG_AEAD_WITH_SHORTENED_TAG(PSA_ALG_CCM, 4), nonce, 13,
                                      NULL, 0, buf, 4, buf, 64, &n), PSA_SUCCESS);
    assert_int_equal(psa_aead_encrypt(s, PSA_ALG_CCM, nonce, 13, NULL, 0, buf, 4, buf, 64, &n),
                     PSA_SUCCESS);
    assert_int_equal(psa_aead_encrypt(s, PSA_ALG_AEAD_WITH_SHORTENED_TAG(PSA_ALG_CCM, 6), nonce, 13,
                                      NULL, 0, buf, 4, buf, 64, &n), PSA_ERROR_NOT_PERMITTED);
    assert_int_equal(psa_aead_encrypt(s, PSA_ALG_GCM, nonce, 12, NULL, 0, buf, 4, buf, 64, &n),
                     PSA_ERROR_NOT_PERMITTED);
    /* Invalid tag lengths, nonces, key types; not built. */
    psa_key_id_t any = import_key(PSA_KEY_TYPE_AES, ENC_DEC,
                                  PSA_ALG_AEAD_WITH_AT_LEAST_THIS_LENGTH_TAG(PSA_ALG_GCM, 1), key, 16);
    assert_int_equal(psa_aead_encrypt(any, PSA_ALG_AEAD_WITH_SHORTENED_TAG(PSA_ALG_GCM, 5), nonce,
                                      12, NULL, 0, buf, 4, buf, 64, &n), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_aead_encrypt(any, PSA_ALG_GCM, nonce, 0, NULL, 0, buf, 4, buf, 64, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    uint8_t long_nonce[129] = {0};
    assert_int_equal(psa_aead_encrypt(any, PSA_ALG_GCM, long_nonce, 129, NULL, 0, buf, 4, buf, 64,
                                      &n), PSA_ERROR_NOT_SUPPORTED);
    assert_int_equal(psa_aead_encrypt(any, PSA_ALG_GCM, long_nonce, 128, NULL, 0, buf, 4, buf, 64,
                                      &n), PSA_SUCCESS);
    psa_key_id_t c = import_key(PSA_KEY_TYPE_AES, ENC_DEC, PSA_ALG_CCM, key, 16);
    assert_int_equal(psa_aead_encrypt(c, PSA_ALG_CCM, nonce, 6, NULL, 0, buf, 4, buf, 64, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_aead_encrypt(c, PSA_ALG_CCM, nonce, 14, NULL, 0, buf, 4, buf, 64, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    psa_key_id_t cc = import_key(PSA_KEY_TYPE_CHACHA20, ENC_DEC, PSA_ALG_GCM, key, 32);
    assert_int_equal(psa_aead_encrypt(cc, PSA_ALG_GCM, nonce, 12, NULL, 0, buf, 4, buf, 64, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    psa_key_id_t cp = import_key(PSA_KEY_TYPE_CHACHA20, ENC_DEC,
                                 PSA_ALG_AEAD_WITH_AT_LEAST_THIS_LENGTH_TAG(
                                     PSA_ALG_CHACHA20_POLY1305, 8), key, 32);
    assert_int_equal(psa_aead_encrypt(cp, PSA_ALG_CHACHA20_POLY1305, nonce, 8, NULL, 0, buf, 4,
                                      buf, 64, &n), PSA_ERROR_NOT_SUPPORTED);
    assert_int_equal(psa_aead_encrypt(cp, PSA_ALG_CHACHA20_POLY1305, nonce, 16, NULL, 0, buf, 4,
                                      buf, 64, &n), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_aead_encrypt(cp, PSA_ALG_AEAD_WITH_SHORTENED_TAG(
                                              PSA_ALG_CHACHA20_POLY1305, 8),
                                      nonce, 12, NULL, 0, buf, 4, buf, 64, &n),
                     PSA_ERROR_NOT_SUPPORTED);
    uint8_t n24[24] = {0};
    psa_key_id_t x = import_key(PSA_KEY_TYPE_XCHACHA20, ENC_DEC,
                                PSA_ALG_AEAD_WITH_AT_LEAST_THIS_LENGTH_TAG(
                                    PSA_ALG_XCHACHA20_POLY1305, 8), key, 32);
    assert_int_equal(psa_aead_encrypt(x, PSA_ALG_XCHACHA20_POLY1305, n24, 12, NULL, 0, buf, 4,
                                      buf, 64, &n), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_aead_encrypt(x, PSA_ALG_AEAD_WITH_SHORTENED_TAG(
                                             PSA_ALG_XCHACHA20_POLY1305, 8),
                                      n24, 24, NULL, 0, buf, 4, buf, 64, &n),
                     PSA_ERROR_NOT_SUPPORTED);
    assert_int_equal(psa_aead_encrypt(cp, PSA_ALG_XCHACHA20_POLY1305, n24, 24, NULL, 0, buf, 4,
                                      buf, 64, &n), PSA_ERROR_NOT_PERMITTED);
    psa_aead_operation_t op = PSA_AEAD_OPERATION_INIT;
    uint8_t gn[32];
    assert_int_equal(psa_aead_encrypt_setup(&op, x, PSA_ALG_XCHACHA20_POLY1305), PSA_SUCCESS);
    assert_int_equal(psa_aead_generate_nonce(&op, gn, sizeof gn, &n), PSA_SUCCESS);
    assert_int_equal(n, 24);
    assert_int_equal(psa_aead_abort(&op), PSA_SUCCESS);
    psa_key_id_t cam = import_key(PSA_KEY_TYPE_CAMELLIA, ENC_DEC, PSA_ALG_GCM, key, 16);
    assert_int_equal(psa_aead_encrypt(cam, PSA_ALG_GCM, nonce, 12, NULL, 0, buf, 4, buf, 64, &n),
                     PSA_ERROR_NOT_SUPPORTED);
    /* Buffers and a too-short ciphertext. */
    psa_key_id_t e = import_key(PSA_KEY_TYPE_AES, ENC_DEC, PSA_ALG_GCM, key, 16);
    assert_int_equal(psa_aead_encrypt(e, PSA_ALG_GCM, nonce, 12, NULL, 0, buf, 4, buf, 19, &n),
                     PSA_ERROR_BUFFER_TOO_SMALL);
    assert_int_equal(psa_aead_decrypt(e, PSA_ALG_GCM, nonce, 12, NULL, 0, buf, 15, buf, 64, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_aead_decrypt(e, PSA_ALG_GCM, nonce, 12, NULL, 0, buf, 20, buf, 3, &n),
                     PSA_ERROR_BUFFER_TOO_SMALL);
    assert_int_equal(psa_aead_encrypt(e, PSA_ALG_SHA_256, nonce, 12, NULL, 0, buf, 4, buf, 64, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
}

static void test_aead_other_block_ciphers(void **state)
{
    (void)state;
    /* ARIA-GCM and CCM over ARIA, Camellia and SM4: round trips (OpenSSL
     * has ARIA-GCM; CCM is built here from CBC and CTR). */
    uint8_t key[16] = {1, 2, 3}, nonce[13] = {4, 5}, ad[5] = {6}, pt[37] = {7}, ct[64], out[64];
    size_t n, m;
    struct { psa_key_type_t type; psa_algorithm_t alg; } cases[] = {
        {PSA_KEY_TYPE_ARIA, PSA_ALG_GCM}, {PSA_KEY_TYPE_ARIA, PSA_ALG_CCM},
        {PSA_KEY_TYPE_CAMELLIA, PSA_ALG_CCM}, {PSA_KEY_TYPE_SM4, PSA_ALG_CCM},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        psa_key_id_t id = import_key(cases[i].type, ENC_DEC, cases[i].alg, key, 16);
        size_t nl = PSA_AEAD_NONCE_LENGTH(cases[i].type, cases[i].alg);
        assert_int_equal(psa_aead_encrypt(id, cases[i].alg, nonce, nl, ad, 5, pt, 37, ct,
                                          sizeof ct, &n), PSA_SUCCESS);
        assert_int_equal(n, 37 + 16);
        assert_int_equal(psa_aead_decrypt(id, cases[i].alg, nonce, nl, ad, 5, ct, n, out,
                                          sizeof out, &m), PSA_SUCCESS);
        assert_int_equal(m, 37);
        assert_memory_equal(out, pt, 37);
    }
}

static void test_aead_size_macros(void **state)
{
    /* Outputs fit the header's size macros, sized exactly by them. */
    (void)state;
    static const struct { psa_key_type_t type; psa_algorithm_t alg; } cases[] = {
        {PSA_KEY_TYPE_AES, PSA_ALG_GCM}, {PSA_KEY_TYPE_AES, PSA_ALG_CCM},
        {PSA_KEY_TYPE_AES, PSA_ALG_AEAD_WITH_SHORTENED_TAG(PSA_ALG_CCM, 6)},
        {PSA_KEY_TYPE_ARIA, PSA_ALG_GCM}, {PSA_KEY_TYPE_CHACHA20, PSA_ALG_CHACHA20_POLY1305},
        {PSA_KEY_TYPE_XCHACHA20, PSA_ALG_XCHACHA20_POLY1305},
    };
    uint8_t key[32] = {3}, pt[77] = {4}, ad[9] = {5}, ct[128], out[128], nonce[PSA_AEAD_NONCE_MAX_SIZE];
    uint8_t tag[PSA_AEAD_TAG_MAX_SIZE];
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        psa_key_type_t t = cases[c].type;
        psa_algorithm_t alg = cases[c].alg;
        size_t kbytes = t == PSA_KEY_TYPE_CHACHA20 || t == PSA_KEY_TYPE_XCHACHA20 ? 32 : 16;
        size_t n, l, tl, total = 0;
        psa_key_id_t id = import_key(t, ENC_DEC, alg, key, kbytes);
        size_t nl = PSA_AEAD_NONCE_LENGTH(t, alg);
        assert_true(nl > 0 && nl <= PSA_AEAD_NONCE_MAX_SIZE);
        assert_int_equal(psa_aead_encrypt(id, alg, nonce, nl, ad, sizeof ad, pt, sizeof pt, ct,
                                          PSA_AEAD_ENCRYPT_OUTPUT_SIZE(t, alg, sizeof pt), &n),
                         PSA_SUCCESS);
        assert_int_equal(n, PSA_AEAD_ENCRYPT_OUTPUT_SIZE(t, alg, sizeof pt));
        assert_true(n <= PSA_AEAD_ENCRYPT_OUTPUT_MAX_SIZE(sizeof pt));
        assert_int_equal(psa_aead_decrypt(id, alg, nonce, nl, ad, sizeof ad, ct, n, out,
                                          PSA_AEAD_DECRYPT_OUTPUT_SIZE(t, alg, n), &l), PSA_SUCCESS);
        assert_int_equal(l, sizeof pt);
        psa_aead_operation_t op = PSA_AEAD_OPERATION_INIT;
        assert_int_equal(psa_aead_encrypt_setup(&op, id, alg), PSA_SUCCESS);
        assert_int_equal(psa_aead_set_lengths(&op, sizeof ad, sizeof pt), PSA_SUCCESS);
        assert_int_equal(psa_aead_generate_nonce(&op, nonce, PSA_AEAD_NONCE_LENGTH(t, alg), &l),
                         PSA_SUCCESS);
        assert_int_equal(l, nl);
        assert_int_equal(psa_aead_update_ad(&op, ad, sizeof ad), PSA_SUCCESS);
        for (size_t off = 0; off < sizeof pt; off += 10) {
            size_t chunk = sizeof pt - off < 10 ? sizeof pt - off : 10;
            assert_int_equal(psa_aead_update(&op, pt + off, chunk, ct + total,
                                             PSA_AEAD_UPDATE_OUTPUT_SIZE(t, alg, chunk), &l),
                             PSA_SUCCESS);
            total += l;
        }
        assert_int_equal(psa_aead_finish(&op, ct + total, PSA_AEAD_FINISH_OUTPUT_SIZE(t, alg), &l,
                                         tag, PSA_AEAD_TAG_LENGTH(t, kbytes * 8, alg), &tl),
                         PSA_SUCCESS);
        assert_int_equal(tl, PSA_AEAD_TAG_LENGTH(t, kbytes * 8, alg));
        assert_int_equal(psa_destroy_key(id), PSA_SUCCESS);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CRYPTO_TEST(test_aead_kats),
        CRYPTO_TEST(test_ccm_long_ad),
        CRYPTO_TEST(test_aead_state_machine),
        CRYPTO_TEST(test_aead_policy_and_arguments),
        CRYPTO_TEST(test_aead_other_block_ciphers),
        CRYPTO_TEST(test_aead_size_macros),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
