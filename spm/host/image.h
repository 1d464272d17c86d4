/*
 * image.h: a partition binary as wardd runs it at isolation level 2: copied
 * once into a sealed memfd and measured there, then executed from that
 * copy, so what was measured is exactly what runs (the measurement is what
 * attestation reports). Nothing of wardd's environment or descriptors
 * reaches the child except what the caller names.
 */
#ifndef WARD_IMAGE_H
#define WARD_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ward_image {
    int fd;                 /* sealed memfd (close-on-exec) */
    size_t size;
    uint8_t sha256[32];     /* of exactly the bytes in fd */
};

/* Copy path into a sealed memfd and measure it. 0, or -1 with err set. */
int ward_image_load(const char *path, struct ward_image *img, char *err, size_t errlen);

void ward_image_close(struct ward_image *img);

/* fork and fexecve the image with argv and an empty environment. The
 * descriptors in keep[] become 3, 4, ... in the child (in that order);
 * every other descriptor but 0-2 is closed; stdin is /dev/null. Returns the
 * child's pid, or -1. */
pid_t ward_image_spawn(const struct ward_image *img, char *const argv[],
                       const int *keep, int nkeep);

#endif /* WARD_IMAGE_H */
