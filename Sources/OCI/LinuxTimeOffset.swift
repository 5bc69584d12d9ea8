import FoundationEssentials

/// A value of `linux.timeOffsets`.
public struct LinuxTimeOffset: Codable, Equatable, Sendable {
    public var secs: Int64?
    public var nanosecs: UInt32?

    public init(secs: Int64? = nil, nanosecs: UInt32? = nil) {
        self.secs = secs
        self.nanosecs = nanosecs
    }

    /// The clocks a time namespace can offset (keys of `linux.timeOffsets`).
    public static let knownClocks = ["monotonic", "boottime"]
}
