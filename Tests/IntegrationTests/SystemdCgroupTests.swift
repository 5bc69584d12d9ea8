import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The systemd cgroup driver (`--systemd-cgroup`, cgroupsPath
/// "slice:prefix:name", what containerd passes with SystemdCgroup=true):
/// the container runs in a transient scope systemd made, with its limits,
/// and delete stops the unit. Needs systemd as pid 1 on cgroup v2: runs in
/// the guest (`make vm-test`); elsewhere only the refusal is checked.
final class SystemdCgroupTests: IntegrationTestCase {
    static var systemdManagesCgroups: Bool {
        isDirectory("/run/systemd/system") && fileExists("/run/systemd/private")
            && (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8))?
                .split(separator: "\n").contains { $0.contains(" /sys/fs/cgroup ") && $0.contains(" - cgroup2 ") } == true
    }

    func systemctl(_ args: [String]) -> String {
        trimmed(runProcess(["systemctl"] + args).stdout)
    }

    /// A sandbox whose config puts the container in the scope
    /// swrun-it-ID.scope of system.slice, with `resources`.
    private func scopedSandbox(_ resources: [String: Any] = [:]) throws -> (Sandbox, String) {
        guard Self.systemdManagesCgroups else { throw XCTSkip("systemd is not pid 1 on cgroup v2 here: run in the guest (make vm-test)") }
        let sb = try makeSandbox(args: ["sleep", "1000"])
        let id = sb.newID()
        sb.bundle.linux["cgroupsPath"] = "system.slice:swrun-it:\(id)"
        var res = sb.bundle.resources
        for (k, v) in resources { res[k] = v }
        sb.bundle.resources = res
        try sb.bundle.writeConfig()
        sb.register(id)
        return (sb, id)
    }

    func testContainerRunsInATransientScopeAndDeleteStopsIt() throws {
        let (sb, id) = try scopedSandbox(["memory": ["limit": 64 << 20], "pids": ["limit": 40]])
        XCTAssertSucceeds(sb.swrun(["--systemd-cgroup", "create", "--bundle", sb.bundle.path, id]))
        XCTAssertSucceeds(sb.swrun(["--systemd-cgroup", "start", id]))
        let pid = sb.statePid(id) ?? 0
        let unit = "swrun-it-\(id).scope"
        let cgroup = readFile("/proc/\(pid)/cgroup").map(trimmed) ?? ""
        XCTAssertEqual(cgroup, "0::/system.slice/\(unit)")
        XCTAssertEqual(systemctl(["show", "-p", "ActiveState", "--value", unit]), "active")
        XCTAssertEqual(systemctl(["show", "-p", "Delegate", "--value", unit]), "yes")
        let dir = "/sys/fs/cgroup/system.slice/\(unit)"
        XCTAssertEqual(readFile(dir + "/memory.max").map(trimmed), "\(64 << 20)")
        XCTAssertEqual(readFile(dir + "/pids.max").map(trimmed), "40")
        XCTAssertEqual(systemctl(["show", "-p", "MemoryMax", "--value", unit]), "\(64 << 20)", "systemd keeps the limit too")

        XCTAssertSucceeds(sb.swrun(["--systemd-cgroup", "update", "--memory", "\(96 << 20)", id]))
        XCTAssertEqual(readFile(dir + "/memory.max").map(trimmed), "\(96 << 20)")

        XCTAssertSucceeds(sb.swrun(["--systemd-cgroup", "delete", "--force", id]))
        reap(pid)
        XCTAssertFalse(isDirectory(dir), "the scope's cgroup is gone")
        XCTAssertNotEqual(systemctl(["show", "-p", "ActiveState", "--value", unit]), "active")
    }

    /// systemd writes a unit's properties back into its cgroup on every
    /// daemon-reload: a limit written only to the files would be lost.
    func testLimitsSurviveADaemonReload() throws {
        let (sb, id) = try scopedSandbox([
            "memory": ["limit": 64 << 20, "reservation": 8 << 20],
            "cpu": ["quota": 50_000, "period": 100_000, "cpus": "0", "shares": 512],
            "pids": ["limit": 30],
        ])
        XCTAssertSucceeds(sb.swrun(["--systemd-cgroup", "run", "-d", "--bundle", sb.bundle.path, id]))
        let pid = sb.statePid(id) ?? 0
        defer { _ = sb.swrun(["--systemd-cgroup", "delete", "--force", id]); reap(pid) }
        let unit = "swrun-it-\(id).scope"
        let dir = "/sys/fs/cgroup/system.slice/\(unit)"
        XCTAssertEqual(systemctl(["show", "-p", "CPUQuotaPerSecUSec", "--value", unit]), "500ms")
        XCTAssertEqual(systemctl(["show", "-p", "AllowedCPUs", "--value", unit]), "0")
        XCTAssertEqual(systemctl(["show", "-p", "MemoryLow", "--value", unit]), "\(8 << 20)")
        XCTAssertEqual(systemctl(["show", "-p", "TasksMax", "--value", unit]), "30")

        XCTAssertSucceeds(sb.swrun(["--systemd-cgroup", "update", "--cpu-quota", "25000", "--pids-limit", "20", id]))
        XCTAssertEqual(systemctl(["show", "-p", "CPUQuotaPerSecUSec", "--value", unit]), "250ms")
        XCTAssertEqual(runProcess(["systemctl", "daemon-reload"]).status, 0)
        XCTAssertEqual(readFile(dir + "/cpu.max").map(trimmed), "25000 100000")
        XCTAssertEqual(readFile(dir + "/memory.max").map(trimmed), "\(64 << 20)")
        XCTAssertEqual(readFile(dir + "/memory.low").map(trimmed), "\(8 << 20)")
        XCTAssertEqual(readFile(dir + "/pids.max").map(trimmed), "20")
        XCTAssertEqual(readFile(dir + "/cpuset.cpus").map(trimmed), "0")
        XCTAssertEqual(readFile(dir + "/cpu.weight").map(trimmed), "20", "512 shares, runc's mapping")
    }

    func testExecJoinsTheScope() throws {
        let (sb, id) = try scopedSandbox()
        XCTAssertSucceeds(sb.swrun(["--systemd-cgroup", "run", "-d", "--bundle", sb.bundle.path, id]))
        let r = sb.swrun(["--systemd-cgroup", "exec", id, "cat", "/proc/self/cgroup"])
        XCTAssertSucceeds(r)
        XCTAssertEqual(trimmed(r.stdout), "0::/", "inside its cgroup namespace, at the scope's root: \(r)")
        let pid = sb.statePid(id) ?? 0
        XCTAssertSucceeds(sb.swrun(["--systemd-cgroup", "delete", "--force", id]))
        reap(pid)
    }

    func testRefusedWhereSystemdDoesNotManageCgroups() throws {
        if Self.systemdManagesCgroups { throw XCTSkip("systemd manages cgroups here: the driver runs instead") }
        try swrunOnly("runc 1.1.5 tries to reach systemd over D-Bus and fails differently")
        let sb = try makeSandbox(args: ["true"])
        let id = sb.newID()
        sb.bundle.linux["cgroupsPath"] = "system.slice:swrun-it:\(id)"
        try sb.bundle.writeConfig()
        sb.register(id)
        let r = sb.swrun(["--systemd-cgroup", "create", "--bundle", sb.bundle.path, id])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("swrun-it-\(id).scope") && r.stderr.contains("system.slice"), "\(r)")
        sb.assertNoTrace(of: id)
    }
}
