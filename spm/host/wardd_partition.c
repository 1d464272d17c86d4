/*
 * wardd_partition.c: partitions at isolation level 1. Each partition has a
 * thread; on it, the partition's code runs as a coroutine, so a panic
 * abandons the coroutine and the thread restarts it. The partition blocks
 * in psa_wait on an epoll set: its direct channels (one per client session
 * that reached it) and an eventfd for its inbox (connects and disconnects
 * from session threads, calls from other partitions, doorbells). The
 * runtime is touched only by its own thread.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "platform.h"
#include "ward_codec.h"
#include "ward_state.h"
#include "wardd.h"
#include "wardd_remote.h"
#include "ward_log.h"

extern const struct ward_partition_table ward_partitions;

#define PARTITION_STACK_MIN (1u << 20)

static _Thread_local struct wardd_partition *self_part;

static struct wardd_partition *partition_of(const struct spm_message *m)
{
    return &wardd.parts[wardd.broker.table->services[m->service].partition];
}

/* ---- platform hooks for the core (platform.h) -------------------------- */

struct spm_runtime *spm_platform_self(void)
{
    return self_part != NULL ? &self_part->rt : NULL;
}

bool spm_platform_enter(void)
{
    pthread_mutex_lock(&wardd.lock);
    return true;
}

void spm_platform_leave(void)
{
    pthread_mutex_unlock(&wardd.lock);
}

struct spm_broker *spm_platform_broker(void)
{
    return &wardd.broker;
}

struct spm_caller spm_platform_caller(void)
{
    /* In wardd only partitions call the local client API. */
    struct spm_caller c = {self_part->rt.desc->id, 0, (int)self_part->index};
    return c;
}

void spm_platform_run(struct spm_message *msg)
{
    wardd_run_local(msg);
}

static void inbox_wake(struct wardd_partition *p)
{
    uint64_t one = 1;
    ssize_t k;
    do
        k = write(p->inbox_fd, &one, sizeof(one));
    while (k < 0 && errno == EINTR);
}

void wardd_run_local(struct spm_message *msg)
{
    struct wardd_partition *t = partition_of(msg);
    msg->done = false;
    msg->platform = NULL;
    pthread_mutex_lock(&t->inbox_lock);
    msg->next = NULL;
    if (t->inbox_tail != NULL)
        t->inbox_tail->next = msg;
    else
        t->inbox_head = msg;
    t->inbox_tail = msg;
    pthread_mutex_unlock(&t->inbox_lock);
    inbox_wake(t);
    while (!msg->done)
        pthread_cond_wait(&wardd.done, &wardd.lock);
}

/* ---- replies ------------------------------------------------------------ */

static void channel_release(struct wardd_channel *c);

/* Channels are reference counted by their in-flight messages: a client
 * that goes away mid-call leaves the channel until the reply is dropped. */
struct channel_ref {
    struct wardd_channel c;
    unsigned refs;   /* 1 for the channel itself + its messages in flight */
    bool paused;     /* not read until a reply makes room */
};

/* Messages one channel may have in flight. libward-client sends one call
 * at a time per channel; the cap stops a client that pipelines frames
 * (stateless calls have no busy state to stop them) from queueing
 * unbounded memory in the partition. */
#define CHANNEL_MAX_INFLIGHT 4

static void channel_listen(struct wardd_partition *p, struct channel_ref *r, bool on)
{
    struct epoll_event ev = {.events = on ? EPOLLIN : 0, .data.ptr = &r->c};
    if (r->paused == !on || r->c.dead)
        return;
    r->paused = !on;
    epoll_ctl(p->epfd, EPOLL_CTL_MOD, r->c.fd, &ev);
}


static void send_reply(struct wardd_channel *c, psa_status_t status,
                       const struct spm_message *m, unsigned n_out)
{
    struct ward_frame f;
    struct iovec iov[PSA_MAX_IOVEC];
    memset(&f, 0, sizeof(f));
    f.op = WARD_OP_REPLY;
    f.value = status;
    f.n_out = (uint8_t)n_out;
    for (unsigned i = 0; m != NULL && i < n_out; i++) {
        size_t n = status == PSA_ERROR_COMMUNICATION_FAILURE ? 0 : m->out_len[i];
        f.out_len[i] = (uint32_t)n;
        iov[i].iov_base = m->out[i];
        iov[i].iov_len = n;
    }
    /* Never block the partition on a client that does not read: a client
     * that lets its socket fill up loses the channel. */
    if (ward_wire_send(c->fd, &f, iov, m != NULL ? (int)n_out : 0, -1, true) !=
        PSA_SUCCESS) {
        if (!c->dead)
            shutdown(c->fd, SHUT_RDWR);
    }
}

