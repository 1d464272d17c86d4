/*
 * spm_message.h: the one message interface between the broker and a
 * partition's runtime. On emul both sides share the struct; on host it is
 * what the wire codec carries. A message holds copies of the caller's input
 * bytes and buffers for its output: the partition never sees client memory.
 */
#ifndef WARD_SPM_MESSAGE_H
#define WARD_SPM_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "psa/client.h"

#define WARD_MAX_PARTITIONS 32
#define WARD_MAX_CONNECTIONS 1024  /* connection handles, whole SPM */
#define WARD_MAX_ACTIVE_MSGS 64    /* messages a partition holds at once */

/* Connection handles: the issuing broker's tag in bits [29:24] (0 in a
 * single-broker SPM; a partition's index + 1 at isolation level 2, so the
 * handles of different partition processes never collide), generation in
 * [23:11], slot + 1 in [10:0]. Bit 30 (stateless handles) and bit 31
 * (errors) are never set. */
#define WARD_CONN_INDEX_BITS 11u
#define WARD_CONN_SLOT(handle)                                                 \
    ((((uint32_t)(handle)) & ((1u << WARD_CONN_INDEX_BITS) - 1u)) - 1u)
#define WARD_CONN_TAG_SHIFT 24u
#define WARD_CONN_TAG(handle) ((((uint32_t)(handle)) >> WARD_CONN_TAG_SHIFT) & 0x3Fu)
_Static_assert(WARD_MAX_CONNECTIONS < (1u << WARD_CONN_INDEX_BITS),
               "connection slot must fit its bits");

/* A caller as the broker knows it: never as the caller describes itself. */
struct spm_caller {
    int32_t client_id;  /* < 0 non-secure, > 0 a partition's manifest id */
    uint64_t session;   /* the broker's session number; 0 for partitions */
    int partition;      /* index of the calling partition, or -1 */
};

struct spm_message {
    struct spm_message *next;  /* runtime queue link */
    /* Request, set by the broker. */
    int32_t type;              /* PSA_IPC_CONNECT, PSA_IPC_DISCONNECT, >= 0 */
    uint16_t service;          /* index in the partition table */
    psa_handle_t conn;         /* connection handle; 0 for stateless */
    struct spm_caller caller;
    size_t in_len[PSA_MAX_IOVEC];
    const uint8_t *in[PSA_MAX_IOVEC];
    size_t out_cap[PSA_MAX_IOVEC];
    uint8_t *out[PSA_MAX_IOVEC];
    /* Reply, set by the runtime. */
    size_t out_len[PSA_MAX_IOVEC];
    psa_status_t status;
    bool done;
    /* The platform's own record of where the message came from. */
    void *platform;
};

#endif /* WARD_SPM_MESSAGE_H */
