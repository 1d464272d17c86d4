/*
 * its_quota.c: per-client quotas and the parser of its.conf. Untrusted
 * text: every token is checked, anything unexpected fails the whole file.
 */
#include "its_quota.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_OBJECTS_LIMIT 65536u
#define MAX_BYTES_LIMIT (1ull << 40)

void its_quota_defaults(struct its_quota_config *c)
{
    memset(c, 0, sizeof(*c));
    c->applications.max_objects = 256;
    c->applications.max_bytes = 256u * 1024u;
    c->partitions.max_objects = MAX_OBJECTS_LIMIT;
    c->partitions.max_bytes = MAX_BYTES_LIMIT;
}

/* Split one line into at most max tokens separated by spaces or tabs. */
static size_t tokenize(const char *p, size_t n, const char **tok,
                       size_t *tlen, size_t max, bool *too_many)
{
    size_t k = 0, i = 0;
    *too_many = false;
    while (i < n) {
        while (i < n && (p[i] == ' ' || p[i] == '\t'))
            i++;
        if (i == n)
            break;
        size_t start = i;
        while (i < n && p[i] != ' ' && p[i] != '\t')
            i++;
        if (k == max) {
            *too_many = true;
            return k;
        }
        tok[k] = p + start;
        tlen[k] = i - start;
        k++;
    }
    return k;
}

static bool token_is(const char *t, size_t n, const char *word)
{
    return strlen(word) == n && memcmp(t, word, n) == 0;
}

/* A decimal number without sign or leading zeros, at most limit. */
static bool parse_u64(const char *t, size_t n, uint64_t limit, uint64_t *v)
{
    uint64_t x = 0;
    if (n == 0 || n > 20 || (n > 1 && t[0] == '0'))
        return false;
    for (size_t i = 0; i < n; i++) {
        if (t[i] < '0' || t[i] > '9')
            return false;
        uint64_t d = (uint64_t)(t[i] - '0');
        if (x > (limit - d) / 10)
            return false;
        x = x * 10 + d;
    }
    *v = x;
    return true;
}

static bool parse_client_id(const char *t, size_t n, int32_t *id)
{
    uint64_t mag;
    bool neg = n > 0 && t[0] == '-';
    if (neg) {
        t++;
        n--;
    }
    if (!parse_u64(t, n, neg ? 0x80000000ull : 0x7fffffffull, &mag) || mag == 0)
        return false;
    *id = neg ? (int32_t)(-(int64_t)mag) : (int32_t)mag;
    return true;
}

static bool parse_quota(const char *const *tok, const size_t *tlen,
                        struct its_quota *q)
{
    uint64_t objs, bytes;
    if (!parse_u64(tok[0], tlen[0], MAX_OBJECTS_LIMIT, &objs) ||
        !parse_u64(tok[1], tlen[1], MAX_BYTES_LIMIT, &bytes))
        return false;
    q->max_objects = (uint32_t)objs;
    q->max_bytes = bytes;
    return true;
}

