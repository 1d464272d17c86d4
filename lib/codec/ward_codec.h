/*
 * ward_codec.h: the one checked codec for bytes that cross a trust boundary
 * (wire messages, on-flash records, manifests' binary tables, tokens).
 * Every get and put checks its bounds and reports failure as a status; none
 * ever reads or writes outside the buffer it was given.
 *
 * Invariants later code relies on (think before loosening any of them):
 *  - a reader never exposes a byte at or beyond base + len;
 *  - a failed get or put leaves the cursor where it was and sets the sticky
 *    error, so every later get or put on that reader or writer fails too and
 *    a parse can be checked once at the end with ward_reader_finish();
 *  - integers have a fixed byte order named in the function, never the
 *    host's.
 */
#ifndef WARD_CODEC_H
#define WARD_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "psa/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A cursor over len readable bytes at base. The reader does not own them. */
struct ward_reader {
    const uint8_t *base;
    size_t len;
    size_t off;
    psa_status_t err; /* PSA_SUCCESS until the first failure */
};

/* A cursor over cap writable bytes at base. The writer does not own them. */
struct ward_writer {
    uint8_t *base;
    size_t cap;
    size_t len;
    psa_status_t err;
};

/* Readers. base may be NULL only when len is 0.
 * Gets fail with PSA_ERROR_INSUFFICIENT_DATA when fewer bytes remain than
 * asked for, PSA_ERROR_INVALID_ARGUMENT when a length prefix exceeds the
 * caller's limit, or the reader's earlier sticky error. */
void ward_reader_init(struct ward_reader *r, const void *base, size_t len);
size_t ward_reader_remaining(const struct ward_reader *r);
psa_status_t ward_get_u8(struct ward_reader *r, uint8_t *v);
psa_status_t ward_get_u16le(struct ward_reader *r, uint16_t *v);
psa_status_t ward_get_u32le(struct ward_reader *r, uint32_t *v);
psa_status_t ward_get_u64le(struct ward_reader *r, uint64_t *v);
psa_status_t ward_get_i32le(struct ward_reader *r, int32_t *v);
psa_status_t ward_get_u16be(struct ward_reader *r, uint16_t *v);
psa_status_t ward_get_u32be(struct ward_reader *r, uint32_t *v);
psa_status_t ward_get_u64be(struct ward_reader *r, uint64_t *v);
/* Copy n bytes into out (out may be NULL only when n is 0). */
psa_status_t ward_get_bytes(struct ward_reader *r, void *out, size_t n);
/* Borrow n bytes in place: *p points into the reader's buffer. */
psa_status_t ward_get_ref(struct ward_reader *r, const uint8_t **p, size_t n);
psa_status_t ward_skip(struct ward_reader *r, size_t n);
/* A u32le length followed by that many bytes, borrowed in place; the length
 * must be <= max. */
psa_status_t ward_get_lv32(struct ward_reader *r, const uint8_t **p,
                           size_t *n, size_t max);
/* Split off the next n bytes as their own reader and advance past them. */
psa_status_t ward_get_sub(struct ward_reader *r, struct ward_reader *sub,
                          size_t n);
/* PSA_SUCCESS if no get failed and every byte was consumed; the sticky error
 * if one failed; PSA_ERROR_INVALID_ARGUMENT if bytes are left over. */
psa_status_t ward_reader_finish(const struct ward_reader *r);

/* Writers. base may be NULL only when cap is 0.
 * Puts fail with PSA_ERROR_BUFFER_TOO_SMALL when the value does not fit, or
 * the writer's earlier sticky error; a failed put writes nothing. */
void ward_writer_init(struct ward_writer *w, void *base, size_t cap);
size_t ward_writer_len(const struct ward_writer *w);
size_t ward_writer_room(const struct ward_writer *w);
psa_status_t ward_put_u8(struct ward_writer *w, uint8_t v);
psa_status_t ward_put_u16le(struct ward_writer *w, uint16_t v);
psa_status_t ward_put_u32le(struct ward_writer *w, uint32_t v);
psa_status_t ward_put_u64le(struct ward_writer *w, uint64_t v);
psa_status_t ward_put_i32le(struct ward_writer *w, int32_t v);
psa_status_t ward_put_u16be(struct ward_writer *w, uint16_t v);
psa_status_t ward_put_u32be(struct ward_writer *w, uint32_t v);
psa_status_t ward_put_u64be(struct ward_writer *w, uint64_t v);
/* Copy n bytes from in (in may be NULL only when n is 0). */
psa_status_t ward_put_bytes(struct ward_writer *w, const void *in, size_t n);
/* n zero bytes. */
psa_status_t ward_put_zeros(struct ward_writer *w, size_t n);
/* A u32le length then the bytes; fails with PSA_ERROR_INVALID_ARGUMENT if n
 * does not fit in 32 bits. */
psa_status_t ward_put_lv32(struct ward_writer *w, const void *in, size_t n);
/* Reserve n bytes and return where they start, for data produced in place
 * (the caller fills them before the buffer is used). */
psa_status_t ward_put_reserve(struct ward_writer *w, uint8_t **p, size_t n);
/* Overwrite a u32le at an absolute offset already written (a length patched
 * in after its body); fails if [at, at + 4) is not within ward_writer_len. */
psa_status_t ward_patch_u32le(struct ward_writer *w, size_t at, uint32_t v);
/* PSA_SUCCESS if no put failed, else the sticky error. */
psa_status_t ward_writer_finish(const struct ward_writer *w);

/* Plain loads and stores for fixed-size arrays the caller has already
 * bounds-checked (a header read with ward_get_bytes, a digest): the
 * byte-order helpers every module would otherwise write again. */
static inline uint16_t ward_load_u16le(const uint8_t *p)
{
    return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}
static inline uint32_t ward_load_u32le(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}
static inline uint64_t ward_load_u64le(const uint8_t *p)
{
    return (uint64_t)ward_load_u32le(p) | (uint64_t)ward_load_u32le(p + 4) << 32;
}
static inline uint32_t ward_load_u32be(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           (uint32_t)p[3];
}
static inline void ward_store_u16le(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void ward_store_u32le(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}
static inline void ward_store_u64le(uint8_t *p, uint64_t v)
{
    ward_store_u32le(p, (uint32_t)v);
    ward_store_u32le(p + 4, (uint32_t)(v >> 32));
}
static inline void ward_store_u32be(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

#ifdef __cplusplus
}
#endif

#endif /* WARD_CODEC_H */
