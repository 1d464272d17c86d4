/*
 * test_its.c: psa_its_* from an application, every function and error
 * code, run unchanged against emul (test_its_emul) and against a private
 * wardd (test_its_host). Both SPEs carry the production ITS partition and
 * TP_ITS_USER, a partition using ITS in its own namespace. The quota
 * configuration is written into the partition's state directory before
 * the SPE starts. Platform-specific checks are marked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "its_protocol.h"
#include "psa/client.h"
#include "psa/internal_trusted_storage.h"
#include "psa/lifecycle.h"
#include "psa_manifest/sid.h"
#include "tp_its_user.h"
#include "ward/its.h"
#include "ward_test_env.h"
#ifdef WARD_TEST_PLATFORM_EMUL
#include "ward/emul.h"
#endif
#ifdef WARD_TEST_PLATFORM_HOST
#include "ward_test_daemon.h"
#endif

/* Quotas for these tests: applications 8 objects and 8 KiB; the test's
 * own user (client ID -(uid + 1)) unlimited, so it can fill the store. */
#define QUOTA_OBJECTS 8
#define QUOTA_BYTES 8192

static int write_quota_config(const char *state_dir, const char *text)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/partitions", state_dir);
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
        return -1;
    snprintf(path, sizeof(path), "%s/partitions/its", state_dir);
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
        return -1;
    snprintf(path, sizeof(path), "%s/partitions/its/its.conf", state_dir);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    fputs(text, f);
    return fclose(f) == 0 && chmod(path, 0600) == 0 ? 0 : -1;
}

static void test_config(char *out, size_t n)
{
    snprintf(out, n,
             "# test quotas\nward-its-quota 1\napplications %d %d\nclient %ld 65536 1099511627776\n",
             QUOTA_OBJECTS, QUOTA_BYTES, -((long)getuid() + 1));
}

#ifdef WARD_TEST_PLATFORM_HOST
static struct ward_test_daemon daemon_under_test;

/* A wardd in a fresh environment whose SPE has started once (a new SPE
 * erases partitions/ as it provisions itself), then restarted with conf as
 * its its.conf (if not NULL) and image as its its.img (if not NULL). */
static int prepared_daemon(struct ward_test_daemon *d, const char *const *extra,
                           const char *conf, const void *image, size_t image_len)
{
    char path[512];
    memset(d, 0, sizeof(*d));
    if (ward_test_env_setup(&d->env) != 0 ||
        ward_test_daemon_launch(d, WARD_TEST_WARDD, extra) != 0 ||
        ward_test_daemon_halt(d) != 0)
        return -1;
    if (conf != NULL && write_quota_config(d->env.state_dir, conf) != 0)
        return -1;
    if (image != NULL) {
        snprintf(path, sizeof(path), "%s/partitions/its/its.img", d->env.state_dir);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0 || write(fd, image, image_len) != (ssize_t)image_len || close(fd) != 0)
            return -1;
    }
    return ward_test_daemon_launch(d, WARD_TEST_WARDD, extra);
}

static int setup(void **state)
{
    char conf[256];
    (void)state;
    test_config(conf, sizeof(conf));
    return prepared_daemon(&daemon_under_test, NULL, conf, NULL, 0);
}

static int teardown(void **state)
{
    (void)state;
    return ward_test_daemon_stop(&daemon_under_test);
}
#else
static struct ward_test_env env;

static int setup(void **state)
{
    char conf[256];
    (void)state;
    struct psa_storage_info_t info;
    test_config(conf, sizeof(conf));
    if (ward_test_env_setup(&env) != 0)
        return -1;
    /* Start the SPE once in a child: a new SPE erases partitions/ as it
     * provisions itself, so the configuration goes in afterwards. */
    pid_t pid = fork();
    if (pid == 0)
        _exit(psa_its_get_info(1, &info) == PSA_ERROR_DOES_NOT_EXIST ? 0 : 1);
    int st;
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return -1;
    return write_quota_config(env.state_dir, conf);
}

static int teardown(void **state)
{
    (void)state;
    return ward_test_env_teardown(&env);
}
#endif

static void fill(uint8_t *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(seed * 31u + i * 7u);
}

static void its_expect(uint64_t uid, const void *want, size_t n)
{
    uint8_t got[ITS_MAX_ASSET_SIZE];
    size_t len = 12345;
    assert_int_equal(psa_its_get(uid, 0, sizeof(got), got, &len), PSA_SUCCESS);
    assert_int_equal(len, n);
    assert_memory_equal(got, want, n);
}

