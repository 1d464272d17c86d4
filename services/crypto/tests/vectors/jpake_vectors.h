/*
 * EC J-PAKE (P-256, SHA-256) known answers. Origin: the reference handshake
 * of the Mbed TLS ECJPAKE self-test (library/ecjpake.c, ecjpake_test_*
 * arrays): password "threadjpaketest", client ID "client", server ID
 * "server", fixed round-1 secrets x1, x2 (client) and x3, x4 (server), the
 * TLS-format round messages (1-byte length prefixes; the server's round 2
 * starts with the 3-byte ECParameters 03 00 17), the shared point K and
 * the premaster secret SHA-256(K.x). The round-2 messages are deterministic
 * apart from their proofs (A = (X1+X3+X4)*(x2*s)).
 */
#define JPAKE_KAT_PASSWORD "threadjpaketest"
#define JPAKE_KAT_X1 \
    "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f21"
#define JPAKE_KAT_X2 \
    "6162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f81"
#define JPAKE_KAT_X3 \
    "6162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f81"
#define JPAKE_KAT_X4 \
    "c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe1"
#define JPAKE_KAT_CLI_ONE \
    "4104accf0106ef858fa2d919331346805a78b58bbad0b844e5c7892879146187" \
    "dd2666ada781bb7f111372251a8910621f634df128ac48e381fd6ef9060731f6" \
    "94a441041dd0bd5d4566c9bed9ce7de701b5e82e08e84b730466018ab903c79e" \
    "b982172236c0c1728ae4bf73610d34de44246ef3d9c05a2236fb66a6583d7449" \
    "308babce2072fe16662992e9235c25002f11b15087b82738e03c945bf7a2995d" \
    "da1e98345841047ea6e3a4487037a9e0dbd79262b2cc273e779930fc18409ac5" \
    "361c5fe669d702e147790aeb4ce7fd6575ab0f6c7fd1c335939aa863ba37ec91" \
    "b7e32bb013bb2b4104a49558d32ed1ebfc1816af4ff09b55fcb4ca47b2a02d1e" \
    "7caf1179ea3fe1395b22b861964016fabaf72c975695d93d4df0e5197fe9f040" \
    "634ed59764937787be20bc4deebbf9b8d60a335f046ca3aa941e45864c7cadef" \
    "9cf75b3d8b010e443ef0"
#define JPAKE_KAT_SRV_ONE \
    "41047ea6e3a4487037a9e0dbd79262b2cc273e779930fc18409ac5361c5fe669" \
    "d702e147790aeb4ce7fd6575ab0f6c7fd1c335939aa863ba37ec91b7e32bb013" \
    "bb2b410409f85b3d20ebd7885ce464c08d056d6428fe4dd9287aa365f131f436" \
    "0ff386d846898bc4b41583c2a5197f65d78742746c12a5ec0a4ffe2f270a750a" \
    "1d8fb51620934d74eb43e54df424fd96306c0117bf131afabf90a9d33d1198d9" \
    "05193735144104190a07700ffa4be6ae1d79ee0f06aeb544cd5addaabedf70f8" \
    "623321332c54f355f0fbfec783ed359e5d0bf7377a0fc4ea7ace473c9c112b41" \
    "ccd41ac56a56124104360a1cea33fce641156458e0a4eac219e96831e6aebc88" \
    "b3f3752f93a0281d1bf1fb106051db9694a8d6e862a5ef1324a3d9e27894f1ee" \
    "4f7c59199965a8dd4a2091847d2d22df3ee55faa2a3fb33fd2d1e055a07a7c61" \
    "ecfb8d80ec00c2c9eb12"
#define JPAKE_KAT_SRV_TWO \
    "03001741040fb22b1d5d1123e0ef9feb9d8a2e590a1f4d7ced2c2b06586e8f2a" \
    "16d4eb2fda4328a20b07d8fd667654ca18c54e32a333a0845451e926ee8804fd" \
    "7af0aaa7a641045516ea3e54a0d5d8b2ce786b38d383370029a5dbe4459c9dd6" \
    "01b408a24ae6465c8ac905b9eb03b5d3691c139ef83f1cd4200f6c9cd4ec3922" \
    "18a59ed243d3c820ff724a9a70b88cb86f20b434c6865aa1cd7906dd7c9bce35" \
    "25f508276f26836c"
#define JPAKE_KAT_CLI_TWO \
    "410469d54ee85e90ce3f1246742de507e939e81d1dc1c5cb988b58c310c9fdd9" \
    "524d93720b45541c83ee8841191da7ced86e3312d43623c1d63e74989aba4aff" \
    "d1ee4104077e8c31e20e6bedb760c13593e69f15be85c27d68cd09ccb8c41836" \
    "08917c5c3d409fac39fefee82f7292d36f0d23e055913f45a52b85dd8a2052e9" \
    "e129bb4d200f011f19483535a6e89a580c9b0003baf21462ece91a82cc38dbdc" \
    "ae60d9c54c"
#define JPAKE_KAT_SHARED_KEY \
    "0401abe9f2c73a9914cb1f80fb9ddb7e0012a89c2f392779f964401475eac131" \
    "28438fe11241d6c1e55f7b808894c9c027a33441f5cba1fe6cc7e61217c3de27" \
    "b4"
#define JPAKE_KAT_PMS \
    "f3d47f599844db92a569bbe7981e39d931fd743bf22e98f9b438f719d3c4f351"
