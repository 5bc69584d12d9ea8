/// One mounted cgroup hierarchy: a v1 hierarchy with its controllers (or
/// a named one like name=systemd), or the v2 unified hierarchy.
public struct CgroupHierarchy: Equatable {
    public var mountPoint: String
    /// v1 controllers, e.g. ["cpu"] or ["name=systemd"]; empty for v2.
    public var controllers: [String]
    public var isV2: Bool
    /// This process's own cgroup in the hierarchy, from /proc/self/cgroup.
    public var ownPath: String

    /// Every cgroup mount in /proc/self/mountinfo, with this process's own
    /// path in each from /proc/self/cgroup. Byte-level on purpose: this
    /// runs on every create, and String splitting cost a quarter of a
    /// millisecond here.
    public static func discover(mountinfo: String, procCgroup: String) -> [CgroupHierarchy] {
        // "5:cpu,cpuacct:/a/b" → (["cpu", "cpuacct"], "/a/b"); v2 is "0::/a".
        var own: [(controllers: [String], path: String)] = []
        var v2Own = "/"
        for line in lines(procCgroup) {
            guard let c1 = line.firstIndex(of: 0x3a), let c2 = line[(c1 + 1)...].firstIndex(of: 0x3a) else { continue }
            let path = string(line[(c2 + 1)...])
            if c2 == c1 + 1 { v2Own = path } else { own.append((split(line[(c1 + 1)..<c2], 0x2c).sorted(), path)) }
        }
        var out: [CgroupHierarchy] = []
        var seen: [[String]] = []
        for line in lines(mountinfo) {
            // id parent major:minor root mountpoint opts [optional...] - fstype source superopts
            let fields = line.split(separator: 0x20)
            guard fields.count > 4, let dash = fields.firstIndex(where: { $0.count == 1 && $0.first == 0x2d }),
                  dash + 1 < fields.count else { continue }
            let fstype = fields[dash + 1]
            if fstype.elementsEqual("cgroup2".utf8) {
                // Each mount point: which one a driver uses is CgroupLayout's choice.
                let mountPoint = unescape(string(fields[4]))
                guard !out.contains(where: { $0.isV2 && $0.mountPoint == mountPoint }) else { continue }
                out.append(CgroupHierarchy(mountPoint: mountPoint, controllers: [], isV2: true, ownPath: v2Own))
            } else if fstype.elementsEqual("cgroup".utf8), dash + 3 < fields.count {
                let ctrls = split(fields[dash + 3], 0x2c)
                    .filter { !notControllers.contains($0) && !$0.hasPrefix("release_agent") }
                let key = ctrls.sorted()
                // One entry per hierarchy: the same one may be mounted twice.
                guard !key.isEmpty, !seen.contains(key) else { continue }
                seen.append(key)
                let path = own.first { $0.controllers == key }?.path ?? "/"
                out.append(CgroupHierarchy(mountPoint: unescape(string(fields[4])), controllers: ctrls, isV2: false, ownPath: path))
            }
        }
        return out
    }

    private static let notControllers: Set<String> = ["rw", "ro", "clone_children", "noprefix", "xattr", "cpuset_v2_mode"]

    private static func lines(_ text: String) -> [ArraySlice<UInt8>] {
        Array(text.utf8).split(separator: 0x0a)
    }

    private static func split(_ bytes: ArraySlice<UInt8>, _ sep: UInt8) -> [String] {
        bytes.split(separator: sep).map(string)
    }

    private static func string(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
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
