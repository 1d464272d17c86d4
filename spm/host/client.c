/*
 * client.c: libward-client, the PSA client API over wardd's socket. One
 * session per process (a new one in a forked child); the control socket
 * carries connects and closes, and each partition the session reaches has a
 * direct channel, so a call is one round trip. No signal handlers, no
 * constructors, close-on-exec descriptors, MSG_NOSIGNAL, no polling.
 */
/* A second build of this file (WARD_CLIENT_REMOTE) serves wardd's partition
 * processes at isolation level 2: the same client under other names, on a
 * socket wardd hands over instead of a path. */
#ifdef WARD_CLIENT_REMOTE
#define psa_framework_version ward_remote_psa_framework_version
#define psa_version ward_remote_psa_version
#define psa_connect ward_remote_psa_connect
#define psa_call ward_remote_psa_call
#define psa_close ward_remote_psa_close
#define ward_client_status ward_remote_client_status
#define ward_client_status_text ward_remote_client_status_text
#define ward_client_socket_path ward_remote_client_socket_path
#endif

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "psa/client.h"
#include "spm_message.h"
#include "partition_desc.h"
#include "ward/client.h"
#include "wire.h"

#ifdef WARD_CLIENT_REMOTE
#define WARD_API
#include "wardd_remote.h"
#else
#define WARD_API __attribute__((visibility("default")))
#endif

struct channel {
    int fd;
    pthread_mutex_t lock; /* one call at a time on a channel */
};

struct conn {
    psa_handle_t handle;  /* 0: slot unused */
    uint8_t channel;
    unsigned generation;  /* the session it belongs to */
    atomic_bool busy;
};

static struct {
    pthread_mutex_t lock; /* everything below but the channels' own locks */
    int ctl;
    unsigned generation;  /* bumped whenever the session is reset */
    unsigned fork_seen;
    size_t max_call;
    struct channel chan[WARD_MAX_PARTITIONS];
    struct conn conns[4096]; /* open addressing by handle (see conn_find) */
    int8_t stateless[WARD_STATELESS_INDEX_MAX]; /* channel, or -1 */
    bool warned;
    int adopted;          /* a socket handed over instead of a path, or -1 */
} C = {.lock = PTHREAD_MUTEX_INITIALIZER, .ctl = -1, .adopted = -1};

static atomic_uint fork_count;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void before_fork(void)
{
    pthread_mutex_lock(&C.lock);
}

static void after_fork_parent(void)
{
    pthread_mutex_unlock(&C.lock);
}

static void after_fork_child(void)
{
    /* The child has copies of the parent's descriptors and maybe of locks
     * held by threads that do not exist here: start afresh. */
    pthread_mutex_init(&C.lock, NULL);
    for (unsigned i = 0; i < WARD_MAX_PARTITIONS; i++)
        pthread_mutex_init(&C.chan[i].lock, NULL);
    atomic_fetch_add(&fork_count, 1);
}

static void register_atfork(void)
{
    pthread_atfork(before_fork, after_fork_parent, after_fork_child);
    for (unsigned i = 0; i < WARD_MAX_PARTITIONS; i++) {
        C.chan[i].fd = -1;
        pthread_mutex_init(&C.chan[i].lock, NULL);
    }
    memset(C.stateless, -1, sizeof(C.stateless));
}

/* Connections by handle. Handles of different partition processes share
 * slots (they differ in their tag bits), so the table is keyed by the whole
 * handle: linear probing, removed entries become tombstones. Lock held. */
#define CONN_TABLE (sizeof(C.conns) / sizeof(C.conns[0]))
#define CONN_TOMB ((psa_handle_t)-1)

static size_t conn_hash(psa_handle_t h)
{
    return ((uint32_t)h * 2654435761u) % CONN_TABLE;
}

static struct conn *conn_find(psa_handle_t h)
{
    if (h <= 0)
        return NULL;
    for (size_t i = 0, k = conn_hash(h); i < CONN_TABLE; i++, k = (k + 1) % CONN_TABLE) {
        if (C.conns[k].handle == h)
            return &C.conns[k];
        if (C.conns[k].handle == 0)
            return NULL;
    }
    return NULL;
}

/* The entry for h, reused if h is known (a handle value can come back from
 * a restarted wardd), else a free one; NULL if the table is full. */
