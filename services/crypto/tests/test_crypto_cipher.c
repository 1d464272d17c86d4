/* Unauthenticated ciphers: known answers single-part and multi-part (split
 * at awkward sizes), padding, the BAD_STATE state machine, output sizes,
 * policy and argument errors. */
#include "crypto_test_util.h"
#include "vectors/cipher_vectors.h"

#define N_VECTORS (sizeof cipher_vectors / sizeof cipher_vectors[0])
#define ENC_DEC (PSA_KEY_USAGE_ENCRYPT | PSA_KEY_USAGE_DECRYPT)

/* Multi-part with a given IV, input in pieces of `step` bytes. */
static size_t multipart(psa_key_id_t id, psa_algorithm_t alg, bool encrypt,
                        const uint8_t *iv, size_t iv_len, const uint8_t *in, size_t n,
                        size_t step, uint8_t *out, size_t cap)
{
    psa_cipher_operation_t op = PSA_CIPHER_OPERATION_INIT;
    size_t total = 0, l;
    assert_int_equal(encrypt ? psa_cipher_encrypt_setup(&op, id, alg)
                             : psa_cipher_decrypt_setup(&op, id, alg), PSA_SUCCESS);
    if (iv_len > 0) {
        assert_int_equal(psa_cipher_set_iv(&op, iv, iv_len), PSA_SUCCESS);
    }
    for (size_t off = 0; off < n; off += step) {
        size_t chunk = n - off < step ? n - off : step;
        assert_int_equal(psa_cipher_update(&op, in + off, chunk, out + total, cap - total, &l),
                         PSA_SUCCESS);
        assert_true(l <= PSA_CIPHER_UPDATE_OUTPUT_MAX_SIZE(chunk));
        total += l;
    }
    assert_int_equal(psa_cipher_finish(&op, out + total, cap - total, &l), PSA_SUCCESS);
    return total + l;
}

static void test_cipher_kats(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_VECTORS; i++) {
        const struct cipher_vector *v = &cipher_vectors[i];
        HEX(key, v->key);
        HEX(iv, v->iv);
        HEX(pt, v->pt);
        HEX(ct, v->ct);
        uint8_t buf[600], out[600];
        size_t n;
        psa_key_id_t id = import_key(v->type, ENC_DEC, v->alg, key, key_len);
        assert_int_equal(PSA_CIPHER_IV_LENGTH(v->type, v->alg), iv_len);
        /* Single-part decrypt of IV || CT. */
        memcpy(buf, iv, iv_len);
        memcpy(buf + iv_len, ct, ct_len);
        assert_int_equal(psa_cipher_decrypt(id, v->alg, buf, iv_len + ct_len, out, sizeof out, &n),
                         PSA_SUCCESS);
        assert_int_equal(n, pt_len);
        assert_memory_equal(out, pt, pt_len);
        /* Multi-part, whole, and in 1, 7 and 17-byte pieces (stream modes);
         * block modes in whole blocks and odd pieces too. */
        size_t steps[] = {pt_len, 1, 7, 17};
        for (size_t s = 0; s < 4; s++) {
            n = multipart(id, v->alg, true, iv, iv_len, pt, pt_len, steps[s], out, sizeof out);
            assert_int_equal(n, ct_len);
            assert_memory_equal(out, ct, ct_len);
            n = multipart(id, v->alg, false, iv, iv_len, ct, ct_len, steps[s], out, sizeof out);
            assert_int_equal(n, pt_len);
            assert_memory_equal(out, pt, pt_len);
        }
        /* Single-part encrypt picks a random IV; decrypting it round-trips. */
        assert_int_equal(psa_cipher_encrypt(id, v->alg, pt, pt_len, buf, sizeof buf, &n),
                         PSA_SUCCESS);
        assert_int_equal(n, PSA_CIPHER_ENCRYPT_OUTPUT_SIZE(v->type, v->alg, pt_len));
        size_t m;
        assert_int_equal(psa_cipher_decrypt(id, v->alg, buf, n, out, sizeof out, &m), PSA_SUCCESS);
        assert_int_equal(m, pt_len);
        assert_memory_equal(out, pt, pt_len);
        /* ... and the ciphertext is the one for that IV. */
        size_t k = multipart(id, v->alg, true, buf, iv_len, pt, pt_len, pt_len, out, sizeof out);
        assert_int_equal(k, n - iv_len);
        assert_memory_equal(out, buf + iv_len, k);
        assert_int_equal(psa_destroy_key(id), PSA_SUCCESS);
    }
}

