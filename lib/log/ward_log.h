/*
 * ward_log.h: the one logging helper. Messages go to a sink the platform
 * sets (stderr by default, syslog in wardd); security events are rate
 * limited per event kind. Never pass key material or secret data.
 */
#ifndef WARD_LOG_H
#define WARD_LOG_H

#include <stdarg.h>

enum ward_log_level {
    WARD_LOG_ERROR = 0,
    WARD_LOG_WARNING = 1,
    WARD_LOG_NOTICE = 2,
    WARD_LOG_INFO = 3,
    WARD_LOG_DEBUG = 4,
};

/* Kinds of security event; each has its own rate limit bucket. */
enum ward_log_event {
    WARD_EVENT_NONE = 0,
    WARD_EVENT_POLICY_DENIAL,
    WARD_EVENT_PROGRAMMER_ERROR,
    WARD_EVENT_PARTITION_CRASH,
    WARD_EVENT_LIFECYCLE,
    WARD_EVENT_PROVISIONING,
    WARD_EVENT_COUNT_,
};

typedef void (*ward_log_sink)(enum ward_log_level level, const char *line,
                              void *ctx);

/* Messages above level are dropped. The default level is WARD_LOG_WARNING,
 * or the value of $WARD_LOG_LEVEL (0-4) read once at the first message. */
void ward_log_set_level(enum ward_log_level level);
/* The level in force (after reading $WARD_LOG_LEVEL if not set yet). */
enum ward_log_level ward_log_get_level(void);
/* Replace the sink (NULL restores stderr). */
void ward_log_set_sink(ward_log_sink sink, void *ctx);

#if defined(__GNUC__)
#define WARD_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define WARD_PRINTF(a, b)
#endif

void ward_log(enum ward_log_level level, const char *fmt, ...) WARD_PRINTF(2, 3);
/* A security event: logged at WARNING, at most WARD_LOG_EVENT_BURST per
 * kind per WARD_LOG_EVENT_WINDOW seconds; the number suppressed is reported
 * with the next message that passes. */
void ward_log_event(enum ward_log_event kind, const char *fmt, ...) WARD_PRINTF(2, 3);

#define WARD_LOG_EVENT_BURST 20
#define WARD_LOG_EVENT_WINDOW 10

#endif /* WARD_LOG_H */
