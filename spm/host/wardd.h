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
#include <sys/types.h>

#include "broker.h"
#include "emul_ctx.h"
#include "lifecycle.h"
#include "policy.h"
#include "runtime.h"
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
struct wardd_msg {
    struct spm_message m;
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

struct wardd_config {
    const char *state_dir;
    const char *socket_path;
    const char *config_path;      /* the policy file, or NULL */
    int ready_fd;                 /* write one byte here once listening */
    bool foreground;
    bool provisioning;            /* --provisioning: the factory flow */
    unsigned max_sessions_per_user;
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
    /* live-object counters, reported by `ward status` and checked by tests */
    atomic_long live_sessions, live_channels, live_messages;
};

extern struct wardd wardd;

/* Partitions (wardd_partition.c) */
int wardd_partitions_start(void);
/* Deliver a local message (connect, disconnect, a partition's call) to its
 * partition and wait, with the broker lock held, until it is done. */
void wardd_run_local(struct spm_message *msg);
/* Give a partition a new channel for caller; returns the client's end of
 * the socket pair, or -1. The partition's end is registered with it. */
int wardd_channel_open(unsigned partition, const struct spm_caller *caller,
                       int *server_fd);

/* Sessions (wardd_session.c) */
void wardd_session_start(int fd);
/* The status report (JSON, or text for people) in a malloc'd string;
 * asker is the uid of the session asking. */
char *wardd_status(uid_t asker, bool json);

#endif /* WARD_WARDD_H */
