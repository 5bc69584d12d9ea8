import Glibc
import OCI

/// The parts of a CRIU request that dump and restore share, and the
/// feature probe, as runc fills them.
enum CriuRequests {
    /// The annotation naming a CRIU configuration file for this container
    /// (empty: none); without it CRIU reads runc's default file, so that a
    /// host set up for runc works unchanged. The file's settings override
    /// the RPC's (CRIU's rule).
    static let configAnnotation = "org.criu.config"
    static let defaultConfigFile = "/etc/criu/runc.conf"

    static func options(_ o: CriuCommonOptions, images: CriuImages, logFile: String,
                        annotations: [String: String]?) -> CriuOpts {
        var r = CriuOpts()
        r.imagesDirFd = images.imageFd
        if images.workFd >= 0 { r.workDirFd = images.workFd }
        r.logLevel = 4
        r.logFile = logFile
        r.manageCgroups = true
        r.notifyScripts = true
        r.shellJob = o.shellJob
        r.tcpEstablished = o.tcpEstablished
        r.extUnixSk = o.extUnixSk
        r.fileLocks = o.fileLocks
        r.emptyNs = o.emptyNamespaceMask
        r.orphanPtsMaster = true
        r.autoDedup = o.autoDedup
        r.lazyPages = o.lazyPages
        if let m = o.manageCgroupsMode { r.manageCgroupsMode = m.criu }
        // CRIU locks the container's network with the iptables-restore
        // binaries unless told otherwise (runc never does); where they are
        // missing, with nftables (through libnftables, which Debian's criu
        // links) rather than fail.
        if (try? resolve("iptables-restore")) == nil { r.networkLock = .nftables }
        if let file = annotations?[configAnnotation] {
            if !file.isEmpty { r.configFile = file }
        } else {
            r.configFile = defaultConfigFile
        }
        return r
    }

    /// The cgroup CRIU freezes the tree with: the v1 freezer hierarchy's
    /// directory, else the v2 one.
    static func freezeCgroup(_ cgroups: any CgroupDriver) -> String? {
        let pairs = Array(zip(cgroups.hierarchies, cgroups.paths))
        return (pairs.first { !$0.0.isV2 && $0.0.controllers.contains("freezer") } ?? pairs.first { $0.0.isV2 })?.1
    }

    /// Asks CRIU (a session of its own) whether it has what a flag needs:
    /// memory tracking for --pre-dump, lazy pages for --lazy-pages.
    static func requireFeatures(criu: String, _ opts: CriuOpts, memTrack: Bool = false, lazyPages: Bool = false,
                                flag: String) throws {
        var req = CriuReq()
        req.type = .featureCheck
        req.opts = opts
        if memTrack { req.features.memTrack = true }
        if lazyPages { req.features.lazyPages = true }
        let session = try CriuSwrk(criu: criu, logPath: nil)
        let resp = try session.serve(req, what: "feature check")
        session.finish()
        if (memTrack && !resp.features.memTrack) || (lazyPages && !resp.features.lazyPages) {
            throw RuntimeError("\(flag): CRIU on this host lacks \(memTrack ? "memory tracking" : "lazy pages") (criu check --feature \(memTrack ? "mem_dirty_track" : "uffd-noncoop"))")
        }
    }

    /// CRIU is driven as root of the initial user namespace only (runc
    /// 1.1.5 goes on with a warning, and CRIU fails part-way): why not here.
    static func refuseRootless(_ verb: String) throws {
        if geteuid() != 0 {
            throw RuntimeError("\(verb) is not supported for a rootless caller (uid \(geteuid())): CRIU needs root in the initial user namespace")
        }
        if Rootless.inUserNamespace() {
            throw RuntimeError("\(verb) is not supported in a user namespace (a rootless caller's): CRIU needs root in the initial user namespace")
        }
    }

    /// The CRIU binary: `--criu` as given when it has a slash, else looked
    /// up in PATH as runc's exec does.
    static func resolve(_ criu: String) throws -> String {
        if criu.contains("/") { return criu }
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        for dir in path.split(separator: ":") where access("\(dir)/\(criu)", X_OK) == 0 {
            return "\(dir)/\(criu)"
        }
        throw RuntimeError("exec: \"\(criu)\": executable file not found in $PATH (install CRIU or pass --criu PATH)")
    }
}
