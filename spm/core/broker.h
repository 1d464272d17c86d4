/*
 * broker.h: the SPM's policy half. It owns the service table view, the
 * connection table, access and version policy and what clients see when a
 * partition fails. It makes no OS call and never touches client memory:
 * platforms hand it checked arguments and copy bytes themselves.
 */
#ifndef WARD_SPM_BROKER_H
#define WARD_SPM_BROKER_H

#include <stdbool.h>
#include <stdint.h>

#include "partition_desc.h"
#include "spm_message.h"

enum spm_conn_state {
    SPM_CONN_FREE = 0,
    SPM_CONN_CONNECTING,   /* CONNECT delivered, no reply yet */
    SPM_CONN_IDLE,         /* established */
    SPM_CONN_BUSY,         /* a call or close in flight */
    SPM_CONN_TERMINATED,   /* the service replied PROGRAMMER_ERROR */
    SPM_CONN_FAILED,       /* the service's partition crashed */
};

struct spm_conn {
    uint32_t generation;   /* never 0 for a live handle */
    uint8_t state;         /* enum spm_conn_state */
    uint16_t service;
    struct spm_caller owner;
    uint32_t epoch;        /* the partition incarnation it was made with */
};

enum spm_partition_state {
    SPM_PARTITION_RUNNING = 0,
    SPM_PARTITION_FAILED,  /* crashed too often: its services refuse */
};

struct spm_broker {
    const struct ward_partition_table *table;
    struct spm_conn conns[WARD_MAX_CONNECTIONS];
    uint32_t epoch[WARD_MAX_PARTITIONS];
    uint8_t pstate[WARD_MAX_PARTITIONS];
    unsigned crashes[WARD_MAX_PARTITIONS]; /* consecutive, reset on success */
    unsigned max_crashes;                  /* before a partition is failed */
    unsigned max_conns_per_session;
    unsigned max_conns_per_client;         /* all sessions of one client ID */
    size_t max_call_bytes;                 /* in + out bytes of one call */
    uint8_t tag;                           /* in every handle it issues */
};

/* Check the table's internal consistency (what the generator promises) and
 * initialise. PSA_ERROR_INVALID_ARGUMENT if the table is unusable. */
psa_status_t spm_broker_init(struct spm_broker *b,
                             const struct ward_partition_table *table);

/* psa_version: the service's version if caller may reach sid, else
 * PSA_VERSION_NONE. */
uint32_t spm_broker_version(const struct spm_broker *b,
                            const struct spm_caller *caller, uint32_t sid);

/* Start a connect. On PSA_SUCCESS *handle is a new connection in
 * CONNECTING state and msg is filled in as a CONNECT message to deliver.
 * Otherwise returns the status psa_connect must return:
 * PSA_ERROR_PROGRAMMER_ERROR (unknown sid, version refused, caller not
 * allowed, stateless service), PSA_ERROR_CONNECTION_REFUSED (partition
 * failed), PSA_ERROR_CONNECTION_BUSY (connection limits). */
psa_status_t spm_broker_connect(struct spm_broker *b,
                                const struct spm_caller *caller, uint32_t sid,
                                uint32_t version, psa_handle_t *handle,
                                struct spm_message *msg);
/* Finish a connect after the reply: the handle on success, else the error
 * (the connection is freed). */
psa_handle_t spm_broker_connect_done(struct spm_broker *b, psa_handle_t handle,
                                     const struct spm_message *msg);

/* Start a call on handle (connection or stateless). Vector counts and type
 * must already be checked by the platform. On PSA_SUCCESS msg is a request
 * to deliver (buffers still to be attached by the platform). Otherwise the
 * status psa_call returns: PSA_ERROR_PROGRAMMER_ERROR (invalid handle,
 * terminated connection, busy connection, not allowed, version refused),
 * PSA_ERROR_COMMUNICATION_FAILURE (partition crashed), or
 * PSA_ERROR_INSUFFICIENT_MEMORY (total bytes over max_call_bytes). */
psa_status_t spm_broker_call(struct spm_broker *b,
                             const struct spm_caller *caller,
                             psa_handle_t handle, int32_t type,
                             size_t total_bytes, struct spm_message *msg);
/* Finish a call: updates the connection (terminated on a PROGRAMMER_ERROR
 * reply) and returns the status psa_call returns. */
psa_status_t spm_broker_call_done(struct spm_broker *b,
                                  const struct spm_message *msg);

/* Start a close. Returns true and fills msg with a DISCONNECT to deliver
 * when the service must hear of it; false when the close completed without
 * the service (NULL, invalid, stateless or failed handle, each logged). */
bool spm_broker_close(struct spm_broker *b, const struct spm_caller *caller,
                      psa_handle_t handle, struct spm_message *msg);
void spm_broker_close_done(struct spm_broker *b, const struct spm_message *msg);

/* A partition crashed: its connections fail, its epoch moves on. Returns
 * true if it may be restarted, false if it is now marked failed. */
bool spm_broker_partition_crashed(struct spm_broker *b, unsigned partition);
/* The partition reached its wait loop again: reset the crash count. */
void spm_broker_partition_ready(struct spm_broker *b, unsigned partition);

/* The partition serving a stateless handle the caller may use, or -1
 * (invalid handle, not allowed, version refused: a PROGRAMMER ERROR). */
int spm_broker_stateless_partition(const struct spm_broker *b,
                                   const struct spm_caller *caller,
                                   psa_handle_t handle);

/* Walk the connections of one session: the next live one at or after
 * *cursor (which is advanced), or PSA_NULL_HANDLE; *state is its state. */
psa_handle_t spm_broker_session_conn(const struct spm_broker *b, uint64_t session,
                                     unsigned *cursor, uint8_t *state);

/* Find a service by SID; -1 if none. */
int spm_broker_find_sid(const struct spm_broker *b, uint32_t sid);

#endif /* WARD_SPM_BROKER_H */
