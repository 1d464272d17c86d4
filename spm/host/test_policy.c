/* Tests of the policy parser and matcher: every directive and every error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "policy.h"
#include "ward_test_env.h"

static int fake_user(const char *name, uint32_t *uid)
{
    if (strcmp(name, "alice") == 0) {
        *uid = 1001;
        return 0;
    }
    return -1;
}

static int fake_group(const char *name, uint32_t *gid)
{
    if (strcmp(name, "ward-clients") == 0) {
        *gid = 500;
        return 0;
    }
    return -1;
}

static const struct ward_policy_resolver fake = {fake_user, fake_group};
static struct ward_policy pol;

static psa_status_t parse(const char *text, char *err)
{
    return ward_policy_parse(text, strlen(text), &fake, &pol, err, 256);
}

static void test_full_policy(void **state)
{
    (void)state;
    char err[256] = "";
    const char *text = "ward-policy 1\n"
                       "# operators\n"
                       "user alice id -77 allow 0xF001,61442   # two SIDs\n"
                       "user 0 deny\n"
                       "group ward-clients allow all\n"
                       "group 600 allow 7\n"
                       "default deny\n";
    assert_int_equal(parse(text, err), PSA_SUCCESS);
    assert_int_equal(pol.rule_count, 4);
    gid_t none[1] = {9999}, clients[2] = {9999, 500};

    const struct ward_policy_rule *r = ward_policy_match(&pol, 1001, none, 1);
    assert_non_null(r);
    assert_int_equal(ward_policy_client_id(r, 1001), -77);
    assert_true(ward_policy_allows(&pol, r, 0xF001));
    assert_true(ward_policy_allows(&pol, r, 0xF002));
    assert_false(ward_policy_allows(&pol, r, 0xF003));

    r = ward_policy_match(&pol, 0, clients, 2); /* the user line wins */
    assert_false(ward_policy_allows(&pol, r, 0xF001));
    assert_int_equal(ward_policy_client_id(r, 0), -1);

    r = ward_policy_match(&pol, 2000, clients, 2);
    assert_true(ward_policy_allows(&pol, r, 12345));
    assert_int_equal(ward_policy_client_id(r, 2000), -2001);

    r = ward_policy_match(&pol, 2000, none, 1); /* the default: deny */
    assert_null(r);
    assert_false(ward_policy_allows(&pol, r, 0xF001));
}

static void test_default_allow_and_no_policy(void **state)
{
    (void)state;
    char err[256];
    assert_int_equal(parse("ward-policy 1\ndefault allow all\n", err), PSA_SUCCESS);
    assert_true(ward_policy_allows(&pol, NULL, 1));
    /* Without a default line, unmatched clients are denied. */
    assert_int_equal(parse("ward-policy 1\n", err), PSA_SUCCESS);
    assert_false(ward_policy_allows(&pol, NULL, 1));
    /* No policy file at all: everything allowed. */
    struct ward_policy none;
    memset(&none, 0, sizeof(none));
    assert_true(ward_policy_allows(&none, NULL, 1));
}

static void check_error(const char *text, const char *expect)
{
    char err[256] = "";
    assert_int_equal(parse(text, err), PSA_ERROR_INVALID_ARGUMENT);
    if (strstr(err, expect) == NULL)
        fail_msg("for %s: got \"%s\", expected \"%s\"", text, err, expect);
    /* Fails closed. */
    assert_int_equal(pol.rule_count, 0);
    assert_false(ward_policy_allows(&pol, NULL, 1));
}

