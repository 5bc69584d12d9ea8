import FoundationEssentials

/// An entry of `linux.namespaces`.
public struct LinuxNamespace: Codable, Equatable, Sendable {
    /// Kept as a string so unknown types survive decoding and can be reported
    /// by validation; see `kind`.
    public var type: String
    /// Join the namespace at this path instead of creating a new one.
    public var path: String?

    public init(type: String, path: String? = nil) {
        self.type = type
        self.path = path
    }

    public init(kind: NamespaceKind, path: String? = nil) {
        self.type = kind.rawValue
        self.path = path
    }

    public var kind: NamespaceKind? { NamespaceKind(rawValue: type) }
}

/// The namespace types of the spec; raw values are the JSON strings.
public enum NamespaceKind: String, CaseIterable, Codable, Sendable {
    case pid, network, mount, ipc, uts, user, cgroup, time

    /// The file name under `/proc/<pid>/ns/`.
    public var procName: String {
        switch self {
        case .pid: return "pid"
        case .network: return "net"
        case .mount: return "mnt"
        case .ipc: return "ipc"
        case .uts: return "uts"
        case .user: return "user"
        case .cgroup: return "cgroup"
        case .time: return "time"
        }
    }

    /// The `CLONE_NEW*` flag for clone(2), unshare(2) and setns(2).
    public var cloneFlag: Int32 {
        switch self {
        case .pid: return 0x2000_0000
        case .network: return 0x4000_0000
        case .mount: return 0x0002_0000
        case .ipc: return 0x0800_0000
        case .uts: return 0x0400_0000
        case .user: return 0x1000_0000
        case .cgroup: return 0x0200_0000
        case .time: return 0x0000_0080
        }
    }
}
