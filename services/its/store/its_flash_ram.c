/*
 * its_flash_ram.c: a NOR flash in RAM that can lose power in the middle of
 * any program or erase, flip bits and fail reads, so that the store's
 * recovery is tested at every step. Programming a 0 bit back to 1 is an
 * error here: the store must never rely on it.
 */
#include <stdlib.h>
#include <string.h>

#include "its_flash.h"

static uint64_t rng_next(uint64_t *s)
{
    /* xorshift64*: deterministic garbage for interrupted erases. */
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static bool in_range(const struct its_ram_flash *rf, uint32_t addr,
                     size_t len)
{
    uint64_t total = (uint64_t)rf->flash.sector_size * rf->flash.sector_count;
    return (uint64_t)addr <= total && len <= total - addr;
}

/* Counts an op; true if this op is the one to cut. */
static bool cut_now(struct its_ram_flash *rf)
{
    bool cut = rf->ops == rf->cut_at;
    rf->ops++;
    if (cut)
        rf->powered = false;
    return cut;
}

static psa_status_t ram_read(void *ctx, uint32_t addr, void *buf, size_t len)
{
    struct its_ram_flash *rf = ctx;
    if (!in_range(rf, addr, len) || (buf == NULL && len > 0))
        return PSA_ERROR_INVALID_ARGUMENT;
    if (!rf->powered || rf->fail_reads)
        return PSA_ERROR_STORAGE_FAILURE;
    if (len > 0)
        memcpy(buf, rf->mem + addr, len);
    return PSA_SUCCESS;
}

static psa_status_t ram_program(void *ctx, uint32_t addr, const void *buf,
                                size_t len)
{
    struct its_ram_flash *rf = ctx;
    const uint8_t *in = buf;
    size_t apply = len;
    if (!in_range(rf, addr, len) || (buf == NULL && len > 0))
        return PSA_ERROR_INVALID_ARGUMENT;
    if (!rf->powered)
        return PSA_ERROR_STORAGE_FAILURE;
    for (size_t i = 0; i < len; i++)
        if ((rf->mem[addr + i] & in[i]) != in[i]) {
            rf->nor_violations++;
            return PSA_ERROR_STORAGE_FAILURE;
        }
    bool cut = cut_now(rf);
    if (cut) {
        switch (rf->cut_mode) {
        case ITS_RAM_CUT_NOTHING: apply = 0; break;
        case ITS_RAM_CUT_HALF: apply = len / 2; break;
        case ITS_RAM_CUT_ALMOST: apply = len > 0 ? len - 1 : 0; break;
        case ITS_RAM_CUT_DONE: apply = len; break;
        }
    }
    for (size_t i = 0; i < apply; i++)
        rf->mem[addr + i] &= in[i];
    return cut ? PSA_ERROR_STORAGE_FAILURE : PSA_SUCCESS;
}

static psa_status_t ram_erase(void *ctx, uint32_t sector)
{
    struct its_ram_flash *rf = ctx;
    uint32_t ss = rf->flash.sector_size;
    uint8_t *p;
    if (sector >= rf->flash.sector_count)
        return PSA_ERROR_INVALID_ARGUMENT;
    if (!rf->powered)
        return PSA_ERROR_STORAGE_FAILURE;
    p = rf->mem + (size_t)sector * ss;
    if (!cut_now(rf)) {
        memset(p, 0xFF, ss);
        return PSA_SUCCESS;
    }
    switch (rf->cut_mode) {
    case ITS_RAM_CUT_NOTHING: break;
    case ITS_RAM_CUT_HALF: memset(p, 0xFF, ss / 2); break;
    case ITS_RAM_CUT_ALMOST:
        for (uint32_t i = 0; i < ss; i++)
            p[i] = (uint8_t)rng_next(&rf->rng);
        break;
    case ITS_RAM_CUT_DONE: memset(p, 0xFF, ss); break;
    }
    return PSA_ERROR_STORAGE_FAILURE;
}

static psa_status_t ram_sync(void *ctx)
{
    struct its_ram_flash *rf = ctx;
    if (!rf->powered)
        return PSA_ERROR_STORAGE_FAILURE;
    rf->syncs++;
    return PSA_SUCCESS;
}

psa_status_t its_ram_flash_init(struct its_ram_flash *rf, uint32_t sector_size,
                                uint32_t sector_count)
{
    uint64_t total = (uint64_t)sector_size * sector_count;
    if (rf == NULL || sector_size == 0 || sector_count == 0 ||
        total > UINT32_MAX)
        return PSA_ERROR_INVALID_ARGUMENT;
    memset(rf, 0, sizeof(*rf));
    rf->mem = malloc((size_t)total);
    if (rf->mem == NULL)
        return PSA_ERROR_INSUFFICIENT_MEMORY;
    memset(rf->mem, 0xFF, (size_t)total);
    rf->flash = (struct its_flash){
        .ctx = rf, .sector_size = sector_size, .sector_count = sector_count,
        .read = ram_read, .program = ram_program, .erase = ram_erase,
        .sync = ram_sync,
    };
    rf->cut_at = UINT64_MAX;
    rf->powered = true;
    rf->rng = 0x9E3779B97F4A7C15ull;
    return PSA_SUCCESS;
}

void its_ram_flash_free(struct its_ram_flash *rf)
{
    if (rf == NULL)
        return;
    free(rf->mem);
    rf->mem = NULL;
}

void its_ram_flash_cut_after(struct its_ram_flash *rf, uint64_t op,
                             enum its_ram_cut_mode mode)
{
    rf->cut_at = rf->ops + op;
    rf->cut_mode = mode;
}

void its_ram_flash_power_on(struct its_ram_flash *rf)
{
    rf->powered = true;
    rf->cut_at = UINT64_MAX;
}

void its_ram_flash_flip_bit(struct its_ram_flash *rf, uint32_t addr,
                            unsigned bit)
{
    if (in_range(rf, addr, 1))
        rf->mem[addr] ^= (uint8_t)(1u << (bit & 7u));
}
