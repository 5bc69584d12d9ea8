/* Hooks the init runs itself (createContainer, startContainer). */
#include "child_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
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

/*
 * A hook the init runs itself: the state JSON on its stdin, its stdout and
 * stderr collected (the last bytes go into the error), bounded by its
 * timeout. It is a child of the init, in the container's namespaces.
 */
void op_run_hook(struct child *c, const struct shim_step *s)
{
    const char *path = s->s[0];
    int out[2];
    if (pipe2(out, O_CLOEXEC) < 0)
        fail(c, errno, "pipe for hook %s", path);
    pid_t pid = fork();
    if (pid < 0)
        fail(c, errno, "fork for hook %s", path);
    if (pid == 0) {
        int state = (int)s->n[1];
        if (lseek(state, 0, SEEK_SET) < 0 || dup2(state, 0) < 0 || dup2(out[1], 1) < 0 || dup2(out[1], 2) < 0)
            _exit(126);
        execve(path, s->list[0], s->list[1]);
        dprintf(2, "exec: %s", strerror(errno));
        _exit(127);
    }
    close(out[1]);
    int pidfd = shim_pidfd_open(pid);
    char tail[200];
    size_t len = 0;
    long long deadline = s->n[0] > 0 ? now_ms() + s->n[0] * 1000 : -1;
    int exited = 0, open_out = 1, drains = 0;
    /* After the hook exits, only what it left in the pipe is read: a
     * child it left behind may hold the pipe open and keep writing. */
    while ((!exited || open_out) && drains < 64) {
        if (exited)
            drains++;
        struct pollfd fds[2] = { { open_out ? out[0] : -1, POLLIN, 0 }, { exited ? -1 : pidfd, POLLIN, 0 } };
        int wait = deadline < 0 ? -1 : (int)(deadline - now_ms());
        if (exited)
            wait = 0;    /* only drain what is already written */
        if (deadline >= 0 && wait < 0)
            wait = 0;
        int r = poll(fds, 2, wait);
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0 && exited)
            break;
        if (r == 0) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            fail(c, 0, "hook %s timed out after %lld s", path, (long long)s->n[0]);
        }
        if (fds[0].revents) {
            char buf[512];
            ssize_t n = read(out[0], buf, sizeof buf);
            if (n <= 0) {
                open_out = 0;
            } else {
                /* Keep the last bytes: where a failing tool says why. */
                for (ssize_t i = 0; i < n; i++) {
                    if (len == sizeof tail - 1) {
                        memmove(tail, tail + 1, len - 1);
                        len--;
                    }
                    tail[len++] = buf[i] == '\n' ? ' ' : buf[i];
                }
            }
        }
        if (fds[1].revents || pidfd < 0)
            exited = 1;
    }
    close(out[0]);
    if (pidfd >= 0)
        close(pidfd);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    while (len > 0 && tail[len - 1] == ' ')
        len--;
    tail[len] = '\0';
    if (WIFSIGNALED(status))
        fail(c, 0, "hook %s killed by signal %d%s%s", path, WTERMSIG(status), len ? ": " : "", tail);
    if (WEXITSTATUS(status) != 0)
        fail(c, 0, "hook %s exited with status %d%s%s", path, WEXITSTATUS(status), len ? ": " : "", tail);
}