static void test_lifecycle_secured(void **state)
{
    (void)state;
#ifdef WARD_TEST_PLATFORM_EMUL
    /* emul applications can ask; on host they ask the Platform service
     * (not built yet), so the WRITE_ONCE tests rely on wardd's default. */
    assert_int_equal(psa_rot_lifecycle_state() & PSA_LIFECYCLE_PSA_STATE_MASK,
                     PSA_LIFECYCLE_SECURED);
#endif
}

static void test_set_get_info_remove(void **state)
{
    (void)state;
    struct psa_storage_info_t info;
    uint8_t out[16];
    size_t len;
    assert_int_equal(psa_its_set(1, 5, "hello", PSA_STORAGE_FLAG_NONE), PSA_SUCCESS);
    its_expect(1, "hello", 5);
    assert_int_equal(psa_its_get_info(1, &info), PSA_SUCCESS);
    assert_int_equal(info.capacity, 5);
    assert_int_equal(info.size, 5);
    assert_int_equal(info.flags, PSA_STORAGE_FLAG_NONE);
    /* Replace, shorter then longer. */
    assert_int_equal(psa_its_set(1, 2, "hi", PSA_STORAGE_FLAG_NONE), PSA_SUCCESS);
    its_expect(1, "hi", 2);
    assert_int_equal(psa_its_set(1, 11, "hello world", PSA_STORAGE_FLAG_NONE), PSA_SUCCESS);
    its_expect(1, "hello world", 11);
    assert_int_equal(psa_its_remove(1), PSA_SUCCESS);
    assert_int_equal(psa_its_get(1, 0, sizeof(out), out, &len), PSA_ERROR_DOES_NOT_EXIST);
    assert_int_equal(psa_its_get_info(1, &info), PSA_ERROR_DOES_NOT_EXIST);
    assert_int_equal(psa_its_remove(1), PSA_ERROR_DOES_NOT_EXIST);
}

static void test_uid_zero(void **state)
{
    (void)state;
    struct psa_storage_info_t info;
    uint8_t out[4];
    size_t len;
    assert_int_equal(psa_its_set(0, 1, "x", 0), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_its_get(0, 0, sizeof(out), out, &len), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_its_get_info(0, &info), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_its_remove(0), PSA_ERROR_INVALID_ARGUMENT);
}

static void test_bad_pointers(void **state)
{
    (void)state;
    uint8_t out[4];
    size_t len;
    assert_int_equal(psa_its_set(2, 1, NULL, 0), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_its_get(2, 0, 4, NULL, &len), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_its_get(2, 0, 4, out, NULL), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_its_get_info(2, NULL), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_its_get_info(2, NULL), PSA_ERROR_INVALID_ARGUMENT);
    /* Nothing was created. */
    struct psa_storage_info_t info;
    assert_int_equal(psa_its_get_info(2, &info), PSA_ERROR_DOES_NOT_EXIST);
}

static void test_flags(void **state)
{
    (void)state;
    struct psa_storage_info_t info;
    assert_int_equal(psa_its_set(3, 1, "a", 1u << 3), PSA_ERROR_NOT_SUPPORTED);
    assert_int_equal(psa_its_set(3, 1, "a", 0x80000000u), PSA_ERROR_NOT_SUPPORTED);
    assert_int_equal(psa_its_set(3, 5000, NULL, 1u << 4), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_its_get_info(3, &info), PSA_ERROR_DOES_NOT_EXIST);
    /* The two hints are accepted, and not applied: get_info reports the
     * protection actually given, which is the same for every object. */
    assert_int_equal(psa_its_set(3, 1, "a",
                                 PSA_STORAGE_FLAG_NO_CONFIDENTIALITY |
                                     PSA_STORAGE_FLAG_NO_REPLAY_PROTECTION),
                     PSA_SUCCESS);
    assert_int_equal(psa_its_get_info(3, &info), PSA_SUCCESS);
    assert_int_equal(info.flags, PSA_STORAGE_FLAG_NONE);
    assert_int_equal(psa_its_remove(3), PSA_SUCCESS);
}

