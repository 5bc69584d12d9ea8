import CShim
import Glibc
import OCI

public struct CreateOptions {
    public var bundle = "."
    public var pidFile: String?
    /// `--pidfd-socket`: where a pidfd of the init is sent once it is created.
    public var pidfdSocket: String?
    public var consoleSocket: String?
    public var noPivot = false
    public var noNewKeyring = false
    public var preserveFds = 0
    /// `run` without --console-socket: a terminal container's pty is
    /// proxied to the caller's own terminal.
    var proxyTerminal = false
    public init() {}
}

extension Runtime {
    /// Creates the container: on return its init is blocked on the exec
    /// fifo, the state says `created`, and the caller still is its parent.
    /// A failure leaves nothing behind: no process, cgroup or state.
    @discardableResult
    public func create(id: String, _ options: CreateOptions) throws -> ContainerRecord {
        try createContainer(id: id, options).record
    }

    /// Also returns, for `run -t` without a console socket, the socket on
    /// which the pty master arrives (else -1).
    func createContainer(id: String, _ options: CreateOptions) throws -> (record: ContainerRecord, ptySocket: Int32) {
        let creation = ContainerCreation(runtime: self, id: id, options: options)
        try creation.run()
        return (creation.record, creation.ptySocket)
    }

    /// --preserve-fds N passes fds 3..3+N-1 (after any LISTEN_FDS ones):
    /// they must be open, or the runtime's own fds would take their numbers.
    func checkPreservedFds(_ n: Int, after listenFds: Int = 0) throws {
        guard n >= 0 else { throw RuntimeError("--preserve-fds: must not be negative") }
        for fd in 3..<(3 + Int32(listenFds)) where fcntl(fd, F_GETFD) < 0 {
            throw RuntimeError("LISTEN_FDS=\(listenFds): fd \(fd) is not open")
        }
        let first = 3 + Int32(listenFds)
        for fd in first..<(first + Int32(n)) where fcntl(fd, F_GETFD) < 0 {
            throw RuntimeError("--preserve-fds \(n): fd \(fd) is not open")
        }
    }
}

/// systemd socket activation: with LISTEN_PID naming this process,
/// LISTEN_FDS fds from 3 on are sockets meant for the container.
enum SocketActivation {
    static func fdCount() -> Int {
        guard let pid = getenv("LISTEN_PID").flatMap({ Int32(String(cString: $0)) }), pid == getpid(),
              let n = getenv("LISTEN_FDS").flatMap({ Int(String(cString: $0)) }), n > 0 else { return 0 }
        return n
    }
}

enum PidFile {
    /// Writes the pid and nothing else, atomically, as runc does.
    static func write(_ path: String, pid: Int32) throws {
        let abs = path.hasPrefix("/") ? path : Sys.getcwd() + "/" + path
        try Sys.writeAtomic(abs, Array("\(pid)".utf8), mode: 0o644)
    }
}

/// Finds mount points in /proc/self/mountinfo.
enum MountTable {
    static func mountPoint(containing path: String, mountinfo: String) -> String? {
        var best: String?
        for line in mountinfo.split(separator: "\n") {
            let f = line.split(separator: " ", maxSplits: 5)
            guard f.count > 4 else { continue }
            let mp = CgroupHierarchy.unescape(String(f[4]))
            let under = mp == "/" || path == mp || path.hasPrefix(mp + "/")
            if under && mp.count >= (best?.count ?? 0) { best = mp }
        }
        return best
    }
}
