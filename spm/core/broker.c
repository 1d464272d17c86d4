/*
 * broker.c: access and version policy, the connection table and failure
 * handling. Everything a caller passes is checked here against the table;
 * nothing here trusts a handle until index, generation and owner match.
 */
#include "broker.h"

#include <string.h>

#include "ward_log.h"

#define CONN_INDEX_BITS WARD_CONN_INDEX_BITS
#define CONN_GEN_MASK 0x1FFFu /* 13 bits, below the tag */

static psa_handle_t conn_handle(const struct spm_broker *b, unsigned index, uint32_t gen)
{
    return (psa_handle_t)((uint32_t)b->tag << WARD_CONN_TAG_SHIFT |
                          (gen & CONN_GEN_MASK) << CONN_INDEX_BITS | (index + 1u));
}

static bool same_caller(const struct spm_caller *a, const struct spm_caller *b)
{
    return a->client_id == b->client_id && a->session == b->session &&
           a->partition == b->partition;
}

/* The live connection a handle names for this caller, or NULL. */
static struct spm_conn *conn_lookup(struct spm_broker *b,
                                    const struct spm_caller *caller,
                                    psa_handle_t handle)
{
    uint32_t h = (uint32_t)handle;
    if (handle <= 0 || (h & WARD_STATELESS_HANDLE_FLAG) != 0)
        return NULL;
    uint32_t index = WARD_CONN_SLOT(handle);
    if (index >= WARD_MAX_CONNECTIONS || WARD_CONN_TAG(handle) != b->tag)
        return NULL;
    struct spm_conn *c = &b->conns[index];
    if (c->state == SPM_CONN_FREE || c->state == SPM_CONN_CONNECTING ||
        (c->generation & CONN_GEN_MASK) != ((h >> CONN_INDEX_BITS) & CONN_GEN_MASK) ||
        !same_caller(&c->owner, caller))
        return NULL;
    return c;
}

psa_status_t spm_broker_init(struct spm_broker *b,
                             const struct ward_partition_table *table)
{
    memset(b, 0, sizeof(*b));
    if (table == NULL || table->partition_count > WARD_MAX_PARTITIONS)
        return PSA_ERROR_INVALID_ARGUMENT;
    for (size_t i = 0; i < table->service_count; i++)
        if (table->services[i].partition >= table->partition_count)
            return PSA_ERROR_INVALID_ARGUMENT;
    for (size_t p = 0; p < table->partition_count; p++) {
        const struct ward_partition_desc *d = &table->partitions[p];
        if (d->id <= 0 || d->entry_point == NULL ||
            (size_t)d->first_service + d->service_count > table->service_count)
            return PSA_ERROR_INVALID_ARGUMENT;
        for (unsigned k = 0; k < d->dependency_count; k++)
            if (d->dependencies[k] >= table->service_count)
                return PSA_ERROR_INVALID_ARGUMENT;
    }
    b->table = table;
    b->max_crashes = 3;
    b->max_conns_per_session = 256;
    b->max_conns_per_client = 512;
    b->max_call_bytes = 1u << 20;
    return PSA_SUCCESS;
}

int spm_broker_find_sid(const struct spm_broker *b, uint32_t sid)
{
    for (size_t i = 0; i < b->table->service_count; i++)
        if (b->table->services[i].sid == sid)
            return (int)i;
    return -1;
}

/* May this caller reach this service at all? */
static bool allowed(const struct spm_broker *b, const struct spm_caller *caller,
                    unsigned service)
{
    const struct ward_service_desc *s = &b->table->services[service];
    if (caller->partition < 0)
        return s->non_secure_clients;
    const struct ward_partition_desc *p = &b->table->partitions[caller->partition];
    for (unsigned k = 0; k < p->dependency_count; k++)
        if (p->dependencies[k] == service)
            return true;
    return false;
}

static bool version_ok(const struct ward_service_desc *s, uint32_t version)
{
    if (version == 0)
        return false;
    if (s->version_policy == WARD_VERSION_STRICT)
        return version == s->version;
    return version <= s->version;
}

