import FoundationEssentials

/// The `status` of a container's state.
public enum ContainerStatus: String, Codable, Sendable, CaseIterable {
    case creating
    case created
    case running
    case stopped
    /// Not in the OCI spec; runc reports it for frozen containers.
    case paused
}

/// The OCI state object, plus the extra fields `runc state` prints
/// (`rootfs`, `created`, `owner`). Nil fields are left out when encoding.
public struct ContainerState: Codable, Equatable, Sendable {
    public var ociVersion: String
    public var id: String
    public var status: ContainerStatus
    /// Required while created or running; omitted when stopped.
    public var pid: Int?
    /// Absolute path of the bundle directory.
    public var bundle: String
    public var annotations: [String: String]?
    /// runc extension: absolute path of the root filesystem.
    public var rootfs: String?
    /// runc extension: creation time, RFC 3339 with nanoseconds.
    public var created: String?
    /// runc extension: owner of the container (empty for root).
    public var owner: String?

    public init(
        ociVersion: String = ociSpecVersion,
        id: String,
        status: ContainerStatus,
        pid: Int? = nil,
        bundle: String,
        annotations: [String: String]? = nil,
        rootfs: String? = nil,
        created: String? = nil,
        owner: String? = nil
    ) {
        self.ociVersion = ociVersion
        self.id = id
        self.status = status
        self.pid = pid
        self.bundle = bundle
        self.annotations = annotations
        self.rootfs = rootfs
        self.created = created
        self.owner = owner
    }
}
