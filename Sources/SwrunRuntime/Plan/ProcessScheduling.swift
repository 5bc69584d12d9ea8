import OCI

/// process.scheduler, process.ioPriority and linux.personality as the
/// numbers their syscalls take. The names were checked by the OCI
/// validator; one it would refuse is an `unvalidated` error.
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
        guard let policy = policies[s.policy] else { throw InitPlanCompiler.unvalidated("process.scheduler.policy", s.policy) }
        var mask: UInt64 = 0
        for (i, f) in (s.flags ?? []).enumerated() {
            guard let v = flags[f] else { throw InitPlanCompiler.unvalidated("process.scheduler.flags[\(i)]", f) }
            mask |= v
        }
        return .scheduler(policy: policy, flags: mask, nice: s.nice ?? 0, priority: UInt32(max(0, s.priority ?? 0)),
                          runtime: s.runtime ?? 0, deadline: s.deadline ?? 0, period: s.period ?? 0)
    }

    static func ioPriorityStep(_ io: LinuxIOPriority) throws -> Step {
        guard let cls = ioClasses[io.ioClass] else { throw InitPlanCompiler.unvalidated("process.ioPriority.class", io.ioClass) }
        return .ioPriority(cls << 13 | Int32(io.priority))
    }

    static func personalityStep(_ p: LinuxPersonality) throws -> Step {
        switch p.domain {
        case "LINUX": return .personality(0x0000)
        case "LINUX32": return .personality(0x0008)
        default: throw InitPlanCompiler.unvalidated("linux.personality.domain", p.domain)
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
        guard var mode = memoryModes[m.mode] else { throw InitPlanCompiler.unvalidated("linux.memoryPolicy.mode", m.mode) }
        for (i, f) in (m.flags ?? []).enumerated() {
            guard let v = memoryFlags[f] else { throw InitPlanCompiler.unvalidated("linux.memoryPolicy.flags[\(i)]", f) }
            mode |= v
        }
        return .memoryPolicy(mode: mode, nodes: m.nodes.flatMap { $0.isEmpty ? nil : $0 })
    }
}
