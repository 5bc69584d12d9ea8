import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// cgroup placement (linux.cgroupsPath) and resources, on v1, hybrid and v2 hosts.
final class CgroupTests: IntegrationTestCase {
    static let loop = ["sh", "-c", "touch /host/started; while :; do sleep 0.1; done"]

    /// controller -> path, from /proc/PID/cgroup ("3:cpu,cpuacct:/a/b").
    static func cgroupPaths(_ pid: pid_t) -> [String: String] {
        var out: [String: String] = [:]
        for l in lines(readFile("/proc/\(pid)/cgroup") ?? "") {
            let f = l.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard f.count == 3 else { continue }
            for c in f[1].split(separator: ",") { out[String(c)] = f[2] }
        }
        return out
    }

    private func assertPlaced(_ pid: pid_t, _ id: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertInCgroup(pid, "/swrun-it/\(id)", file: file, line: line)
    }

    func testInitJoinsConfiguredCgroupInEveryHierarchy() throws {
        let sb = try makeSandbox(args: Self.loop)
        sb.bundle.bind(sb.hostDir, at: "/host")
        let id = sb.newID()
        try sb.createAndStart(id)
        sb.waitForHostFile("started")
        let pid = sb.statePid(id) ?? 0
        assertPlaced(pid, id)
        if Suite.isUnifiedOnly, let dir = Suite.cgroupDir("cgroup", "/swrun-it/\(id)") {
            // As runc and crun: every controller the host offers is enabled
            // for the container's cgroup, with no resource in the config.
            let enabled = Set((readFile(dir + "/cgroup.controllers") ?? "").split(whereSeparator: \.isWhitespace).map(String.init))
            XCTAssertEqual(enabled, Set(Suite.controllers), "controllers of \(dir)")
        }
        XCTAssertSucceeds(sb.swrun(["delete", "--force", id]))
        reap(pid)
        XCTAssertNoCgroup("/swrun-it/\(id)", "after delete")
    }

    func testCgroupJoinedAtCreate() throws {
        let sb = try makeSandbox(args: Self.loop)
        sb.bundle.bind(sb.hostDir, at: "/host")
        let id = sb.newID()
        XCTAssertSucceeds(try sb.create(id))
        let pid = sb.statePid(id) ?? 0
        XCTAssertGreaterThan(pid, 0)
        assertPlaced(pid, id)
        XCTAssertSucceeds(sb.swrun(["start", id]))
        sb.waitForHostFile("started")
        // The user command's children land in the same cgroup.
        let dir = Suite.cgroupDir("pids", "/swrun-it/\(id)") ?? "<no pids hierarchy>"
        let procs = lines(readFile(dir + "/cgroup.procs") ?? "")
        XCTAssertGreaterThanOrEqual(procs.count, 1)
        XCTAssertGreaterThanOrEqual(Int(trimmed(readFile(dir + "/pids.current") ?? "")) ?? 0, 1, "\(dir)/pids.current")
    }

