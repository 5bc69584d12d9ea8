import CShim
import Glibc
import OCI

/// One `restore`, in phases like create's (PhaseRunner; the fault-injection
/// tests kill swrun after each by name): check the bundle and the images,
/// publish the state dir, make the cgroups and the mount points, bind the
/// rootfs where CRIU wants it, run CRIU's restore inside the cgroups,
/// unbind, record the restored init.
final class ContainerRestore {
    let runtime: Runtime
    let id: String
    let options: RestoreOptions
    private var store: StateStore { runtime.store }
    private let rollback: Rollback
    private var bundle: Bundle!
    private var spec: Spec { bundle.spec }
    private var images: CriuImages?
    private var inheritedPipes: [InheritFd] = []
    private(set) var record: ContainerRecord!
    private var cgroups: (any CgroupDriver)!
    private var lock: ContainerLock?
    private var criuRoot = ""
    private var consoleFd: Int32 = -1
    /// Without a console socket, the pty master of a terminal container,
    /// which the foreground restore proxies (else -1).
    private(set) var ptyMaster: Int32 = -1

    init(runtime: Runtime, id: String, options: RestoreOptions) {
        self.runtime = runtime
        self.id = id
        self.options = options
        rollback = Rollback(log: runtime.log)
    }

    deinit {
        lock?.release()
        images?.close()
        Sys.close(consoleFd)
    }

    func run() throws {
        try PhaseRunner(verb: "restore", rollback: rollback, log: runtime.log).run([
            ("restore load bundle", loadBundle),
            ("restore publish state dir", publishStateDir),
            ("restore create cgroups", createCgroups),
            ("restore mount points", { try CriuMountPoints.make(self.spec.mounts ?? [], rootfs: self.record.rootfs,
                                                                 bundle: self.bundle.path) }),
            ("restore bind root", bindRoot),
            ("restore criu", restoreWithCriu),
            ("restore unbind root", unbindRoot),
            ("restore record", recordRestored),
        ])
        // Unlocked before a foreground restore waits, as run does: kill,
        // exec and delete --force from others must get through.
        lock?.release()
        lock = nil
        runtime.log.debug("restored container \(id) with init pid \(record.pid ?? 0)")
    }

    /// The bundle, checked as create checks it, and the images: nothing
    /// is made before both are found good.
    private func loadBundle() throws {
        try CriuRequests.refuseRootless("restore")
        var create = CreateOptions()
        create.bundle = options.bundle
        create.consoleSocket = options.consoleSocket
        create.proxyTerminal = !options.detach && options.consoleSocket == nil
        bundle = try runtime.loadCheckedBundle(create, id: id)
        let images = try CriuImages.forRestore(options.common)
        self.images = images
        inheritedPipes = try CriuDescriptors.inheritedPipes(from: images)
        if let socket = options.consoleSocket {
            consoleFd = try UnixSocket.connect(socket, what: "--console-socket")
        }
    }

    private func publishStateDir() throws {
        let layout = CgroupLayout.detect(mountinfo: (try? Sys.readText("/proc/self/mountinfo")) ?? "",
                                         procCgroup: (try? Sys.readText("/proc/self/cgroup")) ?? "")
        (record, cgroups, _) = try runtime.firstRecord(id: id, bundle: bundle, layout: layout)
        lock = try store.create(record)
        let (store, id) = (store, id)
        rollback.add("remove the state dir") { store.remove(id) }
    }

    private func createCgroups() throws {
        rollback.add("remove the cgroups restore made") { [unowned self] in
            self.cgroups.undoCreate(self.record.createdCgroupDirs)
        }
        try runtime.makeCgroups(cgroups, record: &record, spec: spec)
    }

    /// CRIU wants its root to be a mount point whose parent is not
    /// overmounted: the rootfs bound (recursively) at
    /// `<root>/<id>/criu-root`, as runc does, unmounted after the restore.
    /// (A restore killed meanwhile leaves it to `delete`, whose removal of
    /// the state dir detaches mounts and never walks into them.)
    private func bindRoot() throws {
        let dir = store.directory(id) + "/criu-root"
        try Sys.mkdir(dir, 0o755)
        if Glibc.mount(record.rootfs, dir, nil, UInt(MS_BIND | MS_REC), nil) < 0 {
            let e = errno
            rmdir(dir)
            throw RuntimeError("bind the rootfs for criu onto", path: dir, errno: e)
        }
        criuRoot = dir
        rollback.add("unbind the rootfs from criu-root") { [unowned self] in self.unbindRoot() }
    }

    private func unbindRoot() {
        guard !criuRoot.isEmpty else { return }
        umount2(criuRoot, Int32(MNT_DETACH))
        rmdir(criuRoot)
        criuRoot = ""
    }

