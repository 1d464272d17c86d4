/*
 * psa/crypto_struct.h: the objects an application allocates. Every multi-part
 * operation is an opaque handle into the implementation (one ABI for every
 * Ward library, DESIGN.md §6); key attributes are a plain structure whose
 * accessors are inline. The layout of these structures is part of Ward's ABI.
 */
#ifndef PSA_CRYPTO_STRUCT_H
#define PSA_CRYPTO_STRUCT_H

#include "psa/crypto_values.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Operation objects: handle 0 is the inactive (initial) state. */
struct psa_hash_operation_s { uint32_t handle; };
struct psa_mac_operation_s { uint32_t handle; };
struct psa_cipher_operation_s { uint32_t handle; };
struct psa_aead_operation_s { uint32_t handle; };
struct psa_key_derivation_s { uint32_t handle; };
struct psa_pake_operation_s { uint32_t handle; };

typedef struct psa_hash_operation_s psa_hash_operation_t;
typedef struct psa_mac_operation_s psa_mac_operation_t;
typedef struct psa_cipher_operation_s psa_cipher_operation_t;
typedef struct psa_aead_operation_s psa_aead_operation_t;
typedef struct psa_key_derivation_s psa_key_derivation_operation_t;
typedef struct psa_pake_operation_s psa_pake_operation_t;

#define PSA_HASH_OPERATION_INIT           { 0 }
#define PSA_MAC_OPERATION_INIT            { 0 }
#define PSA_CIPHER_OPERATION_INIT         { 0 }
#define PSA_AEAD_OPERATION_INIT           { 0 }
#define PSA_KEY_DERIVATION_OPERATION_INIT { 0 }
#define PSA_PAKE_OPERATION_INIT           { 0 }

static inline psa_hash_operation_t psa_hash_operation_init(void)
{
    const psa_hash_operation_t v = PSA_HASH_OPERATION_INIT;
    return v;
}
static inline psa_mac_operation_t psa_mac_operation_init(void)
{
    const psa_mac_operation_t v = PSA_MAC_OPERATION_INIT;
    return v;
}
static inline psa_cipher_operation_t psa_cipher_operation_init(void)
{
    const psa_cipher_operation_t v = PSA_CIPHER_OPERATION_INIT;
    return v;
}
static inline psa_aead_operation_t psa_aead_operation_init(void)
{
    const psa_aead_operation_t v = PSA_AEAD_OPERATION_INIT;
    return v;
}
static inline psa_key_derivation_operation_t psa_key_derivation_operation_init(void)
{
    const psa_key_derivation_operation_t v = PSA_KEY_DERIVATION_OPERATION_INIT;
    return v;
}
static inline psa_pake_operation_t psa_pake_operation_init(void)
{
    const psa_pake_operation_t v = PSA_PAKE_OPERATION_INIT;
    return v;
}

/* Key attributes. */
struct psa_key_attributes_s {
    psa_key_type_t type;
    uint16_t reserved; /* zero */
    psa_key_lifetime_t lifetime;
    psa_key_id_t id;
    psa_key_usage_t usage;
    psa_algorithm_t alg;
    size_t bits;
};
typedef struct psa_key_attributes_s psa_key_attributes_t;

/* Custom production parameters of key generation and derivation (PSA 1.3).
 * flags 0 and no custom data are the defaults. */
struct psa_custom_key_parameters_s {
    uint32_t flags;
};
typedef struct psa_custom_key_parameters_s psa_custom_key_parameters_t;

#define PSA_CUSTOM_KEY_PARAMETERS_INIT { 0 }

#define PSA_KEY_ATTRIBUTES_INIT { 0, 0, 0, 0, 0, 0, 0 }

static inline psa_key_attributes_t psa_key_attributes_init(void)
{
    const psa_key_attributes_t v = PSA_KEY_ATTRIBUTES_INIT;
    return v;
}

/* Setting an identifier makes a volatile key persistent (default
 * persistence, same location); setting a volatile lifetime clears the
 * identifier. Both as the specification requires. */
