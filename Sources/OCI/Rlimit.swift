import FoundationEssentials

/// An entry of `process.rlimits`.
public struct POSIXRlimit: Codable, Equatable, Sendable {
    /// `RLIMIT_*` name, e.g. `RLIMIT_NOFILE`.
    public var type: String
    public var hard: UInt64
    public var soft: UInt64

    public init(type: String, hard: UInt64, soft: UInt64) {
        self.type = type
        self.hard = hard
        self.soft = soft
    }

    /// Linux resource numbers (the `resource` argument of setrlimit(2)) by name.
    public static let linuxResources: [String: Int32] = [
        "RLIMIT_CPU": 0,
        "RLIMIT_FSIZE": 1,
        "RLIMIT_DATA": 2,
        "RLIMIT_STACK": 3,
        "RLIMIT_CORE": 4,
        "RLIMIT_RSS": 5,
        "RLIMIT_NPROC": 6,
        "RLIMIT_NOFILE": 7,
        "RLIMIT_MEMLOCK": 8,
        "RLIMIT_AS": 9,
        "RLIMIT_LOCKS": 10,
        "RLIMIT_SIGPENDING": 11,
        "RLIMIT_MSGQUEUE": 12,
        "RLIMIT_NICE": 13,
        "RLIMIT_RTPRIO": 14,
        "RLIMIT_RTTIME": 15,
    ]
}