static struct conn *conn_insert(psa_handle_t h)
{
    struct conn *c = conn_find(h);
    if (c != NULL)
        return c;
    for (size_t i = 0, k = conn_hash(h); i < CONN_TABLE; i++, k = (k + 1) % CONN_TABLE)
        if (C.conns[k].handle == 0 || C.conns[k].handle == CONN_TOMB)
            return &C.conns[k];
    return NULL;
}

/* Forget the session: descriptors closed, handles stale. Lock held. */
static void reset_session(void)
{
    if (C.ctl >= 0)
        close(C.ctl);
    C.ctl = -1;
    for (unsigned i = 0; i < WARD_MAX_PARTITIONS; i++) {
        if (C.chan[i].fd >= 0)
            close(C.chan[i].fd);
        C.chan[i].fd = -1;
    }
    memset(C.stateless, -1, sizeof(C.stateless));
    C.generation++;
}

WARD_API psa_status_t ward_client_socket_path(char *buf, size_t size)
{
    const char *env = getenv("WARD_SOCKET"), *rt = getenv("XDG_RUNTIME_DIR");
    int n;
    if (env != NULL && env[0] != '\0')
        n = snprintf(buf, size, "%s", env);
    else if (rt != NULL && rt[0] == '/')
        n = snprintf(buf, size, "%s/ward/ward.sock", rt);
    else
        n = snprintf(buf, size, "/run/ward/ward.sock");
    return n >= 0 && (size_t)n < size ? PSA_SUCCESS : PSA_ERROR_BUFFER_TOO_SMALL;
}

static psa_status_t request(struct ward_frame *f, struct ward_frame *r, int *fd,
                            uint8_t **payload);

/* A live session, connecting on first use. Lock held. */
static psa_status_t session(void)
{
    struct sockaddr_un a;
    pthread_once(&atfork_once, register_atfork);
    unsigned forks = atomic_load(&fork_count);
    if (forks != C.fork_seen) {
        C.fork_seen = forks;
        reset_session();
    }
    if (C.ctl >= 0)
        return PSA_SUCCESS;
    if (C.adopted >= 0) {
        /* Once only: if it breaks, wardd is gone and so is this process. */
        C.ctl = C.adopted;
        C.adopted = -2;
    } else if (C.adopted == -2) {
        return PSA_ERROR_COMMUNICATION_FAILURE;
    }
    if (C.ctl >= 0) {
        struct ward_frame f = {.op = WARD_OP_HELLO}, r;
        if (request(&f, &r, NULL, NULL) != PSA_SUCCESS || r.value != PSA_SUCCESS)
            return PSA_ERROR_COMMUNICATION_FAILURE;
        C.max_call = r.arg;
        return PSA_SUCCESS;
    }
    memset(&a, 0, sizeof(a));
    a.sun_family = AF_UNIX;
    if (ward_client_socket_path(a.sun_path, sizeof(a.sun_path)) != PSA_SUCCESS)
        return PSA_ERROR_COMMUNICATION_FAILURE;
    C.ctl = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (C.ctl < 0 || connect(C.ctl, (struct sockaddr *)&a, sizeof(a)) != 0) {
        int e = errno;
        if (!C.warned)
            fprintf(stderr, "ward: cannot reach wardd at %s: %s\n", a.sun_path,
                    strerror(e));
        C.warned = true;
        reset_session();
        return PSA_ERROR_COMMUNICATION_FAILURE;
    }
    struct ward_frame f = {.op = WARD_OP_HELLO}, r;
    psa_status_t st = request(&f, &r, NULL, NULL);
    if (st != PSA_SUCCESS || r.value != PSA_SUCCESS) {
        reset_session();
        return PSA_ERROR_COMMUNICATION_FAILURE;
    }
    C.max_call = r.arg;
    C.warned = false;
    return PSA_SUCCESS;
}

/* One control round trip. Lock held. A broken control socket ends the
 * session: every handle of it becomes stale. */
