import CShim
import Glibc
import OCI

public struct ExecOptions {
    public var process: Process
    public var consoleSocket: String?
    public var detach = false
    public var pidFile: String?
    public var preserveFds = 0
    /// Exec into a paused container: the process waits, frozen, until resume.
    public var ignorePaused = false
    /// `--pidfd-socket`: where a pidfd of the process is sent.
    public var pidfdSocket: String?
    /// `--cgroup`: existing sub-cgroups of the container's to run in.
    public var subCgroups: [ExecSubCgroup] = []
    public init(process: Process) { self.process = process }
}

extension Runtime {
    /// Runs a new process in a created or running container: it joins the
    /// init's namespaces and cgroups and gets its own credentials, limits
    /// and capabilities. Without `detach`, waits and returns its status.
    public func exec(id: String, _ options: ExecOptions) throws -> Int32 {
        let process = options.process
        if let field = UnsupportedFeatures.processFields(process).first {
            throw RuntimeError("\(field): not supported yet")
        }
        let problems = validateProcess(process, at: "process")
        if !problems.isEmpty { throw RuntimeError(problems.map(\.description).joined(separator: "\n")) }
        for warning in capabilityWarnings(process.capabilities, at: "process.capabilities") { log.warnUser(warning) }
        let terminal = process.terminal == true
        if !terminal && options.consoleSocket != nil {
            throw RuntimeError("--console-socket: only valid with a terminal (--tty)")
        }
        if terminal && options.consoleSocket == nil && options.detach {
            throw RuntimeError("--tty with --detach needs --console-socket")
        }
        try checkPreservedFds(options.preserveFds)

        let lock = try store.lock(id, exclusive: false)
        var locked = true
        defer { if locked { lock.release() } }
        let record = try store.load(id)
        let status = Runtime.status(of: record)
        switch status {
        case .created, .running: break
        case .paused where options.ignorePaused: break
        case .paused: throw RuntimeError("cannot exec in a paused container (use --ignore-paused to override)")
        default: throw RuntimeError("cannot exec in a stopped container")
        }
        do {
            return try execInto(record, status: status, options, lock: lock, locked: &locked)
        } catch {
            // A kill or delete --force that ends the init meanwhile shows up
            // as a vanished /proc/PID/ns entry, or clone3 into a pid
            // namespace that is going away (ENOMEM): say what happened.
            if Self.initExiting(record) {
                throw RuntimeError("cannot exec in a stopped container: its init exited while the exec was being set up")
            }
            throw error
        }
    }

    /// Whether the init is gone or on its way out (a failure it caused can
    /// be seen before it is a zombie).
    static func initExiting(_ record: ContainerRecord) -> Bool {
        guard let pid = record.pid, let stat = ProcStat.read(pid: pid), stat.startTime == record.initStartTime else { return true }
        return stat.isExiting
    }

