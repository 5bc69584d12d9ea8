#ifndef SWRUN_CSHIM_H
#define SWRUN_CSHIM_H

/*
 * The C side of swrun: raw syscalls Swift lacks, and the child-side
 * interpreter of a flat plan of primitive steps compiled by Swift.
 *
 * Every function returns a value >= 0 on success or -errno on failure.
 */

#include <stdint.h>
#include <signal.h>
#include <sys/types.h>

#include "shim_steps.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- raw syscalls ---------------------------------------------------- */

int shim_openat2(int dirfd, const char *path, uint64_t flags, uint64_t mode,
                 uint64_t resolve);
int shim_pidfd_open(pid_t pid);
int shim_pidfd_send_signal(int pidfd, int sig);
/* Number of threads of the calling process, from /proc/self/task. */
int shim_thread_count(void);
/* flock() with EINTR retry; op is LOCK_SH/LOCK_EX (| LOCK_NB). */
int shim_flock(int fd, int op);
/* waitpid() with EINTR retry; returns the pid or -errno. */
int shim_waitpid(pid_t pid, int *status, int options);
/* Makes this process non-dumpable and moves it into the user namespace at
 * path (setns): 0 or -errno. For good: a process cannot go back. */
int shim_join_user_namespace(const char *path);
/* prctl(PR_SET_CHILD_SUBREAPER, 1): 0 or -errno. */
int shim_set_child_subreaper(void);
/* Starts a child (sharing our memory) that writes text to path and
 * exits: pid or -errno. One at a time: reap it before the next. */
pid_t shim_spawn_write(const char *path, const char *text);
/*
 * Runs an OCI hook: path with argv and envp, the state JSON read from
 * state_fd (from its start) on its stdin, its stdout and stderr collected
 * (the last bytes kept in output), killed after timeout_s seconds (0: no
 * limit). 0 when it ran (res says how it ended), or -errno when it could
 * not be started. No signal is blocked in the hook.
 */
struct shim_hook_result {
    int status;          /* its wait status */
    int timed_out;       /* killed at the timeout */
    char output[1024];   /* the end of its output, NUL-terminated */
};
int shim_run_hook(const char *path, char *const argv[], char *const envp[], int state_fd, int timeout_s,
                  struct shim_hook_result *res);
/* Starts path (no PATH search) with argv and envp, fds[i] as its fd i
 * (-1: fd i as inherited), an empty signal mask, default dispositions and
 * SIGKILL as its parent-death signal: the pid or -errno. At most 64 fds. */
pid_t shim_spawn_fds(const char *path, char *const argv[], char *const envp[], const int *fds, int nfds);
/* Makes path inside the root at rootfd (O_PATH directory) as a mount
 * target is made: missing directories, then a directory or an empty file
 * (file != 0); no symlink leads out of the root. 0 or -errno. */
int shim_make_in_root(int rootfd, const char *path, int file);
/* rename(2) that fails with -EEXIST instead of replacing `to`. */
int shim_rename_noreplace(const char *from, const char *to);

/* statfs(2)'s f_type of path (a magic such as CGROUP2_SUPER_MAGIC), or -errno. */
long shim_fs_type(const char *path);
/* 1 when path (not followed) is the root of a mount, 0 when not, -errno
 * (-EOPNOTSUPP before Linux 5.8, whose statx cannot tell). */
int shim_is_mount_root(const char *path);
/* A close-on-exec signalfd for mask, and one read of it: the signal number. */
int shim_signalfd(const sigset_t *mask);
int shim_signalfd_read(int fd);
/* A user namespace with these id maps ("0 100000 65536\n" lines), as an
 * fd, for idmapped mounts. */
int shim_userns_fd(const char *uid_map, const char *gid_map);
/* Shifts the ids of the detached mount tree (from shim_mount_trees)
 * through the user namespace userns_fd (in its submounts too when
 * recursive): 0 or -errno. */
int shim_idmap_tree(int tree, int userns_fd, int recursive);
/* Detached copies (open_tree OPEN_TREE_CLONE, close-on-exec, with their
 * submounts when recursive[i]) of the mounts at sources[0..n-1] (bind
 * sources in a user namespace, idmapped mounts), cut with the host's
 * credentials; when locked, inside a mount namespace owned by a fresh
 * user namespace, so the flags of the host's mounts stay locked on them
 * (mount_source.c). 0 with fds[] filled, or -errno with *failed the
 * index of the source at fault (-1: none). At most 4096 sources. */
int shim_mount_trees(const char *const *sources, const int *recursive, int n, int locked, int *fds, int *failed);
/* An anonymous close-on-exec file (memfd_create). */
int shim_memfd(const char *name);
/* One message of len bytes with fd attached (SCM_RIGHTS): 0 or -errno. */
int shim_send_with_fd(int sock, int fd, const void *data, size_t len);
/* One message into data; *fd gets an attached fd or -1. Bytes or -errno. */
ssize_t shim_recv_with_fd(int sock, void *data, size_t len, int *fd);

