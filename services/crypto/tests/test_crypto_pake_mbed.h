/*
 * test_crypto_pake_mbed.h: one side of EC J-PAKE (P-256, SHA-256) run by
 * Mbed TLS 2.28: its mbedtls_ecjpake when the library has it, otherwise a
 * peer built on its bignum/ECP/SHA-256 (Debian's build lacks ECJPAKE).
 * Plain C functions, so that the PAKE test never sees Mbed TLS's headers
 * (nor Mbed TLS Ward's psa/).
 * Messages are in the TLS ECJPAKE wire format; every function returns 0 on
 * success and Mbed TLS's negative error code otherwise.
 */
#ifndef TEST_CRYPTO_PAKE_MBED_H
#define TEST_CRYPTO_PAKE_MBED_H

#include <stddef.h>
#include <stdint.h>

struct mbed_jpake;

/* A new party: the server (user ID "server") or the client ("client"). */
struct mbed_jpake *mbed_jpake_new(int server, const uint8_t *password, size_t len);
/* round: 1 or 2. Write our message into buf (size bytes). */
int mbed_jpake_write(struct mbed_jpake *m, int round, uint8_t *buf, size_t size, size_t *len);
/* round: 1 or 2. Read the peer's message. */
int mbed_jpake_read(struct mbed_jpake *m, int round, const uint8_t *buf, size_t len);
/* The TLS premaster secret SHA-256(K.x), 32 bytes. */
int mbed_jpake_pms(struct mbed_jpake *m, uint8_t pms[32]);
void mbed_jpake_free(struct mbed_jpake *m);

#endif
