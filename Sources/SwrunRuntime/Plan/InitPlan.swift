import OCI

/// Everything the parent needs to clone the container init, and the
/// steps the child runs, compiled from config.json with no I/O beyond
/// looking at bind-mount sources.
public struct InitPlan: Equatable {
    public var cloneFlags: Int32 = 0
    /// A pid namespace joined by path is entered before clone.
    public var pidNamespacePath: String?
    public var steps: [Step] = []
    /// The config entry a step comes from ("mounts[3]"), for errors.
    public var stepFields: [Int: String] = [:]
    public var argv: [String] = []
    public var env: [String] = []
    public var uidMappings: [LinuxIDMapping] = []
    /// `/proc/self/timens_offsets` text; the time namespace is then made by
    /// the parent before clone instead of by clone itself.
    public var timeOffsets: String?
    public var gidMappings: [LinuxIDMapping] = []
    /// The parent writes "deny" to the namespace's `setgroups` before its
    /// gid map (a caller that is not root mapping its own gid); the
    /// process then keeps its supplementary groups.
    public var setgroupsDenied = false

    public var newUserNamespace: Bool { cloneFlags & NamespaceKinds.newuser != 0 }
    public var newPidNamespace: Bool { cloneFlags & NamespaceKinds.newpid != 0 }
}

public struct InitPlanInput {
    public var spec: Spec
    public var bundle: String
    public var rootfs: String
    public var noPivot = false
    public var preserveFds = 0
    /// systemd socket activation fds swrun was started with (LISTEN_FDS):
    /// passed on as fds 3..., before the `--preserve-fds` ones, as runc does.
    public var listenFds = 0
    public var fifoPath: String
    /// The host mount holding the rootfs, made private when the rootfs
    /// propagation is shared (pivot_root refuses a shared parent).
    public var rootfsParentMount: String?
    public var cgroupBinds: [MountPlan.CgroupBind] = []
    /// HOME for the process when its env has none (from the rootfs's passwd).
    public var homeDirectory: String?
    /// prestart/createRuntime hooks run between the rootfs setup and
    /// pivot_root: the child waits for them there.
    public var waitForRuntimeHooks = false
    /// The fd (inherited by the child) the parent writes the hooks' state
    /// JSON to; needed with createContainer or startContainer hooks.
    public var hookStateFd: Int32 = -1
    /// The caller's ids when it is not root: a new user namespace's maps
    /// are then written as `IDMapWriter` can.
    public var unprivilegedCaller: (uid: UInt32, gid: UInt32)?
    /// swrun itself runs in a user namespace (root there, as rootless
    /// podman runs its runtime): mknod is refused even without one of the
    /// container's own, so device nodes are bound, as runc does.
    public var runtimeInUserNamespace = false
    /// swrun's own user namespace denies setgroups (`unshare
    /// --map-root-user` makes one so): a new one inherits the denial.
    public var runtimeSetgroupsDenied = false
    public var sourceKind: (String) -> MountTargetKind?

    public init(spec: Spec, bundle: String, rootfs: String, fifoPath: String,
                sourceKind: @escaping (String) -> MountTargetKind? = MountPlan.hostSourceKind) {
        self.spec = spec
        self.bundle = bundle
        self.rootfs = rootfs
        self.fifoPath = fifoPath
        self.sourceKind = sourceKind
    }
}

