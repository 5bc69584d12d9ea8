import OCI

/// The device nodes and /dev symlinks every container gets, plus
/// `linux.devices`. In a user namespace mknod is not allowed, so the host's
/// node is bind-mounted instead. A node, file or symlink the image has at
/// one of these paths is replaced unless it already is that device (a
/// symlinked /dev/null would otherwise be followed: CVE-2025-31133).
public struct DevicePlan {
    public struct Node: Equatable {
        public var path: String
        public var type: String  // c, b, u or p
        public var major: Int64
        public var minor: Int64
        public var mode: UInt32
        public var uid: UInt32
        public var gid: UInt32
    }

    public static let defaults: [Node] = [
        Node(path: "/dev/null", type: "c", major: 1, minor: 3, mode: 0o666, uid: 0, gid: 0),
        Node(path: "/dev/zero", type: "c", major: 1, minor: 5, mode: 0o666, uid: 0, gid: 0),
        Node(path: "/dev/full", type: "c", major: 1, minor: 7, mode: 0o666, uid: 0, gid: 0),
        Node(path: "/dev/random", type: "c", major: 1, minor: 8, mode: 0o666, uid: 0, gid: 0),
        Node(path: "/dev/urandom", type: "c", major: 1, minor: 9, mode: 0o666, uid: 0, gid: 0),
        Node(path: "/dev/tty", type: "c", major: 5, minor: 0, mode: 0o666, uid: 0, gid: 0),
    ]

    public static let symlinks: [(String, String)] = [
        ("/proc/self/fd", "/dev/fd"),
        ("/proc/self/fd/0", "/dev/stdin"),
        ("/proc/self/fd/1", "/dev/stdout"),
        ("/proc/self/fd/2", "/dev/stderr"),
        ("pts/ptmx", "/dev/ptmx"),
    ]

    static let typeBits: [String: UInt32] = ["c": 0o020000, "u": 0o020000, "b": 0o060000, "p": 0o010000]

    /// `d` has passed OCI validation (type, absolute path, numbers).
    public static func node(_ d: LinuxDevice, index i: Int) throws -> Node {
        guard typeBits[d.type] != nil else { throw InitPlanCompiler.unvalidated("linux.devices[\(i)].type", d.type) }
        return Node(path: d.path, type: d.type, major: d.major ?? 0, minor: d.minor ?? 0,
                    mode: (d.fileMode ?? 0o666) & 0o7777, uid: d.uid ?? 0, gid: d.gid ?? 0)
    }

    /// Steps creating the nodes (the config's replace defaults of the same path).
    public static func steps(devices: [LinuxDevice], inUserNamespace: Bool) throws -> [Step] {
        var nodes = defaults
        for (i, d) in devices.enumerated() {
            let n = try node(d, index: i)
            nodes.removeAll { $0.path == n.path }
            nodes.append(n)
        }
        var steps: [Step] = []
        for n in nodes {
            if inUserNamespace {
                steps.append(.bindDevice(path: n.path, mode: typeBits[n.type]! | n.mode, major: n.major, minor: n.minor))
            } else {
                steps.append(.mknod(path: n.path, mode: typeBits[n.type]! | n.mode,
                                    major: n.major, minor: n.minor, uid: n.uid, gid: n.gid))
            }
        }
        // As runc: /dev/ptmx is always made the link to the container's
        // devpts; the others are kept when the image has them.
        for (text, path) in symlinks {
            steps.append(.symlink(linkText: text, path: path, replace: path == "/dev/ptmx"))
        }
        return steps
    }
}
