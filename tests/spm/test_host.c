/*
 * test_host.c: what only the host platform has: a process boundary. A
 * client killed mid-call, connect/close cycles and concurrent clients
 * leaking nothing in wardd, a client of another Unix user refused by
 * policy, malformed frames on the control socket and on a channel, and a
 * missing or vanished daemon.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "psa/client.h"
#include "psa_manifest/sid.h"
#include "ward/client.h"
#include "ward_test_daemon.h"

/* wardd's isolation level for this build of the suite (default: 2). */
#ifdef WARD_TEST_LEVEL1
static const char *const test_daemon_args[] = {"--isolation", "1", NULL};
#else
static const char *const test_daemon_args[] = {NULL};
#endif
#include "wire.h"

static struct ward_test_daemon d;

/* A number from wardd's status document, or -1. */
static long status_field(const char *key)
{
    char *json = NULL, pattern[64];
    long v = -1;
    if (ward_client_status(&json) != PSA_SUCCESS)
        return -1;
    snprintf(pattern, sizeof(pattern), "\"%s\":", key);
    /* The live-object counters are in the "live" object at the end. */
    const char *live = strstr(json, "\"live\":");
    const char *p = live != NULL ? strstr(live, pattern) : NULL;
    if (p != NULL)
        v = strtol(p + strlen(pattern), NULL, 10);
    free(json);
    return v;
}

struct live {
    long sessions, channels, messages, fds;
};

static struct live live_now(void)
{
    struct live l = {status_field("sessions"), status_field("channels"),
                     status_field("messages"), status_field("fds")};
    return l;
}

/* wardd cleans up after a client asynchronously: ask until it has (each
 * question is a round trip; no sleeping), at most a bounded number of times. */
static bool wait_for_live(struct live want)
{
    for (int i = 0; i < 200000; i++) {
        struct live l = live_now();
        if (l.sessions == want.sessions && l.channels == want.channels &&
            l.messages == want.messages && l.fds == want.fds)
            return true;
    }
    struct live l = live_now();
    print_error("live: sessions %ld/%ld channels %ld/%ld messages %ld/%ld fds %ld/%ld\n",
                l.sessions, want.sessions, l.channels, want.channels, l.messages,
                want.messages, l.fds, want.fds);
    return false;
}

static uint32_t gate_disconnects(void)
{
    psa_handle_t h = psa_connect(TP_GATE_SID, 1);
    uint32_t n = 0;
    psa_outvec ov = {&n, sizeof(n)};
    assert_true(h > 0);
    assert_int_equal(psa_call(h, 1, NULL, 0, &ov, 1), PSA_SUCCESS);
    psa_close(h);
    return n;
}

static int setup(void **state)
{
    (void)state;
    if (ward_test_daemon_start(&d, WARD_TEST_WARDD, test_daemon_args) != 0)
        return -1;
    /* TP_CRASHY panics at start until wardd gives up on it; at isolation
     * level 2 that happens in the background. The live counters settle
     * once it has. */
    for (int i = 0; i < 100000; i++) {
        char *json = NULL;
        if (ward_client_status(&json) != PSA_SUCCESS)
            return -1;
        bool settled = strstr(json, "\"name\":\"TP_CRASHY\",\"id\":268,\"state\":\"failed\"") != NULL;
        free(json);
        if (settled)
            return 0;
    }
    return -1;
}

static int teardown(void **state)
{
    (void)state;
    return ward_test_daemon_stop(&d);
}

