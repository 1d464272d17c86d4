/*
 * crypto_keys.c: key slots, key policy, lifetimes and persistence. Key
 * material lives only in a locked arena excluded from core dumps and is
 * wiped when a key is destroyed. Persistent keys are read from storage for
 * each use into a scratch slot and wiped afterwards (no cache, so purge has
 * nothing to drop). Policy is decided here and nowhere else.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "crypto_internal.h"
#include "ward_codec.h"

#define SLOT_INDEX_BITS 9u /* 512 >= WARD_CRYPTO_KEY_SLOTS */
#define SLOT_INDEX_MASK ((1u << SLOT_INDEX_BITS) - 1u)
#define VOLATILE_GEN_MAX ((0x00ffffffu >> SLOT_INDEX_BITS))

/* Persistent key record (little-endian, ward_codec):
 *   u32 magic "WKEY", u16 version, u16 flags (0), u32 key id,
 *   u32 lifetime, u16 type, u16 reserved (0), u32 bits, u32 usage,
 *   u32 algorithm, lv32 material. */
#define KEY_RECORD_MAGIC   0x59454b57u /* "WKEY" */
#define KEY_RECORD_VERSION 1u
#define KEY_RECORD_HEADER  32u
#define KEY_RECORD_MAX     (KEY_RECORD_HEADER + 4u + WARD_CRYPTO_KEY_MAX_BYTES)

static struct key_slot *g_slots; /* WARD_CRYPTO_KEY_SLOTS + 1 scratch */
static size_t g_arena_size;
static struct ward_crypto_storage g_storage;
static uint32_t g_gen_counter;

#define SCRATCH (&g_slots[WARD_CRYPTO_KEY_SLOTS])

static void slot_wipe(struct key_slot *k)
{
    wbe_mac_free(k->mac_cache);
    wbe_aead_free(k->aead_cache);
    wbe_pkey_free(k->pkey_cache);
    wbe_cleanse(k, sizeof *k);
    memset(k, 0, sizeof *k);
}

psa_status_t keys_init(const struct ward_crypto_storage *storage)
{
    if (storage == NULL || storage->get == NULL || storage->set == NULL ||
        storage->remove == NULL || storage->get_info == NULL) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    g_arena_size = sizeof(struct key_slot) * (WARD_CRYPTO_KEY_SLOTS + 1);
    void *p = mmap(NULL, g_arena_size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        return PSA_ERROR_INSUFFICIENT_MEMORY;
    }
    /* Best effort: a low RLIMIT_MEMLOCK leaves the arena unlocked but still
     * out of core dumps (docs/crypto.md). */
    (void)mlock(p, g_arena_size);
    (void)madvise(p, g_arena_size, MADV_DONTDUMP);
    g_slots = p;
    g_storage = *storage;
    return PSA_SUCCESS;
}

void keys_shutdown(void)
{
    if (g_slots == NULL) {
        return;
    }
    for (size_t i = 0; i <= WARD_CRYPTO_KEY_SLOTS; i++) {
        slot_wipe(&g_slots[i]);
    }
    munlock(g_slots, g_arena_size);
    munmap(g_slots, g_arena_size);
    g_slots = NULL;
    memset(&g_storage, 0, sizeof g_storage);
}

void keys_session_end(int32_t owner, uint64_t session)
{
    for (size_t i = 0; i < WARD_CRYPTO_KEY_SLOTS; i++) {
        if (g_slots[i].used && g_slots[i].owner == owner && g_slots[i].session == session) {
            slot_wipe(&g_slots[i]);
        }
    }
}

/* ---- key types and sizes ------------------------------------------------------- */

/* Whether raw key data of this type and length is a valid key.
 * PSA_ERROR_NOT_SUPPORTED for types this build does not hold. */
