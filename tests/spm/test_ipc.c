/*
 * test_ipc.c: the SPM suite. It uses only the PSA client API, the generated
 * SIDs and the test partitions' protocol, so every platform runs it
 * unchanged; the few emul-only checks are marked. Each test names the
 * psa-arch-tests FF-M IPC check it covers (iNNN) where there is one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "partition_desc.h"
#include "psa/client.h"
#include "psa_manifest/pid.h"
#include "psa_manifest/sid.h"
#include "tp_protocol.h"
#ifdef WARD_TEST_PLATFORM_EMUL
#include "ward/emul.h"
#endif
#ifdef WARD_TEST_PLATFORM_HOST
#include "ward_test_daemon.h"

/* wardd's isolation level for this build of the suite (default: 2). */
#ifdef WARD_TEST_LEVEL1
static const char *const test_daemon_args[] = {"--isolation", "1", NULL};
#else
static const char *const test_daemon_args[] = {NULL};
#endif

/* One private wardd for the whole suite. */
static struct ward_test_daemon daemon_under_test;

static int start_daemon(void **state)
{
    (void)state;
    return ward_test_daemon_start(&daemon_under_test, WARD_TEST_WARDD, test_daemon_args);
}

static int stop_daemon(void **state)
{
    (void)state;
    /* A clean shutdown is part of the test. */
    return ward_test_daemon_stop(&daemon_under_test);
}
#else
#define start_daemon NULL
#define stop_daemon NULL
#endif

static psa_handle_t connect_ok(uint32_t sid, uint32_t version)
{
    psa_handle_t h = psa_connect(sid, version);
    if (!PSA_HANDLE_IS_VALID(h))
        print_error("psa_connect(0x%08x, %u) = %d\n", (unsigned)sid,
                    (unsigned)version, (int)h);
    assert_true(PSA_HANDLE_IS_VALID(h));
    return h;
}

static psa_status_t echo(psa_handle_t h, const void *in, size_t in_len,
                         void *out, size_t *out_len)
{
    psa_invec iv = {in, in_len};
    psa_outvec ov = {out, *out_len};
    psa_status_t st = psa_call(h, PSA_IPC_CALL, &iv, 1, &ov, 1);
    *out_len = ov.len;
    return st;
}

/* i001 */
static void test_framework_version(void **state)
{
    (void)state;
    assert_int_equal(psa_framework_version(), 0x0101);
}

/* i001 check 2, i008 (psa_version of a secure-only service) */
static void test_version(void **state)
{
    (void)state;
    assert_int_equal(psa_version(TP_ECHO_SID), 1);
    assert_int_equal(psa_version(TP_SUM_SID), 2);
    assert_int_equal(psa_version(TP_RHANDLE_SID), 3);
    assert_int_equal(psa_version(TP_STATELESS_ECHO_SID), 1);
    assert_int_equal(psa_version(0x0BADBAD0), PSA_VERSION_NONE);
    assert_int_equal(psa_version(TP_RING_SID), PSA_VERSION_NONE);
    assert_int_equal(psa_version(TP_STATELESS_SECURE_SID), PSA_VERSION_NONE);
}

/* i002 checks 2, 4; i003 */
static void test_connect_call_close(void **state)
{
    (void)state;
    psa_handle_t h = connect_ok(TP_ECHO_SID, 1);
    uint8_t out[16] = {0};
    size_t out_len = sizeof(out);
    assert_int_equal(echo(h, "hello", 5, out, &out_len), 5);
    assert_int_equal(out_len, 5);
    assert_memory_equal(out, "hello", 5);
    /* A connection serves many calls. */
    out_len = sizeof(out);
    assert_int_equal(echo(h, "x", 1, out, &out_len), 1);
    assert_int_equal(out[0], 'x');
    psa_close(h);
}

