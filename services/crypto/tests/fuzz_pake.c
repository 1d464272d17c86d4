/* Fuzz target: psa_pake_input with bytes from the wire. The operation is set
 * up as "client" with a fixed password and writes its round-1 messages;
 * then the input is a sequence of records (step: 1 byte, length: 1 byte,
 * that many bytes) given to psa_pake_input in order, with round 2's output
 * and psa_pake_get_shared_key attempted whenever the operation allows it.
 * Whatever the bytes:
 * - every status is one the specification lists for the call;
 * - after a failure the operation stays in its error state: the next call
 *   is PSA_ERROR_BAD_STATE until psa_pake_abort;
 * - abort always succeeds and leaves no operation behind (a fresh setup
 *   on the same object succeeds).
 * The corpus holds a valid round-1 message set from a "server" peer. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* nftw, mkdtemp */
#endif
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "psa/crypto.h"
#include "ward_crypto_local.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char g_dir[] = "/tmp/ward-fuzz-pake-XXXXXX";
static psa_key_id_t g_password;
static psa_pake_cipher_suite_t g_cs;

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void cleanup(void)
{
    ward_crypto_local_shutdown();
    nftw(g_dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static void start(void)
{
    if (mkdtemp(g_dir) == NULL || setenv("WARD_STATE_DIR", g_dir, 1) != 0 ||
        psa_crypto_init() != PSA_SUCCESS) {
        abort();
    }
    atexit(cleanup);
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&a, PSA_KEY_TYPE_PASSWORD);
    psa_set_key_usage_flags(&a, PSA_KEY_USAGE_DERIVE);
    psa_set_key_algorithm(&a, PSA_ALG_JPAKE(PSA_ALG_SHA_256));
    static const char pw[] = "threadjpaketest";
    if (psa_import_key(&a, (const uint8_t *)pw, sizeof pw - 1, &g_password) != PSA_SUCCESS) {
        abort();
    }
    g_cs = psa_pake_cipher_suite_init();
    psa_pake_cs_set_algorithm(&g_cs, PSA_ALG_JPAKE(PSA_ALG_SHA_256));
    psa_pake_cs_set_primitive(&g_cs,
                              PSA_PAKE_PRIMITIVE(PSA_PAKE_PRIMITIVE_TYPE_ECC,
                                                 PSA_ECC_FAMILY_SECP_R1, 256));
    psa_pake_cs_set_key_confirmation(&g_cs, PSA_PAKE_UNCONFIRMED_KEY);
}

static int allowed(psa_status_t st)
{
    return st == PSA_SUCCESS || st == PSA_ERROR_BAD_STATE || st == PSA_ERROR_INVALID_ARGUMENT ||
           st == PSA_ERROR_INVALID_SIGNATURE || st == PSA_ERROR_NOT_SUPPORTED ||
           st == PSA_ERROR_INSUFFICIENT_MEMORY;
}

/* One call's result: abort on a status the call may not return, and check
 * that a failed operation refuses the next call. Returns 1 if it failed. */
static int check(psa_pake_operation_t *op, psa_status_t st)
{
    if (!allowed(st)) {
        abort();
    }
    if (st == PSA_SUCCESS) {
        return 0;
    }
    uint8_t b[1] = {0x04};
    if (psa_pake_input(op, PSA_PAKE_STEP_KEY_SHARE, b, sizeof b) != PSA_ERROR_BAD_STATE) {
        abort();
    }
    return 1;
}

/* The six outputs of a round (or three), in the specification's order. */
static psa_status_t outputs(psa_pake_operation_t *op, int triples)
{
    static const psa_pake_step_t steps[3] = {PSA_PAKE_STEP_KEY_SHARE, PSA_PAKE_STEP_ZK_PUBLIC,
                                             PSA_PAKE_STEP_ZK_PROOF};
    uint8_t out[PSA_PAKE_OUTPUT_MAX_SIZE];
    size_t n;
    for (int i = 0; i < 3 * triples; i++) {
        psa_status_t st = psa_pake_output(op, steps[i % 3], out, sizeof out, &n);
        if (st != PSA_SUCCESS) {
            return st;
        }
    }
    return PSA_SUCCESS;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int started;
    if (!started) {
        start();
        started = 1;
    }
    psa_pake_operation_t op = psa_pake_operation_init();
    if (psa_pake_setup(&op, g_password, &g_cs) != PSA_SUCCESS ||
        psa_pake_set_user(&op, (const uint8_t *)"client", 6) != PSA_SUCCESS ||
        psa_pake_set_peer(&op, (const uint8_t *)"server", 6) != PSA_SUCCESS ||
        outputs(&op, 2) != PSA_SUCCESS) {
        abort();
    }
    int failed = 0, inputs = 0;
    size_t i = 0;
    while (!failed && i + 2 <= size) {
        psa_pake_step_t step = data[i];
        size_t len = data[i + 1];
        i += 2;
        if (len > size - i) {
            len = size - i;
        }
        failed = check(&op, psa_pake_input(&op, step, data + i, len));
        i += len;
        if (!failed && ++inputs == 6) {
            /* Round 1 is complete both ways: our round 2 may go out. */
            failed = check(&op, outputs(&op, 1));
        }
    }
    if (!failed && inputs >= 9) {
        psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
        psa_key_id_t k = 0;
        psa_set_key_type(&a, PSA_KEY_TYPE_DERIVE);
        psa_set_key_usage_flags(&a, PSA_KEY_USAGE_DERIVE);
        psa_set_key_algorithm(&a, PSA_ALG_TLS12_ECJPAKE_TO_PMS);
        psa_status_t st = psa_pake_get_shared_key(&op, &a, &k);
        if (!allowed(st)) {
            abort();
        }
        if (st == PSA_SUCCESS && psa_destroy_key(k) != PSA_SUCCESS) {
            abort();
        }
    }
    if (psa_pake_abort(&op) != PSA_SUCCESS) {
        abort();
    }
    /* Nothing is left behind: the object sets up again. */
    if (psa_pake_setup(&op, g_password, &g_cs) != PSA_SUCCESS ||
        psa_pake_abort(&op) != PSA_SUCCESS) {
        abort();
    }
    return 0;
}
