import Glibc
import OCI

/// The flags `checkpoint` and `restore` share, as runc names them.
public struct CriuCommonOptions {
    /// `--image-path`; empty: `./checkpoint` in the caller's directory.
    public var imagePath = ""
    /// `--work-path`: CRIU's logs and work files (else the image directory).
    public var workPath: String?
    public var tcpEstablished = false
    public var extUnixSk = false
    public var shellJob = false
    public var fileLocks = false
    public var autoDedup = false
    public var lazyPages = false
    public var manageCgroupsMode: ManageCgroupsMode?
    /// `--empty-ns`: namespaces CRIU creates without restoring their
    /// content (the network one always, as runc: swrun sets up no devices).
    public var emptyNamespaces: [String] = []
    /// The global `--criu`: the binary, looked up in PATH without a slash.
    public var criu = "criu"
    public init() {}

    /// The image directory as given, made absolute against our cwd.
    var absoluteImagePath: String {
        let p = imagePath.isEmpty ? "checkpoint" : imagePath
        return p.hasPrefix("/") ? p : Sys.getcwd() + "/" + p
    }

    var absoluteWorkPath: String? {
        guard let w = workPath, !w.isEmpty else { return nil }
        return w.hasPrefix("/") ? w : Sys.getcwd() + "/" + w
    }

    /// The namespaces CRIU creates empty (CLONE_NEW* bits): the network
    /// one, the only one `--empty-ns` may name.
    var emptyNamespaceMask: UInt32 { UInt32(NamespaceKind.network.cloneFlag) }

    /// runc's check and words for an `--empty-ns` value.
    public static func checkEmptyNamespace(_ value: String) throws {
        guard value == "network" else { throw RuntimeError("namespace \"\(value)\" is not supported") }
    }
}

/// `--manage-cgroups-mode`: how CRIU handles the cgroups' properties.
public enum ManageCgroupsMode: String {
    case soft, full, strict

    /// runc's words for a value it does not know.
    public static func parse(_ value: String) throws -> ManageCgroupsMode {
        guard let m = ManageCgroupsMode(rawValue: value) else { throw RuntimeError("Invalid manage cgroups mode") }
        return m
    }

    var criu: CriuCgMode {
        switch self {
        case .soft: return .soft
        case .full: return .full
        case .strict: return .strict
        }
    }
}

/// What `checkpoint` takes beyond the shared flags.
public struct CheckpointOptions {
    public var common = CriuCommonOptions()
    /// `--parent-path`: the previous (pre-)dump, relative to the image path.
    public var parentPath = ""
    public var leaveRunning = false
    public var preDump = false
    /// `--status-fd`: gets one NUL byte once the lazy-pages server is ready.
    public var statusFd: Int32 = -1
    /// `--page-server ADDRESS:PORT`.
    public var pageServer: (address: String, port: Int32)?
    public init() {}

    /// runc's checks and words for `--page-server`.
    public static func parsePageServer(_ value: String) throws -> (address: String, port: Int32) {
        guard let colon = value.lastIndex(of: ":") else {
            throw RuntimeError("Use --page-server ADDRESS:PORT to specify page server")
        }
        var address = String(value[..<colon])
        let port = String(value[value.index(after: colon)...])
        if address.hasPrefix("[") && address.hasSuffix("]") { address = String(address.dropFirst().dropLast()) }
        guard !address.isEmpty, !port.isEmpty else {
            throw RuntimeError("Use --page-server ADDRESS:PORT to specify page server")
        }
        guard let p = Int32(port) else { throw RuntimeError("Invalid port number") }
        return (address, p)
    }
}

/// What `restore` takes beyond the shared flags.
public struct RestoreOptions {
    public var common = CriuCommonOptions()
    public var bundle = "."
    public var consoleSocket: String?
    public var pidFile: String?
    public var detach = false
    public var subreaper = true
    public init() {}
}
