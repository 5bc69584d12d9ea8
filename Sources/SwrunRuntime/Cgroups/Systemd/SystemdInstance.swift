import Glibc

/// The systemd manager a container's scope belongs to: the system instance
/// (pid 1), or a user's instance, user@UID.service, which runc's rootless
/// systemd driver uses. A user instance's units live in the cgroup systemd
/// delegated to user@UID.service, so a scope's directory says whose it is.
enum SystemdInstance: Equatable {
    case system
    case user(uid: UInt32)

    /// The instance of the caller: its own user manager when rootless.
    static func caller(rootless: Bool) -> SystemdInstance {
        rootless ? .user(uid: Rootless.hostUID()) : .system
    }

    /// The instance whose unit has the cgroup `dir`: the user manager
    /// whose user@UID.service directory holds it, else the system one.
    init(scopeDirectory dir: String) {
        self = Self.managerDirectory(of: dir).flatMap(Self.uid(ofService:)).map { .user(uid: $0) } ?? .system
    }

    /// The leading part of `dir` up to the user@UID.service directory.
    static func managerDirectory(of dir: String) -> String? {
        var path = ""
        for part in dir.split(separator: "/") {
            path += "/" + part
            if uid(ofService: path) != nil { return path }
        }
        return nil
    }

    private static func uid(ofService path: String) -> UInt32? {
        let name = path.split(separator: "/").last ?? ""
        guard name.hasPrefix("user@"), name.hasSuffix(".service") else { return nil }
        return UInt32(name.dropFirst("user@".count).dropLast(".service".count))
    }

    /// The manager's own cgroup directory on the v2 mount `mountPoint`,
    /// where its slices are: the root for the system manager; for a user
    /// manager its ControlGroup property (runc reads it too), e.g.
    /// /user.slice/user-1000.slice/user@1000.service.
    func cgroupDirectory(under mountPoint: String) throws -> String {
        guard case let .user(uid) = self else { return mountPoint }
        let m = try connect()
        let cgroup: String?
        do { cgroup = try m.property("ControlGroup") } catch let e as SystemdError {
            throw RuntimeError("read the ControlGroup of \(name): \(e.name): \(e.message)")
        }
        guard let cgroup, cgroup.hasPrefix("/") else {
            throw RuntimeError("\(name) names no cgroup of its own (its ControlGroup is \"\(cgroup ?? "")\")")
        }
        let dir = mountPoint + (cgroup == "/" ? "" : cgroup)
        // A later swrun finds the manager of a scope from its directory.
        guard SystemdInstance(scopeDirectory: dir + "/x.scope") == self else {
            throw RuntimeError("\(name) runs in the cgroup \(cgroup), not in user@\(uid).service's: swrun would not find it again from its scopes")
        }
        guard Sys.isDirectory(dir) else {
            throw RuntimeError("\(name): its cgroup is not visible here (another cgroup namespace or mount?)", path: dir, errno: ENOENT)
        }
        return dir
    }

    /// The slice of a scope given none: runc's rule.
    var defaultSlice: String { self == .system ? "system.slice" : "user.slice" }

    /// What a message calls this manager.
    var name: String {
        switch self {
        case .system: return "systemd's system manager"
        case let .user(uid): return "the systemd user manager of uid \(uid) (user@\(uid).service)"
        }
    }

    /// Connects to the manager. The system one is reached on its private
    /// socket; a user one on $XDG_RUNTIME_DIR/systemd/private, the same
    /// protocol, else (as runc) through the user's session bus:
    /// DBUS_SESSION_BUS_ADDRESS, or $XDG_RUNTIME_DIR/bus.
    func connect() throws -> SystemdManager {
        guard case let .user(uid) = self else { return try SystemdManager() }
        let env = { (name: String) in getenv(name).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } }
        let xdg = env("XDG_RUNTIME_DIR")
        if let xdg, Sys.exists(xdg + "/systemd/private") {
            return try SystemdManager(socket: xdg + "/systemd/private", what: name)
        }
        if let address = env("DBUS_SESSION_BUS_ADDRESS") {
            return try SystemdManager(socket: try Self.unixPath(address), what: "\(name) through DBUS_SESSION_BUS_ADDRESS", bus: true)
        }
        if let xdg, Sys.exists(xdg + "/bus") {
            return try SystemdManager(socket: xdg + "/bus", what: "\(name) through its session bus", bus: true)
        }
        guard let xdg else {
            throw RuntimeError("the systemd cgroup driver of a rootless container needs \(name): XDG_RUNTIME_DIR is not set (nor DBUS_SESSION_BUS_ADDRESS), so its socket cannot be found")
        }
        throw RuntimeError("the systemd cgroup driver of a rootless container needs \(name): neither \(xdg)/systemd/private nor \(xdg)/bus exists (is user@\(uid).service running? `loginctl enable-linger` starts it)",
                           path: xdg + "/systemd/private", errno: ENOENT)
    }

    /// The socket of a D-Bus address "unix:path=...": the one kind runc's
    /// library dials here too (abstract and TCP addresses are refused).
    static func unixPath(_ address: String) throws -> String {
        for candidate in address.split(separator: ";") where candidate.hasPrefix("unix:") {
            for kv in candidate.dropFirst("unix:".count).split(separator: ",") where kv.hasPrefix("path=") {
                return Self.unescape(String(kv.dropFirst("path=".count)))
            }
        }
        throw RuntimeError("DBUS_SESSION_BUS_ADDRESS \"\(address)\": no unix:path= address in it (the only kind swrun can dial)")
    }

    /// D-Bus address values escape bytes as %XX.
    private static func unescape(_ s: String) -> String {
        var out: [UInt8] = []
        var bytes = Array(s.utf8)[...]
        while let b = bytes.popFirst() {
            if b == UInt8(ascii: "%"), bytes.count >= 2, let v = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) {
                out.append(v)
                bytes = bytes.dropFirst(2)
            } else {
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