    private func execInto(_ record: ContainerRecord, status: ContainerStatus, _ options: ExecOptions,
                          lock: ContainerLock, locked: inout Bool) throws -> Int32 {
        var process = options.process
        let terminal = process.terminal == true
        let initPid = record.pid!
        let namespaces = try namespacesToJoin(initPid)
        // Re-executing (if it must) drops the lock with its close-on-exec fd.
        try sealIfExposed(record, created: status == .created, process: process, namespaces: namespaces)
        let cgroups = try ExecSubCgroup.apply(options.subCgroups, to: Runtime.cgroupDriver(of: record))
        var warmup = MigrationWarmup(cgroups.hierarchies)
        defer { warmup.finish() }
        if !(process.env ?? []).contains(where: { $0.hasPrefix("HOME=") }) {
            let home = Passwd.read(rootfs: record.rootfs).flatMap { Passwd.home(uid: process.user.uid, passwd: $0) }
            process.env = (process.env ?? []) + ["HOME=" + (home ?? "/")]
        }
        // A caller that is not root may not enter the container's pid
        // namespace for the clone (that takes CAP_SYS_ADMIN in its own user
        // namespace): it joins the container's user namespace first, whose
        // owner has every capability there, and the process inherits it.
        let joinsUser = namespaces.contains { $0.type == "user" }
        let parentJoinsUser = geteuid() != 0 && joinsUser && namespaces.contains { $0.type == "pid" }
        var target = ExecTarget(initPid: initPid, namespaces: namespaces.filter { !parentJoinsUser || $0.type != "user" })
        target.setgroupsDenied = joinsUser && (try? Sys.readText("/proc/\(initPid)/setgroups"))?.trimmed == "deny"
        let plan = try ExecPlanCompiler.compile(process, target: target,
                                                preserveFds: options.preserveFds,
                                                seccomp: try record.seccomp.map(SeccompCompiler.compile),
                                                personality: record.personality, memoryPolicy: record.memoryPolicy)

        var consoleFd: Int32 = -1
        var ptySocket: Int32 = -1
        defer { Sys.close(consoleFd); Sys.close(ptySocket) }
        if terminal { (consoleFd, ptySocket) = try ConsoleSocket.forTerminal(options.consoleSocket) }
        var mask = sigset_t()
        sigemptyset(&mask)
        if !options.detach {
            for s in ProcessWaiter.forwarded + [SIGCHLD] { sigaddset(&mask, s) }
            sigprocmask(SIG_BLOCK, &mask, nil)
        }
        // On v2 the process is born in the container's cgroup.
        let cgroupFd = cgroups.openCloneTarget()
        defer { Sys.close(cgroupFd) }
        if parentJoinsUser {
            try check(shim_join_user_namespace("/proc/\(initPid)/ns/user"), "join the container's user namespace",
                      path: "/proc/\(initPid)/ns/user")
        }
        let child = try ExecProcess.spawn(plan, consoleFd: consoleFd, cgroupFd: cgroupFd)
        PhaseTimer.mark("exec clone")
        Sys.close(consoleFd)
        consoleFd = -1
        do {
            // A user manager's scope is joined through the manager if need be.
            if rootlessCgroups && cgroups.kind != .systemd {
                RootlessCgroups.add(pid: child.pid, to: cgroups, role: "the exec process", log: log)
            } else {
                try cgroups.add(pid: child.pid, role: "the exec process")
            }
            warmup.finish()
            PhaseTimer.mark("exec join cgroups")
            if let adj = process.oomScoreAdj { try child.setOOMScoreAdj(adj) }
            try child.proceed()
            try child.waitReady(seccompListener: { fd in
                try SeccompListener.send(fd, seccomp: record.seccomp, pid: child.pid, state: Runtime.ociState(record))
            })
            if let pidFile = options.pidFile { try PidFile.write(pidFile, pid: child.pid) }
            if let socket = options.pidfdSocket { try PidfdSocket.send(socket, pid: child.pid) }
            PhaseTimer.mark("exec ready")
        } catch {
            child.abandon()
            throw error
        }
        lock.release()
        locked = false
        if options.detach { return 0 }
        var master: Int32 = -1
        if ptySocket >= 0 { master = (try? ConsoleSocket.receiveFd(ptySocket)) ?? -1 }
        return ProcessWaiter(pid: child.pid, mask: mask, ptyMaster: master).wait()
    }

    /// Runs this exec from the sealed binary when a process of the container
    /// may hold CAP_SYS_PTRACE: the config grants it, this exec does, or an
    /// earlier one did. An exec that grants it beyond the config while the
    /// init (not sealed) still waits for start is refused.
    func sealIfExposed(_ record: ContainerRecord, created: Bool, process: Process,
                       namespaces: [(type: String, flag: Int32)]) throws {
        let ownUserNamespace = namespaces.contains { $0.type == "user" }
        let byConfig = RuntimeBinarySeal.exposes(record.process?.capabilities, ownUserNamespace: ownUserNamespace)
        let byExec = RuntimeBinarySeal.exposes(process.capabilities, ownUserNamespace: ownUserNamespace)
        let marker = store.directory(record.id) + "/" + RuntimeBinarySeal.marker
        guard byConfig || byExec || Sys.exists(marker) else { return }
        if byExec && !byConfig {
            if created {
                throw RuntimeError("exec: CAP_SYS_PTRACE beyond the container's config would reach its init, "
                    + "which still runs swrun until start: start the container first")
            }
            let fd = Glibc.open(marker, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd < 0 { throw RuntimeError("create", path: marker, errno: errno) }
            Glibc.close(fd)
        }
        try RuntimeBinarySeal.ensure()
    }

    /// The init's namespaces that are not ours: those the process joins.
    func namespacesToJoin(_ initPid: Int32) throws -> [(type: String, flag: Int32)] {
        var out: [(type: String, flag: Int32)] = []
        for (type, flag) in NamespaceKinds.ordered {
            let name = ExecPlanCompiler.procName(type)
            guard let theirs = Sys.fileIdentity("/proc/\(initPid)/ns/\(name)") else {
                if errno == ENOENT && type == "time" { continue }  // kernels without time namespaces
                throw RuntimeError("stat the container's \(type) namespace", path: "/proc/\(initPid)/ns/\(name)", errno: errno)
            }
            guard let ours = Sys.fileIdentity("/proc/self/ns/\(name)") else { continue }
            if theirs != ours { out.append((type, flag)) }
        }
        return out
    }
}
