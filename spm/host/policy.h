/*
 * policy.h: wardd's client policy file. It maps Unix users and groups to
 * client IDs and limits the SIDs they may reach. The parser reads untrusted
 * text and fails closed: any error refuses the whole file.
 *
 * Format (one directive a line, '#' starts a comment):
 *
 *     ward-policy 1                      required first directive
 *     user <name|uid> [id <N>] (allow all | allow <sid>[,<sid>...] | deny)
 *     group <name|gid> (allow all | allow <sid>[,...] | deny)
 *     default (allow all | deny)         once at most; absent means deny
 *
 * A client matches its first user line, else the first group line naming
 * one of its groups, else the default. `id N` (N < 0) sets the client ID;
 * otherwise it is -(uid + 1). SIDs are decimal or 0x-hex.
 */
#ifndef WARD_POLICY_H
#define WARD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "psa/error.h"

#define WARD_POLICY_MAX_RULES 256
#define WARD_POLICY_MAX_SIDS 64
#define WARD_POLICY_MAX_LINE 1024

enum ward_policy_subject { WARD_POLICY_USER, WARD_POLICY_GROUP };

struct ward_policy_rule {
    uint8_t subject;      /* enum ward_policy_subject */
    uint32_t who;         /* uid or gid */
    bool has_id;
    int32_t client_id;
    bool allow_all;       /* else only sids[] (none: deny) */
    uint32_t sids[WARD_POLICY_MAX_SIDS];
    unsigned sid_count;
};

struct ward_policy {
    bool present;         /* false: no file; everyone allowed everything */
    struct ward_policy_rule rules[WARD_POLICY_MAX_RULES];
    unsigned rule_count;
    bool default_allow;
};

/* Name lookups; return 0 and set *id, or -1 for an unknown name. */
struct ward_policy_resolver {
    int (*user)(const char *name, uint32_t *uid);
    int (*group)(const char *name, uint32_t *gid);
};

/* The system's passwd and group databases. */
extern const struct ward_policy_resolver ward_policy_system_resolver;

/* Parse text (len bytes, not necessarily NUL-terminated). On error returns
 * PSA_ERROR_INVALID_ARGUMENT with "line N: reason" in err and leaves *out
 * denying everything. */
psa_status_t ward_policy_parse(const char *text, size_t len,
                               const struct ward_policy_resolver *resolver,
                               struct ward_policy *out, char *err, size_t errlen);

/* Read and parse a file (at most 1 MiB). Errors name the file. */
psa_status_t ward_policy_load(const char *path, struct ward_policy *out,
                              char *err, size_t errlen);

/* The rule that applies to a client: its uid and groups. NULL means the
 * default applies. */
const struct ward_policy_rule *ward_policy_match(const struct ward_policy *p,
                                                 uid_t uid, const gid_t *gids,
                                                 size_t ngids);

/* May a client governed by rule (or the default, if NULL) reach sid? */
bool ward_policy_allows(const struct ward_policy *p,
                        const struct ward_policy_rule *rule, uint32_t sid);

/* The client ID for uid under rule. */
int32_t ward_policy_client_id(const struct ward_policy_rule *rule, uid_t uid);

#endif /* WARD_POLICY_H */
