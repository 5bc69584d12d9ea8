import Glibc

/// The processes in a container's cgroups.
enum CgroupProcesses {
    static func pids(_ paths: [String]) -> [Int32] {
        var seen = Set<Int32>()
        for path in paths {
            guard let text = try? Sys.readText(path + "/cgroup.procs") else { continue }
            for line in text.split(separator: "\n") { if let p = Int32(line) { seen.insert(p) } }
        }
        return seen.sorted()
    }

    /// SIGKILLs every live process in the cgroups until none is left (bounded).
    static func killUntilEmpty(_ paths: [String]) {
        for _ in 0..<200 {
            let live = pids(paths).filter { ProcStat.read(pid: $0).map { !$0.isDead } ?? false }
            if live.isEmpty { return }
            for p in live { _ = Glibc.kill(p, SIGKILL) }
            Sys.sleepMillis(10)
        }
    }

    /// Moves a process into each of the container's cgroups (`paths`, in
    /// `hierarchies`); `role` names it in errors ("the init", "the exec
    /// process"). A process cloned into its v2 cgroup is left there.
    static func join(pid: Int32, hierarchies: [CgroupHierarchy], paths: [String], role: String) throws {
        let v2Now = ((try? Sys.readText("/proc/\(pid)/cgroup")) ?? "").split(separator: "\n")
            .first { $0.hasPrefix("0::") }.map { String($0.dropFirst(3)) }
        for (h, path) in zip(hierarchies, paths) {
            if h.isV2, let v2Now, h.mountPoint + v2Now == path { continue }
            do {
                try Sys.writeExisting(path + "/cgroup.procs", "\(pid)")
            } catch let e as RuntimeError {
                // A hierarchy that lost the container's cgroup is no
                // reason to run the process outside the others.
                throw RuntimeError("add \(role) to cgroup: write \(pid) to", path: path + "/cgroup.procs", errno: e.errno)
            }
        }
    }
}
