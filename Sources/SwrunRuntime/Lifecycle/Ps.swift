extension Runtime {
    /// The pids in the container's cgroups (`ps`), read without the lock.
    public func pids(id: String) throws -> [Int32] {
        try StateStore.validate(id: id)
        let record = try store.load(id)
        // Without a cgroup (rootless): what its pid namespace holds.
        if record.cgroupPaths.isEmpty { return Runtime.pidNamespaceMembers(record) }
        return Runtime.cgroupDriver(of: record).pids()
    }
}