/* i003 checks 1, 2: zero-length and absent vectors */
static void test_zero_length_vectors(void **state)
{
    (void)state;
    psa_handle_t h = connect_ok(TP_ECHO_SID, 1);
    uint8_t out[4] = {0xaa, 0xaa, 0xaa, 0xaa};
    psa_invec iv = {NULL, 0};
    psa_outvec ov = {out, sizeof(out)};
    assert_int_equal(psa_call(h, PSA_IPC_CALL, &iv, 1, &ov, 1), 0);
    assert_int_equal(ov.len, 0);
    assert_int_equal(out[0], 0xaa);
    psa_outvec empty = {NULL, 0};
    psa_invec one = {"z", 1};
    assert_int_equal(psa_call(h, PSA_IPC_CALL, &one, 1, &empty, 1), 0);
    assert_int_equal(psa_call(h, PSA_IPC_CALL, NULL, 0, NULL, 0), 0);
    psa_close(h);
}

static void test_four_vectors(void **state)
{
    (void)state;
    psa_handle_t h = connect_ok(TP_ECHO_SID, 1);
    uint8_t a[3], b[8];
    psa_invec iv[2] = {{"abc", 3}, {"defgh", 5}};
    psa_outvec ov[2] = {{a, sizeof(a)}, {b, sizeof(b)}};
    assert_int_equal(psa_call(h, PSA_IPC_CALL, iv, 2, ov, 2), 8);
    assert_int_equal(ov[0].len, 3);
    assert_int_equal(ov[1].len, 5);
    assert_memory_equal(a, "abc", 3);
    assert_memory_equal(b, "defgh", 5);
    /* An output smaller than its input: the service writes what fits. */
    ov[1].len = 2;
    assert_int_equal(psa_call(h, PSA_IPC_CALL, iv, 2, ov, 2), 5);
    assert_int_equal(ov[1].len, 2);
    psa_close(h);
}

/* i003 check 6: overlapping vectors see the input as it was at the call */
static void test_overlapping_vectors(void **state)
{
    (void)state;
    psa_handle_t h = connect_ok(TP_ECHO_SID, 1);
    uint8_t buf[12] = "0123456789A";
    psa_invec iv = {buf, 8};
    psa_outvec ov = {buf + 4, 8};
    assert_int_equal(psa_call(h, PSA_IPC_CALL, &iv, 1, &ov, 1), 8);
    assert_memory_equal(buf, "012301234567", 12);
    psa_close(h);
}

/* i003 check 3: psa_read and psa_skip cursors */
static void test_read_skip_cursors(void **state)
{
    (void)state;
    psa_handle_t h = connect_ok(TP_SUM_SID, 2);
    uint32_t words[3] = {1, 20, 300};
    uint32_t sum = 0, shorts = 99;
    psa_invec iv = {words, sizeof(words)};
    psa_outvec ov[2] = {{&sum, sizeof(sum)}, {&shorts, sizeof(shorts)}};
    assert_int_equal(psa_call(h, PSA_IPC_CALL, &iv, 1, ov, 2), PSA_SUCCESS);
    assert_int_equal(sum, 321);
    assert_int_equal(shorts, 0);
    assert_int_equal(psa_call(h, TP_SUM_SKIP, &iv, 1, ov, 2), PSA_SUCCESS);
    assert_int_equal(sum, 320);
    /* 10 bytes: two words, then a read that returns only what is left. */
    iv.len = 10;
    ov[0].len = sizeof(sum);
    ov[1].len = sizeof(shorts);
    assert_int_equal(psa_call(h, PSA_IPC_CALL, &iv, 1, ov, 2), PSA_SUCCESS);
    assert_int_equal(sum, 21);
    assert_int_equal(shorts, 1);
    psa_close(h);
}

/* i003 check 4: psa_write cursors over several writes and vectors */
static void test_write_cursors(void **state)
{
    (void)state;
    psa_handle_t h = connect_ok(TP_PATTERN_SID, 1);
    uint8_t a[100], b[9];
    psa_outvec ov[2] = {{a, sizeof(a)}, {b, sizeof(b)}};
    assert_int_equal(psa_call(h, PSA_IPC_CALL, NULL, 0, ov, 2), PSA_SUCCESS);
    assert_int_equal(ov[0].len, 100);
    assert_int_equal(ov[1].len, 9);
    for (size_t i = 0; i < 100; i++)
        assert_int_equal(a[i], (uint8_t)i);
    for (size_t i = 0; i < 9; i++)
        assert_int_equal(b[i], (uint8_t)(i + 1));
    psa_close(h);
}

