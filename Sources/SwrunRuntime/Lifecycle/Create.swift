import CShim
import Glibc
import OCI

public struct CreateOptions {
    public var bundle = "."
    public var pidFile: String?
    public var consoleSocket: String?
    public var noPivot = false
    public var noNewKeyring = false
    public var preserveFds = 0
    /// `run` without --console-socket: a terminal container's pty is
    /// proxied to the caller's own terminal.
    var proxyTerminal = false
    public init() {}
}

extension Runtime {
    /// Creates the container: on return its init is blocked on the exec
    /// fifo, the state says `created`, and the caller still is its parent.
    /// A failure leaves nothing behind: no process, cgroup or state.
    @discardableResult
    public func create(id: String, _ options: CreateOptions) throws -> ContainerRecord {
        try createContainer(id: id, options).record
    }

    /// Also returns, for `run -t` without a console socket, the socket on
    /// which the pty master arrives (else -1).
    func createContainer(id: String, _ options: CreateOptions) throws -> (record: ContainerRecord, ptySocket: Int32) {
        PhaseTimer.mark("start of process")
        let bundle = try Bundle.load(options.bundle)
        PhaseTimer.mark("load bundle")
        let spec = bundle.spec
        for property in bundle.unknownProperties {
            log.warnUser("config.json: \(property): unknown property, ignored")
        }
        for warning in capabilityWarnings(spec.process?.capabilities, at: "process.capabilities") {
            log.warnUser("config.json: \(warning)")
        }
        try UnsupportedFeatures.check(spec)
        let ownUserNamespace = (spec.linux?.namespaces ?? []).contains { $0.type == "user" }
        if RuntimeBinarySeal.exposes(spec.process?.capabilities, ownUserNamespace: ownUserNamespace) {
            try RuntimeBinarySeal.ensure()
        }
        let terminal = spec.process?.terminal == true
        if !terminal && options.consoleSocket != nil {
            throw RuntimeError("--console-socket: only valid when process.terminal is true")
        }
        if terminal && options.consoleSocket == nil && !options.proxyTerminal {
            throw RuntimeError("process.terminal: a terminal needs --console-socket")
        }
        try CgroupPathResolver.validate(spec.linux?.cgroupsPath, id: id, systemd: systemdCgroup)
        let listenFds = SocketActivation.fdCount()
        try checkPreservedFds(options.preserveFds, after: listenFds)
        let mountinfo = (try? Sys.readText("/proc/self/mountinfo")) ?? ""
        let layout = CgroupLayout.detect(mountinfo: mountinfo, procCgroup: (try? Sys.readText("/proc/self/cgroup")) ?? "")
        var warmup = MigrationWarmup(layout.hierarchies)
        defer { warmup.finish() }

        let ownPidNS = (spec.linux?.namespaces ?? []).contains { $0.type == "pid" && ($0.path ?? "").isEmpty }
        var record = ContainerRecord(id: id, bundle: bundle.path, rootfs: bundle.rootfs,
                                     created: Clock.rfc3339(nanos: true), owner: "",
                                     annotations: spec.annotations, ownPidNamespace: ownPidNS)
        record.process = spec.process
        record.seccomp = spec.linux?.seccomp
        record.hooks = spec.hooks
        let runtimeHooks = (spec.hooks?.prestart ?? []) + (spec.hooks?.createRuntime ?? [])
        let cgroups = try layout.driver(cgroupsPath: spec.linux?.cgroupsPath, id: id, systemd: systemdCgroup)
        // Recorded before they exist: should this process die half-way,
        // delete removes what it made, and only that.
        record.cgroupDriver = cgroups.kind
        record.cgroupPaths = cgroups.paths
        record.createdCgroupDirs = cgroups.missingDirectories()
        let lock = try store.create(record)
        defer { lock.release() }
        PhaseTimer.mark("publish state dir")
        var initProcess: InitProcess?
        var consoleFd: Int32 = -1
        var ptySocket: Int32 = -1
        defer { Sys.close(consoleFd) }
        // Hooks the init runs itself read their state from this memfd.
        let containerHooks = (spec.hooks?.createContainer ?? []) + (spec.hooks?.startContainer ?? [])
        var hookState: Int32 = -1
        defer { Sys.close(hookState) }
        do {
            if !containerHooks.isEmpty {
                hookState = shim_memfd("swrun-hook-state")
                if hookState < 0 { throw RuntimeError("memfd_create for the hooks' state", errno: -hookState) }
            }
            if terminal { (consoleFd, ptySocket) = try ConsoleSocket.forTerminal(options.consoleSocket) }
            let fifo = store.fifoPath(id)
            if mkfifo(fifo, 0o622) < 0 { throw RuntimeError("mkfifo", path: fifo, errno: errno) }
            chmod(fifo, 0o622)

            var input = InitPlanInput(spec: spec, bundle: bundle.path, rootfs: bundle.rootfs, fifoPath: fifo)
            input.noPivot = options.noPivot
            input.waitForRuntimeHooks = !runtimeHooks.isEmpty || !(spec.hooks?.createContainer ?? []).isEmpty
            input.hookStateFd = hookState
            input.preserveFds = options.preserveFds
            input.listenFds = listenFds
            input.rootfsParentMount = MountTable.mountPoint(containing: bundle.rootfs, mountinfo: mountinfo)
            if let uid = spec.process?.user.uid, let passwd = Passwd.read(rootfs: bundle.rootfs) {
                input.homeDirectory = Passwd.home(uid: uid, passwd: passwd)
            }
            input.cgroupBinds = zip(cgroups.hierarchies, cgroups.paths).map { h, path in
                MountPlan.CgroupBind(name: h.containerName(hostHasOnlyV2: cgroups.kind == .v2), hostPath: path)
            }
            let plan = try InitPlanCompiler.compile(input)
            PhaseTimer.mark("compile plan")

            let planned = record.createdCgroupDirs
            record.createdCgroupDirs = []
            record.createdCgroupDirs = try cgroups.create()
            if Set(record.createdCgroupDirs) != Set(planned) {
                // Another process made or removed one meanwhile.
                try store.save(record)
            }
            try cgroups.checkNotFrozen()
            try cgroups.apply(deviceRules: try DeviceRule.rules(for: spec))
            try cgroups.apply(spec.linux?.resources)
            PhaseTimer.mark("create cgroups")

            // On v2 the child is born in its cgroup (CLONE_INTO_CGROUP).
            let cgroupFd = cgroups.openCloneTarget()
            defer { Sys.close(cgroupFd) }
            let child = try InitProcess.spawn(plan, consoleFd: consoleFd, cgroupFd: cgroupFd)
            Sys.close(consoleFd)
            consoleFd = -1
            initProcess = child
            record.pid = child.pid
            record.initStartTime = ProcStat.read(pid: child.pid)?.startTime
            PhaseTimer.mark("clone")
            try child.writeIDMaps()
            try child.proceed()
            try cgroups.add(pid: child.pid, role: "the init")
            warmup.finish()
            try NetDevices.move(spec.linux?.netDevices, initPid: child.pid)
            if let adj = spec.process?.oomScoreAdj { try child.setOOMScoreAdj(adj) }
            PhaseTimer.mark("join cgroups")
            if input.waitForRuntimeHooks {
                // The namespaces exist and the cgroups are joined; the
                // child waits before pivot_root. A hook may ask `state`.
                try store.save(record)
                var state = Runtime.ociState(record)
                state.status = .creating
                state.pid = Int(child.pid)
                try HookRunner.run(spec.hooks?.prestart, kind: "prestart", state: state)
                try HookRunner.run(spec.hooks?.createRuntime, kind: "createRuntime", state: state)
                // Then the child runs the createContainer hooks.
                try Self.writeHookState(state, to: hookState)
                try child.proceed()
            }
            // Saved while the child keeps the parent-death signal: should
            // this process die before the child is ready, the child dies
            // too and the record reads as stopped.
            record.status = .created
            try store.save(record)
            if !(spec.hooks?.startContainer ?? []).isEmpty {
                // Read by the startContainer hooks, once start releases the init.
                var state = Runtime.ociState(record)
                state.status = .created
                state.pid = Int(child.pid)
                try Self.writeHookState(state, to: hookState)
            }
            try child.proceed()
            try child.waitReady(seccompListener: { fd in
                var state = Runtime.ociState(record)
                state.status = .creating
                try SeccompListener.send(fd, seccomp: spec.linux?.seccomp, pid: child.pid, state: state)
            })
            PhaseTimer.mark("child setup")

            guard StatusResolver.initAlive(record) else {
                throw RuntimeError("the container init exited right after setup")
            }
            if let pidFile = options.pidFile { try PidFile.write(pidFile, pid: child.pid) }
            PhaseTimer.mark("record created")
            log.debug("created container \(id) with init pid \(child.pid)")
            return (record, ptySocket)
        } catch {
            Sys.close(ptySocket)
            initProcess?.abandon()
            CgroupDirectories.remove(record.createdCgroupDirs)
            store.remove(id)
            throw error
        }
    }