/* In a SECURED SPE WRITE_ONCE is final. */
static void test_write_once(void **state)
{
    (void)state;
    struct psa_storage_info_t info;
    const uint64_t uid = 0x5EC0000000000001ull;
    assert_int_equal(psa_its_set(uid, 4, "once", PSA_STORAGE_FLAG_WRITE_ONCE |
                                                    PSA_STORAGE_FLAG_NO_CONFIDENTIALITY),
                     PSA_SUCCESS);
    assert_int_equal(psa_its_get_info(uid, &info), PSA_SUCCESS);
    assert_int_equal(info.flags, PSA_STORAGE_FLAG_WRITE_ONCE);
    assert_int_equal(psa_its_set(uid, 5, "twice", PSA_STORAGE_FLAG_NONE),
                     PSA_ERROR_NOT_PERMITTED);
    assert_int_equal(psa_its_set(uid, 4, "once", PSA_STORAGE_FLAG_WRITE_ONCE),
                     PSA_ERROR_NOT_PERMITTED);
    assert_int_equal(psa_its_remove(uid), PSA_ERROR_NOT_PERMITTED);
    its_expect(uid, "once", 4);
}

static void test_offsets(void **state)
{
    (void)state;
    uint8_t out[16];
    size_t len;
    assert_int_equal(psa_its_set(4, 10, "0123456789", 0), PSA_SUCCESS);
    memset(out, 0xEE, sizeof(out));
    assert_int_equal(psa_its_get(4, 2, 4, out, &len), PSA_SUCCESS);
    assert_int_equal(len, 4);
    assert_memory_equal(out, "2345", 4);
    assert_int_equal(out[4], 0xEE); /* nothing past data_size */
    /* Clipped at the end; bytes past *p_data_length untouched. */
    memset(out, 0xEE, sizeof(out));
    assert_int_equal(psa_its_get(4, 8, sizeof(out), out, &len), PSA_SUCCESS);
    assert_int_equal(len, 2);
    assert_memory_equal(out, "89", 2);
    assert_int_equal(out[2], 0xEE);
    /* data_offset == size, or data_size 0: nothing, buffer untouched. */
    memset(out, 0xEE, sizeof(out));
    len = 99;
    assert_int_equal(psa_its_get(4, 10, sizeof(out), out, &len), PSA_SUCCESS);
    assert_int_equal(len, 0);
    assert_int_equal(out[0], 0xEE);
    len = 99;
    assert_int_equal(psa_its_get(4, 3, 0, NULL, &len), PSA_SUCCESS);
    assert_int_equal(len, 0);
    /* data_offset > size. */
    assert_int_equal(psa_its_get(4, 11, sizeof(out), out, &len), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_its_get(4, SIZE_MAX, sizeof(out), out, &len),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_its_remove(4), PSA_SUCCESS);
}

static void test_zero_length_and_limits(void **state)
{
    (void)state;
    struct psa_storage_info_t info;
    static uint8_t big[ITS_MAX_ASSET_SIZE + 1];
    size_t len = 99;
    assert_int_equal(psa_its_set(5, 0, NULL, 0), PSA_SUCCESS);
    assert_int_equal(psa_its_get_info(5, &info), PSA_SUCCESS);
    assert_int_equal(info.size, 0);
    assert_int_equal(info.capacity, 0);
    assert_int_equal(psa_its_get(5, 0, sizeof(big), big, &len), PSA_SUCCESS);
    assert_int_equal(len, 0);
    fill(big, sizeof(big), 5);
    assert_int_equal(psa_its_set(5, ITS_MAX_ASSET_SIZE, big, 0), PSA_SUCCESS);
    its_expect(5, big, ITS_MAX_ASSET_SIZE);
    /* One byte more than the largest asset: refused, the old value kept. */
    assert_int_equal(psa_its_set(5, ITS_MAX_ASSET_SIZE + 1, big, 0),
                     PSA_ERROR_INVALID_ARGUMENT);
    its_expect(5, big, ITS_MAX_ASSET_SIZE);
    assert_int_equal(psa_its_remove(5), PSA_SUCCESS);
}

/* The whole 64-bit uid counts: uids equal in their low or high halves
 * are different objects. */