/* i002 check 3, i005, i006, i007, i010, i011: version policy */
static void test_version_policy(void **state)
{
    (void)state;
    /* SUM: version 2, STRICT */
    psa_close(connect_ok(TP_SUM_SID, 2));
    assert_int_equal(psa_connect(TP_SUM_SID, 3), PSA_ERROR_PROGRAMMER_ERROR);
    assert_int_equal(psa_connect(TP_SUM_SID, 1), PSA_ERROR_PROGRAMMER_ERROR);
    /* RHANDLE: version 3, RELAXED: lower and equal accepted, higher not */
    psa_close(connect_ok(TP_RHANDLE_SID, 1));
    psa_close(connect_ok(TP_RHANDLE_SID, 3));
    assert_int_equal(psa_connect(TP_RHANDLE_SID, 4), PSA_ERROR_PROGRAMMER_ERROR);
    /* ECHO: version 1, RELAXED by default */
    assert_int_equal(psa_connect(TP_ECHO_SID, 2), PSA_ERROR_PROGRAMMER_ERROR);
    /* Version 0 names no version of anything. */
    assert_int_equal(psa_connect(TP_ECHO_SID, 0), PSA_ERROR_PROGRAMMER_ERROR);
}

/* i004, i008 */
static void test_connect_refused_by_spm(void **state)
{
    (void)state;
    assert_int_equal(psa_connect(0x0BADBAD0, 1), PSA_ERROR_PROGRAMMER_ERROR);
    assert_int_equal(psa_connect(TP_RING_SID, 1), PSA_ERROR_PROGRAMMER_ERROR);
}

/* i002 check 1: refused and busy connections */
static void test_connect_refused_and_busy(void **state)
{
    (void)state;
    assert_int_equal(psa_connect(TP_REFUSER_SID, 1), PSA_ERROR_CONNECTION_REFUSED);
    assert_int_equal(psa_connect(TP_BUSY_SID, 1), PSA_ERROR_CONNECTION_BUSY);
    /* The refusal left nothing behind: the next service still works. */
    psa_close(connect_ok(TP_ECHO_SID, 1));
}

/* i002 check 4: the service's status reaches the client unchanged */
static void test_status_passthrough(void **state)
{
    (void)state;
    static const int32_t statuses[] = {PSA_SUCCESS, 1, 77, INT32_MAX,
                                       PSA_ERROR_GENERIC_ERROR,
                                       PSA_ERROR_INVALID_ARGUMENT, -1, INT32_MIN};
    psa_handle_t h = connect_ok(TP_STATUS_SID, 1);
    for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
        psa_invec iv = {&statuses[i], sizeof(statuses[i])};
        assert_int_equal(psa_call(h, PSA_IPC_CALL, &iv, 1, NULL, 0), statuses[i]);
    }
    psa_close(h);
}

/* i027: a PROGRAMMER_ERROR reply terminates the connection */
static void test_programmer_error_terminates(void **state)
{
    (void)state;
    psa_handle_t h = connect_ok(TP_STATUS_SID, 1);
    int32_t pe = PSA_ERROR_PROGRAMMER_ERROR, ok = PSA_SUCCESS;
    psa_invec bad = {&pe, sizeof(pe)}, good = {&ok, sizeof(ok)};
    assert_int_equal(psa_call(h, PSA_IPC_CALL, &bad, 1, NULL, 0),
                     PSA_ERROR_PROGRAMMER_ERROR);
    /* Every later call fails the same way, until psa_close. */
    assert_int_equal(psa_call(h, PSA_IPC_CALL, &good, 1, NULL, 0),
                     PSA_ERROR_PROGRAMMER_ERROR);
    assert_int_equal(psa_call(h, PSA_IPC_CALL, &good, 1, NULL, 0),
                     PSA_ERROR_PROGRAMMER_ERROR);
    psa_close(h);
    h = connect_ok(TP_STATUS_SID, 1);
    assert_int_equal(psa_call(h, PSA_IPC_CALL, &good, 1, NULL, 0), PSA_SUCCESS);
    psa_close(h);
}

