/*
 * Hash known answers. Origin:
 *  - "abc" and the 448-bit message: FIPS 180-2 Appendix B/C examples
 *    (NIST CSRC "Cryptographic Standards and Guidelines: Examples with
 *    Intermediate Values", SHA_All.pdf) for SHA-1, SHA-224/256/384/512,
 *    SHA-512/224, SHA-512/256;
 *  - SHA3-224/256/384/512 and SHAKE256 "abc": NIST CSRC SHA-3 examples
 *    (SHA3-224_Msg0/abc, FIPS 202 example files);
 *  - MD5 "abc": RFC 1321 A.5 test suite;
 *  - RIPEMD-160 "abc": the RIPEMD-160 authors' page (Bosselaers);
 *  - SM3 "abc": GB/T 32905-2016 example 1 (draft-sca-cfrg-sm3 A.1).
 */
struct hash_vector {
    psa_algorithm_t alg;
    const char *msg;
    const char *digest;
};

static const struct hash_vector hash_vectors[] = {
    {PSA_ALG_MD5, "abc", "900150983cd24fb0d6963f7d28e17f72"},
    {PSA_ALG_RIPEMD160, "abc", "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"},
    {PSA_ALG_SHA_1, "abc", "a9993e364706816aba3e25717850c26c9cd0d89d"},
    {PSA_ALG_SHA_224, "abc", "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7"},
    {PSA_ALG_SHA_256, "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {PSA_ALG_SHA_256, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    {PSA_ALG_SHA_384, "abc", "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded163"
                             "1a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"},
    {PSA_ALG_SHA_512, "abc", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                             "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
    {PSA_ALG_SHA_512_224, "abc", "4634270f707b6a54daae7530460842e20e37ed265ceee9a43e8924aa"},
    {PSA_ALG_SHA_512_256, "abc",
     "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23"},
    {PSA_ALG_SHA3_224, "abc", "e642824c3f8cf24ad09234ee7d3c766fc9a3a5168d0c94ad73b46fdf"},
    {PSA_ALG_SHA3_256, "abc", "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532"},
    {PSA_ALG_SHA3_384, "abc", "ec01498288516fc926459f58e2c6ad8df9b473cb0fc08c25"
                              "96da7cf0e49be4b298d88cea927ac7f539f1edf228376d25"},
    {PSA_ALG_SHA3_512, "abc", "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e"
                              "10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0"},
    {PSA_ALG_SHAKE256_512, "abc",
     "483366601360a8771c6863080cc4114d8db44530f8f1e1ee4f94ea37e78b5739"
     "d5a15bef186a5386c75744c0527e1faa9f8726e462a12a4feb06bd8801e751e4"},
    {PSA_ALG_SM3, "abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"},
};
