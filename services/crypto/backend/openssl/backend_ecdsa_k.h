/* backend_ecdsa_k.h: ECDSA with a given nonce (see backend_ecdsa_k.c).
 * Returns 1 and the signature (r, s) on success, 0 otherwise. */
#ifndef WARD_BACKEND_ECDSA_K_H
#define WARD_BACKEND_ECDSA_K_H

#include <openssl/bn.h>
#include <openssl/types.h>

int wbe_ossl_ecdsa_sign_k(OSSL_LIB_CTX *libctx, int nid, const BIGNUM *x, const BIGNUM *kinv,
                          const BIGNUM *r, const unsigned char *hash, int hash_len,
                          BIGNUM **r_out, BIGNUM **s_out);

#endif
