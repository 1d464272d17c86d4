/*
 * ward_codec.c: bounds-checked byte readers and writers. Every access goes
 * through take() or room(), which are the only places that compare against
 * the buffer's end; nothing here may index a buffer any other way.
 */
#include "ward_codec.h"

#include <string.h>

void ward_reader_init(struct ward_reader *r, const void *base, size_t len)
{
    r->base = base;
    r->len = base != NULL ? len : 0;
    r->off = 0;
    r->err = (base == NULL && len != 0) ? PSA_ERROR_INVALID_ARGUMENT : PSA_SUCCESS;
}

size_t ward_reader_remaining(const struct ward_reader *r)
{
    return r->err == PSA_SUCCESS ? r->len - r->off : 0;
}

/* Claim n bytes at the cursor, or fail without moving it. */
static psa_status_t take(struct ward_reader *r, size_t n, const uint8_t **p)
{
    if (r->err != PSA_SUCCESS)
        return r->err;
    if (n > r->len - r->off) {
        r->err = PSA_ERROR_INSUFFICIENT_DATA;
        return r->err;
    }
    /* An empty reader may have no buffer at all: no pointer arithmetic on NULL. */
    *p = r->base != NULL ? r->base + r->off : NULL;
    r->off += n;
    return PSA_SUCCESS;
}

psa_status_t ward_get_u8(struct ward_reader *r, uint8_t *v)
{
    const uint8_t *p;
    psa_status_t st = take(r, 1, &p);
    if (st == PSA_SUCCESS)
        *v = p[0];
    return st;
}

psa_status_t ward_get_u16le(struct ward_reader *r, uint16_t *v)
{
    const uint8_t *p;
    psa_status_t st = take(r, 2, &p);
    if (st == PSA_SUCCESS)
        *v = ward_load_u16le(p);
    return st;
}

psa_status_t ward_get_u32le(struct ward_reader *r, uint32_t *v)
{
    const uint8_t *p;
    psa_status_t st = take(r, 4, &p);
    if (st == PSA_SUCCESS)
        *v = ward_load_u32le(p);
    return st;
}

psa_status_t ward_get_u64le(struct ward_reader *r, uint64_t *v)
{
    const uint8_t *p;
    psa_status_t st = take(r, 8, &p);
    if (st == PSA_SUCCESS)
        *v = ward_load_u64le(p);
    return st;
}

psa_status_t ward_get_i32le(struct ward_reader *r, int32_t *v)
{
    uint32_t u;
    psa_status_t st = ward_get_u32le(r, &u);
    if (st == PSA_SUCCESS)
        *v = (int32_t)u; /* two's complement on every platform Ward targets */
    return st;
}

psa_status_t ward_get_u16be(struct ward_reader *r, uint16_t *v)
{
    const uint8_t *p;
    psa_status_t st = take(r, 2, &p);
    if (st == PSA_SUCCESS)
        *v = (uint16_t)((uint16_t)p[0] << 8 | p[1]);
    return st;
}

psa_status_t ward_get_u32be(struct ward_reader *r, uint32_t *v)
{
    const uint8_t *p;
    psa_status_t st = take(r, 4, &p);
    if (st == PSA_SUCCESS)
        *v = ward_load_u32be(p);
    return st;
}

psa_status_t ward_get_u64be(struct ward_reader *r, uint64_t *v)
{
    const uint8_t *p;
    psa_status_t st = take(r, 8, &p);
    if (st == PSA_SUCCESS)
        *v = (uint64_t)ward_load_u32be(p) << 32 | ward_load_u32be(p + 4);
    return st;
}

psa_status_t ward_get_bytes(struct ward_reader *r, void *out, size_t n)
{
    const uint8_t *p;
    psa_status_t st = take(r, n, &p);
    if (st == PSA_SUCCESS && n != 0)
        memcpy(out, p, n);
    return st;
}

psa_status_t ward_get_ref(struct ward_reader *r, const uint8_t **p, size_t n)
{
    return take(r, n, p);
}

psa_status_t ward_skip(struct ward_reader *r, size_t n)
{
    const uint8_t *p;
    return take(r, n, &p);
}

psa_status_t ward_get_lv32(struct ward_reader *r, const uint8_t **p,
                           size_t *n, size_t max)
{
    size_t start = r->off;
    uint32_t len;
    psa_status_t st = ward_get_u32le(r, &len);
    if (st != PSA_SUCCESS)
        return st;
    if (len > max) {
        r->off = start;
        r->err = PSA_ERROR_INVALID_ARGUMENT;
        return r->err;
    }
    st = take(r, len, p);
    if (st != PSA_SUCCESS) {
        r->off = start;
        return st;
    }
    *n = len;
    return PSA_SUCCESS;
}

psa_status_t ward_get_sub(struct ward_reader *r, struct ward_reader *sub,
                          size_t n)
{
    const uint8_t *p;
    psa_status_t st = take(r, n, &p);
    if (st == PSA_SUCCESS)
        ward_reader_init(sub, p, n);
    return st;
}

psa_status_t ward_reader_finish(const struct ward_reader *r)
{
    if (r->err != PSA_SUCCESS)
        return r->err;
    return r->off == r->len ? PSA_SUCCESS : PSA_ERROR_INVALID_ARGUMENT;
}