static void test_client_killed_mid_call(void **state)
{
    (void)state;
    uint32_t before = gate_disconnects();
    struct live base = live_now();
    assert_true(base.sessions >= 1 && base.fds > 0);
    int sync[2];
    assert_int_equal(pipe(sync), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* A new session in the child: it holds a call open at GATE. */
        psa_handle_t h = psa_connect(TP_GATE_SID, 1);
        if (h <= 0)
            _exit(1);
        (void)!write(sync[1], "x", 1);
        psa_call(h, 0, NULL, 0, NULL, 0);
        _exit(2); /* never reached: killed first */
    }
    char c;
    close(sync[1]);
    assert_int_equal(read(sync[0], &c, 1), 1);
    close(sync[0]);
    /* Wait until wardd holds the child's call, then kill the child. */
    struct live busy = base;
    busy.sessions++;
    busy.channels++;
    busy.messages = 1;
    busy.fds = -2; /* not compared below */
    bool held = false;
    for (int i = 0; i < 200000 && !held; i++) {
        struct live l = live_now();
        held = l.messages == 1 && l.sessions == busy.sessions;
    }
    assert_true(held);
    assert_int_equal(kill(pid, SIGKILL), 0);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    /* Open the gate: GATE replies to a client that is gone, then sees the
     * session's disconnect. */
    psa_handle_t o = psa_connect(TP_GATE_OPEN_SID, 1);
    assert_true(o > 0);
    assert_int_equal(psa_call(o, 0, NULL, 0, NULL, 0), PSA_SUCCESS);
    psa_close(o);
    struct live want = base;
    want.channels++; /* the channel to OPENER this session now has, */
    char *json = NULL;
    assert_int_equal(ward_client_status(&json), PSA_SUCCESS);
    if (strstr(json, "\"isolation_level\":1") != NULL)
        want.fds++;  /* and, at level 1, wardd's end of it */
    free(json);
    assert_true(wait_for_live(want));
    /* Ours from the first count, and the killed child's. */
    assert_int_equal(gate_disconnects(), before + 2);
}

static void test_connect_close_cycles(void **state)
{
    (void)state;
    psa_close(psa_connect(TP_ECHO_SID, 1)); /* the channel, once */
    struct live base = live_now();
    for (int i = 0; i < 1000; i++) {
        psa_handle_t h = psa_connect(TP_ECHO_SID, 1);
        assert_true(h > 0);
        assert_int_equal(psa_call(h, PSA_IPC_CALL, NULL, 0, NULL, 0), 0);
        psa_close(h);
    }
    assert_true(wait_for_live(base));
    /* No connection is left behind either. */
    char *json = NULL;
    assert_int_equal(ward_client_status(&json), PSA_SUCCESS);
    assert_non_null(strstr(json, "\"connections\":0"));
    free(json);
}

#define CLIENTS 32
#define CALLS 200

static int one_client(unsigned seed)
{
    psa_handle_t h = psa_connect(TP_ECHO_SID, 1);
    if (h <= 0)
        return 1;
    for (unsigned i = 0; i < CALLS; i++) {
        uint8_t in[64], out[64];
        size_t n = (seed * 31u + i) % sizeof(in) + 1;
        for (size_t k = 0; k < n; k++)
            in[k] = (uint8_t)(seed ^ (i + k));
        psa_invec iv = {in, n};
        psa_outvec ov = {out, sizeof(out)};
        if (psa_call(h, PSA_IPC_CALL, &iv, 1, &ov, 1) != (psa_status_t)n ||
            ov.len != n || memcmp(in, out, n) != 0)
            return 2;
    }
    psa_close(h);
    return 0;
}

static void test_concurrent_clients(void **state)
{
    (void)state;
    struct live base = live_now();
    pid_t pids[CLIENTS];
    for (unsigned i = 0; i < CLIENTS; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0)
            _exit(one_client(i));
    }
    for (unsigned i = 0; i < CLIENTS; i++) {
        int status;
        assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    assert_true(wait_for_live(base));
}

/* A raw control connection, to send what no library would. */
static int raw_connect(void)
{
    struct sockaddr_un a;
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    memset(&a, 0, sizeof(a));
    a.sun_family = AF_UNIX;
    snprintf(a.sun_path, sizeof(a.sun_path), "%s", d.env.socket_path);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    return fd;
}

static psa_status_t raw_reply(int fd, int *passed)
{
    struct ward_frame r;
    uint8_t *p = NULL;
    int pfd = -1;
    psa_status_t st = ward_wire_recv(fd, 1u << 20, &r, &p, NULL, &pfd);
    free(p);
    if (passed != NULL)
        *passed = pfd;
    else if (pfd >= 0)
        close(pfd);
    assert_int_equal(st, PSA_SUCCESS);
    assert_int_equal(r.op, WARD_OP_REPLY);
    return r.value;
}

static void send_raw(int fd, const void *buf, size_t len)
{
    assert_int_equal(send(fd, buf, len, MSG_NOSIGNAL), (ssize_t)len);
}

