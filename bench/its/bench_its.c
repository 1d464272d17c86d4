/*
 * bench_its.c: set/get/remove of 64 B, 1 KiB and 4 KiB values on the ITS
 * store's file backend, beside a naive durable baseline in the same run
 * (one file per key: write, fsync, rename, fsync of the directory), and
 * the bytes written per byte stored. Works in a fresh mkdtemp directory
 * under $TMPDIR (or /tmp), never a default state path, and removes it.
 * Then runs bench_its_emul and bench_its_host (bench_its_api.c): the same
 * sizes through psa_its_* on emul and on a private wardd.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "its_store.h"

#define SECTOR (64u * 1024u)
#define SECTORS 32u
#define MAX_VALUE 4096u

struct params {
    unsigned keys;       /* distinct keys */
    unsigned set_rounds; /* each key set this many times (overwrites) */
    unsigned get_rounds;
};

/* Per-operation samples, microseconds. */
struct samples {
    double *v;
    size_t n;
};

struct result {
    double set_us, get_us, remove_us; /* medians */
    double app_wa; /* bytes the store wrote / bytes stored */
    double dev_wa; /* bytes the kernel sent to the device / bytes stored */
};

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Bytes this process caused to be sent to storage, or -1 if unknown. */
static long long dev_write_bytes(void)
{
    FILE *f = fopen("/proc/self/io", "r");
    char line[128];
    long long v = -1;
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL)
        if (sscanf(line, "write_bytes: %lld", &v) == 1)
            break;
    fclose(f);
    return v;
}

static void die(const char *what, long code)
{
    fprintf(stderr, "bench_its: %s failed (%ld)\n", what, code);
    exit(1);
}

static void fill(uint8_t *buf, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = (uint8_t)(seed + i * 7u);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(struct samples *s)
{
    qsort(s->v, s->n, sizeof(double), cmp_double);
    return s->n == 0 ? 0 : s->v[s->n / 2];
}

static void sample_init(struct samples *s, size_t cap)
{
    s->v = malloc(cap * sizeof(double));
    s->n = 0;
    if (s->v == NULL)
        die("malloc", 0);
}

/* ---- the two systems: the ITS store and one file per key ------------- */

struct its_side {
    struct its_file_flash ff;
    struct its_store st;
    char path[1200];
};

struct files_side {
    char dir[1200];
    int dfd;
};

static void its_setup(struct its_side *s, const char dir[1024], size_t size)
{
    const struct its_store_config cfg = {MAX_VALUE, 1024};
    psa_status_t ps;
    snprintf(s->path, sizeof(s->path), "%s/its-%zu.img", dir, size);
    if ((ps = its_file_flash_create(s->path, SECTOR, SECTORS)) !=
            PSA_SUCCESS ||
        (ps = its_file_flash_open(&s->ff, s->path, SECTOR, SECTORS, NULL)) !=
            PSA_SUCCESS ||
        (ps = its_store_format(&s->ff.flash, &cfg)) != PSA_SUCCESS ||
        (ps = its_store_open(&s->st, &s->ff.flash, &cfg)) != PSA_SUCCESS)
        die("ITS store setup", ps);
}

static void its_teardown(struct its_side *s)
{
    its_store_close(&s->st);
    its_file_flash_close(&s->ff);
    unlink(s->path);
}

static void its_set(struct its_side *s, unsigned k, const uint8_t *buf,
                    size_t size)
{
    psa_status_t ps = its_store_set(&s->st, k + 1, 0, buf, size);
    if (ps != PSA_SUCCESS)
        die("its_store_set", ps);
}

static void its_get(struct its_side *s, unsigned k, uint8_t *out, size_t size)
{
    size_t len;
    psa_status_t ps = its_store_get(&s->st, k + 1, 0, size, out, &len);
    if (ps != PSA_SUCCESS || len != size)
        die("its_store_get", ps);
}

static void its_remove(struct its_side *s, unsigned k)
{
    psa_status_t ps = its_store_remove(&s->st, k + 1);
    if (ps != PSA_SUCCESS)
        die("its_store_remove", ps);
}

static void files_setup(struct files_side *s, const char dir[1024],
                        size_t size)
{
    snprintf(s->dir, sizeof(s->dir), "%s/files-%zu", dir, size);
    if (mkdir(s->dir, 0700) != 0)
        die("mkdir", errno);
    s->dfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (s->dfd < 0)
        die("open dir", errno);
}

static void files_teardown(struct files_side *s)
{
    close(s->dfd);
    rmdir(s->dir);
}

static void write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            die("write", errno);
        p += w;
        n -= (size_t)w;
    }
}

