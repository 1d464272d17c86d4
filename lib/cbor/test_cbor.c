/*
 * Unit tests of the CBOR encoder and the strict decoder: RFC 8949 Appendix A
 * encodings, every buffer-too-small path, and one test per rejection rule
 * and limit of the decoder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ward_cbor.h"

#define B(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})

static void expect_bytes(const struct ward_cbor_enc *e, const uint8_t *buf,
                         const uint8_t *want, size_t n)
{
    assert_int_equal(ward_cbor_enc_finish(e), PSA_SUCCESS);
    assert_int_equal(ward_cbor_enc_len(e), n);
    assert_memory_equal(buf, want, n);
}

/* ---- encoder ---------------------------------------------------------- */

static void test_enc_ints(void **state)
{
    (void)state;
    static const struct {
        int64_t v;
        uint8_t enc[9];
        size_t n;
    } cases[] = {
        {0, {0x00}, 1},
        {23, {0x17}, 1},
        {24, {0x18, 0x18}, 2},
        {255, {0x18, 0xff}, 2},
        {256, {0x19, 0x01, 0x00}, 3},
        {65535, {0x19, 0xff, 0xff}, 3},
        {65536, {0x1a, 0x00, 0x01, 0x00, 0x00}, 5},
        {1000000, {0x1a, 0x00, 0x0f, 0x42, 0x40}, 5},
        {1000000000000, {0x1b, 0x00, 0x00, 0x00, 0xe8, 0xd4, 0xa5, 0x10, 0x00}, 9},
        {-1, {0x20}, 1},
        {-24, {0x37}, 1},
        {-25, {0x38, 0x18}, 2},
        {-100, {0x38, 0x63}, 2},
        {-1000, {0x39, 0x03, 0xe7}, 3},
        {-75000, {0x3a, 0x00, 0x01, 0x24, 0xf7}, 5},
        {INT64_MIN, {0x3b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 9},
        {INT64_MAX, {0x1b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 9},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t buf[16];
        struct ward_cbor_enc e;
        ward_cbor_enc_init(&e, buf, sizeof(buf));
        assert_int_equal(ward_cbor_put_int(&e, cases[i].v), PSA_SUCCESS);
        expect_bytes(&e, buf, cases[i].enc, cases[i].n);
        assert_int_equal(ward_cbor_head_size(cases[i].v < 0 ? ~(uint64_t)cases[i].v
                                                            : (uint64_t)cases[i].v),
                         cases[i].n);
    }
    uint8_t buf[16];
    struct ward_cbor_enc e;
    ward_cbor_enc_init(&e, buf, sizeof(buf));
    assert_int_equal(ward_cbor_put_uint(&e, UINT64_MAX), PSA_SUCCESS);
    expect_bytes(&e, buf, B(0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff));
}

static void test_enc_fixed(void **state)
{
    (void)state;
    uint8_t buf[32];
    struct ward_cbor_enc e;
    ward_cbor_enc_init(&e, buf, sizeof(buf));
    assert_int_equal(ward_cbor_put_int_fixed(&e, 1, 4), PSA_SUCCESS);
    assert_int_equal(ward_cbor_put_int_fixed(&e, -1, 4), PSA_SUCCESS);
    assert_int_equal(ward_cbor_put_int_fixed(&e, 0x3000, 2), PSA_SUCCESS);
    assert_int_equal(ward_cbor_put_head_fixed(&e, WARD_CBOR_BSTR, 3, 1), PSA_SUCCESS);
    assert_int_equal(ward_cbor_put_head_fixed(&e, WARD_CBOR_UINT, 5, 0), PSA_SUCCESS);
    assert_int_equal(ward_cbor_put_head_fixed(&e, WARD_CBOR_UINT, 5, 8), PSA_SUCCESS);
    expect_bytes(&e, buf,
                 B(0x1a, 0, 0, 0, 1, 0x3a, 0, 0, 0, 0, 0x19, 0x30, 0x00, 0x58, 0x03,
                   0x05, 0x1b, 0, 0, 0, 0, 0, 0, 0, 5));
    /* Values that do not fit the width, and bad widths, are rejected. */
    static const struct {
        uint64_t arg;
        unsigned width;
    } bad[] = {{24, 0}, {256, 1}, {65536, 2}, {0x100000000ull, 4}, {1, 3}, {1, 16}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ward_cbor_enc_init(&e, buf, sizeof(buf));
        assert_int_equal(ward_cbor_put_head_fixed(&e, WARD_CBOR_UINT, bad[i].arg,
                                                  bad[i].width),
                         PSA_ERROR_INVALID_ARGUMENT);
        assert_int_equal(ward_cbor_enc_len(&e), 0);
        /* Sticky. */
        assert_int_equal(ward_cbor_put_uint(&e, 0), PSA_ERROR_INVALID_ARGUMENT);
        assert_int_equal(ward_cbor_enc_finish(&e), PSA_ERROR_INVALID_ARGUMENT);
    }
    ward_cbor_enc_init(&e, buf, sizeof(buf));
    assert_int_equal(ward_cbor_put_head_fixed(&e, (enum ward_cbor_major)8, 0, 0),
                     PSA_ERROR_INVALID_ARGUMENT);
}

/* Everything the encoder can emit, in one sequence; run at every capacity. */
static psa_status_t encode_all(struct ward_cbor_enc *e)
{
    uint8_t *sig;
    ward_cbor_put_tag(e, 18);
    ward_cbor_put_array(e, 9);
    ward_cbor_put_map(e, 1);
    ward_cbor_put_int(e, -75000);
    ward_cbor_put_bstr(e, "\x01\x02\x03", 3);
    ward_cbor_put_tstr_z(e, "PSA_IOT_PROFILE_1");
    ward_cbor_put_tstr(e, "", 0);
    ward_cbor_put_bool(e, true);
    ward_cbor_put_bool(e, false);
    ward_cbor_put_null(e);
    ward_cbor_put_raw(e, "\xa1\x01\x26", 3);
    ward_cbor_put_int_fixed(e, 2147483647, 4);
    ward_cbor_put_reserve(e, &sig, 4);
    if (sig != NULL)
        memset(sig, 0xee, 4);
    return ward_cbor_enc_finish(e);
}

static void test_enc_too_small(void **state)
{
    (void)state;
    static const uint8_t want[] = {
        0xd2, 0x89, 0xa1, 0x3a, 0x00, 0x01, 0x24, 0xf7, 0x43, 0x01, 0x02, 0x03,
        0x71, 'P', 'S', 'A', '_', 'I', 'O', 'T', '_', 'P', 'R', 'O', 'F', 'I',
        'L', 'E', '_', '1', 0x60, 0xf5, 0xf4, 0xf6, 0xa1, 0x01, 0x26, 0x1a, 0x7f,
        0xff, 0xff, 0xff, 0xee, 0xee, 0xee, 0xee};
    uint8_t buf[sizeof(want) + 8];
    struct ward_cbor_enc e;

    ward_cbor_enc_init_counting(&e);
    assert_int_equal(encode_all(&e), PSA_SUCCESS);
    assert_int_equal(ward_cbor_enc_len(&e), sizeof(want));

    ward_cbor_enc_init(&e, buf, sizeof(buf));
    assert_int_equal(encode_all(&e), PSA_SUCCESS);
    expect_bytes(&e, buf, want, sizeof(want));

    for (size_t cap = 0; cap < sizeof(want); cap++) {
        memset(buf, 0x55, sizeof(buf));
        ward_cbor_enc_init(&e, cap ? buf : NULL, cap);
        assert_int_equal(encode_all(&e), PSA_ERROR_BUFFER_TOO_SMALL);
        /* What was written is a prefix of the answer, nothing past cap. */
        assert_true(ward_cbor_enc_len(&e) <= cap);
        assert_memory_equal(buf, want, ward_cbor_enc_len(&e));
        for (size_t i = cap; i < sizeof(buf); i++)
            assert_int_equal(buf[i], 0x55);
    }
    /* A string whose head fits but whose body does not writes nothing. */
    ward_cbor_enc_init(&e, buf, 3);
    assert_int_equal(ward_cbor_put_bstr(&e, "abcd", 4), PSA_ERROR_BUFFER_TOO_SMALL);
    assert_int_equal(ward_cbor_enc_len(&e), 0);
    /* NULL data with a length is an argument error. */
    ward_cbor_enc_init(&e, buf, sizeof(buf));
    assert_int_equal(ward_cbor_put_bstr(&e, NULL, 1), PSA_ERROR_INVALID_ARGUMENT);
    ward_cbor_enc_init(&e, buf, sizeof(buf));
    assert_int_equal(ward_cbor_put_tstr_z(&e, NULL), PSA_ERROR_INVALID_ARGUMENT);
    ward_cbor_enc_init(&e, buf, sizeof(buf));
    assert_int_equal(ward_cbor_put_raw(&e, NULL, 2), PSA_ERROR_INVALID_ARGUMENT);
}

/* ---- decoder ---------------------------------------------------------- */

static enum ward_cbor_error decode(const uint8_t *p, size_t n,
                                   const struct ward_cbor_limits *lim)
{
    struct ward_cbor_dec d;
    psa_status_t st = ward_cbor_dec_init(&d, p, n, lim);
    assert_true((st == PSA_SUCCESS) == (d.error == WARD_CBOR_OK));
    if (st == PSA_SUCCESS) /* a valid item can always be skipped to its end */ {
        assert_int_equal(ward_cbor_skip(&d), PSA_SUCCESS);
        assert_true(ward_cbor_at_end(&d));
    }
    return d.error;
}

#define ACCEPT(...) assert_int_equal(decode(B(__VA_ARGS__), NULL), WARD_CBOR_OK)
#define REJECT(err, ...) assert_int_equal(decode(B(__VA_ARGS__), NULL), err)

static void test_dec_accepts(void **state)
{
    (void)state;
    ACCEPT(0x00);
    ACCEPT(0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
    ACCEPT(0x40);
    ACCEPT(0x62, 'h', 'i');
    ACCEPT(0x63, 0xe2, 0x82, 0xac);        /* euro sign */
    ACCEPT(0x64, 0xf0, 0x9f, 0x98, 0x80);  /* U+1F600 */
    ACCEPT(0x80);
    ACCEPT(0xa0);
    ACCEPT(0xf4);
    ACCEPT(0xf5);
    ACCEPT(0xf6);
    ACCEPT(0xf7);
    ACCEPT(0xf9, 0x3c, 0x00);              /* half float 1.0 */
    ACCEPT(0xfa, 0x47, 0xc3, 0x50, 0x00);  /* single float */
    ACCEPT(0xfb, 0x3f, 0xf1, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a);
    ACCEPT(0xd2, 0xc1, 0x00);              /* nested tags */
    ACCEPT(0xa2, 0x01, 0x02, 0x61, 'a', 0x03);  /* int and text keys */
    ACCEPT(0xa2, 0x41, 0x01, 0x00, 0x61, 0x01, 0x00); /* same bytes, bstr vs tstr */
    ACCEPT(0xa2, 0x01, 0x00, 0x20, 0x00);  /* 1 and -1 differ */
    /* The same key in two different maps is fine. */
    ACCEPT(0x82, 0xa1, 0x01, 0x00, 0xa1, 0x01, 0x00);
    ACCEPT(0xa2, 0x01, 0xa1, 0x01, 0x00, 0x02, 0x00);
    /* Non-preferred heads are accepted by default. */
    ACCEPT(0x18, 0x01);
    ACCEPT(0x19, 0x00, 0x01);
    ACCEPT(0x1a, 0x00, 0x00, 0x00, 0x01);
    ACCEPT(0x1b, 0, 0, 0, 0, 0, 0, 0, 1);
    ACCEPT(0x58, 0x01, 0xaa);
    ACCEPT(0x98, 0x01, 0x00);
    ACCEPT(0xb8, 0x01, 0x00, 0x00);
}

static void test_dec_truncated(void **state)
{
    (void)state;
    static const uint8_t good[] = {0xd2, 0x84, 0x43, 0xa1, 0x01, 0x26, 0xa1,
                                   0x04, 0x42, 0x01, 0x02, 0x19, 0x01, 0x00,
                                   0x62, 'h', 'i'};
    assert_int_equal(decode(good, sizeof(good), NULL), WARD_CBOR_OK);
    for (size_t n = 0; n < sizeof(good); n++)
        assert_int_equal(decode(good, n, NULL), WARD_CBOR_E_TRUNCATED);
    REJECT(WARD_CBOR_E_TRUNCATED, 0x18);
    REJECT(WARD_CBOR_E_TRUNCATED, 0x19, 0x01);
    REJECT(WARD_CBOR_E_TRUNCATED, 0x1a, 0x01, 0x02, 0x03);
    REJECT(WARD_CBOR_E_TRUNCATED, 0x1b, 0, 0, 0, 0, 0, 0, 0);
    /* A length far beyond the input. */
    REJECT(WARD_CBOR_E_TRUNCATED, 0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
    REJECT(WARD_CBOR_E_TRUNCATED, 0x7a, 0x00, 0x01, 0x00, 0x00, 'a');
}

static void test_dec_trailing(void **state)
{
    (void)state;
    REJECT(WARD_CBOR_E_TRAILING, 0x00, 0x00);
    REJECT(WARD_CBOR_E_TRAILING, 0x80, 0xff);
    REJECT(WARD_CBOR_E_TRAILING, 0x41, 0x00, 0x00);
    struct ward_cbor_dec d;
    assert_int_equal(ward_cbor_dec_init(&d, B(0xa0, 0x00, 0x00), NULL),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(d.error_off, 1);
}

static void test_dec_indefinite(void **state)
{
    (void)state;
    REJECT(WARD_CBOR_E_INDEFINITE, 0x5f, 0x41, 0x00, 0xff);
    REJECT(WARD_CBOR_E_INDEFINITE, 0x7f, 0x61, 'a', 0xff);
    REJECT(WARD_CBOR_E_INDEFINITE, 0x9f, 0x00, 0xff);
    REJECT(WARD_CBOR_E_INDEFINITE, 0xbf, 0x00, 0x00, 0xff);
    REJECT(WARD_CBOR_E_INDEFINITE, 0xff);
    REJECT(WARD_CBOR_E_INDEFINITE, 0x81, 0x9f, 0xff);
}

static void test_dec_reserved(void **state)
{
    (void)state;
    for (uint8_t major = 0; major < 8; major++)
        for (uint8_t ai = 28; ai <= 30; ai++) {
            uint8_t b = (uint8_t)(major << 5 | ai);
            assert_int_equal(decode(&b, 1, NULL), WARD_CBOR_E_RESERVED_AI);
        }
    REJECT(WARD_CBOR_E_RESERVED_AI, 0x1f);
    REJECT(WARD_CBOR_E_RESERVED_AI, 0x3f);
    REJECT(WARD_CBOR_E_RESERVED_AI, 0xdf, 0x00);
}

static void test_dec_simple(void **state)
{
    (void)state;
    REJECT(WARD_CBOR_E_SIMPLE, 0xe0);       /* simple(0) */
    REJECT(WARD_CBOR_E_SIMPLE, 0xf3);       /* simple(19) */
    REJECT(WARD_CBOR_E_SIMPLE, 0xf8, 0x14); /* two-byte false: not well-formed */
    REJECT(WARD_CBOR_E_SIMPLE, 0xf8, 0x1f);
    REJECT(WARD_CBOR_E_SIMPLE, 0xf8, 0x20); /* well-formed but unassigned */
    REJECT(WARD_CBOR_E_SIMPLE, 0xf8, 0xff);
    REJECT(WARD_CBOR_E_SIMPLE, 0x81, 0xe5);
}

static void test_dec_non_preferred(void **state)
{
    (void)state;
    struct ward_cbor_limits lim = ward_cbor_default_limits;
    lim.flags = WARD_CBOR_PREFERRED_ONLY;
    static const struct {
        uint8_t b[10];
        size_t n;
    } np[] = {
        {{0x18, 0x17}, 2},
        {{0x19, 0x00, 0xff}, 3},
        {{0x1a, 0x00, 0x00, 0xff, 0xff}, 5},
        {{0x1b, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}, 9},
        {{0x38, 0x00}, 2},
        {{0x58, 0x00}, 2},
        {{0x79, 0x00, 0x00}, 3},
        {{0x98, 0x00}, 2},
        {{0xb8, 0x00}, 2},
        {{0xd8, 0x12, 0x00}, 3},
    };
    for (size_t i = 0; i < sizeof(np) / sizeof(np[0]); i++) {
        assert_int_equal(decode(np[i].b, np[i].n, &lim), WARD_CBOR_E_NON_PREFERRED);
        assert_int_equal(decode(np[i].b, np[i].n, NULL), WARD_CBOR_OK);
    }
    /* Preferred forms at each boundary pass the strict check. */
    assert_int_equal(decode(B(0x18, 0x18), &lim), WARD_CBOR_OK);
    assert_int_equal(decode(B(0x19, 0x01, 0x00), &lim), WARD_CBOR_OK);
    assert_int_equal(decode(B(0x1a, 0x00, 0x01, 0x00, 0x00), &lim), WARD_CBOR_OK);
    assert_int_equal(decode(B(0x1b, 0, 0, 0, 1, 0, 0, 0, 0), &lim), WARD_CBOR_OK);
    /* Floats are not integers: their width is not a preference. */
    assert_int_equal(decode(B(0xfb, 0, 0, 0, 0, 0, 0, 0, 0), &lim), WARD_CBOR_OK);
}

static void test_dec_depth(void **state)
{
    (void)state;
    uint8_t buf[WARD_CBOR_DEPTH_CAP + 2];
    struct ward_cbor_limits lim = ward_cbor_default_limits;
    /* n nested one-element arrays around a 0: depth n. */
    for (size_t n = 1; n <= WARD_CBOR_DEPTH_CAP; n++) {
        memset(buf, 0x81, n);
        buf[n] = 0x00;
        lim.max_depth = (unsigned)n;
        assert_int_equal(decode(buf, n + 1, &lim), WARD_CBOR_OK);
        lim.max_depth = (unsigned)n - 1;
        assert_int_equal(decode(buf, n + 1, &lim), WARD_CBOR_E_DEPTH);
    }
    /* Tags and maps count too. */
    lim.max_depth = 1;
    assert_int_equal(decode(B(0xc1, 0x00), &lim), WARD_CBOR_OK);
    assert_int_equal(decode(B(0xc1, 0xc1, 0x00), &lim), WARD_CBOR_E_DEPTH);
    assert_int_equal(decode(B(0xa1, 0x00, 0xa0), &lim), WARD_CBOR_E_DEPTH);
    /* A max_depth over the cap is an argument error. */
    lim.max_depth = WARD_CBOR_DEPTH_CAP + 1;
    assert_int_equal(decode(B(0x00), &lim), WARD_CBOR_E_ARG);
    /* The default limit is 16. */
    memset(buf, 0x81, 17);
    buf[17] = 0;
    assert_int_equal(decode(buf, 18, NULL), WARD_CBOR_E_DEPTH);
    assert_int_equal(decode(buf + 1, 17, NULL), WARD_CBOR_OK);
}

static void test_dec_items_and_size(void **state)
{
    (void)state;
    struct ward_cbor_limits lim = ward_cbor_default_limits;
    lim.max_items = 2;
    assert_int_equal(decode(B(0x82, 0x00, 0x00), &lim), WARD_CBOR_OK);
    assert_int_equal(decode(B(0x83, 0x00, 0x00, 0x00), &lim), WARD_CBOR_E_TOO_MANY);
    assert_int_equal(decode(B(0xa2, 0x00, 0x00, 0x01, 0x00), &lim), WARD_CBOR_OK);
    assert_int_equal(decode(B(0xa3, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00), &lim),
                     WARD_CBOR_E_TOO_MANY);
    /* A huge count is refused before any element is read. */
    REJECT(WARD_CBOR_E_TOO_MANY, 0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
    REJECT(WARD_CBOR_E_TOO_MANY, 0xbb, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
    lim = ward_cbor_default_limits;
    lim.max_len = 2;
    assert_int_equal(decode(B(0x41, 0x00), &lim), WARD_CBOR_OK);
    assert_int_equal(decode(B(0x42, 0x00, 0x00), &lim), WARD_CBOR_E_TOO_LARGE);
    /* NULL input with a length. */
    struct ward_cbor_dec d;
    assert_int_equal(ward_cbor_dec_init(&d, NULL, 1, NULL), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(d.error, WARD_CBOR_E_ARG);
    /* Empty input: no item at all. */
    assert_int_equal(ward_cbor_dec_init(&d, NULL, 0, NULL), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(d.error, WARD_CBOR_E_TRUNCATED);
}

static void test_dec_open_keys(void **state)
{
    (void)state;
    /* 200 keys in an outer map whose last value is a map with 100 more: more
     * than WARD_CBOR_MAX_OPEN_KEYS held open at once. */
    uint8_t buf[2048];
    struct ward_cbor_enc e;
    struct ward_cbor_limits lim = ward_cbor_default_limits;
    lim.max_items = 1000;
    ward_cbor_enc_init(&e, buf, sizeof(buf));
    ward_cbor_put_map(&e, 200);
    for (int i = 0; i < 199; i++) {
        ward_cbor_put_int(&e, i);
        ward_cbor_put_int(&e, 0);
    }
    ward_cbor_put_int(&e, 199);
    ward_cbor_put_map(&e, 100);
    for (int i = 0; i < 100; i++) {
        ward_cbor_put_int(&e, i);
        ward_cbor_put_int(&e, 0);
    }
    assert_int_equal(ward_cbor_enc_finish(&e), PSA_SUCCESS);
    assert_int_equal(decode(buf, ward_cbor_enc_len(&e), &lim), WARD_CBOR_E_TOO_MANY);
    /* 256 keys in one map is exactly the table. */
    ward_cbor_enc_init(&e, buf, sizeof(buf));
    ward_cbor_put_map(&e, WARD_CBOR_MAX_OPEN_KEYS);
    for (unsigned i = 0; i < WARD_CBOR_MAX_OPEN_KEYS; i++) {
        ward_cbor_put_int(&e, i);
        ward_cbor_put_int(&e, 0);
    }
    assert_int_equal(decode(buf, ward_cbor_enc_len(&e), &lim), WARD_CBOR_OK);
}

static void test_dec_dup_keys(void **state)
{
    (void)state;
    REJECT(WARD_CBOR_E_DUP_KEY, 0xa2, 0x01, 0x00, 0x01, 0x00);
    REJECT(WARD_CBOR_E_DUP_KEY, 0xa2, 0x01, 0x00, 0x18, 0x01, 0x00); /* 1 == 1 */
    REJECT(WARD_CBOR_E_DUP_KEY, 0xa2, 0x20, 0x00, 0x38, 0x00, 0x01); /* -1 == -1 */
    REJECT(WARD_CBOR_E_DUP_KEY, 0xa2, 0x3a, 0x00, 0x01, 0x24, 0xf7, 0x00, 0x3a,
           0x00, 0x01, 0x24, 0xf7, 0x00);
    REJECT(WARD_CBOR_E_DUP_KEY, 0xa2, 0x61, 'a', 0x00, 0x78, 0x01, 'a', 0x00);
    REJECT(WARD_CBOR_E_DUP_KEY, 0xa2, 0x42, 1, 2, 0x00, 0x42, 1, 2, 0x00);
    REJECT(WARD_CBOR_E_DUP_KEY, 0xa2, 0x40, 0x00, 0x40, 0x00);
    REJECT(WARD_CBOR_E_DUP_KEY, 0xa3, 0x01, 0x00, 0x02, 0x00, 0x01, 0x00);
    /* In a nested map. */
    REJECT(WARD_CBOR_E_DUP_KEY, 0x81, 0xa2, 0x05, 0x00, 0x05, 0x01);
    struct ward_cbor_dec d;
    assert_int_equal(ward_cbor_dec_init(&d, B(0xa2, 0x01, 0x00, 0x01, 0x00), NULL),
                     PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(d.error_off, 3);
}

static void test_dec_key_type(void **state)
{
    (void)state;
    REJECT(WARD_CBOR_E_KEY_TYPE, 0xa1, 0x80, 0x00);
    REJECT(WARD_CBOR_E_KEY_TYPE, 0xa1, 0xa0, 0x00);
    REJECT(WARD_CBOR_E_KEY_TYPE, 0xa1, 0xc1, 0x00, 0x00);
    REJECT(WARD_CBOR_E_KEY_TYPE, 0xa1, 0xf5, 0x00);
    REJECT(WARD_CBOR_E_KEY_TYPE, 0xa1, 0xf9, 0x00, 0x00, 0x00);
    /* A malformed key reports why it is malformed. */
    REJECT(WARD_CBOR_E_INDEFINITE, 0xa1, 0x7f, 0xff, 0x00);
    REJECT(WARD_CBOR_E_TRUNCATED, 0xa1, 0x62, 'a');
}

static void test_dec_utf8(void **state)
{
    (void)state;
    REJECT(WARD_CBOR_E_UTF8, 0x61, 0x80);                   /* lone continuation */
    REJECT(WARD_CBOR_E_UTF8, 0x62, 0xc0, 0x80);             /* overlong NUL */
    REJECT(WARD_CBOR_E_UTF8, 0x62, 0xc1, 0xbf);             /* overlong */
    REJECT(WARD_CBOR_E_UTF8, 0x63, 0xe0, 0x80, 0x80);       /* overlong 3-byte */
    REJECT(WARD_CBOR_E_UTF8, 0x63, 0xed, 0xa0, 0x80);       /* surrogate */
    REJECT(WARD_CBOR_E_UTF8, 0x64, 0xf0, 0x80, 0x80, 0x80); /* overlong 4-byte */
    REJECT(WARD_CBOR_E_UTF8, 0x64, 0xf4, 0x90, 0x80, 0x80); /* > U+10FFFF */
    REJECT(WARD_CBOR_E_UTF8, 0x61, 0xff);
    REJECT(WARD_CBOR_E_UTF8, 0x62, 0xe2, 0x82);             /* cut sequence */
    REJECT(WARD_CBOR_E_UTF8, 0x62, 0xc3, 0x41);             /* bad continuation */
    REJECT(WARD_CBOR_E_UTF8, 0xa1, 0x61, 0xfe, 0x00);       /* as a key */
    /* Byte strings are not text. */
    ACCEPT(0x41, 0xff);
}

static void test_dec_gets(void **state)
{
    (void)state;
    /* [18(h'01'), {1: -7, "k": "v"}, 2^64-1, -2^64, -2^63] */
    static const uint8_t in[] = {
        0x85, 0xd2, 0x41, 0x01, 0xa2, 0x01, 0x26, 0x61, 'k', 0x61, 'v',
        0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0x3b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    struct ward_cbor_dec d;
    uint64_t n, u;
    int64_t i;
    const uint8_t *p;
    const char *s;
    size_t len;
    struct ward_cbor_item it;

    assert_int_equal(ward_cbor_dec_init(&d, in, sizeof(in), NULL), PSA_SUCCESS);
    assert_int_equal(ward_cbor_get_array(&d, &n), PSA_SUCCESS);
    assert_int_equal(n, 5);
    assert_int_equal(ward_cbor_get_tag(&d, &u), PSA_SUCCESS);
    assert_int_equal(u, 18);
    assert_int_equal(ward_cbor_get_bstr(&d, &p, &len), PSA_SUCCESS);
    assert_int_equal(len, 1);
    assert_int_equal(p[0], 1);
    assert_int_equal(ward_cbor_get_map(&d, &n), PSA_SUCCESS);
    assert_int_equal(n, 2);
    assert_int_equal(ward_cbor_get_uint(&d, &u), PSA_SUCCESS);
    assert_int_equal(u, 1);
    assert_int_equal(ward_cbor_get_int(&d, &i), PSA_SUCCESS);
    assert_int_equal(i, -7);
    assert_int_equal(ward_cbor_get_tstr(&d, &s, &len), PSA_SUCCESS);
    assert_int_equal(len, 1);
    assert_int_equal(s[0], 'k');
    assert_int_equal(ward_cbor_peek(&d, &it), PSA_SUCCESS);
    assert_int_equal(it.major, WARD_CBOR_TSTR);
    assert_int_equal(it.data[0], 'v');
    assert_int_equal(ward_cbor_skip(&d), PSA_SUCCESS);
    assert_int_equal(ward_cbor_peek(&d, &it), PSA_SUCCESS);
    assert_true(it.arg == UINT64_MAX);
    assert_false(ward_cbor_item_int(&it, &i));
    /* Out of int64 range: E_RANGE, nothing consumed, sticky. */
    struct ward_cbor_dec d2 = d;
    assert_int_equal(ward_cbor_get_int(&d2, &i), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(d2.error, WARD_CBOR_E_RANGE);
    assert_int_equal(ward_cbor_get_uint(&d2, &u), PSA_ERROR_INVALID_ARGUMENT);
    /* Wrong type: E_TYPE. */
    d2 = d;
    assert_int_equal(ward_cbor_get_bstr(&d2, &p, &len), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(d2.error, WARD_CBOR_E_TYPE);
    assert_string_equal(ward_cbor_strerror(d2.error), "unexpected type");
    assert_int_equal(ward_cbor_get_uint(&d, &u), PSA_SUCCESS);
    assert_true(u == UINT64_MAX);
    d2 = d;
    assert_int_equal(ward_cbor_get_int(&d2, &i), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(d2.error, WARD_CBOR_E_RANGE);
    assert_int_equal(ward_cbor_skip(&d), PSA_SUCCESS);
    assert_int_equal(ward_cbor_get_int(&d, &i), PSA_SUCCESS);
    assert_true(i == INT64_MIN);
    assert_true(ward_cbor_at_end(&d));
    /* Past the end. */
    assert_int_equal(ward_cbor_get(&d, &it), PSA_ERROR_INVALID_ARGUMENT);
    assert_int_equal(d.error, WARD_CBOR_E_END);
    assert_false(ward_cbor_at_end(&d));
    for (int e = WARD_CBOR_OK; e <= WARD_CBOR_E_ARG; e++)
        assert_string_not_equal(ward_cbor_strerror((enum ward_cbor_error)e),
                                "unknown error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enc_ints),
        cmocka_unit_test(test_enc_fixed),
        cmocka_unit_test(test_enc_too_small),
        cmocka_unit_test(test_dec_accepts),
        cmocka_unit_test(test_dec_truncated),
        cmocka_unit_test(test_dec_trailing),
        cmocka_unit_test(test_dec_indefinite),
        cmocka_unit_test(test_dec_reserved),
        cmocka_unit_test(test_dec_simple),
        cmocka_unit_test(test_dec_non_preferred),
        cmocka_unit_test(test_dec_depth),
        cmocka_unit_test(test_dec_items_and_size),
        cmocka_unit_test(test_dec_open_keys),
        cmocka_unit_test(test_dec_dup_keys),
        cmocka_unit_test(test_dec_key_type),
        cmocka_unit_test(test_dec_utf8),
        cmocka_unit_test(test_dec_gets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
