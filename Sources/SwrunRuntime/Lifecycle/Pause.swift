import OCI

extension Runtime {
    /// Freezes every process of a running container.
    public func pause(id: String) throws {
        let lock = try store.lock(id)
        defer { lock.release() }
        let record = try store.load(id)
        switch StatusResolver.status(of: record) {
        case .running: try Freezer.freeze(ContainerCgroups(record))
        case .paused: throw RuntimeError("container \(id) is already paused")
        case let s: throw RuntimeError("container \(id) is not running: \(s.rawValue)")
        }
    }

    /// Thaws a paused container.
    public func resume(id: String) throws {
        let lock = try store.lock(id)
        defer { lock.release() }
        let record = try store.load(id)
        guard StatusResolver.status(of: record) == .paused else {
            throw RuntimeError("container \(id) is not paused")
        }
        try Freezer.thaw(ContainerCgroups(record))
    }
}
