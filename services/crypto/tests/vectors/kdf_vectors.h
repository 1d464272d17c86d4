/*
 * Key derivation known answers. Origin:
 *  - HKDF: RFC 5869 appendix A, test cases 1 (SHA-256), 3 (SHA-256, no
 *    salt, empty info) and 4 (SHA-1); PRK values from the same cases;
 *  - TLS 1.2 PRF: the P_SHA256 and P_SHA384 vectors posted to the IETF TLS
 *    working group list (msg03416, "test label"), also in the OpenSSL and
 *    Go test suites;
 *  - PBKDF2-HMAC: RFC 6070 section 2 (SHA-1, c = 1, 2, 4096 and the
 *    embedded-NUL case) and RFC 7914 section 11 (SHA-256, "passwd");
 *  - PBKDF2-AES-CMAC-PRF-128: the PSA test data of Mbed TLS / TF-PSA-Crypto
 *    (tests/suites/test_suite_psa_crypto.data, "PBKDF2-AES-CMAC-PRF-128
 *    Test Vector 1, 3, 6", "empty direct password", "16 byte password");
 *  - SP 800-108 counter HMAC(SHA-256) and CMAC(AES-128): the PSA API
 *    example examples/crypto/SP800-108_counter_KDF (README output, 42
 *    bytes, with and without context);
 *  - TLS 1.2 PSK-to-MS: no published vector was found; the test checks it
 *    against the TLS 1.2 PRF over the RFC 4279 section 2 premaster secret,
 *    and the value below was computed independently with Python's hmac
 *    from the same definitions.
 * All were re-checked with an independent Python implementation.
 */
#ifndef KDF_VECTORS_H
#define KDF_VECTORS_H

#define KDF_MAX_STEPS 4

struct kdf_step {
    psa_key_derivation_step_t step;
    const char *hex;   /* direct input; NULL for an integer */
    uint64_t value;    /* integer input */
};

struct kdf_vector {
    const char *name;
    psa_algorithm_t alg;
    struct kdf_step steps[KDF_MAX_STEPS];
    size_t n_steps;
    size_t capacity;   /* set before output when nonzero */
    const char *out;
};

#define B(s, h) {PSA_KEY_DERIVATION_INPUT_##s, h, 0}
#define I(s, v) {PSA_KEY_DERIVATION_INPUT_##s, NULL, v}
#define HKDF_IKM1 "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"
#define HKDF_SALT1 "000102030405060708090a0b0c"
#define HKDF_INFO1 "f0f1f2f3f4f5f6f7f8f9"
#define HKDF_PRK1 "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5"
#define HKDF_OKM1 \
    "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
#define SP108_KEY "0102030405060708090a0b0c0d0e0d0f"
#define SP108_LABEL "5053415f414c475f53503830305f3130385f434f554e5445522053616d706c65"
#define SP108_CONTEXT                                                        \
    "53616d706c65206b6579206372656174696f6e2076696120535020383030"        \
    "2d313038723120436f756e746572206d6f6465"

