/*
 * wire.c: frame header codec and SOCK_SEQPACKET transport. The header is
 * read only through the checked codec; payload sizes are checked against
 * the caller's limit before anything is allocated.
 */
#include "wire.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward_codec.h"

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

void ward_wire_encode(const struct ward_frame *f, uint8_t out[WARD_WIRE_HEADER_SIZE])
{
    struct ward_writer w;
    ward_writer_init(&w, out, WARD_WIRE_HEADER_SIZE);
    ward_put_u32le(&w, WARD_WIRE_MAGIC);
    ward_put_u16le(&w, WARD_WIRE_VERSION);
    ward_put_u16le(&w, f->op);
    ward_put_i32le(&w, f->handle);
    ward_put_i32le(&w, f->value);
    ward_put_u32le(&w, f->arg);
    ward_put_u8(&w, f->n_in);
    ward_put_u8(&w, f->n_out);
    ward_put_u16le(&w, f->flags);
    for (unsigned i = 0; i < PSA_MAX_IOVEC; i++)
        ward_put_u32le(&w, f->in_len[i]);
    for (unsigned i = 0; i < PSA_MAX_IOVEC; i++)
        ward_put_u32le(&w, f->out_len[i]);
    /* The header's size is fixed: the writer cannot fail. */
}

/* Frames whose payload is their input vectors: calls, and wardd's requests
 * to a partition process (which carry the caller). */
static bool has_inputs(uint16_t op)
{
    return op == WARD_OP_CALL || (op >= WARD_OP_HOST_CONNECT && op <= WARD_OP_HOST_NOTIFY);
}

size_t ward_wire_payload_len(const struct ward_frame *f)
{
    size_t n = 0;
    /* Counts are clamped: this also runs on frames that failed to decode. */
    unsigned in = f->n_in < PSA_MAX_IOVEC ? f->n_in : PSA_MAX_IOVEC;
    unsigned out = f->n_out < PSA_MAX_IOVEC ? f->n_out : PSA_MAX_IOVEC;
    if (has_inputs(f->op))
        for (unsigned i = 0; i < in; i++)
            n += f->in_len[i];
    else if (f->op == WARD_OP_REPLY)
        for (unsigned i = 0; i < out; i++)
            n += f->out_len[i];
    return n;
}

static bool op_known(uint16_t op)
{
    return (op >= WARD_OP_HELLO && op <= WARD_OP_LIFECYCLE) || op == WARD_OP_CALL ||
           op == WARD_OP_REPLY ||
           (op >= WARD_OP_HOST_CONNECT && op <= WARD_OP_HOST_NOTIFY);
}

psa_status_t ward_wire_decode(const uint8_t *buf, size_t len, size_t max_payload,
                              struct ward_frame *f)
{
    struct ward_reader r;
    uint32_t magic;
    uint16_t version;
    ward_reader_init(&r, buf, len < WARD_WIRE_HEADER_SIZE ? len : WARD_WIRE_HEADER_SIZE);
    memset(f, 0, sizeof(*f));
    ward_get_u32le(&r, &magic);
    ward_get_u16le(&r, &version);
    ward_get_u16le(&r, &f->op);
    ward_get_i32le(&r, &f->handle);
    ward_get_i32le(&r, &f->value);
    ward_get_u32le(&r, &f->arg);
    ward_get_u8(&r, &f->n_in);
    ward_get_u8(&r, &f->n_out);
    ward_get_u16le(&r, &f->flags);
    for (unsigned i = 0; i < PSA_MAX_IOVEC; i++)
        ward_get_u32le(&r, &f->in_len[i]);
    for (unsigned i = 0; i < PSA_MAX_IOVEC; i++)
        ward_get_u32le(&r, &f->out_len[i]);
    psa_status_t st = ward_reader_finish(&r);
    if (st != PSA_SUCCESS)
        return PSA_ERROR_INSUFFICIENT_DATA;
    if (magic != WARD_WIRE_MAGIC || version != WARD_WIRE_VERSION)
        return PSA_ERROR_NOT_SUPPORTED;
    if (!op_known(f->op) || (f->flags & ~(WARD_WIRE_F_MEMFD | WARD_WIRE_F_CHANNEL)) != 0)
        return PSA_ERROR_INVALID_ARGUMENT;
    bool vectors = has_inputs(f->op) || f->op == WARD_OP_REPLY;
    if (f->n_in > PSA_MAX_IOVEC || f->n_out > PSA_MAX_IOVEC ||
        f->n_in + f->n_out > PSA_MAX_IOVEC || (!vectors && (f->n_in | f->n_out) != 0))
        return PSA_ERROR_INVALID_ARGUMENT;
    uint64_t payload = 0, total = 0;
    for (unsigned i = 0; i < PSA_MAX_IOVEC; i++) {
        if ((i >= f->n_in && f->in_len[i] != 0) || (i >= f->n_out && f->out_len[i] != 0))
            return PSA_ERROR_INVALID_ARGUMENT;
        total += (uint64_t)f->in_len[i] + f->out_len[i];
    }
    payload = ward_wire_payload_len(f);
    if (payload > max_payload || total > WARD_WIRE_PAYLOAD_MAX)
        return PSA_ERROR_INVALID_ARGUMENT;
    if ((f->flags & WARD_WIRE_F_MEMFD) != 0 && payload <= WARD_WIRE_INLINE_MAX)
        return PSA_ERROR_INVALID_ARGUMENT; /* small payloads travel inline */
    return PSA_SUCCESS;
}

