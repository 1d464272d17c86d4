/*
 * bench_ipc_host.c: psa_call across the process boundary (libward-client to
 * wardd at isolation level 1) beside its floor, a raw SOCK_SEQPACKET
 * ping-pong between two processes carrying the same bytes, in one run.
 * Starts its own wardd (the test partitions' build) in a private directory.
 *
 *   bench_ipc_host WARDD [--smoke]
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_timing.h"
#include "psa/client.h"
#include "psa_manifest/sid.h"

#define BATCH 20


struct ping {
    int fd;
    size_t len;
    uint8_t *buf;
};

/* The floor: the same bytes each way over SOCK_SEQPACKET to another
 * process that echoes them (one send and one receive on each side). */
static int ping(void *p)
{
    struct ping *g = p;
    if (send(g->fd, g->buf, g->len + 56, 0) < 0 || recv(g->fd, g->buf, g->len + 56, 0) < 0)
        return 1;
    return 0;
}

struct call {
    psa_handle_t h;
    size_t len;
    uint8_t *in, *out;
};

static int call(void *p)
{
    struct call *c = p;
    psa_invec iv = {c->in, c->len};
    psa_outvec ov = {c->out, c->len};
    return psa_call(c->h, PSA_IPC_CALL, &iv, 1, &ov, 1) == (psa_status_t)c->len ? 0 : 1;
}

static int connect_call_close(void *p)
{
    struct call *c = p;
    c->h = psa_connect(TP_ECHO_SID, 1);
    int rc = c->h > 0 ? call(c) : 1;
    psa_close(c->h);
    return rc;
}

static const char *isolation = "2";

static pid_t start_wardd(const char *wardd, char *dir)
{
    int ready[2];
    char state[200], sock[200], byte;
    snprintf(state, sizeof(state), "%s/state", dir);
    snprintf(sock, sizeof(sock), "%s/s", dir);
    setenv("WARD_SOCKET", sock, 1);
    if (pipe(ready) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(ready[1], 3);
        execl(wardd, wardd, "--foreground", "--state-dir", state, "--socket", sock,
              "--ready-fd", "3", "--log-level", "0", "--isolation", isolation, (char *)NULL);
        _exit(127);
    }
    close(ready[1]);
    if (read(ready[0], &byte, 1) != 1)
        return -1;
    close(ready[0]);
    return pid;
}

/* calls/s over `clients` processes, each with its own session. */
static double throughput(unsigned clients, unsigned calls)
{
    pid_t pids[64];
    uint64_t t0 = bench_now_ns();
    for (unsigned i = 0; i < clients; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            uint8_t in[64] = {0}, out[64];
            struct call c = {psa_connect(TP_ECHO_SID, 1), sizeof(in), in, out};
            for (unsigned k = 0; k < calls; k++)
                if (c.h <= 0 || call(&c) != 0)
                    _exit(1);
            _exit(0);
        }
    }
    int ok = 1;
    for (unsigned i = 0; i < clients; i++) {
        int st;
        waitpid(pids[i], &st, 0);
        ok &= WIFEXITED(st) && WEXITSTATUS(st) == 0;
    }
    double secs = (double)(bench_now_ns() - t0) / 1e9;
    return ok ? (double)clients * calls / secs : -1;
}

static int run_level(int argc, char **argv);

/* Each isolation level in a child of its own: a process has one session. */
int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_ipc_host WARDD [--smoke]\n");
        return 2;
    }
    static const char *const levels[] = {"1", "2"};
    int rc = 0;
    for (int i = 0; i < 2; i++) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            isolation = levels[i];
            printf("\n== wardd isolation level %s ==\n", isolation);
            int r = run_level(argc, argv);
            fflush(stdout);
            _exit(r);
        }
        int st;
        waitpid(pid, &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            rc = 1;
    }
    return rc;
}

static int run_level(int argc, char **argv)
{
    int smoke = argc > 2 && strcmp(argv[2], "--smoke") == 0;
    unsigned batches = smoke ? 5 : 1000;
    char dir[] = "/tmp/ward-bench.XXXXXX";
    if (mkdtemp(dir) == NULL)
        return 1;
    pid_t wardd = start_wardd(argv[1], dir);
    if (wardd < 0) {
        fprintf(stderr, "bench_ipc_host: cannot start %s\n", argv[1]);
        return 1;
    }
    static const size_t sizes[] = {0, 64, 4096, 65536};
    size_t max = 65536 + 64;
    uint8_t *in = calloc(1, max), *out = calloc(1, max);

    int sv[2];
    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
    int bufsz = 4 << 20;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof(bufsz));
    setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof(bufsz));
    pid_t echo = fork();
    if (echo == 0) {
        uint8_t *b = malloc(max + 64);
        ssize_t n;
        close(sv[0]);
        while ((n = recv(sv[1], b, max + 64, 0)) > 0)
            send(sv[1], b, (size_t)n, 0);
        _exit(0);
    }
    close(sv[1]);

    struct call c = {psa_connect(TP_ECHO_SID, 1), 0, in, out};
    if (c.h <= 0) {
        fprintf(stderr, "bench_ipc_host: cannot connect to the echo service\n");
        return 1;
    }
    printf("%-36s %10s %10s %8s\n", "host psa_call (echo, in and out)", "p50 us", "p99 us",
           "x floor");
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        struct ping g = {sv[0], sizes[i], in};
        struct bench_result f = bench_measure(ping, &g, BATCH, batches);
        c.len = sizes[i];
        struct bench_result w = bench_measure(call, &c, BATCH, batches);
        char name[64];
        snprintf(name, sizeof(name), "floor: seqpacket ping-pong, %zu B", sizes[i]);
        printf("%-36s %10.2f %10.2f %8s\n", name, f.p50 / 1000, f.p99 / 1000, "1.00");
        snprintf(name, sizeof(name), "ward host psa_call, %zu B", sizes[i]);
        printf("%-36s %10.2f %10.2f %8.2f\n", name, w.p50 / 1000, w.p99 / 1000,
               w.p50 / f.p50);
    }
    psa_close(c.h);
    c.len = 64;
    struct bench_result ccc = bench_measure(connect_call_close, &c, BATCH, smoke ? 5 : 200);
    printf("%-36s %10.2f %10.2f\n", "connect+call(64 B)+close", ccc.p50 / 1000,
           ccc.p99 / 1000);
    printf("\n%-36s %12s\n", "throughput, 64 B calls", "calls/s");
    static const unsigned clients[] = {1, 2, 8, 32};
    for (size_t i = 0; i < 4; i++) {
        char name[64];
        snprintf(name, sizeof(name), "%u client processes", clients[i]);
        printf("%-36s %12.0f\n", name, throughput(clients[i], smoke ? 10 : 4000 / clients[i] * 4));
    }
    close(sv[0]);
    waitpid(echo, NULL, 0);
    kill(wardd, SIGTERM);
    waitpid(wardd, NULL, 0);
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return 1;
    free(in);
    free(out);
    return 0;
}
