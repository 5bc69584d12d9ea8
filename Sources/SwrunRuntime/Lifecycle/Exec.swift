import CShim
import Glibc
import OCI

public struct ExecOptions {
    public var process: Process
    public var consoleSocket: String?
    public var detach = false
    public var pidFile: String?
    public var preserveFds = 0
    public init(process: Process) { self.process = process }
}

extension Runtime {
    /// Runs a new process in a created or running container: it joins the
    /// init's namespaces and cgroups and gets its own credentials, limits
    /// and capabilities. Without `detach`, waits and returns its status.
    public func exec(id: String, _ options: ExecOptions) throws -> Int32 {
        var process = options.process
        if let field = UnsupportedFeatures.processFields(process).first {
            throw RuntimeError("\(field): not supported yet")
        }
        let problems = validateProcessIdentity(process, at: "process")
        if !problems.isEmpty { throw RuntimeError(problems.map(\.description).joined(separator: "\n")) }
        let terminal = process.terminal == true
        if !terminal && options.consoleSocket != nil {
            throw RuntimeError("--console-socket: only valid with a terminal (--tty)")
        }
        if terminal && options.consoleSocket == nil && options.detach {
            throw RuntimeError("--tty with --detach needs --console-socket")
        }
        try checkPreservedFds(options.preserveFds)
        try sealIfExposed(id: id, process: process)

        let lock = try store.lock(id, exclusive: false)
        var locked = true
        defer { if locked { lock.release() } }
        let record = try store.load(id)
        switch StatusResolver.status(of: record) {
        case .created, .running: break
        case .paused: throw RuntimeError("cannot exec in a paused container")
        default: throw RuntimeError("cannot exec in a stopped container")
        }
        let initPid = record.pid!
        let cgroups = ContainerCgroups(record)
        var warmup = MigrationWarmup(cgroups.hierarchies)
        defer { warmup.finish() }
        if !(process.env ?? []).contains(where: { $0.hasPrefix("HOME=") }) {
            let home = Passwd.read(rootfs: record.rootfs).flatMap { Passwd.home(uid: process.user.uid, passwd: $0) }
            process.env = (process.env ?? []) + ["HOME=" + (home ?? "/")]
        }
        let plan = try ExecPlanCompiler.compile(process, target: ExecTarget(initPid: initPid, namespaces: try namespacesToJoin(initPid)),
                                                preserveFds: options.preserveFds,
                                                seccomp: try record.seccomp.map(SeccompCompiler.compile))

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
        let cgroupFd = cgroups.v2Dir.flatMap { try? Sys.open($0, O_RDONLY | O_DIRECTORY) } ?? -1
        defer { Sys.close(cgroupFd) }
        var child = try InitProcess.spawn(plan, consoleFd: consoleFd, cgroupFd: cgroupFd)
        child.operation = "exec"
        PhaseTimer.mark("exec clone")
        Sys.close(consoleFd)
        consoleFd = -1
        do {
            try CgroupProcesses.join(pid: child.pid, hierarchies: cgroups.hierarchies, paths: cgroups.paths,
                                     role: "the exec process")
            warmup.finish()
            PhaseTimer.mark("exec join cgroups")
            if let adj = process.oomScoreAdj { try child.setOOMScoreAdj(adj) }
            try child.proceed()
            try child.waitReady(seccompListener: { fd in
                try SeccompListener.send(fd, seccomp: record.seccomp, pid: child.pid, state: Runtime.ociState(record))
            })
            if let pidFile = options.pidFile { try PidFile.write(pidFile, pid: child.pid) }
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
    func sealIfExposed(id: String, process: Process) throws {
        guard let record = try? store.load(id), let pid = record.pid else { return }
        let ownUserNamespace = (try? namespacesToJoin(pid))?.contains { $0.type == "user" } ?? false
        let byConfig = RuntimeBinarySeal.exposes(record.process?.capabilities, ownUserNamespace: ownUserNamespace)
        let byExec = RuntimeBinarySeal.exposes(process.capabilities, ownUserNamespace: ownUserNamespace)
        let marker = store.directory(id) + "/" + RuntimeBinarySeal.marker
        guard byConfig || byExec || Sys.exists(marker) else { return }
        if byExec && !byConfig {
            if StatusResolver.status(of: record) == .created {
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
            var theirs = stat(), ours = stat()
            guard stat("/proc/\(initPid)/ns/\(name)", &theirs) == 0 else {
                if errno == ENOENT && type == "time" { continue }  // kernels without time namespaces
                throw RuntimeError("stat the container's \(type) namespace", path: "/proc/\(initPid)/ns/\(name)", errno: errno)
            }
            guard stat("/proc/self/ns/\(name)", &ours) == 0 else { continue }
            if theirs.st_ino != ours.st_ino || theirs.st_dev != ours.st_dev { out.append((type, flag)) }
        }
        return out
    }
}
