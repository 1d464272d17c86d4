/*
 * backend_ecdsa_k.c: ECDSA with a nonce the caller chose (the RFC 6979
 * nonce of deterministic ECDSA), computed by OpenSSL's own signing code,
 * which blinds the private scalar and uses constant-time arithmetic.
 * OpenSSL 3.0 reaches that code with a given nonce only through the
 * deprecated EC_KEY interface (ECDSA_do_sign_ex with kinv and r), so this
 * file alone allows deprecated declarations.
 */
#define OPENSSL_SUPPRESS_DEPRECATED

#include "backend_ecdsa_k.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>

int wbe_ossl_ecdsa_sign_k(OSSL_LIB_CTX *libctx, int nid, const BIGNUM *x, const BIGNUM *kinv,
                          const BIGNUM *r, const unsigned char *hash, int hash_len,
                          BIGNUM **r_out, BIGNUM **s_out)
{
    int ok = 0;
    EC_KEY *key = EC_KEY_new_by_curve_name_ex(libctx, NULL, nid);
    ECDSA_SIG *sig = NULL;
    if (key != NULL && EC_KEY_set_private_key(key, x) == 1) {
        sig = ECDSA_do_sign_ex(hash, hash_len, kinv, r, key);
    }
    if (sig != NULL) {
        *r_out = BN_dup(ECDSA_SIG_get0_r(sig));
        *s_out = BN_dup(ECDSA_SIG_get0_s(sig));
        ok = *r_out != NULL && *s_out != NULL;
    }
    ECDSA_SIG_free(sig);
    EC_KEY_free(key); /* clears the private key */
    ERR_clear_error();
    return ok;
}
