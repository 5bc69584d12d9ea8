/// Builds the driver of a kind: the one place a new kind is added.
public enum CgroupDrivers {
    public static func make(_ kind: CgroupDriverKind, _ cgroups: ContainerCgroups) -> any CgroupDriver {
        switch kind {
        case .v1: return V1Driver(cgroups)
        case .v2: return V2Driver(cgroups)
        case .hybrid: return HybridDriver(cgroups)
        case .systemd:
            let dir = cgroups.paths.first ?? ""
            return SystemdDriver(cgroups, unit: SystemdCgroupPath(scopeDirectory: dir), instance: SystemdInstance(scopeDirectory: dir))
        }
    }

    /// The driver of a created container, acting on the cgroups it
    /// recorded. `kind` is the recorded one; a record from before it was
    /// kept gets the kind its paths show: v2, v1, or both (hybrid).
    public static func forContainer(kind: CgroupDriverKind?, paths: [String], created: [String],
                                    mounted: [CgroupHierarchy] = CgroupHierarchy.current()) -> any CgroupDriver {
        let candidates: [CgroupHierarchy]
        switch kind {
        case .v1: candidates = mounted.filter { !$0.isV2 }
        case .v2: candidates = mounted.filter(\.isV2)
        // A systemd scope is in every hierarchy of a v1 or hybrid host.
        case .systemd: candidates = CgroupLayout.hostIsUnified ? mounted.filter(\.isV2) : mounted
        case .hybrid, nil: candidates = mounted
        }
        let cgroups = ContainerCgroups(recorded: paths, created: created, in: candidates)
        return make(kind ?? derivedKind(cgroups.hierarchies), cgroups)
    }

    static func derivedKind(_ hierarchies: [CgroupHierarchy]) -> CgroupDriverKind {
        let v2 = hierarchies.filter(\.isV2).count
        if v2 == 0 { return .v1 }
        return v2 == hierarchies.count ? .v2 : .hybrid
    }
}
