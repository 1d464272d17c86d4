/* The core behind one lock: several threads using one volatile key and one
 * persistent key at once (one-shot calls with the key's cached contexts,
 * and multi-part operations each) all get the right answers. */
#include <pthread.h>

#include "crypto_test_util.h"

#define THREADS 4
#define ROUNDS 300

static psa_key_id_t g_aead_key, g_mac_key;
static uint8_t g_want_ct[64 + 16], g_want_mac[32];

static void *worker(void *arg)
{
    uintptr_t bad = 0;
    uint8_t pt[64], out[96], mac[32], nonce[12] = {0};
    size_t n;
    (void)arg;
    memset(pt, 0x3c, sizeof pt);
    for (int i = 0; i < ROUNDS; i++) {
        if (psa_aead_encrypt(g_aead_key, PSA_ALG_GCM, nonce, 12, NULL, 0, pt, 64, out,
                             sizeof out, &n) != PSA_SUCCESS || n != 80 ||
            memcmp(out, g_want_ct, 80) != 0) {
            bad++;
        }
        if (psa_mac_compute(g_mac_key, PSA_ALG_HMAC(PSA_ALG_SHA_256), pt, 64, mac, 32, &n) !=
                PSA_SUCCESS || memcmp(mac, g_want_mac, 32) != 0) {
            bad++;
        }
        psa_mac_operation_t op = PSA_MAC_OPERATION_INIT;
        if (psa_mac_verify_setup(&op, g_mac_key, PSA_ALG_HMAC(PSA_ALG_SHA_256)) != PSA_SUCCESS ||
            psa_mac_update(&op, pt, 30) != PSA_SUCCESS ||
            psa_mac_update(&op, pt + 30, 34) != PSA_SUCCESS ||
            psa_mac_verify_finish(&op, g_want_mac, 32) != PSA_SUCCESS) {
            bad++;
        }
    }
    return (void *)bad;
}

static void test_threads_share_keys(void **state)
{
    (void)state;
    uint8_t key[32] = {7}, pt[64], nonce[12] = {0};
    size_t n;
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    memset(pt, 0x3c, sizeof pt);
    g_aead_key = import_key(PSA_KEY_TYPE_AES, PSA_KEY_USAGE_ENCRYPT, PSA_ALG_GCM, key, 16);
    psa_set_key_type(&a, PSA_KEY_TYPE_HMAC);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_SIGN_MESSAGE | PSA_KEY_USAGE_VERIFY_MESSAGE);
    psa_set_key_algorithm(&a, PSA_ALG_HMAC(PSA_ALG_SHA_256));
    psa_set_key_id(&a, 17);
    assert_int_equal(psa_import_key(&a, key, 32, &g_mac_key), PSA_SUCCESS);
    assert_int_equal(psa_aead_encrypt(g_aead_key, PSA_ALG_GCM, nonce, 12, NULL, 0, pt, 64,
                                      g_want_ct, sizeof g_want_ct, &n), PSA_SUCCESS);
    assert_int_equal(psa_mac_compute(g_mac_key, PSA_ALG_HMAC(PSA_ALG_SHA_256), pt, 64,
                                     g_want_mac, 32, &n), PSA_SUCCESS);
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_create(&t[i], NULL, worker, NULL), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        void *bad;
        assert_int_equal(pthread_join(t[i], &bad), 0);
        assert_int_equal((uintptr_t)bad, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {CRYPTO_TEST(test_threads_share_keys)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
