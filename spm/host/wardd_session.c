/*
 * wardd_session.c: one thread per client session (one libward-client
 * instance in one process). The session's identity comes from the socket's
 * peer credentials and the policy file only, never from the client. The
 * thread answers control requests (version, connect, close, stateless
 * handles, status) and, when the client goes away, closes everything the
 * session still holds.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ward_state.h"
#include "wardd.h"
#include "ward_log.h"

#define MAX_GROUPS 64

struct wardd_session {
    int fd;
    unsigned slot;
    uid_t uid;
    pid_t pid;
    const struct ward_policy_rule *rule;
    struct spm_caller caller;
    bool channel_open[WARD_MAX_PARTITIONS];
    bool partition_session;     /* level 2: a partition process's own calls */
    unsigned channels_made;
};

static psa_status_t reply(struct wardd_session *s, int32_t value, uint32_t arg,
                          int pass_fd, const char *doc)
{
    struct ward_frame f;
    struct iovec iov = {(void *)doc, doc != NULL ? strlen(doc) : 0};
    memset(&f, 0, sizeof(f));
    f.op = WARD_OP_REPLY;
    f.value = value;
    f.arg = arg;
    if (doc != NULL) {
        f.n_out = 1;
        f.out_len[0] = (uint32_t)iov.iov_len;
    }
    return ward_wire_send(s->fd, &f, &iov, doc != NULL ? 1 : 0, pass_fd, false);
}

/* Answer with the channel to partition p, opening one when the client has
 * none (the first use, or its partition's process was restarted): have is
 * the client's own account of its channels, bounded by a per-session cap. */
static void reply_with_channel(struct wardd_session *s, int32_t value, unsigned p,
                               uint32_t have)
{
    int client_fd = -1;
    bool has = p < 32 && ((have >> p) & 1u) != 0 && s->channel_open[p];
    if (!has && s->channels_made >= 4 * WARD_MAX_PARTITIONS) {
        reply(s, PSA_ERROR_CONNECTION_BUSY, 0, -1, NULL);
        return;
    }
    if (!has) {
        s->channels_made++;
        client_fd = wardd_channel_open(p, &s->caller);
        if (client_fd < 0) {
            /* Level 2: its process is down and did not come back. */
            reply(s, wardd.level == 2 ? PSA_ERROR_COMMUNICATION_FAILURE
                                      : PSA_ERROR_INSUFFICIENT_MEMORY, 0, -1, NULL);
            return;
        }
        s->channel_open[p] = true;
    }
    reply(s, value, p, client_fd, NULL);
    if (client_fd >= 0)
        close(client_fd);
}

static bool policy_allows(struct wardd_session *s, uint32_t sid)
{
    /* The policy governs users; partitions have their manifests. */
    if (s->partition_session || ward_policy_allows(&wardd.policy, s->rule, sid))
        return true;
    ward_log_event(WARD_EVENT_POLICY_DENIAL, "uid %u (client %d, pid %d): SID 0x%08x "
                   "denied by policy", (unsigned)s->uid, (int)s->caller.client_id,
                   (int)s->pid, (unsigned)sid);
    return false;
}

