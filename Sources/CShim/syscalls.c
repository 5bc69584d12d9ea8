/* Raw syscalls that Swift's Glibc module lacks, one function each. */
#include "cshim.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define RET(expr) do { long r_ = (long)(expr); return r_ < 0 ? -errno : (int)r_; } while (0)

int shim_setns(int fd, int nstype) { RET(setns(fd, nstype)); }

int shim_unshare(int flags) { RET(unshare(flags)); }

int shim_pivot_root(const char *new_root, const char *put_old)
{
    RET(syscall(SYS_pivot_root, new_root, put_old));
}

int shim_openat2(int dirfd, const char *path, uint64_t flags, uint64_t mode,
                 uint64_t resolve)
{
    struct open_how how = { .flags = flags, .mode = mode, .resolve = resolve };
    long r;
    do {
        r = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
    } while (r < 0 && (errno == EINTR || errno == EAGAIN));
    return r < 0 ? -errno : (int)r;
}

int shim_close_range(unsigned int first, unsigned int last, unsigned int flags)
{
    RET(syscall(SYS_close_range, first, last, flags));
}

int shim_pidfd_open(pid_t pid) { RET(syscall(SYS_pidfd_open, pid, 0)); }

int shim_pidfd_send_signal(int pidfd, int sig)
{
    RET(syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0));
}

int shim_prctl_set_child_subreaper(int on)
{
    RET(prctl(PR_SET_CHILD_SUBREAPER, on, 0, 0, 0));
}

int shim_thread_count(void)
{
    DIR *d = opendir("/proc/self/task");
    if (!d)
        return -errno;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

int shim_flock(int fd, int op)
{
    int r;
    do {
        r = flock(fd, op);
    } while (r < 0 && errno == EINTR);
    return r < 0 ? -errno : 0;
}

int shim_waitpid(pid_t pid, int *status, int options)
{
    pid_t r;
    do {
        r = waitpid(pid, status, options);
    } while (r < 0 && errno == EINTR);
    return r < 0 ? -errno : r;
}

int shim_send_fd(int sock, int fd, const char *tag)
{
    char buf[CMSG_SPACE(sizeof(int))];
    memset(buf, 0, sizeof buf);
    struct iovec iov = { .iov_base = (void *)tag, .iov_len = strlen(tag) + 1 };
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = buf, .msg_controllen = sizeof buf,
    };
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
    ssize_t r;
    do {
        r = sendmsg(sock, &msg, MSG_NOSIGNAL);
    } while (r < 0 && errno == EINTR);
    return r < 0 ? -errno : 0;
}

int shim_rename_noreplace(const char *from, const char *to)
{
    RET(syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, 1 /* RENAME_NOREPLACE */));
}

int shim_signalfd(const sigset_t *mask)
{
    RET(signalfd(-1, mask, SFD_CLOEXEC));
}

int shim_signalfd_read(int fd)
{
    struct signalfd_siginfo info;
    ssize_t n;
    do {
        n = read(fd, &info, sizeof info);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    return n == sizeof info ? (int)info.ssi_signo : -EIO;
}
