/*
 * ward_token_internal.h: what the token library's files share and nobody
 * else uses: error formatting, claim names and each profile's claim keys.
 */
#ifndef WARD_TOKEN_INTERNAL_H
#define WARD_TOKEN_INTERNAL_H

#include "ward_token.h"

/* The key each claim of the model has in one profile (0: none). */
struct ward_token_keys {
    int64_t profile, nonce, instance_id, implementation_id, client_id, lifecycle,
        boot_seed, cert_ref, sw_components, vsi, no_sw;
};

const struct ward_token_keys *ward_token_keys_for(enum ward_token_profile p);
const char *ward_token_claim_name(int64_t key);

/* Fill err (if not NULL) with "claim <key> (<name>): <fmt...>" (or just the
 * message when claim is 0) and return st. */
psa_status_t ward_token_fail(struct ward_token_error *err, psa_status_t st, int64_t claim,
                             const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ward_token_validate, optionally taking the profile claim as implied (the
 * builder always emits it). */
psa_status_t ward_token_validate_ex(const struct ward_token_claims *c, bool profile_implied,
                                    struct ward_token_error *err);

#endif /* WARD_TOKEN_INTERNAL_H */