/* i002 check 6: the client ID a service sees */
static void test_client_id(void **state)
{
    (void)state;
    psa_handle_t h = connect_ok(TP_ECHO_SID, 1);
    int32_t id = 0;
    psa_outvec ov = {&id, sizeof(id)};
    assert_int_equal(psa_call(h, TP_ECHO_CLIENT_ID, NULL, 0, &ov, 1), PSA_SUCCESS);
    assert_true(id < 0); /* a non-secure client */
#ifdef WARD_TEST_PLATFORM_EMUL
    assert_int_equal(id, ward_emul_client_id());
    /* emul only: the application may present another identity. */
    assert_int_equal(ward_emul_set_client_id(5), PSA_ERROR_INVALID_ARGUMENT);
    int32_t saved = ward_emul_client_id();
    assert_int_equal(ward_emul_set_client_id(-42), PSA_SUCCESS);
    /* The old connection belongs to the old identity. */
    assert_int_equal(psa_call(h, TP_ECHO_CLIENT_ID, NULL, 0, &ov, 1),
                     PSA_ERROR_PROGRAMMER_ERROR);
    psa_handle_t h2 = connect_ok(TP_ECHO_SID, 1);
    ov.len = sizeof(id);
    assert_int_equal(psa_call(h2, TP_ECHO_CLIENT_ID, NULL, 0, &ov, 1), PSA_SUCCESS);
    assert_int_equal(id, -42);
    psa_close(h2);
    assert_int_equal(ward_emul_set_client_id(saved), PSA_SUCCESS);
#endif
    psa_close(h);
}

/* i012, i024, i025: invalid, NULL and stale handles */
static void test_invalid_handles(void **state)
{
    (void)state;
    uint8_t b[1];
    psa_outvec ov = {b, 1};
    assert_int_equal(psa_call(PSA_NULL_HANDLE, PSA_IPC_CALL, NULL, 0, &ov, 1),
                     PSA_ERROR_PROGRAMMER_ERROR);
    assert_int_equal(psa_call(12345, PSA_IPC_CALL, NULL, 0, NULL, 0),
                     PSA_ERROR_PROGRAMMER_ERROR);
    assert_int_equal(psa_call(-3, PSA_IPC_CALL, NULL, 0, NULL, 0),
                     PSA_ERROR_PROGRAMMER_ERROR);
    assert_int_equal(psa_call(0x40001F1F, PSA_IPC_CALL, NULL, 0, NULL, 0),
                     PSA_ERROR_PROGRAMMER_ERROR);
    psa_handle_t h = connect_ok(TP_ECHO_SID, 1);
    psa_close(h);
    /* The slot is reused by the next connection, with a new generation. */
    psa_handle_t h2 = connect_ok(TP_ECHO_SID, 1);
    assert_int_not_equal(h, h2);
    assert_int_equal(psa_call(h, PSA_IPC_CALL, NULL, 0, NULL, 0),
                     PSA_ERROR_PROGRAMMER_ERROR);
    assert_int_equal(psa_call(h2, PSA_IPC_CALL, NULL, 0, NULL, 0), 0);
    /* Closing NULL, invalid or stale handles has no effect. */
    psa_close(PSA_NULL_HANDLE);
    psa_close(12345);
    psa_close(h);
    assert_int_equal(psa_call(h2, PSA_IPC_CALL, NULL, 0, NULL, 0), 0);
    psa_close(h2);
}

/* i026, i090, and malformed vectors: found before the SPM is involved,
 * reported, and the connection stays usable */
