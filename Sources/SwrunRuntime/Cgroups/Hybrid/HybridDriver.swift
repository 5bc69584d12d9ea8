/// v1 hierarchies plus the cgroup2 mount at /sys/fs/cgroup/unified: each
/// controller is used where the host has it as v1, else through v2 (on
/// such hosts v2 typically holds hugetlb, or nothing but its core files).
public struct HybridDriver: CgroupDriver {
    public let cgroups: ContainerCgroups
    public var kind: CgroupDriverKind { .hybrid }
    let v1: V1Driver
    let v2: V2Driver

    public init(_ cgroups: ContainerCgroups) {
        self.cgroups = cgroups
        v1 = V1Driver(cgroups.only { !$0.isV2 })
        v2 = V2Driver(cgroups.only(\.isV2))
    }

    /// The driver whose freezer pauses the container: v1's if it has one.
    var freezing: any CgroupDriver { v1.freezer != nil ? v1 : v2 }

    public func checkNotFrozen() throws {
        try v2.checkNotFrozen()
        try v1.checkNotFrozen()
    }

    /// The child is born in its v2 cgroup and joins the v1 ones after.
    public func openCloneTarget() -> Int32 { v2.openCloneTarget() }

    public func apply(deviceRules: [DeviceRule]) throws {
        if v1.hasDevicesController { try v1.apply(deviceRules: deviceRules) } else { try v2.apply(deviceRules: deviceRules) }
    }

    public func freeze() throws { try freezing.freeze() }
    public func thaw() throws { try freezing.thaw() }
    public func isFrozen() -> Bool { freezing.isFrozen() }

    public func thawForKill(_ paths: [String]) {
        v1.thawForKill(paths)
        v2.thawForKill(paths)
    }

    public func killAtOnce(_ paths: [String]) { v2.killAtOnce(paths) }

    /// v2's first; a controller v1 has then replaces its fields.
    public func stats() -> ContainerStats {
        var s = v2.stats()
        V1Stats.read(v1.cgroups, into: &s)
        return s
    }

    public func oomKills() -> UInt64 { v1.hasMemoryController ? v1.oomKills() : v2.oomKills() }
}
