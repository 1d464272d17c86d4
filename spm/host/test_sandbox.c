/*
 * test_sandbox.c: the level-2 building blocks: a measured, sealed image
 * executed with only the descriptors named and no environment, and the
 * sandbox (no_new_privs, no dumps, Landlock to one directory, seccomp
 * allow-list killing anything else).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "image.h"
#include "sandbox.h"
#include "ward_test_env.h"

extern char **environ;

/* Run as the spawned image: report what it was given on descriptor 3. */
static int probe(void)
{
    int envs = 0, extra = 0;
    for (char **e = environ; *e != NULL; e++)
        envs++;
    for (int fd = 4; fd < 64; fd++)
        if (fcntl(fd, F_GETFD) >= 0)
            extra++;
    char line[64];
    int n = snprintf(line, sizeof(line), "env=%d extra=%d\n", envs, extra);
    return write(3, line, (size_t)n) == n ? 0 : 1;
}

static void sha256_file(const char *path, uint8_t out[32])
{
    uint8_t buf[65536];
    unsigned int len = 0;
    FILE *f = fopen(path, "rb");
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    assert_non_null(f);
    assert_int_equal(EVP_DigestInit_ex(md, EVP_sha256(), NULL), 1);
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        assert_int_equal(EVP_DigestUpdate(md, buf, n), 1);
    fclose(f);
    assert_int_equal(EVP_DigestFinal_ex(md, out, &len), 1);
    EVP_MD_CTX_free(md);
}

static void test_image(void **state)
{
    (void)state;
    struct ward_image img;
    char err[256];
    uint8_t want[32];
    assert_int_equal(ward_image_load("/proc/self/exe", &img, err, sizeof(err)), 0);
    sha256_file("/proc/self/exe", want);
    assert_memory_equal(img.sha256, want, 32);
    /* The copy is sealed: it cannot be written or resized. */
    assert_int_equal(write(img.fd, "x", 1), -1);
    assert_int_equal(ftruncate(img.fd, 1), -1);

    int report[2], stray[2];
    assert_int_equal(pipe(report), 0);
    assert_int_equal(pipe(stray), 0); /* must not reach the child */
    setenv("WARD_SECRET_FOR_TEST", "nope", 1);
    char *argv[] = {"probe", "--probe", NULL};
    pid_t pid = ward_image_spawn(&img, argv, &report[1], 1);
    assert_true(pid > 0);
    close(report[1]);
    char line[64] = "";
    assert_true(read(report[0], line, sizeof(line) - 1) > 0);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_string_equal(line, "env=0 extra=0\n");
    close(report[0]);
    close(stray[0]);
    close(stray[1]);
    ward_image_close(&img);
    assert_int_equal(ward_image_load("/nonexistent-ward-binary", &img, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "No such file"));
}

static void test_sandbox(void **state)
{
    (void)state;
    struct ward_test_env env;
    int fds[2], go[2];
    assert_int_equal(ward_test_env_setup(&env), 0);
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(pipe(go), 0);
    pid_t parent = getpid();
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct ward_sandbox sb = {.rw_dir = env.state_dir, .log_only = false};
#ifdef WARD_SANITIZE_BUILD
        sb.log_only = true;
#endif
        struct ward_sandbox_report rep;
        char err[256], path[300], line[128];
        if (ward_sandbox_apply(&sb, parent, &rep, err, sizeof(err)) != 0)
            _exit(10);
        snprintf(path, sizeof(path), "%s/inside", env.state_dir);
        int in = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        int out = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
        int out_errno = errno;
        int n = snprintf(line, sizeof(line), "inside=%d outside=%d errno=%d landlock=%d\n",
                         in >= 0, out >= 0, out_errno, rep.landlock_abi);
        (void)!write(fds[1], line, (size_t)n);
        /* Wait while the parent looks at /proc/<pid>/status. */
        char c;
        (void)!read(go[0], &c, 1);
        /* Not on the allow-list: the kernel kills the process here. */
        syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
        _exit(0);
    }
    close(fds[1]);
    close(go[0]);
    char line[128] = "", path[64], st[4096] = "";
    assert_true(read(fds[0], line, sizeof(line) - 1) > 0);
    close(fds[0]);
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t got = fread(st, 1, sizeof(st) - 1, f);
    st[got] = '\0';
    fclose(f);
    assert_non_null(strstr(st, "NoNewPrivs:\t1"));
    assert_non_null(strstr(st, "Seccomp:\t2")); /* a filter is in force */
    assert_int_equal(write(go[1], "g", 1), 1);
    close(go[1]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    print_message("%s", line);
    assert_non_null(strstr(line, "inside=1"));
    if (strstr(line, "landlock=0") == NULL) {
        assert_non_null(strstr(line, "outside=0"));
        assert_non_null(strstr(line, "errno=13")); /* EACCES */
    } else {
        fprintf(stderr, "NOTE: this kernel has no Landlock; file-system confinement "
                        "not checked\n");
    }
#ifdef WARD_SANITIZE_BUILD
    assert_true(WIFEXITED(status)); /* seccomp only logs here */
#else
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGSYS);
#endif
    assert_int_equal(ward_test_env_teardown(&env), 0);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--probe") == 0)
        return probe();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_image),
        cmocka_unit_test(test_sandbox),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
