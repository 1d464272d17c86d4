/*
 * runtime.h: the SPM's message half, one instance per partition. It holds
 * the partition's queued and active messages, its signals, cursors and
 * rhandles, and implements the partition API on top of them. It makes no OS
 * call; misuse by the partition comes back as PSA_ERROR_PROGRAMMER_ERROR and
 * the platform panics the partition.
 */
#ifndef WARD_SPM_RUNTIME_H
#define WARD_SPM_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "partition_desc.h"
#include "psa/service.h"
#include "spm_message.h"

struct spm_runtime_ops {
    /* msg is complete (replied or failed); the runtime no longer holds it. */
    void (*reply)(void *ctx, struct spm_message *msg);
    /* Ring the doorbell of the partition with this manifest id.
     * PSA_ERROR_PROGRAMMER_ERROR if no partition has it. */
    psa_status_t (*notify)(void *ctx, int32_t partition_id);
};

struct spm_active_msg {
    struct spm_message *msg;   /* NULL when the slot is free */
    uint32_t generation;
    size_t in_pos[PSA_MAX_IOVEC];
};

struct spm_rhandle {
    psa_handle_t conn;         /* the connection it belongs to, or 0 */
    void *value;
};

struct spm_runtime {
    const struct ward_partition_table *table;
    const struct ward_partition_desc *desc;
    unsigned index;
    psa_signal_t asserted;     /* service signals with messages, doorbell */
    struct spm_message *head[32], *tail[32]; /* queues by signal bit */
    struct spm_active_msg active[WARD_MAX_ACTIVE_MSGS];
    struct spm_rhandle rhandles[WARD_MAX_CONNECTIONS];
    const struct spm_runtime_ops *ops;
    void *ctx;
};

void spm_runtime_init(struct spm_runtime *rt,
                      const struct ward_partition_table *table, unsigned index,
                      const struct spm_runtime_ops *ops, void *ctx);

/* Queue a message from the broker and assert its service's signal. */
void spm_runtime_deliver(struct spm_runtime *rt, struct spm_message *msg);

/* The asserted signals within mask. */
static inline psa_signal_t spm_runtime_ready(const struct spm_runtime *rt,
                                             psa_signal_t mask)
{
    return rt->asserted & mask;
}

/* The partition API. Each returns PSA_ERROR_PROGRAMMER_ERROR for every misuse
 * FF-M 1.1 names, after which the caller must panic the partition. */
psa_status_t spm_runtime_get(struct spm_runtime *rt, psa_signal_t signal,
                             psa_msg_t *msg);
psa_status_t spm_runtime_set_rhandle(struct spm_runtime *rt,
                                     psa_handle_t msg_handle, void *rhandle);
/* Read (buffer != NULL) or skip (buffer == NULL) up to num_bytes of input
 * vector invec_idx; *done is the number of bytes consumed. */
psa_status_t spm_runtime_read(struct spm_runtime *rt, psa_handle_t msg_handle,
                              uint32_t invec_idx, void *buffer,
                              size_t num_bytes, size_t *done);
psa_status_t spm_runtime_write(struct spm_runtime *rt, psa_handle_t msg_handle,
                               uint32_t outvec_idx, const void *buffer,
                               size_t num_bytes);
psa_status_t spm_runtime_reply(struct spm_runtime *rt, psa_handle_t msg_handle,
                               psa_status_t status);
psa_status_t spm_runtime_notify(struct spm_runtime *rt, int32_t partition_id);
void spm_runtime_doorbell(struct spm_runtime *rt);
psa_status_t spm_runtime_clear(struct spm_runtime *rt);

/* The partition died: complete every queued and active message with
 * status, forget rhandles and signals. */
void spm_runtime_fail_all(struct spm_runtime *rt, psa_status_t status);

#endif /* WARD_SPM_RUNTIME_H */
