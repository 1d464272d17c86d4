/*
 * Tests of the host file backend: a preallocated private image, refused
 * when its mode, type or size is wrong, locked against a second open, and
 * a store on it that survives close and reopen.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "its_store.h"
#include "ward_test_env.h"

#define SS 4096u
#define NS 4u
static const struct its_store_config cfg = {.max_object_size = 1024,
                                            .max_objects = 16};

static void image_path(void **state, const char *name,
                       char out[WARD_TEST_PATH_MAX])
{
    assert_int_equal(ward_test_env_path(*state, name, out), 0);
}

static void test_create_and_persist(void **state)
{
    char path[WARD_TEST_PATH_MAX];
    struct its_file_flash ff;
    struct its_store st;
    struct stat sb;
    const char *why = NULL;
    uint8_t buf[1024];
    size_t len;
    image_path(state, "persist.img", path);
    assert_int_equal(its_file_flash_create(path, SS, NS), PSA_SUCCESS);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(sb.st_size, SS * NS);
    assert_int_equal(its_file_flash_create(path, SS, NS),
                     PSA_ERROR_ALREADY_EXISTS);
    assert_int_equal(its_file_flash_open(&ff, path, SS, NS, &why),
                     PSA_SUCCESS);
    assert_int_equal(its_store_open(&st, &ff.flash, &cfg),
                     PSA_ERROR_DOES_NOT_EXIST);
    assert_int_equal(its_store_format(&ff.flash, &cfg), PSA_SUCCESS);
    assert_int_equal(its_store_open(&st, &ff.flash, &cfg), PSA_SUCCESS);
    for (unsigned i = 0; i < 40; i++) {
        memset(buf, (int)i, sizeof(buf));
        assert_int_equal(its_store_set(&st, i % 5, i, buf, 1000), PSA_SUCCESS);
    }
    uint64_t syncs = ff.syncs;
    assert_int_equal(its_store_set(&st, 99, 0, buf, 10), PSA_SUCCESS);
    /* One sync for a set that needs no new sector. */
    assert_int_equal(ff.syncs - syncs, 1);
    its_store_close(&st);
    its_file_flash_close(&ff);
    its_file_flash_close(&ff); /* harmless */

    assert_int_equal(its_file_flash_open(&ff, path, SS, NS, NULL),
                     PSA_SUCCESS);
    assert_int_equal(its_store_open(&st, &ff.flash, &cfg), PSA_SUCCESS);
    for (unsigned k = 0; k < 5; k++) {
        uint32_t flags;
        assert_int_equal(its_store_get(&st, k, 0, sizeof(buf), buf, &len),
                         PSA_SUCCESS);
        assert_int_equal(len, 1000);
        assert_int_equal(its_store_get_info(&st, k, NULL, &flags),
                         PSA_SUCCESS);
        assert_int_equal(buf[0], flags);
        assert_int_equal(flags, 35 + k);
    }
    its_store_close(&st);
    its_file_flash_close(&ff);
}

static void test_second_open_locked(void **state)
{
    char path[WARD_TEST_PATH_MAX];
    struct its_file_flash a, b;
    const char *why = NULL;
    image_path(state, "lock.img", path);
    assert_int_equal(its_file_flash_create(path, SS, NS), PSA_SUCCESS);
    assert_int_equal(its_file_flash_open(&a, path, SS, NS, &why), PSA_SUCCESS);
    assert_int_equal(its_file_flash_open(&b, path, SS, NS, &why),
                     PSA_ERROR_BAD_STATE);
    assert_string_equal(why, "image is locked by another open");
    its_file_flash_close(&a);
    assert_int_equal(its_file_flash_open(&b, path, SS, NS, &why), PSA_SUCCESS);
    its_file_flash_close(&b);
}

