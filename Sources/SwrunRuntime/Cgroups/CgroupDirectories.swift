import Glibc

/// Directory work common to both cgroup versions.
public enum CgroupDirectories {
    /// Makes each of `paths` below its hierarchy's mount point; returns the
    /// directories made (deepest first). On failure none is left behind.
    static func makeAll(_ paths: [String], in hierarchies: [CgroupHierarchy]) throws -> [String] {
        var created: [String] = []
        do {
            for (h, path) in zip(hierarchies, paths) {
                let made = try makeAll(path, under: h.mountPoint)
                created = made + created
                if h.controllers.contains("cpuset") && !h.isV2 {
                    try fillEmptyCpusets(along: path, under: h.mountPoint)
                }
            }
        } catch {
            remove(created)
            throw error
        }
        return created.sorted { $0.count > $1.count }
    }

    /// The directories `makeAll` will make (deepest first): those missing now.
    static func missing(_ paths: [String], in hierarchies: [CgroupHierarchy]) -> [String] {
        zip(hierarchies, paths).flatMap { h, path in missing(path, under: h.mountPoint) }
            .sorted { $0.count > $1.count }
    }

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

    /// Every v1 cpuset directory from the mount point down to `path`, made
    /// now or by the caller beforehand, gets its parent's cpus and mems if
    /// it has none (as runc does): a process cannot join a cgroup below an
    /// empty one (ENOSPC).
    static func fillEmptyCpusets(along path: String, under mountPoint: String) throws {
        var cur = mountPoint
        for comp in path.dropFirst(mountPoint.count).split(separator: "/") {
            cur += "/" + comp
            try inheritCpuset(cur)
        }
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

    /// The cgroups below `paths` (not the paths themselves), deepest first.
    static func descendants(of paths: [String]) -> [String] {
        var out: [String] = []
        func walk(_ dir: String, depth: Int) {
            guard depth < 32 else { return }
            for name in (try? Sys.listDirectory(dir)) ?? [] {
                let sub = dir + "/" + name
                var st = stat()
                guard lstat(sub, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { continue }
                walk(sub, depth: depth + 1)
                out.append(sub)
            }
        }
        for p in paths { walk(p, depth: 0) }
        return out.sorted { $0.count > $1.count }
    }

    /// One rmdir each, deepest first, no retry; returns those removed. A
    /// removed cgroup had no process left in it.
    static func removeIfEmpty(_ dirs: [String]) -> Set<String> {
        var removed = Set<String>()
        for dir in dirs.sorted(by: { $0.count > $1.count }) where rmdir(dir) == 0 || errno == ENOENT {
            removed.insert(dir)
        }
        return removed
    }

    /// Removes cgroup directories, deepest first, retrying briefly while
    /// the kernel still counts exiting tasks (EBUSY).
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
