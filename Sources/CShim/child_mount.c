/*
 * Mount steps: the root (bind, pivot_root or move), mounts and remounts
 * inside it, and the new mount API on fds that the masks and devices use.
 */
#include "child_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

void op_mount_root_propagation(struct child *c, const struct shim_step *s)
{
    if (mount(NULL, s->s[0] ? s->s[0] : "/", NULL, s->flags, NULL) < 0)
        fail_op(c, errno, "set propagation of %s", s->s[0] ? s->s[0] : "/");
}

void op_rootfs_open(struct child *c, const struct shim_step *s)
{
    c->rootfd = open(s->s[0], O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (c->rootfd < 0)
        fail_op(c, errno, "open the rootfs %s", s->s[0]);
}

void op_rootfs_bind(struct child *c, const struct shim_step *s)
{
    if (mount(s->s[0], s->s[0], NULL, MS_BIND | MS_REC, NULL) < 0)
        fail_op(c, errno, "bind rootfs %s onto itself", s->s[0]);
    op_rootfs_open(c, s);
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

void op_mount(struct child *c, const struct shim_step *s)
{
    char target[64], source[64];
    const char *src = s->s[0];
    int sfd = -1;
    if (s->s[2] && (strcmp(s->s[2], "proc") == 0 || strcmp(s->s[2], "sysfs") == 0))
        check_kernel_fs_target(c, s->s[1], s->s[2]);
    int create = (int)s->n[0];
    if (src && s->n[1]) {
        /* A source inside the container root, resolved in it now: what
         * the earlier mounts made there counts (as runc's host path). */
        sfd = path_in_root(c, src, SHIM_CREATE_NONE, source, sizeof source);
        src = source;
        if (create == SHIM_CREATE_LIKE_SOURCE) {
            struct stat st;
            if (fstat(sfd, &st) < 0)
                fail(c, errno, "fstat the bind source %s (inside the rootfs)", s->s[0]);
            create = S_ISDIR(st.st_mode) ? SHIM_CREATE_DIR : SHIM_CREATE_FILE;
        }
    }
    int fd = path_in_root(c, s->s[1], create, target, sizeof target);
    int old = -1;
    if (s->n[2] && (old = open_dir_of(fd)) < 0)
        fail(c, errno, "open the target to copy it up");
    if (mount(src, target, s->s[2], s->flags, s->s[3]) < 0)
        fail_op(c, errno, "mount %s on %s", s->s[0] ? s->s[0] : "(none)", s->s[1]);
    close(fd);
    if (old >= 0) {
        /* The old fd still sees the directory under the new mount. */
        int nfd = path_in_root(c, s->s[1], SHIM_CREATE_NONE, target, sizeof target);
        int fresh = open_dir_of(nfd);
        if (fresh < 0)
            fail(c, errno, "open the new mount");
        struct stat st;
        int r = fstat(old, &st) < 0 ? -errno : copy_tree(old, fresh, 0);
        if (r == 0 && (fchmod(fresh, st.st_mode & 07777) < 0 || fchown(fresh, st.st_uid, st.st_gid) < 0))
            r = -errno;
        if (r < 0)
            fail(c, -r, "copy the old content into the tmpfs (tmpcopyup)");
        close(fresh);
        close(nfd);
        close(old);
    }
    if (sfd >= 0)
        close(sfd);
}

void op_mount_setattr(struct child *c, const struct shim_step *s)
{
    char target[64];
    int fd = path_in_root(c, s->s[1], SHIM_CREATE_NONE, target, sizeof target);
    struct shim_mount_attr attr = {
        .attr_set = (uint64_t)s->n[0], .attr_clr = (uint64_t)s->n[1],
    };
    unsigned flags = AT_EMPTY_PATH | (s->flags ? AT_RECURSIVE : 0);
    if (syscall(SYS_mount_setattr, fd, "", flags, &attr, sizeof attr) < 0)
        fail_op(c, errno, "mount_setattr %s (set 0x%llx, clear 0x%llx)", s->s[1],
             (unsigned long long)s->n[0], (unsigned long long)s->n[1]);
    close(fd);
}

void op_move_mount(struct child *c, const struct shim_step *s)
{
    char target[64];
    int fd = path_in_root(c, s->s[1], (int)s->n[1], target, sizeof target);
    int r = move_mount_fd((int)s->n[0], fd);
    if (r < 0)
        fail_op(c, -r, "attach the detached mount on %s", s->s[1]);
    close(fd);
    close((int)s->n[0]);
}

void op_remount(struct child *c, const struct shim_step *s)
{
    char target[64];
    int fd = path_in_root(c, s->s[1], SHIM_CREATE_NONE, target, sizeof target);
    unsigned long f = MS_REMOUNT | MS_BIND | s->flags | locked_flags(fd);
    if (mount(NULL, target, NULL, f, NULL) < 0)
        fail_op(c, errno, "remount %s", s->s[1]);
    close(fd);
}

/* Attaches the mount fd `from` (detached) onto the file or directory fd
 * `to`: 0 or -errno. No path is looked up, in /proc or elsewhere. */
int move_mount_fd(int from, int to)
{
    if (syscall(SYS_move_mount, from, "", to, "",
                SHIM_MOVE_MOUNT_F_EMPTY_PATH | SHIM_MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return -errno;
    return 0;
}

/* mount_setattr(2) adding attrs to the one mount at fd: 0 or -errno. */
int add_mount_attrs(int fd, uint64_t attrs)
{
    struct shim_mount_attr attr = { .attr_set = attrs };
    if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
        return -errno;
    return 0;
}

/* Binds what the fd src is (a file, a device, a pty: any fd, its mount
 * in our namespace) onto the fd target, with attrs added to the new
 * mount: open_tree(OPEN_TREE_CLONE) + move_mount. 0 or -errno. */
int bind_fd(int src, int target, uint64_t attrs)
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

static void reopen_root(struct child *c)
{
    close(c->rootfd);
    c->rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (c->rootfd < 0)
        fail(c, errno, "open / after entering the rootfs");
}

void op_pivot_root(struct child *c, const struct shim_step *s)
{
    int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (oldroot < 0)
        fail(c, errno, "open old root /");
    if (fchdir(c->rootfd) < 0)
        fail(c, errno, "chdir into rootfs");
    /* pivot_root(".", ".") stacks the old root on top of the new one. */
    if (shim_pivot_root(".", ".") < 0)
        fail_op(c, errno, "pivot_root");
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

/* chroot into the rootfs, moved onto / first when `move`. */
static void enter_root(struct child *c, int move)
{
    if (fchdir(c->rootfd) < 0)
        fail(c, errno, "chdir into rootfs");
    if (move && mount(".", "/", NULL, MS_MOVE, NULL) < 0)
        fail_op(c, errno, "move rootfs onto /");
    if (chroot(".") < 0)
        fail_op(c, errno, "chroot into the rootfs");
    if (chdir("/") < 0)
        fail(c, errno, "chdir /");
    reopen_root(c);
}

void op_move_root(struct child *c, const struct shim_step *s)
{
    (void)s;
    enter_root(c, 1);
}

/* No mount namespace of the container's own: nothing to pivot (that would
 * pivot the host), the init is only chrooted, as runc does. */
void op_chroot_root(struct child *c, const struct shim_step *s)
{
    (void)s;
    enter_root(c, 0);
}
