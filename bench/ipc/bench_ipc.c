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

#include "psa/client.h"
#include "psa_manifest/sid.h"

#define BATCH 200

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

struct result {
    double p50, p99;
};

/* Time `batches` batches of BATCH calls of fn; per-call percentiles. */
static struct result measure(void (*fn)(void *), void *arg, unsigned batches)
{
    double *per = malloc(sizeof(double) * batches);
    struct result r = {0, 0};
    if (per == NULL)
        return r;
    for (unsigned i = 0; i < BATCH * 10; i++) /* warm up */
        fn(arg);
    for (unsigned b = 0; b < batches; b++) {
        uint64_t t0 = now_ns();
        for (unsigned i = 0; i < BATCH; i++)
            fn(arg);
        per[b] = (double)(now_ns() - t0) / BATCH;
    }
    qsort(per, batches, sizeof(double), cmp_double);
    r.p50 = per[batches / 2];
    r.p99 = per[(batches * 99) / 100];
    free(per);
    return r;
}

struct call_arg {
    psa_handle_t h;
    size_t len;
    uint8_t in[64], out[64];
};

static void ward_call(void *p)
{
    struct call_arg *a = p;
    psa_invec iv = {a->in, a->len};
    psa_outvec ov = {a->out, a->len};
    if (psa_call(a->h, PSA_IPC_CALL, &iv, a->len ? 1 : 0, &ov, a->len ? 1 : 0) !=
        (psa_status_t)a->len)
        abort();
}

/* The same copy as a direct function call: what any call costs at least. */
static void __attribute__((noinline)) direct_echo(uint8_t *out, const uint8_t *in,
                                                  size_t n)
{
    memcpy(out, in, n);
    __asm__ volatile("" ::: "memory");
}

static void direct_call(void *p)
{
    struct call_arg *a = p;
    direct_echo(a->out, a->in, a->len);
}

/* Two swapcontext calls, into a coroutine and back: the mechanism floor. */
static ucontext_t main_ctx, co_ctx;
static void co_main(void)
{
    for (;;)
        swapcontext(&co_ctx, &main_ctx);
}

static void switch_pair(void *p)
{
    (void)p;
    swapcontext(&main_ctx, &co_ctx);
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
    struct result sw = measure(switch_pair, NULL, batches);
    printf("%-34s %10s %10s %10s\n", "emul psa_call (echo)", "p50 ns", "p99 ns",
           "x switch");
    printf("%-34s %10.1f %10.1f %10s\n", "floor: ucontext switch pair", sw.p50,
           sw.p99, "1.00");
    for (size_t len = 0; len <= 64; len += 64) {
        a.len = len;
        struct result d = measure(direct_call, &a, batches);
        struct result w = measure(ward_call, &a, batches);
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
