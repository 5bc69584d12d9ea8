import Glibc
import OCI

/// runc's rootless cgroup rule: with `--rootless` (auto for a caller that is
/// not root), a container the caller cannot make cgroups for runs without
/// any, if it asks for no `linux.cgroupsPath` and no limit. Limits it asks
/// for fail create, naming them, before anything is made.
enum RootlessCgroups {
    /// The first cgroup file or directory the caller may not write, with
    /// why, or nil when it may make and join all of `paths`: the deepest
    /// existing directory of a missing cgroup, else its `cgroup.procs`.
    static func denied(_ paths: [String]) -> RuntimeError? {
        for path in paths {
            var probe = path + "/cgroup.procs"
            if !Sys.exists(path) {
                probe = path
                while probe != "/" && !Sys.exists(probe) { probe = parent(probe) }
            }
            if faccessat(AT_FDCWD, probe, W_OK, AT_EACCESS) != 0 {
                return RuntimeError("faccessat W_OK", path: probe, errno: errno)
            }
        }
        return nil
    }

    static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    /// The `linux.resources` fields that set a limit (the values runc reads
    /// as "not set" left out). `devices` is not one: a rootless container
    /// gets only the host nodes its user may open anyway.
    static func limits(_ resources: LinuxResources?) -> [String] {
        guard let r = resources?.withoutUnsetValues() else { return [] }
        var set: [String] = []
        func add(_ name: String, _ value: (some Encodable)?) {
            if let value, encodeJSONCompactBytes(value) != Array("{}".utf8) { set.append("linux.resources.\(name)") }
        }
        add("memory", r.memory)
        add("cpu", r.cpu)
        add("pids", r.pids)
        add("blockIO", r.blockIO)
        add("network", r.network)
        if !(r.hugepageLimits ?? []).isEmpty { set.append("linux.resources.hugepageLimits") }
        if !(r.rdma ?? [:]).isEmpty { set.append("linux.resources.rdma") }
        if !(r.unified ?? [:]).isEmpty { set.append("linux.resources.unified") }
        return set
    }

    /// A rootless exec run from outside the container's delegated cgroup
    /// may not move its process in everywhere (v2 asks for the common
    /// ancestor's cgroup.procs): as runc, it joins those it may and stays
    /// in the caller's cgroup in the others, logged in --debug.
    static func add(pid: Int32, to driver: any CgroupDriver, role: String, log: Logger) {
        for (h, path) in zip(driver.hierarchies, driver.paths) {
            do {
                try CgroupProcesses.join(pid: pid, hierarchies: [h], paths: [path], role: role)
            } catch {
                log.debug("rootless: \(error); it stays in the caller's cgroup there")
            }
        }
    }

    /// Whether create goes without cgroups: nil when the caller can make
    /// them (or must, for lack of --rootless; or systemd makes the scope,
    /// the caller's user manager when rootless); else why, for --debug.
    /// Throws when the container needs them: limits or a cgroupsPath.
    static func skip(_ driver: any CgroupDriver, spec: Spec, rootless: Bool) throws -> String? {
        guard rootless, driver.kind != .systemd, let why = denied(driver.paths) else { return nil }
        let limits = limits(spec.linux?.resources)
        if !limits.isEmpty {
            throw RuntimeError("\(limits.joined(separator: ", ")): a rootless container cannot set limits without a cgroup it may write (\(why)); remove them or delegate a cgroup to uid \(geteuid())")
        }
        if let path = spec.linux?.cgroupsPath, !path.isEmpty {
            throw RuntimeError("linux.cgroupsPath \"\(path)\": a rootless container cannot join or create its cgroup (\(why)); remove it to run without a cgroup")
        }
        return "\(why)"
    }
}
