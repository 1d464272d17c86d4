/*
 * ward_cbor.h: a small CBOR (RFC 8949) encoder that never allocates (it runs
 * in the SPE) and a strict decoder for untrusted input (it runs in
 * verifiers). Both sit on the checked codec (lib/codec): no byte is read or
 * written except through a ward_reader or ward_writer.
 *
 * What the decoder accepts (the subset attestation tokens and COSE use):
 *  - exactly one well-formed data item filling the whole buffer (no trailing
 *    bytes);
 *  - definite lengths only: indefinite-length strings, arrays and maps, and a
 *    stray "break", are rejected;
 *  - reserved additional-information values (28..30) are rejected;
 *  - simple values: only false, true, null, undefined (20..23); every other
 *    simple value (unassigned, or the not-well-formed two-byte form below 32)
 *    is rejected; half/single/double floats are accepted as opaque values;
 *  - map keys must be integers or byte/text strings, and no map may hold two
 *    equal keys (compared by value, so 1 and the two-byte form of 1 are the
 *    same key);
 *  - text strings must be valid UTF-8 (no overlongs, surrogates or code
 *    points above U+10FFFF);
 *  - limits: total size, nesting depth, items per array or map, and keys held
 *    in open maps at once (WARD_CBOR_MAX_OPEN_KEYS).
 * Non-preferred (non-shortest) integer and length encodings ARE accepted by
 * default, because RFC 9783 lets a token emitter use them (Ward's own token
 * builder does, to give tokens a fixed size); set WARD_CBOR_PREFERRED_ONLY in
 * the limits' flags to reject them.
 */
#ifndef WARD_CBOR_H
#define WARD_CBOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "psa/error.h"
#include "ward_codec.h"

