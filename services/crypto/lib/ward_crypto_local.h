/*
 * ward_crypto_local.h: the standalone ward-crypto library's binding of the
 * PSA Crypto API to the core, for one application without an SPM (as
 * libmbedcrypto serves applications). Private to services/crypto/lib and its
 * tests; applications use only psa/crypto.h.
 */
#ifndef WARD_CRYPTO_LOCAL_H
#define WARD_CRYPTO_LOCAL_H

#include "ward_crypto.h"

#define WARD_API __attribute__((visibility("default")))

/* Every psa_* call of the standalone library is made as this owner (one
 * fixed namespace: the state directory is already per user) and session. */
#define WARD_CRYPTO_LOCAL_OWNER   ((int32_t)-1)
#define WARD_CRYPTO_LOCAL_SESSION ((uint64_t)1)

const struct ward_crypto_caller *ward_crypto_local_caller(void);

/* The directory persistent keys go to: $WARD_STATE_DIR/crypto, else
 * $XDG_STATE_HOME/ward-crypto, else $HOME/.local/state/ward-crypto.
 * Returns 0, or -1 if no location is known or it does not fit. */
int ward_crypto_local_state_dir(char *out, size_t size);

/* Stop the library as at process exit: wipe keys, close the store; the
 * next psa_crypto_init starts afresh (tests of persistence use this). */
void ward_crypto_local_shutdown(void);

#endif /* WARD_CRYPTO_LOCAL_H */
