#include "cshim.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

/*
 * posix_spawn with an fd map: fds[i] becomes the child's fd i. The sources
 * are first duplicated (close-on-exec) above every target, so a source that
 * is also a target is never clobbered, and dup2 onto a different number
 * clears close-on-exec on the target only. -1 keeps fd i as inherited
 * (stdio). Every other fd is close-on-exec already (the project's rule).
 */
pid_t shim_spawn_fds(const char *path, char *const argv[], char *const envp[], const int *fds, int nfds)
{
    if (nfds < 0 || nfds > 64)
        return -EINVAL;
    int tmp[64];
    int err = 0;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    for (int i = 0; i < nfds; i++) {
        tmp[i] = -1;
        if (fds[i] < 0)
            continue;
        tmp[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, nfds);
        if (tmp[i] < 0) {
            err = errno;
            goto out;
        }
        posix_spawn_file_actions_adddup2(&fa, tmp[i], i);
    }
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid = -1;
    err = posix_spawn(&pid, path, &fa, &attr, argv, envp);
out:
    for (int i = 0; i < nfds; i++)
        if (fds[i] >= 0 && tmp[i] >= 0)
            close(tmp[i]);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    return err ? -err : pid;
}
