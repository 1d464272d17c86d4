/*
 * bench_its_api.c: psa_its_set/get of 64 B, 1 KiB and 4 KiB through the
 * ITS partition on one platform (built twice: bench_its_emul against emul,
 * bench_its_host against a private wardd it starts), beside, in the same
 * run, the two things a call is made of: the ITS store's own set/get on
 * the same file backend and geometry, and the raw round trip to the ITS
 * partition carrying the same bytes (a request type the partition refuses
 * at once). Operations are interleaved and each figure is a median. Works
 * in a fresh mkdtemp directory, never a default path. bench_its runs both.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "its_protocol.h"
#include "its_service.h"
#include "psa/client.h"
#include "psa/internal_trusted_storage.h"

#ifdef BENCH_EMUL
#define PLATFORM "emul"
#else
#define PLATFORM "host"
#endif

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void die(const char *what, long code)
{
    fprintf(stderr, "bench_its_%s: %s failed (%ld)\n", PLATFORM, what, code);
    exit(1);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof(double), cmp_double);
    return n == 0 ? 0 : v[n / 2];
}

static void fill(uint8_t *buf, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = (uint8_t)(seed + i * 7u);
}

#ifndef BENCH_EMUL
static pid_t start_wardd(const char *wardd, const char *dir)
{
    int ready[2];
    char state[1100], sock[1100], byte;
    snprintf(state, sizeof(state), "%s/state", dir);
    snprintf(sock, sizeof(sock), "%s/s", dir);
    setenv("WARD_SOCKET", sock, 1);
    if (pipe(ready) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(ready[1], 3);
        execl(wardd, wardd, "--foreground", "--state-dir", state, "--socket", sock,
              "--ready-fd", "3", "--log-level", "0", (char *)NULL);
        _exit(127);
    }
    close(ready[1]);
    if (read(ready[0], &byte, 1) != 1)
        return -1;
    close(ready[0]);
    return pid;
}
#endif

/* The raw round trip: the same bytes to the ITS partition, refused at
 * once (an unknown request type). */
static void raw_call(const uint8_t *buf, size_t size)
{
    uint8_t p[ITS_SET_PARAMS_SIZE] = {1};
    psa_invec in[2] = {{p, sizeof(p)}, {buf, size}};
    psa_status_t st = psa_call(ITS_PROXY_HANDLE, 0x7fff, in, 2, NULL, 0);
    if (st != PSA_ERROR_NOT_SUPPORTED)
        die("raw call", st);
}

int main(int argc, char **argv)
{
    bool smoke = false;
    const char *wardd = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--smoke") == 0)
            smoke = true;
        else if (wardd == NULL)
            wardd = argv[i];
        else
            die("usage", 0);
    }
#ifndef BENCH_EMUL
    if (wardd == NULL) {
        fprintf(stderr, "usage: bench_its_host WARDD [--smoke]\n");
        return 2;
    }
#endif
    const unsigned keys = 32, rounds = smoke ? 2 : 40;
    const size_t sizes[] = {64, 1024, 4096};
    const char *tmpdir = getenv("TMPDIR");
    char dir[1024], state[1100], img[1200];
    snprintf(dir, sizeof(dir), "%s/bench_its_api.XXXXXX",
             tmpdir != NULL && tmpdir[0] != '\0' ? tmpdir : "/tmp");
    if (mkdtemp(dir) == NULL)
        die("mkdtemp", errno);
#ifdef BENCH_EMUL
    snprintf(state, sizeof(state), "%s/state", dir);
    setenv("WARD_STATE_DIR", state, 1);
    setenv("WARD_LOG_LEVEL", "0", 1);
#else
    pid_t daemon = start_wardd(wardd, dir);
    if (daemon < 0)
        die("start wardd", 0);
    (void)state;