static void test_errors(void **state)
{
    (void)state;
    check_error("", "line 1: missing 'ward-policy 1'");
    check_error("user 1 allow all\n", "line 1: the first directive must be");
    check_error("ward-policy 2\n", "unsupported policy version");
    check_error("ward-policy 1\nfrobnicate\n", "line 2: unknown directive");
    check_error("ward-policy 1\nuser bob allow all\n", "line 2: unknown user");
    check_error("ward-policy 1\ngroup nobody-here allow all\n", "unknown group");
    check_error("ward-policy 1\nuser 1\n", "expected 'user <name|uid> ...'");
    check_error("ward-policy 1\nuser 1 allow\n", "expected 'allow all'");
    check_error("ward-policy 1\nuser 1 allow 0\n", "SIDs must be numbers");
    check_error("ward-policy 1\nuser 1 allow 0x1,zz\n", "SIDs must be numbers");
    check_error("ward-policy 1\nuser 1 allow 4294967296\n", "SIDs must be numbers");
    check_error("ward-policy 1\nuser 1 id 5 allow all\n", "negative 32-bit");
    check_error("ward-policy 1\nuser 1 id -2147483649 allow all\n", "negative 32-bit");
    check_error("ward-policy 1\ngroup 1 id -5 allow all\n", "expected 'allow all'");
    check_error("ward-policy 1\nuser 1 deny extra\n", "unexpected words");
    check_error("ward-policy 1\ndefault allow\n", "expected 'default allow all'");
    check_error("ward-policy 1\ndefault deny\ndefault deny\n", "line 3: a second 'default'");
    check_error("ward-policy 1\nuser 1 allow all a b c d e f\n", "too many words");
    check_error("ward-policy 1\nuser -1 allow all\n", "unknown user");
    char longline[WARD_POLICY_MAX_LINE + 40];
    snprintf(longline, sizeof(longline), "ward-policy 1\nuser 1 allow %0*d\n",
             WARD_POLICY_MAX_LINE, 1);
    check_error(longline, "line 2: line too long");
    /* A NUL inside the text. */
    char err[256];
    const char nul[] = "ward-policy 1\nuser 1\0 allow all\n";
    assert_int_equal(ward_policy_parse(nul, sizeof(nul) - 1, &fake, &pol, err, sizeof(err)),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(err, "NUL byte"));
}

static void test_limits(void **state)
{
    (void)state;
    char text[64 * 12 + 64], err[256];
    /* WARD_POLICY_MAX_SIDS SIDs fit; one more does not. */
    int n = snprintf(text, sizeof(text), "ward-policy 1\nuser 1 allow ");
    for (int i = 1; i <= WARD_POLICY_MAX_SIDS; i++)
        n += snprintf(text + n, sizeof(text) - (size_t)n, "%s%d", i > 1 ? "," : "", i);
    snprintf(text + n, sizeof(text) - (size_t)n, "\n");
    assert_int_equal(parse(text, err), PSA_SUCCESS);
    assert_int_equal(pol.rules[0].sid_count, WARD_POLICY_MAX_SIDS);
    snprintf(text + n, sizeof(text) - (size_t)n, ",99\n");
    check_error(text, "too many SIDs");
}

static void test_load_file(void **state)
{
    struct ward_test_env *env = *state;
    char path[WARD_TEST_PATH_MAX], err[512];
    assert_int_equal(ward_test_env_path(env, "state/policy", path), 0);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("ward-policy 1\nuser 0 allow 1\ndefault deny\n", f);
    fclose(f);
    assert_int_equal(chmod(path, 0644), 0);
    assert_int_equal(ward_policy_load(path, &pol, err, sizeof(err)), PSA_SUCCESS);
    assert_int_equal(pol.rule_count, 1);
    /* Writable by others: refused. */
    assert_int_equal(chmod(path, 0666), 0);
    assert_int_equal(ward_policy_load(path, &pol, err, sizeof(err)),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(err, "writable by group or others"));
    /* Missing: refused, naming the file. */
    assert_int_equal(ward_test_env_path(env, "state/none", path), 0);
    assert_int_equal(ward_policy_load(path, &pol, err, sizeof(err)),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(err, "cannot open"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_policy),
        cmocka_unit_test(test_default_allow_and_no_policy),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_load_file),
    };
    return cmocka_run_group_tests(tests, ward_test_env_group_setup,
                                  ward_test_env_group_teardown);
}
