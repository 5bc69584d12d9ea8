import OCI

extension Runtime {
    /// Freezes every process of a running container.
    public func pause(id: String) throws {
        let lock = try store.lock(id)
        defer { lock.release() }
        let record = try store.load(id)
        switch Runtime.status(of: record) {
        case .running where record.cgroupPaths.isEmpty:
            throw RuntimeError("container \(id) has no cgroup (rootless, without cgroup permissions): it cannot be paused")
        case .running: try Runtime.cgroupDriver(of: record).freeze()
        case .paused: throw RuntimeError("container \(id) is already paused")
        case let s: throw RuntimeError("container \(id) is not running: \(s.rawValue)")
        }
    }

    /// Thaws a paused container.
    public func resume(id: String) throws {
        // Shared: an `exec --ignore-paused` holds the lock while its
        // process waits, frozen, for this.
        let lock = try store.lock(id, exclusive: false)
        defer { lock.release() }
        let record = try store.load(id)
        guard Runtime.status(of: record) == .paused else {
            throw RuntimeError("container \(id) is not paused")
        }
        try Runtime.cgroupDriver(of: record).thaw()
    }
}