public enum InitPlanCompiler {
    static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// Compiles a spec that has passed OCI `validate` (Bundle.load runs it):
    /// what the validator checks is not checked again here. What is left
    /// are lookups of validated names, which throw `unvalidated` if an
    /// unchecked spec gets here, and what only the runtime can know.
    public static func compile(_ input: InitPlanInput) throws -> InitPlan {
        let spec = input.spec
        guard let process = spec.process else { throw RuntimeError("process: required to create a container") }
        let linux = spec.linux ?? Linux()
        var plan = InitPlan()
        plan.argv = process.args ?? []
        plan.env = process.env ?? []
        if !plan.env.contains(where: { $0.hasPrefix("HOME=") }) {
            plan.env.append("HOME=" + (input.homeDirectory ?? "/"))
        }
        if input.listenFds > 0 {
            plan.env += ["LISTEN_FDS=\(input.listenFds)", "LISTEN_PID=1"]
        }
        let ns = try namespaces(linux, into: &plan)
        if ns.new & NamespaceKinds.newuser != 0 {
            plan.setgroupsDenied = IDMapWriter.deniesSetgroups(plan.gidMappings, caller: input.unprivilegedCaller)
                || input.runtimeSetgroupsDenied
        }

        var s: [Step] = [.deathSignal(9), .syncWait]
        if ns.new & NamespaceKinds.newuser != 0 && input.unprivilegedCaller != nil {
            // swrun made the init non-dumpable, so its /proc files are
            // root's: a parent that is not root could not write its maps.
            // Nothing but the caller's own processes can reach it meanwhile.
            s = [.deathSignal(9), .dumpable(true), .syncWait, .dumpable(false)]
        }
        if ns.new & NamespaceKinds.newuser != 0 {
            if plan.gidMappings.contains(where: { $0.containerID == 0 }) { s.append(.setresgid(0)) }
            if plan.uidMappings.contains(where: { $0.containerID == 0 }) { s.append(.setresuid(0)) }
        }
        for (path, flag) in NamespaceKinds.ordered.compactMap({ k in ns.joins.first { $0.1 == k.1 } }) {
            s.append(.setns(path: path, type: flag))
        }
        s.append(.setsid)

        let rootfs = try rootfsSteps(input, linux: linux, userNS: ns.user, newUserNS: ns.new & NamespaceKinds.newuser != 0)
        for (i, field) in rootfs.fields { plan.stepFields[s.count + i] = field }
        s += rootfs.steps
        s += try containerSettingSteps(spec, linux: linux)
        // The parent joins the cgroups while the rootfs is set up; the
        // second wait is for that, and the cgroup namespace is rooted there.
        s.append(.syncWait)
        if ns.new & NamespaceKinds.newcgroup != 0 { s.append(.unshare(flags: NamespaceKinds.newcgroup)) }
        let seccomp = try linux.seccomp.map(SeccompCompiler.compile)
        // The pty is bound onto /dev/console only in a mount namespace of
        // the container's own: without one the bind would be the host's.
        let ownMountNS = linux.namespace(.mount) != nil
        let late = try deferredReadonlySteps(spec, into: &plan, at: s.count)
        s += try processSteps(process, env: plan.env, preserveFds: input.listenFds + input.preserveFds, seccomp: seccomp,
                              console: ownMountNS, afterTerminal: late, setgroupsDenied: plan.setgroupsDenied)
        s.append(.waitExecFifo(path: input.fifoPath))
        s += lateSeccomp(process, seccomp)
        // Inside the container, right before the process: paths are the
        // container's (after READY, a failure goes to the init's stderr).
        for (i, hook) in (spec.hooks?.startContainer ?? []).enumerated() {
            plan.stepFields[s.count] = "hooks.startContainer[\(i)]"
            s.append(try hookStep(hook, input.hookStateFd))
        }
        s.append(.exec)
        plan.steps = s
        return plan
    }

    /// An error for a name the OCI validator would have refused: reached
    /// only by a spec that skipped `validate` (a caller's bug).
    static func unvalidated(_ field: String, _ value: String) -> RuntimeError {
        RuntimeError("\(field): \"\(value)\" is not valid (the config was not validated)")
    }

    /// Namespaces: new ones go into the clone flags (returned in `new`),
    /// joined ones are setns steps (`joins`); the mappings go into the plan.
    static func namespaces(_ linux: Linux, into plan: inout InitPlan) throws
        -> (new: Int32, joins: [(String, Int32)], user: Bool) {
        var joins: [(String, Int32)] = []
        var newNS: Int32 = 0
        for (i, ns) in (linux.namespaces ?? []).enumerated() {
            guard let flag = NamespaceKinds.flag(ns.type) else { throw unvalidated("linux.namespaces[\(i)].type", ns.type) }
            if let path = ns.path, !path.isEmpty {
                if ns.type == "pid" { plan.pidNamespacePath = path } else { joins.append((path, flag)) }
            } else {
                newNS |= flag
            }
        }
        if let offsets = linux.timeOffsets, newNS & NamespaceKinds.newtime != 0 {
            // Offsets can be set only before a process enters the namespace:
            // the parent unshares it for its children and writes them first.
            plan.timeOffsets = offsets.sorted(by: { $0.key < $1.key })
                .map { clock, o in "\(clock) \(o.secs ?? 0) \(o.nanosecs ?? 0)\n" }.joined()
            newNS &= ~NamespaceKinds.newtime
        }
        let userNS = linux.namespace(.user) != nil
        if userNS {
            plan.uidMappings = linux.uidMappings ?? []
            plan.gidMappings = linux.gidMappings ?? []
        }
        // The cgroup namespace is unshared once the parent has put the child
        // in its cgroup, so that the namespace is rooted there.
        plan.cloneFlags = newNS & ~NamespaceKinds.newcgroup
        return (newNS, joins, userNS)
    }