    /// Replaces the hooks' state in the memfd the init shares with us.
    static func writeHookState(_ state: ContainerState, to fd: Int32) throws {
        guard fd >= 0 else { return }
        if ftruncate(fd, 0) < 0 { throw RuntimeError("truncate the hooks' state memfd", errno: errno) }
        let bytes = encodeJSONCompactBytes(state)
        let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        if n != bytes.count { throw RuntimeError("write the hooks' state memfd", errno: n < 0 ? errno : EIO) }
    }

    /// --preserve-fds N passes fds 3..3+N-1 (after any LISTEN_FDS ones):
    /// they must be open, or the runtime's own fds would take their numbers.
    func checkPreservedFds(_ n: Int, after listenFds: Int = 0) throws {
        guard n >= 0 else { throw RuntimeError("--preserve-fds: must not be negative") }
        for fd in 3..<(3 + Int32(listenFds)) where fcntl(fd, F_GETFD) < 0 {
            throw RuntimeError("LISTEN_FDS=\(listenFds): fd \(fd) is not open")
        }
        let first = 3 + Int32(listenFds)
        for fd in first..<(first + Int32(n)) where fcntl(fd, F_GETFD) < 0 {
            throw RuntimeError("--preserve-fds \(n): fd \(fd) is not open")
        }
    }
}

