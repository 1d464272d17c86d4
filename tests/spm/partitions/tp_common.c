/* tp_common.c: the shared wait loop of the test partitions. */
#include "tp_common.h"

_Noreturn void tp_serve(psa_signal_t signals, tp_request_fn request)
{
    for (;;) {
        psa_signal_t ready = psa_wait(signals, PSA_BLOCK);
        for (psa_signal_t bit = 1u << 4; bit != 0; bit <<= 1) {
            psa_msg_t msg;
            if ((ready & bit) == 0 || psa_get(bit, &msg) != PSA_SUCCESS)
                continue;
            psa_reply(msg.handle, msg.type < 0 ? PSA_SUCCESS : request(bit, &msg));
        }
    }
}

size_t tp_copy(const psa_msg_t *msg, uint32_t idx)
{
    uint8_t chunk[4096]; /* the benchmarks measure the SPM, not this loop */
    size_t total = 0, n;
    size_t room = msg->out_size[idx];
    while (room > 0 &&
           (n = psa_read(msg->handle, idx, chunk,
                         room < sizeof(chunk) ? room : sizeof(chunk))) > 0) {
        psa_write(msg->handle, idx, chunk, n);
        total += n;
        room -= n;
    }
    return total;
}
