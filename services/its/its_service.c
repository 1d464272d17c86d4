/*
 * its_service.c: ITS semantics over the store: per-client namespaces with
 * full 64-bit uids, WRITE_ONCE, quotas. Every object is reached only
 * through the caller's owner word, so no request can name, count or learn
 * of another client's objects.
 */
#include "its_service.h"

#include <stdlib.h>
#include <string.h>

#include "psa/internal_trusted_storage.h"
#include "ward_codec.h"

static int entry_cmp(const struct its_map_entry *a, const struct its_map_entry *b)
{
    if (a->owner != b->owner)
        return a->owner < b->owner ? -1 : 1;
    if (a->uid != b->uid)
        return a->uid < b->uid ? -1 : 1;
    if (a->slot != b->slot)
        return a->slot < b->slot ? -1 : 1;
    return 0;
}

static int entry_qsort_cmp(const void *a, const void *b)
{
    return entry_cmp(a, b);
}

static uint64_t entry_key(const struct its_map_entry *e)
{
    return (uint64_t)e->owner << 32 | e->slot;
}

/* First index whose (owner, uid) is >= the given one. */
static uint32_t map_lower(const struct its_service *s, uint32_t owner, uint64_t uid)
{
    struct its_map_entry probe = {owner, 0, uid};
    uint32_t lo = 0, hi = s->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (entry_cmp(&s->map[mid], &probe) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static struct its_map_entry *map_find(struct its_service *s, uint32_t owner,
                                      uint64_t uid)
{
    uint32_t i = map_lower(s, owner, uid);
    if (i < s->count && s->map[i].owner == owner && s->map[i].uid == uid)
        return &s->map[i];
    return NULL;
}

/* Does owner have a damaged record (uid unknown, kept as uid 0)? */
static bool owner_damaged(struct its_service *s, uint32_t owner)
{
    return map_find(s, owner, 0) != NULL;
}

static psa_status_t map_insert(struct its_service *s, struct its_map_entry e)
{
    if (s->count >= ITS_MAX_OBJECTS)
        return PSA_ERROR_INSUFFICIENT_STORAGE;
    uint32_t i = map_lower(s, e.owner, e.uid);
    while (i < s->count && entry_cmp(&s->map[i], &e) < 0)
        i++;
    memmove(&s->map[i + 1], &s->map[i], (s->count - i) * sizeof(e));
    s->map[i] = e;
    s->count++;
    return PSA_SUCCESS;
}

static void map_delete(struct its_service *s, struct its_map_entry *e)
{
    uint32_t i = (uint32_t)(e - s->map);
    memmove(&s->map[i], &s->map[i + 1], (s->count - i - 1) * sizeof(*e));
    s->count--;
}

psa_status_t its_service_init(struct its_service *s, struct its_store *st,
                              const struct its_quota_config *quota)
{
    struct its_store_iter it;
    uint64_t key;
    psa_status_t rc;
    memset(s, 0, sizeof(*s));
    s->st = st;
    if (quota != NULL)
        s->quota = *quota;
    else
        its_quota_defaults(&s->quota);
    if (st == NULL)
        return s->broken = PSA_ERROR_STORAGE_FAILURE;
    s->map = calloc(ITS_MAX_OBJECTS, sizeof(*s->map));
    if (s->map == NULL)
        return s->broken = PSA_ERROR_INSUFFICIENT_MEMORY;
    its_store_iter_init_all(&it);
    while ((rc = its_store_iter_next(st, &it, &key)) == PSA_SUCCESS) {
        size_t len, got;
        uint32_t flags;
        uint8_t prefix[ITS_UID_PREFIX];
        struct its_map_entry e = {(uint32_t)(key >> 32), (uint32_t)key, 0};
        if (s->count >= ITS_MAX_OBJECTS ||
            its_store_get_info(st, key, &len, &flags) != PSA_SUCCESS ||
            (flags & 0xff000000u) != ITS_RECORD_TAG || len < ITS_UID_PREFIX ||
            len > ITS_RECORD_MAX)
            return s->broken = PSA_ERROR_STORAGE_FAILURE; /* not our layout */
        rc = its_store_get(st, key, 0, sizeof(prefix), prefix, &got);
        if (rc == PSA_SUCCESS) {
            e.uid = ward_load_u64le(prefix);
            if (e.uid == 0)
                return s->broken = PSA_ERROR_STORAGE_FAILURE;
        } else if (rc != PSA_ERROR_DATA_CORRUPT) {
            return s->broken = PSA_ERROR_STORAGE_FAILURE;
        }
        s->map[s->count++] = e;
    }
    if (rc != PSA_ERROR_DOES_NOT_EXIST)
        return s->broken = PSA_ERROR_STORAGE_FAILURE;
    qsort(s->map, s->count, sizeof(*s->map), entry_qsort_cmp);
    for (uint32_t i = 1; i < s->count; i++)
        if (s->map[i].uid != 0 && s->map[i].owner == s->map[i - 1].owner &&
            s->map[i].uid == s->map[i - 1].uid)
            return s->broken = PSA_ERROR_DATA_CORRUPT;
    return PSA_SUCCESS;
}

void its_service_fini(struct its_service *s)
{
    if (s == NULL)
        return;
    free(s->map);
    s->map = NULL;
    s->count = 0;
    s->st = NULL;
}

void its_service_break(struct its_service *s, psa_status_t status)
{
    s->broken = status;
}

/* Size and applied flags of an entry's record. */
static psa_status_t entry_info(struct its_service *s,
                               const struct its_map_entry *e, size_t *size,
                               uint32_t *flags)
{
    size_t len;
    uint32_t f;
    psa_status_t rc = its_store_get_info(s->st, entry_key(e), &len, &f);
    if (rc != PSA_SUCCESS)
        return PSA_ERROR_STORAGE_FAILURE; /* the map and the store disagree */
    *size = len - ITS_UID_PREFIX;
    *flags = f & 0xffu;
    return PSA_SUCCESS;
}

/* A free slot for uid under owner: a hash of the uid, probed upward. */
static psa_status_t free_slot(struct its_service *s, uint32_t owner,
                              uint64_t uid, uint32_t *slot)
{
    uint32_t h = (uint32_t)((uid * 0x9E3779B97F4A7C15ull) >> 32);
    for (uint32_t n = 0; n <= ITS_MAX_OBJECTS; n++, h++) {
        psa_status_t rc = its_store_get_info(s->st, (uint64_t)owner << 32 | h,
                                             NULL, NULL);
        if (rc == PSA_ERROR_DOES_NOT_EXIST) {
            *slot = h;
            return PSA_SUCCESS;
        }
        if (rc != PSA_SUCCESS)
            return PSA_ERROR_STORAGE_FAILURE;
    }
    return PSA_ERROR_INSUFFICIENT_STORAGE;
}

/* The client's data bytes: the store counts the uid prefixes too. */
static psa_status_t client_usage(struct its_service *s, uint32_t owner,
                                 size_t *objects, uint64_t *bytes)
{
    uint64_t data, used;
    if (its_store_owner_usage(s->st, owner, objects, &data, &used) != PSA_SUCCESS)
        return PSA_ERROR_STORAGE_FAILURE;
    uint64_t prefixes = (uint64_t)*objects * ITS_UID_PREFIX;
    *bytes = data > prefixes ? data - prefixes : 0;
    return PSA_SUCCESS;
}

psa_status_t its_service_set(struct its_service *s, int32_t client_id,
                             uint64_t uid, uint32_t flags, const void *data,
                             size_t len, bool provisioning)
{
    uint32_t owner = (uint32_t)client_id;
    size_t old_size = 0, objects;
    uint32_t old_flags = 0;
    uint64_t bytes;
    psa_status_t rc;
    if (uid == 0 || (data == NULL && len > 0))
        return PSA_ERROR_INVALID_ARGUMENT;
    if ((flags & ~(uint32_t)ITS_FLAGS_SUPPORTED) != 0)
        return PSA_ERROR_NOT_SUPPORTED;
    if (len > ITS_MAX_ASSET_SIZE)
        return PSA_ERROR_INVALID_ARGUMENT;
    if (s->broken != PSA_SUCCESS)
        return s->broken;
    struct its_map_entry *e = map_find(s, owner, uid);
    if (e != NULL) {
        rc = entry_info(s, e, &old_size, &old_flags);
        if (rc != PSA_SUCCESS)
            return rc;
        if ((old_flags & PSA_STORAGE_FLAG_WRITE_ONCE) != 0 && !provisioning)
            return PSA_ERROR_NOT_PERMITTED;
    }
    /* The quota, decided before anything is written. */
    struct its_quota q = its_quota_for(&s->quota, client_id);
    rc = client_usage(s, owner, &objects, &bytes);
    if (rc != PSA_SUCCESS)
        return rc;
    if ((e == NULL && objects + 1 > q.max_objects) ||
        bytes - old_size + len > q.max_bytes)
        return PSA_ERROR_INSUFFICIENT_STORAGE;
    struct its_map_entry ne = {owner, 0, uid};
    if (e != NULL) {
        ne.slot = e->slot;
    } else {
        if (s->count >= ITS_MAX_OBJECTS)
            return PSA_ERROR_INSUFFICIENT_STORAGE;
        rc = free_slot(s, owner, uid, &ne.slot);
        if (rc != PSA_SUCCESS)
            return rc;
    }
    ward_store_u64le(s->buf, uid);
    if (len > 0)
        memcpy(s->buf + ITS_UID_PREFIX, data, len);
    /* The hints are accepted but not applied: every object gets the same
     * protection, so only WRITE_ONCE is recorded (and reported). */
    rc = its_store_set(s->st, entry_key(&ne),
                       ITS_RECORD_TAG | (flags & PSA_STORAGE_FLAG_WRITE_ONCE),
                       s->buf, ITS_UID_PREFIX + len);
    memset(s->buf, 0, ITS_UID_PREFIX + len);
    if (rc == PSA_ERROR_INSUFFICIENT_STORAGE)
        return rc;
    if (rc != PSA_SUCCESS) {
        /* The outcome is unknown until the store is reopened (at the next
         * start, whose recovery settles it): refuse from now on. */
        s->broken = PSA_ERROR_STORAGE_FAILURE;
        return PSA_ERROR_STORAGE_FAILURE;
    }
    if (e == NULL)
        return map_insert(s, ne); /* room checked above */
    return PSA_SUCCESS;
}

/* Look uid up for a read or a remove. */
static psa_status_t lookup(struct its_service *s, int32_t client_id,
                           uint64_t uid, struct its_map_entry **e)
{
    if (uid == 0)
        return PSA_ERROR_INVALID_ARGUMENT;
    if (s->broken != PSA_SUCCESS)
        return s->broken;
    *e = map_find(s, (uint32_t)client_id, uid);
    if (*e == NULL)
        return owner_damaged(s, (uint32_t)client_id) ? PSA_ERROR_DATA_CORRUPT
                                                     : PSA_ERROR_DOES_NOT_EXIST;
    return PSA_SUCCESS;
}

psa_status_t its_service_get(struct its_service *s, int32_t client_id,
                             uint64_t uid, uint64_t offset, size_t size,
                             void *out, size_t *out_len)
{
    struct its_map_entry *e;
    size_t have;
    uint32_t flags;
    if (out_len == NULL || (out == NULL && size > 0))
        return PSA_ERROR_INVALID_ARGUMENT;
    psa_status_t rc = lookup(s, client_id, uid, &e);
    if (rc != PSA_SUCCESS)
        return rc;
    rc = entry_info(s, e, &have, &flags);
    if (rc != PSA_SUCCESS)
        return rc;
    if (offset > have)
        return PSA_ERROR_INVALID_ARGUMENT;
    rc = its_store_get(s->st, entry_key(e), ITS_UID_PREFIX + (size_t)offset,
                       size, out, out_len);
    if (rc == PSA_SUCCESS || rc == PSA_ERROR_DATA_CORRUPT)
        return rc;
    return PSA_ERROR_STORAGE_FAILURE;
}

psa_status_t its_service_get_info(struct its_service *s, int32_t client_id,
                                  uint64_t uid, uint64_t *capacity,
                                  uint64_t *size, uint32_t *flags)
{
    struct its_map_entry *e;
    size_t have;
    psa_status_t rc = lookup(s, client_id, uid, &e);
    if (rc != PSA_SUCCESS)
        return rc;
    rc = entry_info(s, e, &have, flags);
    if (rc != PSA_SUCCESS)
        return rc;
    *capacity = *size = have;
    return PSA_SUCCESS;
}

psa_status_t its_service_remove(struct its_service *s, int32_t client_id,
                                uint64_t uid, bool provisioning)
{
    struct its_map_entry *e;
    size_t have;
    uint32_t flags;
    psa_status_t rc = lookup(s, client_id, uid, &e);
    if (rc != PSA_SUCCESS)
        return rc;
    rc = entry_info(s, e, &have, &flags);
    if (rc != PSA_SUCCESS)
        return rc;
    if ((flags & PSA_STORAGE_FLAG_WRITE_ONCE) != 0 && !provisioning)
        return PSA_ERROR_NOT_PERMITTED;
    rc = its_store_remove(s->st, entry_key(e));
    if (rc != PSA_SUCCESS) {
        s->broken = PSA_ERROR_STORAGE_FAILURE; /* as for set */
        return PSA_ERROR_STORAGE_FAILURE;
    }
    map_delete(s, e);
    return PSA_SUCCESS;
}

psa_status_t its_service_list(struct its_service *s, int32_t client_id,
                              uint64_t after, uint64_t *uids, size_t max,
                              size_t *count)
{
    uint32_t owner = (uint32_t)client_id;
    if (count == NULL || (uids == NULL && max > 0))
        return PSA_ERROR_INVALID_ARGUMENT;
    *count = 0;
    if (s->broken != PSA_SUCCESS)
        return s->broken;
    if (owner_damaged(s, owner))
        return PSA_ERROR_DATA_CORRUPT;
    if (after == UINT64_MAX)
        return PSA_SUCCESS;
    for (uint32_t i = map_lower(s, owner, after + 1);
         i < s->count && s->map[i].owner == owner && *count < max; i++)
        uids[(*count)++] = s->map[i].uid;
    return PSA_SUCCESS;
}
