import OCI

enum IoV2 {
    /// blkio weights (10..1000) map onto io.weight (1..10000); with BFQ,
    /// io.bfq.weight takes them as they are.
    static func writes(_ b: LinuxBlockIO, exists: (String) -> Bool) throws -> [CgroupWrite] {
        let f = "linux.resources.blockIO"
        var out: [CgroupWrite] = []
        let bfq = exists("io.bfq.weight")
        func weight(_ w: UInt16) -> String { bfq ? String(w) : String(1 + (UInt64(max(w, 10)) - 10) * 9999 / 990) }
        let file = bfq ? "io.bfq.weight" : "io.weight"
        if let w = b.weight {
            // BFQ takes 1-1000; CFQ's blkio.weight and io.weight's mapping 10-1000.
            let range: ClosedRange<UInt16> = bfq ? 1...1000 : 10...1000
            guard range.contains(w) else { throw RuntimeError("\(f).weight: \(w) is outside \(range.lowerBound)-\(range.upperBound)") }
            out.append(CgroupWrite("io", file, bfq ? String(w) : "default \(weight(w))", field: f + ".weight"))
        }
        if b.leafWeight != nil { throw RuntimeError("\(f).leafWeight: cgroup v2 has no leaf weight") }
        for (i, d) in (b.weightDevice ?? []).enumerated() {
            if let w = d.weight { out.append(CgroupWrite("io", file, "\(d.major):\(d.minor) \(weight(w))", field: "\(f).weightDevice[\(i)]")) }
        }
        let throttles: [([LinuxThrottleDevice]?, String, String)] = [
            (b.throttleReadBpsDevice, "rbps", "throttleReadBpsDevice"), (b.throttleWriteBpsDevice, "wbps", "throttleWriteBpsDevice"),
            (b.throttleReadIOPSDevice, "riops", "throttleReadIOPSDevice"), (b.throttleWriteIOPSDevice, "wiops", "throttleWriteIOPSDevice"),
        ]
        for (list, key, name) in throttles {
            for (i, d) in (list ?? []).enumerated() {
                out.append(CgroupWrite("io", "io.max", "\(d.major):\(d.minor) \(key)=\(d.rate)", field: "\(f).\(name)[\(i)]"))
            }
        }
        return out
    }
}
