import FoundationEssentials

/// Device cgroup entries: type a/b/c, access letters from rwm.
func checkDeviceCgroup(_ spec: Spec) -> [SpecError] {
    var errors: [SpecError] = []
    for (i, rule) in (spec.linux?.resources?.devices ?? []).enumerated() {
        let path = "linux.resources.devices[\(i)]"
        if let type = rule.type, !["", "a", "b", "c"].contains(type) {
            errors.append(problem("\(path).type", "must be one of a, b, c, got \(quoted(type))"))
        }
        if let access = rule.access, !access.allSatisfy({ "rwm".contains($0) }) {
            errors.append(problem("\(path).access", "must only contain the letters r, w, m, got \(quoted(access))"))
        }
    }
    return errors
}

/// memory.swappiness is a percentage.
func checkMemory(_ spec: Spec) -> [SpecError] {
    guard let swappiness = spec.linux?.resources?.memory?.swappiness, swappiness > 100 else { return [] }
    return [problem("linux.resources.memory.swappiness", "must be between 0 and 100, got \(swappiness)")]
}

/// cpu.burst must not exceed a positive cpu.quota.
func checkCPU(_ spec: Spec) -> [SpecError] {
    guard let cpu = spec.linux?.resources?.cpu, let burst = cpu.burst, let quota = cpu.quota,
          quota > 0, burst > UInt64(quota) else { return [] }
    return [problem("linux.resources.cpu.burst", "must not be larger than quota (\(quota)), got \(burst)")]
}

/// Each blockIO.weightDevice entry sets weight or leafWeight.
func checkBlockIO(_ spec: Spec) -> [SpecError] {
    var errors: [SpecError] = []
    for (i, device) in (spec.linux?.resources?.blockIO?.weightDevice ?? []).enumerated()
    where device.weight == nil && device.leafWeight == nil {
        errors.append(problem("linux.resources.blockIO.weightDevice[\(i)]", "must set weight or leafWeight"))
    }
    return errors
}

/// `2MB`-style sizes: digits without a leading zero, then KB, MB or GB.
func isHugepageSize(_ size: String) -> Bool {
    let chars = Array(size)
    guard chars.count >= 3, chars.last == "B", "KMG".contains(chars[chars.count - 2]) else { return false }
    let digits = chars.dropLast(2)
    return digits.first != "0" && digits.allSatisfy(\.isASCIIDigit)
}

/// Hugepage sizes are spelled like `2MB`.
func checkHugepageLimits(_ spec: Spec) -> [SpecError] {
    var errors: [SpecError] = []
    for (i, limit) in (spec.linux?.resources?.hugepageLimits ?? []).enumerated() where !isHugepageSize(limit.pageSize) {
        errors.append(problem("linux.resources.hugepageLimits[\(i)].pageSize",
                              "must be a size such as \"2MB\" (digits, then KB, MB or GB), got \(quoted(limit.pageSize))"))
    }
    return errors
}

/// Each rdma entry sets hcaHandles or hcaObjects.
func checkRdma(_ spec: Spec) -> [SpecError] {
    var errors: [SpecError] = []
    let rdma = spec.linux?.resources?.rdma ?? [:]
    for name in rdma.keys.sorted() where rdma[name]?.hcaHandles == nil && rdma[name]?.hcaObjects == nil {
        errors.append(problem(JSONPath.key("linux.resources.rdma", name), "must set hcaHandles or hcaObjects"))
    }
    return errors
}