static psa_status_t check_key_size(psa_key_type_t type, size_t len)
{
    if (type == PSA_KEY_TYPE_NONE) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    switch (type) {
    case PSA_KEY_TYPE_RAW_DATA:
    case PSA_KEY_TYPE_HMAC:
    case PSA_KEY_TYPE_DERIVE:
    case PSA_KEY_TYPE_PASSWORD:
    case PSA_KEY_TYPE_PASSWORD_HASH:
    case PSA_KEY_TYPE_PEPPER:
        if (len == 0) {
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        return len <= WARD_CRYPTO_RAW_KEY_MAX_BYTES ? PSA_SUCCESS : PSA_ERROR_NOT_SUPPORTED;
    case PSA_KEY_TYPE_AES:
    case PSA_KEY_TYPE_ARIA:
    case PSA_KEY_TYPE_CAMELLIA:
        return len == 16 || len == 24 || len == 32 ? PSA_SUCCESS
                                                   : PSA_ERROR_INVALID_ARGUMENT;
    case PSA_KEY_TYPE_SM4:
        return len == 16 ? PSA_SUCCESS : PSA_ERROR_INVALID_ARGUMENT;
    case PSA_KEY_TYPE_DES:
        return len == 8 || len == 16 || len == 24 ? PSA_SUCCESS
                                                  : PSA_ERROR_INVALID_ARGUMENT;
    case PSA_KEY_TYPE_CHACHA20:
    case PSA_KEY_TYPE_XCHACHA20:
        return len == 32 ? PSA_SUCCESS : PSA_ERROR_INVALID_ARGUMENT;
    default:
        /* ARC4, RSA, ECC, DH, SPAKE2+ and unknown types. */
        return PSA_ERROR_NOT_SUPPORTED;
    }
}

static size_t ecc_bits_of(psa_key_type_t type, size_t n);

/* A stored RSA key: valid DER of the recorded size. */
static bool rsa_record_ok(psa_key_type_t type, const uint8_t *m, size_t n, uint32_t bits)
{
    size_t b = 0;
    return wbe_rsa_check(type, m, n, &b) == PSA_SUCCESS && b == bits;
}

/* Creation rules shared by import, generate and copy. */
static psa_status_t check_create_attributes(const psa_key_attributes_t *a, bool *persistent)
{
    psa_key_lifetime_t lt = a->lifetime;
    psa_key_persistence_t pers = PSA_KEY_LIFETIME_GET_PERSISTENCE(lt);
    if (PSA_KEY_LIFETIME_GET_LOCATION(lt) != PSA_KEY_LOCATION_LOCAL_STORAGE) {
        return PSA_ERROR_NOT_SUPPORTED; /* no secure elements */
    }
    if (pers == PSA_KEY_PERSISTENCE_VOLATILE) {
        if (a->id != PSA_KEY_ID_NULL) {
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        *persistent = false;
        return PSA_SUCCESS;
    }
    if (pers == PSA_KEY_PERSISTENCE_READ_ONLY) {
        return PSA_ERROR_INVALID_ARGUMENT; /* only provisioning creates them */
    }
    if (pers != PSA_KEY_PERSISTENCE_DEFAULT) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    if (a->id < PSA_KEY_ID_USER_MIN || a->id > PSA_KEY_ID_USER_MAX) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    *persistent = true;
    return PSA_SUCCESS;
}

/* The usage flags of the 1.2 API; any other bit is INVALID_ARGUMENT. */
#define USAGE_KNOWN                                                            \
    (PSA_KEY_USAGE_EXPORT | PSA_KEY_USAGE_COPY | PSA_KEY_USAGE_CACHE |         \
     PSA_KEY_USAGE_ENCRYPT | PSA_KEY_USAGE_DECRYPT | PSA_KEY_USAGE_SIGN_MESSAGE | \
     PSA_KEY_USAGE_VERIFY_MESSAGE | PSA_KEY_USAGE_SIGN_HASH |                  \
     PSA_KEY_USAGE_VERIFY_HASH | PSA_KEY_USAGE_DERIVE |                        \
     PSA_KEY_USAGE_VERIFY_DERIVATION)

/* *_HASH usage implies the matching *_MESSAGE usage (spec, key usage). */
static psa_key_usage_t normalize_usage(psa_key_usage_t u)
{
    if (u & PSA_KEY_USAGE_SIGN_HASH) {
        u |= PSA_KEY_USAGE_SIGN_MESSAGE;
    }
    if (u & PSA_KEY_USAGE_VERIFY_HASH) {
        u |= PSA_KEY_USAGE_VERIFY_MESSAGE;
    }
    return u;
}

/* ---- persistence ------------------------------------------------------------------ */

static psa_status_t record_write(const struct key_slot *k, int32_t owner)
{
    uint8_t buf[KEY_RECORD_MAX];
    struct ward_writer w;
    ward_writer_init(&w, buf, sizeof buf);
    ward_put_u32le(&w, KEY_RECORD_MAGIC);
    ward_put_u16le(&w, KEY_RECORD_VERSION);
    ward_put_u16le(&w, 0);
    ward_put_u32le(&w, k->attr.id);
    ward_put_u32le(&w, k->attr.lifetime);
    ward_put_u16le(&w, k->attr.type);
    ward_put_u16le(&w, 0);
    ward_put_u32le(&w, (uint32_t)k->attr.bits);
    ward_put_u32le(&w, k->attr.usage);
    ward_put_u32le(&w, k->attr.alg);
    ward_put_lv32(&w, k->material, k->len);
    psa_status_t st = ward_writer_finish(&w);
    if (st == PSA_SUCCESS) {
        st = g_storage.set(g_storage.ctx, ward_crypto_key_uid(owner, k->attr.id),
                           ward_writer_len(&w), buf);
    }
    wbe_cleanse(buf, sizeof buf);
    return st;
}

/* Parse a record read for (owner, id) into k. DATA_INVALID for another
 * version; DATA_CORRUPT for anything that does not parse or does not match
 * (wrong magic, id, sizes, trailing bytes). k is written only on success. */
psa_status_t key_record_parse(const uint8_t *buf, size_t len, int32_t owner,
                              psa_key_id_t id, struct key_slot *k)
{
    psa_status_t st;
    struct ward_reader r;
    uint32_t magic = 0, rid = 0, lifetime = 0, bits = 0, usage = 0, alg = 0;
    uint16_t version = 0, flags = 0, type = 0, reserved = 0;
    const uint8_t *mat = NULL;
    size_t mat_len = 0;
    ward_reader_init(&r, buf, len);
    ward_get_u32le(&r, &magic);
    ward_get_u16le(&r, &version);
    if (r.err != PSA_SUCCESS) {
        st = PSA_ERROR_DATA_CORRUPT;
    } else if (magic != KEY_RECORD_MAGIC) {
        st = PSA_ERROR_DATA_CORRUPT;
    } else if (version != KEY_RECORD_VERSION) {
        st = PSA_ERROR_DATA_INVALID; /* refuse; never reformat */
    } else {
        ward_get_u16le(&r, &flags);
        ward_get_u32le(&r, &rid);
        ward_get_u32le(&r, &lifetime);
        ward_get_u16le(&r, &type);
        ward_get_u16le(&r, &reserved);
        ward_get_u32le(&r, &bits);
        ward_get_u32le(&r, &usage);
        ward_get_u32le(&r, &alg);
        ward_get_lv32(&r, &mat, &mat_len, WARD_CRYPTO_KEY_MAX_BYTES);
        if (ward_reader_finish(&r) != PSA_SUCCESS || flags != 0 || reserved != 0 ||
            rid != id || PSA_KEY_LIFETIME_IS_VOLATILE(lifetime) ||
            (PSA_KEY_TYPE_IS_RSA(type)
                 ? !rsa_record_ok(type, mat, mat_len, bits)
             : PSA_KEY_TYPE_IS_ECC(type)
                 ? ecc_bits_of(type, mat_len) != bits || bits == 0
             : PSA_KEY_TYPE_IS_DH(type)
                 ? !wbe_ffdh_supported(type, bits) || mat_len != PSA_BITS_TO_BYTES(bits)
                 : check_key_size(type, mat_len) != PSA_SUCCESS || bits != mat_len * 8)) {
            st = PSA_ERROR_DATA_CORRUPT;
        } else {
            memset(k, 0, sizeof *k);
            k->used = true;
            k->owner = owner;
            k->attr.id = id;
            k->attr.lifetime = lifetime;
            k->attr.type = type;
            k->attr.bits = bits;
            k->attr.usage = usage;
            k->attr.alg = alg;
            k->len = mat_len;
            memcpy(k->material, mat, mat_len);
            st = PSA_SUCCESS;
        }
    }
    return st;
}

/* Read an owner's record into k. INVALID_HANDLE if absent; DATA_INVALID for
 * a record of another version; DATA_CORRUPT for one that does not parse. */
static psa_status_t record_read(int32_t owner, psa_key_id_t id, struct key_slot *k)
{
    uint8_t buf[KEY_RECORD_MAX];
    size_t size = 0, got = 0;
    uint64_t uid = ward_crypto_key_uid(owner, id);
    psa_status_t st = g_storage.get_info(g_storage.ctx, uid, &size);
    if (st == PSA_ERROR_DOES_NOT_EXIST) {
        return PSA_ERROR_INVALID_HANDLE;
    }
    if (st != PSA_SUCCESS) {
        return st;
    }
    if (size < KEY_RECORD_HEADER) {
        return PSA_ERROR_DATA_CORRUPT;
    }
    /* A record longer than any this version writes is still read far
     * enough to tell another version (DATA_INVALID) from corruption. */
    st = g_storage.get(g_storage.ctx, uid, 0, size > sizeof buf ? sizeof buf : size, buf, &got);
    if (st == PSA_ERROR_DOES_NOT_EXIST) {
        return PSA_ERROR_INVALID_HANDLE;
    }
    if (st != PSA_SUCCESS) {
        return st;
    }
    st = key_record_parse(buf, got, owner, id, k);
    if (st == PSA_SUCCESS && size > sizeof buf) {
        wbe_cleanse(k, sizeof *k);
        st = PSA_ERROR_DATA_CORRUPT; /* trailing bytes beyond what was read */
    }
    wbe_cleanse(buf, sizeof buf);
    return st;
}

/* ---- slots --------------------------------------------------------------------------- */

static bool is_volatile_id(psa_key_id_t id)
{
    return id >= WARD_CRYPTO_KEY_ID_VOLATILE_MIN && id <= PSA_KEY_ID_VENDOR_MAX;
}

psa_status_t key_acquire(const struct ward_crypto_caller *c, psa_key_id_t id,
                         struct key_slot **out)
{
    if (is_volatile_id(id)) {
        uint32_t idx = id & SLOT_INDEX_MASK;
        uint32_t gen = (id - WARD_CRYPTO_KEY_ID_VOLATILE_MIN) >> SLOT_INDEX_BITS;
        if (idx >= WARD_CRYPTO_KEY_SLOTS) {
            return PSA_ERROR_INVALID_HANDLE;
        }
        struct key_slot *k = &g_slots[idx];
        if (!k->used || k->gen != gen || k->owner != c->owner || k->session != c->session) {
            return PSA_ERROR_INVALID_HANDLE;
        }
        *out = k;
        return PSA_SUCCESS;
    }
    if (id < PSA_KEY_ID_USER_MIN || id > PSA_KEY_ID_USER_MAX) {
        return PSA_ERROR_INVALID_HANDLE;
    }
    psa_status_t st = record_read(c->owner, id, SCRATCH);
    if (st != PSA_SUCCESS) {
        slot_wipe(SCRATCH);
        return st;
    }
    *out = SCRATCH;
    return PSA_SUCCESS;
}

void key_release(struct key_slot *k)
{
    if (k == SCRATCH) {
        slot_wipe(k);
    }
}

static psa_status_t slot_alloc(const struct ward_crypto_caller *c, struct key_slot **out,
                               psa_key_id_t *id)
{
    for (uint32_t i = 0; i < WARD_CRYPTO_KEY_SLOTS; i++) {
        if (!g_slots[i].used) {
            struct key_slot *k = &g_slots[i];
            g_gen_counter = (g_gen_counter + 1) % (VOLATILE_GEN_MAX + 1);
            memset(k, 0, sizeof *k);
            k->used = true;
            k->owner = c->owner;
            k->session = c->session;
            k->gen = g_gen_counter;
            *id = WARD_CRYPTO_KEY_ID_VOLATILE_MIN + (k->gen << SLOT_INDEX_BITS | i);
            *out = k;
            return PSA_SUCCESS;
        }
    }
    return PSA_ERROR_INSUFFICIENT_MEMORY;
}

/* Store a fully built key (material in *tmpl): a volatile slot, or a record. */
static psa_status_t key_commit(const struct ward_crypto_caller *c, struct key_slot *tmpl,
                               bool persistent, psa_key_id_t *key)
{
    psa_status_t st;
    if (persistent) {
        size_t size;
        st = g_storage.get_info(g_storage.ctx, ward_crypto_key_uid(c->owner, tmpl->attr.id),
                                &size);
        if (st == PSA_SUCCESS) {
            return PSA_ERROR_ALREADY_EXISTS;
        }
        if (st != PSA_ERROR_DOES_NOT_EXIST) {
            return st;
        }
        st = record_write(tmpl, c->owner);
        if (st == PSA_SUCCESS) {
            *key = tmpl->attr.id;
        }
        return st;
    }
    struct key_slot *k;
    psa_key_id_t id;
    st = slot_alloc(c, &k, &id);
    if (st != PSA_SUCCESS) {
        return st;
    }
    uint32_t gen = k->gen;
    *k = *tmpl;
    k->used = true;
    k->owner = c->owner;
    k->session = c->session;
    k->gen = gen;
    k->mac_cache = NULL;
    k->aead_cache = NULL;
    k->pkey_cache = NULL;
    k->attr.id = id;
    *key = id;
    return PSA_SUCCESS;
}

/* ---- policy -------------------------------------------------------------------------- */

static size_t mac_length_of(psa_algorithm_t alg, psa_key_type_t type, size_t bits)
{
    return PSA_MAC_LENGTH(type, bits, alg);
}

static bool alg_permits(psa_algorithm_t policy, psa_algorithm_t alg,
                        psa_key_type_t type, size_t bits)
{
    if (policy == alg) {
        return true;
    }
    /* ANY_HASH: only for signatures parametrized by a hash (spec, PSA_ALG_ANY_HASH),
     * which HashEdDSA's two fixed identifiers are not. */
    if (PSA_ALG_IS_SIGN_HASH(policy) && !PSA_ALG_IS_HASH_EDDSA(policy) &&
        PSA_ALG_GET_HASH(policy) == PSA_ALG_ANY_HASH) {
        return PSA_ALG_IS_SIGN_HASH(alg) && (alg & ~0xffu) == (policy & ~0xffu) &&
               PSA_ALG_IS_HASH(PSA_ALG_GET_HASH(alg)) &&
               PSA_ALG_GET_HASH(alg) != PSA_ALG_ANY_HASH;
    }
    if (PSA_ALG_IS_MAC(policy) && PSA_ALG_IS_MAC(alg) &&
        PSA_ALG_FULL_LENGTH_MAC(policy) == PSA_ALG_FULL_LENGTH_MAC(alg)) {
        size_t want = mac_length_of(policy, type, bits);
        size_t got = mac_length_of(alg, type, bits);
        if (policy & 0x00008000u) {
            return got >= want;
        }
        return got == want; /* TRUNCATED_MAC(x, full) is x */
    }
    if (policy == PSA_ALG_CCM_STAR_ANY_TAG) {
        size_t tag = PSA_AEAD_TAG_LENGTH(type, bits, alg);
        return alg == PSA_ALG_CCM_STAR_NO_TAG ||
               (PSA_ALG_IS_AEAD(alg) && !(alg & 0x00008000u) &&
                PSA_ALG_AEAD_WITH_SHORTENED_TAG(alg, 0) ==
                    PSA_ALG_AEAD_WITH_SHORTENED_TAG(PSA_ALG_CCM, 0) &&
                (tag == 4 || tag == 8 || tag == 16));
    }
    if (PSA_ALG_IS_AEAD(policy) && PSA_ALG_IS_AEAD(alg) && (policy & 0x00008000u) &&
        PSA_ALG_AEAD_WITH_SHORTENED_TAG(policy, 0) == PSA_ALG_AEAD_WITH_SHORTENED_TAG(alg, 0)) {
        return PSA_AEAD_TAG_LENGTH(type, bits, alg) >= PSA_AEAD_TAG_LENGTH(type, bits, policy);
    }
    return false;
}

psa_status_t key_policy_check(const struct key_slot *k, psa_key_usage_t usage,
                              psa_algorithm_t alg)
{
    if ((k->attr.usage & usage) != usage) {
        return PSA_ERROR_NOT_PERMITTED;
    }
    if (!alg_permits(k->attr.alg, alg, k->attr.type, k->attr.bits)) {
        return PSA_ERROR_NOT_PERMITTED;
    }
    return PSA_SUCCESS;
}

/* The most permissive algorithm both policies allow; false if none. */
static bool alg_intersect(psa_algorithm_t a, psa_algorithm_t b, psa_key_type_t type,
                          size_t bits, psa_algorithm_t *out)
{
    if (a == b || b == PSA_ALG_NONE) {
        *out = b == PSA_ALG_NONE ? PSA_ALG_NONE : a;
        return true;
    }
    if (a == PSA_ALG_NONE) {
        *out = PSA_ALG_NONE;
        return true;
    }
    /* A wildcard and an algorithm it permits. */
    if (!PSA_ALG_IS_WILDCARD(b) && b != PSA_ALG_CCM_STAR_ANY_TAG &&
        alg_permits(a, b, type, bits)) {
        *out = b;
        return true;
    }
    if (!PSA_ALG_IS_WILDCARD(a) && a != PSA_ALG_CCM_STAR_ANY_TAG &&
        alg_permits(b, a, type, bits)) {
        *out = a;
        return true;
    }
    /* Two at-least-this-length wildcards of one base: the longer minimum. */
    if (PSA_ALG_IS_MAC(a) && PSA_ALG_IS_MAC(b) && (a & b & 0x00008000u) &&
        PSA_ALG_FULL_LENGTH_MAC(a) == PSA_ALG_FULL_LENGTH_MAC(b)) {
        size_t la = mac_length_of(a, type, bits), lb = mac_length_of(b, type, bits);
        *out = la >= lb ? a : b;
        return true;
    }
    if (PSA_ALG_IS_AEAD(a) && PSA_ALG_IS_AEAD(b) && (a & b & 0x00008000u) &&
        PSA_ALG_AEAD_WITH_SHORTENED_TAG(a, 0) == PSA_ALG_AEAD_WITH_SHORTENED_TAG(b, 0)) {
        *out = PSA_AEAD_TAG_LENGTH(type, bits, a) >= PSA_AEAD_TAG_LENGTH(type, bits, b) ? a : b;
        return true;
    }
    return false;
}

/* ---- key management entry points -------------------------------------------------------- */

static void set_des_parity(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t b = p[i] & 0xfe;
        uint8_t ones = 0;
        for (int j = 1; j < 8; j++) {
            ones ^= (uint8_t)((b >> j) & 1u);
        }
        p[i] = (uint8_t)(b | (ones ^ 1u));
    }
}

/* ECC key sizes: the size in bits of n bytes of material of this type, or 0
 * if no supported curve of the family has that length. */
static size_t ecc_bits_of(psa_key_type_t type, size_t n)
{
    size_t flen = n;
    if (PSA_KEY_TYPE_IS_ECC_PUBLIC_KEY(type) &&
        PSA_KEY_TYPE_ECC_GET_FAMILY(type) != PSA_ECC_FAMILY_MONTGOMERY &&
        PSA_KEY_TYPE_ECC_GET_FAMILY(type) != PSA_ECC_FAMILY_TWISTED_EDWARDS) {
        if (n < 3 || n % 2 == 0) {
            return 0;
        }
        flen = (n - 1) / 2;
    }
    static const size_t sizes[] = {192, 224, 255, 256, 384, 448, 512, 521};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        if (WBE_ECC_KEY_BYTES(type, sizes[i]) == flen && wbe_ecc_supported(type, sizes[i])) {
            return sizes[i];
        }
    }
    return 0;
}

