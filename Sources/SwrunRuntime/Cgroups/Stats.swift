import OCI

/// The `events --stats` document, shaped as runc prints it (the fields
/// containerd and podman read).
public struct ContainerStats: Encodable {
    public struct CPU: Encodable {
        public struct Usage: Encodable { var total: UInt64 = 0; var percpu: [UInt64] = []; var kernel: UInt64 = 0; var user: UInt64 = 0 }
        public struct Throttling: Encodable { var periods: UInt64 = 0; var throttledPeriods: UInt64 = 0; var throttledTime: UInt64 = 0 }
        var usage = Usage()
        var throttling = Throttling()
    }
    public struct MemoryEntry: Encodable { var limit: UInt64 = 0; var usage: UInt64 = 0; var max: UInt64 = 0; var failcnt: UInt64 = 0 }
    public struct Memory: Encodable {
        var cache: UInt64 = 0
        var usage = MemoryEntry()
        var swap = MemoryEntry()
        var kernel = MemoryEntry()
        var raw: [String: UInt64] = [:]
    }
    public struct Pids: Encodable { var current: UInt64 = 0; var limit: UInt64 = 0 }
    public struct BlkioEntry: Encodable { var major: UInt64; var minor: UInt64; var op: String; var value: UInt64 }
    public struct Blkio: Encodable {
        var ioServiceBytesRecursive: [BlkioEntry] = []
        var ioServicedRecursive: [BlkioEntry] = []
    }
    public struct Hugetlb: Encodable { var usage: UInt64 = 0; var max: UInt64 = 0; var failcnt: UInt64 = 0 }

    var cpu = CPU()
    var memory = Memory()
    var pids = Pids()
    var blkio = Blkio()
    var hugetlb: [String: Hugetlb] = [:]
}

public struct ContainerEvent: Encodable {
    public var type: String
    public var id: String
    public var data: ContainerStats?
}

