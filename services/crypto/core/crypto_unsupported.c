/*
 * crypto_unsupported.c: the parts of the API this build does not implement
 * yet (PAKE). Each returns PSA_ERROR_NOT_SUPPORTED after the usual
 * initialisation check, never a partial answer; aborts of inactive
 * operations succeed as the specification requires.
 */
#include "crypto_internal.h"

#define UNUSED(x) (void)(x)

/* Calls on an operation kind this build cannot set up (PAKE). */
static psa_status_t kdf_inactive(const uint32_t *operation)
{
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    core_leave();
    (void)operation;
    return PSA_ERROR_BAD_STATE;
}

psa_status_t ward_crypto_pake_setup(const struct ward_crypto_caller *caller,
    uint32_t *operation, psa_key_id_t password_key, const psa_pake_cipher_suite_t *cipher_suite)
{
    UNUSED(caller); UNUSED(password_key); UNUSED(cipher_suite);
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    core_leave();
    return *operation != 0 ? PSA_ERROR_BAD_STATE : PSA_ERROR_NOT_SUPPORTED;
}

psa_status_t ward_crypto_pake_set_role(const struct ward_crypto_caller *caller,
    uint32_t *operation, psa_pake_role_t role)
{
    UNUSED(caller); UNUSED(role);
    return kdf_inactive(operation);
}

psa_status_t ward_crypto_pake_set_user(const struct ward_crypto_caller *caller,
    uint32_t *operation, const uint8_t *user_id, size_t user_id_len)
{
    UNUSED(caller); UNUSED(user_id); UNUSED(user_id_len);
    return kdf_inactive(operation);
}

psa_status_t ward_crypto_pake_set_peer(const struct ward_crypto_caller *caller,
    uint32_t *operation, const uint8_t *peer_id, size_t peer_id_len)
{
    UNUSED(caller); UNUSED(peer_id); UNUSED(peer_id_len);
    return kdf_inactive(operation);
}

psa_status_t ward_crypto_pake_set_context(const struct ward_crypto_caller *caller,
    uint32_t *operation, const uint8_t *context, size_t context_len)
{
    UNUSED(caller); UNUSED(context); UNUSED(context_len);
    return kdf_inactive(operation);
}

psa_status_t ward_crypto_pake_output(const struct ward_crypto_caller *caller,
    uint32_t *operation, psa_pake_step_t step, uint8_t *output, size_t output_size,
    size_t *output_length)
{
    UNUSED(caller); UNUSED(step); UNUSED(output); UNUSED(output_size);
    *output_length = 0;
    return kdf_inactive(operation);
}

psa_status_t ward_crypto_pake_input(const struct ward_crypto_caller *caller,
    uint32_t *operation, psa_pake_step_t step, const uint8_t *input, size_t input_length)
{
    UNUSED(caller); UNUSED(step); UNUSED(input); UNUSED(input_length);
    return kdf_inactive(operation);
}

psa_status_t ward_crypto_pake_get_shared_key(const struct ward_crypto_caller *caller,
    uint32_t *operation, const psa_key_attributes_t *attributes, psa_key_id_t *key)
{
    UNUSED(caller); UNUSED(attributes);
    *key = PSA_KEY_ID_NULL;
    return kdf_inactive(operation);
}

psa_status_t ward_crypto_pake_abort(const struct ward_crypto_caller *caller,
    uint32_t *operation)
{
    UNUSED(caller);
    *operation = 0;
    return PSA_SUCCESS;
}

