/*
 * ward/partition.h: what Ward gives a secure partition beyond FF-M: its own
 * private directory for persistent state.
 */
#ifndef WARD_PARTITION_H
#define WARD_PARTITION_H

#ifdef __cplusplus
extern "C" {
#endif

/* The calling partition's state directory, created 0700 by the SPM before
 * the partition starts (<SPE state>/partitions/<name in lower case>), or
 * NULL when the SPE has no state directory (then the partition must answer
 * PSA_ERROR_STORAGE_FAILURE for anything needing storage). Stable for the
 * life of the process. Aborts if the caller is not a partition. Erased by
 * the SPM when the lifecycle enters PSA_ROT_PROVISIONING or DECOMMISSIONED. */
const char *ward_partition_state_dir(void);

#ifdef __cplusplus
}
#endif

#endif /* WARD_PARTITION_H */
