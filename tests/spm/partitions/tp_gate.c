/*
 * tp_gate.c: GATE holds a call until OPENER rings its doorbell, so a test
 * can have a call in flight for as long as it needs; it also counts the
 * disconnects it sees. OPENER rings GATE.
 */
#include "psa_manifest/pid.h"
#include "psa_manifest/tp_gate.h"
#include "psa_manifest/tp_opener.h"
#include "tp_common.h"

void tp_gate_main(void)
{
    uint32_t disconnects = 0;
    for (;;) {
        psa_msg_t msg;
        (void)psa_wait(TP_GATE_SIGNAL, PSA_BLOCK);
        if (psa_get(TP_GATE_SIGNAL, &msg) != PSA_SUCCESS)
            continue;
        if (msg.type == PSA_IPC_DISCONNECT)
            disconnects++;
        if (msg.type == 0) {
            (void)psa_wait(PSA_DOORBELL, PSA_BLOCK); /* held until opened */
            psa_clear();
        } else if (msg.type == 1) {
            psa_write(msg.handle, 0, &disconnects, sizeof(disconnects));
        }
        psa_reply(msg.handle, PSA_SUCCESS);
    }
}

static psa_status_t open_request(psa_signal_t signal, const psa_msg_t *msg)
{
    (void)signal;
    (void)msg;
    psa_notify(TP_GATE_ID);
    return PSA_SUCCESS;
}

void tp_opener_main(void)
{
    tp_serve(TP_GATE_OPEN_SIGNAL, open_request);
}
