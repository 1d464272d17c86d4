/*
 * psa/service.h: the secure partition side of the PSA Firmware Framework IPC
 * API (FF-M 1.1). Only partition code includes this header; every misuse it
 * documents as a PROGRAMMER ERROR panics the calling partition.
 */
#ifndef PSA_SERVICE_H
#define PSA_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include "psa/client.h"
#include "psa/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t psa_signal_t;
typedef uint32_t psa_irq_status_t;
typedef uint32_t psa_flih_result_t;

/* psa_wait timeouts */
#define PSA_POLL     (0x00000000u)
#define PSA_BLOCK    (0x80000000u)
#define PSA_WAIT_ANY (0xFFFFFFFFu)

/* Signal bit 3 is the doorbell; bits 0-2 are reserved by the framework. */
#define PSA_DOORBELL (0x00000008u)

/* Message types delivered to a connection-based service besides the client's
 * own (>= 0) request types. */
#define PSA_IPC_CONNECT    (-1)
#define PSA_IPC_DISCONNECT (-2)

#define PSA_FLIH_NO_SIGNAL ((psa_flih_result_t)0)
#define PSA_FLIH_SIGNAL    ((psa_flih_result_t)1)

typedef struct psa_msg_t {
    int32_t type;          /* PSA_IPC_CONNECT, PSA_IPC_DISCONNECT or >= 0 */
    psa_handle_t handle;   /* the message handle for psa_read/write/reply */
    int32_t client_id;     /* < 0 non-secure client, > 0 secure partition */
    void *rhandle;         /* the connection's reverse handle, or NULL */
    size_t in_size[PSA_MAX_IOVEC];
    size_t out_size[PSA_MAX_IOVEC];
} psa_msg_t;

/* Wait for any signal in signal_mask; PSA_BLOCK waits, PSA_POLL does not.
 * Returns the asserted signals within the mask (0 only with PSA_POLL). */
psa_signal_t psa_wait(psa_signal_t signal_mask, uint32_t timeout);

/* Take the next message for one asserted RoT service signal. */
psa_status_t psa_get(psa_signal_t signal, psa_msg_t *msg);

void psa_set_rhandle(psa_handle_t msg_handle, void *rhandle);
size_t psa_read(psa_handle_t msg_handle, uint32_t invec_idx,
                void *buffer, size_t num_bytes);
size_t psa_skip(psa_handle_t msg_handle, uint32_t invec_idx, size_t num_bytes);
void psa_write(psa_handle_t msg_handle, uint32_t outvec_idx,
               const void *buffer, size_t num_bytes);
void psa_reply(psa_handle_t msg_handle, psa_status_t status);
void psa_notify(int32_t partition_id);
void psa_clear(void);
void psa_eoi(psa_signal_t irq_signal);

#if defined(__cplusplus) && __cplusplus >= 201103L
[[noreturn]] void psa_panic(void);
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Noreturn void psa_panic(void);
#elif defined(__GNUC__)
void psa_panic(void) __attribute__((noreturn));
#else
void psa_panic(void);
#endif

void psa_irq_enable(psa_signal_t irq_signal);
psa_irq_status_t psa_irq_disable(psa_signal_t irq_signal);
void psa_reset_signal(psa_signal_t irq_signal);

#ifdef __cplusplus
}
#endif

#endif /* PSA_SERVICE_H */
