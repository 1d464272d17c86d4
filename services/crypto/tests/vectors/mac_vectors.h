/*
 * MAC known answers. Origin:
 *  - HMAC: RFC 4231 (HMAC-SHA-224/256/384/512) test cases 1, 2 and 5
 *    (case 5 is the 128-bit truncation);
 *  - CMAC: RFC 4493 section 4 examples 1, 2 and 4 (AES-128), and NIST
 *    SP 800-38B Appendix D.2 example 6 (AES-192) and D.3 example 10
 *    (AES-256, 16-byte message) as reproduced in the NIST CSRC
 *    "AES_CMAC.pdf" examples.
 */
struct mac_vector {
    psa_algorithm_t alg;
    psa_key_type_t type;
    const char *key;
    const char *msg; /* hex */
    const char *mac;
};

#define RFC4231_KEY1 "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"
#define RFC4231_MSG1 "4869205468657265" /* "Hi There" */
#define RFC4493_KEY "2b7e151628aed2a6abf7158809cf4f3c"
#define SP80038A_MSG64                                                   \
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"  \
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710"

static const struct mac_vector mac_vectors[] = {
    {PSA_ALG_HMAC(PSA_ALG_SHA_224), PSA_KEY_TYPE_HMAC, RFC4231_KEY1, RFC4231_MSG1,
     "896fb1128abbdf196832107cd49df33f47b4b1169912ba4f53684b22"},
    {PSA_ALG_HMAC(PSA_ALG_SHA_256), PSA_KEY_TYPE_HMAC, RFC4231_KEY1, RFC4231_MSG1,
     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
    {PSA_ALG_HMAC(PSA_ALG_SHA_384), PSA_KEY_TYPE_HMAC, RFC4231_KEY1, RFC4231_MSG1,
     "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
     "faea9ea9076ede7f4af152e8b2fa9cb6"},
    {PSA_ALG_HMAC(PSA_ALG_SHA_512), PSA_KEY_TYPE_HMAC, RFC4231_KEY1, RFC4231_MSG1,
     "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
     "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"},
    {PSA_ALG_HMAC(PSA_ALG_SHA_256), PSA_KEY_TYPE_HMAC, "4a656665" /* "Jefe" */,
     "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
    {PSA_ALG_TRUNCATED_MAC(PSA_ALG_HMAC(PSA_ALG_SHA_256), 16), PSA_KEY_TYPE_HMAC,
     "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c",
     "546573742057697468205472756e636174696f6e" /* "Test With Truncation" */,
     "a3b6167473100ee06e0c796c2955552b"},
    {PSA_ALG_CMAC, PSA_KEY_TYPE_AES, RFC4493_KEY, "", "bb1d6929e95937287fa37d129b756746"},
    {PSA_ALG_CMAC, PSA_KEY_TYPE_AES, RFC4493_KEY, "6bc1bee22e409f96e93d7e117393172a",
     "070a16b46b4d4144f79bdd9dd04a287c"},
    {PSA_ALG_CMAC, PSA_KEY_TYPE_AES, RFC4493_KEY, SP80038A_MSG64,
     "51f0bebf7e3b9d92fc49741779363cfe"},
    {PSA_ALG_CMAC, PSA_KEY_TYPE_AES, "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
     "6bc1bee22e409f96e93d7e117393172a", "9e99a7bf31e710900662f65e617c5184"},
    {PSA_ALG_CMAC, PSA_KEY_TYPE_AES,
     "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
     "6bc1bee22e409f96e93d7e117393172a", "28a7023f452e8f82bd4bf28d8c37c35c"},
};
