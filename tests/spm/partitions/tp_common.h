/*
 * tp_common.h: the wait loop shared by the simple test partitions. Test
 * partitions exist only in the test table; production never links them.
 */
#ifndef TP_COMMON_H
#define TP_COMMON_H

#include "psa/service.h"

/* Handle one request; the return value is the reply status. */
typedef psa_status_t (*tp_request_fn)(psa_signal_t signal, const psa_msg_t *msg);

/* Serve forever: accept every connect and disconnect, pass requests on. */
_Noreturn void tp_serve(psa_signal_t signals, tp_request_fn request);

/* Copy in_vec[idx] to out_vec[idx] in chunks; returns bytes copied. */
size_t tp_copy(const psa_msg_t *msg, uint32_t idx);

#endif
