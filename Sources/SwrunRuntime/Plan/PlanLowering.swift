import CShim
import Glibc
import OCI

/// The plan in C memory, as `shim_spawn` reads it. Opens the fds steps
/// refer to (namespaces joined by path, the exec fifo) and owns every
/// allocation; the child sees a copy of this memory after clone.
final class LoweredPlan {
    private(set) var plan = shim_plan()
    private var allocations: [UnsafeMutableRawPointer] = []
    private var fds: [Int32] = []
    private var steps: UnsafeMutablePointer<shim_step>
    private let count: Int

    private let consoleFd: Int32
    /// The fds the child uses; it closes every other one above 2.
    private var childFds: Set<Int32> = []

    init(_ p: InitPlan, syncFd: Int32, parentSyncFd: Int32, consoleFd: Int32 = -1, cgroupFd: Int32 = -1) throws {
        self.consoleFd = consoleFd
        count = p.steps.count
        steps = .allocate(capacity: max(count, 1))
        steps.initialize(repeating: shim_step(), count: max(count, 1))
        do {
            try cutDetachedTrees(p)
            for (i, step) in p.steps.enumerated() { steps[i] = try lower(step) }
            plan.clone_flags = UInt64(UInt32(bitPattern: p.cloneFlags))
            plan.pidns_fd = -1
            if let path = p.pidNamespacePath { plan.pidns_fd = try openFd(path, O_RDONLY) }
            plan.sync_fd = syncFd
            plan.parent_sync_fd = parentSyncFd
            plan.cgroup_fd = cgroupFd
            plan.nsteps = Int32(count)
            plan.steps = UnsafePointer(steps)
            plan.argv = UnsafePointer(cArray(p.argv))
            plan.envp = UnsafePointer(cArray(p.env))
            plan.time_offsets = str(p.timeOffsets)
            childFds.insert(syncFd)
            let keep = childFds.filter { $0 > 2 }.sorted()
            let buf = UnsafeMutablePointer<Int32>.allocate(capacity: max(keep.count, 1))
            for (i, fd) in keep.enumerated() { buf[i] = fd }
            allocations.append(UnsafeMutableRawPointer(buf))
            plan.keep_fds = UnsafePointer(buf)
            plan.nkeep_fds = Int32(keep.count)
        } catch {
            release()
            throw error
        }
    }

    deinit { release() }

    /// Closes the fds and frees the memory (the parent's copy only).
    func release() {
        for fd in fds { Sys.close(fd) }
        fds = []
        for a in allocations { free(a) }
        allocations = []
    }

    private var usernsFds: [String: Int32] = [:]

    /// A user namespace holding the mappings, one per distinct mapping.
    private func usernsFd(_ uids: [LinuxIDMapping], _ gids: [LinuxIDMapping]) throws -> Int32 {
        func render(_ m: [LinuxIDMapping]) -> String { m.map { "\($0.containerID) \($0.hostID) \($0.size)\n" }.joined() }
        let (u, g) = (render(uids), render(gids))
        if let fd = usernsFds[u + "|" + g] { return fd }
        let fd = shim_userns_fd(u, g)
        if fd < 0 { throw RuntimeError("create a user namespace for an idmapped mount (\(u.split(separator: "\n").joined(separator: ", ")))", errno: -fd) }
        fds.append(fd)
        usernsFds[u + "|" + g] = fd
        return fd
    }

    /// The detached copies of the `.detachedBind` and `.idmappedMount`
    /// sources, in step order: cut in one helper (`shim_mount_trees`)
    /// before any step is lowered; with a user namespace, where the host
    /// mounts' flags are locked, as the container's own mounts are.
    private var detachedTrees: [Int32] = []