static void test_mode_matrix_round_trips(void **state)
{
    /* Every supported (key type, mode): single-part round trip, and the
     * multi-part ciphertext in 7-byte pieces equals the single-part one.
     * The block functions have known answers above; the modes are
     * OpenSSL's, checked against SP 800-38A for AES. */
    (void)state;
    static const psa_key_type_t types[] = {PSA_KEY_TYPE_AES, PSA_KEY_TYPE_ARIA,
                                           PSA_KEY_TYPE_CAMELLIA, PSA_KEY_TYPE_SM4,
                                           PSA_KEY_TYPE_DES};
    static const psa_algorithm_t algs[] = {PSA_ALG_ECB_NO_PADDING, PSA_ALG_CBC_NO_PADDING,
                                           PSA_ALG_CBC_PKCS7, PSA_ALG_CTR, PSA_ALG_CFB,
                                           PSA_ALG_OFB, PSA_ALG_CCM_STAR_NO_TAG};
    uint8_t key[24] = {0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe, 0x01, 0x23, 0x45,
                       0x67, 0x89, 0xab, 0xcd, 0xef, 0xf0, 0xe1, 0xd2, 0xc3, 0xb4, 0xa5,
                       0x96, 0x87};
    uint8_t pt[48], ct[128], back[128], mp[128];
    for (size_t i = 0; i < sizeof pt; i++) {
        pt[i] = (uint8_t)(i * 7 + 1);
    }
    for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
        for (size_t a = 0; a < sizeof algs / sizeof algs[0]; a++) {
            size_t klen = types[t] == PSA_KEY_TYPE_DES ? 24 : 16, n, m;
            psa_key_id_t id = import_key(types[t], ENC_DEC, algs[a], key, klen);
            psa_status_t st = psa_cipher_encrypt(id, algs[a], pt, sizeof pt, ct, sizeof ct, &n);
            bool des_stream = types[t] == PSA_KEY_TYPE_DES &&
                              (algs[a] == PSA_ALG_CTR || algs[a] == PSA_ALG_CFB ||
                               algs[a] == PSA_ALG_OFB);
            if (des_stream) {
                assert_int_equal(st, PSA_ERROR_NOT_SUPPORTED);
            } else if (types[t] == PSA_KEY_TYPE_DES && algs[a] == PSA_ALG_CCM_STAR_NO_TAG) {
                assert_int_equal(st, PSA_ERROR_INVALID_ARGUMENT);
            } else {
                assert_int_equal(st, PSA_SUCCESS);
                size_t iv_len = PSA_CIPHER_IV_LENGTH(types[t], algs[a]);
                assert_int_equal(n, PSA_CIPHER_ENCRYPT_OUTPUT_SIZE(types[t], algs[a], sizeof pt));
                assert_int_equal(psa_cipher_decrypt(id, algs[a], ct, n, back, sizeof back, &m),
                                 PSA_SUCCESS);
                assert_int_equal(m, sizeof pt);
                assert_memory_equal(back, pt, sizeof pt);
                m = multipart(id, algs[a], true, ct, iv_len, pt, sizeof pt, 7, mp, sizeof mp);
                assert_int_equal(m, n - iv_len);
                assert_memory_equal(mp, ct + iv_len, m);
            }
            assert_int_equal(psa_destroy_key(id), PSA_SUCCESS);
        }
    }
}