/* ---- isolation level 2: the partition process's side ------------------- */

/* Publish this process's live objects where wardd's status can add them. */
static void host_publish(void)
{
    if (wardd.host_page != NULL) {
        atomic_store(&wardd.host_page->messages, atomic_load(&wardd.live_messages));
        atomic_store(&wardd.host_page->channels, atomic_load(&wardd.live_channels));
    }
}

/* Sessions wardd said ended while one of their calls was still in flight:
 * their connections are closed when those calls complete. */
static uint64_t ended_sessions[64];
static unsigned ended_next;

static bool session_ended(uint64_t session)
{
    for (unsigned i = 0; i < 64; i++)
        if (session != 0 && ended_sessions[i] == session)
            return true;
    return false;
}

static void host_reply(psa_status_t value)
{
    struct ward_frame f = {.op = WARD_OP_REPLY, .value = value};
    if (ward_wire_send(wardd.host_ctl, &f, NULL, 0, -1, false) != PSA_SUCCESS)
        _exit(0); /* wardd is gone: so is this process */
}

/* Close a connection on wardd's behalf: DISCONNECT to the partition, with
 * an answer to wardd (CLOSE) or without (a session's end). */
static void host_close(const struct spm_caller *caller, psa_handle_t h, int kind)
{
    struct wardd_msg *w = calloc(1, sizeof(*w));
    if (w == NULL || !spm_broker_close(&wardd.broker, caller, h, &w->m)) {
        free(w);
        if (kind == WARDD_MSG_CLOSE)
            host_reply(PSA_SUCCESS);
        return;
    }
    w->kind = kind;
    w->m.platform = w;
    atomic_fetch_add(&wardd.live_messages, 1);
    spm_runtime_deliver(&wardd.parts[wardd.host_index].rt, &w->m);
}

static void host_session_end(uint64_t session)
{
    unsigned cursor = 0;
    uint8_t state;
    psa_handle_t h;
    bool busy = false;
    while ((h = spm_broker_session_conn(&wardd.broker, session, &cursor, &state)) !=
           PSA_NULL_HANDLE) {
        if (state == SPM_CONN_BUSY) {
            busy = true;
            continue;
        }
        host_close(&wardd.broker.conns[WARD_CONN_SLOT(h)].owner, h, WARDD_MSG_QUIET);
    }
    if (busy) {
        ended_sessions[ended_next] = session;
        ended_next = (ended_next + 1) % 64;
    }
}

static void on_reply(void *ctx, struct spm_message *m)
{
    (void)ctx;
    struct wardd_msg *w = m->platform;
    pthread_mutex_lock(&wardd.lock);
    if (w == NULL) {
        m->done = true;
        pthread_cond_broadcast(&wardd.done);
        pthread_mutex_unlock(&wardd.lock);
        return;
    }
    if (w->kind != WARDD_MSG_CHANNEL) {
        /* wardd's own request: a connect, a close, a session's end. */
        psa_status_t answer = PSA_SUCCESS;
        if (w->kind == WARDD_MSG_CONNECT)
            answer = (psa_status_t)spm_broker_connect_done(&wardd.broker, m->conn, m);
        else
            spm_broker_close_done(&wardd.broker, m);
        pthread_mutex_unlock(&wardd.lock);
        if (w->kind != WARDD_MSG_QUIET)
            host_reply(answer);
        free(w);
        atomic_fetch_sub(&wardd.live_messages, 1);
        return;
    }
    psa_status_t st = spm_broker_call_done(&wardd.broker, m);
    if (st != PSA_ERROR_COMMUNICATION_FAILURE)
        spm_broker_partition_ready(&wardd.broker, partition_of(m)->index);
    if (wardd.host_page != NULL)
        atomic_fetch_add(&wardd.host_page->replies, 1);
    bool close_now = wardd.host_mode && m->conn != PSA_NULL_HANDLE &&
                     session_ended(m->caller.session);
    /* A session thread may wait for this connection to be idle. */
    pthread_cond_broadcast(&wardd.done);
    pthread_mutex_unlock(&wardd.lock);
    unsigned n_out = 0;
    for (unsigned i = 0; i < PSA_MAX_IOVEC; i++)
        if (m->out_cap[i] != 0 || m->out[i] != NULL)
            n_out = i + 1;
    send_reply(w->channel, st, m, n_out);
    struct channel_ref *r = (struct channel_ref *)w->channel;
    if (r->refs - 1 <= CHANNEL_MAX_INFLIGHT)
        channel_listen(w->channel->part, r, true);
    channel_release(w->channel);
    struct spm_caller owner = m->caller;
    psa_handle_t conn = m->conn;
    free(w->buf);
    free(w);
    atomic_fetch_sub(&wardd.live_messages, 1);
    if (close_now)
        host_close(&owner, conn, WARDD_MSG_QUIET);
}