static void test_full_64bit_uids(void **state)
{
    (void)state;
    const uint64_t uids[] = {6, 0x0000000100000006ull, 0x8000000000000006ull,
                             0xFFFFFFFFFFFFFFFFull, 0x0000000600000000ull};
    char v[8];
    for (unsigned i = 0; i < 5; i++) {
        snprintf(v, sizeof(v), "v%u", i);
        assert_int_equal(psa_its_set(uids[i], 2, v, 0), PSA_SUCCESS);
    }
    for (unsigned i = 0; i < 5; i++) {
        snprintf(v, sizeof(v), "v%u", i);
        its_expect(uids[i], v, 2);
    }
    /* ward_its_list: in uid order, paged. */
    psa_storage_uid_t got[8];
    size_t n;
    assert_int_equal(ward_its_list(0, got, 8, &n), PSA_SUCCESS);
    size_t seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            assert_true(got[i] > got[i - 1]);
        for (unsigned k = 0; k < 5; k++)
            seen += got[i] == uids[k];
    }
    assert_int_equal(seen, 5);
    assert_int_equal(ward_its_list(0x8000000000000006ull, got, 8, &n), PSA_SUCCESS);
    assert_int_equal(n, 1);
    assert_true(got[0] == 0xFFFFFFFFFFFFFFFFull);
    assert_int_equal(ward_its_list(0xFFFFFFFFFFFFFFFFull, got, 8, &n), PSA_SUCCESS);
    assert_int_equal(n, 0);
    assert_int_equal(ward_its_list(0, NULL, 8, &n), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(ward_its_list(0, got, 8, NULL), PSA_ERROR_INVALID_ARGUMENT);
    /* A page of one. */
    assert_int_equal(ward_its_list(6, got, 1, &n), PSA_SUCCESS);
    assert_int_equal(n, 1);
    assert_true(got[0] > 6);
    for (unsigned i = 0; i < 5; i++)
        assert_int_equal(psa_its_remove(uids[i]), PSA_SUCCESS);
}

/* Malformed requests straight to the service, as a hostile client would
 * send them: parameters of the wrong size, an unknown type. */
