/* Tests of the lifecycle record, its transition rules, and the state
 * directory helpers: creation, requests applied at start-up, erasure,
 * refusal of foreign or damaged records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward_state.h"
#include "ward_test_env.h"

static const uint32_t states[] = {
    PSA_LIFECYCLE_ASSEMBLY_AND_TEST, PSA_LIFECYCLE_PSA_ROT_PROVISIONING,
    PSA_LIFECYCLE_SECURED, PSA_LIFECYCLE_NON_PSA_ROT_DEBUG,
    PSA_LIFECYCLE_RECOVERABLE_PSA_ROT_DEBUG, PSA_LIFECYCLE_DECOMMISSIONED};

static void test_transitions(void **state)
{
    (void)state;
    /* The allowed edges of the PSA Security Model, and nothing else. */
    static const uint32_t allowed[][2] = {
        {PSA_LIFECYCLE_ASSEMBLY_AND_TEST, PSA_LIFECYCLE_PSA_ROT_PROVISIONING},
        {PSA_LIFECYCLE_PSA_ROT_PROVISIONING, PSA_LIFECYCLE_SECURED},
        {PSA_LIFECYCLE_SECURED, PSA_LIFECYCLE_NON_PSA_ROT_DEBUG},
        {PSA_LIFECYCLE_SECURED, PSA_LIFECYCLE_RECOVERABLE_PSA_ROT_DEBUG},
        {PSA_LIFECYCLE_SECURED, PSA_LIFECYCLE_DECOMMISSIONED},
        {PSA_LIFECYCLE_NON_PSA_ROT_DEBUG, PSA_LIFECYCLE_SECURED},
        {PSA_LIFECYCLE_NON_PSA_ROT_DEBUG, PSA_LIFECYCLE_DECOMMISSIONED},
        {PSA_LIFECYCLE_RECOVERABLE_PSA_ROT_DEBUG, PSA_LIFECYCLE_SECURED},
        {PSA_LIFECYCLE_RECOVERABLE_PSA_ROT_DEBUG, PSA_LIFECYCLE_DECOMMISSIONED},
    };
    for (size_t f = 0; f < 6; f++) {
        for (size_t t = 0; t < 6; t++) {
            psa_status_t want = f == t ? PSA_SUCCESS : PSA_ERROR_NOT_PERMITTED;
            for (size_t k = 0; k < sizeof(allowed) / sizeof(allowed[0]); k++)
                if (allowed[k][0] == states[f] && allowed[k][1] == states[t])
                    want = PSA_SUCCESS;
            assert_int_equal(ward_lifecycle_check(states[f], states[t]), want);
        }
        assert_int_equal(ward_lifecycle_check(states[f], PSA_LIFECYCLE_UNKNOWN),
                         PSA_ERROR_INVALID_ARGUMENT);
        assert_int_equal(ward_lifecycle_check(states[f], 0x3001),
                         PSA_ERROR_INVALID_ARGUMENT);
        assert_int_equal(ward_lifecycle_check(states[f], 0x7000),
                         PSA_ERROR_INVALID_ARGUMENT);
    }
}