uint32_t spm_broker_version(const struct spm_broker *b,
                            const struct spm_caller *caller, uint32_t sid)
{
    int s = spm_broker_find_sid(b, sid);
    if (s < 0 || !allowed(b, caller, (unsigned)s))
        return PSA_VERSION_NONE;
    return b->table->services[s].version;
}

static void message_init(struct spm_message *msg, int32_t type, unsigned service,
                         psa_handle_t conn, const struct spm_caller *caller)
{
    memset(msg, 0, sizeof(*msg));
    msg->type = type;
    msg->service = (uint16_t)service;
    msg->conn = conn;
    msg->caller = *caller;
}

psa_status_t spm_broker_connect(struct spm_broker *b,
                                const struct spm_caller *caller, uint32_t sid,
                                uint32_t version, psa_handle_t *handle,
                                struct spm_message *msg)
{
    int s = spm_broker_find_sid(b, sid);
    if (s < 0) {
        ward_log_event(WARD_EVENT_PROGRAMMER_ERROR,
                       "client %d: connect to unknown SID 0x%08x",
                       (int)caller->client_id, (unsigned)sid);
        return PSA_ERROR_PROGRAMMER_ERROR;
    }
    const struct ward_service_desc *svc = &b->table->services[s];
    if (!allowed(b, caller, (unsigned)s)) {
        ward_log_event(WARD_EVENT_POLICY_DENIAL,
                       "client %d: not allowed to connect to %s",
                       (int)caller->client_id, svc->name);
        return PSA_ERROR_PROGRAMMER_ERROR;
    }
    if (!svc->connection_based) {
        ward_log_event(WARD_EVENT_PROGRAMMER_ERROR,
                       "client %d: connect to stateless service %s",
                       (int)caller->client_id, svc->name);
        return PSA_ERROR_PROGRAMMER_ERROR;
    }
    if (!version_ok(svc, version)) {
        ward_log_event(WARD_EVENT_PROGRAMMER_ERROR,
                       "client %d: version %u of %s refused (service %u, %s)",
                       (int)caller->client_id, (unsigned)version, svc->name,
                       (unsigned)svc->version,
                       svc->version_policy == WARD_VERSION_STRICT ? "STRICT" : "RELAXED");
        return PSA_ERROR_PROGRAMMER_ERROR;
    }
    if (b->pstate[svc->partition] == SPM_PARTITION_FAILED)
        return PSA_ERROR_CONNECTION_REFUSED;

    unsigned used = 0, used_by_client = 0;
    int free_slot = -1;
    for (unsigned i = 0; i < WARD_MAX_CONNECTIONS; i++) {
        const struct spm_conn *c = &b->conns[i];
        if (c->state == SPM_CONN_FREE) {
            if (free_slot < 0)
                free_slot = (int)i;
        } else if (c->owner.client_id == caller->client_id) {
            used_by_client++;
            if (same_caller(&c->owner, caller))
                used++;
        }
    }
    if (free_slot < 0 || used >= b->max_conns_per_session ||
        used_by_client >= b->max_conns_per_client) {
        ward_log_event(WARD_EVENT_POLICY_DENIAL,
                       "client %d: connection limit reached", (int)caller->client_id);
        return PSA_ERROR_CONNECTION_BUSY;
    }
    struct spm_conn *c = &b->conns[free_slot];
    c->generation = (c->generation + 1) & CONN_GEN_MASK;
    if (c->generation == 0)
        c->generation = 1;
    c->state = SPM_CONN_CONNECTING;
    c->service = (uint16_t)s;
    c->owner = *caller;
    c->epoch = b->epoch[svc->partition];
    *handle = conn_handle(b, (unsigned)free_slot, c->generation);
    message_init(msg, PSA_IPC_CONNECT, (unsigned)s, *handle, caller);
    return PSA_SUCCESS;
}

