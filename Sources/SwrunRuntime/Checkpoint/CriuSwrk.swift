import CShim
import Glibc
import SwiftProtobuf

/// One `criu swrk` session: CRIU as our child, speaking its RPC (CRIU's
/// images/rpc.proto, `CriuRPC.pb.swift`) over a SOCK_SEQPACKET socketpair
/// whose other end is its fd 3; `extraFds` become its fds 4, 5, ….
/// One request, the notifications CRIU sends while serving it (each
/// answered), one final response, then CRIU exits.
final class CriuSwrk {
    let pid: Int32
    private var socket: Int32
    private var reaped = false
    /// Named in errors, so that the reader finds what CRIU said.
    let logPath: String?

    /// The largest message CRIU sends is far below this; a message that
    /// fills it was cut.
    private static let bufferSize = 1 << 16

    init(criu: String, stdio: [Int32] = [-1, -1, -1], extraFds: [Int32] = [], logPath: String?) throws {
        var sv: [Int32] = [-1, -1]
        if socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &sv) < 0 {
            throw RuntimeError("socketpair for criu swrk", errno: errno)
        }
        defer { Sys.close(sv[1]) }
        let binary: String
        do { binary = try CriuRequests.resolve(criu) } catch { Sys.close(sv[0]); throw error }
        let argv = [binary, "swrk", "3"]
        let fds = stdio + [sv[1]] + extraFds
        let pid = CriuSwrk.spawn(argv, fds: fds)
        if pid < 0 {
            Sys.close(sv[0])
            throw RuntimeError("start", path: binary, errno: -pid)
        }
        self.pid = pid
        self.socket = sv[0]
        self.logPath = logPath
    }

    deinit { abandon() }

    private static func spawn(_ argv: [String], fds: [Int32]) -> Int32 {
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var cEnv: [UnsafeMutablePointer<CChar>?] = Sys.environment().map { strdup($0) } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        return fds.withUnsafeBufferPointer { shim_spawn_fds(argv[0], &cArgs, &cEnv, $0.baseAddress, Int32($0.count)) }
    }

    func send(_ request: CriuReq) throws {
        let bytes: [UInt8] = try request.serializedBytes()
        let n = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if n < 0 { throw RuntimeError("send a request to criu swrk", errno: errno) }
    }

    /// The next response, with the fd that came with it (else -1).
    func receive() throws -> (response: CriuResp, fd: Int32) {
        var buf = [UInt8](repeating: 0, count: CriuSwrk.bufferSize)
        var fd: Int32 = -1
        let n = buf.withUnsafeMutableBytes { shim_recv_with_fd(socket, $0.baseAddress, $0.count, &fd) }
        if n < 0 { throw RuntimeError("receive from criu swrk", errno: Int32(-n)) }
        if n == 0 { throw RuntimeError("criu swrk exited without an answer\(logHint)") }
        if n == buf.count {
            Sys.close(fd)
            throw RuntimeError("receive from criu swrk: a message of \(n) bytes or more, cut")
        }
        do {
            return (try CriuResp(serializedBytes: Array(buf[..<n])), fd)
        } catch {
            Sys.close(fd)
            throw RuntimeError("decode the answer of criu swrk: \(error)")
        }
    }

    /// Sends `request` and serves the notifications until the final
    /// response, which it returns. `notify` handles one (with the fd CRIU
    /// attached, which it owns); a throw from it fails the session.
    func serve(_ request: CriuReq, what: String, notify: (CriuNotify, Int32) throws -> Void = { _, fd in Sys.close(fd) }) throws -> CriuResp {
        try send(request)
        while true {
            let (resp, fd) = try receive()
            guard resp.success else {
                Sys.close(fd)
                var msg = "criu \(what) failed"
                if resp.hasCrErrno { msg += ": errno \(resp.crErrno)" }
                // CRIU's last error line, kept to one line.
                let text = resp.crErrmsg.split(whereSeparator: \.isNewline).joined(separator: " ")
                if !text.isEmpty { msg += ": \(text)" }
                throw RuntimeError(msg + logHint)
            }
            guard resp.type == .notify else {
                Sys.close(fd)
                return resp
            }
            try notify(resp.notify, fd)
            var ack = CriuReq()
            ack.type = .notify
            ack.notifySuccess = true
            try send(ack)
        }
    }

    var logHint: String { logPath.map { " (see its log `\($0)`)" } ?? "" }

    /// Closes our end and waits for CRIU: its wait status.
    @discardableResult
    func finish() -> Int32 {
        shutdown(socket, Int32(SHUT_WR))
        Sys.close(socket)
        socket = -1
        var status: Int32 = 0
        if !reaped { _ = shim_waitpid(pid, &status, 0) }
        reaped = true
        return status
    }

    /// After a failure: CRIU is told to stop (its socket closes) and reaped.
    func abandon() {
        if socket >= 0 { Sys.close(socket); socket = -1 }
        if !reaped {
            var status: Int32 = 0
            _ = shim_waitpid(pid, &status, 0)
            reaped = true
        }
    }
}