/// systemd socket activation: with LISTEN_PID naming this process,
/// LISTEN_FDS fds from 3 on are sockets meant for the container.
enum SocketActivation {
    static func fdCount() -> Int {
        guard let pid = getenv("LISTEN_PID").flatMap({ Int32(String(cString: $0)) }), pid == getpid(),
              let n = getenv("LISTEN_FDS").flatMap({ Int(String(cString: $0)) }), n > 0 else { return 0 }
        return n
    }
}

enum PidFile {
    /// Writes the pid and nothing else, atomically, as runc does.
    static func write(_ path: String, pid: Int32) throws {
        let abs = path.hasPrefix("/") ? path : Sys.getcwd() + "/" + path
        try Sys.writeAtomic(abs, Array("\(pid)".utf8), mode: 0o644)
    }
}

/// Finds mount points in /proc/self/mountinfo.
enum MountTable {
    static func mountPoint(containing path: String, mountinfo: String) -> String? {
        var best: String?
        for line in mountinfo.split(separator: "\n") {
            let f = line.split(separator: " ", maxSplits: 5)
            guard f.count > 4 else { continue }
            let mp = CgroupHierarchy.unescape(String(f[4]))
            let under = mp == "/" || path == mp || path.hasPrefix(mp + "/")
            if under && mp.count >= (best?.count ?? 0) { best = mp }
        }
        return best
    }
}