static void do_connect(struct wardd_session *s, uint32_t sid, uint32_t version,
                       uint32_t have)
{
    struct spm_message msg;
    psa_handle_t h;
    if (!policy_allows(s, sid)) {
        reply(s, PSA_ERROR_CONNECTION_REFUSED, 0, -1, NULL);
        return;
    }
    if (wardd.level == 2) {
        /* The partition's own process decides, with its own broker. */
        int sidx = spm_broker_find_sid(&wardd.broker, sid);
        unsigned p = sidx >= 0 ? wardd.broker.table->services[sidx].partition : 0;
        int32_t answer = PSA_ERROR_PROGRAMMER_ERROR;
        if (sidx < 0)
            ward_log_event(WARD_EVENT_PROGRAMMER_ERROR, "client %d: connect to unknown "
                           "SID 0x%08x", (int)s->caller.client_id, (unsigned)sid);
        else if (wardd.broker.pstate[p] == SPM_PARTITION_FAILED)
            answer = PSA_ERROR_CONNECTION_REFUSED;
        else if (wardd_host_request(p, WARD_OP_HOST_CONNECT, 0, (int32_t)sid, version,
                                    &s->caller, -1, true, &answer) != PSA_SUCCESS)
            answer = PSA_ERROR_COMMUNICATION_FAILURE;
        if (answer > 0)
            reply_with_channel(s, answer, p, have);
        else
            reply(s, answer, 0, -1, NULL);
        return;
    }
    pthread_mutex_lock(&wardd.lock);
    psa_status_t st = spm_broker_connect(&wardd.broker, &s->caller, sid, version, &h, &msg);
    if (st == PSA_SUCCESS) {
        wardd_run_local(&msg);
        h = spm_broker_connect_done(&wardd.broker, h, &msg);
    } else {
        h = (psa_handle_t)st;
    }
    int sidx = spm_broker_find_sid(&wardd.broker, sid);
    pthread_mutex_unlock(&wardd.lock);
    if (h > 0)
        reply_with_channel(s, h, wardd.broker.table->services[sidx].partition, have);
    else
        reply(s, h, 0, -1, NULL);
}

static void do_close(struct wardd_session *s, psa_handle_t h)
{
    struct spm_message msg;
    if (wardd.level == 2) {
        /* The handle's tag names the partition that issued it. */
        unsigned tag = WARD_CONN_TAG(h);
        int32_t answer;
        if (h > 0 && tag >= 1 && tag <= wardd.broker.table->partition_count)
            (void)wardd_host_request(tag - 1, WARD_OP_HOST_CLOSE, h, 0, 0, &s->caller, -1,
                                     true, &answer);
        reply(s, PSA_SUCCESS, 0, -1, NULL);
        return;
    }
    pthread_mutex_lock(&wardd.lock);
    if (spm_broker_close(&wardd.broker, &s->caller, h, &msg)) {
        wardd_run_local(&msg);
        spm_broker_close_done(&wardd.broker, &msg);
    }
    pthread_mutex_unlock(&wardd.lock);
    reply(s, PSA_SUCCESS, 0, -1, NULL);
}

static void do_stateless(struct wardd_session *s, psa_handle_t h, uint32_t have)
{
    pthread_mutex_lock(&wardd.lock);
    int p = spm_broker_stateless_partition(&wardd.broker, &s->caller, h);
    uint32_t sid = 0;
    if (p >= 0)
        for (size_t i = 0; i < wardd.broker.table->service_count; i++)
            if (!wardd.broker.table->services[i].connection_based &&
                wardd.broker.table->services[i].stateless_index ==
                    ((uint32_t)h & 0x1Fu) + 1u)
                sid = wardd.broker.table->services[i].sid;
    pthread_mutex_unlock(&wardd.lock);
    if (p < 0) {
        ward_log_event(WARD_EVENT_PROGRAMMER_ERROR, "client %d: invalid stateless "
                       "handle 0x%08x", (int)s->caller.client_id, (unsigned)h);
        reply(s, PSA_ERROR_PROGRAMMER_ERROR, 0, -1, NULL);
    } else if (!policy_allows(s, sid)) {
        reply(s, PSA_ERROR_CONNECTION_REFUSED, 0, -1, NULL);
    } else if (wardd.level == 2 && wardd.broker.pstate[p] == SPM_PARTITION_FAILED) {
        reply(s, PSA_ERROR_COMMUNICATION_FAILURE, 0, -1, NULL);
    } else {
        reply_with_channel(s, PSA_SUCCESS, (unsigned)p, have);
    }
}

/* Level 2: a partition rings another's doorbell, or asks for a lifecycle
 * change. Only partition sessions may; the target is checked here. */
