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
        try Runtime.cgroupDriver(of: record).update(resources)
    }
}
