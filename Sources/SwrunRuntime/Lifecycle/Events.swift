import OCI

extension Runtime {
    /// One stats event, or (with `interval`) a stream of them plus "oom"
    /// events until the container stops, written by `emit`.
    public func events(id: String, statsOnly: Bool, intervalMillis: Int, emit: (ContainerEvent) -> Void) throws {
        try StateStore.validate(id: id)
        let record = try store.load(id)
        guard StatusResolver.status(of: record) != .stopped else { throw RuntimeError("container \(id) is not running") }
        let cg = ContainerCgroups(record)
        if statsOnly {
            emit(ContainerEvent(type: "stats", id: id, data: StatsCollector.collect(cg)))
            return
        }
        var ooms = StatsCollector.oomKills(cg)
        var elapsed = intervalMillis
        while StatusResolver.status(of: record) != .stopped {
            let now = StatsCollector.oomKills(cg)
            if now > ooms { emit(ContainerEvent(type: "oom", id: id, data: nil)) }
            ooms = now
            if elapsed >= intervalMillis {
                emit(ContainerEvent(type: "stats", id: id, data: StatsCollector.collect(cg)))
                elapsed = 0
            }
            Sys.sleepMillis(100)
            elapsed += 100
        }
    }
}
