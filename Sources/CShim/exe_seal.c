/*
 * The runtime binary as a container may see it. A container process that
 * holds CAP_SYS_PTRACE over the host's user namespace can open
 * /proc/PID/exe of a swrun clone (non-dumpable or not) before its execve,
 * and, once every swrun process has exited, reopen that fd for writing:
 * the host's swrun is overwritten (CVE-2019-5736). Running from a clone of
 * our own file on a detached, read-only mount makes that reopen fail with
 * EROFS, and costs no copy: open_tree, mount_setattr, execveat.
 */
#include "cshim.h"
#include "shim_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

int shim_exe_is_sealed(void)
{
    struct statvfs st;
    if (statvfs("/proc/self/exe", &st) < 0)
        return -errno;
    return (st.f_flag & ST_RDONLY) ? 1 : 0;
}

int shim_reexec_sealed(char *const argv[], char *const envp[])
{
    int tree = (int)syscall(SYS_open_tree, AT_FDCWD, "/proc/self/exe",
                            SHIM_OPEN_TREE_CLONE | O_CLOEXEC);
    if (tree < 0)
        return -errno;
    struct shim_mount_attr attr = { .attr_set = SHIM_MOUNT_ATTR_RDONLY | SHIM_MOUNT_ATTR_NODEV };
    if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0) {
        int e = -errno;
        close(tree);
        return e;
    }
    syscall(SYS_execveat, tree, "", argv, envp, AT_EMPTY_PATH);
    int e = -errno;
    close(tree);
    return e;
}