static psa_status_t request(struct ward_frame *f, struct ward_frame *r, int *fd,
                            uint8_t **payload)
{
    uint8_t *p = NULL;
    int passed = -1;
    psa_status_t st = ward_wire_send(C.ctl, f, NULL, 0, -1, false);
    if (st == PSA_SUCCESS)
        st = ward_wire_recv(C.ctl, WARD_WIRE_PAYLOAD_MAX, r, &p, NULL, &passed);
    if (st == PSA_SUCCESS && r->op != WARD_OP_REPLY)
        st = PSA_ERROR_COMMUNICATION_FAILURE;
    if (st != PSA_SUCCESS) {
        free(p);
        if (passed >= 0)
            close(passed);
        reset_session();
        return PSA_ERROR_COMMUNICATION_FAILURE;
    }
    if (fd != NULL)
        *fd = passed;
    else if (passed >= 0)
        close(passed);
    if (payload != NULL)
        *payload = p;
    else
        free(p);
    return PSA_SUCCESS;
}

/* The partitions this session holds a live channel to, for wardd: it opens
 * a new one when a client lacks it (after the partition's process was
 * restarted, at isolation level 2). Lock held. */
static uint32_t channel_mask(void)
{
    uint32_t m = 0;
    for (unsigned i = 0; i < WARD_MAX_PARTITIONS && i < 32; i++)
        if (C.chan[i].fd >= 0)
            m |= 1u << i;
    return m;
}

/* Record the channel a reply names (and its descriptor, if new). */
static bool adopt_channel(const struct ward_frame *r, int fd)
{
    if (r->arg >= WARD_MAX_PARTITIONS) {
        if (fd >= 0)
            close(fd);
        return false;
    }
    if (fd >= 0) {
        if (C.chan[r->arg].fd >= 0)
            close(C.chan[r->arg].fd);
        C.chan[r->arg].fd = fd;
    }
    return C.chan[r->arg].fd >= 0;
}

WARD_API uint32_t psa_framework_version(void)
{
    return PSA_FRAMEWORK_VERSION;
}

WARD_API uint32_t psa_version(uint32_t sid)
{
    struct ward_frame f = {.op = WARD_OP_VERSION, .value = (int32_t)sid}, r;
    uint32_t v = PSA_VERSION_NONE;
    pthread_mutex_lock(&C.lock);
    if (session() == PSA_SUCCESS && request(&f, &r, NULL, NULL) == PSA_SUCCESS)
        v = (uint32_t)r.value;
    pthread_mutex_unlock(&C.lock);
    return v;
}

WARD_API psa_handle_t psa_connect(uint32_t sid, uint32_t version)
{
    struct ward_frame f = {.op = WARD_OP_CONNECT, .value = (int32_t)sid, .arg = version};
    struct ward_frame r;
    int fd = -1;
    psa_handle_t h = PSA_ERROR_COMMUNICATION_FAILURE;
    pthread_mutex_lock(&C.lock);
    if (session() == PSA_SUCCESS &&
        (f.handle = (psa_handle_t)channel_mask(), request(&f, &r, &fd, NULL)) == PSA_SUCCESS) {
        h = r.value;
        if (h > 0) {
            struct conn *c = conn_insert(h);
            if (c == NULL || !adopt_channel(&r, fd)) {
                h = PSA_ERROR_COMMUNICATION_FAILURE;
            } else {
                c->handle = h;
                c->channel = (uint8_t)r.arg;
                c->generation = C.generation;
                atomic_store(&c->busy, false);
            }
        } else if (fd >= 0) {
            close(fd);
        }
    }
    pthread_mutex_unlock(&C.lock);
    return h;
}

/* The channel for a call on handle, or an error status. Lock held. */
static psa_status_t route(psa_handle_t handle, unsigned *channel, struct conn **conn)
{
    *conn = NULL;
    if (handle > 0 && ((uint32_t)handle & WARD_STATELESS_HANDLE_FLAG) != 0) {
        unsigned idx = (uint32_t)handle & 0x1Fu;
        if (C.stateless[idx] < 0) {
            struct ward_frame f = {.op = WARD_OP_STATELESS, .handle = handle,
                                   .arg = channel_mask()}, r;
            int fd = -1;
            if (request(&f, &r, &fd, NULL) != PSA_SUCCESS)
                return PSA_ERROR_COMMUNICATION_FAILURE;
            if (r.value != PSA_SUCCESS) {
                if (fd >= 0)
                    close(fd);
                return r.value;
            }
            if (!adopt_channel(&r, fd))
                return PSA_ERROR_COMMUNICATION_FAILURE;
            /* Cached per index: the version in the handle is checked by
             * the partition on every call. */
            C.stateless[idx] = (int8_t)r.arg;
        }
        *channel = (unsigned)C.stateless[idx];
        return PSA_SUCCESS;
    }
    struct conn *c = conn_find(handle);
    if (c == NULL)
        return PSA_ERROR_PROGRAMMER_ERROR;
    if (c->generation != C.generation)
        return PSA_ERROR_COMMUNICATION_FAILURE; /* wardd went away since */
    *conn = c;
    *channel = c->channel;
    return PSA_SUCCESS;
}