static void test_malformed_calls(void **state)
{
    (void)state;
    psa_handle_t h = connect_ok(TP_ECHO_SID, 1);
    uint8_t b[4];
    psa_invec iv[5] = {{b, 1}, {b, 1}, {b, 1}, {b, 1}, {b, 1}};
    psa_outvec ov[5] = {{b, 1}, {b, 1}, {b, 1}, {b, 1}, {b, 1}};
    assert_int_equal(psa_call(h, PSA_IPC_CALL, iv, 3, ov, 2), PSA_ERROR_PROGRAMMER_ERROR);
    assert_int_equal(psa_call(h, PSA_IPC_CALL, iv, 5, NULL, 0), PSA_ERROR_PROGRAMMER_ERROR);
    assert_int_equal(psa_call(h, PSA_IPC_CALL, NULL, 0, ov, 5), PSA_ERROR_PROGRAMMER_ERROR);
    assert_int_equal(psa_call(h, -1, NULL, 0, NULL, 0), PSA_ERROR_PROGRAMMER_ERROR);
    assert_int_equal(psa_call(h, INT32_MIN, NULL, 0, NULL, 0), PSA_ERROR_PROGRAMMER_ERROR);
    assert_int_equal(psa_call(h, PSA_IPC_CALL, NULL, 1, NULL, 0), PSA_ERROR_PROGRAMMER_ERROR);
    assert_int_equal(psa_call(h, PSA_IPC_CALL, NULL, 0, NULL, 1), PSA_ERROR_PROGRAMMER_ERROR);
    psa_invec null_base = {NULL, 4};
    psa_outvec null_out = {NULL, 4};
    assert_int_equal(psa_call(h, PSA_IPC_CALL, &null_base, 1, NULL, 0),
                     PSA_ERROR_PROGRAMMER_ERROR);
    assert_int_equal(psa_call(h, PSA_IPC_CALL, NULL, 0, &null_out, 1),
                     PSA_ERROR_PROGRAMMER_ERROR);
    /* Exactly PSA_MAX_IOVEC is fine; positive types are the service's. */
    assert_int_equal(psa_call(h, PSA_IPC_CALL, iv, 2, ov, 2), 2);
    assert_int_equal(psa_call(h, INT32_MAX, iv, 1, NULL, 0), 0);
    psa_close(h);
}

/* i003 check 5: rhandles keep per-connection state */
static void test_rhandle(void **state)
{
    (void)state;
    psa_handle_t a = connect_ok(TP_RHANDLE_SID, 3);
    psa_handle_t b = connect_ok(TP_RHANDLE_SID, 3);
    uint32_t v;
    psa_outvec ov = {&v, sizeof(v)};
    for (uint32_t i = 1; i <= 3; i++) {
        ov.len = sizeof(v);
        assert_int_equal(psa_call(a, PSA_IPC_CALL, NULL, 0, &ov, 1), PSA_SUCCESS);
        assert_int_equal(v, i);
    }
    ov.len = sizeof(v);
    assert_int_equal(psa_call(b, PSA_IPC_CALL, NULL, 0, &ov, 1), PSA_SUCCESS);
    assert_int_equal(v, 1);
    ov.len = sizeof(v);
    assert_int_equal(psa_call(a, PSA_IPC_CALL, NULL, 0, &ov, 1), PSA_SUCCESS);
    assert_int_equal(v, 4);
    psa_close(a);
    psa_close(b);
}

/* FF-M 1.1 stateless services */
static void test_stateless(void **state)
{
    (void)state;
    uint8_t out[8];
    size_t n = sizeof(out);
    assert_int_equal(echo(TP_STATELESS_ECHO_HANDLE, "abc", 3, out, &n), 3);
    assert_memory_equal(out, "abc", 3);
    /* No connect, no close on a stateless service. */
    assert_int_equal(psa_connect(TP_STATELESS_ECHO_SID, 1), PSA_ERROR_PROGRAMMER_ERROR);
    psa_close(TP_STATELESS_ECHO_HANDLE);
    n = sizeof(out);
    assert_int_equal(echo(TP_STATELESS_ECHO_HANDLE, "de", 2, out, &n), 2);
    /* A secure-only stateless service refuses a non-secure caller. */
    n = sizeof(out);
    assert_int_equal(echo(TP_STATELESS_SECURE_HANDLE, "x", 1, out, &n),
                     PSA_ERROR_PROGRAMMER_ERROR);
    /* The version in the handle is checked against the policy (STRICT 1). */
    n = sizeof(out);
    psa_handle_t wrong = WARD_STATELESS_HANDLE(
        ((uint32_t)TP_STATELESS_ECHO_HANDLE & 0x1Fu) + 1u, 2);
    assert_int_equal(echo(wrong, "x", 1, out, &n), PSA_ERROR_PROGRAMMER_ERROR);
    /* psa_set_rhandle on a stateless message panics the service; it is
     * restarted and serves the next call. */
    psa_invec iv = {"x", 1};
    assert_int_equal(psa_call(TP_STATELESS_ECHO_HANDLE, 1, &iv, 1, NULL, 0),
                     PSA_ERROR_COMMUNICATION_FAILURE);
    n = sizeof(out);
    assert_int_equal(echo(TP_STATELESS_ECHO_HANDLE, "ok", 2, out, &n), 2);
}

