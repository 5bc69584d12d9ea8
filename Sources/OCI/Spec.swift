import FoundationEssentials

/// The version of the OCI runtime specification these types follow.
public let ociSpecVersion = "1.3.0"

/// The top-level `config.json` object of an OCI bundle.
///
/// Only the Linux platform section is modelled; `solaris`, `windows`, `vm`,
/// `zos` and `freebsd` are ignored on decode like any other unknown key.
public struct Spec: Codable, Equatable, Sendable {
    public var ociVersion: String
    public var process: Process?
    public var root: Root?
    public var hostname: String?
    public var domainname: String?
    public var mounts: [Mount]?
    public var hooks: Hooks?
    public var annotations: [String: String]?
    public var linux: Linux?

    public init(
        ociVersion: String = ociSpecVersion,
        process: Process? = nil,
        root: Root? = nil,
        hostname: String? = nil,
        domainname: String? = nil,
        mounts: [Mount]? = nil,
        hooks: Hooks? = nil,
        annotations: [String: String]? = nil,
        linux: Linux? = nil
    ) {
        self.ociVersion = ociVersion
        self.process = process
        self.root = root
        self.hostname = hostname
        self.domainname = domainname
        self.mounts = mounts
        self.hooks = hooks
        self.annotations = annotations
        self.linux = linux
    }
}

/// `root`: the container's root filesystem.
public struct Root: Codable, Equatable, Sendable {
    /// Absolute, or relative to the bundle directory.
    public var path: String
    public var readonly: Bool?

    public init(path: String, readonly: Bool? = nil) {
        self.path = path
        self.readonly = readonly
    }
}