    /// hostname, personality, memory policy, domainname, sysctls, the
    /// read-only and masked paths and a read-only root: once the rootfs is
    /// in place, before the cgroups are joined.
    static func containerSettingSteps(_ spec: Spec, linux: Linux) throws -> [Step] {
        var s: [Step] = []
        if let h = spec.hostname, !h.isEmpty { s.append(.sethostname(h)) }
        if let p = linux.personality { s.append(try ProcessScheduling.personalityStep(p)) }
        if let m = linux.memoryPolicy { s.append(try ProcessScheduling.memoryPolicyStep(m)) }
        if let d = spec.domainname, !d.isEmpty { s.append(.setdomainname(d)) }
        // Sysctls go through the container's /proc, before /proc/sys is made read-only.
        for (key, value) in (linux.sysctl ?? [:]).sorted(by: { $0.key < $1.key }) {
            try refuseHostNamespace(sysctl: key, linux: linux)
            s.append(.writeFile(path: "/proc/sys/" + String(key.map { $0 == "." ? "/" : $0 }), content: value))
        }
        for p in linux.readonlyPaths ?? [] { s.append(.readonlyPath(p)) }
        for p in linux.maskedPaths ?? [] { s.append(.maskPath(p)) }
        if spec.root?.readonly == true { s.append(.remount(target: "/", flags: MountFlags.rdonly)) }
        return s
    }

    /// A sysctl of a namespace joined by path that is the runtime's own
    /// (the host's, as `"path": "/proc/1/ns/net"` names it) would change
    /// the host: refused, as runc does.
    static func refuseHostNamespace(sysctl key: String, linux: Linux) throws {
        guard let kind = sysctlNamespace(key), let path = linux.namespace(kind)?.path, !path.isEmpty,
              let theirs = Sys.fileIdentity(path),
              let ours = Sys.fileIdentity("/proc/self/ns/" + ExecPlanCompiler.procName(kind.rawValue)),
              theirs == ours else { return }
        throw RuntimeError("linux.sysctl[\"\(key)\"]: the \(kind.rawValue) namespace \(path) is the runtime's own: setting it would change the host")
    }

    static func hookStep(_ hook: Hook, _ stateFd: Int32) throws -> Step {
        guard stateFd >= 0 else { throw RuntimeError("hooks: no fd for the hooks' state") }
        // Without `env` a hook gets the runtime's environment (runc, crun).
        return .runHook(path: hook.path, args: hook.args ?? [], env: hook.env ?? Sys.environment(),
                        timeoutSeconds: hook.timeout ?? 0, stateFd: stateFd)
    }

