/*
 * wardd_main.c: the SPE daemon's start-up and accept loop. It hardens the
 * process, checks and locks its state directory, loads the policy, starts
 * the partitions, and hands each accepted client to a session thread. It
 * never trusts the environment beyond the paths it is given.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "ward_state.h"
#include "wardd.h"
#include "ward_log.h"

struct wardd wardd = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .done = PTHREAD_COND_INITIALIZER,
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: wardd [options]\n"
            "  --foreground        stay in the foreground, log to stderr\n"
            "  --state-dir DIR     state directory (default $XDG_STATE_HOME/ward)\n"
            "  --socket PATH       socket (default $XDG_RUNTIME_DIR/ward/ward.sock,\n"
            "                      or /run/ward/ward.sock for root)\n"
            "  --config FILE       client policy file (docs/wardd.md)\n"
            "  --log-level N       0 error .. 4 debug (default 2)\n"
            "  --max-call-bytes N  bytes in and out of one call (default 1048576)\n"
            "  --ready-fd FD       write one byte to FD once accepting clients\n"
            "  --provisioning      start a new SPE in PSA_ROT_PROVISIONING (factory)\n"
            "  --isolation 1|2     1: partitions on threads in wardd; 2 (default): a\n"
            "                      sandboxed process each\n"
            "  --call-timeout S    level 2: kill a partition stuck in one call (30)\n"
            "  --max-sessions-per-user N      (default 64)\n"
            "  --max-connections-per-session N (default 256)\n"
            "  --max-connections-per-client N  (default 512)\n"
            "socket activation (systemd): one SOCK_SEQPACKET socket as descriptor 3\n"
            "  --help\n");
}

static void syslog_sink(enum ward_log_level level, const char *line, void *ctx)
{
    static const int prio[] = {LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG};
    (void)ctx;
    syslog(prio[level], "%s", line);
}

/* dir/name into out, or exit with a clear error. */
static void join(char *out, size_t size, const char *dir, const char *name)
{
    if (snprintf(out, size, "%s/%s", dir, name) >= (int)size) {
        fprintf(stderr, "wardd: path too long: %s/%s\n", dir, name);
        exit(2);
    }
}

static int private_dir(const char *dir, bool parents)
{
    char err[512];
    if (ward_private_dir(dir, parents, err, sizeof(err)) != 0) {
        fprintf(stderr, "wardd: %s\n", err);
        return -1;
    }
    return 0;
}

