/*
 * its_flash.h: the flash seam under the ITS store. A medium is a number of
 * equal sectors with NOR semantics: erase sets a whole sector to 0xFF,
 * program may only clear bits, read returns what is there. The store never
 * assumes anything else, so a file, RAM or a real NOR part all fit.
 */
#ifndef ITS_FLASH_H
#define ITS_FLASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "psa/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A flash medium: geometry plus four operations on ctx. Addresses are byte
 * offsets from the start of the medium; the medium is at most 4 GiB.
 *
 *  - read: copy len bytes at addr into buf. PSA_ERROR_STORAGE_FAILURE on an
 *    I/O error.
 *  - program: write len bytes at addr. A conforming medium only clears bits;
 *    the RAM backend reports an attempt to set a bit as an error. Durability
 *    is only promised after sync.
 *  - erase: set sector (index) to 0xFF.
 *  - sync: make every earlier program and erase durable. Until sync returns,
 *    a power cut may lose, reorder or tear them (the file backend's page
 *    cache); after it, none of them may be lost.
 *
 * Every operation checks its range and returns PSA_ERROR_INVALID_ARGUMENT
 * for one outside the medium.
 */
struct its_flash {
    void *ctx;
    uint32_t sector_size;  /* bytes, a multiple of 4, >= 256 */
    uint32_t sector_count; /* >= 2 */
    psa_status_t (*read)(void *ctx, uint32_t addr, void *buf, size_t len);
    psa_status_t (*program)(void *ctx, uint32_t addr, const void *buf,
                            size_t len);
    psa_status_t (*erase)(void *ctx, uint32_t sector);
    psa_status_t (*sync)(void *ctx);
};

/* Erase every sector then sync: the one explicit way to destroy a store
 * before its_store_format. Returns the first failing operation's status. */
psa_status_t its_flash_erase_all(const struct its_flash *fl);

/* ---- RAM flash with fault injection (tests, fuzzing) -------------------- */

/* How the interrupted operation is left when the power is cut. */
enum its_ram_cut_mode {
    ITS_RAM_CUT_NOTHING = 0, /* the program/erase did not start */
    ITS_RAM_CUT_HALF = 1,    /* program: first half of the bytes applied;
                                erase: first half of the sector erased */
    ITS_RAM_CUT_ALMOST = 2,  /* program: all but the last byte;
                                erase: sector filled with garbage */
    ITS_RAM_CUT_DONE = 3,    /* applied in full, but reported as failed */
};

struct its_ram_flash {
    struct its_flash flash; /* ctx points at this struct */
    uint8_t *mem;           /* sector_size * sector_count bytes, owned */
    uint64_t ops;           /* programs and erases so far */
    uint64_t syncs;
    uint64_t cut_at;        /* the op index (0-based) that is cut, or
                               UINT64_MAX for never */
    enum its_ram_cut_mode cut_mode;
    bool powered;           /* false after the cut: every call fails */
    bool fail_reads;        /* inject read errors */
    uint32_t nor_violations; /* programs that tried to set a bit */
    uint64_t rng;
};

/* Allocate an erased medium. Returns PSA_ERROR_INVALID_ARGUMENT for a bad
 * geometry, PSA_ERROR_INSUFFICIENT_MEMORY if malloc fails. */
psa_status_t its_ram_flash_init(struct its_ram_flash *rf, uint32_t sector_size,
                                uint32_t sector_count);
void its_ram_flash_free(struct its_ram_flash *rf);
/* Cut the power during op number op (counted from now) in the given mode. */
void its_ram_flash_cut_after(struct its_ram_flash *rf, uint64_t op,
                             enum its_ram_cut_mode mode);
/* Restore power and cancel any pending cut; the contents stay as they are. */
void its_ram_flash_power_on(struct its_ram_flash *rf);
/* Flip one bit of the medium (a retention error). */
void its_ram_flash_flip_bit(struct its_ram_flash *rf, uint32_t addr,
                            unsigned bit);

/* ---- Host file image ------------------------------------------------------ */

/*
 * Create path as a preallocated image of sector_count erased sectors
 * (mode 0600, O_EXCL: an existing file is never overwritten), synced along
 * with its directory. PSA_ERROR_ALREADY_EXISTS if it exists,
 * PSA_ERROR_INVALID_ARGUMENT for a bad geometry, PSA_ERROR_STORAGE_FAILURE on
 * an I/O error.
 */
psa_status_t its_file_flash_create(const char *path, uint32_t sector_size,
                                   uint32_t sector_count);

struct its_file_flash {
    struct its_flash flash;
    int fd;
    uint64_t bytes_written; /* programmed + erased bytes, for write
                               amplification figures */
    uint64_t syncs;
};

/*
 * Open an existing image for the store and take an exclusive lock on it.
 * Refuses, with *why set to a static message:
 *  - PSA_ERROR_DOES_NOT_EXIST: no such file;
 *  - PSA_ERROR_NOT_PERMITTED: not a regular file, mode grants anything to
 *    group or others, or owned by another user than the effective one
 *    (DESIGN.md section 7);
 *  - PSA_ERROR_BAD_STATE: another open file description holds the lock (a
 *    second open, in this process or another);
 *  - PSA_ERROR_INVALID_ARGUMENT: size is not sector_size * sector_count;
 *  - PSA_ERROR_STORAGE_FAILURE: any other I/O error.
 * why may be NULL. On success close with its_file_flash_close.
 */
psa_status_t its_file_flash_open(struct its_file_flash *ff, const char *path,
                                 uint32_t sector_size, uint32_t sector_count,
                                 const char **why);
void its_file_flash_close(struct its_file_flash *ff);

/* ---- Crash-simulating file model (tests) --------------------------------- */

/*
 * An in-memory model of a file under a page cache: programs and erases land
 * in the cache and dirty 4 KiB pages; sync writes every dirty page to the
 * durable image. A crash keeps an arbitrary subset of the dirty pages and
 * reverts the others to their durable content: writes not yet synced are
 * dropped, reordered (a later page survives, an earlier one does not) or
 * torn (a write spanning pages half survives), as a real file system does.
 */
#define ITS_CRASHSIM_PAGE 4096u

struct its_crashsim_flash {
    struct its_flash flash;
    uint8_t *cache;   /* what reads see */
    uint8_t *durable; /* what survives a crash */
    uint8_t *dirty;   /* one byte per page */
    uint32_t pages;
    uint64_t syncs;     /* syncs completed so far */
    uint64_t crash_at;  /* the sync number (0-based) that crashes instead,
                           or UINT64_MAX */
    uint64_t crash_seed; /* 0: drop every dirty page; 1: keep every one;
                            other: a pseudo-random subset */
    bool powered;
};

psa_status_t its_crashsim_init(struct its_crashsim_flash *cf,
                               uint32_t sector_size, uint32_t sector_count);
void its_crashsim_free(struct its_crashsim_flash *cf);
/* Crash instead of performing sync number sync (counted from 0 at init). */
void its_crashsim_crash_at(struct its_crashsim_flash *cf, uint64_t sync,
                           uint64_t seed);
/* Power back on: the cache becomes the durable image. */
void its_crashsim_power_on(struct its_crashsim_flash *cf);

#ifdef __cplusplus
}
#endif

#endif /* ITS_FLASH_H */