/* ---- the plan -------------------------------------------------------- */

enum shim_op {
    SHIM_OP_NONE = 0,        /* no step: the ops count from 1 */
#define SHIM_OP_ENUM(name, handler) SHIM_OP_##name,
    SHIM_STEPS(SHIM_OP_ENUM)
#undef SHIM_OP_ENUM
};

/* How a mount target is created when missing. */
enum shim_create {
    SHIM_CREATE_NONE = 0,
    SHIM_CREATE_DIR = 1,
    SHIM_CREATE_FILE = 2,
    /* A directory if the mount's source (a path in the root) is one, else
     * a file: known only once the earlier mounts are made. */
    SHIM_CREATE_LIKE_SOURCE = 3,
};

/* SHIM_OP_CHDIR's n[0]: which attempt, as runc's init does it: first
 * with the runtime's credentials, then, if that was refused (EACCES,
 * EPERM), again once the process's uid is set. 0: a single attempt. */
enum shim_chdir {
    SHIM_CHDIR_FIRST = 1,     /* a refusal leaves it to SHIM_CHDIR_RETRY */
    SHIM_CHDIR_RETRY = 2,     /* only if the first attempt was refused */
};

struct shim_step {
    int32_t op;
    int32_t reserved;
    uint64_t flags;
    int64_t n[4];
    const char *s[4];
    const uint32_t *gids;
    const void *bpf;          /* struct sock_filter[] for SHIM_OP_SECCOMP */
    char *const *list[2];     /* NULL-terminated string arrays */
    uint64_t x[4];            /* more numbers, for steps that need them */
};

struct shim_plan {
    uint64_t clone_flags;     /* CLONE_NEW* flags for clone3 */
    int32_t pidns_fd;         /* -1, or a pid namespace to enter before clone */
    int32_t sync_fd;          /* the child's end of the socketpair */
    int32_t parent_sync_fd;   /* the parent's end: the child closes it */
    int32_t cgroup_fd;        /* -1, or a cgroup2 dir for CLONE_INTO_CGROUP */
    int32_t nsteps;
    int32_t nkeep_fds;
    const struct shim_step *steps;
    char *const *argv;        /* for SHIM_OP_EXEC */
    char *const *envp;
    const char *time_offsets; /* NULL, or offsets for a new time namespace */
    /* The fds above 2 the child may keep, ascending (the steps' fds, the
     * sync socket, preserved fds); it closes every other one first thing,
     * so no fd of the runtime's (state dir, lock, cgroup dir) enters the
     * container. */
    const int32_t *keep_fds;
};

enum shim_report_kind {
    SHIM_REPORT_READY = 1,
    SHIM_REPORT_ERROR = 2,
    SHIM_REPORT_SECCOMP_FD = 3, /* a seccomp listener fd rides along (SCM_RIGHTS) */
};

/* What the child sends over the socketpair: READY, or the failing step. */
struct shim_report {
    int32_t kind;
    int32_t step;             /* index into plan->steps */
    int32_t err;              /* errno */
    int32_t pid;              /* the child's pid as it sees itself */
    char detail[512];         /* the sub-operation and path at fault */
};

/*
 * Clones the child into the plan's new namespaces. In the parent returns
 * the child's pid (and its pidfd in *pidfd when non-NULL) or -errno. The
 * child never returns: it interprets the plan and execs or _exits.
 */
pid_t shim_spawn(const struct shim_plan *plan, int *pidfd);

/* exe_seal.c: the runtime binary behind a read-only mount */

/* 1 when /proc/self/exe lies on a read-only mount, 0 if not, or -errno. */
int shim_exe_is_sealed(void);
/* Re-executes this binary (argv, envp) from a detached read-only clone of
 * its mount; returns -errno only if that fails. */
int shim_reexec_sealed(char *const argv[], char *const envp[]);

/* bpf.c: cgroup device programs */

/* Loads count eBPF instructions (struct bpf_insn) as a
 * BPF_PROG_TYPE_CGROUP_DEVICE program; returns its close-on-exec fd. When
 * the verifier rejects it and log is not NULL, log holds its reasons. */
int shim_bpf_load_device_prog(const void *insns, uint32_t count, char *log, uint32_t log_size);
/* Attaches a loaded program to a cgroup2 directory as BPF_CGROUP_DEVICE;
 * flags are BPF_F_* attach flags (BPF_F_ALLOW_MULTI = 2). */
int shim_bpf_attach_cgroup(int cgroup_fd, int prog_fd, uint32_t flags);

/* netdev.c: moves host device host_name into the network namespace
 * netns_fd as new_name (a %d template lets the kernel pick), re-adds its
 * permanent global addresses there and sets it up. 0 or -errno. */
int shim_move_netdev(const char *host_name, const char *new_name, int netns_fd);

#ifdef __cplusplus
}
#endif

#endif