/* i009, i017 and partition-to-partition calls */
static void test_partition_calls_partition(void **state)
{
    (void)state;
    psa_handle_t h = connect_ok(TP_CALLER_SID, 1);
    uint8_t out[16];
    psa_invec iv = {"relay", 5};
    psa_outvec ov = {out, sizeof(out)};
    assert_int_equal(psa_call(h, TP_CALLER_ECHO, &iv, 1, &ov, 1), 5);
    assert_int_equal(ov.len, 5);
    assert_memory_equal(out, "relay", 5);
    /* ECHO sees the calling partition's ID. */
    int32_t id = 0;
    psa_outvec idv = {&id, sizeof(id)};
    assert_int_equal(psa_call(h, TP_CALLER_ID_SEEN, NULL, 0, &idv, 1), PSA_SUCCESS);
    assert_int_equal(id, TP_CALLER_ID);
    /* Stateless services, including a secure-only one it depends on. */
    ov.len = sizeof(out);
    assert_int_equal(psa_call(h, TP_CALLER_STATELESS, &iv, 1, &ov, 1), 5);
    ov.len = sizeof(out);
    assert_int_equal(psa_call(h, TP_CALLER_STATELESS_SECURE, &iv, 1, &ov, 1), 5);
    psa_close(h);
}

static void test_partition_programmer_errors_as_client(void **state)
{
    (void)state;
    static const int32_t kinds[] = {TP_CALLER_FORBIDDEN, TP_CALLER_SELF};
    for (size_t i = 0; i < 2; i++) {
        psa_handle_t h = connect_ok(TP_CALLER_SID, 1);
        assert_int_equal(psa_call(h, kinds[i], NULL, 0, NULL, 0),
                         PSA_ERROR_COMMUNICATION_FAILURE);
        /* The connection died with the partition's incarnation. */
        assert_int_equal(psa_call(h, TP_CALLER_ECHO, NULL, 0, NULL, 0),
                         PSA_ERROR_COMMUNICATION_FAILURE);
        psa_close(h);
        /* The restarted partition serves new connections. */
        h = connect_ok(TP_CALLER_SID, 1);
        psa_invec iv = {"a", 1};
        assert_int_equal(psa_call(h, TP_CALLER_ECHO, &iv, 1, NULL, 0), 1);
        psa_close(h);
    }
}

/* i058: doorbells */
static void test_doorbell(void **state)
{
    (void)state;
    psa_handle_t h = connect_ok(TP_LISTEN_SID, 1);
    assert_int_equal(psa_call(h, 0, NULL, 0, NULL, 0), 1);
    assert_int_equal(psa_call(h, 0, NULL, 0, NULL, 0), 1);
    /* psa_clear with the doorbell not asserted is a programmer error. */
    assert_int_equal(psa_call(h, 1, NULL, 0, NULL, 0), PSA_ERROR_COMMUNICATION_FAILURE);
    psa_close(h);
    h = connect_ok(TP_LISTEN_SID, 1);
    assert_int_equal(psa_call(h, 0, NULL, 0, NULL, 0), 1);
    psa_close(h);
}

/* Every partition-API programmer error panics the partition: i013-i016,
 * i018, i019, i022, i023, i030-i033, i036-i039, i042-i047, i063-i066 */
