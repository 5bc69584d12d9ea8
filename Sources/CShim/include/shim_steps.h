#ifndef SWRUN_SHIM_STEPS_H
#define SWRUN_SHIM_STEPS_H

/*
 * The steps of a plan, defined once. X(NAME, handler) makes SHIM_OP_NAME
 * in enum shim_op (cshim.h), numbered from 1 in this order, and the
 * child's handler for it (child.c). Next to each: what the step reads
 * of its struct shim_step.
 */
#define SHIM_STEPS(X) \
    X(SYNC_WAIT, op_sync_wait)       /* wait for the parent's go byte */ \
    X(SETNS, op_setns)               /* n[0]=fd n[1]=nstype */ \
    X(UNSHARE, op_unshare)           /* flags */ \
    X(MOUNT_ROOT_PROPAGATION, op_mount_root_propagation) \
                                     /* mount(NULL,s[0] or "/",NULL,flags): a host mount */ \
    X(ROOTFS_BIND, op_rootfs_bind)   /* s[0]=rootfs: bind it onto itself, open it */ \
    X(ROOTFS_OPEN, op_rootfs_open)   /* s[0]=rootfs: only open it (no mount \
                                        namespace of the container's own) */ \
    X(MOUNT, op_mount)               /* s[0]=source s[1]=target-in-root s[2]=fstype \
                                        s[3]=data flags=mountflags n[0]=create kind \
                                        n[1]=1 if source is a path inside the root, \
                                        resolved then (after the earlier mounts) \
                                        n[2]=1 to copy the target's old content \
                                        into the new mount (tmpcopyup) */ \
    X(REMOUNT, op_remount)           /* s[1]=target-in-root flags=extra flags; keeps \
                                        the mount's locked flags (statvfs) */ \
    X(MKNOD, op_mknod)               /* s[1]=path n[0]=mode n[1]=dev n[2]=uid n[3]=gid */ \
    X(SYMLINK, op_symlink)           /* s[0]=link text s[1]=path n[0]=1 to replace \
                                        what is there unless it is this symlink */ \
    X(MKDIR, op_mkdir)               /* s[1]=path: made 0755, as are missing parents */ \
    X(PIVOT_ROOT, op_pivot_root)     /* pivot_root into the root opened above */ \
    X(MOVE_ROOT, op_move_root)       /* --no-pivot: MS_MOVE + chroot */ \
    X(CHROOT_ROOT, op_chroot_root)   /* chroot into the root opened above (no \
                                        mount namespace of the container's own) */ \
    X(MASK_PATH, op_mask_path)       /* s[1]=path: tmpfs ro on a dir, the host's \
                                        /dev/null (SHIM_OP_MASK_SOURCE) ro on a file */ \
    X(READONLY_PATH, op_readonly_path) /* s[1]=path: bind onto itself, remount ro */ \
    X(SETHOSTNAME, op_sethostname)   /* s[0] */ \
    X(SETDOMAINNAME, op_setdomainname) /* s[0] */ \
    X(SETRLIMIT, op_setrlimit)       /* n[0]=resource n[1]=soft n[2]=hard */ \
    X(WRITE_FILE, op_write_file)     /* s[0]=absolute path s[1]=content */ \
    X(CHDIR, op_chdir)               /* s[0]=path n[0]=attempt (enum shim_chdir) */ \
    X(UMASK, op_umask)               /* n[0] */ \
    X(SETGROUPS, op_setgroups)       /* n[0]=count gids */ \
    X(SETRESGID, op_setresgid)       /* n[0] */ \
    X(SETRESUID, op_setresuid)       /* n[0] */ \
    X(KEEPCAPS, op_keepcaps)         /* n[0]=0|1 */ \
    X(CAPBSET_LIMIT, op_capbset_limit) /* n[0]=mask to keep, n[1]=last cap */ \
    X(CAPSET, op_capset)             /* n[0]=effective n[1]=permitted n[2]=inheritable */ \
    X(AMBIENT, op_ambient)           /* n[0]=mask to raise, n[1]=last cap */ \
    X(NO_NEW_PRIVS, op_no_new_privs) \
    X(SECCOMP, op_seccomp)           /* n[0]=filter length, bpf=instructions, flags */ \
    X(PRESERVE_FDS, op_preserve_fds) /* n[0]=count: fds 3..3+count-1 stay open */ \
    X(LOOKUP_EXEC, op_lookup_exec)   /* s[0]=argv0 s[1]=PATH */ \
    X(READY, op_ready)               /* report READY to the parent */ \
    X(WAIT_FIFO, op_wait_fifo)       /* n[0]=O_PATH fd of exec.fifo */ \
    X(EXEC, op_exec)                 /* execve(looked-up path, argv, envp) */ \
    X(SETSID, op_setsid) \
    X(DEATHSIG, op_deathsig)         /* n[0]=signal (0 clears) */ \
    X(MOUNT_SETATTR, op_mount_setattr) /* s[1]=target n[0]=attr_set n[1]=attr_clr \
                                        flags=1 for AT_RECURSIVE */ \
    X(MOVE_MOUNT, op_move_mount)     /* n[0]=detached mount fd (an idmapped \
                                        mount, a bind source opened before \
                                        the user namespace) s[1]=target \
                                        n[1]=create kind */ \
    X(TERMINAL, op_terminal)         /* n[0]=console socket fd n[1]=rows n[2]=cols \
                                        n[3]=uid x[0]=1 to bind the pty \
                                        onto /dev/console: open a pty in the \
                                        container's devpts, send its master over the \
                                        socket, make the slave the controlling \
                                        terminal and stdio */ \
    X(PERSONALITY, op_personality)   /* n[0]=persona for personality(2) */ \
    X(IOPRIO, op_ioprio)             /* n[0]=ioprio value for ioprio_set(2) */ \
    X(SCHED_SETATTR, op_sched_setattr) /* n[0]=policy n[1]=flags n[2]=nice n[3]=priority \
                                        x[0]=runtime x[1]=deadline x[2]=period */ \
    X(CPU_AFFINITY, op_cpu_affinity) /* s[0]=cpu list ("0-3,7") for sched_setaffinity */ \
    X(MEMPOLICY, op_mempolicy)       /* n[0]=mode|flags s[0]=node list or NULL: \
                                        set_mempolicy(2) */ \
    X(FIX_STDIO, op_fix_stdio)       /* n[0]=uid: chown fds 0-2 to the process's \
                                        user (not /dev/null), as runc does */ \
    X(RUN_HOOK, op_run_hook)         /* s[0]=path list[0]=argv list[1]=envp \
                                        n[0]=timeout in s (0: none) n[1]=fd of the \
                                        state JSON: run a hook from the init itself \
                                        (createContainer, startContainer) */ \
    X(MASK_SOURCE, op_mask_source)   /* before pivot_root: open the host's /dev/null \
                                        (no symlink followed), check it is 1:3 and \
                                        keep a detached read-only mount of it for \
                                        the masks */ \
    X(BIND_DEVICE, op_bind_device)   /* s[0]=host node s[1]=path n[0]=mode n[1]=dev: \
                                        check the host's node is that device, bind \
                                        it onto path (a symlink there is replaced) */ \
    X(DUMPABLE, op_dumpable)         /* n[0]=0|1: prctl(PR_SET_DUMPABLE); 1 lets a parent \
                                        that is not root write the id maps */ \
    X(REOPEN_DEV_NULL, op_reopen_dev_null) /* after entering the root: stdio fds on a \
                                        1:3 device (the host's /dev/null) become the \
                                        container's /dev/null, as runc does */

#endif
