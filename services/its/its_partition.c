/*
 * its_partition.c: the ITS partition: opens (or creates and formats) its
 * image in the partition's state directory, then serves the stateless ITS
 * service. Requests are decoded here with lib/codec from fixed-size
 * parameters; the semantics live in its_service.c. Never touches client
 * memory (the SPM copies vectors) and never reformats an image it cannot
 * open.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "its_flash.h"
#include "its_protocol.h"
#include "its_service.h"
#include "psa/lifecycle.h"
#include "psa/service.h"
#include "psa_manifest/its.h"
#include "psa_manifest/sid.h"
#include "ward/its.h"
#include "ward/partition.h"
#include "ward_codec.h"
#include "ward_log.h"

#include "partition_desc.h"

/* The proxy is built without a table; the manifest's fixed index keeps the
 * handle it uses right. */
_Static_assert(ITS_SERVICE_HANDLE == ITS_PROXY_HANDLE &&
                   ITS_PROXY_HANDLE == WARD_STATELESS_HANDLE(1, 1),
               "the ITS proxy assumes stateless handle index 1, version 1");
_Static_assert(ITS_SERVICE_SID == 0x70u, "ITS SID");

static struct its_file_flash image;
static struct its_store store;
static struct its_service service;
static uint8_t data[ITS_MAX_ASSET_SIZE];

static const struct its_store_config store_cfg = {
    .max_object_size = ITS_RECORD_MAX,
    .max_objects = ITS_MAX_OBJECTS,
};

/* Make a new, formatted image at path: built under a temporary name and
 * renamed into place only once complete and durable, so a crash while
 * creating leaves no its.img (or a stale temporary, removed next time),
 * never a half-made image that open would rightly refuse. */
static psa_status_t create_image(const char *dir, const char *path)
{
    char tmp[PATH_MAX];
    struct its_file_flash ff;
    psa_status_t rc;
    if (snprintf(tmp, sizeof(tmp), "%s/its.img.new", dir) >= (int)sizeof(tmp))
        return PSA_ERROR_STORAGE_FAILURE;
    (void)unlink(tmp);
    rc = its_file_flash_create(tmp, ITS_SECTOR_SIZE, ITS_SECTOR_COUNT);
    if (rc != PSA_SUCCESS)
        return rc;
    rc = its_file_flash_open(&ff, tmp, ITS_SECTOR_SIZE, ITS_SECTOR_COUNT, NULL);
    if (rc != PSA_SUCCESS)
        return rc;
    rc = its_store_format(&ff.flash, &store_cfg);
    its_file_flash_close(&ff);
    if (rc != PSA_SUCCESS)
        return rc;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return PSA_ERROR_STORAGE_FAILURE;
    /* RENAME_NOREPLACE: never over an image that appeared meanwhile. */
    if (renameat2(dfd, "its.img.new", dfd, "its.img", RENAME_NOREPLACE) != 0 ||
        fsync(dfd) != 0) {
        close(dfd);
        return PSA_ERROR_STORAGE_FAILURE;
    }
    close(dfd);
    ward_log(WARD_LOG_NOTICE, "its: created %s (%u sectors of %u bytes)", path,
             ITS_SECTOR_COUNT, ITS_SECTOR_SIZE);
    return PSA_SUCCESS;
}

/* Open the image, creating a new one only where there is none. An image
 * that exists but does not open is refused, never reformatted. */