static void do_notify(struct wardd_session *s, int32_t id)
{
    psa_status_t st = PSA_ERROR_PROGRAMMER_ERROR;
    if (s->caller.partition >= 0)
        for (unsigned p = 0; p < wardd.broker.table->partition_count; p++)
            if (wardd.broker.table->partitions[p].id == id) {
                st = wardd_host_request(p, WARD_OP_HOST_NOTIFY, 0, 0, 0, &s->caller, -1,
                                        false, NULL);
                /* A partition that is down has no doorbell to ring. */
                if (st == PSA_ERROR_COMMUNICATION_FAILURE)
                    st = PSA_SUCCESS;
            }
    reply(s, st, 0, -1, NULL);
}

static void do_lifecycle(struct wardd_session *s, uint32_t to)
{
    psa_status_t st = PSA_ERROR_NOT_PERMITTED;
    if (s->caller.partition >= 0) {
        pthread_mutex_lock(&wardd.lock);
        st = ward_lifecycle_request(wardd.cfg.state_dir, &wardd.lifecycle, to);
        pthread_mutex_unlock(&wardd.lock);
    }
    reply(s, st, 0, -1, NULL);
}

void wardd_sessions_forget_channels(unsigned p)
{
    pthread_mutex_lock(&wardd.lock);
    for (unsigned i = 0; i < WARDD_MAX_SESSIONS; i++)
        if (wardd.sessions[i] != NULL)
            wardd.sessions[i]->channel_open[p] = false;
    pthread_mutex_unlock(&wardd.lock);
}

/* The session ended: close every connection it holds, waiting for calls
 * still in flight on them to finish first. */
static void session_cleanup(struct wardd_session *s)
{
    if (wardd.level == 2) {
        /* Each partition process it reached closes what it holds. */
        for (unsigned p = 0; p < wardd.broker.table->partition_count; p++)
            if (s->channel_open[p])
                (void)wardd_host_request(p, WARD_OP_HOST_SESSION_END, 0, 0, 0, &s->caller,
                                         -1, false, NULL);
        pthread_mutex_lock(&wardd.lock);
        wardd.sessions[s->slot] = NULL;
        pthread_mutex_unlock(&wardd.lock);
        return;
    }
    pthread_mutex_lock(&wardd.lock);
    unsigned cursor = 0;
    uint8_t state;
    psa_handle_t h;
    while ((h = spm_broker_session_conn(&wardd.broker, s->caller.session, &cursor,
                                        &state)) != PSA_NULL_HANDLE) {
        struct spm_message msg;
        if (state == SPM_CONN_BUSY) {
            pthread_cond_wait(&wardd.done, &wardd.lock);
            cursor--; /* look at the same slot again */
            continue;
        }
        if (spm_broker_close(&wardd.broker, &s->caller, h, &msg)) {
            wardd_run_local(&msg);
            spm_broker_close_done(&wardd.broker, &msg);
        }
    }
    wardd.sessions[s->slot] = NULL;
    pthread_mutex_unlock(&wardd.lock);
}

