/*
 * wire.h: Ward's wire format between libward-client and wardd, and the
 * transport helpers under it (SOCK_SEQPACKET, descriptor passing, sealed
 * memfd payloads). Every frame is parsed once, here, by the checked codec;
 * nothing downstream looks at raw bytes from a client.
 *
 * A frame is a fixed 56-byte header, then the payload: a request carries
 * its input bytes, a reply the bytes the service wrote. Payloads up to
 * WARD_WIRE_INLINE_MAX travel in the socket message; larger ones in a
 * sealed memfd passed with the frame (flag WARD_WIRE_F_MEMFD), from which
 * the receiver copies before it looks at them.
 */
#ifndef WARD_WIRE_H
#define WARD_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "psa/client.h"

#define WARD_WIRE_MAGIC 0x44524157u /* "WARD" */
#define WARD_WIRE_VERSION 1u
#define WARD_WIRE_HEADER_SIZE 56u
#define WARD_WIRE_INLINE_MAX (64u * 1024u)
#define WARD_WIRE_PAYLOAD_MAX (64u * 1024u * 1024u) /* hard cap, any config */

enum ward_wire_op {
    /* control socket: client -> wardd */
    WARD_OP_HELLO = 1,     /* reply: len[0] max call bytes */
    WARD_OP_VERSION = 2,   /* value: sid; reply value: version */
    WARD_OP_CONNECT = 3,   /* value: sid, arg: version; reply: value handle
                              or error, arg channel, maybe a channel fd */
    WARD_OP_CLOSE = 4,     /* handle */
    WARD_OP_STATELESS = 5, /* handle; reply: value status, arg channel */
    WARD_OP_STATUS = 6,    /* reply payload: a JSON document */
    WARD_OP_NOTIFY = 7,    /* partitions only: value: the partition to ring */
    WARD_OP_LIFECYCLE = 8, /* partitions only: value: the state requested */
    /* wardd -> partition process (isolation level 2); payload: the caller */
    WARD_OP_HOST_CONNECT = 40, /* value: sid, arg: version; reply: handle */
    WARD_OP_HOST_CLOSE = 41,   /* handle; reply */
    WARD_OP_HOST_CHANNEL = 42, /* a channel descriptor for this caller */
    WARD_OP_HOST_SESSION_END = 43,
    WARD_OP_HOST_NOTIFY = 44,  /* ring the doorbell */
    /* channel: client -> partition */
    WARD_OP_CALL = 16,     /* handle, value: type, vectors */
    /* any reply */
    WARD_OP_REPLY = 32,
};

#define WARD_WIRE_F_MEMFD 0x1u   /* payload in the passed memfd */
#define WARD_WIRE_F_CHANNEL 0x2u /* a new channel's descriptor is passed */

struct ward_frame {
    uint16_t op;
    uint16_t flags;
    psa_handle_t handle;
    int32_t value;          /* type, sid, status or version */
    uint32_t arg;
    uint8_t n_in, n_out;
    uint32_t in_len[PSA_MAX_IOVEC];
    uint32_t out_len[PSA_MAX_IOVEC];
};

/* Encode f's header into out (WARD_WIRE_HEADER_SIZE bytes). */
void ward_wire_encode(const struct ward_frame *f, uint8_t out[WARD_WIRE_HEADER_SIZE]);

/* The payload bytes a valid frame carries: the inputs of a call, the
 * outputs of a reply, the document of a status reply, else 0. */
size_t ward_wire_payload_len(const struct ward_frame *f);

/* Parse a header from untrusted bytes. Checks magic and version, the op,
 * flags, vector counts (each <= PSA_MAX_IOVEC, together too), that lengths
 * of unused vectors are 0 and that the payload is at most max_payload.
 * PSA_ERROR_NOT_SUPPORTED for a foreign magic or version,
 * PSA_ERROR_INVALID_ARGUMENT for anything else malformed,
 * PSA_ERROR_INSUFFICIENT_DATA if fewer than WARD_WIRE_HEADER_SIZE bytes. */
psa_status_t ward_wire_decode(const uint8_t *buf, size_t len, size_t max_payload,
                              struct ward_frame *f);

/* Send a frame: header, then the payload gathered from iov (n entries,
 * exactly ward_wire_payload_len bytes in all), inline or through a sealed
 * memfd; pass_fd >= 0 is sent along (and WARD_WIRE_F_CHANNEL set).
 * MSG_NOSIGNAL; blocking unless nonblock. PSA_SUCCESS or
 * PSA_ERROR_COMMUNICATION_FAILURE. */
psa_status_t ward_wire_send(int sock, struct ward_frame *f, const struct iovec *iov,
                            int n, int pass_fd, bool nonblock);

/* Receive one frame into *f and its payload into a malloc'd *payload (NULL
 * when empty, unless payload_cap is given; the caller frees), with at most
 * max_payload payload bytes. With payload_cap, *payload_cap is the size of
 * the buffer, which may exceed the payload (an inline frame's buffer holds
 * WARD_WIRE_INLINE_MAX bytes), so a receiver can build on it in place.
 * A passed channel descriptor lands in *passed_fd (else -1; close-on-exec).
 * PSA_ERROR_COMMUNICATION_FAILURE on EOF or a transport error, the decode
 * errors above for a malformed frame (the frame is consumed and any passed
 * descriptor closed), PSA_ERROR_INSUFFICIENT_MEMORY if no room. */
psa_status_t ward_wire_recv(int sock, size_t max_payload, struct ward_frame *f,
                            uint8_t **payload, size_t *payload_cap, int *passed_fd);

#endif /* WARD_WIRE_H */
