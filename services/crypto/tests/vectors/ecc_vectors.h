/*
 * Elliptic curve known answers. Origin:
 *  - P-256 key, deterministic ECDSA: RFC 6979 appendix A.2.5 (private key
 *    x, public key U, signatures of "sample" with SHA-256 and SHA-384 and
 *    of "test" with SHA-256);
 *  - ECDH P-256: RFC 5903 section 8.1 (i, g^i, r, g^r, g^ir x-coordinate);
 *  - X25519: RFC 7748 section 6.1 (Alice and Bob keys, shared secret);
 *  - Ed25519: RFC 8032 section 7.1, TEST 1, 2 and 3.
 * All were re-checked with the Python "cryptography" package (signature
 * verification, public key and shared-secret computation).
 */
#ifndef ECC_VECTORS_H
#define ECC_VECTORS_H

#define P256_D "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721"
#define P256_Q                                                                \
    "0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"    \
    "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299"
#define P256_ORDER "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"
#define RFC6979_SAMPLE_SHA256                                                 \
    "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716"      \
    "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8"
#define RFC6979_TEST_SHA256                                                   \
    "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367"      \
    "019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083"
#define RFC6979_SAMPLE_SHA384                                                 \
    "0eafea039b20e9b42309fb1d89e213057cbf973dc0cfc8f129edddc800ef7719"      \
    "4861f0491e6998b9455193e34e7b0d284ddd7149a74b95b9261f13abde940954"

#define RFC5903_I "c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433"
#define RFC5903_GI                                                            \
    "04dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180"    \
    "5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3"
#define RFC5903_R "c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53"
#define RFC5903_GR                                                            \
    "04d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63"    \
    "56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab"
#define RFC5903_GIR "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de"

#define X25519_A "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"
#define X25519_A_PUB "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
#define X25519_B "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"
#define X25519_B_PUB "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"
#define X25519_K "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"

#define ED25519_T1_SK "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
#define ED25519_T1_PK "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
#define ED25519_T1_SIG                                                        \
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46b" \
    "d25bf5f0595bbe24655141438e7a100b"
#define ED25519_T2_SK "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"
#define ED25519_T2_PK "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"
#define ED25519_T2_SIG                                                        \
    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c" \
    "387b2eaeb4302aeeb00d291612bb0c00"
#define ED25519_T3_SK "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7"
#define ED25519_T3_PK "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025"
#define ED25519_T3_SIG                                                        \
    "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc659" \
    "4a7c15e9716ed28dc027beceea1ec40a"

#endif /* ECC_VECTORS_H */
