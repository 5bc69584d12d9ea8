import CShim
import Glibc

/// `--pidfd-socket PATH` (create, run, exec; runc 1.2): a pidfd of the
/// container's init, or of the exec'd process, is sent over the AF_UNIX
/// socket at PATH (SCM_RIGHTS, the message "pidfd"), so that a supervisor
/// can wait for and signal that very process, never a reused pid.
enum PidfdSocket {
    static func send(_ path: String, pid: Int32) throws {
        let pidfd = shim_pidfd_open(pid)
        if pidfd < 0 { throw RuntimeError("--pidfd-socket: pidfd_open \(pid)", errno: -pidfd) }
        defer { Sys.close(pidfd) }
        let sock = try UnixSocket.connect(path, what: "--pidfd-socket")
        defer { Sys.close(sock) }
        let tag = Array("pidfd".utf8)
        let r = tag.withUnsafeBytes { shim_send_with_fd(sock, pidfd, $0.baseAddress, $0.count) }
        if r < 0 { throw RuntimeError("--pidfd-socket: send the pidfd to", path: path, errno: -r) }
    }
}
