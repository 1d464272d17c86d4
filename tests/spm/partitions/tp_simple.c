/*
 * tp_simple.c: echo, sum, pattern writer, rhandle holder, refuser/busy,
 * status chooser and the partition that cannot start: the small services the
 * SPM suite drives.
 */
#include <stdlib.h>
#include <string.h>

#include "psa_manifest/sid.h"
#include "psa_manifest/tp_crashy.h"
#include "psa_manifest/tp_echo.h"
#include "psa_manifest/tp_pattern.h"
#include "psa_manifest/tp_refuser.h"
#include "psa_manifest/tp_rhandle.h"
#include "psa_manifest/tp_status.h"
#include "psa_manifest/tp_sum.h"
#include "tp_common.h"
#include "tp_protocol.h"

/* ECHO: type 0 copies in[k] to out[k]; type TP_ECHO_CLIENT_ID writes the
 * caller's client ID. The status is the number of bytes echoed. */
static psa_status_t echo_request(psa_signal_t signal, const psa_msg_t *msg)
{
    (void)signal;
    if (msg->type == TP_ECHO_CLIENT_ID) {
        psa_write(msg->handle, 0, &msg->client_id, sizeof(msg->client_id));
        return PSA_SUCCESS;
    }
    size_t total = 0;
    for (uint32_t k = 0; k < PSA_MAX_IOVEC; k++)
        total += tp_copy(msg, k);
    return (psa_status_t)total;
}

void tp_echo_main(void)
{
    tp_serve(TP_ECHO_SIGNAL, echo_request);
}

/* SUM: adds the uint32s of in[0], read 4 bytes at a time; type TP_SUM_SKIP
 * skips the first one first. Writes the sum to out[0] and the number of
 * read calls that returned a short count to out[1] if present. */
static psa_status_t sum_request(psa_signal_t signal, const psa_msg_t *msg)
{
    (void)signal;
    uint32_t sum = 0, v, shorts = 0;
    size_t n;
    if (msg->type == TP_SUM_SKIP)
        (void)psa_skip(msg->handle, 0, sizeof(v));
    while ((n = psa_read(msg->handle, 0, &v, sizeof(v))) > 0) {
        if (n < sizeof(v)) {
            shorts++;
            break;
        }
        sum += v;
    }
    /* After the end, reads and skips return 0. */
    if (psa_read(msg->handle, 0, &v, sizeof(v)) != 0 ||
        psa_skip(msg->handle, 0, 100) != 0)
        return PSA_ERROR_GENERIC_ERROR;
    psa_write(msg->handle, 0, &sum, sizeof(sum));
    if (msg->out_size[1] >= sizeof(shorts))
        psa_write(msg->handle, 1, &shorts, sizeof(shorts));
    return PSA_SUCCESS;
}

void tp_sum_main(void)
{
    tp_serve(TP_SUM_SIGNAL, sum_request);
}

/* PATTERN: fills out[k] with bytes (i + k) & 0xff in odd-sized writes. */
static psa_status_t pattern_request(psa_signal_t signal, const psa_msg_t *msg)
{
    (void)signal;
    for (uint32_t k = 0; k < PSA_MAX_IOVEC; k++) {
        uint8_t chunk[7];
        for (size_t i = 0; i < msg->out_size[k];) {
            size_t n = msg->out_size[k] - i < sizeof(chunk) ? msg->out_size[k] - i
                                                            : sizeof(chunk);
            for (size_t j = 0; j < n; j++)
                chunk[j] = (uint8_t)(i + j + k);
            psa_write(msg->handle, k, chunk, n);
            i += n;
        }
    }
    return PSA_SUCCESS;
}

void tp_pattern_main(void)
{
    tp_serve(TP_PATTERN_SIGNAL, pattern_request);
}

/* RHANDLE: each connection has a counter behind its rhandle; a call
 * increments it and writes it to out[0]. */
void tp_rhandle_main(void)
{
    for (;;) {
        psa_msg_t msg;
        (void)psa_wait(TP_RHANDLE_SIGNAL, PSA_BLOCK);
        if (psa_get(TP_RHANDLE_SIGNAL, &msg) != PSA_SUCCESS)
            continue;
        uint32_t *counter = msg.rhandle;
        switch (msg.type) {
        case PSA_IPC_CONNECT:
            counter = calloc(1, sizeof(*counter));
            if (counter == NULL) {
                psa_reply(msg.handle, PSA_ERROR_CONNECTION_BUSY);
                break;
            }
            psa_set_rhandle(msg.handle, counter);
            psa_reply(msg.handle, PSA_SUCCESS);
            break;
        case PSA_IPC_DISCONNECT:
            free(counter);
            psa_reply(msg.handle, PSA_SUCCESS);
            break;
        default:
            if (counter == NULL) {
                psa_reply(msg.handle, PSA_ERROR_BAD_STATE);
                break;
            }
            (*counter)++;
            psa_write(msg.handle, 0, counter, sizeof(*counter));
            psa_reply(msg.handle, PSA_SUCCESS);
            break;
        }
    }
}

/* REFUSER: refuses every connection on TP_REFUSER, reports busy on
 * TP_BUSY. */
void tp_refuser_main(void)
{
    for (;;) {
        psa_msg_t msg;
        psa_signal_t ready = psa_wait(TP_REFUSER_SIGNAL | TP_BUSY_SIGNAL, PSA_BLOCK);
        psa_signal_t sig = (ready & TP_REFUSER_SIGNAL) ? TP_REFUSER_SIGNAL : TP_BUSY_SIGNAL;
        if (psa_get(sig, &msg) != PSA_SUCCESS)
            continue;
        psa_reply(msg.handle, sig == TP_REFUSER_SIGNAL ? PSA_ERROR_CONNECTION_REFUSED
                                                       : PSA_ERROR_CONNECTION_BUSY);
    }
}

/* STATUS: replies with the int32 status found in in[0]. */
static psa_status_t status_request(psa_signal_t signal, const psa_msg_t *msg)
{
    (void)signal;
    int32_t status = PSA_ERROR_GENERIC_ERROR;
    if (psa_read(msg->handle, 0, &status, sizeof(status)) != sizeof(status))
        return PSA_ERROR_INVALID_ARGUMENT;
    return status;
}

void tp_status_main(void)
{
    tp_serve(TP_STATUS_SIGNAL, status_request);
}

/* CRASHY: panics before it ever waits, so the SPM gives up on it. */
void tp_crashy_main(void)
{
    psa_panic();
}