static psa_status_t on_notify(void *ctx, int32_t partition_id)
{
    (void)ctx;
    if (wardd.host_mode)
        return ward_remote_notify(partition_id) == PSA_SUCCESS
                   ? PSA_SUCCESS : PSA_ERROR_PROGRAMMER_ERROR;
    for (size_t i = 0; i < wardd.broker.table->partition_count; i++) {
        if (wardd.broker.table->partitions[i].id == partition_id) {
            struct wardd_partition *t = &wardd.parts[i];
            pthread_mutex_lock(&t->inbox_lock);
            t->inbox_doorbell = true;
            pthread_mutex_unlock(&t->inbox_lock);
            inbox_wake(t);
            return PSA_SUCCESS;
        }
    }
    return PSA_ERROR_PROGRAMMER_ERROR;
}

static const struct spm_runtime_ops host_ops = {
    .reply = on_reply,
    .notify = on_notify,
};

/* ---- channels ----------------------------------------------------------- */

static void channel_release(struct wardd_channel *c)
{
    struct channel_ref *r = (struct channel_ref *)c;
    if (--r->refs > 0)
        return;
    close(c->fd);
    free(r);
    atomic_fetch_sub(&wardd.live_channels, 1);
}

static void channel_drop(struct wardd_partition *p, struct wardd_channel *c)
{
    struct wardd_channel **pp = &p->channels;
    while (*pp != NULL && *pp != c)
        pp = &(*pp)->next;
    if (*pp == c)
        *pp = c->next;
    epoll_ctl(p->epfd, EPOLL_CTL_DEL, c->fd, NULL);
    c->dead = true;
    channel_release(c);
}

int wardd_channel_open(unsigned partition, const struct spm_caller *caller)
{
    int sv[2];
    struct wardd_partition *p = &wardd.parts[partition];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        return -1;
    if (wardd.level == 2) {
        /* The partition's end goes to its process. */
        int32_t answer = PSA_ERROR_COMMUNICATION_FAILURE;
        psa_status_t st = wardd_host_request(partition, WARD_OP_HOST_CHANNEL, 0, 0, 0,
                                             caller, sv[0], true, &answer);
        if (st == PSA_SUCCESS && answer != PSA_SUCCESS)
            st = answer;
        close(sv[0]);
        if (st != PSA_SUCCESS) {
            close(sv[1]);
            return -1;
        }
        return sv[1];
    }
    struct channel_ref *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        close(sv[0]);
        close(sv[1]);
        return -1;
    }
    r->refs = 1;
    r->c.fd = sv[0];
    r->c.part = p;
    r->c.caller = *caller;
    /* Registration goes through the inbox: only the partition's thread
     * touches its channel list. */
    pthread_mutex_lock(&p->inbox_lock);
    r->c.next = NULL;
    struct wardd_channel **pp = &p->pending_channels;
    while (*pp != NULL)
        pp = &(*pp)->next;
    *pp = &r->c;
    pthread_mutex_unlock(&p->inbox_lock);
    inbox_wake(p);
    atomic_fetch_add(&wardd.live_channels, 1);
    return sv[1];
}