WARD_API psa_status_t psa_call(psa_handle_t handle, int32_t type,
                               const psa_invec *in_vec, size_t in_len,
                               psa_outvec *out_vec, size_t out_len)
{
    size_t total = 0;
    unsigned ch = 0;
    struct conn *conn;
    struct ward_frame f, r;
    struct iovec iov[PSA_MAX_IOVEC];
    uint8_t *payload = NULL;
    int passed = -1;

    if (type < 0 || in_len > PSA_MAX_IOVEC || out_len > PSA_MAX_IOVEC ||
        in_len + out_len > PSA_MAX_IOVEC || (in_len > 0 && in_vec == NULL) ||
        (out_len > 0 && out_vec == NULL))
        return PSA_ERROR_PROGRAMMER_ERROR;
    for (size_t i = 0; i < in_len; i++) {
        if ((in_vec[i].base == NULL && in_vec[i].len != 0) || in_vec[i].len > UINT32_MAX)
            return PSA_ERROR_PROGRAMMER_ERROR;
        total += in_vec[i].len;
    }
    for (size_t i = 0; i < out_len; i++) {
        if ((out_vec[i].base == NULL && out_vec[i].len != 0) || out_vec[i].len > UINT32_MAX)
            return PSA_ERROR_PROGRAMMER_ERROR;
        total += out_vec[i].len;
    }
    pthread_mutex_lock(&C.lock);
    psa_status_t st = session();
    if (st == PSA_SUCCESS)
        st = route(handle, &ch, &conn);
    if (st == PSA_SUCCESS && total > C.max_call)
        st = PSA_ERROR_INSUFFICIENT_MEMORY;
    if (st == PSA_SUCCESS && conn != NULL && atomic_exchange(&conn->busy, true))
        st = PSA_ERROR_PROGRAMMER_ERROR; /* busy in another thread */
    int fd = st == PSA_SUCCESS ? C.chan[ch].fd : -1;
    pthread_mutex_unlock(&C.lock);
    if (st != PSA_SUCCESS)
        return st;
    if (fd < 0) { /* its channel died with its partition */
        if (conn != NULL)
            atomic_store(&conn->busy, false);
        return PSA_ERROR_COMMUNICATION_FAILURE;
    }

    memset(&f, 0, sizeof(f));
    f.op = WARD_OP_CALL;
    f.handle = handle;
    f.value = type;
    f.n_in = (uint8_t)in_len;
    f.n_out = (uint8_t)out_len;
    for (size_t i = 0; i < in_len; i++) {
        f.in_len[i] = (uint32_t)in_vec[i].len;
        iov[i].iov_base = (void *)in_vec[i].base;
        iov[i].iov_len = in_vec[i].len;
    }
    for (size_t i = 0; i < out_len; i++)
        f.out_len[i] = (uint32_t)out_vec[i].len;
    pthread_mutex_lock(&C.chan[ch].lock);
    st = ward_wire_send(fd, &f, iov, (int)in_len, -1, false);
    if (st == PSA_SUCCESS)
        st = ward_wire_recv(fd, C.max_call, &r, &payload, NULL, &passed);
    pthread_mutex_unlock(&C.chan[ch].lock);
    if (passed >= 0)
        close(passed);
    if (st == PSA_SUCCESS && (r.op != WARD_OP_REPLY || r.n_out > out_len))
        st = PSA_ERROR_COMMUNICATION_FAILURE;
    if (st == PSA_SUCCESS) {
        size_t off = 0;
        for (size_t i = 0; i < r.n_out; i++)
            if (r.out_len[i] > out_vec[i].len)
                st = PSA_ERROR_COMMUNICATION_FAILURE;
        for (size_t i = 0; st == PSA_SUCCESS && i < out_len; i++) {
            size_t n = i < r.n_out ? r.out_len[i] : 0;
            if (n != 0)
                memcpy(out_vec[i].base, payload + off, n);
            out_vec[i].len = n;
            off += n;
        }
    }
    free(payload);
    if (conn != NULL)
        atomic_store(&conn->busy, false);
    if (st != PSA_SUCCESS) {
        for (size_t i = 0; i < out_len; i++)
            out_vec[i].len = 0;
        /* The partition behind this channel went away (its process was
         * restarted, at isolation level 2): forget the channel, so a later
         * connect or stateless call gets a new one. Connections made over
         * it stay dead. */
        pthread_mutex_lock(&C.lock);
        if (C.chan[ch].fd == fd) {
            close(fd);
            C.chan[ch].fd = -1;
        }
        for (unsigned i = 0; i < WARD_STATELESS_INDEX_MAX; i++)
            if (C.stateless[i] == (int8_t)ch)
                C.stateless[i] = -1;
        pthread_mutex_unlock(&C.lock);
        return PSA_ERROR_COMMUNICATION_FAILURE;
    }
    return r.value;
}

