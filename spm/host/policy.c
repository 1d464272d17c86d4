/*
 * policy.c: the policy file parser. Input is untrusted text: every token is
 * bounded, every number range-checked, and the first error rejects the
 * whole file with its line number.
 */
#include "policy.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int system_user(const char *name, uint32_t *uid)
{
    struct passwd pw, *res = NULL;
    char buf[4096];
    if (getpwnam_r(name, &pw, buf, sizeof(buf), &res) != 0 || res == NULL)
        return -1;
    *uid = (uint32_t)pw.pw_uid;
    return 0;
}

static int system_group(const char *name, uint32_t *gid)
{
    struct group gr, *res = NULL;
    char buf[8192];
    if (getgrnam_r(name, &gr, buf, sizeof(buf), &res) != 0 || res == NULL)
        return -1;
    *gid = (uint32_t)gr.gr_gid;
    return 0;
}

const struct ward_policy_resolver ward_policy_system_resolver = {
    .user = system_user,
    .group = system_group,
};

/* Parse an unsigned number (decimal or 0x-hex) filling the whole token. */
static bool parse_u32(const char *s, uint32_t *v)
{
    char *end;
    if (s[0] == '\0' || s[0] == '-' || s[0] == '+' || s[0] == ' ')
        return false;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 0);
    if (errno != 0 || *end != '\0' || x > UINT32_MAX)
        return false;
    *v = (uint32_t)x;
    return true;
}

static bool parse_client_id(const char *s, int32_t *v)
{
    char *end;
    if (s[0] != '-')
        return false;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0' || x >= 0 || x < INT32_MIN)
        return false;
    *v = (int32_t)x;
    return true;
}

#define MAX_TOKENS 8

/* Split line (modified in place) into at most MAX_TOKENS tokens. */
static int tokenize(char *line, char *tok[MAX_TOKENS])
{
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(line, " \t", &save); t != NULL;
         t = strtok_r(NULL, " \t", &save)) {
        if (n == MAX_TOKENS)
            return -1;
        tok[n++] = t;
    }
    return n;
}

/* "allow all" | "allow <sids>" | "deny" starting at tok[i]; the number of
 * tokens used, or -1. */
static int parse_access(char **tok, int n, int i, struct ward_policy_rule *r,
                        const char **why)
{
    if (i < n && strcmp(tok[i], "deny") == 0)
        return 1;
    if (i + 1 < n && strcmp(tok[i], "allow") == 0) {
        if (strcmp(tok[i + 1], "all") == 0) {
            r->allow_all = true;
            return 2;
        }
        char *save = NULL;
        for (char *s = strtok_r(tok[i + 1], ",", &save); s != NULL;
             s = strtok_r(NULL, ",", &save)) {
            uint32_t sid;
            if (!parse_u32(s, &sid) || sid == 0) {
                *why = "SIDs must be numbers from 1 to 0xFFFFFFFF";
                return -1;
            }
            if (r->sid_count == WARD_POLICY_MAX_SIDS) {
                *why = "too many SIDs in one rule";
                return -1;
            }
            r->sids[r->sid_count++] = sid;
        }
        if (r->sid_count == 0) {
            *why = "allow needs 'all' or a list of SIDs";
            return -1;
        }
        return 2;
    }
    *why = "expected 'allow all', 'allow <sid>[,<sid>...]' or 'deny'";
    return -1;
}

static const char *parse_line(char *line, unsigned lineno, bool *seen_header,
                              bool *seen_default,
                              const struct ward_policy_resolver *res,
                              struct ward_policy *p)
{
    char *tok[MAX_TOKENS];
    int n = tokenize(line, tok);
    const char *why = NULL;
    if (n < 0)
        return "too many words";
    if (n == 0)
        return NULL;
    if (!*seen_header) {
        if (n == 2 && strcmp(tok[0], "ward-policy") == 0 && strcmp(tok[1], "1") == 0) {
            *seen_header = true;
            return NULL;
        }
        if (strcmp(tok[0], "ward-policy") == 0)
            return "unsupported policy version (this wardd reads version 1)";
        return "the first directive must be 'ward-policy 1'";
    }
    (void)lineno;
    if (strcmp(tok[0], "default") == 0) {
        if (*seen_default)
            return "a second 'default'";
        *seen_default = true;
        if (n == 3 && strcmp(tok[1], "allow") == 0 && strcmp(tok[2], "all") == 0)
            p->default_allow = true;
        else if (n == 2 && strcmp(tok[1], "deny") == 0)
            p->default_allow = false;
        else
            return "expected 'default allow all' or 'default deny'";
        return NULL;
    }
    bool user = strcmp(tok[0], "user") == 0;
    if (!user && strcmp(tok[0], "group") != 0)
        return "unknown directive (expected user, group or default)";
    if (n < 3)
        return user ? "expected 'user <name|uid> ...'" : "expected 'group <name|gid> ...'";
    if (p->rule_count == WARD_POLICY_MAX_RULES)
        return "too many rules";
    struct ward_policy_rule *r = &p->rules[p->rule_count];
    memset(r, 0, sizeof(*r));
    r->subject = user ? WARD_POLICY_USER : WARD_POLICY_GROUP;
    if (!parse_u32(tok[1], &r->who)) {
        if (strlen(tok[1]) > 64 || (user ? res->user(tok[1], &r->who)
                                         : res->group(tok[1], &r->who)) != 0)
            return user ? "unknown user" : "unknown group";
    }
    int i = 2;
    if (user && n > i + 1 && strcmp(tok[i], "id") == 0) {
        if (!parse_client_id(tok[i + 1], &r->client_id))
            return "a client ID must be a negative 32-bit number";
        r->has_id = true;
        i += 2;
    }
    int used = parse_access(tok, n, i, r, &why);
    if (used < 0)
        return why;
    if (i + used != n)
        return "unexpected words at the end";
    p->rule_count++;
    return NULL;
}