/* Level 2: wardd hands over the partition's end of a new channel. */
static void host_channel_add(struct wardd_partition *p, int fd, const struct spm_caller *caller)
{
    struct channel_ref *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        close(fd);
        return;
    }
    r->refs = 1;
    r->c.fd = fd;
    r->c.part = p;
    r->c.caller = *caller;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &r->c};
    r->c.next = p->channels;
    p->channels = &r->c;
    atomic_fetch_add(&wardd.live_channels, 1);
    if (epoll_ctl(p->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
        channel_drop(p, &r->c);
}

/* A request from wardd on the control socket. */
static void control_readable(struct wardd_partition *p)
{
    struct ward_frame f;
    uint8_t *payload = NULL;
    int passed = -1;
    struct spm_caller caller;
    psa_status_t st = ward_wire_recv(wardd.host_ctl, WARDD_CALLER_SIZE, &f, &payload, NULL,
                                     &passed);
    if (st == PSA_ERROR_COMMUNICATION_FAILURE)
        _exit(0); /* wardd is gone */
    if (st == PSA_SUCCESS)
        st = wardd_caller_decode(payload, ward_wire_payload_len(&f), &caller);
    free(payload);
    if (st != PSA_SUCCESS) {
        /* Only wardd writes here: a malformed request is a bug, not an attack. */
        ward_log(WARD_LOG_ERROR, "partition %s: malformed request from wardd",
                 p->rt.desc->name);
        if (passed >= 0)
            close(passed);
        return;
    }
    switch (f.op) {
    case WARD_OP_HOST_CONNECT: {
        struct wardd_msg *w = calloc(1, sizeof(*w));
        psa_handle_t h;
        st = w == NULL ? PSA_ERROR_INSUFFICIENT_MEMORY
                       : spm_broker_connect(&wardd.broker, &caller, (uint32_t)f.value, f.arg,
                                            &h, &w->m);
        if (st != PSA_SUCCESS) {
            free(w);
            host_reply(st);
            break;
        }
        w->kind = WARDD_MSG_CONNECT;
        w->m.platform = w;
        atomic_fetch_add(&wardd.live_messages, 1);
        spm_runtime_deliver(&p->rt, &w->m);
        break;
    }
    case WARD_OP_HOST_CLOSE:
        host_close(&caller, f.handle, WARDD_MSG_CLOSE);
        break;
    case WARD_OP_HOST_CHANNEL:
        if (passed >= 0)
            host_channel_add(p, passed, &caller);
        passed = -1;
        host_reply(PSA_SUCCESS); /* wardd hands the client its end only now */
        break;
    case WARD_OP_HOST_SESSION_END:
        host_session_end(caller.session);
        break;
    case WARD_OP_HOST_NOTIFY:
        spm_runtime_doorbell(&p->rt);
        break;
    default:
        ward_log(WARD_LOG_ERROR, "partition %s: unknown request %u from wardd",
                 p->rt.desc->name, (unsigned)f.op);
        break;
    }
    if (passed >= 0)
        close(passed);
}

/* A call frame arrived on channel c: check it with the broker and deliver
 * it to the runtime, or answer it at once. */
static void channel_call(struct wardd_partition *p, struct wardd_channel *c,
                         const struct ward_frame *f, uint8_t *payload, size_t cap)
{
    struct wardd_msg *w = calloc(1, sizeof(*w));
    size_t in_total = 0, total = 0;
    for (unsigned i = 0; i < PSA_MAX_IOVEC; i++) {
        in_total += f->in_len[i];
        total += (size_t)f->in_len[i] + f->out_len[i];
    }
    if (w == NULL) {
        send_reply(c, PSA_ERROR_INSUFFICIENT_MEMORY, NULL, 0);
        free(payload);
        return;
    }
    pthread_mutex_lock(&wardd.lock);
    psa_status_t st = PSA_ERROR_PROGRAMMER_ERROR;
    if (f->value < 0)
        ward_log_event(WARD_EVENT_PROGRAMMER_ERROR, "client %d: negative call type",
                       (int)c->caller.client_id);
    else
        st = spm_broker_call(&wardd.broker, &c->caller, f->handle, f->value, total, &w->m);
    if (st == PSA_SUCCESS && partition_of(&w->m) != p) {
        /* A handle of another partition's service sent down this channel. */
        w->m.status = PSA_ERROR_PROGRAMMER_ERROR;
        st = spm_broker_call_done(&wardd.broker, &w->m);
    } else if (st == PSA_SUCCESS) {
        /* The inputs are at the start of the receive buffer: when the
         * outputs fit behind them, the message lives in it as it is. */
        if (payload != NULL && cap >= total) {
            w->buf = payload;
            payload = NULL;
        } else {
            w->buf = malloc(total > 0 ? total : 1);
        }
        if (w->buf == NULL) {
            w->m.status = PSA_ERROR_INSUFFICIENT_MEMORY;
            st = spm_broker_call_done(&wardd.broker, &w->m);
        }
    }
    pthread_mutex_unlock(&wardd.lock);
    if (st != PSA_SUCCESS) {
        send_reply(c, st, NULL, 0);
        free(w);
        free(payload);
        return;
    }
    size_t off = 0;
    if (payload != NULL) {
        if (in_total > 0)
            memcpy(w->buf, payload, in_total);
        free(payload);
    }
    for (unsigned i = 0; i < f->n_in; i++) {
        w->m.in[i] = w->buf + off;
        w->m.in_len[i] = f->in_len[i];
        off += f->in_len[i];
    }
    for (unsigned i = 0; i < f->n_out; i++) {
        w->m.out[i] = w->buf + off;
        w->m.out_cap[i] = f->out_len[i];
        off += f->out_len[i];
    }
    w->m.platform = w;
    w->channel = c;
    struct channel_ref *r = (struct channel_ref *)c;
    if (++r->refs - 1 >= CHANNEL_MAX_INFLIGHT)
        channel_listen(p, r, false);
    atomic_fetch_add(&wardd.live_messages, 1);
    spm_runtime_deliver(&p->rt, &w->m);
}

static void channel_readable(struct wardd_partition *p, struct wardd_channel *c)
{
    struct ward_frame f;
    uint8_t *payload = NULL;
    size_t cap = 0;
    int passed = -1;
    psa_status_t st = ward_wire_recv(c->fd, wardd.cfg.max_call_bytes, &f, &payload,
                                     &cap, &passed);
    if (passed >= 0)
        close(passed); /* clients never pass descriptors on a channel */
    if (st == PSA_ERROR_COMMUNICATION_FAILURE) {
        channel_drop(p, c); /* the client closed it or went away */
        return;
    }
    if (st == PSA_SUCCESS && (f.op != WARD_OP_CALL || passed >= 0))
        st = PSA_ERROR_INVALID_ARGUMENT;
    if (st != PSA_SUCCESS) {
        ward_log_event(WARD_EVENT_PROGRAMMER_ERROR,
                       "client %d: malformed frame to partition %s (%d)",
                       (int)c->caller.client_id, p->rt.desc->name, (int)st);
        free(payload);
        send_reply(c, PSA_ERROR_PROGRAMMER_ERROR, NULL, 0);
        return;
    }
    channel_call(p, c, &f, payload, cap);
}

/* ---- the wait loop underneath psa_wait ---------------------------------- */

/* Move everything the inbox holds into the runtime and the channel set. */
static void inbox_drain(struct wardd_partition *p)
{
    uint64_t count;
    (void)!read(p->inbox_fd, &count, sizeof(count));
    pthread_mutex_lock(&p->inbox_lock);
    struct spm_message *m = p->inbox_head;
    struct wardd_channel *nc = p->pending_channels;
    bool bell = p->inbox_doorbell;
    p->inbox_head = p->inbox_tail = NULL;
    p->pending_channels = NULL;
    p->inbox_doorbell = false;
    pthread_mutex_unlock(&p->inbox_lock);
    while (nc != NULL) {
        struct wardd_channel *next = nc->next;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = nc};
        nc->next = p->channels;
        p->channels = nc;
        if (epoll_ctl(p->epfd, EPOLL_CTL_ADD, nc->fd, &ev) != 0)
            channel_drop(p, nc);
        nc = next;
    }
    while (m != NULL) {
        struct spm_message *next = m->next;
        spm_runtime_deliver(&p->rt, m);
        m = next;
    }
    if (bell)
        spm_runtime_doorbell(&p->rt);
}

