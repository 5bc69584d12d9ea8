import OCI

/// `linux.resources` as systemd unit properties, runc's mapping (its
/// systemd/v2.go), so that systemd keeps the values: a `systemctl
/// daemon-reload` writes a unit's properties back into its cgroup, and a
/// limit systemd does not know of would be reset. Properties newer than the
/// running systemd are left out; the files carry them until a reload.
struct SystemdProperties {
    static let infinity = UInt64.max
    static let defaultQuotaPeriod: UInt64 = 100_000

    /// The unit properties, and the resources to write to the files: the
    /// CPU quota rounded up as systemd rounds it, so both agree.
    var properties: [(String, DBusValue)] = []
    var resources: LinuxResources

    /// `systemdVersion`: the manager's major version, 0 when unknown.
    /// `legacy`: systemd on v1 controllers (runc's legacy mapping): it
    /// writes cpu.shares and blkio.weight from CPUShares and BlockIOWeight
    /// (a CPUWeight would come back converted, not as given), and manages
    /// no cpuset, memory.low or swap there.
    init(_ raw: LinuxResources, systemdVersion: Int, legacy: Bool = false) throws {
        resources = raw.withoutUnsetValues()
        try memory(resources.memory, legacy: legacy)
        cpu(systemdVersion: systemdVersion, legacy: legacy)
        if let limit = resources.pids?.limit {
            // systemd refuses TasksMax=0.
            add("TasksMax", .uint64(limit < 0 ? Self.infinity : UInt64(max(limit, 1))))
        }
        if legacy {
            if let weight = resources.blockIO?.weight { add("BlockIOWeight", .uint64(UInt64(weight))) }
        } else {
            try cpuset(cpus: resources.cpu?.cpus, mems: resources.cpu?.mems, systemdVersion: systemdVersion)
            try unified(resources.unified ?? [:], systemdVersion: systemdVersion)
        }
    }

    private mutating func add(_ name: String, _ value: DBusValue) {
        properties.removeAll { $0.0 == name }
        properties.append((name, value))
    }

    private mutating func memory(_ m: LinuxMemory?, legacy: Bool) throws {
        guard let m else { return }
        if let limit = m.limit {
            add(legacy ? "MemoryLimit" : "MemoryMax", .uint64(limit < 0 ? Self.infinity : UInt64(limit)))
        }
        if legacy { return }
        if let low = m.reservation, low > 0 { add("MemoryLow", .uint64(UInt64(low))) }
        // The spec's swap is memory plus swap; systemd's is swap alone.
        if let swap = try MemoryV2.swapOnly(m) { add("MemorySwapMax", .uint64(swap < 0 ? Self.infinity : UInt64(swap))) }
    }

    private mutating func cpu(systemdVersion: Int, legacy: Bool) {
        guard let c = resources.cpu else { return }
        if legacy {
            if let shares = c.shares { add("CPUShares", .uint64(shares)) }
        } else if c.idle == 1 && systemdVersion >= 252 {
            add("CPUWeight", .uint64(0))    // systemd's way of writing cpu.idle 1
        } else if let shares = c.shares {
            add("CPUWeight", .uint64(CpuV2.weight(shares: shares)))
        }
        if let rounded = cpuQuota(quota: c.quota ?? 0, period: c.period ?? 0, systemdVersion: systemdVersion) {
            resources.cpu?.quota = rounded
        }
    }

    /// CPUQuotaPerSecUSec is microseconds per CPU-second, and systemd keeps
    /// it as a whole percentage: a quota is rounded up to the next 10 ms per
    /// second. Returns the quota to write to cpu.max.
    private mutating func cpuQuota(quota: Int64, period: UInt64, systemdVersion: Int) -> Int64? {
        if period != 0 && systemdVersion >= 242 { add("CPUQuotaPeriodUSec", .uint64(period)) }
        guard quota != 0 || period != 0 else { return nil }
        guard quota > 0 else {
            add("CPUQuotaPerSecUSec", .uint64(Self.infinity))
            return nil
        }
        let p = period == 0 ? Self.defaultQuotaPeriod : period
        var perSecond = UInt64(quota) * 1_000_000 / p
        var rounded = quota
        if perSecond % 10_000 != 0 {
            perSecond = (perSecond / 10_000 + 1) * 10_000
            rounded = Int64(perSecond * p / 1_000_000)
        }
        add("CPUQuotaPerSecUSec", .uint64(perSecond))
        return rounded
    }

