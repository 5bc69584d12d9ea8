/*
 * Masks (SHIM_OP_MASK_PATH, SHIM_OP_READONLY_PATH), the device nodes a
 * container gets, and its terminal: every node checked to be the device
 * wanted, and nothing the image put on the path followed.
 */
#include "child_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define SHIM_MASK_ATTRS (SHIM_MOUNT_ATTR_RDONLY | SHIM_MOUNT_ATTR_NOSUID | SHIM_MOUNT_ATTR_NOEXEC)

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
void op_mask_source(struct child *c, const struct shim_step *s)
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

void op_mask_path(struct child *c, const struct shim_step *s)
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
        fail(c, -r, "%s", dir ? "mount a read-only tmpfs on it" : "bind the host's /dev/null onto it");
    close(fd);
}

void op_readonly_path(struct child *c, const struct shim_step *s)
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
        fail(c, errno, "bind it onto itself");
    close(fd);
    op_remount(c, &(struct shim_step){ .s = { NULL, s->s[1] }, .flags = MS_RDONLY });
}

/*
 * A device node the container gets (the default six, linux.devices). What
 * the image has at the path is kept only if it already is that device: a
 * symlink, a file or another device there is removed (the link itself,
 * never what it points to) and the node made anew, so that nothing later
 * (a mask binding /dev/null, the container's own writes) follows it
 * somewhere else.
 */
void op_mknod(struct child *c, const struct shim_step *s)
{
    const char *base;
    mode_t mode = (mode_t)s->n[0];
    dev_t dev = (dev_t)s->n[1];
    int dfd = open_parent_in_root(c, s->s[1], &base, "device");
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
        fail_op(c, errno, "mknod %s", s->s[1]);
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
void op_bind_device(struct child *c, const struct shim_step *s)
{
    mode_t mode = (mode_t)s->n[0];
    dev_t dev = (dev_t)s->n[1];
    /* The host's path, looked up before pivot_root: the host is trusted;
     * what is checked is the node it leads to. */
    char label[PATH_MAX + 16];
    snprintf(label, sizeof label, "the host's %s", s->s[0]);
    int src = open_node(c, s->s[0], O_PATH, mode, dev, label, ENODEV);

    const char *base;
    int dfd = open_parent_in_root(c, s->s[1], &base, "device");
    int target = mount_point_file(c, dfd, base, s->s[1], device_mount_point, 0644);
    int r = bind_fd(src, target, 0);
    if (r < 0)
        fail_op(c, -r, "bind the host's %s onto %s", s->s[0], s->s[1]);
    close(target);
    close(dfd);
    close(src);
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
void op_terminal(struct child *c, const struct shim_step *s)
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
    /* The user's, keeping the group devpts gave it (its gid= option, tty
     * in the usual config), as runc's fixStdioPermissions leaves it. */
    if (fchown(slave, (uid_t)s->n[3], (gid_t)-1) < 0)
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
