/*
 * its_flash_file.c: the host backend, a preallocated image file that holds
 * the store's flash. Created 0600 and never truncated; opened only when it
 * is private to the effective user, under an exclusive lock. Sync is
 * fdatasync: the image never changes size, so no metadata needs flushing.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "its_flash.h"

static bool file_range(const struct its_file_flash *ff, uint32_t addr,
                       size_t len)
{
    uint64_t total = (uint64_t)ff->flash.sector_size * ff->flash.sector_count;
    return (uint64_t)addr <= total && len <= total - addr;
}

static psa_status_t pread_all(int fd, void *buf, size_t len, off_t off)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = pread(fd, p, len, off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return PSA_ERROR_STORAGE_FAILURE;
        p += n;
        len -= (size_t)n;
        off += n;
    }
    return PSA_SUCCESS;
}

static psa_status_t pwrite_all(int fd, const void *buf, size_t len, off_t off)
{
    const uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = pwrite(fd, p, len, off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return PSA_ERROR_STORAGE_FAILURE;
        p += n;
        len -= (size_t)n;
        off += n;
    }
    return PSA_SUCCESS;
}

static psa_status_t file_read(void *ctx, uint32_t addr, void *buf, size_t len)
{
    struct its_file_flash *ff = ctx;
    if (!file_range(ff, addr, len) || (buf == NULL && len > 0))
        return PSA_ERROR_INVALID_ARGUMENT;
    return pread_all(ff->fd, buf, len, (off_t)addr);
}

static psa_status_t file_program(void *ctx, uint32_t addr, const void *buf,
                                 size_t len)
{
    struct its_file_flash *ff = ctx;
    if (!file_range(ff, addr, len) || (buf == NULL && len > 0))
        return PSA_ERROR_INVALID_ARGUMENT;
    ff->bytes_written += len;
    return pwrite_all(ff->fd, buf, len, (off_t)addr);
}

static psa_status_t write_ff(int fd, off_t off, size_t len)
{
    uint8_t buf[4096];
    memset(buf, 0xFF, sizeof(buf));
    while (len > 0) {
        size_t n = len < sizeof(buf) ? len : sizeof(buf);
        psa_status_t st = pwrite_all(fd, buf, n, off);
        if (st != PSA_SUCCESS)
            return st;
        off += (off_t)n;
        len -= n;
    }
    return PSA_SUCCESS;
}

static psa_status_t file_erase(void *ctx, uint32_t sector)
{
    struct its_file_flash *ff = ctx;
    uint32_t ss = ff->flash.sector_size;
    if (sector >= ff->flash.sector_count)
        return PSA_ERROR_INVALID_ARGUMENT;
    ff->bytes_written += ss;
    return write_ff(ff->fd, (off_t)sector * ss, ss);
}

static psa_status_t file_sync(void *ctx)
{
    struct its_file_flash *ff = ctx;
    ff->syncs++;
    while (fdatasync(ff->fd) != 0)
        if (errno != EINTR)
            return PSA_ERROR_STORAGE_FAILURE;
    return PSA_SUCCESS;
}

static bool geometry_fits(uint32_t sector_size, uint32_t sector_count)
{
    return sector_size > 0 && sector_count > 0 &&
           (uint64_t)sector_size * sector_count <= UINT32_MAX;
}

static psa_status_t sync_parent(const char *path)
{
    char copy[PATH_MAX];
    int dfd;
    if (strlen(path) >= sizeof(copy))
        return PSA_ERROR_INVALID_ARGUMENT;
    strcpy(copy, path);
    dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return PSA_ERROR_STORAGE_FAILURE;
    int rc = fsync(dfd);
    close(dfd);
    return rc == 0 ? PSA_SUCCESS : PSA_ERROR_STORAGE_FAILURE;
}

psa_status_t its_file_flash_create(const char *path, uint32_t sector_size,
                                   uint32_t sector_count)
{
    psa_status_t st;
    int fd;
    if (path == NULL || !geometry_fits(sector_size, sector_count))
        return PSA_ERROR_INVALID_ARGUMENT;
    fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return errno == EEXIST ? PSA_ERROR_ALREADY_EXISTS
                               : PSA_ERROR_STORAGE_FAILURE;
    /* The umask cannot widen 0600, but make the mode exact regardless. */
    st = fchmod(fd, 0600) == 0 ? PSA_SUCCESS : PSA_ERROR_STORAGE_FAILURE;
    if (st == PSA_SUCCESS)
        st = write_ff(fd, 0, (size_t)sector_size * sector_count);
    if (st == PSA_SUCCESS && fsync(fd) != 0)
        st = PSA_ERROR_STORAGE_FAILURE;
    close(fd);
    if (st == PSA_SUCCESS)
        st = sync_parent(path);
    if (st != PSA_SUCCESS)
        unlink(path);
    return st;
}

psa_status_t its_file_flash_open(struct its_file_flash *ff, const char *path,
                                 uint32_t sector_size, uint32_t sector_count,
                                 const char **why)
{
    const char *dummy;
    struct stat sb;
    if (why == NULL)
        why = &dummy;
    *why = NULL;
    if (ff == NULL || path == NULL || !geometry_fits(sector_size, sector_count)) {
        *why = "invalid argument";
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    memset(ff, 0, sizeof(*ff));
    ff->fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    if (ff->fd < 0) {
        if (errno == ENOENT) {
            *why = "image does not exist";
            return PSA_ERROR_DOES_NOT_EXIST;
        }
        if (errno == ELOOP || errno == EISDIR) {
            *why = errno == ELOOP ? "image is a symbolic link"
                                  : "image is not a regular file";
            return PSA_ERROR_NOT_PERMITTED;
        }
        *why = "cannot open image";
        return PSA_ERROR_STORAGE_FAILURE;
    }
    psa_status_t st = PSA_SUCCESS;
    if (fstat(ff->fd, &sb) != 0) {
        *why = "cannot stat image";
        st = PSA_ERROR_STORAGE_FAILURE;
    } else if (!S_ISREG(sb.st_mode)) {
        *why = "image is not a regular file";
        st = PSA_ERROR_NOT_PERMITTED;
    } else if ((sb.st_mode & 077) != 0) {
        *why = "image mode grants access to group or others (want 0600)";
        st = PSA_ERROR_NOT_PERMITTED;
    } else if (sb.st_uid != geteuid()) {
        *why = "image owned by another user";
        st = PSA_ERROR_NOT_PERMITTED;
    } else if (flock(ff->fd, LOCK_EX | LOCK_NB) != 0) {
        *why = errno == EWOULDBLOCK ? "image is locked by another open"
                                    : "cannot lock image";
        st = errno == EWOULDBLOCK ? PSA_ERROR_BAD_STATE
                                  : PSA_ERROR_STORAGE_FAILURE;
    } else if ((uint64_t)sb.st_size !=
               (uint64_t)sector_size * sector_count) {
        *why = "image size does not match the geometry";
        st = PSA_ERROR_INVALID_ARGUMENT;
    }
    if (st != PSA_SUCCESS) {
        close(ff->fd);
        ff->fd = -1;
        return st;
    }
    ff->flash = (struct its_flash){
        .ctx = ff, .sector_size = sector_size, .sector_count = sector_count,
        .read = file_read, .program = file_program, .erase = file_erase,
        .sync = file_sync,
    };
    return PSA_SUCCESS;
}

void its_file_flash_close(struct its_file_flash *ff)
{
    if (ff == NULL || ff->fd < 0)
        return;
    close(ff->fd); /* releases the lock */
    ff->fd = -1;
}