#endif

    /* The store side: the same geometry the partition uses. */
    const struct its_store_config cfg = {ITS_RECORD_MAX, ITS_MAX_OBJECTS};
    struct its_file_flash ff;
    struct its_store st;
    psa_status_t ps;
    snprintf(img, sizeof(img), "%s/store.img", dir);
    if ((ps = its_file_flash_create(img, ITS_SECTOR_SIZE, ITS_SECTOR_COUNT)) != PSA_SUCCESS ||
        (ps = its_file_flash_open(&ff, img, ITS_SECTOR_SIZE, ITS_SECTOR_COUNT, NULL)) !=
            PSA_SUCCESS ||
        (ps = its_store_format(&ff.flash, &cfg)) != PSA_SUCCESS ||
        (ps = its_store_open(&st, &ff.flash, &cfg)) != PSA_SUCCESS)
        die("store setup", ps);

    size_t n = (size_t)keys * rounds;
    double *v[6]; /* 5: api set - store set of the same iteration */
    for (int i = 0; i < 6; i++)
        if ((v[i] = malloc(n * sizeof(double))) == NULL)
            die("malloc", 0);
    double res[3][6];
    static uint8_t buf[ITS_MAX_ASSET_SIZE], out[ITS_MAX_ASSET_SIZE];
    for (int z = 0; z < 3; z++) {
        size_t size = sizes[z], m = 0, len;
        for (unsigned r = 0; r < rounds; r++)
            for (unsigned k = 0; k < keys; k++, m++) {
                fill(buf, size, k + r);
                /* v: 0 api set, 1 store set, 2 raw round trip, 3 api get,
                 * 4 store get; the order rotates. */
                for (unsigned turn = 0; turn < 3; turn++) {
                    unsigned which = (turn + (unsigned)m) % 3;
                    double t = now_us();
                    if (which == 0) {
                        if ((ps = psa_its_set(k + 1, size, buf, 0)) != PSA_SUCCESS)
                            die("psa_its_set", ps);
                    } else if (which == 1) {
                        if ((ps = its_store_set(&st, k + 1, 0, buf, size)) != PSA_SUCCESS)
                            die("its_store_set", ps);
                    } else {
                        raw_call(buf, size);
                    }
                    v[which][m] = now_us() - t;
                }
                v[5][m] = v[0][m] - v[1][m];
                for (unsigned turn = 0; turn < 2; turn++) {
                    bool api = (turn + m) % 2 == 0;
                    double t = now_us();
                    ps = api ? psa_its_get(k + 1, 0, size, out, &len)
                             : its_store_get(&st, k + 1, 0, size, out, &len);
                    if (ps != PSA_SUCCESS || len != size || memcmp(out, buf, size) != 0)
                        die(api ? "psa_its_get" : "its_store_get", ps);
                    v[api ? 3 : 4][m] = now_us() - t;
                }
            }
        for (int i = 0; i < 6; i++)
            res[z][i] = median(v[i], n);
        for (unsigned k = 0; k < keys; k++)
            if ((ps = psa_its_remove(k + 1)) != PSA_SUCCESS)
                die("psa_its_remove", ps);
    }

    printf("\n%s: psa_its_* through the ITS partition vs the store alone (same "
           "file backend and geometry) and the raw round trip to the partition "
           "with the same bytes\n", PLATFORM);
    printf("%u keys x %u sets and gets each, interleaved; median us per op; "
           "extra = median over iterations of (api set - store set), "
           "target extra/rt <= 1.2\n\n", keys, rounds);
    printf("%-5s %-6s %10s %10s %10s %10s %10s %10s %9s\n", "plat", "size", "api set",
           "store set", "round trip", "extra", "api get", "store get", "extra/rt");
    for (int z = 0; z < 3; z++)
        printf("%-5s %-6zu %10.2f %10.2f %10.2f %10.2f %10.2f %10.2f %8.2fx\n", PLATFORM,
               sizes[z], res[z][0], res[z][1], res[z][2], res[z][5], res[z][3],
               res[z][4], res[z][5] / res[z][2]);

    for (int i = 0; i < 6; i++)
        free(v[i]);
    its_store_close(&st);
    its_file_flash_close(&ff);
    unlink(img);
#ifndef BENCH_EMUL
    kill(daemon, SIGTERM);
    waitpid(daemon, NULL, 0);
#endif
    char cmd[1200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        die("cleanup", 0);
    return 0;
}