static void deny_all(struct ward_policy *out)
{
    memset(out, 0, sizeof(*out));
    out->present = true;
    out->default_allow = false;
}

psa_status_t ward_policy_parse(const char *text, size_t len,
                               const struct ward_policy_resolver *resolver,
                               struct ward_policy *out, char *err, size_t errlen)
{
    char line[WARD_POLICY_MAX_LINE + 1];
    bool seen_header = false, seen_default = false;
    unsigned lineno = 0;
    size_t pos = 0;
    deny_all(out);
    while (pos < len) {
        size_t start = pos, n;
        while (pos < len && text[pos] != '\n')
            pos++;
        n = pos - start;
        if (pos < len)
            pos++; /* the newline */
        lineno++;
        const char *why = NULL;
        if (n > WARD_POLICY_MAX_LINE) {
            why = "line too long";
        } else {
            memcpy(line, text + start, n);
            line[n] = '\0';
            if (memchr(line, '\0', n) != NULL)
                why = "NUL byte";
            else {
                char *hash = strchr(line, '#');
                if (hash != NULL)
                    *hash = '\0';
                if (n > 0 && line[n - 1] == '\r')
                    line[n - 1] = '\0';
                why = parse_line(line, lineno, &seen_header, &seen_default,
                                 resolver, out);
            }
        }
        if (why != NULL) {
            snprintf(err, errlen, "line %u: %s", lineno, why);
            deny_all(out);
            return PSA_ERROR_INVALID_ARGUMENT;
        }
    }
    if (!seen_header) {
        snprintf(err, errlen, "line %u: missing 'ward-policy 1'", lineno ? lineno : 1);
        deny_all(out);
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    return PSA_SUCCESS;
}

psa_status_t ward_policy_load(const char *path, struct ward_policy *out,
                              char *err, size_t errlen)
{
    char reason[160];
    struct stat st;
    deny_all(out);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (1 << 20)) {
        close(fd);
        snprintf(err, errlen, "%s: not a regular file of at most 1 MiB", path);
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    if ((st.st_mode & 022) != 0) {
        close(fd);
        snprintf(err, errlen, "%s: writable by group or others (mode %o)", path,
                 (unsigned)(st.st_mode & 0777));
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    char *text = malloc((size_t)st.st_size + 1);
    ssize_t k = text != NULL ? read(fd, text, (size_t)st.st_size) : -1;
    close(fd);
    if (k != st.st_size) {
        free(text);
        snprintf(err, errlen, "%s: read failed", path);
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    psa_status_t s = ward_policy_parse(text, (size_t)k, &ward_policy_system_resolver,
                                       out, reason, sizeof(reason));
    free(text);
    if (s != PSA_SUCCESS)
        snprintf(err, errlen, "%s: %s", path, reason);
    return s;
}

const struct ward_policy_rule *ward_policy_match(const struct ward_policy *p,
                                                 uid_t uid, const gid_t *gids,
                                                 size_t ngids)
{
    for (unsigned i = 0; i < p->rule_count; i++)
        if (p->rules[i].subject == WARD_POLICY_USER && p->rules[i].who == (uint32_t)uid)
            return &p->rules[i];
    for (unsigned i = 0; i < p->rule_count; i++)
        if (p->rules[i].subject == WARD_POLICY_GROUP)
            for (size_t g = 0; g < ngids; g++)
                if (p->rules[i].who == (uint32_t)gids[g])
                    return &p->rules[i];
    return NULL;
}

bool ward_policy_allows(const struct ward_policy *p,
                        const struct ward_policy_rule *rule, uint32_t sid)
{
    if (!p->present)
        return true;
    if (rule == NULL)
        return p->default_allow;
    if (rule->allow_all)
        return true;
    for (unsigned i = 0; i < rule->sid_count; i++)
        if (rule->sids[i] == sid)
            return true;
    return false;
}

int32_t ward_policy_client_id(const struct ward_policy_rule *rule, uid_t uid)
{
    if (rule != NULL && rule->has_id)
        return rule->client_id;
    return -(int32_t)((uint32_t)uid & 0x7FFFFFFEu) - 1;
}
