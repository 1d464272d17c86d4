/*
 * bench_timing.h: the one way Ward's benchmarks time things: batches of
 * calls on the monotonic clock, per-call p50/p99 over the batches.
 */
#ifndef WARD_BENCH_TIMING_H
#define WARD_BENCH_TIMING_H

#include <stdint.h>

struct bench_result {
    double p50, p99; /* nanoseconds per call */
};

uint64_t bench_now_ns(void);

/* Warm up with 5 batches, then time `batches` batches of `batch` calls of
 * fn(arg); fn returns 0, anything else aborts the run. */
struct bench_result bench_measure(int (*fn)(void *), void *arg, unsigned batch,
                                  unsigned batches);

#endif
