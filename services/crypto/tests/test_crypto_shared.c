/* The installed shape: an application linked against the shared
 * ward-crypto library sees the PSA API and nothing else, and keeps its
 * persistent keys under $WARD_STATE_DIR/crypto (created 0700). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <stdio.h>
#include <sys/stat.h>

#include "psa/crypto.h"
#include "ward_test_env.h"

static void test_shared_library(void **state)
{
    (void)state;
    struct ward_test_env env;
    struct stat sb;
    char dir[256];
    uint8_t h[32];
    size_t n;
    assert_int_equal(ward_test_env_setup(&env), 0);
    assert_int_equal(psa_crypto_init(), PSA_SUCCESS);
    assert_int_equal(psa_hash_compute(PSA_ALG_SHA_256, (const uint8_t *)"abc", 3, h, 32, &n),
                     PSA_SUCCESS);
    assert_int_equal(h[0], 0xba);
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_key_id_t id;
    psa_set_key_type(&a, PSA_KEY_TYPE_RAW_DATA);
    psa_set_key_id(&a, 5);
    assert_int_equal(psa_import_key(&a, h, 32, &id), PSA_SUCCESS);
    snprintf(dir, sizeof dir, "%s/crypto", env.state_dir);
    assert_int_equal(stat(dir, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0700);
    /* Internal names are hidden. */
    assert_null(dlsym(RTLD_DEFAULT, "ward_crypto_core_init"));
    assert_null(dlsym(RTLD_DEFAULT, "wbe_init"));
    assert_non_null(dlsym(RTLD_DEFAULT, "psa_aead_encrypt"));
    assert_int_equal(ward_test_env_teardown(&env), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_shared_library)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
