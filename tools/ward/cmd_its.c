/*
 * cmd_its.c: `ward its set|get|info|remove|list`: the caller's own
 * Internal Trusted Storage objects through psa_its_* (and ward_its_list),
 * so the tool sees exactly what the calling user's applications see.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psa/internal_trusted_storage.h"
#include "ward/its.h"
#include "ward_cmd.h"

/* Larger than any ITS asset, so an oversized input is reported by the
 * service rather than cut short here. */
#define MAX_INPUT (64u * 1024u)

static const char *status_name(psa_status_t st)
{
    switch (st) {
    case PSA_SUCCESS: return "PSA_SUCCESS";
    case PSA_ERROR_NOT_PERMITTED: return "PSA_ERROR_NOT_PERMITTED";
    case PSA_ERROR_NOT_SUPPORTED: return "PSA_ERROR_NOT_SUPPORTED";
    case PSA_ERROR_INVALID_ARGUMENT: return "PSA_ERROR_INVALID_ARGUMENT";
    case PSA_ERROR_DOES_NOT_EXIST: return "PSA_ERROR_DOES_NOT_EXIST";
    case PSA_ERROR_INSUFFICIENT_STORAGE: return "PSA_ERROR_INSUFFICIENT_STORAGE";
    case PSA_ERROR_STORAGE_FAILURE: return "PSA_ERROR_STORAGE_FAILURE";
    case PSA_ERROR_DATA_CORRUPT: return "PSA_ERROR_DATA_CORRUPT";
    case PSA_ERROR_COMMUNICATION_FAILURE: return "PSA_ERROR_COMMUNICATION_FAILURE";
    case PSA_ERROR_PROGRAMMER_ERROR: return "PSA_ERROR_PROGRAMMER_ERROR";
    case PSA_ERROR_CONNECTION_REFUSED: return "PSA_ERROR_CONNECTION_REFUSED";
    case PSA_ERROR_INSUFFICIENT_MEMORY: return "PSA_ERROR_INSUFFICIENT_MEMORY";
    default: return "error";
    }
}

static int fail(const char *what, psa_status_t st)
{
    fprintf(stderr, "ward its %s: %s (%d)\n", what, status_name(st), (int)st);
    return WARD_EXIT_INVALID;
}

/* A uid: decimal or 0x-prefixed hexadecimal, 1..2^64-1, nothing else. */
static bool parse_uid(const char *s, psa_storage_uid_t *uid)
{
    char *end;
    if (s == NULL || s[0] == '\0' || s[0] == '-' || s[0] == '+' || s[0] == ' ')
        return false;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno != 0 || *end != '\0' || v == 0)
        return false;
    *uid = (psa_storage_uid_t)v;
    return true;
}

static int usage(const char *name)
{
    return ward_usage(ward_find_command("its", name));
}

int ward_cmd_its_set(int argc, char **argv)
{
    psa_storage_uid_t uid;
    psa_storage_create_flags_t flags = PSA_STORAGE_FLAG_NONE;
    const char *file = NULL;
    int n = 0;
    const char *uid_arg = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--write-once") == 0)
            flags |= PSA_STORAGE_FLAG_WRITE_ONCE;
        else if (n == 0 && ++n)
            uid_arg = argv[i];
        else if (n == 1 && ++n)
            file = argv[i];
        else
            return usage("set");
    }
    if (!parse_uid(uid_arg, &uid))
        return usage("set");
    FILE *f = file == NULL || strcmp(file, "-") == 0 ? stdin : fopen(file, "rb");
    if (f == NULL) {
        fprintf(stderr, "ward its set: %s: %s\n", file, strerror(errno));
        return WARD_EXIT_USAGE;
    }
    static unsigned char buf[MAX_INPUT + 1];
    size_t len = fread(buf, 1, sizeof(buf), f);
    bool err = ferror(f) != 0;
    if (f != stdin)
        fclose(f);
    if (err || len > MAX_INPUT) {
        fprintf(stderr, "ward its set: %s\n", err ? "read error" : "input too large");
        return WARD_EXIT_USAGE;
    }
    psa_status_t st = psa_its_set(uid, len, buf, flags);
    memset(buf, 0, len);
    return st == PSA_SUCCESS ? WARD_EXIT_OK : fail("set", st);
}

int ward_cmd_its_get(int argc, char **argv)
{
    psa_storage_uid_t uid;
    if ((argc != 2 && argc != 3) || !parse_uid(argv[1], &uid))
        return usage("get");
    const char *file = argc == 3 ? argv[2] : "-";
    static unsigned char buf[MAX_INPUT];
    size_t len = 0;
    psa_status_t st = psa_its_get(uid, 0, sizeof(buf), buf, &len);
    if (st != PSA_SUCCESS)
        return fail("get", st);
    FILE *f = strcmp(file, "-") == 0 ? stdout : fopen(file, "wb");
    if (f == NULL) {
        fprintf(stderr, "ward its get: %s: %s\n", file, strerror(errno));
        memset(buf, 0, len);
        return WARD_EXIT_USAGE;
    }
    bool ok = fwrite(buf, 1, len, f) == len;
    ok = (f == stdout ? fflush(f) == 0 : fclose(f) == 0) && ok;
    memset(buf, 0, len);
    if (!ok) {
        fprintf(stderr, "ward its get: %s: write error\n", file);
        return WARD_EXIT_USAGE;
    }
    return WARD_EXIT_OK;
}

int ward_cmd_its_info(int argc, char **argv)
{
    psa_storage_uid_t uid;
    struct psa_storage_info_t info;
    if (argc != 2 || !parse_uid(argv[1], &uid))
        return usage("info");
    psa_status_t st = psa_its_get_info(uid, &info);
    if (st != PSA_SUCCESS)
        return fail("info", st);
    printf("uid %" PRIu64 " size %zu capacity %zu flags 0x%08" PRIx32 "%s\n", uid,
           info.size, info.capacity, info.flags,
           (info.flags & PSA_STORAGE_FLAG_WRITE_ONCE) ? " (write-once)" : "");
    return WARD_EXIT_OK;
}

int ward_cmd_its_remove(int argc, char **argv)
{
    psa_storage_uid_t uid;
    if (argc != 2 || !parse_uid(argv[1], &uid))
        return usage("remove");
    psa_status_t st = psa_its_remove(uid);
    return st == PSA_SUCCESS ? WARD_EXIT_OK : fail("remove", st);
}

int ward_cmd_its_list(int argc, char **argv)
{
    (void)argv;
    psa_storage_uid_t uids[WARD_ITS_LIST_MAX], after = 0;
    size_t n;
    if (argc != 1)
        return usage("list");
    do {
        psa_status_t st = ward_its_list(after, uids, WARD_ITS_LIST_MAX, &n);
        if (st != PSA_SUCCESS)
            return fail("list", st);
        for (size_t i = 0; i < n; i++)
            printf("%" PRIu64 "\n", uids[i]);
        if (n > 0)
            after = uids[n - 1];
    } while (n == WARD_ITS_LIST_MAX);
    return WARD_EXIT_OK;
}
