import OCI

/// process.scheduler, process.ioPriority and linux.personality as the
/// numbers their syscalls take; unknown names are errors naming the field.
enum ProcessScheduling {
    static let policies: [String: UInt32] = [
        "SCHED_OTHER": 0, "SCHED_FIFO": 1, "SCHED_RR": 2, "SCHED_BATCH": 3,
        "SCHED_ISO": 4, "SCHED_IDLE": 5, "SCHED_DEADLINE": 6,
    ]
    static let flags: [String: UInt64] = [
        "SCHED_FLAG_RESET_ON_FORK": 0x01, "SCHED_FLAG_RECLAIM": 0x02, "SCHED_FLAG_DL_OVERRUN": 0x04,
        "SCHED_FLAG_KEEP_POLICY": 0x08, "SCHED_FLAG_KEEP_PARAMS": 0x10,
        "SCHED_FLAG_UTIL_CLAMP_MIN": 0x20, "SCHED_FLAG_UTIL_CLAMP_MAX": 0x40,
    ]
    static let ioClasses: [String: Int32] = ["IOPRIO_CLASS_RT": 1, "IOPRIO_CLASS_BE": 2, "IOPRIO_CLASS_IDLE": 3]

    static func schedulerStep(_ s: LinuxScheduler) throws -> Step {
        guard let policy = policies[s.policy] else {
            throw RuntimeError("process.scheduler.policy: unknown policy \"\(s.policy)\"")
        }
        var mask: UInt64 = 0
        for (i, f) in (s.flags ?? []).enumerated() {
            guard let v = flags[f] else { throw RuntimeError("process.scheduler.flags[\(i)]: unknown flag \"\(f)\"") }
            mask |= v
        }
        return .scheduler(policy: policy, flags: mask, nice: s.nice ?? 0, priority: UInt32(max(0, s.priority ?? 0)),
                          runtime: s.runtime ?? 0, deadline: s.deadline ?? 0, period: s.period ?? 0)
    }

    static func ioPriorityStep(_ io: LinuxIOPriority) throws -> Step {
        guard let cls = ioClasses[io.ioClass] else {
            throw RuntimeError("process.ioPriority.class: unknown class \"\(io.ioClass)\"")
        }
        guard (0...7).contains(io.priority) else {
            throw RuntimeError("process.ioPriority.priority: must be between 0 and 7, got \(io.priority)")
        }
        return .ioPriority(cls << 13 | Int32(io.priority))
    }

    static func personalityStep(_ p: LinuxPersonality) throws -> Step {
        if let f = p.flags, !f.isEmpty {
            throw RuntimeError("linux.personality.flags: no flags are defined, got \(f)")
        }
        switch p.domain {
        case "LINUX": return .personality(0x0000)
        case "LINUX32": return .personality(0x0008)
        default: throw RuntimeError("linux.personality.domain: must be LINUX or LINUX32, got \"\(p.domain)\"")
        }
    }

    static let memoryModes: [String: Int32] = [
        "MPOL_DEFAULT": 0, "MPOL_PREFERRED": 1, "MPOL_BIND": 2, "MPOL_INTERLEAVE": 3,
        "MPOL_LOCAL": 4, "MPOL_PREFERRED_MANY": 5, "MPOL_WEIGHTED_INTERLEAVE": 6,
    ]
    static let memoryFlags: [String: Int32] = [
        "MPOL_F_NUMA_BALANCING": 1 << 13, "MPOL_F_RELATIVE_NODES": 1 << 14, "MPOL_F_STATIC_NODES": 1 << 15,
    ]

    static func memoryPolicyStep(_ m: LinuxMemoryPolicy) throws -> Step {
        guard var mode = memoryModes[m.mode] else {
            throw RuntimeError("linux.memoryPolicy.mode: unknown mode \"\(m.mode)\"")
        }
        for (i, f) in (m.flags ?? []).enumerated() {
            guard let v = memoryFlags[f] else { throw RuntimeError("linux.memoryPolicy.flags[\(i)]: unknown flag \"\(f)\"") }
            mode |= v
        }
        let nodes = try m.nodes.flatMap { $0.isEmpty ? nil : try cpuList($0, field: "linux.memoryPolicy.nodes") }
        return .memoryPolicy(mode: mode, nodes: nodes)
    }

    /// "0-3,7": digits, commas and ranges only.
    static func cpuList(_ list: String, field: String) throws -> String {
        let ok = !list.isEmpty && list.split(separator: ",", omittingEmptySubsequences: false).allSatisfy { part in
            let ends = part.split(separator: "-", omittingEmptySubsequences: false)
            return (1...2).contains(ends.count) && ends.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
                && (ends.count == 1 || Int(ends[0])! <= Int(ends[1])!)
        }
        guard ok else { throw RuntimeError("\(field): not a CPU list like 0-3,7: \"\(list)\"") }
        return list
    }
}
