/*
 * tp_caller.c: a partition that is itself a client: it calls the services
 * its manifest lists as dependencies, and on request tries ones it may not.
 */
#include "psa_manifest/sid.h"
#include "psa_manifest/tp_caller.h"
#include "tp_common.h"
#include "tp_protocol.h"

static psa_status_t caller_request(psa_signal_t signal, const psa_msg_t *msg)
{
    (void)signal;
    uint8_t buf[64];
    size_t n = psa_read(msg->handle, 0, buf, sizeof(buf));
    psa_invec in = {buf, n};
    psa_outvec out = {buf, sizeof(buf)};
    psa_handle_t h;
    psa_status_t st;
    int32_t seen = 0;

    switch (msg->type) {
    case TP_CALLER_ECHO:
    case TP_CALLER_ID_SEEN:
        h = psa_connect(TP_ECHO_SID, TP_ECHO_VERSION);
        if (h <= 0)
            return PSA_ERROR_GENERIC_ERROR;
        if (msg->type == TP_CALLER_ID_SEEN) {
            psa_outvec id = {&seen, sizeof(seen)};
            st = psa_call(h, 7 /* TP_ECHO_CLIENT_ID */, NULL, 0, &id, 1);
            psa_close(h);
            psa_write(msg->handle, 0, &seen, sizeof(seen));
            return st;
        }
        st = psa_call(h, PSA_IPC_CALL, &in, 1, &out, 1);
        psa_close(h);
        break;
    case TP_CALLER_FORBIDDEN:
        (void)psa_connect(TP_SUM_SID, TP_SUM_VERSION); /* panics */
        return PSA_ERROR_GENERIC_ERROR;
    case TP_CALLER_SELF:
        (void)psa_connect(TP_CALLER_SID, TP_CALLER_VERSION); /* panics */
        return PSA_ERROR_GENERIC_ERROR;
    case TP_CALLER_STATELESS:
        st = psa_call(TP_STATELESS_ECHO_HANDLE, PSA_IPC_CALL, &in, 1, &out, 1);
        break;
    case TP_CALLER_STATELESS_SECURE:
        st = psa_call(TP_STATELESS_SECURE_HANDLE, PSA_IPC_CALL, &in, 1, &out, 1);
        break;
    default:
        return PSA_ERROR_NOT_SUPPORTED;
    }
    if (st >= 0)
        psa_write(msg->handle, 0, buf,
                  out.len < msg->out_size[0] ? out.len : msg->out_size[0]);
    return st;
}

void tp_caller_main(void)
{
    tp_serve(TP_CALLER_SIGNAL, caller_request);
}

/* STATELESS: two stateless services that echo in[0] to out[0]. A stateless
 * service never sees a connect or disconnect and has no rhandle. */
#include "psa_manifest/tp_stateless.h"

static psa_status_t stateless_request(psa_signal_t signal, const psa_msg_t *msg)
{
    (void)signal;
    if (msg->type < 0 || msg->rhandle != NULL)
        return PSA_ERROR_GENERIC_ERROR;
    if (msg->type == 1)
        psa_set_rhandle(msg->handle, (void *)msg); /* panics: stateless */
    return (psa_status_t)tp_copy(msg, 0);
}

void tp_stateless_main(void)
{
    tp_serve(TP_STATELESS_ECHO_SIGNAL | TP_STATELESS_SECURE_SIGNAL, stateless_request);
}
