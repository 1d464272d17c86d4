/*
 * its_store.h: the power-fail-safe key-value store under Internal Trusted
 * Storage. A log of CRC-checked records over an its_flash medium; a set is
 * atomic and durable when it returns. The store never formats on its own
 * and never returns data that failed its CRC.
 *
 * Keys are 64-bit and owner-qualified: the ITS partition uses
 * (uint64_t)(uint32_t)client_id << 32 | object_id (DESIGN.md section 3), so
 * the owner of a key is its upper 32 bits. Flags are stored and returned,
 * never interpreted (WRITE_ONCE is the partition's business).
 *
 * Not thread-safe: one caller at a time per store. On-flash format, commit
 * and recovery rules, limits and the RAM bound: docs/its.md.
 */
#ifndef ITS_STORE_H
#define ITS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "psa/error.h"
#include "its_flash.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The format version written by its_store_format and the only one read. */
#define ITS_STORE_FORMAT_VERSION 1u

/* Geometry beyond the medium's own; stored in the image and checked at
 * every open. */
struct its_store_config {
    uint32_t max_object_size; /* bytes; 40 + max_object_size rounded up to
                                 4 must be < sector_size - 48 */
    uint32_t max_objects;     /* live objects at once, 1..65536 */
};

struct its_store_entry; /* the RAM index, private */

/* An open store. Fields are private; the struct is public only so that the
 * caller can place it. */
struct its_store {
    const struct its_flash *fl;
    struct its_store_config cfg;
    struct its_store_entry *index; /* max_objects entries, sorted by key */
    uint32_t count;
    uint64_t used;       /* footprint of live records */
    uint64_t data_bytes; /* sum of live sizes */
    uint64_t capacity;
    uint64_t next_seq;
    uint32_t next_sector_seq;
    uint32_t active;     /* sector receiving records */
    uint32_t wp;         /* write offset within active */
    uint32_t *sector_seq; /* per sector: its sequence, 0 if erased */
    bool failed;         /* an I/O error left RAM and flash out of step */
    const char *why;     /* static text for the last refusal, or NULL */
};

/*
 * Write a new empty store on a blank medium (every byte 0xFF).
 * Checks: st, fl, cfg non-NULL; the geometry (see struct its_store_config,
 * the medium at most 4 GiB). Returns:
 *  - PSA_SUCCESS: the store is formatted (and synced), not opened;
 *  - PSA_ERROR_INVALID_ARGUMENT: NULL pointer or impossible geometry;
 *  - PSA_ERROR_ALREADY_EXISTS: the medium is not blank. Nothing is erased:
 *    destroying a store is an explicit its_flash_erase_all first;
 *  - PSA_ERROR_STORAGE_FAILURE: a medium I/O error.
 */
psa_status_t its_store_format(const struct its_flash *fl,
                              const struct its_store_config *cfg);

/*
 * Open the store on fl, recovering from any interrupted operation: the scan
 * completes or undoes an interrupted garbage collection, erases a sector
 * left half-erased and seals a torn record at the log's tail, so every
 * object shows its value before or after the interrupted set or remove.
 * Allocates the index once (docs/its.md, RAM bound); fl must outlive the
 * store; st must not be open already (it would leak). Returns:
 *  - PSA_SUCCESS;
 *  - PSA_ERROR_INVALID_ARGUMENT: NULL pointer or impossible geometry;
 *  - PSA_ERROR_DOES_NOT_EXIST: the medium is blank (all 0xFF): the caller
 *    decides whether to its_store_format;
 *  - PSA_ERROR_STORAGE_FAILURE: not a Ward ITS image (foreign magic),
 *    another format version, a geometry other than fl's and cfg's (nothing
 *    is written; st->why says which), or a medium I/O error (possibly in
 *    the middle of the repair, which the next open redoes);
 *  - PSA_ERROR_DATA_CORRUPT: a Ward image damaged beyond what a power cut
 *    explains (a committed record or sector header that fails its CRC in a
 *    place where objects could silently go back in time). Nothing written;
 *  - PSA_ERROR_INSUFFICIENT_MEMORY: the index could not be allocated.
 * On failure st is left closed (its_store_close is harmless).
 */
psa_status_t its_store_open(struct its_store *st, const struct its_flash *fl,
                            const struct its_store_config *cfg);

/* Free the index. Every completed set is already durable. Safe on a store
 * that failed to open or was already closed; st may be NULL. */
void its_store_close(struct its_store *st);

/*
 * Store len bytes from data under key with flags, replacing any previous
 * value atomically: after a crash at any point, key holds the old value or
 * the new one. Durable when it returns PSA_SUCCESS (one sync in the common
 * case). data may be NULL only when len is 0. Returns:
 *  - PSA_SUCCESS;
 *  - PSA_ERROR_INVALID_ARGUMENT: st NULL, data NULL with len > 0, or len >
 *    max_object_size;
 *  - PSA_ERROR_BAD_STATE: st not open;
 *  - PSA_ERROR_INSUFFICIENT_STORAGE: the record would not fit (free bytes
 *    from its_store_usage < its_store_footprint(len); an overwrite needs
 *    room for the new value beside the old) or max_objects are live and key
 *    is new. Decided before anything is written: nothing changes;
 *  - PSA_ERROR_STORAGE_FAILURE: a medium I/O error. The outcome is then
 *    either value; set, get and remove refuse with this status until the
 *    store is closed and opened again (recovery settles the outcome);
 *    get_info, iteration and usage keep answering from RAM.
 */