static void send_header(int fd, struct ward_frame *f, int version)
{
    uint8_t b[WARD_WIRE_HEADER_SIZE];
    ward_wire_encode(f, b);
    b[4] = (uint8_t)version;
    send_raw(fd, b, sizeof(b));
}

static void test_malformed_frames(void **state)
{
    (void)state;
    int fd = raw_connect();
    struct ward_frame f;
    /* Truncated. */
    send_raw(fd, "WARD", 4);
    assert_int_equal(raw_reply(fd, NULL), PSA_ERROR_PROGRAMMER_ERROR);
    /* Wrong version. */
    f = (struct ward_frame){.op = WARD_OP_HELLO};
    send_header(fd, &f, 2);
    assert_int_equal(raw_reply(fd, NULL), PSA_ERROR_NOT_SUPPORTED);
    /* Bad vector counts. */
    f = (struct ward_frame){.op = WARD_OP_CALL, .n_in = 3, .n_out = 2};
    send_header(fd, &f, WARD_WIRE_VERSION);
    assert_int_equal(raw_reply(fd, NULL), PSA_ERROR_PROGRAMMER_ERROR);
    /* Oversized: more than any frame may be. */
    size_t big = 100u * 1024u;
    uint8_t *junk = calloc(1, big);
    assert_non_null(junk);
    f = (struct ward_frame){.op = WARD_OP_HELLO};
    ward_wire_encode(&f, junk);
    send_raw(fd, junk, big);
    free(junk);
    assert_int_equal(raw_reply(fd, NULL), PSA_ERROR_PROGRAMMER_ERROR);
    /* A call on the control socket. */
    f = (struct ward_frame){.op = WARD_OP_CALL, .handle = 1};
    send_header(fd, &f, WARD_WIRE_VERSION);
    assert_int_equal(raw_reply(fd, NULL), PSA_ERROR_PROGRAMMER_ERROR);
    /* The connection still works. */
    f = (struct ward_frame){.op = WARD_OP_HELLO};
    assert_int_equal(ward_wire_send(fd, &f, NULL, 0, -1, false), PSA_SUCCESS);
    assert_int_equal(raw_reply(fd, NULL), PSA_SUCCESS);

    /* On a channel: connect for real, then misbehave on it. */
    f = (struct ward_frame){.op = WARD_OP_CONNECT, .value = TP_ECHO_SID, .arg = 1};
    int ch = -1;
    assert_int_equal(ward_wire_send(fd, &f, NULL, 0, -1, false), PSA_SUCCESS);
    psa_handle_t h = raw_reply(fd, &ch);
    assert_true(h > 0);
    assert_true(ch >= 0);
    send_raw(ch, "garbage", 7);
    assert_int_equal(raw_reply(ch, NULL), PSA_ERROR_PROGRAMMER_ERROR);
    f = (struct ward_frame){.op = WARD_OP_CALL, .handle = h, .n_in = 5};
    send_header(ch, &f, WARD_WIRE_VERSION);
    assert_int_equal(raw_reply(ch, NULL), PSA_ERROR_PROGRAMMER_ERROR);
    f = (struct ward_frame){.op = WARD_OP_HELLO};
    send_header(ch, &f, WARD_WIRE_VERSION);
    assert_int_equal(raw_reply(ch, NULL), PSA_ERROR_PROGRAMMER_ERROR);
    /* A payload shorter than its header says. */
    f = (struct ward_frame){.op = WARD_OP_CALL, .handle = h, .n_in = 1, .in_len = {10}};
    uint8_t b[WARD_WIRE_HEADER_SIZE + 3];
    ward_wire_encode(&f, b);
    memcpy(b + WARD_WIRE_HEADER_SIZE, "abc", 3);
    send_raw(ch, b, sizeof(b));
    assert_int_equal(raw_reply(ch, NULL), PSA_ERROR_PROGRAMMER_ERROR);
    /* And a good call on the same channel. */
    struct iovec iov = {"ok", 2};
    f = (struct ward_frame){.op = WARD_OP_CALL, .handle = h, .n_in = 1, .in_len = {2}};
    assert_int_equal(ward_wire_send(ch, &f, &iov, 1, -1, false), PSA_SUCCESS);
    assert_int_equal(raw_reply(ch, NULL), 0);
    close(ch);
    close(fd);
    /* Other clients never noticed. */
    psa_handle_t e = psa_connect(TP_ECHO_SID, 1);
    assert_true(e > 0);
    assert_int_equal(psa_call(e, PSA_IPC_CALL, NULL, 0, NULL, 0), 0);
    psa_close(e);
}

