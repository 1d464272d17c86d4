/* backend_libctx.h: the backend's private OpenSSL library context, for the
 * backend files other than backend_openssl.c (which owns it). NULL before
 * wbe_init and after wbe_shutdown. */
#ifndef WARD_BACKEND_LIBCTX_H
#define WARD_BACKEND_LIBCTX_H

#include <openssl/types.h>

OSSL_LIB_CTX *wbe_ossl_libctx(void);

#endif