static void test_partition_misuse(void **state)
{
    (void)state;
    /* A bystander connection to another partition must survive it all. */
    psa_handle_t bystander = connect_ok(TP_ECHO_SID, 1);
    for (int kind = TP_MISUSE_NONE + 1; kind < TP_MISUSE_COUNT_; kind++) {
        psa_handle_t h = connect_ok(TP_MISUSE_SID, 1);
        uint8_t b[4];
        psa_invec iv = {b, sizeof(b)};
        psa_outvec ov = {b, 2};
        print_message("misuse %d\n", kind);
        /* Replying twice: the first reply reaches the client before the
         * second panics the partition. */
        assert_int_equal(psa_call(h, kind, &iv, 1, &ov, 1),
                         kind == TP_MISUSE_REPLY_TWICE ? PSA_SUCCESS
                                                       : PSA_ERROR_COMMUNICATION_FAILURE);
        assert_int_equal(psa_call(h, TP_MISUSE_NONE, NULL, 0, NULL, 0),
                         PSA_ERROR_COMMUNICATION_FAILURE);
        psa_close(h);
        /* Restarted: a new connection works (and resets the crash count). */
        h = connect_ok(TP_MISUSE_SID, 1);
        assert_int_equal(psa_call(h, TP_MISUSE_NONE, NULL, 0, NULL, 0), PSA_SUCCESS);
        psa_close(h);
        uint8_t out[2];
        size_t n = sizeof(out);
        assert_int_equal(echo(bystander, "ok", 2, out, &n), 2);
    }
    psa_close(bystander);
}

/* i020, i028, i029, i034, i035, i040, i041: misuse on connect and
 * disconnect messages */
static void test_connect_message_misuse(void **state)
{
    (void)state;
    for (int mode = TP_CONNECT_REPLY_INVALID; mode < TP_CONNECT_MODE_COUNT_; mode++) {
        psa_handle_t ctl = connect_ok(TP_MISUSE_SID, 1);
        print_message("connect mode %d\n", mode);
        assert_int_equal(psa_call(ctl, TP_MISUSE_SET_CONNECT_MODE + mode, NULL, 0,
                                  NULL, 0), PSA_SUCCESS);
        psa_handle_t h = psa_connect(TP_MISUSE_CONNECT_SID, 1);
        if (mode < TP_DISCONNECT_READ) {
            assert_int_equal(h, PSA_ERROR_COMMUNICATION_FAILURE);
        } else {
            assert_true(PSA_HANDLE_IS_VALID(h));
            psa_close(h); /* the partition panics while disconnecting */
        }
        /* ctl died with the partition. */
        assert_int_equal(psa_call(ctl, TP_MISUSE_NONE, NULL, 0, NULL, 0),
                         PSA_ERROR_COMMUNICATION_FAILURE);
        psa_close(ctl);
        ctl = connect_ok(TP_MISUSE_SID, 1);
        assert_int_equal(psa_call(ctl, TP_MISUSE_NONE, NULL, 0, NULL, 0), PSA_SUCCESS);
        psa_close(ctl);
        psa_close(connect_ok(TP_MISUSE_CONNECT_SID, 1));
    }
}

/* A partition that never starts is given up on: its service refuses. */
static void test_failed_partition(void **state)
{
    (void)state;
    assert_int_equal(psa_connect(TP_CRASHY_SID, 1), PSA_ERROR_CONNECTION_REFUSED);
    assert_int_equal(psa_connect(TP_CRASHY_SID, 1), PSA_ERROR_CONNECTION_REFUSED);
    assert_int_equal(psa_version(TP_CRASHY_SID), 1);
}

/* i002 check 7: the per-session connection limit (256 by default) */
static void test_connect_limit(void **state)
{
    (void)state;
    static psa_handle_t h[300];
    size_t n = 0;
    psa_handle_t last;
    while ((last = psa_connect(TP_ECHO_SID, 1)) > 0 && n < 300)
        h[n++] = last;
    assert_int_equal(last, PSA_ERROR_CONNECTION_BUSY);
    assert_int_equal(n, 256);
    /* Every one of them works, and closing one makes room again. */
    for (size_t i = 0; i < n; i++)
        assert_int_equal(psa_call(h[i], PSA_IPC_CALL, NULL, 0, NULL, 0), 0);
    psa_close(h[0]);
    h[0] = connect_ok(TP_ECHO_SID, 1);
    for (size_t i = 0; i < n; i++)
        psa_close(h[i]);
}

