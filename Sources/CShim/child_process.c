/*
 * The process the container runs: its names, limits, scheduling, working
 * directory and fds, the executable looked up, the exec fifo, the exec.
 */
#include "child_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

void op_sethostname(struct child *c, const struct shim_step *s)
{
    if (sethostname(s->s[0], strlen(s->s[0])) < 0)
        fail_op(c, errno, "sethostname %s", s->s[0]);
}

void op_setdomainname(struct child *c, const struct shim_step *s)
{
    if (setdomainname(s->s[0], strlen(s->s[0])) < 0)
        fail_op(c, errno, "setdomainname %s", s->s[0]);
}

void op_setrlimit(struct child *c, const struct shim_step *s)
{
    struct rlimit rl = { (rlim_t)s->n[1], (rlim_t)s->n[2] };
    if (setrlimit((int)s->n[0], &rl) < 0)
        fail_op(c, errno, "setrlimit %s", s->s[0] ? s->s[0] : "");
}

void op_umask(struct child *c, const struct shim_step *s)
{
    umask((mode_t)s->n[0]);
}

void op_setsid(struct child *c, const struct shim_step *s)
{
    if (setsid() < 0)
        fail_op(c, errno, "setsid");
}

void op_deathsig(struct child *c, const struct shim_step *s)
{
    if (prctl(PR_SET_PDEATHSIG, s->n[0], 0, 0, 0) < 0)
        fail_op(c, errno, "prctl PR_SET_PDEATHSIG");
}

void op_dumpable(struct child *c, const struct shim_step *s)
{
    if (prctl(PR_SET_DUMPABLE, s->n[0], 0, 0, 0) < 0)
        fail_op(c, errno, "prctl PR_SET_DUMPABLE");
}

void op_personality(struct child *c, const struct shim_step *s)
{
    if (personality((unsigned long)s->n[0]) < 0)
        fail_op(c, errno, "personality 0x%llx", (unsigned long long)s->n[0]);
}

void op_ioprio(struct child *c, const struct shim_step *s)
{
    if (syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, (int)s->n[0]) < 0)
        fail_op(c, errno, "ioprio_set");
}