psa_status_t its_store_set(struct its_store *st, uint64_t key, uint32_t flags,
                           const void *data, size_t len);

/*
 * Copy bytes [offset, offset + size) of key's value, clipped at its end,
 * into buf; *out_len gets the count, min(size, value_size - offset).
 * offset == value size or size == 0 succeed with *out_len 0 and buf
 * untouched (unless the value is already known corrupt: DATA_CORRUPT).
 * The whole value is checked against its CRC on every get.
 * buf may be NULL only when size is 0. Returns:
 *  - PSA_SUCCESS;
 *  - PSA_ERROR_INVALID_ARGUMENT: st or out_len NULL, buf NULL with size > 0,
 *    offset > value size;
 *  - PSA_ERROR_BAD_STATE: st not open;
 *  - PSA_ERROR_DOES_NOT_EXIST: no such key;
 *  - PSA_ERROR_DATA_CORRUPT: the stored value fails its CRC; buf holds no
 *    byte of it (what was copied is wiped);
 *  - PSA_ERROR_STORAGE_FAILURE: a medium I/O error (buf wiped as above), or
 *    an earlier set or remove failed on one.
 */
psa_status_t its_store_get(struct its_store *st, uint64_t key, size_t offset,
                           size_t size, void *buf, size_t *out_len);

/*
 * Size and create flags of key, from the record header (checked at open),
 * so this succeeds even for a value that its_store_get reports as
 * DATA_CORRUPT. Either out pointer may be NULL. Returns PSA_SUCCESS,
 * PSA_ERROR_INVALID_ARGUMENT (st NULL), PSA_ERROR_BAD_STATE (not open),
 * PSA_ERROR_DOES_NOT_EXIST.
 */
psa_status_t its_store_get_info(const struct its_store *st, uint64_t key,
                                size_t *size, uint32_t *flags);

/*
 * Remove key, durably and atomically (a tombstone record). Never needs
 * free space the caller must budget: the capacity rule keeps room for it.
 * Returns PSA_SUCCESS, PSA_ERROR_INVALID_ARGUMENT (st NULL),
 * PSA_ERROR_BAD_STATE (not open), PSA_ERROR_DOES_NOT_EXIST,
 * PSA_ERROR_STORAGE_FAILURE (as for set).
 */
psa_status_t its_store_remove(struct its_store *st, uint64_t key);

/* Iteration over one owner's keys in increasing order. The cursor stays
 * valid across sets and removes (it remembers the last key returned). */
struct its_store_iter {
    uint32_t owner;
    bool all;     /* every owner's keys (its_store_iter_init_all) */
    bool started;
    uint64_t last;
};
void its_store_iter_init(struct its_store_iter *it, uint32_t owner);
/* Iteration over every key of every owner, in increasing order (how the
 * ITS partition rebuilds its uid map at start). */
void its_store_iter_init_all(struct its_store_iter *it);
/* Next key of the owner into *key. PSA_SUCCESS, PSA_ERROR_DOES_NOT_EXIST
 * at the end, PSA_ERROR_INVALID_ARGUMENT (NULL pointer),
 * PSA_ERROR_BAD_STATE (not open). */
psa_status_t its_store_iter_next(const struct its_store *st,
                                 struct its_store_iter *it, uint64_t *key);

struct its_store_usage {
    size_t objects;     /* live objects */
    size_t max_objects;
    uint64_t data_bytes; /* sum of live value sizes */
    uint64_t used_bytes; /* their footprint on flash (headers, alignment) */
    uint64_t capacity_bytes; /* footprint the store guarantees to hold */
    uint64_t free_bytes;     /* capacity_bytes - used_bytes: a set of len
                                bytes fits iff its_store_footprint(len) <=
                                free_bytes (plus old footprint for an
                                overwrite, which stays counted) */
};
/* Whole-store usage. PSA_SUCCESS, PSA_ERROR_INVALID_ARGUMENT,
 * PSA_ERROR_BAD_STATE. */
psa_status_t its_store_usage(const struct its_store *st,
                             struct its_store_usage *u);
/* One owner's live objects and their data and footprint bytes (for a
 * per-client quota). Same returns as its_store_usage. */
psa_status_t its_store_owner_usage(const struct its_store *st, uint32_t owner,
                                   size_t *objects, uint64_t *data_bytes,
                                   uint64_t *used_bytes);
/* Bytes on flash a value of len bytes takes. */
uint64_t its_store_footprint(size_t len);

#ifdef __cplusplus
}
#endif

#endif /* ITS_STORE_H */
