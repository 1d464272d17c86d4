/*
 * image.c: sealed, measured copies of binaries and their execution. The
 * copy is sealed before it is measured, so it cannot change afterwards.
 */
#include "image.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int ward_image_load(const char *path, struct ward_image *img, char *err, size_t errlen)
{
    uint8_t buf[65536];
    unsigned int mdlen = 0;
    int in = open(path, O_RDONLY | O_CLOEXEC);
    memset(img, 0, sizeof(*img));
    img->fd = -1;
    if (in < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    img->fd = memfd_create("ward-partition", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (img->fd < 0) {
        snprintf(err, errlen, "memfd_create: %s", strerror(errno));
        close(in);
        return -1;
    }
    ssize_t n;
    while ((n = read(in, buf, sizeof(buf))) > 0) {
        for (ssize_t off = 0; off < n;) {
            ssize_t k = write(img->fd, buf + off, (size_t)(n - off));
            if (k <= 0) {
                snprintf(err, errlen, "copying %s: %s", path, strerror(errno));
                close(in);
                ward_image_close(img);
                return -1;
            }
            off += k;
        }
        img->size += (size_t)n;
    }
    close(in);
    if (n < 0 || fcntl(img->fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW |
                                                 F_SEAL_WRITE) != 0) {
        snprintf(err, errlen, "sealing the copy of %s: %s", path, strerror(errno));
        ward_image_close(img);
        return -1;
    }
    /* Measure the sealed copy, not the file it came from. */
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1;
    for (off_t off = 0; ok && (size_t)off < img->size;) {
        ssize_t k = pread(img->fd, buf, sizeof(buf), off);
        ok = k > 0 && EVP_DigestUpdate(md, buf, (size_t)k) == 1;
        off += k > 0 ? k : 0;
    }
    ok = ok && EVP_DigestFinal_ex(md, img->sha256, &mdlen) == 1 && mdlen == 32;
    EVP_MD_CTX_free(md);
    if (!ok) {
        snprintf(err, errlen, "measuring %s failed", path);
        ward_image_close(img);
        return -1;
    }
    return 0;
}

void ward_image_close(struct ward_image *img)
{
    if (img->fd >= 0)
        close(img->fd);
    img->fd = -1;
}

pid_t ward_image_spawn(const struct ward_image *img, char *const argv[],
                       const int *keep, int nkeep)
{
    static char *const empty_env[] = {NULL};
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    /* Child: only async-signal-safe calls from here. Move the kept
     * descriptors above the range they will land in, then into place. */
    int high = 3 + nkeep + 64;
    int exe = fcntl(img->fd, F_DUPFD_CLOEXEC, high + nkeep);
    for (int i = 0; i < nkeep; i++)
        if (dup2(keep[i], high + i) < 0)
            _exit(126);
    for (int i = 0; i < nkeep; i++)
        if (dup2(high + i, 3 + i) < 0) /* dup2 clears close-on-exec */
            _exit(126);
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null < 0 || dup2(null, 0) < 0 || exe < 0)
        _exit(126);
    /* Everything from 3 + nkeep up goes, except the image (close-on-exec:
     * gone at exec). */
    for (int fd = 3 + nkeep; fd < exe; fd++)
        close(fd);
    close_range((unsigned)exe + 1, ~0u, 0);
    fexecve(exe, argv, empty_env);
    _exit(127);
}
