/*
 * AEAD known answers. Origin:
 *  - GCM: McGrew and Viega, "The Galois/Counter Mode of Operation (GCM)",
 *    revised submission to NIST, Appendix B test cases 2, 4 and 16;
 *  - CCM: NIST SP 800-38C Appendix C examples 1 and 2 (4 and 6-byte tags)
 *    and RFC 3610 section 8 packet vector #1 (8-byte tag);
 *  - ChaCha20-Poly1305: RFC 8439 section 2.8.2;
 *  - XChaCha20-Poly1305: draft-irtf-cfrg-xchacha-03 Appendix A.3.1.
 * Each was also checked against OpenSSL's one-shot EVP interface (the
 * XChaCha20 one against an independent Python implementation).
 */
struct aead_vector {
    psa_algorithm_t alg;
    psa_key_type_t type;
    const char *key;
    const char *nonce;
    const char *ad;
    const char *pt;
    const char *ct; /* ciphertext then tag */
};

#define GCM_TC4_PT                                                          \
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"      \
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
#define GCM_TC4_AD "feedfacedeadbeeffeedfacedeadbeefabaddad2"
#define CCM_SP_KEY "404142434445464748494a4b4c4d4e4f"

static const struct aead_vector aead_vectors[] = {
    {PSA_ALG_GCM, PSA_KEY_TYPE_AES, "00000000000000000000000000000000",
     "000000000000000000000000", "", "00000000000000000000000000000000",
     "0388dace60b6a392f328c2b971b2fe78" "ab6e47d42cec13bdf53a67b21257bddf"},
    {PSA_ALG_GCM, PSA_KEY_TYPE_AES, "feffe9928665731c6d6a8f9467308308",
     "cafebabefacedbaddecaf888", GCM_TC4_AD, GCM_TC4_PT,
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
     "5bc94fbc3221a5db94fae95ae7121a47"},
    {PSA_ALG_GCM, PSA_KEY_TYPE_AES,
     "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
     "cafebabefacedbaddecaf888", GCM_TC4_AD, GCM_TC4_PT,
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
     "76fc6ece0f4e1768cddf8853bb2d551b"},
    /* The same with the tag shortened to 8 bytes. */
    {PSA_ALG_AEAD_WITH_SHORTENED_TAG(PSA_ALG_GCM, 8), PSA_KEY_TYPE_AES,
     "feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888", GCM_TC4_AD, GCM_TC4_PT,
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
     "5bc94fbc3221a5db"},
    {PSA_ALG_AEAD_WITH_SHORTENED_TAG(PSA_ALG_CCM, 4), PSA_KEY_TYPE_AES, CCM_SP_KEY,
     "10111213141516", "0001020304050607", "20212223", "7162015b" "4dac255d"},
    {PSA_ALG_AEAD_WITH_SHORTENED_TAG(PSA_ALG_CCM, 6), PSA_KEY_TYPE_AES, CCM_SP_KEY,
     "1011121314151617", "000102030405060708090a0b0c0d0e0f",
     "202122232425262728292a2b2c2d2e2f", "d2a1f0e051ea5f62081a7792073d593d" "1fc64fbfaccd"},
    {PSA_ALG_AEAD_WITH_SHORTENED_TAG(PSA_ALG_CCM, 8), PSA_KEY_TYPE_AES,
     "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf", "00000003020100a0a1a2a3a4a5", "0001020304050607",
     "08090a0b0c0d0e0f101112131415161718191a1b1c1d1e",
     "588c979a61c663d2f066d0c2c0f989806d5f6b61dac384" "17e8d12cfdf926e0"},
    {PSA_ALG_CHACHA20_POLY1305, PSA_KEY_TYPE_CHACHA20,
     "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
     "070000004041424344454647", "50515253c0c1c2c3c4c5c6c7",
     "4c616469657320616e642047656e746c656d656e206f662074686520636c6173"
     "73206f66202739393a204966204920636f756c64206f6666657220796f75206f"
     "6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
     "637265656e20776f756c642062652069742e",
     "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
     "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
     "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
     "3ff4def08e4b7a9de576d26586cec64b6116" "1ae10b594f09e26a7e902ecbd0600691"},
    {PSA_ALG_XCHACHA20_POLY1305, PSA_KEY_TYPE_XCHACHA20,
     "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
     "404142434445464748494a4b4c4d4e4f5051525354555657", "50515253c0c1c2c3c4c5c6c7",
     "4c616469657320616e642047656e746c656d656e206f662074686520636c6173"
     "73206f66202739393a204966204920636f756c64206f6666657220796f75206f"
     "6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
     "637265656e20776f756c642062652069742e",
     "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
     "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452"
     "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9"
     "21f9664c97637da9768812f615c68b13b52e" "c0875924c1c7987947deafd8780acf49"},
};

/* CCM with 65536 bytes of AAD (the 6-byte AAD length encoding): key
 * 40..4f, nonce 10..1b, AAD byte i = i mod 256, plaintext 20..33, 16-byte
 * tag. Self-generated with OpenSSL's one-shot AES-128-CCM (no published
 * vector covers the long encoding). */
#define CCM_LONG_AD_CT "e3b201a9f5b71a7a9b1ceaeccd97e70b6176aad9"
#define CCM_LONG_AD_TAG "f9bc9e50892a55daa25a2518ac5e73f4"
