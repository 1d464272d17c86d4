/*
 * wardd_host.c: a partition process at isolation level 2. wardd starts it
 * from a sealed, measured copy of its own binary with the control socket
 * (descriptor 3), a client socket for the partition's own calls (4) and the
 * page it shares with wardd (5). It prepares the partition, confines itself
 * and serves: the same loop as a level-1 partition thread, its own broker
 * checking every call on its channels.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sandbox.h"
#include "ward_log.h"
#include "ward_state.h"
#include "wardd.h"
#include "wardd_remote.h"

int wardd_host_main(int argc, char **argv);

int wardd_host_main(int argc, char **argv)
{
    /* wardd --partition-host INDEX STATE_DIR LIFECYCLE LOG_LEVEL MAX_CALL
     *       SECCOMP(enforce|log) */
    if (argc != 8)
        return 2;
    char *end;
    unsigned long index = strtoul(argv[2], &end, 10);
    wardd.cfg.state_dir = argv[3];
    wardd.lifecycle.state = (uint32_t)strtoul(argv[4], NULL, 16);
    wardd.lifecycle.requested = WARD_LIFECYCLE_NONE;
    ward_log_set_level((enum ward_log_level)atoi(argv[5]));
    wardd.cfg.max_call_bytes = strtoul(argv[6], NULL, 10);
    wardd.cfg.max_conns_per_session = 256;
    wardd.cfg.max_conns_per_client = 512;
    bool log_only = strcmp(argv[7], "log") == 0;
    wardd.host_mode = true;
    wardd.level = 2;
    wardd.host_ctl = 3;
    wardd.host_page = mmap(NULL, sizeof(struct wardd_host_page), PROT_READ | PROT_WRITE,
                           MAP_SHARED, 5, 0);
    if (wardd.host_page == MAP_FAILED)
        wardd.host_page = NULL;
    close(5);
    if (wardd_broker_init() != 0 || *end != '\0' ||
        index >= wardd.broker.table->partition_count)
        return 2;
    wardd.host_index = (unsigned)index;
    wardd.broker.tag = (uint8_t)(index + 1);
    if (wardd_partition_prepare((unsigned)index) != 0)
        return 1;
    ward_remote_client_adopt(4);

    struct ward_sandbox sb = {.rw_dir = wardd.parts[index].state_dir, .log_only = log_only};
    struct ward_sandbox_report rep;
    char err[256];
    if (ward_sandbox_apply(&sb, getppid(), &rep, err, sizeof(err)) != 0) {
        ward_log(WARD_LOG_ERROR, "partition %s: sandbox: %s",
                 wardd.broker.table->partitions[index].name, err);
        return 1;
    }
    ward_log(WARD_LOG_INFO, "partition %s: pid %d, landlock ABI %d, seccomp %s",
             wardd.broker.table->partitions[index].name, (int)getpid(), rep.landlock_abi,
             rep.seccomp_enforced ? "enforcing" : "logging");
    wardd_host_run((unsigned)index);
}
