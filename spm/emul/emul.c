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
#include <unistd.h>

#include <fcntl.h>
#include <limits.h>
#include <sys/file.h>

#include "emul_ctx.h"
#include "platform.h"
#include "ward_state.h"
#include "ward/emul.h"
#include "ward_log.h"

/* The table of the partitions this library runs, generated from the
 * production or the test manifest list. */
extern const struct ward_partition_table ward_partitions;

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
    struct emul_coro coro;
    enum pstate state;
    psa_signal_t wait_mask;
    unsigned index;
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
/* The SPE's state: $WARD_STATE_DIR, else $XDG_STATE_HOME/ward-emul, else
 * $HOME/.local/state/ward-emul, under an exclusive lock. Without one (no
 * usable directory, or another process holds it) the SPE runs stateless:
 * lifecycle UNKNOWN and no partition directories. */
static struct {
    bool ok;
    char root[PATH_MAX];
    int lock_fd;
    struct ward_lifecycle lifecycle;
    char dirs[WARD_MAX_PARTITIONS][PATH_MAX];
} state;

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static _Thread_local struct emul_partition *current;

static void resume(struct emul_partition *p);

/* ---- coroutines -------------------------------------------------------- */

static void partition_main(void)
{
    struct emul_partition *p = current;
    emul_coro_entered(&p->coro);
    p->rt.desc->entry_point();
    /* An entry point must never return: that is a panic. */
    psa_panic();
}

static void start_partition(struct emul_partition *p)
{
    size_t size = p->rt.desc->stack_size > EMUL_STACK_MIN ? p->rt.desc->stack_size
                                                          : EMUL_STACK_MIN;
    if (emul_coro_start(&p->coro, size, partition_main) != 0) {
        ward_log(WARD_LOG_ERROR, "emul: cannot make a stack for partition %s",
                 p->rt.desc->name);
        p->state = P_FAILED;
        g.broker.pstate[p->index] = SPM_PARTITION_FAILED;
        return;
    }
    p->state = P_NEW;
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
    struct emul_partition *prev = current;
    p->state = P_RUNNING;
    current = p;
    emul_coro_resume(&p->coro);
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

static bool state_init(const struct ward_partition_table *t)
{
    const char *env = getenv("WARD_STATE_DIR"), *xdg = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    char err[512];
    int n;
    if (env != NULL && env[0] == '/')
        n = snprintf(state.root, sizeof(state.root), "%s", env);
    else if (xdg != NULL && xdg[0] == '/')
        n = snprintf(state.root, sizeof(state.root), "%s/ward-emul", xdg);
    else if (home != NULL && home[0] == '/')
        n = snprintf(state.root, sizeof(state.root), "%s/.local/state/ward-emul", home);
    else {
        ward_log(WARD_LOG_INFO, "emul: no state directory (set WARD_STATE_DIR)");
        return false;
    }
    if (n < 0 || (size_t)n >= sizeof(state.root) - 32 ||
        ward_private_dir(state.root, true, err, sizeof(err)) != 0) {
        ward_log(WARD_LOG_INFO, "emul: running without state: %s", err);
        return false;
    }
    char lock[PATH_MAX + 16];
    snprintf(lock, sizeof(lock), "%s/emul.lock", state.root);
    state.lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (state.lock_fd < 0 || flock(state.lock_fd, LOCK_EX | LOCK_NB) != 0) {
        ward_log(WARD_LOG_WARNING, "emul: %s is in use by another process; running "
                 "without state", state.root);
        return false;
    }
    if (ward_lifecycle_startup(state.root, false, &state.lifecycle, err, sizeof(err)) !=
        PSA_SUCCESS) {
        ward_log(WARD_LOG_ERROR, "emul: lifecycle: %s", err);
        return false;
    }
    for (unsigned i = 0; i < t->partition_count; i++)
        if (ward_partition_dir(state.root, t->partitions[i].name, state.dirs[i],
                               sizeof(state.dirs[i])) != 0)
            return false;
    return true;
}

static void emul_init(void)
{
    const struct ward_partition_table *t = &ward_partitions;
    pthread_mutex_lock(&g.lock);
    g.client_id = -(int32_t)(getuid() & 0x7FFFFFFEu) - 1;
    g.session = 1;
    g.init_status = spm_broker_init(&g.broker, t);
    if (g.init_status == PSA_SUCCESS) {
        /* Before any partition runs: a pending lifecycle change may erase
         * their state. */
        state.ok = state_init(t);
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

/* ---- platform hooks (spm/core/platform.h) ---------------------------- */

struct spm_runtime *spm_platform_self(void)
{
    return current != NULL ? &current->rt : NULL;
}

struct spm_broker *spm_platform_broker(void)
{
    return &g.broker;
}

/* Enter the SPM: on an application thread take the lock; inside a
 * partition the thread already holds it. */
bool spm_platform_enter(void)
{
    if (current != NULL)
        return true;
    pthread_once(&init_once, emul_init);
    if (!g.ready)
        return false;
    pthread_mutex_lock(&g.lock);
    return true;
}

void spm_platform_leave(void)
{
    if (current == NULL)
        pthread_mutex_unlock(&g.lock);
}

struct spm_caller spm_platform_caller(void)
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
void spm_platform_run(struct spm_message *msg)
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

psa_signal_t spm_platform_block(struct spm_runtime *rt, psa_signal_t mask)
{
    struct emul_partition *p = current;
    (void)rt;
    p->wait_mask = mask;
    p->state = P_WAITING;
    emul_coro_yield(&p->coro);
    return spm_runtime_ready(&p->rt, mask);
}

uint32_t spm_platform_lifecycle(void)
{
    if (!spm_platform_enter())
        return PSA_LIFECYCLE_UNKNOWN;
    uint32_t s = state.ok ? state.lifecycle.state : PSA_LIFECYCLE_UNKNOWN;
    spm_platform_leave();
    return s;
}

psa_status_t spm_platform_lifecycle_request(uint32_t to)
{
    if (!spm_platform_enter())
        return PSA_ERROR_STORAGE_FAILURE;
    psa_status_t st = state.ok ? ward_lifecycle_request(state.root, &state.lifecycle, to)
                               : PSA_ERROR_STORAGE_FAILURE;
    spm_platform_leave();
    return st;
}

const char *spm_platform_state_dir(struct spm_runtime *rt)
{
    return state.ok ? state.dirs[rt->index] : NULL;
}

const struct spm_remote_client *spm_platform_remote(void)
{
    return NULL; /* emul serves every call in this process */
}

void spm_platform_poll(struct spm_runtime *rt)
{
    (void)rt; /* emul delivers synchronously: nothing is ever in transit */
}

_Noreturn void spm_platform_panic(struct spm_runtime *rt)
{
    struct emul_partition *p = current;
    (void)rt;
    p->state = P_DEAD;
    emul_coro_exit(&p->coro);
}

/* ---- emul's own API ---------------------------------------------------- */

WARD_API psa_status_t ward_emul_set_client_id(int32_t client_id)
{
    if (client_id >= 0)
        return PSA_ERROR_INVALID_ARGUMENT;
    if (!spm_platform_enter())
        return PSA_ERROR_COMMUNICATION_FAILURE;
    g.client_id = client_id;
    spm_platform_leave();
    return PSA_SUCCESS;
}

WARD_API int32_t ward_emul_client_id(void)
{
    if (!spm_platform_enter())
        return 0;
    int32_t id = g.client_id;
    spm_platform_leave();
    return id;
}
