/* Tests of the wire codec and transport: round trips, every decode error,
 * descriptor passing and the sealed-memfd path for large payloads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ward_codec.h"
#include "wire.h"

static void encode(const struct ward_frame *f, uint8_t *out)
{
    ward_wire_encode(f, out);
}

static void test_round_trip(void **state)
{
    (void)state;
    struct ward_frame f = {.op = WARD_OP_CALL, .handle = 2049, .value = 7, .arg = 3,
                           .n_in = 2, .n_out = 1, .in_len = {5, 6}, .out_len = {9}};
    struct ward_frame g;
    uint8_t b[WARD_WIRE_HEADER_SIZE];
    encode(&f, b);
    assert_int_equal(ward_load_u32le(b), WARD_WIRE_MAGIC);
    assert_int_equal(ward_wire_decode(b, sizeof(b), 100, &g), PSA_SUCCESS);
    assert_int_equal(g.op, WARD_OP_CALL);
    assert_int_equal(g.handle, 2049);
    assert_int_equal(g.value, 7);
    assert_int_equal(g.in_len[1], 6);
    assert_int_equal(ward_wire_payload_len(&g), 11);
}

static void expect_decode(struct ward_frame *f, size_t max, psa_status_t want)
{
    uint8_t b[WARD_WIRE_HEADER_SIZE];
    struct ward_frame g;
    encode(f, b);
    assert_int_equal(ward_wire_decode(b, sizeof(b), max, &g), want);
}

static void test_decode_errors(void **state)
{
    (void)state;
    uint8_t b[WARD_WIRE_HEADER_SIZE];
    struct ward_frame g, f = {.op = WARD_OP_HELLO};
    encode(&f, b);
    for (size_t n = 0; n < sizeof(b); n++)
        assert_int_equal(ward_wire_decode(b, n, 0, &g), PSA_ERROR_INSUFFICIENT_DATA);
    b[0] ^= 1; /* magic */
    assert_int_equal(ward_wire_decode(b, sizeof(b), 0, &g), PSA_ERROR_NOT_SUPPORTED);
    encode(&f, b);
    b[4] = 2; /* version */
    assert_int_equal(ward_wire_decode(b, sizeof(b), 0, &g), PSA_ERROR_NOT_SUPPORTED);

    struct ward_frame bad = {.op = 99};
    expect_decode(&bad, 0, PSA_ERROR_INVALID_ARGUMENT);
    bad = (struct ward_frame){.op = WARD_OP_HELLO, .flags = 0x80};
    expect_decode(&bad, 0, PSA_ERROR_INVALID_ARGUMENT);
    bad = (struct ward_frame){.op = WARD_OP_CALL, .n_in = 5};
    expect_decode(&bad, 0, PSA_ERROR_INVALID_ARGUMENT);
    bad = (struct ward_frame){.op = WARD_OP_CALL, .n_in = 3, .n_out = 2};
    expect_decode(&bad, 0, PSA_ERROR_INVALID_ARGUMENT);
    bad = (struct ward_frame){.op = WARD_OP_CONNECT, .n_in = 1};
    expect_decode(&bad, 0, PSA_ERROR_INVALID_ARGUMENT);
    /* A length for a vector that is not there. */
    bad = (struct ward_frame){.op = WARD_OP_CALL, .n_in = 1, .in_len = {1, 2}};
    expect_decode(&bad, 100, PSA_ERROR_INVALID_ARGUMENT);
    bad = (struct ward_frame){.op = WARD_OP_REPLY, .n_out = 1, .out_len = {1, 0, 0, 3}};
    expect_decode(&bad, 100, PSA_ERROR_INVALID_ARGUMENT);
    /* Over the payload limit. */
    bad = (struct ward_frame){.op = WARD_OP_CALL, .n_in = 1, .in_len = {101}};
    expect_decode(&bad, 100, PSA_ERROR_INVALID_ARGUMENT);
    /* A memfd flag on a small payload. */
    bad = (struct ward_frame){.op = WARD_OP_CALL, .n_in = 1, .in_len = {10},
                              .flags = WARD_WIRE_F_MEMFD};
    expect_decode(&bad, 100, PSA_ERROR_INVALID_ARGUMENT);
    /* The payload length of a frame that failed to decode stays in bounds. */
    bad = (struct ward_frame){.op = WARD_OP_CALL, .n_in = 200, .in_len = {1, 2, 3, 4}};
    assert_int_equal(ward_wire_payload_len(&bad), 10);
    /* Lengths summing past the hard cap even with a generous limit. */
    bad = (struct ward_frame){.op = WARD_OP_CALL, .n_in = 2, .n_out = 2,
                              .in_len = {1, 1}, .out_len = {UINT32_MAX, UINT32_MAX}};
    expect_decode(&bad, SIZE_MAX, PSA_ERROR_INVALID_ARGUMENT);
}

