/* Loading and attaching cgroup device programs (bpf(2)). */
#include "cshim.h"

#include <errno.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int sys_bpf(int cmd, union bpf_attr *attr)
{
    long r;
    int tries = 0;
    /* The verifier may give up with EAGAIN when a signal arrives. */
    do {
        r = syscall(SYS_bpf, cmd, attr, sizeof *attr);
    } while (r < 0 && (errno == EINTR || (errno == EAGAIN && ++tries < 5)));
    return r < 0 ? -errno : (int)r;
}

int shim_bpf_load_device_prog(const void *insns, uint32_t count, char *log, uint32_t log_size)
{
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    attr.insns = (uint64_t)(uintptr_t)insns;
    attr.insn_cnt = count;
    attr.license = (uint64_t)(uintptr_t)"Apache-2.0";
    int fd = sys_bpf(BPF_PROG_LOAD, &attr);
    if (fd >= 0 || log == NULL || log_size == 0)
        return fd;
    /* Rejected: load again with a log for the verifier's reasons (a log
     * on every load would cost time and may itself fail with ENOSPC). */
    log[0] = '\0';
    attr.log_level = 1;
    attr.log_buf = (uint64_t)(uintptr_t)log;
    attr.log_size = log_size;
    int again = sys_bpf(BPF_PROG_LOAD, &attr);
    return again >= 0 ? again : fd;
}

int shim_bpf_attach_cgroup(int cgroup_fd, int prog_fd, uint32_t flags)
{
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.target_fd = (uint32_t)cgroup_fd;
    attr.attach_bpf_fd = (uint32_t)prog_fd;
    attr.attach_type = BPF_CGROUP_DEVICE;
    attr.attach_flags = flags;
    return sys_bpf(BPF_PROG_ATTACH, &attr);
}
