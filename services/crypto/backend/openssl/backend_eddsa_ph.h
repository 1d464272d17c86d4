/* backend_eddsa_ph.h: what backend_eddsa_ph.c and backend_openssl.c share:
 * the hash algorithms fetched once at init (never fetched again), and the
 * Edwards curves built once at init. */
#ifndef WARD_BACKEND_EDDSA_PH_H
#define WARD_BACKEND_EDDSA_PH_H

#include <openssl/types.h>

#include "psa/crypto.h"

/* The fetched EVP_MD of a PSA hash algorithm; NULL if none. */
const EVP_MD *wbe_ossl_md(psa_algorithm_t alg);

/* Build and release the Edwards curves (called by wbe_init, wbe_shutdown). */
void wbe_eddsa_ph_init(void);
void wbe_eddsa_ph_shutdown(void);

#endif
