import OCI

/// `linux.resources.unified`: cgroup v2 files by name, written as given.
enum UnifiedV2 {
    static func writes(_ unified: [String: String], exists: (String) -> Bool) throws -> [CgroupWrite] {
        try unified.sorted { $0.key < $1.key }.map { key, value in
            let field = "linux.resources.unified[\"\(key)\"]"
            guard !key.isEmpty, !key.contains("/"), key != ".", key != "..", key.contains(".") else {
                throw RuntimeError("\(field): not a cgroup v2 file name")
            }
            guard exists(key) else { throw RuntimeError("\(field): no such file in the container's cgroup") }
            return CgroupWrite(String(key.prefix { $0 != "." }), key, value, field: field)
        }
    }
}