static void test_call_size_limit(void **state)
{
    (void)state;
    psa_handle_t h = connect_ok(TP_ECHO_SID, 1);
    size_t big = 512u * 1024u;
    uint8_t *in = malloc(big), *out = malloc(big);
    assert_non_null(in);
    assert_non_null(out);
    for (size_t i = 0; i < big; i++)
        in[i] = (uint8_t)(i * 7);
    size_t n = big;
    assert_int_equal(echo(h, in, big, out, &n), (psa_status_t)big);
    assert_int_equal(n, big);
    assert_memory_equal(in, out, big);
    /* Over the per-call limit (1 MiB in and out by default). */
    uint8_t *huge = calloc(1, (1u << 20) + 1);
    assert_non_null(huge);
    psa_invec iv = {huge, (1u << 20) + 1};
    assert_int_equal(psa_call(h, PSA_IPC_CALL, &iv, 1, NULL, 0),
                     PSA_ERROR_INSUFFICIENT_MEMORY);
    n = 4;
    assert_int_equal(echo(h, "live", 4, out, &n), 4);
    free(huge);
    free(in);
    free(out);
    psa_close(h);
}

#define THREADS 4
#define CALLS 2000

static void *hammer(void *arg)
{
    uintptr_t t = (uintptr_t)arg;
    psa_handle_t h = psa_connect(TP_RHANDLE_SID, 3);
    if (!PSA_HANDLE_IS_VALID(h))
        return (void *)1;
    for (uint32_t i = 1; i <= CALLS; i++) {
        uint32_t v = 0;
        psa_outvec ov = {&v, sizeof(v)};
        uint8_t msg[8], back[8];
        memset(msg, (int)(t + i), sizeof(msg));
        psa_invec iv = {msg, sizeof(msg)};
        psa_outvec bv = {back, sizeof(back)};
        if (psa_call(h, PSA_IPC_CALL, NULL, 0, &ov, 1) != PSA_SUCCESS || v != i)
            return (void *)2;
        if (psa_call(TP_STATELESS_ECHO_HANDLE, PSA_IPC_CALL, &iv, 1, &bv, 1) != 8 ||
            memcmp(msg, back, 8) != 0)
            return (void *)3;
    }
    psa_close(h);
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    pthread_t th[THREADS];
    for (uintptr_t t = 0; t < THREADS; t++)
        assert_int_equal(pthread_create(&th[t], NULL, hammer, (void *)t), 0);
    for (int t = 0; t < THREADS; t++) {
        void *rc;
        assert_int_equal(pthread_join(th[t], &rc), 0);
        assert_null(rc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_framework_version),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_connect_call_close),
        cmocka_unit_test(test_zero_length_vectors),
        cmocka_unit_test(test_four_vectors),
        cmocka_unit_test(test_overlapping_vectors),
        cmocka_unit_test(test_read_skip_cursors),
        cmocka_unit_test(test_write_cursors),
        cmocka_unit_test(test_version_policy),
        cmocka_unit_test(test_connect_refused_by_spm),
        cmocka_unit_test(test_connect_refused_and_busy),
        cmocka_unit_test(test_status_passthrough),
        cmocka_unit_test(test_programmer_error_terminates),
        cmocka_unit_test(test_client_id),
        cmocka_unit_test(test_invalid_handles),
        cmocka_unit_test(test_malformed_calls),
        cmocka_unit_test(test_rhandle),
        cmocka_unit_test(test_stateless),
        cmocka_unit_test(test_partition_calls_partition),
        cmocka_unit_test(test_partition_programmer_errors_as_client),
        cmocka_unit_test(test_doorbell),
        cmocka_unit_test(test_partition_misuse),
        cmocka_unit_test(test_connect_message_misuse),
        cmocka_unit_test(test_failed_partition),
        cmocka_unit_test(test_connect_limit),
        cmocka_unit_test(test_call_size_limit),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, start_daemon, stop_daemon);
}
