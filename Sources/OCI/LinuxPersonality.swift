import FoundationEssentials

/// `linux.personality`: the execution domain for personality(2).
public struct LinuxPersonality: Codable, Equatable, Sendable {
    /// `LINUX` or `LINUX32`.
    public var domain: String
    /// No flags are defined by the spec yet.
    public var flags: [String]?

    public init(domain: String, flags: [String]? = nil) {
        self.domain = domain
        self.flags = flags
    }

    public static let knownDomains = ["LINUX", "LINUX32"]
}
