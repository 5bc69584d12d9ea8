/* Credentials, capabilities and the seccomp filter. */
#include "child_internal.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

void op_setgroups(struct child *c, const struct shim_step *s)
{
    if (setgroups((size_t)s->n[0], (const gid_t *)s->gids) < 0)
        fail_op(c, errno, "setgroups");
}

void op_setresgid(struct child *c, const struct shim_step *s)
{
    if (setresgid((gid_t)s->n[0], (gid_t)s->n[0], (gid_t)s->n[0]) < 0)
        fail_op(c, errno, "setresgid %lld", (long long)s->n[0]);
}

void op_setresuid(struct child *c, const struct shim_step *s)
{
    if (setresuid((uid_t)s->n[0], (uid_t)s->n[0], (uid_t)s->n[0]) < 0)
        fail_op(c, errno, "setresuid %lld", (long long)s->n[0]);
}

void op_keepcaps(struct child *c, const struct shim_step *s)
{
    if (prctl(PR_SET_KEEPCAPS, s->n[0], 0, 0, 0) < 0)
        fail_op(c, errno, "prctl PR_SET_KEEPCAPS");
}

void op_capbset_limit(struct child *c, const struct shim_step *s)
{
    for (int cap = 0; cap <= (int)s->n[1]; cap++) {
        if ((uint64_t)s->n[0] & (1ULL << cap))
            continue;
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
            fail(c, errno, "drop capability %d from the bounding set", cap);
    }
}

void op_capset(struct child *c, const struct shim_step *s)
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
        fail_op(c, errno, "capset");
}

void op_ambient(struct child *c, const struct shim_step *s)
{
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        fail(c, errno, "clear ambient capabilities");
    for (int cap = 0; cap <= (int)s->n[1]; cap++)
        if (((uint64_t)s->n[0] & (1ULL << cap)) &&
            prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
            fail(c, errno, "raise ambient capability %d", cap);
}

void op_no_new_privs(struct child *c, const struct shim_step *s)
{
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        fail_op(c, errno, "prctl PR_SET_NO_NEW_PRIVS");
}

void op_seccomp(struct child *c, const struct shim_step *s)
{
    struct sock_fprog prog = {
        .len = (unsigned short)s->n[0],
        .filter = (struct sock_filter *)s->bpf,
    };
    long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, (unsigned)s->flags, &prog);
    if (fd < 0)
        fail_op(c, errno, "load seccomp filter");
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
