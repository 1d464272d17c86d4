/*
 * tp_its_user.c: a test partition that uses ITS through psa_its_* like any
 * partition would, in its own namespace. Type TP_ITS_USER_SET stores in[1]
 * under the uid in in[0]; TP_ITS_USER_GET reads the uid in in[0] into
 * out[0]. The reply is the ITS status.
 */
#include <string.h>

#include "psa/internal_trusted_storage.h"
#include "psa/service.h"
#include "psa_manifest/tp_its_user.h"
#include "tp_its_user.h"

static psa_status_t request(const psa_msg_t *msg)
{
    uint64_t uid;
    uint8_t buf[256];
    size_t n;
    if (msg->in_size[0] != sizeof(uid) ||
        psa_read(msg->handle, 0, &uid, sizeof(uid)) != sizeof(uid))
        return PSA_ERROR_INVALID_ARGUMENT;
    switch (msg->type) {
    case TP_ITS_USER_SET:
        n = psa_read(msg->handle, 1, buf, sizeof(buf));
        return psa_its_set(uid, n, buf, PSA_STORAGE_FLAG_NONE);
    case TP_ITS_USER_GET: {
        psa_status_t st = psa_its_get(uid, 0, sizeof(buf), buf, &n);
        if (st == PSA_SUCCESS)
            psa_write(msg->handle, 0, buf, n < msg->out_size[0] ? n : msg->out_size[0]);
        return st;
    }
    default:
        return PSA_ERROR_NOT_SUPPORTED;
    }
}

void tp_its_user_main(void)
{
    for (;;) {
        psa_msg_t msg;
        (void)psa_wait(TP_ITS_USER_SVC_SIGNAL, PSA_BLOCK);
        if (psa_get(TP_ITS_USER_SVC_SIGNAL, &msg) == PSA_SUCCESS)
            psa_reply(msg.handle, request(&msg));
    }
}
