/*
 * EdDSA known answers for Ed448, Ed25519ph and Ed448ph. Origin: RFC 8032
 * section 7 (the RFC's own test vectors):
 *  - Ed448: section 7.4, "Blank" (empty message) and "1 octet" (0x03), both
 *    without context (the "foo"-context vectors of 7.4 do not apply to PSA,
 *    whose PSA_ALG_PURE_EDDSA uses an empty context);
 *  - Ed25519ph: section 7.3, "TEST abc" (the only Ed25519ph vector);
 *  - Ed448ph: section 7.5, "TEST abc" without context (the "foo"-context
 *    vector does not apply: PSA_ALG_ED448PH through psa_sign_message and
 *    psa_sign_hash uses an empty context).
 * The section 7.3 and 7.5 keys, messages and signatures were cross-checked
 * against several independent published copies of the RFC vectors.
 * Prehashes: SHA-512("abc") (FIPS 180-2 appendix C.1) and the first 64 bytes
 * of SHAKE256("abc"), which Ward's own psa_hash_compute gives; the tests
 * compute them rather than carry them.
 */
#ifndef EDDSA_VECTORS_H
#define EDDSA_VECTORS_H

/* RFC 8032 §7.4, Ed448, "Blank". */
#define ED448_BLANK_SK                                                        \
    "6c82a562cb808d10d632be89c8513ebf6c929f34ddfa8c9f63c9960ef6e348a3"      \
    "528c8a3fcc2f044e39a3fc5b94492f8f032e7549a20098f95b"
#define ED448_BLANK_PK                                                        \
    "5fd7449b59b461fd2ce787ec616ad46a1da1342485a70e1f8a0ea75d80e96778"      \
    "edf124769b46c7061bd6783df1e50f6cd1fa1abeafe8256180"
#define ED448_BLANK_SIG                                                       \
    "533a37f6bbe457251f023c0d88f976ae2dfb504a843e34d2074fd823d41a591f"      \
    "2b233f034f628281f2fd7a22ddd47d7828c59bd0a21bfd3980ff0d2028d4b18a"      \
    "9df63e006c5d1c2d345b925d8dc00b4104852db99ac5c7cdda8530a113a0f4db"      \
    "b61149f05a7363268c71d95808ff2e652600"

/* RFC 8032 §7.4, Ed448, "1 octet" (message 03, no context). */
#define ED448_1OCTET_SK                                                       \
    "c4eab05d357007c632f3dbb48489924d552b08fe0c353a0d4a1f00acda2c463a"      \
    "fbea67c5e8d2877c5e3bc397a659949ef8021e954e0a12274e"
#define ED448_1OCTET_PK                                                       \
    "43ba28f430cdff456ae531545f7ecd0ac834a55d9358c0372bfa0c6c6798c086"      \
    "6aea01eb00742802b8438ea4cb82169c235160627b4c3a9480"
#define ED448_1OCTET_MSG "03"
#define ED448_1OCTET_SIG                                                      \
    "26b8f91727bd62897af15e41eb43c377efb9c610d48f2335cb0bd0087810f435"      \
    "2541b143c4b981b7e18f62de8ccdf633fc1bf037ab7cd779805e0dbcc0aae1cb"      \
    "cee1afb2e027df36bc04dcecbf154336c19f0af7e0a6472905e799f1953d2a0f"      \
    "f3348ab21aa4adafd1d234441cf807c03a00"

/* RFC 8032 §7.3, Ed25519ph, "TEST abc". */
#define ED25519PH_SK "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42"
#define ED25519PH_PK "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf"
#define ED25519PH_MSG "616263"
#define ED25519PH_SIG                                                         \
    "98a70222f0b8121aa9d30f813d683f809e462b469c7ff87639499bb94e6dae41"      \
    "31f85042463c2a355a2003d062adf5aaa10b8c61e636062aaad11c2a26083406"

/* RFC 8032 §7.5, Ed448ph, "TEST abc" (no context). */
#define ED448PH_SK                                                            \
    "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42"      \
    "ef7822e0d5104127dc05d6dbefde69e3ab2cec7c867c6e2c49"
#define ED448PH_PK                                                            \
    "259b71c19f83ef77a7abd26524cbdb3161b590a48f7d17de3ee0ba9c52beb743"      \
    "c09428a131d6b1b57303d90d8132c276d5ed3d5d01c0f53880"
#define ED448PH_MSG "616263"
#define ED448PH_SIG                                                           \
    "822f6901f7480f3d5f562c592994d9693602875614483256505600bbc281ae38"      \
    "1f54d6bce2ea911574932f52a4e6cadd78769375ec3ffd1b801a0d9b3f4030cd"      \
    "433964b6457ea39476511214f97469b57dd32dbc560a9a94d00bff07620464a3"      \
    "ad203df7dc7ce360c3cd3696d9d9fab90f00"

#endif /* EDDSA_VECTORS_H */
