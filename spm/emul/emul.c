/*
 * emul.c: the in-process platform. The broker and one runtime per partition
 * live in this process; each partition's psa_wait loop runs as a coroutine
 * (emul_ctx.h) on the thread of whoever calls it, so a call is two
 * context switches and no cross-thread wake-up. One mutex serialises the SPM; a
 * condition variable is used only when a reply is deferred to another
 * thread. emul contains nothing: a partition can read and corrupt the whole
 * process, and it must never pretend otherwise.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "broker.h"
#include "emul_ctx.h"
#include "psa/client.h"
#include "psa/service.h"
#include "runtime.h"
#include "ward/emul.h"
#include "ward_log.h"

#define WARD_API __attribute__((visibility("default")))

#if defined(__SANITIZE_ADDRESS__)
#define EMUL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EMUL_ASAN 1
#endif
#endif
#ifdef EMUL_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

/* The table of the partitions this library runs, generated from the
 * production or the test manifest list. */
extern const struct ward_partition_table ward_emul_partitions;

/* Partition stacks are big and lazily committed: manifests size stacks for
 * microcontrollers, while emul partitions run libc and OpenSSL. */
#define EMUL_STACK_MIN (1u << 20)

enum pstate {
    P_NEW,      /* context made, never run */
    P_RUNNING,  /* on some thread right now */
    P_WAITING,  /* blocked in psa_wait on wait_mask */
    P_CALLING,  /* blocked in its own psa_call/connect/close */
    P_DEAD,     /* panicked; its context must not be resumed */
    P_FAILED,   /* crashed too often; never runs again */
};

struct emul_partition {
    struct spm_runtime rt;
    struct emul_ctx ctx;
    struct emul_ctx *resumer;
    uint8_t *stack;
    size_t stack_size;
    enum pstate state;
    psa_signal_t wait_mask;
    unsigned index;
#ifdef EMUL_ASAN
    void *fake_stack;
    const void *resumer_bottom;
    size_t resumer_size;
#endif
};

static struct {
    pthread_mutex_t lock;
    pthread_cond_t progress;
    unsigned waiters;
    bool ready;
    psa_status_t init_status;
    struct spm_broker broker;
    struct emul_partition parts[WARD_MAX_PARTITIONS];
    unsigned order[WARD_MAX_PARTITIONS]; /* by priority, high first */
    int32_t client_id;
    uint64_t session;
} g = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .progress = PTHREAD_COND_INITIALIZER,
};
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static _Thread_local struct emul_partition *current;

static void resume(struct emul_partition *p);

/* ---- coroutine switching ---------------------------------------------- */

static void partition_main(void)
{
    struct emul_partition *p = current;
#ifdef EMUL_ASAN
    __sanitizer_finish_switch_fiber(NULL, &p->resumer_bottom, &p->resumer_size);
#endif
    p->rt.desc->entry_point();
    /* An entry point must never return: that is a panic. */
    psa_panic();
}