static void *session_thread(void *arg)
{
    struct wardd_session *s = arg;
    for (;;) {
        struct ward_frame f;
        uint8_t *payload = NULL;
        int passed = -1;
        psa_status_t st = ward_wire_recv(s->fd, 0, &f, &payload, NULL, &passed);
        free(payload);
        if (passed >= 0)
            close(passed);
        if (st == PSA_ERROR_COMMUNICATION_FAILURE)
            break;
        if (st != PSA_SUCCESS || passed >= 0) {
            ward_log_event(WARD_EVENT_PROGRAMMER_ERROR, "client %d: malformed control "
                           "frame (%d)", (int)s->caller.client_id, (int)st);
            if (reply(s, st == PSA_ERROR_NOT_SUPPORTED ? PSA_ERROR_NOT_SUPPORTED
                                                       : PSA_ERROR_PROGRAMMER_ERROR,
                      0, -1, NULL) != PSA_SUCCESS)
                break;
            continue;
        }
        switch (f.op) {
        case WARD_OP_HELLO:
            reply(s, PSA_SUCCESS, (uint32_t)wardd.cfg.max_call_bytes, -1, NULL);
            break;
        case WARD_OP_VERSION: {
            uint32_t v = PSA_VERSION_NONE;
            if (s->partition_session ||
                ward_policy_allows(&wardd.policy, s->rule, (uint32_t)f.value)) {
                pthread_mutex_lock(&wardd.lock);
                v = spm_broker_version(&wardd.broker, &s->caller, (uint32_t)f.value);
                pthread_mutex_unlock(&wardd.lock);
            }
            reply(s, (int32_t)v, 0, -1, NULL);
            break;
        }
        case WARD_OP_CONNECT:
            do_connect(s, (uint32_t)f.value, f.arg, (uint32_t)f.handle);
            break;
        case WARD_OP_CLOSE:
            do_close(s, f.handle);
            break;
        case WARD_OP_STATELESS:
            do_stateless(s, f.handle, f.arg);
            break;
        case WARD_OP_NOTIFY:
            do_notify(s, f.value);
            break;
        case WARD_OP_LIFECYCLE:
            do_lifecycle(s, (uint32_t)f.value);
            break;
        case WARD_OP_STATUS: {
            /* value 0: JSON; 1: text for people */
            char *doc = wardd_status(s->uid, f.value == 0);
            if (doc == NULL)
                reply(s, PSA_ERROR_INSUFFICIENT_MEMORY, 0, -1, NULL);
            else
                reply(s, PSA_SUCCESS, 0, -1, doc);
            free(doc);
            break;
        }
        default: /* a call or a reply on the control socket */
            reply(s, PSA_ERROR_PROGRAMMER_ERROR, 0, -1, NULL);
            break;
        }
    }
    session_cleanup(s);
    close(s->fd);
    ward_log(WARD_LOG_INFO, "session %" PRIu64 " (uid %u, pid %d) ended",
             s->caller.session, (unsigned)s->uid, (int)s->pid);
    free(s);
    atomic_fetch_sub(&wardd.live_sessions, 1);
    return NULL;
}

static void session_launch(struct wardd_session *s, uid_t uid);

void wardd_session_start_as(int fd, const struct spm_caller *caller)
{
    struct wardd_session *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        close(fd);
        return;
    }
    s->fd = fd;
    s->uid = wardd.uid;
    s->pid = getpid();
    s->rule = NULL;
    s->partition_session = true;
    s->caller = *caller;
    session_launch(s, wardd.uid);
}

void wardd_session_start(int fd)
{
    struct ucred cred;
    socklen_t len = sizeof(cred);
    gid_t groups[MAX_GROUPS];
    socklen_t glen = sizeof(groups);
    size_t ngroups = 0;
    struct wardd_session *s = NULL;

    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
        close(fd);
        return;
    }
    if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &glen) == 0)
        ngroups = glen / sizeof(gid_t);
    if (ngroups < MAX_GROUPS)
        groups[ngroups++] = cred.gid;

    s = calloc(1, sizeof(*s));
    if (s == NULL) {
        close(fd);
        return;
    }
    s->fd = fd;
    s->uid = cred.uid;
    s->pid = cred.pid;
    s->rule = ward_policy_match(&wardd.policy, cred.uid, groups, ngroups);
    s->caller.client_id = ward_policy_client_id(s->rule, cred.uid);
    s->caller.partition = -1;
    session_launch(s, cred.uid);
}

