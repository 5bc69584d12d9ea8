import OCI

/// Writes `linux.resources` into the container's cgroups, each controller
/// where the host has it: a v1 hierarchy of its own, else the v2 unified
/// hierarchy (on this kind of hybrid host, hugetlb). A limit the host
/// cannot apply is an error naming the field, the file and the value.
public struct ResourceApplier {
    public let hierarchies: [CgroupHierarchy]
    public let paths: [String]
    var fs: CgroupFS

    public init(hierarchies: [CgroupHierarchy], paths: [String]) {
        self.init(hierarchies: hierarchies, paths: paths, fs: .host)
    }

    init(hierarchies: [CgroupHierarchy], paths: [String], fs: CgroupFS) {
        self.hierarchies = hierarchies
        self.paths = paths
        self.fs = fs
    }

    /// The hierarchy and container directory that serve a controller.
    func place(_ controller: String) -> (hierarchy: CgroupHierarchy, path: String)? {
        if let i = hierarchies.firstIndex(where: { !$0.isV2 && $0.controllers.contains(controller) }) {
            return (hierarchies[i], paths[i])
        }
        if let i = hierarchies.firstIndex(where: \.isV2) {
            let available = fs.read(hierarchies[i].mountPoint + "/cgroup.controllers") ?? ""
            if available.split(whereSeparator: { $0 == " " || $0 == "\n" }).contains(where: { $0 == controller }) { return (hierarchies[i], paths[i]) }
        }
        return nil
    }

    /// The writes, in order, each with the directory it goes to.
    public func plan(_ resources: LinuxResources, updating: Bool = false) throws -> [(dir: String, write: CgroupWrite, v2: Bool)] {
        try writes(resources.withoutUnsetValues(), updating: updating)
    }

    /// The writes of resources already rid of their unset values.
    private func writes(_ r: LinuxResources, updating: Bool) throws -> [(dir: String, write: CgroupWrite, v2: Bool)] {
        var out: [(String, CgroupWrite, Bool)] = []
        func add(_ controller: String, field: String, _ render: (_ v2: Bool, _ dir: String) throws -> [CgroupWrite]) throws {
            guard let (h, dir) = place(controller) else {
                throw RuntimeError("\(field): the \(controller) controller is not available on this host")
            }
            for w in try render(h.isV2, dir) { out.append((dir, w, h.isV2)) }
        }
        if let m = r.memory {
            try add("memory", field: "linux.resources.memory") { v2, dir in
                if v2 { return try MemoryV2.writes(m, hasSwapFile: fs.exists(dir + "/memory.swap.max")) }
                let hasSwapFile = fs.exists(dir + "/memory.memsw.limit_in_bytes")
                if m.swap != nil && !hasSwapFile {
                    throw RuntimeError("linux.resources.memory.swap: swap accounting is off on this host (no memory.memsw.limit_in_bytes)")
                }
                if updating, m.checkBeforeUpdate == true, let limit = m.limit, limit > 0,
                   let usage = fs.read(dir + "/memory.usage_in_bytes").flatMap({ Int64($0.trimmed) }), usage > limit {
                    throw RuntimeError("linux.resources.memory.limit: \(limit) is below the current usage \(usage)")
                }
                let current = fs.read(dir + "/memory.memsw.limit_in_bytes").flatMap { Int64($0.trimmed) }
                return try MemoryV1.writes(m, currentSwapLimit: current, hasSwapFile: hasSwapFile)
            }
        }
        if let c = r.cpu {
            let cpu = try CpuV1.writes(c)
            if !cpu.isEmpty {
                try add("cpu", field: "linux.resources.cpu") { v2, _ in v2 ? try CpuV2.writes(c) : cpu }
            }
            let cpuset = try CpusetController.writes(c)
            if !cpuset.isEmpty { try add("cpuset", field: "linux.resources.cpu.cpus") { _, _ in cpuset } }
        }
        if let p = r.pids { try add("pids", field: "linux.resources.pids") { _, _ in PidsController.writes(p) } }
        if let b = r.blockIO {
            let controller = place("blkio") != nil ? "blkio" : "io"
            try add(controller, field: "linux.resources.blockIO") { v2, dir in
                v2 ? try IoV2.writes(b, exists: { fs.exists(dir + "/" + $0) })
                   : try BlkioV1.writes(b, exists: { fs.exists(dir + "/" + $0) })
            }
        }
        if let h = r.hugepageLimits, !h.isEmpty {
            try add("hugetlb", field: "linux.resources.hugepageLimits") { v2, dir in
                try HugetlbController.writes(h, v2: v2, exists: { fs.exists(dir + "/" + $0) })
            }
        }
        if let n = r.network {
            let writes = NetworkV1.writes(n)
            for w in writes {
                guard let (h, dir) = place(w.controller), !h.isV2 else {
                    throw RuntimeError("\(w.field): the \(w.controller) controller is not available on this host")
                }
                out.append((dir, w, false))
            }
        }
        if let rdma = r.rdma, !rdma.isEmpty { try add("rdma", field: "linux.resources.rdma") { _, _ in RdmaController.writes(rdma) } }
        if let u = r.unified, !u.isEmpty {
            guard let i = hierarchies.firstIndex(where: \.isV2) else {
                throw RuntimeError("linux.resources.unified: this host has no cgroup v2 hierarchy")
            }
            for w in try UnifiedV2.writes(u, exists: { fs.exists(paths[i] + "/" + $0) }) { out.append((paths[i], w, true)) }
        }
        return out
    }

