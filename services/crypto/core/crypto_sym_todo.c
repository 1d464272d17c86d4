/* AEAD: not built yet in this commit. */
#include "crypto_internal.h"

psa_status_t ward_crypto_aead_encrypt(const struct ward_crypto_caller *caller, psa_key_id_t key, psa_algorithm_t alg, const uint8_t *nonce, size_t nonce_length, const uint8_t *additional_data, size_t additional_data_length, const uint8_t *plaintext, size_t plaintext_length, uint8_t *ciphertext, size_t ciphertext_size, size_t *ciphertext_length)
{
    (void)caller;
    (void)key;
    (void)alg;
    (void)nonce;
    (void)nonce_length;
    (void)additional_data;
    (void)additional_data_length;
    (void)plaintext;
    (void)plaintext_length;
    (void)ciphertext;
    (void)ciphertext_size;
    (void)ciphertext_length;
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    core_leave();
    return PSA_ERROR_NOT_SUPPORTED;
}

psa_status_t ward_crypto_aead_decrypt(const struct ward_crypto_caller *caller, psa_key_id_t key, psa_algorithm_t alg, const uint8_t *nonce, size_t nonce_length, const uint8_t *additional_data, size_t additional_data_length, const uint8_t *ciphertext, size_t ciphertext_length, uint8_t *plaintext, size_t plaintext_size, size_t *plaintext_length)
{
    (void)caller;
    (void)key;
    (void)alg;
    (void)nonce;
    (void)nonce_length;
    (void)additional_data;
    (void)additional_data_length;
    (void)ciphertext;
    (void)ciphertext_length;
    (void)plaintext;
    (void)plaintext_size;
    (void)plaintext_length;
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    core_leave();
    return PSA_ERROR_NOT_SUPPORTED;
}

psa_status_t ward_crypto_aead_encrypt_setup(const struct ward_crypto_caller *caller, uint32_t *operation, psa_key_id_t key, psa_algorithm_t alg)
{
    (void)caller;
    (void)operation;
    (void)key;
    (void)alg;
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    core_leave();
    return PSA_ERROR_NOT_SUPPORTED;
}

psa_status_t ward_crypto_aead_decrypt_setup(const struct ward_crypto_caller *caller, uint32_t *operation, psa_key_id_t key, psa_algorithm_t alg)
{
    (void)caller;
    (void)operation;
    (void)key;
    (void)alg;
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    core_leave();
    return PSA_ERROR_NOT_SUPPORTED;
}

psa_status_t ward_crypto_aead_set_lengths(const struct ward_crypto_caller *caller, uint32_t *operation, size_t ad_length, size_t plaintext_length)
{
    (void)caller;
    (void)operation;
    (void)ad_length;
    (void)plaintext_length;
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    core_leave();
    return PSA_ERROR_NOT_SUPPORTED;
}

psa_status_t ward_crypto_aead_generate_nonce(const struct ward_crypto_caller *caller, uint32_t *operation, uint8_t *nonce, size_t nonce_size, size_t *nonce_length)
{
    (void)caller;
    (void)operation;
    (void)nonce;
    (void)nonce_size;
    (void)nonce_length;
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    core_leave();
    return PSA_ERROR_NOT_SUPPORTED;
}

psa_status_t ward_crypto_aead_set_nonce(const struct ward_crypto_caller *caller, uint32_t *operation, const uint8_t *nonce, size_t nonce_length)
{
    (void)caller;
    (void)operation;
    (void)nonce;
    (void)nonce_length;
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    core_leave();
    return PSA_ERROR_NOT_SUPPORTED;
}

psa_status_t ward_crypto_aead_update_ad(const struct ward_crypto_caller *caller, uint32_t *operation, const uint8_t *input, size_t input_length)
{
    (void)caller;
    (void)operation;
    (void)input;
    (void)input_length;
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    core_leave();
    return PSA_ERROR_NOT_SUPPORTED;
}

psa_status_t ward_crypto_aead_update(const struct ward_crypto_caller *caller, uint32_t *operation, const uint8_t *input, size_t input_length, uint8_t *output, size_t output_size, size_t *output_length)
{
    (void)caller;
    (void)operation;
    (void)input;
    (void)input_length;
    (void)output;
    (void)output_size;
    (void)output_length;
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    core_leave();
    return PSA_ERROR_NOT_SUPPORTED;
}

psa_status_t ward_crypto_aead_finish(const struct ward_crypto_caller *caller, uint32_t *operation, uint8_t *ciphertext, size_t ciphertext_size, size_t *ciphertext_length, uint8_t *tag, size_t tag_size, size_t *tag_length)
{
    (void)caller;
    (void)operation;
    (void)ciphertext;
    (void)ciphertext_size;
    (void)ciphertext_length;
    (void)tag;
    (void)tag_size;
    (void)tag_length;
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    core_leave();
    return PSA_ERROR_NOT_SUPPORTED;
}

psa_status_t ward_crypto_aead_verify(const struct ward_crypto_caller *caller, uint32_t *operation, uint8_t *plaintext, size_t plaintext_size, size_t *plaintext_length, const uint8_t *tag, size_t tag_length)
{
    (void)caller;
    (void)operation;
    (void)plaintext;
    (void)plaintext_size;
    (void)plaintext_length;
    (void)tag;
    (void)tag_length;
    psa_status_t st = core_enter();
    if (st != PSA_SUCCESS) {
        return st;
    }
    core_leave();
    return PSA_ERROR_NOT_SUPPORTED;
}

psa_status_t ward_crypto_aead_abort(const struct ward_crypto_caller *caller, uint32_t *operation)
{
    (void)caller;
    (void)operation;
    *operation = 0;
    return PSA_SUCCESS;
}
