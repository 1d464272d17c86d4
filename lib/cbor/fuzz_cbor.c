/*
 * fuzz_cbor.c: feeds arbitrary bytes to the strict decoder under limits
 * chosen by the first input byte, then walks every accepted item with the
 * gets. Accepted input must be walkable to its end without an error;
 * rejected input must say why.
 */
#include <stdlib.h>

#include "ward_cbor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond))                                                           \
            abort();                                                           \
    } while (0)

/* Walk one item with typed gets; returns false on any failure. */
static bool walk(struct ward_cbor_dec *d, unsigned depth)
{
    struct ward_cbor_item it;
    CHECK(depth <= WARD_CBOR_DEPTH_CAP + 1);
    if (ward_cbor_peek(d, &it) != PSA_SUCCESS)
        return false;
    switch (it.major) {
    case WARD_CBOR_UINT: {
        uint64_t u;
        return ward_cbor_get_uint(d, &u) == PSA_SUCCESS && u == it.arg;
    }
    case WARD_CBOR_NINT: {
        int64_t v;
        if (it.arg > INT64_MAX) /* outside int64: get_int must refuse */
            return ward_cbor_skip(d) == PSA_SUCCESS;
        return ward_cbor_get_int(d, &v) == PSA_SUCCESS && v < 0;
    }
    case WARD_CBOR_BSTR: {
        const uint8_t *p;
        size_t n;
        return ward_cbor_get_bstr(d, &p, &n) == PSA_SUCCESS && n == it.arg;
    }
    case WARD_CBOR_TSTR: {
        const char *s;
        size_t n;
        return ward_cbor_get_tstr(d, &s, &n) == PSA_SUCCESS && n == it.arg;
    }
    case WARD_CBOR_ARRAY:
    case WARD_CBOR_MAP: {
        uint64_t n;
        if (it.major == WARD_CBOR_ARRAY ? ward_cbor_get_array(d, &n) != PSA_SUCCESS
                                        : ward_cbor_get_map(d, &n) != PSA_SUCCESS)
            return false;
        if (it.major == WARD_CBOR_MAP)
            n *= 2;
        for (uint64_t i = 0; i < n; i++)
            if (!walk(d, depth + 1))
                return false;
        return true;
    }
    case WARD_CBOR_TAG: {
        uint64_t t;
        return ward_cbor_get_tag(d, &t) == PSA_SUCCESS && walk(d, depth + 1);
    }
    case WARD_CBOR_SIMPLE:
        return ward_cbor_skip(d) == PSA_SUCCESS;
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ward_cbor_limits lim = ward_cbor_default_limits;
    struct ward_cbor_dec d;
    if (size < 1)
        return 0;
    lim.flags = data[0] & 1 ? WARD_CBOR_PREFERRED_ONLY : 0;
    lim.max_depth = (data[0] >> 1) % (WARD_CBOR_DEPTH_CAP + 1);
    lim.max_items = 1u + (data[0] >> 6) * 100u;
    if (ward_cbor_dec_init(&d, data + 1, size - 1, &lim) != PSA_SUCCESS) {
        CHECK(d.error != WARD_CBOR_OK && d.error_off <= size - 1);
        return 0;
    }
    struct ward_cbor_dec again = d;
    CHECK(walk(&d, 0));
    CHECK(ward_cbor_at_end(&d));
    CHECK(ward_cbor_skip(&again) == PSA_SUCCESS && ward_cbor_at_end(&again));
    return 0;
}
