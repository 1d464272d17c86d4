/*
 * ward_state.c: state-directory helpers. The wipe removes only
 * <state>/partitions, never following symbolic links.
 */
#include "ward_state.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward_log.h"

int ward_private_dir(const char *dir, bool parents, char *err, size_t errlen)
{
    struct stat st;
    if (parents) {
        char tmp[PATH_MAX];
        if (snprintf(tmp, sizeof(tmp), "%s", dir) >= (int)sizeof(tmp)) {
            snprintf(err, errlen, "%s: path too long", dir);
            return -1;
        }
        for (char *p = tmp + 1; *p != '\0'; p++) {
            if (*p != '/')
                continue;
            *p = '\0';
            if (mkdir(tmp, 0700) != 0 && errno != EEXIST) {
                snprintf(err, errlen, "%s: cannot create: %s", tmp, strerror(errno));
                return -1;
            }
            *p = '/';
        }
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "%s: cannot create: %s", dir, strerror(errno));
        return -1;
    }
    if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: not a directory", dir);
        return -1;
    }
    if (st.st_uid != geteuid()) {
        snprintf(err, errlen, "%s: owned by uid %u, not by uid %u", dir,
                 (unsigned)st.st_uid, (unsigned)geteuid());
        return -1;
    }
    if ((st.st_mode & 077) != 0) {
        snprintf(err, errlen, "%s: mode %o is looser than 0700; refusing", dir,
                 (unsigned)(st.st_mode & 0777));
        return -1;
    }
    return 0;
}

int ward_write_file_atomic(const char *dir, const char *name, const void *data,
                           size_t len)
{
    char tmp[PATH_MAX], path[PATH_MAX];
    if (snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name) >= (int)sizeof(tmp) ||
        snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return -1;
    ssize_t k = write(fd, data, len);
    if (k != (ssize_t)len || fsync(fd) != 0) {
        int e = errno;
        close(fd);
        unlink(tmp);
        errno = e ? e : EIO;
        return -1;
    }
    close(fd);
    if (rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

static int wipe_partitions(const char *state)
{
    char dir[PATH_MAX];
    if (snprintf(dir, sizeof(dir), "%s/partitions", state) >= (int)sizeof(dir))
        return -1;
    if (access(dir, F_OK) != 0)
        return 0;
    return nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static psa_status_t store(const char *state, const struct ward_lifecycle *lc)
{
    uint8_t rec[WARD_LIFECYCLE_RECORD_SIZE];
    ward_lifecycle_encode(lc, rec);
    return ward_write_file_atomic(state, "lifecycle", rec, sizeof(rec)) == 0
               ? PSA_SUCCESS : PSA_ERROR_STORAGE_FAILURE;
}

psa_status_t ward_lifecycle_startup(const char *state, bool provisioning,
                                    struct ward_lifecycle *lc, char *err,
                                    size_t errlen)
{
    char path[PATH_MAX];
    uint8_t rec[WARD_LIFECYCLE_RECORD_SIZE + 1];
    snprintf(path, sizeof(path), "%s/lifecycle", state);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 && errno == ENOENT) {
        lc->state = provisioning ? PSA_LIFECYCLE_PSA_ROT_PROVISIONING
                                 : PSA_LIFECYCLE_SECURED;
        lc->requested = WARD_LIFECYCLE_NONE;
        /* Nothing may survive from before the first lifecycle record. */
        if (wipe_partitions(state) != 0 || store(state, lc) != PSA_SUCCESS) {
            snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
            return PSA_ERROR_STORAGE_FAILURE;
        }
        ward_log_event(WARD_EVENT_PROVISIONING, "lifecycle: new SPE state, %s",
                       ward_lifecycle_name(lc->state));
        return PSA_SUCCESS;
    }
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return PSA_ERROR_STORAGE_FAILURE;
    }
    ssize_t k = read(fd, rec, sizeof(rec));
    close(fd);
    psa_status_t st = k < 0 ? PSA_ERROR_STORAGE_FAILURE
                            : ward_lifecycle_decode(rec, (size_t)k, lc);
    if (st != PSA_SUCCESS) {
        snprintf(err, errlen, "%s: %s; refusing to start (never rewritten)", path,
                 st == PSA_ERROR_NOT_SUPPORTED ? "written by another Ward version"
                                               : "damaged");
        return st;
    }
    if (lc->requested != WARD_LIFECYCLE_NONE) {
        uint32_t to = lc->requested;
        if (ward_lifecycle_check(lc->state, to) != PSA_SUCCESS) {
            snprintf(err, errlen, "%s: pending request %s -> %s is not allowed", path,
                     ward_lifecycle_name(lc->state), ward_lifecycle_name(to));
            return PSA_ERROR_DATA_CORRUPT;
        }
        /* Erase first: if the power fails now, the request is still
         * pending and the erase is simply done again. */
        if (ward_lifecycle_wipes(to) && wipe_partitions(state) != 0) {
            snprintf(err, errlen, "%s/partitions: cannot erase", state);
            return PSA_ERROR_STORAGE_FAILURE;
        }
        ward_log_event(WARD_EVENT_LIFECYCLE, "lifecycle: %s -> %s%s",
                       ward_lifecycle_name(lc->state), ward_lifecycle_name(to),
                       ward_lifecycle_wipes(to) ? " (partition state erased)" : "");
        lc->state = to;
        lc->requested = WARD_LIFECYCLE_NONE;
        if (store(state, lc) != PSA_SUCCESS) {
            snprintf(err, errlen, "%s: cannot update", path);
            return PSA_ERROR_STORAGE_FAILURE;
        }
    }
    if (provisioning && lc->state != PSA_LIFECYCLE_PSA_ROT_PROVISIONING) {
        snprintf(err, errlen, "provisioning requested but the SPE is %s",
                 ward_lifecycle_name(lc->state));
        return PSA_ERROR_NOT_PERMITTED;
    }
    return PSA_SUCCESS;
}

psa_status_t ward_lifecycle_request(const char *state, struct ward_lifecycle *lc,
                                    uint32_t to)
{
    psa_status_t st = ward_lifecycle_check(lc->state, to);
    if (st != PSA_SUCCESS) {
        ward_log_event(WARD_EVENT_LIFECYCLE, "lifecycle: request %s -> 0x%04x refused",
                       ward_lifecycle_name(lc->state), (unsigned)to);
        return st;
    }
    if (to == lc->state)
        return PSA_SUCCESS;
    struct ward_lifecycle next = {lc->state, to};
    st = store(state, &next);
    if (st == PSA_SUCCESS) {
        *lc = next;
        ward_log_event(WARD_EVENT_LIFECYCLE, "lifecycle: %s requested, applied at restart",
                       ward_lifecycle_name(to));
    }
    return st;
}

int ward_partition_dir(const char *state, const char *name, char *out, size_t n)
{
    char parent[PATH_MAX], err[256];
    size_t len;
    if (snprintf(parent, sizeof(parent), "%s/partitions", state) >= (int)sizeof(parent) ||
        (len = (size_t)snprintf(out, n, "%s/", parent)) >= n ||
        strlen(name) >= n - len)
        return -1;
    for (size_t i = 0; name[i] != '\0'; i++)
        out[len + i] = (char)tolower((unsigned char)name[i]);
    out[len + strlen(name)] = '\0';
    if (ward_private_dir(parent, false, err, sizeof(err)) != 0 ||
        ward_private_dir(out, false, err, sizeof(err)) != 0) {
        ward_log(WARD_LOG_ERROR, "%s", err);
        return -1;
    }
    return 0;
}
