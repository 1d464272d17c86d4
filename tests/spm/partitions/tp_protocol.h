/*
 * tp_protocol.h: request types of the test partitions, shared by the
 * partitions and the suites that call them.
 */
#ifndef TP_PROTOCOL_H
#define TP_PROTOCOL_H

#define TP_ECHO_CLIENT_ID 7      /* ECHO: write the caller's client ID */
#define TP_SUM_SKIP 1            /* SUM: skip the first word */

/* CALLER requests */
#define TP_CALLER_ECHO 0         /* connect to ECHO, echo in[0] to out[0] */
#define TP_CALLER_FORBIDDEN 1    /* connect to SUM: not a dependency */
#define TP_CALLER_SELF 2         /* connect to its own service */
#define TP_CALLER_STATELESS 3    /* call the stateless echo */
#define TP_CALLER_ID_SEEN 4      /* ask ECHO which client ID it saw */
#define TP_CALLER_STATELESS_SECURE 5 /* stateless secure-only service */

/* MISUSE requests: each makes one FF-M programmer error, which panics the
 * partition (the call sees COMMUNICATION_FAILURE). 0 succeeds. */
enum tp_misuse {
    TP_MISUSE_NONE = 0,
    TP_MISUSE_WRITE_OVERFLOW,
    TP_MISUSE_READ_IDX4,
    TP_MISUSE_READ_IDX5,
    TP_MISUSE_SKIP_IDX4,
    TP_MISUSE_WRITE_IDX4,
    TP_MISUSE_READ_BAD_HANDLE,
    TP_MISUSE_READ_NULL_HANDLE,
    TP_MISUSE_SKIP_NULL_HANDLE,
    TP_MISUSE_WRITE_NULL_HANDLE,
    TP_MISUSE_REPLY_BAD_HANDLE,
    TP_MISUSE_REPLY_NULL_HANDLE,
    TP_MISUSE_RHANDLE_BAD_HANDLE,
    TP_MISUSE_RHANDLE_NULL_HANDLE,
    TP_MISUSE_GET_TWO_SIGNALS,
    TP_MISUSE_GET_UNASSERTED,
    TP_MISUSE_GET_DOORBELL,
    TP_MISUSE_GET_NULL_MSG,
    TP_MISUSE_CLEAR_NO_DOORBELL,
    TP_MISUSE_NOTIFY_NOT_PARTITION,
    TP_MISUSE_EOI,
    TP_MISUSE_IRQ_ENABLE,
    TP_MISUSE_IRQ_DISABLE,
    TP_MISUSE_RESET_SIGNAL,
    TP_MISUSE_WAIT_BAD_TIMEOUT,
    TP_MISUSE_WAIT_NOTHING,
    TP_MISUSE_PANIC,
    TP_MISUSE_RETURN_FROM_ENTRY,
    TP_MISUSE_READ_NULL_BUFFER,
    TP_MISUSE_REPLY_TWICE,
    TP_MISUSE_COUNT_,
    /* 100 + mode: how TP_MISUSE_CONNECT treats its next connect or
     * disconnect message. */
    TP_MISUSE_SET_CONNECT_MODE = 100,
};

enum tp_connect_mode {
    TP_CONNECT_OK = 0,
    TP_CONNECT_REPLY_INVALID,    /* reply GENERIC_ERROR to a connect */
    TP_CONNECT_READ,             /* psa_read on the connect message */
    TP_CONNECT_SKIP,
    TP_CONNECT_WRITE,
    TP_DISCONNECT_READ,          /* psa_read on the disconnect message */
    TP_DISCONNECT_SKIP,
    TP_DISCONNECT_WRITE,
    TP_CONNECT_MODE_COUNT_,
};

#endif
