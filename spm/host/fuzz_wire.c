/*
 * fuzz_wire.c: the frame decoder over arbitrary bytes, and a round trip of
 * every frame it accepts.
 */
#include <stdlib.h>
#include <string.h>

#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ward_frame f, g;
    uint8_t again[WARD_WIRE_HEADER_SIZE];
    if (ward_wire_decode(data, size, 1u << 20, &f) != PSA_SUCCESS)
        return 0;
    /* Accepted: counts within bounds, payload within the limit. */
    if (f.n_in > PSA_MAX_IOVEC || f.n_out > PSA_MAX_IOVEC ||
        f.n_in + f.n_out > PSA_MAX_IOVEC || ward_wire_payload_len(&f) > (1u << 20))
        abort();
    ward_wire_encode(&f, again);
    if (ward_wire_decode(again, sizeof(again), 1u << 20, &g) != PSA_SUCCESS ||
        memcmp(&f, &g, sizeof(f)) != 0 || memcmp(again, data, sizeof(again)) != 0)
        abort();
    return 0;
}