static void session_launch(struct wardd_session *s, uid_t uid)
{
    pthread_t th;
    pthread_attr_t attr;
    int fd = s->fd;

    pthread_mutex_lock(&wardd.lock);
    unsigned same_user = 0, slot = WARDD_MAX_SESSIONS;
    for (unsigned i = 0; i < WARDD_MAX_SESSIONS; i++) {
        if (wardd.sessions[i] == NULL) {
            if (slot == WARDD_MAX_SESSIONS)
                slot = i;
        } else if (wardd.sessions[i]->uid == uid && !wardd.sessions[i]->partition_session) {
            same_user++;
        }
    }
    if (slot == WARDD_MAX_SESSIONS ||
        (!s->partition_session && same_user >= wardd.cfg.max_sessions_per_user)) {
        pthread_mutex_unlock(&wardd.lock);
        ward_log_event(WARD_EVENT_POLICY_DENIAL, "uid %u: session limit reached",
                       (unsigned)uid);
        close(fd);
        free(s);
        return;
    }
    s->slot = slot;
    s->caller.session = ++wardd.next_session;
    wardd.sessions[slot] = s;
    pthread_mutex_unlock(&wardd.lock);
    atomic_fetch_add(&wardd.live_sessions, 1);

    ward_log(WARD_LOG_INFO, "session %" PRIu64 ": uid %u pid %d as client %d",
             s->caller.session, (unsigned)uid, (int)s->pid, (int)s->caller.client_id);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    if (pthread_create(&th, &attr, session_thread, s) != 0) {
        pthread_mutex_lock(&wardd.lock);
        wardd.sessions[slot] = NULL;
        pthread_mutex_unlock(&wardd.lock);
        atomic_fetch_sub(&wardd.live_sessions, 1);
        close(fd);
        free(s);
    }
    pthread_attr_destroy(&attr);
}

/* ---- status --------------------------------------------------------------- */

