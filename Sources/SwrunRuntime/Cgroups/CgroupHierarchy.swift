/// One mounted cgroup hierarchy: a v1 hierarchy with its controllers (or
/// a named one like name=systemd), or the v2 unified hierarchy.
public struct CgroupHierarchy: Equatable {
    public var mountPoint: String
    /// v1 controllers, e.g. ["cpu"] or ["name=systemd"]; empty for v2.
    public var controllers: [String]
    public var isV2: Bool
    /// This process's own cgroup in the hierarchy, from /proc/self/cgroup.
    public var ownPath: String

    /// Parses /proc/self/mountinfo and /proc/self/cgroup.
    public static func discover(mountinfo: String, procCgroup: String) -> [CgroupHierarchy] {
        var own: [String: String] = [:]  // "cpu,cpuacct" or "" (v2) → path
        for line in procCgroup.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            own[String(parts[1])] = String(parts[2])
        }
        var out: [CgroupHierarchy] = []
        for line in mountinfo.split(separator: "\n") where contains(line.utf8, " - cgroup") {
            // id parent major:minor root mountpoint opts [optional...] - fstype source superopts
            let fields = line.split(separator: " ")
            guard let dash = fields.firstIndex(of: "-"), dash + 1 < fields.count, fields.count > 4 else { continue }
            let fstype = fields[dash + 1]
            let mountPoint = unescape(String(fields[4]))
            if fstype == "cgroup2" {
                out.append(CgroupHierarchy(mountPoint: mountPoint, controllers: [], isV2: true, ownPath: own[""] ?? "/"))
            } else if fstype == "cgroup", dash + 3 < fields.count {
                let opts = fields[dash + 3].split(separator: ",").map(String.init)
                let ctrls = opts.filter { !["rw", "ro"].contains($0) && !$0.hasPrefix("release_agent") && $0 != "clone_children" && $0 != "noprefix" && $0 != "xattr" && $0 != "cpuset_v2_mode" }
                let key = own.keys.first { k in
                    let ks = Set(k.split(separator: ",").map(String.init))
                    return !ks.isEmpty && ks == Set(ctrls)
                }
                out.append(CgroupHierarchy(mountPoint: mountPoint, controllers: ctrls, isV2: false,
                                           ownPath: key.flatMap { own[$0] } ?? "/"))
            }
        }
        // One entry per hierarchy: the same hierarchy may be mounted twice.
        var seen = Set<String>()
        return out.filter { seen.insert($0.isV2 ? "v2" : $0.controllers.sorted().joined(separator: ",")).inserted }
    }

    /// A plain byte search: String.contains(String) pulls in the regex
    /// engine's start-up cost.
    static func contains(_ hay: Substring.UTF8View, _ needle: StaticString) -> Bool {
        let n = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        guard let first = n.first else { return true }
        var i = hay.startIndex
        while let at = hay[i...].firstIndex(of: first) {
            if hay[at...].starts(with: n) { return true }
            i = hay.index(after: at)
        }
        return false
    }

    /// mountinfo escapes space, tab, newline and backslash as octal.
    static func unescape(_ s: String) -> String {
        guard s.contains("\\") else { return s }
        var out = [UInt8]()
        let b = Array(s.utf8)
        var i = 0
        while i < b.count {
            if b[i] == 0x5c, i + 3 < b.count,
               let v = UInt8(String(decoding: b[(i + 1)...(i + 3)], as: UTF8.self), radix: 8) {
                out.append(v)
                i += 4
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The directory name the hierarchy gets under a container's cgroup
    /// mount: "cpu", "cpu,cpuacct", "systemd" for name=systemd, "unified"
    /// for v2 beside v1, and "" when v2 is the only hierarchy.
    public func containerName(hostHasOnlyV2: Bool) -> String {
        if isV2 { return hostHasOnlyV2 ? "" : "unified" }
        return controllers.map { $0.hasPrefix("name=") ? String($0.dropFirst(5)) : $0 }.joined(separator: ",")
    }

    public static func current() -> [CgroupHierarchy] {
        let mi = (try? Sys.readText("/proc/self/mountinfo")) ?? ""
        let pc = (try? Sys.readText("/proc/self/cgroup")) ?? ""
        return discover(mountinfo: mi, procCgroup: pc)
    }
}
