/*
 * psa/crypto_sizes.h: the buffer-size macros of the PSA Certified Crypto API
 * 1.2. Each evaluates to a size sufficient for every algorithm and key type
 * the API defines (so an application sized by these macros works with any
 * implementation), and to 0 for combinations that are not valid.
 */
#ifndef PSA_CRYPTO_SIZES_H
#define PSA_CRYPTO_SIZES_H

#include "psa/crypto_values.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PSA_BITS_TO_BYTES(bits) (((size_t)(bits) + 7u) / 8u)
#define PSA_BYTES_TO_BITS(bytes) ((size_t)(bytes) * 8u)
#define PSA_ROUND_UP_TO_MULTIPLE(block_size, length) \
    (((size_t)(length) + (size_t)(block_size) - 1u) / (size_t)(block_size) * \
     (size_t)(block_size))

/* ---- Hash ---------------------------------------------------------------- */
#define PSA_HASH_LENGTH(alg)                                            \
    (PSA_ALG_GET_HASH(alg) == PSA_ALG_MD2 ? 16u :                      \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_MD4 ? 16u :                      \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_MD5 ? 16u :                      \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_RIPEMD160 ? 20u :                \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_SHA_1 ? 20u :                    \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_AES_MMO_ZIGBEE ? 16u :           \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_SHA_224 ? 28u :                  \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_SHA_256 ? 32u :                  \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_SHA_384 ? 48u :                  \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_SHA_512 ? 64u :                  \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_SHA_512_224 ? 28u :              \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_SHA_512_256 ? 32u :              \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_SHA3_224 ? 28u :                 \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_SHA3_256 ? 32u :                 \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_SHA3_384 ? 48u :                 \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_SHA3_512 ? 64u :                 \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_SM3 ? 32u :                      \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_SHAKE256_512 ? 64u :             \
     0u)
#define PSA_HASH_MAX_SIZE 64u

#define PSA_HASH_BLOCK_LENGTH(alg)                                      \
    (PSA_ALG_GET_HASH(alg) == PSA_ALG_MD2 ? 16u :                      \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_MD4 ? 64u :                      \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_MD5 ? 64u :                      \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_RIPEMD160 ? 64u :                \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_SHA_1 ? 64u :                    \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_AES_MMO_ZIGBEE ? 16u :           \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_SHA_224 ? 64u :                  \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_SHA_256 ? 64u :                  \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_SHA_384 ? 128u :                 \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_SHA_512 ? 128u :                 \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_SHA_512_224 ? 128u :             \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_SHA_512_256 ? 128u :             \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_SHA3_224 ? 144u :                \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_SHA3_256 ? 136u :                \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_SHA3_384 ? 104u :                \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_SHA3_512 ? 72u :                 \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_SM3 ? 64u :                      \
     PSA_ALG_GET_HASH(alg) == PSA_ALG_SHAKE256_512 ? 136u :            \
     0u)

#define PSA_HASH_SUSPEND_ALGORITHM_FIELD_LENGTH ((size_t)4)
#define PSA_HASH_SUSPEND_INPUT_LENGTH_FIELD_LENGTH(alg)                       \
    ((alg) == PSA_ALG_MD2 ? 1u :                                             \
     (alg) == PSA_ALG_MD4 || (alg) == PSA_ALG_MD5 ||                          \
     (alg) == PSA_ALG_RIPEMD160 || (alg) == PSA_ALG_SHA_1 ||                  \
     (alg) == PSA_ALG_SHA_224 || (alg) == PSA_ALG_SHA_256 ? 8u :              \
     (alg) == PSA_ALG_SHA_512 || (alg) == PSA_ALG_SHA_384 ||                  \
     (alg) == PSA_ALG_SHA_512_224 || (alg) == PSA_ALG_SHA_512_256 ? 16u :     \
     0u)
#define PSA_HASH_SUSPEND_HASH_STATE_FIELD_LENGTH(alg)                         \
    ((alg) == PSA_ALG_MD2 ? 64u :                                            \
     (alg) == PSA_ALG_MD4 || (alg) == PSA_ALG_MD5 ? 16u :                     \
     (alg) == PSA_ALG_RIPEMD160 || (alg) == PSA_ALG_SHA_1 ? 20u :             \
     (alg) == PSA_ALG_SHA_224 || (alg) == PSA_ALG_SHA_256 ? 32u :             \
     (alg) == PSA_ALG_SHA_512 || (alg) == PSA_ALG_SHA_384 ||                  \
     (alg) == PSA_ALG_SHA_512_224 || (alg) == PSA_ALG_SHA_512_256 ? 64u :     \
     0u)
