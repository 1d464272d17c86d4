/*
 * runtime.c: queues, signals, message handles and cursors for one
 * partition. Message handles carry a slot and a generation so a handle kept
 * after psa_reply is detected, never reused by accident.
 */
#include "runtime.h"

#include <string.h>

#include "ward_log.h"

#define MSG_SLOT_BITS 8u
#define MSG_GEN_MASK 0x3FFFFFu
_Static_assert(WARD_MAX_ACTIVE_MSGS < (1u << MSG_SLOT_BITS), "slot bits");

void spm_runtime_init(struct spm_runtime *rt,
                      const struct ward_partition_table *table, unsigned index,
                      const struct spm_runtime_ops *ops, void *ctx)
{
    memset(rt, 0, sizeof(*rt));
    rt->table = table;
    rt->desc = &table->partitions[index];
    rt->index = index;
    rt->ops = ops;
    rt->ctx = ctx;
}

static unsigned signal_bit(psa_signal_t signal)
{
    return (unsigned)__builtin_ctz(signal);
}

static void *rhandle_of(const struct spm_runtime *rt, psa_handle_t conn)
{
    if (conn == PSA_NULL_HANDLE)
        return NULL;
    const struct spm_rhandle *r = &rt->rhandles[WARD_CONN_SLOT(conn)];
    return r->conn == conn ? r->value : NULL;
}

void spm_runtime_deliver(struct spm_runtime *rt, struct spm_message *msg)
{
    psa_signal_t sig = rt->table->services[msg->service].signal;
    unsigned bit = signal_bit(sig);
    msg->next = NULL;
    msg->done = false;
    if (rt->tail[bit] != NULL)
        rt->tail[bit]->next = msg;
    else
        rt->head[bit] = msg;
    rt->tail[bit] = msg;
    rt->asserted |= sig;
}

static psa_status_t misuse(const struct spm_runtime *rt, const char *what)
{
    ward_log_event(WARD_EVENT_PROGRAMMER_ERROR, "partition %s: %s",
                   rt->desc->name, what);
    return PSA_ERROR_PROGRAMMER_ERROR;
}

/* The active message a handle names, or NULL. */
static struct spm_active_msg *active_lookup(struct spm_runtime *rt,
                                            psa_handle_t handle)
{
    uint32_t h = (uint32_t)handle;
    if (handle <= 0)
        return NULL;
    uint32_t slot = (h & ((1u << MSG_SLOT_BITS) - 1u));
    if (slot == 0 || slot > WARD_MAX_ACTIVE_MSGS)
        return NULL;
    struct spm_active_msg *a = &rt->active[slot - 1];
    if (a->msg == NULL || a->generation != (h >> MSG_SLOT_BITS))
        return NULL;
    return a;
}

psa_status_t spm_runtime_get(struct spm_runtime *rt, psa_signal_t signal,
                             psa_msg_t *out)
{
    if (out == NULL)
        return misuse(rt, "psa_get with a NULL message");
    if (signal == 0 || (signal & (signal - 1)) != 0)
        return misuse(rt, "psa_get with not exactly one signal");
    if ((signal & rt->desc->service_signals) == 0)
        return misuse(rt, "psa_get with a signal that is not an RoT service's");
    if ((rt->asserted & signal) == 0)
        return misuse(rt, "psa_get with a signal that is not asserted");
    unsigned bit = signal_bit(signal);
    struct spm_message *msg = rt->head[bit];
    if (msg == NULL) {
        rt->asserted &= ~signal;
        return PSA_ERROR_DOES_NOT_EXIST;
    }
    unsigned slot;
    for (slot = 0; slot < WARD_MAX_ACTIVE_MSGS; slot++)
        if (rt->active[slot].msg == NULL)
            break;
    if (slot == WARD_MAX_ACTIVE_MSGS) {
        /* The partition holds too many unreplied messages; this one waits. */
        ward_log(WARD_LOG_WARNING, "partition %s: %u messages unreplied",
                 rt->desc->name, (unsigned)WARD_MAX_ACTIVE_MSGS);
        return PSA_ERROR_DOES_NOT_EXIST;
    }
    rt->head[bit] = msg->next;
    if (rt->head[bit] == NULL) {
        rt->tail[bit] = NULL;
        rt->asserted &= ~signal;
    }
    struct spm_active_msg *a = &rt->active[slot];
    a->msg = msg;
    a->generation = (a->generation + 1) & MSG_GEN_MASK;
    if (a->generation == 0)
        a->generation = 1;
    memset(a->in_pos, 0, sizeof(a->in_pos));

    memset(out, 0, sizeof(*out));
    out->type = msg->type;
    out->handle = (psa_handle_t)(a->generation << MSG_SLOT_BITS | (slot + 1));
    out->client_id = msg->caller.client_id;
    out->rhandle = msg->type == PSA_IPC_CONNECT ? NULL : rhandle_of(rt, msg->conn);
    for (unsigned i = 0; i < PSA_MAX_IOVEC; i++) {
        out->in_size[i] = msg->in_len[i];
        out->out_size[i] = msg->out_cap[i];
    }
    return PSA_SUCCESS;
}

psa_status_t spm_runtime_set_rhandle(struct spm_runtime *rt,
                                     psa_handle_t msg_handle, void *rhandle)
{
    struct spm_active_msg *a = active_lookup(rt, msg_handle);
    if (a == NULL)
        return misuse(rt, "psa_set_rhandle with an invalid message handle");
    if (a->msg->conn == PSA_NULL_HANDLE)
        return misuse(rt, "psa_set_rhandle on a stateless service");
    struct spm_rhandle *r = &rt->rhandles[WARD_CONN_SLOT(a->msg->conn)];
    r->conn = a->msg->conn;
    r->value = rhandle;
    return PSA_SUCCESS;
}

