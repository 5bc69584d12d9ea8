import Glibc

/// Puts the container in the same path of every mounted hierarchy: each
/// v1 controller (and named hierarchy) and the v2 unified one, as a hybrid
/// host has them. Resource limits are not written yet.
public struct HybridCgroupManager: CgroupManager {
    public let hierarchies: [CgroupHierarchy]
    public let paths: [String]

    public init(hierarchies: [CgroupHierarchy], cgroupsPath: String?, id: String) {
        self.hierarchies = hierarchies
        self.paths = hierarchies.map {
            $0.mountPoint + CgroupPathResolver.inner(cgroupsPath, id: id, ownPath: $0.ownPath)
        }
    }

    public func create() throws -> [String] {
        var created: [String] = []
        do {
            for (h, path) in zip(hierarchies, paths) {
                let made = try CgroupDirectories.makeAll(path, under: h.mountPoint)
                if h.controllers.contains("cpuset") {
                    for dir in made { try CgroupDirectories.inheritCpuset(dir) }
                }
                created = made + created
            }
        } catch {
            CgroupDirectories.remove(created)
            throw error
        }
        return created.sorted { $0.count > $1.count }
    }

    /// A process that joins a frozen cgroup stops at once, and create would
    /// wait forever on an init that never runs: a cgroup the caller froze
    /// (or whose parent it froze) is refused, as runc does.
    public func checkNotFrozen() throws {
        for (h, path) in zip(hierarchies, paths) {
            if h.isV2 {
                let events = (try? Sys.readText(path + "/cgroup.events")) ?? ""
                let requested = (try? Sys.readText(path + "/cgroup.freeze"))?.trimmed == "1"
                if requested || events.split(separator: "\n").contains("frozen 1") {
                    throw RuntimeError("container's cgroup is frozen: \(path) (cgroup.freeze or a parent's); thaw it first")
                }
            } else if h.controllers.contains("freezer") {
                let state = (try? Sys.readText(path + "/freezer.state"))?.trimmed ?? "THAWED"
                if state != "THAWED" {
                    throw RuntimeError("container's cgroup is frozen: \(path)/freezer.state reads \(state); thaw it first")
                }
            }
        }
    }

    /// The directories `create` will make (deepest first): those missing now.
    public func missingDirectories() -> [String] {
        zip(hierarchies, paths).flatMap { h, path in CgroupDirectories.missing(path, under: h.mountPoint) }
            .sorted { $0.count > $1.count }
    }

    /// Writes the device rules to the v1 devices controller: deny all,
    /// then each rule in order. Without one, attaches the eBPF program
    /// that does the same to the v2 cgroup.
    public func apply(deviceRules: [DeviceRule]) throws {
        if !hierarchies.contains(where: { $0.controllers.contains("devices") }) {
            guard let i = hierarchies.firstIndex(where: \.isV2) else {
                throw RuntimeError("linux.resources.devices: this host has neither a v1 devices controller nor a cgroup v2 hierarchy to enforce device rules with")
            }
            try CgroupDeviceProgram(rules: deviceRules).attach(to: paths[i])
            return
        }
        for (h, path) in zip(hierarchies, paths) where h.controllers.contains("devices") {
            // One open of each file: the kernel takes one rule per write.
            let deny = try Sys.open(path + "/devices.deny", O_WRONLY)
            defer { Sys.close(deny) }
            let allow = try Sys.open(path + "/devices.allow", O_WRONLY)
            defer { Sys.close(allow) }
            try CgroupFile.write(deny, path, "devices.deny", "a")
            for rule in deviceRules {
                try CgroupFile.write(rule.allow ? allow : deny, path, rule.allow ? "devices.allow" : "devices.deny", rule.v1Line)
            }
        }
    }

    /// The container's v2 directory, opened for CLONE_INTO_CGROUP (-1 if none).
    public func openV2Directory() -> Int32 {
        guard let i = hierarchies.firstIndex(where: \.isV2) else { return -1 }
        return (try? Sys.open(paths[i], O_RDONLY | O_DIRECTORY)) ?? -1
    }

    public func add(pid: Int32) throws {
        try CgroupProcesses.join(pid: pid, hierarchies: hierarchies, paths: paths, role: "the init")
    }

    public func pids() -> [Int32] { CgroupProcesses.pids(paths) }
}

/// Writes one cgroup file, naming file and value when the kernel refuses.
enum CgroupFile {
    static func write(_ dir: String, _ file: String, _ value: String) throws {
        do {
            try Sys.writeExisting(dir + "/" + file, value)
        } catch let e as RuntimeError {
            throw RuntimeError("write \"\(value)\" to", path: dir + "/" + file, errno: e.errno)
        }
    }

    /// The same through an fd already open on dir/file.
    static func write(_ fd: Int32, _ dir: String, _ file: String, _ value: String) throws {
        do {
            try Sys.writeAll(fd, Array(value.utf8), path: dir + "/" + file)
        } catch let e as RuntimeError {
            throw RuntimeError("write \"\(value)\" to", path: dir + "/" + file, errno: e.errno)
        }
    }
}

/// Directory work common to both cgroup versions.
public enum CgroupDirectories {
    /// mkdir -p below the mount point; returns the directories it made.
    static func makeAll(_ path: String, under mountPoint: String) throws -> [String] {
        var made: [String] = []
        var cur = mountPoint
        for comp in path.dropFirst(mountPoint.count).split(separator: "/") {
            cur += "/" + comp
            if Glibc.mkdir(cur, 0o755) == 0 {
                made.append(cur)
            } else if errno != EEXIST {
                let e = errno
                remove(made.reversed())
                throw RuntimeError("create cgroup", path: cur, errno: e)
            }
        }
        return made
    }

    /// The directories below the mount point that `makeAll` would make.
    static func missing(_ path: String, under mountPoint: String) -> [String] {
        var out: [String] = []
        var cur = mountPoint
        for comp in path.dropFirst(mountPoint.count).split(separator: "/") {
            cur += "/" + comp
            if !out.isEmpty || access(cur, F_OK) != 0 { out.append(cur) }
        }
        return out
    }

    /// A new v1 cpuset cgroup starts with no cpus and mems: nothing can
    /// join it until they are copied from the parent.
    static func inheritCpuset(_ dir: String) throws {
        let parent = String(dir[..<dir.lastIndex(of: "/")!])
        for file in ["cpuset.cpus", "cpuset.mems"] {
            let mine = (try? Sys.readText(dir + "/" + file))?.trimmed ?? ""
            if mine.isEmpty {
                let value = try Sys.readText(parent + "/" + file).trimmed
                try Sys.writeExisting(dir + "/" + file, value)
            }
        }
    }

    /// Removes cgroup directories, deepest first, retrying briefly while
    /// the kernel still counts exiting tasks (EBUSY).
    /// One rmdir each, deepest first, no retry; returns those removed. A
    /// removed cgroup had no process left in it.
    static func removeIfEmpty(_ dirs: [String]) -> Set<String> {
        var removed = Set<String>()
        for dir in dirs.sorted(by: { $0.count > $1.count }) where rmdir(dir) == 0 || errno == ENOENT {
            removed.insert(dir)
        }
        return removed
    }

    public static func remove<S: Sequence>(_ dirs: S) where S.Element == String {
        for dir in dirs.sorted(by: { $0.count > $1.count }) {
            var tries = 0
            while rmdir(dir) < 0 && errno == EBUSY && tries < 50 {
                Sys.sleepMillis(10)
                tries += 1
            }
        }
    }
}
