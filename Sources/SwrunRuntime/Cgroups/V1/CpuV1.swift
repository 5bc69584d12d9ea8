import OCI

enum CpuV1 {
    static func writes(_ c: LinuxCPU) throws -> [CgroupWrite] {
        let f = "linux.resources.cpu"
        var out: [CgroupWrite] = []
        if let s = c.shares { out.append(CgroupWrite("cpu", "cpu.shares", String(s), field: f + ".shares", clampedBy: "2-262144")) }
        // The period first: a quota is checked against it.
        if let p = c.period { out.append(CgroupWrite("cpu", "cpu.cfs_period_us", String(p), field: f + ".period")) }
        if let q = c.quota { out.append(CgroupWrite("cpu", "cpu.cfs_quota_us", Limit.v1(q), field: f + ".quota")) }
        if let b = c.burst { out.append(CgroupWrite("cpu", "cpu.cfs_burst_us", String(b), field: f + ".burst")) }
        if let p = c.realtimePeriod { out.append(CgroupWrite("cpu", "cpu.rt_period_us", String(p), field: f + ".realtimePeriod")) }
        if let r = c.realtimeRuntime { out.append(CgroupWrite("cpu", "cpu.rt_runtime_us", String(r), field: f + ".realtimeRuntime")) }
        if let i = c.idle { out.append(CgroupWrite("cpu", "cpu.idle", String(i), field: f + ".idle")) }
        return out
    }
}