/* A client that pipelines frames without reading replies: wardd keeps at
 * most a few of its messages in flight (it stops reading the channel
 * meanwhile), and still answers every frame in order. */
static void test_pipelined_frames(void **state)
{
    (void)state;
    int fd = raw_connect(), ch = -1;
    struct ward_frame f = {.op = WARD_OP_STATELESS, .handle = TP_STATELESS_ECHO_HANDLE};
    assert_int_equal(ward_wire_send(fd, &f, NULL, 0, -1, false), PSA_SUCCESS);
    assert_int_equal(raw_reply(fd, &ch), PSA_SUCCESS);
    assert_true(ch >= 0);
    enum { FRAMES = 64 };
    for (int i = 0; i < FRAMES; i++) {
        char data[8];
        size_t n = (size_t)(i % 8) + 1;
        memset(data, 'a' + i % 26, sizeof(data));
        struct iovec iov = {data, n};
        f = (struct ward_frame){.op = WARD_OP_CALL, .handle = TP_STATELESS_ECHO_HANDLE,
                                .n_in = 1, .n_out = 1, .in_len = {(uint32_t)n},
                                .out_len = {8}};
        assert_int_equal(ward_wire_send(ch, &f, &iov, 1, -1, false), PSA_SUCCESS);
    }
    for (int i = 0; i < FRAMES; i++)
        assert_int_equal(raw_reply(ch, NULL), i % 8 + 1);
    close(ch);
    close(fd);
    struct live l = live_now();
    assert_int_equal(l.messages, 0);
}

static void *call_gate(void *arg)
{
    psa_handle_t h = *(psa_handle_t *)arg;
    return (void *)(intptr_t)psa_call(h, 0, NULL, 0, NULL, 0);
}

/* A handle in a call on one thread is busy for the others: the library
 * says so at once (PROGRAMMER_ERROR), and the call in flight is unharmed. */
static void test_handle_busy_in_another_thread(void **state)
{
    (void)state;
    psa_handle_t h = psa_connect(TP_GATE_SID, 1);
    pthread_t th;
    void *rc;
    assert_true(h > 0);
    assert_int_equal(pthread_create(&th, NULL, call_gate, &h), 0);
    bool held = false;
    for (int i = 0; i < 200000 && !held; i++)
        held = live_now().messages == 1;
    assert_true(held);
    assert_int_equal(psa_call(h, 1, NULL, 0, NULL, 0), PSA_ERROR_PROGRAMMER_ERROR);
    psa_handle_t o = psa_connect(TP_GATE_OPEN_SID, 1);
    assert_true(o > 0);
    assert_int_equal(psa_call(o, 0, NULL, 0, NULL, 0), PSA_SUCCESS);
    psa_close(o);
    assert_int_equal(pthread_join(th, &rc), 0);
    assert_int_equal((intptr_t)rc, PSA_SUCCESS);
    uint32_t n = 0;
    psa_outvec ov = {&n, sizeof(n)};
    assert_int_equal(psa_call(h, 1, NULL, 0, &ov, 1), PSA_SUCCESS);
    psa_close(h);
}

