import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// A unix socket the test listens on as conmon or containerd's shim does,
/// receiving the pty master that --console-socket sends (or, as a seccomp
/// agent, the listener fd with the container process state).
final class ConsoleListener {
    let path: String
    let fd: Int32

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        // Bind through the directory's fd so that long paths work here too.
        let dir = (path as NSString).deletingLastPathComponent
        let dfd = open(dir, 0o10000000 | O_DIRECTORY)  // O_PATH
        defer { close(dfd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let short = Array("/proc/self/fd/\(dfd)/\((path as NSString).lastPathComponent)".utf8)
        withUnsafeMutableBytes(of: &addr.sun_path) { buf in for (i, b) in short.enumerated() { buf[i] = b } }
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard r == 0, listen(fd, 1) == 0 else { throw SpawnError(description: "bind \(path): errno \(errno)") }
    }

    deinit { close(fd); unlink(path) }

    /// Accepts one connection and returns (the received fd, the message text).
    func receive(timeout: Int32 = 10_000) -> (fd: Int32, tag: String)? {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, timeout) == 1 else { return nil }
        let conn = accept(fd, nil, nil)
        guard conn >= 0 else { return nil }
        defer { close(conn) }
        var data = [UInt8](repeating: 0, count: 65536)
        var control = [UInt8](repeating: 0, count: 64)
        return data.withUnsafeMutableBytes { dbuf in
            control.withUnsafeMutableBytes { cbuf -> (Int32, String)? in
                var iov = iovec(iov_base: dbuf.baseAddress, iov_len: dbuf.count)
                return withUnsafeMutablePointer(to: &iov) { iovp -> (Int32, String)? in
                    var msg = msghdr()
                    msg.msg_iov = iovp
                    msg.msg_iovlen = 1
                    msg.msg_control = cbuf.baseAddress
                    msg.msg_controllen = cbuf.count
                    let n = recvmsg(conn, &msg, 0)
                    guard n > 0, msg.msg_controllen >= 20, cbuf.load(fromByteOffset: 12, as: Int32.self) == 1 else { return nil }
                    let tag = String(decoding: dbuf.prefix(n).prefix { $0 != 0 }, as: UTF8.self)
                    return (cbuf.load(fromByteOffset: 16, as: Int32.self), tag)
                }
            }
        }
    }
}

/// Reads from fd until `marker` shows up or the deadline passes.
func readUntil(_ fd: Int32, _ marker: String, timeout: Double = 10) -> String {
    var out = [UInt8]()
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, 100) >= 0 else { break }
        if p.revents & Int16(POLLIN) != 0 {
            var buf = [UInt8](repeating: 0, count: 4096)
            let n = read(fd, &buf, buf.count)
            if n <= 0 { break }
            out += buf[0..<n]
            if String(decoding: out, as: UTF8.self).contains(marker) { break }
        } else if p.revents != 0 {
            break
        }
    }
    return String(decoding: out, as: UTF8.self)
}

final class TerminalTests: IntegrationTestCase {
    func terminalSandbox(_ args: [String]) throws -> Sandbox {
        let sb = try makeSandbox(args: args)
        var p = sb.bundle.process
        p["terminal"] = true
        p["consoleSize"] = ["height": 25, "width": 91]
        sb.bundle.process = p
        return sb
    }

    /// create with --console-socket sends the master of a pty whose slave is
    /// the container's stdio and controlling terminal; a shell answers on it.
    func talkToShell(socketPath: String) throws {
        let sb = try terminalSandbox(["sh"])
        let (id, master, tag) = try sb.createWithConsole(socketPath: socketPath)
        defer { close(master) }
        XCTAssertEqual(tag, "/dev/ptmx", "runc names the master file in the message")
        XCTAssertSucceeds(sb.swrun(["start", id]))
        let cmd = "echo marker-$((40+2)); stty size; tty; exit 7\n"
        _ = cmd.withCString { write(master, $0, strlen($0)) }
        let out = readUntil(master, "/dev/pts/")
        XCTAssertTrue(out.contains("marker-42"), out)
        XCTAssertTrue(out.contains("25 91"), "consoleSize applied: \(out)")
        XCTAssertTrue(out.contains("/dev/pts/0"), "stdin is the pty in the container's own devpts: \(out)")
        XCTAssertTrue(sb.waitForStatus(id, "stopped"))
    }