static void test_malformed_requests(void **state)
{
    (void)state;
    uint8_t p[32] = {1};
    uint8_t out[32];
    psa_invec in = {p, 7};
    psa_outvec ov = {out, sizeof(out)};
    assert_int_equal(psa_call(ITS_SERVICE_HANDLE, ITS_REQ_SET, &in, 1, NULL, 0),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_call(ITS_SERVICE_HANDLE, ITS_REQ_GET, &in, 1, &ov, 1),
                     PSA_ERROR_INVALID_ARGUMENT);
    in.len = 9;
    assert_int_equal(psa_call(ITS_SERVICE_HANDLE, ITS_REQ_REMOVE, &in, 1, NULL, 0),
                     PSA_ERROR_INVALID_ARGUMENT);
    in.len = 8;
    ov.len = 4; /* too small for the info reply */
    assert_int_equal(psa_call(ITS_SERVICE_HANDLE, ITS_REQ_GET_INFO, &in, 1, &ov, 1),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_call(ITS_SERVICE_HANDLE, 77, &in, 1, NULL, 0),
                     PSA_ERROR_NOT_SUPPORTED);
    /* A set with extra vectors. */
    psa_invec three[3] = {{p, 12}, {p, 1}, {p, 1}};
    assert_int_equal(psa_call(ITS_SERVICE_HANDLE, ITS_REQ_SET, three, 3, NULL, 0),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(psa_version(ITS_SERVICE_SID), 1);
}

/* A partition's objects are in its own namespace (client ID 300). */
static void test_partition_namespace(void **state)
{
    (void)state;
    uint64_t uid = 77;
    uint8_t out[32];
    psa_invec in[2] = {{&uid, sizeof(uid)}, {"partition", 9}};
    psa_outvec ov = {out, sizeof(out)};
    assert_int_equal(psa_call(TP_ITS_USER_SVC_HANDLE, TP_ITS_USER_SET, in, 2, NULL, 0),
                     PSA_SUCCESS);
    struct psa_storage_info_t info;
    assert_int_equal(psa_its_get_info(77, &info), PSA_ERROR_DOES_NOT_EXIST);
    assert_int_equal(psa_its_set(77, 3, "app", 0), PSA_SUCCESS);
    assert_int_equal(psa_call(TP_ITS_USER_SVC_HANDLE, TP_ITS_USER_GET, in, 1, &ov, 1),
                     PSA_SUCCESS);
    assert_int_equal(ov.len, 9);
    assert_memory_equal(out, "partition", 9);
    its_expect(77, "app", 3);
    assert_int_equal(psa_its_remove(77), PSA_SUCCESS);
    ov.len = sizeof(out);
    assert_int_equal(psa_call(TP_ITS_USER_SVC_HANDLE, TP_ITS_USER_GET, in, 1, &ov, 1),
                     PSA_SUCCESS);
    assert_int_equal(ov.len, 9);
}

/* Fill the whole store as the unlimited client: INSUFFICIENT_STORAGE at
 * the end, and every object stored before it intact. */
static void test_store_full(void **state)
{
    (void)state;
    static uint8_t v[ITS_MAX_ASSET_SIZE];
    uint64_t n = 0;
    psa_status_t st;
    const uint64_t base = 0xF1110000ull;
    for (;;) {
        fill(v, sizeof(v), (unsigned)n);
        st = psa_its_set(base + n, sizeof(v), v, 0);
        if (st != PSA_SUCCESS)
            break;
        n++;
        assert_true(n < 10000);
    }
    assert_int_equal(st, PSA_ERROR_INSUFFICIENT_STORAGE);
    assert_true(n > 100); /* a 2 MiB image holds several hundred */
    /* A refused overwrite loses nothing either. */
    fill(v, sizeof(v), 9999);
    assert_int_equal(psa_its_set(base, sizeof(v), v, 0), PSA_ERROR_INSUFFICIENT_STORAGE);
    for (uint64_t i = 0; i < n; i++) {
        fill(v, sizeof(v), (unsigned)i);
        its_expect(base + i, v, sizeof(v));
    }
    for (uint64_t i = 0; i < n; i++)
        assert_int_equal(psa_its_remove(base + i), PSA_SUCCESS);
    assert_int_equal(psa_its_set(base, sizeof(v), v, 0), PSA_SUCCESS);
    assert_int_equal(psa_its_remove(base), PSA_SUCCESS);
}

/* As a quota-limited client: the quota's objects and bytes, checked
 * before anything is written. Returns 0 when all held (also used by the
 * host test from another Unix user's process, so no cmocka asserts). */
static int quota_checks(uint64_t base)
{
    uint8_t v[1024];
    int bad = 0;
    fill(v, sizeof(v), 1);
    for (int i = 0; i < QUOTA_OBJECTS; i++)
        bad |= psa_its_set(base + (uint64_t)i, sizeof(v), v, 0) != PSA_SUCCESS;
    bad |= (psa_its_set(base + 100, 1, "x", 0) != PSA_ERROR_INSUFFICIENT_STORAGE) << 1;
    /* Bytes: all 8 KiB are used; growing one object is refused... */
    uint8_t w[1100];
    fill(w, sizeof(w), 2);
    bad |= (psa_its_set(base, 1025, w, 0) != PSA_ERROR_INSUFFICIENT_STORAGE) << 2;
    /* ...shrinking one and growing another within the total is not. */
    bad |= (psa_its_set(base, 1000, w, 0) != PSA_SUCCESS) << 3;
    bad |= (psa_its_set(base + 1, 1024 + 24, w, 0) != PSA_SUCCESS) << 4;
    uint8_t got[1100];
    size_t len;
    bad |= (psa_its_get(base + 2, 0, sizeof(got), got, &len) != PSA_SUCCESS ||
            len != sizeof(v) || memcmp(got, v, len) != 0) << 5;
    /* After a remove there is room again. */
    bad |= (psa_its_remove(base + 3) != PSA_SUCCESS) << 6;
    bad |= (psa_its_set(base + 100, 1, "x", 0) != PSA_SUCCESS) << 7;
    return bad;
}

/* quota_checks, then trade base + 100 for uid 42 holding value: the quota
 * stays full. */
static int quota_fill(uint64_t base, const char *value)
{
    int bad = quota_checks(base);
    bad |= (psa_its_remove(base + 100) != PSA_SUCCESS) << 8;
    bad |= (psa_its_set(42, strlen(value), value, 0) != PSA_SUCCESS) << 9;
    bad |= (psa_its_set(43, 1, "y", 0) != PSA_ERROR_INSUFFICIENT_STORAGE) << 10;
    return bad;
}

static int quota_cleanup(uint64_t base)
{
    int bad = 0;
    for (int i = 0; i < QUOTA_OBJECTS; i++)
        if (i != 3)
            bad |= psa_its_remove(base + (uint64_t)i) != PSA_SUCCESS;
    bad |= (psa_its_remove(42) != PSA_SUCCESS) << 1;
    return bad;
}

#ifdef WARD_TEST_PLATFORM_EMUL
/* emul: one process acting as two clients. Each has its own namespace and
 * its own quota. */
static void test_namespaces_and_quota_emul(void **state)
{
    (void)state;
    int32_t me = ward_emul_client_id();
    struct psa_storage_info_t info;
    psa_storage_uid_t got[4];
    size_t n;
    assert_int_equal(ward_emul_set_client_id(-4001), PSA_SUCCESS);
    assert_int_equal(quota_fill(0x1000, "first"), 0);
    assert_int_equal(ward_emul_set_client_id(-4002), PSA_SUCCESS);
    /* The other client sees nothing of the first's. */
    assert_int_equal(psa_its_get_info(42, &info), PSA_ERROR_DOES_NOT_EXIST);
    assert_int_equal(psa_its_remove(0x1000), PSA_ERROR_DOES_NOT_EXIST);
    assert_int_equal(ward_its_list(0, got, 4, &n), PSA_SUCCESS);
    assert_int_equal(n, 0);
    /* The first client's full quota does not stop it. */
    assert_int_equal(psa_its_set(42, 6, "second", 0), PSA_SUCCESS);
    assert_int_equal(ward_its_list(0, got, 4, &n), PSA_SUCCESS);
    assert_int_equal(n, 1);
    assert_true(got[0] == 42);
    assert_int_equal(ward_emul_set_client_id(-4001), PSA_SUCCESS);
    its_expect(42, "first", 5);
    assert_int_equal(quota_cleanup(0x1000), 0);
    assert_int_equal(ward_emul_set_client_id(-4002), PSA_SUCCESS);
    its_expect(42, "second", 6);
    assert_int_equal(psa_its_remove(42), PSA_SUCCESS);
    assert_int_equal(ward_emul_set_client_id(me), PSA_SUCCESS);
}
#endif

#ifdef WARD_TEST_PLATFORM_HOST
static void need_root(const char *what)
{
    if (geteuid() != 0) {
        fprintf(stderr, "SKIPPED %s: needs root to switch users\n", what);
        skip();
    }
}

/* Run fn as Unix user 65534 in a child; returns its exit status. */
static int as_nobody(int (*fn)(void))
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
            _exit(120);
        _exit(fn());
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    return WEXITSTATUS(st);
}

