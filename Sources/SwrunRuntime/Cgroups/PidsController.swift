import OCI

/// pids.max: the same file in v1 and v2; 0 or less means no limit.
enum PidsController {
    static func writes(_ p: LinuxPids) -> [CgroupWrite] {
        guard let l = p.limit else { return [] }
        return [CgroupWrite("pids", "pids.max", l > 0 ? String(l) : "max", field: "linux.resources.pids.limit")]
    }
}
