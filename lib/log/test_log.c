/* Tests of the logging helper: level filter, sink, event rate limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ward_log.h"

struct capture {
    unsigned lines;
    char last[512];
};

static void sink(enum ward_log_level level, const char *line, void *ctx)
{
    struct capture *c = ctx;
    (void)level;
    c->lines++;
    strncpy(c->last, line, sizeof(c->last) - 1);
}

static void test_level_filter(void **state)
{
    (void)state;
    struct capture c = {0};
    ward_log_set_sink(sink, &c);
    ward_log_set_level(WARD_LOG_WARNING);
    ward_log(WARD_LOG_INFO, "dropped %d", 1);
    assert_int_equal(c.lines, 0);
    ward_log(WARD_LOG_ERROR, "kept %d", 2);
    assert_int_equal(c.lines, 1);
    assert_string_equal(c.last, "kept 2");
    ward_log_set_level(WARD_LOG_DEBUG);
    ward_log(WARD_LOG_DEBUG, "now kept");
    assert_int_equal(c.lines, 2);
    ward_log_set_sink(NULL, NULL);
}

static void test_event_rate_limit(void **state)
{
    (void)state;
    struct capture c = {0};
    ward_log_set_sink(sink, &c);
    ward_log_set_level(WARD_LOG_WARNING);
    for (int i = 0; i < WARD_LOG_EVENT_BURST + 50; i++)
        ward_log_event(WARD_EVENT_POLICY_DENIAL, "denied %d", i);
    assert_int_equal(c.lines, WARD_LOG_EVENT_BURST);
    /* Another kind has its own bucket. */
    ward_log_event(WARD_EVENT_PARTITION_CRASH, "crash");
    assert_int_equal(c.lines, WARD_LOG_EVENT_BURST + 1);
    ward_log_set_sink(NULL, NULL);
}

static void test_long_line_truncated(void **state)
{
    (void)state;
    struct capture c = {0};
    char big[2000];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    ward_log_set_sink(sink, &c);
    ward_log(WARD_LOG_ERROR, "%s", big);
    assert_int_equal(c.lines, 1);
    assert_int_equal(strlen(c.last), 511);
    ward_log_set_sink(NULL, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_level_filter),
        cmocka_unit_test(test_event_rate_limit),
        cmocka_unit_test(test_long_line_truncated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
