import OCI

/// cpuset.cpus and cpuset.mems: the same files in v1 and v2.
enum CpusetController {
    static func writes(_ c: LinuxCPU) throws -> [CgroupWrite] {
        let f = "linux.resources.cpu"
        var out: [CgroupWrite] = []
        for (value, file, key) in [(c.cpus, "cpuset.cpus", "cpus"), (c.mems, "cpuset.mems", "mems")] {
            guard let v = value, !v.isEmpty else { continue }
            guard v.allSatisfy({ $0.isNumber || $0 == "," || $0 == "-" }) else {
                throw RuntimeError("\(f).\(key): \"\(v)\" is not a list like 0-2,4")
            }
            out.append(CgroupWrite("cpuset", file, v, field: "\(f).\(key)"))
        }
        return out
    }
}
