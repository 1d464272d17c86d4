/*
 * Unauthenticated cipher known answers. Origin:
 *  - AES ECB/CBC/CTR/CFB128/OFB: NIST SP 800-38A Appendix F (F.1.1, F.1.5,
 *    F.2.1, F.2.3, F.3.13, F.4.1, F.5.1);
 *  - ARIA-128: RFC 5794 Appendix A.1; Camellia-128: RFC 3713 Appendix A;
 *    SM4: GB/T 32907-2016 Appendix A example 1 (draft-ribose-cfrg-sm4 A.1);
 *  - 3DES (three keys): NIST SP 800-67 Rev. 1 Appendix B example;
 *  - AES-XTS: IEEE P1619/D16 Annex B vector 2;
 *  - CCM*-no-tag: the payload ciphertext of RFC 3610 packet vector #1
 *    (CCM encryption is CTR from counter block A_1);
 *  - ChaCha20: RFC 8439 section 2.4.2 (block counter 1: see the test).
 */
struct cipher_vector {
    psa_algorithm_t alg;
    psa_key_type_t type;
    const char *key;
    const char *iv;
    const char *pt;
    const char *ct;
};

#define SP80038A_PT                                                     \
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"  \
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710"
#define SP80038A_K128 "2b7e151628aed2a6abf7158809cf4f3c"
#define SP80038A_IV "000102030405060708090a0b0c0d0e0f"

static const struct cipher_vector cipher_vectors[] = {
    {PSA_ALG_ECB_NO_PADDING, PSA_KEY_TYPE_AES, SP80038A_K128, "", SP80038A_PT,
     "3ad77bb40d7a3660a89ecaf32466ef97f5d3d58503b9699de785895a96fdbaaf"
     "43b1cd7f598ece23881b00e3ed0306887b0c785e27e8ad3f8223207104725dd4"},
    {PSA_ALG_ECB_NO_PADDING, PSA_KEY_TYPE_AES,
     "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", "", SP80038A_PT,
     "f3eed1bdb5d2a03c064b5a7e3db181f8591ccb10d410ed26dc5ba74a31362870"
     "b6ed21b99ca6f4f9f153e7b1beafed1d23304b7a39f9f3ff067d8d8f9e24ecc7"},
    {PSA_ALG_CBC_NO_PADDING, PSA_KEY_TYPE_AES, SP80038A_K128, SP80038A_IV, SP80038A_PT,
     "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
     "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7"},
    {PSA_ALG_CBC_NO_PADDING, PSA_KEY_TYPE_AES,
     "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b", SP80038A_IV, SP80038A_PT,
     "4f021db243bc633d7178183a9fa071e8b4d9ada9ad7dedf4e5e738763f69145a"
     "571b242012fb7ae07fa9baac3df102e008b0e27988598881d920a9e64f5615cd"},
    {PSA_ALG_CTR, PSA_KEY_TYPE_AES, SP80038A_K128, "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
     SP80038A_PT,
     "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
     "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee"},
    {PSA_ALG_CFB, PSA_KEY_TYPE_AES, SP80038A_K128, SP80038A_IV, SP80038A_PT,
     "3b3fd92eb72dad20333449f8e83cfb4ac8a64537a0b3a93fcde3cdad9f1ce58b"
     "26751f67a3cbb140b1808cf187a4f4dfc04b05357c5d1c0eeac4c66f9ff7f2e6"},
    {PSA_ALG_OFB, PSA_KEY_TYPE_AES, SP80038A_K128, SP80038A_IV, SP80038A_PT,
     "3b3fd92eb72dad20333449f8e83cfb4a7789508d16918f03f53c52dac54ed825"
     "9740051e9c5fecf64344f7a82260edcc304c6528f659c77866a510d9c1d6ae5e"},
    {PSA_ALG_ECB_NO_PADDING, PSA_KEY_TYPE_ARIA, "000102030405060708090a0b0c0d0e0f", "",
     "00112233445566778899aabbccddeeff", "d718fbd6ab644c739da95f3be6451778"},
    {PSA_ALG_ECB_NO_PADDING, PSA_KEY_TYPE_CAMELLIA, "0123456789abcdeffedcba9876543210", "",
     "0123456789abcdeffedcba9876543210", "67673138549669730857065648eabe43"},
    {PSA_ALG_ECB_NO_PADDING, PSA_KEY_TYPE_SM4, "0123456789abcdeffedcba9876543210", "",
     "0123456789abcdeffedcba9876543210", "681edf34d206965e86b3e94f536e4246"},
    {PSA_ALG_ECB_NO_PADDING, PSA_KEY_TYPE_DES,
     "0123456789abcdef23456789abcdef01456789abcdef0123", "",
     "5468652071756663" "6b2062726f776e20" "666f78206a756d70",
     "a826fd8ce53b855f" "cce21c8112256fe6" "68d5c05dd9b6b900"},
    {PSA_ALG_CCM_STAR_NO_TAG, PSA_KEY_TYPE_AES, "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf",
     "00000003020100a0a1a2a3a4a5", "08090a0b0c0d0e0f101112131415161718191a1b1c1d1e",
     "588c979a61c663d2f066d0c2c0f989806d5f6b61dac384"},
};

/* IEEE P1619 vector 2 (single-part only). */
#define XTS_KEY "1111111111111111111111111111111122222222222222222222222222222222"
#define XTS_TWEAK "33333333330000000000000000000000"
#define XTS_PT "4444444444444444444444444444444444444444444444444444444444444444"
#define XTS_CT "c454185e6a16936e39334038acef838bfb186fff7480adc4289382ecd6d394f0"

/* RFC 8439 2.4.2: the ciphertext starts at block counter 1. */
#define CHACHA_KEY "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define CHACHA_NONCE "000000000000004a00000000"
#define CHACHA_PT "Ladies and Gentlemen of the class of '99: If I could offer you " \
                  "only one tip for the future, sunscreen would be it."
#define CHACHA_CT                                                         \
    "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"    \
    "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"    \
    "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"    \
    "5af90bbf74a35be6b40b8eedf2785e42874d"
