/*
 * ward_cbor_enc.c: the allocation-free CBOR encoder. Every byte goes through
 * emit(), which either counts it or hands it to the checked writer; nothing
 * here touches the output buffer any other way.
 */
#include "ward_cbor.h"

#include <string.h>

void ward_cbor_enc_init(struct ward_cbor_enc *e, uint8_t *buf, size_t cap)
{
    ward_writer_init(&e->w, buf, cap);
    e->counting = false;
    e->count = 0;
}

void ward_cbor_enc_init_counting(struct ward_cbor_enc *e)
{
    ward_writer_init(&e->w, NULL, 0);
    e->counting = true;
    e->count = 0;
}

size_t ward_cbor_enc_len(const struct ward_cbor_enc *e)
{
    return e->counting ? e->count : ward_writer_len(&e->w);
}

psa_status_t ward_cbor_enc_finish(const struct ward_cbor_enc *e)
{
    return ward_writer_finish(&e->w);
}

static psa_status_t fail(struct ward_cbor_enc *e, psa_status_t st)
{
    if (e->w.err == PSA_SUCCESS)
        e->w.err = st;
    return e->w.err;
}

/* Append n bytes (p may be NULL only for a counting encoder or n == 0). */
static psa_status_t emit(struct ward_cbor_enc *e, const void *p, size_t n)
{
    if (e->w.err != PSA_SUCCESS)
        return e->w.err;
    if (e->counting) {
        if (n > SIZE_MAX - e->count)
            return fail(e, PSA_ERROR_BUFFER_TOO_SMALL);
        e->count += n;
        return PSA_SUCCESS;
    }
    return ward_put_bytes(&e->w, p, n);
}

size_t ward_cbor_head_size(uint64_t arg)
{
    if (arg < 24)
        return 1;
    if (arg <= 0xff)
        return 2;
    if (arg <= 0xffff)
        return 3;
    if (arg <= 0xffffffffu)
        return 5;
    return 9;
}

psa_status_t ward_cbor_put_head_fixed(struct ward_cbor_enc *e,
                                      enum ward_cbor_major major, uint64_t arg,
                                      unsigned width)
{
    uint8_t h[9];
    size_t n;
    uint8_t ai;

    if ((unsigned)major > 7)
        return fail(e, PSA_ERROR_INVALID_ARGUMENT);
    switch (width) {
    case 0:
        if (arg >= 24)
            return fail(e, PSA_ERROR_INVALID_ARGUMENT);
        ai = (uint8_t)arg;
        break;
    case 1:
        ai = 24;
        break;
    case 2:
        ai = 25;
        break;
    case 4:
        ai = 26;
        break;
    case 8:
        ai = 27;
        break;
    default:
        return fail(e, PSA_ERROR_INVALID_ARGUMENT);
    }
    if (width > 0 && width < 8 && arg >> (8 * width) != 0)
        return fail(e, PSA_ERROR_INVALID_ARGUMENT);
    h[0] = (uint8_t)((unsigned)major << 5 | ai);
    for (n = 0; n < width; n++)
        h[1 + n] = (uint8_t)(arg >> (8 * (width - 1 - n)));
    return emit(e, h, 1 + width);
}

psa_status_t ward_cbor_put_head(struct ward_cbor_enc *e, enum ward_cbor_major major,
                                uint64_t arg)
{
    static const unsigned widths[] = {0, 0, 1, 2, 0, 4, 0, 0, 0, 8};
    return ward_cbor_put_head_fixed(e, major, arg, widths[ward_cbor_head_size(arg)]);
}

psa_status_t ward_cbor_put_uint(struct ward_cbor_enc *e, uint64_t v)
{
    return ward_cbor_put_head(e, WARD_CBOR_UINT, v);
}

psa_status_t ward_cbor_put_int(struct ward_cbor_enc *e, int64_t v)
{
    if (v >= 0)
        return ward_cbor_put_head(e, WARD_CBOR_UINT, (uint64_t)v);
    /* -1 - v without overflow for INT64_MIN. */
    return ward_cbor_put_head(e, WARD_CBOR_NINT, ~(uint64_t)v);
}

psa_status_t ward_cbor_put_int_fixed(struct ward_cbor_enc *e, int64_t v,
                                     unsigned width)
{
    if (v >= 0)
        return ward_cbor_put_head_fixed(e, WARD_CBOR_UINT, (uint64_t)v, width);
    return ward_cbor_put_head_fixed(e, WARD_CBOR_NINT, ~(uint64_t)v, width);
}

/* A string head and body as one put: if both do not fit, nothing is written. */
static psa_status_t put_string(struct ward_cbor_enc *e, enum ward_cbor_major major,
                               const void *p, size_t n)
{
    if (p == NULL && n != 0)
        return fail(e, PSA_ERROR_INVALID_ARGUMENT);
    if (e->w.err != PSA_SUCCESS)
        return e->w.err;
    if (!e->counting && (ward_writer_room(&e->w) < ward_cbor_head_size(n) ||
                         ward_writer_room(&e->w) - ward_cbor_head_size(n) < n))
        return fail(e, PSA_ERROR_BUFFER_TOO_SMALL);
    psa_status_t st = ward_cbor_put_head(e, major, n);
    return st != PSA_SUCCESS ? st : emit(e, p, n);
}

psa_status_t ward_cbor_put_bstr(struct ward_cbor_enc *e, const void *p, size_t n)
{
    return put_string(e, WARD_CBOR_BSTR, p, n);
}

psa_status_t ward_cbor_put_tstr(struct ward_cbor_enc *e, const char *s, size_t n)
{
    return put_string(e, WARD_CBOR_TSTR, s, n);
}

psa_status_t ward_cbor_put_tstr_z(struct ward_cbor_enc *e, const char *s)
{
    if (s == NULL)
        return fail(e, PSA_ERROR_INVALID_ARGUMENT);
    return ward_cbor_put_tstr(e, s, strlen(s));
}

psa_status_t ward_cbor_put_array(struct ward_cbor_enc *e, uint64_t count)
{
    return ward_cbor_put_head(e, WARD_CBOR_ARRAY, count);
}

psa_status_t ward_cbor_put_map(struct ward_cbor_enc *e, uint64_t pairs)
{
    return ward_cbor_put_head(e, WARD_CBOR_MAP, pairs);
}

psa_status_t ward_cbor_put_tag(struct ward_cbor_enc *e, uint64_t tag)
{
    return ward_cbor_put_head(e, WARD_CBOR_TAG, tag);
}

psa_status_t ward_cbor_put_bool(struct ward_cbor_enc *e, bool v)
{
    return ward_cbor_put_head(e, WARD_CBOR_SIMPLE, v ? 21 : 20);
}

psa_status_t ward_cbor_put_null(struct ward_cbor_enc *e)
{
    return ward_cbor_put_head(e, WARD_CBOR_SIMPLE, 22);
}

psa_status_t ward_cbor_put_raw(struct ward_cbor_enc *e, const void *p, size_t n)
{
    if (p == NULL && n != 0)
        return fail(e, PSA_ERROR_INVALID_ARGUMENT);
    return emit(e, p, n);
}

psa_status_t ward_cbor_put_reserve(struct ward_cbor_enc *e, uint8_t **p, size_t n)
{
    *p = NULL;
    if (e->counting)
        return emit(e, NULL, n);
    return ward_put_reserve(&e->w, p, n);
}