/// Reads the stats files of whichever version serves each controller.
public enum StatsCollector {
    public static func collect(_ cg: ContainerCgroups) -> ContainerStats {
        var s = ContainerStats()
        func num(_ path: String) -> UInt64 {
            guard let t = try? Sys.readText(path) else { return 0 }
            let v = t.trimmed
            return v == "max" ? UInt64.max : UInt64(v) ?? 0
        }
        func keyed(_ path: String) -> [String: UInt64] {
            var out: [String: UInt64] = [:]
            for line in ((try? Sys.readText(path)) ?? "").split(separator: "\n") {
                let f = line.split(separator: " ")
                if f.count == 2, let v = UInt64(f[1]) { out[String(f[0])] = v }
            }
            return out
        }
        let v2 = cg.v2Dir
        if let d = cg.dir(v1: "cpuacct") {
            s.cpu.usage.total = num(d + "/cpuacct.usage")
            let percpu: String = (try? Sys.readText(d + "/cpuacct.usage_percpu")) ?? ""
            s.cpu.usage.percpu = percpu.split(separator: " ").compactMap { UInt64(String($0).trimmed) }
            let st = keyed(d + "/cpuacct.stat")
            // USER_HZ ticks to nanoseconds, as runc converts them.
            s.cpu.usage.user = (st["user"] ?? 0) * 10_000_000
            s.cpu.usage.kernel = (st["system"] ?? 0) * 10_000_000
        } else if let d = v2 {
            let st = keyed(d + "/cpu.stat")
            s.cpu.usage.total = (st["usage_usec"] ?? 0) * 1000
            s.cpu.usage.user = (st["user_usec"] ?? 0) * 1000
            s.cpu.usage.kernel = (st["system_usec"] ?? 0) * 1000
        }
        if let d = cg.dir(v1: "cpu") ?? v2 {
            let st = keyed(d + "/cpu.stat")
            s.cpu.throttling.periods = st["nr_periods"] ?? 0
            s.cpu.throttling.throttledPeriods = st["nr_throttled"] ?? 0
            s.cpu.throttling.throttledTime = st["throttled_time"] ?? (st["throttled_usec"] ?? 0) * 1000
        }
        if let d = cg.dir(v1: "memory") {
            s.memory.usage = .init(limit: num(d + "/memory.limit_in_bytes"), usage: num(d + "/memory.usage_in_bytes"),
                                   max: num(d + "/memory.max_usage_in_bytes"), failcnt: num(d + "/memory.failcnt"))
            s.memory.swap = .init(limit: num(d + "/memory.memsw.limit_in_bytes"), usage: num(d + "/memory.memsw.usage_in_bytes"),
                                  max: num(d + "/memory.memsw.max_usage_in_bytes"), failcnt: num(d + "/memory.memsw.failcnt"))
            s.memory.kernel = .init(limit: num(d + "/memory.kmem.limit_in_bytes"), usage: num(d + "/memory.kmem.usage_in_bytes"),
                                    max: num(d + "/memory.kmem.max_usage_in_bytes"), failcnt: num(d + "/memory.kmem.failcnt"))
            s.memory.raw = keyed(d + "/memory.stat")
            s.memory.cache = s.memory.raw["total_cache"] ?? s.memory.raw["cache"] ?? 0
        } else if let d = v2, Sys.exists(d + "/memory.current") {
            s.memory.usage = .init(limit: num(d + "/memory.max"), usage: num(d + "/memory.current"), max: num(d + "/memory.peak"))
            s.memory.swap = .init(limit: num(d + "/memory.swap.max"), usage: num(d + "/memory.swap.current"))
            s.memory.raw = keyed(d + "/memory.stat")
            s.memory.cache = s.memory.raw["file"] ?? 0
        }
        if let d = cg.dir(v1: "pids") ?? v2 {
            s.pids = .init(current: num(d + "/pids.current"), limit: num(d + "/pids.max"))
        }
        if let d = cg.dir(v1: "blkio") {
            func entries(_ file: String) -> [ContainerStats.BlkioEntry] {
                ((try? Sys.readText(d + "/" + file)) ?? "").split(separator: "\n").compactMap { line in
                    let f = line.split(separator: " ")
                    let dev = f.first?.split(separator: ":") ?? []
                    guard f.count == 3, dev.count == 2, let ma = UInt64(dev[0]), let mi = UInt64(dev[1]), let v = UInt64(f[2]) else { return nil }
                    return .init(major: ma, minor: mi, op: String(f[1]), value: v)
                }
            }
            s.blkio.ioServiceBytesRecursive = entries("blkio.throttle.io_service_bytes_recursive")
            s.blkio.ioServicedRecursive = entries("blkio.throttle.io_serviced_recursive")
        }
        for (h, d) in zip(cg.hierarchies, cg.paths) where h.isV2 || h.controllers.contains("hugetlb") {
            for name in (try? Sys.listDirectory(d)) ?? [] where name.hasPrefix("hugetlb.") {
                let parts = name.split(separator: ".")
                guard parts.count == 3 else { continue }
                let size = String(parts[1])
                var e = s.hugetlb[size] ?? .init()
                switch parts[2] {
                case "current", "usage_in_bytes": e.usage = num(d + "/" + name)
                case "max_usage_in_bytes": e.max = num(d + "/" + name)
                case "failcnt": e.failcnt = num(d + "/" + name)
                case "events": e.failcnt = keyed(d + "/" + name)["max"] ?? 0
                default: continue
                }
                s.hugetlb[size] = e
            }
        }
        return s
    }

    /// The OOM kills counted so far (v1 memory.oom_control, v2 memory.events).
    public static func oomKills(_ cg: ContainerCgroups) -> UInt64 {
        let file = cg.dir(v1: "memory").map { $0 + "/memory.oom_control" } ?? cg.v2Dir.map { $0 + "/memory.events" }
        guard let file, let text = try? Sys.readText(file) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("oom_kill ") {
            return UInt64(line.split(separator: " ")[1]) ?? 0
        }
        return 0
    }
}