static bool ecc_family_supported(psa_key_type_t type)
{
    psa_ecc_family_t f = PSA_KEY_TYPE_ECC_GET_FAMILY(type);
    return f == PSA_ECC_FAMILY_SECP_R1 || f == PSA_ECC_FAMILY_SECP_K1 ||
           f == PSA_ECC_FAMILY_BRAINPOOL_P_R1 || f == PSA_ECC_FAMILY_MONTGOMERY ||
           f == PSA_ECC_FAMILY_TWISTED_EDWARDS;
}

/* Size and validity of an ECC key to import or generate. */
static psa_status_t ecc_size(const psa_key_attributes_t *a, const uint8_t *data, size_t n,
                             bool generate, size_t *len, size_t *bits)
{
    if (!ecc_family_supported(a->type)) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    if (generate) {
        if (a->bits == 0) {
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        if (!wbe_ecc_supported(a->type, a->bits)) {
            return PSA_ERROR_NOT_SUPPORTED;
        }
        *bits = a->bits;
        *len = WBE_ECC_KEY_BYTES(a->type, a->bits);
        return PSA_SUCCESS;
    }
    if (a->bits != 0 && !wbe_ecc_supported(a->type, a->bits)) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    size_t b = ecc_bits_of(a->type, n);
    if (n > 1 && PSA_KEY_TYPE_IS_ECC_PUBLIC_KEY(a->type) && (data[0] == 2 || data[0] == 3) &&
        b == 0 && ecc_bits_of(a->type, 2 * n - 1) != 0) {
        return PSA_ERROR_NOT_SUPPORTED; /* a compressed point */
    }
    if (b == 0 || (a->bits != 0 && a->bits != b)) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    psa_status_t st = wbe_ecc_check(a->type, b, data, n);
    if (st != PSA_SUCCESS) {
        return st;
    }
    *bits = b;
    *len = n;
    return PSA_SUCCESS;
}

/* Size and validity of a finite-field DH key to import or generate: the
 * RFC 7919 groups, whose size is the length of the data on import. */
static psa_status_t dh_size(const psa_key_attributes_t *a, const uint8_t *data, size_t n,
                            bool generate, size_t *len, size_t *bits)
{
    if (PSA_KEY_TYPE_DH_GET_FAMILY(a->type) != PSA_DH_FAMILY_RFC7919) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    size_t b = generate ? a->bits : 8 * n;
    if (generate && b == 0) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    if (!generate && a->bits != 0 && a->bits != b) {
        return wbe_ffdh_supported(a->type, a->bits) ? PSA_ERROR_INVALID_ARGUMENT
                                                    : PSA_ERROR_NOT_SUPPORTED;
    }
    if (!wbe_ffdh_supported(a->type, b)) {
        /* On import, data of no group's length is malformed. */
        return generate || a->bits != 0 ? PSA_ERROR_NOT_SUPPORTED : PSA_ERROR_INVALID_ARGUMENT;
    }
    if (!generate) {
        psa_status_t st = wbe_ffdh_check(a->type, b, data, n);
        if (st != PSA_SUCCESS) {
            return st;
        }
    }
    *bits = b;
    *len = PSA_BITS_TO_BYTES(b);
    return PSA_SUCCESS;
}

static size_t g_rsa_max_bits = WARD_CRYPTO_RSA_MAX_BITS_DEFAULT;

void ward_crypto_set_rsa_max_bits(size_t max_bits)
{
    if (max_bits == 0 || max_bits > WARD_CRYPTO_RSA_MAX_BITS_DEFAULT) {
        max_bits = WARD_CRYPTO_RSA_MAX_BITS_DEFAULT;
    }
    __atomic_store_n(&g_rsa_max_bits, max_bits, __ATOMIC_RELAXED);
}

#define RSA_MIN_BITS_IMPORT 512u
#define RSA_MIN_BITS_GENERATE 1024u

/* An RSA key to import (validated, *bits its size) or generate (into
 * material, *len its DER length; on generation data/n is the public
 * exponent, big-endian, n = 0 for 65537). */
static psa_status_t rsa_create(const psa_key_attributes_t *a, const uint8_t *data, size_t n,
                               bool generate, uint8_t *material, size_t *len, size_t *bits)
{
    size_t max = __atomic_load_n(&g_rsa_max_bits, __ATOMIC_RELAXED);
    if (generate) {
        if (a->bits == 0) {
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        if (a->bits < RSA_MIN_BITS_GENERATE || a->bits > max || a->bits % 8 != 0) {
            return PSA_ERROR_NOT_SUPPORTED;
        }
        *bits = a->bits;
        return wbe_rsa_generate(a->bits, data, n, material, WARD_CRYPTO_KEY_MAX_BYTES, len);
    }
    if (n > WARD_CRYPTO_KEY_MAX_BYTES) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    size_t b = 0;
    psa_status_t st = wbe_rsa_check(a->type, data, n, &b);
    if (st != PSA_SUCCESS) {
        return st;
    }
    if (a->bits != 0 && a->bits != b) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    if (b < RSA_MIN_BITS_IMPORT || b > max) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    memcpy(material, data, n);
    *len = n;
    *bits = b;
    return PSA_SUCCESS;
}

static psa_status_t create_key(const struct ward_crypto_caller *c,
                               const psa_key_attributes_t *attributes,
                               const uint8_t *data, size_t data_length, bool generate,
                               psa_key_id_t *key)
{
    bool persistent = false;
    psa_status_t st;
    *key = PSA_KEY_ID_NULL;
    if (attributes->type == PSA_KEY_TYPE_NONE || (attributes->usage & ~USAGE_KNOWN) != 0 ||
        (generate && PSA_KEY_TYPE_IS_PUBLIC_KEY(attributes->type))) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    st = check_create_attributes(attributes, &persistent);
    if (st != PSA_SUCCESS) {
        return st;
    }
    size_t len, bits;
    if (PSA_KEY_TYPE_IS_RSA(attributes->type)) {
        struct key_slot *tmpl = SCRATCH;
        memset(tmpl, 0, sizeof *tmpl);
        st = rsa_create(attributes, data, data_length, generate, tmpl->material, &len, &bits);
        if (st == PSA_SUCCESS) {
            tmpl->attr = *attributes;
            tmpl->attr.reserved = 0;
            tmpl->attr.bits = bits;
            tmpl->attr.usage = normalize_usage(attributes->usage);
            tmpl->len = len;
            st = key_commit(c, tmpl, persistent, key);
        }
        slot_wipe(tmpl);
        return st;
    }
    if (PSA_KEY_TYPE_IS_ECC(attributes->type)) {
        st = ecc_size(attributes, data, data_length, generate, &len, &bits);
        if (st != PSA_SUCCESS) {
            return st;
        }
    } else if (PSA_KEY_TYPE_IS_DH(attributes->type)) {
        st = dh_size(attributes, data, data_length, generate, &len, &bits);
        if (st != PSA_SUCCESS) {
            return st;
        }
    } else if (generate) {
        if (attributes->bits == 0 || attributes->bits % 8 != 0) {
            return PSA_KEY_TYPE_IS_ASYMMETRIC(attributes->type) ? PSA_ERROR_NOT_SUPPORTED
                                                                : PSA_ERROR_INVALID_ARGUMENT;
        }
        len = attributes->bits / 8;
        bits = len * 8;
    } else {
        len = data_length;
        bits = len * 8;
        if (attributes->bits != 0 && attributes->bits != len * 8) {
            st = check_key_size(attributes->type, len);
            return st == PSA_ERROR_NOT_SUPPORTED ? st : PSA_ERROR_INVALID_ARGUMENT;
        }
    }
    if (!PSA_KEY_TYPE_IS_ECC(attributes->type) && !PSA_KEY_TYPE_IS_DH(attributes->type)) {
        st = check_key_size(attributes->type, len);
        if (st != PSA_SUCCESS) {
            return st;
        }
    }
    struct key_slot *tmpl = SCRATCH;
    memset(tmpl, 0, sizeof *tmpl);
    tmpl->attr = *attributes;
    tmpl->attr.reserved = 0;
    tmpl->attr.bits = bits;
    tmpl->attr.usage = normalize_usage(attributes->usage);
    tmpl->len = len;
    if (generate && PSA_KEY_TYPE_IS_ECC(attributes->type)) {
        st = wbe_ecc_generate(attributes->type, bits, tmpl->material);
    } else if (generate && PSA_KEY_TYPE_IS_DH(attributes->type)) {
        st = wbe_ffdh_generate(attributes->type, bits, tmpl->material);
    } else if (generate) {
        st = wbe_random_secret(tmpl->material, len);
        if (st == PSA_SUCCESS && attributes->type == PSA_KEY_TYPE_DES) {
            set_des_parity(tmpl->material, len);
        }
    } else {
        memcpy(tmpl->material, data, len);
    }
    if (st == PSA_SUCCESS) {
        st = key_commit(c, tmpl, persistent, key);
    }
    slot_wipe(tmpl);
    return st;
}

/* Derived keys (crypto_kdf.c): the checks of psa_key_derivation_output_key
 * before any output is consumed. *len = the bytes of output the key takes. */
psa_status_t key_derive_check(const psa_key_attributes_t *a, size_t *len)
{
    bool persistent = false;
    if (a->type == PSA_KEY_TYPE_NONE || (a->usage & ~USAGE_KNOWN) != 0 ||
        PSA_KEY_TYPE_IS_PUBLIC_KEY(a->type)) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    psa_status_t st = check_create_attributes(a, &persistent);
    if (st != PSA_SUCCESS) {
        return st;
    }
    if (PSA_KEY_TYPE_IS_DH_KEY_PAIR(a->type)) {
        /* The derivation draws candidates of p's length (crypto_kdf.c). */
        if (a->bits == 0) {
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        *len = PSA_BITS_TO_BYTES(a->bits);
        return wbe_ffdh_supported(a->type, a->bits) ? PSA_SUCCESS : PSA_ERROR_NOT_SUPPORTED;
    }
    if (PSA_KEY_TYPE_IS_ASYMMETRIC(a->type) || a->type == PSA_KEY_TYPE_DES) {
        return PSA_ERROR_NOT_SUPPORTED; /* not built (DES: no weak-key handling) */
    }
    if (a->bits == 0 || a->bits % 8 != 0) {
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    *len = a->bits / 8;
    return check_key_size(a->type, *len);
}

/* Create a key from derived bytes (after key_derive_check). */
psa_status_t key_create_derived(const struct ward_crypto_caller *c,
                                const psa_key_attributes_t *a, const uint8_t *data,
                                size_t len, psa_key_id_t *key)
{
    return create_key(c, a, data, len, false, key);
}

psa_status_t ward_crypto_import_key(const struct ward_crypto_caller *caller,
                                    const psa_key_attributes_t *attributes,
                                    const uint8_t *data, size_t data_length,
                                    psa_key_id_t *key)
{
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    st = create_key(caller, attributes, data, data_length, false, key);
    core_leave();
    return st;
}

psa_status_t ward_crypto_generate_key(const struct ward_crypto_caller *caller,
                                      const psa_key_attributes_t *attributes,
                                      psa_key_id_t *key)
{
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    st = create_key(caller, attributes, NULL, 0, true, key);
    core_leave();
    return st;
}

/* psa_generate_key_custom (PSA 1.3). The only non-default production
 * parameter is the RSA public exponent: custom_data in little-endian byte
 * order, as the spec's PSA_KEY_TYPE_RSA_KEY_PAIR text says; an odd integer
 * greater than 1, supported up to 2^256. */
#define RSA_CUSTOM_EXPONENT_MAX_BYTES 32u

psa_status_t ward_crypto_generate_key_custom(const struct ward_crypto_caller *caller,
                                             const psa_key_attributes_t *attributes,
                                             const psa_custom_key_parameters_t *custom,
                                             const uint8_t *custom_data,
                                             size_t custom_data_length, psa_key_id_t *key)
{
    *key = PSA_KEY_ID_NULL;
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    uint8_t e[RSA_CUSTOM_EXPONENT_MAX_BYTES];
    size_t e_len = custom_data_length;
    while (e_len > 0 && custom_data[e_len - 1] == 0) {
        e_len--; /* high-order zero bytes */
    }
    if (custom->flags != 0) {
        st = PSA_ERROR_INVALID_ARGUMENT;
    } else if (custom_data_length != 0 && attributes->type != PSA_KEY_TYPE_RSA_KEY_PAIR) {
        st = PSA_ERROR_INVALID_ARGUMENT; /* reserved for other key types */
    } else if (custom_data_length != 0 &&
               (e_len == 0 || (custom_data[0] & 1u) == 0 || (e_len == 1 && custom_data[0] == 1))) {
        st = PSA_ERROR_INVALID_ARGUMENT; /* zero, even or 1 */
    } else if (e_len > sizeof e) {
        st = PSA_ERROR_NOT_SUPPORTED;
    } else {
        for (size_t i = 0; i < e_len; i++) {
            e[i] = custom_data[e_len - 1 - i]; /* to big-endian */
        }
        st = create_key(caller, attributes, e, e_len, true, key);
    }
    core_leave();
    return st;
}

psa_status_t ward_crypto_copy_key(const struct ward_crypto_caller *caller,
                                  psa_key_id_t source_key,
                                  const psa_key_attributes_t *attributes,
                                  psa_key_id_t *target_key)
{
    struct key_slot *src;
    struct key_slot tmp_attr_only;
    bool persistent = false;
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    *target_key = PSA_KEY_ID_NULL;
    st = key_acquire(caller, source_key, &src);
    if (st != PSA_SUCCESS) {
        core_leave();
        return st;
    }
    if (!(src->attr.usage & PSA_KEY_USAGE_COPY)) {
        st = PSA_ERROR_NOT_PERMITTED;
        goto out;
    }
    if ((attributes->type != PSA_KEY_TYPE_NONE && attributes->type != src->attr.type) ||
        (attributes->bits != 0 && attributes->bits != src->attr.bits)) {
        st = PSA_ERROR_INVALID_ARGUMENT;
        goto out;
    }
    st = check_create_attributes(attributes, &persistent);
    if (st != PSA_SUCCESS) {
        goto out;
    }
    psa_algorithm_t alg;
    if (!alg_intersect(src->attr.alg, attributes->alg, src->attr.type, src->attr.bits, &alg)) {
        st = PSA_ERROR_INVALID_ARGUMENT;
        goto out;
    }
    /* Build the copy in a heap-free way: the source may be the scratch
     * slot, so take the attributes first, then move the material. */
    memset(&tmp_attr_only.attr, 0, sizeof tmp_attr_only.attr);
    tmp_attr_only.attr.type = src->attr.type;
    tmp_attr_only.attr.bits = src->attr.bits;
    tmp_attr_only.attr.lifetime = attributes->lifetime;
    tmp_attr_only.attr.id = attributes->id;
    tmp_attr_only.attr.alg = alg;
    tmp_attr_only.attr.usage = src->attr.usage & normalize_usage(attributes->usage);
    if (src != SCRATCH) {
        struct key_slot *t = SCRATCH;
        memset(t, 0, sizeof *t);
        t->len = src->len;
        memcpy(t->material, src->material, src->len);
    }
    {
        struct key_slot *t = SCRATCH;
        t->mac_cache = NULL;
        t->aead_cache = NULL;
        t->pkey_cache = NULL;
        t->attr = tmp_attr_only.attr;
        st = key_commit(caller, t, persistent, target_key);
        slot_wipe(t);
    }
    core_leave();
    return st;
out:
    key_release(src);
    core_leave();
    return st;
}

psa_status_t ward_crypto_destroy_key(const struct ward_crypto_caller *caller, psa_key_id_t key)
{
    struct key_slot *k;
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    if (key == PSA_KEY_ID_NULL) {
        core_leave();
        return PSA_SUCCESS;
    }
    st = key_acquire(caller, key, &k);
    if (st == PSA_SUCCESS || st == PSA_ERROR_DATA_CORRUPT || st == PSA_ERROR_DATA_INVALID) {
        ops_abort_using_key(caller->owner, key);
    }
    if (st == PSA_SUCCESS) {
        if (k == SCRATCH) {
            if (PSA_KEY_LIFETIME_GET_PERSISTENCE(k->attr.lifetime) ==
                PSA_KEY_PERSISTENCE_READ_ONLY) {
                st = PSA_ERROR_NOT_PERMITTED;
            } else {
                st = g_storage.remove(g_storage.ctx, ward_crypto_key_uid(caller->owner, key));
            }
        }
        slot_wipe(k);
    } else if (st == PSA_ERROR_DATA_CORRUPT || st == PSA_ERROR_DATA_INVALID) {
        /* A record that cannot be read can still be removed. */
        st = g_storage.remove(g_storage.ctx, ward_crypto_key_uid(caller->owner, key));
    }
    core_leave();
    return st;
}

psa_status_t ward_crypto_purge_key(const struct ward_crypto_caller *caller, psa_key_id_t key)
{
    struct key_slot *k;
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    st = key_acquire(caller, key, &k);
    if (st == PSA_SUCCESS) {
        key_release(k); /* nothing cached for persistent keys */
    }
    core_leave();
    return st;
}

psa_status_t ward_crypto_get_key_attributes(const struct ward_crypto_caller *caller,
                                            psa_key_id_t key,
                                            psa_key_attributes_t *attributes)
{
    struct key_slot *k;
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    psa_reset_key_attributes(attributes);
    st = key_acquire(caller, key, &k);
    if (st == PSA_SUCCESS) {
        *attributes = k->attr;
        key_release(k);
    }
    core_leave();
    return st;
}

psa_status_t ward_crypto_export_key(const struct ward_crypto_caller *caller, psa_key_id_t key,
                                    uint8_t *data, size_t data_size, size_t *data_length)
{
    struct key_slot *k;
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    *data_length = 0;
    st = key_acquire(caller, key, &k);
    if (st != PSA_SUCCESS) {
        core_leave();
        return st;
    }
    /* A public key can always be exported (spec, PSA_KEY_USAGE_EXPORT). */
    if (!(k->attr.usage & PSA_KEY_USAGE_EXPORT) && !PSA_KEY_TYPE_IS_PUBLIC_KEY(k->attr.type)) {
        st = PSA_ERROR_NOT_PERMITTED;
    } else if (data_size < k->len) {
        st = PSA_ERROR_BUFFER_TOO_SMALL;
    } else {
        memcpy(data, k->material, k->len);
        *data_length = k->len;
    }
    key_release(k);
    core_leave();
    return st;
}

psa_status_t ward_crypto_export_public_key(const struct ward_crypto_caller *caller,
                                           psa_key_id_t key, uint8_t *data,
                                           size_t data_size, size_t *data_length)
{
    struct key_slot *k;
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    *data_length = 0;
    st = key_acquire(caller, key, &k);
    if (st == PSA_SUCCESS) {
        if (PSA_KEY_TYPE_IS_RSA(k->attr.type)) {
            st = wbe_rsa_public(k->attr.type, k->material, k->len, data, data_size,
                                data_length);
        } else if (PSA_KEY_TYPE_IS_ECC(k->attr.type)) {
            st = wbe_ecc_public(k->attr.type, k->attr.bits, k->material, k->len, data,
                                data_size, data_length);
        } else if (PSA_KEY_TYPE_IS_DH(k->attr.type)) {
            st = wbe_ffdh_public(k->attr.type, k->attr.bits, k->material, k->len, data,
                                 data_size, data_length);
        } else {
            st = PSA_ERROR_INVALID_ARGUMENT; /* symmetric: no public part */
        }
        key_release(k);
    }
    core_leave();
    return st;
}
