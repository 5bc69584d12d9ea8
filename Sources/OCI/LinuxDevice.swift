import FoundationEssentials

/// An entry of `linux.devices`: a device node to create in the container.
public struct LinuxDevice: Codable, Equatable, Sendable {
    /// `c`, `b`, `u` or `p`; see `kind`.
    public var type: String
    public var path: String
    /// Required unless `type` is `p`.
    public var major: Int64?
    public var minor: Int64?
    /// Permission bits, written in decimal in JSON.
    public var fileMode: UInt32?
    public var uid: UInt32?
    public var gid: UInt32?

    public init(
        type: String,
        path: String,
        major: Int64? = nil,
        minor: Int64? = nil,
        fileMode: UInt32? = nil,
        uid: UInt32? = nil,
        gid: UInt32? = nil
    ) {
        self.type = type
        self.path = path
        self.major = major
        self.minor = minor
        self.fileMode = fileMode
        self.uid = uid
        self.gid = gid
    }

    public var kind: DeviceKind? { DeviceKind(rawValue: type) }
}

/// Device node types of `linux.devices[].type`, as mknod(1) spells them.
public enum DeviceKind: String, CaseIterable, Codable, Sendable {
    case char = "c"
    case block = "b"
    /// Unbuffered character device; created exactly like `char`.
    case unbufferedChar = "u"
    case fifo = "p"

    public var needsNumbers: Bool { self != .fifo }
}
