import OCI

enum MemoryV2 {
    /// The spec's swap (memory plus swap) as v2 counts it, swap alone: nil
    /// when unset, -1 for no limit.
    static func swapOnly(_ m: LinuxMemory) throws -> Int64? {
        guard let s = m.swap else { return nil }
        if s < 0 { return -1 }
        let f = "linux.resources.memory"
        guard let l = m.limit, l >= 0 else { throw RuntimeError("\(f).swap: a swap limit on cgroup v2 needs memory.limit too") }
        guard s >= l else { throw RuntimeError("\(f).swap: \(s) is below memory.limit \(l) (swap counts memory plus swap)") }
        return s - l
    }

    /// The spec's swap is memory plus swap (v1's memsw); v2's
    /// memory.swap.max counts swap alone. As in v1, an unlimited limit with
    /// no swap value lifts swap too. Swap goes first, as runc writes it.
    static func writes(_ m: LinuxMemory, hasSwapFile: Bool = true) throws -> [CgroupWrite] {
        let f = "linux.resources.memory"
        var out: [CgroupWrite] = []
        var lifted = m
        if m.limit == -1 && m.swap == nil && hasSwapFile { lifted.swap = -1 }
        if let s = try swapOnly(lifted) {
            out.append(CgroupWrite("memory", "memory.swap.max", s < 0 ? "max" : String(s), field: f + ".swap"))
        }
        if let l = m.limit { out.append(CgroupWrite("memory", "memory.max", Limit.v2(l), field: f + ".limit")) }
        if let r = m.reservation { out.append(CgroupWrite("memory", "memory.low", Limit.v2(r), field: f + ".reservation")) }
        if m.swappiness != nil { throw RuntimeError("\(f).swappiness: cgroup v2 has no per-cgroup swappiness") }
        if m.disableOOMKiller == true { throw RuntimeError("\(f).disableOOMKiller: cgroup v2 cannot disable the OOM killer") }
        if m.kernel != nil || m.kernelTCP != nil { throw RuntimeError("\(f).kernel: cgroup v2 has no separate kernel memory limit") }
        return out
    }
}
