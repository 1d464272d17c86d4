/* backend_eddsa_ph.h: what backend_eddsa_ph.c needs from backend_openssl.c:
 * the hash algorithms fetched once at init (never fetched again). */
#ifndef WARD_BACKEND_EDDSA_PH_H
#define WARD_BACKEND_EDDSA_PH_H

#include <openssl/types.h>

#include "psa/crypto.h"

/* The fetched EVP_MD of a PSA hash algorithm; NULL if none. */
const EVP_MD *wbe_ossl_md(psa_algorithm_t alg);

#endif
