/// Reading cgroup stats files, the formats both versions share.
enum StatsFiles {
    /// One number; "max" is UInt64.max, a missing file 0.
    static func number(_ path: String) -> UInt64 {
        guard let t = try? Sys.readText(path) else { return 0 }
        let v = t.trimmed
        return v == "max" ? UInt64.max : UInt64(v) ?? 0
    }

    /// "key value" lines.
    static func keyed(_ path: String) -> [String: UInt64] {
        var out: [String: UInt64] = [:]
        for line in ((try? Sys.readText(path)) ?? "").split(separator: "\n") {
            let f = line.split(separator: " ")
            if f.count == 2, let v = UInt64(f[1]) { out[String(f[0])] = v }
        }
        return out
    }

    /// The hugetlb.<size>.* files of `dir`, merged into `stats` by page size.
    static func hugetlb(_ dir: String, into stats: inout ContainerStats) {
        for name in (try? Sys.listDirectory(dir)) ?? [] where name.hasPrefix("hugetlb.") {
            let parts = name.split(separator: ".")
            guard parts.count == 3 else { continue }
            let size = String(parts[1])
            var e = stats.hugetlb[size] ?? .init()
            switch parts[2] {
            case "current", "usage_in_bytes": e.usage = number(dir + "/" + name)
            case "max_usage_in_bytes": e.max = number(dir + "/" + name)
            case "failcnt": e.failcnt = number(dir + "/" + name)
            case "events": e.failcnt = keyed(dir + "/" + name)["max"] ?? 0
            default: continue
            }
            stats.hugetlb[size] = e
        }
    }

    /// The oom_kill count of memory.oom_control (v1) or memory.events (v2).
    static func oomKills(_ path: String) -> UInt64 {
        guard let text = try? Sys.readText(path) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("oom_kill ") {
            return UInt64(line.split(separator: " ")[1]) ?? 0
        }
        return 0
    }
}
