/*
 * wardd_supervisor.c: isolation level 2 in wardd: one process per
 * partition, started from a sealed, measured copy of wardd's own binary,
 * watched through a pidfd, restarted after a crash with its connections
 * failed, killed by the watchdog when stuck in one call, and marked failed
 * after repeated crashes with no successful reply in between.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "image.h"
#include "ward_state.h"
#include "ward_log.h"
#include "wardd.h"

static struct ward_image image;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int spawn(unsigned p)
{
    struct wardd_hostproc *h = &wardd.hosts[p];
    int ctl[2], cli[2];
    char idx[16], lc[16], lvl[8], maxc[24];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctl) != 0)
        return -1;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, cli) != 0) {
        close(ctl[0]);
        close(ctl[1]);
        return -1;
    }
    int page = memfd_create("ward-host-page", MFD_CLOEXEC);
    if (page < 0 || ftruncate(page, sizeof(struct wardd_host_page)) != 0)
        goto fail;
    if (h->page == NULL) {
        h->page = mmap(NULL, sizeof(*h->page), PROT_READ | PROT_WRITE, MAP_SHARED, page, 0);
    } else {
        munmap(h->page, sizeof(*h->page));
        h->page = mmap(NULL, sizeof(*h->page), PROT_READ | PROT_WRITE, MAP_SHARED, page, 0);
    }
    if (h->page == MAP_FAILED) {
        h->page = NULL;
        goto fail;
    }
    snprintf(idx, sizeof(idx), "%u", p);
    snprintf(lc, sizeof(lc), "%x", (unsigned)wardd.lifecycle.state);
    snprintf(lvl, sizeof(lvl), "%d", (int)ward_log_get_level());
    snprintf(maxc, sizeof(maxc), "%zu", wardd.cfg.max_call_bytes);
#if defined(__SANITIZE_ADDRESS__)
    const char *sec = "log"; /* sanitizer runtimes need calls the list lacks */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    const char *sec = "log";
#else
    const char *sec = "enforce";
#endif
#else
    const char *sec = "enforce";
#endif
    char *argv[] = {"ward-partition", "--partition-host", idx,
                    (char *)wardd.cfg.state_dir, lc, lvl, maxc, (char *)sec, NULL};
    int keep[3] = {ctl[1], cli[1], page};
    pid_t pid = ward_image_spawn(&image, argv, keep, 3);
    close(ctl[1]);
    close(cli[1]);
    close(page);
    if (pid < 0) {
        close(ctl[0]);
        close(cli[0]);
        return -1;
    }
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    pthread_mutex_lock(&h->lock);
    h->pid = pid;
    h->pidfd = pidfd;
    h->ctl = ctl[0];
    h->incarnation++;
    pthread_cond_broadcast(&h->changed);
    pthread_mutex_unlock(&h->lock);
    /* The partition's own calls: a session whose identity wardd fixes. */
    struct spm_caller who = {wardd.broker.table->partitions[p].id, 0, (int)p};
    wardd_session_start_as(cli[0], &who);
    ward_log(WARD_LOG_INFO, "wardd: partition %s started as pid %d",
             wardd.broker.table->partitions[p].name, (int)pid);
    return 0;
fail:
    if (page >= 0)
        close(page);
    close(ctl[0]);
    close(ctl[1]);
    close(cli[0]);
    close(cli[1]);
    return -1;
}

int wardd_hosts_start(void)
{
    char err[256];
    if (ward_image_load("/proc/self/exe", &image, err, sizeof(err)) != 0) {
        ward_log(WARD_LOG_ERROR, "wardd: %s", err);
        return -1;
    }
    char hex[65];
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", image.sha256[i]);
    ward_log(WARD_LOG_NOTICE, "wardd: partitions run from a sealed copy, sha256 %s", hex);
    for (unsigned p = 0; p < wardd.broker.table->partition_count; p++) {
        /* Made here, so they exist (0700, wardd's) before wardd says it is
         * ready; the partition process only uses its own. */
        if (ward_partition_dir(wardd.cfg.state_dir, wardd.broker.table->partitions[p].name,
                               wardd.parts[p].state_dir,
                               sizeof(wardd.parts[p].state_dir)) != 0)
            return -1;
    }
    for (unsigned p = 0; p < wardd.broker.table->partition_count; p++) {
        pthread_mutex_init(&wardd.hosts[p].lock, NULL);
        pthread_cond_init(&wardd.hosts[p].changed, NULL);
        wardd.hosts[p].ctl = -1;
        wardd.hosts[p].pidfd = -1;
        if (spawn(p) != 0) {
            ward_log(WARD_LOG_ERROR, "wardd: cannot start partition %s",
                     wardd.broker.table->partitions[p].name);
            return -1;
        }
    }
    return 0;
}