struct sbuf {
    char *p;
    size_t len, cap;
    bool oom;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...) WARD_PRINTF(2, 3);
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        if (b->oom)
            return;
        va_start(ap, fmt);
        int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = true;
            return;
        }
        if ((size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = b->cap * 2 + (size_t)n;
        char *q = realloc(b->p, cap);
        if (q == NULL) {
            b->oom = true;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
}

/* Descriptors wardd holds: tests check nothing leaks. */
static long open_fds(void)
{
    long n = 0;
    DIR *d = opendir("/proc/self/fd");
    if (d == NULL)
        return -1;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n - 1; /* the directory's own */
}

char *wardd_status(uid_t asker, bool json)
{
    struct sbuf b = {malloc(4096), 0, 4096, false};
    const struct ward_partition_table *t;
    if (b.p == NULL)
        return NULL;
    pthread_mutex_lock(&wardd.lock);
    t = wardd.broker.table;
    bool shared = asker == wardd.uid;
    for (unsigned i = 0; i < WARDD_MAX_SESSIONS; i++)
        if (wardd.sessions[i] != NULL && wardd.sessions[i]->uid == wardd.uid)
            shared = true;
    const char *iso = shared ? "none" : "per-user";
    if (json)
        sb_printf(&b, "{\"daemon\":\"wardd\",\"pid\":%d,\"isolation_level\":%d,"
                      "\"client_isolation\":\"%s\",\"lifecycle\":\"%s\",\"partitions\":[",
                  (int)getpid(), wardd.level, iso, ward_lifecycle_name(wardd.lifecycle.state));
    else
        sb_printf(&b, "wardd: running, pid %d, isolation level %d (%s)\nisolation: %s%s\n"
                      "lifecycle: %s\npartitions:\n",
                  (int)getpid(), wardd.level,
                  wardd.level == 2 ? "a sandboxed process per partition"
                                   : "partitions on threads inside wardd",
                  iso,
                  shared ? " (clients run as wardd's own user: they can read its state)"
                         : "",
                  ward_lifecycle_name(wardd.lifecycle.state));
    for (size_t p = 0; p < t->partition_count; p++) {
        const struct ward_partition_desc *d = &t->partitions[p];
        const char *state =
            wardd.broker.pstate[p] == SPM_PARTITION_FAILED ? "failed" : "running";
        int ppid = wardd.level == 2 ? (int)wardd.hosts[p].pid : (int)getpid();
        unsigned restarts = wardd.level == 2 ? wardd.hosts[p].restarts : 0;
        if (json)
            sb_printf(&b, "%s{\"name\":\"%s\",\"id\":%d,\"state\":\"%s\",\"crashes\":%u,"
                          "\"pid\":%d,\"restarts\":%u,\"services\":[", p ? "," : "", d->name,
                      (int)d->id, state, wardd.broker.crashes[p], ppid, restarts);
        else
            sb_printf(&b, "  %-20s id %-6d %s, pid %d, %u restarts, %u recent crashes\n",
                      d->name, (int)d->id, state, ppid, restarts, wardd.broker.crashes[p]);
        for (unsigned k = 0; k < d->service_count; k++) {
            const struct ward_service_desc *sv = &t->services[d->first_service + k];
            if (json)
                sb_printf(&b, "%s{\"name\":\"%s\",\"sid\":\"0x%08x\",\"version\":%u,"
                              "\"stateless\":%s}", k ? "," : "", sv->name,
                          (unsigned)sv->sid, (unsigned)sv->version,
                          sv->connection_based ? "false" : "true");
            else
                sb_printf(&b, "    %-24s SID 0x%08x version %u%s\n", sv->name,
                          (unsigned)sv->sid, (unsigned)sv->version,
                          sv->connection_based ? "" : " (stateless)");
        }
        if (json)
            sb_printf(&b, "]}");
    }
    sb_printf(&b, json ? "],\"sessions\":[" : "sessions:\n");
    bool first = true;
    for (unsigned i = 0; i < WARDD_MAX_SESSIONS; i++) {
        struct wardd_session *s = wardd.sessions[i];
        if (s == NULL || s->partition_session)
            continue; /* level 2: partitions' own sessions are wardd's business */
        unsigned conns = 0, cursor = 0;
        uint8_t st;
        while (spm_broker_session_conn(&wardd.broker, s->caller.session, &cursor, &st) !=
               PSA_NULL_HANDLE)
            conns++;
        if (json)
            sb_printf(&b, "%s{\"session\":%" PRIu64 ",\"client_id\":%d,\"uid\":%u,"
                          "\"pid\":%d,\"connections\":%u}", first ? "" : ",",
                      s->caller.session, (int)s->caller.client_id, (unsigned)s->uid,
                      (int)s->pid, conns);
        else
            sb_printf(&b, "  session %-6" PRIu64 " client %-8d uid %-6u pid %-7d "
                          "%u connections\n", s->caller.session, (int)s->caller.client_id,
                      (unsigned)s->uid, (int)s->pid, conns);
        first = false;
    }
    if (json)
        sb_printf(&b, "],\"limits\":{\"max_call_bytes\":%zu,\"max_connections_per_session\":"
                      "%u,\"max_connections_per_client\":%u,\"max_sessions_per_user\":%u},",
                  wardd.cfg.max_call_bytes, wardd.cfg.max_conns_per_session,
                  wardd.cfg.max_conns_per_client, wardd.cfg.max_sessions_per_user);
    else
        sb_printf(&b, "limits: %zu bytes per call, %u connections per session, %u per "
                      "client ID, %u sessions per user\n", wardd.cfg.max_call_bytes,
                  wardd.cfg.max_conns_per_session, wardd.cfg.max_conns_per_client,
                  wardd.cfg.max_sessions_per_user);
    pthread_mutex_unlock(&wardd.lock);
    long live_messages = atomic_load(&wardd.live_messages);
    long live_channels = atomic_load(&wardd.live_channels);
    if (wardd.level == 2)
        wardd_hosts_live(&live_messages, &live_channels);
    sb_printf(&b, json ? "\"live\":{\"sessions\":%ld,\"channels\":%ld,\"messages\":%ld,"
                         "\"fds\":%ld}}"
                       : "live: %ld sessions, %ld channels, %ld messages in flight, "
                         "%ld descriptors\n",
              atomic_load(&wardd.live_sessions), live_channels, live_messages, open_fds());
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}
