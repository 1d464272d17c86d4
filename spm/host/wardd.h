/*
 * wardd.h: the daemon's shared state at isolation level 1: the broker, one
 * thread per partition (running the partition as a coroutine on that
 * thread, so a panic can be contained to a restart) and one thread per
 * client session. Lock order: broker lock, then a partition's inbox lock.
 */
#ifndef WARD_WARDD_H
#define WARD_WARDD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <poll.h>
#include <sys/types.h>

#include "broker.h"
#include "emul_ctx.h"
#include "lifecycle.h"
#include "policy.h"
#include "runtime.h"
#include "wardd_remote.h"
#include "wire.h"

#define WARDD_MAX_SESSIONS 256

struct wardd_session;

/* A direct channel between one session and one partition. The partition
 * thread owns it (and frees it on end-of-file); the session only knows its
 * descriptor to shut it down when the session ends. */
struct wardd_channel {
    int fd;
    struct wardd_partition *part;
    struct spm_caller caller;     /* the session's identity, bound by wardd */
    struct wardd_channel *next;   /* in the partition's list */
    bool dead;
};

/* Where a message came from and how its reply goes back. */
enum wardd_msg_kind {
    WARDD_MSG_CHANNEL = 0, /* a client's call on a channel */
    WARDD_MSG_CONNECT,     /* level 2: wardd's connect, answered on control */
    WARDD_MSG_CLOSE,       /* level 2: wardd's close, answered */
    WARDD_MSG_QUIET,       /* level 2: a close nobody waits for */
};

struct wardd_msg {
    struct spm_message m;
    int kind;                      /* enum wardd_msg_kind */
    struct wardd_channel *channel; /* a client's call, or NULL (local) */
    uint8_t *buf;                  /* inputs and outputs of a channel call */
};

struct wardd_partition {
    struct spm_runtime rt;
    unsigned index;
    pthread_t thread;
    int epfd;
    int inbox_fd;                  /* eventfd: the inbox has something */
    pthread_mutex_t inbox_lock;
    struct spm_message *inbox_head, *inbox_tail;
    bool inbox_doorbell;
    struct wardd_channel *pending_channels; /* opened, not yet registered */
    struct wardd_channel *channels;
    struct emul_coro coro;         /* the partition runs in it, on this thread */
    bool dead;
    char state_dir[4096];          /* its private directory */
};

/* Level 2: wardd's record of one partition process. */
struct wardd_hostproc {
    pthread_mutex_t lock;          /* one request at a time on ctl */
    pid_t pid;                     /* 0 while not running */
    int pidfd;
    int ctl;                       /* control socket, or -1 */
    struct wardd_host_page *page;
    unsigned restarts;
    unsigned incarnation;          /* bumped by every (re)start */
    uint64_t restart_at_ns;        /* a back-off restart is due then, or 0 */
    pthread_cond_t changed;        /* signalled with it */
};

struct wardd_config {
    const char *state_dir;
    const char *socket_path;
    const char *config_path;      /* the policy file, or NULL */
    int ready_fd;                 /* write one byte here once listening */
    bool foreground;
    bool provisioning;            /* --provisioning: the factory flow */
    unsigned max_sessions_per_user;
    unsigned call_timeout_s;      /* level 2 watchdog */
    unsigned max_conns_per_session;
    unsigned max_conns_per_client;
    size_t max_call_bytes;
};

struct wardd {
    struct wardd_config cfg;
    struct ward_policy policy;
    pthread_mutex_t lock;          /* the broker lock */
    pthread_cond_t done;           /* a local message completed */
    struct spm_broker broker;
    struct wardd_partition parts[WARD_MAX_PARTITIONS];
    struct wardd_session *sessions[WARDD_MAX_SESSIONS];
    uint64_t next_session;
    uid_t uid;                     /* wardd's own */
    struct ward_lifecycle lifecycle; /* under lock */
    /* isolation level 2 */
    int level;                     /* 1 or 2 */
    bool host_mode;                /* this process is one partition's */
    unsigned host_index;
    int host_ctl;                  /* host mode: the control socket to wardd */
    struct wardd_host_page *host_page;
    struct wardd_hostproc hosts[WARD_MAX_PARTITIONS]; /* level 2, in wardd */
    /* live-object counters, reported by `ward status` and checked by tests */
    atomic_long live_sessions, live_channels, live_messages;
};

extern struct wardd wardd;

/* Partitions (wardd_partition.c) */
int wardd_partitions_start(void);
int wardd_broker_init(void);
int wardd_partition_prepare(unsigned index);
/* Level 2, in a partition process: serve partition index forever. */
_Noreturn void wardd_host_run(unsigned index);
/* Deliver a local message (connect, disconnect, a partition's call) to its
 * partition and wait, with the broker lock held, until it is done. */
void wardd_run_local(struct spm_message *msg);
/* Give a partition a new channel for caller; returns the client's end of
 * the socket pair, or -1. The partition's end is registered with it. */
int wardd_channel_open(unsigned partition, const struct spm_caller *caller);

/* Level 2, in wardd (wardd_supervisor.c) */
int wardd_hosts_start(void);
/* One request to partition p's process; *answer is its reply's value when
 * want_reply. PSA_ERROR_COMMUNICATION_FAILURE if it is not running. */
psa_status_t wardd_host_request(unsigned p, uint16_t op, psa_handle_t handle,
                                int32_t value, uint32_t arg,
                                const struct spm_caller *caller, int pass_fd,
                                bool want_reply, int32_t *answer);
/* Poll slots: the pidfds; and what to do when one is readable. */
int wardd_hosts_pollfds(struct pollfd *pf, int max, unsigned *which);
void wardd_host_exited(unsigned p);
/* Kill partitions busy in one call for longer than the limit. */
void wardd_hosts_watchdog(void);
/* At shutdown: the partition processes go with wardd. */
void wardd_hosts_stop(void);
/* Add the partition processes' live messages and channels. */
void wardd_hosts_live(long *messages, long *channels);

/* Sessions (wardd_session.c) */
void wardd_session_start(int fd);
/* A session whose identity wardd sets (a partition process's own calls). */
void wardd_session_start_as(int fd, const struct spm_caller *caller);
/* Level 2: a partition's process restarted: sessions must get new
 * channels to it. */
void wardd_sessions_forget_channels(unsigned p);
/* The status report (JSON, or text for people) in a malloc'd string;
 * asker is the uid of the session asking. */
char *wardd_status(uid_t asker, bool json);

#endif /* WARD_WARDD_H */