static void test_size_macros_bound_outputs(void **state)
{
    /* Every output the library produces fits the header's size macros for
     * that key type and algorithm (what portable applications size their
     * buffers with), for each supported pair and awkward input sizes. */
    (void)state;
    static const struct { psa_key_type_t type; size_t bytes; psa_algorithm_t alg; } cases[] = {
        {PSA_KEY_TYPE_AES, 16, PSA_ALG_ECB_NO_PADDING}, {PSA_KEY_TYPE_AES, 16, PSA_ALG_CBC_NO_PADDING},
        {PSA_KEY_TYPE_AES, 16, PSA_ALG_CBC_PKCS7}, {PSA_KEY_TYPE_AES, 16, PSA_ALG_CTR},
        {PSA_KEY_TYPE_AES, 16, PSA_ALG_CFB}, {PSA_KEY_TYPE_AES, 16, PSA_ALG_OFB},
        {PSA_KEY_TYPE_AES, 16, PSA_ALG_CCM_STAR_NO_TAG}, {PSA_KEY_TYPE_DES, 24, PSA_ALG_CBC_PKCS7},
        {PSA_KEY_TYPE_DES, 24, PSA_ALG_ECB_NO_PADDING}, {PSA_KEY_TYPE_CHACHA20, 32, PSA_ALG_STREAM_CIPHER},
        {PSA_KEY_TYPE_XCHACHA20, 32, PSA_ALG_STREAM_CIPHER},
    };
    static const size_t steps[] = {1, 3, 8, 15, 16, 17, 33};
    uint8_t key[32] = {5}, in[160] = {1}, ct[200], out[200], iv[PSA_CIPHER_IV_MAX_SIZE];
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        psa_key_type_t t = cases[c].type;
        psa_algorithm_t alg = cases[c].alg;
        size_t bs = PSA_BLOCK_CIPHER_BLOCK_LENGTH(t), total = bs > 1 ? 8 * bs : 50, n, m, l;
        psa_key_id_t id = import_key(t, ENC_DEC, alg, key, cases[c].bytes);
        assert_int_equal(psa_cipher_encrypt(id, alg, in, total, ct, sizeof ct, &n), PSA_SUCCESS);
        assert_true(n <= PSA_CIPHER_ENCRYPT_OUTPUT_SIZE(t, alg, total));
        assert_true(n <= PSA_CIPHER_ENCRYPT_OUTPUT_MAX_SIZE(total));
        assert_int_equal(psa_cipher_decrypt(id, alg, ct, n, out, sizeof out, &m), PSA_SUCCESS);
        assert_true(m <= PSA_CIPHER_DECRYPT_OUTPUT_SIZE(t, alg, n));
        assert_true(m <= PSA_CIPHER_DECRYPT_OUTPUT_MAX_SIZE(n));
        size_t iv_len = PSA_CIPHER_IV_LENGTH(t, alg);
        for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
            for (int enc = 0; enc < 2; enc++) {
                psa_cipher_operation_t op = PSA_CIPHER_OPERATION_INIT;
                const uint8_t *src = enc ? in : ct + iv_len;
                size_t len = enc ? total : n - iv_len;
                assert_int_equal(enc ? psa_cipher_encrypt_setup(&op, id, alg)
                                     : psa_cipher_decrypt_setup(&op, id, alg), PSA_SUCCESS);
                if (iv_len > 0) {
                    if (enc) {
                        assert_int_equal(psa_cipher_generate_iv(&op, iv, sizeof iv, &l), PSA_SUCCESS);
                        assert_int_equal(l, iv_len);
                    } else {
                        assert_int_equal(psa_cipher_set_iv(&op, ct, iv_len), PSA_SUCCESS);
                    }
                }
                for (size_t off = 0; off < len; off += steps[s]) {
                    size_t chunk = len - off < steps[s] ? len - off : steps[s];
                    assert_int_equal(psa_cipher_update(&op, src + off, chunk, out,
                                                       PSA_CIPHER_UPDATE_OUTPUT_SIZE(t, alg, chunk),
                                                       &l), PSA_SUCCESS);
                    assert_true(l <= PSA_CIPHER_UPDATE_OUTPUT_MAX_SIZE(chunk));
                }
                assert_int_equal(psa_cipher_finish(&op, out, PSA_CIPHER_FINISH_OUTPUT_SIZE(t, alg), &l),
                                 PSA_SUCCESS);
                assert_true(l <= PSA_CIPHER_FINISH_OUTPUT_MAX_SIZE);
            }
        }
        assert_int_equal(psa_destroy_key(id), PSA_SUCCESS);
    }
}

static void test_chacha20_stream(void **state)
{
    (void)state;
    HEX(key, CHACHA_KEY);
    HEX(nonce, CHACHA_NONCE);
    HEX(ct, CHACHA_CT);
    uint8_t in[64 + 200] = {0}, out[64 + 200];
    size_t len = strlen(CHACHA_PT), n;
    memcpy(in + 64, CHACHA_PT, len);
    psa_key_id_t id = import_key(PSA_KEY_TYPE_CHACHA20, ENC_DEC, PSA_ALG_STREAM_CIPHER,
                                 key, key_len);
    /* PSA starts at block 0: skip one block of keystream to reach the
     * RFC's counter 1. */
    n = multipart(id, PSA_ALG_STREAM_CIPHER, true, nonce, nonce_len, in, 64 + len, 13, out,
                  sizeof out);
    assert_int_equal(n, 64 + len);
    assert_int_equal(ct_len, len);
    assert_memory_equal(out + 64, ct, len);
    n = multipart(id, PSA_ALG_STREAM_CIPHER, false, nonce, nonce_len, out, 64 + len, 64 + len,
                  in, sizeof in);
    assert_memory_equal(in + 64, CHACHA_PT, len);
}

