/* Hooks the init runs itself (createContainer, startContainer). */
#include "child_internal.h"

#include <string.h>
#include <sys/wait.h>

/*
 * A hook the init runs itself, through shim_run_hook (hook.c): it is a
 * child of the init, in the container's namespaces. The parent names the
 * step ("run hook PATH"); the detail says how the hook ended, with the
 * end of its output on one line.
 */
void op_run_hook(struct child *c, const struct shim_step *s)
{
    const char *path = s->s[0];
    struct shim_hook_result r;
    int e = shim_run_hook(path, s->list[0], s->list[1], (int)s->n[1], (int)s->n[0], &r);
    /* After READY nobody renders the step: the child's stderr names it. */
    const char *who = c->ready_sent ? path : "";
    const char *sep = c->ready_sent ? ": " : "";
    if (e < 0)
        fail(c, -e, "%s%sstart the hook", who, sep);
    if (r.timed_out)
        fail(c, 0, "%s%stimed out after %lld s", who, sep, (long long)s->n[0]);
    /* The last 200 bytes, on one line (the report's detail is short). */
    size_t len = strlen(r.output);
    char *tail = r.output + (len > 199 ? len - 199 : 0);
    for (char *p = tail; *p; p++)
        if (*p == '\n')
            *p = ' ';
    len = strlen(tail);
    while (len > 0 && tail[len - 1] == ' ')
        tail[--len] = '\0';
    const char *colon = len ? ": " : "";
    if (WIFSIGNALED(r.status))
        fail(c, 0, "%s%skilled by signal %d%s%s", who, sep, WTERMSIG(r.status), colon, tail);
    if (WEXITSTATUS(r.status) != 0)
        fail(c, 0, "%s%sexited with status %d%s%s", who, sep, WEXITSTATUS(r.status), colon, tail);
}
