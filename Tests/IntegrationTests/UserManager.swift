import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The systemd user manager (user@UID.service) of the rootless account,
/// where systemd is pid 1 on cgroup v2: started for the tests if it is not
/// running (the guest's image has its user lingering, so it is), stopped
/// again by `stopIfStarted`.
struct UserManager {
    let account: RootlessAccount
    /// Its cgroup, e.g. /user.slice/user-1000.slice/user@1000.service.
    let cgroup: String

    var unit: String { "user@\(account.uid).service" }
    /// logind's XDG_RUNTIME_DIR for the user, which the manager's sockets are in.
    var runtimeDir: String { "/run/user/\(account.uid)" }

    private static var started: String?

    /// The manager, or the skip naming what the host lacks.
    static func get(_ account: RootlessAccount) throws -> UserManager {
        guard SystemdCgroupTests.systemdManagesCgroups else {
            throw XCTSkip("systemd is not pid 1 on cgroup v2 here, so there is no systemd user manager: run in the guest (make vm-test)")
        }
        let unit = "user@\(account.uid).service"
        if trimmed(runProcess(["systemctl", "is-active", unit]).stdout) != "active" {
            let r = runProcess(["systemctl", "start", unit])
            guard r.status == 0 else { throw XCTSkip("no user manager for \(account.name): systemctl start \(unit): \(trimmed(r.stderr))") }
            started = unit
        }
        let socket = "/run/user/\(account.uid)/systemd/private"
        guard waitUntil(timeout: 30, { fileExists(socket) }) else {
            throw XCTSkip("\(unit) is active but \(socket) did not appear within 30 s")
        }
        let cgroup = trimmed(runProcess(["systemctl", "show", "-p", "ControlGroup", "--value", unit]).stdout)
        guard cgroup.hasPrefix("/") else { throw XCTSkip("\(unit) has no cgroup (ControlGroup \"\(cgroup)\")") }
        return UserManager(account: account, cgroup: cgroup)
    }

    static func stopIfStarted() {
        guard let unit = started else { return }
        started = nil
        _ = runProcess(["systemctl", "stop", unit])
    }

    /// The directory of a cgroup of the manager's (`path` below its own)
    /// on the cgroup2 mount.
    func directory(_ path: String = "") -> String? { Suite.cgroupDir("unified", cgroup + path) }

    /// The controllers systemd delegated to the manager.
    var delegated: [String] {
        (directory().flatMap { readFile($0 + "/cgroup.controllers") } ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
    }

    /// `systemctl --user ARGS` as the user, its output trimmed.
    func systemctl(_ args: [String]) -> String {
        trimmed(runProcess(["runuser", "-u", account.name, "--", "env", "XDG_RUNTIME_DIR=\(runtimeDir)",
                            "systemctl", "--user"] + args).stdout)
    }

    func property(_ unit: String, _ name: String) -> String { systemctl(["show", "-p", name, "--value", unit]) }
}
