import Glibc

/// Unix stream sockets swrun connects to as a client.
enum UnixSocket {
    /// Connects to the socket. A path longer than sun_path allows is
    /// reached through its directory's fd in /proc/self/fd.
    /// `what` names the socket in errors (--console-socket,
    /// linux.seccomp.listenerPath).
    static func connect(_ path: String, what: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        if fd < 0 { throw RuntimeError("socket for \(what)", errno: errno) }
        var target = path
        var dirfd: Int32 = -1
        defer { Sys.close(dirfd) }
        if path.utf8.count >= 100, let slash = path.lastIndex(of: "/") {
            let dir = String(path[..<slash])
            do {
                dirfd = try Sys.open(dir.isEmpty ? "/" : dir, O_PATH | O_DIRECTORY)
            } catch let e as RuntimeError {
                Sys.close(fd)
                throw RuntimeError("\(what): open the directory of", path: path, errno: e.errno)
            }
            target = "/proc/self/fd/\(dirfd)/" + path[path.index(after: slash)...]
        }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(target.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            Sys.close(fd)
            throw RuntimeError("\(what): path too long", path: path)
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { buf in
            for (i, b) in bytes.enumerated() { buf[i] = b }
        }
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if r < 0 {
            let e = errno
            Sys.close(fd)
            throw RuntimeError("connect to \(what)", path: path, errno: e)
        }
        return fd
    }
}
