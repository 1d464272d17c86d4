/* backend_libctx.h: what the OpenSSL backend files share beyond the seam:
 * the private library context (owned by backend_openssl.c; NULL before
 * wbe_init and after wbe_shutdown) and key building from parameters. */
#ifndef WARD_BACKEND_LIBCTX_H
#define WARD_BACKEND_LIBCTX_H

#include <openssl/types.h>

OSSL_LIB_CTX *wbe_ossl_libctx(void);

/* EVP_PKEY_fromdata (selection: EVP_PKEY_KEYPAIR or EVP_PKEY_PUBLIC_KEY) over
 * the parameters built in b, whose private-key entries are wiped before they
 * are freed; NULL on failure. */
EVP_PKEY *wbe_ossl_fromdata(EVP_PKEY_CTX *ctx, OSSL_PARAM_BLD *b, int selection);

#endif