#define PSA_HASH_SUSPEND_OUTPUT_SIZE(alg)                    \
    (PSA_HASH_SUSPEND_ALGORITHM_FIELD_LENGTH +              \
     PSA_HASH_SUSPEND_INPUT_LENGTH_FIELD_LENGTH(alg) +      \
     PSA_HASH_SUSPEND_HASH_STATE_FIELD_LENGTH(alg) +        \
     PSA_HASH_BLOCK_LENGTH(alg) - 1u)
#define PSA_HASH_SUSPEND_OUTPUT_MAX_SIZE (4u + 16u + 64u + 128u - 1u)

/* ---- MAC ------------------------------------------------------------------ */
#define PSA_MAC_LENGTH(key_type, key_bits, alg)                         \
    ((void)(key_bits),                                                 \
     !PSA_ALG_IS_MAC(alg) ? 0u :                                       \
     (((alg) >> 16) & 0x3fu) != 0 ? (size_t)(((alg) >> 16) & 0x3fu) :  \
     PSA_ALG_IS_HMAC(alg) ? PSA_HASH_LENGTH(alg) :                     \
     PSA_ALG_IS_BLOCK_CIPHER_MAC(alg) ?                                \
         (size_t)PSA_BLOCK_CIPHER_BLOCK_LENGTH(key_type) : 0u)
#define PSA_MAC_MAX_SIZE 64u

/* ---- Unauthenticated ciphers --------------------------------------------- */
#define PSA_BLOCK_CIPHER_BLOCK_MAX_SIZE 16u

#define PSA_CIPHER_IV_LENGTH(key_type, alg)                                   \
    (PSA_BLOCK_CIPHER_BLOCK_LENGTH(key_type) > 1u &&                         \
             ((alg) == PSA_ALG_CTR || (alg) == PSA_ALG_CFB ||                \
              (alg) == PSA_ALG_OFB || (alg) == PSA_ALG_XTS ||                \
              (alg) == PSA_ALG_CBC_NO_PADDING || (alg) == PSA_ALG_CBC_PKCS7) \
         ? (size_t)PSA_BLOCK_CIPHER_BLOCK_LENGTH(key_type) :                 \
     PSA_BLOCK_CIPHER_BLOCK_LENGTH(key_type) > 1u &&                         \
             (alg) == PSA_ALG_CCM_STAR_NO_TAG ? 13u :                        \
     (key_type) == PSA_KEY_TYPE_CHACHA20 &&                                  \
             (alg) == PSA_ALG_STREAM_CIPHER ? 12u :                          \
     (key_type) == PSA_KEY_TYPE_XCHACHA20 &&                                 \
             (alg) == PSA_ALG_STREAM_CIPHER ? 24u :                          \
     0u)
#define PSA_CIPHER_IV_MAX_SIZE 24u

#define PSA_CIPHER_ENCRYPT_OUTPUT_SIZE(key_type, alg, input_length)            \
    (!PSA_ALG_IS_CIPHER(alg) ? 0u :                                           \
     (alg) == PSA_ALG_CBC_PKCS7 ?                                             \
         PSA_CIPHER_IV_LENGTH(key_type, alg) +                                \
             PSA_ROUND_UP_TO_MULTIPLE(PSA_BLOCK_CIPHER_BLOCK_LENGTH(key_type), \
                                      (input_length) + 1u) :                  \
     PSA_CIPHER_IV_LENGTH(key_type, alg) + (size_t)(input_length))
#define PSA_CIPHER_ENCRYPT_OUTPUT_MAX_SIZE(input_length) \
    (PSA_ROUND_UP_TO_MULTIPLE(16u, (input_length) + 1u) + PSA_CIPHER_IV_MAX_SIZE)
#define PSA_CIPHER_DECRYPT_OUTPUT_SIZE(key_type, alg, input_length)           \
    (!PSA_ALG_IS_CIPHER(alg) ? 0u :                                          \
     (size_t)(input_length) >= PSA_CIPHER_IV_LENGTH(key_type, alg) ?         \
         (size_t)(input_length) - PSA_CIPHER_IV_LENGTH(key_type, alg) : 0u)
