/*
 * Bind sources of a container with a user namespace, opened while the
 * runtime still has the host's credentials: inside that namespace its
 * init cannot search a host directory only root may (a 0700 one). The
 * sources of idmapped mounts are cut the same way.
 *
 * Each source becomes a detached copy of its mount (open_tree with
 * OPEN_TREE_CLONE), which the init attaches with move_mount. The copy is
 * cut inside a mount namespace owned by a fresh user namespace, as runc
 * cuts its sources inside the container's own mount namespace: the
 * kernel locks the flags of every mount copied into such a namespace
 * (read-only, nosuid, nodev, noexec, atime), the copies keep the locks,
 * so the container can no more clear them on the bind than on a bind it
 * made itself. A copy cut in the host's namespace would carry no lock:
 * that is what a container without a user namespace gets, whose own
 * mounts carry none either.
 */
#include "cshim.h"
#include "shim_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void wait_for(pid_t pid)
{
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
}

/* A mount namespace owned by a new user namespace (so a copy of the
 * host's, with its flags locked), as an fd: held by a child that lives
 * only until the fd is open. */
static int locked_mount_namespace(void)
{
    int hold[2];
    if (pipe2(hold, O_CLOEXEC) < 0)
        return -errno;
    pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | CLONE_NEWNS | SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid == 0) {
        char b;
        close(hold[1]);
        while (read(hold[0], &b, 1) < 0 && errno == EINTR) {}
        _exit(0);
    }
    int r = pid < 0 ? -errno : 0;
    if (pid > 0) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/ns/mnt", pid);
        r = open(path, O_RDONLY | O_CLOEXEC);
        if (r < 0)
            r = -errno;
    }
    close(hold[0]);
    close(hold[1]);
    if (pid > 0)
        wait_for(pid);
    return r;
}

/* In the helper: enter a locked copy of the mount namespace (when
 * locked) and cut the trees. 0, or -errno with *failed the source at
 * fault (-1: none). */
static int cut_trees(const char *const *sources, const int *recursive, int n, int locked, int *fds, int *failed)
{
    *failed = -1;
    int r = 0;
    if (locked) {
        int ns = locked_mount_namespace();
        if (ns < 0)
            return ns;
        r = setns(ns, CLONE_NEWNS) < 0 ? -errno : 0;
        close(ns);
    }
    for (int i = 0; r == 0 && i < n; i++) {
        unsigned flags = SHIM_OPEN_TREE_CLONE | O_CLOEXEC | (recursive[i] ? AT_RECURSIVE : 0);
        fds[i] = (int)syscall(SYS_open_tree, AT_FDCWD, sources[i], flags);
        if (fds[i] < 0) {
            r = -errno;
            *failed = i;
            while (i-- > 0)
                close(fds[i]);
        }
    }
    return r;
}

int shim_mount_trees(const char *const *sources, const int *recursive, int n, int locked, int *fds, int *failed)
{
    *failed = -1;
    if (n < 0 || n > 4096)    /* the results must fit in the pipe */
        return -E2BIG;
    int out[2];
    if (pipe2(out, O_CLOEXEC) < 0)
        return -errno;
    /* The helper shares our fd table (its trees are ours) but not our
     * filesystem context, which setns changes. */
    pid_t pid = (pid_t)syscall(SYS_clone, CLONE_FILES | SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid == 0) {
        int res[2];
        res[0] = cut_trees(sources, recursive, n, locked, fds, &res[1]);
        ssize_t w = write(out[1], res, sizeof res);
        if (w == (ssize_t)sizeof res && res[0] == 0)
            w = write(out[1], fds, sizeof *fds * (size_t)n);
        _exit(w < 0 ? 1 : 0);
    }
    int r = pid < 0 ? -errno : -EPROTO;
    if (pid > 0) {
        int res[2];
        wait_for(pid);
        if (read(out[0], res, sizeof res) == (ssize_t)sizeof res) {
            r = res[0];
            *failed = res[1];
            if (r == 0 && read(out[0], fds, sizeof *fds * (size_t)n) != (ssize_t)(sizeof *fds * (size_t)n))
                r = -EPROTO;
        }
    }
    close(out[0]);
    close(out[1]);
    return r;
}
