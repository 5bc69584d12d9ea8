/*
 * What the C files share and Swift does not see: raw syscalls only the
 * child calls, and the new mount API.
 */
#ifndef SWRUN_SHIM_INTERNAL_H
#define SWRUN_SHIM_INTERNAL_H

#include <stdint.h>

#pragma GCC visibility push(hidden)

int shim_pivot_root(const char *new_root, const char *put_old);
int shim_close_range(unsigned int first, unsigned int last, unsigned int flags);
/* Sends fd over a connected unix socket with SCM_RIGHTS. */
int shim_send_fd(int sock, int fd, const char *tag);

/* The new mount API, under names of our own: glibc's <sys/mount.h> may or
 * may not define them, and <linux/mount.h> clashes with it. */
#define SHIM_OPEN_TREE_CLONE 1
#define SHIM_MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#define SHIM_MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#define SHIM_MOUNT_ATTR_RDONLY 0x00000001
#define SHIM_MOUNT_ATTR_NOSUID 0x00000002
#define SHIM_MOUNT_ATTR_NODEV 0x00000004
#define SHIM_MOUNT_ATTR_NOEXEC 0x00000008
#define SHIM_MOUNT_ATTR_IDMAP 0x00100000
#define SHIM_FSOPEN_CLOEXEC 0x00000001
#define SHIM_FSMOUNT_CLOEXEC 0x00000001
#define SHIM_FSCONFIG_SET_FLAG 0
#define SHIM_FSCONFIG_SET_STRING 1
#define SHIM_FSCONFIG_CMD_CREATE 6

/* struct mount_attr, for mount_setattr(2). */
struct shim_mount_attr {
    uint64_t attr_set, attr_clr, propagation, userns_fd;
};

#pragma GCC visibility pop

#endif
