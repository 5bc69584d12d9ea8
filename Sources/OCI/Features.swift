import FoundationEssentials

/// The `features` document: what a runtime implements (features.md).
/// Types only; the runtime fills in the values.
public struct Features: Codable, Equatable, Sendable {
    public var ociVersionMin: String
    public var ociVersionMax: String
    public var hooks: [String]?
    public var mountOptions: [String]?
    public var linux: LinuxFeatures?
    public var annotations: [String: String]?
    /// Annotation names (or prefixes ending in `.`) that may change runtime behaviour.
    public var potentiallyUnsafeConfigAnnotations: [String]?

    public init(
        ociVersionMin: String,
        ociVersionMax: String,
        hooks: [String]? = nil,
        mountOptions: [String]? = nil,
        linux: LinuxFeatures? = nil,
        annotations: [String: String]? = nil,
        potentiallyUnsafeConfigAnnotations: [String]? = nil
    ) {
        self.ociVersionMin = ociVersionMin
        self.ociVersionMax = ociVersionMax
        self.hooks = hooks
        self.mountOptions = mountOptions
        self.linux = linux
        self.annotations = annotations
        self.potentiallyUnsafeConfigAnnotations = potentiallyUnsafeConfigAnnotations
    }
}

/// `linux` of the features document (features-linux.md).
public struct LinuxFeatures: Codable, Equatable, Sendable {
    public var namespaces: [String]?
    public var capabilities: [String]?
    public var cgroup: CgroupFeatures?
    public var seccomp: SeccompFeatures?
    public var apparmor: AppArmorFeatures?
    public var selinux: SELinuxFeatures?
    public var intelRdt: IntelRdtFeatures?
    public var memoryPolicy: MemoryPolicyFeatures?
    public var mountExtensions: MountExtensionsFeatures?
    public var netDevices: NetDevicesFeatures?

    public init(
        namespaces: [String]? = nil,
        capabilities: [String]? = nil,
        cgroup: CgroupFeatures? = nil,
        seccomp: SeccompFeatures? = nil,
        apparmor: AppArmorFeatures? = nil,
        selinux: SELinuxFeatures? = nil,
        intelRdt: IntelRdtFeatures? = nil,
        memoryPolicy: MemoryPolicyFeatures? = nil,
        mountExtensions: MountExtensionsFeatures? = nil,
        netDevices: NetDevicesFeatures? = nil
    ) {
        self.namespaces = namespaces
        self.capabilities = capabilities
        self.cgroup = cgroup
        self.seccomp = seccomp
        self.apparmor = apparmor
        self.selinux = selinux
        self.intelRdt = intelRdt
        self.memoryPolicy = memoryPolicy
        self.mountExtensions = mountExtensions
        self.netDevices = netDevices
    }
}

public struct CgroupFeatures: Codable, Equatable, Sendable {
    public var v1: Bool?
    public var v2: Bool?
    public var systemd: Bool?
    public var systemdUser: Bool?
    public var rdma: Bool?

    public init(v1: Bool? = nil, v2: Bool? = nil, systemd: Bool? = nil, systemdUser: Bool? = nil, rdma: Bool? = nil) {
        self.v1 = v1
        self.v2 = v2
        self.systemd = systemd
        self.systemdUser = systemdUser
        self.rdma = rdma
    }
}

public struct SeccompFeatures: Codable, Equatable, Sendable {
    public var enabled: Bool?
    public var actions: [String]?
    public var operators: [String]?
    public var archs: [String]?
    public var knownFlags: [String]?
    /// Subset of `knownFlags` that the kernel and libseccomp support.
    public var supportedFlags: [String]?

    public init(
        enabled: Bool? = nil,
        actions: [String]? = nil,
        operators: [String]? = nil,
        archs: [String]? = nil,
        knownFlags: [String]? = nil,
        supportedFlags: [String]? = nil
    ) {
        self.enabled = enabled
        self.actions = actions
        self.operators = operators
        self.archs = archs
        self.knownFlags = knownFlags
        self.supportedFlags = supportedFlags
    }
}

public struct AppArmorFeatures: Codable, Equatable, Sendable {
    public var enabled: Bool?

    public init(enabled: Bool? = nil) {
        self.enabled = enabled
    }
}

public struct SELinuxFeatures: Codable, Equatable, Sendable {
    public var enabled: Bool?

    public init(enabled: Bool? = nil) {
        self.enabled = enabled
    }
}

public struct IntelRdtFeatures: Codable, Equatable, Sendable {
    public var enabled: Bool?
    /// Whether `linux.intelRdt.schemata` is supported.
    public var schemata: Bool?
    /// Whether `linux.intelRdt.enableMonitoring` is supported.
    public var monitoring: Bool?

    public init(enabled: Bool? = nil, schemata: Bool? = nil, monitoring: Bool? = nil) {
        self.enabled = enabled
        self.schemata = schemata
        self.monitoring = monitoring
    }
}

public struct MemoryPolicyFeatures: Codable, Equatable, Sendable {
    public var modes: [String]?
    public var flags: [String]?

    public init(modes: [String]? = nil, flags: [String]? = nil) {
        self.modes = modes
        self.flags = flags
    }
}

public struct MountExtensionsFeatures: Codable, Equatable, Sendable {
    public var idmap: IDMapFeatures?

    public init(idmap: IDMapFeatures? = nil) {
        self.idmap = idmap
    }
}

public struct IDMapFeatures: Codable, Equatable, Sendable {
    /// Whether `mounts[].uidMappings` / `gidMappings` are recognised.
    public var enabled: Bool?

    public init(enabled: Bool? = nil) {
        self.enabled = enabled
    }
}

public struct NetDevicesFeatures: Codable, Equatable, Sendable {
    public var enabled: Bool?

    public init(enabled: Bool? = nil) {
        self.enabled = enabled
    }
}