/* Wait up to timeout_ms (-1: forever) for input and take it in. */
static void pump(struct wardd_partition *p, int timeout_ms)
{
    struct epoll_event ev[16];
    int n;
    host_publish();
    do
        n = epoll_wait(p->epfd, ev, 16, timeout_ms);
    while (n < 0 && errno == EINTR);
    for (int i = 0; i < n; i++) {
        if (ev[i].data.ptr == NULL)
            inbox_drain(p);
        else if (ev[i].data.ptr == &wardd.host_ctl)
            control_readable(p);
        else
            channel_readable(p, ev[i].data.ptr);
    }
}

psa_signal_t spm_platform_block(struct spm_runtime *rt, psa_signal_t mask)
{
    struct wardd_partition *p = self_part;
    psa_signal_t ready;
    host_publish();
    if (wardd.host_page != NULL) /* idle: the watchdog has nothing to time */
        atomic_store(&wardd.host_page->busy_since_ns, 0);
    while ((ready = spm_runtime_ready(rt, mask)) == 0)
        pump(p, -1);
    if (wardd.host_page != NULL) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        atomic_store(&wardd.host_page->busy_since_ns,
                     (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
    }
    return ready;
}

uint32_t spm_platform_lifecycle(void)
{
    pthread_mutex_lock(&wardd.lock);
    uint32_t s = wardd.lifecycle.state;
    pthread_mutex_unlock(&wardd.lock);
    return s;
}

psa_status_t spm_platform_lifecycle_request(uint32_t to)
{
    if (wardd.host_mode)
        return ward_remote_lifecycle_request(to);
    pthread_mutex_lock(&wardd.lock);
    psa_status_t st = ward_lifecycle_request(wardd.cfg.state_dir, &wardd.lifecycle, to);
    pthread_mutex_unlock(&wardd.lock);
    return st;
}

const char *spm_platform_state_dir(struct spm_runtime *rt)
{
    return wardd.parts[rt->index].state_dir;
}

static const struct spm_remote_client remote_client = {
    .version = ward_remote_psa_version,
    .connect = ward_remote_psa_connect,
    .call = ward_remote_psa_call,
    .close = ward_remote_psa_close,
};

const struct spm_remote_client *spm_platform_remote(void)
{
    return wardd.host_mode ? &remote_client : NULL;
}

void spm_platform_poll(struct spm_runtime *rt)
{
    (void)rt;
    pump(self_part, 0);
}

_Noreturn void spm_platform_panic(struct spm_runtime *rt)
{
    (void)rt;
    self_part->dead = true;
    emul_coro_exit(&self_part->coro);
}

/* ---- the partition thread ----------------------------------------------- */

static void partition_main(void)
{
    struct wardd_partition *p = self_part;
    emul_coro_entered(&p->coro);
    p->rt.desc->entry_point();
    psa_panic(); /* an entry point must never return */
}

/* Fail whatever is queued for a dead incarnation. */
static void fail_pending(struct wardd_partition *p)
{
    pthread_mutex_lock(&p->inbox_lock);
    struct spm_message *m = p->inbox_head;
    p->inbox_head = p->inbox_tail = NULL;
    p->inbox_doorbell = false;
    pthread_mutex_unlock(&p->inbox_lock);
    while (m != NULL) {
        struct spm_message *next = m->next;
        m->status = PSA_ERROR_COMMUNICATION_FAILURE;
        on_reply(p, m);
        m = next;
    }
    spm_runtime_fail_all(&p->rt, PSA_ERROR_COMMUNICATION_FAILURE);
}

static void *partition_thread(void *arg)
{
    struct wardd_partition *p = arg;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    self_part = p;
    size_t stack = p->rt.desc->stack_size > PARTITION_STACK_MIN
                       ? p->rt.desc->stack_size : PARTITION_STACK_MIN;
    for (;;) {
        p->dead = false;
        if (emul_coro_start(&p->coro, stack, partition_main) != 0) {
            ward_log(WARD_LOG_ERROR, "wardd: no stack for partition %s", p->rt.desc->name);
            break;
        }
        emul_coro_resume(&p->coro); /* returns only when the partition dies */
        if (wardd.host_mode)
            _exit(3); /* wardd notices, fails its connections, restarts it */
        /* Connections fail first, so nothing completes as a success. */
        pthread_mutex_lock(&wardd.lock);
        bool again = spm_broker_partition_crashed(&wardd.broker, p->index);
        pthread_mutex_unlock(&wardd.lock);
        fail_pending(p);
        if (!again)
            break;
        ward_log(WARD_LOG_NOTICE, "wardd: restarting partition %s", p->rt.desc->name);
    }
    /* Failed for good: keep answering, so no client waits forever. */
    for (;;) {
        pump(p, -1);
        fail_pending(p);
    }
    return NULL;
}

int wardd_broker_init(void)
{
    const struct ward_partition_table *t = &ward_partitions;
    if (spm_broker_init(&wardd.broker, t) != PSA_SUCCESS) {
        ward_log(WARD_LOG_ERROR, "wardd: the partition table is inconsistent");
        return -1;
    }
    wardd.broker.max_conns_per_session = wardd.cfg.max_conns_per_session;
    wardd.broker.max_conns_per_client = wardd.cfg.max_conns_per_client;
    wardd.broker.max_call_bytes = wardd.cfg.max_call_bytes;
    return 0;
}

int wardd_partition_prepare(unsigned i)
{
    const struct ward_partition_table *t = &ward_partitions;
    {
        struct wardd_partition *p = &wardd.parts[i];
        p->index = i;
        if (ward_partition_dir(wardd.cfg.state_dir, t->partitions[i].name, p->state_dir,
                               sizeof(p->state_dir)) != 0)
            return -1;
        spm_runtime_init(&p->rt, t, i, &host_ops, p);
        pthread_mutex_init(&p->inbox_lock, NULL);
        p->epfd = epoll_create1(EPOLL_CLOEXEC);
        p->inbox_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
        if (p->epfd < 0 || p->inbox_fd < 0 ||
            epoll_ctl(p->epfd, EPOLL_CTL_ADD, p->inbox_fd, &ev) != 0) {
            ward_log(WARD_LOG_ERROR, "wardd: cannot set up partition %s",
                     t->partitions[i].name);
            return -1;
        }
    }
    return 0;
}

int wardd_partitions_start(void)
{
    if (wardd_broker_init() != 0)
        return -1;
    for (unsigned i = 0; i < wardd.broker.table->partition_count; i++)
        if (wardd_partition_prepare(i) != 0)
            return -1;
    for (unsigned i = 0; i < wardd.broker.table->partition_count; i++)
        if (pthread_create(&wardd.parts[i].thread, NULL, partition_thread,
                           &wardd.parts[i]) != 0)
            return -1;
    return 0;
}

_Noreturn void wardd_host_run(unsigned index)
{
    struct wardd_partition *p = &wardd.parts[index];
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &wardd.host_ctl};
    if (epoll_ctl(p->epfd, EPOLL_CTL_ADD, wardd.host_ctl, &ev) == 0)
        partition_thread(p);
    _exit(1);
}

void wardd_caller_encode(const struct spm_caller *c, uint8_t out[WARDD_CALLER_SIZE])
{
    struct ward_writer w;
    ward_writer_init(&w, out, WARDD_CALLER_SIZE);
    ward_put_i32le(&w, c->client_id);
    ward_put_u64le(&w, c->session);
    ward_put_i32le(&w, c->partition);
}

psa_status_t wardd_caller_decode(const uint8_t *p, size_t n, struct spm_caller *c)
{
    struct ward_reader r;
    int32_t part;
    ward_reader_init(&r, p, n);
    ward_get_i32le(&r, &c->client_id);
    ward_get_u64le(&r, &c->session);
    ward_get_i32le(&r, &part);
    c->partition = part;
    if (ward_reader_finish(&r) != PSA_SUCCESS ||
        part >= (int32_t)wardd.broker.table->partition_count || part < -1)
        return PSA_ERROR_INVALID_ARGUMENT;
    return PSA_SUCCESS;
}