static bool peer_gone(int ctl)
{
    struct pollfd pf = {ctl, POLLRDHUP, 0};
    return ctl < 0 || (poll(&pf, 1, 0) == 1 && pf.revents != 0);
}

/* Wait until the process is in a newer incarnation than seen. Lock held. */
static bool await_incarnation(struct wardd_hostproc *h, unsigned seen)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 2;
    while (h->incarnation == seen &&
           pthread_cond_timedwait(&h->changed, &h->lock, &until) == 0)
        ;
    return h->incarnation != seen;
}

/* Send one request and, if asked, read its answer. Lock held. */
static psa_status_t exchange(struct wardd_hostproc *h, struct ward_frame *f,
                             const struct iovec *iov, int pass_fd, bool want_reply,
                             int32_t *answer)
{
    if (h->ctl < 0 || ward_wire_send(h->ctl, f, iov, 1, pass_fd, false) != PSA_SUCCESS)
        return PSA_ERROR_COMMUNICATION_FAILURE;
    if (!want_reply)
        return PSA_SUCCESS;
    struct ward_frame r;
    uint8_t *payload = NULL;
    int passed = -1;
    psa_status_t st = ward_wire_recv(h->ctl, 0, &r, &payload, NULL, &passed);
    free(payload);
    if (passed >= 0)
        close(passed);
    if (st != PSA_SUCCESS || r.op != WARD_OP_REPLY)
        return PSA_ERROR_COMMUNICATION_FAILURE;
    *answer = r.value;
    return PSA_SUCCESS;
}

psa_status_t wardd_host_request(unsigned p, uint16_t op, psa_handle_t handle,
                                int32_t value, uint32_t arg,
                                const struct spm_caller *caller, int pass_fd,
                                bool want_reply, int32_t *answer)
{
    struct wardd_hostproc *h = &wardd.hosts[p];
    uint8_t who[WARDD_CALLER_SIZE];
    struct ward_frame f = {.op = op, .handle = handle, .value = value, .arg = arg,
                           .n_in = 1, .in_len = {WARDD_CALLER_SIZE}};
    struct iovec iov = {who, sizeof(who)};
    wardd_caller_encode(caller, who);
    pthread_mutex_lock(&h->lock);
    /* A process that has died (its control socket is closed before any of
     * its channels, so a client that saw its channel close finds this one
     * closed too) is being restarted by the main thread: wait for the new
     * one (an event, at most 2 s) before asking, as a level-1 restart
     * would already have happened. */
    if (wardd.broker.pstate[p] != SPM_PARTITION_FAILED && peer_gone(h->ctl))
        await_incarnation(h, h->incarnation);
    unsigned seen = h->incarnation;
    psa_status_t st = exchange(h, &f, &iov, pass_fd, want_reply, answer);
    /* Died while handling it: a connect fails as at level 1 (it may be what
     * killed it); a new channel is asked of the next incarnation. */
    if (st != PSA_SUCCESS && op == WARD_OP_HOST_CHANNEL &&
        wardd.broker.pstate[p] != SPM_PARTITION_FAILED && await_incarnation(h, seen))
        st = exchange(h, &f, &iov, pass_fd, want_reply, answer);
    pthread_mutex_unlock(&h->lock);
    return st;
}

int wardd_hosts_pollfds(struct pollfd *pf, int max, unsigned *which)
{
    int n = 0;
    for (unsigned p = 0; p < wardd.broker.table->partition_count && n < max; p++) {
        if (wardd.hosts[p].pidfd < 0)
            continue;
        pf[n].fd = wardd.hosts[p].pidfd;
        pf[n].events = POLLIN;
        pf[n].revents = 0;
        which[n++] = p;
    }
    return n;
}