static void test_refusals(void **state)
{
    char path[WARD_TEST_PATH_MAX], link[WARD_TEST_PATH_MAX];
    struct its_file_flash ff;
    const char *why = NULL;
    image_path(state, "mode.img", path);
    image_path(state, "link.img", link);
    assert_int_equal(its_file_flash_open(&ff, path, SS, NS, &why),
                     PSA_ERROR_DOES_NOT_EXIST);
    assert_int_equal(its_file_flash_create(path, SS, NS), PSA_SUCCESS);
    /* Too open a mode. */
    assert_int_equal(chmod(path, 0640), 0);
    assert_int_equal(its_file_flash_open(&ff, path, SS, NS, &why),
                     PSA_ERROR_NOT_PERMITTED);
    assert_non_null(why);
    assert_int_equal(chmod(path, 0604), 0);
    assert_int_equal(its_file_flash_open(&ff, path, SS, NS, &why),
                     PSA_ERROR_NOT_PERMITTED);
    assert_int_equal(chmod(path, 0600), 0);
    /* Wrong size for the geometry. */
    assert_int_equal(its_file_flash_open(&ff, path, SS, NS + 1, &why),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_string_equal(why, "image size does not match the geometry");
    /* A symbolic link is not followed. */
    assert_int_equal(symlink(path, link), 0);
    assert_int_equal(its_file_flash_open(&ff, link, SS, NS, &why),
                     PSA_ERROR_NOT_PERMITTED);
    /* A directory is not an image. */
    assert_int_equal(its_file_flash_open(&ff, ((struct ward_test_env *)*state)
                                                  ->state_dir,
                                         SS, NS, &why),
                     PSA_ERROR_NOT_PERMITTED);
    assert_int_equal(its_file_flash_open(NULL, path, SS, NS, &why),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_file_flash_open(&ff, path, 0, NS, &why),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_file_flash_create(NULL, SS, NS),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(its_file_flash_create(path, 0x10000, 0x10000),
                     PSA_ERROR_INVALID_ARGUMENT);
    image_path(state, "nodir/x.img", path);
    assert_int_equal(its_file_flash_create(path, SS, NS),
                     PSA_ERROR_STORAGE_FAILURE);
    /* The owner check needs another user: only root can make that file. */
    if (geteuid() == 0) {
        image_path(state, "owner.img", path);
        assert_int_equal(its_file_flash_create(path, SS, NS), PSA_SUCCESS);
        assert_int_equal(chown(path, 12345, 12345), 0);
        assert_int_equal(its_file_flash_open(&ff, path, SS, NS, &why),
                         PSA_ERROR_NOT_PERMITTED);
        assert_string_equal(why, "image owned by another user");
    }
}

static void test_flash_ops_range(void **state)
{
    char path[WARD_TEST_PATH_MAX];
    struct its_file_flash ff;
    uint8_t b = 0;
    image_path(state, "range.img", path);
    assert_int_equal(its_file_flash_create(path, SS, NS), PSA_SUCCESS);
    assert_int_equal(its_file_flash_open(&ff, path, SS, NS, NULL),
                     PSA_SUCCESS);
    assert_int_equal(ff.flash.read(ff.flash.ctx, SS * NS, &b, 1),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(ff.flash.program(ff.flash.ctx, SS * NS - 1, NULL, 1),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(ff.flash.erase(ff.flash.ctx, NS),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(ff.flash.program(ff.flash.ctx, 5, &b, 1), PSA_SUCCESS);
    assert_int_equal(ff.flash.read(ff.flash.ctx, 5, &b, 1), PSA_SUCCESS);
    assert_int_equal(b, 0);
    assert_int_equal(its_flash_erase_all(&ff.flash), PSA_SUCCESS);
    assert_int_equal(ff.flash.read(ff.flash.ctx, 5, &b, 1), PSA_SUCCESS);
    assert_int_equal(b, 0xFF);
    its_file_flash_close(&ff);
}


/*
 * A real process killed mid-workload: the child overwrites three keys with
 * a counter (and its value's length follows the counter) and reports each
 * acknowledged set down a pipe; SIGKILL arrives at a random moment. The
 * parent then opens the image (the kernel has released the dead child's
 * lock) and finds each key at its last acknowledged value or the one in
 * flight, intact.
 */
static void child_workload(const char *path, int wfd, uint32_t base)
{
    struct its_file_flash ff;
    struct its_store st;
    uint8_t buf[1024];
    if (its_file_flash_open(&ff, path, SS, NS, NULL) != PSA_SUCCESS ||
        its_store_open(&st, &ff.flash, &cfg) != PSA_SUCCESS)
        _exit(2);
    for (uint32_t n = base + 1;; n++) {
        uint32_t len = 4 + n % 1000;
        memset(buf, (int)(n & 0xFF), len);
        memcpy(buf, &n, sizeof(n));
        if (its_store_set(&st, n % 3, 0, buf, len) != PSA_SUCCESS)
            _exit(3);
        if (write(wfd, &n, sizeof(n)) != (ssize_t)sizeof(n))
            _exit(4);
    }
}

static void test_killed_process(void **state)
{
    char path[WARD_TEST_PATH_MAX];
    struct its_file_flash ff;
    struct its_store st;
    image_path(state, "killed.img", path);
    assert_int_equal(its_file_flash_create(path, SS, NS), PSA_SUCCESS);
    assert_int_equal(its_file_flash_open(&ff, path, SS, NS, NULL),
                     PSA_SUCCESS);
    assert_int_equal(its_store_format(&ff.flash, &cfg), PSA_SUCCESS);
    its_file_flash_close(&ff);
    srand((unsigned)time(NULL));
    uint32_t prev[3] = {0, 0, 0}; /* 0: never set */
    uint32_t total = 0;
    for (uint32_t round = 0; round < 12; round++) {
        uint32_t base = round * 1000000u;
        int fds[2];
        assert_int_equal(pipe(fds), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(fds[0]);
            child_workload(path, fds[1], base);
        }
        close(fds[1]);
        usleep((useconds_t)(2000 + rand() % 20000));
        kill(pid, SIGKILL);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFSIGNALED(status));
        uint32_t acked[3], n, last = base;
        memcpy(acked, prev, sizeof(acked));
        while (read(fds[0], &n, sizeof(n)) == (ssize_t)sizeof(n)) {
            acked[n % 3] = n;
            last = n;
        }
        close(fds[0]);
        total += last - base;

        assert_int_equal(its_file_flash_open(&ff, path, SS, NS, NULL),
                         PSA_SUCCESS);
        assert_int_equal(its_store_open(&st, &ff.flash, &cfg), PSA_SUCCESS);
        for (uint32_t k = 0; k < 3; k++) {
            uint8_t buf[1024];
            size_t len;
            uint32_t got;
            psa_status_t ps = its_store_get(&st, k, 0, sizeof(buf), buf,
                                            &len);
            if (ps == PSA_ERROR_DOES_NOT_EXIST) {
                assert_int_equal(acked[k], 0); /* never acknowledged */
                continue;
            }
            assert_int_equal(ps, PSA_SUCCESS);
            memcpy(&got, buf, sizeof(got));
            /* The last acknowledged value, or the one in flight. */
            if (got != acked[k])
                assert_true(got == last + 1 && (last + 1) % 3 == k);
            assert_int_equal(len, 4 + got % 1000);
            for (size_t i = sizeof(got); i < len; i++)
                assert_int_equal(buf[i], got & 0xFF);
            prev[k] = got;
        }
        /* Start every round from what this one recovered. */
        its_store_close(&st);
        its_file_flash_close(&ff);
    }
    /* The kills landed in the middle of real work. */
    assert_true(total > 12);
    print_message("%u sets acknowledged over 12 killed runs\n", total);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_and_persist),
        cmocka_unit_test(test_second_open_locked),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_flash_ops_range),
        cmocka_unit_test(test_killed_process),
    };
    return cmocka_run_group_tests(tests, ward_test_env_group_setup,
                                  ward_test_env_group_teardown);
}
