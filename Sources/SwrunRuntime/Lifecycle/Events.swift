import OCI

extension Runtime {
    /// One stats event, or (with `interval`) a stream of them plus "oom"
    /// events until the container stops, written by `emit`.
    public func events(id: String, statsOnly: Bool, intervalMillis: Int, emit: (ContainerEvent) -> Void) throws {
        try StateStore.validate(id: id)
        let record = try store.load(id)
        guard Runtime.status(of: record) != .stopped else { throw RuntimeError("container \(id) is not running") }
        let cgroups = Runtime.cgroupDriver(of: record)
        if statsOnly {
            emit(ContainerEvent(type: "stats", id: id, data: cgroups.stats()))
            return
        }
        var ooms = cgroups.oomKills()
        var elapsed = intervalMillis
        while Runtime.status(of: record) != .stopped {
            let now = cgroups.oomKills()
            if now > ooms { emit(ContainerEvent(type: "oom", id: id, data: nil)) }
            ooms = now
            if elapsed >= intervalMillis {
                emit(ContainerEvent(type: "stats", id: id, data: cgroups.stats()))
                elapsed = 0
            }
            Sys.sleepMillis(100)
            elapsed += 100
        }
        // An OOM kill of the init stops the container within the same tick.
        if cgroups.oomKills() > ooms { emit(ContainerEvent(type: "oom", id: id, data: nil)) }
    }
}