    /// The pty slave belongs to the container's user with the devpts group
    /// (tty, gid 5), as runc leaves it. (Output translation stays as the
    /// kernel sets it: runc 1.1.5 leaves onlcr on for a console socket's
    /// owner to clear, as containerd and conmon do.)
    func testConsoleIsTheUsersWithGroupTtyAndNoOnlcr() throws {
        let sb = try terminalSandbox(["sh", "-c", "echo owner=$(stat -c %u:%g $(tty)); echo end-mark"])
        var p = sb.bundle.process
        p["user"] = ["uid": 1000, "gid": 1000]
        sb.bundle.process = p
        let (id, master, _) = try sb.createWithConsole(socketPath: "/tmp/swrun-it-console-owner-\(getpid()).sock")
        defer { close(master) }
        XCTAssertSucceeds(sb.swrun(["start", id]))
        let out = readUntil(master, "end-mark")
        XCTAssertTrue(out.contains("owner=1000:5"), "\(out)")
        XCTAssertTrue(sb.waitForStatus(id, "stopped"))
    }

    /// A read-only /dev: the console is bound onto /dev/console before /dev
    /// is made read-only (as runc), and /dev stays read-only after.
    func testConsoleOnAReadOnlyDev() throws {
        let sb = try terminalSandbox(["sh", "-c", "test -c /dev/console && echo console=ok; touch /dev/x || echo dev=ro; echo end-mark"])
        sb.bundle.addOptions(["ro"], toMountAt: "/dev")
        let (id, master, _) = try sb.createWithConsole(socketPath: "/tmp/swrun-it-console-rodev-\(getpid()).sock")
        defer { close(master) }
        XCTAssertSucceeds(sb.swrun(["start", id]))
        let out = readUntil(master, "end-mark")
        XCTAssertTrue(out.contains("console=ok"), "\(out)")
        XCTAssertTrue(out.contains("dev=ro"), "\(out)")
        XCTAssertTrue(sb.waitForStatus(id, "stopped"))
    }

    func testConsoleSocketGivesAWorkingTerminal() throws {
        try talkToShell(socketPath: "/tmp/swrun-it-console-\(getpid()).sock")
    }

    func testLongConsoleSocketPath() throws {
        // Longer than sun_path's 108 bytes: runc 1.1.5 cannot connect.
        try swrunOnly("console socket paths beyond sun_path")
        let dir = "/tmp/swrun-it-" + String(repeating: "d", count: 120)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try talkToShell(socketPath: dir + "/console.sock")
    }

    func testTerminalWithoutConsoleSocketIsRefused() throws {
        let sb = try terminalSandbox(["sh"])
        let id = sb.newID()
        try sb.prepare(id)
        XCTAssertFails(sb.swrun(["create", "--bundle", sb.bundle.path, id]), mentioning: ["console"])
        sb.assertNoTrace(of: id)
    }

    func testConsoleSocketWithoutTerminalIsRefused() throws {
        let sb = try makeSandbox()
        let id = sb.newID()
        try sb.prepare(id)
        XCTAssertFails(sb.swrun(["create", "--bundle", sb.bundle.path, "--console-socket", "/tmp/nope.sock", id]),
                       mentioning: ["console"])
        sb.assertNoTrace(of: id)
    }

    func testMissingConsoleSocketIsAClearError() throws {
        try swrunOnly("error wording")
        let sb = try terminalSandbox(["sh"])
        let id = sb.newID()
        try sb.prepare(id)
        let r = sb.swrun(["create", "--bundle", sb.bundle.path, "--console-socket", sb.dir + "/missing.sock", id])
        XCTAssertFails(r, mentioning: ["missing.sock"])
        sb.assertNoTrace(of: id)
    }

    func testRunWithTerminalProxiesTheCallersStdio() throws {
        try swrunOnly("runc 1.1.5 needs a /dev/tty of its own here")
        let sb = try terminalSandbox(["sh"])
        let r = try sb.run(sb.newID(), stdin: "echo proxied-$((20+3)); tty; exit 3\n")
        XCTAssertEqual(r.status, 3, "\(r)")
        XCTAssertTrue(r.stdout.contains("proxied-23"), "\(r)")
        XCTAssertTrue(r.stdout.contains("/dev/pts/"), "the shell's stdin is a pty: \(r)")
    }
}

extension Sandbox {
    /// `create --console-socket` of a new container; returns its id and the
    /// pty master that arrived on the socket (with the name it was sent
    /// under), the container still `created`.
    func createWithConsole(socketPath: String, file: StaticString = #filePath, line: UInt = #line) throws -> (id: String, master: Int32, tag: String) {
        let listener = try ConsoleListener(path: socketPath)
        let id = newID()
        try prepare(id)
        let create = try spawnSwrun(["create", "--bundle", bundle.path, "--console-socket", socketPath, id])
        let got = listener.receive()
        XCTAssertSucceeds(create.wait(), file: file, line: line)
        let (master, tag) = try XCTUnwrap(got, "no fd arrived on the console socket", file: file, line: line)
        return (id, master, tag)
    }
}