static void test_record_codec(void **state)
{
    (void)state;
    uint8_t rec[WARD_LIFECYCLE_RECORD_SIZE];
    struct ward_lifecycle in = {PSA_LIFECYCLE_SECURED, PSA_LIFECYCLE_DECOMMISSIONED}, out;
    ward_lifecycle_encode(&in, rec);
    assert_int_equal(ward_lifecycle_decode(rec, sizeof(rec), &out), PSA_SUCCESS);
    assert_int_equal(out.state, in.state);
    assert_int_equal(out.requested, in.requested);
    for (size_t n = 0; n < sizeof(rec); n++)
        assert_int_not_equal(ward_lifecycle_decode(rec, n, &out), PSA_SUCCESS);
    uint8_t bad[WARD_LIFECYCLE_RECORD_SIZE + 1];
    memcpy(bad, rec, sizeof(rec));
    assert_int_equal(ward_lifecycle_decode(bad, sizeof(bad), &out), PSA_ERROR_DATA_CORRUPT);
    bad[0] ^= 1;
    assert_int_equal(ward_lifecycle_decode(bad, sizeof(rec), &out), PSA_ERROR_NOT_SUPPORTED);
    memcpy(bad, rec, sizeof(rec));
    bad[4] = 2; /* version */
    assert_int_equal(ward_lifecycle_decode(bad, sizeof(rec), &out), PSA_ERROR_NOT_SUPPORTED);
    memcpy(bad, rec, sizeof(rec));
    bad[9] = 0x70; /* state 0x7000 */
    assert_int_equal(ward_lifecycle_decode(bad, sizeof(rec), &out), PSA_ERROR_DATA_CORRUPT);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_startup_request_and_wipe(void **state)
{
    struct ward_test_env *env = *state;
    struct ward_lifecycle lc;
    char err[512], dir[4096], file[4200];
    struct stat st;

    /* First start: created SECURED; the partition directory is private. */
    assert_int_equal(ward_lifecycle_startup(env->state_dir, false, &lc, err, sizeof(err)),
                     PSA_SUCCESS);
    assert_int_equal(lc.state, PSA_LIFECYCLE_SECURED);
    assert_int_equal(ward_partition_dir(env->state_dir, "WARD_ITS", dir, sizeof(dir)), 0);
    assert_non_null(strstr(dir, "/partitions/ward_its"));
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    snprintf(file, sizeof(file), "%s/secret", dir);
    write_file(file, "x");

    /* A forbidden request is refused and recorded nowhere. */
    assert_int_equal(ward_lifecycle_request(env->state_dir, &lc,
                                            PSA_LIFECYCLE_PSA_ROT_PROVISIONING),
                     PSA_ERROR_NOT_PERMITTED);
    /* Debug: no erase. */
    assert_int_equal(ward_lifecycle_request(env->state_dir, &lc,
                                            PSA_LIFECYCLE_NON_PSA_ROT_DEBUG), PSA_SUCCESS);
    assert_int_equal(lc.state, PSA_LIFECYCLE_SECURED); /* until the restart */
    assert_int_equal(ward_lifecycle_startup(env->state_dir, false, &lc, err, sizeof(err)),
                     PSA_SUCCESS);
    assert_int_equal(lc.state, PSA_LIFECYCLE_NON_PSA_ROT_DEBUG);
    assert_int_equal(access(file, F_OK), 0);

    /* Decommissioning erases every partition's state at the restart. */
    assert_int_equal(ward_lifecycle_request(env->state_dir, &lc,
                                            PSA_LIFECYCLE_DECOMMISSIONED), PSA_SUCCESS);
    assert_int_equal(access(file, F_OK), 0);
    assert_int_equal(ward_lifecycle_startup(env->state_dir, false, &lc, err, sizeof(err)),
                     PSA_SUCCESS);
    assert_int_equal(lc.state, PSA_LIFECYCLE_DECOMMISSIONED);
    assert_int_equal(access(file, F_OK), -1);
    assert_int_equal(access(dir, F_OK), -1);
    /* Terminal. */
    assert_int_equal(ward_lifecycle_request(env->state_dir, &lc, PSA_LIFECYCLE_SECURED),
                     PSA_ERROR_NOT_PERMITTED);
    /* Provisioning is over for this SPE. */
    assert_int_equal(ward_lifecycle_startup(env->state_dir, true, &lc, err, sizeof(err)),
                     PSA_ERROR_NOT_PERMITTED);
}

static void test_provisioning_flow(void **state)
{
    (void)state;
    struct ward_test_env env;
    struct ward_lifecycle lc;
    char err[512];
    assert_int_equal(ward_test_env_setup(&env), 0);
    assert_int_equal(ward_lifecycle_startup(env.state_dir, true, &lc, err, sizeof(err)),
                     PSA_SUCCESS);
    assert_int_equal(lc.state, PSA_LIFECYCLE_PSA_ROT_PROVISIONING);
    assert_int_equal(ward_lifecycle_startup(env.state_dir, true, &lc, err, sizeof(err)),
                     PSA_SUCCESS);
    /* Provisioning lockdown. */
    assert_int_equal(ward_lifecycle_request(env.state_dir, &lc, PSA_LIFECYCLE_SECURED),
                     PSA_SUCCESS);
    assert_int_equal(ward_lifecycle_startup(env.state_dir, false, &lc, err, sizeof(err)),
                     PSA_SUCCESS);
    assert_int_equal(lc.state, PSA_LIFECYCLE_SECURED);
    assert_int_equal(ward_test_env_teardown(&env), 0);
}

static void test_foreign_or_damaged_record(void **state)
{
    (void)state;
    struct ward_test_env env;
    struct ward_lifecycle lc;
    char err[512], path[4200];
    assert_int_equal(ward_test_env_setup(&env), 0);
    snprintf(path, sizeof(path), "%s/lifecycle", env.state_dir);
    write_file(path, "not a lifecycle record");
    assert_int_equal(ward_lifecycle_startup(env.state_dir, false, &lc, err, sizeof(err)),
                     PSA_ERROR_NOT_SUPPORTED);
    assert_non_null(strstr(err, "never rewritten"));
    /* Never rewritten: the file is as it was. */
    FILE *f = fopen(path, "r");
    char buf[64] = "";
    assert_non_null(fgets(buf, sizeof(buf), f));
    fclose(f);
    assert_string_equal(buf, "not a lifecycle record");
    /* A record whose pending request is not allowed. */
    uint8_t rec[WARD_LIFECYCLE_RECORD_SIZE];
    struct ward_lifecycle bad = {PSA_LIFECYCLE_DECOMMISSIONED, PSA_LIFECYCLE_SECURED};
    ward_lifecycle_encode(&bad, rec);
    assert_int_equal(ward_write_file_atomic(env.state_dir, "lifecycle", rec, sizeof(rec)), 0);
    assert_int_equal(ward_lifecycle_startup(env.state_dir, false, &lc, err, sizeof(err)),
                     PSA_ERROR_DATA_CORRUPT);
    assert_int_equal(ward_test_env_teardown(&env), 0);
}

static void test_private_dir(void **state)
{
    (void)state;
    struct ward_test_env env;
    char err[512], dir[4200];
    assert_int_equal(ward_test_env_setup(&env), 0);
    snprintf(dir, sizeof(dir), "%s/a/b/c", env.root);
    assert_int_equal(ward_private_dir(dir, true, err, sizeof(err)), 0);
    assert_int_equal(chmod(dir, 0750), 0);
    assert_int_equal(ward_private_dir(dir, false, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "looser than 0700"));
    snprintf(dir, sizeof(dir), "%s/x/y", env.root);
    assert_int_equal(ward_private_dir(dir, false, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "cannot create"));
    assert_int_equal(ward_test_env_teardown(&env), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transitions),
        cmocka_unit_test(test_record_codec),
        cmocka_unit_test(test_startup_request_and_wipe),
        cmocka_unit_test(test_provisioning_flow),
        cmocka_unit_test(test_foreign_or_damaged_record),
        cmocka_unit_test(test_private_dir),
    };
    return cmocka_run_group_tests(tests, ward_test_env_group_setup,
                                  ward_test_env_group_teardown);
}
