/* Fuzz target: the persistent key record parser. Input: a u32le key id,
 * then the record. Whatever the bytes, the parser either returns a key whose
 * fields are consistent or refuses with DATA_CORRUPT / DATA_INVALID. */
#include <stdlib.h>

#include "crypto_internal.h"
#include "ward_codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct key_slot k;
    if (size < 4) {
        return 0;
    }
    psa_key_id_t id = ward_load_u32le(data);
    psa_status_t st = key_record_parse(data + 4, size - 4, -1, id, &k);
    if (st == PSA_SUCCESS) {
        if (k.len > WARD_CRYPTO_KEY_MAX_BYTES || (!PSA_KEY_TYPE_IS_ASYMMETRIC(k.attr.type) && k.attr.bits != k.len * 8) || k.attr.id != id ||
            PSA_KEY_LIFETIME_IS_VOLATILE(k.attr.lifetime)) {
            abort();
        }
    } else if (st != PSA_ERROR_DATA_CORRUPT && st != PSA_ERROR_DATA_INVALID) {
        abort();
    }
    return 0;
}
