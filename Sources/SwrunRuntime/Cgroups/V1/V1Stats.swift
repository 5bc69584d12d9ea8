/// The stats of the v1 controllers a container has; each one present
/// replaces what another version put in its fields.
enum V1Stats {
    static func read(_ cg: ContainerCgroups, into s: inout ContainerStats) {
        let num = StatsFiles.number, keyed = StatsFiles.keyed
        if let d = cg.dir(v1: "cpuacct") {
            s.cpu.usage.total = num(d + "/cpuacct.usage")
            let percpu: String = (try? Sys.readText(d + "/cpuacct.usage_percpu")) ?? ""
            s.cpu.usage.percpu = percpu.split(separator: " ").compactMap { UInt64(String($0).trimmed) }
            let st = keyed(d + "/cpuacct.stat")
            // USER_HZ ticks to nanoseconds, as runc converts them.
            s.cpu.usage.user = (st["user"] ?? 0) * 10_000_000
            s.cpu.usage.kernel = (st["system"] ?? 0) * 10_000_000
        }
        if let d = cg.dir(v1: "cpu") {
            let st = keyed(d + "/cpu.stat")
            s.cpu.throttling = .init(periods: st["nr_periods"] ?? 0, throttledPeriods: st["nr_throttled"] ?? 0,
                                     throttledTime: st["throttled_time"] ?? (st["throttled_usec"] ?? 0) * 1000)
        }
        if let d = cg.dir(v1: "memory") { s.memory = memory(d) }
        if let d = cg.dir(v1: "pids") {
            s.pids = .init(current: num(d + "/pids.current"), limit: num(d + "/pids.max"))
        }
        if let d = cg.dir(v1: "blkio") {
            s.blkio.ioServiceBytesRecursive = blkio(d + "/blkio.throttle.io_service_bytes_recursive")
            s.blkio.ioServicedRecursive = blkio(d + "/blkio.throttle.io_serviced_recursive")
        }
        if let d = cg.dir(v1: "hugetlb") { StatsFiles.hugetlb(d, into: &s) }
    }

    static func memory(_ d: String) -> ContainerStats.Memory {
        func entry(_ prefix: String) -> ContainerStats.MemoryEntry {
            let num = StatsFiles.number
            return .init(limit: num(d + "/\(prefix).limit_in_bytes"), usage: num(d + "/\(prefix).usage_in_bytes"),
                         max: num(d + "/\(prefix).max_usage_in_bytes"), failcnt: num(d + "/\(prefix).failcnt"))
        }
        var m = ContainerStats.Memory()
        m.usage = entry("memory")
        m.swap = entry("memory.memsw")
        m.kernel = entry("memory.kmem")
        m.raw = StatsFiles.keyed(d + "/memory.stat")
        m.cache = m.raw["total_cache"] ?? m.raw["cache"] ?? 0
        return m
    }

    /// "8:0 Read 4096" lines.
    static func blkio(_ path: String) -> [ContainerStats.BlkioEntry] {
        ((try? Sys.readText(path)) ?? "").split(separator: "\n").compactMap { line in
            let f = line.split(separator: " ")
            let dev = f.first?.split(separator: ":") ?? []
            guard f.count == 3, dev.count == 2, let ma = UInt64(dev[0]), let mi = UInt64(dev[1]), let v = UInt64(f[2]) else { return nil }
            return .init(major: ma, minor: mi, op: String(f[1]), value: v)
        }
    }
}
