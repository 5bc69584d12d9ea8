import CShim
import Glibc
import OCI

/// One `create`, in the phases PhaseRunner runs (the fault-injection tests
/// kill swrun after each by name): load bundle, publish state dir, compile
/// plan, create cgroups, clone, join cgroups, child setup, record created.
final class ContainerCreation {
    let runtime: Runtime
    let id: String
    let options: CreateOptions
    private var store: StateStore { runtime.store }
    private var log: Logger { runtime.log }
    private let rollback: Rollback

    // What the phases find and make, in phase order.
    private var bundle: Bundle!
    private var spec: Spec { bundle.spec }
    private var listenFds = 0
    private var mountinfo = ""
    private var warmup: MigrationWarmup?
    /// Rootless without a cgroup: the hierarchies whose caller's cgroup the
    /// container's `cgroup` mounts bind instead.
    private var ownCgroups: [CgroupHierarchy] = []
    private(set) var record: ContainerRecord!
    private var cgroups: (any CgroupDriver)!
    private var lock: ContainerLock?
    private var hookState: Int32 = -1
    private var consoleFd: Int32 = -1
    /// `run -t` without a console socket: where the pty master arrives.
    private(set) var ptySocket: Int32 = -1
    private var input: InitPlanInput!
    private var plan: InitPlan!
    private var child: InitProcess!

    init(runtime: Runtime, id: String, options: CreateOptions) {
        self.runtime = runtime
        self.id = id
        self.options = options
        rollback = Rollback(log: runtime.log)
    }

    deinit {
        warmup?.finish()
        lock?.release()
        Sys.close(consoleFd)
        Sys.close(hookState)
    }

    /// Runs the phases; on failure undoes what they did and rethrows.
    func run() throws {
        PhaseTimer.mark("start of process")
        try PhaseRunner(verb: "create", rollback: rollback, log: log).run([
            ("load bundle", loadBundle),
            ("publish state dir", publishStateDir),
            ("compile plan", compilePlan),
            ("create cgroups", createCgroups),
            ("clone", clone),
            ("join cgroups", joinCgroups),
            ("child setup", childSetup),
            ("record created", recordCreated),
        ])
        log.debug("created container \(id) with init pid \(child.pid)")
    }

    /// Reads config.json and checks what needs no side effect.
    private func loadBundle() throws {
        bundle = try runtime.loadCheckedBundle(options, id: id)
        listenFds = SocketActivation.fdCount()
        try runtime.checkPreservedFds(options.preserveFds, after: listenFds)
    }

    /// Writes the state dir, naming what create is about to make.
    private func publishStateDir() throws {
        mountinfo = (try? Sys.readText("/proc/self/mountinfo")) ?? ""
        let layout = CgroupLayout.detect(mountinfo: mountinfo, procCgroup: (try? Sys.readText("/proc/self/cgroup")) ?? "")
        let withoutCgroup: Bool
        (record, cgroups, withoutCgroup) = try runtime.firstRecord(id: id, bundle: bundle, layout: layout)
        if withoutCgroup {
            // The container's cgroup mounts show the caller's own cgroups, as runc's do.
            ownCgroups = layout.hierarchies
        } else {
            warmup = MigrationWarmup(layout.hierarchies)
        }
        lock = try store.create(record)
        let (store, id) = (store, id)
        rollback.add("remove the state dir") { store.remove(id) }
    }

    /// The hooks' state memfd, the console, the exec fifo, and the plan.
    private func compilePlan() throws {
        // Hooks the init runs itself read their state from this memfd.
        let containerHooks = (spec.hooks?.createContainer ?? []) + (spec.hooks?.startContainer ?? [])
        if !containerHooks.isEmpty {
            hookState = shim_memfd("swrun-hook-state")
            if hookState < 0 { throw RuntimeError("memfd_create for the hooks' state", errno: -hookState) }
        }
        if spec.process?.terminal == true {
            (consoleFd, ptySocket) = try ConsoleSocket.forTerminal(options.consoleSocket)
            rollback.add("close the pty socket") { [unowned self] in Sys.close(self.ptySocket) }
        }
        let fifo = store.fifoPath(id)
        if mkfifo(fifo, 0o622) < 0 { throw RuntimeError("mkfifo", path: fifo, errno: errno) }
        chmod(fifo, 0o622)

        let runtimeHooks = (spec.hooks?.prestart ?? []) + (spec.hooks?.createRuntime ?? [])
        var input = InitPlanInput(spec: spec, bundle: bundle.path, rootfs: bundle.rootfs, fifoPath: fifo)
        input.noPivot = options.noPivot
        input.waitForRuntimeHooks = !runtimeHooks.isEmpty || !(spec.hooks?.createContainer ?? []).isEmpty
        input.hookStateFd = hookState
        input.preserveFds = options.preserveFds
        input.listenFds = listenFds
        if geteuid() != 0 { input.unprivilegedCaller = (geteuid(), getegid()) }
        input.runtimeInUserNamespace = Rootless.inUserNamespace()
        // The initial user namespace always allows setgroups.
        input.runtimeSetgroupsDenied = input.runtimeInUserNamespace
            && (try? Sys.readText("/proc/self/setgroups"))?.trimmed == "deny"
        input.rootfsParentMount = MountTable.mountPoint(containing: bundle.rootfs, mountinfo: mountinfo)
        if let uid = spec.process?.user.uid, let passwd = Passwd.read(rootfs: bundle.rootfs) {
            input.homeDirectory = Passwd.home(uid: uid, passwd: passwd)
        }
        input.cgroupBinds = cgroups.containerBinds(orOwn: ownCgroups)
        self.input = input
        plan = try InitPlanCompiler.compile(input)
    }

