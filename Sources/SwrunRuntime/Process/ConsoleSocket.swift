import CShim
import Glibc

/// The unix socket a caller (conmon, containerd's shim) passes with
/// --console-socket to receive the pty master of a terminal container.
public enum ConsoleSocket {
    /// The socket the child sends its pty master to: the caller's console
    /// socket when given, else one end of a pair whose other end (returned
    /// as ptySocket) the caller reads to proxy the terminal itself.
    static func forTerminal(_ path: String?) throws -> (console: Int32, ptySocket: Int32) {
        if let path { return (try UnixSocket.connect(path, what: "--console-socket"), -1) }
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
        var fd: Int32 = -1
        let n = data.withUnsafeMutableBytes { shim_recv_with_fd(sock, $0.baseAddress, $0.count, &fd) }
        if n < 0 { throw RuntimeError("receive the pty master", errno: Int32(-n)) }
        guard fd >= 0 else { throw RuntimeError("receive the pty master: no fd in the message") }
        return fd
    }
}
