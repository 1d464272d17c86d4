/*
 * its_proxy.c: psa_its_* (and ward_its_list) for applications and
 * partitions: each is one psa_call to the stateless ITS service, with its
 * parameters encoded by lib/codec (its_protocol.h). The same source links
 * into ward-emul, ward-client and wardd (for partitions that use ITS).
 */
#include <string.h>

#include "its_protocol.h"
#include "psa/client.h"
#include "psa/internal_trusted_storage.h"
#include "ward/its.h"
#include "ward_codec.h"

#define WARD_ITS_API __attribute__((visibility("default")))

WARD_ITS_API psa_status_t psa_its_set(psa_storage_uid_t uid, size_t data_length,
                                      const void *p_data,
                                      psa_storage_create_flags_t create_flags)
{
    uint8_t p[ITS_SET_PARAMS_SIZE];
    if (uid == 0 || (p_data == NULL && data_length > 0))
        return PSA_ERROR_INVALID_ARGUMENT;
    if (data_length > ITS_MAX_ASSET_SIZE) {
        /* The service would refuse it: spare the copy, keep its order of
         * checks (an unsupported flag is reported first). */
        if ((create_flags & ~(PSA_STORAGE_FLAG_WRITE_ONCE |
                              PSA_STORAGE_FLAG_NO_CONFIDENTIALITY |
                              PSA_STORAGE_FLAG_NO_REPLAY_PROTECTION)) != 0)
            return PSA_ERROR_NOT_SUPPORTED;
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    ward_store_u64le(p, uid);
    ward_store_u32le(p + 8, create_flags);
    psa_invec in[2] = {{p, sizeof(p)}, {p_data, data_length}};
    return psa_call(ITS_PROXY_HANDLE, ITS_REQ_SET, in, 2, NULL, 0);
}

WARD_ITS_API psa_status_t psa_its_get(psa_storage_uid_t uid, size_t data_offset,
                                      size_t data_size, void *p_data,
                                      size_t *p_data_length)
{
    uint8_t p[ITS_GET_PARAMS_SIZE];
    if (uid == 0 || p_data_length == NULL || (p_data == NULL && data_size > 0))
        return PSA_ERROR_INVALID_ARGUMENT;
    /* No asset is longer: asking for more only costs buffer space. */
    if (data_size > ITS_MAX_ASSET_SIZE)
        data_size = ITS_MAX_ASSET_SIZE;
    ward_store_u64le(p, uid);
    ward_store_u64le(p + 8, (uint64_t)data_offset);
    psa_invec in = {p, sizeof(p)};
    psa_outvec out = {p_data, data_size};
    psa_status_t st = psa_call(ITS_PROXY_HANDLE, ITS_REQ_GET, &in, 1, &out, 1);
    if (st == PSA_SUCCESS)
        *p_data_length = out.len;
    return st;
}

WARD_ITS_API psa_status_t psa_its_get_info(psa_storage_uid_t uid,
                                           struct psa_storage_info_t *p_info)
{
    uint8_t p[ITS_UID_PARAMS_SIZE], r[ITS_INFO_REPLY_SIZE];
    if (uid == 0 || p_info == NULL)
        return PSA_ERROR_INVALID_ARGUMENT;
    ward_store_u64le(p, uid);
    psa_invec in = {p, sizeof(p)};
    psa_outvec out = {r, sizeof(r)};
    psa_status_t st = psa_call(ITS_PROXY_HANDLE, ITS_REQ_GET_INFO, &in, 1, &out, 1);
    if (st != PSA_SUCCESS)
        return st;
    if (out.len != sizeof(r))
        return PSA_ERROR_COMMUNICATION_FAILURE;
    struct ward_reader rd;
    uint64_t capacity, size;
    uint32_t flags;
    ward_reader_init(&rd, r, sizeof(r));
    ward_get_u64le(&rd, &capacity);
    ward_get_u64le(&rd, &size);
    ward_get_u32le(&rd, &flags);
    if (ward_reader_finish(&rd) != PSA_SUCCESS || capacity > SIZE_MAX ||
        size > SIZE_MAX)
        return PSA_ERROR_COMMUNICATION_FAILURE;
    p_info->capacity = (size_t)capacity;
    p_info->size = (size_t)size;
    p_info->flags = flags;
    return PSA_SUCCESS;
}

WARD_ITS_API psa_status_t psa_its_remove(psa_storage_uid_t uid)
{
    uint8_t p[ITS_UID_PARAMS_SIZE];
    if (uid == 0)
        return PSA_ERROR_INVALID_ARGUMENT;
    ward_store_u64le(p, uid);
    psa_invec in = {p, sizeof(p)};
    return psa_call(ITS_PROXY_HANDLE, ITS_REQ_REMOVE, &in, 1, NULL, 0);
}

WARD_ITS_API psa_status_t ward_its_list(psa_storage_uid_t after,
                                        psa_storage_uid_t *uids,
                                        size_t max_uids, size_t *count)
{
    uint8_t p[ITS_UID_PARAMS_SIZE], r[WARD_ITS_LIST_MAX * 8];
    if (count == NULL || (uids == NULL && max_uids > 0))
        return PSA_ERROR_INVALID_ARGUMENT;
    *count = 0;
    if (max_uids > WARD_ITS_LIST_MAX)
        max_uids = WARD_ITS_LIST_MAX;
    if (max_uids == 0)
        return PSA_SUCCESS;
    ward_store_u64le(p, after);
    psa_invec in = {p, sizeof(p)};
    psa_outvec out = {r, max_uids * 8};
    psa_status_t st = psa_call(ITS_PROXY_HANDLE, ITS_REQ_LIST, &in, 1, &out, 1);
    if (st != PSA_SUCCESS)
        return st;
    if (out.len % 8 != 0 || out.len > max_uids * 8)
        return PSA_ERROR_COMMUNICATION_FAILURE;
    for (size_t i = 0; i < out.len / 8; i++)
        uids[i] = ward_load_u64le(r + 8 * i);
    *count = out.len / 8;
    return PSA_SUCCESS;
}
