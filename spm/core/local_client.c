/*
 * local_client.c: the client API for callers inside the SPM's process:
 * applications on emul, and partitions calling their dependencies on every
 * platform. Copies the inputs into the message and the outputs back, so a
 * service sees the same bytes whatever the vectors overlap.
 */
#include <stdlib.h>
#include <string.h>

#include "platform.h"
#include "psa/client.h"
#include "ward_log.h"

bool spm_vectors_ok(const psa_invec *in_vec, size_t in_len,
                    const psa_outvec *out_vec, size_t out_len, size_t *total)
{
    size_t sum = 0;
    if (in_len > PSA_MAX_IOVEC || out_len > PSA_MAX_IOVEC ||
        in_len + out_len > PSA_MAX_IOVEC)
        return false;
    if ((in_len > 0 && in_vec == NULL) || (out_len > 0 && out_vec == NULL))
        return false;
    for (size_t i = 0; i < in_len; i++) {
        if ((in_vec[i].base == NULL && in_vec[i].len != 0) ||
            in_vec[i].len > SIZE_MAX - sum)
            return false;
        sum += in_vec[i].len;
    }
    for (size_t i = 0; i < out_len; i++) {
        if ((out_vec[i].base == NULL && out_vec[i].len != 0) ||
            out_vec[i].len > SIZE_MAX - sum)
            return false;
        sum += out_vec[i].len;
    }
    *total = sum;
    return true;
}

/* A PROGRAMMER ERROR by the caller: a partition is panicked (FF-M), an
 * application is told (DESIGN.md section 5). */
static psa_status_t caller_error(psa_status_t status)
{
    struct spm_runtime *self = spm_platform_self();
    if (status == PSA_ERROR_PROGRAMMER_ERROR && self != NULL)
        spm_platform_panic(self);
    return status;
}

WARD_API uint32_t psa_framework_version(void)
{
    return PSA_FRAMEWORK_VERSION;
}

WARD_API uint32_t psa_version(uint32_t sid)
{
    const struct spm_remote_client *remote = spm_platform_remote();
    if (remote != NULL)
        return remote->version(sid);
    if (!spm_platform_enter())
        return PSA_VERSION_NONE;
    struct spm_caller c = spm_platform_caller();
    uint32_t v = spm_broker_version(spm_platform_broker(), &c, sid);
    spm_platform_leave();
    return v;
}

WARD_API psa_handle_t psa_connect(uint32_t sid, uint32_t version)
{
    struct spm_message msg;
    psa_handle_t h;
    const struct spm_remote_client *remote = spm_platform_remote();
    if (remote != NULL) {
        h = remote->connect(sid, version);
        return h > 0 ? h : (psa_handle_t)caller_error((psa_status_t)h);
    }
    if (!spm_platform_enter())
        return PSA_ERROR_COMMUNICATION_FAILURE;
    struct spm_broker *b = spm_platform_broker();
    struct spm_caller c = spm_platform_caller();
    psa_status_t st = spm_broker_connect(b, &c, sid, version, &h, &msg);
    if (st == PSA_SUCCESS) {
        spm_platform_run(&msg);
        h = spm_broker_connect_done(b, h, &msg);
    } else {
        h = (psa_handle_t)st;
    }
    spm_platform_leave();
    return h > 0 ? h : (psa_handle_t)caller_error((psa_status_t)h);
}

WARD_API psa_status_t psa_call(psa_handle_t handle, int32_t type,
                               const psa_invec *in_vec, size_t in_len,
                               psa_outvec *out_vec, size_t out_len)
{
    struct spm_message msg;
    uint8_t small[256];
    uint8_t *buf = small;
    size_t total = 0;
    const struct spm_remote_client *remote = spm_platform_remote();
    if (remote != NULL)
        return remote->call(handle, type, in_vec, in_len, out_vec, out_len);

    if (type < 0 || !spm_vectors_ok(in_vec, in_len, out_vec, out_len, &total)) {
        ward_log_event(WARD_EVENT_PROGRAMMER_ERROR,
                       "psa_call: negative type or malformed vectors");
        return caller_error(PSA_ERROR_PROGRAMMER_ERROR);
    }
    if (!spm_platform_enter())
        return PSA_ERROR_COMMUNICATION_FAILURE;
    struct spm_broker *b = spm_platform_broker();
    struct spm_caller c = spm_platform_caller();
    psa_status_t st = spm_broker_call(b, &c, handle, type, total, &msg);
    if (st != PSA_SUCCESS) {
        spm_platform_leave();
        return caller_error(st);
    }
    if (total > sizeof(small) && (buf = malloc(total)) == NULL) {
        msg.status = PSA_ERROR_INSUFFICIENT_MEMORY;
        st = spm_broker_call_done(b, &msg);
        spm_platform_leave();
        return st;
    }
    size_t off = 0;
    for (size_t i = 0; i < in_len; i++) {
        msg.in[i] = buf + off;
        msg.in_len[i] = in_vec[i].len;
        if (in_vec[i].len != 0)
            memcpy(buf + off, in_vec[i].base, in_vec[i].len);
        off += in_vec[i].len;
    }
    for (size_t i = 0; i < out_len; i++) {
        msg.out[i] = buf + off;
        msg.out_cap[i] = out_vec[i].len;
        off += out_vec[i].len;
    }
    spm_platform_run(&msg);
    st = spm_broker_call_done(b, &msg);
    /* Copy out what the service wrote, even with an error status. */
    for (size_t i = 0; i < out_len; i++) {
        size_t n = st == PSA_ERROR_COMMUNICATION_FAILURE ? 0 : msg.out_len[i];
        if (n != 0)
            memcpy(out_vec[i].base, msg.out[i], n);
        out_vec[i].len = n;
    }
    if (buf != small)
        free(buf);
    spm_platform_leave();
    return st;
}

WARD_API void psa_close(psa_handle_t handle)
{
    struct spm_message msg;
    const struct spm_remote_client *remote = spm_platform_remote();
    if (remote != NULL) {
        remote->close(handle);
        return;
    }
    if (handle == PSA_NULL_HANDLE || !spm_platform_enter())
        return;
    struct spm_broker *b = spm_platform_broker();
    struct spm_caller c = spm_platform_caller();
    if (spm_broker_close(b, &c, handle, &msg)) {
        spm_platform_run(&msg);
        spm_broker_close_done(b, &msg);
    }
    spm_platform_leave();
}
