/*
 * tp_misuse.c: a partition that commits, on request, each programmer error
 * FF-M 1.1 names for the partition API. Each one must panic it; the SPM then
 * fails the call and restarts the partition.
 */
#include <stddef.h>

#include "psa_manifest/tp_misuse.h"
#include "tp_protocol.h"

static int connect_mode; /* enum tp_connect_mode for TP_MISUSE_CONNECT */

static void misuse(const psa_msg_t *msg)
{
    uint8_t b[8] = {0};
    psa_msg_t other;
    switch ((enum tp_misuse)msg->type) {
    case TP_MISUSE_WRITE_OVERFLOW:
        psa_write(msg->handle, 0, b, msg->out_size[0] + 1 <= sizeof(b)
                                         ? msg->out_size[0] + 1 : sizeof(b));
        /* If out_size[0] >= 8, write the rest to overflow for sure. */
        psa_write(msg->handle, 0, b, sizeof(b));
        psa_write(msg->handle, 0, b, sizeof(b));
        break;
    case TP_MISUSE_READ_IDX4: (void)psa_read(msg->handle, PSA_MAX_IOVEC, b, 1); break;
    case TP_MISUSE_READ_IDX5: (void)psa_read(msg->handle, PSA_MAX_IOVEC + 1, b, 1); break;
    case TP_MISUSE_SKIP_IDX4: (void)psa_skip(msg->handle, PSA_MAX_IOVEC, 1); break;
    case TP_MISUSE_WRITE_IDX4: psa_write(msg->handle, PSA_MAX_IOVEC, b, 1); break;
    case TP_MISUSE_READ_BAD_HANDLE: (void)psa_read(msg->handle + 1000, 0, b, 1); break;
    case TP_MISUSE_READ_NULL_HANDLE: (void)psa_read(PSA_NULL_HANDLE, 0, b, 1); break;
    case TP_MISUSE_SKIP_NULL_HANDLE: (void)psa_skip(PSA_NULL_HANDLE, 0, 1); break;
    case TP_MISUSE_WRITE_NULL_HANDLE: psa_write(PSA_NULL_HANDLE, 0, b, 1); break;
    case TP_MISUSE_REPLY_BAD_HANDLE: psa_reply(msg->handle + 1000, PSA_SUCCESS); break;
    case TP_MISUSE_REPLY_NULL_HANDLE: psa_reply(PSA_NULL_HANDLE, PSA_SUCCESS); break;
    case TP_MISUSE_RHANDLE_BAD_HANDLE: psa_set_rhandle(msg->handle + 1000, b); break;
    case TP_MISUSE_RHANDLE_NULL_HANDLE: psa_set_rhandle(PSA_NULL_HANDLE, b); break;
    case TP_MISUSE_GET_TWO_SIGNALS:
        (void)psa_get(TP_MISUSE_SIGNAL | TP_MISUSE_CONNECT_SIGNAL, &other);
        break;
    case TP_MISUSE_GET_UNASSERTED: /* the message was taken: not asserted */
        (void)psa_get(TP_MISUSE_SIGNAL, &other);
        break;
    case TP_MISUSE_GET_DOORBELL: (void)psa_get(PSA_DOORBELL, &other); break;
    case TP_MISUSE_GET_NULL_MSG: (void)psa_get(TP_MISUSE_SIGNAL, NULL); break;
    case TP_MISUSE_CLEAR_NO_DOORBELL: psa_clear(); break;
    case TP_MISUSE_NOTIFY_NOT_PARTITION: psa_notify(-5); break;
    case TP_MISUSE_EOI: psa_eoi(1u << 20); break;
    case TP_MISUSE_IRQ_ENABLE: psa_irq_enable(1u << 20); break;
    case TP_MISUSE_IRQ_DISABLE: (void)psa_irq_disable(1u << 20); break;
    case TP_MISUSE_RESET_SIGNAL: psa_reset_signal(1u << 20); break;
    case TP_MISUSE_WAIT_BAD_TIMEOUT: (void)psa_wait(TP_MISUSE_SIGNAL, 5); break;
    case TP_MISUSE_WAIT_NOTHING: (void)psa_wait(1u << 30, PSA_BLOCK); break;
    case TP_MISUSE_PANIC: psa_panic();
    case TP_MISUSE_RETURN_FROM_ENTRY: break; /* handled by the caller */
    case TP_MISUSE_READ_NULL_BUFFER: (void)psa_read(msg->handle, 0, NULL, 1); break;
    case TP_MISUSE_REPLY_TWICE:
        psa_reply(msg->handle, PSA_SUCCESS);
        psa_reply(msg->handle, PSA_SUCCESS);
        break;
    default: break;
    }
}

static void connect_misuse(const psa_msg_t *msg)
{
    uint8_t b[4] = {0};
    int mode = connect_mode;
    connect_mode = TP_CONNECT_OK;
    if (msg->type == PSA_IPC_CONNECT) {
        switch (mode) {
        case TP_CONNECT_REPLY_INVALID: psa_reply(msg->handle, PSA_ERROR_GENERIC_ERROR); return;
        case TP_CONNECT_READ: (void)psa_read(msg->handle, 0, b, 1); break;
        case TP_CONNECT_SKIP: (void)psa_skip(msg->handle, 0, 1); break;
        case TP_CONNECT_WRITE: psa_write(msg->handle, 0, b, 1); break;
        default: connect_mode = mode; break; /* for the disconnect */
        }
    } else if (msg->type == PSA_IPC_DISCONNECT) {
        switch (mode) {
        case TP_DISCONNECT_READ: (void)psa_read(msg->handle, 0, b, 1); break;
        case TP_DISCONNECT_SKIP: (void)psa_skip(msg->handle, 0, 1); break;
        case TP_DISCONNECT_WRITE: psa_write(msg->handle, 0, b, 1); break;
        default: break;
        }
    }
    psa_reply(msg->handle, PSA_SUCCESS);
}

void tp_misuse_main(void)
{
    for (;;) {
        psa_msg_t msg;
        psa_signal_t ready = psa_wait(TP_MISUSE_SIGNAL | TP_MISUSE_CONNECT_SIGNAL,
                                      PSA_BLOCK);
        if (ready & TP_MISUSE_CONNECT_SIGNAL) {
            if (psa_get(TP_MISUSE_CONNECT_SIGNAL, &msg) == PSA_SUCCESS)
                connect_misuse(&msg);
            continue;
        }
        if (psa_get(TP_MISUSE_SIGNAL, &msg) != PSA_SUCCESS)
            continue;
        if (msg.type < 0) { /* connect and disconnect are accepted */
            psa_reply(msg.handle, PSA_SUCCESS);
            continue;
        }
        if (msg.type >= TP_MISUSE_SET_CONNECT_MODE) {
            connect_mode = msg.type - TP_MISUSE_SET_CONNECT_MODE;
            psa_reply(msg.handle, PSA_SUCCESS);
            continue;
        }
        if (msg.type == TP_MISUSE_RETURN_FROM_ENTRY)
            return; /* an entry point must never return */
        misuse(&msg);
        /* Only TP_MISUSE_NONE gets here: every other case panicked. */
        psa_reply(msg.handle, msg.type == TP_MISUSE_NONE ? PSA_SUCCESS
                                                         : PSA_ERROR_GENERIC_ERROR);
    }
}