#define PSA_CIPHER_DECRYPT_OUTPUT_MAX_SIZE(input_length) ((size_t)(input_length))
#define PSA_CIPHER_UPDATE_OUTPUT_SIZE(key_type, alg, input_length)            \
    (!PSA_ALG_IS_CIPHER(alg) ? 0u :                                          \
     ((alg) == PSA_ALG_ECB_NO_PADDING || (alg) == PSA_ALG_CBC_NO_PADDING ||  \
      (alg) == PSA_ALG_CBC_PKCS7) ?                                          \
         PSA_ROUND_UP_TO_MULTIPLE(PSA_BLOCK_CIPHER_BLOCK_LENGTH(key_type),   \
                                  input_length) :                            \
     (size_t)(input_length))
#define PSA_CIPHER_UPDATE_OUTPUT_MAX_SIZE(input_length) \
    PSA_ROUND_UP_TO_MULTIPLE(16u, input_length)
#define PSA_CIPHER_FINISH_OUTPUT_SIZE(key_type, alg) \
    ((alg) == PSA_ALG_CBC_PKCS7 ? (size_t)PSA_BLOCK_CIPHER_BLOCK_LENGTH(key_type) : 0u)
#define PSA_CIPHER_FINISH_OUTPUT_MAX_SIZE 16u

/* ---- AEAD ---------------------------------------------------------------- */
#define PSA_AEAD_TAG_LENGTH(key_type, key_bits, alg) \
    ((void)(key_type), (void)(key_bits),             \
     PSA_ALG_IS_AEAD(alg) ? (size_t)(((alg) >> 16) & 0x3fu) : 0u)
#define PSA_AEAD_TAG_MAX_SIZE 16u

#define PSA_AEAD_NONCE_LENGTH(key_type, alg)                                    \
    (PSA_BLOCK_CIPHER_BLOCK_LENGTH(key_type) == 16u &&                         \
             PSA_ALG_AEAD_WITH_DEFAULT_LENGTH_TAG(alg) == PSA_ALG_CCM ? 13u :   \
     PSA_BLOCK_CIPHER_BLOCK_LENGTH(key_type) == 16u &&                         \
             PSA_ALG_AEAD_WITH_DEFAULT_LENGTH_TAG(alg) == PSA_ALG_GCM ? 12u :   \
     (key_type) == PSA_KEY_TYPE_CHACHA20 &&                                    \
             PSA_ALG_AEAD_WITH_DEFAULT_LENGTH_TAG(alg) ==                      \
                 PSA_ALG_CHACHA20_POLY1305 ? 12u :                             \
     (key_type) == PSA_KEY_TYPE_XCHACHA20 &&                                   \
             PSA_ALG_AEAD_WITH_DEFAULT_LENGTH_TAG(alg) ==                      \
                 PSA_ALG_XCHACHA20_POLY1305 ? 24u :                            \
     0u)
#define PSA_AEAD_NONCE_MAX_SIZE 24u

#define PSA_AEAD_ENCRYPT_OUTPUT_SIZE(key_type, alg, plaintext_length)      \
    (PSA_AEAD_NONCE_LENGTH(key_type, alg) != 0u ?                         \
         (size_t)(plaintext_length) + PSA_AEAD_TAG_LENGTH(key_type, 0, alg) \
         : 0u)
#define PSA_AEAD_ENCRYPT_OUTPUT_MAX_SIZE(plaintext_length) \
    ((size_t)(plaintext_length) + PSA_AEAD_TAG_MAX_SIZE)
#define PSA_AEAD_DECRYPT_OUTPUT_SIZE(key_type, alg, ciphertext_length)        \
    (PSA_AEAD_NONCE_LENGTH(key_type, alg) != 0u &&                           \
             (size_t)(ciphertext_length) >= PSA_AEAD_TAG_LENGTH(key_type, 0, alg) \
         ? (size_t)(ciphertext_length) - PSA_AEAD_TAG_LENGTH(key_type, 0, alg) \
         : 0u)
#define PSA_AEAD_DECRYPT_OUTPUT_MAX_SIZE(ciphertext_length) \
    ((size_t)(ciphertext_length))
#define PSA_AEAD_UPDATE_OUTPUT_SIZE(key_type, alg, input_length)            \
    (PSA_AEAD_NONCE_LENGTH(key_type, alg) == 0u ? 0u :                     \
     PSA_ALG_IS_AEAD_ON_BLOCK_CIPHER(alg) ?                                \
         PSA_ROUND_UP_TO_MULTIPLE(PSA_BLOCK_CIPHER_BLOCK_LENGTH(key_type), \
                                  input_length) :                          \
     (size_t)(input_length))
#define PSA_AEAD_UPDATE_OUTPUT_MAX_SIZE(input_length) \
    PSA_ROUND_UP_TO_MULTIPLE(16u, input_length)
