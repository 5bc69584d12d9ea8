import OCI

extension Runtime {
    /// Changes the resource limits of a created, running or paused container.
    public func update(id: String, resources: LinuxResources) throws {
        let lock = try store.lock(id)
        defer { lock.release() }
        let record = try store.load(id)
        guard Runtime.status(of: record) != .stopped else {
            throw RuntimeError("cannot update a stopped container")
        }
        if let d = resources.devices, !d.isEmpty {
            throw RuntimeError("linux.resources.devices: update of device rules is not supported")
        }
        let limits = RootlessCgroups.limits(resources)
        if record.cgroupPaths.isEmpty && !limits.isEmpty {
            throw RuntimeError("\(limits.joined(separator: ", ")): the container has no cgroup (rootless, without cgroup permissions): no limit can be set")
        }
        try Runtime.cgroupDriver(of: record).update(resources)
    }
}
