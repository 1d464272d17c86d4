/* bench_timing.c: batch timing and percentiles for the benchmarks. */
#include "bench_timing.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

uint64_t bench_now_ns(void)
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

static void run(int (*fn)(void *), void *arg)
{
    if (fn(arg) != 0) {
        fprintf(stderr, "bench: a measured call failed\n");
        exit(1);
    }
}

struct bench_result bench_measure(int (*fn)(void *), void *arg, unsigned batch,
                                  unsigned batches)
{
    double *per = malloc(sizeof(double) * (batches ? batches : 1));
    struct bench_result r = {0, 0};
    if (per == NULL || batches == 0 || batch == 0) {
        free(per);
        return r;
    }
    for (unsigned i = 0; i < batch * 5; i++)
        run(fn, arg);
    for (unsigned b = 0; b < batches; b++) {
        uint64_t t0 = bench_now_ns();
        for (unsigned i = 0; i < batch; i++)
            run(fn, arg);
        per[b] = (double)(bench_now_ns() - t0) / batch;
    }
    qsort(per, batches, sizeof(double), cmp_double);
    r.p50 = per[batches / 2];
    r.p99 = per[(batches * 99) / 100];
    free(per);
    return r;
}
