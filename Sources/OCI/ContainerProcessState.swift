import FoundationEssentials

/// What the runtime sends to `linux.seccomp.listenerPath` together with the
/// seccomp notify fd (passed with SCM_RIGHTS, named in `fds`).
public struct ContainerProcessState: Codable, Equatable, Sendable {
    public var ociVersion: String
    /// Names of the passed file descriptors, e.g. `["seccompFd"]`.
    public var fds: [String]?
    public var pid: Int
    /// `linux.seccomp.listenerMetadata`.
    public var metadata: String?
    public var state: ContainerState

    public init(
        ociVersion: String = ociSpecVersion,
        fds: [String]? = nil,
        pid: Int,
        metadata: String? = nil,
        state: ContainerState
    ) {
        self.ociVersion = ociVersion
        self.fds = fds
        self.pid = pid
        self.metadata = metadata
        self.state = state
    }
}
