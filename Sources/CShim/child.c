/*
 * The child side after clone: an interpreter of the flat plan compiled by
 * Swift. No Swift runs here. Each step is one primitive; the first failure
 * is reported to the parent as (step index, errno, detail) and ends the
 * child.
 */
#include "cshim.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/statvfs.h>
#include <sys/statfs.h>
#include <grp.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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
    char exec_path[PATH_MAX];
};

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

__attribute__((noreturn, format(printf, 3, 4)))
static void fail(struct child *c, int err, const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    send_report(c, SHIM_REPORT_ERROR, err, detail);
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

static void fdpath(char *buf, size_t len, int fd)
{
    snprintf(buf, len, "/proc/self/fd/%d", fd);
}

static const char *skip_slashes(const char *p)
{
    while (*p == '/')
        p++;
    return p;
}

/* Resolves path inside the root; symlinks cannot lead out of it. */
static int open_in_root(struct child *c, const char *path, uint64_t oflags)
{
    const char *rel = skip_slashes(path);
    if (*rel == '\0')
        rel = ".";
    return shim_openat2(c->rootfd, rel, O_PATH | O_CLOEXEC | oflags, 0,
                        RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

/*
 * Resolves path inside the root, creating missing components: directories
 * along the way, and a directory or an empty file at the end. Returns an
 * O_PATH fd or -errno; on failure *what names the sub-operation.
 */
static int resolve_create(struct child *c, const char *path, int create,
                          const char **what)
{
    *what = "openat2";
    int fd = open_in_root(c, path, 0);
    if (fd != -ENOENT || create == SHIM_CREATE_NONE)
        return fd;

    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", skip_slashes(path)) >= (int)sizeof buf)
        return -ENAMETOOLONG;
    /* A dangling symlink on the way is followed, inside the root, and what
     * it points to is created: the walk restarts on the new path. */
    for (int hops = 0; hops < 40; hops++) {
        size_t len = strlen(buf);
        while (len > 0 && buf[len - 1] == '/')
            buf[--len] = '\0';
        /* Start below the deepest ancestor that resolves: usually only
         * the last component is missing. */
        int parent = -ENOENT;
        char *comp = buf;
        for (char *s = strrchr(buf, '/'); s != NULL; ) {
            *s = '\0';
            parent = open_in_root(c, buf, 0);
            *s = '/';
            if (parent >= 0) {
                comp = s + 1;
                break;
            }
            if (parent != -ENOENT)
                return parent;
            char *prev = s;
            while (prev > buf && prev[-1] != '/')
                prev--;
            s = prev > buf ? prev - 1 : NULL;
        }
        if (parent < 0)
            parent = open_in_root(c, "/", O_DIRECTORY);
        if (parent < 0)
            return parent;
        int restart = 0;
        for (;;) {
            char *slash = strchr(comp, '/');
            int last = slash == NULL;
            if (!last)
                *slash = '\0';
            int next = open_in_root(c, buf, 0);
            if (next == -ENOENT) {
                char link[PATH_MAX];
                ssize_t n = readlinkat(parent, comp, link, sizeof link - 1);
                if (n >= 0) {
                    link[n] = '\0';
                    char rebuilt[PATH_MAX];
                    int dirlen = (int)(comp - buf);
                    const char *rest = last ? "" : slash + 1;
                    int w = link[0] == '/'
                        ? snprintf(rebuilt, sizeof rebuilt, "%s%s%s", skip_slashes(link), *rest ? "/" : "", rest)
                        : snprintf(rebuilt, sizeof rebuilt, "%.*s%s%s%s", dirlen, buf, link, *rest ? "/" : "", rest);
                    close(parent);
                    if (w >= (int)sizeof rebuilt)
                        return -ENAMETOOLONG;
                    memcpy(buf, rebuilt, (size_t)w + 1);
                    restart = 1;
                    break;
                }
                int r;
                if (last && create == SHIM_CREATE_FILE) {
                    *what = "create file";
                    r = openat(parent, comp, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
                    if (r >= 0)
                        close(r);
                } else {
                    *what = "mkdirat";
                    r = mkdirat(parent, comp, 0755);
                }
                if (r < 0 && errno != EEXIST) {
                    int e = -errno;
                    close(parent);
                    return e;
                }
                *what = "openat2";
                next = open_in_root(c, buf, 0);
            }
            close(parent);
            if (next < 0)
                return next;
            if (last)
                return next;
            *slash = '/';
            comp = slash + 1;
            parent = next;
        }
        if (!restart)
            break;
    }
    return -ELOOP;
}

static int path_in_root(struct child *c, const char *path, int create,
                        char *out, size_t outlen)
{
    const char *what;
    int fd = resolve_create(c, path, create, &what);
    if (fd < 0)
        fail(c, -fd, "%s %s (inside the rootfs)", what, path);
    fdpath(out, outlen, fd);
    return fd;
}

static unsigned long locked_flags(int fd)
{
    struct statfs st;
    if (fstatfs(fd, &st) < 0)
        return 0;
    unsigned long f = 0;
    if (st.f_flags & ST_RDONLY) f |= MS_RDONLY;
    if (st.f_flags & ST_NOSUID) f |= MS_NOSUID;
    if (st.f_flags & ST_NODEV) f |= MS_NODEV;
    if (st.f_flags & ST_NOEXEC) f |= MS_NOEXEC;
    if (st.f_flags & ST_NOATIME) f |= MS_NOATIME;
    if (st.f_flags & ST_NODIRATIME) f |= MS_NODIRATIME;
    if (st.f_flags & ST_RELATIME) f |= MS_RELATIME;
    return f;
}

/* Copies a directory tree (tmpcopyup): entries, modes, owners, links. */
static int copy_tree(int src, int dst, int depth)
{
    if (depth > 64)
        return -ELOOP;
    int dupfd = dup(src);
    if (dupfd < 0)
        return -errno;
    DIR *d = fdopendir(dupfd);
    if (!d) {
        close(dupfd);
        return -errno;
    }
    int r = 0;
    struct dirent *e;
    while (r == 0 && (e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        if (!strcmp(n, ".") || !strcmp(n, ".."))
            continue;
        struct stat st;
        if (fstatat(src, n, &st, AT_SYMLINK_NOFOLLOW) < 0) { r = -errno; break; }
        mode_t perm = st.st_mode & 07777;
        if (S_ISDIR(st.st_mode)) {
            if (mkdirat(dst, n, perm) < 0 && errno != EEXIST) { r = -errno; break; }
            int s2 = openat(src, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            int d2 = openat(dst, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (s2 < 0 || d2 < 0)
                r = -errno;
            else
                r = copy_tree(s2, d2, depth + 1);
            if (s2 >= 0) close(s2);
            if (d2 >= 0) close(d2);
        } else if (S_ISREG(st.st_mode)) {
            int in = openat(src, n, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
            int out = in < 0 ? -1 : openat(dst, n, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, perm);
            if (in < 0 || out < 0) {
                r = -errno;
            } else {
                char buf[65536];
                ssize_t k;
                while ((k = read(in, buf, sizeof buf)) > 0)
                    if (write(out, buf, (size_t)k) != k) { k = -1; break; }
                if (k < 0)
                    r = -errno;
            }
            if (in >= 0) close(in);
            if (out >= 0) close(out);
        } else if (S_ISLNK(st.st_mode)) {
            char target[PATH_MAX];
            ssize_t k = readlinkat(src, n, target, sizeof target - 1);
            if (k < 0) { r = -errno; break; }
            target[k] = '\0';
            if (symlinkat(target, dst, n) < 0) r = -errno;
        } else if (mknodat(dst, n, st.st_mode, st.st_rdev) < 0) {
            r = -errno;
        }
        if (r == 0 && fchownat(dst, n, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
            r = -errno;
    }
    closedir(d);
    return r;
}

static int open_dir_of(int pathfd)
{
    char p[64];
    fdpath(p, sizeof p, pathfd);
    return open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/*
 * procfs and sysfs go on an ordinary directory reached through no symlink
 * (CVE-2019-19921): a /proc planted as a symlink lets another container that
 * shares the volume swap what the runtime and the LSM later take for /proc.
 */
static void check_kernel_fs_target(struct child *c, const char *path, const char *fstype)
{
    const char *rel = skip_slashes(path);
    int fd = shim_openat2(c->rootfd, *rel ? rel : ".", O_PATH | O_NOFOLLOW | O_CLOEXEC, 0,
                          RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS);
    if (fd == -ENOENT)
        return;
    if (fd == -ELOOP)
        fail(c, ELOOP, "%s must be mounted on an ordinary directory: a component of %s is a symlink", fstype, path);
    if (fd < 0)
        fail(c, -fd, "openat2 %s", path);
    struct stat st;
    int r = fstat(fd, &st) < 0 ? -errno : 0;
    close(fd);
    if (r < 0)
        fail(c, -r, "fstat %s", path);
    if (!S_ISDIR(st.st_mode))
        fail(c, S_ISLNK(st.st_mode) ? ELOOP : ENOTDIR,
             "%s must be mounted on an ordinary directory: %s is %s", fstype, path,
             S_ISLNK(st.st_mode) ? "a symlink" : "not a directory");
}

static void op_mount(struct child *c, const struct shim_step *s)
{
    char target[64], source[64];
    const char *src = s->s[0];
    int sfd = -1;
    if (s->s[2] && (strcmp(s->s[2], "proc") == 0 || strcmp(s->s[2], "sysfs") == 0))
        check_kernel_fs_target(c, s->s[1], s->s[2]);
    if (src && s->n[1]) {
        /* A source inside the container root (e.g. /dev/null after pivot). */
        sfd = path_in_root(c, src, SHIM_CREATE_NONE, source, sizeof source);
        src = source;
    }
    int fd = path_in_root(c, s->s[1], (int)s->n[0], target, sizeof target);
    int old = -1;
    if (s->n[2] && (old = open_dir_of(fd)) < 0)
        fail(c, errno, "open %s to copy it up", s->s[1]);
    if (mount(src, target, s->s[2], s->flags, s->s[3]) < 0)
        fail(c, errno, "mount %s on %s", s->s[0] ? s->s[0] : "(none)", s->s[1]);
    close(fd);
    if (old >= 0) {
        /* The old fd still sees the directory under the new mount. */
        int nfd = path_in_root(c, s->s[1], SHIM_CREATE_NONE, target, sizeof target);
        int fresh = open_dir_of(nfd);
        if (fresh < 0)
            fail(c, errno, "open the new mount on %s", s->s[1]);
        struct stat st;
        int r = fstat(old, &st) < 0 ? -errno : copy_tree(old, fresh, 0);
        if (r == 0 && (fchmod(fresh, st.st_mode & 07777) < 0 || fchown(fresh, st.st_uid, st.st_gid) < 0))
            r = -errno;
        if (r < 0)
            fail(c, -r, "copy the content of %s into its tmpfs (tmpcopyup)", s->s[1]);
        close(fresh);
        close(nfd);
        close(old);
    }
    if (sfd >= 0)
        close(sfd);
}

struct mount_attr_args {
    uint64_t attr_set, attr_clr, propagation, userns_fd;
};

static void op_mount_setattr(struct child *c, const struct shim_step *s)
{
    char target[64];
    int fd = path_in_root(c, s->s[1], SHIM_CREATE_NONE, target, sizeof target);
    struct mount_attr_args attr = {
        .attr_set = (uint64_t)s->n[0], .attr_clr = (uint64_t)s->n[1],
    };
    unsigned flags = AT_EMPTY_PATH | (s->flags ? AT_RECURSIVE : 0);
    if (syscall(SYS_mount_setattr, fd, "", flags, &attr, sizeof attr) < 0)
        fail(c, errno, "mount_setattr %s (set 0x%llx, clear 0x%llx)", s->s[1],
             (unsigned long long)s->n[0], (unsigned long long)s->n[1]);
    close(fd);
}

static void op_move_mount(struct child *c, const struct shim_step *s)
{
    char target[64];
    int fd = path_in_root(c, s->s[1], (int)s->n[1], target, sizeof target);
    if (syscall(SYS_move_mount, (int)s->n[0], "", fd, "",
                0x00000004 /* MOVE_MOUNT_F_EMPTY_PATH */ | 0x00000040 /* MOVE_MOUNT_T_EMPTY_PATH */) < 0)
        fail(c, errno, "attach the idmapped mount on %s", s->s[1]);
    close(fd);
    close((int)s->n[0]);
}

static void op_remount(struct child *c, const struct shim_step *s)
{
    char target[64];
    int fd = path_in_root(c, s->s[1], SHIM_CREATE_NONE, target, sizeof target);
    unsigned long f = MS_REMOUNT | MS_BIND | s->flags | locked_flags(fd);
    if (mount(NULL, target, NULL, f, NULL) < 0)
        fail(c, errno, "remount %s", s->s[1]);
    close(fd);
}

/* The new mount API, under names of our own: glibc's <sys/mount.h> may or
 * may not define them, and <linux/mount.h> clashes with it. */
#define SHIM_OPEN_TREE_CLONE 1
#define SHIM_MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#define SHIM_MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#define SHIM_MOUNT_ATTR_RDONLY 0x00000001
#define SHIM_MOUNT_ATTR_NOSUID 0x00000002
#define SHIM_MOUNT_ATTR_NODEV 0x00000004
#define SHIM_MOUNT_ATTR_NOEXEC 0x00000008
#define SHIM_FSOPEN_CLOEXEC 0x00000001
#define SHIM_FSMOUNT_CLOEXEC 0x00000001
#define SHIM_FSCONFIG_SET_FLAG 0
#define SHIM_FSCONFIG_SET_STRING 1
#define SHIM_FSCONFIG_CMD_CREATE 6
#define SHIM_MASK_ATTRS (SHIM_MOUNT_ATTR_RDONLY | SHIM_MOUNT_ATTR_NOSUID | SHIM_MOUNT_ATTR_NOEXEC)

/* Attaches the mount fd `from` (detached) onto the file or directory fd
 * `to`: 0 or -errno. No path is looked up, in /proc or elsewhere. */
static int move_mount_fd(int from, int to)
{
    if (syscall(SYS_move_mount, from, "", to, "",
                SHIM_MOVE_MOUNT_F_EMPTY_PATH | SHIM_MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return -errno;
    return 0;
}

/* mount_setattr(2) adding attrs to the one mount at fd: 0 or -errno. */
static int add_mount_attrs(int fd, uint64_t attrs)
{
    struct mount_attr_args attr = { .attr_set = attrs };
    if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
        return -errno;
    return 0;
}

/* Binds what the fd src is (a file, a device, a pty: any fd, its mount
 * in our namespace) onto the fd target, with attrs added to the new
 * mount: open_tree(OPEN_TREE_CLONE) + move_mount. 0 or -errno. */
static int bind_fd(int src, int target, uint64_t attrs)
{
    int tree = (int)syscall(SYS_open_tree, src, "", SHIM_OPEN_TREE_CLONE | AT_EMPTY_PATH | O_CLOEXEC);
    if (tree < 0)
        return -errno;
    int r = attrs ? add_mount_attrs(tree, attrs) : 0;
    if (r == 0)
        r = move_mount_fd(tree, target);
    close(tree);
    return r;
}

/* Is st the node wanted: the type bits of mode, and for a device dev. */
static int is_node(const struct stat *st, mode_t mode, dev_t dev)
{
    if ((st->st_mode & S_IFMT) != (mode & S_IFMT))
        return 0;
    return S_ISCHR(mode) || S_ISBLK(mode) ? st->st_rdev == dev : 1;
}

static const char *file_kind(mode_t m)
{
    switch (m & S_IFMT) {
    case S_IFLNK: return "a symlink";
    case S_IFREG: return "a regular file";
    case S_IFDIR: return "a directory";
    case S_IFCHR: return "a character device";
    case S_IFBLK: return "a block device";
    case S_IFIFO: return "a fifo";
    case S_IFSOCK: return "a socket";
    }
    return "an unknown file type";
}

/* Opens path and checks it is the node wanted (the type of mode, and dev
 * for a device); else fails the step with err, naming what it found. */
static int open_node(struct child *c, const char *path, int flags, mode_t mode, dev_t dev,
                     const char *label, int err)
{
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0)
        fail(c, errno, "open %s", label);
    struct stat st;
    if (fstat(fd, &st) < 0)
        fail(c, errno, "stat %s", label);
    if (!is_node(&st, mode, dev))
        fail(c, err, "%s is %s, not the device %u:%u", label, file_kind(st.st_mode), major(dev), minor(dev));
    return fd;
}

/* lstat of base in the directory fd dfd: 1 (and *st), 0 when missing, or
 * -errno. */
static int lstat_at(int dfd, const char *base, struct stat *st)
{
    if (fstatat(dfd, base, st, AT_SYMLINK_NOFOLLOW) == 0)
        return 1;
    return errno == ENOENT ? 0 : -errno;
}

/* Removes base from the directory fd dfd, never following it (a symlink
 * goes, not what it points to); a directory only when empty. */
static int remove_at(int dfd, const char *base, const struct stat *st)
{
    if (unlinkat(dfd, base, S_ISDIR(st->st_mode) ? AT_REMOVEDIR : 0) < 0)
        return -errno;
    return 0;
}

/* An empty regular file base in dfd, to mount a file onto: 0 or -errno. */
static int create_empty_file(int dfd, const char *base, mode_t mode)
{
    int fd = openat(dfd, base, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0)
        return -errno;
    close(fd);
    return 0;
}

/*
 * Before pivot_root, while "/dev/null" is still the host's: open it
 * without following a symlink, check that it is the character device
 * 1:3, and keep a detached, read-only copy of its mount. Masks bind that,
 * never a path the image could have made a symlink (CVE-2025-31133). The
 * old root's mounts are gone after pivot_root, and a bind from one of
 * them fails: hence the detached copy, made now.
 */
static void op_mask_source(struct child *c)
{
    int fd = open_node(c, "/dev/null", O_PATH | O_NOFOLLOW, S_IFCHR, makedev(1, 3),
                       "the host's /dev/null (to mask paths with)", ENODEV);
    int tree = (int)syscall(SYS_open_tree, fd, "", SHIM_OPEN_TREE_CLONE | AT_EMPTY_PATH | O_CLOEXEC);
    if (tree < 0)
        fail(c, errno, "open_tree the host's /dev/null");
    close(fd);
    /* Read-only: the container must not chmod or chown the host's node
     * through a masked path; writes to the device itself still go to
     * /dev/null, as they do for any mount of it. */
    int r = add_mount_attrs(tree, SHIM_MASK_ATTRS);
    if (r < 0)
        fail(c, -r, "make the copy of the host's /dev/null read-only");
    c->null_tree = tree;
    c->null_state = 1;
}

/* A read-only tmpfs on the directory fd target: 0 or -errno. */
static int mask_dir(int target)
{
    int fs = (int)syscall(SYS_fsopen, "tmpfs", SHIM_FSOPEN_CLOEXEC);
    if (fs < 0)
        return -errno;
    int r = 0;
    if (syscall(SYS_fsconfig, fs, SHIM_FSCONFIG_SET_STRING, "source", "tmpfs", 0) < 0 ||
        syscall(SYS_fsconfig, fs, SHIM_FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0 ||
        syscall(SYS_fsconfig, fs, SHIM_FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
        r = -errno;
    } else {
        int m = (int)syscall(SYS_fsmount, fs, SHIM_FSMOUNT_CLOEXEC, SHIM_MASK_ATTRS | SHIM_MOUNT_ATTR_NODEV);
        if (m < 0) {
            r = -errno;
        } else {
            r = move_mount_fd(m, target);
            close(m);
        }
    }
    close(fs);
    return r;
}

/* The host's /dev/null (op_mask_source) on the fd target: 0 or -errno. */
static int mask_file(struct child *c, int target)
{
    if (c->null_state == 0)
        return -EBADF;
    if (c->null_state == 2)
        return bind_fd(c->null_tree, target, SHIM_MASK_ATTRS);
    /* Still detached: attach it. Only an attached mount can be copied on
     * every kernel, so the next masks copy this one. */
    int r = move_mount_fd(c->null_tree, target);
    if (r == 0)
        c->null_state = 2;
    return r;
}

static void op_mask(struct child *c, const struct shim_step *s)
{
    const char *what;
    int fd = resolve_create(c, s->s[1], SHIM_CREATE_NONE, &what);
    if (fd == -ENOENT)
        return;
    if (fd < 0)
        fail(c, -fd, "%s %s (masked path)", what, s->s[1]);
    struct stat st;
    if (fstat(fd, &st) < 0)
        fail(c, errno, "stat %s (masked path)", s->s[1]);
    int dir = S_ISDIR(st.st_mode);
    int r = dir ? mask_dir(fd) : mask_file(c, fd);
    if (r == -EBADF && !dir)
        fail(c, EBADF, "mask %s: no /dev/null was opened before pivot_root", s->s[1]);
    if (r < 0)
        fail(c, -r, "mask %s with %s", s->s[1], dir ? "a read-only tmpfs" : "the host's /dev/null");
    close(fd);
}

static void op_readonly(struct child *c, const struct shim_step *s)
{
    const char *what;
    int fd = resolve_create(c, s->s[1], SHIM_CREATE_NONE, &what);
    if (fd == -ENOENT)
        return;
    if (fd < 0)
        fail(c, -fd, "%s %s (readonly path)", what, s->s[1]);
    char target[64];
    fdpath(target, sizeof target, fd);
    if (mount(target, target, NULL, MS_BIND | MS_REC, NULL) < 0)
        fail(c, errno, "bind %s onto itself (readonly path)", s->s[1]);
    close(fd);
    op_remount(c, &(struct shim_step){ .s = { NULL, s->s[1] }, .flags = MS_RDONLY });
}

static void split_parent(struct child *c, const char *path, char *dir,
                         const char **base)
{
    snprintf(dir, PATH_MAX, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash[1] == '\0')
        fail(c, EINVAL, "bad path %s", path);
    *base = path + (slash - dir) + 1;
    if (slash == dir)
        slash[1] = '\0';
    else
        *slash = '\0';
}

/*
 * A device node the container gets (the default six, linux.devices). What
 * the image has at the path is kept only if it already is that device: a
 * symlink, a file or another device there is removed (the link itself,
 * never what it points to) and the node made anew, so that nothing later
 * (a mask binding /dev/null, the container's own writes) follows it
 * somewhere else.
 */
static void op_mknod(struct child *c, const struct shim_step *s)
{
    char dir[PATH_MAX];
    const char *base, *what;
    mode_t mode = (mode_t)s->n[0];
    dev_t dev = (dev_t)s->n[1];
    split_parent(c, s->s[1], dir, &base);
    int dfd = resolve_create(c, dir, SHIM_CREATE_DIR, &what);
    if (dfd < 0)
        fail(c, -dfd, "%s %s (device parent)", what, dir);
    struct stat st;
    int r = lstat_at(dfd, base, &st);
    if (r < 0)
        fail(c, -r, "stat %s", s->s[1]);
    if (r == 1 && !is_node(&st, mode, dev)) {
        r = remove_at(dfd, base, &st);
        if (r < 0)
            fail(c, -r, "remove %s (%s in the rootfs, not the device %u:%u) to replace it",
                 s->s[1], file_kind(st.st_mode), major(dev), minor(dev));
    }
    if (r == 0 && mknodat(dfd, base, mode, dev) < 0)
        fail(c, errno, "mknod %s", s->s[1]);
    if (fchownat(dfd, base, (uid_t)s->n[2], (gid_t)s->n[3], AT_SYMLINK_NOFOLLOW) < 0)
        fail(c, errno, "chown %s", s->s[1]);
    close(dfd);
}

/*
 * The file `name` in dfd (shown as path) that a bind lands on: what the
 * image has there is kept when acceptable(mode) holds, else removed (the
 * link itself, never what it points to); a missing one is made an empty
 * file. Returns an O_PATH fd of it, checked once more after the open.
 */
static int mount_point_file(struct child *c, int dfd, const char *name, const char *path,
                            int (*acceptable)(mode_t), mode_t perm)
{
    struct stat st;
    int r = lstat_at(dfd, name, &st);
    if (r < 0)
        fail(c, -r, "stat %s", path);
    if (r == 1 && !acceptable(st.st_mode)) {
        r = remove_at(dfd, name, &st);
        if (r < 0)
            fail(c, -r, "remove %s (%s in the rootfs) to replace it", path, file_kind(st.st_mode));
    }
    if (r == 0 && (r = create_empty_file(dfd, name, perm)) < 0)
        fail(c, -r, "create %s (mount point)", path);
    int target = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (target < 0)
        fail(c, errno, "open %s (mount point)", path);
    if (fstat(target, &st) < 0)
        fail(c, errno, "stat %s (mount point)", path);
    if (!acceptable(st.st_mode))
        fail(c, ELOOP, "%s became %s", path, file_kind(st.st_mode));
    return target;
}

/* A device binds onto a file or a node; /dev/console onto a file or a
 * character device. */
static int device_mount_point(mode_t m) { return !S_ISLNK(m) && !S_ISDIR(m) && !S_ISSOCK(m); }
static int console_mount_point(mode_t m) { return S_ISREG(m) || S_ISCHR(m); }

/*
 * In a user namespace, where mknod is not allowed: the host's node s[0],
 * checked to be the device asked for, bound onto s[1] in the rootfs. The
 * target is an empty file the child makes, or what the image has there if
 * it is a file or a device node; a symlink (or a directory) is replaced,
 * never followed.
 */
static void op_bind_device(struct child *c, const struct shim_step *s)
{
    mode_t mode = (mode_t)s->n[0];
    dev_t dev = (dev_t)s->n[1];
    /* The host's path, looked up before pivot_root: the host is trusted;
     * what is checked is the node it leads to. */
    char label[PATH_MAX + 16];
    snprintf(label, sizeof label, "the host's %s", s->s[0]);
    int src = open_node(c, s->s[0], O_PATH, mode, dev, label, ENODEV);

    char dir[PATH_MAX];
    const char *base, *what;
    split_parent(c, s->s[1], dir, &base);
    int dfd = resolve_create(c, dir, SHIM_CREATE_DIR, &what);
    if (dfd < 0)
        fail(c, -dfd, "%s %s (device parent)", what, dir);
    int target = mount_point_file(c, dfd, base, s->s[1], device_mount_point, 0644);
    int r = bind_fd(src, target, 0);
    if (r < 0)
        fail(c, -r, "bind the host's %s onto %s", s->s[0], s->s[1]);
    close(target);
    close(dfd);
    close(src);
}

/* n[0]=1: what the image has at the path is replaced unless it is this
 * very symlink (runc does so for /dev/ptmx); else it is kept. */
static void op_symlink(struct child *c, const struct shim_step *s)
{
    char dir[PATH_MAX];
    const char *base, *what;
    split_parent(c, s->s[1], dir, &base);
    int dfd = resolve_create(c, dir, SHIM_CREATE_DIR, &what);
    if (dfd < 0)
        fail(c, -dfd, "%s %s (symlink parent)", what, dir);
    if (s->n[0]) {
        struct stat st;
        int r = lstat_at(dfd, base, &st);
        if (r == 1) {
            char text[PATH_MAX];
            ssize_t n = S_ISLNK(st.st_mode) ? readlinkat(dfd, base, text, sizeof text - 1) : -1;
            if (n >= 0)
                text[n] = '\0';
            if (n < 0 || strcmp(text, s->s[0]) != 0)
                r = remove_at(dfd, base, &st);
        }
        if (r < 0)
            fail(c, -r, "replace %s", s->s[1]);
    }
    if (symlinkat(s->s[0], dfd, base) < 0 && errno != EEXIST)
        fail(c, errno, "symlink %s -> %s", s->s[1], s->s[0]);
    close(dfd);
}

static void op_rootfs_bind(struct child *c, const struct shim_step *s)
{
    if (mount(s->s[0], s->s[0], NULL, MS_BIND | MS_REC, NULL) < 0)
        fail(c, errno, "bind rootfs %s onto itself", s->s[0]);
    c->rootfd = open(s->s[0], O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (c->rootfd < 0)
        fail(c, errno, "open rootfs %s", s->s[0]);
}

static void reopen_root(struct child *c)
{
    close(c->rootfd);
    c->rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (c->rootfd < 0)
        fail(c, errno, "open / after entering the rootfs");
}

static void op_pivot_root(struct child *c)
{
    int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (oldroot < 0)
        fail(c, errno, "open old root /");
    if (fchdir(c->rootfd) < 0)
        fail(c, errno, "chdir into rootfs");
    /* pivot_root(".", ".") stacks the old root on top of the new one. */
    if (shim_pivot_root(".", ".") < 0)
        fail(c, errno, "pivot_root");
    if (fchdir(oldroot) < 0)
        fail(c, errno, "chdir into old root");
    /* Keep the unmount of the old root from propagating to the host. */
    if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
        fail(c, errno, "make old root rslave");
    if (umount2(".", MNT_DETACH) < 0)
        fail(c, errno, "unmount old root");
    if (chdir("/") < 0)
        fail(c, errno, "chdir /");
    close(oldroot);
    reopen_root(c);
}

static void op_move_root(struct child *c)
{
    if (fchdir(c->rootfd) < 0)
        fail(c, errno, "chdir into rootfs");
    if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
        fail(c, errno, "move rootfs onto /");
    if (chroot(".") < 0)
        fail(c, errno, "chroot");
    if (chdir("/") < 0)
        fail(c, errno, "chdir /");
    reopen_root(c);
}

static void op_write_file(struct child *c, const struct shim_step *s)
{
    int fd = open(s->s[0], O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        fail(c, errno, "open %s", s->s[0]);
    size_t len = strlen(s->s[1]);
    if (write(fd, s->s[1], len) != (ssize_t)len)
        fail(c, errno, "write %s to %s", s->s[1], s->s[0]);
    close(fd);
}

static void op_capbset(struct child *c, const struct shim_step *s)
{
    for (int cap = 0; cap <= (int)s->n[1]; cap++) {
        if ((uint64_t)s->n[0] & (1ULL << cap))
            continue;
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
            fail(c, errno, "drop capability %d from the bounding set", cap);
    }
}

static void op_capset(struct child *c, const struct shim_step *s)
{
    struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    for (int i = 0; i < 2; i++) {
        data[i].effective = (uint32_t)((uint64_t)s->n[0] >> (32 * i));
        data[i].permitted = (uint32_t)((uint64_t)s->n[1] >> (32 * i));
        data[i].inheritable = (uint32_t)((uint64_t)s->n[2] >> (32 * i));
    }
    if (syscall(SYS_capset, &hdr, data) < 0)
        fail(c, errno, "capset");
}

static void op_ambient(struct child *c, const struct shim_step *s)
{
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        fail(c, errno, "clear ambient capabilities");
    for (int cap = 0; cap <= (int)s->n[1]; cap++)
        if (((uint64_t)s->n[0] & (1ULL << cap)) &&
            prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
            fail(c, errno, "raise ambient capability %d", cap);
}

static int executable(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return -errno;
    if (!S_ISREG(st.st_mode))
        return -EACCES;
    return access(path, X_OK) < 0 ? -errno : 0;
}

static void op_lookup_exec(struct child *c, const struct shim_step *s)
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

/* A cwd reached through a magic link (/proc/self/fd/N of a host
 * directory) lies outside the root: the kernel's getcwd then returns a
 * path that does not start with '/' ("(unreachable)/..."). */
static void op_chdir(struct child *c, const struct shim_step *s)
{
    if (chdir(s->s[0]) < 0)
        fail(c, errno, "chdir %s", s->s[0]);
    char cwd[PATH_MAX];
    long n = syscall(SYS_getcwd, cwd, sizeof cwd);
    if (n < 0 && errno != ENAMETOOLONG)
        fail(c, errno, "getcwd after chdir %s", s->s[0]);
    if (n >= 0 && cwd[0] != '/')
        fail(c, EPERM, "chdir %s: the working directory is outside the container's root", s->s[0]);
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

static void op_wait_fifo(struct child *c, const struct shim_step *s)
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

static void op_preserve_fds(struct child *c, const struct shim_step *s)
{
    for (int fd = 3; fd < 3 + (int)s->n[0]; fd++)
        if (fcntl(fd, F_SETFD, 0) < 0)
            fail(c, errno, "clear close-on-exec of preserved fd %d", fd);
    if (shim_close_range(3 + (unsigned)s->n[0], ~0U, CLOSE_RANGE_CLOEXEC) < 0)
        fail(c, errno, "close_range");
}

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
static void op_run_hook(struct child *c, const struct shim_step *s)
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

static void op_sched_setattr(struct child *c, const struct shim_step *s)
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
        fail(c, errno, "sched_setattr");
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

static void op_cpu_affinity(struct child *c, const struct shim_step *s)
{
    cpu_set_t set;
    if (parse_list(s->s[0], (unsigned long *)&set, CPU_SETSIZE) < 0)
        fail(c, EINVAL, "cpu list %s", s->s[0]);
    if (sched_setaffinity(0, sizeof set, &set) < 0)
        fail(c, errno, "sched_setaffinity %s", s->s[0]);
}

/* So that a process that is not root can reopen its stdio (say, a log
 * file linked to /dev/stdout): what runc does. Failures that mean "not
 * ours to change" (an unmapped owner, a read-only /dev) are skipped. */
static void op_fix_stdio(struct child *c, const struct shim_step *s)
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

static void op_mempolicy(struct child *c, const struct shim_step *s)
{
    unsigned long nodes[1024 / (8 * sizeof(unsigned long))];
    unsigned long maxnode = 0;
    if (s->s[0]) {
        if (parse_list(s->s[0], nodes, 1024) < 0)
            fail(c, EINVAL, "node list %s", s->s[0]);
        maxnode = 1024 + 1;    /* the kernel reads maxnode - 1 bits */
    }
    if (syscall(SYS_set_mempolicy, (int)s->n[0], s->s[0] ? nodes : NULL, maxnode) < 0)
        fail(c, errno, "set_mempolicy %s", s->s[0] ? s->s[0] : "");
}

static void op_seccomp(struct child *c, const struct shim_step *s)
{
    struct sock_fprog prog = {
        .len = (unsigned short)s->n[0],
        .filter = (struct sock_filter *)s->bpf,
    };
    long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, (unsigned)s->flags, &prog);
    if (fd < 0)
        fail(c, errno, "load seccomp filter");
    if (s->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) {
        /* The parent passes the listener on to linux.seccomp.listenerPath. */
        struct shim_report r;
        memset(&r, 0, sizeof r);
        r.kind = SHIM_REPORT_SECCOMP_FD;
        r.step = c->step;
        r.pid = getpid();
        int e = shim_send_with_fd(c->plan->sync_fd, (int)fd, &r, sizeof r);
        close((int)fd);
        if (e < 0)
            fail(c, -e, "send the seccomp listener fd to the parent");
    }
}

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif
#define SHIM_DEVPTS_SUPER_MAGIC 0x1cd1
#define SHIM_PTS_MAJOR_FIRST 136   /* UNIX98_PTY_SLAVE_MAJOR */
#define SHIM_PTS_MAJOR_LAST 143    /* + UNIX98_PTY_MAJOR_COUNT - 1 */

/*
 * The pty becomes /dev/console (config-linux.md, default devices), as
 * runc does for the init. The source is the slave fd itself; the target
 * is /dev/console opened without following it: a regular file or a
 * device node the image has there is mounted over, anything else (a
 * symlink to some file, say) is replaced by an empty file first.
 */
static void mount_console(struct child *c, int slave, const char *slave_path)
{
    const char *what;
    int dfd = resolve_create(c, "/dev", SHIM_CREATE_DIR, &what);
    if (dfd < 0)
        fail(c, -dfd, "%s /dev (for /dev/console)", what);
    int target = mount_point_file(c, dfd, "console", "/dev/console", console_mount_point, 0600);
    int r = bind_fd(slave, target, 0);
    if (r < 0)
        fail(c, -r, "bind %s onto /dev/console", slave_path);
    close(target);
    close(dfd);
}

/*
 * n[0]=console socket n[1]=rows n[2]=cols n[3]=uid flags=gid x[0]=1 to
 * bind the pty onto /dev/console. The master is checked to be a pty
 * multiplexer (5:2) once open; the slave is its peer (TIOCGPTPEER), not
 * a path the container could have replaced, checked to be a devpts pty.
 */
static void op_terminal(struct child *c, const struct shim_step *s)
{
    int master = open_node(c, "/dev/ptmx", O_RDWR | O_NOCTTY, S_IFCHR, makedev(5, 2), "/dev/ptmx", ENOTTY);
    struct stat st;
    int unlock = 0, n = -1;
    if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
        fail(c, errno, "unlock the pty");
    if (ioctl(master, TIOCGPTN, &n) < 0)
        fail(c, errno, "get the pty number");
    char slave_path[64];
    snprintf(slave_path, sizeof slave_path, "/dev/pts/%d", n);
    int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0)
        fail(c, errno, "open %s (the peer of /dev/ptmx)", slave_path);
    struct statfs sfs;
    if (fstat(slave, &st) < 0 || fstatfs(slave, &sfs) < 0)
        fail(c, errno, "stat %s", slave_path);
    if (!S_ISCHR(st.st_mode) || major(st.st_rdev) < SHIM_PTS_MAJOR_FIRST ||
        major(st.st_rdev) > SHIM_PTS_MAJOR_LAST || sfs.f_type != SHIM_DEVPTS_SUPER_MAGIC)
        fail(c, ENOTTY, "%s is not a pty of a devpts", slave_path);
    if (fchown(slave, (uid_t)s->n[3], (gid_t)s->flags) < 0)
        fail(c, errno, "chown %s", slave_path);
    if (s->n[1] > 0 || s->n[2] > 0) {
        struct winsize ws = { .ws_row = (unsigned short)s->n[1], .ws_col = (unsigned short)s->n[2] };
        if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
            fail(c, errno, "set the terminal size");
    }
    if (s->x[0])
        mount_console(c, slave, slave_path);
    /* Named as runc names it: the master's path. */
    int r = shim_send_fd((int)s->n[0], master, "/dev/ptmx");
    if (r < 0)
        fail(c, -r, "send the pty master over the console socket");
    close(master);
    close((int)s->n[0]);
    if (ioctl(slave, TIOCSCTTY, 0) < 0)
        fail(c, errno, "make %s the controlling terminal", slave_path);
    for (int fd = 0; fd < 3; fd++)
        if (dup2(slave, fd) < 0)
            fail(c, errno, "dup %s to fd %d", slave_path, fd);
    if (slave > 2)
        close(slave);
}

static void run_step(struct child *c, const struct shim_step *s)
{
    switch (s->op) {
    case SHIM_OP_SYNC_WAIT: {
        char b;
        ssize_t n;
        do {
            n = read(c->plan->sync_fd, &b, 1);
        } while (n < 0 && errno == EINTR);
        if (n != 1)
            _exit(1); /* the parent is gone: nothing to report to */
        break;
    }
    case SHIM_OP_SETNS:
        if (setns((int)s->n[0], (int)s->n[1]) < 0)
            fail(c, errno, "setns %s", s->s[0] ? s->s[0] : "");
        close((int)s->n[0]);
        break;
    case SHIM_OP_UNSHARE:
        if (unshare((int)s->flags) < 0)
            fail(c, errno, "unshare 0x%llx", (unsigned long long)s->flags);
        break;
    case SHIM_OP_MOUNT_ROOT_PROPAGATION:
        if (mount(NULL, s->s[0] ? s->s[0] : "/", NULL, s->flags, NULL) < 0)
            fail(c, errno, "set propagation of %s", s->s[0] ? s->s[0] : "/");
        break;
    case SHIM_OP_ROOTFS_BIND: op_rootfs_bind(c, s); break;
    case SHIM_OP_MOUNT: op_mount(c, s); break;
    case SHIM_OP_REMOUNT: op_remount(c, s); break;
    case SHIM_OP_MKNOD: op_mknod(c, s); break;
    case SHIM_OP_SYMLINK: op_symlink(c, s); break;
    case SHIM_OP_MKDIR: {
        char p[64];
        close(path_in_root(c, s->s[1], SHIM_CREATE_DIR, p, sizeof p));
        break;
    }
    case SHIM_OP_PIVOT_ROOT: op_pivot_root(c); break;
    case SHIM_OP_MOVE_ROOT: op_move_root(c); break;
    case SHIM_OP_MASK_PATH: op_mask(c, s); break;
    case SHIM_OP_READONLY_PATH: op_readonly(c, s); break;
    case SHIM_OP_SETHOSTNAME:
        if (sethostname(s->s[0], strlen(s->s[0])) < 0)
            fail(c, errno, "sethostname %s", s->s[0]);
        break;
    case SHIM_OP_SETDOMAINNAME:
        if (setdomainname(s->s[0], strlen(s->s[0])) < 0)
            fail(c, errno, "setdomainname %s", s->s[0]);
        break;
    case SHIM_OP_SETRLIMIT: {
        struct rlimit rl = { (rlim_t)s->n[1], (rlim_t)s->n[2] };
        if (setrlimit((int)s->n[0], &rl) < 0)
            fail(c, errno, "setrlimit %s", s->s[0] ? s->s[0] : "");
        break;
    }
    case SHIM_OP_WRITE_FILE: op_write_file(c, s); break;
    case SHIM_OP_CHDIR: op_chdir(c, s); break;
    case SHIM_OP_UMASK: umask((mode_t)s->n[0]); break;
    case SHIM_OP_SETGROUPS:
        if (setgroups((size_t)s->n[0], (const gid_t *)s->gids) < 0)
            fail(c, errno, "setgroups");
        break;
    case SHIM_OP_SETRESGID:
        if (setresgid((gid_t)s->n[0], (gid_t)s->n[0], (gid_t)s->n[0]) < 0)
            fail(c, errno, "setresgid %lld", (long long)s->n[0]);
        break;
    case SHIM_OP_SETRESUID:
        if (setresuid((uid_t)s->n[0], (uid_t)s->n[0], (uid_t)s->n[0]) < 0)
            fail(c, errno, "setresuid %lld", (long long)s->n[0]);
        break;
    case SHIM_OP_KEEPCAPS:
        if (prctl(PR_SET_KEEPCAPS, s->n[0], 0, 0, 0) < 0)
            fail(c, errno, "prctl PR_SET_KEEPCAPS");
        break;
    case SHIM_OP_CAPBSET_LIMIT: op_capbset(c, s); break;
    case SHIM_OP_CAPSET: op_capset(c, s); break;
    case SHIM_OP_AMBIENT: op_ambient(c, s); break;
    case SHIM_OP_NO_NEW_PRIVS:
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
            fail(c, errno, "prctl PR_SET_NO_NEW_PRIVS");
        break;
    case SHIM_OP_SECCOMP: op_seccomp(c, s); break;
    case SHIM_OP_PRESERVE_FDS: op_preserve_fds(c, s); break;
    case SHIM_OP_LOOKUP_EXEC: op_lookup_exec(c, s); break;
    case SHIM_OP_READY:
        check_fd_room(c);
        send_report(c, SHIM_REPORT_READY, 0, NULL);
        c->ready_sent = 1;
        break;
    case SHIM_OP_WAIT_FIFO: op_wait_fifo(c, s); break;
    case SHIM_OP_EXEC:
        execve(c->exec_path, c->plan->argv, c->plan->envp);
        fail(c, errno, "exec %s", c->exec_path);
    case SHIM_OP_SETSID:
        if (setsid() < 0)
            fail(c, errno, "setsid");
        break;
    case SHIM_OP_TERMINAL: op_terminal(c, s); break;
    case SHIM_OP_MOUNT_SETATTR: op_mount_setattr(c, s); break;
    case SHIM_OP_MOVE_MOUNT: op_move_mount(c, s); break;
    case SHIM_OP_RUN_HOOK: op_run_hook(c, s); break;
    case SHIM_OP_PERSONALITY:
        if (personality((unsigned long)s->n[0]) < 0)
            fail(c, errno, "personality 0x%llx", (unsigned long long)s->n[0]);
        break;
    case SHIM_OP_IOPRIO:
        if (syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, (int)s->n[0]) < 0)
            fail(c, errno, "ioprio_set");
        break;
    case SHIM_OP_SCHED_SETATTR: op_sched_setattr(c, s); break;
    case SHIM_OP_CPU_AFFINITY: op_cpu_affinity(c, s); break;
    case SHIM_OP_MEMPOLICY: op_mempolicy(c, s); break;
    case SHIM_OP_FIX_STDIO: op_fix_stdio(c, s); break;
    case SHIM_OP_DEATHSIG:
        if (prctl(PR_SET_PDEATHSIG, s->n[0], 0, 0, 0) < 0)
            fail(c, errno, "prctl PR_SET_PDEATHSIG");
        break;
    case SHIM_OP_MASK_SOURCE: op_mask_source(c); break;
    case SHIM_OP_BIND_DEVICE: op_bind_device(c, s); break;
    default:
        fail(c, EINVAL, "unknown step op %d", s->op);
    }
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
