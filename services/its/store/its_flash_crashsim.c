/*
 * its_flash_crashsim.c: a model of a file under a page cache, for tests.
 * Writes land in 4 KiB pages that stay volatile until sync; a crash keeps
 * any subset of them, which covers dropped, reordered and torn writes.
 */
#include <stdlib.h>
#include <string.h>

#include "its_flash.h"

static bool cs_range(const struct its_crashsim_flash *cf, uint32_t addr,
                     size_t len)
{
    uint64_t total = (uint64_t)cf->flash.sector_size * cf->flash.sector_count;
    return (uint64_t)addr <= total && len <= total - addr;
}

static void cs_dirty(struct its_crashsim_flash *cf, uint32_t addr, size_t len)
{
    if (len == 0)
        return;
    for (uint64_t p = addr / ITS_CRASHSIM_PAGE;
         p <= ((uint64_t)addr + len - 1) / ITS_CRASHSIM_PAGE; p++)
        cf->dirty[p] = 1;
}

static psa_status_t cs_read(void *ctx, uint32_t addr, void *buf, size_t len)
{
    struct its_crashsim_flash *cf = ctx;
    if (!cs_range(cf, addr, len) || (buf == NULL && len > 0))
        return PSA_ERROR_INVALID_ARGUMENT;
    if (!cf->powered)
        return PSA_ERROR_STORAGE_FAILURE;
    if (len > 0)
        memcpy(buf, cf->cache + addr, len);
    return PSA_SUCCESS;
}

/* A file has no NOR rule: a program simply overwrites. */
static psa_status_t cs_program(void *ctx, uint32_t addr, const void *buf,
                               size_t len)
{
    struct its_crashsim_flash *cf = ctx;
    if (!cs_range(cf, addr, len) || (buf == NULL && len > 0))
        return PSA_ERROR_INVALID_ARGUMENT;
    if (!cf->powered)
        return PSA_ERROR_STORAGE_FAILURE;
    if (len > 0)
        memcpy(cf->cache + addr, buf, len);
    cs_dirty(cf, addr, len);
    return PSA_SUCCESS;
}

static psa_status_t cs_erase(void *ctx, uint32_t sector)
{
    struct its_crashsim_flash *cf = ctx;
    uint32_t ss = cf->flash.sector_size;
    if (sector >= cf->flash.sector_count)
        return PSA_ERROR_INVALID_ARGUMENT;
    if (!cf->powered)
        return PSA_ERROR_STORAGE_FAILURE;
    memset(cf->cache + (size_t)sector * ss, 0xFF, ss);
    cs_dirty(cf, sector * ss, ss);
    return PSA_SUCCESS;
}

/* splitmix64: whether a page survives depends on (seed, page) only. */
static uint64_t cs_mix(uint64_t seed, uint64_t page)
{
    uint64_t z = seed * 0x9E3779B97F4A7C15ull + page + 0x632BE59BD9B4E019ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint32_t cs_page_len(const struct its_crashsim_flash *cf, uint32_t p)
{
    uint64_t total = (uint64_t)cf->flash.sector_size * cf->flash.sector_count;
    uint64_t start = (uint64_t)p * ITS_CRASHSIM_PAGE;
    return total - start < ITS_CRASHSIM_PAGE ? (uint32_t)(total - start)
                                             : ITS_CRASHSIM_PAGE;
}

static psa_status_t cs_sync(void *ctx)
{
    struct its_crashsim_flash *cf = ctx;
    if (!cf->powered)
        return PSA_ERROR_STORAGE_FAILURE;
    bool crash = cf->syncs == cf->crash_at;
    for (uint32_t p = 0; p < cf->pages; p++) {
        size_t off = (size_t)p * ITS_CRASHSIM_PAGE;
        bool keep = true;
        if (!cf->dirty[p])
            continue;
        if (crash)
            keep = cf->crash_seed == 1 ||
                   (cf->crash_seed > 1 && (cs_mix(cf->crash_seed, p) & 1u));
        if (keep)
            memcpy(cf->durable + off, cf->cache + off, cs_page_len(cf, p));
        cf->dirty[p] = 0;
    }
    cf->syncs++;
    if (crash) {
        cf->powered = false;
        return PSA_ERROR_STORAGE_FAILURE;
    }
    return PSA_SUCCESS;
}

psa_status_t its_crashsim_init(struct its_crashsim_flash *cf,
                               uint32_t sector_size, uint32_t sector_count)
{
    uint64_t total = (uint64_t)sector_size * sector_count;
    if (cf == NULL || sector_size == 0 || sector_count == 0 ||
        total > UINT32_MAX)
        return PSA_ERROR_INVALID_ARGUMENT;
    memset(cf, 0, sizeof(*cf));
    cf->pages = (uint32_t)((total + ITS_CRASHSIM_PAGE - 1) / ITS_CRASHSIM_PAGE);
    cf->cache = malloc((size_t)total);
    cf->durable = malloc((size_t)total);
    cf->dirty = calloc(cf->pages, 1);
    if (cf->cache == NULL || cf->durable == NULL || cf->dirty == NULL) {
        its_crashsim_free(cf);
        return PSA_ERROR_INSUFFICIENT_MEMORY;
    }
    memset(cf->cache, 0xFF, (size_t)total);
    memset(cf->durable, 0xFF, (size_t)total);
    cf->flash = (struct its_flash){
        .ctx = cf, .sector_size = sector_size, .sector_count = sector_count,
        .read = cs_read, .program = cs_program, .erase = cs_erase,
        .sync = cs_sync,
    };
    cf->crash_at = UINT64_MAX;
    cf->powered = true;
    return PSA_SUCCESS;
}

void its_crashsim_free(struct its_crashsim_flash *cf)
{
    if (cf == NULL)
        return;
    free(cf->cache);
    free(cf->durable);
    free(cf->dirty);
    cf->cache = cf->durable = cf->dirty = NULL;
}

void its_crashsim_crash_at(struct its_crashsim_flash *cf, uint64_t sync,
                           uint64_t seed)
{
    cf->crash_at = sync;
    cf->crash_seed = seed;
}

void its_crashsim_power_on(struct its_crashsim_flash *cf)
{
    uint64_t total = (uint64_t)cf->flash.sector_size * cf->flash.sector_count;
    memcpy(cf->cache, cf->durable, (size_t)total);
    memset(cf->dirty, 0, cf->pages);
    cf->crash_at = UINT64_MAX;
    cf->powered = true;
}
