#include "cshim.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * fork + execve with an fd map: fds[i] becomes the child's fd i. The
 * sources are first duplicated (close-on-exec) above every target, so a
 * source that is also a target is never clobbered, and dup2 onto a
 * different number clears close-on-exec on the target only. -1 keeps fd i
 * as inherited (stdio). Every other fd is close-on-exec already (the
 * project's rule). The child dies with SIGKILL when the caller dies:
 * CRIU left running by a killed swrun would hold the container it dumps.
 * An exec failure comes back as -errno through a close-on-exec pipe.
 */
pid_t shim_spawn_fds(const char *path, char *const argv[], char *const envp[], const int *fds, int nfds)
{
    if (nfds < 0 || nfds > 64)
        return -EINVAL;
    int tmp[64];
    int err = 0;
    int report[2] = {-1, -1};
    pid_t pid = -1;
    for (int i = 0; i < nfds; i++)
        tmp[i] = -1;
    for (int i = 0; i < nfds; i++) {
        if (fds[i] < 0)
            continue;
        tmp[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, nfds);
        if (tmp[i] < 0) {
            err = errno;
            goto out;
        }
    }
    if (pipe2(report, O_CLOEXEC) < 0) {
        err = errno;
        goto out;
    }
    pid_t parent = getpid();
    pid = fork();
    if (pid < 0) {
        err = errno;
        goto out;
    }
    if (pid == 0) {
        int e = 0;
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
            _exit(127);
        for (int i = 0; i < nfds && !e; i++)
            if (tmp[i] >= 0 && dup2(tmp[i], i) < 0)
                e = errno;
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        for (int sig = 1; sig < NSIG; sig++)
            if (sig != SIGKILL && sig != SIGSTOP)
                signal(sig, SIG_DFL);
        if (!e) {
            execve(path, argv, envp);
            e = errno;
        }
        (void)!write(report[1], &e, sizeof e);
        _exit(127);
    }
    close(report[1]);
    report[1] = -1;
    int child_err = 0;
    ssize_t n;
    do
        n = read(report[0], &child_err, sizeof child_err);
    while (n < 0 && errno == EINTR);
    if (n == sizeof child_err) {
        err = child_err ? child_err : EIO;
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
out:
    for (int i = 0; i < nfds; i++)
        if (tmp[i] >= 0)
            close(tmp[i]);
    if (report[0] >= 0)
        close(report[0]);
    if (report[1] >= 0)
        close(report[1]);
    return err ? -err : pid;
}
