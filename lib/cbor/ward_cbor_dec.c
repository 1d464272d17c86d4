/*
 * ward_cbor_dec.c: the strict CBOR decoder. ward_cbor_dec_init() validates
 * the whole input once (validate_item); the gets afterwards walk input that
 * is known to be well-formed, but still read every byte through the checked
 * reader. Recursion is bounded by WARD_CBOR_DEPTH_CAP.
 */
#include "ward_cbor.h"

#include <string.h>

const struct ward_cbor_limits ward_cbor_default_limits = {
    .max_len = 65536,
    .max_depth = 16,
    .max_items = 256,
    .flags = 0,
};

const char *ward_cbor_strerror(enum ward_cbor_error e)
{
    switch (e) {
    case WARD_CBOR_OK: return "no error";
    case WARD_CBOR_E_TRUNCATED: return "truncated item";
    case WARD_CBOR_E_TRAILING: return "trailing bytes after the item";
    case WARD_CBOR_E_INDEFINITE: return "indefinite length or break (not allowed)";
    case WARD_CBOR_E_RESERVED_AI: return "reserved additional information value";
    case WARD_CBOR_E_SIMPLE: return "invalid or unassigned simple value";
    case WARD_CBOR_E_NON_PREFERRED: return "non-preferred (non-shortest) encoding";
    case WARD_CBOR_E_DEPTH: return "nested too deeply";
    case WARD_CBOR_E_TOO_MANY: return "too many items";
    case WARD_CBOR_E_TOO_LARGE: return "input too large";
    case WARD_CBOR_E_DUP_KEY: return "duplicate map key";
    case WARD_CBOR_E_KEY_TYPE: return "map key is not an integer or string";
    case WARD_CBOR_E_UTF8: return "text string is not valid UTF-8";
    case WARD_CBOR_E_TYPE: return "unexpected type";
    case WARD_CBOR_E_RANGE: return "integer out of range";
    case WARD_CBOR_E_END: return "read past the end of the item";
    case WARD_CBOR_E_ARG: return "bad arguments";
    }
    return "unknown error";
}

/* A key seen in a map still being validated: integers by (major, value),
 * strings by (major, length, contents). */
struct key_ref {
    uint8_t major;
    uint64_t arg;
    const uint8_t *data;
};

struct validator {
    struct ward_reader r;
    const struct ward_cbor_limits *lim;
    enum ward_cbor_error error;
    size_t error_off;
    struct key_ref keys[WARD_CBOR_MAX_OPEN_KEYS];
    size_t nkeys;
};

/* Read one head. On failure returns the reason and leaves *off at the head's
 * first byte for reporting. `strict` applies the well-formedness rules; the
 * gets after validation call it with the same rules, which cannot fail then. */
static enum ward_cbor_error read_head(struct ward_reader *r, unsigned flags,
                                      struct ward_cbor_item *it)
{
    uint8_t ib;
    if (ward_get_u8(r, &ib) != PSA_SUCCESS)
        return WARD_CBOR_E_TRUNCATED;
    it->major = (enum ward_cbor_major)(ib >> 5);
    it->ai = ib & 0x1f;
    it->data = NULL;
    uint64_t min; /* smallest argument that needs this width */
    switch (it->ai) {
    case 24: {
        uint8_t v;
        if (ward_get_u8(r, &v) != PSA_SUCCESS)
            return WARD_CBOR_E_TRUNCATED;
        it->arg = v;
        min = 24;
        break;
    }
    case 25: {
        uint16_t v;
        if (ward_get_u16be(r, &v) != PSA_SUCCESS)
            return WARD_CBOR_E_TRUNCATED;
        it->arg = v;
        min = 0x100;
        break;
    }
    case 26: {
        uint32_t v;
        if (ward_get_u32be(r, &v) != PSA_SUCCESS)
            return WARD_CBOR_E_TRUNCATED;
        it->arg = v;
        min = 0x10000;
        break;
    }
    case 27: {
        uint64_t v;
        if (ward_get_u64be(r, &v) != PSA_SUCCESS)
            return WARD_CBOR_E_TRUNCATED;
        it->arg = v;
        min = 0x100000000ull;
        break;
    }
    case 28:
    case 29:
    case 30:
        return WARD_CBOR_E_RESERVED_AI;
    case 31:
        /* Indefinite length (2..5) or break (7); on 0, 1 and 6 not even a
         * defined form. */
        if (it->major == WARD_CBOR_UINT || it->major == WARD_CBOR_NINT ||
            it->major == WARD_CBOR_TAG)
            return WARD_CBOR_E_RESERVED_AI;
        return WARD_CBOR_E_INDEFINITE;
    default:
        it->arg = it->ai;
        min = 0;
        break;
    }
    if (it->major == WARD_CBOR_SIMPLE) {
        /* 25..27 are floats: opaque, any bits. 24 carries a simple value
         * that must be >= 32 to be well-formed; Ward accepts only
         * false/true/null/undefined. */
        if (it->ai >= 25)
            return WARD_CBOR_OK;
        if (it->ai == 24 || it->arg < 20 || it->arg > 23)
            return WARD_CBOR_E_SIMPLE;
        return WARD_CBOR_OK;
    }
    if ((flags & WARD_CBOR_PREFERRED_ONLY) && it->arg < min)
        return WARD_CBOR_E_NON_PREFERRED;
    return WARD_CBOR_OK;
}

