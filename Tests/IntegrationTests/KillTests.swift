import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// kill as containerd and podman use it: probes, and --all after the init
/// is gone.
final class KillTests: IntegrationTestCase {
    func testSignalZeroProbes() throws {
        let sb = try makeSandbox(args: ["sleep", "1000"])
        let id = sb.newID()
        try sb.createAndStart(id)
        XCTAssertSucceeds(sb.swrun(["kill", id, "0"]))
        XCTAssertSucceeds(sb.swrun(["kill", "--all", id, "0"]))
        XCTAssertEqual(sb.status(id), "running", "signal 0 delivers nothing")
    }

    /// A started container in the host's pid namespace whose init (`sh`)
    /// forked a `sleep 1000`, then `end`s with "exit 0" or "wait".
    private func hostPidContainerWithAChild(then end: String) throws -> (sb: Sandbox, id: String, child: pid_t) {
        let sb = try makeSandbox(args: ["sh", "-c", "sleep 1000 & echo $! > /host/child; \(end)"])
        sb.bundle.bind(sb.hostDir, at: "/host")
        sb.bundle.removeNamespace("pid")
        let id = sb.newID()
        try sb.createAndStart(id)
        // The shell creates the file before it writes the pid into it.
        func childPid() -> pid_t? { readFile(sb.hostDir + "/child").flatMap { pid_t(trimmed($0)) } }
        XCTAssertTrue(waitUntil(timeout: 10) { childPid() != nil })
        let child = try XCTUnwrap(childPid(), "no child pid")
        return (sb, id, child)
    }

    /// With the host's pid namespace the init's children outlive it in the
    /// container's cgroup; kill --all must still reach them, exit 0.
    func testKillAllAfterTheInitExitedSignalsWhatIsLeft() throws {
        let (sb, id, child) = try hostPidContainerWithAChild(then: "exit 0")
        XCTAssertTrue(sb.waitForStatus(id, "stopped"))
        XCTAssertTrue(processExists(child))
        XCTAssertSucceeds(sb.swrun(["kill", "--all", id, "KILL"]))
        XCTAssertTrue(waitUntil(timeout: 5) { processStateLetter(child) == nil || processStateLetter(child) == "Z" }, "the leftover child still runs")
        reap(child)
        XCTAssertSucceeds(sb.swrun(["delete", id]))
    }

    /// Without a pid namespace of its own, the init's death kills nothing
    /// else: `kill ID KILL` must reach every process of the container's
    /// cgroup (newer runc does; 1.1.5 does not).
    func testKillOfAContainerInTheHostPidNamespaceReachesEveryProcess() throws {
        try swrunOnly("runc 1.1.5 signals only the init (its leftover child is what the issue reports)")
        let (sb, id, child) = try hostPidContainerWithAChild(then: "wait")
        let initPid = sb.statePid(id) ?? 0
        XCTAssertSucceeds(sb.swrun(["kill", id, "KILL"]))
        XCTAssertTrue(waitUntil(timeout: 5) { processStateLetter(child) == nil || processStateLetter(child) == "Z" },
                      "the init's child outlived kill KILL")
        reap(child)
        reap(initPid)
        XCTAssertTrue(sb.waitForStatus(id, "stopped"))
        XCTAssertSucceeds(sb.swrun(["delete", id]))
        sb.assertNoTrace(of: id)
    }

    func testNotifyAsTheDefaultSeccompActionIsRefused() throws {
        let sb = try makeSandbox()
        var l = sb.bundle.linux
        l["seccomp"] = ["defaultAction": "SCMP_ACT_NOTIFY", "listenerPath": sb.dir + "/listener.sock",
                        "architectures": ["SCMP_ARCH_X86_64"]]
        sb.bundle.linux = l
        let id = sb.newID()
        let r = try sb.run(id, timeout: 15)
        XCTAssertFails(r, mentioning: ["SCMP_ACT_NOTIFY", "notify"])
        sb.assertNoTrace(of: id)
    }
}

/// A cgroupsPath the caller made beforehand may hold other processes:
/// kill --all and delete touch only the container's, and leave the cgroup.
final class SharedCgroupTests: IntegrationTestCase {
    func testBystandersInAPreexistingCgroupSurviveKillAllAndDelete() throws {
        try swrunOnly("runc 1.1.5 kills every process of the cgroup and removes it")
        let sb = try makeSandbox(args: ["sleep", "1000"])
        let id = sb.newID()
        let shared = "/\(Suite.cgroupParent)/shared-\(id)"
        sb.bundle.linux["cgroupsPath"] = shared
        // The caller's cgroup, with a process of its own in it.
        let bystander = try sb.startHelper(["sleep", "1000"])
        var dirs: [String] = []
        // (Not cpuset: a new v1 cpuset cgroup has no cpus until filled in.)
        for m in Suite.cgroupMounts where fileExists(m + "/cgroup.procs") && !m.hasSuffix("/cpuset") {
            let dir = m + shared
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            if (try? writeFile(dir + "/cgroup.procs", "\(bystander.pid)")) != nil { dirs.append(dir) }
        }
        defer {
            bystander.kill()
            bystander.wait(timeout: 5)
            for d in dirs { waitUntil(timeout: 2) { rmdir(d) == 0 || errno == ENOENT } }
        }
        XCTAssertFalse(dirs.isEmpty)
        try sb.bundle.writeConfig()
        sb.register(id)
        XCTAssertSucceeds(sb.swrun(["create", "--bundle", sb.bundle.path, id]))
        XCTAssertSucceeds(sb.swrun(["start", id]))
        let initPid = sb.statePid(id) ?? 0
        XCTAssertSucceeds(sb.swrun(["kill", "--all", id, "KILL"]))
        XCTAssertTrue(waitUntil(timeout: 5) { processStateLetter(initPid) == nil || processStateLetter(initPid) == "Z" })
        reap(initPid)
        XCTAssertNil(bystander.poll(), "kill --all killed a process that is not the container's")
        XCTAssertSucceeds(sb.swrun(["delete", "--force", id]))
        XCTAssertNil(bystander.poll(), "delete killed a process that is not the container's")
        for d in dirs { XCTAssertTrue(isDirectory(d), "delete removed the caller's cgroup \(d)") }
    }
}
