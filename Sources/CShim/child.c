/*
 * The child side after clone: an interpreter of the flat plan compiled by
 * Swift. No Swift runs here. Each step is one primitive; the first failure
 * is reported to the parent as (step index, errno, detail) and ends the
 * child. The steps live by family in child_*.c; here are the dispatch,
 * the reports, the steps that talk to the parent or change namespaces,
 * and the clone.
 */
#include "child_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static void send_report(struct child *c, int kind, int err, const char *detail)
{
    struct shim_report r;
    memset(&r, 0, sizeof r);
    r.kind = kind;
    r.step = c->step;
    r.err = err;
    r.pid = getpid();
    if (detail)
        snprintf(r.detail, sizeof r.detail, "%s", detail);
    ssize_t n;
    do {
        n = send(c->plan->sync_fd, &r, sizeof r, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
}

__attribute__((noreturn))
static void vfail(struct child *c, int err, int send_detail, const char *fmt, va_list ap)
{
    char detail[512];
    vsnprintf(detail, sizeof detail, fmt, ap);
    send_report(c, SHIM_REPORT_ERROR, err, send_detail ? detail : NULL);
    /* Exiting with unread go bytes queued would make the parent's recv
     * fail with ECONNRESET instead of returning this report. */
    char drain[16];
    while (recv(c->plan->sync_fd, drain, sizeof drain, MSG_DONTWAIT) > 0) {}
    if (c->ready_sent) {
        /* Nobody waits on the socket after create returned: say it on stderr. */
        if (err)
            dprintf(2, "swrun: %s: %s\n", detail, strerror(err));
        else
            dprintf(2, "swrun: %s\n", detail);
    }
    _exit(127);
}

void fail(struct child *c, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(c, err, 1, fmt, ap);
    va_end(ap);
}

void fail_op(struct child *c, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(c, err, 0, fmt, ap);
    va_end(ap);
}

void op_sync_wait(struct child *c, const struct shim_step *s)
{
    char b;
    ssize_t n;
    do {
        n = read(c->plan->sync_fd, &b, 1);
    } while (n < 0 && errno == EINTR);
    if (n != 1)
        _exit(1); /* the parent is gone: nothing to report to */
}

void op_setns(struct child *c, const struct shim_step *s)
{
    if (setns((int)s->n[0], (int)s->n[1]) < 0)
        fail_op(c, errno, "setns %s", s->s[0] ? s->s[0] : "");
    close((int)s->n[0]);
}

void op_unshare(struct child *c, const struct shim_step *s)
{
    if (unshare((int)s->flags) < 0)
        fail_op(c, errno, "unshare 0x%llx", (unsigned long long)s->flags);
}

/*
 * The exec fifo is opened after READY: if RLIMIT_NOFILE (already the
 * container's) leaves no fd number free, the init would die after create
 * said it was created. Fail while create still listens.
 */
static void check_fd_room(struct child *c)
{
    for (int i = c->step + 1; i < c->plan->nsteps; i++) {
        if (c->plan->steps[i].op != SHIM_OP_WAIT_FIFO)
            continue;
        int probe = fcntl(c->plan->sync_fd, F_DUPFD_CLOEXEC, 0);
        if (probe < 0) {
            struct rlimit rl;
            getrlimit(RLIMIT_NOFILE, &rl);
            /* F_DUPFD says EINVAL when the limit is 0: open would say EMFILE. */
            fail(c, errno == EINVAL ? EMFILE : errno,
                 "process.rlimits: RLIMIT_NOFILE soft limit %llu leaves no fd free to open the exec fifo",
                 (unsigned long long)rl.rlim_cur);
        }
        close(probe);
        return;
    }
}

void op_ready(struct child *c, const struct shim_step *s)
{
    check_fd_room(c);
    send_report(c, SHIM_REPORT_READY, 0, NULL);
    c->ready_sent = 1;
}

typedef void step_handler(struct child *c, const struct shim_step *s);

static step_handler *const handlers[] = {
#define SHIM_STEP_HANDLER(name, handler) [SHIM_OP_##name] = handler,
    SHIM_STEPS(SHIM_STEP_HANDLER)
#undef SHIM_STEP_HANDLER
};

static void run_step(struct child *c, const struct shim_step *s)
{
    if (s->op <= 0 || (size_t)s->op >= sizeof handlers / sizeof handlers[0] || !handlers[s->op])
        fail(c, EINVAL, "unknown step op %d", s->op);
    handlers[s->op](c, s);
}

/* Closes every fd above 2 that is not in keep (ascending). */
static void close_all_but(struct child *c, const int32_t *keep, int n)
{
    unsigned first = 3;
    for (int i = 0; i <= n; i++) {
        unsigned next = i < n ? (unsigned)keep[i] : ~0U;
        if (i < n && next < first)
            continue;
        if (next > first && shim_close_range(first, next - 1, 0) < 0)
            fail(c, errno, "close_range %u-%u", first, next - 1);
        if (i < n)
            first = next + 1;
    }
}

__attribute__((noreturn))
static void child_main(const struct shim_plan *plan)
{
    struct child c = { .plan = plan, .step = -1, .rootfd = -1 };

    /* Else the parent's death would not end our read of the socket. */
    if (plan->parent_sync_fd >= 0)
        close(plan->parent_sync_fd);
    close_all_but(&c, plan->keep_fds, plan->nkeep_fds);

    /* Dispositions and the mask survive execve: start the child clean. */
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_UNBLOCK, &all, NULL);
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);
    /* Paths and device nodes get exactly the modes the plan asks for. */
    umask(0);

    for (c.step = 0; c.step < plan->nsteps; c.step++)
        run_step(&c, &plan->steps[c.step]);
    fail(&c, EINVAL, "plan ended without exec");
}
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

