/// The container's cgroup directories matched back to the hierarchies they
/// live in, for the verbs that act on a created container.
public struct ContainerCgroups {
    public let hierarchies: [CgroupHierarchy]
    public let paths: [String]

    public init(_ record: ContainerRecord, hierarchies all: [CgroupHierarchy] = CgroupHierarchy.current()) {
        var hs: [CgroupHierarchy] = []
        var ps: [String] = []
        for path in record.cgroupPaths {
            if let h = all.filter({ path.hasPrefix($0.mountPoint + "/") }).max(by: { $0.mountPoint.count < $1.mountPoint.count }) {
                hs.append(h)
                ps.append(path)
            }
        }
        hierarchies = hs
        paths = ps
    }

    public var applier: ResourceApplier { ResourceApplier(hierarchies: hierarchies, paths: paths) }

    /// The directory of a v1 controller, or of the v2 hierarchy.
    func dir(v1 controller: String) -> String? {
        zip(hierarchies, paths).first { !$0.0.isV2 && $0.0.controllers.contains(controller) }?.1
    }

    var v2Dir: String? { zip(hierarchies, paths).first { $0.0.isV2 }?.1 }
}