/* RFC 3629 UTF-8: no overlongs, no surrogates, nothing above U+10FFFF. */
static bool utf8_valid(struct ward_reader *r)
{
    uint8_t c;
    while (ward_reader_remaining(r) > 0) {
        if (ward_get_u8(r, &c) != PSA_SUCCESS)
            return false;
        if (c < 0x80)
            continue;
        unsigned extra;
        uint32_t cp;
        if (c >= 0xc2 && c <= 0xdf) {
            extra = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            extra = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        for (unsigned i = 0; i < extra; i++) {
            if (ward_get_u8(r, &c) != PSA_SUCCESS || (c & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (c & 0x3f);
        }
        if ((extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
            (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
            return false;
    }
    return true;
}

static bool key_equal(const struct key_ref *a, const struct key_ref *b)
{
    if (a->major != b->major || a->arg != b->arg)
        return false;
    if (a->major == WARD_CBOR_BSTR || a->major == WARD_CBOR_TSTR)
        return a->arg == 0 || memcmp(a->data, b->data, (size_t)a->arg) == 0;
    return true;
}

static bool vfail(struct validator *v, enum ward_cbor_error e, size_t off)
{
    v->error = e;
    v->error_off = off;
    return false;
}

static bool validate_item(struct validator *v, unsigned depth);

static bool validate_map(struct validator *v, const struct ward_cbor_item *it,
                         unsigned depth, size_t start)
{
    size_t first = v->nkeys;
    if (it->arg > v->lim->max_items)
        return vfail(v, WARD_CBOR_E_TOO_MANY, start);
    for (uint64_t i = 0; i < it->arg; i++) {
        size_t koff = v->r.off;
        struct ward_cbor_item key;
        struct ward_reader peek = v->r;
        enum ward_cbor_error e = read_head(&peek, v->lim->flags, &key);
        if (e != WARD_CBOR_OK)
            return vfail(v, e, koff);
        if (key.major != WARD_CBOR_UINT && key.major != WARD_CBOR_NINT &&
            key.major != WARD_CBOR_BSTR && key.major != WARD_CBOR_TSTR)
            return vfail(v, WARD_CBOR_E_KEY_TYPE, koff);
        if (!validate_item(v, depth))
            return false;
        if (key.major == WARD_CBOR_BSTR || key.major == WARD_CBOR_TSTR) {
            /* The string body follows its head; borrow it from the copy. */
            if (ward_get_ref(&peek, &key.data, (size_t)key.arg) != PSA_SUCCESS)
                return vfail(v, WARD_CBOR_E_TRUNCATED, koff);
        }
        struct key_ref kr = {(uint8_t)key.major, key.arg, key.data};
        for (size_t j = first; j < v->nkeys; j++)
            if (key_equal(&v->keys[j], &kr))
                return vfail(v, WARD_CBOR_E_DUP_KEY, koff);
        if (v->nkeys >= WARD_CBOR_MAX_OPEN_KEYS)
            return vfail(v, WARD_CBOR_E_TOO_MANY, koff);
        v->keys[v->nkeys++] = kr;
        if (!validate_item(v, depth))
            return false;
    }
    v->nkeys = first;
    return true;
}

/* Validate the item at the cursor; depth is the nesting of its parent. */
static bool validate_item(struct validator *v, unsigned depth)
{
    size_t start = v->r.off;
    struct ward_cbor_item it;
    enum ward_cbor_error e = read_head(&v->r, v->lim->flags, &it);
    if (e != WARD_CBOR_OK)
        return vfail(v, e, start);
    switch (it.major) {
    case WARD_CBOR_UINT:
    case WARD_CBOR_NINT:
    case WARD_CBOR_SIMPLE:
        return true;
    case WARD_CBOR_BSTR:
    case WARD_CBOR_TSTR: {
        struct ward_reader body;
        if (it.arg > ward_reader_remaining(&v->r) ||
            ward_get_sub(&v->r, &body, (size_t)it.arg) != PSA_SUCCESS)
            return vfail(v, WARD_CBOR_E_TRUNCATED, start);
        if (it.major == WARD_CBOR_TSTR && !utf8_valid(&body))
            return vfail(v, WARD_CBOR_E_UTF8, start);
        return true;
    }
    case WARD_CBOR_ARRAY:
    case WARD_CBOR_MAP:
    case WARD_CBOR_TAG:
        break;
    }
    if (depth + 1 > v->lim->max_depth)
        return vfail(v, WARD_CBOR_E_DEPTH, start);
    if (it.major == WARD_CBOR_TAG)
        return validate_item(v, depth + 1);
    if (it.major == WARD_CBOR_MAP)
        return validate_map(v, &it, depth + 1, start);
    if (it.arg > v->lim->max_items)
        return vfail(v, WARD_CBOR_E_TOO_MANY, start);
    for (uint64_t i = 0; i < it.arg; i++)
        if (!validate_item(v, depth + 1))
            return false;
    return true;
}

static psa_status_t dfail(struct ward_cbor_dec *d, enum ward_cbor_error e)
{
    if (d->error == WARD_CBOR_OK) {
        d->error = e;
        d->error_off = d->r.off;
    }
    return PSA_ERROR_INVALID_ARGUMENT;
}

psa_status_t ward_cbor_dec_init(struct ward_cbor_dec *d, const uint8_t *buf,
                                size_t len, const struct ward_cbor_limits *limits)
{
    /* The validator holds the open-key table: about 6 KiB of stack, used
     * only here, never in the SPE's encoder paths. */
    struct validator v;
    const struct ward_cbor_limits *lim = limits ? limits : &ward_cbor_default_limits;

    ward_reader_init(&d->r, buf, len);
    d->error = WARD_CBOR_OK;
    d->error_off = 0;
    if ((buf == NULL && len != 0) || lim->max_depth > WARD_CBOR_DEPTH_CAP)
        return dfail(d, WARD_CBOR_E_ARG);
    if (len > lim->max_len)
        return dfail(d, WARD_CBOR_E_TOO_LARGE);
    ward_reader_init(&v.r, buf, len);
    v.lim = lim;
    v.error = WARD_CBOR_OK;
    v.error_off = 0;
    v.nkeys = 0;
    if (!validate_item(&v, 0)) {
        d->error = v.error;
        d->error_off = v.error_off;
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    if (ward_reader_remaining(&v.r) != 0) {
        d->error = WARD_CBOR_E_TRAILING;
        d->error_off = v.r.off;
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    return PSA_SUCCESS;
}

psa_status_t ward_cbor_peek(struct ward_cbor_dec *d, struct ward_cbor_item *it)
{
    if (d->error != WARD_CBOR_OK)
        return PSA_ERROR_INVALID_ARGUMENT;
    struct ward_reader peek = d->r;
    if (ward_reader_remaining(&peek) == 0)
        return dfail(d, WARD_CBOR_E_END);
    enum ward_cbor_error e = read_head(&peek, 0, it);
    if (e != WARD_CBOR_OK)
        return dfail(d, e);
    if (it->major == WARD_CBOR_BSTR || it->major == WARD_CBOR_TSTR) {
        if (it->arg > ward_reader_remaining(&peek) ||
            ward_get_ref(&peek, &it->data, (size_t)it->arg) != PSA_SUCCESS)
            return dfail(d, WARD_CBOR_E_TRUNCATED);
    }
    return PSA_SUCCESS;
}

psa_status_t ward_cbor_get(struct ward_cbor_dec *d, struct ward_cbor_item *it)
{
    psa_status_t st = ward_cbor_peek(d, it);
    if (st != PSA_SUCCESS)
        return st;
    /* Re-read through the real cursor: cannot fail after the peek. */
    if (read_head(&d->r, 0, it) != WARD_CBOR_OK)
        return dfail(d, WARD_CBOR_E_TRUNCATED);
    if ((it->major == WARD_CBOR_BSTR || it->major == WARD_CBOR_TSTR) &&
        ward_get_ref(&d->r, &it->data, (size_t)it->arg) != PSA_SUCCESS)
        return dfail(d, WARD_CBOR_E_TRUNCATED);
    return PSA_SUCCESS;
}

static psa_status_t skip_depth(struct ward_cbor_dec *d, unsigned depth)
{
    struct ward_cbor_item it;
    psa_status_t st;
    if (depth > WARD_CBOR_DEPTH_CAP)
        return dfail(d, WARD_CBOR_E_DEPTH);
    st = ward_cbor_get(d, &it);
    if (st != PSA_SUCCESS)
        return st;
    uint64_t children = 0;
    if (it.major == WARD_CBOR_ARRAY)
        children = it.arg;
    else if (it.major == WARD_CBOR_MAP)
        children = it.arg * 2; /* validated: arg <= max_items */
    else if (it.major == WARD_CBOR_TAG)
        children = 1;
    for (uint64_t i = 0; i < children; i++) {
        st = skip_depth(d, depth + 1);
        if (st != PSA_SUCCESS)
            return st;
    }
    return PSA_SUCCESS;
}

psa_status_t ward_cbor_skip(struct ward_cbor_dec *d)
{
    return skip_depth(d, 0);
}

/* Peek, require a major type, then consume. */
static psa_status_t get_typed(struct ward_cbor_dec *d, enum ward_cbor_major major,
                              struct ward_cbor_item *it)
{
    psa_status_t st = ward_cbor_peek(d, it);
    if (st != PSA_SUCCESS)
        return st;
    if (it->major != major)
        return dfail(d, WARD_CBOR_E_TYPE);
    return ward_cbor_get(d, it);
}

psa_status_t ward_cbor_get_uint(struct ward_cbor_dec *d, uint64_t *v)
{
    struct ward_cbor_item it;
    psa_status_t st = get_typed(d, WARD_CBOR_UINT, &it);
    if (st == PSA_SUCCESS)
        *v = it.arg;
    return st;
}

bool ward_cbor_item_int(const struct ward_cbor_item *it, int64_t *v)
{
    if (it->major == WARD_CBOR_UINT) {
        if (it->arg > (uint64_t)INT64_MAX)
            return false;
        *v = (int64_t)it->arg;
        return true;
    }
    if (it->major == WARD_CBOR_NINT) {
        if (it->arg > (uint64_t)INT64_MAX)
            return false;
        *v = -1 - (int64_t)it->arg;
        return true;
    }
    return false;
}

psa_status_t ward_cbor_get_int(struct ward_cbor_dec *d, int64_t *v)
{
    struct ward_cbor_item it;
    psa_status_t st = ward_cbor_peek(d, &it);
    if (st != PSA_SUCCESS)
        return st;
    if (it.major != WARD_CBOR_UINT && it.major != WARD_CBOR_NINT)
        return dfail(d, WARD_CBOR_E_TYPE);
    if (!ward_cbor_item_int(&it, v))
        return dfail(d, WARD_CBOR_E_RANGE);
    return ward_cbor_get(d, &it);
}

psa_status_t ward_cbor_get_bstr(struct ward_cbor_dec *d, const uint8_t **p, size_t *n)
{
    struct ward_cbor_item it;
    psa_status_t st = get_typed(d, WARD_CBOR_BSTR, &it);
    if (st == PSA_SUCCESS) {
        *p = it.data;
        *n = (size_t)it.arg;
    }
    return st;
}

psa_status_t ward_cbor_get_tstr(struct ward_cbor_dec *d, const char **s, size_t *n)
{
    struct ward_cbor_item it;
    psa_status_t st = get_typed(d, WARD_CBOR_TSTR, &it);
    if (st == PSA_SUCCESS) {
        *s = (const char *)it.data;
        *n = (size_t)it.arg;
    }
    return st;
}

psa_status_t ward_cbor_get_array(struct ward_cbor_dec *d, uint64_t *count)
{
    struct ward_cbor_item it;
    psa_status_t st = get_typed(d, WARD_CBOR_ARRAY, &it);
    if (st == PSA_SUCCESS)
        *count = it.arg;
    return st;
}

psa_status_t ward_cbor_get_map(struct ward_cbor_dec *d, uint64_t *pairs)
{
    struct ward_cbor_item it;
    psa_status_t st = get_typed(d, WARD_CBOR_MAP, &it);
    if (st == PSA_SUCCESS)
        *pairs = it.arg;
    return st;
}

psa_status_t ward_cbor_get_tag(struct ward_cbor_dec *d, uint64_t *tag)
{
    struct ward_cbor_item it;
    psa_status_t st = get_typed(d, WARD_CBOR_TAG, &it);
    if (st == PSA_SUCCESS)
        *tag = it.arg;
    return st;
}

bool ward_cbor_at_end(const struct ward_cbor_dec *d)
{
    return d->error == WARD_CBOR_OK && ward_reader_remaining(&d->r) == 0;
}
