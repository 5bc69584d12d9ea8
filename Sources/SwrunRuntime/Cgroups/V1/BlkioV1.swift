import OCI

enum BlkioV1 {
    /// Weights go to blkio.weight, or with the BFQ scheduler to
    /// blkio.bfq.weight, whichever the kernel has.
    static func writes(_ b: LinuxBlockIO, exists: (String) -> Bool) throws -> [CgroupWrite] {
        let f = "linux.resources.blockIO"
        var out: [CgroupWrite] = []
        let weightFile = exists("blkio.weight") ? "blkio.weight" : "blkio.bfq.weight"
        if let w = b.weight {
            // BFQ takes 1-1000; CFQ's blkio.weight and io.weight's mapping 10-1000.
            let range: ClosedRange<UInt16> = weightFile == "blkio.bfq.weight" ? 1...1000 : 10...1000
            guard range.contains(w) else { throw RuntimeError("\(f).weight: \(w) is outside \(range.lowerBound)-\(range.upperBound)") }
            out.append(CgroupWrite("blkio", weightFile, String(w), field: f + ".weight"))
        }
        if let w = b.leafWeight { out.append(CgroupWrite("blkio", "blkio.leaf_weight", String(w), field: f + ".leafWeight")) }
        for (i, d) in (b.weightDevice ?? []).enumerated() {
            if let w = d.weight {
                out.append(CgroupWrite("blkio", weightFile + "_device", "\(d.major):\(d.minor) \(w)", field: "\(f).weightDevice[\(i)]"))
            }
            if let w = d.leafWeight {
                out.append(CgroupWrite("blkio", "blkio.leaf_weight_device", "\(d.major):\(d.minor) \(w)", field: "\(f).weightDevice[\(i)]"))
            }
        }
        let throttles: [([LinuxThrottleDevice]?, String, String)] = [
            (b.throttleReadBpsDevice, "blkio.throttle.read_bps_device", "throttleReadBpsDevice"),
            (b.throttleWriteBpsDevice, "blkio.throttle.write_bps_device", "throttleWriteBpsDevice"),
            (b.throttleReadIOPSDevice, "blkio.throttle.read_iops_device", "throttleReadIOPSDevice"),
            (b.throttleWriteIOPSDevice, "blkio.throttle.write_iops_device", "throttleWriteIOPSDevice"),
        ]
        for (list, file, key) in throttles {
            for (i, d) in (list ?? []).enumerated() {
                out.append(CgroupWrite("blkio", file, "\(d.major):\(d.minor) \(d.rate)", field: "\(f).\(key)[\(i)]"))
            }
        }
        return out
    }
}