static void transfer(size_t len, bool with_fd)
{
    int sv[2], extra[2];
    uint8_t *data = malloc(len + 1), *got = NULL;
    struct ward_frame f = {.op = WARD_OP_CALL, .n_in = 1, .in_len = {(uint32_t)len}}, g;
    int passed = -1;
    assert_non_null(data);
    for (size_t i = 0; i < len; i++)
        data[i] = (uint8_t)(i * 13);
    assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
    assert_int_equal(pipe(extra), 0);
    struct iovec iov = {data, len};
    assert_int_equal(ward_wire_send(sv[0], &f, &iov, 1, with_fd ? extra[0] : -1, false),
                     PSA_SUCCESS);
    assert_int_equal(ward_wire_recv(sv[1], len, &g, &got, NULL, &passed), PSA_SUCCESS);
    assert_int_equal(ward_wire_payload_len(&g), len);
    if (len > 0)
        assert_memory_equal(got, data, len);
    else
        assert_null(got);
    assert_int_equal((g.flags & WARD_WIRE_F_MEMFD) != 0, len > WARD_WIRE_INLINE_MAX);
    if (with_fd) {
        assert_true(passed >= 0);
        assert_int_equal(fcntl(passed, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
        close(passed);
    } else {
        assert_int_equal(passed, -1);
    }
    free(got);
    got = NULL;
    /* A receiver with a smaller limit refuses the frame and keeps going. */
    if (len > 0) {
        assert_int_equal(ward_wire_send(sv[0], &f, &iov, 1, -1, false), PSA_SUCCESS);
        assert_int_equal(ward_wire_recv(sv[1], len - 1, &g, &got, NULL, &passed),
                         PSA_ERROR_INVALID_ARGUMENT);
        assert_null(got);
    }
    free(got);
    free(data);
    close(sv[0]);
    close(sv[1]);
    close(extra[0]);
    close(extra[1]);
}

static void test_transport(void **state)
{
    (void)state;
    transfer(0, false);
    transfer(100, true);
    transfer(WARD_WIRE_INLINE_MAX, false);
    transfer(WARD_WIRE_INLINE_MAX + 1, true);
    transfer(3u << 20, false);
}

static void test_recv_malformed_and_eof(void **state)
{
    (void)state;
    int sv[2];
    struct ward_frame g;
    uint8_t *p = NULL;
    int fd = -1;
    assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
    /* A truncated header. */
    assert_int_equal(send(sv[0], "WARD", 4, 0), 4);
    assert_int_equal(ward_wire_recv(sv[1], 100, &g, &p, NULL, &fd), PSA_ERROR_INSUFFICIENT_DATA);
    /* A header announcing more payload than the frame holds. */
    struct ward_frame f = {.op = WARD_OP_CALL, .n_in = 1, .in_len = {10}};
    uint8_t b[WARD_WIRE_HEADER_SIZE + 4];
    ward_wire_encode(&f, b);
    memcpy(b + WARD_WIRE_HEADER_SIZE, "abcd", 4);
    assert_int_equal(send(sv[0], b, sizeof(b), 0), (ssize_t)sizeof(b));
    assert_int_equal(ward_wire_recv(sv[1], 100, &g, &p, NULL, &fd), PSA_ERROR_INVALID_ARGUMENT);
    /* A memfd frame without its descriptor. */
    f = (struct ward_frame){.op = WARD_OP_CALL, .n_in = 1,
                            .in_len = {WARD_WIRE_INLINE_MAX + 1}, .flags = WARD_WIRE_F_MEMFD};
    ward_wire_encode(&f, b);
    assert_int_equal(send(sv[0], b, WARD_WIRE_HEADER_SIZE, 0), WARD_WIRE_HEADER_SIZE);
    assert_int_equal(ward_wire_recv(sv[1], 1u << 20, &g, &p, NULL, &fd),
                     PSA_ERROR_INVALID_ARGUMENT);
    close(sv[0]);
    assert_int_equal(ward_wire_recv(sv[1], 100, &g, &p, NULL, &fd),
                     PSA_ERROR_COMMUNICATION_FAILURE);
    close(sv[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_decode_errors),
        cmocka_unit_test(test_transport),
        cmocka_unit_test(test_recv_malformed_and_eof),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
