import OCI

enum CpuV2 {
    /// shares (2..262144) map onto cpu.weight (1..10000) as runc maps them.
    static func weight(shares: UInt64) -> UInt64 {
        shares == 0 ? 0 : 1 + ((max(shares, 2) - 2) * 9999) / 262142
    }

    static func writes(_ c: LinuxCPU) throws -> [CgroupWrite] {
        let f = "linux.resources.cpu"
        var out: [CgroupWrite] = []
        if let s = c.shares, s > 0 {
            out.append(CgroupWrite("cpu", "cpu.weight", String(weight(shares: s)), field: f + ".shares"))
        }
        // Without a period the kernel keeps the cgroup's own one.
        if c.quota != nil || c.period != nil {
            let quota = c.quota.map { $0 > 0 ? String($0) : "max" } ?? "max"
            out.append(CgroupWrite("cpu", "cpu.max", c.period.map { "\(quota) \($0)" } ?? quota, field: f + ".quota"))
        }
        if let b = c.burst { out.append(CgroupWrite("cpu", "cpu.max.burst", String(b), field: f + ".burst")) }
        if let i = c.idle { out.append(CgroupWrite("cpu", "cpu.idle", String(i), field: f + ".idle")) }
        if c.realtimePeriod != nil || c.realtimeRuntime != nil {
            throw RuntimeError("\(f).realtimeRuntime: cgroup v2 has no realtime cpu limits")
        }
        return out
    }
}
