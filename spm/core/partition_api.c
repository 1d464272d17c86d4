/*
 * partition_api.c: the FF-M partition API, once for every platform. Each
 * function finds the calling partition's runtime, lets the runtime check
 * and do the work, and panics the partition on a PROGRAMMER ERROR.
 */
#include <stdio.h>
#include <stdlib.h>

#include "platform.h"
#include "psa/service.h"
#include "ward_log.h"

static struct spm_runtime *self_or_abort(const char *fn)
{
    struct spm_runtime *rt = spm_platform_self();
    if (rt == NULL) {
        /* Not a partition: an application misusing a partition-only call.
         * There is no partition to panic, so the process stops. */
        fprintf(stderr, "ward: %s called outside a secure partition\n", fn);
        abort();
    }
    return rt;
}

static void check(struct spm_runtime *rt, psa_status_t st)
{
    if (st == PSA_ERROR_PROGRAMMER_ERROR)
        spm_platform_panic(rt);
}

static _Noreturn void misuse(struct spm_runtime *rt, const char *what)
{
    ward_log_event(WARD_EVENT_PROGRAMMER_ERROR, "partition %s: %s",
                   rt->desc->name, what);
    spm_platform_panic(rt);
}

WARD_API _Noreturn void psa_panic(void)
{
    struct spm_runtime *rt = self_or_abort("psa_panic");
    ward_log_event(WARD_EVENT_PARTITION_CRASH, "partition %s panicked",
                   rt->desc->name);
    spm_platform_panic(rt);
}

WARD_API psa_signal_t psa_wait(psa_signal_t signal_mask, uint32_t timeout)
{
    struct spm_runtime *rt = self_or_abort("psa_wait");
    if (timeout != PSA_BLOCK && timeout != PSA_POLL)
        misuse(rt, "psa_wait timeout neither PSA_BLOCK nor PSA_POLL");
    psa_signal_t ready = spm_runtime_ready(rt, signal_mask);
    if (ready == 0 && timeout == PSA_POLL) {
        spm_platform_poll(rt);
        return spm_runtime_ready(rt, signal_mask);
    }
    if (ready != 0)
        return ready;
    if ((signal_mask & (rt->desc->service_signals | PSA_DOORBELL)) == 0)
        misuse(rt, "psa_wait blocks on signals it can never get");
    return spm_platform_block(rt, signal_mask);
}

WARD_API psa_status_t psa_get(psa_signal_t signal, psa_msg_t *msg)
{
    struct spm_runtime *rt = self_or_abort("psa_get");
    psa_status_t st = spm_runtime_get(rt, signal, msg);
    check(rt, st);
    return st;
}

WARD_API void psa_set_rhandle(psa_handle_t msg_handle, void *rhandle)
{
    struct spm_runtime *rt = self_or_abort("psa_set_rhandle");
    check(rt, spm_runtime_set_rhandle(rt, msg_handle, rhandle));
}

WARD_API size_t psa_read(psa_handle_t msg_handle, uint32_t invec_idx,
                         void *buffer, size_t num_bytes)
{
    struct spm_runtime *rt = self_or_abort("psa_read");
    size_t done = 0;
    uint8_t none;
    if (buffer == NULL && num_bytes != 0)
        misuse(rt, "psa_read into a NULL buffer");
    /* A zero-byte read with no buffer is still a read, not a skip. */
    check(rt, spm_runtime_read(rt, msg_handle, invec_idx,
                               buffer != NULL ? buffer : &none, num_bytes, &done));
    return done;
}

WARD_API size_t psa_skip(psa_handle_t msg_handle, uint32_t invec_idx,
                         size_t num_bytes)
{
    struct spm_runtime *rt = self_or_abort("psa_skip");
    size_t done = 0;
    check(rt, spm_runtime_read(rt, msg_handle, invec_idx, NULL, num_bytes, &done));
    return done;
}

WARD_API void psa_write(psa_handle_t msg_handle, uint32_t outvec_idx,
                        const void *buffer, size_t num_bytes)
{
    struct spm_runtime *rt = self_or_abort("psa_write");
    check(rt, spm_runtime_write(rt, msg_handle, outvec_idx, buffer, num_bytes));
}

WARD_API void psa_reply(psa_handle_t msg_handle, psa_status_t status)
{
    struct spm_runtime *rt = self_or_abort("psa_reply");
    check(rt, spm_runtime_reply(rt, msg_handle, status));
}

WARD_API void psa_notify(int32_t partition_id)
{
    struct spm_runtime *rt = self_or_abort("psa_notify");
    check(rt, spm_runtime_notify(rt, partition_id));
}

WARD_API void psa_clear(void)
{
    struct spm_runtime *rt = self_or_abort("psa_clear");
    check(rt, spm_runtime_clear(rt));
}

/* No platform Ward runs on has interrupts yet: every interrupt call is a
 * PROGRAMMER ERROR (DESIGN.md section 2). */
static _Noreturn void no_interrupts(const char *fn)
{
    struct spm_runtime *rt = self_or_abort(fn);
    ward_log_event(WARD_EVENT_PROGRAMMER_ERROR,
                   "partition %s: %s: this platform has no interrupts",
                   rt->desc->name, fn);
    spm_platform_panic(rt);
}

WARD_API void psa_eoi(psa_signal_t irq_signal)
{
    (void)irq_signal;
    no_interrupts("psa_eoi");
}

WARD_API void psa_irq_enable(psa_signal_t irq_signal)
{
    (void)irq_signal;
    no_interrupts("psa_irq_enable");
}

WARD_API psa_irq_status_t psa_irq_disable(psa_signal_t irq_signal)
{
    (void)irq_signal;
    no_interrupts("psa_irq_disable");
}

WARD_API void psa_reset_signal(psa_signal_t irq_signal)
{
    (void)irq_signal;
    no_interrupts("psa_reset_signal");
}
