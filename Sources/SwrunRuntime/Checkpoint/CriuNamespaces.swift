import Glibc
import OCI

/// Namespaces the config joins by path, told to CRIU as runc does: the
/// network and pid ones are "external" (CRIU leaves them alone and, at
/// restore, gets them as inherited fds under a fixed key); the others are
/// joined at restore (`join_ns`). A cgroup namespace given by path has no
/// CRIU counterpart: restore refuses it.
enum CriuNamespaces {
    /// runc's key: extRootNetNS, extRootPidNS.
    static func key(_ kind: NamespaceKind) -> String {
        "extRoot" + (kind == .network ? "Net" : "Pid") + "NS"
    }

    /// `--external net[INODE]:extRootNetNS` (and pid) for the dump.
    static func dumpExternals(_ namespaces: [LinuxNamespace]) throws -> [String] {
        var out: [String] = []
        for ns in namespaces {
            guard let kind = ns.kind, kind == .network || kind == .pid, let path = ns.path, !path.isEmpty else { continue }
            var st = stat()
            if stat(path, &st) < 0 { throw RuntimeError("stat the \(ns.type) namespace", path: path, errno: errno) }
            out.append("\(kind.procName)[\(st.st_ino)]:\(key(kind))")
        }
        return out
    }

    /// For the restore: the namespaces to join, and the external ones as
    /// fds to hand to CRIU (opened here, close-on-exec; the caller closes
    /// them) with the `inherit_fd` entries naming them. `firstFd` is the
    /// number CRIU sees the first extra fd as.
    static func restore(_ namespaces: [LinuxNamespace], firstFd: Int32) throws
        -> (join: [JoinNamespace], inherit: [InheritFd], fds: [Int32]) {
        var join: [JoinNamespace] = []
        var inherit: [InheritFd] = []
        var fds: [Int32] = []
        do {
            for ns in namespaces {
                guard let kind = ns.kind, let path = ns.path, !path.isEmpty else { continue }
                switch kind {
                case .network, .pid:
                    fds.append(try Sys.open(path, O_RDONLY))
                    var i = InheritFd()
                    i.key = key(kind)
                    i.fd = firstFd + Int32(fds.count - 1)
                    inherit.append(i)
                case .cgroup:
                    throw RuntimeError("config.json: linux.namespaces: restore cannot join a cgroup namespace by path (CRIU has no way to)")
                default:
                    var j = JoinNamespace()
                    j.ns = kind.procName
                    j.nsFile = path
                    join.append(j)
                }
            }
        } catch {
            fds.forEach(Sys.close)
            throw error
        }
        return (join, inherit, fds)
    }
}
