/* backend_ossl.h: what the files of the OpenSSL backend share beyond the
 * seam: the private library context wbe_init made (NULL before it). */
#ifndef WARD_BACKEND_OSSL_H
#define WARD_BACKEND_OSSL_H

#include <openssl/types.h>

OSSL_LIB_CTX *wbe_ossl_libctx(void);

#endif