    /// From the terminal to READY: what the container's init and an exec'd
    /// process both do once they are in the container. The process has
    /// passed OCI `validateProcess` (in `validate` or ExecPlanCompiler).
    /// `console`: the init's terminal is bound onto /dev/console too.
    /// `afterTerminal`: the init's steps that must follow its console (the
    /// late read-only remounts).
    static func processSteps(_ process: Process, env: [String], preserveFds: Int,
                             seccomp: SeccompCompiler.Program?, console: Bool = false,
                             afterTerminal: [Step] = [], setgroupsDenied: Bool = false) throws -> [Step] {
        let argv0 = process.args?.first ?? ""
        var s: [Step] = []
        if process.terminal == true {
            s.append(.terminal(rows: process.consoleSize?.height ?? 0, cols: process.consoleSize?.width ?? 0,
                               uid: process.user.uid, console: console))
        }
        s += afterTerminal
        s += try rlimitSteps(process.rlimits ?? [])
        // Before the credentials change: SCHED_FIFO and an RT I/O class
        // need capabilities the process may not keep.
        if let sched = process.scheduler { s.append(try ProcessScheduling.schedulerStep(sched)) }
        if let io = process.ioPriority { s.append(try ProcessScheduling.ioPriorityStep(io)) }
        // Only stdio and the preserved fds reach the process.
        s.append(.preserveFds(preserveFds))
        // Without no_new_privs, loading a filter takes CAP_SYS_ADMIN: load
        // it before the credentials change (with it, see lateSeccomp).
        // A filter with a listener also loads here: the listener fd must
        // reach the parent before READY.
        if let seccomp, process.noNewPrivileges != true || seccomp.notifies {
            s.append(.seccomp(program: seccomp.instructions, flags: seccomp.flags))
        }
        // Before the uid change, while it may still chown: a process
        // that is not root can then reopen /dev/stdout (runc does this).
        if process.user.uid != 0 && process.terminal != true { s.append(.fixStdio(uid: process.user.uid)) }
        // The cwd as runc's init enters it: with the runtime's credentials
        // (so a directory only root reaches works), retried as the
        // process's user, before its capabilities, if that was refused.
        s.append(.chdir(process.cwd))
        s += try credentialSteps(process, afterUidChange: [.chdir(process.cwd, asUser: true)], setgroupsDenied: setgroupsDenied)
        if process.noNewPrivileges == true { s.append(.noNewPrivileges) }
        s.append(.umask(process.user.umask ?? 0o022))
        let pathVar = env.last { $0.hasPrefix("PATH=") }.map { String($0.dropFirst(5)) } ?? defaultPath
        s.append(.lookupExecutable(name: argv0, searchPath: pathVar))
        s.append(.deathSignal(0))
        s.append(.ready)
        return s
    }

    /// With no_new_privs the filter goes on last, right before execve, so
    /// that as few syscalls as possible run under it (as runc does).
    static func lateSeccomp(_ process: Process, _ seccomp: SeccompCompiler.Program?) -> [Step] {
        guard let seccomp, process.noNewPrivileges == true, !seccomp.notifies else { return [] }
        return [.seccomp(program: seccomp.instructions, flags: seccomp.flags)]
    }

    /// The late read-only remounts of the tmpfs and /dev mounts (as runc's
    /// finalizeRootfs), each with its `mounts[i]` for errors; `at` is where
    /// the process steps start.
    static func deferredReadonlySteps(_ spec: Spec, into plan: inout InitPlan, at start: Int) throws -> [Step] {
        var steps: [Step] = []
        let terminal = spec.process?.terminal == true ? 1 : 0
        for (i, m) in (spec.mounts ?? []).enumerated() {
            guard let step = try MountPlan.readonlyRemount(for: m) else { continue }
            plan.stepFields[start + terminal + steps.count] = "mounts[\(i)]"
            steps.append(step)
        }
        return steps
    }

    /// Propagation and the rootfs bind; without a mount namespace of the
    /// container's own, nothing that would change the host's mounts.
    static func rootPreparationSteps(_ input: InitPlanInput, linux: Linux, configured: UInt?) -> [Step] {
        guard linux.namespace(.mount) != nil else { return [.rootfsOpen(input.rootfs)] }
        var s: [Step] = []
        // An unbindable root could not be bound onto itself: that one is
        // applied to the new root only.
        let early = configured.map { $0 & MountFlags.unbindable != 0 ? MountFlags.slave | MountFlags.rec : $0 }
        s.append(.hostPropagation(path: "/", flags: early ?? MountFlags.slave | MountFlags.rec))
        // pivot_root refuses a shared parent, and a private one keeps the
        // container's mounts from propagating back to the host (as runc);
        // asked for slave, it stays a slave and still receives the host's.
        if let parent = input.rootfsParentMount {
            let slave = configured.map { $0 & MountFlags.slave != 0 } ?? false
            s.append(.hostPropagation(path: parent, flags: slave ? MountFlags.slave : MountFlags.private))
        }
        s.append(.rootfsBind(input.rootfs))
        return s
    }