psa_handle_t spm_broker_connect_done(struct spm_broker *b, psa_handle_t handle,
                                     const struct spm_message *msg)
{
    struct spm_conn *c = &b->conns[WARD_CONN_SLOT(handle)];
    if (msg->status == PSA_SUCCESS && c->state == SPM_CONN_CONNECTING &&
        c->epoch == b->epoch[b->table->services[c->service].partition]) {
        c->state = SPM_CONN_IDLE;
        return handle;
    }
    c->state = SPM_CONN_FREE;
    return msg->status == PSA_SUCCESS ? PSA_ERROR_COMMUNICATION_FAILURE
                                      : (psa_handle_t)msg->status;
}

/* Decode and check a stateless handle: the service index, or -1. */
static int stateless_service(const struct spm_broker *b, psa_handle_t handle,
                             uint32_t *version)
{
    uint32_t h = (uint32_t)handle;
    if (handle <= 0 || (h & WARD_STATELESS_HANDLE_FLAG) == 0 ||
        (h & ~(WARD_STATELESS_HANDLE_FLAG | 0xFF1Fu)) != 0)
        return -1;
    uint32_t index = (h & 0x1Fu) + 1u;
    *version = (h >> 8) & 0xFFu;
    for (size_t i = 0; i < b->table->service_count; i++)
        if (!b->table->services[i].connection_based &&
            b->table->services[i].stateless_index == index)
            return (int)i;
    return -1;
}

psa_status_t spm_broker_call(struct spm_broker *b,
                             const struct spm_caller *caller,
                             psa_handle_t handle, int32_t type,
                             size_t total_bytes, struct spm_message *msg)
{
    uint32_t version;
    int s = stateless_service(b, handle, &version);
    if (s >= 0) {
        const struct ward_service_desc *svc = &b->table->services[s];
        if (!allowed(b, caller, (unsigned)s) || !version_ok(svc, version)) {
            ward_log_event(WARD_EVENT_POLICY_DENIAL,
                           "client %d: stateless call to %s refused",
                           (int)caller->client_id, svc->name);
            return PSA_ERROR_PROGRAMMER_ERROR;
        }
        if (b->pstate[svc->partition] == SPM_PARTITION_FAILED)
            return PSA_ERROR_COMMUNICATION_FAILURE;
        if (total_bytes > b->max_call_bytes)
            return PSA_ERROR_INSUFFICIENT_MEMORY;
        message_init(msg, type, (unsigned)s, PSA_NULL_HANDLE, caller);
        return PSA_SUCCESS;
    }
    struct spm_conn *c = conn_lookup(b, caller, handle);
    if (c == NULL) {
        ward_log_event(WARD_EVENT_PROGRAMMER_ERROR,
                       "client %d: call on invalid handle 0x%08x",
                       (int)caller->client_id, (unsigned)handle);
        return PSA_ERROR_PROGRAMMER_ERROR;
    }
    switch (c->state) {
    case SPM_CONN_IDLE:
        break;
    case SPM_CONN_FAILED:
        return PSA_ERROR_COMMUNICATION_FAILURE;
    case SPM_CONN_BUSY:
        ward_log_event(WARD_EVENT_PROGRAMMER_ERROR,
                       "client %d: call on a connection already in a call",
                       (int)caller->client_id);
        return PSA_ERROR_PROGRAMMER_ERROR;
    default: /* TERMINATED */
        return PSA_ERROR_PROGRAMMER_ERROR;
    }
    if (total_bytes > b->max_call_bytes)
        return PSA_ERROR_INSUFFICIENT_MEMORY;
    c->state = SPM_CONN_BUSY;
    message_init(msg, type, c->service, handle, caller);
    return PSA_SUCCESS;
}