static inline void psa_set_key_id(psa_key_attributes_t *attributes,
                                  psa_key_id_t id)
{
    attributes->id = id;
    if (PSA_KEY_LIFETIME_IS_VOLATILE(attributes->lifetime)) {
        attributes->lifetime = PSA_KEY_LIFETIME_FROM_PERSISTENCE_AND_LOCATION(
            PSA_KEY_PERSISTENCE_DEFAULT,
            PSA_KEY_LIFETIME_GET_LOCATION(attributes->lifetime));
    }
}
static inline psa_key_id_t psa_get_key_id(const psa_key_attributes_t *attributes)
{
    return attributes->id;
}
static inline void psa_set_key_lifetime(psa_key_attributes_t *attributes,
                                        psa_key_lifetime_t lifetime)
{
    attributes->lifetime = lifetime;
    if (PSA_KEY_LIFETIME_IS_VOLATILE(lifetime)) {
        attributes->id = PSA_KEY_ID_NULL;
    }
}
static inline psa_key_lifetime_t
psa_get_key_lifetime(const psa_key_attributes_t *attributes)
{
    return attributes->lifetime;
}
static inline void psa_set_key_usage_flags(psa_key_attributes_t *attributes,
                                           psa_key_usage_t usage_flags)
{
    attributes->usage = usage_flags;
}
static inline psa_key_usage_t
psa_get_key_usage_flags(const psa_key_attributes_t *attributes)
{
    return attributes->usage;
}
static inline void psa_set_key_algorithm(psa_key_attributes_t *attributes,
                                         psa_algorithm_t alg)
{
    attributes->alg = alg;
}
static inline psa_algorithm_t
psa_get_key_algorithm(const psa_key_attributes_t *attributes)
{
    return attributes->alg;
}
static inline void psa_set_key_type(psa_key_attributes_t *attributes,
                                    psa_key_type_t type)
{
    attributes->type = type;
}
static inline psa_key_type_t psa_get_key_type(const psa_key_attributes_t *attributes)
{
    return attributes->type;
}
static inline void psa_set_key_bits(psa_key_attributes_t *attributes, size_t bits)
{
    attributes->bits = bits;
}
static inline size_t psa_get_key_bits(const psa_key_attributes_t *attributes)
{
    return attributes->bits;
}
static inline void psa_reset_key_attributes(psa_key_attributes_t *attributes)
{
    const psa_key_attributes_t v = PSA_KEY_ATTRIBUTES_INIT;
    *attributes = v;
}

/* PAKE cipher suite (1.2 PAKE extension). */
struct psa_pake_cipher_suite_s {
    psa_algorithm_t algorithm;
    psa_pake_primitive_t primitive;
    uint32_t key_confirmation;
};
typedef struct psa_pake_cipher_suite_s psa_pake_cipher_suite_t;

#define PSA_PAKE_CIPHER_SUITE_INIT { 0, 0, PSA_PAKE_CONFIRMED_KEY }

static inline psa_pake_cipher_suite_t psa_pake_cipher_suite_init(void)
{
    const psa_pake_cipher_suite_t v = PSA_PAKE_CIPHER_SUITE_INIT;
    return v;
}
static inline psa_algorithm_t
psa_pake_cs_get_algorithm(const psa_pake_cipher_suite_t *cipher_suite)
{
    return cipher_suite->algorithm;
}
static inline void psa_pake_cs_set_algorithm(psa_pake_cipher_suite_t *cipher_suite,
                                             psa_algorithm_t alg)
{
    cipher_suite->algorithm = alg;
}
static inline psa_pake_primitive_t
psa_pake_cs_get_primitive(const psa_pake_cipher_suite_t *cipher_suite)
{
    return cipher_suite->primitive;
}
static inline void psa_pake_cs_set_primitive(psa_pake_cipher_suite_t *cipher_suite,
                                             psa_pake_primitive_t primitive)
{
    cipher_suite->primitive = primitive;
}
static inline uint32_t
psa_pake_cs_get_key_confirmation(const psa_pake_cipher_suite_t *cipher_suite)
{
    return cipher_suite->key_confirmation;
}
static inline void
psa_pake_cs_set_key_confirmation(psa_pake_cipher_suite_t *cipher_suite,
                                 uint32_t key_confirmation)
{
    cipher_suite->key_confirmation = key_confirmation;
}

#ifdef __cplusplus
}
#endif

#endif /* PSA_CRYPTO_STRUCT_H */
