import OCI

/// The cgroup v2 controllers `linux.resources` needs, each with the first
/// field that needs it (the values runc reads as "not set" left out).
/// `network` needs none: v2 has no net_cls or net_prio, and the applier
/// refuses it there; `devices` is a BPF program, not a controller.
enum ResourceControllers {
    static func v2(_ resources: LinuxResources) -> [(controller: String, field: String)] {
        let r = resources.withoutUnsetValues()
        var needed: [(controller: String, field: String)] = []
        func add(_ controller: String, _ field: String) {
            if !needed.contains(where: { $0.controller == controller }) { needed.append((controller, "linux.resources." + field)) }
        }
        if let m = r.memory, encodeJSONCompactBytes(m) != Array("{}".utf8) { add("memory", "memory") }
        if let c = r.cpu {
            let cpu = [("shares", c.shares != nil), ("quota", c.quota != nil), ("burst", c.burst != nil), ("period", c.period != nil),
                       ("realtimeRuntime", c.realtimeRuntime != nil), ("realtimePeriod", c.realtimePeriod != nil), ("idle", c.idle != nil)]
            if let set = cpu.first(where: \.1) { add("cpu", "cpu." + set.0) }
            if c.cpus != nil { add("cpuset", "cpu.cpus") }
            if c.mems != nil { add("cpuset", "cpu.mems") }
        }
        if r.pids?.limit != nil { add("pids", "pids.limit") }
        if let b = r.blockIO, encodeJSONCompactBytes(b) != Array("{}".utf8) { add("io", "blockIO") }
        if !(r.hugepageLimits ?? []).isEmpty { add("hugetlb", "hugepageLimits") }
        if !(r.rdma ?? [:]).isEmpty { add("rdma", "rdma") }
        for key in (r.unified ?? [:]).keys.sorted() {
            let controller = String(key.prefix { $0 != "." })
            if controller != "cgroup" && controller != key { add(controller, "unified[\"\(key)\"]") }
        }
        return needed
    }
}