#ifdef __cplusplus
extern "C" {
#endif

enum ward_cbor_major {
    WARD_CBOR_UINT = 0,
    WARD_CBOR_NINT = 1,
    WARD_CBOR_BSTR = 2,
    WARD_CBOR_TSTR = 3,
    WARD_CBOR_ARRAY = 4,
    WARD_CBOR_MAP = 5,
    WARD_CBOR_TAG = 6,
    WARD_CBOR_SIMPLE = 7, /* simple values and floats */
};

/* ------------------------------------------------------------------------ */
/* Encoder                                                                  */

/* An encoder writes into a caller's buffer, or only counts (a measuring
 * encoder, for computing an exact size before writing). */
struct ward_cbor_enc {
    struct ward_writer w;
    bool counting;
    size_t count; /* bytes a counting encoder would have written */
};

/* Write into cap bytes at buf (buf may be NULL only when cap is 0). */
void ward_cbor_enc_init(struct ward_cbor_enc *e, uint8_t *buf, size_t cap);
/* Write nothing; only count the bytes the same calls would produce. */
void ward_cbor_enc_init_counting(struct ward_cbor_enc *e);
/* Bytes written (or counted) so far. */
size_t ward_cbor_enc_len(const struct ward_cbor_enc *e);
/* PSA_SUCCESS, or the first (sticky) error: PSA_ERROR_BUFFER_TOO_SMALL when
 * something did not fit, PSA_ERROR_INVALID_ARGUMENT for a bad argument. A
 * failed put writes nothing, and every later put fails. */
psa_status_t ward_cbor_enc_finish(const struct ward_cbor_enc *e);

/* Bytes taken by a head (initial byte plus argument) in preferred form. */
size_t ward_cbor_head_size(uint64_t arg);

/* A head of major type `major` with argument `arg`, in preferred (shortest)
 * form. */
psa_status_t ward_cbor_put_head(struct ward_cbor_enc *e, enum ward_cbor_major major,
                                uint64_t arg);
/* The same with the argument always `width` bytes wide (0, 1, 2, 4 or 8; 0
 * means the value sits in the initial byte and must be < 24): a deliberately
 * non-preferred, fixed-size encoding. INVALID_ARGUMENT if arg does not fit. */
psa_status_t ward_cbor_put_head_fixed(struct ward_cbor_enc *e,
                                      enum ward_cbor_major major, uint64_t arg,
                                      unsigned width);
psa_status_t ward_cbor_put_uint(struct ward_cbor_enc *e, uint64_t v);
psa_status_t ward_cbor_put_int(struct ward_cbor_enc *e, int64_t v);
/* An integer with a fixed-width argument (see ward_cbor_put_head_fixed). */
psa_status_t ward_cbor_put_int_fixed(struct ward_cbor_enc *e, int64_t v,
                                     unsigned width);
psa_status_t ward_cbor_put_bstr(struct ward_cbor_enc *e, const void *p, size_t n);
/* Text: the caller guarantees valid UTF-8 (the encoder does not check). */
psa_status_t ward_cbor_put_tstr(struct ward_cbor_enc *e, const char *s, size_t n);
psa_status_t ward_cbor_put_tstr_z(struct ward_cbor_enc *e, const char *s);
psa_status_t ward_cbor_put_array(struct ward_cbor_enc *e, uint64_t count);
psa_status_t ward_cbor_put_map(struct ward_cbor_enc *e, uint64_t pairs);
psa_status_t ward_cbor_put_tag(struct ward_cbor_enc *e, uint64_t tag);
psa_status_t ward_cbor_put_bool(struct ward_cbor_enc *e, bool v);
psa_status_t ward_cbor_put_null(struct ward_cbor_enc *e);
/* Bytes that are already CBOR (a pre-encoded header), copied as they are. */
psa_status_t ward_cbor_put_raw(struct ward_cbor_enc *e, const void *p, size_t n);
/* Reserve n bytes to be filled in place by the caller (a signature computed
 * after the rest). *p is NULL for a counting encoder. */
psa_status_t ward_cbor_put_reserve(struct ward_cbor_enc *e, uint8_t **p, size_t n);

/* ------------------------------------------------------------------------ */
/* Decoder                                                                  */

#define WARD_CBOR_PREFERRED_ONLY 0x1u /* reject non-shortest heads */
#define WARD_CBOR_DEPTH_CAP 32u       /* max_depth may not exceed this */
#define WARD_CBOR_MAX_OPEN_KEYS 256u  /* keys held by all open maps at once */

struct ward_cbor_limits {
    size_t max_len;     /* whole input, bytes */
    unsigned max_depth; /* nesting of arrays, maps and tags; <= WARD_CBOR_DEPTH_CAP */
    uint64_t max_items; /* elements of one array, or pairs of one map */
    unsigned flags;     /* WARD_CBOR_PREFERRED_ONLY */
};

/* 64 KiB, depth 16, 256 items, non-preferred accepted. */
extern const struct ward_cbor_limits ward_cbor_default_limits;

/* Why a decode failed; every value has a name in ward_cbor_strerror(). */
enum ward_cbor_error {
    WARD_CBOR_OK = 0,
    WARD_CBOR_E_TRUNCATED,     /* input ends inside an item */
    WARD_CBOR_E_TRAILING,      /* bytes after the one top-level item */
    WARD_CBOR_E_INDEFINITE,    /* indefinite length or break */
    WARD_CBOR_E_RESERVED_AI,   /* additional information 28..30 (or 31 on 0/1/6) */
    WARD_CBOR_E_SIMPLE,        /* a simple value other than false/true/null/undefined */
    WARD_CBOR_E_NON_PREFERRED, /* non-shortest head, with WARD_CBOR_PREFERRED_ONLY */
    WARD_CBOR_E_DEPTH,         /* nested deeper than max_depth */
    WARD_CBOR_E_TOO_MANY,      /* more than max_items, or too many open keys */
    WARD_CBOR_E_TOO_LARGE,     /* input longer than max_len */
    WARD_CBOR_E_DUP_KEY,       /* a map holds the same key twice */
    WARD_CBOR_E_KEY_TYPE,      /* a map key that is not an integer or string */
    WARD_CBOR_E_UTF8,          /* a text string that is not valid UTF-8 */
    WARD_CBOR_E_TYPE,          /* a typed get found another type */
    WARD_CBOR_E_RANGE,         /* an integer does not fit the asked type */
    WARD_CBOR_E_END,           /* a get past the end of the validated item */
    WARD_CBOR_E_ARG,           /* bad arguments (NULL buffer, limits over caps) */
};

const char *ward_cbor_strerror(enum ward_cbor_error e);

/* The head of one item, as a get returns it. */
struct ward_cbor_item {
    enum ward_cbor_major major;
    uint8_t ai;          /* additional information, 0..27 */
    uint64_t arg;        /* value, string length, element/pair count, tag */
    const uint8_t *data; /* string contents (BSTR/TSTR), inside the input */
};

/* A cursor over one validated item. Errors are sticky: after the first
 * failure every get fails with the same status and `error` says why, at
 * byte offset `error_off`. */
struct ward_cbor_dec {
    struct ward_reader r;
    enum ward_cbor_error error;
    size_t error_off;
};

/* Validate len bytes at buf against every rule above (limits NULL means the
 * defaults) and put the cursor on the item. Returns PSA_SUCCESS, or
 * PSA_ERROR_INVALID_ARGUMENT with d->error set. The decoder borrows buf. */
psa_status_t ward_cbor_dec_init(struct ward_cbor_dec *d, const uint8_t *buf,
                                size_t len, const struct ward_cbor_limits *limits);

/* The next item's head without consuming it. */
psa_status_t ward_cbor_peek(struct ward_cbor_dec *d, struct ward_cbor_item *it);
/* Consume the next head (and, for strings, its contents). For arrays, maps
 * and tags the cursor then stands on the first child. */
psa_status_t ward_cbor_get(struct ward_cbor_dec *d, struct ward_cbor_item *it);
/* Consume a whole item with everything nested in it. */
psa_status_t ward_cbor_skip(struct ward_cbor_dec *d);
/* Typed gets: consume one item of the named type, or fail with
 * WARD_CBOR_E_TYPE (or E_RANGE when the value does not fit) and consume
 * nothing. get_int accepts major types 0 and 1. */
psa_status_t ward_cbor_get_uint(struct ward_cbor_dec *d, uint64_t *v);
psa_status_t ward_cbor_get_int(struct ward_cbor_dec *d, int64_t *v);
psa_status_t ward_cbor_get_bstr(struct ward_cbor_dec *d, const uint8_t **p, size_t *n);
psa_status_t ward_cbor_get_tstr(struct ward_cbor_dec *d, const char **s, size_t *n);
psa_status_t ward_cbor_get_array(struct ward_cbor_dec *d, uint64_t *count);
psa_status_t ward_cbor_get_map(struct ward_cbor_dec *d, uint64_t *pairs);
psa_status_t ward_cbor_get_tag(struct ward_cbor_dec *d, uint64_t *tag);
/* True when the whole top-level item has been consumed. */
bool ward_cbor_at_end(const struct ward_cbor_dec *d);

/* Decode the integer an item head denotes (UINT or NINT) into *v; false if
 * it is another type or outside int64_t. */
bool ward_cbor_item_int(const struct ward_cbor_item *it, int64_t *v);

#ifdef __cplusplus
}
#endif

#endif /* WARD_CBOR_H */
