/*
 * its_crc32.c: CRC-32C (Castagnoli) for the ITS store's records. Every get
 * checks the whole value, so the CRC must cost little next to the read:
 * the SSE4.2 crc32 instruction where the CPU has it, else slice-by-8
 * tables. Both give the same result; nothing here allocates.
 */
#include <pthread.h>

#include "its_format.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define ITS_CRC_HW 1
#include <nmmintrin.h>
#endif

#define CRC32C_POLY 0x82F63B78u /* reflected */

static uint32_t crc_table[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;
static uint32_t (*crc_impl)(uint32_t, const uint8_t *, size_t);

static uint32_t crc_sw(uint32_t crc, const uint8_t *p, size_t len)
{
    while (len >= 8) {
        uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
                             (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
        crc = crc_table[7][lo & 0xffu] ^ crc_table[6][(lo >> 8) & 0xffu] ^
              crc_table[5][(lo >> 16) & 0xffu] ^ crc_table[4][lo >> 24] ^
              crc_table[3][p[4]] ^ crc_table[2][p[5]] ^ crc_table[1][p[6]] ^
              crc_table[0][p[7]];
        p += 8;
        len -= 8;
    }
    while (len-- > 0)
        crc = crc_table[0][(crc ^ *p++) & 0xffu] ^ (crc >> 8);
    return crc;
}

#ifdef ITS_CRC_HW
__attribute__((target("sse4.2"))) static uint32_t
crc_hw(uint32_t crc, const uint8_t *p, size_t len)
{
    uint64_t c = crc;
    while (len >= 8) {
        uint64_t v = (uint64_t)p[0] | (uint64_t)p[1] << 8 |
                     (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
                     (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
                     (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
        c = _mm_crc32_u64(c, v);
        p += 8;
        len -= 8;
    }
    crc = (uint32_t)c;
    while (len-- > 0)
        crc = _mm_crc32_u8(crc, *p++);
    return crc;
}
#endif

static void crc_build(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1u) ? CRC32C_POLY ^ (c >> 1) : c >> 1;
        crc_table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int t = 1; t < 8; t++)
            crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^
                              crc_table[0][crc_table[t - 1][i] & 0xffu];
    crc_impl = crc_sw;
#ifdef ITS_CRC_HW
    __builtin_cpu_init();
    if (__builtin_cpu_supports("sse4.2"))
        crc_impl = crc_hw;
#endif
}

uint32_t its_crc32(uint32_t crc, const void *data, size_t len)
{
    pthread_once(&crc_once, crc_build);
    if (len == 0)
        return crc;
    return ~crc_impl(~crc, data, len);
}

uint32_t its_crc32_soft(uint32_t crc, const void *data, size_t len)
{
    pthread_once(&crc_once, crc_build);
    if (len == 0)
        return crc;
    return ~crc_sw(~crc, data, len);
}