static int nobody_fills(void)
{
    return quota_fill(0x1000, "nobody"); /* its quota, now full */
}

static int nobody_checks_and_cleans(void)
{
    uint8_t got[16];
    size_t len;
    psa_storage_uid_t uids[16];
    size_t n;
    int bad = psa_its_get(42, 0, sizeof(got), got, &len) != PSA_SUCCESS ||
              len != 6 || memcmp(got, "nobody", 6) != 0;
    /* root's uid 43 is not visible; the list holds only its own. */
    struct psa_storage_info_t info;
    bad |= (psa_its_get_info(43, &info) != PSA_ERROR_DOES_NOT_EXIST) << 1;
    bad |= (ward_its_list(0, uids, 16, &n) != PSA_SUCCESS || n != QUOTA_OBJECTS) << 2;
    bad |= quota_cleanup(0x1000) << 3;
    return bad;
}

/* host: two Unix users are two namespaces; one filling its quota does not
 * stop the other. */
static void test_two_users(void **state)
{
    (void)state;
    need_root("test_two_users");
    /* Let the other user reach the socket; the state stays private. */
    assert_int_equal(chmod(daemon_under_test.env.root, 0711), 0);
    assert_int_equal(chmod(daemon_under_test.env.socket_path, 0666), 0);
    assert_int_equal(psa_its_set(42, 4, "root", 0), PSA_SUCCESS);
    assert_int_equal(psa_its_set(43, 5, "root2", 0), PSA_SUCCESS);
    assert_int_equal(as_nobody(nobody_fills), 0);
    /* Root still stores, and still has its own uid 42. */
    its_expect(42, "root", 4);
    assert_int_equal(psa_its_set(44, 4, "more", 0), PSA_SUCCESS);
    assert_int_equal(as_nobody(nobody_checks_and_cleans), 0);
    its_expect(42, "root", 4);
    for (uint64_t u = 42; u <= 44; u++)
        assert_int_equal(psa_its_remove(u), PSA_SUCCESS);
}

