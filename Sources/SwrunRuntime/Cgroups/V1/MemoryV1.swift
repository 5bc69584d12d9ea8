import OCI

enum MemoryV1 {
    /// memory.limit_in_bytes and memory.memsw.limit_in_bytes must stay
    /// ordered (memsw >= limit) after each single write: which goes first
    /// depends on the current swap limit, as runc orders them.
    /// An unlimited limit with no swap value lifts the swap limit too, where
    /// the host accounts swap (runc's reading of `limit: -1`).
    static func writes(_ m: LinuxMemory, currentSwapLimit: Int64?, hasSwapFile: Bool = true) throws -> [CgroupWrite] {
        let f = "linux.resources.memory"
        var out: [CgroupWrite] = []
        var swap = m.swap
        if m.limit == -1 && swap == nil && hasSwapFile { swap = -1 }
        let limitW = m.limit.map { CgroupWrite("memory", "memory.limit_in_bytes", Limit.v1($0), field: f + ".limit") }
        let swapW = swap.map { CgroupWrite("memory", "memory.memsw.limit_in_bytes", Limit.v1($0), field: f + ".swap") }
        if let l = m.limit, let s = swap, l > 0, s > 0, s < l {
            throw RuntimeError("\(f).swap: \(s) is below memory.limit \(l) (swap counts memory plus swap)")
        }
        if let s = swap, s == -1 || (currentSwapLimit.map { $0 >= 0 && $0 < s } ?? false) {
            out += [swapW, limitW].compactMap { $0 }
        } else {
            out += [limitW, swapW].compactMap { $0 }
        }
        if let r = m.reservation { out.append(CgroupWrite("memory", "memory.soft_limit_in_bytes", Limit.v1(r), field: f + ".reservation")) }
        if let k = m.kernel { out.append(CgroupWrite("memory", "memory.kmem.limit_in_bytes", Limit.v1(k), field: f + ".kernel")) }
        if let k = m.kernelTCP { out.append(CgroupWrite("memory", "memory.kmem.tcp.limit_in_bytes", Limit.v1(k), field: f + ".kernelTCP")) }
        if let s = m.swappiness {
            guard s <= 100 else { throw RuntimeError("\(f).swappiness: \(s) is above 100") }
            out.append(CgroupWrite("memory", "memory.swappiness", String(s), field: f + ".swappiness"))
        }
        if m.disableOOMKiller == true { out.append(CgroupWrite("memory", "memory.oom_control", "1", field: f + ".disableOOMKiller")) }
        if let h = m.useHierarchy { out.append(CgroupWrite("memory", "memory.use_hierarchy", h ? "1" : "0", field: f + ".useHierarchy")) }
        return out
    }
}
