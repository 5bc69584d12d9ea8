/// The stats of a cgroup v2 directory.
enum V2Stats {
    static func read(_ d: String, into s: inout ContainerStats) {
        let num = StatsFiles.number
        let cpu = StatsFiles.keyed(d + "/cpu.stat")
        s.cpu.usage.total = (cpu["usage_usec"] ?? 0) * 1000
        s.cpu.usage.user = (cpu["user_usec"] ?? 0) * 1000
        s.cpu.usage.kernel = (cpu["system_usec"] ?? 0) * 1000
        s.cpu.throttling = .init(periods: cpu["nr_periods"] ?? 0, throttledPeriods: cpu["nr_throttled"] ?? 0,
                                 throttledTime: (cpu["throttled_usec"] ?? 0) * 1000)
        if Sys.exists(d + "/memory.current") {
            s.memory.usage = .init(limit: num(d + "/memory.max"), usage: num(d + "/memory.current"), max: num(d + "/memory.peak"))
            s.memory.swap = .init(limit: num(d + "/memory.swap.max"), usage: num(d + "/memory.swap.current"))
            s.memory.raw = StatsFiles.keyed(d + "/memory.stat")
            s.memory.cache = s.memory.raw["file"] ?? 0
        }
        s.pids = .init(current: num(d + "/pids.current"), limit: num(d + "/pids.max"))
        StatsFiles.hugetlb(d, into: &s)
    }
}
