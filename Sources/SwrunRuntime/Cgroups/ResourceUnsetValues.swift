import OCI

/// Callers built against runc (Docker, containerd's update, runc's own
/// `update` flags) send 0 for a value they do not set: Docker writes
/// `"blockIO": {"weight": 0}`, `"cpu": {"shares": 0, "quota": 0}`,
/// `"memory": {"reservation": 0, "kernel": 0}` into every config.json and
/// every `update`. runc's cgroup code skips those zeros; this does the same
/// once, before any controller renders its files, so that a zero is never
/// checked or written. Specs/resources.md lists the rules field by field.
extension LinuxResources {
    /// These resources with every value that means "not set" removed.
    public func withoutUnsetValues() -> LinuxResources {
        var r = self
        if var m = r.memory {
            m.limit = m.limit.nonZero
            m.reservation = m.reservation.nonZero
            m.swap = m.swap.nonZero
            m.kernel = m.kernel.nonZero
            m.kernelTCP = m.kernelTCP.nonZero
            r.memory = m
        }
        if var c = r.cpu {
            c.shares = c.shares.nonZero
            c.quota = c.quota.nonZero
            c.period = c.period.nonZero
            c.realtimeRuntime = c.realtimeRuntime.nonZero
            c.realtimePeriod = c.realtimePeriod.nonZero
            c.cpus = c.cpus.nonEmpty
            c.mems = c.mems.nonEmpty
            r.cpu = c
        }
        // runc 1.1 reads a pids limit of 0 as "not set"; see Specs/resources.md.
        if r.pids?.limit == 0 { r.pids?.limit = nil }
        if var b = r.blockIO {
            b.weight = b.weight.nonZero
            b.leafWeight = b.leafWeight.nonZero
            b.weightDevice = b.weightDevice.map { list in
                list.compactMap { d in
                    var d = d
                    d.weight = d.weight.nonZero
                    d.leafWeight = d.leafWeight.nonZero
                    return d.weight == nil && d.leafWeight == nil ? nil : d
                }
            }
            r.blockIO = b
        }
        if r.network?.classID == 0 { r.network?.classID = nil }
        return r
    }
}

extension Optional where Wrapped: BinaryInteger {
    fileprivate var nonZero: Wrapped? { self == 0 ? nil : self }
}

extension Optional where Wrapped == String {
    fileprivate var nonEmpty: String? { self?.isEmpty == true ? nil : self }
}