    private func cutDetachedTrees(_ p: InitPlan) throws {
        let binds = p.steps.indices.compactMap { i -> (index: Int, source: String, recursive: Int32)? in
            switch p.steps[i] {
            case let .detachedBind(source, _, recursive, _), let .idmappedMount(source, _, _, _, recursive, _, _):
                return (i, source, recursive ? 1 : 0)
            default: return nil
            }
        }
        guard !binds.isEmpty else { return }
        let sources = binds.map { str($0.source) }
        var trees = [Int32](repeating: -1, count: binds.count)
        var failed: Int32 = -1
        let userNS = p.newUserNamespace || p.steps.contains { step in
            if case let .setns(_, type) = step { return type == NamespaceKinds.newuser }
            return false
        }
        let r = shim_mount_trees(sources, binds.map(\.recursive), Int32(binds.count), userNS ? 1 : 0, &trees, &failed)
        guard r == 0 else {
            guard failed >= 0 && Int(failed) < binds.count else {
                throw RuntimeError("make a mount namespace to open the bind sources in", errno: -r)
            }
            let b = binds[Int(failed)]
            let field = p.stepFields[b.index].map { $0 + ": " } ?? ""
            throw RuntimeError("\(field)open_tree the bind source", path: b.source, errno: -r)
        }
        fds += trees
        detachedTrees = trees
    }

    private func openFd(_ path: String, _ flags: Int32) throws -> Int32 {
        let fd = try Sys.open(path, flags)
        fds.append(fd)
        return fd
    }

    /// An fd a step hands to the child.
    private func forChild(_ fd: Int32) -> Int64 {
        childFds.insert(fd)
        return Int64(fd)
    }

    private func str(_ s: String?) -> UnsafePointer<CChar>? {
        guard let s else { return nil }
        let p = strdup(s)!
        allocations.append(UnsafeMutableRawPointer(p))
        return UnsafePointer(p)
    }

    private func cArray(_ items: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> {
        let arr = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: items.count + 1)
        for (i, item) in items.enumerated() {
            let p = strdup(item)!
            allocations.append(UnsafeMutableRawPointer(p))
            arr[i] = p
        }
        arr[items.count] = nil
        allocations.append(UnsafeMutableRawPointer(arr))
        return arr
    }

    private func lower(_ step: Step) throws -> shim_step {
        if let c = try lowerFilesystemStep(step) { return c }
        if let c = try lowerCredentialStep(step) { return c }
        return try lowerProcessStep(step)!
    }

