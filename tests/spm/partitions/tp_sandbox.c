/*
 * tp_sandbox.c: a partition that probes its own confinement, for the
 * isolation level 2 tests (never called with types 1-3 on emul or level 1,
 * where nothing confines it): 1 opens a network socket (seccomp kills it),
 * 2 opens a file outside its directory (the status is the errno), 3 never
 * returns (the watchdog kills it), 4 writes a file in its own directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "psa_manifest/tp_sandbox.h"
#include "tp_common.h"
#include "ward/partition.h"

static psa_status_t sandbox_request(psa_signal_t signal, const psa_msg_t *msg)
{
    (void)signal;
    switch (msg->type) {
    case 1:
        return (psa_status_t)syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
    case 2: {
        int fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            close(fd);
            return 0;
        }
        return errno;
    }
    case 3:
        for (volatile int spin = 1; spin;)
            ;
        return 0;
    case 4: {
        char path[4200];
        const char *dir = ward_partition_state_dir();
        if (dir == NULL)
            return PSA_ERROR_STORAGE_FAILURE;
        snprintf(path, sizeof(path), "%s/probe", dir);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0)
            return errno;
        close(fd);
        return 0;
    }
    default:
        return PSA_ERROR_NOT_SUPPORTED;
    }
}

void tp_sandbox_main(void)
{
    tp_serve(TP_SANDBOX_SIGNAL, sandbox_request);
}