static void restart(unsigned p)
{
    struct wardd_hostproc *h = &wardd.hosts[p];
    h->restart_at_ns = 0;
    h->restarts++;
    if (spawn(p) != 0)
        ward_log(WARD_LOG_ERROR, "wardd: cannot restart partition %s",
                 wardd.broker.table->partitions[p].name);
}

void wardd_host_exited(unsigned p)
{
    struct wardd_hostproc *h = &wardd.hosts[p];
    const char *name = wardd.broker.table->partitions[p].name;
    int status = 0;
    waitpid(h->pid, &status, 0);
    pthread_mutex_lock(&h->lock);
    close(h->pidfd);
    close(h->ctl);
    h->pidfd = -1;
    h->ctl = -1;
    h->pid = 0;
    bool progressed = h->page != NULL && atomic_load(&h->page->replies) > 0;
    pthread_mutex_unlock(&h->lock);
    if (WIFSIGNALED(status))
        ward_log_event(WARD_EVENT_PARTITION_CRASH, "partition %s killed by signal %d%s",
                       name, WTERMSIG(status),
                       WTERMSIG(status) == SIGSYS ? " (a system call outside its "
                                                    "sandbox)" : "");
    else
        ward_log_event(WARD_EVENT_PARTITION_CRASH, "partition %s exited with %d", name,
                       WEXITSTATUS(status));
    wardd_sessions_forget_channels(p);
    pthread_mutex_lock(&wardd.lock);
    if (progressed)
        spm_broker_partition_ready(&wardd.broker, p);
    bool again = spm_broker_partition_crashed(&wardd.broker, p);
    pthread_mutex_unlock(&wardd.lock);
    if (!again)
        return;
    /* Back-off: the first restart at once, then 100 ms, 200 ms, ... for
     * crashes with no successful reply in between. */
    unsigned n = wardd.broker.crashes[p];
    if (n <= 1) {
        restart(p);
    } else {
        uint64_t delay = 100000000ull << (n - 2 < 6 ? n - 2 : 6);
        h->restart_at_ns = now_ns() + delay;
        ward_log(WARD_LOG_NOTICE, "wardd: restarting partition %s in %llu ms", name,
                 (unsigned long long)(delay / 1000000u));
    }
}

/* Also runs the back-off restarts that are due. */
void wardd_hosts_watchdog(void)
{
    uint64_t now = now_ns(), limit = (uint64_t)wardd.cfg.call_timeout_s * 1000000000u;
    for (unsigned p = 0; p < wardd.broker.table->partition_count; p++) {
        struct wardd_hostproc *h = &wardd.hosts[p];
        if (h->restart_at_ns != 0 && now >= h->restart_at_ns)
            restart(p);
        if (h->pid <= 0 || h->page == NULL)
            continue;
        uint64_t since = atomic_load(&h->page->busy_since_ns);
        if (since != 0 && now > since && now - since > limit) {
            ward_log_event(WARD_EVENT_PARTITION_CRASH,
                           "partition %s stuck in one call for over %u s: killed",
                           wardd.broker.table->partitions[p].name,
                           wardd.cfg.call_timeout_s);
            kill(h->pid, SIGKILL);
            atomic_store(&h->page->busy_since_ns, 0);
        }
    }
}

void wardd_hosts_stop(void)
{
    for (unsigned p = 0; p < WARD_MAX_PARTITIONS; p++) {
        struct wardd_hostproc *h = &wardd.hosts[p];
        if (h->pid > 0) {
            kill(h->pid, SIGKILL);
            waitpid(h->pid, NULL, 0);
            h->pid = 0;
        }
    }
}

void wardd_hosts_live(long *messages, long *channels)
{
    for (unsigned p = 0; p < WARD_MAX_PARTITIONS; p++) {
        struct wardd_hostproc *h = &wardd.hosts[p];
        if (h->pid > 0 && h->page != NULL) {
            *messages += (long)atomic_load(&h->page->messages);
            *channels += (long)atomic_load(&h->page->channels);
        }
    }
}