static void test_missing_daemon(void **state)
{
    (void)state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char path[WARD_TEST_PATH_MAX + 8];
        snprintf(path, sizeof(path), "%s/none", d.env.root);
        setenv("WARD_SOCKET", path, 1);
        int bad = 0;
        bad |= psa_connect(TP_ECHO_SID, 1) != PSA_ERROR_COMMUNICATION_FAILURE;
        bad |= (psa_version(TP_ECHO_SID) != PSA_VERSION_NONE) << 1;
        bad |= (psa_call(TP_STATELESS_ECHO_HANDLE, 0, NULL, 0, NULL, 0) !=
                PSA_ERROR_COMMUNICATION_FAILURE) << 2;
        char *json;
        bad |= (ward_client_status(&json) != PSA_ERROR_COMMUNICATION_FAILURE) << 3;
        _exit(bad);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* A daemon that goes away: calls on its connections fail, and a later
 * daemon starts a fresh session whose handles are new. */
static void test_daemon_gone(void **state)
{
    (void)state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct ward_test_daemon other;
        int bad = 0;
        if (ward_test_daemon_start(&other, WARD_TEST_WARDD, NULL) != 0)
            _exit(100);
        psa_handle_t h = psa_connect(TP_ECHO_SID, 1);
        bad |= h <= 0;
        bad |= (ward_test_daemon_stop(&other) != 0) << 1;
        bad |= (psa_call(h, 0, NULL, 0, NULL, 0) != PSA_ERROR_COMMUNICATION_FAILURE) << 2;
        bad |= (psa_call(h, 0, NULL, 0, NULL, 0) != PSA_ERROR_COMMUNICATION_FAILURE) << 3;
        psa_close(h);
        _exit(bad);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* A client of another Unix user, refused by the policy file. Needs root to
 * become another user; skipped (loudly) otherwise. */
static void test_policy_other_user(void **state)
{
    (void)state;
    if (geteuid() != 0) {
        fprintf(stderr, "SKIPPED test_policy_other_user: needs root to switch users\n");
        skip();
    }
    struct ward_test_daemon pd;
    char policy[WARD_TEST_PATH_MAX];
    /* Its own environment, so the policy file can live in it. */
    struct ward_test_env penv;
    assert_int_equal(ward_test_env_setup(&penv), 0);
    assert_int_equal(ward_test_env_path(&penv, "policy", policy), 0);
    FILE *f = fopen(policy, "w");
    assert_non_null(f);
    fprintf(f, "ward-policy 1\nuser 0 allow all\nuser 65534 allow 0x%x\ndefault deny\n",
            (unsigned)TP_STATUS_SID);
    fclose(f);
    const char *extra[] = {"--config", policy, NULL};
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (ward_test_daemon_start(&pd, WARD_TEST_WARDD, extra) != 0)
            _exit(100);
        /* Let the other user reach the socket; the state stays private. */
        if (chmod(pd.env.root, 0711) != 0 || chmod(pd.env.socket_path, 0666) != 0)
            _exit(101);
        pid_t u = fork();
        if (u == 0) {
            if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
                _exit(102);
            int bad = 0;
            bad |= psa_connect(TP_ECHO_SID, 1) != PSA_ERROR_CONNECTION_REFUSED;
            bad |= (psa_version(TP_ECHO_SID) != PSA_VERSION_NONE) << 1;
            bad |= (psa_call(TP_STATELESS_ECHO_HANDLE, 0, NULL, 0, NULL, 0) !=
                    PSA_ERROR_CONNECTION_REFUSED) << 2;
            /* What the policy grants still works, under its own client ID. */
            psa_handle_t h = psa_connect(TP_STATUS_SID, 1);
            int32_t zero = 0;
            psa_invec iv = {&zero, sizeof(zero)};
            bad |= (h <= 0 || psa_call(h, 0, &iv, 1, NULL, 0) != 0) << 3;
            _exit(bad);
        }
        int st;
        waitpid(u, &st, 0);
        /* Root, allowed everything, is served. */
        psa_handle_t h = psa_connect(TP_ECHO_SID, 1);
        int root_ok = h > 0 && psa_call(h, 0, NULL, 0, NULL, 0) == 0;
        ward_test_daemon_stop(&pd);
        _exit(!WIFEXITED(st) ? 103 : WEXITSTATUS(st) != 0 ? WEXITSTATUS(st)
                                   : root_ok ? 0 : 104);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    ward_test_env_teardown(&penv);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_client_killed_mid_call),
        cmocka_unit_test(test_connect_close_cycles),
        cmocka_unit_test(test_concurrent_clients),
        cmocka_unit_test(test_malformed_frames),
        cmocka_unit_test(test_pipelined_frames),
        cmocka_unit_test(test_handle_busy_in_another_thread),
        cmocka_unit_test(test_missing_daemon),
        cmocka_unit_test(test_daemon_gone),
        cmocka_unit_test(test_policy_other_user),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
