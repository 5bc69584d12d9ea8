import OCI

/// `linux.resources` as systemd unit properties (runc's mapping for the
/// common ones), so that systemd keeps the values across a daemon-reload.
enum SystemdProperties {
    static let infinity = UInt64.max

    static func resources(_ raw: LinuxResources) -> [(String, DBusValue)] {
        let r = raw.withoutUnsetValues()
        var out: [(String, DBusValue)] = []
        if let limit = r.memory?.limit {
            out.append(("MemoryMax", .uint64(limit < 0 ? infinity : UInt64(limit))))
        }
        if let limit = r.pids?.limit {
            out.append(("TasksMax", .uint64(limit <= 0 ? infinity : UInt64(limit))))
        }
        if let shares = r.cpu?.shares, shares >= 2 {
            out.append(("CPUWeight", .uint64(cpuWeight(shares: shares))))
        }
        return out
    }

    /// cpu.shares (2-262144) to cpu.weight (1-10000), as runc and crun map it.
    static func cpuWeight(shares: UInt64) -> UInt64 {
        1 + ((min(shares, 262_144) - 2) * 9999) / 262_142
    }
}