static void files_set(struct files_side *s, unsigned k, const uint8_t *buf,
                      size_t size)
{
    char tmp[1300], fin[1300];
    snprintf(tmp, sizeof(tmp), "%s/%u.tmp", s->dir, k + 1);
    snprintf(fin, sizeof(fin), "%s/%u", s->dir, k + 1);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        die("open", errno);
    write_all(fd, buf, size);
    if (fsync(fd) != 0 || close(fd) != 0)
        die("fsync", errno);
    if (rename(tmp, fin) != 0 || fsync(s->dfd) != 0)
        die("rename", errno);
}

static void files_get(struct files_side *s, unsigned k, uint8_t *out,
                      size_t size)
{
    char fin[1300];
    snprintf(fin, sizeof(fin), "%s/%u", s->dir, k + 1);
    int fd = open(fin, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        die("open", errno);
    ssize_t n = read(fd, out, MAX_VALUE);
    close(fd);
    if (n != (ssize_t)size)
        die("read", errno);
}

static void files_remove(struct files_side *s, unsigned k)
{
    char fin[1300];
    snprintf(fin, sizeof(fin), "%s/%u", s->dir, k + 1);
    if (unlink(fin) != 0 || fsync(s->dfd) != 0)
        die("unlink", errno);
}

/*
 * One value size: the two systems take turns operation by operation (which
 * goes first alternates), so both see the same machine; each figure is the
 * median of its per-operation times, so a stray slow fsync does not decide
 * a ratio. Write amplification comes from separate, uninterleaved passes.
 */
static void bench_size(const char dir[1024], size_t size,
                       const struct params *p, struct result *its,
                       struct result *files)
{
    static uint8_t buf[MAX_VALUE], out[MAX_VALUE];
    struct its_side a;
    struct files_side b;
    struct samples s[6]; /* its set/get/remove, files set/get/remove */
    unsigned sets = p->set_rounds * p->keys;
    unsigned gets = p->get_rounds * p->keys;
    double t;
    for (int i = 0; i < 6; i++)
        sample_init(&s[i], gets > sets ? gets : sets);
    its_setup(&a, dir, size);
    files_setup(&b, dir, size);

    for (unsigned r = 0, n = 0; r < p->set_rounds; r++)
        for (unsigned k = 0; k < p->keys; k++, n++) {
            fill(buf, size, k + r);
            for (int turn = 0; turn < 2; turn++) {
                bool its_turn = (turn == 0) == (n % 2 == 0);
                t = now_us();
                if (its_turn)
                    its_set(&a, k, buf, size);
                else
                    files_set(&b, k, buf, size);
                s[its_turn ? 0 : 3].v[s[its_turn ? 0 : 3].n++] = now_us() - t;
            }
        }
    for (unsigned r = 0, n = 0; r < p->get_rounds; r++)
        for (unsigned k = 0; k < p->keys; k++, n++)
            for (int turn = 0; turn < 2; turn++) {
                bool its_turn = (turn == 0) == (n % 2 == 0);
                t = now_us();
                if (its_turn)
                    its_get(&a, k, out, size);
                else
                    files_get(&b, k, out, size);
                s[its_turn ? 1 : 4].v[s[its_turn ? 1 : 4].n++] = now_us() - t;
            }
    fill(buf, size, p->keys - 1 + p->set_rounds - 1);
    if (memcmp(out, buf, size) != 0)
        die("value check", 0);
    for (unsigned k = 0; k < p->keys; k++)
        for (int turn = 0; turn < 2; turn++) {
            bool its_turn = (turn == 0) == (k % 2 == 0);
            t = now_us();
            if (its_turn)
                its_remove(&a, k);
            else
                files_remove(&b, k);
            s[its_turn ? 2 : 5].v[s[its_turn ? 2 : 5].n++] = now_us() - t;
        }

    /* Write amplification: the same sets again, each system alone. */
    uint64_t w0 = a.ff.bytes_written;
    long long d0 = dev_write_bytes();
    for (unsigned r = 0; r < p->set_rounds; r++)
        for (unsigned k = 0; k < p->keys; k++)
            its_set(&a, k, buf, size);
    long long d1 = dev_write_bytes();
    for (unsigned r = 0; r < p->set_rounds; r++)
        for (unsigned k = 0; k < p->keys; k++)
            files_set(&b, k, buf, size);
    long long d2 = dev_write_bytes();
    double stored = (double)sets * (double)size;
    its->app_wa = (double)(a.ff.bytes_written - w0) / stored;
    its->dev_wa = d0 < 0 || d1 < 0 ? -1 : (double)(d1 - d0) / stored;
    files->app_wa = 1.0;
    files->dev_wa = d1 < 0 || d2 < 0 ? -1 : (double)(d2 - d1) / stored;
    for (unsigned k = 0; k < p->keys; k++)
        files_remove(&b, k);

    its->set_us = median(&s[0]);
    its->get_us = median(&s[1]);
    its->remove_us = median(&s[2]);
    files->set_us = median(&s[3]);
    files->get_us = median(&s[4]);
    files->remove_us = median(&s[5]);
    for (int i = 0; i < 6; i++)
        free(s[i].v);
    its_teardown(&a);
    files_teardown(&b);
}

static void print_wa(double v)
{
    if (v < 0)
        printf(" %10s", "n/a");
    else
        printf(" %10.2f", v);
}

int main(int argc, char **argv)
{
    bool smoke = argc > 1 && strcmp(argv[1], "--smoke") == 0;
    struct params p = smoke ? (struct params){4, 2, 2}
                            : (struct params){64, 8, 50};
    const size_t sizes[] = {64, 1024, 4096};
    const char *tmpdir = getenv("TMPDIR");
    char dir[1024];
    if (argc > 1 && !smoke) {
        fprintf(stderr, "usage: bench_its [--smoke]\n");
        return 2;
    }
    snprintf(dir, sizeof(dir), "%s/bench_its.XXXXXX",
             tmpdir != NULL && tmpdir[0] != '\0' ? tmpdir : "/tmp");
    if (mkdtemp(dir) == NULL)
        die("mkdtemp", errno);

    struct result its[3], files[3];
    for (int i = 0; i < 3; i++)
        bench_size(dir, sizes[i], &p, &its[i], &files[i]);
    rmdir(dir);

    printf("ITS store (file backend, %u x %u KiB sectors, one fdatasync per "
           "set) vs one file per key (write, fsync, rename, fsync dir)\n",
           SECTORS, SECTOR / 1024);
    printf("%u keys, each set %u times; %u gets per key; then removed; "
           "the two interleaved op by op; median us per op\n\n",
           p.keys, p.set_rounds, p.get_rounds);
    printf("%-6s %-7s %12s %12s %10s\n", "size", "op", "ITS us/op",
           "files us/op", "files/ITS");
    for (int i = 0; i < 3; i++) {
        const char *ops[] = {"set", "get", "remove"};
        double a[] = {its[i].set_us, its[i].get_us, its[i].remove_us};
        double b[] = {files[i].set_us, files[i].get_us, files[i].remove_us};
        for (int o = 0; o < 3; o++)
            printf("%-6zu %-7s %12.2f %12.2f %9.2fx\n", sizes[i], ops[o],
                   a[o], b[o], b[o] / a[o]);
    }
    printf("\nbytes written per byte stored (sets only)\n");
    printf("%-6s %10s %10s %10s\n", "size", "ITS app", "ITS dev",
           "files dev");
    for (int i = 0; i < 3; i++) {
        printf("%-6zu", sizes[i]);
        print_wa(its[i].app_wa);
        print_wa(its[i].dev_wa);
        print_wa(files[i].dev_wa);
        printf("\n");
    }
    printf("(app: bytes the store wrote to its image, erases included; "
           "dev: write_bytes from /proc/self/io)\n");
    fflush(stdout);
    /* The API rows, from the companions (emul and host cannot share a
     * process). */
    int rc = 0;
    for (int i = 0; i < 2; i++) {
        pid_t pid = fork();
        if (pid < 0)
            die("fork", errno);
        if (pid == 0) {
            if (i == 0)
                execl(BENCH_ITS_EMUL, BENCH_ITS_EMUL, smoke ? "--smoke" : NULL,
                      (char *)NULL);
            else
                execl(BENCH_ITS_HOST, BENCH_ITS_HOST, BENCH_ITS_WARDD,
                      smoke ? "--smoke" : NULL, (char *)NULL);
            _exit(127);
        }
        int st;
        if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
            rc = 1;
    }
    return rc;
}
