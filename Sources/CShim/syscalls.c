/* Raw syscalls that Swift's Glibc module lacks, one function each. */
#include "cshim.h"
#include "shim_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <stdio.h>
#include <sys/signalfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define RET(expr) do { long r_ = (long)(expr); return r_ < 0 ? -errno : (int)r_; } while (0)

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

/*
 * A child sharing our memory (CLONE_VM: no copy-on-write faults for the
 * parent afterwards) that writes text to path and exits. It runs on its
 * own small stack and makes raw syscalls only: without its own TLS, any
 * libc call could write errno into the parent's.
 */
static long raw_syscall3(long n, long a, long b, long c)
{
#if defined(__x86_64__)
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return ret;
#elif defined(__aarch64__)
    register long x8 __asm__("x8") = n;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
    return x0;
#else
#error "raw_syscall3: unsupported architecture"
#endif
}

struct write_job {
    char path[4096];
    char text[64];
    long len;
};

static int write_job_main(void *arg)
{
    const struct write_job *job = arg;
    long fd = raw_syscall3(SYS_openat, AT_FDCWD, (long)job->path, O_WRONLY | O_CLOEXEC);
    long ok = fd >= 0 && raw_syscall3(SYS_write, fd, (long)job->text, job->len) == job->len;
    raw_syscall3(SYS_exit, ok ? 0 : 1, 0, 0);
    return 0;
}

pid_t shim_spawn_write(const char *path, const char *text)
{
    /* One job at a time: the caller reaps the child before the next. */
    static struct write_job job;
    static char stack[16384] __attribute__((aligned(16)));
    /* Copies: the caller's strings may be gone before the child reads them. */
    size_t plen = strlen(path), tlen = strlen(text);
    if (plen >= sizeof job.path || tlen >= sizeof job.text)
        return -ENAMETOOLONG;
    memcpy(job.path, path, plen + 1);
    memcpy(job.text, text, tlen + 1);
    job.len = (long)tlen;
    pid_t pid = clone(write_job_main, stack + sizeof stack, CLONE_VM | SIGCHLD, &job);
    return pid < 0 ? -errno : pid;
}

int shim_set_child_subreaper(void)
{
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0 ? -errno : 0;
}

int shim_join_user_namespace(const char *path)
{
    /* Non-dumpable first: in that namespace its root could otherwise
     * ptrace this process, which is still in the host's other namespaces. */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        return -errno;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    int r = setns(fd, CLONE_NEWUSER) < 0 ? -errno : 0;
    close(fd);
    return r;
}

int shim_send_fd(int sock, int fd, const char *tag)
{
    return shim_send_with_fd(sock, fd, tag, strlen(tag) + 1);
}

int shim_send_with_fd(int sock, int fd, const void *data, size_t len)
{
    char buf[CMSG_SPACE(sizeof(int))];
    memset(buf, 0, sizeof buf);
    struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
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

ssize_t shim_recv_with_fd(int sock, void *data, size_t len, int *fd)
{
    char buf[CMSG_SPACE(sizeof(int))];
    struct iovec iov = { .iov_base = data, .iov_len = len };
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = buf, .msg_controllen = sizeof buf,
    };
    *fd = -1;
    ssize_t r;
    do {
        r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    } while (r < 0 && errno == EINTR);
    if (r < 0)
        return -errno;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len >= CMSG_LEN(sizeof(int)))
            memcpy(fd, CMSG_DATA(c), sizeof(int));
    return r;
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

static int write_text(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    size_t len = strlen(text);
    ssize_t n = write(fd, text, len);
    int e = n == (ssize_t)len ? 0 : (n < 0 ? -errno : -EIO);
    close(fd);
    return e;
}

int shim_userns_fd(const char *uid_map, const char *gid_map)
{
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) < 0)
        return -errno;
    /* A child that only exists in the new user namespace until we hold it. */
    pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid < 0) {
        int e = -errno;
        close(pipefd[0]);
        close(pipefd[1]);
        return e;
    }
    if (pid == 0) {
        char b;
        close(pipefd[1]);
        while (read(pipefd[0], &b, 1) < 0 && errno == EINTR) {}
        _exit(0);
    }
    close(pipefd[0]);
    char path[64];
    int r;
    snprintf(path, sizeof path, "/proc/%d/uid_map", pid);
    r = write_text(path, uid_map);
    if (r == 0) {
        snprintf(path, sizeof path, "/proc/%d/gid_map", pid);
        r = write_text(path, gid_map);
    }
    if (r == 0) {
        snprintf(path, sizeof path, "/proc/%d/ns/user", pid);
        r = open(path, O_RDONLY | O_CLOEXEC);
        if (r < 0)
            r = -errno;
    }
    close(pipefd[1]);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    return r;
}

int shim_idmap_tree(int tree, int userns_fd, int recursive)
{
    struct shim_mount_attr attr = { .attr_set = SHIM_MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns_fd };
    RET(syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr, sizeof attr));
}

int shim_memfd(const char *name)
{
    RET(syscall(SYS_memfd_create, name, 1U /* MFD_CLOEXEC */));
}

long shim_fs_type(const char *path)
{
    struct statfs st;
    if (statfs(path, &st) < 0)
        return -errno;
    return (long)st.f_type;
}

int shim_is_mount_root(const char *path)
{
    struct statx stx;
    if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, 0, &stx) < 0)
        return -errno;
    if (!(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
        return -EOPNOTSUPP;
    return (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) ? 1 : 0;
}
