/*
 * psa/storage_common.h: the types and flags shared by the PSA Secure
 * Storage API 1.0 (Internal Trusted Storage and Protected Storage).
 */
#ifndef PSA_STORAGE_COMMON_H
#define PSA_STORAGE_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Flags given when an asset is created. */
typedef uint32_t psa_storage_create_flags_t;

/* A storage asset's identifier, unique within the caller's namespace.
 * 0 is reserved and invalid for every function. */
typedef uint64_t psa_storage_uid_t;

/* What psa_its_get_info and psa_ps_get_info report. */
struct psa_storage_info_t {
    size_t capacity;                  /* allocated bytes */
    size_t size;                      /* bytes of data stored */
    psa_storage_create_flags_t flags; /* the protection applied */
};

#define PSA_STORAGE_FLAG_NONE                 0u
/* The asset can neither be modified nor removed once set. */
#define PSA_STORAGE_FLAG_WRITE_ONCE           (1u << 0)
/* Hint: the asset needs no confidentiality protection. */
#define PSA_STORAGE_FLAG_NO_CONFIDENTIALITY   (1u << 1)
/* Hint: the asset needs no replay protection. */
#define PSA_STORAGE_FLAG_NO_REPLAY_PROTECTION (1u << 2)

/* psa_ps_get_support(): psa_ps_create and psa_ps_set_extended work. */
#define PSA_STORAGE_SUPPORT_SET_EXTENDED      (1u << 0)

#ifdef __cplusplus
}
#endif

#endif /* PSA_STORAGE_COMMON_H */