    /// Mounts, device nodes, paths in the root.
    private func lowerFilesystemStep(_ step: Step) throws -> shim_step? {
        var c = shim_step()
        func op(_ o: shim_op) { c.op = Int32(o.rawValue) }
        switch step {
        case let .hostPropagation(path, flags):
            // Before the rootfs is opened: a plain host path, with no source.
            op(SHIM_OP_MOUNT_ROOT_PROPAGATION)
            c.flags = UInt64(flags)
            c.s.0 = str(path)
        case let .rootfsBind(path): op(SHIM_OP_ROOTFS_BIND); c.s.0 = str(path)
        case let .rootfsOpen(path): op(SHIM_OP_ROOTFS_OPEN); c.s.0 = str(path)
        case let .mount(source, target, fstype, flags, data, create, sourceInRoot, copyUp):
            op(SHIM_OP_MOUNT)
            c.s = (str(source), str(target), str(fstype), str(data))
            c.flags = UInt64(flags)
            c.n.0 = create.rawValue
            c.n.1 = sourceInRoot ? 1 : 0
            c.n.2 = copyUp ? 1 : 0
        case let .mountSetattr(target, set, clear, recursive):
            op(SHIM_OP_MOUNT_SETATTR)
            c.s.1 = str(target)
            c.n.0 = Int64(bitPattern: set)
            c.n.1 = Int64(bitPattern: clear)
            c.flags = recursive ? 1 : 0
        case let .idmappedMount(source, target, uids, gids, _, recursiveIdmap, create):
            op(SHIM_OP_MOVE_MOUNT)
            let tree = detachedTrees.removeFirst()
            let r = shim_idmap_tree(tree, try usernsFd(uids, gids), recursiveIdmap ? 1 : 0)
            if r < 0 { throw RuntimeError("make an idmapped mount of", path: source, errno: -r) }
            c.n.0 = forChild(tree)
            c.n.1 = create.rawValue
            c.s.1 = str(target)
        case let .detachedBind(_, target, _, create):
            op(SHIM_OP_MOVE_MOUNT)
            c.n.0 = forChild(detachedTrees.removeFirst())
            c.n.1 = create.rawValue
            c.s.1 = str(target)
        case let .remount(target, flags): op(SHIM_OP_REMOUNT); c.s.1 = str(target); c.flags = UInt64(flags)
        case let .mknod(path, mode, major, minor, uid, gid):
            op(SHIM_OP_MKNOD)
            c.s.1 = str(path)
            c.n = (Int64(mode), Int64(bitPattern: makedev(major, minor)), Int64(uid), Int64(gid))
        case let .bindDevice(path, mode, major, minor):
            op(SHIM_OP_BIND_DEVICE)
            c.s.0 = str(path)
            c.s.1 = str(path)
            c.n.0 = Int64(mode)
            c.n.1 = Int64(bitPattern: makedev(major, minor))
        case let .symlink(text, path, replace):
            op(SHIM_OP_SYMLINK); c.s.0 = str(text); c.s.1 = str(path); c.n.0 = replace ? 1 : 0
        case let .mkdir(path): op(SHIM_OP_MKDIR); c.s.1 = str(path)
        case .pivotRoot: op(SHIM_OP_PIVOT_ROOT)
        case .moveRoot: op(SHIM_OP_MOVE_ROOT)
        case .chrootRoot: op(SHIM_OP_CHROOT_ROOT)
        case .maskSource: op(SHIM_OP_MASK_SOURCE)
        case .reopenDevNull: op(SHIM_OP_REOPEN_DEV_NULL)
        case let .maskPath(p): op(SHIM_OP_MASK_PATH); c.s.1 = str(p)
        case let .readonlyPath(p): op(SHIM_OP_READONLY_PATH); c.s.1 = str(p)
        case let .writeFile(path, content): op(SHIM_OP_WRITE_FILE); c.s.0 = str(path); c.s.1 = str(content)
        default: return nil
        }
        return c
    }
    /// Ids, groups, capabilities, seccomp, rlimits.
    private func lowerCredentialStep(_ step: Step) throws -> shim_step? {
        var c = shim_step()
        func op(_ o: shim_op) { c.op = Int32(o.rawValue) }
        switch step {
        case let .setrlimit(name, res, soft, hard):
            op(SHIM_OP_SETRLIMIT)
            c.s.0 = str(name)
            c.n.0 = Int64(res)
            c.n.1 = Int64(bitPattern: soft)
            c.n.2 = Int64(bitPattern: hard)
        case let .setgroups(gids):
            op(SHIM_OP_SETGROUPS)
            let buf = UnsafeMutablePointer<UInt32>.allocate(capacity: max(gids.count, 1))
            for (i, g) in gids.enumerated() { buf[i] = g }
            allocations.append(UnsafeMutableRawPointer(buf))
            c.gids = UnsafePointer(buf)
            c.n.0 = Int64(gids.count)
        case let .setresgid(g): op(SHIM_OP_SETRESGID); c.n.0 = Int64(g)
        case let .setresuid(u): op(SHIM_OP_SETRESUID); c.n.0 = Int64(u)
        case let .keepCaps(on): op(SHIM_OP_KEEPCAPS); c.n.0 = on ? 1 : 0
        case let .capBoundingLimit(keep, last):
            op(SHIM_OP_CAPBSET_LIMIT); c.n.0 = Int64(bitPattern: keep); c.n.1 = Int64(last)
        case let .capset(e, p, i):
            op(SHIM_OP_CAPSET)
            c.n.0 = Int64(bitPattern: e); c.n.1 = Int64(bitPattern: p); c.n.2 = Int64(bitPattern: i)
        case let .ambient(raise, last): op(SHIM_OP_AMBIENT); c.n.0 = Int64(bitPattern: raise); c.n.1 = Int64(last)
        case .noNewPrivileges: op(SHIM_OP_NO_NEW_PRIVS)
        case let .seccomp(program, flags):
            op(SHIM_OP_SECCOMP)
            let buf = UnsafeMutablePointer<UInt64>.allocate(capacity: max(program.count, 1))
            for (i, ins) in program.enumerated() { buf[i] = ins }
            allocations.append(UnsafeMutableRawPointer(buf))
            c.bpf = UnsafeRawPointer(buf)
            c.n.0 = Int64(program.count)
            c.flags = UInt64(flags)
        default: return nil
        }
        return c
    }
    /// Sync, namespaces, hooks, scheduling, the terminal, exec.
    private func lowerProcessStep(_ step: Step) throws -> shim_step? {
        var c = shim_step()
        func op(_ o: shim_op) { c.op = Int32(o.rawValue) }
        switch step {
        case .syncWait: op(SHIM_OP_SYNC_WAIT)
        case let .deathSignal(sig): op(SHIM_OP_DEATHSIG); c.n.0 = Int64(sig)
        case let .dumpable(on): op(SHIM_OP_DUMPABLE); c.n.0 = on ? 1 : 0
        case let .setns(path, type):
            op(SHIM_OP_SETNS)
            c.n.0 = forChild(try openFd(path, O_RDONLY))
            c.n.1 = Int64(type)
            c.s.0 = str(path)
        case let .unshare(flags): op(SHIM_OP_UNSHARE); c.flags = UInt64(UInt32(bitPattern: flags))
        case let .sethostname(h): op(SHIM_OP_SETHOSTNAME); c.s.0 = str(h)
        case let .setdomainname(d): op(SHIM_OP_SETDOMAINNAME); c.s.0 = str(d)
        case let .chdir(p, asUser):
            op(SHIM_OP_CHDIR)
            c.s.0 = str(p)
            c.n.0 = Int64((asUser ? SHIM_CHDIR_RETRY : SHIM_CHDIR_FIRST).rawValue)
        case let .umask(m): op(SHIM_OP_UMASK); c.n.0 = Int64(m)
        case let .preserveFds(n):
            op(SHIM_OP_PRESERVE_FDS)
            c.n.0 = Int64(n)
            childFds.formUnion((0..<Int32(n)).map { 3 + $0 })
        case let .lookupExecutable(name, path): op(SHIM_OP_LOOKUP_EXEC); c.s.0 = str(name); c.s.1 = str(path)
        case .ready: op(SHIM_OP_READY)
        case let .waitExecFifo(path): op(SHIM_OP_WAIT_FIFO); c.n.0 = forChild(try openFd(path, O_PATH))
        case .exec: op(SHIM_OP_EXEC)
        case let .personality(p): op(SHIM_OP_PERSONALITY); c.n.0 = Int64(p)
        case let .ioPriority(v): op(SHIM_OP_IOPRIO); c.n.0 = Int64(v)
        case let .scheduler(policy, flags, nice, priority, runtime, deadline, period):
            op(SHIM_OP_SCHED_SETATTR)
            c.n = (Int64(policy), Int64(bitPattern: flags), Int64(nice), Int64(priority))
            c.x = (runtime, deadline, period, 0)
        case let .cpuAffinity(cpus): op(SHIM_OP_CPU_AFFINITY); c.s.0 = str(cpus)
        case let .memoryPolicy(mode, nodes): op(SHIM_OP_MEMPOLICY); c.n.0 = Int64(mode); c.s.0 = str(nodes)
        case let .fixStdio(uid): op(SHIM_OP_FIX_STDIO); c.n.0 = Int64(uid)
        case let .runHook(path, args, env, timeout, stateFd):
            op(SHIM_OP_RUN_HOOK)
            c.s.0 = str(path)
            c.list.0 = UnsafePointer(cArray(args.isEmpty ? [path] : args))
            c.list.1 = UnsafePointer(cArray(env))
            c.n.0 = Int64(timeout)
            c.n.1 = forChild(stateFd)
        case .setsid: op(SHIM_OP_SETSID)
        case let .terminal(rows, cols, uid, console):
            guard consoleFd >= 0 else { throw RuntimeError("process.terminal: no console socket to send the pty to") }
            op(SHIM_OP_TERMINAL)
            c.n = (forChild(consoleFd), Int64(rows), Int64(cols), Int64(uid))
            c.x.0 = console ? 1 : 0
        default: preconditionFailure("\(step): lowered by another family")
        }
        return c
    }
}