#define PSA_AEAD_FINISH_OUTPUT_SIZE(key_type, alg)                       \
    (PSA_AEAD_NONCE_LENGTH(key_type, alg) != 0u &&                      \
             PSA_ALG_IS_AEAD_ON_BLOCK_CIPHER(alg)                        \
         ? (size_t)PSA_BLOCK_CIPHER_BLOCK_LENGTH(key_type) : 0u)
#define PSA_AEAD_FINISH_OUTPUT_MAX_SIZE 16u
#define PSA_AEAD_VERIFY_OUTPUT_SIZE(key_type, alg) \
    PSA_AEAD_FINISH_OUTPUT_SIZE(key_type, alg)
#define PSA_AEAD_VERIFY_OUTPUT_MAX_SIZE 16u

/* ---- Key export ---------------------------------------------------------- */
/* RSAPrivateKey DER: nine INTEGERs in a SEQUENCE; each carries at most 5
 * bytes of header and a leading zero. RSAPublicKey: n and e. */
#define PSA_KEY_EXPORT_RSA_KEY_PAIR_SIZE_(bits) \
    ((9u * PSA_BITS_TO_BYTES(bits) + 1u) / 2u + 64u)
#define PSA_KEY_EXPORT_RSA_PUBLIC_KEY_SIZE_(bits) (PSA_BITS_TO_BYTES(bits) + 32u)
/* ECC private keys and Montgomery/Edwards public keys: ceil(bits/8) bytes,
 * except Ed448 (57 bytes, RFC 8032 §5.2.5). */
#define PSA_KEY_EXPORT_ECC_KEY_BYTES_(type, bits)                             \
    (PSA_KEY_TYPE_ECC_GET_FAMILY(type) == PSA_ECC_FAMILY_TWISTED_EDWARDS &&    \
             (bits) == 448u                                                   \
         ? 57u : PSA_BITS_TO_BYTES(bits))
#define PSA_KEY_EXPORT_ECC_PUBLIC_KEY_SIZE_(type, bits)                       \
    (PSA_KEY_TYPE_ECC_GET_FAMILY(type) == PSA_ECC_FAMILY_MONTGOMERY ||        \
             PSA_KEY_TYPE_ECC_GET_FAMILY(type) == PSA_ECC_FAMILY_TWISTED_EDWARDS \
         ? PSA_KEY_EXPORT_ECC_KEY_BYTES_(type, bits) : 2u * PSA_BITS_TO_BYTES(bits) + 1u)

#define PSA_EXPORT_KEY_OUTPUT_SIZE(key_type, key_bits)                        \
    (PSA_KEY_TYPE_IS_UNSTRUCTURED(key_type) ? PSA_BITS_TO_BYTES(key_bits) :   \
     (key_type) == PSA_KEY_TYPE_RSA_KEY_PAIR ?                                \
         PSA_KEY_EXPORT_RSA_KEY_PAIR_SIZE_(key_bits) :                        \
     (key_type) == PSA_KEY_TYPE_RSA_PUBLIC_KEY ?                              \
         PSA_KEY_EXPORT_RSA_PUBLIC_KEY_SIZE_(key_bits) :                      \
     PSA_KEY_TYPE_IS_ECC_KEY_PAIR(key_type) ?                                 \
         PSA_KEY_EXPORT_ECC_KEY_BYTES_(key_type, key_bits) :                  \
     PSA_KEY_TYPE_IS_ECC_PUBLIC_KEY(key_type) ?                               \
         PSA_KEY_EXPORT_ECC_PUBLIC_KEY_SIZE_(key_type, key_bits) :            \
     PSA_KEY_TYPE_IS_DH(key_type) ? PSA_BITS_TO_BYTES(key_bits) :             \
     PSA_KEY_TYPE_IS_SPAKE2P_KEY_PAIR(key_type) ?                             \
         2u * PSA_BITS_TO_BYTES(key_bits) :                                   \
     PSA_KEY_TYPE_IS_SPAKE2P_PUBLIC_KEY(key_type) ?                           \
         2u * PSA_BITS_TO_BYTES(key_bits) + 1u :                              \
     0u)
