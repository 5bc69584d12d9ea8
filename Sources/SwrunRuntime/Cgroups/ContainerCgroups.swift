/// A container's cgroup directories: one per hierarchy, in the same order
/// as the hierarchies, and which of them (and of their parents) swrun made.
public struct ContainerCgroups {
    public let hierarchies: [CgroupHierarchy]
    public let paths: [String]
    /// The directories swrun made (deepest first): the only ones it removes.
    public let created: [String]

    public init(hierarchies: [CgroupHierarchy], paths: [String], created: [String] = []) {
        self.hierarchies = hierarchies
        self.paths = paths
        self.created = created
    }

    /// Where a new container goes: `linux.cgroupsPath` in every hierarchy;
    /// a relative one, on a v2-only host, below the parent of swrun's own
    /// cgroup (`CgroupPathResolver.placementBase`).
    public init(hierarchies: [CgroupHierarchy], cgroupsPath: String?, id: String, v2Only: Bool = false) {
        self.init(hierarchies: hierarchies, paths: hierarchies.map {
            $0.mountPoint + CgroupPathResolver.inner(cgroupsPath, id: id,
                                                     ownPath: CgroupPathResolver.placementBase(ownPath: $0.ownPath, v2Only: v2Only))
        })
    }

    /// Recorded paths matched back to the hierarchies they live in (the
    /// deepest mount point holding each); a path in none is left out.
    public init(recorded: [String], created: [String], in all: [CgroupHierarchy]) {
        var hs: [CgroupHierarchy] = []
        var ps: [String] = []
        for path in recorded {
            if let h = all.filter({ path.hasPrefix($0.mountPoint + "/") }).max(by: { $0.mountPoint.count < $1.mountPoint.count }) {
                hs.append(h)
                ps.append(path)
            }
        }
        self.init(hierarchies: hs, paths: ps, created: created)
    }

    /// The cgroups swrun made, so that only swrun's processes are in them.
    /// One the caller made beforehand may be shared with others.
    public var madePaths: [String] { paths.filter(created.contains) }
    public var sharedPaths: [String] { paths.filter { !created.contains($0) } }

    /// Those in the hierarchies `include` keeps.
    func only(_ include: (CgroupHierarchy) -> Bool) -> ContainerCgroups {
        let kept = zip(hierarchies, paths).filter { include($0.0) }
        return ContainerCgroups(hierarchies: kept.map(\.0), paths: kept.map(\.1), created: created)
    }

    /// The directory of the first hierarchy holding a v1 controller.
    func dir(v1 controller: String) -> String? {
        zip(hierarchies, paths).first { $0.0.controllers.contains(controller) }?.1
    }
}
