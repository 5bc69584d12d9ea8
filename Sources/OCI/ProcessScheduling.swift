import FoundationEssentials

/// `process.ioPriority`.
public struct LinuxIOPriority: Codable, Equatable, Sendable {
    /// JSON key `class`: `IOPRIO_CLASS_RT`, `IOPRIO_CLASS_BE` or `IOPRIO_CLASS_IDLE`.
    public var ioClass: String
    /// 0 (highest) to 7 (lowest).
    public var priority: Int

    public init(ioClass: String, priority: Int) {
        self.ioClass = ioClass
        self.priority = priority
    }

    private enum CodingKeys: String, CodingKey {
        case ioClass = "class"
        case priority
    }

    public static let knownClasses = ["IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE"]
}

/// `process.scheduler`: arguments for sched_setattr(2).
public struct LinuxScheduler: Codable, Equatable, Sendable {
    public var policy: String
    public var nice: Int32?
    public var priority: Int32?
    public var flags: [String]?
    public var runtime: UInt64?
    public var deadline: UInt64?
    public var period: UInt64?

    public init(
        policy: String,
        nice: Int32? = nil,
        priority: Int32? = nil,
        flags: [String]? = nil,
        runtime: UInt64? = nil,
        deadline: UInt64? = nil,
        period: UInt64? = nil
    ) {
        self.policy = policy
        self.nice = nice
        self.priority = priority
        self.flags = flags
        self.runtime = runtime
        self.deadline = deadline
        self.period = period
    }

    public static let knownPolicies = [
        "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH",
        "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE",
    ]

    public static let knownFlags = [
        "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN",
        "SCHED_FLAG_KEEP_POLICY", "SCHED_FLAG_KEEP_PARAMS",
        "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX",
    ]
}

/// `process.execCPUAffinity`: CPU lists such as `0-3,7` (used by exec, not init).
public struct LinuxExecCPUAffinity: Codable, Equatable, Sendable {
    /// CPUs to run on before joining the container's cgroup.
    public var initial: String?
    /// CPUs to run on after joining the container's cgroup.
    public var final: String?

    public init(initial: String? = nil, final: String? = nil) {
        self.initial = initial
        self.final = final
    }
}