    private mutating func cpuset(cpus: String?, mems: String?, systemdVersion: Int) throws {
        guard systemdVersion >= 244 else { return }
        if let cpus { add("AllowedCPUs", .byteArray(try Self.bitmask(cpus, field: "linux.resources.cpu.cpus"))) }
        if let mems { add("AllowedMemoryNodes", .byteArray(try Self.bitmask(mems, field: "linux.resources.cpu.mems"))) }
    }

    private static let unifiedMemory = ["memory.high": "MemoryHigh", "memory.low": "MemoryLow", "memory.min": "MemoryMin",
                                        "memory.max": "MemoryMax", "memory.swap.max": "MemorySwapMax"]

    /// The `unified` keys systemd has a property for; the rest only go to
    /// the files.
    private mutating func unified(_ keys: [String: String], systemdVersion: Int) throws {
        for (key, raw) in keys.sorted(by: { $0.key < $1.key }) {
            let v = raw.trimmed
            let field = "linux.resources.unified[\"\(key)\"]"
            switch key {
            case "cpu.weight" where !(keys["cpu.idle"]?.trimmed == "1" && systemdVersion >= 252):
                guard let n = UInt64(v) else { throw RuntimeError("\(field): \"\(v)\" is not a number") }
                add("CPUWeight", .uint64(n))
            case "cpu.idle" where v == "1" && systemdVersion >= 252:
                add("CPUWeight", .uint64(0))
            case "cpu.max":
                let parts = v.split(separator: " ")
                guard (1...2).contains(parts.count), parts[0] == "max" || Int64(parts[0]) != nil,
                      parts.count == 1 || UInt64(parts[1]) != nil else {
                    throw RuntimeError("\(field): \"\(v)\" is not \"QUOTA [PERIOD]\"")
                }
                let quota = parts[0] == "max" ? 0 : Int64(parts[0])!
                let period = parts.count == 2 ? UInt64(parts[1])! : Self.defaultQuotaPeriod
                _ = cpuQuota(quota: quota, period: period, systemdVersion: systemdVersion)
            case "cpuset.cpus", "cpuset.mems":
                guard systemdVersion >= 244 else { continue }
                add(key == "cpuset.cpus" ? "AllowedCPUs" : "AllowedMemoryNodes", .byteArray(try Self.bitmask(v, field: field)))
            case let k where Self.unifiedMemory[k] != nil:
                guard v == "max" || UInt64(v) != nil else { throw RuntimeError("\(field): \"\(v)\" is not a number or max") }
                add(Self.unifiedMemory[k]!, .uint64(v == "max" ? Self.infinity : UInt64(v)!))
            case "pids.max":
                guard v == "max" || UInt64(v) != nil else { throw RuntimeError("\(field): \"\(v)\" is not a number or max") }
                add("TasksMax", .uint64(v == "max" ? Self.infinity : max(UInt64(v)!, 1)))
            default:
                continue
            }
        }
    }

    /// A CPU or node list ("0-3,7") as systemd's bitmask: bit n of byte
    /// n/8, least significant byte first.
    static func bitmask(_ list: String, field: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        for part in list.split(separator: ",") {
            let item = String(part).trimmed
            if item.isEmpty { continue }
            let ends = item.split(separator: "-", omittingEmptySubsequences: false).map { UInt32(String($0).trimmed) }
            guard (1...2).contains(ends.count), let lo = ends.first!, let hi = ends.last!, lo <= hi, hi < 1 << 16 else {
                throw RuntimeError("\(field): \"\(list)\" is not a list of numbers and ranges")
            }
            for bit in lo...hi {
                let i = Int(bit / 8)
                if bytes.count <= i { bytes += [UInt8](repeating: 0, count: i + 1 - bytes.count) }
                bytes[i] |= 1 << (bit % 8)
            }
        }
        if bytes.isEmpty { throw RuntimeError("\(field): \"\(list)\" names no CPU or node") }
        return bytes
    }
}
