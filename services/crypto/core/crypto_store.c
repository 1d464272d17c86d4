/*
 * crypto_store.c: the interim persistent-key stores of the standalone
 * library and the tests: in memory, and one file per uid in a private
 * directory. The ITS service replaces both in the SPE; nothing here is a
 * general-purpose store (no quota, no power-fail log; atomic rename only).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward_crypto.h"
#include "ward_crypto_backend.h"

/* ---- memory store ---------------------------------------------------------- */

struct mem_rec {
    struct mem_rec *next;
    uint64_t uid;
    size_t len;
    uint8_t data[];
};

struct mem_store {
    struct mem_rec *head;
};

static struct mem_rec **mem_find(struct mem_store *m, uint64_t uid)
{
    struct mem_rec **p = &m->head;
    while (*p != NULL && (*p)->uid != uid) {
        p = &(*p)->next;
    }
    return p;
}

static psa_status_t mem_get(void *ctx, uint64_t uid, size_t offset, size_t size,
                            void *data, size_t *length)
{
    struct mem_rec *r = *mem_find(ctx, uid);
    *length = 0;
    if (r == NULL) {
        return PSA_ERROR_DOES_NOT_EXIST;
    }
    if (offset > r->len) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    size_t n = r->len - offset < size ? r->len - offset : size;
    memcpy(data, r->data + offset, n);
    *length = n;
    return PSA_SUCCESS;
}

static void mem_rec_free(struct mem_rec *r)
{
    wbe_cleanse(r->data, r->len);
    free(r);
}

static psa_status_t mem_set(void *ctx, uint64_t uid, size_t length, const void *data)
{
    struct mem_rec **p = mem_find(ctx, uid);
    struct mem_rec *r = malloc(sizeof *r + length);
    if (r == NULL) {
        return PSA_ERROR_INSUFFICIENT_STORAGE;
    }
    r->uid = uid;
    r->len = length;
    memcpy(r->data, data, length);
    if (*p != NULL) {
        r->next = (*p)->next;
        mem_rec_free(*p);
    } else {
        r->next = NULL;
    }
    *p = r;
    return PSA_SUCCESS;
}

static psa_status_t mem_remove(void *ctx, uint64_t uid)
{
    struct mem_rec **p = mem_find(ctx, uid);
    if (*p == NULL) {
        return PSA_ERROR_DOES_NOT_EXIST;
    }
    struct mem_rec *r = *p;
    *p = r->next;
    mem_rec_free(r);
    return PSA_SUCCESS;
}

static psa_status_t mem_get_info(void *ctx, uint64_t uid, size_t *size)
{
    struct mem_rec *r = *mem_find(ctx, uid);
    if (r == NULL) {
        return PSA_ERROR_DOES_NOT_EXIST;
    }
    *size = r->len;
    return PSA_SUCCESS;
}

psa_status_t ward_crypto_mem_store_open(struct ward_crypto_storage *out)
{
    struct mem_store *m = calloc(1, sizeof *m);
    if (m == NULL) {
        return PSA_ERROR_INSUFFICIENT_MEMORY;
    }
    out->ctx = m;
    out->get = mem_get;
    out->set = mem_set;
    out->remove = mem_remove;
    out->get_info = mem_get_info;
    return PSA_SUCCESS;
}

void ward_crypto_mem_store_close(struct ward_crypto_storage *st)
{
    struct mem_store *m = st->ctx;
    if (m == NULL) {
        return;
    }
    while (m->head != NULL) {
        struct mem_rec *r = m->head;
        m->head = r->next;
        mem_rec_free(r);
    }
    free(m);
    memset(st, 0, sizeof *st);
}

/* ---- file store -------------------------------------------------------------------- */

struct file_store {
    int dirfd;
    int lockfd;
};

static void uid_name(uint64_t uid, char name[32])
{
    snprintf(name, 32, "key-%016" PRIx64, uid);
}

static psa_status_t file_lock(struct file_store *f, int how)
{
    while (flock(f->lockfd, how) != 0) {
        if (errno != EINTR) {
            return PSA_ERROR_STORAGE_FAILURE;
        }
    }
    return PSA_SUCCESS;
}

static void file_unlock(struct file_store *f)
{
    (void)flock(f->lockfd, LOCK_UN);
}

static psa_status_t file_get(void *ctx, uint64_t uid, size_t offset, size_t size,
                             void *data, size_t *length)
{
    struct file_store *f = ctx;
    char name[32];
    psa_status_t st;
    *length = 0;
    uid_name(uid, name);
    if ((st = file_lock(f, LOCK_SH)) != PSA_SUCCESS) {
        return st;
    }
    int fd = openat(f->dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        file_unlock(f);
        return errno == ENOENT ? PSA_ERROR_DOES_NOT_EXIST : PSA_ERROR_STORAGE_FAILURE;
    }
    size_t got = 0;
    st = PSA_SUCCESS;
    while (got < size) {
        ssize_t n = pread(fd, (uint8_t *)data + got, size - got, (off_t)(offset + got));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            st = PSA_ERROR_STORAGE_FAILURE;
            break;
        }
        if (n == 0) {
            break;
        }
        got += (size_t)n;
    }
    close(fd);
    file_unlock(f);
    *length = st == PSA_SUCCESS ? got : 0;
    return st;
}

