/*
 * tp_doorbell.c: RINGER rings the doorbell of the partition whose ID it is
 * sent; LISTENER asks RINGER to ring it, then waits for its doorbell.
 */
#include "psa_manifest/pid.h"
#include "psa_manifest/sid.h"
#include "psa_manifest/tp_listener.h"
#include "psa_manifest/tp_ringer.h"
#include "tp_common.h"

static psa_status_t ring_request(psa_signal_t signal, const psa_msg_t *msg)
{
    (void)signal;
    int32_t id;
    if (psa_read(msg->handle, 0, &id, sizeof(id)) != sizeof(id))
        return PSA_ERROR_INVALID_ARGUMENT;
    psa_notify(id);
    return PSA_SUCCESS;
}

void tp_ringer_main(void)
{
    tp_serve(TP_RING_SIGNAL, ring_request);
}

/* Type 0: ring myself and wait; the status is the number of doorbells
 * seen (1). Type 1: the same, then psa_clear once too often (panics). */
static psa_status_t listen_request(psa_signal_t signal, const psa_msg_t *msg)
{
    (void)signal;
    int32_t me = TP_LISTENER_ID;
    psa_invec in = {&me, sizeof(me)};
    psa_handle_t h = psa_connect(TP_RING_SID, TP_RING_VERSION);
    if (h <= 0)
        return PSA_ERROR_GENERIC_ERROR;
    psa_status_t st = psa_call(h, PSA_IPC_CALL, &in, 1, NULL, 0);
    psa_close(h);
    if (st != PSA_SUCCESS)
        return st;
    if (psa_wait(PSA_DOORBELL, PSA_POLL) != PSA_DOORBELL)
        return PSA_ERROR_BAD_STATE;
    psa_signal_t got = psa_wait(PSA_DOORBELL, PSA_BLOCK);
    psa_clear();
    if (psa_wait(PSA_DOORBELL, PSA_POLL) != 0)
        return PSA_ERROR_BAD_STATE;
    if (msg->type == 1)
        psa_clear();
    return got == PSA_DOORBELL ? 1 : PSA_ERROR_BAD_STATE;
}

void tp_listener_main(void)
{
    tp_serve(TP_LISTEN_SIGNAL, listen_request);
}
