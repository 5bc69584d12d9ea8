import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The systemd cgroup driver where systemd runs on v1 controllers (hybrid
/// or legacy, as podman and containerd meet it on older distributions):
/// systemd makes the scope in the hierarchies it manages, swrun in the
/// others (cpuset, freezer), and the limits are in the files and in the
/// unit's properties, so a daemon-reload keeps them, the device rules
/// included. Runs in the guest booted hybrid (`make vm-test`).
final class SystemdLegacyCgroupTests: IntegrationTestCase {
    static var systemdOnV1: Bool {
        isDirectory("/run/systemd/system") && fileExists("/run/systemd/private")
            && Suite.cgroupMountEntries.contains { $0.fsType == "cgroup" && $0.superOptions.contains("memory") }
    }

    private func systemctl(_ args: [String]) -> String { trimmed(runProcess(["systemctl"] + args).stdout) }

    /// Each v1 controller's cgroup of `pid` (from /proc/PID/cgroup) and the
    /// value of `file` there.
    private func value(_ pid: pid_t, _ controller: String, _ file: String) -> String? {
        CgroupLocator.read(pid, controller, file)
    }

    func testScopeInEveryHierarchyWithLimitsThatSurviveAReload() throws {
        guard Self.systemdOnV1 else { throw XCTSkip("systemd is not pid 1 on v1 controllers here: run in the guest booted hybrid (make vm-test)") }
        try swrunOnly("runc 1.1.5 there: a daemon-reload rewrites its device rules (c 10:200 is lost), and its delete --force fails (\"container init still running\")")
        let sb = try makeSandbox(args: ["sleep", "1000"])
        let id = sb.newID()
        let unit = "swrun-it-\(id).scope"
        sb.bundle.linux["cgroupsPath"] = "system.slice:swrun-it:\(id)"
        var res = sb.bundle.resources
        res["memory"] = ["limit": 64 << 20]
        res["cpu"] = ["quota": 50_000, "period": 100_000, "cpus": "0", "shares": 512]
        res["pids"] = ["limit": 30]
        sb.bundle.resources = res
        try sb.bundle.writeConfig()
        sb.register(id)
        XCTAssertSucceeds(sb.swrun(["--systemd-cgroup", "run", "-d", "--bundle", sb.bundle.path, id]))
        let pid = sb.statePid(id) ?? 0
        var dirs: [String] = []
        defer {
            _ = sb.swrun(["--systemd-cgroup", "delete", "--force", id])
            reap(pid)
        }
        for controller in ["memory", "cpu", "pids", "cpuset", "freezer", "devices"] {
            let dir = CgroupLocator.directory(of: pid, controller: controller) ?? ""
            XCTAssertTrue(dir.hasSuffix("/system.slice/\(unit)"), "\(controller): the init is in the scope: \(dir)")
            dirs.append(dir)
        }
        XCTAssertEqual(systemctl(["show", "-p", "ActiveState", "--value", unit]), "active")
        func limits() -> [String?] {
            [value(pid, "memory", "memory.limit_in_bytes"), value(pid, "cpu", "cpu.shares"),
             value(pid, "cpu", "cpu.cfs_quota_us"), value(pid, "pids", "pids.max"), value(pid, "cpuset", "cpuset.cpus")]
        }
        XCTAssertEqual(limits(), ["\(64 << 20)", "512", "50000", "30", "0"])
        let devices = value(pid, "devices", "devices.list") ?? ""
        XCTAssertFalse(devices.contains("a *:* rwm"), "the device rules are the container's: \(devices)")
        XCTAssertEqual(runProcess(["systemctl", "daemon-reload"]).status, 0)
        XCTAssertEqual(limits(), ["\(64 << 20)", "512", "50000", "30", "0"], "a daemon-reload keeps the limits")
        XCTAssertEqual(value(pid, "devices", "devices.list"), devices, "and the device rules")

        XCTAssertSucceeds(sb.swrun(["--systemd-cgroup", "update", "--memory", "\(96 << 20)", "--cpu-share", "256", id]))
        XCTAssertEqual(runProcess(["systemctl", "daemon-reload"]).status, 0)
        XCTAssertEqual(value(pid, "memory", "memory.limit_in_bytes"), "\(96 << 20)", "update reaches the unit too")
        XCTAssertEqual(value(pid, "cpu", "cpu.shares"), "256")

        let pidFile = sb.dir + "/exec.pid"
        XCTAssertSucceeds(sb.swrun(["--systemd-cgroup", "exec", "--detach", "--pid-file", pidFile, id, "sleep", "1000"]))
        let execPid = pid_t(trimmed(readFile(pidFile) ?? "")) ?? 0
        XCTAssertEqual(readFile("/proc/\(execPid)/cgroup"), readFile("/proc/\(pid)/cgroup"), "exec joins every hierarchy of the scope")

        XCTAssertSucceeds(sb.swrun(["--systemd-cgroup", "pause", id]))
        XCTAssertEqual(value(pid, "freezer", "freezer.state"), "FROZEN")
        XCTAssertSucceeds(sb.swrun(["--systemd-cgroup", "resume", id]))
        XCTAssertEqual(sb.status(id), "running")

        // The exec'd process is the test's child (the subreaper), not the
        // init's: the dying init waits in its pid namespace until it is reaped.
        kill(execPid, SIGKILL)
        reap(execPid)
        XCTAssertSucceeds(sb.swrun(["--systemd-cgroup", "delete", "--force", id]))
        reap(pid)
        for dir in dirs { XCTAssertFalse(isDirectory(dir), "delete leaves no scope directory: \(dir)") }
        XCTAssertNotEqual(systemctl(["show", "-p", "ActiveState", "--value", unit]), "active")
        sb.assertNoTrace(of: id)
    }
}