static psa_status_t file_get_info(void *ctx, uint64_t uid, size_t *size)
{
    struct file_store *f = ctx;
    char name[32];
    struct stat sb;
    psa_status_t st;
    uid_name(uid, name);
    if ((st = file_lock(f, LOCK_SH)) != PSA_SUCCESS) {
        return st;
    }
    int r = fstatat(f->dirfd, name, &sb, AT_SYMLINK_NOFOLLOW);
    int err = errno;
    file_unlock(f);
    if (r != 0) {
        return err == ENOENT ? PSA_ERROR_DOES_NOT_EXIST : PSA_ERROR_STORAGE_FAILURE;
    }
    if (!S_ISREG(sb.st_mode)) {
        return PSA_ERROR_STORAGE_FAILURE;
    }
    *size = (size_t)sb.st_size;
    return PSA_SUCCESS;
}

static psa_status_t file_set(void *ctx, uint64_t uid, size_t length, const void *data)
{
    struct file_store *f = ctx;
    char name[32], tmp[40];
    psa_status_t st;
    uid_name(uid, name);
    snprintf(tmp, sizeof tmp, "%s.tmp", name);
    if ((st = file_lock(f, LOCK_EX)) != PSA_SUCCESS) {
        return st;
    }
    (void)unlinkat(f->dirfd, tmp, 0);
    int fd = openat(f->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                    0600);
    if (fd < 0) {
        file_unlock(f);
        return PSA_ERROR_STORAGE_FAILURE;
    }
    size_t done = 0;
    st = PSA_SUCCESS;
    while (done < length) {
        ssize_t n = write(fd, (const uint8_t *)data + done, length - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            st = errno == ENOSPC ? PSA_ERROR_INSUFFICIENT_STORAGE : PSA_ERROR_STORAGE_FAILURE;
            break;
        }
        done += (size_t)n;
    }
    if (st == PSA_SUCCESS && fsync(fd) != 0) {
        st = PSA_ERROR_STORAGE_FAILURE;
    }
    close(fd);
    if (st == PSA_SUCCESS && renameat(f->dirfd, tmp, f->dirfd, name) != 0) {
        st = PSA_ERROR_STORAGE_FAILURE;
    }
    if (st != PSA_SUCCESS) {
        (void)unlinkat(f->dirfd, tmp, 0);
    } else {
        (void)fsync(f->dirfd);
    }
    file_unlock(f);
    return st;
}

static psa_status_t file_remove(void *ctx, uint64_t uid)
{
    struct file_store *f = ctx;
    char name[32];
    psa_status_t st;
    uid_name(uid, name);
    if ((st = file_lock(f, LOCK_EX)) != PSA_SUCCESS) {
        return st;
    }
    if (unlinkat(f->dirfd, name, 0) != 0) {
        st = errno == ENOENT ? PSA_ERROR_DOES_NOT_EXIST : PSA_ERROR_STORAGE_FAILURE;
    } else {
        (void)fsync(f->dirfd);
    }
    file_unlock(f);
    return st;
}

psa_status_t ward_crypto_file_store_open(const char *dir, struct ward_crypto_storage *out)
{
    struct stat sb;
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (dirfd < 0) {
        return PSA_ERROR_STORAGE_FAILURE;
    }
    /* DESIGN.md §7: refuse a directory others can enter or that is not ours. */
    if (fstat(dirfd, &sb) != 0 || (sb.st_mode & 077) != 0 || sb.st_uid != geteuid()) {
        close(dirfd);
        return PSA_ERROR_STORAGE_FAILURE;
    }
    int lockfd = openat(dirfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (lockfd < 0) {
        close(dirfd);
        return PSA_ERROR_STORAGE_FAILURE;
    }
    struct file_store *f = calloc(1, sizeof *f);
    if (f == NULL) {
        close(lockfd);
        close(dirfd);
        return PSA_ERROR_INSUFFICIENT_MEMORY;
    }
    f->dirfd = dirfd;
    f->lockfd = lockfd;
    out->ctx = f;
    out->get = file_get;
    out->set = file_set;
    out->remove = file_remove;
    out->get_info = file_get_info;
    return PSA_SUCCESS;
}

void ward_crypto_file_store_close(struct ward_crypto_storage *st)
{
    struct file_store *f = st->ctx;
    if (f == NULL) {
        return;
    }
    close(f->lockfd);
    close(f->dirfd);
    free(f);
    memset(st, 0, sizeof *st);
}