    static func rootfsSteps(_ input: InitPlanInput, linux: Linux, userNS: Bool,
                            newUserNS: Bool = false) throws -> (steps: [Step], fields: [Int: String]) {
        var fields: [Int: String] = [:]
        var configured: UInt?
        if let p = linux.rootfsPropagation, !p.isEmpty {
            guard let flags = MountFlags.propagation[p] else { throw unvalidated("linux.rootfsPropagation", p) }
            configured = flags
        }
        var s = rootPreparationSteps(input, linux: linux, configured: configured)

        var mounts = MountPlan(bundle: input.bundle, sourceKind: input.sourceKind)
        mounts.rootfs = input.rootfs
        mounts.cgroupBinds = input.cgroupBinds
        if userNS { mounts.containerMappings = (linux.uidMappings ?? [], linux.gidMappings ?? []) }
        // An unprivileged caller reaches no more than the init it maps to
        // itself, and its own mount namespace locks the host's flags: only
        // root opens the sources first (it could not make the helper's
        // namespaces anyway).
        mounts.openSourcesBeforeUserNamespace = userNS && input.unprivilegedCaller == nil
        var devIsBound = false
        for (i, m) in (input.spec.mounts ?? []).enumerated() {
            let m = newUserNS ? UserNamespaceMounts.adjust(m, linux: linux) : m
            for step in try mounts.steps(for: m, index: i) {
                fields[s.count] = "mounts[\(i)]"
                s.append(step)
            }
            if m.destination == "/dev", (m.options ?? []).contains(where: { $0 == "bind" || $0 == "rbind" }) || m.type == "bind" {
                devIsBound = true
            }
        }
        if !devIsBound {
            s += try DevicePlan.steps(devices: linux.devices ?? [], inUserNamespace: userNS || input.runtimeInUserNamespace)
        }
        if let cwd = input.spec.process?.cwd { s.append(.mkdir(path: cwd)) }
        // The masks bind the host's /dev/null, which is out of reach after
        // pivot_root: a copy of its mount is made here.
        if !(linux.maskedPaths ?? []).isEmpty { s.append(.maskSource) }
        if input.waitForRuntimeHooks { s.append(.syncWait) }
        // In the container's namespaces, paths still those of the host.
        for (i, hook) in (input.spec.hooks?.createContainer ?? []).enumerated() {
            fields[s.count] = "hooks.createContainer[\(i)]"
            s.append(try hookStep(hook, input.hookStateFd))
        }
        // Without a mount namespace of its own, pivot_root (or a move
        // onto /) would change the host's root: only chroot, as runc does.
        s.append(linux.namespace(.mount) == nil ? .chrootRoot : input.noPivot ? .moveRoot : .pivotRoot)
        if let configured { s.append(.hostPropagation(path: "/", flags: configured)) }
        if !devIsBound { s.append(.reopenDevNull) }
        return (s, fields)
    }

    static func rlimitSteps(_ rlimits: [POSIXRlimit]) throws -> [Step] {
        try rlimits.enumerated().map { i, rl in
            guard let res = POSIXRlimit.linuxResources[rl.type] else { throw unvalidated("process.rlimits[\(i)].type", rl.type) }
            return .setrlimit(name: rl.type, resource: res, soft: rl.soft, hard: rl.hard)
        }
    }

    /// Bounding set first (it needs CAP_SETPCAP), then the uid change with
    /// capabilities kept (and `afterUidChange`), then the final sets.
    static func credentialSteps(_ process: Process, afterUidChange: [Step] = [],
                                setgroupsDenied: Bool = false) throws -> [Step] {
        var s: [Step] = []
        let caps = process.capabilities
        if let caps {
            s.append(.capBoundingLimit(keep: Capabilities.mask(caps.bounding),
                                       lastCap: Capabilities.lastCap))
            s.append(.keepCaps(true))
        }
        if !setgroupsDenied {
            s.append(.setgroups(process.user.additionalGids ?? []))
        } else if let gids = process.user.additionalGids, !gids.isEmpty {
            throw RuntimeError("process.user.additionalGids: the user namespace denies setgroups (its gid map is the caller's own gid, written without newgidmap, or swrun's own namespace denies it): no additional groups can be set")
        }
        s.append(.setresgid(process.user.gid))
        s.append(.setresuid(process.user.uid))
        s += afterUidChange
        if let caps {
            let permitted = Capabilities.mask(caps.permitted)
            let inheritable = Capabilities.mask(caps.inheritable)
            s.append(.capset(effective: Capabilities.mask(caps.effective),
                             permitted: permitted, inheritable: inheritable))
            // The kernel allows an ambient capability only if it is both
            // permitted and inheritable; like runc, others are skipped.
            let ambient = Capabilities.mask(caps.ambient) & permitted & inheritable
            if ambient != 0 { s.append(.ambient(raise: ambient, lastCap: Capabilities.lastCap)) }
        }
        return s
    }
}