/* The request message a data-moving call may use, or NULL after logging. */
static struct spm_active_msg *request_lookup(struct spm_runtime *rt,
                                             psa_handle_t handle, uint32_t idx,
                                             const char *fn)
{
    struct spm_active_msg *a = active_lookup(rt, handle);
    const char *why = NULL;
    if (a == NULL)
        why = "invalid message handle";
    else if (a->msg->type < 0)
        why = "message is a connect or disconnect, not a request";
    else if (idx >= PSA_MAX_IOVEC)
        why = "vector index out of range";
    if (why != NULL) {
        ward_log_event(WARD_EVENT_PROGRAMMER_ERROR, "partition %s: %s: %s",
                       rt->desc->name, fn, why);
        return NULL;
    }
    return a;
}

psa_status_t spm_runtime_read(struct spm_runtime *rt, psa_handle_t msg_handle,
                              uint32_t invec_idx, void *buffer,
                              size_t num_bytes, size_t *done)
{
    struct spm_active_msg *a = request_lookup(rt, msg_handle, invec_idx,
                                              "psa_read/psa_skip");
    if (a == NULL)
        return PSA_ERROR_PROGRAMMER_ERROR;
    size_t left = a->msg->in_len[invec_idx] - a->in_pos[invec_idx];
    size_t n = num_bytes < left ? num_bytes : left;
    /* buffer NULL means skip (psa_skip); the platform rejects a NULL buffer
     * for psa_read before it gets here. */
    if (buffer != NULL && n != 0)
        memcpy(buffer, a->msg->in[invec_idx] + a->in_pos[invec_idx], n);
    a->in_pos[invec_idx] += n;
    *done = n;
    return PSA_SUCCESS;
}

psa_status_t spm_runtime_write(struct spm_runtime *rt, psa_handle_t msg_handle,
                               uint32_t outvec_idx, const void *buffer,
                               size_t num_bytes)
{
    struct spm_active_msg *a = request_lookup(rt, msg_handle, outvec_idx, "psa_write");
    if (a == NULL)
        return PSA_ERROR_PROGRAMMER_ERROR;
    struct spm_message *m = a->msg;
    if (num_bytes > m->out_cap[outvec_idx] - m->out_len[outvec_idx])
        return misuse(rt, "psa_write past the end of the output vector");
    if (num_bytes != 0 && buffer == NULL)
        return misuse(rt, "psa_write from a NULL buffer");
    if (num_bytes != 0)
        memcpy(m->out[outvec_idx] + m->out_len[outvec_idx], buffer, num_bytes);
    m->out_len[outvec_idx] += num_bytes;
    return PSA_SUCCESS;
}

psa_status_t spm_runtime_reply(struct spm_runtime *rt, psa_handle_t msg_handle,
                               psa_status_t status)
{
    struct spm_active_msg *a = active_lookup(rt, msg_handle);
    if (a == NULL)
        return misuse(rt, "psa_reply with an invalid message handle");
    struct spm_message *m = a->msg;
    struct spm_rhandle *r = m->conn != PSA_NULL_HANDLE
                                ? &rt->rhandles[WARD_CONN_SLOT(m->conn)]
                                : NULL;
    switch (m->type) {
    case PSA_IPC_CONNECT:
        if (status != PSA_SUCCESS && status != PSA_ERROR_CONNECTION_REFUSED &&
            status != PSA_ERROR_CONNECTION_BUSY)
            return misuse(rt, "psa_reply to a connect with a status other than "
                              "SUCCESS, CONNECTION_REFUSED or CONNECTION_BUSY");
        if (status != PSA_SUCCESS && r->conn == m->conn)
            r->conn = PSA_NULL_HANDLE;
        break;
    case PSA_IPC_DISCONNECT:
        status = PSA_SUCCESS; /* ignored by the framework */
        if (r->conn == m->conn)
            r->conn = PSA_NULL_HANDLE;
        break;
    default:
        break;
    }
    m->status = status;
    a->msg = NULL;
    rt->ops->reply(rt->ctx, m);
    return PSA_SUCCESS;
}

psa_status_t spm_runtime_notify(struct spm_runtime *rt, int32_t partition_id)
{
    if (rt->ops->notify(rt->ctx, partition_id) != PSA_SUCCESS)
        return misuse(rt, "psa_notify of something that is not a partition");
    return PSA_SUCCESS;
}

void spm_runtime_doorbell(struct spm_runtime *rt)
{
    rt->asserted |= PSA_DOORBELL;
}

psa_status_t spm_runtime_clear(struct spm_runtime *rt)
{
    if ((rt->asserted & PSA_DOORBELL) == 0)
        return misuse(rt, "psa_clear with the doorbell not asserted");
    rt->asserted &= ~PSA_DOORBELL;
    return PSA_SUCCESS;
}

void spm_runtime_fail_all(struct spm_runtime *rt, psa_status_t status)
{
    for (unsigned bit = 0; bit < 32; bit++) {
        struct spm_message *m = rt->head[bit];
        rt->head[bit] = rt->tail[bit] = NULL;
        while (m != NULL) {
            struct spm_message *next = m->next;
            m->status = status;
            rt->ops->reply(rt->ctx, m);
            m = next;
        }
    }
    for (unsigned i = 0; i < WARD_MAX_ACTIVE_MSGS; i++) {
        struct spm_message *m = rt->active[i].msg;
        if (m != NULL) {
            rt->active[i].msg = NULL;
            m->status = status;
            rt->ops->reply(rt->ctx, m);
        }
    }
    memset(rt->rhandles, 0, sizeof(rt->rhandles));
    rt->asserted = 0;
}