static int make_context(struct emul_partition *p)
{
    if (p->stack == NULL) {
        size_t page = (size_t)sysconf(_SC_PAGESIZE);
        size_t size = p->rt.desc->stack_size > EMUL_STACK_MIN
                          ? p->rt.desc->stack_size : EMUL_STACK_MIN;
        size = (size + page - 1) & ~(page - 1);
        /* One guard page below the stack turns an overflow into a fault. */
        uint8_t *m = mmap(NULL, size + page, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (m == MAP_FAILED)
            return -1;
        if (mprotect(m, page, PROT_NONE) != 0) {
            munmap(m, size + page);
            return -1;
        }
        p->stack = m + page;
        p->stack_size = size;
    }
#ifdef EMUL_ASAN
    /* A panicked incarnation leaves its frames' redzones poisoned. */
    __asan_unpoison_memory_region(p->stack, p->stack_size);
#endif
    if (emul_ctx_init(&p->ctx, p->stack, p->stack_size, partition_main) != 0)
        return -1;
    p->state = P_NEW;
    return 0;
}

/* Give the thread back to whoever resumed p; returns when p is resumed. */
static void yield_to_resumer(struct emul_partition *p)
{
#ifdef EMUL_ASAN
    __sanitizer_start_switch_fiber(&p->fake_stack, p->resumer_bottom, p->resumer_size);
#endif
    emul_ctx_swap(&p->ctx, p->resumer);
#ifdef EMUL_ASAN
    __sanitizer_finish_switch_fiber(p->fake_stack, &p->resumer_bottom,
                                    &p->resumer_size);
#endif
}

static void start_partition(struct emul_partition *p)
{
    if (make_context(p) != 0) {
        ward_log(WARD_LOG_ERROR, "emul: cannot make a stack for partition %s",
                 p->rt.desc->name);
        p->state = P_FAILED;
        spm_broker_partition_crashed(&g.broker, p->index);
        return;
    }
    /* Run its initialisation up to its first blocking psa_wait. */
    resume(p);
}

static void handle_crash(struct emul_partition *p)
{
    spm_runtime_fail_all(&p->rt, PSA_ERROR_COMMUNICATION_FAILURE);
    if (spm_broker_partition_crashed(&g.broker, p->index)) {
        ward_log(WARD_LOG_NOTICE, "emul: restarting partition %s", p->rt.desc->name);
        start_partition(p);
    } else {
        p->state = P_FAILED;
    }
}

static void resume(struct emul_partition *p)
{
    struct emul_ctx here;
    struct emul_partition *prev = current;
#ifdef EMUL_ASAN
    void *fake = NULL;
#endif
    p->resumer = &here;
    p->state = P_RUNNING;
    current = p;
#ifdef EMUL_ASAN
    __sanitizer_start_switch_fiber(&fake, p->stack, p->stack_size);
#endif
    emul_ctx_swap(&here, &p->ctx);
#ifdef EMUL_ASAN
    __sanitizer_finish_switch_fiber(fake, NULL, NULL);
#endif
    current = prev;
    if (p->state == P_DEAD)
        handle_crash(p);
}

/* The partition that should run next, or NULL. */
static struct emul_partition *pick_runnable(void)
{
    size_t n = g.broker.table->partition_count;
    for (size_t i = 0; i < n; i++) {
        struct emul_partition *p = &g.parts[g.order[i]];
        if (p->state == P_WAITING && spm_runtime_ready(&p->rt, p->wait_mask) != 0)
            return p;
    }
    return NULL;
}

/* ---- runtime callbacks ------------------------------------------------- */

static void on_reply(void *ctx, struct spm_message *msg)
{
    struct emul_partition *p = ctx;
    msg->done = true;
    if (msg->status != PSA_ERROR_COMMUNICATION_FAILURE)
        spm_broker_partition_ready(&g.broker, p->index);
    if (g.waiters > 0)
        pthread_cond_broadcast(&g.progress);
}

static psa_status_t on_notify(void *ctx, int32_t partition_id)
{
    (void)ctx;
    for (size_t i = 0; i < g.broker.table->partition_count; i++) {
        if (g.broker.table->partitions[i].id == partition_id) {
            spm_runtime_doorbell(&g.parts[i].rt);
            return PSA_SUCCESS;
        }
    }
    return PSA_ERROR_PROGRAMMER_ERROR;
}

static const struct spm_runtime_ops emul_ops = {
    .reply = on_reply,
    .notify = on_notify,
};

/* ---- start-up ---------------------------------------------------------- */

static void emul_init(void)
{
    const struct ward_partition_table *t = &ward_emul_partitions;
    pthread_mutex_lock(&g.lock);
    g.client_id = -(int32_t)(getuid() & 0x7FFFFFFEu) - 1;
    g.session = 1;
    g.init_status = spm_broker_init(&g.broker, t);
    if (g.init_status == PSA_SUCCESS) {
        unsigned n = 0;
        for (int prio = WARD_PRIORITY_HIGH; prio >= WARD_PRIORITY_LOW; prio--)
            for (unsigned i = 0; i < t->partition_count; i++)
                if (t->partitions[i].priority == prio)
                    g.order[n++] = i;
        for (unsigned i = 0; i < t->partition_count; i++) {
            g.parts[i].index = i;
            spm_runtime_init(&g.parts[i].rt, t, i, &emul_ops, &g.parts[i]);
        }
        for (unsigned i = 0; i < t->partition_count; i++)
            start_partition(&g.parts[i]);
        g.ready = true;
    } else {
        ward_log(WARD_LOG_ERROR, "emul: the partition table is inconsistent");
    }
    pthread_mutex_unlock(&g.lock);
}

/* Enter the SPM: on an application thread take the lock; inside a
 * partition the thread already holds it. Returns false if the SPM could
 * not start. */
static bool enter(void)
{
    if (current != NULL)
        return true;
    pthread_once(&init_once, emul_init);
    if (!g.ready)
        return false;
    pthread_mutex_lock(&g.lock);
    return true;
}

static void leave(void)
{
    if (current == NULL)
        pthread_mutex_unlock(&g.lock);
}

static struct spm_caller caller_now(void)
{
    struct spm_caller c;
    if (current != NULL) {
        c.client_id = current->rt.desc->id;
        c.session = 0;
        c.partition = (int)current->index;
    } else {
        c.client_id = g.client_id;
        c.session = g.session;
        c.partition = -1;
    }
    return c;
}

/* Deliver msg and run partitions until it is answered. */
static void run_message(struct spm_message *msg)
{
    struct emul_partition *self = current;
    spm_runtime_deliver(&g.parts[g.broker.table->services[msg->service].partition].rt,
                        msg);
    if (self != NULL)
        self->state = P_CALLING;
    while (!msg->done) {
        struct emul_partition *p = pick_runnable();
        if (p != NULL) {
            resume(p);
        } else {
            /* The reply was deferred, to be made on another thread. */
            g.waiters++;
            pthread_cond_wait(&g.progress, &g.lock);
            g.waiters--;
        }
    }
    if (self != NULL)
        self->state = P_RUNNING;
}

/* A PROGRAMMER ERROR by the caller: a partition is panicked (FF-M), a
 * non-secure client is told (DESIGN.md section 5). */
static psa_status_t caller_error(psa_status_t status)
{
    if (status == PSA_ERROR_PROGRAMMER_ERROR && current != NULL)
        psa_panic();
    return status;
}

/* ---- client API -------------------------------------------------------- */

WARD_API uint32_t psa_framework_version(void)
{
    return PSA_FRAMEWORK_VERSION;
}

WARD_API uint32_t psa_version(uint32_t sid)
{
    if (!enter())
        return PSA_VERSION_NONE;
    struct spm_caller c = caller_now();
    uint32_t v = spm_broker_version(&g.broker, &c, sid);
    leave();
    return v;
}

WARD_API psa_handle_t psa_connect(uint32_t sid, uint32_t version)
{
    struct spm_message msg;
    psa_handle_t h;
    if (!enter())
        return PSA_ERROR_COMMUNICATION_FAILURE;
    struct spm_caller c = caller_now();
    psa_status_t st = spm_broker_connect(&g.broker, &c, sid, version, &h, &msg);
    if (st == PSA_SUCCESS) {
        run_message(&msg);
        h = spm_broker_connect_done(&g.broker, h, &msg);
    } else {
        h = (psa_handle_t)st;
    }
    leave();
    return h > 0 ? h : (psa_handle_t)caller_error((psa_status_t)h);
}

/* Checks the client library can make without the SPM. */
static bool vectors_ok(const psa_invec *in_vec, size_t in_len,
                       const psa_outvec *out_vec, size_t out_len, size_t *total)
{
    size_t sum = 0;
    if (in_len > PSA_MAX_IOVEC || out_len > PSA_MAX_IOVEC ||
        in_len + out_len > PSA_MAX_IOVEC)
        return false;
    if ((in_len > 0 && in_vec == NULL) || (out_len > 0 && out_vec == NULL))
        return false;
    for (size_t i = 0; i < in_len; i++) {
        if (in_vec[i].base == NULL && in_vec[i].len != 0)
            return false;
        if (in_vec[i].len > SIZE_MAX - sum)
            return false;
        sum += in_vec[i].len;
    }
    for (size_t i = 0; i < out_len; i++) {
        if (out_vec[i].base == NULL && out_vec[i].len != 0)
            return false;
        if (out_vec[i].len > SIZE_MAX - sum)
            return false;
        sum += out_vec[i].len;
    }
    *total = sum;
    return true;
}

WARD_API psa_status_t psa_call(psa_handle_t handle, int32_t type,
                               const psa_invec *in_vec, size_t in_len,
                               psa_outvec *out_vec, size_t out_len)
{
    struct spm_message msg;
    uint8_t small[256];
    uint8_t *buf = small;
    size_t total = 0;

    if (type < 0 || !vectors_ok(in_vec, in_len, out_vec, out_len, &total)) {
        ward_log_event(WARD_EVENT_PROGRAMMER_ERROR,
                       "psa_call: negative type or malformed vectors");
        return caller_error(PSA_ERROR_PROGRAMMER_ERROR);
    }
    if (!enter())
        return PSA_ERROR_COMMUNICATION_FAILURE;
    struct spm_caller c = caller_now();
    psa_status_t st = spm_broker_call(&g.broker, &c, handle, type, total, &msg);
    if (st != PSA_SUCCESS) {
        leave();
        return caller_error(st);
    }
    if (total > sizeof(small) && (buf = malloc(total)) == NULL) {
        msg.status = PSA_ERROR_INSUFFICIENT_MEMORY;
        st = spm_broker_call_done(&g.broker, &msg);
        leave();
        return st;
    }
    /* Copy in: the partition reads the bytes as they were at the call,
     * whatever the vectors overlap, exactly as across a process boundary. */
    size_t off = 0;
    for (size_t i = 0; i < in_len; i++) {
        msg.in[i] = buf + off;
        msg.in_len[i] = in_vec[i].len;
        if (in_vec[i].len != 0)
            memcpy(buf + off, in_vec[i].base, in_vec[i].len);
        off += in_vec[i].len;
    }
    for (size_t i = 0; i < out_len; i++) {
        msg.out[i] = buf + off;
        msg.out_cap[i] = out_vec[i].len;
        off += out_vec[i].len;
    }
    run_message(&msg);
    st = spm_broker_call_done(&g.broker, &msg);
    /* Copy out what the service wrote, even with an error status. */
    for (size_t i = 0; i < out_len; i++) {
        size_t n = st == PSA_ERROR_COMMUNICATION_FAILURE ? 0 : msg.out_len[i];
        if (n != 0)
            memcpy(out_vec[i].base, msg.out[i], n);
        out_vec[i].len = n;
    }
    if (buf != small)
        free(buf);
    leave();
    return st;
}

WARD_API void psa_close(psa_handle_t handle)
{
    struct spm_message msg;
    if (handle == PSA_NULL_HANDLE || !enter())
        return;
    struct spm_caller c = caller_now();
    if (spm_broker_close(&g.broker, &c, handle, &msg)) {
        run_message(&msg);
        spm_broker_close_done(&g.broker, &msg);
    }
    leave();
}

WARD_API psa_status_t ward_emul_set_client_id(int32_t client_id)
{
    if (client_id >= 0)
        return PSA_ERROR_INVALID_ARGUMENT;
    if (!enter())
        return PSA_ERROR_COMMUNICATION_FAILURE;
    g.client_id = client_id;
    leave();
    return PSA_SUCCESS;
}

WARD_API int32_t ward_emul_client_id(void)
{
    if (!enter())
        return 0;
    int32_t id = g.client_id;
    leave();
    return id;
}

/* ---- partition API ----------------------------------------------------- */

static struct emul_partition *self_or_abort(const char *fn)
{
    if (current == NULL) {
        fprintf(stderr, "ward: %s called outside a secure partition\n", fn);
        abort();
    }
    return current;
}

WARD_API _Noreturn void psa_panic(void)
{
    struct emul_partition *p = self_or_abort("psa_panic");
    ward_log_event(WARD_EVENT_PARTITION_CRASH, "partition %s panicked",
                   p->rt.desc->name);
    p->state = P_DEAD;
#ifdef EMUL_ASAN
    /* NULL: this fiber is finished and its fake stack can go. */
    __sanitizer_start_switch_fiber(NULL, p->resumer_bottom, p->resumer_size);
#endif
    /* Leave for good: the dead context is saved into a scratch slot and
     * never resumed; start_partition makes a fresh one. */
    struct emul_ctx scratch;
    emul_ctx_swap(&scratch, p->resumer);
    abort(); /* never resumed */
}

/* Panic the caller on a programmer error. */
static void check(psa_status_t st)
{
    if (st == PSA_ERROR_PROGRAMMER_ERROR)
        psa_panic();
}

WARD_API psa_signal_t psa_wait(psa_signal_t signal_mask, uint32_t timeout)
{
    struct emul_partition *p = self_or_abort("psa_wait");
    if (timeout != PSA_BLOCK && timeout != PSA_POLL) {
        ward_log_event(WARD_EVENT_PROGRAMMER_ERROR,
                       "partition %s: psa_wait timeout neither PSA_BLOCK nor PSA_POLL",
                       p->rt.desc->name);
        psa_panic();
    }
    psa_signal_t ready = spm_runtime_ready(&p->rt, signal_mask);
    if (ready != 0 || timeout == PSA_POLL)
        return ready;
    if ((signal_mask & (p->rt.desc->service_signals | PSA_DOORBELL)) == 0) {
        ward_log_event(WARD_EVENT_PROGRAMMER_ERROR,
                       "partition %s: psa_wait blocks on signals it can never get",
                       p->rt.desc->name);
        psa_panic();
    }
    p->wait_mask = signal_mask;
    p->state = P_WAITING;
    yield_to_resumer(p);
    return spm_runtime_ready(&p->rt, signal_mask);
}

WARD_API psa_status_t psa_get(psa_signal_t signal, psa_msg_t *msg)
{
    struct emul_partition *p = self_or_abort("psa_get");
    psa_status_t st = spm_runtime_get(&p->rt, signal, msg);
    check(st);
    return st;
}

WARD_API void psa_set_rhandle(psa_handle_t msg_handle, void *rhandle)
{
    check(spm_runtime_set_rhandle(&self_or_abort("psa_set_rhandle")->rt,
                                  msg_handle, rhandle));
}

WARD_API size_t psa_read(psa_handle_t msg_handle, uint32_t invec_idx,
                         void *buffer, size_t num_bytes)
{
    struct emul_partition *p = self_or_abort("psa_read");
    size_t done = 0;
    if (buffer == NULL && num_bytes != 0) {
        ward_log_event(WARD_EVENT_PROGRAMMER_ERROR,
                       "partition %s: psa_read into a NULL buffer", p->rt.desc->name);
        psa_panic();
    }
    /* A zero-byte read with no buffer is still a read, not a skip. */
    uint8_t dummy;
    check(spm_runtime_read(&p->rt, msg_handle, invec_idx,
                           buffer != NULL ? buffer : &dummy, num_bytes, &done));
    return done;
}

WARD_API size_t psa_skip(psa_handle_t msg_handle, uint32_t invec_idx,
                         size_t num_bytes)
{
    size_t done = 0;
    check(spm_runtime_read(&self_or_abort("psa_skip")->rt, msg_handle, invec_idx,
                           NULL, num_bytes, &done));
    return done;
}

WARD_API void psa_write(psa_handle_t msg_handle, uint32_t outvec_idx,
                        const void *buffer, size_t num_bytes)
{
    check(spm_runtime_write(&self_or_abort("psa_write")->rt, msg_handle,
                            outvec_idx, buffer, num_bytes));
}

WARD_API void psa_reply(psa_handle_t msg_handle, psa_status_t status)
{
    check(spm_runtime_reply(&self_or_abort("psa_reply")->rt, msg_handle, status));
}

WARD_API void psa_notify(int32_t partition_id)
{
    check(spm_runtime_notify(&self_or_abort("psa_notify")->rt, partition_id));
}

WARD_API void psa_clear(void)
{
    check(spm_runtime_clear(&self_or_abort("psa_clear")->rt));
}

/* No platform Ward runs on has interrupts yet: every interrupt call is a
 * PROGRAMMER ERROR (DESIGN.md section 2). */
static _Noreturn void no_interrupts(const char *fn)
{
    struct emul_partition *p = self_or_abort(fn);
    ward_log_event(WARD_EVENT_PROGRAMMER_ERROR,
                   "partition %s: %s: this platform has no interrupts",
                   p->rt.desc->name, fn);
    psa_panic();
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
