import OCI

extension Runtime {
    /// The cgroup driver of a created container, acting on what its
    /// create made whatever the host's cgroup view is now.
    static func cgroupDriver(of record: ContainerRecord) -> any CgroupDriver {
        CgroupDrivers.forContainer(kind: record.cgroupDriver, paths: record.cgroupPaths, created: record.createdCgroupDirs)
    }

    /// The container's status: `paused` when its cgroups are frozen.
    static func status(of record: ContainerRecord) -> ContainerStatus {
        StatusResolver.status(of: record, isFrozen: { cgroupDriver(of: $0).isFrozen() })
    }
}