/* A stream of sets from a child process; wardd's whole process group is
 * SIGKILLed part-way; after a restart every acknowledged set is there. */
static int setter(int ackfd, unsigned round)
{
    uint8_t v[256];
    for (uint32_t i = 0;; i++) {
        fill(v, sizeof(v), round * 1000 + i % 1000);
        if (psa_its_set(0x7000 + (i % 300), sizeof(v), v, 0) != PSA_SUCCESS)
            return 0;
        if (write(ackfd, &i, sizeof(i)) != (ssize_t)sizeof(i))
            return 1;
    }
}

static uint32_t acked_value_seed[300];
static uint8_t acked_present[300];
static int32_t inflight = -1;
static unsigned inflight_seed;

static int verifier(void)
{
    uint8_t v[256], got[256];
    size_t len;
    for (unsigned k = 0; k < 300; k++) {
        psa_status_t st = psa_its_get(0x7000 + k, 0, sizeof(got), got, &len);
        if ((int32_t)k == inflight) {
            /* Old value, new value, or (if it was new) absent. */
            fill(v, sizeof(v), inflight_seed);
            if (st == PSA_SUCCESS && len == sizeof(v) && memcmp(got, v, len) == 0)
                continue;
            if (!acked_present[k] && st == PSA_ERROR_DOES_NOT_EXIST)
                continue;
        }
        if (!acked_present[k]) {
            if (st != PSA_ERROR_DOES_NOT_EXIST)
                return 1;
            continue;
        }
        fill(v, sizeof(v), acked_value_seed[k]);
        if (st != PSA_SUCCESS || len != sizeof(v) || memcmp(got, v, len) != 0)
            return 2;
    }
    return 0;
}

static void test_sigkill_during_sets(void **state)
{
    (void)state;
    for (unsigned round = 1; round <= 3; round++) {
        int p[2];
        assert_int_equal(pipe(p), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(p[0]);
            _exit(setter(p[1], round));
        }
        close(p[1]);
        /* Let it get going, then kill wardd mid-stream. */
        uint32_t i, last = UINT32_MAX;
        unsigned want = 20 + (unsigned)(rand() % 60);
        for (unsigned got = 0; got < want && read(p[0], &i, sizeof(i)) == (ssize_t)sizeof(i);
             got++)
            last = i;
        assert_int_equal(ward_test_daemon_kill(&daemon_under_test), 0);
        while (read(p[0], &i, sizeof(i)) == (ssize_t)sizeof(i))
            last = i;
        close(p[0]);
        int st;
        assert_int_equal(waitpid(pid, &st, 0), pid);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 0);
        assert_true(last != UINT32_MAX);
        for (uint32_t k = 0; k <= last; k++) {
            acked_present[k % 300] = 1;
            acked_value_seed[k % 300] = round * 1000 + k % 1000;
        }
        inflight = (int32_t)((last + 1) % 300);
        inflight_seed = round * 1000 + (last + 1) % 1000;
        assert_int_equal(ward_test_daemon_launch(&daemon_under_test, WARD_TEST_WARDD, NULL), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
            _exit(verifier());
        assert_int_equal(waitpid(pid, &st, 0), pid);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 0);
        /* The in-flight set settles one way or the other; record which. */
        pid = fork();
        if (pid == 0) {
            uint8_t v[256], got[256];
            size_t len;
            fill(v, sizeof(v), inflight_seed);
            _exit(psa_its_get(0x7000 + (uint64_t)inflight, 0, sizeof(got), got, &len) ==
                          PSA_SUCCESS && len == sizeof(v) && memcmp(got, v, len) == 0 ? 1 : 0);
        }
        assert_int_equal(waitpid(pid, &st, 0), pid);
        if (WIFEXITED(st) && WEXITSTATUS(st) == 1) {
            acked_present[inflight] = 1;
            acked_value_seed[inflight] = inflight_seed;
        }
        inflight = -1;
    }
}

