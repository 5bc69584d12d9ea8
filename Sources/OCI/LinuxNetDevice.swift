import FoundationEssentials

/// A value of `linux.netDevices` (the key is the host interface name).
public struct LinuxNetDevice: Codable, Equatable, Sendable {
    /// Name inside the container; the host name is kept when nil.
    public var name: String?

    public init(name: String? = nil) {
        self.name = name
    }
}
