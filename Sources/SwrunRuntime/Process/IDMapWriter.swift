import CShim
import Glibc
import OCI

/// Writes a new user namespace's id maps. Root writes them itself. A
/// caller that is not root may write only a single mapping of its own id
/// (for the gid map, after "deny" is written to `setgroups`); any other
/// map goes through the setuid helpers newuidmap/newgidmap, which check it
/// against /etc/subuid and /etc/subgid (as runc and crun do).
enum IDMapWriter {
    /// Whether `m` maps just `id`, the one map an unprivileged caller may write.
    static func mapsOnly(_ id: UInt32, _ m: [LinuxIDMapping]) -> Bool {
        m.count == 1 && m[0].size == 1 && m[0].hostID == id
    }

    /// Whether a caller that is not root writes this gid map itself, which
    /// needs setgroups denied in the namespace for good.
    static func deniesSetgroups(_ gids: [LinuxIDMapping], caller: (uid: UInt32, gid: UInt32)?) -> Bool {
        guard let caller else { return false }
        return mapsOnly(caller.gid, gids)
    }

    static func write(pid: Int32, uids: [LinuxIDMapping], gids: [LinuxIDMapping], denySetgroups: Bool) throws {
        if geteuid() != 0 { waitUntilDumpable(pid) }
        try write(pid: pid, kind: "uid", uids, field: "linux.uidMappings")
        if denySetgroups {
            do {
                try Sys.writeExisting("/proc/\(pid)/setgroups", "deny")
            } catch let e as RuntimeError {
                throw RuntimeError("deny setgroups before writing linux.gidMappings to", path: "/proc/\(pid)/setgroups", errno: e.errno)
            }
        }
        try write(pid: pid, kind: "gid", gids, field: "linux.gidMappings")
    }

    private static func write(pid: Int32, kind: String, _ m: [LinuxIDMapping], field: String) throws {
        let path = "/proc/\(pid)/\(kind)_map"
        do {
            try Sys.writeExisting(path, m.map { "\($0.containerID) \($0.hostID) \($0.size)\n" }.joined())
        } catch let e as RuntimeError where e.errno == EPERM && geteuid() != 0 {
            try runHelper("new\(kind)map", pid: pid, m, field: field, path: path)
        } catch let e as RuntimeError {
            throw RuntimeError("write \(field) to", path: path, errno: e.errno)
        }
    }

    /// `newuidmap PID CONTAINER HOST SIZE...`; its output goes into the error.
    private static func runHelper(_ name: String, pid: Int32, _ m: [LinuxIDMapping], field: String, path: String) throws {
        let what = "write \(field) to `\(path)`: uid \(geteuid()) may map only its own id itself; for more"
        guard let helper = find(name) else {
            throw RuntimeError("\(what), \(name) is needed and was not found in PATH (install the uidmap package)")
        }
        let args = [name, "\(pid)"] + m.flatMap { ["\($0.containerID)", "\($0.hostID)", "\($0.size)"] }
        let argv = args.map { strdup($0) } + [nil]
        let envp = Sys.environment().map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var result = shim_hook_result()
        let r = shim_run_hook(helper, argv, envp, -1, 10, &result)
        if r < 0 { throw RuntimeError("\(what), run", path: helper, errno: -r) }
        guard result.status == 0, result.timed_out == 0 else {
            let output = withUnsafeBytes(of: result.output) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }.trimmed
            throw RuntimeError("\(what), \(args.joined(separator: " ")) failed (status \(result.status >> 8))"
                + (output.isEmpty ? "" : ": \(output)") + "; /etc/sub\(name.dropFirst(3).prefix(3))id must grant uid \(geteuid()) the host ids")
        }
    }

    /// The init is cloned non-dumpable, so its /proc files are root's; its
    /// first steps make it dumpable until the maps are written (the
    /// `dumpable` steps). Waits (at most 2 s) until its /proc files are the
    /// caller's: the kernel gives them the task's owner again on lookup.
    static func waitUntilDumpable(_ pid: Int32) {
        var st = stat()
        for _ in 0..<2000 {
            guard stat("/proc/\(pid)/uid_map", &st) == 0 else { return }
            if st.st_uid == geteuid() { return }
            Sys.sleepMillis(1)
        }
    }

    /// `name` in PATH, else in /usr/bin.
    static func find(_ name: String) -> String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? ""
        for dir in path.split(separator: ":") + ["/usr/bin"] where access("\(dir)/\(name)", X_OK) == 0 {
            return "\(dir)/\(name)"
        }
        return nil
    }
}
