import OCI

/// hugetlb.<size>.limit_in_bytes (v1) or hugetlb.<size>.max (v2), and the
/// reservation limit beside it where the kernel has one.
enum HugetlbController {
    static func writes(_ limits: [LinuxHugepageLimit], v2: Bool, exists: (String) -> Bool) throws -> [CgroupWrite] {
        var out: [CgroupWrite] = []
        for (i, h) in limits.enumerated() {
            let field = "linux.resources.hugepageLimits[\(i)]"
            let size = h.pageSize
            guard size.count >= 3, size.hasSuffix("B"), size.dropLast(2).allSatisfy(\.isNumber),
                  "KMG".contains(size.dropLast().last!) else {
                throw RuntimeError("\(field).pageSize: \"\(size)\" is not a size like 2MB or 1GB")
            }
            let file = v2 ? "hugetlb.\(size).max" : "hugetlb.\(size).limit_in_bytes"
            guard exists(file) else {
                throw RuntimeError("\(field).pageSize: this host has no \(size) huge pages (no \(file))")
            }
            out.append(CgroupWrite("hugetlb", file, String(h.limit), field: field))
            let rsvd = v2 ? "hugetlb.\(size).rsvd.max" : "hugetlb.\(size).rsvd.limit_in_bytes"
            if exists(rsvd) { out.append(CgroupWrite("hugetlb", rsvd, String(h.limit), field: field)) }
        }
        return out
    }
}
