import Glibc
import OCI

extension Runtime {
    /// Saves a running (or paused) container with CRIU into the image
    /// directory. Unless `leaveRunning` or `preDump`, CRIU kills the
    /// container after the dump and swrun deletes it, as runc does; a
    /// failed checkpoint leaves it running (runc 1.1.5 deletes it).
    public func checkpoint(id: String, _ o: CheckpointOptions) throws {
        try StateStore.validate(id: id)
        let lock = try store.lock(id)
        var locked = true
        defer { if locked { lock.release() } }
        let record = try store.load(id)
        let status = Runtime.status(of: record)
        guard status == .running || status == .paused, let pid = record.pid else {
            throw RuntimeError("Container cannot be checkpointed in \(status.rawValue) state")
        }
        try CriuRequests.refuseRootless("checkpoint")
        let cgroups = Runtime.cgroupDriver(of: record)
        let images = try CriuImages.forCheckpoint(o.common, parent: o.parentPath)
        defer { images.close() }
        var opts = CriuRequests.options(o.common, images: images, logFile: "dump.log", annotations: record.annotations)
        opts.pid = pid
        opts.root = record.rootfs
        opts.leaveRunning = o.leaveRunning
        opts.external = try CriuNamespaces.dumpExternals(record.namespaces ?? [])
        if let freezer = CriuRequests.freezeCgroup(cgroups) { opts.freezeCgroup = freezer }
        if let ps = o.pageServer {
            opts.ps.address = ps.address
            opts.ps.port = ps.port
        }
        if !o.parentPath.isEmpty {
            opts.parentImg = o.parentPath
            opts.trackMem = true
        }
        if o.preDump { try CriuRequests.requireFeatures(criu: o.common.criu, opts, memTrack: true, flag: "--pre-dump") }
        if o.common.lazyPages {
            try CriuRequests.requireFeatures(criu: o.common.criu, opts, lazyPages: true, flag: "--lazy-pages")
            if o.statusFd >= 0 {
                let flags = fcntl(o.statusFd, F_GETFL)
                if flags < 0 { throw RuntimeError("invalid --status-fd argument \(o.statusFd)", errno: errno) }
                if flags & O_ACCMODE == O_RDONLY {
                    throw RuntimeError("invalid --status-fd argument \(o.statusFd): not writable")
                }
            }
        }
        var req = CriuReq()
        req.type = o.preDump ? .preDump : .dump
        if !o.preDump {
            // A pre-dump saves memory only.
            opts.extMnt = CriuMounts(record: record, cgroups: cgroups).dumpExternals(initPid: pid)
            try CriuDescriptors.write(pid: pid, to: images)
        }
        req.opts = opts
        let session = try CriuSwrk(criu: o.common.criu, logPath: images.logPath("dump.log"))
        _ = try session.serve(req, what: o.preDump ? "pre-dump" : "dump") { notify, fd in
            Sys.close(fd)
            if notify.script == "status-ready" && o.statusFd >= 0 {
                _ = [UInt8(0)].withUnsafeBytes { write(o.statusFd, $0.baseAddress, 1) }
            }
        }
        let st = session.finish()
        // After answering a pre-dump CRIU waits for more: its status then says nothing.
        if !o.preDump && st != 0 {
            throw RuntimeError("criu dump: criu exited with status \(st)\(session.logHint)")
        }
        if o.leaveRunning || o.preDump { return }
        lock.release()
        locked = false
        try delete(id: id, force: true)
    }
}
