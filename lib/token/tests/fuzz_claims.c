/*
 * fuzz_claims.c: the claims checker and the COSE envelope parser on
 * arbitrary bytes. Whatever they accept must satisfy the model's
 * invariants: values inside the input, counts within bounds, and claims
 * that pass ward_token_validate again.
 */
#include <stdlib.h>

#include "ward_token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond))                                                           \
            abort();                                                           \
    } while (0)

static void inside(const void *p, size_t n, const uint8_t *data, size_t size)
{
    const uint8_t *b = p;
    CHECK(n <= size);
    CHECK(n == 0 || (b >= data && b + n <= data + size));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ward_token_claims c;
    struct ward_token_error err;
    struct ward_cose_msg m;

    if (ward_token_check_claims(data, size, &c, &err) == PSA_SUCCESS) {
        CHECK(c.profile != WARD_TOKEN_PROFILE_UNKNOWN);
        CHECK(c.n_sw_components <= WARD_TOKEN_MAX_SW_COMPONENTS);
        inside(c.nonce.p, c.nonce.len, data, size);
        inside(c.instance_id.p, c.instance_id.len, data, size);
        CHECK(c.instance_id.len == 33 && c.instance_id.p[0] == 1);
        CHECK(ward_token_lifecycle_valid(c.security_lifecycle) && c.client_id != 0);
        for (size_t i = 0; i < c.n_sw_components; i++) {
            inside(c.sw_components[i].measurement_value.p,
                   c.sw_components[i].measurement_value.len, data, size);
            inside(c.sw_components[i].measurement_type.p,
                   c.sw_components[i].measurement_type.len, data, size);
        }
        CHECK(ward_token_validate(&c, &err) == PSA_SUCCESS);
    } else {
        CHECK(err.msg[0] != '\0');
    }
    if (ward_cose_parse(data, size, &m) == PSA_SUCCESS) {
        inside(m.payload, m.payload_len, data, size);
        inside(m.sig, m.sig_len, data, size);
        CHECK(m.sig_len == ward_cose_sig_len(m.alg));
        /* The payload is what a verifier checks next. */
        (void)ward_token_check_claims(m.payload, m.payload_len, &c, &err);
    } else {
        CHECK(m.why[0] != '\0');
    }
    return 0;
}