static psa_status_t open_image(const char *dir)
{
    char path[PATH_MAX];
    const char *why = NULL;
    psa_status_t rc;
    if (snprintf(path, sizeof(path), "%s/its.img", dir) >= (int)sizeof(path))
        return PSA_ERROR_STORAGE_FAILURE;
    rc = its_file_flash_open(&image, path, ITS_SECTOR_SIZE, ITS_SECTOR_COUNT, &why);
    if (rc == PSA_ERROR_DOES_NOT_EXIST) {
        rc = create_image(dir, path);
        if (rc == PSA_SUCCESS)
            rc = its_file_flash_open(&image, path, ITS_SECTOR_SIZE,
                                     ITS_SECTOR_COUNT, &why);
    }
    if (rc != PSA_SUCCESS) {
        ward_log(WARD_LOG_ERROR, "its: cannot open %s: %s (%d)", path,
                 why != NULL ? why : "error", (int)rc);
        return PSA_ERROR_STORAGE_FAILURE;
    }
    rc = its_store_open(&store, &image.flash, &store_cfg);
    if (rc != PSA_SUCCESS) {
        ward_log(WARD_LOG_ERROR, "its: refusing %s: %s (%d)", path,
                 store.why != NULL ? store.why : "cannot open the store", (int)rc);
        its_store_close(&store);
        its_file_flash_close(&image);
        return PSA_ERROR_STORAGE_FAILURE;
    }
    return PSA_SUCCESS;
}

static void start(void)
{
    const char *dir = ward_partition_state_dir();
    struct its_quota_config quota;
    char conf[PATH_MAX];
    unsigned line = 0;
    const char *why = NULL;
    if (dir == NULL) {
        ward_log(WARD_LOG_WARNING, "its: no state directory: every request "
                                   "answers STORAGE_FAILURE");
        its_service_init(&service, NULL, NULL);
        return;
    }
    if (snprintf(conf, sizeof(conf), "%s/its.conf", dir) >= (int)sizeof(conf) ||
        its_quota_load(conf, &quota, &line, &why) != PSA_SUCCESS) {
        /* Fail closed: no quota we cannot read is guessed at. */
        ward_log(WARD_LOG_ERROR, "its: %s:%u: %s: every request answers "
                 "STORAGE_FAILURE", conf, line, why != NULL ? why : "bad path");
        its_service_init(&service, NULL, NULL);
        return;
    }
    if (open_image(dir) != PSA_SUCCESS) {
        its_service_init(&service, NULL, &quota);
        return;
    }
    if (its_service_init(&service, &store, &quota) != PSA_SUCCESS)
        ward_log(WARD_LOG_ERROR, "its: the image's records are not usable (%d)",
                 (int)service.broken);
}

static bool provisioning(void)
{
    return (psa_rot_lifecycle_state() & PSA_LIFECYCLE_PSA_STATE_MASK) ==
           PSA_LIFECYCLE_PSA_ROT_PROVISIONING;
}

/* Read in_vec[0] whole into p, which must be exactly n bytes. */
static bool read_params(const psa_msg_t *msg, uint8_t *p, size_t n)
{
    return msg->in_size[0] == n && psa_read(msg->handle, 0, p, n) == n;
}

static psa_status_t do_set(const psa_msg_t *msg)
{
    uint8_t p[ITS_SET_PARAMS_SIZE];
    struct ward_reader r;
    uint64_t uid;
    uint32_t flags;
    size_t len = msg->in_size[1];
    if (!read_params(msg, p, sizeof(p)) || msg->in_size[2] != 0 ||
        msg->in_size[3] != 0)
        return PSA_ERROR_INVALID_ARGUMENT;
    ward_reader_init(&r, p, sizeof(p));
    ward_get_u64le(&r, &uid);
    ward_get_u32le(&r, &flags);
    if (ward_reader_finish(&r) != PSA_SUCCESS)
        return PSA_ERROR_INVALID_ARGUMENT;
    if (len > ITS_MAX_ASSET_SIZE) /* checked again below, before reading */
        return uid == 0 ? PSA_ERROR_INVALID_ARGUMENT
               : (flags & ~(uint32_t)ITS_FLAGS_SUPPORTED) != 0
                   ? PSA_ERROR_NOT_SUPPORTED
                   : PSA_ERROR_INVALID_ARGUMENT;
    if (len > 0 && psa_read(msg->handle, 1, data, len) != len)
        return PSA_ERROR_INVALID_ARGUMENT;
    psa_status_t rc = its_service_set(&service, msg->client_id, uid, flags,
                                      data, len, provisioning());
    memset(data, 0, len);
    return rc;
}