static int provisioning_checks(void)
{
    int bad = psa_its_set(9, 4, "fact", PSA_STORAGE_FLAG_WRITE_ONCE) != PSA_SUCCESS;
    /* Not enforced in PSA_ROT_PROVISIONING: replace and remove work. */
    bad |= (psa_its_set(9, 5, "fact2", PSA_STORAGE_FLAG_WRITE_ONCE) != PSA_SUCCESS) << 1;
    struct psa_storage_info_t info;
    bad |= (psa_its_get_info(9, &info) != PSA_SUCCESS ||
            info.flags != PSA_STORAGE_FLAG_WRITE_ONCE || info.size != 5) << 2;
    bad |= (psa_its_remove(9) != PSA_SUCCESS) << 3;
    bad |= (psa_its_set(9, 4, "kept", PSA_STORAGE_FLAG_WRITE_ONCE) != PSA_SUCCESS) << 4;
    return bad;
}

/* Runs fn in a child (which gets its own libward-client session against
 * whatever WARD_SOCKET now names). */
static int in_child(int (*fn)(void))
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(fn());
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    return WEXITSTATUS(st);
}

static void test_write_once_provisioning(void **state)
{
    (void)state;
    struct ward_test_daemon d;
    const char *extra[] = {"--provisioning", NULL};
    assert_int_equal(prepared_daemon(&d, extra, NULL, NULL, 0), 0);
    assert_int_equal(in_child(provisioning_checks), 0);
    ward_test_daemon_stop(&d);
    setenv("WARD_SOCKET", daemon_under_test.env.socket_path, 1);
}

static int expect_storage_failure(void)
{
    uint8_t got[4];
    size_t len;
    struct psa_storage_info_t info;
    int bad = psa_its_set(1, 1, "x", 0) != PSA_ERROR_STORAGE_FAILURE;
    bad |= (psa_its_get(1, 0, 4, got, &len) != PSA_ERROR_STORAGE_FAILURE) << 1;
    bad |= (psa_its_get_info(1, &info) != PSA_ERROR_STORAGE_FAILURE) << 2;
    bad |= (psa_its_remove(1) != PSA_ERROR_STORAGE_FAILURE) << 3;
    /* uid 0 is still an argument error first. */
    bad |= (psa_its_remove(0) != PSA_ERROR_INVALID_ARGUMENT) << 4;
    return bad;
}

/* A configuration that does not parse: ITS fails closed. */
static void test_bad_config(void **state)
{
    (void)state;
    struct ward_test_daemon d;
    assert_int_equal(prepared_daemon(&d, NULL, "ward-its-quota 1\napplications lots 1\n", NULL, 0), 0);
    assert_int_equal(in_child(expect_storage_failure), 0);
    ward_test_daemon_stop(&d);
    setenv("WARD_SOCKET", daemon_under_test.env.socket_path, 1);
}

/* A foreign image is refused, never reformatted. */
static void test_foreign_image(void **state)
{
    (void)state;
    struct ward_test_daemon d;
    char path[512];
    static uint8_t junk[64u * 1024u * 32u], back[sizeof(junk)];
    memset(junk, 0x5A, sizeof(junk));
    assert_int_equal(prepared_daemon(&d, NULL, NULL, junk, sizeof(junk)), 0);
    assert_int_equal(in_child(expect_storage_failure), 0);
    /* The image is as it was. */
    snprintf(path, sizeof(path), "%s/partitions/its/its.img", d.env.state_dir);
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(read(fd, back, sizeof(back)), (ssize_t)sizeof(back));
    close(fd);
    assert_memory_equal(back, junk, sizeof(junk));
    ward_test_daemon_stop(&d);
    setenv("WARD_SOCKET", daemon_under_test.env.socket_path, 1);
}
#endif

int main(void)
{
    srand((unsigned)time(NULL));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lifecycle_secured),
        cmocka_unit_test(test_set_get_info_remove),
        cmocka_unit_test(test_uid_zero),
        cmocka_unit_test(test_bad_pointers),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_write_once),
        cmocka_unit_test(test_offsets),
        cmocka_unit_test(test_zero_length_and_limits),
        cmocka_unit_test(test_full_64bit_uids),
        cmocka_unit_test(test_malformed_requests),
        cmocka_unit_test(test_partition_namespace),
        cmocka_unit_test(test_store_full),
#ifdef WARD_TEST_PLATFORM_EMUL
        cmocka_unit_test(test_namespaces_and_quota_emul),
#endif
#ifdef WARD_TEST_PLATFORM_HOST
        cmocka_unit_test(test_two_users),
        cmocka_unit_test(test_sigkill_during_sets),
        cmocka_unit_test(test_write_once_provisioning),
        cmocka_unit_test(test_bad_config),
        cmocka_unit_test(test_foreign_image),
#endif
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