/* A sealed memfd holding the iov bytes, or -1. */
static int sealed_payload(const struct iovec *iov, int n)
{
    int fd = memfd_create("ward-payload", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        const uint8_t *p = iov[i].iov_base;
        size_t left = iov[i].iov_len;
        while (left > 0) {
            ssize_t k = write(fd, p, left);
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0) {
                close(fd);
                return -1;
            }
            p += k;
            left -= (size_t)k;
        }
    }
    if (fcntl(fd, F_ADD_SEALS, SEALS) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

psa_status_t ward_wire_send(int sock, struct ward_frame *f, const struct iovec *iov,
                            int n, int pass_fd, bool nonblock)
{
    uint8_t hdr[WARD_WIRE_HEADER_SIZE];
    struct iovec vec[1 + 2 * PSA_MAX_IOVEC];
    int fds[2], nfds = 0, memfd = -1;
    size_t payload = ward_wire_payload_len(f);
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(2 * sizeof(int))];
    } control;
    struct msghdr m;

    if (n > 2 * (int)PSA_MAX_IOVEC)
        return PSA_ERROR_INVALID_ARGUMENT;
    f->flags &= (uint16_t)~(WARD_WIRE_F_MEMFD | WARD_WIRE_F_CHANNEL);
    if (payload > WARD_WIRE_INLINE_MAX) {
        memfd = sealed_payload(iov, n);
        if (memfd < 0)
            return PSA_ERROR_INSUFFICIENT_MEMORY;
        f->flags |= WARD_WIRE_F_MEMFD;
        fds[nfds++] = memfd;
    }
    if (pass_fd >= 0) {
        f->flags |= WARD_WIRE_F_CHANNEL;
        fds[nfds++] = pass_fd;
    }
    ward_wire_encode(f, hdr);
    vec[0].iov_base = hdr;
    vec[0].iov_len = sizeof(hdr);
    int nvec = 1;
    if (memfd < 0)
        for (int i = 0; i < n; i++)
            if (iov[i].iov_len != 0)
                vec[nvec++] = iov[i];
    memset(&m, 0, sizeof(m));
    m.msg_iov = vec;
    m.msg_iovlen = (size_t)nvec;
    if (nfds > 0) {
        memset(&control, 0, sizeof(control));
        m.msg_control = control.buf;
        m.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
        memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)nfds);
    }
    ssize_t k;
    do
        k = sendmsg(sock, &m, MSG_NOSIGNAL | (nonblock ? MSG_DONTWAIT : 0));
    while (k < 0 && errno == EINTR);
    if (memfd >= 0)
        close(memfd);
    return k == (ssize_t)(sizeof(hdr) + (memfd < 0 ? payload : 0))
               ? PSA_SUCCESS : PSA_ERROR_COMMUNICATION_FAILURE;
}

