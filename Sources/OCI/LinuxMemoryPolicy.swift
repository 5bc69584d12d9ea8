import FoundationEssentials

/// `linux.memoryPolicy`: NUMA policy for set_mempolicy(2).
public struct LinuxMemoryPolicy: Codable, Equatable, Sendable {
    public var mode: String
    /// Node list such as `0-3,7`.
    public var nodes: String?
    public var flags: [String]?

    public init(mode: String, nodes: String? = nil, flags: [String]? = nil) {
        self.mode = mode
        self.nodes = nodes
        self.flags = flags
    }

    public static let knownModes = [
        "MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
        "MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL",
    ]

    public static let knownFlags = [
        "MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES",
    ]
}
