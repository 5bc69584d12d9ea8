import CShim
import Glibc
import OCI

/// Hands a seccomp notify fd to `linux.seccomp.listenerPath`: one message
/// on a unix stream socket, the container process state as JSON, with the
/// fd attached (SCM_RIGHTS), as runtime.md and runc do it.
enum SeccompListener {
    static func send(_ fd: Int32, seccomp: LinuxSeccomp?, pid: Int32, state: ContainerState) throws {
        defer { Sys.close(fd) }
        guard let path = seccomp?.listenerPath, !path.isEmpty else {
            throw RuntimeError("linux.seccomp.listenerPath: required when an action is SCMP_ACT_NOTIFY")
        }
        let message = ContainerProcessState(ociVersion: OCIVersion.current, fds: ["seccompFd"], pid: Int(pid),
                                            metadata: seccomp?.listenerMetadata, state: state)
        let json = encodeJSONCompactBytes(message)
        let sock = try UnixSocket.connect(path, what: "linux.seccomp.listenerPath")
        defer { Sys.close(sock) }
        let r = json.withUnsafeBytes { shim_send_with_fd(sock, fd, $0.baseAddress, $0.count) }
        if r < 0 { throw RuntimeError("linux.seccomp.listenerPath: send the seccomp fd to", path: path, errno: -r) }
    }
}