void ward_writer_init(struct ward_writer *w, void *base, size_t cap)
{
    w->base = base;
    w->cap = base != NULL ? cap : 0;
    w->len = 0;
    w->err = (base == NULL && cap != 0) ? PSA_ERROR_INVALID_ARGUMENT : PSA_SUCCESS;
}

size_t ward_writer_len(const struct ward_writer *w)
{
    return w->len;
}

size_t ward_writer_room(const struct ward_writer *w)
{
    return w->err == PSA_SUCCESS ? w->cap - w->len : 0;
}

/* Claim n bytes at the end, or fail without writing. */
static psa_status_t room(struct ward_writer *w, size_t n, uint8_t **p)
{
    if (w->err != PSA_SUCCESS)
        return w->err;
    if (n > w->cap - w->len) {
        w->err = PSA_ERROR_BUFFER_TOO_SMALL;
        return w->err;
    }
    *p = w->base != NULL ? w->base + w->len : NULL;
    w->len += n;
    return PSA_SUCCESS;
}

psa_status_t ward_put_u8(struct ward_writer *w, uint8_t v)
{
    uint8_t *p;
    psa_status_t st = room(w, 1, &p);
    if (st == PSA_SUCCESS)
        p[0] = v;
    return st;
}

psa_status_t ward_put_u16le(struct ward_writer *w, uint16_t v)
{
    uint8_t *p;
    psa_status_t st = room(w, 2, &p);
    if (st == PSA_SUCCESS)
        ward_store_u16le(p, v);
    return st;
}

psa_status_t ward_put_u32le(struct ward_writer *w, uint32_t v)
{
    uint8_t *p;
    psa_status_t st = room(w, 4, &p);
    if (st == PSA_SUCCESS)
        ward_store_u32le(p, v);
    return st;
}

psa_status_t ward_put_u64le(struct ward_writer *w, uint64_t v)
{
    uint8_t *p;
    psa_status_t st = room(w, 8, &p);
    if (st == PSA_SUCCESS)
        ward_store_u64le(p, v);
    return st;
}

psa_status_t ward_put_i32le(struct ward_writer *w, int32_t v)
{
    return ward_put_u32le(w, (uint32_t)v);
}

psa_status_t ward_put_u16be(struct ward_writer *w, uint16_t v)
{
    uint8_t *p;
    psa_status_t st = room(w, 2, &p);
    if (st == PSA_SUCCESS) {
        p[0] = (uint8_t)(v >> 8);
        p[1] = (uint8_t)v;
    }
    return st;
}

psa_status_t ward_put_u32be(struct ward_writer *w, uint32_t v)
{
    uint8_t *p;
    psa_status_t st = room(w, 4, &p);
    if (st == PSA_SUCCESS)
        ward_store_u32be(p, v);
    return st;
}

psa_status_t ward_put_u64be(struct ward_writer *w, uint64_t v)
{
    uint8_t *p;
    psa_status_t st = room(w, 8, &p);
    if (st == PSA_SUCCESS) {
        ward_store_u32be(p, (uint32_t)(v >> 32));
        ward_store_u32be(p + 4, (uint32_t)v);
    }
    return st;
}

psa_status_t ward_put_bytes(struct ward_writer *w, const void *in, size_t n)
{
    uint8_t *p;
    psa_status_t st = room(w, n, &p);
    if (st == PSA_SUCCESS && n != 0)
        memcpy(p, in, n);
    return st;
}

psa_status_t ward_put_zeros(struct ward_writer *w, size_t n)
{
    uint8_t *p;
    psa_status_t st = room(w, n, &p);
    if (st == PSA_SUCCESS && n != 0)
        memset(p, 0, n);
    return st;
}

psa_status_t ward_put_lv32(struct ward_writer *w, const void *in, size_t n)
{
    uint8_t *p;
    psa_status_t st;
    if (w->err != PSA_SUCCESS)
        return w->err;
    if (n > UINT32_MAX) {
        w->err = PSA_ERROR_INVALID_ARGUMENT;
        return w->err;
    }
    /* Check the whole record fits before writing any of it. */
    if (n > w->cap - w->len || 4 > w->cap - w->len - n) {
        w->err = PSA_ERROR_BUFFER_TOO_SMALL;
        return w->err;
    }
    st = room(w, 4 + n, &p);
    if (st == PSA_SUCCESS) {
        ward_store_u32le(p, (uint32_t)n);
        if (n != 0)
            memcpy(p + 4, in, n);
    }
    return st;
}

psa_status_t ward_put_reserve(struct ward_writer *w, uint8_t **p, size_t n)
{
    return room(w, n, p);
}

psa_status_t ward_patch_u32le(struct ward_writer *w, size_t at, uint32_t v)
{
    if (w->err != PSA_SUCCESS)
        return w->err;
    if (at > w->len || w->len - at < 4) {
        w->err = PSA_ERROR_INVALID_ARGUMENT;
        return w->err;
    }
    ward_store_u32le(w->base + at, v);
    return PSA_SUCCESS;
}

psa_status_t ward_writer_finish(const struct ward_writer *w)
{
    return w->err;
}
