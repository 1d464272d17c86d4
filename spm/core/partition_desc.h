/*
 * partition_desc.h: the static description of partitions and services that
 * tools/manifest/ward_manifest.py generates from FF-M manifests. The SPM reads
 * these tables and never changes them; nothing here is client-controlled.
 */
#ifndef WARD_PARTITION_DESC_H
#define WARD_PARTITION_DESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "psa/service.h"

#ifdef __cplusplus
extern "C" {
#endif

enum ward_version_policy {
    WARD_VERSION_RELAXED = 0, /* connect if requested <= service version */
    WARD_VERSION_STRICT = 1,  /* connect only if requested == service version */
};

enum ward_partition_type {
    WARD_PARTITION_PSA_ROT = 0,
    WARD_PARTITION_APPLICATION_ROT = 1,
};

enum ward_partition_priority {
    WARD_PRIORITY_LOW = 0,
    WARD_PRIORITY_NORMAL = 1,
    WARD_PRIORITY_HIGH = 2,
};

/* Stateless handles: bit 30 set, the service version in bits [15:8], the
 * manifest's stateless_handle index minus one in bits [4:0]. Connection
 * handles never have bit 30 set, so the two never collide. */
#define WARD_STATELESS_HANDLE_FLAG 0x40000000u
#define WARD_STATELESS_HANDLE(index, version)                                  \
    ((psa_handle_t)(WARD_STATELESS_HANDLE_FLAG | ((uint32_t)(version) << 8) |  \
                    ((uint32_t)(index) - 1u)))
#define WARD_STATELESS_INDEX_MAX 32u

struct ward_service_desc {
    const char *name;          /* manifest service name, e.g. "WARD_ITS" */
    uint32_t sid;
    uint32_t version;
    uint8_t version_policy;    /* enum ward_version_policy */
    bool non_secure_clients;
    bool connection_based;
    uint8_t stateless_index;   /* 1..32 for a stateless service, else 0 */
    psa_signal_t signal;       /* one bit, 4..31 */
    uint16_t partition;        /* index into the table's partitions */
};

struct ward_partition_desc {
    const char *name;
    int32_t id;                /* manifest id: the partition's client ID, > 0 */
    uint8_t type;              /* enum ward_partition_type */
    uint8_t priority;          /* enum ward_partition_priority */
    void (*entry_point)(void); /* the partition's psa_wait loop */
    size_t stack_size;
    size_t heap_size;
    uint16_t first_service;    /* services [first, first + count) */
    uint16_t service_count;
    const uint16_t *dependencies; /* service indices this partition may call */
    uint16_t dependency_count;
    psa_signal_t service_signals; /* OR of its services' signals */
};

struct ward_partition_table {
    const char *name;
    const struct ward_partition_desc *partitions;
    size_t partition_count;
    const struct ward_service_desc *services;
    size_t service_count;
};

#ifdef __cplusplus
}
#endif

#endif /* WARD_PARTITION_DESC_H */