static const struct kdf_vector kdf_vectors[] = {
    {"HKDF-SHA-256 RFC 5869 A.1", PSA_ALG_HKDF(PSA_ALG_SHA_256),
     {B(SALT, HKDF_SALT1), B(SECRET, HKDF_IKM1), B(INFO, HKDF_INFO1)}, 3, 0, HKDF_OKM1},
    {"HKDF-SHA-256 RFC 5869 A.1, info first", PSA_ALG_HKDF(PSA_ALG_SHA_256),
     {B(INFO, HKDF_INFO1), B(SALT, HKDF_SALT1), B(SECRET, HKDF_IKM1)}, 3, 0, HKDF_OKM1},
    {"HKDF-SHA-256 RFC 5869 A.3", PSA_ALG_HKDF(PSA_ALG_SHA_256),
     {B(SECRET, HKDF_IKM1), B(INFO, "")}, 2, 0,
     "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"},
    {"HKDF-SHA-1 RFC 5869 A.4", PSA_ALG_HKDF(PSA_ALG_SHA_1),
     {B(SALT, HKDF_SALT1), B(SECRET, "0b0b0b0b0b0b0b0b0b0b0b"), B(INFO, HKDF_INFO1)}, 3, 0,
     "085a01ea1b10f36933068b56efa5ad81a4f14b822f5b091568a9cdd4f155fda2c22e422478d305f3f896"},
    {"HKDF-Extract-SHA-256 RFC 5869 A.1", PSA_ALG_HKDF_EXTRACT(PSA_ALG_SHA_256),
     {B(SALT, HKDF_SALT1), B(SECRET, HKDF_IKM1)}, 2, 0, HKDF_PRK1},
    {"HKDF-Extract-SHA-1 RFC 5869 A.4", PSA_ALG_HKDF_EXTRACT(PSA_ALG_SHA_1),
     {B(SALT, HKDF_SALT1), B(SECRET, "0b0b0b0b0b0b0b0b0b0b0b")}, 2, 0,
     "9b6c18c432a7bf8f0e71c8eb88f4b30baa2ba243"},
    {"HKDF-Expand-SHA-256 RFC 5869 A.1", PSA_ALG_HKDF_EXPAND(PSA_ALG_SHA_256),
     {B(SECRET, HKDF_PRK1), B(INFO, HKDF_INFO1)}, 2, 0, HKDF_OKM1},
    {"TLS 1.2 PRF SHA-256", PSA_ALG_TLS12_PRF(PSA_ALG_SHA_256),
     {B(SEED, "a0ba9f936cda311827a6f796ffd5198c"), B(SECRET, "9bbe436ba940f017b17652849a71db35"),
      B(LABEL, "74657374206c6162656c")}, 3, 0,
     "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e"
     "14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5"
     "a72e5a5110fff70187347b66"},
    {"TLS 1.2 PRF SHA-384", PSA_ALG_TLS12_PRF(PSA_ALG_SHA_384),
     {B(SEED, "cd665cf6a8447dd6ff8b27555edb7465"), B(SECRET, "b80b733d6ceefcdc71566ea48e5567df"),
      B(LABEL, "74657374206c6162656c")}, 3, 0,
     "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b123"
     "3c9146a0e534cb400fed2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd"
     "4abfdad05d9184259b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee691c8f3a2"
     "6854308d5eaa3be85e0990703d73e56f"},
    {"TLS 1.2 PSK-to-MS SHA-256 (computed)", PSA_ALG_TLS12_PSK_TO_MS(PSA_ALG_SHA_256),
     {B(SEED, "01020304"), B(SECRET, "01020304"), B(LABEL, "6d617374657220736563726574")}, 3, 0,
     "ee81057f9194bc9ef527566bec70298c1776c64cbfca4137765c2380d77dfb1f222dc2ba13fc9aa68d1ec5fc"
     "074ee65b"},
    {"PBKDF2-HMAC-SHA-1 RFC 6070 c=1", PSA_ALG_PBKDF2_HMAC(PSA_ALG_SHA_1),
     {I(COST, 1), B(SALT, "73616c74"), B(PASSWORD, "70617373776f7264")}, 3, 0,
     "0c60c80f961f0e71f3a9b524af6012062fe037a6"},
    {"PBKDF2-HMAC-SHA-1 RFC 6070 c=2", PSA_ALG_PBKDF2_HMAC(PSA_ALG_SHA_1),
     {I(COST, 2), B(SALT, "73616c74"), B(PASSWORD, "70617373776f7264")}, 3, 0,
     "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"},
    {"PBKDF2-HMAC-SHA-1 RFC 6070 c=4096", PSA_ALG_PBKDF2_HMAC(PSA_ALG_SHA_1),
     {I(COST, 4096), B(SALT, "73616c74"), B(PASSWORD, "70617373776f7264")}, 3, 0,
     "4b007901b765489abead49d926f721d065a429c1"},
    {"PBKDF2-HMAC-SHA-1 RFC 6070 c=4096, 25 bytes, salt in two pieces",
     PSA_ALG_PBKDF2_HMAC(PSA_ALG_SHA_1),
     {I(COST, 4096), B(SALT, "73616c7453414c5473616c7453414c54"),
      B(SALT, "73616c7453414c5473616c7453414c5473616c74"),
      B(PASSWORD, "70617373776f726450415353574f524470617373776f7264")}, 4, 0,
     "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038"},
    {"PBKDF2-HMAC-SHA-1 RFC 6070 embedded NUL", PSA_ALG_PBKDF2_HMAC(PSA_ALG_SHA_1),
     {I(COST, 4096), B(SALT, "7361006c74"), B(PASSWORD, "7061737300776f7264")}, 3, 0,
     "56fa6aa75548099dcc37d7f03425e0c3"},
    {"PBKDF2-HMAC-SHA-256 RFC 7914 s11", PSA_ALG_PBKDF2_HMAC(PSA_ALG_SHA_256),
     {I(COST, 1), B(SALT, "73616c74"), B(PASSWORD, "706173737764")}, 3, 0,
     "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b3"
     "9d77ef317c71b845b1e30bd509112041d3a19783"},
    {"PBKDF2-AES-CMAC-PRF-128 TV1", PSA_ALG_PBKDF2_AES_CMAC_PRF_128,
     {I(COST, 1), B(SALT, "73616c74"), B(PASSWORD, "70617373776f7264")}, 3, 0,
     "1b72f6419173a06e27777606a315876ec71227de"},
    {"PBKDF2-AES-CMAC-PRF-128 TV3", PSA_ALG_PBKDF2_AES_CMAC_PRF_128,
     {I(COST, 4096), B(SALT, "73616c74"), B(PASSWORD, "70617373776f7264")}, 3, 0,
     "38ba9795fe87e47d519eacb77e82e35daa795870"},
    {"PBKDF2-AES-CMAC-PRF-128 TV6", PSA_ALG_PBKDF2_AES_CMAC_PRF_128,
     {I(COST, 1), B(SALT, "73616c74"), B(PASSWORD, "706173737764")}, 3, 0,
     "28e288c6345bb5ecf7ca70274208a3ba0f1148b5868537d5e09d3ee6813b1f524d9ecbf864eb814a46cda50a"
     "d5ec4c0dc03578c6c5fb4a3f9880deb5cab537e4"},
    {"PBKDF2-AES-CMAC-PRF-128 empty password", PSA_ALG_PBKDF2_AES_CMAC_PRF_128,
     {I(COST, 4096), B(SALT, "73616c74"), B(PASSWORD, "")}, 3, 0,
     "db00f3996d041b415eb273362d8c8c83"},
    {"PBKDF2-AES-CMAC-PRF-128 16-byte password", PSA_ALG_PBKDF2_AES_CMAC_PRF_128,
     {I(COST, 4096), B(SALT, "73616c74"), B(PASSWORD, "70617373776f726470617373776f7264")}, 3,
     0, "c4c112c6e1e3b8757640603dec78825f"},
    {"SP 800-108 HMAC-SHA-256 PSA example", PSA_ALG_SP800_108_COUNTER_HMAC(PSA_ALG_SHA_256),
     {B(SECRET, SP108_KEY SP108_KEY), B(LABEL, SP108_LABEL), B(CONTEXT, SP108_CONTEXT)}, 3, 42,
     "8158cd6ae750690c2054be1066d2d8f34ab014d07f814cbc7d3e3dca78a93f5d6629b114b42a0464a489"},
    {"SP 800-108 HMAC-SHA-256 PSA example, no context",
     PSA_ALG_SP800_108_COUNTER_HMAC(PSA_ALG_SHA_256),
     {B(SECRET, SP108_KEY SP108_KEY), B(LABEL, SP108_LABEL)}, 2, 42,
     "2fe05bd422004fa19a48cd8c9bd2ca8d3987ea6c5abcd5543aedeb04e2b7000cb6eb18c33a3d8967a7d6"},
};

/* SP 800-108 CMAC needs its secret as a key (AES-128, SP108_KEY). */
#define SP108_CMAC_OUT \
    "3c50b55a13b949ad25b4b40fc37f553836b59fa0d074b73c83176d4c105fc217838ec4a1b07b8abea8f1"
#define SP108_CMAC_OUT_NO_CONTEXT \
    "e1ecfc001e2e9adbd016b3b4f323ce00c10582ec81e1fc1940474ca684f9e507b58abd03bce523820511"

#endif /* KDF_VECTORS_H */
