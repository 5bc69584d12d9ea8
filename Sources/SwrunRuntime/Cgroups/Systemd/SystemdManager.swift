import Glibc

/// A connection to a systemd manager: D-Bus peer-to-peer on its private
/// socket (as root, /run/systemd/private is ours to use; a user's manager
/// has its own), or through a bus daemon when `bus` (a user's session bus).
/// One call at a time; every read is bounded.
final class SystemdManager {
    static let privateSocket = "/run/systemd/private"
    private static let path = "/org/freedesktop/systemd1"
    static let interface = "org.freedesktop.systemd1.Manager"
    private static let destination = "org.freedesktop.systemd1"

    private let fd: Int32
    private let timeoutSeconds: Int
    private var serial: UInt32 = 0
    /// Peer-to-peer only (see awaitReply): a bus daemon drops a client
    /// whose first message is not Hello, and buffers nothing.
    private let nudges: Bool

    /// `what` names the manager in errors.
    init(socket: String = SystemdManager.privateSocket, what: String = "systemd's private socket", bus: Bool = false,
         timeoutSeconds: Int = 10) throws {
        fd = try UnixSocket.connect(socket, what: what)
        self.timeoutSeconds = timeoutSeconds
        nudges = !bus
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        do {
            try authenticate(what: what)
            // A bus daemon takes no other call before Hello.
            if bus { try call("Hello", [], path: "/org/freedesktop/DBus", interface: "org.freedesktop.DBus", destination: "org.freedesktop.DBus") }
        } catch {
            Sys.close(fd)
            throw error
        }
    }

    deinit { Sys.close(fd) }

    /// SASL EXTERNAL: the kernel vouches for our uid (hex of its digits),
    /// which must be the one the server reads from the socket: in a user
    /// namespace, the uid outside it.
    private func authenticate(what: String) throws {
        let uid = String(Rootless.hostUID()).utf8.map { String($0, radix: 16) }.joined()
        try send(Array("\0AUTH EXTERNAL \(uid)\r\n".utf8))
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while line.count < 512 {
            let n = read(fd, &byte, 1)
            if n <= 0 { throw RuntimeError("\(what): read the authentication reply", errno: n < 0 ? errno : ECONNRESET) }
            line.append(byte)
            if line.suffix(2) == [13, 10] { break }
        }
        guard line.starts(with: Array("OK ".utf8)) else {
            throw RuntimeError("\(what): authentication as uid \(Rootless.hostUID()) refused: \(String(decoding: line, as: UTF8.self).trimmed)")
        }
        try send(Array("BEGIN\r\n".utf8))
    }

    /// Calls a method of org.freedesktop.systemd1.Manager; an error reply
    /// is thrown with systemd's error name and message.
    @discardableResult
    func call(_ member: String, _ args: [DBusValue], path: String = SystemdManager.path,
              interface: String = SystemdManager.interface,
              destination: String = SystemdManager.destination) throws -> DBusMessage.Reply {
        serial += 1
        let mine = serial
        try send(DBusMessage.methodCall(serial: mine, path: path, interface: interface, member: member,
                                        destination: destination, args: args))
        while true {
            try awaitReply(to: member)
            let reply = DBusMessage.parse(try receive())
            guard reply.replySerial == mine else { continue }   // a signal, or another reply
            if reply.isError {
                throw SystemdError(member: member, name: reply.errorName ?? "unknown", message: reply.firstString ?? "")
            }
            return reply
        }
    }

    /// The manager's major version ("252.38-1~deb12u1" is 252), 0 when it
    /// cannot be read: properties newer than systemd are then left out.
    func version() -> Int {
        Int((try? property("Version"))?.prefix { $0.isNumber } ?? "") ?? 0
    }

    /// A string property of the manager (nil when it is not a string).
    func property(_ name: String) throws -> String? {
        try call("Get", [.string(Self.interface), .string(name)], interface: "org.freedesktop.DBus.Properties").variantString
    }

    /// systemd (sd-bus) may read the end of the authentication and the
    /// first message in one read and then leave the message in its buffer
    /// until more bytes arrive: with no reply yet, a Peer.Ping nudges it.
    private func awaitReply(to member: String) throws {
        var waitedMs: Int32 = 0
        var stepMs: Int32 = 50
        while true {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let n = poll(&p, 1, stepMs)
            if n > 0 { return }
            if n < 0 && errno != EINTR { throw RuntimeError("systemd: poll its socket", errno: errno) }
            waitedMs += stepMs
            if waitedMs >= Int32(timeoutSeconds) * 1000 {
                throw RuntimeError("systemd: no reply to \(member) within \(timeoutSeconds) s", errno: ETIMEDOUT)
            }
            if nudges {
                serial += 1
                try send(DBusMessage.methodCall(serial: serial, path: Self.path, interface: "org.freedesktop.DBus.Peer",
                                                member: "Ping", destination: Self.destination, args: []))
            }
            stepMs = min(stepMs * 2, 1000)
        }
    }

    private func send(_ bytes: [UInt8]) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw RuntimeError("systemd: write to its socket", errno: errno)
            }
            off += n
        }
    }

    private func receive() throws -> [UInt8] {
        var message = try readExactly(16)
        let total = try DBusMessage.totalLength(head: message)
        guard total <= 1 << 24 else { throw RuntimeError("systemd: a D-Bus message of \(total) bytes") }
        message += try readExactly(total - 16)
        return message
    }

    private func readExactly(_ count: Int) throws -> [UInt8] {
        var buf = [UInt8](repeating: 0, count: count)
        var off = 0
        while off < count {
            let n = buf[off...].withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                throw RuntimeError("systemd: read from its socket", errno: n < 0 ? errno : ECONNRESET)
            }
            off += n
        }
        return buf
    }
}

/// An error reply from systemd.
struct SystemdError: Error, CustomStringConvertible {
    var member: String
    var name: String
    var message: String
    var description: String { "systemd \(member): \(name): \(message)" }
}

