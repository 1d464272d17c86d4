/*
 * fuzz_codec.c: drives the reader with a program taken from the input
 * itself (each opcode byte picks the next get), then writes everything read
 * back through a writer of a fuzzer-chosen capacity. Sanitizers catch any
 * out-of-bounds access; the asserts catch broken invariants.
 */
#include <stdlib.h>
#include <string.h>

#include "ward_codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond))                                                           \
            abort();                                                           \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ward_reader r;
    uint8_t out[256];
    struct ward_writer w;
    uint8_t op, cap;

    if (size < 2)
        return 0;
    op = data[0];
    cap = data[1];
    ward_writer_init(&w, out, cap); /* cap < 256 = sizeof(out) */
    ward_reader_init(&r, data + 2, size - 2);
    for (unsigned steps = 0; steps < 512; steps++) {
        psa_status_t st;
        uint8_t u8;
        uint16_t u16;
        uint32_t u32;
        uint64_t u64;
        const uint8_t *p;
        size_t n;
        if (ward_get_u8(&r, &op) != PSA_SUCCESS)
            break;
        size_t before = r.off;
        switch (op % 9) {
        case 0: st = ward_get_u8(&r, &u8); if (st == 0) ward_put_u8(&w, u8); break;
        case 1: st = ward_get_u16le(&r, &u16); if (st == 0) ward_put_u16be(&w, u16); break;
        case 2: st = ward_get_u32le(&r, &u32); if (st == 0) ward_put_u32be(&w, u32); break;
        case 3: st = ward_get_u64be(&r, &u64); if (st == 0) ward_put_u64le(&w, u64); break;
        case 4:
            st = ward_get_lv32(&r, &p, &n, 64);
            if (st == 0) {
                CHECK(n <= 64 && p >= data && p + n <= data + size);
                ward_put_lv32(&w, p, n);
            }
            break;
        case 5: st = ward_get_ref(&r, &p, op >> 4);
            if (st == 0) ward_put_bytes(&w, p, op >> 4);
            break;
        case 6: st = ward_skip(&r, op >> 3); break;
        case 7: {
            struct ward_reader sub;
            st = ward_get_sub(&r, &sub, op >> 5);
            if (st == 0) {
                while (ward_get_u8(&sub, &u8) == PSA_SUCCESS)
                    ward_put_u8(&w, u8);
                CHECK(ward_reader_finish(&sub) != PSA_SUCCESS ||
                      ward_reader_remaining(&sub) == 0);
            }
            break;
        }
        default: st = ward_get_u32be(&r, &u32);
            if (st == 0 && ward_writer_len(&w) >= 4)
                ward_patch_u32le(&w, u32 % ward_writer_len(&w), u32);
            break;
        }
        /* A failed get never moves the cursor; the cursor never passes the end. */
        if (st != PSA_SUCCESS)
            CHECK(r.off == before);
        CHECK(r.off <= r.len);
        CHECK(ward_writer_len(&w) <= sizeof(out));
        if (st != PSA_SUCCESS)
            break;
    }
    return 0;
}