void op_write_file(struct child *c, const struct shim_step *s)
{
    int fd = open(s->s[0], O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        fail(c, errno, "open %s", s->s[0]);
    size_t len = strlen(s->s[1]);
    if (write(fd, s->s[1], len) != (ssize_t)len)
        fail_op(c, errno, "write %s to %s", s->s[1], s->s[0]);
    close(fd);
}

/* Whether the process may execute path with its effective ids and
 * capabilities, as execve will judge it (CAP_DAC_OVERRIDE lets it run a
 * file with any x bit): faccessat2 with AT_EACCESS, as runc checks. A
 * kernel or filter without faccessat2 falls back to access(2), which
 * judges by the real ids (the same unless the process is set-id). */
static int executable(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return -errno;
    if (!S_ISREG(st.st_mode))
        return -EACCES;
    if (syscall(SYS_faccessat2, AT_FDCWD, path, X_OK, AT_EACCESS) == 0)
        return 0;
    if (errno != ENOSYS && errno != EPERM)
        return -errno;
    return access(path, X_OK) < 0 ? -errno : 0;
}

void op_lookup_exec(struct child *c, const struct shim_step *s)
{
    const char *name = s->s[0];
    if (strchr(name, '/')) {
        int r = executable(name);
        if (r < 0)
            fail(c, -r, "exec: \"%s\"", name);
        snprintf(c->exec_path, sizeof c->exec_path, "%s", name);
        return;
    }
    const char *p = s->s[1];
    int err = ENOENT;
    while (p) {
        const char *end = strchr(p, ':');
        size_t dlen = end ? (size_t)(end - p) : strlen(p);
        char cand[PATH_MAX];
        if (dlen == 0)
            snprintf(cand, sizeof cand, "./%s", name);
        else
            snprintf(cand, sizeof cand, "%.*s/%s", (int)dlen, p, name);
        int r = executable(cand);
        if (r == 0) {
            snprintf(c->exec_path, sizeof c->exec_path, "%s", cand);
            return;
        }
        if (r == -EACCES)
            err = EACCES;
        p = end ? end + 1 : NULL;
    }
    fail(c, err, "exec: \"%s\": executable file not found in $PATH", name);
}

/* As runc's init: the first attempt (before the uid change) may find
 * the directory out of the runtime's reach but not of the process's (a
 * root-squashed volume): it is retried after the uid change. A cwd
 * reached through a magic link (/proc/self/fd/N of a host directory)
 * lies outside the root: the kernel's getcwd then returns a path that
 * does not start with '/' ("(unreachable)/..."). */
void op_chdir(struct child *c, const struct shim_step *s)
{
    if (s->n[0] == SHIM_CHDIR_RETRY && !c->cwd_refused)
        return;
    if (chdir(s->s[0]) < 0) {
        if (s->n[0] == SHIM_CHDIR_FIRST && (errno == EACCES || errno == EPERM)) {
            c->cwd_refused = 1;
            return;
        }
        fail(c, errno, "chdir %s", s->s[0]);
    }
    c->cwd_refused = 0;
    char cwd[PATH_MAX];
    long n = syscall(SYS_getcwd, cwd, sizeof cwd);
    if (n < 0 && errno != ENAMETOOLONG)
        fail(c, errno, "getcwd after the chdir");
    if (n >= 0 && cwd[0] != '/')
        fail(c, EPERM, "the working directory is outside the container's root");
}

void op_wait_fifo(struct child *c, const struct shim_step *s)
{
    char path[64];
    fdpath(path, sizeof path, (int)s->n[0]);
    int fd;
    do {
        fd = open(path, O_WRONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0)
        fail(c, errno, "open exec fifo");
    if (write(fd, "0", 1) != 1)
        fail(c, errno, "write exec fifo");
    close(fd);
    close((int)s->n[0]);
}

void op_preserve_fds(struct child *c, const struct shim_step *s)
{
    for (int fd = 3; fd < 3 + (int)s->n[0]; fd++)
        if (fcntl(fd, F_SETFD, 0) < 0)
            fail(c, errno, "clear close-on-exec of preserved fd %d", fd);
    if (shim_close_range(3 + (unsigned)s->n[0], ~0U, CLOSE_RANGE_CLOEXEC) < 0)
        fail(c, errno, "close_range");
}

void op_exec(struct child *c, const struct shim_step *s)
{
    execve(c->exec_path, c->plan->argv, c->plan->envp);
    fail(c, errno, "exec %s", c->exec_path);
}

void op_sched_setattr(struct child *c, const struct shim_step *s)
{
    /* struct sched_attr, SCHED_ATTR_SIZE_VER1 */
    struct {
        uint32_t size, policy;
        uint64_t flags;
        int32_t nice;
        uint32_t priority;
        uint64_t runtime, deadline, period;
        uint32_t util_min, util_max;
    } attr;
    memset(&attr, 0, sizeof attr);
    attr.size = sizeof attr;
    attr.policy = (uint32_t)s->n[0];
    attr.flags = (uint64_t)s->n[1];
    attr.nice = (int32_t)s->n[2];
    attr.priority = (uint32_t)s->n[3];
    attr.runtime = s->x[0];
    attr.deadline = s->x[1];
    attr.period = s->x[2];
    if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
        fail_op(c, errno, "sched_setattr");
}

/* "0-3,7" into a bitmap of nbits bits: 0, or -EINVAL. */
static int parse_list(const char *list, unsigned long *bits, long nbits)
{
    const long per = (long)(8 * sizeof *bits);
    memset(bits, 0, (size_t)((nbits + per - 1) / per) * sizeof *bits);
    const char *p = list;
    while (*p) {
        char *end;
        long lo = strtol(p, &end, 10), hi = lo;
        if (end == p)
            return -EINVAL;
        if (*end == '-')
            hi = strtol(end + 1, &end, 10);
        if (lo < 0 || hi < lo || hi >= nbits || (*end && *end != ','))
            return -EINVAL;
        for (long i = lo; i <= hi; i++)
            bits[i / per] |= 1UL << (i % per);
        p = *end == ',' ? end + 1 : end;
    }
    return 0;
}

void op_cpu_affinity(struct child *c, const struct shim_step *s)
{
    cpu_set_t set;
    if (parse_list(s->s[0], (unsigned long *)&set, CPU_SETSIZE) < 0)
        fail(c, EINVAL, "cpu list %s", s->s[0]);
    if (sched_setaffinity(0, sizeof set, &set) < 0)
        fail_op(c, errno, "sched_setaffinity %s", s->s[0]);
}

/* So that a process that is not root can reopen its stdio (say, a log
 * file linked to /dev/stdout): what runc does. Failures that mean "not
 * ours to change" (an unmapped owner, a read-only /dev) are skipped. */
void op_fix_stdio(struct child *c, const struct shim_step *s)
{
    uid_t uid = (uid_t)s->n[0];
    for (int fd = 0; fd <= 2; fd++) {
        struct stat st;
        if (fstat(fd, &st) < 0)
            continue;
        if (st.st_uid == uid || (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3)))
            continue;
        if (fchown(fd, uid, (gid_t)-1) < 0 && errno != EINVAL && errno != EPERM && errno != EROFS)
            fail(c, errno, "chown stdio fd %d to uid %u", fd, (unsigned)uid);
    }
}

/* stdio the caller gave as its /dev/null is a file on a host mount: CRIU
 * finds no such mount in the container and refuses to dump it. runc swaps
 * it for the container's own /dev/null; so does this. */
void op_reopen_dev_null(struct child *c, const struct shim_step *s)
{
    (void)s;
    int null = -1;
    for (int fd = 0; fd <= 2; fd++) {
        struct stat st;
        if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
            continue;
        if (null < 0) {
            null = open("/dev/null", O_RDWR | O_NOFOLLOW | O_CLOEXEC);
            if (null >= 0 && null <= 2) {    /* a closed stdio slot stays closed */
                int high = fcntl(null, F_DUPFD_CLOEXEC, 3);
                close(null);
                null = high;
            }
            if (null < 0)
                fail(c, errno, "open /dev/null in the container to replace stdio on the host's");
            struct stat own;
            if (fstat(null, &own) < 0 || !S_ISCHR(own.st_mode) || own.st_rdev != makedev(1, 3))
                fail(c, EINVAL, "/dev/null in the container is not the 1:3 device");
        }
        if (dup3(null, fd, 0) < 0)
            fail(c, errno, "dup3 /dev/null onto fd %d", fd);
    }
    if (null >= 0)
        close(null);
}

void op_mempolicy(struct child *c, const struct shim_step *s)
{
    unsigned long nodes[1024 / (8 * sizeof(unsigned long))];
    unsigned long maxnode = 0;
    if (s->s[0]) {
        if (parse_list(s->s[0], nodes, 1024) < 0)
            fail(c, EINVAL, "node list %s", s->s[0]);
        maxnode = 1024 + 1;    /* the kernel reads maxnode - 1 bits */
    }
    if (syscall(SYS_set_mempolicy, (int)s->n[0], s->s[0] ? nodes : NULL, maxnode) < 0)
        fail_op(c, errno, "set_mempolicy %s", s->s[0] ? s->s[0] : "");
}