static psa_status_t do_get(const psa_msg_t *msg)
{
    uint8_t p[ITS_GET_PARAMS_SIZE];
    struct ward_reader r;
    uint64_t uid, offset;
    size_t want = msg->out_size[0], got = 0;
    if (!read_params(msg, p, sizeof(p)))
        return PSA_ERROR_INVALID_ARGUMENT;
    ward_reader_init(&r, p, sizeof(p));
    ward_get_u64le(&r, &uid);
    ward_get_u64le(&r, &offset);
    if (ward_reader_finish(&r) != PSA_SUCCESS)
        return PSA_ERROR_INVALID_ARGUMENT;
    if (want > sizeof(data))
        want = sizeof(data); /* no asset is longer */
    psa_status_t rc = its_service_get(&service, msg->client_id, uid, offset,
                                      want, data, &got);
    if (rc == PSA_SUCCESS && got > 0)
        psa_write(msg->handle, 0, data, got);
    memset(data, 0, got);
    return rc;
}

static psa_status_t do_get_info(const psa_msg_t *msg)
{
    uint8_t p[ITS_UID_PARAMS_SIZE], out[ITS_INFO_REPLY_SIZE];
    uint64_t capacity, size;
    uint32_t flags;
    struct ward_writer w;
    if (!read_params(msg, p, sizeof(p)) || msg->out_size[0] < sizeof(out))
        return PSA_ERROR_INVALID_ARGUMENT;
    psa_status_t rc = its_service_get_info(&service, msg->client_id,
                                           ward_load_u64le(p), &capacity,
                                           &size, &flags);
    if (rc != PSA_SUCCESS)
        return rc;
    ward_writer_init(&w, out, sizeof(out));
    ward_put_u64le(&w, capacity);
    ward_put_u64le(&w, size);
    ward_put_u32le(&w, flags);
    if (ward_writer_finish(&w) != PSA_SUCCESS)
        return PSA_ERROR_GENERIC_ERROR;
    psa_write(msg->handle, 0, out, sizeof(out));
    return PSA_SUCCESS;
}

static psa_status_t do_remove(const psa_msg_t *msg)
{
    uint8_t p[ITS_UID_PARAMS_SIZE];
    if (!read_params(msg, p, sizeof(p)))
        return PSA_ERROR_INVALID_ARGUMENT;
    return its_service_remove(&service, msg->client_id, ward_load_u64le(p),
                              provisioning());
}

static psa_status_t do_list(const psa_msg_t *msg)
{
    uint8_t p[ITS_UID_PARAMS_SIZE];
    uint64_t uids[WARD_ITS_LIST_MAX];
    uint8_t out[WARD_ITS_LIST_MAX * 8];
    size_t max = msg->out_size[0] / 8, n;
    if (!read_params(msg, p, sizeof(p)))
        return PSA_ERROR_INVALID_ARGUMENT;
    if (max > WARD_ITS_LIST_MAX)
        max = WARD_ITS_LIST_MAX;
    psa_status_t rc = its_service_list(&service, msg->client_id,
                                       ward_load_u64le(p), uids, max, &n);
    if (rc != PSA_SUCCESS)
        return rc;
    for (size_t i = 0; i < n; i++)
        ward_store_u64le(out + 8 * i, uids[i]);
    if (n > 0)
        psa_write(msg->handle, 0, out, n * 8);
    return PSA_SUCCESS;
}

void its_main(void)
{
    start();
    for (;;) {
        psa_msg_t msg;
        psa_status_t rc;
        (void)psa_wait(ITS_SERVICE_SIGNAL, PSA_BLOCK);
        if (psa_get(ITS_SERVICE_SIGNAL, &msg) != PSA_SUCCESS)
            continue;
        switch (msg.type) {
        case ITS_REQ_SET: rc = do_set(&msg); break;
        case ITS_REQ_GET: rc = do_get(&msg); break;
        case ITS_REQ_GET_INFO: rc = do_get_info(&msg); break;
        case ITS_REQ_REMOVE: rc = do_remove(&msg); break;
        case ITS_REQ_LIST: rc = do_list(&msg); break;
        default: rc = PSA_ERROR_NOT_SUPPORTED; break;
        }
        psa_reply(msg.handle, rc);
    }
}