psa_status_t its_quota_parse(const char *text, size_t len,
                             struct its_quota_config *c, unsigned *line,
                             const char **why)
{
    bool header = false, seen_apps = false, seen_parts = false;
    unsigned lineno = 0;
    size_t i = 0;
    *line = 0;
    *why = NULL;
    its_quota_defaults(c);
    if (text == NULL && len > 0) {
        *why = "no text";
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    if (len > ITS_QUOTA_MAX_FILE) {
        *why = "file too long";
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    while (i < len) {
        const char *p = text + i;
        const char *nl = memchr(p, '\n', len - i);
        size_t n = nl != NULL ? (size_t)(nl - p) : len - i;
        i += n + (nl != NULL);
        lineno++;
        *line = lineno;
        if (memchr(p, '\0', n) != NULL || memchr(p, '\r', n) != NULL) {
            *why = "NUL or carriage return in the line";
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        const char *tok[5];
        size_t tlen[5];
        bool too_many;
        size_t k = tokenize(p, n, tok, tlen, 5, &too_many);
        if (too_many) {
            *why = "too many fields";
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        if (k == 0 || tok[0][0] == '#')
            continue;
        if (!header) {
            if (k != 2 || !token_is(tok[0], tlen[0], "ward-its-quota")) {
                *why = "the first line must be \"ward-its-quota 1\"";
                return PSA_ERROR_INVALID_ARGUMENT;
            }
            if (!token_is(tok[1], tlen[1], "1")) {
                *why = "unsupported version (this reader knows 1)";
                return PSA_ERROR_INVALID_ARGUMENT;
            }
            header = true;
            continue;
        }
        if (token_is(tok[0], tlen[0], "applications") ||
            token_is(tok[0], tlen[0], "partitions")) {
            bool apps = tok[0][0] == 'a';
            if (k != 3 || !parse_quota(tok + 1, tlen + 1,
                                       apps ? &c->applications : &c->partitions)) {
                *why = "expected: applications|partitions OBJECTS BYTES";
                return PSA_ERROR_INVALID_ARGUMENT;
            }
            if (apps ? seen_apps : seen_parts) {
                *why = "set twice";
                return PSA_ERROR_INVALID_ARGUMENT;
            }
            if (apps)
                seen_apps = true;
            else
                seen_parts = true;
        } else if (token_is(tok[0], tlen[0], "client")) {
            struct its_quota_client cl;
            if (k != 4 || !parse_client_id(tok[1], tlen[1], &cl.client_id) ||
                !parse_quota(tok + 2, tlen + 2, &cl.q)) {
                *why = "expected: client ID OBJECTS BYTES (ID a non-zero int32)";
                return PSA_ERROR_INVALID_ARGUMENT;
            }
            for (uint32_t j = 0; j < c->nclients; j++)
                if (c->clients[j].client_id == cl.client_id) {
                    *why = "client listed twice";
                    return PSA_ERROR_INVALID_ARGUMENT;
                }
            if (c->nclients == ITS_QUOTA_MAX_CLIENTS) {
                *why = "too many clients";
                return PSA_ERROR_INVALID_ARGUMENT;
            }
            c->clients[c->nclients++] = cl;
        } else {
            *why = "unknown keyword";
            return PSA_ERROR_INVALID_ARGUMENT;
        }
    }
    if (!header) {
        *line = 0;
        *why = "missing \"ward-its-quota 1\" header";
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    *line = 0;
    return PSA_SUCCESS;
}

psa_status_t its_quota_load(const char *path, struct its_quota_config *c,
                            unsigned *line, const char **why)
{
    struct stat sb;
    *line = 0;
    *why = NULL;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT) {
            its_quota_defaults(c);
            return PSA_SUCCESS;
        }
        *why = "cannot open (a symbolic link?)";
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_uid != geteuid() ||
        (sb.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        close(fd);
        *why = "not a regular file of this user unwritable by others";
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    if (sb.st_size > (off_t)ITS_QUOTA_MAX_FILE) {
        close(fd);
        *why = "file too long";
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    char *text = malloc((size_t)sb.st_size + 1);
    size_t got = 0;
    if (text == NULL) {
        close(fd);
        *why = "out of memory";
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    while (got < (size_t)sb.st_size) {
        ssize_t k = read(fd, text + got, (size_t)sb.st_size - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    close(fd);
    psa_status_t st;
    if (got != (size_t)sb.st_size) {
        *why = "read error";
        st = PSA_ERROR_INVALID_ARGUMENT;
    } else {
        st = its_quota_parse(text, got, c, line, why);
    }
    free(text);
    return st;
}

struct its_quota its_quota_for(const struct its_quota_config *c,
                               int32_t client_id)
{
    for (uint32_t j = 0; j < c->nclients; j++)
        if (c->clients[j].client_id == client_id)
            return c->clients[j].q;
    return client_id > 0 ? c->partitions : c->applications;
}
