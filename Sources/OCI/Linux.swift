import FoundationEssentials

/// `linux`: the Linux-specific part of `config.json`.
public struct Linux: Codable, Equatable, Sendable {
    public var namespaces: [LinuxNamespace]?
    public var uidMappings: [LinuxIDMapping]?
    public var gidMappings: [LinuxIDMapping]?
    /// Clock name (`monotonic`, `boottime`) to offset; needs a time namespace.
    public var timeOffsets: [String: LinuxTimeOffset]?
    public var devices: [LinuxDevice]?
    /// Host interface name to settings; devices moved into the network namespace.
    public var netDevices: [String: LinuxNetDevice]?
    public var cgroupsPath: String?
    public var resources: LinuxResources?
    public var intelRdt: LinuxIntelRdt?
    public var memoryPolicy: LinuxMemoryPolicy?
    public var sysctl: [String: String]?
    public var seccomp: LinuxSeccomp?
    /// `shared`, `slave`, `private` or `unbindable` (runc also takes the `r` forms).
    public var rootfsPropagation: String?
    public var maskedPaths: [String]?
    public var readonlyPaths: [String]?
    public var mountLabel: String?
    public var personality: LinuxPersonality?

    public init(
        namespaces: [LinuxNamespace]? = nil,
        uidMappings: [LinuxIDMapping]? = nil,
        gidMappings: [LinuxIDMapping]? = nil,
        timeOffsets: [String: LinuxTimeOffset]? = nil,
        devices: [LinuxDevice]? = nil,
        netDevices: [String: LinuxNetDevice]? = nil,
        cgroupsPath: String? = nil,
        resources: LinuxResources? = nil,
        intelRdt: LinuxIntelRdt? = nil,
        memoryPolicy: LinuxMemoryPolicy? = nil,
        sysctl: [String: String]? = nil,
        seccomp: LinuxSeccomp? = nil,
        rootfsPropagation: String? = nil,
        maskedPaths: [String]? = nil,
        readonlyPaths: [String]? = nil,
        mountLabel: String? = nil,
        personality: LinuxPersonality? = nil
    ) {
        self.namespaces = namespaces
        self.uidMappings = uidMappings
        self.gidMappings = gidMappings
        self.timeOffsets = timeOffsets
        self.devices = devices
        self.netDevices = netDevices
        self.cgroupsPath = cgroupsPath
        self.resources = resources
        self.intelRdt = intelRdt
        self.memoryPolicy = memoryPolicy
        self.sysctl = sysctl
        self.seccomp = seccomp
        self.rootfsPropagation = rootfsPropagation
        self.maskedPaths = maskedPaths
        self.readonlyPaths = readonlyPaths
        self.mountLabel = mountLabel
        self.personality = personality
    }

    /// The first namespace entry of the given kind, if any.
    public func namespace(_ kind: NamespaceKind) -> LinuxNamespace? {
        namespaces?.first { $0.kind == kind }
    }

    public static let knownRootfsPropagations = [
        "shared", "slave", "private", "unbindable",
        "rshared", "rslave", "rprivate", "runbindable",
    ]
}

/// One range of a uid or gid mapping (user namespace or id-mapped mount).
public struct LinuxIDMapping: Codable, Equatable, Sendable {
    public var containerID: UInt32
    public var hostID: UInt32
    public var size: UInt32

    public init(containerID: UInt32, hostID: UInt32, size: UInt32) {
        self.containerID = containerID
        self.hostID = hostID
        self.size = size
    }
}