WARD_API void psa_close(psa_handle_t handle)
{
    struct ward_frame f = {.op = WARD_OP_CLOSE, .handle = handle}, r;
    if (handle == PSA_NULL_HANDLE)
        return;
    pthread_mutex_lock(&C.lock);
    struct conn *c = conn_find(handle);
    if (c != NULL && c->generation != C.generation) {
        c->handle = CONN_TOMB; /* its session is gone already */
    } else if (session() == PSA_SUCCESS) {
        /* Unknown handles go to wardd too, which logs them. */
        if (request(&f, &r, NULL, NULL) == PSA_SUCCESS && c != NULL &&
            !atomic_load(&c->busy))
            c->handle = CONN_TOMB;
    }
    pthread_mutex_unlock(&C.lock);
}

static psa_status_t status_report(char **json, int32_t format)
{
    struct ward_frame f = {.op = WARD_OP_STATUS, .value = format}, r;
    uint8_t *payload = NULL;
    psa_status_t st;
    *json = NULL;
    pthread_mutex_lock(&C.lock);
    st = session();
    if (st == PSA_SUCCESS)
        st = request(&f, &r, NULL, &payload);
    pthread_mutex_unlock(&C.lock);
    if (st != PSA_SUCCESS)
        return st;
    if (r.value != PSA_SUCCESS || r.n_out != 1) {
        free(payload);
        return r.value != PSA_SUCCESS ? r.value : PSA_ERROR_COMMUNICATION_FAILURE;
    }
    char *s = malloc(r.out_len[0] + 1u);
    if (s == NULL) {
        free(payload);
        return PSA_ERROR_INSUFFICIENT_MEMORY;
    }
    if (r.out_len[0] != 0)
        memcpy(s, payload, r.out_len[0]);
    s[r.out_len[0]] = '\0';
    free(payload);
    *json = s;
    return PSA_SUCCESS;
}

WARD_API psa_status_t ward_client_status(char **json)
{
    return status_report(json, 0);
}

WARD_API psa_status_t ward_client_status_text(char **text)
{
    return status_report(text, 1);
}

#ifdef WARD_CLIENT_REMOTE
void ward_remote_client_adopt(int fd)
{
    pthread_mutex_lock(&C.lock);
    C.adopted = fd;
    pthread_mutex_unlock(&C.lock);
}

/* One control request with a value and no payload; its reply's status. */
static psa_status_t simple_request(uint16_t op, int32_t value)
{
    struct ward_frame f = {.op = op, .value = value}, r;
    psa_status_t st;
    pthread_mutex_lock(&C.lock);
    st = session();
    if (st == PSA_SUCCESS)
        st = request(&f, &r, NULL, NULL) == PSA_SUCCESS ? r.value
                                                         : PSA_ERROR_COMMUNICATION_FAILURE;
    pthread_mutex_unlock(&C.lock);
    return st;
}

psa_status_t ward_remote_notify(int32_t partition_id)
{
    return simple_request(WARD_OP_NOTIFY, partition_id);
}

psa_status_t ward_remote_lifecycle_request(uint32_t to)
{
    return simple_request(WARD_OP_LIFECYCLE, (int32_t)to);
}
#endif