    public func apply(_ resources: LinuxResources?, updating: Bool = false) throws {
        guard let r = resources?.withoutUnsetValues() else { return }
        // A v2 controller's files appear once it is enabled in every
        // parent's subtree_control: enable before looking at them.
        let wanted: [(String, Bool)] = [("memory", r.memory != nil), ("cpu", r.cpu != nil), ("cpuset", r.cpu?.cpus != nil || r.cpu?.mems != nil),
                                        ("pids", r.pids != nil), ("io", r.blockIO != nil), ("hugetlb", !(r.hugepageLimits ?? []).isEmpty),
                                        ("rdma", !(r.rdma ?? [:]).isEmpty)]
        for (controller, needed) in wanted where needed {
            if let (h, dir) = place(controller), h.isV2 { try enableV2(controller, below: dir) }
        }
        for (dir, w, _) in try writes(r, updating: updating) {
            let path = dir + "/" + w.file
            guard fs.exists(path) else {
                throw RuntimeError("\(w.field): this host cannot apply \"\(w.value)\": no \(path)")
            }
            if let errno = fs.write(path, w.value) {
                throw RuntimeError("\(w.field): write \"\(w.value)\" to", path: path, errno: errno)
            }
            if let range = w.clampedBy, let got = fs.read(path)?.trimmed, got != w.value {
                throw RuntimeError("\(w.field): the kernel took \(w.value) as \(got) in \(path) (its range is \(range))")
            }
        }
    }

    func enableV2(_ controller: String, below dir: String) throws {
        guard let h = hierarchies.first(where: \.isV2) else { return }
        var cur = h.mountPoint
        for comp in dir.dropFirst(h.mountPoint.count).split(separator: "/") {
            let file = cur + "/cgroup.subtree_control"
            let on = (fs.read(file) ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" }).contains { $0 == controller }
            if !on, let errno = fs.write(file, "+" + controller) {
                throw RuntimeError("enable the \(controller) controller: write \"+\(controller)\" to", path: file, errno: errno)
            }
            cur += "/" + comp
        }
    }
}

/// File access for the cgroup code: the host's, or a test's directory.
struct CgroupFS {
    var read: (String) -> String?
    var write: (String, String) -> Int32?   // errno on failure
    var exists: (String) -> Bool

    static let host = CgroupFS(
        read: { try? Sys.readText($0) },
        write: { path, value in
            do { try Sys.writeExisting(path, value); return nil } catch let e as RuntimeError { return e.errno ?? 5 } catch { return 5 }
        },
        exists: { Sys.exists($0) }
    )
}