static int listen_socket(const char *path)
{
    struct sockaddr_un a;
    int fd;
    if (strlen(path) >= sizeof(a.sun_path)) {
        fprintf(stderr, "wardd: socket path too long: %s\n", path);
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    memset(&a, 0, sizeof(a));
    a.sun_family = AF_UNIX;
    strcpy(a.sun_path, path);
    /* A stale socket from a dead wardd: the state lock proves it is dead. */
    unlink(path);
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || chmod(path, 0600) != 0 ||
        listen(fd, 64) != 0) {
        fprintf(stderr, "wardd: %s: cannot listen: %s\n", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* systemd socket activation: the listening socket is descriptor 3 when
 * LISTEN_PID names this process and LISTEN_FDS is 1. Returns it, or -1 if
 * wardd was not socket-activated. The variables are removed so nothing
 * wardd starts inherits them. */
static int activated_socket(void)
{
    const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
    if (pid == NULL || fds == NULL)
        return -1;
    char *end;
    long lp = strtol(pid, &end, 10);
    bool mine = *end == '\0' && lp == (long)getpid();
    bool one = strcmp(fds, "1") == 0;
    unsetenv("LISTEN_PID");
    unsetenv("LISTEN_FDS");
    unsetenv("LISTEN_FDNAMES");
    if (!mine)
        return -1;
    int type = 0;
    socklen_t len = sizeof(type);
    if (!one || getsockopt(3, SOL_SOCKET, SO_TYPE, &type, &len) != 0 ||
        type != SOCK_SEQPACKET) {
        fprintf(stderr, "wardd: socket activation needs exactly one SOCK_SEQPACKET "
                        "socket (ListenSequentialPacket=)\n");
        exit(1);
    }
    fcntl(3, F_SETFD, FD_CLOEXEC);
    return 3;
}

static void harden(void)
{
    struct rlimit none = {0, 0};
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    setrlimit(RLIMIT_CORE, &none);
    umask(077);
}

int wardd_host_main(int argc, char **argv);

int main(int argc, char **argv)
{
    /* A partition process (isolation level 2), started by wardd itself. */
    if (argc > 1 && strcmp(argv[1], "--partition-host") == 0)
        return wardd_host_main(argc, argv);

    static const struct option opts[] = {
        {"foreground", no_argument, NULL, 'f'},
        {"state-dir", required_argument, NULL, 's'},
        {"socket", required_argument, NULL, 'S'},
        {"config", required_argument, NULL, 'c'},
        {"log-level", required_argument, NULL, 'l'},
        {"max-call-bytes", required_argument, NULL, 'm'},
        {"ready-fd", required_argument, NULL, 'r'},
        {"provisioning", no_argument, NULL, 'p'},
        {"isolation", required_argument, NULL, 'i'},
        {"call-timeout", required_argument, NULL, 'T'},
        {"max-sessions-per-user", required_argument, NULL, 'U'},
        {"max-connections-per-session", required_argument, NULL, 'C'},
        {"max-connections-per-client", required_argument, NULL, 'K'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    static char state_buf[PATH_MAX], sock_buf[PATH_MAX], sock_dir[PATH_MAX],
        lock_path[PATH_MAX];
    struct wardd_config *cfg = &wardd.cfg;
    int c, log_level = WARD_LOG_NOTICE;
    char *end;

    harden();
    cfg->ready_fd = -1;
    cfg->max_sessions_per_user = 64;
    cfg->max_conns_per_session = 256;
    cfg->max_conns_per_client = 512;
    cfg->max_call_bytes = 1u << 20;
    cfg->call_timeout_s = 30;
    wardd.level = 2;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'f': cfg->foreground = true; break;
        case 's': cfg->state_dir = optarg; break;
        case 'S': cfg->socket_path = optarg; break;
        case 'c': cfg->config_path = optarg; break;
        case 'l':
            log_level = (int)strtol(optarg, &end, 10);
            if (*end != '\0' || log_level < 0 || log_level > 4) {
                fprintf(stderr, "wardd: --log-level takes 0..4\n");
                return 2;
            }
            break;
        case 'm': {
            unsigned long long v = strtoull(optarg, &end, 10);
            if (*end != '\0' || v < 4096 || v > WARD_WIRE_PAYLOAD_MAX) {
                fprintf(stderr, "wardd: --max-call-bytes takes 4096..%u\n",
                        (unsigned)WARD_WIRE_PAYLOAD_MAX);
                return 2;
            }
            cfg->max_call_bytes = (size_t)v;
            break;
        }
        case 'r':
            cfg->ready_fd = (int)strtol(optarg, &end, 10);
            if (*end != '\0' || cfg->ready_fd < 0) {
                fprintf(stderr, "wardd: --ready-fd takes a descriptor number\n");
                return 2;
            }
            break;
        case 'p': cfg->provisioning = true; break;
        case 'i':
            if (strcmp(optarg, "1") != 0 && strcmp(optarg, "2") != 0) {
                fprintf(stderr, "wardd: --isolation takes 1 (partitions on threads in "
                                "wardd) or 2 (a sandboxed process each)\n");
                return 2;
            }
            wardd.level = optarg[0] - '0';
            break;
        case 'T': {
            unsigned long v = strtoul(optarg, &end, 10);
            if (*end != '\0' || v < 1 || v > 3600) {
                fprintf(stderr, "wardd: --call-timeout takes 1..3600 seconds\n");
                return 2;
            }
            cfg->call_timeout_s = (unsigned)v;
            break;
        }
        case 'U':
        case 'C':
        case 'K': {
            unsigned long v = strtoul(optarg, &end, 10);
            unsigned long max = c == 'U' ? WARDD_MAX_SESSIONS : WARD_MAX_CONNECTIONS - 1;
            if (*end != '\0' || optarg[0] == '-' || v < 1 || v > max) {
                fprintf(stderr, "wardd: %s takes 1..%lu\n", argv[optind - 1], max);
                return 2;
            }
            if (c == 'U')
                cfg->max_sessions_per_user = (unsigned)v;
            else if (c == 'C')
                cfg->max_conns_per_session = (unsigned)v;
            else
                cfg->max_conns_per_client = (unsigned)v;
            break;
        }
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    ward_log_set_level((enum ward_log_level)log_level);
    int activated = activated_socket(); /* systemd's socket, or -1 */

    /* Embedded defaults (DESIGN.md section 8). */
    const char *xdg_state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    const char *runtime = getenv("XDG_RUNTIME_DIR");
    if (cfg->state_dir == NULL) {
        if (xdg_state != NULL && xdg_state[0] == '/')
            join(state_buf, sizeof(state_buf), xdg_state, "ward");
        else if (home != NULL && home[0] == '/')
            join(state_buf, sizeof(state_buf), home, ".local/state/ward");
        else {
            fprintf(stderr, "wardd: no state directory: give --state-dir or set "
                            "XDG_STATE_HOME\n");
            return 2;
        }
        cfg->state_dir = state_buf;
    }
    bool default_socket = cfg->socket_path == NULL;
    if (default_socket) {
        if (runtime != NULL && runtime[0] == '/')
            join(sock_dir, sizeof(sock_dir), runtime, "ward");
        else if (geteuid() == 0)
            snprintf(sock_dir, sizeof(sock_dir), "/run/ward");
        else {
            fprintf(stderr, "wardd: no socket path: give --socket or set "
                            "XDG_RUNTIME_DIR\n");
            return 2;
        }
        join(sock_buf, sizeof(sock_buf), sock_dir, "ward.sock");
        cfg->socket_path = sock_buf;
    }

    if (private_dir(cfg->state_dir, true) != 0)
        return 1;
    if (default_socket && activated < 0 && private_dir(sock_dir, true) != 0)
        return 1;
    join(lock_path, sizeof(lock_path), cfg->state_dir, "wardd.lock");
    int lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (lock_fd < 0 || flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
        fprintf(stderr, "wardd: %s: %s\n", lock_path,
                lock_fd < 0 ? strerror(errno)
                            : "another wardd is using this state directory");
        return 1;
    }

    {
        char err[512];
        if (ward_lifecycle_startup(cfg->state_dir, cfg->provisioning, &wardd.lifecycle,
                                   err, sizeof(err)) != PSA_SUCCESS) {
            fprintf(stderr, "wardd: lifecycle: %s\n", err);
            return 1;
        }
    }
    if (cfg->config_path != NULL) {
        char err[512];
        if (ward_policy_load(cfg->config_path, &wardd.policy, err, sizeof(err)) !=
            PSA_SUCCESS) {
            fprintf(stderr, "wardd: policy %s; refusing to start\n", err);
            return 1;
        }
    }
    wardd.uid = geteuid();

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* inherited by every thread */
    int sfd = signalfd(-1, &set, SFD_CLOEXEC);

    int lfd = activated;
    if (lfd < 0)
        lfd = listen_socket(cfg->socket_path);
    if (lfd < 0 || sfd < 0)
        return 1;
    if (!cfg->foreground) {
        if (daemon(0, 0) != 0) {
            fprintf(stderr, "wardd: cannot daemonize: %s\n", strerror(errno));
            return 1;
        }
        openlog("wardd", LOG_PID, LOG_DAEMON);
        ward_log_set_sink(syslog_sink, NULL);
    }
    if (wardd.level == 2 ? (wardd_broker_init() != 0 || wardd_hosts_start() != 0)
                         : wardd_partitions_start() != 0)
        return 1;
    ward_log(WARD_LOG_NOTICE, "wardd %s: isolation level %d, %zu partitions, lifecycle %s, "
             "state %s, socket %s%s", "0.1.0", wardd.level, wardd.broker.table->partition_count,
             ward_lifecycle_name(wardd.lifecycle.state), cfg->state_dir,
             activated >= 0 ? "from systemd" : cfg->socket_path,
             cfg->config_path != NULL ? ", policy loaded" : "");
    if (cfg->ready_fd >= 0) {
        (void)!write(cfg->ready_fd, "R", 1);
        close(cfg->ready_fd);
    }

    struct pollfd pf[2 + WARD_MAX_PARTITIONS];
    unsigned which[WARD_MAX_PARTITIONS];
    pf[0] = (struct pollfd){lfd, POLLIN, 0};
    pf[1] = (struct pollfd){sfd, POLLIN, 0};
    for (;;) {
        int hosts = wardd.level == 2 ? wardd_hosts_pollfds(pf + 2, WARD_MAX_PARTITIONS, which)
                                     : 0;
        /* Level 2 wakes up a few times a second for the watchdog. */
        int n = poll(pf, (nfds_t)(2 + hosts), wardd.level == 2 ? 250 : -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int i = 0; i < hosts; i++)
            if (pf[2 + i].revents != 0)
                wardd_host_exited(which[i]);
        if (wardd.level == 2)
            wardd_hosts_watchdog();
        if (pf[1].revents & POLLIN) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si) &&
                si.ssi_signo != SIGPIPE && si.ssi_signo != SIGHUP) {
                ward_log(WARD_LOG_NOTICE, "wardd: signal %u: shutting down",
                         si.ssi_signo);
                break;
            }
        }
        if (pf[0].revents & POLLIN) {
            int cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
            if (cfd >= 0)
                wardd_session_start(cfd);
        }
    }
    /* Stop taking clients; the state lock goes with the process. A
     * socket-activated socket belongs to systemd and stays. */
    if (activated < 0)
        unlink(cfg->socket_path);
    if (wardd.level == 2)
        wardd_hosts_stop();
    close(lfd);
    return 0;
}
