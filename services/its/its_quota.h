/*
 * its_quota.h: per-client ITS quotas and their configuration file
 * (<partition state dir>/its.conf, docs/its.md). The parser takes untrusted
 * text and fails closed: anything it does not understand is an error.
 */
#ifndef ITS_QUOTA_H
#define ITS_QUOTA_H

#include <stddef.h>
#include <stdint.h>

#include "psa/error.h"

#define ITS_QUOTA_MAX_CLIENTS 256u
#define ITS_QUOTA_MAX_FILE (64u * 1024u)

struct its_quota {
    uint32_t max_objects;
    uint64_t max_bytes; /* sum of the client's data sizes */
};

struct its_quota_client {
    int32_t client_id;
    struct its_quota q;
};

struct its_quota_config {
    struct its_quota applications; /* client ID < 0, unless listed */
    struct its_quota partitions;   /* client ID > 0, unless listed */
    uint32_t nclients;
    struct its_quota_client clients[ITS_QUOTA_MAX_CLIENTS];
};

/* Built-in defaults: applications 256 objects and 256 KiB each; partitions
 * the whole store. */
void its_quota_defaults(struct its_quota_config *c);

/*
 * Parse a configuration (len bytes, not NUL-terminated) into c (defaults
 * first, then what the text sets). Returns PSA_SUCCESS, or
 * PSA_ERROR_INVALID_ARGUMENT with *line the 1-based line at fault (0 for
 * the whole text: too long, missing header) and *why a static message.
 */
psa_status_t its_quota_parse(const char *text, size_t len,
                             struct its_quota_config *c, unsigned *line,
                             const char **why);

/*
 * Load path: a missing file gives the defaults (PSA_SUCCESS). A file that
 * is not a regular file owned by the effective user and unwritable by
 * group and others, is longer than ITS_QUOTA_MAX_FILE, cannot be read or
 * does not parse: PSA_ERROR_INVALID_ARGUMENT (why/line as above).
 */
psa_status_t its_quota_load(const char *path, struct its_quota_config *c,
                            unsigned *line, const char **why);

/* The quota that applies to client_id. */
struct its_quota its_quota_for(const struct its_quota_config *c,
                               int32_t client_id);

#endif /* ITS_QUOTA_H */