    func testChildProcessesStayInTheCgroup() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "sleep 100 & touch /host/started; wait"])
        sb.bundle.bind(sb.hostDir, at: "/host")
        let id = sb.newID()
        try sb.createAndStart(id)
        sb.waitForHostFile("started")
        // touch may still be exiting, a child may not have exec'd yet: wait
        // for the steady state (sh + sleep).
        let dir = CgroupLocator.directory(of: sb.statePid(id) ?? 0, controller: "memory") ?? "<no memory cgroup>"
        var cmds: [String] = []
        let steady = waitUntil(timeout: 5) {
            let procs = lines(readFile(dir + "/cgroup.procs") ?? "")
            cmds = procs.compactMap { readFile("/proc/\(trimmed($0))/cmdline")?.replacingOccurrences(of: "\0", with: " ") }
            return procs.count == 2 && cmds.contains { $0.hasPrefix("sleep 100") }
        }
        XCTAssertTrue(steady, "sh and its sleep child in \(dir): \(cmds)")
    }

    func testResourceLimitsAreWritten() throws {
        let sb = try makeSandbox(args: Self.loop)
        sb.bundle.bind(sb.hostDir, at: "/host")
        var res = sb.bundle.resources
        res["memory"] = ["limit": 64 * 1024 * 1024]
        res["pids"] = ["limit": 32]
        res["cpu"] = ["shares": 512]
        sb.bundle.resources = res
        let id = sb.newID()
        XCTAssertSucceeds(try sb.create(id))
        let path = "/swrun-it/\(id)"
        XCTAssertCgroup(path, v1: ("memory.limit_in_bytes", "67108864"), v2: ("memory.max", "67108864"))
        XCTAssertCgroup(path, v1: ("pids.max", "32"), v2: ("pids.max", "32"))
        // v2: shares 512 as cpu.weight, 1 + (512 - 2) * 9999 / 262142.
        XCTAssertCgroup(path, v1: ("cpu.shares", "512"), v2: ("cpu.weight", "20"))
    }

    func testPidsLimitIsEnforced() throws {
        // Prints the number of children forked so far; ash gives up at the first failed fork.
        let sb = try makeSandbox(args: ["sh", "-c", "i=0; while [ $i -lt 8 ]; do sleep 2 & i=$((i+1)); echo $i; done"])
        var res = sb.bundle.resources
        res["pids"] = ["limit": 4]
        sb.bundle.resources = res
        let r = try sb.run(sb.newID())
        let forked = lines(r.stdout).compactMap { Int($0) }.last ?? 0
        XCTAssertLessThan(forked, 8, "pids.max=4 should stop the shell from forking 8 children: \(r)")
        XCTAssertGreaterThanOrEqual(forked, 2, "\(r)")
        XCTAssertTrue(r.stderr.contains("fork"), "\(r)")
        XCTAssertNotEqual(r.status, 0)
    }

    func testDevicesCgroupDeniesUnlistedDevices() throws {
        // Major 240 is reserved for local/experimental use: no driver, so an
        // allowed open fails with ENXIO, a cgroup-denied one with EPERM.
        let sb = try makeSandbox(args: ["sh", "-c", "cat /dev240; true"])
        XCTAssertEqual(mknod(sb.bundle.rootfs + "/dev240", S_IFCHR | 0o666, makedev(240, 0)), 0)
        let denied = try sb.run(sb.newID())
        XCTAssertTrue(denied.stderr.contains("Operation not permitted"), "\(denied)")

        var res = sb.bundle.resources
        res["devices"] = (res["devices"] as? [[String: Any]] ?? []) +
            [["allow": true, "type": "c", "major": 240, "minor": 0, "access": "rwm"]]
        sb.bundle.resources = res
        let allowed = try sb.run(sb.newID())
        XCTAssertTrue(allowed.stderr.contains("No such device"), "\(allowed)")
    }

    /// A caller that made the container's parent cgroup in the v1 cpuset
    /// hierarchy by mkdir leaves it without cpus and mems: the runtime fills
    /// them from the parent (as runc does) instead of failing with ENOSPC.
    func testEmptyPreexistingCpusetParentIsFilled() throws {
        guard let cpuset = Suite.cgroupMounts.first(where: { $0.hasSuffix("/cpuset") && fileExists($0 + "/cpuset.cpus") }) else {
            throw XCTSkip("no v1 cpuset hierarchy on this host")
        }
        let sb = try makeSandbox(args: ["true"])
        let id = sb.newID()
        let parent = "/\(Suite.cgroupParent)/cpuparent-\(id)"
        try FileManager.default.createDirectory(atPath: cpuset + "/" + Suite.cgroupParent, withIntermediateDirectories: true)
        let top = cpuset + "/" + Suite.cgroupParent
        if (readFile(top + "/cpuset.cpus") ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            try writeFile(top + "/cpuset.cpus", readFile(cpuset + "/cpuset.cpus") ?? "")
            try writeFile(top + "/cpuset.mems", readFile(cpuset + "/cpuset.mems") ?? "")
        }
        XCTAssertEqual(mkdir(cpuset + parent, 0o755), 0)
        defer { rmdir(cpuset + parent + "/c"); rmdir(cpuset + parent) }
        XCTAssertEqual(readFile(cpuset + parent + "/cpuset.cpus")?.trimmingCharacters(in: .whitespacesAndNewlines), "")
        sb.bundle.linux["cgroupsPath"] = parent + "/c"
        let r = try sb.run(id)
        XCTAssertSucceeds(r)
    }

    /// `linux.devices` makes a node; it must not also grant it past a
    /// `linux.resources.devices` deny (the config's deny-all, or a rule
    /// naming the device), on v1's devices.list and v2's eBPF program alike.
    func testListedDevicesDoNotOverrideADeny() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "cat /dev/dev240; cat /dev/null && echo null-ok"])
        var l = sb.bundle.linux
        l["devices"] = [
            ["path": "/dev/dev240", "type": "c", "major": 240, "minor": 0, "fileMode": 0o666, "uid": 0, "gid": 0],
        ]
        sb.bundle.linux = l
        let denyAll = try sb.run(sb.newID())
        XCTAssertTrue(denyAll.stderr.contains("dev240': Operation not permitted"), "the default deny-all holds: \(denyAll)")
        XCTAssertTrue(denyAll.stdout.contains("null-ok"), "\(denyAll)")

        var res = sb.bundle.resources
        res["devices"] = [
            ["allow": true, "access": "rwm"],
            ["allow": false, "type": "c", "major": 240, "minor": 0, "access": "rw"],
        ]
        sb.bundle.resources = res
        let denyOne = try sb.run(sb.newID())
        XCTAssertTrue(denyOne.stderr.contains("dev240': Operation not permitted"), "a deny naming the device holds: \(denyOne)")
        XCTAssertTrue(denyOne.stdout.contains("null-ok"), "\(denyOne)")

        res["devices"] = [["allow": false, "access": "rwm"], ["allow": true, "type": "c", "major": 240, "minor": 0, "access": "rw"]]
        sb.bundle.resources = res
        let allowed = try sb.run(sb.newID())
        XCTAssertTrue(allowed.stderr.contains("No such device"), "an allow rule grants it: \(allowed)")
    }
}

private func makedev(_ major: UInt32, _ minor: UInt32) -> dev_t {
    let ma = dev_t(major), mi = dev_t(minor)
    return ((ma & 0xfffff000) << 32) | ((ma & 0xfff) << 8) | ((mi & 0xffffff00) << 12) | (mi & 0xff)
}
