import CShim
import Glibc

/// The unix socket a caller (conmon, containerd's shim) passes with
/// --console-socket to receive the pty master of a terminal container.
public enum ConsoleSocket {
    /// Connects to the socket. A path longer than sun_path allows is
    /// reached through its directory's fd in /proc/self/fd.
    /// `what` names the socket in errors (also used for the seccomp listener).
    public static func connect(_ path: String, what: String = "--console-socket") throws -> Int32 {
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

    /// The socket the child sends its pty master to: the caller's console
    /// socket when given, else one end of a pair whose other end (returned
    /// as ptySocket) the caller reads to proxy the terminal itself.
    static func forTerminal(_ path: String?) throws -> (console: Int32, ptySocket: Int32) {
        if let path { return (try connect(path), -1) }
        var sv: [Int32] = [-1, -1]
        if socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &sv) < 0 {
            throw RuntimeError("socketpair for the terminal", errno: errno)
        }
        return (sv[1], sv[0])
    }

    /// Receives an fd sent with SCM_RIGHTS (the pty master, for `run -t`
    /// without a console socket).
    static func receiveFd(_ sock: Int32) throws -> Int32 {
        var data = [UInt8](repeating: 0, count: 256)
        var control = [UInt8](repeating: 0, count: 64)
        return try data.withUnsafeMutableBytes { dataBuf in
            try control.withUnsafeMutableBytes { ctlBuf in
                var iov = iovec(iov_base: dataBuf.baseAddress, iov_len: dataBuf.count)
                return try withUnsafeMutablePointer(to: &iov) { iovp in
                    var msg = msghdr()
                    msg.msg_iov = iovp
                    msg.msg_iovlen = 1
                    msg.msg_control = ctlBuf.baseAddress
                    msg.msg_controllen = ctlBuf.count
                    var n: Int
                    repeat { n = recvmsg(sock, &msg, Int32(MSG_CMSG_CLOEXEC)) } while n < 0 && errno == EINTR
                    if n < 0 { throw RuntimeError("receive the pty master", errno: errno) }
                    // cmsghdr: len (8), level (4), type (4), then the fd.
                    guard msg.msg_controllen >= 20 else { throw RuntimeError("receive the pty master: no fd in the message") }
                    let level = ctlBuf.load(fromByteOffset: 8, as: Int32.self)
                    let type = ctlBuf.load(fromByteOffset: 12, as: Int32.self)
                    guard level == SOL_SOCKET, type == 1 /* SCM_RIGHTS */ else {
                        throw RuntimeError("receive the pty master: unexpected control message")
                    }
                    return ctlBuf.load(fromByteOffset: 16, as: Int32.self)
                }
            }
        }
    }
}