psa_status_t spm_broker_call_done(struct spm_broker *b,
                                  const struct spm_message *msg)
{
    if (msg->conn == PSA_NULL_HANDLE)
        return msg->status;
    struct spm_conn *c = conn_lookup(b, &msg->caller, msg->conn);
    if (c == NULL) /* cannot happen: a busy connection is never freed */
        return PSA_ERROR_COMMUNICATION_FAILURE;
    /* The partition crashed: a call it answered before crashing keeps its
     * answer; one it never answered was failed with COMMUNICATION_FAILURE. */
    if (c->state == SPM_CONN_FAILED)
        return msg->status;
    if (msg->status == PSA_ERROR_PROGRAMMER_ERROR) {
        c->state = SPM_CONN_TERMINATED;
        ward_log_event(WARD_EVENT_PROGRAMMER_ERROR,
                       "client %d: %s terminated the connection",
                       (int)c->owner.client_id,
                       b->table->services[c->service].name);
    } else {
        c->state = SPM_CONN_IDLE;
    }
    return msg->status;
}

bool spm_broker_close(struct spm_broker *b, const struct spm_caller *caller,
                      psa_handle_t handle, struct spm_message *msg)
{
    if (handle == PSA_NULL_HANDLE)
        return false;
    struct spm_conn *c = conn_lookup(b, caller, handle);
    if (c == NULL || c->state == SPM_CONN_BUSY) {
        ward_log_event(WARD_EVENT_PROGRAMMER_ERROR,
                       "client %d: close of %s handle 0x%08x ignored",
                       (int)caller->client_id, c == NULL ? "invalid" : "busy",
                       (unsigned)handle);
        return false;
    }
    if (c->state == SPM_CONN_FAILED) {
        /* The partition restarted and keeps no state for it. */
        c->state = SPM_CONN_FREE;
        return false;
    }
    c->state = SPM_CONN_BUSY;
    message_init(msg, PSA_IPC_DISCONNECT, c->service, handle, caller);
    return true;
}

void spm_broker_close_done(struct spm_broker *b, const struct spm_message *msg)
{
    struct spm_conn *c = conn_lookup(b, &msg->caller, msg->conn);
    if (c != NULL)
        c->state = SPM_CONN_FREE;
}

bool spm_broker_partition_crashed(struct spm_broker *b, unsigned partition)
{
    b->epoch[partition]++;
    for (unsigned i = 0; i < WARD_MAX_CONNECTIONS; i++) {
        struct spm_conn *c = &b->conns[i];
        if (c->state != SPM_CONN_FREE &&
            b->table->services[c->service].partition == partition)
            c->state = c->state == SPM_CONN_CONNECTING ? SPM_CONN_CONNECTING
                                                       : SPM_CONN_FAILED;
    }
    b->crashes[partition]++;
    ward_log_event(WARD_EVENT_PARTITION_CRASH, "partition %s crashed (%u in a row)",
                   b->table->partitions[partition].name, b->crashes[partition]);
    if (b->crashes[partition] >= b->max_crashes) {
        b->pstate[partition] = SPM_PARTITION_FAILED;
        ward_log_event(WARD_EVENT_PARTITION_CRASH,
                       "partition %s marked failed: its services refuse connections",
                       b->table->partitions[partition].name);
        return false;
    }
    return true;
}

void spm_broker_partition_ready(struct spm_broker *b, unsigned partition)
{
    b->crashes[partition] = 0;
}

int spm_broker_stateless_partition(const struct spm_broker *b,
                                   const struct spm_caller *caller,
                                   psa_handle_t handle)
{
    uint32_t version;
    int s = stateless_service(b, handle, &version);
    if (s < 0 || !allowed(b, caller, (unsigned)s) ||
        !version_ok(&b->table->services[s], version))
        return -1;
    return b->table->services[s].partition;
}

psa_handle_t spm_broker_session_conn(const struct spm_broker *b, uint64_t session,
                                     unsigned *cursor, uint8_t *state)
{
    for (unsigned i = *cursor; i < WARD_MAX_CONNECTIONS; i++) {
        const struct spm_conn *c = &b->conns[i];
        if (c->state != SPM_CONN_FREE && c->owner.partition < 0 &&
            c->owner.session == session) {
            *cursor = i + 1;
            *state = c->state;
            return conn_handle(b, i, c->generation);
        }
    }
    *cursor = WARD_MAX_CONNECTIONS;
    return PSA_NULL_HANDLE;
}
