/*
 * bench_ipc.c: the cost of one psa_call on emul, beside the floors it is
 * made of, measured in the same run: a plain function call doing the same
 * copy, and a bare ucontext switch pair (the coroutine mechanism emul uses).
 * Prints p50/p99 per call and the ratios.
 *
 *   bench_ipc [--smoke]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>

#include "bench_timing.h"
#include "psa/client.h"
#include "psa_manifest/sid.h"

#define BATCH 200


struct call_arg {
    psa_handle_t h;
    size_t len;
    uint8_t in[64], out[64];
};

static int ward_call(void *p)
{
    struct call_arg *a = p;
    psa_invec iv = {a->in, a->len};
    psa_outvec ov = {a->out, a->len};
    return psa_call(a->h, PSA_IPC_CALL, &iv, a->len ? 1 : 0, &ov, a->len ? 1 : 0) ==
                   (psa_status_t)a->len ? 0 : 1;
}

/* The same copy as a direct function call: what any call costs at least. */
static void __attribute__((noinline)) direct_echo(uint8_t *out, const uint8_t *in,
                                                  size_t n)
{
    memcpy(out, in, n);
    __asm__ volatile("" ::: "memory");
}

static int direct_call(void *p)
{
    struct call_arg *a = p;
    direct_echo(a->out, a->in, a->len);
    return 0;
}

/* Two swapcontext calls, into a coroutine and back: the mechanism floor. */
static ucontext_t main_ctx, co_ctx;
static void co_main(void)
{
    for (;;)
        swapcontext(&co_ctx, &main_ctx);
}

static int switch_pair(void *p)
{
    (void)p;
    return swapcontext(&main_ctx, &co_ctx);
}

int main(int argc, char **argv)
{
    int smoke = argc > 1 && strcmp(argv[1], "--smoke") == 0;
    unsigned batches = smoke ? 20 : 5000;
    static uint8_t co_stack[64 * 1024];
    getcontext(&co_ctx);
    co_ctx.uc_stack.ss_sp = co_stack;
    co_ctx.uc_stack.ss_size = sizeof(co_stack);
    co_ctx.uc_link = NULL;
    makecontext(&co_ctx, co_main, 0);

    struct call_arg a;
    memset(&a, 0x5a, sizeof(a));
    a.h = psa_connect(TP_ECHO_SID, 1);
    if (!PSA_HANDLE_IS_VALID(a.h)) {
        fprintf(stderr, "bench_ipc: cannot connect to the echo service\n");
        return 1;
    }
    struct bench_result sw = bench_measure(switch_pair, NULL, BATCH, batches);
    printf("%-34s %10s %10s %10s\n", "emul psa_call (echo)", "p50 ns", "p99 ns",
           "x switch");
    printf("%-34s %10.1f %10.1f %10s\n", "floor: ucontext switch pair", sw.p50,
           sw.p99, "1.00");
    for (size_t len = 0; len <= 64; len += 64) {
        a.len = len;
        struct bench_result d = bench_measure(direct_call, &a, BATCH, batches);
        struct bench_result w = bench_measure(ward_call, &a, BATCH, batches);
        char name[64];
        snprintf(name, sizeof(name), "floor: direct call, %zu B", len);
        printf("%-34s %10.1f %10.1f %10.2f\n", name, d.p50, d.p99, d.p50 / sw.p50);
        snprintf(name, sizeof(name), "ward emul psa_call, %zu B", len);
        printf("%-34s %10.1f %10.1f %10.2f\n", name, w.p50, w.p99, w.p50 / sw.p50);
        if (!smoke && w.p50 >= 1000.0)
            printf("  note: p50 is above the 1 us target\n");
    }
    psa_close(a.h);
    return 0;
}