struct clone_args_v2 {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal;
    uint64_t stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

pid_t shim_spawn(const struct shim_plan *plan, int *pidfd_out)
{
    int ownpidns = -1;
    if (plan->pidns_fd >= 0) {
        /* Entering a pid namespace only moves our future children. */
        ownpidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
        if (ownpidns < 0)
            return -errno;
        if (setns(plan->pidns_fd, CLONE_NEWPID) < 0) {
            int e = -errno;
            close(ownpidns);
            return e;
        }
    }

    if (plan->time_offsets) {
        /* Offsets must be written before any process enters the namespace:
         * unshare it for our children, write them, then clone into it. */
        if (unshare(0x80 /* CLONE_NEWTIME */) < 0)
            return -errno;
        int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
        if (fd < 0)
            return -errno;
        size_t len = strlen(plan->time_offsets);
        ssize_t w = write(fd, plan->time_offsets, len);
        int e = w == (ssize_t)len ? 0 : -(w < 0 ? errno : EIO);
        close(fd);
        if (e < 0)
            return e;
    }

    /* The child is a copy of this process until its execve: it must not
     * be dumpable from its first instruction, else a process in the
     * container could open /proc/PID/exe (the host's swrun) or walk
     * /proc/PID/fd. The flag is copied by clone and reset by execve. */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        return -errno;

    int pidfd = -1;
    struct clone_args_v2 args;
    memset(&args, 0, sizeof args);
    args.flags = plan->clone_flags | CLONE_PIDFD;
    args.pidfd = (uint64_t)(uintptr_t)&pidfd;
    args.exit_signal = SIGCHLD;
    if (plan->cgroup_fd >= 0) {
        args.flags |= CLONE_INTO_CGROUP;
        args.cgroup = (uint64_t)plan->cgroup_fd;
    }
    long pid = syscall(SYS_clone3, &args, sizeof args);
    if (pid < 0 && plan->cgroup_fd >= 0 && errno != ENOSYS) {
        /* The cgroup refused the child (e.g. a threaded or busy domain):
         * the parent joins it through cgroup.procs instead. */
        args.flags &= ~CLONE_INTO_CGROUP;
        args.cgroup = 0;
        pid = syscall(SYS_clone3, &args, sizeof args);
    }
    if (pid < 0 && errno == ENOSYS) {
        pidfd = -1;
        pid = syscall(SYS_clone, (unsigned long)(plan->clone_flags & 0xffffffffULL) | SIGCHLD,
                      NULL, NULL, NULL, NULL);
    }
    int err = pid < 0 ? -errno : 0;
    if (pid == 0)
        child_main(plan);

    if (ownpidns >= 0) {
        setns(ownpidns, CLONE_NEWPID);
        close(ownpidns);
    }
    if (err < 0)
        return err;
    if (pidfd_out)
        *pidfd_out = pidfd;
    else if (pidfd >= 0)
        close(pidfd);
    return (pid_t)pid;
}