#define PSA_EXPORT_PUBLIC_KEY_OUTPUT_SIZE(key_type, key_bits)                 \
    (PSA_KEY_TYPE_IS_RSA(key_type) ?                                         \
         PSA_KEY_EXPORT_RSA_PUBLIC_KEY_SIZE_(key_bits) :                     \
     PSA_KEY_TYPE_IS_ECC(key_type) ?                                         \
         PSA_KEY_EXPORT_ECC_PUBLIC_KEY_SIZE_(key_type, key_bits) :           \
     PSA_KEY_TYPE_IS_DH(key_type) ? PSA_BITS_TO_BYTES(key_bits) :            \
     PSA_KEY_TYPE_IS_SPAKE2P(key_type) ? 2u * PSA_BITS_TO_BYTES(key_bits) + 1u : \
     0u)
/* Largest supported asymmetric keys: RSA 4096, ECC 521, FFDH 8192. */
#define PSA_EXPORT_KEY_PAIR_MAX_SIZE PSA_KEY_EXPORT_RSA_KEY_PAIR_SIZE_(4096u)
#define PSA_EXPORT_PUBLIC_KEY_MAX_SIZE 1024u

/* ---- Asymmetric signature, encryption, agreement -------------------------- */
#define PSA_SIGN_OUTPUT_SIZE(key_type, key_bits, alg)                         \
    ((void)(alg),                                                            \
     PSA_KEY_TYPE_IS_RSA(key_type) ? PSA_BITS_TO_BYTES(key_bits) :           \
     PSA_KEY_TYPE_IS_ECC(key_type) ?                                         \
         2u * PSA_KEY_EXPORT_ECC_KEY_BYTES_(key_type, key_bits) : 0u)
#define PSA_SIGNATURE_MAX_SIZE 512u
#define PSA_ASYMMETRIC_ENCRYPT_OUTPUT_SIZE(key_type, key_bits, alg) \
    ((void)(alg), PSA_KEY_TYPE_IS_RSA(key_type) ? PSA_BITS_TO_BYTES(key_bits) : 0u)
#define PSA_ASYMMETRIC_ENCRYPT_OUTPUT_MAX_SIZE 512u
#define PSA_ASYMMETRIC_DECRYPT_OUTPUT_SIZE(key_type, key_bits, alg) \
    ((void)(alg), PSA_KEY_TYPE_IS_RSA(key_type) ? PSA_BITS_TO_BYTES(key_bits) : 0u)
#define PSA_ASYMMETRIC_DECRYPT_OUTPUT_MAX_SIZE 512u
#define PSA_RAW_KEY_AGREEMENT_OUTPUT_SIZE(key_type, key_bits)                 \
    (PSA_KEY_TYPE_IS_ECC_KEY_PAIR(key_type) ||                               \
             PSA_KEY_TYPE_IS_DH_KEY_PAIR(key_type)                           \
         ? PSA_BITS_TO_BYTES(key_bits) : 0u)
#define PSA_RAW_KEY_AGREEMENT_OUTPUT_MAX_SIZE 1024u

/* ---- Key derivation ------------------------------------------------------- */
#define PSA_KEY_DERIVATION_UNLIMITED_CAPACITY ((size_t)-1)
#define PSA_TLS12_PSK_TO_MS_PSK_MAX_SIZE 128u
#define PSA_TLS12_ECJPAKE_TO_PMS_OUTPUT_SIZE 32

/* ---- PAKE ------------------------------------------------------------------ */
#define PSA_PAKE_OUTPUT_SIZE(alg, primitive, output_step)                       \
    (PSA_PAKE_PRIMITIVE_GET_TYPE(primitive) != PSA_PAKE_PRIMITIVE_TYPE_ECC ||   \
             !PSA_ALG_IS_PAKE(alg) ? 0u :                                      \
     (output_step) == PSA_PAKE_STEP_KEY_SHARE ||                               \
             (output_step) == PSA_PAKE_STEP_ZK_PUBLIC                          \
         ? 2u * PSA_BITS_TO_BYTES(PSA_PAKE_PRIMITIVE_GET_BITS(primitive)) + 1u \
         : (output_step) == PSA_PAKE_STEP_ZK_PROOF                             \
               ? PSA_BITS_TO_BYTES(PSA_PAKE_PRIMITIVE_GET_BITS(primitive))     \
               : (output_step) == PSA_PAKE_STEP_CONFIRM ? PSA_MAC_MAX_SIZE : 0u)
#define PSA_PAKE_INPUT_SIZE(alg, primitive, input_step) \
    PSA_PAKE_OUTPUT_SIZE(alg, primitive, input_step)
#define PSA_PAKE_OUTPUT_MAX_SIZE 133u
#define PSA_PAKE_INPUT_MAX_SIZE 133u

#ifdef __cplusplus
}
#endif

#endif /* PSA_CRYPTO_SIZES_H */