static void test_iv_forms(void **state)
{
    (void)state;
    /* CTR takes 1 to 16 bytes, zero-padded: an 8-byte IV equals the
     * 16-byte IV with 8 zero bytes after it. */
    HEX(key, SP80038A_K128);
    HEX(pt, SP80038A_PT);
    uint8_t iv16[16] = {1, 2, 3, 4, 5, 6, 7, 8}, a[64], b[64];
    size_t n;
    psa_cipher_operation_t op = PSA_CIPHER_OPERATION_INIT;
    psa_key_id_t id = import_key(PSA_KEY_TYPE_AES, ENC_DEC, PSA_ALG_CTR, key, key_len);
    n = multipart(id, PSA_ALG_CTR, true, iv16, 8, pt, pt_len, 64, a, sizeof a);
    assert_int_equal(n, 64);
    n = multipart(id, PSA_ALG_CTR, true, iv16, 16, pt, pt_len, 64, b, sizeof b);
    assert_memory_equal(a, b, 64);
    assert_int_equal(psa_cipher_encrypt_setup(&op, id, PSA_ALG_CTR), PSA_SUCCESS);
    assert_int_equal(psa_cipher_set_iv(&op, iv16, 0), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_cipher_encrypt_setup(&op, id, PSA_ALG_CTR), PSA_SUCCESS);
    assert_int_equal(psa_cipher_set_iv(&op, iv16, 17), PSA_ERROR_INVALID_ARGUMENT);
    /* ChaCha20: a 16-byte IV is counter (LE) || nonce, so counter 1 with
     * the RFC 8439 2.4.2 nonce gives the RFC's ciphertext directly; 8-byte
     * (original ChaCha20) IVs are not built; other sizes are invalid. */
    HEX(ckey, CHACHA_KEY);
    HEX(nonce, CHACHA_NONCE);
    HEX(ct, CHACHA_CT);
    uint8_t civ[16] = {1, 0, 0, 0}, out[200];
    memcpy(civ + 4, nonce, nonce_len);
    psa_key_id_t c = import_key(PSA_KEY_TYPE_CHACHA20, ENC_DEC, PSA_ALG_STREAM_CIPHER, ckey, ckey_len);
    n = multipart(c, PSA_ALG_STREAM_CIPHER, true, civ, 16, (const uint8_t *)CHACHA_PT,
                  strlen(CHACHA_PT), 9, out, sizeof out);
    assert_int_equal(n, ct_len);
    assert_memory_equal(out, ct, ct_len);
    assert_int_equal(psa_cipher_encrypt_setup(&op, c, PSA_ALG_STREAM_CIPHER), PSA_SUCCESS);
    assert_int_equal(psa_cipher_set_iv(&op, civ, 8), PSA_ERROR_NOT_SUPPORTED);
    assert_int_equal(psa_cipher_encrypt_setup(&op, c, PSA_ALG_STREAM_CIPHER), PSA_SUCCESS);
    assert_int_equal(psa_cipher_set_iv(&op, civ, 13), PSA_ERROR_INVALID_ARGUMENT);
    /* The counter limit follows the starting counter: from 0xffffffff,
     * one 64-byte block is left. */
    uint8_t last[16] = {0xff, 0xff, 0xff, 0xff};
    assert_int_equal(psa_cipher_encrypt_setup(&op, c, PSA_ALG_STREAM_CIPHER), PSA_SUCCESS);
    assert_int_equal(psa_cipher_set_iv(&op, last, 16), PSA_SUCCESS);
    assert_int_equal(psa_cipher_update(&op, out, 64, out, sizeof out, &n), PSA_SUCCESS);
    assert_int_equal(psa_cipher_update(&op, out, 1, out, sizeof out, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_cipher_abort(&op), PSA_SUCCESS);
}

static void test_xchacha20_stream(void **state)
{
    /* XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha A.3.1) encrypts with
     * XChaCha20 from block counter 1, so the 32-byte IV form (counter 1,
     * then the nonce) must reproduce that ciphertext. */
    (void)state;
    HEX(key, "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    HEX(nonce, "404142434445464748494a4b4c4d4e4f5051525354555657");
    HEX(ct, "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
            "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452"
            "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9"
            "21f9664c97637da9768812f615c68b13b52e");
    uint8_t iv[32] = {1}, out[200], back[200];
    size_t n, m, len = strlen(CHACHA_PT);
    memcpy(iv + 8, nonce, nonce_len);
    psa_key_id_t id = import_key(PSA_KEY_TYPE_XCHACHA20, ENC_DEC, PSA_ALG_STREAM_CIPHER, key,
                                 key_len);
    assert_int_equal(PSA_CIPHER_IV_LENGTH(PSA_KEY_TYPE_XCHACHA20, PSA_ALG_STREAM_CIPHER), 24);
    n = multipart(id, PSA_ALG_STREAM_CIPHER, true, iv, 32, (const uint8_t *)CHACHA_PT, len, 11,
                  out, sizeof out);
    assert_int_equal(n, ct_len);
    assert_memory_equal(out, ct, ct_len);
    /* Single-part: a 24-byte random nonce, counter 0; round trip. */
    assert_int_equal(psa_cipher_encrypt(id, PSA_ALG_STREAM_CIPHER, (const uint8_t *)CHACHA_PT,
                                        len, out, sizeof out, &n), PSA_SUCCESS);
    assert_int_equal(n, 24 + len);
    assert_int_equal(psa_cipher_decrypt(id, PSA_ALG_STREAM_CIPHER, out, n, back, sizeof back, &m),
                     PSA_SUCCESS);
    assert_int_equal(m, len);
    assert_memory_equal(back, CHACHA_PT, len);
    psa_cipher_operation_t op = PSA_CIPHER_OPERATION_INIT;
    assert_int_equal(psa_cipher_encrypt_setup(&op, id, PSA_ALG_STREAM_CIPHER), PSA_SUCCESS);
    assert_int_equal(psa_cipher_set_iv(&op, iv, 12), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_cipher_encrypt_setup(&op, id, PSA_ALG_STREAM_CIPHER), PSA_SUCCESS);
    assert_int_equal(psa_cipher_generate_iv(&op, iv, sizeof iv, &n), PSA_SUCCESS);
    assert_int_equal(n, 24);
    assert_int_equal(psa_cipher_abort(&op), PSA_SUCCESS);
}

static void test_xts_single_part(void **state)
{
    (void)state;
    HEX(key, XTS_KEY);
    HEX(tweak, XTS_TWEAK);
    HEX(pt, XTS_PT);
    HEX(ct, XTS_CT);
    uint8_t buf[64], out[64];
    size_t n;
    psa_key_id_t id = import_key(PSA_KEY_TYPE_AES, ENC_DEC, PSA_ALG_XTS, key, key_len);
    memcpy(buf, tweak, tweak_len);
    memcpy(buf + 16, ct, ct_len);
    assert_int_equal(psa_cipher_decrypt(id, PSA_ALG_XTS, buf, 16 + ct_len, out, sizeof out, &n),
                     PSA_SUCCESS);
    assert_int_equal(n, pt_len);
    assert_memory_equal(out, pt, pt_len);
    assert_int_equal(psa_cipher_encrypt(id, PSA_ALG_XTS, pt, pt_len, buf, sizeof buf, &n),
                     PSA_SUCCESS);
    assert_int_equal(psa_cipher_decrypt(id, PSA_ALG_XTS, buf, n, out, sizeof out, &n),
                     PSA_SUCCESS);
    assert_memory_equal(out, pt, pt_len);
    /* Less than one block; multi-part. */
    assert_int_equal(psa_cipher_encrypt(id, PSA_ALG_XTS, pt, 15, buf, sizeof buf, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    psa_cipher_operation_t op = PSA_CIPHER_OPERATION_INIT;
    assert_int_equal(psa_cipher_encrypt_setup(&op, id, PSA_ALG_XTS), PSA_ERROR_NOT_SUPPORTED);
    assert_int_equal(op.handle, 0);
}

static void test_cbc_pkcs7(void **state)
{
    (void)state;
    HEX(key, SP80038A_K128);
    HEX(iv, SP80038A_IV);
    HEX(pt, SP80038A_PT);
    uint8_t buf[128], out[128];
    size_t n, m;
    assert_int_equal(iv_len, 16);
    assert_int_equal(pt_len, 64);
    psa_key_id_t id = import_key(PSA_KEY_TYPE_AES, ENC_DEC, PSA_ALG_CBC_PKCS7, key, key_len);
    for (size_t len = 0; len <= 33; len++) {
        assert_int_equal(psa_cipher_encrypt(id, PSA_ALG_CBC_PKCS7, pt, len, buf, sizeof buf, &n),
                         PSA_SUCCESS);
        assert_int_equal(n, 16 + (len / 16 + 1) * 16);
        assert_int_equal(psa_cipher_decrypt(id, PSA_ALG_CBC_PKCS7, buf, n, out, sizeof out, &m),
                         PSA_SUCCESS);
        assert_int_equal(m, len);
        assert_memory_equal(out, pt, len);
        /* An exact-size output buffer is enough for decryption. */
        assert_int_equal(psa_cipher_decrypt(id, PSA_ALG_CBC_PKCS7, buf, n, out, len, &m),
                         PSA_SUCCESS);
        if (len > 0) {
            assert_int_equal(psa_cipher_decrypt(id, PSA_ALG_CBC_PKCS7, buf, n, out, len - 1, &m),
                             PSA_ERROR_BUFFER_TOO_SMALL);
        }
        /* Multi-part decryption in 5-byte pieces. */
        m = multipart(id, PSA_ALG_CBC_PKCS7, false, buf, 16, buf + 16, n - 16, 5, out, sizeof out);
        assert_int_equal(m, len);
    }
    /* The first block of a padded 16-byte message is SP 800-38A F.2.1's. */
    n = multipart(id, PSA_ALG_CBC_PKCS7, true, iv, 16, pt, 16, 16, buf, sizeof buf);
    assert_int_equal(n, 32);
    HEX(c1, "7649abac8119b246cee98e9b12e9197d");
    assert_memory_equal(buf, c1, c1_len);
    /* Corrupt padding: the last plaintext byte becomes 0 or > 16. */
    uint8_t bad[48];
    psa_key_id_t raw = import_key(PSA_KEY_TYPE_AES, ENC_DEC, PSA_ALG_CBC_NO_PADDING, key, key_len);
    uint8_t block[16];
    memset(block, 0x11, sizeof block);
    assert_int_equal(psa_cipher_encrypt(raw, PSA_ALG_CBC_NO_PADDING, block, 16, bad, sizeof bad,
                                        &n), PSA_SUCCESS);
    assert_int_equal(psa_cipher_decrypt(id, PSA_ALG_CBC_PKCS7, bad, n, out, sizeof out, &m),
                     PSA_ERROR_INVALID_PADDING);
    /* Not a whole number of blocks. */
    assert_int_equal(psa_cipher_decrypt(id, PSA_ALG_CBC_PKCS7, bad, n - 1, out, sizeof out, &m),
                     PSA_ERROR_INVALID_ARGUMENT);
}

static void test_cipher_state_machine(void **state)
{
    (void)state;
    HEX(key, SP80038A_K128);
    HEX(iv, SP80038A_IV);
    uint8_t buf[64] = {0}, out[64];
    size_t n;
    psa_cipher_operation_t op = PSA_CIPHER_OPERATION_INIT;
    assert_int_equal(iv_len, 16);
    psa_key_id_t id = import_key(PSA_KEY_TYPE_AES, ENC_DEC, PSA_ALG_CBC_NO_PADDING, key, key_len);
    psa_key_id_t ecb = import_key(PSA_KEY_TYPE_AES, ENC_DEC, PSA_ALG_ECB_NO_PADDING, key, key_len);
    /* Inactive. */
    assert_int_equal(psa_cipher_update(&op, buf, 16, out, 64, &n), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_cipher_finish(&op, out, 64, &n), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_cipher_set_iv(&op, iv, 16), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_cipher_generate_iv(&op, out, 64, &n), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_cipher_abort(&op), PSA_SUCCESS);
    /* No IV yet. */
    assert_int_equal(psa_cipher_encrypt_setup(&op, id, PSA_ALG_CBC_NO_PADDING), PSA_SUCCESS);
    assert_int_equal(psa_cipher_update(&op, buf, 16, out, 64, &n), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_cipher_update(&op, buf, 16, out, 64, &n), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_cipher_encrypt_setup(&op, id, PSA_ALG_CBC_NO_PADDING), PSA_SUCCESS);
    assert_int_equal(psa_cipher_finish(&op, out, 64, &n), PSA_ERROR_BAD_STATE);
    /* IV twice; generate after set. */
    assert_int_equal(psa_cipher_encrypt_setup(&op, id, PSA_ALG_CBC_NO_PADDING), PSA_SUCCESS);
    assert_int_equal(psa_cipher_generate_iv(&op, out, 64, &n), PSA_SUCCESS);
    assert_int_equal(n, 16);
    assert_int_equal(psa_cipher_set_iv(&op, iv, 16), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_cipher_abort(&op), PSA_SUCCESS);
    assert_int_equal(psa_cipher_encrypt_setup(&op, id, PSA_ALG_CBC_NO_PADDING), PSA_SUCCESS);
    assert_int_equal(psa_cipher_set_iv(&op, iv, 16), PSA_SUCCESS);
    assert_int_equal(psa_cipher_generate_iv(&op, out, 64, &n), PSA_ERROR_BAD_STATE);
    /* Decryption cannot generate an IV. */
    assert_int_equal(psa_cipher_decrypt_setup(&op, id, PSA_ALG_CBC_NO_PADDING), PSA_SUCCESS);
    assert_int_equal(psa_cipher_generate_iv(&op, out, 64, &n), PSA_ERROR_BAD_STATE);
    /* ECB takes no IV. */
    assert_int_equal(psa_cipher_encrypt_setup(&op, ecb, PSA_ALG_ECB_NO_PADDING), PSA_SUCCESS);
    assert_int_equal(psa_cipher_set_iv(&op, iv, 16), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_cipher_encrypt_setup(&op, ecb, PSA_ALG_ECB_NO_PADDING), PSA_SUCCESS);
    assert_int_equal(psa_cipher_update(&op, buf, 16, out, 64, &n), PSA_SUCCESS);
    assert_int_equal(psa_cipher_finish(&op, out, 64, &n), PSA_SUCCESS);
    assert_int_equal(psa_cipher_update(&op, buf, 16, out, 64, &n), PSA_ERROR_BAD_STATE);
    /* Setup on an active operation. */
    assert_int_equal(psa_cipher_encrypt_setup(&op, ecb, PSA_ALG_ECB_NO_PADDING), PSA_SUCCESS);
    assert_int_equal(psa_cipher_decrypt_setup(&op, ecb, PSA_ALG_ECB_NO_PADDING), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_cipher_update(&op, buf, 16, out, 64, &n), PSA_SUCCESS); /* unchanged */
    assert_int_equal(psa_cipher_abort(&op), PSA_SUCCESS);
    /* Partial block at finish; wrong IV size; small buffer. */
    assert_int_equal(psa_cipher_encrypt_setup(&op, ecb, PSA_ALG_ECB_NO_PADDING), PSA_SUCCESS);
    assert_int_equal(psa_cipher_update(&op, buf, 15, out, 64, &n), PSA_SUCCESS);
    assert_int_equal(n, 0);
    assert_int_equal(psa_cipher_update(&op, buf, 2, out, 15, &n), PSA_ERROR_BUFFER_TOO_SMALL);
    assert_int_equal(psa_cipher_encrypt_setup(&op, ecb, PSA_ALG_ECB_NO_PADDING), PSA_SUCCESS);
    assert_int_equal(psa_cipher_update(&op, buf, 15, out, 64, &n), PSA_SUCCESS);
    assert_int_equal(psa_cipher_finish(&op, out, 64, &n), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_cipher_encrypt_setup(&op, id, PSA_ALG_CBC_NO_PADDING), PSA_SUCCESS);
    assert_int_equal(psa_cipher_set_iv(&op, iv, 8), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_cipher_encrypt_setup(&op, id, PSA_ALG_CBC_NO_PADDING), PSA_SUCCESS);
    assert_int_equal(psa_cipher_generate_iv(&op, out, 15, &n), PSA_ERROR_BUFFER_TOO_SMALL);
    assert_int_equal(psa_cipher_abort(&op), PSA_SUCCESS);
    /* A destroyed persistent key ends its operations in every session. */
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_key_id_t pid;
    psa_set_key_type(&a, PSA_KEY_TYPE_AES);
    psa_set_key_usage_flags(&a, ENC_DEC);
    psa_set_key_algorithm(&a, PSA_ALG_ECB_NO_PADDING);
    psa_set_key_id(&a, 21);
    assert_int_equal(psa_import_key(&a, key, key_len, &pid), PSA_SUCCESS);
    assert_int_equal(psa_cipher_encrypt_setup(&op, pid, PSA_ALG_ECB_NO_PADDING), PSA_SUCCESS);
    assert_int_equal(psa_destroy_key(pid), PSA_SUCCESS);
    assert_int_equal(psa_cipher_update(&op, buf, 16, out, 64, &n), PSA_ERROR_BAD_STATE);
    assert_int_equal(psa_cipher_abort(&op), PSA_SUCCESS);
}

static void test_cipher_errors(void **state)
{
    (void)state;
    HEX(key, SP80038A_K128);
    uint8_t buf[64] = {0}, out[64];
    size_t n;
    psa_cipher_operation_t op = PSA_CIPHER_OPERATION_INIT;
    psa_key_id_t id = import_key(PSA_KEY_TYPE_AES, PSA_KEY_USAGE_DECRYPT, PSA_ALG_CTR, key, key_len);
    /* Usage and algorithm policy. */
    assert_int_equal(psa_cipher_encrypt(id, PSA_ALG_CTR, buf, 16, out, 64, &n),
                     PSA_ERROR_NOT_PERMITTED);
    assert_int_equal(psa_cipher_encrypt_setup(&op, id, PSA_ALG_CTR), PSA_ERROR_NOT_PERMITTED);
    assert_int_equal(psa_cipher_decrypt(id, PSA_ALG_CFB, buf, 32, out, 64, &n),
                     PSA_ERROR_NOT_PERMITTED);
    /* Not a cipher; the CCM* wildcard is a policy, not an algorithm. */
    assert_int_equal(psa_cipher_decrypt(id, PSA_ALG_GCM, buf, 32, out, 64, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_cipher_decrypt(id, PSA_ALG_CCM_STAR_ANY_TAG, buf, 32, out, 64, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    /* Key types that do not fit the algorithm. */
    psa_key_id_t h = import_key(PSA_KEY_TYPE_HMAC, PSA_KEY_USAGE_ENCRYPT, PSA_ALG_CTR, key, key_len);
    assert_int_equal(psa_cipher_encrypt(h, PSA_ALG_CTR, buf, 16, out, 64, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    uint8_t k32[32] = {0};
    psa_key_id_t cc = import_key(PSA_KEY_TYPE_CHACHA20, PSA_KEY_USAGE_ENCRYPT,
                                 PSA_ALG_CBC_NO_PADDING, k32, 32);
    assert_int_equal(psa_cipher_encrypt(cc, PSA_ALG_CBC_NO_PADDING, buf, 16, out, 64, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    psa_key_id_t a2 = import_key(PSA_KEY_TYPE_AES, PSA_KEY_USAGE_ENCRYPT, PSA_ALG_STREAM_CIPHER,
                                 key, key_len);
    assert_int_equal(psa_cipher_encrypt(a2, PSA_ALG_STREAM_CIPHER, buf, 16, out, 64, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    /* Not built: DES in CTR mode, single DES. */
    psa_key_id_t d = import_key(PSA_KEY_TYPE_DES, PSA_KEY_USAGE_ENCRYPT, PSA_ALG_CTR, k32, 24);
    assert_int_equal(psa_cipher_encrypt(d, PSA_ALG_CTR, buf, 16, out, 64, &n),
                     PSA_ERROR_NOT_SUPPORTED);
    psa_key_id_t d1 = import_key(PSA_KEY_TYPE_DES, PSA_KEY_USAGE_ENCRYPT, PSA_ALG_ECB_NO_PADDING,
                                 k32, 8);
    assert_int_equal(psa_cipher_encrypt(d1, PSA_ALG_ECB_NO_PADDING, buf, 8, out, 64, &n),
                     PSA_ERROR_NOT_SUPPORTED);

    /* Output too small for IV + data; input shorter than the IV. */
    psa_key_id_t c = import_key(PSA_KEY_TYPE_AES, ENC_DEC, PSA_ALG_CTR, key, key_len);
    assert_int_equal(psa_cipher_encrypt(c, PSA_ALG_CTR, buf, 16, out, 31, &n),
                     PSA_ERROR_BUFFER_TOO_SMALL);
    assert_int_equal(psa_cipher_decrypt(c, PSA_ALG_CTR, buf, 15, out, 64, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_cipher_decrypt(c, PSA_ALG_CTR, buf, 20, out, 3, &n),
                     PSA_ERROR_BUFFER_TOO_SMALL);
    /* ECB without padding needs whole blocks. */
    psa_key_id_t e = import_key(PSA_KEY_TYPE_AES, ENC_DEC, PSA_ALG_ECB_NO_PADDING, key, key_len);
    assert_int_equal(psa_cipher_encrypt(e, PSA_ALG_ECB_NO_PADDING, buf, 17, out, 64, &n),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_cipher_encrypt(e, PSA_ALG_ECB_NO_PADDING, buf, 0, out, 0, &n),
                     PSA_SUCCESS);
    assert_int_equal(n, 0);
    /* CCM* is limited by its 2-byte counter. */
    psa_key_id_t s = import_key(PSA_KEY_TYPE_AES, ENC_DEC, PSA_ALG_CCM_STAR_ANY_TAG, key, key_len);
    uint8_t *big = calloc(1, 0x10000 + 16);
    assert_non_null(big);
    assert_int_equal(psa_cipher_encrypt(s, PSA_ALG_CCM_STAR_NO_TAG, big, 0x10000, big,
                                        0x10000 + 16, &n), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_cipher_encrypt(s, PSA_ALG_CCM_STAR_NO_TAG, buf, 16, out, 64, &n),
                     PSA_SUCCESS);
    assert_int_equal(n, 13 + 16);
    /* ... in multi-part too: 65535 bytes, then one more is refused. */
    assert_int_equal(psa_cipher_encrypt_setup(&op, s, PSA_ALG_CCM_STAR_NO_TAG), PSA_SUCCESS);
    assert_int_equal(psa_cipher_set_iv(&op, buf, 13), PSA_SUCCESS);
    assert_int_equal(psa_cipher_update(&op, big, 0xffff, big, 0x10000 + 16, &n), PSA_SUCCESS);
    assert_int_equal(n, 0xffff);
    assert_int_equal(psa_cipher_update(&op, buf, 1, out, 64, &n), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_cipher_abort(&op), PSA_SUCCESS);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CRYPTO_TEST(test_cipher_kats),
        CRYPTO_TEST(test_mode_matrix_round_trips),
        CRYPTO_TEST(test_size_macros_bound_outputs),
        CRYPTO_TEST(test_chacha20_stream),
        CRYPTO_TEST(test_iv_forms),
        CRYPTO_TEST(test_xchacha20_stream),
        CRYPTO_TEST(test_xts_single_part),
        CRYPTO_TEST(test_cbc_pkcs7),
        CRYPTO_TEST(test_cipher_state_machine),
        CRYPTO_TEST(test_cipher_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
