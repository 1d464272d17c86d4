/*
 * Fuzz target for the ITS store's recovery scan: any bytes, taken as a
 * 4-sector image, must open or be refused cleanly, and an image that opens
 * must answer every call without reading out of bounds or returning data
 * that fails its CRC.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "its_store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_SS 512u
#define FZ_NS 4u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct its_store_config cfg = {.max_object_size = 100,
                                                .max_objects = 8};
    struct its_ram_flash rf;
    struct its_store st;
    uint8_t buf[128];
    if (its_ram_flash_init(&rf, FZ_SS, FZ_NS) != PSA_SUCCESS)
        return 0;
    memcpy(rf.mem, data, size < FZ_SS * FZ_NS ? size : FZ_SS * FZ_NS);
    if (its_store_open(&st, &rf.flash, &cfg) == PSA_SUCCESS) {
        for (uint32_t owner = 0; owner < 2; owner++) {
            struct its_store_iter it;
            uint64_t key;
            its_store_iter_init(&it, owner);
            while (its_store_iter_next(&st, &it, &key) == PSA_SUCCESS) {
                size_t len, sz;
                (void)its_store_get_info(&st, key, &sz, NULL);
                (void)its_store_get(&st, key, 0, sizeof(buf), buf, &len);
            }
        }
        /* Writing must work on whatever recovery accepted. */
        memset(buf, 0x5A, sizeof(buf));
        if (its_store_set(&st, 0x100000001ull, 0, buf, 100) == PSA_SUCCESS) {
            size_t len;
            if (its_store_get(&st, 0x100000001ull, 0, sizeof(buf), buf,
                              &len) != PSA_SUCCESS ||
                len != 100)
                __builtin_trap();
        }
        (void)its_store_remove(&st, 0x100000001ull);
        its_store_close(&st);
        /* And what it wrote must open again. */
        if (its_store_open(&st, &rf.flash, &cfg) != PSA_SUCCESS &&
            rf.nor_violations == 0)
            __builtin_trap();
        its_store_close(&st);
    }
    if (rf.nor_violations != 0)
        __builtin_trap();
    its_ram_flash_free(&rf);
    return 0;
}
