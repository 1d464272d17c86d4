/*
 * ward_log.c: formatting, level filter and per-kind rate limit. Thread safe;
 * a line is formatted into a fixed buffer (truncated, never overrun).
 */
#include "ward_log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static int log_level = -1; /* -1: not read from the environment yet */
static ward_log_sink log_sink;
static void *log_ctx;

struct bucket {
    time_t window_start;
    unsigned count;
    unsigned suppressed;
};
static struct bucket buckets[WARD_EVENT_COUNT_];

static const char *const level_names[] = {"error", "warning", "notice", "info", "debug"};

static void init_level_locked(void)
{
    if (log_level >= 0)
        return;
    const char *env = getenv("WARD_LOG_LEVEL");
    log_level = WARD_LOG_WARNING;
    if (env != NULL && env[0] >= '0' && env[0] <= '4' && env[1] == '\0')
        log_level = env[0] - '0';
}

void ward_log_set_level(enum ward_log_level level)
{
    pthread_mutex_lock(&log_lock);
    log_level = (int)level;
    pthread_mutex_unlock(&log_lock);
}

enum ward_log_level ward_log_get_level(void)
{
    pthread_mutex_lock(&log_lock);
    init_level_locked();
    int level = log_level;
    pthread_mutex_unlock(&log_lock);
    return (enum ward_log_level)level;
}

void ward_log_set_sink(ward_log_sink sink, void *ctx)
{
    pthread_mutex_lock(&log_lock);
    log_sink = sink;
    log_ctx = ctx;
    pthread_mutex_unlock(&log_lock);
}

static void emit_locked(enum ward_log_level level, const char *prefix,
                        const char *fmt, va_list ap) WARD_PRINTF(3, 0);
static void emit_locked(enum ward_log_level level, const char *prefix,
                        const char *fmt, va_list ap)
{
    char line[512];
    int n = snprintf(line, sizeof(line), "%s", prefix);
    if (n < 0)
        n = 0;
    if ((size_t)n < sizeof(line))
        vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    if (log_sink != NULL)
        log_sink(level, line, log_ctx);
    else
        fprintf(stderr, "ward: %s: %s\n", level_names[level], line);
}

void ward_log(enum ward_log_level level, const char *fmt, ...)
{
    va_list ap;
    pthread_mutex_lock(&log_lock);
    init_level_locked();
    if ((int)level <= log_level) {
        va_start(ap, fmt);
        emit_locked(level, "", fmt, ap);
        va_end(ap);
    }
    pthread_mutex_unlock(&log_lock);
}

void ward_log_event(enum ward_log_event kind, const char *fmt, ...)
{
    va_list ap;
    char prefix[96] = "";
    struct timespec now;
    if ((unsigned)kind >= WARD_EVENT_COUNT_)
        kind = WARD_EVENT_NONE;
    clock_gettime(CLOCK_MONOTONIC, &now);
    pthread_mutex_lock(&log_lock);
    init_level_locked();
    struct bucket *b = &buckets[kind];
    if (now.tv_sec - b->window_start >= WARD_LOG_EVENT_WINDOW) {
        if (b->suppressed > 0)
            snprintf(prefix, sizeof(prefix), "(%u similar events suppressed) ",
                     b->suppressed);
        b->window_start = now.tv_sec;
        b->count = 0;
        b->suppressed = 0;
    }
    if (b->count >= WARD_LOG_EVENT_BURST) {
        b->suppressed++;
    } else {
        b->count++;
        if (log_level >= WARD_LOG_WARNING) {
            va_start(ap, fmt);
            emit_locked(WARD_LOG_WARNING, prefix, fmt, ap);
            va_end(ap);
        }
    }
    pthread_mutex_unlock(&log_lock);
}