    private func recordRestored() throws {
        if let pidFile = options.pidFile { try PidFile.write(pidFile, pid: record.pid!) }
    }

    /// The restore request, as runc fills it.
    private func request(images: CriuImages) throws -> (CriuReq, [Int32]) {
        var opts = CriuRequests.options(options.common, images: images, logFile: "restore.log",
                                        annotations: spec.annotations)
        opts.evasiveDevices = true
        opts.rstSibling = true
        opts.root = criuRoot
        let ns = try CriuNamespaces.restore(spec.linux?.namespaces ?? [], firstFd: 4)
        opts.joinNs = ns.join
        opts.inheritFd = ns.inherit + inheritedPipes
        opts.extMnt = CriuMounts(record: record, cgroups: cgroups).restoreExternals(bundle: bundle.path)
        var req = CriuReq()
        req.type = .restore
        req.opts = opts
        return (req, ns.fds)
    }

    private func restoreWithCriu() throws {
        let images = self.images!
        var (req, nsFds) = try request(images: images)
        defer { nsFds.forEach(Sys.close) }
        let session = try CriuSwrk(criu: options.common.criu, extraFds: nsFds, logPath: images.logPath("restore.log"))
        // CRIU's restored tasks are its children: in the cgroups from the start.
        try cgroups.add(pid: session.pid, role: "criu")
        req.opts.cgRoot = try cgroupRoots(of: session.pid)
        let resp = try session.serve(req, what: "restore") { notify, fd in
            try self.handle(notify, fd: fd)
        }
        let st = session.finish()
        if record.pid == nil && resp.hasRestore { try noteRestored(pid: resp.restore.pid) }
        if st != 0 { throw RuntimeError("criu restore: criu exited with wait status \(st)\(session.logHint)") }
        guard StatusResolver.initAlive(record) else {
            throw RuntimeError("the restored init exited right after the restore")
        }
    }

    /// Where CRIU's own cgroup is (it joined the new container's cgroups):
    /// the images' cgroups are rebuilt below it. runc names the v1
    /// controllers only; swrun also gives the v2 one as the global root,
    /// or CRIU would put the tasks back into the cgroup they were dumped
    /// from, which is another container's after a restore under a new id.
    private func cgroupRoots(of pid: Int32) throws -> [CgroupRoot] {
        let text = try Sys.readText("/proc/\(pid)/cgroup")
        var roots: [CgroupRoot] = []
        for line in text.split(separator: "\n") {
            let f = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard f.count == 3 else { continue }
            for ctrl in f[1].isEmpty ? [""] : f[1].split(separator: ",") {
                var r = CgroupRoot()
                if !ctrl.isEmpty { r.ctrl = String(ctrl) }
                r.path = String(f[2])
                roots.append(r)
            }
        }
        return roots
    }

    /// CRIU's notifications: the runtime hooks once the namespaces exist,
    /// the restored init's pid, the new pty master of a terminal.
    private func handle(_ notify: CriuNotify, fd: Int32) throws {
        switch notify.script {
        case "setup-namespaces":
            Sys.close(fd)
            var state = Runtime.ociState(record)
            state.status = .creating
            state.pid = Int(notify.pid)
            try HookRunner.run(spec.hooks?.prestart, kind: "prestart", state: state)
            try HookRunner.run(spec.hooks?.createRuntime, kind: "createRuntime", state: state)
        case "post-restore":
            Sys.close(fd)
            try noteRestored(pid: notify.pid)
        case "orphan-pts-master":
            guard fd >= 0 else { throw RuntimeError("criu sent no pty master with orphan-pts-master") }
            if consoleFd >= 0 {
                defer { Sys.close(fd) }
                let tag = Array("/dev/ptmx\0".utf8)
                let r = tag.withUnsafeBytes { shim_send_with_fd(consoleFd, fd, $0.baseAddress, $0.count) }
                try check(r, "send the pty master to --console-socket", path: options.consoleSocket)
            } else {
                Sys.close(ptyMaster)
                ptyMaster = fd
            }
        default:
            Sys.close(fd)
        }
    }

    /// Records the restored init: `created` with its pid and no exec fifo,
    /// which reads as `running` (Specs/state-dir.md §3).
    private func noteRestored(pid: Int32) throws {
        record.pid = pid
        record.initStartTime = ProcStat.read(pid: pid)?.startTime
        record.status = .created
        record.created = Clock.rfc3339(nanos: true)
        let restored = pid
        rollback.add("kill the restored init") { _ = Glibc.kill(restored, SIGKILL); var st: Int32 = 0; _ = shim_waitpid(restored, &st, 0) }
        try store.save(record)
    }
}
