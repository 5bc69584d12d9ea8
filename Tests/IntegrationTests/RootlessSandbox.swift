import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A sandbox for the runtime run by the unprivileged account (through
/// runuser): its bundle is the user's own `spec --rootless` running `args`,
/// and its state root the user owns.
final class RootlessSandbox {
    let account: RootlessAccount
    let sb: Sandbox

    init(_ test: IntegrationTestCase, args: [String]) throws {
        account = try RootlessAccount.get()
        sb = try test.makeSandbox(args: args)
        let specDir = sb.dir + "/spec"
        for dir in [specDir, sb.stateRoot] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            chown(dir, uid_t(account.uid), gid_t(account.gid))
            chmod(dir, 0o700)
        }
        let r = runProcess(["runuser", "-u", account.name, "--", Suite.bin, "spec", "--rootless"], cwd: specDir)
        XCTAssertEqual(r.status, 0, "spec --rootless as \(account.name): \(r)")
        guard let config = readFile(specDir + "/config.json").flatMap(parseJSON) as? [String: Any] else {
            throw SpawnError(description: "spec --rootless wrote no config.json")
        }
        sb.bundle.config = config
        sb.bundle.process["terminal"] = false
        sb.bundle.args = args
        try sb.bundle.writeConfig()
    }

    /// Runs the runtime as the user: `--root` the sandbox's state root
    /// (unless `root` is false), XDG_RUNTIME_DIR `xdg` (unset if nil),
    /// `prefix` the command it runs under as the user.
    @discardableResult
    func run(_ args: [String], root: Bool = true, xdg: String? = nil, prefix: [String] = [],
             file: StaticString = #filePath, line: UInt = #line) -> ProcResult {
        var cmd = ["runuser", "-u", account.name, "--", "env"]
        cmd += xdg.map { ["XDG_RUNTIME_DIR=\($0)"] } ?? ["-u", "XDG_RUNTIME_DIR"]
        cmd += prefix + [Suite.bin] + (root ? ["--root", sb.stateRoot] : []) + args
        return runProcess(cmd, cwd: sb.bundle.path, file: file, line: line)
    }

    func state(_ id: String, root: Bool = true, xdg: String? = nil) -> [String: Any]? {
        let r = run(["state", id], root: root, xdg: xdg)
        return r.status == 0 ? parseJSON(r.stdout) as? [String: Any] : nil
    }

    func pid(_ id: String, root: Bool = true, xdg: String? = nil) -> pid_t {
        pid_t(intValue(state(id, root: root, xdg: xdg)?["pid"]) ?? 0)
    }

    /// Kills the container as the user, waits for it to stop, reaps its
    /// init (the test is the subreaper) and deletes it.
    func killAndDelete(_ id: String, pid: pid_t, root: Bool = true, xdg: String? = nil,
                       file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(run(["kill", id, "KILL"], root: root, xdg: xdg).status, 0, file: file, line: line)
        XCTAssertTrue(reap(pid, timeout: 10), "init \(pid) not gone after kill", file: file, line: line)
        XCTAssertEqual(state(id, root: root, xdg: xdg)?["status"] as? String, "stopped", file: file, line: line)
        let d = run(["delete", id], root: root, xdg: xdg)
        XCTAssertEqual(d.status, 0, "delete as the user: \(d)", file: file, line: line)
        XCTAssertNil(state(id, root: root, xdg: xdg), "state after delete", file: file, line: line)
    }
}
