/*
 * One OCI hook run: used by Swift's HookRunner (prestart, createRuntime,
 * poststart, poststop, in the runtime's namespaces) and by the child's
 * SHIM_OP_RUN_HOOK step (createContainer, startContainer, which the init
 * runs in the container's namespaces). The spawn, the timeout, the kill
 * and the wait live here only.
 */
#include "cshim.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static pid_t spawn_hook(const char *path, char *const argv[], char *const envp[], int state_fd, int out)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    if (state_fd >= 0)
        posix_spawn_file_actions_adddup2(&fa, state_fd, 0);
    posix_spawn_file_actions_adddup2(&fa, out, 1);
    posix_spawn_file_actions_adddup2(&fa, out, 2);
    /* swrun run blocks signals for its wait loop: the hook gets none blocked. */
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
    pid_t pid;
    int r = posix_spawn(&pid, path, &fa, &attr, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    return r ? -r : pid;
}

/* Keeps the last bytes of the output: where a failing tool says why. */
static void keep_tail(struct shim_hook_result *res, size_t *len, const char *buf, size_t n)
{
    const size_t cap = sizeof res->output - 1;
    if (n >= cap) {
        memcpy(res->output, buf + n - cap, cap);
        *len = cap;
        return;
    }
    if (*len + n > cap) {
        size_t drop = *len + n - cap;
        memmove(res->output, res->output + drop, *len - drop);
        *len -= drop;
    }
    memcpy(res->output + *len, buf, n);
    *len += n;
}

int shim_run_hook(const char *path, char *const argv[], char *const envp[], int state_fd, int timeout_s,
                  struct shim_hook_result *res)
{
    memset(res, 0, sizeof *res);
    if (state_fd >= 0 && lseek(state_fd, 0, SEEK_SET) < 0)
        return -errno;
    int out[2];
    if (pipe2(out, O_CLOEXEC) < 0)
        return -errno;
    pid_t pid = spawn_hook(path, argv, envp, state_fd, out[1]);
    close(out[1]);
    if (pid < 0) {
        close(out[0]);
        return pid;
    }
    int pidfd = shim_pidfd_open(pid);
    size_t len = 0;
    long long deadline = timeout_s > 0 ? now_ms() + (long long)timeout_s * 1000 : -1;
    int exited = 0, reaped = 0, open_out = 1, drains = 0, status = 0;
    /* After the hook exits, only what it left in the pipe is read: a
     * child it left behind may hold the pipe open and keep writing. */
    while ((!exited || open_out) && drains < 64) {
        if (exited)
            drains++;
        struct pollfd fds[2] = { { open_out ? out[0] : -1, POLLIN, 0 },
                                 { exited || pidfd < 0 ? -1 : pidfd, POLLIN, 0 } };
        long long wait = exited ? 0 : deadline < 0 ? -1 : deadline - now_ms();
        if (deadline >= 0 && wait < 0)
            wait = 0;
        if (!exited && pidfd < 0 && (wait < 0 || wait > 20))
            wait = 20;  /* no pidfd (old kernel): look with waitpid */
        int r = poll(fds, 2, (int)wait);
        if (r < 0 && errno == EINTR)
            continue;
        if (!exited && pidfd < 0 && shim_waitpid(pid, &status, WNOHANG) == pid)
            exited = reaped = 1;
        if (r == 0 && exited)
            break;
        if (r <= 0 && !exited && deadline >= 0 && now_ms() >= deadline) {
            kill(pid, SIGKILL);
            shim_waitpid(pid, &status, 0);
            res->timed_out = 1;
            res->status = status;
            reaped = 1;
            break;
        }
        if (r > 0 && fds[0].revents) {
            char buf[512];
            ssize_t n = read(out[0], buf, sizeof buf);
            if (n <= 0)
                open_out = 0;
            else
                keep_tail(res, &len, buf, (size_t)n);
        }
        if (r > 0 && fds[1].revents)
            exited = 1;
    }
    close(out[0]);
    if (pidfd >= 0)
        close(pidfd);
    if (!reaped)
        shim_waitpid(pid, &status, 0);
    res->output[len] = '\0';
    if (!res->timed_out)
        res->status = status;
    return 0;
}
