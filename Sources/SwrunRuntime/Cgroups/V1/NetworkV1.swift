import OCI

/// net_cls and net_prio exist only as v1 controllers.
enum NetworkV1 {
    static func writes(_ n: LinuxNetwork) -> [CgroupWrite] {
        var out: [CgroupWrite] = []
        if let c = n.classID { out.append(CgroupWrite("net_cls", "net_cls.classid", String(c), field: "linux.resources.network.classID")) }
        for (i, p) in (n.priorities ?? []).enumerated() {
            out.append(CgroupWrite("net_prio", "net_prio.ifpriomap", "\(p.name) \(p.priority)", field: "linux.resources.network.priorities[\(i)]"))
        }
        return out
    }
}
