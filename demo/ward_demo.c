/*
 * ward_demo.c: a tour of the PSA Firmware Framework API on Ward, against
 * the example partitions of the SPM suite: connect, call, rhandles,
 * stateless calls, one partition calling another, doorbells, a partition
 * that panics and is restarted while others carry on, and Internal Trusted
 * Storage.
 */
#include <stdio.h>
#include <string.h>

#include "psa/client.h"
#include "psa/internal_trusted_storage.h"
#include "psa_manifest/sid.h"
#include "tp_protocol.h"

static int failures;

static void step(const char *what, int ok)
{
    printf("  [%s] %s\n", ok ? " ok " : "FAIL", what);
    if (!ok)
        failures++;
}

int main(void)
{
    uint8_t out[32];
    printf("Ward demo: PSA Firmware Framework %u.%u\n",
           psa_framework_version() >> 8, psa_framework_version() & 0xffu);

    psa_handle_t echo = psa_connect(TP_ECHO_SID, 1);
    step("connect to the echo service", PSA_HANDLE_IS_VALID(echo));
    psa_invec in = {"hello, secure world", 19};
    psa_outvec ov = {out, sizeof(out)};
    psa_status_t st = psa_call(echo, PSA_IPC_CALL, &in, 1, &ov, 1);
    printf("      echo replied %d: \"%.*s\"\n", (int)st, (int)ov.len, (char *)out);
    step("call it: the bytes come back", st == 19 && memcmp(out, in.base, 19) == 0);

    int32_t id = 0;
    psa_outvec idv = {&id, sizeof(id)};
    st = psa_call(echo, TP_ECHO_CLIENT_ID, NULL, 0, &idv, 1);
    printf("      the service sees client ID %d\n", (int)id);
    step("non-secure callers have negative client IDs", st == PSA_SUCCESS && id < 0);

    psa_handle_t counter = psa_connect(TP_RHANDLE_SID, 3);
    uint32_t n = 0;
    psa_outvec nv = {&n, sizeof(n)};
    for (int i = 0; i < 3; i++) {
        nv.len = sizeof(n);
        psa_call(counter, PSA_IPC_CALL, NULL, 0, &nv, 1);
    }
    step("per-connection state (rhandle) counts 3 calls", n == 3);
    psa_close(counter);

    ov.len = sizeof(out);
    in.base = "stateless";
    in.len = 9;
    st = psa_call(TP_STATELESS_ECHO_HANDLE, PSA_IPC_CALL, &in, 1, &ov, 1);
    step("stateless service: no connect, a static handle", st == 9);

    step("version policy: STRICT service refuses version 1",
         psa_connect(TP_SUM_SID, 1) == PSA_ERROR_PROGRAMMER_ERROR);
    step("a service may refuse a connection",
         psa_connect(TP_REFUSER_SID, 1) == PSA_ERROR_CONNECTION_REFUSED);

    psa_handle_t caller = psa_connect(TP_CALLER_SID, 1);
    id = 0;
    idv.len = sizeof(id);
    st = psa_call(caller, TP_CALLER_ID_SEEN, NULL, 0, &idv, 1);
    printf("      a partition calling echo is client %d\n", (int)id);
    step("partitions call the services they depend on", st == PSA_SUCCESS && id > 0);
    psa_close(caller);

    psa_handle_t listen = psa_connect(TP_LISTEN_SID, 1);
    step("doorbell: one partition rings another",
         psa_call(listen, 0, NULL, 0, NULL, 0) == 1);
    psa_close(listen);

    psa_handle_t bad = psa_connect(TP_MISUSE_SID, 1);
    st = psa_call(bad, TP_MISUSE_PANIC, NULL, 0, NULL, 0);
    step("a panicking partition fails its call: COMMUNICATION_FAILURE",
         st == PSA_ERROR_COMMUNICATION_FAILURE);
    psa_close(bad);
    bad = psa_connect(TP_MISUSE_SID, 1);
    step("... and is restarted for new connections",
         psa_call(bad, TP_MISUSE_NONE, NULL, 0, NULL, 0) == PSA_SUCCESS);
    psa_close(bad);
    ov.len = sizeof(out);
    in.base = "still here";
    in.len = 10;
    step("other connections never noticed",
         psa_call(echo, PSA_IPC_CALL, &in, 1, &ov, 1) == 10);
    psa_close(echo);

    /* Internal Trusted Storage: objects in the caller's own namespace,
     * kept across runs; a write-once object can never be changed. */
    const psa_storage_uid_t uid = 0x5741524444454d4full, once = 0x5741524400000001ull;
    char got[32] = "";
    size_t len = 0;
    struct psa_storage_info_t info;
    st = psa_its_set(uid, 13, "secret notes!", PSA_STORAGE_FLAG_NONE);
    step("ITS: store an object", st == PSA_SUCCESS);
    st = psa_its_get(uid, 0, sizeof(got), got, &len);
    printf("      read back %zu bytes: \"%.*s\"\n", len, (int)len, got);
    step("ITS: read it back", st == PSA_SUCCESS && len == 13 && memcmp(got, "secret notes!", 13) == 0);
    step("ITS: its size and flags",
         psa_its_get_info(uid, &info) == PSA_SUCCESS && info.size == 13 &&
             info.flags == PSA_STORAGE_FLAG_NONE);
    step("ITS: uid 0 is invalid", psa_its_set(0, 1, "x", 0) == PSA_ERROR_INVALID_ARGUMENT);
    st = psa_its_set(once, 4, "once", PSA_STORAGE_FLAG_WRITE_ONCE);
    printf("      write-once object: %s\n", st == PSA_SUCCESS ? "created now"
                                          : "already there from an earlier run");
    step("ITS: a write-once object cannot be removed",
         (st == PSA_SUCCESS || st == PSA_ERROR_NOT_PERMITTED) &&
             psa_its_remove(once) == PSA_ERROR_NOT_PERMITTED);
    step("ITS: remove the first one",
         psa_its_remove(uid) == PSA_SUCCESS &&
             psa_its_get_info(uid, &info) == PSA_ERROR_DOES_NOT_EXIST);

    printf(failures ? "Ward demo: %d step(s) FAILED\n" : "Ward demo: all steps passed\n",
           failures);
    return failures != 0;
}
