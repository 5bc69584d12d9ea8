/*
 * Paths inside the container's root: resolved with openat2 so that no
 * symlink leads out of it, and created where missing (SHIM_OP_MKDIR,
 * SHIM_OP_SYMLINK, mount targets).
 */
#include "child_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <unistd.h>

/* Resolves path inside the root; symlinks cannot lead out of it. */
int open_in_root(struct child *c, const char *path, uint64_t oflags)
{
    const char *rel = skip_slashes(path);
    if (*rel == '\0')
        rel = ".";
    return shim_openat2(c->rootfd, rel, O_PATH | O_CLOEXEC | oflags, 0,
                        RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

/* The deepest ancestor of buf (relative, no trailing slash) that
 * resolves, as an O_PATH fd, with *comp at the first component below
 * it; the root itself when none does. Or -errno. */
static int deepest_parent(struct child *c, char *buf, char **comp)
{
    *comp = buf;
    for (char *s = strrchr(buf, '/'); s != NULL; ) {
        *s = '\0';
        int parent = open_in_root(c, buf, 0);
        *s = '/';
        if (parent >= 0) {
            *comp = s + 1;
            return parent;
        }
        if (parent != -ENOENT)
            return parent;
        char *prev = s;
        while (prev > buf && prev[-1] != '/')
            prev--;
        s = prev > buf ? prev - 1 : NULL;
    }
    return open_in_root(c, "/", O_DIRECTORY);
}

/* If comp, missing in parent, is a symlink, rewrites buf (cut at the end
 * of comp) into where it points, rest appended: 1, or -ENAMETOOLONG.
 * 0 when comp is no symlink. */
static int follow_dangling(int parent, char *buf, const char *comp, const char *rest)
{
    char link[PATH_MAX];
    ssize_t n = readlinkat(parent, comp, link, sizeof link - 1);
    if (n < 0)
        return 0;
    link[n] = '\0';
    char rebuilt[PATH_MAX];
    int dirlen = (int)(comp - buf);
    int w = link[0] == '/'
        ? snprintf(rebuilt, sizeof rebuilt, "%s%s%s", skip_slashes(link), *rest ? "/" : "", rest)
        : snprintf(rebuilt, sizeof rebuilt, "%.*s%s%s%s", dirlen, buf, link, *rest ? "/" : "", rest);
    if (w >= (int)sizeof rebuilt)
        return -ENAMETOOLONG;
    memcpy(buf, rebuilt, (size_t)w + 1);
    return 1;
}

/* Makes the missing comp in parent (an empty file when file, else a
 * directory), then opens buf, the path up to comp: an O_PATH fd or
 * -errno, with *what the sub-operation at fault. */
static int create_component(struct child *c, int parent, const char *buf, const char *comp,
                            int file, const char **what)
{
    int r;
    if (file) {
        *what = "create file";
        r = openat(parent, comp, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (r >= 0)
            close(r);
    } else {
        *what = "mkdirat";
        r = mkdirat(parent, comp, 0755);
    }
    if (r < 0 && errno != EEXIST)
        return -errno;
    *what = "openat2";
    return open_in_root(c, buf, 0);
}

/* One walk down buf, creating what is missing: an O_PATH fd or -errno.
 * Sets *restart instead when a dangling symlink rewrote buf. */
static int walk_create(struct child *c, char *buf, int create, const char **what, int *restart)
{
    char *comp;
    int parent = deepest_parent(c, buf, &comp);
    if (parent < 0)
        return parent;
    for (;;) {
        char *slash = strchr(comp, '/');
        int last = slash == NULL;
        if (!last)
            *slash = '\0';
        int next = open_in_root(c, buf, 0);
        if (next == -ENOENT) {
            int r = follow_dangling(parent, buf, comp, last ? "" : slash + 1);
            if (r != 0) {
                close(parent);
                *restart = r > 0;
                return r;
            }
            next = create_component(c, parent, buf, comp, last && create == SHIM_CREATE_FILE, what);
        }
        close(parent);
        if (next < 0 || last)
            return next;
        *slash = '/';
        comp = slash + 1;
        parent = next;
    }
}

/*
 * Resolves path inside the root, creating missing components: directories
 * along the way, and a directory or an empty file at the end. Returns an
 * O_PATH fd or -errno; on failure *what names the sub-operation.
 */
int resolve_create(struct child *c, const char *path, int create, const char **what)
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
        int restart = 0;
        fd = walk_create(c, buf, create, what, &restart);
        if (!restart)
            return fd;
    }
    return -ELOOP;
}

int path_in_root(struct child *c, const char *path, int create, char *out, size_t outlen)
{
    const char *what;
    int fd = resolve_create(c, path, create, &what);
    if (fd < 0)
        fail(c, -fd, "%s %s (inside the rootfs)", what, path);
    fdpath(out, outlen, fd);
    return fd;
}

/*
 * Opens the parent directory of path inside the root, making missing
 * directories; *base is path's last component. `role` names the parent
 * in the error ("device", "symlink").
 */
int open_parent_in_root(struct child *c, const char *path, const char **base, const char *role)
{
    char dir[PATH_MAX];
    snprintf(dir, PATH_MAX, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash[1] == '\0')
        fail(c, EINVAL, "bad path %s", path);
    *base = path + (slash - dir) + 1;
    if (slash == dir)
        slash[1] = '\0';
    else
        *slash = '\0';
    const char *what;
    int dfd = resolve_create(c, dir, SHIM_CREATE_DIR, &what);
    if (dfd < 0)
        fail(c, -dfd, "%s %s (%s parent)", what, dir, role);
    return dfd;
}

/* lstat of base in the directory fd dfd: 1 (and *st), 0 when missing, or
 * -errno. */
int lstat_at(int dfd, const char *base, struct stat *st)
{
    if (fstatat(dfd, base, st, AT_SYMLINK_NOFOLLOW) == 0)
        return 1;
    return errno == ENOENT ? 0 : -errno;
}

/* Removes base from the directory fd dfd, never following it (a symlink
 * goes, not what it points to); a directory only when empty. */
int remove_at(int dfd, const char *base, const struct stat *st)
{
    if (unlinkat(dfd, base, S_ISDIR(st->st_mode) ? AT_REMOVEDIR : 0) < 0)
        return -errno;
    return 0;
}

void op_mkdir(struct child *c, const struct shim_step *s)
{
    char p[64];
    close(path_in_root(c, s->s[1], SHIM_CREATE_DIR, p, sizeof p));
}

/* n[0]=1: what the image has at the path is replaced unless it is this
 * very symlink (runc does so for /dev/ptmx); else it is kept. */
void op_symlink(struct child *c, const struct shim_step *s)
{
    const char *base;
    int dfd = open_parent_in_root(c, s->s[1], &base, "symlink");
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
        fail_op(c, errno, "symlink %s -> %s", s->s[1], s->s[0]);
    close(dfd);
}

/*
 * For the parent (restore's mount points): path made inside the root at
 * rootfd (an O_PATH directory) the way the child makes mount targets, with
 * the same resolution: missing directories, then a directory or an empty
 * file (file != 0) at the end; no symlink leads out. 0 or -errno.
 */
int shim_make_in_root(int rootfd, const char *path, int file)
{
    struct child c = { .rootfd = rootfd };
    const char *what;
    int fd = resolve_create(&c, path, file ? SHIM_CREATE_FILE : SHIM_CREATE_DIR, &what);
    if (fd < 0)
        return fd;
    close(fd);
    return 0;
}