/* Copy a sealed memfd's len bytes into a new buffer. */
static psa_status_t read_memfd(int fd, size_t len, uint8_t **out)
{
    struct stat st;
    int seals = fcntl(fd, F_GET_SEALS);
    if (seals < 0 || (seals & (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)) !=
                         (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) ||
        fstat(fd, &st) != 0 || st.st_size < 0 || (size_t)st.st_size != len)
        return PSA_ERROR_INVALID_ARGUMENT;
    uint8_t *buf = malloc(len);
    if (buf == NULL)
        return PSA_ERROR_INSUFFICIENT_MEMORY;
    size_t done = 0;
    while (done < len) {
        ssize_t k = pread(fd, buf + done, len - done, (off_t)done);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            free(buf);
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        done += (size_t)k;
    }
    *out = buf;
    return PSA_SUCCESS;
}

psa_status_t ward_wire_recv(int sock, size_t max_payload, struct ward_frame *f,
                            uint8_t **payload, size_t *payload_cap, int *passed_fd)
{
    uint8_t hdr[WARD_WIRE_HEADER_SIZE];
    uint8_t *buf;
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(4 * sizeof(int))];
    } control;
    struct iovec v[2];
    struct msghdr m;
    int fds[4], nfds = 0;
    psa_status_t st;

    *payload = NULL;
    if (payload_cap != NULL)
        *payload_cap = 0;
    *passed_fd = -1;
    /* The payload lands in its own buffer, so it never has to be moved. */
    buf = malloc(WARD_WIRE_INLINE_MAX);
    if (buf == NULL)
        return PSA_ERROR_INSUFFICIENT_MEMORY;
    v[0].iov_base = hdr;
    v[0].iov_len = sizeof(hdr);
    v[1].iov_base = buf;
    v[1].iov_len = WARD_WIRE_INLINE_MAX;
    memset(&m, 0, sizeof(m));
    m.msg_iov = v;
    m.msg_iovlen = 2;
    m.msg_control = control.buf;
    m.msg_controllen = sizeof(control.buf);
    ssize_t k;
    do
        k = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
    while (k < 0 && errno == EINTR);
    if (k <= 0) {
        free(buf);
        return PSA_ERROR_COMMUNICATION_FAILURE;
    }
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c != NULL; c = CMSG_NXTHDR(&m, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < n && nfds < 4; i++)
            memcpy(&fds[nfds++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
    }
    size_t got = (size_t)k;
    st = ward_wire_decode(hdr, got < sizeof(hdr) ? got : sizeof(hdr), max_payload, f);
    int want = ((f->flags & WARD_WIRE_F_MEMFD) != 0) + ((f->flags & WARD_WIRE_F_CHANNEL) != 0);
    size_t plen = ward_wire_payload_len(f);
    if (st == PSA_SUCCESS && ((m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0 ||
                              nfds != want))
        st = PSA_ERROR_INVALID_ARGUMENT;
    if (st == PSA_SUCCESS) {
        if ((f->flags & WARD_WIRE_F_MEMFD) != 0) {
            st = got == WARD_WIRE_HEADER_SIZE ? read_memfd(fds[0], plen, payload)
                                              : PSA_ERROR_INVALID_ARGUMENT;
            if (st == PSA_SUCCESS && payload_cap != NULL)
                *payload_cap = plen;
        } else if (got != WARD_WIRE_HEADER_SIZE + plen) {
            st = PSA_ERROR_INVALID_ARGUMENT;
        } else if (plen > 0 || payload_cap != NULL) {
            *payload = buf;
            if (payload_cap != NULL)
                *payload_cap = WARD_WIRE_INLINE_MAX;
            buf = NULL;
        }
    }
    if (st == PSA_SUCCESS && (f->flags & WARD_WIRE_F_CHANNEL) != 0)
        *passed_fd = fds[nfds - 1];
    for (int i = 0; i < nfds; i++)
        if (fds[i] != *passed_fd)
            close(fds[i]);
    if (st != PSA_SUCCESS && *payload != NULL) {
        free(*payload);
        *payload = NULL;
        if (payload_cap != NULL)
            *payload_cap = 0;
    }
    free(buf);
    return st;
}