    /// Makes the cgroups swrun owns and applies the limits.
    private func createCgroups() throws {
        rollback.add("remove the cgroups create made") { [unowned self] in
            self.cgroups.undoCreate(self.record.createdCgroupDirs)
        }
        try runtime.makeCgroups(cgroups, record: &record, spec: spec)
    }

    private func clone() throws {
        // On v2 the child is born in its cgroup (CLONE_INTO_CGROUP).
        let cgroupFd = cgroups.openCloneTarget()
        defer { Sys.close(cgroupFd) }
        let child = try InitProcess.spawn(plan, consoleFd: consoleFd, cgroupFd: cgroupFd)
        rollback.add("kill the init") { child.abandon() }
        Sys.close(consoleFd)
        consoleFd = -1
        self.child = child
        record.pid = child.pid
        record.initStartTime = ProcStat.read(pid: child.pid)?.startTime
    }

    /// Id maps, then the init joins the cgroups and gets its net devices.
    private func joinCgroups() throws {
        try child.writeIDMaps()
        // systemd makes a scope only around a process: the init must be in
        // it before it goes on to bind the scope's cgroup.
        if cgroups.createdWithTheInit { try cgroups.add(pid: child.pid, role: "the init") }
        try child.proceed()
        if !cgroups.createdWithTheInit { try cgroups.add(pid: child.pid, role: "the init") }
        warmup?.finish()
        try NetDevices.move(spec.linux?.netDevices, initPid: child.pid)
        if let adj = spec.process?.oomScoreAdj { try child.setOOMScoreAdj(adj) }
    }

    /// The runtime's hooks, then the init's own setup up to READY.
    private func childSetup() throws {
        if input.waitForRuntimeHooks {
            // The namespaces exist and the cgroups are joined; the
            // child waits before pivot_root. A hook may ask `state`.
            try store.save(record)
            let state = ociState(.creating)
            try HookRunner.run(spec.hooks?.prestart, kind: "prestart", state: state)
            try HookRunner.run(spec.hooks?.createRuntime, kind: "createRuntime", state: state)
            // Then the child runs the createContainer hooks.
            try HookRunner.writeState(state, to: hookState)
            try child.proceed()
        }
        // Saved while the child keeps the parent-death signal: should
        // this process die before the child is ready, the child dies
        // too and the record reads as stopped.
        record.status = .created
        try store.save(record)
        if !(spec.hooks?.startContainer ?? []).isEmpty {
            // Read by the startContainer hooks, once start releases the init.
            try HookRunner.writeState(ociState(.created), to: hookState)
        }
        try child.proceed()
        let (seccomp, pid, record) = (spec.linux?.seccomp, child.pid, record!)
        try child.waitReady(seccompListener: { fd in
            var state = Runtime.ociState(record)
            state.status = .creating
            try SeccompListener.send(fd, seccomp: seccomp, pid: pid, state: state)
        })
    }

    private func recordCreated() throws {
        guard StatusResolver.initAlive(record) else {
            throw RuntimeError("the container init exited right after setup")
        }
        if let pidFile = options.pidFile { try PidFile.write(pidFile, pid: child.pid) }
        if let socket = options.pidfdSocket { try PidfdSocket.send(socket, pid: child.pid) }
    }

    /// The OCI state of the record as the hooks and listeners see it.
    private func ociState(_ status: ContainerStatus) -> ContainerState {
        var state = Runtime.ociState(record)
        state.status = status
        state.pid = Int(child.pid)
        return state
    }
}
