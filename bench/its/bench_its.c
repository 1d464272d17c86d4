/*
 * bench_its.c: set/get/remove of 64 B, 1 KiB and 4 KiB values on the ITS
 * store's file backend, beside a naive durable baseline in the same run
 * (one file per key: write, fsync, rename, fsync of the directory), and
 * the bytes written per byte stored. Works in a fresh mkdtemp directory
 * under $TMPDIR (or /tmp), never a default state path, and removes it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

struct result {
    double set_us, get_us, remove_us;
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

/* ---- the ITS store -------------------------------------------------- */

static struct result bench_store(const char dir[1024], size_t size,
                                 const struct params *p)
{
    char path[1200];
    struct its_file_flash ff;
    struct its_store st;
    const struct its_store_config cfg = {MAX_VALUE, 1024};
    static uint8_t buf[MAX_VALUE], out[MAX_VALUE];
    struct result r;
    size_t len;
    snprintf(path, sizeof(path), "%s/its-%zu.img", dir, size);
    psa_status_t ps = its_file_flash_create(path, SECTOR, SECTORS);
    if (ps != PSA_SUCCESS)
        die("its_file_flash_create", ps);
    if ((ps = its_file_flash_open(&ff, path, SECTOR, SECTORS, NULL)) !=
            PSA_SUCCESS ||
        (ps = its_store_format(&ff.flash, &cfg)) != PSA_SUCCESS ||
        (ps = its_store_open(&st, &ff.flash, &cfg)) != PSA_SUCCESS)
        die("open", ps);

    uint64_t written0 = ff.bytes_written;
    long long dev0 = dev_write_bytes();
    double t = now_us();
    for (unsigned round = 0; round < p->set_rounds; round++)
        for (unsigned k = 0; k < p->keys; k++) {
            fill(buf, size, k + round);
            if ((ps = its_store_set(&st, k + 1, 0, buf, size)) != PSA_SUCCESS)
                die("its_store_set", ps);
        }
    unsigned sets = p->set_rounds * p->keys;
    r.set_us = (now_us() - t) / sets;
    long long dev1 = dev_write_bytes();
    r.app_wa = (double)(ff.bytes_written - written0) / ((double)sets * size);
    r.dev_wa = dev0 < 0 || dev1 < 0 ? -1
                                    : (double)(dev1 - dev0) /
                                          ((double)sets * size);

    t = now_us();
    for (unsigned round = 0; round < p->get_rounds; round++)
        for (unsigned k = 0; k < p->keys; k++)
            if ((ps = its_store_get(&st, k + 1, 0, size, out, &len)) !=
                    PSA_SUCCESS ||
                len != size)
                die("its_store_get", ps);
    r.get_us = (now_us() - t) / (p->get_rounds * p->keys);
    fill(buf, size, p->keys - 1 + p->set_rounds - 1);
    if (memcmp(out, buf, size) != 0)
        die("its_store_get value", 0);

    t = now_us();
    for (unsigned k = 0; k < p->keys; k++)
        if ((ps = its_store_remove(&st, k + 1)) != PSA_SUCCESS)
            die("its_store_remove", ps);
    r.remove_us = (now_us() - t) / p->keys;
    its_store_close(&st);
    its_file_flash_close(&ff);
    unlink(path);
    return r;
}

/* ---- the baseline: one file per key ----------------------------------- */

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

static struct result bench_files(const char dir[1024], size_t size,
                                 const struct params *p)
{
    char sub[1200], tmp[1300], fin[1300];
    static uint8_t buf[MAX_VALUE], out[MAX_VALUE];
    struct result r;
    snprintf(sub, sizeof(sub), "%s/files-%zu", dir, size);
    if (mkdir(sub, 0700) != 0)
        die("mkdir", errno);
    int dfd = open(sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        die("open dir", errno);

    long long dev0 = dev_write_bytes();
    double t = now_us();
    for (unsigned round = 0; round < p->set_rounds; round++)
        for (unsigned k = 0; k < p->keys; k++) {
            fill(buf, size, k + round);
            snprintf(tmp, sizeof(tmp), "%s/%u.tmp", sub, k + 1);
            snprintf(fin, sizeof(fin), "%s/%u", sub, k + 1);
            int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                          0600);
            if (fd < 0)
                die("open", errno);
            write_all(fd, buf, size);
            if (fsync(fd) != 0 || close(fd) != 0)
                die("fsync", errno);
            if (rename(tmp, fin) != 0 || fsync(dfd) != 0)
                die("rename", errno);
        }
    unsigned sets = p->set_rounds * p->keys;
    r.set_us = (now_us() - t) / sets;
    long long dev1 = dev_write_bytes();
    r.app_wa = 1.0; /* the application writes each byte once */
    r.dev_wa = dev0 < 0 || dev1 < 0 ? -1
                                    : (double)(dev1 - dev0) /
                                          ((double)sets * size);

    t = now_us();
    for (unsigned round = 0; round < p->get_rounds; round++)
        for (unsigned k = 0; k < p->keys; k++) {
            snprintf(fin, sizeof(fin), "%s/%u", sub, k + 1);
            int fd = open(fin, O_RDONLY | O_CLOEXEC);
            if (fd < 0)
                die("open", errno);
            ssize_t n = read(fd, out, sizeof(out));
            close(fd);
            if (n != (ssize_t)size)
                die("read", errno);
        }
    r.get_us = (now_us() - t) / (p->get_rounds * p->keys);

    t = now_us();
    for (unsigned k = 0; k < p->keys; k++) {
        snprintf(fin, sizeof(fin), "%s/%u", sub, k + 1);
        if (unlink(fin) != 0 || fsync(dfd) != 0)
            die("unlink", errno);
    }
    r.remove_us = (now_us() - t) / p->keys;
    close(dfd);
    rmdir(sub);
    return r;
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
    for (int i = 0; i < 3; i++) {
        its[i] = bench_store(dir, sizes[i], &p);
        files[i] = bench_files(dir, sizes[i], &p);
    }
    rmdir(dir);

    printf("ITS store (file backend, %u x %u KiB sectors, one fdatasync per "
           "set) vs one file per key (write, fsync, rename, fsync dir)\n",
           SECTORS, SECTOR / 1024);
    printf("%u keys, each set %u times; %u gets per key; then removed\n\n",
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
    return 0;
}
