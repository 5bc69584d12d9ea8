/*
 * What the files of the child's interpreter share (child*.c): its state,
 * the failure report, path resolution inside the root, mount helpers, and
 * one handler per step (shim_steps.h).
 */
#ifndef SWRUN_CHILD_INTERNAL_H
#define SWRUN_CHILD_INTERNAL_H

#include "cshim.h"
#include "shim_internal.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#pragma GCC visibility push(hidden)

struct child {
    const struct shim_plan *plan;
    int step;
    int rootfd;              /* the container root, O_PATH */
    int ready_sent;
    /* SHIM_OP_MASK_SOURCE: a read-only mount of the host's /dev/null,
     * detached (null_state 1) until the first masked file gets it
     * itself, attached (2) after: later masks get copies of it. */
    int null_tree;
    int null_state;
    int cwd_refused;         /* SHIM_CHDIR_FIRST was refused: retry it */
    char exec_path[PATH_MAX];
};

/* child.c: reports (step, err, detail) to the parent and ends the child. */
__attribute__((noreturn, format(printf, 3, 4)))
void fail(struct child *c, int err, const char *fmt, ...);
/* The same when the failing call is the step's own operation: the parent
 * names the step (operation, path, flags), so no detail is sent; fmt says
 * it on stderr only when the failure comes after READY. */
__attribute__((noreturn, format(printf, 3, 4)))
void fail_op(struct child *c, int err, const char *fmt, ...);

/* One handler per step, named in shim_steps.h. */
#define SHIM_STEP_DECLARE(name, handler) \
    void handler(struct child *c, const struct shim_step *s);
SHIM_STEPS(SHIM_STEP_DECLARE)
#undef SHIM_STEP_DECLARE

static inline void fdpath(char *buf, size_t len, int fd)
{
    snprintf(buf, len, "/proc/self/fd/%d", fd);
}

static inline const char *skip_slashes(const char *p)
{
    while (*p == '/')
        p++;
    return p;
}

/* child_root.c: paths inside the container's root */

int open_in_root(struct child *c, const char *path, uint64_t oflags);
int resolve_create(struct child *c, const char *path, int create, const char **what);
int path_in_root(struct child *c, const char *path, int create, char *out, size_t outlen);
int open_parent_in_root(struct child *c, const char *path, const char **base, const char *role);
int lstat_at(int dfd, const char *base, struct stat *st);
int remove_at(int dfd, const char *base, const struct stat *st);

/* child_mount.c: the new mount API on fds */

int move_mount_fd(int from, int to);
int add_mount_attrs(int fd, uint64_t attrs);
int bind_fd(int src, int target, uint64_t attrs);

#pragma GCC visibility pop

#endif
